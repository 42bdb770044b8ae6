//! The results dashboard: KPI cards against the holdout and the charts. It reflows to
//! the space it has: cards wrap into rows, charts sit two abreast where they fit and
//! stack where they do not, and text wraps.

pub mod charts;
mod kpi;
mod net;
pub mod style;

use egui::{Grid, RichText, Ui};

use self::charts::ChartState;
use super::run_view::RunView;
use crate::format::{lift, money, percent};
use crate::present::figure::{self, Figure};
use crate::report::{Metric, Report};

/// Dashboard state that is not part of the results.
#[derive(Default)]
pub struct Dashboard {
    /// The claims checklist's link to the "What would it take" tab was followed.
    pub open_claims: bool,
    /// Strategy shown in the waterfall (report index).
    pub waterfall: Option<usize>,
    /// Head-to-head: first strategy.
    pub head_a: Option<usize>,
    /// Head-to-head: second strategy.
    pub head_b: Option<usize>,
    /// Widest KPI card drawn so far (cards are laid out in rows by this width).
    card_width: f32,
    charts: [ChartState; 7],
    /// The metric the convergence chart follows.
    pub convergence: Option<Metric>,
}

/// Width below which charts stack in one column.
const TWO_COLUMNS: f32 = 820.0;

fn strategy_combo(ui: &mut Ui, id: &str, r: &Report, current: usize, holdout_ok: bool) -> Option<usize> {
    let mut chosen = None;
    let combo = egui::ComboBox::from_id_salt(id).selected_text(&r.strategies[current].name).show_ui(ui, |ui| {
        for (k, s) in r.strategies.iter().enumerate() {
            if (holdout_ok || !s.is_holdout) && ui.selectable_label(k == current, &s.name).clicked() {
                chosen = Some(k);
            }
        }
    });
    let enabled = combo.response.enabled();
    combo.response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::ComboBox, enabled, id));
    chosen
}

