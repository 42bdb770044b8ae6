//! The application: menu bar, editor, dashboard and status bar. `ui` lays out and
//! collects [`Command`]s; they are applied after layout. Runs happen on a worker
//! thread; the app only drains its messages.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use serde::{Deserialize, Serialize};

use super::dashboard::Dashboard;
use super::document::Document;
use super::editor::{Editor, Page};
use super::results::Results;
use super::worker::{Message, RunHandle};
use crate::io::{results as export, scenario_file};

/// Recent files kept.
const MAX_RECENT: usize = 8;

/// Preferences persisted between sessions (never the scenario or runtime state).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Dark theme.
    pub dark: bool,
    /// Recently opened or saved scenario files, newest first.
    pub recent: Vec<PathBuf>,
}

impl Default for Prefs {
    fn default() -> Self {
        Self { dark: true, recent: Vec::new() }
    }
}

impl Prefs {
    fn remember(&mut self, path: &std::path::Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }
}

/// Something the user asked for; applied after the frame is laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start over from the article scenario.
    New,
    /// Open a file (`None`: ask with a dialog).
    Open(Option<PathBuf>),
    /// Save to the current file (or ask).
    Save,
    /// Save under a new name.
    SaveAs,
    /// Export the results as JSON.
    ExportJson,
    /// Export the per-replication results as CSV.
    ExportCsv,
    /// Export a PNG of the window.
    ExportPng,
    /// Run the scenario.
    Run,
    /// Cancel the run.
    Cancel,
    /// Undo the last edit.
    Undo,
    /// Redo.
    Redo,
    /// Switch theme.
    Dark(bool),
    /// Close the window.
    Quit,
    /// Jump to the editor page holding a field.
    Show(String),
    /// Show a help window.
    Help(HelpTopic),
}

/// Help windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpTopic {
    /// About the app and the thesis.
    About,
    /// Keyboard shortcuts.
    Shortcuts,
}

/// An action waiting for an answer about unsaved changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// New scenario.
    New,
    /// Open a file (`None`: ask with a dialog after the answer).
    Open(Option<PathBuf>),
    /// Close the app.
    Quit,
}

/// Where a screenshot requested from the command line stands.
#[derive(Default)]
pub struct ScreenshotJob {
    /// Output PNG.
    pub path: PathBuf,
    /// Frames drawn since the results completed.
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

/// The AOV Lab application.
pub struct AovApp {
    /// The scenario being edited.
    pub doc: Document,
    /// Editor state.
    pub editor: Editor,
    dashboard: Dashboard,
    run: Option<RunHandle>,
    /// Results of the latest run.
    pub results: Option<Results>,
    /// Preferences.
    pub prefs: Prefs,
    /// Action waiting on the unsaved-changes prompt.
    pub pending: Option<Pending>,
    /// The last message for the user (error or confirmation).
    pub message: Option<(String, bool)>,
    help: Option<HelpTopic>,
    allow_close: bool,
    screenshot: Option<ScreenshotJob>,
    run_on_start: bool,
    png_export: Arc<Mutex<Option<String>>>,
    title: String,
    /// Print timings to stderr (`AOVLAB_TIMING=1`), for docs/performance.md.
    timing: bool,
    launched: Option<Instant>,
    /// Timings to print at the start of the next frame, which begins once this
    /// frame has been painted: (what, since when).
    painted: Vec<(&'static str, Instant)>,
    /// Layout passes so far (a frame may take two); 0 before the first frame.
    frames: u64,
}

impl AovApp {
    /// An app editing `doc`; it runs the scenario on its first frame.
    pub fn new(doc: Document, prefs: Prefs) -> Self {
        Self {
            doc,
            editor: Editor::default(),
            dashboard: Dashboard::default(),
            run: None,
            results: None,
            prefs,
            pending: None,
            message: None,
            help: None,
            allow_close: false,
            screenshot: None,
            run_on_start: true,
            png_export: Arc::new(Mutex::new(None)),
            title: String::new(),
            timing: std::env::var_os("AOVLAB_TIMING").is_some(),
            launched: None,
            painted: Vec::new(),
            frames: 0,
        }
    }

