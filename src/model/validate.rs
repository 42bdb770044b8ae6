//! File form -> validated scenario. Every problem is collected with its field path
//! (e.g. `segments[1].share`) and a message that says what is allowed.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use super::param::{Param, num, range_text};
use super::spec::*;
use super::*;
use crate::format::int;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path with indices, e.g. `strategies[2].tier_prompt.window`.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Size caps that keep a run inside memory and a sane time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Products in the catalog.
    pub max_products: usize,
    /// Complement links.
    pub max_links: usize,
    /// Segments.
    pub max_segments: usize,
    /// Loyalty tiers.
    pub max_tiers: usize,
    /// Strategies.
    pub max_strategies: usize,
    /// Visitors per replication.
    pub max_visitors: u64,
    /// Replications.
    pub max_replications: u32,
    /// Visitors x replications.
    pub max_total_visitors: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_products: 200_000,
            max_links: 2_000_000,
            max_segments: 64,
            max_tiers: 32,
            max_strategies: 64,
            max_visitors: 1_000_000_000,
            max_replications: 20_000,
            max_total_visitors: 100_000_000_000,
        }
    }
}

/// Largest pre-checkout slots per strategy.
pub const MAX_SLOTS: u32 = 10;
/// Largest post-checkout offers per strategy.
pub const MAX_OFFERS: u32 = 5;
/// Smallest positive popularity or category affinity (their product must stay
/// representable in cart-building weights).
const MIN_WEIGHT: f64 = 1e-6;
/// Largest allowed price, cost, threshold or spend, in currency units.
pub const MAX_MONEY: f64 = 1e9;
/// Most items in one intended cart: 1 + Poisson(mean cart size - 1), capped here. With
/// mean cart sizes of at most 50 (draws are clamped to it) the cap binds with
/// probability below 1e-19 (MODEL.md rule 16; tested), so it never changes a result.
pub const MAX_CART_ITEMS: usize = 128;
/// Problems listed at most; the rest are counted ("and 999,980 more").
pub const MAX_LISTED_PROBLEMS: usize = 100;

struct Checker {
    errors: Vec<FieldError>,
    /// Problems found beyond [`MAX_LISTED_PROBLEMS`].
    unlisted: usize,
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.errors.len() >= MAX_LISTED_PROBLEMS {
            self.unlisted += 1;
            return;
        }
        self.errors.push(FieldError { path: path.into(), message: message.into() });
    }

    /// Every problem, with a last line counting those not listed.
    fn finish(mut self) -> Vec<FieldError> {
        if self.unlisted > 0 {
            let n = int(self.unlisted as u64);
            self.errors.push(FieldError {
                path: String::new(),
                message: format!("and {n} more problems (only the first {MAX_LISTED_PROBLEMS} are listed)"),
            });
        }
        self.errors
    }

    fn input(&mut self, path: String, p: &Param, lo: f64, hi: f64) -> Input {
        if let Err(m) = p.check_range(lo, hi) {
            self.err(path.clone(), m);
        }
        let sampler = p.sampler().unwrap_or(Sampler::Fixed(lo));
        Input { param: p.clone(), sampler, stream: stream_id(&path), lo, hi }
    }

    fn number(&mut self, path: String, v: f64, lo: f64, hi: f64) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            self.err(path, format!("{} is outside the allowed range {}", num(v), range_text(lo, hi)));
        }
    }

    fn positive(&mut self, path: String, v: f64, hi: f64) {
        if !(v.is_finite() && v > 0.0 && v <= hi) {
            self.err(path, format!("{} is not allowed: must be > 0 and <= {}", num(v), num(hi)));
        }
    }

    fn name(&mut self, path: String, v: &str) {
        if v.trim().is_empty() {
            self.err(path, "must not be empty");
        } else {
            self.printable(path, v);
        }
    }

    /// Names are printed on terminals and in reports: no control characters.
    fn printable(&mut self, path: String, v: &str) {
        if let Some(c) = v.chars().find(|c| c.is_control()) {
            self.err(
                path,
                format!(
                    "contains the control character U+{:04X}; names may hold letters, digits, spaces and punctuation only",
                    u32::from(c)
                ),
            );
        }
    }
}

