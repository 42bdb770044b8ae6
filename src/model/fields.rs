//! The field registry: every scenario field described once (its path as written in
//! the file, label, unit, allowed range, default, whether it may be uncertain, help),
//! and generic access to a field of a [`ScenarioSpec`] by path.
//!
//! Validation takes its ranges from here, the editor its labels, units, widgets and
//! tooltips, `aovlab fields` and docs/scenario-format.md their tables (a test keeps the
//! doc in step), and `--set`, `aovlab set`, sweeps and the optimizer their access.
//!
//! Paths are written as in the file, with list items addressed by index or by name:
//! `store.visitors`, `behaviour.friction_per_slot`, `segments[0].share`,
//! `segments."New visitors".share`, `products."pods-house".price` (products by id),
//! `strategies."AOV-optimized".tier_prompt.window`, `tiers.Gold.threshold`,
//! `links[3].strength`, `segments[1].category_affinity.pods`. Quotes are needed only
//! when a name holds a `.`, `[` or a space.

use std::fmt;

use super::param::{Dist, Param, num};
use super::spec::*;

/// Largest allowed price, cost, threshold or spend, in currency units.
pub const MAX_MONEY: f64 = 1e9;
/// Largest annual GMV, in currency units.
pub const MAX_GMV: f64 = 1e15;
/// Smallest positive popularity or category affinity (their product must stay
/// representable in cart-building weights).
pub const MIN_WEIGHT: f64 = 1e-6;

/// What a field holds, and so how it is edited and parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number.
    Number,
    /// A number or a distribution (drawn once per replication).
    Uncertain,
    /// A per-shopper distribution (a number or a distribution drawn per shopper).
    PerShopper,
    /// A whole number.
    Whole,
    /// Text.
    Text,
    /// Text that may be absent.
    OptionalText,
    /// true / false.
    Bool,
    /// One of a few words.
    Choice(&'static [&'static str]),
}

/// How a field's value reads to a strategist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share or probability, shown as a percentage (0.05 -> 5%).
    Percent,
    /// Currency units.
    Money,
    /// A count of visitors, replications, slots or offers.
    Count,
    /// Items in a cart.
    Items,
    /// A multiplier or coefficient without unit.
    Factor,
    /// A relative weight.
    Weight,
    /// No unit (text, choices, flags, seeds).
    None,
}

/// Whether a field describes the world, a strategy's lever, or the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A fact about shoppers or the store (MODEL.md rule 11).
    World,
    /// A strategy's choice.
    Lever,
    /// How the simulation runs.
    Setting,
    /// Names, ids and references.
    Identity,
}

/// One field of the scenario file.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Which field (the compiler-checked name code uses: `FieldId::StoreVisitors`).
    pub id: FieldId,
    /// The path as written in the file, list items as `[]`: `segments[].share`.
    pub path: &'static str,
    /// Label for people: "Share of traffic".
    pub label: &'static str,
    /// What the value holds.
    pub kind: Kind,
    /// How it reads.
    pub unit: Unit,
    /// Smallest allowed value (numbers).
    pub min: f64,
    /// Whether `min` itself is excluded.
    pub min_open: bool,
    /// Largest allowed value (numbers).
    pub max: f64,
    /// The value when the file leaves it out (`None`: required).
    pub default: Option<&'static str>,
    /// World fact, lever, setting or identity.
    pub role: Role,
    /// Meaning, unit and effect, for tooltips and `aovlab fields`.
    pub help: &'static str,
    /// Where the field lives in the file form: the only code that knows.
    pub(crate) access: Access,
}

/// How a field is read from and written to the file form ([`ScenarioSpec`]): list
/// fields take the item's index, a category affinity its category.
#[derive(Clone, Copy)]
pub(crate) struct Access {
    get: Getter,
    set: Setter,
}

/// Reads a field of item `usize` (0 for top-level fields), for a category affinity of
/// the category given.
type Getter = fn(&ScenarioSpec, usize, Option<&str>) -> Option<Value>;

/// Writes a field as [`Getter`] reads it.
type Setter = fn(&mut ScenarioSpec, usize, Option<&str>, Value, &Field) -> Result<(), String>;

impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Access")
    }
}

impl Field {
    /// The allowed range in words: `[0, 1]`, `> 0 and <= 1,000,000,000`, `1 to 10`.
    pub fn range_text(&self) -> String {
        match self.kind {
            Kind::Whole => format!("{} to {}", num(self.min), big(self.max)),
            Kind::Number | Kind::Uncertain | Kind::PerShopper => {
                let hi = if self.max == f64::INFINITY { None } else { Some(big(self.max)) };
                match (self.min_open, hi) {
                    (true, Some(hi)) => format!("> {} and <= {hi}", num(self.min)),
                    (true, None) => format!("> {}", num(self.min)),
                    (false, Some(hi)) => format!("[{}, {hi}]", num(self.min)),
                    (false, None) => format!(">= {}", num(self.min)),
                }
            }
            Kind::Choice(words) => words.join(" | "),
            Kind::Bool => "true | false".into(),
            Kind::Text | Kind::OptionalText => "text".into(),
        }
    }

