//! The "What if" tab: sweep one field (a line per strategy with its P5-P95 band) or
//! two (a heatmap of one strategy, or of its difference from another).

use std::sync::Arc;

use egui::{Color32, RichText, Ui};
use egui_plot::{FilledArea, Heatmap, Line, Plot, PlotPoint, PlotPoints, Points};

use super::{AnalysisTab, End, Task};
use crate::analysis::sweep::{self, Axis, Point, Sweep, Update};
use crate::format::{money_tick, percent_tick, printable};
use crate::gui::dashboard::charts::{self, ChartState, legend, metric_tick, nice_marks};
use crate::gui::dashboard::style;
use crate::gui::document::Document;
use crate::gui::editor::widgets;
use crate::model::FieldId;
use crate::model::ScenarioSpec;
use crate::model::fields::{self, Unit};
use crate::present::figure::Grid;
use crate::report::Metric;

/// One axis as the user sets it up.
#[derive(Clone)]
struct AxisSetup {
    path: String,
    from: f64,
    to: f64,
    steps: usize,
}

impl AxisSetup {
    fn suggested(spec: &ScenarioSpec, path: &str) -> Option<Self> {
        let p = fields::resolve(spec, path).ok()?;
        let (from, to, steps) = sweep::suggested_range(spec, &p);
        Some(Self { path: p.canonical(), from, to, steps })
    }

    fn axis(&self, spec: &ScenarioSpec) -> Result<Axis, String> {
        Axis::new(spec, &self.path, self.from, self.to, self.steps)
    }
}

/// A finished or running sweep.
pub struct SweepResult {
    sweep: Sweep,
    /// Points by index, filled (and refined) as replications arrive.
    points: Vec<Option<Point>>,
    /// Whether each point holds all its replications.
    last: Vec<bool>,
    /// The document revision it was run from.
    pub revision: u64,
    currency: String,
    names: Vec<String>,
    holdout: usize,
    /// The strategy whose levers are swept (its band is drawn).
    swept: Option<usize>,
    generation: u64,
    /// Its charts' footer: the scenario's replications and visitors at each point.
    stamp: crate::present::draw::Stamp,
}

impl SweepResult {
    /// Point `i`: the first swept field's path, its value there, and the report.
    pub fn point(&self, i: usize) -> Option<(&str, f64, &crate::report::Report)> {
        let p = self.points.get(i)?.as_ref()?;
        Some((self.sweep.x.path.as_str(), p.x, &p.report))
    }

    /// The fewest replications a point shown so far rests on.
    pub fn least_refined(&self) -> u32 {
        self.points.iter().flatten().map(|p| p.report.replications).min().unwrap_or(0)
    }

    /// Points completed.
    pub fn done(&self) -> usize {
        self.last.iter().filter(|&&f| f).count()
    }

    /// Points in the sweep.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the sweep has no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Whether two fields are swept (a heatmap).
    pub fn is_grid(&self) -> bool {
        self.sweep.y.is_some()
    }

    /// The heatmap's figure (its file export) of strategy `k`'s metric, minus
    /// `versus`'s; `None` for one field.
    pub fn grid_figure(&self, m: Metric, k: usize, versus: Option<usize>) -> Option<crate::present::figure::Figure> {
        let done: Vec<Option<&Point>> = self.points.iter().map(Option::as_ref).collect();
        crate::present::figure::sweep_grid(&self.sweep, &done, &self.names, self.holdout, k, versus, m, &self.currency)
    }
}

/// The tab's state.
pub struct SweepTab {
    x: Option<AxisSetup>,
    y: Option<AxisSetup>,
    metric: Metric,
    shown: Option<usize>,
    versus: Option<usize>,
    all_bands: bool,
    task: Task<(), Update>,
    /// The latest sweep.
    pub result: Option<SweepResult>,
    error: Option<String>,
    chart: ChartState,
    fields_cache: Option<(u64, Vec<(String, String)>)>,
}

