//! Several worlds on the same visitors ([`super::runner::run_held`]): the same
//! scenario with different inputs held, each cart built once for the worlds whose
//! draws build the same carts, stage 2 shared where it reads the same draws, and a
//! strategy that reads the same draws in two worlds simulated once (docs/engine.md).

use super::counts::RepCounts;
use super::rng::{decision, decision_uniform, shopper_rng};
use super::scratch::Scratch;
use super::session::{SimPath, build_cart, in_segment, in_world, is_sampled, nothing_to_do, shoppers};
use super::world::{Compiled, Realized};

/// Worlds that build the same carts from the same random numbers: the same scenario
/// with different inputs held ([`crate::model::Scenario::hold`]), whose draws in a
/// replication differ in nothing a cart reads ([`same_carts`]). Each is simulated on
/// every cart, so each world's tallies are its own run's, bit for bit.
pub struct Worlds<'a> {
    /// Each world's compiled scenario and draws.
    pub worlds: Vec<(&'a Compiled<'a>, &'a Realized)>,
    /// The order in which a cart visits them (indices into `worlds`), with whether a
    /// world's stage 2 reads other draws than the world before it ([`same_stage_2`]).
    pub order: Vec<(usize, bool)>,
    /// Per world, per strategy: an earlier world (index into `worlds`) in which the
    /// strategy reads the same draws ([`reads`]) and so gets the same tallies, which
    /// are copied rather than simulated. Where second moments are tallied
    /// ([`Compiled::moments`]: they pair each strategy with the holdout), only from a
    /// world where the holdout reads the same draws too, and never the holdout.
    pub twins: Vec<Vec<Option<usize>>>,
    /// Per world, the strategies with a twin, a bit each.
    twin_bits: Vec<u64>,
}

