//! A whole SMP run: the scales, the turn loop and its stop rule, and the final positions.
//!
//! Rules: positions are mapped onto the unit scale of each dimension (the given scales, else
//! the issue's own, else 0–100 when every position fits, else min → 0 and max → 100) and back;
//! a scale must have `hi > lo` and there must be one per dimension. The run stops after turn t
//! when `t ≥ 2` and `D(t−1,t) / (D(0,1) + 1e−4) < 0.02` (D the summed Euclidean movement of
//! all actors), or at `max_turns`. The final positions are the distinct positions of the last
//! state (first holder in actor order), sorted ascending, with their PCE; the forecast is their
//! probability-weighted mean, and the most probable one is the first with the largest PCE.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::params::SmpParams;
use super::turn::{Actors, Turn, Workspace};
use crate::error::{ForecastError, Result};
use crate::model::{Case, Scale};

/// One state of the run, positions on the case's own scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmpState {
    /// `positions[actor][dim]`, in case units.
    pub positions: Vec<Vec<f64>>,
    /// Probability of the distinct position each actor holds.
    pub position_probs: Vec<f64>,
    /// Risk attitude ρ of each actor in this state.
    pub risk: Vec<f64>,
}

/// Full trace of an SMP run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmpRun {
    /// Actor names, in case order.
    pub actors: Vec<String>,
    /// Dimension names.
    pub dimensions: Vec<String>,
    /// The scale of each dimension.
    pub scales: Vec<Scale>,
    /// States 0..=T; state 0 holds the initial positions.
    pub states: Vec<SmpState>,
    /// `D(t−1,t) / (D(0,1) + 1e−4)` for each step t ≥ 1.
    pub stop_ratios: Vec<f64>,
    /// Distinct final positions (case units, ascending) with their probabilities.
    pub final_positions: Vec<(Vec<f64>, f64)>,
    /// Probability-weighted final position per dimension.
    pub prob_weighted: Vec<f64>,
    /// Most probable final position per dimension.
    pub most_probable: Vec<f64>,
    /// What the run did that a reader should know.
    pub notes: Vec<String>,
}

fn choose_scales(case: &Case, p: &SmpParams) -> Result<Vec<Scale>> {
    if let Some(s) = &p.scale {
        if s.len() != case.n_dims() {
            return Err(ForecastError::Model {
                model: "smp",
                message: format!("{} scales for {} dimensions", s.len(), case.n_dims()),
            });
        }
        return Ok(s.clone());
    }
    Ok((0..case.n_dims())
        .map(|d| {
            if let Some(s) = case.issues[d].scale {
                return s;
            }
            let (lo, hi) = case.range(d);
            if lo >= 0.0 && hi <= 100.0 {
                Scale { lo: 0.0, hi: 100.0 }
            } else {
                Scale { lo, hi }
            }
        })
        .collect())
}

/// Runs the SMP on `case` (all dimensions jointly).
pub fn run_smp(case: &Case, p: &SmpParams) -> Result<SmpRun> {
    run_with(case, p, true)
}

/// [`run_smp`] keeping only the last state (`states` holds it alone): the same final positions
/// and forecast, without the per-turn probabilities nobody reads.
pub(crate) fn run_smp_final(case: &Case, p: &SmpParams) -> Result<SmpRun> {
    run_with(case, p, false)
}

