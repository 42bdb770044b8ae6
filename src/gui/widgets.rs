//! Small editing widgets shared by the editor: labelled rows with tooltips and
//! inline validation messages, and the uncertain-input editor with its density plot.

use egui::{Color32, DragValue, RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use super::document::Problems;
use super::help::help;
use crate::model::{Dist, Param};

/// Colour of validation messages.
pub fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// A grid row: a label (with the field's tooltip), the widget, and the field's
/// validation message under it. `path` is the full field path; the tooltip is
/// looked up by `help_key`.
pub fn row(
    ui: &mut Ui,
    problems: &Problems,
    label: &str,
    help_key: &str,
    path: &str,
    add: impl FnOnce(&mut Ui) -> egui::Response,
) {
    let tip = help(help_key);
    let l = ui.label(label);
    let label_id = l.id;
    if !tip.is_empty() {
        l.on_hover_text(tip);
    }
    ui.vertical(|ui| {
        let r = add(ui).labelled_by(label_id);
        if !tip.is_empty() {
            r.on_hover_text(tip);
        }
        if let Some(m) = problems.get(path) {
            ui.label(RichText::new(m).color(error_color(ui)).small());
        }
    });
    ui.end_row();
}

/// Gives a widget an accessible name (for screen readers and UI tests).
pub fn accessible_name(r: &egui::Response, role: egui::accesskit::Role, name: &str) {
    let enabled = r.enabled();
    r.widget_info(|| egui::WidgetInfo::labeled(role, enabled, name));
}

/// A number with no clamping (invalid values are allowed and flagged, as in a file).
pub fn number(ui: &mut Ui, v: &mut f64, speed: f64, decimals: usize) -> egui::Response {
    ui.add(DragValue::new(v).speed(speed).max_decimals(decimals))
}

/// Money in currency units.
pub fn money(ui: &mut Ui, v: &mut f64) -> egui::Response {
    ui.add(
        DragValue::new(v)
            .speed(0.5)
            .custom_formatter(|x, _| crate::format::money(x, "", 2).trim_start().to_string())
            .custom_parser(|s| s.replace([',', ' '], "").parse().ok()),
    )
}

const KINDS: [&str; 6] = ["fixed", "uniform", "triangular", "normal", "lognormal", "beta"];

fn kind(p: &Param) -> usize {
    match p {
        Param::Fixed(_) => 0,
        Param::Dist(Dist::Uniform { .. }) => 1,
        Param::Dist(Dist::Triangular { .. }) => 2,
        Param::Dist(Dist::Normal { .. }) => 3,
        Param::Dist(Dist::Lognormal { .. }) => 4,
        Param::Dist(Dist::Beta { .. }) => 5,
    }
}

/// Converts an input to another kind around its current central value.
pub fn convert(p: &Param, to: usize) -> Param {
    let c = p.central();
    let spread = if c == 0.0 { 0.1 } else { 0.2 * c.abs() };
    match to {
        1 => Param::Dist(Dist::Uniform { min: c - spread, max: c + spread }),
        2 => Param::Dist(Dist::Triangular { min: c - spread, mode: c, max: c + spread }),
        3 => Param::Dist(Dist::Normal { mean: c, sd: spread / 2.0 }),
        4 => Param::Dist(Dist::Lognormal { median: if c > 0.0 { c } else { 1.0 }, sigma: 0.2 }),
        5 => {
            let m = if c > 0.0 && c < 1.0 { c } else { 0.5 };
            Param::Dist(Dist::Beta { alpha: 20.0 * m, beta: 20.0 * (1.0 - m), min: 0.0, max: 1.0 })
        }
        _ => Param::Fixed(c),
    }
}

/// Edits an uncertain input: fixed or a distribution, with an inline density plot
/// and its P5-P95 when uncertain. Returns the value's widget (for labelling).
pub fn param(ui: &mut Ui, id: &str, p: &mut Param, speed: f64) -> egui::Response {
    ui.vertical(|ui| {
        let main = ui.horizontal(|ui| {
            let mut k = kind(p);
            let combo =
                egui::ComboBox::from_id_salt(("kind", id)).width(90.0).selected_text(KINDS[k]).show_ui(ui, |ui| {
                    for (i, name) in KINDS.iter().enumerate() {
                        ui.selectable_value(&mut k, i, *name);
                    }
                });
            accessible_name(&combo.response, egui::accesskit::Role::ComboBox, &format!("{id} distribution"));
            if k != kind(p) {
                *p = convert(p, k);
            }
            let d = |ui: &mut Ui, label: &str, v: &mut f64| {
                let l = ui.label(RichText::new(label).small());
                ui.add(DragValue::new(v).speed(speed).max_decimals(4)).labelled_by(l.id);
            };
            match p {
                Param::Fixed(v) => return Some(number(ui, v, speed, 4)),
                Param::Dist(Dist::Uniform { min, max }) => {
                    d(ui, "min", min);
                    d(ui, "max", max);
                }
                Param::Dist(Dist::Triangular { min, mode, max }) => {
                    d(ui, "min", min);
                    d(ui, "mode", mode);
                    d(ui, "max", max);
                }
                Param::Dist(Dist::Normal { mean, sd }) => {
                    d(ui, "mean", mean);
                    d(ui, "sd", sd);
                }
                Param::Dist(Dist::Lognormal { median, sigma }) => {
                    d(ui, "median", median);
                    d(ui, "sigma", sigma);
                }
                Param::Dist(Dist::Beta { alpha, beta, min, max }) => {
                    d(ui, "alpha", alpha);
                    d(ui, "beta", beta);
                    d(ui, "min", min);
                    d(ui, "max", max);
                }
            }
            None
        });
        if p.sampler().is_ok()
            && let Param::Dist(dist) = p
        {
            density(ui, id, dist);
        }
        main.inner.unwrap_or(main.response)
    })
    .inner
}

/// A small density plot of a distribution with its 5th-95th percentile range.
fn density(ui: &mut Ui, id: &str, d: &Dist) {
    let (lo, hi) = (d.quantile(0.001), d.quantile(0.999));
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return;
    }
    let (p5, p95) = (d.quantile(0.05), d.quantile(0.95));
    let n = 120;
    let pts: Vec<[f64; 2]> = (0..=n)
        .map(|i| {
            let x = lo + (hi - lo) * i as f64 / n as f64;
            [x, d.pdf(x)]
        })
        .collect();
    let band: Vec<[f64; 2]> = pts.iter().copied().filter(|p| p[0] >= p5 && p[0] <= p95).collect();
    ui.horizontal(|ui| {
        Plot::new(("density", id))
            .width(170.0)
            .height(44.0)
            .show_axes([false, false])
            .show_grid(false)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .allow_double_click_reset(false)
            .show_x(true)
            .show_y(false)
            .show(ui, |plot| {
                plot.line(Line::new("density", PlotPoints::from(pts)).width(1.5));
                plot.line(Line::new("P5-P95", PlotPoints::from(band)).width(3.0).fill(0.0));
            });
        ui.label(RichText::new(format!("P5–P95\n{} – {}", short(p5), short(p95))).small());
    });
}

/// A compact number for small labels.
pub fn short(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 {
        crate::format::money(x, "", 0).trim().to_string()
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}
