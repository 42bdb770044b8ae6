//! The dashboard's charts as data: every number, label and colour of a chart,
//! computed once from a report, for any backend to draw (files here, with
//! [`super::draw`]).
//!
//! A figure is a row chart: named rows top to bottom, each with up to `slots` bars
//! side by side (a bar runs from `from` to `to` on a horizontal value axis, with an
//! optional P5-P95 whisker and value label), dots, and curves (a ridgeline's
//! densities, heights 0 to 1 within their row). The dashboard's lifts, decomposition,
//! waterfall, acceptance and impact distribution are all of this kind.

use serde::Serialize;

use crate::format::{lift, money, money_compact, percent};
use crate::report::{Metric, Replication, Report, StrategyReport};

/// A colour, red-green-blue.
pub type Rgb = [u8; 3];

/// Strategy colours (no green or red: those mean gain and loss); the app's too.
pub const PALETTE: [Rgb; 8] = [
    [66, 133, 244],
    [230, 159, 0],
    [156, 92, 204],
    [0, 158, 170],
    [214, 96, 160],
    [150, 111, 80],
    [140, 150, 30],
    [90, 110, 150],
];
/// The holdout's grey.
pub const HOLDOUT: Rgb = [140, 140, 140];
/// Gains, on a light background.
pub const GAIN: Rgb = [20, 125, 45];
/// Losses, on a light background.
pub const LOSS: Rgb = [190, 30, 30];

/// The colour of strategy `index` (scenario order) beside the holdout `holdout`.
pub fn strategy_colour(index: usize, holdout: usize) -> Rgb {
    if index == holdout {
        return HOLDOUT;
    }
    let k = if index > holdout { index - 1 } else { index };
    PALETTE[k % PALETTE.len()]
}

/// A lighter shade (the conversion part of a decomposition).
pub fn lighter(c: Rgb) -> Rgb {
    c.map(|v| (f64::from(v) + (255.0 - f64::from(v)) * 0.55) as u8)
}

/// How the value axis reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Scale {
    /// A relative change: +10%.
    Relative,
    /// A share: 10%.
    Share,
    /// Money with cents (revenue per visitor).
    Money(String),
    /// Money in short form ($1.2M).
    MoneyCompact(String),
    /// A count or any plain number.
    Count,
}

impl Scale {
    /// A tick or value label.
    pub fn text(&self, v: f64) -> String {
        match self {
            Scale::Relative => lift(v, decimals(v)),
            Scale::Share => percent(v, decimals(v)),
            Scale::Money(c) => money(v, c, 2),
            Scale::MoneyCompact(c) => money_compact(v, c),
            Scale::Count => crate::format::round_significant(v, 6).to_string(),
        }
    }
}

/// Decimals for a share: none for whole percentages, else one.
fn decimals(v: f64) -> usize {
    let p = v * 100.0;
    if (p - p.round()).abs() < 1e-9 { 0 } else { 1 }
}

/// A bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    /// Row, from the top.
    pub row: usize,
    /// Position within the row (0: top).
    pub slot: usize,
    /// Where it starts on the value axis.
    pub from: f64,
    /// Where it ends.
    pub to: f64,
    /// Fill.
    pub colour: Rgb,
    /// A P5-P95 whisker.
    pub whisker: Option<(f64, f64)>,
    /// A value printed beside it.
    pub label: Option<String>,
}

/// A dot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dot {
    /// Row.
    pub row: usize,
    /// Value.
    pub x: f64,
    /// Colour.
    pub colour: Rgb,
}

/// A density drawn within its row (a ridgeline).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// Row.
    pub row: usize,
    /// (value, height from 0 to 1).
    pub points: Vec<(f64, f64)>,
    /// Colour.
    pub colour: Rgb,
}

/// One chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// File name stem (`lifts`).
    pub id: String,
    /// Title.
    pub title: String,
    /// How to read it, in a sentence.
    pub note: String,
    /// The value axis's label, with its unit.
    pub x_label: String,
    /// How values read.
    pub scale: Scale,
    /// Row names, top to bottom.
    pub rows: Vec<String>,
    /// Bars per row.
    pub slots: usize,
    /// Bars.
    pub bars: Vec<Bar>,
    /// Dots.
    pub dots: Vec<Dot>,
    /// Curves.
    pub curves: Vec<Curve>,
    /// Legend entries.
    pub legend: Vec<(String, Rgb)>,
    /// Draw a line at zero.
    pub zero_line: bool,
    /// A reference value drawn as a grey line (a tornado's base outcome).
    pub reference: Option<f64>,
    /// An x-y chart instead of rows (lines, bands, points, rectangles); the rows,
    /// bars, dots and curves are then unused and `scale` reads the x axis.
    pub xy: Option<Xy>,
}

