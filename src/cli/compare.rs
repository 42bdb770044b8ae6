//! `aovlab compare A B`: the assumptions that differ between two scenarios, field by
//! field, and their results side by side.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use super::{Failure, check_outputs, print_stdout, write_output};
use crate::format::printable;
use crate::present::compare;
use crate::report::{Metric, Report};

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The first scenario file.
    pub a: PathBuf,
    /// The second scenario file.
    pub b: PathBuf,
    /// Write the differences and both results as JSON to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Only the assumptions; do not run the scenarios.
    #[arg(long)]
    pub no_run: bool,
}

fn run_one(sc: &crate::model::Scenario) -> Result<Report, Failure> {
    let cancel = AtomicBool::new(false);
    let out = crate::engine::run(sc, &Default::default(), &|_| {}, &cancel).context("simulation failed")?;
    let reps: Vec<_> = out.replications.iter().map(|r| crate::report::replication(sc, r)).collect();
    Ok(crate::report::summarize_replications(sc, &reps, out.elapsed.as_secs_f64(), out.threads))
}

/// Compares the two scenarios.
pub fn run(a: &CompareArgs) -> Result<(), Failure> {
    let pa = super::load_with(Some(&a.a), |_| Ok(()))?;
    let pb = super::load_with(Some(&a.b), |_| Ok(()))?;
    let mut inputs = pa.files.clone();
    inputs.extend(pb.files.iter().cloned());
    let outputs = super::outputs(a.json.as_deref(), None);
    check_outputs(&outputs, &inputs)?;
    let diffs = compare::differences(&pa.spec, &pb.spec);
    let sides = if a.no_run { Vec::new() } else { compare::results(&run_one(&pa.scenario)?, &run_one(&pb.scenario)?) };
    let (na, nb) = (a.a.display().to_string(), a.b.display().to_string());
    if a.json.as_ref().is_none_or(|p| p.as_os_str() != "-") {
        print_stdout(&render(&na, &nb, &diffs, &sides, &pa.spec.store.currency))?;
    }
    if let Some(path) = &a.json {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "kind": "aovlab-compare",
            "a": na,
            "b": nb,
            "differences": diffs,
            "results": sides,
        }))
        .context("serialising the comparison")?;
        write_output(path, &text)?;
    }
    Ok(())
}

fn render(na: &str, nb: &str, diffs: &[compare::Difference], sides: &[compare::Side], cur: &str) -> String {
    let mut out = format!("A: {}\nB: {}\n\n", printable(na), printable(nb));
    if diffs.is_empty() {
        out.push_str("The two scenarios make the same assumptions.\n");
    } else {
        let n = diffs.len();
        out.push_str(
            &format!("{n} {} :\n", if n == 1 { "assumption differs" } else { "assumptions differ" }).replace(" :", ":"),
        );
        let mut t = super::table::table_owned(["Field", "A", "B"].map(String::from).to_vec());
        for d in diffs {
            let v = |x: &Option<String>| x.as_deref().map_or_else(|| compare::ABSENT.to_string(), printable);
            t.add_row(vec![printable(&d.label), v(&d.a), v(&d.b)]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !sides.is_empty() {
        out.push_str("\nResults (means across replications):\n");
        let mut t = super::table::table_owned(["Strategy", "Metric", "A", "B", "B - A"].map(String::from).to_vec());
        for s in sides {
            let m = Metric::from_name(s.metric).unwrap_or(Metric::RpvLift);
            let f = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| m.format_exact(v, cur));
            let d = s.difference.map_or_else(|| "-".to_string(), |d| m.format_difference(d, cur));
            t.add_row(vec![printable(&s.strategy), m.label().to_string(), f(s.a), f(s.b), d]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
        out.push_str(compare::DIFFERENCE_NOTE);
        out.push('\n');
    }
    out
}