    /// Records when the process started, to report the time to the first frame.
    pub fn launched_at(mut self, t: Instant) -> Self {
        self.launched = Some(t);
        self
    }

    /// Takes a screenshot once the first results are complete, then closes.
    pub fn with_screenshot(mut self, job: ScreenshotJob) -> Self {
        self.screenshot = Some(job);
        self
    }

    /// Whether a run is in progress.
    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// Whether the shown results were computed from a different scenario.
    pub fn results_stale(&self) -> bool {
        self.results.as_ref().is_some_and(|r| r.spec() != &self.doc.spec)
    }

    /// Lays out one frame and applies what the user asked for.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        for (what, since) in self.painted.drain(..) {
            eprintln!("timing: {what} painted {} ms (the next frame starts)", since.elapsed().as_millis());
        }
        if let Some(t) = self.launched.take()
            && self.timing
        {
            eprintln!("timing: first frame starts {} ms after start", t.elapsed().as_millis());
            self.painted.push(("first frame", t));
        }
        ctx.set_theme(if self.prefs.dark { egui::Theme::Dark } else { egui::Theme::Light });
        self.poll_worker();
        let mut commands = Vec::new();
        if std::mem::take(&mut self.run_on_start) {
            commands.push(Command::Run);
        }
        self.shortcuts(&ctx, &mut commands);
        self.dropped_files(&ctx, &mut commands);
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.doc.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.pending = Some(Pending::Quit);
        }
        if let Some(m) = self.png_export.lock().ok().and_then(|mut g| g.take()) {
            self.message = Some((m.clone(), m.starts_with("Could not")));
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui, &mut commands));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        // Widgets change the scenario only in response to input; frames without any
        // (repaints while a run progresses) skip the snapshot used for undo.
        let input = ctx.input(|i| !i.events.is_empty() || i.pointer.any_down() || i.pointer.any_released());
        egui::Panel::left("editor").resizable(true).default_size(520.0).min_size(360.0).show(ui, |ui| {
            let before = input.then(|| self.doc.spec.clone());
            let (spec, problems) = self.doc.parts();
            self.editor.ui(ui, spec, problems);
            if let Some(before) = before
                && self.doc.spec != before
            {
                self.doc.record_edit(before);
            }
        });
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui, &mut commands));
        self.dialogs(&ctx, &mut commands);

        for c in commands {
            self.apply(&ctx, c);
        }
        self.update_title(&ctx);
        self.screenshot_step(&ctx);
        self.frames += 1;
    }

    fn poll_worker(&mut self) {
        let Some(run) = &mut self.run else { return };
        let mut finished = false;
        let mut arrived = Vec::new();
        let started = run.started;
        for m in run.drain() {
            match m {
                Message::Replication(r) => arrived.push(r),
                Message::Done { elapsed, threads } => {
                    if let Some(res) = &mut self.results {
                        if res.reps.is_empty() && self.timing {
                            first_replication_shown(&mut self.painted, started);
                        }
                        res.add(std::mem::take(&mut arrived));
                    }
                    if let Some(res) = &mut self.results {
                        res.finish(elapsed, threads);
                    }
                    finished = true;
                }
                Message::Cancelled => {
                    self.message = Some(("Run cancelled; the results shown are partial.".into(), false));
                    finished = true;
                }
                Message::Failed(e) => {
                    self.message = Some((format!("The run failed: {e}"), true));
                    finished = true;
                }
            }
        }
        if let Some(res) = &mut self.results
            && !arrived.is_empty()
        {
            if res.reps.is_empty() && self.timing {
                first_replication_shown(&mut self.painted, started);
            }
            res.add(arrived);
        }
        if finished {
            if self.timing {
                eprintln!(
                    "timing: the frame showing the whole run starts {} ms after Run",
                    started.elapsed().as_millis()
                );
                self.painted.push(("the whole run", started));
            }
            self.run = None;
        }
    }

    fn shortcuts(&self, ctx: &egui::Context, out: &mut Vec<Command>) {
        let cmd = Modifiers::COMMAND;
        let shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let table = [
            (KeyboardShortcut::new(shift, Key::Z), Command::Redo),
            (KeyboardShortcut::new(shift, Key::S), Command::SaveAs),
            (KeyboardShortcut::new(cmd, Key::Z), Command::Undo),
            (KeyboardShortcut::new(cmd, Key::Y), Command::Redo),
            (KeyboardShortcut::new(cmd, Key::S), Command::Save),
            (KeyboardShortcut::new(cmd, Key::O), Command::Open(None)),
            (KeyboardShortcut::new(cmd, Key::N), Command::New),
            (KeyboardShortcut::new(cmd, Key::R), Command::Run),
            (KeyboardShortcut::new(Modifiers::NONE, Key::F5), Command::Run),
        ];
        ctx.input_mut(|i| {
            for (k, c) in table {
                if i.consume_shortcut(&k) {
                    out.push(c);
                }
            }
            if self.run.is_some() && i.consume_key(Modifiers::NONE, Key::Escape) {
                out.push(Command::Cancel);
            }
        });
    }

    fn dropped_files(&self, ctx: &egui::Context, out: &mut Vec<Command>) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            out.push(Command::Open(Some(p)));
        }
    }

    fn menu_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("New (article scenario)          Ctrl+N").clicked() {
                    out.push(Command::New);
                }
                if ui.button("Open…                                 Ctrl+O").clicked() {
                    out.push(Command::Open(None));
                }
                ui.menu_button("Open Recent", |ui| {
                    if self.prefs.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for p in self.prefs.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            out.push(Command::Open(Some(p)));
                        }
                    }
                });
                ui.separator();
                if ui.button("Save                                   Ctrl+S").clicked() {
                    out.push(Command::Save);
                }
                if ui.button("Save As…                  Ctrl+Shift+S").clicked() {
                    out.push(Command::SaveAs);
                }
                ui.menu_button("Export", |ui| {
                    let has = self.results.as_ref().is_some_and(|r| r.report.is_some());
                    if ui.add_enabled(has, egui::Button::new("Results as JSON…")).clicked() {
                        out.push(Command::ExportJson);
                    }
                    if ui.add_enabled(has, egui::Button::new("Replications as CSV…")).clicked() {
                        out.push(Command::ExportCsv);
                    }
                    if ui.button("Window as PNG…").clicked() {
                        out.push(Command::ExportPng);
                    }
                });
                ui.separator();
                if ui.button("Quit").clicked() {
                    out.push(Command::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                if ui.add_enabled(self.doc.can_undo(), egui::Button::new("Undo         Ctrl+Z")).clicked() {
                    out.push(Command::Undo);
                }
                if ui
                    .add_enabled(self.doc.can_redo(), egui::Button::new("Redo         Ctrl+Shift+Z / Ctrl+Y"))
                    .clicked()
                {
                    out.push(Command::Redo);
                }
            });
            ui.menu_button("Run", |ui| {
                if ui
                    .add_enabled(self.doc.scenario().is_some(), egui::Button::new("Run              F5 / Ctrl+R"))
                    .clicked()
                {
                    out.push(Command::Run);
                }
                if ui.add_enabled(self.run.is_some(), egui::Button::new("Cancel           Esc")).clicked() {
                    out.push(Command::Cancel);
                }
            });
            ui.menu_button("View", |ui| {
                if ui.radio(!self.prefs.dark, "Light theme").clicked() {
                    out.push(Command::Dark(false));
                }
                if ui.radio(self.prefs.dark, "Dark theme").clicked() {
                    out.push(Command::Dark(true));
                }
                ui.separator();
                for p in Page::ALL {
                    if ui.button(format!("Edit {}", p.label())).clicked() {
                        self.editor.page = p;
                    }
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("About AOV Lab").clicked() {
                    out.push(Command::Help(HelpTopic::About));
                }
                if ui.button("Keyboard shortcuts").clicked() {
                    out.push(Command::Help(HelpTopic::Shortcuts));
                }
            });
        });
    }

    fn status_ui(&self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let dirty = if self.doc.is_dirty() { " *" } else { "" };
            ui.label(RichText::new(format!("{}{dirty}", self.doc.title())).strong())
                .on_hover_text(if self.doc.is_dirty() { "Unsaved changes" } else { "Saved" });
            ui.separator();
            ui.label(format!("seed {}", self.doc.spec.store.seed));
            ui.separator();
            match &self.results {
                Some(r) if r.complete => {
                    let secs = r.elapsed.map_or(0.0, |d| d.as_secs_f64());
                    ui.label(format!(
                        "last run: {secs:.2} s, {} × {} visitors",
                        r.reps.len(),
                        crate::format::money(r.scenario.visitors() as f64, "", 0).trim()
                    ));
                }
                Some(r) => {
                    ui.label(format!("running: {} / {} replications", r.reps.len(), r.total()));
                }
                None => {
                    ui.label("not run yet");
                }
            }
            if self.results_stale() {
                ui.separator();
                ui.label(RichText::new("results stale").color(ui.visuals().warn_fg_color));
            }
        });
    }

    fn central_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let problems = self.doc.problems().all();
            let valid = problems.is_empty();
            let run =
                ui.add_enabled(valid && self.run.is_none(), egui::Button::new(RichText::new("Run scenario").strong()));
            let run = if valid {
                run.on_hover_text("Run the scenario (F5)")
            } else {
                run.on_disabled_hover_text(format!("Fix {} problem(s) in the scenario first", problems.len()))
            };
            if run.clicked() {
                out.push(Command::Run);
            }
            if !valid {
                let first = &problems[0];
                ui.label(
                    RichText::new(format!("Run disabled: {} problem(s). {first}", problems.len()))
                        .color(ui.visuals().error_fg_color),
                );
                if ui.small_button("Show").clicked() {
                    out.push(Command::Show(first.path.clone()));
                }
            }
            if let (Some(run), Some(res)) = (&self.run, &self.results) {
                let done = res.reps.len() as f32;
                let total = res.total().max(1) as f32;
                let elapsed = run.started.elapsed().as_secs_f32();
                let eta = if done > 0.0 { elapsed * (total - done) / done } else { f32::NAN };
                ui.add(egui::ProgressBar::new(done / total).desired_width(220.0).text(format!(
                    "{done:.0}/{total:.0} · ETA {}",
                    if eta.is_finite() { format!("{eta:.1} s") } else { "…".into() }
                )));
                if ui.button("Cancel").clicked() {
                    out.push(Command::Cancel);
                }
            }
        });
        if let Some((m, is_error)) = &self.message {
            let color = if *is_error { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
            let mut close = false;
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(if *is_error { "Problem" } else { "Done" }).strong().color(color));
                    close = ui.small_button("Dismiss").clicked();
                });
                // A label on its own line wraps, so long messages stay readable.
                ui.label(RichText::new(m).color(color));
            });
            if close {
                self.message = None;
            }
        }
        if self.results_stale() {
            ui.label(
                RichText::new("Results are stale: the scenario changed since this run. Run again (F5) to update them.")
                    .color(ui.visuals().warn_fg_color),
            );
        }
        ui.separator();
        egui::ScrollArea::vertical().id_salt("dashboard").auto_shrink([false, false]).show(ui, |ui| {
            match &self.results {
                Some(res) => self.dashboard.ui(ui, res),
                None => {
                    ui.label("Press Run (F5) to simulate the scenario.");
                }
            }
        });
    }

    fn dialogs(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        if let Some(p) = self.pending.clone() {
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label(format!("{} has changes that are not saved.", self.doc.title()));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        answer = Some(0);
                    }
                    if ui.button("Don't save").clicked() {
                        answer = Some(1);
                    }
                    if ui.button("Cancel").clicked() {
                        answer = Some(2);
                    }
                });
            });
            match answer {
                Some(0) if self.save(None) => {
                    self.pending = None;
                    self.proceed(ctx, p);
                }
                Some(0) => {}
                Some(1) => {
                    self.pending = None;
                    self.proceed(ctx, p);
                }
                Some(_) => self.pending = None,
                None => {}
            }
        }
        if let Some(topic) = self.help {
            let mut open = true;
            egui::Window::new(match topic {
                HelpTopic::About => "About AOV Lab",
                HelpTopic::Shortcuts => "Keyboard shortcuts",
            })
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| match topic {
                HelpTopic::About => {
                    ui.label(format!("AOV Lab {}", env!("CARGO_PKG_VERSION")));
                    ui.label(
                        "Monte Carlo shopper simulations comparing conversion-optimized and AOV-optimized \
                         personalization on the same simulated traffic (common random numbers). Every number \
                         is a model output for the scenario's assumptions, with the spread across replications.",
                    );
                    ui.label("Scenario format: docs/scenario-format.md. Shopper model: MODEL.md.");
                }
                HelpTopic::Shortcuts => {
                    egui::Grid::new("keys").show(ui, |ui| {
                        for (k, what) in [
                            ("Ctrl+N", "New scenario"),
                            ("Ctrl+O", "Open"),
                            ("Ctrl+S", "Save"),
                            ("Ctrl+Shift+S", "Save as"),
                            ("Ctrl+Z", "Undo"),
                            ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
                            ("F5, Ctrl+R", "Run"),
                            ("Esc", "Cancel the run"),
                        ] {
                            ui.label(RichText::new(k).monospace());
                            ui.label(what);
                            ui.end_row();
                        }
                    });
                }
            });
            if !open {
                self.help = None;
            }
        }
        let _ = out;
    }

    /// Applies one command.
    pub fn apply(&mut self, ctx: &egui::Context, c: Command) {
        match c {
            Command::New => self.guard(ctx, Pending::New),
            Command::Open(p) => self.guard(ctx, Pending::Open(p)),
            Command::Quit => {
                if self.doc.is_dirty() {
                    self.pending = Some(Pending::Quit);
                } else {
                    self.proceed(ctx, Pending::Quit);
                }
            }
            Command::Save => {
                self.save(self.doc.path.clone());
            }
            Command::SaveAs => {
                self.save(None);
            }
            Command::ExportJson => self.export_json(),
            Command::ExportCsv => self.export_csv(),
            Command::ExportPng => self.export_png(ctx),
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
            Command::Show(path) => self.editor.page = Page::of_path(&path),
            Command::Help(t) => self.help = Some(t),
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
                self.message = None;
                self.start_run(ctx);
            }
            Pending::Open(path) => {
                let path = match path {
                    Some(p) => Some(p),
                    None => rfd::FileDialog::new().add_filter("AOV Lab scenario", &["toml"]).pick_file(),
                };
                if let Some(p) = path {
                    self.open(ctx, p);
                }
            }
            Pending::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Opens `path`; on failure the current scenario stays and the error is shown.
    pub fn open(&mut self, ctx: &egui::Context, path: PathBuf) {
        match Document::open(path.clone()) {
            Ok(doc) => {
                self.doc = doc;
                self.prefs.remember(&path);
                self.message = Some((format!("Opened {}", path.display()), false));
                self.results = None;
                self.start_run(ctx);
            }
            Err(e) => {
                self.message = Some((format!("Failed to load the file; the scenario is unchanged.\n{e}"), true));
            }
        }
    }

    /// Saves to `path` (or asks for one); true when saved.
    pub fn save(&mut self, path: Option<PathBuf>) -> bool {
        let path = match path.or_else(|| self.doc.path.clone()) {
            Some(p) => Some(p),
            None => rfd::FileDialog::new()
                .add_filter("AOV Lab scenario", &["toml"])
                .set_file_name("scenario.toml")
                .save_file(),
        };
        let Some(path) = path else { return false };
        match self.doc.save_as(path.clone()) {
            Ok(()) => {
                self.prefs.remember(&path);
                self.message = Some((format!("Saved {}", path.display()), false));
                true
            }
            Err(e) => {
                self.message =
                    Some((format!("Could not save {}: {e}. The previous file is unchanged.", path.display()), true));
                false
            }
        }
    }

    fn export_json(&mut self) {
        let Some(report) = self.results.as_ref().and_then(|r| r.report.as_ref()) else { return };
        let Some(path) = rfd::FileDialog::new().add_filter("JSON", &["json"]).set_file_name("results.json").save_file()
        else {
            return;
        };
        let text = export::report_json(report).map_err(|e| e.to_string());
        self.message = Some(match text.and_then(|t| scenario_file::save_text(&path, &t).map_err(|e| e.to_string())) {
            Ok(()) => (format!("Exported {}", path.display()), false),
            Err(e) => (format!("Could not export {}: {e}", path.display()), true),
        });
    }

    fn export_csv(&mut self) {
        let Some(res) = &self.results else { return };
        let Some(path) =
            rfd::FileDialog::new().add_filter("CSV", &["csv"]).set_file_name("replications.csv").save_file()
        else {
            return;
        };
        let mut buf = Vec::new();
        let r = export::write_replications_csv(&mut buf, &res.scenario, &res.reps)
            .map_err(|e| e.to_string())
            .and_then(|()| scenario_file::save_text(&path, &String::from_utf8_lossy(&buf)).map_err(|e| e.to_string()));
        self.message = Some(match r {
            Ok(()) => (format!("Exported {}", path.display()), false),
            Err(e) => (format!("Could not export {}: {e}", path.display()), true),
        });
    }

    fn export_png(&mut self, ctx: &egui::Context) {
        let Some(path) =
            rfd::FileDialog::new().add_filter("PNG image", &["png"]).set_file_name("aovlab.png").save_file()
        else {
            return;
        };
        let slot = Arc::clone(&self.png_export);
        let repaint = ctx.clone();
        ctx.request_screenshot(move |img| {
            let msg = match super::save_png(&path, &img) {
                Ok(()) => format!("Exported {}", path.display()),
                Err(e) => format!("Could not export {}: {e}", path.display()),
            };
            if let Ok(mut g) = slot.lock() {
                *g = Some(msg);
            }
            repaint.request_repaint();
        });
    }

    /// Starts a run of the current scenario (cancelling one in progress).
    pub fn start_run(&mut self, ctx: &egui::Context) {
        let Some(sc) = self.doc.scenario() else {
            self.message = Some(("The scenario has problems; fix them before running.".into(), true));
            return;
        };
        if let Some(r) = self.run.take() {
            r.cancel();
        }
        self.results = Some(Results::new(sc.clone()));
        let repaint = ctx.clone();
        let mut run = RunHandle::start(sc, move || repaint.request_repaint());
        // Give the engine a head start within this frame: its first replication
        // usually arrives within a few milliseconds, and laying this frame out again
        // then shows it now, instead of one painted frame later (40-90 ms where the
        // drawing is done on the CPU). Not for the run at start-up: there the first
        // frame is the costliest to draw, and the window should appear first.
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

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.screenshot else { return };
        let started = *job.started.get_or_insert_with(Instant::now);
        if let Some(outcome) = job.outcome.lock().ok().and_then(|g| g.clone()) {
            let _ = outcome;
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if started.elapsed().as_secs() > 120 {
            if let Ok(mut g) = job.outcome.lock() {
                *g = Some(Err("no complete results within 120 s".into()));
            }
            return;
        }
        let complete = self.results.as_ref().is_some_and(|r| r.complete) && self.run.is_none();
        // With AOVLAB_TIMING the first (cold) run is followed by a second one, so that
        // the steady-state latency of pressing Run is measured too.
        if complete && self.timing && !job.rerun {
            job.rerun = true;
            self.start_run(ctx);
            ctx.request_repaint();
            return;
        }
        if complete && !job.requested {
            job.frames += 1;
            if job.frames >= 3 {
                job.requested = true;
                let slot = Arc::clone(&job.outcome);
                let path = job.path.clone();
                let repaint = ctx.clone();
                ctx.request_screenshot(move |img| {
                    let r = super::save_png(&path, &img).map_err(|e| e.to_string());
                    if let Ok(mut g) = slot.lock() {
                        *g = Some(r);
                    }
                    repaint.request_repaint();
                });
            }
        }
        // While a run is in progress its worker wakes the window at a bounded rate, as
        // for a person watching it; only a frame whose painting is being timed is
        // followed at once by another (whose start marks the end of the painting).
        if self.run.is_none() || !self.painted.is_empty() {
            ctx.request_repaint();
        }
    }
}

/// How long pressing Run waits for the first replication before the frame goes on.
const FIRST_RESULT_WAIT: std::time::Duration = std::time::Duration::from_millis(20);

/// With `AOVLAB_TIMING`: the frame being laid out is the first to show a replication.
fn first_replication_shown(painted: &mut Vec<(&'static str, Instant)>, started: Instant) {
    eprintln!("timing: the frame showing the first replication starts {} ms after Run", started.elapsed().as_millis());
    painted.push(("the first replication", started));
}
