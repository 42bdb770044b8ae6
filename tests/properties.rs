//! Property tests: invariants that hold for any valid scenario.
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::engine::StrategyCounts;
use aovlab::io::scenario_file::{parse_spec, to_toml};
use aovlab::model::{
    BehaviourSpec, CheckoutSpec, Dist, FORMAT_VERSION, LinkSpec, OfferPolicy, Param, PostCheckoutSpec, PreCheckoutSpec,
    ProductSpec, Ranking, Scenario, ScenarioSpec, SegmentSpec, ShippingPrompt, ShippingSpec, StoreSpec,
    StrategyShippingSpec, StrategySpec, TierPolicy, TierPromptSpec, TierSpec,
};
use aovlab::report::replication_metrics;
use proptest::prelude::*;

fn product(i: usize) -> impl Strategy<Value = ProductSpec> {
    (1.0f64..400.0, 0.0f64..1.0, 0.1f64..10.0, any::<bool>(), 0usize..3).prop_map(move |(price, c, pop, post, cat)| {
        ProductSpec {
            id: format!("p{i}"),
            name: format!("Product {i}"),
            category: format!("c{cat}"),
            price: (price * 100.0).round() / 100.0,
            cost: (price * c * 100.0).round() / 100.0,
            popularity: pop,
            post_purchase: post,
        }
    })
}

fn policy() -> impl Strategy<Value = OfferPolicy> {
    prop_oneof![Just(OfferPolicy::Off), Just(OfferPolicy::Popular), Just(OfferPolicy::Matched)]
}

fn strategy(i: usize) -> impl Strategy<Value = StrategySpec> {
    (
        policy(),
        1u32..4,
        any::<bool>(),
        prop_oneof![Just(TierPolicy::Off), Just(TierPolicy::Universal), Just(TierPolicy::Window)],
        0.05f64..1.0,
        0.0f64..0.3,
        0.0f64..0.3,
        policy(),
        1u32..3,
        0.0f64..0.5,
        (
            prop::option::of(0.0f64..200.0),
            prop_oneof![Just(ShippingPrompt::Store), Just(ShippingPrompt::On), Just(ShippingPrompt::Off)],
        ),
    )
        .prop_map(move |(pre, slots, ev, tier, window, fr, disc, post, offers, od, (threshold, prompt))| {
            StrategySpec {
                name: format!("S{i}"),
                holdout: false,
                pre_checkout: PreCheckoutSpec {
                    policy: pre,
                    slots,
                    ranking: if ev { Ranking::ExpectedValue } else { Ranking::Relevance },
                },
                tier_prompt: TierPromptSpec { policy: tier, window },
                checkout: CheckoutSpec { friction_reduction: Param::Fixed(fr), discount: disc },
                post_checkout: PostCheckoutSpec { policy: post, offers, offer_discount: od },
                shipping: StrategyShippingSpec { threshold: threshold.map(|t| (t * 100.0).round() / 100.0), prompt },
            }
        })
}

fn segment(i: usize, share: f64) -> impl Strategy<Value = SegmentSpec> {
    (0.05f64..0.9, 0.05f64..1.0, 1.0f64..4.0, 0.0f64..2.0, 0.0f64..3.0, 0.0f64..5.0, 0.0f64..1.0, 1.0f64..500.0)
        .prop_map(move |(atc, cc, size, prop, ps, fs, member, spend)| SegmentSpec {
            name: format!("seg{i}"),
            share: Param::Fixed(share),
            add_to_cart_rate: Param::Fixed(atc),
            checkout_completion: Param::Fixed(cc),
            mean_cart_size: Param::Fixed(size),
            acceptance_propensity: Param::Fixed(prop),
            price_sensitivity: Param::Fixed(ps),
            friction_sensitivity: Param::Fixed(fs),
            post_checkout_eligibility: Param::Fixed(1.0),
            loyalty_member_share: Param::Fixed(member),
            spend_to_date: Param::Dist(Dist::Lognormal { median: spend, sigma: 0.8 }),
            category_affinity: Default::default(),
        })
}

fn scenario() -> impl Strategy<Value = ScenarioSpec> {
    let products = (1usize..8).prop_flat_map(|n| (0..n).map(product).collect::<Vec<_>>());
    let strategies = (1usize..4).prop_flat_map(|n| (1..=n).map(strategy).collect::<Vec<_>>());
    let segments = prop_oneof![
        segment(0, 1.0).prop_map(|s| vec![s]),
        (segment(0, 0.3), segment(1, 0.7)).prop_map(|(a, b)| vec![a, b]),
    ];
    let tiers = prop::collection::vec(10.0f64..400.0, 0..3);
    (
        products,
        strategies,
        segments,
        tiers,
        prop::collection::vec((0usize..8, 0usize..8, 0.0f64..1.0), 0..12),
        0u64..1000,
        (0.0f64..150.0, prop_oneof![Just(0.0), 0.0f64..15.0], any::<bool>(), 0.05f64..1.0, 0.0f64..10.0),
    )
        .prop_map(|(products, mut strategies, segments, mut tiers, links, seed, shipping)| {
            let (threshold, fee, prompt, window, cost) = shipping;
            tiers.sort_by(f64::total_cmp);
            tiers.dedup();
            let n = products.len();
            let links = links
                .into_iter()
                .map(|(a, b, s)| LinkSpec {
                    from: Some(format!("p{}", a % n)),
                    from_category: None,
                    to: format!("p{}", b % n),
                    strength: s,
                })
                .collect();
            let off = |name: &str, holdout| StrategySpec {
                name: name.into(),
                holdout,
                pre_checkout: Default::default(),
                tier_prompt: Default::default(),
                checkout: Default::default(),
                post_checkout: Default::default(),
                shipping: Default::default(),
            };
            strategies.insert(0, off("Holdout", true));
            strategies.push(off("Twin", false));
            let mut post_only = off("Post only", false);
            post_only.post_checkout = PostCheckoutSpec { policy: OfferPolicy::Matched, offers: 2, offer_discount: 0.1 };
            strategies.push(post_only);
            ScenarioSpec {
                format_version: FORMAT_VERSION,
                name: "prop".into(),
                description: String::new(),
                store: StoreSpec { currency: "USD".into(), annual_gmv: 1e6, visitors: 3000, replications: 2, seed },
                behaviour: BehaviourSpec { shipping_cost: Param::Fixed(cost), ..BehaviourSpec::default() },
                catalog: None,
                products,
                links,
                segments,
                tiers: tiers
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| TierSpec { name: format!("T{i}"), threshold: t, upgrade_cost: Default::default() })
                    .collect(),
                strategies,
                correlations: Vec::new(),
                presented: None,
                claims: Vec::new(),
                costs: Default::default(),
                shipping: ShippingSpec {
                    threshold: (threshold * 100.0).round() / 100.0,
                    fee: (fee * 100.0).round() / 100.0,
                    prompt,
                    prompt_window: window,
                },
            }
        })
}

