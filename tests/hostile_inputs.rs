//! Files from someone else are as safe to open as a PDF: catalog paths stay in the
//! scenario's folder, reads are bounded, merged tallies are checked, money cannot
//! wrap, and the command line fails early, once and clearly (issue 11's categories).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use aovlab::io::{load_scenario, parse_scenario, save_scenario};
use assert_cmd::Command;

fn aovlab() -> Command {
    Command::cargo_bin("aovlab").unwrap()
}

fn base_text() -> String {
    std::fs::read_to_string("tests/bad/valid_base.toml.txt").unwrap()
}

/// The corpus base with its catalog moved to `products.csv` in `dir`, and the scenario
/// file's `[catalog] products` set to `name`.
fn csv_scenario(dir: &Path, name: &str) -> std::path::PathBuf {
    let mut spec = common::corpus_spec();
    spec.catalog = Some(aovlab::model::CatalogFiles { products: Some("products.csv".into()), links: None });
    let path = dir.join("shop.toml");
    save_scenario(&path, &spec).unwrap();
    let text = std::fs::read_to_string(&path).unwrap().replace("\"products.csv\"", &format!("{name:?}"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn catalog_files_must_stay_in_the_scenarios_folder() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.csv");
    std::fs::write(&secret, "id,name,category,price\nTOP-SECRET-LINE,x,y,1\n").unwrap();
    let absolute = secret.display().to_string();
    let up = format!("../{}/secret.csv", outside.path().file_name().unwrap().to_string_lossy());
    for (name, why) in
        [(absolute.as_str(), "absolute path"), (up.as_str(), "leads out"), ("", "empty"), ("  ", "empty")]
    {
        let path = csv_scenario(dir.path(), name);
        let e = load_scenario(&path).unwrap_err().to_string();
        assert!(e.contains("shop.toml:") && e.contains("catalog.products") && e.contains(why), "{name:?}: {e}");
        assert!(!e.contains("TOP-SECRET"), "the outside file's contents leaked: {e}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, dir.path().join("linked.csv")).unwrap();
        let path = csv_scenario(dir.path(), "linked.csv");
        let e = load_scenario(&path).unwrap_err().to_string();
        assert!(e.contains("outside the scenario's folder") && !e.contains("TOP-SECRET"), "{e}");
    }
    // A subfolder is fine.
    std::fs::create_dir(dir.path().join("catalog")).unwrap();
    std::fs::copy(dir.path().join("products.csv"), dir.path().join("catalog/products.csv")).unwrap();
    let path = csv_scenario(dir.path(), "catalog/products.csv");
    load_scenario(&path).unwrap();
}

#[test]
fn saving_never_writes_outside_the_folder() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("shared");
    std::fs::create_dir(&dir).unwrap();
    let victim = parent.path().join("victim.csv");
    std::fs::write(&victim, "precious").unwrap();
    let mut spec = common::corpus_spec();
    for name in ["../victim.csv", victim.to_str().unwrap(), ""] {
        spec.catalog = Some(aovlab::model::CatalogFiles { products: Some(name.into()), links: None });
        let e = save_scenario(&dir.join("s.toml"), &spec).unwrap_err().to_string();
        assert!(e.contains("[catalog] products"), "{name:?}: {e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!dir.join("s.toml").exists(), "nothing is written when a catalog path is refused");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&victim, dir.join("products.csv")).unwrap();
        spec.catalog = Some(aovlab::model::CatalogFiles { products: Some("products.csv".into()), links: None });
        assert!(save_scenario(&dir.join("s.toml"), &spec).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }
    // A subfolder that does not exist yet is created inside the folder.
    spec.catalog = Some(aovlab::model::CatalogFiles { products: Some("catalog/p.csv".into()), links: None });
    save_scenario(&dir.join("s.toml"), &spec).unwrap();
    load_scenario(&dir.join("s.toml")).unwrap();
}

/// Runs `f` on a thread and fails the test if it has not returned within `limit`.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).expect("returned in time (no hang)")
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let e = within(Duration::from_secs(10), move || load_scenario(&fifo).unwrap_err().to_string());
    assert!(e.contains("named pipe") && e.contains("not a regular file"), "{e}");
    let e = load_scenario(Path::new("/dev/zero")).unwrap_err().to_string();
    assert!(e.contains("a device"), "{e}");
    // As a catalog: a FIFO named inside the folder.
    let path = csv_scenario(dir.path(), "products.csv");
    let fifo_csv = dir.path().join("products.csv");
    std::fs::remove_file(&fifo_csv).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&fifo_csv).status().unwrap().success());
    let e = within(Duration::from_secs(10), move || load_scenario(&path).unwrap_err().to_string());
    assert!(e.contains("products.csv") && e.contains("named pipe"), "{e}");
    #[cfg(target_os = "linux")]
    {
        std::fs::remove_file(&fifo_csv).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &fifo_csv).unwrap();
        let path = dir.path().join("shop.toml");
        let e = load_scenario(&path).unwrap_err().to_string();
        assert!(e.contains("outside the scenario's folder") || e.contains("a device"), "{e}");
    }
}

