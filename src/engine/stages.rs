//! Stages 2-5 of MODEL.md for one shopper under one strategy: pre-checkout
//! suggestions, the tier prompt, checkout, and the call to the post-checkout offers
//! ([`super::offers`]).

use super::counts::StrategyCounts;
use super::offers::post_stage;
use super::rank::{ensure_links, select_pre, top_up_product};
use super::rng::{decision, decision_uniform};
use super::scratch::Scratch;
use super::world::{Compiled, Realized, SegmentDraw, completion_probability};
use crate::model::{PreCheckout, Strategy, TierPrompt};

/// Most extra items in an order: suggestions and a top-up.
pub(super) const MAX_EXTRAS: usize = 16;

/// `base` x price_factor(`price` / `value`) (MODEL.md: price_factor(x) = 1 / (1 +
/// sensitivity x)), written `base` x `value` / (`value` + sensitivity x `price`): one
/// division instead of two.
#[inline]
pub(super) fn price_scaled(base: f64, sensitivity: f64, price: f64, value: f64) -> f64 {
    base * value / (value + sensitivity * price)
}

/// Whether `u` < [`price_scaled`]`(base, ...)`, decided without dividing: both sides
/// are multiplied by the denominator, which is positive (a non-empty cart has a
/// positive value, sensitivities are non-negative). A division's latency on the path
/// to every accept/reject branch was the engine's largest single cost.
#[inline]
pub(super) fn below_price_scaled(u: f64, base: f64, sensitivity: f64, price: f64, value: f64) -> bool {
    u * (value + sensitivity * price) < base * value
}

/// Rounds a non-negative amount to the nearest integer, halves away from zero (the
/// same result as `f64::round` for x >= 0, without a libm call).
#[inline]
pub(super) fn round_nonneg(x: f64) -> i64 {
    let t = x as i64;
    // Branch-free: the comparison is data-dependent and would often be mispredicted.
    t + i64::from(x - t as f64 >= 0.5)
}

/// The shared facts of one shopper with a cart (identical under every strategy).
pub(super) struct Shopper<'s> {
    pub(super) seg: &'s SegmentDraw,
    /// Per strategy: the segment's completion probability before friction.
    pub(super) completion_base: &'s [f64],
    /// The segment's friction factor per slot or prompt shown.
    pub(super) slot_friction: f64,
    pub(super) key: u64,
    /// pre_accept x propensity.
    pub(super) pre_base: f64,
    /// Intended cart value V0, cents.
    pub(super) v0: i64,
    pub(super) cart_cost: i64,
    pub(super) member: bool,
    pub(super) spend: i64,
    /// Items drawn into the intended cart (repeats included).
    pub(super) items: u32,
    /// Whether an order may show confirmation-page offers (rule 17).
    pub(super) eligible: bool,
}

/// What one strategy did to one shopper.
#[derive(Default)]
pub(super) struct Outcome {
    pub(super) revenue: i64,
    pub(super) margin: i64,
    pub(super) ordered: bool,
    /// Pre-checkout slots shown and suggestions accepted.
    pub(super) pre: [u64; 2],
    /// Tier prompt shown and top-up taken (0 or 1 each).
    pub(super) tier: [u64; 2],
    /// Free-shipping prompt shown and top-up taken (0 or 1 each).
    pub(super) ship: [u64; 2],
}

