//! Precision targets: run replications in fixed batches, in index order, until one
//! metric's mean is known to a given half-width at 95% for every strategy, or the
//! scenario's replications run out.
//!
//! The half-width is Student's t (n - 1 degrees of freedom) times the standard error
//! of the mean across replications, the uncertainty of the reported mean. Batches
//! are fixed ([`BATCH`] replications, the first [`FIRST`]), so where a run stops
//! depends only on the scenario, its seed and the target: never on threads or timing.

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::engine::{Progress, RepCounts, RunError, RunOptions};
use crate::model::Scenario;
use crate::report::{Metric, Replication, replication};
use crate::stats::interval::t95;

/// Replications before the first check (fewer make Student's t interval itself
/// unreliable).
pub const FIRST: u32 = 10;
/// Replications between checks.
pub const BATCH: u32 = 10;

/// A target: `metric`'s mean known to +/- `half_width` at 95% for every strategy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The metric.
    pub metric: Metric,
    /// The half-width, in the metric's unit (0.005 = half a point of a rate or lift).
    pub half_width: f64,
}

impl Target {
    /// Parses `METRIC=HALF_WIDTH` (`rpv_lift=0.005`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let (m, w) = s.split_once('=').ok_or("write METRIC=HALF_WIDTH, e.g. rpv_lift=0.005")?;
        let metric = Metric::from_name(m.trim()).ok_or_else(|| {
            let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
            format!("no metric `{}`; use one of: {}", crate::format::excerpt(m, 40), names.join(", "))
        })?;
        let half_width: f64 =
            w.trim().parse().map_err(|_| format!("`{}` is not a number", crate::format::excerpt(w, 40)))?;
        if !(half_width.is_finite() && half_width > 0.0) {
            return Err(format!("the half-width must be a number above 0 (got {})", crate::format::excerpt(w, 40)));
        }
        Ok(Self { metric, half_width })
    }
}

/// A half-width in the metric's unit, precise enough to compare with a target:
/// points for rates and lifts (`0.24 points`), money with a decimal more than usual.
pub fn show(metric: Metric, x: f64, currency: &str) -> String {
    use crate::report::metric::MetricUnit;
    match metric.unit() {
        MetricUnit::Rate | MetricUnit::PerThousand | MetricUnit::Relative => format!("{:.3} points", x * 100.0),
        MetricUnit::Money => crate::format::money(x, currency, 3),
        MetricUnit::MoneyPerVisitor => crate::format::money(x, currency, 4),
        MetricUnit::MoneyPerYear => crate::format::money(x, currency, 0),
        MetricUnit::Ratio => format!("{x:.3}x"),
        MetricUnit::Months => format!("{x:.2} months"),
    }
}

/// The widest 95% half-width of `metric`'s mean over the strategies where it is
/// defined, with that strategy's index; infinite with fewer than two replications.
pub fn widest(reps: &[Replication], metric: Metric) -> Option<(usize, f64)> {
    let n_s = reps.first()?.strategies.len();
    (0..n_s)
        .filter_map(|k| {
            let v: Vec<f64> = reps.iter().filter_map(|r| metric.estimate(&r.strategies[k])).map(|e| e.value).collect();
            if v.is_empty() {
                return None;
            }
            Some((k, half_width(&v)))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Student's t 95% half-width of the mean of `v`.
pub fn half_width(v: &[f64]) -> f64 {
    let n = v.len();
    match crate::stats::variance(v) {
        Some(var) => t95((n - 1) as f64) * (var / n as f64).sqrt(),
        None => f64::INFINITY,
    }
}

/// One check of the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Replications so far.
    pub replications: u32,
    /// The widest half-width then.
    pub half_width: f64,
}

/// How a run with a target ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reached {
    /// The target.
    pub target: Target,
    /// Whether it was met (else the scenario's replications ran out first).
    pub met: bool,
    /// Replications run.
    pub replications: u32,
    /// The widest half-width at the end, and the strategy with it.
    pub half_width: f64,
    /// That strategy's name.
    pub widest_strategy: String,
    /// Every check, in order.
    pub checks: Vec<Check>,
}

/// Runs `sc` in batches until `target` is met or its replications run out.
/// `progress` hears each replication with counts over the scenario's maximum.
pub fn run(
    sc: &Scenario,
    target: Target,
    opts: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<(Vec<RepCounts>, Reached), RunError> {
    let max = sc.replications();
    let (mut tallies, mut metrics) = (Vec::new(), Vec::new());
    let mut checks = Vec::new();
    let mut done = 0;
    loop {
        let end = if done == 0 { FIRST.min(max) } else { (done + BATCH).min(max) };
        let base = done;
        let batch = RunOptions { replications: Some(done..end), ..opts.clone() };
        let out = crate::engine::run(
            sc,
            &batch,
            &|p: Progress| progress(Progress { done: base + p.done, total: max, ..p }),
            cancel,
        )?;
        metrics.extend(out.replications.iter().map(|r| replication(sc, r)));
        tallies.extend(out.replications);
        done = end;
        let (k, w) = widest(&metrics, target.metric).unwrap_or((sc.holdout, f64::INFINITY));
        checks.push(Check { replications: done, half_width: w });
        let met = w <= target.half_width;
        if met || done >= max {
            let reached = Reached {
                target,
                met,
                replications: done,
                half_width: w,
                widest_strategy: sc.strategies.get(k).map_or_else(String::new, |s| s.name().to_string()),
                checks,
            };
            return Ok((tallies, reached));
        }
    }
}

/// How a run with a precision target ended, in a sentence.
pub fn sentence(currency: &str, p: &Reached) -> String {
    let m = p.target.metric;
    let cur = currency;
    let w = |x: f64| show(m, x, cur);
    if p.met {
        format!(
            "Precision target met after {} replications: every strategy's mean {} is known to +/- {} at 95% \
             (target +/- {}; widest: {}).",
            p.replications,
            m.label(),
            w(p.half_width),
            w(p.target.half_width),
            crate::format::printable(&p.widest_strategy)
        )
    } else {
        format!(
            "Precision target not met: after all {} replications {}'s mean {} is known to +/- {} at 95% (target \
             +/- {}); raise the replications or loosen the target.",
            p.replications,
            crate::format::printable(&p.widest_strategy),
            m.label(),
            w(p.half_width),
            w(p.target.half_width)
        )
    }
}
