//! The "Sensitivity" tab: a tornado of the uncertain inputs, their rank correlation
//! with the outcome, and where each would flip the decision between two strategies.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, PlotPoint, VLine};

use super::{AnalysisTab, End, Task};
use crate::analysis::sensitivity::{self, Outcome, Sensitivity, correlation_text, show_input};
use crate::format::{percent, printable};
use crate::gui::dashboard::charts::{self, ChartState, metric_tick, nice_marks};
use crate::gui::dashboard::style;
use crate::gui::dashboard::{ChartRequest, chart_menu};
use crate::gui::document::Document;
use crate::model::ScenarioSpec;
use crate::report::Metric;

/// A finished analysis.
pub struct SensitivityResult {
    /// The analysis.
    pub analysis: Sensitivity,
    /// The scenario it analysed (names and units).
    spec: ScenarioSpec,
    /// The document revision it came from.
    pub revision: u64,
    generation: u64,
}

/// The tab's state.
pub struct SensitivityTab {
    metric: Metric,
    strategy: Option<usize>,
    versus: Option<usize>,
    decision: Option<(usize, usize)>,
    task: Task<Box<Sensitivity>, Box<Sensitivity>>,
    /// The latest analysis.
    pub result: Option<SensitivityResult>,
    error: Option<String>,
    chart: ChartState,
    generation: u64,
}

impl Default for SensitivityTab {
    fn default() -> Self {
        Self {
            metric: Metric::AnnualGmvImpact,
            strategy: None,
            versus: None,
            decision: None,
            task: Task::default(),
            result: None,
            error: None,
            chart: ChartState::default(),
            generation: 0,
        }
    }
}

impl AnalysisTab for SensitivityTab {
    fn start(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.begin(doc, ctx);
    }

    fn poll(&mut self) {
        let (result, generation) = (&mut self.result, &mut self.generation);
        let mut take = |a: Box<Sensitivity>| {
            if let Some(r) = result.as_mut() {
                r.analysis = *a;
                *generation += 1;
                r.generation = *generation;
            }
        };
        match self.task.poll(&mut take) {
            Some(End::Done(a)) => take(a),
            Some(End::Cancelled | End::Failed(_)) => self.result = None,
            None => {}
        }
    }

    fn task(&self) -> &dyn super::Running {
        &self.task
    }

    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<crate::gui::commands::Command>) {
        self.draw(ui, doc, valid, out);
    }
}

impl SensitivityTab {
    /// Whether the tab has a result or a reason it has none.
    pub fn settled(&self) -> bool {
        !self.task.is_running() && (self.result.is_some() || self.error.is_some() || self.task.state().is_some())
    }

    /// Starts the analysis of the document's scenario as set up.
    fn begin(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.error = None;
        let Some(sc) = doc.scenario() else {
            self.error = Some("Fix the scenario's problems (flagged in the editor) before analysing it.".into());
            return;
        };
        if sc.uncertain_inputs().is_empty() {
            self.error = Some(
                "No input is uncertain: give one a distribution (in the editor, choose a distribution instead of \
                 fixed) to see how much it matters."
                    .into(),
            );
            return;
        }
        let n = sc.strategies.len();
        if self.strategy.is_none_or(|k| k >= n || k == sc.holdout) {
            self.strategy = sc.featured_strategy();
        }
        if self.versus.is_some_and(|k| k >= n) {
            self.versus = None;
        }
        if self.decision.is_none_or(|(a, b)| a >= n || b >= n) {
            self.decision = sensitivity::default_decision(&sc);
        }
        let Some(k) = self.strategy else {
            self.error = Some("The scenario needs a strategy besides the holdout.".into());
            return;
        };
        let outcome = Outcome { metric: self.metric, strategy: k, versus: self.versus.filter(|&v| v != k) };
        if let Err(e) = outcome.check(&sc) {
            self.error = Some(e);
            return;
        }
        let decision = self.decision.filter(|(a, b)| a != b);
        let spec = doc.spec().clone();
        self.result = Some(SensitivityResult {
            analysis: Sensitivity {
                outcome_label: outcome.describe(&sc),
                outcome,
                base: None,
                decision_label: None,
                decision,
                base_difference: None,
                inputs: Vec::new(),
                draws: sensitivity::Draws { paths: Vec::new(), rows: Vec::new() },
            },
            spec: spec.clone(),
            revision: doc.revision(),
            generation: 0,
        });
        self.task.start(ctx, move |report, cancel| {
            let progress = |f: f64| report.progress(f);
            let partial = |s: &Sensitivity| report.partial(Box::new(s.clone()));
            let opts = Default::default();
            let r = sensitivity::analyse_with(&spec, outcome, decision, &opts, &progress, &partial, true, cancel);
            End::of(r.map(Box::new))
        });
    }

