//! Reading files wirelint did not create (sources, configuration files,
//! argument files): only regular files are opened, so a FIFO, a device or
//! a socket can neither block a run forever nor feed it without end, and
//! every read is bounded by a limit the caller gives. What a file looked
//! like when it was read is kept as a [`FileStamp`], so a rewrite can tell
//! whether the file changed since.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// The largest configuration file read (`pyproject.toml`, `wirelint.toml`,
/// `--config`). Real ones are a few kilobytes; parsing TOML can take over a
/// hundred times the file's size in memory.
pub(crate) const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The largest argument file (`@FILE`) read: a million paths of 60 bytes.
pub const MAX_ARGUMENT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What identifies a file's state: which file it is (device and inode),
/// its size, its times, its owner, mode and number of names. Two stamps of
/// one file differ when it was written, replaced, renamed over, or had its
/// owner or mode changed in between (to the resolution of the file
/// system's clock; content comparisons cover the rest).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    pub device: u64,
    pub inode: u64,
    pub size: u64,
    /// Modification time, seconds and nanoseconds.
    pub modified: (i64, i64),
    /// Status change time, seconds and nanoseconds.
    pub changed: (i64, i64),
    pub mode: u32,
    pub owner: u32,
    pub group: u32,
    pub links: u64,
}

impl FileStamp {
    #[cfg(unix)]
    pub fn of(metadata: &fs::Metadata) -> FileStamp {
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            device: metadata.dev(),
            inode: metadata.ino(),
            size: metadata.size(),
            modified: (metadata.mtime(), metadata.mtime_nsec()),
            changed: (metadata.ctime(), metadata.ctime_nsec()),
            mode: metadata.mode(),
            owner: metadata.uid(),
            group: metadata.gid(),
            links: metadata.nlink(),
        }
    }

    /// Without inodes and status times, the size and modification time.
    #[cfg(not(unix))]
    pub fn of(metadata: &fs::Metadata) -> FileStamp {
        let modified = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |since| {
                (since.as_secs() as i64, i64::from(since.subsec_nanos()))
            });
        FileStamp {
            device: 0,
            inode: 0,
            size: metadata.len(),
            modified,
            changed: modified,
            mode: u32::from(metadata.permissions().readonly()),
            owner: 0,
            group: 0,
            links: 1,
        }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed.
    Io(io::Error),
    /// The path names something other than a regular file: what it is.
    NotRegular(&'static str),
    /// The file holds more than the limit allows.
    TooLarge { size: u64, limit: u64 },
}

impl ReadError {
    /// Whether the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(error) if error.kind() == io::ErrorKind::NotFound)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "it is too large ({}; the limit is {})",
                human_size(*size),
                human_size(*limit)
            ),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// `1536` → `1.5 KiB`, for messages.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Reads the regular file at `path` (a symbolic link is followed) if it
/// holds at most `limit` bytes, with its stamp. Anything else is refused
/// without reading from it: opening never blocks (a FIFO is opened
/// non-blocking, then refused) and a device is never read.
///
/// The stamp is taken before the read; when the file changes during the
/// read, a later comparison with the file's state tells.
pub(crate) fn read_regular_file(
    path: &Path,
    limit: u64,
) -> Result<(Vec<u8>, FileStamp), ReadError> {
    let file = open_without_blocking(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(&metadata.file_type())));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge {
            size: metadata.len(),
            limit,
        });
    }
    let stamp = FileStamp::of(&metadata);
    let capacity = usize::try_from(metadata.len()).unwrap_or(0);
    // Over the limit here only if it grew while being read.
    let bytes = read_at_most(file, limit, capacity)?;
    Ok((bytes, stamp))
}

/// Everything `file` holds, if that is at most `limit` bytes (one byte
/// more is read to tell); `capacity` is what to expect.
fn read_at_most(file: File, limit: u64, capacity: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads the regular file at `path` (a symbolic link is followed) as text
/// if it holds at most `limit` bytes and they are UTF-8. Anything else is
/// refused: opening never blocks and a device is never read, as for
/// `read_regular_file`.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let (bytes, _) = read_regular_file(path, limit)?;
    utf8_text(bytes)
}

/// Reads an argument file (`@FILE`) as text of at most `limit` UTF-8
/// bytes: a regular file, as `read_regular_text` does, or the pipe a shell
/// hands over for process substitution (`@<(git ls-files)` names
/// `/dev/fd/63`). Such a pipe is read to its end, which comes when the
/// command writing it exits. A FIFO that has a name of its own on disk is
/// still refused: nothing says a writer will ever open it, and reading one
/// before its writer arrives would give an empty list, a run that checks
/// nothing and passes.
pub fn read_argument_file(path: &Path, limit: u64) -> Result<String, ReadError> {
    if !names_an_inherited_descriptor(path) {
        return read_regular_text(path, limit);
    }
    let file = open_without_blocking(path)?;
    let metadata = file.metadata()?;
    if metadata.is_file() {
        return read_regular_text(path, limit);
    }
    if !is_pipe(&metadata.file_type()) {
        return Err(ReadError::NotRegular(kind_of(&metadata.file_type())));
    }
    // The writer is the shell's command, already running: wait for its output.
    #[cfg(unix)]
    {
        let flags = rustix::fs::fcntl_getfl(&file).map_err(io::Error::from)?;
        rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK)
            .map_err(io::Error::from)?;
    }
    utf8_text(read_at_most(file, limit, 0)?)
}

