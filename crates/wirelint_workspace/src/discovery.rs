//! File discovery: turns the paths a user gave into the sorted list of files
//! to check, each with the settings that govern it.
//!
//! - A path naming a file is checked whatever its name, even when it is
//!   git-ignored or excluded: the user asked for it. With `force-exclude`,
//!   exclusions apply to it too (pre-commit passes every staged file).
//! - A directory is walked recursively for the files its settings
//!   `include` (`*.py` and `*.pyi` by default). Files and directories its
//!   settings `exclude` (by default [`SKIPPED_DIRECTORIES`]) are skipped,
//!   unless given as a path themselves; hidden files are not skipped for
//!   being hidden; symbolic links are listed but not followed into
//!   directories.
//! - With `respect-gitignore` (of the root settings), the walk honours
//!   `.gitignore` files the way git does: only inside a git repository (a
//!   directory with `.git` at or above it), including `.gitignore` files of
//!   parent directories up to the repository root. `.git/info/exclude`,
//!   git's global excludes file and `.ignore` files (the latter also outside
//!   repositories) are honoured too.
//! - A path that does not exist is reported and the other paths are still
//!   walked. Directories governed by a configuration that fails to load are
//!   skipped; the resolver keeps the errors.
//! - A walk given a cancel flag stops soon after the flag is set, having
//!   found only part of the files.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::{DirEntry, WalkBuilder, WalkState};
use rustc_hash::FxHashSet;
use wirelint_linter::RuleSet;

use crate::RunError;
use crate::regular_file::kind_of;
use crate::resolver::{DirectoryInfo, Resolver};

/// Directory names a walk never enters unless `exclude` says otherwise:
/// version control, virtual environments, caches and build output.
pub(crate) const SKIPPED_DIRECTORIES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".nox",
    ".tox",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
];

/// One file to check and what governs it.
#[derive(Clone, Debug)]
pub struct CheckTarget {
    /// As the user gave it or as found below a path the user gave.
    pub path: PathBuf,
    /// The settings and package of the file's directory.
    pub directory: Arc<DirectoryInfo>,
    /// The rules `per-file-ignores` turns off for this file.
    pub ignored_rules: RuleSet,
}

/// What discovery found: files sorted by path without duplicates, and the
/// paths it could not search.
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    pub files: Vec<CheckTarget>,
    pub errors: Vec<RunError>,
}

/// How many found files [`discover_each`] hands over at a time.
pub(crate) const BATCH_SIZE: usize = 64;

/// Finds the files to check under `paths`, as one sorted list.
pub fn discover(paths: &[PathBuf], resolver: &Resolver) -> Discovery {
    discover_cancellable(paths, resolver, &AtomicBool::new(false))
}

/// [`discover`] that stops early, with part of the files, once `cancel`
/// is set.
pub(crate) fn discover_cancellable(
    paths: &[PathBuf],
    resolver: &Resolver,
    cancel: &AtomicBool,
) -> Discovery {
    let files = Mutex::new(Vec::new());
    let errors = discover_each(paths, resolver, cancel, &|mut batch| {
        files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .append(&mut batch);
    });
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Discovery { files, errors }
}

