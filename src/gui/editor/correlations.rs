//! Correlated inputs, on the Store page: pairs of uncertain inputs with a rank
//! correlation, and a scatter of the two inputs' draws as a run draws them.

use egui::{Grid, RichText, Ui};
use egui_plot::{Plot, PlotPoints, Points};

use super::widgets::{Ctx, error_color};
use crate::model::FieldId;
use crate::model::edit::{Edit, Item};
use crate::model::fields::{self, Kind, List, Path, Value};
use crate::model::{CorrelationSpec, Param, Scenario};

/// Draws shown in the scatter.
const SCATTER: u32 = 500;

/// The inputs that may be correlated: every field that can be uncertain (drawn once
/// per replication), with its label and whether it has a distribution now.
fn candidates(ctx: &Ctx) -> Vec<(String, String, bool)> {
    fields::instances_except(ctx.spec, &[List::Products, List::Links])
        .into_iter()
        .filter(|p| p.spec_field().kind == Kind::Uncertain)
        .map(|p| {
            let uncertain = matches!(fields::get(ctx.spec, &p), Some(Value::Param(Param::Dist(_))));
            (p.canonical(), p.label(ctx.spec), uncertain)
        })
        .collect()
}

/// Draws the section; `sc` is the validated scenario when there is one (for the scatter).
pub fn ui(ui: &mut Ui, ctx: &mut Ctx, sc: Option<&Scenario>, selected: &mut usize) {
    ui.heading("Correlated inputs");
    ui.label(
        RichText::new(
            "Uncertain inputs that move together across replications (e.g. shoppers who take more cart \
             suggestions also take more confirmation-page offers). Unlisted inputs are independent. An input \
             that is fixed is not drawn, so its correlations have no effect.",
        )
        .small(),
    );
    ctx.problem(ui, List::Correlations.key());
    let choices = candidates(ctx);
    let label_of = |path: &str| -> String {
        let canonical = fields::resolve(ctx.spec, path).map(|p| p.canonical()).unwrap_or_else(|_| path.to_string());
        choices.iter().find(|(p, _, _)| *p == canonical).map_or_else(|| path.to_string(), |(_, l, _)| l.clone())
    };
    let n = ctx.spec.correlations.len();
    if n > 0 {
        Grid::new("correlations-grid").num_columns(5).striped(true).show(ui, |ui| {
            let mut rank_header = None;
            for h in ["", "First input", "Second input", "Rank correlation", ""] {
                let l = ui.label(RichText::new(h).strong());
                if h.starts_with("Rank") {
                    rank_header = Some(l.id);
                }
            }
            ui.end_row();
            for i in 0..n {
                {
                    if ui
                        .radio(*selected == i, format!("{}", i + 1))
                        .on_hover_text("Show this pair's draws below")
                        .clicked()
                    {
                        *selected = i;
                    }
                    for (key, field) in [("first", FieldId::CorrelationFirst), ("second", FieldId::CorrelationSecond)] {
                        let c = &ctx.spec.correlations[i];
                        let current = if key == "first" { c.first.clone() } else { c.second.clone() };
                        ui.vertical(|ui| {
                            let mut picked = None;
                            let name = format!("Correlation {} {key} input", i + 1);
                            crate::gui::combo(
                                ui,
                                ("correlation", key, i),
                                &name,
                                Some(230.0),
                                label_of(&current),
                                |ui| {
                                    for (p, l, uncertain) in &choices {
                                        let text = if *uncertain { l.clone() } else { format!("{l} (fixed now)") };
                                        if ui.selectable_label(*p == current, text).clicked() {
                                            picked = Some(p.clone());
                                        }
                                    }
                                },
                            );
                            if let Some(p) = picked {
                                ctx.edits.push(Edit::Set(Path::item(field, i), Value::Text(Some(p))));
                            }
                            ctx.problem(ui, &format!("correlations[{i}].{key}"));
                            let fixed = choices.iter().any(|(p, _, u)| {
                                !u && fields::resolve(ctx.spec, &current).is_ok_and(|r| r.canonical() == *p)
                            });
                            if fixed {
                                ui.label(
                                    RichText::new("fixed now: no effect").small().color(ui.visuals().warn_fg_color),
                                );
                            }
                        });
                    }
                    ui.vertical(|ui| {
                        let r = ctx.widget(ui, &Path::item(FieldId::CorrelationRank, i));
                        if let Some(id) = rank_header {
                            r.labelled_by(id);
                        }
                        ctx.problem(ui, &format!("correlations[{i}].rank"));
                    });
                    if ui.small_button("Remove").on_hover_text("Remove this correlation").clicked() {
                        ctx.edits.push(Edit::Remove(List::Correlations, i));
                    }
                }
                ui.end_row();
            }
        });
    }
    let uncertain: Vec<&String> = choices.iter().filter(|(_, _, u)| *u).map(|(p, _, _)| p).collect();
    let add = ui.add_enabled(uncertain.len() >= 2, egui::Button::new("Add correlation"));
    let add = add.on_disabled_hover_text("Give at least two inputs a distribution first");
    if add.clicked() {
        // The first pair of uncertain inputs not correlated yet.
        let taken = |a: &str, b: &str| {
            ctx.spec.correlations.iter().any(|c| {
                let r = |w: &str| fields::resolve(ctx.spec, w).map(|p| p.canonical()).unwrap_or_default();
                (r(&c.first) == a && r(&c.second) == b) || (r(&c.first) == b && r(&c.second) == a)
            })
        };
        let pair = uncertain
            .iter()
            .enumerate()
            .flat_map(|(i, a)| uncertain[i + 1..].iter().map(move |b| (*a, *b)))
            .find(|(a, b)| !taken(a, b))
            .unwrap_or((uncertain[0], uncertain[1]));
        let item = CorrelationSpec { first: pair.0.clone(), second: pair.1.clone(), rank: 0.5 };
        ctx.edits.push(Edit::Insert(n, Item::Correlation(item)));
        *selected = n;
    }
    if n > 0 {
        scatter(ui, ctx, sc, (*selected).min(n - 1), &label_of);
    }
}

