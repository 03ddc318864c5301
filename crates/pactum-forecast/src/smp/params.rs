//! The SMP's parameters: each of KTAB's nine modelling choices as an enum whose `Default` is
//! KTAB's own default, plus the seed, the turn cap and the scales.
//!
//! Rules: `SmpParams::default()` is KTAB's default configuration (linear victory probability,
//! proportional voting, conditional PCE, deterministic transitions, mid risk range, one-third
//! risk adjustment, semi-commitment, S2P2 interpolation, initiator-only bargains, KTAB's seed,
//! at most 100 turns); every field serialises under its own name so saved options read back.

use serde::{Deserialize, Serialize};

use crate::model::Scale;

/// How coalition strengths become a victory probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VictoryProbModel {
    #[default]
    /// `ca / (ca + cb)`.
    Linear,
    /// With strengths squared.
    Square,
    /// With strengths to the fourth power.
    Quartic,
    /// With strengths to the eighth power.
    Octic,
    /// 1 when one side is at least 10% stronger, a linear ramp in between.
    Binary,
}

/// How an actor's utility difference becomes a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VotingRule {
    #[default]
    /// `w · d`, d the utility difference.
    Prop,
    /// `w · (0.8 d + 0.2 sign(d))`.
    PropBin,
    /// `w · sign(d)`.
    Binary,
    /// `w · (0.5 d + 0.5 d³)`.
    PropCbc,
    /// `w · d` for losses, `⅔ w · d` for gains.
    ASymProsp,
    /// `w · d³`.
    Cubic,
}

/// Probability-of-Condorcet-election model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PceModel {
    #[default]
    /// Product of the pairwise victory probabilities, normalised.
    Conditional,
    /// Markov chain whose transitions follow the incentives to switch.
    MarkovIncentive,
    /// Markov chain with uniform transition choice.
    MarkovUniform,
}

/// Whether each actor takes the most probable bargain or samples one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StateTransitions {
    #[default]
    /// Take the most probable bargain.
    Deterministic,
    /// Sample a bargain by its probability.
    Stochastic,
}

/// Range of the inferred risk attitude ρ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BigRRange {
    /// [0, 1].
    Min,
    /// [−½, 1].
    #[default]
    Mid,
    /// [−1, 1].
    Max,
}

/// How much actor h's estimate of i's risk attitude uses i's true ρ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BigRAdjust {
    /// No use of the true ρ.
    NoRA,
    #[default]
    /// One third.
    OneThird,
    /// One half.
    Half,
    /// Two thirds.
    TwoThirds,
    /// The true ρ.
    Full,
}

/// How third parties expect to be bound by the side they join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThirdPartyCommit {
    /// Not bound.
    NoCommit,
    #[default]
    /// Partly bound.
    SemiCommit,
    /// Fully bound.
    FullCommit,
}

/// Interpolation weights of a bargain between two vector positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum InterVecBrgn {
    /// Weights salience × probability.
    S1P1,
    #[default]
    /// Weights (salience × probability)².
    S2P2,
    /// The weaker side moves towards the stronger by the probability gap.
    S2PMax,
}

/// Which bargains a challenge produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BargnModel {
    #[default]
    /// One bargain, at the initiator's challenge probability.
    InitOnlyInterp,
    /// Two bargains, at the initiator's and at the receiver's probability.
    InitRcvrInterp,
    /// One bargain: the two above mixed by capability × total salience.
    PWCompInterp,
}

/// KTAB's default PRNG seed (only used by stochastic transitions).
pub const DEFAULT_SEED: u64 = 0xD67C_C16F_E69C_185C;

/// Parameters of the SMP; `Default` equals KTAB's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmpParams {
    /// Victory probability model.
    pub victory: VictoryProbModel,
    /// Voting rule.
    pub voting: VotingRule,
    /// Probability-of-Condorcet-election model.
    pub pce: PceModel,
    /// State transitions.
    pub transitions: StateTransitions,
    /// Range of ρ.
    pub big_r_range: BigRRange,
    /// Risk adjustment.
    pub big_r_adjust: BigRAdjust,
    /// Third-party commitment.
    pub third_party: ThirdPartyCommit,
    /// Bargain interpolation weights.
    pub inter_vec_brgn: InterVecBrgn,
    /// Bargaining model.
    pub bargn_model: BargnModel,
    /// Seed of stochastic transitions.
    pub seed: u64,
    /// Hard cap on turns (KTAB: 100).
    pub max_turns: usize,
    /// Scale mapping each dimension onto 0-100; `None` uses the issue's own scale, else 0-100
    /// when every position lies within it, else min → 0 and max → 100.
    pub scale: Option<Vec<Scale>>,
}

impl Default for SmpParams {
    fn default() -> Self {
        Self {
            victory: VictoryProbModel::default(),
            voting: VotingRule::default(),
            pce: PceModel::default(),
            transitions: StateTransitions::default(),
            big_r_range: BigRRange::default(),
            big_r_adjust: BigRAdjust::default(),
            third_party: ThirdPartyCommit::default(),
            inter_vec_brgn: InterVecBrgn::default(),
            bargn_model: BargnModel::default(),
            seed: DEFAULT_SEED,
            max_turns: 100,
            scale: None,
        }
    }
}
