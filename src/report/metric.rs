//! The metric registry: every reported metric named, labelled, formatted and read in
//! one place. The per-replication CSV's columns, the CLI tables, the app's KPI cards
//! and charts, and (next) the optimizer's objectives iterate these; the JSON report's
//! keys are these names (a test keeps them equal).

use serde::{Deserialize, Serialize};

use super::{StrategyRep, StrategyReport};
use crate::format::{lift, money, money_compact, percent, signed_money};
use crate::stats::{Estimate, LiftSummary, Summary};

/// Declares every metric once: its id, its key (the field of the report's tables, and
/// so the JSON key and CSV column), label, words, unit and definition. The [`Metric`]
/// enum, its lists and attributes, and the report's per-metric tables ([`Levels`],
/// [`Lifts`]) all come from this one list.
macro_rules! metrics {
    (
        levels { $( $lv:ident $lk:ident = [$ll:expr, $lw:expr, $lu:ident, $lh:expr] ),* $(,)? }
        lifts { $( $fv:ident $fk:ident = [$fl:expr, $fw:expr, $fu:ident, $of:ident, $fh:expr] ),* $(,)? }
    ) => {
        /// A reported metric (MODEL.md "Metrics").
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Metric {
            $( #[doc = $lh] $lv, )*
            $( #[doc = $fh] $fv, )*
        }

        impl Metric {
            /// The levels each strategy has (the holdout included), in report order.
            pub const LEVELS: [Metric; [$(Metric::$lv),*].len()] = [$(Metric::$lv),*];

            /// The comparisons with the holdout, in report order.
            pub const LIFTS: [Metric; [$(Metric::$fv),*].len()] = [$(Metric::$fv),*];

            /// Every metric, in report order: the levels, then the lifts.
            pub const ALL: [Metric; Self::LEVELS.len() + Self::LIFTS.len()] = [$(Metric::$lv,)* $(Metric::$fv),*];

            /// The key in the JSON report and the CSV column (`conversion_rate`).
            pub const fn name(self) -> &'static str {
                match self {
                    $( Metric::$lv => stringify!($lk), )*
                    $( Metric::$fv => stringify!($fk), )*
                }
            }

            /// Column header and axis label ("Conversion").
            pub fn label(self) -> &'static str {
                match self {
                    $( Metric::$lv => $ll, )*
                    $( Metric::$fv => $fl, )*
                }
            }

            /// The metric in running text, lower case where a sentence needs it
            /// ("conversion rate", "revenue per visitor").
            pub fn in_words(self) -> &'static str {
                match self {
                    $( Metric::$lv => $lw, )*
                    $( Metric::$fv => $fw, )*
                }
            }

            /// Its definition, for tooltips and docs.
            pub fn help(self) -> &'static str {
                match self {
                    $( Metric::$lv => $lh, )*
                    $( Metric::$fv => $fh, )*
                }
            }

            /// How its values read.
            pub fn unit(self) -> MetricUnit {
                match self {
                    $( Metric::$lv => MetricUnit::$lu, )*
                    $( Metric::$fv => MetricUnit::$fu, )*
                }
            }

            /// The metric a lift compares (`AovLift` -> `Aov`; `None` for a level).
            pub fn level_of(self) -> Option<Metric> {
                match self {
                    $( Metric::$fv => Some(Metric::$of), )*
                    _ => None,
                }
            }
        }

        /// A value per level metric (the report's `metrics` of a strategy): one field
        /// per metric, named by its key, `None` where undefined.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct Levels<T> {
            $( #[doc = $lh] pub $lk: Option<T>, )*
        }

        /// A value per comparison with the holdout, as [`Levels`].
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct Lifts<T> {
            $( #[doc = $fh] pub $fk: Option<T>, )*
        }

        impl<T> Levels<T> {
            /// Each level's value from `f` (lifts are not asked).
            pub fn from_fn(mut f: impl FnMut(Metric) -> Option<T>) -> Self {
                Self { $( $lk: f(Metric::$lv), )* }
            }

            /// `m`'s value (`None` for a lift or an undefined value).
            pub fn get(&self, m: Metric) -> Option<&T> {
                match m {
                    $( Metric::$lv => self.$lk.as_ref(), )*
                    _ => None,
                }
            }
        }

        impl<T> Lifts<T> {
            /// Each lift's value from `f` (levels are not asked).
            pub fn from_fn(mut f: impl FnMut(Metric) -> Option<T>) -> Self {
                Self { $( $fk: f(Metric::$fv), )* }
            }

            /// `m`'s value (`None` for a level or an undefined value).
            pub fn get(&self, m: Metric) -> Option<&T> {
                match m {
                    $( Metric::$fv => self.$fk.as_ref(), )*
                    _ => None,
                }
            }
        }
    };
}

