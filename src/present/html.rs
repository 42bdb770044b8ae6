//! The board report: one self-contained HTML file (every chart inline as SVG, no
//! remote reference, a print stylesheet with a page break between sections) holding a
//! plain-language summary written from the numbers, the results table, the key
//! assumptions, the method, and what reproduces it. Filled from a minijinja template
//! (`assets/report.html.j2`).

use serde::Serialize;

use super::DrawError;
use super::draw::{self, Stamp};
use super::figure::{self, Figure};
use crate::format::{int, lift, money, money_compact, percent, signed_percent};
use crate::model::FieldId;
use crate::model::fields::{self, List, Value};
use crate::model::{Param, ScenarioSpec};
use crate::report::{Metric, Replication, Report};

const TEMPLATE: &str = include_str!("../../assets/report.html.j2");

/// The summary's sentences, best strategy first: "AOV-optimized raises revenue per
/// visitor by 11.6% (P5-P95 +10.1% to +13.5%), about $5.80M a year; it beats
/// Conversion-optimized in 100% of replications."
pub fn summary(r: &Report, reps: &[Replication]) -> Vec<String> {
    let cur = &r.currency;
    let mut ranked: Vec<(usize, f64)> = r
        .strategies
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i, Metric::RpvLift.lift_summary(s)?.summary.mean)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out = Vec::new();
    for (pos, &(i, _)) in ranked.iter().enumerate() {
        let s = &r.strategies[i];
        let Some(l) = Metric::RpvLift.lift_summary(s) else { continue };
        let sm = l.summary;
        let verb = if sm.mean >= 0.0 { "raises" } else { "lowers" };
        let mut line = format!(
            "{} {verb} revenue per visitor by {} (P5-P95 {} to {})",
            s.name,
            percent(sm.mean.abs(), 1),
            signed_percent(sm.p05, 1),
            signed_percent(sm.p95, 1)
        );
        if let Some(g) = Metric::AnnualGmvImpact.lift_summary(s) {
            line.push_str(&format!(", about {} a year", money_compact(g.summary.mean, cur)));
        }
        if let Some(&(next, _)) = ranked.get(pos + 1).filter(|_| pos == 0) {
            let wins =
                reps.iter().filter(|rep| rep.strategies[i].revenue_cents > rep.strategies[next].revenue_cents).count();
            line.push_str(&format!(
                "; it beats {} in {} of replications",
                r.strategies[next].name,
                percent(wins as f64 / reps.len().max(1) as f64, 0)
            ));
        }
        let conv = Metric::ConversionRateLift.lift_summary(s).map(|c| c.summary.mean);
        let aov = Metric::AovLift.lift_summary(s).map(|c| c.summary.mean);
        if let (Some(c), Some(a)) = (conv, aov) {
            line.push_str(&format!(" (conversion {}, AOV {})", lift(c, 1), lift(a, 1)));
        }
        line.push('.');
        out.push(line);
    }
    out
}

