//! The scenario as a person writes it: the serde form of a scenario file.
//!
//! This is what the file holds and what an editor edits. It says nothing about
//! validity: [`crate::model::validate`] turns it into a [`crate::model::Scenario`]
//! or lists every problem with its field path.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::param::Param;

/// The scenario file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Short name shown in reports.
    pub name: String,
    /// Free text: sources, assumptions.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Store and simulation settings.
    pub store: StoreSpec,
    /// How shoppers respond to offers (world facts, not policy).
    #[serde(default)]
    pub behaviour: BehaviourSpec,
    /// Catalog kept in CSV files beside the scenario (for large catalogs); when set,
    /// the file's own `[[products]]` / `[[links]]` must be empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<CatalogFiles>,
    /// The catalog.
    #[serde(default)]
    pub products: Vec<ProductSpec>,
    /// Complement links (relevance).
    #[serde(default)]
    pub links: Vec<LinkSpec>,
    /// Traffic segments.
    pub segments: Vec<SegmentSpec>,
    /// Loyalty tiers, by increasing threshold.
    #[serde(default)]
    pub tiers: Vec<TierSpec>,
    /// Strategies compared; exactly one is the holdout.
    pub strategies: Vec<StrategySpec>,
    /// Rank correlations between uncertain inputs (each pair at most once); inputs
    /// not named here are drawn independently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<CorrelationSpec>,
    /// What running each lever costs the store (MODEL.md rule 19).
    #[serde(default)]
    pub costs: CostsSpec,
    /// The store's free-shipping threshold, fee and prompt (MODEL.md rule 22).
    #[serde(default, skip_serializing_if = "ShippingSpec::is_none")]
    pub shipping: ShippingSpec,
    /// Claims about the strategies, as a vendor's case study or an article states them,
    /// to check against this scenario (`aovlab claim`); simulation ignores them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimSpec>,
    /// Results saved with the scenario for a presentation (a presenter file): shown on
    /// opening without running; ignored by validation and simulation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presented: Option<PresentedResults>,
}

/// A run's summary saved in a scenario file: what it showed, when, and what made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentedResults {
    /// The AOV Lab version that ran it.
    pub app_version: String,
    /// When it was saved (RFC 3339, UTC).
    pub saved: String,
    /// The run's seed.
    pub seed: u64,
    /// Its replications.
    pub replications: u32,
    /// Its visitors per replication.
    pub visitors: u64,
    /// Per strategy, in the run's order.
    pub strategies: Vec<PresentedStrategy>,
}

/// One strategy's saved results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentedStrategy {
    /// Name.
    pub name: String,
    /// Every defined metric's mean across replications, by the metric's report name.
    pub means: BTreeMap<String, f64>,
}

/// The strategy analyses study when none is named: the article's proposal.
pub const FEATURED_STRATEGY: &str = "AOV-optimized";
/// What the featured strategy is decided against when none is named.
pub const CHALLENGER_STRATEGY: &str = "Conversion-optimized";

/// Which of the strategies, given as (name, is the holdout), an analysis studies when
/// none is named: [`FEATURED_STRATEGY`] where the scenario has it, else the first that
/// is not the holdout.
pub fn featured_strategy<'a>(strategies: impl IntoIterator<Item = (&'a str, bool)> + Clone) -> Option<usize> {
    let named = strategies.clone().into_iter().position(|(n, _)| n == FEATURED_STRATEGY);
    named.or_else(|| strategies.into_iter().position(|(_, holdout)| !holdout))
}

/// Why `code` is not a currency code (three capital letters, ISO 4217), or `None`.
pub fn currency_problem(code: &str) -> Option<String> {
    let ok = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
    (!ok).then(|| {
        format!(
            "`{}` is not a currency code: use three capital letters (ISO 4217), e.g. \"USD\"",
            crate::format::excerpt(code, 20)
        )
    })
}

impl ScenarioSpec {
    /// The strategy an analysis studies when none is named ([`featured_strategy`]).
    pub fn featured_strategy(&self) -> Option<usize> {
        featured_strategy(self.strategies.iter().map(|s| (s.name.as_str(), s.holdout)))
    }