#[test]
fn catalogs_are_capped_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_scenario(dir.path(), "products.csv");
    let max = aovlab::model::Limits::default().max_products;
    let mut csv = String::with_capacity((max + 10) * 24);
    csv.push_str("id,name,category,price\n");
    for i in 0..max + 5 {
        csv.push_str(&format!("p{i},P,c,1\n"));
    }
    std::fs::write(dir.path().join("products.csv"), csv).unwrap();
    let e = load_scenario(&path).unwrap_err().to_string();
    assert!(e.contains(&format!("products.csv:{}", max + 2)) && e.contains("at most 200,000"), "{e}");
    // A CSV far larger than any allowed catalog stops at the byte cap while reading.
    let big = dir.path().join("products.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(aovlab::io::catalog_csv::MAX_CSV_BYTES + 1).unwrap();
    let e = load_scenario(&path).unwrap_err().to_string();
    assert!(e.contains("larger than 128 MiB") || e.contains("products.csv"), "{e}");
}

#[test]
fn a_million_bad_rows_give_a_bounded_message() {
    let mut text = base_text();
    for i in 0..5_000 {
        text.push_str(&format!("\n[[products]]\nid = \"bad{i}\"\nname = \"Bad\"\ncategory = \"pods\"\nprice = -1.0\n"));
    }
    let e = parse_scenario(&text, "many.toml").unwrap_err();
    assert_eq!(e.problems.len(), aovlab::model::MAX_LISTED_PROBLEMS + 1);
    let last = e.problems.last().unwrap();
    assert!(last.message.contains("and 4,900 more problems"), "{}", last.message);
}

