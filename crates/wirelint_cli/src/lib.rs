//! wirelint_cli: the `wirelint` command line: parses arguments, runs
//! `check` or `rule` (or starts `server`, the language server), prints the
//! result and returns the exit code. The binary and the Python console
//! script both call [`run`].

mod add_noqa;
mod args;
mod check;
mod config;
mod input;
mod printer;
mod rule;
mod show;

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};

use clap::Parser;

use args::{Cli, Command};

/// The process exit code of a run.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing found (or `--exit-zero`).
    Success = 0,
    /// Diagnostics were found.
    Findings = 1,
    /// Bad arguments, a missing path, a crash on a file, an output failure.
    Error = 2,
}

/// Runs the CLI with `args` (including the program name) and returns the
/// process exit code: 0 clean, 1 findings, 2 error (`server`: 0 when the
/// client shut it down properly, 1 otherwise, as the protocol says).
pub fn run(args: Vec<OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with code 0, usage errors to
            // stderr with code 2; a closed stream is not worth a panic.
            let _ = error.print();
            return u8::try_from(error.exit_code()).unwrap_or(ExitStatus::Error as u8);
        }
    };
    // Each command flushes `stdout` itself and reports a failure to do so.
    let status = match &cli.command {
        Command::Check(args) => with_output(|stdout, stderr| check::check(args, stdout, stderr)),
        Command::Rule(args) => with_output(|stdout, stderr| rule::rule(args, stdout, stderr)),
        // The language server owns standard input and output itself.
        Command::Server(_) => return wirelint_server::run(),
    };
    status as u8
}

/// Runs `command` with buffered standard output and standard error.
fn with_output(command: impl FnOnce(&mut dyn Write, &mut dyn Write) -> ExitStatus) -> ExitStatus {
    let mut stdout = BufWriter::new(io::stdout().lock());
    let mut stderr = io::stderr().lock();
    command(&mut stdout, &mut stderr)
}

/// Reports a failure to write the output and says whether there was one. A
/// reader that stopped early (`wirelint check | head`) is not a failure.
fn output_failed(written: io::Result<()>, stderr: &mut dyn Write) -> bool {
    match written {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            let _ = writeln!(stderr, "error: failed to write the output: {error}");
            true
        }
        _ => false,
    }
}
