//! The `aovlab` command: argument parsing and dispatch. One file per subcommand.

mod bench;
mod claim;
mod compare;
mod fields;
#[cfg(feature = "gui")]
mod gui;
mod impact;
mod import;
mod install;
mod learn;
mod merge;
mod monitor;
mod optimize;
mod plan;
mod report;
mod run;
mod seek;
mod sensitivity;
mod set;
mod sweep;
mod table;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::io::files;
use crate::io::scenario_file::{self, EMBEDDED_NAME, ScenarioError};
use crate::model::{FieldId, Scenario};

/// How a command failed: bad input (exit 2), an internal failure (exit 1), or the
/// reader of standard output went away (exit 0, quietly, as Unix tools do).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The user's input (a file, a flag) is wrong.
    #[error("{0}")]
    BadInput(String),
    /// Something failed that the user's input does not explain.
    #[error("{0:#}")]
    Internal(#[from] anyhow::Error),
    /// Standard output was closed (`aovlab run --json - | head`).
    #[error("standard output was closed")]
    ClosedPipe,
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

impl From<crate::io::partial::MergeError> for Failure {
    fn from(e: crate::io::partial::MergeError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

/// Monte Carlo shopper simulations: conversion-optimized vs AOV-optimized personalization.
#[derive(Debug, Parser)]
#[command(name = "aovlab", version = crate::version::LONG, about, long_about = None)]
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
    /// Edit fields of a scenario file in place, keeping its comments and layout.
    Set(set::SetArgs),
    /// Vary one or two fields over a range; every strategy's metrics at each point.
    Sweep(sweep::SweepArgs),
    /// Which uncertain input moves an outcome most, and which would flip a decision.
    Sensitivity(sensitivity::SensitivityArgs),
    /// The best levers for an objective, under constraints, and the conversion-AOV
    /// frontier of every policy tried.
    Optimize(optimize::OptimizeArgs),
    /// Plan the holdout test of a strategy: power, days needed, detectable effect,
    /// revenue forgone, and what the test and the uncertainty are worth.
    PlanHoldout(plan::PlanArgs),
    /// Read a running holdout test's daily results: each day's lifts with
    /// always-valid intervals, and whether to stop.
    Monitor(monitor::MonitorArgs),
    /// Learn from a finished holdout test: the scenario's uncertain inputs updated by
    /// what it observed, the decision before and after, and the updated scenario.
    Learn(learn::LearnArgs),
    /// What would it take: the value of an input or lever at which an outcome reaches
    /// a target, and how likely that value is under the scenario's assumptions.
    Seek(seek::SeekArgs),
    /// Check a claim (a vendor's case study, an article's figure) against a scenario:
    /// how likely it is here, what each uncertain input would need to be, and the
    /// claim read as a holdout measures it and as a vendor reports it.
    Claim(claim::ClaimArgs),
    /// Run a scenario and write the board report: one self-contained HTML file with
    /// a summary, the results, every chart, the assumptions and the method.
    Report(report::ReportArgs),
    /// Two scenarios side by side: the assumptions that differ, field by field, and
    /// both results with their differences.
    Compare(compare::CompareArgs),
    /// Import a product export (Shopify, WooCommerce or any CSV) into a scenario,
    /// with a preview of what was read, skipped and assumed.
    ImportCatalog(import::ImportCatalogArgs),
    /// Calibrate a scenario from order history (baskets, order values, categories,
    /// complements, spend to date) and show how well it reproduces the orders.
    Calibrate(import::CalibrateArgs),
    /// List every scenario field: path, label, unit, allowed range, default, help.
    Fields(fields::FieldsArgs),
    /// Open the desktop app, optionally on a scenario file.
    #[cfg(feature = "gui")]
    Gui(gui::GuiArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(install::CompletionsArgs),
    /// Write the man pages (aovlab.1 and one per command) into a folder.
    Manpages(install::ManpagesArgs),
}

/// Parses `std::env::args` and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if e.use_stderr() => {
            // clap quotes what was typed: make control characters visible.
            print_error(e.render().to_string().trim_end());
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let result = match cli.command {
        Some(Command::Run(a)) => run::run(&a),
        Some(Command::Validate(a)) => validate::validate(&a),
        Some(Command::Impact(a)) => impact::impact(&a),
        Some(Command::Bench(a)) => bench::bench(&a),
        Some(Command::Merge(a)) => merge::merge(&a),
        Some(Command::Set(a)) => set::set(&a),
        Some(Command::Fields(a)) => fields::fields(&a),
        Some(Command::Sweep(a)) => sweep::run(&a),
        Some(Command::Sensitivity(a)) => sensitivity::run(&a),
        Some(Command::Optimize(a)) => optimize::run(&a),
        Some(Command::PlanHoldout(a)) => plan::run(&a),
        Some(Command::Monitor(a)) => monitor::run(&a),
        Some(Command::Learn(a)) => learn::run(&a),
        Some(Command::Seek(a)) => seek::run(&a),
        Some(Command::Claim(a)) => claim::run(&a),
        Some(Command::Report(a)) => report::run(&a),
        Some(Command::Compare(a)) => compare::run(&a),
        Some(Command::ImportCatalog(a)) => import::import_catalog(&a),
        Some(Command::Calibrate(a)) => import::calibrate(&a),
        Some(Command::Completions(a)) => install::completions(&a),
        Some(Command::Manpages(a)) => install::manpages(&a),
        #[cfg(feature = "gui")]
        Some(Command::Gui(a)) => gui::gui(&a),
        #[cfg(feature = "gui")]
        None => gui::GuiArgs::plain()
            .map_err(|e| Failure::Internal(anyhow::anyhow!("the app's default arguments: {e}")))
            .and_then(|a| gui::gui(&a)),
        #[cfg(not(feature = "gui"))]
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            eprintln!("\nThis build has no desktop app (built without the `gui` feature).");
            Err(Failure::BadInput("no command given".into()))
        }
    };
    match result {
        Ok(()) | Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::BadInput(m)) => {
            print_error(&format!("error: {m}"));
            ExitCode::from(2)
        }
        Err(Failure::Internal(e)) => {
            print_error(&format!("internal error: {e:#}"));
            ExitCode::from(1)
        }
    }
}

