//! Reading a conflict from a file: the native format (TOML or JSON, a
//! standalone conflict file or the `[conflict]` section of a scenario file;
//! see docs/conflict.md) and GMCR+ / gmcr-py `.gmcr` JSON files.
//!
//! Rules: the format is chosen by extension (`.gmcr` → GMCR+, `.json` →
//! native JSON, anything else → native TOML); a native file whose top level
//! has a `conflict` table and no `options` is a scenario file and its
//! section is read; every error names the file, the line when known and the
//! field; parts of a `.gmcr` file that are read but not analysed
//! (coalitions, misperceptions) are reported in [`Read::not_analysed`].

mod gmcr;
mod native;
mod place;

use std::path::Path;

use crate::error::ReadError;

pub use place::Read;

/// Reads the conflict in `path`.
pub fn read_file(path: &Path) -> Result<Read, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    read_str(path, &text)
}

/// Reads the conflict in `text`, named `path` in errors (whose extension
/// chooses the format).
pub fn read_str(path: &Path, text: &str) -> Result<Read, ReadError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("gmcr") => gmcr::read(path, text),
        Some("json") => native::read(path, text, false),
        _ => native::read(path, text, true),
    }
}
