//! KPI cards: the holdout's levels, and for each strategy its level next to its
//! relative lift, the P5-P95 range and the share of replications with a positive
//! lift. Every figure has a tooltip; a change that is exactly zero reads "no change".

use egui::{Grid, RichText, Ui};

use super::charts::color;
use super::style;
use crate::format::{money, percent};
use crate::report::metric::MetricUnit;
use crate::report::{Metric, Report, StrategyReport};
use crate::stats::{LiftSummary, Summary};

/// Width of a card's contents.
pub const CARD_WIDTH: f32 = 330.0;

/// Whether every replication's value is exactly zero (a lever that cannot move it).
fn exactly_zero(l: &LiftSummary) -> bool {
    l.summary.mean == 0.0 && l.summary.p05 == 0.0 && l.summary.p95 == 0.0
}

fn summary_tip(m: Metric, s: &Summary, currency: &str) -> String {
    format!(
        "{}\nmean {}, median {}, P5 {}, P95 {} over {} replications",
        m.help(),
        m.format(s.mean, currency),
        m.format(s.p50, currency),
        m.format_end(s.p05, currency),
        m.format_end(s.p95, currency),
        s.n
    )
}

/// One strategy's card; returns its width.
pub fn card(ui: &mut Ui, r: &Report, i: usize) -> f32 {
    let s = &r.strategies[i];
    let cur = r.currency.as_str();
    egui::Frame::group(ui.style())
        .show(ui, |ui| {
            ui.set_min_width(CARD_WIDTH);
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, color(r, i));
                    ui.label(RichText::new(&s.name).strong().size(16.0));
                    if s.is_holdout {
                        ui.label(RichText::new("(holdout)").weak());
                    }
                });
                Grid::new(("kpi", &s.name)).num_columns(4).spacing([10.0, 3.0]).show(ui, |ui| {
                    if s.is_holdout {
                        holdout_rows(ui, r, s);
                    } else {
                        lift_rows(ui, s, cur);
                    }
                });
            });
        })
        .response
        .rect
        .width()
}

fn holdout_rows(ui: &mut Ui, r: &Report, s: &StrategyReport) {
    let cur = r.currency.as_str();
    // With a free-shipping threshold (rule 22), the share of orders paying shipping too.
    let shipping = Metric::ShippingFeeShare.summary(s).map(|_| Metric::ShippingFeeShare);
    let levels = [Metric::ConversionRate, Metric::Aov, Metric::RevenuePerVisitor, Metric::GrossMarginPerVisitor];
    for m in levels.into_iter().chain(shipping) {
        ui.label(m.label()).on_hover_text(m.help());
        match m.summary(s) {
            Some(x) => {
                ui.label(RichText::new(m.format(x.mean, cur)).strong()).on_hover_text(summary_tip(m, &x, cur));
                ui.label(format!("P5–P95 {} … {}", m.format_end(x.p05, cur), m.format_end(x.p95, cur)));
            }
            None => {
                ui.label("n/a");
                ui.label("");
            }
        }
        ui.end_row();
    }
    ui.label("Annual GMV").on_hover_text("The holdout's revenue over a year: the base of every annual impact.");
    ui.label(RichText::new(money(r.annual_gmv, cur, 0)).strong());
    ui.label("");
    ui.end_row();
}

fn lift_rows(ui: &mut Ui, s: &StrategyReport, cur: &str) {
    let dark = ui.visuals().dark_mode;
    ui.label("");
    ui.label(RichText::new("level").weak());
    ui.label(RichText::new("vs holdout").weak())
        .on_hover_text("Relative change against the holdout: +10% means 1.1 times the holdout's value.");
    ui.label(RichText::new("P5–P95 · P(>0)").weak());
    ui.end_row();
    for m in card_lifts(s) {
        // Money a year, ratios and months read as themselves; relative lifts beside their level.
        let per_year = m.unit() != MetricUnit::Relative;
        ui.label(if per_year { m.label() } else { m.level_of().map_or(m.label(), Metric::label) })
            .on_hover_text(m.help());
        // The strategy's own level, next to its change.
        match m.level_of().filter(|_| !per_year).and_then(|l| l.summary(s).map(|x| (l, x))) {
            Some((l, x)) => {
                ui.label(l.format(x.mean, cur)).on_hover_text(summary_tip(l, &x, cur));
            }
            None => {
                ui.label("");
            }
        }
        match m.lift_summary(s) {
            Some(l) if exactly_zero(&l) => {
                ui.label(RichText::new("no change").strong())
                    .on_hover_text("Exactly zero in every replication: this strategy cannot move it.");
                ui.label("");
            }
            Some(l) => {
                let x = l.summary;
                // Green where it is surely better for the store (a cost that rises is not).
                let (up, down) = if m.higher_is_better() {
                    (style::gain(dark), style::loss(dark))
                } else {
                    (style::loss(dark), style::gain(dark))
                };
                // A payback is a time, not a gain or a loss.
                let c = if m == Metric::PaybackMonths {
                    ui.visuals().text_color()
                } else if x.p05 > 0.0 {
                    up
                } else if x.p95 < 0.0 {
                    down
                } else {
                    ui.visuals().text_color()
                };
                let tip = if per_year {
                    summary_tip(m, &x, cur)
                } else {
                    format!("{} relative to the holdout.\n{}", m.format(x.mean, cur), summary_tip(m, &x, cur))
                };
                ui.label(RichText::new(m.format(x.mean, cur)).strong().color(c)).on_hover_text(tip);
                ui.label(format!(
                    "{} … {} · {}",
                    m.format_end(x.p05, cur),
                    m.format_end(x.p95, cur),
                    percent(l.prob_positive, 0)
                ))
                .on_hover_text(format!(
                    "The middle 90% of replications lie in this range; the lift is above zero in {} of them.",
                    percent(l.prob_positive, 0)
                ));
            }
            None => {
                ui.label("n/a").on_hover_text("Undefined in every replication (e.g. a holdout margin of zero).");
                ui.label("");
            }
        }
        ui.end_row();
    }
    // With a free-shipping threshold (rule 22): the share of orders paying shipping,
    // a level without a lift.
    let m = Metric::ShippingFeeShare;
    if let Some(x) = m.summary(s) {
        ui.label(m.label()).on_hover_text(m.help());
        ui.label(m.format(x.mean, cur)).on_hover_text(summary_tip(m, &x, cur));
        ui.label("");
        ui.label(format!("{} … {}", m.format_end(x.p05, cur), m.format_end(x.p95, cur)));
        ui.end_row();
    }
}

