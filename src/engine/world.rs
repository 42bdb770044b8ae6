//! What the engine precomputes: orders and alias tables built once per run
//! ([`Compiled`]) and the inputs drawn once per replication ([`Realized`]).

use rand_distr::Poisson;
use rand_distr::weighted::WeightedAliasIndex;

use super::rng::input_rng;
use crate::model::{
    BehaviourDrawn, Copula, CostLever, Hold, Input, PostPolicy, PrePolicy, Ranking, Scenario, Strategy, TierPrompt,
};

/// Per-run precomputation shared by every replication and thread.
pub struct Compiled<'a> {
    /// The scenario.
    pub sc: &'a Scenario,
    /// All products by popularity (desc), then catalog order.
    pub by_popularity: Vec<u32>,
    /// Each product's position in `by_popularity`: a smaller rank is more popular
    /// (or as popular and earlier in the catalog), the tie-break of every ranking.
    pub pop_rank: Vec<u32>,
    /// Each product's `post_purchase` flag, compact (a large catalog's product
    /// records do not fit in cache; this does).
    pub post_purchase: Vec<bool>,
    /// All products by price (desc), then popularity (desc), then catalog order.
    pub by_price_desc: Vec<u32>,
    /// All products by price (asc), then popularity (desc), then catalog order.
    pub by_price_asc: Vec<u32>,
    /// Prices along `by_price_asc` (for binary search).
    pub price_asc: Vec<i64>,
    /// Post-purchase-eligible products by popularity.
    pub post_by_popularity: Vec<u32>,
    /// Post-purchase-eligible products by price (desc).
    pub post_by_price_desc: Vec<u32>,
    /// Per strategy with post-checkout offers: every product's offer price in cents,
    /// price x (1 - offer_discount) rounded to the cent (empty for other strategies).
    pub offer_prices: Vec<Vec<i64>>,
    /// Per strategy: the lowest of its offer prices, cents (0 without offers): no
    /// offer's price factor is above its.
    pub min_offer_price: Vec<i64>,
    /// How many products may be offered on the confirmation page (`post_purchase`).
    pub post_purchase_count: usize,
    /// Per segment: alias table over products (popularity x category affinity).
    pub cart_alias: Vec<WeightedAliasIndex<f64>>,
    /// Most slots of any strategy showing `matched` suggestions ranked by relevance:
    /// how many of a cart's linked products need ranking.
    pub max_matched_slots: usize,
    /// The most pre-checkout slots any strategy shows (0 without suggestions).
    pub max_pre_slots: u32,
    /// Whether any strategy shows `matched` post-checkout offers (and so needs the
    /// cart's linked post-purchase products).
    pub post_matched: bool,
    /// Per strategy: the first strategy with the same pre-checkout spec. Both show a
    /// shopper the same suggestions, and the shopper takes the same ones (common
    /// random numbers), so stage 2 is simulated once per shopper for the group.
    pub pre_leader: Vec<usize>,
    /// Per strategy: the first strategy with the same post-checkout spec. Both make
    /// the same offers to the same order, so an order that is the cart is simulated
    /// once per group.
    pub post_leader: Vec<usize>,
    /// Per strategy with a windowed tier prompt, per tier: the window's bound in cents,
    /// window x threshold rounded to the cent (MODEL.md rule 12; empty otherwise).
    pub tier_window: Vec<Vec<i64>>,
    /// Whether any strategy shows an offer (and so needs the cart's relevance).
    pub needs_links: bool,
    /// Whether any strategy shows something before checkout (suggestions or a tier
    /// prompt), so that shoppers who then abandon still add to the shown and
    /// accepted counts.
    pub abandoners_counted: bool,
    /// Some strategy shows a tier prompt: on the fast path, every member below the
    /// top tier is simulated up to the prompt under such a strategy even when they
    /// cannot complete (see `session::shopper`).
    pub tier_dense: bool,
    /// The strategies that show a tier prompt.
    pub prompting: Vec<usize>,
    /// The highest tier threshold (0 without tiers).
    pub top_threshold: crate::model::Cents,
    /// Some return rate or the handling cost may be above 0 (MODEL.md rule 18): each
    /// visitor's net revenue and margin are then tallied for the net lifts' intervals.
    pub returns: bool,
    /// Some lever has a cost per order it shows something on (rule 19): such orders
    /// are counted.
    pub counts_shown: bool,
    /// `returns` or `counts_shown`: some order tallies beyond the default are kept.
    pub order_tallies: bool,
    /// The second moments of each visitor's sums are tallied (for the standard
    /// errors; not with [`super::RunOptions::means_only`]).
    pub moments: bool,
    /// Some strategy may charge a shipping fee or show the free-shipping prompt, or
    /// shipping costs the store something (MODEL.md rule 22).
    pub shipping: bool,
    /// The store's shipping fee below a threshold, cents.
    pub ship_fee: crate::model::Cents,
    /// Per strategy: the free-shipping prompt's window in cents below its threshold,
    /// window x threshold rounded to the cent (0 where it shows no prompt).
    pub ship_window: Vec<crate::model::Cents>,
    /// The strongest link of the scenario (0 without links): no suggestion is more
    /// relevant than this or the baseline relevance.
    pub max_strength: f64,
    /// The lowest product price, cents: no suggestion's price factor is above its.
    pub min_price: crate::model::Cents,
}