impl Default for SweepTab {
    fn default() -> Self {
        Self {
            x: None,
            y: None,
            metric: Metric::RevenuePerVisitor,
            shown: None,
            versus: None,
            all_bands: false,
            task: Task::default(),
            result: None,
            error: None,
            chart: ChartState::default(),
            fields_cache: None,
        }
    }
}

/// A tick label for a field's value.
fn field_tick(unit: Unit, v: f64, step: f64, currency: &str) -> String {
    match unit {
        Unit::Percent => percent_tick(v, step, false),
        Unit::Money => money_tick(v, step, currency),
        _ => {
            let d = crate::format::step_decimals(step);
            format!("{v:.d$}")
        }
    }
}

impl AnalysisTab for SweepTab {
    fn start(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.begin(doc, ctx);
    }

    fn poll(&mut self) {
        let result = &mut self.result;
        let end = self.task.poll(|u| {
            let (i, p, last) = match u {
                Update::Point(i, p) => (i, p, true),
                Update::Refined(i, p) => (i, p, false),
                Update::Progress(_) => return,
            };
            if let Some(r) = result.as_mut()
                && let Some(slot) = r.points.get_mut(i)
            {
                *slot = Some(*p);
                if let Some(f) = r.last.get_mut(i) {
                    *f = last;
                }
                r.generation += 1;
            }
        });
        if end.is_some()
            && let Some(r) = &mut self.result
        {
            r.generation += 1;
        }
    }

    fn task(&self) -> &dyn super::Running {
        &self.task
    }

    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<crate::gui::commands::Command>) {
        self.draw(ui, doc, valid, out);
    }
}

impl SweepTab {
    /// The sweep set up by default: the store's free-shipping threshold where it charges
    /// a fee below it (the lever such a store asks about first); else AOV-optimized's
    /// post-checkout offer discount when the scenario has that strategy, else the first
    /// lever of the first strategy that is not the holdout.
    fn default_x(spec: &ScenarioSpec) -> Option<AxisSetup> {
        if spec.shipping.fee > 0.0 && spec.shipping.threshold > 0.0 {
            return AxisSetup::suggested(spec, FieldId::ShippingThreshold.path());
        }
        let k = spec.featured_strategy()?;
        let path = fields::Path::item(FieldId::OfferDiscount, k).canonical();
        AxisSetup::suggested(spec, &path)
    }

