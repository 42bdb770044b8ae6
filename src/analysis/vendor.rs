//! A claim checked against a scenario: a vendor's case study ("a verified 30% AOV
//! increase from post-checkout personalization") or an article's figure, stated as a
//! lift, a take rate or attributed revenue, for one surface or a whole program.
//!
//! The answer has three parts:
//! - **How likely it is here**: the share of the scenario's worlds (replications, each
//!   with its own draw of every uncertain input) in which the claimed figure of the
//!   strategy that stands for the claim lies in the claimed range.
//! - **What it would take**: for each uncertain input, the value at which the figure's
//!   average reaches the claimed bound with every other input as assumed (a goal seek,
//!   [`super::seek`]), and where that value lies in the input's distribution.
//! - **Attributed or incremental**: a lift as a holdout measures it (what the strategy
//!   adds) and as a vendor's dashboard reports it (the revenue it credits itself with,
//!   read as a lift: attributed / (revenue - attributed), MODEL.md rule 21), with the
//!   strategy's attribution ratio, so a claim can be read in the terms it was made in.
//!
//! A surface's attributed revenue is the strategy's (rule 21) split in proportion to
//! the revenue its sources bring: accepted cart suggestions, tier top-ups,
//! confirmation-page add-ons. Exact for a strategy that runs only that surface.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::seek::{Focus, Free, Goal, Measure, Placement, Run, SeekError, seek};
use crate::engine::RunOptions;
use crate::model::fields;
use crate::model::{
    ClaimBasis, ClaimFigure, ClaimSpec, ClaimSurface, OfferPolicy, Scenario, ScenarioSpec, TierPolicy, Word,
};
use crate::report::{Metric, Replication, StrategyRep};
use crate::stats::{quantile_sorted, spearman};

/// A claim's figure in one replication, for the strategy that stands for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// The figure.
    pub figure: ClaimFigure,
    /// Its surface.
    pub surface: ClaimSurface,
    /// For a lift: as a holdout measures it, or as a vendor reports it.
    pub basis: ClaimBasis,
    /// The strategy (index).
    pub strategy: usize,
    /// The store's annual GMV (attributed revenue a year).
    pub annual_gmv: f64,
}

impl Reading {
    /// The figure in one replication (`None` where undefined: a lift against a holdout
    /// without orders, a take rate of a surface that showed nothing).
    pub fn value(&self, rep: &Replication) -> Option<f64> {
        let s = rep.strategies.get(self.strategy)?;
        let level = |m: Metric| m.estimate(s).map(|e| e.value);
        let lift = |m: Metric| s.vs.as_ref()?.lifts.get(m).map(|e| e.value);
        let attributed = attributed_per_visitor(s, self.surface)?;
        let rpv = level(Metric::RevenuePerVisitor)?;
        let as_lift = || (rpv - attributed > 0.0).then(|| attributed / (rpv - attributed));
        match (self.figure, self.basis) {
            (ClaimFigure::AovLift, ClaimBasis::Incremental) => lift(Metric::AovLift),
            (ClaimFigure::ConversionLift, _) => lift(Metric::ConversionRateLift),
            (ClaimFigure::RpvLift, ClaimBasis::Incremental) => lift(Metric::RpvLift),
            // Per order or per visitor, attributed / (revenue - attributed) is the same.
            (ClaimFigure::AovLift | ClaimFigure::RpvLift, ClaimBasis::Attributed) => as_lift(),
            (ClaimFigure::TakeRate, _) => level(match self.surface {
                ClaimSurface::Cart => Metric::PreCheckoutAcceptanceRate,
                ClaimSurface::TierPrompt => Metric::TierPromptAcceptanceRate,
                ClaimSurface::Confirmation | ClaimSurface::Program => Metric::PostCheckoutAcceptanceRate,
            }),
            (ClaimFigure::AttributedShare, _) => (rpv > 0.0).then(|| attributed / rpv),
            (ClaimFigure::AttributedRevenue, _) => {
                let holdout = rep.strategies.iter().find(|h| h.vs.is_none())?;
                let h = Metric::RevenuePerVisitor.estimate(holdout)?.value;
                (h > 0.0).then(|| attributed * self.annual_gmv / h)
            }
        }
    }

