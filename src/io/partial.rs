//! Partial results of a sharded run: the exact tallies of a slice of the
//! replications plus the scenario they belong to, so that `aovlab merge` can
//! combine shards into results bit-identical to a single-machine run.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::files;
use crate::engine::RepCounts;
use crate::format::excerpt;
use crate::model::{Scenario, ScenarioSpec};

/// Identifies the file kind.
pub const KIND: &str = "aovlab-partial-results";
/// Identifies a sweep shard's file.
pub const SWEEP_KIND: &str = "aovlab-partial-sweep";
/// Identifies an optimizer's screening shard's file.
pub const OPTIMIZE_KIND: &str = "aovlab-partial-optimize";
/// Version of the partial-results format.
/// (2: the tallies of returns, eligibility and the vendor's view, MODEL.md rules
/// 17-21.)
pub const PARTIAL_VERSION: u32 = 2;

/// Why shards cannot be merged. Every variant names the file it is about, where one
/// file is to blame.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no partial-results files given")]
    NoFiles,
    /// The file cannot be read, or is not a partial-results file of the kind needed.
    #[error("{file}: {reason}")]
    NotPartial {
        /// The file.
        file: String,
        /// What it is instead, and what merge reads.
        reason: String,
    },
    /// The file is a shard of another run, sweep or search than the first file.
    #[error("{file} is a shard of a different {of} ({differs}) than {first}; merge the shards of one {of}")]
    Mismatch {
        /// The file.
        file: String,
        /// The first file, which the others must match.
        first: String,
        /// `run`, `sweep` or `search`.
        of: &'static str,
        /// What must be the same.
        differs: &'static str,
    },
    /// Shards or replications missing, given twice or out of range.
    #[error("{0}")]
    Incomplete(String),
    /// The file's numbers are impossible for its scenario (an edited file?).
    #[error("{file}: {reason}")]
    Impossible {
        /// The file.
        file: String,
        /// What is impossible.
        reason: String,
    },
    /// One point of a sweep cannot be merged.
    #[error("sweep point {point}: {error}")]
    AtPoint {
        /// The point, from 1.
        point: usize,
        /// Why.
        error: Box<MergeError>,
    },
}

fn not_partial(file: impl std::fmt::Display, reason: impl Into<String>) -> MergeError {
    MergeError::NotPartial { file: file.to_string(), reason: reason.into() }
}

fn impossible(file: impl std::fmt::Display, reason: impl Into<String>) -> MergeError {
    MergeError::Impossible { file: file.to_string(), reason: reason.into() }
}

/// One shard's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// Always [`KIND`].
    pub kind: String,
    /// Always [`PARTIAL_VERSION`].
    pub version: u32,
    /// Shard index (0-based) and count.
    pub shard: Shard,
    /// The scenario (after command-line overrides) the shard ran.
    pub scenario: ScenarioSpec,
    /// Wall time of this shard.
    pub elapsed_seconds: f64,
    /// Threads this shard used.
    pub threads: usize,
    /// Exact tallies of this shard's replications.
    pub replications: Vec<RepCounts>,
}

/// One shard of a sweep: the sweep as asked for, the scenario it varies, and per
/// point the partial results of this shard's replications of that point's scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPartial {
    /// Always [`SWEEP_KIND`].
    pub kind: String,
    /// Always [`PARTIAL_VERSION`].
    pub version: u32,
    /// The scenario swept (after command-line overrides).
    pub scenario: ScenarioSpec,
    /// The first field.
    pub x: crate::analysis::sweep::AxisRequest,
    /// The second field, for a grid.
    pub y: Option<crate::analysis::sweep::AxisRequest>,
    /// Per point, in sweep order: this shard's partial results at that point.
    pub points: Vec<Partial>,
}

