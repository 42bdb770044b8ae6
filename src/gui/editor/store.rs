//! The Store page: the scenario's name, the store and simulation settings, and the
//! shoppers' behaviour (world facts shared by every strategy).

use egui::{Grid, Ui};

use super::widgets::Ctx;
use crate::model::FieldId;
use crate::model::fields::Path;

/// Draws the page.
pub fn ui(ui: &mut Ui, ctx: &mut Ctx) {
    ui.heading("Scenario");
    Grid::new("scenario-grid").num_columns(2).show(ui, |ui| {
        ctx.row(ui, Path::top(FieldId::Name));
        ctx.row(ui, Path::top(FieldId::Description));
    });
    ui.heading("Store and simulation");
    Grid::new("store-grid").num_columns(2).show(ui, |ui| {
        for f in crate::model::fields::FIELDS.iter().filter(|f| f.id.section() == crate::model::fields::Section::Store)
        {
            ctx.row(ui, Path::top(f.id));
        }
    });
    ui.heading("Shopper behaviour");
    ui.label(
        egui::RichText::new("World facts: the same for every strategy, drawn once per replication when uncertain.")
            .small(),
    );
    Grid::new("behaviour-grid").num_columns(2).show(ui, |ui| {
        use crate::model::fields::{FIELDS, Section};
        for f in FIELDS.iter().filter(|f| f.id.section() == Section::Behaviour) {
            ctx.row(ui, Path::top(f.id));
        }
    });
    ui.heading("Free shipping");
    ui.label(
        egui::RichText::new(
            "Store policy: orders below the threshold pay the fee; the prompt offers carts near it \"add $X for \
             free shipping\". Every strategy runs it, the holdout too, unless the strategy sets its own on the \
             Strategies page. What shipping costs the store, the fee's effect and the prompt's uptake are world \
             facts above.",
        )
        .small(),
    );
    Grid::new("shipping-grid").num_columns(2).show(ui, |ui| {
        use crate::model::fields::{FIELDS, Section};
        for f in FIELDS.iter().filter(|f| f.id.section() == Section::Shipping) {
            ctx.row(ui, Path::top(f.id));
        }
    });
    ui.heading("Program costs");
    ui.label(
        egui::RichText::new(
            "What running each lever costs: a strategy pays for the levers it uses. Tiers' upgrade costs are on \
             the Tiers page.",
        )
        .small(),
    );
    Grid::new("costs-grid").num_columns(2).show(ui, |ui| {
        use crate::model::fields::{FIELDS, Section};
        for f in FIELDS.iter().filter(|f| f.id.section() == Section::Costs) {
            ctx.row(ui, Path::top(f.id));
        }
    });
}
