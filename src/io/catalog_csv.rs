//! Catalogs in CSV files, for catalogs too large to write as TOML tables: read and
//! written record by record, with errors naming the file, line and column.
//!
//! products.csv: `id,name,category,price[,cost,popularity,post_purchase]`
//! links.csv:    `from,from_category,to,strength` (exactly one of `from`, `from_category`)

use std::io::Write;
use std::path::Path;

use super::files::{self, Capped};
use crate::format::excerpt;
use crate::model::fields::{Kind, List};
use crate::model::{FieldId, LinkSpec, ProductSpec, did_you_mean};

/// Where each record came from, to place validation errors in the CSV file.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The file as named in messages.
    pub file: String,
    /// 1-based line of record `i`.
    pub lines: Vec<u32>,
}

/// A problem in a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// The file as named in messages.
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<u64>,
    /// Column name, where known.
    pub column: Option<String>,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// The products file's columns: a product's fields, named by their keys.
const PRODUCT_FIELDS: [FieldId; 7] = [
    FieldId::ProductId,
    FieldId::ProductName,
    FieldId::ProductCategory,
    FieldId::ProductPrice,
    FieldId::ProductCost,
    FieldId::ProductPopularity,
    FieldId::ProductPostPurchase,
];
/// The links file's columns.
const LINK_FIELDS: [FieldId; 4] =
    [FieldId::LinkFrom, FieldId::LinkFromCategory, FieldId::LinkTo, FieldId::LinkStrength];

/// The column names of `fields`.
fn keys<const N: usize>(fields: [FieldId; N]) -> [&'static str; N] {
    fields.map(|f| f.field().key())
}

/// The columns a file must have: the fields without a default.
fn required(fields: &[FieldId]) -> Vec<&'static str> {
    let f = fields.iter().map(|f| f.field());
    f.filter(|f| f.default.is_none() && f.kind != Kind::OptionalText).map(|f| f.key()).collect()
}

fn err(file: &str, line: Option<u64>, column: Option<&str>, message: impl Into<String>) -> CsvError {
    CsvError { file: file.to_string(), line, column: column.map(str::to_string), message: message.into() }
}

/// Largest catalog CSV file read, in bytes (checked while reading). The caps on
/// products (200,000) and links (2,000,000) fit well inside it.
pub const MAX_CSV_BYTES: u64 = 128 * 1024 * 1024;

type Reader = csv::Reader<Capped<std::fs::File>>;

fn open(path: &Path, file: &str) -> Result<Reader, CsvError> {
    let f = files::open_capped(path, MAX_CSV_BYTES).map_err(|e| err(file, None, None, e.to_string()))?;
    Ok(csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(f))
}

/// A CSV reading error in words: which line, and what is wrong with it.
fn read_error(file: &str, e: &csv::Error, header: &[String]) -> CsvError {
    let line = e.position().map(csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => format!(
            "this row has {len} field{} but the header has {} ({}); quote a field that contains a comma",
            if *len == 1 { "" } else { "s" },
            header.len(),
            header.iter().map(|h| excerpt(h, 30)).collect::<Vec<_>>().join(", ")
        ),
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8 text; save the file as UTF-8".into(),
        csv::ErrorKind::Io(io) => match files::over_cap(io) {
            Some(cap) => files::ReadError::TooLarge { cap }.to_string(),
            None => format!("cannot read: {}", files::io_text(io)),
        },
        _ => "malformed CSV".into(),
    };
    err(file, line, None, message)
}

