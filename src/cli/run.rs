//! `aovlab run`: simulate a scenario and print (and export) the comparison.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use super::{Failure, SimArgs, check_outputs, write_output};
use crate::engine;
use crate::io::partial::{self, Partial, Shard};

/// Arguments of `run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario and run settings.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Write the JSON report to PATH, or to standard output with `-`.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per replication and strategy to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Compute only shard I of N (0-based) and write its partial results with
    /// `--json`; combine the shards with `aovlab merge`.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse, requires = "json")]
    pub shard: Option<Shard>,
    /// Stop as soon as METRIC's mean is known to +/- HALF_WIDTH at 95% for every
    /// strategy (checked after 10 replications, then every 10; at most the scenario's
    /// replications), e.g. `rpv_lift=0.005` for half a point. Where it stops depends
    /// only on the scenario, its seed and the target.
    #[arg(long, value_name = "METRIC=HALF_WIDTH", value_parser = crate::analysis::precision::Target::parse, conflicts_with = "shard")]
    pub precision: Option<crate::analysis::precision::Target>,
    /// Write one CSV row per strategy (every metric's mean, P5, P50, P95 and, for
    /// lifts, the share of replications above zero) to PATH (or `-`), for
    /// spreadsheets.
    #[arg(long, value_name = "PATH", conflicts_with = "shard")]
    pub summary_csv: Option<PathBuf>,
    /// Write every dashboard chart into folder DIR as PNG (2x) and SVG, each with its
    /// title, units, legend and a footer naming the scenario, seed and version.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub charts: Option<PathBuf>,
    /// Save this run's summary into the scenario file (a presenter file: the app shows
    /// it on opening without running, and a re-run says whether it reproduces it).
    /// Only for a file run as it is, without --seed, --replications, --visitors or --set.
    #[arg(long, conflicts_with_all = ["shard", "precision", "hold"])]
    pub save_results: bool,
    /// Hold an uncertain input at one value in every replication (repeatable), as
    /// sensitivity and sweeps do: unlike `--set`, a held segment share keeps the
    /// other shares consistent (they fill the rest of the traffic) and a correlated
    /// input's partners are drawn given the held value. `--hold
    /// 'segments[0].share=0.3'`.
    #[arg(long = "hold", value_name = "PATH=VALUE", conflicts_with = "shard")]
    pub hold: Vec<String>,
}

/// Runs the scenario.
pub fn run(a: &RunArgs) -> Result<(), Failure> {
    let mut prepared = a.sim.scenario()?;
    for arg in &a.hold {
        let origin = format!("--hold {}", crate::format::excerpt(arg, 80));
        let held = super::hold_field(&prepared.spec, prepared.scenario.clone(), arg);
        prepared.scenario = held.map_err(|m| crate::io::scenario_file::ScenarioError::flag(&origin, m))?;
    }
    let (sc, inputs) = (&prepared.scenario, &prepared.files);
    let mut outputs = super::outputs(a.json.as_deref(), a.csv.as_deref());
    outputs.extend(a.summary_csv.as_deref().map(|p| ("--summary-csv", p)));
    check_outputs(&outputs, inputs)?;
    if a.save_results {
        let overridden = a.sim.seed.is_some() || a.sim.replications.is_some() || a.sim.visitors.is_some();
        if a.sim.file.is_none() || overridden || !a.sim.set.is_empty() {
            return Err(super::Failure::BadInput(
                "--save-results saves a run of a scenario file as it is: give the file, and no --seed, \
                 --replications, --visitors or --set (the results would not be the file's)"
                    .into(),
            ));
        }
    }
    let emit = super::Emit {
        json: a.json.as_deref(),
        csv: a.csv.as_deref(),
        summary: a.summary_csv.as_deref(),
        charts: a.charts.as_deref(),
        // A run holding an input is not the file's run: no check against its saved results.
        saved: prepared.spec.presented.as_ref().filter(|_| a.hold.is_empty()),
        save_into: a.save_results.then_some(a.sim.file.as_deref()).flatten(),
    };
    let bar = super::progress_bar(u64::from(sc.replications()), "replications");
    let replications = a.shard.map(|s| s.replications(sc.replications()));
    if let Some(r) = &replications {
        bar.set_length(u64::from(r.end - r.start));
    }
    let opts = a.sim.options(replications);
    let cancel = AtomicBool::new(false);
    if let Some(target) = a.precision {
        let started = std::time::Instant::now();
        let (tallies, reached) =
            crate::analysis::precision::run(sc, target, &opts, &|p| bar.set_position(u64::from(p.done)), &cancel)
                .context("simulation failed")?;
        bar.finish_and_clear();
        let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
        let elapsed = started.elapsed().as_secs_f64();
        return super::emit(sc, &tallies, elapsed, threads, &emit, Some(&reached));
    }
    let out = engine::run(sc, &opts, &|p| bar.set_position(u64::from(p.done)), &cancel).context("simulation failed")?;
    bar.finish_and_clear();
    if let (Some(shard), Some(path)) = (a.shard, &a.json) {
        let part = Partial {
            kind: partial::KIND.into(),
            version: partial::PARTIAL_VERSION,
            shard,
            scenario: prepared.spec.clone(),
            elapsed_seconds: out.elapsed.as_secs_f64(),
            threads: out.threads,
            replications: out.replications,
        };
        let text = serde_json::to_string(&part).context("serialising partial results")?;
        return write_output(path, &text);
    }
    super::emit(sc, &out.replications, out.elapsed.as_secs_f64(), out.threads, &emit, None)
}
