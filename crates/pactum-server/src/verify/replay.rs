//! The protocol replay check: the moves are replayed through the server's
//! own protocol rules ([`State::apply`], [`TextState::vote`],
//! [`PartialState::apply`]).
//!
//! Rules kept: every move is legal in turn; every event the server derives
//! (agreement, end, proposal, settlement, partial agreement) is exactly the
//! one the moves imply, and nothing else is; no move is recorded after a
//! wall-clock time limit, and a recorded expiry is replayed at its recorded
//! time, which must end the negotiation then; preferences change only before
//! their party's first move or lock and before the end. Alternating offers
//! replay without the scenario (each distinct package standing for one
//! outcome); the other protocols need it.

use std::collections::{HashMap, HashSet, VecDeque};

use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};

use crate::event::Event;
use crate::offers::{parse_offer, parse_partial_offer};
use crate::partial::{PARTIAL_ROUNDS, PartialState, derived_events};
use crate::preferences::PreferencesRequest;
use crate::protocol::{ALTERNATING_OFFERS, MoveKind, RecordedEnd, State, finish_event};
use crate::record::{Record, canonical_json};
use crate::single_text::{SINGLE_TEXT, TextState, proposal_event, text_events};

use super::creation::Creation;
use super::report::{Check, ScenarioSource, Status};
use super::scenario::why_no_scenario;

/// The failure of an expiry recorded before the time limit.
const NOT_IMPLIED: &str = "an expiry the session's time limit does not imply at its recorded time";

pub(super) fn replay_check(
    record: &Record,
    events: &[Event],
    creation: &Creation,
    scenario: Option<&Scenario>,
    source: Option<(&str, ScenarioSource)>,
    opened: &HashMap<u64, PreferencesRequest>,
) -> Check {
    const NAME: &str = "protocol replay";
    let requested = matches!(source, Some((_, ScenarioSource::Given)));
    if let Some(why) = unopened_for_packages(record, events, opened) {
        return Check::new(NAME, Status::NotChecked, why).requested(requested);
    }
    if scenario.is_none() && creation.protocol != ALTERNATING_OFFERS {
        let why = why_no_scenario(source.is_some());
        return Check::new(
            NAME,
            Status::NotChecked,
            format!(
                "replaying a {:?} session needs its scenario and {why}; give --scenario FILE (the session's scenario) or verify the session's export",
                creation.protocol
            ),
        )
        .requested(requested);
    }
    match Replay::run(record, events, creation, scenario, opened) {
        Ok(summary) => {
            let caveat = if scenario.is_none() {
                "; without the scenario the offers' values were not checked against the issues (give --scenario FILE or verify the export)"
            } else {
                ""
            };
            Check::new(NAME, Status::Passed, format!("{summary}{caveat}"))
        }
        Err(e) => Check::new(NAME, Status::Failed, e),
    }
    .requested(requested)
}

/// Why the packages mediator's proposals cannot be replayed: it proposed
/// from the locked preferences, and some party's edit of its own is not
/// opened (`--preferences`); `None` when they can be (or another mediator).
fn unopened_for_packages(
    record: &Record,
    events: &[Event],
    opened: &HashMap<u64, PreferencesRequest>,
) -> Option<String> {
    let Some(Event::Created {
        mediator: Some(m), ..
    }) = events.first()
    else {
        return None;
    };
    if m != "packages" {
        return None;
    }
    let unopened: Vec<String> = record
        .events
        .iter()
        .zip(events)
        .filter_map(|(entry, e)| match e {
            Event::Preferences { party, .. } if !opened.contains_key(&entry.seq) => {
                Some(format!("{party} (event {})", entry.seq))
            }
            _ => None,
        })
        .collect();
    (!unopened.is_empty()).then(|| {
        format!(
            "the packages mediator proposed from the locked preferences, and these edits of them are not opened: {}; give --preferences FILE with each one's export (GET /sessions/{{id}}/preferences/export) to replay its proposals",
            unopened.join(", ")
        )
    })
}

/// The scenario with each party's latest edit of its preferences before the
/// point reached (`edits`: seq and party, in record order), each opened.
fn locked_preferences(
    scenario: &Scenario,
    edits: &[(u64, String)],
    opened: &HashMap<u64, PreferencesRequest>,
) -> Result<Scenario, String> {
    let mut out = scenario.clone();
    for (i, (seq, party)) in edits.iter().enumerate() {
        if edits[i + 1..].iter().any(|(_, p)| p == party) {
            continue;
        }
        let prefs = opened
            .get(seq)
            .ok_or_else(|| format!("{party}'s preferences (event {seq}) are not opened"))?;
        let index = out
            .party_index(party)
            .ok_or_else(|| format!("{party:?} is not a party of the scenario"))?;
        out = crate::preferences::apply(&out, index, prefs)
            .map_err(|e| format!("{party}'s opened preferences (event {seq}): {e}"))?;
    }
    Ok(out)
}

