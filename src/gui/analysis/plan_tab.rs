//! The "Holdout plan" tab: the A/B test that would measure a strategy (power by day,
//! days needed, detectable effect, revenue forgone, the measured lift with its
//! interval over the days) and what the test and the uncertainty are worth.

use egui::{Color32, RichText, Ui};
use egui_plot::{FilledArea, HLine, Line, Plot, PlotPoint, PlotPoints, VLine};

use super::learn_view::LearnView;
use super::{AnalysisTab, End, Task};
use crate::analysis::plan::{self, Plan, Planned, TARGET_POWER};
use crate::analysis::value::{self, Value};
use crate::format::{int, money, percent, printable};
use crate::gui::dashboard::charts::{self, ChartState, legend, metric_tick, nice_marks};
use crate::gui::dashboard::style;
use crate::gui::dashboard::{ChartRequest, chart_menu};
use crate::gui::document::Document;
use crate::model::Scenario;
use crate::report::Metric;

/// A finished plan.
pub struct PlanResult {
    /// The plan's outcome.
    pub planned: Planned,
    /// What the test and the uncertainty are worth.
    pub value: Value,
    currency: String,
    /// The document revision it came from.
    pub revision: u64,
    generation: u64,
    /// Its charts' footer: the worlds and the planned test's visitors.
    stamp: crate::present::draw::Stamp,
}

/// The tab's state.
pub struct PlanTab {
    strategy: Option<usize>,
    /// Visitors a day; `None` until set from the scenario's annual GMV.
    daily_visitors: Option<u64>,
    holdout_share: f64,
    days: u32,
    alpha: f64,
    /// What the value of information measures a strategy's worth in.
    basis: value::Basis,
    task: Task<Box<(Planned, Value)>>,
    /// The latest plan.
    pub result: Option<PlanResult>,
    error: Option<String>,
    charts: [ChartState; 3],
    generation: u64,
    /// The running plan's currency and document revision.
    pending: Option<(String, u64, String, u64)>,
    /// Learning from a finished test (MODEL.md rule 23).
    pub learn: LearnView,
}

impl Default for PlanTab {
    fn default() -> Self {
        Self {
            strategy: None,
            daily_visitors: None,
            holdout_share: 0.1,
            days: 28,
            alpha: 0.05,
            basis: value::Basis::Gross,
            task: Task::default(),
            result: None,
            error: None,
            charts: Default::default(),
            generation: 0,
            pending: None,
            learn: LearnView::default(),
        }
    }
}

impl AnalysisTab for PlanTab {
    fn start(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.start_plan(doc, ctx);
    }

    fn poll(&mut self) {
        self.learn.poll();
        let Some(end) = self.task.poll(|()| {}) else { return };
        match end {
            End::Done(b) => {
                let (planned, value) = *b;
                self.daily_visitors = Some(planned.plan.daily_visitors);
                if let Some((currency, revision, name, seed)) = self.pending.take() {
                    self.generation += 1;
                    let stamp = crate::present::draw::Stamp::of_plan(&name, seed, &planned);
                    self.result =
                        Some(PlanResult { planned, value, currency, revision, generation: self.generation, stamp });
                }
            }
            End::Cancelled | End::Failed(_) => self.result = None,
        }
    }

    fn task(&self) -> &dyn super::Running {
        if self.learn.task.is_running() { &self.learn.task } else { &self.task }
    }

    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<crate::gui::commands::Command>) {
        self.draw(ui, doc, valid, out);
    }
}

impl PlanTab {
    /// The strategy chosen on the tab, if any.
    pub fn strategy(&self) -> Option<usize> {
        self.strategy
    }

    /// Sets the visitors a day of the planned test, as its field on the tab does.
    pub fn set_daily_visitors(&mut self, visitors: u64) {
        self.daily_visitors = Some(visitors.max(1));
    }

