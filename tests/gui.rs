//! The desktop app, driven through its accessibility tree (egui_kittest): no
//! display, no GPU.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aovlab::gui::analysis::{AnalysisTab, View};
use aovlab::gui::{AovApp, Document, Level, Page, Pending, Prefs, RunState};
use aovlab::io::scenario_file::ARTICLE_TOML;
use aovlab::model::FieldId;
use aovlab::model::edit::Edit;
use aovlab::model::fields::{Path, Value};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The article scenario, made small so each run takes a moment in a debug build.
fn small_article() -> Document {
    let mut doc = Document::article();
    doc.apply(Edit::Batch(vec![
        Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(20_000)),
        Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(8)),
    ]))
    .unwrap();
    saved(doc)
}

/// `doc` as if just saved (so that edits made by the test show as unsaved).
fn saved(doc: Document) -> Document {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = doc;
    let path = dir.path().join("small.toml");
    doc.save_as(path.clone()).unwrap();
    let opened = Document::open(path).unwrap();
    std::mem::forget(dir); // the folder outlives the test: the document names it
    opened
}

fn prefs() -> Prefs {
    Prefs { dark: false, native_dialogs: false, ..Prefs::default() }
}

fn harness_sized(doc: Document, w: f32, h: f32) -> Harness<'static, AovApp> {
    Harness::builder()
        .with_size(egui::vec2(w, h))
        .build_ui_state(|ui, app: &mut AovApp| app.ui(ui), AovApp::new(doc, prefs()))
}

fn harness(doc: Document) -> Harness<'static, AovApp> {
    harness_sized(doc, 1500.0, 1000.0)
}

fn wait_for_results(h: &mut Harness<'static, AovApp>) {
    for _ in 0..6000 {
        h.step();
        let app = h.state();
        if !app.is_running() && app.results.as_ref().is_some_and(|r| r.complete()) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no complete results within 30 s");
}

fn edit(h: &mut Harness<'static, AovApp>, e: Edit) {
    h.state_mut().doc.apply(e).unwrap();
    h.run_steps(2);
}

#[test]
fn opens_runs_and_shows_the_engines_numbers() {
    let mut doc = small_article();
    let expected = {
        let sc = doc.scenario().unwrap();
        aovlab::report::run_and_summarize(&sc, &Default::default()).unwrap()
    };
    let mut h = harness(doc);
    wait_for_results(&mut h);
    // Every KPI card shows the engine's numbers: the holdout's levels, and each
    // strategy's levels and lifts. Counted per text, so that a row showing another
    // row's metric leaves its own number short.
    use aovlab::report::Metric;
    let mut want: std::collections::HashMap<String, usize> = Default::default();
    for s in &expected.strategies {
        let mut texts = Vec::new();
        if s.is_holdout {
            for m in [Metric::ConversionRate, Metric::Aov, Metric::RevenuePerVisitor, Metric::GrossMarginPerVisitor] {
                texts.push(m.format(m.summary(s).unwrap().mean, "USD"));
            }
        } else {
            // The gross lifts: without returns the net ones equal them and are not
            // repeated, and the vendor's ratios have their own panel.
            let gross = [
                Metric::ConversionRateLift,
                Metric::AovLift,
                Metric::RpvLift,
                Metric::MarginLift,
                Metric::AnnualGmvImpact,
            ];
            for m in gross {
                let l = m.lift_summary(s).unwrap();
                let zero = l.summary.mean == 0.0 && l.summary.p05 == 0.0 && l.summary.p95 == 0.0;
                texts.push(if zero { "no change".into() } else { m.format(l.summary.mean, "USD") });
            }
            for m in [Metric::ConversionRate, Metric::Aov, Metric::RevenuePerVisitor, Metric::GrossMarginPerVisitor] {
                texts.push(m.format(m.summary(s).unwrap().mean, "USD"));
            }
        }
        for text in texts {
            *want.entry(text).or_default() += 1;
        }
    }
    for (text, n) in &want {
        let shown = h.get_all_by_label(text).count();
        assert!(shown >= *n, "`{text}` shown {shown} times, expected at least {n}");
    }
    h.get_by_label_contains("last run:");
    // A change that is exactly zero in every replication reads "no change".
    assert!(h.get_all_by_label("no change").count() >= 1);
}

#[test]
fn the_net_panel_and_the_vendors_view_show_the_engines_numbers() {
    let mut doc = small_article();
    doc.apply(Edit::Batch(vec![
        Edit::Set(Path::top(FieldId::ReturnRatePostCheckout), Value::Param(aovlab::model::Param::Fixed(0.3))),
        Edit::Set(Path::top(FieldId::ReturnRateBaseCart), Value::Param(aovlab::model::Param::Fixed(0.08))),
        Edit::Set(Path::top(FieldId::CostPostCheckoutMonthly), Value::Number(500.0)),
        Edit::Set(Path::top(FieldId::CostPostCheckoutRevenueShare), Value::Number(0.05)),
    ]))
    .unwrap();
    let expected = {
        let sc = doc.scenario().unwrap();
        aovlab::report::run_and_summarize(&sc, &Default::default()).unwrap()
    };
    let mut h = harness_sized(doc, 1500.0, 4000.0);
    wait_for_results(&mut h);
    h.get_by_label("Net of returns, and what a vendor would claim");
    let money = |x: f64| aovlab::format::money(x, "USD", 3);
    for row in aovlab::report::net::rows(&expected) {
        for text in [money(row.net), money(row.net_margin), format!("-{}", money(row.refunds))] {
            assert!(h.query_all_by_label(&text).count() >= 1, "{}: `{text}` is not shown", row.name);
        }
        if !row.is_holdout {
            assert!(h.query_all_by_label(&money(row.attributed)).count() >= 1, "{}: the vendor's claim", row.name);
            if row.incremental > 0.0 {
                let ratio = format!("{:.1}x", row.attributed / row.incremental);
                assert!(h.query_all_by_label(&ratio).count() >= 1, "{}: `{ratio}`", row.name);
            }
        }
    }
    // What each strategy earns a year after its program costs.
    for row in aovlab::report::net::rows(&expected).iter().filter(|x| !x.is_holdout) {
        let cost = aovlab::format::money(row.program_cost, "USD", 0);
        assert!(h.query_all_by_label(&cost).count() >= 1, "{}: the program cost `{cost}`", row.name);
        if let Some(roi) = row.roi {
            let text = format!("{roi:.1}x");
            assert!(h.query_all_by_label(&text).count() >= 1, "{}: the ROI `{text}`", row.name);
        }
    }
    // The featured strategy's claim in words.
    h.get_by_label_contains("AOV-optimized: A vendor's dashboard would claim");
    // Returns make net differ from gross: the cards show the net lifts too.
    assert!(h.query_all_by_label("Annual net impact").count() >= 7);
}

#[test]
fn editing_marks_results_stale_and_a_rerun_uses_the_edit() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    assert!(!h.state().results_stale());
    h.get_by_label("Replications").set_value_accesskit(3.0);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().store.replications, 3);
    assert!(h.state().results_stale());
    h.get_by_label_contains("Results are stale");
    assert!(h.state().doc.is_dirty());
    h.get_by_label_contains(" *");

    h.get_by_label("Run scenario").click();
    h.run_steps(1);
    wait_for_results(&mut h);
    assert!(!h.state().results_stale());
    assert_eq!(h.state().results.as_ref().unwrap().reps.len(), 3);
    h.get_by_label_contains("3 × 20,000 visitors");
}