/// The run, with every state when `trace` is set, else with the last one only.
fn run_with(case: &Case, p: &SmpParams, trace: bool) -> Result<SmpRun> {
    case.validate()?;
    let dims = case.n_dims();
    let scales = choose_scales(case, p)?;
    for (d, s) in scales.iter().enumerate() {
        if s.hi <= s.lo {
            return Err(ForecastError::Model {
                model: "smp",
                message: format!(
                    "dimension `{}`: empty scale {}..{}",
                    case.issues[d].name, s.lo, s.hi
                ),
            });
        }
    }
    let to_unit = |d: usize, v: f64| (v - scales[d].lo) / (scales[d].hi - scales[d].lo);
    let from_unit = |d: usize, v: f64| scales[d].lo + v * (scales[d].hi - scales[d].lo);
    let cap = case.capabilities();
    let sal: Vec<Vec<f64>> = case
        .actors
        .iter()
        .map(|a| a.saliences.iter().map(|s| s / 100.0).collect())
        .collect();
    let tot_sal: Vec<f64> = sal.iter().map(|s| s.iter().sum()).collect();
    let mut pos: Vec<Vec<f64>> = case
        .actors
        .iter()
        .map(|a| (0..dims).map(|d| to_unit(d, a.positions[d])).collect())
        .collect();
    let mut notes = Vec::new();
    if pos
        .iter()
        .flatten()
        .any(|v| !(-1e-9..=1.0 + 1e-9).contains(v))
    {
        notes.push("some positions lie outside the chosen scale; utilities may be negative".into());
    }
    if pos
        .iter()
        .flatten()
        .all(|&v| v.abs() < 1e-9 || (v - 1.0).abs() < 1e-9)
    {
        notes.push(
            "all positions are at the two ends of the scale, so risk attitudes cannot change \
             utilities; KTAB aborts here ('utility values not in valid range'), this port continues \
             with the risk-neutral utilities"
                .into(),
        );
    }
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let actors = Actors::new(&cap, &sal, &tot_sal);
    let mut ws = Workspace::default();
    let mut last_groups: (Vec<usize>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut states = Vec::new();
    let mut stop_ratios = Vec::new();
    let dist_between = |a: &[Vec<f64>], b: &[Vec<f64>]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| {
                x.iter()
                    .zip(y)
                    .map(|(u, v)| (u - v).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .sum()
    };
    // The positions of the turn before, and the movement of the first turn D(0,1).
    let mut prev = pos.clone();
    let mut first_move = 0.0;
    let mut t = 0;
    loop {
        let turn = Turn::new(p, &actors, &pos, &mut ws);
        let mut stop = t >= p.max_turns;
        if t >= 1 {
            if t == 1 {
                first_move = dist_between(&prev, &pos);
            }
            let ratio = dist_between(&prev, &pos) / (first_move + 1e-4);
            stop_ratios.push(ratio);
            stop |= t >= 2 && ratio < 0.02;
        }
        if trace || stop {
            let (reps, group, gp) = turn.position_probs(&mut ws);
            states.push(SmpState {
                positions: pos
                    .iter()
                    .map(|v| {
                        v.iter()
                            .enumerate()
                            .map(|(d, &x)| from_unit(d, x))
                            .collect()
                    })
                    .collect(),
                position_probs: group.iter().map(|&g| gp[g]).collect(),
                risk: turn.rho.clone(),
            });
            last_groups = (reps, gp);
        }
        if stop {
            break;
        }
        prev.clone_from(&pos);
        turn.next_positions(&mut rng, &mut ws, &mut prev);
        std::mem::swap(&mut prev, &mut pos);
        t += 1;
    }
    let last = states.last().expect("at least one state");
    let (final_positions, prob_weighted, most_probable) = final_results(last, last_groups, dims);
    Ok(SmpRun {
        actors: case.names(),
        dimensions: case.issues.iter().map(|i| i.name.clone()).collect(),
        scales,
        states,
        stop_ratios,
        final_positions,
        prob_weighted,
        most_probable,
        notes,
    })
}

/// Final positions with their PCE, the probability-weighted and the most probable position.
type FinalResults = (Vec<(Vec<f64>, f64)>, Vec<f64>, Vec<f64>);

/// The distinct positions of the last state (KTAB's groups: first member in actor order,
/// `groups` = their representatives and PCE) sorted ascending, the probability-weighted
/// position per dimension, and the first position of largest PCE.
fn final_results(last: &SmpState, groups: (Vec<usize>, Vec<f64>), dims: usize) -> FinalResults {
    let (reps, gp) = groups;
    let mut final_positions: Vec<(Vec<f64>, f64)> = reps
        .iter()
        .zip(&gp)
        .map(|(&r, &pr)| (last.positions[r].clone(), pr))
        .collect();
    final_positions.sort_by(|a, b| {
        a.0.iter()
            .zip(&b.0)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let total: f64 = final_positions.iter().map(|f| f.1).sum();
    let prob_weighted: Vec<f64> = (0..dims)
        .map(|d| final_positions.iter().map(|(x, pr)| x[d] * pr).sum::<f64>() / total)
        .collect();
    let mut best = 0;
    for (g, f) in final_positions.iter().enumerate() {
        if f.1 > final_positions[best].1 {
            best = g;
        }
    }
    let most_probable = final_positions[best].0.clone();
    (final_positions, prob_weighted, most_probable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Actor;

    fn case() -> Case {
        Case::one_dim(
            "c",
            vec![
                Actor::new("A", 100.0, 10.0, 80.0),
                Actor::new("B", 60.0, 60.0, 60.0),
                Actor::new("C", 40.0, 90.0, 90.0),
            ],
        )
    }

    #[test]
    fn scales_must_match_the_dimensions_and_be_non_empty() {
        let mut p = SmpParams {
            scale: Some(vec![]),
            ..SmpParams::default()
        };
        let e = run_smp(&case(), &p).unwrap_err();
        assert!(
            matches!(e, ForecastError::Model { model: "smp", .. }),
            "{e}"
        );
        assert!(e.to_string().contains("0 scales for 1 dimensions"), "{e}");
        p.scale = Some(vec![Scale { lo: 5.0, hi: 5.0 }]);
        let e = run_smp(&case(), &p).unwrap_err();
        assert!(e.to_string().contains("empty scale"), "{e}");
    }

    #[test]
    fn the_run_stops_on_small_movement_or_at_the_turn_cap() {
        let run = run_smp(&case(), &SmpParams::default()).unwrap();
        assert_eq!(run.stop_ratios.len(), run.states.len() - 1);
        let last = *run.stop_ratios.last().unwrap();
        assert!(last < 0.02 || run.states.len() - 1 == 100, "{last}");
        let capped = run_smp(
            &case(),
            &SmpParams {
                max_turns: 1,
                ..SmpParams::default()
            },
        )
        .unwrap();
        assert_eq!(capped.states.len(), 2);
    }

    #[test]
    fn final_positions_are_sorted_and_their_probabilities_sum_to_one() {
        let run = run_smp(&case(), &SmpParams::default()).unwrap();
        let f = &run.final_positions;
        assert!(f.windows(2).all(|w| w[0].0[0] < w[1].0[0]));
        assert!((f.iter().map(|x| x.1).sum::<f64>() - 1.0).abs() < 1e-9);
        let best = f.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(f.iter().find(|x| x.1 == best).unwrap().0, run.most_probable);
    }
}
