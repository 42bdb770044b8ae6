//! Every scenario field, declared once: its id, description and where it lives.

use serde::{Deserialize, Serialize};

use super::access::{affinity_get, affinity_set, catalog_file, conv};
use super::path::List;
use super::*;
use crate::model::Input;

/// A field's range, closed `[min, max]` or open below `(> min, max)`.
macro_rules! range {
    ([$min:expr, $max:expr]) => {
        ($min, false, $max)
    };
    ((> $min:expr, $max:expr)) => {
        ($min, true, $max)
    };
}

/// A top-level field at `spec.<place>`, converted by `conv::<c>`.
macro_rules! top {
    ($($p:ident).+ => $c:ident) => {
        Access {
            get: |s, _, _| Some(conv::$c::get(&s.$($p).+)),
            set: |s, _, _, v, f| {
                s.$($p).+ = conv::$c::set(v, f)?;
                Ok(())
            },
        }
    };
}

/// A field of each item of `spec.<list>`, at `item.<place>`, converted by `conv::<c>`.
macro_rules! item {
    ($list:ident => $($p:ident).+ => $c:ident) => {
        Access {
            get: |s, i, _| s.$list.get(i).map(|x| conv::$c::get(&x.$($p).+)),
            set: |s, i, _, v, f| {
                let x = s.$list.get_mut(i).ok_or_else(|| ValueError::NoSuchField(format!("{}[{i}]", stringify!($list))))?;
                x.$($p).+ = conv::$c::set(v, f)?;
                Ok(())
            },
        }
    };
}

