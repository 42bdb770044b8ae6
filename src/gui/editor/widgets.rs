//! One widget per field kind, drawn from the field registry: label, tooltip, the value
//! in a strategist's units (rates as percentages, money with the currency symbol and
//! thousands separators), and the field's problem under it. A changed value becomes an
//! [`Edit`]; widgets never change the scenario themselves. Each widget's id is its
//! field's path, so focus and typing follow the field, not its place on screen.

use egui::{Color32, DragValue, RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use crate::format::currency_symbol;
use crate::gui::document::Problems;
use crate::model::edit::Edit;
use crate::model::fields::{self, Field, Kind, Path, Unit, Value, trim_number};
use crate::model::{Dist, Param, ScenarioSpec};

/// What the editor's widgets read and where they put their edits.
pub struct Ctx<'a> {
    /// The scenario shown.
    pub spec: &'a ScenarioSpec,
    /// Its problems.
    pub problems: &'a Problems,
    /// Edits made this frame.
    pub edits: Vec<Edit>,
}

impl<'a> Ctx<'a> {
    /// A context over `spec`.
    pub fn new(spec: &'a ScenarioSpec, problems: &'a Problems) -> Self {
        Self { spec, problems, edits: Vec::new() }
    }

    /// The scenario's currency code.
    pub fn currency(&self) -> &str {
        &self.spec.store.currency
    }

    /// A grid row: the field's label (with its help as tooltip), its widget, and its
    /// problem under the widget.
    pub fn row(&mut self, ui: &mut Ui, path: Path) {
        self.row_labelled(ui, path.spec_field().label, path);
    }

    /// [`Ctx::row`] with another label.
    pub fn row_labelled(&mut self, ui: &mut Ui, label: &str, path: Path) {
        let f = path.spec_field();
        let l = ui.label(label).on_hover_text(f.help);
        ui.vertical(|ui| {
            let r = self.widget(ui, &path).labelled_by(l.id);
            r.on_hover_text(f.help);
            self.problem(ui, &path.canonical());
        });
        ui.end_row();
    }

    /// The problem of a field (canonical path), in the error colour, wrapping.
    pub fn problem(&self, ui: &mut Ui, path: &str) {
        if let Some(m) = self.problems.get(path) {
            ui.add(egui::Label::new(RichText::new(m).color(error_color(ui)).small()).wrap());
        }
    }

    /// The widget of one field; its change becomes an edit.
    pub fn widget(&mut self, ui: &mut Ui, path: &Path) -> egui::Response {
        let f = path.spec_field();
        let Some(value) = fields::get(self.spec, path) else {
            return ui.label("—");
        };
        let bad = self.problems.get(&path.canonical()).is_some();
        let currency = self.spec.store.currency.clone();
        let (response, new) = ui.push_id(path.canonical(), |ui| value_widget(ui, f, &value, &currency)).inner;
        if bad {
            outline(ui, &response);
        }
        if let Some(v) = new
            && v != value
        {
            self.edits.push(Edit::Set(path.clone(), v));
        }
        response
    }
}

/// Colour of validation messages.
pub fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// A red outline around a widget whose value is invalid.
pub fn outline(ui: &Ui, r: &egui::Response) {
    ui.painter().rect_stroke(
        r.rect.expand(1.0),
        2.0,
        egui::Stroke::new(1.5, error_color(ui)),
        egui::StrokeKind::Outside,
    );
}

