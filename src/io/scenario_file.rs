//! Scenario files: TOML text -> validated [`Scenario`] with errors that name the
//! file, line, column and field; atomic saving.

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::catalog_csv::{self, CsvError, Origin};
use super::files;
use crate::model::FieldId;
use crate::model::{FieldError, Scenario, ScenarioSpec, did_you_mean};

/// The embedded default scenario (the article's coffee store).
pub const ARTICLE_TOML: &str = include_str!("../../scenarios/article.toml");

/// Name used in messages for the embedded scenario.
pub const EMBEDDED_NAME: &str = "<embedded article scenario>";

/// Largest scenario file read, in bytes (checked while reading). Parsing TOML takes 40
/// to 65 times a file's size in memory (measured: docs/inputs.md), so any file
/// accepted loads in under 600 MB; catalogs larger than about 100,000 products or
/// 150,000 links belong in CSV files, which are read record by record.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is in, when not the scenario file itself (a CSV catalog).
    pub file: Option<String>,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column (in characters), where known.
    pub column: Option<usize>,
    /// Field path, e.g. `segments[1].share` (empty for syntax errors).
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Why a scenario file could not be used: every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as given (or [`EMBEDDED_NAME`]).
    pub file: String,
    /// The problems, in file order where positions are known.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", p.file.as_deref().unwrap_or(&self.file))?;
            match (p.line, p.column) {
                (Some(l), Some(c)) => write!(f, ":{l}:{c}")?,
                (Some(l), None) => write!(f, ":{l}")?,
                _ => {}
            }
            if p.path.is_empty() {
                write!(f, ": {}", p.message)?;
            } else {
                write!(f, ": {}: {}", p.path, p.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// A problem with a command-line flag (named in place of a file).
    pub fn flag(flag: &str, message: String) -> Self {
        Self::single(flag, message)
    }

    fn single(file: &str, message: String) -> Self {
        Self {
            file: file.to_string(),
            problems: vec![Problem { file: None, line: None, column: None, path: String::new(), message }],
        }
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Parses the file form only (syntax, types, unknown fields), no validation.
pub fn parse_spec(text: &str, file: &str) -> Result<ScenarioSpec, ScenarioError> {
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, file, String::new(), &e))?;
    serde_path_to_error::deserialize::<_, ScenarioSpec>(de).map_err(|e| {
        let path = clean_path(&e.path().to_string());
        toml_error(text, file, path, e.inner())
    })
}

fn clean_path(p: &str) -> String {
    if p == "." { String::new() } else { p.to_string() }
}

fn toml_error(text: &str, file: &str, path: String, e: &toml::de::Error) -> ScenarioError {
    let (line, column) = match e.span() {
        Some(s) => {
            let (l, c) = line_col(text, s.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    let mut message = explain(e.message());
    if message == "duplicate key"
        && let Some(key) = e.span().and_then(|s| text.get(s)).map(str::trim).filter(|k| !k.is_empty())
    {
        message = format!("duplicate key `{key}`: each key may appear once per table");
    }
    ScenarioError { file: file.to_string(), problems: vec![Problem { file: None, line, column, path, message }] }
}

/// Adds "did you mean" to serde's unknown-field and unknown-variant messages.
fn explain(message: &str) -> String {
    let message = message.trim();
    for kind in ["unknown field", "unknown variant"] {
        if let Some(rest) = message.strip_prefix(kind) {
            let ticks: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
            if let Some((word, allowed)) = ticks.split_first() {
                let hint = did_you_mean(word, allowed.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                let list = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
                return format!("{kind} `{word}`; {hint}allowed: {list}");
            }
        }
    }
    // serde names Rust types; say what a scenario author wrote and can write instead.
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some((got, expected)) = message.strip_prefix(kind).and_then(|r| r.split_once(", expected ")) {
            return format!("{} is not allowed here; expected {}", described(got), expected_text(expected));
        }
    }
    if let Some(expected) = message.strip_prefix("expected ") {
        return format!("expected {}", expected_text(expected));
    }
    message.to_string()
}

/// What serde says was found, in a scenario author's words (`integer `-5` as i128` ->
/// `the number -5`).
fn described(got: &str) -> String {
    let quoted = got.split('`').nth(1);
    let word = |w: &str| got.starts_with(w);
    match quoted {
        Some(v) if word("integer") || word("floating point") => format!("the number {v}"),
        Some(v) if word("boolean") => v.to_string(),
        _ if word("string ") => format!("the text {}", &got["string ".len()..]),
        _ if word("sequence") => "a list".into(),
        _ if word("map") => "a table".into(),
        _ => got.to_string(),
    }
}

/// What serde expected, in a scenario author's words, with an example where the
/// expected thing is a table.
fn expected_text(expected: &str) -> String {
    let expected = expected.trim();
    match expected {
        "u64" | "u32" | "u16" | "u8" => "a whole number >= 0 (no decimals, no quotes)".into(),
        "i64" | "i32" => "a whole number".into(),
        "f64" | "f32" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a string" => "text in quotes".into(),
        "a sequence" => "a list of tables ([[...]] blocks)".into(),
        _ => match expected.strip_prefix("struct ") {
            Some(name) => table_example(name).to_string(),
            None => expected.to_string(),
        },
    }
}

/// How to write the table a file-form type stands for.
fn table_example(type_name: &str) -> &'static str {
    match type_name {
        "ScenarioSpec" => "a scenario: top-level keys and tables (see docs/scenario-format.md)",
        "StoreSpec" => "a table: [store] with currency, annual_gmv, visitors, replications, seed",
        "BehaviourSpec" => "a table: [behaviour] with the shoppers' response parameters",
        "CatalogFiles" => "a table such as [catalog] products = \"products.csv\"",
        "ProductSpec" => "a table: [[products]] with id, name, category, price",
        "LinkSpec" => "a table: [[links]] with from (or from_category), to, strength",
        "SegmentSpec" => "a table: [[segments]] with name, share, add_to_cart_rate, checkout_completion, ...",
        "TierSpec" => "a table: [[tiers]] with name and threshold",
        "StrategySpec" => "a table: [[strategies]] with name and its levers",
        "PreCheckoutSpec" => "a table such as pre_checkout = { policy = \"matched\", slots = 3 }",
        "TierPromptSpec" => "a table such as tier_prompt = { policy = \"window\", window = 0.25 }",
        "CheckoutSpec" => "a table such as checkout = { friction_reduction = 0.05, discount = 0.05 }",
        "PostCheckoutSpec" => {
            "a table such as post_checkout = { policy = \"matched\", offers = 1, offer_discount = 0.1 }"
        }
        _ => "a table",
    }
}

/// Parses and validates scenario text. `file` names it in messages. A scenario that
/// keeps its catalog in CSV files must be loaded from its file ([`load_scenario`]).
pub fn parse_scenario(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    Loaded::parse(text.to_string(), file, None)?.validate()
}

/// A scenario read from its text (and CSV catalog files), not yet validated. Edit
/// `spec` (command-line overrides) and call [`Loaded::validate`].
pub struct Loaded {
    /// The file form, with any CSV catalog read into it.
    pub spec: ScenarioSpec,
    /// Every file read: the scenario file (when read from one) and its CSV catalog.
    pub files: Vec<PathBuf>,
    text: String,
    file: String,
    products: Option<Origin>,
    links: Option<Origin>,
    overrides: Vec<(String, String)>,
}

impl Loaded {
    /// The file's text as read (before any override).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Parses `text`; `dir` is the folder catalog files are relative to (`None`: the
    /// text has no folder, and a scenario that names catalog files is an error).
    pub fn parse(text: String, file: &str, dir: Option<&Path>) -> Result<Self, ScenarioError> {
        let mut spec = parse_spec(&text, file)?;
        let mut loaded = Loaded {
            spec: spec.clone_without_catalog(),
            files: Vec::new(),
            text,
            file: file.into(),
            products: None,
            links: None,
            overrides: Vec::new(),
        };
        let Some(cat) = spec.catalog.clone() else {
            loaded.spec = spec;
            return Ok(loaded);
        };
        let limits = crate::model::Limits::default();
        let problem = |path: &str, message: String| -> ScenarioError {
            let doc = DeTable::parse(&loaded.text).ok();
            let pos = doc.as_ref().and_then(|d| span_of(d.get_ref(), path)).map(|o| line_col(&loaded.text, o));
            ScenarioError {
                file: file.to_string(),
                problems: vec![Problem {
                    file: None,
                    line: pos.map(|p| p.0),
                    column: pos.map(|p| p.1),
                    path: path.to_string(),
                    message,
                }],
            }
        };
        let Some(dir) = dir else {
            return Err(problem(
                "catalog",
                "catalog files can only be read when the scenario is opened from a file".into(),
            ));
        };
        let csv_error = |e: CsvError| ScenarioError {
            file: file.to_string(),
            problems: vec![Problem {
                file: Some(e.file),
                line: e.line.map(|l| l as usize),
                column: None,
                path: e.column.map(|c| format!("column `{c}`")).unwrap_or_default(),
                message: e.message,
            }],
        };
        if let Some(name) = &cat.products {
            if !spec.products.is_empty() {
                return Err(problem(
                    FieldId::CatalogProducts.path(),
                    "products are given both here and as [[products]]; keep one".into(),
                ));
            }
            let path = files::inside(dir, name).map_err(|m| problem(FieldId::CatalogProducts.path(), m))?;
            let (products, origin) =
                catalog_csv::read_products(&path, &path.display().to_string(), limits.max_products)
                    .map_err(csv_error)?;
            spec.products = products;
            loaded.products = Some(origin);
            loaded.files.push(path);
        }
        if let Some(name) = &cat.links {
            if !spec.links.is_empty() {
                return Err(problem(
                    FieldId::CatalogLinks.path(),
                    "links are given both here and as [[links]]; keep one".into(),
                ));
            }
            let path = files::inside(dir, name).map_err(|m| problem(FieldId::CatalogLinks.path(), m))?;
            let (links, origin) =
                catalog_csv::read_links(&path, &path.display().to_string(), limits.max_links).map_err(csv_error)?;
            spec.links = links;
            loaded.links = Some(origin);
            loaded.files.push(path);
        }
        loaded.spec = spec;
        Ok(loaded)
    }

    /// Records that the field at `path` was set by `origin` (a command-line flag such
    /// as `--replications 30000`) after reading: a problem with that field, or with a
    /// table holding it, is reported on the flag instead of a line of the file.
    pub fn overridden(&mut self, path: impl Into<String>, origin: impl Into<String>) {
        self.overrides.push((path.into(), origin.into()));
    }

    /// Validates; every problem is placed in the TOML or CSV file it came from, or on
    /// the flag that set its field.
    pub fn validate(&self) -> Result<Scenario, ScenarioError> {
        let Loaded { spec, text, file, products, links, overrides, files: _ } = self;
        crate::model::validate(spec, &crate::model::Limits::default()).map_err(|errors| {
            let (in_csv, in_toml): (Vec<FieldError>, Vec<FieldError>) = errors.into_iter().partition(|e| {
                (products.is_some() && e.path.starts_with("products["))
                    || (links.is_some() && e.path.starts_with("links["))
            });
            let mut out = locate(text, file, &in_toml);
            for p in &mut out.problems {
                let by = |(path, _): &&(String, String)| {
                    *path == p.path || (!p.path.is_empty() && path.starts_with(&format!("{}.", p.path)))
                };
                let origins: Vec<&str> = overrides.iter().filter(by).map(|(_, o)| o.as_str()).collect();
                if !origins.is_empty() {
                    p.file = Some(origins.join(", "));
                    p.line = None;
                    p.column = None;
                }
            }
            for e in in_csv {
                let origin = if e.path.starts_with("products[") { products.as_ref() } else { links.as_ref() };
                let index = e.path.split(['[', ']']).nth(1).and_then(|i| i.parse::<usize>().ok());
                let line = origin.zip(index).and_then(|(o, i)| o.lines.get(i)).map(|&l| l as usize);
                out.problems.push(Problem {
                    file: origin.map(|o| o.file.clone()),
                    line,
                    column: None,
                    path: e.path,
                    message: e.message,
                });
            }
            out
        })
    }
}

/// Reads a scenario file and its CSV catalog files, without validating.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let text = read_text(path)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded = Loaded::parse(text, &path.display().to_string(), Some(&dir))?;
    loaded.files.insert(0, path.to_path_buf());
    Ok(loaded)
}

/// Validates a file form that came from `text`, placing errors in that text.
fn locate(text: &str, file: &str, errors: &[FieldError]) -> ScenarioError {
    let doc = DeTable::parse(text).ok();
    let mut problems: Vec<Problem> = errors
        .iter()
        .map(|e| {
            let span = doc.as_ref().and_then(|d| span_of(d.get_ref(), &e.path));
            let (line, column) = match span {
                Some(s) => {
                    let (l, c) = line_col(text, s);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            Problem { file: None, line, column, path: e.path.clone(), message: e.message.clone() }
        })
        .collect();
    problems.sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.column.unwrap_or(0)));
    ScenarioError { file: file.to_string(), problems }
}

/// Byte offset of the deepest existing part of a field path such as
/// `segments[1].category_affinity.pods`.
fn span_of(root: &DeTable, path: &str) -> Option<usize> {
    let mut parts = Vec::new();
    for dotted in path.split('.') {
        let mut rest = dotted;
        if let Some(i) = rest.find('[') {
            parts.push(Part::Key(&rest[..i]));
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                if let Ok(n) = rest[1..end].parse() {
                    parts.push(Part::Index(n));
                }
                rest = &rest[end + 1..];
            }
        } else {
            parts.push(Part::Key(rest));
        }
    }
    let mut best = None;
    let mut table = Some(root);
    let mut value: Option<&toml::Spanned<DeValue>> = None;
    for part in parts {
        let next = match (part, table, value) {
            (Part::Key(k), Some(t), _) => t.get_key_value(k).map(|(key, v)| {
                best = Some(key.span().start);
                v
            }),
            (Part::Index(i), _, Some(v)) => match v.get_ref() {
                DeValue::Array(a) => a.get(i).inspect(|x| best = Some(x.span().start)),
                _ => None,
            },
            _ => None,
        };
        let Some(v) = next else { break };
        value = Some(v);
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    best
}

#[derive(Clone, Copy)]
enum Part<'a> {
    Key(&'a str),
    Index(usize),
}

/// Reads and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioError> {
    load(path)?.validate()
}

/// Reads a scenario file's text: a regular file of at most [`MAX_FILE_BYTES`] bytes
/// (checked while reading) holding UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let file = path.display().to_string();
    let bytes = files::read_capped(path, MAX_FILE_BYTES).map_err(|e| {
        let hint = match e {
            files::ReadError::TooLarge { .. } => {
                "; keep a large catalog in CSV files beside the scenario ([catalog], docs/scenario-format.md)"
            }
            _ => "",
        };
        ScenarioError::single(&file, format!("{e}{hint}"))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = {
            let ok = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(ok);
            line_col(&text, text.len())
        };
        ScenarioError {
            file: file.clone(),
            problems: vec![Problem {
                file: None,
                line: Some(line),
                column: Some(column),
                path: String::new(),
                message: "the file is not valid UTF-8 text".into(),
            }],
        }
    })
}