impl Dashboard {
    /// Draws the KPI cards and charts for `run`; a chart's context menu asks for its
    /// export through the returned request.
    pub fn ui(&mut self, ui: &mut Ui, run: &RunView) -> Option<ChartRequest> {
        let Some(r) = &run.report else {
            ui.label("Waiting for the first replication…");
            return None;
        };
        ui.heading("Against the holdout");
        ui.add(
            egui::Label::new(format!(
                "Means across {} replication{} of {} visitors. Ranges are the 5th–95th percentiles across \
                 replications (the uncertainty about the inputs plus sampling noise); P(>0) is the share of \
                 replications with a positive lift. Lifts are relative to the holdout.",
                r.replications,
                if r.replications == 1 { "" } else { "s" },
                crate::format::int(r.visitors_per_replication)
            ))
            .wrap(),
        );
        if ui
            .button("Copy table")
            .on_hover_text("Copy the cards' figures as a table (tab-separated) to paste into a spreadsheet or slide")
            .clicked()
        {
            ui.ctx().copy_text(kpi::table_text(r));
        }
        // Cards in explicit rows: egui containers do not wrap by themselves.
        let spacing = ui.spacing().item_spacing.x;
        let card = self.card_width.max(kpi::CARD_WIDTH);
        let per_row = ((ui.available_width() + spacing) / (card + spacing)).floor().max(1.0) as usize;
        let order: Vec<usize> = (0..r.strategies.len()).collect();
        for chunk in order.chunks(per_row) {
            ui.horizontal_top(|ui| {
                for &i in chunk {
                    let w = kpi::card(ui, r, i);
                    self.card_width = self.card_width.max(w);
                }
            });
        }
        ui.add_space(8.0);
        if !r.claims.is_empty() {
            let open = &mut self.open_claims;
            section(ui, &r.claims_title, |ui| {
                claims_checklist(ui, r);
                if ui
                    .link("What would it take? Check these claims, or a vendor's, against this store")
                    .on_hover_text("Opens the \"What would it take\" tab: each claim's probability here, and what each uncertain input would need to be")
                    .clicked()
                {
                    *open = true;
                }
            });
            ui.add_space(6.0);
        }
        // Three tables of five columns: the whole width, so no column is cut off.
        section(ui, "Net of returns, and what a vendor would claim", |ui| {
            egui::ScrollArea::horizontal().id_salt("net-panel").show(ui, |ui| net::panel(ui, r));
        });
        ui.add_space(6.0);
        let avail = ui.available_width();
        let col = if avail >= TWO_COLUMNS { ((avail - 12.0) / 2.0).floor() } else { avail };
        let [lifts, impact, decomposition, waterfall, acceptance, head, converge] = &mut self.charts;
        let converge_metric = &mut self.convergence;
        let waterfall_sel = &mut self.waterfall;
        let (head_a, head_b) = (&mut self.head_a, &mut self.head_b);
        // Each chart's context-menu request, collected after the sections are drawn.
        let (mut out_l, mut out_i, mut out_d, mut out_w, mut out_a) = (None, None, None, None, None);
        let (out_l, out_i, out_d, out_w, out_a) = (&mut out_l, &mut out_i, &mut out_d, &mut out_w, &mut out_a);
        let (mut out_h, mut out_c) = (None, None);
        let (out_h, out_c) = (&mut out_h, &mut out_c);
        let sections: Vec<Section> = vec![
            Box::new(|ui: &mut Ui| {
                section(ui, "Lifts against the holdout", |ui| figure_chart(ui, lifts, run, &figure::lifts(r), out_l))
            }),
            Box::new(|ui: &mut Ui| {
                section(ui, "Distribution of annual GMV impact", |ui| {
                    figure_chart(ui, impact, run, &figure::impact_distribution(r, &run.reps), out_i)
                })
            }),
            Box::new(|ui: &mut Ui| {
                section(ui, "Revenue per visitor = conversion effect + AOV effect", |ui| {
                    figure_chart(ui, decomposition, run, &figure::decomposition(r), out_d)
                })
            }),
            Box::new(|ui: &mut Ui| {
                section(ui, "Revenue per visitor by source", |ui| {
                    let Some(i) = pick(r, *waterfall_sel, 0) else { return };
                    ui.horizontal_wrapped(|ui| {
                        ui.label("From the holdout to");
                        if let Some(k) = strategy_combo(ui, "Waterfall strategy", r, i, false) {
                            *waterfall_sel = Some(k);
                        }
                    });
                    if let Some(f) = figure::waterfall(r, i) {
                        figure_chart(ui, waterfall, run, &f, out_w);
                    }
                })
            }),
            Box::new(|ui: &mut Ui| {
                section(ui, "Acceptance per stage", |ui| {
                    if let Some(f) = figure::acceptance(r) {
                        figure_chart(ui, acceptance, run, &f, out_a);
                    }
                    upgrades_table(ui, r);
                })
            }),
            Box::new(|ui: &mut Ui| {
                section(ui, "Head-to-head on revenue per visitor", |ui| {
                    head_to_head_ui(ui, head, run, r, (head_a, head_b), out_h)
                })
            }),
            Box::new(|ui: &mut Ui| {
                section(ui, "Convergence", |ui| {
                    let m = converge_metric
                        .get_or_insert(run.reached.as_ref().map_or(Metric::RpvLift, |p| p.target.metric));
                    ui.horizontal_wrapped(|ui| {
                        ui.label("Running mean of");
                        crate::gui::combo(ui, "convergence-metric", "Convergence metric", None, m.label(), |ui| {
                            for x in Metric::ALL {
                                ui.selectable_value(m, x, x.label());
                            }
                        });
                    });
                    let f = figure::convergence(r, &run.reps, *m);
                    let response = charts::figure_sized(ui, converge, run.generation, &f, charts::HEIGHT);
                    chart_menu(&response, &f, &run.stamp(), out_c);
                })
            }),
        ];
        let mut sections = sections.into_iter();
        while let Some(first) = sections.next() {
            if col < avail {
                let second = sections.next();
                ui.horizontal_top(|ui| {
                    column(ui, col, first);
                    if let Some(s) = second {
                        column(ui, col, s);
                    }
                });
            } else {
                column(ui, col, first);
            }
            ui.add_space(6.0);
        }
        drop(sections);
        [out_l, out_i, out_d, out_w, out_a, out_h, out_c].into_iter().find_map(Option::take)
    }
}

/// What a chart's context menu asked for, with the chart as drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartRequest {
    /// Save the chart to a file: SVG when true, else PNG.
    Save(Box<ChartFile>, bool),
    /// Copy the chart as an image.
    Copy(Box<ChartFile>),
}

/// A chart to draw to a file, with the footer it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFile {
    /// The chart.
    pub figure: Figure,
    /// Its footer: what made it (the run's own replications and visitors, an
    /// analysis's, a calibration's fit).
    pub stamp: crate::present::draw::Stamp,
}

/// A context menu on a chart's response: save the figure as PNG or SVG, or copy it;
/// its footer is `stamp`, what made the chart.
pub fn chart_menu(
    response: &egui::Response,
    f: &Figure,
    stamp: &crate::present::draw::Stamp,
    out: &mut Option<ChartRequest>,
) {
    let file = || Box::new(ChartFile { figure: f.clone(), stamp: stamp.clone() });
    response.context_menu(|ui| {
        if ui.button("Save chart as PNG…").clicked() {
            *out = Some(ChartRequest::Save(file(), false));
            ui.close();
        }
        if ui.button("Save chart as SVG…").clicked() {
            *out = Some(ChartRequest::Save(file(), true));
            ui.close();
        }
        if ui.button("Copy chart as image").clicked() {
            *out = Some(ChartRequest::Copy(file()));
            ui.close();
        }
    });
}