/// The two inputs' draws in the first [`SCATTER`] replications, with their achieved
/// rank correlation.
fn scatter(ui: &mut Ui, ctx: &Ctx, sc: Option<&Scenario>, i: usize, label_of: &dyn Fn(&str) -> String) {
    let Some(sc) = sc else {
        ui.label(RichText::new("Fix the scenario's problems to see the draws.").small().color(error_color(ui)));
        return;
    };
    let c = &ctx.spec.correlations[i];
    let column = |written: &str| {
        let canonical = fields::resolve(ctx.spec, written).ok()?.canonical();
        sc.uncertain_inputs().iter().position(|(p, _)| *p == canonical)
    };
    let (Some(a), Some(b)) = (column(&c.first), column(&c.second)) else {
        ui.label(RichText::new("Both inputs need a distribution for draws to show.").small());
        return;
    };
    let draws: Vec<[f64; 2]> = (0..SCATTER)
        .map(|rep| {
            let v = crate::engine::world::drawn_inputs(sc, rep);
            [v[a], v[b]]
        })
        .collect();
    let (xs, ys): (Vec<f64>, Vec<f64>) = draws.iter().map(|p| (p[0], p[1])).unzip();
    let r = crate::stats::spearman(&xs, &ys);
    ui.label(
        RichText::new(format!(
            "Draws of {SCATTER} replications with this scenario's seed: rank correlation {} (declared {:+.2}).",
            r.map_or_else(|| "n/a".into(), crate::analysis::sensitivity::correlation_text),
            c.rank
        ))
        .small(),
    );
    let colour = ui.visuals().text_color().gamma_multiply(0.6);
    Plot::new(("correlation-scatter", i))
        .height(220.0)
        .width(320.0)
        .x_axis_label(label_of(&c.first))
        .y_axis_label(label_of(&c.second))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| p.points(Points::new("", PlotPoints::from(draws)).radius(1.5).color(colour)));
}
