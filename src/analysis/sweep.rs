//! Sweeps: one or two numeric fields varied over a grid, every strategy's metrics at
//! each point.
//!
//! A point is the scenario with those fields set, exactly as `aovlab run --set
//! PATH=VALUE` sets them, run with the scenario's seed: every point sees the same
//! visitors and the same draws of every other input (each draws from a stream named
//! by its own field path), so a difference between points is the field's effect, not
//! luck (common random numbers).
//!
//! When every swept field is a lever of one strategy other than the holdout, the
//! points are strategies on the same visitors: the strategy is copied once per point
//! with the point's values and all copies run in one pass. No strategy's tallies
//! depend on which other strategies run (tests/properties.rs), and each copy draws its
//! own uncertain levers from the original's streams, so each point's tallies, and so
//! its report, are those of the plain run at that point, bit for bit.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::value_text;
use super::variants::{Pass, Variant, VariantsError};
use crate::engine::counts::RepCounts;
use crate::engine::{RunError, RunOptions};
use crate::model::FieldId;
use crate::model::fields::{self, Kind, List, Role};
use crate::model::{FieldError, Scenario, ScenarioSpec};
use crate::report::{Metric, Replication, Report, replication, summarize_replications};

/// Most points along one axis.
pub const MAX_STEPS: usize = 101;
/// Most points in a sweep (two axes multiply).
pub const MAX_POINTS: usize = 2_601;

/// One swept field and its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    /// The canonical field path (`strategies[2].tier_prompt.window`).
    pub path: String,
    /// The path for people (`AOV-optimized › Tier prompt window`).
    pub label: String,
    /// The values, in order.
    pub values: Vec<f64>,
    #[serde(skip)]
    resolved: fields::Path,
    /// Whether the field is a fact about the world that may be uncertain, which each
    /// point holds ([`Scenario::hold`]) rather than sets.
    #[serde(skip)]
    held: bool,
}

impl Axis {
    /// `steps` evenly spaced values of the field at `written` from `from` to `to`
    /// (whole-number fields: rounded, repeats dropped). Refuses a path that is not a
    /// number (or an uncertain input, which the sweep fixes at each value), values
    /// outside the field's allowed range, and more than [`MAX_STEPS`] steps.
    pub fn new(spec: &ScenarioSpec, written: &str, from: f64, to: f64, steps: usize) -> Result<Self, String> {
        let path = fields::resolve(spec, written)?;
        let f = path.spec_field();
        if !matches!(f.kind, Kind::Number | Kind::Uncertain | Kind::PerShopper | Kind::Whole) {
            return Err(format!("`{}` is not a number and cannot be swept", path.canonical()));
        }
        if f.role == Role::Setting {
            return Err(format!(
                "`{}` is a run setting, not a fact or a lever; sweep a field of the store, shoppers or strategies",
                path.canonical()
            ));
        }
        for v in [from, to] {
            if !f.allows(v) {
                return Err(format!(
                    "{} is outside the allowed range of `{}`: {}",
                    crate::model::param::num(v),
                    path.canonical(),
                    f.range_text()
                ));
            }
        }
        if !(2..=MAX_STEPS).contains(&steps) {
            return Err(format!("{steps} steps: use 2 to {MAX_STEPS}"));
        }
        let whole = f.kind == Kind::Whole;
        let mut values: Vec<f64> = (0..steps)
            .map(|i| {
                let v = if i + 1 == steps { to } else { from + (to - from) * i as f64 / (steps - 1) as f64 };
                // 12 significant digits: 0.1 + 0.4 x 1/2 is 0.3, not 0.30000000000000004.
                if whole { v.round() } else { crate::format::round_significant(v, 12) }
            })
            .collect();
        values.dedup();
        let held = f.role == Role::World && f.kind == Kind::Uncertain;
        Ok(Self { label: path.label(spec), path: path.canonical(), values, resolved: path, held })
    }