/// An x-y chart's content.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Xy {
    /// The y axis's label.
    pub y_label: String,
    /// How y values read.
    pub y_scale: Option<Scale>,
    /// Lines, each with an optional band.
    pub lines: Vec<XyLine>,
    /// Points (a scatter), each with an optional label.
    pub points: Vec<XyPoint>,
    /// Filled rectangles (a histogram's bars, a heatmap's cells): x0, y0, x1, y1.
    pub rects: Vec<([f64; 4], Rgb)>,
    /// Horizontal reference lines.
    pub hlines: Vec<(f64, Rgb)>,
    /// Vertical reference lines.
    pub vlines: Vec<(f64, Rgb)>,
}

/// A line of an x-y chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XyLine {
    /// Colour.
    pub colour: Rgb,
    /// (x, y), by x.
    pub points: Vec<(f64, f64)>,
    /// (x, lower, upper): a band drawn under the line.
    pub band: Vec<(f64, f64, f64)>,
}

/// A point of an x-y chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XyPoint {
    /// Position.
    pub at: (f64, f64),
    /// Colour.
    pub colour: Rgb,
    /// Radius in pixels.
    pub size: f64,
    /// A label beside it.
    pub label: Option<String>,
}

impl Xy {
    /// The x and y ranges of everything drawn, padded a little.
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let (mut x, mut y) = ((f64::INFINITY, f64::NEG_INFINITY), (f64::INFINITY, f64::NEG_INFINITY));
        let mut see = |a: f64, b: f64| {
            if a.is_finite() && b.is_finite() {
                x = (x.0.min(a), x.1.max(a));
                y = (y.0.min(b), y.1.max(b));
            }
        };
        for l in &self.lines {
            l.points.iter().for_each(|p| see(p.0, p.1));
            l.band.iter().for_each(|b| {
                see(b.0, b.1);
                see(b.0, b.2);
            });
        }
        self.points.iter().for_each(|p| see(p.at.0, p.at.1));
        for (r, _) in &self.rects {
            see(r[0], r[1]);
            see(r[2], r[3]);
        }
        if !(x.0.is_finite() && y.0.is_finite()) {
            return ((0.0, 1.0), (0.0, 1.0));
        }
        for &(v, _) in &self.hlines {
            y = (y.0.min(v), y.1.max(v));
        }
        for &(v, _) in &self.vlines {
            x = (x.0.min(v), x.1.max(v));
        }
        let pad = |(a, b): (f64, f64)| {
            let d = (b - a).abs().max(1e-9) * 0.04;
            (a - d, b + d)
        };
        (pad(x), pad(y))
    }
}

impl Figure {
    fn new(id: &str, title: &str, note: &str, x_label: String, scale: Scale, rows: Vec<String>) -> Self {
        Figure {
            id: id.into(),
            title: title.into(),
            note: note.into(),
            x_label,
            scale,
            rows,
            slots: 1,
            bars: Vec::new(),
            dots: Vec::new(),
            curves: Vec::new(),
            legend: Vec::new(),
            zero_line: true,
            reference: None,
            xy: None,
        }
    }

    /// The value axis's range: every bar, whisker, dot and curve, zero, and room for
    /// labels on the right.
    pub fn range(&self) -> (f64, f64) {
        let mut lo = if self.zero_line { 0.0f64 } else { f64::INFINITY };
        let mut hi = if self.zero_line { 0.0f64 } else { f64::NEG_INFINITY };
        let mut see = |v: f64| {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        };
        for b in &self.bars {
            see(b.from);
            see(b.to);
            if let Some((a, c)) = b.whisker {
                see(a);
                see(c);
            }
        }
        self.dots.iter().for_each(|d| see(d.x));
        if let Some(r) = self.reference {
            see(r);
        }
        self.curves.iter().flat_map(|c| &c.points).for_each(|p| see(p.0));
        if !(lo.is_finite() && hi.is_finite()) {
            return (0.0, 1.0);
        }
        let span = (hi - lo).max(1e-9);
        let labels = if self.bars.iter().any(|b| b.label.is_some()) { 0.22 } else { 0.04 };
        (lo - span * 0.04, hi + span * labels)
    }
}