/// Strategy `1 + pick % (n - 1)` and the holdout get the same tallies in the full
/// scenario as in one with only the two of them.
fn same_as_alone(spec: &ScenarioSpec, pick: usize) -> Result<(), TestCaseError> {
    let full = Scenario::from_spec(spec.clone()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let k = 1 + pick % (spec.strategies.len() - 1);
    let mut alone = spec.clone();
    alone.strategies = vec![spec.strategies[0].clone(), spec.strategies[k].clone()];
    let alone = Scenario::from_spec(alone).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let a = common::run(&full, Some(2));
    let b = common::run(&alone, Some(1));
    for (ra, rb) in a.replications.iter().zip(&b.replications) {
        prop_assert_eq!(&ra.strategies[k], &rb.strategies[1], "strategy {}", spec.strategies[k].name);
        prop_assert_eq!(&ra.strategies[0], &rb.strategies[0]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn invariants_hold(spec in scenario()) {
        let sc = Scenario::from_spec(spec).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let out = common::run(&sc, Some(2));
        let n = sc.strategies.len();
        let (twin, post) = (n - 2, n - 1);
        for rep in &out.replications {
            let h = &rep.strategies[sc.holdout];
            prop_assert_eq!(&rep.strategies[twin], &StrategyCounts { ..h.clone() });
            prop_assert_eq!(rep.strategies[post].orders, h.orders);
            prop_assert!(rep.strategies[post].revenue >= h.revenue);
            prop_assert!(rep.carts <= rep.visitors);
            for t in &rep.strategies {
                prop_assert!(t.orders <= rep.carts);
                prop_assert_eq!(
                    t.revenue,
                    t.src_base_cart
                        + t.src_cross_sell
                        + t.src_tier_top_up
                        + t.src_shipping_top_up
                        + t.src_post_checkout
                        + t.src_discounts
                        + t.src_shipping_fees
                );
                prop_assert!(t.ship_top_ups <= t.ship_accepted && t.ship_accepted <= t.ship_shown);
                prop_assert!(t.fee_orders <= t.orders);
                prop_assert!(t.margin <= t.revenue);
                prop_assert!(t.pre_accepted <= t.pre_shown && t.post_accepted <= t.post_shown);
                prop_assert!(t.upgrades <= t.tier_accepted && t.tier_accepted <= t.tier_shown);
                prop_assert!(t.src_discounts <= 0);
            }
            for m in replication_metrics(&sc, rep) {
                let Some(vs) = m.vs else { continue };
                if let (Some(lc), Some(la), Some(r)) = (vs.log_conversion, vs.log_aov, vs.lifts.rpv_lift) {
                    prop_assert!((lc + la - (1.0 + r.value).ln()).abs() < 1e-9);
                }
                let parts: f64 = vs.sources.parts().iter().map(|p| p.1).sum();
                let hold = h.revenue as f64 / 100.0 / rep.visitors as f64;
                let rpv = m.levels.revenue_per_visitor.unwrap().value;
                prop_assert!((parts - (rpv - hold)).abs() < 1e-9);
                for e in [m.levels.pre_checkout_acceptance_rate, m.levels.tier_prompt_acceptance_rate, m.levels.post_checkout_acceptance_rate].into_iter().flatten() {
                    prop_assert!((0.0..=1.0).contains(&e.value));
                }
            }
        }
    }

    /// Under common random numbers a strategy's tallies do not depend on which other
    /// strategies are compared with it.
    #[test]
    fn a_strategy_does_not_depend_on_the_others(spec in scenario(), pick in 0usize..100) {
        same_as_alone(&spec, pick)?;
    }

    /// Strategies with the same pre- or post-checkout spec share that stage's
    /// simulation per shopper (the engine's stage memo); each still gets exactly the
    /// tallies it gets when compared alone with the holdout.
    #[test]
    fn strategies_sharing_a_stage_match_their_runs_alone(spec in scenario(), pick in 0usize..100) {
        let mut spec = spec;
        let first = spec.strategies[1].clone();
        for st in spec.strategies.iter_mut().skip(2) {
            st.pre_checkout = first.pre_checkout.clone();
            st.post_checkout = first.post_checkout.clone();
        }
        same_as_alone(&spec, pick)?;
    }

    #[test]
    fn toml_round_trip(spec in scenario()) {
        let text = to_toml(&spec).unwrap();
        let back = parse_spec(&text, "round trip").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, spec);
    }
}
