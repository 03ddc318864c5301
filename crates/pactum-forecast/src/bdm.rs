//! The Bueno de Mesquita expected-utility ("challenge") model as reconstructed by Scholz,
//! Calbert & Smith (2011), spec §4.2.
//!
//! The published descriptions disagree on several points, so every reading is a switch
//! ([`BdmParams`], V1-V9 of the spec). The default is the configuration of the open Python port
//! that reproduces Scholz's Table 2 (the "jmckib" reading): Scholz-code probability over all
//! triples, Q = 1, evaluator's risk exponent, adversary-column security, full move of the weaker
//! side in a conflict, type-ordered offer selection with the weighted-position key for
//! compromises, range fixed at the initial positions, 10 rounds, and no capitulation (the port's
//! capitulation test can never be true).
//!
//! Each round: (1) risk exponents from security levels computed with r = 1; (2) every actor
//! evaluates, from its own view, the offers it receives from every actor at another position;
//! (3) every actor moves at once to its chosen offer. Forecast = the median voter position after
//! the last round; the capability × salience weighted mean is reported too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Result};
use crate::model::Case;
use crate::result::{DimensionForecast, Forecast, round_of};

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

/// Working state of one pass: positions, risk exponents and precomputed vote normaliser.
struct Pass<'a> {
    p: &'a BdmParams,
    x: &'a [f64],
    w: &'a [f64],
    s: &'a [f64],
    r: &'a [f64],
    range: f64,
    mu: f64,
    triples: f64,
}

impl<'a> Pass<'a> {
    fn new(
        p: &'a BdmParams,
        x: &'a [f64],
        w: &'a [f64],
        s: &'a [f64],
        r: &'a [f64],
        range: f64,
    ) -> Self {
        let mut pass = Pass {
            p,
            x,
            w,
            s,
            r,
            range,
            mu: 0.0,
            triples: 0.0,
        };
        if p.probability == ProbabilityRule::ScholzAllTriples {
            let mut total = 0.0;
            for k in 0..x.len() {
                for a in 0..x.len() {
                    for b in 0..x.len() {
                        total += pass.vote(k, x[a], x[b]).abs();
                    }
                }
            }
            pass.triples = total;
        }
        if p.q < 1.0 {
            pass.mu = match p.mu {
                MuRule::CondorcetMedian => median_voter(x, w, range),
                MuRule::WeightedMean => mean_position(x, w),
            };
        }
        pass
    }

    /// Vote of k for position `a` over `b`.
    fn vote(&self, k: usize, a: f64, b: f64) -> f64 {
        let e = if self.p.votes_use_risk {
            self.r[k]
        } else {
            1.0
        };
        let db = ((self.x[k] - b).abs() / self.range).powf(e);
        let da = ((self.x[k] - a).abs() / self.range).powf(e);
        self.w[k] * (db - da)
    }

    /// Probability that the holder of `xi` beats the holder of `xj`.
    fn probability(&self, xi: f64, xj: f64) -> f64 {
        if xi == xj {
            return 0.0;
        }
        let n = self.x.len();
        let votes: Vec<f64> = (0..n).map(|k| self.vote(k, xi, xj)).collect();
        let pos: f64 = votes.iter().map(|v| v.max(0.0)).sum();
        let abs: f64 = votes.iter().map(|v| v.abs()).sum();
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
        match self.p.probability {
            ProbabilityRule::ScholzAllTriples => ratio(pos, self.triples),
            ProbabilityRule::PaperEq31 => ratio(pos, abs),
            ProbabilityRule::NetNumerator => ratio(votes.iter().sum::<f64>().max(0.0), abs),
        }
    }

    /// Expected utility of i challenging j, evaluated with risk exponent `r`.
    fn eu(&self, i: usize, j: usize, r: f64) -> f64 {
        let (xi, xj) = (self.x[i], self.x[j]);
        let d = (xi - xj).abs() / self.range;
        let util = |v: f64| 2.0 - 4.0 * v.powf(r);
        let us = util(0.5 - 0.5 * d);
        let uf = util(0.5 + 0.5 * d);
        let usq = util(0.5);
        let pr = self.probability(xi, xj);
        let sj = self.s[j];
        let mut eu = sj * (pr * us + (1.0 - pr) * uf) + (1.0 - sj) * us - self.p.q * usq;
        if self.p.q < 1.0 {
            let dm = (xi - self.mu).abs() / self.range;
            let ub = util(0.5 - 0.25 * (dm + d));
            let uw = util(0.5 + 0.25 * (dm + d));
            let t = match self.p.t_rule {
                TRule::Zero => 0.0,
                TRule::One => 1.0,
                TRule::CloserToMedian => {
                    if (xi - self.mu).abs() < (xi - xj).abs() {
                        1.0
                    } else {
                        0.0
                    }
                }
            };
            eu -= (1.0 - self.p.q) * (t * ub + (1.0 - t) * uw);
        }
        eu
    }
}