    /// Starts the plan of the document's scenario.
    fn start_plan(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.error = None;
        let Some(sc) = doc.scenario() else {
            self.error = Some("Fix the scenario's problems (flagged in the editor) before planning a test.".into());
            return;
        };
        let n = sc.strategies.len();
        if self.strategy.is_none_or(|k| k >= n || k == sc.holdout) {
            self.strategy = sc.featured_strategy();
        }
        let Some(k) = self.strategy else {
            self.error = Some("The scenario needs a strategy besides the holdout.".into());
            return;
        };
        let spec = doc.spec().clone();
        let (holdout_share, days, alpha, daily) = (self.holdout_share, self.days, self.alpha, self.daily_visitors);
        let basis = self.basis;
        self.result = None;
        let (currency, revision, name, seed) = (sc.store.currency.clone(), doc.revision(), sc.name.clone(), sc.seed());
        self.task.start(ctx, move |report, cancel| {
            let progress = |f: f64| report.progress(f);
            let r = (|| -> Result<(Planned, Value), plan::PlanError> {
                let daily_visitors = match daily {
                    Some(v) => v,
                    None => implied(&sc, cancel)?,
                };
                let p = Plan { daily_visitors, holdout_share, days, strategy: k, alpha };
                let planned = plan::plan(&sc, &p, &Default::default(), &|f| progress(0.8 * f), cancel)?;
                let worth = value::value(
                    &spec,
                    &sc,
                    planned.worlds,
                    Some(&planned),
                    basis,
                    &Default::default(),
                    &|f| progress(0.8 + 0.2 * f),
                    cancel,
                )?;
                Ok((planned, worth))
            })();
            End::of(r.map(Box::new))
        });
        self.pending = Some((currency, revision, name, seed));
    }

    /// Draws the tab.
    fn draw(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<crate::gui::commands::Command>) {
        if let Some(path) = self.learn.queued.take() {
            self.learn.start(doc, ui.ctx(), path, self.strategy);
        }
        let spec = doc.spec().clone();
        let names: Vec<String> = spec.strategies.iter().map(|s| s.name.clone()).collect();
        let holdout = spec.strategies.iter().position(|s| s.holdout).unwrap_or(0);
        ui.heading("Holdout plan");
        ui.add(
            egui::Label::new(
                "The A/B test that would measure a strategy against the holdout: each day a share of visitors sees \
                 the holdout and the rest the strategy, different people in each group, simulated in every \
                 replication's world. Power is the share of worlds in which the test's 95% interval (two-sided, \
                 at the level below) finds the strategy's lift; the normal-approximation formula's answer is shown \
                 beside it.",
            )
            .wrap(),
        );
        ui.add_space(4.0);
        egui::Grid::new("plan-setup").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
            ui.label("Strategy tested");
            let text = self.strategy.and_then(|k| names.get(k)).map_or("choose", |s| s.as_str());
            crate::gui::combo(ui, "plan-strategy", "Strategy tested", None, printable(text), |ui| {
                for (k, n) in names.iter().enumerate().filter(|(k, _)| *k != holdout) {
                    ui.selectable_value(&mut self.strategy, Some(k), printable(n));
                }
            });
            ui.end_row();
            ui.label("Visitors a day");
            ui.horizontal(|ui| {
                let mut v = self.daily_visitors.unwrap_or(0);
                if self.daily_visitors.is_some() {
                    let r = ui.add(egui::DragValue::new(&mut v).range(2..=plan::MAX_DAILY_VISITORS).speed(100.0));
                    if r.changed() {
                        self.daily_visitors = Some(v);
                    }
                    if ui
                        .small_button("from annual GMV")
                        .on_hover_text("What the scenario's annual GMV implies at the holdout's revenue per visitor")
                        .clicked()
                    {
                        self.daily_visitors = None;
                    }
                } else {
                    ui.label("what the annual GMV implies");
                    if ui.small_button("set").clicked() {
                        self.daily_visitors = Some(10_000);
                    }
                }
            });
            ui.end_row();
            ui.label("Holdout share");
            ui.add(
                egui::Slider::new(&mut self.holdout_share, 0.01..=0.5)
                    .custom_formatter(|v, _| percent(v, 0))
                    .custom_parser(|t| t.trim().trim_end_matches('%').parse::<f64>().ok().map(|v| v / 100.0)),
            );
            ui.end_row();
            ui.label("Days");
            ui.add(egui::DragValue::new(&mut self.days).range(1..=plan::MAX_DAYS));
            ui.end_row();
            ui.label("Significance");
            crate::gui::combo(ui, "plan-alpha", "Significance level", None, format!("{}", self.alpha), |ui| {
                for a in [0.01, 0.05, 0.1] {
                    ui.selectable_value(&mut self.alpha, a, format!("{a}"));
                }
            });
            ui.end_row();
            ui.label("Value on").on_hover_text(
                "What the value of information measures each strategy's worth in: its annual GMV impact, or its \
                 annual net impact after returns (the revenue the holdout forgoes is then net too).",
            );
            crate::gui::combo(ui, "plan-basis", "Value on", None, self.basis.label(), |ui| {
                for b in [value::Basis::Gross, value::Basis::Net] {
                    ui.selectable_value(&mut self.basis, b, b.label());
                }
            });
            ui.end_row();
        });
        ui.horizontal_wrapped(|ui| {
            let run = ui.add_enabled(
                valid && !self.task.is_running(),
                egui::Button::new(RichText::new("Plan the test").strong()),
            );
            let run = run.on_disabled_hover_text(if valid {
                "A plan is being simulated"
            } else {
                "Fix the scenario's problems first"
            });
            if run.clicked() {
                self.start_plan(doc, ui.ctx());
            }
        });
        if let Some(e) = &self.error {
            ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().error_fg_color)).wrap());
        }
        let stale = self.result.as_ref().is_some_and(|r| r.revision != doc.revision());
        self.task.status_ui(ui, stale);
        ui.separator();
        let Some(r) = &self.result else {
            ui.label(if self.task.is_running() {
                "Simulating the test in every world…"
            } else {
                "Set up the test and press Plan the test."
            });
            ui.separator();
            self.learn.ui(ui, doc, out);
            return;
        };
        out.extend(results_ui(ui, &mut self.charts, r).map(crate::gui::commands::Command::Chart));
        ui.separator();
        self.learn.ui(ui, doc, out);
    }
}

