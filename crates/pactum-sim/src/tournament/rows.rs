//! The rows of a tournament's result files: one per negotiation
//! ([`Row`], in the bilateral or the seat [`Layout`]) and one per strategy
//! ([`SummaryRow`]), and the manifest that names the tournament. Rows hold
//! no timings, so the same seed gives the same bytes. In a tournament where
//! a strategy talks (`llm`), every row counts each seat's messages sent and
//! flagged for leakage, and the summary gives each strategy's leakage flag
//! rate; elsewhere the files are as they were.

use serde::{Deserialize, Serialize};

use crate::error::SimError;

/// A tournament's parameters; two runs with equal manifests play the same
/// negotiations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Scenario labels (as given), in order.
    pub scenarios: Vec<String>,
    /// Negotiators of each scenario, in order; present only when a scenario
    /// has more than two (a bilateral tournament's manifest does not change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiators: Option<Vec<usize>>,
    /// Strategy names, in the order given.
    pub strategies: Vec<String>,
    /// Deadline in rounds.
    pub steps: usize,
    /// Repetitions of each assignment.
    pub reps: usize,
    /// The tournament seed.
    pub seed: u64,
    /// Whether a strategy may take several seats.
    pub self_play: bool,
    /// Negotiations in the whole tournament.
    pub negotiations: u64,
    /// `(i, n)`: this folder holds shard i of n.
    pub shard: Option<(usize, usize)>,
    /// Some scenario discounts its results: rows carry the discounted
    /// utilities too. Written only when true (a tournament without
    /// discounting keeps its manifest).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discount: bool,
}

/// One negotiation's result, seats in scenario order (seat 0 proposes
/// first). Serialised as is in the seat layout; see [`Layout`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The negotiation's number.
    pub id: u64,
    /// The scenario's label.
    pub scenario: String,
    /// Repetition, from 0.
    pub rep: usize,
    /// Strategy of each seat.
    pub strategies: Vec<String>,
    /// Party of each seat.
    pub parties: Vec<String>,
    /// Whether it ended in agreement.
    pub agreement: bool,
    /// `issue=value; …` of the agreement, empty without one.
    pub package: String,
    /// Rounds started.
    pub steps: usize,
    /// agreement, deadline, ended or invalid.
    pub end: String,
    /// Each seat's utility of the result.
    pub utilities: Vec<f64>,
    /// Each seat's utility of no agreement.
    pub reservations: Vec<f64>,
    /// Sum of every seat's utility.
    pub welfare: f64,
    /// Distance to the nearest Pareto-frontier point, if any.
    pub distance_frontier: Option<f64>,
    /// Distance to the Nash point, if any.
    pub distance_nash: Option<f64>,
    /// Relative time at which the negotiation ended (discounted
    /// tournaments only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
    /// Each seat's utility of the result discounted to `time` (discounted
    /// tournaments only; equal to `utilities` for a seat without a discount
    /// factor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discounted_utilities: Option<Vec<f64>>,
    /// Each seat's messages sent and flagged for leakage (tournaments where
    /// a strategy talks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<[u64; 2]>>,
}

/// A two-party row as the bilateral layout writes it (seat a proposes
/// first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct BilateralRow {
    id: u64,
    scenario: String,
    rep: usize,
    strategy_a: String,
    strategy_b: String,
    party_a: String,
    party_b: String,
    agreement: bool,
    package: String,
    steps: usize,
    end: String,
    utility_a: f64,
    utility_b: f64,
    reservation_a: f64,
    reservation_b: f64,
    welfare: f64,
    distance_frontier: Option<f64>,
    distance_nash: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    discounted_utility_a: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    discounted_utility_b: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    messages_a: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flagged_a: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    messages_b: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flagged_b: Option<u64>,
}

impl BilateralRow {
    pub(super) fn of(r: &Row) -> Result<Self, SimError> {
        if r.strategies.len() != 2 || r.parties.len() != 2 {
            return Err(SimError::Invalid(format!(
                "negotiation {} has {} seats, not 2",
                r.id,
                r.strategies.len()
            )));
        }
        Ok(BilateralRow {
            id: r.id,
            scenario: r.scenario.clone(),
            rep: r.rep,
            strategy_a: r.strategies[0].clone(),
            strategy_b: r.strategies[1].clone(),
            party_a: r.parties[0].clone(),
            party_b: r.parties[1].clone(),
            agreement: r.agreement,
            package: r.package.clone(),
            steps: r.steps,
            end: r.end.clone(),
            utility_a: r.utilities[0],
            utility_b: r.utilities[1],
            reservation_a: r.reservations[0],
            reservation_b: r.reservations[1],
            welfare: r.welfare,
            distance_frontier: r.distance_frontier,
            distance_nash: r.distance_nash,
            time: r.time,
            discounted_utility_a: r.discounted_utilities.as_ref().map(|d| d[0]),
            discounted_utility_b: r.discounted_utilities.as_ref().map(|d| d[1]),
            messages_a: r.words.as_ref().map(|w| w[0][0]),
            flagged_a: r.words.as_ref().map(|w| w[0][1]),
            messages_b: r.words.as_ref().map(|w| w[1][0]),
            flagged_b: r.words.as_ref().map(|w| w[1][1]),
        })
    }

