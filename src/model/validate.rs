//! File form -> validated scenario. Every problem is collected with its field path
//! (e.g. `segments[1].share`) and a message that says what is allowed; ranges come
//! from the field registry ([`super::fields`]). Paths are only written out for
//! problems, so a million valid links cost no strings.

use std::collections::BTreeSet;

// FxHash: ids are looked up twice per link, two million times for the largest
// catalog; SipHash made that half of the whole check (docs/performance.md).
use rustc_hash::FxHashMap as HashMap;
use std::fmt;

use super::fields::{Field, FieldId, List, MIN_WEIGHT, Path};
use super::param::num;
use super::spec::*;
use super::*;
use crate::format::int;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path with indices, e.g. `strategies[2].tier_prompt.window` (empty for
    /// a problem of the whole scenario).
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.path, self.message) }
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
/// Most items in one intended cart: 1 + Poisson(mean cart size - 1), capped here. With
/// mean cart sizes of at most 50 (draws are clamped to it) the cap binds with
/// probability below 1e-19 (MODEL.md rule 16; tested), so it never changes a result.
pub const MAX_CART_ITEMS: usize = 128;
/// Problems listed at most; the rest are counted ("and 999,980 more").
pub const MAX_LISTED_PROBLEMS: usize = 100;

/// Where a problem is: a top-level field, or a field of a list item (formatted only
/// when a problem is reported).
#[derive(Clone, Copy)]
enum At<'a> {
    /// A section, list or other place written out (`store`, `segments`,
    /// `format_version`, a category affinity).
    Path(&'a str),
    /// A whole list item: `links[3]`.
    Item(List, usize),
    /// A field, of list item `index` for list fields: `links[3].strength`.
    Field(FieldId, Option<usize>),
}

impl At<'_> {
    fn text(self) -> String {
        match self {
            At::Path(p) => p.to_string(),
            At::Item(list, i) => format!("{}[{i}]", list.key()),
            At::Field(id, Some(i)) => Path::item(id, i).canonical(),
            At::Field(id, None) => id.path().to_string(),
        }
    }
}

/// Field `id` of list item `i`.
fn at(id: FieldId, i: usize) -> At<'static> {
    At::Field(id, Some(i))
}

struct Checker {
    /// The scenario's currency, for messages in money.
    currency: String,
    errors: Vec<FieldError>,
    /// Problems found beyond [`MAX_LISTED_PROBLEMS`].
    unlisted: usize,
}

impl Checker {
    fn err(&mut self, at: At, message: impl Into<String>) {
        if self.errors.len() >= MAX_LISTED_PROBLEMS {
            self.unlisted += 1;
            return;
        }
        self.errors.push(FieldError { path: at.text(), message: message.into() });
    }

    fn ok(&self) -> bool {
        self.errors.is_empty() && self.unlisted == 0
    }

    /// Every problem, with a last line counting those not listed.
    fn finish(mut self) -> Vec<FieldError> {
        if self.unlisted > 0 {
            self.errors.push(FieldError {
                path: String::new(),
                message: format!(
                    "and {} more problems (only the first {MAX_LISTED_PROBLEMS} are listed)",
                    int(self.unlisted as u64)
                ),
            });
        }
        self.errors
    }

    /// An uncertain input (field `id`, of list item `i`): checked against its field's
    /// range, ready to draw from its own stream, named by its canonical path.
    fn input(&mut self, id: FieldId, i: Option<usize>, p: &Param) -> Input {
        let (at, f) = (At::Field(id, i), id.field());
        if let Err(m) = f.check_param(p, &self.currency) {
            self.err(at, m);
        }
        let path = at.text();
        let sampler = p.sampler().unwrap_or(Sampler::Fixed(f.min));
        Input { stream: stream_id(&path), path, param: p.clone(), sampler, lo: f.min, hi: f.max }
    }

    /// A number checked against its field's range.
    fn number(&mut self, id: FieldId, i: Option<usize>, v: f64) {
        let f = id.field();
        if !f.allows(v) {
            let m = f.out_of_range(v, &self.currency);
            self.err(At::Field(id, i), m);
        }
    }

