//! Which uncertain input matters, and which would flip a decision.
//!
//! For each input drawn once per replication, the scenario is run with that input
//! held at a few quantiles of its distribution (P1, P10, P50, P90, P99) while every
//! other input stays uncertain, drawn from the same streams as in the main run
//! (common random numbers). Holding keeps the world consistent ([`Scenario::hold`]):
//! a held segment share keeps its value while the others fill the rest of the
//! traffic, and a correlated input's partners are drawn given the held value. That
//! gives:
//!
//! - the **tornado**: the outcome's mean with the input at P10 and at P90, ranked by
//!   the swing between them;
//! - the **importance**: Spearman's rank correlation between the input's draws and
//!   the outcome across the main run's replications (every input varying at once),
//!   the global view to set beside the one-at-a-time tornado;
//! - the **decision flip**: for the difference between two strategies, each value of
//!   the input at which its mean changes sign between the grid points (located by
//!   linear interpolation, refined by one more run at the interpolated value), and
//!   the probability that the input lies where the other strategy is ahead.
//!
//! The drawn value of every input in every replication of the main run is kept
//! ([`Draws`]) for export.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::engine::{RunError, RunOptions};
use crate::model::fields;
use crate::model::{CHALLENGER_STRATEGY, Dist, FEATURED_STRATEGY, FieldError, Param, Scenario, ScenarioSpec};
use crate::report::{Metric, Replication};
use crate::stats::mean_defined;

mod words;
pub use words::{correlation_text, flip_sentences, show_input};

/// When no input flips the decision within its P1-P99 range, how many of the inputs
/// that move it most (by the decision's swing over the grid) are also held at the ends
/// of their allowed range, to say where the decision would change.
pub const BEYOND: usize = 3;

/// The quantiles each input is held at; P10 and P90 are the tornado's ends.
pub const GRID: [f64; 5] = [0.01, 0.10, 0.50, 0.90, 0.99];
const P10: usize = 1;
const P90: usize = 3;

/// What is measured: a metric of one strategy, or its difference from another's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outcome {
    /// The metric.
    pub metric: Metric,
    /// The strategy (index).
    pub strategy: usize,
    /// Another strategy to subtract (index).
    pub versus: Option<usize>,
}

impl Outcome {
    /// Its value in one replication (`None` where the metric is undefined).
    pub fn value(&self, rep: &Replication) -> Option<f64> {
        let a = self.metric.estimate(rep.strategies.get(self.strategy)?)?.value;
        match self.versus {
            Some(b) => Some(a - self.metric.estimate(rep.strategies.get(b)?)?.value),
            None => Some(a),
        }
    }

    /// The outcome in words: `AOV-optimized: Annual GMV impact`, or `... minus ...`.
    pub fn describe(&self, sc: &Scenario) -> String {
        let name = |k: usize| sc.strategies.get(k).map_or("?", |s| s.name());
        match self.versus {
            Some(b) => format!("{}: {} minus {}", self.metric.label(), name(self.strategy), name(b)),
            None => format!("{}: {}", self.metric.label(), name(self.strategy)),
        }
    }

    /// Checks the strategies exist and the metric is defined for them.
    pub fn check(&self, sc: &Scenario) -> Result<(), String> {
        for k in std::iter::once(self.strategy).chain(self.versus) {
            if k >= sc.strategies.len() {
                return Err(format!("no strategy {}", k + 1));
            }
            if self.metric.is_lift() && k == sc.holdout {
                return Err(format!(
                    "{} compares with the holdout, so it is not defined for the holdout `{}`",
                    self.metric.label(),
                    sc.strategies[k].name()
                ));
            }
        }
        if self.versus == Some(self.strategy) {
            return Err("a strategy compared with itself is always 0; pick two different strategies".into());
        }
        Ok(())
    }
}

