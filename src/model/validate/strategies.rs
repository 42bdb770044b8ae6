//! Strategies (one holdout, every lever in range) and the money totals they could reach.

use std::collections::BTreeSet;

use super::{At, Checker, at};
use crate::format::int;
use crate::model::fields::{FieldId, List};
use crate::model::spec::*;
use crate::model::*;

pub(super) fn check_strategies(
    c: &mut Checker,
    strategies: &[StrategySpec],
    store: &ShippingSpec,
    limits: &Limits,
) -> (Vec<Strategy>, usize) {
    c.cap(List::Strategies, strategies.len(), limits.max_strategies);
    let mut names = BTreeSet::new();
    let mut holdout: Option<usize> = None;
    let mut out = Vec::with_capacity(strategies.len());
    for (i, s) in strategies.iter().enumerate() {
        c.name(at(FieldId::StrategyName, i), &s.name);
        if !names.insert(s.name.as_str()) {
            c.err(at(FieldId::StrategyName, i), format!("duplicate strategy name `{}`; names must be unique", s.name));
        }
        let (pre, tier, post) = (&s.pre_checkout, &s.tier_prompt, &s.post_checkout);
        if pre.policy != OfferPolicy::Off {
            c.whole(FieldId::PreCheckoutSlots, Some(i), u64::from(pre.slots), None);
        }
        if tier.policy == TierPolicy::Window {
            c.number(FieldId::TierPromptWindow, Some(i), tier.window);
        }
        let stream = item_stream(FieldId::FrictionReduction, &s.name);
        let friction_reduction =
            c.input_streamed(FieldId::FrictionReduction, Some(i), &s.checkout.friction_reduction, stream);
        c.number(FieldId::CheckoutDiscount, Some(i), s.checkout.discount);
        if post.policy != OfferPolicy::Off {
            c.whole(FieldId::PostCheckoutOffers, Some(i), u64::from(post.offers), None);
        }
        c.number(FieldId::OfferDiscount, Some(i), post.offer_discount);
        if let Some(t) = s.shipping.threshold {
            c.number(FieldId::StrategyShippingThreshold, Some(i), t);
        }
        if s.holdout {
            if let Some(first) = holdout {
                c.err(
                    at(FieldId::StrategyHoldout, i),
                    format!(
                        "`{}` is already the holdout; exactly one strategy may be the holdout",
                        strategies[first].name.as_str()
                    ),
                );
            } else {
                holdout = Some(i);
            }
            let on: Vec<String> = lever_fields_on(s)
                .into_iter()
                .map(|id| format!("{} ({})", id.field().label, id.field().key()))
                .collect();
            if !on.is_empty() {
                let mut m = format!("the holdout must have every lever off, but it sets {}", on.join(", "));
                if s.shipping != StrategyShippingSpec::default() {
                    m.push_str("; the holdout runs the store's free-shipping policy: change [shipping] instead");
                }
                c.err(at(FieldId::StrategyHoldout, i), m);
            }
        }
        out.push(Strategy {
            name: s.name.clone(),
            pre_checkout: (pre.policy != OfferPolicy::Off).then_some(PreCheckout {
                policy: match pre.policy {
                    OfferPolicy::Popular => PrePolicy::Popular,
                    _ => PrePolicy::Matched(pre.ranking),
                },
                slots: pre.slots,
            }),
            tier_prompt: match tier.policy {
                TierPolicy::Off => None,
                TierPolicy::Universal => Some(TierPrompt::Universal),
                TierPolicy::Window => Some(TierPrompt::Window(tier.window)),
            },
            friction_reduction,
            discount: s.checkout.discount,
            post_checkout: (post.policy != OfferPolicy::Off).then_some(PostCheckout {
                policy: if post.policy == OfferPolicy::Popular { PostPolicy::Popular } else { PostPolicy::Matched },
                offers: post.offers,
                offer_discount: post.offer_discount,
            }),
            shipping: StrategyShipping {
                threshold: to_cents(s.shipping.threshold.unwrap_or(store.threshold)),
                prompt: match s.shipping.prompt {
                    ShippingPrompt::Store => store.prompt,
                    ShippingPrompt::On => true,
                    ShippingPrompt::Off => false,
                },
            },
        });
    }
    if holdout.is_none() && !strategies.is_empty() {
        c.err(
            At::List(List::Strategies),
            "no strategy is the holdout; mark exactly one strategy (with every lever off) as the holdout \
             (holdout = true)",
        );
    } else if strategies.is_empty() {
        c.err(At::List(List::Strategies), "no strategies; add a holdout and at least one strategy to compare");
    }
    (out, holdout.unwrap_or(0))
}

/// The lever fields that `s` turns on.
pub fn lever_fields_on(s: &StrategySpec) -> Vec<FieldId> {
    [
        (s.pre_checkout.policy != OfferPolicy::Off, FieldId::PreCheckoutPolicy),
        (s.tier_prompt.policy != TierPolicy::Off, FieldId::TierPromptPolicy),
        (s.checkout.friction_reduction != Param::Fixed(0.0), FieldId::FrictionReduction),
        (s.checkout.discount != 0.0, FieldId::CheckoutDiscount),
        (s.post_checkout.policy != OfferPolicy::Off, FieldId::PostCheckoutPolicy),
        (s.shipping.threshold.is_some(), FieldId::StrategyShippingThreshold),
        (s.shipping.prompt != ShippingPrompt::Store, FieldId::StrategyShippingPrompt),
    ]
    .into_iter()
    .filter_map(|(on, n)| on.then_some(n))
    .collect()
}

