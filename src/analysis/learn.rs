//! Learning from a finished holdout test (MODEL.md rule 23): the posterior of the
//! scenario's uncertain inputs is the prior weighted by the likelihood of what the
//! test observed in each drawn world.
//!
//! Each world is a replication of the scenario: its uncertain inputs drawn from the
//! prior, every strategy simulated on its visitors. The world's expected conversion
//! and AOV in the holdout and in the tested strategy are taken from that simulation,
//! with its sampling error, and the test's observations (each arm's conversion and
//! AOV) are normal around them with the test's own sampling error added:
//!
//! ```text
//! log L(world) = -1/2 sum over observations of (observed - world's)^2 / v + ln v,
//! v = the test's variance under the world + the simulation's variance.
//! ```
//!
//! The weights are the likelihoods; the effective number of worlds is (sum w)^2 / sum
//! w^2. When too few worlds carry the weight, more are drawn; when still too few
//! explain the test, the result says that the test contradicts the scenario and which
//! observation does not fit, instead of a posterior carried by a handful of worlds.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::engine::{RunError, RunOptions};
use crate::import::test_results::ArmDay;
use crate::model::{Dist, Param, Scenario, ScenarioSpec, fields};
use crate::report::{Metric, Replication};

/// Fewest effective worlds a posterior may rest on.
pub const MIN_EFFECTIVE_WORLDS: f64 = 30.0;
/// Most worlds drawn when too few explain the test (the first draw's multiple).
pub const MAX_GROWTH: u32 = 4;
/// An observation with a prior predictive z-score beyond this does not fit.
pub const MISFIT_Z: f64 = 3.0;

/// A world's predictions of the four arm observations ([`predictions`]).
type ArmPredictions = Option<[(f64, f64, f64); 4]>;

/// A world's prediction of an observation: its mean and the observation's variance
/// around it (the test's and the simulation's), where defined.
type Prediction = Option<(f64, f64)>;

/// What a finished test observed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observed {
    /// The holdout arm's totals.
    pub holdout: ArmDay,
    /// The treatment arm's totals.
    pub treatment: ArmDay,
    /// The strategy the treatment arm ran (index into the scenario's strategies).
    pub strategy: usize,
    /// Where the test came from and when ("results.csv, 2026-11-01 to 2026-11-21").
    pub source: String,
}

impl Observed {
    /// A test's results (days summed) as run by strategy `strategy`, its source named
    /// by the file and its first and last days.
    pub fn from_daily(daily: &crate::import::test_results::Daily, strategy: usize) -> Self {
        let (holdout, treatment) = daily.totals();
        let dates = match (daily.days.first(), daily.days.last()) {
            (Some(f), Some(l)) if f.date != l.date => format!("{} to {}", f.date, l.date),
            (Some(f), _) => f.date.clone(),
            _ => "no days".into(),
        };
        let source = format!("{}, {dates}", crate::import::file_name(&daily.file));
        Observed { holdout, treatment, strategy, source }
    }
}

/// How the prior is drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Worlds drawn from the prior (more are drawn when too few explain the test).
    pub worlds: u32,
    /// Visitors simulated per world.
    pub visitors: u64,
}

/// One observation, how the prior predicted it and how well the posterior fits it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// "Holdout conversion", "AOV-optimized AOV".
    pub label: String,
    /// The test's value.
    pub observed: f64,
    /// Its standard error in the test.
    pub se: f64,
    /// The prior's mean prediction and its spread (sd over worlds).
    pub prior_mean: f64,
    /// The prior's spread of the prediction (sd over worlds, with the test's noise).
    pub prior_sd: f64,
    /// (observed - prior mean) / prior sd.
    pub z: f64,
    /// The posterior's mean prediction.
    pub posterior_mean: f64,
}

