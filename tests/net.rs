//! Beyond gross revenue (MODEL.md rules 17, 18, 20 and 21): post-purchase
//! eligibility, returns, cross-surface satiation and the vendor's view. Each worked
//! check of MODEL.md for these rules, and that their inputs' defaults change nothing.
#![allow(clippy::unwrap_used)]

use aovlab::engine::RepCounts;
use aovlab::model::{Param, Scenario, ScenarioSpec};
use aovlab::report::{Metric, Replication, replication};

const HOLDOUT: usize = 0;
const AOV_OPTIMIZED: usize = 2;
const POST_ONLY: usize = 3;
const MATCHED_CROSS_SELL: usize = 4;

/// The article scenario with fixed inputs (every replication the same world), small.
fn article() -> ScenarioSpec {
    let mut spec = aovlab::analysis::coverage::fixed_spec(&aovlab::io::article_spec());
    spec.store.visitors = 20_000;
    spec.store.replications = 3;
    // Gross, as the model without rules 17-22: each test sets what it checks.
    with_returns(&mut spec, 0.0, 0.0);
    spec.costs = Default::default();
    for s in &mut spec.segments {
        s.post_checkout_eligibility = Param::Fixed(1.0);
    }
    spec.behaviour.satiation = Param::Fixed(0.0);
    spec
}

fn run(spec: &ScenarioSpec) -> (Scenario, Vec<RepCounts>, Vec<Replication>) {
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let out = aovlab::engine::run(&sc, &Default::default(), &|_| {}, &Default::default()).unwrap();
    let reps = out.replications.iter().map(|r| replication(&sc, r)).collect();
    (sc, out.replications, reps)
}

fn value(r: &Replication, k: usize, m: Metric) -> f64 {
    m.estimate(&r.strategies[k]).unwrap_or_else(|| panic!("{} of strategy {k}", m.name())).value
}

#[test]
fn the_new_inputs_at_their_defaults_change_no_tally() {
    let plain = article();
    let mut explicit = plain.clone();
    for s in &mut explicit.segments {
        s.post_checkout_eligibility = Param::Fixed(1.0);
    }
    let b = &mut explicit.behaviour;
    b.satiation = Param::Fixed(0.0);
    b.return_rate_base_cart = Param::Fixed(0.0);
    b.return_rate_cross_sell = Param::Fixed(0.0);
    b.return_rate_tier_top_up = Param::Fixed(0.0);
    b.return_rate_post_checkout = Param::Fixed(0.0);
    b.return_handling_cost = Param::Fixed(0.0);
    let (_, a, ra) = run(&plain);
    let (_, b, rb) = run(&explicit);
    assert_eq!(a, b);
    // Without returns net is gross, to the cent, and so are its lifts.
    for (r, s) in ra.iter().zip(&rb) {
        for k in 0..r.strategies.len() {
            assert_eq!(value(r, k, Metric::NetRevenuePerVisitor), value(r, k, Metric::RevenuePerVisitor));
            assert_eq!(value(r, k, Metric::NetMarginPerVisitor), value(r, k, Metric::GrossMarginPerVisitor));
            // Reported for every strategy, the holdout included.
            assert_eq!(value(r, k, Metric::PostCheckoutEligibleShare), 1.0, "strategy {k}");
            if k != HOLDOUT {
                assert_eq!(Metric::NetRpvLift.estimate(&r.strategies[k]), Metric::RpvLift.estimate(&r.strategies[k]));
                assert_eq!(
                    Metric::AnnualNetImpact.estimate(&r.strategies[k]).map(|e| e.value),
                    Metric::AnnualGmvImpact.estimate(&r.strategies[k]).map(|e| e.value)
                );
            }
        }
        assert_eq!(r, s);
    }
}

#[test]
fn at_eligibility_zero_post_checkout_only_is_the_holdout_to_the_cent() {
    let mut spec = article();
    for s in &mut spec.segments {
        s.post_checkout_eligibility = Param::Fixed(0.0);
    }
    let (_, counts, reps) = run(&spec);
    for (c, r) in counts.iter().zip(&reps) {
        let (p, h) = (&c.strategies[POST_ONLY], &c.strategies[HOLDOUT]);
        assert_eq!((p.orders, p.revenue, p.margin), (h.orders, h.revenue, h.margin));
        assert_eq!((p.post_shown, p.post_ineligible), (0, p.orders));
        assert_eq!(value(r, POST_ONLY, Metric::PostCheckoutEligibleShare), 0.0);
    }
}

