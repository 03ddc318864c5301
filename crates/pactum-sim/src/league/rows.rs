//! A league's records: one row per negotiation ([`LeagueRow`]), one
//! summary per strategy ([`LeagueSummary`], computed by [`summarize`] from
//! the rows alone), what the files say of each generated scenario
//! ([`ScenarioInfo`]) and the finished league ([`LeagueResult`]). Rules:
//! every summary is a mean over the rows, every seat a strategy held
//! counted once; a finished league's rows are in number order.

use serde::{Deserialize, Serialize};

use super::settings::Settings;

/// One negotiation of a league (seat a proposes first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueRow {
    /// The negotiation's number.
    pub id: u64,
    /// The scenario's label.
    pub scenario: String,
    /// Repetition, from 0.
    pub rep: usize,
    /// Strategy of seat a.
    pub strategy_a: String,
    /// Strategy of seat b.
    pub strategy_b: String,
    /// Whether it ended in agreement.
    pub agreement: bool,
    /// The scenario's deadline in rounds.
    pub deadline: usize,
    /// Rounds started.
    pub steps: usize,
    /// agreement, deadline, ended or invalid.
    pub end: String,
    /// Seat a's utility of the result.
    pub utility_a: f64,
    /// Seat b's utility of the result.
    pub utility_b: f64,
    /// Seat a's reservation value.
    pub reservation_a: f64,
    /// Seat b's reservation value.
    pub reservation_b: f64,
    /// Seat a's best utility.
    pub best_a: f64,
    /// Seat b's best utility.
    pub best_b: f64,
    /// Seat a's advantage ([`super::score::advantage`]).
    pub advantage_a: f64,
    /// Seat b's advantage.
    pub advantage_b: f64,
    /// τ of seat b's opponent model against seat a's utilities (`anl2026`;
    /// empty when b has no model or its model ranks every outcome level).
    #[serde(default)]
    pub tau_a: Option<f64>,
    /// τ of seat a's model against seat b's utilities.
    #[serde(default)]
    pub tau_b: Option<f64>,
    /// Seat a's concealment ([`super::score::concealment`], `anl2026`).
    #[serde(default)]
    pub concealment_a: Option<f64>,
    /// Seat b's concealment.
    #[serde(default)]
    pub concealment_b: Option<f64>,
    /// Seat a's ANL 2026 score: advantage + concealment.
    #[serde(default)]
    pub score_a: Option<f64>,
    /// Seat b's ANL 2026 score.
    #[serde(default)]
    pub score_b: Option<f64>,
}

/// One strategy's league scores: means over every seat it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueSummary {
    /// The strategy.
    pub strategy: String,
    /// Seats held.
    pub negotiations: u64,
    /// Seats that ended in agreement.
    pub agreements: u64,
    /// Mean advantage (ANL 2024's score).
    pub mean_advantage: f64,
    /// Mean concealment (`anl2026`).
    #[serde(default)]
    pub mean_concealment: Option<f64>,
    /// Mean ANL 2026 score (`anl2026`): the league's ranking score.
    #[serde(default)]
    pub mean_score: Option<f64>,
}

/// What the league's files say about a generated scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Label.
    pub label: String,
    /// Shape name.
    pub shape: String,
    /// Outcomes.
    pub outcomes: usize,
    /// Deadline in rounds.
    pub deadline: usize,
}

/// A finished league.
#[derive(Debug, Clone, Serialize)]
pub struct LeagueResult {
    /// The settings played.
    pub settings: Settings,
    /// The seed.
    pub seed: u64,
    /// The shard played (`(i, n)`), if the league was played in shards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<(usize, usize)>,
    /// Strategies, in the order given.
    pub strategies: Vec<String>,
    /// The scenarios.
    pub scenarios: Vec<ScenarioInfo>,
    /// Every negotiation, in number order.
    pub rows: Vec<LeagueRow>,
    /// One row per strategy, in the order given.
    pub summary: Vec<LeagueSummary>,
}

/// Each strategy's means over every seat it held, in `strategies` order.
pub fn summarize(strategies: &[String], rows: &[LeagueRow]) -> Vec<LeagueSummary> {
    strategies
        .iter()
        .map(|s| {
            let (mut n, mut agreements, mut adv) = (0u64, 0u64, 0.0);
            let (mut conceal, mut score, mut scored) = (0.0, 0.0, false);
            for r in rows {
                let seats = [
                    (&r.strategy_a, r.advantage_a, r.concealment_a, r.score_a),
                    (&r.strategy_b, r.advantage_b, r.concealment_b, r.score_b),
                ];
                for (name, a, c, sc) in seats {
                    if name != s {
                        continue;
                    }
                    n += 1;
                    agreements += u64::from(r.agreement);
                    adv += a;
                    if let (Some(c), Some(sc)) = (c, sc) {
                        conceal += c;
                        score += sc;
                        scored = true;
                    }
                }
            }
            let mean = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
            LeagueSummary {
                strategy: s.clone(),
                negotiations: n,
                agreements,
                mean_advantage: mean(adv),
                mean_concealment: scored.then(|| mean(conceal)),
                mean_score: scored.then(|| mean(score)),
            }
        })
        .collect()
}
