//! Two scenarios side by side: the assumptions that differ, field by field by the
//! field registry's labels (list items matched by name, so reordering is no
//! difference), and the results of both with their differences.

use std::collections::BTreeMap;

use serde::Serialize;

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

/// Every field's value by its label.
fn values(spec: &ScenarioSpec) -> BTreeMap<String, String> {
    fields::instances(spec)
        .into_iter()
        .filter(|p| p.field != "description")
        .filter_map(|p| {
            let v = fields::get(spec, &p)?;
            Some((p.label(spec), super::html::value_text(spec, &p, &v)))
        })
        .collect()
}

/// The fields whose values differ between `a` and `b`, in the order of the field
/// registry's labels.
pub fn differences(a: &ScenarioSpec, b: &ScenarioSpec) -> Vec<Difference> {
    let (va, vb) = (values(a), values(b));
    let mut labels: Vec<&String> = va.keys().chain(vb.keys()).collect();
    labels.sort();
    labels.dedup();
    labels
        .into_iter()
        .filter_map(|l| {
            let (x, y) = (va.get(l), vb.get(l));
            (x != y).then(|| Difference { label: l.clone(), a: x.cloned(), b: y.cloned() })
        })
        .collect()
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

/// The metrics compared.
pub const COMPARED: [Metric; 6] = [
    Metric::ConversionRate,
    Metric::Aov,
    Metric::RevenuePerVisitor,
    Metric::RpvLift,
    Metric::AovLift,
    Metric::AnnualGmvImpact,
];

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
    let mut out = Vec::new();
    for name in names {
        for m in COMPARED {
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