/// A figure's chart with a context menu to save it as PNG or SVG or copy it.
fn figure_chart(
    ui: &mut Ui,
    state: &mut ChartState,
    run: &RunView,
    f: &crate::present::figure::Figure,
    out: &mut Option<ChartRequest>,
) {
    let response = charts::figure(ui, state, run.generation, f);
    chart_menu(&response, f, &run.stamp(), out);
}

/// The scenario's claims (the article's, or the free-shipping questions), each with
/// the share of replications in which it holds and a verdict in words (colour only
/// repeats the words).
fn claims_checklist(ui: &mut Ui, r: &Report) {
    ui.add(
        egui::Label::new(
            "Each claim is checked in every replication; P(holds) is the share of replications in which it \
             holds. Hover a claim for its source.",
        )
        .wrap(),
    );
    let dark = ui.visuals().dark_mode;
    // Where the scenario has returns or program costs: the share on net figures too.
    let net = r.claims.iter().any(|c| c.net_probability.is_some());
    Grid::new("claims").num_columns(if net { 4 } else { 3 }).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
        ui.label(RichText::new("Verdict").strong());
        ui.label(RichText::new("P(holds)").strong());
        if net {
            ui.label(RichText::new("P(holds), net").strong()).on_hover_text(
                "The same claim on net figures: revenue after returns, net lifts and the annual net impact. \
                 Claims about conversion or AOV read the same net.",
            );
        }
        ui.label(RichText::new("Claim").strong());
        ui.end_row();
        for c in &r.claims {
            let colour = match c.probability {
                _ if c.holds => style::gain(dark),
                Some(p) if p > 0.5 => ui.visuals().warn_fg_color,
                _ => style::loss(dark),
            };
            ui.label(RichText::new(c.verdict()).color(colour).strong());
            let p = c.probability.map_or("n/a".to_string(), |p| percent(p, 0));
            ui.label(p).on_hover_text(format!(
                "{} of {} replications; called \"holds\" at {} or more",
                c.probability.map_or(0, |p| (p * c.replications as f64).round() as usize),
                c.replications,
                percent(c.holds_at, 0)
            ));
            if net {
                ui.label(c.net_probability.map_or("same".to_string(), |p| percent(p, 0)));
            }
            ui.add(egui::Label::new(&c.statement).wrap()).on_hover_text(&c.source);
            ui.end_row();
        }
    });
}

type Section<'a> = Box<dyn FnOnce(&mut Ui) + 'a>;

fn column(ui: &mut Ui, width: f32, add: Section) {
    ui.allocate_ui_with_layout(egui::vec2(width, 0.0), egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_max_width(width);
        add(ui);
    });
}

fn section(ui: &mut Ui, title: &str, add: impl FnOnce(&mut Ui)) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_min_width(ui.available_width());
        ui.label(RichText::new(title).strong().size(15.0));
        add(ui);
    });
}

/// The strategy chosen (if still there), else the `rank`-th best by mean revenue per
/// visitor among those that are not the holdout (else the holdout).
fn pick(r: &Report, chosen: Option<usize>, rank: usize) -> Option<usize> {
    if let Some(i) = chosen.filter(|&i| i < r.strategies.len()) {
        return Some(i);
    }
    let rpv = |i: usize| r.strategies[i].metrics.revenue_per_visitor.map_or(f64::NEG_INFINITY, |m| m.mean);
    let mut order: Vec<usize> = (0..r.strategies.len()).filter(|&i| !r.strategies[i].is_holdout).collect();
    order.sort_by(|&a, &b| rpv(b).total_cmp(&rpv(a)).then(a.cmp(&b)));
    order.get(rank).copied().or_else(|| r.strategies.iter().position(|s| s.is_holdout))
}

