//! The application: `ui` lays out the menu, editor, dashboard and status bar, each of
//! which returns [`Command`]s; the commands are applied after layout. Runs happen on a
//! worker thread; the app only drains its messages.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egui::{RichText, Ui};
use serde::{Deserialize, Serialize};

use super::analysis::{Analyses, View};
use super::commands::{self, Command, HelpTopic, menu_item};
use super::dashboard::Dashboard;
use super::dialogs::{Asked, FileDialogs, FileTask};
use super::document::Document;
use super::editor::{Editor, Page};
use super::notice::{Level, Notice};
use super::recovery::{Meta, Recovery};
use super::run_view::{RunState, RunView};
use super::worker::{Message, RunHandle};
use crate::analysis::precision::Target;
use crate::io::{export, files};

mod central;
mod dispatch;
mod lifecycle;
mod menus;
mod modals;
mod run;

/// Recent files kept.
const MAX_RECENT: usize = 8;
/// A large catalog's whole-scenario check runs once editing has paused this long.
const QUIET: Duration = Duration::from_millis(1500);

/// Preferences persisted between sessions (never the scenario or runtime state).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Dark theme.
    pub dark: bool,
    /// Recently opened or saved scenario files, newest first.
    pub recent: Vec<PathBuf>,
    /// Zoom on top of the desktop's scale.
    pub zoom: f32,
    /// Try the system's file dialog before the app's own.
    pub native_dialogs: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self { dark: true, recent: Vec::new(), zoom: 1.0, native_dialogs: true }
    }
}

impl Prefs {
    /// Puts `path` first in Open Recent.
    pub fn remember(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// An action waiting for an answer about unsaved changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// New scenario.
    New,
    /// Open a file (`None`: ask for one after the answer).
    Open(Option<PathBuf>),
    /// Close the app.
    Quit,
}

/// The AOV Lab application.
pub struct AovApp {
    /// The scenario being edited.
    pub doc: Document,
    /// Editor state.
    pub editor: Editor,
    dashboard: Dashboard,
    /// The central area's tab.
    pub view: View,
    /// The analysis tabs (what if, sensitivity, optimize, holdout plan).
    pub analyses: Analyses,
    /// Stop runs early once this target is met (`None`: run every replication).
    pub precision: Option<Target>,
    /// The target as set up while it is off.
    precision_setup: Target,
    run: Option<RunHandle>,
    /// The latest run's results.
    pub results: Option<RunView>,
    /// Preferences.
    pub prefs: Prefs,
    /// Action waiting on the unsaved-changes prompt.
    pub pending: Option<Pending>,
    /// The last message for the user.
    pub notice: Option<Notice>,
    help: Option<HelpTopic>,
    /// Whether the window may close now (the user answered about unsaved changes).
    pub allow_close: bool,
    run_on_start: bool,
    dialogs: FileDialogs,
    /// What to do with the in-app file dialog's answer, and what waits on it.
    awaiting: Option<Pending>,
    recovery: Option<Recovery>,
    /// A recovery copy found at start, waiting for the user's answer.
    pub recovered: Option<Meta>,
    png: Arc<Mutex<Option<Notice>>>,
    /// The chart whose file is being asked for.
    chart_export: Option<crate::gui::dashboard::ChartFile>,
    /// Presentation mode is on.
    pub presenting: bool,
    /// Presentation mode's slide.
    pub presenter: super::present_view::Presenter,
    title: String,
    applied_zoom: Option<f32>,
    /// Layout passes so far.
    pub frames: u64,
}

impl AovApp {
    /// An app editing `doc`; it runs the scenario on its first frame.
    pub fn new(doc: Document, prefs: Prefs) -> Self {
        Self {
            doc,
            editor: Editor::default(),
            dashboard: Dashboard::default(),
            view: View::Results,
            analyses: Analyses::default(),
            precision: None,
            precision_setup: Target { metric: crate::report::Metric::RpvLift, half_width: 0.005 },
            run: None,
            results: None,
            dialogs: FileDialogs::new(prefs.native_dialogs),
            prefs,
            pending: None,
            notice: None,
            help: None,
            allow_close: false,
            // Every file runs on opening; a presenter file shows its saved results
            // until this run says whether they reproduce.
            run_on_start: true,
            awaiting: None,
            recovery: None,
            recovered: None,
            png: Arc::new(Mutex::new(None)),
            chart_export: None,
            presenting: false,
            presenter: Default::default(),
            title: String::new(),
            applied_zoom: None,
            frames: 0,
        }
    }

