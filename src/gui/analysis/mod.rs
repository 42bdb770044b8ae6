//! The analysis tabs beside the results: what-if sweeps and sensitivity. Each runs
//! its analysis (crate::analysis) on a background thread at the simulation threads'
//! low priority, reporting over a channel, and can be cancelled.

pub mod sensitivity_tab;
pub mod sweep_tab;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{RichText, Ui};

pub use sensitivity_tab::SensitivityTab;
pub use sweep_tab::SweepTab;

/// The central area's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// The run's dashboard.
    #[default]
    Results,
    /// A sweep of one or two fields.
    Sweep,
    /// Tornado, importance and decision flips.
    Sensitivity,
}

impl View {
    /// Every tab in order.
    pub const ALL: [View; 3] = [View::Results, View::Sweep, View::Sensitivity];

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            View::Results => "Results",
            View::Sweep => "What if (sweep)",
            View::Sensitivity => "Sensitivity",
        }
    }

    /// The view named on the command line (`results`, `sweep`, `sensitivity`).
    pub fn from_name(name: &str) -> Option<View> {
        match name.trim().to_ascii_lowercase().as_str() {
            "results" | "dashboard" => Some(View::Results),
            "sweep" | "what-if" | "whatif" => Some(View::Sweep),
            "sensitivity" | "tornado" => Some(View::Sensitivity),
            _ => None,
        }
    }
}

/// Most frequent wake-up of the UI while an analysis runs.
const REPAINT_EVERY: Duration = Duration::from_millis(100);

/// An analysis on a background thread: its messages, and a flag to stop it.
pub struct Job<M: Send + 'static> {
    rx: Receiver<M>,
    cancel: Arc<AtomicBool>,
    /// When it started.
    pub started: Instant,
}

impl<M: Send + 'static> Job<M> {
    /// Runs `work(send, cancel)` on a thread; `wake` is called (rate-limited, and once
    /// at the end) when messages arrive.
    pub fn start(
        wake: impl Fn() + Send + Sync + 'static,
        work: impl FnOnce(&(dyn Fn(M) + Sync), &AtomicBool) + Send + 'static,
    ) -> Self {
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
            match super::worker::simulation_pool() {
                Some(pool) => pool.install(run),
                None => run(),
            }
            wake();
        });
        if spawned.is_err() {
            cancel.store(true, Ordering::Relaxed);
        }
        Self { rx, cancel, started: Instant::now() }
    }

    /// Messages received since the last call.
    pub fn drain(&self) -> Vec<M> {
        self.rx.try_iter().collect()
    }

    /// Asks the analysis to stop (within one chunk of simulation).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// How an analysis stands.
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

/// The progress line under a tab's controls: a bar with Cancel while running, else
/// what the results are (partial, stale, failed). Returns true when Cancel was clicked.
pub fn status_line(
    ui: &mut Ui,
    state: Option<&JobState>,
    progress: f64,
    started: Option<Instant>,
    stale: bool,
) -> bool {
    let mut cancel = false;
    match state {
        Some(JobState::Running) => {
            ui.horizontal_wrapped(|ui| {
                let elapsed = started.map_or(0.0, |s| s.elapsed().as_secs_f64());
                let eta = if progress > 0.02 { elapsed * (1.0 - progress) / progress } else { f64::NAN };
                let eta = if eta.is_finite() { format!("{eta:.1} s") } else { "…".into() };
                ui.add(
                    egui::ProgressBar::new(progress as f32)
                        .desired_width(220.0)
                        .text(format!("{:.0}% · ETA {eta}", progress * 100.0)),
                );
                cancel = ui.button("Cancel").on_hover_text("Stop; the points done so far stay").clicked();
            });
        }
        Some(JobState::Cancelled) => warn(ui, "Cancelled: the results below are partial. Run again for all of them."),
        Some(JobState::Failed(e)) => {
            ui.add(egui::Label::new(RichText::new(format!("Failed: {e}")).color(ui.visuals().error_fg_color)).wrap());
        }
        _ => {}
    }
    if stale {
        warn(ui, "Stale: the scenario changed since this analysis. Run it again to update it.");
    }
    cancel
}

fn warn(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(RichText::new(text).color(ui.visuals().warn_fg_color)).wrap());
}
