//! How often each reported within-replication interval holds the value it estimates.
//!
//! With every uncertain input fixed at its mean, replications are independent draws
//! of the same world, so the mean of a metric over many replications stands in for
//! its true value; a 95% interval should hold it in about 95% of replications. This
//! is the measurement behind docs/model.md, "Intervals within a replication", and
//! tests/coverage.rs.

use crate::engine::{RunError, RunOptions};
use crate::model::edit::Edit;
use crate::model::fields::{self, Kind, Value};
use crate::model::{FieldError, Param, Scenario, ScenarioSpec};
use crate::report::Metric;

/// The scenario with every uncertain input (drawn once per replication) fixed at its
/// mean; per-shopper distributions stay as they are.
pub fn fixed_inputs(spec: &ScenarioSpec) -> Result<Scenario, Vec<FieldError>> {
    Scenario::from_spec(fixed_spec(spec))
}

/// The file form of [`fixed_inputs`].
pub fn fixed_spec(spec: &ScenarioSpec) -> ScenarioSpec {
    let mut fixed = spec.clone();
    let edits: Vec<Edit> = fields::instances(spec)
        .into_iter()
        .filter(|p| p.spec_field().kind == Kind::Uncertain)
        .filter_map(|p| match fields::get(spec, &p) {
            Some(Value::Param(Param::Dist(d))) => Some(Edit::Set(p, Value::Param(Param::Fixed(d.mean())))),
            _ => None,
        })
        .collect();
    // Every edit sets an existing field to a value in its range (a mean of a
    // distribution on that range); validation below catches anything else.
    let _ = Edit::Batch(edits).apply(&mut fixed);
    fixed
}

/// The ratios to the incremental revenue, whose truth is a ratio of means.
const VENDOR_RATIOS: [Metric; 2] = [Metric::AttributionRatio, Metric::InfluencedRatio];

/// A ratio metric's truth: its numerator's mean (the metric it compares) over the
/// mean incremental revenue per visitor of strategy `k`.
fn ratio_of_means(reps: &[crate::report::Replication], m: Metric, k: usize, holdout: usize) -> f64 {
    let mean_of = |m: Metric, k: usize| {
        let v: Vec<f64> = reps.iter().filter_map(|r| m.estimate(&r.strategies[k])).map(|e| e.value).collect();
        crate::stats::mean(&v).unwrap_or(f64::NAN)
    };
    let rpv = Metric::RevenuePerVisitor;
    m.level_of().map_or(f64::NAN, |a| mean_of(a, k) / (mean_of(rpv, k) - mean_of(rpv, holdout)))
}

/// One metric of one strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The metric.
    pub metric: Metric,
    /// The strategy's name.
    pub strategy: String,
    /// Replications in which the metric is defined.
    pub n: usize,
    /// The metric's mean over those replications (the stand-in for its true value).
    pub mean: f64,
    /// Share of them whose 95% interval holds `mean`.
    pub coverage: f64,
    /// Share whose interval lies wholly below `mean` (the rest of the misses lie
    /// above): an interval that misses mostly on one side is skewed the wrong way.
    pub below: f64,
    /// Mean width of the interval.
    pub mean_width: f64,
    /// The spread of the values across replications over the root mean square of
    /// their standard errors: about 1 where the standard error is right.
    pub spread_ratio: f64,
    /// The mean interval width over twice the root mean square standard error: 1.96
    /// for a normal interval, more for a Student's t or a score interval.
    pub width_ratio: f64,
    /// Whether the metric took one value in every replication (no sampling noise:
    /// a rate of events that cannot happen, a lift that is zero by construction).
    pub exact: bool,
}

/// Runs `sc` and measures every metric's interval coverage per strategy. Give it a
/// scenario from [`fixed_inputs`]: with uncertain inputs, replications differ by more
/// than sampling noise and no within-replication interval should cover their mean.
pub fn measure(sc: &Scenario, opts: &RunOptions) -> Result<Vec<Coverage>, RunError> {
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let reps = super::replications(sc, opts, &|_, _| {}, &cancel)?;
    let mut rows = Vec::new();
    for (k, st) in sc.strategies.iter().enumerate() {
        for m in Metric::ALL {
            if m == Metric::AnnualGmvImpact {
                continue; // the RPV lift times a constant: the same coverage
            }
            let est: Vec<_> = reps.iter().filter_map(|r| m.estimate(&r.strategies[k])).collect();
            // A metric without a within-replication interval (the program cost's
            // variable part) has nothing to measure.
            if est.is_empty() || est.iter().any(|e| e.lo.is_nan()) {
                continue;
            }
            // A ratio to the incremental revenue is undefined where that is not
            // positive: its coverage over the replications where it is defined is
            // selected on the denominator, and says nothing unless it is defined
            // (nearly) everywhere.
            if VENDOR_RATIOS.contains(&m) && est.len() * 100 < reps.len() * 99 {
                continue;
            }
            let n = est.len();
            let values: Vec<f64> = est.iter().map(|e| e.value).collect();
            let mean = match m.unit() {
                // A ratio estimates the ratio of the expectations, which the mean of
                // ratios is not (Jensen): the truth is the ratio of the means.
                _ if VENDOR_RATIOS.contains(&m) => ratio_of_means(&reps, m, k, sc.holdout),
                _ => crate::stats::mean(&values).unwrap_or(f64::NAN),
            };
            let covered = est.iter().filter(|e| e.covers(mean)).count();
            let var = crate::stats::variance(&values).unwrap_or(0.0);
            let ms_se = est.iter().map(|e| e.se * e.se).sum::<f64>() / n as f64;
            rows.push(Coverage {
                metric: m,
                strategy: st.name().to_string(),
                n,
                mean,
                coverage: covered as f64 / n as f64,
                below: est.iter().filter(|e| e.hi < mean).count() as f64 / n as f64,
                mean_width: est.iter().map(|e| e.hi - e.lo).sum::<f64>() / n as f64,
                spread_ratio: if ms_se > 0.0 { (var / ms_se).sqrt() } else { f64::NAN },
                width_ratio: est.iter().map(|e| e.hi - e.lo).sum::<f64>() / n as f64 / (2.0 * ms_se.sqrt()),
                exact: est.iter().all(|e| e.value == est[0].value),
            });
        }
    }
    Ok(rows)
}