#[test]
fn undo_back_to_the_saved_scenario_is_saved_and_its_results_current() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    assert!(!h.state().doc.is_dirty() && !h.state().results_stale());
    h.get_by_label("Visitors per replication").set_value_accesskit(12_345.0);
    h.run_steps(2);
    assert!(h.state().doc.is_dirty() && h.state().results_stale());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().store.visitors, 20_000);
    assert!(!h.state().doc.is_dirty(), "back at the saved scenario: no `*`");
    assert!(!h.state().results_stale(), "the results describe this scenario again");
    assert!(h.query_by_label_contains("stale").is_none());
    // Redo returns to the edited scenario, unsaved and with stale results again.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert!(h.state().doc.is_dirty() && h.state().results_stale());
}

#[test]
fn undo_and_redo_cover_edits() {
    let mut h = harness(small_article());
    h.run_steps(1);
    h.get_by_label("Visitors per replication").set_value_accesskit(12_345.0);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().store.visitors, 12_345);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().store.visitors, 20_000);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().store.visitors, 12_345);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().store.visitors, 12_345);
}

#[test]
fn unsaved_changes_guard_new() {
    let mut h = harness(small_article());
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
    assert_eq!(h.state().doc.spec().store.seed, 7);

    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(2);
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    assert!(!h.state().doc.is_dirty());
    assert_eq!(*h.state().doc.spec(), aovlab::io::article_spec());
}

#[test]
fn an_invalid_field_is_flagged_in_the_users_words_and_run_is_disabled() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    edit(&mut h, Edit::Set(Path::item(FieldId::SegmentAddToCartRate, 0), Value::Param(1.5.into())));
    h.state_mut().editor.page = Page::Segments;
    h.run_steps(2);
    // The problem names the segment and the field as the editor shows them.
    h.get_by_label_contains("Run is disabled: 1 problem. New visitors › Add-to-cart rate:");
    // In the field's unit, as the editor shows it (150%), with the file's number.
    h.get_by_label("150% (1.5 in the file) is outside the allowed range 0% to 100%");
    assert!(h.get_by_label("Run scenario").accesskit_node().is_disabled());
    // A product's problem names the product, and a number reads without artefacts.
    edit(&mut h, Edit::Set(Path::item(FieldId::SegmentAddToCartRate, 0), Value::Param(0.05.into())));
    edit(&mut h, Edit::Set(Path::item(FieldId::ProductPrice, 13), Value::Number(-0.06000000000000005)));
    h.get_by_label_contains("Espresso Roast Beans 1 kg › Price: -$0.06 is outside the allowed range above $0.00");
}

#[test]
fn the_holdouts_levers_show_when_one_is_on_and_turn_off_together() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    // Make AOV-optimized the holdout: its levers stay visible, with the error and a fix.
    let e = aovlab::model::edit::make_holdout(h.state().doc.spec(), 2);
    edit(&mut h, e);
    h.state_mut().editor.page = Page::Strategies;
    h.run_steps(2);
    assert!(
        h.get_all_by_label_contains("the holdout must have every lever off, but it sets Pre-checkout policy").count()
            >= 1
    );
    h.get_by_label("Turn every lever off").click();
    h.run_steps(2);
    assert!(h.state().doc.problems().is_empty(), "{:?}", h.state().doc.problems().all());
}

