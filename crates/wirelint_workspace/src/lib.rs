//! wirelint_workspace: turns paths into checked files. Finds Python files
//! (respecting .gitignore and the usual skip list), reads them, and lints them
//! in parallel with the engine; later also configuration discovery and cache.
//!
//! The two steps are separate so callers can use either one alone:
//! [`discovery::discover`] turns the paths a user gave into a sorted list of
//! files, and [`runner::check_files`] lints such a list on a thread pool.
//! [`check_paths`] does both.

pub mod discovery;
mod panics;
pub mod runner;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wirelint_linter::{Diagnostic, LinterSettings};

pub use discovery::{Discovery, SKIPPED_DIRECTORIES, discover};
pub use runner::check_files;

/// How to run a check over paths.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    pub linter: LinterSettings,
    /// Skip files matched by `.gitignore` (inside a git repository),
    /// `.git/info/exclude`, the global git excludes file and `.ignore` files.
    /// On by default.
    pub respect_gitignore: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            linter: LinterSettings::default(),
            respect_gitignore: true,
        }
    }
}

/// One checked file with findings. `source` is kept (when the file was valid
/// UTF-8) so renderers can show the offending lines; files without
/// diagnostics are dropped as soon as they are linted.
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

impl RunError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            RunError::MissingPath(path)
            | RunError::Walk { path, .. }
            | RunError::Panic { path, .. } => path,
        }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::MissingPath(path) => write!(f, "path `{}` does not exist", path.display()),
            RunError::Walk { path, message } => {
                write!(f, "cannot search `{}`: {message}", path.display())
            }
            RunError::Panic { path, message } => write!(
                f,
                "wirelint crashed while checking `{}`: {message} \
                 (the other files were checked; this is a bug in wirelint, please report it)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for RunError {}

/// Everything a run produced: the files with diagnostics, sorted by path
/// (diagnostics within a file by line and column), the errors (discovery
/// errors in argument order, then per-file errors in path order), and how
/// many files were checked in all.
#[derive(Clone, Debug, Default)]
pub struct CheckResult {
    pub files: Vec<FileReport>,
    pub errors: Vec<RunError>,
    pub files_checked: usize,
}

impl CheckResult {
    /// The number of diagnostics over all files.
    pub fn diagnostic_count(&self) -> usize {
        self.files.iter().map(|file| file.diagnostics.len()).sum()
    }
}

/// Discovers and checks every Python file under `paths`.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> CheckResult {
    let Discovery { files, mut errors } = discover(paths, options.respect_gitignore);
    let mut result = check_files(files, &options.linter);
    errors.append(&mut result.errors);
    result.errors = errors;
    result
}
