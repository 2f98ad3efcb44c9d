//! The on-disk cache of lint results, so a run over an unchanged tree
//! replays each file's diagnostics instead of parsing and checking it.
//!
//! # What a result is keyed by
//! - the engine: wirelint's version plus a fingerprint of the engine's
//!   source taken at build time (`build.rs`), so a rebuilt rule never
//!   replays a stale result, and the entry format's version;
//! - the file's settings: the enabled rules (after `per-file-ignores`),
//!   the `extend-*` lists, `max-retries` and the package the file is in;
//! - the file's absolute path;
//! - the file's content: an XXH3-128 hash of its bytes, and its length.
//!
//! Every run still reads every file (the content decides, not the
//! modification time) but a hit skips parsing and linting altogether.
//!
//! # Layout
//! One small entry per source file, at
//! `<cache-dir>/v1/<2 hex digits>/<30 hex digits>`, named by a 128-bit hash
//! of the file's settings and path and sharded by its first byte into 256
//! directories (about 400 entries each on 100,000 files). The entry holds
//! the engine key and the content hash in its header, so a new build or an
//! edited file overwrites the same entry instead of adding one; a different
//! configuration gets its own entries, so alternating between two does not
//! thrash. Nothing grows in memory with the number of files: each lookup
//! reads one entry, each store writes one, on the thread that lints the
//! file. Editing one file rewrites one entry.
//!
//! The alternative, one packed file per run root, saves opening ~10,000
//! small files on a warm run and creating them on a cold one, but has to
//! be loaded whole (memory grows with the tree), rewritten whole after
//! every run that changed anything, and merged when two runs finish at
//! once. Measured on the bench corpus (10,139 files, 2 cores, median of
//! 5): `--no-cache` 0.42 s, cold (filling the cache) 0.58 s, warm 0.080 s,
//! one file edited 0.076 s; a warm run is a seventh of a cold one, and on
//! ten copies of the corpus (101,390 files) 0.71 s against 5.7 s. What the
//! per-file layout costs is the cold run: creating one small file per
//! source file takes the kernel 20-50 µs each here.
//!
//! # Robustness
//! Entries are written to a temporary file and renamed into place, so a
//! reader sees a whole old entry or a whole new one. Each entry starts with
//! a magic number, a checksum of everything after it, the format version,
//! the engine key, the entry key and the content hash; a lookup that finds
//! a missing, truncated, corrupt, foreign, stale or oversized entry (or
//! cannot read it, or finds something other than a regular file) reports a
//! miss, and the file is linted and its entry rewritten. Decoded
//! diagnostics are checked against the file's length and the rule registry
//! before use. A run whose cache cannot be written still checks every file;
//! the failures are counted for one warning.
//!
//! # What wirelint writes where
//! A cache directory is used only if wirelint made it: a new one is built
//! under a temporary name, with a `CACHEDIR.TAG` (so backup tools skip it)
//! and a `.gitignore` of `*` (so git ignores it wherever it is), and renamed
//! into place; an existing directory is used only if it has that tag. A
//! directory that is, or contains, the current directory or the project
//! root is refused, so the cache can never hide the project from git or
//! from backups. Inside, nothing is written through a symbolic link: the
//! entry and shard directories are opened without following links (on
//! Unix), so a link planted in the cache cannot send a write elsewhere.
//! Temporary files of a run that was killed mid-write (`.*.tmp` in a
//! shard) are never read, and a later run that writes to the shard removes
//! them.

use std::borrow::Cow;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use ruff_text_size::{TextRange, TextSize};
use serde::{Deserialize, Serialize};
use wirelint_linter::{Applicability, Diagnostic, Edit, Fix, LinterSettings, Location, Rule};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

use crate::display::display_path;

/// The file that marks a cache directory, for backup and archiving tools.
pub(crate) const CACHE_DIR_TAG: &str = "CACHEDIR.TAG";

const CACHE_DIR_TAG_SIGNATURE: &str = "Signature: 8a477f597d28d172789f06886806bc55\n";

const CACHE_DIR_TAG_CONTENT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
    # This file is a cache directory tag created by wirelint.\n\
    # For information about cache directory tags, see https://bford.info/cachedir/\n";

/// What a tag wirelint wrote says, besides the signature.
const CACHE_DIR_TAG_OWNER: &str = "created by wirelint";

const GITIGNORE_CONTENT: &str = "# Created by wirelint: everything here is a cache.\n*\n";

/// The version of the entry format; entries of another version are misses.
const FORMAT_VERSION: u32 = 1;

/// The directory, inside the cache directory, that holds the entries.
const ENTRIES_DIR: &str = "v1";

/// Every entry starts with these bytes.
const MAGIC: [u8; 8] = *b"WLCACHE\n";

/// Magic, checksum, format version, engine key, entry key, content hash,
/// content length.
const HEADER_LEN: usize = 8 + 8 + 4 + 16 + 16 + 16 + 8;

/// Where the checksummed part of an entry starts.
const CHECKSUMMED_FROM: usize = 16;

/// The number of shard directories (the first byte of the entry key).
const SHARDS: usize = 256;

/// The largest entry stored or read for a source of `content_len` bytes:
/// far more than its diagnostics can take (a finding every few bytes, a
/// few hundred bytes each), and never unbounded.
fn entry_limit(content_len: u64) -> u64 {
    HEADER_LEN as u64 + 64 * 1024 + content_len.saturating_mul(256)
}

/// A cache directory in use by one run; shared by the linting threads.
#[derive(Debug)]
pub struct Cache {
    directory: PathBuf,
    store: store::EntryStore,
    /// Relative paths are keyed as absolute paths against this directory.
    current_dir: PathBuf,
    engine: u128,
    /// Which shard directories are known to exist (and were swept of
    /// stale temporary files).
    shards_ready: Box<[AtomicBool]>,
    write_failures: AtomicUsize,
    first_write_failure: Mutex<Option<String>>,
}

/// Identifies one file under one set of settings: the name of its entry.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct EntryKey(u128);

/// What identifies a file's content.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ContentHash {
    hash: u128,
    len: u64,
}

impl ContentHash {
    pub fn of(content: &[u8]) -> ContentHash {
        ContentHash {
            hash: xxh3_128(content),
            len: content.len() as u64,
        }
    }
}

impl Cache {
    /// Opens the cache in `directory`, creating it (with its `CACHEDIR.TAG`
    /// and `.gitignore`) when it does not exist. `current_dir` anchors
    /// relative paths. Fails when `directory` is or contains `current_dir`
    /// or `project_root`, or exists without being a wirelint cache.
    pub fn open(directory: &Path, current_dir: &Path, project_root: &Path) -> io::Result<Cache> {
        Cache::open_for_engine(directory, current_dir, project_root, engine_key())
    }

