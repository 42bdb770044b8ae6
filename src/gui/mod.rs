//! The desktop app (eframe + egui + egui_plot). It edits a document through commands,
//! runs the engine on a worker thread and shows the results. It knows the engine,
//! the report and the file layer; nothing below it knows the app.

pub mod analysis;
mod app;
pub mod commands;
mod dashboard;
mod dialogs;
mod document;
mod editor;
mod help;
mod notice;
mod present_view;
mod recovery;
mod run_view;
mod shell;
mod worker;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use app::{AovApp, Pending, Prefs, Saved};
pub use commands::{Command, HelpTopic};
pub use dialogs::FileTask;
pub use document::{Document, LARGE_CATALOG};
pub use editor::{Editor, Page, SortBy};
pub use notice::{Level, Notice};
pub use recovery::{Meta, Recovery};
pub use run_view::{RunState, RunView};
pub use shell::ScreenshotJob;

/// How to open the app (the command line's `aovlab gui` options).
#[derive(Debug, Clone)]
pub struct Options {
    /// Scenario file to open; the embedded article scenario when `None`.
    pub file: Option<PathBuf>,
    /// Run, wait for complete results, save a PNG of the window here, exit.
    pub screenshot: Option<PathBuf>,
    /// Window size in logical points.
    pub size: (f32, f32),
    /// `Some(true)` dark, `Some(false)` light, `None` the saved preference.
    pub dark: Option<bool>,
    /// Editor page to show.
    pub page: Page,
    /// Tab of the central area to show.
    pub view: analysis::View,
    /// Use wgpu instead of glow.
    pub wgpu: Option<bool>,
    /// Zoom factor for this session.
    pub zoom: Option<f32>,
    /// Open in presentation mode at this slide (1: the summary).
    pub present: Option<usize>,
    /// A scenario to compare with (opens the Compare tab).
    pub compare: Option<PathBuf>,
    /// Open the Import tab on this CSV.
    pub import: Option<PathBuf>,
    /// Open the Holdout plan tab and learn from this test-results CSV.
    pub learn: Option<PathBuf>,
}

/// A combo box with an accessible name (screen readers and egui_kittest read it);
/// returns what `add` returned when the list was open.
pub(crate) fn combo<R>(
    ui: &mut egui::Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    name: &str,
    width: Option<f32>,
    selected: impl Into<egui::WidgetText>,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> Option<R> {
    let mut c = egui::ComboBox::from_id_salt(id).selected_text(selected);
    if let Some(w) = width {
        c = c.width(w);
    }
    let r = c.show_ui(ui, add);
    let enabled = r.response.enabled();
    r.response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::ComboBox, enabled, name));
    r.inner
}

/// Writes a screenshot as PNG (atomically).
pub fn save_png(path: &Path, img: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = img.size;
    let bytes: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buf = image::RgbaImage::from_raw(w as u32, h as u32, bytes).ok_or("screenshot has the wrong size")?;
    let mut png = Vec::new();
    buf.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).map_err(|e| e.to_string())?;
    crate::io::files::write_atomic(path, &png).map_err(|e| crate::io::files::io_text(&e))
}

/// Why the app could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The scenario file given for a scripted screenshot could not be used.
    #[error("{0}")]
    Scenario(#[from] crate::io::ScenarioError),
    /// The window or the screenshot failed.
    #[error("{0}")]
    Window(String),
}