impl<'a> Compiled<'a> {
    /// As `opts` asks: with [`super::RunOptions::primary_only`], no abandoner is
    /// sampled or followed (their counts before checkout are not read); with
    /// [`super::RunOptions::gross_only`], no order is netted; with
    /// [`super::RunOptions::means_only`], no second moment is tallied.
    pub fn for_options(mut self, opts: &super::RunOptions) -> Self {
        if opts.primary_only {
            self.abandoners_counted = false;
            self.tier_dense = false;
        }
        if opts.gross_only {
            self.returns = false;
            self.counts_shown = false;
            self.order_tallies = false;
        }
        self.moments = !opts.means_only;
        self
    }

    /// Builds the orders and alias tables.
    ///
    /// # Panics
    /// Never for a validated scenario (weights are positive; validation guarantees
    /// every segment can buy something).
    pub fn new(sc: &'a Scenario) -> Self {
        let p = &sc.products;
        let n = p.len() as u32;
        let pop = |a: u32, b: u32| p[b as usize].popularity.total_cmp(&p[a as usize].popularity).then(a.cmp(&b));
        let mut by_popularity: Vec<u32> = (0..n).collect();
        by_popularity.sort_by(|&a, &b| pop(a, b));
        let mut by_price_desc: Vec<u32> = (0..n).collect();
        by_price_desc.sort_by(|&a, &b| p[b as usize].price.cmp(&p[a as usize].price).then(pop(a, b)));
        let mut by_price_asc: Vec<u32> = (0..n).collect();
        by_price_asc.sort_by(|&a, &b| p[a as usize].price.cmp(&p[b as usize].price).then(pop(a, b)));
        let price_asc = by_price_asc.iter().map(|&i| p[i as usize].price).collect();
        let eligible = |v: &Vec<u32>| v.iter().copied().filter(|&i| p[i as usize].post_purchase).collect();
        let mut pop_rank = vec![0u32; p.len()];
        for (rank, &i) in by_popularity.iter().enumerate() {
            pop_rank[i as usize] = rank as u32;
        }
        let post_by_popularity = eligible(&by_popularity);
        let post_by_price_desc = eligible(&by_price_desc);
        let cart_alias = sc
            .segments
            .iter()
            .map(|s| {
                let w: Vec<f64> = p.iter().map(|q| q.popularity * s.category_affinity[q.category as usize]).collect();
                WeightedAliasIndex::new(w).expect("validated: positive weights")
            })
            .collect();
        let max_matched_slots = sc
            .strategies
            .iter()
            .filter_map(|s| s.pre_checkout)
            .filter(|pre| pre.policy == PrePolicy::Matched(Ranking::Relevance))
            .map(|pre| pre.slots as usize)
            .max()
            .unwrap_or(0);
        // Every offer's acceptance uses the true relevance, whatever chose the offer.
        let needs_links = sc.strategies.iter().any(|st| st.shows_before_checkout() || st.post_checkout.is_some());
        let post_matched =
            sc.strategies.iter().any(|st| st.post_checkout.is_some_and(|p| p.policy == PostPolicy::Matched));
        let ship_window: Vec<i64> = sc
            .strategies
            .iter()
            .map(|st| {
                if st.shipping.prompt {
                    (sc.shipping.prompt_window * st.shipping.threshold as f64).round() as i64
                } else {
                    0
                }
            })
            .collect();
        // A free-shipping prompt shows before checkout, and its top-up prefers products
        // relevant to the cart.
        let prompts = ship_window.iter().any(|&w| w > 0);
        let abandoners_counted = sc.strategies.iter().any(Strategy::shows_before_checkout) || prompts;
        let needs_links = needs_links || prompts;
        let prompting: Vec<usize> =
            (0..sc.strategies.len()).filter(|&k| sc.strategies[k].tier_prompt.is_some()).collect();
        let tier_dense = !sc.tiers.is_empty() && !prompting.is_empty();
        let top_threshold = sc.tiers.iter().map(|t| t.threshold).max().unwrap_or(0);
        let offer_prices: Vec<Vec<i64>> = sc
            .strategies
            .iter()
            .map(|st| match st.post_checkout {
                None => Vec::new(),
                Some(post) => p.iter().map(|q| offer_price(q.price, post.offer_discount)).collect(),
            })
            .collect();
        let leaders = |same: &dyn Fn(&Strategy, &Strategy) -> bool| {
            let st = &sc.strategies;
            (0..st.len()).map(|k| (0..k).find(|&j| same(&st[j], &st[k])).unwrap_or(k)).collect()
        };
        let pre_leader = leaders(&|a, b| a.pre_checkout == b.pre_checkout);
        let post_leader = leaders(&|a, b| a.post_checkout == b.post_checkout);
        let tier_window = sc
            .strategies
            .iter()
            .map(|st| match st.tier_prompt {
                Some(TierPrompt::Window(w)) => {
                    sc.tiers.iter().map(|tier| (w * tier.threshold as f64).round() as i64).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        let returns = sc.has_returns();
        let counts_shown = [CostLever::PreCheckout, CostLever::TierPrompt, CostLever::PostCheckout]
            .iter()
            .any(|&l| sc.costs.of(l).per_order > 0.0);
        let max_strength =
            sc.product_links.iter().chain(&sc.category_links).flatten().map(|l| l.strength).fold(0.0, f64::max);
        let min_offer_price = offer_prices.iter().map(|o| o.iter().copied().min().unwrap_or(0)).collect();
        Compiled {
            sc,
            max_strength,
            min_offer_price,
            post_purchase_count: p.iter().filter(|q| q.post_purchase).count(),
            min_price: p.iter().map(|q| q.price).min().unwrap_or(0),
            shipping: sc.has_shipping(),
            ship_fee: sc.shipping.fee,
            ship_window,
            returns,
            counts_shown,
            order_tallies: returns || counts_shown,
            moments: true,
            tier_window,
            pre_leader,
            post_leader,
            offer_prices,
            needs_links,
            post_matched,
            abandoners_counted,
            tier_dense,
            prompting,
            top_threshold,
            by_popularity,
            pop_rank,
            post_purchase: p.iter().map(|q| q.post_purchase).collect(),
            by_price_desc,
            by_price_asc,
            price_asc,
            post_by_popularity,
            post_by_price_desc,
            cart_alias,
            max_matched_slots,
            max_pre_slots: sc.strategies.iter().filter_map(|s| s.pre_checkout).map(|pre| pre.slots).max().unwrap_or(0),
        }
    }
}

/// One segment's inputs as drawn for one replication.
#[derive(Debug, Clone)]
pub struct SegmentDraw {
    /// Share of traffic after renormalisation.
    pub share: f64,
    /// Add-to-cart rate.
    pub add_to_cart_rate: f64,
    /// Checkout completion.
    pub checkout_completion: f64,
    /// Mean cart size.
    pub mean_cart_size: f64,
    /// Acceptance propensity.
    pub propensity: f64,
    /// Price sensitivity.
    pub price_sensitivity: f64,
    /// Friction sensitivity.
    pub friction_sensitivity: f64,
    /// Loyalty membership share.
    pub member_share: f64,
    /// Share of orders on which a confirmation-page offer can render.
    pub post_eligibility: f64,
}

/// Every input as drawn for one replication.
pub struct Realized {
    /// The world facts (`[behaviour]`) as drawn.
    pub facts: BehaviourDrawn,
    /// The return facts as drawn, ready for each order (rule 18).
    pub returns: Returns,
    /// Per tier, what an upgrade into it costs the store, cents (rule 19).
    pub tier_upgrade_cost: Vec<i64>,
    /// What shipping one completed order costs the store, cents (rule 22).
    pub ship_cost: i64,
    /// Segments, in scenario order.
    pub segments: Vec<SegmentDraw>,
    /// Alias table over segments.
    pub segment_alias: WeightedAliasIndex<f64>,
    /// Poisson for extra cart items (mean cart size - 1) per segment; `None` when 0.
    pub extra_items: Vec<Option<Poisson<f64>>>,
    /// Per segment: the factor one slot multiplies completion by, max(0, 1 -
    /// friction_per_slot x friction_sensitivity).
    pub slot_friction: Vec<f64>,
    /// Per segment, per strategy: [`completion_base`].
    pub completion_base: Vec<Vec<f64>>,
    /// Per segment, per strategy: the highest checkout completion probability the
    /// strategy can give a shopper of the segment (its levers without friction),
    /// computed with the same floating-point operations as the checkout itself, so
    /// that a checkout uniform at or above it never completes under that strategy.
    pub completion_bounds: Vec<Vec<f64>>,
    /// Per segment: the largest of its `completion_bounds`.
    pub completion_bound_max: Vec<f64>,
}

impl Realized {
    /// Draws each input once for replication `rep`, each from its own stream.
    pub fn draw(sc: &Scenario, rep: u32) -> Self {
        let joint = sc.copula.as_ref().map(|c| copula_draws(c, &sc.held, sc.seed(), rep));
        let d = |i: &Input| drawn_with(sc, i, rep, joint.as_deref());
        let mut segments: Vec<SegmentDraw> = sc
            .segments
            .iter()
            .map(|s| SegmentDraw {
                share: d(&s.share),
                add_to_cart_rate: d(&s.add_to_cart_rate),
                checkout_completion: d(&s.checkout_completion),
                mean_cart_size: d(&s.mean_cart_size),
                propensity: d(&s.acceptance_propensity),
                price_sensitivity: d(&s.price_sensitivity),
                friction_sensitivity: d(&s.friction_sensitivity),
                member_share: d(&s.loyalty_member_share),
                post_eligibility: d(&s.post_checkout_eligibility),
            })
            .collect();
        let held: Vec<bool> = sc.segments.iter().map(|s| sc.held_value(s.share.stream).is_some()).collect();
        normalise_shares(&mut segments, &held);
        let segment_alias =
            WeightedAliasIndex::new(segments.iter().map(|s| s.share).collect()).expect("shares sum to 1");
        let extra_items = segments
            .iter()
            .map(|s| {
                let lambda = s.mean_cart_size - 1.0;
                if lambda > 1e-12 { Poisson::new(lambda).ok() } else { None }
            })
            .collect();
        let b = sc.behaviour.draw(d);
        let friction_reduction: Vec<f64> = sc.strategies.iter().map(|s| d(&s.friction_reduction)).collect();
        let (discount_elasticity, friction_per_slot) = (b.discount_elasticity, b.friction_per_slot);
        let completion_base: Vec<Vec<f64>> = segments
            .iter()
            .map(|seg| {
                sc.strategies
                    .iter()
                    .zip(&friction_reduction)
                    .map(|(st, &fr)| completion_base(seg.checkout_completion, fr, discount_elasticity, st.discount))
                    .collect()
            })
            .collect();
        let completion_bounds: Vec<Vec<f64>> =
            completion_base.iter().map(|b| b.iter().map(|&x| completion_probability(x, 1.0)).collect()).collect();
        let completion_bound_max = completion_bounds.iter().map(|b| b.iter().copied().fold(0.0, f64::max)).collect();
        Realized {
            returns: Returns::of(&b),
            tier_upgrade_cost: sc.tiers.iter().map(|t| (d(&t.upgrade_cost) * 100.0).round() as i64).collect(),
            ship_cost: ship_cost_cents(b.shipping_cost),
            segment_alias,
            extra_items,
            slot_friction: segments
                .iter()
                .map(|seg| (1.0 - friction_per_slot * seg.friction_sensitivity).max(0.0))
                .collect(),
            facts: b,
            segments,
            completion_base,
            completion_bounds,
            completion_bound_max,
        }
    }
}

/// A drawn shipping cost (currency) in cents, as the engine charges it per order.
pub fn ship_cost_cents(cost: f64) -> i64 {
    (cost * 100.0).round() as i64
}

/// The value input `i` of `sc` takes in replication `rep`: a draw from its own
/// stream when uncertain, else its value (before segment shares are normalised).
pub fn drawn(sc: &Scenario, i: &Input, rep: u32) -> f64 {
    let joint = sc.copula.as_ref().map(|c| copula_draws(c, &sc.held, sc.seed(), rep));
    drawn_with(sc, i, rep, joint.as_deref())
}

/// Every input of [`Scenario::uncertain_inputs`] in replication `rep`, in that order.
pub fn drawn_inputs(sc: &Scenario, rep: u32) -> Vec<f64> {
    let joint = sc.copula.as_ref().map(|c| copula_draws(c, &sc.held, sc.seed(), rep));
    sc.uncertain_inputs().iter().map(|(_, i)| drawn_with(sc, i, rep, joint.as_deref())).collect()
}

/// One replication's return facts by revenue source (intended cart, suggestions,
/// top-up, add-ons): the rates, and the handling cost per unit of each source's
/// items in cents (cost x rate), so that an order's returns are a few products.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Returns {
    /// Return rate per source.
    pub rate: [f64; 4],
    /// Expected handling cost, cents, per item of each source.
    pub handling: [f64; 4],
}

impl Returns {
    /// From the drawn facts.
    pub fn of(f: &BehaviourDrawn) -> Self {
        let rate =
            [f.return_rate_base_cart, f.return_rate_cross_sell, f.return_rate_tier_top_up, f.return_rate_post_checkout];
        Returns { rate, handling: rate.map(|r| r * f.return_handling_cost * 100.0) }
    }
}

/// The world facts (`[behaviour]`) of replication `rep`, as [`Realized::draw`] draws
/// them (for the report's net figures, which need the drawn return rates).
pub fn facts(sc: &Scenario, rep: u32) -> BehaviourDrawn {
    let joint = sc.copula.as_ref().map(|c| copula_draws(c, &sc.held, sc.seed(), rep));
    sc.behaviour.draw(|i| drawn_with(sc, i, rep, joint.as_deref()))
}

fn drawn_with(sc: &Scenario, i: &Input, rep: u32, joint: Option<&[(u64, f64)]>) -> f64 {
    if let Some(v) = sc.held_value(i.stream) {
        return v;
    }
    if !i.param.is_uncertain() {
        return i.central();
    }
    // A copy of a strategy in a sweep shares its original's stream, and so its draw.
    match joint.and_then(|j| j.iter().find(|(s, _)| *s == i.stream)) {
        Some(&(_, v)) => v,
        None => i.sample(&mut input_rng(sc.seed(), rep, i.stream)),
    }
}

/// Scales drawn segment shares to sum to 1. Shares `held` ([`crate::model::Hold`])
/// keep their values and the others are scaled to fill the rest of the traffic (all
/// of it when none is held); where the ones to scale drew nothing, they share it
/// equally. Held shares summing to 1 or more, or every share held, are themselves
/// scaled to sum to 1 (equally where they are all 0).
pub fn normalise_shares(segments: &mut [SegmentDraw], held: &[bool]) {
    let held_total: f64 = segments.iter().zip(held).filter(|(_, h)| **h).map(|(s, _)| s.share).sum();
    let free = held.iter().filter(|h| !**h).count();
    if held_total >= 1.0 || free == 0 {
        // The held shares fill all the traffic: scaled to sum to 1 (equal where they
        // are all 0), the others none.
        let n = (segments.len() - free) as f64;
        for (s, &h) in segments.iter_mut().zip(held) {
            s.share = match (h, held_total > 0.0) {
                (false, _) => 0.0,
                (true, true) => s.share / held_total,
                (true, false) => 1.0 / n,
            };
        }
        return;
    }
    let rest = 1.0 - held_total;
    let total: f64 = segments.iter().zip(held).filter(|(_, h)| !**h).map(|(s, _)| s.share).sum();
    for (s, &h) in segments.iter_mut().zip(held) {
        if h {
            continue;
        }
        // Every free share drew 0: equal traffic rather than no traffic.
        s.share = if total > 0.0 { s.share / total * rest } else { rest / free as f64 };
    }
}

/// The correlated inputs' values in replication `rep`, by stream (see [`Copula`]).
/// Each input's uniform comes from its own stream, as an independent input's draw
/// would, so adding a correlation changes no other input. Inputs `held` keep their
/// values and their partners are drawn given them ([`Copula::condition`]).
pub fn copula_draws(c: &Copula, held: &[Hold], seed: u64, rep: u32) -> Vec<(u64, f64)> {
    use rand::RngExt;
    let n = c.streams.len();
    let z: Vec<f64> = c
        .streams
        .iter()
        .map(|&s| {
            let u: f64 = input_rng(seed, rep, s).random();
            crate::stats::normal_quantile(u.clamp(1e-12, 1.0 - 1e-12))
        })
        .collect();
    let mut x: Vec<f64> = (0..n).map(|i| (0..=i).map(|k| c.cholesky[i * n + k] * z[k]).sum()).collect();
    let fixed: Vec<(usize, f64)> = c
        .streams
        .iter()
        .enumerate()
        .filter_map(|(k, s)| held.iter().find(|h| h.stream == *s).map(|h| (k, h.value)))
        .collect();
    if !fixed.is_empty() {
        let scores: Vec<(usize, f64)> = fixed
            .iter()
            .map(|&(k, v)| (k, crate::stats::normal_quantile(c.dists[k].cdf(v).clamp(1e-12, 1.0 - 1e-12))))
            .collect();
        c.condition(&mut x, &scores);
    }
    (0..n)
        .map(|i| {
            let (lo, hi) = c.ranges[i];
            let v = match fixed.iter().find(|(k, _)| *k == i) {
                Some(&(_, v)) => v,
                None => c.dists[i].quantile(crate::stats::normal_cdf(x[i])).clamp(lo, hi),
            };
            (c.streams[i], v)
        })
        .collect()
}

/// The offer price in cents of a product priced `price` cents at `offer_discount`:
/// price x (1 - offer_discount), rounded half away from zero (MODEL.md rule 7).
pub fn offer_price(price: i64, offer_discount: f64) -> i64 {
    ((price as f64) * (1.0 - offer_discount)).max(0.0).round() as i64
}

/// The part of MODEL.md stage 4's completion probability that does not depend on the
/// shopper: completion x (1 + friction_reduction) x (1 + elasticity x discount).
pub fn completion_base(completion: f64, friction_reduction: f64, elasticity: f64, discount: f64) -> f64 {
    completion * (1.0 + friction_reduction) * (1.0 + elasticity * discount)
}

/// MODEL.md stage 4: min(1, [`completion_base`] x friction). For `friction` <= 1 the
/// result never exceeds its value at `friction` = 1: IEEE multiplication rounds
/// monotonically, and x * 1.0 == x.
#[inline]
pub fn completion_probability(base: f64, friction: f64) -> f64 {
    (base * friction).min(1.0)
}
