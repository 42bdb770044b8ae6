//! The Segments page: traffic segments with their funnel, response and loyalty
//! inputs, and category affinities. Adding, duplicating or removing a segment keeps
//! the fixed shares summing to 100%.

use egui::{Grid, RichText, Ui};

use super::widgets::Ctx;
use crate::gui::commands::Command;
use crate::model::FieldId;
use crate::model::edit::{self, Edit};
use crate::model::fields::{FIELDS, List, Path, Value};
use crate::model::{Param, SegmentSpec};

/// Draws the page.
pub fn ui(ui: &mut Ui, ctx: &mut Ctx, cats: &[String], out: &mut Vec<Command>) {
    ctx.problem(ui, List::Segments.key());
    ui.horizontal_wrapped(|ui| {
        if ui.button("Add segment").on_hover_text("A new segment; the others' shares make room for it").clicked() {
            let mut s = ctx.spec.segments.last().cloned().unwrap_or_else(default_segment);
            s.name = unique_name(ctx, "Segment");
            out.push(Command::Edit(edit::add_segment(ctx.spec, s)));
        }
        if let Some(e) = edit::normalise_shares(ctx.spec)
            && ui.button("Normalise shares").on_hover_text("Scale the fixed shares so that they sum to 100%").clicked()
        {
            out.push(Command::Edit(e));
        }
    });
    let n = ctx.spec.segments.len();
    for i in 0..n {
        let name = ctx.spec.segments[i].name.clone();
        egui::CollapsingHeader::new(RichText::new(&name).strong()).id_salt(("segment", i)).default_open(i == 0).show(
            ui,
            |ui| {
                Grid::new(("segment-grid", i)).num_columns(2).show(ui, |ui| {
                    let affinity = FieldId::SegmentCategoryAffinity;
                    for f in FIELDS.iter().filter(|f| f.id.list() == Some(List::Segments) && f.id != affinity) {
                        ctx.row(ui, Path::item(f.id, i));
                    }
                    let l = ui
                        .label("Category affinity")
                        .on_hover_text(crate::model::FieldId::SegmentCategoryAffinity.field().help);
                    ui.vertical(|ui| affinity_ui(ui, ctx, i, cats)).response.labelled_by(l.id);
                    ui.end_row();
                });
                ui.horizontal(|ui| {
                    if ui.button("Duplicate segment").clicked() {
                        let mut s = ctx.spec.segments[i].clone();
                        s.name = unique_name(ctx, &format!("{name} (copy)"));
                        out.push(Command::Edit(edit::add_segment(ctx.spec, s)));
                    }
                    if ui.add_enabled(n > 1, egui::Button::new("Delete segment")).clicked() {
                        out.push(Command::EditSaying(
                            remove_segment(ctx, i),
                            format!("Removed the segment {name}; the other shares were scaled to sum to 100%."),
                        ));
                    }
                });
            },
        );
    }
}

/// Removing segment `i` and scaling the other fixed shares so that they still sum to 1.
fn remove_segment(ctx: &Ctx, i: usize) -> Edit {
    let gone = ctx.spec.segments[i].share.central();
    let mut edits = Vec::new();
    if gone < 1.0 {
        for (k, s) in ctx.spec.segments.iter().enumerate() {
            if k != i
                && let Param::Fixed(v) = s.share
            {
                edits.push(Edit::Set(
                    Path::item(FieldId::SegmentShare, k),
                    Value::Param(Param::Fixed(v / (1.0 - gone))),
                ));
            }
        }
    }
    edits.push(Edit::Remove(List::Segments, i));
    Edit::Batch(edits)
}

fn affinity_ui(ui: &mut Ui, ctx: &mut Ctx, i: usize, cats: &[String]) {
    let listed: Vec<(String, f64)> =
        ctx.spec.segments[i].category_affinity.iter().map(|(k, v)| (k.clone(), *v)).collect();
    for (cat, v) in listed {
        ui.horizontal(|ui| {
            ui.label(&cat);
            let mut x = v;
            let f = crate::model::FieldId::SegmentCategoryAffinity.field();
            let r = ui.push_id(("affinity", &cat), |ui| super::widgets::number(ui, f, &mut x, "")).inner;
            if r.changed() {
                ctx.edits.push(Edit::Affinity { segment: i, category: cat.clone(), value: Some(x) });
            }
            if ui.small_button("Remove").on_hover_text("Back to affinity 1").clicked() {
                ctx.edits.push(Edit::Affinity { segment: i, category: cat.clone(), value: None });
            }
        });
        ctx.problem(ui, &format!("segments[{i}].category_affinity.{cat}"));
    }
    ctx.problem(ui, &format!("segments[{i}].category_affinity"));
    egui::ComboBox::from_id_salt(("add-affinity", i)).selected_text("Add a category…").show_ui(ui, |ui| {
        for c in cats {
            if !ctx.spec.segments[i].category_affinity.contains_key(c) && ui.selectable_label(false, c).clicked() {
                ctx.edits.push(Edit::Affinity { segment: i, category: c.clone(), value: Some(1.0) });
            }
        }
    });
}

fn unique_name(ctx: &Ctx, base: &str) -> String {
    let taken = |n: &str| ctx.spec.segments.iter().any(|s| s.name == n);
    let mut name = base.to_string();
    let mut k = 2;
    while taken(&name) {
        name = format!("{base} {k}");
        k += 1;
    }
    name
}

fn default_segment() -> SegmentSpec {
    use crate::model::Param::Fixed;
    SegmentSpec {
        name: "Segment".into(),
        share: Fixed(1.0),
        add_to_cart_rate: Fixed(0.08),
        checkout_completion: Fixed(0.45),
        mean_cart_size: Fixed(2.0),
        acceptance_propensity: Fixed(1.0),
        price_sensitivity: Fixed(1.0),
        friction_sensitivity: Fixed(1.0),
        post_checkout_eligibility: Fixed(1.0),
        loyalty_member_share: Fixed(0.0),
        spend_to_date: Fixed(0.0),
        category_affinity: Default::default(),
    }
}
