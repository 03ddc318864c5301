//! Properties of every protocol: random sequences of moves, valid and
//! invalid, never panic; a refused move changes nothing; replaying the
//! events of the accepted moves reaches the same state; a move causes at
//! most `MAX_EVENTS` events.

use pactum_protocol::end::MAX_EVENTS;
use pactum_protocol::partial_rounds::{self, PartialRounds};
use pactum_protocol::sao::{self, Sao};
use pactum_protocol::single_text::{Mediator, SingleText, Vote};
use pactum_protocol::{
    Acceptability, Context, Deadline, OutcomeSpace, Packages, Protocol, Seat, Unacceptable, replay,
};
use proptest::prelude::*;

/// Seat s refuses every outcome whose first value is s (so some moves are
/// refused by the limits).
struct Picky;
impl Acceptability<u32> for Picky {
    fn may_accept(&self, seat: Seat, o: &u32) -> Result<(), Unacceptable> {
        self.check(seat, *o % 3)
    }
}
impl Acceptability<Vec<u32>> for Picky {
    fn may_accept(&self, seat: Seat, o: &Vec<u32>) -> Result<(), Unacceptable> {
        self.check(seat, o[0])
    }
}
impl Picky {
    fn check(&self, seat: Seat, first: u32) -> Result<(), Unacceptable> {
        if first as usize == seat {
            Err(Unacceptable::RedLine {
                package: String::new(),
                party: String::new(),
            })
        } else {
            Ok(())
        }
    }
}

/// Plays `moves` (`always`: moves allowed whether or not `may_move`),
/// checks the properties, returns how many were accepted.
fn play<P>(
    mut state: P,
    fresh: P,
    moves: Vec<(Seat, P::Move)>,
    always: fn(&P::Move) -> bool,
    ctx: &Context<impl pactum_protocol::Space<Outcome = P::Outcome>, Picky>,
) -> usize
where
    P: Protocol + Clone + PartialEq + std::fmt::Debug,
    Picky: Acceptability<P::Outcome>,
{
    let mut log = Vec::new();
    let mut accepted = 0;
    for (seat, mv) in moves {
        let before = state.clone();
        let may = state.may_move(seat) || always(&mv);
        match state.apply(seat, mv, ctx) {
            Ok(events) => {
                assert!(may, "a seat that may not move moved");
                assert!(!events.is_empty() && events.len() <= MAX_EVENTS);
                accepted += 1;
                log.extend(events);
            }
            Err(_) => assert_eq!(state, before, "a refused move changed the state"),
        }
    }
    assert_eq!(replay(fresh, &log, ctx).unwrap(), state);
    accepted
}

fn sao_move() -> impl Strategy<Value = (Seat, sao::Move<u32>)> {
    let mv = prop_oneof![
        6 => (0u32..30).prop_map(sao::Move::Offer),
        6 => Just(sao::Move::Accept),
        2 => Just(sao::Move::Reject),
        1 => Just(sao::Move::End),
        1 => Just(sao::Move::Leave),
    ];
    (0usize..4, mv)
}

fn vote() -> impl Strategy<Value = (Seat, Vote)> {
    (0usize..4, any::<bool>(), prop::option::of(0u64..6))
        .prop_map(|(s, accept, proposal)| (s, Vote { accept, proposal }))
}

fn partial_move() -> impl Strategy<Value = (Seat, partial_rounds::Move)> {
    let issues = prop::collection::vec((0usize..4, 0u32..4), 0..4);
    let mv = prop_oneof![
        4 => (0u64..8, issues).prop_map(|(id, issues)| partial_rounds::Move::Propose { id, issues }),
        4 => (0u64..8).prop_map(|id| partial_rounds::Move::Accept { id }),
        3 => Just(partial_rounds::Move::Reject),
        1 => Just(partial_rounds::Move::End),
    ];
    (0usize..4, mv)
}

proptest! {
    #[test]
    fn stacked_alternating_offers(seats in 2usize..4, rounds in 1usize..6, moves in prop::collection::vec(sao_move(), 0..60)) {
        let space = OutcomeSpace::from_cards(vec![3, 9]);
        let ctx = Context::new(&space, &Picky);
        let fresh = Sao::new(seats, &Deadline::steps(rounds)).unwrap();
        play(fresh.clone(), fresh, moves, |_| false, &ctx);
    }

    #[test]
    fn single_text(seats in 2usize..4, rounds in 1usize..6, seed in any::<u64>(), mediator in 0..3, moves in prop::collection::vec(vote(), 0..60)) {
        let space = OutcomeSpace::from_cards(vec![3, 3]);
        let ctx = Context::new(&space, &Picky);
        let mediator = [Mediator::Veto, Mediator::HillClimbing, Mediator::DraftAndVote][mediator as usize];
        let fresh = SingleText::new(&space, seats, &Deadline::steps(rounds), mediator, seed).unwrap();
        play(fresh.clone(), fresh, moves, |_| false, &ctx);
    }

    #[test]
    fn partial_rounds(seats in 2usize..4, rounds in 1usize..6, moves in prop::collection::vec(partial_move(), 0..60)) {
        let space = Packages::new(vec![3, 2, 4]);
        let ctx = Context::new(&space, &Picky);
        let fresh: PartialRounds<Vec<u32>> = PartialRounds::new(3, seats, &Deadline::steps(rounds)).unwrap();
        // Any seat may end the negotiation, its part of the round closed or not.
        play(fresh.clone(), fresh, moves, |m| *m == partial_rounds::Move::End, &ctx);
    }
}