/// An input's prior and posterior.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputPosterior {
    /// Canonical path.
    pub path: String,
    /// The path for people.
    pub label: String,
    /// Prior median, P5, P95 (of the worlds drawn).
    pub prior: [f64; 3],
    /// Posterior median, P5, P95 (the worlds weighted).
    pub posterior: [f64; 3],
    /// The posterior fitted as a distribution, for the updated scenario.
    pub fitted: Dist,
    /// Histogram edges (25 equal bins over the worlds' range).
    pub edges: Vec<f64>,
    /// The prior's and the posterior's share in each bin.
    pub prior_bins: Vec<f64>,
    /// The posterior's share in each bin.
    pub posterior_bins: Vec<f64>,
}

/// The decision among the scenario's strategies on the annual GMV impact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The best strategy by expected impact.
    pub best: String,
    /// Its expected impact.
    pub expected_impact: f64,
    /// The probability that it is the best (share of the weight of worlds).
    pub probability_best: f64,
    /// The expected value of perfect information, a year.
    pub evpi: f64,
}

/// The value of running the same test again, on the posterior (a preposterior
/// analysis): each world, weighted by the posterior, yields a measured revenue lift
/// with the test's precision; the decision made on it is worth
/// E[max over strategies of E[impact | measured]] - max over strategies of E[impact].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    /// The expected value of the follow-up's information, a year (EVSI).
    pub evsi: f64,
    /// The revenue its holdout would forgo (its visitors x the expected gain in
    /// revenue per visitor).
    pub forgone: f64,
    /// The standard error of the log revenue lift such a test measures.
    pub se: f64,
}

impl FollowUp {
    /// Whether its information is worth more than what its holdout forgoes.
    pub fn worth_running(&self) -> bool {
        self.evsi > self.forgone
    }
}

/// What the test taught.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Learned {
    /// Worlds drawn.
    pub worlds: u32,
    /// The effective number of worlds behind the posterior.
    pub effective_worlds: f64,
    /// Whether the test contradicts the scenario (too few worlds explain it).
    pub contradicts: bool,
    /// The observations, worst fit first when the test contradicts the scenario.
    pub observations: Vec<Observation>,
    /// Every uncertain input, largest move first.
    pub inputs: Vec<InputPosterior>,
    /// The decision before the test.
    pub before: Decision,
    /// The decision after it.
    pub after: Decision,
    /// Whether the same test run again would still be worth it, after this one.
    pub follow_up: Option<FollowUp>,
    /// Where the test came from.
    pub source: String,
    /// The strategy tested.
    pub strategy: String,
    /// Each world's weight (normalised), for further analysis.
    #[serde(skip)]
    pub weights: Vec<f64>,
}

/// Why learning gave no result.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    /// The request does not fit the scenario.
    #[error("{0}")]
    Request(String),
    /// The engine stopped.
    #[error(transparent)]
    Run(#[from] RunError),
}

/// One world's prediction of the test's observations: (mean, simulation variance,
/// the test's variance per unit) for each arm's conversion and AOV.
fn predictions(r: &Replication, h: usize, k: usize) -> Option<[(f64, f64, f64); 4]> {
    let arm = |i: usize| -> Option<[(f64, f64, f64); 2]> {
        let s = r.strategies.get(i)?;
        let c = s.levels.conversion_rate?;
        let a = s.levels.aov?;
        // Per-order variance of the order value in this world: se^2 x orders.
        let orders = c.value * r.visitors as f64;
        Some([(c.value, c.se * c.se, c.value * (1.0 - c.value)), (a.value, a.se * a.se, a.se * a.se * orders)])
    };
    let [hc, ha] = arm(h)?;
    let [tc, ta] = arm(k)?;
    Some([hc, ha, tc, ta])
}

