//! One analysis in the background: a thread at the simulation threads' low priority,
//! its news over a channel (progress, partial results, then how it ended), a flag to
//! cancel it, and the progress line every tab draws from it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{RichText, Ui};

use crate::analysis::Cancellable;

/// Most frequent wake-up of the UI while an analysis runs. Each wake-up draws a frame
/// or two, and where frames are drawn on the CPU (Mesa's llvmpipe under a virtual
/// display, a remote desktop) one costs about 35 ms of a core plus the renderer's
/// threads: at 100 ms the window took most of a core from the analysis, which then
/// took 2.2-4.5 times as long as on the command line; at 500 ms it takes 1.04-1.13
/// times as long (docs/performance.md), and a progress bar moving twice a second is
/// still live.
const REPAINT_EVERY: Duration = Duration::from_millis(500);

/// How an analysis ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End<T> {
    /// It finished with this result.
    Done(T),
    /// It was cancelled: what it reported so far is partial.
    Cancelled,
    /// It failed, for this reason.
    Failed(String),
}

impl<T> End<T> {
    /// The end of an analysis that returned `r` (its error says whether it was a
    /// cancellation).
    pub fn of<E: Cancellable>(r: Result<T, E>) -> Self {
        match r {
            Ok(t) => End::Done(t),
            Err(e) if e.is_cancelled() => End::Cancelled,
            Err(e) => End::Failed(e.to_string()),
        }
    }
}

/// News from an analysis.
enum Msg<T, P> {
    /// Share of the work done, 0 to 1.
    Progress(f64),
    /// A partial result (a sweep's point, a first tornado).
    Partial(P),
    /// How it ended; nothing follows.
    Finished(End<T>),
}

/// How the latest analysis stands.
#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    /// Still running.
    Running,
    /// Finished.
    Complete,
    /// Cancelled: results are partial.
    Cancelled,
    /// Failed.
    Failed(String),
}

/// What an analysis's thread reports through.
pub struct Reporter<'a, T, P> {
    send: &'a (dyn Fn(Msg<T, P>) + Sync),
}

impl<T, P> Reporter<'_, T, P> {
    /// The share of the work done, 0 to 1.
    pub fn progress(&self, f: f64) {
        (self.send)(Msg::Progress(f));
    }

    /// A partial result.
    pub fn partial(&self, p: P) {
        (self.send)(Msg::Partial(p));
    }
}

/// A tab's background analysis: the running job, its progress and how the latest one
/// stands. `T` is its result, `P` a partial result it may report on the way.
pub struct Task<T: Send + 'static, P: Send + 'static = ()> {
    job: Option<Job<Msg<T, P>>>,
    progress: f64,
    state: Option<JobState>,
}

impl<T: Send + 'static, P: Send + 'static> Default for Task<T, P> {
    fn default() -> Self {
        Self { job: None, progress: 0.0, state: None }
    }
}

/// A background analysis as a tab controls it, whatever it returns.
pub trait Running {
    /// Whether it is running.
    fn is_running(&self) -> bool;
    /// Asks it to stop.
    fn cancel(&self);
}

impl<T: Send + 'static, P: Send + 'static> Running for Task<T, P> {
    fn is_running(&self) -> bool {
        Task::is_running(self)
    }

    fn cancel(&self) {
        Task::cancel(self);
    }
}

impl<T: Send + 'static, P: Send + 'static> Task<T, P> {
    /// Runs `work` on a background thread (cancelling any analysis still running):
    /// it reports through the [`Reporter`], watches the cancel flag, and returns how
    /// it ended. `ctx` is asked to repaint as news arrives.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        work: impl FnOnce(&Reporter<'_, T, P>, &AtomicBool) -> End<T> + Send + 'static,
    ) {
        self.cancel();
        self.state = Some(JobState::Running);
        self.progress = 0.0;
        self.job = Some(Job::start(ctx, move |send, cancel| {
            let end = work(&Reporter { send }, cancel);
            send(Msg::Finished(end));
        }));
    }

    /// Drains the news since the last call: progress is kept, each partial result
    /// goes to `partial`, and once the analysis ended the job is dropped and its end
    /// returned (the state says which end).
    pub fn poll(&mut self, mut partial: impl FnMut(P)) -> Option<End<T>> {
        let mut end = None;
        let (news, gone) = self.job.as_ref()?.drain();
        for m in news {
            match m {
                Msg::Progress(f) => self.progress = f,
                Msg::Partial(p) => partial(p),
                Msg::Finished(e) => end = Some(e),
            }
        }
        // A thread that could not start, or stopped without saying how it ended
        // (a panic), leaves a closed channel: that is a failure, not a run forever.
        let end = end.or_else(|| gone.then(|| End::Failed("the analysis stopped unexpectedly".into())))?;
        self.job = None;
        self.state = Some(match &end {
            End::Done(_) => JobState::Complete,
            End::Cancelled => JobState::Cancelled,
            End::Failed(e) => JobState::Failed(e.clone()),
        });
        Some(end)
    }

    /// Whether an analysis is running.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Asks the analysis to stop (within one chunk of simulation).
    pub fn cancel(&self) {
        if let Some(j) = &self.job {
            j.cancel();
        }
    }

    /// How the latest analysis stands (`None` before the first).
    pub fn state(&self) -> Option<&JobState> {
        self.state.as_ref()
    }

    /// Forgets how the last analysis ended (a new input was chosen).
    pub fn clear(&mut self) {
        if self.job.is_none() {
            self.state = None;
        }
    }

    /// The progress line under a tab's controls: a bar with Cancel while running
    /// (Cancel stops it), else what the results are (partial, failed), and whether
    /// they are `stale` (shown only when nothing runs).
    pub fn status_ui(&self, ui: &mut Ui, stale: bool) {
        match &self.state {
            Some(JobState::Running) => {
                ui.horizontal_wrapped(|ui| {
                    let elapsed = self.job.as_ref().map_or(0.0, |j| j.started.elapsed().as_secs_f64());
                    let p = self.progress;
                    let eta = if p > 0.02 { elapsed * (1.0 - p) / p } else { f64::NAN };
                    let eta = if eta.is_finite() { format!("{eta:.1} s") } else { "…".into() };
                    ui.add(
                        egui::ProgressBar::new(p as f32)
                            .desired_width(220.0)
                            .text(format!("{:.0}% · ETA {eta}", p * 100.0)),
                    );
                    if ui.button("Cancel").on_hover_text("Stop; the points done so far stay").clicked() {
                        self.cancel();
                    }
                });
            }
            Some(JobState::Cancelled) => {
                warn(ui, "Cancelled: the results below are partial. Run again for all of them.")
            }
            Some(JobState::Failed(e)) => {
                ui.add(
                    egui::Label::new(RichText::new(format!("Failed: {e}")).color(ui.visuals().error_fg_color)).wrap(),
                );
            }
            Some(JobState::Complete) | None => {}
        }
        if stale && !self.is_running() {
            warn(ui, "Stale: the scenario changed since this analysis. Run it again to update it.");
        }
    }
}

