//! Goal seek: the value of one input or lever at which an outcome (a metric of a
//! strategy, its difference from another's, or any [`Measure`] such as a vendor's
//! claim) reaches a target, and where that value lies against the input's own
//! distribution. Several fields may move together along a direction: each by its
//! weight times a common relative change of its assumed value (both acceptances
//! scaled together: weights 1 and 1).
//!
//! The outcome at a value is the mean over the scenario's replications of a run with
//! the field at that value, set or held exactly as a sweep's point ([`Sweep`]), on the
//! same visitors and draws at every value (common random numbers), so the outcome
//! moves with the field, not with luck. The ends of the allowed range (or of the range
//! asked for) are run first; where the target lies between them, bisection narrows the
//! value until the bracket is narrower than the Monte Carlo uncertainty of the value
//! (the outcome's standard error over the slope) or a hundredth of a percent of the
//! range. The outcome is assumed monotone along the range; where both ends fall on the
//! same side of the target, no value in the range reaches it, and the closer end is
//! the best reachable.
//!
//! Only the strategies the outcome reads (and the holdout) are run: each strategy draws
//! from random streams named after it, so leaving the others out changes none of its
//! figures.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::sensitivity::Outcome;
use super::sweep::{Axis, SweepError, scenario_with};
use crate::engine::{RunError, RunOptions};
use crate::model::{Dist, Param, Scenario, ScenarioSpec, fields};
use crate::report::Replication;
use crate::stats::mean_defined;

/// Most runs of the scenario one seek makes.
pub const MAX_RUNS: usize = 40;

/// The outcome at one value of the field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Run {
    /// The field's value.
    pub x: f64,
    /// The outcome's mean over replications.
    pub outcome: f64,
    /// Its standard error (over replications).
    pub se: f64,
}

/// Where a value lies against the input's distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    /// The distribution's CDF at the value.
    pub quantile: f64,
    /// The same in words ("above its P99 (0.69): about 0.4% likely").
    pub text: String,
}

/// One field a seek moves, and where the answer puts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreeField {
    /// The field's canonical path.
    pub path: String,
    /// The field for people.
    pub label: String,
    /// Its weight in the direction (1 for a field moved alone).
    pub weight: f64,
    /// Its assumed value (a distribution's median), from which a direction moves it.
    pub assumed: f64,
    /// Its value at the answer (or at the best reachable figure).
    pub value: Option<f64>,
    /// Where that value lies against the field's distribution (uncertain inputs).
    pub placement: Option<Placement>,
}

/// What a seek found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sought {
    /// The fields moved: one, whose value is the seek's `x`, or several moved together
    /// by a common relative change `x` (0.5 = each field's assumed value x (1 + 0.5 x
    /// its weight)).
    pub fields: Vec<FreeField>,
    /// What `x` is, in words: the field's label, or "relative change of A and B".
    pub label: String,
    /// Whether `x` is a relative change of several fields (else the one field's value).
    pub relative: bool,
    /// The outcome, in words.
    pub outcome_label: String,
    /// The target value of the outcome.
    pub target: f64,
    /// The range of `x` searched.
    pub range: (f64, f64),
    /// The `x` that reaches the target, where one in the range does.
    pub value: Option<f64>,
    /// Its Monte Carlo standard error (the outcome's over the slope).
    pub se: Option<f64>,
    /// Where no value reaches it: the `x` that comes closest and its outcome.
    pub best: Option<Run>,
    /// Several uncertain fields: the share of the assumed worlds in which every one
    /// is at least as far from its assumed value as the answer needs, in the answer's
    /// direction (the inputs are drawn independently, so the product of their tails).
    pub together: Option<f64>,
    /// Every run, by `x`.
    pub runs: Vec<Run>,
}

impl Sought {
    /// A value of `x` as it reads: the field's (`68.3%`, `$18.00`), or a relative
    /// change of several (`+35.0%`).
    pub fn show_x(&self, spec: &ScenarioSpec, x: f64) -> String {
        match (self.relative, self.fields.as_slice()) {
            (false, [f]) => super::sensitivity::show_input(spec, &f.path, x),
            _ => format!("{:+.1}%", x * 100.0),
        }
    }