#[test]
fn eligibility_shows_offers_on_that_share_of_orders_the_same_orders_under_every_strategy() {
    let mut spec = article();
    for s in &mut spec.segments {
        s.post_checkout_eligibility = Param::Fixed(0.6);
    }
    // A second post-checkout-only strategy with other offers: the same orders.
    let mut twin = spec.strategies[POST_ONLY].clone();
    twin.name = "Post-checkout, 30% off".into();
    twin.post_checkout.offer_discount = 0.3;
    spec.strategies.push(twin);
    let (_, counts, _) = run(&spec);
    let (_, full, _) = run(&article());
    for (c, f) in counts.iter().zip(&full) {
        let p = &c.strategies[POST_ONLY];
        let eligible = p.orders - p.post_ineligible;
        let share = eligible as f64 / p.orders as f64;
        // About 2,800 orders a replication: 0.6 within four standard errors.
        assert!((share - 0.6).abs() < 4.0 * (0.24 / p.orders as f64).sqrt(), "{share}");
        // Post-checkout only has the holdout's orders; the holdout's eligible orders
        // are the same orders, so they are exactly as many.
        let twin = c.strategies.last().unwrap();
        assert_eq!((p.orders, p.post_ineligible), (twin.orders, twin.post_ineligible));
        assert_eq!(p.post_shown, eligible, "one offer on each eligible order");
        assert!(p.post_accepted < f.strategies[POST_ONLY].post_accepted);
    }
}

fn with_returns(spec: &mut ScenarioSpec, r: f64, handling: f64) {
    let b = &mut spec.behaviour;
    b.return_rate_base_cart = Param::Fixed(r);
    b.return_rate_cross_sell = Param::Fixed(r);
    b.return_rate_tier_top_up = Param::Fixed(r);
    b.return_rate_post_checkout = Param::Fixed(r);
    b.return_handling_cost = Param::Fixed(handling);
}

#[test]
fn one_return_rate_on_every_source_leaves_that_share_of_revenue() {
    let mut spec = article();
    with_returns(&mut spec, 0.12, 0.0);
    let (_, counts, reps) = run(&spec);
    for (c, r) in counts.iter().zip(&reps) {
        for (k, t) in c.strategies.iter().enumerate() {
            let n = c.visitors as f64;
            let want = 0.88 * t.revenue as f64 / 100.0 / n;
            let got = value(r, k, Metric::NetRevenuePerVisitor);
            assert!((got - want).abs() <= 1e-12 * want, "strategy {k}: {got} vs {want}");
            // The goods come back: net margin = margin - r x (revenue - cost).
            let cost: i64 = t.cost_by_source.iter().sum();
            assert!(t.orders == 0 || cost > 0, "returns tally the costs by source");
            assert_eq!(cost, t.revenue - t.margin);
            let want_m = (t.margin as f64 - 0.12 * (t.revenue - cost) as f64) / 100.0 / n;
            assert!((value(r, k, Metric::NetMarginPerVisitor) - want_m).abs() <= 1e-12 * want_m.abs().max(1.0));
        }
        // The same share off every strategy leaves the relative lifts as they were.
        let (net, gross) = (value(r, AOV_OPTIMIZED, Metric::NetRpvLift), value(r, AOV_OPTIMIZED, Metric::RpvLift));
        assert!((net - gross).abs() < 1e-12, "{net} vs {gross}");
    }
}

