//! Someone else's CSV file (a store's product or order export) read whole into rows
//! of text, with each row's line number for messages: plain or gzip-compressed,
//! comma-, semicolon- or tab-separated, with or without a byte-order mark, and never
//! more than [`MAX_TABLE_BYTES`] of text however well it compresses.

use std::io::Read;
use std::path::Path;

use super::files::{self, Capped};
use crate::import::{ImportError, Table};

/// Most text read from one file (after decompression).
pub const MAX_TABLE_BYTES: u64 = 512 * 1024 * 1024;
/// Most rows read from one file.
pub const MAX_TABLE_ROWS: usize = 5_000_000;

/// Reads `path` (named `file` in messages) as a table.
pub fn read_table(path: &Path, file: &str) -> Result<Table, ImportError> {
    let fail = |line: Option<u64>, message: String| ImportError { file: file.to_string(), line, message };
    let raw = files::open_capped(path, MAX_TABLE_BYTES).map_err(|e| fail(None, e.to_string()))?;
    let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let mut text = Vec::new();
    let read = if gz {
        Capped::new(flate2::read::MultiGzDecoder::new(raw), MAX_TABLE_BYTES).read_to_end(&mut text)
    } else {
        Capped::new(raw, MAX_TABLE_BYTES).read_to_end(&mut text)
    };
    read.map_err(|e| {
        fail(
            None,
            match files::over_cap(&e) {
                Some(cap) => files::ReadError::TooLarge { cap }.to_string(),
                None if gz => format!("is not a readable gzip file: {}", files::io_text(&e)),
                None => format!("cannot read: {}", files::io_text(&e)),
            },
        )
    })?;
    parse_table(&text, file)
}

/// Parses CSV text as a table (the header is the first row).
pub fn parse_table(text: &[u8], file: &str) -> Result<Table, ImportError> {
    let fail = |line: Option<u64>, message: String| ImportError { file: file.to_string(), line, message };
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(None, "is empty; a CSV export starts with a header row naming its columns".into()));
    }
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first.iter().filter(|&&b| b == c).count();
    let delimiter = [b',', b';', b'\t'].into_iter().max_by_key(|&c| (count(c), c == b',')).unwrap_or(b',');
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text);
    let header: Vec<String> =
        r.headers().map_err(|e| fail(Some(1), csv_message(&e)))?.iter().map(|h| h.trim().to_string()).collect();
    if header.iter().all(String::is_empty) {
        return Err(fail(Some(1), "the header row is empty".into()));
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match r.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                if record.len() > header.len() {
                    return Err(fail(
                        Some(line),
                        format!(
                            "this row has {} fields but the header has {}; quote a field that contains the separator",
                            record.len(),
                            header.len()
                        ),
                    ));
                }
                if rows.len() >= MAX_TABLE_ROWS {
                    return Err(fail(Some(line), format!("has more than {MAX_TABLE_ROWS} rows, the most read")));
                }
                rows.push((line, record.clone()));
            }
            Err(e) => return Err(fail(e.position().map(csv::Position::line), csv_message(&e))),
        }
    }
    Ok(Table { file: file.to_string(), header, rows })
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "this row is not valid UTF-8 text; export the file as UTF-8 (CSV UTF-8 in Excel)".into()
        }
        _ => format!("malformed CSV ({e})"),
    }
}
