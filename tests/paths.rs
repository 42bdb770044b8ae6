//! The fast path (counted carts, strategies skipped where the shopper cannot
//! complete) against the counted path on the same random numbers (primary tallies
//! identical, estimated counts within their reported sampling error) and against the
//! per-visitor reference path (the same expectations within Monte Carlo error), and
//! the exact identities on every path.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::AtomicBool;

use aovlab::engine::{self, RunOptions, SimPath as Path, StrategyCounts};
use aovlab::report::summarize;
use aovlab::stats::Summary;

fn report(sc: &aovlab::model::Scenario, path: Path) -> (aovlab::report::Report, Vec<aovlab::engine::RepCounts>) {
    let cancel = AtomicBool::new(false);
    let out = engine::run(sc, &RunOptions { path, ..RunOptions::default() }, &|_| {}, &cancel).unwrap();
    (summarize(sc, &out.replications, 1.0, 1), out.replications)
}

/// `t` with its pre-checkout suggestion and tier-prompt counts (shown, accepted and
/// their sampling variance) zeroed: what the paths may estimate differently.
fn without_suggestion_and_tier_counts(t: &StrategyCounts) -> StrategyCounts {
    StrategyCounts {
        pre_shown: 0,
        pre_accepted: 0,
        tier_shown: 0,
        tier_accepted: 0,
        pre_sampling_var: [0; 3],
        tier_sampling_var: [0; 3],
        ..t.clone()
    }
}

fn close(a: &Summary, b: &Summary, what: &str) {
    let se = (a.se * a.se + b.se * b.se).sqrt();
    assert!(
        (a.mean - b.mean).abs() <= 4.0 * se + 1e-12,
        "{what}: counted {} vs per-visitor {} (se {se})",
        a.mean,
        b.mean
    );
}

#[test]
fn counted_and_per_visitor_paths_agree_in_distribution() {
    let text = aovlab::io::scenario_file::ARTICLE_TOML
        .replace("visitors = 100_000", "visitors = 30_000")
        .replace("replications = 100 ", "replications = 120 ");
    let sc = common::scenario(&text);
    let (fast, fast_reps) = report(&sc, Path::Fast);
    let (plain, plain_reps) = report(&sc, Path::PerVisitor);
    assert_ne!(fast_reps, plain_reps, "the paths use different random numbers");
    for (f, p) in fast.strategies.iter().zip(&plain.strategies) {
        let (fm, pm) = (&f.metrics, &p.metrics);
        close(&fm.conversion_rate.unwrap(), &pm.conversion_rate.unwrap(), &format!("{} conversion", f.name));
        close(&fm.aov.unwrap(), &pm.aov.unwrap(), &format!("{} AOV", f.name));
        close(&fm.revenue_per_visitor.unwrap(), &pm.revenue_per_visitor.unwrap(), &format!("{} RPV", f.name));
        close(
            &fm.gross_margin_per_visitor.unwrap(),
            &pm.gross_margin_per_visitor.unwrap(),
            &format!("{} margin", f.name),
        );
        close(
            &fm.cart_abandonment_rate.unwrap(),
            &pm.cart_abandonment_rate.unwrap(),
            &format!("{} abandonment", f.name),
        );
        for (a, b, what) in [
            (fm.pre_checkout_acceptance_rate, pm.pre_checkout_acceptance_rate, "pre-checkout acceptance"),
            (fm.tier_prompt_acceptance_rate, pm.tier_prompt_acceptance_rate, "tier acceptance"),
            (fm.post_checkout_acceptance_rate, pm.post_checkout_acceptance_rate, "post-checkout acceptance"),
        ] {
            assert_eq!(a.is_some(), b.is_some(), "{} {what}", f.name);
            if let (Some(a), Some(b)) = (a, b) {
                close(&a, &b, &format!("{} {what}", f.name));
            }
        }
        if let (Some(fv), Some(pv)) = (&f.vs_holdout, &p.vs_holdout) {
            close(
                &fv.lifts.rpv_lift.unwrap().summary,
                &pv.lifts.rpv_lift.unwrap().summary,
                &format!("{} RPV lift", f.name),
            );
            close(
                &fv.lifts.aov_lift.unwrap().summary,
                &pv.lifts.aov_lift.unwrap().summary,
                &format!("{} AOV lift", f.name),
            );
            close(
                &fv.lifts.conversion_rate_lift.unwrap().summary,
                &pv.lifts.conversion_rate_lift.unwrap().summary,
                &format!("{} conversion lift", f.name),
            );
        }
    }
    // Both paths simulate every visitor of every replication.
    for (a, b) in fast_reps.iter().zip(&plain_reps) {
        assert_eq!(a.visitors, b.visitors);
    }
}