#[derive(Serialize)]
struct Row {
    name: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Pair {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct Strategy {
    name: String,
    levers: String,
}

#[derive(Serialize)]
struct Chart {
    id: String,
    svg: String,
}

/// A field's value as the report shows it.
pub fn value_text(spec: &ScenarioSpec, p: &fields::Path, v: &Value) -> String {
    let f = p.spec_field();
    let cur = &spec.store.currency;
    match v {
        Value::Number(x) | Value::Param(Param::Fixed(x)) => f.show(*x, cur),
        // A per-shopper distribution (spend to date) is how shoppers differ from one
        // another, not uncertainty about the store.
        Value::Param(Param::Dist(d)) => format!(
            "{}: mean {}, 5th-95th percentile {} to {}",
            if f.kind == fields::Kind::PerShopper { "varies from shopper to shopper" } else { "uncertain" },
            f.show(d.mean(), cur),
            f.show(d.quantile(0.05), cur),
            f.show(d.quantile(0.95), cur)
        ),
        Value::Whole(x) if p.field == FieldId::StoreSeed => x.to_string(),
        Value::Whole(x) => int(*x),
        Value::Text(t) => t.clone().unwrap_or_default(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        // Words as people write them (`expected value`, not `expected_value`).
        Value::Choice(c) => c.replace('_', " "),
    }
}

/// The assumptions a reader needs: the store, shopper behaviour, segments and tiers
/// (the catalog and the strategies' levers are shown apart).
fn assumptions(spec: &ScenarioSpec) -> Vec<Pair> {
    fields::instances_except(spec, &[List::Products, List::Links, List::Strategies, List::Correlations, List::Claims])
        .into_iter()
        .filter(|p| p.field != FieldId::Name && p.field != FieldId::Description)
        .filter_map(|p| {
            // An optional text that is absent (no catalog CSV files) is not a row.
            let v = fields::get(spec, &p).filter(|v| *v != Value::Text(None))?;
            Some(Pair { label: p.label(spec), value: value_text(spec, &p, &v) })
        })
        .collect()
}

/// The results table: each strategy's conversion, AOV, revenue per visitor and its
/// lifts with P5-P95.
fn results(r: &Report) -> (Vec<String>, Vec<Row>) {
    let cur = &r.currency;
    let header = ["Conversion", "AOV", "Revenue / visitor", "RPV lift", "Annual GMV impact", "P(RPV lift > 0)"]
        .map(String::from)
        .to_vec();
    let rows = r
        .strategies
        .iter()
        .map(|s| {
            let level = |m: Metric| m.summary(s).map_or_else(|| "-".to_string(), |x| m.format(x.mean, cur));
            // The mean is a change ("no change" when exactly 0); the ends are places.
            let range = |m: Metric, f: &dyn Fn(f64) -> String, g: &dyn Fn(f64) -> String| {
                m.lift_summary(s).map_or_else(
                    || "-".to_string(),
                    |l| format!("{} ({} to {})", f(l.summary.mean), g(l.summary.p05), g(l.summary.p95)),
                )
            };
            Row {
                name: s.name.clone(),
                cells: vec![
                    level(Metric::ConversionRate),
                    level(Metric::Aov),
                    Metric::RevenuePerVisitor.summary(s).map_or("-".into(), |x| money(x.mean, cur, 3)),
                    range(Metric::RpvLift, &|v| lift(v, 1), &|v| signed_percent(v, 1)),
                    range(Metric::AnnualGmvImpact, &|v| money_compact(v, cur), &|v| money_compact(v, cur)),
                    Metric::RpvLift.lift_summary(s).map_or("-".into(), |l| percent(l.prob_positive, 0)),
                ],
            }
        })
        .collect();
    (header, rows)
}

/// Gross to net and the vendor's view per strategy (MODEL.md rules 18 and 21), and
/// the vendor's claim in words for each strategy that adds revenue.
fn net(r: &Report) -> (Vec<String>, Vec<Row>, Vec<String>) {
    let cur = &r.currency;
    let header = ["Gross revenue", "Refunds", "Net revenue", "Net margin", "Vendor claims", "Holdout shows", "Ratio"]
        .map(String::from)
        .to_vec();
    let rows = crate::report::net::rows(r);
    let m = |x: f64| money(x, cur, 3);
    let table = rows
        .iter()
        .map(|x| Row {
            name: x.name.clone(),
            cells: vec![
                m(x.gross),
                x.refunds_text(cur),
                m(x.net),
                m(x.net_margin),
                if x.is_holdout { "-".into() } else { m(x.attributed) },
                if x.is_holdout { "-".into() } else { m(x.incremental) },
                if x.is_holdout { "-".into() } else { x.ratio_text() },
            ],
        })
        .collect();
    let lines = rows.iter().filter(|x| !x.is_holdout).map(|x| format!("{}: {}", x.name, x.in_words(cur))).collect();
    (header, table, lines)
}

/// What each strategy earns a year after its program costs (MODEL.md rule 19).
fn earnings(r: &Report) -> (Vec<String>, Vec<Row>) {
    let cur = &r.currency;
    let header = ["Program cost / year", "Net margin gain / year", "ROI", "Payback"].map(String::from).to_vec();
    let rows = crate::report::net::rows(r)
        .into_iter()
        .filter(|x| !x.is_holdout)
        .map(|x| Row {
            name: x.name.clone(),
            cells: vec![
                money(x.program_cost, cur, 0),
                x.incremental_net_margin.map_or_else(|| "-".into(), |v| crate::format::signed_money(v, cur, 0)),
                crate::report::net::roi_text(&x),
                crate::report::net::payback_text(x.payback_months),
            ],
        })
        .collect();
    (header, rows)
}

const METHOD: &str = "Each replication draws the uncertain inputs once (the world) and simulates every visitor \
    under every strategy with the same random numbers, so the strategies differ only by their levers. A visitor \
    may build a cart from the catalog; cart suggestions, the loyalty-tier prompt and the checkout levers change \
    whether and how much they order; confirmation-page offers add to completed orders. Lifts are computed against \
    the holdout within each replication and then summarised across replications: the mean, the 5th to 95th \
    percentile and the share of replications with a lift above zero. The spread across replications is the \
    uncertainty about the inputs; the model, its rules and every metric's definition are in docs/model.md.";

/// The report as one HTML document. `file` names the scenario file (or the embedded
/// scenario) and `command` what reproduces it.
pub fn report(
    spec: &ScenarioSpec,
    r: &Report,
    reps: &[Replication],
    checked: Option<&[crate::analysis::vendor::ClaimCheck]>,
    file: &str,
    command: &str,
) -> Result<String, DrawError> {
    let stamp = Stamp::of_report(r);
    let figures: Vec<Figure> = figure::dashboard(r, reps);
    let charts = figures
        .iter()
        .map(|f| Ok(Chart { id: f.id.clone(), svg: svg_body(&draw::svg(f, &stamp)?) }))
        .collect::<Result<Vec<_>, DrawError>>()?;
    let (result_header, result_rows) = results(r);
    let (net_header, net_rows, vendor_lines) = net(r);
    let (earn_header, earn_rows) = earnings(r);
    // The scenario's claims: as checked (with each input's needed value), else read
    // from this run's replications.
    let holdout = r.strategies.iter().position(|s| s.is_holdout).unwrap_or(0);
    let read: Vec<_> = spec.claims.iter().map(|c| crate::analysis::vendor::from_run(spec, c, holdout, reps)).collect();
    let checks = checked.unwrap_or(&read);
    let needs_shown = checks.iter().any(|c| !c.needs.is_empty());
    let claims: Vec<ClaimRow> = checks.iter().zip(&spec.claims).map(|(c, k)| claim_row(spec, c, k)).collect();
    let strategies: Vec<Strategy> = spec
        .strategies
        .iter()
        .map(|s| Strategy {
            name: s.name.clone(),
            levers: if s.holdout {
                "every lever off (the holdout)".into()
            } else {
                crate::analysis::optimize::describe(s)
            },
        })
        .collect();
    #[derive(Serialize)]
    struct Context<'a> {
        scenario: &'a str,
        version: &'a str,
        seed: u64,
        replications: u32,
        visitors: String,
        summary: Vec<String>,
        result_header: Vec<String>,
        result_rows: Vec<Row>,
        net_header: Vec<String>,
        net_rows: Vec<Row>,
        vendor_lines: Vec<String>,
        earn_header: Vec<String>,
        earn_rows: Vec<Row>,
        charts: Vec<Chart>,
        claims: Vec<ClaimRow>,
        needs_shown: bool,
        assumptions: Vec<Pair>,
        strategies: Vec<Strategy>,
        method: &'a str,
        file: &'a str,
        command: &'a str,
    }
    super::render(
        "report.html",
        TEMPLATE,
        Context {
            scenario: &r.scenario,
            version: crate::version::LONG,
            seed: r.seed,
            replications: r.replications,
            visitors: int(r.visitors_per_replication),
            summary: summary(r, reps),
            result_header,
            result_rows,
            net_header,
            net_rows,
            vendor_lines,
            earn_header,
            earn_rows,
            charts,
            claims,
            needs_shown,
            assumptions: assumptions(spec),
            strategies,
            method: METHOD,
            file,
            command,
        },
    )
}

#[derive(Serialize)]
struct ClaimRow {
    statement: String,
    source: String,
    read_as: String,
    holds: String,
    figure: String,
    other: String,
    why: String,
    needs: Vec<String>,
}

/// A checked claim as the report's row and sentences.
fn claim_row(spec: &ScenarioSpec, c: &crate::analysis::vendor::ClaimCheck, k: &crate::model::ClaimSpec) -> ClaimRow {
    use crate::analysis::vendor::show_figure;
    let cur = &spec.store.currency;
    let show = |v: f64| show_figure(k.figure, v, cur);
    let spread = |s: &crate::analysis::vendor::Spread| format!("{} ({} to {})", show(s.mean), show(s.p5), show(s.p95));
    let needs = c
        .needs
        .iter()
        .filter(|n| n.value.is_some())
        .map(|n| {
            let v = n.value.map_or_else(String::new, |x| crate::analysis::sensitivity::show_input(spec, &n.path, x));
            let at = n.placement.as_ref().map_or_else(String::new, |p| format!(": {}", p.text));
            if c.holds_on_average {
                format!("{} at {v} would bring it to {}{at}", n.label, show(n.target))
            } else {
                format!("{} would have to be {v}{at}", n.label)
            }
        })
        .collect();
    ClaimRow {
        statement: c.statement.clone(),
        source: c.source.clone(),
        read_as: format!("{} of {}, {}", c.figure, c.strategy, c.range),
        holds: c.unanswerable.as_ref().map_or_else(
            || c.probability.map_or_else(|| "-".into(), |p| format!("{} ({})", percent(p, 0), c.verdict())),
            |_| "cannot be checked".into(),
        ),
        figure: c.stated.as_ref().map_or_else(|| "-".into(), spread),
        other: match (&c.other, c.other_basis) {
            (Some(o), Some(b)) => format!("{b}: {}, holds in {}", spread(o), percent(o.holds, 0)),
            _ => "-".into(),
        },
        why: c.unanswerable.clone().or_else(|| c.reason.clone()).map_or_else(String::new, |w| format!("{w}.")),
        needs,
    }
}

/// An SVG document without its XML declaration, for inlining in HTML.
pub(crate) fn svg_body(svg: &str) -> String {
    match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg.to_string(),
    }
}
