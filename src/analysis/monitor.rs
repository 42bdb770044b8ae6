//! Monitoring a running holdout test: each day's results so far with fixed-horizon and
//! always-valid intervals ([`crate::stats::sequential`]) for the conversion, AOV and
//! revenue-per-visitor lifts, and whether to stop.
//!
//! A fixed-horizon interval is valid only on the day planned: a strategist who stops
//! the first day it excludes zero declares a lift that is not there several times as
//! often as its level says. The always-valid interval holds at every look at once, so
//! the rule "stop the first day it excludes zero" keeps the false-positive rate at the
//! level. The lifts are measured as the planner measures them
//! ([`super::plan::log_ratio`]): ratios of the arms' means with a delta-method
//! standard error on the logarithm.

use serde::Serialize;

use super::plan::{MEASURED, log_ratio};
use crate::engine::StrategyCounts;
use crate::import::test_results::{ArmDay, Daily};
use crate::report::Metric;
use crate::stats::{normal_quantile, sequential};

/// How the test is monitored, fixed before it starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Two-sided level, in (0, 0.5).
    pub alpha: f64,
    /// Visitors (both arms) the test plans to reach: the always-valid interval is
    /// tightest there.
    pub planned_visitors: u64,
    /// The lift whose interval decides when to stop.
    pub primary: Metric,
}

impl Settings {
    /// Checks the settings.
    pub fn check(&self) -> Result<(), String> {
        if !(self.alpha > 0.0 && self.alpha < 0.5) {
            return Err(format!("a significance level of {}: use a number between 0 and 0.5, e.g. 0.05", self.alpha));
        }
        if self.planned_visitors < 2 {
            return Err("plan at least 2 visitors".into());
        }
        if !MEASURED.contains(&self.primary) {
            return Err(format!(
                "`{}` is not a lift a holdout test measures: use conversion_rate_lift, aov_lift or rpv_lift",
                self.primary.name()
            ));
        }
        Ok(())
    }
}

/// One lift on one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lift {
    /// The lift.
    pub metric: Metric,
    /// Its estimate (relative: 0.05 is +5%).
    pub lift: f64,
    /// The fixed-horizon interval (valid only on the planned day).
    pub fixed: (f64, f64),
    /// The always-valid interval (valid on every day at once).
    pub always_valid: (f64, f64),
}

impl Lift {
    /// Whether the always-valid interval excludes zero.
    pub fn decided(&self) -> bool {
        self.always_valid.0 > 0.0 || self.always_valid.1 < 0.0
    }
}

/// The test as it stood at the end of one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Look {
    /// The day.
    pub date: String,
    /// The holdout arm so far.
    pub holdout: ArmDay,
    /// The treatment arm so far.
    pub treatment: ArmDay,
    /// Conversion, AOV and revenue-per-visitor lifts, where defined.
    pub lifts: Vec<Lift>,
}

impl Look {
    /// The lift of `m`, where defined.
    pub fn lift(&self, m: Metric) -> Option<&Lift> {
        self.lifts.iter().find(|l| l.metric == m)
    }
}

/// Where the revenue's spread came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Spread {
    /// The file's sums of squares.
    Data,
    /// The scenario's order values: their coefficient of variation.
    Scenario(f64),
}

/// The monitor's reading of a test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Monitoring {
    /// The settings.
    pub settings: Settings,
    /// The arms' names in the file.
    pub holdout_arm: String,
    /// The treatment arm's name.
    pub treatment_arm: String,
    /// Where the revenue's spread came from.
    pub spread: Spread,
    /// Each day so far.
    pub looks: Vec<Look>,
    /// The first look at which the primary lift's always-valid interval excludes zero.
    pub stop_at: Option<usize>,
}

impl Monitoring {
    /// The decision in words.
    pub fn verdict(&self) -> String {
        let m = self.settings.primary;
        let Some(last) = self.looks.last() else { return "No results yet.".into() };
        match self.stop_at {
            Some(k) => {
                let l = self.looks[k].lift(m).copied();
                let side = if l.is_some_and(|l| l.always_valid.0 > 0.0) { "ahead" } else { "behind" };
                format!(
                    "Stop: on {} the treatment was {side} on {} beyond doubt at the {} level (the always-valid \
                     interval {} excluded zero).",
                    self.looks[k].date,
                    m.level_of().map_or(m.in_words(), Metric::in_words),
                    crate::format::percent(1.0 - self.settings.alpha, 0),
                    l.map_or("n/a".to_string(), |l| interval(l.always_valid)),
                )
            }
            None => {
                let planned = self.settings.planned_visitors;
                let so_far = last.holdout.visitors + last.treatment.visitors;
                format!(
                    "Continue: no always-valid interval of the {} excludes zero yet ({} of the {} planned visitors). \
                     A fixed-horizon interval that excludes zero before the planned day is not evidence.",
                    m.in_words(),
                    crate::format::int(so_far),
                    crate::format::int(planned)
                )
            }
        }
    }
}

