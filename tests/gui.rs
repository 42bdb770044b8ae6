//! The desktop app, driven through its accessibility tree (egui_kittest): no
//! display, no GPU.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aovlab::gui::{AovApp, Document, Pending, Prefs};
use aovlab::io::scenario_file::ARTICLE_TOML;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The article scenario, made small so each run takes a moment in a debug build.
fn small_article() -> Document {
    let mut sc = aovlab::io::article().spec;
    sc.store.visitors = 20_000;
    sc.store.replications = 8;
    Document::new(sc, None)
}

fn harness(doc: Document) -> Harness<'static, AovApp> {
    let prefs = Prefs { dark: false, recent: Vec::new() };
    Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_ui_state(|ui, app: &mut AovApp| app.ui(ui), AovApp::new(doc, prefs))
}

fn wait_for_results(h: &mut Harness<'static, AovApp>) {
    for _ in 0..6000 {
        h.step();
        let app = h.state();
        if !app.is_running() && app.results.as_ref().is_some_and(|r| r.complete) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no complete results within 30 s");
}

#[test]
fn opens_runs_and_shows_the_engines_numbers() {
    let doc = small_article();
    let expected = {
        let sc = doc.scenario().unwrap();
        aovlab::engine::run_and_summarize(&sc, &Default::default()).unwrap()
    };
    let mut h = harness(doc);
    wait_for_results(&mut h);
    // Every KPI card shows the engine's numbers: the holdout's levels, and each
    // strategy's four lifts and annual impact. Counted per text, so that a row showing
    // another row's metric leaves its own number short.
    use aovlab::format::{lift, money, money_compact, percent};
    let mut want: std::collections::HashMap<String, usize> = Default::default();
    for s in &expected.strategies {
        let texts = match &s.vs_holdout {
            None => {
                let m = &s.metrics;
                vec![
                    percent(m.conversion_rate.unwrap().mean, 2),
                    money(m.aov.unwrap().mean, "USD", 2),
                    money(m.revenue_per_visitor.unwrap().mean, "USD", 3),
                    money(m.gross_margin_per_visitor.unwrap().mean, "USD", 3),
                ]
            }
            Some(v) => {
                let mut t: Vec<String> = [v.conversion_rate_lift, v.aov_lift, v.rpv_lift, v.margin_lift]
                    .iter()
                    .map(|l| lift(l.unwrap().summary.mean, 1))
                    .collect();
                let impact = v.annual_gmv_impact.unwrap().summary.mean;
                let m = money_compact(impact, "USD");
                t.push(if impact > 0.0 { format!("+{m}") } else { m });
                t
            }
        };
        for text in texts {
            *want.entry(text).or_default() += 1;
        }
    }
    for (text, n) in &want {
        let shown = h.get_all_by_label(text).count();
        assert!(shown >= *n, "`{text}` shown {shown} times, expected at least {n}");
    }
    h.get_by_label_contains("last run:");
}

#[test]
fn editing_marks_results_stale_and_a_rerun_uses_the_edit() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    assert!(!h.state().results_stale());
    h.get_by_label("Replications").set_value_accesskit(3.0);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec.store.replications, 3);
    assert!(h.state().results_stale());
    h.get_by_label_contains("Results are stale");
    assert!(h.state().doc.is_dirty());
    h.get_by_label_contains(" *");

    h.get_by_label("Run scenario").click();
    h.run_steps(1);
    wait_for_results(&mut h);
    assert!(!h.state().results_stale());
    assert_eq!(h.state().results.as_ref().unwrap().reps.len(), 3);
    h.get_by_label_contains("last run:");
    h.get_by_label_contains("3 × 20,000 visitors");
}

#[test]
fn undo_and_redo_cover_edits() {
    let mut h = harness(small_article());
    h.run_steps(1);
    h.get_by_label("Visitors / replication").set_value_accesskit(12_345.0);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec.store.visitors, 12_345);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec.store.visitors, 20_000);
    assert!(!h.state().doc.is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec.store.visitors, 12_345);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec.store.visitors, 12_345);
}

