//! The optimizer's lever space: its limits and every combination of levers within
//! them.

use serde::{Deserialize, Serialize};

use crate::model::{
    CheckoutSpec, FieldId, MAX_OFFERS, MAX_SLOTS, OfferPolicy, Param, PostCheckoutSpec, PreCheckoutSpec, Ranking,
    ScenarioSpec, StrategySpec, TierPolicy, TierPromptSpec,
};

/// The lever space's limits: what the scenario states as available.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    /// Most cart suggestions (within the slots' range).
    pub max_slots: u32,
    /// Most confirmation-page offers (within the offers' range).
    pub max_offers: u32,
    /// Largest checkout discount (within the discount's range).
    pub max_discount: f64,
    /// Largest discount on a confirmation-page offer (within its range).
    pub max_offer_discount: f64,
    /// The strategy whose checkout friction reduction (a project that is done or not,
    /// possibly uncertain) candidates may use: the one with the largest mean.
    pub friction_from: Option<String>,
    /// Tier-prompt windows tried.
    pub windows: Vec<f64>,
    /// Free-shipping thresholds tried (MODEL.md rule 22), currency; empty: the store's
    /// only. A candidate at the store's threshold follows the store.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<f64>,
}

impl Bounds {
    /// What the scenario's strategies use: the most slots and offers (at least 3 and
    /// 2), the largest discounts, the largest friction reduction, and windows of 10%,
    /// 25% and 50% with the scenario's own.
    pub fn of(spec: &ScenarioSpec) -> Self {
        let st = &spec.strategies;
        let max_u = |f: &dyn Fn(&StrategySpec) -> Option<u32>| st.iter().filter_map(f).max().unwrap_or(0);
        let max_f = |f: &dyn Fn(&StrategySpec) -> f64| st.iter().map(f).fold(0.0, f64::max);
        let on = |p: OfferPolicy| p != OfferPolicy::Off;
        let friction_from = st
            .iter()
            .filter(|s| s.checkout.friction_reduction.central() > 0.0)
            .max_by(|a, b| a.checkout.friction_reduction.central().total_cmp(&b.checkout.friction_reduction.central()))
            .map(|s| s.name.clone());
        let mut windows = vec![0.1, 0.25, 0.5];
        for s in st.iter().filter(|s| s.tier_prompt.policy == TierPolicy::Window) {
            windows.push(s.tier_prompt.window);
        }
        windows.sort_by(f64::total_cmp);
        windows.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        Bounds {
            max_slots: max_u(&|s| on(s.pre_checkout.policy).then_some(s.pre_checkout.slots)).clamp(3, MAX_SLOTS),
            max_offers: max_u(&|s| on(s.post_checkout.policy).then_some(s.post_checkout.offers)).clamp(2, MAX_OFFERS),
            max_discount: max_f(&|s| s.checkout.discount),
            max_offer_discount: max_f(&|s| {
                if on(s.post_checkout.policy) { s.post_checkout.offer_discount } else { 0.0 }
            }),
            friction_from,
            windows,
            thresholds: thresholds_of(spec),
        }
    }

    /// Each limit with the lever it bounds (whose range it must keep to).
    pub fn limits(&self) -> [(FieldId, f64); 4] {
        [
            (FieldId::PreCheckoutSlots, f64::from(self.max_slots)),
            (FieldId::PostCheckoutOffers, f64::from(self.max_offers)),
            (FieldId::CheckoutDiscount, self.max_discount),
            (FieldId::OfferDiscount, self.max_offer_discount),
        ]
    }

    /// Checks the limits a person set: each within its lever's range.
    pub fn check(&self) -> Result<(), String> {
        let threshold = FieldId::StrategyShippingThreshold.field();
        for &v in &self.thresholds {
            if !threshold.allows(v) {
                return Err(format!("a free-shipping threshold tried: {}", threshold.out_of_range(v, "")));
            }
        }
        for (id, v) in self.limits() {
            let f = id.field();
            if !f.allows(v) {
                return Err(format!("the most {}: {}", f.label.to_lowercase(), f.out_of_range(v, "")));
            }
        }
        Ok(())
    }
}