fn interval((lo, hi): (f64, f64)) -> String {
    format!("{} to {}", crate::format::signed_percent(lo, 1), crate::format::signed_percent(hi, 1))
}

/// One arm's sums as the engine's tallies (revenue in cents), the revenue's sum of
/// squares from the data or, without it, from the orders and a coefficient of
/// variation of order values (`cv`): orders x AOV^2 x (1 + cv^2).
fn counts(a: &ArmDay, spread: Spread) -> StrategyCounts {
    let revenue_sq = match spread {
        Spread::Data => a.revenue_sq.unwrap_or(0.0),
        Spread::Scenario(cv) => {
            let aov = if a.orders > 0 { a.revenue / a.orders as f64 } else { 0.0 };
            a.orders as f64 * aov * aov * (1.0 + cv * cv)
        }
    };
    StrategyCounts {
        orders: a.orders,
        revenue: (a.revenue * 100.0).round() as i64,
        revenue_sq: (revenue_sq * 1e4).round() as i128,
        ..StrategyCounts::default()
    }
}

fn cv_of(s: Spread) -> f64 {
    match s {
        Spread::Scenario(cv) => cv,
        Spread::Data => 0.0,
    }
}

/// Reads the test day by day. Without sums of squares in the file, `cv` (the
/// coefficient of variation of order values, e.g. [`order_value_cv`] of the scenario)
/// stands in for the revenue's spread; without either, only conversion is measured.
pub fn monitor(daily: &Daily, settings: &Settings, cv: Option<f64>) -> Result<Monitoring, String> {
    settings.check()?;
    let spread = match (daily.has_squares, cv) {
        (true, _) => Spread::Data,
        (false, Some(cv)) => Spread::Scenario(cv),
        (false, None) => Spread::Scenario(f64::NAN),
    };
    let z = normal_quantile(1.0 - settings.alpha / 2.0);
    let rho2 = sequential::tuning(settings.planned_visitors as f64, settings.alpha);
    let (mut h, mut t) = (ArmDay::default(), ArmDay::default());
    h.revenue_sq = daily.has_squares.then_some(0.0);
    t.revenue_sq = h.revenue_sq;
    let mut looks = Vec::with_capacity(daily.days.len());
    let mut stop_at = None;
    for d in &daily.days {
        for (sum, x) in [(&mut h, &d.holdout), (&mut t, &d.treatment)] {
            sum.visitors += x.visitors;
            sum.orders += x.orders;
            sum.revenue += x.revenue;
            sum.revenue_sq = sum.revenue_sq.zip(x.revenue_sq).map(|(a, b)| a + b);
        }
        let (hc, tc) = (counts(&h, spread), counts(&t, spread));
        let n = (h.visitors + t.visitors) as f64;
        let lifts: Vec<Lift> = MEASURED
            .into_iter()
            .filter(|&m| m == Metric::ConversionRateLift || cv_of(spread).is_finite())
            .filter_map(|m| {
                let (l, se) = log_ratio(m, &tc, t.visitors, &hc, h.visitors)?;
                let w = sequential::half_width(se, n, rho2, settings.alpha);
                Some(Lift {
                    metric: m,
                    lift: l.exp_m1(),
                    fixed: ((l - z * se).exp_m1(), (l + z * se).exp_m1()),
                    always_valid: ((l - w).exp_m1(), (l + w).exp_m1()),
                })
            })
            .collect();
        let look = Look { date: d.date.clone(), holdout: h, treatment: t, lifts };
        if stop_at.is_none() && look.lift(settings.primary).is_some_and(Lift::decided) {
            stop_at = Some(looks.len());
        }
        looks.push(look);
    }
    Ok(Monitoring {
        settings: settings.clone(),
        holdout_arm: daily.holdout_arm.clone(),
        treatment_arm: daily.treatment_arm.clone(),
        spread,
        looks,
        stop_at,
    })
}

/// The coefficient of variation of the holdout's order values in the scenario (from a
/// short run of its holdout), for a test file without the revenue's sums of squares.
pub fn order_value_cv(sc: &crate::model::Scenario) -> Option<f64> {
    let mut small = sc.clone();
    small.strategies = vec![sc.strategies[sc.holdout].clone()];
    small.holdout = 0;
    small.store.visitors = small.store.visitors.min(50_000);
    small.store.replications = small.store.replications.min(4);
    let out = crate::engine::run(&small, &Default::default(), &|_| {}, &Default::default()).ok()?;
    let (mut o, mut r, mut r2) = (0.0, 0.0, 0.0);
    for rep in &out.replications {
        let t = &rep.strategies[0];
        o += t.orders as f64;
        r += t.revenue as f64 / 100.0;
        r2 += t.revenue_sq as f64 / 1e4;
    }
    (o > 1.0 && r > 0.0).then(|| {
        let a = r / o;
        ((r2 / o - a * a).max(0.0)).sqrt() / a
    })
}
