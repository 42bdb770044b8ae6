//! Each worker's reusable buffers: sets of products cleared in O(1) by bumping an
//! epoch, and the per-shopper scratch of the stages. No allocation per visitor.

use super::offers::PostResult;
use super::stages::PreResult;
use super::world::Compiled;
use crate::model::{LinkTarget, MAX_CART_ITEMS, MAX_SLOTS};

/// One product's place in a [`RelSet`].
#[derive(Clone, Copy, Default)]
pub(super) struct Slot {
    /// A member when this is the set's epoch.
    pub(super) stamp: u32,
    /// The rank of `rel` among the scenario's link strengths ([`LinkTarget::rank`]).
    pub(super) rank: u32,
    /// Relevance: the strongest link to the product.
    pub(super) rel: f64,
}

/// A set of products with their relevance, cleared in O(1) by bumping an epoch.
pub(super) struct RelSet {
    /// Per product; one vector, so a lookup is one bounds check and one cache line.
    pub(super) slots: Vec<Slot>,
    pub(super) epoch: u32,
    pub(super) members: Vec<u32>,
}

impl RelSet {
    fn new(n: usize) -> Self {
        // Stamps start below the epoch: the set starts empty.
        Self { slots: vec![Slot::default(); n], epoch: 1, members: Vec::with_capacity(64) }
    }

    pub(super) fn clear(&mut self) {
        self.members.clear();
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.slots.fill(Slot::default());
            self.epoch = 1;
        }
    }

    #[inline]
    pub(super) fn contains(&self, p: u32) -> bool {
        self.slots[p as usize].stamp == self.epoch
    }

    /// Adds links stronger than `min` (lists are strongest first, so it stops early).
    pub(super) fn add_links(&mut self, links: &[LinkTarget], min: f64) {
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
    pub(super) fn add_item(&mut self, c: &Compiled, p: u32, min: f64) {
        let sc = c.sc;
        self.add_links(&sc.product_links[p as usize], min);
        self.add_links(&sc.category_links[sc.products[p as usize].category as usize], min);
    }

    #[inline]
    pub(super) fn rel_or(&self, p: u32, baseline: f64) -> f64 {
        let slot = self.slots[p as usize];
        if slot.stamp == self.epoch { slot.rel } else { baseline }
    }
}

/// One post-checkout group's stage-5 results for the shopper's last [`PostMemo::SIZE`]
/// orders it was asked about (by the shopper's `serial`): strategies of the group
/// that differ only before checkout or in their checkout discount or friction often
/// make the same offers to the same order, and come in turn.
#[derive(Clone, Copy, Default)]
pub(super) struct PostMemo {
    serial: u64,
    len: usize,
    entries: [(i64, PostResult); PostMemo::SIZE],
}

impl PostMemo {
    const SIZE: usize = 4;

    /// The result for the order `key` of shopper `serial`, if kept.
    #[inline]
    pub(super) fn find(&self, serial: u64, value: i64) -> Option<PostResult> {
        if self.serial != serial {
            return None;
        }
        self.entries[..self.len].iter().find(|(v, _)| *v == value).map(|&(_, r)| r)
    }

    /// Keeps the result for the order `key` of shopper `serial` (the oldest of the
    /// shopper's goes when full; another shopper's all go).
    #[inline]
    pub(super) fn keep(&mut self, serial: u64, key: i64, r: PostResult) {
        if self.serial != serial {
            self.serial = serial;
            self.len = 0;
        }
        if self.len < Self::SIZE {
            self.entries[self.len] = (key, r);
            self.len += 1;
        } else {
            self.entries.rotate_left(1);
            self.entries[Self::SIZE - 1] = (key, r);
        }
    }
}