    /// A copy of everything but the catalog's products and links (cheap even for a
    /// catalog of a million links).
    pub fn clone_without_catalog(&self) -> ScenarioSpec {
        ScenarioSpec {
            format_version: self.format_version,
            name: self.name.clone(),
            description: self.description.clone(),
            store: self.store.clone(),
            behaviour: self.behaviour.clone(),
            catalog: self.catalog.clone(),
            products: Vec::new(),
            links: Vec::new(),
            segments: self.segments.clone(),
            tiers: self.tiers.clone(),
            strategies: self.strategies.clone(),
            correlations: self.correlations.clone(),
            costs: self.costs.clone(),
            shipping: self.shipping.clone(),
            claims: self.claims.clone(),
            presented: self.presented.clone(),
        }
    }
}

/// A rank correlation between two uncertain inputs, by field path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrelationSpec {
    /// One input's field path (`behaviour.pre_checkout_base_accept`).
    pub first: String,
    /// The other input's field path.
    pub second: String,
    /// Spearman's rank correlation of their draws across replications, in [-0.99, 0.99].
    pub rank: f64,
}

/// Store and simulation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSpec {
    /// ISO 4217 code, e.g. "USD".
    pub currency: String,
    /// The holdout's revenue over a year, in currency units.
    pub annual_gmv: f64,
    /// Visitors simulated per replication.
    pub visitors: u64,
    /// Number of replications.
    pub replications: u32,
    /// Seed of the whole run.
    pub seed: u64,
}

pub use super::fields::BehaviourSpec;

/// CSV files holding the catalog, relative to the scenario file's folder.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFiles {
    /// Products: columns `id,name,category,price[,cost,popularity,post_purchase]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<String>,
    /// Links: columns `from,from_category,to,strength` (one of the first two per row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<String>,
}

/// One product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductSpec {
    /// Unique identifier used by links.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Category identifier.
    pub category: String,
    /// Price in currency units, > 0.
    pub price: f64,
    /// Unit cost in currency units, >= 0.
    #[serde(default)]
    pub cost: f64,
    /// Popularity weight, > 0.
    #[serde(default = "default_popularity")]
    pub popularity: f64,
    /// Whether the product may be offered after checkout.
    #[serde(default)]
    pub post_purchase: bool,
}

fn default_popularity() -> f64 {
    1.0
}

/// A complement link: a cart holding `from` (a product) or an item of
/// `from_category` makes `to` relevant with `strength`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Source product id (exactly one of `from`, `from_category`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Source category (exactly one of `from`, `from_category`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_category: Option<String>,
    /// Target product id.
    pub to: String,
    /// Relevance in [0, 1].
    pub strength: f64,
}

/// A traffic segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentSpec {
    /// Display name.
    pub name: String,
    /// Share of traffic; shares sum to 1.
    pub share: Param,
    /// Share of visitors who build a cart, in [0, 1].
    pub add_to_cart_rate: Param,
    /// Share of carts that become orders without personalization, in [0, 1].
    pub checkout_completion: Param,
    /// Mean number of items in the intended cart, in [1, 50].
    pub mean_cart_size: Param,
    /// Multiplies every offer acceptance, in [0, 10].
    #[serde(default = "param_one")]
    pub acceptance_propensity: Param,
    /// price_factor(x) = 1 / (1 + price_sensitivity x), in [0, 100].
    #[serde(default = "param_one")]
    pub price_sensitivity: Param,
    /// Scales the friction of each slot or prompt, in [0, 100].
    #[serde(default = "param_one")]
    pub friction_sensitivity: Param,
    /// Share of the segment enrolled in the loyalty program, in [0, 1].
    #[serde(default)]
    pub loyalty_member_share: Param,
    /// Share of orders on which a confirmation-page offer can render, in [0, 1].
    #[serde(default = "param_one")]
    pub post_checkout_eligibility: Param,
    /// Per-member spend to date in currency units (a per-shopper distribution), >= 0.
    #[serde(default)]
    pub spend_to_date: Param,
    /// Category -> affinity multiplier (>= 0) for cart building; unlisted categories have 1.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub category_affinity: BTreeMap<String, f64>,
}

fn param_one() -> Param {
    Param::Fixed(1.0)
}

