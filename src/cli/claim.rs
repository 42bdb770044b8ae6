//! `aovlab claim`: a vendor's or an article's claim checked against a scenario: how
//! likely it is here, what each uncertain input would need to be, and the claim read
//! as a holdout measures it and as a vendor reports it.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use super::{Failure, SimArgs, check_outputs, print_stdout, write_output};
use crate::analysis::vendor::{ClaimCheck, check, show_figure};
use crate::format::{percent, printable};
use crate::model::{ClaimBasis, ClaimFigure, ClaimSpec, ClaimSurface, ScenarioSpec, Word};

/// Arguments of `aovlab claim`.
#[derive(Debug, clap::Args)]
pub struct ClaimArgs {
    #[command(flatten)]
    pub sim: SimArgs,
    /// Which of the scenario's `[[claims]]` to check (1-based; default: all of them,
    /// or the one given with --figure).
    #[arg(long, value_name = "N")]
    pub claim: Option<usize>,
    /// A claim given here instead: its figure (aov_lift, conversion_lift, rpv_lift,
    /// take_rate, attributed_share, attributed_revenue).
    #[arg(long, value_name = "FIGURE", requires_all = ["strategy", "at_least"], conflicts_with = "claim")]
    pub figure: Option<String>,
    /// The strategy that stands for the claim.
    #[arg(long, value_name = "NAME", requires = "figure")]
    pub strategy: Option<String>,
    /// The surface: program (default), cart, tier_prompt, confirmation.
    #[arg(long, value_name = "SURFACE", requires = "figure")]
    pub surface: Option<String>,
    /// The least the figure must be (a lift or share as a fraction or a percentage:
    /// 0.3 or 30%).
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true, requires = "figure")]
    pub at_least: Option<String>,
    /// The most it may be (a claimed range).
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true, requires = "figure")]
    pub at_most: Option<String>,
    /// How a claimed lift was measured: incremental (default, against a holdout) or
    /// attributed (as a vendor's dashboard reports it).
    #[arg(long, value_name = "BASIS", requires = "figure")]
    pub basis: Option<String>,
    /// The claim's words, for the output.
    #[arg(long, value_name = "TEXT", requires = "figure")]
    pub statement: Option<String>,
    /// Only the probability and the two readings: no input's needed value (one run
    /// instead of one seek per uncertain input).
    #[arg(long)]
    pub quick: bool,
    /// Write every check (readings, needs with their uncertainty) as JSON to PATH
    /// (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

/// Reads a value written as a fraction or a percentage (digit groups allowed:
/// `1,200,000`, `1_200_000`).
fn fraction(flag: &str, v: &str) -> Result<f64, Failure> {
    crate::format::fraction(&v.replace(['_', ','], ""))
        .ok_or_else(|| Failure::BadInput(format!("{flag} `{v}` is not a number")))
}

fn word<W: Word>(flag: &str, v: &str) -> Result<W, Failure> {
    W::from_word(v.trim()).ok_or_else(|| Failure::BadInput(format!("{flag} `{v}`: use one of {}", W::WORDS.join(", "))))
}

