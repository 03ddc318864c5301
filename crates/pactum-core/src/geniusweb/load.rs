//! Loading GeniusWeb files, from a folder or from texts in memory.
//!
//! Rules: files are told apart by their content (a domain has
//! `issuesValues`, a profile one `LinearAdditiveUtilitySpace` entry); at
//! most one domain file, at least one profile; without a domain file the
//! first chosen profile's embedded domain is used (reported for a folder);
//! profiles of other types are refused by name when chosen; parties are
//! named after their files.

use std::path::Path;

use serde_json::Value as Json;

use super::read::*;
use crate::error::{Error, Location, Result};
use crate::folder::{files_with_extension, read_text, select, stem};
use crate::loaded::Loaded;
use crate::model::*;

pub(super) enum GwFile {
    Domain(DomainJson),
    Profile(ProfileBody),
    /// A profile of a type other than LinearAdditiveUtilitySpace.
    OtherProfile(String),
}

pub(super) fn classify(file: &str, text: &str) -> Result<Option<GwFile>> {
    let json: Json = serde_json::from_str(text).map_err(|e| json_error(file, text, e))?;
    let Some(obj) = json.as_object() else {
        return Ok(None);
    };
    if obj.contains_key("issuesValues") {
        let d = serde_json::from_str(text).map_err(|e| json_error(file, text, e))?;
        return Ok(Some(GwFile::Domain(d)));
    }
    if obj.contains_key("LinearAdditiveUtilitySpace") {
        let p: ProfileFile = serde_json::from_str(text).map_err(|e| json_error(file, text, e))?;
        return Ok(Some(GwFile::Profile(p.body)));
    }
    if obj.len() == 1 {
        let (kind, body) = obj.iter().next().expect("one entry");
        if body.get("domain").is_some() {
            return Ok(Some(GwFile::OtherProfile(kind.clone())));
        }
    }
    Ok(None)
}

/// Loads GeniusWeb files: a folder holding a domain `.json` and profile
/// `.json` files, or a single profile file (its embedded domain is used).
/// `profiles` picks some profiles by file stem (default: all, ordered by
/// file name). Parties are named after the profile files.
pub fn load(path: &Path, profiles: Option<&[String]>) -> Result<Loaded> {
    let label = path.display().to_string();
    let mut warnings = Vec::new();
    let folder = path.is_dir();
    let paths = if folder {
        files_with_extension(path, "json")?
    } else {
        vec![path.to_path_buf()]
    };
    let mut files = Vec::with_capacity(paths.len());
    for f in &paths {
        let text = read_text(f, &mut warnings)?;
        files.push((f.display().to_string(), text));
    }
    let mut loaded = from_texts(&label, folder, &files, profiles)?;
    warnings.append(&mut loaded.warnings);
    loaded.warnings = warnings;
    Ok(loaded)
}

/// Reads GeniusWeb files already in memory, as [`load`] reads them from
/// disk: `files` holds each file's path (named in messages; its stem names
/// the party of a profile) and text, in the order a folder is read. `label`
/// names the folder (or the single file) and gives the scenario its name
/// when the domain has none; `folder` says whether the files come from a
/// folder (a single profile file may use its embedded domain silently).
pub fn from_texts(
    label: &str,
    folder: bool,
    files: &[(String, String)],
    profiles: Option<&[String]>,
) -> Result<Loaded> {
    let label = label.to_string();
    let mut warnings = Vec::new();
    let mut domains = Vec::new();
    let mut found = Vec::new();
    for (flabel, text) in files {
        let flabel = flabel.clone();
        let party = stem(Path::new(&flabel));
        match classify(&flabel, text)? {
            Some(GwFile::Domain(d)) => domains.push((flabel, d)),
            Some(GwFile::Profile(p)) => found.push((party, (flabel, Ok(p)))),
            Some(GwFile::OtherProfile(kind)) => found.push((party, (flabel, Err(kind)))),
            None => warnings.push(format!(
                "{flabel}: skipped (not a GeniusWeb domain or profile)"
            )),
        }
    }
    if found.is_empty() {
        return Err(Error::format(
            &label,
            Location::default(),
            "no GeniusWeb profile (LinearAdditiveUtilitySpace) found",
        ));
    }
    if domains.len() > 1 {
        return Err(Error::format(
            &label,
            Location::default(),
            format!(
                "more than one GeniusWeb domain file: {}",
                domains
                    .iter()
                    .map(|(l, _)| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let chosen = select(&label, found, profiles)?;
    let mut bodies = Vec::with_capacity(chosen.len());
    for (name, (flabel, body)) in chosen {
        match body {
            Ok(b) => bodies.push((name, flabel, b)),
            Err(kind) => {
                return Err(Error::Unsupported(format!(
                    "{flabel}: GeniusWeb profile type {kind:?} is not supported (only LinearAdditiveUtilitySpace)"
                )));
            }
        }
    }
    let (domain_label, domain_json) = match domains.pop() {
        Some((l, d)) => (l, d),
        None => {
            let (_, flabel, body) = &mut bodies[0];
            let d = body.domain.take().ok_or_else(|| {
                Error::format(
                    flabel.as_str(),
                    Location::field("domain"),
                    "no domain file, and the profile embeds no domain",
                )
            })?;
            if folder {
                warnings.push(format!(
                    "{label}: no domain file; using the domain embedded in {flabel}"
                ));
            }
            (flabel.clone(), d)
        }
    };
    let domain = read_domain(&domain_label, &domain_json, &mut warnings)?;
    let issues: Vec<Issue> = domain.iter().map(|g| g.issue.clone()).collect();
    let mut parties = Vec::with_capacity(bodies.len());
    for (name, flabel, body) in &bodies {
        let prefs = read_profile(flabel, body, &domain, &mut warnings)?;
        parties.push(Party {
            name: name.clone(),
            role: Role::Negotiator,
            representative: None,
            notes: None,
            preferences: Some(prefs),
        });
    }
    let name = domain_json.name.clone().unwrap_or_else(|| {
        Path::new(&label)
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let scenario = Scenario::new(ScenarioParts {
        name,
        description: None,
        notes: None,
        issues,
        parties,
    })
    .map_err(|error| Error::Model {
        file: label.clone(),
        error,
    })?;
    Ok(Loaded {
        scenario,
        warnings,
        forecast: None,
        conflict: None,
        reference_frontier: None,
    })
}
