//! The file lifecycle: open, save, save with results, exports and chart files.

use super::*;

impl AovApp {
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

    pub(super) fn ask(&mut self, ctx: &egui::Context, task: FileTask) {
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

    pub(super) fn file_chosen(&mut self, ctx: &egui::Context, task: FileTask, path: PathBuf) {
        match task {
            FileTask::Open => self.open(ctx, path),
            FileTask::Compare => self.analyses.compare.load(path),
            FileTask::ImportCatalog => {
                self.analyses.import.load(path, Some(crate::gui::analysis::import_tab::Kind::Catalog))
            }
            FileTask::ImportOrders => {
                self.analyses.import.load(path, Some(crate::gui::analysis::import_tab::Kind::Orders))
            }
            FileTask::LearnTest => {
                let chosen = self.analyses.plan.strategy();
                self.analyses.plan.learn.start(&mut self.doc, ctx, path, chosen);
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

    pub(super) fn write_export(&mut self, ctx: &egui::Context, task: FileTask, path: PathBuf) {
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
                .map_err(|e| e.to_string())
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
                    crate::present::html::report(self.doc.spec(), r, &res.reps, None, &file, &command)
                        .map(String::into_bytes)
                        .map_err(|e| e.to_string())
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

    /// Saves the scenario with the last complete run's summary embedded (a presenter
    /// file): opening it shows those results without running.
    pub(super) fn save_with_results(&mut self) {
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
    pub(super) fn chart_request(&mut self, ctx: &egui::Context, req: crate::gui::dashboard::ChartRequest) {
        use crate::gui::dashboard::ChartRequest;
        match req {
            ChartRequest::Save(f, svg) => {
                self.chart_export = Some(*f);
                self.ask(ctx, if svg { FileTask::ExportChartSvg } else { FileTask::ExportChartPng });
            }
            ChartRequest::Copy(c) => {
                let stamp = c.stamp.clone();
                let f = &c.figure;
                let copied = crate::present::draw::png(f, &stamp).map_err(|e| e.to_string()).and_then(|bytes| {
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

    pub(super) fn export_png(&self, ctx: &egui::Context, path: PathBuf) {
        let slot = Arc::clone(&self.png);
        let repaint = ctx.clone();
        ctx.request_screenshot(move |img: Arc<egui::ColorImage>| {
            let n = match crate::gui::save_png(&path, &img) {
                Ok(()) => Notice::info(format!("Exported {}", path.display())),
                Err(e) => Notice::error(format!("Could not export {}: {e}", path.display())),
            };
            if let Ok(mut g) = slot.lock() {
                *g = Some(n);
            }
            repaint.request_repaint();
        });
    }
}
