//! Board-ready output: every dashboard chart draws to a PNG that decodes and an SVG
//! that parses, each stamped with the scenario, seed and version; the report is one
//! self-contained HTML file holding every chart and the run's own numbers; the
//! summary CSV has a row per strategy.
#![allow(clippy::unwrap_used)]

use aovlab::present::{draw, figure, html};
use aovlab::report::{Metric, Replication, Report, replication, summarize_replications};

fn article() -> (aovlab::model::ScenarioSpec, Report, Vec<Replication>) {
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 20_000;
    spec.store.replications = 12;
    let sc = aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
    let out = aovlab::engine::run(&sc, &Default::default(), &|_| {}, &Default::default()).unwrap();
    let reps: Vec<Replication> = out.replications.iter().map(|r| replication(&sc, r)).collect();
    let report = summarize_replications(&sc, &reps, 0.0, 1);
    (spec, report, reps)
}

fn stamp(r: &Report) -> draw::Stamp {
    draw::Stamp::of_report(r)
}

#[test]
fn a_cancelled_runs_charts_are_stamped_with_the_replications_it_holds_not_the_files() {
    let (spec, _, reps) = article();
    let sc = aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
    // Cancelled after 5 of the file's 12 replications.
    let cancelled = summarize_replications(&sc, &reps[..5], 0.0, 1);
    let footer = draw::Stamp::of_report(&cancelled).footer();
    assert!(footer.contains(" 5 replications x 20,000 visitors"), "{footer}");
    let page = html::report(&spec, &cancelled, &reps[..5], None, "article.toml", "aovlab report").unwrap();
    assert!(page.contains("5 replications x 20,000 visitors") && !page.contains("12 replications"), "the report");
    for f in figure::dashboard(&cancelled, &reps[..5]) {
        let svg = draw::svg(&f, &draw::Stamp::of_report(&cancelled)).unwrap();
        assert!(svg.contains(" 5 replications x 20,000 visitors"), "{}: its footer", f.id);
    }
}

#[test]
fn every_chart_draws_to_a_valid_png_and_svg_with_its_stamp() {
    let (_, r, reps) = article();
    let figures = figure::dashboard(&r, &reps);
    let ids: Vec<&str> = figures.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "lifts",
            "annual-impact",
            "rpv-decomposition",
            "waterfall-aov-optimized",
            "acceptance",
            "head-to-head-aov-optimized-vs-conversion-optimized",
            "convergence-rpv-lift"
        ]
    );
    for f in &figures {
        let svg = draw::svg(f, &stamp(&r)).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", f.id));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        // Long titles, notes and row names wrap onto lines of their own, never cut.
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let text =
            words(&doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect::<Vec<_>>().join(" "));
        assert!(text.contains(&words(&f.title)), "{}: no title", f.id);
        assert!(text.contains(&words(&f.note)), "{}: the note is cut: {text}", f.id);
        assert!(!text.contains('…'), "{}: a cut name", f.id);
        for row in &f.rows {
            assert!(text.contains(&words(row)), "{}: row {row} is cut", f.id);
        }
        assert!(text.contains("seed 20261125") && text.contains("AOV Lab"), "{}: no stamp", f.id);
        for (name, _) in &f.legend {
            assert!(text.contains(name.as_str()), "{}: legend lacks {name}", f.id);
        }
        let png = draw::png(f, &stamp(&r)).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!(img.width(), 2 * draw::WIDTH, "{}: PNGs are twice the SVG's size", f.id);
        assert_eq!(img.height(), 2 * draw::height(f));
        // Not blank: the bars' colours are in it.
        let rgb = img.to_rgb8();
        let coloured = rgb.pixels().filter(|p| !(p[0] == p[1] && p[1] == p[2])).count();
        assert!(coloured > 1000, "{}: {coloured} coloured pixels", f.id);
    }
}

