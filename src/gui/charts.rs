//! The dashboard's charts (egui_plot): lifts with P5-P95 whiskers, annual-impact
//! distributions, the RPV decomposition, the revenue waterfall, acceptance rates and
//! the head-to-head difference. Every chart has axis titles with units and hover values.

use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart, GridMark, Legend, Line, Plot, PlotPoints, Points, VLine};

use super::results::Results;
use crate::engine::Report;
use crate::format::{lift, money, money_compact, percent};

/// Picks one lift out of a strategy's comparison with the holdout.
type LiftOf = fn(&crate::engine::report::VsHoldout) -> Option<crate::stats::LiftSummary>;
/// Picks one acceptance rate out of a strategy's metrics.
type RateOf = fn(&crate::engine::report::Metrics) -> Option<crate::stats::Summary>;

/// Chart height in points.
pub const HEIGHT: f32 = 250.0;

/// Distinguishable colours that read in light and dark themes.
pub const PALETTE: [Color32; 8] = [
    Color32::from_rgb(66, 133, 244),
    Color32::from_rgb(234, 134, 52),
    Color32::from_rgb(52, 168, 83),
    Color32::from_rgb(171, 71, 188),
    Color32::from_rgb(230, 80, 80),
    Color32::from_rgb(0, 172, 193),
    Color32::from_rgb(158, 157, 36),
    Color32::from_rgb(141, 110, 99),
];

fn whisker_color(ui: &Ui) -> Color32 {
    ui.visuals().text_color()
}

/// Strategies other than the holdout, with their report index.
fn others(r: &Report) -> Vec<(usize, &str)> {
    r.strategies.iter().enumerate().filter(|(_, s)| !s.is_holdout).map(|(i, s)| (i, s.name.as_str())).collect()
}

fn name_axis(names: Vec<String>) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |m, _| {
        let i = m.value.round();
        if (m.value - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        // Rows are drawn top to bottom: y = n - 1 - index.
        let n = names.len() as f64;
        names.get((n - 1.0 - i) as usize).cloned().unwrap_or_default()
    }
}

fn base_plot(id: &str) -> Plot<'static> {
    bare_plot(id).legend(Legend::default().position(egui_plot::Corner::RightBottom).background_alpha(0.85))
}

/// A plot with one row per strategy (names on the y axis), with a legend.
fn rows_plot(id: &str, names: Vec<String>) -> Plot<'static> {
    base_plot(id).y_axis_formatter(name_axis(names)).y_axis_min_width(150.0).show_y(false)
}

fn bare_plot(id: &str) -> Plot<'static> {
    Plot::new(id.to_string())
        .height(HEIGHT)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_boxed_zoom(false)
}

/// Lifts against the holdout (conversion, AOV, RPV, margin) as grouped horizontal
/// bars with P5-P95 whiskers.
pub fn lifts(ui: &mut Ui, r: &Report) {
    let rows = others(r);
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|(_, s)| s.to_string()).collect();
    let metrics: [(&str, LiftOf); 4] = [
        ("Conversion", |v| v.conversion_rate_lift),
        ("AOV", |v| v.aov_lift),
        ("Revenue / visitor", |v| v.rpv_lift),
        ("Margin", |v| v.margin_lift),
    ];
    let wc = whisker_color(ui);
    rows_plot("lifts", names)
        .height(HEIGHT * 1.3)
        .x_axis_label("lift vs holdout (%)  ·  whiskers: P5–P95 across replications")
        .x_axis_formatter(|m, _| format!("{:+.0}%", m.value * 100.0))
        .show(ui, |plot| {
            for (m, (label, f)) in metrics.iter().enumerate() {
                let offset = -0.3 + 0.2 * m as f64;
                let mut bars = Vec::new();
                for (j, (i, name)) in rows.iter().enumerate() {
                    let Some(l) = r.strategies[*i].vs_holdout.as_ref().and_then(f) else { continue };
                    let y = (n - 1 - j) as f64 - offset;
                    let s = l.summary;
                    bars.push(Bar::new(y, s.mean).width(0.18).name(format!(
                        "{name}\n{label}: {} (P5–P95 {} … {}, P(>0) {})",
                        lift(s.mean, 1),
                        lift(s.p05, 1),
                        lift(s.p95, 1),
                        percent(l.prob_positive, 0)
                    )));
                    plot.line(Line::new("P5–P95", PlotPoints::from(vec![[s.p05, y], [s.p95, y]])).color(wc).width(1.5));
                }
                plot.bar_chart(
                    BarChart::new(*label, bars)
                        .horizontal()
                        .color(PALETTE[m])
                        .element_formatter(Box::new(|b, _| b.name.clone())),
                );
            }
        });
}

