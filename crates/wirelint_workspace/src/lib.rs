//! wirelint_workspace: turns paths into checked files. Finds Python files
//! (respecting .gitignore and the usual skip list), reads them, and lints them
//! in parallel with the engine; later also configuration discovery and cache.
//! (Interface stub: the implementation lands with the CLI work.)

use std::path::PathBuf;
use std::sync::Arc;

use wirelint_linter::{Diagnostic, LinterSettings};

/// How to run a check over paths.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub linter: LinterSettings,
    pub respect_gitignore: bool,
}

/// One checked file. `source` is kept only when there are diagnostics, so
/// renderers can show the offending line without keeping every file.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    pub source: Option<Arc<str>>,
}

/// Something that stopped a path or a file from being checked at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// A path given on the command line does not exist.
    MissingPath(PathBuf),
    /// Directory traversal failed below a given path.
    Walk { path: PathBuf, message: String },
    /// The engine panicked on this file; the others were still checked.
    Panic { path: PathBuf, message: String },
}

/// Everything a run produced, files sorted by path.
#[derive(Clone, Debug, Default)]
pub struct CheckResult {
    pub files: Vec<FileReport>,
    pub errors: Vec<RunError>,
    pub files_checked: usize,
}

/// Discovers and checks every Python file under `paths`.
pub fn check_paths(_paths: &[PathBuf], _options: &CheckOptions) -> CheckResult {
    todo!("implemented with the CLI")
}
