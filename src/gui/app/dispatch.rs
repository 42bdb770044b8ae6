//! Applying commands: the one place the app's state changes in answer to the user.

use super::*;

impl AovApp {
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
            Command::LearnFromTest => {
                self.view = View::Plan;
                self.ask(ctx, FileTask::LearnTest);
            }
            Command::LearnPath(p) => {
                self.view = View::Plan;
                let chosen = self.analyses.plan.strategy();
                self.analyses.plan.learn.start(&mut self.doc, ctx, p, chosen);
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
            Command::Recover(restore) => self.recover(ctx, restore),
            Command::Unsaved(answer) => self.unsaved(ctx, answer),
            Command::FileChosen(task, path) => self.file_chosen(ctx, task, path),
            Command::CloseHelp => self.help = None,
        }
    }

    pub(super) fn edit(&mut self, e: crate::model::edit::Edit, said: Option<String>) {
        match self.doc.apply(e) {
            Ok(()) => {
                if let Some(s) = said {
                    self.notice = Some(Notice::info(s));
                }
            }
            Err(err) => self.notice = Some(Notice::error(format!("That edit could not be made: {err}"))),
        }
    }

    pub(super) fn guard(&mut self, ctx: &egui::Context, action: Pending) {
        if self.doc.is_dirty() {
            self.pending = Some(action);
        } else {
            self.proceed(ctx, action);
        }
    }

    pub(super) fn proceed(&mut self, ctx: &egui::Context, action: Pending) {
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
}
