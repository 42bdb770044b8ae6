//! The "Optimize" tab: the best levers for an objective under constraints, the
//! conversion-AOV trade-off of every policy tried with its frontier, and "Add to
//! scenario".

use egui::{Color32, RichText, Ui};
use egui_plot::{Line, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Text};

use super::{AnalysisTab, End, Task};
use crate::analysis::optimize::{self, Bounds, Constraint, Objective, Optimized, Search};
use crate::format::{percent, printable};
use crate::gui::commands::Command;
use crate::gui::dashboard::charts::{self, ChartState, legend, metric_tick, nice_marks};
use crate::gui::document::Document;
use crate::model::ScenarioSpec;
use crate::model::edit::{Edit, Item};
use crate::report::Metric;

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
    task: Task<Box<Optimized>>,
    /// The latest search.
    pub result: Option<OptimizeResult>,
    error: Option<String>,
    chart: ChartState,
    generation: u64,
    /// The name the latest result's winner was added to the scenario under.
    added: Option<String>,
}

impl Default for OptimizeTab {
    fn default() -> Self {
        Self {
            objective: Objective(Metric::RevenuePerVisitor),
            keep_conversion: false,
            keep_margin: false,
            task: Task::default(),
            result: None,
            error: None,
            chart: ChartState::default(),
            generation: 0,
            added: None,
        }
    }
}

impl AnalysisTab for OptimizeTab {
    fn start(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.begin(doc, ctx);
    }

    fn poll(&mut self) {
        match self.task.poll(|()| {}) {
            Some(End::Done(o)) => {
                if let Some(r) = &mut self.result {
                    r.result = *o;
                    self.generation += 1;
                    r.generation = self.generation;
                }
            }
            Some(End::Cancelled | End::Failed(_)) => self.result = None,
            None => {}
        }
    }

    fn task(&self) -> &dyn super::Running {
        &self.task
    }

    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<Command>) {
        self.draw(ui, doc, valid, out);
    }
}

