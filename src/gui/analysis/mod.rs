//! The analysis tabs beside the results: what-if sweeps, sensitivity, the optimizer
//! and the holdout plan. Each runs its analysis (crate::analysis) on a background
//! thread at the simulation threads' low priority, reporting over a channel, and can
//! be cancelled.

pub mod compare_tab;
pub mod import_tab;
pub mod optimize_tab;
pub mod plan_tab;
pub mod sensitivity_tab;
pub mod sweep_tab;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{RichText, Ui};

pub use compare_tab::CompareTab;
pub use import_tab::ImportTab;
pub use optimize_tab::OptimizeTab;
pub use plan_tab::PlanTab;
pub use sensitivity_tab::SensitivityTab;
pub use sweep_tab::SweepTab;

use super::commands::Command;
use super::document::Document;

/// The central area's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// The run's dashboard.
    #[default]
    Results,
    /// A sweep of one or two fields.
    Sweep,
    /// Tornado, importance and decision flips.
    Sensitivity,
    /// The optimizer and its trade-off chart.
    Optimize,
    /// The holdout plan and the value of information.
    Plan,
    /// A second scenario beside this one.
    Compare,
    /// A store's product export or order history, previewed before it is applied.
    Import,
}

impl View {
    /// Every tab in order.
    pub const ALL: [View; 7] =
        [View::Results, View::Sweep, View::Sensitivity, View::Optimize, View::Plan, View::Compare, View::Import];

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            View::Results => "Results",
            View::Sweep => "What if (sweep)",
            View::Sensitivity => "Sensitivity",
            View::Optimize => "Optimize",
            View::Plan => "Holdout plan",
            View::Compare => "Compare",
            View::Import => "Import",
        }
    }

    /// The view named on the command line (`results`, `sweep`, `sensitivity`,
    /// `optimize`, `plan`).
    pub fn from_name(name: &str) -> Option<View> {
        match name.trim().to_ascii_lowercase().as_str() {
            "results" | "dashboard" => Some(View::Results),
            "sweep" | "what-if" | "whatif" => Some(View::Sweep),
            "sensitivity" | "tornado" => Some(View::Sensitivity),
            "optimize" | "optimizer" => Some(View::Optimize),
            "plan" | "holdout" | "plan-holdout" => Some(View::Plan),
            "compare" => Some(View::Compare),
            "import" | "calibrate" => Some(View::Import),
            _ => None,
        }
    }
}

/// Every analysis tab's state.
#[derive(Default)]
pub struct Analyses {
    /// What if.
    pub sweep: SweepTab,
    /// Sensitivity.
    pub sensitivity: SensitivityTab,
    /// Optimize.
    pub optimize: OptimizeTab,
    /// Holdout plan.
    pub plan: PlanTab,
    /// Compare.
    pub compare: CompareTab,
    /// Import.
    pub import: ImportTab,
}

impl Analyses {
    /// Drains every tab's messages.
    pub fn poll(&mut self) {
        self.sweep.poll();
        self.sensitivity.poll();
        self.optimize.poll();
        self.plan.poll();
    }

    /// Whether `view`'s analysis is running.
    pub fn is_running(&self, view: View) -> bool {
        match view {
            View::Results => false,
            View::Sweep => self.sweep.is_running(),
            View::Sensitivity => self.sensitivity.is_running(),
            View::Optimize => self.optimize.is_running(),
            View::Plan => self.plan.is_running(),
            View::Compare => self.compare.is_running(),
            View::Import => self.import.is_running(),
        }
    }

    /// Whether `view` has work in progress or waits to start its first analysis.
    pub fn busy(&self, view: View) -> bool {
        let ran = match view {
            View::Results | View::Compare | View::Import => true,
            View::Sweep => self.sweep.auto_ran,
            View::Sensitivity => self.sensitivity.auto_ran,
            View::Optimize => self.optimize.auto_ran,
            View::Plan => self.plan.auto_ran,
        };
        !ran || self.is_running(view)
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
        let ready = valid && main_done;
        let first = |ran: &mut bool| {
            let now = ready && !*ran;
            *ran |= now;
            now
        };
        match view {
            View::Results => {}
            View::Sweep => {
                if first(&mut self.sweep.auto_ran) {
                    self.sweep.start(doc, ui.ctx());
                }
                self.sweep.ui(ui, doc, valid, out);
            }
            View::Sensitivity => {
                if first(&mut self.sensitivity.auto_ran) {
                    self.sensitivity.start(doc, ui.ctx());
                }
                self.sensitivity.ui(ui, doc, valid, out);
            }
            View::Optimize => {
                if first(&mut self.optimize.auto_ran) {
                    self.optimize.start(doc, ui.ctx());
                }
                self.optimize.ui(ui, doc, valid, out);
            }
            View::Plan => {
                if first(&mut self.plan.auto_ran) {
                    self.plan.start(doc, ui.ctx());
                }
                self.plan.ui(ui, doc, valid, out);
            }
            View::Compare => self.compare.ui(ui, doc, out),
            View::Import => self.import.ui(ui, doc, out),
        }
    }
}

