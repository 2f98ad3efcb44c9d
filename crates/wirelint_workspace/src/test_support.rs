//! Helpers the unit tests of several modules share: listing a directory,
//! making a FIFO.

use std::fs;
use std::path::Path;

/// The names in `directory`, sorted.
pub(crate) fn names(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Makes a FIFO (named pipe) at `path`; nothing writes to it, so opening it
/// to read blocks unless done without blocking.
#[cfg(unix)]
pub(crate) fn make_fifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
}
