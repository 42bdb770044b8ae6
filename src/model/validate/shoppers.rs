//! The store, shopper behaviour, segments and tiers.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use super::{At, Checker, at, unknown};
use crate::format::int;
use crate::model::fields::{FieldId, List, MIN_WEIGHT, Path};
use crate::model::param::num;
use crate::model::spec::*;
use crate::model::*;

pub(super) fn check_store(c: &mut Checker, s: &StoreSpec, limits: &Limits) {
    if let Some(problem) = currency_problem(&s.currency) {
        c.err(At::Field(FieldId::StoreCurrency, None), problem);
    }
    c.number(FieldId::StoreAnnualGmv, None, s.annual_gmv);
    c.whole(FieldId::StoreVisitors, None, s.visitors, Some(limits.max_visitors));
    c.whole(FieldId::StoreReplications, None, u64::from(s.replications), Some(u64::from(limits.max_replications)));
    let total = s.visitors.saturating_mul(u64::from(s.replications));
    if total > limits.max_total_visitors {
        c.err(
            At::Path("store"),
            format!(
                "visitors x replications = {} x {} = {} exceeds the cap of {} visitor-sessions per run; lower \
                 visitors or replications",
                int(s.visitors),
                int(s.replications),
                int(total),
                int(limits.max_total_visitors)
            ),
        );
    }
}

/// The program costs: each a number in its field's range.
pub(super) fn check_costs(c: &mut Checker, spec: &ScenarioSpec) {
    for f in crate::model::fields::FIELDS.iter().filter(|f| f.id.section() == crate::model::fields::Section::Costs) {
        if let Some(crate::model::fields::Value::Number(v)) = crate::model::fields::get(spec, &Path::top(f.id)) {
            c.number(f.id, None, v);
        }
    }
}

/// The store's shipping policy (MODEL.md rule 22): money in range, the window in (0, 1].
pub(super) fn check_shipping(c: &mut Checker, spec: &ScenarioSpec) -> Shipping {
    let s = &spec.shipping;
    c.number(FieldId::ShippingThreshold, None, s.threshold);
    c.number(FieldId::ShippingFee, None, s.fee);
    c.number(FieldId::ShippingPromptWindow, None, s.prompt_window);
    Shipping {
        threshold: to_cents(s.threshold),
        fee: to_cents(s.fee),
        prompt: s.prompt,
        prompt_window: s.prompt_window,
    }
}

pub(super) fn check_behaviour(c: &mut Checker, b: &BehaviourSpec) -> Behaviour {
    Behaviour::from_spec(b, |id, p| c.input(id, None, p))
}

