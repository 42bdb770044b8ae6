//! One chunk of visitors, each evaluated under every strategy in one pass
//! (MODEL.md "One visitor under one strategy"): the funnel, the cart, and the loop over
//! strategies with the tallies of the comparison with the holdout. The stages are in
//! [`super::stages`] (stage 5's offers in [`super::offers`]), the rankings in
//! [`super::rank`], the buffers in [`super::scratch`].

use rand::{Rng, RngExt};
use rand_distr::Distribution;

use super::counts::RepCounts;
use super::rng::{StreamRng, chunk_rng, decision, decision_uniform, shopper_rng};
use super::scratch::Scratch;
use super::stages::{Outcome, Shopper, before_checkout, round_nonneg, simulate_strategy};
use super::world::{Compiled, Realized};
use crate::model::{MAX_CART_ITEMS, MAX_MONEY};

/// On the fast path, a shopper who cannot complete under a strategy is simulated
/// under it with probability 1 / `ABANDONER_WEIGHT` (decided by the shopper's own
/// uniform), and then counts `ABANDONER_WEIGHT` times in its pre-checkout and
/// tier-prompt shown and accepted counts: a Horvitz-Thompson estimate of what such
/// shoppers saw and took before abandoning. Nothing else is estimated: under that
/// strategy their orders, revenue and margin are zero whatever they saw.
pub const ABANDONER_WEIGHT: u64 = 8;

/// Which work the engine skips. Every path gives every primary metric (orders,
/// revenue, margin and everything derived from them) the same distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimPath {
    /// [`SimPath::Counted`], and a shopper is simulated under a strategy only when their
    /// checkout uniform lies below the highest completion probability that strategy
    /// can give (its levers without friction); otherwise they complete under it in
    /// no case, and their pre-checkout and tier-prompt counts under it are estimated
    /// by sampling (see [`ABANDONER_WEIGHT`]). Uses the same random numbers as
    /// [`SimPath::Counted`]: every tally but those shown and accepted counts is identical.
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
    path: SimPath,
    s: &mut Scratch,
) -> RepCounts {
    let mut counts = RepCounts::new(rep, c.sc.strategies.len());
    counts.visitors = n;
    counts.carts = shoppers(c.sc.seed(), w, rep, chunk, n, path, |segment, key, skip| {
        shopper(c, w, segment, key, skip, s, &mut counts);
    });
    counts
}

/// The chunk's shoppers with a cart, drawn as `path` draws them from the chunk's
/// stream: `f(segment, key, skip)` for each. Returns how many there were.
#[inline(always)]
pub(super) fn shoppers(
    seed: u64,
    w: &Realized,
    rep: u32,
    chunk: u64,
    n: u64,
    path: SimPath,
    mut f: impl FnMut(usize, u64, bool),
) -> u64 {
    let mut carts = 0;
    let mut rng = chunk_rng(seed, rep, chunk);
    match path {
        SimPath::PerVisitor => {
            for _ in 0..n {
                let segment = w.segment_alias.sample(&mut rng);
                let seg = &w.segments[segment];
                let u: f64 = rng.random();
                if u < seg.add_to_cart_rate {
                    carts += 1;
                    f(segment, rng.next_u64(), false);
                }
            }
        }
        SimPath::Fast | SimPath::Counted => {
            let skip = path == SimPath::Fast;
            // Multinomial over segments by sequential binomials, then binomial carts.
            let mut left = n;
            let mut share_left = 1.0;
            for (segment, seg) in w.segments.iter().enumerate() {
                let last = segment + 1 == w.segments.len();
                let p = if share_left > 0.0 { (seg.share / share_left).clamp(0.0, 1.0) } else { 1.0 };
                let visitors = if last { left } else { binomial(&mut rng, left, p) };
                left -= visitors;
                share_left -= seg.share;
                let n_carts = binomial(&mut rng, visitors, seg.add_to_cart_rate);
                carts += n_carts;
                for _ in 0..n_carts {
                    f(segment, rng.next_u64(), skip);
                }
            }
        }
    }
    carts
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
    /// Cannot complete; a member below the top tier under a strategy that prompts:
    /// what they saw and took before checkout ([`followed`]), counted once.
    Followed,
    /// Cannot complete; sampled: stages 2-3 only, counted `ABANDONER_WEIGHT` times.
    Sampled,
    /// Cannot complete; not sampled: nothing to do.
    Skipped,
}

