//! The rules of the packages mediator, one test each, checked against
//! brute force over small spaces.

use proptest::prelude::*;

use super::packages::Neighbourhood;
use super::*;
use crate::end::MAX_EVENTS;
use crate::limits::{AcceptAll, Unacceptable, Utilities};
use crate::protocol::replay;
use crate::space::OutcomeSpace;

/// Every seat's utility of every outcome, and its reservation value.
#[derive(Debug, Clone)]
struct Table {
    utils: Vec<Vec<f64>>,
    reservation: Vec<f64>,
}

impl Table {
    fn u(&self, seat: Seat, o: u32) -> f64 {
        self.utils[seat][o as usize]
    }

    fn acceptable(&self, o: u32) -> bool {
        (0..self.utils.len()).all(|s| self.u(s, o) >= self.reservation[s])
    }

    /// Whether some acceptable package is no worse for anyone than `d` and
    /// better for someone (`.0`), and whether one is better for everyone
    /// (`.1`).
    fn improvable(&self, d: u32) -> (bool, bool) {
        let seats = 0..self.utils.len();
        let (mut some, mut joint) = (false, false);
        for p in 0..self.utils[0].len() as u32 {
            if !self.acceptable(p) || seats.clone().any(|s| self.u(s, p) < self.u(s, d)) {
                continue;
            }
            let better = |s: usize| self.u(s, p) > self.u(s, d) + GAIN_TOLERANCE;
            some |= seats.clone().any(better);
            joint |= seats.clone().all(better);
        }
        (some, joint)
    }

    /// A sincere vote: the package is acceptable and at least as good as
    /// the draft.
    fn sincere(&self, seat: Seat, draft: Option<u32>, p: u32) -> bool {
        self.u(seat, p) >= self.reservation[seat]
            && draft.is_none_or(|d| self.u(seat, p) >= self.u(seat, d))
    }
}

impl Acceptability<u32> for Table {
    fn may_accept(&self, seat: Seat, o: &u32) -> Result<(), Unacceptable> {
        let u = self.u(seat, *o);
        if u >= self.reservation[seat] {
            Ok(())
        } else {
            Err(Unacceptable::BelowReservation {
                package: format!("#{o}"),
                party: format!("seat {seat}"),
                utility: u,
                reservation: self.reservation[seat],
            })
        }
    }
}

impl Utilities<u32> for Table {
    fn utility(&self, seat: Seat, o: &u32) -> f64 {
        self.u(seat, *o)
    }

    fn disagreement(&self, seat: Seat) -> f64 {
        let worst = self.utils[seat]
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        worst.max(self.reservation[seat])
    }
}

/// Two issues of three values, the parties' interests opposed on each and
/// weighted differently: A cares for issue 0 (weight 0.8), B for issue 1.
fn opposed() -> (OutcomeSpace, Table) {
    let sp = OutcomeSpace::from_cards(vec![3, 3]);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for o in 0..9 {
        let (x, y) = (
            f64::from(sp.value(o, 0)) / 2.0,
            f64::from(sp.value(o, 1)) / 2.0,
        );
        a.push(0.8 * x + 0.2 * y);
        b.push(0.2 * (1.0 - x) + 0.8 * (1.0 - y));
    }
    let t = Table {
        utils: vec![a, b],
        reservation: vec![0.3, 0.3],
    };
    (sp, t)
}

fn vote(accept: bool) -> Vote {
    Vote {
        accept,
        proposal: None,
    }
}

/// Plays to the end with `voter(seat, draft, proposal)`, checking the
/// event bound; the events and every proposal made.
fn play(
    sp: &OutcomeSpace,
    t: &Table,
    s: &mut SingleText<u32>,
    mut voter: impl FnMut(Seat, Option<u32>, u32) -> bool,
) -> (Vec<Event<u32>>, Vec<Proposal<u32>>) {
    let c = Context::with_utilities(sp, t, t);
    let mut log = Vec::new();
    let mut proposals = vec![s.proposal().clone()];
    while s.end().is_none() {
        let (draft, p) = (s.accepted_draft().copied(), s.proposal().outcome);
        for seat in 0..t.utils.len() {
            let e = s.apply(seat, vote(voter(seat, draft, p)), &c).unwrap();
            assert!(e.len() <= MAX_EVENTS);
            for ev in e.iter() {
                if let Event::Proposed(p) = ev {
                    proposals.push(p.clone());
                }
            }
            log.extend(e);
        }
    }
    (log, proposals)
}

