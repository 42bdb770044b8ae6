//! Monitoring a holdout test looked at every day (issue 27): a placebo test stopped the
//! first day its interval excludes zero must stop falsely in at most alpha of the
//! worlds with the always-valid intervals, and the fixed-horizon intervals looked at
//! as often must not manage it; test-result files are read with clear errors.
#![allow(clippy::unwrap_used)]

use aovlab::analysis::monitor::{Settings, monitor};
use aovlab::engine::RunOptions;
use aovlab::import::Mapping;
use aovlab::import::test_results::{ArmDay, Daily, Day, read};
use aovlab::model::{Scenario, StrategySpec};
use aovlab::report::Metric;

/// A test's days as a platform would report them, from the engine's day-by-day groups
/// of one world (holdout group, then treatment group, per day).
fn daily(groups: &[aovlab::engine::RepCounts]) -> Daily {
    let arm = |g: &aovlab::engine::RepCounts, k: usize| {
        let t = &g.strategies[k];
        ArmDay {
            visitors: g.visitors,
            orders: t.orders,
            revenue: t.revenue as f64 / 100.0,
            revenue_sq: Some(t.revenue_sq as f64 / 1e4),
            offers: [None; 3],
        }
    };
    Daily {
        file: "simulated".into(),
        holdout_arm: "holdout".into(),
        treatment_arm: "treatment".into(),
        days: groups
            .chunks(2)
            .enumerate()
            .map(|(d, g)| Day { date: format!("day {}", d + 1), holdout: arm(&g[0], 0), treatment: arm(&g[1], 1) })
            .collect(),
        has_squares: true,
        columns: aovlab::import::Columns { found: Vec::new() },
    }
}

/// An A/A test (the treatment arm runs the holdout too) on the article, 4,000 visitors
/// a day for 28 days, in 300 worlds, looked at every day and stopped the first day the
/// revenue-per-visitor (or conversion) interval excludes zero.
#[test]
fn a_placebo_test_looked_at_every_day_stops_falsely_at_most_alpha_of_the_time() {
    let mut spec = aovlab::io::article_spec();
    let twin = StrategySpec { name: "Twin".into(), ..spec.strategies[0].clone() };
    let twin = StrategySpec { holdout: false, ..twin };
    spec.strategies = vec![spec.strategies[0].clone(), twin];
    spec.store.replications = 300;
    let sc = Scenario::from_spec(spec).unwrap();
    let (days, per_day) = (28u64, 4_000u64);
    let sizes: Vec<(usize, u64)> = (0..2 * days).map(|_| (0, per_day / 2)).collect();
    let worlds =
        aovlab::engine::run_groups(&[&sc], &sizes, &RunOptions::default(), &|_, _| {}, &Default::default()).unwrap();
    let alpha = 0.05;
    for primary in [Metric::RpvLift, Metric::ConversionRateLift] {
        let settings = Settings { alpha, planned_visitors: days * per_day, primary };
        let (mut sequential, mut fixed) = (0, 0);
        for groups in &worlds {
            let m = monitor(&daily(groups), &settings, None).unwrap();
            sequential += usize::from(m.stop_at.is_some());
            let peeked = m.looks.iter().any(|l| l.lift(primary).is_some_and(|x| x.fixed.0 > 0.0 || x.fixed.1 < 0.0));
            fixed += usize::from(peeked);
        }
        let n = worlds.len() as f64;
        let (s, f) = (sequential as f64 / n, fixed as f64 / n);
        eprintln!("{}: always-valid {s}, fixed looked at daily {f}", primary.name());
        assert!(s <= alpha, "{}: the always-valid intervals stopped {s} of placebo tests", primary.name());
        assert!(f > 2.0 * alpha, "{}: fixed intervals looked at daily stopped only {f}", primary.name());
    }
}

