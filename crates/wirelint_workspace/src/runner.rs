//! Parallel linting of discovered files: each file is read, linted and
//! dropped on a rayon pool; only files with diagnostics are kept, with their
//! source for renderers. The pool's threads have large stacks (virtual
//! memory, touched only as used) so deeply nested code cannot overflow them,
//! and a panic on one file is caught and reported while the rest complete.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
use wirelint_linter::{Diagnostic, LinterSettings, lint_bytes, unreadable_file};

use crate::panics::catch_panic;
use crate::{CheckResult, FileReport, RunError};

/// Stack size of each linting thread. It is reserved address space, not
/// memory: pages are only committed when a deep file actually uses them.
const LINT_THREAD_STACK_SIZE: usize = 256 * 1024 * 1024;

/// Lints `files` in parallel. Reports come back in the order of `files`.
pub fn check_files(files: Vec<PathBuf>, settings: &LinterSettings) -> CheckResult {
    check_files_with(files, |bytes| lint_bytes(bytes, settings))
}

/// What checking one file produced, when it produced anything.
enum Outcome {
    Findings(FileReport),
    Crashed(RunError),
}

/// [`check_files`] with the lint function as a parameter, so tests can
/// substitute one that misbehaves.
fn check_files_with<L>(files: Vec<PathBuf>, lint: L) -> CheckResult
where
    L: Fn(&[u8]) -> Vec<Diagnostic> + Sync,
{
    let files_checked = files.len();
    let check = |path| check_file(path, &lint);
    let outcomes: Vec<Outcome> = match lint_pool() {
        Some(pool) => pool.install(|| files.into_par_iter().filter_map(check).collect()),
        // No thread could be started: check on this thread instead.
        None => files.into_iter().filter_map(check).collect(),
    };

    let mut result = CheckResult {
        files_checked,
        ..CheckResult::default()
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Findings(report) => result.files.push(report),
            Outcome::Crashed(error) => result.errors.push(error),
        }
    }
    result
}

fn check_file<L>(path: PathBuf, lint: &L) -> Option<Outcome>
where
    L: Fn(&[u8]) -> Vec<Diagnostic>,
{
    let bytes = match read_file(&path) {
        Ok(bytes) => bytes,
        Err(message) => {
            return Some(Outcome::Findings(FileReport {
                path,
                diagnostics: vec![unreadable_file(message)],
                source: None,
            }));
        }
    };
    match catch_panic(|| lint(&bytes)) {
        Ok(diagnostics) if diagnostics.is_empty() => None,
        Ok(diagnostics) => {
            let source = String::from_utf8(bytes).ok().map(Arc::from);
            Some(Outcome::Findings(FileReport {
                path,
                diagnostics,
                source,
            }))
        }
        Err(message) => Some(Outcome::Crashed(RunError::Panic { path, message })),
    }
}

/// Reads a file's bytes, or says why it cannot be read. Only regular files
/// (or links to them) are opened: reading a FIFO could block forever.
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = fs::metadata(path).map_err(|error| format!("Failed to read file: {error}"))?;
    if metadata.is_dir() {
        return Err("Failed to read file: it is a directory".to_string());
    }
    if !metadata.is_file() {
        return Err("Failed to read file: not a regular file".to_string());
    }
    fs::read(path).map_err(|error| format!("Failed to read file: {error}"))
}