/// The visitors a day the scenario's annual GMV implies.
fn implied(sc: &Scenario, cancel: &std::sync::atomic::AtomicBool) -> Result<u64, plan::PlanError> {
    let o = crate::engine::RunOptions { replications: Some(0..1), ..Default::default() };
    let out = crate::engine::run(sc, &o, &|_| {}, cancel)?;
    let rep = crate::report::replication(sc, &out.replications[0]);
    let rpv = Metric::RevenuePerVisitor.estimate(&rep.strategies[sc.holdout]).map_or(0.0, |e| e.value);
    plan::implied_daily_visitors(sc, rpv)
        .ok_or_else(|| plan::PlanError::Request("the holdout earns nothing per visitor; set the visitors a day".into()))
}

fn results_ui(ui: &mut Ui, charts_state: &mut [ChartState; 3], r: &PlanResult) -> Option<ChartRequest> {
    let p = &r.planned;
    let cur = &r.currency;
    ui.label(
        RichText::new(format!(
            "{}: {} days, {} visitors a day, {} in the holdout: {} holdout and {} treatment visitors",
            printable(&p.strategy),
            p.plan.days,
            int(p.plan.daily_visitors),
            percent(p.plan.holdout_share, 0),
            int(p.groups.0),
            int(p.groups.1)
        ))
        .strong(),
    );
    ui.label(format!("Simulated in {} worlds over {} days.", p.worlds, p.horizon));
    egui::Grid::new("plan-rows").striped(true).num_columns(8).spacing([14.0, 4.0]).show(ui, |ui| {
        for h in ["Lift", "True (mean)", "Power (simulated)", "Power (formula)", "Days for 80%", "Detectable at plan"] {
            ui.label(RichText::new(h).strong());
        }
        ui.label(RichText::new("Power, looking daily").strong()).on_hover_text(
            "Looking every day and stopping the first day the always-valid interval excludes zero (aovlab \
             monitor): the share of worlds stopped on the expected side by the planned day.",
        );
        ui.label(RichText::new("Days for 80%, looking daily").strong());
        ui.end_row();
        let days = |d: Option<u32>| d.map_or_else(|| format!("more than {}", p.horizon), |d| d.to_string());
        for m in &p.metrics {
            ui.label(m.metric.label());
            ui.label(crate::format::lift(m.true_lift, 2));
            ui.label(percent(m.power, 0));
            ui.label(percent(m.analytic_power, 0));
            ui.label(days(m.days_for_target));
            ui.label(format!("±{}", percent(m.minimum_detectable_effect, 2)));
            ui.label(percent(m.sequential_power, 0));
            ui.label(days(m.sequential_days_for_target));
            ui.end_row();
        }
    });
    ui.label(
        RichText::new(
            "The fixed-horizon power holds only if the test is read once, on the planned day; looking every day \
             needs the always-valid intervals of the last two columns.",
        )
        .small(),
    );
    let net =
        p.forgone_net_if_different().map_or_else(String::new, |n| format!(" ({} net of returns)", money(n, cur, 0)));
    ui.label(format!("The holdout group forgoes {}{net} during the test.", money(p.forgone_revenue, cur, 0)));
    ui.add_space(6.0);
    let [power_state, lift_state, value_state] = charts_state;
    let mut asked = None;
    let response = power_chart(ui, power_state, r);
    chart_menu(&response, &crate::present::figure::power_by_day(&r.planned), &r.stamp, &mut asked);
    if let Some(f) = crate::present::figure::measured_lift(&r.planned)
        && let Some(response) = lift_chart(ui, lift_state, r, &f)
    {
        chart_menu(&response, &f, &r.stamp, &mut asked);
    }
    value_ui(ui, value_state, r).or(asked)
}

