//! `aovlab plan-holdout`: the holdout test that would measure a strategy (power, days
//! needed, minimum detectable effect, revenue forgone) and what the test and the
//! uncertainty are worth.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use super::sweep::strategy;
use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use crate::analysis::plan::{self, Plan, PlanError, Planned};
use crate::analysis::value::{self, Value};
use crate::format::{int, percent, printable};
use crate::io::export;
use crate::model::Scenario;
use crate::report::Metric;

/// Arguments of `plan-holdout`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Scenario and run settings.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Visitors a day, both groups together (default: what the scenario's annual GMV
    /// implies at the holdout's revenue per visitor).
    #[arg(long, value_parser = super::whole(2, plan::MAX_DAILY_VISITORS))]
    pub daily_visitors: Option<u64>,
    /// Share of visitors in the holdout group, between 0 and 1.
    #[arg(long, default_value_t = 0.1, value_parser = open_share)]
    pub holdout_share: f64,
    /// Planned duration in days (1 to 365).
    #[arg(long, default_value_t = 28, value_parser = super::whole(1, u64::from(plan::MAX_DAYS)))]
    pub days: u64,
    /// The strategy to test (default: AOV-optimized when the scenario has it, else
    /// the first strategy that is not the holdout).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// Two-sided significance level, between 0 and 0.5.
    #[arg(long, default_value_t = 0.05, value_parser = alpha)]
    pub alpha: f64,
    /// What the value of information measures each strategy's worth in: `gross`, its
    /// annual GMV impact, or `net`, its annual net impact after returns (MODEL.md
    /// rule 18; the revenue the holdout forgoes is then net too).
    #[arg(long, default_value = "gross", value_parser = ["gross", "net"])]
    pub value_on: String,
    /// Write the plan and the value of information as JSON to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write the power and measured lift per day and metric as CSV to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Write the charts (power by day, measured lift, value of information) into folder
    /// DIR as PNG (2x) and SVG.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

fn open_share(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v < 1.0 => Ok(v),
        _ => Err(format!("`{}` is not allowed: use a number between 0 and 1, e.g. 0.1", crate::format::excerpt(s, 30))),
    }
}

fn alpha(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v < 0.5 => Ok(v),
        _ => Err(format!(
            "`{}` is not allowed: use a number between 0 and 0.5, e.g. 0.05",
            crate::format::excerpt(s, 30)
        )),
    }
}

/// The strategy a plan tests by default.
pub fn default_strategy(sc: &Scenario) -> usize {
    sc.featured_strategy().unwrap_or(0)
}

/// Plans the test and values it.
pub fn run(a: &PlanArgs) -> Result<(), Failure> {
    let prepared = a.sim.scenario()?;
    let (spec, sc) = (&prepared.spec, &prepared.scenario);
    let outputs = super::outputs(a.json.as_deref(), a.csv.as_deref());
    check_outputs(&outputs, &prepared.files)?;
    let k = match &a.strategy {
        Some(n) => strategy(sc, n)?,
        None => default_strategy(sc),
    };
    if k == sc.holdout {
        return Err(Failure::BadInput(format!(
            "--strategy: `{}` is the holdout; test a strategy against it",
            printable(sc.strategies[k].name())
        )));
    }
    let opts = a.sim.options(None);
    let bar = super::progress_bar(1000, "work");
    let cancel = AtomicBool::new(false);
    let daily_visitors = match a.daily_visitors {
        Some(v) => v,
        None => implied_daily_visitors(sc, &opts, &cancel)?,
    };
    let p = Plan { daily_visitors, holdout_share: a.holdout_share, days: a.days as u32, strategy: k, alpha: a.alpha };
    let planned =
        plan::plan(sc, &p, &opts, &|f| bar.set_position((f * 800.0) as u64), &cancel).map_err(|e| match e {
            PlanError::Run(r) => Failure::Internal(anyhow::anyhow!("simulation failed: {r}")),
            PlanError::Request(m) => Failure::BadInput(m),
        })?;
    let worth = value::value(
        spec,
        sc,
        planned.worlds,
        Some(&planned),
        if a.value_on == "net" { value::Basis::Net } else { value::Basis::Gross },
        &opts,
        &|f| bar.set_position(800 + (f * 200.0) as u64),
        &cancel,
    )
    .map_err(|e| Failure::Internal(anyhow::anyhow!("simulation failed: {e}")))?;
    bar.finish_and_clear();
    let to_stdout = |p: &Option<PathBuf>| p.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout(&a.json) && !to_stdout(&a.csv) {
        print_stdout(&render(sc, &planned, &worth, a.daily_visitors.is_none()))?;
    }
    if let Some(path) = &a.json {
        let text = export::plan_json(sc, &planned, &worth).context("serialising the plan")?;
        write_output(path, &text)?;
    }
    if let Some(dir) = &a.charts {
        use crate::present::figure;
        let mut figures = vec![figure::power_by_day(&planned)];
        figures.extend(figure::measured_lift(&planned));
        figures.push(figure::evppi(&worth, &sc.store.currency));
        let stamp = crate::present::draw::Stamp::of_plan(&sc.name, sc.seed(), &planned);
        super::write_figures(dir, &figures, &stamp)?;
    }
    if let Some(path) = &a.csv {
        let mut buf = Vec::new();
        export::write_plan_csv(&mut buf, &planned).context("writing CSV")?;
        write_output(path, String::from_utf8_lossy(&buf).trim_end())?;
    }
    Ok(())
}