    /// A value as the field reads to people (`25%`, `$18.00`, `3`).
    pub fn show(&self, v: f64, currency: &str) -> String {
        self.resolved.spec_field().show(v, currency)
    }

    /// Whether each point holds the field (an uncertain fact about the world) rather
    /// than sets it.
    pub fn held(&self) -> bool {
        self.held
    }

    /// The field's unit.
    pub fn unit(&self) -> fields::Unit {
        self.resolved.spec_field().unit
    }

    /// Whether the field is a lever of a strategy, and which.
    fn lever_of(&self) -> Option<usize> {
        match (self.resolved.spec_field().role, self.resolved.item) {
            (Role::Lever, Some((List::Strategies, k))) => Some(k),
            _ => None,
        }
    }

    /// Sets the field to `v` in `spec`, as `--set` would.
    fn set(&self, spec: &mut ScenarioSpec, v: f64) -> Result<(), String> {
        let f = self.resolved.spec_field();
        let value = fields::parse_value(f, &value_text(v, f.kind == Kind::Whole))?;
        fields::set(spec, &self.resolved, value).map(|_| ()).map_err(String::from)
    }
}

/// An axis as asked for (the field as written, its range and steps): what a sweep's
/// shards record so that `aovlab merge` can rebuild the same sweep.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
pub struct AxisRequest {
    /// The field's path as written.
    pub path: String,
    /// First value.
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// Number of values.
    pub steps: usize,
}

impl AxisRequest {
    /// The axis in `spec`.
    pub fn axis(&self, spec: &ScenarioSpec) -> Result<Axis, String> {
        Axis::new(spec, &self.path, self.from, self.to, self.steps)
    }
}

/// What to sweep: one axis, or two for a grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// The first field.
    pub x: Axis,
    /// The second field, for a grid.
    pub y: Option<Axis>,
}

/// One point of a sweep and its report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The first field's value.
    pub x: f64,
    /// The second field's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
    /// Every strategy's metrics at this point, as `aovlab run` reports them.
    pub report: Report,
}

impl Point {
    /// The mean of `metric` for strategy `k` here, minus strategy `versus`'s when
    /// given (`None` where either is undefined).
    pub fn mean(&self, metric: Metric, k: usize, versus: Option<usize>) -> Option<f64> {
        let v = |k: usize| self.report.strategies.get(k).and_then(|s| metric.summary(s)).map(|s| s.mean);
        match versus {
            Some(b) => Some(v(k)? - v(b)?),
            None => v(k),
        }
    }
}

/// News from a running sweep.
#[derive(Debug, Clone)]
pub enum Update {
    /// Share of the sweep's work done, 0 to 1.
    Progress(f64),
    /// A point finished (its index in [`Sweep::points`] order).
    Point(usize, Box<Point>),
    /// A point's summary over the replications so far (a one-pass sweep refines
    /// every point together as replications arrive); a `Point` follows.
    Refined(usize, Box<Point>),
}

/// Why a sweep gave no result.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The scenario is invalid at a point.
    #[error("at {at}: {}", .errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The point, in words.
        at: String,
        /// What is wrong.
        errors: Vec<FieldError>,
    },
    /// Too many points.
    #[error("{0} points; a sweep may have at most {MAX_POINTS}")]
    TooBig(usize),
    /// The engine stopped (cancelled, or no threads).
    #[error(transparent)]
    Run(#[from] RunError),
}

impl Sweep {
    /// The points, the first axis varying slowest.
    pub fn points(&self) -> Vec<(f64, Option<f64>)> {
        let ys: Vec<Option<f64>> = match &self.y {
            Some(a) => a.values.iter().map(|&v| Some(v)).collect(),
            None => vec![None],
        };
        self.x.values.iter().flat_map(|&x| ys.iter().map(move |&y| (x, y))).collect()
    }

