//! Net of returns, and what a vendor would claim (MODEL.md rules 18 and 21): a table
//! per strategy from gross revenue to net, beside the vendor's attributed revenue and
//! what the holdout measures, with the claim in words.

use egui::{Grid, RichText, Ui};

use crate::format::money;
use crate::report::net::{NetRow, rows};
use crate::report::{Metric, Report};

/// The gross-to-net table, then the vendor's view, for every strategy.
pub fn panel(ui: &mut Ui, r: &Report) {
    let rows = rows(r);
    let cur = &r.currency;
    let m = |x: f64| money(x, cur, 3);
    let any_returns = rows.iter().any(|x| x.refunds.abs() > 1e-12);
    if !any_returns {
        ui.label(
            RichText::new(
                "No returns are modelled (every return rate is 0): net equals gross. Set them on the \
                 Behaviour page.",
            )
            .weak(),
        );
    }
    let head = |ui: &mut Ui, text: &str, tip: &str| {
        ui.label(RichText::new(text).strong()).on_hover_text(tip);
    };
    Grid::new("gross-to-net").striped(true).show(ui, |ui| {
        head(ui, "Per visitor", "Means across replications, in currency per visitor.");
        head(ui, "Gross revenue", Metric::RevenuePerVisitor.help());
        head(ui, "Refunds", "Gross revenue less net revenue: what returns give back.");
        head(ui, "Net revenue", Metric::NetRevenuePerVisitor.help());
        head(ui, "Net margin", Metric::NetMarginPerVisitor.help());
        ui.end_row();
        for x in &rows {
            ui.label(&x.name);
            ui.label(m(x.gross));
            ui.label(x.refunds_text(cur));
            ui.label(RichText::new(m(x.net)).strong());
            ui.label(m(x.net_margin));
            ui.end_row();
        }
    });
    ui.add_space(8.0);
    ui.label(RichText::new("What a vendor's dashboard would report").strong());
    Grid::new("vendor-view").striped(true).show(ui, |ui| {
        head(ui, "Per visitor", "Means across replications, in currency per visitor.");
        head(ui, "Vendor claims", Metric::AttributedRevenuePerVisitor.help());
        head(ui, "Holdout shows", "Revenue per visitor less the holdout's: what the strategy adds, measured.");
        head(ui, "Ratio", Metric::AttributionRatio.help());
        ui.end_row();
        for x in rows.iter().filter(|x| !x.is_holdout) {
            ui.label(&x.name);
            ui.label(m(x.attributed));
            ui.label(m(x.incremental));
            ui.label(x.ratio_text()).on_hover_text(x.in_words(cur));
            ui.end_row();
        }
    });
    ui.add_space(8.0);
    ui.label(RichText::new("What it earns a year, after its program costs").strong());
    if rows.iter().all(|x| x.program_cost == 0.0) {
        ui.label(
            RichText::new("No program costs are set (the Store page's Program costs): every lever is free.").weak(),
        );
    }
    let year = |x: f64| crate::format::signed_money(x, cur, 0);
    Grid::new("program-costs").striped(true).show(ui, |ui| {
        head(ui, "A year", "Means across replications.");
        head(ui, "Program cost", Metric::AnnualProgramCost.help());
        head(ui, "Net margin gain", Metric::AnnualIncrementalNetMargin.help());
        head(ui, "ROI", Metric::Roi.help());
        head(ui, "Payback", Metric::PaybackMonths.help());
        ui.end_row();
        for x in rows.iter().filter(|x| !x.is_holdout) {
            ui.label(&x.name);
            ui.label(money(x.program_cost, cur, 0));
            ui.label(x.incremental_net_margin.map_or_else(|| "n/a".into(), year));
            ui.label(crate::report::net::roi_text(x));
            ui.label(crate::report::net::payback_text(x.payback_months));
            ui.end_row();
        }
    });
    if let Some(x) = featured(&rows, r) {
        ui.add_space(4.0);
        ui.add(egui::Label::new(format!("{}: {}", x.name, x.in_words(cur))).wrap());
    }
}

/// The featured strategy's row (the one the dashboard leads with).
fn featured<'a>(rows: &'a [NetRow], r: &Report) -> Option<&'a NetRow> {
    let names = r.strategies.iter().map(|s| (s.name.as_str(), s.is_holdout));
    let k = crate::model::featured_strategy(names)?;
    rows.get(k)
}