/// A loyalty tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    /// Display name.
    pub name: String,
    /// Spend threshold in currency units, > 0, increasing across tiers.
    pub threshold: f64,
    /// What an upgrade into the tier costs the store (its perks), currency, >= 0.
    #[serde(default)]
    pub upgrade_cost: Param,
}

/// What running each lever costs the store (`[costs]`, MODEL.md rule 19): per lever
/// (cart suggestions, the tier prompt, confirmation-page offers, friction reduction) a
/// fixed amount a month, a share of the revenue attributed to it, an amount per
/// completed order on which it showed something, and a one-off setup cost. A
/// strategy pays for the levers it uses. Every amount defaults to 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[allow(missing_docs)]
pub struct CostsSpec {
    pub pre_checkout_monthly: f64,
    pub pre_checkout_revenue_share: f64,
    pub pre_checkout_per_order: f64,
    pub pre_checkout_setup: f64,
    pub tier_prompt_monthly: f64,
    pub tier_prompt_revenue_share: f64,
    pub tier_prompt_per_order: f64,
    pub tier_prompt_setup: f64,
    pub post_checkout_monthly: f64,
    pub post_checkout_revenue_share: f64,
    pub post_checkout_per_order: f64,
    pub post_checkout_setup: f64,
    pub friction_reduction_monthly: f64,
    pub friction_reduction_revenue_share: f64,
    pub friction_reduction_per_order: f64,
    pub friction_reduction_setup: f64,
}

/// The store's shipping policy (`[shipping]`, MODEL.md rule 22): orders whose goods
/// (after the checkout discount, before add-ons) are worth less than the threshold pay
/// the fee; an optional "add $X for free shipping" prompt is shown to carts within the
/// window below the threshold. Store policy: the holdout runs it too, and a strategy
/// may override the threshold and turn the prompt on or off. The world facts (the
/// store's shipping cost, the shoppers' fee sensitivity, the prompt's uptake) are in
/// `[behaviour]`. The default (threshold 0, fee 0, no prompt) is no shipping at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShippingSpec {
    /// Orders worth at least this much (currency) ship free; 0: every order does.
    pub threshold: f64,
    /// What an order below the threshold pays for shipping, currency.
    pub fee: f64,
    /// Whether carts within the window below the threshold see "add $X for free shipping".
    pub prompt: bool,
    /// The prompt shows when 0 < gap <= window x threshold, window in (0, 1].
    pub prompt_window: f64,
}

impl Default for ShippingSpec {
    fn default() -> Self {
        Self { threshold: 0.0, fee: 0.0, prompt: false, prompt_window: 0.3 }
    }
}

impl ShippingSpec {
    /// Whether it is the default: no threshold, no fee, no prompt (not written to a file).
    pub fn is_none(&self) -> bool {
        *self == Self::default()
    }
}

/// A lever that may cost money to run (MODEL.md rule 19), in `[costs]` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostLever {
    /// Cart suggestions.
    PreCheckout,
    /// The tier prompt.
    TierPrompt,
    /// Confirmation-page offers.
    PostCheckout,
    /// Friction reduction (an express checkout).
    FrictionReduction,
}

/// One lever's costs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LeverCost {
    /// Currency a month.
    pub monthly: f64,
    /// Share of the revenue attributed to the lever.
    pub revenue_share: f64,
    /// Currency per completed order on which the lever showed something.
    pub per_order: f64,
    /// One-off currency.
    pub setup: f64,
}

impl CostsSpec {
    /// `lever`'s costs.
    pub fn of(&self, lever: CostLever) -> LeverCost {
        let c = self;
        let (monthly, revenue_share, per_order, setup) = match lever {
            CostLever::PreCheckout => {
                (c.pre_checkout_monthly, c.pre_checkout_revenue_share, c.pre_checkout_per_order, c.pre_checkout_setup)
            }
            CostLever::TierPrompt => {
                (c.tier_prompt_monthly, c.tier_prompt_revenue_share, c.tier_prompt_per_order, c.tier_prompt_setup)
            }
            CostLever::PostCheckout => (
                c.post_checkout_monthly,
                c.post_checkout_revenue_share,
                c.post_checkout_per_order,
                c.post_checkout_setup,
            ),
            CostLever::FrictionReduction => (
                c.friction_reduction_monthly,
                c.friction_reduction_revenue_share,
                c.friction_reduction_per_order,
                c.friction_reduction_setup,
            ),
        };
        LeverCost { monthly, revenue_share, per_order, setup }
    }
}