/// One shard of an optimizer's screening: the scenario, the search and this shard's
/// candidates' values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizePartial {
    /// Always [`OPTIMIZE_KIND`].
    pub kind: String,
    /// Always [`PARTIAL_VERSION`].
    pub version: u32,
    /// Shard index (0-based) and count.
    pub shard: Shard,
    /// The scenario searched (after command-line overrides).
    pub scenario: ScenarioSpec,
    /// The objective.
    pub objective: crate::analysis::optimize::Objective,
    /// The constraints.
    pub constraints: Vec<crate::analysis::optimize::Constraint>,
    /// The lever space's limits.
    pub bounds: crate::analysis::optimize::Bounds,
    /// This shard's screening results.
    pub screened: crate::analysis::optimize::Screened,
}

/// Combines an optimizer's screening shards: one scenario and search, every shard
/// once; returns the first shard (for its scenario and search) and all the screening.
pub fn combine_optimize(
    parts: Vec<(String, OptimizePartial)>,
) -> Result<(OptimizePartial, crate::analysis::optimize::Screened), MergeError> {
    let Some((first_name, first)) = parts.first().cloned() else { return Err(MergeError::NoFiles) };
    let mut seen = vec![false; first.shard.count as usize];
    for (name, p) in &parts {
        if p.scenario != first.scenario
            || p.objective != first.objective
            || p.constraints != first.constraints
            || p.bounds != first.bounds
            || p.shard.count != first.shard.count
        {
            return Err(MergeError::Mismatch {
                file: name.clone(),
                first: first_name,
                of: "search",
                differs: "scenario, objective, constraints, limits or shard count",
            });
        }
        let i = p.shard.index as usize;
        if i >= seen.len() || std::mem::replace(&mut seen[i], true) {
            return Err(MergeError::Incomplete(format!(
                "{name}: shard {}/{} is given twice or is out of range",
                p.shard.index, p.shard.count
            )));
        }
    }
    if let Some(i) = seen.iter().position(|s| !s) {
        return Err(MergeError::Incomplete(format!(
            "shard {i}/{} is missing; give every shard of the search",
            first.shard.count
        )));
    }
    for (name, p) in &parts {
        p.screened.check(p.scenario.store.annual_gmv).map_err(|m| impossible(name, m))?;
    }
    let screened = crate::analysis::optimize::Screened::combine(parts.into_iter().map(|(_, p)| p.screened).collect())
        .map_err(MergeError::Incomplete)?;
    Ok((first, screened))
}

/// A partial-results file of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum PartialFile {
    /// A shard of a run.
    Run(Partial),
    /// A shard of a sweep.
    Sweep(SweepPartial),
    /// A shard of an optimizer's screening.
    Optimize(Box<OptimizePartial>),
}

/// Shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` with 0 <= I < N.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: use I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// The replications of this shard: a contiguous, balanced slice of `0..total`.
    pub fn replications(&self, total: u32) -> std::ops::Range<u32> {
        let (t, n, i) = (u64::from(total), u64::from(self.count), u64::from(self.index));
        (t * i / n) as u32..(t * (i + 1) / n) as u32
    }
}

/// Largest partial-results file read, in bytes (checked while reading): room for
/// 20,000 replications of 64 strategies, plus a 200,000-product catalog.
pub const MAX_PARTIAL_BYTES: u64 = 1024 * 1024 * 1024;

/// What a JSON file claims to be, read before the whole file is parsed.
#[derive(Deserialize)]
struct Probe {
    kind: Option<serde::de::IgnoredAny>,
    version: Option<serde::de::IgnoredAny>,
    strategies: Option<serde::de::IgnoredAny>,
    visitors_per_replication: Option<serde::de::IgnoredAny>,
}

/// Reads one partial-results file. Only its form is checked here; [`combine`]
/// checks every number against the scenario.
pub fn read(path: &Path) -> Result<Partial, MergeError> {
    match read_any(path)? {
        PartialFile::Run(p) => Ok(p),
        PartialFile::Sweep(_) => Err(not_partial(path.display(), "this is a shard of a sweep, not of a run")),
        PartialFile::Optimize(_) => {
            Err(not_partial(path.display(), "this is a shard of an optimizer's search, not of a run"))
        }
    }
}

