//! `pactum negotiate --record FILE`: the simulated negotiation written as a
//! session export (the form `GET /sessions/{id}/export` gives), which
//! `pactum verify FILE` accepts.
//!
//! Rules: the export carries the scenario's native TOML — the file's own
//! text when the scenario is a `.toml` file (so `--scenario` with that file
//! checks too), else the scenario converted to TOML; the session id is
//! `simulated-SEED`. With a deadline in rounds only, every `at_ms` is 0, so
//! the same seed writes the same bytes; with `--time-limit` (whole seconds,
//! as a session's limit) each move carries the time it was made and an
//! expiry the time it was found, so the record re-runs on its clock. Only a
//! single negotiation is recorded (no phases); the single text with any
//! mediator (the veto and hill-climbing mediators' seed, the runner's, in
//! the creation).

use std::path::Path;

use anyhow::{Context, Result, bail};
use pactum_server::{Simulation, export_simulation};
use pactum_sim::{Config, NegotiationResult, Prepared};

use super::{Args, ProtocolArg};

/// Refuses `--record` with what a record cannot hold, before anything runs.
pub fn check(args: &Args) -> Result<()> {
    if args.record.is_none() {
        return Ok(());
    }
    if args.phases.is_some()
        || !args.shifts.is_empty()
        || matches!(args.protocol, ProtocolArg::Phased)
    {
        bail!(
            "--record writes one negotiation; multi-round sessions (--phases, --shift) have no record form"
        );
    }
    deadline_seconds(args)?;
    Ok(())
}

/// The time limit a record carries: `--time-limit` in whole seconds, as
/// sessions have it (1 s to 30 days).
fn deadline_seconds(args: &Args) -> Result<Option<u64>> {
    let Some(limit) = args.time_limit else {
        return Ok(None);
    };
    let max = pactum_server::MAX_DEADLINE_SECONDS;
    if !(limit.fract() == 0.0 && (1.0..=max as f64).contains(&limit)) {
        bail!(
            "--record with --time-limit needs whole seconds from 1 to {max} (a session's time limit), not {limit}"
        );
    }
    Ok(Some(limit as u64))
}

/// The scenario's native TOML text (see the module doc).
fn scenario_text(args: &Args) -> Result<String> {
    let path = &args.scenario;
    if path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        return std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()));
    }
    let loaded = pactum_core::io::load(path, args.profiles.as_deref())?;
    Ok(pactum_core::native::loaded_to_toml(&loaded)?)
}

/// Writes `result` (played under `config`) to `path` as a session export.
pub fn write(
    path: &Path,
    args: &Args,
    prepared: &Prepared,
    config: &Config,
    result: &NegotiationResult,
) -> Result<()> {
    let text = scenario_text(args)?;
    let session_id = format!("simulated-{}", config.seed);
    let steps = config.deadline.steps.unwrap_or_default();
    let export = export_simulation(&Simulation {
        session_id: &session_id,
        scenario_text: &text,
        scenario: &prepared.scenario,
        space: &prepared.space,
        protocol: config.protocol,
        deadline_rounds: steps as u64,
        deadline_seconds: deadline_seconds(args)?,
        seed: config.seed,
        result,
    })
    .context("cannot write the negotiation as a record")?;
    let json = serde_json::to_string_pretty(&export)? + "\n";
    std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
}