/// A real lift is found: the article's AOV-optimized against the holdout stops within
/// the planned four weeks in most worlds.
#[test]
fn a_real_lift_stops_the_test() {
    let mut spec = aovlab::io::article_spec();
    let aov = spec.strategies.iter().position(|s| s.name == "AOV-optimized").unwrap();
    spec.strategies = vec![spec.strategies[0].clone(), spec.strategies[aov].clone()];
    spec.store.replications = 20;
    let sc = Scenario::from_spec(spec).unwrap();
    let sizes: Vec<(usize, u64)> = (0..2 * 28).map(|_| (0, 10_000)).collect();
    let worlds =
        aovlab::engine::run_groups(&[&sc], &sizes, &RunOptions::default(), &|_, _| {}, &Default::default()).unwrap();
    let settings = Settings { alpha: 0.05, planned_visitors: 28 * 20_000, primary: Metric::RpvLift };
    let stopped = worlds.iter().filter(|g| monitor(&daily(g), &settings, None).unwrap().stop_at.is_some()).count();
    assert!(stopped >= 15, "stopped in {stopped} of 20 worlds");
}

fn table(text: &str) -> aovlab::import::Table {
    aovlab::io::table::parse_table(text.as_bytes(), "results.csv").unwrap()
}

#[test]
fn a_results_file_is_read_with_its_columns_and_arms_found() {
    let t = table(
        "Day,Variant,Users,Conversions,Revenue\n\
         2026-11-01,control,1000,30,\"$3,600.00\"\n\
         2026-11-01,AOV-optimized,1000,29,3900\n\
         2026-11-02,control,900,27,3300\n\
         2026-11-02,AOV-optimized,950,28,3700.5\n\
         2026-11-02,AOV-optimized,50,2,200\n",
    );
    let d = read(&t, &Mapping::default(), None).unwrap();
    assert_eq!((d.holdout_arm.as_str(), d.treatment_arm.as_str()), ("control", "AOV-optimized"));
    assert_eq!(d.days.len(), 2);
    assert_eq!(d.days[1].treatment.visitors, 1000);
    assert_eq!(d.days[0].holdout.revenue, 3600.0);
    assert!(!d.has_squares);
    let m =
        monitor(&d, &Settings { alpha: 0.05, planned_visitors: 50_000, primary: Metric::RpvLift }, Some(0.6)).unwrap();
    assert_eq!(m.looks.len(), 2);
    assert!(m.looks[1].lift(Metric::RpvLift).is_some() && m.stop_at.is_none());
    assert!(m.verdict().starts_with("Continue"), "{}", m.verdict());
    // Without sums of squares or the scenario's spread, only conversion is measured.
    let m = monitor(&d, &Settings { alpha: 0.05, planned_visitors: 50_000, primary: Metric::ConversionRateLift }, None)
        .unwrap();
    assert!(m.looks[0].lift(Metric::RpvLift).is_none() && m.looks[0].lift(Metric::ConversionRateLift).is_some());
}

/// A standard deviation of revenue per order (or per visitor) stands for the sum of
/// squares: (n - 1) sd^2 + revenue^2 / n.
#[test]
fn a_standard_deviation_gives_the_sum_of_squares() {
    let t = table("date,arm,visitors,orders,revenue,aov_sd\nd1,holdout,1000,10,1000,20\nd1,b,1000,20,2400,30\n");
    let d = read(&t, &Mapping::default(), None).unwrap();
    assert!(d.has_squares);
    assert!((d.days[0].holdout.revenue_sq.unwrap() - (9.0 * 400.0 + 1000.0 * 1000.0 / 10.0)).abs() < 1e-9);
    let t = table("date,arm,visitors,orders,revenue,rpv_sd\nd1,holdout,100,10,1000,5\nd1,b,100,20,2400,6\n");
    let d = read(&t, &Mapping::default(), None).unwrap();
    assert!((d.days[0].treatment.revenue_sq.unwrap() - (99.0 * 36.0 + 2400.0 * 2400.0 / 100.0)).abs() < 1e-9);
}

