//! The `wirelint` binary: hands the process arguments to [`wirelint_cli::run`].

use std::process::ExitCode;

/// mimalloc: linting allocates many small, short-lived objects (tokens,
/// nodes, names), and the system allocator spends a quarter of the run on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(wirelint_cli::run(std::env::args_os().collect()))
}