    /// The same figure as the other side would state it: a holdout's incremental
    /// reading of a vendor's attributed figure, or the reverse (`None` where there is
    /// none: a take rate, a conversion lift, a surface's share of a program's lift).
    pub fn counterpart(&self) -> Option<Counterpart> {
        let other = match self.basis {
            ClaimBasis::Incremental => ClaimBasis::Attributed,
            ClaimBasis::Attributed => ClaimBasis::Incremental,
        };
        match self.figure {
            ClaimFigure::AovLift | ClaimFigure::RpvLift => {
                Some(Counterpart::Reading(Reading { basis: other, ..*self }))
            }
            ClaimFigure::AttributedShare => Some(Counterpart::IncrementalShare(*self)),
            ClaimFigure::AttributedRevenue => Some(Counterpart::IncrementalRevenue(*self)),
            ClaimFigure::ConversionLift | ClaimFigure::TakeRate => None,
        }
    }
}

/// A figure's reading by the other side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Counterpart {
    /// The same lift on the other basis.
    Reading(Reading),
    /// What a holdout credits the strategy with, as a share of its revenue: (revenue -
    /// the holdout's) / revenue. Only where the surface brings all the strategy's
    /// attributed revenue (the whole program, or a strategy that runs only it).
    IncrementalShare(Reading),
    /// The annual GMV impact (the revenue a year a holdout measures), likewise.
    IncrementalRevenue(Reading),
}

impl Counterpart {
    /// Its value in one replication.
    pub fn value(&self, rep: &Replication) -> Option<f64> {
        match self {
            Counterpart::Reading(r) => r.value(rep),
            Counterpart::IncrementalShare(r) | Counterpart::IncrementalRevenue(r) => {
                let s = rep.strategies.get(r.strategy)?;
                let whole = attributed_per_visitor(s, ClaimSurface::Program)?;
                if (attributed_per_visitor(s, r.surface)? - whole).abs() > 1e-12 * whole.abs().max(1.0) {
                    return None;
                }
                let lift = s.vs.as_ref()?.lifts.get(Metric::RpvLift)?.value;
                match self {
                    // (R_s - R_h) / R_s = lift / (1 + lift).
                    Counterpart::IncrementalShare(_) => (lift > -1.0).then(|| lift / (1.0 + lift)),
                    _ => Some(lift * r.annual_gmv),
                }
            }
        }
    }

    /// Its basis in words.
    pub fn basis(&self) -> &'static str {
        match self {
            Counterpart::Reading(r) => r.basis.word(),
            _ => ClaimBasis::Incremental.word(),
        }
    }
}

/// The attributed revenue per visitor of one surface (the whole program's split by the
/// revenue of its sources).
fn attributed_per_visitor(s: &StrategyRep, surface: ClaimSurface) -> Option<f64> {
    let whole = Metric::AttributedRevenuePerVisitor.estimate(s)?.value;
    let src = &s.sources;
    let part = match surface {
        ClaimSurface::Program => return Some(whole),
        ClaimSurface::Cart => src.cross_sell,
        ClaimSurface::TierPrompt => src.tier_top_ups,
        ClaimSurface::Confirmation => src.post_checkout,
    };
    let all = src.cross_sell + src.tier_top_ups + src.post_checkout;
    Some(if all > 0.0 { whole * part / all } else { 0.0 })
}

impl Measure for Reading {
    fn value(&self, rep: &Replication) -> Option<f64> {
        Reading::value(self, rep)
    }
    fn describe(&self, sc: &Scenario) -> String {
        let name = sc.strategies.get(self.strategy).map_or("?", |s| s.name());
        format!("{}: {name}", figure_label(self.figure, self.surface, self.basis))
    }
    fn check(&self, sc: &Scenario) -> Result<(), String> {
        match sc.strategies.get(self.strategy) {
            None => Err(format!("no strategy {}", self.strategy + 1)),
            Some(s) if self.strategy == sc.holdout => {
                Err(format!("`{}` is the holdout: a claim is about a strategy measured against it", s.name()))
            }
            Some(_) => Ok(()),
        }
    }
    fn strategies(&self) -> Vec<usize> {
        vec![self.strategy]
    }
    fn renumbered(&self, to: &dyn Fn(usize) -> usize) -> Box<dyn Measure> {
        Box::new(Reading { strategy: to(self.strategy), ..*self })
    }
}

