//! The "Optimize" tab: the best levers for an objective under constraints, the
//! conversion-AOV trade-off of every policy tried with its frontier, and "Add to
//! scenario".

use egui::{Color32, RichText, Ui};
use egui_plot::{Line, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Text};

use super::{Job, JobState, status_line};
use crate::analysis::optimize::{self, Bounds, Constraint, Objective, Optimized, Search};
use crate::format::{percent, printable};
use crate::gui::commands::Command;
use crate::gui::dashboard::charts::{self, ChartState, legend, metric_tick, nice_marks};
use crate::gui::document::Document;
use crate::model::ScenarioSpec;
use crate::model::edit::{Edit, Item};
use crate::report::Metric;

type Msg = super::Msg<Box<Optimized>>;

/// A finished search.
pub struct OptimizeResult {
    /// The search's outcome.
    pub result: Optimized,
    spec: ScenarioSpec,
    /// The document revision it came from.
    pub revision: u64,
    generation: u64,
}

/// The tab's state.
pub struct OptimizeTab {
    objective: Objective,
    keep_conversion: bool,
    keep_margin: bool,
    job: Option<Job<Msg>>,
    progress: f64,
    state: Option<JobState>,
    /// The latest search.
    pub result: Option<OptimizeResult>,
    error: Option<String>,
    chart: ChartState,
    generation: u64,
    /// Whether the tab ran once by itself (on first view).
    pub auto_ran: bool,
}

impl Default for OptimizeTab {
    fn default() -> Self {
        Self {
            objective: Objective::RevenuePerVisitor,
            keep_conversion: false,
            keep_margin: false,
            job: None,
            progress: 0.0,
            state: None,
            result: None,
            error: None,
            chart: ChartState::default(),
            generation: 0,
            auto_ran: false,
        }
    }
}

impl OptimizeTab {
    /// Whether a search is running.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Stops the search.
    pub fn cancel(&self) {
        if let Some(j) = &self.job {
            j.cancel();
        }
    }

    /// Drains the search's messages.
    pub fn poll(&mut self) {
        let Some(outcome) = super::poll_result(&mut self.job, &mut self.progress) else { return };
        match outcome {
            Ok(o) => {
                if let Some(r) = &mut self.result {
                    r.result = *o;
                    self.generation += 1;
                    r.generation = self.generation;
                }
                self.state = Some(JobState::Complete);
            }
            Err(e) => {
                self.result = None;
                self.state = Some(JobState::ended(e));
            }
        }
    }

    fn constraints(&self) -> Vec<Constraint> {
        let mut c = Vec::new();
        if self.keep_conversion {
            c.push(Constraint { metric: Metric::ConversionRateLift, at_least: true, bound: -0.01 });
        }
        if self.keep_margin {
            c.push(Constraint { metric: Metric::MarginLift, at_least: true, bound: 0.0 });
        }
        c
    }

    /// Starts a search of the document's scenario.
    pub fn start(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.error = None;
        let Some(sc) = doc.scenario() else {
            self.error = Some("Fix the scenario's problems (flagged in the editor) before optimizing it.".into());
            return;
        };
        self.cancel();
        let spec = doc.spec().clone();
        let search = Search { objective: self.objective, constraints: self.constraints(), bounds: Bounds::of(&spec) };
        self.result = None;
        self.state = Some(JobState::Running);
        self.progress = 0.0;
        let revision = doc.revision();
        let for_job = spec.clone();
        self.job = Some(Job::start(ctx, move |send, cancel| {
            let progress = |f: f64| send(Msg::Progress(f));
            let r = optimize::optimize(&for_job, &sc, &search, &Default::default(), &progress, cancel);
            send(Msg::Finished(r.map(Box::new).map_err(|e| match e {
                optimize::OptimizeError::Run(crate::engine::RunError::Cancelled) => "cancelled".to_string(),
                other => other.to_string(),
            })));
        }));
        // The result's frame, filled when the search ends.
        self.result = Some(OptimizeResult {
            result: Optimized {
                objective: self.objective,
                constraints: Vec::new(),
                bounds: Bounds::of(&spec),
                policies_evaluated: 0,
                stages: Vec::new(),
                fresh_seed: 0,
                evaluated: Vec::new(),
                finalists: Vec::new(),
                chosen: None,
            },
            spec,
            revision,
            generation: 0,
        });
    }