    /// The answer in sentences: the value (each field's, for several) with its
    /// uncertainty and where it lies against the assumptions, or the best reachable;
    /// `outcome` writes a value of the outcome.
    pub fn sentences(&self, spec: &ScenarioSpec, outcome: &dyn Fn(f64) -> String) -> Vec<String> {
        use crate::format::printable;
        let show = |path: &str, v: f64| super::sensitivity::show_input(spec, path, v);
        let mut out = Vec::new();
        match (self.value, &self.best) {
            (Some(x), _) => {
                out.push(format!(
                    "It needs {} = {} (Monte Carlo uncertainty ±{}).",
                    printable(&self.label),
                    self.show_x(spec, x),
                    self.show_x(spec, self.se.unwrap_or(f64::NAN)).trim_start_matches('+')
                ));
                for f in &self.fields {
                    if self.relative {
                        out.push(format!(
                            "  {} = {} (assumed {}){}",
                            printable(&f.label),
                            show(&f.path, f.value.unwrap_or(f64::NAN)),
                            show(&f.path, f.assumed),
                            f.placement.as_ref().map_or(String::new(), |p| format!(": {}", p.text))
                        ));
                    } else if let Some(p) = &f.placement {
                        out.push(format!("Against the scenario's assumptions: {}.", p.text));
                    }
                }
                if let Some(t) = self.together {
                    out.push(format!(
                        "All of them that far out together (drawn independently): about {} of the assumed worlds.",
                        crate::format::percent(t, 2)
                    ));
                }
            }
            (None, Some(b)) => out.push(format!(
                "No value from {} to {} reaches it: the closest is {} at {} = {}.",
                self.show_x(spec, self.range.0),
                self.show_x(spec, self.range.1),
                outcome(b.outcome),
                printable(&self.label),
                self.show_x(spec, b.x)
            )),
            (None, None) => out.push("No answer.".into()),
        }
        out
    }

    /// The one field's placement (a seek over one field).
    pub fn placement(&self) -> Option<&Placement> {
        match self.fields.as_slice() {
            [f] => f.placement.as_ref(),
            _ => None,
        }
    }
}

/// Why a seek gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum SeekError {
    /// The request does not fit the scenario.
    #[error("{0}")]
    Request(String),
    /// A run failed or was cancelled.
    #[error(transparent)]
    Sweep(#[from] SweepError),
}

impl From<RunError> for SeekError {
    fn from(e: RunError) -> Self {
        SeekError::Sweep(SweepError::Run(e))
    }
}

/// What a seek measures in each replication: a metric of a strategy ([`Outcome`]) or a
/// vendor's claim's figure.
pub trait Measure: Sync {
    /// Its value in one replication (`None` where undefined).
    fn value(&self, rep: &Replication) -> Option<f64>;
    /// It in words, for the scenario it reads.
    fn describe(&self, sc: &Scenario) -> String;
    /// Whether the scenario can give it (its strategies exist, the metric applies).
    fn check(&self, sc: &Scenario) -> Result<(), String>;
    /// The strategies it reads (indices into the scenario's).
    fn strategies(&self) -> Vec<usize>;
    /// The same measure on a scenario whose strategies were renumbered by `to`.
    fn renumbered(&self, to: &dyn Fn(usize) -> usize) -> Box<dyn Measure>;
}

impl Measure for Outcome {
    fn value(&self, rep: &Replication) -> Option<f64> {
        Outcome::value(self, rep)
    }
    fn describe(&self, sc: &Scenario) -> String {
        Outcome::describe(self, sc)
    }
    fn check(&self, sc: &Scenario) -> Result<(), String> {
        Outcome::check(self, sc)
    }
    fn strategies(&self) -> Vec<usize> {
        std::iter::once(self.strategy).chain(self.versus).collect()
    }
    fn renumbered(&self, to: &dyn Fn(usize) -> usize) -> Box<dyn Measure> {
        Box::new(Outcome { strategy: to(self.strategy), versus: self.versus.map(to), ..*self })
    }
}

/// The strategies a run needs: those a measure reads and the holdout, in the file's
/// order. Each strategy draws from random streams named after it, so leaving the
/// others out changes none of its figures. Where a correlation names a strategy's
/// field (leaving that strategy out would lose the correlation's partner), every
/// strategy is run.
pub(crate) struct Focus(Option<Vec<usize>>);

impl Focus {
    /// The focus on strategies `read` (and `holdout`) of `spec`.
    pub(crate) fn new(spec: &ScenarioSpec, read: &[usize], holdout: usize) -> Focus {
        let named = |p: &str| p.starts_with("strategies");
        if spec.correlations.iter().any(|c| named(&c.first) || named(&c.second)) {
            return Focus(None);
        }
        let mut keep: Vec<usize> = read.iter().copied().chain([holdout]).collect();
        keep.sort_unstable();
        keep.dedup();
        Focus(Some(keep))
    }

