//! From exact tallies to the metrics of MODEL.md: per replication (with
//! delta-method standard errors), computed once as each replication arrives
//! ([`replication`]), and summarised across replications ([`summarize_replications`]).
//! No I/O, no front end. [`Metric`] names every metric once.

pub mod claims;
pub mod metric;
pub mod net;
mod within;

use serde::{Deserialize, Serialize};

pub use metric::{Levels, Lifts, Metric};
pub use within::replication_metrics;

use crate::engine::counts::RepCounts;
use crate::engine::{RunError, RunOptions};
use crate::model::Scenario;
use crate::stats::{Estimate, LiftSummary, Summary};

/// Revenue split by where it came from, per visitor in currency units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sources<T> {
    /// Intended carts of completed orders, before discount.
    pub base_cart: T,
    /// Accepted pre-checkout suggestions.
    pub cross_sell: T,
    /// Loyalty-tier top-ups.
    pub tier_top_ups: T,
    /// Accepted post-checkout offers.
    pub post_checkout: T,
    /// Checkout discounts (negative).
    pub discounts: T,
    /// Free-shipping top-ups (MODEL.md rule 22), at list price.
    #[serde(default)]
    pub shipping_top_ups: T,
    /// Shipping fees paid.
    #[serde(default)]
    pub shipping_fees: T,
}

impl Sources<f64> {
    /// The parts in display order with their labels.
    pub fn parts(&self) -> [(&'static str, f64); 7] {
        [
            ("base cart", self.base_cart),
            ("cross-sell", self.cross_sell),
            ("tier top-ups", self.tier_top_ups),
            ("shipping top-ups", self.shipping_top_ups),
            ("post-checkout", self.post_checkout),
            ("discounts", self.discounts),
            ("shipping fees", self.shipping_fees),
        ]
    }
}

/// One strategy's metrics in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyRep {
    /// Revenue in cents (exact; comparisons between strategies use it).
    pub revenue_cents: i64,
    /// Each level metric (money in currency units).
    pub levels: Levels<Estimate>,
    /// Revenue per visitor by source.
    pub sources: Sources<f64>,
    /// Against the holdout (`None` for the holdout itself).
    pub vs: Option<VsRep>,
}

/// One strategy against the holdout in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct VsRep {
    /// Each comparison with the holdout (the RPV lift at equal visitors).
    pub lifts: Lifts<Estimate>,
    /// ln(CR_s / CR_h).
    pub log_conversion: Option<f64>,
    /// ln(AOV_s / AOV_h).
    pub log_aov: Option<f64>,
    /// The RPV lift split into its conversion part and its AOV part, in the lift's own
    /// unit (they add up to it exactly): each log part scaled by rpv_lift / ln(1 +
    /// rpv_lift).
    pub rpv_parts: Option<[f64; 2]>,
    /// Change in revenue per visitor by source.
    pub sources: Sources<f64>,
}

/// Each level metric of a strategy summarised across replications (pre-checkout,
/// tier-prompt and post-checkout acceptance are null when never shown).
pub type Metrics = Levels<Summary>;

/// The decomposition of RPV lift into its conversion and AOV effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogDecomposition {
    /// The conversion effect: ln(CR_s / CR_h) in `log_decomposition`; in
    /// `rpv_decomposition` its share of the RPV lift.
    pub conversion: Option<Summary>,
    /// The AOV effect, likewise.
    pub aov: Option<Summary>,
}

/// One strategy against the holdout, across replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VsHoldout {
    /// Each comparison (the annual GMV impact in currency units), its keys beside
    /// the others in the JSON report.
    #[serde(flatten)]
    pub lifts: Lifts<LiftSummary>,
    /// ln(RPV_s/RPV_h) = conversion + aov.
    pub log_decomposition: LogDecomposition,
    /// The RPV lift as the sum of a conversion part and an AOV part, in the lift's
    /// unit (0.15 = +15% of revenue per visitor): each log part scaled by rpv_lift /
    /// ln(1 + rpv_lift) in each replication, so the parts add up to the lift.
    pub rpv_decomposition: LogDecomposition,
    /// Change in revenue per visitor by source (sums to the RPV change).
    pub revenue_by_source: Sources<Option<Summary>>,
}

/// The probability that this strategy's RPV beats another's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Beats {
    /// The other strategy.
    pub strategy: String,
    /// Share of replications where this strategy's RPV is strictly higher.
    pub probability: f64,
}