/// The strategies other than the holdout, with their colours.
fn others(r: &Report) -> (usize, Vec<(usize, &StrategyReport)>) {
    let holdout = r.strategies.iter().position(|s| s.is_holdout).unwrap_or(0);
    (holdout, r.strategies.iter().enumerate().filter(|(_, s)| !s.is_holdout).collect())
}

/// Lifts against the holdout: a row per metric, a bar per strategy with its P5-P95.
pub fn lifts(r: &Report) -> Figure {
    let (h, rows) = others(r);
    let metrics = Metric::RELATIVE_LIFTS;
    let mut f = Figure::new(
        "lifts",
        "Lifts against the holdout",
        "Bars: the mean lift across replications; whiskers: its 5th to 95th percentile.",
        "lift vs holdout (relative)".into(),
        Scale::Relative,
        metrics.iter().map(|m| m.label().replace(" lift", "")).collect(),
    );
    f.slots = rows.len().max(1);
    for (j, (i, s)) in rows.iter().enumerate() {
        let c = strategy_colour(*i, h);
        f.legend.push((s.name.clone(), c));
        for (row, m) in metrics.iter().enumerate() {
            let Some(l) = m.lift_summary(s) else { continue };
            let sm = l.summary;
            f.bars.push(Bar {
                row,
                slot: j,
                from: 0.0,
                to: sm.mean,
                colour: c,
                whisker: Some((sm.p05, sm.p95)),
                label: None,
            });
        }
    }
    f
}

