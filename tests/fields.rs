//! The field registry is the one vocabulary of scenario fields: the docs' tables are
//! generated from it, `--set` is exactly an edit of the file, `aovlab set` keeps the
//! file's comments, and `aovlab fields` lists every field.
#![allow(clippy::unwrap_used)]

use aovlab::model::fields::{FIELDS, TABLES, markdown_table};
use assert_cmd::Command;

fn aovlab() -> Command {
    Command::cargo_bin("aovlab").unwrap()
}

/// docs/scenario-format.md holds each table exactly as the registry writes it, so a
/// field the doc misses, or a range it states differently, fails here.
#[test]
fn the_format_docs_tables_are_the_registry() {
    let doc = std::fs::read_to_string("docs/scenario-format.md").unwrap();
    for t in TABLES {
        let want = format!("<!-- fields: {t} -->\n{}<!-- /fields -->", markdown_table(t));
        assert!(
            doc.contains(&want),
            "docs/scenario-format.md: the `{t}` table differs from the registry; regenerate it with `aovlab fields --markdown`"
        );
    }
    for f in FIELDS {
        assert!(TABLES.iter().any(|t| f.path.starts_with(t)) || !f.path.contains('.'), "{} is in no table", f.path);
    }
}

fn json_without_timing(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    for k in ["elapsed_seconds", "visitor_sessions_per_second", "threads"] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

#[test]
fn set_on_the_command_line_equals_editing_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("edited.toml");
    let text = std::fs::read_to_string("scenarios/article.toml").unwrap();
    let text = text
        .replace(
            "tier_prompt = { policy = \"window\", window = 0.25 }\npost_checkout",
            "tier_prompt = { policy = \"window\", window = 0.4 }\npost_checkout",
        )
        .replace(
            "friction_per_slot = { dist = \"uniform\", min = 0.005, max = 0.009 }",
            "friction_per_slot = { dist = \"uniform\", min = 0.004, max = 0.01 }",
        );
    assert_ne!(text, std::fs::read_to_string("scenarios/article.toml").unwrap());
    std::fs::write(&edited, &text).unwrap();
    let small = ["--replications", "3", "--visitors", "20000", "--json", "-"];
    let from_file = aovlab().arg("run").arg(&edited).args(small).output().unwrap();
    let from_flags = aovlab()
        .args(["run", "scenarios/article.toml"])
        .args(["--set", "strategies.\"AOV-optimized\".tier_prompt.window=0.4"])
        .args(["--set", "behaviour.friction_per_slot={dist=\"uniform\",min=0.004,max=0.01}"])
        .args(small)
        .output()
        .unwrap();
    assert!(
        from_file.status.success() && from_flags.status.success(),
        "{}",
        String::from_utf8_lossy(&from_flags.stderr)
    );
    let (a, b) = (json_without_timing(&from_file.stdout), json_without_timing(&from_flags.stdout));
    assert_eq!(a["scenario"], b["scenario"]);
    assert!(a == b, "--set gave other numbers than the edited file");
    // A bad value is refused on its flag, with what is allowed.
    let out = aovlab().args(["run", "--set", "strategies[2].tier_prompt.window=2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("--set strategies[2].tier_prompt.window=2") && e.contains("above 0% and at most 100%"), "{e}");
    let out = aovlab().args(["run", "--set", "strategies.Nope.name=x"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no strategy `Nope`"));
}

#[test]
fn aovlab_set_changes_only_the_values_and_keeps_the_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.toml");
    let original = std::fs::read_to_string("scenarios/article.toml").unwrap();
    std::fs::write(&path, &original).unwrap();
    aovlab()
        .arg("set")
        .arg(&path)
        .args(["store.visitors=250_000", "tiers.Gold.threshold=650"])
        .assert()
        .success()
        .stdout(predicates::str::contains("store.visitors = 250000 (was 100000)"));
    let text = std::fs::read_to_string(&path).unwrap();
    let added: Vec<&str> = text.lines().filter(|l| !original.lines().any(|o| o == *l)).collect();
    assert_eq!(
        added,
        [
            "visitors = 250_000          # per replication; enough for ~3,000 orders per replication",
            "threshold = 650.0"
        ]
    );
    assert_eq!(text.lines().count(), original.lines().count());
    // An edit that would make the file invalid writes nothing.
    let before = std::fs::read_to_string(&path).unwrap();
    let out = aovlab().arg("set").arg(&path).arg("segments[0].share=0.9").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn fields_lists_every_field() {
    let out = aovlab().args(["fields", "--json", "-"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), FIELDS.len());
    let window = rows.iter().find(|r| r["path"] == "strategies[].tier_prompt.window").unwrap();
    assert_eq!(window["range"], "> 0 and <= 1");
    assert_eq!(window["role"], "lever");
    aovlab().arg("fields").assert().success().stdout(predicates::str::contains("behaviour.friction_per_slot"));
}
