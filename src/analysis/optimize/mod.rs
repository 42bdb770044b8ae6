//! The optimizer: the best combination of levers for an objective, under optional
//! constraints, with the conversion-AOV trade-off of every policy it tried.
//!
//! Every candidate is a strategy run on the same visitors and the same draws of the
//! uncertain world as every other (common random numbers: up to 63 candidates and the
//! holdout per engine pass), so a difference between two candidates is their levers',
//! not luck. The search races them: every candidate is screened on a few replications,
//! the best third (by the objective's mean, feasible ones first) goes on to three times
//! as many, and so on until a handful are left or the scenario's replications are
//! reached (successive halving). The finalists, with the scenario's own strategies,
//! are then run again on fresh random numbers (a different seed) so that the reported
//! winner's figures are not the lucky draw that made it win (the winner's curse); the
//! probability that each finalist is truly best is the share of those replications in
//! which it is.
//!
//! The screening stage splits across machines like a run: shard `I/N` screens every
//! `N`th candidate from the `I`th, and [`Screened::combine`] joins the shards'
//! results, which are those of one machine bit for bit (a strategy's tallies do not
//! depend on which others run), so the race that follows ranks them identically.

use std::ops::Range;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

mod request;
mod space;

pub use request::{Constraint, Objective, Search};
pub use space::{Bounds, candidates, describe, parse_thresholds};

use super::variants::{Pass, Variant, VariantsError};
use crate::engine::{RunError, RunOptions};
use crate::model::{FieldError, Scenario, ScenarioSpec, StrategySpec};
use crate::report::{Metric, Replication, replication};
use crate::stats::Sample;

/// Candidates in the final, fresh evaluation (with the scenario's own strategies).
pub const FINALISTS: usize = 8;
/// Replications of the screening stage.
pub const SCREEN_REPLICATIONS: u32 = 2;
/// Most candidates in one search (the lever space's size).
pub const MAX_CANDIDATES: usize = 20_000;
/// The final evaluation's seed is the scenario's plus this (wrapping): fresh visitors
/// and fresh draws of the world.
pub const FRESH_SEED_OFFSET: u64 = 0x9E37_79B9_7F4A_7C15;

/// Every metric's value in one replication, in [`Metric::ALL`] order (`None` where
/// undefined; the holdout's lifts are 0).
pub type Values = Vec<Option<f64>>;

/// The screening stage's results: per candidate, per replication, every metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screened {
    /// Candidates in the whole lever space.
    pub candidates: usize,
    /// Replications screened.
    pub replications: u32,
    /// (candidate index, its values per replication), by index.
    pub scores: Vec<(usize, Vec<Values>)>,
}

impl Screened {
    /// Joins shards' screening results; refuses shards of different searches, a
    /// candidate screened twice, and an incomplete set.
    pub fn combine(parts: Vec<Screened>) -> Result<Screened, String> {
        let first = parts.first().ok_or("no shards to combine")?;
        let (candidates, replications) = (first.candidates, first.replications);
        let mut scores = Vec::with_capacity(candidates);
        for p in parts {
            if p.candidates != candidates || p.replications != replications {
                return Err("the shards are of different searches (another lever space or screening size)".into());
            }
            scores.extend(p.scores);
        }
        scores.sort_by_key(|(i, _)| *i);
        if let Some(w) = scores.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(format!("candidate {} was screened by two shards", w[0].0 + 1));
        }
        if scores.len() != candidates
            || scores.iter().any(|(i, v)| *i >= candidates || v.len() != replications as usize)
        {
            return Err(format!(
                "the shards screened {} of {candidates} candidates; give every shard of the search",
                scores.len()
            ));
        }
        Ok(Screened { candidates, replications, scores })
    }
}