/// Prints a message on standard error with control characters made visible (a file
/// or name quoted in it cannot drive the terminal); never panics.
pub fn print_error(m: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{}", crate::format::printable_lines(m));
}

/// Writes `text` to standard output; a closed pipe ends the command quietly.
pub fn print_stdout(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Internal(anyhow::anyhow!("cannot write to standard output: {e}"))
        }
    })
}

/// A scenario read for a command: its file form (after overrides), the validated
/// scenario, and every file read.
pub struct Prepared {
    /// The file form, as run.
    pub spec: crate::model::ScenarioSpec,
    /// The validated scenario.
    pub scenario: Scenario,
    /// The scenario file and its CSV catalog files (none for the embedded scenario).
    pub files: Vec<PathBuf>,
}

/// Reads `file` (with its CSV catalog), or the embedded article scenario when `None`,
/// applies `tweak` to it (recording each field it overrides) and validates it.
pub fn load_with(
    file: Option<&Path>,
    tweak: impl FnOnce(&mut scenario_file::Loaded) -> Result<(), ScenarioError>,
) -> Result<Prepared, ScenarioError> {
    let mut loaded = match file {
        Some(p) => scenario_file::load(p)?,
        None => scenario_file::Loaded::parse(scenario_file::ARTICLE_TOML.to_string(), EMBEDDED_NAME, None)?,
    };
    tweak(&mut loaded)?;
    let scenario = loaded.validate()?;
    Ok(Prepared { scenario, spec: loaded.spec, files: loaded.files })
}

/// A clap parser for a value of the whole-number field `id` (its range from the
/// registry, said in words).
pub fn whole_field(id: FieldId) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    let f = id.field();
    whole(f.min as u64, f.max as u64)
}

/// A clap parser for a value of the number field `id`, within its range.
pub fn number_field(id: FieldId) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        let f = id.field();
        match s.trim().replace('_', "").parse::<f64>() {
            Ok(v) if f.allows(v) => Ok(v),
            Ok(v) => Err(f.out_of_range(v, "")),
            Err(_) => Err(format!("`{}` is not allowed: use {}", crate::format::excerpt(s, 30), f.range_shown(""))),
        }
    }
}

/// An option's help: `what`, then the range of field `id` in words.
pub fn help_in_range(what: &str, id: FieldId) -> String {
    format!("{what} ({})", id.field().range_shown(""))
}

