//! The analysis tabs' charts as figures: sensitivity, value of information, the
//! holdout plan, the optimizer and sweeps.

use super::*;

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
        &if v.evpi > 0.0 {
            format!(
                "Partial EVPI a year on {}, over {} worlds; knowing the world exactly: EVPI {}. An input that \
                 says nothing about the world reads up to {}, 95 times in 100 (the noise floor).",
                v.basis.label(),
                v.worlds,
                money_compact(v.evpi, currency),
                money_compact(v.noise_floor, currency)
            )
        } else {
            format!(
                "Nothing to learn: the decision is the same in all {} worlds, so knowing any input is worth {}.",
                v.worlds,
                money_compact(0.0, currency)
            )
        },
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

/// How a field's values read on an axis.
pub fn scale_of_unit(u: crate::model::fields::Unit, currency: &str) -> Scale {
    use crate::model::fields::Unit;
    match u {
        Unit::Percent => Scale::Share,
        Unit::Money => Scale::Money(currency.to_string()),
        _ => Scale::Count,
    }
}

/// Each lift's line in a holdout test's charts: the tested strategy's colour (a colour
/// means a strategy everywhere; all three lines are that strategy's), the conversion
/// lift dotted, the AOV lift dashed, the revenue-per-visitor lift solid.
pub fn lift_line(p: &crate::analysis::plan::Planned, m: Metric) -> (Rgb, Dash) {
    let c = strategy_colour(p.plan.strategy, p.holdout);
    match m {
        Metric::ConversionRateLift => (c, Dash::Dotted),
        Metric::AovLift => (c, Dash::Dashed),
        _ => (c, Dash::Solid),
    }
}

