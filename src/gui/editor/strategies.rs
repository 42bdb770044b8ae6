//! The Strategies page: one card per strategy with its levers. The holdout's levers
//! stay hidden while they are off; when one is on (an error), they show with a button
//! that turns them all off.

use egui::{Grid, RichText, Ui};

use super::widgets::{Ctx, error_color};
use crate::gui::commands::Command;
use crate::model::FieldId;
use crate::model::edit::{self, Edit, Item};
use crate::model::fields::{List, Path};
use crate::model::{OfferPolicy, StrategySpec, TierPolicy};

/// Draws the page.
pub fn ui(ui: &mut Ui, ctx: &mut Ctx, out: &mut Vec<Command>) {
    ctx.problem(ui, List::Strategies.key());
    let n = ctx.spec.strategies.len();
    for i in 0..n {
        ui.push_id(("strategy", i), |ui| card(ui, ctx, out, i, n));
    }
    if ui.button("Add strategy").clicked() {
        let name = unique_name(ctx, "Strategy");
        let s = StrategySpec {
            name,
            holdout: false,
            pre_checkout: Default::default(),
            tier_prompt: Default::default(),
            checkout: Default::default(),
            post_checkout: Default::default(),
            shipping: Default::default(),
        };
        ctx.edits.push(Edit::Insert(n, Item::Strategy(s)));
    }
}

fn card(ui: &mut Ui, ctx: &mut Ctx, out: &mut Vec<Command>, i: usize, n: usize) {
    let s = ctx.spec.strategies[i].clone();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_min_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ctx.widget(ui, &Path::item(FieldId::StrategyName, i));
            let tip = crate::model::FieldId::StrategyHoldout.field().help;
            if ui.radio(s.holdout, "holdout").on_hover_text(tip).clicked() && !s.holdout {
                out.push(Command::EditSaying(
                    edit::make_holdout(ctx.spec, i),
                    format!("{} is now the holdout: every lift is measured against it.", s.name),
                ));
            }
        });
        for f in ["name", "holdout"] {
            ctx.problem(ui, &format!("strategies[{i}].{f}"));
        }
        let levers_on = !crate::model::lever_fields_on(&s).is_empty();
        if s.holdout && !levers_on {
            ui.label(RichText::new("Every lever off: the baseline all lifts are measured against.").small());
        } else {
            if s.holdout {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new("The holdout must have every lever off.").color(error_color(ui)));
                    if ui.button("Turn every lever off").clicked() {
                        out.push(Command::Edit(edit::levers_off(ctx.spec, i)));
                    }
                });
            }
            levers(ui, ctx, &s, i);
        }
        ui.horizontal(|ui| {
            if ui.small_button("Duplicate").clicked() {
                let mut copy = s.clone();
                copy.name = unique_name(ctx, &format!("{} (copy)", s.name));
                copy.holdout = false;
                ctx.edits.push(Edit::Insert(i + 1, Item::Strategy(copy)));
            }
            if ui.add_enabled(i > 0, egui::Button::new("Up").small()).on_hover_text("Move up").clicked() {
                ctx.edits.push(Edit::Move(List::Strategies, i, i - 1));
            }
            if ui.add_enabled(i + 1 < n, egui::Button::new("Down").small()).on_hover_text("Move down").clicked() {
                ctx.edits.push(Edit::Move(List::Strategies, i, i + 1));
            }
            if ui.add_enabled(n > 1, egui::Button::new("Delete").small()).clicked() {
                out.push(Command::EditSaying(
                    Edit::Remove(List::Strategies, i),
                    format!("Removed the strategy {}.", s.name),
                ));
            }
        });
    });
}

fn levers(ui: &mut Ui, ctx: &mut Ctx, s: &StrategySpec, i: usize) {
    Grid::new(("levers", i)).num_columns(2).show(ui, |ui| {
        let row = |ctx: &mut Ctx, ui: &mut Ui, key: FieldId| ctx.row(ui, Path::item(key, i));
        row(ctx, ui, FieldId::PreCheckoutPolicy);
        if s.pre_checkout.policy != OfferPolicy::Off {
            row(ctx, ui, FieldId::PreCheckoutSlots);
        }
        if s.pre_checkout.policy == OfferPolicy::Matched {
            row(ctx, ui, FieldId::PreCheckoutRanking);
        }
        row(ctx, ui, FieldId::TierPromptPolicy);
        if s.tier_prompt.policy == TierPolicy::Window {
            row(ctx, ui, FieldId::TierPromptWindow);
        }
        row(ctx, ui, FieldId::FrictionReduction);
        row(ctx, ui, FieldId::CheckoutDiscount);
        row(ctx, ui, FieldId::PostCheckoutPolicy);
        if s.post_checkout.policy != OfferPolicy::Off {
            row(ctx, ui, FieldId::PostCheckoutOffers);
            row(ctx, ui, FieldId::OfferDiscount);
        }
        row(ctx, ui, FieldId::StrategyShippingThreshold);
        row(ctx, ui, FieldId::StrategyShippingPrompt);
    });
    // The threshold reads the store's until the strategy sets its own.
    let path = Path::item(FieldId::StrategyShippingThreshold, i);
    ui.horizontal_wrapped(|ui| match s.shipping.threshold {
        Some(_) => {
            ui.label(RichText::new("Free shipping: this strategy's own threshold.").small());
            if ui.small_button("Use the store's").clicked() {
                ctx.edits.push(Edit::Set(path, crate::model::fields::Value::Text(None)));
            }
        }
        None => {
            let store = FieldId::ShippingThreshold.field().show(ctx.spec.shipping.threshold, &ctx.spec.store.currency);
            ui.label(RichText::new(format!("Free shipping: the store's threshold ({store}) until set here.")).small());
        }
    });
}

fn unique_name(ctx: &Ctx, base: &str) -> String {
    let taken = |n: &str| ctx.spec.strategies.iter().any(|s| s.name == n);
    let mut name =
        if base == "Strategy" { format!("Strategy {}", ctx.spec.strategies.len() + 1) } else { base.to_string() };
    let mut k = 2;
    while taken(&name) {
        name = format!("{base} {k}");
        k += 1;
    }
    name
}