#[test]
fn catalog_edits_follow_the_product_while_the_table_is_sorted() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    h.state_mut().editor.page = Page::Catalog;
    h.run_steps(2);
    h.get_by_label_contains("Price").click(); // sort by price, ascending
    h.run_steps(2);
    let before = h.state().doc.spec().clone();
    let rows = h.state().editor.catalog.rows().to_vec();
    // The second cheapest product: typing a larger price would sort it last.
    let target = rows[1];
    let node_value = format!("${:.2}", before.products[target].price);
    let node = h.get_all_by_value(&node_value).next().unwrap();
    node.click();
    h.run_steps(2);
    // Replace the text keystroke by keystroke: after the first, the price would sort
    // the product elsewhere, and the rest of the keystrokes must follow it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    for ch in ["9", "9", "5"] {
        h.input_mut().events.push(egui::Event::Text(ch.into()));
        h.run_steps(1);
    }
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().doc.spec().products[target].price, 995.0, "the typed price landed");
    let after = h.state().doc.spec();
    let changed: Vec<usize> = (0..after.products.len()).filter(|&i| after.products[i] != before.products[i]).collect();
    assert!(changed.len() <= 1, "keystrokes went into several products: {changed:?}");
    if let Some(&i) = changed.first() {
        assert_eq!(i, target, "the edit landed on another product");
    }
}

#[test]
fn adding_a_product_under_a_filter_shows_it_and_removing_one_says_what_went() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    h.state_mut().editor.page = Page::Catalog;
    h.state_mut().editor.catalog.filter = "pods".into();
    h.run_steps(2);
    h.get_by_label("Add product").click();
    h.run_steps(3);
    let n = h.state().doc.spec().products.len();
    assert!(h.state().editor.catalog.filter.is_empty(), "the filter is cleared so the new product shows");
    assert!(h.state().editor.catalog.rows().contains(&(n - 1)));
    assert_eq!(h.state().editor.catalog.selected, Some(n - 1));
    // Removing the pod brewer removes its five links, and says so.
    let i = h.state().doc.spec().products.iter().position(|p| p.id == "brewer-pod").unwrap();
    let (e, links) = aovlab::model::edit::remove_product(h.state().doc.spec(), i);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, aovlab::gui::Command::EditSaying(e, format!("Removed it and {links} links")));
    h.run_steps(2);
    assert!(h.state().notice.as_ref().unwrap().text.contains("5 links"));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().links.len(), aovlab::io::article_spec().links.len());
}

#[test]
fn a_new_segment_keeps_the_shares_summing_to_one() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    h.state_mut().editor.page = Page::Segments;
    h.run_steps(2);
    h.get_by_label("Add segment").click();
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().segments.len(), 4);
    assert!(h.state().doc.problems().is_empty(), "{:?}", h.state().doc.problems().all());
}

#[test]
fn rates_read_as_percentages_and_money_with_its_symbol() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    h.state_mut().editor.page = Page::Segments;
    h.run_steps(2);
    // New visitors' add-to-cart rate is 0.05: the editor shows 5%.
    assert!(h.query_all_by_value("5%").count() >= 1 || h.query_all_by_label("5%").count() >= 1);
    h.state_mut().editor.page = Page::Store;
    h.run_steps(2);
    assert!(h.query_all_by_value("$50,000,000.00").count() + h.query_all_by_label("$50,000,000.00").count() >= 1);
}

#[test]
fn a_file_that_cannot_be_parsed_leaves_the_scenario_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, ARTICLE_TOML.replace("share = 0.55", "shre = 0.55")).unwrap();
    let mut h = harness(small_article());
    h.run_steps(1);
    let before = h.state().doc.spec().clone();
    let ctx = h.ctx.clone();
    h.state_mut().open(&ctx, bad.clone());
    h.run_steps(2);
    assert_eq!(*h.state().doc.spec(), before);
    let n = h.state().notice.clone().unwrap();
    assert_eq!(n.level, Level::Error);
    assert!(n.text.contains("bad.toml:") && n.text.contains("did you mean `share`?"), "{}", n.text);
    h.get_by_label_contains("Failed to load");
}

#[test]
fn a_file_with_a_value_out_of_range_opens_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.toml");
    std::fs::write(&path, ARTICLE_TOML.replace("add_to_cart_rate = 0.05", "add_to_cart_rate = 1.5")).unwrap();
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    let ctx = h.ctx.clone();
    h.state_mut().open(&ctx, path.clone());
    h.run_steps(2);
    assert_eq!(h.state().doc.path.as_deref(), Some(path.as_path()));
    assert_eq!(h.state().notice.as_ref().unwrap().level, Level::Warning);
    h.get_by_label_contains("Run is disabled: 1 problem.");
    assert!(h.state().results.is_none());
}