    fn open_for_engine(
        directory: &Path,
        current_dir: &Path,
        project_root: &Path,
        engine: u128,
    ) -> io::Result<Cache> {
        refuse_if_containing(directory, &[current_dir, project_root])?;
        let store = store::EntryStore::open(directory)?;
        Ok(Cache {
            directory: directory.to_path_buf(),
            store,
            current_dir: current_dir.to_path_buf(),
            engine,
            shards_ready: (0..SHARDS).map(|_| AtomicBool::new(false)).collect(),
            write_failures: AtomicUsize::new(0),
            first_write_failure: Mutex::new(None),
        })
    }

    /// The cache directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The key of the file at `path` checked with `settings` in `package`.
    pub fn key(&self, path: &Path, settings: &LinterSettings, package: Option<&str>) -> EntryKey {
        let LinterSettings {
            rules,
            extend_client_classes,
            extend_network_modules,
            extend_error_classes,
            max_retries,
        } = settings;
        let mut hasher = KeyHasher::default();
        hasher.items(rules.iter().map(Rule::code));
        hasher.items(extend_client_classes.iter().map(String::as_str));
        hasher.items(extend_network_modules.iter().map(String::as_str));
        hasher.items(extend_error_classes.iter().map(String::as_str));
        hasher.bytes(&max_retries.to_le_bytes());
        hasher.items(package);
        let absolute = if path.is_absolute() {
            Cow::Borrowed(path)
        } else {
            Cow::Owned(self.current_dir.join(path))
        };
        hasher.bytes(absolute.as_os_str().as_encoded_bytes());
        EntryKey(hasher.0.digest128())
    }

    /// The diagnostics stored for `key` and `content`, or `None` when there
    /// is no usable entry.
    pub fn get(&self, key: EntryKey, content: ContentHash) -> Option<Vec<Diagnostic>> {
        let (shard, name) = entry_name(key);
        let data = self.store.read(&shard, &name, entry_limit(content.len))?;
        decode(&data, self.engine, key, content)
    }

    /// Stores `diagnostics` as the result for `key` and `content`. A failure
    /// is counted (see [`Cache::write_failures`]), never fatal; an entry
    /// over the size limit is not stored, and neither is one another run
    /// (sharing the cache) has just stored with the same bytes.
    pub fn put(&self, key: EntryKey, content: ContentHash, diagnostics: &[Diagnostic]) {
        let (shard, name) = entry_name(key);
        let stored = encode(self.engine, key, content, diagnostics)
            .map_err(io::Error::other)
            .and_then(|data| {
                let limit = entry_limit(content.len);
                if data.len() as u64 > limit {
                    return Ok(());
                }
                if self.store.read(&shard, &name, limit).as_deref() == Some(&data[..]) {
                    return Ok(());
                }
                self.ensure_shard(key, &shard)?;
                self.store.write(&shard, &name, &data)
            });
        if let Err(error) = stored {
            self.write_failures.fetch_add(1, Ordering::Relaxed);
            let mut first = self
                .first_write_failure
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let path = self.entry_path(key);
            first.get_or_insert_with(|| format!("`{}`: {error}", display_path(&path)));
        }
    }

    /// How many entries could not be written, and the first failure.
    pub fn write_failures(&self) -> Option<(usize, String)> {
        let count = self.write_failures.load(Ordering::Relaxed);
        let first = self
            .first_write_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()?;
        Some((count, first))
    }

    /// Where the entry of `key` is, for messages and tests.
    fn entry_path(&self, key: EntryKey) -> PathBuf {
        let (shard, name) = entry_name(key);
        self.directory.join(ENTRIES_DIR).join(shard).join(name)
    }