/// The holdout test's power by day for each lift, with the target and the planned day.
pub fn power_by_day(p: &crate::analysis::plan::Planned) -> Figure {
    let mut xy = Xy { y_label: "power".into(), y_scale: Some(Scale::Share), ..Default::default() };
    let mut legend = Vec::new();
    for m in &p.metrics {
        let (colour, dash) = lift_line(p, m.metric);
        legend.push((format!("{}{}", m.metric.label(), dash.words()), colour));
        let points = m.power_by_day.iter().enumerate().map(|(d, &v)| (d as f64 + 1.0, v)).collect();
        xy.lines.push(XyLine { colour, points, band: Vec::new(), dash });
    }
    xy.hlines.push((crate::analysis::plan::TARGET_POWER, HOLDOUT));
    xy.vlines.push((f64::from(p.plan.days), HOLDOUT));
    xy.points.push(XyPoint { at: (0.0, 0.0), colour: [255, 255, 255], size: 0.0, label: None, label_at: None });
    xy.points.push(XyPoint { at: (0.0, 1.0), colour: [255, 255, 255], size: 0.0, label: None, label_at: None });
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
            colour: strategy_colour(p.plan.strategy, p.holdout),
            points: days.iter().map(|d| (d.0, d.1[0])).collect(),
            band: days.iter().map(|d| (d.0, d.1[1], d.1[2])).collect(),
            dash: Dash::Solid,
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
    // A ramp no strategy, gain, loss or warning uses.
    let (low, high): (Rgb, Rgb) = ([225, 228, 200], [40, 80, 90]);
    let shade = |v: f64| -> Rgb {
        let t = ((v - lo) / span).clamp(0.0, 1.0);
        [0, 1, 2].map(|i| (f64::from(low[i]) + (f64::from(high[i]) - f64::from(low[i])) * t) as u8)
    };
    // The scenario's own strategies in their own colours (they come in scenario order).
    let own: Vec<&&crate::analysis::optimize::Evaluated> = ev.iter().filter(|e| e.own.is_some()).collect();
    let holdout = o.evaluated.iter().filter(|e| e.own.is_some()).position(|e| e.levers.holdout).unwrap_or(0);
    let own_index = |e: &crate::analysis::optimize::Evaluated| {
        o.evaluated.iter().filter(|x| x.own.is_some()).position(|x| x.own == e.own).unwrap_or(0)
    };
    let mut xy = Xy { y_label: "AOV".into(), y_scale: Some(Scale::Money(currency.to_string())), ..Default::default() };
    for e in ev.iter().filter(|e| e.own.is_none()) {
        xy.points.push(XyPoint {
            at: (e.conversion_rate, e.aov),
            colour: shade(e.revenue_per_visitor),
            size: 3.0,
            label: None,
            label_at: None,
        });
    }
    let mut front: Vec<(f64, f64)> = ev.iter().filter(|e| e.frontier).map(|e| (e.conversion_rate, e.aov)).collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    xy.lines.push(XyLine { colour: super::INK, points: front, band: Vec::new(), dash: Default::default() });
    for e in &own {
        xy.points.push(XyPoint {
            at: (e.conversion_rate, e.aov),
            colour: strategy_colour(own_index(e), holdout),
            size: 6.0,
            label: e.own.clone(),
            label_at: None,
        });
    }
    if let Some(c) = o.chosen {
        let e = &o.evaluated[c];
        xy.points.push(XyPoint {
            at: (e.conversion_rate, e.aov),
            colour: super::INK,
            size: 7.0,
            label: Some("chosen".into()),
            label_at: None,
        });
    }
    xy.spread_labels();
    let mut f = xy_figure(
        "trade-off",
        &format!("Conversion against AOV: {} policies tried", o.policies_evaluated),
        "Each dot a policy, coloured from low to high revenue per visitor; the line joins the policies no other beats on both; the scenario's strategies in their colours, named.",
        "conversion rate".into(),
        Scale::Share,
        xy,
    );
    f.legend = vec![
        (format!("lower revenue / visitor ({})", money(lo, currency, 2)), low),
        (format!("higher ({})", money(hi, currency, 2)), high),
        ("Pareto frontier and the chosen policy".into(), super::INK),
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
            dash: Dash::Solid,
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

/// A two-field sweep's cells: one strategy's mean (or its difference from another) at
/// every point, row by row along the second field, NaN where a point is missing or the
/// metric undefined; and how deep each cell's colour is.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Values, `values[j * nx + i]` at the first field's `i`-th and the second's `j`-th.
    pub values: Vec<f64>,
    /// Cells along the first field.
    pub nx: usize,
    /// The lowest and highest finite value.
    pub range: (f64, f64),
    /// Whether the values are differences (green ahead, red behind).
    pub difference: bool,
}

impl Grid {
    /// The grid of `k` (minus `versus`) over `points`, in the sweep's order (first field
    /// outer); `None` for a one-field sweep.
    pub fn new(
        sweep: &crate::analysis::sweep::Sweep,
        points: &[Option<&crate::analysis::sweep::Point>],
        m: Metric,
        k: usize,
        versus: Option<usize>,
    ) -> Option<Self> {
        let ny = sweep.y.as_ref()?.values.len();
        let nx = sweep.x.values.len();
        let mut values = vec![f64::NAN; nx * ny];
        for (i, p) in points.iter().enumerate().take(nx * ny) {
            if let Some(p) = p {
                values[(i % ny) * nx + i / ny] = p.mean(m, k, versus).unwrap_or(f64::NAN);
            }
        }
        let range = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        Some(Grid { values, nx, range, difference: versus.is_some() })
    }

    /// How deep a value's colour is, 0.15 (lowest, or smallest difference) to 1
    /// (highest, or largest difference); `None` for a missing value.
    pub fn depth(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        let (lo, hi) = self.range;
        let t =
            if self.difference { v.abs() / lo.abs().max(hi.abs()).max(1e-12) } else { (v - lo) / (hi - lo).max(1e-12) };
        Some(0.15 + 0.85 * t.clamp(0.0, 1.0))
    }
}

/// A colour `depth` of the way from white to `c` (a heatmap cell on paper).
pub fn tint(c: Rgb, depth: f64) -> Rgb {
    c.map(|v| (255.0 - (255.0 - f64::from(v)) * depth.clamp(0.0, 1.0)).round() as u8)
}

/// Text that reads on `fill`: near-black on light colours, white on dark ones.
pub fn ink_on(fill: Rgb) -> Rgb {
    let luma = 0.299 * f64::from(fill[0]) + 0.587 * f64::from(fill[1]) + 0.114 * f64::from(fill[2]);
    if luma > 150.0 { [20, 20, 20] } else { [255, 255, 255] }
}

/// A two-field sweep as a heatmap: a cell per point, its colour from the strategy's
/// colour (or green and red for a difference), its value printed in it when the grid
/// is small enough to read.
#[allow(clippy::too_many_arguments)]
pub fn sweep_grid(
    sweep: &crate::analysis::sweep::Sweep,
    points: &[Option<&crate::analysis::sweep::Point>],
    names: &[String],
    holdout: usize,
    k: usize,
    versus: Option<usize>,
    m: Metric,
    currency: &str,
) -> Option<Figure> {
    let ya = sweep.y.as_ref()?;
    let versus = versus.filter(|&b| b != k);
    let grid = Grid::new(sweep, points, m, k, versus)?;
    let step = |v: &[f64]| if v.len() > 1 { v[1] - v[0] } else { 1.0 };
    let (dx, dy) = (step(&sweep.x.values), step(&ya.values));
    let base = strategy_colour(k, holdout);
    let labels = grid.values.len() <= 144;
    let mut xy =
        Xy { y_label: ya.label.clone(), y_scale: Some(scale_of_unit(ya.unit(), currency)), ..Default::default() };
    for (n, &v) in grid.values.iter().enumerate() {
        let (x, y) = (sweep.x.values[n % grid.nx], ya.values[n / grid.nx]);
        let Some(depth) = grid.depth(v) else { continue };
        let c = if grid.difference { if v >= 0.0 { GAIN } else { LOSS } } else { base };
        let fill = tint(c, depth);
        xy.rects.push(([x - dx / 2.0, y - dy / 2.0, x + dx / 2.0, y + dy / 2.0], fill));
        if labels {
            xy.texts.push(((x, y), m.format(v, currency), ink_on(fill)));
        }
    }
    let what = match versus {
        Some(b) => format!("{} minus {}", names[k], names[b]),
        None => names[k].clone(),
    };
    let (lo, hi) = grid.range;
    let (note, legend) = if grid.difference {
        (
            "Green: ahead; red: behind; deeper colour, larger difference.".to_string(),
            vec![
                (format!("{} ahead of {}", names[k], names[versus.unwrap_or(k)]), GAIN),
                (format!("{} behind {}", names[k], names[versus.unwrap_or(k)]), LOSS),
            ],
        )
    } else {
        (
            format!(
                "Deeper colour, higher value ({} to {}).",
                m.format_exact(lo, currency),
                m.format_exact(hi, currency)
            ),
            vec![
                (format!("lowest, {}", m.format(lo, currency)), tint(base, 0.15)),
                (format!("highest, {}", m.format(hi, currency)), base),
            ],
        )
    };
    let mut f = xy_figure(
        &format!("sweep-{}-by-{}", slug(&sweep.x.label), slug(&ya.label)),
        &format!("{}: {what}", m.label()),
        &note,
        sweep.x.label.clone(),
        scale_of_unit(sweep.x.unit(), currency),
        xy,
    );
    f.legend = legend;
    Some(f)
}
