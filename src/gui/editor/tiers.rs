//! The Tiers page: loyalty tiers by increasing spend threshold.

use egui::{Grid, RichText, Ui};

use super::widgets::Ctx;
use crate::model::FieldId;
use crate::model::TierSpec;
use crate::model::edit::{Edit, Item};
use crate::model::fields::{List, Path};

/// Draws the page.
pub fn ui(ui: &mut Ui, ctx: &mut Ctx) {
    ui.label("Loyalty tiers by increasing spend threshold. Members see \"Add $X to unlock <tier>\" prompts.");
    ctx.problem(ui, List::Tiers.key());
    if ctx.spec.tiers.is_empty() {
        ui.label("No tiers: there is no loyalty program, so no strategy can show a tier prompt.");
    } else {
        // One grid cell per widget (each with its own id), so that the columns line up
        // under their headers and every Remove button stays in its column.
        // Every field of a tier, from the registry: name, threshold, upgrade cost.
        let fields: Vec<FieldId> =
            crate::model::fields::FIELDS.iter().map(|f| f.id).filter(|id| id.list() == Some(List::Tiers)).collect();
        Grid::new("tiers-grid").num_columns(fields.len() + 1).striped(true).show(ui, |ui| {
            for id in &fields {
                ui.label(RichText::new(id.field().label).strong()).on_hover_text(id.field().help);
            }
            ui.label("");
            ui.end_row();
            for i in 0..ctx.spec.tiers.len() {
                for &id in &fields {
                    ui.push_id((id.path(), i), |ui| {
                        ui.vertical(|ui| {
                            let path = Path::item(id, i);
                            ctx.widget(ui, &path);
                            ctx.problem(ui, &path.canonical());
                        });
                    });
                }
                let name = &ctx.spec.tiers[i].name;
                let remove = ui.push_id(("tier-remove", i), |ui| {
                    ui.small_button("Remove").on_hover_text(format!("Remove the tier {name}"))
                });
                if remove.inner.clicked() {
                    ctx.edits.push(Edit::Remove(List::Tiers, i));
                }
                ui.end_row();
            }
        });
    }
    if ui.button("Add tier").clicked() {
        let threshold = ctx.spec.tiers.last().map_or(250.0, |t| t.threshold * 2.0);
        let name = format!("Tier {}", ctx.spec.tiers.len() + 1);
        ctx.edits.push(Edit::Insert(
            ctx.spec.tiers.len(),
            Item::Tier(TierSpec { name, threshold, upgrade_cost: Default::default() }),
        ));
    }
}
