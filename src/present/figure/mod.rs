//! Charts as data: every number, label and colour of a chart, computed once, for any
//! backend to draw (files with [`super::draw`], the app's dashboard on screen).
//!
//! A figure is a row chart: named rows top to bottom, each with up to `slots` bars
//! side by side (a bar runs from `from` to `to` on a horizontal value axis, with an
//! optional P5-P95 whisker and value label), dots, and curves (a ridgeline's
//! densities, heights 0 to 1 within their row); or an x-y chart ([`Xy`]: lines with
//! bands, points, rectangles). [`dashboard`] builds the dashboard's, [`analysis`]
//! the analysis tabs'.

use serde::Serialize;

use crate::format::{money, money_compact, percent, signed_percent};
use crate::report::{Metric, Replication, Report, StrategyReport};

/// A colour, red-green-blue.
pub type Rgb = [u8; 3];

/// Strategy colours (no green or red: those mean gain and loss; no orange or amber:
/// those mean a warning in the app); the app's too.
pub const PALETTE: [Rgb; 8] = [
    [66, 133, 244],
    [40, 75, 165],
    [156, 92, 204],
    [0, 158, 170],
    [214, 96, 160],
    [150, 111, 80],
    [140, 150, 30],
    [90, 110, 150],
];
/// The holdout's grey.
pub const HOLDOUT: Rgb = [140, 140, 140];
/// Gains, on a light background.
pub const GAIN: Rgb = [20, 125, 45];
/// Losses, on a light background.
pub const LOSS: Rgb = [190, 30, 30];

/// The colour of strategy `index` (scenario order) beside the holdout `holdout`.
pub fn strategy_colour(index: usize, holdout: usize) -> Rgb {
    if index == holdout {
        return HOLDOUT;
    }
    let k = if index > holdout { index - 1 } else { index };
    PALETTE[k % PALETTE.len()]
}

/// The ink of what is not a strategy: a calibrated model beside its data, a
/// frontier.
pub const INK: Rgb = [30, 30, 30];

/// A lighter shade (the conversion part of a decomposition).
pub fn lighter(c: Rgb) -> Rgb {
    c.map(|v| (f64::from(v) + (255.0 - f64::from(v)) * 0.55) as u8)
}

/// How the value axis reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Scale {
    /// A relative change: +10%.
    Relative,
    /// A share: 10%.
    Share,
    /// Money with cents (revenue per visitor).
    Money(String),
    /// Money in short form ($1.2M).
    MoneyCompact(String),
    /// A count or any plain number.
    Count,
}

impl Scale {
    /// A tick or value label.
    pub fn text(&self, v: f64) -> String {
        match self {
            Scale::Relative => signed_percent(v, decimals(v)),
            Scale::Share => percent(v, decimals(v)),
            Scale::Money(c) => money(v, c, 2),
            Scale::MoneyCompact(c) => money_compact(v, c),
            Scale::Count => crate::format::round_significant(v, 6).to_string(),
        }
    }
}

/// Decimals for a share: none for whole percentages, else one.
fn decimals(v: f64) -> usize {
    let p = v * 100.0;
    if (p - p.round()).abs() < 1e-9 { 0 } else { 1 }
}

/// A bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    /// Row, from the top.
    pub row: usize,
    /// Position within the row (0: top).
    pub slot: usize,
    /// Where it starts on the value axis.
    pub from: f64,
    /// Where it ends.
    pub to: f64,
    /// Fill.
    pub colour: Rgb,
    /// A P5-P95 whisker.
    pub whisker: Option<(f64, f64)>,
    /// A value printed beside it.
    pub label: Option<String>,
}

/// A dot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dot {
    /// Row.
    pub row: usize,
    /// Value.
    pub x: f64,
    /// Colour.
    pub colour: Rgb,
}

/// A density drawn within its row (a ridgeline).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// Row.
    pub row: usize,
    /// (value, height from 0 to 1).
    pub points: Vec<(f64, f64)>,
    /// Colour.
    pub colour: Rgb,
}

