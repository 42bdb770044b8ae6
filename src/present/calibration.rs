//! A calibration in words, charts and one HTML page: what the orders say, what the
//! scenario now holds, what was left at the base's values, and how well the
//! calibrated holdout reproduces the orders.

use serde::Serialize;

use super::DrawError;
use super::draw::{self, Stamp};
use super::figure::{self, Bar, Figure, HOLDOUT, Scale, Xy, XyLine};
use crate::analysis::calibrate::Calibration;
use crate::analysis::fit::{Compared, FIT_REPLICATIONS, FIT_SHOPPERS, Fit};
use crate::format::{money, percent};
use crate::import::orders::Orders;
use crate::model::Scenario;

const TEMPLATE: &str = include_str!("../../assets/fit.html.j2");

/// Data's colour: the reference grey; the model's: ink (a strategy's colour would
/// say it is a strategy).
const DATA: figure::Rgb = HOLDOUT;
const MODEL: figure::Rgb = figure::INK;

/// The footer of the fit's charts.
pub fn stamp(sc: &Scenario) -> Stamp {
    Stamp { scenario: sc.name.clone(), seed: sc.seed(), replications: FIT_REPLICATIONS, visitors: 0 }
}

/// How the KS distance reads.
pub fn ks_words(ks: f64) -> &'static str {
    if !ks.is_finite() {
        "not measured"
    } else if ks <= 0.05 {
        "close"
    } else if ks <= 0.10 {
        "fair"
    } else if ks <= 0.20 {
        "rough"
    } else {
        "poor"
    }
}

/// The data, the changes and the fit in plain text (the command's output).
pub fn summary(o: &Orders, cal: &Calibration, changes: &[String], f: &Fit, cur: &str) -> String {
    let mut out = format!(
        "{}: {} rows, {} orders, {} products{}.\nColumns: {}.\n",
        o.file,
        o.rows,
        o.orders.len(),
        o.products.len(),
        if o.customers > 0 { format!(", {} customers", o.customers) } else { String::new() },
        o.columns.describe().join("; ")
    );
    for n in &cal.notes {
        out.push_str(&format!("  - {n}\n"));
    }
    if !o.skipped.is_empty() {
        out.push_str("Skipped:\n");
        for s in crate::import::skipped_summary(&o.skipped) {
            out.push_str(&format!("  - {s}\n"));
        }
    }
    out.push_str("\nFrom the orders:\n");
    let sizes: Vec<f64> = cal.sizes.iter().map(|&s| f64::from(s)).collect();
    let mean = crate::stats::mean(&sizes).unwrap_or(0.0);
    out.push_str(&format!("  - items per order: mean {mean:.2}, median {}\n", f.basket.median.0));
    if let Some(v) = &f.values {
        out.push_str(&format!(
            "  - order value: AOV {}, median {}, 90th percentile {}\n",
            money(v.mean.0, cur, 2),
            money(v.median.0, cur, 2),
            money(v.p90.0, cur, 2)
        ));
    }
    if let Some(r) = &cal.repeat {
        out.push_str(&format!(
            "  - customers: {} ordered on two days or more; {:.2} orders each on average{}\n",
            percent(r.share_repeat, 1),
            r.mean_orders,
            r.median_gap_days.map_or(String::new(), |g| format!("; median {g:.0} days between orders"))
        ));
    }
    for c in changes {
        out.push_str(&format!("  - {c}\n"));
    }
    if !cal.pairs.is_empty() {
        out.push_str("Strongest complements (lift; orders together):\n");
        for p in cal.pairs.iter().take(8) {
            out.push_str(&format!("  - {} + {}: {:.1}; {}\n", p.a, p.b, p.lift, p.together));
        }
    }
    out.push_str("Left at the base scenario's values (the orders cannot tell):\n");
    for n in &cal.not_from_data {
        out.push_str(&format!("  - {n}\n"));
    }
    out.push_str(&format!("\nProof of fit ({} orders of the calibrated holdout, simulated):\n", f.simulated));
    out.push_str(&format!("  {}\n", crate::analysis::fit::IN_SAMPLE));
    out.push_str(&format!(
        "  - items per order: KS distance {:.3} ({}; noise alone reaches {:.3}); mean {:.2} in the data, {:.2} simulated\n",
        f.basket.ks,
        ks_words(f.basket.ks),
        f.basket.noise,
        f.basket.mean.0,
        f.basket.mean.1
    ));
    if let Some(v) = &f.values {
        out.push_str(&format!(
            "  - order value: KS distance {:.3} ({}; noise alone reaches {:.3}); AOV {} in the data, {} simulated; median {} and {}\n",
            v.ks,
            ks_words(v.ks),
            v.noise,
            money(v.mean.0, cur, 2),
            money(v.mean.1, cur, 2),
            money(v.median.0, cur, 2),
            money(v.median.1, cur, 2)
        ));
    }
    if f.category_distance.is_finite() {
        out.push_str(&format!(
            "  - category shares: total variation distance {:.3} (0: the same shares)\n",
            f.category_distance
        ));
    }
    out
}