/// Reads one partial-results file of either kind (a run's or a sweep's shard).
pub fn read_any(path: &Path) -> Result<PartialFile, MergeError> {
    let name = path.display();
    let bytes = files::read_capped(path, MAX_PARTIAL_BYTES).map_err(|e| not_partial(&name, e.to_string()))?;
    const WHAT: &str = "merge reads the files written by `aovlab run --shard I/N --json PATH`";
    let probe: Probe = serde_json::from_slice(&bytes).map_err(|e| {
        let at = format!("{name}:{}:{}", e.line(), e.column());
        not_partial(at, format!("not a JSON object ({WHAT}): {}", json_reason(&e)))
    })?;
    if probe.kind.is_none() {
        if probe.strategies.is_some() && probe.visitors_per_replication.is_some() {
            return Err(not_partial(
                &name,
                format!(
                    "this is a whole-run report (from `aovlab run --json` without --shard), not partial results; \
                     {WHAT}"
                ),
            ));
        }
        return Err(not_partial(&name, format!("not a partial-results file (it has no \"kind\"); {WHAT}")));
    }
    let _ = probe.version;
    #[derive(Deserialize)]
    struct Head {
        kind: String,
        version: u32,
    }
    let head: Head = serde_json::from_slice::<Head>(&bytes).map_err(|e| {
        not_partial(
            &name,
            format!("\"kind\" and \"version\" must be a text and a whole number ({WHAT}): {}", json_reason(&e)),
        )
    })?;
    if ![KIND, SWEEP_KIND, OPTIMIZE_KIND].contains(&head.kind.as_str()) || head.version != PARTIAL_VERSION {
        return Err(not_partial(
            &name,
            format!(
                "kind `{}` version {} is not {KIND} (or {SWEEP_KIND}, {OPTIMIZE_KIND}) version {PARTIAL_VERSION}; \
                 {WHAT} with this version of aovlab",
                excerpt(&head.kind, 40),
                head.version
            ),
        ));
    }
    let invalid = |e: serde_json::Error| {
        let at = format!("{name}:{}:{}", e.line(), e.column());
        not_partial(at, format!("not a valid partial-results file: {}", json_reason(&e)))
    };
    if head.kind == SWEEP_KIND {
        return serde_json::from_slice(&bytes).map(PartialFile::Sweep).map_err(invalid);
    }
    if head.kind == OPTIMIZE_KIND {
        return serde_json::from_slice(&bytes).map(|p| PartialFile::Optimize(Box::new(p))).map_err(invalid);
    }
    serde_json::from_slice(&bytes).map(PartialFile::Run).map_err(invalid)
}

/// Combines the shards of one sweep: they must sweep the same scenario the same way;
/// each point's shards are then combined as a run's ([`combine`]). Returns the
/// swept scenario, the sweep's request and per point the combined results.
pub fn combine_sweep(parts: Vec<(String, SweepPartial)>) -> Result<CombinedSweep, MergeError> {
    let Some((first_name, first)) = parts.first() else { return Err(MergeError::NoFiles) };
    let (spec, x, y) = (first.scenario.clone(), first.x.clone(), first.y.clone());
    let n = first.points.len();
    for (name, p) in &parts {
        if p.scenario != spec || p.x != x || p.y != y || p.points.len() != n {
            return Err(MergeError::Mismatch {
                file: name.clone(),
                first: first_name.clone(),
                of: "sweep",
                differs: "scenario, fields, ranges or steps",
            });
        }
    }
    // Each point's scenario must be the swept one with the point's values set.
    let sweep = crate::analysis::sweep::Sweep {
        x: x.axis(&spec).map_err(|m| impossible(first_name, format!("the first field: {m}")))?,
        y: match &y {
            Some(a) => Some(a.axis(&spec).map_err(|m| impossible(first_name, format!("the second field: {m}")))?),
            None => None,
        },
    };
    let at = sweep.points();
    if at.len() != n {
        return Err(impossible(first_name, format!("{n} points, but the sweep it describes has {}", at.len())));
    }
    for (j, (&pt, part)) in at.iter().zip(&first.points).enumerate() {
        let want =
            sweep.spec_at(&spec, pt).map_err(|e| impossible(first_name, format!("sweep point {}: {e}", j + 1)))?;
        if part.scenario != want {
            return Err(impossible(
                first_name,
                format!("sweep point {} ran another scenario than the sweep's at {}", j + 1, sweep.describe(pt)),
            ));
        }
    }
    let mut columns: Vec<Vec<(String, Partial)>> = (0..n).map(|_| Vec::with_capacity(parts.len())).collect();
    for (name, p) in parts {
        for (j, part) in p.points.into_iter().enumerate() {
            columns[j].push((name.clone(), part));
        }
    }
    let points = columns
        .into_iter()
        .enumerate()
        .map(|(j, c)| combine(c).map_err(|e| MergeError::AtPoint { point: j + 1, error: Box::new(e) }))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CombinedSweep { scenario: spec, x, y, points })
}

