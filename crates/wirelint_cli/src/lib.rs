//! wirelint_cli: the `wirelint` command line. (Interface stub.)

use std::ffi::OsString;

/// Runs the CLI with `args` (including the program name) and returns the
/// process exit code: 0 clean, 1 findings, 2 error.
pub fn run(_args: Vec<OsString>) -> u8 {
    todo!("implemented with the CLI")
}
