//! A sensitivity analysis in words: input values as their fields read, the
//! decision's flips as sentences, rank correlations.

use super::Sensitivity;
use crate::model::ScenarioSpec;
use crate::model::fields;

/// An input's value as its field reads to people (`23.2%`, `$60.00`).
pub fn show_input(spec: &ScenarioSpec, path: &str, v: f64) -> String {
    match fields::resolve(spec, path) {
        Ok(p) => p.spec_field().show(v, &spec.store.currency),
        Err(_) => crate::model::param::num(v),
    }
}

/// The decision's flips in words: a sentence per input that flips it within its
/// P1-P99 range ("AOV-optimized stays ahead unless ... falls below 18%"), or one
/// saying that no single input does. Empty without a decision.
pub fn flip_sentences(spec: &ScenarioSpec, s: &Sensitivity) -> Vec<String> {
    let (Some((a, b)), Some(bd)) = (s.decision, s.base_difference) else { return Vec::new() };
    let name = |k: usize| spec.strategies.get(k).map_or("?", |s| s.name.as_str());
    let (ahead, behind) = if bd >= 0.0 { (name(a), name(b)) } else { (name(b), name(a)) };
    let pct = |p: f64| crate::format::percent(p, 1);
    let mut out = Vec::new();
    for e in &s.inputs {
        let Some(flip) = &e.flip else { continue };
        if let [x] = flip.at[..] {
            let low_behind = e.held.first().and_then(|h| h.difference).is_some_and(|d| (d < 0.0) != (bd < 0.0));
            let dir = if low_behind { "falls below" } else { "rises above" };
            out.push(format!(
                "{ahead} stays ahead unless {} {dir} {} ({} likely); then {behind} leads.",
                e.label,
                show_input(spec, &e.path, x),
                pct(flip.probability)
            ));
        } else if !flip.at.is_empty() {
            out.push(format!(
                "{}: the lead changes {} times within P1-P99 ({} likely that {behind} leads).",
                e.label,
                flip.at.len(),
                pct(flip.probability)
            ));
        }
    }
    if out.is_empty() {
        out.push(format!("{ahead} stays ahead of {behind} with any single input anywhere in its P1-P99 range."));
        for e in &s.inputs {
            let Some(flip) = &e.flip else { continue };
            let (Some(first), Some(last)) = (e.held.first(), e.held.last()) else { continue };
            for &x in &flip.beyond {
                let below = x < first.value;
                let (dir, end, q) = if below { ("fell below", first, "P1") } else { ("rose above", last, "P99") };
                out.push(format!(
                    "Outside its assumed range, {behind} would lead if {} {dir} {} (its {q} is {}).",
                    e.label,
                    show_input(spec, &e.path, x),
                    show_input(spec, &e.path, end.value)
                ));
            }
        }
    }
    out
}

/// A rank correlation to two decimals with its sign (`+0.57`; `0.00` rather than `-0.00`).
pub fn correlation_text(r: f64) -> String {
    if r.abs() < 0.005 { "0.00".into() } else { format!("{r:+.2}") }
}
