//! The window around the app, with the instrumentation that is not part of it: the
//! scripted screenshot (`aovlab gui --screenshot`) and the latency timings printed
//! with `AOVLAB_TIMING=1` (docs/performance.md). Both only observe the app.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::app::AovApp;

/// A screenshot requested from the command line: taken a few frames after the first
/// complete results (or at once, for a scenario that cannot run), then the window
/// closes.
#[derive(Default)]
pub struct ScreenshotJob {
    /// Output PNG.
    pub path: PathBuf,
    frames: u32,
    requested: bool,
    rerun: bool,
    /// Set by the screenshot callback: the outcome of writing the PNG.
    pub outcome: Arc<Mutex<Option<Result<(), String>>>>,
    started: Option<Instant>,
}

impl ScreenshotJob {
    /// A job writing `path`.
    pub fn new(path: PathBuf) -> Self {
        Self { path, ..Default::default() }
    }
}

/// Timings of the app's latency, printed to standard error.
#[derive(Default)]
pub struct Timing {
    launched: Option<Instant>,
    /// Timings to print when the next frame starts, which is when this one was painted.
    painted: Vec<(&'static str, Instant)>,
    run_started: Option<Instant>,
    seen_reps: usize,
    seen_running: bool,
}

impl Timing {
    /// Timing from `launched` (the process start).
    pub fn new(launched: Instant) -> Self {
        Self { launched: Some(launched), ..Default::default() }
    }

    /// Call at the start of each frame.
    pub fn frame_start(&mut self) {
        for (what, since) in self.painted.drain(..) {
            eprintln!("timing: {what} painted {} ms (the next frame starts)", since.elapsed().as_millis());
        }
        if let Some(t) = self.launched.take() {
            eprintln!("timing: first frame starts {} ms after start", t.elapsed().as_millis());
            self.painted.push(("first frame", t));
        }
    }

    /// Call after the app laid out its frame.
    pub fn observe(&mut self, app: &AovApp) {
        let running = app.is_running();
        if running && !self.seen_running {
            self.run_started = Some(Instant::now());
            self.seen_reps = 0;
        }
        self.seen_running = running;
        let reps = app.results.as_ref().map_or(0, |r| r.reps.len());
        if let Some(t) = self.run_started {
            if self.seen_reps == 0 && reps > 0 {
                eprintln!(
                    "timing: the frame showing the first replication starts {} ms after Run",
                    t.elapsed().as_millis()
                );
                self.painted.push(("the first replication", t));
            }
            if !running && app.results.as_ref().is_some_and(|r| r.complete()) {
                eprintln!("timing: the frame showing the whole run starts {} ms after Run", t.elapsed().as_millis());
                self.painted.push(("the whole run", t));
                self.run_started = None;
            }
        }
        self.seen_reps = reps;
    }

    /// Whether a painted frame is being timed (the next frame must follow at once).
    pub fn busy(&self) -> bool {
        !self.painted.is_empty()
    }
}

/// Drives a screenshot job; returns true when the window should close.
pub fn screenshot_step(
    job: &mut ScreenshotJob,
    app: &mut AovApp,
    ctx: &egui::Context,
    timing: Option<&Timing>,
) -> bool {
    let started = *job.started.get_or_insert_with(Instant::now);
    if job.outcome.lock().ok().is_some_and(|g| g.is_some()) {
        return true;
    }
    if started.elapsed().as_secs() > 120 {
        if let Ok(mut g) = job.outcome.lock() {
            *g = Some(Err("no complete results within 120 s".into()));
        }
        return true;
    }
    // Settled: complete results, or none to wait for (a file that opens flagged as
    // invalid cannot run: its screenshot shows the flags).
    let nothing_coming = app.doc.scenario().is_none();
    let complete = (app.results.as_ref().is_some_and(|r| r.complete()) || nothing_coming)
        && !app.is_running()
        && !app.analysis_busy();
    // With AOVLAB_TIMING the first (cold) run is followed by a second one, so that the
    // steady-state latency of pressing Run is measured too.
    if complete && timing.is_some() && !job.rerun {
        job.rerun = true;
        app.start_run(ctx);
        ctx.request_repaint();
        return false;
    }
    if complete && !job.requested {
        job.frames += 1;
        if job.frames >= 3 {
            job.requested = true;
            let slot = Arc::clone(&job.outcome);
            let path = job.path.clone();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |img: Arc<egui::ColorImage>| {
                let r = super::save_png(&path, &img);
                if let Ok(mut g) = slot.lock() {
                    *g = Some(r);
                }
                repaint.request_repaint();
            });
        }
    }
    // While a run or an analysis is in progress its worker wakes the window at a
    // bounded rate, as for a person watching it (repainting every frame here took a
    // core from the simulation: a sensitivity analysis took 34 s instead of 8); a
    // frame being timed is followed at once by another.
    let working = app.is_running() || app.analyses.is_running(app.view);
    if !working || timing.is_some_and(Timing::busy) {
        ctx.request_repaint();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gui::{Document, Prefs};
    use crate::model::FieldId;
    use crate::model::edit::Edit;
    use crate::model::fields::{Path, Value};

    #[test]
    fn a_scenario_that_cannot_run_is_photographed_without_waiting_for_results() {
        let mut doc = Document::article();
        doc.apply(Edit::Set(Path::top(FieldId::StoreCurrency), Value::Text(Some("dollars".into())))).unwrap();
        let mut app = AovApp::new(doc, Prefs::default());
        assert!(app.doc.scenario().is_none(), "the file opens flagged");
        let ctx = egui::Context::default();
        let mut job = ScreenshotJob::new(PathBuf::from("unused.png"));
        for _ in 0..5 {
            assert!(!screenshot_step(&mut job, &mut app, &ctx, None));
        }
        assert!(job.requested, "the screenshot is asked for once the window is drawn");
    }
}
