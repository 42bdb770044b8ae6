//! `aovlab sweep`: vary one or two fields over a range and compare the strategies at
//! each point.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use anyhow::Context;

use crate::analysis::sweep::{self, Axis, AxisRequest, Point, Sweep};
use crate::format::printable;
use crate::io::export;
use crate::io::partial;
use crate::model::Scenario;
use crate::report::Metric;

/// Arguments of `sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Scenario and run settings.
    #[command(flatten)]
    pub sim: SimArgs,
    /// The field to vary, by path (`aovlab fields` lists them), e.g.
    /// `strategies."AOV-optimized".tier_prompt.window`.
    #[arg(long, value_name = "PATH")]
    pub param: String,
    /// First value.
    #[arg(long, allow_hyphen_values = true)]
    pub from: f64,
    /// Last value.
    #[arg(long, allow_hyphen_values = true)]
    pub to: f64,
    /// Number of values, ends included (2 to 101).
    #[arg(long, default_value_t = 11, value_parser = super::whole(2, sweep::MAX_STEPS as u64))]
    pub steps: u64,
    /// A second field, for a grid of both.
    #[arg(long, value_name = "PATH", requires_all = ["from2", "to2"])]
    pub param2: Option<String>,
    /// The second field's first value.
    #[arg(long, allow_hyphen_values = true, requires = "param2")]
    pub from2: Option<f64>,
    /// The second field's last value.
    #[arg(long, allow_hyphen_values = true, requires = "param2")]
    pub to2: Option<f64>,
    /// The second field's number of values (2 to 101).
    #[arg(long, default_value_t = 11, value_parser = super::whole(2, sweep::MAX_STEPS as u64))]
    pub steps2: u64,
    /// The metric the printed table shows (all go to --json and --csv), by its report
    /// name: revenue_per_visitor, aov, conversion_rate, gross_margin_per_visitor,
    /// rpv_lift, annual_gmv_impact, ...
    #[arg(long, default_value = Metric::RevenuePerVisitor.name(), value_parser = metric)]
    pub metric: Metric,
    /// Strategy shown in a two-field grid (default: the one whose levers are swept,
    /// else the first that is not the holdout).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// In a two-field grid, show the strategy minus this one.
    #[arg(long, value_name = "NAME")]
    pub versus: Option<String>,
    /// Write every point's summaries of every metric as JSON to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write the sweep's chart into folder DIR as PNG (2x) and SVG: one field, every
    /// strategy's metric along it with bands; two fields, the heatmap of the shown
    /// strategy (or its difference from --versus).
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub charts: Option<PathBuf>,
    /// Write one row per point, strategy and metric to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Compute only shard I of N (0-based) of every point's replications and write its
    /// partial results with `--json`; combine the shards with `aovlab merge`.
    #[arg(long, value_name = "I/N", value_parser = partial::Shard::parse, requires = "json", conflicts_with = "csv")]
    pub shard: Option<partial::Shard>,
}

/// A metric by its report name, with the list in the error.
pub fn metric(s: &str) -> Result<Metric, String> {
    Metric::from_name(s.trim())
        .ok_or_else(|| format!("no metric `{}`; use one of: {}", crate::format::excerpt(s, 40), metric_names()))
}

fn metric_names() -> String {
    Metric::ALL.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ")
}

/// A strategy by name, with the names in the error.
pub fn strategy(sc: &Scenario, name: &str) -> Result<usize, Failure> {
    sc.strategies.iter().position(|s| s.name() == name).ok_or_else(|| {
        let names: Vec<String> = sc.strategies.iter().map(|s| format!("`{}`", s.name())).collect();
        Failure::BadInput(format!("no strategy `{}`; the scenario has {}", printable(name), names.join(", ")))
    })
}

