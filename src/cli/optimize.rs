//! `aovlab optimize`: the best levers for an objective under constraints, the race
//! that found them, and the conversion-AOV frontier of every policy tried.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use crate::analysis::optimize::{self, Bounds, Constraint, Objective, OptimizeError, Optimized, Search};
use crate::format::printable;
use crate::io::{export, partial};
use crate::model::{FieldId, Scenario, ScenarioSpec};
use crate::report::Metric;

/// Arguments of `optimize`.
#[derive(Debug, clap::Args)]
pub struct OptimizeArgs {
    /// Scenario and run settings.
    #[command(flatten)]
    pub sim: SimArgs,
    /// What to maximise: conversion_rate, aov, revenue_per_visitor,
    /// gross_margin_per_visitor or annual_gmv_impact.
    #[arg(long, default_value = Metric::RevenuePerVisitor.name(), value_parser = Objective::parse)]
    pub objective: Objective,
    /// A bound on a metric's mean, e.g. `conversion_rate_lift>=-1%` or
    /// `margin_lift>=0` (repeatable).
    #[arg(long = "constraint", value_name = "METRIC>=VALUE", value_parser = Constraint::parse)]
    pub constraints: Vec<Constraint>,
    /// Most cart suggestions tried (default: the scenario's most, at least 3).
    #[arg(long, value_parser = super::whole_field(FieldId::PreCheckoutSlots))]
    pub max_slots: Option<u64>,
    /// Most confirmation-page offers tried (default: the scenario's most, at least 2).
    #[arg(long, value_parser = super::whole_field(FieldId::PostCheckoutOffers))]
    pub max_offers: Option<u64>,
    /// Largest checkout discount tried, a share (default: the scenario's largest).
    #[arg(long, value_parser = super::number_field(FieldId::CheckoutDiscount))]
    pub max_discount: Option<f64>,
    /// Largest confirmation-page offer discount tried, a share (default: the
    /// scenario's largest).
    #[arg(long, value_parser = super::number_field(FieldId::OfferDiscount))]
    pub max_offer_discount: Option<f64>,
    /// Do not try checkout friction reduction (by default candidates may use the
    /// largest one a strategy of the scenario states).
    #[arg(long)]
    pub no_friction_reduction: bool,
    /// Free-shipping thresholds tried, in currency: a list (`50,75,100,125`) or a range
    /// and its number of values (`50..125:4`). Default: the store's and those the
    /// scenario's strategies set, where the store charges a fee or shows the prompt.
    #[arg(long, value_name = "LIST", value_parser = |t: &str| optimize::parse_thresholds(t).map(Thresholds))]
    pub thresholds: Option<Thresholds>,
    /// Screen only shard I of N (0-based) of the candidates and write it with `--json`;
    /// `aovlab merge` joins the shards and finishes the search.
    #[arg(long, value_name = "I/N", value_parser = partial::Shard::parse, requires = "json")]
    pub shard: Option<partial::Shard>,
    /// Write the search's result (chosen levers and their metrics, finalists,
    /// frontier, every policy tried) as JSON to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write every policy tried (levers, conversion, AOV, revenue per visitor,
    /// objective, stage, frontier) as CSV to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Write the trade-off chart into folder DIR as PNG (2x) and SVG.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub charts: Option<PathBuf>,
}

/// The free-shipping thresholds `--thresholds` lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds(pub Vec<f64>);

/// Runs the search (or one shard of its screening).
pub fn run(a: &OptimizeArgs) -> Result<(), Failure> {
    let prepared = a.sim.scenario()?;
    let (spec, sc) = (&prepared.spec, &prepared.scenario);
    let outputs = super::outputs(a.json.as_deref(), a.csv.as_deref());
    check_outputs(&outputs, &prepared.files)?;
    let mut bounds = Bounds::of(spec);
    if let Some(v) = a.max_slots {
        bounds.max_slots = v as u32;
    }
    if let Some(v) = a.max_offers {
        bounds.max_offers = v as u32;
    }
    if let Some(v) = a.max_discount {
        bounds.max_discount = v;
    }
    if let Some(v) = a.max_offer_discount {
        bounds.max_offer_discount = v;
    }
    if a.no_friction_reduction {
        bounds.friction_from = None;
    }
    if let Some(Thresholds(t)) = &a.thresholds {
        bounds.thresholds.clone_from(t);
    }
    let search = Search { objective: a.objective, constraints: a.constraints.clone(), bounds };
    let bar = super::progress_bar(1000, "work");
    let cancel = AtomicBool::new(false);
    let progress = |f: f64| bar.set_position((f * 1000.0) as u64);
    let opts = a.sim.options(None);
    if let (Some(shard), Some(path)) = (a.shard, &a.json) {
        let screened = optimize::screen(
            spec,
            sc,
            &search,
            (shard.index as usize, shard.count as usize),
            &opts,
            &progress,
            &cancel,
        )
        .map_err(failure)?;
        bar.finish_and_clear();
        let file = partial::OptimizePartial {
            kind: partial::OPTIMIZE_KIND.into(),
            version: partial::PARTIAL_VERSION,
            shard,
            scenario: spec.clone(),
            objective: search.objective,
            constraints: search.constraints,
            bounds: search.bounds,
            screened,
        };
        let text = serde_json::to_string(&file).context("serialising partial results")?;
        return write_output(path, &text);
    }
    let result = optimize::optimize(spec, sc, &search, &opts, &progress, &cancel).map_err(failure)?;
    bar.finish_and_clear();
    if let Some(dir) = &a.charts {
        let f = crate::present::figure::trade_off(&result, &sc.store.currency);
        super::write_figures(dir, &[f], &super::stamp_of(sc))?;
    }
    emit(sc, spec, &result, a.json.as_deref(), a.csv.as_deref())
}