/// Gaussian kernel density of `v` at `x` (Silverman's bandwidth, at least `min_bw`).
fn kde(v: &[f64], xs: &[f64], min_bw: f64) -> Vec<f64> {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    let bw = (1.06 * sd * n.powf(-0.2)).max(min_bw);
    xs.iter()
        .map(|x| {
            v.iter().map(|xi| (-0.5 * ((x - xi) / bw).powi(2)).exp()).sum::<f64>()
                / (n * bw * (2.0 * std::f64::consts::PI).sqrt())
        })
        .collect()
}

/// Annual GMV impact across replications: one density per strategy on a shared
/// money axis (a ridgeline), with the mean marked.
pub fn impact_distribution(ui: &mut Ui, res: &Results, r: &Report) {
    let rows = others(r);
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|(_, s)| s.to_string()).collect();
    let values: Vec<Vec<f64>> = rows
        .iter()
        .map(|(i, _)| {
            res.per_rep.iter().filter_map(|m| m[*i].vs.as_ref()?.annual_gmv_impact.map(|e| e.value)).collect()
        })
        .collect();
    let (lo, hi) = values.iter().flatten().fold((0.0f64, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
    let pad = ((hi - lo) * 0.05).max(1.0);
    let (lo, hi) = (lo - pad, hi + pad);
    let cur = r.currency.clone();
    let cur2 = r.currency.clone();
    bare_plot("impact-dist")
        .height(HEIGHT * 1.3)
        .x_axis_label(format!("annual GMV impact ({}) · density across replications, dot = mean", r.currency))
        .x_axis_formatter(move |m, _| money_compact(m.value, &cur))
        .y_axis_formatter(name_axis(names))
        .y_axis_min_width(150.0)
        .show_y(false)
        .label_formatter(move |h| match h {
            egui_plot::HoverPosition::NearDataPoint { plot_name, position, .. } => {
                Some(format!("{plot_name}\n{}", money_compact(position.x, &cur2)))
            }
            egui_plot::HoverPosition::Elsewhere { position } => Some(money_compact(position.x, &cur2)),
        })
        .show(ui, |plot| {
            let k = 200;
            let xs: Vec<f64> = (0..=k).map(|i| lo + (hi - lo) * i as f64 / k as f64).collect();
            for (j, ((_, name), v)) in rows.iter().zip(&values).enumerate() {
                if v.is_empty() {
                    continue;
                }
                let y0 = (n - 1 - j) as f64 - 0.4;
                let color = PALETTE[j % PALETTE.len()];
                let dens = kde(v, &xs, (hi - lo) / 150.0);
                let top = dens.iter().copied().fold(0.0, f64::max).max(1e-300);
                let pts: Vec<[f64; 2]> = xs.iter().zip(&dens).map(|(x, d)| [*x, y0 + 0.85 * d / top]).collect();
                plot.line(Line::new(*name, PlotPoints::from(pts)).color(color).fill(y0 as f32).width(1.5));
                let mean = v.iter().sum::<f64>() / v.len() as f64;
                plot.points(Points::new(*name, PlotPoints::from(vec![[mean, y0]])).color(color).radius(3.5));
            }
            plot.vline(VLine::new("", 0.0).color(Color32::GRAY));
        });
}

/// ln(RPV_s / RPV_h) = ln(CR_s / CR_h) + ln(AOV_s / AOV_h): the conversion part
/// and the AOV part of each strategy's RPV lift, stacked.
pub fn decomposition(ui: &mut Ui, r: &Report) {
    let rows = others(r);
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|(_, s)| s.to_string()).collect();
    let wc = whisker_color(ui);
    rows_plot("decomposition", names)
        .x_axis_label("log-points of revenue per visitor (×100 ≈ %)")
        .x_axis_formatter(|m, _| format!("{:+.0}", m.value * 100.0))
        .show(ui, |plot| {
            let mut conv = Vec::new();
            let mut aov = Vec::new();
            let mut totals = Vec::new();
            for (j, (i, name)) in rows.iter().enumerate() {
                let Some(v) = &r.strategies[*i].vs_holdout else { continue };
                let (Some(c), Some(a)) = (v.log_decomposition.conversion, v.log_decomposition.aov) else { continue };
                let y = (n - 1 - j) as f64;
                conv.push(
                    Bar::new(y, c.mean).width(0.6).name(format!("{name}: conversion effect {:+.2}", c.mean * 100.0)),
                );
                aov.push(
                    Bar::new(y, a.mean)
                        .base_offset(c.mean)
                        .width(0.6)
                        .name(format!("{name}: AOV effect {:+.2}", a.mean * 100.0)),
                );
                totals.push([c.mean + a.mean, y]);
            }
            plot.bar_chart(
                BarChart::new("Conversion effect", conv)
                    .horizontal()
                    .color(PALETTE[0])
                    .element_formatter(Box::new(|b, _| b.name.clone())),
            );
            plot.bar_chart(
                BarChart::new("AOV effect", aov)
                    .horizontal()
                    .color(PALETTE[1])
                    .element_formatter(Box::new(|b, _| b.name.clone())),
            );
            plot.points(Points::new("RPV effect (sum)", PlotPoints::from(totals)).radius(4.0).color(wc));
            plot.vline(VLine::new("", 0.0).color(Color32::GRAY));
        });
}

