//! Format-preserving saving: a scenario file is rewritten so that it holds the
//! edited scenario while keeping everything its author wrote that did not change:
//! comments, order, layout, inline tables, integer formatting (`50_000_000`). Only
//! values that changed are written, each in place with the comment after it.
//!
//! The two scenarios (as the text says, and as edited) are compared field by field in
//! their serialised form, so a value the file leaves out because it is the default
//! stays out unless it changed. List items (`[[products]]`, `[[strategies]]` ...) are
//! matched by id or name, so inserting, removing or reordering items keeps the
//! comments of the others; new items are written with only their non-default fields.

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::model::fields::List;
use crate::model::{FieldId, ScenarioSpec};

/// Rewrites `original` (scenario text that parses to `before`) so that it parses to
/// `after`, changing only what differs. Fails only if `original` is not TOML.
pub fn patch(original: &str, before: &ScenarioSpec, after: &ScenarioSpec) -> Result<String, String> {
    let mut doc: DocumentMut = original.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    let old = to_table(before)?;
    let new = to_table(after)?;
    patch_table(doc.as_table_mut(), &old, &new, 0, "");
    // Results saved with the scenario say what they are where they start.
    if !old.contains_key("presented")
        && let Some(t) = doc.get_mut("presented").and_then(Item::as_table_mut)
    {
        t.decor_mut().set_prefix(
            "\n# Results saved with this scenario (a presenter file): AOV Lab shows them on opening\n\
             # without running, and a re-run says whether it reproduces them. Simulation ignores\n\
             # this section; editing the scenario in the app drops it.\n",
        );
    }
    Ok(doc.to_string())
}

/// A scenario's serialised form (every field, defaults included).
fn to_table(spec: &ScenarioSpec) -> Result<toml::Table, String> {
    toml::Table::try_from(spec).map_err(|e| e.to_string())
}

fn patch_table(t: &mut dyn TableLike, old: &toml::Table, new: &toml::Table, depth: usize, list: &str) {
    for (k, nv) in new {
        let ov = old.get(k);
        if ov == Some(nv) {
            continue;
        }
        match t.get_mut(k) {
            Some(item) => patch_item(item, ov, nv, depth + 1, k),
            None => {
                let fresh = match (ov, nv) {
                    // Only the keys that differ from what the file meant by leaving it out.
                    (Some(toml::Value::Table(o)), toml::Value::Table(n)) => toml::Value::Table(
                        n.iter().filter(|(k, v)| o.get(*k) != Some(v)).map(|(k, v)| (k.clone(), v.clone())).collect(),
                    ),
                    _ => nv.clone(),
                };
                t.insert(k, new_item(&fresh, depth == 0, k));
            }
        }
    }
    let gone: Vec<String> = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
    for k in gone {
        t.remove(&k);
    }
    let _ = list;
}

fn patch_item(item: &mut Item, ov: Option<&toml::Value>, nv: &toml::Value, depth: usize, key: &str) {
    match (nv, ov) {
        // A distribution of another kind is written whole (its keys are another set).
        (toml::Value::Table(n), Some(toml::Value::Table(o)))
            if item.is_table_like() && n.get("dist") == o.get("dist") =>
        {
            if let Some(t) = item.as_table_like_mut() {
                patch_table(t, o, n, depth, key);
            }
        }
        (toml::Value::Array(n), Some(toml::Value::Array(o))) if item.is_array_of_tables() && all_tables(n) => {
            if let Some(aot) = item.as_array_of_tables_mut() {
                let patched = patch_array_of_tables(aot, o, n, key);
                *aot = patched;
            }
        }
        _ => match item.as_value_mut() {
            Some(v) => {
                let decor = v.decor().clone();
                let was_int = v.is_integer();
                let grouped = v.as_integer().is_some() && v.to_string().contains('_');
                *v = new_value(nv, was_int, grouped);
                *v.decor_mut() = decor;
            }
            None => *item = new_item(nv, depth == 0, key),
        },
    }
}

fn all_tables(v: &[toml::Value]) -> bool {
    v.iter().all(toml::Value::is_table)
}