    /// A whole number checked against its field's range (up to `cap` where one is given).
    fn whole(&mut self, id: FieldId, i: Option<usize>, v: u64, cap: Option<u64>) {
        let f = Field { max: cap.map_or(id.field().max, |c| c as f64), ..*id.field() };
        if !f.allows(v as f64) {
            self.err(
                At::Field(id, i),
                format!("{} is not allowed: must be a whole number from {}", int(v), f.range_text()),
            );
        }
    }

    fn name(&mut self, at: At, v: &str) {
        if v.trim().is_empty() {
            self.err(at, "must not be empty");
        } else {
            self.printable(at, v);
        }
    }

    /// Names are printed on terminals and in reports: no control characters.
    fn printable(&mut self, at: At, v: &str) {
        if let Some(c) = v.chars().find(|c| c.is_control()) {
            self.err(
                at,
                format!(
                    "contains the control character U+{:04X}; names may hold letters, digits, spaces and punctuation only",
                    u32::from(c)
                ),
            );
        }
    }

    /// A list's size against its cap.
    fn cap(&mut self, list: &'static str, what: &str, n: usize, max: usize) {
        if n > max {
            self.err(At::Path(list), format!("{} {what}; at most {} are allowed", int(n as u64), int(max as u64)));
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
/// every problem found (at most [`MAX_LISTED_PROBLEMS`], then a count).
pub fn validate(spec: &ScenarioSpec, limits: &Limits) -> Result<Scenario, Vec<FieldError>> {
    let mut c = Checker { currency: spec.store.currency.clone(), errors: Vec::new(), unlisted: 0 };
    if spec.format_version != FORMAT_VERSION {
        c.err(
            At::Path("format_version"),
            format!("format_version {} is not supported; this build reads {FORMAT_VERSION}", spec.format_version),
        );
    }
    c.name(At::Field(FieldId::Name, None), &spec.name);
    check_store(&mut c, &spec.store, limits);
    let (categories, products, ids) = check_products(&mut c, spec, limits);
    let behaviour = check_behaviour(&mut c, &spec.behaviour);
    let cat_index: HashMap<&str, u32> = categories.iter().enumerate().map(|(i, k)| (k.as_str(), i as u32)).collect();
    let (product_links, category_links) = check_links(&mut c, spec, limits, &products, &ids, &cat_index);
    let segments = check_segments(&mut c, spec, limits, &products, &cat_index);
    let tiers = check_tiers(&mut c, spec, limits);
    let (strategies, holdout) = check_strategies(&mut c, &spec.strategies, limits);
    check_money_totals(&mut c, spec, &products);
    if !c.ok() {
        return Err(c.finish());
    }
    let mut sc = Scenario {
        name: spec.name.clone(),
        store: spec.store.clone(),
        categories,
        products,
        product_links,
        category_links,
        segments,
        behaviour,
        tiers,
        strategies,
        holdout,
        copula: None,
        held: Vec::new(),
    };
    sc.copula = check_correlations(&mut c, spec, &sc);
    if !c.ok() {
        return Err(c.finish());
    }
    Ok(sc)
}

/// `sc` (validated from `spec`) with its strategies replaced by `strategies`, which
/// are checked as a file's would be (names, ranges, one holdout, money totals); the
/// catalog, segments and the rest are not checked again. Correlations keep their
/// streams, so a strategy that takes another's uncertain lever and its stream keeps
/// its correlations too.
pub(super) fn with_strategies(
    sc: &Scenario,
    spec: &ScenarioSpec,
    strategies: &[StrategySpec],
) -> Result<Scenario, Vec<FieldError>> {
    let mut c = Checker { currency: spec.store.currency.clone(), errors: Vec::new(), unlisted: 0 };
    let (list, holdout) = check_strategies(&mut c, strategies, &Limits::default());
    let mut light = spec.clone_without_catalog();
    light.strategies = strategies.to_vec();
    check_money_totals(&mut c, &light, &sc.products);
    if !c.ok() {
        return Err(c.finish());
    }
    Ok(Scenario { strategies: list, holdout, ..sc.clone() })
}

/// Most `[[correlations]]` entries.
pub const MAX_CORRELATIONS: usize = 1_000;

/// The correlations: each names two different uncertain inputs drawn once per
/// replication, each pair once, with a rank correlation in range; together they must
/// form a positive definite matrix.
fn check_correlations(c: &mut Checker, spec: &ScenarioSpec, sc: &Scenario) -> Option<super::Copula> {
    if spec.correlations.is_empty() {
        return None;
    }
    c.cap("correlations", "correlations", spec.correlations.len(), MAX_CORRELATIONS);
    if !c.ok() {
        return None;
    }
    let inputs = sc.uncertain_inputs();
    let mut members: Vec<&Input> = Vec::new();
    let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
    for (i, cor) in spec.correlations.iter().enumerate() {
        let at = |id: FieldId| at(id, i);
        let mut find = |key: FieldId, written: &str| -> Option<usize> {
            let path = match super::fields::resolve(spec, written) {
                Ok(p) => p.canonical(),
                Err(m) => {
                    c.err(at(key), m);
                    return None;
                }
            };
            let Some((_, input)) = inputs.iter().find(|(p, _)| *p == path) else {
                if super::fields::resolve(spec, written)
                    .is_ok_and(|p| p.spec_field().kind == super::fields::Kind::Uncertain)
                {
                    // An input that may be uncertain but is fixed here (by the file,
                    // `--set`, a sweep or a sensitivity run) is not drawn: the
                    // correlation has no effect.
                    return None;
                }
                c.err(
                    at(key),
                    format!(
                        "`{}` is not an uncertain input drawn once per replication; name one that has a \
                         distribution (`aovlab sensitivity --csv -` lists them)",
                        crate::format::excerpt(written, 80)
                    ),
                );
                return None;
            };
            Some(match members.iter().position(|m| m.stream == input.stream) {
                Some(k) => k,
                None => {
                    members.push(input);
                    members.len() - 1
                }
            })
        };
        let (a, b) = (find(FieldId::CorrelationFirst, &cor.first), find(FieldId::CorrelationSecond, &cor.second));
        c.number(FieldId::CorrelationRank, Some(i), cor.rank);
        let (Some(a), Some(b)) = (a, b) else { continue };
        if a == b {
            c.err(
                at(FieldId::CorrelationSecond),
                "names the same input as `first`; a correlation needs two different inputs",
            );
        } else if pairs.iter().any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a)) {
            c.err(at(FieldId::CorrelationSecond), "this pair already has a correlation; give each pair once");
        } else {
            pairs.push((a, b, cor.rank));
        }
    }
    if !c.ok() || pairs.is_empty() {
        return None;
    }
    // Only the inputs of pairs that take effect (a fixed partner drops its pair).
    let used: Vec<usize> = (0..members.len()).filter(|&k| pairs.iter().any(|&(a, b, _)| a == k || b == k)).collect();
    let members: Vec<&Input> = used.iter().map(|&k| members[k]).collect();
    let at = |k: usize| used.iter().position(|&u| u == k).unwrap_or(0);
    let pairs: Vec<(usize, usize, f64)> = pairs.iter().map(|&(a, b, r)| (at(a), at(b), r)).collect();
    let n = members.len();
    let mut m = vec![0.0; n * n];
    for k in 0..n {
        m[k * n + k] = 1.0;
    }
    for &(a, b, rho) in &pairs {
        let r = 2.0 * (std::f64::consts::PI * rho / 6.0).sin();
        m[a * n + b] = r;
        m[b * n + a] = r;
    }
    let Some(cholesky) = crate::stats::cholesky(&m, n) else {
        c.err(
            At::Path("correlations"),
            "the declared correlations cannot hold together (their matrix is not positive definite: e.g. A and \
             B, and B and C, strongly positive while A and C are strongly negative); weaken some of them",
        );
        return None;
    };
    let dist = |i: &Input| match &i.param {
        Param::Dist(d) => d.clone(),
        Param::Fixed(v) => Dist::Uniform { min: *v, max: *v },
    };
    Some(super::Copula {
        streams: members.iter().map(|i| i.stream).collect(),
        dists: members.iter().map(|i| dist(i)).collect(),
        ranges: members.iter().map(|i| (i.lo, i.hi)).collect(),
        matrix: m,
        cholesky,
    })
}

fn check_store(c: &mut Checker, s: &StoreSpec, limits: &Limits) {
    if !(s.currency.len() == 3 && s.currency.bytes().all(|b| b.is_ascii_uppercase())) {
        c.err(
            At::Field(FieldId::StoreCurrency, None),
            format!(
                "`{}` is not a currency code: use three capital letters (ISO 4217), e.g. \"USD\"",
                crate::format::excerpt(&s.currency, 20)
            ),
        );
    }
    c.number(FieldId::StoreAnnualGmv, None, s.annual_gmv);
    c.whole(FieldId::StoreVisitors, None, s.visitors, Some(limits.max_visitors));
    c.whole(FieldId::StoreReplications, None, u64::from(s.replications), Some(u64::from(limits.max_replications)));
    let total = s.visitors.saturating_mul(u64::from(s.replications));
    if total > limits.max_total_visitors {
        c.err(
            At::Path("store"),
            format!(
                "visitors x replications = {} x {} = {} exceeds the cap of {} visitor-sessions per run; lower \
                 visitors or replications",
                int(s.visitors),
                int(s.replications),
                int(total),
                int(limits.max_total_visitors)
            ),
        );
    }
}

/// Products: checked, with categories numbered in order of first appearance.
fn check_products<'s>(
    c: &mut Checker,
    spec: &'s ScenarioSpec,
    limits: &Limits,
) -> (Vec<String>, Vec<Product>, HashMap<&'s str, u32>) {
    if spec.products.is_empty() {
        c.err(At::Path("products"), "the catalog is empty; add at least one product");
    }
    c.cap("products", "products", spec.products.len(), limits.max_products);
    let mut categories: Vec<String> = Vec::new();
    let mut cat_index: HashMap<&str, u32> = HashMap::default();
    let mut ids: HashMap<&str, u32> = HashMap::with_capacity_and_hasher(spec.products.len(), Default::default());
    let mut products = Vec::with_capacity(spec.products.len());
    for (i, p) in spec.products.iter().enumerate() {
        c.name(at(FieldId::ProductId, i), &p.id);
        if ids.insert(p.id.as_str(), i as u32).is_some() {
            c.err(at(FieldId::ProductId, i), format!("duplicate product id `{}`; ids must be unique", p.id));
        }
        c.name(at(FieldId::ProductCategory, i), &p.category);
        c.printable(at(FieldId::ProductName, i), &p.name);
        c.number(FieldId::ProductPrice, Some(i), p.price);
        if FieldId::ProductPrice.field().allows(p.price) && to_cents(p.price) < 1 {
            let m = format!("{} rounds to zero cents; must be at least 0.01", num(p.price));
            c.err(at(FieldId::ProductPrice, i), m);
        }
        c.number(FieldId::ProductCost, Some(i), p.cost);
        // Bounded below so that popularity x affinity never underflows to zero.
        c.number(FieldId::ProductPopularity, Some(i), p.popularity);
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
    (categories, products, ids)
}

fn check_behaviour(c: &mut Checker, b: &BehaviourSpec) -> Behaviour {
    let mut input = |id: FieldId, p: &Param| c.input(id, None, p);
    Behaviour {
        baseline_relevance: input(FieldId::BaselineRelevance, &b.baseline_relevance),
        pre_checkout_base_accept: input(FieldId::PreCheckoutBaseAccept, &b.pre_checkout_base_accept),
        post_checkout_base_accept: input(FieldId::PostCheckoutBaseAccept, &b.post_checkout_base_accept),
        friction_per_slot: input(FieldId::FrictionPerSlot, &b.friction_per_slot),
        discount_elasticity: input(FieldId::DiscountElasticity, &b.discount_elasticity),
        tier_max_uptake: input(FieldId::TierMaxUptake, &b.tier_max_uptake),
        tier_gap_decay: input(FieldId::TierGapDecay, &b.tier_gap_decay),
    }
}

/// Links resolved into per-product and per-category target lists, strongest first.
fn check_links(
    c: &mut Checker,
    spec: &ScenarioSpec,
    limits: &Limits,
    products: &[Product],
    ids: &HashMap<&str, u32>,
    cat_index: &HashMap<&str, u32>,
) -> (Vec<Vec<LinkTarget>>, Vec<Vec<LinkTarget>>) {
    c.cap("links", "links", spec.links.len(), limits.max_links);
    let id_list = || spec.products.iter().map(|p| p.id.as_str()).collect::<Vec<_>>();
    let cat_list = || {
        let mut v: Vec<(&str, u32)> = cat_index.iter().map(|(k, i)| (*k, *i)).collect();
        v.sort_by_key(|(_, i)| *i);
        v.into_iter().map(|(k, _)| k).collect::<Vec<_>>()
    };
    let mut product_links: Vec<Vec<LinkTarget>> = vec![Vec::new(); products.len()];
    let mut category_links: Vec<Vec<LinkTarget>> = vec![Vec::new(); cat_index.len()];
    let mut last_from: Option<(&str, u32)> = None;
    for (i, l) in spec.links.iter().enumerate() {
        c.number(FieldId::LinkStrength, Some(i), l.strength);
        let to = ids.get(l.to.as_str()).copied();
        if to.is_none() {
            c.err(at(FieldId::LinkTo, i), unknown("product", &l.to, &id_list()));
        }
        let target = match (&l.from, &l.from_category) {
            (Some(_), Some(_)) | (None, None) => {
                let m = "give exactly one of `from` (a product id) or `from_category` (a category)";
                c.err(At::Item(List::Links, i), m);
                None
            }
            // Links from one product usually come together: reuse the last lookup.
            (Some(f), None) => match last_from.filter(|(k, _)| *k == f.as_str()).map(|(_, p)| p).or_else(|| {
                let p = ids.get(f.as_str()).copied();
                last_from = p.map(|p| (f.as_str(), p));
                p
            }) {
                Some(p) => Some(&mut product_links[p as usize]),
                None => {
                    c.err(at(FieldId::LinkFrom, i), unknown("product", f, &id_list()));
                    None
                }
            },
            (None, Some(f)) => match cat_index.get(f.as_str()) {
                Some(&k) => Some(&mut category_links[k as usize]),
                None => {
                    c.err(at(FieldId::LinkFromCategory, i), unknown("category", f, &cat_list()));
                    None
                }
            },
        };
        if let (Some(list), Some(to)) = (target, to)
            && FieldId::LinkStrength.field().allows(l.strength)
            && l.strength > 0.0
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
        merge_links(list, products);
    }
    (product_links, category_links)
}

fn check_segments(
    c: &mut Checker,
    spec: &ScenarioSpec,
    limits: &Limits,
    products: &[Product],
    cat_index: &HashMap<&str, u32>,
) -> Vec<Segment> {
    if spec.segments.is_empty() {
        c.err(At::Path("segments"), "no segments; add at least one segment");
    }
    c.cap("segments", "segments", spec.segments.len(), limits.max_segments);
    let cat_list: Vec<&str> = {
        let mut v: Vec<(&str, u32)> = cat_index.iter().map(|(k, i)| (*k, *i)).collect();
        v.sort_by_key(|(_, i)| *i);
        v.into_iter().map(|(k, _)| k).collect()
    };
    let mut seg_names = BTreeSet::new();
    let mut segments = Vec::with_capacity(spec.segments.len());
    for (i, s) in spec.segments.iter().enumerate() {
        c.name(at(FieldId::SegmentName, i), &s.name);
        if !seg_names.insert(s.name.as_str()) {
            c.err(at(FieldId::SegmentName, i), format!("duplicate segment name `{}`", s.name));
        }
        let mut affinity = vec![1.0; cat_index.len()];
        for (cat, &a) in &s.category_affinity {
            let affinity_of = Path { category: Some(cat.clone()), ..Path::item(FieldId::SegmentCategoryAffinity, i) };
            let path = affinity_of.canonical();
            if !(a == 0.0 || (MIN_WEIGHT..=1e6).contains(&a)) {
                c.err(
                    At::Path(&path),
                    format!(
                        "{} is not allowed: use 0 (never in carts) or a value in [{}, 1000000]",
                        num(a),
                        num(MIN_WEIGHT)
                    ),
                );
            }
            match cat_index.get(cat.as_str()) {
                Some(&k) => affinity[k as usize] = a.clamp(0.0, 1e6),
                None => c.err(At::Path(&path), unknown("category", cat, &cat_list)),
            }
        }
        if !products.is_empty() && products.iter().all(|p| affinity[p.category as usize] == 0.0) {
            let m = "every category has affinity 0: this segment could buy nothing";
            c.err(at(FieldId::SegmentCategoryAffinity, i), m);
        }
        if let Err(m) = FieldId::SegmentSpendToDate.field().check_param(&s.spend_to_date, &spec.store.currency) {
            c.err(at(FieldId::SegmentSpendToDate, i), m);
        }
        let mut input = |id: FieldId, p: &Param| c.input(id, Some(i), p);
        segments.push(Segment {
            name: s.name.clone(),
            share: input(FieldId::SegmentShare, &s.share),
            add_to_cart_rate: input(FieldId::SegmentAddToCartRate, &s.add_to_cart_rate),
            checkout_completion: input(FieldId::SegmentCheckoutCompletion, &s.checkout_completion),
            mean_cart_size: input(FieldId::SegmentMeanCartSize, &s.mean_cart_size),
            acceptance_propensity: input(FieldId::SegmentAcceptancePropensity, &s.acceptance_propensity),
            price_sensitivity: input(FieldId::SegmentPriceSensitivity, &s.price_sensitivity),
            friction_sensitivity: input(FieldId::SegmentFrictionSensitivity, &s.friction_sensitivity),
            loyalty_member_share: input(FieldId::SegmentLoyaltyMemberShare, &s.loyalty_member_share),
            spend_to_date: s.spend_to_date.sampler().unwrap_or(Sampler::Fixed(0.0)),
            category_affinity: affinity,
        });
    }
    check_shares(c, &spec.segments);
    segments
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
        c.err(
            At::Path("segments"),
            format!("{what} to {}; segment shares must sum to 100% (within {})", pct(sum), pct(tol)),
        );
    }
}

