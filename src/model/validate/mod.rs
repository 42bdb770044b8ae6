//! File form -> validated scenario. Every problem is collected with its field path
//! (e.g. `segments[1].share`) and a message that says what is allowed; ranges come
//! from the field registry ([`super::fields`]). Paths are only written out for
//! problems, so a million valid links cost no strings.

// FxHash: ids are looked up twice per link, two million times for the largest
// catalog; SipHash made that half of the whole check (docs/performance.md).
use rustc_hash::FxHashMap as HashMap;
use std::fmt;

use super::fields::{Field, FieldId, List, Path};
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
            max_visitors: MAX_VISITORS,
            max_replications: MAX_REPLICATIONS,
            max_total_visitors: 100_000_000_000,
        }
    }
}

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
    /// A whole list: `segments`.
    List(List),
    /// A whole list item: `links[3]`.
    Item(List, usize),
    /// A field, of list item `index` for list fields: `links[3].strength`.
    Field(FieldId, Option<usize>),
}

impl At<'_> {
    fn text(self) -> String {
        match self {
            At::Path(p) => p.to_string(),
            At::List(list) => list.key().to_string(),
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
        let path = At::Field(id, i).text();
        self.input_streamed(id, i, p, stream_id(&path))
    }

    /// [`Checker::input`] drawn from `stream`.
    fn input_streamed(&mut self, id: FieldId, i: Option<usize>, p: &Param, stream: u64) -> Input {
        let (at, f) = (At::Field(id, i), id.field());
        if let Err(m) = f.check_param(p, &self.currency) {
            self.err(at, m);
        }
        let path = at.text();
        let sampler = p.sampler().unwrap_or(Sampler::Fixed(f.min));
        Input { field: id, stream, path, param: p.clone(), sampler, lo: f.min, hi: f.max }
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
    fn cap(&mut self, list: List, n: usize, max: usize) {
        if n > max {
            let (n, max) = (int(n as u64), int(max as u64));
            self.err(At::List(list), format!("{n} {}; at most {max} are allowed", list.key()));
        }
    }
}

/// A stable 64-bit id for a field path (FNV-1a): the input's own random stream.
pub fn stream_id(path: &str) -> u64 {
    path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// The stream of field `id` of the list item named `name`: its path with the item
/// written by name (`strategies."AOV-optimized".checkout.friction_reduction`), so the
/// draws follow the item, not its place in the list.
pub fn item_stream(id: FieldId, name: &str) -> u64 {
    let quoted = format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
    stream_id(&id.path().replacen("[]", &format!(".{quoted}"), 1))
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
    let (strategies, holdout) = check_strategies(&mut c, &spec.strategies, &spec.shipping, limits);
    check_money_totals(&mut c, spec, &products);
    check_costs(&mut c, spec);
    let shipping = check_shipping(&mut c, spec);
    check_claims(&mut c, &spec.claims);
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
        costs: spec.costs.clone(),
        shipping,
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

/// The problems of `claims` alone, as a file's `[[claims]]` would have them (paths
/// `claims[i].field`), without checking the rest of the scenario: a claim being
/// entered, before it is added.
pub fn validate_claims(claims: &[ClaimSpec], currency: &str) -> Result<(), Vec<FieldError>> {
    let mut c = Checker { currency: currency.to_string(), errors: Vec::new(), unlisted: 0 };
    check_claims(&mut c, claims);
    if c.ok() { Ok(()) } else { Err(c.finish()) }
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
    let (list, holdout) = check_strategies(&mut c, strategies, &spec.shipping, &Limits::default());
    let mut light = spec.clone_without_catalog();
    light.strategies = strategies.to_vec();
    check_money_totals(&mut c, &light, &sc.products);
    if !c.ok() {
        return Err(c.finish());
    }
    Ok(Scenario { strategies: list, holdout, ..sc.clone() })
}

mod catalog;
mod correlations;
mod shoppers;
mod strategies;

use catalog::{check_links, check_products};
use correlations::check_correlations;
use shoppers::{check_behaviour, check_costs, check_segments, check_shipping, check_store, check_tiers};
pub use strategies::lever_fields_on;
use strategies::{check_claims, check_money_totals, check_strategies};

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