impl CostLever {
    /// Every lever, in `[costs]` order.
    pub const ALL: [CostLever; 4] =
        [CostLever::PreCheckout, CostLever::TierPrompt, CostLever::PostCheckout, CostLever::FrictionReduction];
}

/// A choice the file writes as a word: its variants and their words, declared once by
/// [`words!`], from which serde, the field registry, the editor's menus and `--set`
/// all read (reordering the variants changes no word).
pub trait Word: Copy + PartialEq + Sized + 'static {
    /// Every variant with its word, in menu order.
    const ALL: &'static [(Self, &'static str)];
    /// The words alone, in the same order.
    const WORDS: &'static [&'static str];

    /// This variant's word.
    fn word(self) -> &'static str {
        Self::ALL.iter().find(|(v, _)| *v == self).map_or("", |(_, w)| w)
    }

    /// The variant written `word`.
    fn from_word(word: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, w)| *w == word).map(|(v, _)| *v)
    }
}

/// Declares an enum whose variants the file writes as words, with [`Word`] and serde
/// implemented from the one list.
macro_rules! words {
    ($(#[$m:meta])* pub enum $name:ident { $( $(#[$vm:meta])* $v:ident = $w:literal, )* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub enum $name { $( $(#[$vm])* $v, )* }

        impl Word for $name {
            const ALL: &'static [(Self, &'static str)] = &[$(($name::$v, $w)),*];
            const WORDS: &'static [&'static str] = &[$($w),*];
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.word())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let w = String::deserialize(d)?;
                Self::from_word(&w).ok_or_else(|| serde::de::Error::unknown_variant(&w, Self::WORDS))
            }
        }
    };
}

words! {
    /// What a suggestion or offer policy shows.
    pub enum OfferPolicy {
        /// Nothing.
        #[default]
        Off = "off",
        /// The most popular products.
        Popular = "popular",
        /// The products most relevant to the cart (or order).
        Matched = "matched",
    }
}

words! {
    /// How `matched` pre-checkout suggestions are ranked.
    pub enum Ranking {
        /// By relevance, then popularity.
        #[default]
        Relevance = "relevance",
        /// By rel x price x price_factor.
        ExpectedValue = "expected_value",
    }
}

words! {
    /// When the tier prompt is shown.
    pub enum TierPolicy {
        /// Never.
        #[default]
        Off = "off",
        /// Whenever the gap is positive.
        Universal = "universal",
        /// Only when 0 < gap <= window x next threshold.
        Window = "window",
    }
}

/// A named set of policy choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// Display name, unique.
    pub name: String,
    /// Marks the holdout (every lever off).
    #[serde(default)]
    pub holdout: bool,
    /// Pre-checkout suggestions.
    #[serde(default)]
    pub pre_checkout: PreCheckoutSpec,
    /// Loyalty-tier prompt.
    #[serde(default)]
    pub tier_prompt: TierPromptSpec,
    /// Conversion levers at checkout.
    #[serde(default)]
    pub checkout: CheckoutSpec,
    /// Post-checkout offers.
    #[serde(default)]
    pub post_checkout: PostCheckoutSpec,
    /// The store's shipping policy, or this strategy's own (MODEL.md rule 22).
    #[serde(default, skip_serializing_if = "StrategyShippingSpec::is_store")]
    pub shipping: StrategyShippingSpec,
}

words! {
    /// Whether a strategy shows the free-shipping prompt.
    pub enum ShippingPrompt {
        /// As the store does (`[shipping] prompt`).
        #[default]
        Store = "store",
        /// Shown, whatever the store does.
        On = "on",
        /// Not shown, whatever the store does.
        Off = "off",
    }
}

/// A strategy's free-shipping settings: the store's unless it overrides them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StrategyShippingSpec {
    /// Its own free-shipping threshold, currency (`None`: the store's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// store | on | off.
    pub prompt: ShippingPrompt,
}

impl StrategyShippingSpec {
    /// Whether it follows the store in everything (not written to a file).
    pub fn is_store(&self) -> bool {
        *self == Self::default()
    }
}

