//! The analysis tabs beside the results: what-if sweeps, sensitivity, the optimizer
//! and the holdout plan. Each runs its analysis (crate::analysis) on a background
//! thread at the simulation threads' low priority, reporting over a channel, and can
//! be cancelled.

pub mod claims_tab;
pub mod compare_tab;
pub mod import_tab;
pub mod learn_view;
pub mod optimize_tab;
pub mod plan_tab;
pub mod sensitivity_tab;
pub mod sweep_tab;
mod task;

use egui::Ui;

pub use claims_tab::ClaimsTab;
pub use compare_tab::CompareTab;
pub use import_tab::ImportTab;
pub use optimize_tab::OptimizeTab;
pub use plan_tab::PlanTab;
pub use sensitivity_tab::SensitivityTab;
pub use sweep_tab::SweepTab;
pub use task::{End, JobState, Reporter, Running, Task};

use super::commands::Command;
use super::document::Document;

/// An analysis tab: what the app asks of each, whatever it analyses.
pub trait AnalysisTab {
    /// Whether it runs its default analysis by itself the first time it is shown (a
    /// tab that waits for a file the user chooses does not).
    fn runs_on_first_view(&self) -> bool {
        true
    }

    /// Starts its analysis of the document's scenario as set up.
    fn start(&mut self, _doc: &mut Document, _ctx: &egui::Context) {}

    /// Takes in the news from its analysis.
    fn poll(&mut self);

    /// Its background analysis.
    fn task(&self) -> &dyn task::Running;

    /// Whether its analysis is running (or about to start).
    fn is_running(&self) -> bool {
        self.task().is_running()
    }

    /// Stops its analysis.
    fn cancel(&self) {
        self.task().cancel();
    }

    /// Draws it; `valid`: the scenario has no problems.
    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<Command>);
}

/// Declares the analysis tabs once, in the order shown: each one's view, field, type,
/// label and the names the command line knows it by. [`View`], [`Analyses`] and the
/// dispatch to each tab all come from this list.
macro_rules! tabs {
    ($( $view:ident $field:ident: $ty:ty = [$label:expr $(, $name:expr)+] ),* $(,)?) => {
        /// The central area's tabs: the run's results, then each analysis.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum View {
            /// The run's dashboard.
            #[default]
            Results,
            $( #[doc = $label] $view, )*
        }

        impl View {
            /// Every tab in order.
            pub const ALL: &[View] = &[View::Results, $(View::$view),*];

            /// Tab label.
            pub fn label(self) -> &'static str {
                match self {
                    View::Results => "Results",
                    $( View::$view => $label, )*
                }
            }

            /// The names the command line takes for it (the first is its own).
            pub fn names(self) -> &'static [&'static str] {
                match self {
                    View::Results => &["results", "dashboard"],
                    $( View::$view => &[$($name),+], )*
                }
            }
        }

        /// Every analysis tab's state.
        #[derive(Default)]
        pub struct Analyses {
            $( #[doc = $label] pub $field: $ty, )*
            /// The tabs that ran their default analysis by themselves.
            ran: std::collections::HashSet<View>,
        }

        impl Analyses {
            /// The tab shown as `view` (`None` for the results).
            pub fn tab(&self, view: View) -> Option<&dyn AnalysisTab> {
                match view {
                    View::Results => None,
                    $( View::$view => Some(&self.$field), )*
                }
            }

            /// The tab shown as `view`, to change.
            pub fn tab_mut(&mut self, view: View) -> Option<&mut dyn AnalysisTab> {
                match view {
                    View::Results => None,
                    $( View::$view => Some(&mut self.$field), )*
                }
            }
        }
    };
}

tabs! {
    Sweep sweep: SweepTab = ["What if (sweep)", "sweep", "what-if", "whatif"],
    Sensitivity sensitivity: SensitivityTab = ["Sensitivity", "sensitivity", "tornado"],
    Optimize optimize: OptimizeTab = ["Optimize", "optimize", "optimizer"],
    Plan plan: PlanTab = ["Holdout plan", "plan", "holdout", "plan-holdout"],
    Claims claims: ClaimsTab = ["What would it take", "claims", "seek", "what-would-it-take"],
    Compare compare: CompareTab = ["Compare", "compare"],
    Import import: ImportTab = ["Import", "import", "calibrate"],
}

impl View {
    /// The view named on the command line (any of its [`View::names`], case ignored).
    pub fn from_name(name: &str) -> Option<View> {
        let name = name.trim().to_ascii_lowercase();
        View::ALL.iter().copied().find(|v| v.names().contains(&name.as_str()))
    }
}

impl Analyses {
    /// Takes in every tab's news.
    pub fn poll(&mut self) {
        for &v in View::ALL {
            if let Some(t) = self.tab_mut(v) {
                t.poll();
            }
        }
    }

    /// Whether `view`'s analysis is running.
    pub fn is_running(&self, view: View) -> bool {
        self.tab(view).is_some_and(|t| t.is_running())
    }

    /// Whether `view` ran its default analysis by itself (or has none to run).
    pub fn ran(&self, view: View) -> bool {
        self.ran.contains(&view) || self.tab(view).is_none_or(|t| !t.runs_on_first_view())
    }

    /// Whether `view` has work in progress or waits to start its first analysis.
    pub fn busy(&self, view: View) -> bool {
        !self.ran(view) || self.is_running(view)
    }

    /// Draws `view`'s tab. Each runs its default analysis by itself the first time it
    /// is shown once the scenario's own run is complete (`main_done`): a strategist
    /// who opens the tab wants to see what it does.
    pub fn ui(
        &mut self,
        view: View,
        ui: &mut Ui,
        doc: &mut Document,
        valid: bool,
        main_done: bool,
        out: &mut Vec<Command>,
    ) {
        let first = valid && main_done && !self.ran(view);
        let Some(tab) = self.tab_mut(view) else { return };
        if first {
            tab.start(doc, ui.ctx());
        }
        tab.ui(ui, doc, valid, out);
        if first {
            self.ran.insert(view);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_is_found_by_each_of_its_names_and_every_analysis_has_its_tab() {
        let a = Analyses::default();
        for &v in View::ALL {
            for n in v.names() {
                assert_eq!(View::from_name(n), Some(v), "{n}");
                assert_eq!(View::from_name(&n.to_uppercase()), Some(v), "{n}");
            }
            assert_eq!(a.tab(v).is_none(), v == View::Results, "{v:?}");
        }
        assert_eq!(View::from_name("nonsense"), None);
        // Tabs that wait for a file have nothing to run on their first view.
        assert!(a.ran(View::Compare) && a.ran(View::Import) && a.ran(View::Results));
        assert!(!a.ran(View::Sweep) && a.busy(View::Sweep));
    }
}
