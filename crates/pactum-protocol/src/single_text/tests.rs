//! The rules of the single text, one test each (the live server's
//! draft-and-vote tests among them).

use super::*;
use crate::limits::{AcceptAll, Unacceptable};
use crate::protocol::replay;
use crate::space::{OutcomeSpace, Packages};

/// Issue a: x, y, z; issue b: p, q.
fn space() -> Packages {
    Packages::new(vec![3, 2])
}

fn vote(accept: bool) -> Vote {
    Vote {
        accept,
        proposal: None,
    }
}

fn draft_and_vote(rounds: usize) -> SingleText<Vec<u32>> {
    SingleText::new(
        &space(),
        2,
        &Deadline::steps(rounds),
        Mediator::DraftAndVote,
        0,
    )
    .unwrap()
}

#[test]
fn proposals_cycle_through_one_issue_changes() {
    let sp = space();
    let draft = packages::middle_draft(&sp).unwrap();
    assert_eq!(draft, vec![1, 0]);
    let all: Vec<_> = (0..4).map(|n| nth_change(&sp, &draft, n)).collect();
    assert_eq!(
        all,
        vec![Some((0, 0)), Some((0, 2)), Some((1, 1)), Some((0, 0))]
    );
    assert_eq!(nth_change(&Packages::new(vec![1, 1]), &vec![0, 0], 3), None);
}

#[test]
fn change_adopted_only_when_all_accept_and_deadline_ends() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = draft_and_vote(3);
    assert_eq!(s.proposal().change, Some((0, 0)));
    assert_eq!(s.accepted_draft(), None);
    // Proposal 0: a = x. A accepts, B vetoes: dropped.
    let e = s
        .apply(
            0,
            Vote {
                accept: true,
                proposal: Some(0),
            },
            &c,
        )
        .unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(
        s.apply(0, vote(true), &c),
        Err(Rejection::AlreadyVoted { proposal: 0 })
    );
    assert_eq!(s.voted(), vec![0]);
    let e = s.apply(1, vote(false), &c).unwrap().into_vec();
    assert_eq!(e[1], Event::Vetoed { proposal: 0 });
    assert_eq!(s.draft(), Some(&vec![1, 0]));
    assert_eq!(s.proposal().number, 1);
    assert_eq!(
        s.apply(
            1,
            Vote {
                accept: true,
                proposal: Some(0)
            },
            &c
        ),
        Err(Rejection::NotCurrent {
            given: 0,
            current: 1
        })
    );
    // Proposal 1: a = z. Both accept: adopted.
    assert_eq!(s.proposal().change, Some((0, 2)));
    s.apply(1, vote(true), &c).unwrap();
    let e = s.apply(0, vote(true), &c).unwrap().into_vec();
    assert_eq!(
        e[1],
        Event::Adopted {
            proposal: 1,
            draft: vec![2, 0]
        }
    );
    assert!(matches!(&e[2], Event::Proposed(p) if p.number == 2));
    assert_eq!(s.accepted_draft(), Some(&vec![2, 0]));
    // Proposal 2 (last): vetoed; the adopted draft is the agreement.
    s.apply(0, vote(false), &c).unwrap();
    let e = s.apply(1, vote(true), &c).unwrap();
    assert_eq!(e.len(), 3);
    assert_eq!(
        s.end(),
        Some(&End::Deadline {
            agreement: Some(Agreement {
                outcome: vec![2, 0],
                seats: vec![0, 1]
            })
        })
    );
    assert_eq!(s.rounds_started(), 3);
    assert_eq!(s.apply(0, vote(true), &c), Err(Rejection::Over));
}

#[test]
fn no_adopted_change_ends_without_agreement() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = draft_and_vote(1);
    s.apply(0, vote(true), &c).unwrap();
    s.apply(1, vote(false), &c).unwrap();
    assert_eq!(s.end(), Some(&End::Deadline { agreement: None }));
}