/// Pre-checkout suggestions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PreCheckoutSpec {
    /// off | popular | matched.
    pub policy: OfferPolicy,
    /// Slots shown, 1..=10.
    pub slots: u32,
    /// Ranking of `matched`: relevance | expected_value.
    pub ranking: Ranking,
}

impl Default for PreCheckoutSpec {
    fn default() -> Self {
        Self { policy: OfferPolicy::Off, slots: 3, ranking: Ranking::Relevance }
    }
}

/// Loyalty-tier prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TierPromptSpec {
    /// off | universal | window.
    pub policy: TierPolicy,
    /// Window as a fraction of the next threshold, in (0, 1].
    pub window: f64,
}

impl Default for TierPromptSpec {
    fn default() -> Self {
        Self { policy: TierPolicy::Off, window: 0.25 }
    }
}

/// Conversion levers at checkout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckoutSpec {
    /// Relative completion gain from a smoother checkout, in [0, 1]; may be uncertain.
    pub friction_reduction: Param,
    /// Discount on the checkout order, in [0, 0.9].
    pub discount: f64,
}

impl Default for CheckoutSpec {
    fn default() -> Self {
        Self { friction_reduction: Param::Fixed(0.0), discount: 0.0 }
    }
}

/// Post-checkout offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostCheckoutSpec {
    /// off | popular | matched.
    pub policy: OfferPolicy,
    /// Offers shown, 1..=5.
    pub offers: u32,
    /// Discount on the offer price, in [0, 0.9].
    pub offer_discount: f64,
}

impl Default for PostCheckoutSpec {
    fn default() -> Self {
        Self { policy: OfferPolicy::Off, offers: 1, offer_discount: 0.0 }
    }
}

words! {
    /// What a claim states: a lift, as a holdout would measure it or as a vendor
    /// reports it, or one of a vendor's own figures.
    pub enum ClaimFigure {
        /// AOV lift against the holdout (0.30 = +30%).
        #[default]
        AovLift = "aov_lift",
        /// Conversion lift against the holdout.
        ConversionLift = "conversion_lift",
        /// Revenue-per-visitor lift against the holdout.
        RpvLift = "rpv_lift",
        /// Offers accepted / offers shown on the claim's surface.
        TakeRate = "take_rate",
        /// Attributed revenue / revenue (MODEL.md rule 21).
        AttributedShare = "attributed_share",
        /// Attributed revenue a year, in currency.
        AttributedRevenue = "attributed_revenue",
    }
}

words! {
    /// Where a claim's effect comes from: one surface, or the whole program.
    pub enum ClaimSurface {
        /// Everything the strategy does.
        #[default]
        Program = "program",
        /// Pre-checkout suggestions in the cart.
        Cart = "cart",
        /// The loyalty-tier prompt.
        TierPrompt = "tier_prompt",
        /// Offers on the confirmation page, after the order.
        Confirmation = "confirmation",
    }
}

words! {
    /// How a claimed lift was measured.
    pub enum ClaimBasis {
        /// Against a holdout: what the strategy adds (MODEL.md's lifts).
        #[default]
        Incremental = "incremental",
        /// As a vendor's dashboard reports it: the revenue it attributes to itself read
        /// as a lift (attributed / (revenue - attributed)).
        Attributed = "attributed",
    }
}

/// A claim to check: a figure of a strategy (or of one of its surfaces) at least
/// `at_least` and at most `at_most`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimSpec {
    /// The claim in the words of whoever makes it.
    pub statement: String,
    /// Where it comes from (a case study, an article).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The strategy that stands for what the claim describes.
    pub strategy: String,
    /// program | cart | tier_prompt | confirmation.
    #[serde(default)]
    pub surface: ClaimSurface,
    /// aov_lift | conversion_lift | rpv_lift | take_rate | attributed_share |
    /// attributed_revenue.
    pub figure: ClaimFigure,
    /// The least the figure must be for the claim to hold (a lift or share as a
    /// fraction: 0.3 = 30%; attributed revenue in currency a year).
    pub at_least: f64,
    /// The most it may be (a claimed range such as 15-30%); none: no upper end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
    /// incremental | attributed: how a claimed lift was measured.
    #[serde(default)]
    pub basis: ClaimBasis,
}
