//! The scenario: the editable file form ([`spec`]), uncertain inputs ([`param`]) and the
//! validated, index-resolved [`Scenario`] the engine runs. No I/O, no front end.

pub mod edit;
pub mod fields;
pub mod param;
pub mod spec;
mod validate;

pub use fields::{
    Behaviour, BehaviourDrawn, FieldId, MAX_DISCOUNT, MAX_MONEY, MAX_OFFERS, MAX_REPLICATIONS, MAX_SLOTS, MAX_VISITORS,
    MIN_WEIGHT,
};
pub use param::{Dist, Param, Sampler};
pub use spec::*;
pub use validate::{
    FieldError, Limits, MAX_CART_ITEMS, MAX_LISTED_PROBLEMS, did_you_mean, item_stream, lever_fields_on, stream_id,
    validate, validate_claims,
};

/// Money is kept in integer minor units (cents) so that sums are exact and
/// independent of summation order.
pub type Cents = i64;

/// Converts currency units to cents, rounding half away from zero (saturating at
/// the ends of the range; validation keeps money far inside it).
pub fn to_cents(units: f64) -> Cents {
    (units * 100.0).round() as Cents
}

/// An input that may be uncertain, checked and ready to draw.
#[derive(Debug, Clone)]
pub struct Input {
    /// Which field it is.
    pub field: FieldId,
    /// Its canonical field path (`segments[0].share`).
    pub path: String,
    /// The value or distribution as written.
    pub param: Param,
    /// Sampler for the value.
    pub sampler: Sampler,
    /// Identifies the input's own random stream: a hash of its field path, with a
    /// strategy's levers named by the strategy's name ([`item_stream`]), so that
    /// reordering the strategies changes no draw.
    pub stream: u64,
    /// Allowed range; draws are clamped into it.
    pub lo: f64,
    /// Allowed range; draws are clamped into it.
    pub hi: f64,
}

impl Input {
    /// Draws a value, clamped into the allowed range.
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sampler.sample(rng).clamp(self.lo, self.hi)
    }

    /// The fixed value or the distribution's mean, clamped.
    pub fn central(&self) -> f64 {
        self.param.central().clamp(self.lo, self.hi)
    }
}

/// One product, with its category resolved to an index.
#[derive(Debug, Clone)]
pub struct Product {
    /// Identifier from the file.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Index into [`Scenario::categories`].
    pub category: u32,
    /// Price in cents (> 0).
    pub price: Cents,
    /// Unit cost in cents (>= 0).
    pub cost: Cents,
    /// Popularity weight (> 0).
    pub popularity: f64,
    /// May be offered after checkout.
    pub post_purchase: bool,
}

/// A relevance link target: product index and strength (> 0). Links no stronger than
/// the replication's `baseline_relevance` are skipped when a cart's relevance is
/// built (a weaker link changes nothing, MODEL.md rule 2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkTarget {
    /// Target product index.
    pub to: u32,
    /// The strength's rank among the scenario's distinct link strengths (0 the weakest):
    /// ordering by rank is ordering by strength, ties included, in one integer.
    pub rank: u32,
    /// Strength in (0, 1], at the precision given (MODEL.md rule 13).
    pub strength: f64,
}

/// A traffic segment with its inputs.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Display name.
    pub name: String,
    /// Share of traffic (renormalised after drawing).
    pub share: Input,
    /// Add-to-cart rate.
    pub add_to_cart_rate: Input,
    /// Checkout completion without personalization.
    pub checkout_completion: Input,
    /// Mean intended cart size (items).
    pub mean_cart_size: Input,
    /// Acceptance propensity.
    pub acceptance_propensity: Input,
    /// Price sensitivity.
    pub price_sensitivity: Input,
    /// Friction sensitivity.
    pub friction_sensitivity: Input,
    /// Loyalty membership share.
    pub loyalty_member_share: Input,
    /// Share of orders on which a confirmation-page offer can render.
    pub post_checkout_eligibility: Input,
    /// Per-shopper spend to date (currency units), sampled per member with a cart.
    pub spend_to_date: Sampler,
    /// Affinity per category index (1 where the file lists none).
    pub category_affinity: Vec<f64>,
}

