//! Leaving a multilateral negotiation, and the protocols the simulator
//! plays besides alternating offers with the veto and hill-climbing
//! mediators: partial rounds (through the adapter) and the single text with
//! the draft-and-vote mediator.

mod common;

use common::{Log, Scripted, line, three_way};
use pactum_sim::negotiator::Response::{Accept, Leave};
use pactum_sim::runner::run;
use pactum_sim::session::{Deadline, End, Session};
use pactum_sim::{Config, Mediator, ProtocolKind, negotiate};

fn session(
    p: &pactum_sim::Prepared,
    negs: Vec<Box<dyn pactum_sim::negotiator::Negotiator>>,
) -> Session {
    Session::new(
        p.space.clone(),
        p.prefs.clone(),
        negs,
        Deadline::steps(10),
        true,
    )
}

#[test]
fn an_agreement_after_a_leave_binds_those_who_stayed() {
    let p = three_way();
    let log = Log::default();
    // P offers y; Q accepts; R leaves: P and Q have both accepted y.
    let negs = vec![
        Scripted::boxed("P", vec![Some(1)], vec![], &log),
        Scripted::boxed("Q", vec![], vec![Accept], &log),
        Scripted::boxed("R", vec![], vec![Leave], &log),
    ];
    let mut s = session(&p, negs);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    assert_eq!(r.end, End::Agreement { outcome: 1 });
    assert_eq!(r.agreement, Some(1));
    assert_eq!(r.left, vec![2]);
    // R is not bound: it gets its utility of no agreement (worst, 0).
    assert_eq!(r.utilities, vec![0.5, 1.0, 0.0]);
    assert_eq!(r.steps, 1);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["left"], serde_json::json!([2]));
}

#[test]
fn the_others_go_on_after_a_leave_and_two_leaves_end_it() {
    let p = three_way();
    let log = Log::default();
    // P offers x; Q leaves; R counters with z; P leaves: R is alone.
    let negs = vec![
        Scripted::boxed("P", vec![Some(0)], vec![Leave], &log),
        Scripted::boxed("Q", vec![], vec![Leave], &log),
        Scripted::boxed(
            "R",
            vec![Some(2)],
            vec![pactum_sim::negotiator::Response::Reject],
            &log,
        ),
    ];
    let mut s = session(&p, negs);
    let r = run(&mut s, ProtocolKind::Sao, 0);
    assert_eq!(r.end, End::Deserted);
    assert_eq!(r.agreement, None);
    assert_eq!(r.left, vec![1, 0]);
    assert_eq!(r.steps, 2);
}

#[test]
fn a_result_without_leaves_serialises_as_before() {
    let p = line([None, None]);
    let r = negotiate(&p, &["boulware", "conceder"], &Config::sao(10, 0)).unwrap();
    assert!(r.left.is_empty());
    assert!(serde_json::to_value(&r).unwrap().get("left").is_none());
}

#[test]
fn partial_rounds_through_the_adapter_reach_a_rational_agreement() {
    let p = line([Some(0.3), Some(0.3)]);
    let config = Config {
        protocol: ProtocolKind::PartialRounds,
        record: true,
        ..Config::sao(50, 3)
    };
    let r = negotiate(&p, &["conceder", "conceder"], &config).unwrap();
    let a = r.agreement.expect("two conceders agree");
    assert_eq!(r.end, End::Agreement { outcome: a });
    for (pr, u) in p.prefs.iter().zip(&r.utilities) {
        assert!(*u >= 0.3, "{} gets {u}", pr.name);
    }
    // Each round both proposed: the trace holds their packages in order.
    assert!(r.trace.events.iter().all(|e| e.proposer.is_some()));
    let again = negotiate(&p, &["conceder", "conceder"], &config).unwrap();
    assert_eq!(again, r);
    // Hardliners never accept each other: the deadline passes.
    let r = negotiate(&p, &["hardliner", "hardliner"], &config).unwrap();
    assert_eq!((r.end.clone(), r.steps), (End::Deadline, 50));
}

#[test]
fn the_draft_and_vote_mediator_plays_in_a_simulation() {
    let p = line([Some(0.2), Some(0.2)]);
    let config = Config {
        protocol: ProtocolKind::SingleText(Mediator::DraftAndVote),
        record: true,
        ..Config::sao(20, 0)
    };
    let r = negotiate(&p, &["linear", "linear"], &config).unwrap();
    assert_eq!(r.end, End::Deadline);
    assert_eq!(r.steps, 20);
    // Proposals are mediator's (no proposer); an agreement was accepted by all.
    assert!(r.trace.events.iter().all(|e| e.proposer.is_none()));
    if let Some(a) = r.agreement {
        assert!(p.prefs.iter().all(|pr| pr.utility(a) >= 0.2));
    }
    assert_eq!(negotiate(&p, &["linear", "linear"], &config).unwrap(), r);
}