#[test]
fn a_scenario_without_changes_never_adopts() {
    let sp = Packages::new(vec![1, 1]);
    let c = Context::new(&sp, &AcceptAll);
    let mut s = SingleText::new(&sp, 2, &Deadline::steps(1), Mediator::DraftAndVote, 0).unwrap();
    assert_eq!(s.proposal().change, None);
    s.apply(0, vote(true), &c).unwrap();
    s.apply(1, vote(true), &c).unwrap();
    assert_eq!(s.end(), Some(&End::Deadline { agreement: None }));
}

/// Seat 1 may accept nothing but outcome 0.
struct OnlyZero;
impl Acceptability<u32> for OnlyZero {
    fn may_accept(&self, seat: Seat, o: &u32) -> Result<(), Unacceptable> {
        if seat == 1 && *o != 0 {
            Err(Unacceptable::RedLine {
                package: format!("#{o}"),
                party: "B".into(),
            })
        } else {
            Ok(())
        }
    }
}

#[test]
fn accepting_what_one_may_not_counts_as_a_veto() {
    let sp = OutcomeSpace::from_cards(vec![4, 4]);
    let c = Context::new(&sp, &OnlyZero);
    let mut s = SingleText::new(&sp, 2, &Deadline::steps(50), Mediator::Veto, 9).unwrap();
    for _ in 0..50 {
        let offered = s.proposal().outcome;
        s.apply(0, vote(true), &c).unwrap();
        let e = s.apply(1, vote(true), &c).unwrap().into_vec();
        assert_eq!(
            e[0],
            Event::Voted {
                seat: 1,
                proposal: e_number(&e),
                accept: true,
                counted: offered == 0
            }
        );
        if let Some(d) = s.accepted_draft() {
            assert_eq!(*d, 0);
        }
    }
    assert!(s.end().is_some());
}

fn e_number(e: &[Event<u32>]) -> u64 {
    match &e[0] {
        Event::Voted { proposal, .. } => *proposal,
        _ => unreachable!("the first event is the vote"),
    }
}

#[test]
fn hill_climbing_changes_one_issue_of_the_draft() {
    let sp = OutcomeSpace::from_cards(vec![3, 4, 1]);
    let c = Context::new(&sp, &AcceptAll);
    let mut s = SingleText::new(&sp, 2, &Deadline::steps(30), Mediator::HillClimbing, 3).unwrap();
    // No draft yet: a whole package, no change.
    assert_eq!(s.proposal().change, None);
    while s.end().is_none() {
        let p = s.proposal().clone();
        if let (Some(d), Some((i, v))) = (s.draft().copied(), p.change) {
            assert!(i < 2, "issue 2 has one value and never moves");
            assert_ne!(sp.value(d, i), v);
            assert_eq!(sp.with_value(d, i, v), p.outcome);
        }
        s.apply(1, vote(true), &c).unwrap();
        s.apply(0, vote(true), &c).unwrap();
    }
    assert_eq!(s.rounds_started(), 30);
}

#[test]
fn the_same_seed_draws_the_same_proposals() {
    let sp = OutcomeSpace::from_cards(vec![5, 5]);
    let draws = |seed| {
        let c = Context::new(&sp, &AcceptAll);
        let mut s = SingleText::new(&sp, 2, &Deadline::steps(10), Mediator::Veto, seed).unwrap();
        let mut out = vec![s.proposal().outcome];
        while s.end().is_none() {
            s.apply(0, vote(false), &c).unwrap();
            s.apply(1, vote(false), &c).unwrap();
            out.push(s.proposal().outcome);
        }
        out
    };
    assert_eq!(draws(1), draws(1));
    assert_ne!(draws(1), draws(2));
}

#[test]
fn replaying_the_votes_reaches_the_same_state() {
    let sp = space();
    let c = Context::new(&sp, &AcceptAll);
    let mut s = draft_and_vote(5);
    let mut log = Vec::new();
    for (seat, accept) in [(1, true), (0, true), (0, false), (1, true), (1, true)] {
        log.extend(s.apply(seat, vote(accept), &c).unwrap());
    }
    log.extend(s.close_at_deadline());
    let json = serde_json::to_string(&log).unwrap();
    let back: Vec<Event<Vec<u32>>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, log);
    assert_eq!(replay(draft_and_vote(5), &back, &c).unwrap(), s);
}
