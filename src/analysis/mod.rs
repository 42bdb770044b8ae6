//! Analyses built on runs: headless, touching no file (tests/layers.rs checks it).
//!
//! [`sweep`] varies one or two fields over a range; [`sensitivity`] ranks the
//! uncertain inputs by how much they move an outcome and finds where a decision
//! between two strategies flips; [`coverage`] measures the intervals' coverage;
//! [`optimize`] searches the levers for an objective; [`plan`] simulates the holdout
//! test that would measure a strategy; [`value`] prices the uncertainty and the test.
//! Runs here are ordinary engine runs of ordinary scenarios (the planner's split test
//! aside), so a sweep point equals `aovlab run` with the same `--set` values, bit for
//! bit.

pub mod calibrate;
pub mod coverage;
pub mod fit;
pub mod learn;
pub mod monitor;
pub mod optimize;
pub mod plan;
pub mod precision;
pub mod seek;
pub mod sensitivity;
pub mod sweep;
pub mod value;
pub mod variants;
pub mod vendor;

use std::sync::atomic::AtomicBool;

use crate::engine::{RunError, RunOptions};
use crate::model::Scenario;
use crate::report::{Replication, replication};

/// An analysis's error that may be the user's cancellation rather than a failure
/// (front ends say "cancelled" for one and show the other).
pub trait Cancellable: std::fmt::Display {
    /// Whether the analysis stopped because it was cancelled.
    fn is_cancelled(&self) -> bool;
}

impl Cancellable for RunError {
    fn is_cancelled(&self) -> bool {
        matches!(self, RunError::Cancelled)
    }
}

macro_rules! cancellable_by_run {
    ($($t:ty),*) => {$(
        impl Cancellable for $t {
            fn is_cancelled(&self) -> bool {
                matches!(self, Self::Run(RunError::Cancelled))
            }
        }
    )*};
}

cancellable_by_run!(
    sweep::SweepError,
    sensitivity::SensitivityError,
    optimize::OptimizeError,
    plan::PlanError,
    learn::LearnError
);

impl Cancellable for seek::SeekError {
    fn is_cancelled(&self) -> bool {
        matches!(self, seek::SeekError::Sweep(sweep::SweepError::Run(RunError::Cancelled)))
    }
}

/// Runs `sc` and computes each replication's metrics; `progress` gets the
/// replications done and the total.
fn replications(
    sc: &Scenario,
    opts: &RunOptions,
    progress: &(dyn Fn(u32, u32) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<Replication>, RunError> {
    let out = crate::engine::run(sc, opts, &|p| progress(p.done, p.total), cancel)?;
    Ok(out.replications.iter().map(|r| replication(sc, r)).collect())
}

/// A value written for a field as the scenario file would (`0.25`, `3`).
fn value_text(v: f64, whole: bool) -> String {
    if whole { format!("{}", v.round() as i64) } else { format!("{v}") }
}