/// Whether a shopper who cannot complete under a strategy is sampled under it (see
/// [`SimPath::Fast`]).
#[inline]
pub(super) fn is_sampled(c: &Compiled, key: u64, skip: bool) -> bool {
    skip && c.abandoners_counted && decision_uniform(key, decision::SAMPLE) * (ABANDONER_WEIGHT as f64) < 1.0
}

/// Whether the shopper completes under no strategy and nothing they see is counted:
/// all of their tallies are 0.
#[inline]
pub(super) fn nothing_to_do(
    c: &Compiled,
    w: &Realized,
    segment: usize,
    u_checkout: f64,
    sampled: bool,
    skip: bool,
) -> bool {
    skip && !sampled && !c.tier_dense && u_checkout >= w.completion_bound_max[segment]
}

/// The shopper with key `key` (who has a cart), under every strategy; adds to
/// `counts` (but not to `counts.carts`, which the caller counts). With `skip`,
/// strategies under which the shopper cannot complete are sampled (see [`SimPath::Fast`]).
fn shopper(c: &Compiled, w: &Realized, segment: usize, key: u64, skip: bool, s: &mut Scratch, counts: &mut RepCounts) {
    let u_checkout = decision_uniform(key, decision::CHECKOUT);
    let sampled = is_sampled(c, key, skip);
    if nothing_to_do(c, w, segment, u_checkout, sampled, skip) {
        return;
    }
    let mut rng = shopper_rng(key);
    let shopper = build_cart(c, w, segment, key, &mut rng, s);
    s.next_shopper();
    in_world(c, w, segment, &shopper, u_checkout, sampled, skip, 0, s, counts);
}