#[test]
fn saving_keeps_the_files_comments_and_layout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    let mut doc = Document::article();
    doc.apply(Edit::Set(Path::top(FieldId::Name), Value::Text(Some("Mine".into())))).unwrap();
    doc.save_as(path.clone()).unwrap();
    assert!(!doc.is_dirty());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary files are left: {names:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed: Vec<&str> = text.lines().filter(|l| !ARTICLE_TOML.lines().any(|a| a == *l)).collect();
    assert_eq!(changed, ["name = \"Mine\""], "only the edited line changes");
    assert!(text.contains("annual_gmv = 50_000_000     # the article's example: $50M a year"));
    assert_eq!(Document::open(path.clone()).unwrap().spec(), doc.spec());

    // A save that cannot complete leaves the previous file as it was.
    let before = std::fs::read(&path).unwrap();
    let mut other = Document::article();
    other.apply(Edit::Set(Path::top(FieldId::Name), Value::Text(Some("Other".into())))).unwrap();
    assert!(other.save_as(dir.path().join("no-such-dir").join("x.toml")).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn every_editor_page_renders_with_accessible_widgets() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    for page in Page::ALL {
        h.state_mut().editor.page = page;
        if page == Page::Catalog {
            h.state_mut().editor.catalog.selected = Some(1);
        }
        // Each step runs the harness's accessibility check over the whole window.
        h.run_steps(2);
        if page == Page::Catalog {
            h.get_by_label("Links from PodPro Single-Serve Brewer");
        }
    }
}

#[test]
fn nothing_is_cut_off_in_a_small_window() {
    let mut h = harness_sized(small_article(), 1280.0, 720.0);
    wait_for_results(&mut h);
    // A long problem message (an invalid tier) must wrap, not widen the window.
    edit(&mut h, Edit::Set(Path::item(FieldId::TierThreshold, 1), Value::Number(100.0)));
    h.run_steps(2);
    let width = 1280.0;
    let wide: Vec<String> = h
        .query_all_by(|n| n.role() == egui::accesskit::Role::Label)
        .filter(|n| n.rect().max.x > width + 1.0)
        .map(|n| format!("{:?} at {:?}", n.accesskit_node().label(), n.rect()))
        .collect();
    assert!(wide.is_empty(), "labels beyond the window's right edge: {wide:#?}");
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
fn dropping_a_scenario_file_opens_runs_and_remembers_it() {
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
    assert_eq!(h.state().doc.spec().name, "Apparel store, free shipping over $75");
    assert_eq!(h.state().prefs.recent.first(), Some(&std::fs::canonicalize(&path).unwrap()));
    wait_for_results(&mut h);
    h.get_by_label("apparel.toml");
    assert!(h.get_all_by_label("Threshold $100").count() >= 1);
}

#[test]
fn a_csv_catalog_opens_edits_and_saves_back_to_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = small_article().spec().clone();
    spec.catalog = Some(aovlab::model::CatalogFiles { products: Some("p.csv".into()), links: Some("l.csv".into()) });
    let path = dir.path().join("s.toml");
    aovlab::io::save_scenario(&path, &spec).unwrap();
    let mut doc = Document::open(path.clone()).unwrap();
    assert_eq!(doc.spec().products.len(), 26);
    doc.apply(Edit::Set(Path::item(FieldId::ProductPrice, 0), Value::Number(99.5))).unwrap();
    doc.save_as(path.clone()).unwrap();
    let csv = std::fs::read_to_string(dir.path().join("p.csv")).unwrap();
    assert!(csv.lines().nth(1).unwrap().contains(",99.5,"), "{csv}");
    assert!(!std::fs::read_to_string(&path).unwrap().contains("[[products]]"));

    let mut h = harness(Document::open(path).unwrap());
    h.state_mut().editor.page = Page::Catalog;
    h.run_steps(2);
    h.get_by_label_contains("Products are kept in p.csv");
}

#[test]
fn cancelling_says_so_and_a_complete_run_clears_it() {
    let mut doc = Document::article();
    doc.apply(Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(2000))).unwrap();
    let mut h = harness(doc);
    for _ in 0..2000 {
        h.step();
        if h.state().results.as_ref().is_some_and(|r| !r.reps.is_empty()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    h.key_press(Key::Escape);
    for _ in 0..2000 {
        h.step();
        if !h.state().is_running() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run_steps(2);
    let r = h.state().results.as_ref().unwrap();
    assert_eq!(r.state, RunState::Cancelled);
    let done = r.reps.len();
    assert!(done < 2000);
    h.get_by_label_contains(&format!("cancelled: {done} of 2,000 replications"));
    h.get_by_label_contains("Partial results:");
    assert_eq!(h.state().notice.as_ref().unwrap().level, Level::Warning);
    assert!(h.query_by_label_contains("running:").is_none());
    // A complete run afterwards leaves no trace of the cancelled one.
    edit(&mut h, Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(3)));
    edit(&mut h, Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(10_000)));
    h.get_by_label("Run scenario").click();
    h.run_steps(1);
    wait_for_results(&mut h);
    assert!(h.query_by_label_contains("Partial results:").is_none());
    assert!(h.query_by_label_contains("cancelled:").is_none());
    assert!(h.query_by_label_contains("Run cancelled after").is_none(), "the cancel note went with its run");
    assert!(h.state().notice.is_none());
}

#[test]
fn without_a_system_dialog_save_as_uses_the_apps_own() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    let dir = h.state().doc.path.as_ref().unwrap().parent().unwrap().to_path_buf();
    // The file dialog's icons are emoji the test fonts lack: draw boxes for them.
    h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run_steps(3);
    // The in-app dialog opens in the scenario's folder with a file name filled in.
    h.get_by_label_contains("Save the scenario as");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Save").click();
    h.run_steps(3);
    let target = dir.join("scenario.toml");
    assert!(target.exists(), "nothing written to {}", target.display());
    assert_eq!(h.state().doc.path.as_deref(), Some(target.as_path()));
    assert_eq!(h.state().notice.as_ref().unwrap().level, Level::Info);
}

#[test]
fn unsaved_work_survives_a_crash() {
    let recovery = tempfile::tempdir().unwrap();
    let mut h = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_ui_state(
        |ui, app: &mut AovApp| app.ui(ui),
        AovApp::new(small_article(), prefs()).with_recovery(recovery.path().to_path_buf()),
    );
    wait_for_results(&mut h);
    edit(&mut h, Edit::Set(Path::top(FieldId::Name), Value::Text(Some("Unsaved work".into()))));
    // The copy is written at most a couple of seconds after the edit.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !recovery.path().join("recovery.json").exists() && std::time::Instant::now() < deadline {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(h); // a crash: nothing cleans up
    let mut h = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_ui_state(
        |ui, app: &mut AovApp| app.ui(ui),
        AovApp::new(Document::article(), prefs()).with_recovery(recovery.path().to_path_buf()),
    );
    h.run_steps(2);
    h.get_by_label("Restore unsaved work?");
    h.get_by_label("Restore").click();
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().name, "Unsaved work");
    assert!(h.state().doc.is_dirty());
    // Saving removes the copy.
    let out = tempfile::tempdir().unwrap();
    let saved = h.state_mut().save(Some(out.path().join("back.toml")));
    assert_eq!(saved, aovlab::gui::Saved::Yes);
    assert!(!recovery.path().join("recovery.json").exists());
}