/// The embedded article scenario's file form.
///
/// # Panics
/// Never: the embedded file is validated by the test suite.
pub fn article_spec() -> ScenarioSpec {
    parse_spec(ARTICLE_TOML, EMBEDDED_NAME).unwrap_or_else(|e| panic!("embedded scenario is invalid: {e}"))
}

/// The embedded article scenario.
///
/// # Panics
/// Never: the embedded file is validated by the test suite.
pub fn article() -> Scenario {
    parse_scenario(ARTICLE_TOML, EMBEDDED_NAME).unwrap_or_else(|e| panic!("embedded scenario is invalid: {e}"))
}

/// The TOML text of a scenario (comments of the original file are not kept).
pub fn to_toml(spec: &ScenarioSpec) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(spec)
}

/// Saves `text` to `path` atomically ([`files::write_atomic`]).
pub fn save_text(path: &Path, text: &str) -> std::io::Result<()> {
    files::write_atomic(path, text.as_bytes())
}

/// Serialises and saves a scenario atomically, written afresh (no comments). A
/// catalog kept in CSV files is written to those files, each atomically, and left out
/// of the TOML. The CSV files must lie inside `path`'s folder ([`files::inside`]);
/// nothing is written when one does not.
pub fn save_scenario(path: &Path, spec: &ScenarioSpec) -> std::io::Result<()> {
    let text = to_toml(&head(spec)).map_err(std::io::Error::other)?;
    save_with_catalog(path, spec, &text, true)
}

