//! Scenario files: TOML text -> validated [`Scenario`] with errors that name the
//! file, line, column and field; atomic saving.

use std::fmt;
use std::io::Write;
use std::path::Path;

use toml::de::{DeTable, DeValue};

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
            write!(f, "{}", self.file)?;
            if let (Some(l), Some(c)) = (p.line, p.column) {
                write!(f, ":{l}:{c}")?;
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
            problems: vec![Problem { line: None, column: None, path: String::new(), message }],
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
    ScenarioError { file: file.to_string(), problems: vec![Problem { line, column, path, message }] }
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

/// Parses and validates scenario text. `file` names it in messages.
pub fn parse_scenario(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let spec = parse_spec(text, file)?;
    Scenario::from_spec(spec).map_err(|errors| locate(text, file, &errors))
}

/// Validates a file form that came from `text`, placing errors in that text.
pub fn locate(text: &str, file: &str, errors: &[FieldError]) -> ScenarioError {
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
            Problem { line, column, path: e.path.clone(), message: e.message.clone() }
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
    let text = read_text(path)?;
    parse_scenario(&text, &path.display().to_string())
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

/// Serialises and saves a scenario atomically.
pub fn save_scenario(path: &Path, spec: &ScenarioSpec) -> std::io::Result<()> {
    let text = to_toml(spec).map_err(std::io::Error::other)?;
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