/// A loyalty tier.
#[derive(Debug, Clone)]
pub struct Tier {
    /// Display name.
    pub name: String,
    /// Threshold in cents.
    pub threshold: Cents,
    /// What an upgrade into it costs the store (currency).
    pub upgrade_cost: Input,
}

/// Which suggestions a pre-checkout stage shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrePolicy {
    /// The most popular products not in the cart.
    Popular,
    /// The most relevant to the cart, ranked as given.
    Matched(Ranking),
}

/// A pre-checkout stage that is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreCheckout {
    /// What it shows.
    pub policy: PrePolicy,
    /// Slots, 1 to [`MAX_SLOTS`].
    pub slots: u32,
}

/// A tier prompt that is on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TierPrompt {
    /// Whenever the gap to the next tier is positive.
    Universal,
    /// Only when 0 < gap <= window x next threshold (window in (0, 1]).
    Window(f64),
}

/// Which offers a post-checkout stage makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostPolicy {
    /// The most popular eligible products not in the order.
    Popular,
    /// The best expected revenue for this order.
    Matched,
}

/// A post-checkout stage that is on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PostCheckout {
    /// What it offers.
    pub policy: PostPolicy,
    /// Offers, 1 to [`MAX_OFFERS`].
    pub offers: u32,
    /// Discount on the offer price, in [0, 0.9].
    pub offer_discount: f64,
}

/// A strategy as the engine runs it: a stage that is off is `None`, so it cannot be
/// represented where it runs.
#[derive(Debug, Clone)]
pub struct Strategy {
    /// Display name, unique.
    pub name: String,
    /// Pre-checkout suggestions.
    pub pre_checkout: Option<PreCheckout>,
    /// Loyalty-tier prompt.
    pub tier_prompt: Option<TierPrompt>,
    /// Friction reduction at checkout (may be uncertain; 0 when off).
    pub friction_reduction: Input,
    /// Discount on the checkout order, in [0, 0.9].
    pub discount: f64,
    /// Post-checkout offers.
    pub post_checkout: Option<PostCheckout>,
    /// The free-shipping threshold and prompt it runs (the store's unless it overrides them).
    pub shipping: StrategyShipping,
}

/// The free-shipping policy a strategy runs (MODEL.md rule 22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StrategyShipping {
    /// Goods worth at least this much ship free, cents (0: every order does).
    pub threshold: Cents,
    /// Whether carts within the store's window below it see "add $X for free shipping".
    pub prompt: bool,
}

/// The store's shipping policy, validated (MODEL.md rule 22).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shipping {
    /// The store's threshold, cents.
    pub threshold: Cents,
    /// The fee below a threshold, cents.
    pub fee: Cents,
    /// Whether the store shows the prompt.
    pub prompt: bool,
    /// The prompt's window, a share of the threshold in (0, 1].
    pub prompt_window: f64,
}