    /// Whether `v` lies in the allowed range.
    pub fn allows(&self, v: f64) -> bool {
        v.is_finite() && (if self.min_open { v > self.min } else { v >= self.min }) && v <= self.max
    }

    /// `v` in the field's unit for people: `5%`, `$1,234.50`, `0.35`.
    pub fn show(&self, v: f64, currency: &str) -> String {
        match self.unit {
            Unit::Percent => trim_number(v * 100.0, 4) + "%",
            Unit::Money => crate::format::money(v, currency, 2),
            _ => trim_number(v, 6),
        }
    }

    /// `v` for a message shown both beside the field and under the file: in the
    /// field's unit, with the number as the file writes it where they differ (`106%
    /// (1.06 in the file)`).
    pub fn show_written(&self, v: f64, currency: &str) -> String {
        match self.unit {
            Unit::Percent => format!("{} ({} in the file)", self.show(v, currency), trim_number(v, 10)),
            _ => self.show(v, currency),
        }
    }

    /// The allowed range in the field's unit: `0% to 90%`, `$0.00 to $1,000.00`; a
    /// unitless range as [`Field::range_text`] gives it.
    pub fn range_shown(&self, currency: &str) -> String {
        if !matches!(self.unit, Unit::Percent | Unit::Money)
            || !matches!(self.kind, Kind::Number | Kind::Uncertain | Kind::PerShopper)
        {
            return self.range_text();
        }
        let lo = self.show(self.min, currency);
        match (self.min_open, self.max.is_finite()) {
            (false, true) => format!("{lo} to {}", self.show(self.max, currency)),
            (true, true) => format!("above {lo} and at most {}", self.show(self.max, currency)),
            (false, false) => format!("at least {lo}"),
            (true, false) => format!("above {lo}"),
        }
    }

    /// A message for `v` outside the allowed range, in the field's unit.
    pub fn out_of_range(&self, v: f64, currency: &str) -> String {
        format!("{} is outside the allowed range {}", self.show_written(v, currency), self.range_shown(currency))
    }

    /// Checks an uncertain input's value or distribution against the range, with the
    /// message in the field's unit.
    pub fn check_param(&self, p: &Param, currency: &str) -> Result<(), String> {
        let (written, plain) = (|v| self.show_written(v, currency), |v| self.show(v, currency));
        p.check_range_shown(self.min, self.max, &written, &plain, &self.range_shown(currency))
    }

    /// Whether this field's value may be a distribution.
    pub fn uncertain(&self) -> bool {
        matches!(self.kind, Kind::Uncertain | Kind::PerShopper)
    }

    /// The last part of the path (`share`, `tier_prompt.window`).
    pub fn key(&self) -> &'static str {
        match self.path.rfind("[].") {
            Some(i) => &self.path[i + 3..],
            None => self.path.split_once('.').map_or(self.path, |(_, k)| k),
        }
    }
}

/// `1e15` or `1,000,000,000` for a range bound.
fn big(v: f64) -> String {
    if v >= u64::MAX as f64 {
        crate::format::int(u64::MAX)
    } else if v.fract() == 0.0 && v.abs() < 1e16 {
        crate::format::int(v.abs() as u64)
    } else {
        num(v)
    }
}

/// A number with at most `sig` significant decimals and no float artefacts:
/// 0.06000000000000005 -> `0.06`.
pub fn trim_number(v: f64, sig: usize) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".into();
    }
    if v.abs() >= 1e15 || v.abs() < 1e-6 {
        return format!("{v:e}");
    }
    let digits = (sig as i32 - 1 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".into() } else { s }
}

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
                let x = s.$list.get_mut(i).ok_or_else(|| format!("{} has no item {i}", stringify!($list)))?;
                x.$($p).+ = conv::$c::set(v, f)?;
                Ok(())
            },
        }
    };
}

