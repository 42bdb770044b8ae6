//! Result exports: the JSON report (docs/results-format.md) and a per-replication CSV.

use std::io::Write;

use crate::engine::counts::RepCounts;
use crate::engine::report::{Report, VsRep, replication_metrics};
use crate::model::Scenario;
use crate::stats::Estimate;

/// The report as pretty JSON.
pub fn report_json(report: &Report) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

const COLUMNS: [&str; 18] = [
    "replication",
    "strategy",
    "is_holdout",
    "visitors",
    "conversion_rate",
    "cart_abandonment_rate",
    "aov",
    "revenue_per_visitor",
    "gross_margin_per_visitor",
    "pre_checkout_acceptance_rate",
    "tier_prompt_acceptance_rate",
    "post_checkout_acceptance_rate",
    "tier_upgrade_rate",
    "conversion_rate_lift",
    "aov_lift",
    "rpv_lift",
    "margin_lift",
    "annual_gmv_impact",
];

/// One row per replication and strategy with that replication's metrics (empty
/// cells where a metric is undefined, e.g. an acceptance rate with nothing shown).
pub fn write_replications_csv<W: Write>(out: W, sc: &Scenario, reps: &[RepCounts]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    let mut reps: Vec<&RepCounts> = reps.iter().collect();
    reps.sort_by_key(|r| r.replication);
    let cell = |e: Option<Estimate>| e.map(|e| e.value.to_string()).unwrap_or_default();
    for rep in reps {
        for (k, m) in replication_metrics(sc, rep).iter().enumerate() {
            let vs = |f: fn(&VsRep) -> Option<Estimate>| cell(m.vs.as_ref().and_then(f));
            let row: [String; 18] = [
                rep.replication.to_string(),
                sc.strategies[k].name().to_string(),
                (k == sc.holdout).to_string(),
                rep.visitors.to_string(),
                cell(m.conversion_rate),
                cell(m.cart_abandonment_rate),
                cell(m.aov),
                cell(m.revenue_per_visitor),
                cell(m.gross_margin_per_visitor),
                cell(m.pre_checkout_acceptance_rate),
                cell(m.tier_prompt_acceptance_rate),
                cell(m.post_checkout_acceptance_rate),
                cell(m.tier_upgrade_rate),
                vs(|v| v.conversion_rate_lift),
                vs(|v| v.aov_lift),
                vs(|v| v.rpv_lift),
                vs(|v| v.margin_lift),
                vs(|v| v.annual_gmv_impact),
            ];
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}