/// Runs the sweep (or one shard of it).
pub fn run(a: &SweepArgs) -> Result<(), Failure> {
    let prepared = a.sim.scenario()?;
    let (spec, sc) = (&prepared.spec, &prepared.scenario);
    let outputs = super::outputs(a.json.as_deref(), a.csv.as_deref());
    check_outputs(&outputs, &prepared.files)?;
    let bad = |flag: &str, m: String| Failure::BadInput(format!("{flag}: {m}"));
    let xr = AxisRequest { path: a.param.clone(), from: a.from, to: a.to, steps: a.steps as usize };
    let yr = match (&a.param2, a.from2, a.to2) {
        (Some(p), Some(f), Some(t)) => Some(AxisRequest { path: p.clone(), from: f, to: t, steps: a.steps2 as usize }),
        _ => None,
    };
    let x = xr.axis(spec).map_err(|m| bad("--param", m))?;
    let y = match &yr {
        Some(r) => Some(r.axis(spec).map_err(|m| bad("--param2", m))?),
        None => None,
    };
    let sw = Sweep { x, y };
    let shown = match &a.strategy {
        Some(n) => strategy(sc, n)?,
        None => default_shown(sc, &sw, spec),
    };
    let versus = a.versus.as_deref().map(|n| strategy(sc, n)).transpose()?;
    let bar = super::progress_bar(1000, "points");
    let cancel = AtomicBool::new(false);
    let update = |u: sweep::Update| {
        if let sweep::Update::Progress(f) = u {
            bar.set_position((f * 1000.0) as u64);
        }
    };
    let started = std::time::Instant::now();
    let opts = a.sim.options(a.shard.map(|s| s.replications(sc.replications())));
    let run = sweep::run_tallies(spec, &sw, &opts, &update, &cancel).map_err(|e| match e {
        sweep::SweepError::Run(r) => Failure::Internal(anyhow::anyhow!("simulation failed: {r}")),
        other => Failure::BadInput(other.to_string()),
    })?;
    bar.finish_and_clear();
    if let (Some(shard), Some(path)) = (a.shard, &a.json) {
        let elapsed_seconds = started.elapsed().as_secs_f64();
        let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
        let mut parts = Vec::with_capacity(run.len());
        for ((_, tallies), pt) in run.into_iter().zip(sw.points()) {
            parts.push(partial::Partial {
                kind: partial::KIND.into(),
                version: partial::PARTIAL_VERSION,
                shard,
                scenario: sw.spec_at(spec, pt).map_err(|e| Failure::BadInput(e.to_string()))?,
                elapsed_seconds,
                threads,
                replications: tallies,
            });
        }
        let file = partial::SweepPartial {
            kind: partial::SWEEP_KIND.into(),
            version: partial::PARTIAL_VERSION,
            scenario: spec.clone(),
            x: xr,
            y: yr,
            points: parts,
        };
        let text = serde_json::to_string(&file).context("serialising partial results")?;
        return write_output(path, &text);
    }
    let points: Vec<Point> = run.into_iter().map(|(p, _)| p).collect();
    if let Some(dir) = &a.charts {
        let names: Vec<String> = sc.strategies.iter().map(|s| s.name().to_string()).collect();
        let f = if sw.y.is_some() {
            let refs: Vec<Option<&Point>> = points.iter().map(Some).collect();
            crate::present::figure::sweep_grid(
                &sw,
                &refs,
                &names,
                sc.holdout,
                shown,
                versus,
                a.metric,
                &sc.store.currency,
            )
            .ok_or_else(|| Failure::Internal(anyhow::anyhow!("a two-field sweep without a second field")))?
        } else {
            let shown_all: Vec<usize> =
                (0..names.len()).filter(|&k| !(a.metric.is_lift() && k == sc.holdout)).collect();
            let banded: Vec<usize> = sw.shared_strategy(spec).into_iter().collect();
            let refs: Vec<&Point> = points.iter().collect();
            crate::present::figure::sweep_lines(
                &sw,
                &refs,
                &names,
                sc.holdout,
                &shown_all,
                &banded,
                a.metric,
                &sc.store.currency,
            )
        };
        super::write_figures(dir, &[f], &super::stamp_of(sc))?;
    }
    emit(sc, &sw, &points, a.metric, shown, versus, a.json.as_deref(), a.csv.as_deref())
}