#[test]
fn returned_add_ons_and_handling_can_turn_a_gross_winner_into_a_net_loser() {
    let mut spec = article();
    let (_, _, gross) = run(&spec);
    // Most add-ons come back and each return costs $20 to handle.
    spec.behaviour.return_rate_post_checkout = Param::Fixed(0.8);
    spec.behaviour.return_handling_cost = Param::Fixed(20.0);
    let (_, counts, net) = run(&spec);
    for ((g, n), c) in gross.iter().zip(&net).zip(&counts) {
        assert!(value(g, POST_ONLY, Metric::MarginLift) > 0.0);
        assert!(value(n, POST_ONLY, Metric::NetMarginLift) < 0.0, "{}", value(n, POST_ONLY, Metric::NetMarginLift));
        // Only add-ons are returned: the holdout's net equals its gross.
        assert_eq!(value(n, HOLDOUT, Metric::NetRevenuePerVisitor), value(n, HOLDOUT, Metric::RevenuePerVisitor));
        let t = &c.strategies[POST_ONLY];
        let handling = 20.0 * 0.8 * t.post_accepted as f64;
        let refunds = 0.8 * t.src_post_checkout as f64 / 100.0;
        let recovered = 0.8 * t.cost_by_source[3] as f64 / 100.0;
        let want = (t.margin as f64 / 100.0 - refunds + recovered - handling) / c.visitors as f64;
        let got = value(n, POST_ONLY, Metric::NetMarginPerVisitor);
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    }
}

#[test]
fn a_post_checkout_strategy_without_friction_is_credited_what_it_adds_and_friction_is_charged_to_nobody() {
    let (_, counts, reps) = run(&article());
    for (c, r) in counts.iter().zip(&reps) {
        // Post-checkout only: the holdout's orders plus add-ons; attributed = the
        // add-ons at the price paid = the incremental revenue.
        let (p, h) = (&c.strategies[POST_ONLY], &c.strategies[HOLDOUT]);
        assert_eq!(p.revenue - h.revenue, p.src_post_checkout);
        let ratio = value(r, POST_ONLY, Metric::AttributionRatio);
        assert!((ratio - 1.0).abs() < 1e-12, "{ratio}");
        let e = Metric::AttributionRatio.estimate(&r.strategies[POST_ONLY]).unwrap();
        // Each visitor's attributed revenue is their revenue over the holdout's: no
        // uncertainty at all.
        assert!(e.lo <= 1.0 + 1e-12 && 1.0 - 1e-12 <= e.hi && e.se < 1e-9, "{e:?}");
        // Matched cross-sell: its slots' friction loses orders nobody is charged
        // with, so the vendor claims more than the holdout shows.
        let ratio = value(r, MATCHED_CROSS_SELL, Metric::AttributionRatio);
        assert!(ratio > 1.0, "{ratio}");
        // Influenced revenue counts whole orders: at least what is attributed.
        for k in 1..c.strategies.len() {
            let (a, i) = (Metric::AttributedRevenuePerVisitor, Metric::InfluencedRevenuePerVisitor);
            assert!(value(r, k, i) >= value(r, k, a) - 1e-12);
        }
    }
}

#[test]
fn at_satiation_one_add_ons_come_only_from_orders_nothing_else_extended() {
    let mut spec = article();
    let (_, before, _) = run(&spec);
    spec.behaviour.satiation = Param::Fixed(1.0);
    let (_, after, _) = run(&spec);
    for (b, a) in before.iter().zip(&after) {
        let (b, a) = (&b.strategies[AOV_OPTIMIZED], &a.strategies[AOV_OPTIMIZED]);
        assert!(b.post_accepted_extended > 0, "without satiation extended orders take add-ons");
        assert_eq!(a.post_accepted_extended, 0);
        assert!(a.post_accepted > 0);
        // Offers are chosen as without satiation: as many shown.
        assert_eq!(a.post_shown, b.post_shown);
    }
}

const CONVERSION_OPTIMIZED: usize = 1;

/// Program costs (MODEL.md rule 19) on the article: the confirmation-page offers' app,
/// an express checkout's fee and Gold's perks.
fn with_costs(spec: &mut ScenarioSpec) {
    let c = &mut spec.costs;
    c.post_checkout_monthly = 500.0;
    c.post_checkout_revenue_share = 0.05;
    c.post_checkout_per_order = 0.10;
    c.post_checkout_setup = 3_000.0;
    c.friction_reduction_monthly = 1_000.0;
    c.friction_reduction_revenue_share = 0.01;
    spec.tiers[1].upgrade_cost = Param::Fixed(20.0);
}

