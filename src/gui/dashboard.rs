//! The results dashboard: KPI cards against the holdout and the charts.

use egui::{Grid, RichText, Ui};

use super::charts;
use super::results::Results;
use crate::engine::Report;
use crate::engine::report::StrategyReport;
use crate::format::{lift, money, percent, signed_money};
use crate::stats::LiftSummary;

/// Dashboard state that is not part of the results.
#[derive(Default)]
pub struct Dashboard {
    /// Strategy shown in the waterfall.
    pub waterfall: Option<String>,
    /// Head-to-head: first strategy.
    pub head_a: Option<String>,
    /// Head-to-head: second strategy.
    pub head_b: Option<String>,
    /// Widest KPI card drawn so far (cards are laid out in rows by this width).
    card_width: f32,
}

fn index_of(r: &Report, name: &Option<String>, fallback: &[&str]) -> Option<usize> {
    if let Some(n) = name
        && let Some(i) = r.strategies.iter().position(|s| &s.name == n)
    {
        return Some(i);
    }
    for f in fallback {
        if let Some(i) = r.strategies.iter().position(|s| s.name == *f) {
            return Some(i);
        }
    }
    r.strategies.iter().position(|s| !s.is_holdout)
}

fn strategy_combo(ui: &mut Ui, id: &str, r: &Report, current: usize, holdout_ok: bool) -> Option<String> {
    let mut chosen = None;
    let combo = egui::ComboBox::from_id_salt(id).selected_text(&r.strategies[current].name).show_ui(ui, |ui| {
        for s in &r.strategies {
            if (holdout_ok || !s.is_holdout)
                && ui.selectable_label(s.name == r.strategies[current].name, &s.name).clicked()
            {
                chosen = Some(s.name.clone());
            }
        }
    });
    super::widgets::accessible_name(&combo.response, egui::accesskit::Role::ComboBox, id);
    chosen
}

impl Dashboard {
    /// Draws the KPI cards and charts for `res`.
    pub fn ui(&mut self, ui: &mut Ui, res: &Results) {
        let Some(r) = &res.report else {
            ui.label("Waiting for the first replication…");
            return;
        };
        ui.heading("Against the holdout");
        ui.label(
            RichText::new(format!(
                "Means across {} replication{} of {} visitors; brackets give the 5th–95th percentile; P(>0) is the share of replications with a positive lift.",
                r.replications,
                if r.replications == 1 { "" } else { "s" },
                crate::format::money(r.visitors_per_replication as f64, "", 0).trim()
            ))
            .small(),
        );
        // Containers do not wrap in egui layouts: place the cards in explicit rows,
        // as many per row as the widest card drawn so far allows.
        let spacing = ui.spacing().item_spacing.x;
        let card = self.card_width.max(CARD_WIDTH);
        let per_row = ((ui.available_width() + spacing) / (card + spacing)).floor().max(1.0) as usize;
        for chunk in r.strategies.chunks(per_row) {
            ui.horizontal_top(|ui| {
                for s in chunk {
                    let w = kpi_card(ui, r, s);
                    self.card_width = self.card_width.max(w);
                }
            });
        }
        ui.add_space(8.0);
        let col = ((ui.available_width() - 12.0) / 2.0).floor().max(300.0);
        two(
            ui,
            col,
            |ui| section(ui, "Lifts against the holdout", |ui| charts::lifts(ui, r)),
            |ui| section(ui, "Distribution of annual GMV impact", |ui| charts::impact_distribution(ui, res, r)),
        );
        two(
            ui,
            col,
            |ui| section(ui, "Revenue per visitor = conversion effect + AOV effect", |ui| charts::decomposition(ui, r)),
            |ui| {
                section(ui, "Revenue per visitor by source", |ui| {
                    if let Some(i) = index_of(r, &self.waterfall, &["AOV-optimized"]) {
                        ui.horizontal(|ui| {
                            ui.label("From the holdout to");
                            if let Some(n) = strategy_combo(ui, "Waterfall strategy", r, i, false) {
                                self.waterfall = Some(n);
                            }
                        });
                        charts::waterfall(ui, r, i);
                    }
                })
            },
        );
        let (mut a, mut b) = (self.head_a.clone(), self.head_b.clone());
        two(
            ui,
            col,
            |ui| {
                section(ui, "Acceptance per stage", |ui| {
                    charts::acceptance(ui, r);
                    upgrades_table(ui, r);
                })
            },
            |ui| section(ui, "Head-to-head on revenue per visitor", |ui| head_to_head_ui(ui, res, r, &mut a, &mut b)),
        );
        self.head_a = a;
        self.head_b = b;
    }
}