/// A figure in words: "AOV lift (as a vendor reports it) from confirmation-page offers".
pub fn figure_label(figure: ClaimFigure, surface: ClaimSurface, basis: ClaimBasis) -> String {
    let what = match (figure, basis) {
        (ClaimFigure::AovLift, ClaimBasis::Incremental) => "AOV lift",
        (ClaimFigure::AovLift, ClaimBasis::Attributed) => "AOV lift as a vendor reports it",
        (ClaimFigure::ConversionLift, _) => "Conversion lift",
        (ClaimFigure::RpvLift, ClaimBasis::Incremental) => "RPV lift",
        (ClaimFigure::RpvLift, ClaimBasis::Attributed) => "RPV lift as a vendor reports it",
        (ClaimFigure::TakeRate, _) => "Take rate",
        (ClaimFigure::AttributedShare, _) => "Share of revenue attributed",
        (ClaimFigure::AttributedRevenue, _) => "Attributed revenue a year",
    };
    match surface {
        ClaimSurface::Program => what.to_string(),
        s => format!("{what} ({})", surface_label(s)),
    }
}

/// A surface in words.
pub fn surface_label(surface: ClaimSurface) -> &'static str {
    match surface {
        ClaimSurface::Program => "the whole program",
        ClaimSurface::Cart => "cart suggestions",
        ClaimSurface::TierPrompt => "the tier prompt",
        ClaimSurface::Confirmation => "confirmation-page offers",
    }
}

/// A figure's value as it reads: `+30.0%`, `8.2%`, `$1,200,000`.
pub fn show_figure(figure: ClaimFigure, v: f64, currency: &str) -> String {
    match figure {
        ClaimFigure::AovLift | ClaimFigure::ConversionLift | ClaimFigure::RpvLift if v == 0.0 => "0%".to_string(),
        ClaimFigure::AovLift | ClaimFigure::ConversionLift | ClaimFigure::RpvLift => {
            Metric::AovLift.format_exact(v, currency)
        }
        ClaimFigure::TakeRate | ClaimFigure::AttributedShare => Metric::ConversionRate.format_exact(v, currency),
        ClaimFigure::AttributedRevenue => Metric::AnnualGmvImpact.format_exact(v, currency),
    }
}

/// A figure's spread across the scenario's worlds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Share of the worlds in which it lies in the claimed range.
    pub holds: f64,
    /// Worlds in which it is defined.
    pub worlds: usize,
}

fn spread(values: &[f64], within: &dyn Fn(f64) -> bool) -> Option<Spread> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = values.len();
    Some(Spread {
        mean: values.iter().sum::<f64>() / n as f64,
        p5: quantile_sorted(&sorted, 0.05),
        p95: quantile_sorted(&sorted, 0.95),
        holds: values.iter().filter(|&&v| within(v)).count() as f64 / n as f64,
        worlds: n,
    })
}

/// What one uncertain input would need to be for the claim's figure to reach its bound
/// on average, every other input as assumed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Need {
    /// The input's canonical path.
    pub path: String,
    /// The input for people.
    pub label: String,
    /// Spearman's rank correlation of its draws with the figure across the worlds.
    pub correlation: Option<f64>,
    /// The bound sought (the claim's `at_least`, or `at_most` where the figure is
    /// above the range).
    pub target: f64,
    /// The value that reaches it, where one in the input's allowed range does.
    pub value: Option<f64>,
    /// Its Monte Carlo standard error.
    pub se: Option<f64>,
    /// Where the value lies against the input's distribution.
    pub placement: Option<Placement>,
    /// Where none reaches it: the closest the figure comes, and at which value.
    pub best: Option<Run>,
    /// The input's range searched.
    pub range: (f64, f64),
}

