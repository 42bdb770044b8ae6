//! The page of what a finished test taught (MODEL.md rule 23): the observations
//! against the scenario's predictions, each informed input's prior and posterior with
//! a chart of the largest moves, and the decision before and after. Filled from a
//! minijinja template (assets/learn.html.j2); the charts are drawn by [`super::draw`].

use serde::Serialize;

use super::DrawError;
use super::draw::{self, Stamp};
use super::figure::{Figure, Scale, Xy, xy_figure};
use crate::analysis::learn::{Decision, InputPosterior, Learned};
use crate::format::{money, percent};

const TEMPLATE: &str = include_str!("../../assets/learn.html.j2");

/// How the posterior is computed, in words.
const METHOD: &str = "Each world is a replication of the scenario: its uncertain inputs drawn from the prior, every \
    strategy simulated on its visitors. The world predicts what the test observed (each arm's conversion and AOV, \
    and with offer logs the treatment's take rate on each surface); the test's observations are normal around those \
    predictions with the test's sampling variance and the simulation's. Each world's weight is that likelihood, and \
    the posterior of every input is the prior's draws so weighted; the effective number of worlds is (sum of \
    weights)^2 / sum of squared weights. Validated by simulation-based calibration (tests/learn.rs).";

/// The prior's and the posterior's histograms of one input.
pub fn posterior_figure(i: &InputPosterior) -> Figure {
    let width = i.edges.get(1).zip(i.edges.first()).map_or(1.0, |(b, a)| b - a);
    let mut xy = Xy { y_label: "share of worlds".into(), y_scale: Some(Scale::Share), ..Default::default() };
    for (k, (p, q)) in i.prior_bins.iter().zip(&i.posterior_bins).enumerate() {
        let x0 = i.edges[k];
        xy.rects.push(([x0 + 0.05 * width, 0.0, x0 + 0.95 * width, *p], [190, 190, 190]));
        xy.rects.push(([x0 + 0.3 * width, 0.0, x0 + 0.7 * width, *q], [46, 125, 50]));
    }
    let slug: String = i.path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let mut f = xy_figure(
        &format!("posterior-{slug}"),
        &format!("{}: before and after the test", i.label),
        "Grey: the prior (the worlds drawn); green: the posterior (the same worlds weighted by the test).",
        i.label.clone(),
        Scale::Count,
        xy,
    );
    f.legend = vec![("prior".into(), [190, 190, 190]), ("posterior".into(), [46, 125, 50])];
    f
}

/// A decision in words.
fn decision_text(when: &str, d: &Decision, currency: &str) -> String {
    format!(
        "{when}: {} (expected {} a year, best in {} of the worlds; perfect information worth {} a year).",
        d.best,
        money(d.expected_impact, currency, 0),
        percent(d.probability_best, 0),
        money(d.evpi, currency, 0)
    )
}

/// The page for `l`, learned on the scenario named `scenario` (seed `seed`);
/// `command` reproduces it and `fitted` writes a fitted distribution as a file would.
pub fn report(
    l: &Learned,
    scenario: &str,
    seed: u64,
    currency: &str,
    command: &str,
    fitted: &dyn Fn(&crate::model::Dist) -> String,
) -> Result<String, DrawError> {
    let stamp = Stamp { scenario: scenario.to_string(), seed, replications: l.worlds, visitors: 0 };
    let f = |v: f64| if v.abs() < 1.0 { percent(v, 2) } else { money(v, currency, 2) };
    let observations: Vec<[String; 5]> = l
        .observations
        .iter()
        .map(|o| {
            [
                o.label.clone(),
                f(o.observed),
                format!("{} ± {}", f(o.prior_mean), f(o.prior_sd)),
                format!("{:+.1}", o.z),
                if l.contradicts { "-".into() } else { f(o.posterior_mean) },
            ]
        })
        .collect();
    let n = |x: f64| crate::model::fields::trim_number(x, 4);
    let show = |v: [f64; 3]| format!("{} [{} … {}]", n(v[0]), n(v[1]), n(v[2]));
    let inputs: Vec<[String; 4]> =
        l.inputs.iter().map(|i| [i.label.clone(), show(i.prior), show(i.posterior), fitted(&i.fitted)]).collect();
    #[derive(Serialize)]
    struct Chart {
        id: String,
        svg: String,
    }
    let charts = if l.contradicts {
        Vec::new()
    } else {
        l.inputs
            .iter()
            .take(3)
            .map(|i| {
                let fig = posterior_figure(i);
                Ok(Chart { id: fig.id.clone(), svg: super::html::svg_body(&draw::svg(&fig, &stamp)?) })
            })
            .collect::<Result<Vec<_>, DrawError>>()?
    };
    let mut decision =
        vec![decision_text("Before the test", &l.before, currency), decision_text("After it", &l.after, currency)];
    if let Some(fu) = &l.follow_up {
        decision.push(format!(
            "The same test again would be worth {} a year (EVSI) against {} its holdout would forgo: {}.",
            money(fu.evsi, currency, 0),
            money(fu.forgone, currency, 0),
            if fu.worth_running() { "worth running" } else { "not worth running" }
        ));
    }
    #[derive(Serialize)]
    struct Context<'a> {
        version: &'a str,
        source: &'a str,
        strategy: &'a str,
        scenario: &'a str,
        effective: String,
        worlds: u32,
        contradicts: bool,
        observations: Vec<[String; 5]>,
        inputs: Vec<[String; 4]>,
        charts: Vec<Chart>,
        decision: Vec<String>,
        method: &'a str,
        command: &'a str,
    }
    super::render(
        "learn.html",
        TEMPLATE,
        Context {
            version: crate::version::LONG,
            source: &l.source,
            strategy: &l.strategy,
            scenario,
            effective: format!("{:.0}", l.effective_worlds),
            worlds: l.worlds,
            contradicts: l.contradicts,
            observations,
            inputs,
            charts,
            decision,
            method: METHOD,
            command,
        },
    )
}
