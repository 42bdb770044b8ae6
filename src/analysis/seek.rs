//! Goal seek: the value of one input or lever at which an outcome (a metric of a
//! strategy, or its difference from another's) reaches a target, and where that value
//! lies against the input's own distribution.
//!
//! The outcome at a value is the mean over the scenario's replications of a run with
//! the field at that value, set or held exactly as a sweep's point ([`Sweep`]), on the
//! same visitors and draws at every value (common random numbers), so the outcome
//! moves with the field, not with luck. The ends of the allowed range (or of the range
//! asked for) are run first; where the target lies between them, bisection narrows the
//! value until the bracket is narrower than the Monte Carlo uncertainty of the value
//! (the outcome's standard error over the slope) or a hundredth of a percent of the
//! range. The outcome is assumed monotone along the range; where both ends fall on the
//! same side of the target, no value in the range reaches it, and the closer end is
//! the best reachable.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::sensitivity::Outcome;
use super::sweep::{Axis, Sweep, SweepError};
use crate::engine::{RunError, RunOptions};
use crate::model::{Dist, Param, ScenarioSpec, fields};
use crate::stats::mean_defined;

/// Most runs of the scenario one seek makes.
pub const MAX_RUNS: usize = 40;

/// The outcome at one value of the field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Run {
    /// The field's value.
    pub x: f64,
    /// The outcome's mean over replications.
    pub outcome: f64,
    /// Its standard error (over replications).
    pub se: f64,
}

/// Where a value lies against the input's distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    /// The distribution's CDF at the value.
    pub quantile: f64,
    /// The same in words ("above its P99 (0.69): about 0.4% likely").
    pub text: String,
}

/// What a seek found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sought {
    /// The field's canonical path and label.
    pub path: String,
    /// The field for people.
    pub label: String,
    /// The outcome, in words.
    pub outcome_label: String,
    /// The target value of the outcome.
    pub target: f64,
    /// The range searched.
    pub range: (f64, f64),
    /// The value that reaches the target, where one in the range does.
    pub value: Option<f64>,
    /// Its Monte Carlo standard error (the outcome's over the slope).
    pub se: Option<f64>,
    /// Where no value reaches it: the value that comes closest and its outcome.
    pub best: Option<Run>,
    /// Where the value lies against the input's distribution (uncertain inputs).
    pub placement: Option<Placement>,
    /// Every run, by value.
    pub runs: Vec<Run>,
}

/// Why a seek gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum SeekError {
    /// The request does not fit the scenario.
    #[error("{0}")]
    Request(String),
    /// A run failed or was cancelled.
    #[error(transparent)]
    Sweep(#[from] SweepError),
}

impl From<RunError> for SeekError {
    fn from(e: RunError) -> Self {
        SeekError::Sweep(SweepError::Run(e))
    }
}

/// What to seek: the field that is free, the range to search (default: the field's
/// allowed range; where it is unbounded, up to four times an uncertain input's P99.9),
/// and the outcome's target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal<'a> {
    /// The field's path as written (`behaviour.post_checkout_base_accept`).
    pub path: &'a str,
    /// Lowest and highest value tried.
    pub range: Option<(f64, f64)>,
    /// The outcome.
    pub outcome: Outcome,
    /// The value it should reach.
    pub target: f64,
}