/// A merged sweep.
pub struct CombinedSweep {
    /// The scenario swept.
    pub scenario: ScenarioSpec,
    /// The first field as asked for.
    pub x: crate::analysis::sweep::AxisRequest,
    /// The second field.
    pub y: Option<crate::analysis::sweep::AxisRequest>,
    /// Per point, every replication.
    pub points: Vec<Combined>,
}

/// serde_json's message without its own position (the caller gives it) and with no
/// Rust type names.
fn json_reason(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let m = match m.rfind(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m,
    };
    m.replace("u64", "a whole number >= 0")
        .replace("u32", "a whole number >= 0")
        .replace("i64", "a whole number")
        .replace("i128", "a whole number")
        .replace("f64", "a number")
}

/// Checks that shards belong to one valid run and together hold every replication
/// exactly once, and that every replication's tallies are possible for that scenario
/// (see [`check_tallies`]); returns the validated scenario and all tallies. Every
/// message names the file it is about.
pub fn combine(parts: Vec<(String, Partial)>) -> Result<Combined, MergeError> {
    let Some((first_name, first)) = parts.first() else { return Err(MergeError::NoFiles) };
    // The scenario first: its replications bound everything else.
    let scenario = crate::model::validate(&first.scenario, &Default::default()).map_err(|errors| {
        let list: Vec<String> = errors.iter().take(10).map(ToString::to_string).collect();
        impossible(first_name, format!("the scenario in this file is invalid: {}", list.join("; ")))
    })?;
    let spec = &first.scenario;
    let total = scenario.replications();
    let mut seen: Vec<Option<&str>> = vec![None; total as usize];
    let mut elapsed: f64 = 0.0;
    let mut threads = 0usize;
    let mut count = 0usize;
    for (name, p) in &parts {
        if p.scenario != *spec {
            return Err(MergeError::Mismatch {
                file: name.clone(),
                first: first_name.clone(),
                of: "run",
                differs: "scenario, seed or size",
            });
        }
        if !(p.elapsed_seconds.is_finite() && p.elapsed_seconds >= 0.0) {
            return Err(impossible(
                name,
                format!("elapsed_seconds {} is not a time; it must be >= 0", p.elapsed_seconds),
            ));
        }
        if p.shard.count == 0 || p.shard.index >= p.shard.count {
            return Err(impossible(
                name,
                format!("shard {}/{} is not a shard (0 <= I < N)", p.shard.index, p.shard.count),
            ));
        }
        elapsed = elapsed.max(p.elapsed_seconds);
        threads = threads.saturating_add(p.threads);
        for r in &p.replications {
            let slot = seen
                .get_mut(r.replication as usize)
                .ok_or_else(|| impossible(name, format!("replication {} is outside 0..{total}", r.replication)))?;
            if let Some(other) = slot {
                return Err(MergeError::Incomplete(format!(
                    "replication {} is in both {other} and {name}",
                    r.replication
                )));
            }
            *slot = Some(name.as_str());
            check_tallies(&scenario, r).map_err(|m| impossible(name, format!("replication {}: {m}", r.replication)))?;
            count += 1;
        }
    }
    let missing: Vec<usize> = seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| i).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(ToString::to_string).collect();
        return Err(MergeError::Incomplete(format!(
            "{} of {total} replications are missing (e.g. {}); is a shard's file absent?",
            missing.len(),
            shown.join(", ")
        )));
    }
    let mut reps = Vec::with_capacity(count);
    for (_, p) in parts {
        reps.extend(p.replications);
    }
    reps.sort_by_key(|r| r.replication);
    Ok(Combined { scenario, replications: reps, elapsed_seconds: elapsed, threads })
}

