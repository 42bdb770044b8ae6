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

use crate::format::excerpt;
use std::fmt;

use super::param::{Dist, Param, num};
use super::spec::*;

/// Largest allowed price, cost, threshold or spend, in currency units.
pub const MAX_MONEY: f64 = 1e9;
/// Largest annual GMV, in currency units.
pub const MAX_GMV: f64 = 1e15;
/// Most cart suggestions a strategy shows (the pre-checkout slots' upper limit).
pub const MAX_SLOTS: u32 = 10;
/// Most offers on the confirmation page.
pub const MAX_OFFERS: u32 = 5;
/// Largest checkout or offer discount.
pub const MAX_DISCOUNT: f64 = 0.9;
/// Most visitors per replication.
pub const MAX_VISITORS: u64 = 1_000_000_000;
/// Most replications.
pub const MAX_REPLICATIONS: u32 = 20_000;
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
type Setter = fn(&mut ScenarioSpec, usize, Option<&str>, Value, &Field) -> Result<(), ValueError>;

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

mod access;
mod path;
mod registry;

pub use path::{List, Path, PathError, instances, instances_except, resolve};
pub use registry::{Behaviour, BehaviourDrawn, BehaviourSpec, FIELDS, FieldId, Section};

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
pub const TABLES: [&str; 12] = [
    "store.",
    "behaviour.",
    "costs.",
    "shipping.",
    "catalog.",
    "products[].",
    "links[].",
    "segments[].",
    "tiers[].",
    "strategies[].",
    "correlations[].",
    "claims[].",
];

/// The field at a registry path such as `segments[].share` (paths as written are
/// parsed with [`resolve`]; code names fields by [`FieldId`]).
pub fn by_path(path: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.path == path)
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
pub fn set(spec: &mut ScenarioSpec, path: &Path, value: Value) -> Result<Value, ValueError> {
    let old = get(spec, path).ok_or_else(|| ValueError::NoSuchField(path.to_string()))?;
    let f = path.spec_field();
    let i = path.item.map_or(0, |(_, i)| i);
    (f.access.set)(spec, i, path.category.as_deref(), value, f)?;
    Ok(old)
}

/// Why a value does not fit a field (ranges are validation's business: see [`set`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// The path names no field of this scenario.
    #[error("{0} does not exist in this scenario")]
    NoSuchField(String),
    /// A value of another kind (text for a number, a distribution for a whole number).
    #[error("{label} takes {takes}, not {got}")]
    WrongKind {
        /// The field's label.
        label: &'static str,
        /// What it takes, in words.
        takes: String,
        /// What it was given.
        got: String,
    },
    /// A word that is not one of the choice's.
    #[error("{label} is one of {words}; `{got}` is not")]
    NotAChoice {
        /// The field's label.
        label: &'static str,
        /// Its words.
        words: String,
        /// What it was given.
        got: String,
    },
    /// Text that is not a value as a scenario file writes one.
    #[error("`{text}` is not a value: {reason}")]
    NotAValue {
        /// The text (an excerpt).
        text: String,
        /// The parser's reason.
        reason: String,
    },
    /// A value of the right kind that cannot be set (a malformed distribution, a
    /// number too large for the field, a missing category).
    #[error("{label}: {reason}")]
    Invalid {
        /// The field's label.
        label: &'static str,
        /// Why.
        reason: String,
    },
}

impl From<ValueError> for String {
    fn from(e: ValueError) -> String {
        e.to_string()
    }
}

pub(super) fn kind_words(k: Kind) -> String {
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
pub fn parse_value(f: &Field, text: &str) -> Result<Value, ValueError> {
    let t = text.trim();
    // Choices and text may be written bare.
    match f.kind {
        Kind::Choice(words) => {
            let w = t.trim_matches('"');
            return words.iter().find(|x| **x == w).map(|x| Value::Choice(x)).ok_or_else(|| ValueError::NotAChoice {
                label: f.label,
                words: words.join(", "),
                got: excerpt(w, 30),
            });
        }
        Kind::Text | Kind::OptionalText if !t.starts_with('"') => return Ok(Value::Text(Some(t.to_string()))),
        _ => {}
    }
    let doc = format!("v = {t}");
    let table: toml::Table = toml::from_str(&doc)
        .map_err(|e| ValueError::NotAValue { text: excerpt(t, 60), reason: e.message().trim().to_string() })?;
    let v = table
        .get("v")
        .cloned()
        .ok_or_else(|| ValueError::NotAValue { text: excerpt(t, 60), reason: "no value".into() })?;
    let as_f64 = |v: &toml::Value| match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    };
    let wrong =
        || ValueError::WrongKind { label: f.label, takes: kind_words(f.kind), got: format!("`{}`", excerpt(t, 60)) };
    match f.kind {
        Kind::Number => as_f64(&v).map(Value::Number).ok_or_else(wrong),
        Kind::Uncertain | Kind::PerShopper => match &v {
            toml::Value::Table(_) => {
                let d: Dist = v
                    .try_into()
                    .map_err(|e: toml::de::Error| ValueError::Invalid { label: f.label, reason: e.message().into() })?;
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
        assert!(matches!(e, PathError::NoSuchItem(_)) && e.to_string().contains("did you mean `AOV-optimized`"), "{e}");
        let e = resolve(&spec, "store.visitor").unwrap_err();
        let want =
            PathError::NoSuchField { written: "store.visitor".into(), suggestion: Some("store.visitors".into()) };
        assert_eq!(e, want);
        assert!(e.to_string().contains("did you mean `store.visitors`"), "{e}");
        let e = resolve(&spec, "strategies[99].name").unwrap_err();
        assert!(e.to_string().contains("strategies has 8 items; [99] is not one of them"), "{e}");
        let e = parse_value(FieldId::StoreVisitors.field(), "many").unwrap_err();
        assert!(matches!(e, ValueError::NotAValue { .. }), "{e:?}");
        let e = parse_value(FieldId::StoreVisitors.field(), "1.5").unwrap_err();
        assert!(matches!(e, ValueError::WrongKind { .. }), "{e:?}");
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
