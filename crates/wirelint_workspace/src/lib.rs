//! wirelint_workspace: turns paths into checked files. Finds the
//! configuration that governs each file (hierarchical `pyproject.toml`,
//! `wirelint.toml`, `.wirelint.toml`), finds Python files (respecting
//! exclusions and .gitignore), reads them, and lints them in parallel with
//! the engine.
//!
//! A [`Resolver`] hands out the settings of each directory, and
//! [`discover`] turns the paths a user gave into a sorted list of files
//! with their settings. [`check_paths_with`] does it all and lints the
//! files on a thread pool, using a [`Cache`] of results and applying fixes
//! ([`FixOptions`]); [`check_paths_cancellable`] can be stopped from
//! another thread, and [`check_stdin`] checks a source that is not on disk.

mod atomic_write;
mod cache;
mod config;
mod discovery;
mod display;
mod fix;
mod panics;
mod regular_file;
mod resolver;
mod runner;
mod settings;
#[cfg(test)]
mod skipped_directories_docs;
#[cfg(test)]
mod test_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wirelint_linter::Diagnostic;

pub use atomic_write::{Expected, Rewrite, rewrite_if_unchanged};
pub use cache::{Cache, Cleared, clear as clear_cache};
pub use config::{CONFIG_FILE_NAMES, CONFIG_KEYS, ConfigError};
pub use discovery::{CheckTarget, Discovery, discover, explicit_file};
pub use display::{display_path, escape_control, escaped_len, path_text};
pub use fix::{FixOptions, fix_until_stable};
pub use panics::catch_panic;
pub use regular_file::{
    MAX_ARGUMENT_FILE_BYTES, human_size, read_argument_file, read_regular_text,
};
pub use resolver::{ConfigSource, DirectoryInfo, Resolver, ResolverOptions};
pub use runner::{RunOptions, linter_settings};
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

/// A file whose fixes were applied (`--fix`, `--fix-only`, `--diff`, or
/// standard input with one of them). Its remaining diagnostics, if any, are
/// in its [`FileReport`].
#[derive(Clone, Debug)]
pub struct FixedFile {
    pub path: PathBuf,
    /// How many fixes were applied, over every pass.
    pub applied: usize,
    pub status: FixStatus,
}

/// What became of a fixed source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixStatus {
    /// The fixed source replaced the file's content.
    Written,
    /// The fixed source was not written (`--diff`, standard input): here
    /// it is, with the source it was made from.
    Unwritten { original: Arc<str>, fixed: Arc<str> },
    /// The file was left as it was, for the reason given (it changed while
    /// it was being fixed, or could not be written). Its report holds the
    /// diagnostics of the unfixed file.
    Failed(String),
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
            RunError::MissingPath(path) if path.as_os_str().is_empty() => {
                write!(f, "an empty path (`\"\"`) names no file")
            }
            RunError::MissingPath(path) => {
                write!(f, "path `{}` does not exist", display_path(path))
            }
            RunError::Walk { path, message } => {
                write!(f, "cannot search `{}`: {message}", display_path(path))
            }
            RunError::Panic { path, message } => write!(
                f,
                "wirelint crashed while checking `{}`: {message} \
                 (the other files were checked; this is a bug in wirelint, please report it)",
                display_path(path)
            ),
        }
    }
}

impl std::error::Error for RunError {}

/// Everything a run produced: the files with diagnostics, sorted by path
/// (diagnostics within a file by line and column), the errors (discovery
/// errors in argument order, then per-file errors in path order), how
/// many files were checked in all, and the files fixes were applied to,
/// sorted by path.
#[derive(Clone, Debug, Default)]
pub struct CheckResult {
    pub files: Vec<FileReport>,
    pub errors: Vec<RunError>,
    pub files_checked: usize,
    pub fixed: Vec<FixedFile>,
}

impl CheckResult {
    /// The number of diagnostics over all files.
    pub fn diagnostic_count(&self) -> usize {
        self.files.iter().map(|file| file.diagnostics.len()).sum()
    }

    /// The number of fixes applied (written, or kept for a diff), over
    /// all files.
    pub fn fixes_applied(&self) -> usize {
        self.fixed
            .iter()
            .filter(|file| !matches!(file.status, FixStatus::Failed(_)))
            .map(|file| file.applied)
            .sum()
    }
}

/// Discovers and checks every Python file under `paths`, each with the
/// settings that govern it, linting files while the walk finds more, with
/// a cache and fixes as `options` say. Fails when a configuration file met
/// on the way is invalid (files governed by valid configurations may have
/// been linted, but nothing is reported). When fixes are written, every
/// file is found before any is checked, so that no file is rewritten when
/// a configuration in the tree is invalid; a file that changed while it
/// was being fixed is left alone (see [`FixStatus::Failed`]).
pub fn check_paths_with(
    paths: &[PathBuf],
    resolver: &Resolver,
    options: RunOptions,
) -> Result<CheckResult, Vec<ConfigError>> {
    run(paths, resolver, options, &AtomicBool::new(false))
}

/// Why [`check_paths_cancellable`] has no result.
#[derive(Debug)]
pub enum CheckFailure {
    /// A configuration file met on the way is invalid.
    Config(Vec<ConfigError>),
    /// The cancel flag was set before the run returned. The run stopped
    /// early (see [`check_paths_cancellable`]) and what it found is dropped.
    Cancelled,
}