#[test]
fn the_figures_hold_the_reports_numbers() {
    let (_, r, reps) = article();
    let lifts = figure::lifts(&r);
    let aov = r.strategies.iter().position(|s| s.name == "AOV-optimized").unwrap();
    let rpv_row = Metric::RELATIVE_LIFTS.iter().position(|&m| m == Metric::RpvLift).unwrap();
    let slot = r.strategies.iter().filter(|s| !s.is_holdout).position(|s| s.name == "AOV-optimized").unwrap();
    let bar = lifts.bars.iter().find(|b| b.row == rpv_row && b.slot == slot).unwrap();
    let l = Metric::RpvLift.lift_summary(&r.strategies[aov]).unwrap().summary;
    assert_eq!((bar.to, bar.whisker), (l.mean, Some((l.p05, l.p95))));
    // The waterfall's steps add up from the holdout's revenue per visitor to the
    // strategy's.
    let w = figure::waterfall(&r, aov).unwrap();
    let steps: f64 = w.bars[1..6].iter().map(|b| b.to - b.from).sum();
    assert!((w.bars[0].to + steps - w.bars[6].to).abs() < 1e-9);
    assert_eq!(figure::impact_distribution(&r, &reps).curves.len(), r.strategies.len() - 1);
    // The decomposition names its parts, and says how they differ from the cards.
    let d = figure::decomposition(&r);
    assert_eq!(d.slot_names, ["Conversion's part of the RPV lift", "AOV's part of the RPV lift"]);
    assert!(d.note.contains("differ a little from the conversion and AOV lifts on the cards"), "{}", d.note);
    // Each strategy's parts add up to its lift (the dot), which the cards' lifts do not.
    for (row, dot) in d.dots.iter().enumerate() {
        let parts: f64 = d.bars.iter().filter(|b| b.row == row).map(|b| b.to).sum();
        assert!((parts - dot.x).abs() < 1e-9, "{parts} {}", dot.x);
    }
}

/// Where the store charges shipping (MODEL.md rule 22), the waterfall gains the
/// shipping top-ups and fees as steps, and the steps still add up to the strategy's
/// revenue per visitor; the article's has none.
#[test]
fn the_waterfall_shows_shipping_where_the_store_charges_it() {
    let mut sc = aovlab::io::load_scenario(std::path::Path::new("scenarios/apparel-free-shipping.toml")).unwrap();
    sc.store.visitors = 20_000;
    sc.store.replications = 3;
    let out = aovlab::engine::run(&sc, &Default::default(), &|_| {}, &Default::default()).unwrap();
    let reps: Vec<Replication> = out.replications.iter().map(|r| replication(&sc, r)).collect();
    let r = summarize_replications(&sc, &reps, 1.0, 1);
    let k = r.strategies.iter().position(|s| s.name == "Threshold $100").unwrap();
    let w = figure::waterfall(&r, k).unwrap();
    assert_eq!(&w.rows[6..8], &figure::SHIPPING_STEPS.map(String::from)[..]);
    let last = w.bars.len() - 1;
    let steps: f64 = w.bars[1..last].iter().map(|b| b.to - b.from).sum();
    assert!((w.bars[0].to + steps - w.bars[last].to).abs() < 1e-9);
    // Fewer orders ship free at $100: the fees step adds.
    assert!(w.bars[7].to > w.bars[7].from, "{:?}", w.bars[7]);
    let (_, a, _) = article();
    let aov = a.strategies.iter().position(|s| s.name == "AOV-optimized").unwrap();
    assert_eq!(figure::waterfall(&a, aov).unwrap().rows.len(), 7);
}

