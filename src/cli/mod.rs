//! The `aovlab` command: argument parsing and dispatch. One file per subcommand.

mod bench;
mod impact;
mod merge;
mod run;
mod table;
mod validate;

use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::io::scenario_file::{self, EMBEDDED_NAME, ScenarioError};
use crate::model::{Scenario, ScenarioSpec};

/// How a command failed: bad input (exit 2) or an internal failure (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The user's input (a file, a flag) is wrong.
    #[error("{0}")]
    BadInput(String),
    /// Something failed that the user's input does not explain.
    #[error("{0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

/// Monte Carlo shopper simulations: conversion-optimized vs AOV-optimized personalization.
#[derive(Debug, Parser)]
#[command(name = "aovlab", version, about, long_about = None)]
pub struct Cli {
    /// What to do; with none, the desktop app opens (when built with the `gui` feature).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and print the comparison table.
    Run(run::RunArgs),
    /// Check scenario files; print every error and exit 2 if any is invalid.
    Validate(validate::ValidateArgs),
    /// Annual GMV impact of an AOV (and conversion) lift.
    Impact(impact::ImpactArgs),
    /// Measure engine throughput in visitor-sessions per second.
    Bench(bench::BenchArgs),
    /// Combine partial results of `run --shard I/N` into one report.
    Merge(merge::MergeArgs),
    /// Open the desktop app, optionally on a scenario file.
    #[cfg(feature = "gui")]
    Gui(crate::gui::GuiArgs),
}

/// Parses `std::env::args` and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Some(Command::Run(a)) => run::run(&a),
        Some(Command::Validate(a)) => validate::validate(&a),
        Some(Command::Impact(a)) => impact::impact(&a),
        Some(Command::Bench(a)) => bench::bench(&a),
        Some(Command::Merge(a)) => merge::merge(&a),
        #[cfg(feature = "gui")]
        Some(Command::Gui(a)) => crate::gui::run_app(&a),
        #[cfg(feature = "gui")]
        None => crate::gui::GuiArgs::plain()
            .map_err(|e| Failure::Internal(anyhow::anyhow!("the app's default arguments: {e}")))
            .and_then(|a| crate::gui::run_app(&a)),
        #[cfg(not(feature = "gui"))]
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            eprintln!("\nThis build has no desktop app (built without the `gui` feature).");
            Err(Failure::BadInput("no command given".into()))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Internal(e)) => {
            eprintln!("internal error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Reads `file` (with its CSV catalog), or the embedded article scenario when `None`,
/// applies `tweak` to its file form and validates it.
pub fn load_with(file: Option<&Path>, tweak: impl FnOnce(&mut ScenarioSpec)) -> Result<Scenario, ScenarioError> {
    let mut loaded = match file {
        Some(p) => scenario_file::load(p)?,
        None => scenario_file::Loaded::parse(scenario_file::ARTICLE_TOML.to_string(), EMBEDDED_NAME, None)?,
    };
    tweak(&mut loaded.spec);
    loaded.validate()
}

/// The scenario and run settings shared by `run` and `bench`.
#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Scenario file (TOML); the embedded article scenario when omitted.
    pub file: Option<std::path::PathBuf>,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override the number of replications.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: Option<u32>,
    /// Override the visitors per replication.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub visitors: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Which work the engine skips; every path gives orders, revenue, margin and the
    /// metrics built on them the same distribution (docs/performance.md). `fast`:
    /// count carts per segment and skip a strategy for shoppers who cannot complete
    /// under it (their shown and accepted counts are estimated); `counted`: the same
    /// random numbers with every shopper under every strategy; `per-visitor`: the
    /// reference, every visitor one by one.
    #[arg(long, value_enum, default_value_t = PathArg::Fast)]
    pub path: PathArg,
    /// Shorthand for `--path per-visitor`.
    #[arg(long, conflicts_with = "path")]
    pub plain: bool,
}

/// The engine paths, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PathArg {
    /// Counted carts, strategies skipped where the shopper cannot complete.
    Fast,
    /// Counted carts, every shopper under every strategy.
    Counted,
    /// Every visitor one by one, every shopper under every strategy.
    PerVisitor,
}

impl SimArgs {
    /// Reads, overrides and validates the scenario.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        load_with(self.file.as_deref(), |spec| {
            if let Some(s) = self.seed {
                spec.store.seed = s;
            }
            if let Some(r) = self.replications {
                spec.store.replications = r;
            }
            if let Some(v) = self.visitors {
                spec.store.visitors = v;
            }
        })
    }

    /// Engine options for these flags, over `replications` (`None`: all).
    pub fn options(&self, replications: Option<std::ops::Range<u32>>) -> crate::engine::RunOptions {
        crate::engine::RunOptions { threads: self.threads.map(|t| t as usize), replications, path: self.engine_path() }
    }

    /// The engine path these flags select.
    pub fn engine_path(&self) -> crate::engine::Path {
        use crate::engine::Path;
        match (self.plain, self.path) {
            (true, _) | (false, PathArg::PerVisitor) => Path::PerVisitor,
            (false, PathArg::Counted) => Path::Counted,
            (false, PathArg::Fast) => Path::Fast,
        }
    }
}

/// Writes `text` to `path` atomically, or to stdout when `path` is `-`.
pub fn write_output(path: &Path, text: &str) -> Result<(), Failure> {
    if path.as_os_str() == "-" {
        println!("{text}");
        return Ok(());
    }
    scenario_file::save_text(path, text)
        .map_err(|e| Failure::BadInput(format!("{}: cannot write: {e}", path.display())))
}
