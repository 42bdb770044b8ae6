//! A store's own exports turned into a scenario: product catalogs (Shopify,
//! WooCommerce or any CSV with a column mapping, [`catalog`]) and order lines
//! ([`orders`]), with every skipped row and every assumption said. Works on tables
//! already read ([`crate::io::table`] reads files); calibration from the orders is in
//! [`crate::analysis::calibrate`].

pub mod catalog;
pub mod orders;
pub mod test_results;

use crate::model::did_you_mean;

/// A CSV file's rows as text.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file as named in messages.
    pub file: String,
    /// Column names, trimmed.
    pub header: Vec<String>,
    /// (1-based line, fields) for every non-blank row after the header.
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Field `col` of row `row`, trimmed ("" where the row is short).
    pub fn get(&self, row: usize, col: usize) -> &str {
        self.rows[row].1.get(col).map_or("", str::trim)
    }

    /// Field `col` of row `row` where a column is given.
    pub fn opt(&self, row: usize, col: Option<usize>) -> &str {
        col.map_or("", |c| self.get(row, c))
    }

    /// The column named `name` (ignoring case, spaces and punctuation); a name that
    /// starts or ends with `*` matches a header that ends or starts with the rest
    /// (`number_of_*` finds `number_of_cds`).
    pub fn column(&self, name: &str) -> Option<usize> {
        let want = normalise(name);
        let matches = |h: &str| match (name.starts_with('*'), name.ends_with('*')) {
            (false, true) => h.starts_with(&want) && h.len() > want.len(),
            (true, false) => h.ends_with(&want) && h.len() > want.len(),
            _ => h == want,
        };
        self.header.iter().position(|h| matches(&normalise(h)))
    }
}

/// Why a file cannot be imported, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file as named in messages.
    pub file: String,
    /// 1-based line, where one is to blame.
    pub line: Option<u64>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}, line {l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// 1-based line in the file.
    pub line: u64,
    /// Why, in words.
    pub reason: String,
}

/// A file's name without its folders, as descriptions and titles name it (a full
/// path would carry the user's folders into a shared scenario file).
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path).file_name().map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The error of a file of which no row could be used: `none` when nothing was
/// skipped either, else `some` followed by the skipped rows by reason.
fn nothing_usable(t: &Table, skipped: &[Skipped], none: &str, some: &str) -> ImportError {
    let why = skipped_summary(skipped);
    ImportError {
        file: t.file.clone(),
        line: None,
        message: if why.is_empty() { none.to_string() } else { format!("{some}: {}", why.join("; ")) },
    }
}

/// Skipped rows counted by reason, most common first, with their first lines: the
/// preview's list ("no price: 3 rows (lines 4, 9, 12)").
pub fn skipped_summary(skipped: &[Skipped]) -> Vec<String> {
    let mut by: Vec<(String, Vec<u64>)> = Vec::new();
    for s in skipped {
        match by.iter_mut().find(|(r, _)| r == &s.reason) {
            Some((_, lines)) => lines.push(s.line),
            None => by.push((s.reason.clone(), vec![s.line])),
        }
    }
    by.sort_by_key(|b| std::cmp::Reverse(b.1.len()));
    by.into_iter()
        .map(|(reason, lines)| {
            let shown: Vec<String> = lines.iter().take(8).map(u64::to_string).collect();
            let more = if lines.len() > 8 { format!(" and {} more", lines.len() - 8) } else { String::new() };
            let rows =
                if lines.len() == 1 { "1 row (line".to_string() } else { format!("{} rows (lines", lines.len()) };
            format!("{reason}: {rows} {}{more})", shown.join(", "))
        })
        .collect()
}

/// What a column holds, and the names it goes by in exports.
#[derive(Debug, Clone, Copy)]
pub struct Role {
    /// The role's key in `--map KEY=COLUMN`.
    pub key: &'static str,
    /// What it holds, for messages and the app.
    pub what: &'static str,
    /// Column names that hold it, most specific first (compared ignoring case, spaces
    /// and punctuation).
    pub names: &'static [&'static str],
    /// Whether an import needs it.
    pub required: bool,
}

/// An explicit column mapping, `role=Column` pairs (`--map product=Title,price=Cost`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping(pub Vec<(String, String)>);

impl Mapping {
    /// Parses `role=Column[,role=Column...]`; several `--map` flags add up.
    pub fn parse(items: &[String]) -> Result<Self, String> {
        let mut m = Vec::new();
        for item in items {
            for pair in item.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let Some((k, v)) = pair.split_once('=') else {
                    return Err(format!("`{pair}` is not ROLE=COLUMN (for example product=Title)"));
                };
                m.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        Ok(Mapping(m))
    }
}

/// Which column holds each role: mapped explicitly, or detected by name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Columns {
    /// (role key, column index, column name, whether it was mapped by hand) for every
    /// role found.
    pub found: Vec<(&'static str, usize, String, bool)>,
}

impl Columns {
    /// The column of role `key`.
    pub fn of(&self, key: &str) -> Option<usize> {
        self.found.iter().find(|f| f.0 == key).map(|f| f.1)
    }

