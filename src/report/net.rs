//! Gross to net, and what a vendor would report (MODEL.md rules 18 and 21): one row
//! per strategy from a report's means, for the dashboard's panel and the report.

use super::{Metric, Report, StrategyReport};
use crate::format::money;
use crate::stats::Summary;

/// One strategy's money per visitor, gross and net, and the vendor's view of it.
#[derive(Debug, Clone, PartialEq)]
pub struct NetRow {
    /// The strategy's name.
    pub name: String,
    /// Whether it is the holdout.
    pub is_holdout: bool,
    /// Revenue per visitor.
    pub gross: f64,
    /// Refunds per visitor (gross - net revenue per visitor).
    pub refunds: f64,
    /// Net revenue per visitor.
    pub net: f64,
    /// Net margin per visitor.
    pub net_margin: f64,
    /// What a vendor attributes to the strategy, per visitor.
    pub attributed: f64,
    /// What a holdout measures: revenue per visitor less the holdout's.
    pub incremental: f64,
    /// Attributed / incremental revenue across replications (where defined).
    pub ratio: Option<Summary>,
    /// The annual program cost (rule 19); 0 for the holdout.
    pub program_cost: f64,
    /// Annual incremental net margin after the program cost (`None` for the holdout).
    pub incremental_net_margin: Option<f64>,
    /// Incremental net margin / program cost, where the program costs something.
    pub roi: Option<f64>,
    /// Months to repay the setup costs, where the strategy earns something.
    pub payback_months: Option<f64>,
}

fn mean(s: &StrategyReport, m: Metric) -> f64 {
    m.summary(s).map_or(f64::NAN, |x| x.mean)
}

/// Every strategy's row, in report order.
pub fn rows(r: &Report) -> Vec<NetRow> {
    let holdout_rpv =
        r.strategies.iter().find(|s| s.is_holdout).map_or(f64::NAN, |h| mean(h, Metric::RevenuePerVisitor));
    r.strategies
        .iter()
        .map(|s| {
            let (gross, net) = (mean(s, Metric::RevenuePerVisitor), mean(s, Metric::NetRevenuePerVisitor));
            NetRow {
                name: s.name.clone(),
                is_holdout: s.is_holdout,
                gross,
                refunds: gross - net,
                net,
                net_margin: mean(s, Metric::NetMarginPerVisitor),
                attributed: mean(s, Metric::AttributedRevenuePerVisitor),
                incremental: gross - holdout_rpv,
                ratio: Metric::AttributionRatio.summary(s),
                program_cost: Metric::AnnualProgramCost.summary(s).map_or(0.0, |x| x.mean),
                incremental_net_margin: Metric::AnnualIncrementalNetMargin.summary(s).map(|x| x.mean),
                roi: Metric::Roi.summary(s).map(|x| x.mean),
                payback_months: Metric::PaybackMonths.summary(s).map(|x| x.mean),
            }
        })
        .collect()
}

/// ROI in words: a multiple, "no cost" where the program costs nothing, "n/a"
/// where it is undefined otherwise.
pub fn roi_text(row: &NetRow) -> String {
    match row.roi {
        Some(v) => format!("{v:.1}x"),
        None if row.program_cost == 0.0 => "no cost".into(),
        None => "n/a".into(),
    }
}

/// A payback period in words: "never" where the strategy earns nothing, "no setup
/// cost" where there is nothing to repay, else months ("under 0.1 months").
pub fn payback_text(months: Option<f64>) -> String {
    match months {
        None => "never".into(),
        Some(0.0) => "no setup cost".into(),
        Some(m) if m < 0.1 => "under 0.1 months".into(),
        Some(m) => format!("{m:.1} months"),
    }
}

impl NetRow {
    /// The refunds per visitor as a deduction ("-$0.235"), or "none".
    pub fn refunds_text(&self, currency: &str) -> String {
        if self.refunds.abs() > 1e-12 { format!("-{}", money(self.refunds, currency, 3)) } else { "none".into() }
    }

    /// The vendor's claim over the holdout's measure ("1.4x"), or "no revenue added".
    pub fn ratio_text(&self) -> String {
        if self.incremental > 0.0 && self.attributed.is_finite() {
            format!("{:.1}x", self.attributed / self.incremental)
        } else {
            "no revenue added".into()
        }
    }

    /// The vendor's claim against the holdout's measure, in a sentence.
    pub fn in_words(&self, currency: &str) -> String {
        let claim = money(self.attributed, currency, 3);
        if self.is_holdout {
            return "The holdout: nothing to attribute.".into();
        }
        if self.incremental.is_nan() || self.incremental <= 0.0 {
            return format!(
                "A vendor's dashboard would claim {claim} a visitor, but the holdout shows no revenue added \
                 ({} a visitor).",
                money(self.incremental, currency, 3)
            );
        }
        match &self.ratio {
            Some(x) => format!(
                "A vendor's dashboard would claim {:.1}x what the holdout shows ({claim} against {} a visitor; \
                 {:.1}x to {:.1}x across the replications where it adds revenue).",
                self.attributed / self.incremental,
                money(self.incremental, currency, 3),
                x.p05,
                x.p95
            ),
            None => format!("A vendor's dashboard would claim {claim} a visitor."),
        }
    }
}