#[test]
fn unsaved_changes_guard_new() {
    let mut h = harness(small_article());
    // The run started on the first frame shows its own Cancel button until it ends.
    wait_for_results(&mut h);
    h.get_by_label("Seed").set_value_accesskit(7.0);
    h.run_steps(2);
    assert!(h.state().doc.is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(2);
    assert_eq!(h.state().pending, Some(Pending::New));
    h.get_by_label("Unsaved changes");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert_eq!(h.state().pending, None);
    assert_eq!(h.state().doc.spec.store.seed, 7);

    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(2);
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    assert!(!h.state().doc.is_dirty());
    assert_eq!(h.state().doc.spec, aovlab::io::article().spec);
}

#[test]
fn an_invalid_field_is_flagged_and_run_is_disabled() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    let mut spec = h.state().doc.spec.clone();
    spec.segments[0].add_to_cart_rate = aovlab::model::Param::Fixed(1.5);
    h.state_mut().doc.replace(spec);
    h.state_mut().editor.page = aovlab::gui::Page::Segments;
    h.run_steps(2);
    h.get_by_label_contains("Run disabled: 1 problem(s)");
    h.get_by_label("value 1.5 is outside the allowed range [0, 1]");
    use egui_kittest::kittest::NodeT;
    assert!(h.get_by_label("Run scenario").accesskit_node().is_disabled());
}

#[test]
fn a_file_that_fails_to_load_leaves_the_scenario_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, ARTICLE_TOML.replace("share = 0.55", "shre = 0.55")).unwrap();
    let mut h = harness(small_article());
    h.run_steps(1);
    let before = h.state().doc.spec.clone();
    let ctx = h.ctx.clone();
    h.state_mut().open(&ctx, bad.clone());
    h.run_steps(2);
    assert_eq!(h.state().doc.spec, before);
    let (msg, is_error) = h.state().message.clone().unwrap();
    assert!(is_error);
    assert!(msg.contains("bad.toml:") && msg.contains("did you mean `share`?"), "{msg}");
    h.get_by_label_contains("Failed to load");
}

#[test]
fn save_is_atomic_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    let mut doc = small_article();
    doc.spec.name = "Mine".into();
    doc.save_as(path.clone()).unwrap();
    assert!(!doc.is_dirty());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary files are left: {names:?}");
    let back = Document::open(path.clone()).unwrap();
    assert_eq!(back.spec, doc.spec);

    // A save that cannot complete leaves the previous file as it was.
    let before = std::fs::read(&path).unwrap();
    let mut other = small_article();
    other.spec.name = "Other".into();
    let blocked = dir.path().join("no-such-dir").join("x.toml");
    assert!(other.save_as(blocked).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn every_editor_page_renders_with_accessible_widgets() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    for page in aovlab::gui::Page::ALL {
        h.state_mut().editor.page = page;
        if page == aovlab::gui::Page::Catalog {
            h.state_mut().editor.selected = Some(1);
        }
        // Each step runs the harness's accessibility check over the whole window.
        h.run_steps(2);
        if page == aovlab::gui::Page::Catalog {
            h.get_by_label("Links from PodPro Single-Serve Brewer");
        }
    }
}

#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_scenario_file_opens_and_runs_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apparel.toml");
    let text = std::fs::read_to_string("scenarios/apparel-free-shipping.toml")
        .unwrap()
        .replace("visitors = 100_000", "visitors = 10_000")
        .replace("replications = 60", "replications = 4");
    std::fs::write(&path, text).unwrap();
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(path.clone())));
    h.run_steps(1);
    assert_eq!(h.state().doc.path.as_deref(), Some(path.as_path()));
    assert_eq!(h.state().doc.spec.name, "Apparel store, free shipping over $75");
    assert_eq!(h.state().prefs.recent.first(), Some(&path));
    wait_for_results(&mut h);
    h.get_by_label("apparel.toml");
    assert!(h.get_all_by_label("Free-shipping banner (30% window)").count() >= 1);
}

#[test]
fn a_csv_catalog_opens_edits_and_saves_back_to_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = small_article().spec;
    spec.catalog = Some(aovlab::model::CatalogFiles { products: Some("p.csv".into()), links: Some("l.csv".into()) });
    let path = dir.path().join("s.toml");
    aovlab::io::save_scenario(&path, &spec).unwrap();
    let mut doc = Document::open(path.clone()).unwrap();
    assert_eq!(doc.spec.products.len(), 26);
    let mut edited = doc.spec.clone();
    edited.products[0].price = 99.5;
    doc.replace(edited);
    doc.save_as(path.clone()).unwrap();
    let csv = std::fs::read_to_string(dir.path().join("p.csv")).unwrap();
    assert!(csv.lines().nth(1).unwrap().contains(",99.5,"), "{csv}");
    assert!(!std::fs::read_to_string(&path).unwrap().contains("[[products]]"));

    let mut h = harness(Document::open(path).unwrap());
    h.state_mut().editor.page = aovlab::gui::Page::Catalog;
    h.run_steps(2);
    h.get_by_label_contains("Products are kept in p.csv");
}
