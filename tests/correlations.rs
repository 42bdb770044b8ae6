//! Correlated inputs: the declared rank correlations are achieved, inconsistent or
//! wrong declarations are refused with the reason, and inputs left out stay as they
//! were.

use aovlab::analysis::sensitivity::spearman;
use aovlab::engine::world::drawn_inputs;
use aovlab::io::parse_scenario;
use aovlab::io::scenario_file::ARTICLE_TOML;
use aovlab::model::Scenario;

const PRE: &str = "behaviour.pre_checkout_base_accept";
const POST: &str = "behaviour.post_checkout_base_accept";
const FRICTION: &str = "behaviour.friction_per_slot";
const STRATEGY_FRICTION: &str = r#"strategies.\"Conversion-optimized\".checkout.friction_reduction"#;

/// The article with these `[[correlations]]` (first, second, rank) appended.
fn article_with(pairs: &[(&str, &str, f64)]) -> Result<Scenario, String> {
    // The article without its own correlations (its segments' eligibility).
    let (head, rest) = ARTICLE_TOML
        .split_once("# ---------------------------------------------------------------- correlations")
        .expect("the article's correlations section");
    let tail = &rest[rest
        .find("# ---------------------------------------------------------------- loyalty tiers")
        .expect("the tiers section")..];
    let mut text = format!("{head}{tail}");
    for (a, b, r) in pairs {
        text.push_str(&format!("\n[[correlations]]\nfirst = \"{a}\"\nsecond = \"{b}\"\nrank = {r}\n"));
    }
    parse_scenario(&text, "article+correlations").map_err(|e| e.to_string())
}

fn column(sc: &Scenario, path: &str) -> usize {
    sc.uncertain_inputs().iter().position(|(p, _)| *p == path).unwrap_or_else(|| panic!("{path}"))
}

fn draws(sc: &Scenario, reps: u32) -> Vec<Vec<f64>> {
    (0..reps).map(|r| drawn_inputs(sc, r)).collect()
}

fn rank_correlation(d: &[Vec<f64>], a: usize, b: usize) -> f64 {
    let x: Vec<f64> = d.iter().map(|r| r[a]).collect();
    let y: Vec<f64> = d.iter().map(|r| r[b]).collect();
    spearman(&x, &y).expect("defined")
}

#[test]
fn declared_rank_correlations_are_achieved_over_a_thousand_replications() {
    let sc = article_with(&[(PRE, POST, 0.6), (FRICTION, PRE, -0.4), (STRATEGY_FRICTION, POST, 0.3)]).unwrap();
    let d = draws(&sc, 1_000);
    let (pre, post, friction) = (column(&sc, PRE), column(&sc, POST), column(&sc, FRICTION));
    let strategy = column(&sc, "strategies[1].checkout.friction_reduction");
    for (a, b, want) in [(pre, post, 0.6), (friction, pre, -0.4), (strategy, post, 0.3)] {
        let got = rank_correlation(&d, a, b);
        assert!((got - want).abs() <= 0.05, "declared {want}, achieved {got}");
    }
    // Implied, not declared: friction and post move together only through pre.
    let implied = rank_correlation(&d, friction, post);
    assert!(implied.abs() < 0.35, "{implied}");
    // Every draw stays within its distribution's support.
    assert!(d.iter().all(|r| (0.21..=0.31).contains(&r[pre]) && (0.50..=0.70).contains(&r[post])));
}

#[test]
fn inputs_outside_every_correlation_draw_exactly_as_before() {
    let plain = article_with(&[]).unwrap();
    let correlated = article_with(&[(PRE, POST, 0.8)]).unwrap();
    let (a, b) = (draws(&plain, 200), draws(&correlated, 200));
    let friction = column(&plain, FRICTION);
    assert_eq!(friction, column(&correlated, FRICTION));
    assert!(a.iter().zip(&b).all(|(x, y)| x[friction] == y[friction]));
    // The correlated ones keep their distributions: same support, similar means.
    let pre = column(&plain, PRE);
    let mean = |d: &[Vec<f64>]| d.iter().map(|r| r[pre]).sum::<f64>() / d.len() as f64;
    assert!((mean(&a) - mean(&b)).abs() < 0.003, "{} vs {}", mean(&a), mean(&b));
    assert!(plain.copula.is_none() && correlated.copula.is_some());
}

