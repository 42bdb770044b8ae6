//! `aovlab merge`: combine the partial results of `aovlab run --shard I/N` into the
//! report a single machine would have produced (bit-identical numbers).

use std::path::PathBuf;

use anyhow::Context;

use super::{Failure, check_outputs, print_stdout, write_output};
use crate::io::{export, partial};
use crate::report::summarize;

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Partial-results files written by `aovlab run --shard I/N --json PATH`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Write the merged JSON report to PATH, or to standard output with `-`.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per replication and strategy to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
}

/// Merges shards and prints or writes the report.
pub fn merge(a: &MergeArgs) -> Result<(), Failure> {
    let outputs: Vec<(&str, &std::path::Path)> =
        [("--json", &a.json), ("--csv", &a.csv)].into_iter().filter_map(|(f, p)| Some((f, p.as_deref()?))).collect();
    check_outputs(&outputs, &a.parts)?;
    let mut parts = Vec::with_capacity(a.parts.len());
    for p in &a.parts {
        parts.push((p.display().to_string(), partial::read(p).map_err(Failure::BadInput)?));
    }
    let all = partial::combine(parts).map_err(Failure::BadInput)?;
    let reps = all.replications;
    let sc = all.scenario;
    let report = summarize(&sc, &reps, all.elapsed_seconds, all.threads);
    let json_to_stdout = a.json.as_ref().is_some_and(|p| p.as_os_str() == "-");
    let csv_to_stdout = a.csv.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if !json_to_stdout && !csv_to_stdout {
        print_stdout(&super::table::render(&report))?;
    }
    if let Some(path) = &a.json {
        write_output(path, &export::report_json(&report).context("serialising the report")?)?;
    }
    if let Some(path) = &a.csv {
        let mut buf = Vec::new();
        export::write_tallies_csv(&mut buf, &sc, &reps).context("writing CSV")?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    Ok(())
}
