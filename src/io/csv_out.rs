//! Every CSV file AOV Lab writes goes through [`Writer`], which neutralises cells a
//! spreadsheet would run as a formula (CSV injection, as OWASP describes it): a
//! shared scenario whose product or strategy is named `=HYPERLINK(...)` or `@SUM(...)`
//! must not run anything on a colleague's machine when its export is opened.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, and is not
//! a plain number, is written with a leading `'`, which spreadsheets show as text
//! (OWASP's recommendation). Numbers such as `-0.05` stay numbers. The catalog CSVs
//! that scenarios read back take the `'` off again ([`restore`]), so a product named
//! `=Sale` round-trips.

use std::borrow::Cow;
use std::io::Write;

/// Whether a spreadsheet could read `cell` as a formula.
fn formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.trim().parse::<f64>().is_err()
}

/// `cell` as written: with a leading `'` where a spreadsheet could run it, or where
/// [`restore`] would otherwise take one off (a name that starts `'=`), so that every
/// cell reads back as it was.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if formula_like(cell) || restore(cell) != cell { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// A cell as [`neutralise`] wrote it, given back as it was: one leading `'` comes off
/// where what follows is formula-like or was itself neutralised.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) || restore(rest) != rest => rest,
        _ => cell,
    }
}

/// A CSV writer whose every cell is [`neutralise`]d.
pub struct Writer<W: Write>(csv::Writer<W>);

impl<W: Write> Writer<W> {
    /// A writer into `w`.
    pub fn from_writer(w: W) -> Self {
        Self(csv::Writer::from_writer(w))
    }

    /// Writes one record.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(record.into_iter().map(|c| neutralise(c.as_ref()).into_owned()))
    }

    /// Flushes what was written.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        for bad in ["=HYPERLINK(\"http://x\",\"x\")", "@SUM(A1:A2)", "+1+cmd|' /C calc'!A0", "-2+3", "\tx", "\r=1"] {
            assert!(neutralise(bad).starts_with('\''), "{bad}");
            assert_eq!(restore(&neutralise(bad)), bad);
        }
        // A name that already starts like a neutralised cell keeps its quote too.
        assert_eq!(neutralise("'=x"), "''=x");
        assert_eq!(restore(&neutralise("'=x")), "'=x");
        for fine in ["-0.05", "+3", "-1e-9", "Coffee", "", "0.25", "a=b", "'quoted"] {
            assert_eq!(neutralise(fine), fine);
            assert_eq!(restore(fine), fine);
        }
        let mut out = Vec::new();
        let mut w = Writer::from_writer(&mut out);
        w.write_record(["=1+1", "-5", "x"]).unwrap();
        w.flush().unwrap();
        drop(w);
        assert_eq!(String::from_utf8(out).unwrap(), "'=1+1,-5,x\n");
    }
}