    /// Draws the tab; "Add to scenario" pushes an edit to `out`.
    pub fn ui(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<Command>) {
        self.poll();
        ui.heading("Optimize");
        ui.add(
            egui::Label::new(
                "The best combination of levers for an objective. Every policy runs on the same visitors and the \
                 same draws of the world; the best third goes on to three times the replications, and so on; the \
                 finalists run again on fresh random numbers, so the winner's figures are not the lucky draw that \
                 made it win. Discounts and friction reduction stay within what the scenario's strategies use.",
            )
            .wrap(),
        );
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            ui.label("Maximise");
            crate::gui::combo(ui, "opt-objective", "Objective", None, self.objective.label(), |ui| {
                for o in Objective::ALL {
                    ui.selectable_value(&mut self.objective, o, o.label());
                }
            });
            ui.checkbox(&mut self.keep_conversion, "conversion at least the holdout's minus 1%");
            ui.checkbox(&mut self.keep_margin, "margin at least the holdout's");
        });
        ui.horizontal_wrapped(|ui| {
            let run =
                ui.add_enabled(valid && self.job.is_none(), egui::Button::new(RichText::new("Optimize").strong()));
            let run = run.on_disabled_hover_text(if valid {
                "A search is running"
            } else {
                "Fix the scenario's problems first"
            });
            if run.clicked() {
                self.start(doc, ui.ctx());
            }
        });
        if let Some(e) = &self.error {
            ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().error_fg_color)).wrap());
        }
        let stale = self.result.as_ref().is_some_and(|r| r.revision != doc.revision());
        let state = self.state.as_ref().filter(|s| **s != JobState::Complete);
        let started = self.job.as_ref().map(|j| j.started);
        if status_line(ui, state, self.progress, started, stale && self.job.is_none()) {
            self.cancel();
        }
        ui.separator();
        let Some(r) = &self.result else {
            ui.label("Choose an objective and press Optimize.");
            return;
        };
        if r.result.evaluated.is_empty() {
            ui.label("Racing the policies…");
            return;
        }
        summary(ui, r, out);
        let response = trade_off(ui, &mut self.chart, r);
        let mut asked = None;
        let f = crate::present::figure::trade_off(&r.result, &r.spec.store.currency);
        crate::gui::dashboard::chart_menu(&response, &f, &mut asked);
        out.extend(asked.map(Command::Chart));
        finalists(ui, r);
    }
}

/// The chosen levers in words, and "Add to scenario".
fn summary(ui: &mut Ui, r: &OptimizeResult, out: &mut Vec<Command>) {
    let o = &r.result;
    let cur = &r.spec.store.currency;
    let m = o.objective.metric();
    ui.label(format!(
        "{} policies tried; race: {}.",
        o.policies_evaluated,
        o.stages.iter().map(|(reps, n)| format!("{n} on {reps} replications")).collect::<Vec<_>>().join(", ")
    ));
    let Some(c) = o.chosen else {
        ui.label(RichText::new("No finalist meets every constraint; loosen one.").color(ui.visuals().warn_fg_color));
        return;
    };
    let e = &o.evaluated[c];
    let p_best = o.chosen_figures().map_or(0.0, |f| f.probability_best);
    ui.label(RichText::new(format!("Best for {}: {}", o.objective.label().to_lowercase(), e.label)).strong());
    let best_own =
        o.evaluated.iter().filter(|x| x.own.is_some() && x.feasible).max_by(|a, b| a.objective.total_cmp(&b.objective));
    let mut line = format!(
        "{} {} (on fresh random numbers), best in {} of the replications among the finalists",
        o.objective.label(),
        m.format_exact(e.objective, cur),
        percent(p_best, 0)
    );
    if let Some(b) = best_own {
        line.push_str(&format!(
            "; the scenario's best, {}, has {}",
            printable(b.own.as_deref().unwrap_or_default()),
            m.format_exact(b.objective, cur)
        ));
    }
    ui.add(egui::Label::new(format!("{line}.")).wrap());
    let name = optimize::new_strategy_name(&r.spec, o.objective);
    if let Some(s) = o.chosen_strategy(&name) {
        let add = ui
            .button(format!("Add to scenario as \"{name}\""))
            .on_hover_text("Adds these levers as a new strategy (Ctrl+Z undoes it); run the scenario to compare it");
        if add.clicked() {
            let n = r.spec.strategies.len();
            out.push(Command::EditSaying(Edit::Insert(n, Item::Strategy(s)), format!("Added the strategy \"{name}\"")));
        }
    }
}