    /// `spec` with only the strategies kept (and no claims, which name strategies).
    pub(crate) fn spec(&self, spec: &ScenarioSpec) -> ScenarioSpec {
        let mut s = spec.clone();
        if let Some(keep) = &self.0 {
            s.strategies = keep.iter().filter_map(|&i| spec.strategies.get(i).cloned()).collect();
            s.claims.clear();
        }
        s
    }

    /// Strategy `i` of the whole scenario in the focused one.
    pub(crate) fn index(&self, i: usize) -> usize {
        self.0.as_ref().and_then(|k| k.iter().position(|&j| j == i)).unwrap_or(i)
    }

    /// A field path of the whole scenario in the focused one's numbering, or `None`
    /// for a field of a strategy the focus leaves out.
    pub(crate) fn focused_path(&self, path: &str) -> Option<String> {
        let Some((i, tail)) = path.strip_prefix("strategies[").and_then(|r| r.split_once(']')) else {
            return Some(path.to_string());
        };
        let Some(keep) = &self.0 else { return Some(path.to_string()) };
        let i: usize = i.parse().ok()?;
        let k = keep.iter().position(|&j| j == i)?;
        Some(format!("strategies[{k}]{tail}"))
    }

    /// A field path of the focused scenario (`strategies[1].…`) in the whole one's
    /// numbering.
    pub(crate) fn whole_path(&self, path: &str) -> String {
        let renumbered = || {
            let (i, tail) = path.strip_prefix("strategies[")?.split_once(']')?;
            let k = self.0.as_ref()?.get(i.parse::<usize>().ok()?)?;
            Some(format!("strategies[{k}]{tail}"))
        };
        renumbered().unwrap_or_else(|| path.to_string())
    }
}

/// A field a seek moves, as asked: its path as written and its weight in the
/// direction (ignored for a field moved alone).
#[derive(Debug, Clone, PartialEq)]
pub struct Free {
    /// The field's path (`behaviour.post_checkout_base_accept`).
    pub path: String,
    /// Its weight: the field moves by weight x the common relative change.
    pub weight: f64,
}

impl Free {
    /// Reads `PATH` or `PATH:WEIGHT`.
    pub fn parse(text: &str) -> Result<Free, String> {
        match text.rsplit_once(':') {
            Some((p, w)) => {
                let weight: f64 =
                    w.trim().parse().map_err(|_| format!("`{text}`: the weight `{w}` is not a number"))?;
                if !weight.is_finite() || weight == 0.0 {
                    return Err(format!("`{text}`: a weight must be a number other than 0"));
                }
                Ok(Free { path: p.trim().to_string(), weight })
            }
            None => Ok(Free { path: text.trim().to_string(), weight: 1.0 }),
        }
    }
}

/// What to seek: the fields that are free, the range of `x` to search (one field: its
/// value, default its allowed range, up to four times an uncertain input's P99.9 where
/// unbounded; several: their common relative change, default as far as every field
/// stays in its range), and the outcome's target.
#[derive(Clone, Copy)]
pub struct Goal<'a> {
    /// The fields that move.
    pub free: &'a [Free],
    /// Lowest and highest `x` tried.
    pub range: Option<(f64, f64)>,
    /// The outcome.
    pub measure: &'a dyn Measure,
    /// The value it should reach.
    pub target: f64,
}

/// One free field, resolved.
struct Moved {
    axis: Axis,
    path: fields::Path,
    weight: f64,
    assumed: f64,
    prior: Option<Dist>,
    /// Its default range.
    range: (f64, f64),
}

impl Moved {
    fn at(&self, x: f64, relative: bool) -> f64 {
        if relative { self.assumed * (1.0 + self.weight * x) } else { x }
    }
}

