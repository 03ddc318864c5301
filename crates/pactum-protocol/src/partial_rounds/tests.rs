//! The rules of partial rounds, one test each (the live server's partial
//! rounds tests, move for move).

use super::*;
use crate::limits::{AcceptAll, Unacceptable};
use crate::protocol::replay;
use crate::space::Packages;

/// Issue 0 "price": 4 values; issue 1 "colour": 3 values.
fn space() -> Packages {
    Packages::new(vec![4, 3])
}

fn state(rounds: usize) -> PartialRounds<Vec<u32>> {
    PartialRounds::new(2, 2, &Deadline::steps(rounds)).unwrap()
}

fn propose(id: u64, issues: &[(usize, u32)]) -> Move {
    Move::Propose {
        id,
        issues: issues.to_vec(),
    }
}

#[test]
fn one_issue_in_round_one_the_rest_later() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = state(3);
    // Round 0: seat 0 proposes the colour, seat 1 the price; 1 accepts 0's.
    s.apply(0, propose(10, &[(1, 2)]), &c).unwrap();
    s.apply(1, propose(11, &[(0, 3)]), &c).unwrap();
    let e = s.apply(1, Move::Accept { id: 10 }, &c).unwrap().into_vec();
    assert_eq!(
        e[1],
        Event::Settled {
            round: 0,
            id: 10,
            issues: vec![(1, 2)]
        }
    );
    assert_eq!(s.settled(), &[None, Some(2)]);
    assert_eq!(s.open_issues(), vec![0]);
    assert_eq!(s.proposals().len(), 2);
    // Both close the round without accepting the price.
    s.apply(0, Move::Reject, &c).unwrap();
    assert!(!s.may_move(0) && s.may_move(1));
    assert_eq!(
        s.apply(0, propose(12, &[(0, 1)]), &c),
        Err(Rejection::Closed { round: 0 })
    );
    let e = s.apply(1, Move::Reject, &c).unwrap().into_vec();
    assert_eq!(e[1], Event::RoundClosed { round: 0 });
    assert_eq!(s.round(), 1);
    // The lapsed proposal cannot be accepted in round 1.
    assert_eq!(
        s.apply(0, Move::Accept { id: 11 }, &c),
        Err(Rejection::NoProposal { id: 11 })
    );
    assert!(s.proposals().is_empty());
    s.apply(1, propose(13, &[(0, 2)]), &c).unwrap();
    let e = s.apply(0, Move::Accept { id: 13 }, &c).unwrap();
    assert_eq!(e.len(), 3);
    assert_eq!(
        s.end(),
        Some(&End::Agreement(Agreement {
            outcome: vec![2, 2],
            seats: vec![0, 1]
        }))
    );
    assert_eq!(s.rounds_started(), 2);
    assert_eq!(s.apply(1, Move::Reject, &c), Err(Rejection::Over));
}

#[test]
fn the_deadline_records_a_partial_agreement() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = state(2);
    s.apply(0, propose(1, &[(0, 1)]), &c).unwrap();
    s.apply(1, Move::Accept { id: 1 }, &c).unwrap();
    s.apply(0, Move::Reject, &c).unwrap();
    s.apply(1, Move::Reject, &c).unwrap();
    s.apply(0, Move::Reject, &c).unwrap();
    let e = s.apply(1, Move::Reject, &c).unwrap().into_vec();
    assert_eq!(e.len(), 4);
    assert_eq!(
        e[2],
        Event::PartialAgreement {
            round: 1,
            settled: vec![(0, 1)]
        }
    );
    assert_eq!(s.end(), Some(&End::Deadline { agreement: None }));
    assert_eq!(s.settled_pairs(), vec![(0, 1)]);
}