/// Annual GMV impact across replications: a smoothed histogram per strategy, the mean
/// as a dot.
pub fn impact_distribution(r: &Report, reps: &[Replication]) -> Figure {
    let (h, rows) = others(r);
    let mut f = Figure::new(
        "annual-impact",
        "Annual GMV impact across replications",
        "How the replications' values spread (a smoothed histogram per strategy); dot: the mean.",
        format!("annual GMV impact ({})", r.currency),
        Scale::MoneyCompact(r.currency.clone()),
        rows.iter().map(|(_, s)| s.name.clone()).collect(),
    );
    let values: Vec<Vec<f64>> = rows
        .iter()
        .map(|(i, _)| {
            reps.iter()
                .filter_map(|rep| Metric::AnnualGmvImpact.estimate(&rep.strategies[*i]))
                .map(|e| e.value)
                .collect()
        })
        .collect();
    let (lo, hi) = values.iter().flatten().fold((0.0f64, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
    let pad = ((hi - lo) * 0.05).max(1.0);
    let xs: Vec<f64> = (0..=200).map(|k| lo - pad + (hi - lo + 2.0 * pad) * f64::from(k) / 200.0).collect();
    for (row, ((i, _), v)) in rows.iter().zip(&values).enumerate() {
        if v.is_empty() {
            continue;
        }
        let c = strategy_colour(*i, h);
        let dens = crate::stats::kde(v, &xs, (hi - lo + 2.0 * pad) / 150.0);
        let top = dens.iter().copied().fold(0.0, f64::max).max(1e-300);
        f.curves.push(Curve { row, points: xs.iter().zip(&dens).map(|(x, d)| (*x, d / top)).collect(), colour: c });
        f.dots.push(Dot { row, x: v.iter().sum::<f64>() / v.len() as f64, colour: c });
    }
    f
}

/// Each strategy's RPV lift split into a conversion part (lighter) and an AOV part;
/// the total as a dot.
pub fn decomposition(r: &Report) -> Figure {
    let (h, rows) = others(r);
    let mut f = Figure::new(
        "rpv-decomposition",
        "Where the revenue-per-visitor lift comes from",
        "Light bar: the conversion part; solid bar: the AOV part; dot: the change in revenue per visitor (their sum).",
        "change in revenue per visitor, % of the holdout's".into(),
        Scale::Relative,
        rows.iter().map(|(_, s)| s.name.clone()).collect(),
    );
    f.slots = 2;
    for (row, (i, s)) in rows.iter().enumerate() {
        let Some(v) = s.vs_holdout.as_ref() else { continue };
        let (Some(c), Some(a), Some(t)) = (v.rpv_decomposition.conversion, v.rpv_decomposition.aov, v.rpv_lift) else {
            continue;
        };
        let col = strategy_colour(*i, h);
        f.bars.push(Bar { row, slot: 0, from: 0.0, to: c.mean, colour: lighter(col), whisker: None, label: None });
        f.bars.push(Bar { row, slot: 1, from: 0.0, to: a.mean, colour: col, whisker: None, label: None });
        f.dots.push(Dot { row, x: t.summary.mean, colour: [40, 40, 40] });
    }
    f
}

/// The waterfall's steps.
pub const STEPS: [&str; 5] = ["Conversion", "Cross-sell", "Top-ups", "Post-checkout", "Discounts"];

/// Revenue per visitor from the holdout to strategy `i`, by source, on an axis from
/// zero.
pub fn waterfall(r: &Report, i: usize) -> Option<Figure> {
    let (h, _) = others(r);
    let s = &r.strategies[i];
    let v = s.vs_holdout.as_ref()?;
    let rpv = |s: &StrategyReport| s.metrics.revenue_per_visitor.map_or(0.0, |m| m.mean);
    let cur = r.currency.clone();
    let m = |x: Option<crate::stats::Summary>| x.map_or(0.0, |s| s.mean);
    let d = &v.revenue_by_source;
    let steps = [m(d.base_cart), m(d.cross_sell), m(d.tier_top_ups), m(d.post_checkout), m(d.discounts)];
    let mut rows = vec!["Holdout".to_string()];
    rows.extend(STEPS.iter().map(|s| s.to_string()));
    rows.push(s.name.clone());
    let mut f = Figure::new(
        &format!("waterfall-{}", slug(&s.name)),
        &format!("Revenue per visitor by source: holdout to {}", s.name),
        "Bars start at zero. Each step is one source's change in revenue per visitor: green adds, red removes.",
        format!("revenue per visitor ({})", r.currency),
        Scale::Money(cur.clone()),
        rows,
    );
    let start = rpv(&r.strategies[h]);
    f.bars.push(Bar {
        row: 0,
        slot: 0,
        from: 0.0,
        to: start,
        colour: HOLDOUT,
        whisker: None,
        label: Some(money(start, &cur, 2)),
    });
    let mut level = start;
    for (k, step) in steps.iter().enumerate() {
        let label = if *step == 0.0 {
            "none".to_string()
        } else {
            format!("{}{}", if *step > 0.0 { "+" } else { "" }, money(*step, &cur, 3))
        };
        let colour = if *step >= 0.0 { GAIN } else { LOSS };
        f.bars.push(Bar {
            row: k + 1,
            slot: 0,
            from: level,
            to: level + step,
            colour,
            whisker: None,
            label: Some(label),
        });
        level += step;
    }
    let end = rpv(s);
    f.bars.push(Bar {
        row: 6,
        slot: 0,
        from: 0.0,
        to: end,
        colour: strategy_colour(i, h),
        whisker: None,
        label: Some(money(end, &cur, 2)),
    });
    f.legend = vec![("adds".into(), GAIN), ("removes".into(), LOSS)];
    Some(f)
}

/// Acceptance per stage: a row per stage, a bar per strategy that shows it.
pub fn acceptance(r: &Report) -> Option<Figure> {
    let (h, all) = others(r);
    let rows: Vec<(usize, &StrategyReport)> =
        all.into_iter().filter(|(_, s)| Metric::ACCEPTANCE.iter().any(|m| m.summary(s).is_some())).collect();
    if rows.is_empty() {
        return None;
    }
    let stages = Metric::ACCEPTANCE;
    let mut f = Figure::new(
        "acceptance",
        "Offer acceptance by stage",
        "Accepted over shown, per stage, for each strategy that shows it.",
        "acceptance: accepted / shown".into(),
        Scale::Share,
        stages.iter().map(|m| m.label().replace(" acceptance", "")).collect(),
    );
    f.slots = rows.len();
    for (j, (i, s)) in rows.iter().enumerate() {
        let c = strategy_colour(*i, h);
        f.legend.push((s.name.clone(), c));
        for (row, m) in stages.iter().enumerate() {
            if let Some(sm) = m.summary(s) {
                f.bars.push(Bar { row, slot: j, from: 0.0, to: sm.mean, colour: c, whisker: None, label: None });
            }
        }
    }
    Some(f)
}

/// Every dashboard chart for a report: lifts, the impact distribution, the
/// decomposition, the waterfall of the strategy with the highest revenue per visitor,
/// acceptance, the two best strategies head to head, and the convergence of the RPV
/// lift.
pub fn dashboard(r: &Report, reps: &[Replication]) -> Vec<Figure> {
    let mut out = vec![lifts(r), impact_distribution(r, reps), decomposition(r)];
    let best = r
        .strategies
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_holdout)
        .max_by(|a, b| {
            let v = |s: &StrategyReport| s.metrics.revenue_per_visitor.map_or(f64::NEG_INFINITY, |m| m.mean);
            v(a.1).total_cmp(&v(b.1))
        })
        .map(|(i, _)| i);
    if let Some(f) = best.and_then(|i| waterfall(r, i)) {
        out.push(f);
    }
    out.extend(acceptance(r));
    // The two strategies with the most revenue per visitor, head to head.
    let mut order: Vec<usize> = (0..r.strategies.len()).filter(|&i| !r.strategies[i].is_holdout).collect();
    let rpv = |i: usize| r.strategies[i].metrics.revenue_per_visitor.map_or(f64::NEG_INFINITY, |m| m.mean);
    order.sort_by(|&a, &b| rpv(b).total_cmp(&rpv(a)).then(a.cmp(&b)));
    if let [a, b, ..] = order[..] {
        out.extend(head_to_head(r, reps, a, b));
    }
    out.push(convergence(r, reps, Metric::RpvLift));
    out
}

/// How a metric's values read on an axis.
pub fn scale_of(m: Metric, currency: &str) -> Scale {
    use crate::report::metric::MetricUnit;
    match m.unit() {
        MetricUnit::Rate => Scale::Share,
        MetricUnit::Relative => Scale::Relative,
        MetricUnit::Money | MetricUnit::MoneyPerVisitor => Scale::Money(currency.to_string()),
        MetricUnit::MoneyPerYear => Scale::MoneyCompact(currency.to_string()),
    }
}

/// The sensitivity tornado: a row per uncertain input, largest swing first; bars from
/// the outcome with every input uncertain (the grey line) to the outcome with the input
/// at its 10th percentile (lighter) and its 90th (deeper); green raises it, red lowers.
pub fn tornado(s: &crate::analysis::sensitivity::Sensitivity, currency: &str) -> Option<Figure> {
    let base = s.base?;
    let m = s.outcome.metric;
    let mut f = Figure::new(
        "tornado",
        &format!("What moves {}", s.outcome_label),
        "Each input at its 10th percentile (lighter bar) and 90th (deeper bar), the others uncertain; grey line: every input uncertain.",
        m.label().to_string(),
        scale_of(m, currency),
        s.inputs.iter().map(|e| e.label.clone()).collect(),
    );
    f.slots = 2;
    f.zero_line = false;
    f.reference = Some(base);
    for (row, e) in s.inputs.iter().enumerate() {
        for (slot, v) in [(0, e.at_p10), (1, e.at_p90)] {
            let Some(v) = v else { continue };
            let c = if v >= base { GAIN } else { LOSS };
            let colour = if slot == 0 { lighter(c) } else { c };
            f.bars.push(Bar { row, slot, from: base, to: v, colour, whisker: None, label: None });
        }
    }
    f.legend = vec![("raises it".into(), GAIN), ("lowers it".into(), LOSS)];
    Some(f)
}

/// What knowing each uncertain input would be worth a year (partial EVPI).
pub fn evppi(v: &crate::analysis::value::Value, currency: &str) -> Figure {
    let rows: Vec<&crate::analysis::value::InputValue> = v.inputs.iter().take(10).collect();
    let mut f = Figure::new(
        "value-of-information",
        "What knowing each input would be worth",
        &format!(
            "Partial EVPI a year, over {} worlds; knowing the world exactly: EVPI {}.",
            v.worlds,
            money_compact(v.evpi, currency)
        ),
        "worth knowing, a year (partial EVPI)".into(),
        Scale::MoneyCompact(currency.to_string()),
        rows.iter().map(|i| i.label.clone()).collect(),
    );
    for (row, i) in rows.iter().enumerate() {
        f.bars.push(Bar {
            row,
            slot: 0,
            from: 0.0,
            to: i.value,
            colour: GAIN,
            whisker: None,
            label: Some(money_compact(i.value, currency)),
        });
    }
    f
}

/// An x-y figure with no rows.
fn xy_figure(id: &str, title: &str, note: &str, x_label: String, scale: Scale, xy: Xy) -> Figure {
    let mut f = Figure::new(id, title, note, x_label, scale, Vec::new());
    f.zero_line = false;
    f.xy = Some(xy);
    f
}

/// Each strategy's running mean of `m` over the first n replications with its 95%
/// interval (Student's t).
pub fn convergence(r: &Report, reps: &[Replication], m: Metric) -> Figure {
    let h = r.strategies.iter().position(|s| s.is_holdout).unwrap_or(0);
    let mut xy = Xy { y_label: m.label().to_string(), y_scale: Some(scale_of(m, &r.currency)), ..Default::default() };
    let mut legend = Vec::new();
    for (k, s) in r.strategies.iter().enumerate() {
        if m.summary(s).is_none() {
            continue;
        }
        let (mut n, mut mean, mut m2) = (0.0f64, 0.0f64, 0.0f64);
        let mut line = XyLine { colour: strategy_colour(k, h), points: Vec::new(), band: Vec::new() };
        for rep in reps {
            let Some(e) = m.estimate(&rep.strategies[k]) else { continue };
            // Welford's running mean and variance.
            n += 1.0;
            let d = e.value - mean;
            mean += d / n;
            m2 += d * (e.value - mean);
            if n >= 2.0 {
                let half = crate::stats::interval::t95(n - 1.0) * (m2 / (n - 1.0) / n).sqrt();
                line.points.push((n, mean));
                line.band.push((n, mean - half, mean + half));
            }
        }
        legend.push((s.name.clone(), line.colour));
        xy.lines.push(line);
    }
    let mut f = xy_figure(
        &format!("convergence-{}", m.name().replace('_', "-")),
        &format!("Convergence of {}", m.label()),
        "The mean over the first n replications (line) and its 95% interval (band): where the bands are narrow enough, more replications change little.",
        "replications".into(),
        Scale::Count,
        xy,
    );
    f.legend = legend;
    f
}

/// A histogram of strategy `a`'s revenue per visitor minus `b`'s per replication (the
/// same visitors), with no difference marked.
pub fn head_to_head(r: &Report, reps: &[Replication], a: usize, b: usize) -> Option<Figure> {
    let rpv = |rep: &Replication, k: usize| Metric::RevenuePerVisitor.estimate(&rep.strategies[k]).map(|e| e.value);
    let diffs: Vec<f64> = reps.iter().filter_map(|rep| Some(rpv(rep, a)? - rpv(rep, b)?)).collect();
    if diffs.is_empty() {
        return None;
    }
    let (lo, hi) = diffs.iter().fold((0.0f64, 0.0f64), |(x, y), &d| (x.min(d), y.max(d)));
    let bins = 25;
    let w = ((hi - lo) / f64::from(bins)).max(1e-9);
    let mut counts = vec![0usize; bins as usize];
    for x in &diffs {
        counts[(((x - lo) / w) as usize).min(bins as usize - 1)] += 1;
    }
    let (na, nb) = (&r.strategies[a].name, &r.strategies[b].name);
    let colour = strategy_colour(a, r.strategies.iter().position(|s| s.is_holdout).unwrap_or(0));
    let xy = Xy {
        y_label: "replications".into(),
        y_scale: Some(Scale::Count),
        rects: counts
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                ([lo + k as f64 * w + w * 0.025, 0.0, lo + (k as f64 + 1.0) * w - w * 0.025, c as f64], colour)
            })
            .collect(),
        vlines: vec![(0.0, [60, 60, 60])],
        ..Default::default()
    };
    Some(xy_figure(
        &format!("head-to-head-{}-vs-{}", slug(na), slug(nb)),
        &format!("{na} against {nb} on revenue per visitor"),
        &format!("Replications by how much more revenue per visitor {na} made than {nb}; right of the line, {na} won."),
        format!("revenue per visitor, {na} minus {nb} ({})", r.currency),
        Scale::Money(r.currency.clone()),
        xy,
    ))
}