/// A clap parser for a whole number in `min..=max` that says so in words (clap's
/// own says `1..18446744073709551615`, and takes `-1` for a flag).
pub fn whole(min: u64, max: u64) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        let range = || format!("a whole number from {} to {}", crate::format::int(min), crate::format::int(max));
        let t = s.trim().replace('_', "");
        match t.parse::<u64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            Ok(v) => Err(format!("{} is not allowed: use {}", crate::format::int(v), range())),
            Err(_) => Err(format!("`{}` is not allowed: use {}", crate::format::excerpt(s, 30), range())),
        }
    }
}

/// The scenario and run settings shared by `run` and `bench`.
#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Scenario file (TOML); the embedded article scenario when omitted.
    pub file: Option<std::path::PathBuf>,
    /// Override the scenario's seed (0 to 18446744073709551615).
    #[arg(long, allow_hyphen_values = true, value_parser = whole(0, u64::MAX))]
    pub seed: Option<u64>,
    /// Override the number of replications.
    #[arg(long, allow_hyphen_values = true, value_parser = whole_field(FieldId::StoreReplications),
        help = help_in_range("Override the number of replications", FieldId::StoreReplications))]
    pub replications: Option<u64>,
    /// Override the visitors per replication.
    #[arg(long, allow_hyphen_values = true, value_parser = whole_field(FieldId::StoreVisitors),
        help = help_in_range("Override the visitors per replication", FieldId::StoreVisitors))]
    pub visitors: Option<u64>,
    /// Worker threads (1 to 1,024; default: one per core). Results do not depend on it.
    #[arg(long, allow_hyphen_values = true, value_parser = whole(1, 1024))]
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
    /// Set a field for this run, exactly as if the file said so (repeatable):
    /// `--set strategies."AOV-optimized".tier_prompt.window=0.3`,
    /// `--set 'behaviour.friction_per_slot={dist="uniform",min=0.005,max=0.009}'`.
    /// `aovlab fields` lists the paths; docs/scenario-format.md explains them.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
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
    pub fn scenario(&self) -> Result<Prepared, ScenarioError> {
        load_with(self.file.as_deref(), |loaded| {
            if let Some(s) = self.seed {
                loaded.spec.store.seed = s;
                loaded.overridden(FieldId::StoreSeed.path(), format!("--seed {s}"));
            }
            if let Some(r) = self.replications {
                loaded.spec.store.replications = u32::try_from(r).unwrap_or(u32::MAX);
                loaded.overridden(FieldId::StoreReplications.path(), format!("--replications {r}"));
            }
            if let Some(v) = self.visitors {
                loaded.spec.store.visitors = v;
                loaded.overridden(FieldId::StoreVisitors.path(), format!("--visitors {v}"));
            }
            for arg in &self.set {
                let origin = format!("--set {}", crate::format::excerpt(arg, 80));
                let path = set_field(&mut loaded.spec, arg).map_err(|m| ScenarioError::flag(&origin, m))?;
                loaded.overridden(path.canonical(), origin);
            }
            Ok(())
        })
    }

    /// Engine options for these flags, over `replications` (`None`: all).
    pub fn options(&self, replications: Option<std::ops::Range<u32>>) -> crate::engine::RunOptions {
        crate::engine::RunOptions {
            threads: self.threads.map(|t| t as usize),
            replications,
            path: self.engine_path(),
            primary_only: false,
            gross_only: false,
            means_only: false,
        }
    }

    /// The engine path these flags select.
    pub fn engine_path(&self) -> crate::engine::SimPath {
        use crate::engine::SimPath;
        match (self.plain, self.path) {
            (true, _) | (false, PathArg::PerVisitor) => SimPath::PerVisitor,
            (false, PathArg::Counted) => SimPath::Counted,
            (false, PathArg::Fast) => SimPath::Fast,
        }
    }
}

/// Applies one `PATH=VALUE` to `spec` (the value parsed as the scenario file would
/// parse it); returns the field's path.
pub fn set_field(spec: &mut crate::model::ScenarioSpec, arg: &str) -> Result<crate::model::fields::Path, String> {
    use crate::model::fields;
    let (path, value) = arg
        .split_once('=')
        .ok_or_else(|| "write PATH=VALUE, e.g. store.visitors=20000 (`aovlab fields` lists the paths)".to_string())?;
    let path = fields::resolve(spec, path)?;
    let value = fields::parse_value(path.spec_field(), value)?;
    fields::set(spec, &path, value)?;
    Ok(path)
}