/// The default pair to decide between: AOV-optimized against Conversion-optimized when
/// the scenario has them (the article's question), else its first two strategies
/// that are not the holdout.
pub fn default_decision(sc: &Scenario) -> Option<(usize, usize)> {
    let find = |n: &str| sc.strategies.iter().position(|s| s.name() == n);
    if let (Some(a), Some(b)) = (find(FEATURED_STRATEGY), find(CHALLENGER_STRATEGY)) {
        return Some((a, b));
    }
    let mut others = (0..sc.strategies.len()).filter(|&k| k != sc.holdout);
    Some((others.next()?, others.next()?))
}

/// The input values each replication of the main run drew.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draws {
    /// The inputs' canonical paths, in column order.
    pub paths: Vec<String>,
    /// One row per replication.
    pub rows: Vec<DrawRow>,
}

/// One replication's draws and outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrawRow {
    /// Replication index.
    pub replication: u32,
    /// The drawn values, as [`Draws::paths`] (segment shares before normalising).
    pub inputs: Vec<f64>,
    /// The outcome in this replication.
    pub outcome: Option<f64>,
    /// The decision's difference (first minus second strategy) in this replication.
    pub difference: Option<f64>,
}

/// The outcome (and the decision's difference) with one input held at a value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Held {
    /// The quantile of the input's distribution (`None` for a refining run).
    pub quantile: Option<f64>,
    /// The value held.
    pub value: f64,
    /// The outcome's mean over replications.
    pub outcome: Option<f64>,
    /// The decision's mean difference.
    pub difference: Option<f64>,
}

/// Where the preferred strategy changes along one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    /// Input values at which the mean difference crosses 0 (within P1-P99).
    pub at: Vec<f64>,
    /// Where it would cross 0 outside P1-P99 but within the input's allowed range:
    /// looked for along the [`BEYOND`] inputs that move the decision most when no
    /// input flips it within P1-P99 (how far the assumptions are from changing it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub beyond: Vec<f64>,
    /// Probability that the input lies where the strategy behind in the main run is
    /// ahead (the grid's end values extended to the tails).
    pub probability: f64,
}

/// One uncertain input's effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputEffect {
    /// Canonical path.
    pub path: String,
    /// The path for people.
    pub label: String,
    /// Its distribution.
    pub dist: Dist,
    /// The runs with the input held: at P10 and P90, and with a decision at every
    /// [`GRID`] quantile and any refining runs; sorted by value once the decision's
    /// runs are done.
    pub held: Vec<Held>,
    /// The outcome's mean with the input at P10.
    pub at_p10: Option<f64>,
    /// The outcome's mean with the input at P90.
    pub at_p90: Option<f64>,
    /// |at_p90 - at_p10|.
    pub swing: f64,
    /// Spearman's rank correlation of the input's draws with the outcome in the main
    /// run (`None` with fewer than 3 replications or no variation).
    pub importance: Option<f64>,
    /// Where the decision flips along this input.
    pub flip: Option<Flip>,
}

/// A sensitivity analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// The outcome, in words.
    pub outcome_label: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Its mean in the main run (everything uncertain).
    pub base: Option<f64>,
    /// The decision's strategies (first minus second), in words.
    pub decision_label: Option<String>,
    /// The decision's strategies.
    pub decision: Option<(usize, usize)>,
    /// Its mean difference in the main run.
    pub base_difference: Option<f64>,
    /// Every uncertain input, largest swing first.
    pub inputs: Vec<InputEffect>,
    /// The main run's draws.
    pub draws: Draws,
}

/// Why an analysis gave no result.
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    /// The scenario is invalid (as given, or with an input held).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The outcome does not fit the scenario.
    #[error("{0}")]
    Outcome(String),
    /// The engine stopped.
    #[error(transparent)]
    Run(#[from] RunError),
}

pub use crate::stats::spearman;

/// Where the piecewise-linear curve through `held` (sorted by value) crosses zero.
fn crossings(held: &[Held]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for (j, w) in held.windows(2).enumerate() {
        if let (Some(a), Some(b)) = (w[0].difference, w[1].difference)
            && (a < 0.0) != (b < 0.0)
            && a != b
        {
            out.push((j, w[0].value + (w[1].value - w[0].value) * a / (a - b)));
        }
    }
    out
}