fn head_to_head_ui(ui: &mut Ui, res: &Results, r: &Report, head_a: &mut Option<String>, head_b: &mut Option<String>) {
    {
        let Some(a) = index_of(r, head_a, &["AOV-optimized"]) else { return };
        let b = index_of(r, head_b, &["Conversion-optimized"]).unwrap_or(r.strategies.len() - 1);
        ui.horizontal(|ui| {
            if let Some(n) = strategy_combo(ui, "Head-to-head first strategy", r, a, true) {
                *head_a = Some(n);
            }
            ui.label("vs");
            if let Some(n) = strategy_combo(ui, "Head-to-head second strategy", r, b, true) {
                *head_b = Some(n);
            }
        });
        if a == b {
            ui.label("Pick two different strategies.");
            return;
        }
        let p = r.strategies[a]
            .prob_beats_on_rpv
            .iter()
            .find(|x| x.strategy == r.strategies[b].name)
            .map_or(0.0, |x| x.probability);
        let q = r.strategies[b]
            .prob_beats_on_rpv
            .iter()
            .find(|x| x.strategy == r.strategies[a].name)
            .map_or(0.0, |x| x.probability);
        let rpv = |i: usize| r.strategies[i].metrics.revenue_per_visitor.map_or(0.0, |m| m.mean);
        let (winner, loser, pw) = if rpv(a) >= rpv(b) { (a, b, p) } else { (b, a, q) };
        ui.label(
            RichText::new(format!(
                "{} wins on revenue per visitor in {} of replications",
                r.strategies[winner].name,
                percent(pw, 0)
            ))
            .strong()
            .size(16.0),
        );
        let diff = rpv(winner) - rpv(loser);
        ui.label(format!(
            "{} vs {} per visitor ({}; {} a year on {} GMV)",
            money(rpv(winner), &r.currency, 3),
            money(rpv(loser), &r.currency, 3),
            lift(diff / rpv(loser).max(1e-12), 1),
            signed_money(r.annual_gmv * diff / rpv_of_holdout(r).max(1e-12), &r.currency, 0),
            crate::format::money_compact(r.annual_gmv, &r.currency)
        ));
        charts::head_to_head(ui, res, r, a, b);
    }
}

fn rpv_of_holdout(r: &Report) -> f64 {
    r.strategies.iter().find(|s| s.is_holdout).and_then(|s| s.metrics.revenue_per_visitor).map_or(0.0, |m| m.mean)
}

/// Two columns of fixed width side by side (fixed widths keep the layout stable).
fn two(ui: &mut Ui, col: f32, left: impl FnOnce(&mut Ui), right: impl FnOnce(&mut Ui)) {
    ui.horizontal_top(|ui| {
        for add in [Box::new(left) as Box<dyn FnOnce(&mut Ui)>, Box::new(right)] {
            ui.allocate_ui_with_layout(egui::vec2(col, 0.0), egui::Layout::top_down(egui::Align::Min), |ui| {
                ui.set_max_width(col);
                add(ui);
            });
        }
    });
    ui.add_space(6.0);
}

fn section(ui: &mut Ui, title: &str, add: impl FnOnce(&mut Ui)) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(title).strong());
        add(ui);
    });
}

