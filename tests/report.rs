//! The report's formulas (MODEL.md "Metrics" and rule 10) against a hand computation.
//!
//! Tallies are built from a few made-up visitors, and every metric and standard error
//! is computed again here from the visitors themselves, by the textbook forms: the
//! sample variance of per-visitor values, the residuals of a ratio, the influence
//! values of a lift. The engine computes the same quantities from the tallies' sums of
//! products, so the two routes share no code. Ten mutations of the report and the
//! summaries (a dropped variance term, a wrong sign, a standard deviation for a
//! standard error, a tie counted as a win ...) passed the rest of the suite; each fails
//! here.

mod common;

use aovlab::engine::RepCounts;
use aovlab::model::Scenario;
use aovlab::report::summarize;
use aovlab::report::{StrategyRep, replication_metrics};
use aovlab::stats::{Estimate, Summary};

/// The holdout and strategies "A" and "B" (levers off: only the tallies matter here),
/// annual GMV $1,000,000.
fn three_strategies() -> Scenario {
    common::scenario(&common::two_products(
        "visitors = 10\nreplications = 1\nseed = 1",
        "",
        "[[strategies]]\nname = \"A\"\n[[strategies]]\nname = \"B\"\n",
    ))
}

/// One replication's tallies from per-visitor (revenue, margin) in cents, one list per
/// strategy (the holdout first); a visitor orders when their revenue is positive.
fn tallies(replication: u32, carts: u64, visitors: &[&[(i64, i64)]]) -> RepCounts {
    let holdout = visitors[0];
    let mut rep = RepCounts::new(replication, visitors.len());
    rep.visitors = holdout.len() as u64;
    rep.carts = carts;
    for (t, list) in rep.strategies.iter_mut().zip(visitors) {
        assert_eq!(list.len(), holdout.len());
        for (&(r, m), &(rh, mh)) in list.iter().zip(holdout) {
            let (o, oh) = (r > 0, rh > 0);
            t.orders += u64::from(o);
            t.revenue += r;
            t.margin += m;
            t.revenue_sq += i128::from(r * r);
            t.margin_sq += i128::from(m * m);
            t.revenue_x_holdout += i128::from(r * rh);
            t.margin_x_holdout += i128::from(m * mh);
            t.orders_x_holdout += u64::from(o && oh);
            t.revenue_x_holdout_order += if oh { i128::from(r) } else { 0 };
            t.order_x_holdout_revenue += if o { i128::from(rh) } else { 0 };
        }
        // Every order's value is its intended cart unless a test says otherwise.
        t.src_base_cart = t.revenue;
    }
    rep
}

const HOLDOUT: [(i64, i64); 10] =
    [(5000, 2000), (0, 0), (12000, 5000), (0, 0), (0, 0), (8000, 3000), (0, 0), (0, 0), (3000, 1000), (0, 0)];
const A: [(i64, i64); 10] =
    [(6500, 2600), (0, 0), (12000, 4000), (4000, 1500), (0, 0), (8000, -500), (0, 0), (0, 0), (0, 0), (0, 0)];

fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// sqrt(sum (z - mean z)^2): the standard error of a sum of per-visitor influence
/// values `z` (the delta method for a ratio of totals).
fn influence_se(z: &[f64]) -> f64 {
    let m = mean(z);
    z.iter().map(|v| (v - m).powi(2)).sum::<f64>().sqrt()
}

/// The sample standard deviation over sqrt(n): the standard error of a mean.
fn mean_se(x: &[f64]) -> f64 {
    let m = mean(x);
    let var = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64;
    (var / x.len() as f64).sqrt()
}

#[track_caller]
fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-9 * want.abs().max(1e-3), "{what}: {got} vs {want}");
}

#[track_caller]
fn check(e: Option<Estimate>, value: f64, se: f64, what: &str) {
    let e = e.unwrap_or_else(|| panic!("{what}: undefined"));
    close(e.value, value, what);
    close(e.se, se, &format!("{what} standard error"));
}

/// Per visitor: (revenue in dollars, ordered 0/1, margin in dollars).
fn columns(list: &[(i64, i64)]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let r = list.iter().map(|&(r, _)| dollars(r)).collect();
    let o = list.iter().map(|&(r, _)| f64::from(u8::from(r > 0))).collect();
    let m = list.iter().map(|&(_, m)| dollars(m)).collect();
    (r, o, m)
}