#[test]
fn inconsistent_or_wrong_correlations_are_refused_with_the_reason() {
    let err = |pairs: &[(&str, &str, f64)]| article_with(pairs).expect_err("refused");
    let e = err(&[(PRE, POST, 0.9), (POST, FRICTION, 0.9), (PRE, FRICTION, -0.9)]);
    assert!(e.contains("cannot hold together"), "{e}");
    let e = err(&[(PRE, "behaviour.nonsense", 0.5)]);
    assert!(e.contains("correlations[0].second") && e.contains("no field"), "{e}");
    let e = err(&[(PRE, "store.annual_gmv", 0.5)]);
    assert!(e.contains("not an uncertain input"), "{e}");
    let e = err(&[(PRE, PRE, 0.5)]);
    assert!(e.contains("same input"), "{e}");
    let e = err(&[(PRE, POST, 0.5), (POST, PRE, 0.2)]);
    assert!(e.contains("already has a correlation"), "{e}");
    let e = err(&[(PRE, POST, 1.5)]);
    assert!(e.contains("correlations[0].rank") && e.contains("-0.99"), "{e}");
}

#[test]
fn a_correlation_with_a_fixed_input_has_no_effect() {
    // Baseline relevance is fixed in the article: nothing is drawn for it.
    let sc = article_with(&[(PRE, "behaviour.baseline_relevance", 0.7)]).unwrap();
    assert!(sc.copula.is_none());
    let plain = article_with(&[]).unwrap();
    assert_eq!(draws(&sc, 50), draws(&plain, 50));
}

#[test]
fn holding_a_correlated_input_draws_its_partner_given_the_held_value() {
    // Rank 0.9: the normals' correlation is 2 sin(0.9 pi / 6) = 0.908. Holding PRE at
    // its P90 (normal score 1.2816) puts POST's normal at 0.908 x 1.2816 = 1.164 with
    // sd sqrt(1 - 0.908^2) = 0.419, so POST's median draw sits at about its P88.
    let sc = article_with(&[(PRE, POST, 0.9)]).unwrap();
    let dist = |path: &str| match &sc.uncertain_inputs()[column(&sc, path)].1.param {
        aovlab::model::Param::Dist(d) => d.clone(),
        other => panic!("{path} is {other:?}"),
    };
    let (pre_dist, post_dist) = (dist(PRE), dist(POST));
    let held = sc.clone().hold(PRE, pre_dist.quantile(0.9)).unwrap();
    let (pre, post) = (column(&sc, PRE), column(&sc, POST));
    let d = draws(&held, 1_000);
    assert!(d.iter().all(|r| r[pre] == pre_dist.quantile(0.9)), "the held input keeps its value");
    let mut q: Vec<f64> = d.iter().map(|r| post_dist.cdf(r[post])).collect();
    q.sort_by(f64::total_cmp);
    let median = q[q.len() / 2];
    assert!((0.84..=0.92).contains(&median), "POST's median draw at its P{:.0}", 100.0 * median);
    // Its spread is the conditional one, narrower than the marginal's: the middle 80%
    // of the conditional normal spans 2 x 1.2816 x 0.419 = 1.07 normal units, against
    // 2.56 for the marginal.
    let z = |p: f64| aovlab::stats::normal_quantile(p);
    let width = z(q[q.len() * 9 / 10]) - z(q[q.len() / 10]);
    assert!((0.95..=1.2).contains(&width), "{width}");
    // Held at its P10, the partner moves down instead; and an uncorrelated input's
    // draws are untouched.
    let low = sc.clone().hold(PRE, pre_dist.quantile(0.1)).unwrap();
    let mut q: Vec<f64> = draws(&low, 1_000).iter().map(|r| post_dist.cdf(r[post])).collect();
    q.sort_by(f64::total_cmp);
    assert!((0.08..=0.16).contains(&q[q.len() / 2]), "{}", q[q.len() / 2]);
    let friction = column(&sc, FRICTION);
    let plain = draws(&sc, 200);
    assert!(draws(&held, 200).iter().zip(&plain).all(|(a, b)| a[friction] == b[friction]));
}

