//! Every shipped scenario validates and runs; the article scenario reproduces the
//! article's figures (the calibration the README promises).
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::io::{article, article_spec, load_scenario};
use aovlab::model::{Param, Scenario};
use aovlab::report::{Report, summarize};
use common::run;

#[test]
fn every_shipped_scenario_validates_and_runs() {
    let mut n = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let mut sc = load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
        sc.store.visitors = 20_000;
        sc.store.replications = 3;
        let r = summarize(&sc, &run(&sc, None).replications, 1.0, 1);
        for s in &r.strategies {
            let cr = s.metrics.conversion_rate.unwrap().mean;
            assert!(cr > 0.0 && cr < 1.0, "{}: {} conversion {cr}", path.display(), s.name);
        }
        n += 1;
    }
    assert!(n >= 3, "expected at least three scenarios, found {n}");
}

#[test]
fn the_embedded_scenario_is_the_shipped_article_file() {
    let shipped = std::fs::read_to_string("scenarios/article.toml").unwrap();
    assert_eq!(shipped, aovlab::io::scenario_file::ARTICLE_TOML);
}

fn lift(r: &Report, name: &str, f: fn(&aovlab::report::VsHoldout) -> Option<aovlab::stats::LiftSummary>) -> f64 {
    f(r.strategy(name).unwrap().vs_holdout.as_ref().unwrap()).unwrap().summary.mean
}

/// The article scenario under the article's own assumptions: every order can see the
/// confirmation-page offer and nobody is satiated (the shipped file sources both).
fn articles_world() -> Scenario {
    let mut spec = article_spec();
    for s in &mut spec.segments {
        s.post_checkout_eligibility = Param::Fixed(1.0);
    }
    spec.behaviour.satiation = Param::Fixed(0.0);
    Scenario::from_spec(spec).unwrap()
}

/// The article's figures under its own assumptions, with the scenario's own settings
/// (100 x 100,000 visitors).
#[test]
fn article_scenario_reproduces_the_article() {
    let sc = articles_world();
    let out = run(&sc, None);
    let r = summarize(&sc, &out.replications, 1.0, 1);

    let aov = lift(&r, "AOV-optimized", |v| v.lifts.aov_lift);
    let conv = lift(&r, "AOV-optimized", |v| v.lifts.conversion_rate_lift);
    assert!((0.15..=0.30).contains(&aov), "AOV-optimized AOV lift {aov}");
    assert!(conv.abs() <= 0.03, "AOV-optimized conversion lift {conv}");

    let rpv = lift(&r, "Conversion-optimized", |v| v.lifts.rpv_lift);
    assert!((0.05..=0.08).contains(&rpv), "Conversion-optimized RPV lift {rpv}");

    let window = lift(&r, "Tier prompt (25% window)", |v| v.lifts.rpv_lift);
    let universal = lift(&r, "Tier prompt (universal)", |v| v.lifts.rpv_lift);
    assert!(window > universal, "window {window} <= universal {universal}");
    let beats = |a: &str, b: &str| {
        r.strategy(a).unwrap().prob_beats_on_rpv.iter().find(|x| x.strategy == b).unwrap().probability
    };
    assert!(beats("Tier prompt (25% window)", "Tier prompt (universal)") >= 0.9);

    let matched = lift(&r, "Matched cross-sell only", |v| v.lifts.rpv_lift);
    let popular = lift(&r, "Popular cross-sell only", |v| v.lifts.rpv_lift);
    assert!(matched > popular, "matched {matched} <= popular {popular}");
    assert!(beats("Matched cross-sell only", "Popular cross-sell only") > 0.9);

    // AOV-optimized beats conversion-optimized on revenue per visitor.
    assert!(beats("AOV-optimized", "Conversion-optimized") > 0.9);

    // The confirmation page is the highest-leverage moment: post-checkout only beats
    // each pre-checkout-only strategy in nearly every replication, and on AOV too.
    assert!(beats("Post-checkout only", "Matched cross-sell only") >= 0.95);
    assert!(beats("Post-checkout only", "Popular cross-sell only") >= 0.95);
    let post_aov = lift(&r, "Post-checkout only", |v| v.lifts.aov_lift);
    assert!(post_aov > lift(&r, "Matched cross-sell only", |v| v.lifts.aov_lift));

    // Post-checkout only: conversion exactly unchanged in every replication.
    let post = sc.strategies.iter().position(|s| s.name() == "Post-checkout only").unwrap();
    for rep in &out.replications {
        assert_eq!(rep.strategies[post].orders, rep.strategies[sc.holdout].orders);
    }
    // Orders around $120 and add-ons of $15-30 in the catalog.
    let holdout_aov = r.strategies[sc.holdout].metrics.aov.unwrap().mean;
    assert!((105.0..=135.0).contains(&holdout_aov), "holdout AOV {holdout_aov}");
    assert_eq!(sc.store.annual_gmv, 50_000_000.0);

    // The report's checklist says the same, claim by claim, with the share of
    // replications in which each holds; the one the scenario's description calls
    // fragile (Conversion-optimized's 5-8% in each world) is reported, not hidden.
    let verdicts: Vec<(&str, f64)> = r.claims.iter().map(|c| (c.statement.as_str(), c.probability.unwrap())).collect();
    assert_eq!(verdicts.len(), aovlab::report::claims::ARTICLE.len(), "{verdicts:?}");
    for c in &r.claims {
        let p = c.probability.unwrap();
        if c.statement.starts_with("Conversion-optimized") {
            assert!((0.5..0.9).contains(&p), "{}: {p}", c.statement);
        } else {
            assert!(c.holds, "{}: {p} below {}", c.statement, c.holds_at);
        }
    }
}

