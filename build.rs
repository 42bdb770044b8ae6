//! Names the build for `aovlab --version`, the About box, chart footers and reports:
//! the git commit the binary was built from (with `-modified` where the files it is
//! built from, `src/`, `assets/`, `Cargo.toml`, `Cargo.lock` and this script, differ
//! from that commit) and the build date (UTC; `SOURCE_DATE_EPOCH` where it is set, for
//! reproducible packages). Outside a git checkout (a source package) the commit is
//! `unknown`.

use std::path::PathBuf;
use std::process::Command;

/// What the binary is built from: a change to any of them can change `-modified`.
const BUILT_FROM: [&str; 5] = ["src", "assets", "Cargo.toml", "Cargo.lock", "build.rs"];

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    for path in BUILT_FROM {
        println!("cargo:rerun-if-changed={path}");
    }
    // A commit, a checkout or a staged change moves HEAD, a branch or the index. Only
    // paths that exist are watched: cargo reruns a script on every build while a
    // watched path is missing (`packed-refs` often is; a worktree's `.git` is a file).
    let dirs = [git(&["rev-parse", "--git-dir"]), git(&["rev-parse", "--git-common-dir"])];
    for dir in dirs.into_iter().flatten().map(PathBuf::from) {
        for name in ["HEAD", "index", "refs/heads", "packed-refs"] {
            let path = dir.join(name);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let commit = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(hash) if !hash.is_empty() => {
            // `git diff --quiet` exits 1 where those files differ from HEAD.
            let clean = Command::new("git")
                .args(["diff", "--quiet", "HEAD", "--"])
                .args(BUILT_FROM)
                .status()
                .is_ok_and(|s| s.success());
            if clean { hash } else { format!("{hash}-modified") }
        }
        _ => "unknown".to_string(),
    };
    let now = || {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        i64::try_from(since.as_secs()).unwrap_or_default()
    };
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    let when = chrono::DateTime::from_timestamp(epoch.unwrap_or_else(now), 0).unwrap_or_default();
    println!("cargo:rustc-env=AOVLAB_COMMIT={commit}");
    println!("cargo:rustc-env=AOVLAB_BUILD_DATE={}", when.format("%Y-%m-%d"));
}
