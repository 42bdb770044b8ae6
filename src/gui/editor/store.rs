//! The Store page: the scenario's name, the store and simulation settings, and the
//! shoppers' behaviour (world facts shared by every strategy).

use egui::{Grid, Ui};

use super::widgets::Ctx;
use crate::model::fields::Path;

/// Draws the page.
pub fn ui(ui: &mut Ui, ctx: &mut Ctx) {
    ui.heading("Scenario");
    Grid::new("scenario-grid").num_columns(2).show(ui, |ui| {
        ctx.row(ui, Path::top("name"));
        ctx.row(ui, Path::top("description"));
    });
    ui.heading("Store and simulation");
    Grid::new("store-grid").num_columns(2).show(ui, |ui| {
        for f in ["store.currency", "store.annual_gmv", "store.visitors", "store.replications", "store.seed"] {
            ctx.row(ui, Path::top(f));
        }
    });
    ui.heading("Shopper behaviour");
    ui.label(
        egui::RichText::new("World facts: the same for every strategy, drawn once per replication when uncertain.")
            .small(),
    );
    Grid::new("behaviour-grid").num_columns(2).show(ui, |ui| {
        for f in crate::model::fields::FIELDS.iter().filter(|f| f.path.starts_with("behaviour.")) {
            ctx.row(ui, Path::top(f.path));
        }
    });
}