#[test]
fn a_held_segment_share_keeps_its_value_and_the_others_fill_the_rest() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/electronics-wide-uncertainty.toml"))
            .unwrap();
    let sc = parse_scenario(&text, "electronics").unwrap();
    let shares: Vec<(String, aovlab::model::Dist)> = sc
        .segments
        .iter()
        .filter_map(|s| match &s.share.param {
            aovlab::model::Param::Dist(d) => Some((s.share.path.clone(), d.clone())),
            aovlab::model::Param::Fixed(_) => None,
        })
        .collect();
    assert!(!shares.is_empty(), "the scenario has an uncertain share");
    let (path, dist) = &shares[0];
    let at = dist.quantile(0.1);
    let held = sc.clone().hold(path, at).unwrap();
    let k = sc.segments.iter().position(|s| &s.share.path == path).unwrap();
    for rep in 0..50 {
        let plain = aovlab::engine::world::Realized::draw(&sc, rep);
        let w = aovlab::engine::world::Realized::draw(&held, rep);
        let total: f64 = w.segments.iter().map(|s| s.share).sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        assert_eq!(w.segments[k].share, at);
        // The others keep their drawn proportions to one another.
        let others = |x: &aovlab::engine::world::Realized| -> Vec<f64> {
            let rest: f64 = x.segments.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, s)| s.share).sum();
            x.segments.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, s)| s.share / rest).collect()
        };
        for (a, b) in others(&plain).iter().zip(others(&w)) {
            assert!((a - b).abs() < 1e-12);
        }
    }
    // Holding something that is not an input, or the holdout's lever, is refused.
    let e = sc.clone().hold("store.visitors", 5.0).unwrap_err();
    assert_eq!(e, aovlab::model::HoldError::NotAnInput("store.visitors".into()));
    assert!(e.to_string().contains("cannot be held"), "{e}");
    let holdout = format!("strategies[{}].checkout.friction_reduction", sc.holdout);
    let e = sc.clone().hold(&holdout, 0.1).unwrap_err();
    assert!(matches!(e, aovlab::model::HoldError::HoldoutLever(_)));
    assert!(e.to_string().contains("lever of the holdout"), "{e}");
}

#[test]
fn held_shares_always_describe_all_the_traffic() {
    use aovlab::engine::world::{SegmentDraw, normalise_shares};
    let seg = |share: f64| SegmentDraw {
        share,
        add_to_cart_rate: 0.0,
        checkout_completion: 0.0,
        mean_cart_size: 1.0,
        propensity: 1.0,
        price_sensitivity: 1.0,
        friction_sensitivity: 1.0,
        post_eligibility: 1.0,
        member_share: 0.0,
    };
    let shares = |v: &[SegmentDraw]| v.iter().map(|s| s.share).collect::<Vec<_>>();
    // Every share held, below 1 in total: scaled to 1.
    let mut s = vec![seg(0.3), seg(0.3)];
    normalise_shares(&mut s, &[true, true]);
    assert_eq!(shares(&s), [0.5, 0.5]);
    // Every share held at 0: equal traffic, never none (which would panic).
    let mut s = vec![seg(0.0), seg(0.0)];
    normalise_shares(&mut s, &[true, true]);
    assert_eq!(shares(&s), [0.5, 0.5]);
    // Held shares past 1: the others get none.
    let mut s = vec![seg(0.7), seg(0.6), seg(0.2)];
    normalise_shares(&mut s, &[true, true, false]);
    assert!((s[0].share - 0.7 / 1.3).abs() < 1e-12 && s[2].share == 0.0);
    // One held, the others in their proportions.
    let mut s = vec![seg(0.25), seg(0.2), seg(0.6)];
    normalise_shares(&mut s, &[true, false, false]);
    assert!((s[0].share - 0.25).abs() < 1e-12 && (s[1].share - 0.75 * 0.25).abs() < 1e-12);
}