#[test]
fn zoom_follows_the_keyboard_and_is_remembered() {
    let mut h = harness(small_article());
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    h.run_steps(2);
    assert!(h.state().prefs.zoom > 1.0, "{}", h.state().prefs.zoom);
}

/// Steps until `done` holds (at most 60 s).
fn wait_until(h: &mut Harness<'static, AovApp>, what: &str, done: impl Fn(&AovApp) -> bool) {
    for _ in 0..12_000 {
        h.step();
        if done(h.state()) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{what} did not happen within 60 s");
}

#[test]
fn the_what_if_tab_sweeps_a_lever_and_equals_the_plain_run_at_each_point() {
    let doc = small_article();
    let spec = doc.spec().clone();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.get_by_label("What if (sweep)").click();
    wait_until(&mut h, "the sweep", |app| {
        app.analyses.ran(View::Sweep) && !app.analyses.sweep.is_running() && app.analyses.sweep.result.is_some()
    });
    let app = h.state();
    let r = app.analyses.sweep.result.as_ref().unwrap();
    assert_eq!(r.done(), 11, "every point arrived");
    // The legend names every strategy and the chart's note names the band.
    let _ = h.get_by_label("Conversion-optimized");
    assert!(h.query_by_label_contains("band: AOV-optimized's 5th to 95th percentile").is_some());
    // The app's sweep is the headless one: its middle point equals the plain run.
    let app = h.state();
    let r = app.analyses.sweep.result.as_ref().unwrap();
    let (path, x, report) = r.point(5).unwrap();
    let mut at = spec.clone();
    let p = aovlab::model::fields::resolve(&at, path).unwrap();
    let v = aovlab::model::fields::parse_value(p.spec_field(), &x.to_string()).unwrap();
    aovlab::model::fields::set(&mut at, &p, v).unwrap();
    let plain =
        aovlab::report::run_and_summarize(&aovlab::model::Scenario::from_spec(at).unwrap(), &Default::default())
            .unwrap();
    assert_eq!(report.strategies, plain.strategies);
}

#[test]
fn the_sensitivity_tab_ranks_the_inputs_and_states_the_decision() {
    let mut doc = small_article();
    doc.apply(Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(6))).unwrap();
    doc.apply(Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(8_000))).unwrap();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.get_by_label("Sensitivity").click();
    wait_until(&mut h, "the analysis", |app| app.analyses.ran(View::Sensitivity) && app.analyses.sensitivity.settled());
    let sc = h.state_mut().doc.scenario().expect("valid");
    let app = h.state();
    let s = &app.analyses.sensitivity.result.as_ref().expect("a result").analysis;
    // Every uncertain input that can move a gross outcome (returns move only net ones).
    let gross = sc.uncertain_inputs().iter().filter(|(_, i)| !aovlab::model::Scenario::net_only(i.field)).count();
    assert_eq!(s.inputs.len(), gross);
    assert_eq!(gross, 8, "the article's");
    assert!(s.inputs.windows(2).all(|w| w[0].swing >= w[1].swing), "largest swing first");
    for e in &s.inputs {
        // The table names every input (the editor may name it too).
        assert!(h.query_all_by_label(&e.label).count() >= 1, "{}", e.label);
    }
    assert!(h.query_by_label_contains("Decision: AOV-optimized minus Conversion-optimized").is_some());
    assert!(h.query_by_label_contains("stays ahead").is_some());
}

#[test]
fn a_correlation_is_added_edited_and_undone_on_the_store_page() {
    // Tall enough that the section at the end of the Store page is on screen.
    let mut h = harness_sized(small_article(), 1500.0, 2600.0);
    wait_for_results(&mut h);
    // The article's own: its segments' post-purchase eligibility moves together.
    let before = h.state().doc.spec().correlations.len();
    assert_eq!(before, 3);
    h.get_by_label("Add correlation").click();
    h.run_steps(3);
    let c = h.state().doc.spec().correlations.clone();
    assert_eq!(c.len(), before + 1);
    // The first two inputs with a distribution, at 0.5.
    assert_eq!(c[before].first, "behaviour.pre_checkout_base_accept");
    assert_eq!(c[before].second, "behaviour.post_checkout_base_accept");
    assert!((c[before].rank - 0.5).abs() < 1e-12);
    assert!(h.state_mut().doc.scenario().is_some_and(|s| s.copula.is_some()), "the scenario draws them together");
    assert!(h.query_by_label_contains("Draws of 500 replications").is_some(), "the scatter shows");
    edit(&mut h, Edit::Set(Path::item(FieldId::CorrelationRank, before), Value::Number(1.5)));
    assert!(h.state().doc.problems().get(&format!("correlations[{before}].rank")).is_some(), "out of range is flagged");
    h.state_mut().doc.undo();
    h.state_mut().doc.undo();
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().correlations.len(), before);
}

