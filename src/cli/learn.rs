//! `aovlab learn`: a finished holdout test's results update the scenario's uncertain
//! inputs (MODEL.md rule 23), with the decision before and after and, on request, the
//! updated scenario written beside the original.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use super::{Failure, check_outputs, print_stdout, write_output};
use crate::analysis::learn::{Learned, Observed, Settings, learn, updated_spec};
use crate::format::{money, percent, printable};

/// Arguments of `aovlab learn`.
#[derive(Debug, clap::Args)]
pub struct LearnArgs {
    /// The scenario the test ran on; the embedded article scenario when omitted.
    pub file: Option<PathBuf>,
    /// The test's results: the daily CSV `aovlab monitor` reads (summed), or one row
    /// per arm; optionally with offer logs (`pre_shown`, `pre_accepted`, `tier_shown`,
    /// `tier_accepted`, `post_shown`, `post_accepted`).
    #[arg(long, value_name = "CSV")]
    pub test: PathBuf,
    /// How the results file is read.
    #[command(flatten)]
    pub reading: super::monitor::Reading,
    /// The strategy the treatment arm ran (default: the strategy named as the arm).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// Worlds drawn from the prior (up to four times as many are drawn when too few
    /// explain the test).
    #[arg(long, default_value_t = 2_000, value_parser = super::whole(50, 20_000))]
    pub worlds: u64,
    /// Visitors simulated per world (default: the scenario's visitors per replication).
    #[arg(long, value_parser = super::whole(1_000, 10_000_000))]
    pub visitors: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = super::whole(1, 1024))]
    pub threads: Option<u64>,
    /// Write the scenario with the posterior as fitted distributions to OUT, keeping
    /// the original's comments and layout, each learned input commented.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write the analysis as JSON to PATH (or `-`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write what the test taught as one self-contained HTML page to PATH.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
}

/// Reads the test, learns and prints (and writes what was asked).
pub fn run(a: &LearnArgs) -> Result<(), Failure> {
    let mut outs: Vec<(&str, &std::path::Path)> = Vec::new();
    if let Some(p) = &a.json {
        outs.push(("--json", p));
    }
    if let Some(p) = &a.output {
        outs.push(("--output", p));
    }
    if let Some(p) = &a.report {
        outs.push(("--report", p));
    }
    let mut inputs = vec![a.test.clone()];
    inputs.extend(a.file.clone());
    check_outputs(&outs, &inputs)?;
    let prepared = super::load_with(a.file.as_deref(), |_| Ok(()))?;
    let (spec, sc) = (&prepared.spec, &prepared.scenario);
    let daily = a.reading.read(&a.test)?;
    let name = a.strategy.clone().unwrap_or_else(|| daily.treatment_arm.clone());
    let strategy = sc.strategies.iter().position(|s| s.name == name).ok_or_else(|| {
        let names: Vec<String> = sc.strategies.iter().map(|s| format!("`{}`", s.name)).collect();
        Failure::BadInput(format!(
            "the treatment arm `{}` is not a strategy of the scenario: name the strategy it ran with --strategy (one \
             of {})",
            printable(&name),
            names.join(", ")
        ))
    })?;
    let observed = Observed::from_daily(&daily, strategy);
    let settings = Settings { worlds: a.worlds as u32, visitors: a.visitors.unwrap_or(sc.store.visitors) };
    let opts = crate::engine::RunOptions { threads: a.threads.map(|t| t as usize), ..Default::default() };
    let bar = super::progress_bar(1000, "worlds");
    let cancel = AtomicBool::new(false);
    let l = learn(spec, &observed, &settings, &opts, &|f| bar.set_position((f * 1000.0) as u64), &cancel)
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    bar.finish_and_clear();
    if let Some(p) = &a.json {
        let v = serde_json::json!({ "kind": "aovlab-learn", "scenario": sc.name, "learned": l });
        let text = serde_json::to_string_pretty(&v).map_err(|e| Failure::Internal(e.into()))?;
        write_output(p, &text)?;
    }
    let mut out = text(&l, &sc.store.currency);
    if let Some(p) = &a.report {
        let file = a.file.as_ref().map_or("(the embedded article)".to_string(), |f| f.display().to_string());
        let command = format!("aovlab learn {file} --test {}", a.test.display());
        let html = crate::present::learn::report(&l, &sc.name, sc.seed(), &sc.store.currency, &command, &inline)
            .map_err(|e| Failure::Internal(anyhow::anyhow!(e.to_string())))?;
        write_output(p, &html)?;
        out.push_str(&format!("\nWrote the page to {}.\n", p.display()));
    }
    if let Some(p) = &a.output {
        match updated_spec(spec, &l) {
            None => out.push_str("\nNothing written: the test contradicts the scenario (see above).\n"),
            Some(updated) => {
                let original = match &a.file {
                    Some(f) => {
                        std::fs::read_to_string(f).map_err(|e| Failure::BadInput(format!("{}: {e}", f.display())))?
                    }
                    None => crate::io::scenario_file::ARTICLE_TOML.to_string(),
                };
                let text = updated_text(&original, spec, &updated, &l).map_err(Failure::BadInput)?;
                write_output(p, &text)?;
                out.push_str(&format!("\nWrote the updated scenario to {}.\n", p.display()));
            }
        }
    }
    if a.json.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        return Ok(());
    }
    print_stdout(&out)
}

