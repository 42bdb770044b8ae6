//! The metric registry: every reported metric named, labelled, formatted and read in
//! one place. The per-replication CSV's columns, the CLI tables, the app's KPI cards
//! and charts, and (next) the optimizer's objectives iterate these; the JSON report's
//! keys are these names (a test keeps them equal).

use serde::{Deserialize, Serialize};

use super::{StrategyRep, StrategyReport};
use crate::format::{lift, money, money_compact, percent, signed_money};
use crate::stats::{Estimate, LiftSummary, Summary};

/// A reported metric (MODEL.md "Metrics").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Orders / visitors.
    ConversionRate,
    /// 1 - orders / carts.
    CartAbandonmentRate,
    /// Revenue / orders.
    Aov,
    /// Revenue / visitors.
    RevenuePerVisitor,
    /// Gross margin / visitors.
    GrossMarginPerVisitor,
    /// Accepted / shown pre-checkout suggestions.
    PreCheckoutAcceptanceRate,
    /// Top-ups / tier prompts shown.
    TierPromptAcceptanceRate,
    /// Accepted / shown post-checkout offers.
    PostCheckoutAcceptanceRate,
    /// Tier upgrades / visitors.
    TierUpgradeRate,
    /// CR_s / CR_h - 1.
    ConversionRateLift,
    /// AOV_s / AOV_h - 1.
    AovLift,
    /// RPV_s / RPV_h - 1.
    RpvLift,
    /// Margin_s / Margin_h - 1.
    MarginLift,
    /// Annual GMV x RPV lift.
    AnnualGmvImpact,
}

/// How a metric's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricUnit {
    /// A share, shown as a percentage.
    Rate,
    /// Currency per order.
    Money,
    /// Currency per visitor (three decimals).
    MoneyPerVisitor,
    /// A relative change against the holdout (+8.7% relative).
    Relative,
    /// Currency a year.
    MoneyPerYear,
}

impl Metric {
    /// Every metric, in report order: the levels, then the lifts.
    pub const ALL: [Metric; 14] = {
        let mut all = [Metric::ConversionRate; 14];
        let mut i = 0;
        while i < all.len() {
            all[i] = if i < Self::LEVELS.len() { Self::LEVELS[i] } else { Self::LIFTS[i - Self::LEVELS.len()] };
            i += 1;
        }
        all
    };

    /// The levels each strategy has (the holdout included).
    pub const LEVELS: [Metric; 9] = [
        Metric::ConversionRate,
        Metric::CartAbandonmentRate,
        Metric::Aov,
        Metric::RevenuePerVisitor,
        Metric::GrossMarginPerVisitor,
        Metric::PreCheckoutAcceptanceRate,
        Metric::TierPromptAcceptanceRate,
        Metric::PostCheckoutAcceptanceRate,
        Metric::TierUpgradeRate,
    ];

    /// The comparisons with the holdout.
    pub const LIFTS: [Metric; 5] =
        [Metric::ConversionRateLift, Metric::AovLift, Metric::RpvLift, Metric::MarginLift, Metric::AnnualGmvImpact];

    /// The four relative lifts (the annual impact is money).
    pub const RELATIVE_LIFTS: [Metric; 4] =
        [Metric::ConversionRateLift, Metric::AovLift, Metric::RpvLift, Metric::MarginLift];

    /// The acceptance rates, one per stage.
    pub const ACCEPTANCE: [Metric; 3] =
        [Metric::PreCheckoutAcceptanceRate, Metric::TierPromptAcceptanceRate, Metric::PostCheckoutAcceptanceRate];

