//! `pactum replay RECORD`: a session's record (live or simulated) re-run as
//! a simulation. The record's moves, in order, go to the simulator's runner
//! through scripted negotiators (`pactum_sim::script`), so the engine's
//! rules decide again; the result (agreement, utilities, rounds, who left)
//! is compared with the one the record states.
//!
//! Rules: the scenario is the one given (`--scenario`) or the export's own;
//! the result equals the record's when both agree on the agreement (the
//! same package, or none) and every recorded move was played; a record whose
//! negotiation is still open never equals. The command exits non-zero when
//! the results differ. A session with a wall-clock limit re-runs on the
//! recorded clock: each move at its recorded time, the expiry at its own.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use pactum_core::analysis::Package;
use pactum_server::{Export, Record, VerifyOptions, script_of, verify_file};
use pactum_sim::script::{replay, replay_timed};
use pactum_sim::{Deadline, End, Prepared};
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// The record: GET /sessions/{id}/record, GET /sessions/{id}/export, or
    /// `pactum negotiate --record FILE`.
    pub record: PathBuf,
    /// The session's scenario: a native .toml/.json file, or a folder of
    /// GENIUS XML or GeniusWeb JSON files (an export carries its own).
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// A negotiator's utility of the result.
#[derive(Serialize)]
struct PartyUtility {
    party: String,
    utility: f64,
}

/// The document of `--json`; field names are its stable schema.
#[derive(Serialize)]
struct Replayed {
    session_id: String,
    protocol: &'static str,
    /// Whether `pactum verify` accepts the record (with the same scenario).
    verified: bool,
    moves: usize,
    /// Recorded moves the re-run never asked for.
    unplayed: usize,
    agreement: Option<Package>,
    /// Every negotiator's utility of the re-run's result.
    utilities: Vec<PartyUtility>,
    rounds: usize,
    left: Vec<String>,
    end: String,
    recorded_agreement: Option<Package>,
    recorded_end: Option<String>,
    same_as_record: bool,
}

pub fn run(args: Args) -> Result<()> {
    let path = &args.record;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let (record, embedded): (Record, Option<String>) = if value.get("record").is_some() {
        let e: Export = serde_json::from_value(value)
            .with_context(|| format!("{}: not a session export", path.display()))?;
        (e.record, Some(e.scenario_toml))
    } else {
        let r = serde_json::from_value(value)
            .with_context(|| format!("{}: not a session record", path.display()))?;
        (r, None)
    };
    let verified = verify_file(
        path,
        &VerifyOptions {
            scenario: args.scenario.clone(),
            ..Default::default()
        },
    )
    .map(|(_, report)| report.verified)
    .unwrap_or(false);
    let loaded = match (&args.scenario, embedded) {
        // Any scenario `negotiate` reads: a native file or a GENIUS or
        // GeniusWeb folder.
        (Some(p), _) => pactum_core::io::load(p, None)?,
        (None, Some(t)) => pactum_core::native::from_toml("the export's scenario", &t)?,
        (None, None) => bail!(
            "{}: a record alone carries no scenario; give --scenario (the session's scenario file or folder) or replay the session's export",
            path.display()
        ),
    };
    let (prepared, run) = script_of(&record, &Prepared::new(loaded.scenario)?)?;
    let steps = usize::try_from(run.deadline_rounds).context("deadline")?;
    let again = match run.deadline_seconds {
        // A wall-clock limit: the re-run reads the recorded clock.
        Some(seconds) => {
            let deadline = Deadline {
                steps: Some(steps),
                time_limit: Some(Duration::from_secs(seconds)),
            };
            replay_timed(
                &prepared,
                run.protocol,
                deadline,
                run.mediator_seed,
                &run.steps,
                run.times.clone(),
            )?
        }
        None => replay(
            &prepared,
            run.protocol,
            Deadline::steps(steps),
            run.mediator_seed,
            &run.steps,
        )?,
    };
    let names = prepared.names();
    let r = &again.result;
    let agreement = r.agreement.map(|a| prepared.package(a));
    let same_agreement = run.agrees_with(agreement.as_ref());
    let doc = Replayed {
        session_id: record.session_id.clone(),
        protocol: run.protocol.name(),
        verified,
        moves: run.steps.len(),
        unplayed: again.unplayed,
        agreement,
        utilities: names
            .iter()
            .zip(&r.utilities)
            .map(|(n, &u)| PartyUtility {
                party: n.clone(),
                utility: u,
            })
            .collect(),
        rounds: r.steps,
        left: r.left.iter().map(|&s| names[s].clone()).collect(),
        end: end_text(&names, &r.end),
        recorded_agreement: run.agreement.clone(),
        recorded_end: run.ended.clone(),
        same_as_record: same_agreement && again.unplayed == 0,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", text_of(&doc));
    }
    if !doc.same_as_record {
        bail!(
            "{}: re-run as a simulation, the moves do not give the recorded result",
            path.display()
        );
    }
    Ok(())
}

fn end_text(names: &[String], end: &End) -> String {
    match end {
        End::Agreement { .. } => "agreement".into(),
        End::Deadline => "deadline reached".into(),
        End::Ended { seat } => format!("ended by {}", names[*seat]),
        End::Deserted => "deserted (fewer than two negotiators left)".into(),
        End::Invalid { seat, reason } => format!("invalid move by {}: {reason}", names[*seat]),
    }
}

fn package_text(p: &Package) -> String {
    p.iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn text_of(d: &Replayed) -> String {
    let mut out = format!(
        "session {} ({}), {} moves re-run as a simulation{}\n",
        d.session_id,
        d.protocol,
        d.moves,
        if d.verified {
            "; the record verifies"
        } else {
            "; the record does NOT verify (see pactum verify)"
        }
    );
    match &d.agreement {
        Some(a) => out += &format!("  agreement: {}\n", package_text(a)),
        None => out += &format!("  no agreement: {}\n", d.end),
    }
    let utilities: Vec<String> = d
        .utilities
        .iter()
        .map(|p| format!("{} {:.4}", p.party, p.utility))
        .collect();
    out += &format!("  utilities: {}\n", utilities.join(", "));
    out += &format!("  rounds: {}\n", d.rounds);
    if !d.left.is_empty() {
        out += &format!("  left: {}\n", d.left.join(", "));
    }
    let recorded = match (&d.recorded_agreement, &d.recorded_end) {
        (Some(a), _) => format!("agreement: {}", package_text(a)),
        (None, Some(e)) => format!("no agreement: {e}"),
        (None, None) => "the negotiation is still open".into(),
    };
    out += &format!("  recorded: {recorded}\n");
    if d.unplayed > 0 {
        out += &format!("  {} recorded moves were never asked for\n", d.unplayed);
    }
    out += if d.same_as_record {
        "same result as the record\n"
    } else {
        "DIFFERENT result from the record\n"
    };
    out
}
