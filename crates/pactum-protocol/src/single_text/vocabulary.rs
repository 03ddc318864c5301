//! The single text's vocabulary: the mediators, a seat's vote, the
//! mediator's proposal, why the packages mediator stops, and the events a
//! move causes (serialisable, so a record replays).
//!
//! Rules kept here: an event names the proposal it concerns; a vote's
//! `counted` says whether it counted as an acceptance; [`Event::Stopped`]
//! always precedes the [`Event::Over`] it explains.

use serde::{Deserialize, Serialize};

use crate::end::End;
use crate::limits::Seat;

/// How the mediator proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mediator {
    /// Whole packages drawn at random.
    Veto,
    /// Random one-issue changes of the draft.
    HillClimbing,
    /// Every one-issue change of a middle-valued first draft, in turn.
    DraftAndVote,
    /// Complete packages better for everyone than the draft, from the
    /// parties' utilities, until none is left.
    Packages,
}

impl Mediator {
    /// Every mediator, in the order documentation lists them.
    pub const ALL: [Mediator; 4] = [
        Mediator::Veto,
        Mediator::HillClimbing,
        Mediator::DraftAndVote,
        Mediator::Packages,
    ];

    /// The mediator of a name (as [`Mediator::name`] spells it).
    pub fn from_name(name: &str) -> Option<Mediator> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The mediator's name (as the command line spells it).
    pub fn name(self) -> &'static str {
        match self {
            Mediator::Veto => "veto",
            Mediator::HillClimbing => "hill-climbing",
            Mediator::DraftAndVote => "draft-and-vote",
            Mediator::Packages => "packages",
        }
    }
}

/// Why the packages mediator stopped proposing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stop {
    /// No package is better for everyone than the draft (none makes a
    /// party better off and nobody worse off): the draft is
    /// Pareto-efficient — certainly when `exhaustive`, else among the
    /// packages the search examined.
    Frontier {
        /// Every package was examined.
        exhaustive: bool,
    },
    /// Better packages were found, and every one of them had been vetoed.
    Vetoed {
        /// Every package was examined.
        exhaustive: bool,
    },
    /// No package is acceptable to every party (or none that was not
    /// vetoed): there is no draft to start from.
    NoAcceptablePackage {
        /// Every package was examined.
        exhaustive: bool,
    },
}

/// A seat's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// Accept (`true`) or veto (`false`) the current proposal.
    pub accept: bool,
    /// The proposal voted on; when given it must be the current one.
    pub proposal: Option<u64>,
}

/// The mediator's proposal being voted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal<O> {
    /// Its number (= round, from 0).
    pub number: u64,
    /// The package proposed as the next draft.
    pub outcome: O,
    /// The one-issue change of the draft it makes (issue, value index),
    /// when it is one.
    pub change: Option<(usize, u32)>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event<O> {
    /// The mediator proposed (the first proposal is the state's from the
    /// start, [`SingleText::proposal`]; later ones follow resolutions).
    Proposed(Proposal<O>),
    /// A seat voted.
    Voted {
        /// Who.
        seat: Seat,
        /// On which proposal.
        proposal: u64,
        /// The vote as cast.
        accept: bool,
        /// Whether it counted as an acceptance (cast as one, and of a
        /// package the voter may accept).
        counted: bool,
    },
    /// Everyone accepted: the proposal is the draft.
    Adopted {
        /// Which proposal.
        proposal: u64,
        /// The new draft.
        draft: O,
    },
    /// Somebody vetoed: the draft stays.
    Vetoed {
        /// Which proposal.
        proposal: u64,
    },
    /// The packages mediator has nothing left to propose; an
    /// [`Event::Over`] follows.
    Stopped {
        /// The last proposal's number.
        proposal: u64,
        /// Why.
        stop: Stop,
    },
    /// The wall-clock deadline passed.
    Expired {
        /// The proposal then open.
        proposal: u64,
    },
    /// The negotiation is over.
    Over {
        /// The last proposal's number.
        proposal: u64,
        /// How (boxed: an event is moved with every move, an end happens
        /// once).
        end: Box<End<O>>,
    },
}
