//! `aovlab merge`: combine the partial results of `aovlab run --shard I/N` into the
//! report a single machine would have produced (bit-identical numbers).

use std::path::PathBuf;

use super::{Failure, check_outputs};
use crate::io::partial;

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
    let outputs = super::outputs(a.json.as_deref(), a.csv.as_deref());
    check_outputs(&outputs, &a.parts)?;
    let mut parts = Vec::with_capacity(a.parts.len());
    for p in &a.parts {
        parts.push((p.display().to_string(), partial::read(p).map_err(Failure::BadInput)?));
    }
    let all = partial::combine(parts).map_err(Failure::BadInput)?;
    let reps = all.replications;
    let sc = all.scenario;
    super::emit(&sc, &reps, all.elapsed_seconds, all.threads, a.json.as_deref(), a.csv.as_deref())
}