fn start(sp: &OutcomeSpace, t: &Table, rounds: usize) -> SingleText<u32> {
    let c = Context::with_utilities(sp, t, t);
    SingleText::start(
        &c,
        t.utils.len(),
        &Deadline::steps(rounds),
        Mediator::Packages,
        7,
    )
    .unwrap()
}

#[test]
fn the_neighbourhood_meets_every_other_package_once_fewest_changes_first() {
    let sp = OutcomeSpace::from_cards(vec![3, 1, 4, 2]);
    let centre = sp.encode(&[1, 0, 2, 1]).unwrap();
    let walk: Vec<(usize, u32)> = Neighbourhood::new(&sp, &centre).collect();
    assert_eq!(walk.len(), sp.len() - 1);
    let mut seen: Vec<u32> = walk.iter().map(|w| w.1).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), sp.len() - 1);
    assert!(!seen.contains(&centre));
    assert!(walk.windows(2).all(|w| w[0].0 <= w[1].0));
    for (k, p) in walk {
        let changed = (0..4)
            .filter(|&i| sp.value(p, i) != sp.value(centre, i))
            .count();
        assert_eq!(k, changed);
    }
    assert_eq!(
        Neighbourhood::new(&OutcomeSpace::from_cards(vec![1, 1]), &0).count(),
        0
    );
}

#[test]
fn it_trades_across_issues_where_every_one_issue_change_is_win_lose() {
    let (sp, t) = opposed();
    let mut s = start(&sp, &t, 30);
    // The middle draft (1, 1) is acceptable to both: it is the first.
    assert_eq!(s.proposal().outcome, sp.encode(&[1, 1]).unwrap());
    let (log, proposals) = play(&sp, &t, &mut s, |seat, d, p| t.sincere(seat, d, p));
    // Then A gets issue 0, B issue 1: a logroll over two issues.
    assert_eq!(proposals[1].outcome, sp.encode(&[2, 0]).unwrap());
    assert_eq!(proposals[1].change, None);
    assert_eq!(proposals.len(), 2);
    assert_eq!(s.stop(), Some(Stop::Frontier { exhaustive: true }));
    assert!(s.on_frontier());
    assert_eq!(
        s.end(),
        Some(&End::Agreement(Agreement {
            outcome: sp.encode(&[2, 0]).unwrap(),
            seats: vec![0, 1]
        }))
    );
    assert!(log.contains(&Event::Stopped {
        proposal: 1,
        stop: Stop::Frontier { exhaustive: true }
    }));
    // Draft-and-vote's one-issue changes of the same draft: none adopted.
    let c = Context::new(&sp, &t);
    let mut d = SingleText::new(&sp, 2, &Deadline::steps(6), Mediator::DraftAndVote, 0).unwrap();
    while d.end().is_none() {
        let (draft, p) = (d.draft().copied(), d.proposal().outcome);
        for seat in 0..2 {
            d.apply(seat, vote(t.sincere(seat, draft, p)), &c).unwrap();
        }
    }
    assert_eq!(d.accepted_draft(), None);
}

#[test]
fn it_needs_the_utilities() {
    let (sp, t) = opposed();
    assert_eq!(
        SingleText::<u32>::new(&sp, 2, &Deadline::steps(5), Mediator::Packages, 0),
        Err(SetupError::NeedsUtilities {
            mediator: "packages"
        })
    );
    assert!(
        SingleText::start(
            &Context::new(&sp, &t),
            2,
            &Deadline::steps(5),
            Mediator::Packages,
            0
        )
        .is_err()
    );
    let mut s = start(&sp, &t, 5);
    let before = s.clone();
    let r = s.apply(0, vote(true), &Context::new(&sp, &AcceptAll));
    assert_eq!(
        r.unwrap_err().to_string(),
        "the packages mediator needs the parties' utilities, and none were given"
    );
    assert_eq!(s, before);
}