/// Conversion against AOV for every policy tried, coloured by revenue per visitor,
/// the frontier drawn and the scenario's own strategies marked.
fn trade_off(ui: &mut Ui, state: &mut ChartState, r: &OptimizeResult) -> egui::Response {
    let o = &r.result;
    let cur = r.spec.store.currency.clone();
    let dark = ui.visuals().dark_mode;
    let ev: Vec<&optimize::Evaluated> = o.evaluated.iter().filter(|e| e.aov.is_finite()).collect();
    let (lo, hi) = ev.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| {
        (a.min(e.revenue_per_visitor), b.max(e.revenue_per_visitor))
    });
    let span = (hi - lo).max(1e-12);
    let shade = |v: f64| {
        let t = ((v - lo) / span).clamp(0.0, 1.0) as f32;
        let (a, b) = if dark {
            (Color32::from_rgb(70, 70, 110), Color32::from_rgb(250, 200, 60))
        } else {
            (Color32::from_rgb(200, 205, 230), Color32::from_rgb(170, 60, 0))
        };
        Color32::from_rgb(
            (f32::from(a.r()) + (f32::from(b.r()) - f32::from(a.r())) * t) as u8,
            (f32::from(a.g()) + (f32::from(b.g()) - f32::from(a.g())) * t) as u8,
            (f32::from(a.b()) + (f32::from(b.b()) - f32::from(a.b())) * t) as u8,
        )
    };
    let frontier_colour = if dark { Color32::WHITE } else { Color32::BLACK };
    let own_colour = if dark { Color32::from_rgb(120, 220, 255) } else { Color32::from_rgb(0, 110, 200) };
    legend(
        ui,
        &[
            (shade(lo), format!("lower revenue / visitor ({})", Metric::RevenuePerVisitor.format_exact(lo, &cur))),
            (shade(hi), format!("higher ({})", Metric::RevenuePerVisitor.format_exact(hi, &cur))),
            (frontier_colour, "Pareto frontier".to_string()),
            (own_colour, "the scenario's strategies".to_string()),
        ],
    );
    ui.add(
        egui::Label::new(
            RichText::new(
                "Each dot is a policy: its conversion and AOV over the replications it reached in the race (the \
                 finalists' and the scenario's strategies': the fresh run). The line joins the policies no other \
                 beats on both.",
            )
            .small(),
        )
        .wrap(),
    );
    let (cx, cy) = (cur.clone(), cur.clone());
    let plot = Plot::new("optimize-trade-off")
        .height(charts::HEIGHT * 1.6)
        .x_axis_label("Conversion rate")
        .y_axis_label("AOV")
        .x_axis_formatter(move |g, _| metric_tick(Metric::ConversionRate, g.value, g.step_size, &cx))
        .y_axis_formatter(move |g, _| metric_tick(Metric::Aov, g.value, g.step_size, &cy))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .y_grid_spacer(|g| nice_marks(g, 6.0))
        .y_axis_min_width(64.0);
    let hover = |p: PlotPoint| {
        // Nearest policy in axis-relative units.
        let (sx, sy) = ev.iter().fold((0.0f64, 0.0f64), |(a, b), e| (a.max(e.conversion_rate), b.max(e.aov)));
        let e = ev.iter().min_by(|a, b| {
            let d = |e: &optimize::Evaluated| {
                ((e.conversion_rate - p.x) / sx.max(1e-12)).powi(2) + ((e.aov - p.y) / sy.max(1e-12)).powi(2)
            };
            d(a).total_cmp(&d(b))
        })?;
        Some(format!(
            "{}{}\nconversion {}, AOV {}, revenue / visitor {}\n{} replications{}",
            e.own.as_deref().map(|n| format!("{} (the scenario's): ", printable(n))).unwrap_or_default(),
            e.label,
            Metric::ConversionRate.format_exact(e.conversion_rate, &cur),
            Metric::Aov.format_exact(e.aov, &cur),
            Metric::RevenuePerVisitor.format_exact(e.revenue_per_visitor, &cur),
            e.replications,
            if e.frontier { "; on the frontier" } else { "" }
        ))
    };
    charts::show(ui, "trade-off", state, r.generation, plot, hover, |plot| {
        // Dots in colour bins (one series per bin keeps the draw cheap).
        const BINS: usize = 12;
        let mut bins: Vec<Vec<[f64; 2]>> = vec![Vec::new(); BINS];
        for e in ev.iter().filter(|e| e.own.is_none()) {
            let b = (((e.revenue_per_visitor - lo) / span) * (BINS as f64 - 1.0)).round() as usize;
            bins[b.min(BINS - 1)].push([e.conversion_rate, e.aov]);
        }
        for (b, pts) in bins.into_iter().enumerate() {
            let c = shade(lo + span * b as f64 / (BINS as f64 - 1.0));
            plot.points(Points::new("", PlotPoints::from(pts)).color(c).radius(2.5).allow_hover(false));
        }
        let mut front: Vec<[f64; 2]> = ev.iter().filter(|e| e.frontier).map(|e| [e.conversion_rate, e.aov]).collect();
        front.sort_by(|a, b| a[0].total_cmp(&b[0]));
        plot.line(Line::new("", PlotPoints::from(front)).color(frontier_colour).width(1.5).allow_hover(false));
        for e in ev.iter().filter(|e| e.own.is_some()) {
            let at = [e.conversion_rate, e.aov];
            plot.points(
                Points::new("", PlotPoints::from(vec![at]))
                    .shape(MarkerShape::Diamond)
                    .radius(6.0)
                    .color(own_colour)
                    .allow_hover(false),
            );
            plot.text(
                Text::new(
                    "",
                    PlotPoint::new(at[0], at[1]),
                    RichText::new(printable(e.own.as_deref().unwrap_or_default())).small(),
                )
                .anchor(egui::Align2::LEFT_BOTTOM)
                .color(own_colour),
            );
        }
        if let Some(c) = o.chosen {
            let e = &o.evaluated[c];
            plot.points(
                Points::new("", PlotPoints::from(vec![[e.conversion_rate, e.aov]]))
                    .shape(MarkerShape::Asterisk)
                    .radius(9.0)
                    .color(frontier_colour)
                    .allow_hover(false),
            );
            plot.text(
                Text::new("", PlotPoint::new(e.conversion_rate, e.aov), RichText::new("  chosen").strong())
                    .anchor(egui::Align2::LEFT_TOP)
                    .color(frontier_colour),
            );
        }
    })
}