    /// Starts a sweep of the document's scenario as set up.
    fn begin(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.error = None;
        let spec = doc.spec().clone();
        if self.x.is_none() {
            self.x = Self::default_x(&spec);
        }

        let Some(sc) = doc.scenario() else {
            self.error = Some("Fix the scenario's problems (flagged in the editor) before sweeping it.".into());
            return;
        };
        let built = (|| -> Result<Sweep, String> {
            let x = self.x.as_ref().ok_or("choose a field to vary")?.axis(&spec)?;
            let y = match &self.y {
                Some(a) => Some(a.axis(&spec).map_err(|e| format!("second field: {e}"))?),
                None => None,
            };
            Ok(Sweep { x, y })
        })();
        let sw = match built {
            Ok(s) => s,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let n = sw.points().len();
        if n > sweep::MAX_POINTS {
            self.error = Some(format!("{n} points; a sweep may have at most {}", sweep::MAX_POINTS));
            return;
        }
        let swept = sw.shared_strategy(&spec);
        self.result = Some(SweepResult {
            sweep: sw.clone(),
            points: vec![None; n],
            last: vec![false; n],
            revision: doc.revision(),
            currency: sc.store.currency.clone(),
            names: sc.strategies.iter().map(|s| s.name().to_string()).collect(),
            holdout: sc.holdout,
            swept,
            generation: 1,
            stamp: crate::present::draw::Stamp::of_spec(&spec),
        });
        if self.shown.is_none_or(|k| k >= sc.strategies.len()) {
            self.shown = swept.or_else(|| (0..sc.strategies.len()).find(|&k| k != sc.holdout));
        }
        let spec = Arc::new(spec);
        self.task.start(ctx, move |report, cancel| {
            let update = |u: Update| match u {
                Update::Progress(f) => report.progress(f),
                u => report.partial(u),
            };
            End::of(sweep::run(&spec, &sw, &Default::default(), &update, cancel).map(|_| ()))
        });
    }

    fn field_choices(&mut self, doc: &Document) -> &[(String, String)] {
        let rev = doc.revision();
        if self.fields_cache.as_ref().is_none_or(|(r, _)| *r != rev) {
            let spec = doc.spec();
            let list = sweep::sweepable(spec).into_iter().map(|p| (p.canonical(), p.label(spec))).collect();
            self.fields_cache = Some((rev, list));
        }
        self.fields_cache.as_ref().map_or(&[], |(_, l)| l.as_slice())
    }

    /// The strategy a heatmap shows.
    pub fn shown_strategy(&self) -> Option<usize> {
        self.shown
    }

    /// Draws the tab; starts a sweep when asked (or on the first view).
    fn draw(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<crate::gui::commands::Command>) {
        let spec = doc.spec().clone();
        if self.x.as_ref().is_none_or(|a| fields::resolve(&spec, &a.path).is_err()) {
            self.x = Self::default_x(&spec);
        }
        ui.heading("What if");
        ui.add(
            egui::Label::new(
                "Vary a fact about your shoppers or a strategy's lever and see every strategy's metric move. \
                 Every point runs the same visitors with the same draws of every other input (common random \
                 numbers), so the differences between points are the field's effect, not luck. A point's \
                 results are those of a run of the scenario with the field at that value.",
            )
            .wrap(),
        );
        ui.add_space(4.0);
        let choices: Vec<(String, String)> = self.field_choices(doc).to_vec();
        let currency = spec.store.currency.clone();
        egui::Grid::new("sweep-setup").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
            ui.label("Vary");
            if let Some(a) = &mut self.x {
                axis_ui(ui, "sweep-x", a, &choices, &spec, &currency);
            }
            ui.end_row();
            ui.label("and");
            ui.horizontal_wrapped(|ui| {
                let mut two = self.y.is_some();
                if ui.checkbox(&mut two, "a second field (heatmap)").changed() {
                    self.y = if two {
                        let x = self.x.as_ref().map_or("", |x| x.path.as_str());
                        sweep::suggested_second(&spec, x).and_then(|p| AxisSetup::suggested(&spec, &p.canonical()))
                    } else {
                        None
                    };
                }
            });
            ui.end_row();
            if let Some(a) = &mut self.y {
                ui.label("");
                axis_ui(ui, "sweep-y", a, &choices, &spec, &currency);
                ui.end_row();
            }
            ui.label("Show");
            ui.horizontal_wrapped(|ui| {
                crate::gui::combo(ui, "sweep-metric", "Metric shown", None, self.metric.label(), |ui| {
                    for m in Metric::ALL {
                        ui.selectable_value(&mut self.metric, m, m.label()).on_hover_text(m.help());
                    }
                });
                if let Some(r) = &self.result
                    && r.sweep.y.is_some()
                {
                    strategy_combo(ui, "sweep-shown", &r.names, &mut self.shown, false);
                    ui.label("minus");
                    strategy_combo(ui, "sweep-versus", &r.names, &mut self.versus, true);
                } else if self.result.is_some() {
                    ui.checkbox(&mut self.all_bands, "P5-P95 band for every strategy");
                }
            });
            ui.end_row();
        });
        ui.horizontal_wrapped(|ui| {
            let run = ui
                .add_enabled(valid && !self.task.is_running(), egui::Button::new(RichText::new("Run sweep").strong()));
            let run = run.on_disabled_hover_text(if valid {
                "A sweep is running"
            } else {
                "Fix the scenario's problems first"
            });
            if run.clicked() {
                self.begin(doc, ui.ctx());
            }
            if let Some(r) = &self.result {
                let shown = r.points.iter().filter(|p| p.is_some()).count();
                // The fields chosen above may no longer be the ones the chart shows.
                let same = |a: Option<&AxisSetup>, b: Option<&Axis>| match (a, b) {
                    (Some(a), Some(b)) => a.path == b.path,
                    (None, None) => true,
                    _ => false,
                };
                if !same(self.x.as_ref(), Some(&r.sweep.x)) || !same(self.y.as_ref(), r.sweep.y.as_ref()) {
                    let fields = match &r.sweep.y {
                        Some(y) => format!("{} and {}", printable(&r.sweep.x.label), printable(&y.label)),
                        None => printable(&r.sweep.x.label),
                    };
                    ui.label(
                        RichText::new(format!(
                            "The chart below is the last sweep, of {fields}: Run sweep for the fields chosen above."
                        ))
                        .color(ui.visuals().warn_fg_color),
                    );
                } else if shown > r.done() {
                    ui.label(format!(
                        "{} of {} points complete; the curves refine as replications arrive (the least refined \
                         point so far: {} of {} replications)",
                        r.done(),
                        r.points.len(),
                        r.least_refined(),
                        r.stamp.replications
                    ));
                } else {
                    ui.label(format!("{} of {} points", r.done(), r.points.len()));
                }
            }
        });
        if let Some(e) = &self.error {
            ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().error_fg_color)).wrap());
        }
        let stale = self.result.as_ref().is_some_and(|r| r.revision != doc.revision());
        self.task.status_ui(ui, stale);
        ui.separator();
        let Some(r) = &self.result else {
            ui.label("Choose a field and press Run sweep.");
            return;
        };
        if r.points.iter().all(Option::is_none) {
            ui.label("Waiting for the first point…");
            return;
        }
        match &r.sweep.y {
            None => {
                let response = lines(ui, &mut self.chart, r, self.metric, self.all_bands);
                let done: Vec<&Point> = r.points.iter().flatten().collect();
                let shown: Vec<usize> =
                    (0..r.names.len()).filter(|&k| !(self.metric.is_lift() && k == r.holdout)).collect();
                let banded: Vec<usize> = if self.all_bands { shown.clone() } else { r.swept.into_iter().collect() };
                let f = crate::present::figure::sweep_lines(
                    &r.sweep,
                    &done,
                    &r.names,
                    r.holdout,
                    &shown,
                    &banded,
                    self.metric,
                    &r.currency,
                );
                let mut asked = None;
                crate::gui::dashboard::chart_menu(&response, &f, &r.stamp, &mut asked);
                out.extend(asked.map(crate::gui::commands::Command::Chart));
            }
            Some(_) => {
                let Some(response) = heatmap(ui, &mut self.chart, r, self.metric, self.shown, self.versus) else {
                    return;
                };
                let f = self.shown.and_then(|k| r.grid_figure(self.metric, k, self.versus));
                let mut asked = None;
                if let Some(f) = f {
                    crate::gui::dashboard::chart_menu(&response, &f, &r.stamp, &mut asked);
                }
                out.extend(asked.map(crate::gui::commands::Command::Chart));
            }
        }
    }
}