/// The test's observations: each arm's conversion and AOV with the number of units
/// each is a mean over (visitors, orders) and, where the file gives the revenue's sum
/// of squares, the per-order variance of order values.
fn observations(o: &Observed) -> [(f64, f64, Option<f64>); 4] {
    let arm = |a: &ArmDay| {
        let n = a.visitors as f64;
        let orders = a.orders as f64;
        let aov = if orders > 0.0 { a.revenue / orders } else { f64::NAN };
        let var = a
            .revenue_sq
            .filter(|_| orders > 1.0)
            .map(|s| ((s / orders - aov * aov) * orders / (orders - 1.0)).max(0.0));
        [(if n > 0.0 { orders / n } else { f64::NAN }, n, None), (aov, orders, var)]
    };
    let [hc, ha] = arm(&o.holdout);
    let [tc, ta] = arm(&o.treatment);
    [hc, ha, tc, ta]
}

/// The acceptance rates a world predicts for the tested strategy's surfaces (cart
/// suggestions, tier prompt, confirmation-page offers): (rate, simulation variance).
fn acceptance(r: &Replication, k: usize) -> [Option<(f64, f64)>; 3] {
    Metric::ACCEPTANCE.map(|m| {
        let e = r.strategies.get(k).and_then(|s| m.estimate(s))?;
        Some((e.value, e.se * e.se))
    })
}

/// Each world's log-likelihood of the observations (0 for a test without visitors):
/// each arm's conversion and AOV, and the treatment's offer logs where given.
fn log_likelihoods(reps: &[Replication], h: usize, o: &Observed) -> Vec<f64> {
    let obs = observations(o);
    reps.iter()
        .map(|r| {
            let Some(pred) = predictions(r, h, o.strategy) else { return f64::NEG_INFINITY };
            let mut ll = 0.0;
            let mut add = |x: f64, mu: f64, v: f64| {
                if v > 0.0 {
                    ll -= 0.5 * ((x - mu).powi(2) / v + v.ln());
                }
            };
            for ((x, units, var), (mu, sim, per_unit)) in obs.iter().zip(pred) {
                if *units < 1.0 || !x.is_finite() {
                    continue; // no visitors (or no orders): nothing observed
                }
                add(*x, mu, var.unwrap_or(per_unit) / units + sim);
            }
            for (logged, predicted) in o.treatment.offers.iter().zip(acceptance(r, o.strategy)) {
                let (Some((shown, accepted)), Some((p, sim))) = (logged, predicted) else { continue };
                if *shown > 0 {
                    let n = *shown as f64;
                    add(*accepted as f64 / n, p, p * (1.0 - p) / n + sim);
                }
            }
            ll
        })
        .collect()
}

fn normalised(ll: &[f64]) -> Vec<f64> {
    let top = ll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return vec![1.0 / ll.len().max(1) as f64; ll.len()];
    }
    let w: Vec<f64> = ll.iter().map(|l| (l - top).exp()).collect();
    let s: f64 = w.iter().sum();
    w.into_iter().map(|x| x / s).collect()
}

/// (sum w)^2 / sum w^2 of normalised weights.
pub fn effective_worlds(w: &[f64]) -> f64 {
    let s2: f64 = w.iter().map(|x| x * x).sum();
    if s2 > 0.0 { 1.0 / s2 } else { 0.0 }
}

/// The weighted quantile `q` of `x`.
pub fn weighted_quantile(x: &[f64], w: &[f64], q: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = x.iter().copied().zip(w.iter().copied()).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|p| p.1).sum();
    let mut acc = 0.0;
    for (xi, wi) in &v {
        acc += wi;
        if acc >= q * total {
            return *xi;
        }
    }
    v.last().map_or(f64::NAN, |p| p.0)
}

/// Strategy `k`'s annual GMV impact in world `r` (0 for the holdout, or undefined).
fn impact(sc: &Scenario, r: &Replication, k: usize) -> f64 {
    if k == sc.holdout { 0.0 } else { Metric::AnnualGmvImpact.estimate(&r.strategies[k]).map_or(0.0, |e| e.value) }
}