    /// Creates the shard directory of `key` and sweeps it of stale
    /// temporary files, once per run.
    fn ensure_shard(&self, key: EntryKey, shard: &str) -> io::Result<()> {
        let ready = &self.shards_ready[(key.0 >> 120) as usize];
        if !ready.load(Ordering::Relaxed) {
            self.store.prepare_shard(shard)?;
            ready.store(true, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// What [`clear`] removed.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Cleared {
    /// Entries removed (one per file a run cached).
    pub entries: u64,
    /// Their size in bytes.
    pub bytes: u64,
}

/// Removes the cache in `directory` (`wirelint clean`), if there is one:
/// `Ok(None)` when `directory` does not exist. Only a directory wirelint
/// made (it holds wirelint's `CACHEDIR.TAG`) is touched, and one that is,
/// or contains, `current_dir` or `project_root` is refused, as
/// [`Cache::open`] refuses it. Links inside are removed, never followed.
/// A cache directory that is itself a symbolic link keeps the link and
/// its tag; its entries go.
pub fn clear(
    directory: &Path,
    current_dir: &Path,
    project_root: &Path,
) -> io::Result<Option<Cleared>> {
    let metadata = match fs::symlink_metadata(directory) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        other => other?,
    };
    refuse_if_containing(directory, &[current_dir, project_root])?;
    let tag = crate::regular_file::read_regular_file(&directory.join(CACHE_DIR_TAG), 4096)
        .map(|(bytes, _)| bytes);
    if !tag.is_ok_and(|tag| is_our_tag(&tag)) {
        return Err(not_a_cache_error());
    }
    let entries = directory.join(ENTRIES_DIR);
    let cleared = count_entries(&entries);
    if metadata.file_type().is_symlink() {
        match fs::remove_dir_all(&entries) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    } else {
        fs::remove_dir_all(directory)?;
    }
    Ok(Some(cleared))
}

/// The entries under `entries` (shard directories of files), not
/// following links; what cannot be read is not counted.
fn count_entries(entries: &Path) -> Cleared {
    let mut cleared = Cleared::default();
    let Ok(shards) = fs::read_dir(entries) else {
        return cleared;
    };
    for shard in shards.flatten() {
        if !shard.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        let Ok(files) = fs::read_dir(shard.path()) else {
            continue;
        };
        for file in files.flatten() {
            if let Some(metadata) = file.metadata().ok().filter(fs::Metadata::is_file) {
                cleared.entries += 1;
                cleared.bytes += metadata.len();
            }
        }
    }
    cleared
}

/// The shard directory and file name of the entry of `key`.
fn entry_name(key: EntryKey) -> (String, String) {
    let shard = key.0 >> 120;
    let rest = key.0 & ((1 << 120) - 1);
    (format!("{shard:02x}"), format!("{rest:030x}"))
}

/// Fails when `directory` is, or contains, one of `protected`: a cache
/// there would write its `.gitignore` of `*` over the project.
fn refuse_if_containing(directory: &Path, protected: &[&Path]) -> io::Result<()> {
    let resolved = resolve_existing_prefix(directory);
    for path in protected {
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if path.starts_with(&resolved) {
            return Err(io::Error::other(format!(
                "it is or contains `{}`, and a cache there would hide the project from \
                 git and from backups; point `cache-dir` at a directory of its own",
                display_path(&path)
            )));
        }
    }
    Ok(())
}

/// `path` with its longest existing prefix resolved (links followed,
/// `..` applied), the rest appended as written.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(resolved) = fs::canonicalize(existing) {
            let mut resolved = resolved;
            for component in rest.iter().rev() {
                resolved.push(component);
            }
            return resolved;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Whether `text` is a `CACHEDIR.TAG` wirelint wrote.
fn is_our_tag(text: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    text.starts_with(CACHE_DIR_TAG_SIGNATURE) && text.contains(CACHE_DIR_TAG_OWNER)
}

/// Why an existing directory is not used as a cache.
fn not_a_cache_error() -> io::Error {
    io::Error::other(format!(
        "it exists and is not a wirelint cache (it has no `{CACHE_DIR_TAG}` written by \
         wirelint); wirelint only writes into a cache directory it created: remove it or \
         point `cache-dir` elsewhere"
    ))
}

/// The key of this build of the engine: version, source fingerprint and
/// entry format.
fn engine_key() -> u128 {
    let mut hasher = KeyHasher::default();
    hasher.bytes(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.bytes(env!("WIRELINT_ENGINE_FINGERPRINT").as_bytes());
    hasher.bytes(&FORMAT_VERSION.to_le_bytes());
    hasher.0.digest128()
}

/// Hashes a sequence of fields unambiguously: each is length-prefixed.
#[derive(Default)]
struct KeyHasher(Xxh3);

impl KeyHasher {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn items<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        let mut count: u64 = 0;
        for item in items {
            self.bytes(item.as_bytes());
            count += 1;
        }
        self.0.update(&count.to_le_bytes());
    }
}

#[cfg(unix)]
mod store {
    //! The entries on Unix: every file below the cache directory is opened
    //! relative to an open directory, without following links.

    use std::ffi::OsStr;
    use std::fs::{self, File};
    use std::io::{self, Read, Write};
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::path::Path;
    use std::sync::OnceLock;

    use rustix::fs::{AtFlags, Mode, OFlags};
    use rustix::io::Errno;

    use super::{
        CACHE_DIR_TAG, CACHE_DIR_TAG_CONTENT, ENTRIES_DIR, GITIGNORE_CONTENT, is_our_tag,
        not_a_cache_error,
    };
    use crate::atomic_write::{Temp, remove_stale_temp_files_at};

    /// The entries directory (`v1`) of a cache wirelint made.
    #[derive(Debug)]
    pub(super) struct EntryStore {
        entries: OwnedFd,
        /// The shard directories opened so far, kept open for the run (so
        /// a lookup or a store opens one file, not a directory too).
        shards: Box<[OnceLock<OwnedFd>]>,
    }

    /// An open shard directory.
    enum Shard<'a> {
        Kept(BorrowedFd<'a>),
        Once(OwnedFd),
    }

    impl AsFd for Shard<'_> {
        fn as_fd(&self) -> BorrowedFd<'_> {
            match self {
                Shard::Kept(fd) => *fd,
                Shard::Once(fd) => fd.as_fd(),
            }
        }
    }

    const DIRECTORY_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::NOFOLLOW)
        .union(OFlags::CLOEXEC);

    impl EntryStore {
        /// Opens the cache in `directory`, building it when missing.
        pub(super) fn open(directory: &Path) -> io::Result<EntryStore> {
            if fs::symlink_metadata(directory).is_err() {
                build(directory)?;
            }
            // The directory itself may be a link the user set up.
            let root = rustix::fs::open(
                directory,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            let tag = read_small(root.as_fd(), CACHE_DIR_TAG, 4096);
            if !tag.is_some_and(|tag| is_our_tag(&tag)) {
                return Err(not_a_cache_error());
            }
            let entries =
                match rustix::fs::openat(&root, ENTRIES_DIR, DIRECTORY_FLAGS, Mode::empty()) {
                    Err(Errno::NOENT) => {
                        match rustix::fs::mkdirat(&root, ENTRIES_DIR, Mode::from_raw_mode(0o777)) {
                            Ok(()) | Err(Errno::EXIST) => {}
                            Err(error) => return Err(error.into()),
                        }
                        rustix::fs::openat(&root, ENTRIES_DIR, DIRECTORY_FLAGS, Mode::empty())?
                    }
                    other => other?,
                };
            Ok(EntryStore {
                entries,
                shards: (0..super::SHARDS).map(|_| OnceLock::new()).collect(),
            })
        }

        /// The shard directory `shard` (two hex digits), opened without
        /// following a link.
        fn shard(&self, shard: &str) -> io::Result<Shard<'_>> {
            let slot = u8::from_str_radix(shard, 16)
                .ok()
                .map(|index| &self.shards[usize::from(index)]);
            if let Some(fd) = slot.and_then(OnceLock::get) {
                return Ok(Shard::Kept(fd.as_fd()));
            }
            let fd = rustix::fs::openat(&self.entries, shard, DIRECTORY_FLAGS, Mode::empty())?;
            let Some(slot) = slot else {
                return Ok(Shard::Once(fd));
            };
            // Another thread may have opened it at the same time: keep one.
            let _ = slot.set(fd);
            Ok(Shard::Kept(slot.get().expect("just set").as_fd()))
        }

        /// The bytes of entry `name` in `shard`, if it is a regular file of
        /// at most `limit` bytes that can be read.
        pub(super) fn read(&self, shard: &str, name: &str, limit: u64) -> Option<Vec<u8>> {
            let shard = self.shard(shard).ok()?;
            read_small(shard.as_fd(), name, limit)
        }

        /// Makes sure `shard` exists as a directory (not a link) and
        /// removes stale temporary files from it.
        pub(super) fn prepare_shard(&self, shard: &str) -> io::Result<()> {
            match rustix::fs::mkdirat(&self.entries, shard, Mode::from_raw_mode(0o777)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(error) => return Err(error.into()),
            }
            let shard = self.shard(shard)?;
            // A leftover costs disk space only.
            let _ = remove_stale_temp_files_at(shard.as_fd());
            Ok(())
        }

        /// Replaces entry `name` in `shard` with `data`, atomically.
        pub(super) fn write(&self, shard: &str, name: &str, data: &[u8]) -> io::Result<()> {
            let shard = self.shard(shard)?;
            let mut temp = Temp::create(shard.as_fd(), OsStr::new(name), 0o666)?;
            temp.file.write_all(data)?;
            temp.rename_to(OsStr::new(name))
        }
    }

    /// Builds a new cache directory under a temporary name beside
    /// `directory`, with its tag and `.gitignore`, and renames it into
    /// place; another process doing the same at once wins the rename, and
    /// its directory is used.
    fn build(directory: &Path) -> io::Result<()> {
        let parent = match directory.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let name = directory
            .file_name()
            .ok_or_else(|| io::Error::other("it does not name a directory"))?;
        fs::create_dir_all(parent)?;
        let parent = rustix::fs::open(
            parent,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let building = crate::atomic_write::temp_name(name);
        rustix::fs::mkdirat(&parent, &building, Mode::from_raw_mode(0o777))?;
        let built = (|| {
            let new = rustix::fs::openat(&parent, &building, DIRECTORY_FLAGS, Mode::empty())?;
            write_new(new.as_fd(), CACHE_DIR_TAG, CACHE_DIR_TAG_CONTENT)?;
            write_new(new.as_fd(), ".gitignore", GITIGNORE_CONTENT)?;
            match rustix::fs::renameat(&parent, &building, &parent, name) {
                // Someone else's cache directory got there first.
                Ok(()) | Err(Errno::EXIST | Errno::NOTEMPTY) => Ok(()),
                Err(error) => Err(io::Error::from(error)),
            }
        })();
        // Left only when another process won the rename (or on failure).
        for file in [CACHE_DIR_TAG, ".gitignore"] {
            if let Ok(new) = rustix::fs::openat(&parent, &building, DIRECTORY_FLAGS, Mode::empty())
            {
                let _ = rustix::fs::unlinkat(&new, file, AtFlags::empty());
            }
        }
        let _ = rustix::fs::unlinkat(&parent, &building, AtFlags::REMOVEDIR);
        built
    }

    /// Creates file `name` in `directory` with `content`; never replaces.
    fn write_new(
        directory: std::os::fd::BorrowedFd<'_>,
        name: &str,
        content: &str,
    ) -> io::Result<()> {
        let fd = rustix::fs::openat(
            directory,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o666),
        )?;
        File::from(fd).write_all(content.as_bytes())
    }

    /// The bytes of regular file `name` in `directory` (never through a
    /// link, never from a FIFO or device), if it holds at most `limit`.
    fn read_small(
        directory: std::os::fd::BorrowedFd<'_>,
        name: &str,
        limit: u64,
    ) -> Option<Vec<u8>> {
        let fd = rustix::fs::openat(
            directory,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        let file = File::from(fd);
        let metadata = file.metadata().ok()?;
        if !metadata.is_file() || metadata.len() > limit {
            return None;
        }
        let mut data = Vec::with_capacity(usize::try_from(metadata.len()).ok()?);
        file.take(limit + 1).read_to_end(&mut data).ok()?;
        (data.len() as u64 <= limit).then_some(data)
    }
}

