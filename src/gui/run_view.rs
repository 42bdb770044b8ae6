//! One run as the dashboard shows it: the replications received so far (their
//! metrics computed once, as each arrives), their summary, and how the run stands.

use std::sync::Arc;
use std::time::Duration;

use crate::engine::RepCounts;
use crate::model::Scenario;
use crate::report::{Replication, Report, replication, summarize_replications};

/// How a run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    /// Replications are still arriving.
    Running,
    /// Every replication arrived.
    Complete,
    /// Cancelled by the user: the results are partial.
    Cancelled,
    /// Failed: the results are partial.
    Failed(String),
}

/// A run of one scenario (complete or still arriving).
pub struct RunView {
    /// The validated scenario that was run.
    pub scenario: Arc<Scenario>,
    /// The document revision it was run from.
    pub revision: u64,
    /// Replications received, with their metrics, sorted by index.
    pub reps: Vec<Replication>,
    /// Summary of `reps`.
    pub report: Option<Report>,
    /// How the run stands.
    pub state: RunState,
    /// Simulation wall time once complete.
    pub elapsed: Option<Duration>,
    /// Counts changes of `reps` (charts fit their data again when it changes).
    pub generation: u64,
    /// How a run with a precision target ended.
    pub reached: Option<crate::analysis::precision::Reached>,
}

impl RunView {
    /// The footer of this run's charts: the replications it holds (fewer for a
    /// cancelled run or one a precision target stopped) of its visitors.
    pub fn stamp(&self) -> crate::present::draw::Stamp {
        let sc = &self.scenario;
        crate::present::draw::Stamp {
            scenario: sc.name.clone(),
            seed: sc.seed(),
            replications: self.reps.len() as u32,
            visitors: sc.visitors(),
        }
    }

    /// Empty results for a run of `scenario` from document revision `revision`.
    pub fn new(scenario: Arc<Scenario>, revision: u64) -> Self {
        Self {
            scenario,
            revision,
            reps: Vec::new(),
            report: None,
            state: RunState::Running,
            elapsed: None,
            generation: 0,
            reached: None,
        }
    }

    /// Adds replications and refreshes the summary.
    pub fn add(&mut self, reps: impl IntoIterator<Item = RepCounts>) {
        let before = self.reps.len();
        let sc = Arc::clone(&self.scenario);
        self.reps.extend(reps.into_iter().map(|r| replication(&sc, &r)));
        if self.reps.len() != before {
            self.reps.sort_by_key(|r| r.index);
            self.refresh(0.0, 0);
        }
    }

    /// Ends the run in `state`, with the simulation's timing when complete.
    pub fn finish(&mut self, state: RunState, elapsed: Duration, threads: usize) {
        self.state = state;
        self.elapsed = Some(elapsed);
        self.refresh(elapsed.as_secs_f64(), threads);
    }

    fn refresh(&mut self, elapsed: f64, threads: usize) {
        self.report =
            (!self.reps.is_empty()).then(|| summarize_replications(&self.scenario, &self.reps, elapsed, threads));
        self.generation += 1;
    }

    /// Replications expected in total.
    pub fn total(&self) -> u32 {
        self.scenario.replications()
    }

    /// Whether every replication arrived.
    pub fn complete(&self) -> bool {
        self.state == RunState::Complete
    }

    /// Replications the results hold at most: the scenario's, or where a precision
    /// target stopped the run.
    pub fn expected(&self) -> u32 {
        self.reached.as_ref().map_or(self.total(), |r| r.replications)
    }

    /// Whether the results hold fewer replications than the scenario asks for.
    pub fn partial(&self) -> bool {
        self.state != RunState::Complete && self.state != RunState::Running
    }
}