/// The shared linting pool, built on first use; `None` if no thread could
/// be started at all.
fn lint_pool() -> Option<&'static ThreadPool> {
    static POOL: OnceLock<Option<ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let named = |index| format!("wirelint-lint-{index}");
        ThreadPoolBuilder::new()
            .thread_name(named)
            .stack_size(LINT_THREAD_STACK_SIZE)
            .build()
            // Where address space is capped, fall back to default stacks;
            // the engine's own depth guard still protects it.
            .or_else(|_| ThreadPoolBuilder::new().thread_name(named).build())
            .ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wirelint_linter::Rule;

    fn write(root: &Path, name: &str, contents: &[u8]) -> PathBuf {
        let path = root.join(name);
        fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn clean_files_are_counted_but_not_kept() {
        let temp = tempfile::tempdir().unwrap();
        let files = vec![
            write(temp.path(), "a.py", b"x = 1\n"),
            write(temp.path(), "b.py", b""),
        ];
        let result = check_files(files, &LinterSettings::default());
        assert_eq!(result.files_checked, 2);
        assert!(result.files.is_empty());
        assert!(result.errors.is_empty());
    }

    #[test]
    fn a_syntax_error_keeps_the_file_and_its_source() {
        let temp = tempfile::tempdir().unwrap();
        let broken = write(temp.path(), "broken.py", b"def f(:\n");
        let clean = write(temp.path(), "clean.py", b"x = 1\n");
        let result = check_files(vec![broken.clone(), clean], &LinterSettings::default());
        assert_eq!(result.files.len(), 1);
        let report = &result.files[0];
        assert_eq!(report.path, broken);
        assert!(
            report
                .diagnostics
                .iter()
                .all(|d| d.rule == Rule::SyntaxError)
        );
        assert!(!report.diagnostics.is_empty());
        assert_eq!(report.source.as_deref(), Some("def f(:\n"));
    }

    #[test]
    fn invalid_utf8_is_wl002_without_source() {
        let temp = tempfile::tempdir().unwrap();
        let path = write(temp.path(), "latin1.py", b"# caf\xe9\nx = 1\n");
        let result = check_files(vec![path], &LinterSettings::default());
        let report = &result.files[0];
        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].rule, Rule::UnreadableFile);
        assert!(report.source.is_none());
    }

    #[test]
    fn a_directory_or_missing_file_is_wl002() {
        let temp = tempfile::tempdir().unwrap();
        fs::create_dir(temp.path().join("package.py")).unwrap();
        let files = vec![temp.path().join("gone.py"), temp.path().join("package.py")];
        let result = check_files(files, &LinterSettings::default());
        assert_eq!(result.files.len(), 2);
        for report in &result.files {
            assert_eq!(report.diagnostics[0].rule, Rule::UnreadableFile);
        }
        assert!(result.files[1].diagnostics[0].message.contains("directory"));
    }

    #[test]
    fn a_panic_names_the_file_and_the_others_complete() {
        let temp = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = ["a.py", "boom.py", "c.py"]
            .iter()
            .map(|name| write(temp.path(), name, name.as_bytes()))
            .collect();
        let result = check_files_with(files.clone(), |bytes| {
            assert!(bytes != b"boom.py", "engine bug");
            vec![unreadable_file("stand-in finding".to_string())]
        });
        assert_eq!(result.files_checked, 3);
        let reported: Vec<_> = result.files.iter().map(|report| &report.path).collect();
        assert_eq!(reported, [&files[0], &files[2]]);
        assert_eq!(result.errors.len(), 1);
        let RunError::Panic { path, message } = &result.errors[0] else {
            panic!("expected a panic error, got {:?}", result.errors[0]);
        };
        assert_eq!(path, &files[1]);
        assert!(message.contains("engine bug"), "{message}");
        assert!(result.errors[0].to_string().contains("boom.py"));
    }

    #[test]
    fn deeply_nested_code_does_not_overflow_the_pool() {
        let temp = tempfile::tempdir().unwrap();
        let depth = 50_000;
        let nested = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let lists = format!("y = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let chain = format!("z = {}1\n", "1 + ".repeat(depth));
        let files = vec![
            write(temp.path(), "nested.py", nested.as_bytes()),
            write(temp.path(), "lists.py", lists.as_bytes()),
            write(temp.path(), "chain.py", chain.as_bytes()),
        ];
        let result = check_files(files, &LinterSettings::default());
        assert_eq!(result.files_checked, 3);
        assert!(result.errors.is_empty(), "{:?}", result.errors);
    }
}