#[test]
fn a_strategy_pays_for_the_levers_it_uses_and_the_cost_is_what_the_tallies_say() {
    let mut spec = article();
    with_costs(&mut spec);
    let (sc, counts, reps) = run(&spec);
    let gmv = sc.store.annual_gmv;
    for (c, r) in counts.iter().zip(&reps) {
        let n = c.visitors as f64;
        let h = &c.strategies[HOLDOUT];
        let visitors = gmv * n / (h.revenue as f64 / 100.0);
        // Post-checkout only: the app's fee, 5% of the add-ons and 10 cents an order
        // with an offer shown (here every order).
        let p = &c.strategies[POST_ONLY];
        assert_eq!(p.orders_shown[2], p.orders, "one offer on every order");
        let per_visitor = (0.05 * p.src_post_checkout as f64 / 100.0 + 0.10 * p.orders as f64) / n;
        let want = 12.0 * 500.0 + visitors * per_visitor;
        let got = value(r, POST_ONLY, Metric::AnnualProgramCost);
        assert!((got - want).abs() < 1e-6 * want, "{got} vs {want}");
        // Conversion-optimized pays for its express checkout: 1,000 a month and 1% of
        // every order's revenue; it shows no confirmation-page offer.
        let co = &c.strategies[CONVERSION_OPTIMIZED];
        let want = 12.0 * 1_000.0 + visitors * 0.01 * co.revenue as f64 / 100.0 / n;
        let got = value(r, CONVERSION_OPTIMIZED, Metric::AnnualProgramCost);
        assert!((got - want).abs() < 1e-6 * want, "{got} vs {want}");
        // A strategy without a costly lever costs nothing; its ROI is undefined.
        assert_eq!(value(r, MATCHED_CROSS_SELL, Metric::AnnualProgramCost), 0.0);
        assert!(Metric::Roi.estimate(&r.strategies[MATCHED_CROSS_SELL]).is_none());
        // AOV-optimized pays the app and Gold's perks for every upgrade into Gold.
        let a = &c.strategies[AOV_OPTIMIZED];
        assert_eq!(a.tier_benefits % 2_000, 0, "whole upgrades into Gold at $20");
        // ROI and payback follow from the incremental net margin.
        let inc = value(r, POST_ONLY, Metric::AnnualIncrementalNetMargin);
        let cost = value(r, POST_ONLY, Metric::AnnualProgramCost);
        let margin = (value(r, POST_ONLY, Metric::NetMarginPerVisitor)
            - value(r, HOLDOUT, Metric::NetMarginPerVisitor))
            * visitors;
        assert!((inc - (margin - cost)).abs() < 1e-6 * margin.abs(), "{inc} vs {margin} - {cost}");
        assert!((value(r, POST_ONLY, Metric::Roi) - inc / cost).abs() < 1e-12);
        if inc > 0.0 {
            assert!((value(r, POST_ONLY, Metric::PaybackMonths) - 3_000.0 * 12.0 / inc).abs() < 1e-9);
        }
    }
}

#[test]
fn high_add_on_returns_and_a_revenue_share_fee_turn_a_gross_winner_into_a_loss() {
    let mut spec = article();
    // Nearly half the add-ons come back ($10 to handle each); the app takes a fifth of
    // their revenue and $3,000 a month.
    spec.behaviour.return_rate_post_checkout = Param::Fixed(0.45);
    spec.behaviour.return_handling_cost = Param::Fixed(10.0);
    spec.costs.post_checkout_revenue_share = 0.20;
    spec.costs.post_checkout_monthly = 3_000.0;
    let (_, _, reps) = run(&spec);
    for r in &reps {
        assert!(value(r, POST_ONLY, Metric::AnnualGmvImpact) > 0.0, "a gross winner");
        let net = value(r, POST_ONLY, Metric::AnnualIncrementalNetMargin);
        assert!(net < 0.0, "loses net: {net}");
        assert!(value(r, POST_ONLY, Metric::Roi) < 0.0);
        assert!(Metric::PaybackMonths.estimate(&r.strategies[POST_ONLY]).is_none(), "never pays back");
    }
}

