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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Actor;

    fn case(positions: [f64; 3]) -> Case {
        Case::one_dim(
            "c",
            vec![
                Actor::new("A", 100.0, positions[0], 80.0),
                Actor::new("B", 60.0, positions[1], 60.0),
                Actor::new("C", 40.0, positions[2], 90.0),
            ],
        )
    }

    #[test]
    fn q_outside_0_1_and_zero_weights_are_model_errors() {
        let p = BdmParams {
            q: 1.5,
            ..BdmParams::default()
        };
        let e = run_bdm(&case([0.0, 50.0, 100.0]), 0, &p).unwrap_err();
        assert!(
            matches!(e, ForecastError::Model { model: "bdm", .. }),
            "{e}"
        );
        let mut zero = case([0.0, 50.0, 100.0]);
        for a in &mut zero.actors {
            a.capability = 0.0;
        }
        let e = run_bdm(&zero, 0, &BdmParams::default()).unwrap_err();
        assert!(e.to_string().contains("weights are zero"), "{e}");
    }

    #[test]
    fn a_shared_position_stops_the_run_with_a_note() {
        let run = run_bdm(&case([40.0; 3]), 0, &BdmParams::default()).unwrap();
        assert!(run.rounds.is_empty());
        assert_eq!(run.forecast(), 40.0);
        assert!(run.notes.iter().any(|n| n.contains("one position")));
    }

    #[test]
    fn the_stop_rule_bounds_the_rounds() {
        let c = case([0.0, 50.0, 100.0]);
        let run = run_bdm(&c, 0, &BdmParams::default()).unwrap();
        assert!(run.rounds.len() <= 10);
        let p = BdmParams {
            stop: StopRule::MedianStable { k: 1, max: 50 },
            ..BdmParams::default()
        };
        let run = run_bdm(&c, 0, &p).unwrap();
        assert!(run.rounds.len() <= 50);
        let n = run.rounds.len();
        if (2..50).contains(&n) {
            assert_eq!(run.rounds[n - 1].median, run.rounds[n - 2].median);
        }
        assert_eq!(
            run.rounds.iter().map(|r| r.round).collect::<Vec<_>>(),
            (1..=n).collect::<Vec<_>>()
        );
    }
}