/// Declares every field once: its id, its description and where it lives. The
/// [`FieldId`] enum and the [`FIELDS`] table come from the same list, in file order.
/// The world facts of `[behaviour]` are declared in their own section (`@behaviour`):
/// each row is the whole fact, and the file form ([`BehaviourSpec`]), the validated
/// inputs ([`Behaviour`]), their checks and each replication's draws
/// ([`BehaviourDrawn`]) come from it, so a new fact is one row plus its use in the
/// engine.
macro_rules! registry {
    (
        $( $id:ident = [$path:expr, $label:expr, $kind:expr, $unit:expr, $range:tt, $default:expr, $role:expr, $help:expr], $access:expr; )*
        @behaviour { $( $bid:ident $bf:ident = [$blabel:expr, $bunit:expr, $brange:tt, $bdefault:literal, $bhelp:expr]; )* }
        $( $id2:ident = [$path2:expr, $label2:expr, $kind2:expr, $unit2:expr, $range2:tt, $default2:expr, $role2:expr, $help2:expr], $access2:expr; )*
    ) => {
        /// A field of the scenario file, by name: code names fields with these, and
        /// the compiler checks that each exists; paths as written (`--set`, files)
        /// are parsed into them once ([`resolve`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum FieldId { $($id,)* $($bid,)* $($id2),* }

        /// Every field of the scenario file, in file order (`FIELDS[id as usize]` is
        /// `id`'s entry).
        #[rustfmt::skip]
        pub static FIELDS: &[Field] = &[
            $({
                let (min, min_open, max) = range!($range);
                Field {
                    id: FieldId::$id, path: $path, label: $label, kind: $kind, unit: $unit, min, min_open, max,
                    default: $default, role: $role, help: $help, access: $access,
                }
            },)*
            $({
                let (min, min_open, max) = range!($brange);
                Field {
                    id: FieldId::$bid, path: concat!("behaviour.", stringify!($bf)), label: $blabel, kind: Uncertain,
                    unit: $bunit, min, min_open, max, default: Some(stringify!($bdefault)), role: World, help: $bhelp,
                    access: top!(behaviour.$bf => param),
                }
            },)*
            $({
                let (min, min_open, max) = range!($range2);
                Field {
                    id: FieldId::$id2, path: $path2, label: $label2, kind: $kind2, unit: $unit2, min, min_open, max,
                    default: $default2, role: $role2, help: $help2, access: $access2,
                }
            }),*
        ];

        /// World facts about offer response (`[behaviour]`): every one may be
        /// uncertain, and each has a default.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct BehaviourSpec {
            $( #[doc = $bhelp] pub $bf: Param, )*
        }

        impl Default for BehaviourSpec {
            fn default() -> Self {
                Self { $( $bf: Param::Fixed($bdefault as f64), )* }
            }
        }

        /// The world facts, checked and ready to draw.
        #[derive(Debug, Clone)]
        pub struct Behaviour {
            $( #[doc = $bhelp] pub $bf: Input, )*
        }

        /// The world facts' values in one replication.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct BehaviourDrawn {
            $( #[doc = $bhelp] pub $bf: f64, )*
        }

        impl Behaviour {
            /// Each fact from `b`, checked by `input` (its field and value as written).
            pub(crate) fn from_spec(b: &BehaviourSpec, mut input: impl FnMut(FieldId, &Param) -> Input) -> Self {
                Self { $( $bf: input(FieldId::$bid, &b.$bf), )* }
            }

            /// Every fact, in file order.
            pub fn inputs(&self) -> Vec<&Input> {
                vec![$( &self.$bf ),*]
            }

            /// Every fact's value in one replication, `value` drawing each.
            pub fn draw(&self, mut value: impl FnMut(&Input) -> f64) -> BehaviourDrawn {
                BehaviourDrawn { $( $bf: value(&self.$bf), )* }
            }
        }
    };
}

use Kind::*;
use Role::*;

const TEXT: [f64; 2] = [0.0, 0.0];

registry! {
    Name = ["name", "Scenario name", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Short name shown in reports and the window title."], top!(name => text);
    Description = ["description", "Description", Text, Unit::None, [TEXT[0], TEXT[1]], Some(""), Identity,
        "Free text: where the numbers come from, what is assumed."], top!(description => text_or_empty);
    StoreCurrency = ["store.currency", "Currency", Text, Unit::None, [TEXT[0], TEXT[1]], None, Setting,
        "ISO 4217 currency code (three capital letters, e.g. USD), used for display."], top!(store.currency => text);
    StoreAnnualGmv = ["store.annual_gmv", "Annual GMV", Number, Unit::Money, (> 0.0, MAX_GMV), None, World,
        "The holdout's revenue over a year, in currency. Annual impact = annual GMV x RPV lift."], top!(store.annual_gmv => number);
    StoreVisitors = ["store.visitors", "Visitors per replication", Whole, Unit::Count, [1.0, MAX_VISITORS as f64], None, Setting,
        "Visitors simulated per replication. More visitors, less sampling noise per replication."], top!(store.visitors => whole);
    StoreReplications = ["store.replications", "Replications", Whole, Unit::Count, [1.0, MAX_REPLICATIONS as f64], None, Setting,
        "Independent replications. Each draws every uncertain input anew; the spread across them is the \
         uncertainty shown (P5-P95)."], top!(store.replications => whole32);
    StoreSeed = ["store.seed", "Seed", Whole, Unit::None, [0.0, 18_446_744_073_709_551_615.0], None, Setting,
        "Seed of every random stream. The same scenario and seed give the same results on any machine."], top!(store.seed => whole);
    @behaviour {
        BaselineRelevance baseline_relevance = ["Baseline relevance", Unit::Percent, [0.0, 1.0], 0.02,
            "Relevance of a product with no link to the cart (0-100%). Links no stronger than it change nothing."];
        PreCheckoutBaseAccept pre_checkout_base_accept = ["Pre-checkout base acceptance", Unit::Percent, [0.0, 1.0], 0.3,
            "Probability that a perfectly relevant, very cheap pre-checkout suggestion is added, before the \
             segment's propensity and the price factor."];
        PostCheckoutBaseAccept post_checkout_base_accept = ["Post-checkout base acceptance", Unit::Percent, [0.0, 1.0], 0.3,
            "Probability that a perfectly relevant, very cheap confirmation-page offer is accepted, before the \
             segment's propensity and the price factor."];
        FrictionPerSlot friction_per_slot = ["Friction per slot", Unit::Percent, [0.0, 1.0], 0.01,
            "Share of checkout completion lost per suggestion slot or tier prompt shown, before the segment's \
             friction sensitivity."];
        DiscountElasticity discount_elasticity = ["Discount elasticity", Unit::Factor, [0.0, 20.0], 0.5,
            "Completion is multiplied by (1 + elasticity x discount): 0.8 with 5% off gives +4%."];
        TierMaxUptake tier_max_uptake = ["Tier prompt maximum uptake", Unit::Percent, [0.0, 1.0], 0.4,
            "Probability of topping up to the next tier when the gap is zero, before the segment's propensity."];
        TierGapDecay tier_gap_decay = ["Tier prompt gap decay", Unit::Factor, [0.0, 100.0], 2,
            "Uptake falls as exp(-decay x gap / cart value): the goal-gradient effect."];
        Satiation satiation = ["Cross-surface satiation", Unit::Percent, [0.0, 1.0], 0,
            "A shopper who added a cart suggestion or topped up for a tier accepts each confirmation-page offer \
             with its probability x (1 - satiation): 0 (the default) means no satiation."];
        ReturnRateBaseCart return_rate_base_cart = ["Return rate: intended cart", Unit::Percent, [0.0, 1.0], 0,
            "Share of the intended cart's revenue refunded (in expectation; the goods' cost is recovered)."];
        ReturnRateCrossSell return_rate_cross_sell = ["Return rate: cart suggestions", Unit::Percent, [0.0, 1.0], 0,
            "Share of accepted cart suggestions' revenue refunded."];
        ReturnRateTierTopUp return_rate_tier_top_up = ["Return rate: tier top-ups", Unit::Percent, [0.0, 1.0], 0,
            "Share of tier top-ups' revenue refunded."];
        ReturnRatePostCheckout return_rate_post_checkout = ["Return rate: post-checkout add-ons", Unit::Percent,
            [0.0, 1.0], 0, "Share of confirmation-page add-ons' revenue refunded."];
        ReturnHandlingCost return_handling_cost = ["Handling cost per returned item", Unit::Money, [0.0, MAX_MONEY], 0,
            "What handling one returned item costs the store (shipping back, inspection, restocking), in currency."];
        ShippingCost shipping_cost = ["Shipping cost per order", Unit::Money, [0.0, MAX_MONEY], 0,
            "What shipping one completed order costs the store (label, packaging), whether or not the shopper pays \
             a fee (MODEL.md rule 22), in currency."];
        ShippingFeeSensitivity shipping_fee_sensitivity = ["Shipping fee sensitivity", Unit::Factor, [0.0, 100.0], 2,
            "k in the fee's effect on checkout: completion x exp(-k x fee / cart value). 0: a fee never deters; \
             2: a $7 fee on a $50 cart loses 24% of those checkouts."];
        ShippingPromptMaxUptake shipping_prompt_max_uptake = ["Free-shipping prompt maximum uptake", Unit::Percent,
            [0.0, 1.0], 0.6, "Probability of topping up for free shipping when the gap is zero, before the \
            segment's propensity."];
        ShippingPromptGapDecay shipping_prompt_gap_decay = ["Free-shipping prompt gap decay", Unit::Factor,
            [0.0, 100.0], 5, "The prompt's uptake falls as exp(-decay x gap / cart value)."];
    }
    CostPreCheckoutMonthly = ["costs.pre_checkout_monthly", "Cart suggestions: monthly fee", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "What cart suggestions cost a month (a vendor's subscription), paid by every strategy that uses them."], top!(costs.pre_checkout_monthly => number);
    CostPreCheckoutRevenueShare = ["costs.pre_checkout_revenue_share", "Cart suggestions: revenue share", Number, Unit::Percent, [0.0, 1.0], Some("0"), Lever,
        "Share of the accepted suggestions' revenue (at the price paid) paid to the vendor."], top!(costs.pre_checkout_revenue_share => number);
    CostPreCheckoutPerOrder = ["costs.pre_checkout_per_order", "Cart suggestions: per order", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "Paid per completed order on which the lever showed a suggestion."], top!(costs.pre_checkout_per_order => number);
    CostPreCheckoutSetup = ["costs.pre_checkout_setup", "Cart suggestions: setup", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "One-off cost of setting the lever up (for the payback)."], top!(costs.pre_checkout_setup => number);
    CostTierPromptMonthly = ["costs.tier_prompt_monthly", "Tier prompt: monthly fee", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "What the tier prompt cost a month (a vendor's subscription), paid by every strategy that uses them."], top!(costs.tier_prompt_monthly => number);
    CostTierPromptRevenueShare = ["costs.tier_prompt_revenue_share", "Tier prompt: revenue share", Number, Unit::Percent, [0.0, 1.0], Some("0"), Lever,
        "Share of the top-ups' revenue (at the price paid) paid to the vendor."], top!(costs.tier_prompt_revenue_share => number);
    CostTierPromptPerOrder = ["costs.tier_prompt_per_order", "Tier prompt: per order", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "Paid per completed order on which the lever showed a prompt."], top!(costs.tier_prompt_per_order => number);
    CostTierPromptSetup = ["costs.tier_prompt_setup", "Tier prompt: setup", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "One-off cost of setting the lever up (for the payback)."], top!(costs.tier_prompt_setup => number);
    CostPostCheckoutMonthly = ["costs.post_checkout_monthly", "Post-checkout offers: monthly fee", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "What confirmation-page offers cost a month (a vendor's subscription), paid by every strategy that uses them."], top!(costs.post_checkout_monthly => number);
    CostPostCheckoutRevenueShare = ["costs.post_checkout_revenue_share", "Post-checkout offers: revenue share", Number, Unit::Percent, [0.0, 1.0], Some("0"), Lever,
        "Share of the add-ons' revenue paid to the vendor."], top!(costs.post_checkout_revenue_share => number);
    CostPostCheckoutPerOrder = ["costs.post_checkout_per_order", "Post-checkout offers: per order", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "Paid per completed order on which the lever showed an offer."], top!(costs.post_checkout_per_order => number);
    CostPostCheckoutSetup = ["costs.post_checkout_setup", "Post-checkout offers: setup", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "One-off cost of setting the lever up (for the payback)."], top!(costs.post_checkout_setup => number);
    CostFrictionReductionMonthly = ["costs.friction_reduction_monthly", "Friction reduction: monthly fee", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "What friction reduction cost a month (a vendor's subscription), paid by every strategy that uses them."], top!(costs.friction_reduction_monthly => number);
    CostFrictionReductionRevenueShare = ["costs.friction_reduction_revenue_share", "Friction reduction: revenue share", Number, Unit::Percent, [0.0, 1.0], Some("0"), Lever,
        "Share of the revenue of every order (an express checkout is paid on what it processes) paid to the vendor."], top!(costs.friction_reduction_revenue_share => number);
    CostFrictionReductionPerOrder = ["costs.friction_reduction_per_order", "Friction reduction: per order", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "Paid per completed order on which the lever went through checkout (every order)."], top!(costs.friction_reduction_per_order => number);
    CostFrictionReductionSetup = ["costs.friction_reduction_setup", "Friction reduction: setup", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "One-off cost of setting the lever up (for the payback)."], top!(costs.friction_reduction_setup => number);
    ShippingThreshold = ["shipping.threshold", "Free-shipping threshold", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "Orders whose goods are worth at least this much (after the checkout discount, before add-ons) ship free; \
         below it they pay the fee. 0: every order ships free. Store policy: the holdout runs it too."], top!(shipping.threshold => number);
    ShippingFee = ["shipping.fee", "Shipping fee", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), Lever,
        "What an order below the threshold pays for shipping, in currency (revenue and margin; never discounted \
         or refunded)."], top!(shipping.fee => number);
    ShippingPromptOn = ["shipping.prompt", "Free-shipping prompt", Bool, Unit::None, [TEXT[0], TEXT[1]], Some("false"), Lever,
        "\"Add $X for free shipping\" for carts within the window below the threshold (every shopper with a cart, \
         holdout included)."], top!(shipping.prompt => flag);
    ShippingPromptWindow = ["shipping.prompt_window", "Free-shipping prompt window", Number, Unit::Percent, (> 0.0, 1.0),
        Some("0.3"), Lever, "Show the prompt only when 0 < gap <= window x the threshold."], top!(shipping.prompt_window => number);
    CatalogProducts = ["catalog.products", "Products file", OptionalText, Unit::None, [TEXT[0], TEXT[1]], None, Setting,
        "CSV file of products in the scenario's folder (or a subfolder): id,name,category,price[,cost,\
         popularity,post_purchase]."], Access { get: |s, _, _| Some(Value::Text(s.catalog.as_ref().and_then(|c| c.products.clone()))), set: |s, _, _, v, f| catalog_file(s, v, f, true) };
    CatalogLinks = ["catalog.links", "Links file", OptionalText, Unit::None, [TEXT[0], TEXT[1]], None, Setting,
        "CSV file of complement links in the scenario's folder (or a subfolder): from,from_category,to,strength."], Access { get: |s, _, _| Some(Value::Text(s.catalog.as_ref().and_then(|c| c.links.clone()))), set: |s, _, _, v, f| catalog_file(s, v, f, false) };
    ProductId = ["products[].id", "Id", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Unique product identifier, used by links. Renaming it in the app updates its links."], item!(products => id => text);
    ProductName = ["products[].name", "Name", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity, "Display name."], item!(products => name => text);
    ProductCategory = ["products[].category", "Category", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Category identifier, used by category links and segment affinities."], item!(products => category => text);
    ProductPrice = ["products[].price", "Price", Number, Unit::Money, (> 0.0, MAX_MONEY), None, World,
        "List price in currency (at least 0.01, whole cents)."], item!(products => price => number);
    ProductCost = ["products[].cost", "Cost", Number, Unit::Money, [0.0, MAX_MONEY], Some("0"), World,
        "Unit cost in currency, for gross margin."], item!(products => cost => number);
    ProductPopularity = ["products[].popularity", "Popularity", Number, Unit::Weight, [MIN_WEIGHT, 1e12], Some("1"), World,
        "Relative demand weight: how often it lands in carts, and the 'popular' ranking."], item!(products => popularity => number);
    ProductPostPurchase = ["products[].post_purchase", "Post-purchase", Bool, Unit::None, [TEXT[0], TEXT[1]], Some("false"), World,
        "May be offered as a one-click add-on on the confirmation page."], item!(products => post_purchase => flag);
    LinkFrom = ["links[].from", "From product", OptionalText, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Source product id (exactly one of From product and From category)."], item!(links => from => optional_text);
    LinkFromCategory = ["links[].from_category", "From category", OptionalText, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Source category (exactly one of From product and From category)."], item!(links => from_category => optional_text);
    LinkTo = ["links[].to", "To product", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Target product: made relevant to carts holding the source."], item!(links => to => text);
    LinkStrength = ["links[].strength", "Strength", Number, Unit::Percent, [0.0, 1.0], None, World,
        "Relevance of the target to a cart holding the source (0-100%)."], item!(links => strength => number);
    SegmentName = ["segments[].name", "Name", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Segment name, unique."], item!(segments => name => text);
    SegmentShare = ["segments[].share", "Share of traffic", Uncertain, Unit::Percent, [0.0, 1.0], None, World,
        "Share of traffic. Fixed shares must sum to 100% (within 0.0001%), uncertain shares' means within 2%; \
         drawn shares are renormalised."], item!(segments => share => param);
    SegmentAddToCartRate = ["segments[].add_to_cart_rate", "Add-to-cart rate", Uncertain, Unit::Percent, [0.0, 1.0], None, World,
        "Share of visitors who build a cart at all."], item!(segments => add_to_cart_rate => param);
    SegmentCheckoutCompletion = ["segments[].checkout_completion", "Checkout completion", Uncertain, Unit::Percent, [0.0, 1.0], None, World,
        "Share of carts that become orders without personalization (100% minus cart abandonment)."], item!(segments => checkout_completion => param);
    SegmentMeanCartSize = ["segments[].mean_cart_size", "Mean cart size", Uncertain, Unit::Items, [1.0, 50.0], None, World,
        "Mean items in the intended cart: 1 + Poisson(mean - 1), at most 128 items (a cap that binds with \
         probability below 1e-19 at the largest mean)."], item!(segments => mean_cart_size => param);
    SegmentAcceptancePropensity = ["segments[].acceptance_propensity", "Acceptance propensity", Uncertain, Unit::Factor, [0.0, 10.0],
        Some("1"), World, "Multiplies every offer acceptance and tier top-up of this segment."], item!(segments => acceptance_propensity => param);
    SegmentPriceSensitivity = ["segments[].price_sensitivity", "Price sensitivity", Uncertain, Unit::Factor, [0.0, 100.0], Some("1"),
        World, "s in the price factor 1 / (1 + s x offer price / cart value)."], item!(segments => price_sensitivity => param);
    SegmentFrictionSensitivity = ["segments[].friction_sensitivity", "Friction sensitivity", Uncertain, Unit::Factor, [0.0, 100.0],
        Some("1"), World, "Multiplies the friction of each slot or prompt for this segment."], item!(segments => friction_sensitivity => param);
    SegmentLoyaltyMemberShare = ["segments[].loyalty_member_share", "Loyalty member share", Uncertain, Unit::Percent, [0.0, 1.0],
        Some("0"), World, "Share of this segment enrolled in the loyalty program."], item!(segments => loyalty_member_share => param);
    SegmentPostCheckoutEligibility = ["segments[].post_checkout_eligibility", "Post-checkout eligibility", Uncertain, Unit::Percent,
        [0.0, 1.0], Some("1"), World,
        "Share of this segment's orders on which a confirmation-page offer can render at all (payment methods \
         without one-click add-ons, some markets, guest checkouts): the same orders under every strategy."], item!(segments => post_checkout_eligibility => param);
    SegmentSpendToDate = ["segments[].spend_to_date", "Spend to date (per member)", PerShopper, Unit::Money, [0.0, MAX_MONEY],
        Some("0"), World,
        "A member's spend so far in the tier period: a per-shopper distribution, drawn for each member with a \
         cart; draws are clamped to [0, 1,000,000,000]."], item!(segments => spend_to_date => param);
    SegmentCategoryAffinity = ["segments[].category_affinity", "Category affinity", Number, Unit::Factor, [0.0, 1e6], Some("{}"), World,
        "Multiplier on how often a category lands in this segment's carts: 0 (never) or at least 0.000001; \
         unlisted categories have 1."], Access { get: affinity_get, set: affinity_set };
    TierName = ["tiers[].name", "Name", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Tier name, shown in \"Add $X to unlock <tier>\"."], item!(tiers => name => text);
    TierThreshold = ["tiers[].threshold", "Threshold", Number, Unit::Money, (> 0.0, MAX_MONEY), None, World,
        "Spend that unlocks the tier, in currency; thresholds must increase."], item!(tiers => threshold => number);
    TierUpgradeCost = ["tiers[].upgrade_cost", "Upgrade cost", Uncertain, Unit::Money, [0.0, MAX_MONEY], Some("0"), World,
        "What one upgrade into the tier costs the store (the expected value of its perks over a year), in \
         currency: a program cost of the prompts that bring upgrades (MODEL.md rule 19)."], item!(tiers => upgrade_cost => param);
    StrategyName = ["strategies[].name", "Name", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Strategy name, unique; used in reports."], item!(strategies => name => text);
    StrategyHoldout = ["strategies[].holdout", "Holdout", Bool, Unit::None, [TEXT[0], TEXT[1]], Some("false"), Lever,
        "The holdout: every lever off; all lifts are measured against it. Exactly one strategy is the holdout."], item!(strategies => holdout => flag);
    PreCheckoutPolicy = ["strategies[].pre_checkout.policy", "Pre-checkout policy", Choice(OfferPolicy::WORDS), Unit::None,
        [TEXT[0], TEXT[1]], Some("off"), Lever,
        "Suggestions in the cart. popular: best-sellers not in the cart. matched: most relevant to the cart."], item!(strategies => pre_checkout.policy => choice);
    PreCheckoutSlots = ["strategies[].pre_checkout.slots", "Pre-checkout slots", Whole, Unit::Count, [1.0, MAX_SLOTS as f64], Some("3"),
        Lever, "Suggestions shown. Each adds friction."], item!(strategies => pre_checkout.slots => whole32);
    PreCheckoutRanking = ["strategies[].pre_checkout.ranking", "Pre-checkout ranking", Choice(Ranking::WORDS), Unit::None,
        [TEXT[0], TEXT[1]], Some("relevance"), Lever,
        "How 'matched' ranks: by relevance, or by expected value (relevance x price x price factor)."], item!(strategies => pre_checkout.ranking => choice);
    TierPromptPolicy = ["strategies[].tier_prompt.policy", "Tier prompt", Choice(TierPolicy::WORDS), Unit::None, [TEXT[0], TEXT[1]],
        Some("off"), Lever,
        "\"Add $X to unlock Gold\" for members. universal: whenever below the next tier. window: only when the \
         gap is within the window."], item!(strategies => tier_prompt.policy => choice);
    TierPromptWindow = ["strategies[].tier_prompt.window", "Tier prompt window", Number, Unit::Percent, (> 0.0, 1.0),
        Some("0.25"), Lever, "Show the prompt only when 0 < gap <= window x the next threshold."], item!(strategies => tier_prompt.window => number);
    FrictionReduction = ["strategies[].checkout.friction_reduction", "Friction reduction", Uncertain, Unit::Percent, [0.0, 1.0],
        Some("0"), Lever, "Relative completion gain from a smoother checkout (e.g. express pay)."], item!(strategies => checkout.friction_reduction => param);
    CheckoutDiscount = ["strategies[].checkout.discount", "Checkout discount", Number, Unit::Percent, [0.0, MAX_DISCOUNT], Some("0"),
        Lever, "Discount on the checkout order. Raises completion, lowers order value and margin."], item!(strategies => checkout.discount => number);
    PostCheckoutPolicy = ["strategies[].post_checkout.policy", "Post-checkout policy", Choice(OfferPolicy::WORDS), Unit::None,
        [TEXT[0], TEXT[1]], Some("off"), Lever,
        "Offers on the confirmation page after the order. matched: best expected revenue for this order. \
         Never changes conversion."], item!(strategies => post_checkout.policy => choice);
    PostCheckoutOffers = ["strategies[].post_checkout.offers", "Post-checkout offers", Whole, Unit::Count, [1.0, MAX_OFFERS as f64], Some("1"),
        Lever, "Offers shown on the confirmation page."], item!(strategies => post_checkout.offers => whole32);
    OfferDiscount = ["strategies[].post_checkout.offer_discount", "Offer discount", Number, Unit::Percent, [0.0, MAX_DISCOUNT],
        Some("0"), Lever, "Discount on the post-checkout offer price."], item!(strategies => post_checkout.offer_discount => number);
    StrategyShippingThreshold = ["strategies[].shipping.threshold", "Free-shipping threshold", Number, Unit::Money,
        [0.0, MAX_MONEY], Some("the store's"), Lever,
        "This strategy's own free-shipping threshold, in currency (the store's when not set; setting the store's \
         value keeps following the store)."], Access { get: shipping_threshold_get, set: shipping_threshold_set };
    StrategyShippingPrompt = ["strategies[].shipping.prompt", "Free-shipping prompt", Choice(ShippingPrompt::WORDS),
        Unit::None, [TEXT[0], TEXT[1]], Some("store"), Lever,
        "store: as the store does; on or off: this strategy shows the prompt or not."], item!(strategies => shipping.prompt => choice);
    CorrelationFirst = ["correlations[].first", "First input", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Field path of an uncertain input drawn once per replication, e.g. behaviour.pre_checkout_base_accept."], item!(correlations => first => text);
    CorrelationSecond = ["correlations[].second", "Second input", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Field path of another uncertain input drawn once per replication."], item!(correlations => second => text);
    CorrelationRank = ["correlations[].rank", "Rank correlation", Number, Unit::Factor, [-0.99, 0.99], None, World,
        "Spearman's rank correlation of the two inputs' draws across replications (Gaussian copula); the \
         declared correlations together must be consistent (a positive definite matrix)."], item!(correlations => rank => number);
    ClaimStatement = ["claims[].statement", "Claim", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "The claim in the words of whoever makes it (a vendor's case study, an article)."], item!(claims => statement => text);
    ClaimSource = ["claims[].source", "Source", Text, Unit::None, [TEXT[0], TEXT[1]], Some("\"\""), Identity,
        "Where the claim comes from."], item!(claims => source => text_or_empty);
    ClaimStrategy = ["claims[].strategy", "Strategy", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "The strategy that stands for what the claim describes (for a surface's lift, one that runs only that \
         surface)."], item!(claims => strategy => text);
    ClaimSurface = ["claims[].surface", "Surface", Choice(ClaimSurface::WORDS), Unit::None, [TEXT[0], TEXT[1]],
        Some("program"), Identity,
        "Where the claimed effect comes from: the whole program, or cart suggestions, the tier prompt or the \
         confirmation page's offers (a take rate and attributed revenue are per surface)."], item!(claims => surface => choice);
    ClaimFigure = ["claims[].figure", "Figure", Choice(ClaimFigure::WORDS), Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "What the claim states: a lift (aov_lift, conversion_lift, rpv_lift), a take rate (accepted / shown), \
         the share of revenue attributed to the program, or attributed revenue a year."], item!(claims => figure => choice);
    ClaimAtLeast = ["claims[].at_least", "At least", Number, Unit::Factor, [-1.0, MAX_MONEY], None, Identity,
        "The least the figure must be for the claim to hold: a lift, rate or share as a fraction (0.3 = 30%), \
         attributed revenue in currency a year."], item!(claims => at_least => number);
    ClaimAtMost = ["claims[].at_most", "At most", Number, Unit::Factor, [-1.0, MAX_MONEY], Some("none"), Identity,
        "The most the figure may be (a claimed range such as 15-30%); none: no upper end."],
        Access { get: claim_at_most_get, set: claim_at_most_set };
    ClaimBasis = ["claims[].basis", "Measured", Choice(ClaimBasis::WORDS), Unit::None, [TEXT[0], TEXT[1]],
        Some("incremental"), Identity,
        "How a claimed lift was measured: incremental (against a holdout) or attributed (a vendor's dashboard: \
         the revenue it credits itself with, read as a lift)."], item!(claims => basis => choice);
}

/// A claim's upper end: none reads as no number.
fn claim_at_most_get(s: &ScenarioSpec, i: usize, _: Option<&str>) -> Option<Value> {
    s.claims.get(i).map(|c| c.at_most.map_or(Value::Text(None), Value::Number))
}

fn claim_at_most_set(s: &mut ScenarioSpec, i: usize, _: Option<&str>, v: Value, f: &Field) -> Result<(), ValueError> {
    let c = s.claims.get_mut(i).ok_or_else(|| ValueError::NoSuchField(format!("claims[{i}]")))?;
    c.at_most = match v {
        Value::Text(None) => None,
        Value::Text(Some(t)) if t.trim().is_empty() || t.trim() == "none" => None,
        other => Some(conv::number::set(other, f)?),
    };
    Ok(())
}

/// A strategy's free-shipping threshold: its own, else the store's.
fn shipping_threshold_get(s: &ScenarioSpec, i: usize, _: Option<&str>) -> Option<Value> {
    s.strategies.get(i).map(|x| Value::Number(x.shipping.threshold.unwrap_or(s.shipping.threshold)))
}

/// Sets a strategy's own threshold; the store's value, set on a strategy that follows
/// the store, keeps it following (so writing a field's own value changes nothing), and
/// no value (`Value::Text(None)`) makes it follow the store again.
fn shipping_threshold_set(
    s: &mut ScenarioSpec,
    i: usize,
    _: Option<&str>,
    v: Value,
    f: &Field,
) -> Result<(), ValueError> {
    let store = s.shipping.threshold;
    let x = s.strategies.get_mut(i).ok_or_else(|| ValueError::NoSuchField(format!("strategies[{i}]")))?;
    if v == Value::Text(None) {
        x.shipping.threshold = None;
        return Ok(());
    }
    let v = conv::number::set(v, f)?;
    if x.shipping.threshold.is_some() || v != store {
        x.shipping.threshold = Some(v);
    }
    Ok(())
}

impl FieldId {
    /// Its registry entry.
    pub fn field(self) -> &'static Field {
        &FIELDS[self as usize]
    }

    /// Its path as written in the file (`segments[].share`).
    pub fn path(self) -> &'static str {
        self.field().path
    }

    /// The list whose items have this field (`None` for a top-level field).
    pub fn list(self) -> Option<List> {
        let path = self.path();
        path.find("[]").and_then(|i| List::of(&path[..i]))
    }

    /// The part of the file it is in.
    pub fn section(self) -> Section {
        let path = self.path();
        match (self.list(), path.split_once('.').map(|(head, _)| head)) {
            (Some(l), _) => Section::List(l),
            (None, Some("store")) => Section::Store,
            (None, Some("behaviour")) => Section::Behaviour,
            (None, Some("costs")) => Section::Costs,
            (None, Some("shipping")) => Section::Shipping,
            (None, Some("catalog")) => Section::Catalog,
            _ => Section::Scenario,
        }
    }
}

/// A part of the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// The name and description.
    Scenario,
    /// `[store]`: the store and the run's settings.
    Store,
    /// `[behaviour]`: world facts about offer response.
    Behaviour,
    /// `[costs]`: what running each lever costs.
    Costs,
    /// `[shipping]`: the store's free-shipping threshold, fee and prompt.
    Shipping,
    /// `[catalog]`: the catalog's CSV files.
    Catalog,
    /// A list's items.
    List(List),
}

impl Section {
    /// The part of the file a path as written lies in (`links[3].to`, `store.visitors`,
    /// a whole list such as `products`); [`Section::Scenario`] for anything else.
    pub fn of_path(path: &str) -> Section {
        let head = path.split(['.', '[']).next().unwrap_or("");
        if let Some(list) = List::of(head) {
            return Section::List(list);
        }
        let top = FIELDS.iter().find(|f| f.id.list().is_none() && f.path.split('.').next() == Some(head));
        top.map_or(Section::Scenario, |f| f.id.section())
    }
}
