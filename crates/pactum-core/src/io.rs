//! Reading a scenario from wherever it is: `load` picks the format from the
//! path (file extension, folder contents) and `from_files` reads an
//! uploaded folder from memory; the format readers hand back a [`Loaded`].
//!
//! Rules: a folder read from memory ([`from_files`]) gives what the same
//! folder gives from disk, its files named under the label given; a lone
//! `.xml` file is refused with a message naming the folder to
//! pass (a GENIUS scenario is a folder, never one of its files).

use std::path::Path;

pub use crate::loaded::{FRONTIER_TOLERANCE, FrontierComparison, Loaded, ReferenceFrontier};

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
    if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
    {
        return Err(Error::Unsupported(format!(
            "{label}: a GENIUS file on its own is not a scenario (a domain needs its profiles, a profile its domain); pass the folder {} instead",
            folder_of(path)
        )));
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

/// The folder holding `path`, for messages ("." for a bare file name).
fn folder_of(path: &Path) -> String {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".to_string(),
    }
}

/// Reads a GENIUS or GeniusWeb folder from files in memory (an uploaded
/// archive, say), as [`load`] reads one from disk, without writing it out.
/// `files` holds each file's name inside the folder and its bytes (UTF-8,
/// or Latin-1 as in older GENIUS files). As in a folder, the files are read
/// in name order: when any is `.xml` the folder is a GENIUS one and its
/// `.xml` files are read, else its `.json` files as GeniusWeb; other files
/// are ignored. `label` names the folder in messages (a file is named
/// `label/name`) and gives the scenario its name when its files do not.
pub fn from_files(
    label: &str,
    files: &[(String, Vec<u8>)],
    profiles: Option<&[String]>,
) -> Result<Loaded> {
    use crate::folder::{decode, has_extension};
    let xml = files.iter().any(|(name, _)| has_extension(name, "xml"));
    let json = files.iter().any(|(name, _)| has_extension(name, "json"));
    let ext = match (xml, json) {
        (true, _) => "xml",
        (false, true) => "json",
        (false, false) => {
            return Err(Error::Unsupported(format!(
                "{label}: no GENIUS (.xml) or GeniusWeb (.json) scenario files in this folder"
            )));
        }
    };
    let mut chosen: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(name, _)| has_extension(name, ext))
        .collect();
    chosen.sort_by(|a, b| a.0.cmp(&b.0));
    let mut warnings = Vec::new();
    let texts: Vec<(String, String)> = chosen
        .into_iter()
        .map(|(name, bytes)| {
            let file = Path::new(label).join(name).display().to_string();
            let text = decode(&file, bytes.clone(), &mut warnings);
            (file, text)
        })
        .collect();
    let mut loaded = if xml {
        crate::genius::from_texts(label, &texts, profiles)?
    } else {
        crate::geniusweb::from_texts(label, true, &texts, profiles)?
    };
    warnings.append(&mut loaded.warnings);
    loaded.warnings = warnings;
    Ok(loaded)
}

fn load_folder(path: &Path, profiles: Option<&[String]>) -> Result<Loaded> {
    let label = path.display().to_string();
    let entries = std::fs::read_dir(path).map_err(|source| Error::Io {
        file: label.clone(),
        source,
    })?;
    // Listed once: the `.xml` entries are kept for the GENIUS reader.
    let (mut xml, mut json) = (Vec::new(), false);
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            file: label.clone(),
            source,
        })?;
        let entry = entry.path();
        match entry.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xml") => xml.push(entry),
            Some(e) if e.eq_ignore_ascii_case("json") => json = true,
            _ => {}
        }
    }
    match (!xml.is_empty(), json) {
        (true, _) => {
            // As `genius::load_folder` lists them: regular files, by name.
            xml.retain(|p| p.is_file());
            xml.sort();
            crate::genius::load_listed(path, &xml, profiles)
        }
        (false, true) => crate::geniusweb::load(path, profiles),
        (false, false) => Err(Error::Unsupported(format!(
            "{label}: no GENIUS (.xml) or GeniusWeb (.json) scenario files in this folder"
        ))),
    }
}
