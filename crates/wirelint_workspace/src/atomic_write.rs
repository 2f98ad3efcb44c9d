//! Rewriting source files without losing anyone's edit. The new content is
//! prepared in full first, in a temporary file beside the original that
//! already has the original's owner, group and mode and is flushed to disk.
//! Only then is the file checked once more (the same inode, size, times,
//! mode and owner as when it was read, and the same bytes) and swapped with
//! the temporary file in one step, so a reader sees the old file or the new
//! one, never half of each. After the swap the old file is looked at once
//! more: if someone wrote to it in the moment before the swap, the swap is
//! undone and their version stays. A file is left alone whenever there is
//! doubt: it changed, it is read-only, it has other hard links, or its
//! owner could not be kept.
//!
//! On Linux the swap is `renameat2(RENAME_EXCHANGE)`. Where a file system
//! lacks it, the temporary file is renamed over the original and a write
//! that reached the old file in between is copied back; only a replacement
//! of the whole file (another program's own rename) in the microseconds
//! between the last check and the rename can then be lost.
//!
//! Temporary files are named `.NAME.wirelint-PID-N.tmp` (NAME cut to 32
//! bytes, so any file name fits) and created readable by their owner only.
//! One left behind by a killed run is removed by a later run that writes in
//! the same directory, once the process that made it has exited (and it is
//! a minute old) or it is a day old.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashSet;

use crate::regular_file::FileStamp;

/// What [`rewrite_if_unchanged`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rewrite {
    /// The file held the expected content and now holds the new one.
    Written,
    /// The file changed since it was read (or while it was being
    /// rewritten): it holds the other writer's version, untouched.
    ChangedOnDisk,
    /// The file was left alone on purpose, for this reason.
    Refused(Refusal),
}

/// Why a file was not rewritten although it had not changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No one may write it (`chmod a-w`).
    ReadOnly { mode: u32 },
    /// Its permissions do not let this user write it.
    NotWritable,
    /// It has other names; a new file would separate them.
    HardLinks { links: u64 },
    /// The new file could not be given the original's owner and group.
    Owner { owner: u32, group: u32 },
    /// It is not a regular file (any more).
    NotRegular(&'static str),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::ReadOnly { mode } => write!(f, "it is read-only (mode {:04o})", mode & 0o7777),
            Refusal::NotWritable => write!(f, "its permissions do not let you write it"),
            Refusal::HardLinks { links } => write!(
                f,
                "it has {links} hard links, and rewriting it would separate them"
            ),
            Refusal::Owner { owner, group } => write!(
                f,
                "it belongs to user {owner} and group {group}, and a rewritten file \
                 could not keep that owner"
            ),
            Refusal::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
        }
    }
}

/// What the caller read and worked from.
#[derive(Copy, Clone, Debug)]
pub struct Expected<'a> {
    /// The bytes read.
    pub content: &'a [u8],
    /// The file's stamp when it was read; `None` when unknown (the file's
    /// state at the first check is taken instead).
    pub stamp: Option<FileStamp>,
}

/// Replaces the content of the file at `path` (a symbolic link is
/// followed, and stays a link) with `updated`, but only if it still is
/// what `expected` describes; see the module documentation for how.
/// A file that does not exist (any more) is an error.
pub fn rewrite_if_unchanged(
    path: &Path,
    expected: Expected<'_>,
    updated: &[u8],
) -> io::Result<Rewrite> {
    let target = fs::canonicalize(path)?;
    let (directory, name) = split(&target)?;
    platform::rewrite(directory, name, expected, updated)
}