/// Declares every field once: its id, its description and where it lives. The
/// [`FieldId`] enum and the [`FIELDS`] table come from the same list, in file order.
macro_rules! registry {
    ($( $id:ident = [$path:expr, $label:expr, $kind:expr, $unit:expr, $range:tt, $default:expr, $role:expr, $help:expr], $access:expr; )*) => {
        /// A field of the scenario file, by name: code names fields with these, and
        /// the compiler checks that each exists; paths as written (`--set`, files)
        /// are parsed into them once ([`resolve`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum FieldId { $($id),* }

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
            }),*
        ];
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
    StoreVisitors = ["store.visitors", "Visitors per replication", Whole, Unit::Count, [1.0, 1e9], None, Setting,
        "Visitors simulated per replication. More visitors, less sampling noise per replication."], top!(store.visitors => whole);
    StoreReplications = ["store.replications", "Replications", Whole, Unit::Count, [1.0, 20_000.0], None, Setting,
        "Independent replications. Each draws every uncertain input anew; the spread across them is the \
         uncertainty shown (P5-P95)."], top!(store.replications => whole32);
    StoreSeed = ["store.seed", "Seed", Whole, Unit::None, [0.0, 18_446_744_073_709_551_615.0], None, Setting,
        "Seed of every random stream. The same scenario and seed give the same results on any machine."], top!(store.seed => whole);
    BaselineRelevance = ["behaviour.baseline_relevance", "Baseline relevance", Uncertain, Unit::Percent, [0.0, 1.0],
        Some("0.02"), World,
        "Relevance of a product with no link to the cart (0-100%). Links no stronger than it change nothing."], top!(behaviour.baseline_relevance => param);
    PreCheckoutBaseAccept = ["behaviour.pre_checkout_base_accept", "Pre-checkout base acceptance", Uncertain, Unit::Percent,
        [0.0, 1.0], Some("0.3"), World,
        "Probability that a perfectly relevant, very cheap pre-checkout suggestion is added, before the \
         segment's propensity and the price factor."], top!(behaviour.pre_checkout_base_accept => param);
    PostCheckoutBaseAccept = ["behaviour.post_checkout_base_accept", "Post-checkout base acceptance", Uncertain, Unit::Percent,
        [0.0, 1.0], Some("0.3"), World,
        "Probability that a perfectly relevant, very cheap confirmation-page offer is accepted, before the \
         segment's propensity and the price factor."], top!(behaviour.post_checkout_base_accept => param);
    FrictionPerSlot = ["behaviour.friction_per_slot", "Friction per slot", Uncertain, Unit::Percent, [0.0, 1.0], Some("0.01"),
        World,
        "Share of checkout completion lost per suggestion slot or tier prompt shown, before the segment's \
         friction sensitivity."], top!(behaviour.friction_per_slot => param);
    DiscountElasticity = ["behaviour.discount_elasticity", "Discount elasticity", Uncertain, Unit::Factor, [0.0, 20.0], Some("0.5"),
        World, "Completion is multiplied by (1 + elasticity x discount): 0.8 with 5% off gives +4%."], top!(behaviour.discount_elasticity => param);
    TierMaxUptake = ["behaviour.tier_max_uptake", "Tier prompt maximum uptake", Uncertain, Unit::Percent, [0.0, 1.0],
        Some("0.4"), World,
        "Probability of topping up to the next tier when the gap is zero, before the segment's propensity."], top!(behaviour.tier_max_uptake => param);
    TierGapDecay = ["behaviour.tier_gap_decay", "Tier prompt gap decay", Uncertain, Unit::Factor, [0.0, 100.0], Some("2"),
        World, "Uptake falls as exp(-decay x gap / cart value): the goal-gradient effect."], top!(behaviour.tier_gap_decay => param);
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
    StrategyName = ["strategies[].name", "Name", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Strategy name, unique; used in reports."], item!(strategies => name => text);
    StrategyHoldout = ["strategies[].holdout", "Holdout", Bool, Unit::None, [TEXT[0], TEXT[1]], Some("false"), Lever,
        "The holdout: every lever off; all lifts are measured against it. Exactly one strategy is the holdout."], item!(strategies => holdout => flag);
    PreCheckoutPolicy = ["strategies[].pre_checkout.policy", "Pre-checkout policy", Choice(OfferPolicy::WORDS), Unit::None,
        [TEXT[0], TEXT[1]], Some("off"), Lever,
        "Suggestions in the cart. popular: best-sellers not in the cart. matched: most relevant to the cart."], item!(strategies => pre_checkout.policy => choice);
    PreCheckoutSlots = ["strategies[].pre_checkout.slots", "Pre-checkout slots", Whole, Unit::Count, [1.0, 10.0], Some("3"),
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
    CheckoutDiscount = ["strategies[].checkout.discount", "Checkout discount", Number, Unit::Percent, [0.0, 0.9], Some("0"),
        Lever, "Discount on the checkout order. Raises completion, lowers order value and margin."], item!(strategies => checkout.discount => number);
    PostCheckoutPolicy = ["strategies[].post_checkout.policy", "Post-checkout policy", Choice(OfferPolicy::WORDS), Unit::None,
        [TEXT[0], TEXT[1]], Some("off"), Lever,
        "Offers on the confirmation page after the order. matched: best expected revenue for this order. \
         Never changes conversion."], item!(strategies => post_checkout.policy => choice);
    PostCheckoutOffers = ["strategies[].post_checkout.offers", "Post-checkout offers", Whole, Unit::Count, [1.0, 5.0], Some("1"),
        Lever, "Offers shown on the confirmation page."], item!(strategies => post_checkout.offers => whole32);
    OfferDiscount = ["strategies[].post_checkout.offer_discount", "Offer discount", Number, Unit::Percent, [0.0, 0.9],
        Some("0"), Lever, "Discount on the post-checkout offer price."], item!(strategies => post_checkout.offer_discount => number);
    CorrelationFirst = ["correlations[].first", "First input", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Field path of an uncertain input drawn once per replication, e.g. behaviour.pre_checkout_base_accept."], item!(correlations => first => text);
    CorrelationSecond = ["correlations[].second", "Second input", Text, Unit::None, [TEXT[0], TEXT[1]], None, Identity,
        "Field path of another uncertain input drawn once per replication."], item!(correlations => second => text);
    CorrelationRank = ["correlations[].rank", "Rank correlation", Number, Unit::Factor, [-0.99, 0.99], None, World,
        "Spearman's rank correlation of the two inputs' draws across replications (Gaussian copula); the \
         declared correlations together must be consistent (a positive definite matrix)."], item!(correlations => rank => number);
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
            (None, Some("catalog")) => Section::Catalog,
            _ => Section::Scenario,
        }
    }
}

