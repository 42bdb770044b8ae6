//! `aovlab validate FILE...`

use std::path::PathBuf;

use super::{Failure, print_error, print_stdout};
use crate::io::load_scenario;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Checks every file; prints each one's status; fails if any is invalid.
pub fn validate(a: &ValidateArgs) -> Result<(), Failure> {
    let mut bad = 0;
    for f in &a.files {
        match load_scenario(f) {
            Ok(sc) => print_stdout(&format!(
                "{}: ok ({} products, {} segments, {} strategies)\n",
                crate::format::printable(&f.display().to_string()),
                sc.products.len(),
                sc.segments.len(),
                sc.strategies.len()
            ))?,
            Err(e) => {
                bad += 1;
                print_error(&e.to_string());
            }
        }
    }
    if bad == 0 { Ok(()) } else { Err(Failure::BadInput(format!("{bad} of {} files invalid", a.files.len()))) }
}
