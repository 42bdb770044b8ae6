//! Sweeps and sensitivity: results checked against plain runs, not shapes.

use std::sync::atomic::AtomicBool;

use aovlab::analysis::sensitivity::{self, Outcome, spearman};
use aovlab::analysis::sweep::{self, Axis, Sweep};
use aovlab::engine::RunOptions;
use aovlab::io::scenario_file::{ARTICLE_TOML, parse_spec};
use aovlab::model::{Dist, Scenario, ScenarioSpec, fields};
use aovlab::report::{Metric, run_and_summarize};

/// The article scenario, smaller: `visitors` per replication, `reps` replications.
fn article(visitors: u64, reps: u32) -> ScenarioSpec {
    let mut s = parse_spec(ARTICLE_TOML, "article").expect("the article scenario");
    s.store.visitors = visitors;
    s.store.replications = reps;
    s
}

/// Sets `path` to `value` as `--set` does.
fn set(spec: &mut ScenarioSpec, path: &str, value: &str) {
    let p = fields::resolve(spec, path).expect("path");
    let v = fields::parse_value(p.spec_field(), value).expect("value");
    fields::set(spec, &p, v).expect("set");
}

fn strategy(sc: &Scenario, name: &str) -> usize {
    sc.strategies.iter().position(|s| s.name() == name).expect("strategy")
}

fn run_sweep(spec: &ScenarioSpec, sw: &Sweep) -> Vec<sweep::Point> {
    sweep::run(spec, sw, &RunOptions::default(), &|_| {}, &AtomicBool::new(false)).expect("sweep")
}

/// Each point's report equals the plain run with the field set there.
fn assert_points_equal_plain_runs(spec: &ScenarioSpec, sw: &Sweep, points: &[sweep::Point]) {
    for p in points {
        let mut at = spec.clone();
        set(&mut at, &sw.x.path, &p.x.to_string());
        let plain = run_and_summarize(&Scenario::from_spec(at).expect("valid"), &RunOptions::default()).expect("run");
        assert_eq!(p.report.strategies, plain.strategies, "point {}", p.x);
        assert_eq!(p.report.claims, plain.claims, "point {}", p.x);
    }
}

#[test]
fn a_world_fact_sweep_point_is_the_plain_run_at_that_value() {
    let spec = article(4_000, 3);
    let x = Axis::new(&spec, "behaviour.post_checkout_base_accept", 0.3, 0.7, 3).expect("axis");
    let sw = Sweep { x, y: None };
    assert_eq!(sw.shared_strategy(&spec), None, "a world fact is not a lever");
    let points = run_sweep(&spec, &sw);
    assert_eq!(points.len(), 3);
    assert_points_equal_plain_runs(&spec, &sw, &points);
}

/// A world-fact sweep runs in rounds of replications: every point's first tenth
/// before any point's rest (the whole curve early), each refined point's report on
/// the replications so far, and each final point the plain run's.
#[test]
fn a_world_fact_sweep_draws_the_whole_curve_first_then_refines_it() {
    let spec = article(4_000, 10);
    let x = Axis::new(&spec, "behaviour.post_checkout_base_accept", 0.3, 0.7, 3).expect("axis");
    let sw = Sweep { x, y: None };
    let seen = std::sync::Mutex::new(Vec::new());
    let update = |u: sweep::Update| {
        let (final_, i, reps) = match u {
            sweep::Update::Point(i, p) => (true, i, p.report.replications),
            sweep::Update::Refined(i, p) => (false, i, p.report.replications),
            sweep::Update::Progress(_) => return,
        };
        seen.lock().unwrap().push((final_, i, reps));
    };
    let points = sweep::run(&spec, &sw, &RunOptions::default(), &update, &AtomicBool::new(false)).expect("sweep");
    let seen = seen.into_inner().unwrap();
    // Round by round: 1, then 4, then all 10 replications, every point in each.
    let expect: Vec<(bool, usize, u32)> =
        [(false, 1), (false, 4), (true, 10)].iter().flat_map(|&(f, n)| (0..3).map(move |i| (f, i, n))).collect();
    assert_eq!(seen, expect);
    assert_points_equal_plain_runs(&spec, &sw, &points);
    // A shard's range is split the same way, and the shard's points are its replications'.
    let shard = RunOptions { replications: Some(5..10), ..RunOptions::default() };
    let part = sweep::run(&spec, &sw, &shard, &|_| {}, &AtomicBool::new(false)).expect("shard");
    assert!(part.iter().all(|p| p.report.replications == 5));
}