#[test]
fn the_report_is_self_contained_and_states_the_runs_numbers() {
    let (spec, r, reps) = article();
    let page = html::report(&spec, &r, &reps, None, "scenarios/article.toml", "aovlab report -o report.html").unwrap();
    for remote in ["src=\"http", "href=\"http", "url(http", "<link", "<script", "@import"] {
        assert!(!page.contains(remote), "the report refers to something outside it: {remote}");
    }
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("@media print") && page.contains("page-break-before"));
    for f in figure::dashboard(&r, &reps) {
        assert!(page.contains(&format!("id=\"chart-{}\"", f.id)), "{} missing", f.id);
    }
    assert_eq!(page.matches("<svg").count(), figure::dashboard(&r, &reps).len());
    // The summary's figures are the run's.
    let aov = r.strategies.iter().find(|s| s.name == "AOV-optimized").unwrap();
    let l = Metric::RpvLift.lift_summary(aov).unwrap().summary;
    let sentence = html::summary(&r, &reps).into_iter().find(|s| s.starts_with("AOV-optimized")).unwrap();
    assert!(sentence.contains(&aovlab::format::percent(l.mean, 1)), "{sentence}");
    let ends = (aovlab::format::signed_percent(l.p05, 1), aovlab::format::signed_percent(l.p95, 1));
    assert!(sentence.contains(&ends.0) && sentence.contains(&ends.1));
    assert!(page.contains(&sentence.replace('\'', "&#x27;")) || page.contains(&sentence), "{sentence}");
    // Reproducible: the seed, version and file are named.
    assert!(page.contains("seed 20261125") && page.contains(aovlab::version::LONG));
    assert!(page.contains("article.toml"));
    // The assumptions name the store's and shoppers' inputs by their labels.
    assert!(page.contains("Annual GMV") && page.contains("Pre-checkout base acceptance"));
    // Without catalog files there is no empty "Products file" row, and the spread of
    // spend to date from shopper to shopper is not called uncertainty.
    assert!(!page.contains("Products file") && !page.contains("Links file"));
    let spend = page.find("Spend to date").expect("spend to date is listed");
    let row = &page[spend..spend + 200];
    assert!(row.contains("varies from shopper to shopper") && !row.contains("uncertain"), "{row}");
    // The article's claims, each with the share of replications it holds in, as the
    // claim check reads them from this run; the claims are not assumptions.
    let claims = &page[page.find("id=\"claims\"").expect("a claims section")..];
    for c in &spec.claims {
        let read = aovlab::analysis::vendor::from_run(&spec, c, 0, &reps);
        let holds = aovlab::format::percent(read.probability.unwrap(), 0);
        let row = &claims[claims.find(&c.statement.replace('\'', "&#x27;")).unwrap()..];
        assert!(row[..row.find("</tr>").unwrap()].contains(&holds), "{}: {holds}", c.statement);
    }
    let assumptions = &page[page.find("id=\"assumptions\"").unwrap()..];
    assert!(!assumptions.contains("A verified 30% AOV increase"));
}

#[test]
fn the_summary_csv_has_a_row_per_strategy() {
    let (_, r, _) = article();
    let mut buf = Vec::new();
    aovlab::io::export::write_summary_csv(&mut buf, &r).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header = rd.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "rpv_lift_p_positive") && header.iter().any(|h| h == "annual_gmv_impact_p95"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), r.strategies.len());
    let col = header.iter().position(|h| h == "aov_mean").unwrap();
    for (row, s) in rows.iter().zip(&r.strategies) {
        assert_eq!(&row[0], s.name.as_str());
        assert_eq!(row[col].parse::<f64>().unwrap(), s.metrics.aov.unwrap().mean);
    }
    // A strategy named as a formula is written so that a spreadsheet shows it as text.
    let mut hostile = r.clone();
    hostile.strategies[1].name = "=HYPERLINK(\"http://example.com\",\"x\")".into();
    hostile.strategies[2].name = "@SUM(A1:A9)".into();
    let mut buf = Vec::new();
    aovlab::io::export::write_summary_csv(&mut buf, &hostile).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut rd = csv::Reader::from_reader(text.strip_prefix('\u{feff}').unwrap().as_bytes());
    let names: Vec<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(names[1], "'=HYPERLINK(\"http://example.com\",\"x\")");
    assert_eq!(names[2], "'@SUM(A1:A9)");
    assert!(!text.lines().any(|l| l.starts_with('=') || l.starts_with('@')));
}