/// The protocol rules a session is replayed under.
enum Rules {
    Offers(State),
    Text(Box<TextState>),
    Partial(PartialState),
}

/// A replay of a record's events through the protocol rules.
struct Replay<'a> {
    scenario: Option<&'a Scenario>,
    negotiators: Vec<String>,
    /// Alternating offers without the scenario: each distinct package (in
    /// canonical form) stands for one outcome.
    packages: Vec<(String, Package)>,
}

impl<'a> Replay<'a> {
    fn run(
        record: &Record,
        events: &[Event],
        creation: &Creation,
        scenario: Option<&'a Scenario>,
        opened: &HashMap<u64, PreferencesRequest>,
    ) -> Result<String, String> {
        let negotiators = creation.negotiators.clone();
        if negotiators.len() < 2 {
            return Err("the session names fewer than two negotiators".into());
        }
        if creation.deadline_rounds == 0
            || creation.deadline_rounds > crate::limits::MAX_DEADLINE_ROUNDS
        {
            return Err(format!(
                "a deadline of {} rounds, which no session can have (1 to {})",
                creation.deadline_rounds,
                crate::limits::MAX_DEADLINE_ROUNDS
            ));
        }
        if let Some(sc) = scenario
            && sc.negotiator_names() != negotiators
        {
            return Err(format!(
                "the record's negotiators {negotiators:?} are not the scenario's {:?}",
                sc.negotiator_names()
            ));
        }
        let mut replay = Replay {
            scenario,
            negotiators: negotiators.clone(),
            packages: Vec::new(),
        };
        let deadline = creation.deadline_rounds;
        let time_limit = creation
            .time_limit
            .map_err(|e| format!("a time limit no session can have: {e}"))?;
        // The events the server derives from the moves, still to come.
        let mut expected: VecDeque<Event> = VecDeque::new();
        let mut rules = match creation.protocol.as_str() {
            ALTERNATING_OFFERS => {
                Rules::Offers(State::new(negotiators.clone(), deadline).with_time_limit(time_limit))
            }
            SINGLE_TEXT | PARTIAL_ROUNDS => {
                let sc = scenario.ok_or("no scenario")?;
                if creation.protocol == SINGLE_TEXT {
                    let created = events.first().ok_or("no creation")?;
                    let state = TextState::of_created(sc, negotiators.clone(), created)
                        .map_err(|e| format!("event 0: {e}"))?;
                    expected.extend(proposal_event(sc, &state));
                    Rules::Text(Box::new(state))
                } else {
                    Rules::Partial(
                        PartialState::new(sc.issues().len(), negotiators.clone(), deadline)
                            .with_time_limit(time_limit),
                    )
                }
            }
            other => return Err(format!("unknown protocol {other:?}")),
        };
        // No move is recorded after the time limit.
        let after_the_limit = |party: &str, at_ms: i64| match time_limit {
            Some(l) if l.passed(at_ms) => Err(format!(
                "{party}'s move is recorded after the session's time limit had passed"
            )),
            _ => Ok(()),
        };
        // Each edit of a party's preferences: (seq, party).
        let mut edits: Vec<(u64, String)> = Vec::new();
        // Parties whose preferences are locked: by a first move or explicitly.
        let mut locked: HashSet<String> = HashSet::new();
        let mut finish: Option<RecordedEnd> = None;
        let mut moves = 0usize;
        for (entry, event) in record.events.iter().zip(events).skip(1) {
            let at = |msg: String| format!("event {}: {msg}", entry.seq);
            if let Some(next) = expected.pop_front() {
                let implied = serde_json::to_value(&next).map_err(|e| e.to_string())?;
                if canonical_json(&implied) != canonical_json(&entry.event) {
                    return Err(at(format!(
                        "the moves imply {} here, but the record has {}",
                        canonical_json(&implied),
                        canonical_json(&entry.event)
                    )));
                }
                continue;
            }
            let seat = |party: &str| {
                replay
                    .negotiators
                    .iter()
                    .position(|n| n == party)
                    .ok_or_else(|| at(format!("{party:?} is not a negotiator of this session")))
            };
            match (event, &mut rules) {
                (Event::Created { .. }, _) => return Err(at("a second creation".into())),
                (Event::Disclosure { party, .. }, _) => {
                    seat(party)?;
                }
                (Event::Message { .. }, _) => {}
                (Event::Preferences { party, .. }, _) => {
                    seat(party)?;
                    if finish.is_some() {
                        return Err(at(format!(
                            "{party} changed its preferences after the negotiation ended"
                        )));
                    }
                    if locked.contains(party) {
                        return Err(at(format!(
                            "{party} changed its preferences after locking them (by a first move or explicitly)"
                        )));
                    }
                    edits.push((entry.seq, party.clone()));
                }
                (Event::PreferencesLocked { party, .. }, _) => {
                    seat(party)?;
                    if finish.is_some() {
                        return Err(at(format!(
                            "{party} locked its preferences after the negotiation ended"
                        )));
                    }
                    locked.insert(party.clone());
                    if let Rules::Text(state) = &mut rules
                        && state.waiting()
                    {
                        let sc = scenario.ok_or("no scenario")?;
                        let effective = locked_preferences(sc, &edits, opened).map_err(at)?;
                        if state.locked_by(&effective, party).map_err(at)? {
                            let events = text_events(sc, state, 0);
                            if let Some(Event::Ended { .. } | Event::Agreement { .. }) =
                                events.last()
                            {
                                finish = state.finished.clone();
                            }
                            expected.extend(events);
                        }
                    }
                }
                (Event::Certificate(_), _) => {
                    if !matches!(finish, Some(RecordedEnd::Agreement(_))) {
                        return Err(at("a certificate before any agreement".into()));
                    }
                }
                (
                    Event::Move {
                        party,
                        kind,
                        offer,
                        round,
                        at_ms,
                        ..
                    },
                    Rules::Offers(state),
                ) => {
                    let s = seat(party)?;
                    after_the_limit(party, *at_ms).map_err(at)?;
                    if *round != state.round() {
                        return Err(at(format!(
                            "{party}'s move is recorded in round {round}, but the moves before it make this round {}",
                            state.round()
                        )));
                    }
                    let outcome = match (kind, offer) {
                        (MoveKind::Offer, Some(p)) => Some(replay.outcome(p).map_err(at)?),
                        (MoveKind::Offer, None) => {
                            return Err(at(format!("{party}'s offer carries no package")));
                        }
                        (_, Some(_)) => {
                            return Err(at(format!("{party}'s {kind:?} carries a package")));
                        }
                        (_, None) => None,
                    };
                    let done = state
                        .apply(s, *kind, outcome)
                        .map_err(|e| at(format!("{party}'s {kind:?} is not a legal move: {e}")))?;
                    locked.insert(party.clone());
                    moves += 1;
                    if let Some(f) = done {
                        expected.push_back(replay.finish_event(&f, *round));
                        finish = Some(f);
                    }
                }
                (
                    Event::Vote {
                        party,
                        proposal,
                        accept,
                        at_ms,
                        ..
                    },
                    Rules::Text(state),
                ) => {
                    let sc = scenario.ok_or("no scenario")?;
                    let s = seat(party)?;
                    after_the_limit(party, *at_ms).map_err(at)?;
                    let round = state.proposal;
                    let resolution = state
                        .vote(sc, s, *accept, Some(*proposal))
                        .map_err(|e| at(format!("{party}'s vote is not a legal move: {e}")))?;
                    locked.insert(party.clone());
                    moves += 1;
                    if resolution.is_some() {
                        expected.extend(text_events(sc, state, round));
                        finish = state.finished.clone();
                    }
                }
                (
                    Event::PartialMove {
                        party,
                        kind,
                        offer,
                        proposal,
                        round,
                        at_ms,
                        ..
                    },
                    Rules::Partial(state),
                ) => {
                    let sc = scenario.ok_or("no scenario")?;
                    let s = seat(party)?;
                    after_the_limit(party, *at_ms).map_err(at)?;
                    if *round != state.round {
                        return Err(at(format!(
                            "{party}'s move is recorded in round {round}, but the moves before it make this round {}",
                            state.round
                        )));
                    }
                    let pairs = match (kind, offer, proposal) {
                        (MoveKind::Offer, Some(p), None) => {
                            let map = match serde_json::to_value(p) {
                                Ok(serde_json::Value::Object(m)) => m,
                                _ => return Err(at("a package is not an object".into())),
                            };
                            Some(parse_partial_offer(sc, &map).map_err(|e| at(e.to_string()))?)
                        }
                        (MoveKind::Accept, None, Some(_)) => None,
                        (MoveKind::Reject | MoveKind::End, None, None) => None,
                        _ => {
                            return Err(at(format!(
                                "{party}'s {kind:?} is malformed (an offer carries a package, an acceptance a proposal, nothing else either)"
                            )));
                        }
                    };
                    let fx = state
                        .apply(sc, s, *kind, pairs, *proposal, entry.seq)
                        .map_err(|e| at(format!("{party}'s {kind:?} is not a legal move: {e}")))?;
                    locked.insert(party.clone());
                    moves += 1;
                    expected.extend(derived_events(sc, state, &fx, *round));
                    if let Some(f) = &fx.finish {
                        finish = Some(f.clone());
                    }
                }
                (Event::Expired { round, at_ms }, Rules::Offers(state)) => {
                    if *round != state.round() {
                        return Err(at(format!(
                            "the expiry is recorded in round {round}, but the moves before it make this round {}",
                            state.round()
                        )));
                    }
                    let Some(f) = state.expire(*at_ms) else {
                        return Err(at(NOT_IMPLIED.into()));
                    };
                    expected.push_back(replay.finish_event(&f, *round));
                    finish = Some(f);
                }
                (Event::Expired { round, at_ms }, Rules::Text(state)) => {
                    if *round != state.proposal {
                        return Err(at(format!(
                            "the expiry is recorded at proposal {round}, but the votes before it make it proposal {}",
                            state.proposal
                        )));
                    }
                    let Some(f) = state.expire(*at_ms) else {
                        return Err(at(NOT_IMPLIED.into()));
                    };
                    expected.push_back(replay.finish_event(&f, *round));
                    finish = Some(f);
                }
                (Event::Expired { round, at_ms }, Rules::Partial(state)) => {
                    let sc = scenario.ok_or("no scenario")?;
                    if *round != state.round {
                        return Err(at(format!(
                            "the expiry is recorded in round {round}, but the moves before it make this round {}",
                            state.round
                        )));
                    }
                    let Some(fx) = state.expire(sc, *at_ms) else {
                        return Err(at(NOT_IMPLIED.into()));
                    };
                    expected.extend(derived_events(sc, state, &fx, *round));
                    finish = fx.finish;
                }
                (
                    Event::Agreement { .. }
                    | Event::Ended { .. }
                    | Event::Proposal { .. }
                    | Event::Settled { .. }
                    | Event::Stopped { .. }
                    | Event::PartialAgreement { .. },
                    _,
                ) => {
                    return Err(at(format!(
                        "{} that the moves before it do not imply",
                        canonical_json(&entry.event)
                    )));
                }
                (Event::Move { .. } | Event::Vote { .. } | Event::PartialMove { .. }, _) => {
                    return Err(at(format!(
                        "a move of another protocol than the session's {:?}",
                        creation.protocol
                    )));
                }
            }
        }
        if let Some(missing) = expected.front() {
            let implied = serde_json::to_value(missing).map_err(|e| e.to_string())?;
            return Err(format!(
                "the record ends before {}, which its moves imply",
                canonical_json(&implied)
            ));
        }
        let ending = match &finish {
            None => "the negotiation is still open".to_string(),
            Some(RecordedEnd::Agreement(_)) => {
                "the recorded agreement is the one the protocol implies".to_string()
            }
            Some(RecordedEnd::Ended(reason)) => {
                format!("the recorded end ({reason}) is the one the protocol implies")
            }
        };
        Ok(format!(
            "{moves} moves replayed under {:?}, every one legal in turn; {ending}",
            creation.protocol
        ))
    }