/// A stable 64-bit id for a field path (FNV-1a): the input's own random stream.
pub fn stream_id(path: &str) -> u64 {
    path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// The closest name in `options`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    options
        .into_iter()
        .map(|o| (strsim::jaro_winkler(word, o), o))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

fn unknown(kind: &str, name: &str, options: &[&str]) -> String {
    match did_you_mean(name, options.iter().copied()) {
        Some(s) => format!("no {kind} `{name}`; did you mean `{s}`?"),
        None => format!("no {kind} `{name}` in the scenario"),
    }
}

/// Checks a scenario file form and builds the validated [`Scenario`], or returns
/// every problem found.
pub fn validate(spec: ScenarioSpec, limits: &Limits) -> Result<Scenario, Vec<FieldError>> {
    let mut c = Checker { errors: Vec::new(), unlisted: 0 };
    if spec.format_version != FORMAT_VERSION {
        c.err(
            "format_version",
            format!("format_version {} is not supported; this build reads {FORMAT_VERSION}", spec.format_version),
        );
    }
    c.name("name".into(), &spec.name);
    check_store(&mut c, &spec.store, limits);

    // Catalog.
    if spec.products.is_empty() {
        c.err("products", "the catalog is empty; add at least one [[products]]");
    }
    if spec.products.len() > limits.max_products {
        c.err("products", format!("{} products; at most {} are allowed", spec.products.len(), limits.max_products));
    }
    let mut categories: Vec<String> = Vec::new();
    let mut cat_index: HashMap<&str, u32> = HashMap::new();
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut products = Vec::with_capacity(spec.products.len());
    for (i, p) in spec.products.iter().enumerate() {
        let path = format!("products[{i}]");
        c.name(format!("{path}.id"), &p.id);
        if ids.insert(p.id.as_str(), i as u32).is_some() {
            c.err(format!("{path}.id"), format!("duplicate product id `{}`; ids must be unique", p.id));
        }
        c.name(format!("{path}.category"), &p.category);
        c.printable(format!("{path}.name"), &p.name);
        c.positive(format!("{path}.price"), p.price, MAX_MONEY);
        if p.price.is_finite() && p.price > 0.0 && to_cents(p.price) < 1 {
            c.err(format!("{path}.price"), format!("{} rounds to zero cents; must be at least 0.01", p.price));
        }
        c.number(format!("{path}.cost"), p.cost, 0.0, MAX_MONEY);
        // Bounded below so that popularity x affinity never underflows to zero.
        c.number(format!("{path}.popularity"), p.popularity, MIN_WEIGHT, 1e12);
        let next = categories.len() as u32;
        let cat = *cat_index.entry(p.category.as_str()).or_insert_with(|| {
            categories.push(p.category.clone());
            next
        });
        products.push(Product {
            id: p.id.clone(),
            name: p.name.clone(),
            category: cat,
            price: to_cents(p.price).max(1),
            cost: to_cents(p.cost).max(0),
            popularity: p.popularity,
            post_purchase: p.post_purchase,
        });
    }

    // Behaviour.
    let b = &spec.behaviour;
    let behaviour = Behaviour {
        baseline_relevance: c.input("behaviour.baseline_relevance".into(), &b.baseline_relevance, 0.0, 1.0),
        pre_checkout_base_accept: c.input(
            "behaviour.pre_checkout_base_accept".into(),
            &b.pre_checkout_base_accept,
            0.0,
            1.0,
        ),
        post_checkout_base_accept: c.input(
            "behaviour.post_checkout_base_accept".into(),
            &b.post_checkout_base_accept,
            0.0,
            1.0,
        ),
        friction_per_slot: c.input("behaviour.friction_per_slot".into(), &b.friction_per_slot, 0.0, 1.0),
        discount_elasticity: c.input("behaviour.discount_elasticity".into(), &b.discount_elasticity, 0.0, 20.0),
        tier_max_uptake: c.input("behaviour.tier_max_uptake".into(), &b.tier_max_uptake, 0.0, 1.0),
        tier_gap_decay: c.input("behaviour.tier_gap_decay".into(), &b.tier_gap_decay, 0.0, 100.0),
    };

    // Links.
    if spec.links.len() > limits.max_links {
        c.err("links", format!("{} links; at most {} are allowed", spec.links.len(), limits.max_links));
    }
    let id_list: Vec<&str> = spec.products.iter().map(|p| p.id.as_str()).collect();
    let cat_list: Vec<&str> = categories.iter().map(String::as_str).collect();
    let mut product_links: Vec<Vec<LinkTarget>> = vec![Vec::new(); products.len()];
    let mut category_links: Vec<Vec<LinkTarget>> = vec![Vec::new(); categories.len()];
    for (i, l) in spec.links.iter().enumerate() {
        let path = format!("links[{i}]");
        c.number(format!("{path}.strength"), l.strength, 0.0, 1.0);
        let to = ids.get(l.to.as_str()).copied();
        if to.is_none() {
            c.err(format!("{path}.to"), unknown("product", &l.to, &id_list));
        }
        let target = match (&l.from, &l.from_category) {
            (Some(_), Some(_)) | (None, None) => {
                c.err(path.clone(), "give exactly one of `from` (a product id) or `from_category` (a category)");
                None
            }
            (Some(f), None) => match ids.get(f.as_str()) {
                Some(&p) => Some(&mut product_links[p as usize]),
                None => {
                    c.err(format!("{path}.from"), unknown("product", f, &id_list));
                    None
                }
            },
            (None, Some(f)) => match cat_index.get(f.as_str()) {
                Some(&k) => Some(&mut category_links[k as usize]),
                None => {
                    c.err(format!("{path}.from_category"), unknown("category", f, &cat_list));
                    None
                }
            },
        };
        if let (Some(list), Some(to)) = (target, to)
            && l.strength > 0.0
            && l.strength <= 1.0
        {
            list.push(LinkTarget { to, rank: 0, strength: l.strength });
        }
    }
    let mut strengths: Vec<f64> = product_links.iter().chain(&category_links).flatten().map(|l| l.strength).collect();
    strengths.sort_by(f64::total_cmp);
    strengths.dedup();
    for list in product_links.iter_mut().chain(category_links.iter_mut()) {
        for l in list.iter_mut() {
            l.rank = strengths.partition_point(|&s| s < l.strength) as u32;
        }
        merge_links(list, &products);
    }

    // Segments.
    if spec.segments.is_empty() {
        c.err("segments", "no segments; add at least one [[segments]]");
    }
    if spec.segments.len() > limits.max_segments {
        c.err("segments", format!("{} segments; at most {} are allowed", spec.segments.len(), limits.max_segments));
    }
    let mut seg_names = BTreeSet::new();
    let mut segments = Vec::with_capacity(spec.segments.len());
    for (i, s) in spec.segments.iter().enumerate() {
        let path = format!("segments[{i}]");
        c.name(format!("{path}.name"), &s.name);
        if !seg_names.insert(s.name.as_str()) {
            c.err(format!("{path}.name"), format!("duplicate segment name `{}`", s.name));
        }
        let mut affinity = vec![1.0; categories.len()];
        for (cat, &a) in &s.category_affinity {
            let p = format!("{path}.category_affinity.{cat}");
            if !(a == 0.0 || (MIN_WEIGHT..=1e6).contains(&a)) {
                c.err(
                    p.clone(),
                    format!(
                        "{} is not allowed: use 0 (never in carts) or a value in [{}, 1000000]",
                        num(a),
                        num(MIN_WEIGHT)
                    ),
                );
            }
            match cat_index.get(cat.as_str()) {
                Some(&k) => affinity[k as usize] = a.clamp(0.0, 1e6),
                None => c.err(p, unknown("category", cat, &cat_list)),
            }
        }
        if !products.is_empty() && products.iter().all(|p| affinity[p.category as usize] == 0.0) {
            c.err(format!("{path}.category_affinity"), "every category has affinity 0: this segment could buy nothing");
        }
        if let Err(m) = s.spend_to_date.check_range(0.0, MAX_MONEY) {
            c.err(format!("{path}.spend_to_date"), m);
        }
        segments.push(Segment {
            name: s.name.clone(),
            share: c.input(format!("{path}.share"), &s.share, 0.0, 1.0),
            add_to_cart_rate: c.input(format!("{path}.add_to_cart_rate"), &s.add_to_cart_rate, 0.0, 1.0),
            checkout_completion: c.input(format!("{path}.checkout_completion"), &s.checkout_completion, 0.0, 1.0),
            mean_cart_size: c.input(format!("{path}.mean_cart_size"), &s.mean_cart_size, 1.0, 50.0),
            acceptance_propensity: c.input(
                format!("{path}.acceptance_propensity"),
                &s.acceptance_propensity,
                0.0,
                10.0,
            ),
            price_sensitivity: c.input(format!("{path}.price_sensitivity"), &s.price_sensitivity, 0.0, 100.0),
            friction_sensitivity: c.input(format!("{path}.friction_sensitivity"), &s.friction_sensitivity, 0.0, 100.0),
            loyalty_member_share: c.input(format!("{path}.loyalty_member_share"), &s.loyalty_member_share, 0.0, 1.0),
            spend_to_date: s.spend_to_date.sampler().unwrap_or(Sampler::Fixed(0.0)),
            category_affinity: affinity,
        });
    }
    check_shares(&mut c, &spec.segments);

    // Tiers.
    if spec.tiers.len() > limits.max_tiers {
        c.err("tiers", format!("{} tiers; at most {} are allowed", spec.tiers.len(), limits.max_tiers));
    }
    let mut tiers = Vec::with_capacity(spec.tiers.len());
    for (i, t) in spec.tiers.iter().enumerate() {
        let path = format!("tiers[{i}]");
        c.name(format!("{path}.name"), &t.name);
        c.positive(format!("{path}.threshold"), t.threshold, MAX_MONEY);
        if let Some(prev) = spec.tiers.get(i.wrapping_sub(1))
            && i > 0
            && t.threshold <= prev.threshold
        {
            c.err(
                format!("{path}.threshold"),
                format!("{} must be greater than the previous tier's threshold {}", t.threshold, prev.threshold),
            );
        }
        tiers.push(Tier { name: t.name.clone(), threshold: to_cents(t.threshold) });
    }

    let (strategies, holdout) = check_strategies(&mut c, &spec.strategies, limits);
    check_money_totals(&mut c, &spec, &products);

    if c.errors.is_empty() && c.unlisted == 0 {
        Ok(Scenario {
            spec,
            categories,
            products,
            product_links,
            category_links,
            segments,
            behaviour,
            tiers,
            strategies,
            holdout,
        })
    } else {
        Err(c.finish())
    }
}

/// MODEL.md rule 12: a replication's money totals are sums of whole cents in 64-bit
/// integers; refuse a scenario where they could overflow. The largest order holds
/// every cart item, suggestion, top-up and offer at the highest price (or cost, for
/// margin) in the catalog.
fn check_money_totals(c: &mut Checker, spec: &ScenarioSpec, products: &[Product]) {
    let unit = products.iter().map(|p| p.price.max(p.cost)).max().unwrap_or(0);
    let on = |s: &&StrategySpec| s.pre_checkout.policy != OfferPolicy::Off;
    let slots = spec.strategies.iter().filter(on).map(|s| s.pre_checkout.slots.min(MAX_SLOTS)).max().unwrap_or(0);
    let offers = spec
        .strategies
        .iter()
        .filter(|s| s.post_checkout.policy != OfferPolicy::Off)
        .map(|s| s.post_checkout.offers.min(MAX_OFFERS))
        .max()
        .unwrap_or(0);
    let items = MAX_CART_ITEMS as i128 + i128::from(slots) + 1 + i128::from(offers);
    let largest_order = i128::from(unit) * items;
    let total = largest_order * i128::from(spec.store.visitors);
    if total > i128::from(i64::MAX) {
        let most = (i128::from(i64::MAX) / largest_order.max(1)).max(0);
        c.err(
            "store.visitors",
            format!(
                "{} visitors could spend more than a replication's exact total can hold ({}{}): an order may hold \
                 up to {items} items at {} (the highest price or cost in the catalog); use at most {} visitors per \
                 replication, or lower the highest price",
                int(spec.store.visitors),
                crate::format::currency_symbol(&spec.store.currency),
                int(i64::MAX as u64 / 100),
                crate::format::money(unit as f64 / 100.0, &spec.store.currency, 2),
                int(u64::try_from(most).unwrap_or(u64::MAX)),
            ),
        );
    }
}

fn check_store(c: &mut Checker, s: &StoreSpec, limits: &Limits) {
    if !(s.currency.len() == 3 && s.currency.bytes().all(|b| b.is_ascii_uppercase())) {
        c.err(
            "store.currency",
            format!("`{}` is not a currency code: use three capital letters (ISO 4217), e.g. \"USD\"", s.currency),
        );
    }
    c.positive("store.annual_gmv".into(), s.annual_gmv, 1e15);
    if s.visitors == 0 || s.visitors > limits.max_visitors {
        c.err(
            "store.visitors",
            format!(
                "{} is not allowed: must be a whole number from 1 to {}",
                int(s.visitors),
                int(limits.max_visitors)
            ),
        );
    }
    if s.replications == 0 || s.replications > limits.max_replications {
        c.err(
            "store.replications",
            format!(
                "{} is not allowed: must be a whole number from 1 to {}",
                int(u64::from(s.replications)),
                int(u64::from(limits.max_replications))
            ),
        );
    }
    let total = s.visitors.saturating_mul(u64::from(s.replications));
    if total > limits.max_total_visitors {
        c.err(
            "store",
            format!(
                "visitors x replications = {} x {} = {} exceeds the cap of {} visitor-sessions per run; lower \
                 visitors or replications",
                int(s.visitors),
                int(u64::from(s.replications)),
                int(total),
                int(limits.max_total_visitors)
            ),
        );
    }
}

fn check_shares(c: &mut Checker, segments: &[SegmentSpec]) {
    if segments.is_empty() {
        return;
    }
    let sum: f64 = segments.iter().map(|s| s.share.central()).sum();
    let uncertain = segments.iter().any(|s| s.share.is_uncertain());
    let tol = if uncertain { 0.02 } else { 1e-6 };
    if (sum - 1.0).abs() > tol || !sum.is_finite() {
        let what = if uncertain { "the shares' means sum" } else { "the shares sum" };
        c.err("segments", format!("{what} to {sum:.6}; segment shares must sum to 1 (within {tol})"));
    }
}

fn check_strategies(c: &mut Checker, strategies: &[StrategySpec], limits: &Limits) -> (Vec<Strategy>, usize) {
    if strategies.len() > limits.max_strategies {
        c.err("strategies", format!("{} strategies; at most {} are allowed", strategies.len(), limits.max_strategies));
    }
    let mut names = BTreeSet::new();
    let mut holdout: Option<usize> = None;
    let mut out = Vec::with_capacity(strategies.len());
    for (i, s) in strategies.iter().enumerate() {
        let path = format!("strategies[{i}]");
        c.name(format!("{path}.name"), &s.name);
        if !names.insert(s.name.as_str()) {
            c.err(format!("{path}.name"), format!("duplicate strategy name `{}`; names must be unique", s.name));
        }
        if s.pre_checkout.policy != OfferPolicy::Off && !(1..=MAX_SLOTS).contains(&s.pre_checkout.slots) {
            c.err(
                format!("{path}.pre_checkout.slots"),
                format!("{} is not allowed: must be a whole number from 1 to {MAX_SLOTS}", s.pre_checkout.slots),
            );
        }
        if s.tier_prompt.policy == TierPolicy::Window && !(s.tier_prompt.window > 0.0 && s.tier_prompt.window <= 1.0) {
            c.err(
                format!("{path}.tier_prompt.window"),
                format!("{} is not allowed: must be in (0, 1]", s.tier_prompt.window),
            );
        }
        let friction_reduction =
            c.input(format!("{path}.checkout.friction_reduction"), &s.checkout.friction_reduction, 0.0, 1.0);
        c.number(format!("{path}.checkout.discount"), s.checkout.discount, 0.0, 0.9);
        if s.post_checkout.policy != OfferPolicy::Off && !(1..=MAX_OFFERS).contains(&s.post_checkout.offers) {
            c.err(
                format!("{path}.post_checkout.offers"),
                format!("{} is not allowed: must be a whole number from 1 to {MAX_OFFERS}", s.post_checkout.offers),
            );
        }
        c.number(format!("{path}.post_checkout.offer_discount"), s.post_checkout.offer_discount, 0.0, 0.9);
        if s.holdout {
            if let Some(first) = holdout {
                c.err(
                    format!("{path}.holdout"),
                    format!("`{}` is already the holdout (strategies[{first}]); exactly one strategy may have holdout = true", strategies[first].name.as_str()),
                );
            } else {
                holdout = Some(i);
            }
            let on: Vec<&str> = [
                (s.pre_checkout.policy != OfferPolicy::Off, "pre_checkout.policy"),
                (s.tier_prompt.policy != TierPolicy::Off, "tier_prompt.policy"),
                (s.checkout.friction_reduction != Param::Fixed(0.0), "checkout.friction_reduction"),
                (s.checkout.discount != 0.0, "checkout.discount"),
                (s.post_checkout.policy != OfferPolicy::Off, "post_checkout.policy"),
            ]
            .into_iter()
            .filter_map(|(on, n)| on.then_some(n))
            .collect();
            if !on.is_empty() {
                c.err(
                    format!("{path}.holdout"),
                    format!("the holdout must have every lever off, but it sets {}", on.join(", ")),
                );
            }
        }
        out.push(Strategy { spec: s.clone(), friction_reduction });
    }
    if holdout.is_none() {
        c.err(
            "strategies",
            "no strategy has holdout = true; mark exactly one strategy (with every lever off) as the holdout",
        );
    }
    (out, holdout.unwrap_or(0))
}

/// Keeps the strongest link per target, ordered by strength, then popularity, then
/// catalog order (the `matched` ranking).
fn merge_links(list: &mut Vec<LinkTarget>, products: &[Product]) {
    list.sort_by(|a, b| a.to.cmp(&b.to).then(b.strength.total_cmp(&a.strength)));
    list.dedup_by_key(|l| l.to);
    list.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(products[b.to as usize].popularity.total_cmp(&products[a.to as usize].popularity))
            .then(a.to.cmp(&b.to))
    });
}
