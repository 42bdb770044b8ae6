//! The Decide layer: the optimizer finds the article's thesis and ranks the same
//! when its screening is sharded; the holdout planner's power agrees with the
//! normal approximation where that is exact enough and holds its significance level
//! where there is nothing to find; the value of information is zero where nothing is
//! uncertain about the decision and positive where it is.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::AtomicBool;

use aovlab::analysis::coverage::fixed_inputs;
use aovlab::analysis::optimize::{self, Bounds, Constraint, Objective, Optimized, Search};
use aovlab::analysis::plan::{self, Plan};
use aovlab::analysis::value;
use aovlab::engine::RunOptions;
use aovlab::model::{OfferPolicy, Scenario, ScenarioSpec, TierPolicy};
use aovlab::report::Metric;

/// The article at a test's size, with a smaller lever space (1-2 slots, one offer,
/// one window): 7 x 3 x 6 x 7 = 882 candidates.
fn small() -> (ScenarioSpec, Scenario, Bounds) {
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 20_000;
    spec.store.replications = 18;
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let mut bounds = Bounds::of(&spec);
    bounds.max_slots = 2;
    bounds.max_offers = 1;
    bounds.windows = vec![0.25];
    (spec, sc, bounds)
}

fn search(objective: Objective, constraints: Vec<Constraint>, bounds: &Bounds) -> Search {
    Search { objective, constraints, bounds: bounds.clone() }
}

fn optimize(spec: &ScenarioSpec, sc: &Scenario, s: &Search) -> Optimized {
    optimize::optimize(spec, sc, s, &RunOptions::default(), &|_| {}, &AtomicBool::new(false)).unwrap()
}

#[test]
fn the_optimizer_finds_the_thesis() {
    let (spec, sc, bounds) = small();
    assert_eq!(optimize::candidates(&spec, &bounds).len(), 882);
    let conv = optimize(&spec, &sc, &search(Objective(Metric::ConversionRate), vec![], &bounds));
    let rpv = optimize(&spec, &sc, &search(Objective(Metric::RevenuePerVisitor), vec![], &bounds));
    assert_eq!(conv.policies_evaluated, 882);
    // Tuned for conversion: get out of the way, and buy completions.
    let c = &conv.evaluated[conv.chosen.unwrap()];
    let l = &c.levers;
    assert_eq!(l.pre_checkout.policy, OfferPolicy::Off, "{}", c.label);
    assert_eq!(l.tier_prompt.policy, TierPolicy::Off, "{}", c.label);
    assert_eq!(l.post_checkout.policy, OfferPolicy::Off, "{}", c.label);
    assert!(l.checkout.friction_reduction.central() > 0.0, "{}", c.label);
    assert_eq!(l.checkout.discount, bounds.max_discount, "{}", c.label);
    // Tuned for revenue per visitor: add value per order.
    let r = &rpv.evaluated[rpv.chosen.unwrap()];
    assert_eq!(r.levers.pre_checkout.policy, OfferPolicy::Matched, "{}", r.label);
    assert_eq!(r.levers.post_checkout.policy, OfferPolicy::Matched, "{}", r.label);
    assert_eq!(r.levers.checkout.discount, 0.0, "{}", r.label);
    assert!(r.revenue_per_visitor > c.revenue_per_visitor * 1.1, "{} vs {}", r.label, c.label);
    assert!(r.conversion_rate <= c.conversion_rate, "{} vs {}", r.label, c.label);
    // The winners beat the scenario's own strategies on their objective.
    let own =
        |name: &str, o: &Optimized| o.evaluated.iter().find(|e| e.own.as_deref() == Some(name)).unwrap().objective;
    assert!(r.objective >= own("AOV-optimized", &rpv));
    assert!(c.objective >= own("Conversion-optimized", &conv));
}

