//! Parallel linting of discovered files: each file is read, linted with
//! the settings that govern it and dropped on a rayon pool; only files with
//! diagnostics are kept, with their source for renderers. [`check_tree`]
//! lints files while the walk is still finding more, through a short
//! queue, so memory does not grow with the size of the tree. The pool's
//! threads have large stacks (virtual memory, touched only as used) so
//! deeply nested code cannot overflow them, and a panic on one file is
//! caught and reported while the rest complete.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::thread;

use rayon::iter::ParallelBridge;
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
use wirelint_linter::{Diagnostic, LinterSettings, lint_source_in_package, unreadable_file};

use crate::discovery::{CheckTarget, Discovery, discover, discover_each};
use crate::panics::catch_panic;
use crate::resolver::Resolver;
use crate::{CheckResult, FileReport, RunError};

/// Stack size of each linting thread. It is reserved address space, not
/// memory: pages are only committed when a deep file actually uses them.
const LINT_THREAD_STACK_SIZE: usize = 256 * 1024 * 1024;

/// How many batches of found files may wait for a linting thread. When
/// linting falls behind, the walk waits.
const QUEUE_LENGTH: usize = 8;

/// Lints `files` in parallel. Reports come back in the order of `files`.
pub fn check_files(files: Vec<CheckTarget>) -> CheckResult {
    check_files_with(files, lint_target)
}

/// Finds the files under `paths` and lints each as soon as it is found.
/// Reports come back sorted by path; errors are the discovery errors (see
/// [`discover_each`]) followed by the files the engine crashed on, by path.
pub fn check_tree(paths: &[PathBuf], resolver: &Resolver) -> CheckResult {
    let Some(pool) = lint_pool() else {
        // No thread could be started: find everything, then check here.
        let Discovery { files, mut errors } = discover(paths, resolver);
        let mut result = check_files(files);
        errors.append(&mut result.errors);
        result.errors = errors;
        return result;
    };
    let (sender, receiver) = mpsc::sync_channel::<Vec<CheckTarget>>(QUEUE_LENGTH);
    let files_checked = AtomicUsize::new(0);
    let (discovery_errors, outcomes) = thread::scope(|scope| {
        let walk = scope.spawn(move || {
            // A send fails only when linting stopped, which it does not
            // before the queue closes.
            discover_each(paths, resolver, &|batch| {
                let _ = sender.send(batch);
            })
        });
        let outcomes: Vec<Outcome> = pool.install(|| {
            receiver
                .into_iter()
                .par_bridge()
                .flat_map(|batch| {
                    files_checked.fetch_add(batch.len(), Ordering::Relaxed);
                    batch
                        .into_par_iter()
                        .filter_map(|target| check_file(target, &lint_target))
                })
                .collect()
        });
        let discovery_errors = walk
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (discovery_errors, outcomes)
    });
    let mut result = collect(outcomes, files_checked.into_inner());
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    result.errors.sort_by(|a, b| a.path().cmp(b.path()));
    result.errors.splice(0..0, discovery_errors);
    result
}

/// Lints one source that is not read from disk (standard input), as the
/// file `target` names.
pub fn check_source(target: CheckTarget, source: Vec<u8>) -> CheckResult {
    check_source_with(target, source, lint_target)
}

fn check_source_with<L>(target: CheckTarget, source: Vec<u8>, lint: L) -> CheckResult
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
{
    let mut result = CheckResult {
        files_checked: 1,
        ..CheckResult::default()
    };
    match lint_bytes_of(target, source, &lint) {
        Some(Outcome::Findings(report)) => result.files.push(report),
        Some(Outcome::Crashed(error)) => result.errors.push(error),
        None => {}
    }
    result
}

/// The engine settings for one file: its directory's, minus the rules
/// `per-file-ignores` turns off for it.
pub fn linter_settings(target: &CheckTarget) -> Cow<'_, LinterSettings> {
    let settings = &target.directory.settings.linter;
    let turned_off: Vec<_> = target
        .ignored_rules
        .iter()
        .filter(|rule| settings.rules.contains(*rule))
        .collect();
    if turned_off.is_empty() {
        return Cow::Borrowed(settings);
    }
    let mut settings = settings.clone();
    for rule in turned_off {
        settings.rules.remove(rule);
    }
    Cow::Owned(settings)
}

