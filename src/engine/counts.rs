//! Exact per-replication tallies. Money is in integer cents and every sum is an
//! integer, so merging chunks (or shards) in any order gives identical results.

use serde::{Deserialize, Serialize};

/// One strategy's tallies over one replication's visitors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyCounts {
    /// Completed orders.
    pub orders: u64,
    /// Revenue in cents (after discounts, with post-checkout offers).
    pub revenue: i64,
    /// Gross margin in cents.
    pub margin: i64,
    /// Sum over visitors of revenue^2 (cents^2).
    pub revenue_sq: i128,
    /// Sum over visitors of margin^2.
    pub margin_sq: i128,
    /// Sum over visitors of revenue x holdout revenue.
    pub revenue_x_holdout: i128,
    /// Sum over visitors of margin x holdout margin.
    pub margin_x_holdout: i128,
    /// Visitors who ordered under both this strategy and the holdout.
    pub orders_x_holdout: u64,
    /// Sum over visitors of revenue x holdout order (0/1).
    pub revenue_x_holdout_order: i128,
    /// Sum over visitors of order (0/1) x holdout revenue.
    pub order_x_holdout_revenue: i128,
    /// Pre-checkout slots shown (to shoppers with a cart, ordering or not).
    pub pre_shown: u64,
    /// Pre-checkout suggestions accepted.
    pub pre_accepted: u64,
    /// Tier prompts shown.
    pub tier_shown: u64,
    /// Tier top-ups taken.
    pub tier_accepted: u64,
    /// Tier upgrades (top-ups in completed orders).
    pub upgrades: u64,
    /// Post-checkout offers shown.
    pub post_shown: u64,
    /// Post-checkout offers accepted.
    pub post_accepted: u64,
    /// Revenue source: intended carts of completed orders (before discount), cents.
    pub src_base_cart: i64,
    /// Revenue source: accepted pre-checkout suggestions in completed orders.
    pub src_cross_sell: i64,
    /// Revenue source: tier top-ups in completed orders.
    pub src_tier_top_up: i64,
    /// Revenue source: accepted post-checkout offers (after offer discount).
    pub src_post_checkout: i64,
    /// Revenue source: checkout discounts (negative or zero).
    pub src_discounts: i64,
    /// Sampling variance of the estimated part of (`pre_shown`, `pre_accepted`): the
    /// Horvitz-Thompson terms W (W - 1) x sums over sampled sure abandoners of
    /// (shown^2, accepted^2, shown x accepted), W = [`super::session::ABANDONER_WEIGHT`].
    /// Zero on the counted and per-visitor paths, where nothing is estimated.
    #[serde(default)]
    pub pre_sampling_var: [u64; 3],
    /// The same for (`tier_shown`, `tier_accepted`).
    #[serde(default)]
    pub tier_sampling_var: [u64; 3],
    /// Sum over visitors of (revenue - holdout revenue)^4 in cents^4, saturating (a
    /// sum of non-negative terms, so merging in any order still gives one result).
    /// With the sum of squares it gives the effective number of visitors whose
    /// revenue differs, which sets the lifts' interval width with few of them.
    #[serde(default)]
    pub revenue_diff_pow4: u128,
}

impl StrategyCounts {
    /// Adds another tally of the same strategy.
    pub fn merge(&mut self, o: &Self) {
        self.orders += o.orders;
        self.revenue += o.revenue;
        self.margin += o.margin;
        self.revenue_sq += o.revenue_sq;
        self.margin_sq += o.margin_sq;
        self.revenue_x_holdout += o.revenue_x_holdout;
        self.margin_x_holdout += o.margin_x_holdout;
        self.orders_x_holdout += o.orders_x_holdout;
        self.revenue_x_holdout_order += o.revenue_x_holdout_order;
        self.order_x_holdout_revenue += o.order_x_holdout_revenue;
        self.pre_shown += o.pre_shown;
        self.pre_accepted += o.pre_accepted;
        self.tier_shown += o.tier_shown;
        self.tier_accepted += o.tier_accepted;
        self.upgrades += o.upgrades;
        self.post_shown += o.post_shown;
        self.post_accepted += o.post_accepted;
        self.src_base_cart += o.src_base_cart;
        self.src_cross_sell += o.src_cross_sell;
        self.src_tier_top_up += o.src_tier_top_up;
        self.src_post_checkout += o.src_post_checkout;
        self.src_discounts += o.src_discounts;
        for i in 0..3 {
            self.pre_sampling_var[i] += o.pre_sampling_var[i];
            self.tier_sampling_var[i] += o.tier_sampling_var[i];
        }
        self.revenue_diff_pow4 = self.revenue_diff_pow4.saturating_add(o.revenue_diff_pow4);
    }
}

/// All tallies of one replication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepCounts {
    /// Replication index (0-based).
    pub replication: u32,
    /// Visitors simulated.
    pub visitors: u64,
    /// Visitors who built a cart.
    pub carts: u64,
    /// Per strategy, in scenario order.
    pub strategies: Vec<StrategyCounts>,
}

impl RepCounts {
    /// Empty tallies for `n` strategies.
    pub fn new(replication: u32, n: usize) -> Self {
        Self { replication, visitors: 0, carts: 0, strategies: vec![StrategyCounts::default(); n] }
    }

    /// Adds another tally of the same replication.
    pub fn merge(mut self, o: &Self) -> Self {
        self.visitors += o.visitors;
        self.carts += o.carts;
        for (a, b) in self.strategies.iter_mut().zip(&o.strategies) {
            a.merge(b);
        }
        self
    }
}
