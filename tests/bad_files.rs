//! A corpus of broken scenario files (tests/bad/*.toml), each with the messages it
//! must produce (tests/bad/*.expected: file:line:column: field: message).
#![allow(clippy::unwrap_used)]

mod common;

use aovlab::io::{load_scenario, parse_scenario};

#[test]
fn the_corpus_base_is_valid() {
    common::corpus_base();
}

#[test]
fn every_bad_file_gives_its_expected_messages() {
    let mut checked = 0;
    for entry in std::fs::read_dir("tests/bad").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let expected_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no {}", path.display(), expected_path.display()));
        let err = match load_scenario(&path) {
            Ok(_) => panic!("{} loaded but should fail", path.display()),
            Err(e) => e,
        };
        let shown = err.to_string();
        let lines: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
        for line in &lines {
            assert!(
                shown.contains(&format!("tests/bad/{line}")),
                "{}:\n  expected: {line}\n  got:\n{shown}",
                path.display()
            );
        }
        assert_eq!(err.problems.len(), lines.len(), "{}: {shown}", path.display());
        assert!(err.problems.iter().all(|p| p.line.is_some()), "{}: every problem has a line: {shown}", path.display());
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} bad files found");
}

#[test]
fn unreadable_files_are_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let e = load_scenario(&missing).unwrap_err().to_string();
    assert!(e.contains("missing.toml") && e.contains("cannot read"), "{e}");

    let e = load_scenario(dir.path()).unwrap_err().to_string();
    assert!(e.contains("is a folder, not a regular file"), "{e}");

    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, b"format_version = 1\nname = \"\xff\xfe\"\n").unwrap();
    let e = load_scenario(&binary).unwrap_err().to_string();
    assert!(e.contains("binary.toml:2:9") && e.contains("not valid UTF-8"), "{e}");

    // A file over the size cap is refused before it is read (sparse: no disk used).
    let huge = dir.path().join("huge.toml");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(aovlab::io::scenario_file::MAX_FILE_BYTES + 1).unwrap();
    let e = load_scenario(&huge).unwrap_err().to_string();
    assert!(e.contains("is larger than 8 MiB") && e.contains("CSV"), "{e}");
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    // Deeply nested arrays: the parser must answer, not overflow the stack.
    let text = format!("format_version = 1\nname = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let r = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || parse_scenario(&text, "nested").map(|_| ()).map_err(|e| e.to_string()))
        .unwrap()
        .join()
        .expect("parser thread must not panic");
    assert!(r.is_err());
}

#[test]
fn size_caps_name_the_table_and_the_cap() {
    // The corpus base has 2 products, 1 link, 1 segment, 2 tiers, 2 strategies and
    // 1,000 visitors x 2 replications; caps one below each must refuse it, each with a
    // message naming the table and the cap.
    use aovlab::model::{Limits, validate};
    let spec = common::corpus_spec();
    let tight = Limits {
        max_products: 1,
        max_links: 0,
        max_segments: 0,
        max_tiers: 1,
        max_strategies: 1,
        max_visitors: 999,
        max_replications: 1,
        max_total_visitors: 1_999,
    };
    let errors = validate(&spec, &tight).map(|_| ()).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for expected in [
        "products: 2 products; at most 1 are allowed",
        "links: 1 links; at most 0 are allowed",
        "segments: 1 segments; at most 0 are allowed",
        "tiers: 2 tiers; at most 1 are allowed",
        "strategies: 2 strategies; at most 1 are allowed",
        "store.visitors: 1,000 is not allowed: must be a whole number from 1 to 999",
        "store.replications: 2 is not allowed: must be a whole number from 1 to 1",
        "store: visitors x replications = 1,000 x 2 = 2,000 exceeds the cap of 1,999",
    ] {
        assert!(shown.iter().any(|s| s.starts_with(expected)), "no `{expected}` in {shown:#?}");
    }
    // At the caps themselves the file is valid.
    let exact = Limits {
        max_products: 2,
        max_links: 1,
        max_segments: 1,
        max_tiers: 2,
        max_strategies: 2,
        max_visitors: 1_000,
        max_replications: 2,
        max_total_visitors: 2_000,
    };
    validate(&spec, &exact).unwrap_or_else(|e| panic!("{e:?}"));
}
