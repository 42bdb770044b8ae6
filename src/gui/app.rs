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

    fn poll_worker(&mut self) {
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

    fn dropped_files(&self, ctx: &egui::Context, out: &mut Vec<Command>) {
        let dropped: Option<PathBuf> = ctx
            .input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).find(|p| !p.as_os_str().is_empty()));
        if let Some(p) = dropped {
            let name = p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            if name.ends_with(".csv") || name.ends_with(".csv.gz") || name.ends_with(".tsv") {
                out.push(Command::ImportPath(p));
            } else {
                out.push(Command::OpenPath(p));
            }
        }
    }

    fn menu_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        let has_results = self.results.as_ref().is_some_and(|r| r.report.is_some());
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                menu_item(ui, Command::New, true, out);
                menu_item(ui, Command::Open, true, out);
                ui.menu_button("Open Recent", |ui| {
                    if self.prefs.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for p in self.prefs.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            out.push(Command::OpenPath(p));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                menu_item(ui, Command::Save, true, out);
                menu_item(ui, Command::SaveAs, true, out);
                let fresh = has_results && !self.results_stale() && self.run.is_none();
                menu_item(ui, Command::SaveWithResults, fresh, out);
                menu_item(ui, Command::CompareWith, true, out);
                menu_item(ui, Command::ImportCatalog, true, out);
                menu_item(ui, Command::ImportOrders, true, out);
                ui.menu_button("Export", |ui| {
                    menu_item(ui, Command::ExportJson, has_results, out);
                    menu_item(ui, Command::ExportCsv, has_results, out);
                    menu_item(ui, Command::ExportSummary, has_results, out);
                    menu_item(ui, Command::ExportReport, has_results, out);
                    menu_item(ui, Command::ExportPng, true, out);
                });
                ui.separator();
                menu_item(ui, Command::Quit, true, out);
            });
            ui.menu_button("Edit", |ui| {
                menu_item(ui, Command::Undo, self.doc.can_undo(), out);
                menu_item(ui, Command::Redo, self.doc.can_redo(), out);
            });
            ui.menu_button("Run", |ui| {
                menu_item(ui, Command::Run, self.doc.problems().is_empty(), out);
                menu_item(ui, Command::Cancel, self.run.is_some(), out);
            });
            ui.menu_button("View", |ui| {
                if ui.radio(!self.prefs.dark, "Light theme").clicked() {
                    out.push(Command::Dark(false));
                }
                if ui.radio(self.prefs.dark, "Dark theme").clicked() {
                    out.push(Command::Dark(true));
                }
                ui.separator();
                menu_item(ui, Command::ZoomIn, true, out);
                menu_item(ui, Command::ZoomOut, true, out);
                menu_item(ui, Command::ZoomReset, true, out);
                ui.separator();
                menu_item(ui, Command::Present, true, out);
                ui.separator();
                for &v in View::ALL {
                    if ui.radio(self.view == v, v.label()).clicked() {
                        out.push(Command::View(v));
                        ui.close();
                    }
                }
                ui.separator();
                for p in Page::ALL {
                    if ui.button(format!("Edit {}", p.label())).clicked() {
                        out.push(Command::Page(p));
                        ui.close();
                    }
                }
                ui.separator();
                if ui.checkbox(&mut self.prefs.native_dialogs, "Use the system's file dialogs").changed() {
                    self.dialogs.native = self.prefs.native_dialogs;
                }
            });
            ui.menu_button("Help", |ui| {
                menu_item(ui, Command::Help(HelpTopic::Model), true, out);
                menu_item(ui, Command::Help(HelpTopic::Shortcuts), true, out);
                menu_item(ui, Command::Help(HelpTopic::About), true, out);
            });
        });
    }

    fn status_ui(&self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            let dirty = if self.doc.is_dirty() { " *" } else { "" };
            ui.label(RichText::new(format!("{}{dirty}", self.doc.title())).strong())
                .on_hover_text(if self.doc.is_dirty() { "Unsaved changes" } else { "Saved" });
            ui.separator();
            ui.label(format!("seed {}", self.doc.spec().store.seed));
            ui.separator();
            let int = |n: u64| crate::format::int(n);
            match &self.results {
                Some(r) => match &r.state {
                    RunState::Complete => {
                        let secs = r.elapsed.map_or(0.0, |d| d.as_secs_f64());
                        ui.label(format!(
                            "last run: {secs:.2} s, {} × {} visitors",
                            r.reps.len(),
                            int(r.scenario.visitors())
                        ));
                    }
                    RunState::Running => {
                        ui.label(format!("running: {} / {} replications", r.reps.len(), int(u64::from(r.total()))));
                    }
                    RunState::Cancelled => {
                        ui.label(format!("cancelled: {} of {} replications", r.reps.len(), int(u64::from(r.total()))));
                    }
                    RunState::Failed(_) => {
                        ui.label(format!(
                            "failed after {} of {} replications",
                            r.reps.len(),
                            int(u64::from(r.total()))
                        ));
                    }
                },
                None => {
                    ui.label("not run yet");
                }
            }
            if self.results_stale() {
                ui.separator();
                ui.label(RichText::new("results stale").color(ui.visuals().warn_fg_color));
            }
            if self.doc.check_pending() {
                ui.separator();
                ui.label("checking the scenario…");
            }
        });
    }

    fn central_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            for &v in View::ALL {
                let busy = match v {
                    View::Results => self.run.is_some(),
                    _ => self.analyses.is_running(v),
                };
                let label = if busy { format!("{} (running)", v.label()) } else { v.label().to_string() };
                if ui.selectable_label(self.view == v, RichText::new(label).strong()).clicked() {
                    out.push(Command::View(v));
                }
            }
        });
        ui.separator();
        match self.view {
            View::Results => self.results_ui(ui, out),
            _ => self.analysis_ui(ui, out),
        }
    }

    /// An analysis tab; it runs its default analysis by itself the first time it is
    /// shown once the scenario's own run is complete.
    fn analysis_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        let valid = self.doc.problems().is_empty();
        let main_done = self.results.as_ref().is_some_and(RunView::complete) && self.run.is_none();
        let view = self.view;
        egui::ScrollArea::vertical().id_salt(("analysis", view as u8)).auto_shrink([false, false]).show(ui, |ui| {
            self.analyses.ui(view, ui, &mut self.doc, valid, main_done, out);
        });
    }

    /// Whether an analysis tab has work in progress (or waits to start it).
    pub fn analysis_busy(&self) -> bool {
        self.view != View::Results && self.analyses.busy(self.view)
    }

    /// The precision target: stop a run once a metric's mean is known well enough.
    fn precision_ui(&mut self, ui: &mut Ui) {
        use crate::report::metric::MetricUnit;
        ui.horizontal_wrapped(|ui| {
            let mut on = self.precision.is_some();
            let tip = "Run replications in batches of 10 and stop as soon as every strategy's mean of this metric \
                       is known to within the half-width at 95% (Student's t). Where it stops depends only on the \
                       scenario, its seed and the target.";
            if ui.checkbox(&mut on, "Stop early when").on_hover_text(tip).changed() {
                if on {
                    self.precision = Some(self.precision_setup);
                } else if let Some(t) = self.precision.take() {
                    self.precision_setup = t;
                }
            }
            // The target being edited: the live one when on, the remembered one when off.
            let t = match &mut self.precision {
                Some(t) => t,
                None => &mut self.precision_setup,
            };
            super::combo(ui, "precision-metric", "Precision target metric", None, t.metric.label(), |ui| {
                for m in crate::report::Metric::ALL {
                    ui.selectable_value(&mut t.metric, m, m.label());
                }
            });
            ui.label("is known to +/-");
            match t.metric.unit() {
                MetricUnit::Rate | MetricUnit::PerThousand | MetricUnit::Relative => {
                    let mut points = t.half_width * 100.0;
                    let r =
                        ui.add(egui::DragValue::new(&mut points).speed(0.01).range(0.001..=100.0).suffix(" points"));
                    if r.changed() {
                        t.half_width = points / 100.0;
                    }
                }
                _ => {
                    let sym = crate::format::currency_symbol(&self.doc.spec().store.currency);
                    ui.add(egui::DragValue::new(&mut t.half_width).speed(0.01).range(1e-6..=1e12).prefix(sym));
                }
            }
        });
    }

    fn results_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        self.precision_ui(ui);
        let problems = self.doc.problems().all();
        let valid = problems.is_empty();
        ui.horizontal_wrapped(|ui| {
            let run =
                ui.add_enabled(valid && self.run.is_none(), egui::Button::new(RichText::new("Run scenario").strong()));
            let run = if valid {
                run.on_hover_text("Run the scenario (F5)")
            } else {
                run.on_disabled_hover_text(format!("Fix the {} problem(s) in the scenario first", problems.len()))
            };
            if run.clicked() {
                out.push(Command::Run);
            }
            if let (Some(handle), Some(res)) = (&self.run, &self.results) {
                let done = res.reps.len() as f32;
                let total = res.total().max(1) as f32;
                let elapsed = handle.started.elapsed().as_secs_f32();
                let eta = if done > 0.0 { elapsed * (total - done) / done } else { f32::NAN };
                let eta = if eta.is_finite() { format!("{eta:.1} s") } else { "…".into() };
                ui.add(
                    egui::ProgressBar::new(done / total)
                        .desired_width(220.0)
                        .text(format!("{done:.0}/{total:.0} · ETA {eta}")),
                );
                if ui.button("Cancel").on_hover_text("Stop the run (Esc)").clicked() {
                    out.push(Command::Cancel);
                }
            }
        });
        if !valid {
            let first = &problems[0];
            ui.horizontal_wrapped(|ui| {
                let text = format!(
                    "Run is disabled: {} problem{}. {}: {}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" },
                    self.doc.label_of(&first.path),
                    first.message
                );
                ui.add(egui::Label::new(RichText::new(text).color(ui.visuals().error_fg_color)).wrap());
                if ui.small_button("Show").on_hover_text("Go to the field").clicked() {
                    out.push(Command::Show(first.path.clone()));
                }
            });
        }
        if let Some(n) = &self.notice {
            let color = match n.level {
                Level::Error => ui.visuals().error_fg_color,
                Level::Warning => ui.visuals().warn_fg_color,
                Level::Info => ui.visuals().text_color(),
            };
            let mut close = false;
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(n.heading()).strong().color(color));
                    close = ui.small_button("Dismiss").clicked();
                });
                ui.add(egui::Label::new(RichText::new(&n.text).color(color)).wrap());
            });
            if close {
                self.notice = None;
            }
        }
        if let Some(r) = self.results.as_ref().filter(|r| r.partial()) {
            ui.add(
                egui::Label::new(
                    RichText::new(format!(
                        "Partial results: {} of {} replications. Run again (F5) for all of them.",
                        r.reps.len(),
                        r.total()
                    ))
                    .color(ui.visuals().warn_fg_color),
                )
                .wrap(),
            );
        }
        if let Some(r) = self.results.as_ref().and_then(|r| r.reached.as_ref()) {
            let text = crate::analysis::precision::sentence(&self.doc.spec().store.currency, r);
            let color = if r.met { ui.visuals().text_color() } else { ui.visuals().warn_fg_color };
            ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
        }
        if self.results_stale() {
            ui.add(
                egui::Label::new(
                    RichText::new(
                        "Results are stale: the scenario changed since this run. Run again (F5) to update them.",
                    )
                    .color(ui.visuals().warn_fg_color),
                )
                .wrap(),
            );
        }
        ui.separator();
        let asked = egui::ScrollArea::vertical().id_salt("dashboard").auto_shrink([false, false]).show(ui, |ui| {
            let cur = &self.doc.spec().store.currency;
            // A presenter file's saved results stay up, marked as unchecked, until a
            // complete run says whether they reproduce.
            match (&self.results, &self.doc.spec().presented) {
                (Some(res), Some(p)) if !res.complete() => {
                    let status = if self.run.is_some() {
                        format!(
                            "Checking them now: re-running the scenario ({} of {} replications); the dashboard \
                             says whether they reproduce when it ends.",
                            res.reps.len(),
                            res.total()
                        )
                    } else {
                        "Not checked: the run that would check them did not finish. Run (F5) to check them.".into()
                    };
                    super::dashboard::saved_results(ui, p, cur, &status);
                    None
                }
                (Some(res), _) => self.dashboard.ui(ui, res),
                (None, Some(p)) => {
                    let status = "Not checked on this computer: Run (F5) reproduces them and says whether they match.";
                    super::dashboard::saved_results(ui, p, cur, status);
                    None
                }
                (None, None) => {
                    ui.label("Press Run (F5) to simulate the scenario.");
                    None
                }
            }
        });
        out.extend(asked.inner.map(Command::Chart));
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        if let Some(meta) = self.recovered.clone() {
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("recover")).show(ctx, |ui| {
                ui.heading("Restore unsaved work?");
                let when = std::time::UNIX_EPOCH + Duration::from_secs(meta.saved_at);
                let ago = when.elapsed().map_or(0, |d| d.as_secs() / 60);
                let ago = match ago {
                    0 => "less than a minute ago".to_string(),
                    1 => "a minute ago".to_string(),
                    m if m < 120 => format!("{m} minutes ago"),
                    m => format!("{} hours ago", crate::format::int(m / 60)),
                };
                ui.label(format!(
                    "AOV Lab did not close normally. A copy of {} with unsaved changes was kept {ago}.",
                    meta.title,
                ));
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        answer = Some(true);
                    }
                    if ui.button("Discard").clicked() {
                        answer = Some(false);
                    }
                });
            });
            if let Some(restore) = answer {
                self.recovered = None;
                if let Some(r) = &mut self.recovery {
                    if restore {
                        match r.restore(&meta) {
                            Ok(doc) => {
                                self.doc = doc;
                                self.results = None;
                                self.notice = Some(Notice::info("Restored your unsaved work. Save it to keep it."));
                                out.push(Command::Run);
                            }
                            Err(e) => self.notice = Some(Notice::error(format!("Could not restore the copy: {e}"))),
                        }
                    } else {
                        r.clear();
                    }
                }
            }
        }
        if let Some(p) = self.pending.clone() {
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label(format!("{} has changes that are not saved.", self.doc.title()));
                ui.horizontal(|ui| {
                    for (k, label) in ["Save", "Don't save", "Cancel"].into_iter().enumerate() {
                        if ui.button(label).clicked() {
                            answer = Some(k);
                        }
                    }
                });
            });
            match answer {
                Some(0) => {
                    self.pending = None;
                    match self.save(None) {
                        Saved::Yes => self.proceed(ctx, p),
                        Saved::Later => self.awaiting = Some(p),
                        Saved::No => {}
                    }
                }
                Some(1) => {
                    self.pending = None;
                    if let Some(r) = &mut self.recovery {
                        r.clear();
                    }
                    self.proceed(ctx, p);
                }
                Some(_) => self.pending = None,
                None => {}
            }
        }
        if let Some((task, path)) = self.dialogs.ui(ctx) {
            self.file_chosen(ctx, task, path);
        }
        if let Some(topic) = self.help {
            let mut open = true;
            egui::Window::new(super::help::title(topic))
                .open(&mut open)
                .collapsible(false)
                .default_width(520.0)
                .show(ctx, |ui| super::help::ui(ui, topic));
            if !open {
                self.help = None;
            }
        }
    }

    /// Applies one command.
    pub fn apply(&mut self, ctx: &egui::Context, c: Command) {
        match c {
            Command::New => self.guard(ctx, Pending::New),
            Command::Open => self.guard(ctx, Pending::Open(None)),
            Command::OpenPath(p) => self.guard(ctx, Pending::Open(Some(p))),
            Command::Quit => self.guard(ctx, Pending::Quit),
            Command::Save => {
                self.save(self.doc.path.clone());
            }
            Command::SaveWithResults => self.save_with_results(),
            Command::SaveAs => {
                self.save(None);
            }
            Command::ExportJson => self.ask(ctx, FileTask::ExportJson),
            Command::ExportCsv => self.ask(ctx, FileTask::ExportCsv),
            Command::ExportReport => self.ask(ctx, FileTask::ExportReport),
            Command::ExportSummary => self.ask(ctx, FileTask::ExportSummary),
            Command::Chart(req) => self.chart_request(ctx, req),
            Command::Present => self.presenting = !self.presenting,
            Command::CompareWith => {
                self.view = View::Compare;
                self.ask(ctx, FileTask::Compare);
            }
            Command::ImportCatalog => {
                self.view = View::Import;
                self.ask(ctx, FileTask::ImportCatalog);
            }
            Command::ImportOrders => {
                self.view = View::Import;
                self.ask(ctx, FileTask::ImportOrders);
            }
            Command::ImportPath(p) => {
                self.view = View::Import;
                self.analyses.import.load(p, None);
            }
            Command::ExportPng => self.ask(ctx, FileTask::ExportPng),
            Command::Run => self.start_run(ctx),
            Command::Cancel => {
                if let Some(r) = &self.run {
                    r.cancel();
                }
            }
            Command::Undo => {
                self.doc.undo();
            }
            Command::Redo => {
                self.doc.redo();
            }
            Command::Dark(d) => self.prefs.dark = d,
            Command::ZoomIn => self.prefs.zoom = (self.prefs.zoom * 1.1).min(3.0),
            Command::ZoomOut => self.prefs.zoom = (self.prefs.zoom / 1.1).max(0.5),
            Command::ZoomReset => self.prefs.zoom = 1.0,
            Command::Page(p) => self.editor.page = p,
            Command::View(v) => self.view = v,
            Command::Show(path) => self.editor.page = Page::of_path(&path),
            Command::Help(t) => self.help = Some(t),
            Command::Edit(e) => self.edit(e, None),
            Command::EditSaying(e, said) => self.edit(e, Some(said)),
        }
    }

    fn edit(&mut self, e: crate::model::edit::Edit, said: Option<String>) {
        match self.doc.apply(e) {
            Ok(()) => {
                if let Some(s) = said {
                    self.notice = Some(Notice::info(s));
                }
            }
            Err(err) => self.notice = Some(Notice::error(format!("That edit could not be made: {err}"))),
        }
    }

    fn guard(&mut self, ctx: &egui::Context, action: Pending) {
        if self.doc.is_dirty() {
            self.pending = Some(action);
        } else {
            self.proceed(ctx, action);
        }
    }

    fn proceed(&mut self, ctx: &egui::Context, action: Pending) {
        match action {
            Pending::New => {
                self.doc = Document::article();
                self.results = None;
                self.notice = None;
                self.start_run(ctx);
            }
            Pending::Open(Some(p)) => self.open(ctx, p),
            Pending::Open(None) => {
                let dir = self.doc.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
                match self.dialogs.ask(FileTask::Open, dir.as_deref()) {
                    Asked::Picked(p) => self.open(ctx, p),
                    Asked::Cancelled | Asked::InApp => {}
                }
            }
            Pending::Quit => {
                if let Some(r) = &mut self.recovery {
                    r.clear();
                }
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Opens `path`; on failure the current scenario stays and the error is shown. A
    /// file with invalid values opens with them flagged.
    pub fn open(&mut self, ctx: &egui::Context, path: PathBuf) {
        match Document::open(path.clone()) {
            Ok(doc) => {
                self.doc = doc;
                self.prefs.remember(&path);
                self.results = None;
                let n = self.doc.problems().all().len();
                self.notice = Some(if n == 0 {
                    Notice::info(format!("Opened {}", path.display()))
                } else {
                    Notice::warning(format!(
                        "Opened {} with {n} problem{} to fix before it can run (flagged in the editor).",
                        path.display(),
                        if n == 1 { "" } else { "s" }
                    ))
                });
                if n == 0 {
                    self.start_run(ctx);
                }
            }
            Err(e) => {
                self.notice = Some(Notice::error(format!("Failed to load the file; the scenario is unchanged.\n{e}")));
            }
        }
    }

    fn ask(&mut self, ctx: &egui::Context, task: FileTask) {
        let dir = self.doc.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
        let native = self.dialogs.native;
        match self.dialogs.ask(task, dir.as_deref()) {
            // Every task a file is asked for: a scenario to compare, a CSV to import, an export.
            Asked::Picked(p) => self.file_chosen(ctx, task, p),
            Asked::Cancelled => {}
            Asked::InApp if native => {
                self.notice = Some(Notice::info("No system file dialog here: using AOV Lab's own."));
            }
            Asked::InApp => {}
        }
    }

    /// Saves to `path` (or asks for one).
    pub fn save(&mut self, path: Option<PathBuf>) -> Saved {
        let path = match path {
            Some(p) => p,
            None => {
                let dir = self.doc.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
                match self.dialogs.ask(FileTask::SaveScenario, dir.as_deref()) {
                    Asked::Picked(p) => p,
                    Asked::Cancelled => return Saved::No,
                    Asked::InApp => return Saved::Later,
                }
            }
        };
        match self.doc.save_as(path.clone()) {
            Ok(()) => {
                self.prefs.remember(&path);
                if let Some(r) = &mut self.recovery {
                    r.clear();
                }
                self.notice = Some(Notice::info(format!("Saved {}", path.display())));
                Saved::Yes
            }
            Err(e) => {
                self.notice = Some(Notice::error(format!(
                    "Could not save {}: {}. The previous file is unchanged.",
                    path.display(),
                    files::io_text(&e)
                )));
                Saved::No
            }
        }
    }

    fn file_chosen(&mut self, ctx: &egui::Context, task: FileTask, path: PathBuf) {
        match task {
            FileTask::Open => self.open(ctx, path),
            FileTask::Compare => self.analyses.compare.load(path),
            FileTask::ImportCatalog => {
                self.analyses.import.load(path, Some(crate::gui::analysis::import_tab::Kind::Catalog))
            }
            FileTask::ImportOrders => {
                self.analyses.import.load(path, Some(crate::gui::analysis::import_tab::Kind::Orders))
            }
            FileTask::SaveScenario => {
                let then = self.awaiting.take();
                if self.save(Some(path)) == Saved::Yes
                    && let Some(p) = then
                {
                    self.proceed(ctx, p);
                }
            }
            _ => self.write_export(ctx, task, path),
        }
    }

    fn write_export(&mut self, ctx: &egui::Context, task: FileTask, path: PathBuf) {
        let Some(res) = &self.results else { return };
        let written = match task {
            FileTask::ExportJson => match &res.report {
                Some(r) => export::report_json(r).map_err(|e| e.to_string()).map(String::into_bytes),
                None => return,
            },
            FileTask::ExportCsv => {
                let mut buf = Vec::new();
                export::write_replications_csv(&mut buf, &res.scenario, &res.reps)
                    .map(|()| buf)
                    .map_err(|e| e.to_string())
            }
            FileTask::ExportPng => {
                self.export_png(ctx, path);
                return;
            }
            FileTask::ExportChartPng | FileTask::ExportChartSvg => {
                let Some(c) = &self.chart_export else { return };
                let stamp = c.stamp.clone();
                if task == FileTask::ExportChartSvg {
                    crate::present::draw::svg(&c.figure, &stamp).map(String::into_bytes)
                } else {
                    crate::present::draw::png(&c.figure, &stamp)
                }
            }
            FileTask::ExportSummary => match &res.report {
                Some(r) => {
                    let mut buf = Vec::new();
                    export::write_summary_csv(&mut buf, r).map(|()| buf).map_err(|e| e.to_string())
                }
                None => return,
            },
            FileTask::ExportReport => match &res.report {
                Some(_) if self.results_stale() => {
                    Err("the results are from before the last edits; run the scenario again first".to_string())
                }
                Some(r) => {
                    let file = self
                        .doc
                        .path
                        .as_ref()
                        .map_or_else(|| "an unsaved scenario".to_string(), |p| p.display().to_string());
                    let command = format!(
                        "aovlab report {} -o report.html",
                        self.doc.path.as_ref().map_or_else(|| "SCENARIO.toml".to_string(), |p| p.display().to_string())
                    );
                    crate::present::html::report(self.doc.spec(), r, &res.reps, &file, &command).map(String::into_bytes)
                }
                None => return,
            },
            _ => return,
        };
        self.notice =
            Some(match written.and_then(|b| files::write_atomic(&path, &b).map_err(|e| files::io_text(&e))) {
                Ok(()) => Notice::info(format!("Exported {}", path.display())),
                Err(e) => Notice::error(format!("Could not export {}: {e}", path.display())),
            });
    }

    /// Runs the scenario as soon as the app starts (a scripted screenshot needs results,
    /// even for a presenter file).
    pub fn run_at_start(&mut self) {
        self.run_on_start = true;
    }

    /// Saves the scenario with the last complete run's summary embedded (a presenter
    /// file): opening it shows those results without running.
    fn save_with_results(&mut self) {
        let Some(r) = self.results.as_ref().filter(|r| r.complete()).and_then(|r| r.report.as_ref()) else {
            self.notice = Some(Notice::warning("Run the scenario to completion first: there are no results to embed."));
            return;
        };
        if self.results_stale() {
            self.notice = Some(Notice::warning("The results are from before the last edits; run again first."));
            return;
        }
        let saved = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        self.doc.embed_results(Some(crate::report::presented(r, saved)));
        if self.save(self.doc.path.clone()) == Saved::Yes {
            self.notice = Some(Notice::info(
                "Saved with the results: opening the file shows them and checks them with a fresh run.",
            ));
        }
    }

    /// A chart's context menu: ask where to save it, or copy it as an image.
    fn chart_request(&mut self, ctx: &egui::Context, req: crate::gui::dashboard::ChartRequest) {
        use crate::gui::dashboard::ChartRequest;
        match req {
            ChartRequest::Save(f, svg) => {
                self.chart_export = Some(*f);
                self.ask(ctx, if svg { FileTask::ExportChartSvg } else { FileTask::ExportChartPng });
            }
            ChartRequest::Copy(c) => {
                let stamp = c.stamp.clone();
                let f = &c.figure;
                let copied = crate::present::draw::png(f, &stamp).and_then(|bytes| {
                    let img = image::load_from_memory(&bytes).map_err(|e| e.to_string())?.to_rgba8();
                    let size = [img.width() as usize, img.height() as usize];
                    ctx.copy_image(egui::ColorImage::from_rgba_unmultiplied(size, img.as_raw()));
                    Ok(())
                });
                self.notice = Some(match copied {
                    Ok(()) => Notice::info(format!("Copied the chart \"{}\" as an image", f.title)),
                    Err(e) => Notice::error(format!("Could not copy the chart: {e}")),
                });
            }
        }
    }

    fn export_png(&self, ctx: &egui::Context, path: PathBuf) {
        let slot = Arc::clone(&self.png);
        let repaint = ctx.clone();
        ctx.request_screenshot(move |img: Arc<egui::ColorImage>| {
            let n = match super::save_png(&path, &img) {
                Ok(()) => Notice::info(format!("Exported {}", path.display())),
                Err(e) => Notice::error(format!("Could not export {}: {e}", path.display())),
            };
            if let Ok(mut g) = slot.lock() {
                *g = Some(n);
            }
            repaint.request_repaint();
        });
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

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!("AOV Lab — {}{}", self.doc.title(), if self.doc.is_dirty() { " *" } else { "" });
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

/// How long pressing Run waits for the first replication before the frame goes on.
const FIRST_RESULT_WAIT: Duration = Duration::from_millis(20);

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
