//! The desktop app (eframe + egui + egui_plot). It edits a copy of the scenario,
//! runs the engine on a worker thread and shows the results.

mod app;
mod charts;
mod dashboard;
mod document;
mod editor;
mod help;
mod results;
mod widgets;
mod worker;

use std::path::{Path, PathBuf};

pub use app::{AovApp, Command, Pending, Prefs, ScreenshotJob};
pub use document::Document;
pub use editor::Page;
pub use results::Results;

use crate::cli::Failure;

/// Arguments of `aovlab gui`. There is no `Default`: a derived one would open a 0 x 0
/// window; [`GuiArgs::plain`] gives the command line's defaults.
#[derive(Debug, clap::Args)]
pub struct GuiArgs {
    /// Scenario file to open; the embedded article scenario when omitted.
    pub file: Option<PathBuf>,
    /// Run, wait for the first complete results, save a PNG of the window here, exit.
    #[arg(long, value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// Window size as WIDTHxHEIGHT (logical points).
    #[arg(long, default_value = "1600x1000", value_parser = parse_size)]
    pub size: (f32, f32),
    /// Theme for this session: light or dark (default: the saved preference).
    #[arg(long, value_parser = ["light", "dark"])]
    pub theme: Option<String>,
    /// Editor page to show: store, catalog, segments, tiers, strategies.
    #[arg(long, value_parser = ["store", "catalog", "segments", "tiers", "strategies"])]
    pub page: Option<String>,
    /// Renderer: glow (OpenGL; the default, and much faster where the GPU is
    /// emulated in software) or wgpu (Vulkan, Metal, DirectX or OpenGL). When the
    /// default cannot start, the app falls back to wgpu.
    #[arg(long, value_parser = ["glow", "wgpu"])]
    pub renderer: Option<String>,
}

impl GuiArgs {
    /// The arguments of a plain `aovlab gui` (what `aovlab` with no command opens).
    pub fn plain() -> Result<Self, clap::Error> {
        use clap::{Args, FromArgMatches};
        let matches = Self::augment_args(clap::Command::new("gui")).try_get_matches_from(["gui"])?;
        Self::from_arg_matches(&matches)
    }
}

fn parse_size(s: &str) -> Result<(f32, f32), String> {
    let (w, h) = s.split_once('x').ok_or("expected WIDTHxHEIGHT, e.g. 1600x1000")?;
    let w: f32 = w.trim().parse().map_err(|_| format!("bad width `{w}`"))?;
    let h: f32 = h.trim().parse().map_err(|_| format!("bad height `{h}`"))?;
    if (320.0..=8000.0).contains(&w) && (240.0..=8000.0).contains(&h) {
        Ok((w, h))
    } else {
        Err("width must be 320-8000 and height 240-8000".into())
    }
}

/// Writes a screenshot as PNG.
pub fn save_png(path: &Path, img: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = img.size;
    let bytes: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buf = image::RgbaImage::from_raw(w as u32, h as u32, bytes).ok_or("screenshot has the wrong size")?;
    let mut png = Vec::new();
    buf.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).map_err(|e| e.to_string())?;
    crate::io::files::write_atomic(path, &png).map_err(|e| e.to_string())
}

