//! What a package installs beside the binary, generated from the command line's own
//! definitions so that they never drift from it: shell completions (clap_complete)
//! and man pages (clap_mangen). `.ci/package` writes both into the Debian package.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::{Cli, Failure};

/// `aovlab completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `aovlab manpages`.
#[derive(Debug, Args)]
pub struct ManpagesArgs {
    /// The folder to write into (created if missing): aovlab.1, and aovlab-run.1 and
    /// so on for each subcommand.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Prints the completion script for `a.shell` on standard output.
pub fn completions(a: &CompletionsArgs) -> Result<(), Failure> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "aovlab", &mut buf);
    super::print_stdout(&String::from_utf8_lossy(&buf))
}

/// Writes the man pages into `a.out`.
pub fn manpages(a: &ManpagesArgs) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::BadInput(format!("{}: cannot write the man pages: {e}", a.out.display()));
    std::fs::create_dir_all(&a.out).map_err(fail)?;
    clap_mangen::generate_to(Cli::command(), &a.out).map_err(fail)?;
    println!("Wrote the man pages into {}.", a.out.display());
    Ok(())
}
