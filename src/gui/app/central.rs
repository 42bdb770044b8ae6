//! The central area: the results dashboard with its early-stop setup, and the
//! analysis tabs.

use super::*;

impl AovApp {
    pub(super) fn central_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            for &v in View::ALL {
                let busy = match v {
                    View::Results => self.run.is_some(),
                    _ => self.analyses.is_running(v),
                };
                let label = if busy { format!("{} (running)", v.label()) } else { v.label().to_string() };
                if ui.selectable_label(self.view == v, RichText::new(label).strong()).clicked() {
                    out.push(Command::View(v));
                }
            }
        });
        ui.separator();
        match self.view {
            View::Results => self.results_ui(ui, out),
            _ => self.analysis_ui(ui, out),
        }
    }

    /// An analysis tab; it runs its default analysis by itself the first time it is
    /// shown once the scenario's own run is complete.
    pub(super) fn analysis_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        let valid = self.doc.problems().is_empty();
        let main_done = self.results.as_ref().is_some_and(RunView::complete) && self.run.is_none();
        let view = self.view;
        egui::ScrollArea::vertical().id_salt(("analysis", view as u8)).auto_shrink([false, false]).show(ui, |ui| {
            self.analyses.ui(view, ui, &mut self.doc, valid, main_done, out);
        });
    }

    /// Whether an analysis tab has work in progress (or waits to start it).
    pub fn analysis_busy(&self) -> bool {
        self.view != View::Results && self.analyses.busy(self.view)
    }

    /// The precision target: stop a run once a metric's mean is known well enough.
    pub(super) fn precision_ui(&mut self, ui: &mut Ui) {
        use crate::report::metric::MetricUnit;
        ui.horizontal_wrapped(|ui| {
            let mut on = self.precision.is_some();
            let tip = "Run replications in batches of 10 and stop as soon as every strategy's mean of this metric \
                       is known to within the half-width at 95% (Student's t). Where it stops depends only on the \
                       scenario, its seed and the target.";
            if ui.checkbox(&mut on, "Stop early when").on_hover_text(tip).changed() {
                if on {
                    self.precision = Some(self.precision_setup);
                } else if let Some(t) = self.precision.take() {
                    self.precision_setup = t;
                }
            }
            // The target being edited: the live one when on, the remembered one when off.
            let t = match &mut self.precision {
                Some(t) => t,
                None => &mut self.precision_setup,
            };
            crate::gui::combo(ui, "precision-metric", "Precision target metric", None, t.metric.label(), |ui| {
                for m in crate::report::Metric::ALL {
                    ui.selectable_value(&mut t.metric, m, m.label());
                }
            });
            ui.label("is known to +/-");
            match t.metric.unit() {
                MetricUnit::Rate | MetricUnit::PerThousand | MetricUnit::Relative => {
                    let mut points = t.half_width * 100.0;
                    let r =
                        ui.add(egui::DragValue::new(&mut points).speed(0.01).range(0.001..=100.0).suffix(" points"));
                    if r.changed() {
                        t.half_width = points / 100.0;
                    }
                }
                _ => {
                    let sym = crate::format::currency_symbol(&self.doc.spec().store.currency);
                    ui.add(egui::DragValue::new(&mut t.half_width).speed(0.01).range(1e-6..=1e12).prefix(sym));
                }
            }
        });
    }

    pub(super) fn results_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        self.precision_ui(ui);
        let problems = self.doc.problems().all();
        let valid = problems.is_empty();
        ui.horizontal_wrapped(|ui| {
            let run =
                ui.add_enabled(valid && self.run.is_none(), egui::Button::new(RichText::new("Run scenario").strong()));
            let run = if valid {
                run.on_hover_text("Run the scenario (F5)")
            } else {
                run.on_disabled_hover_text(format!("Fix the {} problem(s) in the scenario first", problems.len()))
            };
            if run.clicked() {
                out.push(Command::Run);
            }
            if let (Some(handle), Some(res)) = (&self.run, &self.results) {
                let done = res.reps.len() as f32;
                let total = res.total().max(1) as f32;
                let elapsed = handle.started.elapsed().as_secs_f32();
                let eta = if done > 0.0 { elapsed * (total - done) / done } else { f32::NAN };
                let eta = if eta.is_finite() { format!("{eta:.1} s") } else { "…".into() };
                ui.add(
                    egui::ProgressBar::new(done / total)
                        .desired_width(220.0)
                        .text(format!("{done:.0}/{total:.0} · ETA {eta}")),
                );
                if ui.button("Cancel").on_hover_text("Stop the run (Esc)").clicked() {
                    out.push(Command::Cancel);
                }
            }
        });
        if !valid {
            let first = &problems[0];
            ui.horizontal_wrapped(|ui| {
                let text = format!(
                    "Run is disabled: {} problem{}. {}: {}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" },
                    self.doc.label_of(&first.path),
                    first.message
                );
                ui.add(egui::Label::new(RichText::new(text).color(ui.visuals().error_fg_color)).wrap());
                if ui.small_button("Show").on_hover_text("Go to the field").clicked() {
                    out.push(Command::Show(first.path.clone()));
                }
            });
        }
        if let Some(n) = &self.notice {
            let color = match n.level {
                Level::Error => ui.visuals().error_fg_color,
                Level::Warning => ui.visuals().warn_fg_color,
                Level::Info => ui.visuals().text_color(),
            };
            let mut close = false;
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(n.heading()).strong().color(color));
                    close = ui.small_button("Dismiss").clicked();
                });
                ui.add(egui::Label::new(RichText::new(&n.text).color(color)).wrap());
            });
            if close {
                self.notice = None;
            }
        }
        if let Some(r) = self.results.as_ref().filter(|r| r.partial()) {
            ui.add(
                egui::Label::new(
                    RichText::new(format!(
                        "Partial results: {} of {} replications. Run again (F5) for all of them.",
                        r.reps.len(),
                        r.total()
                    ))
                    .color(ui.visuals().warn_fg_color),
                )
                .wrap(),
            );
        }
        if let Some(r) = self.results.as_ref().and_then(|r| r.reached.as_ref()) {
            let text = crate::analysis::precision::sentence(&self.doc.spec().store.currency, r);
            let color = if r.met { ui.visuals().text_color() } else { ui.visuals().warn_fg_color };
            ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
        }
        if self.results_stale() {
            ui.add(
                egui::Label::new(
                    RichText::new(
                        "Results are stale: the scenario changed since this run. Run again (F5) to update them.",
                    )
                    .color(ui.visuals().warn_fg_color),
                )
                .wrap(),
            );
        }
        ui.separator();
        let asked = egui::ScrollArea::vertical().id_salt("dashboard").auto_shrink([false, false]).show(ui, |ui| {
            let cur = &self.doc.spec().store.currency;
            // A presenter file's saved results stay up, marked as unchecked, until a
            // complete run says whether they reproduce.
            match (&self.results, &self.doc.spec().presented) {
                (Some(res), Some(p)) if !res.complete() => {
                    let status = if self.run.is_some() {
                        format!(
                            "Checking them now: re-running the scenario ({} of {} replications); the dashboard \
                             says whether they reproduce when it ends.",
                            res.reps.len(),
                            res.total()
                        )
                    } else {
                        "Not checked: the run that would check them did not finish. Run (F5) to check them.".into()
                    };
                    crate::gui::dashboard::saved_results(ui, p, cur, &status);
                    None
                }
                (Some(res), _) => self.dashboard.ui(ui, res),
                (None, Some(p)) => {
                    let status = "Not checked on this computer: Run (F5) reproduces them and says whether they match.";
                    crate::gui::dashboard::saved_results(ui, p, cur, status);
                    None
                }
                (None, None) => {
                    ui.label("Press Run (F5) to simulate the scenario.");
                    None
                }
            }
        });
        out.extend(asked.inner.map(Command::Chart));
        if std::mem::take(&mut self.dashboard.open_claims) {
            out.push(Command::View(crate::gui::analysis::View::Claims));
        }
    }
}
