//! What the tools agree to read as an input: a regular file of at most
//! [`MAX_INPUT_BYTES`], or a folder. Anything else — a FIFO, a device such as
//! `/dev/zero`, a socket — is refused from its metadata, before it is
//! opened, so reading never blocks on a pipe nor fills memory from a
//! device; a larger file is refused with its size. [`read_text`] also caps
//! what it reads, in case the file grows between the check and the read.

use std::io::Read;
use std::path::Path;

/// Largest file read as a scenario or a forecast input: 64 MiB, far above
/// any real scenario (the largest GENIUS domains are a few megabytes).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// An input that is not a readable file or folder, or is too large.
#[derive(Debug, thiserror::Error)]
pub enum InputFileError {
    /// A FIFO, a device, a socket: reading it could block or never end.
    #[error("{file}: is {kind}, not a regular file or a folder; only files and folders are read")]
    NotAFile {
        /// The input.
        file: String,
        /// What it is ("a FIFO", "a device", …).
        kind: &'static str,
    },
    /// More than [`MAX_INPUT_BYTES`].
    #[error("{file}: is {size} bytes; input files are read up to {limit} bytes (64 MiB)")]
    TooLarge {
        /// The input.
        file: String,
        /// Its size in bytes.
        size: u64,
        /// The most read, in bytes.
        limit: u64,
    },
    /// The metadata or the content could not be read.
    #[error("{file}: cannot read: {error}")]
    Io {
        /// The input.
        file: String,
        /// The operating system's error.
        error: std::io::Error,
    },
}

/// What [`check_input`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A regular file of this many bytes.
    File {
        /// Its size in bytes.
        size: u64,
    },
    /// A folder.
    Folder,
}

/// Checks, from its metadata (symbolic links followed) and without opening
/// it, that `path` is a folder or a regular file of at most
/// [`MAX_INPUT_BYTES`].
pub fn check_input(path: &Path) -> Result<InputKind, InputFileError> {
    let file = || path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|error| InputFileError::Io {
        file: file(),
        error,
    })?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Ok(InputKind::Folder);
    }
    if !kind.is_file() {
        return Err(InputFileError::NotAFile {
            file: file(),
            kind: describe(&kind),
        });
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(InputFileError::TooLarge {
            file: file(),
            size: meta.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(InputKind::File { size: meta.len() })
}

/// Reads the bytes of an input file: checked first with [`check_input`]
/// (so a FIFO or a device is never opened), then read up to
/// [`MAX_INPUT_BYTES`]. For files inside a scenario folder, whose encoding
/// the caller decides.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, InputFileError> {
    let file = || path.display().to_string();
    let size = match check_input(path)? {
        InputKind::File { size } => size,
        InputKind::Folder => {
            return Err(InputFileError::NotAFile {
                file: file(),
                kind: "a folder",
            });
        }
    };
    let io = |error| InputFileError::Io {
        file: file(),
        error,
    };
    let mut bytes = Vec::with_capacity(size as usize);
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputFileError::TooLarge {
            file: file(),
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(bytes)
}

/// Reads a regular file of at most [`MAX_INPUT_BYTES`] as UTF-8 text, after
/// [`check_input`]; a folder is refused as not a file.
pub fn read_text(path: &Path) -> Result<String, InputFileError> {
    String::from_utf8(read_bytes(path)?).map_err(|e| InputFileError::Io {
        file: path.display().to_string(),
        error: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

#[cfg(unix)]
fn describe(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn describe(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_folders_pass_with_their_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "name = 1\n").unwrap();
        assert_eq!(check_input(&path).unwrap(), InputKind::File { size: 9 });
        assert_eq!(check_input(dir.path()).unwrap(), InputKind::Folder);
        assert_eq!(read_text(&path).unwrap(), "name = 1\n");
        assert!(matches!(
            read_text(dir.path()),
            Err(InputFileError::NotAFile {
                kind: "a folder",
                ..
            })
        ));
    }

    #[test]
    fn a_file_over_the_cap_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        // Sparse: 5 GiB of size, no data written.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(5 << 30)
            .unwrap();
        let e = check_input(&path).unwrap_err();
        assert!(matches!(e, InputFileError::TooLarge { size, .. } if size == 5 << 30));
        assert!(e.to_string().contains("5368709120 bytes"), "{e}");
        assert!(read_text(&path).is_err());
        assert!(matches!(
            read_bytes(&path),
            Err(InputFileError::TooLarge { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_from_their_metadata() {
        let e = check_input(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero: is a character device, not a regular file or a folder; only files and folders are read"
        );
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipping the FIFO case: mkfifo is unavailable");
            return;
        }
        // Opening a FIFO with no writer would block: only its metadata is read.
        assert!(matches!(
            read_text(&fifo),
            Err(InputFileError::NotAFile {
                kind: "a FIFO (named pipe)",
                ..
            })
        ));
    }
}
