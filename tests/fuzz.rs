//! A seeded mutation fuzzer over the three readers of outside files: the scenario
//! loader (TOML), the CSV catalog reader and the partial-results reader used by
//! `merge`. Every mutant must give a result or a clear error, never a panic; a mutant
//! scenario that validates must also run (tiny) without a panic, which in a debug
//! build includes every integer overflow.
//!
//! The suite runs a bounded number of cases per reader (`AOVLAB_FUZZ_CASES`, default
//! 300). A longer run: `AOVLAB_FUZZ_CASES=20000 cargo test --release --test fuzz`.
#![allow(clippy::unwrap_used)]

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use aovlab::io::partial;
use aovlab::io::scenario_file::parse_scenario;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn cases() -> usize {
    std::env::var("AOVLAB_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(300)
}

/// Tokens that break parsers and validators in interesting ways.
const TOKENS: &[&str] = &[
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "\"",
    ",",
    "\n",
    "#",
    ".",
    "-",
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "9223372036854775807",
    "18446744073709551616",
    "1e-320",
    "0.0000001",
    "\"\"",
    "\u{1b}[2J",
    "\u{0}",
    "true",
    "[[products]]",
    "[[links]]",
    "[[strategies]]",
    "[[segments]]",
    "[[tiers]]",
    "[catalog]",
    "holdout = true",
    "dist = \"normal\"",
    "dist = \"beta\"",
    "policy = \"matched\"",
    "policy = \"window\"",
    "window = 1e-9",
    "slots = 4294967295",
    "price = 1000000000",
    "visitors = 1000000000",
    "mean_cart_size = 50",
    "../",
    "/dev/zero",
    "products = \"p.csv\"",
    "é",
    "\u{fffd}",
];

fn mutate(rng: &mut Xoshiro256PlusPlus, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let at = if v.is_empty() { 0 } else { rng.random_range(0..v.len()) };
        match rng.random_range(0..6) {
            0 if !v.is_empty() => v[at] = rng.random(),
            1 if !v.is_empty() => {
                let end = (at + rng.random_range(1..64)).min(v.len());
                v.drain(at..end);
            }
            2 | 3 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            4 => {
                // Duplicate a line (a repeated key or table).
                let start = v[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let end = v[at..].iter().position(|&b| b == b'\n').map_or(v.len(), |i| at + i + 1);
                let line = v[start..end].to_vec();
                v.splice(end..end, line);
            }
            _ => {
                // Replace a number with another.
                let t = ["0", "-0.5", "1.5", "2", "100", "1e9", "-3", "0.999999999"][rng.random_range(0..8)];
                if let Some(start) = v[at..].iter().position(u8::is_ascii_digit).map(|i| at + i) {
                    let end = v[start..]
                        .iter()
                        .position(|b| !(b.is_ascii_digit() || *b == b'.' || *b == b'_'))
                        .map_or(v.len(), |i| start + i);
                    v.splice(start..end, t.bytes());
                }
            }
        }
    }
    v
}

/// Runs a validated mutant on a few visitors; it must not panic.
fn run_tiny(mut sc: aovlab::model::Scenario) {
    sc.store.visitors = sc.store.visitors.min(300);
    sc.store.replications = sc.store.replications.min(2);
    let _ = common::run(&sc, Some(1));
}

fn check(name: &str, input: &[u8], f: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(f)).is_err() {
        let path = std::env::temp_dir().join(format!("aovlab-fuzz-{name}.bin"));
        let _ = std::fs::write(&path, input);
        panic!("{name}: a mutant panicked; it is saved in {}", path.display());
    }
}

#[test]
fn scenario_loader_never_panics() {
    let seeds = [
        std::fs::read("scenarios/article.toml").unwrap(),
        std::fs::read("tests/bad/valid_base.toml.txt").unwrap(),
        std::fs::read("scenarios/electronics-wide-uncertainty.toml").unwrap(),
    ];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let mut valid = 0;
    for i in 0..cases() {
        let input = mutate(&mut rng, &seeds[i % seeds.len()]);
        let ok = std::cell::Cell::new(false);
        check("scenario", &input, || {
            let text = String::from_utf8_lossy(&input);
            if let Ok(sc) = parse_scenario(&text, "fuzz.toml") {
                ok.set(true);
                run_tiny(sc);
            }
        });
        valid += usize::from(ok.get());
    }
    // The mutations must not be so violent that nothing validates.
    assert!(valid > 0, "no mutant validated");
}