metrics! {
    levels {
        ConversionRate conversion_rate = ["Conversion", "conversion rate", Rate, "Orders / visitors."],
        CartAbandonmentRate cart_abandonment_rate = ["Cart abandonment", "cart abandonment", Rate,
            "1 - orders / carts: the share of carts that do not become orders."],
        Aov aov = ["AOV", "AOV", Money,
            "Average order value: revenue / orders, after discounts, with post-checkout add-ons."],
        RevenuePerVisitor revenue_per_visitor = ["Revenue / visitor", "revenue per visitor", MoneyPerVisitor,
            "Revenue / visitors: conversion x AOV."],
        GrossMarginPerVisitor gross_margin_per_visitor = ["Margin / visitor", "gross margin per visitor",
            MoneyPerVisitor, "(Revenue - unit costs of the items sold) / visitors."],
        PreCheckoutAcceptanceRate pre_checkout_acceptance_rate = ["Pre-checkout acceptance",
            "pre-checkout acceptance", Rate, "Suggestions added / suggestions shown in the cart."],
        TierPromptAcceptanceRate tier_prompt_acceptance_rate = ["Tier prompt acceptance", "tier prompt acceptance",
            Rate, "Top-ups / tier prompts shown."],
        PostCheckoutAcceptanceRate post_checkout_acceptance_rate = ["Post-checkout acceptance",
            "post-checkout acceptance", Rate, "Offers accepted / offers shown on the confirmation page."],
        TierUpgradeRate tier_upgrade_rate = ["Tier upgrades / visitor", "tier upgrades per visitor", PerThousand,
            "Tier upgrades (top-ups in completed orders) / visitors."],
        PostCheckoutEligibleShare post_checkout_eligible_share = ["Post-checkout eligible", "post-checkout \
            eligible share", Rate, "Orders on which a confirmation-page offer could render / orders (MODEL.md rule 17)."],
        NetRevenuePerVisitor net_revenue_per_visitor = ["Net revenue / visitor", "net revenue per visitor",
            MoneyPerVisitor, "(Revenue - refunds) / visitors: each source's revenue less its return rate's share \
            (the checkout discount refunded with the goods it applied to)."],
        NetMarginPerVisitor net_margin_per_visitor = ["Net margin / visitor", "net margin per visitor",
            MoneyPerVisitor, "(Gross margin - refunds + the returned goods' cost - handling) / visitors."],
        AttributedRevenuePerVisitor attributed_revenue_per_visitor = ["Attributed revenue / visitor",
            "attributed revenue per visitor", MoneyPerVisitor,
            "Revenue of accepted suggestions, top-ups and add-ons at the price paid / visitors: what a \
             personalization vendor reports as its own (MODEL.md rule 21)."],
        InfluencedRevenuePerVisitor influenced_revenue_per_visitor = ["Influenced revenue / visitor",
            "influenced revenue per visitor", MoneyPerVisitor,
            "The whole value of orders with at least one accepted suggestion, top-up or add-on / visitors."],
        ShippingFeeShare shipping_fee_share = ["Orders paying shipping", "share of orders paying shipping", Rate,
            "Orders below the free-shipping threshold, which pay the fee / orders (MODEL.md rule 22)."],
        ShippingPromptAcceptanceRate shipping_prompt_acceptance_rate = ["Free-shipping prompt acceptance",
            "free-shipping prompt acceptance", Rate, "Top-ups for free shipping / \"add $X for free shipping\" \
            prompts shown."],
        ShippingMarginPerVisitor shipping_margin_per_visitor = ["Shipping fees - costs / visitor",
            "shipping fees less shipping costs per visitor", MoneyPerVisitor,
            "(Shipping fees paid - what shipping the orders cost the store) / visitors: shipping's own line of the \
             margin (negative where the store pays for free shipping)."],
    }
    lifts {
        ConversionRateLift conversion_rate_lift = ["Conversion lift", "conversion lift", Relative, ConversionRate,
            "Relative change of conversion against the holdout: CR_s / CR_h - 1."],
        AovLift aov_lift = ["AOV lift", "AOV lift", Relative, Aov,
            "Relative change of AOV against the holdout: AOV_s / AOV_h - 1."],
        RpvLift rpv_lift = ["RPV lift", "revenue-per-visitor lift", Relative, RevenuePerVisitor,
            "Relative change of revenue per visitor against the holdout: RPV_s / RPV_h - 1."],
        MarginLift margin_lift = ["Margin lift", "margin lift", Relative, GrossMarginPerVisitor,
            "Relative change of gross margin against the holdout (undefined when the holdout's margin is not \
             positive)."],
        AnnualGmvImpact annual_gmv_impact = ["Annual GMV impact", "annual GMV impact", MoneyPerYear,
            RevenuePerVisitor, "Annual GMV x RPV lift: the revenue a year the strategy adds."],
        NetRpvLift net_rpv_lift = ["Net RPV lift", "net revenue-per-visitor lift", Relative, NetRevenuePerVisitor,
            "Relative change of net revenue per visitor against the holdout's."],
        NetMarginLift net_margin_lift = ["Net margin lift", "net margin lift", Relative, NetMarginPerVisitor,
            "Relative change of net margin per visitor against the holdout's (undefined when the holdout's is not \
             positive)."],
        AnnualNetImpact annual_net_impact = ["Annual net impact", "annual net impact", MoneyPerYear,
            NetRevenuePerVisitor, "Annual GMV x (net RPV - the holdout's net RPV) / the holdout's RPV: the revenue \
            a year the strategy adds after refunds."],
        AttributionRatio attribution_ratio = ["Attribution ratio", "attribution ratio", Ratio,
            AttributedRevenuePerVisitor, "Attributed revenue / incremental revenue (revenue - the holdout's): how \
            many times what a holdout measures a vendor's dashboard would claim (undefined when the strategy adds \
            no revenue)."],
        InfluencedRatio influenced_ratio = ["Influenced ratio", "influenced ratio", Ratio, InfluencedRevenuePerVisitor,
            "Influenced revenue / incremental revenue (undefined when the strategy adds no revenue)."],
        AnnualProgramCost annual_program_cost = ["Program cost / year", "annual program cost", MoneyPerYear,
            NetMarginPerVisitor, "What running the strategy's levers costs a year (MODEL.md rule 19): their monthly \
            fees, revenue shares and per-order fees, and the tier upgrades' perks; annual visitors = annual GMV / the \
            holdout's revenue per visitor."],
        AnnualIncrementalNetMargin annual_incremental_net_margin = ["Net margin gain / year",
            "annual incremental net margin", MoneyPerYear, NetMarginPerVisitor,
            "Annual visitors x (net margin per visitor - the holdout's) - the annual program cost: what the \
             strategy earns the store a year."],
        Roi roi = ["ROI", "return on the program cost", Ratio, NetMarginPerVisitor,
            "Annual incremental net margin / annual program cost (undefined when the program costs nothing)."],
        PaybackMonths payback_months = ["Payback", "payback", Months, NetMarginPerVisitor,
            "Months for the incremental net margin to repay the one-off setup costs (undefined when the strategy \
             earns nothing)."],
    }
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Metric::from_name(&name).ok_or_else(|| {
            let known: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
            serde::de::Error::custom(format!("unknown metric `{name}`: use one of {}", known.join(", ")))
        })
    }
}

