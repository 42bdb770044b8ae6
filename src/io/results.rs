//! Result exports: the JSON report (docs/results-format.md) and a per-replication CSV.

use std::io::Write;

use crate::engine::counts::RepCounts;
use crate::engine::report::{Report, StrategyRep, VsRep, replication_metrics};
use crate::model::Scenario;
use crate::stats::Estimate;

/// The report as pretty JSON.
pub fn report_json(report: &Report) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

/// The metrics of one row: name and value (with its delta-method standard error).
type Cells<'a> = Vec<(&'static str, Option<Estimate>)>;

/// The per-replication metrics of one strategy, in column order.
fn cells(m: &StrategyRep) -> Cells<'_> {
    let vs = |f: fn(&VsRep) -> Option<Estimate>| m.vs.as_ref().and_then(f);
    vec![
        ("conversion_rate", m.conversion_rate),
        ("cart_abandonment_rate", m.cart_abandonment_rate),
        ("aov", m.aov),
        ("revenue_per_visitor", m.revenue_per_visitor),
        ("gross_margin_per_visitor", m.gross_margin_per_visitor),
        ("pre_checkout_acceptance_rate", m.pre_checkout_acceptance_rate),
        ("tier_prompt_acceptance_rate", m.tier_prompt_acceptance_rate),
        ("post_checkout_acceptance_rate", m.post_checkout_acceptance_rate),
        ("tier_upgrade_rate", m.tier_upgrade_rate),
        ("conversion_rate_lift", vs(|v| v.conversion_rate_lift)),
        ("aov_lift", vs(|v| v.aov_lift)),
        ("rpv_lift", vs(|v| v.rpv_lift)),
        ("margin_lift", vs(|v| v.margin_lift)),
        ("annual_gmv_impact", vs(|v| v.annual_gmv_impact)),
    ]
}

/// One row per replication and strategy with that replication's metrics, each
/// followed by its within-replication standard error (`<metric>_se`: delta method for
/// ratios and lifts, binomial for rates). Empty cells where a metric is undefined
/// (an acceptance rate with nothing shown, the holdout's lifts).
pub fn write_replications_csv<W: Write>(out: W, sc: &Scenario, reps: &[RepCounts]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut reps: Vec<&RepCounts> = reps.iter().collect();
    reps.sort_by_key(|r| r.replication);
    let mut header_written = false;
    for rep in reps {
        for (k, m) in replication_metrics(sc, rep).iter().enumerate() {
            let cells = cells(m);
            if !header_written {
                let mut header: Vec<String> =
                    ["replication", "strategy", "is_holdout", "visitors"].iter().map(ToString::to_string).collect();
                for (name, _) in &cells {
                    header.push((*name).to_string());
                    header.push(format!("{name}_se"));
                }
                w.write_record(&header)?;
                header_written = true;
            }
            let mut row = vec![
                rep.replication.to_string(),
                sc.strategies[k].name().to_string(),
                (k == sc.holdout).to_string(),
                rep.visitors.to_string(),
            ];
            for (_, e) in cells {
                row.push(e.map(|e| e.value.to_string()).unwrap_or_default());
                row.push(e.map(|e| e.se.to_string()).unwrap_or_default());
            }
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}
