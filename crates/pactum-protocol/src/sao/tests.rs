//! The rules of stacked alternating offers, one test each (the live
//! server's protocol tests among them).

use super::*;
use crate::clock::{Clock, ManualClock};
use crate::limits::{AcceptAll, Unacceptable};
use crate::protocol::replay;
use crate::space::{OutcomeSpace, Packages};
use std::sync::Arc;
use std::time::Duration;

fn three() -> Sao<Vec<u32>> {
    Sao::new(3, &Deadline::steps(2)).unwrap()
}

/// One issue of three values.
fn ctx() -> Context<'static, Packages, AcceptAll> {
    Context::new(Box::leak(Box::new(Packages::new(vec![3]))), &AcceptAll)
}

fn ended(e: &Events<Event<Vec<u32>>>) -> Option<End<Vec<u32>>> {
    match e.last() {
        Some(Event::Over { end, .. }) => Some((**end).clone()),
        _ => None,
    }
}

#[test]
fn agreement_needs_every_other_negotiator() {
    let mut s = three();
    let c = ctx();
    assert_eq!(
        s.apply(0, Move::Accept, &c),
        Err(Rejection::FirstMoveNotOffer)
    );
    assert_eq!(
        s.apply(1, Move::Offer(vec![0]), &c),
        Err(Rejection::OutOfTurn { turn: 0 })
    );
    assert_eq!(ended(&s.apply(0, Move::Offer(vec![1]), &c).unwrap()), None);
    assert_eq!(ended(&s.apply(1, Move::Accept, &c).unwrap()), None);
    let e = s.apply(2, Move::Accept, &c).unwrap();
    assert_eq!(
        ended(&e),
        Some(End::Agreement(Agreement {
            outcome: vec![1],
            seats: vec![0, 1, 2]
        }))
    );
    assert_eq!(s.rounds_started(), 1);
    assert_eq!(s.apply(0, Move::Offer(vec![0]), &c), Err(Rejection::Over));
}

#[test]
fn reject_clears_acceptances_and_deadline_ends() {
    let mut s = three();
    let c = ctx();
    s.apply(0, Move::Offer(vec![1]), &c).unwrap();
    s.apply(1, Move::Accept, &c).unwrap();
    s.apply(2, Move::Reject, &c).unwrap();
    assert!(!s.has_accepted(1) && s.has_accepted(0));
    assert_eq!(
        s.apply(0, Move::Accept, &c),
        Err(Rejection::OwnOffer { action: "accept" })
    );
    assert_eq!(s.round(), 1);
    s.apply(0, Move::Offer(vec![2]), &c).unwrap();
    s.apply(1, Move::Accept, &c).unwrap();
    let e = s.apply(2, Move::Reject, &c).unwrap();
    assert_eq!(ended(&e), Some(End::Deadline { agreement: None }));
    assert_eq!(s.rounds_started(), 2);
    assert_eq!(s.turn(), None);
}

#[test]
fn end_is_allowed_first_and_ends_without_agreement() {
    let mut s = three();
    let e = s.apply(0, Move::End, &ctx()).unwrap();
    assert_eq!(e.iter().next(), Some(&Event::EndedBy { seat: 0, round: 0 }));
    assert_eq!(s.end(), Some(&End::EndedBy { seat: 0 }));
    assert_eq!(s.end().unwrap().agreement(), None);
    assert_eq!(s.rounds_started(), 1);
}

#[test]
fn offers_must_be_outcomes_the_proposer_may_accept() {
    let space = OutcomeSpace::from_cards(vec![5]);
    let mut s = Sao::new(2, &Deadline::steps(5)).unwrap();
    struct Floor;
    impl Acceptability<u32> for Floor {
        fn may_accept(&self, seat: Seat, o: &u32) -> Result<(), Unacceptable> {
            if seat == 1 && *o < 2 {
                Err(Unacceptable::BelowReservation {
                    package: format!("#{o}"),
                    party: "B".into(),
                    utility: 0.25,
                    reservation: 0.5,
                })
            } else {
                Ok(())
            }
        }
    }
    let c = Context::new(&space, &Floor);
    assert_eq!(
        s.apply(0, Move::Offer(99), &c).unwrap_err().to_string(),
        "offer #99 is outside the outcome space (5 outcomes)"
    );
    s.apply(0, Move::Offer(1), &c).unwrap();
    let refused = s.apply(1, Move::Accept, &c).unwrap_err();
    assert!(matches!(refused, Rejection::AcceptsUnacceptable(_)));
    assert!(
        refused
            .to_string()
            .starts_with("accepts a package it may not: package #1")
    );
    assert!(matches!(
        s.apply(1, Move::Offer(0), &c),
        Err(Rejection::OffersUnacceptable(_))
    ));
    // Refusals change nothing: still seat 1's turn on offer #1.
    assert_eq!(s.turn(), Some(1));
    assert_eq!(s.standing(), Some((&1, 0)));
    s.apply(1, Move::Offer(3), &c).unwrap();
    let e = s.apply(0, Move::Accept, &c).unwrap();
    assert_eq!(e.len(), 2);
    assert_eq!(s.end().unwrap().agreement().unwrap().outcome, 3);
    assert_eq!(s.rounds_started(), 2);
}

