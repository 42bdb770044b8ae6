//! Number formatting shared by the CLI and the app: currency with thousands
//! separators, percentages, signed lifts.

/// The symbol for a currency code, or the code itself followed by a space.
pub fn currency_symbol(code: &str) -> String {
    match code {
        "USD" | "CAD" | "AUD" | "NZD" | "SGD" | "HKD" | "MXN" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" | "CNY" => "¥".into(),
        "INR" => "₹".into(),
        other => format!("{other} "),
    }
}

/// Groups the integer digits of a non-negative decimal string by thousands.
fn group(digits: &str) -> String {
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::with_capacity(int.len() + int.len() / 3 + frac.len() + 1);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A whole number with thousands separators: `1,234,567` (exact for every `u64`).
pub fn int(n: impl Into<u64>) -> String {
    group(&n.into().to_string())
}

/// `-$1,234.50` style money with `decimals` decimals.
pub fn money(value: f64, code: &str, decimals: usize) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    let body = group(&format!("{:.*}", decimals, value.abs()));
    let sign = if value < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    format!("{sign}{}{body}", currency_symbol(code))
}

/// Money with an explicit sign: `+$10,000,000`.
pub fn signed_money(value: f64, code: &str, decimals: usize) -> String {
    let m = money(value, code, decimals);
    if value > 0.0 && !m.starts_with('-') { format!("+{m}") } else { m }
}

/// Compact money for large amounts: `$12.3M`, `$450K`, `$980`.
pub fn money_compact(value: f64, code: &str) -> String {
    let a = value.abs();
    let sign = if value < 0.0 { "-" } else { "" };
    let sym = currency_symbol(code);
    if a >= 1e9 {
        format!("{sign}{sym}{:.2}B", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}{sym}{:.2}M", a / 1e6)
    } else if a >= 1e4 {
        format!("{sign}{sym}{:.0}K", a / 1e3)
    } else {
        money(value, code, 0)
    }
}

/// A share as a percentage: `3.12%`.
pub fn percent(share: f64, decimals: usize) -> String {
    if share.is_finite() { format!("{:.*}%", decimals, share * 100.0) } else { "n/a".into() }
}

/// A relative lift as a signed percentage: `+20.0%`.
pub fn lift(share: f64, decimals: usize) -> String {
    if share.is_finite() { format!("{:+.*}%", decimals, share * 100.0) } else { "n/a".into() }
}

/// `s` with every control character (terminal escapes, newlines, NUL, C1 codes)
/// written as a visible `\u{..}` escape, so that text from a file or a name cannot
/// drive the terminal it is printed on.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Like [`printable`], but keeps line breaks: for messages of several lines.
pub fn printable_lines(s: &str) -> String {
    s.split('\n').map(printable).collect::<Vec<_>>().join("\n")
}

/// At most `max` characters of `s`, made [`printable`], with `…` where cut: for
/// quoting a user's text back in a message.
pub fn excerpt(s: &str, max: usize) -> String {
    let cut: String = s.chars().take(max).collect();
    let more = s.chars().nth(max).is_some();
    format!("{}{}", printable(&cut), if more { "…" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(printable("a\u{1b}]0;x\u{7}b"), r"a\u{1b}]0;x\u{7}b");
        assert_eq!(printable("café"), "café");
        assert_eq!(printable_lines("one\ntwo\u{9b}"), "one\ntwo\\u{9b}");
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("abc", 3), "abc");
    }

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(money(10_000_000.0, "USD", 0), "$10,000,000");
        assert_eq!(money(-1234.5, "USD", 2), "-$1,234.50");
        assert_eq!(money(999.0, "EUR", 0), "€999");
        assert_eq!(money(-0.001, "USD", 2), "$0.00");
        assert_eq!(money(1234.0, "CHF", 0), "CHF 1,234");
        assert_eq!(signed_money(10_000_000.0, "USD", 0), "+$10,000,000");
        assert_eq!(money_compact(12_345_678.0, "USD"), "$12.35M");
        assert_eq!(money_compact(-3_544.4, "USD"), "-$3,544");
        assert_eq!(money_compact(91_000.0, "USD"), "$91K");
        assert_eq!(int(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(int(7u32), "7");
    }

    #[test]
    fn percents() {
        assert_eq!(percent(0.0312, 2), "3.12%");
        assert_eq!(lift(0.2, 1), "+20.0%");
        assert_eq!(lift(-0.031, 1), "-3.1%");
    }
}
