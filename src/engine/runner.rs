//! Runs replications in parallel (rayon over replications and chunks) with progress
//! and cancellation. Tallies are exact integers, so results do not depend on the
//! number of threads or on the order in which chunks finish.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::counts::RepCounts;
use super::scratch::Scratch;
use super::session::{SimPath, simulate_chunk};
use super::world::{Compiled, Realized};
use super::worlds::{Worlds, same_carts, simulate_chunk_worlds};
use crate::model::{Hold, Scenario};

/// Visitors per chunk: the unit of parallel work and of random streams. Changing it
/// changes which random numbers each visitor gets (not the distribution of results).
pub const CHUNK_VISITORS: u64 = 1 << 14;

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads; `None` uses rayon's global pool (one per core).
    pub threads: Option<usize>,
    /// Replications to compute (a shard); `None` means all of them.
    pub replications: Option<Range<u32>>,
    /// How visitors without a cart are simulated (both are exact in distribution).
    pub path: SimPath,
    /// Only the primary tallies are read (orders, revenue, margin and everything
    /// built on them; not the counts of what shoppers were shown and took before
    /// checkout, which [`crate::report::Metric::reads_shown_counts`] names): on the
    /// fast path a shopper who cannot complete under a strategy is then skipped under
    /// it, neither followed to the tier prompt nor sampled. Every primary tally is the
    /// same bit for bit; the shown and accepted counts before checkout are not
    /// estimates of anything and must not be read.
    pub primary_only: bool,
    /// No net figure is read (returns, handling and program costs per order; MODEL.md
    /// rules 18-19): the tallies only net figures need (`items_base`, `items_cross`,
    /// `cost_by_source`, `net_moments`, `orders_shown`) are left at 0 and must not be
    /// read. Every other tally is the same bit for bit.
    pub gross_only: bool,
    /// Only the metrics' values are read, not their standard errors or intervals (the
    /// optimizer ranks policies by their means): the second moments of the visitor's
    /// sums (`revenue_sq`, `margin_sq`, the cross-products with the holdout,
    /// `revenue_diff_pow4`, `attributed_moments`, `influenced_moments`, `net_moments`)
    /// are left at 0 and must not be read. Every other tally is the same bit for bit.
    pub means_only: bool,
}

/// A progress report, sent after each completed replication.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Replications finished so far.
    pub done: u32,
    /// Replications in this run.
    pub total: u32,
    /// Time since the run started.
    pub elapsed: Duration,
    /// The tallies of the replication that just finished.
    pub latest: RepCounts,
}

/// Why a run stopped without results.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The cancel flag was raised.
    #[error("the run was cancelled")]
    Cancelled,
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads ({reason}); ask for fewer with --threads")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// What the operating system said.
        reason: String,
    },
}

/// The raw result of a run: exact tallies per replication, in replication order.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Tallies, sorted by replication index.
    pub replications: Vec<RepCounts>,
    /// Wall time of the simulation.
    pub elapsed: Duration,
    /// Threads that ran it.
    pub threads: usize,
}

thread_local! {
    /// Each worker thread's scratch buffers, kept between chunks (and runs of the same
    /// size): they are cleared logically in O(1), and allocating them per chunk would
    /// cost more than simulating a chunk when the catalog is large.
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's scratch buffers, sized for the catalog and strategies.
fn with_scratch<R>(n_products: usize, n_strategies: usize, f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| {
        // Never re-entered (a chunk makes no rayon calls), but a fresh buffer is the
        // safe answer if it ever were.
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return f(&mut Scratch::new(n_products, n_strategies));
        };
        let fits = slot.as_ref().is_some_and(|s| s.fits(n_products, n_strategies));
        if !fits {
            *slot = Some(Scratch::new(n_products, n_strategies));
        }
        match slot.as_mut() {
            Some(s) => f(s),
            None => f(&mut Scratch::new(n_products, n_strategies)),
        }
    })
}

/// Runs the scenario. `progress` is called from worker threads after each
/// replication; `cancel` is checked between chunks.
pub fn run(
    sc: &Scenario,
    opts: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<RunOutput, RunError> {
    in_threads(opts.threads, || run_in_pool(sc, opts, progress, cancel))
}

/// Runs `work` in a pool of `threads` workers, or in rayon's global pool (one per
/// core) for `None`.
fn in_threads<R: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> Result<R, RunError> + Send,
) -> Result<R, RunError> {
    match threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| RunError::Threads { threads, reason: thread_error_text(&e) })?
            .install(work),
        None => work(),
    }
}

