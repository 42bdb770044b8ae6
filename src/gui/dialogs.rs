//! File dialogs: the system's own where the desktop has one, and an in-app dialog
//! (egui_file) where it does not (no xdg portal, no zenity), so that Save As, Open and
//! every export always work. rfd answers "no file" both when the user cancels and when
//! no dialog could open; an answer faster than a person can cancel means the latter.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Answers faster than this cannot be a person cancelling: the system dialog did not open.
const NO_DIALOG: Duration = Duration::from_millis(250);

/// What a file is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileTask {
    /// A scenario to open.
    Open,
    /// Where to save the scenario.
    SaveScenario,
    /// Where to write the JSON report.
    ExportJson,
    /// Where to write the per-replication CSV.
    ExportCsv,
    /// Where to write a PNG of the window.
    ExportPng,
    /// Where to write the board report (HTML).
    ExportReport,
    /// Where to write the one-row-per-strategy summary CSV.
    ExportSummary,
    /// A scenario to compare with the current one.
    Compare,
    /// Where to write a chart as PNG.
    ExportChartPng,
    /// Where to write a chart as SVG.
    ExportChartSvg,
    /// A product export to import.
    ImportCatalog,
    /// An order history to calibrate from.
    ImportOrders,
    /// A finished test's results to learn from.
    LearnTest,
}

impl FileTask {
    fn title(self) -> &'static str {
        match self {
            FileTask::Open => "Open a scenario",
            FileTask::SaveScenario => "Save the scenario as",
            FileTask::ExportJson => "Export the results as JSON",
            FileTask::ExportCsv => "Export the replications as CSV",
            FileTask::ExportPng => "Export the window as PNG",
            FileTask::ExportReport => "Export the report (HTML)",
            FileTask::ExportSummary => "Export the summary as CSV",
            FileTask::Compare => "Compare with a scenario",
            FileTask::ExportChartPng => "Save the chart as PNG",
            FileTask::ExportChartSvg => "Save the chart as SVG",
            FileTask::ImportCatalog => "Import a product catalog (CSV)",
            FileTask::ImportOrders => "Calibrate from an order history (CSV)",
            FileTask::LearnTest => "Learn from a holdout test's results (CSV)",
        }
    }

    fn ext(self) -> (&'static str, &'static str) {
        match self {
            FileTask::Open | FileTask::SaveScenario | FileTask::Compare => ("AOV Lab scenario", "toml"),
            FileTask::ExportJson => ("JSON", "json"),
            FileTask::ExportCsv | FileTask::ExportSummary => ("CSV", "csv"),
            FileTask::ExportPng => ("PNG image", "png"),
            FileTask::ExportReport => ("HTML page", "html"),
            FileTask::ExportChartPng => ("PNG image", "png"),
            FileTask::ExportChartSvg => ("SVG image", "svg"),
            FileTask::ImportCatalog | FileTask::ImportOrders | FileTask::LearnTest => ("CSV file", "csv"),
        }
    }

    /// Whether the task reads a CSV (plain or gzip-compressed).
    fn reads_csv(self) -> bool {
        matches!(self, FileTask::ImportCatalog | FileTask::ImportOrders | FileTask::LearnTest)
    }

    fn default_name(self) -> &'static str {
        match self {
            FileTask::Open | FileTask::SaveScenario | FileTask::Compare => "scenario.toml",
            FileTask::ExportJson => "results.json",
            FileTask::ExportCsv => "replications.csv",
            FileTask::ExportPng => "aovlab.png",
            FileTask::ExportReport => "report.html",
            FileTask::ExportSummary => "summary.csv",
            FileTask::ExportChartPng => "chart.png",
            FileTask::ExportChartSvg => "chart.svg",
            FileTask::ImportCatalog => "products.csv",
            FileTask::ImportOrders => "orders.csv",
            FileTask::LearnTest => "test-results.csv",
        }
    }
}

/// The answer to [`FileDialogs::ask`].
#[derive(Debug, PartialEq, Eq)]
pub enum Asked {
    /// The user chose this file.
    Picked(PathBuf),
    /// The user cancelled.
    Cancelled,
    /// The in-app dialog is open; its answer comes from [`FileDialogs::ui`].
    InApp,
}