/// Maps the header to column indices; rejects unknown and missing columns. Returns
/// the indices and the header's names.
fn columns<const N: usize>(
    r: &mut Reader,
    file: &str,
    known: [&'static str; N],
    required: &[&str],
) -> Result<([Option<usize>; N], Vec<String>), CsvError> {
    let header = r.headers().map_err(|e| read_error(file, &e, &[]))?.clone();
    let mut idx = [None; N];
    for (i, h) in header.iter().enumerate() {
        match known.iter().position(|k| *k == h) {
            Some(k) if idx[k].is_none() => idx[k] = Some(i),
            Some(_) => return Err(err(file, Some(1), Some(h), "this column appears twice")),
            None => {
                let hint = did_you_mean(h, known).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
                let shown = excerpt(h, 40);
                return Err(err(
                    file,
                    Some(1),
                    Some(&shown),
                    format!("unknown column `{shown}`; {hint}allowed: {}", known.join(", ")),
                ));
            }
        }
    }
    for r in required {
        if let Some(k) = known.iter().position(|k| k == r)
            && idx[k].is_none()
        {
            return Err(err(file, Some(1), None, format!("missing column `{r}` (required: {})", required.join(", "))));
        }
    }
    Ok((idx, header.iter().map(str::to_string).collect()))
}

/// Reads every record of `r`, calling `row` with each and its line; stops with an
/// error at the first bad record or past `max_rows` records (so a file far over the
/// cap costs no more than the cap).
fn records(
    r: &mut Reader,
    file: &str,
    header: &[String],
    max_rows: usize,
    what: &str,
    mut row: impl FnMut(&csv::StringRecord, u64) -> Result<(), CsvError>,
) -> Result<(), CsvError> {
    let mut rec = csv::StringRecord::new();
    let mut n = 0usize;
    while r.read_record(&mut rec).map_err(|e| read_error(file, &e, header))? {
        let line = rec.position().map_or(0, csv::Position::line);
        n += 1;
        if n > max_rows {
            return Err(err(
                file,
                Some(line),
                None,
                format!(
                    "more than {} {what}; at most {} are allowed",
                    crate::format::int(max_rows as u64),
                    crate::format::int(max_rows as u64)
                ),
            ));
        }
        row(&rec, line)?;
    }
    Ok(())
}

fn number(file: &str, line: u64, col: &str, s: &str) -> Result<f64, CsvError> {
    s.parse::<f64>().map_err(|_| err(file, Some(line), Some(col), format!("`{}` is not a number", excerpt(s, 40))))
}

fn boolean(file: &str, line: u64, col: &str, s: &str) -> Result<bool, CsvError> {
    match s.to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Ok(false),
        "true" | "yes" | "1" => Ok(true),
        _ => Err(err(
            file,
            Some(line),
            Some(col),
            format!("`{}` is not true or false (also allowed: yes/no, 1/0)", excerpt(s, 40)),
        )),
    }
}

/// Reads a products CSV of at most `max_rows` products.
pub fn read_products(path: &Path, file: &str, max_rows: usize) -> Result<(Vec<ProductSpec>, Origin), CsvError> {
    let mut r = open(path, file)?;
    let col = keys(PRODUCT_FIELDS);
    let (idx, header) = columns(&mut r, file, col, &required(&PRODUCT_FIELDS))?;
    let mut out = Vec::new();
    let mut origin = Origin { file: file.to_string(), lines: Vec::new() };
    records(&mut r, file, &header, max_rows, List::Products.key(), |rec, line| {
        // Cells this project wrote neutralised (`'=Sale`) read back as they were.
        let get = |k: usize| super::csv_out::restore(idx[k].and_then(|i| rec.get(i)).unwrap_or(""));
        out.push(ProductSpec {
            id: get(0).to_string(),
            name: get(1).to_string(),
            category: get(2).to_string(),
            price: number(file, line, col[3], get(3))?,
            cost: if get(4).is_empty() { 0.0 } else { number(file, line, col[4], get(4))? },
            popularity: if get(5).is_empty() { 1.0 } else { number(file, line, col[5], get(5))? },
            post_purchase: boolean(file, line, col[6], get(6))?,
        });
        origin.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        Ok(())
    })?;
    Ok((out, origin))
}

/// Reads a links CSV of at most `max_rows` links.
pub fn read_links(path: &Path, file: &str, max_rows: usize) -> Result<(Vec<LinkSpec>, Origin), CsvError> {
    let mut r = open(path, file)?;
    let col = keys(LINK_FIELDS);
    let (idx, header) = columns(&mut r, file, col, &required(&LINK_FIELDS))?;
    let mut out = Vec::new();
    let mut origin = Origin { file: file.to_string(), lines: Vec::new() };
    records(&mut r, file, &header, max_rows, List::Links.key(), |rec, line| {
        // Cells this project wrote neutralised (`'=Sale`) read back as they were.
        let get = |k: usize| super::csv_out::restore(idx[k].and_then(|i| rec.get(i)).unwrap_or(""));
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        out.push(LinkSpec {
            from: opt(get(0)),
            from_category: opt(get(1)),
            to: get(2).to_string(),
            strength: number(file, line, col[3], get(3))?,
        });
        origin.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        Ok(())
    })?;
    Ok((out, origin))
}

/// Writes products as CSV.
pub fn write_products<W: Write>(w: W, products: &[ProductSpec]) -> csv::Result<()> {
    let mut w = super::csv_out::Writer::from_writer(w);
    w.write_record(keys(PRODUCT_FIELDS))?;
    for p in products {
        w.write_record([
            p.id.as_str(),
            p.name.as_str(),
            p.category.as_str(),
            &p.price.to_string(),
            &p.cost.to_string(),
            &p.popularity.to_string(),
            if p.post_purchase { "true" } else { "false" },
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes links as CSV.
pub fn write_links<W: Write>(w: W, links: &[LinkSpec]) -> csv::Result<()> {
    let mut w = super::csv_out::Writer::from_writer(w);
    w.write_record(keys(LINK_FIELDS))?;
    for l in links {
        w.write_record([
            l.from.as_deref().unwrap_or(""),
            l.from_category.as_deref().unwrap_or(""),
            l.to.as_str(),
            &l.strength.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
