//! The certificate check: the agreement certificate closes the record,
//! certifies the recorded agreement and equals the one recomputed from the
//! scenario.
//!
//! Rules kept: the certificate is recomputed with the preferences in force
//! when it was issued — the scenario's, replaced by each party's latest
//! edit, which must have been opened; without the session's scenario or an
//! opening it is not checked, never passed.

use std::collections::HashMap;

use pactum_core::Scenario;

use crate::certified::{find_certificate, recompute};
use crate::event::Event;
use crate::preferences::PreferencesRequest;

use super::report::{Check, ScenarioSource, Status};
use super::scenario::why_no_scenario;

pub(super) fn certificate_check(
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