impl<'a> Worlds<'a> {
    /// `worlds`, all with the same carts, in an order that puts the worlds whose stage
    /// 2 reads the same draws next to each other (their stage-2 results are shared).
    pub fn new(worlds: Vec<(&'a Compiled<'a>, &'a Realized)>) -> Self {
        let mut class: Vec<usize> = Vec::with_capacity(worlds.len());
        for (j, (_, w)) in worlds.iter().enumerate() {
            class.push((0..j).find(|&i| class[i] == i && same_stage_2(worlds[i].1, w)).unwrap_or(j));
        }
        let mut order: Vec<usize> = (0..worlds.len()).collect();
        order.sort_by_key(|&j| (class[j], j));
        let order = order.iter().enumerate().map(|(i, &j)| (j, i == 0 || class[order[i - 1]] != class[j])).collect();
        let n_strategies = worlds.first().map_or(0, |(c, _)| c.sc.strategies.len());
        let mut twins = vec![vec![None; n_strategies]; worlds.len()];
        // With second moments, a strategy's pair with the holdout is tallied too: it is
        // copied only from a world where the holdout also reads the same draws, and the
        // holdout is always simulated (every other strategy's moments read it).
        let moments = worlds.iter().any(|(c, _)| c.moments);
        let h = worlds.first().map_or(0, |(c, _)| c.sc.holdout);
        let signatures: Vec<Vec<Vec<u64>>> =
            worlds.iter().map(|&(c, w)| (0..n_strategies).map(|k| reads(c, w, k)).collect()).collect();
        for j in 1..worlds.len() {
            for k in (0..n_strategies).filter(|&k| !(moments && k == h)) {
                twins[j][k] = (0..j).find(|&i| {
                    twins[i][k].is_none()
                        && signatures[i][k] == signatures[j][k]
                        && (!moments || signatures[i][h] == signatures[j][h])
                });
            }
        }
        let twin_bits = twins
            .iter()
            .map(|ts| ts.iter().enumerate().fold(0, |bits, (k, t)| bits | (u64::from(t.is_some()) << k)))
            .collect();
        Self { worlds, order, twins, twin_bits }
    }
}

/// What strategy `k` reads from world `w`'s draws beyond what builds the cart, as bit
/// patterns: in two worlds with the same carts and the same reads, the strategy sees
/// the same shoppers take the same things and tallies the same (without second
/// moments, which pair it with the holdout). Every strategy reads its checkout's
/// completion in each segment, each segment's eligibility (every strategy counts its
/// orders that could not show offers) and the shipping cost; the rest only where the
/// strategy has the stage that reads it.
fn reads(c: &Compiled, w: &Realized, k: usize) -> Vec<u64> {
    let st = &c.sc.strategies[k];
    let f = &w.facts;
    // What the world's scenario turns on (a held input can: every return rate held at
    // 0 nets no order, and leaves the returned items' tallies at 0).
    let flags = [c.returns, c.counts_shown, c.order_tallies, c.shipping, c.tier_dense, c.abandoners_counted];
    let mut v: Vec<f64> = flags.iter().map(|&b| f64::from(u8::from(b))).collect();
    v.push(w.ship_cost as f64);
    for (j, seg) in w.segments.iter().enumerate() {
        v.extend([w.completion_base[j][k], w.completion_bounds[j][k], seg.post_eligibility]);
    }
    let ships = c.shipping && st.shipping.threshold > 0;
    if st.shows_before_checkout() || ships {
        v.extend(&w.slot_friction);
    }
    let segments = |v: &mut Vec<f64>| v.extend(w.segments.iter().flat_map(|s| [s.propensity, s.price_sensitivity]));
    if st.pre_checkout.is_some() {
        v.push(f.pre_checkout_base_accept);
        segments(&mut v);
    }
    if st.tier_prompt.is_some() {
        v.extend([f.tier_max_uptake, f.tier_gap_decay]);
        v.extend(w.tier_upgrade_cost.iter().map(|&x| x as f64));
        segments(&mut v);
    }
    if ships {
        v.extend([f.shipping_prompt_max_uptake, f.shipping_prompt_gap_decay, f.shipping_fee_sensitivity]);
        segments(&mut v);
    }
    if st.post_checkout.is_some() {
        v.extend([f.post_checkout_base_accept, f.satiation]);
        segments(&mut v);
    }
    // Return rates and handling costs: only the net moments read them.
    if c.returns && c.moments {
        v.extend(w.returns.rate.iter().chain(&w.returns.handling));
    }
    v.iter().map(|x| x.to_bits()).collect()
}

/// Whether two worlds' draws agree on everything a cart reads (the segments' traffic,
/// add-to-cart rates, cart sizes and loyalty shares, and the baseline relevance that
/// decides the cart's links): then the same random numbers build the same carts.
pub fn same_carts(a: &Realized, b: &Realized) -> bool {
    a.facts.baseline_relevance.to_bits() == b.facts.baseline_relevance.to_bits()
        && a.segments.len() == b.segments.len()
        && a.segments.iter().zip(&b.segments).all(|(x, y)| {
            [x.share, x.add_to_cart_rate, x.mean_cart_size, x.member_share]
                .iter()
                .zip([y.share, y.add_to_cart_rate, y.mean_cart_size, y.member_share])
                .all(|(p, q)| p.to_bits() == q.to_bits())
        })
}

/// Whether two worlds with the same carts give stage 2 the same draws (the base
/// acceptance before checkout, and each segment's propensity and price sensitivity):
/// then every pre-checkout spec shows and sells the same, and one result serves both.
fn same_stage_2(a: &Realized, b: &Realized) -> bool {
    a.facts.pre_checkout_base_accept.to_bits() == b.facts.pre_checkout_base_accept.to_bits()
        && a.segments.iter().zip(&b.segments).all(|(x, y)| {
            x.propensity.to_bits() == y.propensity.to_bits()
                && x.price_sensitivity.to_bits() == y.price_sensitivity.to_bits()
        })
}

/// [`super::session::simulate_chunk`] for several worlds at once: each cart is built once and then
/// simulated in every world. Returns each world's tallies, in `ws.worlds` order.
pub fn simulate_chunk_worlds(
    ws: &Worlds,
    rep: u32,
    chunk: u64,
    n: u64,
    path: SimPath,
    s: &mut Scratch,
) -> Vec<RepCounts> {
    let (c, w) = ws.worlds[0];
    let mut counts: Vec<RepCounts> =
        ws.worlds.iter().map(|(c, _)| RepCounts::new(rep, c.sc.strategies.len())).collect();
    let carts = shoppers(c.sc.seed(), w, rep, chunk, n, path, |segment, key, skip| {
        shopper_worlds(ws, segment, key, skip, s, &mut counts);
    });
    for t in &mut counts {
        t.visitors = n;
        t.carts = carts;
    }
    for (j, twins) in ws.twins.iter().enumerate() {
        for (k, twin) in twins.iter().enumerate() {
            if let Some(i) = *twin {
                counts[j].strategies[k] = counts[i].strategies[k].clone();
            }
        }
    }
    counts
}

/// `session::shopper` in every world of `ws` (`counts` in `ws.worlds` order): the cart is
/// built once, in the first world, which builds every world's.
fn shopper_worlds(ws: &Worlds, segment: usize, key: u64, skip: bool, s: &mut Scratch, counts: &mut [RepCounts]) {
    let u_checkout = decision_uniform(key, decision::CHECKOUT);
    if ws.worlds.iter().all(|&(c, w)| nothing_to_do(c, w, segment, u_checkout, is_sampled(c, key, skip), skip)) {
        return;
    }
    let (c, w) = ws.worlds[0];
    let mut rng = shopper_rng(key);
    let cart = build_cart(c, w, segment, key, &mut rng, s);
    s.next_shopper();
    for (i, &(j, stage_2_differs)) in ws.order.iter().enumerate() {
        if i > 0 {
            s.next_world(stage_2_differs);
        }
        let (c, w) = ws.worlds[j];
        let sampled = is_sampled(c, key, skip);
        if nothing_to_do(c, w, segment, u_checkout, sampled, skip) {
            continue;
        }
        let shopper = in_segment(w, segment, key, (cart.v0, cart.cart_cost, cart.member, cart.spend, cart.items));
        in_world(c, w, segment, &shopper, u_checkout, sampled, skip, ws.twin_bits[j], s, &mut counts[j]);
    }
}