/// The shipped article scenario, with its sourced post-purchase eligibility (about 70%)
/// and satiation: the two claims that rest on the confirmation page reaching every
/// order no longer hold (README, "The article's claims"), the rest read as before.
#[test]
fn the_shipped_articles_claims_with_sourced_eligibility() {
    let sc = article();
    let out = run(&sc, None);
    let r = summarize(&sc, &out.replications, 1.0, 1);
    let p = |start: &str| {
        let c = r.claims.iter().find(|c| c.statement.starts_with(start)).unwrap();
        (c.probability.unwrap(), c.net_probability)
    };
    let (post, post_net) = p("Post-checkout offers beat");
    assert!((0.3..0.8).contains(&post), "post-checkout beats pre-checkout-only: {post}");
    assert!(post_net.unwrap() < 0.95);
    let (aov_gap, _) = p("AOV-optimized lifts AOV by 15-30%");
    assert!(aov_gap < 0.5, "the 15-30% AOV gap: {aov_gap}");
    let aov = lift(&r, "AOV-optimized", |v| v.lifts.aov_lift);
    assert!((0.12..0.15).contains(&aov), "AOV-optimized AOV lift {aov}");
    assert_eq!(p("AOV-optimized beats Conversion-optimized"), (1.0, Some(1.0)));
    assert_eq!(p("Post-checkout offers leave conversion").0, 1.0);
    // Eligible orders are about 70% of orders, the same ones under every strategy.
    let share = r.strategy("Post-checkout only").unwrap().metrics.post_checkout_eligible_share.unwrap().mean;
    assert!((0.62..0.78).contains(&share), "eligible share {share}");
    // Net of its discount and its express checkout's fee, Conversion-optimized loses
    // margin; AOV-optimized earns it.
    let gain = |name: &str| {
        r.strategy(name).unwrap().vs_holdout.as_ref().unwrap().lifts.annual_incremental_net_margin.unwrap().summary.mean
    };
    assert!(gain("Conversion-optimized") < 0.0);
    assert!(gain("AOV-optimized") > 2_000_000.0);
}
