//! Draws a [`Figure`] with plotters, to SVG text or PNG bytes (twice the SVG's size,
//! for slides), with its title, note, legend (above the plot, covering no data) and a
//! footer naming the scenario, its seed and the app's version. No system libraries:
//! the PNG's text is drawn with the DejaVu Sans bundled under `assets/fonts`.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawError;
use super::figure::{Figure, Rgb};

/// What a chart is stamped with.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Visitors per replication.
    pub visitors: u64,
}

impl Stamp {
    /// A run's own: the replications it summarised (a cancelled run's or one stopped
    /// by a precision target's fewer) and its visitors.
    pub fn of_report(r: &crate::report::Report) -> Self {
        Stamp {
            scenario: r.scenario.clone(),
            seed: r.seed,
            replications: r.replications,
            visitors: r.visitors_per_replication,
        }
    }

    /// What an analysis of `spec` (as it ran, overrides included) runs: its
    /// replications of its visitors.
    pub fn of_spec(spec: &crate::model::ScenarioSpec) -> Self {
        Stamp {
            scenario: spec.name.clone(),
            seed: spec.store.seed,
            replications: spec.store.replications,
            visitors: spec.store.visitors,
        }
    }

    /// A holdout plan's: its worlds, and the visitors of the planned test.
    pub fn of_plan(scenario: &str, seed: u64, p: &crate::analysis::plan::Planned) -> Self {
        Stamp { scenario: scenario.to_string(), seed, replications: p.worlds, visitors: p.groups.0 + p.groups.1 }
    }

    /// The footer line (a stamp with no visitors, such as a proof of fit's, names only
    /// the replications).
    pub fn footer(&self) -> String {
        let visitors = if self.visitors > 0 {
            format!(" x {} visitors", crate::format::int(self.visitors))
        } else {
            String::new()
        };
        format!(
            "{} · seed {} · {} replications{visitors} · AOV Lab {}",
            self.scenario,
            self.seed,
            self.replications,
            crate::version::LONG
        )
    }
}

/// Width of a chart, in SVG pixels (the PNG has twice as many).
pub const WIDTH: u32 = 1000;

/// Registers the bundled font once (plotters draws the PNG's text with it).
fn fonts() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| {
        let normal = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        );
        let bold = plotters::style::register_font(
            "sans-serif",
            FontStyle::Bold,
            include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
        );
        normal.is_ok() && bold.is_ok()
    })
}

/// Characters of a title line (26 px bold DejaVu Sans is about 16 px a character)
/// and of a note line (15 px, about 8.6 px), across the chart's width less margins.
const TITLE_CHARS: usize = 59;
const NOTE_CHARS: usize = 110;
/// Characters of a row name's line on the value axis (15 px, about 8.6 px each), and
/// the widest the names' area may be.
const ROW_CHARS: usize = 34;

/// The header's layout: the title's and the note's lines, wrapped (never cut), and
/// each legend entry's position; the plot starts at `top`.
struct Header {
    title: Vec<String>,
    note: Vec<String>,
    legend: Vec<(f64, f64)>,
    top: f64,
}

impl Header {
    fn of(f: &Figure) -> Self {
        let title = crate::format::wrap_words(&f.title, TITLE_CHARS);
        let note = crate::format::wrap_words(&f.note, NOTE_CHARS);
        let mut y = 18.0 + 32.0 * title.len() as f64 + 6.0 + 20.0 * note.len() as f64 + 8.0;
        let mut x = 24.0;
        let mut legend = Vec::with_capacity(f.legend.len());
        for (name, _) in &f.legend {
            let text_w = name.chars().count() as f64 * 8.4 + 40.0;
            if x + text_w > f64::from(WIDTH) - 24.0 && x > 24.0 {
                x = 24.0;
                y += 24.0;
            }
            legend.push((x, y));
            x += text_w;
        }
        Header { title, note, legend, top: y + 36.0 }
    }

    /// How much taller than one line of title and of note it is.
    fn extra(&self) -> u32 {
        (self.top - 120.0).max(0.0).round() as u32
    }
}

/// Row names wrapped to the names' area: each row's lines.
fn row_lines(f: &Figure) -> Vec<Vec<String>> {
    f.rows.iter().map(|r| crate::format::wrap_words(r, ROW_CHARS)).collect()
}

/// The chart's height for its header and rows.
pub fn height(f: &Figure) -> u32 {
    let extra = Header::of(f).extra();
    if f.xy.is_some() {
        return 620 + extra;
    }
    let lines = row_lines(f).iter().map(Vec::len).max().unwrap_or(1) as u32;
    let per_row = (14 + 24 * f.slots.max(1) as u32).max(18 * lines + 10);
    (170 + 80 + f.rows.len() as u32 * per_row).max(380) + extra
}

fn failed(f: &Figure, e: impl std::fmt::Display) -> DrawError {
    DrawError::Figure { figure: f.id.clone(), reason: e.to_string() }
}

fn colour(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// The figure as an SVG document.
pub fn svg(f: &Figure, stamp: &Stamp) -> Result<String, DrawError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height(f))).into_drawing_area();
        paint(&root, f, stamp, 1.0).map_err(|e| failed(f, e))?;
        root.present().map_err(|e| failed(f, e))?;
    }
    Ok(out)
}

