//! Learning from a finished test (MODEL.md rule 23), validated by simulation-based
//! calibration: tests simulated from worlds drawn from the prior must give posterior
//! ranks of the true inputs that are uniform, and 90% posterior intervals that hold
//! the truth about 90% of the time. Also: a test without visitors leaves the prior
//! unchanged, and a test no world explains is flagged with the observation that does
//! not fit.
#![allow(clippy::unwrap_used)]

use aovlab::analysis::learn::{Observed, Prior, effective_worlds};
use aovlab::engine::RunOptions;
use aovlab::import::test_results::ArmDay;
use aovlab::model::{Scenario, ScenarioSpec};

/// The article with its holdout and AOV-optimized only (the test's two arms).
fn article() -> (ScenarioSpec, Scenario) {
    let mut spec = aovlab::io::article_spec();
    let aov = spec.strategies.iter().position(|s| s.name == "AOV-optimized").unwrap();
    spec.strategies = vec![spec.strategies[0].clone(), spec.strategies[aov].clone()];
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    (spec, sc)
}

/// An arm's totals, with the offer logs a post-purchase app would export (on the fast
/// path the shown counts of shoppers who abandon are estimated, as a log's are not:
/// the simulated tests use the counted path, where they are exact).
fn arm(t: &aovlab::engine::StrategyCounts, visitors: u64) -> ArmDay {
    ArmDay {
        visitors,
        orders: t.orders,
        revenue: t.revenue as f64 / 100.0,
        revenue_sq: Some(t.revenue_sq as f64 / 1e4),
        offers: [
            Some((t.pre_shown, t.pre_accepted)),
            Some((t.tier_shown, t.tier_accepted)),
            Some((t.post_shown, t.post_accepted)),
        ],
    }
}

/// Tests of `holdout` and `treatment` visitors simulated in `n` worlds of `sc` drawn
/// with `seed` (not the prior's): each world's true inputs and its test.
fn tests_from(sc: &Scenario, seed: u64, n: u32, holdout: u64, treatment: u64) -> Vec<(Vec<f64>, Observed)> {
    let mut truth = sc.clone();
    truth.store.seed = seed;
    truth.store.replications = n;
    let opts = RunOptions { path: aovlab::engine::SimPath::Counted, ..RunOptions::default() };
    let groups =
        aovlab::engine::run_groups(&[&truth], &[(0, holdout), (0, treatment)], &opts, &|_, _| {}, &Default::default())
            .unwrap();
    groups
        .iter()
        .enumerate()
        .map(|(r, g)| {
            let inputs = aovlab::engine::world::drawn_inputs(&truth, r as u32);
            let observed = Observed {
                holdout: arm(&g[0].strategies[0], g[0].visitors),
                treatment: arm(&g[1].strategies[1], g[1].visitors),
                strategy: 1,
                source: format!("world {r}"),
            };
            (inputs, observed)
        })
        .collect()
}

/// Simulation-based calibration on the article's prior: 1,000 prior worlds of 20,000
/// visitors, 200 tests of 20,000 holdout and 80,000 treatment visitors with the
/// treatment's offer logs, each from a world drawn from the same prior with another
/// seed. Per input, the posterior's
/// weighted CDF at the true value is uniform (Kolmogorov-Smirnov at the 1% level),
/// and its 90% interval holds the truth in 86-94% of the tests over all inputs.
#[test]
fn posterior_ranks_of_the_true_inputs_are_uniform() {
    let (spec, sc) = article();
    let prior = Prior::draw(&sc, 1_000, 20_000, &RunOptions::default(), &|_, _| {}, &Default::default()).unwrap();
    let tests = tests_from(&sc, 99, 200, 20_000, 80_000);
    let inputs = sc.uncertain_inputs();
    let mut ranks: Vec<Vec<f64>> = vec![Vec::new(); inputs.len()];
    let mut inside = vec![0usize; inputs.len()];
    let mut ess = Vec::new();
    for (truth, observed) in &tests {
        let w = prior.weights(observed);
        ess.push(effective_worlds(&w));
        for (j, x) in truth.iter().enumerate() {
            let below: f64 = prior.draws.iter().zip(&w).filter(|(d, _)| d[j] < *x).map(|(_, wi)| wi).sum();
            ranks[j].push(below);
            let xs: Vec<f64> = prior.draws.iter().map(|d| d[j]).collect();
            let (lo, hi) = (
                aovlab::analysis::learn::weighted_quantile(&xs, &w, 0.05),
                aovlab::analysis::learn::weighted_quantile(&xs, &w, 0.95),
            );
            inside[j] += usize::from(lo <= *x && *x <= hi);
        }
    }
    let n = tests.len() as f64;
    // Kolmogorov-Smirnov at 1%: D > 1.628 / sqrt(n).
    let critical = 1.628 / n.sqrt();
    let mut report = Vec::new();
    // The inputs the test can inform (the others keep their prior: see `informs`).
    let informed: Vec<usize> = (0..inputs.len())
        .filter(|&j| aovlab::analysis::learn::informs(&sc, 1, inputs[j].0, inputs[j].1.field))
        .collect();
    assert_eq!(informed.len(), 7, "the article's test informs seven inputs");
    for (j, (path, _)) in inputs.iter().enumerate() {
        let mut r = ranks[j].clone();
        r.sort_by(f64::total_cmp);
        let d = r
            .iter()
            .enumerate()
            .map(|(i, u)| (u - i as f64 / n).abs().max(((i + 1) as f64 / n - u).abs()))
            .fold(0.0, f64::max);
        let coverage = inside[j] as f64 / n;
        report.push(format!("{path}: KS D {d:.3} (critical {critical:.3}), 90% interval coverage {coverage:.3}"));
        assert!(d <= critical, "{path}: posterior ranks are not uniform, D = {d:.3}\n{}", report.join("\n"));
    }
    // The 90% intervals of the informed inputs hold the truth 86-94% of the time, each
    // and together.
    for &j in &informed {
        let c = inside[j] as f64 / n;
        assert!((0.86..=0.94).contains(&c), "{}: 90% coverage {c}\n{}", inputs[j].0, report.join("\n"));
    }
    let pooled = informed.iter().map(|&j| inside[j]).sum::<usize>() as f64 / (n * informed.len() as f64);
    let mut e = ess.clone();
    e.sort_by(f64::total_cmp);
    eprintln!(
        "{}\npooled coverage (informed inputs) {pooled:.3}; effective worlds: min {:.0}, median {:.0}",
        report.join("\n"),
        e[0],
        e[e.len() / 2]
    );
    assert!((0.86..=0.94).contains(&pooled), "pooled 90% coverage {pooled}\n{}", report.join("\n"));
    let _ = spec;
}

