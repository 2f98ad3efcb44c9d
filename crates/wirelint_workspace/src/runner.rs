//! Parallel linting of discovered files: each file is read, linted with
//! the settings that govern it (or its result replayed from the cache),
//! fixed when the run fixes, and dropped on a rayon pool; only files with
//! diagnostics or fixes are kept, with their source for renderers.
//! [`check_tree`] lints files while the walk is still finding more, through
//! a short queue, so memory does not grow with the size of the tree. The
//! pool's threads have large stacks (virtual memory, touched only as used)
//! so deeply nested code cannot overflow them, and a panic on one file is
//! caught and reported while the rest complete; a panic is never cached.
//! A run given a cancel flag lints no new file once the flag is set (files
//! already being linted finish) and its walk stops.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::thread;

use rayon::iter::ParallelBridge;
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
use wirelint_linter::{Diagnostic, LinterSettings, lint_bytes_in_package, unreadable_file};

use crate::atomic_write::{Expected, Rewrite, StaleTempSweeper, rewrite_if_unchanged};
use crate::cache::{Cache, ContentHash, EntryKey};
use crate::discovery::{CheckTarget, Discovery, discover_cancellable, discover_each};
use crate::display::display_path;
use crate::fix::{FixOptions, fix_until_stable};
use crate::panics::catch_panic;
use crate::regular_file::{FileStamp, ReadError, read_regular_file};
use crate::resolver::Resolver;
use crate::{CheckResult, FileReport, FixStatus, FixedFile, RunError};

/// Stack size of each linting thread. It is reserved address space, not
/// memory: pages are only committed when a deep file actually uses them.
const LINT_THREAD_STACK_SIZE: usize = 256 * 1024 * 1024;

/// How many batches of found files may wait for a linting thread. When
/// linting falls behind, the walk waits.
const QUEUE_LENGTH: usize = 8;

/// What a run does besides linting: replay and store results in a cache,
/// apply fixes. The default does neither.
#[derive(Copy, Clone, Debug, Default)]
pub struct RunOptions<'a> {
    pub cache: Option<&'a Cache>,
    pub fix: Option<FixOptions>,
    /// Keep the source of every file with findings in its report, for
    /// renderers that show or hash source lines (`full`, `gitlab`) and for
    /// `--add-noqa`. Off, only the diagnostics are kept: memory then stays
    /// flat however many files have findings.
    pub keep_sources: bool,
}

/// Lints `files` in parallel. Reports come back in the order of `files`.
#[cfg(test)]
pub(crate) fn check_files(files: Vec<CheckTarget>, options: RunOptions) -> CheckResult {
    check_files_with(files, options, &AtomicBool::new(false), lint_target)
}

/// Lints `files` in parallel, but no new file once `cancel` is set: the
/// result then covers only the files that were linted. Reports come back
/// in the order of `files`.
pub(crate) fn check_files_cancellable(
    files: Vec<CheckTarget>,
    options: RunOptions,
    cancel: &AtomicBool,
) -> CheckResult {
    check_files_with(files, options, cancel, lint_target)
}

/// Finds the files under `paths` and lints each as soon as it is found.
/// Reports and fixed files come back sorted by path; errors are the
/// discovery errors (see [`discover_each`]) followed by the files the
/// engine crashed on, by path. Once `cancel` is set, the walk stops and
/// no new file is linted; the result then covers only the files that were.
pub(crate) fn check_tree(
    paths: &[PathBuf],
    resolver: &Resolver,
    options: RunOptions,
    cancel: &AtomicBool,
) -> CheckResult {
    check_tree_with(paths, resolver, options, cancel, lint_target)
}