/// The original file rewritten to the updated scenario, format-preserving, with a
/// comment on each learned input naming the test and what it moved.
fn updated_text(
    original: &str,
    before: &crate::model::ScenarioSpec,
    after: &crate::model::ScenarioSpec,
    l: &Learned,
) -> Result<String, String> {
    let patched = crate::io::preserve::patch(original, before, after)?;
    let mut doc: toml_edit::DocumentMut = patched.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    let n = |x: f64| crate::model::fields::trim_number(x, 4);
    for i in &l.inputs {
        let note = format!(
            "Learned from the test {} ({}): median {} (P5-P95 {} to {}) before, {} ({} to {}) after.",
            l.source,
            l.strategy,
            n(i.prior[0]),
            n(i.prior[1]),
            n(i.prior[2]),
            n(i.posterior[0]),
            n(i.posterior[1]),
            n(i.posterior[2]),
        );
        annotate(doc.as_table_mut(), &i.path, &note);
    }
    let head = format!(
        "# Updated by `aovlab learn` from the holdout test {} of {}: every uncertain input's\n# prior replaced by \
         its posterior ({:.0} effective worlds of {}), each commented below.\n",
        l.source, l.strategy, l.effective_worlds, l.worlds
    );
    Ok(head + &doc.to_string())
}

/// A fitted distribution as the scenario file writes it.
fn inline(d: &crate::model::Dist) -> String {
    crate::io::preserve::written(d).unwrap_or_default()
}

/// Puts `note` as a comment above the key that holds `path` (canonical:
/// `segments[0].post_checkout_eligibility`); inside an inline table (a strategy's
/// `checkout = { ... }`), above the inline table's key.
fn annotate(table: &mut toml_edit::Table, path: &str, note: &str) {
    let parts: Vec<&str> = path.split('.').collect();
    let mut t: &mut toml_edit::Table = table;
    for (k, part) in parts.iter().enumerate() {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        let last = k + 1 == parts.len();
        let is_table = matches!(t.get(key), Some(toml_edit::Item::Table(_) | toml_edit::Item::ArrayOfTables(_)));
        if last || !is_table {
            if let Some(mut km) = t.key_mut(key) {
                let decor = km.leaf_decor_mut();
                let old = decor.prefix().and_then(|p| p.as_str()).unwrap_or("").to_string();
                decor.set_prefix(format!("{old}# {note}\n"));
            }
            return;
        }
        let next = match (t.get_mut(key), index) {
            (Some(toml_edit::Item::ArrayOfTables(a)), Some(i)) => a.get_mut(i),
            (Some(toml_edit::Item::Table(inner)), None) => Some(inner),
            _ => None,
        };
        let Some(next) = next else { return };
        t = next;
    }
}

fn text(l: &Learned, currency: &str) -> String {
    let mut out = format!(
        "The test {} of {}: {:.0} effective worlds of {} drawn from the prior.\n",
        printable(&l.source),
        printable(&l.strategy),
        l.effective_worlds,
        l.worlds
    );
    if l.contradicts {
        out.push_str(
            "\nThe test CONTRADICTS the scenario: too few of its worlds explain what the test observed, so no \
             posterior is reported. The observations, the least expected first (z: how many standard deviations \
             from the scenario's prediction):\n",
        );
    }
    let mut t = super::table::table_owned(
        ["Observation", "Observed", "Prior predicted", "z", "Posterior predicts"].map(String::from).to_vec(),
    );
    for o in &l.observations {
        let f = |v: f64| if v.abs() < 1.0 { percent(v, 2) } else { money(v, currency, 2) };
        t.add_row(vec![
            printable(&o.label),
            f(o.observed),
            format!("{} ± {}", f(o.prior_mean), f(o.prior_sd)),
            format!("{:+.1}", o.z),
            if l.contradicts { "-".into() } else { f(o.posterior_mean) },
        ]);
    }
    out.push_str(&t.to_string());
    if l.contradicts {
        return out + "\n";
    }
    out.push_str("\n\nWhat it moved (median, P5-P95), largest move first:\n");
    let mut t =
        super::table::table_owned(["Input", "Before the test", "After it", "Fitted"].map(String::from).to_vec());
    for i in &l.inputs {
        let show = |v: [f64; 3]| {
            let n = |x: f64| crate::model::fields::trim_number(x, 4);
            format!("{} [{} … {}]", n(v[0]), n(v[1]), n(v[2]))
        };
        t.add_row(vec![printable(&i.label), show(i.prior), show(i.posterior), inline(&i.fitted)]);
    }
    out.push_str(&t.to_string());
    let d = |x: &crate::analysis::learn::Decision| {
        format!(
            "{} (expected {} a year, best in {} of the worlds); EVPI {} a year",
            printable(&x.best),
            money(x.expected_impact, currency, 0),
            percent(x.probability_best, 0),
            money(x.evpi, currency, 0)
        )
    };
    out.push_str(&format!("\n\nThe decision before the test: {}.\nAfter it: {}.\n", d(&l.before), d(&l.after)));
    if let Some(f) = &l.follow_up {
        out.push_str(&format!(
            "The same test again would be worth {} a year (EVSI, its revenue lift measured to ±{} on the log \
             scale) against {} its holdout would forgo: {}\n",
            money(f.evsi, currency, 0),
            percent(f.se, 1),
            money(f.forgone, currency, 0),
            if f.worth_running() { "worth running." } else { "not worth running." }
        ));
    }
    out
}