/// Labels of the waterfall's bars.
pub const WATERFALL: [&str; 7] =
    ["Holdout", "Conversion", "Cross-sell", "Top-ups", "Post-checkout", "Discounts", "Strategy"];

/// Revenue per visitor from the holdout to strategy `i`, by source.
pub fn waterfall(ui: &mut Ui, r: &Report, i: usize) {
    let h = r.strategies.iter().find(|s| s.is_holdout);
    let (Some(h), Some(v)) = (h, r.strategies[i].vs_holdout.as_ref()) else { return };
    let rpv = |s: &crate::engine::report::StrategyReport| s.metrics.revenue_per_visitor.map_or(0.0, |m| m.mean);
    let d = &v.revenue_by_source;
    let m = |x: Option<crate::stats::Summary>| x.map_or(0.0, |s| s.mean);
    let steps = [m(d.base_cart), m(d.cross_sell), m(d.tier_top_ups), m(d.post_checkout), m(d.discounts)];
    let cur = r.currency.clone();
    let cur2 = r.currency.clone();
    let start = rpv(h);
    // Horizontal: the holdout on top, each source below it, the strategy at the bottom.
    let row = |k: usize| (6 - k) as f64;
    let mut bars = vec![Bar::new(row(0), start).width(0.6).name(format!("Holdout: {}", money(start, &cur, 3)))];
    let mut level = start;
    let (mut lo, mut hi) = (start, start);
    for (k, s) in steps.iter().enumerate() {
        bars.push(
            Bar::new(row(k + 1), *s)
                .base_offset(level)
                .width(0.6)
                .fill(if *s >= 0.0 { PALETTE[2] } else { PALETTE[4] })
                .name(format!("{}: {}{}", WATERFALL[k + 1], if *s >= 0.0 { "+" } else { "" }, money(*s, &cur, 3))),
        );
        level += s;
        lo = lo.min(level);
        hi = hi.max(level);
    }
    let end = rpv(&r.strategies[i]);
    // Zoom on the changes: the first and last bars start at zero and are cut off.
    let pad = ((hi.max(end) - lo.min(end)) * 0.25).max(0.01);
    bars.push(Bar::new(row(6), end).width(0.6).name(format!("{}: {}", r.strategies[i].name, money(end, &cur, 3))));
    let last = r.strategies[i].name.clone();
    bare_plot("waterfall")
        .x_axis_label(format!("revenue per visitor ({}); green adds, red removes", r.currency))
        .y_axis_formatter(move |m, _| {
            let i = m.value.round();
            if (m.value - i).abs() < 1e-6 && (0.0..7.0).contains(&i) {
                let k = 6 - i as usize;
                if k == 6 { last.clone() } else { WATERFALL[k].to_string() }
            } else {
                String::new()
            }
        })
        .x_axis_formatter(move |m, _| money(m.value, &cur2, 2))
        .y_grid_spacer(|g| {
            (0..7)
                .filter(|&i| (g.bounds.0..=g.bounds.1).contains(&(i as f64)))
                .map(|i| GridMark { value: i as f64, step_size: 1.0 })
                .collect()
        })
        .y_axis_min_width(150.0)
        .default_x_bounds((lo.min(end) - pad).max(0.0), hi.max(end) + pad)
        .show_y(false)
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("Revenue per visitor", bars)
                    .horizontal()
                    .color(PALETTE[0])
                    .element_formatter(Box::new(|b, _| b.name.clone())),
            );
        });
}

