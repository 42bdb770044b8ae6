//! The dashboard's charts (egui_plot). Every chart fits its current data whenever the
//! results change, keeps a zoom only while the user is zoomed (with a visible reset),
//! draws its legend outside the plot, labels its axes with enough ticks, and shows
//! hover values in a tooltip with a background (kept on screen by egui).

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, GridInput, GridMark, Line, Plot, PlotPoint, PlotPoints, Points, VLine};

use super::style;
use crate::format::{money_tick, percent_tick};
use crate::present::figure::{self, Figure, Rgb, Xy};
use crate::report::metric::MetricUnit;
use crate::report::{Metric, Report};

/// Chart height in points.
pub const HEIGHT: f32 = 240.0;

/// Per-chart view state kept between frames.
#[derive(Default, Clone, Copy)]
pub struct ChartState {
    /// The results generation the chart last fitted.
    generation: u64,
    /// The user zoomed or dragged: keep their view until they reset it.
    zoomed: bool,
}

/// The holdout's index in the report.
pub fn holdout_index(r: &Report) -> usize {
    r.strategies.iter().position(|s| s.is_holdout).unwrap_or(0)
}

/// A strategy's colour.
pub fn color(r: &Report, i: usize) -> Color32 {
    style::strategy(i, holdout_index(r))
}

/// A legend above the chart: a swatch and a name per entry, wrapping.
pub fn legend(ui: &mut Ui, entries: &[(Color32, String)]) {
    ui.horizontal_wrapped(|ui| {
        for (c, name) in entries {
            // One widget per entry, so a line never breaks between a swatch and its name.
            let text = egui::WidgetText::from(RichText::new(name).small());
            let galley = text.into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, egui::TextStyle::Small);
            let size = egui::vec2(16.0 + galley.size().x, galley.size().y.max(12.0));
            let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
            let swatch = egui::Rect::from_min_size(rect.left_center() - egui::vec2(0.0, 6.0), egui::vec2(12.0, 12.0));
            ui.painter().rect_filled(swatch, 2.0, *c);
            let at = egui::pos2(rect.left() + 16.0, rect.center().y - galley.size().y / 2.0);
            ui.painter().galley(at, galley, ui.visuals().text_color());
            response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Label, true, name));
            ui.add_space(6.0);
        }
    });
}

/// Nice tick marks (steps of 1, 2, 2.5 or 5 x 10^k) giving about `target` labels across
/// the visible range, so that even a narrow chart has several.
pub fn nice_marks(input: GridInput, target: f64) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let span = (hi - lo).abs();
    if !(span > 0.0 && span.is_finite()) {
        return Vec::new();
    }
    // The base step is the value of 8 points; six of them (48 points) is the least
    // distance between marks that [`base`]'s axis labels at full strength.
    let raw = (span / target.max(1.0)).max(input.base_step_size * 6.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| GridMark { value: k as f64 * step, step_size: step }).collect()
}

/// The row marks of a chart with one row per name (rows at integer y).
fn row_marks(n: usize) -> impl Fn(GridInput) -> Vec<GridMark> {
    move |g| {
        (0..n)
            .filter(|&i| (g.bounds.0..=g.bounds.1).contains(&(i as f64)))
            .map(|i| GridMark { value: i as f64, step_size: 1.0 })
            .collect()
    }
}

/// A y-axis formatter naming rows drawn top to bottom (row `i` at y = n - 1 - i).
fn row_names(names: Vec<String>) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |m, _| {
        let i = m.value.round();
        if (m.value - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        let n = names.len() as f64;
        names.get((n - 1.0 - i) as usize).cloned().unwrap_or_default()
    }
}

/// A chart's row names as its y axis shows them: wrapped to at most 30 characters a
/// line, the axis as wide as the widest line in the current text size (presentation
/// mode's larger type included), and the height a row needs for its lines.
pub struct RowLabels {
    /// The names, wrapped.
    pub names: Vec<String>,
    /// The axis's width in points.
    pub width: f32,
    /// The least height a row needs in points.
    pub row_height: f32,
}

