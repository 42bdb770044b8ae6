//! A claim checked against a scenario (issue 29): a claim the scenario makes true in
//! every world has probability 1, one it makes impossible 0 with the reason; the
//! probability and the value an input would need match their closed forms; a
//! post-checkout-only strategy's attributed reading equals its incremental one
//! (MODEL.md rule 21's worked check).
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::analysis::vendor::check;
use aovlab::engine::RunOptions;
use aovlab::model::{ClaimBasis, ClaimFigure, ClaimSpec, ClaimSurface, Dist, Param, ScenarioSpec};
use common::{offer_aov_slope, offer_store};

const STORE: &str = "visitors = 40_000\nreplications = 40\nseed = 29";

/// The offer store of tests/seek.rs: a matched confirmation-page offer whose AOV lift
/// is the post-checkout base acceptance times [`offer_aov_slope`].
fn spec() -> ScenarioSpec {
    offer_store(STORE)
}

fn claim(figure: ClaimFigure, at_least: f64, at_most: Option<f64>) -> ClaimSpec {
    ClaimSpec {
        statement: "a claim".into(),
        source: String::new(),
        strategy: "Offer".into(),
        surface: ClaimSurface::Confirmation,
        figure,
        at_least,
        at_most,
        basis: ClaimBasis::Incremental,
    }
}

fn run(spec: &ScenarioSpec, c: &ClaimSpec, needs: bool) -> aovlab::analysis::vendor::ClaimCheck {
    check(spec, c, needs.then_some(usize::MAX), &RunOptions::default(), &|_| {}, &Default::default()).unwrap()
}

#[test]
fn a_claim_true_in_every_world_has_probability_one_and_an_impossible_one_zero_with_the_reason() {
    let spec = spec();
    // Offers after the order leave conversion exactly unchanged in every world.
    let c = run(&spec, &claim(ClaimFigure::ConversionLift, 0.0, Some(0.0)), false);
    assert_eq!(c.probability, Some(1.0), "{c:?}");
    let c = run(&spec, &claim(ClaimFigure::ConversionLift, 0.01, None), true);
    assert_eq!(c.probability, Some(0.0));
    let why = c.reason.unwrap();
    assert!(why.contains("in every world") && why.contains("shows nothing before checkout"), "{why}");
    // A surface the strategy does not show.
    let c = run(&spec, &ClaimSpec { surface: ClaimSurface::Cart, ..claim(ClaimFigure::TakeRate, 0.1, None) }, false);
    assert_eq!(c.probability, Some(0.0));
    assert!(c.reason.unwrap().contains("shows no cart suggestions"));
    // Beyond anything the allowed range reaches: no input's value reaches it.
    let mut uncertain = spec.clone();
    uncertain.behaviour.post_checkout_base_accept = Param::Dist(Dist::Uniform { min: 0.3, max: 0.5 });
    let c = run(&uncertain, &claim(ClaimFigure::AovLift, 0.9, None), true);
    assert_eq!(c.needs.len(), 1);
    assert_eq!(c.probability, Some(0.0));
    assert!(c.needs.iter().all(|n| n.value.is_none()), "{:?}", c.needs);
    assert!(c.reason.unwrap().contains("no single input in its allowed range reaches it"));
    // A strategy the scenario lacks: no answer, and why.
    let c = run(&spec, &ClaimSpec { strategy: "Nobody".into(), ..claim(ClaimFigure::AovLift, 0.1, None) }, false);
    assert!(c.probability.is_none() && c.unanswerable.unwrap().contains("no strategy named"));
}

/// With the post-checkout acceptance uniform on [0.2, 0.6], the AOV lift is about
/// slope x a: the claim "at least L" holds in the worlds with a >= L / slope, so
/// with probability (0.6 - L / slope) / 0.4, and the input it needs is L / slope, at
/// that quantile of its distribution.
#[test]
fn the_probability_and_the_value_an_input_needs_match_their_closed_forms() {
    let mut spec = spec();
    spec.behaviour.post_checkout_base_accept = Param::Dist(Dist::Uniform { min: 0.2, max: 0.6 });
    spec.store.replications = 200;
    spec.store.visitors = 20_000;
    let l = 0.45 * offer_aov_slope();
    let c = run(&spec, &claim(ClaimFigure::AovLift, l, None), true);
    let p = c.probability.unwrap();
    let want = (0.6 - 0.45) / 0.4;
    // 200 worlds: the share's own sd is about 0.034; the lift's noise blurs the edge.
    assert!((p - want).abs() < 0.1, "probability {p}, closed form {want}");
    let need = c.needs.iter().find(|n| n.path == "behaviour.post_checkout_base_accept").unwrap();
    let (x, se) = (need.value.unwrap(), need.se.unwrap());
    assert!((x - 0.45).abs() < 3.0 * se + 5e-3, "needs {x} ± {se}, closed form 0.45");
    let q = need.placement.as_ref().unwrap().quantile;
    assert!((q - (x - 0.2) / 0.4).abs() < 1e-9);
    assert!(need.correlation.unwrap() > 0.9, "{:?}", need.correlation);
    assert_eq!(c.needs[0].path, need.path, "the input that moves it most comes first");
}

/// A strategy with only confirmation-page offers and no friction: what a vendor
/// attributes is what a holdout measures, so the attributed reading of its AOV lift
/// equals the incremental one and the attribution ratio is 1.
#[test]
fn post_checkout_only_attributed_and_incremental_readings_agree() {
    let spec = spec();
    let c = run(&spec, &claim(ClaimFigure::AovLift, 0.05, None), false);
    let (stated, other) = (c.stated.unwrap(), c.other.unwrap());
    assert_eq!(c.other_basis, Some("attributed"));
    assert!((stated.mean - other.mean).abs() < 1e-9, "{stated:?} vs {other:?}");
    let ratio = c.attribution_ratio.unwrap();
    assert!((ratio.mean - 1.0).abs() < 1e-9 && (ratio.p5 - 1.0).abs() < 1e-9, "{ratio:?}");
    // Attributed share: the add-ons' revenue over revenue, and its incremental reading
    // (what a holdout credits) is the same here.
    let c = run(&spec, &claim(ClaimFigure::AttributedShare, 0.0, Some(1.0)), false);
    assert!((c.stated.unwrap().mean - c.other.unwrap().mean).abs() < 1e-9);
    assert_eq!(c.probability, Some(1.0));
}

/// The check runs only the claim's strategy and the holdout; a run of the whole
/// scenario reads the same figures (each strategy's draws are its own).
#[test]
fn a_claim_read_from_a_run_of_the_whole_scenario_equals_its_check() {
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 5_000;
    spec.store.replications = 8;
    let sc = aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
    let out = aovlab::engine::run(&sc, &RunOptions::default(), &|_| {}, &Default::default()).unwrap();
    let reps: Vec<_> = out.replications.iter().map(|r| aovlab::report::replication(&sc, r)).collect();
    assert_eq!(spec.claims.len(), 3, "the article's claims are entered");
    for c in &spec.claims {
        let whole = aovlab::analysis::vendor::from_run(&spec, c, sc.holdout, &reps);
        let checked = run(&spec, c, false);
        assert_eq!(whole, checked, "{}", c.statement);
        assert!(whole.probability.is_some());
    }
}