/// How a field's values read on an axis.
pub fn scale_of_unit(u: crate::model::fields::Unit, currency: &str) -> Scale {
    use crate::model::fields::Unit;
    match u {
        Unit::Percent => Scale::Share,
        Unit::Money => Scale::Money(currency.to_string()),
        _ => Scale::Count,
    }
}

/// The holdout test's power by day for each lift, with the target and the planned day.
pub fn power_by_day(p: &crate::analysis::plan::Planned) -> Figure {
    let mut xy = Xy { y_label: "power".into(), y_scale: Some(Scale::Share), ..Default::default() };
    let mut legend = Vec::new();
    for (i, m) in p.metrics.iter().enumerate() {
        let colour = strategy_colour(i + 1, 0);
        legend.push((m.metric.label().to_string(), colour));
        let points = m.power_by_day.iter().enumerate().map(|(d, &v)| (d as f64 + 1.0, v)).collect();
        xy.lines.push(XyLine { colour, points, band: Vec::new() });
    }
    xy.hlines.push((crate::analysis::plan::TARGET_POWER, HOLDOUT));
    xy.vlines.push((f64::from(p.plan.days), HOLDOUT));
    xy.points.push(XyPoint { at: (0.0, 0.0), colour: [255, 255, 255], size: 0.0, label: None });
    xy.points.push(XyPoint { at: (0.0, 1.0), colour: [255, 255, 255], size: 0.0, label: None });
    let mut f = xy_figure(
        "power-by-day",
        &format!("Power of a holdout test of {} by day", p.strategy),
        &format!(
            "Share of {} simulated worlds whose test finds the lift, by the day of the test; grey: 80% and the planned day ({}).",
            p.worlds, p.plan.days
        ),
        "day of the test".into(),
        Scale::Count,
        xy,
    );
    f.legend = legend;
    f
}