impl Strategy {
    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its uncertain levers (those a strategy may give a distribution: the registry's
    /// uncertain [`fields::Role::Lever`] fields; a test keeps the two lists equal).
    pub fn inputs(&self) -> [&Input; 1] {
        [&self.friction_reduction]
    }

    /// Its uncertain levers, to change.
    fn inputs_mut(&mut self) -> [&mut Input; 1] {
        [&mut self.friction_reduction]
    }

    /// Draws every uncertain lever as the strategy named `name` draws it: the same
    /// random stream, so the same value in each replication when the distributions
    /// are the same (a variant of that strategy, run beside it on the same visitors).
    pub fn draw_as(&mut self, name: &str) {
        for input in self.inputs_mut() {
            input.stream = item_stream(input.field, name);
        }
    }

    /// Whether the strategy shows anything before checkout (suggestions or a prompt).
    pub fn shows_before_checkout(&self) -> bool {
        self.pre_checkout.is_some() || self.tier_prompt.is_some()
    }
}

/// A validated scenario: every reference resolved, every number in range, every
/// stage typed. It holds no file form: the engine cannot reach back into the file.
///
/// Invariants: at least one product, segment and strategy; exactly one holdout, with
/// every stage off and no checkout lever; tier thresholds strictly increasing; link
/// lists hold only strengths above the baseline, strongest first; money totals of a
/// replication fit in 64-bit cents.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// Store and simulation settings.
    pub store: StoreSpec,
    /// Category names; products refer to them by index.
    pub categories: Vec<String>,
    /// Products in catalog order.
    pub products: Vec<Product>,
    /// Per product: relevance targets from links `from` that product.
    pub product_links: Vec<Vec<LinkTarget>>,
    /// Per category: relevance targets from links `from_category`.
    pub category_links: Vec<Vec<LinkTarget>>,
    /// Segments.
    pub segments: Vec<Segment>,
    /// Behaviour inputs.
    pub behaviour: Behaviour,
    /// What running each lever costs (MODEL.md rule 19).
    pub costs: CostsSpec,
    /// The store's free-shipping threshold, fee and prompt (MODEL.md rule 22).
    pub shipping: Shipping,
    /// Tiers by increasing threshold.
    pub tiers: Vec<Tier>,
    /// Strategies in file order.
    pub strategies: Vec<Strategy>,
    /// Index of the holdout strategy.
    pub holdout: usize,
    /// How the correlated inputs are drawn together (`None`: every input independent).
    pub copula: Option<Copula>,
    /// Uncertain inputs held at one value ([`Scenario::hold`]); empty for a scenario
    /// as its file gives it.
    pub held: Vec<Hold>,
}

/// An uncertain input held at one value in every replication: the question "what if
/// this input were x?" that sensitivity and sweeps ask. Unlike setting the field to
/// a fixed value in the file form, holding keeps the rest of the world consistent
/// with the held value: a held segment share keeps its value and the other shares
/// are drawn and scaled to fill the rest of the traffic, and the partners of a
/// correlated input are drawn from their distribution given the held value (the
/// Gaussian copula's conditional, [`Copula::condition`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hold {
    /// The input's random stream ([`Input::stream`]).
    pub stream: u64,
    /// The value held (within the input's allowed range).
    pub value: f64,
}

/// A Gaussian copula over the inputs named in the scenario's correlations: each draws
/// a uniform from its own stream, turned into a standard normal; the normals are
/// mixed by the Cholesky factor of their correlation matrix, turned back into
/// uniforms and then into values by each input's quantile function. Spearman's rank
/// correlation rho of two inputs comes from the normals' correlation 2 sin(pi rho / 6).
#[derive(Debug, Clone, PartialEq)]
pub struct Copula {
    /// The inputs' random streams (see [`Input::stream`]), in matrix order.
    pub streams: Vec<u64>,
    /// Their distributions.
    pub dists: Vec<Dist>,
    /// Their allowed ranges (draws are clamped into them).
    pub ranges: Vec<(f64, f64)>,
    /// The normals' correlation matrix, row by row (`n x n`).
    pub matrix: Vec<f64>,
    /// The lower-triangular Cholesky factor of [`Copula::matrix`], row by row.
    pub cholesky: Vec<f64>,
}

impl Copula {
    /// Moves the correlated normals `x` (one replication's, in matrix order) to a
    /// draw from their distribution given that the normals at the indices of `held`
    /// take the given values: x + R[:, H] R[H, H]^-1 (x*_H - x_H), R the correlation
    /// matrix (conditioning by kriging: the result is exactly the conditional normal
    /// distribution, and each input keeps its own stream's randomness, so common
    /// random numbers hold). Held indices end exactly at their values.
    pub fn condition(&self, x: &mut [f64], held: &[(usize, f64)]) {
        let n = self.streams.len();
        if held.is_empty() || x.len() != n {
            return;
        }
        let h = held.len();
        let sub: Vec<f64> = held
            .iter()
            .flat_map(|&(a, _)| held.iter().map(move |&(b, _)| (a, b)))
            .map(|(a, b)| self.matrix[a * n + b])
            .collect();
        let gap: Vec<f64> = held.iter().map(|&(k, v)| v - x[k]).collect();
        let Some(w) = crate::stats::solve_spd(&sub, h, &gap) else { return };
        for (i, xi) in x.iter_mut().enumerate() {
            *xi += held.iter().zip(&w).map(|(&(k, _), wk)| self.matrix[i * n + k] * wk).sum::<f64>();
        }
        for &(k, v) in held {
            x[k] = v;
        }
    }
}