/// Stages 2-5 for one shopper under strategy `k`, with checkout uniform
/// `u_checkout`. Shown and accepted counts before checkout are returned, not tallied.
#[allow(clippy::too_many_arguments)]
#[inline]
pub(super) fn simulate_strategy(
    c: &Compiled,
    w: &Realized,
    k: usize,
    st: &Strategy,
    sh: &Shopper,
    u_checkout: f64,
    s: &mut Scratch,
    t: &mut StrategyCounts,
) -> Outcome {
    let sc = c.sc;
    let seg = sh.seg;
    let slot_friction = sh.slot_friction;
    let mut friction = 1.0;
    let mut extras = [0u32; MAX_EXTRAS];
    let mut n_extras = 0;
    let (mut cross, mut top_up, mut cost) = (0i64, 0i64, sh.cart_cost);
    let (mut cross_cost, mut top_up_cost) = (0i64, 0i64);
    let (mut pre, mut tier) = ([0u64; 2], [0u64; 2]);

    // Stage 2: pre-checkout suggestions, shared by the strategies with the same spec.
    if let Some(stage) = &st.pre_checkout {
        let r = pre_memo(c, w, c.pre_leader[k], sh, stage, s);
        for _ in 0..r.shown {
            friction *= slot_friction;
        }
        pre = [u64::from(r.shown), u64::from(r.accepted)];
        cross = r.cross;
        cost += r.cost;
        cross_cost = r.cost;
        n_extras = r.accepted as usize;
        extras = r.extras;
    }

    // Stage 3: tier prompt.
    // The tier upgraded into, plus one (0: none).
    let mut upgraded = 0usize;
    if let Some(prompt) = st.tier_prompt
        && let Some((next, taken)) = tier_stage(c, w, k, prompt, sh, cross, &extras[..n_extras], s)
    {
        tier[0] = 1;
        friction *= slot_friction;
        if let Some(p) = taken {
            let prod = &sc.products[p as usize];
            tier[1] = 1;
            top_up = prod.price;
            cost += prod.cost;
            top_up_cost = prod.cost;
            extras[n_extras] = p;
            n_extras += 1;
            // A top-up that crosses two tiers pays for the tier it reaches.
            let total = sh.spend + sh.v0 + cross + prod.price;
            upgraded = 1 + sc.tiers.iter().rposition(|t| t.threshold <= total).unwrap_or(next);
        }
    }

    // Most strategies give no discount: skip the rounding (0 either way).
    let discount = st.discount;
    let discounted = |gross: i64| if discount > 0.0 { round_nonneg(gross as f64 * discount) } else { 0 };

    // Stage 3b: the free-shipping threshold (MODEL.md rule 22): the prompt, then the fee.
    // The tier prompt's top-up (if any) is already in the order; satiation and the
    // vendor's credit ignore what the shipping prompt adds.
    let satiated = n_extras > 0;
    let (mut ship, mut ship_top_up, mut ship_top_up_cost, mut fee) = ([0u64; 2], 0i64, 0i64, 0i64);
    if c.shipping && st.shipping.threshold > 0 {
        let threshold = st.shipping.threshold;
        let gross = sh.v0 + cross + top_up;
        let mut goods = gross - discounted(gross);
        let gap = threshold - goods;
        if gap > 0 && gap <= c.ship_window[k] {
            ship[0] = 1;
            friction *= slot_friction;
            // A top-up clears the threshold after the checkout discount.
            let need = if discount > 0.0 { (gap as f64 / (1.0 - discount)).ceil() as i64 } else { gap };
            let uptake = || {
                (w.facts.shipping_prompt_max_uptake
                    * seg.propensity
                    * (-w.facts.shipping_prompt_gap_decay * gap as f64 / goods as f64).exp())
                .min(1.0)
            };
            if decision_uniform(sh.key, decision::SHIP) < uptake()
                && let Some(p) = top_up_linked(c, w, s, &extras[..n_extras], need)
            {
                let prod = &sc.products[p as usize];
                ship[1] = 1;
                ship_top_up = prod.price;
                ship_top_up_cost = prod.cost;
                cost += prod.cost;
                extras[n_extras] = p;
                n_extras += 1;
                let gross = gross + prod.price;
                goods = gross - discounted(gross);
            }
        }
        // An order exactly at the threshold ships free.
        if goods < threshold && c.ship_fee > 0 {
            fee = c.ship_fee;
            friction *= (-w.facts.shipping_fee_sensitivity * fee as f64 / goods.max(1) as f64).exp();
        }
    }

    // Stage 4: checkout.
    let p_complete = completion_probability(sh.completion_base[k], friction);
    if u_checkout >= p_complete {
        return Outcome { pre, tier, ship, ..Outcome::default() };
    }
    let gross = sh.v0 + cross + top_up + ship_top_up;
    let discount_cents = discounted(gross);
    let order_value = gross - discount_cents;
    t.orders += 1;
    if upgraded > 0 {
        t.upgrades += 1;
        t.tier_benefits += w.tier_upgrade_cost[upgraded - 1];
    }
    t.src_base_cart += sh.v0;
    t.src_cross_sell += cross;
    t.src_tier_top_up += top_up;
    t.src_discounts -= discount_cents;
    if c.shipping {
        shipping_tallies(t, ship_top_up, fee);
    }

    // Stage 5: post-checkout offers. Strategies with the same spec make the same
    // offers to the same order, so an order that is the cart is simulated once.
    let (mut post, mut post_cost, mut post_accepted, mut offers_shown) = (0i64, 0i64, 0u64, 0u64);
    // Rule 17: offers render on eligible orders only (the share is counted per
    // shopper, in `session::shopper`, for every strategy the shopper ordered under).
    if let Some(stage) = &st.post_checkout
        && sh.eligible
    {
        let g = c.post_leader[k];
        let cart_only = n_extras == 0;
        let r = match s.post_memo[g].find(s.serial, order_value).filter(|_| cart_only) {
            Some(r) => r,
            None => {
                let r = post_stage(c, w, k, stage, sh, &extras[..n_extras], satiated, order_value, s);
                if cart_only {
                    s.post_memo[g].keep(s.serial, order_value, r);
                }
                r
            }
        };
        t.post_shown += r.shown;
        t.post_accepted += r.accepted;
        if satiated {
            t.post_accepted_extended += r.accepted;
        }
        post = r.revenue;
        post_cost = r.cost;
        post_accepted = r.accepted;
        offers_shown = r.shown;
        cost += r.cost;
    }
    t.src_post_checkout += post;

    // The fee is revenue and margin; shipping an order costs the store (rule 22).
    let revenue = order_value + post + fee;
    let margin = revenue - cost - w.ship_cost;
    t.revenue += revenue;
    t.margin += margin;
    // At the price paid: the checkout discount shared across the goods it applied to.
    // (Most orders took no suggestion or top-up: nothing to scale.)
    let attributed = if discount_cents > 0 && cross + top_up > 0 {
        round_nonneg((cross + top_up) as f64 * order_value as f64 / gross as f64) + post
    } else {
        cross + top_up + post
    };
    // Tallies only some scenarios need, out of the default path (one flag).
    if c.order_tallies {
        if c.counts_shown {
            count_shown(t, [pre[0], tier[0], offers_shown]);
        }
        if c.returns {
            let paid = if discount_cents > 0 { order_value as f64 / gross as f64 } else { 1.0 };
            s.net[k] = if n_extras == 0 && post_accepted == 0 {
                // The intended cart alone (most orders): the same sums without the
                // other sources' zero terms, bit for bit.
                net_of_cart(&w.returns, (revenue, margin), paid, sh, t)
            } else {
                // A free-shipping top-up is returned as a tier top-up is (rule 22).
                let value = [sh.v0, cross, top_up + ship_top_up, post];
                let cost = [sh.cart_cost, cross_cost, top_up_cost + ship_top_up_cost, post_cost];
                let items = [i64::from(sh.items), pre[1] as i64, (tier[1] + ship[1]) as i64, post_accepted as i64];
                net_of(&w.returns, (revenue, margin), paid, value, cost, items, t)
            };
        }
    }
    // Credited revenue (rule 21), for the visitor's sums in `session::shopper`: most
    // orders took nothing, and only the strategies that did are marked.
    if attributed > 0 {
        s.attributed[k] = attributed;
        s.attributing |= 1 << k;
    }
    Outcome { revenue, margin, ordered: true, pre, tier, ship }
}