#[cfg(not(unix))]
mod store {
    //! The entries elsewhere: plain paths (links are not guarded against).

    use std::fs::{self, File, OpenOptions};
    use std::io::{self, Read, Write};
    use std::path::{Path, PathBuf};

    use super::{
        CACHE_DIR_TAG, CACHE_DIR_TAG_CONTENT, ENTRIES_DIR, GITIGNORE_CONTENT, is_our_tag,
        not_a_cache_error,
    };

    #[derive(Debug)]
    pub(super) struct EntryStore {
        entries: PathBuf,
    }

    impl EntryStore {
        pub(super) fn open(directory: &Path) -> io::Result<EntryStore> {
            if fs::symlink_metadata(directory).is_err() {
                fs::create_dir_all(directory)?;
                write_new(&directory.join(CACHE_DIR_TAG), CACHE_DIR_TAG_CONTENT)?;
                write_new(&directory.join(".gitignore"), GITIGNORE_CONTENT)?;
            }
            let tag = read_small(&directory.join(CACHE_DIR_TAG), 4096);
            if !tag.is_some_and(|tag| is_our_tag(&tag)) {
                return Err(not_a_cache_error());
            }
            let entries = directory.join(ENTRIES_DIR);
            fs::create_dir_all(&entries)?;
            Ok(EntryStore { entries })
        }

        pub(super) fn read(&self, shard: &str, name: &str, limit: u64) -> Option<Vec<u8>> {
            read_small(&self.entries.join(shard).join(name), limit)
        }

        pub(super) fn prepare_shard(&self, shard: &str) -> io::Result<()> {
            let shard = self.entries.join(shard);
            fs::create_dir_all(&shard)?;
            let _ = crate::atomic_write::remove_stale_temp_files(&shard);
            Ok(())
        }

        pub(super) fn write(&self, shard: &str, name: &str, data: &[u8]) -> io::Result<()> {
            let shard = self.entries.join(shard);
            let temp = shard.join(crate::atomic_write::temp_name(name.as_ref()));
            let written = fs::write(&temp, data).and_then(|()| fs::rename(&temp, shard.join(name)));
            if written.is_err() {
                let _ = fs::remove_file(&temp);
            }
            written
        }
    }

    fn write_new(path: &Path, content: &str) -> io::Result<()> {
        let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
        file.write_all(content.as_bytes())
    }

    fn read_small(path: &Path, limit: u64) -> Option<Vec<u8>> {
        let file = File::open(path).ok()?;
        let metadata = file.metadata().ok()?;
        if !metadata.is_file() || metadata.len() > limit {
            return None;
        }
        let mut data = Vec::new();
        file.take(limit + 1).read_to_end(&mut data).ok()?;
        (data.len() as u64 <= limit).then_some(data)
    }
}

/// A diagnostic as stored: the rule by its code, positions as numbers.
#[derive(Serialize, Deserialize)]
struct StoredDiagnostic<'a> {
    code: Cow<'a, str>,
    message: Cow<'a, str>,
    range: (u32, u32),
    start: (usize, usize),
    end: (usize, usize),
    fix: Option<StoredFix<'a>>,
}

#[derive(Serialize, Deserialize)]
struct StoredFix<'a> {
    applicability: Cow<'a, str>,
    message: Cow<'a, str>,
    edits: Vec<StoredEdit<'a>>,
}

#[derive(Serialize, Deserialize)]
struct StoredEdit<'a> {
    range: (u32, u32),
    content: Cow<'a, str>,
    start: (usize, usize),
    end: (usize, usize),
}

