//! One chunk of visitors, each evaluated under every strategy in one pass
//! (MODEL.md "One visitor under one strategy"). No allocation per visitor: every
//! buffer lives in [`Scratch`] and is reused.

use rand::{Rng, RngExt};
use rand_distr::Distribution;

use super::counts::{RepCounts, StrategyCounts};
use super::rng::{StreamRng, chunk_rng, decision, decision_uniform, shopper_rng};
use super::world::{Compiled, Realized, SegmentDraw, completion_probability};
use crate::model::{
    LinkTarget, MAX_CART_ITEMS, MAX_MONEY, MAX_SLOTS, OfferPolicy, PreCheckoutSpec, Ranking, Strategy, TierPolicy,
};

const MAX_EXTRAS: usize = 16;

/// One product's place in a [`RelSet`].
#[derive(Clone, Copy, Default)]
struct Slot {
    /// A member when this is the set's epoch.
    stamp: u32,
    /// The rank of `rel` among the scenario's link strengths ([`LinkTarget::rank`]).
    rank: u32,
    /// Relevance: the strongest link to the product.
    rel: f64,
}

/// A set of products with their relevance, cleared in O(1) by bumping an epoch.
struct RelSet {
    /// Per product; one vector, so a lookup is one bounds check and one cache line.
    slots: Vec<Slot>,
    epoch: u32,
    members: Vec<u32>,
}

impl RelSet {
    fn new(n: usize) -> Self {
        // Stamps start below the epoch: the set starts empty.
        Self { slots: vec![Slot::default(); n], epoch: 1, members: Vec::with_capacity(64) }
    }

    fn clear(&mut self) {
        self.members.clear();
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.slots.fill(Slot::default());
            self.epoch = 1;
        }
    }

    #[inline]
    fn contains(&self, p: u32) -> bool {
        self.slots[p as usize].stamp == self.epoch
    }

    /// Adds links stronger than `min` (lists are strongest first, so it stops early).
    fn add_links(&mut self, links: &[LinkTarget], min: f64) {
        for l in links {
            if l.strength <= min {
                break;
            }
            let slot = &mut self.slots[l.to as usize];
            if slot.stamp == self.epoch {
                if l.strength > slot.rel {
                    slot.rel = l.strength;
                    slot.rank = l.rank;
                }
            } else {
                *slot = Slot { stamp: self.epoch, rank: l.rank, rel: l.strength };
                self.members.push(l.to);
            }
        }
    }

    /// Adds everything product `p` (and its category) links to.
    fn add_item(&mut self, c: &Compiled, p: u32, min: f64) {
        let sc = c.sc;
        self.add_links(&sc.product_links[p as usize], min);
        self.add_links(&sc.category_links[sc.products[p as usize].category as usize], min);
    }

    #[inline]
    fn rel_or(&self, p: u32, baseline: f64) -> f64 {
        let slot = self.slots[p as usize];
        if slot.stamp == self.epoch { slot.rel } else { baseline }
    }
}

/// Reusable per-worker buffers.
pub struct Scratch {
    cart_set: Vec<u32>,
    cart_epoch: u32,
    cart: Vec<u32>,
    cands: RelSet,
    /// Links of the accepted suggestions and top-up (the order's beyond the cart's).
    extra_links: RelSet,
    shown: Vec<u32>,
    top: Vec<u32>,
    /// The matched ranking's best keys, best first (see [`rank_linked`]).
    top_keys: [u64; MAX_SLOTS as usize],
    post_linked: Vec<(u32, f64)>,
    scored: Vec<(f64, u32)>,
    /// Per strategy, this shopper's (revenue, margin, ordered).
    outcomes: Vec<(i64, i64, bool)>,
    /// Counts simulated shoppers: a memo below is this shopper's when its serial is.
    serial: u64,
    /// Per group leader (see [`Compiled::pre_leader`]): its stage-2 result.
    pre_memo: Vec<(u64, PreResult)>,
    /// Per group leader (see [`Compiled::post_leader`]): its stage-5 result for an
    /// order that is the cart, and that order's value.
    post_memo: Vec<(u64, i64, PostResult)>,
}