/// Tallies a completed order's free-shipping top-up and fee (MODEL.md rule 22). Out
/// of line: it runs only where shipping is modelled.
#[inline(never)]
fn shipping_tallies(t: &mut StrategyCounts, ship_top_up: i64, fee: i64) {
    t.src_shipping_top_up += ship_top_up;
    t.ship_top_ups += u64::from(ship_top_up > 0);
    t.src_shipping_fees += fee;
    t.fee_orders += u64::from(fee > 0);
}

/// Counts a completed order on which cart suggestions, a tier prompt and
/// confirmation-page offers showed something (`shown`: how many of each), for the
/// per-order program costs (MODEL.md rule 19).
#[inline(never)]
fn count_shown(t: &mut StrategyCounts, shown: [u64; 3]) {
    for (n, s) in t.orders_shown.iter_mut().zip(shown) {
        *n += u64::from(s > 0);
    }
}

/// A completed order's net revenue and net margin, rounded to the cent (MODEL.md
/// rule 18), from its `revenue` and `margin` and, by source (intended cart,
/// suggestions, top-up, add-ons), its `value`, unit `cost` and `items`; `paid` is the
/// share of the checkout order's value paid after the checkout discount. Refunds are
/// each source's rate times its revenue (the checkout sources at the price paid), the
/// returned goods' cost comes back, and each returned item costs the handling cost.
/// Tallies the costs and items the report needs. Out of line: it runs only where
/// returns are modelled.
#[inline(never)]
fn net_of(
    r: &super::world::Returns,
    (revenue, margin): (i64, i64),
    paid: f64,
    value: [i64; 4],
    cost: [i64; 4],
    items: [i64; 4],
    t: &mut StrategyCounts,
) -> (i64, i64) {
    t.items_base += items[0] as u64;
    t.items_cross += items[1] as u64;
    for (c, x) in t.cost_by_source.iter_mut().zip(cost) {
        *c += x;
    }
    let [a, b, c, d] = r.rate;
    let refund = paid * (a * value[0] as f64 + b * value[1] as f64 + c * value[2] as f64) + d * value[3] as f64;
    let recovered = a * cost[0] as f64 + b * cost[1] as f64 + c * cost[2] as f64 + d * cost[3] as f64;
    let [ha, hb, hc, hd] = r.handling;
    let handling = ha * items[0] as f64 + hb * items[1] as f64 + hc * items[2] as f64 + hd * items[3] as f64;
    (revenue - round_nonneg(refund), margin - round_signed(refund - recovered + handling))
}