/// A part of the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The name and description.
    Scenario,
    /// `[store]`: the store and the run's settings.
    Store,
    /// `[behaviour]`: world facts about offer response.
    Behaviour,
    /// `[catalog]`: the catalog's CSV files.
    Catalog,
    /// A list's items.
    List(List),
}

/// Conversions between a file form's field and a [`Value`], by the field's type.
mod conv {
    use super::{Field, Value, kind_words};
    use crate::model::{Param, Word};

    fn wrong(f: &Field, v: &Value) -> String {
        format!("{} takes {}, not {v:?}", f.label, kind_words(f.kind))
    }

    pub mod number {
        use super::*;
        pub fn get(v: &f64) -> Value {
            Value::Number(*v)
        }
        pub fn set(v: Value, f: &Field) -> Result<f64, String> {
            v.as_number().ok_or_else(|| wrong(f, &v))
        }
    }

    pub mod whole {
        use super::*;
        pub fn get(v: &u64) -> Value {
            Value::Whole(*v)
        }
        pub fn set(v: Value, f: &Field) -> Result<u64, String> {
            match v {
                Value::Whole(w) => Ok(w),
                ref other => match other.as_number() {
                    Some(x) if x.fract() == 0.0 && x >= 0.0 && x <= u64::MAX as f64 => Ok(x as u64),
                    _ => Err(wrong(f, other)),
                },
            }
        }
    }

    pub mod whole32 {
        use super::*;
        pub fn get(v: &u32) -> Value {
            Value::Whole(u64::from(*v))
        }
        pub fn set(v: Value, f: &Field) -> Result<u32, String> {
            u32::try_from(super::whole::set(v, f)?).map_err(|_| format!("{} is at most {}", f.label, u32::MAX))
        }
    }

    pub mod param {
        use super::*;
        pub fn get(v: &Param) -> Value {
            Value::Param(v.clone())
        }
        pub fn set(v: Value, f: &Field) -> Result<Param, String> {
            match v {
                Value::Param(p) => Ok(p),
                ref other => other.as_number().map(Param::Fixed).ok_or_else(|| wrong(f, other)),
            }
        }
    }