#[test]
fn exact_identities_hold_on_both_paths() {
    let strategies =
        "[[strategies]]\nname = \"Twin\"\n[[strategies]]\nname = \"Post\"\npost_checkout = { policy = \"matched\" }\n";
    let sc = common::scenario(&common::two_products("visitors = 20_000\nreplications = 10\nseed = 3", "", strategies));
    for path in [Path::Fast, Path::Counted, Path::PerVisitor] {
        let (_, reps) = report(&sc, path);
        for r in &reps {
            assert_eq!(r.strategies[1], r.strategies[0], "{path:?}: a lever-off twin equals the holdout");
            assert_eq!(
                r.strategies[2].orders, r.strategies[0].orders,
                "{path:?}: post-checkout leaves orders unchanged"
            );
        }
    }
    // Where the world is deterministic, so are both paths: nobody builds a cart.
    let none = common::two_products("visitors = 5_000\nreplications = 2\nseed = 3", "", "")
        .replace("add_to_cart_rate = 0.3", "add_to_cart_rate = 0.0");
    let sc = common::scenario(&none);
    assert_eq!(report(&sc, Path::Fast).1, report(&sc, Path::PerVisitor).1);
    assert_eq!(report(&sc, Path::Counted).1, report(&sc, Path::PerVisitor).1);
}

/// The fast path skips only work that cannot change an order: on the same random
/// numbers as the counted path, every tally is identical except the pre-checkout and
/// tier-prompt shown and accepted counts, which it estimates by sampling shoppers who
/// cannot complete. Those estimates differ from the exact counts by no more than their
/// reported sampling error allows.
#[test]
fn fast_path_is_the_counted_path_with_estimated_secondary_counts() {
    let text = aovlab::io::scenario_file::ARTICLE_TOML
        .replace("visitors = 100_000", "visitors = 50_000")
        .replace("replications = 100 ", "replications = 40 ");
    let sc = common::scenario(&text);
    let (_, fast) = report(&sc, Path::Fast);
    let (_, exact) = report(&sc, Path::Counted);
    let (mut z_sum, mut z_sq, mut n_z, mut estimated) = (0.0, 0.0, 0.0, 0);
    for (f, e) in fast.iter().zip(&exact) {
        assert_eq!((f.visitors, f.carts), (e.visitors, e.carts));
        for (k, (a, b)) in f.strategies.iter().zip(&e.strategies).enumerate() {
            assert_eq!(b.pre_sampling_var, [0; 3], "the counted path estimates nothing");
            assert_eq!(
                without_suggestion_and_tier_counts(a),
                without_suggestion_and_tier_counts(b),
                "replication {} strategy {k}",
                f.replication
            );
            // Every member who may be prompted is followed: tier-prompt counts are exact.
            assert_eq!(
                (a.tier_shown, a.tier_accepted, a.tier_sampling_var),
                (b.tier_shown, b.tier_accepted, [0; 3]),
                "replication {} strategy {k}: tier-prompt counts",
                f.replication
            );
            for (est, truth, var) in [
                (a.pre_shown, b.pre_shown, a.pre_sampling_var[0]),
                (a.pre_accepted, b.pre_accepted, a.pre_sampling_var[1]),
                (a.tier_shown, b.tier_shown, a.tier_sampling_var[0]),
                (a.tier_accepted, b.tier_accepted, a.tier_sampling_var[1]),
            ] {
                if var == 0 {
                    // No sampled shopper saw (or took) anything here: no error estimate.
                    continue;
                }
                estimated += 1;
                let z = (est as f64 - truth as f64) / (var as f64).sqrt();
                assert!(z.abs() < 5.0, "estimate {est} vs exact {truth}, sd {}", (var as f64).sqrt());
                z_sum += z;
                z_sq += z * z;
                n_z += 1.0;
            }
        }
    }
    assert!(estimated > 100, "the article scenario estimates counts ({estimated})");
    // The standardised errors are centred (unbiased) with unit spread (honest errors).
    let mean = z_sum / n_z;
    let sd = (z_sq / n_z - mean * mean).sqrt();
    assert!(mean.abs() < 0.25, "mean standardised error {mean}");
    assert!((0.75..1.3).contains(&sd), "spread of standardised errors {sd}");
}