/// Finds the files to check under `paths` and hands them to `found` in
/// batches of up to [`BATCH_SIZE`], each file once, from the walk's
/// threads, in no particular order: nothing grows with the number of
/// files. Returns the paths that could not be searched: problems with the
/// given paths in argument order, then walk errors sorted by path. Once
/// `cancel` is set, no more paths are looked at and the walk stops.
pub(crate) fn discover_each(
    paths: &[PathBuf],
    resolver: &Resolver,
    cancel: &AtomicBool,
    found: &(dyn Fn(Vec<CheckTarget>) + Sync),
) -> Vec<RunError> {
    let force_exclude = resolver.root().force_exclude;
    let mut errors = Vec::new();
    let mut roots = Roots::default();
    let mut explicit_files = FxHashSet::default();
    let mut batch = Batch::new(found);
    for path in paths {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        if path.as_os_str().is_empty() {
            // Not the current directory: an empty argument is a mistake
            // (an unset variable, say), as on the command line.
            errors.push(RunError::MissingPath(PathBuf::new()));
            continue;
        }
        let path = without_current_dir_components(path);
        let is_directory = match fs::metadata(&path) {
            Ok(metadata) => metadata.is_dir(),
            // A dangling symbolic link exists; reading it reports WL002.
            Err(_) if fs::symlink_metadata(&path).is_ok() => false,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                errors.push(RunError::MissingPath(path));
                continue;
            }
            Err(error) => {
                errors.push(RunError::Walk {
                    path,
                    message: error.to_string(),
                });
                continue;
            }
        };
        let absolute = resolver.absolute(&path);
        if force_exclude && is_excluded_explicitly(resolver, &absolute) {
            continue;
        }
        if is_directory {
            roots.add(path, absolute);
        } else if !explicit_files.contains(&absolute) {
            if let Some(target) = explicit_file(resolver, path, &absolute) {
                batch.push(target);
            }
            explicit_files.insert(absolute);
        }
    }
    drop(batch);
    if !roots.given.is_empty() {
        let mut walk_errors = walk(&roots, &explicit_files, resolver, cancel, found);
        walk_errors.sort_by(|a, b| a.path().cmp(b.path()));
        errors.append(&mut walk_errors);
    }
    errors
}

/// The target for a file given explicitly (or as the name of standard
/// input); `None` when its configuration failed to load.
pub fn explicit_file(resolver: &Resolver, path: PathBuf, absolute: &Path) -> Option<CheckTarget> {
    let (directory, ignored_rules) = resolver.file(absolute)?;
    Some(CheckTarget {
        path,
        directory,
        ignored_rules,
    })
}

/// Whether `--force-exclude` drops a path given explicitly: it, or a
/// directory above it inside its project, is excluded. The settings of the
/// directory holding it decide. A path whose configuration failed to load
/// counts as excluded (the run reports that configuration instead).
pub(crate) fn is_excluded_explicitly(resolver: &Resolver, absolute: &Path) -> bool {
    let directory = absolute.parent().unwrap_or(absolute);
    resolver
        .directory(directory)
        .is_none_or(|info| info.settings.excludes_path_or_parent(absolute))
}

/// Found files on their way to the consumer, handed over [`BATCH_SIZE`] at
/// a time and the rest when dropped.
struct Batch<'a> {
    targets: Vec<CheckTarget>,
    found: &'a (dyn Fn(Vec<CheckTarget>) + Sync),
}

impl<'a> Batch<'a> {
    fn new(found: &'a (dyn Fn(Vec<CheckTarget>) + Sync)) -> Self {
        Batch {
            targets: Vec::new(),
            found,
        }
    }

