//! Scenarios uploaded as a zipped GENIUS or GeniusWeb folder
//! (`scenario_zip_base64` of `POST /sessions`).
//!
//! The archive is unpacked into a fresh temporary folder that is deleted
//! afterwards. Only regular `.xml` and `.json` files (any letter case,
//! `.XML` included) are taken, each under its base name alone (folders
//! inside the archive are flattened), so no
//! entry can be written outside that folder; symbolic links, names that try
//! to leave the archive (`..`, absolute paths), duplicate names, too many
//! entries and too much unpacked data are refused. The folder is read with
//! `pactum_core::io::load` and the scenario stored as native TOML.

use std::io::{Cursor, Read};

use base64::Engine;

/// Most entries an archive may have (folders included).
pub const MAX_ENTRIES: usize = 256;
/// Most bytes all taken files may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a base64 zip of a GENIUS or GeniusWeb scenario folder and returns
/// the scenario as native TOML. Errors are meant for the uploader.
pub fn scenario_toml_from_zip_base64(b64: &str) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("scenario_zip_base64: not base64: {e}"))?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("scenario_zip_base64: not a zip archive: {e}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "scenario_zip_base64: more than {MAX_ENTRIES} entries"
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| format!("unpacking the archive: {e}"))?;
    let mut total: u64 = 0;
    let mut taken = std::collections::HashSet::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("scenario_zip_base64: entry {i}: {e}"))?;
        let raw_name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        let Some(path) = entry.enclosed_name() else {
            return Err(format!(
                "scenario_zip_base64: entry {raw_name:?} leaves the archive"
            ));
        };
        if entry.is_symlink() {
            return Err(format!(
                "scenario_zip_base64: entry {raw_name:?} is a symbolic link"
            ));
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
            return Err(format!(
                "scenario_zip_base64: two files named {base:?} (folders are flattened)"
            ));
        }
        let mut data = Vec::new();
        let budget = MAX_UNPACKED_BYTES - total;
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("scenario_zip_base64: entry {raw_name:?}: {e}"))?;
        total += data.len() as u64;
        if total > MAX_UNPACKED_BYTES {
            return Err(format!(
                "scenario_zip_base64: the files unpack to more than {MAX_UNPACKED_BYTES} bytes"
            ));
        }
        std::fs::write(dir.path().join(&base), &data)
            .map_err(|e| format!("unpacking the archive: {e}"))?;
    }
    if taken.is_empty() {
        return Err(
            "scenario_zip_base64: no .xml or .json files (expected a GENIUS or GeniusWeb scenario folder)"
                .into(),
        );
    }
    let loaded = pactum_core::io::load(dir.path(), None).map_err(|e| {
        // Name the upload, not the temporary folder.
        e.to_string()
            .replace(&dir.path().display().to_string(), "scenario_zip_base64")
    })?;
    pactum_core::native::to_toml(&loaded.scenario).map_err(|e| format!("scenario_zip_base64: {e}"))
}