impl Scenario {
    /// Builds a scenario from its file form.
    pub fn from_spec(spec: ScenarioSpec) -> Result<Self, Vec<FieldError>> {
        validate(&spec, &Limits::default())
    }

    /// The strategy an analysis studies when none is named ([`featured_strategy`]).
    pub fn featured_strategy(&self) -> Option<usize> {
        let holdout = self.holdout;
        featured_strategy(self.strategies.iter().enumerate().map(move |(k, s)| (s.name(), k == holdout)))
    }

    /// This scenario (validated from `spec`) with other strategies, checked as a
    /// file's would be; nothing else is checked again (the optimizer's candidates).
    pub fn with_strategies(&self, spec: &ScenarioSpec, strategies: &[StrategySpec]) -> Result<Self, Vec<FieldError>> {
        validate::with_strategies(self, spec, strategies)
    }

    /// This scenario with the input at `path` (canonical) held at `value` in every
    /// replication (clamped into the input's range); see [`Hold`]. Holding a fixed
    /// input is setting it, except for a segment share, whose partners then fill the
    /// rest of the traffic. Refuses a path that is not an input of this scenario.
    pub fn hold(mut self, path: &str, value: f64) -> Result<Self, HoldError> {
        let Some(input) = self.inputs().into_iter().find(|(p, _)| *p == path).map(|(_, i)| i) else {
            return Err(HoldError::NotAnInput(path.to_string()));
        };
        if !value.is_finite() {
            return Err(HoldError::NotFinite(path.to_string(), value));
        }
        if input.stream == self.strategies[self.holdout].friction_reduction.stream {
            return Err(HoldError::HoldoutLever(path.to_string()));
        }
        let hold = Hold { stream: input.stream, value: value.clamp(input.lo, input.hi) };
        self.held.retain(|h| h.stream != hold.stream);
        self.held.push(hold);
        Ok(self)
    }

    /// The inputs held, by path, with their values.
    pub fn held_inputs(&self) -> Vec<(&str, f64)> {
        self.inputs().into_iter().filter_map(|(p, i)| Some((p, self.held_value(i.stream)?))).collect()
    }

    /// The value the input with random stream `stream` is held at, if it is.
    pub fn held_value(&self, stream: u64) -> Option<f64> {
        self.held.iter().find(|h| h.stream == stream).map(|h| h.value)
    }

    /// Visitors simulated per replication.
    pub fn visitors(&self) -> u64 {
        self.store.visitors
    }

    /// Replications.
    pub fn replications(&self) -> u32 {
        self.store.replications
    }

    /// Seed.
    pub fn seed(&self) -> u64 {
        self.store.seed
    }

    /// Whether the field moves only net figures (MODEL.md rules 18 and 19: returns and
    /// the tiers' upgrade costs), so that no gross metric depends on it.
    pub fn net_only(field: FieldId) -> bool {
        matches!(
            field,
            FieldId::ReturnRateBaseCart
                | FieldId::ReturnRateCrossSell
                | FieldId::ReturnRateTierTopUp
                | FieldId::ReturnRatePostCheckout
                | FieldId::ReturnHandlingCost
                | FieldId::TierUpgradeCost
        )
    }

    /// Whether the field moves only margins, not revenue gross or net (what returned
    /// goods cost to handle, the tiers' upgrade costs, the store's shipping cost).
    pub fn margin_only(field: FieldId) -> bool {
        matches!(field, FieldId::ReturnHandlingCost | FieldId::TierUpgradeCost | FieldId::ShippingCost)
    }

    /// Whether any strategy may charge a shipping fee or show the free-shipping prompt,
    /// or the store's shipping cost may be above 0 (MODEL.md rule 22).
    pub fn has_shipping(&self) -> bool {
        let cost = &self.behaviour.shipping_cost;
        let costs = match self.held_value(cost.stream) {
            Some(v) => v > 0.0,
            None => cost.param.is_uncertain() || cost.central() > 0.0,
        };
        costs
            || self.strategies.iter().any(|s| s.shipping.prompt && s.shipping.threshold > 0)
            || (self.shipping.fee > 0 && self.strategies.iter().any(|s| s.shipping.threshold > 0))
    }

