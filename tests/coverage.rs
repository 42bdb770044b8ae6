//! Every within-replication 95% interval holds the value it estimates about 95% of
//! the time, at a holdout-like size, on both engine paths (docs/model.md, "Intervals
//! within a replication"; `cargo bench --bench coverage` measures the same with more
//! replications and at the scenario's size).
#![allow(clippy::unwrap_used)]

use aovlab::analysis::coverage::{Coverage, fixed_inputs, measure};
use aovlab::engine::{RunOptions, SimPath};
use aovlab::report::Metric;

/// The article's holdout, and the strategies whose intervals are hardest: rare tier
/// prompts, cart suggestions and the full AOV program, at 20,000 visitors.
fn rows(path: SimPath) -> Vec<Coverage> {
    let mut spec = aovlab::io::article_spec();
    let keep =
        ["Holdout", "AOV-optimized", "Popular cross-sell only", "Tier prompt (25% window)", "Tier prompt (universal)"];
    spec.strategies.retain(|s| keep.contains(&s.name.as_str()));
    spec.store.visitors = 20_000;
    spec.store.replications = 400;
    let sc = fixed_inputs(&spec).unwrap();
    measure(&sc, &RunOptions { path, ..Default::default() }).unwrap()
}

fn check(path: SimPath) {
    let rows = rows(path);
    let varying: Vec<&Coverage> = rows.iter().filter(|r| !r.exact).collect();
    assert!(varying.len() >= 30, "{}", varying.len());
    let name = |r: &Coverage| format!("{} / {} ({path:?}): {:.1}%", r.strategy, r.metric.name(), r.coverage * 100.0);
    for r in &varying {
        // About 95% (400 replications measure it to about +/- 2 points), a little
        // wider at this size where the data are a few discrete events: lost orders or
        // tier top-ups. Before the score-type intervals, tier prompts' intervals held
        // 36-77% of the time, and the revenue lift of popular cross-sell (a dozen lost
        // orders against many small gains) 90%; with Newcombe's interval the tier
        // prompts' conversion lift held 100%, hiding every effect of their friction.
        assert!(
            r.coverage >= 0.92,
            "{} covers too rarely (misses above: {:.1}%)",
            name(r),
            (1.0 - r.coverage - r.below) * 100.0
        );
        assert!(
            r.coverage <= 0.995,
            "{} is wider than it needs to be (misses below: {:.1}%)",
            name(r),
            r.below * 100.0
        );
    }
    // Most hold the aim of 94-96% even at this size and sample.
    let aimed = varying.iter().filter(|r| (0.93..=0.97).contains(&r.coverage)).count();
    assert!(aimed * 10 >= varying.len() * 8, "only {aimed} of {} within 93-97%", varying.len());
    // Exact metrics are exact: the holdout's rates of stages it does not show.
    assert!(rows.iter().any(|r| r.exact && r.metric == Metric::TierUpgradeRate && r.strategy == "Holdout"));
}

#[test]
fn intervals_cover_on_the_fast_path() {
    check(SimPath::Fast);
}

#[test]
fn intervals_cover_on_the_counted_path() {
    check(SimPath::Counted);
}
