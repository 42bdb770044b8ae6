//! `aovlab seek`: the value of an input or lever at which an outcome reaches a target,
//! and how likely that value is under the scenario's own assumptions.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use super::sweep::{metric, strategy};
use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use crate::analysis::seek::{Free, Goal, Sought, seek};
use crate::analysis::sensitivity::Outcome;
use crate::format::printable;
use crate::report::Metric;

/// Arguments of `aovlab seek`.
#[derive(Debug, clap::Args)]
pub struct SeekArgs {
    #[command(flatten)]
    pub sim: SimArgs,
    /// The target: a metric (by its report name) and the value it should reach, e.g.
    /// `aov_lift=0.30` (+30%) or `annual_gmv_impact=5000000`.
    #[arg(long, value_name = "METRIC=VALUE")]
    pub target: String,
    /// The outcome's strategy (default: AOV-optimized when the scenario has it, else
    /// the first strategy that is not the holdout).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// Make the outcome the strategy minus this one.
    #[arg(long, value_name = "NAME")]
    pub versus: Option<String>,
    /// The field that is free (`aovlab fields` lists the paths), e.g.
    /// `behaviour.post_checkout_base_accept`. Given more than once, the fields move
    /// together: each by its weight (`PATH:WEIGHT`, default 1) times a common relative
    /// change of its assumed value.
    #[arg(long, value_name = "PATH[:WEIGHT]", required = true)]
    pub vary: Vec<String>,
    /// Lowest value tried (default: the field's allowed range; for several fields the
    /// lowest relative change, -0.5 = 50% below their assumed values).
    #[arg(long, allow_hyphen_values = true)]
    pub from: Option<f64>,
    /// Highest value tried (for several fields the highest relative change).
    #[arg(long, allow_hyphen_values = true)]
    pub to: Option<f64>,
    /// Write the result (every run, the value, its uncertainty and placement) as JSON
    /// to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

/// Runs the seek and prints what it found.
pub fn run(a: &SeekArgs) -> Result<(), Failure> {
    if let Some(p) = &a.json {
        check_outputs(&[("--json", p)], &[])?;
    }
    let prepared = a.sim.scenario()?;
    let (spec, sc) = (&prepared.spec, &prepared.scenario);
    let (name, value) = a
        .target
        .split_once('=')
        .ok_or_else(|| Failure::BadInput(format!("--target `{}`: write METRIC=VALUE, e.g. aov_lift=0.30", a.target)))?;
    let m: Metric = metric(name).map_err(|e| Failure::BadInput(format!("--target: {e}")))?;
    let target: f64 = crate::format::fraction(value)
        .ok_or_else(|| Failure::BadInput(format!("--target: `{}` is not a number", value.trim())))?;
    let k = match &a.strategy {
        Some(n) => strategy(sc, n)?,
        None => {
            sc.featured_strategy().ok_or_else(|| Failure::BadInput("the scenario has no strategy to study".into()))?
        }
    };
    let versus = a.versus.as_ref().map(|n| strategy(sc, n)).transpose()?;
    let range = match (a.from, a.to) {
        (Some(f), Some(t)) => Some((f, t)),
        (None, None) => None,
        _ => return Err(Failure::BadInput("give both --from and --to, or neither".into())),
    };
    let outcome = Outcome { metric: m, strategy: k, versus };
    let opts = a.sim.options(None);
    let bar = super::progress_bar(1000, "runs");
    let cancel = AtomicBool::new(false);
    let free: Vec<Free> = a.vary.iter().map(|v| Free::parse(v)).collect::<Result<_, _>>().map_err(Failure::BadInput)?;
    let goal = Goal { free: &free, range, measure: &outcome, target };
    let s = seek(spec, &goal, &opts, &|f| bar.set_position((f * 1000.0) as u64), &cancel)
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    bar.finish_and_clear();
    if let Some(p) = &a.json {
        let v = serde_json::json!({ "kind": "aovlab-seek", "scenario": sc.name, "sought": s });
        let text = serde_json::to_string_pretty(&v).map_err(|e| Failure::Internal(e.into()))?;
        write_output(p, &text)?;
        if p.as_os_str() == "-" {
            return Ok(());
        }
    }
    print_stdout(&text(spec, &s, m, &sc.store.currency))
}

fn text(spec: &crate::model::ScenarioSpec, s: &Sought, m: Metric, currency: &str) -> String {
    let goal = m.format_exact(s.target, currency);
    let mut out = format!(
        "{}: {} = {goal}, varying {} from {} to {} ({} runs on the same visitors).\n",
        printable(&spec.name),
        printable(&s.outcome_label),
        printable(&s.label),
        s.show_x(spec, s.range.0),
        s.show_x(spec, s.range.1),
        s.runs.len()
    );
    for line in s.sentences(spec, &|v| m.format_exact(v, currency)) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