/// The strategy a grid shows by default: the one whose levers are swept, else the
/// first that is not the holdout.
pub fn default_shown(sc: &Scenario, sw: &Sweep, spec: &crate::model::ScenarioSpec) -> usize {
    sw.shared_strategy(spec).unwrap_or_else(|| (0..sc.strategies.len()).find(|&k| k != sc.holdout).unwrap_or(0))
}

/// The end of `sweep` and of `merge` for sweeps: the table (unless a format goes to
/// standard output), the JSON and the CSV.
#[allow(clippy::too_many_arguments)]
pub fn emit(
    sc: &Scenario,
    sw: &Sweep,
    points: &[Point],
    metric: Metric,
    shown: usize,
    versus: Option<usize>,
    json: Option<&std::path::Path>,
    csv: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let to_stdout = |p: Option<&std::path::Path>| p.is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout(json) && !to_stdout(csv) {
        print_stdout(&render(sc, sw, points, metric, shown, versus))?;
    }
    if let Some(path) = json {
        let text = export::sweep_json(sc, sw, points)
            .map_err(|e| Failure::Internal(anyhow::anyhow!("serialising the sweep: {e}")))?;
        write_output(path, &text)?;
    }
    if let Some(path) = csv {
        let mut buf = Vec::new();
        export::write_sweep_csv(&mut buf, sw, points)
            .map_err(|e| Failure::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    Ok(())
}

/// One field: a row per value, a column per strategy (the metric's mean, with the 5th
/// to 95th percentile below). Two fields: a grid of the shown strategy's mean.
fn render(sc: &Scenario, sw: &Sweep, points: &[Point], metric: Metric, shown: usize, versus: Option<usize>) -> String {
    let cur = sc.store.currency.as_str();
    let value = |a: &Axis, v: f64| a.show(v, cur);
    let mut out = format!(
        "{}: {} replications x {} visitors, seed {} (the same visitors at every point).\n{} by {}.\n\n",
        printable(&sc.name),
        sc.replications(),
        sc.visitors(),
        sc.seed(),
        metric.label(),
        printable(&sw.x.label),
    );
    let fmt = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| metric.format_exact(v, cur));
    match &sw.y {
        None => {
            let mut header = vec![printable(&sw.x.label)];
            header.extend(sc.strategies.iter().map(|s| printable(s.name())));
            let mut t = super::table::table_owned(header);
            for p in points {
                let mut row = vec![value(&sw.x, p.x)];
                for s in &p.report.strategies {
                    row.push(super::table::range(metric, metric.summary(s), cur));
                }
                t.add_row(row);
            }
            out.push_str(&t.to_string());
            out.push_str("\nBrackets give the 5th to 95th percentile across replications.\n");
        }
        Some(ya) => {
            let what = match versus {
                Some(b) => format!("{} minus {}", sc.strategies[shown].name(), sc.strategies[b].name()),
                None => sc.strategies[shown].name().to_string(),
            };
            out.push_str(&format!(
                "{}: rows {}, columns {}.\n",
                printable(&what),
                printable(&sw.x.label),
                printable(&ya.label)
            ));
            let mut header = vec![String::new()];
            header.extend(ya.values.iter().map(|&v| value(ya, v)));
            let mut t = super::table::table_owned(header);
            for (i, &xv) in sw.x.values.iter().enumerate() {
                let mut row = vec![value(&sw.x, xv)];
                for j in 0..ya.values.len() {
                    row.push(fmt(points.get(i * ya.values.len() + j).and_then(|p| p.mean(metric, shown, versus))));
                }
                t.add_row(row);
            }
            out.push_str(&t.to_string());
            out.push('\n');
        }
    }
    out
}