    fn push(&mut self, target: CheckTarget) {
        self.targets.push(target);
        if self.targets.len() == BATCH_SIZE {
            (self.found)(std::mem::take(&mut self.targets));
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if !self.targets.is_empty() {
            (self.found)(std::mem::take(&mut self.targets));
        }
    }
}

/// The directories to walk, each once.
#[derive(Default)]
struct Roots {
    /// As given (without `.` components).
    given: Vec<PathBuf>,
    absolute: FxHashSet<PathBuf>,
}

impl Roots {
    fn add(&mut self, given: PathBuf, absolute: PathBuf) {
        if self.absolute.insert(absolute) {
            self.given.push(given);
        }
    }
}

/// Walks the roots in parallel, handing `found` the files their settings
/// include. A root inside another is walked from itself only; a file given
/// explicitly is not found again. Every walking thread quits at its next
/// entry once `cancel` is set. Returns the walk's errors.
fn walk(
    roots: &Roots,
    explicit_files: &FxHashSet<PathBuf>,
    resolver: &Resolver,
    cancel: &AtomicBool,
    found: &(dyn Fn(Vec<CheckTarget>) + Sync),
) -> Vec<RunError> {
    let respect_gitignore = resolver.root().respect_gitignore;
    let errors = Arc::new(Mutex::new(Vec::new()));
    let searchable: Vec<&PathBuf> = roots
        .given
        .iter()
        .filter(|root| {
            let problem = respect_gitignore
                .then(|| {
                    resolver
                        .absolute(root)
                        .ancestors()
                        .find_map(special_ignore_file)
                })
                .flatten();
            if let Some(problem) = &problem {
                lock(&errors).push(RunError::Walk {
                    path: (*root).clone(),
                    message: problem.clone(),
                });
            }
            problem.is_none()
        })
        .collect();
    let Some((first, others)) = searchable.split_first() else {
        return take(&errors);
    };
    let mut builder = WalkBuilder::new(first);
    for directory in others {
        builder.add(directory);
    }
    if respect_gitignore {
        let errors = Arc::clone(&errors);
        builder.filter_entry(move |entry| {
            if !entry.file_type().is_some_and(|kind| kind.is_dir()) {
                return true;
            }
            let Some(problem) = special_ignore_file(entry.path()) else {
                return true;
            };
            lock(&errors).push(RunError::Walk {
                path: without_current_dir_components(entry.path()),
                message: problem,
            });
            false
        });
    }
    builder
        .hidden(false)
        .follow_links(false)
        .git_ignore(respect_gitignore)
        .git_global(respect_gitignore)
        .git_exclude(respect_gitignore)
        .ignore(respect_gitignore)
        .parents(respect_gitignore);

    let walked_elsewhere = |absolute: &Path, is_directory: bool| {
        if is_directory {
            roots.absolute.len() > 1 && roots.absolute.contains(absolute)
        } else {
            !explicit_files.is_empty() && explicit_files.contains(absolute)
        }
    };
    builder.build_parallel().run(|| {
        // Each walking thread has its batch; dropped with the visitor when
        // the thread is done, it hands over the rest.
        let mut batch = Batch::new(found);
        let errors = &*errors;
        let walked_elsewhere = &walked_elsewhere;
        Box::new(move |result| {
            if cancel.load(Ordering::Relaxed) {
                return WalkState::Quit;
            }
            match result {
                Ok(entry) => match visit(&entry, resolver, walked_elsewhere) {
                    Visit::Found(target) => {
                        batch.push(target);
                        WalkState::Continue
                    }
                    Visit::Continue => WalkState::Continue,
                    Visit::Skip => WalkState::Skip,
                },
                Err(error) => {
                    lock(errors).push(walk_error(&error, &roots.given[0]));
                    WalkState::Continue
                }
            }
        })
    });
    take(&errors)
}

/// The ignore files a walk that respects `.gitignore` reads in each
/// directory it enters.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", ".git/info/exclude"];

/// Why `directory` cannot be searched safely: one of its ignore files is
/// not a regular file (reading a FIFO would block the walk forever, a
/// device might never end).
fn special_ignore_file(directory: &Path) -> Option<String> {
    IGNORE_FILES.iter().find_map(|name| {
        let path = directory.join(name);
        let metadata = fs::metadata(&path).ok()?;
        (!metadata.is_file()).then(|| {
            format!(
                "`{}` is {}, not a regular file, so the directory was not searched",
                crate::display::display_path(&path),
                kind_of(&metadata.file_type())
            )
        })
    })
}

fn lock(errors: &Mutex<Vec<RunError>>) -> std::sync::MutexGuard<'_, Vec<RunError>> {
    errors.lock().unwrap_or_else(PoisonError::into_inner)
}

fn take(errors: &Mutex<Vec<RunError>>) -> Vec<RunError> {
    std::mem::take(&mut *lock(errors))
}

/// What the walk does with one entry.
enum Visit {
    /// A file to check.
    Found(CheckTarget),
    /// Nothing to report here; go on (into it, for a directory).
    Continue,
    /// An excluded directory, one walked from its own root, or one whose
    /// configuration failed: do not enter it.
    Skip,
}

