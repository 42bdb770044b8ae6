//! The readable comparison tables printed by `aovlab run`.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::format::{lift, money, percent, printable, signed_money};
use crate::report::Report;
use crate::stats::{LiftSummary, Summary};

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header(header.to_vec());
    for i in 1..header.len() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

fn range(s: Option<&Summary>, f: impl Fn(f64) -> String) -> String {
    match s {
        Some(s) => format!("{}\n[{} … {}]", f(s.mean), f(s.p05), f(s.p95)),
        None => "n/a".into(),
    }
}

fn lift_range(s: Option<&LiftSummary>, f: impl Fn(f64) -> String) -> String {
    range(s.map(|l| &l.summary), f)
}

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
    let mut t = table(&["Strategy", "Conversion", "Cart abandonment", "AOV", "Revenue / visitor", "Margin / visitor"]);
    for s in &r.strategies {
        let m = &s.metrics;
        let name = if s.is_holdout { format!("{} (holdout)", printable(&s.name)) } else { printable(&s.name) };
        t.add_row(vec![
            name,
            range(m.conversion_rate.as_ref(), |v| percent(v, 2)),
            range(m.cart_abandonment_rate.as_ref(), |v| percent(v, 1)),
            range(m.aov.as_ref(), |v| money(v, cur, 2)),
            range(m.revenue_per_visitor.as_ref(), |v| money(v, cur, 3)),
            range(m.gross_margin_per_visitor.as_ref(), |v| money(v, cur, 3)),
        ]);
    }
    out.push_str(&t.to_string());
    out.push_str("\n\nAgainst the holdout (same visitors, common random numbers):\n");
    let mut t = table(&["Strategy", "Conversion lift", "AOV lift", "RPV lift", "P(RPV lift > 0)", "Annual GMV impact"]);
    for s in r.strategies.iter().filter(|s| !s.is_holdout) {
        let Some(v) = &s.vs_holdout else { continue };
        t.add_row(vec![
            printable(&s.name),
            lift_range(v.conversion_rate_lift.as_ref(), |x| lift(x, 1)),
            lift_range(v.aov_lift.as_ref(), |x| lift(x, 1)),
            lift_range(v.rpv_lift.as_ref(), |x| lift(x, 1)),
            v.rpv_lift.as_ref().map_or("n/a".into(), |l| percent(l.prob_positive, 0)),
            lift_range(v.annual_gmv_impact.as_ref(), |x| signed_money(x, cur, 0)),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out
}
