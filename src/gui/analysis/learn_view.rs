//! The Holdout plan tab's "Learn from a test" section (MODEL.md rule 23): a finished
//! test's results read, the learning run in the background, what it taught shown, and
//! the posterior applied to the scenario as one edit.

use egui::{Color32, RichText, Ui};
use egui_plot::{Plot, PlotPoint};

use super::{End, Task};
use crate::analysis::learn::{self, Learned, Observed, Settings};
use crate::format::{money, percent, printable};
use crate::gui::dashboard::charts::{self, ChartState, legend};
use crate::gui::dashboard::style;
use crate::gui::document::Document;

/// What a finished test taught.
pub struct LearnedResult {
    /// The analysis.
    pub learned: Learned,
    /// The scenario it learned from.
    pub spec: crate::model::ScenarioSpec,
    /// The document revision it came from.
    pub revision: u64,
    /// The results file.
    pub file: String,
    /// Whether its posterior was applied to the document.
    pub applied: bool,
    /// The input whose prior and posterior the chart shows.
    pub shown: usize,
}

/// The section's state.
pub struct LearnView {
    /// The learning in the background.
    pub(super) task: Task<Box<Learned>>,
    /// What the latest finished test taught, with the scenario it updates.
    pub learned: Option<LearnedResult>,
    error: Option<String>,
    /// The running learning's file, spec and document revision.
    pending: Option<(String, crate::model::ScenarioSpec, u64)>,
    chart: ChartState,
    /// Worlds drawn from the prior when learning.
    pub worlds: u32,
    /// A results file to learn from as soon as the tab is drawn (`aovlab gui --learn`).
    pub queued: Option<std::path::PathBuf>,
}

impl Default for LearnView {
    fn default() -> Self {
        Self {
            task: Task::default(),
            learned: None,
            error: None,
            pending: None,
            chart: ChartState::default(),
            worlds: 2_000,
            queued: None,
        }
    }
}

impl LearnView {
    /// Takes the finished learning's result.
    pub fn poll(&mut self) {
        if let Some(end) = self.task.poll(|()| {}) {
            match end {
                End::Done(l) => {
                    if let Some((file, spec, revision)) = self.pending.take() {
                        self.learned =
                            Some(LearnedResult { learned: *l, spec, revision, file, applied: false, shown: 0 });
                    }
                }
                End::Failed(e) => self.error = Some(e),
                End::Cancelled => {}
            }
        }
    }