/// The visitors a day the scenario implies: its annual GMV over a year of the
/// holdout's revenue per visitor (from a one-replication run).
fn implied_daily_visitors(
    sc: &Scenario,
    opts: &crate::engine::RunOptions,
    cancel: &AtomicBool,
) -> Result<u64, Failure> {
    let o = crate::engine::RunOptions { replications: Some(0..1), ..opts.clone() };
    let out = crate::engine::run(sc, &o, &|_| {}, cancel)
        .map_err(|e| Failure::Internal(anyhow::anyhow!("simulation failed: {e}")))?;
    let r = crate::report::replication(sc, &out.replications[0]);
    let rpv = Metric::RevenuePerVisitor.estimate(&r.strategies[sc.holdout]).map_or(0.0, |e| e.value);
    plan::implied_daily_visitors(sc, rpv).ok_or_else(|| {
        Failure::BadInput(
            "the holdout earns nothing per visitor, so no traffic follows from the annual GMV; give --daily-visitors"
                .into(),
        )
    })
}

/// The plan as a table and sentences, then what it is worth.
pub fn render(sc: &Scenario, p: &Planned, v: &Value, implied: bool) -> String {
    let cur = sc.store.currency.as_str();
    let money = |x: f64| crate::format::money(x, cur, 0);
    let plan = &p.plan;
    let mut out = format!(
        "{}: a {}-day holdout test of {}, {} visitors a day{} with {} in the holdout, two-sided alpha {}.\n\
         Simulated in {} worlds over {} days: {} holdout and {} treatment visitors by day {}.\n\n",
        printable(&sc.name),
        plan.days,
        printable(&p.strategy),
        int(plan.daily_visitors),
        if implied { " (what the annual GMV implies)" } else { "" },
        percent(plan.holdout_share, 0),
        plan.alpha,
        p.worlds,
        p.horizon,
        int(p.groups.0),
        int(p.groups.1),
        plan.days,
    );
    let mut t = super::table::table_owned(
        [
            "Lift",
            "True (mean)",
            "Power (simulated)",
            "Power (normal approx.)",
            "Days for 80%",
            "Detectable at plan",
            "Power, looking daily",
            "Days for 80%, looking daily",
        ]
        .map(String::from)
        .to_vec(),
    );
    let days = |d: Option<u32>| d.map_or_else(|| format!("> {}", p.horizon), |d| d.to_string());
    for m in &p.metrics {
        t.add_row(vec![
            m.metric.label().to_string(),
            crate::format::lift(m.true_lift, 2),
            percent(m.power, 0),
            percent(m.analytic_power, 0),
            days(m.days_for_target),
            format!("±{}", percent(m.minimum_detectable_effect, 2)),
            percent(m.sequential_power, 0),
            days(m.sequential_days_for_target),
        ]);
    }
    out.push_str(&t.to_string());
    out.push_str(
        "\n\nThe fixed-horizon power holds only if the test is read once, on the planned day. Looking every day \
         and stopping when an interval excludes zero needs always-valid intervals (`aovlab monitor`): their power \
         is in the last two columns.",
    );
    let net_forgone =
        p.forgone_net_if_different().map_or_else(String::new, |n| format!(" ({} net of returns)", money(n)));
    let basis = v.basis.label();
    out.push_str(&format!(
        "\n\nThe holdout group forgoes {}{net_forgone} during the test.\n\nWhat the uncertainty is worth (a year, over {} worlds, on {basis}):\n",
        money(p.forgone_revenue),
        v.worlds
    ));
    out.push_str(&format!(
        "- Choosing now: {} (expected impact {}).\n- Perfect information about the world: {} a year (EVPI).\n",
        printable(&v.choose_now),
        money(v.expected_impacts.iter().find(|(n, _)| n == &v.choose_now).map_or(0.0, |x| x.1)),
        money(v.evpi)
    ));
    for i in v.inputs.iter().take(5) {
        let noise = if v.noise_floor >= 1.0 && i.value < v.noise_floor { " (below the noise floor)" } else { "" };
        out.push_str(&format!("    knowing {}: {}{noise}\n", printable(&i.label), money(i.value)));
    }
    if !v.inputs.is_empty() && v.noise_floor >= 1.0 {
        out.push_str(&format!(
            "    (noise floor: an input that says nothing about the world reads up to {} here, 95 times in 100)\n",
            money(v.noise_floor)
        ));
    }
    if let Some(tv) = &v.test {
        out.push_str(&format!(
            "- This test: choosing between {} and the holdout after its measured revenue lift is worth {} a year over choosing now, less {} forgone: {} in its first year. {}\n",
            printable(&tv.strategy),
            money(tv.evsi),
            money(tv.forgone_revenue),
            money(tv.net),
            if tv.net > 0.0 {
                "Worth running."
            } else if tv.evsi > 0.0 {
                "Not worth running: its information is worth less than the revenue the holdout forgoes."
            } else {
                "Not worth running on these numbers: the decision is clear enough without it."
            }
        ));
        out.push_str(&format!(
            "  (Acting on the measured lift alone, the strategy whenever it is above zero, would change the expected impact by {} a year against choosing now.)\n",
            money(tv.acting_on_estimate)
        ));
    }
    out
}
