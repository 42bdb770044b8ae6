//! The worked checks of MODEL.md, against closed forms, with fixed seeds.
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::engine::{RepCounts, RunOutput, StrategyCounts};
use aovlab::report::replication_metrics;
use aovlab::report::summarize;
use common::{run, scenario, two_products};

const STORE: &str = "visitors = 40_000\nreplications = 200\nseed = 11";

/// The opening of a small test scenario: format version, name and `[store]` in USD
/// with $1M annual GMV, then `store` (visitors, replications, seed).
fn opening(name: &str, store: &str) -> String {
    format!("format_version = 1\nname = \"{name}\"\n[store]\ncurrency = \"USD\"\nannual_gmv = 1_000_000\n{store}\n")
}

/// One segment whose carts hold one item from category `main` (products in `other`
/// never enter a cart), acceptance propensity 1, no price sensitivity; more lines for
/// the same table may follow it.
const MAIN_ONLY_SEGMENT: &str = r#"[[segments]]
name = "all"
share = 1.0
add_to_cart_rate = 0.3
checkout_completion = 0.5
mean_cart_size = 1.0
acceptance_propensity = 1.0
price_sensitivity = 0.0
category_affinity = { other = 0.0 }
"#;

/// A one-segment world whose carts hold `main` ($50) alone, and whose shoppers take
/// the suggestion `side` ($20, linked from `main` at strength 1) whenever it is shown
/// (acceptance 1, no price or friction effect, baseline relevance 0). `behaviour` and
/// `segment` add lines to those tables; the holdout is the first strategy; `rest` adds
/// tables (products in category `other` never enter a cart).
fn side_always_taken(name: &str, store: &str, behaviour: &str, segment: &str, rest: &str) -> String {
    opening(name, store)
        + &format!(
            r#"
[behaviour]
baseline_relevance = 0.0
pre_checkout_base_accept = 1.0
friction_per_slot = 0.0
{behaviour}
[[products]]
id = "main"
name = "Main"
category = "main"
price = 50.0
[[products]]
id = "side"
name = "Side"
category = "other"
price = 20.0
[[links]]
from = "main"
to = "side"
strength = 1.0
{MAIN_ONLY_SEGMENT}{segment}
[[strategies]]
name = "Holdout"
holdout = true
{rest}"#
        )
}

/// Every replication's tallies added up, strategies in scenario order (`merge` adds
/// counts whatever their replication).
fn totals(out: &RunOutput) -> RepCounts {
    let n = out.replications[0].strategies.len();
    out.replications.iter().fold(RepCounts::new(0, n), |sum, rep| sum.merge(rep))
}

/// Strategy `k`'s tallies (the holdout is 0) over every replication of the scenario
/// in `text`.
fn strategy_totals(text: &str, k: usize) -> StrategyCounts {
    totals(&run(&scenario(text), None)).strategies.swap_remove(k)
}

/// Poisson(lambda) pmf for k = 0..n.
fn poisson_pmf(lambda: f64, n: usize) -> Vec<f64> {
    let mut p = vec![(-lambda).exp()];
    for k in 1..n {
        let prev = p[k - 1];
        p.push(prev * lambda / k as f64);
    }
    p
}

