//! The free-shipping threshold (MODEL.md rule 22): its worked check, the closed form
//! of the fee and the prompt, and the backfire the model must be able to show.
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::analysis::sweep::{Axis, Sweep};
use aovlab::engine::{RepCounts, RunOptions};
use aovlab::model::{Param, Scenario, ScenarioSpec};
use aovlab::report::{Metric, run_and_summarize, summarize};
use common::{run, scenario, two_products};

const STORE: &str = "visitors = 60_000\nreplications = 40\nseed = 22";

/// Cart of 1 + Poisson(1.5) "main" items at $50; the store's threshold `shipping`
/// ([shipping] lines), `behaviour` lines added to the world facts.
fn world(shipping: &str, behaviour: &str, strategies: &str) -> String {
    let text = two_products(STORE, "", strategies);
    let text = text.replace("tier_gap_decay = 2.0\n", &format!("tier_gap_decay = 2.0\n{behaviour}\n"));
    format!("{text}\n[shipping]\n{shipping}\n")
}

fn poisson_pmf(lambda: f64, n: usize) -> Vec<f64> {
    let mut p = vec![(-lambda).exp()];
    for k in 1..n {
        let prev = p[k - 1];
        p.push(prev * lambda / k as f64);
    }
    p
}

fn tallies(sc: &Scenario) -> Vec<RepCounts> {
    run(sc, None).replications
}

/// MODEL.md's worked check: fee 0 and shipping cost 0 with a threshold and no prompt
/// equal no threshold, to the cent; so does threshold 0 whatever the fee and prompt.
#[test]
fn a_threshold_without_fee_cost_or_prompt_is_no_threshold_to_the_cent() {
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 20_000;
    spec.store.replications = 3;
    let plain = tallies(&Scenario::from_spec(spec.clone()).unwrap());
    let mut free = spec.clone();
    free.shipping.threshold = 75.0;
    assert_eq!(tallies(&Scenario::from_spec(free.clone()).unwrap()), plain);
    // A strategy's own threshold changes nothing either without a fee.
    free.strategies[2].shipping.threshold = Some(120.0);
    assert_eq!(tallies(&Scenario::from_spec(free).unwrap()), plain);
    // Threshold 0: every order ships free, no prompt can show, no fee is paid.
    let mut zero = spec.clone();
    zero.shipping = aovlab::model::ShippingSpec { threshold: 0.0, fee: 7.0, prompt: true, prompt_window: 0.5 };
    assert_eq!(tallies(&Scenario::from_spec(zero).unwrap()), plain);
    // The shipping code path itself, run with a prompt nobody takes and no friction:
    // orders, revenue and margin are the plain run's, and prompts were shown.
    let mut shown = spec;
    shown.shipping = aovlab::model::ShippingSpec { threshold: 75.0, fee: 0.0, prompt: true, prompt_window: 0.5 };
    shown.behaviour.shipping_prompt_max_uptake = Param::Fixed(0.0);
    shown.behaviour.friction_per_slot = Param::Fixed(0.0);
    let mut no_friction = Scenario::from_spec(shown.clone()).unwrap();
    no_friction.shipping.prompt = false;
    for s in &mut no_friction.strategies {
        s.shipping.prompt = false;
    }
    let sc = Scenario::from_spec(shown).unwrap();
    let with = tallies(&sc);
    let without = tallies(&no_friction);
    for (a, b) in with.iter().zip(&without) {
        for (x, y) in a.strategies.iter().zip(&b.strategies) {
            assert_eq!((x.orders, x.revenue, x.margin, x.revenue_sq), (y.orders, y.revenue, y.margin, y.revenue_sq));
            assert!(x.ship_shown > 0 && x.ship_accepted == 0, "{} prompts", x.ship_shown);
            assert_eq!(x.fee_orders, 0);
        }
    }
}

