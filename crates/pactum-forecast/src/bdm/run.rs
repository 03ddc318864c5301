//! A BDM run on one dimension: the round loop and its stop rule.
//!
//! Rules: Q must lie in [0, 1] and the capability × salience weights must not all be zero;
//! each round computes risk exponents (all 1, with a note, when every security level is
//! equal), then every actor moves at once to the offer it accepts. The run stops after the
//! rounds of the [`StopRule`], once the median has been unchanged for `k` rounds, or (with a
//! note) when all actors share one position.

use super::expected_utility::{Pass, mean_position, median_voter, risk_exponents};
use super::offers::accepted_offer;
use super::params::{BdmParams, RangeRule, StopRule};
use super::trace::{BdmRound, BdmRun, Move};
use crate::error::{ForecastError, Result};
use crate::model::Case;

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
        let r = match risk_exponents(p, &x, &w, &s, range) {
            Some(r) => r,
            None => {
                run.notes.push(format!(
                    "round {round}: all security levels equal (risk formula undefined); risk exponents set to 1"
                ));
                vec![1.0; n]
            }
        };
        // Pass 2: offers with the new exponents.
        let pass = Pass::new(p, &x, &w, &s, &r, range);
        let mut next = x.clone();
        let mut moves = Vec::new();
        for (i, slot) in next.iter_mut().enumerate() {
            if let Some(o) = accepted_offer(p, &pass, &x, &r, i) {
                *slot = o.pos;
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