/// A test with no visitors leaves the prior unchanged: every weight equal, every
/// posterior quantile the prior's.
#[test]
fn a_test_without_visitors_leaves_the_prior_unchanged() {
    let (spec, sc) = article();
    let prior = Prior::draw(&sc, 200, 5_000, &RunOptions::default(), &|_, _| {}, &Default::default()).unwrap();
    let nothing =
        Observed { holdout: ArmDay::default(), treatment: ArmDay::default(), strategy: 1, source: "empty".into() };
    let l = prior.posterior(&spec, &nothing);
    assert!((l.effective_worlds - 200.0).abs() < 1e-6, "{}", l.effective_worlds);
    for i in &l.inputs {
        assert_eq!(i.prior, i.posterior, "{}", i.path);
    }
    assert!(l.observations.is_empty() && !l.contradicts);
    assert_eq!(l.before, l.after);
    assert!(l.follow_up.is_none(), "no test, no follow-up to value");
}

/// A test no world explains (the holdout converting at 20%, six times the scenario's
/// most) is flagged, and the observation that does not fit comes first; a test from a
/// world at the edge of the prior moves the posterior toward that world.
#[test]
fn a_contradicting_test_is_flagged_and_an_edge_world_pulls_the_posterior() {
    let (spec, sc) = article();
    let prior = Prior::draw(&sc, 400, 100_000, &RunOptions::default(), &|_, _| {}, &Default::default()).unwrap();
    let odd = Observed {
        holdout: ArmDay { visitors: 20_000, orders: 4_000, revenue: 4_000.0 * 120.0, ..ArmDay::default() },
        treatment: ArmDay { visitors: 80_000, orders: 2_400, revenue: 2_400.0 * 140.0, ..ArmDay::default() },
        strategy: 1,
        source: "odd".into(),
    };
    let l = prior.posterior(&spec, &odd);
    assert!(l.contradicts, "effective worlds {}", l.effective_worlds);
    assert!(l.observations[0].label.contains("Holdout conversion"), "{:?}", l.observations[0]);
    assert!(l.observations[0].z > 3.0, "{:?}", l.observations[0]);
    assert!(aovlab::analysis::learn::updated_spec(&spec, &l).is_none());

    // A world with the post-checkout base acceptance near the top of its prior.
    let path = "behaviour.post_checkout_base_accept";
    let input = sc.uncertain_inputs().into_iter().find(|(p, _)| *p == path).unwrap().1.clone();
    let aovlab::model::Param::Dist(d) = &input.param else { panic!() };
    let high = d.quantile(0.97);
    let edge = sc.clone().hold(path, high).unwrap();
    let (_, observed) = tests_from(&edge, 7, 1, 60_000, 240_000).remove(0);
    let l = prior.posterior(&spec, &observed);
    let moved = l.inputs.iter().find(|i| i.path == path).unwrap();
    eprintln!(
        "effective worlds {:.0}; {path}: prior {:?}, posterior {:?}",
        l.effective_worlds, moved.prior, moved.posterior
    );
    assert!(!l.contradicts);
    // The same test again: its value is never negative, and its holdout forgoes the
    // posterior's expected gain (AOV-optimized adds revenue in every world).
    let f = l.follow_up.as_ref().unwrap();
    assert!(f.evsi >= 0.0 && f.forgone > 0.0 && f.se > 0.0, "{f:?}");
    assert!(
        moved.posterior[0] > moved.prior[0] + 0.25 * (high - moved.prior[0]),
        "posterior median {} did not move from {} toward {high}",
        moved.posterior[0],
        moved.prior[0]
    );
}