fn histogram(id: &str, title: &str, note: &str, x_label: &str, scale: Scale, c: &Compared) -> Figure {
    let w = c.bin_width;
    let mut xy = Xy { y_label: "share of orders".into(), y_scale: Some(Scale::Share), ..Default::default() };
    for &(x, d, _) in &c.bins {
        xy.rects.push(([x, 0.0, x + w * 0.9, d], DATA));
    }
    xy.lines.push(XyLine {
        colour: MODEL,
        points: c.bins.iter().map(|&(x, _, m)| (x + w * 0.45, m)).collect(),
        band: Vec::new(),
        dash: figure::Dash::Solid,
    });
    let mut f = figure::xy_figure(id, title, note, x_label.to_string(), scale, xy);
    f.legend = vec![("the orders".into(), DATA), ("the calibrated model (holdout)".into(), MODEL)];
    f
}

/// The fit's charts: items per order, order value (where the data has amounts),
/// category shares and the strongest complements.
pub fn figures(cal: &Calibration, f: &Fit, cur: &str) -> Vec<Figure> {
    let mut out = vec![histogram(
        "fit-basket-size",
        "Items per order: the orders and the calibrated model",
        &format!(
            "Bars: the orders; line: the model's {} holdout orders (from {FIT_REPLICATIONS} x {FIT_SHOPPERS} shoppers with a cart); the last bar gathers the longest 1%. KS distance {:.3} ({}).",
            f.simulated,
            f.basket.ks,
            ks_words(f.basket.ks)
        ),
        "items per order",
        Scale::Count,
        &f.basket,
    )];
    if let Some(v) = &f.values {
        out.push(histogram(
            "fit-order-value",
            "Order value: the orders and the calibrated model",
            &format!(
                "Bars: the orders; line: the model's {} holdout orders; the last bar gathers the largest 1%. KS distance {:.3} ({}).",
                f.simulated,
                v.ks,
                ks_words(v.ks)
            ),
            &format!("order value ({cur})"),
            Scale::Money(cur.to_string()),
            v,
        ));
    }
    if !f.categories.is_empty() {
        let rows: Vec<String> = f.categories.iter().map(|c| c.0.clone()).collect();
        let mut g = figure::Figure::rows_chart(
            "fit-categories",
            "Category shares of order lines",
            &format!(
                "Grey: the orders; black: the model's holdout orders. Total variation distance {:.3}.",
                f.category_distance
            ),
            "share of order lines".into(),
            Scale::Share,
            rows,
        );
        g.slots = 2;
        for (row, c) in f.categories.iter().enumerate() {
            for (slot, v, colour) in [(0, c.1, DATA), (1, c.2, MODEL)] {
                g.bars.push(Bar { row, slot, from: 0.0, to: v, colour, whisker: None, label: Some(percent(v, 1)) });
            }
        }
        g.legend = vec![("the orders".into(), DATA), ("the calibrated model".into(), MODEL)];
        out.push(g);
    }
    if !cal.pairs.is_empty() {
        let pairs: Vec<_> = cal.pairs.iter().take(12).collect();
        let mut g = figure::Figure::rows_chart(
            "fit-complements",
            "The strongest complements in the orders",
            &format!(
                "Co-purchase lift of pairs bought together in at least {} orders; each becomes a link of strength 1 - 1/lift.",
                cal.min_support
            ),
            "lift (1: bought together as often as chance)".into(),
            Scale::Count,
            pairs.iter().map(|p| format!("{} + {}", p.a, p.b)).collect(),
        );
        for (row, p) in pairs.iter().enumerate() {
            g.bars.push(Bar {
                row,
                slot: 0,
                from: 0.0,
                to: p.lift,
                colour: figure::GAIN,
                whisker: None,
                label: Some(format!("{:.1} (strength {:.2})", p.lift, p.strength)),
            });
        }
        out.push(g);
    }
    out
}

