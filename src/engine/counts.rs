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
    /// The same for (`tier_shown`, `tier_accepted`). Zero in practice: members who may
    /// be prompted are followed, not sampled, and a sampled non-member sees no prompt.
    #[serde(default)]
    pub tier_sampling_var: [u64; 3],
    /// Sum over visitors of (revenue - holdout revenue)^4 in cents^4, saturating (a
    /// sum of non-negative terms, so merging in any order still gives one result).
    /// With the sum of squares it gives the effective number of visitors whose
    /// revenue differs, which sets the lifts' interval width with few of them.
    #[serde(default)]
    pub revenue_diff_pow4: u128,
    /// Completed orders on which no confirmation-page offer could render (MODEL.md
    /// rule 17; counted so that the default, every order eligible, costs nothing).
    #[serde(default)]
    pub post_ineligible: u64,
    /// Post-checkout offers accepted on orders that already held an accepted
    /// suggestion or a top-up (those satiation damps, rule 20).
    #[serde(default)]
    pub post_accepted_extended: u64,
    /// With returns (rule 18; 0 without): items of the intended carts of completed
    /// orders (repeats included).
    #[serde(default)]
    pub items_base: u64,
    /// With returns: accepted suggestions in completed orders.
    #[serde(default)]
    pub items_cross: u64,
    /// With returns: unit costs by revenue source in completed orders, cents:
    /// intended carts, suggestions, top-ups, add-ons (they sum to revenue - margin).
    #[serde(default)]
    pub cost_by_source: [i64; 4],
    /// Revenue of completed orders with at least one accepted suggestion, top-up or
    /// add-on, cents: what a vendor reports as "influenced" (rule 21).
    #[serde(default)]
    pub influenced: i64,
    /// Completed orders with at least one accepted suggestion, top-up or add-on.
    #[serde(default)]
    pub influenced_orders: u64,
    /// Sums over visitors of a^2, a x revenue and a x holdout revenue, where a is the
    /// visitor's attributed revenue (accepted suggestions, top-up and add-ons, cents).
    #[serde(default)]
    pub attributed_moments: [i128; 3],
    /// The same for the revenue of the visitor's order where it was influenced.
    #[serde(default)]
    pub influenced_moments: [i128; 3],
    /// With returns (rule 18): sums over visitors of net revenue^2, net revenue x the
    /// holdout's, net margin^2 and net margin x the holdout's, each visitor's net
    /// rounded to the cent (for the net lifts' intervals; the net totals come from the
    /// sources exactly). Zero without returns, where net equals gross.
    #[serde(default)]
    pub net_moments: [i128; 4],
    /// Where a per-order program cost is set (rule 19; 0 otherwise): completed orders
    /// on which cart suggestions, a tier prompt and confirmation-page offers showed
    /// something.
    #[serde(default)]
    pub orders_shown: [u64; 3],
    /// What the tier upgrades in completed orders cost the store (each tier's upgrade
    /// cost as drawn), cents.
    #[serde(default)]
    pub tier_benefits: i64,
    /// Free-shipping prompts shown (to shoppers with a cart, ordering or not; MODEL.md
    /// rule 22).
    #[serde(default)]
    pub ship_shown: u64,
    /// Free-shipping top-ups taken (ordering or not).
    #[serde(default)]
    pub ship_accepted: u64,
    /// The Horvitz-Thompson terms of (`ship_shown`, `ship_accepted`), as
    /// `pre_sampling_var`.
    #[serde(default)]
    pub ship_sampling_var: [u64; 3],
    /// Free-shipping top-ups in completed orders.
    #[serde(default)]
    pub ship_top_ups: u64,
    /// Revenue source: free-shipping top-ups in completed orders (list price), cents.
    #[serde(default)]
    pub src_shipping_top_up: i64,
    /// Revenue source: shipping fees paid, cents.
    #[serde(default)]
    pub src_shipping_fees: i64,
    /// Completed orders that paid the shipping fee.
    #[serde(default)]
    pub fee_orders: u64,
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
        self.post_ineligible += o.post_ineligible;
        self.post_accepted_extended += o.post_accepted_extended;
        self.items_base += o.items_base;
        self.items_cross += o.items_cross;
        for i in 0..4 {
            self.cost_by_source[i] += o.cost_by_source[i];
            self.net_moments[i] += o.net_moments[i];
        }
        self.influenced += o.influenced;
        self.influenced_orders += o.influenced_orders;
        for i in 0..3 {
            self.orders_shown[i] += o.orders_shown[i];
        }
        self.tier_benefits += o.tier_benefits;
        self.ship_shown += o.ship_shown;
        self.ship_accepted += o.ship_accepted;
        for i in 0..3 {
            self.ship_sampling_var[i] += o.ship_sampling_var[i];
        }
        self.ship_top_ups += o.ship_top_ups;
        self.src_shipping_top_up += o.src_shipping_top_up;
        self.src_shipping_fees += o.src_shipping_fees;
        self.fee_orders += o.fee_orders;
        for i in 0..3 {
            self.attributed_moments[i] += o.attributed_moments[i];
            self.influenced_moments[i] += o.influenced_moments[i];
        }
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