fn moved(spec: &ScenarioSpec, free: &Free) -> Result<Moved, SeekError> {
    let request = |e: String| SeekError::Request(e);
    let path = fields::resolve(spec, &free.path).map_err(|e| request(e.to_string()))?;
    let f = path.spec_field();
    let value = fields::get(spec, &path);
    let prior = match &value {
        Some(fields::Value::Param(Param::Dist(d))) => Some(d.clone()),
        _ => None,
    };
    let assumed = match (&prior, value.as_ref().and_then(fields::Value::as_number)) {
        (Some(d), _) => d.quantile(0.5),
        (None, Some(v)) => v,
        (None, None) => return Err(request(format!("`{}` is not a number", path.canonical()))),
    };
    let lo = if f.min_open { f.min + (f.max.min(1.0) - f.min) * 1e-6 } else { f.min };
    let hi = if f.max.is_finite() && f.max <= 1e6 {
        f.max
    } else {
        prior.as_ref().map_or(f.max.min(1e6), |d| d.quantile(0.999).max(lo) * 4.0)
    };
    let axis = Axis::new(spec, &free.path, lo, hi, 2).map_err(request)?;
    Ok(Moved { axis, path, weight: free.weight, assumed, prior, range: (lo, hi) })
}

/// The value of the goal's fields at which its outcome reaches its target.
pub fn seek(
    spec: &ScenarioSpec,
    goal: &Goal,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<Sought, SeekError> {
    let Goal { free, range, measure, target } = *goal;
    if free.is_empty() {
        return Err(SeekError::Request("name at least one field to vary".into()));
    }
    let moved: Vec<Moved> = free.iter().map(|f| moved(spec, f)).collect::<Result<_, _>>()?;
    for (i, m) in moved.iter().enumerate() {
        if moved[..i].iter().any(|o| o.axis.path == m.axis.path) {
            return Err(SeekError::Request(format!("`{}` is named twice", m.axis.path)));
        }
    }
    let relative = moved.len() > 1;
    if relative && let Some(m) = moved.iter().find(|m| m.assumed == 0.0) {
        return Err(SeekError::Request(format!(
            "`{}` is assumed to be 0, so it cannot move by a share of itself; vary it alone",
            m.axis.path
        )));
    }
    let (lo, hi) = match range {
        Some(r) => r,
        None if relative => {
            // Every field within its range: weight x r in [lo/assumed - 1, hi/assumed - 1].
            let mut r = (f64::NEG_INFINITY, f64::INFINITY);
            for m in &moved {
                let ends = [(m.range.0 / m.assumed - 1.0) / m.weight, (m.range.1 / m.assumed - 1.0) / m.weight];
                r = (r.0.max(ends[0].min(ends[1])), r.1.min(ends[0].max(ends[1])));
            }
            r
        }
        None => moved[0].range,
    };
    if lo.is_nan() || hi.is_nan() || lo >= hi {
        return Err(SeekError::Request(format!("the range {lo} to {hi} is empty")));
    }
    let focus = {
        let sc = Scenario::from_spec(spec.clone())
            .map_err(|e| SeekError::Request(e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
        measure.check(&sc).map_err(SeekError::Request)?;
        Focus::new(spec, &measure.strategies(), sc.holdout)
    };
    let measure = measure.renumbered(&|i| focus.index(i));
    let scenario = |x: f64| -> Result<Scenario, SeekError> {
        let at = format!("x = {x}");
        let values: Vec<(&Axis, f64)> = moved.iter().map(|m| (&m.axis, m.at(x, relative))).collect();
        // Every field set first (a lever of a strategy left out moves nothing), then
        // the strategies left out, then the world's facts held.
        let s = focus.spec(&super::sweep::spec_with(spec, &values, &at)?);
        let held: Vec<(&Axis, f64)> = values.iter().filter(|(a, _)| a.held()).copied().collect();
        Ok(scenario_with(&s, &held, &at)?)
    };
    for x in [lo, hi] {
        for m in &moved {
            let v = m.at(x, relative);
            if !m.path.spec_field().allows(v) {
                return Err(SeekError::Request(format!(
                    "{} takes {} at {x}, outside its allowed range: {}",
                    m.axis.path,
                    crate::model::param::num(v),
                    m.path.spec_field().range_text()
                )));
            }
        }
    }
    let outcome_label = measure.describe(&scenario(lo)?);
    let runs = std::sync::Mutex::new(Vec::<Run>::new());
    let evaluate = |x: f64| -> Result<Run, SeekError> {
        let sc = scenario(x)?;
        let reps = super::replications(&sc, opts, &|_, _| {}, cancel)?;
        let values: Vec<f64> = reps.iter().filter_map(|r| measure.value(r)).collect();
        let mean = mean_defined(values.iter().map(|v| Some(*v))).unwrap_or(f64::NAN);
        let n = values.len() as f64;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
        let run = Run { x, outcome: mean, se: sd / n.max(1.0).sqrt() };
        let mut all = runs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        all.push(run);
        progress((all.len() as f64 / MAX_RUNS as f64).min(0.99));
        Ok(run)
    };
    let (mut a, mut b) = (evaluate(lo)?, evaluate(hi)?);
    let side = |r: &Run| (r.outcome - target).signum();
    let mut value = None;
    let mut se = None;
    let mut best = None;
    if !a.outcome.is_finite() || !b.outcome.is_finite() {
        return Err(SeekError::Request(format!("{outcome_label} is undefined at an end of the range")));
    }
    if side(&a) == side(&b) && a.outcome != target && b.outcome != target {
        let closer = if (a.outcome - target).abs() <= (b.outcome - target).abs() { a } else { b };
        best = Some(closer);
    } else {
        let width = (hi - lo) * 1e-4;
        for _ in 2..MAX_RUNS {
            // The crossing by interpolation between the bracket's ends, and its
            // Monte Carlo uncertainty from the outcome's standard error and the slope.
            let slope = (b.outcome - a.outcome) / (b.x - a.x);
            let x = if slope != 0.0 { a.x + (target - a.outcome) / slope } else { 0.5 * (a.x + b.x) };
            let x_se = if slope != 0.0 { 0.5 * (a.se + b.se) / slope.abs() } else { f64::INFINITY };
            value = Some(x.clamp(a.x.min(b.x), a.x.max(b.x)));
            se = Some(x_se);
            if (b.x - a.x).abs() <= width.max(x_se) {
                break;
            }
            let m = evaluate(0.5 * (a.x + b.x))?;
            if side(&m) == side(&a) {
                a = m;
            } else {
                b = m;
            }
        }
    }
    let mut runs = runs.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    runs.sort_by(|p, q| p.x.total_cmp(&q.x));
    let currency = &spec.store.currency;
    let at = value.or(best.map(|b| b.x));
    let fields: Vec<FreeField> = moved
        .iter()
        .map(|m| {
            let v = at.map(|x| m.at(x, relative));
            let placement = match (v, &m.prior) {
                (Some(v), Some(d)) if value.is_some() => Some(place(v, d, &|u| m.path.spec_field().show(u, currency))),
                _ => None,
            };
            FreeField {
                path: m.axis.path.clone(),
                label: m.axis.label.clone(),
                weight: if relative { m.weight } else { 1.0 },
                assumed: m.assumed,
                value: v,
                placement,
            }
        })
        .collect();
    // Every uncertain field at least as far out as the answer needs, in its direction.
    let together = (relative && value.is_some() && fields.iter().all(|f| f.placement.is_some())).then(|| {
        fields
            .iter()
            .filter_map(|f| {
                let q = f.placement.as_ref()?.quantile;
                Some(if f.value? >= f.assumed { 1.0 - q } else { q })
            })
            .product()
    });
    let label = if relative {
        format!("relative change of {}", moved.iter().map(|m| m.axis.label.as_str()).collect::<Vec<_>>().join(" and "))
    } else {
        moved[0].axis.label.clone()
    };
    progress(1.0);
    Ok(Sought { fields, label, relative, outcome_label, target, range: (lo, hi), value, se, best, together, runs })
}

/// Where `x` lies in `d`: its quantile, and in words.
pub fn place(x: f64, d: &Dist, show: &dyn Fn(f64) -> String) -> Placement {
    let q = d.cdf(x).clamp(0.0, 1.0);
    let pct =
        |p: f64| if p < 0.001 { "under 0.1%".to_string() } else { format!("about {}", crate::format::percent(p, 1)) };
    let text = if q >= 1.0 {
        format!(
            "above anything it assumes (its highest value is {}): impossible under its assumptions",
            show(d.quantile(1.0))
        )
    } else if q <= 0.0 {
        format!(
            "below anything it assumes (its lowest value is {}): impossible under its assumptions",
            show(d.quantile(0.0))
        )
    } else if q >= 0.99 {
        format!("above its P99 ({}): {} likely", show(d.quantile(0.99)), pct(1.0 - q))
    } else if q <= 0.01 {
        format!("below its P1 ({}): {} likely", show(d.quantile(0.01)), pct(q))
    } else {
        format!("at its P{:.0}: {} of the assumed worlds lie below it", q * 100.0, crate::format::percent(q, 1))
    };
    Placement { quantile: q, text }
}