/// [`check_paths_with`] that another thread can stop by setting `cancel`
/// (a Ctrl-C handler, say). Once it is set, the walk stops and no new file
/// is read or linted; files already being linted finish, including their
/// cache entries and written fixes (each write is atomic). A run whose flag
/// was set before it returned fails with [`CheckFailure::Cancelled`], even
/// when every file had been checked.
pub fn check_paths_cancellable(
    paths: &[PathBuf],
    resolver: &Resolver,
    options: RunOptions,
    cancel: &AtomicBool,
) -> Result<CheckResult, CheckFailure> {
    let outcome = run(paths, resolver, options, cancel);
    if cancel.load(Ordering::Relaxed) {
        return Err(CheckFailure::Cancelled);
    }
    outcome.map_err(CheckFailure::Config)
}

/// [`check_paths_cancellable`], with a partial result once cancelled.
fn run(
    paths: &[PathBuf],
    resolver: &Resolver,
    options: RunOptions,
    cancel: &AtomicBool,
) -> Result<CheckResult, Vec<ConfigError>> {
    let writes_files = options.fix.is_some_and(|fix| fix.write);
    let result = if writes_files {
        let Discovery { files, mut errors } =
            discovery::discover_cancellable(paths, resolver, cancel);
        let config_errors = resolver.errors();
        if !config_errors.is_empty() {
            return Err(config_errors);
        }
        let mut result = runner::check_files_cancellable(files, options, cancel);
        errors.append(&mut result.errors);
        result.errors = errors;
        result
    } else {
        runner::check_tree(paths, resolver, options, cancel)
    };
    let config_errors = resolver.errors();
    if !config_errors.is_empty() {
        return Err(config_errors);
    }
    Ok(result)
}

/// Checks a source that is not on disk (standard input) as if it were the
/// file at `path`: that file's settings, `per-file-ignores` and package
/// apply, and with `force-exclude` an excluded name checks nothing. The
/// report names `path` as given. With `fixes`, the fixed source is kept in
/// the result, never written; standard input is never cached.
pub fn check_stdin(
    source: Vec<u8>,
    path: &Path,
    resolver: &Resolver,
    fixes: Option<FixOptions>,
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
        Some(target) if !excluded => {
            let fix = fixes.map(|fixes| FixOptions {
                write: false,
                ..fixes
            });
            // One file: its source is kept for every output format.
            let options = RunOptions {
                cache: None,
                fix,
                keep_sources: true,
            };
            Ok(runner::check_source(target, source, options))
        }
        _ => Ok(CheckResult::default()),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    const SCALAR: &str = "import httpx\nhttpx.get(url, timeout=5)\n";

    #[test]
    fn no_file_is_fixed_when_a_configuration_is_invalid() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        // `a.py` sorts (and is likely found) before the broken directory.
        fs::write(root.join("a.py"), SCALAR).unwrap();
        fs::create_dir(root.join("z")).unwrap();
        fs::write(root.join("z/wirelint.toml"), "selct = []\n").unwrap();
        fs::write(root.join("z/b.py"), SCALAR).unwrap();
        let resolver = Resolver::new(ResolverOptions {
            current_dir: root.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap();
        let options = RunOptions {
            cache: None,
            fix: Some(FixOptions {
                unsafe_fixes: false,
                write: true,
            }),
            keep_sources: true,
        };
        let errors = check_paths_with(&[root.to_path_buf()], &resolver, options).unwrap_err();
        assert!(errors[0].message.contains("selct"), "{errors:?}");
        assert_eq!(fs::read_to_string(root.join("a.py")).unwrap(), SCALAR);
        assert_eq!(fs::read_to_string(root.join("z/b.py")).unwrap(), SCALAR);

        fs::remove_file(root.join("z/wirelint.toml")).unwrap();
        let resolver = Resolver::new(ResolverOptions {
            current_dir: root.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap();
        let result = check_paths_with(&[root.to_path_buf()], &resolver, options).unwrap();
        assert_eq!(result.fixes_applied(), 2);
        let paths: Vec<_> = result.fixed.iter().map(|file| &file.path).collect();
        assert_eq!(paths, [&root.join("a.py"), &root.join("z/b.py")]);
        assert!(
            fs::read_to_string(root.join("a.py"))
                .unwrap()
                .contains("httpx.Timeout(")
        );
    }

    #[test]
    fn a_cancelled_run_says_so_and_fixes_nothing() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        for index in 0..50 {
            fs::write(root.join(format!("m{index}.py")), SCALAR).unwrap();
        }
        let resolver = Resolver::new(ResolverOptions {
            current_dir: root.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap();
        let paths = [root.to_path_buf()];
        let fixing = RunOptions {
            cache: None,
            fix: Some(FixOptions {
                unsafe_fixes: false,
                write: true,
            }),
            keep_sources: false,
        };
        for options in [RunOptions::default(), fixing] {
            let cancelled = AtomicBool::new(true);
            let outcome = check_paths_cancellable(&paths, &resolver, options, &cancelled);
            assert!(
                matches!(outcome, Err(CheckFailure::Cancelled)),
                "{outcome:?}"
            );
        }
        for index in 0..50 {
            let path = root.join(format!("m{index}.py"));
            assert_eq!(fs::read_to_string(path).unwrap(), SCALAR);
        }

        let running = AtomicBool::new(false);
        let result =
            check_paths_cancellable(&paths, &resolver, RunOptions::default(), &running).unwrap();
        assert_eq!(result.files_checked, 50);
        assert_eq!(result.diagnostic_count(), 50);
    }
}
