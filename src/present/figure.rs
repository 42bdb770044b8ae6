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
}

impl Scale {
    /// A tick or value label.
    pub fn text(&self, v: f64) -> String {
        match self {
            Scale::Relative => lift(v, decimals(v)),
            Scale::Share => percent(v, decimals(v)),
            Scale::Money(c) => money(v, c, 2),
            Scale::MoneyCompact(c) => money_compact(v, c),
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
/// and acceptance.
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