/// How a metric's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricUnit {
    /// A share, shown as a percentage.
    Rate,
    /// A rare event's share, shown per thousand (`0.42‰`).
    PerThousand,
    /// Currency per order.
    Money,
    /// Currency per visitor (three decimals).
    MoneyPerVisitor,
    /// A relative change against the holdout (+8.7% relative).
    Relative,
    /// Currency a year.
    MoneyPerYear,
    /// A multiple (`1.90x`).
    Ratio,
    /// A duration in months.
    Months,
}

impl Metric {
    /// The four relative lifts (the annual impact is money).
    pub const RELATIVE_LIFTS: [Metric; 4] =
        [Metric::ConversionRateLift, Metric::AovLift, Metric::RpvLift, Metric::MarginLift];

    /// The acceptance rates, one per stage.
    pub const ACCEPTANCE: [Metric; 3] =
        [Metric::PreCheckoutAcceptanceRate, Metric::TierPromptAcceptanceRate, Metric::PostCheckoutAcceptanceRate];

    /// Whether it depends on returns or program costs (MODEL.md rules 18 and 19): the
    /// net metrics and what follows from them. They read the tallies that a run with
    /// [`crate::engine::RunOptions::gross_only`] does not keep.
    pub fn is_net(self) -> bool {
        matches!(
            self,
            Metric::NetRevenuePerVisitor
                | Metric::NetMarginPerVisitor
                | Metric::NetRpvLift
                | Metric::NetMarginLift
                | Metric::AnnualNetImpact
                | Metric::AnnualProgramCost
                | Metric::AnnualIncrementalNetMargin
                | Metric::Roi
                | Metric::PaybackMonths
        )
    }

