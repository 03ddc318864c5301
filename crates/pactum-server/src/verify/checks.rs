//! Running every check of a record, in a fixed order: hash chain, session id,
//! signature, scenario hash, protocol replay, preferences commitments,
//! certificate.
//!
//! Rules kept: the session id is the one the first event (hashed into the
//! chain) names; an event that does not parse fails the session id, the
//! replay and the certificate checks; the report is verified when no check is
//! a problem.

use crate::event::Event;
use crate::protocol::TimeLimit;
use crate::record::{Record, verify_record};

use super::certificate::certificate_check;
use super::creation::Creation;
use super::preferences::preferences_check;
use super::replay::replay_check;
use super::report::{Check, Inputs, Status, VerifyReport};
use super::scenario::scenario_check;
use super::signature::signature_check;

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
    let (preferences_check, opened) = preferences_check(record, events, inputs.preferences);
    checks.push(match (&parsed, &creation) {
        (Err(e), _) | (_, Err(e)) => Check::new("protocol replay", Status::Failed, e.clone()),
        (Ok(_), Ok(c)) => replay_check(
            record,
            events,
            c,
            scenario.as_ref(),
            inputs.scenario,
            &opened,
        ),
    });
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
