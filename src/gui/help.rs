//! Tooltips: the meaning and unit of every parameter (the same words as
//! docs/scenario-format.md).

/// Help text for a field name (the last part of its path).
pub fn help(field: &str) -> &'static str {
    match field {
        "name" => "Display name.",
        "currency" => "ISO 4217 currency code (three capital letters), used for display.",
        "annual_gmv" => "The holdout's revenue over a year, in currency. Annual impact = annual GMV x RPV lift.",
        "visitors" => "Visitors simulated per replication. More visitors, less sampling noise per replication.",
        "replications" => {
            "Independent replications. Each draws every uncertain input anew; the spread across them is the \
             uncertainty shown (P5-P95)."
        }
        "seed" => "Seed of every random stream. The same scenario and seed give the same results on any machine.",
        "baseline_relevance" => "Relevance of a product with no link to the cart (fraction, 0-1).",
        "pre_checkout_base_accept" => {
            "Probability a perfectly relevant, very cheap pre-checkout suggestion is added (0-1), before \
             propensity and price factor."
        }
        "post_checkout_base_accept" => {
            "Probability a perfectly relevant, very cheap confirmation-page offer is accepted (0-1), before \
             propensity and price factor."
        }
        "friction_per_slot" => {
            "Share of checkout completion lost per suggestion slot or tier prompt shown (fraction), scaled by \
             the segment's friction sensitivity."
        }
        "discount_elasticity" => "Completion is multiplied by (1 + elasticity x discount). 0.8 with 5% off = +4%.",
        "tier_max_uptake" => {
            "Probability of topping up to the next tier when the gap is zero (0-1), before propensity."
        }
        "tier_gap_decay" => "Uptake falls as exp(-decay x gap / cart value): the goal-gradient effect.",
        "id" => "Unique product identifier, used by links. Renaming it updates its links.",
        "category" => "Category identifier, used by category links and segment affinities.",
        "price" => "List price in currency (> 0).",
        "cost" => "Unit cost in currency (>= 0), for gross margin.",
        "popularity" => "Relative demand weight (> 0): how often it lands in carts, and the 'popular' ranking.",
        "post_purchase" => "May be offered as a one-click add-on on the confirmation page.",
        "strength" => "Relevance of the target to a cart holding the source (0-1).",
        "share" => "Share of traffic (0-1). Shares must sum to 1; uncertain shares are renormalised per draw.",
        "add_to_cart_rate" => "Share of visitors who build a cart at all (0-1).",
        "checkout_completion" => "Share of carts that become orders without personalization (0-1) = 1 - abandonment.",
        "mean_cart_size" => "Mean items in the intended cart (1-50): 1 + Poisson(mean - 1).",
        "acceptance_propensity" => "Multiplies every offer acceptance and top-up for this segment (0-10).",
        "price_sensitivity" => "s in price factor 1 / (1 + s x offer price / cart value) (0-100).",
        "friction_sensitivity" => "Multiplies friction per slot for this segment (0-100).",
        "loyalty_member_share" => "Share of this segment in the loyalty program (0-1).",
        "spend_to_date" => "A member's spend so far in the tier period, in currency: a per-shopper distribution.",
        "category_affinity" => "Multiplier on how often a category lands in this segment's carts (>= 0; unlisted = 1).",
        "threshold" => "Spend that unlocks the tier, in currency; tiers must increase.",
        "holdout" => "The holdout: every lever off; all lifts are measured against it.",
        "pre_checkout.policy" => {
            "Suggestions in the cart. popular: best-sellers not in the cart. matched: most relevant to the cart."
        }
        "pre_checkout.slots" => "Suggestions shown (1-10). Each adds friction.",
        "pre_checkout.ranking" => {
            "How 'matched' ranks: by relevance, or by expected value (relevance x price x price factor)."
        }
        "tier_prompt.policy" => {
            "\"Add $X to unlock Gold\" for members. universal: whenever below the next tier. window: only when the \
             gap is within the window."
        }
        "tier_prompt.window" => "Show the prompt only when 0 < gap <= window x next threshold (fraction).",
        "checkout.friction_reduction" => "Relative completion gain from a smoother checkout (0-1), e.g. express pay.",
        "checkout.discount" => {
            "Discount on the checkout order (0-0.9). Raises completion, lowers order value and margin."
        }
        "post_checkout.policy" => {
            "Offers on the confirmation page after the order. matched: best expected revenue for this order. \
             Never changes conversion."
        }
        "post_checkout.offers" => "Offers shown on the confirmation page (1-5).",
        "post_checkout.offer_discount" => "Discount on the post-checkout offer price (0-0.9).",
        _ => "",
    }
}
