//! `pactum verify`: a session's record or export checked offline — hash
//! chain, session id, signature, scenario hash, protocol replay, preference
//! commitments, certificate — each check printed with its status.
//!
//! Rules: exits 0 only when every check that could run passed and none
//! asked for (by `--scenario`, `--preferences` or `--public-key`) was left
//! unchecked; the failure names the file and every problem.

use std::path::PathBuf;

use anyhow::{Result, bail};
use pactum_server::{Status, VerifyOptions};

use crate::report;

#[derive(clap::Args)]
pub struct Args {
    /// The record, as exported by GET /sessions/{id}/record or
    /// GET /sessions/{id}/export.
    record: PathBuf,
    /// The session's scenario (an export carries its own): check its
    /// hash, replay the moves and recompute the certificate with it.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// A party's export of its own preferences with their salts
    /// (GET /sessions/{id}/preferences/export): opens its commitments,
    /// so that a certificate computed from edited preferences can be
    /// recomputed. Repeat for several parties.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    preferences: Vec<PathBuf>,
    /// The server's public key (64 hex digits, as GET /signing-key
    /// shows it, or a PEM file): the record's head must be signed with it.
    #[arg(long, value_name = "FILE")]
    public_key: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Prints every check of the record's verification; fails unless verified.
pub fn run(args: Args) -> Result<()> {
    let options = VerifyOptions {
        scenario: args.scenario,
        preferences: args.preferences,
        public_key: args.public_key,
    };
    let (path, json) = (args.record.as_path(), args.json);
    let (_, report) = pactum_server::verify_file(path, &options)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "session {}: {}, head {}",
            report.session_id,
            report::count(report.events as u128, "event", "events"),
            report.head.as_deref().unwrap_or("(none)")
        );
        for c in &report.checks {
            let asked = if c.requested && c.status == Status::NotChecked {
                " (asked for)"
            } else {
                ""
            };
            println!("  {}: {}{asked}: {}", c.check, c.status, c.detail);
        }
    }
    if !report.verified {
        bail!(
            "{}: the record does not verify: {}",
            path.display(),
            report.problems().join("; ")
        );
    }
    if !json {
        let count = |status| report.checks.iter().filter(|c| c.status == status).count();
        match count(Status::NotChecked) {
            0 => println!("verified: all {} checks passed", count(Status::Passed)),
            n => println!(
                "verified: every check that could run passed ({} passed, {n} not checked: see above)",
                count(Status::Passed)
            ),
        }
    }
    Ok(())
}