impl Screened {
    /// Checks every value a shard reports as strictly as a run's tallies are checked
    /// on merge: each value finite and in its metric's domain (rates in [0, 1], money
    /// per order or visitor not negative, relative lifts of conversion, AOV and
    /// revenue at least -100%) and consistent with its parts (revenue per visitor =
    /// conversion x AOV, margin per visitor at most revenue per visitor, upgrades at
    /// most orders, (1 + RPV lift) = (1 + conversion lift) x (1 + AOV lift), annual
    /// impact = annual GMV x RPV lift). A file edited by hand or by a faulty tool is
    /// refused, naming the candidate, the replication and the value.
    pub fn check(&self, annual_gmv: f64) -> Result<(), String> {
        for (candidate, reps) in &self.scores {
            for (rep, values) in reps.iter().enumerate() {
                check_values(values, annual_gmv)
                    .map_err(|m| format!("candidate {}, replication {}: {m}", candidate + 1, rep + 1))?;
            }
        }
        Ok(())
    }
}

/// One replication's [`Values`], checked as [`Screened::check`] says.
fn check_values(v: &Values, annual_gmv: f64) -> Result<(), String> {
    use crate::report::metric::MetricUnit;
    if v.len() != Metric::ALL.len() {
        return Err(format!("{} values where there are {} metrics", v.len(), Metric::ALL.len()));
    }
    let get = |m: Metric| v[metric_index(m)];
    for (&m, x) in Metric::ALL.iter().zip(v) {
        let Some(x) = *x else { continue };
        let bad = |allowed: &str| Err(format!("{} is {x}, outside {allowed}", m.name()));
        if !x.is_finite() {
            return bad("the finite numbers");
        }
        match m.unit() {
            MetricUnit::Rate | MetricUnit::PerThousand if !(0.0..=1.0).contains(&x) => return bad("[0, 1]"),
            MetricUnit::Money if x < 0.0 => return bad("the amounts of at least 0"),
            MetricUnit::MoneyPerVisitor if m == Metric::RevenuePerVisitor && x < 0.0 => {
                return bad("the amounts of at least 0");
            }
            MetricUnit::Relative if m != Metric::MarginLift && x < -1.0 => return bad("the lifts of at least -100%"),
            _ => {}
        }
    }
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12);
    let inconsistent = |what: &str| Err(format!("the values disagree: {what}"));
    if let (Some(cr), Some(rpv)) = (get(Metric::ConversionRate), get(Metric::RevenuePerVisitor)) {
        let expected = get(Metric::Aov).map_or(0.0, |aov| cr * aov);
        if !close(rpv, expected) {
            return inconsistent("revenue per visitor is not conversion x AOV");
        }
        if get(Metric::GrossMarginPerVisitor).is_some_and(|gm| gm > rpv * (1.0 + 1e-12)) {
            return inconsistent("margin per visitor exceeds revenue per visitor");
        }
        if get(Metric::TierUpgradeRate).is_some_and(|u| u > cr * (1.0 + 1e-12)) {
            return inconsistent("tier upgrades exceed orders");
        }
    }
    if let (Some(c), Some(a), Some(r)) = (get(Metric::ConversionRateLift), get(Metric::AovLift), get(Metric::RpvLift))
        && !close(1.0 + r, (1.0 + c) * (1.0 + a))
    {
        return inconsistent("1 + RPV lift is not (1 + conversion lift) x (1 + AOV lift)");
    }
    if let (Some(r), Some(i)) = (get(Metric::RpvLift), get(Metric::AnnualGmvImpact))
        && !close(i, annual_gmv * r)
    {
        return inconsistent("the annual impact is not annual GMV x RPV lift");
    }
    Ok(())
}