    /// Draws the tab.
    fn draw(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<crate::gui::commands::Command>) {
        let spec = doc.spec().clone();
        let names: Vec<String> = spec.strategies.iter().map(|s| s.name.clone()).collect();
        let holdout = spec.strategies.iter().position(|s| s.holdout).unwrap_or(0);
        ui.heading("Sensitivity");
        ui.add(
            egui::Label::new(
                "Which uncertain input moves the outcome most, and which would change the decision. Each input \
                 is held at its 10th and at its 90th percentile while every other input stays uncertain, with \
                 the same draws (the tornado); the rank correlation measures the same input across the main \
                 run's replications, with every input varying at once.",
            )
            .wrap(),
        );
        ui.add_space(4.0);
        egui::Grid::new("sensitivity-setup").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
            ui.label("Outcome");
            ui.horizontal_wrapped(|ui| {
                crate::gui::combo(ui, "sens-metric", "Outcome metric", None, self.metric.label(), |ui| {
                    for m in Metric::ALL {
                        ui.selectable_value(&mut self.metric, m, m.label()).on_hover_text(m.help());
                    }
                });
                ui.label("of");
                pick(ui, "sens-strategy", &names, &mut self.strategy, None, holdout);
                ui.label("minus");
                pick(ui, "sens-versus", &names, &mut self.versus, Some("nothing"), holdout);
            });
            ui.end_row();
            ui.label("Decision");
            ui.horizontal_wrapped(|ui| {
                let (mut a, mut b) = match self.decision {
                    Some((a, b)) => (Some(a), Some(b)),
                    None => (None, None),
                };
                pick(ui, "sens-a", &names, &mut a, Some("none"), holdout);
                ui.label("against");
                pick(ui, "sens-b", &names, &mut b, Some("none"), holdout);
                self.decision = a.zip(b);
                ui.label(RichText::new(format!("on {}", self.metric.label())).small());
            });
            ui.end_row();
        });
        ui.horizontal_wrapped(|ui| {
            let run = ui.add_enabled(
                valid && !self.task.is_running(),
                egui::Button::new(RichText::new("Run analysis").strong()),
            );
            let run = run.on_disabled_hover_text(if valid {
                "An analysis is running"
            } else {
                "Fix the scenario's problems first"
            });
            if run.clicked() {
                self.begin(doc, ui.ctx());
            }
        });
        if let Some(e) = &self.error {
            ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().error_fg_color)).wrap());
        }
        let stale = self.result.as_ref().is_some_and(|r| r.revision != doc.revision());
        self.task.status_ui(ui, stale);
        ui.separator();
        let Some(r) = &self.result else {
            ui.label("Choose an outcome and press Run analysis.");
            return;
        };
        if r.analysis.inputs.is_empty() {
            ui.label("Running the scenario with each input held at its 10th and 90th percentiles…");
            return;
        }
        let (rested, total) = (r.analysis.draws.rows.len(), r.spec.store.replications as usize);
        if self.task.is_running() && rested < total {
            ui.label(
                RichText::new(format!(
                    "Preview from the first {rested} of {total} replications: every figure below is as uncertain \
                     as that few make it. The whole analysis replaces it when it is done."
                ))
                .color(ui.visuals().warn_fg_color),
            );
        }
        out.extend(results_ui(ui, &mut self.chart, r).map(crate::gui::commands::Command::Chart));
    }
}

/// A strategy chooser; `none` names the empty choice when there is one.
fn pick(ui: &mut Ui, id: &str, names: &[String], current: &mut Option<usize>, none: Option<&str>, holdout: usize) {
    let text = current.and_then(|k| names.get(k)).map_or(none.unwrap_or("choose"), |s| s.as_str());
    crate::gui::combo(ui, id, id, None, printable(text), |ui| {
        if let Some(n) = none {
            ui.selectable_value(current, None, n);
        }
        for (k, n) in names.iter().enumerate() {
            let label = if k == holdout { format!("{} (holdout)", printable(n)) } else { printable(n) };
            ui.selectable_value(current, Some(k), label);
        }
    });
}

