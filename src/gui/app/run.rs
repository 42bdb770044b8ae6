//! Running the scenario: starting a run on the worker, taking in its replications and
//! saying how it ended (and whether a presenter file's saved results reproduce).

use super::*;

impl AovApp {
    pub(super) fn poll_worker(&mut self) {
        let Some(run) = &mut self.run else { return };
        let mut arrived = Vec::new();
        let mut end = None;
        let mut reached = None;
        for m in run.drain() {
            match m {
                Message::Reached(r) => reached = Some(r),
                Message::Replication(r) => arrived.push(r),
                Message::Done { elapsed, threads } => end = Some((RunState::Complete, elapsed, threads)),
                Message::Cancelled { elapsed } => end = Some((RunState::Cancelled, elapsed, 0)),
                Message::Failed(e) => end = Some((RunState::Failed(e), run.started.elapsed(), 0)),
            }
        }
        let Some(res) = &mut self.results else { return };
        if !arrived.is_empty() {
            res.add(arrived);
        }
        if reached.is_some() {
            res.reached = reached;
        }
        if let Some((state, elapsed, threads)) = end {
            let (done, total) = (res.reps.len(), res.total());
            self.notice = match &state {
                RunState::Cancelled => Some(
                    Notice::warning(format!(
                        "Run cancelled after {} of {} replications; the dashboard shows those {}.",
                        crate::format::int(done as u64),
                        crate::format::int(total),
                        crate::format::int(done as u64)
                    ))
                    .of_run(),
                ),
                RunState::Failed(e) => Some(Notice::error(format!("The run failed: {e}")).of_run()),
                _ => self.notice.take(),
            };
            let complete = state == RunState::Complete;
            res.finish(state, elapsed, threads);
            self.run = None;
            // A presenter file: say whether this run reproduces its saved results.
            if let (true, Some(saved), Some(report)) = (complete, &self.doc.spec().presented, &res.report) {
                self.notice = Some(
                    match crate::report::reproduces(saved, report) {
                        Ok(()) => Notice::info(format!(
                            "Checked: this run reproduces the results saved in the file ({}, AOV Lab {}) exactly.",
                            saved.saved, saved.app_version
                        )),
                        Err(d) => Notice::error(format!(
                            "The results saved in the file ({}, AOV Lab {}) do NOT reproduce: a fresh run of the same \
                         scenario and seed differs. {}{}. Do not present the saved figures; the dashboard shows \
                         the fresh run.",
                            saved.saved,
                            saved.app_version,
                            d[0],
                            if d.len() > 1 { format!(" (and {} more)", d.len() - 1) } else { String::new() }
                        )),
                    }
                    .of_run(),
                );
            }
        }
    }

    /// Runs the scenario as soon as the app starts (a scripted screenshot needs results,
    /// even for a presenter file).
    pub fn run_at_start(&mut self) {
        self.run_on_start = true;
    }

    /// Starts a run of the current scenario (cancelling one in progress).
    pub fn start_run(&mut self, ctx: &egui::Context) {
        let Some(sc) = self.doc.scenario() else {
            let n = self.doc.problems().all().len();
            self.notice = Some(Notice::error(format!(
                "The scenario has {n} problem{}; fix {} before running (flagged in the editor).",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" }
            )));
            return;
        };
        if let Some(r) = self.run.take() {
            r.cancel();
        }
        // What was said about the previous run is not about this one.
        if self.notice.as_ref().is_some_and(|n| n.about_run) {
            self.notice = None;
        }
        self.results = Some(RunView::new(Arc::clone(&sc), self.doc.revision()));
        let repaint = ctx.clone();
        let mut run = RunHandle::start_with(sc, self.precision, move || repaint.request_repaint());
        // Give the engine a head start within this frame: its first replication usually
        // arrives within milliseconds, and laying this frame out again then shows it
        // now. Not for the run at start-up: there the window should appear first.
        if self.frames > 0 && run.wait_for_message(FIRST_RESULT_WAIT) {
            ctx.request_discard("show the first replication of the run just started");
        }
        self.run = Some(run);
    }
}

/// How long pressing Run waits for the first replication before the frame goes on.
const FIRST_RESULT_WAIT: Duration = Duration::from_millis(20);
