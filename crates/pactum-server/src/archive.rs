//! Scenarios uploaded as a zipped GENIUS or GeniusWeb folder
//! (`scenario_zip_base64` of `POST /sessions`).
//!
//! The archive is read in memory, never unpacked to disk. Only regular
//! `.xml` and `.json` files (any letter case, `.XML` included) are taken,
//! each under its base name alone (folders inside the archive are
//! flattened); symbolic links, names that try to leave the archive (`..`,
//! absolute paths), duplicate names, too many entries and too much
//! unpacked data are refused. The files are read with
//! `pactum_core::io::from_files` under the label `scenario_zip_base64`
//! (which messages name) and the scenario stored as native TOML.

use std::io::{Cursor, Read};

use base64::Engine;

/// Most entries an archive may have (folders included).
pub(crate) const MAX_ENTRIES: usize = 256;
/// Most bytes all taken files may unpack to.
pub(crate) const MAX_UNPACKED_BYTES: u64 = 8 * 1024 * 1024;

/// The name of the upload in messages (the request's field).
const LABEL: &str = "scenario_zip_base64";

/// Why an uploaded archive was refused. Every message is meant for the
/// uploader and names the request's field.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ArchiveError {
    /// The text is not base64.
    #[error("scenario_zip_base64: not base64: {0}")]
    Base64(#[source] base64::DecodeError),
    /// The bytes are not a zip archive.
    #[error("scenario_zip_base64: not a zip archive: {0}")]
    Zip(#[source] zip::result::ZipError),
    /// The archive has more than [`MAX_ENTRIES`] entries.
    #[error("scenario_zip_base64: more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    /// An entry cannot be read.
    #[error("scenario_zip_base64: entry {index}: {source}")]
    Entry {
        /// The entry's index in the archive.
        index: usize,
        /// What went wrong.
        source: zip::result::ZipError,
    },
    /// An entry's name leaves the archive (`..`, an absolute path).
    #[error("scenario_zip_base64: entry {0:?} leaves the archive")]
    LeavesArchive(String),
    /// An entry is a symbolic link.
    #[error("scenario_zip_base64: entry {0:?} is a symbolic link")]
    SymbolicLink(String),
    /// Two taken files have the same base name.
    #[error("scenario_zip_base64: two files named {0:?} (folders are flattened)")]
    Duplicate(String),
    /// An entry's data cannot be unpacked.
    #[error("scenario_zip_base64: entry {name:?}: {source}")]
    Unpack {
        /// The entry's name in the archive.
        name: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The taken files unpack to more than [`MAX_UNPACKED_BYTES`].
    #[error("scenario_zip_base64: the files unpack to more than {MAX_UNPACKED_BYTES} bytes")]
    TooLarge,
    /// No `.xml` or `.json` file is in the archive.
    #[error(
        "scenario_zip_base64: no .xml or .json files (expected a GENIUS or GeniusWeb scenario folder)"
    )]
    NoScenarioFiles,
    /// The files do not make a scenario (the message names the file).
    #[error(transparent)]
    Scenario(pactum_core::Error),
    /// The scenario cannot be written as native TOML.
    #[error("scenario_zip_base64: {0}")]
    Toml(#[source] pactum_core::Error),
}

/// Reads a base64 zip of a GENIUS or GeniusWeb scenario folder and returns
/// the scenario as native TOML.
pub(crate) fn scenario_toml_from_zip_base64(b64: &str) -> Result<String, ArchiveError> {
    let files = unpack(b64)?;
    let loaded =
        pactum_core::io::from_files(LABEL, &files, None).map_err(ArchiveError::Scenario)?;
    pactum_core::native::to_toml(&loaded.scenario).map_err(ArchiveError::Toml)
}

/// The taken files of a base64 zip, as (base name, bytes), within the
/// limits.
fn unpack(b64: &str) -> Result<Vec<(String, Vec<u8>)>, ArchiveError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(ArchiveError::Base64)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(ArchiveError::Zip)?;
    if zip.len() > MAX_ENTRIES {
        return Err(ArchiveError::TooManyEntries);
    }
    let mut total: u64 = 0;
    let mut taken = std::collections::HashSet::new();
    let mut files = Vec::new();
    for index in 0..zip.len() {
        let mut entry = zip
            .by_index(index)
            .map_err(|source| ArchiveError::Entry { index, source })?;
        let raw_name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        let Some(path) = entry.enclosed_name() else {
            return Err(ArchiveError::LeavesArchive(raw_name));
        };
        if entry.is_symlink() {
            return Err(ArchiveError::SymbolicLink(raw_name));
        }
        let Some(base) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let ext = std::path::Path::new(&base)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        // Skip other files (readme, macOS metadata folders, …).
        if !matches!(ext.as_deref(), Some("xml" | "json"))
            || base.starts_with('.')
            || path.components().any(|c| c.as_os_str() == "__MACOSX")
        {
            continue;
        }
        if !taken.insert(base.clone()) {
            return Err(ArchiveError::Duplicate(base));
        }
        let mut data = Vec::new();
        let budget = MAX_UNPACKED_BYTES - total;
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|source| ArchiveError::Unpack {
                name: raw_name.clone(),
                source,
            })?;
        total += data.len() as u64;
        if total > MAX_UNPACKED_BYTES {
            return Err(ArchiveError::TooLarge);
        }
        files.push((base, data));
    }
    if files.is_empty() {
        return Err(ArchiveError::NoScenarioFiles);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal names the request's field.
    #[test]
    fn refusals_name_the_field() {
        for bad in ["not base64!", "aGVsbG8="] {
            let e = scenario_toml_from_zip_base64(bad).unwrap_err();
            assert!(e.to_string().starts_with("scenario_zip_base64: "), "{e}");
        }
    }
}