/// One chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// File name stem (`lifts`).
    pub id: String,
    /// Title.
    pub title: String,
    /// How to read it, in a sentence.
    pub note: String,
    /// The value axis's label, with its unit.
    pub x_label: String,
    /// How values read.
    pub scale: Scale,
    /// Row names, top to bottom.
    pub rows: Vec<String>,
    /// Bars per row.
    pub slots: usize,
    /// Bars.
    pub bars: Vec<Bar>,
    /// Dots.
    pub dots: Vec<Dot>,
    /// Curves.
    pub curves: Vec<Curve>,
    /// Legend entries.
    pub legend: Vec<(String, Rgb)>,
    /// What each slot's bar is, in words, for a pointer over it when the legend names
    /// strategies instead (the decomposition's conversion and AOV parts); empty when
    /// the row name says enough.
    pub slot_names: Vec<String>,
    /// Draw a line at zero.
    pub zero_line: bool,
    /// A reference value drawn as a grey line (a tornado's base outcome).
    pub reference: Option<f64>,
    /// An x-y chart instead of rows (lines, bands, points, rectangles); the rows,
    /// bars, dots and curves are then unused and `scale` reads the x axis.
    pub xy: Option<Xy>,
}

/// An x-y chart's content.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Xy {
    /// The y axis's label.
    pub y_label: String,
    /// How y values read.
    pub y_scale: Option<Scale>,
    /// Lines, each with an optional band.
    pub lines: Vec<XyLine>,
    /// Points (a scatter), each with an optional label.
    pub points: Vec<XyPoint>,
    /// Filled rectangles (a histogram's bars, a heatmap's cells): x0, y0, x1, y1.
    pub rects: Vec<([f64; 4], Rgb)>,
    /// Horizontal reference lines.
    pub hlines: Vec<(f64, Rgb)>,
    /// Vertical reference lines.
    pub vlines: Vec<(f64, Rgb)>,
    /// Text centred on a point, in a colour (a heatmap cell's value).
    pub texts: Vec<((f64, f64), String, Rgb)>,
}

/// How a line is drawn: where one chart's lines share a colour (one strategy's
/// lifts), their dash tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum Dash {
    /// Solid.
    #[default]
    Solid,
    /// Dashed.
    Dashed,
    /// Dotted.
    Dotted,
}

impl Dash {
    /// How the legend says it: `` (solid), ` (dashed)`, ` (dotted)`.
    pub fn words(self) -> &'static str {
        match self {
            Dash::Solid => " (solid)",
            Dash::Dashed => " (dashed)",
            Dash::Dotted => " (dotted)",
        }
    }
}

/// A line of an x-y chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XyLine {
    /// Colour.
    pub colour: Rgb,
    /// (x, y), by x.
    pub points: Vec<(f64, f64)>,
    /// (x, lower, upper): a band drawn under the line.
    pub band: Vec<(f64, f64, f64)>,
    /// Its dash.
    pub dash: Dash,
}

/// A point of an x-y chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XyPoint {
    /// Position.
    pub at: (f64, f64),
    /// Colour.
    pub colour: Rgb,
    /// Radius in pixels.
    pub size: f64,
    /// A label beside it.
    pub label: Option<String>,
    /// Where the label is drawn when it had to move off its point so as not to cover
    /// another label ([`Xy::spread_labels`]); a thin line joins the two.
    pub label_at: Option<(f64, f64)>,
}

impl Xy {
    /// Moves point labels that would cover one another: labels are placed from the
    /// lowest point up, each at its point unless it would overlap a label already
    /// placed (a label about 1.05% of the x range wide per character and 5% of the y
    /// range high), then just above that one. Names are never dropped or cut.
    pub fn spread_labels(&mut self) {
        const CHAR_W: f64 = 0.0105;
        const LINE_H: f64 = 0.05;
        let ((x0, x1), (y0, y1)) = self.ranges();
        let (sx, sy) = ((x1 - x0).max(1e-12), (y1 - y0).max(1e-12));
        let mut order: Vec<usize> = (0..self.points.len()).filter(|&i| self.points[i].label.is_some()).collect();
        order.sort_by(|&a, &b| self.points[a].at.1.total_cmp(&self.points[b].at.1).then(a.cmp(&b)));
        let mut placed: Vec<(f64, f64, f64)> = Vec::new();
        for i in order {
            let p = &mut self.points[i];
            let chars = p.label.as_deref().map_or(0, |l| l.chars().count() + 1) as f64;
            let (nx, mut ny) = ((p.at.0 - x0) / sx, (p.at.1 - y0) / sy);
            let start = ny;
            let w = chars * CHAR_W;
            while let Some(&(_, _, y)) =
                placed.iter().find(|q| q.0 < nx + w && nx < q.1 && (q.2 - ny).abs() < LINE_H - 1e-9)
            {
                ny = y + LINE_H;
            }
            placed.push((nx, nx + w, ny));
            p.label_at = (ny != start).then_some((p.at.0, y0 + ny * sy));
        }
    }

