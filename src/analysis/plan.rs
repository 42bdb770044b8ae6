//! The holdout planner: the A/B test a strategist would run, simulated in every
//! replication's world, day by day.
//!
//! A real holdout test splits visitors: a share sees the holdout, the rest the
//! strategy, and they are different people. So unlike a run (every strategy on the
//! same visitors), each day's holdout group and treatment group here are separate
//! samples with random streams of their own ([`crate::engine::run_groups`]), drawn in
//! the replication's world. The test measures the lifts in conversion, AOV and revenue
//! per visitor as an analyst would: the ratio of the two groups' means with a
//! delta-method interval on its logarithm (for AOV, a ratio of sums, the delta method
//! on the revenue and order sums). Power is the share of worlds in which the test's
//! interval excludes zero on the side of the strategy's expected lift, counted by
//! simulation at the planned sample sizes, not only by the normal-approximation
//! formula (which is reported beside it for comparison).

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::engine::{RepCounts, RunError, RunOptions, StrategyCounts};
use crate::model::Scenario;
use crate::report::Metric;
use crate::stats::{normal_cdf, normal_quantile};

/// Most days a test is simulated for.
pub const MAX_DAYS: u32 = 365;
/// Most visitors a day.
pub const MAX_DAILY_VISITORS: u64 = 100_000_000;
/// The power a plan aims for.
pub const TARGET_POWER: f64 = 0.8;
/// Most replications (worlds) the planner simulates.
pub const MAX_WORLDS: u32 = 400;

/// The test to plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Visitors a day, both groups together.
    pub daily_visitors: u64,
    /// Share of visitors in the holdout group, in (0, 1).
    pub holdout_share: f64,
    /// Planned duration.
    pub days: u32,
    /// The strategy tested (index into the scenario's strategies).
    pub strategy: usize,
    /// Two-sided significance level, in (0, 0.5).
    pub alpha: f64,
}

impl Plan {
    /// Checks the plan against the scenario.
    pub fn check(&self, sc: &Scenario) -> Result<(), String> {
        if !(2..=MAX_DAILY_VISITORS).contains(&self.daily_visitors) {
            return Err(format!(
                "{} daily visitors: use 2 to {}",
                self.daily_visitors,
                crate::format::int(MAX_DAILY_VISITORS)
            ));
        }
        if !(self.holdout_share > 0.0 && self.holdout_share < 1.0) {
            return Err(format!("a holdout share of {}: use a number between 0 and 1, e.g. 0.1", self.holdout_share));
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            return Err(format!("{} days: use 1 to {MAX_DAYS}", self.days));
        }
        if !(self.alpha > 0.0 && self.alpha < 0.5) {
            return Err(format!("a significance level of {}: use a number between 0 and 0.5, e.g. 0.05", self.alpha));
        }
        if self.strategy >= sc.strategies.len() || self.strategy == sc.holdout {
            return Err("test a strategy other than the holdout".into());
        }
        Ok(())
    }

    /// Visitors in the holdout and treatment groups by the end of day `d` (1-based).
    pub fn groups_by(&self, d: u32) -> (u64, u64) {
        let total = self.daily_visitors * u64::from(d);
        let holdout = (((total as f64) * self.holdout_share).round() as u64).min(total.saturating_sub(1)).max(1);
        (holdout, total.saturating_sub(holdout))
    }

    /// Days simulated: the plan's, and beyond it (to three times, at most
    /// [`MAX_DAYS`]) to find the days needed for the target power.
    pub fn horizon(&self) -> u32 {
        self.days.max((3 * self.days).min(MAX_DAYS))
    }
}

/// The visitors a day the scenario's annual GMV implies at the holdout's revenue per
/// visitor (`None` when that is not positive).
pub fn implied_daily_visitors(sc: &Scenario, holdout_rpv: f64) -> Option<u64> {
    (holdout_rpv > 0.0).then(|| (sc.store.annual_gmv / 365.0 / holdout_rpv).round().max(1.0) as u64)
}