    /// The strategy whose levers every axis sets (not the holdout), when there is one:
    /// then the points share one pass over the visitors.
    pub fn shared_strategy(&self, spec: &ScenarioSpec) -> Option<usize> {
        let k = self.x.lever_of()?;
        if self.y.as_ref().is_some_and(|y| y.lever_of() != Some(k)) || spec.strategies.get(k)?.holdout {
            return None;
        }
        Some(k)
    }

    /// The scenario to run at one point: [`Sweep::spec_at`], validated, with the
    /// facts about the world that may be uncertain held at their values
    /// ([`Scenario::hold`]: a held share keeps the others consistent, a correlated
    /// input its partners; any other is as if set).
    pub fn scenario_at(&self, spec: &ScenarioSpec, (x, y): (f64, Option<f64>)) -> Result<Scenario, SweepError> {
        let at: Vec<(&Axis, f64)> = std::iter::once((&self.x, x)).chain(self.y.as_ref().zip(y)).collect();
        scenario_with(spec, &at, &self.describe((x, y)))
    }

    /// The file form at one point: `spec` with the fields that are set there (as
    /// `--set` sets them); a field the point holds is left as the file has it (it is
    /// held when run, [`Sweep::scenario_at`]). What a shard records, and merges check.
    pub fn spec_at(&self, spec: &ScenarioSpec, (x, y): (f64, Option<f64>)) -> Result<ScenarioSpec, SweepError> {
        let at: Vec<(&Axis, f64)> = std::iter::once((&self.x, x)).chain(self.y.as_ref().zip(y)).collect();
        spec_with(spec, &at, &self.describe((x, y)))
    }

    /// A point in words: `AOV-optimized › Tier prompt window = 0.3`.
    pub fn describe(&self, (x, y): (f64, Option<f64>)) -> String {
        let mut s = format!("{} = {}", self.x.path, crate::model::param::num(x));
        if let (Some(a), Some(y)) = (&self.y, y) {
            s.push_str(&format!(", {} = {}", a.path, crate::model::param::num(y)));
        }
        s
    }
}

/// The scenario with each axis's field at its value: set as `--set` sets it, or held in
/// every replication where the field is an uncertain fact about the world. `at` names
/// the point in errors.
pub fn scenario_with(spec: &ScenarioSpec, values: &[(&Axis, f64)], at: &str) -> Result<Scenario, SweepError> {
    let invalid = |m: String| SweepError::Invalid {
        at: at.to_string(),
        errors: vec![FieldError { path: String::new(), message: m }],
    };
    let s = spec_with(spec, values, at)?;
    let mut sc = Scenario::from_spec(s).map_err(|errors| SweepError::Invalid { at: at.to_string(), errors })?;
    for (a, v) in values {
        if a.held {
            sc = sc.hold(&a.path, *v).map_err(|e| invalid(e.to_string()))?;
        }
    }
    Ok(sc)
}

/// `spec` with the fields of `values` that are set (not held) at their values.
pub fn spec_with(spec: &ScenarioSpec, values: &[(&Axis, f64)], at: &str) -> Result<ScenarioSpec, SweepError> {
    let mut s = spec.clone();
    for (a, v) in values {
        if !a.held {
            a.set(&mut s, *v).map_err(|m| SweepError::Invalid {
                at: at.to_string(),
                errors: vec![FieldError { path: String::new(), message: m }],
            })?;
        }
    }
    Ok(s)
}