/// The free-shipping thresholds a scenario uses, where one can matter (a fee is
/// charged below it): the store's and every strategy's own, in order.
fn thresholds_of(spec: &ScenarioSpec) -> Vec<f64> {
    if spec.shipping.fee <= 0.0 && !spec.shipping.prompt {
        return Vec::new();
    }
    let mut t: Vec<f64> = std::iter::once(spec.shipping.threshold)
        .chain(spec.strategies.iter().filter_map(|s| s.shipping.threshold))
        .collect();
    t.sort_by(f64::total_cmp);
    t.dedup();
    if t.len() > 1 { t } else { Vec::new() }
}

/// Parses the thresholds to try as `aovlab optimize --thresholds` takes them: values
/// separated by commas (`50,75,100`) or a range with its number of values
/// (`50..125:4`, evenly spaced, ends included), in currency.
pub fn parse_thresholds(text: &str) -> Result<Vec<f64>, String> {
    let number = |t: &str| t.trim().parse::<f64>().map_err(|_| format!("`{}` is not a number", t.trim()));
    let mut out = if let Some((range, steps)) = text.split_once(':') {
        let (from, to) = range.split_once("..").ok_or("write a range as FROM..TO:STEPS, e.g. 50..125:4")?;
        let (from, to) = (number(from)?, number(to)?);
        let steps: usize = steps.trim().parse().map_err(|_| format!("`{}` is not a number of values", steps.trim()))?;
        if !(2..=super::super::sweep::MAX_STEPS).contains(&steps) || from >= to {
            return Err(format!(
                "a range of thresholds runs from a lower to a higher value in 2 to {} values",
                super::super::sweep::MAX_STEPS
            ));
        }
        (0..steps)
            .map(|i| crate::format::round_significant(from + (to - from) * i as f64 / (steps - 1) as f64, 12))
            .collect()
    } else {
        text.split(',').map(number).collect::<Result<Vec<f64>, String>>()?
    };
    out.sort_by(f64::total_cmp);
    out.dedup();
    let b = Bounds { thresholds: out.clone(), ..Bounds::default_limits() };
    b.check()?;
    Ok(out)
}

impl Bounds {
    /// Limits that allow nothing but the defaults (for checking one list).
    fn default_limits() -> Self {
        Bounds {
            max_slots: 1,
            max_offers: 1,
            max_discount: 0.0,
            max_offer_discount: 0.0,
            friction_from: None,
            windows: Vec::new(),
            thresholds: Vec::new(),
        }
    }
}

/// Three levels from 0 to `max` (one when `max` is 0).
fn levels(max: f64) -> Vec<f64> {
    if max > 0.0 { vec![0.0, crate::format::round_significant(max / 2.0, 12), max] } else { vec![0.0] }
}