    /// Whether any lever or tier costs something to run (MODEL.md rule 19).
    pub fn has_costs(&self) -> bool {
        self.costs != CostsSpec::default()
            || self.tiers.iter().any(|t| t.upgrade_cost.param.is_uncertain() || t.upgrade_cost.central() > 0.0)
    }

    /// The return facts (MODEL.md rule 18): the four return rates and the handling cost.
    pub fn return_inputs(&self) -> [&Input; 5] {
        let b = &self.behaviour;
        [
            &b.return_rate_base_cart,
            &b.return_rate_cross_sell,
            &b.return_rate_tier_top_up,
            &b.return_rate_post_checkout,
            &b.return_handling_cost,
        ]
    }

    /// Whether any return rate or the handling cost may be above 0 in some
    /// replication (held, fixed or drawn).
    pub fn has_returns(&self) -> bool {
        self.return_inputs().iter().any(|i| match self.held_value(i.stream) {
            Some(v) => v > 0.0,
            None => i.param.is_uncertain() || i.central() > 0.0,
        })
    }

    /// Every uncertain input (drawn once per replication), with its canonical path.
    pub fn uncertain_inputs(&self) -> Vec<(&str, &Input)> {
        self.inputs().into_iter().filter(|(_, i)| i.param.is_uncertain()).collect()
    }

    /// Every input that may be uncertain, fixed or not, with its canonical path.
    pub fn inputs(&self) -> Vec<(&str, &Input)> {
        let mut out: Vec<&Input> = self.behaviour.inputs();
        for s in &self.segments {
            out.extend([
                &s.share,
                &s.add_to_cart_rate,
                &s.checkout_completion,
                &s.mean_cart_size,
                &s.acceptance_propensity,
                &s.price_sensitivity,
                &s.friction_sensitivity,
                &s.loyalty_member_share,
                &s.post_checkout_eligibility,
            ]);
        }
        out.extend(self.tiers.iter().map(|t| &t.upgrade_cost));
        out.extend(self.strategies.iter().map(|s| &s.friction_reduction));
        out.into_iter().map(|i| (i.path.as_str(), i)).collect()
    }
}

/// Why an input cannot be held ([`Scenario::hold`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HoldError {
    /// The path is not one of the scenario's inputs that may be uncertain.
    #[error(
        "`{0}` is not an input of this scenario that may be uncertain (a fact about the shoppers or a friction \
         reduction), so it cannot be held"
    )]
    NotAnInput(String),
    /// The value is not a number.
    #[error("`{0}` cannot be held at {1}")]
    NotFinite(String, f64),
    /// The holdout's levers are off by definition.
    #[error("`{0}` is a lever of the holdout, which has every lever off; it cannot be held")]
    HoldoutLever(String),
}

#[cfg(test)]
mod strategy_inputs {
    use super::fields::{FIELDS, Kind, Role};

    /// A strategy's uncertain levers are the registry's: a new one must be drawn (and
    /// shared by a variant) like the others.
    #[test]
    fn a_strategy_lists_every_uncertain_lever_of_the_registry() {
        let sc = crate::io::article();
        let listed: Vec<_> = sc.strategies[0].inputs().iter().map(|i| i.field).collect();
        let registry: Vec<_> =
            FIELDS.iter().filter(|f| f.role == Role::Lever && f.kind == Kind::Uncertain).map(|f| f.id).collect();
        assert_eq!(listed, registry);
    }

    /// Reordering the strategies changes no strategy's draws.
    #[test]
    fn a_strategys_streams_follow_its_name_not_its_place() {
        let mut spec = crate::io::article_spec();
        let before = super::Scenario::from_spec(spec.clone()).unwrap();
        spec.strategies.reverse();
        let after = super::Scenario::from_spec(spec).unwrap();
        for s in &before.strategies {
            let t = after.strategies.iter().find(|t| t.name == s.name).unwrap();
            assert_eq!(s.friction_reduction.stream, t.friction_reduction.stream, "{}", s.name);
        }
    }
}
