//! Scenario files: TOML text -> validated [`Scenario`] with errors that name the
//! file, line, column and field; atomic saving.

use std::fmt;
use std::io::Write;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::catalog_csv::{self, CsvError, Origin};
use crate::model::{FieldError, Scenario, ScenarioSpec, did_you_mean};

/// The embedded default scenario (the article's coffee store).
pub const ARTICLE_TOML: &str = include_str!("../../scenarios/article.toml");

/// Name used in messages for the embedded scenario.
pub const EMBEDDED_NAME: &str = "<embedded article scenario>";

/// Largest scenario file read, in bytes.
/// A TOML scenario takes roughly 40 times its size in memory while it is parsed, so the
/// cap keeps a hostile or mistaken file to a few GB.
pub const MAX_FILE_BYTES: u64 = 80 * 1024 * 1024;

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
    // serde names Rust types; say what a scenario author can write instead.
    message
        .replace("expected u64", "expected a whole number >= 0")
        .replace("expected u32", "expected a whole number >= 0")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
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
    text: String,
    file: String,
    products: Option<Origin>,
    links: Option<Origin>,
}

impl Loaded {
    /// Parses `text`; `dir` is the folder catalog files are relative to (`None`: the
    /// text has no folder, and a scenario that names catalog files is an error).
    pub fn parse(text: String, file: &str, dir: Option<&Path>) -> Result<Self, ScenarioError> {
        let mut spec = parse_spec(&text, file)?;
        let mut loaded =
            Loaded { spec: spec.clone_without_catalog(), text, file: file.into(), products: None, links: None };
        let Some(cat) = spec.catalog.clone() else {
            loaded.spec = spec;
            return Ok(loaded);
        };
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
                    "catalog.products",
                    "products are given both here and as [[products]]; keep one".into(),
                ));
            }
            let path = dir.join(name);
            let (products, origin) =
                catalog_csv::read_products(&path, &path.display().to_string()).map_err(csv_error)?;
            spec.products = products;
            loaded.products = Some(origin);
        }
        if let Some(name) = &cat.links {
            if !spec.links.is_empty() {
                return Err(problem("catalog.links", "links are given both here and as [[links]]; keep one".into()));
            }
            let path = dir.join(name);
            let (links, origin) = catalog_csv::read_links(&path, &path.display().to_string()).map_err(csv_error)?;
            spec.links = links;
            loaded.links = Some(origin);
        }
        loaded.spec = spec;
        Ok(loaded)
    }

    /// Validates; every problem is placed in the TOML or CSV file it came from.
    pub fn validate(self) -> Result<Scenario, ScenarioError> {
        let Loaded { spec, text, file, products, links } = self;
        Scenario::from_spec(spec).map_err(|errors| {
            let (in_csv, in_toml): (Vec<FieldError>, Vec<FieldError>) = errors.into_iter().partition(|e| {
                (products.is_some() && e.path.starts_with("products["))
                    || (links.is_some() && e.path.starts_with("links["))
            });
            let mut out = locate(&text, &file, &in_toml);
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
    Loaded::parse(text, &path.display().to_string(), Some(&dir))
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

/// Reads a scenario file's text with a size cap and a UTF-8 check.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ScenarioError::single(&file, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(ScenarioError::single(&file, "is a directory, not a scenario file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ScenarioError::single(
            &file,
            format!("is {} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes", meta.len()),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| ScenarioError::single(&file, format!("cannot read: {e}")))?;
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

/// Saves atomically: writes a temporary file beside `path`, flushes it to disk and
/// renames it over `path`, so a crash leaves either the old or the new file whole.
pub fn save_text(path: &Path, text: &str) -> std::io::Result<()> {
    save_text_bytes(path, text.as_bytes())
}

/// [`save_text`] for bytes.
pub fn save_text_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".aovlab-save-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // Keep the permissions of the file being replaced; a new file gets the usual
    // rw-r--r-- (the temporary file starts private).
    match std::fs::metadata(path) {
        Ok(m) => tmp.as_file().set_permissions(m.permissions())?,
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
        }
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Serialises and saves a scenario atomically. A catalog kept in CSV files is written
/// to those files (relative to `path`'s folder), each atomically, and left out of the
/// TOML.
pub fn save_scenario(path: &Path, spec: &ScenarioSpec) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let cat = spec.catalog.clone().unwrap_or_default();
    let mut head = spec.clone_without_catalog();
    if cat.products.is_none() {
        head.products = spec.products.clone();
    }
    if cat.links.is_none() {
        head.links = spec.links.clone();
    }
    if let Some(name) = &cat.products {
        let mut buf = Vec::new();
        catalog_csv::write_products(&mut buf, &spec.products).map_err(std::io::Error::other)?;
        save_text_bytes(&dir.join(name), &buf)?;
    }
    if let Some(name) = &cat.links {
        let mut buf = Vec::new();
        catalog_csv::write_links(&mut buf, &spec.links).map_err(std::io::Error::other)?;
        save_text_bytes(&dir.join(name), &buf)?;
    }
    let text = to_toml(&head).map_err(std::io::Error::other)?;
    save_text(path, &text)
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
