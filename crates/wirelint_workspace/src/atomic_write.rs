//! Rewriting source files safely: the new content goes to a temporary file
//! beside the original and is renamed over it, so a reader (or a crash)
//! sees either the old file or the new one, never half of each; and a file
//! that changed since it was read is left alone. Cache entries use the same
//! replacement without waiting for the disk.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What [`rewrite_if_unchanged`] did.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rewrite {
    /// The file held the expected content and now holds the new one.
    Written,
    /// The file's content differs from what was read earlier: nothing was
    /// written.
    ChangedOnDisk,
}

/// Replaces the content of `path` with `updated`, but only if it still is
/// `original` (what the caller read and worked from). The check happens
/// right before the atomic replacement; only a write in the moment between
/// the two can slip through.
pub fn rewrite_if_unchanged(path: &Path, original: &[u8], updated: &[u8]) -> io::Result<Rewrite> {
    if fs::read(path)? != original {
        return Ok(Rewrite::ChangedOnDisk);
    }
    write_atomic(path, updated)?;
    Ok(Rewrite::Written)
}

/// Writes `contents` to `path` atomically: to a new temporary file in the
/// same directory, flushed to disk, given the original file's permissions,
/// then renamed over `path`. A symbolic link is followed, so the link stays
/// and its target is replaced.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(error) if error.kind() == io::ErrorKind::NotFound => path.to_path_buf(),
        Err(error) => return Err(error),
    };
    let permissions = match fs::metadata(&target) {
        Ok(metadata) => Some(metadata.permissions()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    replace_through_temp(&target, contents, Durability::Synced, permissions)
}

/// Writes `contents` to `path` atomically like [`write_atomic`], but
/// without flushing to disk, following links or keeping permissions: for
/// files the process owns and can rebuild, such as cache entries, where a
/// crash may lose the new content (the reader must detect that) but a
/// reader never sees half of it.
pub fn write_atomic_unsynced(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace_through_temp(path, contents, Durability::Unsynced, None)
}

/// Whether a replacement waits for the data to reach the disk.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Durability {
    Synced,
    Unsynced,
}

fn replace_through_temp(
    target: &Path,
    contents: &[u8],
    durability: Durability,
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    let (temp_path, mut temp_file) = create_temp_beside(target)?;
    let written = (|| {
        temp_file.write_all(contents)?;
        if durability == Durability::Synced {
            temp_file.sync_all()?;
        }
        if let Some(permissions) = permissions {
            fs::set_permissions(&temp_path, permissions)?;
        }
        drop(temp_file);
        fs::rename(&temp_path, target)
    })();
    if written.is_err() {
        // The temporary file is ours; failing to remove it changes nothing
        // about the error the caller needs to see.
        let _ = fs::remove_file(&temp_path);
    }
    written
}

/// Creates a new, empty file next to `target` with a name no other process
/// or thread is using.
fn create_temp_beside(target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy());
    let mut attempts = 0;
    loop {
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp_path = directory.join(format!(
            ".{name}.wirelint-{}-{unique}.tmp",
            std::process::id()
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp_path)
        {
            Ok(file) => return Ok((temp_path, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => {
                attempts += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(directory: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(directory)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_content_and_leaves_no_temporary_file() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("a.py");
        fs::write(&path, "old\n").unwrap();
        write_atomic(&path, b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(entries(temp.path()), ["a.py"]);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("a.py");
        fs::write(&path, "edited by someone else\n").unwrap();
        let outcome = rewrite_if_unchanged(&path, b"what we read\n", b"ours\n").unwrap();
        assert_eq!(outcome, Rewrite::ChangedOnDisk);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "edited by someone else\n"
        );
        let outcome = rewrite_if_unchanged(&path, b"edited by someone else\n", b"ours\n").unwrap();
        assert_eq!(outcome, Rewrite::Written);
        assert_eq!(fs::read_to_string(&path).unwrap(), "ours\n");
    }

    #[test]
    fn a_deleted_file_is_an_error_not_a_new_file() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("gone.py");
        let error = rewrite_if_unchanged(&path, b"x", b"y").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(entries(temp.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symbolic_links() {
        use std::os::unix::fs::{PermissionsExt, symlink};

        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("real.py");
        fs::write(&target, "old\n").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o754)).unwrap();
        let link = temp.path().join("link.py");
        symlink(&target, &link).unwrap();

        write_atomic(&link, b"new\n").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        let mode = fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o754);
        assert_eq!(entries(temp.path()), ["link.py", "real.py"]);
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file() {
        // Renaming a file over a non-empty directory fails, even for root.
        let temp = tempfile::tempdir().unwrap();
        let directory = temp.path().join("package.py");
        fs::create_dir(&directory).unwrap();
        fs::write(directory.join("inner.py"), "x = 1\n").unwrap();
        assert!(write_atomic(&directory, b"new\n").is_err());
        assert!(directory.is_dir());
        assert_eq!(entries(temp.path()), ["package.py"]);
        assert_eq!(entries(&directory), ["inner.py"]);
    }
}