#[test]
fn bad_results_files_are_refused_naming_the_line() {
    let cases = [
        (
            "date,arm,visitors,orders,revenue\nd1,holdout,100,120,50\nd1,b,100,1,5\n",
            "line 2: 120 orders from 100 visitors",
        ),
        (
            "date,arm,visitors,orders,revenue\nd1,holdout,100,2,-5\nd1,b,100,1,5\n",
            "line 2: the revenue `-5` is not an amount",
        ),
        ("date,arm,visitors,orders,revenue\nd1,holdout,1e3,2,5\n", "line 2: the visitors `1e3` is not a whole number"),
        (
            "date,arm,visitors,orders,revenue\nd1,x,10,1,5\nd1,y,10,1,5\n",
            "which arm is the holdout? The arms are `x` and `y`",
        ),
        ("date,arm,visitors,orders,revenue\nd1,holdout,10,1,5\nd1,b,10,1,5\nd1,c,10,1,5\n", "line 4: a third arm `c`"),
        (
            "date,arm,visitors,orders,revenue\nd1,holdout,10,1,5\n",
            "a holdout test needs two arms; the file has only `holdout`",
        ),
        ("date,group,visitors,revenue\nd1,holdout,10,5\n", "no column holds the orders"),
        (
            "date,arm,visitors,orders,revenue,revenue_sq\nd1,holdout,10,2,100,10\nd1,b,10,1,5,25\n",
            "line 2: the revenue's sum of squares 10 is below",
        ),
    ];
    for (text, want) in cases {
        let e = read(&table(text), &Mapping::default(), None).unwrap_err().to_string();
        assert!(e.contains(want), "{e}\n  wanted: {want}");
        assert!(e.starts_with("results.csv"), "{e}");
    }
    // A named control that is not there.
    let t = table("date,arm,visitors,orders,revenue\nd1,x,10,1,5\nd1,y,10,1,5\n");
    let e = read(&t, &Mapping::default(), Some("holdout")).unwrap_err().to_string();
    assert!(e.contains("no arm is named `holdout`; the arms are `x` and `y`"), "{e}");
    assert_eq!(read(&t, &Mapping::default(), Some("y")).unwrap().holdout_arm, "y");
}

/// A test's arm simulated with only the strategy it reads (as the holdout planner
/// runs them) tallies that strategy exactly as an arm running both strategies does:
/// every figure but the covariances with the holdout, which an arm on its own has no
/// holdout for.
#[test]
fn an_arm_running_one_strategy_tallies_it_as_beside_the_other() {
    let mut spec = aovlab::io::article_spec();
    let aov = spec.strategies.iter().position(|s| s.name == "AOV-optimized").unwrap();
    spec.strategies = vec![spec.strategies[0].clone(), spec.strategies[aov].clone()];
    spec.store.replications = 3;
    let sc = Scenario::from_spec(spec).unwrap();
    let (mut holdout, mut treatment) = (sc.clone(), sc.clone());
    holdout.strategies.truncate(1);
    treatment.strategies.remove(0);
    let opts = RunOptions::default();
    let sizes = [3_000, 27_000, 3_000, 27_000];
    let together: Vec<(usize, u64)> = sizes.iter().map(|&n| (0, n)).collect();
    let apart: Vec<(usize, u64)> = sizes.iter().enumerate().map(|(g, &n)| (g % 2, n)).collect();
    let both = aovlab::engine::run_groups(&[&sc], &together, &opts, &|_, _| {}, &Default::default()).unwrap();
    let arms =
        aovlab::engine::run_groups(&[&holdout, &treatment], &apart, &opts, &|_, _| {}, &Default::default()).unwrap();
    let own = |t: &aovlab::engine::StrategyCounts| aovlab::engine::StrategyCounts {
        revenue_x_holdout: 0,
        margin_x_holdout: 0,
        orders_x_holdout: 0,
        revenue_x_holdout_order: 0,
        order_x_holdout_revenue: 0,
        revenue_diff_pow4: 0,
        attributed_moments: [t.attributed_moments[0], t.attributed_moments[1], 0],
        influenced_moments: [t.influenced_moments[0], t.influenced_moments[1], 0],
        net_moments: [t.net_moments[0], 0, t.net_moments[2], 0],
        ..t.clone()
    };
    for (b, a) in both.iter().zip(&arms) {
        for g in 0..sizes.len() {
            let k = g % 2;
            assert_eq!(b[g].visitors, a[g].visitors);
            assert!(b[g].strategies[k].orders > 0, "group {g} has orders");
            assert_eq!(own(&b[g].strategies[k]), own(&a[g].strategies[0]), "group {g}");
        }
    }
}
