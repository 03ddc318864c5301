//! Reading a GENIUS folder: one domain file, its profiles, and GENIUS's
//! precomputed frontier when there is one.
//!
//! Rules: files are told apart by their root element, not their names;
//! exactly one domain and at least one profile are needed; files holding
//! no element are skipped with a warning; parties are named after their
//! profile files and ordered by file name unless profiles are chosen; a
//! `pareto.xml` is used only when all the folder's profiles take part.

use std::path::Path;

use super::domain::read_domain;
use super::profile::read_profile;
use super::xml::parse_xml;
use crate::error::{Error, Location, Result};
use crate::folder::{files_with_extension, read_text, select, stem};
use crate::loaded::Loaded;
use crate::model::*;

/// Loads a GENIUS folder: its one domain file and its profiles (all of
/// them, or those named in `profiles`, by file stem). Roles are recognised
/// by root element, not by file name; parties are named after the profile
/// files and, by default, ordered by file name.
pub fn load_folder(dir: &Path, profiles: Option<&[String]>) -> Result<Loaded> {
    load_listed(dir, &files_with_extension(dir, "xml")?, profiles)
}

/// [`load_folder`] with the folder already listed: `files` are its `.xml`
/// files (any case), sorted by name.
pub(crate) fn load_listed(
    dir: &Path,
    files: &[std::path::PathBuf],
    profiles: Option<&[String]>,
) -> Result<Loaded> {
    let labels: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    read_files(
        &dir.display().to_string(),
        &labels,
        |i, warnings| read_text(Path::new(&labels[i]), warnings),
        profiles,
    )
}

/// Reads GENIUS files already in memory, as [`load_folder`] reads them from
/// disk, so that an uploaded folder need not be written out first. `files`
/// holds each file's label (named in messages; its stem names the party of
/// a profile, and a stem `pareto` marks GENIUS's frontier) and its text, in
/// the order a folder is read (by name). `label` names the folder in
/// messages and gives the scenario its name (its last component).
pub fn from_texts(
    label: &str,
    files: &[(String, String)],
    profiles: Option<&[String]>,
) -> Result<Loaded> {
    let labels: Vec<String> = files.iter().map(|(l, _)| l.clone()).collect();
    read_files(label, &labels, |i, _| Ok(files[i].1.clone()), profiles)
}

