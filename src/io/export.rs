//! Result exports: the JSON report (docs/results-format.md) and a per-replication CSV.

use std::io::Write;

use crate::analysis::precision::Reached;
use crate::analysis::sensitivity::Sensitivity;
use crate::analysis::sweep::{Point, Sweep};
use crate::model::Scenario;
use crate::report::{Metric, Replication, Report};

/// The report as pretty JSON.
pub fn report_json(report: &Report) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

/// The report as pretty JSON, with a precision target's outcome as `precision` and
/// the inputs held in every replication (`aovlab run --hold`) as `held`, `{path: value}`.
pub fn report_json_with(
    report: &Report,
    precision: Option<&Reached>,
    held: &[(String, f64)],
) -> serde_json::Result<String> {
    if precision.is_none() && held.is_empty() {
        return report_json(report);
    }
    let mut v = serde_json::to_value(report)?;
    if let Some(o) = v.as_object_mut() {
        if let Some(p) = precision {
            o.insert("precision".into(), serde_json::to_value(p)?);
        }
        if !held.is_empty() {
            let map: serde_json::Map<String, serde_json::Value> =
                held.iter().map(|(p, v)| (p.clone(), serde_json::Value::from(*v))).collect();
            o.insert("held".into(), serde_json::Value::Object(map));
        }
    }
    serde_json::to_string_pretty(&v)
}

