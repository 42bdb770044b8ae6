//! AOV Lab: Monte Carlo shopper simulations that compare conversion-optimized and
//! AOV-optimized personalization strategies on the same simulated traffic.
//!
//! Layers: [`model`] (scenario types and validation), [`stats`] (summaries),
//! [`engine`] (the simulation), [`io`] (files), [`cli`] (the `aovlab` command),
//! `gui` (the desktop app, behind the `gui` feature). `model`, `stats` and `engine` do
//! no I/O and know no front end.

pub mod analysis;
pub mod cli;
pub mod engine;
pub mod format;
#[cfg(feature = "gui")]
pub mod gui;
pub mod import;
pub mod io;
pub mod model;
pub mod present;
pub mod report;
pub mod stats;
pub mod version;
