//! The real `aovlab` binary, run in a temporary directory.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use predicates::prelude::*;

fn aovlab() -> Command {
    Command::cargo_bin("aovlab").unwrap()
}

#[test]
fn run_prints_the_comparison_table() {
    aovlab()
        .args(["run", "--replications", "3", "--visitors", "20000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("AOV-optimized"))
        .stdout(predicate::str::contains("Annual GMV impact"))
        .stdout(predicate::str::contains("Holdout (holdout)"))
        .stdout(predicate::str::is_match(r"\$\d{1,3}(,\d{3})+").unwrap());
}

#[test]
fn run_json_has_the_documented_shape() {
    let out = aovlab().args(["run", "--replications", "3", "--visitors", "20000", "--json", "-"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "scenario",
        "seed",
        "replications",
        "visitors_per_replication",
        "elapsed_seconds",
        "visitor_sessions_per_second",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["replications"], 3);
    let strategies = v["strategies"].as_array().unwrap();
    assert_eq!(strategies.len(), 8);
    let holdout = &strategies[0];
    assert_eq!(holdout["is_holdout"], true);
    assert!(holdout["vs_holdout"].is_null());
    for m in [
        "conversion_rate",
        "cart_abandonment_rate",
        "aov",
        "revenue_per_visitor",
        "gross_margin_per_visitor",
        "tier_upgrade_rate",
    ] {
        for k in ["mean", "p05", "p50", "p95"] {
            assert!(holdout["metrics"][m][k].is_number(), "{m}.{k}");
        }
    }
    // Nothing is shown to the holdout: its acceptance rates are null.
    assert!(holdout["metrics"]["pre_checkout_acceptance_rate"].is_null());
    let aov = &strategies[2];
    assert_eq!(aov["name"], "AOV-optimized");
    for l in ["conversion_rate_lift", "aov_lift", "rpv_lift", "margin_lift", "annual_gmv_impact"] {
        for k in ["mean", "p05", "p50", "p95", "prob_positive"] {
            assert!(aov["vs_holdout"][l][k].is_number(), "{l}.{k}");
        }
    }
    assert!(aov["vs_holdout"]["log_decomposition"]["conversion"]["mean"].is_number());
    assert!(aov["vs_holdout"]["log_decomposition"]["aov"]["mean"].is_number());
    assert!(aov["vs_holdout"]["revenue_by_source"]["post_checkout"]["mean"].as_f64().unwrap() > 0.0);
}

#[test]
fn run_writes_json_and_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let csv = dir.path().join("r.csv");
    aovlab()
        .current_dir(dir.path())
        .args(["run", "--replications", "2", "--visitors", "10000", "--json", "r.json", "--csv", "r.csv"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(v["visitors_per_replication"], 10000);
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("replication,strategy,is_holdout,visitors,conversion_rate,conversion_rate_se,")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2 * 8);
    // AOV-optimized, replication 0: a lift and its standard error are both present.
    let cols: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let aov = rows.iter().find(|r| r.starts_with("0,AOV-optimized,")).unwrap();
    let vals: Vec<&str> = aov.split(',').collect();
    let at = |name: &str| vals[cols.iter().position(|c| *c == name).unwrap()].parse::<f64>().unwrap();
    assert!(at("rpv_lift") > 0.0 && at("rpv_lift_se") > 0.0 && at("rpv_lift_se") < at("rpv_lift"));
}

#[test]
fn seed_flag_changes_and_fixes_the_results() {
    let get = |seed: &str| {
        let out = aovlab()
            .args(["run", "--replications", "2", "--visitors", "10000", "--seed", seed, "--json", "-"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["strategies"][0]["metrics"]["revenue_per_visitor"]["mean"].as_f64().unwrap()
    };
    assert_eq!(get("1"), get("1"));
    assert_ne!(get("1"), get("2"));
}

#[test]
fn validate_accepts_good_files_and_lists_every_error() {
    aovlab()
        .args(["validate", "scenarios/article.toml", "scenarios/apparel-free-shipping.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("article.toml: ok"));
    aovlab()
        .args(["validate", "scenarios/article.toml", "tests/bad/two_holdouts.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tests/bad/two_holdouts.toml:52:1: strategies[1].holdout"))
        .stderr(predicate::str::contains("1 of 2 files invalid"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn impact_is_ten_million_for_the_article_example() {
    aovlab()
        .args(["impact", "--annual-gmv", "50000000", "--aov-lift", "0.20"])
        .assert()
        .success()
        .stdout(predicate::str::contains("annual impact: +$10,000,000"));
    aovlab()
        .args(["impact", "--annual-gmv", "50000000", "--aov-lift", "0.10", "--conversion-lift", "-0.02"])
        .assert()
        .success()
        .stdout(predicate::str::contains("+$3,900,000"));
    aovlab()
        .args(["impact", "--annual-gmv", "-5", "--aov-lift", "0.2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--annual-gmv"));
}

#[test]
fn bad_input_exits_2_with_one_readable_error() {
    aovlab()
        .args(["run", "no-such-file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.toml: cannot read"));
    aovlab().args(["run", "--visitors", "0"]).assert().code(2);
    aovlab().args(["run", "--frobnicate"]).assert().code(2);
    aovlab()
        .args(["run", "tests/bad/unknown_field.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `share`?"));
    // An override that breaks a limit is refused with the limit in words.
    aovlab()
        .args(["run", "--visitors", "999999999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--visitors").and(predicate::str::contains("from 1 to 1,000,000,000")));
}

#[test]
fn bench_prints_its_figures() {
    aovlab()
        .args(["bench", "--replications", "1", "--visitors", "20000", "--repeat", "1", "--threads", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("visitor_sessions_per_second:"))
        .stdout(predicate::str::contains("threads: 2"));
    let out = aovlab()
        .args(["bench", "--replications", "1", "--visitors", "20000", "--repeat", "1", "--json", "-"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["visitor_sessions_per_second"].as_f64().unwrap() > 0.0);
    assert!(v["threads"].as_u64().unwrap() >= 1);
}

#[test]
fn four_shards_merge_to_the_single_machine_results() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["run", "--replications", "9", "--visitors", "15000", "--seed", "77"];
    for i in 0..4 {
        aovlab()
            .current_dir(dir.path())
            .args(args)
            .args(["--shard", &format!("{i}/4"), "--json", &format!("part{i}.json")])
            .assert()
            .success();
    }
    let merged = aovlab()
        .current_dir(dir.path())
        .args(["merge", "part2.json", "part0.json", "part3.json", "part1.json", "--json", "-"])
        .output()
        .unwrap();
    assert!(merged.status.success());
    let single = aovlab().current_dir(dir.path()).args(args).args(["--json", "-"]).output().unwrap();
    let strip = |bytes: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        for k in ["elapsed_seconds", "visitor_sessions_per_second", "threads"] {
            v.as_object_mut().unwrap().remove(k);
        }
        v.to_string()
    };
    // Bit-identical: the same JSON text for every number.
    assert_eq!(strip(&merged.stdout), strip(&single.stdout));
    // Shards run side by side: the run's wall time is the slowest shard's, and its
    // threads are all of theirs.
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.path().join(name)).unwrap()).unwrap()
    };
    let parts: Vec<serde_json::Value> = (0..4).map(|i| read(&format!("part{i}.json"))).collect();
    let report: serde_json::Value = serde_json::from_slice(&merged.stdout).unwrap();
    let slowest = parts.iter().map(|p| p["elapsed_seconds"].as_f64().unwrap()).fold(0.0, f64::max);
    assert_eq!(report["elapsed_seconds"].as_f64().unwrap(), slowest);
    let threads: u64 = parts.iter().map(|p| p["threads"].as_u64().unwrap()).sum();
    assert_eq!(report["threads"].as_u64().unwrap(), threads);
    // A partial file of another format version is refused, not misread.
    let mut future = read("part3.json");
    future["version"] = serde_json::json!(aovlab::io::partial::PARTIAL_VERSION + 1);
    std::fs::write(dir.path().join("future.json"), future.to_string()).unwrap();
    aovlab()
        .current_dir(dir.path())
        .args(["merge", "part0.json", "part1.json", "part2.json", "future.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "future.json: kind `aovlab-partial-results` version {}",
            aovlab::io::partial::PARTIAL_VERSION + 1
        )));

    // Incomplete, duplicated or mismatched shards are refused.
    aovlab()
        .current_dir(dir.path())
        .args(["merge", "part0.json", "part1.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("replications are missing"));
    aovlab()
        .current_dir(dir.path())
        .args(["merge", "part0.json", "part0.json", "part1.json", "part2.json", "part3.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is in both"));
    aovlab()
        .current_dir(dir.path())
        .args([
            "run",
            "--replications",
            "9",
            "--visitors",
            "15000",
            "--seed",
            "78",
            "--shard",
            "0/4",
            "--json",
            "other.json",
        ])
        .assert()
        .success();
    aovlab()
        .current_dir(dir.path())
        .args(["merge", "other.json", "part1.json", "part2.json", "part3.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a different run (scenario"));
    std::fs::write(dir.path().join("junk.json"), "{\"kind\": 3}").unwrap();
    aovlab()
        .current_dir(dir.path())
        .args(["merge", "junk.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("junk.json: \"kind\" and \"version\""));
    aovlab().args(["run", "--shard", "4/4", "--json", "-"]).assert().code(2).stderr(predicate::str::contains("I/N"));
    aovlab().args(["run", "--shard", "0/4"]).assert().code(2).stderr(predicate::str::contains("--json"));
}

#[test]
fn saved_outputs_get_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    aovlab()
        .current_dir(dir.path())
        .args(["run", "--replications", "1", "--visitors", "1000", "--json", "r.json"])
        .assert()
        .success();
    let mode = std::fs::metadata(dir.path().join("r.json")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn engine_paths_are_selectable_and_fast_equals_counted_on_revenue() {
    let json = |path: &str| -> serde_json::Value {
        let out = aovlab()
            .args(["run", "--replications", "2", "--visitors", "20000", "--path", path, "--json", "-"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (fast, counted) = (json("fast"), json("counted"));
    for (f, c) in fast["strategies"].as_array().unwrap().iter().zip(counted["strategies"].as_array().unwrap()) {
        for m in ["conversion_rate", "aov", "revenue_per_visitor", "gross_margin_per_visitor"] {
            assert_eq!(f["metrics"][m], c["metrics"][m], "{} {m}", f["name"]);
        }
    }
    aovlab()
        .args(["bench", "--path", "per-visitor", "--replications", "1", "--visitors", "20000", "--repeat", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("path: per-visitor"));
    aovlab()
        .args(["run", "--path", "sideways"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fast").and(predicate::str::contains("per-visitor")));
}

#[test]
fn sweep_prints_a_row_per_value_and_writes_every_metric() {
    let out = aovlab()
        .args(["sweep", "--replications", "2", "--visitors", "3000", "--steps", "3"])
        .args(["--param", r#"strategies."AOV-optimized".tier_prompt.window"#, "--from", "0.1", "--to", "0.5"])
        .args(["--csv", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "strategies[2].tier_prompt.window,strategy,metric,mean,p05,p50,p95,se,n");
    let rows: Vec<&str> = lines.collect();
    // 3 points x 8 strategies x the metrics defined for each.
    assert!(rows.iter().any(|r| r.starts_with("0.3,AOV-optimized,revenue_per_visitor,")), "{text}");
    assert_eq!(rows.iter().filter(|r| r.contains(",annual_gmv_impact,")).count(), 3 * 7);
    aovlab()
        .args(["sweep", "--replications", "2", "--visitors", "3000", "--steps", "2"])
        .args(["--param", "behaviour.post_checkout_base_accept", "--from", "0.4", "--to", "0.6"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Post-checkout base acceptance"))
        .stdout(predicate::str::contains("40%"))
        .stdout(predicate::str::contains("60%"));
}

/// `aovlab ARGS` exits 2 saying `says`.
fn refused(args: &[&str], says: &str) {
    aovlab().args(args).assert().code(2).stderr(predicate::str::contains(says));
}

#[test]
fn sweep_and_sensitivity_refuse_bad_requests_with_the_reason() {
    let accept = "behaviour.post_checkout_base_accept";
    refused(&["sweep", "--param", "store.seed", "--from", "1", "--to", "2"], "run setting");
    refused(&["sweep", "--param", accept, "--from", "0.4", "--to", "1.4"], "outside the allowed range");
    refused(
        &["sweep", "--param", accept, "--from", "0.4", "--to", "0.5", "--metric", "revenue"],
        "revenue_per_visitor",
    );
    refused(&["sensitivity", "--strategy", "Nobody"], "no strategy `Nobody`");
    refused(&["sensitivity", "--strategy", "Holdout", "--outcome", "rpv_lift"], "not defined for the holdout");
}

#[test]
fn sensitivity_prints_the_tornado_and_exports_every_draw() {
    let out =
        aovlab().args(["sensitivity", "--replications", "4", "--visitors", "3000", "--csv", "-"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "replication,behaviour.pre_checkout_base_accept,behaviour.post_checkout_base_accept,\
         behaviour.friction_per_slot,behaviour.satiation,segments[0].post_checkout_eligibility,\
         segments[1].post_checkout_eligibility,segments[2].post_checkout_eligibility,\
         strategies[1].checkout.friction_reduction,outcome,difference"
    );
    assert_eq!(lines.len(), 5);
    aovlab()
        .args(["sensitivity", "--replications", "4", "--visitors", "3000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Pre-checkout base acceptance"))
        .stdout(predicate::str::contains("Decision: AOV-optimized minus Conversion-optimized"))
        .stdout(predicate::str::contains("Rank correlation"));
}

#[test]
fn run_with_a_precision_target_says_where_it_stopped() {
    aovlab()
        .args(["run", "--visitors", "5000", "--replications", "60", "--precision", "rpv_lift=0.012"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Precision target met after"))
        .stdout(predicate::str::contains("target +/- 1.200 points"));
    aovlab()
        .args(["run", "--precision", "rpv_lift=0.005", "--shard", "0/2", "--json", "x.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn sweep_shards_merge_to_the_whole_sweep() {
    let dir = tempfile::tempdir().unwrap();
    for (param, from, to) in [
        (r#"strategies."AOV-optimized".post_checkout.offer_discount"#, "0", "0.4"),
        ("behaviour.post_checkout_base_accept", "0.4", "0.8"),
        // A held share: its shards record the file form (the share is held when run).
        ("segments[0].share", "0.2", "0.6"),
    ] {
        let sweep = |extra: &[&str]| {
            let mut c = aovlab();
            c.current_dir(dir.path())
                .args(["sweep", "--replications", "5", "--visitors", "3000", "--steps", "3"])
                .args(["--param", param, "--from", from, "--to", to])
                .args(extra);
            c
        };
        let whole = sweep(&["--json", "-"]).output().unwrap();
        assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
        for i in 0..3 {
            let shard = format!("{i}/3");
            let file = format!("part{i}.json");
            sweep(&["--shard", &shard, "--json", &file]).assert().success();
        }
        let merged = aovlab()
            .current_dir(dir.path())
            .args(["merge", "part2.json", "part0.json", "part1.json", "--json", "-"])
            .output()
            .unwrap();
        assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stderr));
        assert_eq!(String::from_utf8_lossy(&merged.stdout), String::from_utf8_lossy(&whole.stdout), "{param}");
        // A missing shard is named as missing replications.
        aovlab()
            .current_dir(dir.path())
            .args(["merge", "part0.json", "part1.json"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("replications are missing"));
    }
    // Shards of two different sweeps do not merge.
    aovlab()
        .current_dir(dir.path())
        .args(["sweep", "--replications", "5", "--visitors", "3000", "--steps", "2"])
        .args(["--param", "behaviour.post_checkout_base_accept", "--from", "0.4", "--to", "0.8"])
        .args(["--shard", "0/3", "--json", "other.json"])
        .assert()
        .success();
    aovlab()
        .current_dir(dir.path())
        .args(["merge", "other.json", "part1.json", "part2.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different sweep"));
}

#[test]
fn optimize_names_the_levers_and_its_shards_merge_to_the_same_search() {
    let dir = tempfile::tempdir().unwrap();
    let opt = |extra: &[&str]| {
        let mut c = aovlab();
        c.current_dir(dir.path())
            .args(["optimize", "--replications", "6", "--visitors", "4000", "--max-slots", "1", "--max-offers", "1"])
            .args(["--objective", "annual_impact", "--constraint", "conversion_rate_lift>=-1%"])
            .args(extra);
        c
    };
    let whole = opt(&["--json", "-"]).output().unwrap();
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    let v: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
    assert_eq!(v["kind"], "aovlab-optimize");
    assert_eq!(v["objective"], "annual_gmv_impact", "the old name reads as the metric's");
    assert!(v["policies_evaluated"].as_u64().unwrap() > 100);
    assert!(v["chosen"]["levers"]["pre_checkout"]["policy"].is_string());
    let metrics = v["chosen"]["metrics"].as_array().unwrap();
    assert!(metrics.iter().any(|m| m["metric"] == "annual_gmv_impact" && m["p5"].as_f64() <= m["p95"].as_f64()));
    assert!(!v["frontier"].as_array().unwrap().is_empty());
    for i in 0..2 {
        opt(&["--shard", &format!("{i}/2"), "--json", &format!("opt{i}.json")]).assert().success();
    }
    let merged =
        aovlab().current_dir(dir.path()).args(["merge", "opt1.json", "opt0.json", "--json", "-"]).output().unwrap();
    assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stderr));
    assert_eq!(String::from_utf8_lossy(&merged.stdout), String::from_utf8_lossy(&whole.stdout));
    aovlab()
        .current_dir(dir.path())
        .args(["merge", "opt0.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shard 1/2 is missing"));
    // A shard whose values were edited is refused, naming what is wrong: rates scaled
    // by 1000, a negative revenue, parts that disagree.
    let text = std::fs::read_to_string(dir.path().join("opt1.json")).unwrap();
    use aovlab::report::Metric;
    let at = |m: Metric| Metric::ALL.iter().position(|&x| x == m).unwrap();
    let tamper = |f: &dyn Fn(&mut Vec<serde_json::Value>), want: &str| {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        // The first replication of a candidate with a lift (all levers off has none).
        let scores = v["screened"]["scores"].as_array_mut().unwrap();
        let lifted =
            |s: &serde_json::Value| s[1][0][at(Metric::AnnualGmvImpact)].as_f64().is_some_and(|x| x.abs() > 1.0);
        let values = scores.iter_mut().find(|s| lifted(s)).unwrap()[1][0].as_array_mut().unwrap();
        f(values);
        std::fs::write(dir.path().join("bad.json"), serde_json::to_string(&v).unwrap()).unwrap();
        aovlab()
            .current_dir(dir.path())
            .args(["merge", "opt0.json", "bad.json"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("bad.json").and(predicate::str::contains(want)));
    };
    let scale = |k: usize, by: f64| move |v: &mut Vec<serde_json::Value>| v[k] = (v[k].as_f64().unwrap() * by).into();
    tamper(&scale(at(Metric::ConversionRate), 1000.0), "conversion_rate is");
    tamper(&scale(at(Metric::RevenuePerVisitor), -1.0), "revenue_per_visitor is");
    tamper(&scale(at(Metric::RevenuePerVisitor), 1.01), "revenue per visitor is not conversion x AOV");
    tamper(&scale(at(Metric::AnnualGmvImpact), 1.5), "annual impact is not annual GMV x RPV lift");
    // The table and a snippet to paste into the scenario.
    opt(&[])
        .assert()
        .success()
        .stdout(predicate::str::contains("[[strategies]]"))
        .stdout(predicate::str::contains("P(best)"));
    refused(&["optimize", "--objective", "profit"], "revenue_per_visitor");
    refused(&["optimize", "--constraint", "aov_lift=3"], "METRIC>=VALUE");
    refused(&["optimize", "--max-discount", "0.95"], "0% to 90%");
}

#[test]
fn plan_holdout_reports_power_and_what_the_test_is_worth() {
    let out = aovlab()
        .args(["plan-holdout", "--replications", "20", "--visitors", "20000", "--daily-visitors", "5000"])
        .args(["--days", "7", "--holdout-share", "0.2", "--json", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["plan"]["strategy"], "AOV-optimized");
    assert_eq!(v["holdout_visitors"], 7000);
    let metrics = v["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), 3);
    for m in metrics {
        assert_eq!(m["power_by_day"].as_array().unwrap().len(), 21);
        assert!((0.0..=1.0).contains(&m["power"].as_f64().unwrap()));
    }
    assert!(v["value_of_information"]["evpi"].as_f64().unwrap() >= 0.0);
    assert!(v["value_of_information"]["test"]["net"].is_number());
    assert!(v["value_of_information"]["noise_floor"].as_f64().unwrap() >= 0.0);
    assert_eq!(v["value_of_information"]["basis"], "gross");
    assert!(v["forgone_net_revenue"].is_number());
    aovlab()
        .args(["plan-holdout", "--replications", "4", "--visitors", "5000", "--daily-visitors", "1000", "--days", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Power (simulated)"))
        .stdout(predicate::str::contains("EVPI"));
    refused(&["plan-holdout", "--holdout-share", "1"], "between 0 and 1");
    refused(&["plan-holdout", "--strategy", "Holdout"], "is the holdout");
    refused(&["plan-holdout", "--days", "400"], "1 to 365");
}

#[test]
fn run_writes_chart_files_and_a_summary_and_report_writes_one_html_file() {
    let dir = tempfile::tempdir().unwrap();
    aovlab()
        .current_dir(dir.path())
        .args([
            "run",
            "--replications",
            "6",
            "--visitors",
            "5000",
            "--charts",
            "charts",
            "--summary-csv",
            "summary.csv",
        ])
        .assert()
        .success();
    let names: std::collections::BTreeSet<String> = std::fs::read_dir(dir.path().join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for id in ["lifts", "annual-impact", "rpv-decomposition", "waterfall-aov-optimized", "acceptance"] {
        assert!(names.contains(&format!("{id}.png")) && names.contains(&format!("{id}.svg")), "{id}: {names:?}");
    }
    let summary = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 1 + 8, "a header and a row per strategy");
    aovlab()
        .current_dir(dir.path())
        .args(["report", "--replications", "6", "--visitors", "5000", "-o", "report.html"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrote report.html (7 charts"));
    let page = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(page.matches("<svg").count(), 7);
    assert!(page.contains("AOV-optimized raises revenue per visitor by"));
    refused(&["report"], "--output");
}

#[test]
fn compare_names_the_differing_assumptions_and_both_results() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("b.toml");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/article.toml"), &b).unwrap();
    aovlab().args(["set", b.to_str().unwrap(), "store.replications=5", "store.visitors=4000"]).assert().success();
    let a = dir.path().join("a.toml");
    std::fs::copy(&b, &a).unwrap();
    aovlab().args(["set", b.to_str().unwrap(), "behaviour.post_checkout_base_accept=0.5"]).assert().success();
    let out = aovlab().args(["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--json", "-"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["differences"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["label"], "Post-checkout base acceptance");
    assert_eq!(d[0]["b"], "50%");
    let post = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["strategy"] == "Post-checkout only" && r["metric"] == "rpv_lift")
        .unwrap();
    assert!(post["difference"].as_f64().unwrap() < 0.0, "a lower acceptance lowers the lift: {post}");
    aovlab()
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--no-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 assumption differs:"));
}

#[test]
fn save_results_makes_a_presenter_file_that_a_rerun_checks() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/article.toml"), &f).unwrap();
    let file = f.to_str().unwrap();
    aovlab().args(["set", file, "store.replications=4", "store.visitors=4000"]).assert().success();
    aovlab().args(["run", file, "--save-results"]).assert().success();
    assert!(std::fs::read_to_string(&f).unwrap().contains("[presented]"));
    aovlab()
        .args(["run", file])
        .assert()
        .success()
        .stdout(predicate::str::contains("reproduces the results saved in the file"));
    aovlab().args(["run", file, "--seed", "9"]).assert().success().stdout(predicate::str::contains("differs from"));
    refused(&["run", file, "--save-results", "--seed", "9"], "as it is");
    refused(&["run", "--save-results"], "give the file");
}

#[test]
fn sensitivity_and_plan_holdout_write_their_charts() {
    let dir = tempfile::tempdir().unwrap();
    aovlab()
        .current_dir(dir.path())
        .args(["sensitivity", "--replications", "6", "--visitors", "3000", "--charts", "c"])
        .assert()
        .success();
    aovlab()
        .current_dir(dir.path())
        .args(["plan-holdout", "--replications", "6", "--visitors", "3000", "--daily-visitors", "2000", "--days", "3"])
        .args(["--charts", "c"])
        .assert()
        .success();
    aovlab()
        .current_dir(dir.path())
        .args(["optimize", "--replications", "4", "--visitors", "3000", "--max-slots", "1", "--max-offers", "1"])
        .args(["--charts", "c"])
        .assert()
        .success();
    aovlab()
        .current_dir(dir.path())
        .args(["sweep", "--replications", "4", "--visitors", "3000", "--steps", "3", "--charts", "c"])
        .args(["--param", "behaviour.post_checkout_base_accept", "--from", "0.4", "--to", "0.8"])
        .assert()
        .success();
    aovlab()
        .current_dir(dir.path())
        .args(["sweep", "--replications", "4", "--visitors", "3000", "--steps", "3", "--charts", "c"])
        .args(["--param", "behaviour.post_checkout_base_accept", "--from", "0.4", "--to", "0.8"])
        .args(["--param2", "tiers.Gold.threshold", "--from2", "400", "--to2", "500", "--steps2", "2"])
        .args(["--strategy", "AOV-optimized", "--versus", "Conversion-optimized"])
        .assert()
        .success();
    for f in [
        "sweep-post-checkout-base-acceptance-by-gold-threshold.png",
        "sweep-post-checkout-base-acceptance-by-gold-threshold.svg",
        "tornado.png",
        "tornado.svg",
        "value-of-information.png",
        "value-of-information.svg",
        "power-by-day.svg",
        "measured-lift.png",
        "trade-off.svg",
        "trade-off.png",
        "sweep-post-checkout-base-acceptance.svg",
    ] {
        let bytes = std::fs::read(dir.path().join("c").join(f)).unwrap();
        assert!(bytes.len() > 1000, "{f}");
    }
}

#[test]
fn import_catalog_previews_and_writes_a_scenario_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), "Item,Cost,Shelf\nMug,12.50,kitchen\nKettle,40,kitchen\n").unwrap();
    // Without -o: the preview only.
    aovlab()
        .current_dir(dir.path())
        .args(["import-catalog", "p.csv", "--map", "product=Item,price=Cost,category=Shelf"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 products found").and(predicate::str::contains("Nothing written")));
    assert!(!dir.path().join("out.toml").exists());
    aovlab()
        .current_dir(dir.path())
        .args(["import-catalog", "p.csv", "--map", "product=Item,price=Cost", "-o", "out.toml"])
        .args(["--post-purchase-below", "20"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 product priced at most 20 may be offered after checkout"));
    aovlab()
        .current_dir(dir.path())
        .args(["run", "out.toml", "--replications", "3", "--visitors", "3000"])
        .assert()
        .success();
    // A mapping naming a column the file lacks: the columns it has.
    refused(
        &["import-catalog", dir.path().join("p.csv").to_str().unwrap(), "--map", "price=Price"],
        "no column `Price`",
    );
}

#[test]
fn calibrate_writes_a_large_catalog_as_csv_files_and_the_proof_of_fit() {
    let dir = tempfile::tempdir().unwrap();
    // 600 products, 3,000 orders of one to four lines; products 2k and 2k+1 go together.
    let mut text = String::from("order_id,product,category,price,quantity\n");
    for o in 0..3000u32 {
        let a = (o * 7919) % 600;
        let lines = 1 + o % 4;
        for l in 0..lines {
            let p = if l == 1 { a ^ 1 } else { (a + l * 37) % 600 };
            text.push_str(&format!("{o},p{p},c{},{}.50,1\n", p % 5, 5 + p % 40));
        }
    }
    std::fs::write(dir.path().join("orders.csv"), text).unwrap();
    aovlab()
        .current_dir(dir.path())
        .args(["calibrate", "orders.csv", "-o", "cal.toml", "--report", "fit.html", "--charts", "fit"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Proof of fit").and(predicate::str::contains("KS distance")));
    for f in ["cal-products.csv", "cal-links.csv", "fit.html", "fit/fit-basket-size.svg", "fit/fit-order-value.png"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    // The charts' footer names the fit's own simulation, not the scenario's run.
    let svg = std::fs::read_to_string(dir.path().join("fit/fit-basket-size.svg")).unwrap();
    assert!(svg.contains("10 replications") && !svg.contains("visitors"), "the fit's footer");
    let html = std::fs::read_to_string(dir.path().join("fit.html")).unwrap();
    assert_eq!(html.matches("<figure").count(), 4, "basket size, order value, categories, complements");
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "self-contained");
    aovlab().current_dir(dir.path()).args(["validate", "cal.toml"]).assert().success();
    refused(&["calibrate", dir.path().join("orders.csv").to_str().unwrap(), "--min-lift", "0.5"], "--min-lift");
}

/// Every analysis, on every scenario shipped in scenarios/, at a small size: each must
/// run (a shipped scenario where an analysis fails is a broken promise).
#[test]
fn every_analysis_runs_on_every_shipped_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let small = ["--replications", "4", "--visitors", "2000"];
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for file in &files {
        let f = file.to_str().unwrap();
        let ok = |args: &[&str]| {
            let out = aovlab().current_dir(dir.path()).args(args).output().unwrap();
            assert!(out.status.success(), "aovlab {} failed on {f}: {}", args[0], String::from_utf8_lossy(&out.stderr));
            out
        };
        ok(&["validate", f]);
        let run = ok(&[&["run", f, "--json", "-"][..], &small].concat());
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let strategy = report["strategies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["is_holdout"] == false)
            .and_then(|s| s["name"].as_str())
            .unwrap()
            .to_string();
        // A scenario without an uncertain input has nothing for sensitivity to rank:
        // the answer says so (and how to give an input a distribution).
        let sens = aovlab()
            .current_dir(dir.path())
            .args([&["sensitivity", f, "--json", "/dev/null"][..], &small].concat())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&sens.stderr);
        assert!(sens.status.success() || said.contains("has no uncertain input"), "sensitivity on {f}: {said}");
        ok(&[&["plan-holdout", f, "--json", "/dev/null"][..], &small].concat());
        let opt = ["optimize", f, "--max-slots", "1", "--max-offers", "1", "--json", "/dev/null"];
        ok(&[&opt[..], &small].concat());
        // A world fact (a segment's share, held so that the shares stay whole) and a lever.
        let share = ["sweep", f, "--param", "segments[0].share", "--from", "0.3", "--to", "0.6", "--steps", "3"];
        ok(&[&share[..], &["--json", "/dev/null"], &small].concat());
        let lever = format!("strategies.\"{strategy}\".checkout.discount");
        let sweep = ["sweep", f, "--param", &lever, "--from", "0", "--to", "0.1", "--steps", "2"];
        ok(&[&sweep[..], &["--json", "/dev/null"], &small].concat());
        ok(&[&["report", f, "-o", "report.html"][..], &small].concat());
        ok(&["compare", f, concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/article.toml"), "--no-run"]);
    }
}

#[test]
fn run_holds_an_input_and_refuses_what_cannot_be_held() {
    let small = ["--replications", "2", "--visitors", "2000"];
    let held = aovlab()
        .args([&["run", "--hold", "segments[0].share=0.3", "--json", "-"][..], &small].concat())
        .output()
        .unwrap();
    assert!(held.status.success(), "{}", String::from_utf8_lossy(&held.stderr));
    let plain = aovlab().args([&["run", "--json", "-"][..], &small].concat()).output().unwrap();
    let rpv = |out: &[u8]| -> f64 {
        let v: serde_json::Value = serde_json::from_slice(out).unwrap();
        v["strategies"][0]["metrics"]["revenue_per_visitor"]["mean"].as_f64().unwrap()
    };
    assert_ne!(rpv(&held.stdout), rpv(&plain.stdout), "the held share changes the traffic mix");
    refused(&[&["run", "--hold", "store.visitors=5"][..], &small].concat(), "cannot be held");
    refused(&[&["run", "--hold", "segments[0].share=1.5"][..], &small].concat(), "--hold segments[0].share=1.5");
}

/// `aovlab monitor` on the example test (the article's AOV-optimized against its
/// holdout, 21 days): the fixed interval excludes zero days before the always-valid
/// one, which says when to stop; without sums of squares the scenario's spread of
/// order values stands in.
#[test]
fn monitor_reads_a_running_test_and_says_when_to_stop() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/holdout-test-daily.csv");
    aovlab()
        .args(["monitor", "--daily"])
        .arg(&example)
        .assert()
        .success()
        .stdout(predicate::str::contains("Stop: on 2026-11-09 the treatment was ahead on revenue per visitor"))
        .stdout(predicate::str::contains("tuned to 1,057,588 visitors (the first day's times 28 days)"));
    let out = aovlab().args(["monitor", "--json", "-", "--daily"]).arg(&example).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "aovlab-monitor");
    assert_eq!(v["monitoring"]["stop_at"], 8);
    assert_eq!(v["monitoring"]["looks"].as_array().unwrap().len(), 21);
    // Without the sums of squares.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&example).unwrap();
    let plain: String = text.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n").collect();
    let path = dir.path().join("plain.csv");
    std::fs::write(&path, plain).unwrap();
    aovlab()
        .args(["monitor", "--daily"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("the revenue's spread is the scenario's"));
    // A bad file names its line.
    std::fs::write(&path, "date,arm,visitors,orders,revenue\nd1,holdout,10,20,5\nd1,b,10,1,5\n").unwrap();
    aovlab()
        .args(["monitor", "--daily"])
        .arg(&path)
        .assert()
        .failure()
        .stderr(predicate::str::contains("plain.csv, line 2: 20 orders from 10 visitors"));
}

/// `aovlab learn` on the example test: the posterior of every input the test can
/// inform, the decision before and after, and the updated scenario written beside the
/// original with each learned input commented, valid and keeping the original's other
/// comments; inputs the test cannot inform (return rates) keep their prior.
#[test]
fn learn_updates_the_scenario_from_a_finished_test() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/holdout-test-daily.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("updated.toml");
    aovlab()
        .args(["learn", "--worlds", "200", "--visitors", "20000", "--test"])
        .arg(&example)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("effective worlds of 200"))
        .stdout(predicate::str::contains("The decision before the test: AOV-optimized"))
        .stdout(predicate::str::contains("Post-checkout base acceptance"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with(
        "# Updated by `aovlab learn` from the holdout test holdout-test-daily.csv, 2026-11-01 to 2026-11-21"
    ));
    assert!(text.contains("# Learned from the test holdout-test-daily.csv"));
    assert!(text.contains("post_checkout_base_accept = { dist = \"beta\""));
    assert!(text.contains("return_rate_base_cart = { dist = \"triangular\", min = 0.03, mode = 0.06, max = 0.10 }"));
    assert!(text.contains("the article's example: $50M a year"), "the original's comments stay");
    aovlab().arg("validate").arg(&out).assert().success();
    let page = dir.path().join("learned.html");
    aovlab()
        .args(["learn", "--worlds", "200", "--visitors", "20000", "--test"])
        .arg(&example)
        .arg("--report")
        .arg(&page)
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<h1>What the test taught</h1>")
            && html.contains("<svg")
            && html.contains("Post-checkout base acceptance")
    );
    // Self-contained: nothing fetched (the SVG namespace is a name, not a fetch).
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "self-contained");
    let json = aovlab()
        .args(["learn", "--worlds", "200", "--visitors", "20000", "--json", "-", "--test"])
        .arg(&example)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["kind"], "aovlab-learn");
    assert_eq!(v["learned"]["contradicts"], false);
    assert!(v["learned"]["inputs"].as_array().unwrap().iter().all(|i| !i["path"].as_str().unwrap().contains("return")));
    // A test the scenario cannot explain: said, and nothing written.
    let odd = dir.path().join("odd.csv");
    std::fs::write(
        &odd,
        "date,arm,visitors,orders,revenue\nd1,holdout,20000,4000,480000\nd1,AOV-optimized,80000,2400,336000\n",
    )
    .unwrap();
    aovlab()
        .args(["learn", "--worlds", "100", "--visitors", "20000", "--test"])
        .arg(&odd)
        .arg("-o")
        .arg(dir.path().join("never.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("CONTRADICTS the scenario"))
        .stdout(predicate::str::contains("Holdout conversion"))
        .stdout(predicate::str::contains("Nothing written"));
    assert!(!dir.path().join("never.toml").exists());
}

/// `aovlab seek` on the article: the 30% AOV lift the article's vendor claims for
/// post-checkout offers is out of reach at any base acceptance; 6% needs one near the
/// top of the scenario's range.
#[test]
fn seek_says_what_a_target_needs_and_when_nothing_reaches_it() {
    let common = [
        "seek",
        "--replications",
        "20",
        "--strategy",
        "Post-checkout only",
        "--vary",
        "behaviour.post_checkout_base_accept",
    ];
    aovlab()
        .args(common)
        .args(["--target", "aov_lift=30%"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No value from 0% to 100% reaches it: the closest is"));
    let out = aovlab().args(common).args(["--target", "aov_lift=0.06", "--json", "-"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "aovlab-seek");
    let x = v["sought"]["value"].as_f64().unwrap();
    assert!((0.6..0.75).contains(&x), "{x}");
    assert!(v["sought"]["fields"][0]["placement"]["quantile"].as_f64().unwrap() > 0.9);
    aovlab()
        .args(common)
        .args(["--target", "aov_lift"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("write METRIC=VALUE"));
}

/// `aovlab claim` on the article: its vendor's 30% post-checkout claim holds in no
/// world, with the reason; a claim given by flags is checked as a file's would be,
/// its problems named by flag; a claim number the scenario lacks is refused.
#[test]
fn claim_checks_the_articles_claims_and_refuses_bad_ones_by_flag() {
    let small = ["--replications", "6", "--visitors", "20000"];
    let out = aovlab().args(["claim", "--claim", "1", "--json", "-"]).args(small).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "aovlab-claims");
    let c = &v["claims"][0];
    assert_eq!(c["probability"], 0.0);
    assert!(c["reason"].as_str().unwrap().contains("stays below +30.0%"), "{c}");
    assert!(c["needs"].as_array().unwrap().iter().all(|n| n["value"].is_null()));
    aovlab()
        .args(["claim", "--quick", "--figure", "conversion_lift", "--strategy", "Post-checkout only"])
        .args(["--at-least", "1%"])
        .args(small)
        .assert()
        .success()
        .stdout(predicate::str::contains("shows nothing before checkout"));
    aovlab()
        .args(["claim", "--figure", "aov_lift", "--strategy", "AOV-optimized", "--at-least", "30%"])
        .args(["--at-most", "10%"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--at-most: 0.1 is below at_least (0.3)"));
    aovlab()
        .args(["claim", "--figure", "take_rate", "--strategy", "AOV-optimized", "--at-least", "x"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--at-least `x` is not a number"));
    aovlab()
        .args(["claim", "--claim", "9"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("the scenario lists 3 claims, numbered from 1"));
}

/// `aovlab --version` names the commit it was built from and the build date, as the
/// About box, chart footers and reports do (`aovlab::version::LONG`).
#[test]
fn version_names_the_commit_and_the_build_date() {
    let out = aovlab().arg("--version").output().unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    assert_eq!(line.trim_end(), format!("aovlab {}", aovlab::version::LONG));
    let (commit, date) = (aovlab::version::COMMIT, aovlab::version::BUILD_DATE);
    let hex = commit.trim_end_matches("-modified");
    assert!(commit == "unknown" || (hex.len() == 12 && hex.chars().all(|c| c.is_ascii_hexdigit())), "{commit}");
    assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "{date}");
    assert!(line.contains(&format!("commit {commit}, built {date}")));
}

/// The man pages and shell completions a package installs come from the command
/// line's own definitions: every command has a page, and the completions know them.
#[test]
fn man_pages_and_completions_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    aovlab().args(["manpages", "--out"]).arg(dir.path()).assert().success();
    let main = std::fs::read_to_string(dir.path().join("aovlab.1")).unwrap();
    assert!(main.contains(".TH aovlab 1") && main.contains("run"), "{main}");
    for command in ["run", "sensitivity", "plan-holdout", "seek", "claim", "report"] {
        let page = std::fs::read_to_string(dir.path().join(format!("aovlab-{command}.1"))).unwrap();
        assert!(page.contains(".SH OPTIONS"), "aovlab-{command}.1");
    }
    for (shell, marker) in [("bash", "_aovlab()"), ("zsh", "#compdef aovlab"), ("fish", "complete -c aovlab")] {
        let out = aovlab().args(["completions", shell]).output().unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success() && script.contains(marker), "{shell}");
        assert!(script.contains("plan-holdout"), "{shell} completes the commands");
    }
    aovlab().args(["completions", "tcsh"]).assert().code(2).stderr(predicate::str::contains("possible values"));
}