/// Power by day for each lift, with the target and the planned day.
fn power_chart(ui: &mut Ui, state: &mut ChartState, r: &PlanResult) -> egui::Response {
    let p = &r.planned;
    // The chart file's lines: the tested strategy's colour, each lift its dash.
    let lines: Vec<(Color32, crate::present::figure::Dash)> = p
        .metrics
        .iter()
        .map(|m| {
            let ([r, g, b], dash) = crate::present::figure::lift_line(p, m.metric);
            (Color32::from_rgb(r, g, b), dash)
        })
        .collect();
    ui.label(RichText::new("Power by day of the test").strong());
    let names: Vec<(Color32, String)> =
        p.metrics.iter().zip(&lines).map(|(m, &(c, d))| (c, format!("{}{}", m.metric.label(), d.words()))).collect();
    legend(ui, &names);
    let plot = Plot::new("plan-power")
        .height(charts::HEIGHT)
        .x_axis_label("Day of the test")
        .y_axis_label("Power")
        .y_axis_formatter(|g, _| percent(g.value, 0))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .y_grid_spacer(|g| nice_marks(g, 5.0))
        .include_y(0.0)
        .include_y(1.0)
        .y_axis_min_width(48.0);
    let hover = |pt: PlotPoint| {
        let d = pt.x.round().clamp(1.0, p.horizon as f64) as usize;
        let mut t = format!("day {d}");
        for m in &p.metrics {
            t.push_str(&format!("\n{}: {}", m.metric.label(), percent(m.power_by_day[d - 1], 0)));
        }
        Some(t)
    };
    charts::show(ui, "power", state, r.generation, plot, hover, |plot| {
        for (m, &(c, dash)) in p.metrics.iter().zip(&lines) {
            let pts: Vec<[f64; 2]> = m.power_by_day.iter().enumerate().map(|(d, &v)| [d as f64 + 1.0, v]).collect();
            let line = Line::new("", PlotPoints::from(pts)).color(c).width(2.0).style(charts::line_style(dash));
            plot.line(line.allow_hover(false));
        }
        plot.hline(HLine::new("", TARGET_POWER).color(Color32::GRAY).width(1.0).allow_hover(false));
        plot.vline(VLine::new("", f64::from(p.plan.days)).color(Color32::GRAY).width(1.5).allow_hover(false));
    })
}

