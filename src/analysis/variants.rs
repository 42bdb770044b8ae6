//! Strategy variants run together: a sweep's lever points and the optimizer's
//! candidates are strategies run beside some of the scenario's own on the same
//! visitors and the same draws of the world (common random numbers), so a difference
//! between two of them is their levers', not luck.
//!
//! A variant may stand for one of the scenario's strategies ([`Variant::draws_as`]): it
//! then draws every uncertain lever (the registry's uncertain lever fields, listed by
//! [`crate::model::Strategy::inputs`]) from that strategy's random streams, so a lever
//! point of a strategy whose friction reduction is uncertain sees the same friction
//! reduction in each replication as the strategy itself.

use std::ops::Range;
use std::sync::atomic::AtomicBool;

use crate::engine::{Progress, RepCounts, RunError, RunOptions};
use crate::model::{FieldError, Limits, Scenario, ScenarioSpec, StrategySpec};

/// A strategy to run beside the scenario's own.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Its levers (the name is replaced by one unique in the run).
    pub levers: StrategySpec,
    /// The scenario strategy it stands for: it draws every uncertain lever as that
    /// strategy does. `None`: draws of its own.
    pub draws_as: Option<usize>,
}

/// One engine pass of a run of variants.
#[derive(Debug)]
pub struct Pass {
    /// Which pass (0-based) of how many.
    pub index: usize,
    /// Passes in the whole run.
    pub of: usize,
    /// The scenario it ran: the kept strategies first, then its variants.
    pub scenario: Scenario,
    /// The variants it ran (indices into the caller's list).
    pub variants: Range<usize>,
    /// Where its first variant is among the scenario's strategies.
    pub offset: usize,
}

impl Pass {
    /// The share of the whole run done when this pass is `p` of the way through.
    pub fn share_done(&self, p: &Progress) -> f64 {
        (self.index as f64 + f64::from(p.done) / f64::from(p.total.max(1))) / self.of.max(1) as f64
    }
}

/// Why variants could not run.
#[derive(Debug, thiserror::Error)]
pub enum VariantsError {
    /// A pass's strategies are invalid (a variant's levers, or money totals).
    #[error("{}", .errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// Which pass (0-based).
        pass: usize,
        /// What is wrong.
        errors: Vec<FieldError>,
    },
    /// The engine stopped.
    #[error(transparent)]
    Run(#[from] RunError),
}

/// Runs `variants` beside the scenario's strategies `keep` (first in every pass, in
/// that order), as many variants per pass as the strategy limit allows, every pass
/// with the scenario's seed or `seed` and the replications `opts` asks for.
/// `progress` hears each replication of each pass; `done` gets each pass's tallies as
/// it ends (replications sorted by index).
#[allow(clippy::too_many_arguments)]
pub fn run(
    sc: &Scenario,
    spec: &ScenarioSpec,
    keep: &[usize],
    variants: &[Variant],
    seed: Option<u64>,
    opts: &RunOptions,
    progress: &(dyn Fn(&Pass, &Progress) + Sync),
    done: &mut dyn FnMut(&Pass, Vec<RepCounts>),
    cancel: &AtomicBool,
) -> Result<(), VariantsError> {
    let per_pass = Limits::default().max_strategies.saturating_sub(keep.len()).max(1);
    let of = variants.len().div_ceil(per_pass).max(1);
    let kept: Vec<StrategySpec> = keep.iter().map(|&k| spec.strategies[k].clone()).collect();
    for index in 0..of {
        let range = index * per_pass..((index + 1) * per_pass).min(variants.len());
        let mut list = kept.clone();
        for (j, v) in variants[range.clone()].iter().enumerate() {
            let name = format!("variant {} of {}", range.start + j + 1, variants.len());
            list.push(StrategySpec { name, ..v.levers.clone() });
        }
        let mut scenario =
            sc.with_strategies(spec, &list).map_err(|errors| VariantsError::Invalid { pass: index, errors })?;
        for (v, st) in variants[range.clone()].iter().zip(&mut scenario.strategies[keep.len()..]) {
            if let Some(k) = v.draws_as {
                st.draw_as(&spec.strategies[k].name);
            }
        }
        if let Some(s) = seed {
            scenario.store.seed = s;
        }
        let pass = Pass { index, of, scenario, variants: range, offset: keep.len() };
        let tallies = crate::engine::run(&pass.scenario, opts, &|p| progress(&pass, &p), cancel)?.replications;
        done(&pass, tallies);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, Param};

    fn article() -> (ScenarioSpec, Scenario) {
        let mut spec = crate::io::article_spec();
        spec.store.visitors = 2_000;
        spec.store.replications = 4;
        let sc = Scenario::from_spec(spec.clone()).unwrap();
        (spec, sc)
    }

    /// A variant that stands for a strategy, with that strategy's own levers, gives
    /// its tallies exactly, whatever its place: every uncertain lever drawn alike.
    #[test]
    fn a_variant_standing_for_a_strategy_reproduces_it_exactly() {
        let (mut spec, _) = article();
        let k = spec.strategies.iter().position(|s| !s.holdout).unwrap();
        spec.strategies[k].checkout.friction_reduction = Param::Dist(Dist::Uniform { min: 0.0, max: 0.5 });
        let sc = Scenario::from_spec(spec.clone()).unwrap();
        let same = Variant { levers: spec.strategies[k].clone(), draws_as: Some(k) };
        let own = Variant { levers: spec.strategies[k].clone(), draws_as: None };
        let keep: Vec<usize> = (0..spec.strategies.len()).collect();
        let mut got = Vec::new();
        run(
            &sc,
            &spec,
            &keep,
            &[own, same],
            None,
            &RunOptions::default(),
            &|_, _| {},
            &mut |pass, t| got.push((pass.offset, t)),
            &AtomicBool::new(false),
        )
        .unwrap();
        let (offset, tallies) = &got[0];
        for r in tallies {
            assert_eq!(r.strategies[offset + 1], r.strategies[k], "drawn as the strategy: its tallies");
        }
        assert!(
            tallies.iter().any(|r| r.strategies[*offset] != r.strategies[k]),
            "drawn on its own stream, an uncertain lever differs"
        );
    }
}