#[test]
fn a_precision_target_stops_the_apps_run_and_says_where() {
    use aovlab::analysis::precision::Target;
    let mut doc = small_article();
    doc.apply(Edit::Batch(vec![
        Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(5_000)),
        Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(60)),
    ]))
    .unwrap();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.state_mut().precision = Some(Target { metric: aovlab::report::Metric::RpvLift, half_width: 0.012 });
    h.key_press(Key::F5);
    wait_for_results(&mut h);
    let app = h.state();
    let res = app.results.as_ref().unwrap();
    let reached = res.reached.as_ref().expect("the target's outcome");
    assert!(
        reached.met && (reached.replications as usize) == res.reps.len() && res.reps.len() < 60,
        "{reached:?} with {} replications",
        res.reps.len()
    );
    assert_eq!(res.state, RunState::Complete);
    assert!(h.query_by_label_contains("Precision target met after").is_some());
    assert!(h.query_all_by_label_contains("Convergence").count() >= 1, "the convergence chart");
}

#[test]
fn the_optimize_tab_finds_a_policy_and_adds_it_to_the_scenario() {
    let mut doc = small_article();
    doc.apply(Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(6))).unwrap();
    doc.apply(Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(4_000))).unwrap();
    let n = doc.spec().strategies.len();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.get_by_label("Optimize").click();
    wait_until(&mut h, "the search", |app| {
        app.analyses.ran(View::Optimize)
            && !app.analyses.optimize.is_running()
            && app.analyses.optimize.result.as_ref().is_some_and(|r| !r.result.evaluated.is_empty())
    });
    let chosen = {
        let r = &h.state().analyses.optimize.result.as_ref().unwrap().result;
        r.evaluated[r.chosen.unwrap()].levers.clone()
    };
    assert!(h.query_by_label_contains("Best for revenue per visitor").is_some());
    assert!(h.query_by_label_contains("Pareto frontier").is_some());
    h.get_by_label("Add to scenario as \"Optimized for revenue per visitor\"").click();
    h.run_steps(3);
    let spec = h.state().doc.spec().clone();
    assert_eq!(spec.strategies.len(), n + 1);
    let added = spec.strategies.last().unwrap();
    assert_eq!(added.name, "Optimized for revenue per visitor");
    assert_eq!(added.pre_checkout, chosen.pre_checkout);
    assert_eq!(added.post_checkout, chosen.post_checkout);
    assert!(aovlab::model::Scenario::from_spec(spec).is_ok(), "the scenario stays valid");
    // Added once: the button gives way to where the strategy went, on this tab.
    assert!(h.query_by_label_contains("Add to scenario").is_none(), "no second add");
    assert!(h.query_by_label_contains("Added to the scenario as the strategy").is_some());
    // Undo takes it out, and the button comes back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(h.state().doc.spec().strategies.len(), n);
    assert!(h.query_by_label("Add to scenario as \"Optimized for revenue per visitor\"").is_some());
}

#[test]
fn the_holdout_plan_tab_reports_power_and_the_tests_worth() {
    let mut doc = small_article();
    doc.apply(Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(6))).unwrap();
    doc.apply(Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(4_000))).unwrap();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    // A small test keeps the simulated plan quick; the plan's own figures are checked
    // in tests/decide.rs.
    h.state_mut().analyses.plan.set_daily_visitors(3_000);
    h.get_by_label("Holdout plan").click();
    wait_until(&mut h, "the plan", |app| {
        app.analyses.ran(View::Plan) && !app.analyses.plan.is_running() && app.analyses.plan.result.is_some()
    });
    let r = h.state().analyses.plan.result.as_ref().unwrap();
    assert_eq!(r.planned.plan.days, 28);
    assert_eq!(r.planned.metrics.len(), 3);
    assert!(h.query_by_label_contains("Power (simulated)").is_some());
    assert!(h.query_by_label_contains("What the uncertainty is worth").is_some());
    assert!(h.query_by_label_contains("forgoes").is_some());
}

#[test]
fn presentation_mode_shows_one_slide_at_a_time_and_leaves_on_escape() {
    let mut h = harness(small_article());
    wait_for_results(&mut h);
    h.key_press(egui::Key::F11);
    h.run_steps(3);
    assert!(h.state().presenting);
    assert!(h.query_by_label_contains("1 / 8").is_some(), "the summary slide first");
    assert!(h.query_by_label_contains("AOV-optimized raises revenue per visitor").is_some());
    assert!(h.query_by_label("Scenario name").is_none(), "no editor while presenting");
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(3);
    assert!(h.query_by_label_contains("2 / 8").is_some());
    assert!(h.query_by_label("Lifts against the holdout").is_some());
    h.key_press(egui::Key::ArrowLeft);
    h.run_steps(3);
    assert!(h.query_by_label_contains("1 / 8").is_some());
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert!(!h.state().presenting);
    assert!(h.query_by_label("Scenario name").is_some());
}

#[test]
fn the_compare_tab_lists_the_differences_and_runs_both() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("b.toml");
    let text = ARTICLE_TOML
        .replace("replications = 100", "replications = 4")
        .replace("visitors = 100_000", "visitors = 4_000")
        .replace("visitors = 100000", "visitors = 4000");
    std::fs::write(&other, &text).unwrap();
    let mut doc = small_article();
    doc.apply(Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(4))).unwrap();
    doc.apply(Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(4_000))).unwrap();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.state_mut().analyses.compare.load(other.clone());
    h.get_by_label("Compare").click();
    wait_until(&mut h, "both runs", |app| !app.analyses.compare.is_running());
    h.run_steps(3);
    assert!(h.query_by_label_contains("against").is_some());
    // Visitors and replications were made equal; everything else is the article's.
    assert!(h.query_by_label_contains("The two scenarios make the same assumptions").is_some());
    assert!(h.query_all_by_label("Annual GMV impact").count() >= 7, "a row per strategy and metric");
}