/// [`net_of`] for an order that is its intended cart alone: every other source's
/// value, cost and items are 0, and adding their zero products changes no bit.
#[inline]
fn net_of_cart(
    r: &super::world::Returns,
    (revenue, margin): (i64, i64),
    paid: f64,
    sh: &Shopper,
    t: &mut StrategyCounts,
) -> (i64, i64) {
    t.items_base += u64::from(sh.items);
    t.cost_by_source[0] += sh.cart_cost;
    let a = r.rate[0];
    let refund = paid * (a * sh.v0 as f64);
    let recovered = a * sh.cart_cost as f64;
    let handling = r.handling[0] * f64::from(sh.items);
    (revenue - round_nonneg(refund), margin - round_signed(refund - recovered + handling))
}

/// Rounds to the nearest integer, halves away from zero, without a libm call.
#[inline]
fn round_signed(x: f64) -> i64 {
    if x >= 0.0 { round_nonneg(x) } else { -round_nonneg(-x) }
}

/// Stage 2 for the strategies whose pre-checkout spec is group `g`'s
/// ([`Compiled::pre_leader`]): simulated once per shopper, then reused. Where no
/// slot's suggestion can be taken ([`takeable`]) nothing is, whatever is shown, and
/// every policy shows min(slots, products not in the cart) (each fills its slots from
/// the whole catalog): the cart's links and the ranking are then not needed.
/// Otherwise the ranking goes only as far as the last slot whose suggestion can be
/// taken, and only such slots are tested.
#[inline]
pub(super) fn pre_memo(
    c: &Compiled,
    w: &Realized,
    g: usize,
    sh: &Shopper,
    stage: &PreCheckout,
    s: &mut Scratch,
) -> PreResult {
    if s.pre_memo[g].0 == s.pre_serial {
        return s.pre_memo[g].1;
    }
    let slots = takeable(c, w, sh, s) & first_slots(stage.slots);
    let r = if slots != 0 {
        pre_stage(c, w, sh, stage, slots, s)
    } else {
        PreResult { shown: stage.slots.min(free_slots(c, s)), ..PreResult::default() }
    };
    s.pre_memo[g] = (s.pre_serial, r);
    r
}