/// Capability × salience weighted mean.
fn mean_position(x: &[f64], w: &[f64]) -> f64 {
    x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / w.iter().sum::<f64>()
}

/// Median voter among current positions: scans distinct positions in order of first
/// appearance and keeps a challenger only if it wins the (r = 1) vote strictly.
fn median_voter(x: &[f64], w: &[f64], range: f64) -> f64 {
    let mut distinct: Vec<f64> = Vec::new();
    for &v in x {
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    let mut median = distinct[0];
    for &cand in &distinct[1..] {
        let votes: f64 = (0..x.len())
            .map(|k| w[k] * ((x[k] - median).abs() / range - (x[k] - cand).abs() / range))
            .sum();
        if votes > 0.0 {
            median = cand;
        }
    }
    median
}

struct Offer {
    other: usize,
    kind: MoveKind,
    a: f64,
    b: f64,
    pos: f64,
}

/// Runs the model on dimension `d` of `case`.
pub fn run_bdm(case: &Case, d: usize, p: &BdmParams) -> Result<BdmRun> {
    case.validate()?;
    if !(0.0..=1.0).contains(&p.q) {
        return Err(ForecastError::Model {
            model: "bdm",
            message: format!("Q = {} outside [0, 1]", p.q),
        });
    }
    let n = case.actors.len();
    let w: Vec<f64> = case
        .actors
        .iter()
        .map(|a| a.capability * a.saliences[d] / 100.0)
        .collect();
    let s: Vec<f64> = case.actors.iter().map(|a| a.saliences[d] / 100.0).collect();
    if w.iter().sum::<f64>() <= 0.0 {
        return Err(ForecastError::Model {
            model: "bdm",
            message: "all capability × salience weights are zero".into(),
        });
    }
    let mut x = case.positions(d);
    let range_of = |x: &[f64]| {
        let (lo, hi) = x
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        hi - lo
    };
    let initial_range = range_of(&x);
    let mut notes = Vec::new();
    let pick_range = |x: &[f64]| match p.range {
        RangeRule::Initial => initial_range,
        RangeRule::Dynamic => range_of(x),
        RangeRule::Fixed(v) => v,
    };
    let r0 = pick_range(&x);
    if r0 <= 0.0 {
        notes.push("all actors already share one position; nothing to bargain".into());
    }
    let safe = |r: f64| if r > 0.0 { r } else { 1.0 };
    let initial_median = median_voter(&x, &w, safe(r0));
    let mut run = BdmRun {
        actors: case.names(),
        initial_positions: x.clone(),
        initial_median,
        initial_mean: mean_position(&x, &w),
        rounds: Vec::new(),
        notes,
    };
    let (max_rounds, stable_k) = match p.stop {
        StopRule::Rounds(t) => (t, None),
        StopRule::MedianStable { k, max } => (max, Some(k.max(1))),
    };
    let mut stable = 0usize;
    let mut last_median = initial_median;
    for round in 1..=max_rounds {
        let range = pick_range(&x);
        if range <= 0.0 {
            run.notes.push(format!(
                "round {round}: all actors at one position; stopped"
            ));
            break;
        }
        // Pass 1: security levels with r = 1.
        let ones = vec![1.0; n];
        let pass1 = Pass::new(p, &x, &w, &s, &ones, range);
        let security: Vec<f64> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| j != i)
                    .map(|j| match p.security {
                        SecurityRule::AdversaryColumn => pass1.eu(j, i, 1.0),
                        SecurityRule::OwnRow => pass1.eu(i, j, 1.0),
                    })
                    .sum()
            })
            .collect();
        let smax = security.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let smin = security.iter().cloned().fold(f64::INFINITY, f64::min);
        let r: Vec<f64> = if smax > smin {
            security
                .iter()
                .map(|&sec| {
                    let big_r = (2.0 * sec - smax - smin) / (smax - smin);
                    (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
                })
                .collect()
        } else {
            run.notes.push(format!(
                "round {round}: all security levels equal (risk formula undefined); risk exponents set to 1"
            ));
            vec![1.0; n]
        };
        // Pass 2: offers with the new exponents.
        let pass = Pass::new(p, &x, &w, &s, &r, range);
        let mut next = x.clone();
        let mut moves = Vec::new();
        for i in 0..n {
            let mut cands: Vec<(usize, f64, f64)> = Vec::new();
            for j in 0..n {
                if j == i || x[j] == x[i] {
                    continue;
                }
                let a = pass.eu(i, j, r[i]);
                let b = match p.risk_owner {
                    RiskOwner::Evaluator => pass.eu(j, i, r[i]),
                    RiskOwner::Challenger => pass.eu(j, i, r[j]),
                };
                cands.push((j, a, b));
            }
            if p.offer_selection == OfferSelection::MaxChallengerEu {
                // Only the strongest positive challenge is considered.
                let mut best: Option<(usize, f64, f64)> = None;
                for &c in &cands {
                    if c.2 > 0.0 && best.is_none_or(|b| c.2 > b.2) {
                        best = Some(c);
                    }
                }
                cands = best.into_iter().collect();
            }
            let offers: Vec<Offer> = cands
                .iter()
                .filter_map(|&(j, a, b)| classify(p, x[i], x[j], j, a, b))
                .collect();
            if let Some(o) = select(&offers, x[i], p.offer_selection, &x, i) {
                next[i] = o.pos;
                moves.push(Move {
                    actor: case.actors[i].name.clone(),
                    other: case.actors[o.other].name.clone(),
                    kind: o.kind,
                    eu: o.a,
                    other_eu: o.b,
                    new_position: o.pos,
                });
            }
        }
        x = next;
        let median = median_voter(&x, &w, safe(pick_range(&x)));
        run.rounds.push(BdmRound {
            round,
            positions: x.clone(),
            median,
            mean: mean_position(&x, &w),
            risk_exponents: r,
            moves,
        });
        if let Some(k) = stable_k {
            stable = if median == last_median { stable + 1 } else { 0 };
            if stable >= k {
                break;
            }
        }
        last_median = median;
    }
    Ok(run)
}