#[test]
fn without_an_acceptable_package_it_starts_over() {
    let (sp, mut t) = opposed();
    t.reservation = vec![0.9, 0.9];
    let s = start(&sp, &t, 5);
    assert_eq!(
        s.stop(),
        Some(Stop::NoAcceptablePackage { exhaustive: true })
    );
    assert_eq!(s.end(), Some(&End::Deadline { agreement: None }));
    assert_eq!(s.rounds_started(), 0);
}

#[test]
fn a_vetoed_package_is_never_proposed_again_and_vetoes_exhaust_it() {
    let (sp, t) = opposed();
    // Seat 1 vetoes everything but the first draft.
    let mut s = start(&sp, &t, 40);
    let first = s.proposal().outcome;
    let (_, proposals) = play(&sp, &t, &mut s, |seat, _, p| seat == 0 || p == first);
    let later: Vec<u32> = proposals[1..].iter().map(|p| p.outcome).collect();
    let mut distinct = later.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        later.len(),
        "a package proposed twice: {later:?}"
    );
    assert_eq!(s.vetoed(), &later[..]);
    // Every package better for both than the first draft was tried.
    let better: Vec<u32> = (0..9)
        .filter(|&p| t.acceptable(p) && (0..2).all(|x| t.u(x, p) >= t.u(x, first)) && p != first)
        .collect();
    assert_eq!(distinct, better);
    assert_eq!(s.stop(), Some(Stop::Vetoed { exhaustive: true }));
    assert_eq!(
        s.end().and_then(End::agreement).map(|a| a.outcome),
        Some(first)
    );
    // Nobody accepts anything: every acceptable first draft is tried once.
    let mut s = start(&sp, &t, 40);
    let (_, proposals) = play(&sp, &t, &mut s, |_, _, _| false);
    assert_eq!(proposals.len(), (0..9).filter(|&p| t.acceptable(p)).count());
    assert_eq!(
        s.stop(),
        Some(Stop::NoAcceptablePackage { exhaustive: true })
    );
    assert_eq!(s.end(), Some(&End::Deadline { agreement: None }));
}

#[test]
fn a_small_budget_says_the_stop_is_not_exhaustive() {
    let (sp, t) = opposed();
    let c = Context::with_utilities(&sp, &t, &t);
    let mut s =
        SingleText::start_with_budget(&c, 2, &Deadline::steps(30), Mediator::Packages, 0, 4)
            .unwrap();
    play(&sp, &t, &mut s, |seat, d, p| t.sincere(seat, d, p));
    // The logroll changes two issues; four packages cover only one-issue
    // changes of the middle draft.
    assert_eq!(s.stop(), Some(Stop::Frontier { exhaustive: false }));
    assert_eq!(s.end().and_then(End::agreement).map(|a| a.outcome), Some(4));
}

fn table() -> impl Strategy<Value = (Vec<u32>, Table)> {
    (prop::collection::vec(1u32..5, 1..4), 2usize..4).prop_flat_map(|(cards, seats)| {
        let n: usize = cards.iter().map(|&c| c as usize).product();
        (
            Just(cards),
            prop::collection::vec(prop::collection::vec(0u8..9, n), seats),
            prop::collection::vec(0u8..6, seats),
        )
            .prop_map(|(cards, utils, res)| {
                let t = Table {
                    utils: utils
                        .into_iter()
                        .map(|u| u.into_iter().map(|x| f64::from(x) / 8.0).collect())
                        .collect(),
                    reservation: res.into_iter().map(|r| f64::from(r) / 8.0).collect(),
                };
                (cards, t)
            })
    })
}