/// Every combination of levers within `bounds`: discrete levers exhaustively, each
/// discount at 0, half and all of its limit, friction reduction used or not.
pub fn candidates(spec: &ScenarioSpec, bounds: &Bounds) -> Vec<StrategySpec> {
    let mut pre = vec![PreCheckoutSpec::default()];
    for slots in 1..=bounds.max_slots {
        pre.push(PreCheckoutSpec { policy: OfferPolicy::Popular, slots, ranking: Ranking::Relevance });
        for ranking in [Ranking::Relevance, Ranking::ExpectedValue] {
            pre.push(PreCheckoutSpec { policy: OfferPolicy::Matched, slots, ranking });
        }
    }
    let mut tier = vec![TierPromptSpec::default()];
    if !spec.tiers.is_empty() {
        tier.push(TierPromptSpec { policy: TierPolicy::Universal, ..Default::default() });
        for &window in &bounds.windows {
            tier.push(TierPromptSpec { policy: TierPolicy::Window, window });
        }
    }
    let friction: Vec<Param> =
        match bounds.friction_from.as_ref().and_then(|n| spec.strategies.iter().find(|s| &s.name == n)) {
            Some(s) => vec![Param::Fixed(0.0), s.checkout.friction_reduction.clone()],
            None => vec![Param::Fixed(0.0)],
        };
    let mut checkout = Vec::new();
    for f in &friction {
        for discount in levels(bounds.max_discount) {
            checkout.push(CheckoutSpec { friction_reduction: f.clone(), discount });
        }
    }
    let mut post = vec![PostCheckoutSpec::default()];
    for policy in [OfferPolicy::Popular, OfferPolicy::Matched] {
        for offers in 1..=bounds.max_offers {
            for offer_discount in levels(bounds.max_offer_discount) {
                post.push(PostCheckoutSpec { policy, offers, offer_discount });
            }
        }
    }
    // The store's threshold is followed, not copied: a candidate there runs the store's.
    let shipping: Vec<crate::model::StrategyShippingSpec> = if bounds.thresholds.is_empty() {
        vec![Default::default()]
    } else {
        bounds
            .thresholds
            .iter()
            .map(|&t| crate::model::StrategyShippingSpec {
                threshold: (t != spec.shipping.threshold).then_some(t),
                ..Default::default()
            })
            .collect()
    };
    let mut out = Vec::with_capacity(pre.len() * tier.len() * checkout.len() * post.len() * shipping.len());
    for p in &pre {
        for t in &tier {
            for c in &checkout {
                for q in &post {
                    for h in &shipping {
                        let mut s = StrategySpec {
                            name: String::new(),
                            holdout: false,
                            pre_checkout: p.clone(),
                            tier_prompt: t.clone(),
                            checkout: c.clone(),
                            post_checkout: q.clone(),
                            shipping: h.clone(),
                        };
                        s.name = describe(&s);
                        out.push(s);
                    }
                }
            }
        }
    }
    out
}

/// A strategy's levers in a line: `matched x3 by expected value · window 25% ·
/// friction reduction, 5% off · matched offer x1 at 10% off`.
pub fn describe(s: &StrategySpec) -> String {
    let pct = |v: f64| format!("{}%", crate::format::round_significant(v * 100.0, 6));
    let mut parts = Vec::new();
    let pre = &s.pre_checkout;
    parts.push(match pre.policy {
        OfferPolicy::Off => "no suggestions".to_string(),
        OfferPolicy::Popular => format!("popular x{}", pre.slots),
        OfferPolicy::Matched if pre.ranking == Ranking::ExpectedValue => {
            format!("matched x{} by expected value", pre.slots)
        }
        OfferPolicy::Matched => format!("matched x{}", pre.slots),
    });
    parts.push(match s.tier_prompt.policy {
        TierPolicy::Off => "no tier prompt".to_string(),
        TierPolicy::Universal => "universal prompt".to_string(),
        TierPolicy::Window => format!("window {}", pct(s.tier_prompt.window)),
    });
    let fr = s.checkout.friction_reduction.central() > 0.0;
    let d = s.checkout.discount;
    parts.push(match (fr, d > 0.0) {
        (false, false) => "plain checkout".to_string(),
        (true, false) => "friction reduction".to_string(),
        (false, true) => format!("{} off", pct(d)),
        (true, true) => format!("friction reduction, {} off", pct(d)),
    });
    let post = &s.post_checkout;
    parts.push(match post.policy {
        OfferPolicy::Off => "no offer".to_string(),
        p => {
            let kind = if p == OfferPolicy::Popular { "popular" } else { "matched" };
            let off =
                if post.offer_discount > 0.0 { format!(" at {} off", pct(post.offer_discount)) } else { String::new() };
            format!("{kind} offer x{}{off}", post.offers)
        }
    });
    if let Some(t) = s.shipping.threshold {
        parts.push(format!("free shipping over {}", crate::model::param::num(t)));
    }
    parts.join(" · ")
}
