//! `aovlab sensitivity`: a tornado of the uncertain inputs, their rank correlation
//! with the outcome, and where each would flip the decision between two strategies.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use super::sweep::{metric, strategy};
use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use crate::analysis::sensitivity::{self, Outcome, Sensitivity};
use crate::format::printable;
use crate::io::export;
use crate::model::Scenario;
use crate::report::Metric;

/// Arguments of `sensitivity`.
#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// Scenario and run settings.
    #[command(flatten)]
    pub sim: SimArgs,
    /// The outcome's metric, by its report name (annual_gmv_impact, rpv_lift,
    /// revenue_per_visitor, aov, ...).
    #[arg(long, default_value = Metric::AnnualGmvImpact.name(), value_parser = metric)]
    pub outcome: Metric,
    /// The outcome's strategy (default: AOV-optimized when the scenario has it, else
    /// the first strategy that is not the holdout).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// Make the outcome the strategy minus this one.
    #[arg(long, value_name = "NAME")]
    pub versus: Option<String>,
    /// The decision: this strategy against `--with` on the outcome's metric (default:
    /// AOV-optimized against Conversion-optimized when the scenario has them, else
    /// its first two strategies that are not the holdout).
    #[arg(long, value_name = "NAME", requires = "with")]
    pub compare: Option<String>,
    /// The other strategy of the decision.
    #[arg(long, value_name = "NAME", requires = "compare")]
    pub with: Option<String>,
    /// Write the analysis (tornado, importance, decision flips, draws) as JSON to PATH
    /// (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write every uncertain input's drawn value per replication of the main run, with
    /// the outcome and the decision's difference, to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Write the tornado into folder DIR as PNG (2x) and SVG.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

/// Runs the analysis.
pub fn run(a: &SensitivityArgs) -> Result<(), Failure> {
    let prepared = a.sim.scenario()?;
    let (spec, sc) = (&prepared.spec, &prepared.scenario);
    let outputs = super::outputs(a.json.as_deref(), a.csv.as_deref());
    check_outputs(&outputs, &prepared.files)?;
    let decision = match (&a.compare, &a.with) {
        (Some(x), Some(y)) => Some((strategy(sc, x)?, strategy(sc, y)?)),
        _ => sensitivity::default_decision(sc),
    };
    let k = match &a.strategy {
        Some(n) => strategy(sc, n)?,
        None => sc.featured_strategy().unwrap_or(0),
    };
    let versus = a.versus.as_deref().map(|n| strategy(sc, n)).transpose()?;
    let outcome = Outcome { metric: a.outcome, strategy: k, versus };
    if sc.uncertain_inputs().is_empty() {
        return Err(Failure::BadInput(format!(
            "{} has no uncertain input (drawn once per replication) to analyse; give one a distribution, e.g. --set 'behaviour.post_checkout_base_accept={{dist=\"triangular\",min=0.5,mode=0.6,max=0.7}}'",
            printable(&sc.name)
        )));
    }
    let bar = super::progress_bar(1000, "points");
    let cancel = AtomicBool::new(false);
    let progress = |f: f64| bar.set_position((f * 1000.0) as u64);
    let result = sensitivity::analyse(spec, outcome, decision, &a.sim.options(None), &progress, &cancel).map_err(
        |e| match e {
            sensitivity::SensitivityError::Run(r) => Failure::Internal(anyhow::anyhow!("simulation failed: {r}")),
            other => Failure::BadInput(other.to_string()),
        },
    )?;
    bar.finish_and_clear();
    let to_stdout = |p: &Option<PathBuf>| p.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout(&a.json) && !to_stdout(&a.csv) {
        print_stdout(&render(sc, spec, &result))?;
    }
    if let Some(path) = &a.json {
        let text = export::sensitivity_json(sc, &result)
            .map_err(|e| Failure::Internal(anyhow::anyhow!("serialising the analysis: {e}")))?;
        write_output(path, &text)?;
    }
    if let Some(dir) = &a.charts {
        let figures: Vec<_> = crate::present::figure::tornado(&result, &sc.store.currency).into_iter().collect();
        super::write_figures(dir, &figures, &super::stamp_of(sc))?;
    }
    if let Some(path) = &a.csv {
        let mut buf = Vec::new();
        export::write_draws_csv(&mut buf, &result)
            .map_err(|e| Failure::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    Ok(())
}

/// The tornado as a table, then a sentence per input that flips the decision.
fn render(sc: &Scenario, spec: &crate::model::ScenarioSpec, s: &Sensitivity) -> String {
    let cur = sc.store.currency.as_str();
    let m = s.outcome.metric;
    let f = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| m.format_exact(v, cur));
    let input_value = |path: &str, v: f64| sensitivity::show_input(spec, path, v);
    let mut out = format!(
        "{}: {} replications x {} visitors, seed {}.\nOutcome: {}; {} with every input uncertain.\n",
        printable(&sc.name),
        sc.replications(),
        sc.visitors(),
        sc.seed(),
        printable(&s.outcome_label),
        f(s.base),
    );
    if let (Some(label), Some(d)) = (&s.decision_label, s.base_difference) {
        out.push_str(&format!("Decision: {} on {}: {} in the main run.\n", printable(label), m.label(), f(Some(d))));
    }
    out.push_str(
        "\nEach input held at its 10th and 90th percentile while every other input stays uncertain (same draws);\n\
         rank correlation: Spearman's, between the input's draws and the outcome across the main run's replications.\n\n",
    );
    let mut header: Vec<String> =
        ["Input", "P10", "P90", "Outcome at P10", "Outcome at P90", "Swing", "Rank correlation"]
            .map(String::from)
            .to_vec();
    if s.decision.is_some() {
        header.extend(["Decision flips at", "P(other ahead)"].map(String::from));
    }
    let mut t = super::table::table_owned(header);
    for e in &s.inputs {
        let mut row = vec![
            printable(&e.label),
            input_value(&e.path, e.dist.quantile(0.10)),
            input_value(&e.path, e.dist.quantile(0.90)),
            f(e.at_p10),
            f(e.at_p90),
            m.format_exact(e.swing, cur).trim_start_matches('+').to_string(),
            e.importance.map_or_else(|| "n/a".into(), sensitivity::correlation_text),
        ];
        if let Some(flip) = &e.flip {
            row.push(if flip.at.is_empty() {
                "none in P1-P99".into()
            } else {
                flip.at.iter().map(|&x| input_value(&e.path, x)).collect::<Vec<_>>().join(", ")
            });
            row.push(crate::format::percent(flip.probability, 1));
        }
        t.add_row(row);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    for line in sensitivity::flip_sentences(spec, s) {
        out.push_str(&printable(&line));
        out.push('\n');
    }
    out
}