/// Most frequent wake-up of the UI while an analysis runs. Each wake-up draws a frame
/// or two, and where frames are drawn on the CPU (Mesa's llvmpipe under a virtual
/// display, a remote desktop) one costs about 35 ms of a core plus the renderer's
/// threads: at 100 ms the window took most of a core from the analysis, which then
/// took 2.2-4.5 times as long as on the command line; at 500 ms it takes 1.04-1.13
/// times as long (docs/performance.md), and a progress bar moving twice a second is
/// still live.
const REPAINT_EVERY: Duration = Duration::from_millis(500);

/// An analysis on a background thread: its messages, and a flag to stop it.
pub struct Job<M: Send + 'static> {
    rx: Receiver<M>,
    cancel: Arc<AtomicBool>,
    /// When it started.
    pub started: Instant,
}

impl<M: Send + 'static> Job<M> {
    /// Runs `work(send, cancel)` on a thread; `ctx` is asked to repaint (rate-limited,
    /// and once at the end) when messages arrive.
    pub fn start(ctx: &egui::Context, work: impl FnOnce(&(dyn Fn(M) + Sync), &AtomicBool) + Send + 'static) -> Self {
        let repaint = ctx.clone();
        let wake = move || repaint.request_repaint();
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let spawned = std::thread::Builder::new().name("aovlab-analysis".into()).spawn(move || {
            let tx = Mutex::new(tx);
            let last = Mutex::new(Instant::now() - REPAINT_EVERY);
            let send = |m: M| {
                if let Ok(tx) = tx.lock() {
                    let _ = tx.send(m);
                }
                if let Ok(mut l) = last.lock()
                    && l.elapsed() >= REPAINT_EVERY
                {
                    *l = Instant::now();
                    wake();
                }
            };
            let run = || work(&send, &flag);
            match super::worker::simulation_pool() {
                Some(pool) => pool.install(run),
                None => run(),
            }
            wake();
        });
        if spawned.is_err() {
            cancel.store(true, Ordering::Relaxed);
        }
        Self { rx, cancel, started: Instant::now() }
    }

    /// Messages received since the last call.
    pub fn drain(&self) -> Vec<M> {
        self.rx.try_iter().collect()
    }

    /// Asks the analysis to stop (within one chunk of simulation).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// News from an analysis that reports its progress and then one result (an error
/// text of `"cancelled"` when it was cancelled).
pub enum Msg<T> {
    /// Share of the work done, 0 to 1.
    Progress(f64),
    /// The result.
    Finished(Result<T, String>),
}

/// Drains `job`'s messages: the latest progress into `progress`; once it finished,
/// the job is dropped and its result returned.
pub fn poll_result<T: Send + 'static>(job: &mut Option<Job<Msg<T>>>, progress: &mut f64) -> Option<Result<T, String>> {
    let mut end = None;
    for m in job.as_ref()?.drain() {
        match m {
            Msg::Progress(f) => *progress = f,
            Msg::Finished(r) => end = Some(r),
        }
    }
    let end = end?;
    *job = None;
    Some(end)
}

/// How an analysis stands.
#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    /// Still running.
    Running,
    /// Finished.
    Complete,
    /// Cancelled: results are partial.
    Cancelled,
    /// Failed.
    Failed(String),
}

impl JobState {
    /// The state of an analysis that ended with error text `e` (`"cancelled"`: it
    /// was cancelled).
    pub fn ended(e: String) -> Self {
        if e == "cancelled" { JobState::Cancelled } else { JobState::Failed(e) }
    }
}

/// The progress line under a tab's controls: a bar with Cancel while running, else
/// what the results are (partial, stale, failed). Returns true when Cancel was clicked.
pub fn status_line(
    ui: &mut Ui,
    state: Option<&JobState>,
    progress: f64,
    started: Option<Instant>,
    stale: bool,
) -> bool {
    let mut cancel = false;
    match state {
        Some(JobState::Running) => {
            ui.horizontal_wrapped(|ui| {
                let elapsed = started.map_or(0.0, |s| s.elapsed().as_secs_f64());
                let eta = if progress > 0.02 { elapsed * (1.0 - progress) / progress } else { f64::NAN };
                let eta = if eta.is_finite() { format!("{eta:.1} s") } else { "…".into() };
                ui.add(
                    egui::ProgressBar::new(progress as f32)
                        .desired_width(220.0)
                        .text(format!("{:.0}% · ETA {eta}", progress * 100.0)),
                );
                cancel = ui.button("Cancel").on_hover_text("Stop; the points done so far stay").clicked();
            });
        }
        Some(JobState::Cancelled) => warn(ui, "Cancelled: the results below are partial. Run again for all of them."),
        Some(JobState::Failed(e)) => {
            ui.add(egui::Label::new(RichText::new(format!("Failed: {e}")).color(ui.visuals().error_fg_color)).wrap());
        }
        _ => {}
    }
    if stale {
        warn(ui, "Stale: the scenario changed since this analysis. Run it again to update it.");
    }
    cancel
}

fn warn(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(RichText::new(text).color(ui.visuals().warn_fg_color)).wrap());
}