/// The app's file dialogs.
pub struct FileDialogs {
    /// Try the system's dialog first.
    pub native: bool,
    open: Option<(FileTask, egui_file::FileDialog)>,
    /// The in-app dialog just closed with the pointer still pressed (a double-click
    /// that chose a file): the rest of that click must not reach what lies beneath.
    shield: bool,
}

impl FileDialogs {
    /// Dialogs that try the system's first (`native`), or always the app's own.
    pub fn new(native: bool) -> Self {
        Self { native, open: None, shield: false }
    }

    /// Asks for a file for `task`, starting in `dir`.
    pub fn ask(&mut self, task: FileTask, dir: Option<&Path>) -> Asked {
        if self.native {
            let (what, ext) = task.ext();
            let exts: &[&str] = if task.reads_csv() { &[ext, "gz"] } else { &[ext] };
            let mut d = rfd::FileDialog::new().add_filter(what, exts).set_title(task.title());
            if let Some(dir) = dir {
                d = d.set_directory(dir);
            }
            let asked = Instant::now();
            let picked = match task {
                FileTask::Open
                | FileTask::Compare
                | FileTask::ImportCatalog
                | FileTask::ImportOrders
                | FileTask::LearnTest => d.pick_file(),
                _ => d.set_file_name(task.default_name()).save_file(),
            };
            match picked {
                Some(p) => return Asked::Picked(p),
                None if asked.elapsed() >= NO_DIALOG => return Asked::Cancelled,
                // No system dialog here: use the app's own from now on.
                None => self.native = false,
            }
        }
        let start = dir.map(Path::to_path_buf).or_else(|| std::env::current_dir().ok()).unwrap_or_default();
        let (_, ext) = task.ext();
        let filter: egui_file::Filter<PathBuf> = Box::new(move |p: &Path| {
            p.is_dir() || p.extension().is_some_and(|e| e == ext || (ext == "csv" && e == "gz"))
        });
        let mut dialog = match task {
            FileTask::Open
            | FileTask::Compare
            | FileTask::ImportCatalog
            | FileTask::ImportOrders
            | FileTask::LearnTest => egui_file::FileDialog::open_file(),
            _ => egui_file::FileDialog::save_file().default_filename(task.default_name()),
        }
        .initial_path(start)
        .title(task.title())
        .show_files_filter(filter)
        .id(egui::Id::unique("aovlab-file-dialog"));
        dialog.open();
        self.open = Some((task, dialog));
        Asked::InApp
    }

    /// Whether the in-app dialog is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Draws the in-app dialog; returns its answer once the user chose a file.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<(FileTask, PathBuf)> {
        if self.shield {
            // An invisible layer over the window takes the rest of the click that
            // closed the dialog, until the pointer is up again.
            if ctx.input(|i| i.pointer.any_down() || i.pointer.any_released()) {
                let screen = ctx.content_rect();
                egui::Area::new(egui::Id::unique("aovlab-file-dialog-shield"))
                    .order(egui::Order::Foreground)
                    .fixed_pos(screen.min)
                    .show(ctx, |ui| ui.allocate_response(screen.size(), egui::Sense::click_and_drag()));
                ctx.request_repaint();
            } else {
                self.shield = false;
            }
        }
        let (task, dialog) = self.open.as_mut()?;
        let task = *task;
        dialog.show(ctx);
        match dialog.state() {
            egui_file::State::Selected => {
                let path = dialog.path().map(Path::to_path_buf);
                self.open = None;
                self.shield = true;
                let (_, ext) = task.ext();
                path.map(|p| {
                    let opens = matches!(task, FileTask::Open | FileTask::Compare);
                    (task, if !opens && p.extension().is_none() { p.with_extension(ext) } else { p })
                })
            }
            egui_file::State::Cancelled | egui_file::State::Closed => {
                self.open = None;
                self.shield = true;
                None
            }
            egui_file::State::Open => None,
        }
    }
}