/// One metric's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricPlan {
    /// The lift measured.
    pub metric: Metric,
    /// The strategy's true lift, mean over worlds (from the paired run).
    pub true_lift: f64,
    /// Share of worlds whose test finds a significant lift in the expected direction,
    /// by the end of each day (index 0: day 1).
    pub power_by_day: Vec<f64>,
    /// That share at the planned duration.
    pub power: f64,
    /// The same from the normal-approximation formula, with each world's true lift
    /// and standard errors from its per-visitor moments (mean over worlds).
    pub analytic_power: f64,
    /// First day with at least [`TARGET_POWER`] (`None`: not within the days
    /// simulated).
    pub days_for_target: Option<u32>,
    /// The smallest lift the planned test detects with [`TARGET_POWER`], by the
    /// normal approximation on the mean standard error of the log ratio.
    pub minimum_detectable_effect: f64,
    /// Per day: the mean measured lift and the mean of the intervals' bounds.
    pub measured: Vec<[f64; 3]>,
    /// Looking every day with always-valid intervals ([`crate::stats::sequential`],
    /// tuned to the planned visitors) and stopping the first day one excludes zero:
    /// the share of worlds stopped on the expected side by the end of each day.
    pub sequential_power_by_day: Vec<f64>,
    /// That share at the planned duration.
    pub sequential_power: f64,
    /// First day by which at least [`TARGET_POWER`] of the worlds have stopped on the
    /// expected side, looking every day (`None`: not within the days simulated).
    pub sequential_days_for_target: Option<u32>,
}

/// The plan's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    /// The plan.
    pub plan: Plan,
    /// The strategy's name.
    pub strategy: String,
    /// The scenario's holdout (with `plan.strategy`, the strategy's colour in charts).
    #[serde(skip)]
    pub holdout: usize,
    /// Worlds (replications) simulated.
    pub worlds: u32,
    /// Days simulated.
    pub horizon: u32,
    /// Holdout and treatment visitors over the planned duration.
    pub groups: (u64, u64),
    /// Conversion, AOV and revenue per visitor.
    pub metrics: Vec<MetricPlan>,
    /// Revenue the holdout group forgoes during the test: its visitors times the
    /// strategy's mean revenue-per-visitor gain (negative: the holdout gains).
    pub forgone_revenue: f64,
    /// The same net of returns: its visitors times the strategy's mean gain in net
    /// revenue per visitor (equal to `forgone_revenue` without returns).
    pub forgone_net_revenue: f64,
    /// Per world: the revenue-per-visitor lift the planned test measures (`None`
    /// where undefined), for the value of its information.
    pub measured_rpv_lift: Vec<Option<f64>>,
}

impl Planned {
    /// The forgone revenue net of returns, where it differs from the gross figure by
    /// half a currency unit or more.
    pub fn forgone_net_if_different(&self) -> Option<f64> {
        ((self.forgone_net_revenue - self.forgone_revenue).abs() >= 0.5).then_some(self.forgone_net_revenue)
    }
}

/// The metrics a holdout test measures.
pub const MEASURED: [Metric; 3] = [Metric::ConversionRateLift, Metric::AovLift, Metric::RpvLift];

/// Log ratio and its standard error for `metric` between two independent groups'
/// tallies (`s` over `ns` visitors, `h` over `nh`); `None` where undefined.
pub fn log_ratio(metric: Metric, s: &StrategyCounts, ns: u64, h: &StrategyCounts, nh: u64) -> Option<(f64, f64)> {
    let part = |t: &StrategyCounts, n: u64| -> Option<(f64, f64)> {
        let n = n as f64;
        let (o, r, r2) = (t.orders as f64, t.revenue as f64 / 100.0, t.revenue_sq as f64 / 1e4);
        match metric {
            Metric::ConversionRateLift => (o > 0.0).then(|| (o / n, (1.0 - o / n) / o)),
            Metric::RpvLift => (r > 0.0 && n > 1.0).then(|| {
                let m = r / n;
                let var_mean = ((r2 / n - m * m).max(0.0)) * n / (n - 1.0) / n;
                (m, var_mean / (m * m))
            }),
            Metric::AovLift => (o > 0.0 && r > 0.0).then(|| {
                let a = r / o;
                let var = (r2 - 2.0 * a * r + a * a * o).max(0.0) / (o * o);
                (a, var / (a * a))
            }),
            _ => None,
        }
    };
    let (vs, ws) = part(s, ns)?;
    let (vh, wh) = part(h, nh)?;
    Some(((vs / vh).ln(), (ws + wh).sqrt()))
}

