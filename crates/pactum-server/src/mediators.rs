//! The single text's mediators as a session chooses them: their names in
//! the API and the record, the seed of their draws, and the tables through
//! which the packages mediator consults the locked preferences.
//!
//! Rules kept here:
//! * a session's mediator is one of `"draft_and_vote"` (the default, and
//!   every record that names none), `"veto"`, `"hill_climbing"` and
//!   `"packages"`;
//! * the veto and hill-climbing mediators draw from a seed the record
//!   carries (`mediator_seed` of the `created` event); a live session's is
//!   the session's seed (its id's first 64 bits, as its bots') mixed with
//!   [`pactum_protocol::derive_seed`] as the simulator's runner mixes its
//!   mediator's (stream 0), so `pactum verify` and `pactum replay` redraw
//!   the same proposals; draft-and-vote and packages draw nothing and carry
//!   no seed;
//! * the packages mediator's utilities and limits are the simulator's tables
//!   of the preferences given ([`Tables`]), so a live session, a simulation
//!   and a replay search the same numbers bit for bit. They are built only
//!   from the locked preferences, on the server, and leave it only as the
//!   mediator's proposals.

use pactum_core::{Outcome, Scenario};
use pactum_protocol::single_text::Mediator;
use pactum_protocol::{
    Acceptability, OutcomeSpace, OutsideSpace, Packages, Seat, Space, Unacceptable, Utilities,
    derive_seed,
};
use pactum_sim::Prepared;
use pactum_sim::session::Limits;

use crate::bots::{BotError, prepare, session_seed};

/// The mediator a session has when it names none.
pub const DEFAULT_MEDIATOR: &str = "draft_and_vote";

/// The API's and the record's name of `mediator`.
pub fn mediator_name(mediator: Mediator) -> &'static str {
    match mediator {
        Mediator::Veto => "veto",
        Mediator::HillClimbing => "hill_climbing",
        Mediator::DraftAndVote => "draft_and_vote",
        Mediator::Packages => "packages",
    }
}

/// The mediator named `name` (as [`mediator_name`] spells it).
pub fn parse_mediator(name: &str) -> Option<Mediator> {
    Mediator::ALL
        .into_iter()
        .find(|m| mediator_name(*m) == name)
}

