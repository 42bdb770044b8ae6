//! Coverage of every within-replication 95% interval (docs/model.md, "Intervals
//! within a replication"): the article scenario with its uncertain inputs fixed, at
//! holdout-like and scenario sizes, on both engine paths.
//!
//! ```text
//! cargo bench --bench coverage [-- REPLICATIONS [VISITORS...]]   (default 2000, 20000 100000)
//! ```
//!
//! Prints each (strategy, metric) outside the aim of 94-96% and a summary per size and
//! path: how many intervals lie below 93%, in 93-94%, in the aim, in 96-97% and above.

use aovlab::analysis::coverage::{fixed_inputs, measure};
use aovlab::engine::{RunOptions, SimPath};

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let replications = args.first().copied().unwrap_or(2000) as u32;
    let sizes: Vec<u64> = if args.len() > 1 { args[1..].to_vec() } else { vec![20_000, 100_000] };
    let mut spec = aovlab::io::article_spec();
    spec.store.replications = replications;
    for visitors in sizes {
        spec.store.visitors = visitors;
        let sc = fixed_inputs(&spec).unwrap_or_else(|e| panic!("{e:?}"));
        for path in [SimPath::Fast, SimPath::Counted] {
            let t = std::time::Instant::now();
            let rows = measure(&sc, &RunOptions { path, ..Default::default() }).expect("the run");
            let exact = rows.iter().filter(|r| r.exact).count();
            let rows: Vec<_> = rows.into_iter().filter(|r| !r.exact).collect();
            let outside: Vec<_> = rows.iter().filter(|r| !(0.94..=0.96).contains(&r.coverage)).collect();
            let band = |lo: f64, hi: f64| rows.iter().filter(|r| r.coverage >= lo && r.coverage < hi).count();
            let min = rows.iter().map(|r| r.coverage).fold(1.0, f64::min);
            let max = rows.iter().map(|r| r.coverage).fold(0.0, f64::max);
            println!(
                "{visitors} visitors x {replications} replications, {path:?} path: {} intervals (and {exact} metrics exact by construction), coverage {:.1}%-{:.1}%; below 93%: {}, 93-94%: {}, 94-96%: {}, 96-97%: {}, above 97%: {} ({:.1} s)",
                rows.len(),
                min * 100.0,
                max * 100.0,
                band(0.0, 0.93),
                band(0.93, 0.94),
                band(0.94, 0.96 + 1e-12),
                band(0.96 + 1e-12, 0.97),
                band(0.97, 1.01),
                t.elapsed().as_secs_f64()
            );
            for r in outside {
                println!(
                    "    {:.1}%  {} / {}  (n {}, mean {:.6}, misses below {:.1}%, spread / se {:.2}, width / (2 x rms se) {:.2})",
                    r.coverage * 100.0,
                    r.strategy,
                    r.metric.name(),
                    r.n,
                    r.mean,
                    r.below * 100.0,
                    r.spread_ratio,
                    r.width_ratio
                );
            }
        }
    }
}