proptest! {
    /// With sincere voters: the first draft is acceptable to all; every
    /// later proposal is no worse for anyone than the draft and better for
    /// someone, better for everyone whenever brute force finds a package
    /// that is; it stops exactly on the frontier (brute force finds no
    /// acceptable package better for someone and worse for nobody), with
    /// the draft as the agreement; the same inputs give the same record,
    /// whatever the seed; replaying it reaches the same state.
    #[test]
    fn sincere_voters_reach_the_frontier_by_joint_gains((cards, t) in table(), seed in any::<u64>()) {
        let sp = OutcomeSpace::from_cards(cards);
        let c = Context::with_utilities(&sp, &t, &t);
        let seats = t.utils.len();
        let fresh = SingleText::start(&c, seats, &Deadline::steps(100), Mediator::Packages, seed).unwrap();
        let mut s = fresh.clone();
        if !(0..sp.len() as u32).any(|p| t.acceptable(p)) {
            prop_assert_eq!(s.stop(), Some(Stop::NoAcceptablePackage { exhaustive: true }));
            return Ok(());
        }
        let mut drafts: Vec<Option<u32>> = vec![None];
        let (log, proposals) = play(&sp, &t, &mut s, |seat, d, p| {
            if seat == 0 {
                drafts.push(d);
            }
            t.sincere(seat, d, p)
        });
        prop_assert!(t.acceptable(proposals[0].outcome));
        for (p, d) in proposals.iter().zip(&drafts[1..]).skip(1) {
            let d = d.expect("the first draft was adopted");
            let (p, us) = (p.outcome, |x: u32| (0..seats).map(|s| t.u(s, x)).collect::<Vec<_>>());
            prop_assert!(t.acceptable(p));
            prop_assert!((0..seats).all(|s| t.u(s, p) >= t.u(s, d)), "{:?} is worse than {:?}", us(p), us(d));
            prop_assert!((0..seats).any(|s| t.u(s, p) > t.u(s, d) + GAIN_TOLERANCE));
            if t.improvable(d).1 {
                prop_assert!((0..seats).all(|s| t.u(s, p) > t.u(s, d) + GAIN_TOLERANCE));
            }
        }
        prop_assert_eq!(s.stop(), Some(Stop::Frontier { exhaustive: true }));
        let agreed = s.end().and_then(End::agreement).map(|a| a.outcome);
        prop_assert_eq!(agreed, s.accepted_draft().copied());
        prop_assert_eq!(t.improvable(agreed.unwrap()), (false, false));
        prop_assert_eq!(replay(fresh.clone(), &log, &c).unwrap(), s.clone());
        let mut again = SingleText::start(&c, seats, &Deadline::steps(100), Mediator::Packages, seed ^ 1).unwrap();
        let (log2, _) = play(&sp, &t, &mut again, |seat, d, p| t.sincere(seat, d, p));
        prop_assert_eq!(log2, log);
    }

    /// Whatever the votes, no package is proposed twice after a veto, and
    /// replaying the record reaches the same state.
    #[test]
    fn a_vetoed_package_never_comes_back((cards, t) in table(), votes in prop::collection::vec(any::<bool>(), 0..200)) {
        let sp = OutcomeSpace::from_cards(cards);
        let c = Context::with_utilities(&sp, &t, &t);
        let fresh = SingleText::start(&c, t.utils.len(), &Deadline::steps(40), Mediator::Packages, 0).unwrap();
        let mut s = fresh.clone();
        let mut votes = votes.into_iter().cycle();
        let (log, proposals) = play(&sp, &t, &mut s, |_, _, _| votes.next().unwrap_or(true));
        for (i, p) in proposals.iter().enumerate() {
            if s.vetoed().contains(&p.outcome) {
                prop_assert!(proposals[i + 1..].iter().all(|q| q.outcome != p.outcome));
            }
        }
        prop_assert_eq!(replay(fresh, &log, &c).unwrap(), s);
    }
}