impl RowLabels {
    /// Measures `names` with the text style the plot's axis uses.
    pub fn new(ui: &Ui, names: &[String]) -> Self {
        let font = egui::TextStyle::Body.resolve(ui.style());
        let names: Vec<String> = names.iter().map(|n| crate::format::wrap_words(n, 30).join("\n")).collect();
        let (mut width, mut lines) = (0.0f32, 1usize);
        ui.ctx().fonts_mut(|f| {
            for n in &names {
                let g = f.layout_no_wrap(n.clone(), font.clone(), Color32::WHITE);
                width = width.max(g.size().x);
            }
            lines = names.iter().map(|n| n.lines().count()).max().unwrap_or(1);
        });
        let line = ui.ctx().fonts_mut(|f| f.row_height(&font));
        Self { names, width: width + 14.0, row_height: line * lines as f32 + 8.0 }
    }

    /// A plot height for `n` rows of at least `per_row` points each, plus `extra`.
    pub fn height(&self, per_row: f32, extra: f32) -> f32 {
        self.names.len() as f32 * per_row.max(self.row_height) + extra
    }
}

/// Shows a plot with the dashboard's conventions. `hover` turns a pointer position
/// into tooltip text. Returns nothing; the reset button appears under a zoomed chart.
pub fn show(
    ui: &mut Ui,
    id: &str,
    state: &mut ChartState,
    generation: u64,
    plot: Plot<'_>,
    hover: impl Fn(PlotPoint) -> Option<String>,
    draw: impl FnOnce(&mut egui_plot::PlotUi<'_>),
) -> egui::Response {
    let refit = state.generation != generation && !state.zoomed;
    let mut plot = plot
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(true)
        .allow_boxed_zoom(true)
        .allow_double_click_reset(true)
        .show_x(false)
        .show_y(false);
    if refit || state.generation == 0 {
        plot = plot.reset();
    }
    state.generation = generation;
    let mut zoomed = false;
    let mut pointer = None;
    let response = plot.show(ui, |p| {
        draw(p);
        let auto = p.auto_bounds();
        zoomed = !(auto.x && auto.y);
        pointer = p.pointer_coordinate();
    });
    state.zoomed = zoomed;
    let mut out = response.response;
    if let Some(text) = pointer.and_then(&hover) {
        out = out.on_hover_ui_at_pointer(|ui| {
            ui.label(text);
        });
    }
    if zoomed {
        ui.horizontal(|ui| {
            ui.label(RichText::new("Zoomed in.").small());
            if ui.small_button("Reset view").on_hover_text(format!("Fit the {id} chart to its data again")).clicked() {
                state.zoomed = false;
                state.generation = 0;
            }
        });
    }
    out
}

/// A tick label for a metric's value.
pub fn metric_tick(m: Metric, v: f64, step: f64, currency: &str) -> String {
    match m.unit() {
        MetricUnit::Rate | MetricUnit::PerThousand => percent_tick(v, step, false),
        MetricUnit::Relative => percent_tick(v, step, true),
        MetricUnit::Money | MetricUnit::MoneyPerVisitor | MetricUnit::MoneyPerYear => money_tick(v, step, currency),
        MetricUnit::Ratio => format!("{v:.1}x"),
        MetricUnit::Months => format!("{v:.0}"),
    }
}

/// A bar filled with its colour (egui_plot's default fill is faint).
fn solid(b: Bar, c: Color32) -> Bar {
    b.fill(c).stroke(egui::Stroke::new(1.0, c))
}

/// A plot with the shared defaults.
fn base(id: &str) -> Plot<'static> {
    // The dashboard's tick labels are short ("+10%", "$5.0M"): label marks from 40
    // points apart, at full strength from 48 (egui_plot's default is 60-80 for any
    // label, which leaves a narrow chart with two).
    let x = egui_plot::AxisHints::new_x().label_spacing(40.0..=48.0);
    Plot::new(id.to_string()).height(HEIGHT).show_grid([true, false]).custom_x_axes(vec![x])
}

