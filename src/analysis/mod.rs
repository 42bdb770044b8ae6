//! Analyses built on runs: headless, touching no file (tests/layers.rs checks it).

pub mod coverage;
