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