/// One evaluated policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluated {
    /// Its levers in a line.
    pub label: String,
    /// Its levers.
    pub levers: StrategySpec,
    /// One of the scenario's own strategies (by name), not a candidate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own: Option<String>,
    /// The race's stage it reached (0: screening); finalists and own strategies carry
    /// the final evaluation's figures.
    pub stage: usize,
    /// Replications behind its figures.
    pub replications: u32,
    /// Conversion rate, mean.
    pub conversion_rate: f64,
    /// AOV, mean (NaN where no order).
    pub aov: f64,
    /// Revenue per visitor, mean.
    pub revenue_per_visitor: f64,
    /// The objective, mean.
    pub objective: f64,
    /// Whether every constraint holds (by the means).
    pub feasible: bool,
    /// On the conversion-AOV Pareto frontier of all evaluated policies.
    pub frontier: bool,
}

impl Evaluated {
    /// The metrics every evaluated policy has a mean of, besides its objective.
    pub const METRICS: [Metric; 3] = [Metric::ConversionRate, Metric::Aov, Metric::RevenuePerVisitor];

    /// Its mean of one of [`Evaluated::METRICS`] (`None` for another metric).
    pub fn mean(&self, m: Metric) -> Option<f64> {
        match m {
            Metric::ConversionRate => Some(self.conversion_rate),
            Metric::Aov => Some(self.aov),
            Metric::RevenuePerVisitor => Some(self.revenue_per_visitor),
            _ => None,
        }
    }

    /// A policy's figures from its values per replication.
    fn new(
        label: String,
        levers: &StrategySpec,
        own: Option<String>,
        stage: usize,
        v: &[Values],
        search: &Search,
    ) -> Self {
        let (objective, short) = search.score(v);
        Evaluated {
            label,
            levers: levers.clone(),
            own,
            stage,
            replications: v.len() as u32,
            conversion_rate: mean_of(v, Metric::ConversionRate).unwrap_or(0.0),
            aov: mean_of(v, Metric::Aov).unwrap_or(f64::NAN),
            revenue_per_visitor: mean_of(v, Metric::RevenuePerVisitor).unwrap_or(0.0),
            objective,
            feasible: short == 0.0,
            frontier: false,
        }
    }
}

/// A finalist's figures from the fresh evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finalist {
    /// Index into [`Optimized::evaluated`].
    pub index: usize,
    /// Every metric's mean, P5 and P95 over the fresh replications, by name.
    pub metrics: Vec<MetricFigures>,
    /// Share of fresh replications in which its objective is the highest among the
    /// feasible finalists.
    pub probability_best: f64,
}

/// A metric's figures over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricFigures {
    /// The metric's report name.
    pub metric: &'static str,
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// The search's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Optimized {
    /// What was maximised.
    pub objective: Objective,
    /// Constraints on the means.
    pub constraints: Vec<Constraint>,
    /// The lever space's limits.
    pub bounds: Bounds,
    /// Candidates in the lever space.
    pub policies_evaluated: usize,
    /// Replications per stage of the race, and the candidates in each.
    pub stages: Vec<(u32, usize)>,
    /// The final evaluation's seed.
    pub fresh_seed: u64,
    /// Every evaluated policy (candidates, then the scenario's own strategies).
    pub evaluated: Vec<Evaluated>,
    /// The finalists, best first (the scenario's own strategies are not finalists).
    pub finalists: Vec<Finalist>,
    /// Index into `evaluated` of the winner: the feasible finalist with the best mean
    /// in the fresh evaluation (`None` when none is feasible).
    pub chosen: Option<usize>,
}

impl Optimized {
    /// The winner's levers as a strategy named `name`.
    pub fn chosen_strategy(&self, name: &str) -> Option<StrategySpec> {
        let e = &self.evaluated[self.chosen?];
        Some(StrategySpec { name: name.to_string(), ..e.levers.clone() })
    }

    /// The winner's finalist figures.
    pub fn chosen_figures(&self) -> Option<&Finalist> {
        let c = self.chosen?;
        self.finalists.iter().find(|f| f.index == c)
    }
}

/// Why a search gave no result.
#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    /// A candidate is invalid in this scenario.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The limits or the request are wrong.
    #[error("{0}")]
    Request(String),
    /// The engine stopped.
    #[error(transparent)]
    Run(#[from] RunError),
}