impl Scratch {
    /// Buffers for a catalog of `n_products` and `n_strategies` strategies.
    pub fn new(n_products: usize, n_strategies: usize) -> Self {
        Self {
            cart_set: vec![0; n_products],
            cart_epoch: 1,
            cart: Vec::with_capacity(MAX_CART_ITEMS),
            cands: RelSet::new(n_products),
            extra_links: RelSet::new(n_products),
            shown: Vec::with_capacity(16),
            top: Vec::with_capacity(16),
            top_keys: [0; MAX_SLOTS as usize],
            post_linked: Vec::with_capacity(64),
            scored: Vec::with_capacity(64),
            outcomes: vec![(0, 0, false); n_strategies],
            serial: 0,
            pre_memo: vec![(0, PreResult::default()); n_strategies],
            post_memo: vec![(0, 0, PostResult::default()); n_strategies],
        }
    }

    /// Whether these buffers serve a catalog of `n_products` and `n_strategies`.
    pub fn fits(&self, n_products: usize, n_strategies: usize) -> bool {
        self.cart_set.len() == n_products && self.outcomes.len() == n_strategies
    }

    fn new_cart(&mut self) {
        self.cart.clear();
        self.cart_epoch = self.cart_epoch.wrapping_add(1);
        if self.cart_epoch == 0 {
            self.cart_set.fill(0);
            self.cart_epoch = 1;
        }
    }

    #[inline]
    fn in_cart(&self, p: u32) -> bool {
        self.cart_set[p as usize] == self.cart_epoch
    }
}

/// The shared facts of one shopper with a cart (identical under every strategy).
struct Shopper<'s> {
    seg: &'s SegmentDraw,
    /// Per strategy: the segment's completion probability before friction.
    completion_base: &'s [f64],
    /// The segment's friction factor per slot or prompt shown.
    slot_friction: f64,
    key: u64,
    /// pre_accept x propensity.
    pre_base: f64,
    /// Intended cart value V0, cents.
    v0: i64,
    cart_cost: i64,
    member: bool,
    spend: i64,
}

/// What one strategy did to one shopper.
#[derive(Default)]
struct Outcome {
    revenue: i64,
    margin: i64,
    ordered: bool,
    /// Pre-checkout slots shown and suggestions accepted.
    pre: [u64; 2],
    /// Tier prompt shown and top-up taken (0 or 1 each).
    tier: [u64; 2],
}

/// On the fast path, a shopper who cannot complete under a strategy is simulated
/// under it with probability 1 / `ABANDONER_WEIGHT` (decided by the shopper's own
/// uniform), and then counts `ABANDONER_WEIGHT` times in its pre-checkout and
/// tier-prompt shown and accepted counts: a Horvitz-Thompson estimate of what such
/// shoppers saw and took before abandoning. Nothing else is estimated: under that
/// strategy their orders, revenue and margin are zero whatever they saw.
pub const ABANDONER_WEIGHT: u64 = 8;

/// `base` x price_factor(`price` / `value`) (MODEL.md: price_factor(x) = 1 / (1 +
/// sensitivity x)), written `base` x `value` / (`value` + sensitivity x `price`): one
/// division instead of two.
#[inline]
fn price_scaled(base: f64, sensitivity: f64, price: f64, value: f64) -> f64 {
    base * value / (value + sensitivity * price)
}

/// Whether `u` < [`price_scaled`]`(base, ...)`, decided without dividing: both sides
/// are multiplied by the denominator, which is positive (a non-empty cart has a
/// positive value, sensitivities are non-negative). A division's latency on the path
/// to every accept/reject branch was the engine's largest single cost.
#[inline]
fn below_price_scaled(u: f64, base: f64, sensitivity: f64, price: f64, value: f64) -> bool {
    u * (value + sensitivity * price) < base * value
}

/// Which work the engine skips. Every path gives every primary metric (orders,
/// revenue, margin and everything derived from them) the same distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Path {
    /// [`Path::Counted`], and a shopper is simulated under a strategy only when their
    /// checkout uniform lies below the highest completion probability that strategy
    /// can give (its levers without friction); otherwise they complete under it in
    /// no case, and their pre-checkout and tier-prompt counts under it are estimated
    /// by sampling (see [`ABANDONER_WEIGHT`]). Uses the same random numbers as
    /// [`Path::Counted`]: every tally but those shown and accepted counts is identical.
    #[default]
    Fast,
    /// Draw, per chunk, how many visitors of each segment build a cart (multinomial
    /// over segments, then binomial add-to-cart), and simulate only those, each under
    /// every strategy. Exact in distribution: visitors are independent, and a visitor
    /// without a cart changes no tally but `visitors`.
    Counted,
    /// The reference: draw every visitor's segment and add-to-cart decision, and
    /// simulate every shopper under every strategy.
    PerVisitor,
}

