//! What the uncertainty is worth, in currency a year.
//!
//! Replications are draws of the uncertain world. Choosing now means choosing the
//! strategy with the best expected annual impact (the holdout's is 0: keep things as
//! they are). With perfect information one would choose the best strategy in each
//! world; the expected value of perfect information (EVPI) is the difference. Per
//! uncertain input, the partial EVPI is what knowing that input alone would be worth,
//! estimated by Strong and Oakley's (2013) single-input method: sort the worlds by the
//! input, cut them into about sqrt(worlds) bins of neighbours, and average over bins
//! the best strategy's mean impact within each bin. A planned holdout test is worth
//! what choosing after its measurement gains over choosing now, in the same worlds
//! (expected value of sample information), minus the revenue the holdout forgoes.
//! "Choosing after the measurement" uses what the measurement says about the world,
//! as a Bayesian analyst would: the same binning, with the worlds sorted by the lift
//! the test measures in them (Strong, Oakley, Brennan and Breeze's regression
//! approach to EVSI, 2015). Acting on the measured lift alone (the strategy whenever
//! it is positive) is reported beside it; it can do worse than choosing now.
//!
//! The binning reads high: within a bin the best of several means is picked, and a
//! mean carries noise, so even an input that says nothing about the world gets a
//! positive value (on the electronics scenario's 100 worlds, about EUR 100,000 a
//! year). The noise floor is what random shufflings of the worlds get, below which 95
//! of 100 of them fall ([`noise_floor`]); it is reported beside the inputs' values, and an
//! input worth less cannot be told from one that says nothing. It is not subtracted:
//! an input that does decide has less noise within its bins, so subtracting the noise
//! would understate it.
//!
//! Each world's impact is itself measured on the scenario's visitors, so it carries
//! sampling noise; the best-of-several in each world then reads a little high and so
//! does EVPI (with 100,000 visitors the noise is small against most scenarios' spread
//! of impacts; with every input fixed, EVPI is this noise alone).

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::plan::Planned;
use crate::engine::{RunError, RunOptions};
use crate::model::fields;
use crate::model::{Scenario, ScenarioSpec};
use crate::report::Metric;

/// What knowing one input would be worth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputValue {
    /// The input's field path.
    pub path: String,
    /// Its label.
    pub label: String,
    /// Partial EVPI, currency a year.
    pub value: f64,
}

/// What a planned holdout test is worth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestValue {
    /// The strategy tested.
    pub strategy: String,
    /// Expected annual impact of choosing between it and the holdout now.
    pub value_now: f64,
    /// Expected annual impact of choosing after the test: the strategy where the
    /// worlds that give a measurement like the one seen favour it on average.
    pub value_with_test: f64,
    /// The difference: the expected value of the test's information, a year (never
    /// negative: one may always ignore a measurement).
    pub evsi: f64,
    /// What acting on the measured lift alone (the strategy when it is above zero,
    /// ignoring what was known before) gains over choosing now; negative where the
    /// test is too noisy to overturn the model's answer.
    pub acting_on_estimate: f64,
    /// Revenue the holdout forgoes during the test (once), net of returns where the
    /// basis is.
    pub forgone_revenue: f64,
    /// `evsi - forgone_revenue`: what running the test is worth in its first year.
    pub net: f64,
}

/// What a strategy's value is measured in: its annual GMV impact (gross, the
/// default) or its annual net impact (after returns, MODEL.md rule 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Annual GMV impact.
    #[default]
    Gross,
    /// Annual net impact.
    Net,
}

impl Basis {
    /// The metric valued.
    pub fn metric(self) -> Metric {
        match self {
            Self::Gross => Metric::AnnualGmvImpact,
            Self::Net => Metric::AnnualNetImpact,
        }
    }

    /// In words, lower case: "annual GMV impact", "annual net impact (after returns)".
    pub fn label(self) -> &'static str {
        match self {
            Self::Gross => "annual GMV impact",
            Self::Net => "annual net impact (after returns)",
        }
    }
}

/// The value of information.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    /// What each strategy's value is measured in.
    pub basis: Basis,
    /// Worlds (replications) used.
    pub worlds: u32,
    /// Every strategy's expected annual impact (the holdout's is 0), by name.
    pub expected_impacts: Vec<(String, f64)>,
    /// The strategy chosen now: the best expected impact.
    pub choose_now: String,
    /// Expected value of perfect information, currency a year.
    pub evpi: f64,
    /// Per uncertain input, most valuable first.
    pub inputs: Vec<InputValue>,
    /// What the partial EVPI's binning gives an input that says nothing about the
    /// world, 95 times in 100 at most ([`noise_floor`]): inputs worth less cannot be
    /// told from noise.
    pub noise_floor: f64,
    /// The planned holdout test's value, when a plan was given.
    pub test: Option<TestValue>,
}