/// One strategy's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrategyReport {
    /// Name.
    pub name: String,
    /// Whether it is the holdout.
    pub is_holdout: bool,
    /// Metrics across replications.
    pub metrics: Metrics,
    /// Revenue per visitor by source.
    pub revenue_by_source: Sources<Option<Summary>>,
    /// Against the holdout (null for the holdout).
    pub vs_holdout: Option<VsHoldout>,
    /// P(RPV of this strategy > RPV of each other strategy).
    pub prob_beats_on_rpv: Vec<Beats>,
}

/// Summaries of a whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Currency code.
    pub currency: String,
    /// Baseline annual GMV.
    pub annual_gmv: f64,
    /// Seed.
    pub seed: u64,
    /// Replications summarised.
    pub replications: u32,
    /// Visitors per replication.
    pub visitors_per_replication: u64,
    /// Wall time of the simulation.
    pub elapsed_seconds: f64,
    /// Visitors x strategies x replications / elapsed seconds.
    pub visitor_sessions_per_second: f64,
    /// Worker threads.
    pub threads: usize,
    /// Per strategy, in scenario order.
    pub strategies: Vec<StrategyReport>,
    /// The claims of the scenario's question set with the share of replications in
    /// which each holds, when the scenario has the strategies of one (see
    /// [`claims::SETS`]: the article's claims, the free-shipping questions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<claims::ClaimReport>,
    /// The title of that question set ("The article's claims").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub claims_title: String,
}

/// One replication's metrics, every strategy's, computed once from its tallies.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// Replication index (0-based).
    pub index: u32,
    /// Visitors simulated.
    pub visitors: u64,
    /// Per strategy, in scenario order.
    pub strategies: Vec<StrategyRep>,
}

/// The metrics of one replication.
pub fn replication(sc: &Scenario, rep: &RepCounts) -> Replication {
    Replication { index: rep.replication, visitors: rep.visitors, strategies: replication_metrics(sc, rep) }
}

/// Summarises replications' tallies (any order; they are sorted by index first).
pub fn summarize(sc: &Scenario, reps: &[RepCounts], elapsed_seconds: f64, threads: usize) -> Report {
    let reps: Vec<Replication> = reps.iter().map(|r| replication(sc, r)).collect();
    summarize_replications(sc, &reps, elapsed_seconds, threads)
}

/// Runs a scenario to completion with no progress reporting and summarises it.
pub fn run_and_summarize(sc: &Scenario, opts: &RunOptions) -> Result<Report, RunError> {
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let out = crate::engine::run(sc, opts, &|_| {}, &cancel)?;
    Ok(summarize(sc, &out.replications, out.elapsed.as_secs_f64(), out.threads))
}