/// `92.5%` without float artefacts.
fn pct(x: f64) -> String {
    format!("{}%", super::fields::trim_number(x * 100.0, 6))
}

fn check_tiers(c: &mut Checker, spec: &ScenarioSpec, limits: &Limits) -> Vec<Tier> {
    c.cap("tiers", "tiers", spec.tiers.len(), limits.max_tiers);
    let threshold = FieldId::TierThreshold.field();
    let mut tiers = Vec::with_capacity(spec.tiers.len());
    for (i, t) in spec.tiers.iter().enumerate() {
        c.name(at(FieldId::TierName, i), &t.name);
        c.number(FieldId::TierThreshold, Some(i), t.threshold);
        if i > 0 && t.threshold <= spec.tiers[i - 1].threshold {
            let prev = &spec.tiers[i - 1];
            c.err(
                at(FieldId::TierThreshold, i),
                format!(
                    "{} must be greater than the previous tier's threshold ({} at {})",
                    threshold.show(t.threshold, &spec.store.currency),
                    prev.name,
                    threshold.show(prev.threshold, &spec.store.currency)
                ),
            );
        }
        tiers.push(Tier { name: t.name.clone(), threshold: to_cents(t.threshold) });
    }
    tiers
}

fn check_strategies(c: &mut Checker, strategies: &[StrategySpec], limits: &Limits) -> (Vec<Strategy>, usize) {
    c.cap("strategies", "strategies", strategies.len(), limits.max_strategies);
    let mut names = BTreeSet::new();
    let mut holdout: Option<usize> = None;
    let mut out = Vec::with_capacity(strategies.len());
    for (i, s) in strategies.iter().enumerate() {
        c.name(at(FieldId::StrategyName, i), &s.name);
        if !names.insert(s.name.as_str()) {
            c.err(at(FieldId::StrategyName, i), format!("duplicate strategy name `{}`; names must be unique", s.name));
        }
        let (pre, tier, post) = (&s.pre_checkout, &s.tier_prompt, &s.post_checkout);
        if pre.policy != OfferPolicy::Off {
            c.whole(FieldId::PreCheckoutSlots, Some(i), u64::from(pre.slots), None);
        }
        if tier.policy == TierPolicy::Window {
            c.number(FieldId::TierPromptWindow, Some(i), tier.window);
        }
        let friction_reduction = c.input(FieldId::FrictionReduction, Some(i), &s.checkout.friction_reduction);
        c.number(FieldId::CheckoutDiscount, Some(i), s.checkout.discount);
        if post.policy != OfferPolicy::Off {
            c.whole(FieldId::PostCheckoutOffers, Some(i), u64::from(post.offers), None);
        }
        c.number(FieldId::OfferDiscount, Some(i), post.offer_discount);
        if s.holdout {
            if let Some(first) = holdout {
                c.err(
                    at(FieldId::StrategyHoldout, i),
                    format!(
                        "`{}` is already the holdout; exactly one strategy may be the holdout",
                        strategies[first].name.as_str()
                    ),
                );
            } else {
                holdout = Some(i);
            }
            let on: Vec<String> = lever_fields_on(s)
                .into_iter()
                .map(|id| format!("{} ({})", id.field().label, id.field().key()))
                .collect();
            if !on.is_empty() {
                let m = format!("the holdout must have every lever off, but it sets {}", on.join(", "));
                c.err(at(FieldId::StrategyHoldout, i), m);
            }
        }
        out.push(Strategy {
            name: s.name.clone(),
            pre_checkout: (pre.policy != OfferPolicy::Off).then_some(PreCheckout {
                policy: match pre.policy {
                    OfferPolicy::Popular => PrePolicy::Popular,
                    _ => PrePolicy::Matched(pre.ranking),
                },
                slots: pre.slots,
            }),
            tier_prompt: match tier.policy {
                TierPolicy::Off => None,
                TierPolicy::Universal => Some(TierPrompt::Universal),
                TierPolicy::Window => Some(TierPrompt::Window(tier.window)),
            },
            friction_reduction,
            discount: s.checkout.discount,
            post_checkout: (post.policy != OfferPolicy::Off).then_some(PostCheckout {
                policy: if post.policy == OfferPolicy::Popular { PostPolicy::Popular } else { PostPolicy::Matched },
                offers: post.offers,
                offer_discount: post.offer_discount,
            }),
        });
    }
    if holdout.is_none() && !strategies.is_empty() {
        c.err(
            At::Path("strategies"),
            "no strategy is the holdout; mark exactly one strategy (with every lever off) as the holdout \
             (holdout = true)",
        );
    } else if strategies.is_empty() {
        c.err(At::Path("strategies"), "no strategies; add a holdout and at least one strategy to compare");
    }
    (out, holdout.unwrap_or(0))
}