#[test]
fn money_totals_cannot_wrap() {
    // Prices at the cap and a million visitors: refused, naming the largest allowed.
    let text = std::fs::read_to_string("tests/bad/money_overflow.toml").unwrap();
    let e = parse_scenario(&text, "money").unwrap_err().to_string();
    assert!(e.contains("store.visitors") && e.contains("use at most"), "{e}");
    let most: u64 = e
        .split("use at most ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .map(|s| s.replace(',', "").parse().unwrap())
        .unwrap();
    let mut spec = aovlab::io::scenario_file::parse_spec(&text, "money").unwrap();
    spec.store.visitors = most;
    aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
    spec.store.visitors = most + 1;
    assert!(aovlab::model::Scenario::from_spec(spec.clone()).is_err());
    // At the highest price, a small run gives exact, positive money.
    spec.store.visitors = 3_000;
    spec.segments[0].add_to_cart_rate = 1.0.into();
    let sc = aovlab::model::Scenario::from_spec(spec).unwrap();
    for rep in common::run(&sc, None).replications {
        for t in &rep.strategies {
            assert!(t.revenue > 0 && t.revenue_sq > 0, "{t:?}");
            assert_eq!(
                t.revenue,
                t.src_base_cart + t.src_cross_sell + t.src_tier_top_up + t.src_post_checkout + t.src_discounts
            );
        }
    }
}

#[test]
fn names_with_control_characters_are_refused() {
    let text = base_text().replace("name = \"AOV\"", "name = \"A\\u001b[2JB\"");
    let e = parse_scenario(&text, "esc").unwrap_err().to_string();
    assert!(e.contains("strategies[1].name") && e.contains("U+001B"), "{e}");
    assert!(!e.contains('\u{1b}'));
}

#[test]
fn the_terminal_never_receives_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("x\u{1b}]0;pwned\u{7}.toml");
    std::fs::write(&evil, base_text().replace("currency = \"USD\"", "currency = \"\u{1b}[2J\"")).unwrap();
    let out = aovlab().arg("validate").arg(&evil).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}'), "{stderr:?}");
    assert!(stderr.contains(r"\u{1b}"), "{stderr:?}");
    let out = aovlab().args(["run", "--csv", "a\u{1b}[2J/x.csv"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn impact_refuses_absurd_numbers_with_the_allowed_range() {
    for (flag, v) in
        [("--annual-gmv", "1e308"), ("--annual-gmv", "inf"), ("--aov-lift", "1e308"), ("--aov-lift", "NaN")]
    {
        let mut args = vec!["impact", "--annual-gmv", "50000000", "--aov-lift", "0.2"];
        let i = args.iter().position(|a| *a == flag).unwrap();
        args[i + 1] = v;
        let out = aovlab().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {v}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(flag) && e.contains("at most"), "{e}");
    }
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read;
    let bin = assert_cmd::cargo::cargo_bin("aovlab");
    let mut child = std::process::Command::new(bin)
        .args(["run", "--replications", "2", "--visitors", "2000", "--csv", "-"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit {:?}", out.status);
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn outputs_are_checked_before_the_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("victim.toml");
    std::fs::write(&scenario, base_text()).unwrap();
    let before = std::fs::read_to_string(&scenario).unwrap();
    // Each of these would take hours to simulate: they must fail at once.
    let huge = ["--visitors", "100000000", "--replications", "1000"];
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--json".into(), "-".into(), "--csv".into(), "-".into()], "standard output"),
        (vec!["--json".into(), scenario.display().to_string()], "input of this command"),
        (vec!["--json".into(), dir.path().join("missing/out.json").display().to_string()], "does not exist"),
        (vec!["--json".into(), dir.path().display().to_string()], "is a folder"),
        (
            vec![
                "--json".into(),
                dir.path().join("a.out").display().to_string(),
                "--csv".into(),
                dir.path().join("a.out").display().to_string(),
            ],
            "both name",
        ),
    ];
    for (args, why) in cases {
        let t = Instant::now();
        let out = aovlab().arg("run").arg(&scenario).args(huge).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(why), "{args:?}: {e}");
        assert!(t.elapsed() < Duration::from_secs(30), "{args:?} took {:?}", t.elapsed());
    }
    assert_eq!(std::fs::read_to_string(&scenario).unwrap(), before);
    // An output that is a symlink is written through, the link kept.
    #[cfg(unix)]
    {
        let real = dir.path().join("real.json");
        std::fs::write(&real, "{}").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        aovlab().arg("run").arg(&scenario).args(["--replications", "1", "--json"]).arg(&link).assert().success();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
        assert_eq!(v["replications"], 1);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn flags_are_checked_with_the_real_limits_in_words() {
    for (args, want) in [
        (vec!["--visitors", "0"], "0 is not allowed: use a whole number from 1 to 1,000,000,000"),
        (vec!["--visitors", "-1"], "`-1` is not allowed: use a whole number from 1 to 1,000,000,000"),
        (vec!["--replications", "20001"], "20,001 is not allowed: use a whole number from 1 to 20,000"),
        (vec!["--threads", "x"], "`x` is not allowed: use a whole number from 1 to 1,024"),
    ] {
        let out = aovlab().arg("run").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(want), "{args:?}: {e}");
        assert!(!e.contains("18446744073709551615") && !e.contains("-- -1"), "{e}");
    }
    // A cap broken by the flags is blamed on the flags, not on a line of the file.
    let out = aovlab().args(["run", "--visitors", "100000000", "--replications", "2000"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("--visitors 100000000") && e.contains("--replications 2000") && e.contains(": store: visitors x"),
        "{e}"
    );
    assert!(!e.contains("<embedded"), "the flags, not the file, are blamed: {e}");
}

#[test]
fn table_and_type_mistakes_say_what_to_write() {
    let e = parse_scenario(&base_text().replace("{ policy = \"matched\", slots = 2 }", "\"matched\""), "t")
        .unwrap_err()
        .to_string();
    assert!(e.contains("the text \"matched\" is not allowed here") && e.contains("pre_checkout = { policy ="), "{e}");
    let e = parse_scenario(&base_text().replace("visitors = 1000", "visitors = -5"), "t").unwrap_err().to_string();
    assert!(e.contains("the number -5 is not allowed here; expected a whole number >= 0"), "{e}");
    assert!(!e.contains("i128") && !e.contains("u64"), "{e}");
}

#[test]
fn csv_rows_of_the_wrong_width_name_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_scenario(dir.path(), "products.csv");
    std::fs::write(dir.path().join("products.csv"), "id,name,category,price\nbrewer,Brewer,machines\n").unwrap();
    let e = load_scenario(&path).unwrap_err().to_string();
    assert!(
        e.contains("products.csv:2") && e.contains("3 fields but the header has 4 (id, name, category, price)"),
        "{e}"
    );
    assert!(!e.contains("previous record"), "{e}");
}

mod merge {
    use super::*;
    use aovlab::io::partial::{self, Partial};

    /// Two valid shards of a small run, as JSON values.
    fn shards() -> (serde_json::Value, serde_json::Value) {
        let mut spec = common::corpus_spec();
        spec.store.replications = 4;
        spec.store.visitors = 3_000;
        let sc = aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
        let out = common::run(&sc, Some(1));
        let part = |index: u32, reps: &[aovlab::engine::RepCounts]| {
            serde_json::to_value(Partial {
                kind: partial::KIND.into(),
                version: partial::PARTIAL_VERSION,
                shard: partial::Shard { index, count: 2 },
                scenario: spec.clone(),
                elapsed_seconds: 0.1,
                threads: 1,
                replications: reps.to_vec(),
            })
            .unwrap()
        };
        (part(0, &out.replications[..2]), part(1, &out.replications[2..]))
    }

    fn merged(a: &serde_json::Value, b: &serde_json::Value) -> Result<(), partial::MergeError> {
        let parse = |v: &serde_json::Value| -> Partial { serde_json::from_value(v.clone()).unwrap() };
        partial::combine(vec![("a.json".into(), parse(a)), ("b.json".into(), parse(b))]).map(|_| ())
    }

    #[test]
    fn valid_shards_merge() {
        let (a, b) = shards();
        merged(&a, &b).unwrap();
    }

    #[test]
    fn impossible_tallies_are_refused_naming_the_file() {
        let (a, b) = shards();
        type Edit = fn(&mut serde_json::Value);
        let edits: [(&str, Edit); 10] = [
            ("orders", |v| v["replications"][1]["strategies"][1]["orders"] = 10_000_000.into()),
            ("carts", |v| v["replications"][1]["carts"] = 1.into()),
            ("negative", |v| v["replications"][1]["strategies"][0]["revenue"] = (-5).into()),
            ("visitors", |v| v["replications"][1]["visitors"] = 0.into()),
            ("visitors", |v| v["replications"][1]["visitors"] = 1_000_000_000_000u64.into()),
            ("strategies", |v| {
                v["replications"][1]["strategies"].as_array_mut().unwrap().pop();
            }),
            ("sum of its sources", |v| v["replications"][1]["strategies"][1]["src_base_cart"] = 1.into()),
            ("accepted than shown", |v| v["replications"][1]["strategies"][1]["pre_accepted"] = 1_000_000.into()),
            ("squares", |v| v["replications"][1]["strategies"][1]["revenue_sq"] = 1.into()),
            ("invalid", |v| v["scenario"]["store"]["replications"] = 4_000_000_000u64.into()),
        ];
        for (why, edit) in edits {
            let mut bad = b.clone();
            edit(&mut bad);
            let e = if why == "invalid" {
                let mut bad_a = a.clone();
                edit(&mut bad_a);
                merged(&bad_a, &bad).unwrap_err()
            } else {
                merged(&a, &bad).unwrap_err()
            };
            assert!(matches!(e, partial::MergeError::Impossible { .. }), "{why}: {e:?} is an impossible value");
            let e = e.to_string();
            assert!(e.contains(".json") && e.contains(why), "{why}: {e}");
        }
    }

    #[test]
    fn a_whole_run_report_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.json");
        aovlab().args(["run", "--replications", "1", "--visitors", "1000", "--json"]).arg(&report).assert().success();
        let out = aovlab().arg("merge").arg(&report).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains("report.json: this is a whole-run report"), "{e}");
        std::fs::write(dir.path().join("junk.json"), "[1, 2]").unwrap();
        let out = aovlab().arg("merge").arg(dir.path().join("junk.json")).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("junk.json"));
    }
}

