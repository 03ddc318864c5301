//! The trace of a BDM run: the moves of each round and the positions, median and mean after it.
//!
//! Rules: rounds are numbered from 1; the forecast is the median after the last round, or the
//! initial median when no round ran.

use serde::{Deserialize, Serialize};

/// Kind of a position change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveKind {
    /// Both expect to gain from a challenge; the mover goes all the way.
    Confrontation,
    /// The mover goes part of the way.
    Compromise,
    /// The mover gives in and goes all the way.
    Capitulation,
}

/// One accepted offer: `actor` moves towards `other`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Move {
    /// The actor that moves.
    pub actor: String,
    /// The actor it moves towards.
    pub other: String,
    /// Kind of move.
    pub kind: MoveKind,
    /// The mover's expected utility of challenging `other` (a).
    pub eu: f64,
    /// `other`'s expected utility of challenging the mover, as the mover sees it (b).
    pub other_eu: f64,
    /// The mover's position after the move.
    pub new_position: f64,
}

/// State after one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BdmRound {
    /// Round number, from 1.
    pub round: usize,
    /// Positions after the round, in actor order.
    pub positions: Vec<f64>,
    /// Weighted median after the round.
    pub median: f64,
    /// Weighted mean after the round.
    pub mean: f64,
    /// Risk exponents used in this round.
    pub risk_exponents: Vec<f64>,
    /// The moves made in the round.
    pub moves: Vec<Move>,
}

/// Full trace of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BdmRun {
    /// Actor names, in case order.
    pub actors: Vec<String>,
    /// Positions before the first round.
    pub initial_positions: Vec<f64>,
    /// Weighted median before the first round.
    pub initial_median: f64,
    /// Weighted mean before the first round.
    pub initial_mean: f64,
    /// One entry per round.
    pub rounds: Vec<BdmRound>,
    /// What the run did that a reader should know.
    pub notes: Vec<String>,
}

impl BdmRun {
    /// Median voter position after the last round.
    pub fn forecast(&self) -> f64 {
        self.rounds.last().map_or(self.initial_median, |r| r.median)
    }
}