#[test]
fn race_figures_probabilities_and_frontier() {
    let (spec, sc, bounds) = small();
    let o = optimize(&spec, &sc, &search(Objective(Metric::RevenuePerVisitor), vec![], &bounds));
    // The race: every stage keeps a third (at least the finalists), on three times the
    // replications, up to the scenario's.
    assert_eq!(o.stages[0], (2, 882));
    assert!(o.stages.windows(2).all(|w| w[1].0 == (w[0].0 * 3).min(18) && w[1].1 <= w[0].1));
    assert_eq!(o.finalists.len(), optimize::FINALISTS);
    // Finalists carry the fresh evaluation: all replications, another seed.
    assert_ne!(o.fresh_seed, sc.seed());
    for f in &o.finalists {
        assert_eq!(o.evaluated[f.index].replications, 18);
    }
    let total: f64 = o.finalists.iter().map(|f| f.probability_best).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    assert_eq!(o.finalists[0].index, o.chosen.unwrap());
    // The frontier: no frontier point is beaten on both conversion and AOV, and every
    // other point is.
    let beats = |a: &optimize::Evaluated, b: &optimize::Evaluated| {
        a.conversion_rate >= b.conversion_rate
            && a.aov >= b.aov
            && (a.conversion_rate > b.conversion_rate || a.aov > b.aov)
    };
    for e in &o.evaluated {
        let beaten = o.evaluated.iter().any(|x| beats(x, e));
        assert_eq!(e.frontier, !beaten, "{}", e.label);
    }
    assert!(o.evaluated.iter().filter(|e| e.frontier).count() >= 2);
    assert_eq!(o.evaluated.iter().filter(|e| e.own.is_some()).count(), spec.strategies.len());
}

#[test]
fn constraints_bind_and_an_impossible_one_chooses_nothing() {
    let (spec, sc, bounds) = small();
    // AOV at most the holdout's + 5%: the AOV programme is out.
    let capped = Constraint::parse("aov_lift<=5%").unwrap();
    let o = optimize(&spec, &sc, &search(Objective(Metric::RevenuePerVisitor), vec![capped], &bounds));
    let chosen = o.chosen_figures().unwrap();
    let aov_lift = chosen.metrics.iter().find(|m| m.metric == "aov_lift").unwrap().mean;
    assert!(aov_lift <= 0.05, "{aov_lift}");
    assert!(o.evaluated[o.chosen.unwrap()].feasible);
    let never = Constraint::parse("conversion_rate_lift>=50%").unwrap();
    let o = optimize(&spec, &sc, &search(Objective(Metric::RevenuePerVisitor), vec![never], &bounds));
    assert_eq!(o.chosen, None);
}

#[test]
fn sharded_screening_ranks_as_one_machine() {
    let (spec, sc, mut bounds) = small();
    bounds.max_slots = 1;
    let s = search(Objective(Metric::AnnualGmvImpact), vec![Constraint::parse("margin_lift>=0").unwrap()], &bounds);
    let whole = optimize(&spec, &sc, &s);
    let cancel = AtomicBool::new(false);
    let opts = RunOptions::default();
    let parts: Vec<_> =
        (0..3).map(|i| optimize::screen(&spec, &sc, &s, (i, 3), &opts, &|_| {}, &cancel).unwrap()).collect();
    assert!(parts.iter().all(|p| p.scores.len() < whole.policies_evaluated));
    let joined = optimize::Screened::combine(parts.clone()).unwrap();
    let merged = optimize::finish(&spec, &sc, &s, joined, &opts, &|_| {}, &cancel).unwrap();
    assert_eq!(merged, whole);
    // An incomplete or doubled set is refused.
    assert!(optimize::Screened::combine(parts[..2].to_vec()).unwrap_err().contains("give every shard"));
    let doubled = vec![parts[0].clone(), parts[0].clone(), parts[1].clone(), parts[2].clone()];
    assert!(optimize::Screened::combine(doubled).unwrap_err().contains("two shards"));
}