/// Bits 0 to `slots` - 1.
#[inline]
pub(super) fn first_slots(slots: u32) -> u32 {
    if slots >= 32 { u32::MAX } else { (1 << slots) - 1 }
}

/// How many products are not in the cart: every pre-checkout policy fills its slots
/// from all of them.
#[inline]
fn free_slots(c: &Compiled, s: &Scratch) -> u32 {
    (c.sc.products.len() - s.cart.len()) as u32
}

/// The pre-checkout slots, of the most any strategy shows, whose suggestion could be
/// taken (bit j: slot j), once per shopper. Slot j's suggestion p is taken where u_j
/// (v0 + sensitivity x price_p) < pre_base x rel_p x v0 ([`below_price_scaled`]);
/// rel_p is at most the strongest link or the baseline, and price_p at least the
/// lowest price. Every operation rounds monotonically, so where the test fails at
/// those bounds it fails for every product: exact, not an estimate. (A bound from the
/// cart's own strongest links saved nothing on the article: most carts link to
/// something strong.)
#[inline]
pub(super) fn takeable(c: &Compiled, w: &Realized, sh: &Shopper, s: &mut Scratch) -> u32 {
    if s.takeable.0 != s.pre_serial {
        let v0 = sh.v0 as f64;
        let least = v0 + sh.seg.price_sensitivity * c.min_price as f64;
        let bound = sh.pre_base * c.max_strength.max(w.facts.baseline_relevance) * v0;
        let mut slots = 0;
        for j in 0..c.max_pre_slots {
            slots |= u32::from(decision_uniform(sh.key, decision::PRE + u64::from(j)) * least < bound) << j;
        }
        s.takeable = (s.pre_serial, slots);
    }
    s.takeable.1
}

/// Stage 3 (MODEL.md): whether strategy `k`'s tier prompt shows to shopper `sh`, whose
/// order is the cart plus `cross` (the accepted suggestions `extras`), and if so the
/// next tier and the top-up taken (if any). `None` where no prompt shows.
#[inline]
#[allow(clippy::too_many_arguments)]
fn tier_stage(
    c: &Compiled,
    w: &Realized,
    k: usize,
    prompt: TierPrompt,
    sh: &Shopper,
    cross: i64,
    extras: &[u32],
    s: &mut Scratch,
) -> Option<(usize, Option<u32>)> {
    if !sh.member {
        return None;
    }
    let sc = c.sc;
    let next = sc.tiers.iter().position(|t| t.threshold > sh.spend)?;
    let current = sh.v0 + cross;
    let gap = sc.tiers[next].threshold - (sh.spend + current);
    // Money compared exactly in cents (MODEL.md rule 12).
    let show = gap > 0
        && match prompt {
            TierPrompt::Window(_) => gap <= c.tier_window[k][next],
            TierPrompt::Universal => true,
        };
    if !show {
        return None;
    }
    // A top-up needs the shopper to take up the offer and some product to close the
    // gap; the uptake is tested first, as most prompted members decline and the
    // product search then needs neither the cart's links nor a scan.
    let uptake =
        (w.facts.tier_max_uptake * sh.seg.propensity * (-w.facts.tier_gap_decay * gap as f64 / current as f64).exp())
            .min(1.0);
    let taken =
        if decision_uniform(sh.key, decision::TIER) < uptake { top_up_linked(c, w, s, extras, gap) } else { None };
    Some((next, taken))
}

