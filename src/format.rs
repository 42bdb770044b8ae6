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
    // What rounds to zero carries no sign (`$0.00`, not `+$0.00`).
    let nonzero = m.chars().any(|c| c.is_ascii_digit() && c != '0');
    if value > 0.0 && nonzero && !m.starts_with('-') { format!("+{m}") } else { m }
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

/// A relative lift as a signed percentage: `+20.0%`; exactly zero reads `no change`
/// (never `+0.0%` or `-0.0%`). For a number on a scale or the end of a range, where
/// zero is a place and not a verdict, [`signed_percent`].
pub fn lift(share: f64, decimals: usize) -> String {
    if share == 0.0 { NO_CHANGE.into() } else { signed_percent(share, decimals) }
}

/// A signed percentage: `+20.0%`, `-3.1%`, and zero, or what rounds to it, without a
/// sign (`0.0%`, never `-0.0%`).
pub fn signed_percent(share: f64, decimals: usize) -> String {
    if share.is_finite() { signed(share * 100.0, decimals) + "%" } else { "n/a".into() }
}

/// `v` with `decimals` decimals and its sign, except where it rounds to zero.
pub fn signed(v: f64, decimals: usize) -> String {
    let text = format!("{:+.*}", decimals, v);
    if text[1..].chars().all(|c| c == '0' || c == '.') { text[1..].to_string() } else { text }
}