#[test]
fn requests_are_checked_in_words() {
    assert!(Objective::parse("profit").unwrap_err().contains("revenue_per_visitor"));
    assert!(Constraint::parse("conversion_rate_lift=1").unwrap_err().contains("METRIC>=VALUE"));
    assert!(Constraint::parse("profit>=1").unwrap_err().contains("margin_lift"));
    assert!(Constraint::parse("aov_lift>=lots").unwrap_err().contains("not a number"));
    let c = Constraint::parse(" conversion_rate_lift >= -1% ").unwrap();
    assert_eq!((c.metric, c.at_least, c.bound), (Metric::ConversionRateLift, true, -0.01));
    let (spec, sc, mut bounds) = small();
    bounds.max_slots = 11;
    let e = optimize::optimize(
        &spec,
        &sc,
        &search(Objective(Metric::Aov), vec![], &bounds),
        &RunOptions::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(e.to_string().contains("allowed range 1 to 10"), "{e}");
}

/// The article with every uncertain input fixed: one world, many replications of it.
fn fixed_world(replications: u32) -> Scenario {
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 200_000;
    spec.store.replications = replications;
    fixed_inputs(&spec).unwrap()
}

fn plan_of(sc: &Scenario, strategy: &str, daily: u64, share: f64, days: u32) -> plan::Planned {
    let k = sc.strategies.iter().position(|s| s.name() == strategy).unwrap();
    let p = Plan { daily_visitors: daily, holdout_share: share, days, strategy: k, alpha: 0.05 };
    plan::plan(sc, &p, &RunOptions::default(), &|_| {}, &AtomicBool::new(false)).unwrap()
}

#[test]
fn simulated_power_matches_the_normal_approximation() {
    // Conversion-optimized lifts conversion by about 9%; 10,000 visitors a day, half
    // in the holdout, for 5 days gives a power near one half, where a Monte Carlo
    // estimate over 400 worlds has a standard error of 2.5 points.
    let sc = fixed_world(400);
    let p = plan_of(&sc, "Conversion-optimized", 10_000, 0.5, 5);
    let conv = &p.metrics[0];
    assert_eq!(conv.metric, Metric::ConversionRateLift);
    assert!((0.2..0.9).contains(&conv.power), "power {}", conv.power);
    let mc_se = (conv.power * (1.0 - conv.power) / 400.0).sqrt();
    assert!(
        (conv.power - conv.analytic_power).abs() < 3.0 * mc_se + 0.02,
        "simulated {} vs normal approximation {}",
        conv.power,
        conv.analytic_power
    );
    // Power grows with the days of the test.
    assert!(conv.power_by_day.windows(2).filter(|w| w[1] + 0.05 < w[0]).count() == 0);
    assert!(conv.power_by_day[0] < *conv.power_by_day.last().unwrap());
    // The holdout forgoes the strategy's gain on its visitors.
    assert_eq!(p.groups, (25_000, 25_000));
    assert!(p.forgone_revenue > 0.0);
}

#[test]
fn a_test_of_nothing_finds_it_as_often_as_its_level_says() {
    // A confirmation-page offer cannot change conversion: its conversion lift is 0,
    // and a test at alpha 0.05 finds a "positive" one in about 2.5% of worlds.
    let sc = fixed_world(400);
    let p = plan_of(&sc, "Post-checkout only", 20_000, 0.5, 3);
    let conv = &p.metrics[0];
    assert_eq!(conv.true_lift, 0.0);
    assert!(conv.power < 0.055, "false positives {}", conv.power);
    // The revenue lift is real (+5.3% with 70% of orders eligible) but three days of 10,000 visitors a group
    // rarely find it (revenue per visitor varies about six times its mean); the
    // simulated power agrees with the formula's within Monte Carlo error.
    let rpv = &p.metrics[2];
    assert!(rpv.true_lift > 0.03 && rpv.power > 0.05, "{rpv:?}");
    let mc_se = (rpv.power * (1.0 - rpv.power) / 400.0).sqrt();
    assert!((rpv.power - rpv.analytic_power).abs() < 3.0 * mc_se + 0.02, "{} vs {}", rpv.power, rpv.analytic_power);
}

#[test]
fn plans_are_checked_in_words() {
    let sc = fixed_world(4);
    let bad = |p: Plan| plan::plan(&sc, &p, &RunOptions::default(), &|_| {}, &AtomicBool::new(false)).unwrap_err();
    let ok = Plan { daily_visitors: 1000, holdout_share: 0.1, days: 14, strategy: 2, alpha: 0.05 };
    assert!(bad(Plan { holdout_share: 1.0, ..ok.clone() }).to_string().contains("between 0 and 1"));
    assert!(bad(Plan { days: 0, ..ok.clone() }).to_string().contains("1 to 365"));
    assert!(bad(Plan { strategy: sc.holdout, ..ok.clone() }).to_string().contains("other than the holdout"));
    assert!(bad(Plan { alpha: 0.5, ..ok }).to_string().contains("between 0 and 0.5"));
}

#[test]
fn uncertainty_is_worth_something_only_where_it_could_change_the_choice() {
    let cancel = AtomicBool::new(false);
    let opts = RunOptions::default();
    // The article: AOV-optimized is best in every world.
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 50_000;
    spec.store.replications = 40;
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let v = value::value(&spec, &sc, 40, None, value::Basis::Gross, &opts, &|_| {}, &cancel).unwrap();
    assert_eq!(v.choose_now, "AOV-optimized");
    assert_eq!(v.evpi, 0.0);
    // Without returns, net impact is gross impact: the net basis values the same.
    for rate in [
        &mut spec.behaviour.return_rate_base_cart,
        &mut spec.behaviour.return_rate_cross_sell,
        &mut spec.behaviour.return_rate_tier_top_up,
        &mut spec.behaviour.return_rate_post_checkout,
    ] {
        *rate = aovlab::model::Param::Fixed(0.0);
    }
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let gross = value::value(&spec, &sc, 40, None, value::Basis::Gross, &opts, &|_| {}, &cancel).unwrap();
    let net = value::value(&spec, &sc, 40, None, value::Basis::Net, &opts, &|_| {}, &cancel).unwrap();
    // (The same sums by two formulas: equal to the last bits or so.)
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
    for ((a, x), (b, y)) in gross.expected_impacts.iter().zip(&net.expected_impacts) {
        assert!(a == b && close(*x, *y), "{a}: {x} vs {y}");
    }
    assert!(close(gross.evpi, net.evpi) && close(gross.noise_floor, net.noise_floor));
    // Wide uncertainty: the best strategy differs between worlds, so perfect
    // information is worth something, and most for the inputs that decide.
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/electronics-wide-uncertainty.toml"))
            .unwrap();
    let mut spec: ScenarioSpec = toml::from_str(&text).unwrap();
    spec.store.visitors = 50_000;
    spec.store.replications = 60;
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let k = sc.strategies.iter().position(|s| s.name() == "Conversion-optimized").unwrap();
    let p = plan::plan(
        &sc,
        &Plan { daily_visitors: 20_000, holdout_share: 0.1, days: 28, strategy: k, alpha: 0.05 },
        &opts,
        &|_| {},
        &cancel,
    )
    .unwrap();
    let v = value::value(&spec, &sc, p.worlds, Some(&p), value::Basis::Gross, &opts, &|_| {}, &cancel).unwrap();
    assert!(v.evpi > 0.0);
    // Gross impacts: inputs that move only net figures are not valued; the noise
    // floor is a partial EVPI, so at most the whole.
    assert!(v.inputs.iter().all(|i| !i.path.starts_with("behaviour.return_")), "{:?}", v.inputs);
    assert!(v.noise_floor > 0.0 && v.noise_floor <= v.evpi + 1e-6, "{} vs {}", v.noise_floor, v.evpi);
    // Net impacts: the return rates are valued, the handling cost (margin only) is not,
    // and the holdout's forgone revenue is net of returns.
    let n = value::value(&spec, &sc, p.worlds, Some(&p), value::Basis::Net, &opts, &|_| {}, &cancel).unwrap();
    assert!(n.inputs.iter().any(|i| i.path.starts_with("behaviour.return_rate")), "{:?}", n.inputs);
    assert!(n.inputs.iter().all(|i| i.path != "behaviour.return_handling_cost"));
    assert_eq!(n.test.as_ref().unwrap().forgone_revenue, p.forgone_net_revenue);
    assert!(p.forgone_net_revenue < p.forgone_revenue, "returns refund part of what the holdout forgoes");
    assert!(v.inputs.windows(2).all(|w| w[0].value >= w[1].value));
    assert!(v.inputs[0].value <= v.evpi + 1e-6, "a partial EVPI above the whole: {:?}", v.inputs[0]);
    let t = v.test.unwrap();
    assert!((t.net - (t.evsi - t.forgone_revenue)).abs() < 1e-6);
    // One may always ignore a measurement: the test's information is worth at least 0,
    // and at most what perfect information about this choice would be.
    assert!(t.evsi >= 0.0 && (t.value_with_test - t.value_now - t.evsi).abs() < 1e-6);
    assert_eq!(v.worlds, 60);
}
