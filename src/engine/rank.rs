//! The rankings of MODEL.md rule 3 and 5: the `matched` ranking of a cart's linked
//! products, the pre-checkout selections, the top-k merge of scored candidates, and
//! the tier top-up product. Ties go to popularity, then catalog order (rule 13).

use super::scratch::Scratch;
use super::stages::price_scaled;
use super::world::Compiled;
use crate::model::{PreCheckout, PrePolicy, Ranking};

/// Builds the shopper's relevance candidates (the links of every cart item) and their
/// matched ranking, once per simulated shopper and only where some stage reads them:
/// many followed members see a tier prompt and take nothing, and need neither.
/// `s.linked` records the cart (by `s.cart_serial`) they were built for.
#[inline]
pub(super) fn ensure_links(c: &Compiled, baseline: f64, s: &mut Scratch) {
    if c.needs_links && s.linked != s.cart_serial {
        link_cart(c, baseline, s);
    }
}

/// [`ensure_links`]'s work, out of line: the test runs several times per shopper.
#[inline(never)]
fn link_cart(c: &Compiled, baseline: f64, s: &mut Scratch) {
    s.linked = s.cart_serial;
    s.cands.clear();
    for i in 0..s.cart.len() {
        let p = s.cart[i];
        s.cands.add_item(c, p, baseline);
    }
    rank_linked(c, s);
}

/// Keeps in `s.top` the `max_matched_slots` best linked products not in the cart, by
/// relevance, then popularity, then catalog order (the `matched` ranking), and lists
/// in `s.post_linked` the linked post-purchase products not in the cart with their
/// relevance. One pass over the candidates; the ranking is a partial insertion
/// selection on one integer key per product (carts have few linked products and
/// strategies show at most 10).
#[inline]
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
pub(super) fn offer_top_k<T: Copy>(best: &mut [T], n: &mut usize, k: usize, x: T, better: impl Fn(T, T) -> bool) {
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

/// Fills `s.shown` with the first `k` (at most the policy's slots) pre-checkout
/// suggestions of a policy: the first `k` of its whole ranking, as every ranking here
/// is a strict order taken best first.
#[inline]
pub(super) fn select_pre(
    c: &Compiled,
    s: &mut Scratch,
    pre: &PreCheckout,
    k: usize,
    v0: i64,
    price_sensitivity: f64,
    baseline: f64,
) {
    let sc = c.sc;
    s.shown.clear();
    match pre.policy {
        PrePolicy::Popular => {
            for &p in &c.by_popularity {
                if s.shown.len() == k {
                    break;
                }
                if !s.in_cart(p) {
                    s.shown.push(p);
                }
            }
        }
        PrePolicy::Matched(Ranking::Relevance) => {
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
        PrePolicy::Matched(Ranking::ExpectedValue) => {
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
#[inline]
pub(super) fn merge_top_k(
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
#[inline]
pub(super) fn top_up_product(c: &Compiled, s: &Scratch, extras: &[u32], gap: i64, min: f64) -> Option<u32> {
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