/// Draws a value's widget; returns the response and the new value if it changed.
fn value_widget(ui: &mut Ui, f: &Field, value: &Value, currency: &str) -> (egui::Response, Option<Value>) {
    match value {
        Value::Number(v) => {
            let mut x = *v;
            let r = number(ui, f, &mut x, currency);
            let changed = r.changed();
            (r, changed.then_some(Value::Number(x)))
        }
        Value::Whole(v) => {
            let mut x = *v;
            let speed = ((x as f64) * 0.002).max(0.05);
            // Counts read with separators; a seed is a name, not a quantity.
            let grouped = f.unit != Unit::None;
            let r = ui.add(
                DragValue::new(&mut x)
                    .speed(speed)
                    .custom_formatter(move |n, _| {
                        if grouped { crate::format::int(n.max(0.0) as u64) } else { format!("{}", n.max(0.0) as u64) }
                    })
                    .custom_parser(|s| s.replace([',', '_', ' '], "").parse().ok()),
            );
            let changed = r.changed();
            (r, changed.then_some(Value::Whole(x)))
        }
        Value::Param(p) => {
            let mut p = p.clone();
            let (r, changed) = param(ui, f, &mut p, currency);
            (r, changed.then_some(Value::Param(p)))
        }
        Value::Text(t) => {
            let mut s = t.clone().unwrap_or_default();
            let width = if f.path.ends_with("description") { 320.0 } else { 200.0 };
            let edit = if f.path == "description" {
                egui::TextEdit::multiline(&mut s).desired_rows(3).desired_width(width)
            } else {
                egui::TextEdit::singleline(&mut s).desired_width(width)
            };
            let r = ui.add(edit);
            let changed = r.changed();
            let v = if f.kind == Kind::OptionalText && s.is_empty() { None } else { Some(s) };
            (r, changed.then_some(Value::Text(v)))
        }
        Value::Bool(b) => {
            let mut x = *b;
            let r = ui.checkbox(&mut x, "");
            let changed = r.changed();
            (r, changed.then_some(Value::Bool(x)))
        }
        Value::Choice(c) => {
            let Kind::Choice(words) = f.kind else { return (ui.label(*c), None) };
            let mut chosen = None;
            let r = egui::ComboBox::from_id_salt("choice")
                .selected_text(choice_label(c))
                .show_ui(ui, |ui| {
                    for w in words {
                        if ui.selectable_label(w == c, choice_label(w)).clicked() {
                            chosen = Some(Value::Choice(w));
                        }
                    }
                })
                .response;
            (r, chosen)
        }
    }
}

/// How a choice reads.
pub fn choice_label(word: &str) -> &str {
    match word {
        "off" => "Off",
        "popular" => "Popular products",
        "matched" => "Matched to the cart",
        "relevance" => "By relevance",
        "expected_value" => "By expected value",
        "universal" => "Always (universal)",
        "window" => "Near the next tier (window)",
        other => other,
    }
}