/// A field chooser with its range and steps.
fn axis_ui(ui: &mut Ui, id: &str, a: &mut AxisSetup, choices: &[(String, String)], spec: &ScenarioSpec, cur: &str) {
    ui.horizontal_wrapped(|ui| {
        let label = choices.iter().find(|(p, _)| p == &a.path).map_or(a.path.clone(), |(_, l)| l.clone());
        let mut picked = None;
        crate::gui::combo(ui, id, id, Some(280.0), printable(&label), |ui| {
            for (p, l) in choices {
                if ui.selectable_label(p == &a.path, printable(l)).on_hover_text(p).clicked() {
                    picked = Some(p.clone());
                }
            }
        });
        if let Some(p) = picked
            && let Some(s) = AxisSetup::suggested(spec, &p)
        {
            *a = s;
        }
        if let Ok(p) = fields::resolve(spec, &a.path) {
            let f = p.spec_field();
            ui.label("from");
            widgets::number(ui, f, &mut a.from, cur);
            ui.label("to");
            widgets::number(ui, f, &mut a.to, cur);
        }
        ui.label("in");
        ui.add(egui::DragValue::new(&mut a.steps).range(2..=sweep::MAX_STEPS).suffix(" steps"));
    });
}

fn strategy_combo(ui: &mut Ui, id: &str, names: &[String], current: &mut Option<usize>, none_ok: bool) {
    let text = current.and_then(|k| names.get(k)).map_or("nothing", |s| s.as_str());
    crate::gui::combo(ui, id, id, None, printable(text), |ui| {
        if none_ok {
            ui.selectable_value(current, None, "nothing");
        }
        for (k, n) in names.iter().enumerate() {
            ui.selectable_value(current, Some(k), printable(n));
        }
    });
}