/// Simulates the `n` visitors of chunk `chunk` of replication `rep`.
pub fn simulate_chunk(
    c: &Compiled,
    w: &Realized,
    rep: u32,
    chunk: u64,
    n: u64,
    path: Path,
    s: &mut Scratch,
) -> RepCounts {
    let sc = c.sc;
    let mut counts = RepCounts::new(rep, sc.strategies.len());
    counts.visitors = n;
    let mut rng = chunk_rng(sc.seed(), rep, chunk);
    match path {
        Path::PerVisitor => {
            for _ in 0..n {
                let segment = w.segment_alias.sample(&mut rng);
                let seg = &w.segments[segment];
                let u: f64 = rng.random();
                if u < seg.add_to_cart_rate {
                    counts.carts += 1;
                    shopper(c, w, segment, rng.next_u64(), false, s, &mut counts);
                }
            }
        }
        Path::Fast | Path::Counted => {
            let skip = path == Path::Fast;
            // Multinomial over segments by sequential binomials, then binomial carts.
            let mut left = n;
            let mut share_left = 1.0;
            for (segment, seg) in w.segments.iter().enumerate() {
                let last = segment + 1 == w.segments.len();
                let p = if share_left > 0.0 { (seg.share / share_left).clamp(0.0, 1.0) } else { 1.0 };
                let visitors = if last { left } else { binomial(&mut rng, left, p) };
                left -= visitors;
                share_left -= seg.share;
                let carts = binomial(&mut rng, visitors, seg.add_to_cart_rate);
                counts.carts += carts;
                for _ in 0..carts {
                    shopper(c, w, segment, rng.next_u64(), skip, s, &mut counts);
                }
            }
        }
    }
    counts
}

fn binomial(rng: &mut StreamRng, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    rand_distr::Binomial::new(n, p).map_or(0, |b| b.sample(rng))
}

/// How one strategy treats one shopper.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Stages 2-5 in full.
    Full,
    /// Cannot complete; sampled: stages 2-3 only, counted `ABANDONER_WEIGHT` times.
    Sampled,
    /// Cannot complete; not sampled: nothing to do.
    Skipped,
}

