//! What a search is asked: the objective, the constraints on the means and the lever
//! space's limits.

use serde::{Deserialize, Serialize};

use super::{Bounds, MAX_CANDIDATES, OptimizeError, Values, candidates, mean_of};
use crate::analysis::variants::Variant;
use crate::model::ScenarioSpec;
use crate::report::Metric;

/// What to maximise: a metric of the metric registry (its name, label, unit and
/// format are the metric's), one a policy can be chosen to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Objective(pub Metric);

impl Objective {
    /// Every objective.
    pub const ALL: [Objective; 9] = [
        Objective(Metric::ConversionRate),
        Objective(Metric::Aov),
        Objective(Metric::RevenuePerVisitor),
        Objective(Metric::GrossMarginPerVisitor),
        Objective(Metric::AnnualGmvImpact),
        Objective(Metric::NetRevenuePerVisitor),
        Objective(Metric::NetMarginPerVisitor),
        Objective(Metric::AnnualNetImpact),
        Objective(Metric::AnnualIncrementalNetMargin),
    ];

    /// The metric it maximises.
    pub fn metric(self) -> Metric {
        self.0
    }

    /// Its name on the command line and in JSON: the metric's.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Its name for people: the metric's.
    pub fn label(self) -> &'static str {
        self.0.label()
    }

    /// The objective named `s` (`annual_impact`, this objective's name before it was
    /// the metric's, still reads as `annual_gmv_impact`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let name = if s == "annual_impact" { Metric::AnnualGmvImpact.name() } else { s };
        Self::ALL.into_iter().find(|o| o.name() == name).ok_or_else(|| {
            format!(
                "no objective `{}`; use one of {}",
                crate::format::excerpt(s, 40),
                Self::ALL.map(Objective::name).join(", ")
            )
        })
    }
}

/// A bound on a metric's mean over replications (`conversion_rate_lift>=-0.01`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    /// The metric.
    pub metric: Metric,
    /// `>=` when true, `<=` when false.
    pub at_least: bool,
    /// The bound, in the metric's own units (a share for rates and lifts).
    pub bound: f64,
}

impl Constraint {
    /// Reads `METRIC>=VALUE` or `METRIC<=VALUE`; a value may end in `%`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (at_least, (name, value)) = match (s.split_once(">="), s.split_once("<=")) {
            (Some(p), None) => (true, p),
            (None, Some(p)) => (false, p),
            _ => {
                return Err(format!(
                    "`{}` is not a constraint; write METRIC>=VALUE or METRIC<=VALUE, e.g. conversion_rate_lift>=-1% \
                     or margin_lift>=0",
                    crate::format::excerpt(s, 40)
                ));
            }
        };
        let metric = Metric::from_name(name.trim()).ok_or_else(|| {
            format!(
                "no metric `{}` in a constraint; use one of {}",
                crate::format::excerpt(name.trim(), 40),
                Metric::ALL.map(Metric::name).join(", ")
            )
        })?;
        let v = value.trim();
        let bound = crate::format::fraction(v)
            .ok_or_else(|| format!("`{}` is not a number (in `{}`)", crate::format::excerpt(v, 30), s.trim()))?;
        Ok(Constraint { metric, at_least, bound })
    }

    /// Whether `v` meets it.
    pub fn holds(&self, v: f64) -> bool {
        if self.at_least { v >= self.bound - 1e-12 } else { v <= self.bound + 1e-12 }
    }

    /// How far `v` is from meeting it (0 when it does).
    fn shortfall(&self, v: f64) -> f64 {
        if self.at_least { (self.bound - v).max(0.0) } else { (v - self.bound).max(0.0) }
    }

    /// `conversion_rate_lift >= -1.0%`.
    pub fn text(&self, currency: &str) -> String {
        let op = if self.at_least { ">=" } else { "<=" };
        format!("{} {op} {}", self.metric.name(), self.metric.format_exact(self.bound, currency))
    }
}

/// What to search.
#[derive(Debug, Clone)]
pub struct Search {
    /// What to maximise.
    pub objective: Objective,
    /// Constraints on the means.
    pub constraints: Vec<Constraint>,
    /// The lever space's limits.
    pub bounds: Bounds,
}

impl Search {
    /// The candidates, each drawing its uncertain levers as the strategy whose
    /// friction reduction candidates may use (when there is one).
    pub(super) fn space(&self, spec: &ScenarioSpec) -> Result<Vec<Variant>, OptimizeError> {
        self.bounds.check().map_err(OptimizeError::Request)?;
        let cands = candidates(spec, &self.bounds);
        if cands.len() > MAX_CANDIDATES {
            return Err(OptimizeError::Request(format!(
                "{} candidates; at most {MAX_CANDIDATES}: lower the most slots or offers",
                cands.len()
            )));
        }
        let from = self.bounds.friction_from.as_ref().and_then(|n| spec.strategies.iter().position(|s| &s.name == n));
        Ok(cands.into_iter().map(|levers| Variant { levers, draws_as: from }).collect())
    }

    /// Whether the objective or a constraint reads the counts of what shoppers were
    /// shown and took before checkout ([`Metric::reads_shown_counts`]).
    pub(super) fn reads_shown_counts(&self) -> bool {
        self.objective.metric().reads_shown_counts() || self.constraints.iter().any(|c| c.metric.reads_shown_counts())
    }

    /// Whether the objective or a constraint is a net figure ([`Metric::is_net`]).
    pub(super) fn reads_net(&self) -> bool {
        self.objective.metric().is_net() || self.constraints.iter().any(|c| c.metric.is_net())
    }

    /// The objective's mean and the constraints' shortfall of a candidate's values.
    pub(super) fn score(&self, values: &[Values]) -> (f64, f64) {
        let obj = mean_of(values, self.objective.metric()).unwrap_or(f64::NEG_INFINITY);
        let short = self
            .constraints
            .iter()
            .map(|c| mean_of(values, c.metric).map_or(f64::INFINITY, |v| c.shortfall(v)))
            .sum::<f64>();
        (obj, short)
    }
}