#[test]
fn compare_lists_exactly_the_fields_that_differ() {
    use aovlab::model::edit::Edit;
    use aovlab::model::fields::{self, Value};
    let a = aovlab::io::article_spec();
    assert!(aovlab::present::compare::differences(&a, &a).is_empty());
    let mut b = a.clone();
    let window = fields::resolve(&b, r#"strategies."AOV-optimized".tier_prompt.window"#).unwrap();
    let price = fields::resolve(&b, "products[0].price").unwrap();
    Edit::Batch(vec![Edit::Set(window, Value::Number(0.4)), Edit::Set(price, Value::Number(99.5))])
        .apply(&mut b)
        .unwrap();
    // Reordering strategies is no difference: items are matched by name.
    b.strategies.swap(1, 2);
    let d = aovlab::present::compare::differences(&a, &b);
    let labels: Vec<&str> = d.iter().map(|x| x.label.as_str()).collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(labels.contains(&"AOV-optimized › Tier prompt window"));
    assert!(labels.iter().any(|l| l.ends_with("› Price")));
    let w = d.iter().find(|x| x.label.contains("window")).unwrap();
    assert_eq!((w.a.as_deref(), w.b.as_deref()), (Some("25%"), Some("40%")));
    // A strategy only one has is one row, its levers in words, not a row per field.
    let mut c = a.clone();
    let gone = c.strategies.pop().unwrap();
    let d = aovlab::present::compare::differences(&a, &c);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].label, format!("Strategy {}", gone.name));
    assert_eq!(d[0].a.as_deref(), Some(aovlab::analysis::optimize::describe(&gone).as_str()));
    assert_eq!(d[0].b, None);
}

#[test]
fn a_presenter_file_round_trips_and_a_rerun_reproduces_it_exactly() {
    use aovlab::io::scenario_file;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pres.toml");
    let text = scenario_file::ARTICLE_TOML
        .replace("visitors = 100_000", "visitors = 20_000")
        .replace("replications = 100 ", "replications = 12 ");
    std::fs::write(&path, &text).unwrap();
    let loaded = scenario_file::load(&path).unwrap();
    let sc = loaded.validate().unwrap();
    let run = |sc: &aovlab::model::Scenario| {
        let out = aovlab::engine::run(sc, &Default::default(), &|_| {}, &Default::default()).unwrap();
        let reps: Vec<Replication> = out.replications.iter().map(|r| replication(sc, r)).collect();
        summarize_replications(sc, &reps, 0.0, 1)
    };
    let report = run(&sc);
    let saved = aovlab::report::presented(&report, "2026-12-02T10:00:00Z".into());
    let loaded = scenario_file::load(&path).unwrap();
    let mut spec = loaded.spec.clone();
    spec.presented = Some(saved.clone());
    let written = scenario_file::save_preserving(&path, loaded.text(), &spec, false).unwrap();
    // Only the new section is added: the author's text stays as it was.
    assert!(written.starts_with(&text), "the file's own text is kept");
    assert!(written.contains("[presented]") && written.contains("# Results saved with this scenario"));
    // Loading reads the numbers back exactly, and simulation ignores them.
    let again = scenario_file::load(&path).unwrap();
    assert_eq!(again.spec.presented.as_ref(), Some(&saved));
    let sc2 = again.validate().unwrap();
    assert_eq!(aovlab::report::reproduces(&saved, &run(&sc2)), Ok(()));
    // Another seed does not reproduce them, and says why.
    let mut other = again.spec.clone();
    other.store.seed += 1;
    let e = aovlab::report::reproduces(&saved, &run(&aovlab::model::Scenario::from_spec(other).unwrap())).unwrap_err();
    assert!(e[0].contains("seed"), "{e:?}");
    assert!(saved.strategies.iter().any(|s| s.means.contains_key("rpv_lift")));
}

