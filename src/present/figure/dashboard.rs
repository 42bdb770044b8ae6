//! The dashboard's charts as figures.

use super::*;

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
        f.dots.push(Dot { row, x: crate::stats::mean(v).unwrap_or(f64::NAN), colour: c });
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
        "Light bar: conversion's part of the revenue-per-visitor lift; solid bar: AOV's part; dot: the lift, their \
         sum. The parts split the lift by the log decomposition (each ln ratio scaled so that they add up to the \
         lift), so they differ a little from the conversion and AOV lifts on the cards, which do not add up.",
        "change in revenue per visitor, % of the holdout's".into(),
        Scale::Relative,
        rows.iter().map(|(_, s)| s.name.clone()).collect(),
    );
    f.slots = 2;
    f.slot_names = vec!["Conversion's part of the RPV lift".to_string(), "AOV's part of the RPV lift".to_string()];
    for (row, (i, s)) in rows.iter().enumerate() {
        let Some(v) = s.vs_holdout.as_ref() else { continue };
        let (Some(c), Some(a), Some(t)) = (v.rpv_decomposition.conversion, v.rpv_decomposition.aov, v.lifts.rpv_lift)
        else {
            continue;
        };
        let col = strategy_colour(*i, h);
        f.bars.push(Bar { row, slot: 0, from: 0.0, to: c.mean, colour: lighter(col), whisker: None, label: None });
        f.bars.push(Bar { row, slot: 1, from: 0.0, to: a.mean, colour: col, whisker: None, label: None });
        f.dots.push(Dot { row, x: t.summary.mean, colour: [40, 40, 40] });
    }
    f
}

/// The waterfall's steps (with [`SHIPPING_STEPS`] after them where the store has
/// shipping fees or free-shipping top-ups).
pub const STEPS: [&str; 5] = ["Conversion", "Cross-sell", "Top-ups", "Post-checkout", "Discounts"];

/// The waterfall's steps for free shipping (MODEL.md rule 22).
pub const SHIPPING_STEPS: [&str; 2] = ["Shipping top-ups", "Shipping fees"];

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
    let mut steps: Vec<(&str, f64)> = STEPS
        .into_iter()
        .zip([m(d.base_cart), m(d.cross_sell), m(d.tier_top_ups), m(d.post_checkout), m(d.discounts)])
        .collect();
    let shipping = |x: &crate::report::Sources<Option<crate::stats::Summary>>| {
        m(x.shipping_top_ups) != 0.0 || m(x.shipping_fees) != 0.0
    };
    if r.strategies.iter().any(|s| shipping(&s.revenue_by_source)) {
        steps.extend(SHIPPING_STEPS.into_iter().zip([m(d.shipping_top_ups), m(d.shipping_fees)]));
    }
    let mut rows = vec!["Holdout".to_string()];
    rows.extend(steps.iter().map(|(name, _)| name.to_string()));
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
    for (k, (_, step)) in steps.iter().enumerate() {
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
        row: steps.len() + 1,
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
        let mut line =
            XyLine { colour: strategy_colour(k, h), points: Vec::new(), band: Vec::new(), dash: Default::default() };
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