/// A plot with one row per name (drawn top to bottom, every row in view even when
/// its only bar sits off-centre), the x axis fitted to the data alone (a tornado's
/// bars sit around a base value far from zero). Every row's name is shown whole.
pub fn rows_only_plot(id: &str, labels: &RowLabels) -> Plot<'static> {
    let n = labels.names.len();
    // Every row is labelled, however close the rows (egui_plot hides y labels closer
    // than 20 points); the rows' height leaves them room.
    let y = egui_plot::AxisHints::new_y().label_spacing(0.0..=1.0);
    base(id)
        .custom_y_axes(vec![y])
        .y_axis_formatter(row_names(labels.names.clone()))
        .y_grid_spacer(row_marks(n))
        .include_y(-0.5)
        .include_y(n as f64 - 0.5)
        .y_axis_min_width(labels.width)
}

/// A figure's colour on screen: gains, losses and ink in the theme's own shades (ink
/// is the text colour, light on a dark background); every other colour as drawn in
/// files.
fn theme_colour(ui: &Ui) -> impl Fn(Rgb) -> Color32 + use<> {
    let (dark, text) = (ui.visuals().dark_mode, ui.visuals().text_color());
    move |rgb: Rgb| match rgb {
        figure::GAIN => style::gain(dark),
        figure::LOSS => style::loss(dark),
        figure::INK => text,
        [r, g, b] => Color32::from_rgb(r, g, b),
    }
}

/// A figure line's dash on screen.
pub fn line_style(d: figure::Dash) -> egui_plot::LineStyle {
    match d {
        figure::Dash::Solid => egui_plot::LineStyle::Solid,
        figure::Dash::Dashed => egui_plot::LineStyle::Dashed { length: 10.0 },
        figure::Dash::Dotted => egui_plot::LineStyle::Dotted { spacing: 6.0 },
    }
}

/// A short note above a chart, for what its axis label has no room for.
fn note(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(RichText::new(text).small()).wrap());
}

/// Grouped horizontal bars: `rows` rows drawn top to bottom (row `i` centred at y =
/// rows - 1 - i), each with `bars` bars side by side within 0.8 of a row.
#[derive(Clone, Copy)]
struct Groups {
    rows: usize,
    bars: usize,
}

impl Groups {
    /// One bar's height.
    fn width(self) -> f64 {
        0.8 / self.bars.max(1) as f64
    }

    /// The centre of bar `j` of row `row`.
    fn y(self, row: usize, j: usize) -> f64 {
        (self.rows - 1 - row) as f64 + 0.4 - self.width() * (j as f64 + 0.5)
    }

    /// The row and bar under a pointer.
    fn at(self, p: PlotPoint) -> Option<(usize, usize)> {
        let row = self.rows as f64 - 1.0 - p.y.round();
        if !(0.0..self.rows as f64).contains(&row) {
            return None;
        }
        let row = row as usize;
        let j = (((self.rows - 1 - row) as f64 + 0.4 - p.y) / self.width()).floor();
        Some((row, (j.max(0.0) as usize).min(self.bars.saturating_sub(1))))
    }
}

/// A figure (crate::present::figure: the same data the chart files draw) as a row
/// chart: its legend and note, bars with whiskers and value labels, dots, ridgeline
/// curves. Returns the plot's response (for its context menu).
pub fn figure(ui: &mut Ui, state: &mut ChartState, generation: u64, f: &Figure) -> egui::Response {
    let rows = RowLabels::new(ui, &f.rows).height(18.0 * f.slots.clamp(1, 4) as f32, 60.0);
    figure_sized(ui, state, generation, f, (HEIGHT * 1.2).max(rows))
}

/// [`figure`] at a given plot height (presentation mode fills the window): a chart
/// of rows, or an x-y chart when the figure is one.
pub fn figure_sized(ui: &mut Ui, state: &mut ChartState, generation: u64, f: &Figure, height: f32) -> egui::Response {
    match &f.xy {
        Some(xy) => xy_chart(ui, state, generation, f, xy, height),
        None => rows_chart(ui, state, generation, f, height),
    }
}

