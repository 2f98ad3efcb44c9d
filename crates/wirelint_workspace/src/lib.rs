//! wirelint_workspace: turns paths into checked files. Finds the
//! configuration that governs each file (hierarchical `pyproject.toml`,
//! `wirelint.toml`, `.wirelint.toml`), finds Python files (respecting
//! exclusions and .gitignore), reads them, and lints them in parallel with
//! the engine.
//!
//! The steps are separate so callers can use each alone: a
//! [`Resolver`] hands out the settings of each directory,
//! [`discovery::discover`] turns the paths a user gave into a sorted list of
//! files with their settings, and [`runner::check_files`] lints such a list
//! on a thread pool. [`check_paths`] does it all.

pub mod atomic_write;
pub mod config;
pub mod discovery;
mod panics;
pub mod resolver;
pub mod runner;
pub mod settings;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wirelint_linter::Diagnostic;

pub use config::ConfigError;
pub use discovery::{CheckTarget, Discovery, SKIPPED_DIRECTORIES, discover};
pub use resolver::{ConfigSource, DirectoryInfo, Resolver, ResolverOptions};
pub use runner::check_files;
pub use settings::{CACHE_DIR_ENV_VAR, Overrides, Settings};

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

/// Discovers and checks every Python file under `paths`, each with the
/// settings that govern it, linting files while the walk finds more. Fails
/// when a configuration file met on the way is invalid (files governed by
/// valid configurations may have been linted, but nothing is reported).
pub fn check_paths(
    paths: &[PathBuf],
    resolver: &Resolver,
) -> Result<CheckResult, Vec<ConfigError>> {
    let result = runner::check_tree(paths, resolver);
    let config_errors = resolver.errors();
    if !config_errors.is_empty() {
        return Err(config_errors);
    }
    Ok(result)
}

/// Checks a source that is not on disk (standard input) as if it were the
/// file at `path`: that file's settings, `per-file-ignores` and package
/// apply, and with `force-exclude` an excluded name checks nothing. The
/// report names `path` as given.
pub fn check_stdin(
    source: Vec<u8>,
    path: &Path,
    resolver: &Resolver,
) -> Result<CheckResult, Vec<ConfigError>> {
    let absolute = resolver.absolute(path);
    let excluded =
        resolver.root().force_exclude && discovery::is_excluded_explicitly(resolver, &absolute);
    let target = discovery::explicit_file(resolver, path.to_path_buf(), &absolute);
    let config_errors = resolver.errors();
    if !config_errors.is_empty() {
        return Err(config_errors);
    }
    match target {
        Some(target) if !excluded => Ok(runner::check_source(target, source)),
        _ => Ok(CheckResult::default()),
    }
}