#[test]
fn one_replication_matches_the_hand_computation() {
    let sc = three_strategies();
    let carts = 7;
    let mut rep = tallies(0, carts, &[&HOLDOUT, &A, &HOLDOUT]);
    // A's revenue by source: $285 of carts, $15 cross-sell, $15 post-checkout, -$10
    // of discounts (sums to its $305), and some shown and accepted counts.
    let a = &mut rep.strategies[1];
    (a.src_base_cart, a.src_cross_sell, a.src_post_checkout, a.src_discounts) = (28500, 1500, 1500, -1000);
    (a.upgrades, a.post_shown, a.post_accepted) = (1, 4, 1);
    // Pre-checkout counts, partly estimated: three sampled abandoners (weight 8) saw
    // (3 shown, 1 taken), (3, 0) and (2, 2); the exact part is 12 shown, 3 taken.
    let sampled = [(3u64, 1u64), (3, 0), (2, 2)];
    let w = aovlab::engine::session::ABANDONER_WEIGHT;
    a.pre_shown = 12 + w * sampled.iter().map(|s| s.0).sum::<u64>();
    a.pre_accepted = 3 + w * sampled.iter().map(|s| s.1).sum::<u64>();
    for (s, t) in sampled {
        let f = w * (w - 1);
        a.pre_sampling_var[0] += f * s * s;
        a.pre_sampling_var[1] += f * t * t;
        a.pre_sampling_var[2] += f * s * t;
    }
    let metrics = replication_metrics(&sc, &rep);
    let m: &StrategyRep = &metrics[1];

    let n = HOLDOUT.len() as f64;
    let (r, o, g) = columns(&A);
    let (rh, oh, gh) = columns(&HOLDOUT);
    let (rs, os, ms) = (r.iter().sum::<f64>(), o.iter().sum::<f64>(), g.iter().sum::<f64>());
    let (rhs, ohs, mhs) = (rh.iter().sum::<f64>(), oh.iter().sum::<f64>(), gh.iter().sum::<f64>());
    let binomial = |p: f64, n: f64| (p * (1.0 - p) / n).sqrt();

    let cr = os / n;
    check(m.levels.conversion_rate, cr, binomial(cr, n), "conversion");
    let abandon = 1.0 - os / carts as f64;
    check(m.levels.cart_abandonment_rate, abandon, binomial(abandon, carts as f64), "abandonment");
    let aov = rs / os;
    let residuals: Vec<f64> = r.iter().zip(&o).map(|(x, y)| x - aov * y).collect();
    check(m.levels.aov, aov, residuals.iter().map(|e| e * e).sum::<f64>().sqrt() / os, "AOV");
    check(m.levels.revenue_per_visitor, mean(&r), mean_se(&r), "RPV");
    check(m.levels.gross_margin_per_visitor, mean(&g), mean_se(&g), "margin per visitor");
    check(m.levels.tier_upgrade_rate, 0.1, binomial(0.1, n), "upgrade rate");
    check(m.levels.post_checkout_acceptance_rate, 0.25, binomial(0.25, 4.0), "post-checkout acceptance");
    // Pre-checkout acceptance: binomial variance plus the Horvitz-Thompson variance of
    // (accepted - theta x shown), W (W - 1) sum over the sampled (a - theta s)^2.
    let w = w as f64;
    let (shown, taken) = (12.0 + w * 8.0, 3.0 + w * 3.0);
    let theta = taken / shown;
    let ht: f64 = sampled.iter().map(|&(s, t)| w * (w - 1.0) * (t as f64 - theta * s as f64).powi(2)).sum();
    check(
        m.levels.pre_checkout_acceptance_rate,
        theta,
        (binomial(theta, shown).powi(2) + ht / (shown * shown)).sqrt(),
        "pre-checkout acceptance",
    );
    assert_eq!(m.levels.tier_prompt_acceptance_rate, None, "no prompt shown: undefined (MODEL.md rule 10)");

    let vs = m.vs.as_ref().expect("A against the holdout");
    let lift = |s: &[f64], h: &[f64], ts: f64, th: f64| {
        let theta = ts / th;
        let z: Vec<f64> = s.iter().zip(h).map(|(a, b)| (a - theta * b) / th).collect();
        (theta - 1.0, influence_se(&z))
    };
    let (l, se) = lift(&r, &rh, rs, rhs);
    check(vs.lifts.rpv_lift, l, se, "RPV lift");
    check(vs.lifts.annual_gmv_impact, 1_000_000.0 * l, 1_000_000.0 * se, "annual GMV impact");
    let (l, se) = lift(&o, &oh, os, ohs);
    check(vs.lifts.conversion_rate_lift, l, se, "conversion lift");
    let (l, se) = lift(&g, &gh, ms, mhs);
    check(vs.lifts.margin_lift, l, se, "margin lift");
    // AOV lift: (R_s / O_s) / (R_h / O_h), linearised on the log scale.
    let aov_ratio = (rs / os) / (rhs / ohs);
    let z: Vec<f64> = (0..r.len()).map(|i| r[i] / rs - o[i] / os - rh[i] / rhs + oh[i] / ohs).collect();
    check(vs.lifts.aov_lift, aov_ratio - 1.0, aov_ratio * influence_se(&z), "AOV lift");
    let (lc, la) = (vs.log_conversion.unwrap(), vs.log_aov.unwrap());
    close(lc, (os / ohs).ln(), "log conversion");
    close(la, aov_ratio.ln(), "log AOV");
    close(lc + la, (rs / rhs).ln(), "log decomposition sums to log RPV ratio");
    // Revenue by source against the holdout: the change per visitor.
    let per_visitor = |cents: i64| dollars(cents) / n;
    close(vs.sources.base_cart, per_visitor(28500 - 28000), "base cart change");
    close(vs.sources.cross_sell, per_visitor(1500), "cross-sell change");
    close(vs.sources.post_checkout, per_visitor(1500), "post-checkout change");
    close(vs.sources.discounts, per_visitor(-1000), "discount change");
    let total: f64 = vs.sources.parts().iter().map(|p| p.1).sum();
    close(total, (rs - rhs) / n, "sources sum to the RPV change");

    // B is the holdout's twin: every lift is exactly 0 with a standard error of 0.
    let twin = metrics[2].vs.as_ref().unwrap();
    for (what, e) in [("RPV", twin.lifts.rpv_lift), ("AOV", twin.lifts.aov_lift), ("margin", twin.lifts.margin_lift)] {
        let e = e.unwrap();
        assert!(e.value == 0.0 && e.se < 1e-6, "twin {what} lift {e:?}");
    }
}