#[test]
fn lever_points_share_one_pass_and_equal_the_plain_runs() {
    // Conversion-optimized's friction reduction is uncertain in the article: its copies
    // must draw it from the original's stream.
    let spec = article(4_000, 3);
    let sc = Scenario::from_spec(spec.clone()).expect("valid");
    let k = strategy(&sc, "Conversion-optimized");
    assert!(sc.strategies[k].friction_reduction.param.is_uncertain());
    let x = Axis::new(&spec, r#"strategies."Conversion-optimized".checkout.discount"#, 0.0, 0.2, 3).expect("axis");
    let sw = Sweep { x, y: None };
    assert_eq!(sw.shared_strategy(&spec), Some(k));
    let points = run_sweep(&spec, &sw);
    assert_points_equal_plain_runs(&spec, &sw, &points);
    // And the discount moves conversion up, common random numbers making it monotone.
    let conv: Vec<f64> =
        points.iter().map(|p| Metric::ConversionRate.summary(&p.report.strategies[k]).expect("defined").mean).collect();
    assert!(conv.windows(2).all(|w| w[1] > w[0]), "conversion by discount: {conv:?}");
}

#[test]
fn a_two_field_grid_has_every_combination_in_order() {
    let spec = article(2_000, 2);
    let x = Axis::new(&spec, r#"strategies."AOV-optimized".post_checkout.offer_discount"#, 0.0, 0.3, 2).unwrap();
    let y = Axis::new(&spec, r#"strategies."AOV-optimized".pre_checkout.slots"#, 1.0, 3.0, 3).unwrap();
    let sw = Sweep { x, y: Some(y) };
    assert!(sw.shared_strategy(&spec).is_some());
    let points = run_sweep(&spec, &sw);
    let xy: Vec<(f64, Option<f64>)> = points.iter().map(|p| (p.x, p.y)).collect();
    assert_eq!(
        xy,
        vec![
            (0.0, Some(1.0)),
            (0.0, Some(2.0)),
            (0.0, Some(3.0)),
            (0.3, Some(1.0)),
            (0.3, Some(2.0)),
            (0.3, Some(3.0))
        ]
    );
    // The grid's corner equals the plain run with both fields set.
    let mut at = spec.clone();
    set(&mut at, &sw.x.path, "0.3");
    set(&mut at, &sw.y.as_ref().unwrap().path, "3");
    let plain = run_and_summarize(&Scenario::from_spec(at).unwrap(), &RunOptions::default()).unwrap();
    assert_eq!(points[5].report.strategies, plain.strategies);
}

#[test]
fn sweep_axes_refuse_what_cannot_be_swept() {
    let spec = article(1_000, 1);
    let err = |p: &str, a: f64, b: f64, n: usize| Axis::new(&spec, p, a, b, n).expect_err(p);
    assert!(err("store.visitors", 1.0, 10.0, 3).contains("run setting"));
    assert!(err("name", 0.0, 1.0, 3).contains("not a number"));
    assert!(err("behaviour.post_checkout_base_accept", 0.5, 1.5, 3).contains("outside the allowed range"));
    assert!(err("behaviour.post_checkout_base_accept", 0.1, 0.5, 1).contains("steps"));
    assert!(err("behaviour.nonsense", 0.1, 0.5, 3).contains("no field"));
    // Whole-number fields step by whole numbers, without repeats.
    let a = Axis::new(&spec, r#"strategies."AOV-optimized".pre_checkout.slots"#, 1.0, 3.0, 9).unwrap();
    assert_eq!(a.values, vec![1.0, 2.0, 3.0]);
}

#[test]
fn cdf_inverts_the_quantile_and_spearman_ranks() {
    let u = Dist::Uniform { min: 2.0, max: 4.0 };
    assert!((u.cdf(2.5) - 0.25).abs() < 1e-9);
    let t = Dist::Triangular { min: 0.0, mode: 0.5, max: 1.0 };
    assert!((t.cdf(t.quantile(0.9)) - 0.9).abs() < 1e-9);
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert!((spearman(&x, &[10.0, 20.0, 30.0, 40.0, 1000.0]).unwrap() - 1.0).abs() < 1e-12);
    assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
    // Ties take their average rank: x = 1,2,3,4,5 against y = 1,1,2,2,3.
    let r = spearman(&x, &[1.0, 1.0, 2.0, 2.0, 3.0]).unwrap();
    // Ranks 1.5, 1.5, 3.5, 3.5, 5: r = 9 / sqrt(10 x 9).
    assert!((r - 9.0 / 90f64.sqrt()).abs() < 1e-12, "{r}");
    assert_eq!(spearman(&x[..2], &[1.0, 2.0]), None);
}

/// The article with post-checkout acceptance made the one wide input and every other
/// uncertain input narrow.
fn one_dominant_input() -> ScenarioSpec {
    let mut spec = article(6_000, 24);
    set(&mut spec, "behaviour.post_checkout_base_accept", r#"{dist="uniform",min=0.2,max=0.9}"#);
    set(&mut spec, "behaviour.pre_checkout_base_accept", r#"{dist="uniform",min=0.255,max=0.265}"#);
    set(&mut spec, "behaviour.friction_per_slot", r#"{dist="uniform",min=0.0069,max=0.0071}"#);
    set(&mut spec, "behaviour.satiation", "0");
    for i in 0..spec.segments.len() {
        set(&mut spec, &format!("segments[{i}].post_checkout_eligibility"), "1");
    }
    spec
}

#[test]
fn the_dominant_input_ranks_first_and_the_decision_flip_matches_a_sweep() {
    let spec = one_dominant_input();
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let post = strategy(&sc, "Post-checkout only");
    let matched = strategy(&sc, "Matched cross-sell only");
    let outcome = Outcome { metric: Metric::RpvLift, strategy: post, versus: None };
    let s = sensitivity::analyse(
        &spec,
        outcome,
        Some((post, matched)),
        &RunOptions::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
    .expect("analysis");
    assert_eq!(s.inputs[0].path, "behaviour.post_checkout_base_accept", "tornado order: {:#?}", s.inputs);
    let top_importance =
        s.inputs.iter().max_by(|a, b| a.importance.unwrap_or(0.0).abs().total_cmp(&b.importance.unwrap_or(0.0).abs()));
    assert_eq!(top_importance.unwrap().path, "behaviour.post_checkout_base_accept");
    assert!(s.inputs[0].importance.unwrap() > 0.8, "{:?}", s.inputs[0].importance);
    // Post-checkout only leads in the main run but not at low post-checkout acceptance.
    assert!(s.base_difference.unwrap() > 0.0);
    let flip = s.inputs[0].flip.as_ref().expect("a decision");
    assert_eq!(flip.at.len(), 1, "{flip:?}");
    let at = flip.at[0];
    // Its probability is the uniform's mass below the flip.
    assert!((flip.probability - (at - 0.2) / 0.7).abs() < 1e-6, "{flip:?}");
    // A sweep of the input finds the sign change in the same place.
    let x = Axis::new(&spec, "behaviour.post_checkout_base_accept", 0.2, 0.9, 15).unwrap();
    let points = run_sweep(&spec, &Sweep { x, y: None });
    let diff: Vec<(f64, f64)> = points
        .iter()
        .map(|p| {
            let m = |k: usize| Metric::RpvLift.summary(&p.report.strategies[k]).unwrap().mean;
            (p.x, m(post) - m(matched))
        })
        .collect();
    let cross = diff.windows(2).find(|w| (w[0].1 < 0.0) != (w[1].1 < 0.0)).expect("the sweep crosses");
    let step = 0.05;
    assert!(at > cross[0].0 - step && at < cross[1].0 + step, "flip at {at}, sweep crosses in {cross:?}");
    // The other inputs are held within their narrow ranges: no flip there.
    for e in &s.inputs[1..] {
        assert!(e.flip.as_ref().is_some_and(|f| f.at.is_empty()), "{}: {:?}", e.path, e.flip);
    }
    // Every replication's draws are exported, in the inputs' order.
    assert_eq!(s.draws.rows.len(), 24);
    let col = s.draws.paths.iter().position(|p| p == "behaviour.post_checkout_base_accept").unwrap();
    assert!(s.draws.rows.iter().all(|r| (0.2..=0.9).contains(&r.inputs[col])));
}

#[test]
fn a_precision_target_stops_the_run_when_met_and_not_before() {
    use aovlab::analysis::precision::{self, Target};
    let spec = article(5_000, 60);
    let sc = Scenario::from_spec(spec).unwrap();
    let target = Target { metric: Metric::RpvLift, half_width: 0.012 };
    let run = |threads| {
        let opts = RunOptions { threads: Some(threads), ..Default::default() };
        precision::run(&sc, target, &opts, &|_| {}, &AtomicBool::new(false)).unwrap()
    };
    let (tallies, reached) = run(2);
    assert!(reached.met, "{reached:?}");
    let n = reached.replications;
    assert!(n > precision::FIRST && n < 60, "the target should take a few batches here: {reached:?}");
    assert_eq!(tallies.len() as u32, n);
    // Recomputed from a plain run of the first n replications, the widest half-width
    // meets the target; with one batch fewer it did not.
    let plain = |k: u32| {
        let opts = RunOptions { replications: Some(0..k), ..Default::default() };
        let out = aovlab::engine::run(&sc, &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        let reps: Vec<_> = out.replications.iter().map(|r| aovlab::report::replication(&sc, r)).collect();
        precision::widest(&reps, Metric::RpvLift).unwrap().1
    };
    assert_eq!(plain(n), reached.half_width);
    assert!(plain(n) <= 0.012 && plain(n - precision::BATCH) > 0.012);
    assert!(reached.checks.iter().rev().skip(1).all(|c| c.half_width > 0.012));
    // Where it stops depends on the scenario, seed and target only.
    let (again, reached1) = run(1);
    assert_eq!(reached1, reached);
    assert_eq!(again, tallies);
    // A target that cannot be met runs every replication and says so.
    let tight = Target { metric: Metric::RpvLift, half_width: 1e-6 };
    let (all, r) = precision::run(&sc, tight, &RunOptions::default(), &|_| {}, &AtomicBool::new(false)).unwrap();
    assert!(!r.met && r.replications == 60 && all.len() == 60);
}

#[test]
fn precision_targets_parse_with_the_reason_when_wrong() {
    use aovlab::analysis::precision::Target;
    let t = Target::parse("rpv_lift=0.005").unwrap();
    assert_eq!((t.metric, t.half_width), (Metric::RpvLift, 0.005));
    assert!(Target::parse("rpv_lift").unwrap_err().contains("METRIC=HALF_WIDTH"));
    assert!(Target::parse("rpv=0.1").unwrap_err().contains("rpv_lift"));
    assert!(Target::parse("aov=-1").unwrap_err().contains("above 0"));
    assert!(Target::parse("aov=x").unwrap_err().contains("not a number"));
}

#[test]
fn the_tornado_comes_first_and_without_a_decision_needs_two_runs_per_input() {
    let spec = article(3_000, 6);
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let k = strategy(&sc, "AOV-optimized");
    let outcome = Outcome { metric: Metric::RpvLift, strategy: k, versus: None };
    let early = std::sync::Mutex::new(None);
    let keep = |s: &sensitivity::Sensitivity| *early.lock().unwrap() = Some(s.clone());
    let decision = sensitivity::default_decision(&sc);
    let cancel = AtomicBool::new(false);
    let full =
        sensitivity::analyse_with(&spec, outcome, decision, &RunOptions::default(), &|_| {}, &keep, false, &cancel)
            .unwrap();
    let early = early.lock().unwrap().take().expect("the tornado was handed over");
    assert!(early.inputs.iter().all(|e| e.flip.is_none() && e.held.len() == 2));
    for (a, b) in early.inputs.iter().zip(&full.inputs) {
        assert_eq!((&a.path, a.at_p10, a.at_p90, a.importance), (&b.path, b.at_p10, b.at_p90, b.importance));
        assert!(b.flip.is_some() && b.held.len() >= 5);
    }
    let alone = sensitivity::analyse(&spec, outcome, None, &RunOptions::default(), &|_| {}, &cancel).unwrap();
    assert!(alone.inputs.iter().all(|e| e.flip.is_none() && e.held.len() == 2));
    assert_eq!(
        alone.inputs.iter().map(|e| e.swing).collect::<Vec<_>>(),
        full.inputs.iter().map(|e| e.swing).collect::<Vec<_>>()
    );
}

#[test]
fn a_swept_share_is_held_and_equals_the_run_that_holds_it() {
    // A segment's share swept: each point holds it (the others fill the rest) and
    // equals the plain run holding it there, as `aovlab run --hold` does; setting it
    // in the file instead would leave shares that do not sum to 100% (refused).
    let spec = article(4_000, 3);
    let sw = Sweep { x: Axis::new(&spec, "segments[0].share", 0.2, 0.6, 3).unwrap(), y: None };
    let points = run_sweep(&spec, &sw);
    let base = Scenario::from_spec(spec.clone()).unwrap();
    for p in &points {
        let held = base.clone().hold("segments[0].share", p.x).unwrap();
        let plain = run_and_summarize(&held, &RunOptions::default()).unwrap();
        assert_eq!(p.report.strategies, plain.strategies, "point {}", p.x);
    }
    assert_ne!(points[0].report.strategies, points[2].report.strategies, "the share matters");
}

#[test]
fn the_holdouts_levers_are_not_offered_and_a_second_field_can_move_the_metric() {
    let spec = article(4_000, 3);
    let paths: Vec<String> = sweep::sweepable(&spec).iter().map(|p| p.canonical()).collect();
    let holdout = spec.strategies.iter().position(|s| s.holdout).unwrap();
    assert!(!paths.iter().any(|p| p.starts_with(&format!("strategies[{holdout}]."))), "{paths:?}");
    assert!(paths.iter().any(|p| p.starts_with("strategies[1].")));
    // Beside a lever, another lever of the same strategy (one pass); beside a world
    // fact, not the annual GMV (it only scales the annual impact).
    let lever = r#"strategies."AOV-optimized".post_checkout.offer_discount"#;
    let second = sweep::suggested_second(&spec, lever).unwrap();
    let first = fields::resolve(&spec, lever).unwrap();
    assert_eq!(second.item, first.item, "{}", second.canonical());
    let second = sweep::suggested_second(&spec, "behaviour.post_checkout_base_accept").unwrap();
    assert_ne!(second.field, aovlab::model::FieldId::StoreAnnualGmv);
}

/// Sensitivity runs only the strategies its outcome and decision read (and the
/// holdout), and an input of another strategy needs no run: every held figure still
/// equals a plain run of the whole scenario with that input held, exactly.
#[test]
fn sensitivity_held_figures_equal_runs_of_the_whole_scenario() {
    let spec = article(3_000, 4);
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let k = strategy(&sc, "AOV-optimized");
    let outcome = Outcome { metric: Metric::AnnualGmvImpact, strategy: k, versus: None };
    let decision = sensitivity::default_decision(&sc);
    let d = decision.map(|(a, b)| Outcome { metric: Metric::AnnualGmvImpact, strategy: a, versus: Some(b) });
    let s = sensitivity::analyse(&spec, outcome, decision, &RunOptions::default(), &|_| {}, &AtomicBool::new(false))
        .expect("analysis");
    let other = s.inputs.iter().filter(|e| e.path.starts_with("strategies[")).count();
    assert!(other > 0, "the article has a strategy's own uncertain input");
    let cancel = AtomicBool::new(false);
    for e in &s.inputs {
        for h in &e.held[..2] {
            let held = sc.clone().hold(&e.path, h.value).unwrap();
            let out = aovlab::engine::run(&held, &RunOptions::default(), &|_| {}, &cancel).unwrap();
            let reps: Vec<_> = out.replications.iter().map(|r| aovlab::report::replication(&held, r)).collect();
            let mean = |o: &Outcome| aovlab::stats::mean_defined(reps.iter().map(|r| o.value(r)));
            assert_eq!(h.outcome, mean(&outcome), "{} at {}", e.path, h.value);
            assert_eq!(h.difference, d.as_ref().and_then(mean), "{} at {}: decision", e.path, h.value);
        }
    }
}

/// With a preview the app sees the whole analysis (decision flips included) from the
/// first tenth of the replications, and then the whole analysis, which is the one
/// without a preview bit for bit (the preview's runs are reused, not repeated).
#[test]
fn a_sensitivity_preview_comes_first_and_the_whole_analysis_is_unchanged() {
    let spec = article(1_000, sensitivity::PREVIEW_FROM);
    let sc = Scenario::from_spec(spec.clone()).unwrap();
    let k = strategy(&sc, "AOV-optimized");
    let outcome = Outcome { metric: Metric::RpvLift, strategy: k, versus: None };
    let decision = sensitivity::default_decision(&sc);
    let cancel = AtomicBool::new(false);
    let partials = std::sync::Mutex::new(Vec::new());
    let keep = |s: &sensitivity::Sensitivity| partials.lock().unwrap().push(s.clone());
    let opts = RunOptions::default();
    let previewed = sensitivity::analyse_with(&spec, outcome, decision, &opts, &|_| {}, &keep, true, &cancel).unwrap();
    let plain = sensitivity::analyse(&spec, outcome, decision, &opts, &|_| {}, &cancel).unwrap();
    assert_eq!(previewed, plain);
    let partials = partials.into_inner().unwrap();
    assert_eq!(partials.len(), 1, "one preview, and no tornado after it");
    let p = &partials[0];
    assert_eq!(p.draws.rows.iter().map(|r| r.replication).collect::<Vec<_>>(), (0..5).collect::<Vec<_>>());
    assert!(p.inputs.iter().any(|e| e.importance.is_some()), "enough replications for a rank correlation");
    assert!(p.inputs.iter().all(|e| e.flip.is_some() && e.held.len() >= 5), "the preview has the decision's grid");
    assert_ne!(p.base, plain.base, "the preview rests on fewer replications");
    // Fewer than PREVIEW_FROM replications: no preview, the tornado first as before.
    let small = article(1_000, sensitivity::PREVIEW_FROM - 1);
    let partials = std::sync::Mutex::new(Vec::new());
    let keep = |s: &sensitivity::Sensitivity| partials.lock().unwrap().push(s.clone());
    sensitivity::analyse_with(&small, outcome, decision, &opts, &|_| {}, &keep, true, &cancel).unwrap();
    let partials = partials.into_inner().unwrap();
    assert_eq!(partials.len(), 1);
    assert!(partials[0].inputs.iter().all(|e| e.flip.is_none()), "the tornado, not a preview");
}