#[test]
fn without_costs_the_incremental_net_margin_is_the_net_margin_gain_a_year() {
    let (sc, counts, reps) = run(&article());
    for (c, r) in counts.iter().zip(&reps) {
        let visitors = sc.store.annual_gmv * c.visitors as f64 / (c.strategies[HOLDOUT].revenue as f64 / 100.0);
        for k in 1..c.strategies.len() {
            assert_eq!(value(r, k, Metric::AnnualProgramCost), 0.0);
            let gain =
                (value(r, k, Metric::NetMarginPerVisitor) - value(r, HOLDOUT, Metric::NetMarginPerVisitor)) * visitors;
            let got = value(r, k, Metric::AnnualIncrementalNetMargin);
            assert!((got - gain).abs() <= 1e-6 * gain.abs().max(1.0), "strategy {k}: {got} vs {gain}");
        }
    }
}

#[test]
fn compare_adds_the_net_rows_where_either_run_has_returns_or_costs() {
    let summary = |spec: &ScenarioSpec| {
        let (sc, counts, _) = run(spec);
        aovlab::report::summarize(&sc, &counts, 0.0, 1)
    };
    let plain = summary(&article());
    let mut spec = article();
    with_returns(&mut spec, 0.1, 5.0);
    let net = summary(&spec);
    let names =
        |a, b| -> Vec<&'static str> { aovlab::present::compare::results(a, b).into_iter().map(|s| s.metric).collect() };
    assert!(!names(&plain, &plain).contains(&"net_revenue_per_visitor"), "gross only: nothing new to say");
    let rows = names(&plain, &net);
    for m in aovlab::present::compare::COMPARED_NET {
        assert!(rows.contains(&m.name()), "{}", m.name());
    }
}

#[test]
fn sensitivity_of_a_net_outcome_ranks_the_returns_and_of_a_gross_one_leaves_them_out() {
    let header = |outcome: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_aovlab"))
            .args(["sensitivity", "--replications", "3", "--visitors", "3000", "--outcome", outcome, "--csv", "-"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().next().unwrap().to_string()
    };
    // The shipped article's returns are uncertain: they can move net figures only.
    assert!(header("annual_net_impact").contains("behaviour.return_rate_base_cart"));
    assert!(!header("annual_gmv_impact").contains("return_rate"));
}

#[test]
fn a_strategy_that_adds_revenue_with_nothing_attributed_has_a_ratio_of_zero() {
    let mut spec = article();
    // A smoother checkout and nothing else: more orders, no offer a vendor could claim.
    let mut smooth = spec.strategies[HOLDOUT].clone();
    smooth.name = "Smoother checkout".into();
    smooth.holdout = false;
    smooth.checkout.friction_reduction = Param::Fixed(0.10);
    spec.strategies.push(smooth);
    let k = spec.strategies.len() - 1;
    let (_, counts, reps) = run(&spec);
    for (c, r) in counts.iter().zip(&reps) {
        assert!(c.strategies[k].revenue > c.strategies[HOLDOUT].revenue, "it adds revenue");
        assert_eq!(value(r, k, Metric::AttributedRevenuePerVisitor), 0.0);
        assert_eq!(value(r, k, Metric::AttributionRatio), 0.0);
    }
}

#[test]
fn the_articles_claims_are_read_net_where_the_scenario_has_returns_and_they_have_a_net_reading() {
    let summary = |spec: &ScenarioSpec| {
        let (sc, counts, _) = run(spec);
        aovlab::report::summarize(&sc, &counts, 0.0, 1)
    };
    let gross = summary(&article());
    assert!(!gross.claims.is_empty());
    assert!(gross.claims.iter().all(|c| c.net_probability.is_none()), "gross only: no net reading");
    let mut spec = article();
    with_returns(&mut spec, 0.1, 5.0);
    let net = summary(&spec);
    for (g, n) in gross.claims.iter().zip(&net.claims) {
        assert_eq!(g.probability, n.probability, "{}: the gross reading is unchanged", g.statement);
        let about_aov_or_conversion = n.statement.contains("AOV by") || n.statement.contains("conversion");
        assert_eq!(n.net_probability.is_none(), about_aov_or_conversion, "{}", n.statement);
    }
}