/// The top-up product for a gap of `gap` cents ([`top_up_product`]), the cart's links
/// built first where they are not yet.
#[inline]
fn top_up_linked(c: &Compiled, w: &Realized, s: &mut Scratch, extras: &[u32], gap: i64) -> Option<u32> {
    ensure_links(c, w.facts.baseline_relevance, s);
    top_up_product(c, s, extras, gap, w.facts.baseline_relevance)
}

/// Stages 2-3 for a member who cannot complete under strategy `k` (which shows a tier
/// prompt and no free-shipping prompt): the pre-checkout suggestions and tier prompt
/// they were shown and took, as [`simulate_strategy`] counts them with a uniform that
/// completes in no case, without the work that cannot change those counts:
/// - Stage 2 needs the cart's links and the ranking only where some suggestion could
///   be taken ([`pre_memo`]).
/// - A prompt's top-up is searched for only where it is taken up ([`tier_stage`]).
#[inline]
pub(super) fn before_checkout(
    c: &Compiled,
    w: &Realized,
    k: usize,
    st: &Strategy,
    sh: &Shopper,
    s: &mut Scratch,
) -> Outcome {
    let mut o = Outcome::default();
    let (mut cross, mut extras, mut n) = (0, [0u32; MAX_EXTRAS], 0);
    if let Some(stage) = &st.pre_checkout {
        let r = pre_memo(c, w, c.pre_leader[k], sh, stage, s);
        o.pre = [u64::from(r.shown), u64::from(r.accepted)];
        (cross, extras, n) = (r.cross, r.extras, r.accepted as usize);
    }
    if let Some(prompt) = st.tier_prompt
        && let Some((_, taken)) = tier_stage(c, w, k, prompt, sh, cross, &extras[..n], s)
    {
        o.tier = [1, u64::from(taken.is_some())];
    }
    o
}

/// Stage 2 for one shopper under one pre-checkout spec: what was shown and taken.
#[derive(Clone, Copy, Default)]
pub(super) struct PreResult {
    pub(super) shown: u32,
    pub(super) accepted: u32,
    /// Price and cost of the accepted suggestions, cents.
    pub(super) cross: i64,
    pub(super) cost: i64,
    /// The accepted suggestions, in slot order.
    pub(super) extras: [u32; MAX_EXTRAS],
}

/// Stage 2: the suggestions of `pre` shown to the shopper, and which they take, of
/// the slots in `takeable` (bit j: slot j; not 0): the others' suggestions cannot be
/// taken ([`takeable`]), so the ranking stops at the last slot in it.
#[inline]
pub(super) fn pre_stage(
    c: &Compiled,
    w: &Realized,
    sh: &Shopper,
    pre: &PreCheckout,
    takeable: u32,
    s: &mut Scratch,
) -> PreResult {
    let sc = c.sc;
    let seg = sh.seg;
    let baseline = w.facts.baseline_relevance;
    let mut r = PreResult::default();
    ensure_links(c, baseline, s);
    let ranked = (32 - takeable.leading_zeros()).min(pre.slots);
    select_pre(c, s, pre, ranked as usize, sh.v0, seg.price_sensitivity, baseline);
    r.shown = if ranked == pre.slots { s.shown.len() as u32 } else { pre.slots.min(free_slots(c, s)) };
    for (j, &p) in s.shown.iter().enumerate() {
        if takeable & (1 << j) == 0 {
            continue;
        }
        let prod = &sc.products[p as usize];
        // Accepted with probability pre_accept x propensity x rel x price factor.
        let u = decision_uniform(sh.key, decision::PRE + j as u64);
        let base = sh.pre_base * s.cands.rel_or(p, baseline);
        if below_price_scaled(u, base, seg.price_sensitivity, prod.price as f64, sh.v0 as f64) {
            r.extras[r.accepted as usize] = p;
            r.accepted += 1;
            r.cross += prod.price;
            r.cost += prod.cost;
        }
    }
    r
}