/// The identity of a list item: products by id, links by their ends, the rest by name.
fn identity(list: &str, t: &toml::Table) -> Option<String> {
    let s = |f: FieldId| t.get(f.field().key()).and_then(toml::Value::as_str).unwrap_or("");
    let joined = |fs: &[FieldId]| fs.iter().map(|&f| s(f)).collect::<Vec<_>>().join("\u{0}");
    Some(match List::of(list)? {
        List::Products => s(FieldId::ProductId).to_string(),
        List::Links => joined(&[FieldId::LinkFrom, FieldId::LinkFromCategory, FieldId::LinkTo]),
        List::Segments => s(FieldId::SegmentName).to_string(),
        List::Tiers => s(FieldId::TierName).to_string(),
        List::Strategies => s(FieldId::StrategyName).to_string(),
        List::Correlations => joined(&[FieldId::CorrelationFirst, FieldId::CorrelationSecond]),
        List::Claims => s(FieldId::ClaimStatement).to_string(),
    })
}

/// Pairs the new items with the file's old ones (by identity, then leftovers in
/// order), patches each pair in place and writes the rest as new tables.
fn patch_array_of_tables(aot: &ArrayOfTables, old: &[toml::Value], new: &[toml::Value], list: &str) -> ArrayOfTables {
    let table = |v: &toml::Value| v.as_table().cloned().unwrap_or_default();
    let old: Vec<toml::Table> = old.iter().map(table).collect();
    let new: Vec<toml::Table> = new.iter().map(table).collect();
    let mut used = vec![false; old.len()];
    let mut pair: Vec<Option<usize>> = vec![None; new.len()];
    for (i, n) in new.iter().enumerate() {
        let id = identity(list, n);
        if let Some(j) = (0..old.len()).find(|&j| !used[j] && id.is_some() && identity(list, &old[j]) == id) {
            used[j] = true;
            pair[i] = Some(j);
        }
    }
    // Leftovers pair up in order only when as many were left on each side (renamed
    // items); otherwise a new item would inherit a removed one's comments.
    let left_old: Vec<usize> = (0..old.len()).filter(|&j| !used[j]).collect();
    if left_old.len() == pair.iter().filter(|p| p.is_none()).count() {
        let mut leftovers = left_old.into_iter();
        for p in pair.iter_mut().filter(|p| p.is_none()) {
            *p = leftovers.next();
        }
    }
    // The document orders tables by position: all items take the first item's, so
    // they appear where the list was, in the new order (the sort is stable).
    let first = aot.iter().filter_map(Table::position).min();
    let mut out = ArrayOfTables::new();
    let default = default_item(list);
    for (i, n) in new.iter().enumerate() {
        match pair[i].and_then(|j| aot.get(j).map(|t| (j, t))) {
            Some((j, t)) => {
                let mut t = t.clone();
                patch_table(&mut t, &old[j], n, 1, list);
                t.set_position(first);
                out.push(t);
            }
            None => {
                let minimal: toml::Table = match &default {
                    Some(d) => strip_defaults(n, d),
                    None => n.clone(),
                };
                let mut t = Table::new();
                for (k, v) in &minimal {
                    t.insert(k, new_item(v, false, k));
                }
                t.set_position(first);
                out.push(t);
            }
        }
    }
    out
}

/// `t` without the keys whose value is the default (recursively for tables).
fn strip_defaults(t: &toml::Table, default: &toml::Table) -> toml::Table {
    t.iter()
        .filter_map(|(k, v)| match (v, default.get(k)) {
            (_, Some(d)) if d == v => None,
            (toml::Value::Table(inner), Some(toml::Value::Table(d))) => {
                Some((k.clone(), toml::Value::Table(strip_defaults(inner, d))))
            }
            _ => Some((k.clone(), v.clone())),
        })
        .collect()
}

/// The serialised form of a list item with every optional field at its default (the
/// required ones are never equal to it, so they are always written).
fn default_item(list: &str) -> Option<toml::Table> {
    use crate::model::*;
    let value = match List::of(list)? {
        List::Products => toml::Table::try_from(ProductSpec {
            id: String::new(),
            name: String::new(),
            category: String::new(),
            price: f64::NAN,
            cost: 0.0,
            popularity: 1.0,
            post_purchase: false,
        }),
        List::Strategies => toml::Table::try_from(StrategySpec {
            name: String::new(),
            holdout: false,
            pre_checkout: Default::default(),
            tier_prompt: Default::default(),
            checkout: Default::default(),
            post_checkout: Default::default(),
            shipping: Default::default(),
        }),
        List::Segments => toml::Table::try_from(SegmentSpec {
            name: String::new(),
            share: Param::Fixed(f64::NAN),
            add_to_cart_rate: Param::Fixed(f64::NAN),
            checkout_completion: Param::Fixed(f64::NAN),
            mean_cart_size: Param::Fixed(f64::NAN),
            acceptance_propensity: Param::Fixed(1.0),
            price_sensitivity: Param::Fixed(1.0),
            friction_sensitivity: Param::Fixed(1.0),
            post_checkout_eligibility: Param::Fixed(1.0),
            loyalty_member_share: Param::Fixed(0.0),
            spend_to_date: Param::Fixed(0.0),
            category_affinity: Default::default(),
        }),
        _ => return None,
    };
    value.ok()
}

