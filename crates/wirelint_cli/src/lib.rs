//! wirelint_cli: the `wirelint` command line: parses arguments, runs
//! `check`, `rule` or `clean` (or starts `server`, the language server), prints the
//! result and returns the exit code. The binary and the Python console
//! script both call [`run`].

mod add_noqa;
mod args;
mod check;
mod clean;
mod config;
mod input;
mod printer;
mod rule;
mod show;

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;

use args::{Cli, Command};

/// The process exit code of a run.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExitStatus {
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
        Command::Clean(args) => with_output(|stdout, stderr| clean::clean(args, stdout, stderr)),
        // The language server owns standard input and output itself.
        Command::Server(_) => return wirelint_server::run(),
    };
    status as u8
}

/// Which standard streams (input, output, error) were closed when the
/// process started, as [`note_closed_standard_streams`] found them.
static CLOSED_AT_START: [AtomicBool; 3] = [const { AtomicBool::new(false) }; 3];

/// Notes which standard streams are closed. The `wirelint` binary calls
/// this before Rust's runtime starts, because the runtime puts `/dev/null`
/// in place of a closed standard stream, and a run would then read an
/// empty source or write its report nowhere without noticing.
#[cfg(unix)]
pub fn note_closed_standard_streams() {
    use rustix::stdio::{stderr, stdin, stdout};
    for (index, stream) in [stdin(), stdout(), stderr()].into_iter().enumerate() {
        let closed = matches!(
            rustix::io::fcntl_getfd(stream),
            Err(rustix::io::Errno::BADF)
        );
        CLOSED_AT_START[index].store(closed, Ordering::Relaxed);
    }
}

/// Whether standard input (0) or output (1) is closed: now, or when the
/// process started (see [`note_closed_standard_streams`]).
#[cfg(unix)]
fn is_closed(stream: usize) -> bool {
    let descriptor = match stream {
        0 => rustix::stdio::stdin(),
        _ => rustix::stdio::stdout(),
    };
    CLOSED_AT_START[stream].load(Ordering::Relaxed)
        || matches!(
            rustix::io::fcntl_getfd(descriptor),
            Err(rustix::io::Errno::BADF)
        )
}

#[cfg(not(unix))]
fn is_closed(_: usize) -> bool {
    false
}

/// Standard input, for [`is_closed`].
const STDIN: usize = 0;
/// Standard output, for [`is_closed`].
const STDOUT: usize = 1;

/// Runs `command` with buffered standard output and standard error.
/// A closed standard output is an error: writes to it vanish without one.
fn with_output(command: impl FnOnce(&mut dyn Write, &mut dyn Write) -> ExitStatus) -> ExitStatus {
    let mut stderr = io::stderr().lock();
    if is_closed(STDOUT) {
        let _ = writeln!(
            stderr,
            "error: standard output is closed; wirelint has nowhere to write its report"
        );
        return ExitStatus::Error;
    }
    let mut stdout = BufWriter::new(io::stdout().lock());
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