/// Summarises replications' metrics (any order; they are sorted by index first).
pub fn summarize_replications(sc: &Scenario, reps: &[Replication], elapsed_seconds: f64, threads: usize) -> Report {
    let mut reps: Vec<&Replication> = reps.iter().collect();
    reps.sort_by_key(|r| r.index);
    let n_s = sc.strategies.len();
    let strategies = (0..n_s)
        .map(|k| {
            let col = || reps.iter().map(move |r| &r.strategies[k]);
            let sum = |m: Metric| Summary::of(col().map(|r| m.estimate(r)));
            let metrics = Metrics::from_fn(sum);
            let plain = |f: &dyn Fn(&StrategyRep) -> Option<f64>| {
                Summary::of(col().map(|r| f(r).map(|value| Estimate::wald(value, 0.0))))
            };
            let by_source = |of: &dyn Fn(&StrategyRep) -> Option<&Sources<f64>>| Sources {
                base_cart: plain(&|r| of(r).map(|s| s.base_cart)),
                cross_sell: plain(&|r| of(r).map(|s| s.cross_sell)),
                tier_top_ups: plain(&|r| of(r).map(|s| s.tier_top_ups)),
                post_checkout: plain(&|r| of(r).map(|s| s.post_checkout)),
                discounts: plain(&|r| of(r).map(|s| s.discounts)),
                shipping_top_ups: plain(&|r| of(r).map(|s| s.shipping_top_ups)),
                shipping_fees: plain(&|r| of(r).map(|s| s.shipping_fees)),
            };
            let revenue_by_source = by_source(&|r| Some(&r.sources));
            let vs_holdout = (k != sc.holdout).then(|| {
                let lift = |m: Metric| LiftSummary::of(col().map(|r| m.estimate(r)));
                let vs = |f: &dyn Fn(&VsRep) -> Option<f64>| plain(&|r| r.vs.as_ref().and_then(f));
                VsHoldout {
                    lifts: Lifts::from_fn(lift),
                    log_decomposition: LogDecomposition {
                        conversion: vs(&|v| v.log_conversion),
                        aov: vs(&|v| v.log_aov),
                    },
                    rpv_decomposition: LogDecomposition {
                        conversion: vs(&|v| v.rpv_parts.map(|p| p[0])),
                        aov: vs(&|v| v.rpv_parts.map(|p| p[1])),
                    },
                    revenue_by_source: by_source(&|r| r.vs.as_ref().map(|v| &v.sources)),
                }
            });
            let prob_beats_on_rpv = (0..n_s)
                .filter(|&j| j != k)
                .map(|j| {
                    let wins = reps.iter().filter(|r| r.strategies[k].revenue_cents > r.strategies[j].revenue_cents);
                    Beats {
                        strategy: sc.strategies[j].name().to_string(),
                        probability: wins.count() as f64 / reps.len().max(1) as f64,
                    }
                })
                .collect();
            StrategyReport {
                name: sc.strategies[k].name().to_string(),
                is_holdout: k == sc.holdout,
                metrics,
                revenue_by_source,
                vs_holdout,
                prob_beats_on_rpv,
            }
        })
        .collect();
    let sessions = reps.iter().map(|r| r.visitors).sum::<u64>() as f64 * n_s as f64;
    let names: Vec<&str> = sc.strategies.iter().map(|s| s.name()).collect();
    let (claims_title, claims) = claims::answered(&names, &reps, sc.has_returns() || sc.has_costs())
        .map_or((String::new(), Vec::new()), |(t, c)| (t.to_string(), c));
    Report {
        scenario: sc.name.clone(),
        currency: sc.store.currency.clone(),
        annual_gmv: sc.store.annual_gmv,
        seed: sc.seed(),
        replications: reps.len() as u32,
        visitors_per_replication: sc.visitors(),
        elapsed_seconds,
        visitor_sessions_per_second: if elapsed_seconds > 0.0 { sessions / elapsed_seconds } else { 0.0 },
        threads,
        claims,
        claims_title,
        strategies,
    }
}

impl Report {
    /// The strategy called `name`.
    pub fn strategy(&self, name: &str) -> Option<&StrategyReport> {
        self.strategies.iter().find(|s| s.name == name)
    }
}

/// The report's summary for a presenter file, saved at `saved` (RFC 3339).
pub fn presented(r: &Report, saved: String) -> crate::model::PresentedResults {
    crate::model::PresentedResults {
        app_version: crate::version::LONG.to_string(),
        saved,
        seed: r.seed,
        replications: r.replications,
        visitors: r.visitors_per_replication,
        strategies: r
            .strategies
            .iter()
            .map(|s| crate::model::PresentedStrategy {
                name: s.name.clone(),
                means: Metric::ALL.iter().filter_map(|m| Some((m.name().to_string(), m.summary(s)?.mean))).collect(),
            })
            .collect(),
    }
}

/// Whether a run reproduces saved results: `Ok` when every saved mean equals the
/// report's exactly (same seed, replications and visitors), else what differs.
pub fn reproduces(saved: &crate::model::PresentedResults, r: &Report) -> Result<(), Vec<String>> {
    let mut diffs = Vec::new();
    if (saved.seed, saved.replications, saved.visitors) != (r.seed, r.replications, r.visitors_per_replication) {
        diffs.push(format!(
            "the run has seed {}, {} replications of {} visitors; the saved results seed {}, {} of {}",
            r.seed, r.replications, r.visitors_per_replication, saved.seed, saved.replications, saved.visitors
        ));
        return Err(diffs);
    }
    let now = presented(r, String::new());
    if now.strategies.len() != saved.strategies.len() {
        diffs.push(format!("{} strategies now, {} saved", now.strategies.len(), saved.strategies.len()));
    }
    for (a, b) in saved.strategies.iter().zip(&now.strategies) {
        if a.name != b.name {
            diffs.push(format!("strategy `{}` is now `{}`", a.name, b.name));
            continue;
        }
        for (k, v) in &a.means {
            match b.means.get(k) {
                Some(w) if w == v => {}
                Some(w) => diffs.push(format!("{}: {k} {v} saved, {w} now", a.name)),
                None => diffs.push(format!("{}: {k} saved but undefined now", a.name)),
            }
        }
    }
    if diffs.is_empty() { Ok(()) } else { Err(diffs) }
}
