//! The `wirelint` binary: hands the process arguments to [`wirelint_cli::run`].

use std::process::ExitCode;

/// mimalloc: linting allocates many small, short-lived objects (tokens,
/// nodes, names), and the system allocator spends a quarter of the run on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs before Rust's runtime starts (an ELF initializer), so that
/// standard streams the process was started without are noticed before
/// the runtime reopens them on `/dev/null`.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STANDARD_STREAMS: extern "C" fn() = note_closed_standard_streams;

#[cfg(target_os = "linux")]
extern "C" fn note_closed_standard_streams() {
    wirelint_cli::note_closed_standard_streams();
}

fn main() -> ExitCode {
    ExitCode::from(wirelint_cli::run(std::env::args_os().collect()))
}
