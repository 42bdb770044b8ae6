//! Sweeps and sensitivity on the article scenario at its own settings: wall time of
//! a 20-point lever sweep (one pass) against the same points one by one, the time to
//! the first refined curve, a 20-point sweep of a world fact, and the sensitivity
//! analysis with its decision flips (docs/performance.md).
//!
//! ```text
//! cargo bench --bench analysis
//! ```

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use aovlab::analysis::sensitivity::{self, Outcome};
use aovlab::analysis::sweep::{self, Axis, Sweep, Update};
use aovlab::engine::RunOptions;
use aovlab::model::Scenario;
use aovlab::report::{Metric, run_and_summarize};

fn main() {
    let spec = aovlab::io::article_spec();
    let path = r#"strategies."AOV-optimized".tier_prompt.window"#;
    let x = Axis::new(&spec, path, 0.05, 1.0, 20).expect("axis");
    let sw = Sweep { x, y: None };
    let cancel = AtomicBool::new(false);
    for round in 1..=3 {
        let t = Instant::now();
        let first = Mutex::new(None);
        let update = |u: Update| {
            if matches!(u, Update::Refined(..) | Update::Point(..))
                && let Ok(mut f) = first.lock()
            {
                f.get_or_insert(t.elapsed());
            }
        };
        let points = sweep::run(&spec, &sw, &RunOptions::default(), &update, &cancel).expect("sweep");
        let whole = t.elapsed();
        let first = first.lock().ok().and_then(|f| *f).unwrap_or(whole);
        println!(
            "round {round}: 20-point lever sweep {:.3} s, first refined curve after {:.1} ms ({} points)",
            whole.as_secs_f64(),
            first.as_secs_f64() * 1e3,
            points.len()
        );
    }
    let t = Instant::now();
    for &v in &sw.x.values {
        let s = sw.spec_at(&spec, (v, None)).expect("point");
        run_and_summarize(&Scenario::from_spec(s).expect("valid"), &RunOptions::default()).expect("run");
    }
    println!("the same 20 points one by one: {:.3} s", t.elapsed().as_secs_f64());
    // A world fact: every point is a run of its own (the carts differ from point to
    // point, so no pass is shared).
    let fact = "behaviour.post_checkout_base_accept";
    let facts = Sweep { x: Axis::new(&spec, fact, 0.4, 0.8, 20).expect("axis"), y: None };
    for round in 1..=3 {
        let t = Instant::now();
        // The whole curve: every point refined once (the first round of replications).
        let refined = Mutex::new(0usize);
        let whole = Mutex::new(None);
        let update = |u: Update| {
            if let Update::Refined(..) = u
                && let (Ok(mut n), Ok(mut w)) = (refined.lock(), whole.lock())
            {
                *n += 1;
                if *n == facts.x.values.len() {
                    *w = Some(t.elapsed());
                }
            }
        };
        let points = sweep::run(&spec, &facts, &RunOptions::default(), &update, &cancel).expect("sweep");
        let all = t.elapsed();
        let whole = whole.lock().ok().and_then(|w| *w).unwrap_or(all);
        println!(
            "round {round}: 20-point world-fact sweep ({fact}) {:.3} s ({} points; the whole curve from a tenth of \
             the replications after {:.3} s)",
            all.as_secs_f64(),
            points.len(),
            whole.as_secs_f64()
        );
    }
    let sc = Scenario::from_spec(spec.clone()).expect("valid");
    let k = sc.strategies.iter().position(|s| s.name() == "AOV-optimized").expect("AOV-optimized");
    let outcome = Outcome { metric: Metric::AnnualGmvImpact, strategy: k, versus: None };
    for round in 1..=2 {
        let t = Instant::now();
        let tornado_at = Mutex::new(None);
        let on_tornado = |_: &sensitivity::Sensitivity| {
            if let Ok(mut g) = tornado_at.lock() {
                *g = Some(t.elapsed());
            }
        };
        let decision = sensitivity::default_decision(&sc);
        let s = sensitivity::analyse_with(
            &spec,
            outcome,
            decision,
            &RunOptions::default(),
            &|_| {},
            &on_tornado,
            false,
            &cancel,
        )
        .expect("analysis");
        let tornado = tornado_at.lock().ok().and_then(|g| *g).unwrap_or_default();
        println!(
            "round {round}: sensitivity over {} uncertain inputs: tornado and importance after {:.3} s ({} held \
             values), decision flips after {:.3} s ({} held values; an input of a strategy the outcome and the \
             decision do not read needs no run)",
            s.inputs.len(),
            tornado.as_secs_f64(),
            1 + 2 * s.inputs.len(),
            t.elapsed().as_secs_f64(),
            1 + s.inputs.iter().map(|e| e.held.len()).sum::<usize>()
        );
    }
    // As the app runs it: a preview of the whole analysis (decision flips included)
    // from the first tenth of the replications, then the whole analysis.
    for round in 1..=2 {
        let t = Instant::now();
        let preview_at = Mutex::new(None);
        let on_preview = |p: &sensitivity::Sensitivity| {
            if let Ok(mut g) = preview_at.lock() {
                *g = Some((t.elapsed(), p.draws.rows.len()));
            }
        };
        let decision = sensitivity::default_decision(&sc);
        let opts = RunOptions::default();
        let s = sensitivity::analyse_with(&spec, outcome, decision, &opts, &|_| {}, &on_preview, true, &cancel)
            .expect("analysis");
        let (at, reps) = preview_at.lock().ok().and_then(|g| *g).unwrap_or_default();
        println!(
            "round {round}: sensitivity previewed: the whole analysis from {reps} replications after {:.3} s, from \
             all {} after {:.3} s",
            at.as_secs_f64(),
            s.draws.rows.len(),
            t.elapsed().as_secs_f64()
        );
    }
}