/// One line per strategy against the swept field, with P5-P95 bands.
fn lines(ui: &mut Ui, state: &mut ChartState, r: &SweepResult, m: Metric, all_bands: bool) -> egui::Response {
    let cur = r.currency.clone();
    let done: Vec<&Point> = r.points.iter().flatten().collect();
    let shown: Vec<usize> = (0..r.names.len()).filter(|&k| !(m.is_lift() && k == r.holdout)).collect();
    legend(ui, &shown.iter().map(|&k| (style::strategy(k, r.holdout), r.names[k].clone())).collect::<Vec<_>>());
    let band_note = match (all_bands, r.swept) {
        (true, _) => "Lines: the mean across replications; bands: the 5th to 95th percentile.".to_string(),
        (false, Some(k)) => {
            format!("Lines: the mean across replications; band: {}'s 5th to 95th percentile.", r.names[k])
        }
        (false, None) => "Lines: the mean across replications.".to_string(),
    };
    ui.add(egui::Label::new(RichText::new(band_note).small()).wrap());
    let x_unit = r.sweep.x.unit();
    let (cur_x, cur_y) = (cur.clone(), cur.clone());
    let plot = Plot::new("sweep-lines")
        .height(charts::HEIGHT * 1.5)
        .x_axis_label(printable(&r.sweep.x.label))
        .y_axis_label(m.label())
        .x_axis_formatter(move |g, _| field_tick(x_unit, g.value, g.step_size, &cur_x))
        .y_axis_formatter(move |g, _| metric_tick(m, g.value, g.step_size, &cur_y))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .y_grid_spacer(|g| nice_marks(g, 6.0))
        .y_axis_min_width(56.0);
    let hover = |p: PlotPoint| {
        let nearest = done.iter().min_by(|a, b| (a.x - p.x).abs().total_cmp(&(b.x - p.x).abs()))?;
        let mut text = format!("{} = {}", printable(&r.sweep.x.label), r.sweep.x.show(nearest.x, &cur));
        for &k in &shown {
            if let Some(s) = m.summary(&nearest.report.strategies[k]) {
                text.push_str(&format!(
                    "\n{}: {} (P5-P95 {} … {})",
                    printable(&r.names[k]),
                    m.format_exact(s.mean, &cur),
                    m.format_end_exact(s.p05, &cur),
                    m.format_end_exact(s.p95, &cur)
                ));
            }
        }
        Some(text)
    };
    charts::show(ui, "sweep", state, r.generation, plot, hover, |plot| {
        for &k in &shown {
            let c = style::strategy(k, r.holdout);
            let series: Vec<(f64, [f64; 3])> = done
                .iter()
                .filter_map(|p| m.summary(&p.report.strategies[k]).map(|s| (p.x, [s.mean, s.p05, s.p95])))
                .collect();
            if all_bands || r.swept == Some(k) {
                let x: Vec<f64> = series.iter().map(|s| s.0).collect();
                let lo: Vec<f64> = series.iter().map(|s| s.1[1]).collect();
                let hi: Vec<f64> = series.iter().map(|s| s.1[2]).collect();
                plot.add(FilledArea::new("", &x, &lo, &hi).fill_color(c.gamma_multiply(0.18)));
            }
            let pts: Vec<[f64; 2]> = series.iter().map(|s| [s.0, s.1[0]]).collect();
            plot.line(
                Line::new(r.names[k].clone(), PlotPoints::from(pts.clone())).color(c).width(2.0).allow_hover(false),
            );
            plot.points(Points::new("", PlotPoints::from(pts)).color(c).radius(2.5).allow_hover(false));
        }
    })
}

