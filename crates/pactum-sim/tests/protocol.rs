//! The stacked alternating offers protocol's rules: turn order, acceptance,
//! deadline, invalid moves, walking away.

mod common;

use common::{Log, Scripted, line, three_way};
use pactum_sim::ProtocolKind;
use pactum_sim::negotiator::Response::{Accept, End as Quit, Reject};
use pactum_sim::runner::run;
use pactum_sim::session::{Deadline, End, Session};
use pactum_sim::{Config, Prepared, negotiate};

fn session(
    p: &Prepared,
    negotiators: Vec<Box<dyn pactum_sim::negotiator::Negotiator>>,
    steps: usize,
) -> Session {
    Session::new(
        p.space.clone(),
        p.prefs.clone(),
        negotiators,
        Deadline::steps(steps),
        true,
    )
}

fn log_lines(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

#[test]
fn turn_order_and_multilateral_acceptance() {
    let p = three_way();
    let log = Log::default();
    // P offers x; Q rejects and offers y; R accepts y; P accepts y: agreement
    // (Q's offer has been accepted by both others).
    let negs = vec![
        Scripted::boxed("P", vec![Some(0)], vec![Accept], &log),
        Scripted::boxed("Q", vec![Some(1)], vec![Reject], &log),
        Scripted::boxed("R", vec![], vec![Accept], &log),
    ];
    let mut s = session(&p, negs, 10);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    assert_eq!(r.end, End::Agreement { outcome: 1 });
    assert_eq!(r.agreement, Some(1));
    assert_eq!(r.utilities, vec![0.5, 1.0, 0.0]);
    assert_eq!(r.steps, 2, "P accepted in the second round");
    assert_eq!(
        log_lines(&log),
        vec![
            "P s0 propose Some(0)",
            "Q s0 t0.091 respond #0 from 0: Reject",
            "Q s0 propose Some(1)",
            "R s0 t0.091 respond #1 from 1: Accept",
            "P s1 t0.182 respond #1 from 1: Accept",
        ]
    );
    // The trace: two offers, with the answers each got.
    let ev = &r.trace.events;
    assert_eq!(ev.len(), 2);
    assert_eq!(
        (ev[0].proposer, ev[0].offer, ev[0].responses.clone()),
        (Some(0), 0, vec![(1, Reject)])
    );
    assert_eq!(
        (ev[1].proposer, ev[1].offer, ev[1].responses.clone()),
        (Some(1), 1, vec![(2, Accept), (0, Accept)])
    );
}

#[test]
fn one_acceptance_is_not_enough_among_three() {
    let p = three_way();
    let log = Log::default();
    // Q accepts P's offer but R rejects and counters: the count restarts.
    let negs = vec![
        Scripted::boxed("P", vec![Some(0)], vec![Reject], &log),
        Scripted::boxed("Q", vec![], vec![Accept, Accept], &log),
        Scripted::boxed("R", vec![Some(2)], vec![Reject], &log),
    ];
    let mut s = session(&p, negs, 3);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    // P rejects R's offer in round 1 and, with no offer left, ends it.
    assert_eq!(r.end, End::Ended { seat: 0 });
    assert_eq!(r.agreement, None);
    assert_eq!(r.steps, 2);
}

#[test]
fn relative_time_is_negmas_convention() {
    let p = line([None, None]);
    let log = Log::default();
    let negs = vec![
        Scripted::boxed("A", vec![Some(4); 10], vec![], &log),
        Scripted::boxed("B", vec![Some(0); 10], vec![], &log),
    ];
    let mut s = session(&p, negs, 4);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    assert_eq!(r.end, End::Deadline);
    assert_eq!(r.steps, 4);
    let times: Vec<f64> = r.trace.events.iter().map(|e| e.time).collect();
    // Round s of N = 4 is seen at (s + 1) / 5.
    assert_eq!(times, vec![0.2, 0.2, 0.4, 0.4, 0.6, 0.6, 0.8, 0.8]);
    // No agreement: each party gets its worst utility (no reservation value).
    assert_eq!(r.utilities, vec![0.0, 0.0]);
}

#[test]
fn deadline_gives_reservation_values() {
    let p = line([Some(0.3), Some(0.2)]);
    let r = negotiate(&p, &["hardliner", "hardliner"], &Config::sao(7, 0)).unwrap();
    assert_eq!(r.end, End::Deadline);
    assert_eq!(r.steps, 7);
    assert_eq!(r.agreement, None);
    assert_eq!(r.utilities, vec![0.3, 0.2]);
}

#[test]
fn offer_outside_the_space_is_refused() {
    let p = line([None, None]);
    let log = Log::default();
    let negs = vec![
        Scripted::boxed("A", vec![Some(4)], vec![], &log),
        Scripted::boxed("B", vec![Some(99)], vec![Reject], &log),
    ];
    let mut s = session(&p, negs, 5);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    assert_eq!(
        r.end,
        End::Invalid {
            seat: 1,
            reason: "offer #99 is outside the outcome space (5 outcomes)".into()
        }
    );
    assert_eq!(r.agreement, None);
    assert_eq!(r.steps, 1);
}

#[test]
fn accepting_below_reservation_is_refused() {
    let p = line([None, Some(0.6)]);
    let log = Log::default();
    // B accepts p3, worth 0.25 to it, below its reservation value 0.6.
    let negs = vec![
        Scripted::boxed("A", vec![Some(3)], vec![], &log),
        Scripted::boxed("B", vec![], vec![Accept], &log),
    ];
    let mut s = session(&p, negs, 5);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    match &r.end {
        End::Invalid { seat: 1, reason } => assert!(
            reason.contains("worth 0.250000 to B, below its reservation value 0.6"),
            "{reason}"
        ),
        e => panic!("expected an invalid move, got {e:?}"),
    }
    assert_eq!(r.agreement, None);
    assert_eq!(r.utilities, vec![0.0, 0.6]);
}

#[test]
fn a_party_can_end_the_negotiation() {
    let p = line([None, None]);
    let log = Log::default();
    let negs = vec![
        Scripted::boxed("A", vec![Some(4)], vec![], &log),
        Scripted::boxed("B", vec![], vec![Quit], &log),
    ];
    let mut s = session(&p, negs, 5);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    assert_eq!(r.end, End::Ended { seat: 1 });
    assert_eq!(r.steps, 1);
    assert_eq!(r.agreement, None);
}

#[test]
fn boulware_vs_conceder_by_hand() {
    // See negotiators.rs for the targets; B concedes to p3 in round 1 and
    // stays there; A's target falls to 0.5903 in round 3 and it accepts.
    let p = line([None, None]);
    let config = Config {
        record: true,
        ..Config::sao(4, 0)
    };
    let r = negotiate(&p, &["boulware", "conceder"], &config).unwrap();
    let offers: Vec<(usize, usize, u32)> = r
        .trace
        .events
        .iter()
        .map(|e| (e.step, e.proposer.unwrap(), e.offer))
        .collect();
    assert_eq!(
        offers,
        vec![
            (0, 0, 4),
            (0, 1, 2),
            (1, 0, 4),
            (1, 1, 3),
            (2, 0, 4),
            (2, 1, 3)
        ]
    );
    assert_eq!(r.end, End::Agreement { outcome: 3 });
    assert_eq!(r.agreement, Some(3));
    assert_eq!(r.steps, 4);
    assert_eq!(r.utilities, vec![0.75, 0.25]);
}

#[test]
fn zero_rounds_and_wrong_strategy_counts_are_errors() {
    let p = line([None, None]);
    let e = negotiate(&p, &["boulware", "conceder"], &Config::sao(0, 0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the deadline must allow at least one round: 0 rounds"
    );
    let e = negotiate(&p, &["boulware"], &Config::sao(10, 0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "1 strategy for 2 negotiators: give one strategy per negotiator (A, B)"
    );
    let e = negotiate(&p, &["boulware", "nope"], &Config::sao(10, 0)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown strategy \"nope\"; available: boulware, linear")
    );
}

/// Two issues: both want a1 (common interest); on b, A wants b1 and B b0.
/// Outcome id = 2·a + b; A's best is 3 (a1, b1), B's best 2 (a1, b0).
fn deal(rv_a: Option<f64>) -> Prepared {
    let rv = rv_a
        .map(|r| format!("reservation = {r}\n"))
        .unwrap_or_default();
    let text = format!(
        r#"
name = "deal"
[[issues]]
name = "a"
options = ["a0", "a1"]
[[issues]]
name = "b"
options = ["b0", "b1"]
[[parties]]
name = "A"
{rv}weights = {{ a = 0.5, b = 0.5 }}
values.a = {{ a0 = 0.0, a1 = 1.0 }}
values.b = {{ b0 = 0.0, b1 = 1.0 }}
[[parties]]
name = "B"
weights = {{ a = 0.5, b = 0.5 }}
values.a = {{ a0 = 0.0, a1 = 1.0 }}
values.b = {{ b0 = 1.0, b1 = 0.0 }}
"#
    );
    Prepared::new(
        pactum_core::native::from_toml("deal.toml", &text)
            .unwrap()
            .scenario,
    )
    .unwrap()
}

use pactum_sim::Mediator;
use pactum_sim::phases::{Phase, run_phased};

#[test]
fn partial_agreements_carry_settled_issues_and_leverage_shifts() {
    let p = deal(Some(0.2));
    let phases = [
        Phase {
            steps: 3,
            reservations: vec![None, None],
        },
        Phase {
            steps: 2,
            reservations: vec![Some(0.6), None],
        },
    ];
    let s = run_phased(&p, &["hardliner", "hardliner"], &phases, true, 0).unwrap();
    assert_eq!(s.phases.len(), 2);
    // Phase 1: A keeps offering 3, B 2; they agree on issue a (a1).
    let first: Vec<u32> = s.phases[0]
        .result
        .trace
        .events
        .iter()
        .map(|e| e.offer)
        .collect();
    assert_eq!(first, vec![3, 2, 3, 2, 3, 2]);
    assert_eq!(s.phases[0].issues.settled, vec![Some(1), None]);
    assert_eq!(s.phases[0].issues.open, vec![1]);
    assert_eq!(s.phases[0].reservations, vec![Some(0.2), None]);
    // Phase 2 negotiates b only, with A's reservation value raised to 0.6.
    assert_eq!(s.phases[1].reservations, vec![Some(0.6), None]);
    assert!(
        s.phases[1]
            .result
            .trace
            .events
            .iter()
            .all(|e| e.offer == 2 || e.offer == 3)
    );
    assert_eq!(s.phases[1].result.steps, 2);
    assert_eq!(s.agreement, None);
    // No agreement: the last phase's reservation values (B: worst utility).
    assert_eq!(s.utilities, vec![0.6, 0.0]);

    // Without partial agreements nothing is settled.
    let s = run_phased(&p, &["hardliner", "hardliner"], &phases, false, 0).unwrap();
    assert_eq!(s.phases[1].issues.carried_in, vec![None, None]);
    assert_eq!(s.phases[1].issues.settled, vec![None, None]);
}

#[test]
fn a_session_ends_at_the_first_agreement() {
    let p = deal(None);
    let phases = [
        Phase {
            steps: 1,
            reservations: vec![None, None],
        },
        Phase {
            steps: 5,
            reservations: vec![None, None],
        },
    ];
    // Boulware offers 3; Conceder's target at t = 1/2 is 1 − 0.5^0.25 − 1e-4
    // = 0.159, below the 0.5 that 3 gives it: accepted at once.
    let s = run_phased(&p, &["boulware", "conceder"], &phases, true, 0).unwrap();
    assert_eq!(s.phases.len(), 1);
    assert_eq!(s.agreement, Some(3));
    assert_eq!(s.utilities, vec![1.0, 0.5]);
}

#[test]
fn single_text_drafts_only_improve_for_everybody() {
    let p = deal(None);
    for mediator in [Mediator::Veto, Mediator::HillClimbing] {
        let negs = vec![
            pactum_sim::negotiator::build("linear", &seat(&p, 0)).unwrap(),
            pactum_sim::negotiator::build("conceder", &seat(&p, 1)).unwrap(),
        ];
        let mut s = session(&p, negs, 40);
        let r = run(&mut s, ProtocolKind::SingleText(mediator), 5);
        assert_eq!(r.end, End::Deadline);
        assert_eq!(r.steps, 40);
        let accepted: Vec<u32> = r
            .trace
            .events
            .iter()
            .filter(|e| e.proposer.is_none() && e.responses.iter().all(|x| x.1 == Accept))
            .map(|e| e.offer)
            .collect();
        assert_eq!(r.agreement, accepted.last().copied());
        for w in accepted.windows(2) {
            for pr in &p.prefs {
                assert!(pr.utility(w[1]) >= pr.utility(w[0]));
            }
        }
        // 40 proposals over 4 outcomes reach the common-interest value a1.
        assert_eq!(p.space.value(r.agreement.unwrap(), 0), 1, "{mediator:?}");
    }
}

#[test]
fn single_text_vetoes_irrational_drafts_for_the_voter() {
    let p = deal(Some(0.6));
    let log = Log::default();
    // Scripted voters say yes to everything; the protocol still counts a yes
    // to a package below A's reservation value (0.6) as a veto.
    let negs = vec![
        Scripted::boxed("A", vec![], vec![], &log),
        Scripted::boxed("B", vec![], vec![], &log),
    ];
    let mut s = session(&p, negs, 30);
    let r = run(&mut s, ProtocolKind::SingleText(Mediator::Veto), 1);
    for e in &r.trace.events {
        let a_yes = e.responses[0] == (0, Accept);
        assert_eq!(
            a_yes,
            p.prefs[0].utility(e.offer) >= 0.6,
            "offer {}",
            e.offer
        );
    }
    assert!(r.agreement.is_some_and(|a| p.prefs[0].utility(a) >= 0.6));
}

fn seat(p: &Prepared, s: usize) -> pactum_sim::negotiator::SeatInfo {
    pactum_sim::negotiator::SeatInfo {
        seat: s,
        parties: p.prefs.len(),
        prefs: p.prefs[s].clone(),
        space: p.space.clone(),
        seed: s as u64,
    }
}

#[test]
fn a_plan_of_phases_applies_each_shift_once_within_the_session() {
    use pactum_sim::phases::{Shift, plan_phases};
    let p = deal(None);
    let shift = |phase, seat, value| Shift { phase, seat, value };
    let phases = plan_phases(&p, 2, 7, &[shift(2, 0, 0.6), shift(1, 1, 0.3)]).unwrap();
    assert_eq!(
        phases,
        vec![
            Phase {
                steps: 7,
                reservations: vec![None, Some(0.3)],
            },
            Phase {
                steps: 7,
                reservations: vec![Some(0.6), None],
            },
        ]
    );
    let refused = |count, steps, shifts: &[Shift]| {
        plan_phases(&p, count, steps, shifts)
            .unwrap_err()
            .to_string()
    };
    assert!(refused(0, 7, &[]).contains("at least one phase"));
    assert!(refused(2, 0, &[]).contains("at least one round"));
    assert!(refused(2, 7, &[shift(3, 0, 0.5)]).contains("phase 3 is out of range"));
    assert!(refused(2, 7, &[shift(1, 2, 0.5)]).contains("no negotiator in seat 2"));
    assert!(refused(2, 7, &[shift(1, 0, 0.5), shift(1, 0, 0.4)]).contains("already shifted"));
}