fn visit(
    entry: &DirEntry,
    resolver: &Resolver,
    walked_elsewhere: &dyn Fn(&Path, bool) -> bool,
) -> Visit {
    // The roots were given explicitly.
    if entry.depth() == 0 {
        return Visit::Continue;
    }
    let is_directory = entry.file_type().is_none_or(|kind| kind.is_dir());
    let absolute = resolver.absolute(entry.path());
    let Some(parent) = absolute.parent() else {
        return Visit::Continue;
    };
    // The settings of the directory holding an entry decide about it.
    let Some(directory) = resolver.directory(parent) else {
        return Visit::Skip;
    };
    let settings = &directory.settings;
    if settings.excludes(&absolute) || walked_elsewhere(&absolute, is_directory) {
        return Visit::Skip;
    }
    if is_directory || !settings.includes(&absolute) {
        return Visit::Continue;
    }
    let ignored_rules = settings.ignored_rules(&absolute);
    Visit::Found(CheckTarget {
        path: without_current_dir_components(entry.path()),
        directory,
        ignored_rules,
    })
}

/// `./pkg/./a.py` becomes `pkg/a.py`, so the same file given two ways is
/// checked once and printed the way people write paths. `.` stays `.`.
pub(crate) fn without_current_dir_components(path: &Path) -> PathBuf {
    let cleaned: PathBuf = path
        .components()
        .filter(|component| *component != Component::CurDir)
        .collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// Turns a walk error into a [`RunError`] naming the path that failed.
fn walk_error(error: &ignore::Error, fallback_path: &Path) -> RunError {
    let (path, message) = error_path_and_message(error);
    RunError::Walk {
        path: without_current_dir_components(path.unwrap_or(fallback_path)),
        message,
    }
}

fn error_path_and_message(error: &ignore::Error) -> (Option<&Path>, String) {
    match error {
        ignore::Error::WithPath { path, err } => (Some(path), error_path_and_message(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path_and_message(err)
        }
        ignore::Error::Loop { child, .. } => (Some(child), error.to_string()),
        other => (None, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolver::{ConfigSource, ResolverOptions};
    use crate::settings::Overrides;

    fn touch(root: &Path, relative: &str) {
        write(root, relative, "x = 1\n");
    }

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn resolver(root: &Path, source: ConfigSource, overrides: Overrides) -> Resolver {
        Resolver::new(ResolverOptions {
            source,
            overrides,
            current_dir: root.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap()
    }

    /// Discovery with the defaults and no configuration file.
    fn discover_plain(paths: &[PathBuf], root: &Path) -> Discovery {
        discover(
            paths,
            &resolver(root, ConfigSource::Isolated, Overrides::default()),
        )
    }

    /// The discovered files as `/`-separated paths relative to `root`.
    fn found(root: &Path, discovery: &Discovery) -> Vec<String> {
        discovery
            .files
            .iter()
            .map(|file| {
                let relative = file.path.strip_prefix(root).unwrap_or(&file.path);
                relative.to_string_lossy().replace('\\', "/")
            })
            .collect()
    }

    #[test]
    fn an_empty_path_is_missing_not_the_current_directory() {
        let temp = tempfile::tempdir().unwrap();
        touch(temp.path(), "a.py");
        let discovery = discover_plain(&[PathBuf::new()], temp.path());
        assert!(discovery.files.is_empty());
        assert_eq!(discovery.errors, [RunError::MissingPath(PathBuf::new())]);
        assert_eq!(
            discovery.errors[0].to_string(),
            "an empty path (`\"\"`) names no file"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_special_ignore_file_stops_the_walk_of_its_directory_not_the_run() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "a.py");
        touch(root, "sub/b.py");
        touch(root, "other/c.py");
        // Reading either would block forever: no one writes to them.
        crate::test_support::make_fifo(&root.join("sub/.gitignore"));
        std::os::unix::fs::symlink("/dev/zero", root.join("other/.ignore")).unwrap();
        let discovery = discover_plain(&[root.to_path_buf()], root);
        assert_eq!(found(root, &discovery), ["a.py"]);
        let messages: Vec<String> = discovery.errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("other/.ignore` is a character device"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("sub/.gitignore` is a FIFO"),
            "{messages:?}"
        );

        // A root (or a directory above it) with one is not walked at all.
        let discovery = discover_plain(&[root.join("sub")], root);
        assert!(discovery.files.is_empty());
        assert_eq!(discovery.errors.len(), 1);
        // Without `.gitignore` support nothing reads them.
        let ignoring = resolver(
            root,
            ConfigSource::Isolated,
            Overrides {
                respect_gitignore: Some(false),
                ..Overrides::default()
            },
        );
        let discovery = discover(&[root.to_path_buf()], &ignoring);
        assert_eq!(found(root, &discovery), ["a.py", "other/c.py", "sub/b.py"]);
    }

    #[test]
    fn finds_python_files_recursively_in_sorted_order() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        for file in [
            "b.py",
            "a/z.pyi",
            "a/c.py",
            "notes.txt",
            "script",
            ".hidden/h.py",
        ] {
            touch(root, file);
        }
        let discovery = discover_plain(&[root.to_path_buf()], root);
        assert_eq!(
            found(root, &discovery),
            [".hidden/h.py", "a/c.py", "a/z.pyi", "b.py"]
        );
        assert!(discovery.errors.is_empty());
    }

    #[test]
    fn skips_the_usual_directories() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        for directory in SKIPPED_DIRECTORIES {
            touch(root, &format!("{directory}/inside.py"));
            touch(root, &format!("pkg/{directory}/nested.py"));
        }
        touch(root, "pkg/kept.py");
        // Only exact names are skipped.
        touch(root, "pkg/builder/kept.py");
        let discovery = discover_plain(&[root.to_path_buf()], root);
        assert_eq!(
            found(root, &discovery),
            ["pkg/builder/kept.py", "pkg/kept.py"]
        );
    }

    #[test]
    fn a_skipped_directory_given_explicitly_is_walked() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "build/gen.py");
        let discovery = discover_plain(&[root.join("build")], root);
        assert_eq!(found(root, &discovery), ["build/gen.py"]);
    }

    #[test]
    fn respects_gitignore_inside_a_git_repository() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::create_dir(root.join(".git")).unwrap();
        fs::write(root.join(".gitignore"), "generated/\nsecret_*.py\n").unwrap();
        for file in [
            "generated/out.py",
            "secret_keys.py",
            "app.py",
            "sub/secret_x.py",
        ] {
            touch(root, file);
        }
        let discovery = discover_plain(&[root.to_path_buf()], root);
        assert_eq!(found(root, &discovery), ["app.py"]);

        let overrides = Overrides {
            respect_gitignore: Some(false),
            ..Overrides::default()
        };
        let resolver = resolver(root, ConfigSource::Isolated, overrides);
        let everything = discover(&[root.to_path_buf()], &resolver);
        assert_eq!(
            found(root, &everything),
            [
                "app.py",
                "generated/out.py",
                "secret_keys.py",
                "sub/secret_x.py"
            ]
        );
    }

    #[test]
    fn gitignore_of_a_parent_directory_applies_to_a_subdirectory_walk() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::create_dir(root.join(".git")).unwrap();
        fs::write(root.join(".gitignore"), "*_pb2.py\n").unwrap();
        touch(root, "pkg/api_pb2.py");
        touch(root, "pkg/api.py");
        let discovery = discover_plain(&[root.join("pkg")], root);
        assert_eq!(found(root, &discovery), ["pkg/api.py"]);
    }

    #[test]
    fn gitignore_outside_a_git_repository_is_not_honoured() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join(".gitignore"), "ignored.py\n").unwrap();
        touch(root, "ignored.py");
        let discovery = discover_plain(&[root.to_path_buf()], root);
        assert_eq!(found(root, &discovery), ["ignored.py"]);
    }

    #[test]
    fn an_explicit_file_is_checked_whatever_its_name_or_ignore_status() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::create_dir(root.join(".git")).unwrap();
        fs::write(root.join(".gitignore"), "ignored.py\n").unwrap();
        touch(root, "ignored.py");
        touch(root, "bin/tool");
        touch(root, ".venv/lib/site.py");
        let paths = [
            root.join("ignored.py"),
            root.join("bin/tool"),
            root.join(".venv/lib/site.py"),
        ];
        let discovery = discover_plain(&paths, root);
        assert_eq!(
            found(root, &discovery),
            [".venv/lib/site.py", "bin/tool", "ignored.py"]
        );
    }

    #[test]
    fn force_exclude_applies_exclusions_to_explicit_paths() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(
            root,
            "wirelint.toml",
            "extend-exclude = [\"generated\", \"*_pb2.py\"]\n",
        );
        for file in [
            ".venv/lib/site.py",
            "generated/out.py",
            "api_pb2.py",
            "app.py",
        ] {
            touch(root, file);
        }
        let paths: Vec<PathBuf> = [
            ".venv/lib/site.py",
            "generated",
            "generated/out.py",
            "api_pb2.py",
            "app.py",
        ]
        .iter()
        .map(|relative| root.join(relative))
        .collect();
        let plain = discover(
            &paths,
            &resolver(root, ConfigSource::Discover, Overrides::default()),
        );
        assert_eq!(
            found(root, &plain),
            [
                ".venv/lib/site.py",
                "api_pb2.py",
                "app.py",
                "generated/out.py"
            ]
        );
        let overrides = Overrides {
            force_exclude: Some(true),
            ..Overrides::default()
        };
        let forced = discover(&paths, &resolver(root, ConfigSource::Discover, overrides));
        assert_eq!(found(root, &forced), ["app.py"]);
        // The project root itself is never excluded by its name.
        let build = root.join("build");
        touch(&build, "x.py");
        let overrides = Overrides {
            force_exclude: Some(true),
            ..Overrides::default()
        };
        let resolver = resolver(&build, ConfigSource::Isolated, overrides);
        assert_eq!(
            found(&build, &discover(std::slice::from_ref(&build), &resolver)),
            ["x.py"]
        );
    }

    #[test]
    fn the_configuration_of_each_directory_decides_what_is_walked() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(
            root,
            "pyproject.toml",
            "[tool.wirelint]\nextend-exclude = [\"legacy\"]\n",
        );
        write(
            root,
            "sub/.wirelint.toml",
            "include = [\"*.py\", \"*.pyw\"]\nexclude = [\"skipme.py\"]\n",
        );
        for file in [
            "a.py",
            "legacy/old.py",
            "skipme.py",
            "sub/b.pyw",
            "sub/skipme.py",
            "sub/legacy/kept.py",
            "sub/.venv/now_kept.py",
        ] {
            touch(root, file);
        }
        let resolver = resolver(root, ConfigSource::Discover, Overrides::default());
        let discovery = discover(&[root.to_path_buf()], &resolver);
        assert_eq!(
            found(root, &discovery),
            [
                "a.py",
                "skipme.py",
                "sub/.venv/now_kept.py",
                "sub/b.pyw",
                "sub/legacy/kept.py"
            ]
        );
        let config_of = |index: usize| {
            let settings = &discovery.files[index].directory.settings;
            settings.config_path.clone().unwrap()
        };
        assert_eq!(config_of(0), root.join("pyproject.toml"));
        assert_eq!(config_of(2), root.join("sub/.wirelint.toml"));
    }

    #[test]
    fn a_broken_configuration_skips_what_it_governs() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(root, "bad/wirelint.toml", "select = [\"WL2011\"]\n");
        touch(root, "bad/x.py");
        touch(root, "good/y.py");
        let resolver = resolver(root, ConfigSource::Discover, Overrides::default());
        let discovery = discover(&[root.to_path_buf()], &resolver);
        assert_eq!(found(root, &discovery), ["good/y.py"]);
        let errors = resolver.errors();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("did you mean `WL201`"));
    }

    #[test]
    fn per_file_ignores_and_packages_travel_with_each_file() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(
            root,
            "wirelint.toml",
            "[per-file-ignores]\n\"tests/**\" = [\"WL203\"]\n",
        );
        touch(root, "tests/test_a.py");
        touch(root, "acme/__init__.py");
        touch(root, "acme/client.py");
        let resolver = resolver(root, ConfigSource::Discover, Overrides::default());
        let discovery = discover(&[root.to_path_buf()], &resolver);
        assert_eq!(
            found(root, &discovery),
            ["acme/__init__.py", "acme/client.py", "tests/test_a.py"]
        );
        let client = &discovery.files[1];
        assert_eq!(client.directory.package.as_deref(), Some("acme"));
        assert!(client.ignored_rules.is_empty());
        let test = &discovery.files[2];
        assert_eq!(test.directory.package, None);
        assert!(
            test.ignored_rules
                .contains(wirelint_linter::Rule::MissingTimeout)
        );
    }

    #[test]
    fn a_missing_path_is_reported_and_the_others_are_still_found() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "present.py");
        let missing = root.join("absent");
        let discovery = discover_plain(&[missing.clone(), root.to_path_buf()], root);
        assert_eq!(found(root, &discovery), ["present.py"]);
        assert_eq!(discovery.errors, [RunError::MissingPath(missing)]);
    }

    #[test]
    fn the_same_file_given_twice_is_found_once() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "a.py");
        let dotted = root.join(".").join("a.py");
        let discovery = discover_plain(&[root.to_path_buf(), dotted, root.join("a.py")], root);
        assert_eq!(found(root, &discovery), ["a.py"]);
    }

    #[test]
    fn nested_roots_and_explicit_files_are_found_once() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "a.py");
        touch(root, "sub/b.py");
        touch(root, ".venv/c.py");
        let paths = [
            root.to_path_buf(),
            root.join("sub"),
            root.join(".venv"),
            root.join("a.py"),
            root.join("sub/./b.py"),
            root.join("sub/../sub"),
        ];
        let discovery = discover_plain(&paths, root);
        // `.venv` is skipped below the root but walked as a root of its own.
        assert_eq!(found(root, &discovery), [".venv/c.py", "a.py", "sub/b.py"]);
        let reported = std::sync::atomic::AtomicUsize::new(0);
        let resolver = resolver(root, ConfigSource::Isolated, Overrides::default());
        let errors = discover_each(&paths, &resolver, &AtomicBool::new(false), &|batch| {
            reported.fetch_add(batch.len(), Ordering::Relaxed);
        });
        assert!(errors.is_empty());
        assert_eq!(reported.into_inner(), 3);
    }

    #[test]
    fn a_cancelled_walk_stops_early() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        let count = BATCH_SIZE * 40;
        for index in 0..count {
            touch(root, &format!("d{}/m{index}.py", index % 13));
        }
        let resolver = resolver(root, ConfigSource::Isolated, Overrides::default());
        let cancel = AtomicBool::new(false);
        let reported = std::sync::atomic::AtomicUsize::new(0);
        discover_each(&[root.to_path_buf()], &resolver, &cancel, &|batch| {
            reported.fetch_add(batch.len(), Ordering::Relaxed);
            cancel.store(true, Ordering::Relaxed);
        });
        // Each walking thread hands over at most the batch it had started.
        let reported = reported.into_inner();
        assert!(
            (1..count / 2).contains(&reported),
            "{reported} of {count} files found"
        );

        let cancelled = discover_cancellable(&[root.to_path_buf()], &resolver, &cancel);
        assert!(cancelled.files.is_empty());
        assert_eq!(
            discover(&[root.to_path_buf()], &resolver).files.len(),
            count
        );
    }

    #[test]
    fn current_dir_components_are_dropped() {
        assert_eq!(
            without_current_dir_components(Path::new("./a/./b.py")),
            Path::new("a/b.py")
        );
        assert_eq!(
            without_current_dir_components(Path::new(".")),
            Path::new(".")
        );
        assert_eq!(
            without_current_dir_components(Path::new("../x.py")),
            Path::new("../x.py")
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_named_py_are_listed_but_directories_are_not_followed() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "real/inner.py");
        std::os::unix::fs::symlink(root.join("real"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere.py"), root.join("dangling.py")).unwrap();
        let discovery = discover_plain(&[root.to_path_buf()], root);
        assert_eq!(found(root, &discovery), ["dangling.py", "real/inner.py"]);
    }
}