/// The proof of fit as one self-contained HTML page.
pub fn html(cal: &Calibration, f: &Fit, sc: &Scenario, description: &str) -> Result<String, DrawError> {
    let stamp = stamp(sc);
    #[derive(Serialize)]
    struct Chart {
        id: String,
        svg: String,
    }
    let charts = figures(cal, f, &sc.store.currency)
        .iter()
        .map(|g| Ok(Chart { id: g.id.clone(), svg: super::html::svg_body(&draw::svg(g, &stamp)?) }))
        .collect::<Result<Vec<_>, DrawError>>()?;
    let cur = &sc.store.currency;
    let mut rows: Vec<[String; 4]> = vec![[
        "Items per order".into(),
        format!("mean {:.2}, median {}, P90 {}", f.basket.mean.0, f.basket.median.0, f.basket.p90.0),
        format!("mean {:.2}, median {}, P90 {}", f.basket.mean.1, f.basket.median.1, f.basket.p90.1),
        format!("KS {:.3} ({}; noise {:.3})", f.basket.ks, ks_words(f.basket.ks), f.basket.noise),
    ]];
    if let Some(v) = &f.values {
        let m = |a: f64| money(a, cur, 2);
        rows.push([
            "Order value".into(),
            format!("AOV {}, median {}, P90 {}", m(v.mean.0), m(v.median.0), m(v.p90.0)),
            format!("AOV {}, median {}, P90 {}", m(v.mean.1), m(v.median.1), m(v.p90.1)),
            format!("KS {:.3} ({}; noise {:.3})", v.ks, ks_words(v.ks), v.noise),
        ]);
    }
    if f.category_distance.is_finite() {
        rows.push([
            "Category shares".into(),
            format!("{} categories", cal.categories.len()),
            String::new(),
            format!("total variation {:.3}", f.category_distance),
        ]);
    }
    #[derive(Serialize)]
    struct Context<'a> {
        file: &'a str,
        orders: usize,
        simulated: usize,
        scenario: &'a str,
        version: &'a str,
        rows: Vec<[String; 4]>,
        charts: Vec<Chart>,
        not_from_data: &'a [String],
        notes: &'a [String],
        description: &'a str,
        in_sample: &'a str,
    }
    super::render(
        "fit.html",
        TEMPLATE,
        Context {
            file: &crate::import::file_name(&cal.file),
            orders: cal.orders,
            simulated: f.simulated,
            scenario: &sc.name,
            version: crate::version::LONG,
            rows,
            charts,
            not_from_data: &cal.not_from_data,
            notes: &cal.notes,
            description,
            in_sample: crate::analysis::fit::IN_SAMPLE,
        },
    )
}