#[test]
fn an_agreement_binds_those_who_stayed() {
    let mut s = Sao::new(3, &Deadline::steps(10)).unwrap();
    let c = ctx();
    s.apply(0, Move::Offer(vec![1]), &c).unwrap();
    s.apply(1, Move::Accept, &c).unwrap();
    let e = s.apply(2, Move::Leave, &c).unwrap();
    // Everyone remaining (0 proposed, 1 accepted) agrees.
    assert_eq!(
        ended(&e),
        Some(End::Agreement(Agreement {
            outcome: vec![1],
            seats: vec![0, 1]
        }))
    );
}

#[test]
fn leavers_are_skipped_and_fewer_than_two_end_it() {
    let mut s = Sao::new(3, &Deadline::steps(10)).unwrap();
    let c = ctx();
    s.apply(0, Move::Offer(vec![1]), &c).unwrap();
    s.apply(1, Move::Leave, &c).unwrap();
    assert_eq!(
        s.apply(1, Move::Accept, &c),
        Err(Rejection::HasLeft { seat: 1 })
    );
    assert_eq!(s.turn(), Some(2));
    assert_eq!(s.round(), 0);
    s.apply(2, Move::Offer(vec![2]), &c).unwrap();
    // Back to seat 0 in round 1 (seat 1 is skipped).
    assert_eq!((s.turn(), s.round()), (Some(0), 1));
    s.apply(0, Move::Reject, &c).unwrap();
    assert_eq!((s.turn(), s.round()), (Some(2), 1));
    let e = s.apply(2, Move::Leave, &c).unwrap();
    assert_eq!(ended(&e), Some(End::Deserted));
    assert_eq!(s.remaining(), vec![0]);
}

#[test]
fn a_leaving_proposer_withdraws_its_offer() {
    let c = ctx();
    let mut s = Sao::new(3, &Deadline::steps(10)).unwrap();
    s.apply(0, Move::Offer(vec![1]), &c).unwrap();
    s.apply(1, Move::Accept, &c).unwrap();
    s.apply(2, Move::Offer(vec![2]), &c).unwrap();
    s.apply(0, Move::Accept, &c).unwrap();
    s.apply(1, Move::Reject, &c).unwrap();
    s.apply(2, Move::Leave, &c).unwrap();
    assert_eq!(s.standing(), None);
    assert_eq!(
        s.apply(0, Move::Accept, &c),
        Err(Rejection::FirstMoveNotOffer)
    );
    s.apply(0, Move::Offer(vec![0]), &c).unwrap();
    let e = s.apply(1, Move::Accept, &c).unwrap();
    assert_eq!(ended(&e).unwrap().agreement().unwrap().seats, vec![0, 1]);
}

#[test]
fn a_wall_clock_deadline_ends_it_when_the_caller_finds_time_up() {
    let manual = ManualClock::new();
    let deadline = Deadline {
        steps: None,
        time_limit: Some(Duration::from_secs(1)),
    };
    let clock = Clock::with_source(deadline, Arc::new(manual.clone()));
    let mut s = Sao::new(2, &deadline).unwrap();
    let c = ctx();
    assert!(s.expire(&clock).is_none());
    s.apply(0, Move::Offer(vec![1]), &c).unwrap();
    manual.advance(Duration::from_secs(1));
    let e = s.expire(&clock).unwrap();
    assert_eq!(e.iter().next(), Some(&Event::Expired { round: 0 }));
    assert_eq!(s.end(), Some(&End::Deadline { agreement: None }));
    assert_eq!(s.rounds_started(), 1);
    assert!(s.expire(&clock).is_none());
    assert_eq!(s.apply(1, Move::Accept, &c), Err(Rejection::Over));
}

#[test]
fn replaying_the_events_reaches_the_same_state() {
    let c = ctx();
    let mut s = three();
    let mut log = Vec::new();
    for (seat, mv) in [
        (0, Move::Offer(vec![1])),
        (1, Move::Reject),
        (2, Move::Offer(vec![2])),
        (0, Move::Accept),
    ] {
        log.extend(s.apply(seat, mv, &c).unwrap());
    }
    log.extend(s.close_at_deadline());
    let json = serde_json::to_string(&log).unwrap();
    let back: Vec<Event<Vec<u32>>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, log);
    let again = replay(three(), &back, &c).unwrap();
    assert_eq!(again, s);
}