/// The figure as a PNG at twice the SVG's size.
pub fn png(f: &Figure, stamp: &Stamp) -> Result<Vec<u8>, DrawError> {
    if !fonts() {
        return Err(DrawError::Font);
    }
    let (w, h) = (WIDTH * 2, height(f) * 2);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        paint(&root, f, stamp, 2.0).map_err(|e| failed(f, e))?;
        root.present().map_err(|e| failed(f, e))?;
    }
    let img = image::RgbImage::from_raw(w, h, buf)
        .ok_or_else(|| DrawError::Image("the image buffer has the wrong size".into()))?;
    let mut bytes = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| DrawError::Image(e.to_string()))?;
    Ok(bytes)
}

type Failed<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// Draws the figure on `root`, every length times `k`.
fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    f: &Figure,
    stamp: &Stamp,
    k: f64,
) -> Result<(), Failed<DB>> {
    let px = |v: f64| (v * k).round() as i32;
    let size = |v: f64| v * k;
    let grey = RGBColor(90, 90, 90);
    root.fill(&WHITE)?;
    let (_, h) = root.dim_in_pixel();
    let header = Header::of(f);
    let title_font = ("sans-serif", size(26.0)).into_font().style(FontStyle::Bold).color(&BLACK);
    for (i, line) in header.title.iter().enumerate() {
        root.draw(&Text::new(line.clone(), (px(24.0), px(18.0 + 32.0 * i as f64)), title_font.clone()))?;
    }
    let note_top = 18.0 + 32.0 * header.title.len() as f64 + 6.0;
    for (i, line) in header.note.iter().enumerate() {
        let at = (px(24.0), px(note_top + 20.0 * i as f64));
        root.draw(&Text::new(line.clone(), at, ("sans-serif", size(15.0)).into_font().color(&grey)))?;
    }
    // The legend: a row of swatches under the note, wrapped.
    for ((name, c), &(x, y)) in f.legend.iter().zip(&header.legend) {
        let (x, y) = (px(x), px(y));
        root.draw(&Rectangle::new([(x, y + px(2.0)), (x + px(14.0), y + px(16.0))], colour(*c).filled()))?;
        root.draw(&Text::new(name.clone(), (x + px(20.0), y), ("sans-serif", size(15.0)).into_font().color(&BLACK)))?;
    }
    let top = px(header.top) as u32;
    root.draw(&Text::new(
        stamp.footer(),
        (px(24.0), h as i32 - px(26.0)),
        ("sans-serif", size(13.0)).into_font().color(&grey),
    ))?;
    let plot = root.margin(top, px(44.0) as u32, px(12.0) as u32, px(28.0) as u32);
    if let Some(xy) = &f.xy {
        return paint_xy(&plot, f, xy, k);
    }
    let n = f.rows.len().max(1) as f64;
    let (lo, hi) = f.range();
    // Row names are drawn whole, wrapped onto as many lines as they need.
    let names = row_lines(f);
    let longest = names.iter().flatten().map(|l| l.chars().count()).max().unwrap_or(4) as f64;
    let mut chart = ChartBuilder::on(&plot)
        .x_label_area_size(px(56.0))
        .y_label_area_size(px(longest * 8.6 + 16.0))
        .build_cartesian_2d(lo..hi, -0.5..n - 0.5)?;
    let scale = f.scale.clone();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(7)
        .x_label_formatter(&|x: &f64| scale.text(*x))
        .x_desc(f.x_label.clone())
        .label_style(("sans-serif", size(15.0)))
        .axis_desc_style(("sans-serif", size(15.0)))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    let name_font = ("sans-serif", size(15.0)).into_font().color(&BLACK).pos(Pos::new(HPos::Right, VPos::Center));
    for (row, lines) in names.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(lo, n - 1.0 - row as f64));
        let first = y as f64 - size(18.0) * (lines.len() as f64 - 1.0) / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let at = (x - px(8.0), (first + size(18.0) * i as f64).round() as i32);
            root.draw(&Text::new(line.clone(), at, name_font.clone()))?;
        }
    }
    let slot_h = 0.8 / f.slots.max(1) as f64;
    let centre = |row: usize, slot: usize| (n - 1.0 - row as f64) + 0.4 - slot_h * (slot as f64 + 0.5);
    // Curves first (under everything).
    for c in &f.curves {
        let y0 = n - 1.0 - c.row as f64 - 0.4;
        let mut pts: Vec<(f64, f64)> = c.points.iter().map(|&(x, v)| (x, y0 + 0.85 * v)).collect();
        let outline = pts.clone();
        if let (Some(first), Some(last)) = (pts.first().copied(), pts.last().copied()) {
            pts.push((last.0, y0));
            pts.push((first.0, y0));
        }
        chart.draw_series(std::iter::once(Polygon::new(pts, colour(c.colour).mix(0.35).filled())))?;
        chart.draw_series(std::iter::once(PathElement::new(outline, colour(c.colour).stroke_width(px(1.5) as u32))))?;
    }
    for b in &f.bars {
        let y = centre(b.row, b.slot);
        let half = slot_h * 0.45;
        let (x0, x1) = (b.from.min(b.to), b.from.max(b.to));
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, y - half), (x1, y + half)],
            colour(b.colour).filled(),
        )))?;
        if let Some((p5, p95)) = b.whisker {
            let style = BLACK.stroke_width(px(1.5) as u32);
            chart.draw_series(std::iter::once(PathElement::new(vec![(p5, y), (p95, y)], style)))?;
            for x in [p5, p95] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y - half * 0.6), (x, y + half * 0.6)],
                    style,
                )))?;
            }
        }
        if let Some(label) = &b.label {
            let at = x1 + (hi - lo) * 0.01;
            let font = ("sans-serif", size(14.0)).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
            chart.draw_series(std::iter::once(Text::new(label.clone(), (at, y), font)))?;
        }
    }
    for d in &f.dots {
        let y =
            if f.curves.iter().any(|c| c.row == d.row) { n - 1.0 - d.row as f64 - 0.4 } else { n - 1.0 - d.row as f64 };
        chart.draw_series(std::iter::once(Circle::new((d.x, y), px(5.0), colour(d.colour).filled())))?;
    }
    if let Some(r) = f.reference {
        let style = RGBColor(120, 120, 120).stroke_width(px(2.0) as u32);
        chart.draw_series(std::iter::once(PathElement::new(vec![(r, -0.5), (r, n - 0.5)], style)))?;
    }
    if f.zero_line && lo < 0.0 && hi > 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n - 0.5)],
            RGBColor(120, 120, 120).stroke_width(px(1.0) as u32),
        )))?;
    }
    Ok(())
}