/// The lifts a card shows: the gross ones, and the net ones where returns make them
/// differ from those (the vendor's ratios have their own panel).
fn card_lifts(s: &StrategyReport) -> impl Iterator<Item = Metric> + '_ {
    let mean = |m: Metric| m.summary(s).map(|x| x.mean);
    Metric::LIFTS.into_iter().filter(move |&m| match m {
        Metric::NetRpvLift => mean(m) != mean(Metric::RpvLift),
        Metric::NetMarginLift => mean(m) != mean(Metric::MarginLift),
        Metric::AnnualNetImpact => mean(m) != mean(Metric::AnnualGmvImpact),
        Metric::AttributionRatio | Metric::InfluencedRatio => false,
        // What the program earns after its costs, where it costs something.
        Metric::AnnualProgramCost | Metric::AnnualIncrementalNetMargin | Metric::Roi => {
            mean(Metric::AnnualProgramCost).is_some_and(|c| c > 0.0)
        }
        // Only where there is a setup cost to repay.
        Metric::PaybackMonths => mean(m).is_some_and(|p| p > 0.0),
        _ => true,
    })
}

/// The KPI cards as a table for a spreadsheet or slide (tab-separated, a header row):
/// one row per strategy and metric, with its level, lift, P5, P95 and P(>0).
pub fn table_text(r: &Report) -> String {
    let cur = r.currency.as_str();
    let mut out = String::from("Strategy\tMetric\tLevel\tLift vs holdout\tLift P5\tLift P95\tP(lift > 0)\n");
    let rows = [
        (Metric::ConversionRate, Some(Metric::ConversionRateLift)),
        (Metric::Aov, Some(Metric::AovLift)),
        (Metric::RevenuePerVisitor, Some(Metric::RpvLift)),
        (Metric::GrossMarginPerVisitor, Some(Metric::MarginLift)),
    ];
    for s in &r.strategies {
        for (level, lift) in rows {
            let l = level.summary(s).map_or_else(String::new, |x| level.format(x.mean, cur));
            let d = lift.and_then(|m| m.lift_summary(s));
            let f = |v: f64| crate::format::signed_percent(v, 1);
            out.push_str(&format!(
                "{}\t{}\t{l}\t{}\t{}\t{}\t{}\n",
                s.name,
                level.label(),
                d.map_or_else(String::new, |x| f(x.summary.mean)),
                d.map_or_else(String::new, |x| f(x.summary.p05)),
                d.map_or_else(String::new, |x| f(x.summary.p95)),
                d.map_or_else(String::new, |x| percent(x.prob_positive, 0)),
            ));
        }
        if let Some(g) = Metric::AnnualGmvImpact.lift_summary(s) {
            out.push_str(&format!(
                "{}\tAnnual GMV impact\t\t{}\t{}\t{}\t{}\n",
                s.name,
                money(g.summary.mean, cur, 0),
                money(g.summary.p05, cur, 0),
                money(g.summary.p95, cur, 0),
                percent(g.prob_positive, 0)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_copied_table_has_a_row_per_strategy_and_metric() {
        let mut spec = crate::io::article_spec();
        spec.store.visitors = 3_000;
        spec.store.replications = 3;
        let sc = crate::model::Scenario::from_spec(spec).expect("valid");
        let r = crate::report::run_and_summarize(&sc, &Default::default()).expect("run");
        let text = super::table_text(&r);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("Strategy\tMetric\tLevel"));
        // 8 strategies x 4 metrics, and an annual impact row for each of the 7 others.
        assert_eq!(lines.len(), 1 + 8 * 4 + 7);
        assert!(lines.iter().all(|l| l.split('\t').count() == 7), "every row has every column");
        assert!(lines.iter().any(|l| l.starts_with("AOV-optimized\tRevenue / visitor\t$")));
    }
}