impl OptimizeTab {
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
    fn begin(&mut self, doc: &mut Document, ctx: &egui::Context) {
        self.error = None;
        let Some(sc) = doc.scenario() else {
            self.error = Some("Fix the scenario's problems (flagged in the editor) before optimizing it.".into());
            return;
        };
        let spec = doc.spec().clone();
        let search = Search { objective: self.objective, constraints: self.constraints(), bounds: Bounds::of(&spec) };
        self.result = None;
        self.added = None;
        let revision = doc.revision();
        let for_job = spec.clone();
        self.task.start(ctx, move |report, cancel| {
            let progress = |f: f64| report.progress(f);
            End::of(optimize::optimize(&for_job, &sc, &search, &Default::default(), &progress, cancel).map(Box::new))
        });
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
    fn draw(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<Command>) {
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
                ui.add_enabled(valid && !self.task.is_running(), egui::Button::new(RichText::new("Optimize").strong()));
            let run = run.on_disabled_hover_text(if valid {
                "A search is running"
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
            ui.label("Choose an objective and press Optimize.");
            return;
        };
        if r.result.evaluated.is_empty() {
            ui.label("Racing the policies…");
            return;
        }
        summary(ui, r, doc.spec(), &mut self.added, out);
        let response = trade_off(ui, &mut self.chart, r);
        let mut asked = None;
        let f = crate::present::figure::trade_off(&r.result, &r.spec.store.currency);
        crate::gui::dashboard::chart_menu(&response, &f, &crate::present::draw::Stamp::of_spec(&r.spec), &mut asked);
        out.extend(asked.map(Command::Chart));
        finalists(ui, r);
    }
}

/// The chosen levers in words, and "Add to scenario" (once: after it, the tab says
/// where the strategy went, until an undo takes it out again). `current` is the
/// scenario as it is now, which names the new strategy.
fn summary(
    ui: &mut Ui,
    r: &OptimizeResult,
    current: &crate::model::ScenarioSpec,
    added: &mut Option<String>,
    out: &mut Vec<Command>,
) {
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
    ui.label(RichText::new(format!("Best for {}: {}", o.objective.metric().in_words(), e.label)).strong());
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
    if let Some(name) = added.as_deref().filter(|n| current.strategies.iter().any(|s| s.name == *n)) {
        ui.label(
            RichText::new(format!(
                "Added to the scenario as the strategy \"{}\". Run the scenario (F5) to compare it; Undo (Ctrl+Z) \
                 takes it out again.",
                printable(name)
            ))
            .color(ui.visuals().hyperlink_color),
        );
        return;
    }
    let name = optimize::new_strategy_name(current, o.objective);
    if let Some(s) = o.chosen_strategy(&name) {
        let add = ui
            .button(format!("Add to scenario as \"{name}\""))
            .on_hover_text("Adds these levers as a new strategy (Ctrl+Z undoes it); run the scenario to compare it");
        if add.clicked() {
            let n = current.strategies.len();
            out.push(Command::EditSaying(Edit::Insert(n, Item::Strategy(s)), format!("Added the strategy \"{name}\"")));
            *added = Some(name);
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
        // The chart file's ramp (crate::present::figure::trade_off), lightened for a
        // dark background.
        let (a, b) = if dark {
            (Color32::from_rgb(70, 72, 60), Color32::from_rgb(150, 215, 225))
        } else {
            (Color32::from_rgb(225, 228, 200), Color32::from_rgb(40, 80, 90))
        };
        Color32::from_rgb(
            (f32::from(a.r()) + (f32::from(b.r()) - f32::from(a.r())) * t) as u8,
            (f32::from(a.g()) + (f32::from(b.g()) - f32::from(a.g())) * t) as u8,
            (f32::from(a.b()) + (f32::from(b.b()) - f32::from(a.b())) * t) as u8,
        )
    };
    let frontier_colour = if dark { Color32::WHITE } else { Color32::BLACK };
    legend(
        ui,
        &[
            (shade(lo), format!("lower revenue / visitor ({})", Metric::RevenuePerVisitor.format_exact(lo, &cur))),
            (shade(hi), format!("higher ({})", Metric::RevenuePerVisitor.format_exact(hi, &cur))),
            (frontier_colour, "Pareto frontier and the chosen policy".to_string()),
        ],
    );
    // The scenario's strategies, in their colours, with their labels where the chart
    // file places them (moved apart where they would overlap).
    let figure = crate::present::figure::trade_off(o, &cur);
    let own: Vec<crate::present::figure::XyPoint> = figure
        .xy
        .map(|xy| xy.points.into_iter().filter(|p| p.label.is_some() && ev.iter().any(|e| e.own == p.label)).collect())
        .unwrap_or_default();
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
        for p in &own {
            let [r, g, b] = p.colour;
            let colour = Color32::from_rgb(r, g, b);
            let at = [p.at.0, p.at.1];
            plot.points(
                Points::new("", PlotPoints::from(vec![at]))
                    .shape(MarkerShape::Diamond)
                    .radius(6.0)
                    .color(colour)
                    .allow_hover(false),
            );
            let label = p.label_at.unwrap_or(p.at);
            if p.label_at.is_some() {
                let leader = vec![at, [label.0, label.1]];
                plot.line(Line::new("", PlotPoints::from(leader)).color(Color32::GRAY).width(1.0).allow_hover(false));
            }
            plot.text(
                Text::new(
                    "",
                    PlotPoint::new(label.0, label.1),
                    RichText::new(printable(p.label.as_deref().unwrap_or_default())).small(),
                )
                .anchor(egui::Align2::LEFT_BOTTOM)
                .color(colour),
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
            let (conversion, aov) = (Metric::ConversionRate.label(), Metric::Aov.label());
            for h in ["Policy", o.objective.label(), "P5-P95", conversion, aov, "P(best)", "Constraints"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for f in &o.finalists {
                let e = &o.evaluated[f.index];
                let fig = f.metrics.iter().find(|x| x.metric == m.name());
                // A long policy wraps, so that every column stays in view.
                ui.scope(|ui| {
                    ui.set_max_width(320.0);
                    ui.add(egui::Label::new(&e.label).wrap());
                });
                ui.label(m.format_exact(e.objective, cur));
                ui.label(fig.map_or_else(String::new, |x| {
                    format!("{} … {}", m.format_end_exact(x.p5, cur), m.format_end_exact(x.p95, cur))
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
