//! Results as the dashboard shows them: replications received so far, their
//! summary, and per-replication metrics for distributions.

use std::time::Duration;

use crate::engine::report::{StrategyRep, replication_metrics};
use crate::engine::{RepCounts, Report, summarize};
use crate::model::{Scenario, ScenarioSpec};

/// Results of one run (complete or still arriving).
pub struct Results {
    /// The validated scenario that was run.
    pub scenario: Scenario,
    /// Replications received, in arrival order.
    pub reps: Vec<RepCounts>,
    /// Summary of `reps` (sorted by replication).
    pub report: Option<Report>,
    /// Metrics per replication (sorted by replication) and strategy.
    pub per_rep: Vec<Vec<StrategyRep>>,
    /// Whether every replication has arrived.
    pub complete: bool,
    /// Simulation wall time once complete.
    pub elapsed: Option<Duration>,
}

impl Results {
    /// Empty results for a run of `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        Self { scenario, reps: Vec::new(), report: None, per_rep: Vec::new(), complete: false, elapsed: None }
    }

    /// Adds replications and refreshes the summary.
    pub fn add(&mut self, reps: impl IntoIterator<Item = RepCounts>) {
        let before = self.reps.len();
        self.reps.extend(reps);
        if self.reps.len() != before {
            self.refresh(0.0, 0);
        }
    }

    /// Marks the run complete with its timing.
    pub fn finish(&mut self, elapsed: Duration, threads: usize) {
        self.complete = true;
        self.elapsed = Some(elapsed);
        self.refresh(elapsed.as_secs_f64(), threads);
    }

    fn refresh(&mut self, elapsed: f64, threads: usize) {
        self.reps.sort_by_key(|r| r.replication);
        self.report = Some(summarize(&self.scenario, &self.reps, elapsed, threads));
        self.per_rep = self.reps.iter().map(|r| replication_metrics(&self.scenario, r)).collect();
    }

    /// The file form that produced these results.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.scenario.spec
    }

    /// Replications expected in total.
    pub fn total(&self) -> u32 {
        self.scenario.replications()
    }
}
