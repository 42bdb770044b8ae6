//! `aovlab run`: simulate a scenario and print (and export) the comparison.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use crate::engine;
use crate::io::export;
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
}

/// Runs the scenario.
pub fn run(a: &RunArgs) -> Result<(), Failure> {
    let prepared = a.sim.scenario()?;
    let (sc, inputs) = (&prepared.scenario, &prepared.files);
    let outputs: Vec<(&str, &std::path::Path)> =
        [("--json", &a.json), ("--csv", &a.csv)].into_iter().filter_map(|(f, p)| Some((f, p.as_deref()?))).collect();
    check_outputs(&outputs, inputs)?;
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(u64::from(sc.replications()));
        b.set_style(
            ProgressStyle::with_template("{spinner} replications {pos}/{len} [{bar:30}] {elapsed} (eta {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let replications = a.shard.map(|s| s.replications(sc.replications()));
    if let Some(r) = &replications {
        bar.set_length(u64::from(r.end - r.start));
    }
    let opts = a.sim.options(replications);
    let cancel = AtomicBool::new(false);
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
    let report = crate::report::summarize(sc, &out.replications, out.elapsed.as_secs_f64(), out.threads);
    let json_to_stdout = a.json.as_ref().is_some_and(|p| p.as_os_str() == "-");
    let csv_to_stdout = a.csv.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if !json_to_stdout && !csv_to_stdout {
        print_stdout(&super::table::render(&report))?;
    }
    if let Some(path) = &a.json {
        let text = export::report_json(&report).context("serialising the report")?;
        write_output(path, &text)?;
    }
    if let Some(path) = &a.csv {
        let mut buf = Vec::new();
        export::write_tallies_csv(&mut buf, sc, &out.replications).context("writing CSV")?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    Ok(())
}
