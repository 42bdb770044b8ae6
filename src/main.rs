//! The `aovlab` binary: command line or desktop app. Everything lives in the library.

fn main() -> std::process::ExitCode {
    aovlab::cli::main()
}