/// Where every shopper is a member below the top tier, every abandoner is followed
/// under a strategy that prompts, and what they saw and took before checkout is
/// counted exactly: the fast path's pre-checkout and tier-prompt counts then equal the
/// counted path's, for the strategy that also suggests (AOV-optimized) as for the
/// others that prompt, though the fast path skips the suggestions' ranking wherever
/// no suggestion can be taken.
#[test]
fn followed_members_counts_are_exact() {
    let mut text = aovlab::io::scenario_file::ARTICLE_TOML
        .replace("visitors = 100_000", "visitors = 20_000")
        .replace("replications = 100 ", "replications = 6 ");
    for share in ["loyalty_member_share = 0.05", "loyalty_member_share = 0.6"] {
        text = text.replace(share, "loyalty_member_share = 1.0");
    }
    for spend in [
        "{ dist = \"lognormal\", median = 60.0, sigma = 0.8 }",
        "{ dist = \"lognormal\", median = 220.0, sigma = 0.9 }",
        "{ dist = \"lognormal\", median = 450.0, sigma = 0.7 }",
    ] {
        assert!(text.contains(spend), "the article's spend to date changed: {spend}");
        text = text.replace(spend, "{ dist = \"uniform\", min = 0.0, max = 1400.0 }");
    }
    let sc = common::scenario(&text);
    let (_, fast) = report(&sc, Path::Fast);
    let (_, exact) = report(&sc, Path::Counted);
    let mut checked = 0;
    for (f, e) in fast.iter().zip(&exact) {
        for (k, (a, b)) in f.strategies.iter().zip(&e.strategies).enumerate() {
            if sc.strategies[k].tier_prompt.is_none() {
                continue;
            }
            assert_eq!(
                (a.pre_shown, a.pre_accepted, a.tier_shown, a.tier_accepted, a.pre_sampling_var),
                (b.pre_shown, b.pre_accepted, b.tier_shown, b.tier_accepted, [0; 3]),
                "replication {} strategy {k}",
                f.replication
            );
            checked += u64::from(b.pre_accepted > 0) + u64::from(b.tier_accepted > 0);
        }
    }
    assert!(checked > 6, "suggestions and top-ups were taken ({checked})");
}