/// The shopper with key `key` (who has a cart), under every strategy; adds to
/// `counts` (but not to `counts.carts`, which the caller counts). With `skip`,
/// strategies under which the shopper cannot complete are sampled (see [`Path::Fast`]).
fn shopper(c: &Compiled, w: &Realized, segment: usize, key: u64, skip: bool, s: &mut Scratch, counts: &mut RepCounts) {
    let sc = c.sc;
    let u_checkout = decision_uniform(key, decision::CHECKOUT);
    let sampled =
        skip && c.abandoners_counted && decision_uniform(key, decision::SAMPLE) * (ABANDONER_WEIGHT as f64) < 1.0;
    if skip && !sampled && u_checkout >= w.completion_bound_max[segment] {
        // Completes under no strategy and is not sampled: all of its tallies are 0.
        return;
    }
    let bounds = &w.completion_bounds[segment];
    let seg = &w.segments[segment];
    let mut rng = shopper_rng(key);
    let shopper = build_cart(c, w, segment, seg, key, &mut rng, s);
    s.serial += 1;
    if c.needs_links {
        s.cands.clear();
        for i in 0..s.cart.len() {
            let p = s.cart[i];
            s.cands.add_item(c, p, w.baseline_relevance);
        }
        rank_linked(c, s);
    }
    let mut any_order = false;
    for (k, st) in sc.strategies.iter().enumerate() {
        let mode = if !skip || u_checkout < bounds[k] {
            Mode::Full
        } else if sampled {
            Mode::Sampled
        } else {
            Mode::Skipped
        };
        let t = &mut counts.strategies[k];
        let o = if mode == Mode::Skipped {
            Outcome::default()
        } else {
            // A sampled shopper's uniform of 2 completes in no case: stages 2-3 only.
            let u = if mode == Mode::Full { u_checkout } else { 2.0 };
            simulate_strategy(c, w, k, st, &shopper, u, s, t)
        };
        if mode == Mode::Sampled {
            const W: u64 = ABANDONER_WEIGHT;
            t.pre_shown += W * o.pre[0];
            t.pre_accepted += W * o.pre[1];
            t.tier_shown += W * o.tier[0];
            t.tier_accepted += W * o.tier[1];
            add_sampling_var(&mut t.pre_sampling_var, o.pre);
            add_sampling_var(&mut t.tier_sampling_var, o.tier);
        } else {
            t.pre_shown += o.pre[0];
            t.pre_accepted += o.pre[1];
            t.tier_shown += o.tier[0];
            t.tier_accepted += o.tier[1];
        }
        any_order |= o.ordered;
        s.outcomes[k] = (o.revenue, o.margin, o.ordered);
    }
    if !any_order {
        // No revenue, margin or order under any strategy: every product below is 0.
        return;
    }
    let h = sc.holdout;
    let (rh, mh, oh) = s.outcomes[h];
    let (rh, mh) = (i128::from(rh), i128::from(mh));
    for (t, &(r, m, o)) in counts.strategies.iter_mut().zip(&s.outcomes) {
        let (r, m) = (i128::from(r), i128::from(m));
        t.revenue_sq += r * r;
        t.margin_sq += m * m;
        t.revenue_x_holdout += r * rh;
        t.margin_x_holdout += m * mh;
        t.orders_x_holdout += u64::from(o && oh);
        if oh {
            t.revenue_x_holdout_order += r;
        }
        if o {
            t.order_x_holdout_revenue += rh;
        }
    }
}

/// Adds one sampled shopper's (shown, accepted) to the Horvitz-Thompson variance
/// terms: W (W - 1) x (shown^2, accepted^2, shown x accepted), W = `ABANDONER_WEIGHT`.
fn add_sampling_var(var: &mut [u64; 3], [shown, accepted]: [u64; 2]) {
    const F: u64 = ABANDONER_WEIGHT * (ABANDONER_WEIGHT - 1);
    var[0] += F * shown * shown;
    var[1] += F * accepted * accepted;
    var[2] += F * shown * accepted;
}

/// Keeps in `s.top` the `max_matched_slots` best linked products not in the cart, by
/// relevance, then popularity, then catalog order (the `matched` ranking), and lists
/// in `s.post_linked` the linked post-purchase products not in the cart with their
/// relevance. One pass over the candidates; the ranking is a partial insertion
/// selection on one integer key per product (carts have few linked products and
/// strategies show at most 10).
fn rank_linked(c: &Compiled, s: &mut Scratch) {
    let mut n = 0;
    s.post_linked.clear();
    let k = c.max_matched_slots;
    for &p in &s.cands.members {
        if s.cart_set[p as usize] == s.cart_epoch {
            continue;
        }
        let slot = s.cands.slots[p as usize];
        if c.post_matched && c.post_purchase[p as usize] {
            s.post_linked.push((p, slot.rel));
        }
        if k == 0 {
            continue;
        }
        // The high half orders by relevance exactly as the values given do (MODEL.md
        // rule 13: the rank of the strength among all strengths), the low half by
        // popularity rank, lower first. Keys are distinct (popularity ranks are).
        let key = (u64::from(slot.rank) << 32) | u64::from(!c.pop_rank[p as usize]);
        offer_top_k(&mut s.top_keys, &mut n, k, key, |a, b| a > b);
    }
    s.top.clear();
    s.top.extend(s.top_keys[..n].iter().map(|&key| c.by_popularity[!(key as u32) as usize]));
}

/// Offers `x` to the `best[..*n]`, kept best first by `better` and at most `k` (>= 1)
/// long; `best[*n]` must be free to overwrite. `x` takes the last place (or a new one)
/// when it beats its holder, then swaps towards the front: no memmove for the few
/// places a ranking keeps.
#[inline]
fn offer_top_k<T: Copy>(best: &mut [T], n: &mut usize, k: usize, x: T, better: impl Fn(T, T) -> bool) {
    let mut j = *n;
    if j == k {
        if !better(x, best[k - 1]) {
            return;
        }
        j = k - 1;
    } else {
        *n += 1;
    }
    best[j] = x;
    while j > 0 && better(best[j], best[j - 1]) {
        best.swap(j - 1, j);
        j -= 1;
    }
}