/// Saves `spec` to `path` keeping `original`'s layout: `original` is the text the
/// scenario was read from, and only the values that differ from what it says are
/// rewritten, so comments, order and formatting stay as the author wrote them
/// ([`super::preserve`]). The CSV catalog files are written only when
/// `catalog_changed` (or when they do not exist yet at `path`'s folder).
/// Returns the text written.
pub fn save_preserving(
    path: &Path,
    original: &str,
    spec: &ScenarioSpec,
    catalog_changed: bool,
) -> std::io::Result<String> {
    let before = parse_spec(original, "the original text").map_err(|e| std::io::Error::other(e.to_string()))?;
    let text = super::preserve::patch(original, &before, &head(spec)).map_err(std::io::Error::other)?;
    save_with_catalog(path, spec, &text, catalog_changed)?;
    Ok(text)
}

/// The part of a scenario its TOML file holds: everything but a catalog kept in CSV.
pub fn head(spec: &ScenarioSpec) -> ScenarioSpec {
    let cat = spec.catalog.clone().unwrap_or_default();
    let mut head = spec.clone_without_catalog();
    if cat.products.is_none() {
        head.products = spec.products.clone();
    }
    if cat.links.is_none() {
        head.links = spec.links.clone();
    }
    head
}

fn save_with_catalog(path: &Path, spec: &ScenarioSpec, text: &str, catalog_changed: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let cat = spec.catalog.clone().unwrap_or_default();
    let target = |field: &str, name: &str| {
        files::inside(dir, name).map_err(|m| std::io::Error::other(format!("[catalog] {field}: {m}")))
    };
    let key = |f: FieldId| f.field().key();
    let products = cat.products.as_deref().map(|n| target(key(FieldId::CatalogProducts), n)).transpose()?;
    let links = cat.links.as_deref().map(|n| target(key(FieldId::CatalogLinks), n)).transpose()?;
    if let Some(p) = products.filter(|p| catalog_changed || !p.exists()) {
        let mut buf = Vec::new();
        catalog_csv::write_products(&mut buf, &spec.products).map_err(std::io::Error::other)?;
        create_parent(&p)?;
        files::write_atomic(&p, &buf)?;
    }
    if let Some(p) = links.filter(|p| catalog_changed || !p.exists()) {
        let mut buf = Vec::new();
        catalog_csv::write_links(&mut buf, &spec.links).map_err(std::io::Error::other)?;
        create_parent(&p)?;
        files::write_atomic(&p, &buf)?;
    }
    save_text(path, text)
}

/// Creates the (confined) subfolder a catalog file is saved into.
fn create_parent(p: &Path) -> std::io::Result<()> {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => std::fs::create_dir_all(d),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn explains_unknown_fields() {
        let m = explain("unknown field `shre`, expected one of `name`, `share`");
        assert_eq!(m, "unknown field `shre`; did you mean `share`? allowed: name, share");
    }
}