/// The cause of a failed thread-pool build, once (rayon's text repeats its source's).
fn thread_error_text(e: &rayon::ThreadPoolBuildError) -> String {
    use std::error::Error;
    let mut inner: &dyn Error = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    let text = inner.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn run_in_pool(
    sc: &Scenario,
    opts: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<RunOutput, RunError> {
    let start = Instant::now();
    let compiled = Compiled::new(sc).for_options(opts);
    let reps = opts.replications.clone().unwrap_or(0..sc.replications());
    let total = reps.len() as u32;
    let done = AtomicU32::new(0);
    let visitors = sc.visitors();
    let n_chunks = visitors.div_ceil(CHUNK_VISITORS);
    let n_products = sc.products.len();
    let n_strategies = sc.strategies.len();
    let results: Vec<Option<RepCounts>> = reps
        .into_par_iter()
        .map(|rep| {
            let world = Realized::draw(sc, rep);
            let counts = (0..n_chunks)
                .into_par_iter()
                .map(|chunk| {
                    if cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                    let first = chunk * CHUNK_VISITORS;
                    let n = CHUNK_VISITORS.min(visitors - first);
                    Some(with_scratch(n_products, n_strategies, |scratch| {
                        simulate_chunk(&compiled, &world, rep, chunk, n, opts.path, scratch)
                    }))
                })
                .try_reduce(|| RepCounts::new(rep, n_strategies), |a, b| Some(a.merge(&b)))?;
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(Progress { done: finished, total, elapsed: start.elapsed(), latest: counts.clone() });
            Some(counts)
        })
        .collect();
    if cancel.load(Ordering::Relaxed) || results.iter().any(Option::is_none) {
        return Err(RunError::Cancelled);
    }
    Ok(RunOutput {
        replications: results.into_iter().flatten().collect(),
        elapsed: start.elapsed(),
        threads: rayon::current_num_threads(),
    })
}

/// Runs `sc` once per entry of `holds`, with those inputs held ([`Scenario::hold`]
/// gives them; an empty list is `sc` as it is), on the same visitors: in each
/// replication, the worlds whose draws build the same carts ([`same_carts`]: every
/// held input is read only after the cart, as the acceptance rates, frictions,
/// eligibility and strategies' levers are) share each cart, and the stage-2 results
/// of worlds whose stage 2 reads the same draws. Each world's tallies are those of
/// [`run`] on `sc` with its holds, bit for bit (every stream is the same, and what is
/// shared is what each world would compute alike); worlds whose carts differ are
/// simulated on their own. Returns, per entry of `holds`, the tallies of the
/// replications `opts` asks for (all when `None`), in replication order; `progress`
/// hears replications done and the total.
pub fn run_held(
    sc: &Scenario,
    holds: &[Vec<Hold>],
    opts: &RunOptions,
    progress: &(dyn Fn(u32, u32) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<Vec<RepCounts>>, RunError> {
    let scs: Vec<Scenario> = holds.iter().map(|h| Scenario { held: h.clone(), ..sc.clone() }).collect();
    let work = || {
        let compiled: Vec<Compiled> = scs.iter().map(|sc| Compiled::new(sc).for_options(opts)).collect();
        let reps = opts.replications.clone().unwrap_or(0..sc.replications());
        let total = reps.len() as u32;
        let done = AtomicU32::new(0);
        let visitors = sc.visitors();
        let n_chunks = visitors.div_ceil(CHUNK_VISITORS);
        let (n_products, n_strategies) = (sc.products.len(), sc.strategies.len());
        let results: Vec<Option<Vec<RepCounts>>> = reps
            .into_par_iter()
            .map(|rep| {
                let drawn: Vec<Realized> = scs.iter().map(|sc| Realized::draw(sc, rep)).collect();
                let mut out: Vec<Option<RepCounts>> = vec![None; scs.len()];
                // Worlds with the same carts as the first world not yet placed, in turn.
                let mut left: Vec<usize> = (0..scs.len()).collect();
                while let Some(&first) = left.first() {
                    let (group, rest): (Vec<usize>, Vec<usize>) =
                        left.iter().partition(|&&j| same_carts(&drawn[first], &drawn[j]));
                    left = rest;
                    let ws = Worlds::new(group.iter().map(|&j| (&compiled[j], &drawn[j])).collect());
                    let counts = (0..n_chunks)
                        .into_par_iter()
                        .map(|chunk| {
                            if cancel.load(Ordering::Relaxed) {
                                return None;
                            }
                            let n = CHUNK_VISITORS.min(visitors - chunk * CHUNK_VISITORS);
                            Some(with_scratch(n_products, n_strategies, |scratch| {
                                simulate_chunk_worlds(&ws, rep, chunk, n, opts.path, scratch)
                            }))
                        })
                        .try_reduce(
                            || group.iter().map(|_| RepCounts::new(rep, n_strategies)).collect(),
                            |a: Vec<RepCounts>, b| Some(a.into_iter().zip(&b).map(|(a, b)| a.merge(b)).collect()),
                        )?;
                    for (&j, c) in group.iter().zip(counts) {
                        out[j] = Some(c);
                    }
                }
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                out.into_iter().collect::<Option<Vec<RepCounts>>>()
            })
            .collect();
        if cancel.load(Ordering::Relaxed) || results.iter().any(Option::is_none) {
            return Err(RunError::Cancelled);
        }
        let mut per_world: Vec<Vec<RepCounts>> = vec![Vec::with_capacity(total as usize); scs.len()];
        for rep in results.into_iter().flatten() {
            for (w, c) in per_world.iter_mut().zip(rep) {
                w.push(c);
            }
        }
        Ok(per_world)
    };
    in_threads(opts.threads, work)
}

/// Simulates separate groups of visitors in each replication's world (the arms and
/// days of an A/B test): group `g`, `groups[g] = (i, n)`, has `n` visitors simulated
/// under scenario `scs[i]`, with random streams of its own (chunks numbered after the
/// previous groups'), so groups are independent samples of the same world, as a real
/// test's arms are. The scenarios differ only in their strategies (an arm runs only
/// the strategies it reads): every world fact and strategy draws from streams named
/// after it, so each strategy's tallies are those it gets beside any other. Returns,
/// per replication in `opts.replications` (all when `None`), each group's tallies;
/// `progress` hears replications done and the total.
pub fn run_groups(
    scs: &[&Scenario],
    groups: &[(usize, u64)],
    opts: &RunOptions,
    progress: &(dyn Fn(u32, u32) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<Vec<RepCounts>>, RunError> {
    let work = || {
        let compiled: Vec<Compiled> = scs.iter().map(|sc| Compiled::new(sc).for_options(opts)).collect();
        let reps = opts.replications.clone().unwrap_or(0..scs.first().map_or(0, |sc| sc.replications()));
        let total = reps.len() as u32;
        let done = AtomicU32::new(0);
        let mut first_chunk = Vec::with_capacity(groups.len());
        let mut next = 0u64;
        for &(_, n) in groups {
            first_chunk.push(next);
            next += n.div_ceil(CHUNK_VISITORS);
        }
        let results: Vec<Option<Vec<RepCounts>>> = reps
            .into_par_iter()
            .map(|rep| {
                let worlds: Vec<Realized> = scs.iter().map(|sc| Realized::draw(sc, rep)).collect();
                let groups = groups
                    .par_iter()
                    .zip(&first_chunk)
                    .map(|(&(i, n), &first)| {
                        let (sc, c, world) = (scs[i], &compiled[i], &worlds[i]);
                        let (n_products, n_strategies) = (sc.products.len(), sc.strategies.len());
                        let mut acc = RepCounts::new(rep, n_strategies);
                        for chunk in 0..n.div_ceil(CHUNK_VISITORS) {
                            if cancel.load(Ordering::Relaxed) {
                                return None;
                            }
                            let m = CHUNK_VISITORS.min(n - chunk * CHUNK_VISITORS);
                            let part = with_scratch(n_products, n_strategies, |scratch| {
                                simulate_chunk(c, world, rep, first + chunk, m, opts.path, scratch)
                            });
                            acc = acc.merge(&part);
                        }
                        Some(acc)
                    })
                    .collect::<Option<Vec<RepCounts>>>()?;
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                Some(groups)
            })
            .collect();
        if cancel.load(Ordering::Relaxed) || results.iter().any(Option::is_none) {
            return Err(RunError::Cancelled);
        }
        Ok(results.into_iter().flatten().collect())
    };
    in_threads(opts.threads, work)
}