#[test]
fn invalid_partial_offers_are_refused_and_change_nothing() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = state(3);
    s.apply(0, propose(1, &[(0, 1)]), &c).unwrap();
    s.apply(1, Move::Accept { id: 1 }, &c).unwrap();
    let before = s.clone();
    let cases = [
        (propose(2, &[(0, 2)]), Rejection::Settled { issue: 0 }),
        (
            propose(2, &[(1, 0), (0, 2)]),
            Rejection::Settled { issue: 0 },
        ),
        (propose(2, &[]), Rejection::EmptyProposal),
        (
            propose(2, &[(1, 0), (1, 1)]),
            Rejection::RepeatedIssue { issue: 1 },
        ),
        (
            propose(2, &[(1, 3)]),
            Rejection::OutsideSpace(OutsideSpace::Value {
                issue: 1,
                cardinality: 3,
                value: 3,
            }),
        ),
        (
            propose(1, &[(1, 0)]),
            Rejection::DuplicateProposal { id: 1 },
        ),
        (Move::Accept { id: 999 }, Rejection::NoProposal { id: 999 }),
        (Move::Accept { id: 1 }, Rejection::NoProposal { id: 1 }),
    ];
    for (mv, want) in cases {
        assert_eq!(s.apply(1, mv.clone(), &c), Err(want), "{mv:?}");
        assert_eq!(s, before);
    }
    // Seat 0 already proposed this round; 9 is not its own to accept twice.
    assert_eq!(
        s.apply(0, propose(3, &[(1, 1)]), &c),
        Err(Rejection::AlreadyProposed { round: 0 })
    );
    s.apply(1, propose(9, &[(1, 1)]), &c).unwrap();
    assert_eq!(
        s.apply(1, Move::Accept { id: 9 }, &c),
        Err(Rejection::OwnProposal { id: 9 })
    );
    assert_eq!(
        s.apply(3, Move::Reject, &c),
        Err(Rejection::NoSuchSeat { seat: 3, seats: 2 })
    );
}

#[test]
fn a_settlement_lapses_the_proposals_it_overtakes() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s: PartialRounds<Vec<u32>> = PartialRounds::new(2, 3, &Deadline::steps(3)).unwrap();
    s.apply(0, propose(1, &[(0, 1)]), &c).unwrap();
    s.apply(1, propose(2, &[(0, 2), (1, 0)]), &c).unwrap();
    s.apply(2, Move::Accept { id: 2 }, &c).unwrap();
    s.apply(1, Move::Accept { id: 1 }, &c).unwrap();
    // Two of three: not yet.
    assert_eq!(s.settled(), &[None, None]);
    s.apply(2, Move::Accept { id: 1 }, &c).unwrap();
    assert_eq!(s.settled(), &[Some(1), None]);
    assert!(!s.proposals()[1].open);
    assert_eq!(
        s.apply(0, Move::Accept { id: 2 }, &c),
        Err(Rejection::NoProposal { id: 2 })
    );
}

#[test]
fn end_is_anyones_at_any_time_and_keeps_the_settled_issues() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = state(3);
    s.apply(1, propose(1, &[(1, 1)]), &c).unwrap();
    s.apply(0, Move::Accept { id: 1 }, &c).unwrap();
    s.apply(0, Move::Reject, &c).unwrap();
    let e = s.apply(0, Move::End, &c).unwrap().into_vec();
    assert_eq!(e.len(), 3);
    assert_eq!(s.end(), Some(&End::EndedBy { seat: 0 }));
    assert_eq!(s.settled_pairs(), vec![(1, 1)]);
}

/// Seat 1 may accept no package with price 0.
struct NoFreebies;
impl Acceptability<Vec<u32>> for NoFreebies {
    fn may_accept(&self, seat: Seat, o: &Vec<u32>) -> Result<(), Unacceptable> {
        if seat == 1 && o[0] == 0 {
            Err(Unacceptable::RedLine {
                package: format!("{o:?}"),
                party: "B".into(),
            })
        } else {
            Ok(())
        }
    }
}

#[test]
fn completing_packages_are_checked_against_the_movers_limits() {
    let sp = space();
    let c = Context::new(&sp, &NoFreebies);
    let mut s = state(3);
    // Partial: not judged.
    s.apply(0, propose(1, &[(0, 0)]), &c).unwrap();
    s.apply(1, Move::Accept { id: 1 }, &c).unwrap();
    let mut s = state(3);
    s.apply(0, propose(1, &[(0, 0), (1, 1)]), &c).unwrap();
    assert!(matches!(
        s.apply(1, Move::Accept { id: 1 }, &c),
        Err(Rejection::AcceptsUnacceptable(_))
    ));
    assert!(matches!(
        s.apply(1, propose(2, &[(0, 0), (1, 2)]), &c),
        Err(Rejection::OffersUnacceptable(_))
    ));
}

#[test]
fn replaying_the_moves_reaches_the_same_state() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = state(4);
    let mut log = Vec::new();
    for (seat, mv) in [
        (0, propose(5, &[(1, 2)])),
        (1, Move::Accept { id: 5 }),
        (1, propose(6, &[(0, 0)])),
        (1, Move::Reject),
        (0, Move::Reject),
        (0, propose(7, &[(0, 3)])),
    ] {
        log.extend(s.apply(seat, mv, &c).unwrap());
    }
    let json = serde_json::to_string(&log).unwrap();
    let back: Vec<Event<Vec<u32>>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, log);
    assert_eq!(replay(state(4), &back, &c).unwrap(), s);
}