/// The analysis: one main run, then for each uncertain input a run per [`GRID`]
/// quantile (and one refining run per decision flip found). `progress` hears the
/// share of runs done.
pub fn analyse(
    spec: &ScenarioSpec,
    outcome: Outcome,
    decision: Option<(usize, usize)>,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Sensitivity, SensitivityError> {
    analyse_with(spec, outcome, decision, opts, progress, &|_| {}, false, cancel)
}

/// A held scenario's replications run so far: the input's path (`None` for the main
/// run), the held value's bits, the replications in order.
type Ran = (Option<String>, u64, Vec<Replication>);

/// Replications a preview needs at least (its tenth is then at least 5, enough for a
/// rank correlation): with fewer, the analysis is quick anyway.
pub const PREVIEW_FROM: u32 = 50;

/// [`analyse`], handing over partial results as they come (`partial`). Without
/// `preview`: the tornado and the importance (every flip still `None`) as soon as
/// their runs are done, before the decision's grid runs. With `preview` (and at least
/// [`PREVIEW_FROM`] replications): first the whole analysis on the first tenth of the
/// replications (its `draws` list them), then nothing until the whole analysis on
/// all of them, which reuses the preview's runs and equals [`analyse`]'s bit for bit
/// (a replication's figures depend only on the scenario and its index).
#[allow(clippy::too_many_arguments)]
pub fn analyse_with(
    spec: &ScenarioSpec,
    outcome: Outcome,
    decision: Option<(usize, usize)>,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    partial: &(dyn Fn(&Sensitivity) + Sync),
    preview: bool,
    cancel: &AtomicBool,
) -> Result<Sensitivity, SensitivityError> {
    let sc = Scenario::from_spec(spec.clone()).map_err(SensitivityError::Invalid)?;
    outcome.check(&sc).map_err(SensitivityError::Outcome)?;
    let decision_outcome = decision.map(|(a, b)| Outcome { metric: outcome.metric, strategy: a, versus: Some(b) });
    if let Some(d) = &decision_outcome {
        d.check(&sc).map_err(SensitivityError::Outcome)?;
    }
    // Returns and program costs cannot move a gross outcome: their inputs are left out.
    let outcome_net = outcome.metric.is_net();
    // (Its place among the scenario's uncertain inputs, whose draws a replication
    // lists in that order; path; distribution.)
    let kept: Vec<(usize, String, Dist)> = sc
        .uncertain_inputs()
        .into_iter()
        .enumerate()
        .filter(|(_, (_, i))| outcome_net || !Scenario::net_only(i.field))
        .filter_map(|(k, (p, i))| match &i.param {
            Param::Dist(d) => Some((k, p.to_string(), d.clone())),
            Param::Fixed(_) => None,
        })
        .collect();
    let inputs: Vec<(String, Dist)> = kept.iter().map(|(_, p, d)| (p.clone(), d.clone())).collect();
    // The tornado's two runs per input first; the decision's other three after.
    let per_input = if decision.is_some() { GRID.len() } else { 2 };
    let runs = 1 + inputs.len() * per_input;
    let all = opts.replications.clone().unwrap_or(0..sc.replications());
    // Unless the outcome is a take rate before checkout, only primary tallies are read,
    // and unless it is a net figure, no order is netted. (Decided here whatever the
    // caller asked: such an outcome needs those tallies.) Only the outcome's values
    // are read, never a standard error.
    let opts = &RunOptions {
        primary_only: !outcome.metric.reads_shown_counts(),
        gross_only: !outcome.metric.is_net(),
        means_only: true,
        ..opts.clone()
    };
    let tenth = (all.end - all.start) / 10;
    let first = (preview && all.end - all.start >= PREVIEW_FROM).then(|| all.start..all.start + tenth);
    // Progress: replications run, of the planned runs' (a preview's runs are reused,
    // so only its own refining runs are extra).
    let planned = runs as f64 * f64::from(all.end - all.start);
    // Of `range`, what a run has not done yet (the preview's tenth is done).
    let to_do = |range: &std::ops::Range<u32>| {
        let reused = if range.end == all.end && first.is_some() { tenth } else { 0 };
        f64::from(range.end - range.start - reused)
    };
    let done = std::sync::Mutex::new(0.0f64);
    // The preview's runs, by (input path, held value): the whole analysis reuses
    // them and runs only the rest.
    let ran: std::sync::Mutex<Vec<Ran>> = std::sync::Mutex::new(Vec::new());
    // Held scenarios run together ([`crate::engine::run_held`]), for the pass at
    // hand: taken out by `run_once`.
    let fetched: std::sync::Mutex<Vec<Ran>> = std::sync::Mutex::new(Vec::new());
    // Takes the replications run so far for `key` out of `from` (`None` where there are none).
    let take = |from: &std::sync::Mutex<Vec<Ran>>, key: (Option<&str>, f64)| -> Option<Vec<Replication>> {
        let bits = key.1.to_bits();
        let mut list = from.lock().ok()?;
        let i = list.iter().position(|r: &Ran| r.0.as_deref() == key.0 && r.1 == bits)?;
        Some(list.swap_remove(i).2)
    };
    // Runs need only the strategies the outcome and the decision read (and the
    // holdout): each strategy draws from streams named after it, so the others change
    // none of their figures, and an input of a strategy left out moves neither.
    let read: Vec<usize> = [Some(outcome.strategy), outcome.versus, decision.map(|d| d.0), decision.map(|d| d.1)]
        .into_iter()
        .flatten()
        .collect();
    let focus = super::seek::Focus::new(spec, &read, sc.holdout);
    let fsc = Scenario::from_spec(focus.spec(spec)).map_err(SensitivityError::Invalid)?;
    let refocus =
        |o: Outcome| Outcome { strategy: focus.index(o.strategy), versus: o.versus.map(|v| focus.index(v)), ..o };
    let (outcome_f, decision_f) = (refocus(outcome), decision_outcome.map(refocus));
    let hold_err = |e: crate::model::HoldError| SensitivityError::Outcome(e.to_string());
    // Runs the held scenarios of `keys` (input path, value; `None`: the main run) on
    // the replications `range` together, on the same visitors, for `run_once` to take:
    // each one's replications are those of its own run, bit for bit. Inputs of a
    // strategy the outcome does not read need no run and are left out.
    let prefetch = |keys: &[(Option<&str>, f64)], range: &std::ops::Range<u32>| -> Result<(), SensitivityError> {
        let mut todo: Vec<(Option<&str>, f64, Scenario, Vec<Replication>)> = Vec::new();
        for &(path, v) in keys {
            if todo.iter().any(|t| t.0 == path && t.1.to_bits() == v.to_bits()) {
                continue;
            }
            let at = match path {
                None => fsc.clone(),
                Some(p) => match focus.focused_path(p) {
                    Some(path_f) => fsc.clone().hold(&path_f, v).map_err(hold_err)?,
                    None => continue,
                },
            };
            let reps = take(&ran, (path, v)).unwrap_or_default();
            todo.push((path, v, at, reps));
        }
        let from_of = |reps: &Vec<Replication>| reps.last().map_or(range.start, |r| r.index + 1);
        let mut froms: Vec<u32> = todo.iter().map(|t| from_of(&t.3)).filter(|&f| f < range.end).collect();
        froms.sort_unstable();
        froms.dedup();
        for from in froms {
            let group: Vec<usize> = (0..todo.len()).filter(|&i| from_of(&todo[i].3) == from).collect();
            let holds: Vec<Vec<crate::model::Hold>> = group.iter().map(|&i| todo[i].2.held.clone()).collect();
            let before = done.lock().map_or(0.0, |d| *d);
            let len = f64::from(range.end - from) * group.len() as f64;
            let part = RunOptions { replications: Some(from..range.end), ..opts.clone() };
            let tallies = crate::engine::run_held(
                &fsc,
                &holds,
                &part,
                &|r, of| progress(((before + len * f64::from(r) / f64::from(of)) / planned).min(1.0)),
                cancel,
            )?;
            for (&i, world) in group.iter().zip(tallies) {
                let at = &todo[i].2;
                let more: Vec<Replication> = world.iter().map(|r| crate::report::replication(at, r)).collect();
                todo[i].3.extend(more);
            }
            if let Ok(mut d) = done.lock() {
                *d += len;
            }
        }
        if let Ok(mut f) = fetched.lock() {
            f.extend(todo.into_iter().map(|(p, v, _, reps)| (p.map(str::to_string), v.to_bits(), reps)));
        }
        Ok(())
    };
    // The replications `range` of the held scenario `key` (input path, value; `None`:
    // the main run): prefetched, or run now on their own.
    let run_once = |key: (Option<&str>, f64), range: &std::ops::Range<u32>| -> Result<_, SensitivityError> {
        let reps = match take(&fetched, key) {
            Some(reps) => reps,
            None => {
                prefetch(&[key], range)?;
                take(&fetched, key).unwrap_or_default()
            }
        };
        // Kept from the preview only (the whole analysis takes them back out), so
        // the analysis holds at most the preview's replications.
        if range.end < all.end
            && let Ok(mut ran) = ran.lock()
        {
            ran.push((key.0.map(str::to_string), key.1.to_bits(), reps.clone()));
        }
        Ok(reps)
    };
    // One pass of the analysis on the replications `range`.
    let pass = |range: &std::ops::Range<u32>,
                tornado: &dyn Fn(&Sensitivity)|
     -> Result<Sensitivity, SensitivityError> {
        let tornado_keys: Vec<(Option<&str>, f64)> = std::iter::once((None, 0.0))
            .chain(
                inputs
                    .iter()
                    .flat_map(|(path, dist)| [P10, P90].map(|q| (Some(path.as_str()), dist.quantile(GRID[q])))),
            )
            .collect();
        prefetch(&tornado_keys, range)?;
        let main = run_once((None, 0.0), range)?;
        let base = mean_defined(main.iter().map(|r| outcome_f.value(r)));
        let base_difference = decision_f.and_then(|d| mean_defined(main.iter().map(|r| d.value(r))));
        let draws = Draws {
            paths: inputs.iter().map(|(p, _)| p.clone()).collect(),
            rows: main
                .iter()
                .map(|r| DrawRow {
                    replication: r.index,
                    inputs: {
                        let all = crate::engine::world::drawn_inputs(&sc, r.index);
                        kept.iter().map(|&(k, _, _)| all[k]).collect()
                    },
                    outcome: outcome_f.value(r),
                    difference: decision_f.and_then(|d| d.value(r)),
                })
                .collect(),
        };
        let held_at = |path: &str, v: f64, quantile: Option<f64>| -> Result<Held, SensitivityError> {
            let held_value = |at: &Scenario| at.held.last().map_or(v, |h| h.value);
            let Some(path_f) = focus.focused_path(path) else {
                // Held or not, it changes no figure of the strategies read.
                let value = held_value(&sc.clone().hold(path, v).map_err(hold_err)?);
                if let Ok(mut d) = done.lock() {
                    *d += to_do(range);
                }
                return Ok(Held { quantile, value, outcome: base, difference: base_difference });
            };
            let at = fsc.clone().hold(&path_f, v).map_err(hold_err)?;
            let value = held_value(&at);
            let reps = run_once((Some(path), v), range)?;
            Ok(Held {
                quantile,
                value,
                outcome: mean_defined(reps.iter().map(|r| outcome_f.value(r))),
                difference: decision_f.and_then(|d| mean_defined(reps.iter().map(|r| d.value(r)))),
            })
        };
        // The tornado: every input at P10 and P90.
        let mut effects = Vec::with_capacity(inputs.len());
        for (col, (path, dist)) in inputs.iter().enumerate() {
            let held = vec![
                held_at(path, dist.quantile(GRID[P10]), Some(GRID[P10]))?,
                held_at(path, dist.quantile(GRID[P90]), Some(GRID[P90]))?,
            ];
            let (at_p10, at_p90) = (held[0].outcome, held[1].outcome);
            let xs: Vec<f64> = draws.rows.iter().map(|r| r.inputs[col]).collect();
            let (xs, ys): (Vec<f64>, Vec<f64>) =
                xs.iter().zip(&draws.rows).filter_map(|(&x, r)| Some((x, r.outcome?))).unzip();
            effects.push(InputEffect {
                label: fields::resolve(spec, path).map_or_else(|_| path.clone(), |p| p.label(spec)),
                path: path.clone(),
                dist: dist.clone(),
                held,
                at_p10,
                at_p90,
                swing: match (at_p10, at_p90) {
                    (Some(a), Some(b)) => (b - a).abs(),
                    _ => 0.0,
                },
                importance: spearman(&xs, &ys),
                flip: None,
            });
        }
        let mut result = Sensitivity {
            outcome_label: outcome.describe(&sc),
            outcome,
            base,
            decision_label: decision
                .map(|(a, b)| format!("{} minus {}", sc.strategies[a].name(), sc.strategies[b].name())),
            decision,
            base_difference,
            inputs: effects,
            draws,
        };
        result.inputs.sort_by(|a, b| b.swing.total_cmp(&a.swing));
        tornado(&result);
        // The decision: the rest of the grid, then where the difference changes sign.
        if let Some(bd) = base_difference {
            let inner = |j: usize| j != P10 && j != P90;
            let grid: Vec<(Option<&str>, f64)> = result
                .inputs
                .iter()
                .flat_map(|e| {
                    GRID.into_iter()
                        .enumerate()
                        .filter(|&(j, _)| inner(j))
                        .map(|(_, q)| (Some(e.path.as_str()), e.dist.quantile(q)))
                })
                .collect();
            prefetch(&grid, range)?;
            for e in &mut result.inputs {
                for (j, q) in GRID.into_iter().enumerate() {
                    if inner(j) {
                        e.held.push(held_at(&e.path, e.dist.quantile(q), Some(q))?);
                    }
                }
                e.held.sort_by(|a, b| a.value.total_cmp(&b.value));
            }
            // Refine each crossing once: a run at the interpolated value, then
            // interpolate again within the half that still brackets it.
            let refine: Vec<(Option<&str>, f64)> = result
                .inputs
                .iter()
                .flat_map(|e| crossings(&e.held).into_iter().map(|(_, x)| (Some(e.path.as_str()), x)))
                .collect();
            prefetch(&refine, range)?;
            for e in &mut result.inputs {
                for (_, x) in crossings(&e.held) {
                    e.held.push(held_at(&e.path, x, None)?);
                }
                e.held.sort_by(|a, b| a.value.total_cmp(&b.value));
                e.held.dedup_by(|a, b| a.value == b.value);
                e.flip = Some(flip_of(&e.held, &e.dist, bd));
            }
            if result.inputs.iter().all(|e| e.flip.as_ref().is_none_or(|f| f.at.is_empty())) {
                let swing = |e: &InputEffect| {
                    let d: Vec<f64> = e.held.iter().filter_map(|h| h.difference).collect();
                    d.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                        - d.iter().copied().fold(f64::INFINITY, f64::min)
                };
                let mut order: Vec<usize> = (0..result.inputs.len()).collect();
                order.sort_by(|&a, &b| swing(&result.inputs[b]).total_cmp(&swing(&result.inputs[a])));
                // Per input: its grid's first and last runs, and the ends of its
                // allowed range beyond them.
                let mut reach: Vec<(usize, Held, Held, Vec<f64>)> = Vec::new();
                for &k in order.iter().take(BEYOND) {
                    let e = &result.inputs[k];
                    let Ok(field) = fields::resolve(spec, &e.path).map(|p| p.spec_field()) else { continue };
                    let (first, last) = match (e.held.first(), e.held.last()) {
                        (Some(a), Some(b)) => (*a, *b),
                        _ => continue,
                    };
                    let lo = if field.min_open { field.min + (first.value - field.min) * 1e-3 } else { field.min };
                    let ends: Vec<f64> = [(lo, &first), (field.max, &last)]
                        .into_iter()
                        .filter(|(end, inner)| end.is_finite() && (end - inner.value).abs() > 1e-12)
                        .map(|(end, _)| end)
                        .collect();
                    reach.push((k, first, last, ends));
                }
                let keys = |list: &[(usize, Vec<f64>)]| -> Vec<(Option<String>, f64)> {
                    list.iter()
                        .flat_map(|(k, xs)| xs.iter().map(|&x| (Some(result.inputs[*k].path.clone()), x)))
                        .collect()
                };
                let ahead = |list: &[(usize, Vec<f64>)]| {
                    let keys = keys(list);
                    let keys: Vec<(Option<&str>, f64)> = keys.iter().map(|(p, x)| (p.as_deref(), *x)).collect();
                    prefetch(&keys, range)
                };
                ahead(&reach.iter().map(|(k, _, _, ends)| (*k, ends.clone())).collect::<Vec<_>>())?;
                let mut lines: Vec<(usize, Vec<Held>, Vec<f64>)> = Vec::new();
                for (k, first, last, ends) in &reach {
                    let e = &result.inputs[*k];
                    let mut line = e.held.clone();
                    for &end in ends {
                        line.push(held_at(&e.path, end, None)?);
                    }
                    line.sort_by(|a, b| a.value.total_cmp(&b.value));
                    let outside = |x: f64| x < first.value || x > last.value;
                    let xs: Vec<f64> = crossings(&line).into_iter().map(|(_, x)| x).filter(|&x| outside(x)).collect();
                    lines.push((*k, line, xs));
                }
                ahead(&lines.iter().map(|(k, _, xs)| (*k, xs.clone())).collect::<Vec<_>>())?;
                for ((k, mut line, xs), (_, first, last, _)) in lines.into_iter().zip(&reach) {
                    let path = result.inputs[k].path.clone();
                    for x in xs {
                        line.push(held_at(&path, x, None)?);
                    }
                    line.sort_by(|a, b| a.value.total_cmp(&b.value));
                    line.dedup_by(|a, b| a.value == b.value);
                    let outside = |x: f64| x < first.value || x > last.value;
                    let beyond: Vec<f64> =
                        crossings(&line).into_iter().map(|(_, x)| x).filter(|&x| outside(x)).collect();
                    if let Some(f) = result.inputs[k].flip.as_mut() {
                        f.beyond = beyond;
                    }
                }
            }
        }
        Ok(result)
    };
    if let Some(first) = &first {
        partial(&pass(first, &|_| {})?);
    }
    // After a preview, the tornado at full precision waits for the whole analysis.
    let quiet = |_: &Sensitivity| {};
    let tornado: &dyn Fn(&Sensitivity) = if first.is_some() { &quiet } else { partial };
    let result = pass(&all, tornado)?;
    progress(1.0);
    Ok(result)
}

/// Where the mean difference through `held` (sorted by value) changes sign, and the
/// probability mass of `dist` where its sign is the other than `bd`'s (between
/// crossings, and beyond the ends, whose values are taken to hold there).
fn flip_of(held: &[Held], dist: &Dist, bd: f64) -> Flip {
    let at: Vec<f64> = crossings(held).into_iter().map(|(_, x)| x).collect();
    let behind = |d: Option<f64>| d.is_some_and(|d| (d < 0.0) != (bd < 0.0) && d != 0.0);
    let mut edges = vec![f64::NEG_INFINITY];
    edges.extend(&at);
    edges.push(f64::INFINITY);
    let mut probability = 0.0;
    for w in edges.windows(2) {
        // The sign on this stretch: that of any grid point inside it.
        let inside = held.iter().find(|h| h.value > w[0] && h.value < w[1]);
        if inside.is_some_and(|h| behind(h.difference)) {
            let lo = if w[0].is_finite() { dist.cdf(w[0]) } else { 0.0 };
            let hi = if w[1].is_finite() { dist.cdf(w[1]) } else { 1.0 };
            probability += hi - lo;
        }
    }
    Flip { at, beyond: Vec::new(), probability }
}