/// Opens the app (and, with `--screenshot`, saves a PNG and exits).
pub fn run_app(args: &GuiArgs) -> Result<(), Failure> {
    let launched = std::time::Instant::now();
    // A file that fails to load: a scripted screenshot fails (exit 2); an interactive
    // session opens on the article scenario and shows the error in the window.
    let (doc, load_error) = match &args.file {
        Some(p) => match Document::open(p.clone()) {
            Ok(d) => (d, None),
            Err(e) if args.screenshot.is_some() => return Err(e.into()),
            Err(e) => {
                (Document::article(), Some(format!("Failed to load the file; showing the article scenario.\n{e}")))
            }
        },
        None => (Document::article(), None),
    };
    let page = match args.page.as_deref() {
        Some("catalog") => Page::Catalog,
        Some("segments") => Page::Segments,
        Some("tiers") => Page::Tiers,
        Some("strategies") => Page::Strategies,
        _ => Page::Store,
    };
    let job = args.screenshot.clone().map(ScreenshotJob::new);
    let outcome = job.as_ref().map(|j| std::sync::Arc::clone(&j.outcome));
    let theme = args.theme.clone();
    let screenshot_mode = job.is_some();
    // A scripted screenshot starts from a clean slate: no saved window size, panel
    // widths or preferences are read or written (they live in a throwaway folder).
    let scratch = if screenshot_mode {
        Some(tempfile::tempdir().map_err(|e| Failure::Internal(anyhow::anyhow!("temporary folder: {e}")))?)
    } else {
        None
    };
    let options = |renderer| eframe::NativeOptions {
        persistence_path: scratch.as_ref().map(|d| d.path().join("app.ron")),
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(args.size)
            .with_title("AOV Lab")
            .with_clamp_size_to_monitor_size(!screenshot_mode),
        // A scripted screenshot must not reuse (or overwrite) the user's saved window size.
        persist_window: !screenshot_mode,
        renderer,
        ..Default::default()
    };
    // What the app is built from, taken by the renderer that starts: a renderer that
    // fails before building the app leaves it for the fallback.
    let parts = std::cell::RefCell::new(Some((doc, load_error, job)));
    let creator = || -> eframe::AppCreator<'_> {
        let theme = theme.clone();
        Box::new(|cc| {
            let (doc, load_error, job) = parts.borrow_mut().take().ok_or("the app was already built")?;
            let mut prefs: Prefs = if screenshot_mode {
                Prefs::default()
            } else {
                cc.storage.and_then(|s| eframe::get_value(s, "prefs")).unwrap_or_default()
            };
            if let Some(t) = theme {
                prefs.dark = t == "dark";
            }
            let mut app = AovApp::new(doc, prefs).launched_at(launched);
            app.editor.page = page;
            app.message = load_error.map(|m| (m, true));
            if let Some(job) = job {
                app = app.with_screenshot(job);
            }
            Ok(Box::new(EframeApp { app, persist: !screenshot_mode, scripted: screenshot_mode }))
        })
    };
    let wanted = if args.renderer.as_deref() == Some("wgpu") { eframe::Renderer::Wgpu } else { eframe::Renderer::Glow };
    let mut result = eframe::run_native("AOV Lab", options(wanted), creator());
    if let Err(e) = &result
        && args.renderer.is_none()
        && parts.borrow().is_some()
    {
        eprintln!("The OpenGL (glow) renderer could not start ({e}); trying wgpu.");
        result = eframe::run_native("AOV Lab", options(eframe::Renderer::Wgpu), creator());
    }
    result.map_err(|e| Failure::Internal(anyhow::anyhow!("the window could not be opened: {e}")))?;
    if let Some(outcome) = outcome {
        match outcome.lock().ok().and_then(|g| g.clone()) {
            Some(Ok(())) => {}
            Some(Err(e)) => return Err(Failure::Internal(anyhow::anyhow!("screenshot failed: {e}"))),
            None => {
                return Err(Failure::Internal(anyhow::anyhow!("the window closed before the screenshot was taken")));
            }
        }
    }
    Ok(())
}

struct EframeApp {
    app: AovApp,
    persist: bool,
    /// A scripted screenshot: pointer input is ignored, so the picture does not depend
    /// on where the pointer happens to be (under Xvfb it sits mid-screen, over a chart,
    /// whose hover label then showed in every screenshot).
    scripted: bool,
}

impl eframe::App for EframeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.app.ui(ui);
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.scripted {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `aovlab` with no command opens the app with the same window size as `aovlab gui`
    /// (it once opened a 0 x 0 window, which X11 refuses).
    #[test]
    fn plain_arguments_are_the_command_lines_defaults() {
        let a = GuiArgs::plain().expect("the defaults parse");
        assert_eq!(a.size, (1600.0, 1000.0));
        assert!(a.file.is_none() && a.screenshot.is_none() && a.renderer.is_none());
    }
}
