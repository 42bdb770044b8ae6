//! Names the build for `aovlab --version`, the About box, chart footers and reports:
//! the git commit the binary was built from (with `-modified` where tracked files
//! differ from it) and the build date (UTC; `SOURCE_DATE_EPOCH` where it is set, for
//! reproducible packages). Outside a git checkout (a source package) the commit is
//! `unknown`.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    // A new commit, a checkout or a staged change moves HEAD, a branch or the index.
    for path in [".git/HEAD", ".git/index", ".git/refs/heads", ".git/packed-refs", "build.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let commit = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(hash) if !hash.is_empty() => {
            // `git diff --quiet` exits 1 where tracked files differ from HEAD.
            let clean = Command::new("git").args(["diff", "--quiet", "HEAD", "--"]).status().is_ok_and(|s| s.success());
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