fn results_ui(ui: &mut Ui, chart: &mut ChartState, r: &SensitivityResult) -> Option<ChartRequest> {
    let s = &r.analysis;
    let spec = &r.spec;
    let cur = spec.store.currency.clone();
    let m = s.outcome.metric;
    let fmt = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| m.format_exact(v, &cur));
    ui.label(
        RichText::new(format!("{}: {} with every input uncertain", printable(&s.outcome_label), fmt(s.base))).strong(),
    );
    let mut asked = None;
    if let (Some(response), Some(f)) =
        (tornado(ui, chart, r), crate::present::figure::tornado(&r.analysis, &r.spec.store.currency))
    {
        chart_menu(&response, &f, &crate::present::draw::Stamp::of_spec(&r.spec), &mut asked);
    }
    ui.add_space(6.0);
    if let (Some(label), Some(d)) = (&s.decision_label, s.base_difference) {
        ui.label(
            RichText::new(format!("Decision: {} on {}: {} in the main run", printable(label), m.label(), fmt(Some(d))))
                .strong(),
        );
        if s.inputs.iter().any(|e| e.flip.is_none()) {
            ui.label("Finding where the decision flips: each input at its 1st, 50th and 99th percentile…");
        } else {
            for line in sensitivity::flip_sentences(spec, s) {
                ui.add(egui::Label::new(printable(&line)).wrap());
            }
        }
    }
    ui.add_space(6.0);
    egui::ScrollArea::horizontal().id_salt("sens-table").show(ui, |ui| {
        egui::Grid::new("sens-rows").striped(true).num_columns(8).spacing([14.0, 4.0]).show(ui, |ui| {
            let head = [
                "Input",
                "P10",
                "P90",
                "At P10",
                "At P90",
                "Swing",
                "Rank corr.",
                "Decision flips at",
                "P(other ahead)",
            ];
            let cols = if s.decision.is_some() { head.len() } else { head.len() - 2 };
            for h in &head[..cols] {
                ui.label(RichText::new(*h).strong());
            }
            ui.end_row();
            for e in &s.inputs {
                ui.label(printable(&e.label)).on_hover_text(&e.path);
                ui.label(show_input(spec, &e.path, e.dist.quantile(0.10)));
                ui.label(show_input(spec, &e.path, e.dist.quantile(0.90)));
                ui.label(fmt(e.at_p10));
                ui.label(fmt(e.at_p90));
                ui.label(m.format_exact(e.swing, &cur).trim_start_matches('+').to_string());
                ui.label(e.importance.map_or_else(|| "n/a".into(), correlation_text));
                if s.decision.is_some() && e.flip.is_none() {
                    ui.label("…");
                    ui.label("…");
                }
                if let Some(f) = &e.flip {
                    ui.label(if f.at.is_empty() {
                        "none in P1-P99".to_string()
                    } else {
                        f.at.iter().map(|&x| show_input(spec, &e.path, x)).collect::<Vec<_>>().join(", ")
                    });
                    ui.label(percent(f.probability, 1));
                }
                ui.end_row();
            }
        });
    });
    asked
}

/// One row per input, largest swing first: a bar from the base value to the outcome
/// with the input at P10 (lighter) and one to the outcome at P90 (deeper); green
/// where the outcome rises, red where it falls.
fn tornado(ui: &mut Ui, state: &mut ChartState, r: &SensitivityResult) -> Option<egui::Response> {
    let s = &r.analysis;
    let base = s.base?;
    let m = s.outcome.metric;
    let cur = r.spec.store.currency.clone();
    ui.add(
        egui::Label::new(
            RichText::new(
                "Bars run from the outcome with every input uncertain (the line) to the outcome with one input held \
                 at its 10th percentile (lighter) or 90th (deeper). Green raises the outcome, red lowers it.",
            )
            .small(),
        )
        .wrap(),
    );
    let dark = ui.visuals().dark_mode;
    let rows = &s.inputs;
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|e| e.label.clone()).collect();
    let colour = |v: f64| if v >= base { style::gain(dark) } else { style::loss(dark) };
    let cur_x = cur.clone();
    let labels = charts::RowLabels::new(ui, &names);
    let plot = charts::rows_only_plot("tornado", &labels)
        .height(labels.height(34.0, 70.0).max(charts::HEIGHT * 0.8))
        .x_axis_label(m.label())
        .x_axis_formatter(move |g, _| metric_tick(m, g.value, g.step_size, &cur_x))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .include_x(base);
    let hover = |p: PlotPoint| {
        let row = (n as f64 - 1.0 - p.y.round()) as i64;
        let e = rows.get(usize::try_from(row).ok()?)?;
        let v = |x: Option<f64>| x.map_or_else(|| "n/a".into(), |x| m.format_exact(x, &cur));
        Some(format!(
            "{}\nat P10 ({}): {}\nat P90 ({}): {}\nswing {}; rank correlation {}",
            printable(&e.label),
            show_input(&r.spec, &e.path, e.dist.quantile(0.10)),
            v(e.at_p10),
            show_input(&r.spec, &e.path, e.dist.quantile(0.90)),
            v(e.at_p90),
            m.format_exact(e.swing, &cur).trim_start_matches('+'),
            e.importance.map_or_else(|| "n/a".into(), correlation_text)
        ))
    };
    Some(charts::show(ui, "tornado", state, r.generation, plot, hover, |plot| {
        let mut bars = Vec::new();
        for (i, e) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (v, light, dy) in [(e.at_p10, true, 0.17), (e.at_p90, false, -0.17)] {
                let Some(v) = v else { continue };
                let c: Color32 = if light { style::light(colour(v)) } else { colour(v) };
                bars.push(
                    Bar::new(y + dy, v - base).base_offset(base).width(0.32).fill(c).stroke(egui::Stroke::new(1.0, c)),
                );
            }
        }
        plot.bar_chart(BarChart::new("", bars).horizontal().allow_hover(false));
        plot.vline(VLine::new("", base).color(Color32::GRAY).width(1.5).allow_hover(false));
    }))
}