fn decision(sc: &Scenario, reps: &[Replication], w: &[f64]) -> Decision {
    let n = sc.strategies.len();
    let impact = |r: &Replication, k: usize| impact(sc, r, k);
    let expected: Vec<f64> = (0..n).map(|k| reps.iter().zip(w).map(|(r, wi)| wi * impact(r, k)).sum()).collect();
    let best = (0..n).max_by(|&a, &b| expected[a].total_cmp(&expected[b])).unwrap_or(sc.holdout);
    let mut p_best = 0.0;
    let mut perfect = 0.0;
    for (r, wi) in reps.iter().zip(w) {
        let top = (0..n).max_by(|&a, &b| impact(r, a).total_cmp(&impact(r, b))).unwrap_or(sc.holdout);
        if top == best {
            p_best += wi;
        }
        perfect += wi * impact(r, top);
    }
    Decision {
        best: sc.strategies[best].name.clone(),
        expected_impact: expected[best],
        probability_best: p_best,
        evpi: (perfect - expected[best]).max(0.0),
    }
}

/// A distribution fitted to weighted draws by their moments: a beta on the field's
/// range for shares (inputs in [0, 1]), a log-normal where the prior was one, else a
/// normal.
fn fit(x: &[f64], w: &[f64], prior: &Dist, lo: f64, hi: f64) -> Dist {
    let mean: f64 = x.iter().zip(w).map(|(a, b)| a * b).sum();
    let var: f64 = x.iter().zip(w).map(|(a, b)| b * (a - mean).powi(2)).sum::<f64>().max(1e-18);
    let round = |v: f64| crate::format::round_significant(v, 4);
    if let Dist::Lognormal { .. } = prior
        && x.iter().all(|v| *v > 0.0)
    {
        let ml: f64 = x.iter().zip(w).map(|(a, b)| b * a.ln()).sum();
        let vl: f64 = x.iter().zip(w).map(|(a, b)| b * (a.ln() - ml).powi(2)).sum::<f64>();
        return Dist::Lognormal { median: round(ml.exp()), sigma: round(vl.sqrt().max(1e-6)) };
    }
    if lo == 0.0 && hi == 1.0 && mean > 0.0 && mean < 1.0 {
        let common = mean * (1.0 - mean) / var - 1.0;
        if common > 0.0 {
            return Dist::Beta { alpha: round(mean * common), beta: round((1.0 - mean) * common), min: 0.0, max: 1.0 };
        }
    }
    Dist::Normal { mean: round(mean), sd: round(var.sqrt()) }
}

/// The prior's worlds, drawn and simulated once: each replication's uncertain inputs
/// and every strategy's metrics in it.
pub struct Prior {
    /// The scenario as simulated (its replications are the worlds).
    pub scenario: Scenario,
    /// Each world's metrics.
    pub worlds: Vec<Replication>,
    /// Each world's uncertain inputs, in [`Scenario::uncertain_inputs`] order.
    pub draws: Vec<Vec<f64>>,
}

impl Prior {
    /// Draws `worlds` worlds of `sc`, `visitors` visitors each.
    pub fn draw(
        sc: &Scenario,
        worlds: u32,
        visitors: u64,
        opts: &RunOptions,
        progress: &(dyn Fn(u32, u32) + Sync),
        cancel: &AtomicBool,
    ) -> Result<Prior, RunError> {
        let mut world = sc.clone();
        world.store.visitors = visitors;
        world.store.replications = worlds;
        let reps = super::replications(&world, opts, progress, cancel)?;
        let draws = reps.iter().map(|r| crate::engine::world::drawn_inputs(&world, r.index)).collect();
        Ok(Prior { scenario: world, worlds: reps, draws })
    }

    /// Each world's normalised weight given the test.
    pub fn weights(&self, observed: &Observed) -> Vec<f64> {
        normalised(&log_likelihoods(&self.worlds, self.scenario.holdout, observed))
    }