/// Checks one replication's tallies against its scenario: the visitors it says, the
/// funnel (orders <= carts <= visitors), every strategy present, money that adds up
/// (revenue = its sources, no negative revenue or source of the wrong sign), offers
/// and prompts only where the strategy makes them, acceptances within what was shown,
/// and sums of squares and cross-products consistent with the sums they square
/// (Cauchy-Schwarz). A tally written by the engine always passes.
pub fn check_tallies(sc: &Scenario, r: &RepCounts) -> Result<(), String> {
    let n_s = sc.strategies.len();
    if r.visitors != sc.visitors() {
        return Err(format!("{} visitors, but the scenario simulates {} per replication", r.visitors, sc.visitors()));
    }
    if r.carts > r.visitors {
        return Err(format!("{} carts from {} visitors", r.carts, r.visitors));
    }
    if r.strategies.len() != n_s {
        return Err(format!("tallies of {} strategies, but the scenario has {n_s}", r.strategies.len()));
    }
    let h = &r.strategies[sc.holdout];
    let w = crate::engine::session::ABANDONER_WEIGHT;
    let returns = sc.has_returns();
    for (st, t) in sc.strategies.iter().zip(&r.strategies) {
        let bad = |m: String| Err(format!("strategy `{}`: {m}", excerpt(st.name(), 60)));
        let slots = st.pre_checkout.map_or(0, |p| p.slots);
        let offers = st.post_checkout.map_or(0, |p| p.offers);
        if t.orders > r.carts {
            return bad(format!("{} orders from {} carts", t.orders, r.carts));
        }
        let sources = [t.src_base_cart, t.src_cross_sell, t.src_tier_top_up, t.src_post_checkout];
        if t.revenue < 0 || sources.iter().any(|&x| x < 0) || t.src_discounts > 0 {
            return bad("negative revenue (or a discount that adds revenue)".into());
        }
        let sum = sources.iter().map(|&x| i128::from(x)).sum::<i128>() + i128::from(t.src_discounts);
        if sum != i128::from(t.revenue) {
            return bad(format!("revenue {} cents is not the sum of its sources, {sum} cents", t.revenue));
        }
        if t.margin > t.revenue {
            return bad("gross margin above revenue (costs are never negative)".into());
        }
        if (t.orders == 0) != (t.src_base_cart == 0) || (t.orders == 0 && t.revenue != 0) {
            return bad("revenue without orders, or orders without carts' value".into());
        }
        let off =
            |shown: u64, on: bool, what: &str| (!on && shown > 0).then(|| format!("{what} shown, but it has none"));
        let checks = [
            off(t.pre_shown, st.pre_checkout.is_some(), "pre-checkout suggestions"),
            off(t.tier_shown, st.tier_prompt.is_some(), "tier prompts"),
            off(t.post_shown, st.post_checkout.is_some(), "post-checkout offers"),
            (t.pre_accepted > t.pre_shown).then(|| "more suggestions accepted than shown".to_string()),
            (t.tier_accepted > t.tier_shown).then(|| "more tier top-ups than prompts".to_string()),
            (t.post_accepted > t.post_shown).then(|| "more offers accepted than shown".to_string()),
            (t.upgrades > t.orders.min(t.tier_accepted)).then(|| "more tier upgrades than orders or top-ups".into()),
            (u128::from(t.pre_shown) > u128::from(r.carts) * u128::from(slots) * u128::from(w))
                .then(|| "more suggestions shown than carts x slots".to_string()),
            (u128::from(t.tier_shown) > u128::from(r.carts) * u128::from(w))
                .then(|| "more tier prompts than carts".to_string()),
            (u128::from(t.post_shown) > u128::from(t.orders) * u128::from(offers))
                .then(|| "more offers shown than orders x offers".to_string()),
            (t.src_discounts != 0 && st.discount == 0.0)
                .then(|| "discounts given, but it has no checkout discount".to_string()),
            (t.orders_x_holdout > t.orders.min(h.orders))
                .then(|| "more shared orders than orders under it or the holdout".to_string()),
            (t.post_ineligible > t.orders).then(|| "more orders ineligible for add-ons than orders".to_string()),
            (t.post_accepted_extended > t.post_accepted)
                .then(|| "more add-ons on extended orders than add-ons".to_string()),
            // The returns' tallies are kept only where returns are modelled.
            (returns && (t.items_base < t.orders || t.items_cross > t.pre_accepted))
                .then(|| "fewer items than orders, or more suggestions in orders than accepted".to_string()),
            (t.cost_by_source.iter().any(|&c| c < 0)
                || (returns
                    && t.cost_by_source.iter().map(|&c| i128::from(c)).sum::<i128>()
                        != i128::from(t.revenue) - i128::from(t.margin)))
            .then(|| "unit costs by source that do not add up to revenue - margin".to_string()),
            (!returns && (t.items_base, t.items_cross, t.cost_by_source, t.net_moments) != (0, 0, [0; 4], [0; 4]))
                .then(|| "tallies of returns in a scenario without returns".to_string()),
            (t.orders_shown.iter().any(|&o| o > t.orders))
                .then(|| "more orders shown an offer than orders".to_string()),
            (t.tier_benefits < 0 || (t.upgrades == 0 && t.tier_benefits != 0))
                .then(|| "tier perks without upgrades (or negative)".to_string()),
            ((t.influenced > 0) != (t.influenced_orders > 0))
                .then(|| "influenced revenue without influenced orders, or the other way".to_string()),
            (t.influenced < 0 || t.influenced > t.revenue || t.influenced_orders > t.orders)
                .then(|| "influenced revenue outside [0, revenue], or more influenced orders than orders".into()),
            (t.attributed_moments[0] < 0
                || t.influenced_moments[0] < 0
                || t.net_moments[0] < 0
                || t.net_moments[2] < 0)
                .then(|| "a negative sum of squares".to_string()),
        ];
        if let Some(m) = checks.into_iter().flatten().next() {
            return bad(m);
        }
        // Sums over visitors: (sum x)^2 <= (number of non-zero x) sum x^2, and
        // |sum x y| <= sqrt(sum x^2 sum y^2); every x is zero without an order.
        let squares_ok = |s: i64, sq: i128, n: u64| {
            sq >= 0 && (i128::from(s)).checked_mul(i128::from(s)).is_some_and(|s2| s2 <= sq.saturating_mul(n.into()))
        };
        let cross_ok = |xy: i128, xx: i128, yy: i128| {
            let (xy, xx, yy) = (xy as f64, xx as f64, yy as f64);
            xy * xy <= xx * yy * (1.0 + 1e-9) + 1.0
        };
        let in_range = |x: i128, lo: i128, hi: i128| x >= lo && x <= hi;
        let consistent = squares_ok(t.revenue, t.revenue_sq, t.orders)
            && squares_ok(t.margin, t.margin_sq, t.orders)
            && cross_ok(t.revenue_x_holdout, t.revenue_sq, h.revenue_sq)
            && cross_ok(t.margin_x_holdout, t.margin_sq, h.margin_sq)
            && in_range(t.revenue_x_holdout_order, 0, t.revenue.into())
            && in_range(t.order_x_holdout_revenue, 0, h.revenue.into());
        if !consistent {
            return bad("its sums of squares and cross-products do not fit its totals (an edited file?)".into());
        }
    }
    Ok(())
}

/// Every shard's tallies, checked and in replication order.
#[derive(Debug)]
pub struct Combined {
    /// The scenario the shards ran, validated.
    pub scenario: Scenario,
    /// All replications, sorted.
    pub replications: Vec<RepCounts>,
    /// The slowest shard's wall time (the run's wall time when shards ran in parallel).
    pub elapsed_seconds: f64,
    /// Threads over all shards.
    pub threads: usize,
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn shards_partition_the_replications() {
        for total in [1u32, 7, 100, 101] {
            for count in 1..=9 {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.replications(total);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("x").is_err());
        assert_eq!(Shard::parse("1/4").unwrap(), Shard { index: 1, count: 4 });
    }
}
