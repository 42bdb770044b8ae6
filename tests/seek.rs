//! Goal seek (issue 29): the value found on a metric with a closed form is the known
//! one, a target beyond the range says so with the best reachable figure, and the
//! value found, set in the scenario, reaches the target within its stated
//! uncertainty.
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::analysis::seek::{Free, Goal, seek};
use aovlab::analysis::sensitivity::Outcome;
use aovlab::engine::RunOptions;
use aovlab::report::{Metric, run_and_summarize};
use common::{offer_aov_slope, offer_store};

const STORE: &str = "visitors = 40_000\nreplications = 20\nseed = 29";

/// The offer store: its AOV lift is the post-checkout base acceptance times
/// [`offer_aov_slope`].
fn spec() -> aovlab::model::ScenarioSpec {
    offer_store(STORE)
}

#[test]
fn goal_seek_finds_the_known_value_and_says_when_none_reaches_the_target() {
    let spec = spec();
    let outcome = Outcome { metric: Metric::AovLift, strategy: 1, versus: None };
    let free = [Free::parse("behaviour.post_checkout_base_accept").unwrap()];
    let want = 0.05 / offer_aov_slope();
    let goal = Goal { free: &free, range: None, measure: &outcome, target: 0.05 };
    let s = seek(&spec, &goal, &RunOptions::default(), &|_| {}, &Default::default()).unwrap();
    let (x, se) = (s.value.unwrap(), s.se.unwrap());
    assert!((x - want).abs() < 3.0 * se + 1e-3, "found {x} ± {se}, the closed form gives {want}");
    assert!(s.best.is_none() && s.runs.len() >= 3);
    // The value found, set in the scenario, reaches the target within its uncertainty.
    let mut at = spec.clone();
    at.behaviour.post_checkout_base_accept = aovlab::model::Param::Fixed(x);
    let r = run_and_summarize(&aovlab::model::Scenario::from_spec(at).unwrap(), &RunOptions::default()).unwrap();
    let lift = Metric::AovLift.lift_summary(&r.strategies[1]).unwrap().summary;
    assert!((lift.mean - 0.05).abs() < 3.0 * lift.se.max(se * offer_aov_slope()), "{lift:?}");
    // Beyond the range: the best reachable, at the end that comes closest.
    let goal = Goal { target: 0.5, ..goal };
    let s = seek(&spec, &goal, &RunOptions::default(), &|_| {}, &Default::default()).unwrap();
    assert!(s.value.is_none());
    let best = s.best.unwrap();
    assert_eq!(best.x, 1.0);
    assert!((best.outcome - offer_aov_slope()).abs() < 0.01, "{best:?} against {}", offer_aov_slope());
}

/// Where the value lies against the input's distribution: inside, above its P99, or
/// beyond anything it assumes.
#[test]
fn the_value_found_is_placed_in_the_inputs_distribution() {
    let d = aovlab::model::Dist::Triangular { min: 0.5, mode: 0.6, max: 0.7 };
    let show = |v: f64| format!("{v:.2}");
    let p = aovlab::analysis::seek::place(0.6, &d, &show);
    assert!((p.quantile - 0.5).abs() < 1e-9 && p.text.starts_with("at its P50"), "{p:?}");
    let p = aovlab::analysis::seek::place(0.695, &d, &show);
    assert!(p.text.starts_with("above its P99"), "{p:?}");
    let p = aovlab::analysis::seek::place(0.8, &d, &show);
    assert!(p.text.contains("impossible under its assumptions"), "{p:?}");
}

/// Several fields moved together: the post-checkout and pre-checkout acceptances
/// scaled by a common relative change. The strategy shows no suggestions, so only the
/// post-checkout acceptance moves the AOV lift: the change found is the closed form's
/// `target / (slope x a0) - 1`, and each field's value is its assumed one scaled by it.
#[test]
fn fields_moved_together_reach_the_target_by_their_common_change() {
    let spec = spec();
    let outcome = Outcome { metric: Metric::AovLift, strategy: 1, versus: None };
    let free = [
        Free::parse("behaviour.post_checkout_base_accept").unwrap(),
        Free::parse("behaviour.pre_checkout_base_accept:0.5").unwrap(),
    ];
    let a0 = 0.4; // the helper's post-checkout base acceptance
    let want = 0.06 / (offer_aov_slope() * a0) - 1.0;
    let goal = Goal { free: &free, range: None, measure: &outcome, target: 0.06 };
    let s = seek(&spec, &goal, &RunOptions::default(), &|_| {}, &Default::default()).unwrap();
    assert!(s.relative && s.fields.len() == 2);
    let (r, se) = (s.value.unwrap(), s.se.unwrap());
    assert!((r - want).abs() < 3.0 * se + 2e-3, "found {r} ± {se}, the closed form gives {want}");
    let post = s.fields[0].value.unwrap();
    let pre = s.fields[1].value.unwrap();
    assert!((post - a0 * (1.0 + r)).abs() < 1e-12 && (pre - 0.3 * (1.0 + 0.5 * r)).abs() < 1e-12);
    // The default range keeps every field in its own: post-checkout reaches 1 first.
    assert!((s.range.1 - (1.0 / a0 - 1.0)).abs() < 1e-9, "{:?}", s.range);
    assert!(Free::parse("behaviour.satiation:0").is_err() && Free::parse("behaviour.satiation:x").is_err());
}