#[test]
fn a_presenter_file_opens_on_its_saved_results_and_a_run_says_it_reproduces_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pres.toml");
    // Enough replications that the check on opening is still running a frame later
    // (a few finish within the first frame on a fast machine).
    let text = ARTICLE_TOML
        .replace("visitors = 100_000", "visitors = 4_000")
        .replace("replications = 100 ", "replications = 200 ");
    std::fs::write(&path, &text).unwrap();
    // Save with results from a first session.
    let mut h = harness(Document::open(path.clone()).unwrap());
    wait_for_results(&mut h);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, aovlab::gui::commands::Command::SaveWithResults);
    h.run_steps(2);
    assert!(std::fs::read_to_string(&path).unwrap().contains("[presented]"));
    // A second session opens on them, marked unchecked, and checks them at once.
    let mut h = harness(Document::open(path.clone()).unwrap());
    h.run_steps(1);
    assert!(h.state().is_running(), "a presenter file is checked on opening");
    assert!(h.query_by_label("Saved results (not checked yet)").is_some());
    assert!(h.query_by_label_contains("Checking them now").is_some());
    wait_for_results(&mut h);
    assert!(h.query_by_label_contains("Checked: this run reproduces the results saved in the file").is_some());
    assert!(h.query_by_label("Saved results (not checked yet)").is_none(), "the fresh run is shown");
    // A file whose saved figures were edited opens saying so, prominently.
    let mut saved: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let impact = &mut saved["presented"]["strategies"][1]["means"]["annual_gmv_impact"];
    let thirty_times = impact.as_float().expect("a saved annual impact") * 30.0;
    *impact = toml_edit::value(thirty_times);
    std::fs::write(&path, saved.to_string()).unwrap();
    let mut h = harness(Document::open(path.clone()).unwrap());
    wait_for_results(&mut h);
    let notice = h.state().notice.clone().expect("a notice");
    assert_eq!(notice.level, Level::Error, "{}", notice.text);
    assert!(notice.text.contains("do NOT reproduce"), "{}", notice.text);
}

#[test]
fn a_second_field_turns_the_sweep_into_a_heatmap_of_the_headless_grid() {
    let mut doc = small_article();
    doc.apply(Edit::Set(Path::top(FieldId::StoreReplications), Value::Whole(2))).unwrap();
    doc.apply(Edit::Set(Path::top(FieldId::StoreVisitors), Value::Whole(2_000))).unwrap();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.get_by_label("What if (sweep)").click();
    wait_until(&mut h, "the first sweep", |app| {
        app.analyses.ran(View::Sweep) && !app.analyses.sweep.is_running() && app.analyses.sweep.result.is_some()
    });
    h.get_by_label("a second field (heatmap)").click();
    h.run_steps(2);
    h.get_by_label("Run sweep").click();
    wait_until(&mut h, "the grid", |app| {
        !app.analyses.sweep.is_running() && app.analyses.sweep.result.as_ref().is_some_and(|r| r.is_grid())
    });
    let r = h.state().analyses.sweep.result.as_ref().unwrap();
    assert_eq!(r.done(), r.len(), "every cell arrived");
    // The note states the grid's own range, from the headless figure's numbers.
    let f = r
        .grid_figure(
            aovlab::report::Metric::RevenuePerVisitor,
            h.state().analyses.sweep.shown_strategy().unwrap(),
            None,
        )
        .expect("a heatmap figure");
    assert_eq!(f.xy.as_ref().unwrap().rects.len(), r.len());
    assert!(h.query_by_label_contains("Deeper colour, higher value").is_some());
}

#[test]
fn an_imported_catalog_is_previewed_then_applied_as_one_undoable_edit() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("products.csv");
    std::fs::write(&csv, "Title,Price,Category\nMug,12.50,kitchen\nKettle,40,kitchen\nTea,,drinks\n").unwrap();
    let doc = small_article();
    let before = doc.spec().clone();
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.state_mut().analyses.import.load(csv, None);
    h.state_mut().view = View::Import;
    wait_until(&mut h, "the preview", |app| app.analyses.import.preview.is_some() && !app.analyses.import.is_running());
    // The preview says what it found and skipped; the scenario has not changed.
    assert!(h.query_by_label_contains("2 products found in 3 rows").is_some());
    assert!(h.query_by_label_contains("no price: 1 row (line 4)").is_some());
    assert_eq!(h.state().doc.spec(), &before);
    h.get_by_label("Apply to scenario").click();
    h.run_steps(3);
    let spec = h.state().doc.spec().clone();
    assert_eq!(spec.products.len(), 2);
    // The segments stay; only their affinities for categories no longer sold go.
    let strip = |s: &aovlab::model::ScenarioSpec| {
        let mut v = s.segments.clone();
        v.iter_mut().for_each(|x| x.category_affinity.clear());
        v
    };
    assert_eq!(strip(&spec), strip(&before), "the segments stay");
    assert!(spec.segments.iter().all(|x| x.category_affinity.is_empty()));
    assert_eq!(spec.strategies, before.strategies, "the strategies stay");
    h.state_mut().doc.undo();
    assert_eq!(h.state().doc.spec(), &before, "one undo takes the import back");
}

