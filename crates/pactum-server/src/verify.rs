//! Offline verification of a session's record or export (`pactum verify`).
//!
//! Verification is a list of named checks, each passed, failed or not
//! checked (with the reason and what would let it run); nothing is passed by
//! being skipped. The checks:
//!
//! - **hash chain**: every event chains from the one before, from the
//!   genesis hash, and hashes to its recorded hash ([`verify_record`]).
//! - **session id**: the record's `session_id` is the one its first event —
//!   hashed into the chain — names.
//! - **signature**: the server's Ed25519 signature of the record's head
//!   ([`crate::signing`]), checked against a public key given to the
//!   verifier; a signature checked only against the key the record itself
//!   carries proves nothing, so it is reported as not checked.
//! - **scenario hash**: the scenario (given, or carried by an export) has
//!   the SHA-256 recorded in the first event.
//! - **protocol replay**: the moves are replayed through the server's own
//!   protocol rules ([`State::apply`], [`TextState::vote`],
//!   [`PartialState::apply`]): every move legal in turn, every event the
//!   server derives (agreement, end, proposal, settlement, partial
//!   agreement) exactly the one the moves imply, nothing else. A session
//!   with a wall-clock time limit has no move recorded after it, and its
//!   recorded expiry is replayed at its recorded time (the engine's clock
//!   then reads that time), which must end the negotiation then.
//! - **preferences commitments**: each party's exported preferences with
//!   their salts open the commitments recorded for them.
//! - **certificate**: the agreement certificate closes the record, certifies
//!   the recorded agreement and equals the one recomputed from the scenario
//!   (with the opened preferences of every party that edited its own).
//!
//! A report is verified when no check failed and no check the caller asked
//! for (a scenario, preferences or a public key given) went unchecked.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;
use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::certified::{find_certificate, recompute};
use crate::event::Event;
use crate::mediation::Export;
use crate::offers::{parse_offer, parse_partial_offer};
use crate::partial::{PARTIAL_ROUNDS, PartialState, derived_events};
use crate::preferences::{PreferencesExport, PreferencesRequest, commitment};
use crate::protocol::{
    ALTERNATING_OFFERS, BadTimeLimit, MoveKind, RecordedEnd, State, TimeLimit, finish_event,
};
use crate::record::{Record, canonical_json, verify_record};
use crate::signing::{public_key_from_hex, read_public_key, verify_head};
use crate::single_text::{SINGLE_TEXT, TextState, proposal_event};

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The check ran and found what it should.
    Passed,
    /// The check ran and found something wrong; its detail says what.
    Failed,
    /// The check could not run; its detail says why and what would let it.
    NotChecked,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Passed => "passed",
            Status::Failed => "FAILED",
            Status::NotChecked => "not checked",
        })
    }
}

/// One check of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// "hash chain", "session id", "signature", "scenario hash",
    /// "protocol replay", "preferences commitments" or "certificate".
    pub check: String,
    /// Whether it passed, failed or could not run.
    pub status: Status,
    /// What was found, why it failed, or why it could not run and what
    /// would let it run.
    pub detail: String,
    /// Whether the caller asked for it (gave a scenario, preferences or a
    /// public key): a requested check left unchecked fails the report.
    pub requested: bool,
}

impl Check {
    fn new(check: &str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            check: check.into(),
            status,
            detail: detail.into(),
            requested: false,
        }
    }

    fn requested(mut self, requested: bool) -> Check {
        self.requested = requested;
        self
    }

    /// Whether this check stands in the way of the record's verification.
    pub fn is_problem(&self) -> bool {
        self.status == Status::Failed || (self.status == Status::NotChecked && self.requested)
    }
}

/// Everything `pactum verify` found about one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// The session the record says it is of.
    pub session_id: String,
    /// Number of events in the record.
    pub events: usize,
    /// Hash of the record's last event.
    pub head: Option<String>,
    /// True when no check failed and no requested check went unchecked.
    pub verified: bool,
    /// Every check, in the order they ran.
    pub checks: Vec<Check>,
}