/// The finalists' fresh figures.
fn finalists(ui: &mut Ui, r: &OptimizeResult) {
    let o = &r.result;
    let cur = &r.spec.store.currency;
    let m = o.objective.metric();
    ui.add_space(6.0);
    ui.label(RichText::new("Finalists (fresh random numbers)").strong());
    egui::ScrollArea::horizontal().id_salt("opt-finalists").show(ui, |ui| {
        egui::Grid::new("opt-finalist-rows").striped(true).num_columns(7).spacing([14.0, 4.0]).show(ui, |ui| {
            for h in ["Policy", o.objective.label(), "P5-P95", "Conversion", "AOV", "P(best)", "Constraints"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for f in &o.finalists {
                let e = &o.evaluated[f.index];
                let fig = f.metrics.iter().find(|x| x.metric == m.name());
                ui.label(&e.label);
                ui.label(m.format_exact(e.objective, cur));
                ui.label(fig.map_or_else(String::new, |x| {
                    format!("{} … {}", m.format_exact(x.p5, cur), m.format_exact(x.p95, cur))
                }));
                ui.label(Metric::ConversionRate.format_exact(e.conversion_rate, cur));
                ui.label(Metric::Aov.format_exact(e.aov, cur));
                ui.label(percent(f.probability_best, 0));
                ui.label(if e.feasible { "met" } else { "not met" });
                ui.end_row();
            }
        });
    });
}