/// The free-shipping threshold (MODEL.md rule 22) in the app: the store's policy on the
/// Store page, each strategy's own on the Strategies page, and the What-if tab sweeping
/// the threshold by default for a store that charges a fee below it, each point the
/// plain run with the threshold set.
#[test]
fn the_free_shipping_threshold_is_edited_and_swept() {
    let text = std::fs::read_to_string("scenarios/apparel-free-shipping.toml")
        .unwrap()
        .replace("visitors = 100_000", "visitors = 3_000")
        .replace("replications = 60", "replications = 2");
    let spec = aovlab::io::scenario_file::parse_spec(&text, "apparel").unwrap();
    let doc = Document::new(spec.clone(), None, text.clone());
    let mut h = harness(doc);
    wait_for_results(&mut h);
    h.state_mut().editor.page = Page::Store;
    h.run_steps(2);
    assert!(h.get_all_by_label("Free-shipping threshold").count() >= 1);
    assert!(h.query_by_label("Shipping fee").is_some());
    assert!(h.query_by_label("Shipping fee sensitivity").is_some());
    h.state_mut().editor.page = Page::Strategies;
    h.run_steps(2);
    // One row per strategy, and the strategy that sets its own says so.
    assert!(h.get_all_by_label("Free-shipping threshold").count() >= spec.strategies.len() - 1);
    assert!(h.query_all_by_label_contains("this strategy's own threshold").count() >= 2);
    assert!(h.query_all_by_label_contains("the store's threshold ($75.00) until set here").count() >= 2);
    h.get_by_label("What if (sweep)").click();
    wait_until(&mut h, "the sweep", |app| {
        app.analyses.ran(View::Sweep) && !app.analyses.sweep.is_running() && app.analyses.sweep.result.is_some()
    });
    let r = h.state().analyses.sweep.result.as_ref().unwrap();
    let (path, x, report) = r.point(2).unwrap();
    assert_eq!(path, "shipping.threshold");
    let mut at = spec.clone();
    at.shipping.threshold = x;
    let plain =
        aovlab::report::run_and_summarize(&aovlab::model::Scenario::from_spec(at).unwrap(), &Default::default())
            .unwrap();
    assert_eq!(report.strategies, plain.strategies);
    assert!(h.query_all_by_label_contains("Free-shipping threshold").count() >= 1);
}

/// Learning from a finished test on the Holdout plan tab (MODEL.md rule 23): the
/// results file read, the posterior shown beside the prior, and applied to the
/// scenario as one edit that Undo takes back.
#[test]
fn the_holdout_plan_tab_learns_from_a_test_and_applies_what_it_taught() {
    let mut h = harness_sized(small_article(), 1500.0, 3000.0);
    wait_for_results(&mut h);
    h.state_mut().analyses.plan.learn.worlds = 100;
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/holdout-test-daily.csv");
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, aovlab::gui::Command::LearnPath(example));
    wait_until(&mut h, "learning", |app| app.analyses.plan.learn.learned.is_some());
    assert_eq!(h.state().view, View::Plan);
    assert!(h.query_by_label_contains("effective worlds of").is_some());
    assert!(h.query_all_by_label_contains("Post-checkout base acceptance").count() >= 1);
    let before = h.state().doc.spec().behaviour.post_checkout_base_accept.clone();
    h.get_by_label("Apply the posterior to the scenario").click();
    h.run_steps(3);
    assert!(
        h.state().notice.as_ref().is_some_and(|n| n.text.starts_with("Applied what the test holdout-test-daily.csv"))
    );
    let after = h.state().doc.spec().behaviour.post_checkout_base_accept.clone();
    assert!(matches!(after, aovlab::model::Param::Dist(aovlab::model::Dist::Beta { .. })), "{after:?}");
    // Return rates cannot be learned from a test of orders and revenue: untouched.
    assert_eq!(
        h.state().doc.spec().behaviour.return_rate_base_cart,
        small_article().spec().behaviour.return_rate_base_cart
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().behaviour.post_checkout_base_accept, before);
}

/// The "What would it take" tab (issue 29): the dashboard's checklist links to it, the
/// article's claims are read there with the same figures as the claim check, "What
/// would it take?" adds each input's needed value, and a claim is added and removed
/// as edits that Undo takes back.
#[test]
fn what_would_it_take_checks_the_articles_claims_and_edits_them() {
    let doc = small_article();
    let spec = doc.spec().clone();
    // Tall enough that the checklist's link is on screen.
    let mut h = harness_sized(doc, 1600.0, 3200.0);
    wait_for_results(&mut h);
    h.get_by_label_contains("What would it take? Check these claims").click();
    h.run_steps(2);
    assert_eq!(h.state().view, View::Claims);
    wait_until(&mut h, "the claims read", |app| app.analyses.ran(View::Claims) && !app.analyses.claims.is_running());
    let first = &spec.claims[0];
    let want =
        aovlab::analysis::vendor::check(&spec, first, None, &Default::default(), &|_| {}, &Default::default()).unwrap();
    assert!(h.query_all_by_label_contains(want.verdict()).count() >= 1);
    let line = format!("in {} of", aovlab::format::percent(want.probability.unwrap(), 1));
    assert!(h.query_all_by_label_contains(&line).count() >= 1, "{line}");
    h.get_all_by_label("What would it take?").next().unwrap().click();
    wait_until(&mut h, "the needs", |app| !app.analyses.claims.is_running());
    h.run_steps(2);
    assert!(h.query_all_by_label_contains("one input at a time").count() >= 1);
    assert!(h.query_all_by_label_contains("Post-checkout base acceptance").count() >= 1);
    // Remove the first claim, then undo.
    let n = h.state().doc.spec().claims.len();
    h.get_all_by_label("Remove claim").next().unwrap().click();
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().claims.len(), n - 1);
    h.state_mut().doc.undo();
    h.run_steps(2);
    assert_eq!(h.state().doc.spec().claims, spec.claims);
}

/// Help > About names the build as `aovlab --version` does: the version, the commit
/// and the build date.
#[test]
fn the_about_box_names_the_build() {
    let mut h = harness(small_article());
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, aovlab::gui::Command::Help(aovlab::gui::HelpTopic::About));
    h.run_steps(3);
    assert!(h.query_by_label_contains(&format!("AOV Lab {}", aovlab::version::LONG)).is_some());
}