#[test]
fn a_two_field_sweep_draws_as_a_heatmap_of_its_own_numbers() {
    use aovlab::analysis::sweep::{self, AxisRequest, Sweep};
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 3_000;
    spec.store.replications = 4;
    let axis = |path: &str, from: f64, to: f64, steps: usize| {
        AxisRequest { path: path.into(), from, to, steps }.axis(&spec).unwrap()
    };
    let sw = Sweep {
        x: axis("strategies[2].tier_prompt.window", 0.1, 0.4, 3),
        y: Some(axis("behaviour.post_checkout_base_accept", 0.2, 0.6, 2)),
    };
    let points = sweep::run(&spec, &sw, &Default::default(), &|_| {}, &Default::default()).unwrap();
    let refs: Vec<Option<&sweep::Point>> = points.iter().map(Some).collect();
    let sc = aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
    let names: Vec<String> = sc.strategies.iter().map(|s| s.name().to_string()).collect();
    let m = Metric::RevenuePerVisitor;
    let f = figure::sweep_grid(&sw, &refs, &names, sc.holdout, 2, None, m, "$").unwrap();
    let xy = f.xy.as_ref().unwrap();
    // A cell per point, centred on it, with its mean printed in it.
    assert_eq!(xy.rects.len(), 6);
    assert_eq!(xy.texts.len(), 6);
    let means: Vec<f64> = points.iter().map(|p| p.mean(m, 2, None).unwrap()).collect();
    for p in &points {
        let v = p.mean(m, 2, None).unwrap();
        let y = p.y.unwrap();
        let (_, text, _) = xy.texts.iter().find(|t| t.0 == (p.x, y)).expect("a label at every point");
        assert_eq!(text, &m.format(v, "$"));
        let (r, fill) = xy.rects.iter().find(|r| r.0[0] < p.x && p.x < r.0[2] && r.0[1] < y && y < r.0[3]).unwrap();
        assert!(r[2] > r[0] && r[3] > r[1]);
        // The highest mean has the strategy's own colour; the lowest the palest tint.
        let base = figure::strategy_colour(2, sc.holdout);
        let hi = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo = means.iter().copied().fold(f64::INFINITY, f64::min);
        if v == hi {
            assert_eq!(*fill, base);
        }
        if v == lo {
            assert_eq!(*fill, figure::tint(base, 0.15));
        }
    }
    // A difference: green where ahead, red where behind.
    let d = figure::sweep_grid(&sw, &refs, &names, sc.holdout, 2, Some(1), m, "$").unwrap();
    let ahead = points.iter().filter(|p| p.mean(m, 2, Some(1)).unwrap() >= 0.0).count();
    let green = d.xy.as_ref().unwrap().rects.iter().filter(|(_, c)| c[1] > c[0]).count();
    assert_eq!(ahead, green);
    // Both files are valid and carry the legend.
    let svg = draw::svg(&f, &stamp(&points[0].report)).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains(&f.title) && text.contains("highest"));
    let png = draw::png(&f, &stamp(&points[0].report)).unwrap();
    assert_eq!(image::load_from_memory(&png).unwrap().width(), 2 * draw::WIDTH);
}

#[test]
fn point_labels_that_would_overlap_are_moved_apart_and_none_is_dropped() {
    use aovlab::present::figure::{Xy, XyPoint};
    let point = |x: f64, y: f64, label: &str| XyPoint {
        at: (x, y),
        colour: [0, 0, 0],
        size: 6.0,
        label: Some(label.into()),
        label_at: None,
    };
    // Three strategies at almost the same spot, one far away.
    let mut xy = Xy {
        points: vec![
            point(0.030, 100.0, "Holdout"),
            point(0.0301, 100.2, "Post-checkout only"),
            point(0.0302, 100.1, "Conversion-optimized"),
            point(0.040, 140.0, "AOV-optimized"),
        ],
        ..Default::default()
    };
    xy.spread_labels();
    let ((_, _), (y0, y1)) = xy.ranges();
    let ys: Vec<f64> = xy.points.iter().map(|p| p.label_at.unwrap_or(p.at).1).collect();
    // The lowest keeps its place; the two above it move up, each a line apart.
    assert_eq!(xy.points[0].label_at, None);
    let mut near = [ys[0], ys[1], ys[2]];
    near.sort_by(f64::total_cmp);
    for w in near.windows(2) {
        assert!((w[1] - w[0]) / (y1 - y0) >= 0.045, "{near:?}");
    }
    assert_eq!(xy.points[3].label_at, None, "a label with room stays at its point");
    assert!(xy.points.iter().all(|p| p.label.is_some()));
}