/// Whether `path` names one of the process's open descriptors, as the
/// paths a shell substitutes for `<(command)` do: `/dev/fd/N`,
/// `/proc/self/fd/N` or `/dev/stdin`.
fn names_an_inherited_descriptor(path: &Path) -> bool {
    let Some(text) = path.to_str() else {
        return false;
    };
    if text == "/dev/stdin" {
        return true;
    }
    ["/dev/fd/", "/proc/self/fd/"].iter().any(|prefix| {
        text.strip_prefix(prefix)
            .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Whether `file_type` is a pipe or FIFO.
fn is_pipe(file_type: &fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        file_type.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = file_type;
        false
    }
}

/// `bytes` as text, or an error saying where they stop being UTF-8.
fn utf8_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|error| {
        ReadError::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is not valid UTF-8 (invalid byte at offset {})",
                error.utf8_error().valid_up_to()
            ),
        ))
    })
}

/// Opens `path` for reading. On Unix, with `O_NONBLOCK` (opening a FIFO
/// that has no writer would otherwise wait for one; reads of a regular file
/// ignore the flag) and `O_NOCTTY` (a terminal never becomes ours).
fn open_without_blocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(
            rustix::fs::OFlags::NONBLOCK.bits() as i32 | rustix::fs::OFlags::NOCTTY.bits() as i32,
        );
    }
    options.open(path)
}

/// "a directory", "a FIFO", ... for messages.
pub(crate) fn kind_of(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_with_its_stamp() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("a.py");
        fs::write(&path, b"x = 1\n").unwrap();
        let (bytes, stamp) = read_regular_file(&path, 100).unwrap();
        assert_eq!(bytes, b"x = 1\n");
        assert_eq!(stamp.size, 6);
        assert_eq!(stamp, FileStamp::of(&fs::metadata(&path).unwrap()));
        fs::write(&path, b"x = 2\n").unwrap();
        let (_, again) = read_regular_file(&path, 100).unwrap();
        assert_eq!(again.size, stamp.size);
        #[cfg(unix)]
        assert_ne!(again.changed, (0, 0));
    }

    #[test]
    fn a_file_over_the_limit_is_refused_unread() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("big.toml");
        fs::write(&path, vec![b'#'; 2048]).unwrap();
        let error = read_regular_file(&path, 1024).unwrap_err();
        assert!(matches!(
            error,
            ReadError::TooLarge {
                size: 2048,
                limit: 1024
            }
        ));
        assert_eq!(
            error.to_string(),
            "it is too large (2.0 KiB; the limit is 1.0 KiB)"
        );
        assert!(read_regular_file(&path, 2048).is_ok());
    }

    #[test]
    fn a_directory_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let error = read_regular_file(temp.path(), 1024).unwrap_err();
        assert!(error.to_string().contains("directory"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_and_a_device_are_refused_without_blocking_or_reading() {
        let temp = tempfile::tempdir().unwrap();
        let fifo = temp.path().join("pipe.toml");
        crate::test_support::make_fifo(&fifo);
        // No writer: a blocking open would wait forever.
        let error = read_regular_file(&fifo, 1024).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it is a FIFO (named pipe), not a regular file"
        );
        // Endless: a read would never stop.
        let error = read_regular_file(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it is a character device, not a regular file"
        );
        let link = temp.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(
            read_regular_file(&link, 1024),
            Err(ReadError::NotRegular(_))
        ));
    }

    #[test]
    fn descriptor_paths_are_told_from_other_paths() {
        for path in ["/dev/fd/63", "/proc/self/fd/7", "/dev/stdin"] {
            assert!(names_an_inherited_descriptor(Path::new(path)), "{path}");
        }
        for path in [
            "/dev/fd/",
            "/dev/fd/6x",
            "/dev/fd/../zero",
            "fd/63",
            "/tmp/dev/fd/3",
        ] {
            assert!(!names_an_inherited_descriptor(Path::new(path)), "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_argument_file_is_read_from_an_inherited_pipe_but_not_from_a_named_fifo() {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        let (reader, mut writer) = std::io::pipe().unwrap();
        let descriptor = format!("/dev/fd/{}", reader.as_raw_fd());
        let feeder = std::thread::spawn(move || {
            // Written after the reader is waiting, in two parts, then closed.
            std::thread::sleep(std::time::Duration::from_millis(50));
            writer.write_all(b"a.py\n").unwrap();
            writer.write_all(b"b.py\n").unwrap();
        });
        let text = read_argument_file(Path::new(&descriptor), 1024).unwrap();
        feeder.join().unwrap();
        assert_eq!(text, "a.py\nb.py\n");

        let (reader, mut writer) = std::io::pipe().unwrap();
        writer.write_all(&[b'x'; 64]).unwrap();
        drop(writer);
        let descriptor = format!("/dev/fd/{}", reader.as_raw_fd());
        let error = read_argument_file(Path::new(&descriptor), 16).unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::TooLarge {
                    size: 17,
                    limit: 16
                }
            ),
            "{error}"
        );

        let temp = tempfile::tempdir().unwrap();
        let fifo = temp.path().join("files.fifo");
        crate::test_support::make_fifo(&fifo);
        let error = read_argument_file(&fifo, 1024).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it is a FIFO (named pipe), not a regular file"
        );
        let error = read_argument_file(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it is a character device, not a regular file"
        );
    }

    #[test]
    fn text_must_be_utf8() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("list.txt");
        fs::write(&path, b"a.py\n\xff\n").unwrap();
        let error = read_regular_text(&path, 100).unwrap_err();
        assert!(error.to_string().contains("offset 5"), "{error}");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10), "10 bytes");
        assert_eq!(human_size(4 * 1024 * 1024), "4.0 MiB");
        assert_eq!(human_size(52 * 1000 * 1000), "49.6 MiB");
    }
}