    /// The key in the JSON report and the CSV column (`conversion_rate`).
    pub const fn name(self) -> &'static str {
        match self {
            Metric::ConversionRate => "conversion_rate",
            Metric::CartAbandonmentRate => "cart_abandonment_rate",
            Metric::Aov => "aov",
            Metric::RevenuePerVisitor => "revenue_per_visitor",
            Metric::GrossMarginPerVisitor => "gross_margin_per_visitor",
            Metric::PreCheckoutAcceptanceRate => "pre_checkout_acceptance_rate",
            Metric::TierPromptAcceptanceRate => "tier_prompt_acceptance_rate",
            Metric::PostCheckoutAcceptanceRate => "post_checkout_acceptance_rate",
            Metric::TierUpgradeRate => "tier_upgrade_rate",
            Metric::ConversionRateLift => "conversion_rate_lift",
            Metric::AovLift => "aov_lift",
            Metric::RpvLift => "rpv_lift",
            Metric::MarginLift => "margin_lift",
            Metric::AnnualGmvImpact => "annual_gmv_impact",
        }
    }

    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ConversionRate => "Conversion",
            Metric::CartAbandonmentRate => "Cart abandonment",
            Metric::Aov => "AOV",
            Metric::RevenuePerVisitor => "Revenue / visitor",
            Metric::GrossMarginPerVisitor => "Margin / visitor",
            Metric::PreCheckoutAcceptanceRate => "Pre-checkout acceptance",
            Metric::TierPromptAcceptanceRate => "Tier prompt acceptance",
            Metric::PostCheckoutAcceptanceRate => "Post-checkout acceptance",
            Metric::TierUpgradeRate => "Tier upgrades / visitor",
            Metric::ConversionRateLift => "Conversion lift",
            Metric::AovLift => "AOV lift",
            Metric::RpvLift => "RPV lift",
            Metric::MarginLift => "Margin lift",
            Metric::AnnualGmvImpact => "Annual GMV impact",
        }
    }

    /// Its name inside a sentence: `revenue per visitor`, `AOV`, `annual GMV impact`.
    pub fn in_words(self) -> &'static str {
        match self {
            Metric::ConversionRate => "conversion rate",
            Metric::CartAbandonmentRate => "cart abandonment",
            Metric::Aov => "AOV",
            Metric::RevenuePerVisitor => "revenue per visitor",
            Metric::GrossMarginPerVisitor => "gross margin per visitor",
            Metric::PreCheckoutAcceptanceRate => "pre-checkout acceptance",
            Metric::TierPromptAcceptanceRate => "tier prompt acceptance",
            Metric::PostCheckoutAcceptanceRate => "post-checkout acceptance",
            Metric::TierUpgradeRate => "tier upgrades per visitor",
            Metric::ConversionRateLift => "conversion lift",
            Metric::AovLift => "AOV lift",
            Metric::RpvLift => "revenue-per-visitor lift",
            Metric::MarginLift => "margin lift",
            Metric::AnnualGmvImpact => "annual GMV impact",
        }
    }

    /// Its definition, for tooltips and docs.
    pub fn help(self) -> &'static str {
        match self {
            Metric::ConversionRate => "Orders / visitors.",
            Metric::CartAbandonmentRate => "1 - orders / carts: the share of carts that do not become orders.",
            Metric::Aov => "Average order value: revenue / orders, after discounts, with post-checkout add-ons.",
            Metric::RevenuePerVisitor => "Revenue / visitors: conversion x AOV.",
            Metric::GrossMarginPerVisitor => "(Revenue - unit costs of the items sold) / visitors.",
            Metric::PreCheckoutAcceptanceRate => "Suggestions added / suggestions shown in the cart.",
            Metric::TierPromptAcceptanceRate => "Top-ups / tier prompts shown.",
            Metric::PostCheckoutAcceptanceRate => "Offers accepted / offers shown on the confirmation page.",
            Metric::TierUpgradeRate => "Tier upgrades (top-ups in completed orders) / visitors.",
            Metric::ConversionRateLift => "Relative change of conversion against the holdout: CR_s / CR_h - 1.",
            Metric::AovLift => "Relative change of AOV against the holdout: AOV_s / AOV_h - 1.",
            Metric::RpvLift => "Relative change of revenue per visitor against the holdout: RPV_s / RPV_h - 1.",
            Metric::MarginLift => {
                "Relative change of gross margin against the holdout (undefined when the holdout's margin is not \
                 positive)."
            }
            Metric::AnnualGmvImpact => "Annual GMV x RPV lift: the revenue a year the strategy adds.",
        }
    }

    /// How its values read.
    pub fn unit(self) -> MetricUnit {
        match self {
            Metric::ConversionRate
            | Metric::CartAbandonmentRate
            | Metric::PreCheckoutAcceptanceRate
            | Metric::TierPromptAcceptanceRate
            | Metric::PostCheckoutAcceptanceRate
            | Metric::TierUpgradeRate => MetricUnit::Rate,
            Metric::Aov => MetricUnit::Money,
            Metric::RevenuePerVisitor | Metric::GrossMarginPerVisitor => MetricUnit::MoneyPerVisitor,
            Metric::ConversionRateLift | Metric::AovLift | Metric::RpvLift | Metric::MarginLift => MetricUnit::Relative,
            Metric::AnnualGmvImpact => MetricUnit::MoneyPerYear,
        }
    }

    /// Whether a higher value is better for the store.
    pub fn higher_is_better(self) -> bool {
        self != Metric::CartAbandonmentRate
    }

    /// Whether it compares a strategy with the holdout.
    pub fn is_lift(self) -> bool {
        Metric::LIFTS.contains(&self)
    }

    /// A value in its unit: `3.12%`, `$118.40`, `$3.741`, `+8.7%`, `+$7.6M`.
    pub fn format(self, v: f64, currency: &str) -> String {
        match self.unit() {
            MetricUnit::Rate if self == Metric::TierUpgradeRate => format!("{:.2}‰", v * 1000.0),
            MetricUnit::Rate => percent(v, 2),
            MetricUnit::Money => money(v, currency, 2),
            MetricUnit::MoneyPerVisitor => money(v, currency, 3),
            MetricUnit::Relative => lift(v, 1),
            MetricUnit::MoneyPerYear => {
                let m = money_compact(v, currency);
                if v > 0.0 { format!("+{m}") } else { m }
            }
        }
    }

    /// The end of a range of values (a P5 or P95): as [`Metric::format`], except that
    /// a relative lift of exactly zero is a place on the scale (`0.0%`), not "no
    /// change".
    pub fn format_end(self, v: f64, currency: &str) -> String {
        match self.unit() {
            MetricUnit::Relative => crate::format::signed_percent(v, 1),
            _ => self.format(v, currency),
        }
    }

    /// [`Metric::format_end`] with money at full precision, for tables.
    pub fn format_end_exact(self, v: f64, currency: &str) -> String {
        match self.unit() {
            MetricUnit::MoneyPerYear => self.format_exact(v, currency),
            _ => self.format_end(v, currency),
        }
    }

    /// A value with its full precision in money: for tables (`+$7,570,825`).
    pub fn format_exact(self, v: f64, currency: &str) -> String {
        match self.unit() {
            MetricUnit::MoneyPerYear => signed_money(v, currency, 0),
            _ => self.format(v, currency),
        }
    }

    /// A difference of two values of the metric (`b - a` between two runs): rates and
    /// lifts in percentage points (`+0.18 pts`, never a `%` that could be read as a
    /// relative change), money with its sign; exactly zero reads `no change`.
    pub fn format_difference(self, d: f64, currency: &str) -> String {
        if d == 0.0 {
            return crate::format::NO_CHANGE.into();
        }
        match self.unit() {
            MetricUnit::Rate if self == Metric::TierUpgradeRate => {
                format!("{}‰ pts", crate::format::signed(d * 1000.0, 2))
            }
            MetricUnit::Rate => crate::format::points(d, 2),
            MetricUnit::Relative => crate::format::points(d, 1),
            MetricUnit::Money => signed_money(d, currency, 2),
            MetricUnit::MoneyPerVisitor => signed_money(d, currency, 3),
            MetricUnit::MoneyPerYear => signed_money(d, currency, 0),
        }
    }

    /// Its value in one replication, with the within-replication standard error.
    pub fn estimate(self, r: &StrategyRep) -> Option<Estimate> {
        let vs = |f: fn(&super::VsRep) -> Option<Estimate>| r.vs.as_ref().and_then(f);
        match self {
            Metric::ConversionRate => r.conversion_rate,
            Metric::CartAbandonmentRate => r.cart_abandonment_rate,
            Metric::Aov => r.aov,
            Metric::RevenuePerVisitor => r.revenue_per_visitor,
            Metric::GrossMarginPerVisitor => r.gross_margin_per_visitor,
            Metric::PreCheckoutAcceptanceRate => r.pre_checkout_acceptance_rate,
            Metric::TierPromptAcceptanceRate => r.tier_prompt_acceptance_rate,
            Metric::PostCheckoutAcceptanceRate => r.post_checkout_acceptance_rate,
            Metric::TierUpgradeRate => r.tier_upgrade_rate,
            Metric::ConversionRateLift => vs(|v| v.conversion_rate_lift),
            Metric::AovLift => vs(|v| v.aov_lift),
            Metric::RpvLift => vs(|v| v.rpv_lift),
            Metric::MarginLift => vs(|v| v.margin_lift),
            Metric::AnnualGmvImpact => vs(|v| v.annual_gmv_impact),
        }
    }

    /// Its summary across replications (for a lift: of the lift values).
    pub fn summary(self, s: &StrategyReport) -> Option<Summary> {
        let m = &s.metrics;
        match self {
            Metric::ConversionRate => m.conversion_rate,
            Metric::CartAbandonmentRate => m.cart_abandonment_rate,
            Metric::Aov => m.aov,
            Metric::RevenuePerVisitor => m.revenue_per_visitor,
            Metric::GrossMarginPerVisitor => m.gross_margin_per_visitor,
            Metric::PreCheckoutAcceptanceRate => m.pre_checkout_acceptance_rate,
            Metric::TierPromptAcceptanceRate => m.tier_prompt_acceptance_rate,
            Metric::PostCheckoutAcceptanceRate => m.post_checkout_acceptance_rate,
            Metric::TierUpgradeRate => m.tier_upgrade_rate,
            _ => self.lift_summary(s).map(|l| l.summary),
        }
    }

    /// A lift's summary with the share of replications above zero (`None` for levels
    /// and for the holdout).
    pub fn lift_summary(self, s: &StrategyReport) -> Option<LiftSummary> {
        let v = s.vs_holdout.as_ref()?;
        match self {
            Metric::ConversionRateLift => v.conversion_rate_lift,
            Metric::AovLift => v.aov_lift,
            Metric::RpvLift => v.rpv_lift,
            Metric::MarginLift => v.margin_lift,
            Metric::AnnualGmvImpact => v.annual_gmv_impact,
            _ => None,
        }
    }

    /// The metric a lift compares (`AovLift` -> `Aov`).
    pub fn level_of(self) -> Option<Metric> {
        match self {
            Metric::ConversionRateLift => Some(Metric::ConversionRate),
            Metric::AovLift => Some(Metric::Aov),
            Metric::RpvLift | Metric::AnnualGmvImpact => Some(Metric::RevenuePerVisitor),
            Metric::MarginLift => Some(Metric::GrossMarginPerVisitor),
            _ => None,
        }
    }

    /// The metric named `name` (as in JSON and CSV).
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON report's keys are the registry's names, so nothing can drift.
    #[test]
    fn json_keys_are_the_registry_names() {
        let sc = crate::io::article();
        let mut spec_sc = sc.clone();
        spec_sc.store.visitors = 5_000;
        spec_sc.store.replications = 2;
        let out = crate::engine::run(&spec_sc, &Default::default(), &|_| {}, &Default::default()).unwrap();
        let r = super::super::summarize(&spec_sc, &out.replications, 1.0, 1);
        let v = serde_json::to_value(&r).unwrap();
        let s = &v["strategies"][2];
        for m in Metric::LEVELS {
            assert!(s["metrics"].get(m.name()).is_some(), "{}", m.name());
        }
        for m in Metric::LIFTS {
            assert!(s["vs_holdout"].get(m.name()).is_some(), "{}", m.name());
        }
        assert_eq!(s["metrics"].as_object().unwrap().len(), Metric::LEVELS.len());
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
        }
    }
}