/// The value of the goal's field at which its outcome reaches its target.
pub fn seek(
    spec: &ScenarioSpec,
    goal: &Goal,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Sought, SeekError> {
    let Goal { path, range, outcome, target } = *goal;
    let resolved = fields::resolve(spec, path).map_err(|e| SeekError::Request(e.to_string()))?;
    let f = resolved.spec_field();
    let prior = match fields::get(spec, &resolved) {
        Some(fields::Value::Param(Param::Dist(d))) => Some(d),
        _ => None,
    };
    let (lo, hi) = match range {
        Some(r) => r,
        None => {
            let lo = if f.min_open { f.min + (f.max.min(1.0) - f.min) * 1e-6 } else { f.min };
            let hi = if f.max.is_finite() && f.max <= 1e6 {
                f.max
            } else {
                prior.as_ref().map_or(f.max.min(1e6), |d| d.quantile(0.999).max(lo) * 4.0)
            };
            (lo, hi)
        }
    };
    if lo.is_nan() || hi.is_nan() || lo >= hi {
        return Err(SeekError::Request(format!("the range {lo} to {hi} is empty")));
    }
    let axis = Axis::new(spec, path, lo, hi, 2).map_err(SeekError::Request)?;
    let sweep = Sweep { x: axis, y: None };
    {
        let sc = sweep.scenario_at(spec, (lo, None))?;
        outcome.check(&sc).map_err(SeekError::Request)?;
    }
    let outcome_label = outcome.describe(&sweep.scenario_at(spec, (lo, None))?);
    let runs = std::sync::Mutex::new(Vec::<Run>::new());
    let evaluate = |x: f64| -> Result<Run, SeekError> {
        let sc = sweep.scenario_at(spec, (x, None))?;
        let reps = super::replications(&sc, opts, &|_, _| {}, cancel)?;
        let values: Vec<f64> = reps.iter().filter_map(|r| outcome.value(r)).collect();
        let mean = mean_defined(values.iter().map(|v| Some(*v))).unwrap_or(f64::NAN);
        let n = values.len() as f64;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
        let run = Run { x, outcome: mean, se: sd / n.max(1.0).sqrt() };
        let mut all = runs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        all.push(run);
        progress((all.len() as f64 / MAX_RUNS as f64).min(0.99));
        Ok(run)
    };
    let (mut a, mut b) = (evaluate(lo)?, evaluate(hi)?);
    let side = |r: &Run| (r.outcome - target).signum();
    let mut value = None;
    let mut se = None;
    let mut best = None;
    if !a.outcome.is_finite() || !b.outcome.is_finite() {
        return Err(SeekError::Request(format!("{outcome_label} is undefined at an end of the range")));
    }
    if side(&a) == side(&b) && a.outcome != target && b.outcome != target {
        let closer = if (a.outcome - target).abs() <= (b.outcome - target).abs() { a } else { b };
        best = Some(closer);
    } else {
        let width = (hi - lo) * 1e-4;
        for _ in 2..MAX_RUNS {
            // The crossing by interpolation between the bracket's ends, and its
            // Monte Carlo uncertainty from the outcome's standard error and the slope.
            let slope = (b.outcome - a.outcome) / (b.x - a.x);
            let x = if slope != 0.0 { a.x + (target - a.outcome) / slope } else { 0.5 * (a.x + b.x) };
            let x_se = if slope != 0.0 { 0.5 * (a.se + b.se) / slope.abs() } else { f64::INFINITY };
            value = Some(x.clamp(a.x.min(b.x), a.x.max(b.x)));
            se = Some(x_se);
            if (b.x - a.x).abs() <= width.max(x_se) {
                break;
            }
            let m = evaluate(0.5 * (a.x + b.x))?;
            if side(&m) == side(&a) {
                a = m;
            } else {
                b = m;
            }
        }
    }
    let mut runs = runs.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    runs.sort_by(|p, q| p.x.total_cmp(&q.x));
    let placement = match (value, &prior) {
        (Some(x), Some(d)) => Some(place(x, d, &|v| f.show(v, &spec.store.currency))),
        _ => None,
    };
    progress(1.0);
    Ok(Sought {
        label: resolved.label(spec),
        path: resolved.canonical(),
        outcome_label,
        target,
        range: (lo, hi),
        value,
        se,
        best,
        placement,
        runs,
    })
}

/// Where `x` lies in `d`: its quantile, and in words.
pub fn place(x: f64, d: &Dist, show: &dyn Fn(f64) -> String) -> Placement {
    let q = d.cdf(x).clamp(0.0, 1.0);
    let pct = |p: f64| crate::format::percent(p, 1);
    let text = if q >= 1.0 {
        format!(
            "above anything it assumes (its highest value is {}): impossible under its assumptions",
            show(d.quantile(1.0))
        )
    } else if q <= 0.0 {
        format!(
            "below anything it assumes (its lowest value is {}): impossible under its assumptions",
            show(d.quantile(0.0))
        )
    } else if q >= 0.99 {
        format!("above its P99 ({}): about {} likely", show(d.quantile(0.99)), pct(1.0 - q))
    } else if q <= 0.01 {
        format!("below its P1 ({}): about {} likely", show(d.quantile(0.01)), pct(q))
    } else {
        format!("at its P{:.0}: {} of the assumed worlds lie below it", q * 100.0, pct(q))
    };
    Placement { quantile: q, text }
}