/// Decodes a file's bytes (UTF-8, a leading BOM allowed; anything else is
/// WL002) and lints them in the file's package.
fn lint_target(target: &CheckTarget, bytes: &[u8]) -> Vec<Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(source) => {
            let package = target.directory.package.as_deref();
            lint_source_in_package(source, package, &linter_settings(target))
        }
        Err(error) => {
            let message = format!(
                "File is not valid UTF-8: invalid byte at offset {}",
                error.valid_up_to()
            );
            vec![unreadable_file(message)]
        }
    }
}

/// What checking one file produced, when it produced anything.
enum Outcome {
    Findings(FileReport),
    Crashed(RunError),
}

/// [`check_files`] with the lint function as a parameter, so tests can
/// substitute one that misbehaves.
fn check_files_with<L>(files: Vec<CheckTarget>, lint: L) -> CheckResult
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic> + Sync,
{
    let files_checked = files.len();
    let check = |target| check_file(target, &lint);
    let outcomes: Vec<Outcome> = match lint_pool() {
        Some(pool) => pool.install(|| files.into_par_iter().filter_map(check).collect()),
        // No thread could be started: check on this thread instead.
        None => files.into_iter().filter_map(check).collect(),
    };

    collect(outcomes, files_checked)
}

fn collect(outcomes: Vec<Outcome>, files_checked: usize) -> CheckResult {
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

fn check_file<L>(target: CheckTarget, lint: &L) -> Option<Outcome>
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
{
    match read_file(&target.path) {
        Ok(bytes) => lint_bytes_of(target, bytes, lint),
        Err(message) => Some(Outcome::Findings(FileReport {
            path: target.path,
            diagnostics: vec![unreadable_file(message)],
            source: None,
        })),
    }
}

fn lint_bytes_of<L>(target: CheckTarget, bytes: Vec<u8>, lint: &L) -> Option<Outcome>
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
{
    match catch_panic(|| lint(&target, &bytes)) {
        Ok(diagnostics) if diagnostics.is_empty() => None,
        Ok(diagnostics) => {
            let source = String::from_utf8(bytes).ok().map(Arc::from);
            Some(Outcome::Findings(FileReport {
                path: target.path,
                diagnostics,
                source,
            }))
        }
        Err(message) => Some(Outcome::Crashed(RunError::Panic {
            path: target.path,
            message,
        })),
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
    use std::path::PathBuf;
    use wirelint_linter::{Rule, RuleSet};

    use crate::resolver::DirectoryInfo;
    use crate::settings::{Overrides, Settings};

    fn write(root: &Path, name: &str, contents: &[u8]) -> PathBuf {
        let path = root.join(name);
        fs::write(&path, contents).unwrap();
        path
    }

    /// Targets governed by the default settings, outside any package.
    fn targets(paths: &[PathBuf]) -> Vec<CheckTarget> {
        let directory = Arc::new(DirectoryInfo {
            settings: Arc::new(Settings::defaults(
                PathBuf::from("/"),
                &Overrides::default(),
            )),
            package: None,
        });
        paths
            .iter()
            .map(|path| CheckTarget {
                path: path.clone(),
                directory: Arc::clone(&directory),
                ignored_rules: RuleSet::empty(),
            })
            .collect()
    }

    #[test]
    fn clean_files_are_counted_but_not_kept() {
        let temp = tempfile::tempdir().unwrap();
        let files = [
            write(temp.path(), "a.py", b"x = 1\n"),
            write(temp.path(), "b.py", b""),
        ];
        let result = check_files(targets(&files));
        assert_eq!(result.files_checked, 2);
        assert!(result.files.is_empty());
        assert!(result.errors.is_empty());
    }

    #[test]
    fn a_syntax_error_keeps_the_file_and_its_source() {
        let temp = tempfile::tempdir().unwrap();
        let broken = write(temp.path(), "broken.py", b"def f(:\n");
        let clean = write(temp.path(), "clean.py", b"x = 1\n");
        let result = check_files(targets(&[broken.clone(), clean]));
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
        let result = check_files(targets(&[path]));
        let report = &result.files[0];
        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].rule, Rule::UnreadableFile);
        assert!(report.diagnostics[0].message.contains("offset 5"));
        assert!(report.source.is_none());
    }

    #[test]
    fn a_directory_or_missing_file_is_wl002() {
        let temp = tempfile::tempdir().unwrap();
        fs::create_dir(temp.path().join("package.py")).unwrap();
        let files = [temp.path().join("gone.py"), temp.path().join("package.py")];
        let result = check_files(targets(&files));
        assert_eq!(result.files.len(), 2);
        for report in &result.files {
            assert_eq!(report.diagnostics[0].rule, Rule::UnreadableFile);
        }
        assert!(result.files[1].diagnostics[0].message.contains("directory"));
    }

    #[test]
    fn per_file_ignores_turn_rules_off_in_the_engine() {
        let temp = tempfile::tempdir().unwrap();
        let path = write(temp.path(), "t.py", b"import requests\nrequests.get(u)\n");
        let mut files = targets(&[path]);
        let checked = check_files(files.clone());
        assert_eq!(checked.files[0].diagnostics[0].rule, Rule::MissingTimeout);
        files[0].ignored_rules.insert(Rule::MissingTimeout);
        assert!(
            !linter_settings(&files[0])
                .rules
                .contains(Rule::MissingTimeout)
        );
        assert!(check_files(files).files.is_empty());
    }

    #[test]
    fn the_package_reaches_the_engine() {
        let mut files = targets(&[PathBuf::from("acme/client.py")]);
        let directory = DirectoryInfo {
            settings: Arc::clone(&files[0].directory.settings),
            package: Some(Arc::from("acme")),
        };
        files[0].directory = Arc::new(directory);
        let seen = std::sync::Mutex::new(None);
        let result = check_source_with(files.remove(0), b"x = 1\n".to_vec(), |target, _| {
            *seen.lock().unwrap() = target.directory.package.clone();
            Vec::new()
        });
        assert_eq!(result.files_checked, 1);
        assert_eq!(seen.lock().unwrap().as_deref(), Some("acme"));
    }

    #[test]
    fn a_source_from_standard_input_is_reported_under_its_name() {
        let target = targets(&[PathBuf::from("-")]).remove(0);
        let result = check_source(target, b"def f(:\n".to_vec());
        assert_eq!(result.files_checked, 1);
        assert_eq!(result.files[0].path, Path::new("-"));
        assert_eq!(result.files[0].diagnostics[0].rule, Rule::SyntaxError);
        assert_eq!(result.files[0].source.as_deref(), Some("def f(:\n"));
    }

    #[test]
    fn a_panic_names_the_file_and_the_others_complete() {
        let temp = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = ["a.py", "boom.py", "c.py"]
            .iter()
            .map(|name| write(temp.path(), name, name.as_bytes()))
            .collect();
        let result = check_files_with(targets(&files), |_, bytes| {
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
    fn a_tree_is_linted_while_walked_and_reported_in_path_order() {
        use crate::discovery::BATCH_SIZE;
        use crate::resolver::{ConfigSource, ResolverOptions};
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        let count = QUEUE_LENGTH * BATCH_SIZE * 3;
        for index in 0..count {
            let directory = root.join(format!("d{}", index % 7));
            fs::create_dir_all(&directory).unwrap();
            let source: &[u8] = if index % 5 == 0 {
                b"def f(:\n"
            } else {
                b"x = 1\n"
            };
            write(&directory, &format!("m{index}.py"), source);
        }
        let resolver = Resolver::new(ResolverOptions {
            source: ConfigSource::Isolated,
            current_dir: root.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap();
        let missing = root.join("missing");
        let result = check_tree(&[missing.clone(), root.to_path_buf()], &resolver);
        assert_eq!(result.files_checked, count);
        assert_eq!(result.files.len(), count.div_ceil(5));
        let paths: Vec<_> = result.files.iter().map(|report| &report.path).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        assert_eq!(result.errors, [RunError::MissingPath(missing)]);
    }

    #[test]
    fn deeply_nested_code_does_not_overflow_the_pool() {
        let temp = tempfile::tempdir().unwrap();
        let depth = 50_000;
        let nested = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let lists = format!("y = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let chain = format!("z = {}1\n", "1 + ".repeat(depth));
        let files = [
            write(temp.path(), "nested.py", nested.as_bytes()),
            write(temp.path(), "lists.py", lists.as_bytes()),
            write(temp.path(), "chain.py", chain.as_bytes()),
        ];
        let result = check_files(targets(&files));
        assert_eq!(result.files_checked, 3);
        assert!(result.errors.is_empty(), "{:?}", result.errors);
    }
}