/// The shopper `sh` under every strategy of world `w` but those of bit set in
/// `twins` (their tallies are another world's, [`Worlds::twins`]).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) fn in_world(
    c: &Compiled,
    w: &Realized,
    segment: usize,
    shopper: &Shopper,
    u_checkout: f64,
    sampled: bool,
    skip: bool,
    twins: u64,
    s: &mut Scratch,
    counts: &mut RepCounts,
) {
    let sc = c.sc;
    let completes_nowhere = u_checkout >= w.completion_bound_max[segment];
    let bounds = &w.completion_bounds[segment];
    // Tier prompts are rare: sampling the abandoners who see one 1 in 8 left a handful
    // of sampled prompts per replication at holdout sizes, and intervals that covered
    // three times in four. So a member below the top tier is followed up to the prompt
    // (weight 1) under each strategy that prompts, with the work that cannot change
    // what they saw and took skipped (`stages::before_checkout`).
    let dense = skip && c.tier_dense && shopper.member && shopper.spend < c.top_threshold;
    if skip && !sampled && completes_nowhere {
        if dense {
            for &k in &c.prompting {
                if twins & (1 << k) != 0 {
                    continue;
                }
                let t = &mut counts.strategies[k];
                let o = followed(c, w, k, &sc.strategies[k], shopper, s, t);
                count_before_checkout(t, &o, false);
            }
        }
        return;
    }
    let mut any_order = false;
    s.attributing = 0;
    for (k, st) in sc.strategies.iter().enumerate() {
        let mode = if twins & (1 << k) != 0 {
            Mode::Skipped
        } else if !skip || u_checkout < bounds[k] {
            Mode::Full
        } else if dense && st.tier_prompt.is_some() {
            Mode::Followed
        } else if sampled {
            Mode::Sampled
        } else {
            Mode::Skipped
        };
        let t = &mut counts.strategies[k];
        let o = match mode {
            Mode::Skipped => Outcome::default(),
            Mode::Followed => followed(c, w, k, st, shopper, s, t),
            // A uniform of 2 completes in no case: stages 2-3 only.
            Mode::Full | Mode::Sampled => {
                let u = if mode == Mode::Full { u_checkout } else { 2.0 };
                simulate_strategy(c, w, k, st, shopper, u, s, t)
            }
        };
        count_before_checkout(t, &o, mode == Mode::Sampled);
        any_order |= o.ordered;
        s.outcomes[k] = (o.revenue, o.margin, o.ordered);
    }
    if !any_order {
        // No revenue, margin or order under any strategy: every product below is 0.
        return;
    }
    if !shopper.eligible {
        for (t, &(_, _, o)) in counts.strategies.iter_mut().zip(&s.outcomes) {
            t.post_ineligible += u64::from(o);
        }
    }
    let h = sc.holdout;
    let (rh, mh, oh) = s.outcomes[h];
    let (rh, mh) = (i128::from(rh), i128::from(mh));
    let mut attributing = s.attributing;
    while attributing != 0 {
        let k = attributing.trailing_zeros() as usize;
        attributing &= attributing - 1;
        let t = &mut counts.strategies[k];
        let r = s.outcomes[k].0;
        t.influenced += r;
        t.influenced_orders += 1;
        if !c.moments {
            continue;
        }
        let (a, i) = (i128::from(s.attributed[k]), i128::from(r));
        t.attributed_moments[0] += a * a;
        t.attributed_moments[1] += a * i;
        t.attributed_moments[2] += a * rh;
        t.influenced_moments[0] += i * i;
        t.influenced_moments[1] += i * i;
        t.influenced_moments[2] += i * rh;
    }
    if !c.moments {
        return;
    }
    for (t, &(r, m, o)) in counts.strategies.iter_mut().zip(&s.outcomes) {
        let (r, m) = (i128::from(r), i128::from(m));
        t.revenue_sq += r * r;
        t.margin_sq += m * m;
        t.revenue_x_holdout += r * rh;
        t.margin_x_holdout += m * mh;
        t.orders_x_holdout += u64::from(o && oh);
        let d = (r - rh).unsigned_abs();
        t.revenue_diff_pow4 = t.revenue_diff_pow4.saturating_add((d * d).saturating_mul(d * d));
        if oh {
            t.revenue_x_holdout_order += r;
        }
        if o {
            t.order_x_holdout_revenue += rh;
        }
    }
    if c.returns {
        let (nrh, nmh) = if oh { s.net[h] } else { (0, 0) };
        let (nrh, nmh) = (i128::from(nrh), i128::from(nmh));
        // A strategy's entry is this visitor's only where they ordered under it.
        for ((t, &(nr, nm)), &(_, _, o)) in counts.strategies.iter_mut().zip(&s.net).zip(&s.outcomes) {
            if !o {
                continue; // no order: every product is 0
            }
            let (nr, nm) = (i128::from(nr), i128::from(nm));
            t.net_moments[0] += nr * nr;
            t.net_moments[1] += nr * nrh;
            t.net_moments[2] += nm * nm;
            t.net_moments[3] += nm * nmh;
        }
    }
}

/// Tallies what a shopper was shown and took before checkout under one strategy:
/// once, or `ABANDONER_WEIGHT` times with its sampling variance where `sampled`.
#[inline]
fn count_before_checkout(t: &mut crate::engine::StrategyCounts, o: &Outcome, sampled: bool) {
    if sampled {
        const W: u64 = ABANDONER_WEIGHT;
        t.pre_shown += W * o.pre[0];
        t.pre_accepted += W * o.pre[1];
        t.tier_shown += W * o.tier[0];
        t.tier_accepted += W * o.tier[1];
        add_sampling_var(&mut t.pre_sampling_var, o.pre);
        add_sampling_var(&mut t.tier_sampling_var, o.tier);
        if o.ship[0] > 0 {
            t.ship_shown += W * o.ship[0];
            t.ship_accepted += W * o.ship[1];
            add_sampling_var(&mut t.ship_sampling_var, o.ship);
        }
    } else {
        t.pre_shown += o.pre[0];
        t.pre_accepted += o.pre[1];
        t.tier_shown += o.tier[0];
        t.tier_accepted += o.tier[1];
        if o.ship[0] > 0 {
            t.ship_shown += 1;
            t.ship_accepted += o.ship[1];
        }
    }
}