/// The revenue-per-visitor lift a test measures by each day: the mean over worlds,
/// the mean interval, and the true lift, drawn from the file chart's figure `f`.
fn lift_chart(
    ui: &mut Ui,
    state: &mut ChartState,
    r: &PlanResult,
    f: &crate::present::figure::Figure,
) -> Option<egui::Response> {
    let p = &r.planned;
    let m = p.metrics.iter().find(|m| m.metric == Metric::RpvLift)?;
    let line = f.xy.as_ref()?.lines.first()?;
    let dark = ui.visuals().dark_mode;
    // The tested strategy's colour, as in the chart file.
    let c = Color32::from_rgb(line.colour[0], line.colour[1], line.colour[2]);
    ui.label(RichText::new("Measured revenue-per-visitor lift by day").strong());
    ui.add(
        egui::Label::new(
            RichText::new(
                "Line: the lift the test measures by each day (mean over worlds); band: its 95% interval (mean \
                 bounds); grey line: the strategy's true lift; zero is where the interval must clear.",
            )
            .small(),
        )
        .wrap(),
    );
    let cur = r.currency.clone();
    let plot = Plot::new("plan-lift")
        .height(charts::HEIGHT)
        .x_axis_label("Day of the test")
        .y_axis_label("RPV lift")
        .y_axis_formatter(move |g, _| metric_tick(Metric::RpvLift, g.value, g.step_size, &cur))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .y_grid_spacer(|g| nice_marks(g, 6.0))
        .include_y(0.0)
        .y_axis_min_width(56.0);
    let hover = |pt: PlotPoint| {
        let d = pt.x.round().clamp(1.0, p.horizon as f64) as usize;
        let [l, lo, hi] = m.measured[d - 1];
        Some(format!(
            "day {d}: measured {} (interval {} … {})\ntrue {}",
            crate::format::lift(l, 2),
            crate::format::lift(lo, 2),
            crate::format::lift(hi, 2),
            crate::format::lift(m.true_lift, 2)
        ))
    };
    Some(charts::show(ui, "lift", state, r.generation, plot, hover, |plot| {
        let x: Vec<f64> = line.band.iter().map(|b| b.0).collect();
        let lo: Vec<f64> = line.band.iter().map(|b| b.1).collect();
        let hi: Vec<f64> = line.band.iter().map(|b| b.2).collect();
        plot.add(FilledArea::new("", &x, &lo, &hi).fill_color(c.gamma_multiply(0.2)));
        let pts: Vec<[f64; 2]> = line.points.iter().map(|q| [q.0, q.1]).collect();
        plot.line(Line::new("", PlotPoints::from(pts)).color(c).width(2.0).allow_hover(false));
        plot.hline(HLine::new("", m.true_lift).color(Color32::GRAY).width(1.5).allow_hover(false));
        plot.hline(HLine::new("", 0.0).color(ui_text(dark)).width(1.0).allow_hover(false));
        plot.vline(VLine::new("", f64::from(p.plan.days)).color(Color32::GRAY).width(1.0).allow_hover(false));
    }))
}

fn ui_text(dark: bool) -> Color32 {
    if dark { Color32::from_gray(200) } else { Color32::from_gray(60) }
}