    /// The outcome an alternating-offers package stands for.
    fn outcome(&mut self, p: &Package) -> Result<Outcome, String> {
        if let Some(sc) = self.scenario {
            return match serde_json::to_value(p).map_err(|e| e.to_string())? {
                serde_json::Value::Object(m) => {
                    parse_offer(sc, &m).map_err(|e| format!("an offer off the scenario: {e}"))
                }
                _ => Err("a package is not an object".into()),
            };
        }
        let canonical = canonical_json(&serde_json::to_value(p).map_err(|e| e.to_string())?);
        let k = match self.packages.iter().position(|(c, _)| *c == canonical) {
            Some(k) => k,
            None => {
                self.packages.push((canonical, p.clone()));
                self.packages.len() - 1
            }
        };
        Ok(vec![k as u32])
    }

    /// The event the server appends when a negotiation finishes so.
    fn finish_event(&self, finish: &RecordedEnd, round: u64) -> Event {
        match (self.scenario, finish) {
            (Some(sc), _) => finish_event(sc, finish, round),
            (None, RecordedEnd::Agreement(o)) => Event::Agreement {
                offer: self.packages[o[0] as usize].1.clone(),
                round,
            },
            (None, RecordedEnd::Ended(reason)) => Event::Ended {
                reason: reason.clone(),
                round,
            },
        }
    }
}