/// The revenue-per-visitor lift the test measures by day: mean over worlds, the mean
/// interval, and the true lift.
pub fn measured_lift(p: &crate::analysis::plan::Planned) -> Option<Figure> {
    let m = p.metrics.iter().find(|m| m.metric == Metric::RpvLift)?;
    let days: Vec<(f64, [f64; 3])> = m
        .measured
        .iter()
        .enumerate()
        .filter(|(_, v)| v.iter().all(|x| x.is_finite()))
        .map(|(d, v)| (d as f64 + 1.0, *v))
        .collect();
    let xy = Xy {
        y_label: "RPV lift".into(),
        y_scale: Some(Scale::Relative),
        lines: vec![XyLine {
            colour: GAIN,
            points: days.iter().map(|d| (d.0, d.1[0])).collect(),
            band: days.iter().map(|d| (d.0, d.1[1], d.1[2])).collect(),
        }],
        hlines: vec![(m.true_lift, HOLDOUT), (0.0, [60, 60, 60])],
        vlines: vec![(f64::from(p.plan.days), HOLDOUT)],
        ..Default::default()
    };
    Some(xy_figure(
        "measured-lift",
        &format!("The revenue-per-visitor lift a test of {} measures", p.strategy),
        "Line: the lift measured by each day (mean over worlds); band: its 95% interval (mean bounds); grey: the true lift and the planned day.",
        "day of the test".into(),
        Scale::Count,
        xy,
    ))
}