pub(super) fn check_segments(
    c: &mut Checker,
    spec: &ScenarioSpec,
    limits: &Limits,
    products: &[Product],
    cat_index: &HashMap<&str, u32>,
) -> Vec<Segment> {
    if spec.segments.is_empty() {
        c.err(At::List(List::Segments), "no segments; add at least one segment");
    }
    c.cap(List::Segments, spec.segments.len(), limits.max_segments);
    let cat_list: Vec<&str> = {
        let mut v: Vec<(&str, u32)> = cat_index.iter().map(|(k, i)| (*k, *i)).collect();
        v.sort_by_key(|(_, i)| *i);
        v.into_iter().map(|(k, _)| k).collect()
    };
    let mut seg_names = BTreeSet::new();
    let mut segments = Vec::with_capacity(spec.segments.len());
    for (i, s) in spec.segments.iter().enumerate() {
        c.name(at(FieldId::SegmentName, i), &s.name);
        if !seg_names.insert(s.name.as_str()) {
            c.err(at(FieldId::SegmentName, i), format!("duplicate segment name `{}`", s.name));
        }
        let mut affinity = vec![1.0; cat_index.len()];
        for (cat, &a) in &s.category_affinity {
            let affinity_of = Path { category: Some(cat.clone()), ..Path::item(FieldId::SegmentCategoryAffinity, i) };
            let path = affinity_of.canonical();
            if !(a == 0.0 || (MIN_WEIGHT..=1e6).contains(&a)) {
                c.err(
                    At::Path(&path),
                    format!(
                        "{} is not allowed: use 0 (never in carts) or a value in [{}, 1000000]",
                        num(a),
                        num(MIN_WEIGHT)
                    ),
                );
            }
            match cat_index.get(cat.as_str()) {
                Some(&k) => affinity[k as usize] = a.clamp(0.0, 1e6),
                None => c.err(At::Path(&path), unknown("category", cat, &cat_list)),
            }
        }
        if !products.is_empty() && products.iter().all(|p| affinity[p.category as usize] == 0.0) {
            let m = "every category has affinity 0: this segment could buy nothing";
            c.err(at(FieldId::SegmentCategoryAffinity, i), m);
        }
        if let Err(m) = FieldId::SegmentSpendToDate.field().check_param(&s.spend_to_date, &spec.store.currency) {
            c.err(at(FieldId::SegmentSpendToDate, i), m);
        }
        let mut input = |id: FieldId, p: &Param| c.input(id, Some(i), p);
        segments.push(Segment {
            name: s.name.clone(),
            share: input(FieldId::SegmentShare, &s.share),
            add_to_cart_rate: input(FieldId::SegmentAddToCartRate, &s.add_to_cart_rate),
            checkout_completion: input(FieldId::SegmentCheckoutCompletion, &s.checkout_completion),
            mean_cart_size: input(FieldId::SegmentMeanCartSize, &s.mean_cart_size),
            acceptance_propensity: input(FieldId::SegmentAcceptancePropensity, &s.acceptance_propensity),
            price_sensitivity: input(FieldId::SegmentPriceSensitivity, &s.price_sensitivity),
            friction_sensitivity: input(FieldId::SegmentFrictionSensitivity, &s.friction_sensitivity),
            loyalty_member_share: input(FieldId::SegmentLoyaltyMemberShare, &s.loyalty_member_share),
            post_checkout_eligibility: input(FieldId::SegmentPostCheckoutEligibility, &s.post_checkout_eligibility),
            spend_to_date: s.spend_to_date.sampler().unwrap_or(Sampler::Fixed(0.0)),
            category_affinity: affinity,
        });
    }
    check_shares(c, &spec.segments);
    segments
}

pub(super) fn check_shares(c: &mut Checker, segments: &[SegmentSpec]) {
    if segments.is_empty() {
        return;
    }
    let sum: f64 = segments.iter().map(|s| s.share.central()).sum();
    let uncertain = segments.iter().any(|s| s.share.is_uncertain());
    let tol = if uncertain { 0.02 } else { 1e-6 };
    if (sum - 1.0).abs() > tol || !sum.is_finite() {
        let what = if uncertain { "the shares' means sum" } else { "the shares sum" };
        c.err(
            At::List(List::Segments),
            format!("{what} to {}; segment shares must sum to 100% (within {})", pct(sum), pct(tol)),
        );
    }
}

/// `92.5%` without float artefacts.
pub(super) fn pct(x: f64) -> String {
    format!("{}%", super::fields::trim_number(x * 100.0, 6))
}

pub(super) fn check_tiers(c: &mut Checker, spec: &ScenarioSpec, limits: &Limits) -> Vec<Tier> {
    c.cap(List::Tiers, spec.tiers.len(), limits.max_tiers);
    let threshold = FieldId::TierThreshold.field();
    let mut tiers = Vec::with_capacity(spec.tiers.len());
    for (i, t) in spec.tiers.iter().enumerate() {
        c.name(at(FieldId::TierName, i), &t.name);
        c.number(FieldId::TierThreshold, Some(i), t.threshold);
        if i > 0 && t.threshold <= spec.tiers[i - 1].threshold {
            let prev = &spec.tiers[i - 1];
            c.err(
                at(FieldId::TierThreshold, i),
                format!(
                    "{} must be greater than the previous tier's threshold ({} at {})",
                    threshold.show(t.threshold, &spec.store.currency),
                    prev.name,
                    threshold.show(prev.threshold, &spec.store.currency)
                ),
            );
        }
        let upgrade_cost = c.input(FieldId::TierUpgradeCost, Some(i), &t.upgrade_cost);
        tiers.push(Tier { name: t.name.clone(), threshold: to_cents(t.threshold), upgrade_cost });
    }
    tiers
}
