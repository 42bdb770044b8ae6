//! The optimizer and the holdout planner on the article scenario at its own settings
//! (docs/performance.md): wall time of a whole search (screening, race, fresh
//! evaluation) with its visitor-sessions, and of a 28-day plan with the value of
//! information.
//!
//! ```text
//! cargo bench --bench decide
//! ```

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use aovlab::analysis::optimize::{self, Bounds, Objective, Search};
use aovlab::analysis::plan::{self, Plan};
use aovlab::analysis::value;
use aovlab::engine::RunOptions;
use aovlab::model::Scenario;
use aovlab::report::Metric;

fn main() {
    let spec = aovlab::io::article_spec();
    let sc = Scenario::from_spec(spec.clone()).expect("the article");
    let cancel = AtomicBool::new(false);
    let opts = RunOptions::default();
    for objective in [Objective(Metric::RevenuePerVisitor), Objective(Metric::ConversionRate)] {
        for round in 1..=3 {
            let search = Search { objective, constraints: Vec::new(), bounds: Bounds::of(&spec) };
            let t = Instant::now();
            let r = optimize::optimize(&spec, &sc, &search, &opts, &|_| {}, &cancel).expect("search");
            let secs = t.elapsed().as_secs_f64();
            // Visitor-sessions: each stage's candidates times its new replications
            // (plus the holdout in every pass of 63), and the fresh evaluation.
            let mut sessions = 0.0;
            let mut before = 0;
            for &(reps, n) in &r.stages {
                let passes = n.div_ceil(63) as f64;
                sessions += (n as f64 + passes) * f64::from(reps - before) * sc.visitors() as f64;
                before = reps;
            }
            let fresh = r.finalists.len() + spec.strategies.len();
            sessions += (fresh as f64 + 1.0) * f64::from(sc.replications()) * sc.visitors() as f64;
            println!(
                "optimize {} round {round}: {:.2} s for {} policies, {:.2e} visitor-sessions ({:.0} million / s)",
                objective.name(),
                secs,
                r.policies_evaluated,
                sessions,
                sessions / secs / 1e6
            );
        }
    }
    let k = sc.strategies.iter().position(|s| s.name() == "AOV-optimized").expect("AOV-optimized");
    for round in 1..=3 {
        let p = Plan { daily_visitors: 37_771, holdout_share: 0.1, days: 28, strategy: k, alpha: 0.05 };
        let t = Instant::now();
        let planned = plan::plan(&sc, &p, &opts, &|_| {}, &cancel).expect("plan");
        let plan_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = value::value(&spec, &sc, planned.worlds, Some(&planned), value::Basis::Gross, &opts, &|_| {}, &cancel)
            .expect("value");
        println!(
            "plan-holdout round {round}: plan {:.2} s ({} worlds x {} days x {} visitors a day), value of information {:.2} s",
            plan_s,
            planned.worlds,
            planned.horizon,
            p.daily_visitors,
            t.elapsed().as_secs_f64()
        );
    }
}