/// [`check_tree`] with the lint function as a parameter, for tests.
fn check_tree_with<L>(
    paths: &[PathBuf],
    resolver: &Resolver,
    options: RunOptions,
    cancel: &AtomicBool,
    lint: L,
) -> CheckResult
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic> + Sync,
{
    let Some(pool) = lint_pool() else {
        // No thread could be started: find everything, then check here.
        let Discovery { files, mut errors } = discover_cancellable(paths, resolver, cancel);
        let mut result = check_files_with(files, options, cancel, lint);
        errors.append(&mut result.errors);
        result.errors = errors;
        return result;
    };
    let (sender, receiver) = mpsc::sync_channel::<Vec<CheckTarget>>(QUEUE_LENGTH);
    let progress = Progress::new(cancel);
    let (discovery_errors, outcomes) = thread::scope(|scope| {
        let walk = scope.spawn(move || {
            // A send fails only when linting stopped, which it does not
            // before the queue closes (a cancelled run still drains it).
            discover_each(paths, resolver, cancel, &|batch| {
                let _ = sender.send(batch);
            })
        });
        let outcomes: Vec<Outcome> = pool.install(|| {
            receiver
                .into_iter()
                .par_bridge()
                .flat_map(|batch| {
                    batch
                        .into_par_iter()
                        .filter_map(|target| progress.check(target, &lint, options))
                        .filter(Outcome::has_news)
                })
                .collect()
        });
        let discovery_errors = walk
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (discovery_errors, outcomes)
    });
    let mut result = collect(outcomes, progress.files_checked());
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    result.fixed.sort_by(|a, b| a.path.cmp(&b.path));
    result.errors.sort_by(|a, b| a.path().cmp(b.path()));
    result.errors.splice(0..0, discovery_errors);
    result
}

/// Lints one source that is not read from disk (standard input), as the
/// file `target` names.
pub(crate) fn check_source(
    target: CheckTarget,
    source: Vec<u8>,
    options: RunOptions,
) -> CheckResult {
    check_source_with(target, source, options, lint_target)
}

fn check_source_with<L>(
    target: CheckTarget,
    source: Vec<u8>,
    options: RunOptions,
    lint: L,
) -> CheckResult
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
{
    let source = ReadSource {
        bytes: source,
        stamp: None,
    };
    let sweeper = StaleTempSweeper::default();
    collect(
        vec![check_bytes(target, source, &lint, options, &sweeper)],
        1,
    )
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
    let package = target.directory.package.as_deref();
    lint_bytes_in_package(bytes, package, &linter_settings(target))
}

/// What checking one file produced: a report when diagnostics remain, the
/// fixes when some were applied, an error when the engine crashed.
#[derive(Default)]
struct Outcome {
    report: Option<FileReport>,
    fixed: Option<FixedFile>,
    crash: Option<RunError>,
}

impl Outcome {
    /// A report of `diagnostics` (none: nothing to report); the source is
    /// kept for renderers when it is UTF-8.
    fn findings(path: PathBuf, diagnostics: Vec<Diagnostic>, source: Option<Arc<str>>) -> Self {
        let report = (!diagnostics.is_empty()).then_some(FileReport {
            path,
            diagnostics,
            source,
        });
        Outcome {
            report,
            ..Outcome::default()
        }
    }

    fn crashed(path: PathBuf, message: String) -> Self {
        Outcome {
            crash: Some(RunError::Panic { path, message }),
            ..Outcome::default()
        }
    }

    /// Whether there is anything to keep.
    fn has_news(&self) -> bool {
        self.report.is_some() || self.fixed.is_some() || self.crash.is_some()
    }
}

/// [`check_files_cancellable`] with the lint function as a parameter, so
/// tests can substitute one that misbehaves.
fn check_files_with<L>(
    files: Vec<CheckTarget>,
    options: RunOptions,
    cancel: &AtomicBool,
    lint: L,
) -> CheckResult
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic> + Sync,
{
    let progress = Progress::new(cancel);
    let check = |target| progress.check(target, &lint, options);
    let outcomes: Vec<Outcome> = match lint_pool() {
        Some(pool) => pool.install(|| {
            files
                .into_par_iter()
                .filter_map(check)
                .filter(Outcome::has_news)
                .collect()
        }),
        // No thread could be started: check on this thread instead.
        None => files
            .into_iter()
            .filter_map(check)
            .filter(Outcome::has_news)
            .collect(),
    };

    collect(outcomes, progress.files_checked())
}

