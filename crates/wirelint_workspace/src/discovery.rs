//! File discovery: turns the paths a user gave into the sorted list of files
//! to check.
//!
//! - A path naming a file is checked whatever its extension, even when it is
//!   git-ignored or sits in a skipped directory: the user asked for it.
//! - A directory is walked recursively for `*.py` and `*.pyi` files. The
//!   directories in [`SKIPPED_DIRECTORIES`] are never entered (unless given
//!   as a path themselves), hidden files are not skipped for being hidden,
//!   and symbolic links are listed but not followed into directories.
//! - With `respect_gitignore`, the walk honours `.gitignore` files the way
//!   git does: only inside a git repository (a directory with `.git` at or
//!   above it), including `.gitignore` files of parent directories up to the
//!   repository root. `.git/info/exclude`, git's global excludes file and
//!   `.ignore` files (the latter also outside repositories) are honoured too.
//! - A path that does not exist is reported and the other paths are still
//!   walked.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;

use ignore::{WalkBuilder, WalkState};

use crate::RunError;

/// Directory names a walk never enters: version control, virtual
/// environments, caches and build output.
pub const SKIPPED_DIRECTORIES: &[&str] = &[
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

/// Extensions of the files a walk picks up.
const PYTHON_EXTENSIONS: &[&str] = &["py", "pyi"];

/// What discovery found: files sorted by path without duplicates, and the
/// paths it could not search.
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    pub files: Vec<PathBuf>,
    pub errors: Vec<RunError>,
}

/// Finds the files to check under `paths`.
pub fn discover(paths: &[PathBuf], respect_gitignore: bool) -> Discovery {
    let mut discovery = Discovery::default();
    let mut directories = Vec::new();
    for path in paths {
        let path = without_current_dir_components(path);
        match fs::metadata(&path) {
            Ok(metadata) if metadata.is_dir() => directories.push(path),
            Ok(_) => discovery.files.push(path),
            // A dangling symbolic link exists; reading it reports WL002.
            Err(_) if fs::symlink_metadata(&path).is_ok() => discovery.files.push(path),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                discovery.errors.push(RunError::MissingPath(path));
            }
            Err(error) => discovery.errors.push(RunError::Walk {
                path,
                message: error.to_string(),
            }),
        }
    }
    if !directories.is_empty() {
        walk(&directories, respect_gitignore, &mut discovery);
    }
    discovery.files.sort();
    discovery.files.dedup();
    discovery
}

/// Walks `directories` in parallel, adding Python files and walk errors.
fn walk(directories: &[PathBuf], respect_gitignore: bool, discovery: &mut Discovery) {
    let mut builder = WalkBuilder::new(&directories[0]);
    for directory in &directories[1..] {
        builder.add(directory);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .git_ignore(respect_gitignore)
        .git_global(respect_gitignore)
        .git_exclude(respect_gitignore)
        .ignore(respect_gitignore)
        .parents(respect_gitignore)
        .filter_entry(|entry| {
            let skipped = entry.depth() > 0
                && entry.file_type().is_some_and(|kind| kind.is_dir())
                && is_skipped_directory(entry.file_name());
            !skipped
        });

    let (sender, receiver) = mpsc::channel::<Result<PathBuf, RunError>>();
    builder.build_parallel().run(|| {
        let sender = sender.clone();
        Box::new(move |result| {
            let found = match result {
                Ok(entry) => {
                    let is_directory = entry.file_type().is_none_or(|kind| kind.is_dir());
                    if is_directory || !has_python_extension(entry.path()) {
                        return WalkState::Continue;
                    }
                    Ok(without_current_dir_components(entry.path()))
                }
                Err(error) => Err(walk_error(&error, &directories[0])),
            };
            match sender.send(found) {
                Ok(()) => WalkState::Continue,
                Err(_) => WalkState::Quit,
            }
        })
    });
    drop(sender);

    let mut errors = Vec::new();
    for found in receiver {
        match found {
            Ok(path) => discovery.files.push(path),
            Err(error) => errors.push(error),
        }
    }
    errors.sort_by(|a, b| a.path().cmp(b.path()));
    discovery.errors.append(&mut errors);
}

fn is_skipped_directory(name: &OsStr) -> bool {
    SKIPPED_DIRECTORIES.iter().any(|skipped| name == *skipped)
}

fn has_python_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| PYTHON_EXTENSIONS.iter().any(|python| extension == *python))
}

/// `./pkg/./a.py` becomes `pkg/a.py`, so the same file given two ways is
/// checked once and printed the way people write paths. `.` stays `.`.
fn without_current_dir_components(path: &Path) -> PathBuf {
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

    fn touch(root: &Path, relative: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x = 1\n").unwrap();
    }

    /// The discovered files as `/`-separated paths relative to `root`.
    fn found(root: &Path, discovery: &Discovery) -> Vec<String> {
        discovery
            .files
            .iter()
            .map(|file| {
                let relative = file.strip_prefix(root).unwrap();
                relative.to_string_lossy().replace('\\', "/")
            })
            .collect()
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
        let discovery = discover(&[root.to_path_buf()], true);
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
        let discovery = discover(&[root.to_path_buf()], true);
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
        let discovery = discover(&[root.join("build")], true);
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
        let discovery = discover(&[root.to_path_buf()], true);
        assert_eq!(found(root, &discovery), ["app.py"]);

        let everything = discover(&[root.to_path_buf()], false);
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
        let discovery = discover(&[root.join("pkg")], true);
        assert_eq!(found(root, &discovery), ["pkg/api.py"]);
    }

    #[test]
    fn gitignore_outside_a_git_repository_is_not_honoured() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join(".gitignore"), "ignored.py\n").unwrap();
        touch(root, "ignored.py");
        let discovery = discover(&[root.to_path_buf()], true);
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
        let discovery = discover(&paths, true);
        assert_eq!(
            found(root, &discovery),
            [".venv/lib/site.py", "bin/tool", "ignored.py"]
        );
    }

    #[test]
    fn a_missing_path_is_reported_and_the_others_are_still_found() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "present.py");
        let missing = root.join("absent");
        let discovery = discover(&[missing.clone(), root.to_path_buf()], true);
        assert_eq!(found(root, &discovery), ["present.py"]);
        assert_eq!(discovery.errors, [RunError::MissingPath(missing)]);
    }

    #[test]
    fn the_same_file_given_twice_is_found_once() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        touch(root, "a.py");
        let dotted = root.join(".").join("a.py");
        let discovery = discover(&[root.to_path_buf(), dotted, root.join("a.py")], true);
        assert_eq!(found(root, &discovery), ["a.py"]);
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
        let discovery = discover(&[root.to_path_buf()], true);
        assert_eq!(found(root, &discovery), ["dangling.py", "real/inner.py"]);
    }
}