/// One row per replication and strategy with that replication's metrics (the
/// metric registry's, in its order), each followed by its within-replication standard
/// error (`<metric>_se`: delta method for ratios and lifts, binomial for rates) and
/// its 95% interval (`<metric>_lo`, `<metric>_hi`; docs/model.md names each method). Empty
/// cells where a metric is undefined (an acceptance rate with nothing shown, the
/// holdout's lifts).
pub fn write_replications_csv<W: Write>(out: W, sc: &Scenario, reps: &[Replication]) -> csv::Result<()> {
    let mut w = super::csv_out::Writer::from_writer(out);
    let mut header: Vec<String> =
        ["replication", "strategy", "is_holdout", "visitors"].iter().map(ToString::to_string).collect();
    for m in Metric::ALL {
        header.push(m.name().to_string());
        header.push(format!("{}_se", m.name()));
        header.push(format!("{}_lo", m.name()));
        header.push(format!("{}_hi", m.name()));
    }
    w.write_record(&header)?;
    let mut reps: Vec<&Replication> = reps.iter().collect();
    reps.sort_by_key(|r| r.index);
    for rep in reps {
        for (k, m) in rep.strategies.iter().enumerate() {
            let mut row = vec![
                rep.index.to_string(),
                sc.strategies[k].name().to_string(),
                (k == sc.holdout).to_string(),
                rep.visitors.to_string(),
            ];
            for metric in Metric::ALL {
                let e = metric.estimate(m);
                row.push(e.map(|e| e.value.to_string()).unwrap_or_default());
                row.push(e.map(|e| e.se.to_string()).unwrap_or_default());
                row.push(e.map(|e| e.lo.to_string()).unwrap_or_default());
                row.push(e.map(|e| e.hi.to_string()).unwrap_or_default());
            }
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A sweep's points as JSON (docs/results-format.md, "Sweeps"): the axes, then per
/// point every strategy's summaries of every metric.
pub fn sweep_json(sc: &Scenario, sweep: &Sweep, points: &[Point]) -> serde_json::Result<String> {
    let points: Vec<serde_json::Value> = points
        .iter()
        .map(|p| {
            let strategies: Vec<serde_json::Value> = p
                .report
                .strategies
                .iter()
                .map(|s| {
                    let metrics: serde_json::Map<String, serde_json::Value> = Metric::ALL
                        .iter()
                        .map(|m| (m.name().to_string(), serde_json::to_value(m.summary(s)).unwrap_or_default()))
                        .collect();
                    serde_json::json!({ "name": s.name, "is_holdout": s.is_holdout, "metrics": metrics })
                })
                .collect();
            serde_json::json!({ "x": p.x, "y": p.y, "strategies": strategies })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "kind": "aovlab-sweep",
        "scenario": sc.name,
        "seed": sc.seed(),
        "replications": sc.replications(),
        "visitors_per_replication": sc.visitors(),
        "x": sweep.x,
        "y": sweep.y,
        "points": points,
    }))
}

/// One row per point, strategy and metric: the axes' values, then the metric's mean,
/// percentiles across replications, standard error of the mean and replications.
pub fn write_sweep_csv<W: Write>(out: W, sweep: &Sweep, points: &[Point]) -> csv::Result<()> {
    let mut w = super::csv_out::Writer::from_writer(out);
    let mut header = vec![sweep.x.path.clone()];
    header.extend(sweep.y.as_ref().map(|a| a.path.clone()));
    header.extend(["strategy", "metric", "mean", "p05", "p50", "p95", "se", "n"].map(String::from));
    w.write_record(&header)?;
    for p in points {
        for s in &p.report.strategies {
            for m in Metric::ALL {
                let Some(v) = m.summary(s) else { continue };
                let mut row = vec![p.x.to_string()];
                row.extend(p.y.map(|y| y.to_string()));
                row.extend([s.name.clone(), m.name().to_string()]);
                row.extend([v.mean, v.p05, v.p50, v.p95, v.se].map(|x| x.to_string()));
                row.push(v.n.to_string());
                w.write_record(&row)?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// A sensitivity analysis as JSON (docs/results-format.md, "Sensitivity").
pub fn sensitivity_json(sc: &Scenario, s: &Sensitivity) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&serde_json::json!({
        "kind": "aovlab-sensitivity",
        "scenario": sc.name,
        "seed": sc.seed(),
        "replications": sc.replications(),
        "visitors_per_replication": sc.visitors(),
        "analysis": s,
    }))
}

/// The main run's draws: one row per replication with every uncertain input's drawn
/// value (columns named by field path), the outcome and the decision's difference.
pub fn write_draws_csv<W: Write>(out: W, s: &Sensitivity) -> csv::Result<()> {
    let mut w = super::csv_out::Writer::from_writer(out);
    let mut header = vec!["replication".to_string()];
    header.extend(s.draws.paths.iter().cloned());
    header.extend(["outcome".to_string(), "difference".to_string()]);
    w.write_record(&header)?;
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in &s.draws.rows {
        let mut row = vec![r.replication.to_string()];
        row.extend(r.inputs.iter().map(ToString::to_string));
        row.extend([opt(r.outcome), opt(r.difference)]);
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// The optimizer's result as JSON: the chosen levers with their metrics (mean, P5,
/// P95 over the fresh replications) and probability of being best, the finalists, the
/// frontier, and every policy tried.
pub fn optimize_json(sc: &Scenario, r: &crate::analysis::optimize::Optimized) -> serde_json::Result<String> {
    let finalist = |f: &crate::analysis::optimize::Finalist| {
        let e = &r.evaluated[f.index];
        serde_json::json!({
            "label": e.label,
            "levers": e.levers,
            "feasible": e.feasible,
            "probability_best": f.probability_best,
            "metrics": f.metrics,
        })
    };
    let chosen = r.chosen_figures().map(finalist);
    let frontier: Vec<&crate::analysis::optimize::Evaluated> = r.evaluated.iter().filter(|e| e.frontier).collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "kind": "aovlab-optimize",
        "scenario": sc.name,
        "seed": sc.seed(),
        "fresh_seed": r.fresh_seed,
        "replications": sc.replications(),
        "visitors_per_replication": sc.visitors(),
        "objective": r.objective,
        "constraints": r.constraints,
        "bounds": r.bounds,
        "policies_evaluated": r.policies_evaluated,
        "stages": r.stages.iter().map(|(reps, n)| serde_json::json!({"replications": reps, "candidates": n})).collect::<Vec<_>>(),
        "chosen": chosen,
        "finalists": r.finalists.iter().map(finalist).collect::<Vec<_>>(),
        "frontier": frontier,
        "evaluated": r.evaluated,
    }))
}

/// Every policy the optimizer tried, one row each.
pub fn write_optimize_csv<W: std::io::Write>(w: W, r: &crate::analysis::optimize::Optimized) -> csv::Result<()> {
    use crate::analysis::optimize::Evaluated;
    let mut out = super::csv_out::Writer::from_writer(w);
    let mut header = vec!["policy", "scenario_strategy", "stage", "replications"];
    header.extend(Evaluated::METRICS.map(Metric::name));
    header.extend(["objective", "feasible", "frontier"]);
    out.write_record(&header)?;
    for e in &r.evaluated {
        let mut row =
            vec![e.label.clone(), e.own.clone().unwrap_or_default(), e.stage.to_string(), e.replications.to_string()];
        // A mean that is not a number (AOV with no order) is an empty cell.
        row.extend(
            Evaluated::METRICS.map(|m| e.mean(m).filter(|v| v.is_finite()).map_or_else(String::new, |v| v.to_string())),
        );
        row.extend([e.objective.to_string(), e.feasible.to_string(), e.frontier.to_string()]);
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// A strategy as a scenario file's `[[strategies]]` entry.
pub fn strategy_toml(s: &crate::model::StrategySpec) -> String {
    #[derive(serde::Serialize)]
    struct One<'a> {
        strategies: [&'a crate::model::StrategySpec; 1],
    }
    toml::to_string(&One { strategies: [s] }).unwrap_or_default()
}

/// The holdout plan and the value of information as JSON.
pub fn plan_json(
    sc: &Scenario,
    p: &crate::analysis::plan::Planned,
    v: &crate::analysis::value::Value,
) -> serde_json::Result<String> {
    let metrics: Vec<serde_json::Value> = p
        .metrics
        .iter()
        .map(|m| {
            serde_json::json!({
                "metric": m.metric.name(),
                "true_lift": m.true_lift,
                "power": m.power,
                "analytic_power": m.analytic_power,
                "days_for_80_percent_power": m.days_for_target,
                "minimum_detectable_effect": m.minimum_detectable_effect,
                "power_by_day": m.power_by_day,
                "measured_by_day": m.measured.iter().map(|[l, lo, hi]| serde_json::json!({"lift": finite(*l), "lo": finite(*lo), "hi": finite(*hi)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "kind": "aovlab-holdout-plan",
        "scenario": sc.name,
        "seed": sc.seed(),
        "visitors_per_replication": sc.visitors(),
        "plan": {
            "strategy": p.strategy,
            "daily_visitors": p.plan.daily_visitors,
            "holdout_share": p.plan.holdout_share,
            "days": p.plan.days,
            "alpha": p.plan.alpha,
        },
        "worlds": p.worlds,
        "days_simulated": p.horizon,
        "holdout_visitors": p.groups.0,
        "treatment_visitors": p.groups.1,
        "forgone_revenue": p.forgone_revenue,
        "forgone_net_revenue": p.forgone_net_revenue,
        "metrics": metrics,
        "value_of_information": v,
    }))
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The plan per day and metric: power and the mean measured lift with its interval.
pub fn write_plan_csv<W: std::io::Write>(w: W, p: &crate::analysis::plan::Planned) -> csv::Result<()> {
    let mut out = super::csv_out::Writer::from_writer(w);
    out.write_record(["metric", "day", "power", "mean_measured_lift", "mean_lo", "mean_hi"])?;
    let num = |x: f64| if x.is_finite() { x.to_string() } else { String::new() };
    for m in &p.metrics {
        for (d, (pw, [l, lo, hi])) in m.power_by_day.iter().zip(&m.measured).enumerate() {
            out.write_record([
                m.metric.name().to_string(),
                (d + 1).to_string(),
                pw.to_string(),
                num(*l),
                num(*lo),
                num(*hi),
            ])?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One row per strategy for spreadsheets: every metric's mean, P5, P50 and P95 and,
/// for lifts, the share of replications above zero (`<metric>_p_positive`); plain
/// numbers, a header row, UTF-8 with a byte-order mark (so that Excel reads names
/// with accents as written).
pub fn write_summary_csv<W: std::io::Write>(mut w: W, r: &Report) -> csv::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut out = super::csv_out::Writer::from_writer(w);
    let mut header = vec!["strategy".to_string(), "is_holdout".to_string()];
    for m in Metric::ALL {
        for q in ["mean", "p5", "p50", "p95"] {
            header.push(format!("{}_{q}", m.name()));
        }
        if m.is_lift() {
            header.push(format!("{}_p_positive", m.name()));
        }
    }
    out.write_record(&header)?;
    let num = |v: f64| if v.is_finite() { v.to_string() } else { String::new() };
    for s in &r.strategies {
        let mut row = vec![s.name.clone(), s.is_holdout.to_string()];
        for m in Metric::ALL {
            match m.summary(s) {
                Some(x) => row.extend([num(x.mean), num(x.p05), num(x.p50), num(x.p95)]),
                None => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
            if m.is_lift() {
                row.push(m.lift_summary(s).map_or_else(String::new, |l| num(l.prob_positive)));
            }
        }
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}