/// A claim checked against a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimCheck {
    /// The claim as entered.
    pub statement: String,
    /// Where it comes from.
    pub source: String,
    /// The strategy that stands for it.
    pub strategy: String,
    /// The figure, in words ("AOV lift (confirmation-page offers)").
    pub figure: String,
    /// The figure's key (`aov_lift`).
    pub figure_key: &'static str,
    /// How the claim was stated: `incremental` or `attributed`.
    pub basis: &'static str,
    /// The claimed range.
    pub at_least: f64,
    /// Its upper end.
    pub at_most: Option<f64>,
    /// The claimed range in words ("at least +30.0%").
    pub range: String,
    /// The figure as stated, across the worlds (`holds` is the claim's probability).
    pub stated: Option<Spread>,
    /// The same figure read by the other side (`None` where it has no other reading).
    pub other: Option<Spread>,
    /// The other side's basis (`attributed` for an incremental claim).
    pub other_basis: Option<&'static str>,
    /// The strategy's attributed revenue / incremental revenue across the worlds: how
    /// many times what a holdout measures a vendor's dashboard would claim.
    pub attribution_ratio: Option<Spread>,
    /// The share of worlds in which the claim holds as stated.
    pub probability: Option<f64>,
    /// Whether the figure's average over the worlds is in the claimed range already
    /// (the needs then say where it would leave it).
    pub holds_on_average: bool,
    /// What each uncertain input would need to be, the inputs that move the figure
    /// most first (empty when the check was asked without them, or the claim cannot
    /// be answered).
    pub needs: Vec<Need>,
    /// Why the claim cannot hold here, where it holds in no world.
    pub reason: Option<String>,
    /// Why the scenario cannot answer it (a strategy it lacks).
    pub unanswerable: Option<String>,
}

impl ClaimCheck {
    /// The verdict in words, as the claims checklist says it.
    pub fn verdict(&self) -> &'static str {
        match self.probability {
            None => "undecided",
            Some(p) if p >= 0.9 => "holds",
            Some(p) if p > 0.5 => "likely, not reliably",
            Some(0.0) => "impossible here",
            Some(_) => "does not hold",
        }
    }
}

/// The claimed range in words.
pub fn range_text(c: &ClaimSpec, currency: &str) -> String {
    let show = |v: f64| show_figure(c.figure, v, currency);
    match c.at_most {
        Some(m) => format!("from {} to {}", show(c.at_least), show(m)),
        None => format!("at least {}", show(c.at_least)),
    }
}

/// Whether the strategy shows anything on the surface.
fn shows(spec: &ScenarioSpec, k: usize, surface: ClaimSurface) -> bool {
    let s = &spec.strategies[k];
    match surface {
        ClaimSurface::Program => true,
        ClaimSurface::Cart => s.pre_checkout.policy != OfferPolicy::Off,
        ClaimSurface::TierPrompt => s.tier_prompt.policy != TierPolicy::Off && !spec.tiers.is_empty(),
        ClaimSurface::Confirmation => s.post_checkout.policy != OfferPolicy::Off,
    }
}

/// The claim's figure read from a run of the whole scenario (`reps`, every strategy in
/// the file's order): its probability, both readings and the attribution ratio, with
/// no input's needed value (the board report's and the dashboard's reading).
pub fn from_run(spec: &ScenarioSpec, claim: &ClaimSpec, holdout: usize, reps: &[Replication]) -> ClaimCheck {
    let mut out = blank(spec, claim);
    if let Some(k) = answerable(spec, claim, holdout, &mut out) {
        read(&mut out, (spec, k), claim, &reading(spec, claim, k), reps);
    }
    out
}

