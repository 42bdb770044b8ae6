//! The "Compare" tab: a second scenario (another file, or a saved version of this
//! one) beside the current one: the assumptions that differ, field by field, and both
//! results side by side with their differences (`aovlab compare` on the command line).

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::{Job, JobState, status_line};
use crate::format::printable;
use crate::gui::commands::Command;
use crate::gui::document::Document;
use crate::model::{Scenario, ScenarioSpec};
use crate::present::compare::{self, Difference, Side};
use crate::report::Metric;

type Msg = super::Msg<Vec<Side>>;

/// The tab's state.
#[derive(Default)]
pub struct CompareTab {
    /// The other scenario: its file, file form and validated form.
    other: Option<(PathBuf, ScenarioSpec, Option<Scenario>)>,
    error: Option<String>,
    /// The differences and the document revision they were computed at.
    diffs: Option<(u64, Vec<Difference>)>,
    job: Option<Job<Msg>>,
    progress: f64,
    state: Option<JobState>,
    /// Both results side by side, with the revision they ran at.
    results: Option<(u64, Vec<Side>)>,
    /// Run both as soon as the tab is drawn (a scenario was just chosen).
    auto: bool,
}

impl CompareTab {
    /// Whether both scenarios are running (or about to).
    pub fn is_running(&self) -> bool {
        self.job.is_some() || self.auto
    }

    /// Loads the scenario to compare with.
    pub fn load(&mut self, path: PathBuf) {
        self.diffs = None;
        self.results = None;
        self.state = None;
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

    fn poll(&mut self) {
        let Some(outcome) = super::poll_result(&mut self.job, &mut self.progress) else { return };
        match outcome {
            Ok(sides) => {
                if let Some((rev, _)) = &self.diffs {
                    self.results = Some((*rev, sides));
                }
                self.state = Some(JobState::Complete);
            }
            Err(e) => self.state = Some(JobState::ended(e)),
        }
    }

    fn run(&mut self, doc: &mut Document, ctx: &egui::Context) {
        let (Some(a), Some((_, _, Some(b)))) = (doc.scenario(), &self.other) else { return };
        let b = b.clone();
        self.state = Some(JobState::Running);
        self.progress = 0.0;
        self.job = Some(Job::start(ctx, move |send, cancel| {
            let one = |sc: &Scenario, from: f64| -> Result<crate::report::Report, String> {
                let each = |p: crate::engine::Progress| {
                    send(Msg::Progress(from + 0.5 * f64::from(p.done) / f64::from(p.total)));
                };
                let out = crate::engine::run(sc, &Default::default(), &each, cancel).map_err(|e| match e {
                    crate::engine::RunError::Cancelled => "cancelled".to_string(),
                    other => other.to_string(),
                })?;
                let reps: Vec<_> = out.replications.iter().map(|r| crate::report::replication(sc, r)).collect();
                Ok(crate::report::summarize_replications(sc, &reps, 0.0, 0))
            };
            let r = one(&a, 0.0).and_then(|ra| Ok(compare::results(&ra, &one(&b, 0.5)?)));
            send(Msg::Finished(r));
        }));
    }

    /// Draws the tab; "Choose a scenario" asks the app for a file.
    pub fn ui(&mut self, ui: &mut Ui, doc: &mut Document, out: &mut Vec<Command>) {
        self.poll();
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
        let can_run = runnable.is_some() && doc.problems().is_empty() && self.job.is_none();
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
        let state = self.state.as_ref().filter(|s| **s != JobState::Complete);
        let stale = self.results.as_ref().is_some_and(|(r, _)| *r != rev);
        let started = self.job.as_ref().map(|j| j.started);
        if status_line(ui, state, self.progress, started, stale && self.job.is_none())
            && let Some(j) = &self.job
        {
            j.cancel();
        }
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