    /// "product: Title (detected)" lines for the preview.
    pub fn describe(&self) -> Vec<String> {
        self.found
            .iter()
            .map(|(k, _, name, mapped)| format!("{k}: {name} ({})", if *mapped { "mapped" } else { "detected" }))
            .collect()
    }
}

/// Lower case letters and digits only: `Lineitem name` and `lineitem_name` match.
pub fn normalise(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Finds each role's column: the mapping first, then the first of the role's names
/// in the header. Errors name the file and, for a mapping or a missing required role,
/// the columns there are.
pub fn resolve(table: &Table, roles: &[Role], map: &Mapping) -> Result<Columns, ImportError> {
    let fail = |message: String| ImportError { file: table.file.clone(), line: Some(1), message };
    let header_list = || table.header.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ");
    let mut found: Vec<(&'static str, usize, String, bool)> = Vec::new();
    for (key, column) in &map.0 {
        let Some(role) = roles.iter().find(|r| r.key == key) else {
            let keys: Vec<&str> = roles.iter().map(|r| r.key).collect();
            return Err(fail(format!(
                "the mapping names the role `{key}`; the roles are {}{}",
                keys.join(", "),
                did_you_mean(key, keys.iter().copied()).map(|d| format!("; did you mean `{d}`?")).unwrap_or_default()
            )));
        };
        let Some(i) = table.column(column) else {
            return Err(fail(format!(
                "the mapping {key}={column}: the file has no column `{column}`{}; its columns are {}",
                {
                    let lower: Vec<String> = table.header.iter().map(|h| h.to_lowercase()).collect();
                    did_you_mean(&column.to_lowercase(), lower.iter().map(String::as_str))
                        .and_then(|d| lower.iter().position(|h| h == d))
                        .map(|i| format!(" (did you mean `{}`?)", table.header[i]))
                        .unwrap_or_default()
                },
                header_list()
            )));
        };
        found.retain(|f| f.0 != role.key);
        found.push((role.key, i, table.header[i].clone(), true));
    }
    for role in roles {
        if found.iter().any(|f| f.0 == role.key) {
            continue;
        }
        let taken = |i: usize| found.iter().any(|f| f.1 == i);
        if let Some(i) = role.names.iter().find_map(|n| table.column(n).filter(|&i| !taken(i))) {
            found.push((role.key, i, table.header[i].clone(), false));
        }
    }
    for role in roles.iter().filter(|r| r.required) {
        if !found.iter().any(|f| f.0 == role.key) {
            return Err(fail(format!(
                "no column holds the {} (looked for {}); map the `{}` role to the column that holds it. The file's columns are {}",
                role.what,
                role.names.iter().take(6).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                role.key,
                header_list()
            )));
        }
    }
    found.sort_by_key(|f| roles.iter().position(|r| r.key == f.0));
    Ok(Columns { found })
}

/// A money amount as exports write it: `69.99`, `$1,299.00`, `29,99 €`, `1.299,00`.
/// `None` for anything else (including an empty field).
pub fn parse_money(s: &str) -> Option<f64> {
    // Accounting negatives, `(5.00)`, and the Unicode minus, `−5.00`.
    let trimmed = s.trim();
    if (trimmed.starts_with('(') && trimmed.ends_with(')')) || trimmed.contains('\u{2212}') {
        let inner = trimmed.trim_start_matches('(').trim_end_matches(')').replace('\u{2212}', "");
        return parse_money(&inner).map(|v| -v.abs());
    }
    let t: String = s.chars().filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-')).collect();
    if t.is_empty() || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let normalised = match (t.rfind('.'), t.rfind(',')) {
        (Some(d), Some(c)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (None, Some(c)) if t.len() - c - 1 == 3 && t.matches(',').count() >= 1 && !t.starts_with("0,") => {
            t.replace(',', "")
        }
        (None, Some(_)) => t.replace(',', "."),
        _ => t,
    };
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Text safe for a name: control characters (line breaks in a title) become spaces,
/// runs of spaces one, at most 200 characters.
pub fn clean_name(s: &str) -> String {
    let spaced: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    words.join(" ").chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_the_forms_exports_write() {
        assert_eq!(parse_money("69.99"), Some(69.99));
        assert_eq!(parse_money("$1,299.00"), Some(1299.0));
        assert_eq!(parse_money("29,99 €"), Some(29.99));
        assert_eq!(parse_money("1.299,00"), Some(1299.0));
        assert_eq!(parse_money("1,299"), Some(1299.0));
        assert_eq!(parse_money("0,5"), Some(0.5));
        assert_eq!(parse_money(""), None);
        assert_eq!(parse_money("n/a"), None);
        assert_eq!(parse_money("(5.00)"), Some(-5.0));
        assert_eq!(parse_money("\u{2212}5.00"), Some(-5.0));
        assert_eq!(parse_money("-5"), Some(-5.0));
    }

    #[test]
    fn skipped_rows_are_counted_by_reason_with_their_lines() {
        let s: Vec<Skipped> = [(3, "no price"), (5, "draft"), (9, "no price")]
            .iter()
            .map(|&(line, r)| Skipped { line, reason: r.into() })
            .collect();
        assert_eq!(skipped_summary(&s), ["no price: 2 rows (lines 3, 9)", "draft: 1 row (line 5)"]);
    }
}