/// Checks `claim` against the scenario: its probability, both readings, and what
/// each uncertain input would need to be (`needs`: at most that many inputs, those
/// whose draws move the figure most; `None`: none, one run only). `progress` hears
/// the share done.
pub fn check(
    spec: &ScenarioSpec,
    claim: &ClaimSpec,
    needs: Option<usize>,
    opts: &RunOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<ClaimCheck, SeekError> {
    let mut out = blank(spec, claim);
    let invalid = |e: Vec<crate::model::FieldError>| {
        SeekError::Request(e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    };
    let full = Scenario::from_spec(spec.clone()).map_err(invalid)?;
    let Some(k) = answerable(spec, claim, full.holdout, &mut out) else { return Ok(out) };
    // The holdout and the claim's strategy only.
    let focus = Focus::new(spec, &[k], full.holdout);
    let reading = reading(spec, claim, k);
    let local = Reading { strategy: focus.index(k), ..reading };
    let sc = Scenario::from_spec(focus.spec(spec)).map_err(invalid)?;
    let inputs: Vec<(usize, String)> = sc
        .uncertain_inputs()
        .iter()
        .enumerate()
        // Returns and program costs do not move a gross figure; another strategy's
        // lever does not move this one's.
        .filter(|(_, (p, i))| {
            !Scenario::net_only(i.field) && (!p.starts_with("strategies[") || lever_of(p, local.strategy))
        })
        .map(|(col, (p, _))| (col, p.to_string()))
        .collect();
    let seeks = needs.map_or(0, |n| n.min(inputs.len()));
    let total_steps = 1.0 + seeks as f64;
    let reps =
        super::replications(&sc, opts, &|r, of| progress(f64::from(r) / f64::from(of.max(1)) / total_steps), cancel)?;
    let (values, rows) = read(&mut out, (spec, k), claim, &local, &reps);
    let Some(stated) = out.stated.filter(|_| seeks > 0) else {
        progress(1.0);
        return Ok(out);
    };
    // The bound to seek: the one the average is outside of, else the nearer one.
    let target = match claim.at_most {
        Some(m) if stated.mean > m => m,
        Some(m) if stated.mean >= claim.at_least && m - stated.mean < stated.mean - claim.at_least => m,
        _ => claim.at_least,
    };
    let draws: Vec<Vec<f64>> = rows.iter().map(|&i| crate::engine::world::drawn_inputs(&sc, reps[i].index)).collect();
    let mut ranked: Vec<(String, Option<f64>)> = inputs
        .iter()
        .map(|(col, path)| {
            let xs: Vec<f64> = draws.iter().map(|d| d[*col]).collect();
            // The path in the whole scenario's numbering (a lever of the claim's strategy).
            (focus.whole_path(path), spearman(&xs, &values))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.map_or(0.0, f64::abs).total_cmp(&a.1.map_or(0.0, f64::abs)));
    for (step, (path, correlation)) in ranked.into_iter().take(seeks).enumerate() {
        let free = [Free { path: path.clone(), weight: 1.0 }];
        let goal = Goal { free: &free, range: None, measure: &reading, target };
        let s = match seek(spec, &goal, opts, &|f| progress((1.0 + step as f64 + f) / total_steps), cancel) {
            Ok(s) => s,
            // The figure undefined at an end of the input's range (no orders at all):
            // that input has no answer; the others still do.
            Err(SeekError::Request(_)) => {
                let label = fields::resolve(spec, &path).map_or_else(|_| path.clone(), |p| p.label(spec));
                out.needs.push(Need {
                    label,
                    path,
                    correlation,
                    target,
                    value: None,
                    se: None,
                    placement: None,
                    best: None,
                    range: (f64::NAN, f64::NAN),
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        out.needs.push(Need {
            label: s.fields.first().map_or_else(|| path.clone(), |f| f.label.clone()),
            path,
            correlation,
            target,
            value: s.value,
            se: s.se,
            placement: s.placement().cloned(),
            best: s.best,
            range: s.range,
        });
    }
    if out.probability == Some(0.0) {
        out.reason = Some(reason(&out, &stated, &spec.strategies[k], &spec.store.currency, claim.figure));
    }
    progress(1.0);
    Ok(out)
}

fn blank(spec: &ScenarioSpec, claim: &ClaimSpec) -> ClaimCheck {
    ClaimCheck {
        statement: claim.statement.clone(),
        source: claim.source.clone(),
        strategy: claim.strategy.clone(),
        figure: figure_label(claim.figure, claim.surface, claim.basis),
        figure_key: claim.figure.word(),
        basis: claim.basis.word(),
        at_least: claim.at_least,
        at_most: claim.at_most,
        range: range_text(claim, &spec.store.currency),
        stated: None,
        other: None,
        other_basis: None,
        attribution_ratio: None,
        probability: None,
        holds_on_average: false,
        needs: Vec::new(),
        reason: None,
        unanswerable: None,
    }
}

fn reading(spec: &ScenarioSpec, claim: &ClaimSpec, k: usize) -> Reading {
    Reading {
        figure: claim.figure,
        surface: claim.surface,
        basis: claim.basis,
        strategy: k,
        annual_gmv: spec.store.annual_gmv,
    }
}

/// The claim's strategy, where the scenario can answer it (else `out` says why).
fn answerable(spec: &ScenarioSpec, claim: &ClaimSpec, holdout: usize, out: &mut ClaimCheck) -> Option<usize> {
    let Some(k) = spec.strategies.iter().position(|s| s.name == claim.strategy) else {
        out.unanswerable = Some(format!("the scenario has no strategy named \"{}\"", claim.strategy));
        return None;
    };
    if k == holdout {
        out.unanswerable =
            Some(format!("\"{}\" is the holdout: a claim is about a strategy measured against it", claim.strategy));
        return None;
    }
    if !shows(spec, k, claim.surface) {
        out.probability = Some(0.0);
        out.reason = Some(format!("\"{}\" shows no {}", claim.strategy, surface_label(claim.surface)));
        return None;
    }
    Some(k)
}

/// Reads the claim's figures from `reps` into `out`; returns the stated figure's
/// values and the replications (indices) that define them.
fn read(
    out: &mut ClaimCheck,
    (spec, k): (&ScenarioSpec, usize),
    claim: &ClaimSpec,
    local: &Reading,
    reps: &[Replication],
) -> (Vec<f64>, Vec<usize>) {
    let within = |v: f64| v >= claim.at_least && claim.at_most.is_none_or(|m| v <= m);
    let (rows, values): (Vec<usize>, Vec<f64>) =
        reps.iter().enumerate().filter_map(|(i, r)| Some((i, local.value(r)?))).unzip();
    out.stated = spread(&values, &within);
    out.probability = out.stated.map(|s| s.holds);
    out.holds_on_average = out.stated.is_some_and(|s| within(s.mean));
    if let Some(c) = local.counterpart() {
        let other: Vec<f64> = reps.iter().filter_map(|r| c.value(r)).collect();
        out.other = spread(&other, &within);
        out.other_basis = out.other.map(|_| c.basis());
    }
    let ratio: Vec<f64> = reps
        .iter()
        .filter_map(|r| Some(r.strategies.get(local.strategy)?.vs.as_ref()?.lifts.get(Metric::AttributionRatio)?.value))
        .collect();
    out.attribution_ratio = spread(&ratio, &|_| false);
    match out.stated {
        None => out.unanswerable = Some(format!("{} is undefined in every world", out.figure)),
        Some(s) if s.holds == 0.0 => {
            out.reason = Some(reason(out, &s, &spec.strategies[k], &spec.store.currency, claim.figure));
        }
        Some(_) => {}
    }
    (values, rows)
}

/// Whether `path` is a lever of strategy `k` of `sc`.
fn lever_of(path: &str, k: usize) -> bool {
    path.starts_with(&format!("strategies[{k}]"))
}

/// Why a claim that holds in no world cannot hold here.
fn reason(
    c: &ClaimCheck,
    s: &Spread,
    strategy: &crate::model::StrategySpec,
    currency: &str,
    figure: ClaimFigure,
) -> String {
    let show = |v: f64| show_figure(figure, v, currency);
    let constant = s.p5 == s.p95 && s.mean == s.p5;
    let mut text = if constant {
        let mut t =
            format!("{} is {} in every world: no input the scenario leaves uncertain moves it", c.figure, show(s.mean));
        if figure == ClaimFigure::ConversionLift
            && strategy.pre_checkout.policy == OfferPolicy::Off
            && strategy.tier_prompt.policy == TierPolicy::Off
        {
            t.push_str(&format!(
                " (\"{}\" shows nothing before checkout, and offers after the order cannot change whether it is placed)",
                strategy.name
            ));
        }
        t
    } else {
        let side = if s.p95 < c.at_least {
            format!("stays below {}", show(c.at_least))
        } else {
            format!("stays above {}", show(c.at_most.unwrap_or(c.at_least)))
        };
        format!(
            "{} {side} in every one of {} worlds (from {} to {}, 5th to 95th percentile)",
            c.figure,
            s.worlds,
            show(s.p5),
            show(s.p95)
        )
    };
    if constant {
        return text;
    }
    // The likeliest single route, else the closest any input comes.
    let tail = |n: &Need| n.placement.as_ref().map_or(0.0, |p| p.quantile.min(1.0 - p.quantile));
    if let Some(n) = c.needs.iter().filter(|n| n.value.is_some()).max_by(|a, b| tail(a).total_cmp(&tail(b))) {
        text.push_str(&format!(
            "; the likeliest single change is {} at {}",
            n.label,
            n.placement.as_ref().map_or_else(|| format!("{}", n.value.unwrap_or(f64::NAN)), |p| p.text.clone())
        ));
    } else if let Some((n, b)) = c
        .needs
        .iter()
        .filter_map(|n| Some((n, n.best?)))
        .min_by(|a, b| (a.1.outcome - a.0.target).abs().total_cmp(&(b.1.outcome - b.0.target).abs()))
    {
        let end = if b.x >= 0.5 * (n.range.0 + n.range.1) { "highest" } else { "lowest" };
        text.push_str(&format!(
            "; no single input in its allowed range reaches it: the closest is {} with {} at its {end}",
            show(b.outcome),
            n.label,
        ));
    }
    text
}