fn upgrades_table(ui: &mut Ui, r: &Report) {
    Grid::new("upgrades").striped(true).show(ui, |ui| {
        ui.label(RichText::new("Strategy").small().strong());
        ui.label(RichText::new("Tier upgrades / 1,000 visitors").small().strong());
        ui.end_row();
        for s in &r.strategies {
            if let Some(u) = s.metrics.tier_upgrade_rate
                && (u.mean > 0.0 || s.is_holdout)
            {
                ui.label(RichText::new(&s.name).small());
                ui.label(RichText::new(format!("{:.2}", u.mean * 1000.0)).small());
                ui.end_row();
            }
        }
    });
}

fn lift_cell(ui: &mut Ui, l: Option<&LiftSummary>, f: impl Fn(f64) -> String) {
    match l {
        Some(l) => {
            let s = l.summary;
            let dark = ui.visuals().dark_mode;
            let color = if s.p05 > 0.0 {
                if dark { egui::Color32::from_rgb(110, 205, 120) } else { egui::Color32::from_rgb(20, 125, 45) }
            } else if s.p95 < 0.0 {
                if dark { egui::Color32::from_rgb(240, 110, 100) } else { egui::Color32::from_rgb(190, 30, 30) }
            } else {
                ui.visuals().text_color()
            };
            ui.label(RichText::new(f(s.mean)).strong().color(color));
            ui.label(RichText::new(format!("[{} … {}]", f(s.p05), f(s.p95))).small());
            ui.label(RichText::new(format!("P(>0) {}", percent(l.prob_positive, 0))).small());
        }
        None => {
            ui.label("n/a");
            ui.label("");
            ui.label("");
        }
    }
}

/// Width of a KPI card's contents.
const CARD_WIDTH: f32 = 300.0;

/// One strategy's card: lifts with P5-P95 and P(>0), or the holdout's levels.
/// Returns the card's width.
fn kpi_card(ui: &mut Ui, r: &Report, s: &StrategyReport) -> f32 {
    let cur = r.currency.as_str();
    egui::Frame::group(ui.style())
        .show(ui, |ui| {
            ui.set_min_width(CARD_WIDTH);
            ui.label(RichText::new(&s.name).strong().size(15.0));
            Grid::new(("kpi", &s.name)).num_columns(4).spacing([8.0, 2.0]).show(ui, |ui| match &s.vs_holdout {
                None => {
                    let m = &s.metrics;
                    let mean = |x: Option<crate::stats::Summary>| x.map_or(f64::NAN, |s| s.mean);
                    for (label, value) in [
                        ("Conversion", percent(mean(m.conversion_rate), 2)),
                        ("AOV", money(mean(m.aov), cur, 2)),
                        ("Revenue / visitor", money(mean(m.revenue_per_visitor), cur, 3)),
                        ("Margin / visitor", money(mean(m.gross_margin_per_visitor), cur, 3)),
                        ("Annual GMV", money(r.annual_gmv, cur, 0)),
                    ] {
                        ui.label(label);
                        ui.label(RichText::new(value).strong());
                        ui.label("");
                        ui.label("");
                        ui.end_row();
                    }
                }
                Some(v) => {
                    for (label, l) in [
                        ("Conversion", v.conversion_rate_lift.as_ref()),
                        ("AOV", v.aov_lift.as_ref()),
                        ("Revenue / visitor", v.rpv_lift.as_ref()),
                        ("Margin", v.margin_lift.as_ref()),
                    ] {
                        ui.label(label);
                        lift_cell(ui, l, |x| lift(x, 1));
                        ui.end_row();
                    }
                    ui.label("Annual GMV impact");
                    lift_cell(ui, v.annual_gmv_impact.as_ref(), |x| {
                        let m = crate::format::money_compact(x, cur);
                        if x > 0.0 { format!("+{m}") } else { m }
                    });
                    ui.end_row();
                }
            });
        })
        .response
        .rect
        .width()
}