    /// What the test teaches, with these worlds (see [`learn`], which draws more when
    /// too few explain it).
    pub fn posterior(&self, spec: &ScenarioSpec, observed: &Observed) -> Learned {
        let sc = &self.scenario;
        let reps = &self.worlds;
        let w = self.weights(observed);
        let ess = effective_worlds(&w);
        let contradicts = ess < MIN_EFFECTIVE_WORLDS;
        let even = vec![1.0 / reps.len().max(1) as f64; reps.len()];
        // The observations against the prior's and the posterior's predictions.
        let obs = observations(observed);
        let preds: Vec<ArmPredictions> = reps.iter().map(|r| predictions(r, sc.holdout, observed.strategy)).collect();
        let name = |k: usize| sc.strategies[k].name.clone();
        let labels = [
            format!("{} conversion", name(sc.holdout)),
            format!("{} AOV", name(sc.holdout)),
            format!("{} conversion", name(observed.strategy)),
            format!("{} AOV", name(observed.strategy)),
        ];
        // Each observation with, per world, the prediction and the variance of the
        // observation around it.
        let mut entries: Vec<(String, f64, Vec<Prediction>)> = Vec::new();
        for (i, label) in labels.into_iter().enumerate() {
            let (x, units, var) = obs[i];
            if units < 1.0 || !x.is_finite() {
                continue;
            }
            let per_world = preds.iter().map(|p| p.map(|p| (p[i].0, var.unwrap_or(p[i].2) / units + p[i].1))).collect();
            entries.push((label, x, per_world));
        }
        let surfaces = ["cart-suggestion acceptance", "tier-prompt acceptance", "confirmation-page acceptance"];
        for (j, logged) in observed.treatment.offers.iter().enumerate() {
            let Some((shown, accepted)) = *logged else { continue };
            if shown == 0 {
                continue;
            }
            let n = shown as f64;
            let per_world = reps
                .iter()
                .map(|r| acceptance(r, observed.strategy)[j].map(|(p, sim)| (p, p * (1.0 - p) / n + sim)))
                .collect();
            entries.push((format!("{} {}", name(observed.strategy), surfaces[j]), accepted as f64 / n, per_world));
        }
        let mut observations: Vec<Observation> = Vec::new();
        for (label, x, per_world) in entries {
            let mu: Vec<(f64, f64, f64)> =
                per_world.iter().zip(&w).filter_map(|(p, wi)| p.map(|(m, v)| (m, v, *wi))).collect();
            let mean = |post: bool| -> f64 {
                let (s, t) = mu.iter().fold((0.0, 0.0), |(s, t), (m, _, wi)| {
                    let wt = if post { *wi } else { 1.0 };
                    (s + m * wt, t + wt)
                });
                if t > 0.0 { s / t } else { f64::NAN }
            };
            let prior_mean = mean(false);
            let prior_sd =
                (mu.iter().map(|(m, v, _)| (m - prior_mean).powi(2) + v).sum::<f64>() / mu.len().max(1) as f64).sqrt();
            let se = (mu.iter().map(|(_, v, _)| *v).sum::<f64>() / mu.len().max(1) as f64).sqrt();
            observations.push(Observation {
                label,
                observed: x,
                se,
                prior_mean,
                prior_sd,
                z: if prior_sd > 0.0 { (x - prior_mean) / prior_sd } else { 0.0 },
                posterior_mean: mean(true),
            });
        }
        if contradicts {
            observations.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()));
        }
        // Every uncertain input, prior and posterior.
        let mut inputs = Vec::new();
        for (j, (path, input)) in sc.uncertain_inputs().into_iter().enumerate() {
            let Param::Dist(prior) = &input.param else { continue };
            if !informs(sc, observed.strategy, path, input.field) {
                continue;
            }
            let x: Vec<f64> = self.draws.iter().map(|d| d[j]).collect();
            let q = |ws: &[f64]| [0.5, 0.05, 0.95].map(|p| weighted_quantile(&x, ws, p));
            let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
            let bins = 25;
            let width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
            let hist = |ws: &[f64]| {
                let mut h = vec![0.0; bins];
                for (v, wi) in x.iter().zip(ws) {
                    h[(((v - lo) / width) as usize).min(bins - 1)] += wi;
                }
                h
            };
            inputs.push(InputPosterior {
                label: fields::resolve(spec, path).map_or_else(|_| path.to_string(), |p| p.label(spec)),
                path: path.to_string(),
                prior: q(&even),
                posterior: q(&w),
                fitted: fit(&x, &w, prior, input.lo, input.hi),
                edges: (0..=bins).map(|i| lo + width * i as f64).collect(),
                prior_bins: hist(&even),
                posterior_bins: hist(&w),
            });
        }
        // Largest move first: the posterior median's shift in prior P5-P95 widths.
        let moved = |i: &InputPosterior| (i.posterior[0] - i.prior[0]).abs() / (i.prior[2] - i.prior[1]).max(1e-12);
        inputs.sort_by(|a, b| moved(b).total_cmp(&moved(a)));
        Learned {
            worlds: reps.len() as u32,
            effective_worlds: ess,
            contradicts,
            observations,
            inputs,
            follow_up: (!contradicts).then(|| follow_up(sc, reps, &w, observed, &preds)).flatten(),
            before: decision(sc, reps, &even),
            after: decision(sc, reps, &w),
            source: observed.source.clone(),
            strategy: name(observed.strategy),
            weights: w,
        }
    }
}