/// Every policy the optimizer tried: conversion against AOV, coloured from low to high
/// revenue per visitor, the Pareto frontier as a line, the scenario's own strategies
/// labelled.
pub fn trade_off(o: &crate::analysis::optimize::Optimized, currency: &str) -> Figure {
    let ev: Vec<&crate::analysis::optimize::Evaluated> = o.evaluated.iter().filter(|e| e.aov.is_finite()).collect();
    let (lo, hi) = ev.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| {
        (a.min(e.revenue_per_visitor), b.max(e.revenue_per_visitor))
    });
    let span = (hi - lo).max(1e-12);
    let (low, high): (Rgb, Rgb) = ([200, 205, 230], [170, 60, 0]);
    let shade = |v: f64| -> Rgb {
        let t = ((v - lo) / span).clamp(0.0, 1.0);
        [0, 1, 2].map(|i| (f64::from(low[i]) + (f64::from(high[i]) - f64::from(low[i])) * t) as u8)
    };
    let own_colour: Rgb = [0, 110, 200];
    let mut xy = Xy { y_label: "AOV".into(), y_scale: Some(Scale::Money(currency.to_string())), ..Default::default() };
    for e in ev.iter().filter(|e| e.own.is_none()) {
        xy.points.push(XyPoint {
            at: (e.conversion_rate, e.aov),
            colour: shade(e.revenue_per_visitor),
            size: 3.0,
            label: None,
        });
    }
    let mut front: Vec<(f64, f64)> = ev.iter().filter(|e| e.frontier).map(|e| (e.conversion_rate, e.aov)).collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    xy.lines.push(XyLine { colour: [30, 30, 30], points: front, band: Vec::new() });
    for e in ev.iter().filter(|e| e.own.is_some()) {
        xy.points.push(XyPoint { at: (e.conversion_rate, e.aov), colour: own_colour, size: 6.0, label: e.own.clone() });
    }
    if let Some(c) = o.chosen {
        let e = &o.evaluated[c];
        xy.points.push(XyPoint {
            at: (e.conversion_rate, e.aov),
            colour: [30, 30, 30],
            size: 7.0,
            label: Some("chosen".into()),
        });
    }
    let mut f = xy_figure(
        "trade-off",
        &format!("Conversion against AOV: {} policies tried", o.policies_evaluated),
        "Each dot a policy, coloured from low to high revenue per visitor; the line joins the policies no other beats on both; blue: the scenario's strategies.",
        "conversion rate".into(),
        Scale::Share,
        xy,
    );
    f.legend = vec![
        (format!("lower revenue / visitor ({})", money(lo, currency, 2)), low),
        (format!("higher ({})", money(hi, currency, 2)), high),
        ("Pareto frontier".into(), [30, 30, 30]),
        ("the scenario's strategies".into(), own_colour),
    ];
    f
}