    /// The x and y ranges of everything drawn, padded a little.
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let (mut x, mut y) = ((f64::INFINITY, f64::NEG_INFINITY), (f64::INFINITY, f64::NEG_INFINITY));
        let mut see = |a: f64, b: f64| {
            if a.is_finite() && b.is_finite() {
                x = (x.0.min(a), x.1.max(a));
                y = (y.0.min(b), y.1.max(b));
            }
        };
        for l in &self.lines {
            l.points.iter().for_each(|p| see(p.0, p.1));
            l.band.iter().for_each(|b| {
                see(b.0, b.1);
                see(b.0, b.2);
            });
        }
        self.points.iter().for_each(|p| see(p.at.0, p.at.1));
        self.points.iter().filter_map(|p| p.label_at).for_each(|(a, b)| see(a, b));
        for (r, _) in &self.rects {
            see(r[0], r[1]);
            see(r[2], r[3]);
        }
        if !(x.0.is_finite() && y.0.is_finite()) {
            return ((0.0, 1.0), (0.0, 1.0));
        }
        for &(v, _) in &self.hlines {
            y = (y.0.min(v), y.1.max(v));
        }
        for &(v, _) in &self.vlines {
            x = (x.0.min(v), x.1.max(v));
        }
        let pad = |(a, b): (f64, f64)| {
            let d = (b - a).abs().max(1e-9) * 0.04;
            (a - d, b + d)
        };
        (pad(x), pad(y))
    }
}

impl Figure {
    /// A row chart with no bars yet.
    pub fn rows_chart(id: &str, title: &str, note: &str, x_label: String, scale: Scale, rows: Vec<String>) -> Self {
        Self::new(id, title, note, x_label, scale, rows)
    }

    fn new(id: &str, title: &str, note: &str, x_label: String, scale: Scale, rows: Vec<String>) -> Self {
        Figure {
            id: id.into(),
            title: title.into(),
            note: note.into(),
            x_label,
            scale,
            rows,
            slots: 1,
            bars: Vec::new(),
            dots: Vec::new(),
            curves: Vec::new(),
            legend: Vec::new(),
            slot_names: Vec::new(),
            zero_line: true,
            reference: None,
            xy: None,
        }
    }

    /// The value axis's range: every bar, whisker, dot and curve, zero, and room for
    /// labels on the right.
    pub fn range(&self) -> (f64, f64) {
        let mut lo = if self.zero_line { 0.0f64 } else { f64::INFINITY };
        let mut hi = if self.zero_line { 0.0f64 } else { f64::NEG_INFINITY };
        let mut see = |v: f64| {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        };
        for b in &self.bars {
            see(b.from);
            see(b.to);
            if let Some((a, c)) = b.whisker {
                see(a);
                see(c);
            }
        }
        self.dots.iter().for_each(|d| see(d.x));
        if let Some(r) = self.reference {
            see(r);
        }
        self.curves.iter().flat_map(|c| &c.points).for_each(|p| see(p.0));
        if !(lo.is_finite() && hi.is_finite()) {
            return (0.0, 1.0);
        }
        let span = (hi - lo).max(1e-9);
        let labels = if self.bars.iter().any(|b| b.label.is_some()) { 0.22 } else { 0.04 };
        (lo - span * 0.04, hi + span * labels)
    }
}

pub mod analysis;
pub mod dashboard;

pub use analysis::*;
pub use dashboard::*;

/// How a metric's values read on an axis.
pub fn scale_of(m: Metric, currency: &str) -> Scale {
    use crate::report::metric::MetricUnit;
    match m.unit() {
        MetricUnit::Rate | MetricUnit::PerThousand => Scale::Share,
        MetricUnit::Relative => Scale::Relative,
        MetricUnit::Money | MetricUnit::MoneyPerVisitor => Scale::Money(currency.to_string()),
        MetricUnit::MoneyPerYear => Scale::MoneyCompact(currency.to_string()),
        MetricUnit::Ratio | MetricUnit::Months => Scale::Count,
    }
}

/// An x-y figure with no rows.
pub fn xy_figure(id: &str, title: &str, note: &str, x_label: String, scale: Scale, xy: Xy) -> Figure {
    let mut f = Figure::new(id, title, note, x_label, scale, Vec::new());
    f.zero_line = false;
    f.xy = Some(xy);
    f
}

/// A file-name-safe form of a name: lower case letters, digits and dashes.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "strategy".into() } else { s }
}