/// A number in its unit: a rate as a percentage, money with the currency symbol and
/// thousands separators. Invalid values are allowed and flagged, as in a file.
pub fn number(ui: &mut Ui, f: &Field, v: &mut f64, currency: &str) -> egui::Response {
    match f.unit {
        Unit::Percent => {
            let mut pct = *v * 100.0;
            let r = ui.add(
                DragValue::new(&mut pct)
                    .speed(0.1)
                    .suffix("%")
                    .custom_formatter(|x, _| trim_number(x, 6))
                    .custom_parser(|s| s.trim().trim_end_matches('%').trim().parse().ok()),
            );
            if r.changed() {
                *v = pct / 100.0;
            }
            r
        }
        Unit::Money => {
            let symbol = currency_symbol(currency);
            let speed = (v.abs() * 0.002).max(0.01);
            ui.add(
                DragValue::new(v)
                    .speed(speed)
                    .prefix(symbol.clone())
                    .custom_formatter(|x, _| crate::format::money(x, "", 2).trim().to_string())
                    .custom_parser(move |s| s.replace([',', ' '], "").trim_start_matches(symbol.trim()).parse().ok()),
            )
        }
        _ => {
            let speed = (v.abs() * 0.005).max(0.001);
            ui.add(
                DragValue::new(v)
                    .speed(speed)
                    .custom_formatter(|x, _| trim_number(x, 6))
                    .custom_parser(|s| s.replace([',', ' '], "").parse().ok()),
            )
        }
    }
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

/// An uncertain input: fixed or a distribution, each parameter in the field's unit,
/// with a density plot and its P5-P95 when uncertain.
fn param(ui: &mut Ui, f: &Field, p: &mut Param, currency: &str) -> (egui::Response, bool) {
    let mut changed = false;
    let response = ui
        .vertical(|ui| {
            let main = ui.horizontal_wrapped(|ui| {
                let mut k = kind(p);
                let combo =
                    egui::ComboBox::from_id_salt("kind").width(90.0).selected_text(KINDS[k]).show_ui(ui, |ui| {
                        for (i, name) in KINDS.iter().enumerate() {
                            ui.selectable_value(&mut k, i, *name);
                        }
                    });
                let enabled = combo.response.enabled();
                combo.response.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::accesskit::Role::ComboBox,
                        enabled,
                        format!("{} distribution", f.label),
                    )
                });
                if k != kind(p) {
                    *p = convert(p, k);
                    changed = true;
                }
                // Shape parameters (sd, sigma, alpha, beta) have no unit; the rest are values.
                let mut d = |ui: &mut Ui, label: &str, v: &mut f64, in_unit: bool| {
                    let l = ui.label(RichText::new(label).small());
                    let plain = Field { unit: Unit::Factor, ..*f };
                    let r = number(ui, if in_unit { f } else { &plain }, v, currency).labelled_by(l.id);
                    changed |= r.changed();
                    r
                };
                // The part a problem names (a triangular's mode above its max) is the
                // one outlined; otherwise the last.
                let bad = match p {
                    Param::Dist(dist) => dist.shape_problem(&|v| v.to_string()).map(|b| b.0),
                    Param::Fixed(_) => None,
                };
                let parts: Vec<(&str, egui::Response)> = match p {
                    Param::Fixed(v) => vec![("", d(ui, "", v, true))],
                    Param::Dist(Dist::Uniform { min, max }) => {
                        vec![("min", d(ui, "min", min, true)), ("max", d(ui, "max", max, true))]
                    }
                    Param::Dist(Dist::Triangular { min, mode, max }) => vec![
                        ("min", d(ui, "min", min, true)),
                        ("mode", d(ui, "mode", mode, true)),
                        ("max", d(ui, "max", max, true)),
                    ],
                    Param::Dist(Dist::Normal { mean, sd }) => {
                        vec![("mean", d(ui, "mean", mean, true)), ("sd", d(ui, "sd", sd, true))]
                    }
                    Param::Dist(Dist::Lognormal { median, sigma }) => {
                        vec![("median", d(ui, "median", median, true)), ("sigma", d(ui, "sigma (of ln)", sigma, false))]
                    }
                    Param::Dist(Dist::Beta { alpha, beta, min, max }) => vec![
                        ("alpha", d(ui, "alpha", alpha, false)),
                        ("beta", d(ui, "beta", beta, false)),
                        ("min", d(ui, "min", min, true)),
                        ("max", d(ui, "max", max, true)),
                    ],
                };
                let at = parts.iter().position(|(k, _)| Some(*k) == bad).unwrap_or(parts.len() - 1);
                parts.into_iter().nth(at).map(|(_, r)| r)
            });
            if p.sampler().is_ok()
                && let Param::Dist(dist) = p
            {
                density(ui, f, dist, currency);
            }
            main.inner.unwrap_or(main.response)
        })
        .inner;
    (response, changed)
}

/// A small density plot of a distribution with its 5th-95th percentile range.
fn density(ui: &mut Ui, f: &Field, d: &Dist, currency: &str) {
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
        Plot::new("density")
            .width(170.0)
            .height(44.0)
            .show_axes([false, false])
            .show_grid(false)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .allow_double_click_reset(false)
            .show_x(false)
            .show_y(false)
            .show(ui, |plot| {
                plot.line(Line::new("density", PlotPoints::from(pts)).width(1.5));
                plot.line(Line::new("P5–P95", PlotPoints::from(band)).width(3.0).fill(0.0));
            });
        // Three significant digits: the range describes a spread, not an exact value.
        let sig = |v: f64| crate::format::round_significant(v, 3);
        ui.label(
            RichText::new(format!("P5–P95\n{} – {}", f.show(sig(p5), currency), f.show(sig(p95), currency))).small(),
        );
    });
}