/// A chart of rows: bars with whiskers and value labels, dots, ridgeline curves.
fn rows_chart(ui: &mut Ui, state: &mut ChartState, generation: u64, f: &Figure, height: f32) -> egui::Response {
    let c = theme_colour(ui);
    if !f.legend.is_empty() {
        legend(ui, &f.legend.iter().map(|(n, k)| (c(*k), n.clone())).collect::<Vec<_>>());
    }
    note(ui, &f.note);
    let n = f.rows.len();
    let g = Groups { rows: n, bars: f.slots.max(1) };
    let (lo, hi) = f.range();
    let scale = f.scale.clone();
    let plot = rows_only_plot(&f.id, &RowLabels::new(ui, &f.rows))
        .height(height)
        .x_axis_label(f.x_label.clone())
        .x_axis_formatter(move |m, _| scale.text(m.value))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .include_x(lo)
        .include_x(hi);
    let names_by_slot = f.legend.len() == f.slots;
    let hover = |p: PlotPoint| {
        let (row, slot) = g.at(p)?;
        let bars: Vec<&figure::Bar> = f.bars.iter().filter(|b| b.row == row).collect();
        let b = bars.iter().find(|b| b.slot == slot).or(bars.first())?;
        let mut text = f.rows[row].clone();
        if names_by_slot {
            text = format!("{}\n{text}", f.legend[b.slot].0);
        } else if let Some(what) = f.slot_names.get(b.slot) {
            text = format!("{text}\n{what}");
        }
        let value = if b.from == 0.0 { b.to } else { b.to - b.from };
        text.push_str(&format!(": {}", b.label.clone().unwrap_or_else(|| f.scale.text(value))));
        if let Some((p5, p95)) = b.whisker {
            text.push_str(&format!(" (P5-P95 {} … {})", f.scale.text(p5), f.scale.text(p95)));
        }
        Some(text)
    };
    let wc = ui.visuals().text_color();
    show(ui, &f.id, state, generation, plot, hover, |plot| {
        for curve in &f.curves {
            let y0 = (n - 1 - curve.row) as f64 - 0.4;
            let pts: Vec<[f64; 2]> = curve.points.iter().map(|&(x, h)| [x, y0 + 0.85 * h]).collect();
            plot.line(
                Line::new("", PlotPoints::from(pts))
                    .color(c(curve.colour))
                    .fill(y0 as f32)
                    .width(1.5)
                    .allow_hover(false),
            );
        }
        let width = g.width();
        let bars: Vec<Bar> = f
            .bars
            .iter()
            .map(|b| {
                solid(Bar::new(g.y(b.row, b.slot), b.to - b.from).base_offset(b.from).width(width * 0.9), c(b.colour))
            })
            .collect();
        plot.bar_chart(BarChart::new("", bars).horizontal().allow_hover(false));
        for b in &f.bars {
            let y = g.y(b.row, b.slot);
            if let Some((p5, p95)) = b.whisker {
                plot.line(
                    Line::new("", PlotPoints::from(vec![[p5, y], [p95, y]])).color(wc).width(1.2).allow_hover(false),
                );
            }
            if let Some(label) = &b.label {
                let at = PlotPoint::new(b.from.max(b.to) + (hi - lo) * 0.01, y);
                let t = egui_plot::Text::new("", at, RichText::new(label).small().color(wc));
                plot.text(t.anchor(egui::Align2::LEFT_CENTER).allow_hover(false));
            }
        }
        for d in &f.dots {
            let on_curve = f.curves.iter().any(|k| k.row == d.row);
            let y = (n - 1 - d.row) as f64 - if on_curve { 0.4 } else { 0.0 };
            let colour = if d.colour == [40, 40, 40] { wc } else { c(d.colour) };
            plot.points(Points::new("", PlotPoints::from(vec![[d.x, y]])).color(colour).radius(4.0).allow_hover(false));
        }
        if f.zero_line {
            plot.vline(VLine::new("", 0.0).color(Color32::GRAY).allow_hover(false));
        }
        if let Some(r) = f.reference {
            plot.vline(VLine::new("", r).color(Color32::GRAY).width(1.5).allow_hover(false));
        }
    })
}

