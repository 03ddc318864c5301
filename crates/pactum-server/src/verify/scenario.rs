//! The scenario hash check: the scenario (given, or carried by an export) has
//! the SHA-256 recorded in the first event, and loads.
//!
//! Rules kept: only a scenario with the recorded hash is handed on to the
//! replay and certificate checks; a record whose first event commits to no
//! scenario has none checked against it; a check needing the scenario says
//! why there is none ([`why_no_scenario`]).

use pactum_core::Scenario;
use sha2::{Digest, Sha256};

use super::creation::Creation;
use super::report::{Check, ScenarioSource, Status};

pub(super) fn scenario_check(
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

/// Why a check that needs the session's scenario has none: one was found
/// (given or exported) but is not the session's, or a bare record has none.
pub(super) fn why_no_scenario(found_one: bool) -> &'static str {
    if found_one {
        "the scenario is not the session's (see the scenario hash)"
    } else {
        "a record alone carries no scenario"
    }
}
