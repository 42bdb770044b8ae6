//! The claims checklist: each claim's share is the count of replications in which it
//! holds, computed here by hand from the same replications.
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::io::article;
use aovlab::report::claims::{ARTICLE, Claim, Test, applies, check};
use aovlab::report::{Metric, Replication, replication};

fn small_article() -> (Vec<String>, Vec<Replication>) {
    let mut sc = article();
    sc.store.replications = 12;
    sc.store.visitors = 4_000;
    let out = common::run(&sc, Some(1));
    let names = sc.strategies.iter().map(|s| s.name().to_string()).collect();
    (names, out.replications.iter().map(|r| replication(&sc, r)).collect())
}

fn claim(test: Test) -> Claim {
    Claim { statement: "test", source: "test", test, holds_at: 0.5 }
}

#[test]
fn shares_are_counts_of_replications() {
    let (names, reps) = small_article();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let refs: Vec<&Replication> = reps.iter().collect();
    let k = |s: &str| names.iter().position(|n| *n == s).unwrap();
    let (post, matched, popular) =
        (k("Post-checkout only"), k("Matched cross-sell only"), k("Popular cross-sell only"));

    // Beats every other: the joint event, not the smallest pairwise share.
    let both = reps
        .iter()
        .filter(|r| {
            let rev = |i: usize| r.strategies[i].revenue_cents;
            rev(post) > rev(matched) && rev(post) > rev(popular)
        })
        .count();
    let o = &check(&ARTICLE[..1], &names, &refs)[0];
    assert_eq!(o.probability, Some(both as f64 / reps.len() as f64));
    assert_eq!(o.replications, reps.len());

    // Strictly: a strategy never beats itself.
    let selfie = check(&[claim(Test::Beats { strategy: "AOV-optimized", others: &["AOV-optimized"] })], &names, &refs);
    assert_eq!(selfie[0].probability, Some(0.0));
    assert!(!selfie[0].holds());

    // Within: the count of replications whose lift lies in the range.
    let (min, max) = (0.15, 0.30);
    let aov = k("AOV-optimized");
    let inside = reps
        .iter()
        .filter(|r| (min..=max).contains(&Metric::AovLift.estimate(&r.strategies[aov]).unwrap().value))
        .count();
    let within = Test::Within { strategy: "AOV-optimized", metric: Metric::AovLift, min, max };
    assert_eq!(check(&[claim(within)], &names, &refs)[0].probability, Some(inside as f64 / reps.len() as f64));

    // Zero: post-checkout offers never change conversion; cross-sell always does.
    let zero = |s| check(&[claim(Test::Zero { strategy: s, metric: Metric::ConversionRateLift })], &names, &refs);
    assert_eq!(zero("Post-checkout only")[0].probability, Some(1.0));
    assert_eq!(zero("Matched cross-sell only")[0].probability, Some(0.0));
}

#[test]
fn a_claim_about_a_missing_strategy_is_unanswerable_not_false() {
    let (names, reps) = small_article();
    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    let refs: Vec<&Replication> = reps.iter().collect();
    assert!(applies(ARTICLE, &names));
    let post = names.iter().position(|n| *n == "Post-checkout only").unwrap();
    names[post] = "Renamed";
    assert!(!applies(ARTICLE, &names));
    let outcomes = check(ARTICLE, &names, &refs);
    let missing: Vec<_> = outcomes.iter().filter(|o| o.probability.is_none()).collect();
    assert!(!missing.is_empty());
    for o in missing {
        assert!(o.unanswerable.as_deref().unwrap().contains("no strategy named"), "{o:?}");
        assert!(!o.holds());
    }
    // No replications: undecided, not 0%.
    let none = check(ARTICLE, &["Post-checkout only", "Matched cross-sell only", "Popular cross-sell only"], &[]);
    assert_eq!(none[0].probability, None);
}

#[test]
fn reports_carry_the_article_claims_only_for_the_article_strategies() {
    let sc = article();
    let mut small = sc.clone();
    small.store.replications = 3;
    small.store.visitors = 2_000;
    let out = common::run(&small, Some(1));
    let r = aovlab::report::summarize(&small, &out.replications, 1.0, 1);
    assert_eq!(r.claims.len(), ARTICLE.len());
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"claims\""));

    assert_eq!(r.claims_title, "The article's claims");

    // The apparel scenario answers its own questions, not the article's.
    let mut other = aovlab::io::load_scenario(std::path::Path::new("scenarios/apparel-free-shipping.toml")).unwrap();
    other.store.replications = 2;
    other.store.visitors = 1_000;
    let out = common::run(&other, Some(1));
    let r = aovlab::report::summarize(&other, &out.replications, 1.0, 1);
    assert_eq!(r.claims_title, "The free-shipping questions");
    assert_eq!(r.claims.len(), aovlab::report::claims::FREE_SHIPPING.len());
    // A scenario with the strategies of neither answers none.
    let mut plain = other.clone();
    plain.strategies.retain(|s| s.name != "Threshold $100");
    plain.holdout = 0;
    let out = common::run(&plain, Some(1));
    let r = aovlab::report::summarize(&plain, &out.replications, 1.0, 1);
    assert!(r.claims.is_empty() && r.claims_title.is_empty());
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("\"claims\"") && !json.contains("claims_title"));
}
