//! `aovlab report`: run a scenario and write the board report, one self-contained
//! HTML file.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Scenario and run settings.
    #[command(flatten)]
    pub sim: SimArgs,
    /// The HTML file to write (or `-` for standard output).
    #[arg(short, long, value_name = "PATH")]
    pub output: PathBuf,
    /// Also write every chart into folder DIR as PNG (2x) and SVG.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

/// Runs the scenario and writes the report.
pub fn run(a: &ReportArgs) -> Result<(), Failure> {
    let prepared = a.sim.scenario()?;
    let (spec, sc) = (&prepared.spec, &prepared.scenario);
    check_outputs(&[("--output", a.output.as_path())], &prepared.files)?;
    let bar = super::progress_bar(u64::from(sc.replications()), "replications");
    let cancel = AtomicBool::new(false);
    let out = crate::engine::run(sc, &a.sim.options(None), &|p| bar.set_position(u64::from(p.done)), &cancel)
        .context("simulation failed")?;
    bar.finish_and_clear();
    let reps: Vec<crate::report::Replication> =
        out.replications.iter().map(|r| crate::report::replication(sc, r)).collect();
    let report = crate::report::summarize_replications(sc, &reps, out.elapsed.as_secs_f64(), out.threads);
    let file = match &a.sim.file {
        Some(p) => p.display().to_string(),
        None => "the embedded article scenario".to_string(),
    };
    let mut command = String::from("aovlab report");
    if let Some(p) = &a.sim.file {
        command.push_str(&format!(" {}", p.display()));
    }
    for (flag, v) in [("--seed", a.sim.seed), ("--replications", a.sim.replications), ("--visitors", a.sim.visitors)] {
        if let Some(v) = v {
            command.push_str(&format!(" {flag} {v}"));
        }
    }
    command.push_str(" -o report.html");
    // The scenario's claims, each with the eight inputs that move it most.
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let checked = spec
        .claims
        .iter()
        .map(|c| crate::analysis::vendor::check(spec, c, Some(8), &a.sim.options(None), &|_| {}, &cancel))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    let html = crate::present::html::report(spec, &report, &reps, Some(&checked), &file, &command)
        .map_err(|e| Failure::Internal(anyhow::anyhow!(e)))?;
    write_output(&a.output, &html)?;
    if let Some(dir) = &a.charts {
        super::write_charts(dir, &report, &reps)?;
    }
    if a.output.as_os_str() != "-" {
        print_stdout(&format!(
            "Wrote {} ({} charts, {} replications x {} visitors, seed {}).\n",
            a.output.display(),
            crate::present::figure::dashboard(&report, &reps).len(),
            sc.replications(),
            crate::format::int(sc.visitors()),
            sc.seed()
        ))?;
    }
    Ok(())
}