#[test]
fn annual_impact_of_twenty_percent_aov_is_ten_million() {
    // The CLI's formula, and the engine's definition (annual GMV x RPV lift) agree.
    let gmv: f64 = 50_000_000.0;
    let rpv_lift = (1.0 + 0.0) * (1.0 + 0.20) - 1.0;
    assert!((gmv * rpv_lift - 10_000_000.0).abs() < 1e-6);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aovlab"))
        .args(["impact", "--annual-gmv", "50000000", "--aov-lift", "0.20"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("+$10,000,000"));
}

#[test]
fn every_lever_off_reproduces_the_holdout_to_the_cent() {
    let text = two_products(STORE, "", "[[strategies]]\nname = \"Twin\"\n");
    let sc = scenario(&text);
    let out = run(&sc, None);
    for rep in &out.replications {
        let (h, t) = (&rep.strategies[0], &rep.strategies[1]);
        assert_eq!(h.orders, t.orders);
        assert_eq!(h.revenue, t.revenue);
        assert_eq!(h.margin, t.margin);
        assert_eq!(h.revenue_sq, t.revenue_sq);
    }
    let r = summarize(&sc, &out.replications, 1.0, 1);
    let v = r.strategies[1].vs_holdout.as_ref().unwrap();
    assert_eq!(v.lifts.rpv_lift.unwrap().summary.mean, 0.0);
    assert_eq!(v.lifts.annual_gmv_impact.unwrap().summary.p95, 0.0);
}

#[test]
fn post_checkout_only_leaves_conversion_exactly_unchanged_and_raises_aov() {
    let text = two_products(
        STORE,
        "",
        "[[strategies]]\nname = \"Post\"\npost_checkout = { policy = \"matched\", offers = 1 }\n",
    );
    let sc = scenario(&text);
    let out = run(&sc, None);
    for rep in &out.replications {
        assert_eq!(rep.strategies[0].orders, rep.strategies[1].orders);
        assert!(rep.strategies[1].revenue > rep.strategies[0].revenue);
    }
    let r = summarize(&sc, &out.replications, 1.0, 1);
    let v = r.strategies[1].vs_holdout.as_ref().unwrap();
    let c = v.lifts.conversion_rate_lift.unwrap().summary;
    assert_eq!((c.p05, c.p95), (0.0, 0.0));
    assert!(v.lifts.aov_lift.unwrap().summary.p05 > 0.0);
}

#[test]
fn lever_off_conversion_is_add_to_cart_times_completion() {
    // Three segments with different rates: conversion = sum share x atc x cc.
    let text = aovlab::io::scenario_file::ARTICLE_TOML;
    let sc = scenario(text);
    let expected: f64 = sc
        .segments
        .iter()
        .map(|s| s.share.central() * s.add_to_cart_rate.central() * s.checkout_completion.central())
        .sum();
    let r = summarize(&sc, &run(&sc, None).replications, 1.0, 1);
    let cr = r.strategies[sc.holdout].metrics.conversion_rate.unwrap();
    assert!((cr.mean - expected).abs() < 4.0 * cr.se, "{} vs {expected} (se {})", cr.mean, cr.se);
    // Cart abandonment = 1 - orders / carts, carts = sum share x atc.
    let carts: f64 = sc.segments.iter().map(|s| s.share.central() * s.add_to_cart_rate.central()).sum();
    let abandon = 1.0 - expected / carts;
    let ab = r.strategies[sc.holdout].metrics.cart_abandonment_rate.unwrap();
    assert!((ab.mean - abandon).abs() < 4.0 * ab.se, "abandonment {} vs {abandon} (se {})", ab.mean, ab.se);
}

/// One segment, one product in the cart, checkout levers and a post-checkout offer:
/// conversion and AOV against their closed forms, within the reported interval.
#[test]
fn closed_form_conversion_and_aov() {
    let strategies = r#"
[[strategies]]
name = "Levers"
checkout = { friction_reduction = 0.1, discount = 0.1 }
post_checkout = { policy = "matched", offers = 1, offer_discount = 0.25 }
"#;
    let sc = scenario(&two_products(STORE, "", strategies));
    let out = run(&sc, None);
    let r = summarize(&sc, &out.replications, 1.0, 1);

    // Holdout: conversion = 0.3 x 0.5; cart of 1 + Poisson(1.5) items at $50.
    let lambda = 1.5;
    let pmf = poisson_pmf(lambda, 60);
    let h = &r.strategies[0].metrics;
    let cr = h.conversion_rate.unwrap();
    assert!((cr.mean - 0.15).abs() < 3.0 * cr.se, "holdout conversion {} se {}", cr.mean, cr.se);
    let aov = h.aov.unwrap();
    assert!((aov.mean - 50.0 * (1.0 + lambda)).abs() < 3.0 * aov.se, "holdout AOV {} se {}", aov.mean, aov.se);

    // Levers: completion 0.5 x 1.1 x (1 + 0.5 x 0.1); order = 0.9 x 50 k; the offer
    // (price 20 x 0.75 = 15) is taken with 0.4 x 0.6 / (1 + 15 / order).
    let conv = 0.3 * 0.5 * 1.1 * 1.05;
    let mut revenue_per_order = 0.0;
    for (i, p) in pmf.iter().enumerate() {
        let v = 0.9 * 50.0 * (i + 1) as f64;
        let take = 0.4 * 0.6 / (1.0 + 15.0 / v);
        revenue_per_order += p * (v + take * 15.0);
    }
    let m = &r.strategies[1].metrics;
    let cr = m.conversion_rate.unwrap();
    assert!((cr.mean - conv).abs() < 3.0 * cr.se, "conversion {} vs {conv} (se {})", cr.mean, cr.se);
    let aov = m.aov.unwrap();
    assert!(
        (aov.mean - revenue_per_order).abs() < 3.0 * aov.se,
        "AOV {} vs {revenue_per_order} (se {})",
        aov.mean,
        aov.se
    );

    // The within-replication delta-method intervals cover the truth about 95% of the time.
    let covered = out
        .replications
        .iter()
        .filter(|rep| {
            let e = replication_metrics(&sc, rep)[1].levels.aov.unwrap();
            (e.value - revenue_per_order).abs() <= 1.96 * e.se
        })
        .count() as f64
        / out.replications.len() as f64;
    assert!((0.89..=0.99).contains(&covered), "AOV interval coverage {covered}");
    let covered = out
        .replications
        .iter()
        .filter(|rep| {
            let e = replication_metrics(&sc, rep)[1].levels.conversion_rate.unwrap();
            (e.value - conv).abs() <= 1.96 * e.se
        })
        .count() as f64
        / out.replications.len() as f64;
    assert!((0.89..=0.99).contains(&covered), "conversion interval coverage {covered}");
}

/// Pre-checkout suggestion and its friction against the closed form.
#[test]
fn closed_form_pre_checkout_suggestion() {
    let strategies = "[[strategies]]\nname = \"Matched\"\npre_checkout = { policy = \"matched\", slots = 1 }\n";
    let sc = scenario(&two_products(STORE, "", strategies));
    let r = summarize(&sc, &run(&sc, None).replications, 1.0, 1);
    let pmf = poisson_pmf(1.5, 60);
    // One slot shown (extra, rel 0.6): completion 0.5 x (1 - 0.02); taken with
    // 0.3 x 0.6 / (1 + 20 / V0), independent of completion.
    let conv = 0.3 * 0.5 * 0.98;
    let mut per_order = 0.0;
    let mut accept = 0.0;
    for (i, p) in pmf.iter().enumerate() {
        let v0 = 50.0 * (i + 1) as f64;
        let take = 0.3 * 0.6 / (1.0 + 20.0 / v0);
        per_order += p * (v0 + take * 20.0);
        accept += p * take;
    }
    let m = &r.strategies[1].metrics;
    let cr = m.conversion_rate.unwrap();
    assert!((cr.mean - conv).abs() < 3.0 * cr.se, "conversion {} vs {conv}", cr.mean);
    let aov = m.aov.unwrap();
    assert!((aov.mean - per_order).abs() < 3.0 * aov.se, "AOV {} vs {per_order} se {}", aov.mean, aov.se);
    let acc = m.pre_checkout_acceptance_rate.unwrap();
    assert!((acc.mean - accept).abs() < 3.0 * acc.se, "acceptance {} vs {accept}", acc.mean);
}

/// The tier prompt: every shopper is a member with spend 0 and one tier at $120.
/// Carts of one item ($50) have a gap of $70; two items ($100) a gap of $20 (inside a
/// 25% window of $30); three or more none. The top-up is the cheapest product >= gap.
#[test]
fn closed_form_tier_prompt_window() {
    let seg = "loyalty_member_share = 1.0\nspend_to_date = 0.0\n[[tiers]]\nname = \"Gold\"\nthreshold = 120.0\n";
    let strategies = "[[strategies]]\nname = \"Window\"\ntier_prompt = { policy = \"window\", window = 0.25 }\n\
                      [[strategies]]\nname = \"Universal\"\ntier_prompt = { policy = \"universal\" }\n";
    let sc = scenario(&two_products(STORE, seg, strategies));
    let out = run(&sc, None);
    let r = summarize(&sc, &out.replications, 1.0, 1);
    let pmf = poisson_pmf(1.5, 60);
    let (p1, p2) = (pmf[0], pmf[1]);
    // Window: shown only to 2-item carts; gap 20 -> top-up "extra" ($20, relevant).
    let uptake2 = 0.5 * (-2.0_f64 * 20.0 / 100.0).exp();
    let shown = p2;
    let conv = 0.3 * 0.5 * (1.0 - shown * 0.02);
    let m = &r.strategies[1].metrics;
    let cr = m.conversion_rate.unwrap();
    assert!((cr.mean - conv).abs() < 3.0 * cr.se, "window conversion {} vs {conv}", cr.mean);
    let acc = m.tier_prompt_acceptance_rate.unwrap();
    assert!((acc.mean - uptake2).abs() < 3.0 * acc.se, "window uptake {} vs {uptake2}", acc.mean);
    // Upgrades per visitor = 0.3 x P(2 items) x uptake x completion with the prompt.
    let up = m.tier_upgrade_rate.unwrap();
    let expected_up = 0.3 * p2 * uptake2 * 0.5 * 0.98;
    assert!((up.mean - expected_up).abs() < 3.0 * up.se, "upgrades {} vs {expected_up}", up.mean);
    // Universal: also 1-item carts (gap 70 -> the cheapest product >= 70 does not
    // exist among relevant ones (extra is $20) nor at all ($50 max): prompt without top-up.
    let u = &r.strategies[2].metrics;
    let acc_u = u.tier_prompt_acceptance_rate.unwrap();
    let expected = p2 * uptake2 / (p1 + p2);
    assert!((acc_u.mean - expected).abs() < 3.0 * acc_u.se, "universal uptake {} vs {expected}", acc_u.mean);
}

/// Literally one segment and one product: conversion = add-to-cart x completion x
/// levers; AOV = price x (1 + lambda) x (1 - discount), within the reported interval.
#[test]
fn one_segment_one_product_closed_form() {
    let text = opening("one product", "visitors = 50_000\nreplications = 150\nseed = 5")
        + r#"
[behaviour]
discount_elasticity = 0.5
[[products]]
id = "only"
name = "Only"
category = "all"
price = 40.0
cost = 10.0
[[segments]]
name = "all"
share = 1.0
add_to_cart_rate = 0.2
checkout_completion = 0.6
mean_cart_size = 1.8
[[strategies]]
name = "Holdout"
holdout = true
[[strategies]]
name = "Discounted"
checkout = { friction_reduction = 0.05, discount = 0.2 }
"#;
    let sc = scenario(&text);
    let r = summarize(&sc, &run(&sc, None).replications, 1.0, 1);
    let lambda = 0.8;
    for (k, conv, aov, margin_per_order) in [
        (0, 0.2 * 0.6, 40.0 * (1.0 + lambda), 30.0 * (1.0 + lambda)),
        (1, 0.2 * 0.6 * 1.05 * 1.1, 32.0 * (1.0 + lambda), 22.0 * (1.0 + lambda)),
    ] {
        let m = &r.strategies[k].metrics;
        let c = m.conversion_rate.unwrap();
        assert!((c.mean - conv).abs() < 3.0 * c.se, "{k}: conversion {} vs {conv} (se {})", c.mean, c.se);
        let a = m.aov.unwrap();
        assert!((a.mean - aov).abs() < 3.0 * a.se, "{k}: AOV {} vs {aov} (se {})", a.mean, a.se);
        // Margin per visitor = conversion x margin per order.
        let g = m.gross_margin_per_visitor.unwrap();
        let expected = conv * margin_per_order;
        assert!((g.mean - expected).abs() < 3.0 * g.se, "{k}: margin/visitor {} vs {expected}", g.mean);
    }
    // The discount is 20% of every order, exactly.
    let s = &r.strategies[1].revenue_by_source;
    let ratio = s.discounts.unwrap().mean / s.base_cart.unwrap().mean;
    assert!((ratio + 0.2).abs() < 1e-12, "{ratio}");
}

#[test]
fn post_checkout_relevance_counts_links_of_accepted_suggestions() {
    // MODEL.md rule 8: an offer's relevance is against the whole order. `addon` is
    // linked only from `side`, which the shopper always takes before checkout; so
    // addon's relevance to the order is 1 and its take rate is
    // post_checkout_base_accept = 0.4. Against the cart alone it would be the
    // baseline, 0.
    let text = side_always_taken(
        "order relevance",
        "visitors = 20_000\nreplications = 20\nseed = 5",
        "post_checkout_base_accept = 0.4",
        "",
        r#"
[[products]]
id = "addon"
name = "Add-on"
category = "other"
price = 10.0
post_purchase = true
[[links]]
from = "side"
to = "addon"
strength = 1.0
[[strategies]]
name = "Both"
pre_checkout = { policy = "matched", slots = 1 }
post_checkout = { policy = "matched", offers = 1 }
"#,
    );
    let t = strategy_totals(&text, 1);
    assert!(t.pre_shown > 0 && t.pre_accepted == t.pre_shown, "every suggestion is taken");
    let rate = t.post_accepted as f64 / t.post_shown as f64;
    // About 60,000 offers: the standard error of the rate is 0.002.
    assert!((rate - 0.4).abs() < 0.01, "take rate {rate}, expected 0.4");
}

#[test]
fn tier_top_up_prefers_products_relevant_to_accepted_suggestions() {
    // MODEL.md rule 5: the top-up is the cheapest product priced >= gap among those
    // relevant to the current cart (the intended cart plus accepted suggestions).
    // The cart is `main` ($50); `side` ($20) is always taken; the gap to the $100
    // tier is then $30. `linked` ($40) is relevant through `side` only, `plain` ($30)
    // is relevant to nothing: the top-up must be `linked`, every time (uptake 1).
    let text = side_always_taken(
        "top-up relevance",
        "visitors = 5_000\nreplications = 4\nseed = 9",
        "tier_max_uptake = 1.0\ntier_gap_decay = 0.0",
        "loyalty_member_share = 1.0\nspend_to_date = 0.0",
        r#"
[[products]]
id = "plain"
name = "Plain"
category = "other"
price = 30.0
[[products]]
id = "linked"
name = "Linked"
category = "other"
price = 40.0
[[links]]
from = "side"
to = "linked"
strength = 0.5
[[tiers]]
name = "Gold"
threshold = 100.0
[[strategies]]
name = "Suggest and prompt"
pre_checkout = { policy = "matched", slots = 1 }
tier_prompt = { policy = "universal" }
"#,
    );
    let t = strategy_totals(&text, 1);
    assert!(t.upgrades > 1000, "{} upgrades", t.upgrades);
    assert_eq!(t.src_tier_top_up, t.upgrades as i64 * 4000, "every top-up is `linked` at $40.00");
}

#[test]
fn tier_top_up_price_ties_go_to_the_more_popular_product() {
    // MODEL.md rule 5: among products priced >= gap, the cheapest; price ties go to
    // the more popular. `rare` and `common` both cost $40 and are both relevant
    // through `side`; `common` is more popular, and is told apart by its cost ($30
    // against $10; every other cost is 0), so margin = revenue - $30 per upgrade.
    let text = side_always_taken(
        "top-up ties",
        "visitors = 5_000\nreplications = 4\nseed = 9",
        "tier_max_uptake = 1.0\ntier_gap_decay = 0.0",
        "loyalty_member_share = 1.0\nspend_to_date = 0.0",
        r#"
[[products]]
id = "rare"
name = "Rare"
category = "other"
price = 40.0
cost = 10.0
popularity = 1.0
[[products]]
id = "common"
name = "Common"
category = "other"
price = 40.0
cost = 30.0
popularity = 2.0
[[links]]
from = "side"
to = "rare"
strength = 0.5
[[links]]
from = "side"
to = "common"
strength = 0.5
[[tiers]]
name = "Gold"
threshold = 100.0
[[strategies]]
name = "Suggest and prompt"
pre_checkout = { policy = "matched", slots = 1 }
tier_prompt = { policy = "universal" }
"#,
    );
    let t = strategy_totals(&text, 1);
    assert!(t.upgrades > 1000, "{} upgrades", t.upgrades);
    assert_eq!(t.margin, t.revenue - t.upgrades as i64 * 3000, "every top-up is `common`");
}

#[test]
fn matched_suggestions_are_the_most_relevant_over_the_whole_cart() {
    // MODEL.md rules 2-3: rel(c | cart) is the strongest link from a cart item or its
    // category, and `matched` shows the k most relevant. `main`'s own links are `side`
    // (1.0), `x` (0.6) and `z` (0.5); its category links to `y` (0.9), so the three
    // most relevant are side, y and x ($20 + $25 + $30), not z ($40). Propensity 2
    // makes every shown product taken (2 x rel >= 1), so every order carries exactly
    // $75 of cross-sell.
    let text = side_always_taken(
        "matched top three",
        "visitors = 5_000\nreplications = 4\nseed = 5",
        "",
        "",
        r#"
[[products]]
id = "x"
name = "X"
category = "other"
price = 30.0
[[products]]
id = "z"
name = "Z"
category = "other"
price = 40.0
[[products]]
id = "y"
name = "Y"
category = "other"
price = 25.0
[[links]]
from = "main"
to = "x"
strength = 0.6
[[links]]
from = "main"
to = "z"
strength = 0.5
[[links]]
from_category = "main"
to = "y"
strength = 0.9
[[strategies]]
name = "Matched"
pre_checkout = { policy = "matched", slots = 3 }
"#,
    )
    .replace("acceptance_propensity = 1.0", "acceptance_propensity = 2.0");
    assert!(text.contains("acceptance_propensity = 2.0"), "the edit applied");
    let t = strategy_totals(&text, 1);
    assert!(t.orders > 1000, "{} orders", t.orders);
    assert_eq!(t.src_cross_sell, t.orders as i64 * 7500, "every order takes side, y and x");
}

#[test]
fn matched_post_checkout_offer_can_be_an_unlinked_product_at_baseline_relevance() {
    // MODEL.md rule 8: `matched` post-checkout offers rank by expected revenue,
    // min(1, p) x offer price, and a product without a link to the order has the
    // baseline relevance. `linked` ($10, strength 0.1) scores 0.1 x $10 = $1; the
    // unlinked `pricey` ($200) scores 0.05 x $200 = $10, so it is the one offer.
    let text = post_checkout_world(
        "unlinked offer",
        0.05,
        "[[products]]\nid = \"linked\"\nname = \"Linked\"\ncategory = \"other\"\nprice = 10.0\npost_purchase = true\n\
         [[products]]\nid = \"pricey\"\nname = \"Pricey\"\ncategory = \"other\"\nprice = 200.0\npost_purchase = true\n",
        "[[links]]\nfrom = \"main\"\nto = \"linked\"\nstrength = 0.1\n",
        "[[strategies]]\nname = \"Matched offer\"\npost_checkout = { policy = \"matched\", offers = 1 }\n",
    );
    let t = strategy_totals(&text, 1);
    assert!(t.post_accepted > 50, "{} offers taken", t.post_accepted);
    assert_eq!(t.src_post_checkout, t.post_accepted as i64 * 20_000, "every offer taken is `pricey`");
}

#[test]
fn relevance_is_the_strongest_link_from_an_item_or_its_category() {
    // MODEL.md rule 2: `main` links to `side` at 0.3 and its category at 0.9, so
    // rel(side | cart) = 0.9, and with propensity 1.2 the shown `side` is taken
    // every time (1.2 x 0.9 >= 1); at 0.3 it would be taken 36% of the time.
    let text = side_always_taken(
        "strongest link",
        "visitors = 5_000\nreplications = 4\nseed = 13",
        "",
        "",
        r#"
[[strategies]]
name = "Matched"
pre_checkout = { policy = "matched", slots = 1 }
"#,
    )
    .replace(
        "to = \"side\"\nstrength = 1.0",
        "to = \"side\"\nstrength = 0.3\n[[links]]\nfrom_category = \"main\"\nto = \"side\"\nstrength = 0.9",
    )
    .replace("acceptance_propensity = 1.0", "acceptance_propensity = 1.2");
    assert!(text.contains("strength = 0.3") && text.contains("acceptance_propensity = 1.2"), "the edits applied");
    let t = strategy_totals(&text, 1);
    assert!(t.orders > 1000, "{} orders", t.orders);
    assert_eq!(t.src_cross_sell, t.orders as i64 * 2000, "every order takes `side`");
}

#[test]
fn popular_suggestions_skip_products_in_the_cart() {
    // MODEL.md rule 3: `popular` shows the most popular products not in the cart.
    // `main` (always the cart) and `side` tie on popularity, `main` first in the
    // catalog; one slot must show `side`, which is always taken ($20 per order).
    let text = side_always_taken(
        "popular skips the cart",
        "visitors = 5_000\nreplications = 4\nseed = 17",
        "",
        "",
        "[[strategies]]\nname = \"Popular\"\npre_checkout = { policy = \"popular\", slots = 1 }\n",
    );
    let t = strategy_totals(&text, 1);
    assert!(t.orders > 1000, "{} orders", t.orders);
    assert_eq!(t.src_cross_sell, t.orders as i64 * 2000, "every order takes `side`");
}

/// A one-segment world whose orders hold `main` ($50) alone, with the post-purchase
/// products of `products` (TOML tables) linked from `main` by `links`; offers are
/// taken with probability equal to their relevance (base acceptance 1, no price
/// effect; unlinked products have relevance `baseline`); `strategy` is the one
/// strategy besides the holdout.
fn post_checkout_world(name: &str, baseline: f64, products: &str, links: &str, strategy: &str) -> String {
    opening(name, "visitors = 20_000\nreplications = 4\nseed = 19")
        + &format!(
            r#"
[behaviour]
baseline_relevance = {baseline:?}
post_checkout_base_accept = 1.0
[[products]]
id = "main"
name = "Main"
category = "main"
price = 50.0
popularity = 5.0
post_purchase = true
{products}
{links}
{MAIN_ONLY_SEGMENT}[[strategies]]
name = "Holdout"
holdout = true
{strategy}"#
        )
}

#[test]
fn popular_post_checkout_offers_skip_products_in_the_order() {
    // MODEL.md rule 3: post-checkout offers skip products in the order. `main` is the
    // most popular post-purchase product but is the order; the offer must be `side`,
    // linked at strength 1 and so always taken ($20 per order).
    let text = post_checkout_world(
        "popular offer skips the order",
        0.0,
        "[[products]]\nid = \"side\"\nname = \"Side\"\ncategory = \"other\"\nprice = 20.0\npost_purchase = true\n",
        "[[links]]\nfrom = \"main\"\nto = \"side\"\nstrength = 1.0\n",
        "[[strategies]]\nname = \"Popular offer\"\npost_checkout = { policy = \"popular\", offers = 1 }\n",
    );
    let t = strategy_totals(&text, 1);
    assert!(t.orders > 1000, "{} orders", t.orders);
    assert_eq!(t.src_post_checkout, t.orders as i64 * 2000, "every order takes `side`");
}

#[test]
fn matched_post_checkout_ties_go_to_the_more_popular_product() {
    // MODEL.md rule 3: ties go to the more popular. `rare` and `common` are both $40
    // and linked at 0.5, so their expected revenues tie; `common` is more popular and
    // is told apart by its cost ($30 against $10), so margin = revenue - $30 per offer
    // taken (`main` costs nothing).
    let text = post_checkout_world(
        "offer ties",
        0.0,
        "[[products]]\nid = \"rare\"\nname = \"Rare\"\ncategory = \"other\"\nprice = 40.0\ncost = 10.0\n\
         popularity = 1.0\npost_purchase = true\n\
         [[products]]\nid = \"common\"\nname = \"Common\"\ncategory = \"other\"\nprice = 40.0\ncost = 30.0\n\
         popularity = 2.0\npost_purchase = true\n",
        "[[links]]\nfrom = \"main\"\nto = \"rare\"\nstrength = 0.5\n\
         [[links]]\nfrom = \"main\"\nto = \"common\"\nstrength = 0.5\n",
        "[[strategies]]\nname = \"Matched offer\"\npost_checkout = { policy = \"matched\", offers = 1 }\n",
    );
    let t = strategy_totals(&text, 1);
    assert!(t.post_accepted > 500, "{} offers taken", t.post_accepted);
    assert_eq!(t.margin, t.revenue - t.post_accepted as i64 * 3000, "every offer taken is `common`");
}

#[test]
fn expected_value_ranking_weighs_relevance_by_price() {
    // MODEL.md rule 3: the expected-value ranking uses rel x price x price_factor.
    // With no price sensitivity, `cheap` ($7, linked at 0.9) scores 6.3 and `pricey`
    // ($100, linked at 0.3) scores 30: one slot shows `pricey` (relevance alone would
    // show `cheap`). Every cart completes (completion 1, no friction), so every
    // accepted suggestion is in an order: cross-sell = $100 x accepted.
    let text = side_always_taken(
        "expected value",
        "visitors = 5_000\nreplications = 4\nseed = 23",
        "",
        "",
        r#"
[[products]]
id = "cheap"
name = "Cheap"
category = "other"
price = 7.0
[[products]]
id = "pricey"
name = "Pricey"
category = "other"
price = 100.0
[[links]]
from = "main"
to = "cheap"
strength = 0.9
[[links]]
from = "main"
to = "pricey"
strength = 0.3
[[strategies]]
name = "Expected value"
pre_checkout = { policy = "matched", slots = 1, ranking = "expected_value" }
"#,
    )
    .replace("to = \"side\"\nstrength = 1.0", "to = \"side\"\nstrength = 0.2")
    .replace("checkout_completion = 0.5", "checkout_completion = 1.0");
    assert!(text.contains("strength = 0.2") && text.contains("checkout_completion = 1.0"), "the edits applied");
    let sc = scenario(&text);
    let out = run(&sc, None);
    for rep in &out.replications {
        assert_eq!(rep.strategies[1].orders, rep.carts, "every cart completes");
    }
    let t = &totals(&out).strategies[1];
    assert!(t.pre_accepted > 300, "{} suggestions taken", t.pre_accepted);
    assert_eq!(t.src_cross_sell, t.pre_accepted as i64 * 10_000, "every suggestion taken is `pricey`");
}

#[test]
fn tier_window_includes_its_edge() {
    // MODEL.md rule 5: window display when 0 < gap <= w x next threshold. Carts of one
    // $90 item against a $120 tier leave a gap of exactly 25% of it: the prompt shows
    // to every member. Every cart completes (completion 1, no friction), so the shown
    // count is exact.
    let text = side_always_taken(
        "window edge",
        "visitors = 5_000\nreplications = 4\nseed = 29",
        "",
        "loyalty_member_share = 1.0\nspend_to_date = 0.0",
        r#"
[[tiers]]
name = "Gold"
threshold = 120.0
[[strategies]]
name = "Window"
tier_prompt = { policy = "window", window = 0.25 }
"#,
    )
    .replace("price = 50.0", "price = 90.0")
    .replace("checkout_completion = 0.5", "checkout_completion = 1.0");
    assert!(text.contains("price = 90.0") && text.contains("checkout_completion = 1.0"), "the edits applied");
    let sc = scenario(&text);
    let out = run(&sc, None);
    let all = totals(&out);
    assert!(all.carts > 1000, "{} carts", all.carts);
    assert_eq!(all.strategies[1].tier_shown, all.carts, "the prompt shows at a gap of exactly the window");
}

#[test]
fn closed_form_post_checkout_acceptance() {
    // MODEL.md stage 5 and rule 8: the offer (`extra`, $20, relevance 0.6) is taken
    // with 0.4 x 0.6 / (1 + 20 / V), V the order value ($50 x items).
    let strategies = "[[strategies]]\nname = \"Offer\"\npost_checkout = { policy = \"matched\", offers = 1 }\n";
    let sc = scenario(&two_products(STORE, "", strategies));
    let r = summarize(&sc, &run(&sc, None).replications, 1.0, 1);
    let pmf = poisson_pmf(1.5, 60);
    let take: f64 = pmf.iter().enumerate().map(|(i, p)| p * 0.4 * 0.6 / (1.0 + 20.0 / (50.0 * (i + 1) as f64))).sum();
    let acc = r.strategies[1].metrics.post_checkout_acceptance_rate.unwrap();
    assert!((acc.mean - take).abs() < 3.0 * acc.se, "acceptance {} vs {take} se {}", acc.mean, acc.se);
}

/// `side_always_taken` with every cart completing, every shopper a member with no
/// spend, one tier at `threshold` dollars and `strategy` (TOML) after the holdout.
fn members_complete(name: &str, behaviour: &str, threshold: &str, strategy: &str) -> String {
    let text = side_always_taken(
        name,
        "visitors = 5_000\nreplications = 4\nseed = 31",
        behaviour,
        "loyalty_member_share = 1.0\nspend_to_date = 0.0",
        &format!("[[tiers]]\nname = \"Gold\"\nthreshold = {threshold}\n{strategy}"),
    )
    .replace("checkout_completion = 0.5", "checkout_completion = 1.0");
    assert!(text.contains("checkout_completion = 1.0"), "the edit applied");
    text
}

#[test]
fn tier_top_up_may_cost_exactly_the_gap() {
    // MODEL.md rule 5: the top-up is the cheapest product priced >= gap, cart-relevant
    // ones first. A $50 cart against a $70 tier leaves a $20 gap, which the linked
    // `side` ($20) closes exactly; uptake is 1 at any gap, so every order tops up with
    // `side`, not with the unlinked, more popular `plain` ($20, cost $5), which would
    // win among all products. Nothing else has a cost, so margin = revenue.
    let text = members_complete(
        "top-up at the gap",
        "tier_max_uptake = 1.0\ntier_gap_decay = 0.0",
        "70.0",
        "[[products]]\nid = \"plain\"\nname = \"Plain\"\ncategory = \"other\"\nprice = 20.0\ncost = 5.0\n\
         popularity = 2.0\n\
         [[strategies]]\nname = \"Prompt\"\ntier_prompt = { policy = \"universal\" }\n",
    );
    let t = strategy_totals(&text, 1);
    assert!(t.orders > 1000, "{} orders", t.orders);
    assert_eq!(t.upgrades, t.orders, "every order tops up");
    assert_eq!(t.src_tier_top_up, t.orders as i64 * 2000, "every top-up costs $20");
    assert_eq!(t.margin, t.revenue, "every top-up is `side`");
}

#[test]
fn no_tier_prompt_when_the_cart_reaches_the_threshold() {
    // MODEL.md rule 5: no prompt when gap <= 0. A $50 cart against a $50 tier has a
    // gap of 0 (no prompt); against a $51 tier, a gap of $1 (a prompt to everyone).
    let universal = "[[strategies]]\nname = \"Prompt\"\ntier_prompt = { policy = \"universal\" }\n";
    for (threshold, every_cart) in [("50.0", false), ("51.0", true)] {
        let sc = scenario(&members_complete("gap zero", "", threshold, universal));
        let all = totals(&run(&sc, None));
        assert!(all.carts > 1000, "{} carts", all.carts);
        assert_eq!(all.strategies[1].tier_shown, if every_cart { all.carts } else { 0 }, "threshold ${threshold}");
    }
}

#[test]
fn lift_standard_errors_match_the_spread_across_replications() {
    // With fixed inputs, a lift varies across replications by sampling alone, so the
    // standard deviation of its per-replication values must match the delta-method
    // standard error reported within each replication (their mean). Common random
    // numbers make the holdout and the strategy strongly correlated; an SE that
    // ignored the covariance would be several times too large.
    let strategies = "[[strategies]]\nname = \"Levers\"\n\
                      checkout = { discount = 0.1, friction_reduction = 0.05 }\n\
                      pre_checkout = { policy = \"matched\", slots = 1 }\n\
                      post_checkout = { policy = \"matched\", offers = 1 }\n";
    let sc = scenario(&two_products(STORE, "", strategies));
    let out = run(&sc, None);
    let vs: Vec<_> = out.replications.iter().map(|rep| replication_metrics(&sc, rep)[1].vs.clone().unwrap()).collect();
    type Pick = fn(&aovlab::report::VsRep) -> Option<aovlab::stats::Estimate>;
    let lifts: [(&str, Pick); 4] = [
        ("conversion", |v| v.lifts.conversion_rate_lift),
        ("AOV", |v| v.lifts.aov_lift),
        ("RPV", |v| v.lifts.rpv_lift),
        ("margin", |v| v.lifts.margin_lift),
    ];
    for (name, pick) in lifts {
        let e: Vec<_> = vs.iter().map(|v| pick(v).unwrap()).collect();
        let n = e.len() as f64;
        let mean = e.iter().map(|x| x.value).sum::<f64>() / n;
        let sd = (e.iter().map(|x| (x.value - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let se = e.iter().map(|x| x.se).sum::<f64>() / n;
        // 200 replications: the sample SD is within about 10% of the truth (2 sigma);
        // measured 1.06-1.09 for the four lifts.
        assert!((0.8..=1.25).contains(&(sd / se)), "{name} lift: SD across replications {sd}, mean SE {se}");
    }
}

#[test]
fn a_friction_factor_below_zero_is_zero() {
    // MODEL.md rule 4: every friction factor is max(0, 1 - x). With 0.5 per slot and a
    // friction sensitivity of 4 the factor is max(0, -1) = 0: nobody completes after
    // seeing two slots (unclamped, (-1)^2 = 1 would leave completion untouched).
    let text = opening("negative friction", "visitors = 20_000\nreplications = 2\nseed = 5")
        + &format!(
            r#"
[behaviour]
friction_per_slot = 0.5
[[products]]
id = "main"
name = "Main"
category = "main"
price = 50.0
[[products]]
id = "s1"
name = "S1"
category = "other"
price = 20.0
[[products]]
id = "s2"
name = "S2"
category = "other"
price = 10.0
{MAIN_ONLY_SEGMENT}friction_sensitivity = 4.0
[[strategies]]
name = "Holdout"
holdout = true
[[strategies]]
name = "Two slots"
pre_checkout = {{ policy = "popular", slots = 2 }}
"#
        );
    let t = totals(&run(&scenario(&text), None));
    assert!(t.strategies[0].orders > 2_000, "holdout orders {}", t.strategies[0].orders);
    assert_eq!(t.strategies[1].orders, 0);
    assert!(t.strategies[1].pre_shown > 0);
}

#[test]
fn carts_follow_the_renormalised_segment_shares() {
    // MODEL.md rule 9: uncertain shares are renormalised after drawing. Given one
    // replication's draws, carts are Binomial(visitors, sum share_i x add_to_cart_i)
    // with the renormalised shares; here the raw draws sum to anything in 0.6-1.4.
    let text = opening("uncertain shares", "visitors = 50_000\nreplications = 20\nseed = 23")
        + r#"
[[products]]
id = "main"
name = "Main"
category = "main"
price = 50.0
[[segments]]
name = "browsers"
share = { dist = "uniform", min = 0.2, max = 0.6 }
add_to_cart_rate = 0.05
checkout_completion = 0.5
mean_cart_size = 1.0
[[segments]]
name = "buyers"
share = { dist = "uniform", min = 0.4, max = 0.8 }
add_to_cart_rate = 0.5
checkout_completion = 0.5
mean_cart_size = 1.0
[[strategies]]
name = "Holdout"
holdout = true
"#;
    let sc = scenario(&text);
    let out = run(&sc, None);
    for rep in &out.replications {
        let w = aovlab::engine::world::Realized::draw(&sc, rep.replication);
        let shares: f64 = w.segments.iter().map(|s| s.share).sum();
        assert!((shares - 1.0).abs() < 1e-12, "renormalised shares sum to {shares}");
        let p: f64 = w.segments.iter().map(|s| s.share * s.add_to_cart_rate).sum();
        let n = rep.visitors as f64;
        let z = (rep.carts as f64 - n * p) / (n * p * (1.0 - p)).sqrt();
        assert!(
            z.abs() < 5.0,
            "replication {}: {} carts, expected {:.0} (z = {z:.1})",
            rep.replication,
            rep.carts,
            n * p
        );
    }
}

#[test]
fn offer_prices_round_to_the_nearest_cent() {
    // MODEL.md rule 7: offer price = price x (1 - offer_discount), in cents, rounded
    // half away from zero.
    use aovlab::engine::world::offer_price;
    assert_eq!(offer_price(1001, 0.25), 751, "750.75 cents");
    assert_eq!(offer_price(1999, 0.15), 1699, "1699.15 cents");
    assert_eq!(offer_price(1, 0.5), 1, "0.5 cents");
    assert_eq!(offer_price(2000, 0.0), 2000);
}