/// Applies one `PATH=VALUE` of `--hold` to `sc` (validated from `spec`).
pub fn hold_field(spec: &crate::model::ScenarioSpec, sc: Scenario, arg: &str) -> Result<Scenario, String> {
    use crate::model::fields;
    let (path, value) = arg
        .split_once('=')
        .ok_or_else(|| "write PATH=VALUE, e.g. 'segments[0].share=0.3' (an uncertain input)".to_string())?;
    let path = fields::resolve(spec, path)?;
    let f = path.spec_field();
    let v: f64 =
        value.trim().parse().ok().filter(|v: &f64| f.allows(*v)).ok_or_else(|| {
            format!("`{}` is not a value of `{}`: {}", value.trim(), path.canonical(), f.range_text())
        })?;
    sc.hold(&path.canonical(), v).map_err(|e| e.to_string())
}

/// The `--json` and `--csv` outputs that were given, with their flags.
pub fn outputs<'a>(json: Option<&'a Path>, csv: Option<&'a Path>) -> Vec<(&'static str, &'a Path)> {
    [("--json", json), ("--csv", csv)].into_iter().filter_map(|(f, p)| Some((f, p?))).collect()
}

/// Checks a command's outputs before any work is done: at most one goes to standard
/// output (`-`), no two name the same file, none replaces an input, and each can be
/// written. `outputs` pairs each flag with its path.
pub fn check_outputs(outputs: &[(&str, &Path)], inputs: &[PathBuf]) -> Result<(), Failure> {
    let stdout: Vec<&str> = outputs.iter().filter(|(_, p)| p.as_os_str() == "-").map(|(f, _)| *f).collect();
    if stdout.len() > 1 {
        return Err(Failure::BadInput(format!(
            "{} all write to standard output (`-`), which would mix their formats; send at most one there",
            stdout.join(" and ")
        )));
    }
    for (i, (flag, path)) in outputs.iter().enumerate() {
        if path.as_os_str() == "-" {
            continue;
        }
        for (other, q) in &outputs[..i] {
            if *q == *path || files::same_file(q, path) {
                return Err(Failure::BadInput(format!(
                    "{other} and {flag} both name {}; use two files",
                    path.display()
                )));
            }
        }
        if let Some(input) = inputs.iter().find(|input| files::same_file(input, path)) {
            return Err(Failure::BadInput(format!(
                "{flag} {}: that is an input of this command ({}); writing there would replace it. Name another file",
                path.display(),
                input.display()
            )));
        }
        files::check_writable(path).map_err(|m| Failure::BadInput(format!("{flag} {}: {m}", path.display())))?;
    }
    Ok(())
}

