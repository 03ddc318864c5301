//! What a loader hands back: the scenario plus anything it had to tell the
//! user about (ignored legacy blocks, normalisations), so nothing is dropped
//! silently.

use crate::model::Scenario;

/// A parsed scenario and the warnings produced while reading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<String>,
    /// The `forecast` section of a native file (the forecasting models'
    /// inputs, which the negotiation model does not use), kept so that
    /// converting between TOML and JSON does not drop it.
    pub forecast: Option<crate::native::ForecastFile>,
}

use std::path::Path;

use crate::error::{Error, Result};

/// Reads a scenario from a native `.toml`/`.json` file, or a folder of GENIUS
/// XML or GeniusWeb JSON files. `profiles` picks some of a folder's profiles
/// (by file stem); by default all of them take part.
pub fn load(path: &Path, profiles: Option<&[String]>) -> Result<Loaded> {
    let label = path.display().to_string();
    crate::fsutil::check_input(path)?;
    if path.is_dir() {
        return load_folder(path, profiles);
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        file: label.clone(),
        source,
    })?;
    if profiles.is_some() {
        return Err(Error::Unsupported(format!(
            "{label}: choosing profiles applies to GENIUS and GeniusWeb folders only"
        )));
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => crate::native::from_toml(&label, &text),
        Some("json") => crate::native::from_json(&label, &text),
        _ => Err(Error::Unsupported(format!(
            "{label}: unknown scenario format (expected a .toml or .json file, or a folder of GENIUS/GeniusWeb files)"
        ))),
    }
}

fn load_folder(path: &Path, profiles: Option<&[String]>) -> Result<Loaded> {
    let label = path.display().to_string();
    let entries = std::fs::read_dir(path).map_err(|source| Error::Io {
        file: label.clone(),
        source,
    })?;
    let (mut xml, mut json) = (false, false);
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            file: label.clone(),
            source,
        })?;
        match entry.path().extension().and_then(|e| e.to_str()) {
            Some("xml") => xml = true,
            Some("json") => json = true,
            _ => {}
        }
    }
    match (xml, json) {
        (true, _) => crate::genius::load_folder(path, profiles),
        (false, true) => crate::geniusweb::load(path, profiles),
        (false, false) => Err(Error::Unsupported(format!(
            "{label}: no GENIUS (.xml) or GeniusWeb (.json) scenario files in this folder"
        ))),
    }
}