/// What a followed member ([`Mode::Followed`]) saw and took under strategy `k` before
/// abandoning: [`before_checkout`], or stages 2-3 in full where a free-shipping prompt
/// may show as well (its counts need the order as the tier prompt left it).
#[allow(clippy::too_many_arguments)]
#[inline]
fn followed(
    c: &Compiled,
    w: &Realized,
    k: usize,
    st: &crate::model::Strategy,
    shopper: &Shopper,
    s: &mut Scratch,
    t: &mut crate::engine::StrategyCounts,
) -> Outcome {
    if c.ship_window[k] > 0 {
        // A uniform of 2 completes in no case: stages 2-3 only.
        simulate_strategy(c, w, k, st, shopper, 2.0, s, t)
    } else {
        before_checkout(c, w, k, st, shopper, s)
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

/// Draws the shopper's cart (from `rng`, the shopper's own stream) into `s.cart`.
pub(super) fn build_cart<'w>(
    c: &Compiled,
    w: &'w Realized,
    segment: usize,
    key: u64,
    rng: &mut StreamRng,
    s: &mut Scratch,
) -> Shopper<'w> {
    let sc = c.sc;
    let seg = &w.segments[segment];
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
    in_segment(w, segment, key, (v0, cart_cost, member, spend, extra as u32 + 1))
}

/// A shopper of `segment` in world `w` with the cart (value, cost, membership, spend
/// to date, items): what the world's draws decide about them.
#[inline(always)]
pub(super) fn in_segment(
    w: &Realized,
    segment: usize,
    key: u64,
    (v0, cart_cost, member, spend, items): (i64, i64, bool, i64, u32),
) -> Shopper<'_> {
    let seg = &w.segments[segment];
    Shopper {
        seg,
        completion_base: &w.completion_base[segment],
        slot_friction: w.slot_friction[segment],
        key,
        pre_base: w.facts.pre_checkout_base_accept * seg.propensity,
        v0,
        cart_cost,
        member,
        spend,
        items,
        // u < 1 always: every order is eligible at 1 without a draw.
        eligible: seg.post_eligibility >= 1.0 || decision_uniform(key, decision::ELIGIBLE) < seg.post_eligibility,
    }
}

/// One order of the holdout strategy as the engine builds it (for the proof of fit
/// of a calibrated scenario).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldoutOrder {
    /// Items in the checkout order: the intended cart's draws (repeats included) plus
    /// any accepted suggestion or top-up (a post-checkout add-on is in `value` only).
    pub units: u32,
    /// Revenue of the order, cents (a post-checkout add-on included).
    pub value: i64,
    /// The intended cart's distinct products (indices into the scenario's products).
    pub products: Vec<u32>,
}

