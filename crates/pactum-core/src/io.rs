//! What a loader hands back: the scenario plus anything it had to tell the
//! user about (ignored legacy blocks, normalisations), so nothing is dropped
//! silently, and a frontier precomputed by GENIUS (`pareto.xml`) when the
//! folder carries one, with its comparison against Pactum's frontier.
//!
//! Rules: a folder read from memory ([`from_files`]) gives what the same
//! folder gives from disk, its files named under the label given; a lone
//! `.xml` file is refused with a message naming the folder to
//! pass (a GENIUS scenario is a folder, never one of its files); a reference
//! frontier is compared point by point within [`FRONTIER_TOLERANCE`], and
//! only its points every negotiator weakly prefers to no deal are expected
//! on Pactum's frontier (which holds rational outcomes only).

use crate::model::Scenario;

/// A parsed scenario and the warnings produced while reading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario, valid.
    pub scenario: Scenario,
    /// What the reader had to tell: ignored parts, normalisations.
    pub warnings: Vec<String>,
    /// The `forecast` section of a native file (the forecasting models'
    /// inputs, which the negotiation model does not use), kept so that
    /// converting between TOML and JSON does not drop it.
    pub forecast: Option<crate::native::ForecastFile>,
    /// The Pareto frontier GENIUS precomputed for a GENIUS folder
    /// (`pareto.xml`), when the folder has one and all its profiles take
    /// part in their file-name order.
    pub reference_frontier: Option<ReferenceFrontier>,
}

/// A frontier listed by another tool: one utility per negotiator per point,
/// in the scenario's negotiator order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReferenceFrontier {
    /// The file it was read from.
    pub file: String,
    /// The points, as listed.
    pub points: Vec<Vec<f64>>,
}

/// Two utilities closer than this count as the same. GENIUS writes its
/// frontier in single precision (about seven significant digits).
pub const FRONTIER_TOLERANCE: f64 = 1e-6;

/// How a reference frontier compares with Pactum's.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FrontierComparison {
    /// The file the reference frontier came from.
    pub file: String,
    /// The reference points, as listed.
    pub points: Vec<Vec<f64>>,
    /// For each reference point (same order), Pactum's nearest frontier
    /// point; `None` for a point below a reservation value or when Pactum's
    /// frontier is empty.
    pub nearest: Vec<Option<Vec<f64>>>,
    /// For each reference point, its distance to `nearest` (in the largest
    /// single utility).
    pub differences: Vec<Option<f64>>,
    /// Reference points on Pactum's frontier (within the tolerance).
    pub agreeing: usize,
    /// Reference points below some negotiator's reservation value: Pactum's
    /// frontier holds rational outcomes only, so they are not expected on it.
    pub below_reservation: usize,
    /// Rational reference points with no Pactum frontier point within the
    /// tolerance.
    pub differing: usize,
    /// Pactum frontier points that no reference point matches.
    pub pactum_only: usize,
    /// The largest distance (in the largest single utility) from a rational
    /// reference point to the nearest Pactum frontier point; 0 when there is
    /// none to compare.
    pub largest_difference: f64,
    /// The tolerance used.
    pub tolerance: f64,
}

impl ReferenceFrontier {
    /// Compares with `frontier` (Pactum's points, utilities in the same
    /// negotiator order); `reservations` holds each negotiator's reservation
    /// value (no deal), used to tell rational reference points apart.
    pub fn compare(&self, frontier: &[Vec<f64>], reservations: &[f64]) -> FrontierComparison {
        let distance = |a: &[f64], b: &[f64]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0_f64, f64::max)
        };
        // The nearest point of `set` (the first of equally near ones).
        let nearest = |p: &[f64], set: &[Vec<f64>]| -> Option<(usize, f64)> {
            set.iter()
                .enumerate()
                .map(|(i, q)| (i, distance(p, q)))
                .fold(None, |best, (i, d)| match best {
                    Some((_, b)) if b <= d => best,
                    _ => Some((i, d)),
                })
        };
        let (mut agreeing, mut below, mut differing) = (0, 0, 0);
        let mut largest = 0.0_f64;
        let mut near = Vec::with_capacity(self.points.len());
        let mut differences = Vec::with_capacity(self.points.len());
        for p in &self.points {
            let rational = p
                .iter()
                .zip(reservations)
                .all(|(u, r)| *u >= r - FRONTIER_TOLERANCE);
            if !rational {
                below += 1;
                near.push(None);
                differences.push(None);
                continue;
            }
            match nearest(p, frontier) {
                Some((i, d)) => {
                    if d <= FRONTIER_TOLERANCE {
                        agreeing += 1;
                    } else {
                        differing += 1;
                    }
                    largest = largest.max(d);
                    near.push(Some(frontier[i].clone()));
                    differences.push(Some(d));
                }
                None => {
                    differing += 1;
                    near.push(None);
                    differences.push(None);
                }
            }
        }
        let pactum_only = frontier
            .iter()
            .filter(|q| nearest(q, &self.points).is_none_or(|(_, d)| d > FRONTIER_TOLERANCE))
            .count();
        FrontierComparison {
            file: self.file.clone(),
            points: self.points.clone(),
            nearest: near,
            differences,
            agreeing,
            below_reservation: below,
            differing,
            pactum_only,
            largest_difference: largest,
            tolerance: FRONTIER_TOLERANCE,
        }
    }
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
    let (mut xml, mut json) = (false, false);
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            file: label.clone(),
            source,
        })?;
        match entry.path().extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xml") => xml = true,
            Some(e) if e.eq_ignore_ascii_case("json") => json = true,
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