    fn into_row(self) -> Row {
        Row {
            id: self.id,
            scenario: self.scenario,
            rep: self.rep,
            strategies: vec![self.strategy_a, self.strategy_b],
            parties: vec![self.party_a, self.party_b],
            agreement: self.agreement,
            package: self.package,
            steps: self.steps,
            end: self.end,
            utilities: vec![self.utility_a, self.utility_b],
            reservations: vec![self.reservation_a, self.reservation_b],
            welfare: self.welfare,
            distance_frontier: self.distance_frontier,
            distance_nash: self.distance_nash,
            time: self.time,
            discounted_utilities: self
                .discounted_utility_a
                .zip(self.discounted_utility_b)
                .map(|(a, b)| vec![a, b]),
            words: match (
                self.messages_a,
                self.flagged_a,
                self.messages_b,
                self.flagged_b,
            ) {
                (Some(ma), Some(fa), Some(mb), Some(fb)) => Some(vec![[ma, fa], [mb, fb]]),
                _ => None,
            },
        }
    }
}

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Every scenario has two negotiators: JSON Lines and CSV with
    /// `strategy_a`, `strategy_b`, `party_a`, `party_b`, `utility_a`,
    /// `utility_b`, `reservation_a` and `reservation_b`.
    Bilateral,
    /// Some scenario has more: JSON Lines with the arrays `strategies`,
    /// `parties`, `utilities` and `reservations` (one entry per seat), CSV
    /// with a `seats` column and numbered columns `strategy_1` …
    /// `strategy_N` (and likewise for the others) up to the largest number
    /// of negotiators N, empty past a negotiation's own seats.
    Seats(usize),
}

impl Layout {
    /// The layout of a tournament described by `manifest`.
    pub fn of(manifest: &Manifest) -> Self {
        match &manifest.negotiators {
            Some(n) => Layout::Seats(n.iter().copied().max().unwrap_or(2)),
            None => Layout::Bilateral,
        }
    }

    /// One JSON line (without its newline): a row as `negotiations.jsonl` holds it.
    pub fn json(self, row: &Row) -> Result<String, SimError> {
        let text = match self {
            Layout::Bilateral => serde_json::to_string(&BilateralRow::of(row)?),
            Layout::Seats(_) => serde_json::to_string(row),
        };
        Ok(text.expect("rows serialise"))
    }

    pub(super) fn parse(self, line: &str) -> serde_json::Result<Row> {
        match self {
            Layout::Bilateral => serde_json::from_str::<BilateralRow>(line).map(|r| r.into_row()),
            Layout::Seats(_) => serde_json::from_str(line),
        }
    }
}

/// One cell of a seat-layout CSV row.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Cell<'a> {
    Text(&'a str),
    Int(u64),
    Float(Option<f64>),
    Bool(bool),
}

/// One row of the summary: a strategy's record over every seat it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The strategy.
    pub strategy: String,
    /// Seats taken (a negotiation counts once per seat the strategy holds).
    pub negotiations: u64,
    /// Negotiations it reached agreement in.
    pub agreements: u64,
    /// `agreements` per seat played.
    pub agreement_rate: f64,
    /// Mean utility over its seats.
    pub mean_utility: f64,
    /// Mean of utility − utility of no agreement.
    pub mean_advantage: f64,
    /// Mean sum of every party's utility (both parties' in a bilateral
    /// negotiation).
    pub mean_welfare: f64,
    /// Mean distance to the frontier.
    pub mean_distance_frontier: Option<f64>,
    /// Mean distance to the Nash point.
    pub mean_distance_nash: Option<f64>,
    /// Mean discounted utility (discounted tournaments only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_discounted_utility: Option<f64>,
    /// Messages sent (tournaments where a strategy talks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
    /// Messages flagged for leakage per message sent (0 for a strategy
    /// that sent none; tournaments where a strategy talks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leakage_rate: Option<f64>,
}