/// The same test again, valued on the posterior `w` (see [`FollowUp`]). Its precision
/// is the finished test's: the log revenue lift's variance is that of the arms'
/// conversions and AOVs, each relative to its mean (weighted over worlds).
fn follow_up(
    sc: &Scenario,
    reps: &[Replication],
    w: &[f64],
    observed: &Observed,
    preds: &[ArmPredictions],
) -> Option<FollowUp> {
    let obs = observations(observed);
    let mut var = 0.0;
    for (i, (_, units, v)) in obs.iter().enumerate() {
        if *units < 1.0 {
            return None;
        }
        let (mut s, mut t) = (0.0, 0.0);
        for (p, wi) in preds.iter().zip(w) {
            let Some(p) = p else { continue };
            let (mean, per_unit) = (p[i].0, v.unwrap_or(p[i].2));
            if mean > 0.0 {
                s += wi * per_unit / units / (mean * mean);
                t += wi;
            }
        }
        if t > 0.0 {
            var += s / t;
        }
    }
    let se = var.sqrt();
    let k = observed.strategy;
    let impact = |r: &Replication, j: usize| impact(sc, r, j);
    let lift = |r: &Replication| Metric::RpvLift.estimate(&r.strategies[k]).map(|e| (1.0 + e.value).max(1e-9).ln());
    let lifts: Vec<Option<f64>> = reps.iter().map(lift).collect();
    let n = sc.strategies.len();
    let expected: Vec<f64> = (0..n).map(|j| reps.iter().zip(w).map(|(r, wi)| wi * impact(r, j)).sum()).collect();
    let now = expected.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if se.is_nan() || se <= 0.0 {
        return None;
    }
    // Each world's measured lift: its true log lift plus the test's noise, drawn from
    // a stream of its own (seeded by the scenario's seed), so the figure is repeatable.
    use rand::SeedableRng;
    use rand_distr::Distribution;
    let mut rng = rand::rngs::StdRng::seed_from_u64(sc.seed() ^ 0x5EED_F011);
    let normal = rand_distr::StandardNormal;
    let mut value = 0.0;
    for (li, wi) in lifts.iter().zip(w) {
        let Some(li) = li else { continue };
        let z: f64 = normal.sample(&mut rng);
        let y = li + se * z;
        // The posterior given y: each world's weight times the likelihood of y.
        let post: Vec<f64> = lifts
            .iter()
            .zip(w)
            .map(|(lj, wj)| lj.map_or(0.0, |lj| wj * (-0.5 * ((y - lj) / se).powi(2)).exp()))
            .collect();
        let total: f64 = post.iter().sum();
        if total <= 0.0 {
            continue;
        }
        let best = (0..n)
            .map(|j| reps.iter().zip(&post).map(|(r, pj)| pj * impact(r, j)).sum::<f64>() / total)
            .fold(f64::NEG_INFINITY, f64::max);
        value += wi * best;
    }
    let gain: f64 = reps
        .iter()
        .zip(w)
        .filter_map(|(r, wi)| {
            let t = Metric::RevenuePerVisitor.estimate(&r.strategies[k])?.value;
            let h = Metric::RevenuePerVisitor.estimate(&r.strategies[sc.holdout])?.value;
            Some(wi * (t - h))
        })
        .sum();
    Some(FollowUp { evsi: (value - now).max(0.0), forgone: observed.holdout.visitors as f64 * gain, se })
}

