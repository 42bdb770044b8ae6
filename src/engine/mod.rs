//! The simulation engine: visitor sessions under every strategy, replications in
//! parallel, exact tallies and their summaries. No front end, no files.

pub mod counts;
mod offers;
mod rank;
pub mod rng;
pub mod runner;
mod scratch;
pub mod session;
mod stages;
pub mod world;
mod worlds;

pub use counts::{RepCounts, StrategyCounts};
pub use runner::{CHUNK_VISITORS, Progress, RunError, RunOptions, RunOutput, run, run_groups, run_held};
pub use session::SimPath;