/// Rounds a non-negative amount to the nearest integer, halves away from zero (the
/// same result as `f64::round` for x >= 0, without a libm call).
#[inline]
fn round_nonneg(x: f64) -> i64 {
    let t = x as i64;
    // Branch-free: the comparison is data-dependent and would often be mispredicted.
    t + i64::from(x - t as f64 >= 0.5)
}

fn build_cart<'w>(
    c: &Compiled,
    w: &'w Realized,
    segment: usize,
    seg: &'w SegmentDraw,
    key: u64,
    rng: &mut StreamRng,
    s: &mut Scratch,
) -> Shopper<'w> {
    let sc = c.sc;
    let extra = match &w.extra_items[segment] {
        Some(d) => (d.sample(rng) as usize).min(MAX_CART_ITEMS - 1),
        None => 0,
    };
    s.new_cart();
    let alias = &c.cart_alias[segment];
    let (mut v0, mut cart_cost) = (0i64, 0i64);
    for _ in 0..=extra {
        let p = alias.sample(rng) as u32;
        let prod = &sc.products[p as usize];
        v0 += prod.price;
        cart_cost += prod.cost;
        if !s.in_cart(p) {
            s.cart_set[p as usize] = s.cart_epoch;
            s.cart.push(p);
        }
    }
    let member = rng.random::<f64>() < seg.member_share;
    // A draw outside [0, MAX_MONEY] is clamped into it (MODEL.md rule 14).
    let spend = if member {
        round_nonneg(sc.segments[segment].spend_to_date.sample(rng).clamp(0.0, MAX_MONEY) * 100.0)
    } else {
        0
    };
    Shopper {
        seg,
        completion_base: &w.completion_base[segment],
        slot_friction: w.slot_friction[segment],
        key,
        pre_base: w.pre_accept * seg.propensity,
        v0,
        cart_cost,
        member,
        spend,
    }
}

