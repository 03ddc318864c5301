//! Each strategy's offers and answers against values computed by hand on
//! the five-outcome "line" scenario (A values p0..p4 at 0, .25, .5, .75, 1;
//! B the reverse; outcome id k is option pk).

mod common;

use std::sync::Arc;

use common::line;
use pactum_sim::negotiator::frequency::NashSeeker;
use pactum_sim::negotiator::genius_td::TimeDependent;
use pactum_sim::negotiator::time_based::{self, TimeBased};
use pactum_sim::negotiator::{self, Negotiator, Now, Response, SeatInfo};
use pactum_sim::{PartyPrefs, Prepared};

fn seat(p: &Prepared, s: usize, seed: u64) -> SeatInfo {
    SeatInfo {
        seat: s,
        parties: p.prefs.len(),
        prefs: p.prefs[s].clone(),
        space: p.space.clone(),
        seed,
    }
}

/// Round `step` of `n`.
fn now(step: usize, n: usize) -> Now {
    Now {
        step,
        n_steps: Some(n),
        time: (step + 1) as f64 / (n + 1) as f64,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn aspiration_targets() {
    let p = line([None, None]);
    let boulware = TimeBased::new(&seat(&p, 0, 0), time_based::BOULWARE);
    let conceder = TimeBased::new(&seat(&p, 1, 0), time_based::CONCEDER);
    let linear = TimeBased::new(&seat(&p, 0, 0), time_based::LINEAR);
    // τ = u_min + (u_max − u_min)(1 − t^e) − 1e-4 with u_min = 0, u_max = 1.
    assert!(close(boulware.target(0.2), 1.0 - 0.0016 - 1e-4)); // 0.9983
    assert!(close(boulware.target(0.8), 1.0 - 0.4096 - 1e-4)); // 0.5903
    assert!(close(linear.target(0.4), 0.6 - 1e-4));
    assert!(close(conceder.target(0.2), 1.0 - 0.2f64.powf(0.25) - 1e-4)); // 0.33116
    // Clamped to [u_min, u_max].
    assert_eq!(linear.target(1.0), 0.0);
    assert!(close(linear.target(0.0), 1.0 - 1e-4));
}

#[test]
fn reservation_value_raises_the_floor() {
    let p = line([Some(0.4), None]);
    let b = TimeBased::new(&seat(&p, 0, 0), time_based::LINEAR);
    // u_min = max(worst 0, reservation 0.4): τ(0.5) = 0.4 + 0.6·0.5 − 1e-4.
    assert!(close(b.target(0.5), 0.7 - 1e-4));
}

#[test]
fn time_based_offers_and_answers() {
    let p = line([None, None]);
    let mut a = negotiator::build("boulware", &seat(&p, 0, 0)).unwrap();
    let mut b = negotiator::build("conceder", &seat(&p, 1, 0)).unwrap();
    // N = 4: t = 0.2, 0.4, 0.6, 0.8.
    assert_eq!(a.propose(&now(0, 4)), Some(4)); // τ_A = 0.9983 → p4 (1.0)
    assert_eq!(b.propose(&now(0, 4)), Some(2)); // τ_B = 0.33116 → p2 (0.5)
    assert_eq!(b.propose(&now(1, 4)), Some(3)); // τ_B = 0.20463 → p3 (0.25)
    assert_eq!(b.propose(&now(2, 4)), Some(3)); // τ_B = 0.11979 → p3 (0.25)
    assert_eq!(a.respond(&now(2, 4), 3, 1), Response::Reject); // 0.75 < 0.8703
    assert_eq!(a.respond(&now(3, 4), 3, 1), Response::Accept); // 0.75 ≥ 0.5903
}

#[test]
fn negmas_inverter_takes_a_nearer_outcome_just_below_the_target() {
    // NegMAS's worst_in clamps: an outcome at most 1e-6 below τ that is
    // strictly nearer to τ than the lowest outcome above it wins.
    let p = PartyPrefs::from_table(0, "A".into(), vec![0.5, 0.49999, 0.7], vec![], None);
    assert_eq!(time_based::worst_in(&p, 0.5), 0); // exactly at τ
    assert_eq!(time_based::worst_in(&p, 0.5000001), 0); // 1e-7 below τ, nearer than 0.7
    assert_eq!(time_based::worst_in(&p, 0.500002), 2); // 2e-6 below: too far
    assert_eq!(time_based::worst_in(&p, 0.49999), 1);
    assert_eq!(time_based::worst_in(&p, 0.9), 2); // nothing reaches τ: the best
}

#[test]
fn genius_time_dependent() {
    let p = line([None, None]);
    let linear = TimeDependent::new(&seat(&p, 0, 0), 1.0);
    let boulware = TimeDependent::new(&seat(&p, 0, 0), 0.2);
    let conceder = TimeDependent::new(&seat(&p, 0, 0), 2.0);
    // p(t) = P_min + (P_max − P_min)(1 − t^(1/e)), P_min = 0, P_max = 1.
    assert!(close(linear.target(0.2), 0.8));
    assert!(close(boulware.target(0.5), 1.0 - 0.5f64.powi(5))); // 0.96875
    assert!(close(conceder.target(0.25), 0.5));
    let mut a = negotiator::build("genius-linear", &seat(&p, 0, 0)).unwrap();
    // p(0.2) = 0.8: nearest is p3 (0.75, 0.05 away) rather than p4 (0.2 away).
    assert_eq!(a.propose(&now(0, 4)), Some(3));
    // p(0.6) = 0.4: p2 (0.5) is 0.1 away, p1 (0.25) 0.15.
    assert_eq!(a.propose(&now(2, 4)), Some(2));
    // AC_next: accept what is at least as good as its own next offer.
    assert_eq!(a.respond(&now(2, 4), 2, 1), Response::Accept);
    assert_eq!(a.respond(&now(2, 4), 1, 1), Response::Reject);
    // A tie (p(t) = 0.375, halfway between p1 and p2) goes to the higher.
    assert_eq!(linear.target(0.625), 0.375);
}

#[test]
fn hardliner_never_concedes() {
    let p = line([None, None]);
    let mut h = negotiator::build("hardliner", &seat(&p, 0, 0)).unwrap();
    for s in 0..10 {
        assert_eq!(h.propose(&now(s, 10)), Some(4));
        assert_eq!(h.respond(&now(s, 10), 3, 1), Response::Reject);
    }
    assert_eq!(h.respond(&now(9, 10), 4, 1), Response::Accept);
}

#[test]
fn micro_concedes_one_step_per_new_opponent_offer() {
    let p = line([None, None]);
    let mut m = negotiator::build("micro", &seat(&p, 0, 7)).unwrap();
    let t = now(0, 10);
    assert_eq!(m.propose(&t), Some(4)); // |sent| 0 ≤ |received| 0: best
    // Nothing received yet: it repeats an earlier offer (only p4).
    assert_eq!(m.propose(&t), Some(4));
    m.on_offer(&t, 0, 1);
    // Ready (1 ≤ 1): the reference is its next outcome, p3 (0.75).
    assert_eq!(m.respond(&t, 0, 1), Response::Reject);
    assert_eq!(m.propose(&t), Some(3));
    // The same offer again is not new: it does not concede further, but
    // repeats one of its earlier offers.
    m.on_offer(&t, 0, 1);
    assert!(matches!(m.propose(&t), Some(4) | Some(3)));
    // Not ready: the reference is its last new offer, p3 (0.75 > 0).
    assert_eq!(m.respond(&t, 0, 1), Response::Reject);
    m.on_offer(&t, 1, 1);
    assert_eq!(m.propose(&t), Some(2));
    // Accepting: an offer as good as its next outcome (p3 after p4).
    let mut m = negotiator::build("micro", &seat(&p, 0, 7)).unwrap();
    assert_eq!(m.propose(&t), Some(4));
    m.on_offer(&t, 3, 1);
    assert_eq!(m.respond(&t, 3, 1), Response::Accept);
}

#[test]
fn tit_for_tat_mirrors_concessions() {
    let p = line([None, None]);
    let mut a = negotiator::build("tit-for-tat", &seat(&p, 0, 0)).unwrap();
    let t = now(0, 10);
    assert_eq!(a.propose(&t), Some(4));
    a.on_offer(&t, 0, 1); // B's first offer: worth 0 to A
    assert_eq!(a.propose(&t), Some(4)); // no concession seen yet
    a.on_offer(&t, 1, 1); // B concedes 0.25 (in A's utility)
    assert_eq!(a.propose(&t), Some(3)); // target 0.75
    assert_eq!(a.respond(&t, 3, 1), Response::Accept);
    assert_eq!(a.respond(&t, 2, 1), Response::Reject);
    a.on_offer(&t, 0, 1); // B retreats: not punished
    assert_eq!(a.propose(&t), Some(3));
    a.on_offer(&t, 2, 1); // B concedes 0.5
    assert_eq!(a.propose(&t), Some(1)); // target 0.25
}

#[test]
fn random_is_seeded_and_rational() {
    let p = line([Some(0.5), None]);
    let draw = |seed| {
        let mut r = negotiator::build("random", &seat(&p, 0, seed)).unwrap();
        (0..40)
            .map(|s| r.propose(&now(s, 40)).unwrap())
            .collect::<Vec<_>>()
    };
    let a = draw(1);
    assert_eq!(a, draw(1));
    assert_ne!(a, draw(2));
    // Only rational outcomes (utility ≥ 0.5 to A): p2, p3, p4, all of them.
    assert!(a.iter().all(|&o| o >= 2));
    for o in 2..5 {
        assert!(a.contains(&o));
    }
    let mut r = negotiator::build("random", &seat(&p, 0, 3)).unwrap();
    let answers: Vec<Response> = (0..200).map(|s| r.respond(&now(s, 200), 3, 1)).collect();
    let accepted = answers.iter().filter(|&&x| x == Response::Accept).count();
    assert!((70..130).contains(&accepted), "{accepted} of 200");
    assert!((0..50).all(|s| r.respond(&now(s, 50), 1, 1) == Response::Reject));
}

#[test]
fn frequency_model_estimates() {
    let p = line([None, None]);
    let mut n = NashSeeker::new(&seat(&p, 0, 0));
    let t = now(0, 10);
    // B offers p0, p0, p1: counts 2, 1; one issue, so weight 1.
    n.on_offer(&t, 0, 1);
    n.on_offer(&t, 0, 1);
    n.on_offer(&t, 1, 1);
    assert!(close(n.estimated_opponent_utility(0), 1.0)); // (1 + 2)/(1 + 2)
    assert!(close(n.estimated_opponent_utility(1), 2.0 / 3.0));
    assert!(close(n.estimated_opponent_utility(4), 1.0 / 3.0));
    // Estimated Nash: argmax u_A·û over p0..p4 = 0, .1667, .1667, .25, .3333
    // → p4 (u_N = 1), so the target stays at 1 and it offers p4.
    assert_eq!(n.propose(&now(5, 10)), Some(4));
    let _ = Arc::clone(&p.prefs[0]);
}