/// A heatmap of one strategy's metric (or its difference from another) over two fields.
fn heatmap(
    ui: &mut Ui,
    state: &mut ChartState,
    r: &SweepResult,
    m: Metric,
    shown: Option<usize>,
    versus: Option<usize>,
) -> Option<egui::Response> {
    let Some(ya) = &r.sweep.y else { return None };
    let Some(k) = shown else {
        ui.label("Choose a strategy to show.");
        return None;
    };
    let versus = versus.filter(|&b| b != k);
    let (nx, ny) = (r.sweep.x.values.len(), ya.values.len());
    let cur = r.currency.clone();
    let done: Vec<Option<&Point>> = r.points.iter().map(Option::as_ref).collect();
    let grid = Grid::new(&r.sweep, &done, m, k, versus)?;
    let (lo, hi) = grid.range;
    let what = match versus {
        Some(b) => format!("{} minus {}: {}", r.names[k], r.names[b], m.label()),
        None => format!("{}: {}", r.names[k], m.label()),
    };
    let dark = ui.visuals().dark_mode;
    let note = if versus.is_some() {
        format!("{what}. Green: ahead; red: behind; deeper colour, larger difference.")
    } else {
        format!("{what}. Deeper colour, higher value ({} to {}).", m.format_exact(lo, &cur), m.format_exact(hi, &cur))
    };
    ui.add(egui::Label::new(RichText::new(printable(&note)).small()).wrap());
    let base = style::strategy(k, r.holdout);
    let shade = grid.clone();
    let colour = move |v: f64| -> Color32 {
        let Some(depth) = shade.depth(v) else { return Color32::TRANSPARENT };
        let c = if !shade.difference {
            base
        } else if v >= 0.0 {
            style::gain(dark)
        } else {
            style::loss(dark)
        };
        c.gamma_multiply(depth as f32)
    };
    let step = |a: &Axis| if a.values.len() > 1 { a.values[1] - a.values[0] } else { 1.0 };
    let (dx, dy) = (step(&r.sweep.x), step(ya));
    let (ux, uy) = (r.sweep.x.unit(), ya.unit());
    let (c1, c2, c3) = (cur.clone(), cur.clone(), cur.clone());
    let plot = Plot::new("sweep-heatmap")
        .height(charts::HEIGHT * 1.6)
        .x_axis_label(printable(&r.sweep.x.label))
        .y_axis_label(printable(&ya.label))
        .x_axis_formatter(move |g, _| field_tick(ux, g.value, g.step_size, &c1))
        .y_axis_formatter(move |g, _| field_tick(uy, g.value, g.step_size, &c2))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .y_grid_spacer(|g| nice_marks(g, 6.0))
        .y_axis_min_width(56.0)
        .show_grid(false);
    let xs = r.sweep.x.values.clone();
    let ys = ya.values.clone();
    let vals = grid.values.clone();
    let hover = |p: PlotPoint| {
        let i = ((p.x - xs[0]) / dx).round();
        let j = ((p.y - ys[0]) / dy).round();
        if i < 0.0 || j < 0.0 || i as usize >= nx || j as usize >= ny {
            return None;
        }
        let (i, j) = (i as usize, j as usize);
        let v = vals[j * nx + i];
        Some(format!(
            "{} = {}\n{} = {}\n{}: {}",
            printable(&r.sweep.x.label),
            r.sweep.x.show(xs[i], &cur),
            printable(&ya.label),
            ya.show(ys[j], &cur),
            printable(&what),
            if v.is_finite() { m.format_exact(v, &cur) } else { "not yet".into() }
        ))
    };
    let labels = nx * ny <= 144;
    let response = charts::show(ui, "heatmap", state, r.generation, plot, hover, |plot| {
        let map = Heatmap::new(grid.values.clone(), nx)
            .at(PlotPoint::new(r.sweep.x.values[0] - dx / 2.0, ya.values[0] - dy / 2.0))
            .tile_size(dx as f32, dy as f32)
            .custom_mapping(Box::new(colour))
            .show_labels(labels)
            .formatter(Box::new(move |v| if v.is_finite() { m.format(v, &c3) } else { String::new() }));
        plot.heatmap(map);
    });
    Some(response)
}