/// The fee and the prompt against their closed forms: one-item carts ($50) are $25
/// below a $75 threshold (inside a 50% window), so they see "add $25 for free
/// shipping"; the top-up is the cheapest product priced at least $25 (Main, $50), taken
/// with max uptake x exp(-decay x 25 / 50); otherwise they pay the $7 fee and complete
/// with completion x exp(-k x 7 / 50). Carts of two items or more ship free.
#[test]
fn the_fee_and_the_prompt_match_their_closed_forms() {
    let behaviour = "shipping_cost = 8.0\nshipping_fee_sensitivity = 3.0\nshipping_prompt_max_uptake = 0.5\nshipping_prompt_gap_decay = 2.0";
    let strategies = "[[strategies]]\nname = \"No prompt\"\nshipping = { prompt = \"off\" }\n";
    let sc = scenario(&world("threshold = 75.0\nfee = 7.0\nprompt = true\nprompt_window = 0.5", behaviour, strategies));
    let out = run(&sc, None);
    let r = summarize(&sc, &out.replications, 1.0, 1);
    let pmf = poisson_pmf(1.5, 60);
    let p1 = pmf[0];
    let q = 0.5 * (-2.0_f64 * 25.0 / 50.0).exp();
    let e = (-3.0_f64 * 7.0 / 50.0).exp();
    let slot = 0.98;
    // Revenue per cart from carts of two items or more (free shipping, no prompt).
    let rest: f64 = pmf.iter().enumerate().skip(1).map(|(i, p)| p * 0.5 * 50.0 * (i + 1) as f64).sum();

    // The holdout runs the store's prompt.
    let conv = 0.3 * (p1 * 0.5 * slot * (q + (1.0 - q) * e) + (1.0 - p1) * 0.5);
    let rpv = 0.3 * (p1 * 0.5 * slot * (q * 100.0 + (1.0 - q) * e * 57.0) + rest);
    let fee_orders = 0.3 * p1 * 0.5 * slot * (1.0 - q) * e;
    let h = &r.strategies[0].metrics;
    let close = |name: &str, s: Option<aovlab::stats::Summary>, want: f64| {
        let s = s.unwrap_or_else(|| panic!("{name}"));
        assert!((s.mean - want).abs() < 3.5 * s.se, "{name}: {} vs {want} (se {})", s.mean, s.se);
    };
    close("conversion", h.conversion_rate, conv);
    close("revenue per visitor", h.revenue_per_visitor, rpv);
    close("prompt acceptance", h.shipping_prompt_acceptance_rate, q);
    close("orders paying shipping", h.shipping_fee_share, fee_orders / conv);
    close("shipping fees - costs", h.shipping_margin_per_visitor, fee_orders * 7.0 - conv * 8.0);
    // Margin: $30 a Main, the fee, less $8 shipping an order.
    let units = 0.3
        * (p1 * 0.5 * slot * (q * 2.0 + (1.0 - q) * e)
            + pmf.iter().enumerate().skip(1).map(|(i, p)| p * 0.5 * (i + 1) as f64).sum::<f64>());
    close("margin per visitor", h.gross_margin_per_visitor, units * 30.0 + fee_orders * 7.0 - conv * 8.0);

    // Without the prompt: every one-item cart pays the fee.
    let conv = 0.3 * (p1 * 0.5 * e + (1.0 - p1) * 0.5);
    let rpv = 0.3 * (p1 * 0.5 * e * 57.0 + rest);
    let m = &r.strategies[1].metrics;
    close("conversion without the prompt", m.conversion_rate, conv);
    close("revenue per visitor without the prompt", m.revenue_per_visitor, rpv);
    assert!(m.shipping_prompt_acceptance_rate.is_none(), "no prompt shown, no acceptance rate");
    // The shipping top-ups and fees are revenue sources of their own.
    let s = &r.strategies[0].revenue_by_source;
    close("shipping top-ups", s.shipping_top_ups, 0.3 * p1 * 0.5 * slot * q * 50.0);
    close("shipping fees", s.shipping_fees, fee_orders * 7.0);
}

/// Two stores whose threshold rises from $75 to $110: two-item carts ($100) now pay the
/// fee. Where the fee deters (sensitivity 6) and nobody tops up, revenue per visitor
/// falls; where it deters no one, the fee is revenue and it rises.
#[test]
fn raising_the_threshold_can_lower_or_raise_revenue_per_visitor() {
    let strategies = "[[strategies]]\nname = \"Threshold $110\"\nshipping = { threshold = 110.0 }\n";
    let lift = |behaviour: &str| {
        let sc = scenario(&world("threshold = 75.0\nfee = 7.0", behaviour, strategies));
        let r = summarize(&sc, &run(&sc, None).replications, 1.0, 1);
        Metric::RpvLift.lift_summary(&r.strategies[1]).unwrap().summary
    };
    let backfires = lift("shipping_fee_sensitivity = 6.0");
    assert!(backfires.p95 < 0.0, "raising the threshold should lower RPV: {backfires:?}");
    let pays = lift("shipping_fee_sensitivity = 0.0");
    assert!(pays.p05 > 0.0, "raising the threshold should raise RPV: {pays:?}");
}

/// A point of a sweep of the store's threshold is the plain run with the threshold
/// set, as `--set shipping.threshold=...` sets it; a strategy's own threshold swept
/// equals the run that sets it.
#[test]
fn a_swept_threshold_equals_the_run_that_sets_it() {
    let mut spec: ScenarioSpec = aovlab::io::scenario_file::parse_spec(
        &std::fs::read_to_string("scenarios/apparel-free-shipping.toml").unwrap(),
        "apparel",
    )
    .unwrap();
    spec.store.visitors = 4_000;
    spec.store.replications = 3;
    for path in ["shipping.threshold", "strategies[1].shipping.threshold"] {
        let sw = Sweep { x: Axis::new(&spec, path, 50.0, 125.0, 4).unwrap(), y: None };
        let points =
            aovlab::analysis::sweep::run(&spec, &sw, &RunOptions::default(), &|_| {}, &Default::default()).unwrap();
        for p in &points {
            let mut set = spec.clone();
            let at = aovlab::model::fields::resolve(&set, path).unwrap();
            aovlab::model::fields::set(&mut set, &at, aovlab::model::fields::Value::Number(p.x)).unwrap();
            let plain = run_and_summarize(&Scenario::from_spec(set).unwrap(), &RunOptions::default()).unwrap();
            assert_eq!(p.report.strategies, plain.strategies, "{path} at {}", p.x);
        }
        assert_ne!(points[0].report.strategies, points[3].report.strategies, "{path}: the threshold matters");
    }
}
