//! `aovlab monitor`: a running holdout test's daily results, each day with
//! fixed-horizon and always-valid intervals and whether to stop.

use std::path::PathBuf;

use super::{Failure, check_outputs, print_stdout, write_output};
use crate::analysis::monitor::{Monitoring, Settings, Spread, monitor, order_value_cv};
use crate::format::{int, percent, signed_percent};
use crate::import::Mapping;
use crate::report::Metric;

/// Arguments of `aovlab monitor`.
#[derive(Debug, clap::Args)]
pub struct MonitorArgs {
    /// The scenario the test runs (for the spread of order values when the results have
    /// no sums of squares); the embedded article scenario when omitted.
    pub file: Option<PathBuf>,
    /// The test's results so far: a CSV with a row per day and arm, `date, arm,
    /// visitors, orders, revenue[, revenue_sq]` (docs/decide.md, "Monitoring").
    #[arg(long, value_name = "CSV")]
    pub daily: PathBuf,
    /// How the results file is read.
    #[command(flatten)]
    pub reading: Reading,
    /// Two-sided significance level.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Visitors (both arms) the test plans to reach: the always-valid intervals are
    /// tightest there. Default: the first day's visitors times `--planned-days`.
    #[arg(long, value_name = "N")]
    pub planned_visitors: Option<u64>,
    /// Days the test plans to run, for the default of `--planned-visitors`.
    #[arg(long, default_value_t = 28, value_parser = super::whole(1, 365))]
    pub planned_days: u64,
    /// The lift whose interval decides when to stop: rpv_lift, aov_lift or
    /// conversion_rate_lift.
    #[arg(long, default_value = Metric::RpvLift.name(), value_parser = super::sweep::metric)]
    pub metric: Metric,
    /// Write every day's figures and the decision as JSON to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

/// How a test-results file is read (`aovlab monitor` and `aovlab learn`).
#[derive(Debug, clap::Args)]
pub struct Reading {
    /// Name columns by hand: ROLE=COLUMN pairs (`--map arm=Variation,visitors=Users`).
    #[arg(long, value_name = "ROLE=COLUMN")]
    pub map: Vec<String>,
    /// The holdout arm's name in the file, where it is not called holdout or control.
    #[arg(long, value_name = "ARM")]
    pub control: Option<String>,
}

impl Reading {
    /// The test's results in `path`, day by day, or why they cannot be read.
    pub fn read(&self, path: &std::path::Path) -> Result<crate::import::test_results::Daily, Failure> {
        let map = Mapping::parse(&self.map).map_err(|m| Failure::BadInput(format!("--map: {m}")))?;
        let table = crate::io::table::read_table(path, &path.display().to_string())
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        crate::import::test_results::read(&table, &map, self.control.as_deref())
            .map_err(|e| Failure::BadInput(e.to_string()))
    }
}

/// Reads the results and prints each day's intervals and the decision.
pub fn run(a: &MonitorArgs) -> Result<(), Failure> {
    if let Some(p) = &a.json {
        check_outputs(&[("--json", p)], std::slice::from_ref(&a.daily))?;
    }
    let daily = a.reading.read(&a.daily)?;
    let cv = if daily.has_squares {
        None
    } else {
        let prepared = super::load_with(a.file.as_deref(), |_| Ok(()))?;
        order_value_cv(&prepared.scenario)
    };
    let first = daily.days.first().map_or(0, |d| d.holdout.visitors + d.treatment.visitors);
    let planned_visitors = a.planned_visitors.unwrap_or(first * a.planned_days);
    let settings = Settings { alpha: a.alpha, planned_visitors, primary: a.metric };
    let m = monitor(&daily, &settings, cv).map_err(Failure::BadInput)?;
    if let Some(p) = &a.json {
        let v = serde_json::json!({ "kind": "aovlab-monitor", "file": daily.file, "monitoring": m, "verdict": m.verdict() });
        let text = serde_json::to_string_pretty(&v).map_err(|e| Failure::Internal(e.into()))?;
        write_output(p, &text)?;
        if p.as_os_str() == "-" {
            return Ok(());
        }
    }
    print_stdout(&text(&m, &daily.file, a.planned_visitors.is_none().then_some(a.planned_days)))
}

fn text(m: &Monitoring, file: &str, default_days: Option<u64>) -> String {
    let s = &m.settings;
    let mut out = format!(
        "{}: `{}` (treatment) against `{}` (holdout), {} days so far. Always-valid intervals at {}, tuned to {} \
         visitors{}.\n",
        crate::format::printable(file),
        crate::format::printable(&m.treatment_arm),
        crate::format::printable(&m.holdout_arm),
        m.looks.len(),
        percent(1.0 - s.alpha, 0),
        int(s.planned_visitors),
        default_days.map_or_else(String::new, |d| format!(" (the first day's times {d} days)")),
    );
    match m.spread {
        Spread::Data => {}
        Spread::Scenario(cv) if cv.is_finite() => out.push_str(&format!(
            "The file has no sums of squares: the revenue's spread is the scenario's (order values vary by {} of \
             their mean).\n",
            percent(cv, 0)
        )),
        Spread::Scenario(_) => {
            out.push_str("The file has no sums of squares and the scenario gives no spread: conversion only.\n");
        }
    }
    out.push('\n');
    let metrics: Vec<Metric> =
        crate::analysis::plan::MEASURED.into_iter().filter(|&x| m.looks.iter().any(|l| l.lift(x).is_some())).collect();
    let mut header = vec!["Day".to_string(), "Visitors (holdout / treatment)".to_string()];
    for x in &metrics {
        header.push(format!("{} [always-valid]", x.label()));
    }
    header.push(format!("Fixed interval of the {}", s.primary.label()));
    header.push("Decision".into());
    let mut t = super::table::table_owned(header);
    let range = |(lo, hi): (f64, f64)| format!("{} … {}", signed_percent(lo, 1), signed_percent(hi, 1));
    for (k, l) in m.looks.iter().enumerate() {
        let mut row = vec![
            crate::format::printable(&l.date),
            format!("{} / {}", int(l.holdout.visitors), int(l.treatment.visitors)),
        ];
        for x in &metrics {
            row.push(
                l.lift(*x)
                    .map_or("n/a".into(), |v| format!("{} [{}]", signed_percent(v.lift, 1), range(v.always_valid))),
            );
        }
        row.push(l.lift(s.primary).map_or("n/a".into(), |v| range(v.fixed)));
        row.push(match m.stop_at {
            Some(at) if at == k => "stop".into(),
            Some(at) if at < k => "(stopped)".into(),
            _ => "continue".into(),
        });
        t.add_row(row);
    }
    out.push_str(&t.to_string());
    out.push_str(&format!("\n\n{}\n", m.verdict()));
    out
}