#[test]
fn tier_window_is_compared_in_exact_cents() {
    // One $43 product, members with no spend, a $100 tier and a 57% window: every
    // cart leaves a gap of exactly $57.00 = 0.57 x $100, so every member sees it.
    let text = common::two_products(
        "visitors = 20000\nreplications = 1\nseed = 3",
        "loyalty_member_share = 1.0\nspend_to_date = 0.0",
        "[[strategies]]\nname = \"Window\"\ntier_prompt = { policy = \"window\", window = 0.57 }",
    )
    .replace("price = 50.0", "price = 43.0")
    .replace("mean_cart_size = 2.5", "mean_cart_size = 1.0")
    .replace("[[segments]]", "[[tiers]]\nname = \"Gold\"\nthreshold = 100.0\n\n[[segments]]");
    let sc = common::scenario(&text);
    let opts = aovlab::engine::RunOptions { path: aovlab::engine::SimPath::Counted, ..Default::default() };
    let out = aovlab::engine::run(&sc, &opts, &|_| {}, &Default::default()).unwrap();
    let t = &out.replications[0].strategies[1];
    assert!(t.tier_shown > 0);
    assert_eq!(t.tier_shown, out.replications[0].carts, "every member with a cart sees the prompt");
}

#[test]
fn expected_value_ties_go_to_the_more_popular_product() {
    // rel 0.3 x $70 = rel 0.7 x $30 = 21 exactly (price sensitivity 0): the more
    // popular $30 product must be shown in the one slot. In single precision the $70
    // product scored higher and always won.
    let text = r#"
format_version = 1
name = "ev tie"
[store]
currency = "USD"
annual_gmv = 1_000_000
visitors = 20000
replications = 1
seed = 5
[behaviour]
baseline_relevance = 0.0
pre_checkout_base_accept = 1.0
friction_per_slot = 0.0
[[products]]
id = "cart"
name = "Cart item"
category = "main"
price = 50.0
[[products]]
id = "dear"
name = "Dear"
category = "side"
price = 70.0
popularity = 1.0
[[products]]
id = "cheap"
name = "Cheap"
category = "side"
price = 30.0
popularity = 2.0
[[links]]
from = "cart"
to = "dear"
strength = 0.3
[[links]]
from = "cart"
to = "cheap"
strength = 0.7
[[segments]]
name = "all"
share = 1.0
add_to_cart_rate = 0.5
checkout_completion = 1.0
mean_cart_size = 1.0
price_sensitivity = 0.0
category_affinity = { side = 0.0 }
[[strategies]]
name = "Holdout"
holdout = true
[[strategies]]
name = "EV"
pre_checkout = { policy = "matched", slots = 1, ranking = "expected_value" }
"#;
    let sc = common::scenario(text);
    let out = common::run(&sc, None);
    let t = &out.replications[0].strategies[1];
    assert!(t.pre_accepted > 0);
    assert_eq!(t.src_cross_sell, 3_000 * t.pre_accepted as i64, "only the $30 product is shown");
}

#[test]
fn the_cart_cap_cannot_bind() {
    // P(1 + Poisson(49) > MAX_CART_ITEMS) at the largest mean cart size (50).
    let lambda: f64 = 49.0;
    let cap = aovlab::model::MAX_CART_ITEMS;
    // Sum the tail from the cap on, in logs (terms fall fast beyond the mean).
    let mut log_term = -lambda + (cap as f64) * lambda.ln() - (1..=cap).map(|k| (k as f64).ln()).sum::<f64>();
    let mut tail = 0.0;
    for k in cap..cap + 400 {
        tail += log_term.exp();
        log_term += lambda.ln() - ((k + 1) as f64).ln();
    }
    assert!(tail < 1e-9, "P(cap binds) = {tail:e}");
}