    /// Starts learning from the finished test whose results are in `path` (the daily
    /// CSV `aovlab monitor` reads, or one row per arm): the treatment arm's strategy is
    /// the one named as the arm, else the one chosen on the tab (`chosen`).
    pub fn start(&mut self, doc: &mut Document, ctx: &egui::Context, path: std::path::PathBuf, chosen: Option<usize>) {
        self.error = None;
        let Some(sc) = doc.scenario() else {
            self.error =
                Some("Fix the scenario's problems (flagged in the editor) before learning from a test.".into());
            return;
        };
        let file = crate::import::file_name(&path.display().to_string());
        let read = crate::io::table::read_table(&path, &file)
            .and_then(|t| crate::import::test_results::read(&t, &crate::import::Mapping::default(), None));
        let daily = match read {
            Ok(d) => d,
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        let named = sc.strategies.iter().position(|s| s.name == daily.treatment_arm);
        let Some(k) = named.or(chosen).or_else(|| sc.featured_strategy()).filter(|&k| k != sc.holdout) else {
            self.error = Some("The scenario needs a strategy besides the holdout.".into());
            return;
        };
        let observed = Observed::from_daily(&daily, k);
        let spec = doc.spec().clone();
        let settings = Settings { worlds: self.worlds, visitors: sc.store.visitors };
        let for_task = spec.clone();
        self.learned = None;
        self.task.start(ctx, move |report, cancel| {
            let r = learn::learn(&for_task, &observed, &settings, &Default::default(), &|f| report.progress(f), cancel);
            End::of(r.map(Box::new))
        });
        self.pending = Some((file, spec, doc.revision()));
    }

    /// The "Learn from a test" section: the button, the analysis' progress and what
    /// the test taught, with the posterior to apply to the scenario (one undoable edit).
    pub fn ui(&mut self, ui: &mut Ui, doc: &mut Document, out: &mut Vec<crate::gui::commands::Command>) {
        ui.heading("Learn from a test");
        ui.add(
            egui::Label::new(
                "When the test has ended, its results (a CSV with a row per day and arm: date, arm, visitors, \
                 orders, revenue, optionally revenue_sq and the offer logs) update the scenario's uncertain inputs: \
                 each world drawn from them is weighted by how well it explains what the test observed.",
            )
            .wrap(),
        );
        let busy = self.task.is_running();
        ui.horizontal(|ui| {
            if ui.add_enabled(!busy, egui::Button::new("Learn from test results…")).clicked() {
                out.push(crate::gui::commands::Command::LearnFromTest);
            }
            ui.label("worlds drawn from the prior");
            ui.add(egui::DragValue::new(&mut self.worlds).range(50..=20_000).speed(50.0)).on_hover_text(
                "More worlds, a finer posterior; up to four times as many are drawn when too few explain the test",
            );
        });
        if let Some(e) = &self.error {
            ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().error_fg_color)).wrap());
        }
        let stale = self.learned.as_ref().is_some_and(|r| r.revision != doc.revision() && !r.applied);
        self.task.status_ui(ui, stale);
        let Some(res) = &mut self.learned else { return };
        let l = &res.learned;
        let cur = res.spec.store.currency.clone();
        ui.label(
            RichText::new(format!(
                "The test {} of {}: {:.0} effective worlds of {} drawn from the prior.",
                printable(&l.source),
                printable(&l.strategy),
                l.effective_worlds,
                l.worlds
            ))
            .strong(),
        );
        if l.contradicts {
            ui.add(
                egui::Label::new(
                    RichText::new(
                        "The test CONTRADICTS the scenario: too few of its worlds explain what it observed, so no \
                         posterior is given. The least expected observations first (z: standard deviations from the \
                         scenario's prediction):",
                    )
                    .color(ui.visuals().error_fg_color),
                )
                .wrap(),
            );
        }
        let f = |v: f64| if v.abs() < 1.0 { percent(v, 2) } else { money(v, &cur, 2) };
        egui::Grid::new("learn-observations").striped(true).num_columns(5).spacing([14.0, 4.0]).show(ui, |ui| {
            for h in ["Observation", "Observed", "Prior predicted", "z", "Posterior predicts"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for o in &l.observations {
                ui.label(printable(&o.label));
                ui.label(f(o.observed));
                ui.label(format!("{} ± {}", f(o.prior_mean), f(o.prior_sd)));
                ui.label(format!("{:+.1}", o.z));
                ui.label(if l.contradicts { "-".to_string() } else { f(o.posterior_mean) });
                ui.end_row();
            }
        });
        if l.contradicts {
            return;
        }
        ui.add_space(4.0);
        ui.label(RichText::new("What it moved (median, P5-P95), largest move first").strong());
        let n = |x: f64| crate::model::fields::trim_number(x, 4);
        let mut shown = res.shown;
        egui::Grid::new("learn-inputs").striped(true).num_columns(3).spacing([14.0, 4.0]).show(ui, |ui| {
            for h in ["Input", "Before the test", "After it"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (i, input) in l.inputs.iter().enumerate() {
                ui.radio_value(&mut shown, i, printable(&input.label));
                ui.label(format!("{} [{} … {}]", n(input.prior[0]), n(input.prior[1]), n(input.prior[2])));
                ui.label(format!("{} [{} … {}]", n(input.posterior[0]), n(input.posterior[1]), n(input.posterior[2])));
                ui.end_row();
            }
        });
        res.shown = shown;
        if let Some(input) = l.inputs.get(res.shown) {
            learn_chart(ui, &mut self.chart, input);
        }
        let d = |x: &learn::Decision| {
            format!(
                "{} (expected {} a year, best in {} of the worlds; EVPI {})",
                printable(&x.best),
                money(x.expected_impact, &cur, 0),
                percent(x.probability_best, 0),
                money(x.evpi, &cur, 0)
            )
        };
        ui.add(egui::Label::new(format!("Before the test: {}.\nAfter it: {}.", d(&l.before), d(&l.after))).wrap());
        if let Some(fu) = &l.follow_up {
            ui.add(
                egui::Label::new(format!(
                    "The same test again would be worth {} a year (EVSI) against {} its holdout would forgo: {}.",
                    money(fu.evsi, &cur, 0),
                    money(fu.forgone, &cur, 0),
                    if fu.worth_running() { "worth running" } else { "not worth running" }
                ))
                .wrap(),
            );
        }
        if res.applied {
            ui.label("Applied to the scenario (Edit > Undo takes it back).");
        } else if !l.contradicts {
            let fits = res.revision == doc.revision();
            let apply = ui
                .add_enabled(fits, egui::Button::new("Apply the posterior to the scenario"))
                .on_hover_text("Replace each learned input's distribution by its posterior, as one edit you can undo")
                .on_disabled_hover_text("The scenario changed since: learn again from the test");
            // One edit: each learned input set to its posterior.
            let edits: Vec<crate::model::edit::Edit> = l
                .inputs
                .iter()
                .filter_map(|i| {
                    let path = crate::model::fields::resolve(doc.spec(), &i.path).ok()?;
                    let v = crate::model::fields::Value::Param(crate::model::Param::Dist(i.fitted.clone()));
                    Some(crate::model::edit::Edit::Set(path, v))
                })
                .collect();
            if apply.clicked() {
                out.push(crate::gui::commands::Command::EditSaying(
                    crate::model::edit::Edit::Batch(edits),
                    format!("Applied what the test {} taught to {} inputs.", printable(&l.source), l.inputs.len()),
                ));
                res.applied = true;
            }
        }
    }
}