/// Runs the planner: the paired run of the holdout and the strategy for the true
/// lifts, then the split test day by day, in up to [`MAX_WORLDS`] worlds.
pub fn plan(
    sc: &Scenario,
    plan: &Plan,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Planned, PlanError> {
    plan.check(sc).map_err(PlanError::Request)?;
    let worlds = sc.replications().min(MAX_WORLDS);
    let mut pair = sc.clone();
    pair.strategies = vec![sc.strategies[sc.holdout].clone(), sc.strategies[plan.strategy].clone()];
    pair.holdout = 0;
    // The plan reads orders and revenue only: abandoners need not be followed.
    let o = RunOptions { replications: Some(0..worlds), primary_only: true, ..opts.clone() };
    let truth: Vec<crate::report::Replication> = {
        let each = |d: u32, t: u32| progress(0.2 * f64::from(d) / f64::from(t));
        super::replications(&pair, &o, &each, cancel)?
    };
    // Each day: a holdout group, then a treatment group. Each arm runs only the
    // strategy it reads (the engine's covariances with the "holdout", here the arm's
    // own strategy, are not read): its tallies are those it gets beside the other.
    let (mut holdout_arm, mut treatment_arm) = (pair.clone(), pair.clone());
    holdout_arm.strategies.truncate(1);
    treatment_arm.strategies.remove(0);
    let horizon = plan.horizon();
    let mut sizes = Vec::with_capacity(2 * horizon as usize);
    let mut before = (0, 0);
    for d in 1..=horizon {
        let by = plan.groups_by(d);
        sizes.push((0, by.0 - before.0));
        sizes.push((1, by.1 - before.1));
        before = by;
    }
    let each = |d: u32, t: u32| progress(0.2 + 0.8 * f64::from(d) / f64::from(t));
    let arms = [&holdout_arm, &treatment_arm];
    // The arms are read for gross lifts only (`MEASURED`); the revenue forgone net of
    // returns comes from the paired run.
    let gross = RunOptions { gross_only: true, ..o.clone() };
    let groups: Vec<Vec<RepCounts>> = crate::engine::run_groups(&arms, &sizes, &gross, &each, cancel)?;
    let z = normal_quantile(1.0 - plan.alpha / 2.0);
    let z_power = normal_quantile(TARGET_POWER);
    let planned = plan.groups_by(plan.days);
    let rho2 = crate::stats::sequential::tuning((planned.0 + planned.1) as f64, plan.alpha);
    let mut metrics = Vec::new();
    let mut measured_rpv_lift = Vec::with_capacity(groups.len());
    for m in MEASURED {
        let truths: Vec<f64> = truth.iter().filter_map(|r| m.estimate(&r.strategies[1]).map(|e| e.value)).collect();
        let true_lift = crate::stats::mean(&truths).unwrap_or(0.0);
        let up = true_lift >= 0.0;
        let mut detected = vec![0u32; horizon as usize];
        // The first day each world's always-valid interval excluded zero on the
        // expected side (counted from that day on).
        let mut stopped = vec![0u32; horizon as usize];
        let mut sums = vec![[0.0f64; 3]; horizon as usize];
        let mut defined = vec![0u32; horizon as usize];
        let mut se_at_plan = Vec::new();
        for g in &groups {
            let (mut hc, mut tc) = (StrategyCounts::default(), StrategyCounts::default());
            let (mut nh, mut nt) = (0u64, 0u64);
            let mut stop_day: Option<usize> = None;
            for d in 0..horizon as usize {
                hc.merge(&g[2 * d].strategies[0]);
                nh += g[2 * d].visitors;
                tc.merge(&g[2 * d + 1].strategies[0]);
                nt += g[2 * d + 1].visitors;
                let Some((l, se)) = log_ratio(m, &tc, nt, &hc, nh) else {
                    if m == Metric::RpvLift && d + 1 == plan.days as usize {
                        measured_rpv_lift.push(None);
                    }
                    continue;
                };
                let (lo, hi) = (l - z * se, l + z * se);
                if (up && lo > 0.0) || (!up && hi < 0.0) {
                    detected[d] += 1;
                }
                let w = crate::stats::sequential::half_width(se, (nh + nt) as f64, rho2, plan.alpha);
                if stop_day.is_none() && ((up && l - w > 0.0) || (!up && l + w < 0.0)) {
                    stop_day = Some(d);
                }
                defined[d] += 1;
                for (s, v) in sums[d].iter_mut().zip([l, lo, hi]) {
                    *s += v.exp_m1();
                }
                if d + 1 == plan.days as usize {
                    se_at_plan.push(se);
                    if m == Metric::RpvLift {
                        measured_rpv_lift.push(Some(l.exp_m1()));
                    }
                }
            }
            if let Some(d) = stop_day {
                for s in &mut stopped[d..] {
                    *s += 1;
                }
            }
        }
        let n_worlds = groups.len().max(1) as f64;
        let power_by_day: Vec<f64> = detected.iter().map(|&k| f64::from(k) / n_worlds).collect();
        let sequential_power_by_day: Vec<f64> = stopped.iter().map(|&k| f64::from(k) / n_worlds).collect();
        let measured = sums
            .iter()
            .zip(&defined)
            .map(|(s, &k)| if k > 0 { s.map(|v| v / f64::from(k)) } else { [f64::NAN; 3] })
            .collect();
        let mean_se = crate::stats::mean(&se_at_plan).unwrap_or(0.0);
        let (nh, nt) = plan.groups_by(plan.days);
        let analytic = truth.iter().filter_map(|r| analytic_power(m, r, nh, nt, z, up)).collect::<Vec<f64>>();
        metrics.push(MetricPlan {
            metric: m,
            true_lift,
            power: power_by_day[plan.days as usize - 1],
            analytic_power: crate::stats::mean(&analytic).unwrap_or(0.0),
            days_for_target: power_by_day.iter().position(|&p| p >= TARGET_POWER).map(|d| d as u32 + 1),
            minimum_detectable_effect: ((z + z_power) * mean_se).exp_m1(),
            power_by_day,
            measured,
            sequential_power: sequential_power_by_day[plan.days as usize - 1],
            sequential_days_for_target: sequential_power_by_day
                .iter()
                .position(|&p| p >= TARGET_POWER)
                .map(|d| d as u32 + 1),
            sequential_power_by_day,
        });
    }
    let gain = |m: Metric| {
        truth
            .iter()
            .filter_map(|r| Some(m.estimate(&r.strategies[1])?.value - m.estimate(&r.strategies[0])?.value))
            .sum::<f64>()
            / truth.len().max(1) as f64
    };
    let (rpv_gain, net_rpv_gain) = (gain(Metric::RevenuePerVisitor), gain(Metric::NetRevenuePerVisitor));
    let groups_at = plan.groups_by(plan.days);
    Ok(Planned {
        plan: plan.clone(),
        strategy: sc.strategies[plan.strategy].name.clone(),
        holdout: sc.holdout,
        worlds,
        horizon,
        groups: groups_at,
        metrics,
        forgone_revenue: groups_at.0 as f64 * rpv_gain,
        forgone_net_revenue: groups_at.0 as f64 * net_rpv_gain,
        measured_rpv_lift,
    })
}

/// The normal-approximation power of a two-group test of `nh` and `nt` visitors in
/// one world, from that world's true per-visitor moments (the paired run's tallies):
/// `Phi(|ln ratio| / se - z)` on the expected side.
fn analytic_power(m: Metric, r: &crate::report::Replication, nh: u64, nt: u64, z: f64, up: bool) -> Option<f64> {
    let (h, s) = (&r.strategies[0], &r.strategies[1]);
    let lift = m.estimate(s)?.value;
    // Per-visitor variances of the log-mean contributions, from the world's levels.
    let term = |x: &crate::report::StrategyRep, n: u64| -> Option<f64> {
        let n = n as f64;
        match m {
            Metric::ConversionRateLift => {
                let p = x.levels.conversion_rate?.value;
                (p > 0.0).then(|| (1.0 - p) / (n * p))
            }
            Metric::RpvLift => {
                let e = x.levels.revenue_per_visitor?;
                // se of the mean over this world's visitors, scaled to n visitors.
                (e.value > 0.0).then(|| (e.se * e.se * r.visitors as f64 / n) / (e.value * e.value))
            }
            Metric::AovLift => {
                let e = x.levels.aov?;
                (e.value > 0.0).then(|| (e.se * e.se * r.visitors as f64 / n) / (e.value * e.value))
            }
            _ => None,
        }
    };
    let se = (term(s, nt)? + term(h, nh)?).sqrt();
    let l = (1.0 + lift).ln();
    let signed = if up { l } else { -l };
    Some(normal_cdf(signed / se - z))
}

/// Why the planner gave no result.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The plan is wrong for the scenario.
    #[error("{0}")]
    Request(String),
    /// The engine stopped.
    #[error(transparent)]
    Run(#[from] RunError),
}