/// The lever fields that `s` turns on.
pub fn lever_fields_on(s: &StrategySpec) -> Vec<FieldId> {
    [
        (s.pre_checkout.policy != OfferPolicy::Off, FieldId::PreCheckoutPolicy),
        (s.tier_prompt.policy != TierPolicy::Off, FieldId::TierPromptPolicy),
        (s.checkout.friction_reduction != Param::Fixed(0.0), FieldId::FrictionReduction),
        (s.checkout.discount != 0.0, FieldId::CheckoutDiscount),
        (s.post_checkout.policy != OfferPolicy::Off, FieldId::PostCheckoutPolicy),
    ]
    .into_iter()
    .filter_map(|(on, n)| on.then_some(n))
    .collect()
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
        let currency = &spec.store.currency;
        c.err(
            At::Field(FieldId::StoreVisitors, None),
            format!(
                "{} visitors could spend more than a replication's exact total can hold ({}{}): an order may hold \
                 up to {items} items at {} (the highest price or cost in the catalog); use at most {} visitors per \
                 replication, or lower the highest price",
                int(spec.store.visitors),
                crate::format::currency_symbol(currency),
                int(i64::MAX as u64 / 100),
                crate::format::money(unit as f64 / 100.0, currency, 2),
                int(u64::try_from(most).unwrap_or(u64::MAX)),
            ),
        );
    }
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

#[cfg(test)]
mod tests {
    use crate::model::fields::Kind;

    /// The registry's kinds are what validation checks: every numeric field has a range.
    #[test]
    fn numeric_fields_have_ranges() {
        for f in super::super::fields::FIELDS {
            if matches!(f.kind, Kind::Number | Kind::Uncertain | Kind::Whole | Kind::PerShopper) {
                assert!(f.max > f.min, "{}", f.path);
            }
        }
    }
}