/// The end of `run` and `merge`: each replication's metrics computed once, then the
/// table (unless a format goes to standard output), the JSON report and the CSV; for
/// a run with a precision target, its outcome after the table and as `precision` in
/// the JSON report.
pub fn emit(
    sc: &Scenario,
    tallies: &[crate::engine::RepCounts],
    elapsed: f64,
    threads: usize,
    out: &Emit<'_>,
    precision: Option<&crate::analysis::precision::Reached>,
) -> Result<(), Failure> {
    use crate::io::export;
    let reps: Vec<crate::report::Replication> = tallies.iter().map(|r| crate::report::replication(sc, r)).collect();
    let report = crate::report::summarize_replications(sc, &reps, elapsed, threads);
    let to_stdout = |p: Option<&Path>| p.is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout(out.json) && !to_stdout(out.csv) && !to_stdout(out.summary) {
        let mut text = table::render(&report);
        for (path, v) in sc.held_inputs() {
            text.push_str(&format!("\nHeld in every replication: {path} = {}\n", crate::model::param::num(v)));
        }
        if let Some(p) = precision {
            text.push_str(&format!("\n{}\n", crate::analysis::precision::sentence(&sc.store.currency, p)));
        }
        if let Some(saved) = out.saved {
            text.push_str(&match crate::report::reproduces(saved, &report) {
                Ok(()) => format!(
                    "\nThis run reproduces the results saved in the file ({}, AOV Lab {}) exactly.\n",
                    saved.saved, saved.app_version
                ),
                Err(d) => format!(
                    "\nThis run differs from the results saved in the file ({}, AOV Lab {}):\n  {}\n",
                    saved.saved,
                    saved.app_version,
                    d.iter().take(5).map(|x| crate::format::printable(x)).collect::<Vec<_>>().join("\n  ")
                ),
            });
        }
        print_stdout(&text)?;
    }
    if let Some(path) = out.json {
        let held: Vec<(String, f64)> = sc.held_inputs().into_iter().map(|(p, v)| (p.to_string(), v)).collect();
        let text = export::report_json_with(&report, precision, &held)
            .map_err(|e| Failure::Internal(anyhow::anyhow!("serialising the report: {e}")))?;
        write_output(path, &text)?;
    }
    if let Some(path) = out.csv {
        let mut buf = Vec::new();
        export::write_replications_csv(&mut buf, sc, &reps)
            .map_err(|e| Failure::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    if let Some(path) = out.summary {
        let mut buf = Vec::new();
        export::write_summary_csv(&mut buf, &report)
            .map_err(|e| Failure::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    if let Some(dir) = out.charts {
        write_charts(dir, &report, &reps)?;
    }
    if let Some(path) = out.save_into {
        let loaded = scenario_file::load(path)?;
        let mut spec = loaded.spec.clone();
        let saved = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        spec.presented = Some(crate::report::presented(&report, saved));
        scenario_file::save_preserving(path, loaded.text(), &spec, false).map_err(|e| {
            Failure::BadInput(format!("{}: cannot save the results into it: {}", path.display(), files::io_text(&e)))
        })?;
    }
    Ok(())
}

/// Where `emit` sends the results.
#[derive(Debug, Clone, Copy, Default)]
pub struct Emit<'a> {
    /// The JSON report.
    pub json: Option<&'a Path>,
    /// One row per replication and strategy.
    pub csv: Option<&'a Path>,
    /// One row per strategy.
    pub summary: Option<&'a Path>,
    /// A folder for every dashboard chart as PNG and SVG.
    pub charts: Option<&'a Path>,
    /// Results saved in the scenario file, to check this run against.
    pub saved: Option<&'a crate::model::PresentedResults>,
    /// A scenario file to save this run's results into (a presenter file).
    pub save_into: Option<&'a Path>,
}

/// Writes every dashboard chart of `report` into `dir` (created if missing) as
/// `<chart>.png` and `<chart>.svg`.
pub fn write_charts(
    dir: &Path,
    report: &crate::report::Report,
    reps: &[crate::report::Replication],
) -> Result<(), Failure> {
    let stamp = crate::present::draw::Stamp::of_report(report);
    write_figures(dir, &crate::present::figure::dashboard(report, reps), &stamp)
}

/// Writes `figures` into `dir` (created if missing) as `<id>.png` and `<id>.svg`.
pub fn write_figures(
    dir: &Path,
    figures: &[crate::present::figure::Figure],
    stamp: &crate::present::draw::Stamp,
) -> Result<(), Failure> {
    use crate::present::draw;
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::BadInput(format!("{}: cannot create the folder: {}", dir.display(), files::io_text(&e)))
    })?;
    for f in figures {
        let svg = draw::svg(f, stamp).map_err(|e| Failure::Internal(anyhow::anyhow!(e)))?;
        let png = draw::png(f, stamp).map_err(|e| Failure::Internal(anyhow::anyhow!(e)))?;
        for (ext, bytes) in [("svg", svg.as_bytes()), ("png", png.as_slice())] {
            let path = dir.join(format!("{}.{ext}", f.id));
            files::write_atomic(&path, bytes)
                .map_err(|e| Failure::BadInput(format!("{}: cannot write: {}", path.display(), files::io_text(&e))))?;
        }
    }
    Ok(())
}

/// The stamp of a chart made from scenario `sc`.
pub fn stamp_of(sc: &Scenario) -> crate::present::draw::Stamp {
    crate::present::draw::Stamp {
        scenario: sc.name.clone(),
        seed: sc.seed(),
        replications: sc.replications(),
        visitors: sc.visitors(),
    }
}

/// A progress bar on standard error when it is a terminal (hidden otherwise), counting
/// `len` `what`.
pub fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressStyle};
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    let template = if what == "points" {
        "{spinner} sweep [{bar:30}] {percent}% {elapsed} (eta {eta})".to_string()
    } else {
        format!("{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{elapsed}} (eta {{eta}})")
    };
    b.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    b
}

/// Writes `text` to `path` atomically, or to standard output when `path` is `-`.
pub fn write_output(path: &Path, text: &str) -> Result<(), Failure> {
    if path.as_os_str() == "-" {
        return print_stdout(&format!("{text}\n"));
    }
    files::write_atomic(path, text.as_bytes()).map_err(|e| {
        Failure::BadInput(format!(
            "{}: cannot write: {}; nothing was changed there",
            path.display(),
            files::io_text(&e)
        ))
    })
}