#[test]
fn csv_catalog_reader_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "format_version = 1\nname = \"csv\"\n[store]\ncurrency = \"USD\"\nannual_gmv = 1000\n\
                    visitors = 500\nreplications = 1\nseed = 1\n[catalog]\nproducts = \"p.csv\"\nlinks = \"l.csv\"\n\
                    [[segments]]\nname = \"all\"\nshare = 1.0\nadd_to_cart_rate = 0.5\ncheckout_completion = 0.5\n\
                    mean_cart_size = 2\n[[strategies]]\nname = \"H\"\nholdout = true\n[[strategies]]\nname = \"M\"\n\
                    pre_checkout = { policy = \"matched\" }\npost_checkout = { policy = \"matched\" }\n";
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    let products = b"id,name,category,price,cost,popularity,post_purchase\n\
                     a,Alpha,x,10,4,2,true\nb,\"Beta, big\",y,25.5,,1,no\nc,Gamma,x,3,1,0.5,1\n";
    let links = b"from,from_category,to,strength\na,,b,0.8\n,x,c,0.4\nb,,a,0.2\n";
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(12);
    for i in 0..cases() {
        let (p, l) = if i % 2 == 0 {
            (mutate(&mut rng, products), links.to_vec())
        } else {
            (products.to_vec(), mutate(&mut rng, links))
        };
        std::fs::write(dir.path().join("p.csv"), &p).unwrap();
        std::fs::write(dir.path().join("l.csv"), &l).unwrap();
        let input = [p.as_slice(), b"\n----\n", l.as_slice()].concat();
        check("csv", &input, || {
            if let Ok(sc) = aovlab::io::load_scenario(&dir.path().join("s.toml")) {
                run_tiny(sc);
            }
        });
    }
    // The unmutated catalog is valid (so mutants start from something that loads).
    std::fs::write(dir.path().join("p.csv"), products).unwrap();
    std::fs::write(dir.path().join("l.csv"), links).unwrap();
    aovlab::io::load_scenario(&dir.path().join("s.toml")).unwrap();
}

#[test]
fn store_exports_never_panic_the_importers() {
    use aovlab::analysis::{calibrate, fit};
    use aovlab::import::{Mapping, catalog, orders};
    let seeds: [&[u8]; 3] = [
        b"order_id,product,category,price,quantity,customer,date\n1,a,x,2.50,2,c1,2024-01-03\n1,b,y,10,1,c1,2024-01-03\n\
          2,a,x,2.50,1,c2,2024-02-01\n3,b,y,9.99,3,c1,2024-03-09\n3,a,x,2.5,1,c1,2024-03-09\n",
        b"Handle,Title,Type,Tags,Variant Price,Cost per item,Option1 Value,Status\nmug,Mug,Kitchen,\"a, b\",12.00,4,Default Title,active\n\
          tee,Tee,Shirts,,20,,Small,active\ntee,,,,18,,Large,\n",
        b"ID,Type,SKU,Name,Published,Regular price,Sale price,Categories,Tags,Parent\n1,variable,v,Vee,1,,,A > B,,\n\
          2,variation,v-r,Vee Red,1,20,,,,v\n3,simple,s,Simple,1,15,12,A,,\n4,grouped,g,Group,1,,,A,,\n",
    ];
    let base = aovlab::io::article_spec();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(16);
    for i in 0..cases() {
        let input = mutate(&mut rng, seeds[i % 3]);
        check("import", &input, || {
            let Ok(t) = aovlab::io::table::parse_table(&input, "x.csv") else { return };
            if let Ok(imp) = catalog::import(&t, &catalog::Options::default()) {
                let _ = imp.scenario(&base);
            }
            if let Ok(o) = orders::read(&t, &Mapping::default()) {
                let cal = calibrate::calibrate(&o, &calibrate::Options { basket_groups: 2, ..Default::default() });
                let (spec, _) = cal.apply(&base);
                if let Ok(sc) = aovlab::model::Scenario::from_spec(spec) {
                    let _ = fit::fit(&cal, &sc, 1, 200);
                }
            }
        });
    }
}

#[test]
fn partial_results_reader_never_panics() {
    let mut spec = common::corpus_spec();
    spec.store.replications = 2;
    spec.store.visitors = 2_000;
    let sc = aovlab::model::Scenario::from_spec(spec.clone()).unwrap();
    let reps = common::run(&sc, Some(1)).replications;
    let part = partial::Partial {
        kind: partial::KIND.into(),
        version: partial::PARTIAL_VERSION,
        shard: partial::Shard { index: 0, count: 1 },
        scenario: spec,
        elapsed_seconds: 0.5,
        threads: 1,
        replications: reps,
    };
    let seed = serde_json::to_vec_pretty(&part).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part.json");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(13);
    let mut refused = 0;
    for _ in 0..cases() {
        let input = mutate(&mut rng, &seed);
        std::fs::write(&path, &input).unwrap();
        check("partial", &input, || {
            let merged = partial::read(&path).and_then(|p| partial::combine(vec![("part.json".into(), p)]));
            match merged {
                Ok(all) => {
                    let _ = aovlab::report::summarize(&all.scenario, &all.replications, 1.0, 1);
                }
                Err(e) => {
                    let e = e.to_string();
                    assert!(e.contains("part.json") || e.contains("replications"), "unnamed: {e}");
                    refused += 1;
                }
            }
        });
    }
    assert!(refused > 0);
    // The unmutated file merges.
    std::fs::write(&path, &seed).unwrap();
    partial::combine(vec![("part.json".into(), partial::read(&path).unwrap())]).unwrap();
}