/// An engine failure is internal; anything else is the request's.
pub fn failure(e: OptimizeError) -> Failure {
    match e {
        OptimizeError::Run(r) => Failure::Internal(anyhow::anyhow!("simulation failed: {r}")),
        other => Failure::BadInput(other.to_string()),
    }
}

/// Finishes a search from merged screening shards (`aovlab merge`).
pub fn finish_merged(
    p: partial::OptimizePartial,
    screened: optimize::Screened,
    a: &super::merge::MergeArgs,
) -> Result<(), Failure> {
    let sc = Scenario::from_spec(p.scenario.clone()).map_err(|e| {
        Failure::BadInput(format!(
            "the searched scenario is invalid: {}",
            e.first().map(ToString::to_string).unwrap_or_default()
        ))
    })?;
    let search = Search { objective: p.objective, constraints: p.constraints, bounds: p.bounds };
    let bar = super::progress_bar(1000, "work");
    let cancel = AtomicBool::new(false);
    let progress = |f: f64| bar.set_position((f * 1000.0) as u64);
    let result = optimize::finish(&p.scenario, &sc, &search, screened, &Default::default(), &progress, &cancel)
        .map_err(failure)?;
    bar.finish_and_clear();
    emit(&sc, &p.scenario, &result, a.json.as_deref(), a.csv.as_deref())
}

/// The summary (unless a format goes to standard output), the JSON and the CSV.
fn emit(
    sc: &Scenario,
    spec: &ScenarioSpec,
    r: &Optimized,
    json: Option<&std::path::Path>,
    csv: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let to_stdout = |p: Option<&std::path::Path>| p.is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout(json) && !to_stdout(csv) {
        print_stdout(&render(sc, spec, r))?;
    }
    if let Some(path) = json {
        let text = export::optimize_json(sc, r).context("serialising the search")?;
        write_output(path, &text)?;
    }
    if let Some(path) = csv {
        let mut buf = Vec::new();
        export::write_optimize_csv(&mut buf, r).context("writing CSV")?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    Ok(())
}

/// The race, the finalists and the chosen levers as a scenario-file snippet.
fn render(sc: &Scenario, spec: &ScenarioSpec, r: &Optimized) -> String {
    let cur = sc.store.currency.as_str();
    let m = r.objective.metric();
    let mut out = format!(
        "{}: maximising {} over {} policies{}.\nRace: {}; finalists re-run on fresh random numbers (seed {}, {} replications x {} visitors).\n\n",
        printable(&sc.name),
        r.objective.metric().in_words(),
        r.policies_evaluated,
        if r.constraints.is_empty() {
            String::new()
        } else {
            format!(" with {}", r.constraints.iter().map(|c| c.text(cur)).collect::<Vec<_>>().join(" and "))
        },
        r.stages.iter().map(|(reps, n)| format!("{n} on {reps} replications")).collect::<Vec<_>>().join(", then "),
        r.fresh_seed,
        sc.replications(),
        sc.visitors(),
    );
    // The objective's own column unless it is one of the three shown anyway.
    let extra = !matches!(m, Metric::ConversionRate | Metric::Aov | Metric::RevenuePerVisitor);
    let mut header = vec!["Policy".to_string()];
    if extra {
        header.push(r.objective.label().to_string());
    }
    header.extend(["Conversion", "AOV", "Revenue / visitor", "P(best)", "Constraints"].map(String::from));
    let mut t = super::table::table_owned(header);
    let row = |label: String, e: &optimize::Evaluated, p_best: String| {
        let mut row = vec![label];
        if extra {
            row.push(m.format_exact(e.objective, cur));
        }
        row.extend([
            Metric::ConversionRate.format_exact(e.conversion_rate, cur),
            Metric::Aov.format_exact(e.aov, cur),
            Metric::RevenuePerVisitor.format_exact(e.revenue_per_visitor, cur),
            p_best,
            if e.feasible { "met".into() } else { "not met".into() },
        ]);
        row
    };
    for f in &r.finalists {
        let e = &r.evaluated[f.index];
        t.add_row(row(e.label.clone(), e, crate::format::percent(f.probability_best, 0)));
    }
    for e in r.evaluated.iter().filter(|e| e.own.is_some()) {
        t.add_row(row(format!("(scenario) {}", printable(e.own.as_deref().unwrap_or_default())), e, String::new()));
    }
    out.push_str(&t.to_string());
    out.push('\n');
    match r.chosen_strategy(&optimize::new_strategy_name(spec, r.objective)) {
        Some(s) => {
            out.push_str(&format!(
                "\nChosen: {}.\nTo add it to the scenario, paste:\n\n{}",
                r.evaluated[r.chosen.unwrap_or(0)].label,
                export::strategy_toml(&s)
            ));
        }
        None => out.push_str("\nNo finalist meets every constraint; loosen one.\n"),
    }
    out
}
