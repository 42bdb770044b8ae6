//! The scenario editor: every field of the file, on five pages, drawn from the field
//! registry. It reads the document and returns commands (edits among them); the app
//! applies them after the frame.

mod catalog;
mod correlations;
mod index;
mod segments;
mod store;
mod strategies;
mod tiers;
pub mod widgets;

use egui::{RichText, ScrollArea, Ui};

pub use catalog::{CatalogView, SortBy};

use super::commands::Command;
use super::document::Document;
use crate::model::fields::{List, Section};

/// The editor's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Page {
    /// Store, simulation and behaviour.
    #[default]
    Store,
    /// Products and links.
    Catalog,
    /// Traffic segments.
    Segments,
    /// Loyalty tiers.
    Tiers,
    /// Strategies.
    Strategies,
}

impl Page {
    /// Every page in tab order.
    pub const ALL: [Page; 5] = [Page::Store, Page::Catalog, Page::Segments, Page::Tiers, Page::Strategies];

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            Page::Store => "Store",
            Page::Catalog => "Catalog",
            Page::Segments => "Segments",
            Page::Tiers => "Tiers",
            Page::Strategies => "Strategies",
        }
    }

    /// The page that holds a field path (to jump to a problem).
    pub fn of_path(path: &str) -> Page {
        match Section::of_path(path) {
            Section::Catalog | Section::List(List::Products | List::Links) => Page::Catalog,
            Section::List(List::Segments) => Page::Segments,
            Section::List(List::Tiers) => Page::Tiers,
            Section::List(List::Strategies | List::Claims) => Page::Strategies,
            Section::Scenario
            | Section::Store
            | Section::Behaviour
            | Section::Costs
            | Section::Shipping
            | Section::List(List::Correlations) => Page::Store,
        }
    }

    /// The page named on the command line (`store`, `catalog` ...).
    pub fn from_name(name: &str) -> Option<Page> {
        Page::ALL.into_iter().find(|p| p.label().eq_ignore_ascii_case(name))
    }
}

/// Editor state that is not part of the scenario.
#[derive(Default)]
pub struct Editor {
    /// The page shown.
    pub page: Page,
    /// The catalog table's filter, sort and selection.
    pub catalog: CatalogView,
    /// Links by source, categories, products by id.
    index: index::CatalogIndex,
    /// The correlation whose draws the Store page shows.
    correlation: usize,
}

impl Editor {
    /// Draws the editor for `doc`; returns what the user asked for.
    pub fn ui(&mut self, ui: &mut Ui, doc: &Document) -> Vec<Command> {
        let mut out = Vec::new();
        ui.horizontal_wrapped(|ui| {
            for p in Page::ALL {
                let bad = doc.problems().all().iter().filter(|e| Page::of_path(&e.path) == p).count();
                let text = if bad > 0 {
                    RichText::new(format!("{} ({bad} to fix)", p.label())).color(widgets::error_color(ui))
                } else {
                    p.label().into()
                };
                if ui.selectable_label(self.page == p, text).clicked() {
                    self.page = p;
                }
            }
        });
        ui.separator();
        let mut ctx = widgets::Ctx::new(doc.spec(), doc.problems());
        if matches!(self.page, Page::Catalog | Page::Segments) {
            self.index.refresh(doc.spec(), doc.index_revision());
        }
        let index = &self.index;
        let catalog = &mut self.catalog;
        let correlation = &mut self.correlation;
        let validated = doc.cached_scenario().map(|s| s.as_ref());
        ScrollArea::vertical().id_salt("editor-scroll").auto_shrink([false, false]).show(ui, |ui| match self.page {
            Page::Store => {
                store::ui(ui, &mut ctx);
                correlations::ui(ui, &mut ctx, validated, correlation);
            }
            Page::Catalog => catalog.ui(ui, &mut ctx, index, doc.catalog_revision(), &mut out),
            Page::Segments => segments::ui(ui, &mut ctx, &index.categories, &mut out),
            Page::Tiers => tiers::ui(ui, &mut ctx),
            Page::Strategies => strategies::ui(ui, &mut ctx, &mut out),
        });
        out.extend(ctx.edits.into_iter().map(Command::Edit));
        out
    }
}