/// A one-field sweep: each shown strategy's mean of `m` along the field, with its
/// P5-P95 band (all strategies' when `all_bands`, else the swept one's).
#[allow(clippy::too_many_arguments)]
pub fn sweep_lines(
    sweep: &crate::analysis::sweep::Sweep,
    points: &[&crate::analysis::sweep::Point],
    names: &[String],
    holdout: usize,
    shown: &[usize],
    banded: &[usize],
    m: Metric,
    currency: &str,
) -> Figure {
    let mut xy = Xy { y_label: m.label().to_string(), y_scale: Some(scale_of(m, currency)), ..Default::default() };
    let mut legend = Vec::new();
    for &k in shown {
        let colour = strategy_colour(k, holdout);
        legend.push((names[k].clone(), colour));
        let series: Vec<(f64, [f64; 3])> = points
            .iter()
            .filter_map(|p| m.summary(&p.report.strategies[k]).map(|s| (p.x, [s.mean, s.p05, s.p95])))
            .collect();
        xy.lines.push(XyLine {
            colour,
            points: series.iter().map(|s| (s.0, s.1[0])).collect(),
            band: if banded.contains(&k) { series.iter().map(|s| (s.0, s.1[1], s.1[2])).collect() } else { Vec::new() },
        });
    }
    let mut f = xy_figure(
        &format!("sweep-{}", slug(&sweep.x.label)),
        &format!("{} as {} varies", m.label(), sweep.x.label),
        "Lines: the mean across replications; bands: the 5th to 95th percentile.",
        sweep.x.label.clone(),
        scale_of_unit(sweep.x.unit(), currency),
        xy,
    );
    f.legend = legend;
    f
}

/// The figure with file name stem `id`: a dashboard chart or any strategy's waterfall.
pub fn by_id(r: &Report, reps: &[Replication], id: &str) -> Option<Figure> {
    if let Some(f) = dashboard(r, reps).into_iter().find(|f| f.id == id) {
        return Some(f);
    }
    (0..r.strategies.len()).filter_map(|i| waterfall(r, i)).find(|f| f.id == id)
}

/// A file-name-safe form of a name: lower case letters, digits and dashes.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "strategy".into() } else { s }
}
