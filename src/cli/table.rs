//! The readable comparison tables printed by `aovlab run`.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::format::{percent, printable};
use crate::report::{Metric, Report};
use crate::stats::Summary;

/// A table with these column headings, every column but the first right-aligned.
pub fn table_owned(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header(header.clone());
    for i in 1..header.len() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

fn table(header: &[&str]) -> Table {
    table_owned(header.iter().map(ToString::to_string).collect())
}

pub fn range(m: Metric, s: Option<Summary>, cur: &str) -> String {
    match s {
        Some(s) => format!(
            "{}\n[{} … {}]",
            m.format_exact(s.mean, cur),
            m.format_end_exact(s.p05, cur),
            m.format_end_exact(s.p95, cur)
        ),
        None => "n/a".into(),
    }
}

/// The levels table's columns and the lifts table's (the metric registry's).
const LEVELS: [Metric; 5] = [
    Metric::ConversionRate,
    Metric::CartAbandonmentRate,
    Metric::Aov,
    Metric::RevenuePerVisitor,
    Metric::GrossMarginPerVisitor,
];
const LIFTS: [Metric; 3] = [Metric::ConversionRateLift, Metric::AovLift, Metric::RpvLift];

/// Renders the report as two tables: metrics, and lifts against the holdout.
pub fn render(r: &Report) -> String {
    let cur = r.currency.as_str();
    let mut out = format!(
        "{}: {} replications x {} visitors, seed {}, {:.2} s ({:.0} visitor-sessions/s, {} threads)\n\
         Values are means across replications; brackets give the 5th to 95th percentile.\n\n",
        printable(&r.scenario),
        r.replications,
        r.visitors_per_replication,
        r.seed,
        r.elapsed_seconds,
        r.visitor_sessions_per_second,
        r.threads
    );
    let mut header = vec!["Strategy"];
    header.extend(LEVELS.iter().map(|m| m.label()));
    let mut t = table(&header);
    for s in &r.strategies {
        let name = if s.is_holdout { format!("{} (holdout)", printable(&s.name)) } else { printable(&s.name) };
        let mut row = vec![name];
        row.extend(LEVELS.iter().map(|m| range(*m, m.summary(s), cur)));
        t.add_row(row);
    }
    out.push_str(&t.to_string());
    out.push_str("\n\nAgainst the holdout (same visitors, common random numbers; lifts are relative):\n");
    let mut header = vec!["Strategy"];
    header.extend(LIFTS.iter().map(|m| m.label()));
    header.extend(["P(RPV lift > 0)", Metric::AnnualGmvImpact.label()]);
    let mut t = table(&header);
    for s in r.strategies.iter().filter(|s| !s.is_holdout) {
        let mut row = vec![printable(&s.name)];
        row.extend(LIFTS.iter().map(|m| range(*m, m.summary(s), cur)));
        row.push(Metric::RpvLift.lift_summary(s).map_or("n/a".into(), |l| percent(l.prob_positive, 0)));
        row.push(range(Metric::AnnualGmvImpact, Metric::AnnualGmvImpact.summary(s), cur));
        t.add_row(row);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    if !r.claims.is_empty() {
        out.push_str(&format!("\n{} (share of replications in which each holds):\n", r.claims_title));
        let net = r.claims.iter().any(|c| c.net_probability.is_some());
        let mut t = if net {
            table(&["Claim", "P(holds)", "P(holds), net", "Bar", "Verdict"])
        } else {
            table(&["Claim", "P(holds)", "Bar", "Verdict"])
        };
        for c in &r.claims {
            let p = c.probability.map_or("n/a".into(), |p| percent(p, 0));
            let mut row = vec![c.statement.clone(), p];
            if net {
                row.push(c.net_probability.map_or("same".into(), |p| percent(p, 0)));
            }
            row.extend([percent(c.holds_at, 0), c.verdict().to_string()]);
            t.add_row(row);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out
}