/// Where a run stands: whether it was cancelled, how many files it has
/// checked so far, and which directories it cleaned of stale temporary
/// files.
struct Progress<'a> {
    cancel: &'a AtomicBool,
    files_checked: AtomicUsize,
    sweeper: StaleTempSweeper,
}

impl<'a> Progress<'a> {
    fn new(cancel: &'a AtomicBool) -> Self {
        Progress {
            cancel,
            files_checked: AtomicUsize::new(0),
            sweeper: StaleTempSweeper::default(),
        }
    }

    /// Checks one file and counts it; `None`, without reading it, once
    /// the run is cancelled.
    fn check<L>(&self, target: CheckTarget, lint: &L, options: RunOptions) -> Option<Outcome>
    where
        L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
    {
        if self.cancel.load(Ordering::Relaxed) {
            return None;
        }
        self.files_checked.fetch_add(1, Ordering::Relaxed);
        Some(check_file(target, lint, options, &self.sweeper))
    }

    fn files_checked(self) -> usize {
        self.files_checked.into_inner()
    }
}

fn collect(outcomes: Vec<Outcome>, files_checked: usize) -> CheckResult {
    let mut result = CheckResult {
        files_checked,
        ..CheckResult::default()
    };
    for outcome in outcomes {
        result.files.extend(outcome.report);
        result.fixed.extend(outcome.fixed);
        result.errors.extend(outcome.crash);
    }
    result
}

fn check_file<L>(
    target: CheckTarget,
    lint: &L,
    options: RunOptions,
    sweeper: &StaleTempSweeper,
) -> Outcome
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
{
    match read_file(&target.path) {
        Ok(source) => check_bytes(target, source, lint, options, sweeper),
        // Not cached: the next run must look at the file again.
        Err(message) => Outcome::findings(target.path, vec![unreadable_file(message)], None),
    }
}

/// A file's place in the cache: its entry and what its content was.
struct CacheSlot<'a> {
    cache: &'a Cache,
    key: EntryKey,
    content: ContentHash,
}

impl CacheSlot<'_> {
    fn get(&self) -> Option<Vec<Diagnostic>> {
        self.cache.get(self.key, self.content)
    }

    fn put(&self, diagnostics: &[Diagnostic]) {
        self.cache.put(self.key, self.content, diagnostics);
    }
}

/// A file's bytes as read, with the file's stamp then (none for a source
/// that is not a file).
struct ReadSource {
    bytes: Vec<u8>,
    stamp: Option<FileStamp>,
}

/// Lints a file's content (or replays its result), then fixes it when the
/// run fixes and it has fixes to apply.
fn check_bytes<L>(
    target: CheckTarget,
    read: ReadSource,
    lint: &L,
    options: RunOptions,
    sweeper: &StaleTempSweeper,
) -> Outcome
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
{
    let ReadSource { bytes, stamp } = read;
    let slot = options.cache.map(|cache| CacheSlot {
        cache,
        key: cache.key(
            &target.path,
            &linter_settings(&target),
            target.directory.package.as_deref(),
        ),
        content: ContentHash::of(&bytes),
    });
    let cached = slot.as_ref().and_then(CacheSlot::get);
    let diagnostics = match cached {
        Some(diagnostics) => diagnostics,
        None => match catch_panic(|| lint(&target, &bytes)) {
            Ok(diagnostics) => {
                if let Some(slot) = &slot {
                    slot.put(&diagnostics);
                }
                diagnostics
            }
            Err(message) => return Outcome::crashed(target.path, message),
        },
    };
    if diagnostics.is_empty() {
        return Outcome::default();
    }
    let Ok(source) = String::from_utf8(bytes) else {
        return Outcome::findings(target.path, diagnostics, None);
    };
    match options.fix {
        Some(fix) if diagnostics.iter().any(|d| fix.applies_to(d)) => {
            let file = FileToFix {
                target,
                source,
                stamp,
                slot,
            };
            fix_file(file, diagnostics, lint, fix, sweeper)
        }
        _ => {
            let source = options.keep_sources.then(|| Arc::from(source));
            Outcome::findings(target.path, diagnostics, source)
        }
    }
}