/// The three shipped scenarios' texts, and the article with a per-order program
/// cost, so that the orders on which a lever showed something are counted (no
/// shipped scenario has one).
fn shipped_and_a_per_order_cost() -> [(&'static str, String); 4] {
    let read = |file: &str| std::fs::read_to_string(format!("scenarios/{file}.toml")).unwrap();
    let article = read("article");
    assert!(article.contains("post_checkout_monthly = 850\n"), "the article's costs changed");
    let per_order = article
        .replace("post_checkout_monthly = 850\n", "post_checkout_monthly = 850\npost_checkout_per_order = 0.05\n");
    [
        ("article", article.clone()),
        ("article with a per-order cost", per_order),
        ("apparel", read("apparel-free-shipping")),
        ("electronics", read("electronics-wide-uncertainty")),
    ]
}

/// A gross-only run (`RunOptions::gross_only`, what the holdout planner's arms ask)
/// nets no order: every tally but those only net figures read is the same bit for
/// bit, and those are left at 0, on the three shipped scenarios' settings and the
/// article with a per-order program cost (each zeroed tally is filled somewhere); so
/// is every metric but those `Metric::is_net` names, and each of those
/// moves somewhere.
#[test]
fn gross_only_runs_keep_every_gross_tally() {
    let texts = shipped_and_a_per_order_cost();
    // Whether each group of net tallies was filled somewhere by the full runs.
    let mut filled = [false; 4];
    let mut moved = vec![false; aovlab::report::Metric::ALL.len()];
    for (file, text) in texts {
        let mut sc = common::scenario(&text);
        sc.store.visitors = 20_000;
        let cancel = AtomicBool::new(false);
        let opts = RunOptions { replications: Some(0..4), primary_only: true, ..RunOptions::default() };
        let all = engine::run(&sc, &opts, &|_| {}, &cancel).unwrap().replications;
        let gross_opts = RunOptions { gross_only: true, ..opts };
        let gross = engine::run(&sc, &gross_opts, &|_| {}, &cancel).unwrap().replications;
        let net_zeroed = |t: &StrategyCounts| StrategyCounts {
            items_base: 0,
            items_cross: 0,
            cost_by_source: [0; 4],
            net_moments: [0; 4],
            orders_shown: [0; 3],
            ..t.clone()
        };
        for (a, b) in all.iter().zip(&gross) {
            assert_eq!((a.visitors, a.carts), (b.visitors, b.carts));
            for (k, (ta, tb)) in a.strategies.iter().zip(&b.strategies).enumerate() {
                assert_eq!(net_zeroed(ta), *tb, "{file}: replication {} strategy {k}", a.replication);
                filled[0] |= ta.items_base + ta.items_cross > 0;
                filled[1] |= ta.cost_by_source.iter().any(|&c| c != 0);
                filled[2] |= ta.net_moments.iter().any(|&m| m != 0);
                filled[3] |= ta.orders_shown.iter().any(|&n| n != 0);
            }
            // Every metric that does not read the net tallies is the same.
            let (ra, rb) = (aovlab::report::replication(&sc, a), aovlab::report::replication(&sc, b));
            for (sa, sb) in ra.strategies.iter().zip(&rb.strategies) {
                for (i, m) in aovlab::report::Metric::ALL.iter().enumerate() {
                    // Compared as printed: an undefined error is NaN on both sides.
                    let (x, y) = (format!("{:?}", m.estimate(sa)), format!("{:?}", m.estimate(sb)));
                    if m.is_net() {
                        moved[i] |= x != y;
                    } else {
                        assert_eq!(x, y, "{file}: {}", m.label());
                    }
                }
            }
        }
    }
    // The comparison sees every field it zeroes.
    assert!(filled.iter().all(|&f| f), "items, costs, net moments, orders shown filled: {filled:?}");
    // Each metric said to read them moved somewhere: the test sees a list too long.
    for (m, moved) in aovlab::report::Metric::ALL.iter().zip(moved) {
        assert!(!m.is_net() || moved, "{} is said to read the net tallies but never moved", m.label());
    }
}

/// A run that reads only primary tallies (`RunOptions::primary_only`, as the holdout
/// planner and a sensitivity analysis of a revenue outcome ask) skips the abandoners'
/// following and sampling: every tally but the counts before checkout is the same
/// bit for bit, and so is every metric that does not read those counts
/// (`Metric::reads_shown_counts`), on the three shipped scenarios' settings.
#[test]
fn primary_only_runs_keep_every_primary_tally_and_metric() {
    let mut differed = [0usize; 3];
    for file in ["article", "apparel-free-shipping", "electronics-wide-uncertainty"] {
        let text = std::fs::read_to_string(format!("scenarios/{file}.toml")).unwrap();
        let mut sc = common::scenario(&text);
        sc.store.visitors = 20_000;
        let cancel = AtomicBool::new(false);
        let opts = RunOptions { replications: Some(0..4), ..RunOptions::default() };
        let all = engine::run(&sc, &opts, &|_| {}, &cancel).unwrap().replications;
        let primary_opts = RunOptions { primary_only: true, ..opts };
        let primary = engine::run(&sc, &primary_opts, &|_| {}, &cancel).unwrap().replications;
        let secondary_zeroed = |t: &StrategyCounts| StrategyCounts {
            ship_shown: 0,
            ship_accepted: 0,
            ship_sampling_var: [0; 3],
            ..without_suggestion_and_tier_counts(t)
        };
        for (a, b) in all.iter().zip(&primary) {
            assert_eq!((a.visitors, a.carts), (b.visitors, b.carts));
            for (k, (ta, tb)) in a.strategies.iter().zip(&b.strategies).enumerate() {
                assert_eq!(
                    secondary_zeroed(ta),
                    secondary_zeroed(tb),
                    "{file}: replication {} strategy {k}",
                    a.replication
                );
            }
            let (ra, rb) = (aovlab::report::replication(&sc, a), aovlab::report::replication(&sc, b));
            for (sa, sb) in ra.strategies.iter().zip(&rb.strategies) {
                for m in aovlab::report::Metric::ALL {
                    // Compared as printed: an undefined error is NaN on both sides.
                    let (x, y) = (format!("{:?}", m.estimate(sa)), format!("{:?}", m.estimate(sb)));
                    if let Some(i) = [
                        aovlab::report::Metric::PreCheckoutAcceptanceRate,
                        aovlab::report::Metric::TierPromptAcceptanceRate,
                        aovlab::report::Metric::ShippingPromptAcceptanceRate,
                    ]
                    .iter()
                    .position(|&r| r == m)
                    {
                        assert!(m.reads_shown_counts(), "{}", m.label());
                        differed[i] += usize::from(x != y);
                    } else {
                        assert!(!m.reads_shown_counts(), "{} is not a take rate before checkout", m.label());
                        assert_eq!(x, y, "{file}: {}", m.label());
                    }
                }
            }
        }
    }
    // Each take rate changed somewhere: the test sees what a wrong list would hide.
    assert!(differed.iter().all(|&d| d > 0), "each take rate moved somewhere: {differed:?}");
}

/// Worlds run together (`engine::run_held`: the same scenario with different inputs
/// held, sharing each cart and, where stage 2 reads the same draws, its results) give
/// each world the tallies of its own run, bit for bit: on the three shipped scenarios,
/// every input held in a world of its own (those a cart reads, such as a segment's
/// share or cart size, force a world onto carts of its own), two held together, and
/// the scenario as it is, on each path, and means only (where a strategy that reads
/// the same draws in two worlds is copied from one to the other).
#[test]
fn held_worlds_run_together_are_each_their_own_run() {
    let cancel = AtomicBool::new(false);
    for name in ["article", "apparel-free-shipping", "electronics-wide-uncertainty"] {
        let text = std::fs::read_to_string(format!("scenarios/{name}.toml")).unwrap();
        let mut sc = common::scenario(&text);
        sc.store.visitors = 12_000;
        sc.store.replications = 3;
        let mut worlds: Vec<aovlab::model::Scenario> = vec![sc.clone()];
        for (path, input) in sc.inputs() {
            let value = match &input.param {
                aovlab::model::Param::Dist(d) => d.quantile(0.2),
                aovlab::model::Param::Fixed(v) => v * 1.1 + 0.01,
            };
            if let Ok(held) = sc.clone().hold(path, value.clamp(input.lo, input.hi.min(1e6))) {
                worlds.push(held);
            }
        }
        let pair: Vec<&str> = sc.uncertain_inputs().iter().map(|(p, _)| *p).take(2).collect();
        let mut two = sc.clone();
        for p in &pair {
            let i = sc.inputs().into_iter().find(|(q, _)| q == p).unwrap().1;
            two = two.hold(p, i.lo + 0.4 * (i.hi.min(1e6) - i.lo)).unwrap();
        }
        worlds.push(two);
        // Every return input held at 0: no order is netted in that world.
        let mut no_returns = sc.clone();
        for (path, input) in sc.inputs() {
            if aovlab::model::Scenario::net_only(input.field) && input.lo <= 0.0 {
                no_returns = no_returns.hold(path, 0.0).unwrap();
            }
        }
        assert!(!no_returns.has_returns() && sc.has_returns(), "{name}: a world without returns");
        worlds.push(no_returns);
        assert!(worlds.len() > 10, "{name}: {} worlds", worlds.len());
        let holds: Vec<Vec<aovlab::model::Hold>> = worlds.iter().map(|w| w.held.clone()).collect();
        // Means only, a strategy that reads the same draws in two worlds is simulated
        // in one and copied to the other.
        for (path, means_only, reduced) in [
            (Path::Fast, false, false),
            (Path::Counted, false, false),
            (Path::PerVisitor, false, false),
            (Path::Fast, true, false),
            (Path::Counted, true, false),
            (Path::Fast, true, true),
        ] {
            // `reduced`: primary and gross tallies only, as sensitivity of a gross outcome runs.
            let opts =
                RunOptions { path, means_only, primary_only: reduced, gross_only: reduced, ..RunOptions::default() };
            let together = engine::run_held(&sc, &holds, &opts, &|_, _| {}, &cancel).unwrap();
            for (w, got) in worlds.iter().zip(&together) {
                let alone = engine::run(w, &opts, &|_| {}, &cancel).unwrap().replications;
                assert!(
                    *got == alone,
                    "{name}, {path:?}, means only {means_only}, reduced {reduced}, held {:?}: not the world's own run",
                    w.held_inputs()
                );
            }
        }
    }
}

/// A run for means (`RunOptions::means_only`, what the optimizer asks: it ranks
/// policies by their metrics' values) tallies no second moment of the visitor's
/// sums: every other tally is the same bit for bit, each moment is left at 0 (and
/// filled somewhere by the full runs), and every metric's value is the same, on the
/// three shipped scenarios and the article with a per-order program cost, gross and
/// net, on the fast path and the per-visitor one.
#[test]
fn means_only_runs_keep_every_value() {
    let texts = shipped_and_a_per_order_cost();
    let no_moments = |t: &StrategyCounts| StrategyCounts {
        revenue_sq: 0,
        margin_sq: 0,
        revenue_x_holdout: 0,
        margin_x_holdout: 0,
        orders_x_holdout: 0,
        revenue_diff_pow4: 0,
        revenue_x_holdout_order: 0,
        order_x_holdout_revenue: 0,
        attributed_moments: [0; 3],
        influenced_moments: [0; 3],
        net_moments: [0; 4],
        ..t.clone()
    };
    let mut filled = false;
    let mut values = 0;
    for (file, text) in texts {
        let mut sc = common::scenario(&text);
        sc.store.visitors = 20_000;
        let cancel = AtomicBool::new(false);
        for path in [Path::Fast, Path::PerVisitor] {
            let opts = RunOptions { replications: Some(0..4), path, ..RunOptions::default() };
            let all = engine::run(&sc, &opts, &|_| {}, &cancel).unwrap().replications;
            let means_opts = RunOptions { means_only: true, ..opts };
            let means = engine::run(&sc, &means_opts, &|_| {}, &cancel).unwrap().replications;
            for (a, b) in all.iter().zip(&means) {
                assert_eq!((a.visitors, a.carts), (b.visitors, b.carts));
                for (k, (ta, tb)) in a.strategies.iter().zip(&b.strategies).enumerate() {
                    assert_eq!(no_moments(ta), *tb, "{file}: replication {} strategy {k}", a.replication);
                    filled |= *ta != no_moments(ta);
                }
                let (ra, rb) = (aovlab::report::replication(&sc, a), aovlab::report::replication(&sc, b));
                for (sa, sb) in ra.strategies.iter().zip(&rb.strategies) {
                    for m in aovlab::report::Metric::ALL {
                        // Compared as printed: an undefined value is NaN on both sides.
                        let value = |s| format!("{:?}", m.estimate(s).map(|e| e.value));
                        assert_eq!(value(sa), value(sb), "{file}: {}", m.label());
                        values += 1;
                    }
                }
            }
        }
    }
    assert!(filled && values > 1_000, "the moments were filled, {values} values compared");
}
