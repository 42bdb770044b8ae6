//! Modal questions and windows (a recovery copy found, unsaved changes, the in-app
//! file dialog, help): they only answer with commands; [`AovApp::apply`] acts on them.

use super::*;
use crate::gui::commands::Unsaved;

impl AovApp {
    /// Draws whichever question or window is open; answers go to `out`.
    pub(super) fn dialogs_ui(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        if let Some(meta) = &self.recovered {
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
                        out.push(Command::Recover(true));
                    }
                    if ui.button("Discard").clicked() {
                        out.push(Command::Recover(false));
                    }
                });
            });
        }
        if self.pending.is_some() {
            egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label(format!("{} has changes that are not saved.", self.doc.title()));
                ui.horizontal(|ui| {
                    let answers =
                        [("Save", Unsaved::Save), ("Don't save", Unsaved::Discard), ("Cancel", Unsaved::Cancel)];
                    for (label, answer) in answers {
                        if ui.button(label).clicked() {
                            out.push(Command::Unsaved(answer));
                        }
                    }
                });
            });
        }
        if let Some((task, path)) = self.dialogs.ui(ctx) {
            out.push(Command::FileChosen(task, path));
        }
        if let Some(topic) = self.help {
            let mut open = true;
            egui::Window::new(crate::gui::help::title(topic))
                .open(&mut open)
                .collapsible(false)
                .default_width(520.0)
                .show(ctx, |ui| crate::gui::help::ui(ui, topic));
            if !open {
                out.push(Command::CloseHelp);
            }
        }
    }

    /// The answer about a recovery copy: restore it (and run it) or discard it.
    pub(super) fn recover(&mut self, ctx: &egui::Context, restore: bool) {
        let Some(meta) = self.recovered.take() else { return };
        let Some(r) = &mut self.recovery else { return };
        if !restore {
            r.clear();
            return;
        }
        match r.restore(&meta) {
            Ok(doc) => {
                self.doc = doc;
                self.results = None;
                self.notice = Some(Notice::info("Restored your unsaved work. Save it to keep it."));
                self.start_run(ctx);
            }
            Err(e) => self.notice = Some(Notice::error(format!("Could not restore the copy: {e}"))),
        }
    }

    /// The answer about unsaved changes before the pending action.
    pub(super) fn unsaved(&mut self, ctx: &egui::Context, answer: Unsaved) {
        let Some(p) = self.pending.take() else { return };
        match answer {
            Unsaved::Save => match self.save(None) {
                Saved::Yes => self.proceed(ctx, p),
                Saved::Later => self.awaiting = Some(p),
                Saved::No => {}
            },
            Unsaved::Discard => {
                if let Some(r) = &mut self.recovery {
                    r.clear();
                }
                self.proceed(ctx, p);
            }
            Unsaved::Cancel => {}
        }
    }
}