/// The directory a path is in (`.` for a bare name) and its name.
fn split(path: &Path) -> io::Result<(&Path, &OsStr)> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` does not name a file", path.display()),
        )
    })?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Ok((directory, name))
}

/// The name of a new temporary file for `target_name`:
/// `.NAME.wirelint-PID-N.tmp`, NAME cut to [`TEMP_NAME_PREFIX_BYTES`].
pub(crate) fn temp_name(target_name: &OsStr) -> OsString {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = target_name.to_string_lossy();
    let mut cut = name.len().min(TEMP_NAME_PREFIX_BYTES);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        ".{}{TEMP_MARKER}{}-{unique}{TEMP_SUFFIX}",
        &name[..cut],
        std::process::id()
    )
    .into()
}

/// How much of a file's name its temporary files repeat.
const TEMP_NAME_PREFIX_BYTES: usize = 32;
const TEMP_MARKER: &str = ".wirelint-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file older than this whose process has exited is stale.
const STALE_AFTER_EXIT: Duration = Duration::from_secs(60);
/// A temporary file older than this is stale whatever its process id says
/// (process ids are reused).
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// The process id in the name of one of wirelint's temporary files.
fn temp_file_pid(name: &OsStr) -> Option<u32> {
    let name = name.to_str()?;
    let rest = name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let (_, numbers) = rest.rsplit_once(TEMP_MARKER)?;
    let (pid, unique) = numbers.split_once('-')?;
    let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(unique) {
        return None;
    }
    all_digits(pid).then(|| pid.parse().ok()).flatten()
}

/// Whether a temporary file of process `pid`, last modified at `modified`,
/// was left behind: no run is still writing it.
fn is_stale(pid: u32, modified: SystemTime, now: SystemTime) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let age = now.duration_since(modified).unwrap_or_default();
    age >= STALE_AFTER || (age >= STALE_AFTER_EXIT && !platform::process_exists(pid))
}

/// Removes stale temporary files of wirelint from each directory it is
/// given, once per directory: a run hands it every directory it writes in.
#[derive(Debug, Default)]
pub(crate) struct StaleTempSweeper {
    swept: Mutex<FxHashSet<PathBuf>>,
}

impl StaleTempSweeper {
    /// Sweeps `directory` unless it was swept already. Failures are
    /// ignored: a leftover costs disk space, nothing else.
    pub(crate) fn sweep_once(&self, directory: &Path) {
        let first_time = self
            .swept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(directory.to_path_buf());
        if first_time {
            let _ = remove_stale_temp_files(directory);
        }
    }
}

/// Removes wirelint's stale temporary files (see the module documentation) from
/// `directory`, never following a symbolic link; returns how many.
pub(crate) fn remove_stale_temp_files(directory: &Path) -> io::Result<usize> {
    platform::remove_stale_temp_files(directory)
}

/// The moments of a rewrite a test can act in, as another writer would.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) enum Moment {
    /// The temporary file is written and flushed; the last check is next.
    Prepared,
    /// The last check passed; the swap is next.
    BeforeSwap,
    /// The files were swapped; the old one is checked next.
    AfterSwap,
}

/// Test-only: what a test does at a [`Moment`].
#[cfg(test)]
type MomentAction = Box<dyn FnMut(Moment)>;

#[cfg(test)]
thread_local! {
    static AT_MOMENT: std::cell::RefCell<Option<MomentAction>> =
        const { std::cell::RefCell::new(None) };
}

/// Test-only: runs `action` at each [`Moment`] of the rewrites this
/// thread does inside `work`.
#[cfg(test)]
pub(crate) fn with_moments<T>(action: impl FnMut(Moment) + 'static, work: impl FnOnce() -> T) -> T {
    AT_MOMENT.with(|cell| *cell.borrow_mut() = Some(Box::new(action)));
    let result = work();
    AT_MOMENT.with(|cell| *cell.borrow_mut() = None);
    result
}

#[cfg(test)]
thread_local! {
    /// Test-only: swap by renaming over the file, as where the file system
    /// has no exchange.
    static WITHOUT_EXCHANGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn reach(moment: Moment) {
    AT_MOMENT.with(|cell| {
        if let Some(action) = cell.borrow_mut().as_mut() {
            action(moment);
        }
    });
}

#[cfg(not(test))]
#[inline]
fn reach(_: Moment) {}

#[cfg(unix)]
mod platform {
    use std::ffi::OsStr;
    use std::fs::File;
    use std::io::{self, Read, Write};
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::FileExt;
    use std::path::Path;
    use std::time::SystemTime;

    use rustix::fs::{Access, AtFlags, Mode, OFlags, RenameFlags};
    use rustix::io::Errno;

    use super::{Expected, Moment, Refusal, Rewrite, is_stale, reach, temp_file_pid, temp_name};
    use crate::regular_file::{FileStamp, kind_of};

    pub(super) fn rewrite(
        directory: &Path,
        name: &OsStr,
        expected: Expected<'_>,
        updated: &[u8],
    ) -> io::Result<Rewrite> {
        let directory = open_directory(directory)?;
        let current = match rustix::fs::openat(
            &directory,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => File::from(fd),
            // It became a symbolic link since it was resolved.
            Err(Errno::LOOP) => return Ok(Rewrite::ChangedOnDisk),
            Err(error) => return Err(error.into()),
        };
        let metadata = current.metadata()?;
        if !metadata.is_file() {
            return Ok(Rewrite::Refused(Refusal::NotRegular(kind_of(
                &metadata.file_type(),
            ))));
        }
        let stamp = expected.stamp.unwrap_or_else(|| FileStamp::of(&metadata));
        if FileStamp::of(&metadata) != stamp || !holds(&current, expected.content)? {
            return Ok(Rewrite::ChangedOnDisk);
        }
        if let Some(refusal) = refusal(directory.as_fd(), name, &stamp)? {
            return Ok(Rewrite::Refused(refusal));
        }

        let mut temp = Temp::create(directory.as_fd(), name, 0o600)?;
        match temp.take_over(&stamp) {
            Ok(()) => {}
            Err(Errno::PERM) => {
                return Ok(Rewrite::Refused(Refusal::Owner {
                    owner: stamp.owner,
                    group: stamp.group,
                }));
            }
            Err(error) => return Err(error.into()),
        }
        temp.file.write_all(updated)?;
        temp.file.sync_all()?;
        reach(Moment::Prepared);

        // The last look before the swap: the same file, in the same state,
        // with the same bytes (a write in the same clock tick as the read
        // keeps the times), and still in the same state after reading them.
        let unchanged = same_file_at(directory.as_fd(), name, &current)?
            && FileStamp::of(&current.metadata()?) == stamp
            && holds(&current, expected.content)?
            && FileStamp::of(&current.metadata()?) == stamp;
        if !unchanged {
            return Ok(Rewrite::ChangedOnDisk);
        }
        reach(Moment::BeforeSwap);
        match exchange(directory.as_fd(), &temp.name, name) {
            Ok(()) => finish_exchange(directory.as_fd(), name, temp, &current, &stamp, expected),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
                finish_rename(directory.as_fd(), name, temp, &current, &stamp, expected)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Swaps two names in `directory` in one step.
    fn exchange(directory: BorrowedFd<'_>, first: &OsStr, second: &OsStr) -> Result<(), Errno> {
        #[cfg(test)]
        if super::WITHOUT_EXCHANGE.get() {
            return Err(Errno::INVAL);
        }
        rustix::fs::renameat_with(directory, first, directory, second, RenameFlags::EXCHANGE)
    }

    /// After the swap, the temporary name holds the old file. If it is
    /// not the file that was checked, or was written to in the meantime,
    /// the swap is undone.
    fn finish_exchange(
        directory: BorrowedFd<'_>,
        name: &OsStr,
        temp: Temp<'_>,
        current: &File,
        stamp: &FileStamp,
        expected: Expected<'_>,
    ) -> io::Result<Rewrite> {
        reach(Moment::AfterSwap);
        // A rename changes the status time, never the size or contents.
        let old_unchanged = same_file_at(directory, &temp.name, current)?
            && same_contents_state(&FileStamp::of(&current.metadata()?), stamp)
            && holds(current, expected.content)?;
        if old_unchanged {
            // `temp` now names the old file; dropping it removes it.
            drop(temp);
            rustix::fs::fsync(directory)?;
            return Ok(Rewrite::Written);
        }
        // Someone wrote in the moment before the swap: their version goes
        // back in place, unless the name meanwhile holds yet another file.
        if same_file_at(directory, name, &temp.file)? {
            exchange(directory, &temp.name, name)?;
        }
        drop(temp);
        rustix::fs::fsync(directory)?;
        Ok(Rewrite::ChangedOnDisk)
    }

    /// Without an exchange: the new file replaced the old one. A write to
    /// the old file since the last check is copied back over it.
    fn finish_rename(
        directory: BorrowedFd<'_>,
        name: &OsStr,
        mut temp: Temp<'_>,
        current: &File,
        stamp: &FileStamp,
        expected: Expected<'_>,
    ) -> io::Result<Rewrite> {
        rustix::fs::renameat(directory, &temp.name, directory, name)?;
        temp.renamed();
        reach(Moment::AfterSwap);
        let old_unchanged = same_contents_state(&FileStamp::of(&current.metadata()?), stamp)
            && holds(current, expected.content)?;
        if old_unchanged {
            rustix::fs::fsync(directory)?;
            return Ok(Rewrite::Written);
        }
        let mut theirs = Vec::new();
        (&*current).read_to_end(&mut theirs)?;
        let mut restore = Temp::create(directory, name, 0o600)?;
        // Best effort: the owner is ours to restore only as root.
        let _ = restore.take_over(stamp);
        restore.file.write_all(&theirs)?;
        restore.file.sync_all()?;
        if same_file_at(directory, name, &temp.file)? {
            rustix::fs::renameat(directory, &restore.name, directory, name)?;
            restore.renamed();
        }
        rustix::fs::fsync(directory)?;
        Ok(Rewrite::ChangedOnDisk)
    }

    /// Whether the file was left alone on purpose, and why.
    fn refusal(
        directory: BorrowedFd<'_>,
        name: &OsStr,
        stamp: &FileStamp,
    ) -> io::Result<Option<Refusal>> {
        if stamp.links > 1 {
            return Ok(Some(Refusal::HardLinks { links: stamp.links }));
        }
        if stamp.mode & 0o222 == 0 {
            return Ok(Some(Refusal::ReadOnly { mode: stamp.mode }));
        }
        match rustix::fs::accessat(directory, name, Access::WRITE_OK, AtFlags::empty()) {
            Ok(()) => Ok(None),
            Err(Errno::ACCESS | Errno::PERM) => Ok(Some(Refusal::NotWritable)),
            Err(error) => Err(error.into()),
        }
    }

    /// Whether the size and modification time are those of `stamp`.
    fn same_contents_state(now: &FileStamp, stamp: &FileStamp) -> bool {
        (now.inode, now.size, now.modified) == (stamp.inode, stamp.size, stamp.modified)
    }

    /// Whether `file` holds exactly `content`, read from its start.
    fn holds(file: &File, content: &[u8]) -> io::Result<bool> {
        let mut buffer = vec![0; content.len() + 1];
        let mut filled = 0;
        loop {
            match file.read_at(&mut buffer[filled..], filled as u64) {
                Ok(0) => break,
                Ok(read) => {
                    filled += read;
                    if filled == buffer.len() {
                        break;
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        Ok(filled == content.len() && buffer[..filled] == *content)
    }

    /// Whether `name` in `directory` is (still) the file `file` has open.
    fn same_file_at(directory: BorrowedFd<'_>, name: &OsStr, file: &File) -> io::Result<bool> {
        let open = rustix::fs::fstat(file)?;
        match rustix::fs::statat(directory, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(named) => Ok((named.st_dev, named.st_ino) == (open.st_dev, open.st_ino)),
            Err(Errno::NOENT) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    fn open_directory(directory: &Path) -> io::Result<OwnedFd> {
        Ok(rustix::fs::open(
            directory,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?)
    }

    /// A temporary file in a directory, removed when dropped unless it was
    /// renamed away.
    pub(crate) struct Temp<'d> {
        directory: BorrowedFd<'d>,
        pub(crate) name: std::ffi::OsString,
        pub(crate) file: File,
        present: bool,
    }

    impl<'d> Temp<'d> {
        /// Creates a new temporary file for `target_name` in `directory`
        /// with `mode` (less the umask), never following a link.
        pub(crate) fn create(
            directory: BorrowedFd<'d>,
            target_name: &OsStr,
            mode: u32,
        ) -> io::Result<Temp<'d>> {
            let mut attempts = 0;
            loop {
                let name = temp_name(target_name);
                match rustix::fs::openat(
                    directory,
                    &name,
                    OFlags::WRONLY
                        | OFlags::CREATE
                        | OFlags::EXCL
                        | OFlags::NOFOLLOW
                        | OFlags::CLOEXEC,
                    Mode::from_raw_mode(mode),
                ) {
                    Ok(fd) => {
                        return Ok(Temp {
                            directory,
                            name,
                            file: File::from(fd),
                            present: true,
                        });
                    }
                    Err(Errno::EXIST) if attempts < 100 => attempts += 1,
                    Err(error) => return Err(error.into()),
                }
            }
        }

        /// Gives the file the owner, group and mode of `stamp` (the owner
        /// first: a change of owner clears set-id bits).
        pub(crate) fn take_over(&mut self, stamp: &FileStamp) -> Result<(), Errno> {
            let own = rustix::fs::fstat(&self.file)?;
            if (own.st_uid, own.st_gid) != (stamp.owner, stamp.group) {
                rustix::fs::fchown(
                    &self.file,
                    Some(rustix::fs::Uid::from_raw(stamp.owner)),
                    Some(rustix::fs::Gid::from_raw(stamp.group)),
                )?;
            }
            rustix::fs::fchmod(&self.file, Mode::from_raw_mode(stamp.mode & 0o7777))
        }

        /// The file no longer has the temporary name.
        pub(crate) fn renamed(&mut self) {
            self.present = false;
        }

        /// Renames the file to `name` in its directory (replacing what is
        /// there).
        pub(crate) fn rename_to(mut self, name: &OsStr) -> io::Result<()> {
            rustix::fs::renameat(self.directory, &self.name, self.directory, name)?;
            self.renamed();
            Ok(())
        }
    }

    impl Drop for Temp<'_> {
        fn drop(&mut self) {
            if self.present {
                // Nothing to do about a failure: a sweep removes it later.
                let _ = rustix::fs::unlinkat(self.directory, &self.name, AtFlags::empty());
            }
        }
    }

    pub(super) fn process_exists(pid: u32) -> bool {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        // Permission denied: it exists, under another user.
        !matches!(rustix::process::test_kill_process(pid), Err(Errno::SRCH))
    }

    pub(super) fn remove_stale_temp_files(directory: &Path) -> io::Result<usize> {
        let directory = open_directory(directory)?;
        remove_stale_temp_files_at(directory.as_fd())
    }

    /// [`super::remove_stale_temp_files`] in an open directory.
    pub(crate) fn remove_stale_temp_files_at(directory: BorrowedFd<'_>) -> io::Result<usize> {
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in rustix::fs::Dir::read_from(directory)? {
            let entry = entry?;
            let name = OsStr::from_bytes(entry.file_name().to_bytes());
            let Some(pid) = temp_file_pid(name) else {
                continue;
            };
            let Ok(stat) = rustix::fs::statat(directory, name, AtFlags::SYMLINK_NOFOLLOW) else {
                continue;
            };
            if rustix::fs::FileType::from_raw_mode(stat.st_mode)
                != rustix::fs::FileType::RegularFile
            {
                continue;
            }
            let modified = std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(u64::try_from(stat.st_mtime).unwrap_or(0));
            if is_stale(pid, modified, now)
                && rustix::fs::unlinkat(directory, name, AtFlags::empty()).is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(not(unix))]
mod platform {
    use std::ffi::OsStr;
    use std::fs::{self, File, OpenOptions};
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};
    use std::time::SystemTime;

    use super::{Expected, Refusal, Rewrite, is_stale, temp_file_pid, temp_name};
    use crate::regular_file::FileStamp;

    /// Without inodes or an exchange: the content is checked right before
    /// the replacement.
    pub(super) fn rewrite(
        directory: &Path,
        name: &OsStr,
        expected: Expected<'_>,
        updated: &[u8],
    ) -> io::Result<Rewrite> {
        let target = directory.join(name);
        let metadata = fs::metadata(&target)?;
        if metadata.permissions().readonly() {
            return Ok(Rewrite::Refused(Refusal::ReadOnly { mode: 0o444 }));
        }
        if expected
            .stamp
            .is_some_and(|stamp| FileStamp::of(&metadata) != stamp)
        {
            return Ok(Rewrite::ChangedOnDisk);
        }
        let (temp_path, mut file) = create_temp(directory, name)?;
        let written = (|| {
            file.write_all(updated)?;
            file.sync_all()?;
            drop(file);
            if fs::read(&target)? != expected.content {
                return Ok(Rewrite::ChangedOnDisk);
            }
            fs::rename(&temp_path, &target)?;
            Ok(Rewrite::Written)
        })();
        if !matches!(written, Ok(Rewrite::Written)) {
            let _ = fs::remove_file(&temp_path);
        }
        written
    }

    fn create_temp(directory: &Path, target_name: &OsStr) -> io::Result<(PathBuf, File)> {
        let mut attempts = 0;
        loop {
            let path = directory.join(temp_name(target_name));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((path, file)),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => {
                    attempts += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    pub(super) fn process_exists(_: u32) -> bool {
        true
    }

    pub(super) fn remove_stale_temp_files(directory: &Path) -> io::Result<usize> {
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in fs::read_dir(directory)? {
            let entry = entry?;
            let Some(pid) = temp_file_pid(&entry.file_name()) else {
                continue;
            };
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            let Ok(modified) = metadata.modified() else {
                continue;
            };
            if metadata.is_file()
                && is_stale(pid, modified, now)
                && fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(unix)]
pub(crate) use platform::{Temp, remove_stale_temp_files_at};

#[cfg(all(test, unix))]
mod tests {
    use std::fs::File;
    use std::io::Write;
    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};

    use super::*;
    use crate::regular_file::read_regular_file;
    use crate::test_support::names as entries;

    /// Reads `path` as a run would, then rewrites it with `updated`.
    fn read_then_rewrite(path: &Path, updated: &[u8]) -> Rewrite {
        let (content, stamp) = read_regular_file(path, u64::MAX).unwrap();
        let expected = Expected {
            content: &content,
            stamp: Some(stamp),
        };
        rewrite_if_unchanged(path, expected, updated).unwrap()
    }

    fn set_mode(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replaces_the_content_keeps_the_mode_and_leaves_no_temporary_file() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("a.py");
        fs::write(&path, "old\n").unwrap();
        set_mode(&path, 0o640);
        assert_eq!(read_then_rewrite(&path, b"new\n"), Rewrite::Written);
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(mode(&path), 0o640);
        assert_eq!(entries(temp.path()), ["a.py"]);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("a.py");
        fs::write(&path, "what we read\n").unwrap();
        let (content, stamp) = read_regular_file(&path, u64::MAX).unwrap();
        let expected = Expected {
            content: &content,
            stamp: Some(stamp),
        };
        // Same length, other bytes: possibly the same times too.
        fs::write(&path, "edited by you\n").unwrap();
        let outcome = rewrite_if_unchanged(&path, expected, b"ours\n").unwrap();
        assert_eq!(outcome, Rewrite::ChangedOnDisk);
        assert_eq!(fs::read_to_string(&path).unwrap(), "edited by you\n");
        // The same bytes written again: the times and the status differ.
        fs::write(&path, "what we read\n").unwrap();
        let outcome = rewrite_if_unchanged(&path, expected, b"ours\n").unwrap();
        assert_eq!(outcome, Rewrite::ChangedOnDisk);
        assert_eq!(entries(temp.path()), ["a.py"]);
        // Without a stamp, the content decides.
        let unstamped = Expected {
            content: b"what we read\n",
            stamp: None,
        };
        let outcome = rewrite_if_unchanged(&path, unstamped, b"ours\n").unwrap();
        assert_eq!(outcome, Rewrite::Written);
        assert_eq!(fs::read_to_string(&path).unwrap(), "ours\n");
    }

    #[test]
    fn a_deleted_file_is_an_error_not_a_new_file() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("gone.py");
        let expected = Expected {
            content: b"x",
            stamp: None,
        };
        let error = rewrite_if_unchanged(&path, expected, b"y").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(entries(temp.path()).is_empty());
    }

    #[test]
    fn a_symbolic_link_stays_and_its_target_is_rewritten() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("real.py");
        fs::write(&target, "old\n").unwrap();
        set_mode(&target, 0o754);
        let link = temp.path().join("link.py");
        symlink(&target, &link).unwrap();

        assert_eq!(read_then_rewrite(&link, b"new\n"), Rewrite::Written);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(mode(&target), 0o754);
        assert_eq!(entries(temp.path()), ["link.py", "real.py"]);
    }

    #[test]
    fn a_read_only_file_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("frozen.py");
        fs::write(&path, "old\n").unwrap();
        set_mode(&path, 0o444);
        assert_eq!(
            read_then_rewrite(&path, b"new\n"),
            Rewrite::Refused(Refusal::ReadOnly { mode: 0o100444 })
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(
            Refusal::ReadOnly { mode: 0o100444 }.to_string(),
            "it is read-only (mode 0444)"
        );
        assert_eq!(entries(temp.path()), ["frozen.py"]);

        // Writable by its group but not by its owner: only root may write it.
        set_mode(&path, 0o464);
        let outcome = read_then_rewrite(&path, b"new\n");
        if rustix::process::geteuid().is_root() {
            assert_eq!(outcome, Rewrite::Written);
            assert_eq!(mode(&path), 0o464);
        } else {
            assert_eq!(outcome, Rewrite::Refused(Refusal::NotWritable));
            assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        }
    }

    #[test]
    fn a_hard_linked_file_is_refused_and_both_names_keep_their_text() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("a.py");
        let other = temp.path().join("b.py");
        fs::write(&path, "old\n").unwrap();
        fs::hard_link(&path, &other).unwrap();
        assert_eq!(
            read_then_rewrite(&path, b"new\n"),
            Rewrite::Refused(Refusal::HardLinks { links: 2 })
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(fs::read_to_string(&other).unwrap(), "old\n");
        assert_eq!(
            fs::metadata(&path).unwrap().ino(),
            fs::metadata(&other).unwrap().ino()
        );
    }

    #[test]
    fn the_owner_and_group_are_kept() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("theirs.py");
        fs::write(&path, "old\n").unwrap();
        set_mode(&path, 0o664);
        let (owner, group) = if rustix::process::geteuid().is_root() {
            // Another user's file, as `sudo wirelint check --fix` meets it.
            std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
            (65534, 65534)
        } else {
            let metadata = fs::metadata(&path).unwrap();
            (metadata.uid(), metadata.gid())
        };
        assert_eq!(read_then_rewrite(&path, b"new\n"), Rewrite::Written);
        let metadata = fs::metadata(&path).unwrap();
        assert_eq!((metadata.uid(), metadata.gid()), (owner, group));
        assert_eq!(mode(&path), 0o664);
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
    }

    #[test]
    fn the_temporary_file_is_never_more_readable_than_the_original() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("secret.py");
        fs::write(&path, "token = 'old'\n").unwrap();
        set_mode(&path, 0o600);
        let directory = temp.path().to_path_buf();
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let record = std::rc::Rc::clone(&seen);
        let outcome = with_moments(
            move |moment| {
                if moment == Moment::Prepared {
                    for name in entries(&directory) {
                        if name != "secret.py" {
                            let path = directory.join(&name);
                            record.borrow_mut().push((name, mode(&path)));
                        }
                    }
                }
            },
            || read_then_rewrite(&path, b"token = 'new'\n"),
        );
        assert_eq!(outcome, Rewrite::Written);
        let seen = seen.borrow();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].1, 0o600);
        assert!(seen[0].0.starts_with(".secret.py.wirelint-"), "{seen:?}");
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn a_long_file_name_fits() {
        let temp = tempfile::tempdir().unwrap();
        let name = format!("{}.py", "n".repeat(243));
        let path = temp.path().join(&name);
        fs::write(&path, "old\n").unwrap();
        assert_eq!(read_then_rewrite(&path, b"new\n"), Rewrite::Written);
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        let long_multibyte = format!("{}.py", "é".repeat(120));
        let path = temp.path().join(&long_multibyte);
        fs::write(&path, "old\n").unwrap();
        assert_eq!(read_then_rewrite(&path, b"new\n"), Rewrite::Written);
        assert_eq!(entries(temp.path()).len(), 2);
    }

    /// Rewrites a file while `writer` acts at `moment` as another program
    /// would; returns what the rewrite said and what the file holds.
    fn race(
        moment: Moment,
        without_exchange: bool,
        writer: impl FnMut(&Path) + 'static,
    ) -> (Rewrite, String, Vec<String>) {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("app.py");
        fs::write(&path, "original\n").unwrap();
        let at = path.clone();
        let mut writer = Some(writer);
        WITHOUT_EXCHANGE.set(without_exchange);
        let outcome = with_moments(
            move |reached| {
                if reached == moment
                    && let Some(mut writer) = writer.take()
                {
                    writer(&at);
                }
            },
            || read_then_rewrite(&path, b"fixed by wirelint\n"),
        );
        WITHOUT_EXCHANGE.set(false);
        let content = fs::read_to_string(&path).unwrap();
        (outcome, content, entries(temp.path()))
    }

    /// Writes in place, as `open(path, "w")` does.
    fn write_in_place(text: &'static str) -> impl FnMut(&Path) {
        move |path| fs::write(path, text).unwrap()
    }

    /// Replaces the file, as editors that save through a rename do.
    fn replace(text: &'static str) -> impl FnMut(&Path) {
        move |path| {
            let saved = path.with_extension("saving");
            fs::write(&saved, text).unwrap();
            fs::rename(&saved, path).unwrap();
        }
    }

    #[test]
    fn a_write_at_any_moment_of_the_rewrite_is_kept() {
        for without_exchange in [false, true] {
            for moment in [Moment::Prepared, Moment::BeforeSwap, Moment::AfterSwap] {
                // The same length as the original: the size cannot tell.
                let (outcome, content, left) =
                    race(moment, without_exchange, write_in_place("edited!!\n"));
                let case = format!("in place at {moment:?}, without exchange: {without_exchange}");
                if moment == Moment::AfterSwap {
                    // After the swap the path names the new file; the
                    // write lands on it.
                    assert_eq!(outcome, Rewrite::Written, "{case}");
                } else {
                    assert_eq!(outcome, Rewrite::ChangedOnDisk, "{case}");
                }
                assert_eq!(content, "edited!!\n", "{case}");
                assert_eq!(left, ["app.py"], "{case}");
            }
        }
        for moment in [Moment::Prepared, Moment::BeforeSwap] {
            let (outcome, content, left) = race(moment, false, replace("saved by the editor\n"));
            assert_eq!(outcome, Rewrite::ChangedOnDisk, "replaced at {moment:?}");
            assert_eq!(content, "saved by the editor\n", "replaced at {moment:?}");
            assert_eq!(left, ["app.py"]);
        }
    }

    #[test]
    fn a_writer_that_opened_the_file_before_the_swap_is_kept() {
        // An editor truncates the file (opening it to write) before the
        // swap and writes its text after it, into the old file.
        for without_exchange in [false, true] {
            let opened: std::rc::Rc<std::cell::RefCell<Option<File>>> = Default::default();
            let temp = tempfile::tempdir().unwrap();
            let path = temp.path().join("app.py");
            fs::write(&path, "original\n").unwrap();
            let (at, slot) = (path.clone(), std::rc::Rc::clone(&opened));
            WITHOUT_EXCHANGE.set(without_exchange);
            let outcome = with_moments(
                move |moment| match moment {
                    Moment::BeforeSwap => *slot.borrow_mut() = Some(File::create(&at).unwrap()),
                    Moment::AfterSwap => {
                        let mut file = slot.borrow_mut().take().unwrap();
                        file.write_all(b"the editor's text\n").unwrap();
                    }
                    Moment::Prepared => {}
                },
                || read_then_rewrite(&path, b"fixed by wirelint\n"),
            );
            WITHOUT_EXCHANGE.set(false);
            assert_eq!(outcome, Rewrite::ChangedOnDisk, "{without_exchange}");
            assert_eq!(fs::read_to_string(&path).unwrap(), "the editor's text\n");
            assert_eq!(entries(temp.path()), ["app.py"]);
        }
    }

    #[test]
    fn temporary_names_are_recognised_and_stale_ones_removed() {
        let name = temp_name(OsStr::new("app.py"));
        assert_eq!(temp_file_pid(&name), Some(std::process::id()));
        // The names of earlier versions too.
        assert_eq!(
            temp_file_pid(OsStr::new(".app.py.wirelint-123-4.tmp")),
            Some(123)
        );
        for other in [
            ".app.py.tmp",
            "app.py.wirelint-1-2.tmp",
            ".a.wirelint-x-1.tmp",
            ".a.wirelint-1-.tmp",
        ] {
            assert_eq!(temp_file_pid(OsStr::new(other)), None, "{other}");
        }

        let temp = tempfile::tempdir().unwrap();
        let directory = temp.path();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let exited = child.id();
        child.wait().unwrap();
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
        let make = |name: String, modified: SystemTime| {
            let path = directory.join(name);
            let file = File::create(&path).unwrap();
            file.set_modified(modified).unwrap();
        };
        let ours = std::process::id();
        make(format!(".a.py.wirelint-{exited}-0.tmp"), hour_ago);
        make(format!(".b.py.wirelint-{exited}-1.tmp"), SystemTime::now());
        make(format!(".c.py.wirelint-{ours}-2.tmp"), two_days_ago);
        make(".d.py.wirelint-1-3.tmp".to_string(), hour_ago);
        make(".e.py.wirelint-1-4.tmp".to_string(), two_days_ago);
        make("keep.py".to_string(), two_days_ago);
        symlink(
            "keep.py",
            directory.join(format!(".f.py.wirelint-{exited}-5.tmp")),
        )
        .unwrap();

        assert_eq!(remove_stale_temp_files(directory).unwrap(), 2);
        assert_eq!(
            entries(directory),
            [
                format!(".b.py.wirelint-{exited}-1.tmp"),
                format!(".c.py.wirelint-{ours}-2.tmp"),
                ".d.py.wirelint-1-3.tmp".to_string(),
                format!(".f.py.wirelint-{exited}-5.tmp"),
                "keep.py".to_string(),
            ]
        );
        let sweeper = StaleTempSweeper::default();
        make(format!(".g.py.wirelint-{exited}-6.tmp"), hour_ago);
        sweeper.sweep_once(directory);
        make(format!(".h.py.wirelint-{exited}-7.tmp"), hour_ago);
        sweeper.sweep_once(directory);
        let names = entries(directory);
        assert!(
            !names.iter().any(|name| name.starts_with(".g.py")),
            "{names:?}"
        );
        assert!(
            names.iter().any(|name| name.starts_with(".h.py")),
            "once per directory"
        );
    }
}