fn encode(
    engine: u128,
    key: EntryKey,
    content: ContentHash,
    diagnostics: &[Diagnostic],
) -> serde_json::Result<Vec<u8>> {
    let stored: Vec<StoredDiagnostic> = diagnostics.iter().map(store_diagnostic).collect();
    let mut data = Vec::with_capacity(HEADER_LEN + 2);
    data.extend_from_slice(&MAGIC);
    data.extend_from_slice(&[0; 8]);
    data.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    data.extend_from_slice(&engine.to_le_bytes());
    data.extend_from_slice(&key.0.to_le_bytes());
    data.extend_from_slice(&content.hash.to_le_bytes());
    data.extend_from_slice(&content.len.to_le_bytes());
    serde_json::to_writer(&mut data, &stored)?;
    let checksum = xxh3_64(&data[CHECKSUMMED_FROM..]);
    data[MAGIC.len()..CHECKSUMMED_FROM].copy_from_slice(&checksum.to_le_bytes());
    Ok(data)
}

/// The diagnostics in `data` if it is a whole, intact entry for exactly
/// this engine, key and content; `None` otherwise.
fn decode(
    data: &[u8],
    engine: u128,
    key: EntryKey,
    content: ContentHash,
) -> Option<Vec<Diagnostic>> {
    let mut header = HeaderReader(data.get(..HEADER_LEN)?);
    let intact = header.take::<8>() == MAGIC
        && u64::from_le_bytes(header.take()) == xxh3_64(&data[CHECKSUMMED_FROM..])
        && u32::from_le_bytes(header.take()) == FORMAT_VERSION
        && u128::from_le_bytes(header.take()) == engine
        && u128::from_le_bytes(header.take()) == key.0
        && u128::from_le_bytes(header.take()) == content.hash
        && u64::from_le_bytes(header.take()) == content.len;
    if !intact {
        return None;
    }
    let stored: Vec<StoredDiagnostic> = serde_json::from_slice(&data[HEADER_LEN..]).ok()?;
    stored
        .into_iter()
        .map(|diagnostic| load_diagnostic(diagnostic, content.len))
        .collect()
}

/// Reads the fixed-size fields of a header in order.
struct HeaderReader<'a>(&'a [u8]);

impl HeaderReader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let (field, rest) = self.0.split_at(N);
        self.0 = rest;
        field.try_into().expect("split_at returned N bytes")
    }
}

fn store_diagnostic(diagnostic: &Diagnostic) -> StoredDiagnostic<'_> {
    let Diagnostic {
        rule,
        message,
        range,
        location,
        end_location,
        fix,
    } = diagnostic;
    StoredDiagnostic {
        code: Cow::Borrowed(rule.code()),
        message: Cow::Borrowed(message),
        range: store_range(*range),
        start: store_location(*location),
        end: store_location(*end_location),
        fix: fix.as_ref().map(|fix| {
            let Fix {
                applicability,
                message,
                edits,
            } = fix;
            StoredFix {
                applicability: Cow::Borrowed(match applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                }),
                message: Cow::Borrowed(message),
                edits: edits.iter().map(store_edit).collect(),
            }
        }),
    }
}

fn store_edit(edit: &Edit) -> StoredEdit<'_> {
    let Edit {
        range,
        content,
        location,
        end_location,
    } = edit;
    StoredEdit {
        range: store_range(*range),
        content: Cow::Borrowed(content),
        start: store_location(*location),
        end: store_location(*end_location),
    }
}

fn store_range(range: TextRange) -> (u32, u32) {
    (range.start().into(), range.end().into())
}

fn store_location(location: Location) -> (usize, usize) {
    (location.row, location.column)
}

/// A stored diagnostic, if its rule exists and its ranges fit the file.
fn load_diagnostic(stored: StoredDiagnostic, content_len: u64) -> Option<Diagnostic> {
    let fix = match stored.fix {
        Some(fix) => Some(Fix {
            applicability: match fix.applicability.as_ref() {
                "safe" => Applicability::Safe,
                "unsafe" => Applicability::Unsafe,
                _ => return None,
            },
            message: fix.message.into_owned(),
            edits: fix
                .edits
                .into_iter()
                .map(|edit| {
                    Some(Edit {
                        range: load_range(edit.range, content_len)?,
                        content: edit.content.into_owned(),
                        location: load_location(edit.start)?,
                        end_location: load_location(edit.end)?,
                    })
                })
                .collect::<Option<_>>()?,
        }),
        None => None,
    };
    Some(Diagnostic {
        rule: Rule::from_code(&stored.code)?,
        message: stored.message.into_owned(),
        range: load_range(stored.range, content_len)?,
        location: load_location(stored.start)?,
        end_location: load_location(stored.end)?,
        fix,
    })
}

fn load_range((start, end): (u32, u32), content_len: u64) -> Option<TextRange> {
    (start <= end && u64::from(end) <= content_len)
        .then(|| TextRange::new(TextSize::new(start), TextSize::new(end)))
}