#[test]
fn margin_lift_is_undefined_when_the_holdout_margin_is_not_positive() {
    // MODEL.md: M_s / M_h - 1 means nothing when M_h <= 0 (a loss-making holdout).
    let sc = three_strategies();
    let losing = [(5000, -2000), (0, 0), (3000, 500)];
    let rep = tallies(0, 3, &[&losing, &[(5000, 1000), (0, 0), (3000, 500)], &losing]);
    let vs = replication_metrics(&sc, &rep)[1].vs.clone().unwrap();
    assert_eq!(vs.lifts.margin_lift, None, "holdout margin -$15");
    assert!(vs.lifts.rpv_lift.is_some());
}

/// Replication `i`'s A: the holdout with visitor 0's revenue changed by `delta` cents.
fn a_rep(i: u32, delta: i64) -> RepCounts {
    let mut a = HOLDOUT;
    a[0].0 += delta;
    tallies(i, 5, &[&HOLDOUT, &a, &HOLDOUT])
}

#[test]
fn summaries_across_replications_follow_rule_10() {
    let sc = three_strategies();
    // A's RPV lift per replication: +$10, $0 (a tie), -$5, +$20, +$2 on the holdout's $280.
    let deltas = [1000, 0, -500, 2000, 200];
    let reps: Vec<RepCounts> = deltas.iter().enumerate().map(|(i, &d)| a_rep(i as u32, d)).collect();
    // Given in any order, summarised in replication order.
    let mut shuffled = reps.clone();
    shuffled.reverse();
    let report = summarize(&sc, &shuffled, 1.0, 1);
    assert_eq!(report, summarize(&sc, &reps, 1.0, 1));
    let a = report.strategy("A").unwrap();
    let lifts: Vec<f64> = deltas.iter().map(|&d| d as f64 / 28000.0).collect();
    let s = a.vs_holdout.as_ref().unwrap().lifts.rpv_lift.unwrap();
    close(s.summary.mean, mean(&lifts), "mean of the lifts");
    close(s.summary.se, mean_se(&lifts), "standard error across replications");
    // Type-7 percentiles of the sorted lifts (-5, 0, 2, 10, 20)/280: h = 4p.
    let sorted = [-500.0, 0.0, 200.0, 1000.0, 2000.0].map(|c| c / 28000.0);
    close(s.summary.p05, sorted[0] + 0.2 * (sorted[1] - sorted[0]), "P5");
    close(s.summary.p50, sorted[2], "median");
    close(s.summary.p95, sorted[3] + 0.8 * (sorted[4] - sorted[3]), "P95");
    assert_eq!(s.summary.n, 5);
    assert_eq!(s.prob_positive, 0.6, "a lift of exactly 0 is not positive");
    // Head to head on RPV: a tie is not a win, either way.
    let beats = |x: &str, y: &str| {
        report.strategy(x).unwrap().prob_beats_on_rpv.iter().find(|b| b.strategy == y).unwrap().probability
    };
    assert_eq!(beats("A", "Holdout"), 0.6);
    assert_eq!(beats("Holdout", "A"), 0.2);
    assert_eq!(beats("B", "Holdout"), 0.0, "the holdout's twin ties every replication");
}