/// Opens the app (and, with a screenshot, saves a PNG and exits).
pub fn run_app(opts: &Options) -> Result<(), AppError> {
    let launched = Instant::now();
    let screenshot_mode = opts.screenshot.is_some();
    // A file that fails to load: a scripted screenshot fails; an interactive session
    // opens on the article scenario and shows the error in the window.
    let (doc, load_error) = match &opts.file {
        Some(p) => match Document::open(p.clone()) {
            Ok(d) => (d, None),
            Err(e) if screenshot_mode => return Err(e.into()),
            Err(e) => {
                (Document::article(), Some(format!("Failed to load the file; showing the article scenario.\n{e}")))
            }
        },
        None => (Document::article(), None),
    };
    let opened = opts.file.clone().filter(|_| load_error.is_none());
    let job = opts.screenshot.clone().map(ScreenshotJob::new);
    let outcome = job.as_ref().map(|j| std::sync::Arc::clone(&j.outcome));
    // A scripted screenshot starts from a clean slate: no saved window size, panel
    // widths, preferences or recovery copies are read or written.
    let scratch = if screenshot_mode {
        Some(tempfile::tempdir().map_err(|e| AppError::Window(format!("temporary folder: {e}")))?)
    } else {
        None
    };
    let options = |renderer| eframe::NativeOptions {
        persistence_path: scratch.as_ref().map(|d| d.path().join("app.ron")),
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(opts.size)
            .with_title("AOV Lab")
            .with_app_id("aovlab")
            .with_icon(std::sync::Arc::new(icon()))
            .with_clamp_size_to_monitor_size(!screenshot_mode),
        persist_window: !screenshot_mode,
        renderer,
        ..Default::default()
    };
    let parts = std::cell::RefCell::new(Some((doc, load_error, job)));
    let creator = || -> eframe::AppCreator<'_> {
        Box::new(|cc| {
            let (doc, load_error, job) = parts.borrow_mut().take().ok_or("the app was already built")?;
            let mut prefs: Prefs = if screenshot_mode {
                Prefs::default()
            } else {
                cc.storage.and_then(|s| eframe::get_value(s, "prefs")).unwrap_or_default()
            };
            if let Some(d) = opts.dark {
                prefs.dark = d;
            }
            if let Some(z) = opts.zoom {
                prefs.zoom = z;
            }
            if let Some(p) = &opened {
                prefs.remember(p);
            }
            let mut app = AovApp::new(doc, prefs);
            if !screenshot_mode && let Some(dir) = Recovery::default_dir() {
                app = app.with_recovery(dir);
            }
            if screenshot_mode {
                app.run_at_start();
            }
            app.editor.page = opts.page;
            app.view = opts.view;
            if let Some(p) = &opts.compare {
                app.analyses.compare.load(p.clone());
                app.view = analysis::View::Compare;
            }
            if let Some(p) = &opts.import {
                app.analyses.import.load(p.clone(), None);
                app.view = analysis::View::Import;
            }
            if let Some(p) = &opts.learn {
                app.analyses.plan.learn.queued = Some(p.clone());
                app.view = analysis::View::Plan;
            }
            if let Some(slide) = opts.present {
                app.presenting = true;
                app.presenter.slide = slide.saturating_sub(1);
            }
            app.notice = load_error.map(Notice::error);
            let timing = std::env::var_os("AOVLAB_TIMING").map(|_| shell::Timing::new(launched));
            Ok(Box::new(EframeApp { app, persist: !screenshot_mode, job, timing }))
        })
    };
    let wanted = if opts.wgpu == Some(true) { wgpu_renderer()? } else { eframe::Renderer::Glow };
    let mut result = eframe::run_native("AOV Lab", options(wanted), creator());
    if let Err(e) = &result
        && opts.wgpu.is_none()
        && parts.borrow().is_some()
        && let Ok(fallback) = wgpu_renderer()
    {
        eprintln!("The OpenGL (glow) renderer could not start ({e}); trying wgpu.");
        result = eframe::run_native("AOV Lab", options(fallback), creator());
    }
    result.map_err(|e| AppError::Window(format!("the window could not be opened: {e}")))?;
    if let Some(outcome) = outcome {
        match outcome.lock().ok().and_then(|g| g.clone()) {
            Some(Ok(())) => {}
            Some(Err(e)) => return Err(AppError::Window(format!("screenshot failed: {e}"))),
            None => return Err(AppError::Window("the window closed before the screenshot was taken".into())),
        }
    }
    Ok(())
}

/// The wgpu renderer, where this build has it (the `wgpu` feature: release packages).
fn wgpu_renderer() -> Result<eframe::Renderer, AppError> {
    #[cfg(feature = "wgpu")]
    return Ok(eframe::Renderer::Wgpu);
    #[cfg(not(feature = "wgpu"))]
    Err(AppError::Window(
        "this build has no wgpu renderer (built without the `wgpu` feature; release packages have it): \
         use --renderer glow"
            .into(),
    ))
}

/// The window icon (assets/icon.png, embedded).
fn icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).unwrap_or_default()
}

struct EframeApp {
    app: AovApp,
    persist: bool,
    job: Option<ScreenshotJob>,
    timing: Option<shell::Timing>,
}

impl eframe::App for EframeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Some(t) = &mut self.timing {
            t.frame_start();
        }
        self.app.ui(ui);
        if let Some(t) = &mut self.timing {
            t.observe(&self.app);
        }
        let ctx = ui.ctx().clone();
        if let Some(job) = &mut self.job
            && shell::screenshot_step(job, &mut self.app, &ctx, self.timing.as_ref())
        {
            self.app.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        // A scripted screenshot ignores the pointer, so the picture does not depend on
        // where it happens to be (under Xvfb it sits mid-screen, over a chart).
        if self.job.is_some() {
            raw_input.events.retain(|e| {
                !matches!(
                    e,
                    egui::Event::PointerMoved(_)
                        | egui::Event::MouseMoved(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::MouseWheel { .. }
                )
            });
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.persist {
            eframe::set_value(storage, "prefs", &self.app.prefs);
        }
    }
}
