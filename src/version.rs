//! What this build is: the version, the commit it was built from and the build date
//! (set by `build.rs`). `aovlab --version`, the About box, every chart footer, report
//! and presenter file carry [`LONG`].

/// The package version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit (12 hex digits, `-modified` where the sources built differed from
/// it: `src/`, `assets/`, `Cargo.toml`, `Cargo.lock`, `build.rs`), or
/// `unknown` for a build outside a git checkout.
pub const COMMIT: &str = env!("AOVLAB_COMMIT");

/// The build date, UTC, `YYYY-MM-DD`.
pub const BUILD_DATE: &str = env!("AOVLAB_BUILD_DATE");

/// `0.1.0 (commit 0123456789ab, built 2026-12-07)`.
pub const LONG: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("AOVLAB_COMMIT"), ", built ", env!("AOVLAB_BUILD_DATE"), ")");