/// The prior's and the posterior's histograms of one input.
fn learn_chart(ui: &mut Ui, state: &mut ChartState, input: &learn::InputPosterior) {
    let dark = ui.visuals().dark_mode;
    let (prior_c, post_c) = (Color32::GRAY, style::gain(dark));
    legend(ui, &[(prior_c, "prior".to_string()), (post_c, "posterior".to_string())]);
    let width = input.edges.get(1).zip(input.edges.first()).map_or(1.0, |(b, a)| b - a);
    let plot = Plot::new("learn-input")
        .height(charts::HEIGHT * 0.7)
        .x_axis_label(printable(&input.label))
        .y_axis_label("share of worlds")
        .y_axis_formatter(|g, _| percent(g.value, 0))
        .include_y(0.0)
        .y_axis_min_width(48.0);
    let hover = |pt: PlotPoint| {
        let i = input.edges.iter().position(|e| *e > pt.x)?.checked_sub(1)?;
        Some(format!(
            "{} to {}: prior {}, posterior {}",
            crate::model::fields::trim_number(input.edges[i], 4),
            crate::model::fields::trim_number(input.edges[i + 1], 4),
            percent(*input.prior_bins.get(i)?, 1),
            percent(*input.posterior_bins.get(i)?, 1)
        ))
    };
    let generation = input.path.len() as u64;
    charts::show(ui, "learn", state, generation, plot, hover, |plot| {
        let bars = |bins: &[f64], c: Color32, w: f64| {
            let b: Vec<egui_plot::Bar> = bins
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    egui_plot::Bar::new(input.edges[i] + width / 2.0, *v).width(width * w).fill(c.gamma_multiply(0.6))
                })
                .collect();
            egui_plot::BarChart::new("", b).allow_hover(false)
        };
        plot.bar_chart(bars(&input.prior_bins, prior_c, 0.9));
        plot.bar_chart(bars(&input.posterior_bins, post_c, 0.5));
    });
}
