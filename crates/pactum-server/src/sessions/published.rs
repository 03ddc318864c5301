//! What subscribers of a session are told happened: one [`Published`]
//! event per log entry they see (a move, an agreement or end, a vote or
//! proposal, a settlement, a disclosure choice), plus the mediator's
//! suggestions, which are not logged. The moves service builds them as it
//! commits; the live layer sends them and reads them back from the log.
//!
//! Rules: an entry's event is published with the entry's seq and round;
//! a package is published as the scenario's outcome, and an entry whose
//! package does not fit the scenario is not published at all; a move's
//! words are published as the record keeps them (checked plain text,
//! escaped by whoever shows them).

use std::collections::HashMap;

use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};

use crate::event::Event;
use crate::offers::to_outcome;
use crate::protocol::MoveKind;

/// What happened, as published to every subscriber of the session: a log
/// entry, or suggestions (which are not logged).
#[derive(Debug, Clone)]
pub(crate) enum Published {
    /// A log entry subscribers see.
    Logged(Logged),
    /// Mediator suggestions after round `round`: each negotiator's, as the
    /// JSON of its `suggestions` event, by scenario party index.
    Suggestions {
        round: u64,
        by_party: HashMap<usize, String>,
    },
}

impl Published {
    /// The seq of the log entry this event comes from and its round
    /// (`None` for suggestions, which are not logged).
    pub(crate) fn position(&self) -> Option<(u64, Option<u64>)> {
        match self {
            Published::Logged(logged) => Some(logged.position()),
            Published::Suggestions { .. } => None,
        }
    }
}

/// A log entry subscribers see, as published: entry `seq` of round
/// `round`.
#[derive(Debug, Clone)]
pub(crate) enum Logged {
    Move {
        seq: u64,
        round: u64,
        party: String,
        kind: MoveKind,
        offer: Option<Outcome>,
        /// Words the mover sent with the move, as the record keeps them.
        message: Option<String>,
    },
    Agreement {
        seq: u64,
        round: u64,
        offer: Outcome,
    },
    Ended {
        seq: u64,
        round: u64,
        reason: String,
    },
    /// Single text: a negotiator voted on proposal `round` (how it voted
    /// is not published).
    Vote { seq: u64, round: u64, party: String },
    /// Single text: the mediator's proposal `round`, a change to the draft.
    Proposal {
        seq: u64,
        round: u64,
        draft: Package,
        change: Package,
    },
    /// Partial rounds: a move (see `crate::partial`).
    PartialMove {
        seq: u64,
        round: u64,
        party: String,
        kind: MoveKind,
        offer: Option<Package>,
        proposal: Option<u64>,
        /// Words the mover sent with the move, as the record keeps them.
        message: Option<String>,
    },
    /// Partial rounds: a proposal every negotiator accepted.
    Settled {
        seq: u64,
        round: u64,
        proposal: u64,
        issues: Package,
    },
    /// A negotiator disclosed its preferences to the mediator, or withdrew
    /// that (who and which way, never the preferences).
    Disclosure {
        seq: u64,
        party: String,
        disclose: bool,
    },
}

impl Logged {
    /// The seq of the log entry and its round (none for a disclosure,
    /// which belongs to none).
    pub(crate) fn position(&self) -> (u64, Option<u64>) {
        match self {
            Logged::Move { seq, round, .. }
            | Logged::Agreement { seq, round, .. }
            | Logged::Ended { seq, round, .. }
            | Logged::PartialMove { seq, round, .. }
            | Logged::Settled { seq, round, .. }
            | Logged::Vote { seq, round, .. }
            | Logged::Proposal { seq, round, .. } => (*seq, Some(*round)),
            Logged::Disclosure { seq, .. } => (*seq, None),
        }
    }
}

/// The published form of log entry `seq`, if subscribers see it.
pub(crate) fn published(scenario: &Scenario, seq: u64, event: Event) -> Option<Published> {
    let outcome = |p: &Package| to_outcome(scenario, p).ok();
    Some(Published::Logged(match event {
        Event::Move {
            party,
            kind,
            offer,
            round,
            message,
            ..
        } => Logged::Move {
            seq,
            round,
            party,
            kind,
            offer: match offer {
                Some(p) => Some(outcome(&p)?),
                None => None,
            },
            message,
        },
        Event::Agreement { offer, round } => Logged::Agreement {
            seq,
            round,
            offer: outcome(&offer)?,
        },
        Event::Ended { reason, round } => Logged::Ended { seq, round, reason },
        Event::PartialMove {
            party,
            kind,
            offer,
            proposal,
            round,
            message,
            ..
        } => Logged::PartialMove {
            seq,
            round,
            party,
            kind,
            offer,
            proposal,
            message,
        },
        Event::Settled {
            proposal,
            issues,
            round,
        } => Logged::Settled {
            seq,
            round,
            proposal,
            issues,
        },
        Event::Vote {
            party, proposal, ..
        } => Logged::Vote {
            seq,
            round: proposal,
            party,
        },
        Event::Proposal {
            proposal,
            draft,
            change,
        } => Logged::Proposal {
            seq,
            round: proposal,
            draft,
            change,
        },
        Event::Disclosure {
            party, disclose, ..
        } => Logged::Disclosure {
            seq,
            party,
            disclose,
        },
        _ => return None,
    }))
}