    /// The same figure after returns and program costs (MODEL.md rules 18-19), where it
    /// has one: revenue's net revenue, a lift's net lift, the GMV impact's net impact.
    pub fn net_counterpart(self) -> Option<Metric> {
        match self {
            Metric::RevenuePerVisitor => Some(Metric::NetRevenuePerVisitor),
            Metric::GrossMarginPerVisitor => Some(Metric::NetMarginPerVisitor),
            Metric::RpvLift => Some(Metric::NetRpvLift),
            Metric::MarginLift => Some(Metric::NetMarginLift),
            Metric::AnnualGmvImpact => Some(Metric::AnnualNetImpact),
            _ => None,
        }
    }

    /// Whether a higher value is better for the store.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::CartAbandonmentRate | Metric::AnnualProgramCost | Metric::PaybackMonths)
    }

    /// Whether it reads the counts of what shoppers were shown and took before
    /// checkout (suggestions, tier prompts, free-shipping prompts), which a run with
    /// [`crate::engine::RunOptions::primary_only`] does not keep.
    pub fn reads_shown_counts(self) -> bool {
        matches!(
            self,
            Metric::PreCheckoutAcceptanceRate | Metric::TierPromptAcceptanceRate | Metric::ShippingPromptAcceptanceRate
        )
    }

    /// Whether it compares a strategy with the holdout.
    pub fn is_lift(self) -> bool {
        Metric::LIFTS.contains(&self)
    }

    /// A value in its unit: `3.12%`, `$118.40`, `$3.741`, `+8.7%`, `+$7.6M`.
    pub fn format(self, v: f64, currency: &str) -> String {
        match self.unit() {
            MetricUnit::PerThousand => format!("{:.2}‰", v * 1000.0),
            MetricUnit::Rate => percent(v, 2),
            MetricUnit::Money => money(v, currency, 2),
            MetricUnit::MoneyPerVisitor => money(v, currency, 3),
            MetricUnit::Relative => lift(v, 1),
            // A change a year carries its sign; a cost a year is an amount.
            MetricUnit::MoneyPerYear => {
                let m = money_compact(v, currency);
                if v > 0.0 && self != Metric::AnnualProgramCost { format!("+{m}") } else { m }
            }
            MetricUnit::Ratio => format!("{v:.2}x"),
            MetricUnit::Months => format!("{v:.1} months"),
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
            MetricUnit::PerThousand => format!("{}‰ pts", crate::format::signed(d * 1000.0, 2)),
            MetricUnit::Rate => crate::format::points(d, 2),
            MetricUnit::Relative => crate::format::points(d, 1),
            MetricUnit::Money => signed_money(d, currency, 2),
            MetricUnit::MoneyPerVisitor => signed_money(d, currency, 3),
            MetricUnit::MoneyPerYear => signed_money(d, currency, 0),
            MetricUnit::Ratio => format!("{}x", crate::format::signed(d, 2)),
            MetricUnit::Months => format!("{} months", crate::format::signed(d, 1)),
        }
    }

    /// Its value in one replication, with the within-replication standard error.
    pub fn estimate(self, r: &StrategyRep) -> Option<Estimate> {
        match self.is_lift() {
            false => r.levels.get(self).copied(),
            true => r.vs.as_ref().and_then(|v| v.lifts.get(self).copied()),
        }
    }

    /// Its summary across replications (for a lift: of the lift values).
    pub fn summary(self, s: &StrategyReport) -> Option<Summary> {
        match self.is_lift() {
            false => s.metrics.get(self).cloned(),
            true => self.lift_summary(s).map(|l| l.summary),
        }
    }

    /// A lift's summary with the share of replications above zero (`None` for levels
    /// and for the holdout).
    pub fn lift_summary(self, s: &StrategyReport) -> Option<LiftSummary> {
        s.vs_holdout.as_ref()?.lifts.get(self).cloned()
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
