//! The menu bar, the status bar and files dropped onto the window.

use super::*;

impl AovApp {
    pub(super) fn dropped_files(&self, ctx: &egui::Context, out: &mut Vec<Command>) {
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

    pub(super) fn menu_ui(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
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
                menu_item(ui, Command::LearnFromTest, true, out);
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

    pub(super) fn status_ui(&self, ui: &mut Ui) {
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
}