/// `s` broken into lines of at most `max` characters at spaces; a word longer than a
/// line (an id, a URL) is broken across lines. Titles, notes and row names are
/// wrapped, never cut: every character stays.
pub fn wrap_words(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let chars: Vec<char> = word.chars().collect();
        words.extend(chars.chunks(max).map(|c| c.iter().collect::<String>()));
    }
    for word in words {
        let word = word.as_str();
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// How a change that is exactly zero reads, everywhere.
pub const NO_CHANGE: &str = "no change";

/// A difference of two shares in percentage points: `+0.18 pts`; exactly zero reads
/// `no change`.
pub fn points(difference: f64, decimals: usize) -> String {
    if difference == 0.0 {
        NO_CHANGE.into()
    } else if difference.is_finite() {
        format!("{} pts", signed(difference * 100.0, decimals))
    } else {
        "n/a".into()
    }
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

/// `v` rounded to `digits` significant digits (0.046324 -> 0.0463 at three).
pub fn round_significant(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// The decimals a tick label needs to show every multiple of `step` exactly (2.5 needs
/// one, 0.25 two, 2 none), at most six.
pub fn step_decimals(step: f64) -> usize {
    let step = step.abs();
    (0..6)
        .find(|&d| {
            let x = step * 10f64.powi(d as i32);
            (x - x.round()).abs() <= 1e-9 * x.max(1.0)
        })
        .unwrap_or(6)
}

/// An axis tick for a share on an axis marked every `step`: `12%`, `2.5%`; signed
/// (`+10%`) for lifts.
pub fn percent_tick(value: f64, step: f64, signed: bool) -> String {
    let d = step_decimals(step * 100.0);
    let v = if value.abs() < step * 1e-9 { 0.0 } else { value * 100.0 };
    if signed { format!("{v:+.d$}%") } else { format!("{v:.d$}%") }
}

/// An axis tick for money on an axis marked every `step`, in the unit the step
/// suggests (`$2.5M`, `$500K`, `$0.20`) so that every mark reads differently.
pub fn money_tick(value: f64, step: f64, code: &str) -> String {
    let sym = currency_symbol(code);
    if value.abs() < step.abs() * 1e-9 {
        return format!("{sym}0");
    }
    let v = value;
    let sign = if v < 0.0 { "-" } else { "" };
    let (scale, suffix) = match step.abs() {
        s if s >= 1e8 => (1e9, "B"),
        s if s >= 1e5 => (1e6, "M"),
        s if s >= 1e2 => (1e3, "K"),
        _ => (1.0, ""),
    };
    let mut d = step_decimals(step / scale);
    if scale == 1.0 && step.abs() < 1.0 {
        d = d.max(2);
    }
    format!("{sign}{sym}{:.d$}{suffix}", v.abs() / scale)
}

/// Today's date in UTC, YYYY-MM-DD (for a description that says when it was made).
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(secs as i64, 0).map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string())
}

/// A number as people write a share: `0.3`, or `30%` (a percentage, divided by 100).
/// `None` for anything else, and for a value that is not finite.
pub fn fraction(text: &str) -> Option<f64> {
    let t = text.trim();
    let (num, scale) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), 0.01),
        None => (t, 1.0),
    };
    num.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| v * scale)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_share_is_read_as_a_fraction_or_a_percentage() {
        assert_eq!(fraction(" 0.3 "), Some(0.3));
        assert_eq!(fraction("30%"), Some(0.3));
        assert_eq!(fraction("-5 %"), Some(-0.05));
        for bad in ["", "%", "30%%", "x", "inf", "NaN"] {
            assert_eq!(fraction(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_exact_zero_change_reads_no_change_everywhere() {
        assert_eq!(lift(0.0, 1), "no change");
        assert_eq!(lift(-0.0, 1), "no change");
        assert_eq!(lift(0.0004, 1), "0.0%", "what rounds to zero has no sign");
        assert_eq!(lift(-0.0004, 1), "0.0%");
        assert_eq!(points(-0.00001, 2), "0.00 pts");
        assert_eq!(lift(0.087, 1), "+8.7%");
        assert_eq!(signed_percent(0.0, 1), "0.0%");
        assert_eq!(signed_percent(-0.0, 0), "0%");
        assert_eq!(signed_percent(-0.031, 1), "-3.1%");
        assert_eq!(points(0.0, 2), "no change");
        assert_eq!(points(0.0018, 2), "+0.18 pts");
        assert_eq!(points(-0.012, 1), "-1.2 pts");
        use crate::report::Metric;
        assert_eq!(Metric::ConversionRate.format_difference(0.0018, "USD"), "+0.18 pts");
        assert_eq!(Metric::RpvLift.format_difference(-0.004, "USD"), "-0.4 pts");
        assert_eq!(Metric::Aov.format_difference(1.5, "USD"), "+$1.50");
        assert_eq!(Metric::AnnualGmvImpact.format_difference(-0.0, "USD"), "no change");
    }

    #[test]
    fn words_wrap_without_losing_any() {
        let s = "Pre-checkout base acceptance of the Researchers segment";
        let lines = wrap_words(s, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), s);
        assert_eq!(wrap_words("Supercalifragilistic x", 5), vec!["Super", "calif", "ragil", "istic", "x"]);
        assert_eq!(wrap_words("", 5), vec![""]);
    }

    #[test]
    fn significant_digits() {
        assert_eq!(round_significant(0.046324, 3), 0.0463);
        assert_eq!(round_significant(-1234.5, 2), -1200.0);
        assert_eq!(round_significant(0.0, 3), 0.0);
    }

    #[test]
    fn ticks_show_every_mark_differently() {
        assert_eq!(step_decimals(2.0), 0);
        assert_eq!(step_decimals(2.5), 1);
        assert_eq!(step_decimals(0.25), 2);
        assert_eq!(step_decimals(0.05), 2);
        assert_eq!(percent_tick(0.025, 0.025, true), "+2.5%");
        assert_eq!(percent_tick(0.10, 0.05, true), "+10%");
        assert_eq!(percent_tick(1e-18, 0.05, true), "+0%");
        assert_eq!(percent_tick(0.2, 0.1, false), "20%");
        assert_eq!(money_tick(2_500_000.0, 2_500_000.0, "USD"), "$2.5M");
        assert_eq!(money_tick(-500_000.0, 500_000.0, "USD"), "-$0.5M");
        assert_eq!(money_tick(40_000.0, 20_000.0, "USD"), "$40K");
        assert_eq!(money_tick(0.4, 0.2, "USD"), "$0.40");
        assert_eq!(money_tick(3.0, 1.0, "EUR"), "€3");
        assert_eq!(money_tick(1e-7, 2.5e6, "USD"), "$0");
        // Neighbouring marks never print the same text.
        for step in [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.5, 20.0, 250.0, 2e4, 2.5e5, 5e6, 2.5e9] {
            let labels: Vec<String> = (-3..=3).map(|k| money_tick(k as f64 * step, step, "USD")).collect();
            for w in labels.windows(2) {
                assert_ne!(w[0], w[1], "step {step}");
            }
        }
    }
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