/// An x-y figure (crate::present::figure: the same data the chart files draw): its
/// legend and note, rectangles, bands, lines, points and reference lines. Returns the
/// plot's response (for its context menu).
fn xy_chart(ui: &mut Ui, state: &mut ChartState, generation: u64, f: &Figure, xy: &Xy, height: f32) -> egui::Response {
    let c = theme_colour(ui);
    if !f.legend.is_empty() {
        legend(ui, &f.legend.iter().map(|(n, k)| (c(*k), n.clone())).collect::<Vec<_>>());
    }
    note(ui, &f.note);
    let (xs, ys) = (f.scale.clone(), xy.y_scale.clone().unwrap_or(figure::Scale::Count));
    let (xs2, ys2) = (xs.clone(), ys.clone());
    let plot = base(&f.id)
        .height(height)
        .x_axis_label(f.x_label.clone())
        .y_axis_label(xy.y_label.clone())
        .x_axis_formatter(move |m, _| xs.text(m.value))
        .y_axis_formatter(move |m, _| ys.text(m.value))
        .x_grid_spacer(|g| nice_marks(g, 6.0))
        .y_grid_spacer(|g| nice_marks(g, 5.0))
        .y_axis_min_width(56.0);
    let hover = |p: PlotPoint| Some(format!("{}: {}\n{}: {}", f.x_label, xs2.text(p.x), xy.y_label, ys2.text(p.y)));
    let dark = ui.visuals().dark_mode;
    show(ui, &f.id, state, generation, plot, hover, |plot| {
        if !xy.rects.is_empty() {
            let bars: Vec<Bar> = xy
                .rects
                .iter()
                .map(|(r, k)| {
                    solid(Bar::new(0.5 * (r[0] + r[2]), r[3] - r[1]).base_offset(r[1]).width(r[2] - r[0]), c(*k))
                })
                .collect();
            plot.bar_chart(BarChart::new("", bars).allow_hover(false));
        }
        for l in &xy.lines {
            if l.band.len() > 1 {
                let x: Vec<f64> = l.band.iter().map(|b| b.0).collect();
                let lo: Vec<f64> = l.band.iter().map(|b| b.1).collect();
                let hi: Vec<f64> = l.band.iter().map(|b| b.2).collect();
                plot.add(egui_plot::FilledArea::new("", &x, &lo, &hi).fill_color(c(l.colour).gamma_multiply(0.15)));
            }
            let pts: Vec<[f64; 2]> = l.points.iter().map(|p| [p.0, p.1]).collect();
            let line = Line::new("", PlotPoints::from(pts)).color(c(l.colour)).width(1.5).style(line_style(l.dash));
            plot.line(line.allow_hover(false));
        }
        for &(v, k) in &xy.hlines {
            plot.hline(egui_plot::HLine::new("", v).color(c(k)).allow_hover(false));
        }
        for &(v, k) in &xy.vlines {
            plot.vline(VLine::new("", v).color(if dark { Color32::GRAY } else { c(k) }).allow_hover(false));
        }
        for p in &xy.points {
            plot.points(
                Points::new("", PlotPoints::from(vec![[p.at.0, p.at.1]]))
                    .color(c(p.colour))
                    .radius(p.size as f32)
                    .allow_hover(false),
            );
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(lo: f64, hi: f64, width_points: f64, target: f64) -> Vec<f64> {
        let input = GridInput { bounds: (lo, hi), base_step_size: (hi - lo) / width_points * 8.0 };
        nice_marks(input, target).iter().map(|m| m.value).collect()
    }

    #[test]
    fn marks_are_nice_spaced_for_their_labels_and_include_zero() {
        // The lifts chart: -5%..+22% on 300 points.
        let m = marks(-0.05, 0.22, 300.0, 6.0);
        assert_eq!(m.len(), 6, "{m:?}");
        assert!(m.contains(&0.0));
        // Annual impact: -$0.5M..$8.5M on 200 points.
        let m = marks(-0.5e6, 8.5e6, 200.0, 5.0);
        assert!(m.len() >= 3, "{m:?}");
        for w in m.windows(2) {
            let step = w[1] - w[0];
            assert!(step / 9e6 * 200.0 >= 48.0 - 1e-9, "marks {m:?} closer than 48 points");
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!([1.0, 2.0, 2.5, 5.0].iter().any(|n| (mantissa - n).abs() < 1e-9), "step {step}");
        }
        // A wide chart gets about the target, not one per 48 points.
        assert!(marks(0.0, 1.0, 2000.0, 5.0).len() <= 7);
        // Degenerate ranges draw no marks rather than looping.
        assert!(marks(1.0, 1.0, 300.0, 5.0).is_empty());
        assert!(nice_marks(GridInput { bounds: (0.0, f64::INFINITY), base_step_size: 1.0 }, 5.0).is_empty());
    }

    #[test]
    fn a_pointer_on_a_bar_finds_that_bar() {
        let g = Groups { rows: 3, bars: 4 };
        for row in 0..3 {
            for j in 0..4 {
                let y = g.y(row, j);
                assert_eq!(g.at(PlotPoint::new(0.0, y)), Some((row, j)));
                assert_eq!(g.at(PlotPoint::new(0.0, y + g.width() * 0.4)), Some((row, j)));
            }
        }
        assert_eq!(g.at(PlotPoint::new(0.0, 5.0)), None);
    }

    #[test]
    fn strategy_colours_are_distinct_and_never_mean_gain_or_loss() {
        let colours: Vec<Color32> = (0..8).map(|i| style::strategy(i, 0)).collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b);
            }
        }
        for dark in [true, false] {
            for c in &colours[1..] {
                let close = |x: Color32| {
                    let d = |p: u8, q: u8| (p as i32 - q as i32).abs();
                    d(c.r(), x.r()) + d(c.g(), x.g()) + d(c.b(), x.b()) < 90
                };
                assert!(!close(style::gain(dark)) && !close(style::loss(dark)), "{c:?}");
                // Nor a warning: a strategy's colour beside a warning must not read as one.
                let warn = if dark { egui::Visuals::dark() } else { egui::Visuals::light() }.warn_fg_color;
                assert!(!close(warn), "{c:?} is close to the warning colour {warn:?}");
            }
        }
        assert_eq!(colours[0], style::strategy(0, 0), "the holdout is grey");
        assert_eq!(colours[0], Color32::from_rgb(140, 140, 140));
    }

    #[test]
    fn an_x_y_figure_drawn_at_any_size_shows_its_data() {
        // Presentation mode draws every chart through `figure_sized`: an x-y figure
        // (head-to-head, convergence) must show its lines, not an empty 0-1 plot.
        let line = figure::XyLine {
            colour: [10, 20, 30],
            points: vec![(10.0, 100.0), (20.0, 250.0)],
            band: Vec::new(),
            dash: Default::default(),
        };
        let xy = Xy { y_label: "y".into(), lines: vec![line], ..Default::default() };
        let f = figure::xy_figure("xy-test", "An x-y chart", "", "x".into(), figure::Scale::Count, xy);
        let id = std::cell::Cell::new(None);
        let mut state = ChartState::default();
        let mut h = egui_kittest::Harness::new_ui(|ui| {
            id.set(Some(ui.make_persistent_id(egui::IdSalt::new(f.id.clone()))));
            figure_sized(ui, &mut state, 1, &f, 300.0);
        });
        h.run();
        let memory = egui_plot::PlotMemory::load(&h.ctx, id.get().expect("drawn")).expect("a plot");
        let (min, max) = (memory.bounds().min(), memory.bounds().max());
        assert!(min[0] <= 10.0 && max[0] >= 20.0 && min[1] <= 100.0 && max[1] >= 250.0, "{min:?} {max:?}");
        assert!(max[1] > 2.0, "not the empty plot's 0-1 axes: {min:?} {max:?}");
    }
}
