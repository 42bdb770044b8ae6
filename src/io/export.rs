//! Result exports: the JSON report (docs/results-format.md) and a per-replication CSV.

use std::io::Write;

use crate::model::Scenario;
use crate::report::{Metric, Replication, Report};

/// The report as pretty JSON.
pub fn report_json(report: &Report) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

/// One row per replication and strategy with that replication's metrics (the
/// metric registry's, in its order), each followed by its within-replication standard
/// error (`<metric>_se`: delta method for ratios and lifts, binomial for rates) and
/// its 95% interval (`<metric>_lo`, `<metric>_hi`; docs/model.md names each method). Empty
/// cells where a metric is undefined (an acceptance rate with nothing shown, the
/// holdout's lifts).
pub fn write_replications_csv<W: Write>(out: W, sc: &Scenario, reps: &[Replication]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> =
        ["replication", "strategy", "is_holdout", "visitors"].iter().map(ToString::to_string).collect();
    for m in Metric::ALL {
        header.push(m.name().to_string());
        header.push(format!("{}_se", m.name()));
        header.push(format!("{}_lo", m.name()));
        header.push(format!("{}_hi", m.name()));
    }
    w.write_record(&header)?;
    let mut reps: Vec<&Replication> = reps.iter().collect();
    reps.sort_by_key(|r| r.index);
    for rep in reps {
        for (k, m) in rep.strategies.iter().enumerate() {
            let mut row = vec![
                rep.index.to_string(),
                sc.strategies[k].name().to_string(),
                (k == sc.holdout).to_string(),
                rep.visitors.to_string(),
            ];
            for metric in Metric::ALL {
                let e = metric.estimate(m);
                row.push(e.map(|e| e.value.to_string()).unwrap_or_default());
                row.push(e.map(|e| e.se.to_string()).unwrap_or_default());
                row.push(e.map(|e| e.lo.to_string()).unwrap_or_default());
                row.push(e.map(|e| e.hi.to_string()).unwrap_or_default());
            }
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}