/// Every mediator's name, for messages ("a", "b", ...).
pub fn mediator_names() -> String {
    Mediator::ALL
        .iter()
        .map(|m| format!("{:?}", mediator_name(*m)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A session's mediator and the seed of its draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextMediator {
    /// How the mediator proposes.
    pub mediator: Mediator,
    /// The seed of its draws (0 for a mediator that draws nothing).
    pub seed: u64,
}

impl TextMediator {
    /// The draft-and-vote mediator, the default.
    pub const DRAFT_AND_VOTE: TextMediator = TextMediator {
        mediator: Mediator::DraftAndVote,
        seed: 0,
    };

    /// `mediator` drawing from `seed` (kept only when it draws).
    pub fn new(mediator: Mediator, seed: u64) -> Self {
        TextMediator {
            mediator,
            seed: if Self::draws_for(mediator) { seed } else { 0 },
        }
    }

    /// A live session's mediator: its draws seeded from the session id.
    pub fn live(mediator: Mediator, session_id: &str) -> Self {
        Self::new(mediator, derive_seed(session_seed(session_id), 0))
    }

    fn draws_for(mediator: Mediator) -> bool {
        matches!(mediator, Mediator::Veto | Mediator::HillClimbing)
    }

    /// The mediator a `created` event records: its `mediator` name (none:
    /// draft-and-vote) and `mediator_seed` (required when it draws).
    pub fn of_created(name: Option<&str>, seed: Option<u64>) -> Result<Self, String> {
        let mediator = match name {
            None => Mediator::DraftAndVote,
            Some(n) => parse_mediator(n).ok_or_else(|| {
                format!("mediator: unknown mediator {n:?}; use {}", mediator_names())
            })?,
        };
        match (Self::draws_for(mediator), seed) {
            (true, None) => Err(format!(
                "mediator_seed: the {:?} mediator draws at random, and the record carries no seed",
                mediator_name(mediator)
            )),
            (false, Some(_)) => Err(format!(
                "mediator_seed: the {:?} mediator draws nothing, yet the record carries a seed",
                mediator_name(mediator)
            )),
            (_, s) => Ok(Self::new(mediator, s.unwrap_or(0))),
        }
    }

    /// The `mediator` field a `created` event carries (none for
    /// draft-and-vote, so records from before the choice read the same).
    pub fn recorded_name(self) -> Option<String> {
        (self.mediator != Mediator::DraftAndVote).then(|| mediator_name(self.mediator).to_string())
    }

    /// The `mediator_seed` field a `created` event carries (only for a
    /// mediator that draws).
    pub fn recorded_seed(self) -> Option<u64> {
        Self::draws_for(self.mediator).then_some(self.seed)
    }
}

/// The scenario's space as the engine sees it: packages held as value
/// indices, drawn at random as the simulator draws them (one outcome
/// number below the space's size, decoded), so a veto or hill-climbing
/// mediator seeded alike proposes alike live, simulated and replayed. A
/// space too large to number draws issue by issue.
#[derive(Debug, Clone)]
pub struct TextSpace {
    packages: Packages,
    numbered: Option<OutcomeSpace>,
}

impl Space for TextSpace {
    type Outcome = Outcome;

    fn issues(&self) -> usize {
        self.packages.issues()
    }

    fn cardinality(&self, issue: usize) -> u32 {
        self.packages.cardinality(issue)
    }

    fn value(&self, outcome: &Outcome, issue: usize) -> u32 {
        self.packages.value(outcome, issue)
    }

    fn with_value(&self, outcome: &Outcome, issue: usize, value: u32) -> Outcome {
        self.packages.with_value(outcome, issue, value)
    }

    fn outcome_of(&self, values: &[u32]) -> Result<Outcome, OutsideSpace> {
        self.packages.outcome_of(values)
    }

    fn check(&self, outcome: &Outcome) -> Result<(), OutsideSpace> {
        self.packages.check(outcome)
    }

    fn random<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> Outcome {
        match &self.numbered {
            Some(n) => n.decode(n.random(rng)),
            None => self.packages.random(rng),
        }
    }
}

/// The scenario's space as the engine sees it.
pub fn space_of(scenario: &Scenario) -> TextSpace {
    let cards: Vec<u32> = scenario
        .issues()
        .iter()
        .map(|i| u32::try_from(i.cardinality()).unwrap_or(u32::MAX))
        .collect();
    let count = cards
        .iter()
        .try_fold(1u64, |n, &c| n.checked_mul(u64::from(c)));
    TextSpace {
        numbered: count
            .filter(|&n| n > 0 && n <= u64::from(u32::MAX))
            .map(|_| OutcomeSpace::from_cards(cards.clone())),
        packages: Packages::new(cards),
    }
}

/// Every negotiator's utilities and limits, tabulated from the preferences
/// given (the locked ones, in a live session): what the packages mediator
/// consults.
#[derive(Debug, Clone)]
pub struct Tables {
    prepared: Prepared,
}

impl Tables {
    /// The tables of `scenario`'s negotiators (a space small enough to
    /// tabulate, as for the server's bots).
    pub fn new(scenario: &Scenario) -> Result<Self, BotError> {
        Ok(Tables {
            prepared: prepare(scenario)?,
        })
    }

    /// The simulator's outcome number of `outcome`, if it is in the space.
    fn id(&self, outcome: &Outcome) -> Option<pactum_sim::OutcomeId> {
        self.prepared.space.encode(outcome).ok()
    }
}

impl Acceptability<Outcome> for Tables {
    fn may_accept(&self, seat: Seat, outcome: &Outcome) -> Result<(), Unacceptable> {
        match (self.id(outcome), self.prepared.prefs.get(seat)) {
            (Some(id), Some(_)) => Limits(&self.prepared.prefs).may_accept(seat, &id),
            (_, Some(p)) => Err(Unacceptable::RedLine {
                package: format!("{outcome:?}"),
                party: p.name.clone(),
            }),
            (_, None) => Ok(()),
        }
    }
}

impl Utilities<Outcome> for Tables {
    fn utility(&self, seat: Seat, outcome: &Outcome) -> f64 {
        match (self.id(outcome), self.prepared.prefs.get(seat)) {
            (Some(id), Some(p)) => p.utility(id),
            _ => f64::NEG_INFINITY,
        }
    }

    fn disagreement(&self, seat: Seat) -> f64 {
        self.prepared
            .prefs
            .get(seat)
            .map_or(f64::INFINITY, |p| p.floor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_seeds_are_recorded_only_for_draws() {
        for m in Mediator::ALL {
            assert_eq!(parse_mediator(mediator_name(m)), Some(m));
        }
        assert_eq!(parse_mediator("draft-and-vote"), None);
        let veto = TextMediator::live(Mediator::Veto, "00000000000000070000");
        assert_eq!(veto.seed, derive_seed(7, 0));
        assert_eq!(veto.recorded_seed(), Some(derive_seed(7, 0)));
        assert_eq!(
            TextMediator::live(Mediator::Packages, "07").recorded_seed(),
            None
        );
        assert_eq!(TextMediator::DRAFT_AND_VOTE.recorded_name(), None);
        assert_eq!(
            TextMediator::of_created(Some("veto"), Some(3)),
            Ok(TextMediator::new(Mediator::Veto, 3))
        );
        assert!(TextMediator::of_created(Some("veto"), None).is_err());
        assert!(TextMediator::of_created(Some("packages"), Some(1)).is_err());
        assert!(TextMediator::of_created(Some("nope"), None).is_err());
        assert_eq!(
            TextMediator::of_created(None, None),
            Ok(TextMediator::DRAFT_AND_VOTE)
        );
    }
}
