//! What a loader hands back, whatever the format: the scenario plus
//! anything the reader had to tell the user about (ignored legacy blocks,
//! normalisations), so nothing is dropped silently, the native file's
//! `forecast` section, and a frontier precomputed by GENIUS (`pareto.xml`)
//! when the folder carries one, with its comparison against Pactum's
//! frontier. Every format reader builds it; `io` picks the reader.
//!
//! Rules: a reference frontier is compared point by point within
//! [`FRONTIER_TOLERANCE`], and only its points every negotiator weakly
//! prefers to no deal are expected on Pactum's frontier (which holds
//! rational outcomes only).

use crate::forecast_file::ForecastFile;
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
    pub forecast: Option<ForecastFile>,
    /// The `conflict` section of a native file (a conflict model, which
    /// pactum-conflict reads), kept so that conversions do not drop it.
    pub conflict: Option<serde_json::Value>,
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
    /// Rational reference points that some Pactum frontier point weakly
    /// dominates (at least as good for everyone, within the tolerance):
    /// all of them when Pactum's frontier is exact.
    pub weakly_dominated: usize,
    /// Of those, the points some Pactum frontier point beats by more than
    /// the tolerance for someone: where the reference is not on the frontier.
    pub strictly_dominated: usize,
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
        let (mut weakly, mut strictly) = (0, 0);
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
            let dominating = frontier
                .iter()
                .filter(|q| q.iter().zip(p).all(|(a, b)| *a >= b - FRONTIER_TOLERANCE));
            let mut beaten = false;
            let mut any = false;
            for q in dominating {
                any = true;
                beaten |= q.iter().zip(p).any(|(a, b)| *a > b + FRONTIER_TOLERANCE);
            }
            weakly += usize::from(any);
            strictly += usize::from(beaten);
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
            weakly_dominated: weakly,
            strictly_dominated: strictly,
            largest_difference: largest,
            tolerance: FRONTIER_TOLERANCE,
        }
    }
}
