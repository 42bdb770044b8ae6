//! `aovlab merge`: combine the partial results of `aovlab run --shard I/N` (or of
//! `aovlab sweep --shard I/N`) into the report a single machine would have produced
//! (bit-identical numbers); joins an optimizer's screening shards
//! (`aovlab optimize --shard I/N`) and finishes its search.

use std::path::PathBuf;

use super::{Failure, check_outputs};
use crate::io::partial;

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Partial-results files written by `aovlab run --shard I/N --json PATH` or
    /// `aovlab sweep ... --shard I/N --json PATH`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Write the merged JSON report to PATH, or to standard output with `-`.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per replication and strategy to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
}

/// Merges shards (of a run, or of a sweep) and prints or writes the results.
pub fn merge(a: &MergeArgs) -> Result<(), Failure> {
    let outputs = super::outputs(a.json.as_deref(), a.csv.as_deref());
    check_outputs(&outputs, &a.parts)?;
    let (mut runs, mut sweeps, mut searches) = (Vec::new(), Vec::new(), Vec::new());
    for p in &a.parts {
        let name = p.display().to_string();
        match partial::read_any(p)? {
            partial::PartialFile::Run(r) => runs.push((name, r)),
            partial::PartialFile::Sweep(s) => sweeps.push((name, s)),
            partial::PartialFile::Optimize(o) => searches.push((name, *o)),
        }
    }
    if !searches.is_empty() {
        if let Some(other) = runs.first().map(|(n, _)| n).or(sweeps.first().map(|(n, _)| n)) {
            return Err(Failure::BadInput(format!(
                "{} is a shard of an optimizer's search and {other} is not; merge the shards of one search",
                searches[0].0
            )));
        }
        let (first, screened) = partial::combine_optimize(searches)?;
        return super::optimize::finish_merged(first, screened, a);
    }
    if !runs.is_empty() && !sweeps.is_empty() {
        return Err(Failure::BadInput(format!(
            "{} is a shard of a run and {} a shard of a sweep; merge the shards of one run or of one sweep",
            runs[0].0, sweeps[0].0
        )));
    }
    if !sweeps.is_empty() {
        return merge_sweep(a, sweeps);
    }
    let all = partial::combine(runs)?;
    let reps = all.replications;
    let sc = all.scenario;
    let out = super::Emit { json: a.json.as_deref(), csv: a.csv.as_deref(), ..Default::default() };
    super::emit(&sc, &reps, all.elapsed_seconds, all.threads, &out, None)
}

/// A sweep's shards: every point's replications combined, then the sweep's outputs
/// (bit-identical to the whole sweep on one machine).
fn merge_sweep(a: &MergeArgs, parts: Vec<(String, partial::SweepPartial)>) -> Result<(), Failure> {
    use crate::analysis::sweep::{Point, Sweep};
    let all = partial::combine_sweep(parts)?;
    let bad = |m: String| Failure::BadInput(m);
    let sc = crate::model::Scenario::from_spec(all.scenario.clone()).map_err(|e| {
        bad(format!("the swept scenario is invalid: {}", e.first().map(ToString::to_string).unwrap_or_default()))
    })?;
    let x = all.x.axis(&all.scenario).map_err(bad)?;
    let y = all.y.as_ref().map(|r| r.axis(&all.scenario)).transpose().map_err(bad)?;
    let sw = Sweep { x, y };
    let points: Vec<Point> = sw
        .points()
        .into_iter()
        .zip(&all.points)
        .map(|((x, y), c)| {
            let reps: Vec<_> = c.replications.iter().map(|r| crate::report::replication(&c.scenario, r)).collect();
            Point { x, y, report: crate::report::summarize_replications(&c.scenario, &reps, 0.0, 0) }
        })
        .collect();
    let shown = super::sweep::default_shown(&sc, &sw, &all.scenario);
    super::sweep::emit(
        &sc,
        &sw,
        &points,
        crate::report::Metric::RevenuePerVisitor,
        shown,
        None,
        a.json.as_deref(),
        a.csv.as_deref(),
    )
}