/// An x-y chart: rectangles, bands, lines, points and reference lines.
fn paint_xy<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    f: &Figure,
    xy: &super::figure::Xy,
    k: f64,
) -> Result<(), Failed<DB>> {
    let px = |v: f64| (v * k).round() as i32;
    let size = |v: f64| v * k;
    let ((x0, x1), (y0, y1)) = xy.ranges();
    let mut chart = ChartBuilder::on(plot)
        .x_label_area_size(px(56.0))
        .y_label_area_size(px(86.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let (xs, ys) = (f.scale.clone(), xy.y_scale.clone().unwrap_or(super::figure::Scale::Share));
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(7)
        .x_label_formatter(&|x: &f64| xs.text(*x))
        .y_label_formatter(&|y: &f64| ys.text(*y))
        .x_desc(f.x_label.clone())
        .y_desc(xy.y_label.clone())
        .label_style(("sans-serif", size(15.0)))
        .axis_desc_style(("sans-serif", size(15.0)))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    for (r, c) in &xy.rects {
        chart.draw_series(std::iter::once(Rectangle::new([(r[0], r[1]), (r[2], r[3])], colour(*c).filled())))?;
    }
    for l in &xy.lines {
        if l.band.len() > 1 {
            let mut pts: Vec<(f64, f64)> = l.band.iter().map(|b| (b.0, b.2)).collect();
            pts.extend(l.band.iter().rev().map(|b| (b.0, b.1)));
            chart.draw_series(std::iter::once(Polygon::new(pts, colour(l.colour).mix(0.2).filled())))?;
        }
        let style = colour(l.colour).stroke_width(px(2.0) as u32);
        match l.dash {
            super::figure::Dash::Solid => chart.draw_series(LineSeries::new(l.points.clone(), style))?,
            super::figure::Dash::Dashed => {
                chart.draw_series(DashedLineSeries::new(l.points.clone(), px(10.0), px(6.0), style))?
            }
            super::figure::Dash::Dotted => {
                chart.draw_series(DashedLineSeries::new(l.points.clone(), px(2.0), px(5.0), style))?
            }
        };
    }
    for &(v, c) in &xy.hlines {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x0, v), (x1, v)],
            colour(c).stroke_width(px(1.5) as u32),
        )))?;
    }
    for &(v, c) in &xy.vlines {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(v, y0), (v, y1)],
            colour(c).stroke_width(px(1.5) as u32),
        )))?;
    }
    for (at, text, c) in &xy.texts {
        let font = ("sans-serif", size(13.0)).into_font().color(&colour(*c)).pos(Pos::new(HPos::Center, VPos::Center));
        chart.draw_series(std::iter::once(Text::new(text.clone(), *at, font)))?;
    }
    for p in &xy.points {
        chart.draw_series(std::iter::once(Circle::new(p.at, px(p.size), colour(p.colour).filled())))?;
        if let Some(label) = &p.label {
            let at = p.label_at.unwrap_or(p.at);
            if at != p.at {
                let style = RGBColor(150, 150, 150).stroke_width(px(1.0) as u32);
                chart.draw_series(std::iter::once(PathElement::new(vec![p.at, at], style)))?;
            }
            let font = ("sans-serif", size(13.0)).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Bottom));
            chart.draw_series(std::iter::once(Text::new(format!(" {label}"), at, font)))?;
        }
    }
    Ok(())
}