fn load_location((row, column): (usize, usize)) -> Option<Location> {
    (row >= 1 && column >= 1).then_some(Location { row, column })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::names;
    use std::sync::Arc;
    use wirelint_linter::{RuleSelection, lint_source};

    const SOURCE: &str = "import httpx\nimport requests\n\
                          httpx.get(url, timeout=5)\nrequests.get(url)\n";

    fn open(directory: &Path) -> Cache {
        Cache::open(directory, Path::new("/project"), Path::new("/project")).unwrap()
    }

    /// Diagnostics of SOURCE, among them a fix (WL201) and one without.
    fn diagnostics() -> Vec<Diagnostic> {
        lint_source(SOURCE, &LinterSettings::default())
    }

    fn entry_files(cache: &Cache) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for shard in fs::read_dir(cache.directory().join(ENTRIES_DIR)).unwrap() {
            for entry in fs::read_dir(shard.unwrap().path()).unwrap() {
                files.push(entry.unwrap().path());
            }
        }
        files
    }

    /// Which file the entry of `key` is (a rewrite is a new file).
    fn entry_inode(cache: &Cache, key: EntryKey) -> u64 {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(cache.entry_path(key)).unwrap().ino()
        }
        #[cfg(not(unix))]
        {
            let _ = (cache, key);
            0
        }
    }

    #[test]
    fn a_cache_directory_that_is_or_contains_the_project_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let project = temp.path().join("project");
        fs::create_dir_all(project.join("src")).unwrap();
        fs::write(project.join("src/app.py"), "x = 1\n").unwrap();
        // `cache-dir = "."`, `cache-dir = ""`, `..`, and the project's
        // parent through a relative detour.
        for directory in [
            project.clone(),
            project.join(""),
            project.join("src/.."),
            temp.path().to_path_buf(),
        ] {
            let error = Cache::open(&directory, &project.join("src"), &project).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("would hide the project from git"),
                "{}: {error}",
                directory.display()
            );
        }
        assert_eq!(names(&project), ["src"], "nothing was written");
        assert_eq!(names(temp.path()), ["project"]);
        // The current directory counts as part of the project too.
        let error = Cache::open(&temp.path().join("elsewhere/.."), temp.path(), &project);
        assert!(error.is_err());
    }

    #[test]
    fn an_existing_directory_is_used_only_if_wirelint_made_it() {
        let temp = tempfile::tempdir().unwrap();
        let project = temp.path().join("project");
        let outside = temp.path().join("documents");
        fs::create_dir_all(&project).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("notes.txt"), "mine\n").unwrap();
        let error = Cache::open(&outside, &project, &project).unwrap_err();
        assert!(
            error.to_string().contains("is not a wirelint cache"),
            "{error}"
        );
        assert_eq!(names(&outside), ["notes.txt"]);
        // An empty directory is not ours either.
        let empty = temp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert!(Cache::open(&empty, &project, &project).is_err());
        assert!(names(&empty).is_empty());
        // A foreign tag (another tool's cache) is not ours.
        fs::write(empty.join(CACHE_DIR_TAG), CACHE_DIR_TAG_SIGNATURE).unwrap();
        assert!(Cache::open(&empty, &project, &project).is_err());
        // One wirelint made, at an absolute path outside the project, is.
        let cache_dir = temp.path().join("caches/wirelint");
        let first = Cache::open(&cache_dir, &project, &project).unwrap();
        let key = first.key(Path::new("a.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(b"x");
        first.put(key, content, &[]);
        let again = Cache::open(&cache_dir, &project, &project).unwrap();
        assert_eq!(again.get(key, content), Some(Vec::new()));
        assert_eq!(
            names(&cache_dir),
            [".gitignore", CACHE_DIR_TAG, ENTRIES_DIR]
        );
        assert_eq!(names(&temp.path().join("caches")), ["wirelint"]);
    }

    #[test]
    fn runs_opening_a_new_cache_at_once_all_get_it() {
        let temp = tempfile::tempdir().unwrap();
        let directory = temp.path().join("shared/.wirelint_cache");
        let opened: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    scope
                        .spawn(|| Cache::open(&directory, Path::new("/p"), Path::new("/p")).is_ok())
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().unwrap())
                .collect()
        });
        assert_eq!(opened, [true; 8]);
        assert_eq!(names(&temp.path().join("shared")), [".wirelint_cache"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_and_special_files_in_the_cache_are_never_followed() {
        use std::os::unix::fs::symlink;
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let outside = temp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        let key = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(SOURCE.as_bytes());
        let entry = cache.entry_path(key);
        let shard = entry.parent().unwrap().to_path_buf();
        // A shard directory replaced by a link out of the cache.
        symlink(&outside, &shard).unwrap();
        cache.put(key, content, &diagnostics());
        assert!(
            names(&outside).is_empty(),
            "nothing written through the link"
        );
        assert_eq!(cache.get(key, content), None);
        assert_eq!(cache.write_failures().map(|(count, _)| count), Some(1));
        fs::remove_file(&shard).unwrap();

        // An entry that is a link, a FIFO or a link to an endless device:
        // a miss, at once; a put replaces it with a real entry.
        let fresh = open(&temp.path().join("cache"));
        fresh.put(key, content, &diagnostics());
        let real_entry = fs::read(&entry).unwrap();
        let elsewhere = outside.join("entry");
        fs::write(&elsewhere, &real_entry).unwrap();
        for plant in 0..3 {
            fs::remove_file(&entry).unwrap();
            match plant {
                0 => symlink(&elsewhere, &entry).unwrap(),
                1 => crate::test_support::make_fifo(&entry),
                _ => symlink("/dev/zero", &entry).unwrap(),
            }
            assert_eq!(fresh.get(key, content), None, "plant {plant}");
            fresh.put(key, content, &diagnostics());
            assert!(fs::symlink_metadata(&entry).unwrap().is_file());
            assert_eq!(fresh.get(key, content), Some(diagnostics()));
        }
        assert_eq!(
            fs::read(&elsewhere).unwrap(),
            real_entry,
            "the link's target is untouched"
        );
    }

    #[test]
    fn an_oversized_entry_is_a_miss() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let key = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(b"x = 1\n");
        cache.put(key, content, &[]);
        let entry = cache.entry_path(key);
        let mut data = fs::read(&entry).unwrap();
        data.resize(usize::try_from(entry_limit(content.len)).unwrap() + 1, b' ');
        fs::write(&entry, &data).unwrap();
        assert_eq!(cache.get(key, content), None);
    }

    #[test]
    fn stale_temporary_files_in_a_shard_are_swept_by_the_next_write() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let key = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(b"x");
        cache.put(key, content, &[]);
        let shard = cache.entry_path(key).parent().unwrap().to_path_buf();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let exited = child.id();
        child.wait().unwrap();
        let stale = shard.join(format!(".0123.wirelint-{exited}-0.tmp"));
        let file = fs::File::create(&stale).unwrap();
        file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
            .unwrap();
        let next_run = open(&temp.path().join("cache"));
        next_run.put(key, ContentHash::of(b"edited"), &[]);
        assert!(!stale.exists());
        assert_eq!(names(&shard).len(), 1);
    }

    #[test]
    fn clear_removes_a_cache_it_made_and_nothing_else() {
        let temp = tempfile::tempdir().unwrap();
        let project = temp.path().join("project");
        fs::create_dir(&project).unwrap();
        let directory = project.join(".wirelint_cache");
        assert_eq!(clear(&directory, &project, &project).unwrap(), None);

        let cache = Cache::open(&directory, &project, &project).unwrap();
        let stored = diagnostics();
        for name in ["a.py", "b.py"] {
            let key = cache.key(Path::new(name), &LinterSettings::default(), None);
            cache.put(key, ContentHash::of(SOURCE.as_bytes()), &stored);
        }
        let bytes: u64 = entry_files(&cache)
            .iter()
            .map(|path| fs::metadata(path).unwrap().len())
            .sum();
        drop(cache);
        let cleared = clear(&directory, &project, &project).unwrap().unwrap();
        assert_eq!(cleared, Cleared { entries: 2, bytes });
        assert!(!directory.exists());

        // Not ours: left whole.
        let foreign = project.join("build");
        fs::create_dir_all(foreign.join(ENTRIES_DIR)).unwrap();
        fs::write(foreign.join("keep.txt"), "x").unwrap();
        let error = clear(&foreign, &project, &project).unwrap_err();
        assert!(
            error.to_string().contains("not a wirelint cache"),
            "{error}"
        );
        assert!(foreign.join("keep.txt").is_file());

        // The project itself is refused even with a tag planted in it.
        fs::write(project.join(CACHE_DIR_TAG), CACHE_DIR_TAG_CONTENT).unwrap();
        let error = clear(&project, &project, &project).unwrap_err();
        assert!(error.to_string().contains("hide the project"), "{error}");
        assert!(foreign.join("keep.txt").is_file());
    }

    #[cfg(unix)]
    #[test]
    fn clear_never_follows_a_link() {
        let temp = tempfile::tempdir().unwrap();
        let project = temp.path().join("project");
        let outside = temp.path().join("outside");
        fs::create_dir(&project).unwrap();
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("precious.txt"), "x").unwrap();
        let real = temp.path().join("real-cache");
        let cache = Cache::open(&real, &project, &project).unwrap();
        let key = cache.key(Path::new("a.py"), &LinterSettings::default(), None);
        cache.put(key, ContentHash::of(SOURCE.as_bytes()), &diagnostics());
        drop(cache);
        // A link planted among the entries, and the cache directory a link itself.
        std::os::unix::fs::symlink(&outside, real.join(ENTRIES_DIR).join("zz")).unwrap();
        let linked = project.join(".wirelint_cache");
        std::os::unix::fs::symlink(&real, &linked).unwrap();
        let cleared = clear(&linked, &project, &project).unwrap().unwrap();
        assert_eq!(cleared.entries, 1);
        assert!(outside.join("precious.txt").is_file());
        assert!(!real.join(ENTRIES_DIR).exists());
        assert!(real.join(CACHE_DIR_TAG).is_file());
        assert!(
            fs::symlink_metadata(&linked)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // Still a cache wirelint accepts.
        assert!(Cache::open(&linked, &project, &project).is_ok());
    }

    #[test]
    fn the_directory_is_tagged_and_ignored_by_git() {
        let temp = tempfile::tempdir().unwrap();
        let directory = temp.path().join("nested/.wirelint_cache");
        let cache = open(&directory);
        assert_eq!(cache.directory(), directory);
        let tag = fs::read_to_string(directory.join(CACHE_DIR_TAG)).unwrap();
        assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55\n"));
        let gitignore = fs::read_to_string(directory.join(".gitignore")).unwrap();
        assert!(gitignore.lines().any(|line| line == "*"));
        // Opening again keeps what is there.
        fs::write(directory.join(".gitignore"), "*\n# mine\n").unwrap();
        open(&directory);
        let kept = fs::read_to_string(directory.join(".gitignore")).unwrap();
        assert_eq!(kept, "*\n# mine\n");
    }

    #[test]
    fn a_stored_result_is_replayed_exactly() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let settings = LinterSettings::default();
        let key = cache.key(Path::new("app.py"), &settings, None);
        let content = ContentHash::of(SOURCE.as_bytes());
        assert_eq!(cache.get(key, content), None);
        let diagnostics = diagnostics();
        assert!(
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic.fix.is_some())
        );
        assert!(
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic.fix.is_none())
        );
        cache.put(key, content, &diagnostics);
        assert_eq!(cache.get(key, content), Some(diagnostics.clone()));
        // The same entry again (as from another run sharing the cache) is
        // not written again.
        let written = fs::metadata(cache.entry_path(key))
            .unwrap()
            .modified()
            .unwrap();
        let inode = entry_inode(&cache, key);
        cache.put(key, content, &diagnostics);
        assert_eq!(entry_inode(&cache, key), inode);
        assert_eq!(
            fs::metadata(cache.entry_path(key))
                .unwrap()
                .modified()
                .unwrap(),
            written
        );
        cache.put(key, content, &[]);
        assert_eq!(cache.get(key, content), Some(Vec::new()));
        assert_eq!(entry_files(&cache).len(), 1);
        assert_eq!(cache.write_failures(), None);
    }

    #[test]
    fn a_relative_path_is_keyed_as_absolute() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let settings = LinterSettings::default();
        assert_eq!(
            cache.key(Path::new("src/app.py"), &settings, None),
            cache.key(Path::new("/project/src/app.py"), &settings, None)
        );
        assert_ne!(
            cache.key(Path::new("src/app.py"), &settings, None),
            cache.key(Path::new("src/other.py"), &settings, None)
        );
    }

    #[test]
    fn changed_content_misses_and_overwrites_the_entry() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let key = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let before = ContentHash::of(SOURCE.as_bytes());
        cache.put(key, before, &diagnostics());
        let edited = format!("{SOURCE}x = 1\n");
        let after = ContentHash::of(edited.as_bytes());
        assert_eq!(cache.get(key, after), None);
        // Same length, other bytes.
        let same_length = SOURCE.replace("url", "uri");
        assert_eq!(
            cache.get(key, ContentHash::of(same_length.as_bytes())),
            None
        );
        cache.put(key, after, &[]);
        assert_eq!(cache.get(key, after), Some(Vec::new()));
        assert_eq!(cache.get(key, before), None);
        assert_eq!(entry_files(&cache).len(), 1, "one entry per file");
    }

    #[test]
    fn every_setting_is_part_of_the_key() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let path = Path::new("app.py");
        let base = LinterSettings::default();
        let key = cache.key(path, &base, None);
        assert_eq!(key, cache.key(path, &base.clone(), None));
        let mut fewer_rules = base.clone();
        fewer_rules.rules.remove(Rule::MissingTimeout);
        let preview = LinterSettings {
            rules: RuleSelection {
                preview: true,
                ..RuleSelection::default()
            }
            .resolve(),
            ..base.clone()
        };
        let variants = [
            fewer_rules,
            preview,
            LinterSettings {
                extend_client_classes: vec!["acme.Client".to_string()],
                ..base.clone()
            },
            LinterSettings {
                extend_network_modules: vec!["acme".to_string()],
                ..base.clone()
            },
            LinterSettings {
                extend_error_classes: vec!["acme.Error".to_string()],
                ..base.clone()
            },
            LinterSettings {
                max_retries: 2,
                ..base.clone()
            },
        ];
        let mut keys = vec![key, cache.key(path, &base, Some("acme"))];
        keys.extend(
            variants
                .iter()
                .map(|settings| cache.key(path, settings, None)),
        );
        for (index, key) in keys.iter().enumerate() {
            assert!(!keys[..index].contains(key), "variant {index} shares a key");
        }
        // A list item moving to another list is another setting.
        let moved = LinterSettings {
            extend_network_modules: vec!["acme".to_string()],
            ..base.clone()
        };
        let moved_again = LinterSettings {
            extend_client_classes: vec!["acme".to_string()],
            ..base
        };
        assert_ne!(
            cache.key(path, &moved, None),
            cache.key(path, &moved_again, None)
        );
    }

    #[test]
    fn another_settings_key_is_another_entry() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let content = ContentHash::of(SOURCE.as_bytes());
        let default = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let mut narrow_settings = LinterSettings::default();
        narrow_settings.rules.remove(Rule::ScalarTimeout);
        let narrow = cache.key(Path::new("app.py"), &narrow_settings, None);
        cache.put(default, content, &diagnostics());
        assert_eq!(cache.get(narrow, content), None);
        cache.put(narrow, content, &[]);
        assert_eq!(cache.get(default, content), Some(diagnostics()));
        assert_eq!(cache.get(narrow, content), Some(Vec::new()));
    }

    #[test]
    fn another_engine_misses() {
        let temp = tempfile::tempdir().unwrap();
        let current = open(&temp.path().join("cache"));
        let key = current.key(Path::new("app.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(SOURCE.as_bytes());
        current.put(key, content, &diagnostics());
        let older = Cache::open_for_engine(
            &temp.path().join("cache"),
            Path::new("/project"),
            Path::new("/project"),
            engine_key() ^ 1,
        )
        .unwrap();
        assert_eq!(older.get(key, content), None);
        older.put(key, content, &[]);
        assert_eq!(current.get(key, content), None, "overwritten in place");
        assert_eq!(older.get(key, content), Some(Vec::new()));
    }

    #[test]
    fn the_engine_key_covers_the_version_and_the_build() {
        assert_eq!(env!("WIRELINT_ENGINE_FINGERPRINT").len(), 32);
        let mut hasher = KeyHasher::default();
        hasher.bytes(b"0.0.0-other");
        hasher.bytes(env!("WIRELINT_ENGINE_FINGERPRINT").as_bytes());
        hasher.bytes(&FORMAT_VERSION.to_le_bytes());
        assert_ne!(hasher.0.digest128(), engine_key());
    }

    #[test]
    fn damaged_entries_are_misses_and_get_rebuilt() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let key = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(SOURCE.as_bytes());
        cache.put(key, content, &diagnostics());
        let path = cache.entry_path(key);
        let intact = fs::read(&path).unwrap();
        let mut damaged: Vec<Vec<u8>> = vec![
            Vec::new(),
            intact[..HEADER_LEN - 1].to_vec(),
            intact[..HEADER_LEN].to_vec(),
            intact[..intact.len() - 1].to_vec(),
            b"garbage".repeat(40),
            [intact.clone(), b" ".to_vec()].concat(),
        ];
        // Every single flipped byte, header and body.
        for index in 0..intact.len() {
            let mut flipped = intact.clone();
            flipped[index] ^= 0x20;
            damaged.push(flipped);
        }
        for bytes in &damaged {
            fs::write(&path, bytes).unwrap();
            assert_eq!(cache.get(key, content), None, "{bytes:?}");
            cache.put(key, content, &diagnostics());
            assert_eq!(cache.get(key, content), Some(diagnostics()));
        }
    }

    #[test]
    fn an_intact_entry_with_impossible_content_is_a_miss() {
        let content = ContentHash::of(SOURCE.as_bytes());
        let key = EntryKey(7);
        let engine = 9;
        let entry = |diagnostics: &[Diagnostic]| encode(engine, key, content, diagnostics).unwrap();
        let mut beyond_the_end = diagnostics();
        beyond_the_end[0].range = TextRange::new(TextSize::new(0), TextSize::new(10_000));
        assert_eq!(decode(&entry(&beyond_the_end), engine, key, content), None);
        let mut bad_edit = diagnostics();
        let fix = bad_edit.iter_mut().find_map(|d| d.fix.as_mut()).unwrap();
        fix.edits[0].range = TextRange::new(TextSize::new(0), TextSize::new(10_000));
        assert_eq!(decode(&entry(&bad_edit), engine, key, content), None);
        // A body naming a rule this build does not have.
        let mut data = entry(&diagnostics());
        let body = String::from_utf8(data[HEADER_LEN..].to_vec()).unwrap();
        let renamed = body.replace("\"WL203\"", "\"WL999\"");
        assert_ne!(body, renamed);
        data.truncate(HEADER_LEN);
        data.extend_from_slice(renamed.as_bytes());
        let checksum = xxh3_64(&data[CHECKSUMMED_FROM..]);
        data[8..16].copy_from_slice(&checksum.to_le_bytes());
        assert_eq!(decode(&data, engine, key, content), None);
        assert_eq!(
            decode(&entry(&diagnostics()), engine, key, content),
            Some(diagnostics())
        );
    }

    #[test]
    fn an_unreadable_entry_is_a_miss_and_an_unwritable_cache_is_counted() {
        let temp = tempfile::tempdir().unwrap();
        let cache = open(&temp.path().join("cache"));
        let key = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(SOURCE.as_bytes());
        // A directory where the entry should be: unreadable and unwritable,
        // even for root.
        let path = cache.entry_path(key);
        fs::create_dir_all(path.join("inner")).unwrap();
        assert_eq!(cache.get(key, content), None);
        cache.put(key, content, &[]);
        cache.put(key, content, &[]);
        let (count, first) = cache.write_failures().unwrap();
        assert_eq!(count, 2);
        assert!(first.contains(&path.display().to_string()), "{first}");
        fs::remove_dir_all(&path).unwrap();
        cache.put(key, content, &[]);
        assert_eq!(cache.get(key, content), Some(Vec::new()));
        // A cache directory that cannot be created is an error to report.
        let blocked = temp.path().join("file");
        fs::write(&blocked, "").unwrap();
        assert!(Cache::open(&blocked.join("cache"), Path::new("/"), Path::new("/")).is_err());
    }

    #[test]
    fn concurrent_writers_and_readers_never_see_a_torn_entry() {
        let temp = tempfile::tempdir().unwrap();
        let cache = Arc::new(open(&temp.path().join("cache")));
        let key = cache.key(Path::new("app.py"), &LinterSettings::default(), None);
        let content = ContentHash::of(SOURCE.as_bytes());
        let full = diagnostics();
        // Two writers store different (both valid) results for the same
        // file; readers must see one of them or nothing, never garbage.
        let writers: Vec<_> = (0..2)
            .map(|writer| {
                let cache = Arc::clone(&cache);
                let full = full.clone();
                std::thread::spawn(move || {
                    for round in 0..300 {
                        let stored = if (round + writer) % 2 == 0 {
                            &full[..]
                        } else {
                            &[]
                        };
                        cache.put(key, content, stored);
                    }
                })
            })
            .collect();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let cache = Arc::clone(&cache);
                let full = full.clone();
                std::thread::spawn(move || {
                    let mut seen = 0;
                    for _ in 0..600 {
                        if let Some(found) = cache.get(key, content) {
                            assert!(found.is_empty() || found == full, "{found:?}");
                            seen += 1;
                        }
                    }
                    seen
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        for reader in readers {
            reader.join().unwrap();
        }
        assert!(cache.get(key, content).is_some());
        assert_eq!(cache.write_failures(), None);
        let leftovers: Vec<_> = fs::read_dir(cache.entry_path(key).parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary files: {leftovers:?}");
    }
}
