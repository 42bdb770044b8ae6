//! The simulation engine: visitor sessions under every strategy, replications in
//! parallel, exact tallies and their summaries. No front end, no files.

pub mod counts;
pub mod report;
pub mod rng;
pub mod runner;
pub mod session;
pub mod world;

pub use counts::{RepCounts, StrategyCounts};
pub use report::{Report, summarize};
pub use runner::{CHUNK_VISITORS, Progress, RunError, RunOptions, RunOutput, run};
pub use session::Path;

/// Runs a scenario to completion with no progress reporting and summarises it.
pub fn run_and_summarize(sc: &crate::model::Scenario, opts: &RunOptions) -> Result<Report, RunError> {
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let out = run(sc, opts, &|_| {}, &cancel)?;
    Ok(summarize(sc, &out.replications, out.elapsed.as_secs_f64(), out.threads))
}