/// Reads the files `labels` of the folder `folder` one by one, the text of
/// the `i`-th through `read(i, …)` (which may add warnings, e.g. about the
/// text's encoding).
fn read_files(
    folder: &str,
    labels: &[String],
    mut read: impl FnMut(usize, &mut Vec<String>) -> Result<String>,
    profiles: Option<&[String]>,
) -> Result<Loaded> {
    let folder = folder.to_string();
    let mut warnings = Vec::new();
    let mut domains = Vec::new();
    let mut found = Vec::new();
    let mut pareto: Option<(String, Vec<Vec<f64>>)> = None;
    // Every text first, each with the warnings its reading gave, up to the
    // first that cannot be read: the trees below borrow from the texts.
    // Warnings and errors keep the order of the files (a file's reading,
    // then its parsing, then the next file).
    let mut texts = Vec::with_capacity(labels.len());
    let mut unread = None;
    for i in 0..labels.len() {
        let mut said = Vec::new();
        match read(i, &mut said) {
            Ok(text) => texts.push((text, said)),
            Err(e) => {
                unread = Some(e);
                break;
            }
        }
    }
    for (label, (text, said)) in labels.iter().zip(&texts) {
        let label = label.clone();
        warnings.extend(said.iter().cloned());
        let stem = stem(Path::new(&label));
        if stem.eq_ignore_ascii_case("pareto") {
            match read_pareto(text) {
                Ok(points) => pareto = Some((label, points)),
                Err(why) => warnings.push(format!("{label}: GENIUS frontier not read: {why}")),
            }
            continue;
        }
        match parse_xml(&label, text)? {
            None => warnings.push(format!("{label}: skipped (no XML element)")),
            Some(root) if root.name() == "negotiation_template" => domains.push((label, root)),
            Some(root) if root.name() == "utility_space" => found.push((stem, (label, root))),
            Some(root) => warnings.push(format!(
                "{label}: skipped (root <{}> is neither a GENIUS domain nor a profile)",
                root.name()
            )),
        }
    }
    if let Some(e) = unread {
        return Err(e);
    }
    let (domain_label, domain_root) = match domains.len() {
        1 => domains.remove(0),
        0 => {
            return Err(Error::format(
                &folder,
                Location::default(),
                "no GENIUS domain file (root <negotiation_template>) in this folder",
            ));
        }
        _ => {
            return Err(Error::format(
                &folder,
                Location::default(),
                format!(
                    "more than one GENIUS domain file: {}",
                    domains
                        .iter()
                        .map(|(l, _)| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    };
    if found.is_empty() {
        return Err(Error::format(
            &folder,
            Location::default(),
            "no GENIUS profile file (root <utility_space>) in this folder",
        ));
    }
    let profile_count = found.len();
    let chosen = select(&folder, found, profiles)?;
    let domain = read_domain(&domain_label, &domain_root, &mut warnings)?;
    let indices: Vec<i64> = domain.iter().map(|d| d.index).collect();
    let issues: Vec<Issue> = domain.into_iter().map(|d| d.issue).collect();
    let mut parties = Vec::with_capacity(chosen.len());
    for (name, (label, root)) in chosen {
        let prefs = read_profile(&label, &root, &issues, Some(&indices), &mut warnings)?;
        parties.push(Party {
            name,
            role: Role::Negotiator,
            representative: None,
            notes: None,
            preferences: Some(prefs),
        });
    }
    let scenario = Scenario::new(ScenarioParts {
        name: Path::new(&folder)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| folder.clone()),
        description: None,
        notes: None,
        issues,
        parties,
    })
    .map_err(|error| Error::Model {
        file: folder.clone(),
        error,
    })?;
    let reference_frontier = pareto.and_then(|(file, points)| {
        let columns = points.first().map_or(0, Vec::len);
        let why = if profiles.is_some() {
            Some("profiles were chosen, and its columns are all the folder's profiles".to_string())
        } else if columns != profile_count {
            Some(format!(
                "it lists {columns} utilities per point for {profile_count} profiles"
            ))
        } else {
            None
        };
        match why {
            Some(why) => {
                warnings.push(format!("{file}: GENIUS frontier not used: {why}"));
                None
            }
            None => Some(crate::loaded::ReferenceFrontier { file, points }),
        }
    });
    Ok(Loaded {
        scenario,
        warnings,
        forecast: None,
        conflict: None,
        reference_frontier,
    })
}

/// Why a `pareto.xml` was not read (a warning: the scenario loads without it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum ParetoError {
    #[error("more than {MAX_PARETO_POINTS} points")]
    TooManyPoints,
    #[error("line {line}: {text:?} is not a finite number")]
    NotANumber { line: usize, text: String },
    #[error("line {line}: {found} utilities where the first point has {first}")]
    Width {
        line: usize,
        found: usize,
        first: usize,
    },
    #[error("no points")]
    Empty,
}

/// Most points a `pareto.xml` may list.
pub(super) const MAX_PARETO_POINTS: usize = 1_000_000;

/// Reads GENIUS's precomputed frontier (`pareto.xml`): despite the name,
/// plain text, one point per line, its utilities (one per profile, in the
/// profiles' file-name order) separated by commas; blank lines are skipped.
pub(super) fn read_pareto(text: &str) -> std::result::Result<Vec<Vec<f64>>, ParetoError> {
    let mut points: Vec<Vec<f64>> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if points.len() == MAX_PARETO_POINTS {
            return Err(ParetoError::TooManyPoints);
        }
        let point = line
            .split(',')
            .map(|t| {
                let t = t.trim();
                t.parse::<f64>()
                    .ok()
                    .filter(|u| u.is_finite())
                    .ok_or_else(|| ParetoError::NotANumber {
                        line: n + 1,
                        text: t.to_string(),
                    })
            })
            .collect::<std::result::Result<Vec<f64>, ParetoError>>()?;
        if let Some(first) = points.first()
            && first.len() != point.len()
        {
            return Err(ParetoError::Width {
                line: n + 1,
                found: point.len(),
                first: first.len(),
            });
        }
        points.push(point);
    }
    if points.is_empty() {
        return Err(ParetoError::Empty);
    }
    Ok(points)
}

// ---------------------------------------------------------------------------