/// Whether the test of strategy `k` against the holdout can inform the input at
/// `path`: not what only net figures or margins depend on (returns, handling, perks,
/// shipping costs: the test measures revenue and orders), nor another strategy's
/// levers. Their posterior would be the prior with the importance weights' noise, so
/// they keep their prior.
pub fn informs(sc: &Scenario, k: usize, path: &str, field: crate::model::FieldId) -> bool {
    if Scenario::net_only(field) || Scenario::margin_only(field) {
        return false;
    }
    match path.strip_prefix("strategies[").and_then(|r| r.split(']').next()).and_then(|i| i.parse::<usize>().ok()) {
        Some(i) => i == k || i == sc.holdout,
        None => true,
    }
}

/// Learns from the test: draws the prior's worlds (more, up to [`MAX_GROWTH`] times
/// as many, while fewer than [`MIN_EFFECTIVE_WORLDS`] explain it), weights them by the
/// test's likelihood and summarises.
pub fn learn(
    spec: &ScenarioSpec,
    observed: &Observed,
    settings: &Settings,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Learned, LearnError> {
    let sc = Scenario::from_spec(spec.clone())
        .map_err(|e| LearnError::Request(e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    if observed.strategy >= sc.strategies.len() || observed.strategy == sc.holdout {
        return Err(LearnError::Request("the treatment arm must run a strategy other than the holdout".into()));
    }
    if sc.uncertain_inputs().is_empty() {
        return Err(LearnError::Request(
            "the scenario has no uncertain input: there is nothing for a test to update".into(),
        ));
    }
    let mut worlds = settings.worlds.max(10);
    let most = worlds.saturating_mul(MAX_GROWTH);
    loop {
        let share = f64::from(worlds) / f64::from(most);
        let prior = Prior::draw(
            &sc,
            worlds,
            settings.visitors,
            opts,
            &|d, t| progress(share * f64::from(d) / f64::from(t)),
            cancel,
        )?;
        if effective_worlds(&prior.weights(observed)) >= MIN_EFFECTIVE_WORLDS || worlds >= most {
            progress(1.0);
            return Ok(prior.posterior(spec, observed));
        }
        worlds = (worlds * 2).min(most);
    }
}

/// The scenario with every learned input replaced by its fitted posterior, or `None`
/// when the test contradicts the scenario (nothing to write).
pub fn updated_spec(spec: &ScenarioSpec, l: &Learned) -> Option<ScenarioSpec> {
    if l.contradicts {
        return None;
    }
    let mut out = spec.clone();
    for i in &l.inputs {
        let path = fields::resolve(&out, &i.path).ok()?;
        fields::set(&mut out, &path, fields::Value::Param(Param::Dist(i.fitted.clone()))).ok()?;
    }
    Some(out)
}