fn head_to_head_ui(
    ui: &mut Ui,
    state: &mut ChartState,
    run: &RunView,
    r: &Report,
    (head_a, head_b): (&mut Option<usize>, &mut Option<usize>),
    out: &mut Option<ChartRequest>,
) {
    // By default the two strategies with the most revenue per visitor.
    let Some(a) = pick(r, *head_a, 0) else { return };
    let b = pick(r, *head_b, 1).unwrap_or(a);
    ui.horizontal_wrapped(|ui| {
        if let Some(k) = strategy_combo(ui, "Head-to-head first strategy", r, a, true) {
            *head_a = Some(k);
        }
        ui.label("vs");
        if let Some(k) = strategy_combo(ui, "Head-to-head second strategy", r, b, true) {
            *head_b = Some(k);
        }
    });
    if a == b {
        ui.label("Pick two different strategies.");
        return;
    }
    let beats = |x: usize, y: usize| {
        r.strategies[x]
            .prob_beats_on_rpv
            .iter()
            .find(|p| p.strategy == r.strategies[y].name)
            .map_or(0.0, |p| p.probability)
    };
    let (pa, pb) = (beats(a, b), beats(b, a));
    let rpv = |i: usize| Metric::RevenuePerVisitor.summary(&r.strategies[i]).map_or(0.0, |m| m.mean);
    let (winner, loser, pw) = if rpv(a) >= rpv(b) { (a, b, pa) } else { (b, a, pb) };
    let ties = 1.0 - pa - pb;
    ui.add(
        egui::Label::new(
            RichText::new(format!(
                "{} earns more revenue per visitor in {} of replications",
                r.strategies[winner].name,
                percent(pw, 0)
            ))
            .strong()
            .size(16.0),
        )
        .wrap(),
    );
    let holdout_rpv =
        r.strategies.iter().find(|s| s.is_holdout).and_then(|s| s.metrics.revenue_per_visitor).map_or(0.0, |m| m.mean);
    let diff = rpv(winner) - rpv(loser);
    let mut detail = format!(
        "{} vs {} per visitor ({} relative; about {} a year on {} GMV).",
        money(rpv(winner), &r.currency, 3),
        money(rpv(loser), &r.currency, 3),
        lift(diff / rpv(loser).max(1e-12), 1),
        crate::format::signed_money(r.annual_gmv * diff / holdout_rpv.max(1e-12), &r.currency, 0),
        crate::format::money_compact(r.annual_gmv, &r.currency)
    );
    // Ties as a count of replications (the shares are of whole replications; a
    // share that is not a whole count is rounding in 1 - P(a) - P(b)).
    let tied = (ties * f64::from(r.replications)).round() as u64;
    if tied > 0 {
        detail.push_str(&format!(
            " They tie exactly in {} of {} replications.",
            crate::format::int(tied),
            crate::format::int(r.replications)
        ));
    }
    ui.add(egui::Label::new(detail).wrap());
    if let Some(f) = figure::head_to_head(r, &run.reps, a, b) {
        let response = charts::figure_sized(ui, state, run.generation, &f, charts::HEIGHT * 0.8);
        chart_menu(&response, &f, &run.stamp(), out);
    }
}

fn upgrades_table(ui: &mut Ui, r: &Report) {
    ui.add_space(4.0);
    Grid::new("upgrades").striped(true).show(ui, |ui| {
        ui.label(RichText::new("Strategy").strong());
        ui.label(RichText::new("Tier upgrades per 1,000 visitors").strong())
            .on_hover_text(Metric::TierUpgradeRate.help());
        ui.end_row();
        for s in &r.strategies {
            if let Some(u) = s.metrics.tier_upgrade_rate
                && (u.mean > 0.0 || s.is_holdout)
            {
                ui.label(&s.name);
                ui.label(format!("{:.2}", u.mean * 1000.0));
                ui.end_row();
            }
        }
    });
}

/// Results saved in the scenario file (a presenter file), shown before any run.
pub fn saved_results(ui: &mut Ui, p: &crate::model::PresentedResults, currency: &str, status: &str) {
    ui.heading("Saved results (not checked yet)");
    ui.add(
        egui::Label::new(format!(
            "Saved with the file on {} by AOV Lab {}: seed {}, {} replications of {} visitors.",
            p.saved,
            p.app_version,
            p.seed,
            p.replications,
            crate::format::int(p.visitors)
        ))
        .wrap(),
    );
    ui.add(egui::Label::new(RichText::new(status).strong().color(ui.visuals().warn_fg_color)).wrap());
    ui.add_space(6.0);
    let shown = [
        Metric::ConversionRate,
        Metric::Aov,
        Metric::RevenuePerVisitor,
        Metric::ConversionRateLift,
        Metric::AovLift,
        Metric::RpvLift,
        Metric::AnnualGmvImpact,
    ];
    Grid::new("saved-results").striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
        ui.label(RichText::new("Strategy").strong());
        for m in shown {
            ui.label(RichText::new(m.label()).strong());
        }
        ui.end_row();
        for s in &p.strategies {
            ui.label(&s.name);
            for m in shown {
                ui.label(s.means.get(m.name()).map_or_else(|| "-".to_string(), |v| m.format(*v, currency)));
            }
            ui.end_row();
        }
    });
}