/// EVPI, each input's partial EVPI, and the test's value.
fn value_ui(ui: &mut Ui, state: &mut ChartState, r: &PlanResult) -> Option<ChartRequest> {
    let v = &r.value;
    let cur = &r.currency;
    let m = |x: f64| money(x, cur, 0);
    ui.add_space(6.0);
    ui.label(RichText::new("What the uncertainty is worth (a year)").strong());
    let now = v.expected_impacts.iter().find(|(n, _)| n == &v.choose_now).map_or(0.0, |x| x.1);
    ui.add(
        egui::Label::new(format!(
            "Choosing now: {} (expected {} {}). Knowing the world exactly would be worth {} a year \
             (EVPI, over {} worlds).",
            printable(&v.choose_now),
            v.basis.label(),
            m(now),
            m(v.evpi),
            v.worlds
        ))
        .wrap(),
    );
    if let Some(t) = &v.test {
        let verdict = if t.net > 0.0 {
            "worth running"
        } else if t.evsi > 0.0 {
            "not worth running: its information is worth less than the revenue the holdout forgoes"
        } else {
            "not worth running: the decision is clear enough without it"
        };
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "This test (choosing between {} and the holdout after seeing its measured revenue lift) is worth {} a year \
                     over choosing now, less {} forgone: {} in its first year, {verdict}.",
                    printable(&t.strategy),
                    m(t.evsi),
                    m(t.forgone_revenue),
                    m(t.net)
                ))
                .strong(),
            )
            .wrap(),
        );
    }
    if let Some(t) = &v.test {
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "Acting on the measured lift alone (the strategy whenever it is above zero, ignoring what the \
                     model knows) would change the expected impact by {} a year against choosing now.",
                    m(t.acting_on_estimate)
                ))
                .small(),
            )
            .wrap(),
        );
    }
    let rows: Vec<&value::InputValue> = v.inputs.iter().take(10).collect();
    if rows.is_empty() {
        ui.label("No uncertain input can move these impacts: there is nothing to learn about the world.");
        return None;
    }
    if v.evpi <= 0.0 {
        ui.label(format!(
            "Nothing to learn: the decision is the same in every world, so knowing any input exactly is worth {}.",
            m(0.0)
        ));
        return None;
    }
    let names: Vec<String> = rows.iter().map(|i| i.label.clone()).collect();
    let n = rows.len();
    let c = cur.clone();
    let labels = charts::RowLabels::new(ui, &names);
    let plot = charts::rows_only_plot("plan-evppi", &labels)
        .height(labels.height(28.0, 60.0).max(charts::HEIGHT * 0.6))
        .x_axis_label("Worth knowing, a year (partial EVPI)")
        .x_axis_formatter(move |g, _| metric_tick(Metric::AnnualGmvImpact, g.value, g.step_size, &c))
        .x_grid_spacer(|g| nice_marks(g, 5.0))
        .include_x(0.0)
        .include_x(v.evpi.max(1.0));
    let hover = |pt: PlotPoint| {
        let i = (n as f64 - 1.0 - pt.y.round()) as i64;
        let row = rows.get(usize::try_from(i).ok()?)?;
        Some(format!("knowing {}: {} a year", printable(&row.label), m(row.value)))
    };
    let colour = style::gain(ui.visuals().dark_mode);
    let response = charts::show(ui, "evppi", state, r.generation, plot, hover, |plot| {
        let bars: Vec<egui_plot::Bar> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                egui_plot::Bar::new((n - 1 - i) as f64, row.value)
                    .width(0.6)
                    .fill(colour)
                    .stroke(egui::Stroke::new(1.0, colour))
            })
            .collect();
        plot.bar_chart(egui_plot::BarChart::new("", bars).horizontal().allow_hover(false));
        // What an input that says nothing about the world reads (value::noise_floor).
        plot.vline(
            VLine::new("", v.noise_floor)
                .color(Color32::GRAY)
                .width(1.0)
                .style(egui_plot::LineStyle::dashed_loose())
                .allow_hover(false),
        );
    });
    ui.label(
        RichText::new(format!(
            "Dashed line: the noise floor, {} a year: an input that says nothing about the world reads up to \
             that here, 95 times in 100; a bar short of it cannot be told from noise.",
            m(v.noise_floor)
        ))
        .small(),
    );
    let mut asked = None;
    chart_menu(&response, &crate::present::figure::evppi(v, cur), &r.stamp, &mut asked);
    asked
}