/// EVPI of a choice between strategies: `impacts[w][k]` is strategy `k`'s value in
/// world `w`.
pub fn evpi(impacts: &[Vec<f64>]) -> f64 {
    if impacts.is_empty() {
        return 0.0;
    }
    let n = impacts.len() as f64;
    let k = impacts[0].len();
    let with_info = impacts.iter().map(|w| w.iter().copied().fold(f64::NEG_INFINITY, f64::max)).sum::<f64>() / n;
    let now = (0..k).map(|j| impacts.iter().map(|w| w[j]).sum::<f64>() / n).fold(f64::NEG_INFINITY, f64::max);
    (with_info - now).max(0.0)
}

/// Partial EVPI of the input whose value in world `w` is `x[w]` (Strong and Oakley's
/// single-input binning; see the module's notes).
pub fn partial_evpi(x: &[f64], impacts: &[Vec<f64>]) -> f64 {
    let n = x.len().min(impacts.len());
    if n < 4 {
        return 0.0;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let bins = (n as f64).sqrt().round() as usize;
    let k = impacts[0].len();
    let mut with_info = 0.0;
    for b in 0..bins {
        let slice = &order[b * n / bins..(b + 1) * n / bins];
        let best = (0..k)
            .map(|j| slice.iter().map(|&w| impacts[w][j]).sum::<f64>() / slice.len() as f64)
            .fold(f64::NEG_INFINITY, f64::max);
        with_info += best * slice.len() as f64;
    }
    let now = (0..k).map(|j| (0..n).map(|w| impacts[w][j]).sum::<f64>() / n as f64).fold(f64::NEG_INFINITY, f64::max);
    (with_info / n as f64 - now).max(0.0)
}

/// How many random shufflings of the worlds [`noise_floor`] tries.
const NOISE_ORDERS: u64 = 200;

/// What the binning of [`partial_evpi`] gives an input that says nothing about the
/// world: the 95th percentile of its values over [`NOISE_ORDERS`] random shufflings of
/// the worlds (fixed seeds, so the floor depends only on the impacts).
pub fn noise_floor(impacts: &[Vec<f64>]) -> f64 {
    use rand::{RngExt, SeedableRng};
    let mut values: Vec<f64> = (0..NOISE_ORDERS)
        .map(|o| {
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(o);
            let x: Vec<f64> = impacts.iter().map(|_| rng.random::<f64>()).collect();
            partial_evpi(&x, impacts)
        })
        .collect();
    values.sort_by(f64::total_cmp);
    values[(NOISE_ORDERS as usize * 95).div_ceil(100) - 1]
}

/// Runs the scenario in the planner's worlds (`worlds` replications from the first)
/// and values perfect information, each input's, and the planned test's (when given).
#[allow(clippy::too_many_arguments)]
pub fn value(
    spec: &ScenarioSpec,
    sc: &Scenario,
    worlds: u32,
    planned: Option<&Planned>,
    basis: Basis,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Value, RunError> {
    let o = RunOptions { replications: Some(0..worlds.min(sc.replications())), ..opts.clone() };
    let each = |d: u32, t: u32| progress(f64::from(d) / f64::from(t));
    let reps = super::replications(sc, &o, &each, cancel)?;
    let impact = |r: &crate::report::Replication, k: usize| {
        if k == sc.holdout { 0.0 } else { basis.metric().estimate(&r.strategies[k]).map_or(0.0, |e| e.value) }
    };
    let impacts: Vec<Vec<f64>> =
        reps.iter().map(|r| (0..sc.strategies.len()).map(|k| impact(r, k)).collect()).collect();
    let n = impacts.len().max(1) as f64;
    let expected: Vec<f64> = (0..sc.strategies.len()).map(|k| impacts.iter().map(|w| w[k]).sum::<f64>() / n).collect();
    let best_now =
        (0..expected.len()).max_by(|&a, &b| expected[a].total_cmp(&expected[b]).then(b.cmp(&a))).unwrap_or(0);
    let inputs_list = sc.uncertain_inputs();
    let draws: Vec<Vec<f64>> = reps.iter().map(|r| crate::engine::world::drawn_inputs(sc, r.index)).collect();
    // Only inputs that can move the impacts valued are worth knowing.
    let mut inputs: Vec<InputValue> = inputs_list
        .iter()
        .enumerate()
        .filter(|(_, (_, input))| match basis {
            // Gross impacts: returns and upgrade costs move only net figures.
            Basis::Gross => !Scenario::net_only(input.field),
            // Net revenue is revenue less refunds: handling and perks move margins only.
            Basis::Net => !Scenario::margin_only(input.field),
        })
        .map(|(i, (path, _))| {
            let x: Vec<f64> = draws.iter().map(|d| d[i]).collect();
            InputValue {
                path: (*path).to_string(),
                label: fields::resolve(spec, path).map_or_else(|_| (*path).to_string(), |p| p.label(spec)),
                value: partial_evpi(&x, &impacts),
            }
        })
        .collect();
    inputs.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.path.cmp(&b.path)));
    let test = planned.map(|p| {
        let k = p.plan.strategy;
        let value_now = expected[k].max(0.0);
        // What the measurement says about the world: worlds sorted by the measured
        // lift, binned; in each bin the better of the strategy and the holdout.
        let measured: Vec<f64> = p.measured_rpv_lift.iter().map(|m| m.unwrap_or(0.0)).collect();
        let options: Vec<Vec<f64>> = impacts.iter().map(|w| vec![w[k], 0.0]).collect();
        let evsi = partial_evpi(&measured, &options);
        let naive: Vec<f64> = impacts
            .iter()
            .zip(&p.measured_rpv_lift)
            .map(|(w, m)| if m.is_some_and(|l| l > 0.0) { w[k] } else { 0.0 })
            .collect();
        let acting_on_estimate = crate::stats::mean(&naive).unwrap_or(0.0) - value_now;
        let forgone = match basis {
            Basis::Gross => p.forgone_revenue,
            Basis::Net => p.forgone_net_revenue,
        };
        TestValue {
            strategy: p.strategy.clone(),
            value_now,
            value_with_test: value_now + evsi,
            evsi,
            acting_on_estimate,
            forgone_revenue: forgone,
            net: evsi - forgone,
        }
    });
    Ok(Value {
        basis,
        worlds: reps.len() as u32,
        expected_impacts: sc.strategies.iter().map(|s| s.name.clone()).zip(expected).collect(),
        choose_now: sc.strategies[best_now].name.clone(),
        evpi: evpi(&impacts),
        noise_floor: noise_floor(&impacts),
        inputs,
        test,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evpi_by_hand() {
        // Two worlds, two options: A pays 10 or 0, B pays 4 or 4. Now: B (4 > 5? no: A
        // averages 5) -> A at 5; with information: 10 and 4 -> 7; EVPI 2.
        let w = vec![vec![10.0, 4.0], vec![0.0, 4.0]];
        assert!((evpi(&w) - 2.0).abs() < 1e-12);
        // One option dominating in every world: nothing to learn.
        assert_eq!(evpi(&[vec![3.0, 1.0], vec![5.0, 2.0]]), 0.0);
    }

    #[test]
    fn partial_evpi_finds_the_input_that_decides() {
        // Option A pays x - 0.5, option B pays 0, in 400 worlds; x uniform on [0, 1]
        // decides and y is noise. EVPI = E[max(x - 0.5, 0)] - max(0, 0) = 0.125; the
        // partial EVPI of x is about that, of y about 0.
        let n = 400;
        let x: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| ((i * 7919) % n) as f64 / n as f64).collect();
        let w: Vec<Vec<f64>> = x.iter().map(|&v| vec![v - 0.5, 0.0]).collect();
        assert!((evpi(&w) - 0.125).abs() < 0.01, "{}", evpi(&w));
        assert!((partial_evpi(&x, &w) - 0.125).abs() < 0.01, "{}", partial_evpi(&x, &w));
        assert!(partial_evpi(&y, &w) < 0.03, "{}", partial_evpi(&y, &w));
    }

    #[test]
    fn the_noise_floor_is_what_an_input_that_says_nothing_is_given() {
        use rand::{RngExt, SeedableRng};
        // 100 worlds in which A pays pure noise around 0 and B pays 0: no input tells
        // the worlds apart, yet the binning picks the luckier option in each bin.
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let w: Vec<Vec<f64>> = (0..100).map(|_| vec![rng.random::<f64>() - 0.5, 0.0]).collect();
        let floor = noise_floor(&w);
        let raw: Vec<f64> =
            (0..1000).map(|_| partial_evpi(&(0..100).map(|_| rng.random::<f64>()).collect::<Vec<_>>(), &w)).collect();
        let mean_raw = raw.iter().sum::<f64>() / raw.len() as f64;
        assert!(mean_raw > 0.02, "the binning reads high: {mean_raw}");
        // About 5 in 100 irrelevant inputs read above the floor.
        let above = raw.iter().filter(|&&v| v > floor).count();
        assert!((20..=90).contains(&above), "{above} of 1000 above the floor {floor}");
        // An input that decides is read well above it.
        let x: Vec<f64> = (0..400).map(|i| (f64::from(i) + 0.5) / 400.0).collect();
        let decided: Vec<Vec<f64>> = x.iter().map(|&v| vec![v - 0.5, 0.0]).collect();
        assert!(partial_evpi(&x, &decided) > 2.0 * noise_floor(&decided));
    }
}