/// Stages 2-5 for one shopper under strategy `k`, with checkout uniform
/// `u_checkout`. Shown and accepted counts before checkout are returned, not tallied.
#[allow(clippy::too_many_arguments)]
fn simulate_strategy(
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
    let spec = &st.spec;
    let seg = sh.seg;
    let slot_friction = sh.slot_friction;
    let mut friction = 1.0;
    let mut extras = [0u32; MAX_EXTRAS];
    let mut n_extras = 0;
    let (mut cross, mut top_up, mut cost) = (0i64, 0i64, sh.cart_cost);
    let (mut pre, mut tier) = ([0u64; 2], [0u64; 2]);

    // Stage 2: pre-checkout suggestions, shared by the strategies with the same spec.
    if spec.pre_checkout.policy != OfferPolicy::Off {
        let g = c.pre_leader[k];
        let r = if s.pre_memo[g].0 == s.serial {
            s.pre_memo[g].1
        } else {
            let r = pre_stage(c, w, sh, &spec.pre_checkout, s);
            s.pre_memo[g] = (s.serial, r);
            r
        };
        for _ in 0..r.shown {
            friction *= slot_friction;
        }
        pre = [u64::from(r.shown), u64::from(r.accepted)];
        cross = r.cross;
        cost += r.cost;
        n_extras = r.accepted as usize;
        extras = r.extras;
    }

    // Stage 3: tier prompt.
    let mut upgraded = false;
    if spec.tier_prompt.policy != TierPolicy::Off
        && sh.member
        && let Some(next) = sc.tiers.iter().position(|t| t.threshold > sh.spend)
    {
        let current = sh.v0 + cross;
        let gap = sc.tiers[next].threshold - (sh.spend + current);
        // Money compared exactly in cents (MODEL.md rule 12).
        let show = gap > 0
            && match spec.tier_prompt.policy {
                TierPolicy::Window => gap <= c.tier_window[k][next],
                _ => true,
            };
        if show {
            tier[0] = 1;
            friction *= slot_friction;
            // The uptake (an exp) only matters when some product closes the gap.
            let uptake = || {
                (w.tier_max_uptake * seg.propensity * (-w.tier_gap_decay * gap as f64 / current as f64).exp()).min(1.0)
            };
            if let Some(p) = top_up_product(c, s, &extras[..n_extras], gap, w.baseline_relevance)
                && decision_uniform(sh.key, decision::TIER) < uptake()
            {
                let prod = &sc.products[p as usize];
                tier[1] = 1;
                top_up = prod.price;
                cost += prod.cost;
                extras[n_extras] = p;
                n_extras += 1;
                upgraded = true;
            }
        }
    }

    // Stage 4: checkout.
    let discount = spec.checkout.discount;
    let p_complete = completion_probability(sh.completion_base[k], friction);
    if u_checkout >= p_complete {
        return Outcome { pre, tier, ..Outcome::default() };
    }
    let gross = sh.v0 + cross + top_up;
    // Most strategies give no discount: skip the rounding (0 either way).
    let discount_cents = if discount > 0.0 { round_nonneg(gross as f64 * discount) } else { 0 };
    let order_value = gross - discount_cents;
    t.orders += 1;
    t.upgrades += u64::from(upgraded);
    t.src_base_cart += sh.v0;
    t.src_cross_sell += cross;
    t.src_tier_top_up += top_up;
    t.src_discounts -= discount_cents;

    // Stage 5: post-checkout offers. Strategies with the same spec make the same
    // offers to the same order, so an order that is the cart is simulated once.
    let mut post = 0i64;
    if spec.post_checkout.policy != OfferPolicy::Off {
        let g = c.post_leader[k];
        let memo = &s.post_memo[g];
        let r = if n_extras == 0 && memo.0 == s.serial && memo.1 == order_value {
            memo.2
        } else {
            let r = post_stage(c, w, k, sh, &extras[..n_extras], order_value, s);
            if n_extras == 0 {
                s.post_memo[g] = (s.serial, order_value, r);
            }
            r
        };
        t.post_shown += r.shown;
        t.post_accepted += r.accepted;
        post = r.revenue;
        cost += r.cost;
    }
    t.src_post_checkout += post;
    let revenue = order_value + post;
    let margin = revenue - cost;
    t.revenue += revenue;
    t.margin += margin;
    Outcome { revenue, margin, ordered: true, pre, tier }
}

/// Stage 2 for one shopper under one pre-checkout spec: what was shown and taken.
#[derive(Clone, Copy, Default)]
struct PreResult {
    shown: u32,
    accepted: u32,
    /// Price and cost of the accepted suggestions, cents.
    cross: i64,
    cost: i64,
    /// The accepted suggestions, in slot order.
    extras: [u32; MAX_EXTRAS],
}

/// Stage 5 for one order under one post-checkout spec.
#[derive(Clone, Copy, Default)]
struct PostResult {
    shown: u64,
    accepted: u64,
    /// Offer price and cost of the accepted offers, cents.
    revenue: i64,
    cost: i64,
}