/// Reusable per-worker buffers.
pub struct Scratch {
    pub(super) cart_set: Vec<u32>,
    pub(super) cart_epoch: u32,
    pub(super) cart: Vec<u32>,
    pub(super) cands: RelSet,
    /// Links of the accepted suggestions and top-up (the order's beyond the cart's).
    pub(super) extra_links: RelSet,
    pub(super) shown: Vec<u32>,
    pub(super) top: Vec<u32>,
    /// The matched ranking's best keys, best first (see [`rank_linked`]).
    pub(super) top_keys: [u64; MAX_SLOTS as usize],
    pub(super) post_linked: Vec<(u32, f64)>,
    pub(super) scored: Vec<(f64, u32)>,
    /// Per strategy, this shopper's (revenue, margin, ordered).
    pub(super) outcomes: Vec<(i64, i64, bool)>,
    /// Per strategy, this shopper's attributed revenue (rule 21), valid where the
    /// strategy's bit of `attributing` is set (at most 64 strategies).
    pub(super) attributed: Vec<i64>,
    /// Bit k: strategy k credited this shopper's order with some revenue.
    pub(super) attributing: u64,
    /// Per strategy: the visitor's net revenue and margin, with returns (rule 18).
    pub(super) net: Vec<(i64, i64)>,
    /// Counts simulated shoppers, and each world of one in a run of several worlds
    /// ([`super::runner::run_held`]): a stage-5 memo is this shopper's in this world
    /// when its serial is.
    pub(super) serial: u64,
    /// Counts carts: the candidates `cands` are this cart's when `linked` is.
    pub(super) cart_serial: u64,
    /// Counts what stage 2 reads: a new cart, or a world whose stage 2 reads other
    /// draws than the world before it. `takeable` and `pre_memo` are valid when equal.
    pub(super) pre_serial: u64,
    /// The `cart_serial` of the cart whose candidates `cands` (and their ranking)
    /// hold (see `rank::ensure_links`).
    pub(super) linked: u64,
    /// The `pre_serial` whose takeable pre-checkout slots `takeable` holds (see
    /// `stages::takeable`), and those slots (bit j: slot j).
    pub(super) takeable: (u64, u32),
    /// Per group leader (see [`Compiled::pre_leader`]): its stage-2 result, by
    /// `pre_serial`.
    pub(super) pre_memo: Vec<(u64, PreResult)>,
    /// Per group leader (see [`Compiled::post_leader`]): its stage-5 results for the
    /// shopper's last few orders.
    pub(super) post_memo: Vec<PostMemo>,
}

impl Scratch {
    /// Buffers for a catalog of `n_products` and `n_strategies` strategies.
    pub fn new(n_products: usize, n_strategies: usize) -> Self {
        // Validation refuses more (model::validate's `max_strategies`); a caller
        // with looser limits must not have its strategies' credits mixed up.
        assert!(n_strategies <= 64, "one bit per strategy in `attributing`: at most 64 strategies");
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
            attributed: vec![0; n_strategies],
            attributing: 0,
            net: vec![(0, 0); n_strategies],
            serial: 0,
            cart_serial: 0,
            pre_serial: 0,
            linked: 0,
            takeable: (0, 0),
            pre_memo: vec![(0, PreResult::default()); n_strategies],
            post_memo: vec![PostMemo::default(); n_strategies],
        }
    }

    /// Whether these buffers serve a catalog of `n_products` and `n_strategies`.
    pub fn fits(&self, n_products: usize, n_strategies: usize) -> bool {
        self.cart_set.len() == n_products && self.outcomes.len() == n_strategies
    }

    /// A new shopper: every memo is stale.
    #[inline]
    pub(super) fn next_shopper(&mut self) {
        self.serial += 1;
        self.cart_serial += 1;
        self.pre_serial += 1;
    }

    /// The same cart in another world: stage 5's memos are stale, and stage 2's where
    /// `stage_2_differs` (the world's stage 2 reads other draws).
    #[inline]
    pub(super) fn next_world(&mut self, stage_2_differs: bool) {
        self.serial += 1;
        self.pre_serial += u64::from(stage_2_differs);
    }

    pub(super) fn new_cart(&mut self) {
        self.cart.clear();
        self.cart_epoch = self.cart_epoch.wrapping_add(1);
        if self.cart_epoch == 0 {
            self.cart_set.fill(0);
            self.cart_epoch = 1;
        }
    }

    #[inline]
    pub(super) fn in_cart(&self, p: u32) -> bool {
        self.cart_set[p as usize] == self.cart_epoch
    }
}