/// The mean of `m` over replications where it is defined.
fn mean_of(values: &[Values], m: Metric) -> Option<f64> {
    let i = metric_index(m);
    crate::stats::mean_defined(values.iter().map(|r| r[i]))
}

fn metric_index(m: Metric) -> usize {
    Metric::ALL.iter().position(|&x| x == m).unwrap_or(0)
}

/// Runs `cands` (with the scenario's holdout first in each pass) over the replications
/// `reps`, with `seed`, on the same visitors ([`super::variants`]): every candidate's
/// values per replication, and the holdout's (its lifts are 0).
#[allow(clippy::too_many_arguments)]
fn evaluate(
    sc: &Scenario,
    spec: &ScenarioSpec,
    cands: &[Variant],
    reps: Range<u32>,
    seed: u64,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<(Vec<Vec<Values>>, Vec<Values>), OptimizeError> {
    // A metric the run does not keep the tallies for is left undefined, never read.
    let kept = |m: &Metric| {
        let unkept_counts = opts.primary_only && m.reads_shown_counts();
        let unkept_net = opts.gross_only && m.is_net();
        !(unkept_counts || unkept_net)
    };
    let values = |r: &Replication, k: usize| -> Values {
        Metric::ALL.iter().map(|m| m.estimate(&r.strategies[k]).filter(|_| kept(m)).map(|e| e.value)).collect()
    };
    let holdout_values = |r: &Replication| -> Values {
        Metric::ALL
            .iter()
            .map(|m| {
                if m.is_lift() { Some(0.0) } else { m.estimate(&r.strategies[0]).filter(|_| kept(m)).map(|e| e.value) }
            })
            .collect()
    };
    let mut out = Vec::with_capacity(cands.len());
    let mut holdout = Vec::new();
    let mut done = |pass: &Pass, tallies: Vec<crate::engine::RepCounts>| {
        let reps: Vec<Replication> = tallies.iter().map(|r| replication(&pass.scenario, r)).collect();
        if pass.index == 0 {
            holdout = reps.iter().map(holdout_values).collect();
        }
        for j in 0..pass.variants.len() {
            out.push(reps.iter().map(|r| values(r, pass.offset + j)).collect());
        }
    };
    let o = RunOptions { replications: Some(reps), ..opts.clone() };
    let each = |pass: &Pass, p: &crate::engine::Progress| progress(pass.share_done(p));
    super::variants::run(sc, spec, &[sc.holdout], cands, Some(seed), &o, &each, &mut done, cancel).map_err(
        |e| match e {
            VariantsError::Invalid { errors, .. } => OptimizeError::Invalid(errors),
            VariantsError::Run(e) => OptimizeError::Run(e),
        },
    )?;
    Ok((out, holdout))
}

/// The options of the screening and the race: they read only the objective, the
/// constraints, conversion, AOV and revenue per visitor, so unless the search reads a
/// count before checkout, only primary tallies are kept
/// ([`RunOptions::primary_only`]), and unless it reads a net figure, no order is
/// netted ([`RunOptions::gross_only`]). The finalists' fresh evaluation keeps
/// every tally of the means. No stage reads a standard error: every run tallies means
/// only ([`RunOptions::means_only`]).
fn racing_options(search: &Search, opts: &RunOptions) -> RunOptions {
    RunOptions {
        primary_only: !search.reads_shown_counts(),
        gross_only: !search.reads_net(),
        means_only: true,
        ..opts.clone()
    }
}

/// Screens the candidates of shard `shard = (i, n)` (every `n`th from the `i`th; all
/// of them for `(0, 1)`) on the first [`SCREEN_REPLICATIONS`] replications.
pub fn screen(
    spec: &ScenarioSpec,
    sc: &Scenario,
    search: &Search,
    shard: (usize, usize),
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Screened, OptimizeError> {
    let cands = search.space(spec)?;
    let reps = SCREEN_REPLICATIONS.min(sc.replications());
    let mine: Vec<usize> = (0..cands.len()).filter(|i| i % shard.1 == shard.0).collect();
    let chosen: Vec<Variant> = mine.iter().map(|&i| cands[i].clone()).collect();
    let opts = &racing_options(search, opts);
    let (values, _) = evaluate(sc, spec, &chosen, 0..reps, sc.seed(), opts, progress, cancel)?;
    Ok(Screened { candidates: cands.len(), replications: reps, scores: mine.into_iter().zip(values).collect() })
}

/// One stage of the race: the policies kept, and the replications they run next.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stage {
    keep: usize,
    reps: (u32, u32),
}

impl Stage {
    /// Its work in strategy-replications (what a run's time grows with).
    fn work(&self) -> f64 {
        self.keep as f64 * f64::from(self.reps.1 - self.reps.0)
    }
}

/// The race after screening `candidates` on `screened` replications of `total`: keep
/// the best third and triple the replications while more than [`FINALISTS`] remain.
/// It is fixed by the counts alone, so its work is known before it starts and
/// progress can be the share of the work done (a steady estimate of the time left)
/// rather than the share of stages. With the work of the fresh evaluation of the
/// finalists and the scenario's `own` strategies.
fn race(candidates: usize, screened: u32, total: u32, own: usize) -> (Vec<Stage>, f64) {
    let (mut alive, mut done) = (candidates, screened);
    let mut stages = Vec::new();
    while alive > FINALISTS && done < total {
        alive = alive.div_ceil(3).max(FINALISTS);
        let next = (done * 3).min(total);
        stages.push(Stage { keep: alive, reps: (done, next) });
        done = next;
    }
    (stages, (alive.min(FINALISTS) + own) as f64 * f64::from(total))
}

/// Races the screened candidates to the finalists and evaluates them, with the
/// scenario's own strategies, on fresh random numbers. `progress` hears the share of
/// the work done.
pub fn finish(
    spec: &ScenarioSpec,
    sc: &Scenario,
    search: &Search,
    screened: Screened,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Optimized, OptimizeError> {
    let cands = search.space(spec)?;
    if screened.candidates != cands.len() {
        return Err(OptimizeError::Request(format!(
            "the screening covered {} candidates but this search has {}: it was of another lever space",
            screened.candidates,
            cands.len()
        )));
    }
    let total_reps = sc.replications();
    let mut values: Vec<Vec<Values>> = screened.scores.into_iter().map(|(_, v)| v).collect();
    let mut stage_of = vec![0usize; cands.len()];
    let mut alive: Vec<usize> = (0..cands.len()).collect();
    let mut done_reps = screened.replications;
    let mut stages = vec![(done_reps, cands.len())];
    let own_count = spec.strategies.iter().filter(|s| !s.holdout).count();
    let (schedule, fresh_work) = race(cands.len(), done_reps, total_reps, own_count);
    let raced: f64 = schedule.iter().map(Stage::work).sum();
    let all_work = (raced + fresh_work).max(1.0);
    let mut before = 0.0;
    let rank = |alive: &mut Vec<usize>, values: &[Vec<Values>]| {
        alive.sort_by(|&a, &b| {
            let (oa, sa) = search.score(&values[a]);
            let (ob, sb) = search.score(&values[b]);
            sa.total_cmp(&sb).then(ob.total_cmp(&oa)).then(a.cmp(&b))
        });
    };
    // The race: keep the best third, triple the replications.
    for step in &schedule {
        rank(&mut alive, &values);
        alive.truncate(step.keep);
        let racing: Vec<Variant> = alive.iter().map(|&i| cands[i].clone()).collect();
        let stage = stages.len();
        let p = |f: f64| progress(((before + f * step.work()) / all_work).min(1.0));
        let race_opts = racing_options(search, opts);
        let (more, _) = evaluate(sc, spec, &racing, step.reps.0..step.reps.1, sc.seed(), &race_opts, &p, cancel)?;
        for (&i, v) in alive.iter().zip(more) {
            values[i].extend(v);
            stage_of[i] = stage;
        }
        before += step.work();
        done_reps = step.reps.1;
        stages.push((done_reps, alive.len()));
    }
    rank(&mut alive, &values);
    alive.truncate(FINALISTS);
    // The fresh evaluation: finalists and the scenario's own strategies.
    let fresh_seed = sc.seed().wrapping_add(FRESH_SEED_OFFSET);
    let own: Vec<&StrategySpec> = spec.strategies.iter().collect();
    let mut fresh_list: Vec<Variant> = alive.iter().map(|&i| cands[i].clone()).collect();
    // The scenario's own strategies, each drawing its uncertain levers as itself.
    let own_variants = own.iter().enumerate().filter(|(_, s)| !s.holdout);
    fresh_list.extend(own_variants.map(|(k, s)| Variant { levers: (*s).clone(), draws_as: Some(k) }));
    let raced = raced / all_work;
    let p = |f: f64| progress(raced + (1.0 - raced) * f);
    let every_count = RunOptions { primary_only: false, gross_only: false, means_only: true, ..opts.clone() };
    let (fresh, fresh_holdout) = evaluate(sc, spec, &fresh_list, 0..total_reps, fresh_seed, &every_count, &p, cancel)?;
    let n_final = alive.len();
    let final_stage = stages.len();
    let mut evaluated: Vec<Evaluated> = Vec::with_capacity(cands.len() + own.len());
    for (i, c) in cands.iter().enumerate() {
        let finalist = alive.iter().position(|&a| a == i);
        let v = finalist.map_or(&values[i], |f| &fresh[f]);
        let stage = if finalist.is_some() { final_stage } else { stage_of[i] };
        evaluated.push(Evaluated::new(c.levers.name.clone(), &c.levers, None, stage, v, search));
    }
    // The scenario's own strategies, from the fresh evaluation (the holdout runs first
    // in each of its passes).
    for s in &own {
        let v = if s.holdout {
            &fresh_holdout
        } else {
            &fresh[n_final + own.iter().filter(|o| !o.holdout).position(|o| o.name == s.name).unwrap_or(0)]
        };
        evaluated.push(Evaluated::new(describe(s), s, Some(s.name.clone()), final_stage, v, search));
    }
    mark_frontier(&mut evaluated);
    // Probability of being best among the feasible finalists, per fresh replication.
    let feasible: Vec<usize> = (0..n_final).filter(|&f| evaluated[alive[f]].feasible).collect();
    let obj = metric_index(search.objective.metric());
    // Ties (equal objectives in a replication) share the win equally.
    let mut wins = vec![0.0f64; n_final];
    (0..total_reps as usize).for_each(|r| {
        let vals: Vec<(usize, f64)> = feasible.iter().filter_map(|&f| fresh[f][r][obj].map(|v| (f, v))).collect();
        let Some(top) = vals.iter().map(|v| v.1).reduce(f64::max) else { return };
        let tied: Vec<usize> = vals.iter().filter(|v| v.1 == top).map(|v| v.0).collect();
        for &f in &tied {
            wins[f] += 1.0 / tied.len() as f64;
        }
    });
    let mut finalists: Vec<Finalist> = (0..n_final)
        .map(|f| Finalist {
            index: alive[f],
            metrics: Metric::ALL
                .iter()
                .enumerate()
                .filter_map(|(mi, m)| {
                    let v = Sample::new(fresh[f].iter().filter_map(|r| r[mi]).collect()).ok()?;
                    Some(MetricFigures {
                        metric: m.name(),
                        mean: v.mean(),
                        p5: v.quantile(0.05),
                        p95: v.quantile(0.95),
                    })
                })
                .collect(),
            probability_best: wins[f] / f64::from(total_reps.max(1)),
        })
        .collect();
    finalists.sort_by(|a, b| {
        let (ea, eb) = (&evaluated[a.index], &evaluated[b.index]);
        eb.feasible.cmp(&ea.feasible).then(eb.objective.total_cmp(&ea.objective)).then(a.index.cmp(&b.index))
    });
    let chosen = finalists.first().map(|f| f.index).filter(|&i| evaluated[i].feasible);
    progress(1.0);
    Ok(Optimized {
        objective: search.objective,
        constraints: search.constraints.clone(),
        bounds: search.bounds.clone(),
        policies_evaluated: cands.len(),
        stages,
        fresh_seed,
        evaluated,
        finalists,
        chosen,
    })
}

/// Marks the policies no other beats on both conversion and AOV.
fn mark_frontier(evaluated: &mut [Evaluated]) {
    let points: Vec<(f64, f64)> = evaluated.iter().map(|e| (e.conversion_rate, e.aov)).collect();
    for (i, e) in evaluated.iter_mut().enumerate() {
        let (c, a) = points[i];
        e.frontier =
            a.is_finite() && !points.iter().any(|&(c2, a2)| a2.is_finite() && c2 >= c && a2 >= a && (c2 > c || a2 > a));
    }
}

/// The whole search on one machine: [`screen`] every candidate, then [`finish`].
pub fn optimize(
    spec: &ScenarioSpec,
    sc: &Scenario,
    search: &Search,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Optimized, OptimizeError> {
    // Progress shares the work: screening every candidate against the race after it.
    let candidates = search.space(spec)?.len();
    let screen_reps = SCREEN_REPLICATIONS.min(sc.replications());
    let own = spec.strategies.iter().filter(|s| !s.holdout).count();
    let (stages, fresh) = race(candidates, screen_reps, sc.replications(), own);
    let screening = candidates as f64 * f64::from(screen_reps);
    let share = screening / (screening + stages.iter().map(Stage::work).sum::<f64>() + fresh).max(1.0);
    let screened = screen(spec, sc, search, (0, 1), opts, &|f| progress(share * f), cancel)?;
    finish(spec, sc, search, screened, opts, &|f| progress(share + (1.0 - share) * f), cancel)
}

/// A name for the winner that no strategy of `spec` has: `Optimized for revenue per
/// visitor`, then `... (2)`.
pub fn new_strategy_name(spec: &ScenarioSpec, objective: Objective) -> String {
    let base = format!("Optimized for {}", objective.metric().in_words());
    let taken = |n: &str| spec.strategies.iter().any(|s| s.name == n);
    if !taken(&base) {
        return base;
    }
    (2..).map(|i| format!("{base} ({i})")).find(|n| !taken(n)).unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_races_work_is_known_before_it_starts() {
        // 3,900 policies screened on 2 replications, raced to 100: thirds kept while
        // the replications triple (1,300 from 2 to 6, 434 to 18, 145 to 54, 49 to 100),
        // then 8 finalists and 7 own strategies on 100 fresh replications.
        let (stages, fresh) = race(3_900, 2, 100, 7);
        let keep: Vec<(usize, (u32, u32))> = stages.iter().map(|s| (s.keep, s.reps)).collect();
        assert_eq!(keep, vec![(1_300, (2, 6)), (434, (6, 18)), (145, (18, 54)), (49, (54, 100))]);
        let work: Vec<f64> = stages.iter().map(Stage::work).collect();
        assert_eq!(work, vec![1_300.0 * 4.0, 434.0 * 12.0, 145.0 * 36.0, 49.0 * 46.0]);
        assert_eq!(fresh, 15.0 * 100.0);
        // Few candidates: no race, the fresh evaluation only.
        assert_eq!(race(5, 2, 100, 1), (Vec::new(), 6.0 * 100.0));
    }
}
