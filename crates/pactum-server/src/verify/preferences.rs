//! The preferences commitments check: each party's exported preferences with
//! their salts open the commitments recorded for them.
//!
//! Rules kept: an export opens only its own party's commitments of this
//! session; a commitment left unopened is not checked (and fails the report
//! when preferences were given); the opened preferences are handed on to the
//! certificate check.

use std::collections::HashMap;

use crate::event::Event;
use crate::preferences::{PreferencesExport, PreferencesRequest, commitment};
use crate::record::Record;

use super::report::{Check, Status};

/// Checks the preference exports against the record's commitments; returns
/// the opened preferences by the seq of their `preferences` event.
pub(super) fn preferences_check(
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