/// A file with fixes to apply: what was read and where its result is cached.
struct FileToFix<'a> {
    target: CheckTarget,
    source: String,
    stamp: Option<FileStamp>,
    slot: Option<CacheSlot<'a>>,
}

/// Applies the fixes of one file and, when the run writes, replaces its
/// content, but only if the file is still as it was read (stale temporary
/// files of earlier runs are removed from its directory first). The cache
/// entry of a written file is updated to the fixed content.
fn fix_file<L>(
    file: FileToFix,
    diagnostics: Vec<Diagnostic>,
    lint: &L,
    options: FixOptions,
    sweeper: &StaleTempSweeper,
) -> Outcome
where
    L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic>,
{
    let FileToFix {
        target,
        source,
        stamp,
        slot,
    } = file;
    let fixing = catch_panic(|| {
        fix_until_stable(&source, diagnostics.clone(), options, |fixed| {
            lint(&target, fixed.as_bytes())
        })
    });
    let fixed = match fixing {
        Ok(fixed) => fixed,
        Err(message) => return Outcome::crashed(target.path, message),
    };
    if fixed.applied == 0 {
        return Outcome::findings(target.path, diagnostics, Some(Arc::from(source)));
    }
    let fixed_source: Arc<str> = Arc::from(fixed.source);
    let status = if options.write {
        let expected = Expected {
            content: source.as_bytes(),
            stamp,
        };
        write_fixes(&target.path, expected, &fixed_source, sweeper)
    } else {
        FixStatus::Unwritten {
            original: Arc::from(source.as_str()),
            fixed: Arc::clone(&fixed_source),
        }
    };
    let mut outcome = if let FixStatus::Failed(_) = status {
        Outcome::findings(target.path.clone(), diagnostics, Some(Arc::from(source)))
    } else {
        if let (FixStatus::Written, Some(slot)) = (&status, slot) {
            let written = CacheSlot {
                content: ContentHash::of(fixed_source.as_bytes()),
                ..slot
            };
            written.put(&fixed.diagnostics);
        }
        Outcome::findings(
            target.path.clone(),
            fixed.diagnostics,
            Some(Arc::clone(&fixed_source)),
        )
    };
    outcome.fixed = Some(FixedFile {
        path: target.path,
        applied: fixed.applied,
        status,
    });
    outcome
}

/// Writes `fixed` over the file at `path` if it is still as `expected`.
fn write_fixes(
    path: &Path,
    expected: Expected<'_>,
    fixed: &str,
    sweeper: &StaleTempSweeper,
) -> FixStatus {
    if let Some(directory) = fs::canonicalize(path)
        .ok()
        .and_then(|target| target.parent().map(Path::to_path_buf))
    {
        sweeper.sweep_once(&directory);
    }
    match rewrite_if_unchanged(path, expected, fixed.as_bytes()) {
        Ok(Rewrite::Written) => FixStatus::Written,
        Ok(Rewrite::ChangedOnDisk) => FixStatus::Failed(format!(
            "`{}` changed while it was being fixed; left it alone (run again to fix it)",
            display_path(path)
        )),
        Ok(Rewrite::Refused(refusal)) => {
            FixStatus::Failed(format!("left `{}` unfixed: {refusal}", display_path(path)))
        }
        Err(error) => FixStatus::Failed(format!(
            "cannot write the fixes to `{}`: {error}",
            display_path(path)
        )),
    }
}

