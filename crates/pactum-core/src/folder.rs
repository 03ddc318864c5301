//! What GENIUS and GeniusWeb folders share: reading a folder's files,
//! choosing its profiles, and naming and writing the files of an export.
//!
//! Rules: a folder's files are read in name order, each a regular file of
//! at most 64 MiB, as UTF-8 or else Latin-1 (reported), a byte-order mark
//! dropped; profiles are chosen by file stem, each at most once, an unknown
//! one named with the list of those available; exported file names are
//! distinct regardless of letter case and free of characters file systems
//! reject; everything a format cannot hold is reported, never dropped
//! silently.

use std::collections::HashSet;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::*;

/// Reads a file of a scenario folder as text: UTF-8, or else Latin-1 (older
/// GENIUS files); only a regular file of at most 64 MiB is read.
pub(crate) fn read_text(path: &Path, warnings: &mut Vec<String>) -> Result<String> {
    // Checked before opening: a FIFO or a device among a folder's files is
    // refused rather than read (which could block for ever).
    let bytes = crate::fsutil::read_bytes(path)?;
    Ok(decode(&path.display().to_string(), bytes, warnings))
}

/// A scenario file's bytes as text: UTF-8, or else Latin-1 (older GENIUS
/// files, reported), without a leading byte-order mark.
pub(crate) fn decode(label: &str, bytes: Vec<u8>, warnings: &mut Vec<String>) -> String {
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!("{label}: not UTF-8; read as Latin-1"));
            e.into_bytes().iter().map(|&b| b as char).collect()
        }
    };
    match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    }
}

/// Whether `name` ends in `.ext` (any letter case).
pub(crate) fn has_extension(name: &str, ext: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Files in `dir` with extension `ext` (any case), sorted by name.
pub(crate) fn files_with_extension(dir: &Path, ext: &str) -> Result<Vec<std::path::PathBuf>> {
    let label = dir.display().to_string();
    let io = |source| Error::Io {
        file: label.clone(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

pub(crate) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Picks profiles by stem: all of them by default, else the named ones in
/// the order given.
pub(crate) fn select<T>(
    folder: &str,
    mut available: Vec<(String, T)>,
    wanted: Option<&[String]>,
) -> Result<Vec<(String, T)>> {
    let Some(wanted) = wanted else {
        return Ok(available);
    };
    let mut chosen = Vec::with_capacity(wanted.len());
    for name in wanted {
        match available.iter().position(|(s, _)| s == name) {
            Some(p) => chosen.push(available.remove(p)),
            None if chosen.iter().any(|(s, _): &(String, T)| s == name) => {
                return Err(Error::Unsupported(format!(
                    "{folder}: profile {name:?} is chosen twice"
                )));
            }
            None => {
                let mut names: Vec<&str> = available
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .chain(chosen.iter().map(|(s, _)| s.as_str()))
                    .collect();
                names.sort_unstable();
                return Err(Error::Unsupported(format!(
                    "{folder}: no profile {name:?}; available profiles: {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(chosen)
}

pub(crate) fn checked(s: &Scenario) -> Result<()> {
    s.validate().map_err(|error| Error::Model {
        file: s.name.clone(),
        error,
    })
}

/// The party at `party` and its preferences, or an error saying why it has
/// no profile in `format`.
pub(crate) fn party_with_preferences<'a>(
    s: &'a Scenario,
    party: usize,
    format: &str,
) -> Result<(&'a Party, &'a Preferences)> {
    let p = s
        .parties
        .get(party)
        .ok_or_else(|| Error::Unsupported(format!("no party #{party} in {:?}", s.name)))?;
    let prefs = p.preferences.as_ref().ok_or_else(|| {
        Error::Unsupported(format!(
            "party {:?} has no preferences, so it has no {format} profile",
            p.name
        ))
    })?;
    Ok((p, prefs))
}

/// A file name from `name`, with characters file systems reject replaced.
pub(crate) fn file_name_for(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// Warnings for everything in the scenario that neither GENIUS nor
/// GeniusWeb files can hold.
pub(crate) fn unsupported_notes(s: &Scenario, format: &str, notes: &mut Vec<String>) {
    if s.description.is_some() {
        notes.push(format!(
            "the scenario description is not written: {format} has no place for it"
        ));
    }
    if s.notes.is_some() {
        notes.push(format!(
            "the scenario notes are not written: {format} has no place for them"
        ));
    }
    for issue in &s.issues {
        if issue.notes.is_some() {
            notes.push(format!("issue {:?}: notes are not written", issue.name));
        }
    }
    for p in &s.parties {
        if p.representative.is_some() || p.notes.is_some() {
            notes.push(format!(
                "party {:?}: representative and notes are not written",
                p.name
            ));
        }
        match (&p.preferences, p.role) {
            (None, role) => notes.push(format!(
                "party {:?} ({role}) has no preferences and is left out: {format} has only negotiating profiles",
                p.name
            )),
            (Some(_), Role::Negotiator) => {}
            (Some(_), role) => notes.push(format!(
                "party {:?} is a {role}; {format} knows only negotiators, so it is written as one",
                p.name
            )),
        }
        if let Some(prefs) = &p.preferences
            && !prefs.red_lines.is_empty()
        {
            notes.push(format!(
                "party {:?}: {} red line(s) are not written: {format} has no red lines",
                p.name,
                prefs.red_lines.len()
            ));
        }
    }
}

/// Picks distinct file names (case-insensitively) for the domain and the
/// parties with preferences; returns `(domain file, [(party, file)])`.
pub(crate) fn file_names(
    s: &Scenario,
    domain_suffix: &str,
    ext: &str,
    notes: &mut Vec<String>,
) -> (String, Vec<(usize, String)>) {
    let mut used = HashSet::new();
    let mut unique = |base: String| {
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    };
    let mut parties = Vec::new();
    for (i, p) in s.parties.iter().enumerate() {
        if p.preferences.is_none() {
            continue;
        }
        let stem = unique(file_name_for(&p.name, "party"));
        if stem != p.name {
            notes.push(format!(
                "party {:?} is written to {stem}.{ext} and reads back as {stem:?}",
                p.name
            ));
        }
        parties.push((i, format!("{stem}.{ext}")));
    }
    let domain = unique(format!(
        "{}{domain_suffix}",
        file_name_for(&s.name, "scenario")
    ));
    (format!("{domain}.{ext}"), parties)
}

/// Loading a folder orders parties by file name; says so if that changes
/// the scenario's order.
pub(crate) fn order_note(party_files: &[(usize, String)], notes: &mut Vec<String>) {
    let mut sorted: Vec<&String> = party_files.iter().map(|(_, f)| f).collect();
    sorted.sort();
    if sorted.iter().zip(party_files).any(|(a, (_, b))| *a != b) {
        notes
            .push("parties read back in file-name order, which differs from the scenario's".into());
    }
}

pub(crate) fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Write {
        file: path.display().to_string(),
        source,
    })
}

pub(crate) fn prepare_folder(
    dir: &Path,
    ext: &str,
    ours: &[&str],
    notes: &mut Vec<String>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        file: dir.display().to_string(),
        source,
    })?;
    let others: Vec<String> = files_with_extension(dir, ext)?
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !ours.iter().any(|o| o.eq_ignore_ascii_case(n)))
        .collect();
    if !others.is_empty() {
        notes.push(format!(
            "{}: the folder already holds other .{ext} files ({}); loading it will read them too",
            dir.display(),
            others.join(", ")
        ));
    }
    Ok(())
}
