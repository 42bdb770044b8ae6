//! Measures how soon the first replication of the default run is available to a
//! front end, and how long the whole run takes (docs/performance.md).
//! `cargo run --release --example first_result_latency`

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

fn main() {
    let sc = aovlab::io::article();
    let mut firsts = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..7 {
        let first: Mutex<Option<Duration>> = Mutex::new(None);
        let start = Instant::now();
        let cancel = AtomicBool::new(false);
        let progress = |_: aovlab::engine::Progress| {
            if let Ok(mut f) = first.lock() {
                f.get_or_insert_with(|| start.elapsed());
            }
        };
        if let Err(e) = aovlab::engine::run(&sc, &Default::default(), &progress, &cancel) {
            eprintln!("run failed: {e}");
            return;
        }
        totals.push(start.elapsed());
        if let Ok(f) = first.lock() {
            firsts.push(f.unwrap_or_default());
        }
    }
    firsts.sort();
    totals.sort();
    println!("first replication: median {:.1} ms", firsts[firsts.len() / 2].as_secs_f64() * 1e3);
    println!("whole run: median {:.1} ms", totals[totals.len() / 2].as_secs_f64() * 1e3);
}
