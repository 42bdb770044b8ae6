//! Runs the engine on a background thread. Progress arrives over a channel; the
//! worker wakes the UI with `request_repaint` at a bounded rate.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::engine::{self, RepCounts, RunOptions};
use crate::model::Scenario;

/// Most frequent wake-up of the UI while a run is in progress.
const REPAINT_EVERY: Duration = Duration::from_millis(100);

/// A message from the worker.
#[derive(Debug)]
pub enum Message {
    /// One replication finished.
    Replication(RepCounts),
    /// Every replication finished.
    Done {
        /// Simulation wall time.
        elapsed: Duration,
        /// Threads used.
        threads: usize,
    },
    /// The run was cancelled.
    Cancelled {
        /// Time until it stopped.
        elapsed: Duration,
    },
    /// The run failed.
    Failed(String),
    /// A run with a precision target ended (sent before `Done`).
    Reached(crate::analysis::precision::Reached),
}

/// A run in progress.
pub struct RunHandle {
    rx: Receiver<Message>,
    /// A message received by [`RunHandle::wait_for_message`], not yet drained.
    early: Option<Message>,
    cancel: Arc<AtomicBool>,
    /// When the run started.
    pub started: Instant,
}

impl RunHandle {
    /// Starts running `scenario`, with a precision target when given (the run then
    /// stops as soon as it is met); `wake` is called (rate-limited) when messages
    /// arrive.
    pub fn start_with(
        scenario: Arc<Scenario>,
        target: Option<crate::analysis::precision::Target>,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let spawned = std::thread::Builder::new()
            .name("aovlab-run".into())
            .spawn(move || work(&scenario, target, &tx, &flag, &wake));
        if let Err(e) = spawned {
            // No thread: report through a channel that is already closed for sending.
            let (tx, rx2) = channel();
            let _ = tx.send(Message::Failed(format!("could not start the simulation thread: {e}")));
            return Self { rx: rx2, early: None, cancel, started: Instant::now() };
        }
        Self { rx, early: None, cancel, started: Instant::now() }
    }

    /// Asks the run to stop; it ends within one chunk of work.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Messages received since the last call, without blocking.
    pub fn drain(&mut self) -> Vec<Message> {
        self.early.take().into_iter().chain(self.rx.try_iter()).collect()
    }

    /// Waits up to `timeout` for the run's first message (kept for [`RunHandle::drain`]);
    /// whether one arrived.
    pub fn wait_for_message(&mut self, timeout: Duration) -> bool {
        if self.early.is_none() {
            self.early = self.rx.recv_timeout(timeout).ok();
        }
        self.early.is_some()
    }
}

/// The app's simulation threads: one per core, each at the lowest scheduling
/// priority the OS gives an unprivileged thread. A run then takes only the CPU time
/// that the window does not need: where frames are drawn on the CPU (no GPU, a
/// virtual machine, a remote desktop) a run at normal priority delayed the frame
/// showing its first replication by 100-200 ms on 2 cores (docs/performance.md).
/// `None` when no pool could be started (the run then uses rayon's global pool).
pub(super) fn simulation_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("aovlab-sim-{i}"))
            // Best effort: where the OS refuses, the thread keeps its priority.
            .start_handler(|_| {
                let _ = thread_priority::ThreadPriority::Min.set_for_current();
            })
            .build()
            .ok()
    })
    .as_ref()
}

fn work(
    sc: &Scenario,
    target: Option<crate::analysis::precision::Target>,
    tx: &Sender<Message>,
    cancel: &AtomicBool,
    wake: &(dyn Fn() + Send + Sync),
) {
    let started = Instant::now();
    let last_wake = Mutex::new(Instant::now() - REPAINT_EVERY);
    let tx_progress = Mutex::new(tx.clone());
    let progress = |p: engine::Progress| {
        if let Ok(tx) = tx_progress.lock() {
            let _ = tx.send(Message::Replication(p.latest));
        }
        if let Ok(mut last) = last_wake.lock()
            && last.elapsed() >= REPAINT_EVERY
        {
            *last = Instant::now();
            wake();
        }
    };
    let run = || match target {
        None => engine::run(sc, &RunOptions::default(), &progress, cancel).map(|out| (out.threads, None)),
        Some(t) => crate::analysis::precision::run(sc, t, &RunOptions::default(), &progress, cancel)
            .map(|(_, reached)| (rayon::current_num_threads(), Some(reached))),
    };
    let result = match simulation_pool() {
        Some(pool) => pool.install(run),
        None => run(),
    };
    let msg = match result {
        Ok((threads, reached)) => {
            if let Some(r) = reached {
                let _ = tx.send(Message::Reached(r));
            }
            Message::Done { elapsed: started.elapsed(), threads }
        }
        Err(engine::RunError::Cancelled) => Message::Cancelled { elapsed: started.elapsed() },
        Err(e) => Message::Failed(e.to_string()),
    };
    let _ = tx.send(msg);
    wake();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message taken early by `wait_for_message` is delivered by the next `drain`,
    /// before the ones that follow: every replication arrives once, then `Done`.
    #[test]
    fn early_message_is_drained_first_and_nothing_is_lost() {
        let mut spec = crate::io::scenario_file::parse_spec(crate::io::scenario_file::ARTICLE_TOML, "a").unwrap();
        spec.store.visitors = 2_000;
        spec.store.replications = 6;
        let sc = Scenario::from_spec(spec).expect("valid");
        let mut run = RunHandle::start_with(Arc::new(sc), None, || {});
        assert!(run.wait_for_message(Duration::from_secs(60)));
        assert!(run.wait_for_message(Duration::ZERO), "a second wait keeps the first message");
        let (mut reps, mut done) = (Vec::new(), false);
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done && Instant::now() < deadline {
            for m in run.drain() {
                assert!(!done, "nothing after Done");
                match m {
                    Message::Replication(r) => reps.push(r.replication),
                    Message::Done { .. } => done = true,
                    other => panic!("unexpected {other:?}"),
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(done);
        reps.sort_unstable();
        assert_eq!(reps, (0..6).collect::<Vec<u32>>());
    }
}