/// Stage 2: the suggestions of `pre` shown to the shopper, and which they take.
fn pre_stage(c: &Compiled, w: &Realized, sh: &Shopper, pre: &PreCheckoutSpec, s: &mut Scratch) -> PreResult {
    let sc = c.sc;
    let seg = sh.seg;
    let baseline = w.baseline_relevance;
    let mut r = PreResult::default();
    select_pre(c, s, pre, sh.v0, seg.price_sensitivity, baseline);
    for (j, &p) in s.shown.iter().enumerate() {
        let prod = &sc.products[p as usize];
        r.shown += 1;
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

/// Stage 5: the offers strategy `k` makes to an order of the cart plus `extras`
/// worth `order_value`, and which the shopper takes.
// Kept out of line: inlined into the per-strategy loop, its code made that loop
// 2-6% slower in paired rounds (it runs about once per shopper with an order).
#[inline(never)]
fn post_stage(
    c: &Compiled,
    w: &Realized,
    k: usize,
    sh: &Shopper,
    extras: &[u32],
    order_value: i64,
    s: &mut Scratch,
) -> PostResult {
    let sc = c.sc;
    let seg = sh.seg;
    let spec = &sc.strategies[k].spec;
    let baseline = w.baseline_relevance;
    let mut r = PostResult::default();
    let offer_prices = &c.offer_prices[k];
    let offer_price = |p: u32| offer_prices[p as usize];
    // Relevance is against the whole order (MODEL.md rule 8), for every policy:
    // with accepted suggestions or a top-up the order differs from the cart. The
    // order's links are the cart's (`s.cands`) and the extras' (`s.extra_links`);
    // a product's relevance is the larger of the two (a link is always stronger than
    // the baseline, so this is the strongest link, or the baseline without one).
    let use_order_set = !extras.is_empty();
    if use_order_set {
        s.extra_links.clear();
        for &p in extras {
            s.extra_links.add_item(c, p, w.baseline_relevance);
        }
    }
    let accept_base = w.post_accept * seg.propensity;
    let rel = |s: &Scratch, p: u32| {
        let cart = s.cands.rel_or(p, baseline);
        if use_order_set { cart.max(s.extra_links.rel_or(p, baseline)) } else { cart }
    };
    let value = order_value.max(1) as f64;
    let prob_rel = |rel: f64, p: u32| {
        price_scaled(accept_base * rel, seg.price_sensitivity, offer_price(p) as f64, value).min(1.0)
    };
    let prob = |s: &Scratch, p: u32| prob_rel(rel(s, p), p);
    let in_order = |s: &Scratch, p: u32| s.in_cart(p) || extras.contains(&p);
    let k_offers = spec.post_checkout.offers as usize;
    s.shown.clear();
    match spec.post_checkout.policy {
        OfferPolicy::Popular => {
            for &p in &c.post_by_popularity {
                if s.shown.len() == k_offers {
                    break;
                }
                if !in_order(s, p) {
                    s.shown.push(p);
                }
            }
        }
        _ => {
            // Matched: rank by min(1, p) x offer price (MODEL.md rule 8).
            s.scored.clear();
            // The cart's linked candidates are listed once per shopper.
            if use_order_set {
                for &(p, _) in &s.post_linked {
                    if !extras.contains(&p) {
                        s.scored.push((prob(s, p) * offer_price(p) as f64, p));
                    }
                }
                // Products linked to the extras only.
                for &p in &s.extra_links.members {
                    if c.post_purchase[p as usize] && !s.cands.contains(p) && !in_order(s, p) {
                        s.scored.push((prob(s, p) * offer_price(p) as f64, p));
                    }
                }
            } else {
                for &(p, rel) in &s.post_linked {
                    s.scored.push((prob_rel(rel, p) * offer_price(p) as f64, p));
                }
            }
            let linked_set = |s: &Scratch, p: u32| s.cands.contains(p) || (use_order_set && s.extra_links.contains(p));
            let mut scored = std::mem::take(&mut s.scored);
            let mut shown = std::mem::take(&mut s.shown);
            merge_top_k(
                c,
                &mut scored,
                c.post_by_price_desc.iter().copied().filter(|&p| !in_order(s, p) && !linked_set(s, p)),
                // Unlinked to the order: baseline relevance.
                |p| prob_rel(baseline, p) * offer_price(p) as f64,
                k_offers,
                &mut shown,
            );
            s.scored = scored;
            s.shown = shown;
        }
    }
    for j in 0..s.shown.len() {
        let p = s.shown[j];
        r.shown += 1;
        // u < min(1, x) is u < x, as u < 1.
        let u = decision_uniform(sh.key, decision::POST + j as u64);
        if below_price_scaled(u, accept_base * rel(s, p), seg.price_sensitivity, offer_price(p) as f64, value) {
            r.accepted += 1;
            r.revenue += offer_price(p);
            r.cost += sc.products[p as usize].cost;
        }
    }
    r
}

/// Fills `s.shown` with the pre-checkout suggestions of a policy.
fn select_pre(c: &Compiled, s: &mut Scratch, pre: &PreCheckoutSpec, v0: i64, price_sensitivity: f64, baseline: f64) {
    let sc = c.sc;
    let (policy, ranking, k) = (pre.policy, pre.ranking, pre.slots as usize);
    s.shown.clear();
    match (policy, ranking) {
        (OfferPolicy::Off, _) => {}
        (OfferPolicy::Popular, _) => {
            for &p in &c.by_popularity {
                if s.shown.len() == k {
                    break;
                }
                if !s.in_cart(p) {
                    s.shown.push(p);
                }
            }
        }
        (OfferPolicy::Matched, Ranking::Relevance) => {
            // The best linked products not in the cart, ranked once per cart; they all
            // outrank unlinked ones; fill the rest by popularity.
            for i in 0..s.top.len().min(k) {
                let p = s.top[i];
                s.shown.push(p);
            }
            if s.shown.len() == k {
                return;
            }
            for &p in &c.by_popularity {
                if s.shown.len() == k {
                    break;
                }
                if !s.in_cart(p) && !s.cands.contains(p) {
                    s.shown.push(p);
                }
            }
        }
        (OfferPolicy::Matched, Ranking::ExpectedValue) => {
            let score = |rel: f64, p: u32| {
                let price = sc.products[p as usize].price as f64;
                price_scaled(rel * price, price_sensitivity, price, v0 as f64)
            };
            s.scored.clear();
            for i in 0..s.cands.members.len() {
                let p = s.cands.members[i];
                if !s.in_cart(p) {
                    let r = s.cands.slots[p as usize].rel;
                    s.scored.push((score(r, p), p));
                }
            }
            let mut scored = std::mem::take(&mut s.scored);
            let mut shown = std::mem::take(&mut s.shown);
            merge_top_k(
                c,
                &mut scored,
                c.by_price_desc.iter().copied().filter(|&p| !s.in_cart(p) && !s.cands.contains(p)),
                |p| score(baseline, p),
                k,
                &mut shown,
            );
            s.scored = scored;
            s.shown = shown;
        }
    }
}

/// Top `k` by (score desc, popularity desc, catalog order) from scored linked
/// candidates and an unlinked list whose scores never increase along it.
fn merge_top_k(
    c: &Compiled,
    scored: &mut [(f64, u32)],
    mut unlinked: impl Iterator<Item = u32>,
    unlinked_score: impl Fn(u32) -> f64,
    k: usize,
    out: &mut Vec<u32>,
) {
    let rank = &c.pop_rank;
    let better =
        |a: (f64, u32), b: (f64, u32)| a.0.total_cmp(&b.0).then(rank[b.1 as usize].cmp(&rank[a.1 as usize])).is_gt();
    // Keep the best `k` linked candidates, best first, in `scored[..n]`: a partial
    // insertion selection (a handful of candidates, k of at most a few).
    out.clear();
    if k == 0 {
        return;
    }
    let mut n = 0;
    for i in 0..scored.len() {
        // Indices n..=i hold candidates already dropped (or x itself): free to
        // overwrite.
        let x = scored[i];
        offer_top_k(scored, &mut n, k, x, better);
    }
    let scored = &scored[..n];
    let mut i = 0;
    let mut next = unlinked.next().map(|p| (unlinked_score(p), p));
    while out.len() < k {
        let take_linked = match (scored.get(i), next) {
            (Some(&a), Some(b)) => better(a, b),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_linked {
            out.push(scored[i].1);
            i += 1;
        } else if let Some((_, p)) = next {
            out.push(p);
            next = unlinked.next().map(|p| (unlinked_score(p), p));
        }
    }
}

/// The tier top-up: the cheapest product priced >= gap among cart-relevant ones,
/// else among all; price ties go to the more popular (MODEL.md rule 5).
fn top_up_product(c: &Compiled, s: &Scratch, extras: &[u32], gap: i64, min: f64) -> Option<u32> {
    let sc = c.sc;
    let products = &sc.products;
    let mut best: Option<u32> = None;
    // Cheapest first; equal prices go to the lower popularity rank (more popular,
    // then earlier in the catalog), the tie-break of every ranking.
    let order = |p: u32| (products[p as usize].price, c.pop_rank[p as usize]);
    let mut consider = |p: u32| {
        if products[p as usize].price >= gap && best.is_none_or(|b| order(p) < order(b)) {
            best = Some(p);
        }
    };
    for &p in &s.cands.members {
        consider(p);
    }
    for &e in extras {
        let q = &products[e as usize];
        for l in sc.product_links[e as usize].iter().chain(&sc.category_links[q.category as usize]) {
            if l.strength > min {
                consider(l.to);
            }
        }
    }
    if best.is_some() {
        return best;
    }
    let i = c.price_asc.partition_point(|&price| price < gap);
    c.by_price_asc.get(i).copied()
}
