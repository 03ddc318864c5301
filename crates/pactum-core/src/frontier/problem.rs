//! What a frontier is computed over: the compared parties, their
//! rationality thresholds, the values their red lines leave, and (for
//! additive utilities) each issue's contribution vectors.
//!
//! Rules: thresholds are −∞ where a party has no reservation value; a value
//! any compared party's red line forbids is not allowed; contributions
//! exist only when every compared utility is additive, and sum in issue
//! order from 0.0 exactly as the utility function does.

use crate::model::{Scenario, UtilityFunction};

/// What is being analysed: which parties must consent, their reservation
/// thresholds, and which values their red lines leave.
#[derive(Debug, Clone)]
pub struct Problem<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Scenario indices of the parties whose utilities are compared.
    pub parties: Vec<usize>,
    /// Rationality thresholds, one per party (−∞ where there is none).
    pub thresholds: Vec<f64>,
    /// Per issue, the value indices no party's red line forbids.
    pub allowed: Vec<Vec<u32>>,
}

impl<'a> Problem<'a> {
    /// The problem for the scenario's negotiators.
    pub fn negotiators(scenario: &'a Scenario) -> Self {
        Self::for_parties(scenario, scenario.negotiators())
    }

    /// The problem for the given parties (each must have preferences).
    pub fn for_parties(scenario: &'a Scenario, parties: Vec<usize>) -> Self {
        let mut allowed: Vec<Vec<u32>> = scenario
            .issues()
            .iter()
            .map(|i| (0..i.cardinality() as u32).collect())
            .collect();
        let mut thresholds = Vec::with_capacity(parties.len());
        for &p in &parties {
            let prefs = scenario.parties()[p]
                .preferences
                .as_ref()
                .expect("validated: negotiators have preferences");
            thresholds.push(prefs.reservation_value.unwrap_or(f64::NEG_INFINITY));
            for red in &prefs.red_lines {
                allowed[red.issue].retain(|v| !red.values.contains(v));
            }
        }
        Problem {
            scenario,
            parties,
            thresholds,
            allowed,
        }
    }

    /// The utility function of each compared party, in order.
    pub fn utility_functions(&self) -> Vec<&'a UtilityFunction> {
        self.parties
            .iter()
            .map(|&p| {
                &self.scenario.parties()[p]
                    .preferences
                    .as_ref()
                    .expect("validated")
                    .utility
            })
            .collect()
    }

    /// Per-issue contribution vectors when every party is additive.
    pub fn contributions(&self) -> Option<Contributions> {
        Contributions::new(self.scenario, &self.parties)
    }

    /// Number of outcomes that cross no red line.
    pub fn allowed_count(&self) -> u128 {
        self.allowed
            .iter()
            .fold(1u128, |n, a| n.saturating_mul(a.len() as u128))
    }

    /// Whether utilities `u` (one per compared party) meet every reservation value.
    pub fn is_rational(&self, u: &[f64]) -> bool {
        u.iter().zip(&self.thresholds).all(|(u, r)| u >= r)
    }
}

/// `w_pi · v_pi(k)` for every issue i, value k and party p.
#[derive(Debug, Clone)]
pub struct Contributions {
    /// How many parties are compared.
    pub parties: usize,
    /// `per_issue[i][k * parties + p]`.
    pub per_issue: Vec<Vec<f64>>,
}

impl Contributions {
    /// The contributions of `parties` (scenario indices), or `None` when one of them has a non-additive utility.
    pub fn new(scenario: &Scenario, parties: &[usize]) -> Option<Self> {
        let n = parties.len();
        let additive: Option<Vec<_>> = parties
            .iter()
            .map(|&p| {
                scenario.parties()[p]
                    .preferences
                    .as_ref()?
                    .utility
                    .as_additive()
            })
            .collect();
        let additive = additive?;
        let per_issue = scenario
            .issues()
            .iter()
            .enumerate()
            .map(|(i, issue)| {
                let card = issue.cardinality() as usize;
                let mut c = vec![0.0; card * n];
                for k in 0..card {
                    for (p, a) in additive.iter().enumerate() {
                        c[k * n + p] = a.weights[i] * a.values[i].eval(issue, k as u32);
                    }
                }
                c
            })
            .collect();
        Some(Contributions {
            parties: n,
            per_issue,
        })
    }

    #[inline]
    /// The contributions of value `k` of issue `issue`, one per party.
    pub fn of(&self, issue: usize, k: u32) -> &[f64] {
        let n = self.parties;
        &self.per_issue[issue][k as usize * n..(k as usize + 1) * n]
    }

    /// Utilities of an outcome, summed exactly as the model sums them.
    pub fn utilities(&self, outcome: &[u32], out: &mut [f64]) {
        out.fill(0.0);
        for (i, &k) in outcome.iter().enumerate() {
            for (o, c) in out.iter_mut().zip(self.of(i, k)) {
                *o += c;
            }
        }
    }
}