impl VerifyReport {
    /// The check called `name`.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == name)
    }

    /// Each failed or requested-but-unchecked check, as `name: detail`.
    pub fn problems(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.is_problem())
            .map(|c| format!("{}: {}", c.check, c.detail))
            .collect()
    }
}

/// Where the scenario checked against the record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioSource {
    /// Given by the caller (`--scenario`).
    Given,
    /// Carried by the export being verified.
    Export,
}

/// What a record is verified with, besides itself.
#[derive(Default)]
pub struct Inputs<'a> {
    /// The scenario's text and where it comes from.
    pub scenario: Option<(&'a str, ScenarioSource)>,
    /// Parties' exports of their own preferences with their salts.
    pub preferences: &'a [PreferencesExport],
    /// The server's public key, to check the record's signature.
    pub public_key: Option<&'a VerifyingKey>,
}

/// The files `pactum verify` reads besides the record.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The session's scenario (`--scenario`); an export carries its own.
    pub scenario: Option<PathBuf>,
    /// Parties' preference exports (`--preferences`).
    pub preferences: Vec<PathBuf>,
    /// The server's public key (`--public-key`).
    pub public_key: Option<PathBuf>,
}

/// Why verification could not start (a file unreadable or malformed).
#[derive(Debug, thiserror::Error)]
pub enum VerifyFileError {
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What reading it said.
        source: std::io::Error,
    },
    /// The record file does not parse as a record or an export.
    #[error("{path}: not a record ({reason})")]
    NotARecord {
        /// The file.
        path: PathBuf,
        /// What parsing it said.
        reason: String,
    },
    /// A preferences file is not a party's preferences export.
    #[error(
        "{path}: not a party's preferences export (GET /sessions/{{id}}/preferences/export): {reason}"
    )]
    NotPreferences {
        /// The file.
        path: PathBuf,
        /// What parsing it said.
        reason: String,
    },
    /// The public key file could not be used.
    #[error(transparent)]
    Key(#[from] crate::signing::KeyError),
}