/// A new item: a standard table at the top of the document, otherwise a value
/// (nested tables inline: `pre_checkout = { policy = "matched" }`).
fn new_item(v: &toml::Value, top: bool, _key: &str) -> Item {
    match v {
        toml::Value::Table(t) if top => {
            let mut table = Table::new();
            for (k, x) in t {
                table.insert(k, new_item(x, false, k));
            }
            Item::Table(table)
        }
        toml::Value::Array(a) if top && !a.is_empty() && all_tables(a) => {
            let mut aot = ArrayOfTables::new();
            for x in a {
                if let toml::Value::Table(t) = x {
                    let mut table = Table::new();
                    for (k, y) in t {
                        table.insert(k, new_item(y, false, k));
                    }
                    aot.push(table);
                }
            }
            Item::ArrayOfTables(aot)
        }
        _ => Item::Value(new_value(v, false, false)),
    }
}

/// A value written fresh: floats that are whole stay integers where the file wrote an
/// integer (`annual_gmv = 60_000_000`, grouped with `_` if the file grouped it).
fn new_value(v: &toml::Value, prefer_int: bool, grouped: bool) -> Value {
    match v {
        toml::Value::Float(x) if prefer_int && x.fract() == 0.0 && x.abs() < 9e15 => int_value(*x as i64, grouped),
        toml::Value::Integer(i) => int_value(*i, grouped),
        toml::Value::Float(x) => Value::from(*x),
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(a) => {
            let mut arr = toml_edit::Array::new();
            for x in a {
                arr.push(new_value(x, false, false));
            }
            Value::Array(arr)
        }
        toml::Value::Table(t) => {
            let mut it = InlineTable::new();
            // A distribution's kind first, as people write it: `{ dist = "beta", ... }`.
            for (k, x) in t.iter().filter(|(k, _)| *k == "dist").chain(t.iter().filter(|(k, _)| *k != "dist")) {
                it.insert(k, new_value(x, false, false));
            }
            Value::InlineTable(it)
        }
    }
}

/// A value as a scenario file writes it inline (`{ dist = "beta", alpha = 3.0, ... }`,
/// `0.25`): what saving writes for it.
pub fn written<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let v = toml::Value::try_from(value).map_err(|e| e.to_string())?;
    Ok(new_value(&v, false, false).to_string().trim().to_string())
}