/// Acceptance rate per stage for each strategy.
pub fn acceptance(ui: &mut Ui, r: &Report) {
    let rows: Vec<(usize, &str)> = others(r);
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|(_, s)| s.to_string()).collect();
    let stages: [(&str, RateOf); 3] = [
        ("Pre-checkout", |m| m.pre_checkout_acceptance_rate),
        ("Tier prompt", |m| m.tier_prompt_acceptance_rate),
        ("Post-checkout", |m| m.post_checkout_acceptance_rate),
    ];
    rows_plot("acceptance", names)
        .x_axis_label("acceptance rate: accepted / shown (%)")
        .x_axis_formatter(|m, _| format!("{:.0}%", m.value * 100.0))
        .show(ui, |plot| {
            for (k, (label, f)) in stages.iter().enumerate() {
                let offset = -0.25 + 0.25 * k as f64;
                let bars: Vec<Bar> = rows
                    .iter()
                    .enumerate()
                    .filter_map(|(j, (i, name))| {
                        let s = f(&r.strategies[*i].metrics)?;
                        Some(
                            Bar::new((n - 1 - j) as f64 - offset, s.mean)
                                .width(0.22)
                                .name(format!("{name}\n{label}: {}", percent(s.mean, 1))),
                        )
                    })
                    .collect();
                plot.bar_chart(
                    BarChart::new(*label, bars)
                        .horizontal()
                        .color(PALETTE[k + 2])
                        .element_formatter(Box::new(|b, _| b.name.clone())),
                );
            }
        });
}

/// Histogram of RPV_a - RPV_b per replication (same visitors).
pub fn head_to_head(ui: &mut Ui, res: &Results, r: &Report, a: usize, b: usize) {
    let diffs: Vec<f64> = res
        .per_rep
        .iter()
        .filter_map(|m| Some(m[a].revenue_per_visitor?.value - m[b].revenue_per_visitor?.value))
        .collect();
    let cur = r.currency.clone();
    let cur2 = r.currency.clone();
    base_plot("head-to-head")
        .height(HEIGHT * 0.8)
        .x_axis_label(format!(
            "revenue per visitor: {} - {} ({}), per replication",
            r.strategies[a].name, r.strategies[b].name, r.currency
        ))
        .y_axis_label("replications")
        .x_axis_formatter(move |m, _| money(m.value, &cur, 2))
        .label_formatter(move |h| match h {
            egui_plot::HoverPosition::NearDataPoint { position, .. } => {
                Some(format!("difference {}: {:.0} replications", money(position.x, &cur2, 3), position.y))
            }
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            if diffs.is_empty() {
                return;
            }
            let (lo, hi) = diffs.iter().fold((0.0f64, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
            let bins = 25;
            let w = ((hi - lo) / bins as f64).max(1e-9);
            let mut counts = vec![0usize; bins];
            for x in &diffs {
                counts[(((x - lo) / w) as usize).min(bins - 1)] += 1;
            }
            let bars: Vec<Bar> = counts
                .iter()
                .enumerate()
                .map(|(k, c)| Bar::new(lo + (k as f64 + 0.5) * w, *c as f64).width(w * 0.95))
                .collect();
            plot.bar_chart(BarChart::new("replications", bars).color(PALETTE[3]));
            plot.vline(VLine::new("tie", 0.0).color(Color32::GRAY).width(2.0));
        });
}