    /// Keeps a recovery copy of unsaved work in `dir`, and offers one found there.
    pub fn with_recovery(mut self, dir: PathBuf) -> Self {
        let r = Recovery::new(dir);
        self.recovered = r.found();
        self.recovery = Some(r);
        self
    }

    /// Whether a run is in progress.
    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// Whether the shown results were computed from another version of the scenario.
    pub fn results_stale(&self) -> bool {
        self.results.as_ref().is_some_and(|r| r.revision != self.doc.revision())
    }

    /// Lays out one frame and applies what the user asked for.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        // Presentation mode is always light (projectors and printed slides).
        ctx.set_theme(if self.prefs.dark && !self.presenting { egui::Theme::Dark } else { egui::Theme::Light });
        // egui zooms with Ctrl+plus / Ctrl+minus itself: remember what the keyboard set.
        let z = ctx.zoom_factor();
        if self.applied_zoom.is_some_and(|a| (a - z).abs() > 1e-6) {
            self.prefs.zoom = z;
            self.applied_zoom = Some(z);
        }
        if self.applied_zoom != Some(self.prefs.zoom) {
            ctx.set_zoom_factor(self.prefs.zoom);
            self.applied_zoom = Some(self.prefs.zoom);
        }
        self.poll_worker();
        self.analyses.poll();
        let mut out = Vec::new();
        if std::mem::take(&mut self.run_on_start) {
            out.push(Command::Run);
        }
        if !self.dialogs.is_open() && self.recovered.is_none() {
            out.extend(commands::pressed(&ctx, self.run.is_some()));
        }
        self.dropped_files(&ctx, &mut out);
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            out.push(Command::Quit);
        }
        if let Some(n) = self.png.lock().ok().and_then(|mut g| g.take()) {
            self.notice = Some(n);
        }

        if self.presenting {
            egui::CentralPanel::default().show(ui, |ui| {
                if self.presenter.ui(ui, self.results.as_ref()) == super::present_view::Presented::Leave {
                    self.presenting = false;
                }
            });
            for c in out {
                self.apply(&ctx, c);
            }
            return;
        }
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui, &mut out));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::Panel::left("editor").resizable(true).default_size(560.0).min_size(360.0).show(ui, |ui| {
            out.extend(self.editor.ui(ui, &self.doc));
        });
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui, &mut out));
        self.dialogs_ui(&ctx, &mut out);

        for c in out {
            self.apply(&ctx, c);
        }
        if self.doc.is_large() {
            self.doc.check_when_quiet(QUIET);
            if self.doc.check_pending() {
                ctx.request_repaint_after(QUIET);
            }
        }
        if let Some(r) = &mut self.recovery
            && let Err(e) = r.keep(&self.doc)
        {
            self.notice = Some(Notice::warning(format!(
                "Could not write the recovery copy in {}: {e}. Save your work.",
                r.dir().display()
            )));
        }
        if self.doc.is_dirty() && self.recovery.is_some() {
            ctx.request_repaint_after(super::recovery::INTERVAL);
        }
        self.update_title(&ctx);
        self.frames += 1;
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!("AOV Lab — {}{}", self.doc.title(), if self.doc.is_dirty() { " *" } else { "" });
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

/// The outcome of a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Written.
    Yes,
    /// Not written (cancelled or failed; a failure is shown).
    No,
    /// The in-app file dialog is open; the save happens when it answers.
    Later,
}
