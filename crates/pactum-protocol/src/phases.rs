//! Phased sessions: a sequence of stacked-alternating-offers negotiations
//! (phases), each with its own deadline, the issues settled in one carried
//! into the later ones. (The simulator's `--phases`; not the live server's
//! partial rounds, see [`crate::partial_rounds`].)
//!
//! Rules kept here:
//! * a phase that reaches an agreement settles every issue (the session
//!   ends there);
//! * with carrying on, a phase that ends without agreement settles every
//!   open issue on which the seats' last offers of the phase coincide —
//!   provided every seat made an offer; settled issues stay settled;
//! * with carrying off, nothing is settled between phases.

use serde::Serialize;

use crate::limits::Seat;
use crate::sao;
use crate::space::Space;

/// What one phase did to the issues (value index per issue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseIssues {
    /// Issues settled before the phase.
    pub carried_in: Vec<Option<u32>>,
    /// Issues the phase settled (not those carried in): every open issue on
    /// an agreement, the coinciding ones otherwise.
    pub settled: Vec<Option<u32>>,
    /// Issues still open after the phase.
    pub open: Vec<usize>,
}

/// The issues settled so far in a phased session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phases {
    settled: Vec<Option<u32>>,
    carry: bool,
}

impl Phases {
    /// A session over `issues` issues; `carry`: settle coinciding issues
    /// between phases.
    pub fn new(issues: usize, carry: bool) -> Self {
        Phases {
            settled: vec![None; issues],
            carry,
        }
    }

    /// The settled value of each issue, for the next phase.
    pub fn settled(&self) -> &[Option<u32>] {
        &self.settled
    }

    /// Closes a phase that ended with `agreement` (if any) and each seat's
    /// last offer of the phase (`None`: the seat made none).
    pub fn close<S: Space>(
        &mut self,
        space: &S,
        agreement: Option<&S::Outcome>,
        last_offers: &[Option<S::Outcome>],
    ) -> PhaseIssues {
        let carried_in = self.settled.clone();
        let issues = self.settled.len();
        let after: Vec<Option<u32>> = match agreement {
            Some(a) => (0..issues).map(|i| Some(space.value(a, i))).collect(),
            None => {
                let offers: Option<Vec<&S::Outcome>> =
                    last_offers.iter().map(Option::as_ref).collect();
                if let Some(offers) = offers.filter(|o| self.carry && !o.is_empty()) {
                    for (i, s) in self.settled.iter_mut().enumerate() {
                        let v = space.value(offers[0], i);
                        if s.is_none() && offers.iter().all(|o| space.value(o, i) == v) {
                            *s = Some(v);
                        }
                    }
                }
                self.settled.clone()
            }
        };
        PhaseIssues {
            settled: carried_in
                .iter()
                .zip(&after)
                .map(|(b, a)| if b.is_none() { *a } else { None })
                .collect(),
            open: (0..issues).filter(|&i| after[i].is_none()).collect(),
            carried_in,
        }
    }
}

/// Each seat's last offer among stacked-alternating-offers events.
pub fn last_offers<'e, O: Clone + 'e>(
    seats: usize,
    events: impl IntoIterator<Item = &'e sao::Event<O>>,
) -> Vec<Option<O>> {
    let mut last: Vec<Option<O>> = vec![None; seats];
    for e in events {
        if let sao::Event::Offered { seat, outcome, .. } = e
            && let Some(slot) = last.get_mut(*seat as Seat)
        {
            *slot = Some(outcome.clone());
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::OutcomeSpace;

    #[test]
    fn coinciding_last_offers_settle_their_issues() {
        let sp = OutcomeSpace::from_cards(vec![3, 3, 3]);
        let mut p = Phases::new(3, true);
        let a = sp.encode(&[0, 1, 2]).unwrap();
        let b = sp.encode(&[0, 2, 2]).unwrap();
        let phase = p.close(&sp, None, &[Some(a), Some(b)]);
        assert_eq!(phase.carried_in, vec![None, None, None]);
        assert_eq!(phase.settled, vec![Some(0), None, Some(2)]);
        assert_eq!(phase.open, vec![1]);
        assert_eq!(p.settled(), &[Some(0), None, Some(2)]);
        // An agreement settles the rest.
        let c = sp.encode(&[0, 1, 2]).unwrap();
        let phase = p.close(&sp, Some(&c), &[Some(c), None]);
        assert_eq!(phase.carried_in, vec![Some(0), None, Some(2)]);
        assert_eq!(phase.settled, vec![None, Some(1), None]);
        assert!(phase.open.is_empty());
    }

    #[test]
    fn nothing_settles_without_every_offer_or_without_carrying() {
        let sp = OutcomeSpace::from_cards(vec![2, 2]);
        let mut p = Phases::new(2, true);
        assert_eq!(p.close(&sp, None, &[Some(0), None]).open, vec![0, 1]);
        let mut off = Phases::new(2, false);
        assert_eq!(off.close(&sp, None, &[Some(0), Some(0)]).open, vec![0, 1]);
        assert_eq!(off.settled(), &[None, None]);
    }

    #[test]
    fn last_offers_follow_the_events() {
        let events = vec![
            sao::Event::Offered {
                seat: 0,
                round: 0,
                outcome: 1u32,
            },
            sao::Event::Offered {
                seat: 0,
                round: 1,
                outcome: 2,
            },
            sao::Event::Accepted { seat: 1, round: 1 },
        ];
        assert_eq!(last_offers(3, &events), vec![Some(2), None, None]);
    }
}
