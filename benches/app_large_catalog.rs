//! The desktop app on a large catalog: resident memory, the time of a frame on each
//! page, and the time of an edit (applying it, and the frame after it).
//!
//! ```text
//! python3 benches/make_large_catalog.py --csv big/large-csv.toml
//! cargo bench --bench app_large_catalog -- big/large-csv.toml
//! ```
//!
//! Frames are driven headlessly (egui_kittest): they include egui's layout and every
//! line of the app's code, not the tessellation and painting a window adds (measured
//! separately with `AOVLAB_TIMING`, docs/performance.md). Prints figures; asserts
//! nothing about time.

use aovlab::model::FieldId;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use aovlab::gui::{AovApp, Document, Page, Prefs};
use aovlab::model::edit::Edit;
use aovlab::model::fields::{Path, Value};
use egui_kittest::Harness;

fn status(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(key)).map(|l| l[key.len()..].trim().to_string()))
        .unwrap_or_else(|| "n/a".into())
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Median and maximum of `n` frames.
fn frames(h: &mut Harness<'static, AovApp>, n: usize) -> (Duration, Duration) {
    let mut t: Vec<Duration> = (0..n)
        .map(|_| {
            let s = Instant::now();
            h.step();
            s.elapsed()
        })
        .collect();
    t.sort();
    (t[n / 2], t[n - 1])
}

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")).map(PathBuf::from) else {
        eprintln!(
            "usage: cargo bench --bench app_large_catalog -- SCENARIO.toml\n\
             (make one with: python3 benches/make_large_catalog.py --csv big/large-csv.toml)"
        );
        return;
    };
    let t = Instant::now();
    let mut doc = match Document::open(path.clone()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    println!(
        "{}: {} products, {} links; opened in {}, resident {}",
        path.display(),
        doc.spec().products.len(),
        doc.spec().links.len(),
        ms(t.elapsed()),
        status("VmRSS:")
    );
    // A small run, so that the engine does not dominate what is measured.
    doc.apply(Edit::Batch(vec![
        Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(20_000)),
        Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(2)),
    ]))
    .expect("a small run");
    let prefs = Prefs { native_dialogs: false, ..Prefs::default() };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut AovApp| app.ui(ui), AovApp::new(doc, prefs));
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(120) {
        h.step();
        let app = h.state();
        if !app.is_running() && app.results.as_ref().is_some_and(|r| r.complete()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    println!("first results after {}", ms(t.elapsed()));

    for page in [Page::Store, Page::Catalog, Page::Segments, Page::Strategies] {
        h.state_mut().editor.page = page;
        let first = Instant::now();
        h.step();
        let first = first.elapsed();
        let (median, max) = frames(&mut h, 30);
        println!("{page:?} page: first frame {}, then median {} (max {}) over 30", ms(first), ms(median), ms(max));
    }

    h.state_mut().editor.page = Page::Catalog;
    h.state_mut().editor.catalog.selected = Some(0);
    h.step();
    let (median, max) = frames(&mut h, 30);
    println!("Catalog page, a product's links shown: median {} (max {})", ms(median), ms(max));

    let rename = aovlab::model::edit::rename_product(h.state().doc.spec(), 3, "renamed-product");
    let edits: [(&str, Edit); 4] = [
        ("a price", Edit::Set(Path::item(FieldId::ProductPrice, 7), Value::Number(42.5))),
        ("another price", Edit::Set(Path::item(FieldId::ProductPrice, 9), Value::Number(12.5))),
        ("a link strength", Edit::Set(Path::item(FieldId::LinkStrength, 11), Value::Number(0.45))),
        ("a product id (renamed in its links too)", rename),
    ];
    for (what, e) in edits {
        let t = Instant::now();
        h.state_mut().doc.apply(e).expect("a valid edit");
        let apply = t.elapsed();
        let t = Instant::now();
        h.step();
        let next = t.elapsed();
        let (median, _) = frames(&mut h, 10);
        println!("edit {what}: applied in {}, the next frame {}, then {} per frame", ms(apply), ms(next), ms(median));
    }
    // The whole check, deferred to a pause in typing on catalogs this size.
    let t = Instant::now();
    h.state_mut().doc.check();
    println!("whole-scenario check (after a pause): {}", ms(t.elapsed()));
    println!("resident now {}, peak {}", status("VmRSS:"), status("VmHWM:"));
}