fn int_value(i: i64, grouped: bool) -> Value {
    if grouped {
        let digits = i.unsigned_abs().to_string();
        let mut s = String::new();
        for (k, c) in digits.chars().enumerate() {
            if k > 0 && (digits.len() - k).is_multiple_of(3) {
                s.push('_');
            }
            s.push(c);
        }
        let text = format!("v = {}{s}", if i < 0 { "-" } else { "" });
        if let Ok(doc) = text.parse::<DocumentMut>()
            && let Some(v) = doc.get("v").and_then(Item::as_value)
        {
            let mut v = v.clone();
            v.decor_mut().clear();
            return v;
        }
    }
    Value::from(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::scenario_file::{ARTICLE_TOML, parse_spec};
    use crate::model::edit::{Edit, Item as ListItem};
    use crate::model::fields::{Path, Value as V};

    fn roundtrip(edit: Edit) -> (String, ScenarioSpec) {
        let before = parse_spec(ARTICLE_TOML, "a").unwrap();
        let mut after = before.clone();
        edit.apply(&mut after).unwrap();
        let text = patch(ARTICLE_TOML, &before, &after).unwrap();
        let reread = parse_spec(&text, "patched").unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(reread, after, "the patched text must parse to the edited scenario");
        (text, after)
    }

    /// Lines of `b` not in `a`, and of `a` not in `b`.
    fn changed_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
        let la: Vec<&str> = a.lines().collect();
        let lb: Vec<&str> = b.lines().collect();
        let added = lb.iter().filter(|l| !la.contains(l)).map(|s| s.to_string()).collect();
        let removed = la.iter().filter(|l| !lb.contains(l)).map(|s| s.to_string()).collect();
        (added, removed)
    }

    #[test]
    fn an_unchanged_scenario_is_written_back_byte_for_byte() {
        let before = parse_spec(ARTICLE_TOML, "a").unwrap();
        assert_eq!(patch(ARTICLE_TOML, &before, &before).unwrap(), ARTICLE_TOML);
    }

    #[test]
    fn a_changed_value_changes_one_line_and_keeps_its_comment() {
        let (text, _) = roundtrip(Edit::Set(Path::top(FieldId::StoreVisitors), V::Whole(250_000)));
        let (added, removed) = changed_lines(ARTICLE_TOML, &text);
        assert_eq!(
            removed,
            ["visitors = 100_000          # per replication; enough for ~3,000 orders per replication"]
        );
        assert_eq!(added, ["visitors = 250_000          # per replication; enough for ~3,000 orders per replication"]);
    }

    #[test]
    fn integers_stay_integers_and_distributions_stay_inline() {
        let (text, _) = roundtrip(Edit::Set(Path::top(FieldId::StoreAnnualGmv), V::Number(60_000_000.0)));
        assert!(text.contains("annual_gmv = 60_000_000     # the article's example"), "{text}");
        let p = Path::top(FieldId::PostCheckoutBaseAccept);
        let d = crate::model::Param::Dist(crate::model::Dist::Triangular { min: 0.5, mode: 0.62, max: 0.7 });
        let (text, _) = roundtrip(Edit::Set(p, V::Param(d)));
        let (added, removed) = changed_lines(ARTICLE_TOML, &text);
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert_eq!(
            added,
            ["post_checkout_base_accept = { dist = \"triangular\", min = 0.50, mode = 0.62, max = 0.70 }"]
        );
    }

    /// A distribution changed to another kind is written whole, its kind first, with
    /// none of the old kind's keys, and the line keeps its comment.
    #[test]
    fn a_distribution_of_another_kind_is_written_whole() {
        let p = Path::top(FieldId::FrictionPerSlot);
        let d = crate::model::Param::Dist(crate::model::Dist::Beta { alpha: 36.0, beta: 5165.0, min: 0.0, max: 1.0 });
        let (text, _) = roundtrip(Edit::Set(p, V::Param(d)));
        let (added, removed) = changed_lines(ARTICLE_TOML, &text);
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert_eq!(added.len(), 1, "{added:?}");
        assert!(
            added[0].starts_with(
                "friction_per_slot = { dist = \"beta\", alpha = 36.0, beta = 5165.0, max = 1.0, min = 0.0 }"
            ),
            "{added:?}"
        );
        let comment = removed[0].split_once('#').map(|(_, c)| c);
        assert_eq!(added[0].split_once('#').map(|(_, c)| c), comment, "the line's comment stays");
    }

    #[test]
    fn list_edits_keep_the_other_items_and_their_comments() {
        let before = parse_spec(ARTICLE_TOML, "a").unwrap();
        // Remove a strategy in the middle, add one at the end, turn a lever on.
        let mut s = before.strategies[1].clone();
        s.name = "Copy".into();
        let (text, _) = roundtrip(Edit::Batch(vec![
            Edit::Remove(crate::model::fields::List::Strategies, 3),
            Edit::Insert(7, ListItem::Strategy(s)),
            Edit::Set(Path::item(FieldId::PreCheckoutPolicy, 5), V::Choice("matched")),
        ]));
        for kept in [
            "# Remove friction and buy completions: a streamlined checkout (+5% completion, a",
            "# ---------------------------------------------------------------- strategies",
            "name = \"Matched cross-sell only\"",
        ] {
            assert!(text.contains(kept), "lost `{kept}`:\n{text}");
        }
        assert!(!text.contains("name = \"Post-checkout only\""));
        assert!(text.contains("name = \"Copy\""));
        assert!(text.contains("tier_prompt = { policy = \"window\", window = 0.25 }"));
    }

    #[test]
    fn a_new_product_is_written_with_only_its_set_fields() {
        let before = parse_spec(ARTICLE_TOML, "a").unwrap();
        let p = crate::model::ProductSpec {
            id: "kettle".into(),
            name: "Gooseneck Kettle".into(),
            category: "accessories".into(),
            price: 49.0,
            cost: 0.0,
            popularity: 1.0,
            post_purchase: false,
        };
        let (text, _) = roundtrip(Edit::Insert(before.products.len(), ListItem::Product(p)));
        let (added, removed) = changed_lines(ARTICLE_TOML, &text);
        assert!(removed.is_empty(), "{removed:?}");
        assert!(added.iter().any(|l| l == "id = \"kettle\""));
        assert!(!added.iter().any(|l| l.starts_with("cost") || l.starts_with("popularity")), "{added:?}");
    }
}
