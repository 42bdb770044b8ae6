//! The layers' one-way arrows (docs/architecture.md): the model, statistics, engine
//! and report layers (and the analyses to come) import no GUI crate, no front end and
//! touch no files; the app is the only user of egui, and the command line does not
//! reach into the app beyond opening it.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its `#[cfg(test)]` module (tests may read files).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[test]
fn headless_layers_know_no_front_end_and_touch_no_files() {
    let forbidden = [
        "egui",
        "eframe",
        "rfd",
        "egui_plot",
        "std::fs",
        "File::open",
        "File::create",
        "crate::io::files",
        "crate::gui",
        "crate::cli",
        "std::process",
    ];
    let mut checked = 0;
    for layer in ["src/model", "src/stats", "src/engine", "src/report", "src/analysis", "src/present", "src/import"] {
        let mut files = Vec::new();
        sources(Path::new(layer), &mut files);
        for f in files {
            let text = code(&f);
            for word in forbidden {
                assert!(!text.contains(word), "{} uses `{word}`: this layer must stay headless", f.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} files checked");
}

#[test]
fn only_the_app_draws() {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    for f in files {
        if f.starts_with("src/gui") || f.ends_with("src/cli/gui.rs") {
            continue;
        }
        let text = code(&f);
        for word in ["egui::", "eframe::", "egui_plot::", "rfd::"] {
            assert!(!text.contains(word), "{} uses `{word}` outside the app", f.display());
        }
    }
    // The app does not call back into the command line.
    let mut gui = Vec::new();
    sources(Path::new("src/gui"), &mut gui);
    for f in gui {
        assert!(!code(&f).contains("crate::cli"), "{} imports the command line", f.display());
    }
}

/// The layers from the bottom up (docs/architecture.md): each may use only those
/// before it. `format` and `stats` are the base; `io` reads and writes what every
/// layer below it describes (scenarios, reports, analyses' results and partial
/// results, store exports), and only the front ends above it touch files.
const LAYERS: [&str; 11] =
    ["format", "stats", "model", "engine", "report", "import", "analysis", "present", "io", "gui", "cli"];

/// The crate's top-level modules a source text names (`crate::x`, or `x` in
/// `crate::{x::..., y}`), outside comments.
fn named_modules(text: &str) -> Vec<String> {
    let code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // Each item of the group at depth 0 starts with the module's name.
            let (mut depth, mut item_start) = (0usize, true);
            for (k, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String =
                            group[k..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        out.push(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
        rest = after;
    }
    out
}

/// Every use of a higher layer by a lower one in `text`, a file of layer `layer`.
fn upward(layer: &str, text: &str) -> Vec<String> {
    let Some(rank) = LAYERS.iter().position(|l| *l == layer) else { return Vec::new() };
    let mut bad: Vec<String> = named_modules(text)
        .into_iter()
        .filter(|m| LAYERS.iter().position(|l| l == m).is_some_and(|r| r > rank))
        .collect();
    bad.dedup();
    bad
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let mut checked = 0;
    for layer in LAYERS {
        let mut files = Vec::new();
        let dir = Path::new("src").join(layer);
        sources(&dir, &mut files);
        let single = Path::new("src").join(format!("{layer}.rs"));
        if single.exists() {
            files.push(single);
        }
        for f in files {
            let bad = upward(layer, &code(&f));
            assert!(
                bad.is_empty(),
                "{} ({layer}) uses {}: a layer may use only those below it ({})",
                f.display(),
                bad.join(", "),
                LAYERS.join(" < ")
            );
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} files checked");
}

#[test]
fn the_layer_check_sees_every_way_of_naming_a_module() {
    assert_eq!(upward("engine", "use crate::gui::App;"), vec!["gui"]);
    assert_eq!(upward("model", "use crate::{format::int, io::files};"), vec!["io"]);
    assert_eq!(upward("io", "fn f() -> crate::analysis::sweep::Sweep { todo!() }"), Vec::<String>::new());
    assert_eq!(upward("report", "let x = crate::analysis::plan::MAX;"), vec!["analysis"]);
    assert_eq!(upward("stats", "// crate::gui in a comment"), Vec::<String>::new());
    assert_eq!(upward("import", "use crate::{model::{A, B}, analysis::fit};"), vec!["analysis"]);
}