/// The holdout's orders from `carts` shoppers with a cart in each of `reps`
/// replications: each replication's world drawn as a run draws it, each shopper's
/// segment drawn by share x add-to-cart rate, the cart built and the holdout
/// simulated by the same code as a run, on random numbers of their own.
pub fn holdout_orders(sc: &crate::model::Scenario, reps: u32, carts: u64) -> Vec<HoldoutOrder> {
    let c = Compiled::new(sc);
    let mut s = Scratch::new(sc.products.len(), sc.strategies.len());
    let mut out = Vec::new();
    let h = sc.holdout;
    for rep in 0..reps {
        let w = Realized::draw(sc, rep);
        let weights: Vec<f64> = w.segments.iter().map(|g| g.share * g.add_to_cart_rate).collect();
        let Ok(pick) = rand_distr::weighted::WeightedIndex::new(&weights) else { continue };
        let mut rng = chunk_rng(sc.seed() ^ 0xF17_F17, rep, u64::MAX);
        let mut t = crate::engine::StrategyCounts::default();
        for _ in 0..carts {
            let segment = pick.sample(&mut rng);
            let key = rng.next_u64();
            let mut srng = shopper_rng(key);
            let shopper = build_cart(&c, &w, segment, key, &mut srng, &mut s);
            s.next_shopper();
            let u = decision_uniform(key, decision::CHECKOUT);
            let o = simulate_strategy(&c, &w, h, &sc.strategies[h], &shopper, u, &mut s, &mut t);
            if o.ordered {
                out.push(HoldoutOrder {
                    units: shopper.items + (o.pre[1] + o.tier[1] + o.ship[1]) as u32,
                    value: o.revenue,
                    products: s.cart.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::offers::{post_offers, post_stage};
    use crate::engine::stages::{first_slots, pre_memo, pre_stage, takeable};

    /// Calls `f` with `n` shoppers of replication `rep`, each drawn as a chunk draws
    /// them (a segment, a key from chunk `chunk`'s stream, the cart from the shopper's
    /// own stream), and the chunk's stream for the test's own draws.
    fn each_shopper(
        sc: &crate::model::Scenario,
        c: &Compiled,
        s: &mut Scratch,
        rep: u32,
        chunk: u64,
        n: usize,
        mut f: impl FnMut(&Realized, &Shopper, &mut Scratch, &mut StreamRng),
    ) {
        let w = Realized::draw(sc, rep);
        let mut rng = chunk_rng(sc.seed(), rep, chunk);
        for _ in 0..n {
            let segment = w.segment_alias.sample(&mut rng);
            let key = rng.next_u64();
            let sh = build_cart(c, &w, segment, key, &mut shopper_rng(key), s);
            f(&w, &sh, s, &mut rng);
        }
    }

    /// Stage 2 skips the cart's links and the ranking where no suggestion can be taken,
    /// and otherwise ranks only as far as the last slot whose suggestion can be and
    /// tests only such slots (`stages::pre_memo`): for every pre-checkout spec of the
    /// article (popular, matched and expected-value rankings), and of the
    /// article with a baseline relevance above every link and its new visitors eager, the
    /// shortcut's shown and taken equal the full ranking's for every shopper. The
    /// takeable slots are found once per shopper and serve every spec (all of them run
    /// under one serial), and rankings cut short are among those compared.
    #[test]
    fn the_pre_checkout_shortcut_is_the_full_ranking() {
        let article = crate::io::scenario_file::ARTICLE_TOML;
        for was in ["baseline_relevance = 0.03", "acceptance_propensity = 0.9"] {
            assert!(article.contains(was), "the article no longer says {was}");
        }
        let eager = article
            .replace("baseline_relevance = 0.03", "baseline_relevance = 0.95")
            .replace("acceptance_propensity = 0.9", "acceptance_propensity = 2.5");
        let (mut skipped, mut cut, mut taken) = (0, 0, 0);
        for text in [article.to_string(), eager] {
            let sc = crate::io::scenario_file::parse_scenario(&text, "article").expect("valid");
            let c = Compiled::new(&sc);
            let mut s = Scratch::new(sc.products.len(), sc.strategies.len());
            for rep in 0..3 {
                each_shopper(&sc, &c, &mut s, rep, 0, 4_000, |w, sh, s, _| {
                    let specs: Vec<(usize, &crate::model::PreCheckout)> = sc
                        .strategies
                        .iter()
                        .enumerate()
                        .filter_map(|(k, st)| Some((k, st.pre_checkout.as_ref()?)))
                        .collect();
                    let full: Vec<_> = specs
                        .iter()
                        .map(|&(_, stage)| {
                            s.next_shopper();
                            let r = pre_stage(&c, w, sh, stage, first_slots(stage.slots), s);
                            (r.shown, r.accepted, r.cross, r.cost, r.extras)
                        })
                        .collect();
                    s.next_shopper();
                    for (&(k, stage), full) in specs.iter().zip(&full) {
                        let fast = pre_memo(&c, w, c.pre_leader[k], sh, stage, s);
                        taken += full.1;
                        assert_eq!(
                            &(fast.shown, fast.accepted, fast.cross, fast.cost, fast.extras),
                            full,
                            "replication {rep}, strategy {}, cart {:?}",
                            sc.strategies[k].name(),
                            s.cart
                        );
                    }
                    skipped += u32::from(s.linked != s.cart_serial);
                    let mask = takeable(&c, w, sh, s);
                    for &(_, stage) in &specs {
                        let m = mask & first_slots(stage.slots);
                        cut += u32::from(m != 0 && 32 - m.leading_zeros() < stage.slots);
                    }
                });
            }
        }
        assert!(
            skipped > 1_000 && cut > 1_000 && taken > 1_000,
            "every branch ran: {skipped} skipped, {cut} cut short, {taken} taken"
        );
    }

    /// Stage 5 skips the order's links and the ranking where no offer can be taken
    /// (`offers::may_accept`): for every post-checkout spec of the article, of the article
    /// with popular offers of three, and of the article with eager shoppers, the
    /// shortcut's offers shown and taken equal the full ranking's for every order, with
    /// accepted extras (some already in the cart, some repeated, some orders holding
    /// nearly every post-purchase product) and without.
    #[test]
    fn the_post_checkout_shortcut_is_the_full_ranking() {
        let article = crate::io::scenario_file::ARTICLE_TOML;
        let line = r#"post_checkout = { policy = "matched", offers = 1, offer_discount = 0.10 }"#;
        assert_eq!(article.matches(line).count(), 2, "the article's offers changed");
        assert!(article.contains("acceptance_propensity = 0.9"), "the article's new visitors changed");
        let i = article.rfind(line).expect("two");
        let popular = format!(
            "{}{}{}",
            &article[..i],
            r#"post_checkout = { policy = "popular", offers = 3 }"#,
            &article[i + line.len()..]
        );
        let eager = article.replace("acceptance_propensity = 0.9", "acceptance_propensity = 2.5");
        let (mut skipped, mut capped, mut taken) = (0, 0, 0);
        for text in [article.to_string(), popular, eager] {
            let sc = crate::io::scenario_file::parse_scenario(&text, "article").expect("valid");
            let c = Compiled::new(&sc);
            let mut s = Scratch::new(sc.products.len(), sc.strategies.len());
            let mut taken_here = 0;
            let post_purchase: Vec<u32> =
                (0..sc.products.len() as u32).filter(|&p| c.post_purchase[p as usize]).collect();
            for rep in 0..3 {
                each_shopper(&sc, &c, &mut s, rep, 1, 3_000, |w, sh, s, rng| {
                    // One order in four holds every post-purchase product but up to two:
                    // fewer are left than some specs offer.
                    let extras: Vec<u32> = if rng.next_u64().is_multiple_of(4) {
                        post_purchase[(rng.next_u64() % 3) as usize..].to_vec()
                    } else {
                        let n = rng.next_u64() % 4;
                        (0..n).map(|_| (rng.next_u64() % sc.products.len() as u64) as u32).collect()
                    };
                    let n = extras.len();
                    let value = sh.v0 + (rng.next_u64() % 5_000) as i64;
                    for (k, st) in sc.strategies.iter().enumerate() {
                        let Some(post) = &st.post_checkout else { continue };
                        s.next_shopper();
                        let full = post_offers(&c, w, k, post, sh, &extras, n > 0, value, s);
                        s.next_shopper();
                        let linked = s.linked;
                        let fast = post_stage(&c, w, k, post, sh, &extras, n > 0, value, s);
                        skipped += u32::from(s.linked == linked);
                        capped += u32::from(full.shown < u64::from(post.offers));
                        taken_here += full.accepted;
                        assert_eq!(
                            (fast.shown, fast.accepted, fast.revenue, fast.cost),
                            (full.shown, full.accepted, full.revenue, full.cost),
                            "replication {rep}, strategy {}, cart {:?}, extras {extras:?}",
                            st.name(),
                            s.cart
                        );
                    }
                });
            }
            assert!(taken_here > 100, "offers were taken: {taken_here}");
            taken += taken_here;
        }
        assert!(
            skipped > 1_000 && capped > 100 && taken > 1_000,
            "every branch ran: {skipped} skipped, {capped} with fewer products left than offers, {taken} taken"
        );
    }
}
