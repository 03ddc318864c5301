//! `pactum`: the command-line front end. Parses arguments, calls the
//! libraries, and prints; all negotiation logic lives in `pactum-core`,
//! `pactum-sim`, `pactum-forecast`, `pactum-conflict` and `pactum-server`.
//!
//! This file holds the top-level command enum and its dispatch only; each
//! subcommand's arguments and handler live in its own module. An error is
//! printed once, as its chain of causes (`error: what: why`), with a
//! non-zero exit. The help of `negotiate` and `tournament` lists the
//! strategies from the simulator's registry.

mod analyze;
mod conflict;
mod convert;
mod draft;
mod forecast;
mod keygen;
mod negotiate;
mod replay;
mod report;
mod scenario_input;
mod serve;
mod space_plot;
mod tournament;
mod validate;
mod verify;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "pactum",
    version,
    about = "Model, analyse and simulate multi-party negotiations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a scenario: zone of possible agreement, Pareto frontier, fair packages.
    #[command(visible_alias = "analyse")]
    Analyze(analyze::Args),
    /// Check a scenario and report problems and warnings.
    Validate(scenario_input::ScenarioArgs),
    /// Convert a scenario to another format.
    Convert(convert::Args),
    /// Simulate one negotiation between automated negotiators.
    Negotiate(negotiate::Args),
    /// Run a tournament of strategies over scenarios (or merge its shards).
    Tournament(tournament::Args),
    /// Forecast where a multi-actor negotiation ends up (spatial bargaining models).
    Forecast(forecast::Args),
    /// Run the live negotiation server (HTTP API; OpenAPI at /openapi.json).
    Serve(serve::Args),
    /// Verify a session record or export: hash chain, session id, signature,
    /// scenario hash, protocol replay, preference commitments, certificate.
    /// Exits 0 only when every check that could run passed and none asked
    /// for was left unchecked.
    Verify(verify::Args),
    /// Re-run a session's record (live or `negotiate --record`) as a
    /// simulation: its moves, in order, through the simulator's runner under
    /// the same rules; reports the result and whether it is the recorded
    /// one (exits non-zero when not).
    Replay(replay::Args),
    /// Create an Ed25519 signing key for `pactum serve --signing-key`.
    Keygen(keygen::Args),
    /// Conflict analysis (graph model): which states each decision maker
    /// would stay in under Nash, GMR, SMR, SEQ, SIM and SEQ+SIM, and the
    /// equilibria.
    Conflict(conflict::Args),
    /// Draft a scenario from a news article with a language model: every
    /// source quote checked against the article, preference estimates
    /// marked, parts the validator refuses commented out.
    Draft(draft::Args),
}

/// The built-in strategies, from the simulator's registry, as a help section.
fn strategies_help(intro: &str) -> String {
    let strategies = pactum_sim::negotiator::described();
    let width = strategies.iter().map(|s| s.0.len()).max().unwrap_or(0);
    let mut help = format!("Strategies ({intro}):\n");
    for (name, description) in strategies {
        help.push_str(&format!("  {name:<width$}  {description}\n"));
    }
    help
}

/// The argument parser, with the help sections computed at run time.
fn command() -> clap::Command {
    Cli::command()
        .mut_subcommand("negotiate", |c| {
            c.after_help(strategies_help("--parties, one per negotiator"))
        })
        .mut_subcommand("tournament", |c| {
            c.after_help(format!(
                "{}\nEvery negotiation of a tournament uses stacked alternating offers (the \
                 protocol `sao` of `pactum negotiate`).",
                strategies_help("--strategies")
            ))
        })
}

fn main() -> ExitCode {
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Negotiate(args) => negotiate::run(args),
        Command::Tournament(args) => tournament::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Conflict(args) => conflict::run(args),
        Command::Draft(args) => draft::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