/// Per-strategy summary of `rows`, strategies in manifest order.
pub fn summarize(strategies: &[String], rows: &[Row]) -> Vec<SummaryRow> {
    #[derive(Default)]
    struct Acc {
        n: u64,
        agreements: u64,
        utility: f64,
        advantage: f64,
        welfare: f64,
        frontier: (f64, u64),
        nash: (f64, u64),
        discounted: (f64, u64),
        words: [u64; 2],
    }
    let talk = rows.iter().any(|r| r.words.is_some());
    let mut acc: Vec<Acc> = strategies.iter().map(|_| Acc::default()).collect();
    for r in rows {
        for (seat, ((s, &u), &d)) in r
            .strategies
            .iter()
            .zip(&r.utilities)
            .zip(&r.reservations)
            .enumerate()
        {
            let Some(k) = strategies.iter().position(|x| x == s) else {
                continue;
            };
            let a = &mut acc[k];
            if let Some(v) = r.discounted_utilities.as_ref().and_then(|v| v.get(seat)) {
                a.discounted.0 += v;
                a.discounted.1 += 1;
            }
            if let Some(w) = r.words.as_ref().and_then(|w| w.get(seat)) {
                a.words[0] += w[0];
                a.words[1] += w[1];
            }
            a.n += 1;
            a.agreements += r.agreement as u64;
            a.utility += u;
            a.advantage += u - d;
            a.welfare += r.welfare;
            if let Some(x) = r.distance_frontier {
                a.frontier.0 += x;
                a.frontier.1 += 1;
            }
            if let Some(x) = r.distance_nash {
                a.nash.0 += x;
                a.nash.1 += 1;
            }
        }
    }
    let mean = |s: f64, n: u64| if n == 0 { 0.0 } else { s / n as f64 };
    let opt = |(s, n): (f64, u64)| (n > 0).then(|| s / n as f64);
    strategies
        .iter()
        .zip(acc)
        .map(|(s, a)| SummaryRow {
            strategy: s.clone(),
            negotiations: a.n,
            agreements: a.agreements,
            agreement_rate: mean(a.agreements as f64, a.n),
            mean_utility: mean(a.utility, a.n),
            mean_advantage: mean(a.advantage, a.n),
            mean_welfare: mean(a.welfare, a.n),
            mean_distance_frontier: opt(a.frontier),
            mean_distance_nash: opt(a.nash),
            mean_discounted_utility: opt(a.discounted),
            messages: talk.then_some(a.words[0]),
            leakage_rate: talk.then(|| mean(a.words[1] as f64, a.words[0])),
        })
        .collect()
}

/// The seat layout's CSV header for up to `n` seats (with the discount
/// columns at the end when `discount`, then the message counts when
/// `talk`).
pub(super) fn seat_header(n: usize, discount: bool, talk: bool) -> Vec<String> {
    let mut h: Vec<String> = ["id", "scenario", "rep", "seats"].map(String::from).into();
    for what in ["strategy", "party"] {
        h.extend((1..=n).map(|i| format!("{what}_{i}")));
    }
    h.extend(["agreement", "package", "steps", "end"].map(String::from));
    for what in ["utility", "reservation"] {
        h.extend((1..=n).map(|i| format!("{what}_{i}")));
    }
    h.extend(["welfare", "distance_frontier", "distance_nash"].map(String::from));
    if discount {
        h.push("time".into());
        h.extend((1..=n).map(|i| format!("discounted_utility_{i}")));
    }
    if talk {
        for what in ["messages", "flagged"] {
            h.extend((1..=n).map(|i| format!("{what}_{i}")));
        }
    }
    h
}

/// One seat-layout CSV row, padded with empty cells to `n` seats.
pub(super) fn seat_record(r: &Row, n: usize, discount: bool, talk: bool) -> Vec<Cell<'_>> {
    let seats = r.strategies.len();
    fn texts(v: &[String], n: usize) -> impl Iterator<Item = Cell<'_>> {
        (0..n).map(|i| Cell::Text(v.get(i).map_or("", |s| s.as_str())))
    }
    let floats = |v: &[f64]| -> Vec<Cell<'static>> {
        (0..n).map(|i| Cell::Float(v.get(i).copied())).collect()
    };
    let mut c = vec![
        Cell::Int(r.id),
        Cell::Text(&r.scenario),
        Cell::Int(r.rep as u64),
        Cell::Int(seats as u64),
    ];
    c.extend(texts(&r.strategies, n));
    c.extend(texts(&r.parties, n));
    c.extend([
        Cell::Bool(r.agreement),
        Cell::Text(&r.package),
        Cell::Int(r.steps as u64),
        Cell::Text(&r.end),
    ]);
    c.extend(floats(&r.utilities));
    c.extend(floats(&r.reservations));
    c.extend([
        Cell::Float(Some(r.welfare)),
        Cell::Float(r.distance_frontier),
        Cell::Float(r.distance_nash),
    ]);
    if discount {
        c.push(Cell::Float(r.time));
        c.extend(floats(r.discounted_utilities.as_deref().unwrap_or(&[])));
    }
    if talk {
        let words = r.words.as_deref().unwrap_or(&[]);
        for k in 0..2 {
            c.extend((0..n).map(|i| match words.get(i) {
                Some(w) => Cell::Int(w[k]),
                None => Cell::Text(""),
            }));
        }
    }
    c
}