/// Offer that j's challenge makes to i, classified by (a, b) = (E(U_ij), E(U_ji)).
fn classify(p: &BdmParams, xi: f64, xj: f64, j: usize, a: f64, b: f64) -> Option<Offer> {
    let offer = |kind, pos| {
        Some(Offer {
            other: j,
            kind,
            a,
            b,
            pos,
        })
    };
    if a > 0.0 && b > 0.0 {
        if b > a && p.conflict == ConflictRule::WeakerMovesFully {
            return offer(MoveKind::Confrontation, xj);
        }
    } else if b > 0.0 && a < 0.0 {
        if b > a.abs() {
            return offer(MoveKind::Compromise, xi + (xj - xi) * (a / b).abs());
        } else if p.capitulation && a.abs() > b {
            return offer(MoveKind::Capitulation, xj);
        }
    }
    None
}

fn select<'o>(
    offers: &'o [Offer],
    xi: f64,
    rule: OfferSelection,
    x: &[f64],
    i: usize,
) -> Option<&'o Offer> {
    let first_min = |it: &mut dyn Iterator<Item = &'o Offer>, key: &dyn Fn(&Offer) -> f64| {
        let mut best: Option<&'o Offer> = None;
        for o in it {
            if best.is_none_or(|b| key(o) < key(b)) {
                best = Some(o);
            }
        }
        best
    };
    let least_move = |o: &Offer| (xi - o.pos).abs();
    match rule {
        OfferSelection::LeastMove | OfferSelection::MaxChallengerEu => {
            first_min(&mut offers.iter(), &least_move)
        }
        OfferSelection::MaxEnforceability => {
            let best_b = offers.iter().map(|o| o.b).fold(f64::NEG_INFINITY, f64::max);
            first_min(&mut offers.iter().filter(|o| o.b == best_b), &least_move)
        }
        OfferSelection::TypeOrder => {
            let of = |k: MoveKind| offers.iter().filter(move |o| o.kind == k);
            let key =
                |o: &Offer| (o.a.abs() * x[i] + o.b.abs() * x[o.other]) / (o.a.abs() + o.b.abs());
            first_min(&mut of(MoveKind::Confrontation), &least_move)
                .or_else(|| first_min(&mut of(MoveKind::Compromise), &key))
                .or_else(|| first_min(&mut of(MoveKind::Capitulation), &least_move))
        }
    }
}

/// Runs the model on every dimension and wraps the result as a [`Forecast`].
pub fn forecast(case: &Case, p: &BdmParams) -> Result<Forecast> {
    let mut dims = Vec::new();
    let mut notes = Vec::new();
    for (d, issue) in case.issues.iter().enumerate() {
        let run = run_bdm(case, d, p)?;
        let mut rounds = vec![round_of(&run.actors, &run.initial_positions)];
        rounds.extend(
            run.rounds
                .iter()
                .map(|r| round_of(&run.actors, &r.positions)),
        );
        let mut summary = BTreeMap::new();
        let last_mean = run.rounds.last().map_or(run.initial_mean, |r| r.mean);
        summary.insert("median".to_string(), run.forecast());
        summary.insert("mean".to_string(), last_mean);
        summary.insert("rounds".to_string(), run.rounds.len() as f64);
        notes.extend(run.notes.iter().map(|n| format!("{}: {n}", issue.name)));
        dims.push(DimensionForecast {
            dimension: issue.name.clone(),
            forecast: run.forecast(),
            rounds,
            probabilities: None,
            summary,
        });
    }
    Ok(Forecast {
        model: "bdm".into(),
        case: case.name.clone(),
        dimensions: dims,
        notes,
    })
}
