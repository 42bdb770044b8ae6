//! `aovlab bench`: engine throughput in visitor-sessions per second (visitors x
//! strategies / wall seconds), after a short warm-up.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use crate::engine::{self, RunOptions};

/// Arguments of `bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Scenario and run settings.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Timed repetitions; the best is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeat: u32,
    /// Write the figures as JSON to PATH or `-`.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

/// What the benchmark measured.
#[derive(Debug, Serialize)]
pub struct BenchResult {
    /// Scenario name.
    pub scenario: String,
    /// Worker threads.
    pub threads: usize,
    /// Strategies evaluated per visitor.
    pub strategies: usize,
    /// Visitors x replications x strategies per repetition.
    pub visitor_sessions: u64,
    /// Best wall time of one repetition.
    pub best_seconds: f64,
    /// visitor_sessions / best_seconds.
    pub visitor_sessions_per_second: f64,
    /// visitor_sessions_per_second / threads.
    pub visitor_sessions_per_second_per_thread: f64,
    /// `counted` (the default) or `per-visitor` (`--plain`).
    pub path: &'static str,
}

/// Runs the benchmark.
pub fn bench(a: &BenchArgs) -> Result<(), Failure> {
    let prepared = a.sim.scenario()?;
    let (sc, inputs) = (&prepared.scenario, &prepared.files);
    if let Some(p) = &a.json {
        check_outputs(&[("--json", p)], inputs)?;
    }
    let opts = a.sim.options(None);
    let cancel = AtomicBool::new(false);
    let warm = RunOptions { replications: Some(0..1), ..opts.clone() };
    engine::run(sc, &warm, &|_| {}, &cancel).context("warm-up run")?;
    let mut best = f64::INFINITY;
    let mut threads = 0;
    for _ in 0..a.repeat {
        let t = Instant::now();
        let out = engine::run(sc, &opts, &|_| {}, &cancel).context("benchmark run")?;
        best = best.min(t.elapsed().as_secs_f64());
        threads = out.threads;
    }
    let sessions = sc.visitors() * u64::from(sc.replications()) * sc.strategies.len() as u64;
    let rate = sessions as f64 / best;
    let r = BenchResult {
        scenario: sc.name.clone(),
        threads,
        strategies: sc.strategies.len(),
        visitor_sessions: sessions,
        best_seconds: best,
        visitor_sessions_per_second: rate,
        visitor_sessions_per_second_per_thread: rate / threads.max(1) as f64,
        path: match a.sim.engine_path() {
            crate::engine::SimPath::Fast => "fast",
            crate::engine::SimPath::Counted => "counted",
            crate::engine::SimPath::PerVisitor => "per-visitor",
        },
    };
    match &a.json {
        Some(p) => write_output(p, &serde_json::to_string_pretty(&r).context("serialising")?)?,
        None => print_stdout(&format!(
            "scenario: {}\nthreads: {}\npath: {}\nstrategies: {}\nvisitor_sessions: {}\nbest_seconds: {:.4}\n\
             visitor_sessions_per_second: {:.0}\nvisitor_sessions_per_second_per_thread: {:.0}\n",
            crate::format::printable(&r.scenario),
            r.threads,
            r.path,
            r.strategies,
            r.visitor_sessions,
            r.best_seconds,
            r.visitor_sessions_per_second,
            r.visitor_sessions_per_second_per_thread
        ))?,
    }
    Ok(())
}