/// The claims to check: the one given on the command line, or the scenario's.
fn claims(a: &ClaimArgs, spec: &ScenarioSpec) -> Result<Vec<ClaimSpec>, Failure> {
    if let Some(f) = &a.figure {
        let claim = ClaimSpec {
            statement: a.statement.clone().unwrap_or_else(|| "the claim given on the command line".into()),
            source: String::new(),
            strategy: a.strategy.clone().unwrap_or_default(),
            surface: a
                .surface
                .as_deref()
                .map(|s| word::<ClaimSurface>("--surface", s))
                .transpose()?
                .unwrap_or_default(),
            figure: word::<ClaimFigure>("--figure", f)?,
            at_least: fraction("--at-least", a.at_least.as_deref().unwrap_or(""))?,
            at_most: a.at_most.as_deref().map(|v| fraction("--at-most", v)).transpose()?,
            basis: a.basis.as_deref().map(|s| word::<ClaimBasis>("--basis", s)).transpose()?.unwrap_or_default(),
        };
        // Checked as a file's claim would be.
        crate::model::validate_claims(std::slice::from_ref(&claim), &spec.store.currency).map_err(|e| {
            Failure::BadInput(
                e.iter()
                    .map(|e| format!("--{}: {}", e.path.trim_start_matches("claims[0].").replace('_', "-"), e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        return Ok(vec![claim]);
    }
    if spec.claims.is_empty() {
        return Err(Failure::BadInput(
            "the scenario lists no [[claims]]; give one with --figure, --strategy and --at-least".into(),
        ));
    }
    match a.claim {
        Some(n) if n == 0 || n > spec.claims.len() => Err(Failure::BadInput(format!(
            "--claim {n}: the scenario lists {} claim{}, numbered from 1",
            spec.claims.len(),
            if spec.claims.len() == 1 { "" } else { "s" }
        ))),
        Some(n) => Ok(vec![spec.claims[n - 1].clone()]),
        None => Ok(spec.claims.clone()),
    }
}

/// Checks the claims and prints what each would take.
pub fn run(a: &ClaimArgs) -> Result<(), Failure> {
    if let Some(p) = &a.json {
        check_outputs(&[("--json", p)], &[])?;
    }
    let prepared = a.sim.scenario()?;
    let spec = &prepared.spec;
    let list = claims(a, spec)?;
    let opts = a.sim.options(None);
    let bar = super::progress_bar(1000, "checks");
    let cancel = AtomicBool::new(false);
    let n = list.len() as f64;
    let mut checks = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let done = i as f64;
        let checked = check(
            spec,
            c,
            (!a.quick).then_some(usize::MAX),
            &opts,
            &|f| bar.set_position(((done + f) / n * 1000.0) as u64),
            &cancel,
        )
        .map_err(|e| Failure::BadInput(e.to_string()))?;
        checks.push(checked);
    }
    bar.finish_and_clear();
    if let Some(p) = &a.json {
        let v = serde_json::json!({ "kind": "aovlab-claims", "scenario": spec.name, "claims": checks });
        let text = serde_json::to_string_pretty(&v).map_err(|e| Failure::Internal(e.into()))?;
        write_output(p, &text)?;
        if p.as_os_str() == "-" {
            return Ok(());
        }
    }
    let currency = &spec.store.currency;
    let mut out = String::new();
    for (c, k) in checks.iter().zip(&list) {
        out.push_str(&text(spec, c, k.figure, currency));
        out.push('\n');
    }
    print_stdout(&format!("{}\n", out.trim_end()))
}

/// One check in sentences.
pub(crate) fn text(spec: &ScenarioSpec, c: &ClaimCheck, figure: ClaimFigure, currency: &str) -> String {
    let show = |v: f64| show_figure(figure, v, currency);
    let mut out = format!("\"{}\"", printable(&c.statement));
    if !c.source.is_empty() {
        out.push_str(&format!(" ({})", printable(&c.source)));
    }
    out.push('\n');
    out.push_str(&format!(
        "  Read as: {} of \"{}\", {}{}.\n",
        printable(&c.figure),
        printable(&c.strategy),
        c.range,
        if matches!(c.figure_key, "aov_lift" | "rpv_lift") { format!(", {}", c.basis) } else { String::new() }
    ));
    if let Some(why) = &c.unanswerable {
        out.push_str(&format!("  Cannot be checked here: {}.\n", printable(why)));
        return out;
    }
    match (c.probability, &c.stated) {
        (Some(p), Some(s)) => out.push_str(&format!(
            "  In this store: {} ({} of {} worlds); the figure is {} on average ({} to {}, P5-P95).\n",
            c.verdict(),
            percent(p, 1),
            s.worlds,
            show(s.mean),
            show(s.p5),
            show(s.p95)
        )),
        (Some(p), None) => out.push_str(&format!("  In this store: {} ({}).\n", c.verdict(), percent(p, 1))),
        _ => {}
    }
    if let Some(why) = &c.reason {
        out.push_str(&format!("  Why: {}.\n", printable(why)));
    }
    if let (Some(o), Some(b)) = (&c.other, c.other_basis) {
        let how =
            if b == "attributed" { "as a vendor's dashboard would report it" } else { "as a holdout would measure it" };
        out.push_str(&format!(
            "  Read {how} ({b}): {} on average ({} to {}); the claim holds in {} of the worlds.\n",
            show(o.mean),
            show(o.p5),
            show(o.p95),
            percent(o.holds, 1)
        ));
    }
    if let Some(r) = &c.attribution_ratio {
        out.push_str(&format!(
            "  A vendor's dashboard credits itself with {:.2}x what a holdout measures ({:.2}-{:.2}x).\n",
            r.mean, r.p5, r.p95
        ));
    }
    if !c.needs.is_empty() {
        let bound = c.needs.first().map_or_else(String::new, |n| show(n.target));
        out.push_str(&if c.holds_on_average {
            format!(
                "  It holds on average. Where {} would fall to {bound}, one input at a time (the others as assumed):\n",
                printable(&c.figure)
            )
        } else {
            format!(
                "  What it would take, one input at a time (the others as assumed), for {} to reach {bound}:\n",
                printable(&c.figure)
            )
        });
        for n in c.needs.iter().filter(|n| n.value.is_some()) {
            let v = |x: f64| crate::analysis::sensitivity::show_input(spec, &n.path, x);
            out.push_str(&format!(
                "    {} = {} (±{}){}\n",
                printable(&n.label),
                v(n.value.unwrap_or(f64::NAN)),
                v(n.se.unwrap_or(f64::NAN)),
                n.placement.as_ref().map_or(String::new(), |p| format!(": {}", p.text))
            ));
        }
        let out_of_reach: Vec<String> = c
            .needs
            .iter()
            .filter(|n| n.value.is_none())
            .map(|n| match n.best {
                Some(b) => format!("{} (at most {})", printable(&n.label), show(b.outcome)),
                None => printable(&n.label),
            })
            .collect();
        if !out_of_reach.is_empty() {
            out.push_str(&format!("    No value in its allowed range reaches it: {}.\n", out_of_reach.join(", ")));
        }
    }
    out
}
