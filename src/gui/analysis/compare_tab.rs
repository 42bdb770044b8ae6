//! The "Compare" tab: a second scenario (another file, or a saved version of this
//! one) beside the current one: the assumptions that differ, field by field, and both
//! results side by side with their differences (`aovlab compare` on the command line).

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::{AnalysisTab, End, Task};
use crate::format::printable;
use crate::gui::commands::Command;
use crate::gui::document::Document;
use crate::model::{Scenario, ScenarioSpec};
use crate::present::compare::{self, Difference, Side};
use crate::report::Metric;

/// The tab's state.
#[derive(Default)]
pub struct CompareTab {
    /// The other scenario: its file, file form and validated form.
    other: Option<(PathBuf, ScenarioSpec, Option<Scenario>)>,
    error: Option<String>,
    /// The differences and the document revision they were computed at.
    diffs: Option<(u64, Vec<Difference>)>,
    task: Task<Vec<Side>>,
    /// Both results side by side, with the revision they ran at.
    results: Option<(u64, Vec<Side>)>,
    /// Run both as soon as the tab is drawn (a scenario was just chosen).
    auto: bool,
}

impl AnalysisTab for CompareTab {
    fn runs_on_first_view(&self) -> bool {
        false
    }

    fn poll(&mut self) {
        if let Some(End::Done(sides)) = self.task.poll(|()| {})
            && let Some((rev, _)) = &self.diffs
        {
            self.results = Some((*rev, sides));
        }
    }

    /// Whether both scenarios are running (or about to).
    fn is_running(&self) -> bool {
        self.task.is_running() || self.auto
    }

    fn task(&self) -> &dyn super::Running {
        &self.task
    }

    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, _valid: bool, out: &mut Vec<Command>) {
        self.draw(ui, doc, out);
    }
}

impl CompareTab {
    /// Loads the scenario to compare with.
    pub fn load(&mut self, path: PathBuf) {
        self.diffs = None;
        self.results = None;
        self.task.clear();
        match crate::io::scenario_file::load(&path) {
            Ok(l) => {
                let sc = l.validate().ok();
                self.error = sc.is_none().then(|| {
                    "It has problems, so its results cannot be run; its assumptions are compared.".to_string()
                });
                self.auto = sc.is_some();
                self.other = Some((path, l.spec, sc));
            }
            Err(e) => {
                self.error = Some(e.to_string());
                self.other = None;
            }
        }
    }

    fn run(&mut self, doc: &mut Document, ctx: &egui::Context) {
        let (Some(a), Some((_, _, Some(b)))) = (doc.scenario(), &self.other) else { return };
        let b = b.clone();
        self.task.start(ctx, move |report, cancel| {
            let one = |sc: &Scenario, from: f64| -> Result<crate::report::Report, crate::engine::RunError> {
                let each = |p: crate::engine::Progress| {
                    report.progress(from + 0.5 * f64::from(p.done) / f64::from(p.total));
                };
                let out = crate::engine::run(sc, &Default::default(), &each, cancel)?;
                let reps: Vec<_> = out.replications.iter().map(|r| crate::report::replication(sc, r)).collect();
                Ok(crate::report::summarize_replications(sc, &reps, 0.0, 0))
            };
            End::of(one(&a, 0.0).and_then(|ra| Ok(compare::results(&ra, &one(&b, 0.5)?))))
        });
    }

    /// Draws the tab; "Choose a scenario" asks the app for a file.
    fn draw(&mut self, ui: &mut Ui, doc: &mut Document, out: &mut Vec<Command>) {
        ui.heading("Compare");
        ui.add(
            egui::Label::new(
                "Open a second scenario (another file, or a saved version of this one) beside the current one: \
                 the assumptions that differ, field by field, and both results side by side.",
            )
            .wrap(),
        );
        ui.horizontal_wrapped(|ui| {
            if ui.button("Choose a scenario to compare…").clicked() {
                out.push(Command::CompareWith);
            }
            if let Some((p, _, _)) = &self.other {
                ui.label(format!("Current scenario (A) against {} (B)", printable(&p.display().to_string())));
            }
        });
        if let Some(e) = &self.error {
            ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().warn_fg_color)).wrap());
        }
        let Some((_, spec, runnable)) = &self.other else { return };
        let rev = doc.revision();
        if self.diffs.as_ref().is_none_or(|(r, _)| *r != rev) {
            self.diffs = Some((rev, compare::differences(doc.spec(), spec)));
        }
        let can_run = runnable.is_some() && doc.problems().is_empty() && !self.task.is_running();
        ui.separator();
        if let Some((_, diffs)) = &self.diffs {
            if diffs.is_empty() {
                ui.label(RichText::new("The two scenarios make the same assumptions.").strong());
            } else {
                ui.label(RichText::new(format!("{} assumptions differ", diffs.len())).strong());
                egui::ScrollArea::horizontal().id_salt("compare-diffs").show(ui, |ui| {
                    egui::Grid::new("compare-diff-rows").striped(true).num_columns(3).spacing([14.0, 4.0]).show(
                        ui,
                        |ui| {
                            for h in ["Field", "A (current)", "B"] {
                                ui.label(RichText::new(h).strong());
                            }
                            ui.end_row();
                            for d in diffs {
                                ui.label(printable(&d.label));
                                ui.label(d.a.as_deref().map_or_else(|| compare::ABSENT.to_string(), printable));
                                ui.label(d.b.as_deref().map_or_else(|| compare::ABSENT.to_string(), printable));
                                ui.end_row();
                            }
                        },
                    );
                });
            }
        }
        ui.add_space(6.0);
        let auto = std::mem::take(&mut self.auto) && can_run;
        if ui.add_enabled(can_run, egui::Button::new(RichText::new("Run both").strong())).clicked() || auto {
            self.run(doc, ui.ctx());
        }
        let stale = self.results.as_ref().is_some_and(|(r, _)| *r != rev);
        self.task.status_ui(ui, stale);
        let Some((_, sides)) = &self.results else { return };
        let cur = doc.spec().store.currency.clone();
        egui::ScrollArea::horizontal().id_salt("compare-results").show(ui, |ui| {
            egui::Grid::new("compare-result-rows").striped(true).num_columns(5).spacing([14.0, 4.0]).show(ui, |ui| {
                for h in ["Strategy", "Metric", "A (current)", "B", "B - A"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for s in sides {
                    let m = Metric::from_name(s.metric).unwrap_or(Metric::RpvLift);
                    let f = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| m.format_exact(v, &cur));
                    ui.label(printable(&s.strategy));
                    ui.label(m.label());
                    ui.label(f(s.a));
                    ui.label(f(s.b));
                    ui.label(s.difference.map_or_else(|| "-".to_string(), |d| m.format_difference(d, &cur)));
                    ui.end_row();
                }
            });
        });
        ui.label(RichText::new(compare::DIFFERENCE_NOTE).small());
    }
}