    /// Text that may be absent (`None`; an empty text is none).
    pub mod optional_text {
        use super::*;
        pub fn get(v: &Option<String>) -> Value {
            Value::Text(v.clone())
        }
        pub fn set(v: Value, f: &Field) -> Result<Option<String>, String> {
            match v {
                Value::Text(t) => Ok(t.filter(|s| !s.is_empty())),
                Value::Choice(c) => Ok(Some(c.to_string())),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    /// Text that must be given.
    pub mod text {
        use super::*;
        pub fn get(v: &str) -> Value {
            Value::Text(Some(v.to_string()))
        }
        pub fn set(v: Value, f: &Field) -> Result<String, String> {
            match v {
                Value::Text(Some(t)) => Ok(t),
                Value::Choice(c) => Ok(c.to_string()),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    /// Text that may be empty (absent reads as empty).
    pub mod text_or_empty {
        use super::*;
        pub fn get(v: &str) -> Value {
            Value::Text(Some(v.to_string()))
        }
        pub fn set(v: Value, f: &Field) -> Result<String, String> {
            match v {
                Value::Text(t) => Ok(t.unwrap_or_default()),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    pub mod flag {
        use super::*;
        pub fn get(v: &bool) -> Value {
            Value::Bool(*v)
        }
        pub fn set(v: Value, f: &Field) -> Result<bool, String> {
            match v {
                Value::Bool(b) => Ok(b),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    /// One of an enum's words ([`Word`]).
    pub mod choice {
        use super::*;
        pub fn get<E: Word>(v: &E) -> Value {
            Value::Choice(v.word())
        }
        pub fn set<E: Word>(v: Value, f: &Field) -> Result<E, String> {
            let w = match &v {
                Value::Choice(c) => (*c).to_string(),
                Value::Text(Some(t)) => t.clone(),
                other => return Err(wrong(f, other)),
            };
            E::from_word(&w).ok_or_else(|| {
                format!("{} is one of {}; `{}` is not", f.label, E::WORDS.join(", "), crate::format::excerpt(&w, 30))
            })
        }
    }
}

/// Sets the products (`products`) or links file of the catalog (none: no such file;
/// with neither, no catalog section).
fn catalog_file(spec: &mut ScenarioSpec, v: Value, f: &Field, products: bool) -> Result<(), String> {
    let v = conv::optional_text::set(v, f)?;
    let cat = spec.catalog.get_or_insert_with(Default::default);
    if products {
        cat.products = v;
    } else {
        cat.links = v;
    }
    if cat.products.is_none() && cat.links.is_none() {
        spec.catalog = None;
    }
    Ok(())
}

/// A segment's affinity for a category (1 where the file lists none).
fn affinity_get(spec: &ScenarioSpec, i: usize, category: Option<&str>) -> Option<Value> {
    let s = spec.segments.get(i)?;
    Some(Value::Number(s.category_affinity.get(category?).copied().unwrap_or(1.0)))
}

fn affinity_set(spec: &mut ScenarioSpec, i: usize, category: Option<&str>, v: Value, f: &Field) -> Result<(), String> {
    let c = category.ok_or_else(|| format!("{}: name a category", f.label))?;
    let a = conv::number::set(v, f)?;
    let s = spec.segments.get_mut(i).ok_or_else(|| format!("segments has no item {i}"))?;
    s.category_affinity.insert(c.to_string(), a);
    Ok(())
}

/// The words for a unit in tables.
pub fn unit_words(u: Unit) -> &'static str {
    match u {
        Unit::Percent => "fraction (0.05 = 5%)",
        Unit::Money => "currency",
        Unit::Count => "count",
        Unit::Items => "items",
        Unit::Factor => "factor",
        Unit::Weight => "weight",
        Unit::None => "",
    }
}

/// The Markdown table of the fields under `prefix` (`store.`, `segments[].` ...), as
/// docs/scenario-format.md shows them (a test keeps the doc equal to it).
pub fn markdown_table(prefix: &str) -> String {
    let mut out = String::from("| field | meaning | unit | allowed | default |\n|---|---|---|---|---|\n");
    for f in FIELDS.iter().filter(|f| f.path.starts_with(prefix)) {
        let key = &f.path[prefix.len()..];
        let allowed = match f.kind {
            Kind::Uncertain => format!("{}, uncertain", f.range_text()),
            Kind::PerShopper => format!("{}, a number or a per-shopper distribution", f.range_text()),
            Kind::Text => "text".into(),
            Kind::OptionalText => "text (optional)".into(),
            _ => f.range_text(),
        };
        let default = match (f.default, f.kind) {
            (Some(""), _) => "empty".to_string(),
            (Some(d), _) => format!("`{d}`"),
            (None, Kind::OptionalText) => "none".into(),
            (None, _) => "required".into(),
        };
        out.push_str(&format!(
            "| `{key}` | {} | {} | {allowed} | {default} |\n",
            f.help.replace('|', "\\|"),
            unit_words(f.unit)
        ));
    }
    out
}

/// The table prefixes the docs show, in order.
pub const TABLES: [&str; 9] = [
    "store.",
    "behaviour.",
    "catalog.",
    "products[].",
    "links[].",
    "segments[].",
    "tiers[].",
    "strategies[].",
    "correlations[].",
];

/// The field at a registry path such as `segments[].share` (paths as written are
/// parsed with [`resolve`]; code names fields by [`FieldId`]).
pub fn by_path(path: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.path == path)
}

/// A list of the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// `[[products]]`, addressed by id.
    Products,
    /// `[[links]]`, by index only.
    Links,
    /// `[[segments]]`, by name.
    Segments,
    /// `[[tiers]]`, by name.
    Tiers,
    /// `[[strategies]]`, by name.
    Strategies,
    /// `[[correlations]]`, by index only.
    Correlations,
}

impl List {
    /// Every list.
    pub const ALL: [List; 6] =
        [List::Products, List::Links, List::Segments, List::Tiers, List::Strategies, List::Correlations];

    /// The key in the file.
    pub fn key(self) -> &'static str {
        match self {
            List::Products => "products",
            List::Links => "links",
            List::Segments => "segments",
            List::Tiers => "tiers",
            List::Strategies => "strategies",
            List::Correlations => "correlations",
        }
    }

    /// The name of one item, for people: "product", "strategy".
    pub fn noun(self) -> &'static str {
        match self {
            List::Products => "product",
            List::Links => "link",
            List::Segments => "segment",
            List::Tiers => "tier",
            List::Strategies => "strategy",
            List::Correlations => "correlation",
        }
    }

    fn of(key: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.key() == key)
    }

    /// How many items the list has in `spec`.
    pub fn len(self, spec: &ScenarioSpec) -> usize {
        match self {
            List::Products => spec.products.len(),
            List::Links => spec.links.len(),
            List::Segments => spec.segments.len(),
            List::Tiers => spec.tiers.len(),
            List::Strategies => spec.strategies.len(),
            List::Correlations => spec.correlations.len(),
        }
    }

    /// The name (products: the id) of item `i`.
    pub fn name(self, spec: &ScenarioSpec, i: usize) -> Option<&str> {
        match self {
            List::Products => spec.products.get(i).map(|p| p.id.as_str()),
            List::Links => None,
            List::Segments => spec.segments.get(i).map(|s| s.name.as_str()),
            List::Tiers => spec.tiers.get(i).map(|t| t.name.as_str()),
            List::Strategies => spec.strategies.get(i).map(|s| s.name.as_str()),
            List::Correlations => None,
        }
    }

    /// The display name of item `i` (products: the product's name).
    pub fn label(self, spec: &ScenarioSpec, i: usize) -> String {
        match self {
            List::Products => spec.products.get(i).map(|p| p.name.clone()).unwrap_or_default(),
            List::Links => format!("link {}", i + 1),
            List::Correlations => format!("correlation {}", i + 1),
            _ => self.name(spec, i).unwrap_or_default().to_string(),
        }
    }

    /// The index of the item named `name` (products: by id).
    pub fn find(self, spec: &ScenarioSpec, name: &str) -> Option<usize> {
        (0..self.len(spec)).find(|&i| self.name(spec, i) == Some(name))
    }
}

/// A field of one scenario, resolved: which field, in which list item, and for a
/// category affinity which category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The field.
    pub field: FieldId,
    /// The list and item index, for fields of list items.
    pub item: Option<(List, usize)>,
    /// The category of a `category_affinity` entry.
    pub category: Option<String>,
}

impl Path {
    /// A top-level field (`Path::top(FieldId::StoreVisitors)`).
    pub fn top(field: FieldId) -> Self {
        Self { field, item: None, category: None }
    }

    /// A field of list item `i` (`Path::item(FieldId::SegmentShare, 0)`).
    pub fn item(field: FieldId, i: usize) -> Self {
        Self { field, item: field.list().map(|l| (l, i)), category: None }
    }

    /// The registry entry.
    pub fn spec_field(&self) -> &'static Field {
        self.field.field()
    }

    /// The canonical path with indices, as validation reports it and as input
    /// streams are named: `strategies[2].tier_prompt.window`.
    pub fn canonical(&self) -> String {
        let mut s = match self.item {
            Some((_, i)) => self.field.path().replacen("[]", &format!("[{i}]"), 1),
            None => self.field.path().to_string(),
        };
        if let Some(c) = &self.category {
            s.push('.');
            s.push_str(c);
        }
        s
    }

    /// The path for people: `AOV-optimized › Tier prompt window`, `Espresso Roast
    /// Beans 1 kg › Price`.
    pub fn label(&self, spec: &ScenarioSpec) -> String {
        let f = self.spec_field();
        let mut s = match self.item {
            Some((list, i)) => format!("{} › {}", list.label(spec, i), f.label),
            None => f.label.to_string(),
        };
        if let Some(c) = &self.category {
            s.push_str(&format!(" › {c}"));
        }
        s
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// Splits a written path into its parts: keys, `[index]` and quoted names.
fn split(path: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut chars = path.trim().chars().peekable();
    let mut key = String::new();
    let flush = |key: &mut String, parts: &mut Vec<Part>| {
        if !key.is_empty() {
            parts.push(Part::Key(std::mem::take(key)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut key, &mut parts),
            '[' => {
                flush(&mut key, &mut parts);
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    n.push(d);
                }
                let i = n.trim().parse().map_err(|_| format!("`[{n}]` is not an index such as [0]"))?;
                parts.push(Part::Index(i));
            }
            '"' => {
                flush(&mut key, &mut parts);
                let mut name = String::new();
                let mut closed = false;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some(e) = chars.next() {
                                name.push(e);
                            }
                        }
                        _ => name.push(d),
                    }
                }
                if !closed {
                    return Err("a quoted name is not closed".into());
                }
                parts.push(Part::Key(name));
            }
            c => key.push(c),
        }
    }
    flush(&mut key, &mut parts);
    Ok(parts)
}

enum Part {
    Key(String),
    Index(usize),
}

/// Resolves a written path against `spec` (names must exist), or says what is wrong
/// and what is allowed.
pub fn resolve(spec: &ScenarioSpec, written: &str) -> Result<Path, String> {
    let parts = split(written)?;
    let mut it = parts.into_iter();
    let Some(Part::Key(head)) = it.next() else {
        return Err(format!("`{written}` is not a field path such as store.visitors"));
    };
    let Some(list) = List::of(&head) else {
        let rest: Vec<String> = it
            .map(|p| match p {
                Part::Key(k) => k,
                Part::Index(i) => format!("[{i}]"),
            })
            .collect();
        let path = std::iter::once(head).chain(rest).collect::<Vec<_>>().join(".");
        return FIELDS
            .iter()
            .find(|f| f.path == path && !f.path.contains('['))
            .map(|f| Path::top(f.id))
            .ok_or_else(|| unknown_field(&path));
    };
    let index = match it.next() {
        Some(Part::Index(i)) if i < list.len(spec) => i,
        Some(Part::Index(i)) => {
            return Err(format!("{} has {} items; [{i}] is not one of them", list.key(), list.len(spec)));
        }
        Some(Part::Key(name)) => list.find(spec, &name).ok_or_else(|| {
            let names: Vec<&str> = (0..list.len(spec)).filter_map(|i| list.name(spec, i)).collect();
            let hint = super::did_you_mean(&name, names.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            if list == List::Links {
                "links are addressed by index, e.g. links[0].strength".to_string()
            } else {
                format!("no {} `{name}`{hint}", list.noun())
            }
        })?,
        None => return Err(format!("name the {} after `{}.`, e.g. {}[0]", list.noun(), list.key(), list.key())),
    };
    let mut keys: Vec<String> = Vec::new();
    for p in it {
        match p {
            Part::Key(k) => keys.push(k),
            Part::Index(i) => return Err(format!("unexpected [{i}] after {}", keys.join("."))),
        }
    }
    let mut category = None;
    if list == List::Segments && keys.first().map(String::as_str) == Some("category_affinity") && keys.len() == 2 {
        category = keys.pop();
    }
    let pattern = format!("{}[].{}", list.key(), keys.join("."));
    let f = FIELDS.iter().find(|f| f.path == pattern).ok_or_else(|| unknown_field(&pattern))?;
    Ok(Path { field: f.id, item: Some((list, index)), category })
}

fn unknown_field(pattern: &str) -> String {
    let hint = super::did_you_mean(pattern, FIELDS.iter().map(|f| f.path))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    format!("no field `{pattern}`; {hint}`aovlab fields` lists them all")
}

/// A field's value, whatever its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A number or a distribution.
    Param(Param),
    /// A whole number.
    Whole(u64),
    /// Text (or absent, for optional text).
    Text(Option<String>),
    /// A flag.
    Bool(bool),
    /// One of a field's words.
    Choice(&'static str),
}

impl Value {
    /// The value as a number, when it is one (a fixed value for uncertain inputs).
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(v) | Value::Param(Param::Fixed(v)) => Some(*v),
            Value::Whole(v) => Some(*v as f64),
            _ => None,
        }
    }
}

/// The value of a field, or `None` when the path does not address one in `spec`.
pub fn get(spec: &ScenarioSpec, path: &Path) -> Option<Value> {
    let i = path.item.map_or(0, |(_, i)| i);
    (path.spec_field().access.get)(spec, i, path.category.as_deref())
}

/// Sets a field and returns its previous value, or says why the value does not fit
/// the field's kind (ranges are validation's business: an out-of-range value is set
/// and flagged, as in a file).
pub fn set(spec: &mut ScenarioSpec, path: &Path, value: Value) -> Result<Value, String> {
    let old = get(spec, path).ok_or_else(|| format!("{path} does not exist in this scenario"))?;
    let f = path.spec_field();
    let i = path.item.map_or(0, |(_, i)| i);
    (f.access.set)(spec, i, path.category.as_deref(), value, f)?;
    Ok(old)
}

fn kind_words(k: Kind) -> String {
    match k {
        Kind::Number => "a number".into(),
        Kind::Uncertain | Kind::PerShopper => "a number or a distribution".into(),
        Kind::Whole => "a whole number".into(),
        Kind::Text | Kind::OptionalText => "text".into(),
        Kind::Bool => "true or false".into(),
        Kind::Choice(w) => format!("one of {}", w.join(", ")),
    }
}

/// Parses `text`, a value as written after `=` in a scenario file (`0.3`, `"matched"`,
/// `{ dist = "uniform", min = 0.005, max = 0.009 }`, `true`), for `field`: the same
/// parser as the file's, so a value set this way equals the same value in the file.
pub fn parse_value(f: &Field, text: &str) -> Result<Value, String> {
    let t = text.trim();
    // Choices and text may be written bare.
    match f.kind {
        Kind::Choice(words) => {
            let w = t.trim_matches('"');
            return words
                .iter()
                .find(|x| **x == w)
                .map(|x| Value::Choice(x))
                .ok_or_else(|| format!("{} is one of {}; `{}` is not", f.label, words.join(", "), w));
        }
        Kind::Text | Kind::OptionalText if !t.starts_with('"') => return Ok(Value::Text(Some(t.to_string()))),
        _ => {}
    }
    let doc = format!("v = {t}");
    let table: toml::Table = toml::from_str(&doc)
        .map_err(|e| format!("`{}` is not a value: {}", crate::format::excerpt(t, 60), e.message().trim()))?;
    let v = table.get("v").cloned().ok_or("no value")?;
    let as_f64 = |v: &toml::Value| match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    };
    let wrong = || format!("{} takes {}, not `{}`", f.label, kind_words(f.kind), crate::format::excerpt(t, 60));
    match f.kind {
        Kind::Number => as_f64(&v).map(Value::Number).ok_or_else(wrong),
        Kind::Uncertain | Kind::PerShopper => match &v {
            toml::Value::Table(_) => {
                let d: Dist = v.try_into().map_err(|e: toml::de::Error| format!("{}: {}", f.label, e.message()))?;
                Ok(Value::Param(Param::Dist(d)))
            }
            other => as_f64(other).map(|x| Value::Param(Param::Fixed(x))).ok_or_else(wrong),
        },
        Kind::Whole => match v {
            toml::Value::Integer(i) if i >= 0 => Ok(Value::Whole(i as u64)),
            _ => Err(wrong()),
        },
        Kind::Bool => v.as_bool().map(Value::Bool).ok_or_else(wrong),
        Kind::Text | Kind::OptionalText => v.as_str().map(|s| Value::Text(Some(s.to_string()))).ok_or_else(wrong),
        Kind::Choice(_) => Err(wrong()),
    }
}

/// Every instance of every field in `spec`, in file order (list fields once per item;
/// category affinities once per category listed).
pub fn instances(spec: &ScenarioSpec) -> Vec<Path> {
    instances_except(spec, &[])
}

/// [`instances`] without the items of the lists in `skip`.
pub fn instances_except(spec: &ScenarioSpec, skip: &[List]) -> Vec<Path> {
    let mut out = Vec::new();
    for f in FIELDS {
        match f.id.list() {
            None => out.push(Path::top(f.id)),
            Some(list) if skip.contains(&list) => {}
            Some(list) => {
                for i in 0..list.len(spec) {
                    if f.id == FieldId::SegmentCategoryAffinity {
                        for c in spec.segments[i].category_affinity.keys() {
                            out.push(Path { field: f.id, item: Some((list, i)), category: Some(c.clone()) });
                        }
                    } else {
                        out.push(Path::item(f.id, i));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> ScenarioSpec {
        crate::io::scenario_file::parse_spec(crate::io::scenario_file::ARTICLE_TOML, "article").unwrap()
    }

    #[test]
    fn every_field_path_is_unique_and_resolvable() {
        let spec = article();
        let mut seen = std::collections::BTreeSet::new();
        for (k, f) in FIELDS.iter().enumerate() {
            assert_eq!(f.id as usize, k, "{}: the table is in the enum's order", f.path);
            assert!(std::ptr::eq(f.id.field(), f));
            assert_eq!(by_path(f.path).map(|g| g.id), Some(f.id));
            assert!(seen.insert(f.path), "{} twice", f.path);
        }
        for f in FIELDS {
            assert!(!f.label.is_empty() && !f.help.is_empty(), "{}", f.path);
        }
        // Every instance reads back, and writing its own value changes nothing.
        for p in instances(&spec) {
            let v = get(&spec, &p).unwrap_or_else(|| panic!("{p}"));
            let mut copy = spec.clone();
            set(&mut copy, &p, v).unwrap_or_else(|e| panic!("{p}: {e}"));
            assert!(copy == spec, "{p}: writing its own value changed the scenario");
            assert_eq!(resolve(&spec, &p.canonical()).unwrap(), p);
        }
    }

    #[test]
    fn paths_address_items_by_name_or_index() {
        let spec = article();
        let p = resolve(&spec, "strategies.\"AOV-optimized\".tier_prompt.window").unwrap();
        assert_eq!(p.canonical(), "strategies[2].tier_prompt.window");
        assert_eq!(p.label(&spec), "AOV-optimized › Tier prompt window");
        assert_eq!(resolve(&spec, "tiers.Gold.threshold").unwrap().canonical(), "tiers[1].threshold");
        assert_eq!(resolve(&spec, "products.\"pods-house\".price").unwrap().canonical(), "products[7].price");
        let p = resolve(&spec, "segments[0].category_affinity.pods").unwrap();
        assert_eq!(p.canonical(), "segments[0].category_affinity.pods");
        assert_eq!(get(&spec, &p), Some(Value::Number(1.0)));
        let e = resolve(&spec, "strategies.\"AOV-optimised\".tier_prompt.window").unwrap_err();
        assert!(e.contains("did you mean `AOV-optimized`"), "{e}");
        let e = resolve(&spec, "store.visitor").unwrap_err();
        assert!(e.contains("did you mean `store.visitors`"), "{e}");
        let e = resolve(&spec, "strategies[99].name").unwrap_err();
        assert!(e.contains("strategies has 8 items; [99] is not one of them"), "{e}");
    }

    #[test]
    fn values_parse_as_the_file_parses_them() {
        let f = FieldId::FrictionPerSlot.field();
        let v = parse_value(f, "{dist=\"uniform\",min=0.005,max=0.009}").unwrap();
        assert_eq!(v, Value::Param(Param::Dist(Dist::Uniform { min: 0.005, max: 0.009 })));
        assert_eq!(parse_value(f, "0.1").unwrap(), Value::Param(Param::Fixed(0.1)));
        assert_eq!(parse_value(FieldId::StoreVisitors.field(), "20_000").unwrap(), Value::Whole(20_000));
        assert!(parse_value(FieldId::StoreVisitors.field(), "-1").is_err());
        assert_eq!(parse_value(FieldId::PreCheckoutPolicy.field(), "matched").unwrap(), Value::Choice("matched"));
        assert!(parse_value(FieldId::PreCheckoutPolicy.field(), "maybe").is_err());
    }

    #[test]
    fn numbers_show_without_float_artefacts() {
        assert_eq!(trim_number(0.06000000000000005, 6), "0.06");
        assert_eq!(trim_number(1234.5, 6), "1234.5");
        assert_eq!(trim_number(0.0, 6), "0");
        assert_eq!(trim_number(-0.0, 6), "0");
        assert_eq!(FieldId::SegmentShare.field().show(0.055, "USD"), "5.5%");
        assert_eq!(FieldId::ProductPrice.field().show(1234.5, "USD"), "$1,234.50");
        assert_eq!(FieldId::StoreVisitors.field().range_text(), "1 to 1,000,000,000");
        assert_eq!(FieldId::ProductPrice.field().range_text(), "> 0 and <= 1,000,000,000");
        assert_eq!(FieldId::SegmentShare.field().range_text(), "[0, 1]");
    }
}