/// Runs the sweep; `update` hears progress and each point as it completes (from a
/// worker thread). Every point is checked before anything runs.
pub fn run(
    spec: &ScenarioSpec,
    sweep: &Sweep,
    opts: &RunOptions,
    update: &(dyn Fn(Update) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<Point>, SweepError> {
    Ok(run_tallies(spec, sweep, opts, update, cancel)?.into_iter().map(|(p, _)| p).collect())
}

/// [`run`], keeping each point's exact tallies too (a shard of a sweep writes them;
/// `aovlab merge` combines shards from them).
pub fn run_tallies(
    spec: &ScenarioSpec,
    sweep: &Sweep,
    opts: &RunOptions,
    update: &(dyn Fn(Update) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<(Point, Vec<RepCounts>)>, SweepError> {
    let points = sweep.points();
    if points.len() > MAX_POINTS {
        return Err(SweepError::TooBig(points.len()));
    }
    let mut scenarios = Vec::with_capacity(points.len());
    for &p in &points {
        scenarios.push(sweep.scenario_at(spec, p)?);
    }
    match sweep.shared_strategy(spec) {
        Some(k) => one_pass(spec, sweep, k, &points, &scenarios, opts, update, cancel),
        None => {
            // Every axis an uncertain fact each point holds: the points are the
            // scenario with different inputs held, run together on the same visitors.
            let held = sweep.x.held && sweep.y.as_ref().is_none_or(|y| y.held);
            let base = if held {
                Some(
                    Scenario::from_spec(spec.clone())
                        .map_err(|errors| SweepError::Invalid { at: "the scenario".into(), errors })?,
                )
            } else {
                None
            };
            in_rounds(&points, &scenarios, base.as_ref(), opts, update, cancel)
        }
    }
}

/// The rounds' ends, in tenths of a point's replications: a tenth (at least one
/// replication), four tenths, then all. A round that reaches no further than the one
/// before runs nothing and sends the same summary again.
const ROUNDS: [u32; 3] = [1, 4, 10];

/// The points run in rounds of replications: every point's first tenth, then the next
/// three tenths, then the rest. The whole curve is there after the first round and
/// refines after each; each point ends with every replication, so its report is the
/// plain run's, bit for bit (a replication's tallies depend only on the scenario and
/// its index). Where every point is `held` (the scenario given) with inputs held, a
/// round runs them together ([`crate::engine::run_held`]: each cart is built once for
/// the points whose draws build the same carts); otherwise one by one.
fn in_rounds(
    points: &[(f64, Option<f64>)],
    scenarios: &[Scenario],
    held: Option<&Scenario>,
    opts: &RunOptions,
    update: &(dyn Fn(Update) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<(Point, Vec<RepCounts>)>, SweepError> {
    let ranges: Vec<std::ops::Range<u32>> =
        scenarios.iter().map(|sc| opts.replications.clone().unwrap_or(0..sc.replications())).collect();
    let total: f64 = ranges.iter().map(|r| f64::from(r.len() as u32)).sum::<f64>().max(1.0);
    let mut tallies: Vec<Vec<RepCounts>> = vec![Vec::new(); points.len()];
    let mut start: Vec<u32> = ranges.iter().map(|r| r.start).collect();
    let mut finals: Vec<Option<Point>> = vec![None; points.len()];
    let mut done = 0.0;
    let end_of = |r: &std::ops::Range<u32>, tenths: u32, last: bool| {
        let len = r.end - r.start;
        if last { r.end } else { r.start + (len * tenths / 10).max(1).min(len) }
    };
    for (round, &tenths) in ROUNDS.iter().enumerate() {
        let last = round + 1 == ROUNDS.len();
        if let Some(base) = held {
            // Every point together, as far as the round goes (every point has the
            // same replications; any other would run on its own below).
            let span = |i: usize| (start[i], end_of(&ranges[i], tenths, last));
            let todo: Vec<usize> = (0..points.len())
                .filter(|&i| span(i).1 > span(i).0 && ranges[i] == ranges[0] && start[i] == start[0])
                .collect();
            if let Some(&first) = todo.first() {
                let (from, end) = span(first);
                let holds: Vec<Vec<crate::model::Hold>> = todo.iter().map(|&i| scenarios[i].held.clone()).collect();
                let part = RunOptions { replications: Some(from..end), ..opts.clone() };
                let n = todo.len() as f64;
                let progress = |r: u32, _: u32| update(Update::Progress((done + n * f64::from(r)) / total));
                let got = crate::engine::run_held(base, &holds, &part, &progress, cancel)?;
                for (&i, world) in todo.iter().zip(got) {
                    tallies[i].extend(world);
                    start[i] = end;
                }
                done += n * f64::from(end - from);
            }
        }
        for (i, sc) in scenarios.iter().enumerate() {
            let end = end_of(&ranges[i], tenths, last);
            if end > start[i] {
                let part = RunOptions { replications: Some(start[i]..end), ..opts.clone() };
                let progress = |p: crate::engine::Progress| {
                    update(Update::Progress((done + f64::from(p.done)) / total));
                };
                tallies[i].extend(crate::engine::run(sc, &part, &progress, cancel)?.replications);
                done += f64::from(end - start[i]);
                start[i] = end;
            }
            let (x, y) = points[i];
            let reps: Vec<Replication> = tallies[i].iter().map(|t| replication(sc, t)).collect();
            let point = Point { x, y, report: summarize_replications(sc, &reps, 0.0, 0) };
            if last {
                update(Update::Point(i, Box::new(point.clone())));
                finals[i] = Some(point);
            } else {
                update(Update::Refined(i, Box::new(point)));
            }
        }
    }
    Ok(finals.into_iter().zip(tallies).filter_map(|(p, t)| Some((p?, t))).collect())
}

/// The lever points as variants of strategy `k` (each drawing its uncertain levers as
/// `k` does, so a point equals the scenario run with that value), run together on the
/// same visitors ([`super::variants`]).
#[allow(clippy::too_many_arguments)]
fn one_pass(
    spec: &ScenarioSpec,
    sweep: &Sweep,
    k: usize,
    points: &[(f64, Option<f64>)],
    scenarios: &[Scenario],
    opts: &RunOptions,
    update: &(dyn Fn(Update) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<(Point, Vec<RepCounts>)>, SweepError> {
    let base = Scenario::from_spec(spec.clone())
        .map_err(|errors| SweepError::Invalid { at: "the scenario".into(), errors })?;
    let mut variants = Vec::with_capacity(points.len());
    for &p in points {
        variants.push(Variant { levers: sweep.spec_at(spec, p)?.strategies[k].clone(), draws_as: Some(k) });
    }
    let base_n = spec.strategies.len();
    let keep: Vec<usize> = (0..base_n).collect();
    // Point i's tallies: the base strategies with its variant in strategy k's place.
    let point_tallies = |r: &RepCounts, pass: &Pass, i: usize| {
        let mut strategies = r.strategies[..base_n].to_vec();
        strategies[k] = r.strategies[pass.offset + i - pass.variants.start].clone();
        RepCounts { replication: r.replication, visitors: r.visitors, carts: r.carts, strategies }
    };
    let split = |r: &RepCounts, pass: &Pass, i: usize| replication(&scenarios[i], &point_tallies(r, pass, i));
    // Each point's replications as they arrive; a refined summary of every point of
    // the pass is sent after the first replication and then at each tenth.
    let arrived: std::sync::Mutex<Vec<Vec<Replication>>> = std::sync::Mutex::new(vec![Vec::new(); points.len()]);
    let progress = |pass: &Pass, p: &crate::engine::Progress| {
        update(Update::Progress(pass.share_done(p)));
        if p.done == p.total {
            return; // the final summaries follow
        }
        let Ok(mut got) = arrived.lock() else { return };
        let step = (pass.scenario.replications() / 10).max(1);
        for i in pass.variants.clone() {
            got[i].push(split(&p.latest, pass, i));
            if p.done == 1 || p.done.is_multiple_of(step) {
                let (x, y) = points[i];
                let report = summarize_replications(&scenarios[i], &got[i], 0.0, 0);
                update(Update::Refined(i, Box::new(Point { x, y, report })));
            }
        }
    };
    let mut out = Vec::with_capacity(points.len());
    let mut done = |pass: &Pass, tallies: Vec<RepCounts>| {
        for i in pass.variants.clone() {
            let ((x, y), at) = (points[i], &scenarios[i]);
            let tallies: Vec<RepCounts> = tallies.iter().map(|r| point_tallies(r, pass, i)).collect();
            let reps: Vec<Replication> = tallies.iter().map(|r| replication(at, r)).collect();
            let point = Point { x, y, report: summarize_replications(at, &reps, 0.0, 0) };
            update(Update::Point(i, Box::new(point.clone())));
            out.push((point, tallies));
        }
    };
    super::variants::run(&base, spec, &keep, &variants, None, opts, &progress, &mut done, cancel).map_err(
        |e| match e {
            VariantsError::Invalid { pass, errors } => {
                SweepError::Invalid { at: format!("sweep pass {}", pass + 1), errors }
            }
            VariantsError::Run(e) => SweepError::Run(e),
        },
    )?;
    Ok(out)
}

/// The fields a sweep may vary in `spec`: every number that is a fact about the
/// world or a strategy's lever, except the catalog's (products and links, which can
/// be counted in the hundred thousands; their paths still work when written) and
/// the holdout's levers (a holdout has every lever off; given one, it is no holdout).
pub fn sweepable(spec: &ScenarioSpec) -> Vec<fields::Path> {
    fields::instances_except(spec, &[List::Products, List::Links])
        .into_iter()
        .filter(|p| {
            let f = p.spec_field();
            let holdouts =
                matches!(p.item, Some((List::Strategies, k)) if spec.strategies.get(k).is_some_and(|s| s.holdout));
            matches!(f.kind, Kind::Number | Kind::Uncertain | Kind::PerShopper | Kind::Whole)
                && matches!(f.role, Role::World | Role::Lever)
                && !holdouts
        })
        .collect()
}

/// A second field to sweep beside `first`: another lever of the same strategy when
/// `first` is one (the grid then runs in one pass), else the first other field that
/// can move every metric (not the annual GMV, which only scales the annual impact).
pub fn suggested_second(spec: &ScenarioSpec, first: &str) -> Option<fields::Path> {
    let first = fields::resolve(spec, first).ok()?;
    let choices: Vec<fields::Path> =
        sweepable(spec).into_iter().filter(|p| p.canonical() != first.canonical()).collect();
    let lever_of = |p: &fields::Path| match (p.spec_field().role, p.item) {
        (Role::Lever, Some((List::Strategies, k))) => Some(k),
        _ => None,
    };
    let same_strategy = lever_of(&first).and_then(|k| choices.iter().find(|p| lever_of(p) == Some(k)));
    same_strategy.or_else(|| choices.iter().find(|p| p.field != FieldId::StoreAnnualGmv)).cloned()
}

/// A range worth sweeping for a field: an uncertain input's P1 to P99; a share over
/// its allowed range; a whole number from its least value to twice the current one;
/// anything else from half to one and a half times its value, within its range. With
/// the steps to use.
pub fn suggested_range(spec: &ScenarioSpec, path: &fields::Path) -> (f64, f64, usize) {
    let f = path.spec_field();
    let lo = if f.min_open { f.min + (f.max.min(1.0) - f.min) * 0.05 } else { f.min };
    let clamp = |v: f64| v.clamp(lo, f.max);
    let value = fields::get(spec, path);
    if let Some(fields::Value::Param(crate::model::Param::Dist(d))) = &value {
        return (clamp(d.quantile(0.01)), clamp(d.quantile(0.99)), 11);
    }
    let v = value.and_then(|v| v.as_number()).unwrap_or(lo);
    match (f.kind, f.unit) {
        (Kind::Whole, _) => {
            let to = f.max.min((2.0 * v).max(f.min + 4.0));
            (f.min, to, ((to - f.min) as usize + 1).min(21))
        }
        (_, fields::Unit::Percent) => (lo, f.max.min(1.0), 11),
        _ if v == 0.0 => (lo, clamp(lo + 1.0), 11),
        _ => (clamp(0.5 * v), clamp(1.5 * v), 11),
    }
}