/// MODEL.md rule 12: a replication's money totals are sums of whole cents in 64-bit
/// integers; refuse a scenario where they could overflow. The largest order holds
/// every cart item, suggestion, top-up and offer at the highest price (or cost, for
/// margin) in the catalog.
pub(super) fn check_money_totals(c: &mut Checker, spec: &ScenarioSpec, products: &[Product]) {
    let unit = products.iter().map(|p| p.price.max(p.cost)).max().unwrap_or(0);
    let on = |s: &&StrategySpec| s.pre_checkout.policy != OfferPolicy::Off;
    let slots = spec.strategies.iter().filter(on).map(|s| s.pre_checkout.slots.min(MAX_SLOTS)).max().unwrap_or(0);
    let offers = spec
        .strategies
        .iter()
        .filter(|s| s.post_checkout.policy != OfferPolicy::Off)
        .map(|s| s.post_checkout.offers.min(MAX_OFFERS))
        .max()
        .unwrap_or(0);
    // A free-shipping top-up is one more item, and the fee is paid on top (rule 22).
    let prompts = spec.shipping.prompt || spec.strategies.iter().any(|s| s.shipping.prompt == ShippingPrompt::On);
    let items = MAX_CART_ITEMS as i128 + i128::from(slots) + 1 + i128::from(offers) + i128::from(prompts);
    let largest_order = i128::from(unit) * items + i128::from(to_cents(spec.shipping.fee.clamp(0.0, MAX_MONEY)));
    let total = largest_order * i128::from(spec.store.visitors);
    if total > i128::from(i64::MAX) {
        let most = (i128::from(i64::MAX) / largest_order.max(1)).max(0);
        let currency = &spec.store.currency;
        c.err(
            At::Field(FieldId::StoreVisitors, None),
            format!(
                "{} visitors could spend more than a replication's exact total can hold ({}{}): an order may hold \
                 up to {items} items at {} (the highest price or cost in the catalog); use at most {} visitors per \
                 replication, or lower the highest price",
                int(spec.store.visitors),
                crate::format::currency_symbol(currency),
                int(i64::MAX as u64 / 100),
                crate::format::money(unit as f64 / 100.0, currency, 2),
                int(u64::try_from(most).unwrap_or(u64::MAX)),
            ),
        );
    }
}

/// Claims to check (MODEL.md's metrics, as a vendor or an article states them): each
/// one's words, numbers and the figure's own range. A strategy a claim names that the
/// scenario lacks is not an error: the check says it cannot answer (a strategy renamed
/// in the app leaves the file valid).
pub(super) fn check_claims(c: &mut Checker, claims: &[ClaimSpec]) {
    c.cap(List::Claims, claims.len(), MAX_CLAIMS);
    for (i, k) in claims.iter().enumerate() {
        c.name(at(FieldId::ClaimStatement, i), &k.statement);
        c.printable(at(FieldId::ClaimSource, i), &k.source);
        c.name(at(FieldId::ClaimStrategy, i), &k.strategy);
        c.number(FieldId::ClaimAtLeast, Some(i), k.at_least);
        if let Some(m) = k.at_most {
            c.number(FieldId::ClaimAtMost, Some(i), m);
            if m < k.at_least {
                c.err(
                    at(FieldId::ClaimAtMost, i),
                    format!("{m} is below at_least ({}): the range is empty", k.at_least),
                );
            }
        }
        let share = matches!(k.figure, ClaimFigure::TakeRate | ClaimFigure::AttributedShare);
        for (id, v) in [(FieldId::ClaimAtLeast, Some(k.at_least)), (FieldId::ClaimAtMost, k.at_most)] {
            match v {
                Some(v) if share && !(0.0..=1.0).contains(&v) => {
                    c.err(at(id, i), format!("{v} is not a share: a {} is from 0 to 1 (0.3 = 30%)", k.figure.word()))
                }
                Some(v) if k.figure == ClaimFigure::AttributedRevenue && v < 0.0 => {
                    c.err(at(id, i), format!("{v}: attributed revenue a year is at least 0"))
                }
                _ => {}
            }
        }
        if k.figure == ClaimFigure::TakeRate && k.surface == ClaimSurface::Program {
            c.err(
                at(FieldId::ClaimSurface, i),
                "a take rate is per surface: use cart, tier_prompt or confirmation".to_string(),
            );
        }
        if k.basis == ClaimBasis::Attributed && k.figure == ClaimFigure::ConversionLift {
            c.err(
                at(FieldId::ClaimBasis, i),
                "attributed revenue has no conversion lift: a conversion lift is measured against a holdout \
                 (basis = \"incremental\")"
                    .to_string(),
            );
        }
    }
}

/// Most claims a scenario may list.
pub const MAX_CLAIMS: usize = 100;
