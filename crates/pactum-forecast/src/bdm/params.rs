//! The BDM model's switches: every point where the published descriptions disagree (V1–V9 of
//! the spec) is a field of [`BdmParams`], with named presets for the known readings.
//!
//! Rules: `BdmParams::default()` is the jmckib reading that reproduces Scholz et al.'s Table 2
//! (Scholz-code probability over all triples, risk in the votes, Q = 1, evaluator's risk
//! exponent, adversary-column security, full move of the weaker side, type-ordered offers, no
//! capitulation, the initial range, 10 rounds); each preset changes only what its reading
//! changes; every field serialises under its own name.

use serde::{Deserialize, Serialize};

/// V1: how the probability that i beats j is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProbabilityRule {
    /// Eq. 31: `Σ_{k:arg>0} w arg / Σ_k w |arg|`, so `P_ij + P_ji = 1`.
    PaperEq31,
    /// Scholz's code: positive votes over the sum of |votes| over all triples (tiny P).
    ScholzAllTriples,
    /// Net votes clipped at zero over `Σ_k w |arg|`.
    NetNumerator,
}

/// V2: the T switch of eq. 25a (only matters when Q < 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TRule {
    /// Always 0.
    Zero,
    /// Always 1.
    One,
    /// `T = 1` iff `|x_i − μ| < |x_i − x_j|`.
    CloserToMedian,
}

/// V3: the reference point μ used in `U_b`/`U_w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MuRule {
    /// The Condorcet (weighted median) position.
    CondorcetMedian,
    /// The weighted mean position.
    WeightedMean,
}

/// V4: whose risk exponent enters `E(U_ji)` when actor i evaluates an offer from j.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskOwner {
    /// The evaluating actor's r for both directions.
    Evaluator,
    /// Each challenger's own r.
    Challenger,
}

/// V5: security of actor i.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecurityRule {
    /// `Σ_j E(U_ji)`: what adversaries expect from challenging i.
    AdversaryColumn,
    /// `Σ_j E(U_ij)`: what i expects from challenging others.
    OwnRow,
}

/// V6: what happens when both sides want to challenge (a, b > 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConflictRule {
    /// The side with the lower expected utility moves fully to the other's position.
    WeakerMovesFully,
    /// Uncertain outcome: nobody moves.
    NoMove,
}

/// V7: which of the offers an actor receives it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfferSelection {
    /// The offer that moves the actor least.
    LeastMove,
    /// The offer whose proposer has the highest expected utility; least move on ties.
    MaxEnforceability,
    /// Confrontation, then compromise, then capitulation; least move within a type except
    /// compromises, which take the smallest `(|a| x_i + |b| x_j)/(|a|+|b|)`.
    TypeOrder,
    /// Only the challenge with the largest positive challenger EU counts (dmasad reading).
    MaxChallengerEu,
}

/// V8: the range R that normalises distances.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum RangeRule {
    /// max − min of the initial positions, kept for the whole run.
    Initial,
    /// max − min of the current positions.
    Dynamic,
    /// A fixed continuum length.
    Fixed(f64),
}

/// V9: when to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopRule {
    /// Exactly this many rounds.
    Rounds(usize),
    /// Stop once the median has not changed for `k` rounds, at most `max` rounds.
    MedianStable {
        /// Rounds the median must stay unchanged.
        k: usize,
        /// Most rounds.
        max: usize,
    },
}

/// All switches of the model; `Default` is the jmckib/Scholz-replication configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BdmParams {
    /// V1: normalisation of the probability of winning.
    pub probability: ProbabilityRule,
    /// Votes inside the probability use each voter's risk exponent: `(|x_k−x|/R)^{r_k}`.
    pub votes_use_risk: bool,
    /// Q, the probability the status quo holds when no challenge is made.
    pub q: f64,
    /// V2: the T switch.
    pub t_rule: TRule,
    /// V3: the reference point μ.
    pub mu: MuRule,
    /// V4: whose risk exponent is used.
    pub risk_owner: RiskOwner,
    /// The security rule.
    pub security: SecurityRule,
    /// The conflict rule.
    pub conflict: ConflictRule,
    /// How an actor picks among the offers it receives.
    pub offer_selection: OfferSelection,
    /// Whether the capitulation branch (a < 0 < b, |a| > |b|: i moves fully) fires.
    pub capitulation: bool,
    /// The continuum length R.
    pub range: RangeRule,
    /// V9: when to stop.
    pub stop: StopRule,
}

impl Default for BdmParams {
    fn default() -> Self {
        Self::jmckib()
    }
}

impl BdmParams {
    /// The reading that reproduces Scholz et al.'s Table 2 (jmckib port).
    pub fn jmckib() -> Self {
        Self {
            probability: ProbabilityRule::ScholzAllTriples,
            votes_use_risk: true,
            q: 1.0,
            t_rule: TRule::One,
            mu: MuRule::CondorcetMedian,
            risk_owner: RiskOwner::Evaluator,
            security: SecurityRule::AdversaryColumn,
            conflict: ConflictRule::WeakerMovesFully,
            offer_selection: OfferSelection::TypeOrder,
            capitulation: false,
            range: RangeRule::Initial,
            stop: StopRule::Rounds(10),
        }
    }

    /// jmckib with the paper's eq. 31 probability (collapses to one position in a few rounds).
    pub fn jmckib_eq31() -> Self {
        Self {
            probability: ProbabilityRule::PaperEq31,
            ..Self::jmckib()
        }
    }

    /// The dmasad port: net-vote probability, each challenger's own r, only the strongest
    /// positive challenge counts (reproduces its 2-cycle on the emission case).
    pub fn dmasad() -> Self {
        Self {
            probability: ProbabilityRule::NetNumerator,
            votes_use_risk: false,
            risk_owner: RiskOwner::Challenger,
            offer_selection: OfferSelection::MaxChallengerEu,
            ..Self::jmckib()
        }
    }

    /// The paper as written: eq. 31, eq. 25a with Q = 1, least-move offers, dynamic range.
    pub fn paper() -> Self {
        Self {
            probability: ProbabilityRule::PaperEq31,
            votes_use_risk: false,
            q: 1.0,
            t_rule: TRule::CloserToMedian,
            mu: MuRule::CondorcetMedian,
            risk_owner: RiskOwner::Challenger,
            security: SecurityRule::AdversaryColumn,
            conflict: ConflictRule::WeakerMovesFully,
            offer_selection: OfferSelection::LeastMove,
            capitulation: true,
            range: RangeRule::Dynamic,
            stop: StopRule::Rounds(10),
        }
    }
}