/// Reads a file's bytes and stamp, or says why it cannot be read. Only
/// regular files (or links to them) are opened, and only up to the size
/// the engine checks.
fn read_file(path: &Path) -> Result<ReadSource, String> {
    let limit = wirelint_linter::MAX_SOURCE_BYTES as u64;
    match read_regular_file(path, limit) {
        Ok((bytes, stamp)) => Ok(ReadSource {
            bytes,
            stamp: Some(stamp),
        }),
        Err(error @ ReadError::TooLarge { .. }) => Err(format!("File is not checked: {error}")),
        Err(error) => Err(format!("Failed to read file: {error}")),
    }
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

    /// Lints `files` with `lint` instead of the engine, never cancelled.
    fn check_with_lint<L>(files: Vec<CheckTarget>, options: RunOptions, lint: L) -> CheckResult
    where
        L: Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic> + Sync,
    {
        check_files_with(files, options, &AtomicBool::new(false), lint)
    }

    #[test]
    fn clean_files_are_counted_but_not_kept() {
        let temp = tempfile::tempdir().unwrap();
        let files = [
            write(temp.path(), "a.py", b"x = 1\n"),
            write(temp.path(), "b.py", b""),
        ];
        let result = check_files(targets(&files), RunOptions::default());
        assert_eq!(result.files_checked, 2);
        assert!(result.files.is_empty());
        assert!(result.errors.is_empty());
    }

    #[test]
    fn a_syntax_error_keeps_the_file_and_its_source() {
        let temp = tempfile::tempdir().unwrap();
        let broken = write(temp.path(), "broken.py", b"def f(:\n");
        let clean = write(temp.path(), "clean.py", b"x = 1\n");
        let keeping = RunOptions {
            keep_sources: true,
            ..RunOptions::default()
        };
        let result = check_files(targets(&[broken.clone(), clean.clone()]), keeping);
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
        let dropped = check_files(targets(&[broken, clean]), RunOptions::default());
        assert!(
            dropped.files[0].source.is_none(),
            "sources are kept only when asked for"
        );
    }

    #[test]
    fn invalid_utf8_is_wl002_without_source() {
        let temp = tempfile::tempdir().unwrap();
        let path = write(temp.path(), "latin1.py", b"# caf\xe9\nx = 1\n");
        let result = check_files(targets(&[path]), RunOptions::default());
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
        let result = check_files(targets(&files), RunOptions::default());
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
        let checked = check_files(files.clone(), RunOptions::default());
        assert_eq!(checked.files[0].diagnostics[0].rule, Rule::MissingTimeout);
        files[0].ignored_rules.insert(Rule::MissingTimeout);
        assert!(
            !linter_settings(&files[0])
                .rules
                .contains(Rule::MissingTimeout)
        );
        assert!(check_files(files, RunOptions::default()).files.is_empty());
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
        let result = check_source_with(
            files.remove(0),
            b"x = 1\n".to_vec(),
            RunOptions::default(),
            |target, _| {
                *seen.lock().unwrap() = target.directory.package.clone();
                Vec::new()
            },
        );
        assert_eq!(result.files_checked, 1);
        assert_eq!(seen.lock().unwrap().as_deref(), Some("acme"));
    }

    #[test]
    fn a_source_from_standard_input_is_reported_under_its_name() {
        let target = targets(&[PathBuf::from("-")]).remove(0);
        let keeping = RunOptions {
            keep_sources: true,
            ..RunOptions::default()
        };
        let result = check_source(target, b"def f(:\n".to_vec(), keeping);
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
        let result = check_with_lint(targets(&files), RunOptions::default(), |_, bytes| {
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
        let result = check_tree(
            &[missing.clone(), root.to_path_buf()],
            &resolver,
            RunOptions::default(),
            &AtomicBool::new(false),
        );
        assert_eq!(result.files_checked, count);
        assert_eq!(result.files.len(), count.div_ceil(5));
        let paths: Vec<_> = result.files.iter().map(|report| &report.path).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        assert_eq!(result.errors, [RunError::MissingPath(missing)]);
    }

    /// Writes `count` clean files over a few directories under `root`;
    /// returns a resolver that reads no configuration file.
    fn clean_tree(root: &Path, count: usize) -> Resolver {
        use crate::resolver::{ConfigSource, ResolverOptions};
        for index in 0..count {
            let directory = root.join(format!("d{}", index % 7));
            fs::create_dir_all(&directory).unwrap();
            write(&directory, &format!("m{index}.py"), b"x = 1\n");
        }
        Resolver::new(ResolverOptions {
            source: ConfigSource::Isolated,
            current_dir: root.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn a_tree_run_lints_no_new_file_once_cancelled() {
        use crate::discovery::BATCH_SIZE;
        const CANCEL_AFTER: usize = 10;
        let temp = tempfile::tempdir().unwrap();
        let count = QUEUE_LENGTH * BATCH_SIZE * 4;
        let resolver = clean_tree(temp.path(), count);
        let cancel = AtomicBool::new(false);
        let calls = AtomicUsize::new(0);
        let result = check_tree_with(
            &[temp.path().to_path_buf()],
            &resolver,
            RunOptions::default(),
            &cancel,
            |target, bytes| {
                if calls.fetch_add(1, Ordering::Relaxed) + 1 == CANCEL_AFTER {
                    cancel.store(true, Ordering::Relaxed);
                }
                lint_target(target, bytes)
            },
        );
        let calls = calls.into_inner();
        assert_eq!(result.files_checked, calls);
        // Only files other threads had started when the flag went up finish.
        let linting_threads = lint_pool().map_or(1, ThreadPool::current_num_threads);
        assert!(
            (CANCEL_AFTER..CANCEL_AFTER + linting_threads).contains(&calls),
            "{calls} of {count} files linted after cancelling at {CANCEL_AFTER}"
        );
    }

    #[test]
    fn a_list_run_cancelled_beforehand_reads_nothing() {
        let temp = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..100)
            .map(|index| write(temp.path(), &format!("m{index}.py"), MISSING))
            .collect();
        let calls = AtomicUsize::new(0);
        let cancelled = AtomicBool::new(true);
        let result = check_files_with(
            targets(&files),
            RunOptions::default(),
            &cancelled,
            counting(&calls),
        );
        assert_eq!(calls.into_inner(), 0);
        assert_eq!(result.files_checked, 0);
        assert!(result.files.is_empty());
        let uncancelled = check_files_cancellable(
            targets(&files),
            RunOptions::default(),
            &AtomicBool::new(false),
        );
        assert_eq!(uncancelled.files.len(), 100);
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
        let result = check_files(targets(&files), RunOptions::default());
        assert_eq!(result.files_checked, 3);
        assert!(result.errors.is_empty(), "{:?}", result.errors);
    }

    /// A lint function that counts its calls and lints for real.
    fn counting(calls: &AtomicUsize) -> impl Fn(&CheckTarget, &[u8]) -> Vec<Diagnostic> + Sync {
        move |target, bytes| {
            calls.fetch_add(1, Ordering::Relaxed);
            lint_target(target, bytes)
        }
    }

    fn codes(result: &CheckResult) -> Vec<(String, &'static str)> {
        result
            .files
            .iter()
            .flat_map(|report| {
                let name = report.path.file_name().unwrap().to_string_lossy();
                report
                    .diagnostics
                    .iter()
                    .map(move |d| (name.to_string(), d.rule.code()))
            })
            .collect()
    }

    const SCALAR: &[u8] = b"import httpx\nhttpx.get(url, timeout=5)\n";
    const MISSING: &[u8] = b"import requests\nrequests.get(url)\n";

    #[test]
    fn a_warm_cache_replays_results_and_relints_only_what_changed() {
        let temp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&temp.path().join("cache"), temp.path(), temp.path()).unwrap();
        let options = RunOptions {
            keep_sources: true,
            cache: Some(&cache),
            fix: None,
        };
        let files = [
            write(temp.path(), "a.py", MISSING),
            write(temp.path(), "b.py", b"x = 1\n"),
            write(temp.path(), "broken.py", b"def f(:\n"),
            write(temp.path(), "latin1.py", b"# caf\xe9\n"),
        ];
        let calls = AtomicUsize::new(0);
        let cold = check_with_lint(targets(&files), options, counting(&calls));
        assert_eq!(calls.swap(0, Ordering::Relaxed), 4);
        let warm = check_with_lint(targets(&files), options, counting(&calls));
        assert_eq!(calls.swap(0, Ordering::Relaxed), 0, "every file replayed");
        assert_eq!(codes(&warm), codes(&cold));
        let mut found = codes(&warm);
        found.dedup();
        assert_eq!(
            found,
            [
                ("a.py".to_string(), "WL203"),
                ("broken.py".to_string(), "WL001"),
                ("latin1.py".to_string(), "WL002")
            ]
        );
        assert_eq!(
            warm.files[0].source.as_deref(),
            cold.files[0].source.as_deref()
        );
        assert!(warm.files[0].source.is_some(), "the source is still read");
        assert_eq!(warm.files[0].diagnostics, cold.files[0].diagnostics);

        fs::write(&files[1], MISSING).unwrap();
        let edited = check_with_lint(targets(&files), options, counting(&calls));
        assert_eq!(calls.load(Ordering::Relaxed), 1, "only the edited file");
        assert_eq!(edited.files.len(), 4);
        assert_eq!(edited.files[1].diagnostics[0].rule, Rule::MissingTimeout);
    }

    #[test]
    fn per_file_ignores_are_part_of_the_key() {
        let temp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&temp.path().join("cache"), temp.path(), temp.path()).unwrap();
        let options = RunOptions {
            keep_sources: true,
            cache: Some(&cache),
            fix: None,
        };
        let path = write(temp.path(), "a.py", MISSING);
        assert_eq!(
            check_files(targets(std::slice::from_ref(&path)), options)
                .files
                .len(),
            1
        );
        let mut ignoring = targets(&[path]);
        ignoring[0].ignored_rules.insert(Rule::MissingTimeout);
        assert!(check_files(ignoring, options).files.is_empty());
    }

    #[test]
    fn a_panic_is_not_cached_and_an_unreadable_file_is_looked_at_again() {
        let temp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&temp.path().join("cache"), temp.path(), temp.path()).unwrap();
        let options = RunOptions {
            keep_sources: true,
            cache: Some(&cache),
            fix: None,
        };
        let path = write(temp.path(), "boom.py", b"x = 1\n");
        let crashed = check_with_lint(
            targets(std::slice::from_ref(&path)),
            options,
            |_, _| -> Vec<Diagnostic> { panic!("engine bug") },
        );
        assert_eq!(crashed.errors.len(), 1);
        let calls = AtomicUsize::new(0);
        let again = check_with_lint(targets(&[path]), options, counting(&calls));
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert!(again.errors.is_empty() && again.files.is_empty());

        let missing = temp.path().join("missing.py");
        let result = check_files(targets(std::slice::from_ref(&missing)), options);
        assert_eq!(result.files[0].diagnostics[0].rule, Rule::UnreadableFile);
        fs::write(&missing, b"x = 1\n").unwrap();
        assert!(check_files(targets(&[missing]), options).files.is_empty());
    }

    const FIX: FixOptions = FixOptions {
        unsafe_fixes: false,
        write: true,
    };

    #[test]
    fn fixes_are_written_and_the_cache_entry_follows_the_file() {
        let temp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&temp.path().join("cache"), temp.path(), temp.path()).unwrap();
        let source =
            b"import httpx\nimport requests\nhttpx.get(url, timeout=5)\nrequests.get(url)\n";
        let path = write(temp.path(), "app.py", source);
        let clean = write(temp.path(), "clean.py", b"x = 1\n");
        let files = [path.clone(), clean];
        let fixing = RunOptions {
            keep_sources: true,
            cache: Some(&cache),
            fix: Some(FIX),
        };
        // Warm the cache first: fixes apply to replayed diagnostics too.
        check_files(
            targets(&files),
            RunOptions {
                keep_sources: true,
                cache: Some(&cache),
                fix: None,
            },
        );
        let result = check_files(targets(&files), fixing);
        let fixed = fs::read_to_string(&path).unwrap();
        assert_eq!(
            fixed,
            "import httpx\nimport requests\n\
             httpx.get(url, timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))\n\
             requests.get(url)\n"
        );
        assert_eq!(result.fixed.len(), 1);
        assert_eq!(result.fixed[0].path, path);
        assert_eq!(result.fixed[0].status, FixStatus::Written);
        assert_eq!(result.fixes_applied(), 1);
        assert_eq!(codes(&result), [("app.py".to_string(), "WL203")]);
        assert_eq!(result.files[0].source.as_deref(), Some(fixed.as_str()));

        let calls = AtomicUsize::new(0);
        let after = check_with_lint(
            targets(&files),
            RunOptions {
                keep_sources: true,
                cache: Some(&cache),
                fix: None,
            },
            counting(&calls),
        );
        assert_eq!(
            calls.load(Ordering::Relaxed),
            0,
            "the fixed file's entry was stored"
        );
        assert_eq!(codes(&after), [("app.py".to_string(), "WL203")]);
    }

    #[test]
    fn a_diff_keeps_both_sources_and_writes_nothing() {
        let temp = tempfile::tempdir().unwrap();
        let path = write(temp.path(), "app.py", SCALAR);
        let options = RunOptions {
            keep_sources: true,
            cache: None,
            fix: Some(FixOptions {
                write: false,
                ..FIX
            }),
        };
        let result = check_files(targets(std::slice::from_ref(&path)), options);
        assert_eq!(fs::read(&path).unwrap(), SCALAR);
        let FixStatus::Unwritten { original, fixed } = &result.fixed[0].status else {
            panic!("{:?}", result.fixed);
        };
        assert_eq!(original.as_bytes(), SCALAR);
        assert!(fixed.contains("httpx.Timeout(5, connect=5"), "{fixed}");
        assert!(result.files.is_empty(), "nothing remains");
    }

    #[test]
    fn a_file_changed_while_being_fixed_is_left_alone() {
        let temp = tempfile::tempdir().unwrap();
        let path = write(temp.path(), "app.py", SCALAR);
        let edited_meanwhile = b"import httpx\nhttpx.get(url, timeout=7)\n";
        // The second lint (of the fixed source) stands for the moment
        // between reading the file and writing it back: someone saves it.
        let calls = AtomicUsize::new(0);
        let result = check_with_lint(
            targets(std::slice::from_ref(&path)),
            RunOptions {
                keep_sources: true,
                cache: None,
                fix: Some(FIX),
            },
            |target, bytes| {
                if calls.fetch_add(1, Ordering::Relaxed) == 1 {
                    fs::write(&target.path, edited_meanwhile).unwrap();
                }
                lint_target(target, bytes)
            },
        );
        assert_eq!(fs::read(&path).unwrap(), edited_meanwhile);
        let FixStatus::Failed(message) = &result.fixed[0].status else {
            panic!("{:?}", result.fixed);
        };
        assert!(
            message.contains("app.py` changed while it was being fixed"),
            "{message}"
        );
        assert_eq!(result.fixes_applied(), 0);
        // What is reported is the file as it was read, unfixed.
        assert_eq!(codes(&result), [("app.py".to_string(), "WL201")]);
        assert_eq!(
            result.files[0].source.as_deref().map(str::as_bytes),
            Some(SCALAR)
        );
    }

    #[test]
    fn standard_input_is_fixed_in_memory() {
        let target = targets(&[PathBuf::from("-")]).remove(0);
        let options = RunOptions {
            keep_sources: true,
            cache: None,
            fix: Some(FixOptions {
                write: false,
                ..FIX
            }),
        };
        let result = check_source(target, SCALAR.to_vec(), options);
        assert_eq!(result.fixes_applied(), 1);
        assert!(matches!(
            &result.fixed[0].status,
            FixStatus::Unwritten { fixed, .. } if fixed.contains("httpx.Timeout(")
        ));
    }
}