fn warn(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(RichText::new(text).color(ui.visuals().warn_fg_color)).wrap());
}

/// A thread and its channel: messages, and a flag to stop it.
struct Job<M: Send + 'static> {
    rx: Receiver<M>,
    cancel: Arc<AtomicBool>,
    started: Instant,
}

impl<M: Send + 'static> Job<M> {
    /// Runs `work(send, cancel)` on a thread in the simulation pool; `ctx` is asked
    /// to repaint (rate-limited, and once at the end) when messages arrive.
    fn start(ctx: &egui::Context, work: impl FnOnce(&(dyn Fn(M) + Sync), &AtomicBool) + Send + 'static) -> Self {
        let repaint = ctx.clone();
        let wake = move || repaint.request_repaint();
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let spawned = std::thread::Builder::new().name("aovlab-analysis".into()).spawn(move || {
            let tx = Mutex::new(tx);
            let last = Mutex::new(Instant::now() - REPAINT_EVERY);
            let send = |m: M| {
                if let Ok(tx) = tx.lock() {
                    let _ = tx.send(m);
                }
                if let Ok(mut l) = last.lock()
                    && l.elapsed() >= REPAINT_EVERY
                {
                    *l = Instant::now();
                    wake();
                }
            };
            let run = || work(&send, &flag);
            match crate::gui::worker::simulation_pool() {
                Some(pool) => pool.install(run),
                None => run(),
            }
            wake();
        });
        if spawned.is_err() {
            cancel.store(true, Ordering::Relaxed);
        }
        // On failure to spawn, the closure (and its sender) was dropped: the channel
        // is closed and the first poll reports the failure.
        Self { rx, cancel, started: Instant::now() }
    }

    /// The messages waiting, and whether the thread is gone (its channel closed).
    fn drain(&self) -> (Vec<M>, bool) {
        let mut news = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(m) => news.push(m),
                Err(std::sync::mpsc::TryRecvError::Empty) => return (news, false),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return (news, true),
            }
        }
    }

    fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RunError;

    /// Polls until the task ends (at most ten seconds).
    fn wait<T: Send + 'static>(t: &mut Task<T>) -> End<T> {
        let start = Instant::now();
        loop {
            if let Some(end) = t.poll(|()| {}) {
                return end;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "the task never ended");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn an_analysis_ends_done_cancelled_or_failed_by_its_error_type() {
        let ctx = egui::Context::default();
        let mut t: Task<u32> = Task::default();
        t.start(&ctx, |r, _| {
            r.progress(0.5);
            End::of(Ok::<_, RunError>(7))
        });
        assert!(t.is_running());
        assert_eq!(wait(&mut t), End::Done(7));
        assert_eq!(t.state(), Some(&JobState::Complete));
        assert!(!t.is_running());

        t.start(&ctx, |_, cancel| {
            while !cancel.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
            }
            End::of(Err::<u32, _>(RunError::Cancelled))
        });
        t.cancel();
        assert_eq!(wait(&mut t), End::Cancelled);
        assert_eq!(t.state(), Some(&JobState::Cancelled));

        let threads = RunError::Threads { threads: 9, reason: "no".into() };
        let expected = threads.to_string();
        t.start(&ctx, move |_, _| End::of(Err::<u32, _>(threads)));
        assert_eq!(wait(&mut t), End::Failed(expected.clone()));
        assert_eq!(t.state(), Some(&JobState::Failed(expected)));
    }

    #[test]
    fn an_analysis_that_dies_is_a_failure_not_a_run_forever() {
        let ctx = egui::Context::default();
        let mut t: Task<u32> = Task::default();
        t.start(&ctx, |_, _| panic!("a bug in an analysis"));
        assert!(matches!(wait(&mut t), End::Failed(_)));
        assert!(!t.is_running());
    }

    #[test]
    fn partial_results_arrive_in_order_before_the_end() {
        let ctx = egui::Context::default();
        let mut t: Task<(), u32> = Task::default();
        t.start(&ctx, |r, _| {
            (0..5).for_each(|i| r.partial(i));
            End::Done(())
        });
        let (mut got, start) = (Vec::new(), Instant::now());
        while t.poll(|p| got.push(p)).is_none() {
            assert!(start.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
    }
}
