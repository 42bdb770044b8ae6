//! Two scenarios side by side: the assumptions that differ, field by field by the
//! field registry's labels (list items matched by name, so reordering is no
//! difference), and the results of both with their differences.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::FieldId;
use crate::model::ScenarioSpec;
use crate::model::fields;
use crate::report::{Metric, Report};

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// The field for people (`AOV-optimized › Tier prompt window`).
    pub label: String,
    /// Its value in the first scenario (`None`: it has no such field, e.g. a product
    /// only the other has).
    pub a: Option<String>,
    /// Its value in the second.
    pub b: Option<String>,
}

/// "Strategy", "Product", ...: a list's item for a row's label.
fn noun(list: fields::List) -> String {
    let n = list.noun();
    n[..1].to_uppercase() + &n[1..]
}

/// How a field or item one scenario lacks reads in a comparison.
pub const ABSENT: &str = "not in this scenario";

/// A named list item (a product, segment, tier or strategy): its list and name.
type Item = (fields::List, String);

/// Every field's value by its label, with the named list item it belongs to.
fn values(spec: &ScenarioSpec) -> BTreeMap<String, (Option<Item>, String)> {
    fields::instances(spec)
        .into_iter()
        .filter(|p| p.field != FieldId::Description)
        .filter_map(|p| {
            let v = fields::get(spec, &p)?;
            let item = p.item.and_then(|(list, i)| Some((list, list.name(spec, i)?.to_string())));
            Some((p.label(spec), (item, super::html::value_text(spec, &p, &v))))
        })
        .collect()
}

/// An item only one scenario has, in a line: a strategy's levers in words, else
/// that it is there.
fn item_summary(spec: &ScenarioSpec, (list, name): &Item) -> String {
    match list.find(spec, name) {
        Some(i) if *list == fields::List::Strategies => crate::analysis::optimize::describe(&spec.strategies[i]),
        _ => format!("this {}", list.noun()),
    }
}

/// The fields whose values differ between `a` and `b`, in the order of the field
/// registry's labels. A product, segment, tier or strategy only one of them has is
/// one row (a strategy's levers in words), not a row per field.
pub fn differences(a: &ScenarioSpec, b: &ScenarioSpec) -> Vec<Difference> {
    let (va, vb) = (values(a), values(b));
    let items = |v: &BTreeMap<String, (Option<Item>, String)>| -> Vec<Item> {
        let mut out: Vec<Item> = v.values().filter_map(|(i, _)| i.clone()).collect();
        out.sort_by(|a, b| a.0.key().cmp(b.0.key()).then_with(|| a.1.cmp(&b.1)));
        out.dedup();
        out
    };
    let (ia, ib) = (items(&va), items(&vb));
    let only = |i: &Item, other: &[Item]| !other.contains(i);
    let mut out: Vec<Difference> = Vec::new();
    for i in ia.iter().filter(|i| only(i, &ib)) {
        out.push(Difference { label: format!("{} {}", noun(i.0), i.1), a: Some(item_summary(a, i)), b: None });
    }
    for i in ib.iter().filter(|i| only(i, &ia)) {
        out.push(Difference { label: format!("{} {}", noun(i.0), i.1), a: None, b: Some(item_summary(b, i)) });
    }
    let mut labels: Vec<&String> = va.keys().chain(vb.keys()).collect();
    labels.sort();
    labels.dedup();
    let in_both = |x: Option<&(Option<Item>, String)>| {
        x.is_none_or(|(i, _)| i.as_ref().is_none_or(|i| ia.contains(i) && ib.contains(i)))
    };
    out.extend(labels.into_iter().filter_map(|l| {
        let (x, y) = (va.get(l), vb.get(l));
        (in_both(x) && in_both(y) && x.map(|v| &v.1) != y.map(|v| &v.1)).then(|| Difference {
            label: l.clone(),
            a: x.map(|v| v.1.clone()),
            b: y.map(|v| v.1.clone()),
        })
    }));
    out
}

/// One strategy's result in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// Strategy name.
    pub strategy: String,
    /// The metric.
    pub metric: &'static str,
    /// Its mean in the first run (`None`: no such strategy, or undefined).
    pub a: Option<f64>,
    /// In the second.
    pub b: Option<f64>,
    /// `b - a`.
    pub difference: Option<f64>,
}

/// How to read the "B - A" column, said under every comparison table.
pub const DIFFERENCE_NOTE: &str = "B - A: rates and lifts in percentage points (pts), money in the currency; \
                                   \"no change\" where the two are equal.";

/// The metrics compared.
pub const COMPARED: [Metric; 6] = [
    Metric::ConversionRate,
    Metric::Aov,
    Metric::RevenuePerVisitor,
    Metric::RpvLift,
    Metric::AovLift,
    Metric::AnnualGmvImpact,
];

/// Compared as well where either run models returns or program costs (MODEL.md rules
/// 18 and 19); without them net equals gross and they would say nothing new.
pub const COMPARED_NET: [Metric; 3] =
    [Metric::NetRevenuePerVisitor, Metric::AnnualNetImpact, Metric::AnnualIncrementalNetMargin];

/// Whether `r` has net figures that differ from its gross ones, or program costs.
fn has_net(r: &Report) -> bool {
    let mean = |s, m: Metric| m.summary(s).map(|x| x.mean);
    r.strategies.iter().any(|s| {
        // A report from before net figures has none: nothing to compare.
        let differs = mean(s, Metric::NetRevenuePerVisitor)
            .zip(mean(s, Metric::RevenuePerVisitor))
            .is_some_and(|(net, gross)| net != gross);
        differs || mean(s, Metric::AnnualProgramCost).is_some_and(|c| c > 0.0)
    })
}

/// Each strategy (by name, in either run) and compared metric, side by side.
pub fn results(a: &Report, b: &Report) -> Vec<Side> {
    let mut names: Vec<&str> = a.strategies.iter().map(|s| s.name.as_str()).collect();
    for s in &b.strategies {
        if !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    let mean = |r: &Report, name: &str, m: Metric| {
        r.strategies.iter().find(|s| s.name == name).and_then(|s| m.summary(s)).map(|x| x.mean)
    };
    let net = has_net(a) || has_net(b);
    let metrics: Vec<Metric> = COMPARED.into_iter().chain(COMPARED_NET.into_iter().filter(|_| net)).collect();
    let mut out = Vec::new();
    for name in names {
        for &m in &metrics {
            let (x, y) = (mean(a, name, m), mean(b, name, m));
            if x.is_none() && y.is_none() {
                continue;
            }
            out.push(Side {
                strategy: name.to_string(),
                metric: m.name(),
                a: x,
                b: y,
                difference: x.zip(y).map(|(x, y)| y - x),
            });
        }
    }
    out
}