/// Largest file `verify` reads (a record of the longest session the server
/// allows is far smaller).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads a regular file of at most [`MAX_FILE_BYTES`] (never a FIFO or a
/// device, which could block or never end).
fn read(path: &Path) -> Result<String, VerifyFileError> {
    let error = |source| VerifyFileError::Read {
        path: path.into(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(error)?;
    if !meta.is_file() {
        return Err(error(std::io::Error::other("not a regular file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(error(std::io::Error::other(format!(
            "{} bytes; larger than any record ({MAX_FILE_BYTES} bytes at most)",
            meta.len()
        ))));
    }
    std::fs::read_to_string(path).map_err(error)
}

/// Reads a record (`GET /sessions/{id}/record`) or an export
/// (`GET /sessions/{id}/export`, which carries its scenario), and the files
/// of `options`, and verifies the record. Returns the record and the
/// report; an error only when a file cannot be read or parsed.
pub fn verify_file(
    path: &Path,
    options: &VerifyOptions,
) -> Result<(Record, VerifyReport), VerifyFileError> {
    let not_a_record = |reason: String| VerifyFileError::NotARecord {
        path: path.into(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_str(&read(path)?).map_err(|e| not_a_record(e.to_string()))?;
    let (record, embedded) = if value.get("record").is_some() {
        let export: Export =
            serde_json::from_value(value).map_err(|e| not_a_record(e.to_string()))?;
        (export.record, Some(export.scenario_toml))
    } else {
        let record: Record =
            serde_json::from_value(value).map_err(|e| not_a_record(e.to_string()))?;
        (record, None)
    };
    let given = options.scenario.as_deref().map(read).transpose()?;
    let mut preferences = Vec::new();
    for p in &options.preferences {
        let export: PreferencesExport =
            serde_json::from_str(&read(p)?).map_err(|e| VerifyFileError::NotPreferences {
                path: p.clone(),
                reason: e.to_string(),
            })?;
        preferences.push(export);
    }
    let public_key = options
        .public_key
        .as_deref()
        .map(read_public_key)
        .transpose()?;
    let scenario = match (&given, &embedded) {
        (Some(text), _) => Some((text.as_str(), ScenarioSource::Given)),
        (None, Some(text)) => Some((text.as_str(), ScenarioSource::Export)),
        (None, None) => None,
    };
    let report = verify(
        &record,
        &Inputs {
            scenario,
            preferences: &preferences,
            public_key: public_key.as_ref(),
        },
    );
    Ok((record, report))
}

/// The facts of a record's first event.
struct Creation {
    session_id: String,
    protocol: String,
    deadline_rounds: u64,
    negotiators: Vec<String>,
    scenario_sha256: String,
    /// The wall-clock time limit it records (or one no session can have).
    time_limit: Result<Option<TimeLimit>, BadTimeLimit>,
}

/// The failure of an expiry recorded before the time limit.
const NOT_IMPLIED: &str = "an expiry the session's time limit does not imply at its recorded time";

/// Verifies `record` with `inputs`: every check, in a fixed order.
pub fn verify(record: &Record, inputs: &Inputs) -> VerifyReport {
    let head = record.events.last().map(|e| e.hash.clone());
    let mut checks = Vec::new();

    checks.push(match verify_record(record) {
        Ok(()) => Check::new(
            "hash chain",
            Status::Passed,
            format!(
                "hash chain intact: {} events, each chained to the one before from the genesis hash (head {})",
                record.events.len(),
                head.as_deref().unwrap_or("")
            ),
        ),
        Err(e) => Check::new("hash chain", Status::Failed, e.to_string()),
    });

    let parsed: Result<Vec<Event>, String> = record
        .events
        .iter()
        .map(|e| {
            serde_json::from_value(e.event.clone())
                .map_err(|err| format!("event {}: not an event of a session ({err})", e.seq))
        })
        .collect();
    let creation = match parsed.as_deref().map(|e| e.first()) {
        Ok(Some(
            created @ Event::Created {
                session_id,
                protocol,
                deadline_rounds,
                negotiators,
                scenario_sha256,
                ..
            },
        )) => Ok(Creation {
            session_id: session_id.clone(),
            protocol: protocol.clone(),
            deadline_rounds: *deadline_rounds,
            negotiators: negotiators.clone(),
            scenario_sha256: scenario_sha256.clone(),
            time_limit: TimeLimit::of_created(created),
        }),
        Ok(_) => Err("the record does not start with the session's creation".to_string()),
        Err(e) => Err(e.clone()),
    };

    checks.push(match &creation {
        Ok(c) if c.session_id == record.session_id => Check::new(
            "session id",
            Status::Passed,
            format!(
                "{} is the session named in the first event (bound into the hash chain)",
                record.session_id
            ),
        ),
        Ok(c) => Check::new(
            "session id",
            Status::Failed,
            format!(
                "the record says session {}, but its first event (bound into the hash chain) names session {}",
                record.session_id, c.session_id
            ),
        ),
        Err(e) => Check::new("session id", Status::Failed, e.clone()),
    });

    checks.push(signature_check(record, inputs.public_key));

    let (scenario_check, scenario) = scenario_check(creation.as_ref().ok(), inputs.scenario);
    checks.push(scenario_check);

    let events = parsed.as_deref().unwrap_or(&[]);
    checks.push(match (&parsed, &creation) {
        (Err(e), _) | (_, Err(e)) => Check::new("protocol replay", Status::Failed, e.clone()),
        (Ok(_), Ok(c)) => replay_check(record, events, c, scenario.as_ref(), inputs.scenario),
    });

    let (preferences_check, opened) = preferences_check(record, events, inputs.preferences);
    checks.push(preferences_check);

    checks.push(certificate_check(
        events,
        parsed.as_ref().err(),
        scenario.as_ref(),
        inputs.scenario,
        &opened,
    ));

    VerifyReport {
        session_id: record.session_id.clone(),
        events: record.events.len(),
        head,
        verified: !checks.iter().any(Check::is_problem),
        checks,
    }
}

fn signature_check(record: &Record, trusted: Option<&VerifyingKey>) -> Check {
    const NAME: &str = "signature";
    let requested = trusted.is_some();
    let Some(sig) = &record.signature else {
        return match trusted {
            None => Check::new(
                NAME,
                Status::NotChecked,
                "the record is not signed; a server started with --signing-key signs the records it serves, and --public-key FILE checks them",
            ),
            Some(_) => Check::new(
                NAME,
                Status::Failed,
                "--public-key was given but the record carries no signature (was it stripped?)",
            ),
        }
        .requested(requested);
    };
    let Some(last) = record.events.last() else {
        return Check::new(NAME, Status::Failed, "a signature of an empty record");
    };
    let key = match trusted {
        Some(k) => {
            if hex::encode(k.to_bytes()) != sig.public_key {
                return Check::new(
                    NAME,
                    Status::Failed,
                    format!(
                        "the record is signed by key {}, not by the public key given",
                        sig.public_key
                    ),
                )
                .requested(true);
            }
            *k
        }
        None => match public_key_from_hex(&sig.public_key) {
            Ok(k) => k,
            Err(e) => {
                return Check::new(
                    NAME,
                    Status::Failed,
                    format!("the record's public key is malformed: {e}"),
                );
            }
        },
    };
    match verify_head(&key, sig, &record.session_id, last.seq, &last.hash) {
        Err(e) => Check::new(NAME, Status::Failed, e.to_string()).requested(requested),
        Ok(()) if requested => Check::new(
            NAME,
            Status::Passed,
            format!(
                "the head (event {}) is signed by the public key given",
                last.seq
            ),
        )
        .requested(true),
        Ok(()) => Check::new(
            NAME,
            Status::NotChecked,
            format!(
                "the head is signed by the key the record itself carries ({}), which anyone rewriting the record could replace; give --public-key FILE with the server's key (GET /signing-key) to check it",
                sig.public_key
            ),
        ),
    }
}

fn scenario_check(
    creation: Option<&Creation>,
    scenario: Option<(&str, ScenarioSource)>,
) -> (Check, Option<Scenario>) {
    const NAME: &str = "scenario hash";
    let Some((text, source)) = scenario else {
        return (
            Check::new(
                NAME,
                Status::NotChecked,
                "a record alone carries no scenario; give --scenario FILE (the session's scenario) or verify the session's export",
            ),
            None,
        );
    };
    let requested = source == ScenarioSource::Given;
    let what = match source {
        ScenarioSource::Given => "the scenario given",
        ScenarioSource::Export => "the export's scenario_toml",
    };
    let Some(creation) = creation else {
        return (
            Check::new(
                NAME,
                Status::NotChecked,
                "the record has no creation event to compare with",
            )
            .requested(requested),
            None,
        );
    };
    if creation.scenario_sha256.is_empty() {
        return (
            Check::new(
                NAME,
                Status::NotChecked,
                "the record's first event commits to no scenario (it predates scenario hashes), so no scenario can be checked against it",
            )
            .requested(requested),
            None,
        );
    }
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    if digest != creation.scenario_sha256 {
        return (
            Check::new(
                NAME,
                Status::Failed,
                format!(
                    "{what} is not the one this session was created from (SHA-256 {digest}, recorded {})",
                    creation.scenario_sha256
                ),
            )
            .requested(requested),
            None,
        );
    }
    match pactum_core::native::from_toml("scenario", text) {
        Ok(loaded) => (
            Check::new(
                NAME,
                Status::Passed,
                format!("{what} is the one the session was created from (SHA-256 {digest})"),
            )
            .requested(requested),
            Some(loaded.scenario),
        ),
        Err(e) => (
            Check::new(
                NAME,
                Status::Failed,
                format!("{what} has the recorded SHA-256 but does not load: {e}"),
            )
            .requested(requested),
            None,
        ),
    }
}

fn replay_check(
    record: &Record,
    events: &[Event],
    creation: &Creation,
    scenario: Option<&Scenario>,
    source: Option<(&str, ScenarioSource)>,
) -> Check {
    const NAME: &str = "protocol replay";
    let requested = matches!(source, Some((_, ScenarioSource::Given)));
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
    match Replay::run(record, events, creation, scenario) {
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
                    let state = TextState::new(sc, negotiators.clone(), deadline)
                        .with_time_limit(time_limit);
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
                }
                (Event::PreferencesLocked { party, .. }, _) => {
                    seat(party)?;
                    if finish.is_some() {
                        return Err(at(format!(
                            "{party} locked its preferences after the negotiation ended"
                        )));
                    }
                    locked.insert(party.clone());
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
                        match &state.finished {
                            None => expected.extend(proposal_event(sc, state)),
                            Some(f) => {
                                expected.push_back(replay.finish_event(f, round));
                                finish = Some(f.clone());
                            }
                        }
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

/// Checks the preference exports against the record's commitments; returns
/// the opened preferences by the seq of their `preferences` event.
fn preferences_check(
    record: &Record,
    events: &[Event],
    exports: &[PreferencesExport],
) -> (Check, HashMap<u64, PreferencesRequest>) {
    const NAME: &str = "preferences commitments";
    let requested = !exports.is_empty();
    let committed: Vec<(u64, &str, &str)> = record
        .events
        .iter()
        .zip(events)
        .filter_map(|(entry, e)| match e {
            Event::Preferences {
                party, commitment, ..
            } => Some((entry.seq, party.as_str(), commitment.as_str())),
            _ => None,
        })
        .collect();
    let mut opened = HashMap::new();
    let mut problems = Vec::new();
    for export in exports {
        if export.session_id != record.session_id {
            problems.push(format!(
                "{}'s preferences export is for session {}, not {}",
                export.party, export.session_id, record.session_id
            ));
            continue;
        }
        for o in &export.openings {
            match committed.iter().find(|(seq, ..)| *seq == o.seq) {
                None => problems.push(format!(
                    "{}'s export opens event {}, which is no preferences commitment of this record",
                    export.party, o.seq
                )),
                Some((_, party, _)) if *party != export.party => problems.push(format!(
                    "event {} commits to {party}'s preferences, not {}'s",
                    o.seq, export.party
                )),
                Some((seq, party, c)) => {
                    if commitment(&o.salt, &o.preferences) == *c {
                        opened.insert(*seq, o.preferences.clone());
                    } else {
                        problems.push(format!(
                            "{party}'s preferences and salt do not open the commitment of event {seq} (sha256(salt || preferences) differs)"
                        ));
                    }
                }
            }
        }
    }
    let check = if !problems.is_empty() {
        Check::new(NAME, Status::Failed, problems.join("; "))
    } else if committed.is_empty() {
        Check::new(
            NAME,
            Status::Passed,
            "no party edited its preferences: the scenario's are the parties' own",
        )
    } else {
        let unopened: Vec<String> = committed
            .iter()
            .filter(|(seq, ..)| !opened.contains_key(seq))
            .map(|(seq, party, _)| format!("{party}'s (event {seq})"))
            .collect();
        if unopened.is_empty() {
            Check::new(
                NAME,
                Status::Passed,
                format!(
                    "all {} commitments opened by the parties' exported preferences and salts",
                    committed.len()
                ),
            )
        } else {
            Check::new(
                NAME,
                Status::NotChecked,
                format!(
                    "not opened: {}; give --preferences FILE, the party's own export (GET /sessions/{{id}}/preferences/export with its token)",
                    unopened.join(", ")
                ),
            )
        }
    };
    (check.requested(requested), opened)
}

fn certificate_check(
    events: &[Event],
    unparsed: Option<&String>,
    scenario: Option<&Scenario>,
    source: Option<(&str, ScenarioSource)>,
    opened: &HashMap<u64, PreferencesRequest>,
) -> Check {
    const NAME: &str = "certificate";
    if let Some(e) = unparsed {
        return Check::new(NAME, Status::Failed, e.clone());
    }
    let found = match find_certificate(events) {
        Err(e) => return Check::new(NAME, Status::Failed, e.to_string()),
        Ok(None) => {
            let agreed = events.iter().any(|e| matches!(e, Event::Agreement { .. }));
            return Check::new(
                NAME,
                Status::NotChecked,
                if agreed {
                    "the record has an agreement but no certificate yet; export the session (GET /sessions/{id}/export) to have it issued"
                } else {
                    "there is no agreement, so no certificate"
                },
            );
        }
        Ok(Some(found)) => found,
    };
    let requested = matches!(source, Some((_, ScenarioSource::Given)));
    let Some(scenario) = scenario else {
        let why = why_no_scenario(source.is_some());
        return Check::new(
            NAME,
            Status::NotChecked,
            format!(
                "it closes the record and certifies the recorded agreement, but recomputing it needs the session's scenario and {why}; give --scenario FILE or verify the session's export"
            ),
        )
        .requested(requested);
    };
    // The preferences in force when it was issued: the scenario's, replaced
    // by each party's latest edit.
    let mut latest: Vec<(u64, &str)> = Vec::new();
    for (seq, e) in events[..found.at].iter().enumerate() {
        if let Event::Preferences { party, .. } = e {
            latest.retain(|(_, p)| p != party);
            latest.push((seq as u64, party));
        }
    }
    let unopened: Vec<String> = latest
        .iter()
        .filter(|(s, _)| !opened.contains_key(s))
        .map(|(s, p)| format!("{p} (event {s})"))
        .collect();
    if !unopened.is_empty() {
        return Check::new(
            NAME,
            Status::NotChecked,
            format!(
                "it closes the record and certifies the recorded agreement, but it was computed from edited preferences the scenario does not hold: {}; give --preferences FILE with each one's export to recompute it",
                unopened.join(", ")
            ),
        )
        .requested(requested);
    }
    let mut effective = scenario.clone();
    for (s, party) in &latest {
        let Some(index) = effective.party_index(party) else {
            return Check::new(
                NAME,
                Status::Failed,
                format!("{party} is not a party of the scenario"),
            );
        };
        match crate::preferences::apply(&effective, index, &opened[s]) {
            Ok(sc) => effective = sc,
            Err(e) => {
                return Check::new(
                    NAME,
                    Status::Failed,
                    format!("{party}'s opened preferences do not fit the scenario: {e}"),
                );
            }
        }
    }
    let with = if latest.is_empty() {
        "the scenario"
    } else {
        "the scenario and the opened preferences"
    };
    match recompute(&effective, events, &found) {
        Ok(()) => Check::new(
            NAME,
            Status::Passed,
            format!("agreement certificate verified: recomputed from {with}"),
        ),
        Err(e) => Check::new(NAME, Status::Failed, e.to_string()),
    }
    .requested(requested)
}

/// Why a check that needs the session's scenario has none: one was found
/// (given or exported) but is not the session's, or a bare record has none.
fn why_no_scenario(found_one: bool) -> &'static str {
    if found_one {
        "the scenario is not the session's (see the scenario hash)"
    } else {
        "a record alone carries no scenario"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{GENESIS_HASH, RecordEntry, chain_hash};
    use serde_json::json;

    fn record_of(events: Vec<serde_json::Value>) -> Record {
        let mut prev = GENESIS_HASH.to_string();
        let mut entries = Vec::new();
        for (seq, event) in events.into_iter().enumerate() {
            let hash = chain_hash(&prev, &event);
            entries.push(RecordEntry {
                seq: seq as u64,
                event,
                prev_hash: prev,
                hash: hash.clone(),
            });
            prev = hash;
        }
        Record {
            session_id: "s".into(),
            events: entries,
            signature: None,
        }
    }

    #[test]
    fn a_record_without_a_scenario_hash_checks_no_scenario() {
        let record = record_of(vec![json!({
            "type": "created", "session_id": "s", "protocol": "alternating_offers",
            "deadline_rounds": 3, "negotiators": ["A", "B"], "at_ms": 0
        })]);
        let given = Inputs {
            scenario: Some(("name = \"x\"", ScenarioSource::Given)),
            ..Default::default()
        };
        let report = verify(&record, &given);
        let check = report.check("scenario hash").unwrap();
        assert_eq!(check.status, Status::NotChecked);
        assert!(check.detail.contains("predates"), "{}", check.detail);
        // Asked for and not run: not verified.
        assert!(!report.verified);
        assert!(verify(&record, &Inputs::default()).verified);
    }

    #[test]
    fn moves_replay_without_the_scenario_and_a_missing_end_fails() {
        let created = json!({
            "type": "created", "session_id": "s", "protocol": "alternating_offers",
            "deadline_rounds": 1, "negotiators": ["A", "B"], "scenario_sha256": "00", "at_ms": 0
        });
        let offer = json!({"type": "move", "party": "A", "kind": "offer",
            "offer": {"price": 2}, "round": 0, "at_ms": 1});
        let reject =
            json!({"type": "move", "party": "B", "kind": "reject", "round": 0, "at_ms": 2});
        let ended = json!({"type": "ended", "reason": "deadline reached", "round": 0});
        let whole = record_of(vec![created.clone(), offer.clone(), reject.clone(), ended]);
        let report = verify(&whole, &Inputs::default());
        assert!(report.verified, "{report:#?}");
        assert_eq!(
            report.check("protocol replay").unwrap().status,
            Status::Passed
        );
        // The deadline's end cut off (and the chain intact).
        let cut = record_of(vec![created, offer, reject]);
        let report = verify(&cut, &Inputs::default());
        let replay = report.check("protocol replay").unwrap();
        assert_eq!(replay.status, Status::Failed);
        assert!(
            replay.detail.contains("deadline reached"),
            "{}",
            replay.detail
        );
    }

    #[test]
    fn an_expiry_replays_at_its_recorded_time_and_no_move_follows_the_limit() {
        let created = json!({
            "type": "created", "session_id": "s", "protocol": "alternating_offers",
            "deadline_rounds": 5, "negotiators": ["A", "B"], "scenario_sha256": "00",
            "at_ms": 1000, "deadline_seconds": 2
        });
        let offer = |at_ms: i64| {
            json!({"type": "move", "party": "A", "kind": "offer",
                "offer": {"price": 2}, "round": 0, "at_ms": at_ms})
        };
        let expired = |at_ms: i64| json!({"type": "expired", "round": 0, "at_ms": at_ms});
        let ended = json!({"type": "ended", "reason": "time limit reached", "round": 0});
        let replay = |events: Vec<serde_json::Value>| {
            let report = verify(&record_of(events), &Inputs::default());
            report.check("protocol replay").unwrap().clone()
        };
        let whole = replay(vec![
            created.clone(),
            offer(2999),
            expired(3000),
            ended.clone(),
        ]);
        assert_eq!(whole.status, Status::Passed, "{}", whole.detail);
        // An expiry before the limit, a move after it, the end left out.
        let early = replay(vec![created.clone(), offer(1500), expired(2999), ended]);
        assert_eq!(early.status, Status::Failed);
        assert!(early.detail.contains("does not imply"), "{}", early.detail);
        let late = replay(vec![created.clone(), offer(3000)]);
        assert_eq!(late.status, Status::Failed);
        assert!(
            late.detail.contains("after the session's time limit"),
            "{}",
            late.detail
        );
        let cut = replay(vec![created, expired(3000)]);
        assert_eq!(cut.status, Status::Failed);
        assert!(cut.detail.contains("time limit reached"), "{}", cut.detail);
    }

    #[test]
    fn an_absurd_deadline_fails_the_replay_rather_than_overflowing() {
        let record = record_of(vec![
            json!({
                "type": "created", "session_id": "s", "protocol": "alternating_offers",
                "deadline_rounds": u64::MAX, "negotiators": ["A", "B"],
                "scenario_sha256": "00", "at_ms": 0
            }),
            json!({"type": "move", "party": "A", "kind": "offer",
                "offer": {"price": 2}, "round": 0, "at_ms": 1}),
        ]);
        let report = verify(&record, &Inputs::default());
        let replay = report.check("protocol replay").unwrap();
        assert_eq!(replay.status, Status::Failed);
        assert!(replay.detail.contains("deadline"), "{}", replay.detail);
    }

    #[test]
    fn only_regular_files_are_read() {
        let err = verify_file(Path::new("/dev/null"), &VerifyOptions::default()).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
