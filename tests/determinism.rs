//! Results depend only on the scenario and its seed: never on the thread count.
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::engine::RunOptions;
use aovlab::io::export::report_json;
use aovlab::report::summarize;
use common::{run, scenario};

fn small_article(seed: u64) -> aovlab::model::Scenario {
    let text = aovlab::io::scenario_file::ARTICLE_TOML
        .replace("visitors = 100_000", "visitors = 50_000")
        .replace("replications = 100 ", "replications = 6 ")
        .replace("seed = 20261125", &format!("seed = {seed}"));
    scenario(&text)
}

#[test]
fn identical_across_thread_counts() {
    let sc = small_article(99);
    let one = run(&sc, Some(1));
    for threads in [2, 16] {
        let other = run(&sc, Some(threads));
        assert_eq!(one.replications, other.replications, "threads = {threads}");
    }
    // The summaries (and so every number shown) are bit-identical too.
    let mut a = summarize(&sc, &one.replications, 0.0, 0);
    let mut b = summarize(&sc, &run(&sc, Some(2)).replications, 0.0, 0);
    a.visitor_sessions_per_second = 0.0;
    b.visitor_sessions_per_second = 0.0;
    assert_eq!(report_json(&a).unwrap(), report_json(&b).unwrap());
}

#[test]
fn identical_across_runs_and_different_across_seeds() {
    let a = run(&small_article(1), None);
    let b = run(&small_article(1), None);
    let c = run(&small_article(2), None);
    assert_eq!(a.replications, b.replications);
    assert_ne!(a.replications, c.replications);
}

#[test]
fn a_shard_of_replications_equals_the_same_replications_of_a_full_run() {
    let sc = small_article(5);
    let full = run(&sc, None);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let part = aovlab::engine::run(
        &sc,
        &RunOptions { threads: Some(2), replications: Some(2..4), ..Default::default() },
        &|_| {},
        &cancel,
    )
    .unwrap();
    assert_eq!(part.replications, full.replications[2..4].to_vec());
}

#[test]
fn cancelling_stops_the_run() {
    let sc = small_article(5);
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let r = aovlab::engine::run(&sc, &RunOptions::default(), &|_| {}, &cancel);
    assert!(matches!(r, Err(aovlab::engine::RunError::Cancelled)));
}

/// Reordering the strategies in the file changes no result: each strategy's tallies
/// (its uncertain friction reduction included) follow its name, not its place.
#[test]
fn reordering_the_strategies_changes_no_result() {
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 20_000;
    spec.store.replications = 4;
    assert!(
        spec.strategies.iter().any(|s| s.checkout.friction_reduction.is_uncertain()),
        "the article has an uncertain lever"
    );
    let a = aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
    spec.strategies.rotate_left(2);
    let b = aovlab::model::Scenario::from_spec(spec).unwrap();
    let (ra, rb) = (run(&a, None), run(&b, None));
    for (x, y) in ra.replications.iter().zip(&rb.replications) {
        for (k, s) in a.strategies.iter().enumerate() {
            let j = b.strategies.iter().position(|t| t.name == s.name).unwrap();
            assert_eq!(x.strategies[k], y.strategies[j], "{} in replication {}", s.name, x.replication);
        }
    }
}
