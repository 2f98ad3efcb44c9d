//! The `wirelint` binary: hands the process arguments to [`wirelint_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(wirelint_cli::run(std::env::args_os().collect()))
}