#[test]
fn one_replication_reports_its_within_replication_error() {
    // With a single replication there is no spread to measure: the summary's standard
    // error is the delta-method one of that replication (MODEL.md "Metrics").
    let sc = three_strategies();
    let rep = a_rep(0, 1000);
    let within = replication_metrics(&sc, &rep)[1].clone();
    let report = summarize(&sc, &[rep], 1.0, 1);
    let a = report.strategy("A").unwrap();
    let same = |s: Option<Summary>, e: Option<Estimate>, what: &str| {
        let (s, e) = (s.unwrap(), e.unwrap());
        assert_eq!((s.mean, s.se, s.n), (e.value, e.se, 1), "{what}");
        assert!(e.se > 0.0, "{what}: a standard error to carry");
    };
    same(a.metrics.revenue_per_visitor, within.levels.revenue_per_visitor, "RPV");
    same(a.metrics.aov, within.levels.aov, "AOV");
    let vs = a.vs_holdout.as_ref().unwrap();
    same(vs.lifts.rpv_lift.map(|l| l.summary), within.vs.unwrap().lifts.rpv_lift, "RPV lift");
}

/// The dashboard's "conversion effect + AOV effect" bars: in every replication the two
/// parts add up to the RPV lift exactly, each has the sign of its log ratio, and the
/// conversion part of a post-checkout-only strategy is exactly zero.
#[test]
fn rpv_parts_add_up_to_the_rpv_lift() {
    let mut sc = aovlab::io::article();
    sc.store.replications = 6;
    sc.store.visitors = 5_000;
    let out = common::run(&sc, Some(1));
    let post = sc.strategies.iter().position(|s| s.name() == "Post-checkout only").unwrap();
    let mut checked = 0;
    for rep in &out.replications {
        for (k, s) in replication_metrics(&sc, rep).iter().enumerate() {
            let Some(vs) = &s.vs else { continue };
            let ([c, a], rpv) = (vs.rpv_parts.unwrap(), vs.lifts.rpv_lift.unwrap().value);
            assert!((c + a - rpv).abs() <= 1e-12 * rpv.abs().max(1.0), "{c} + {a} != {rpv}");
            assert!(c * vs.log_conversion.unwrap() >= 0.0 && a * vs.log_aov.unwrap() >= 0.0);
            if k == post {
                assert_eq!(c, 0.0);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * (sc.strategies.len() - 1));
    // Means are linear, so the summaries add up too.
    let r = summarize(&sc, &out.replications, 1.0, 1);
    for s in r.strategies.iter().filter(|s| !s.is_holdout) {
        let v = s.vs_holdout.as_ref().unwrap();
        let parts = v.rpv_decomposition.conversion.unwrap().mean + v.rpv_decomposition.aov.unwrap().mean;
        close(parts, v.lifts.rpv_lift.unwrap().summary.mean, &s.name);
    }
}
