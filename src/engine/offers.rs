//! Stage 5 of MODEL.md for one order under one strategy: the confirmation-page
//! offers, their ranking (rule 8) and which are taken, with satiation (rule 20) and
//! the bound that skips the ranking where no offer can be taken.

use super::rank::{ensure_links, merge_top_k};
use super::rng::{decision, decision_uniform};
use super::scratch::Scratch;
use super::stages::{Shopper, below_price_scaled, price_scaled};
use super::world::{Compiled, Realized};
use crate::model::{PostCheckout, PostPolicy};

/// Stage 5 for one order under one post-checkout spec.
#[derive(Clone, Copy, Default)]
pub(super) struct PostResult {
    pub(super) shown: u64,
    pub(super) accepted: u64,
    /// Offer price and cost of the accepted offers, cents.
    pub(super) revenue: i64,
    pub(super) cost: i64,
}

/// Stage 5: the offers strategy `k` makes to an order of the cart plus `extras`
/// worth `order_value`, and which the shopper takes. Where no offer can be taken
/// ([`may_accept`]) none is, whatever is offered, and every policy shows min(offers,
/// post-purchase products not in the order) (each fills its offers from all of them):
/// the order's links and the ranking are then not needed.
// Kept out of line: inlined into the per-strategy loop, its code made that loop
// 2-6% slower in paired rounds (it runs about once per shopper with an order).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub(super) fn post_stage(
    c: &Compiled,
    w: &Realized,
    k: usize,
    post: &PostCheckout,
    sh: &Shopper,
    extras: &[u32],
    satiated: bool,
    order_value: i64,
    s: &mut Scratch,
) -> PostResult {
    if may_accept(c, w, k, post.offers, sh, satiated, order_value) {
        post_offers(c, w, k, post, sh, extras, satiated, order_value, s)
    } else {
        let left = c.post_purchase_count - post_purchase_in_order(c, s, extras);
        PostResult { shown: u64::from(post.offers).min(left as u64), ..PostResult::default() }
    }
}

/// An offer's acceptance before relevance and price: (post_accept x propensity,
/// what satiation keeps of it, their product; MODEL.md rule 20).
#[inline]
fn post_acceptance(w: &Realized, sh: &Shopper, satiated: bool) -> (f64, f64, f64) {
    let accept_base = w.facts.post_checkout_base_accept * sh.seg.propensity;
    // Satiation (MODEL.md rule 20): an order that already holds an accepted suggestion
    // or a tier top-up (`satiated`; a free-shipping top-up does not count) accepts each
    // offer with its probability x (1 - satiation). The offers are chosen as without it.
    let keep = if satiated { 1.0 - w.facts.satiation } else { 1.0 };
    // x 1.0 is exact: without satiation the acceptance is as before, bit for bit.
    (accept_base, keep, accept_base * keep)
}

/// Whether any of the first `offers` confirmation-page offers strategy `k` makes to an
/// order worth `order_value` could be taken. Offer j's product p is taken where u_j
/// (value + sensitivity x offer_price_p) < accept_kept x rel_p x value (and u_j <
/// keep; [`post_offers`]); rel_p is at most the strongest link or the baseline, and
/// the offer price at least the strategy's lowest. Every operation rounds
/// monotonically, so where the test fails at those bounds it fails for every
/// product: exact, as [`super::stages::takeable`] is for stage 2.
#[inline]
fn may_accept(
    c: &Compiled,
    w: &Realized,
    k: usize,
    offers: u32,
    sh: &Shopper,
    satiated: bool,
    order_value: i64,
) -> bool {
    let (_, _, accept_kept) = post_acceptance(w, sh, satiated);
    let base = accept_kept * c.max_strength.max(w.facts.baseline_relevance);
    let (price, value) = (c.min_offer_price[k] as f64, order_value.max(1) as f64);
    (0..u64::from(offers)).any(|j| {
        below_price_scaled(decision_uniform(sh.key, decision::POST + j), base, sh.seg.price_sensitivity, price, value)
    })
}

/// How many distinct post-purchase products the order (the cart and `extras`) holds.
#[inline]
fn post_purchase_in_order(c: &Compiled, s: &Scratch, extras: &[u32]) -> usize {
    let is = |p: u32| c.post_purchase[p as usize];
    let in_cart = s.cart.iter().filter(|&&p| is(p)).count();
    let extra = (0..extras.len())
        .filter(|&i| {
            let p = extras[i];
            is(p) && !s.in_cart(p) && !extras[..i].contains(&p)
        })
        .count();
    in_cart + extra
}

/// [`post_stage`] in full: the offers ranked and each tested.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn post_offers(
    c: &Compiled,
    w: &Realized,
    k: usize,
    post: &PostCheckout,
    sh: &Shopper,
    extras: &[u32],
    satiated: bool,
    order_value: i64,
    s: &mut Scratch,
) -> PostResult {
    let sc = c.sc;
    let seg = sh.seg;
    let baseline = w.facts.baseline_relevance;
    let mut r = PostResult::default();
    ensure_links(c, baseline, s);
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
            s.extra_links.add_item(c, p, w.facts.baseline_relevance);
        }
    }
    let (accept_base, keep, accept_kept) = post_acceptance(w, sh, satiated);
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
    let k_offers = post.offers as usize;
    s.shown.clear();
    match post.policy {
        PostPolicy::Popular => {
            for &p in &c.post_by_popularity {
                if s.shown.len() == k_offers {
                    break;
                }
                if !in_order(s, p) {
                    s.shown.push(p);
                }
            }
        }
        PostPolicy::Matched => {
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
        // u < min(1, x) is u < x, as u < 1; with satiation, u < min(1, x) keep is
        // u < x keep and u < keep.
        let u = decision_uniform(sh.key, decision::POST + j as u64);
        if below_price_scaled(u, accept_kept * rel(s, p), seg.price_sensitivity, offer_price(p) as f64, value)
            && u < keep
        {
            r.accepted += 1;
            r.revenue += offer_price(p);
            r.cost += sc.products[p as usize].cost;
        }
    }
    r
}
