//! `pactum`: the command-line front end. Parses arguments, calls the
//! libraries, and prints; all negotiation logic lives in `pactum-core`,
//! `pactum-sim`, `pactum-forecast`, `pactum-conflict` and `pactum-server`.
//!
//! This file holds the top-level command enum and its dispatch only; each
//! subcommand's arguments and handler live in its own module. An error is
//! printed once, as its chain of causes (`error: what: why`), with a
//! non-zero exit. The help of `negotiate` and `tournament` lists the
//! strategies from the simulator's registry. A subcommand's arguments are
//! built only when it is the one run (or its help is shown): each
//! subcommand's help line is written here once, and a test checks that each
//! subcommand shows it. A closed standard output ends the process quietly, as
//! it ends conventional tools (the default action of SIGPIPE), except in
//! `serve`, which must outlive a peer that hangs up.

mod analyze;
mod conflict;
mod convert;
mod draft;
mod forecast;
mod keygen;
mod league;
mod negotiate;
mod progress;
mod replay;
mod report;
mod scenario_input;
mod serve;
mod space_plot;
mod tournament;
mod tournament_analysis;
mod validate;
mod verify;

use std::process::ExitCode;

use clap::{Args, FromArgMatches};

/// The subcommands and their arguments.
enum Command {
    Analyze(analyze::Args),
    Validate(scenario_input::ScenarioArgs),
    Convert(convert::Args),
    Negotiate(negotiate::Args),
    Tournament(tournament::Args),
    Forecast(forecast::Args),
    Serve(serve::Args),
    Verify(verify::Args),
    Replay(replay::Args),
    Keygen(keygen::Args),
    Conflict(conflict::Args),
    Draft(draft::Args),
}

/// Each subcommand's name and one-line help, in the order `pactum --help`
/// lists them.
const SUBCOMMANDS: &[(&str, &str)] = &[
    (
        "analyze",
        "Analyse a scenario: zone of possible agreement, Pareto frontier, fair packages",
    ),
    (
        "validate",
        "Check a scenario and report problems and warnings",
    ),
    ("convert", "Convert a scenario to another format"),
    (
        "negotiate",
        "Simulate one negotiation between automated negotiators",
    ),
    (
        "tournament",
        "Run a tournament of strategies over scenarios (or merge its shards, or analyse its results)",
    ),
    (
        "forecast",
        "Forecast where a multi-actor negotiation ends up (spatial bargaining models)",
    ),
    (
        "serve",
        "Run the live negotiation server (HTTP API; OpenAPI at /openapi.json)",
    ),
    (
        "verify",
        "Verify a session record or export: hash chain, session id, signature, scenario hash, \
         protocol replay, preference commitments, certificate. Exits 0 only when every check \
         that could run passed and none asked for was left unchecked",
    ),
    (
        "replay",
        "Re-run a session's record (live or `negotiate --record`) as a simulation: its moves, \
         in order, through the simulator's runner under the same rules; reports the result and \
         whether it is the recorded one (exits non-zero when not)",
    ),
    (
        "keygen",
        "Create an Ed25519 signing key for `pactum serve --signing-key`",
    ),
    (
        "conflict",
        "Conflict analysis (graph model): which states each decision maker would stay in under \
         Nash, GMR, SMR, SEQ, SIM and SEQ+SIM, and the equilibria",
    ),
    (
        "draft",
        "Draft a scenario from a news article with a language model: every source quote checked \
         against the article, preference estimates marked, parts the validator refuses commented \
         out",
    ),
];

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

/// Subcommand `I`'s arguments `A`, under its own help line (an argument
/// struct's doc comment would otherwise replace it).
fn args<A: Args, const I: usize>(c: clap::Command) -> clap::Command {
    A::augment_args(c).about(SUBCOMMANDS[I].1).long_about(None)
}

fn negotiate_args(c: clap::Command) -> clap::Command {
    args::<negotiate::Args, 3>(c).after_help(strategies_help("--parties, one per negotiator"))
}

fn tournament_args(c: clap::Command) -> clap::Command {
    args::<tournament::Args, 4>(c).after_help(format!(
        "{}\nEvery negotiation of a tournament uses stacked alternating offers (the \
         protocol `sao` of `pactum negotiate`).",
        strategies_help("--strategies")
    ))
}

/// The argument parser. Each subcommand's arguments are built only when
/// that subcommand is parsed or its help is shown (`Command::defer`):
/// building all of them would be most of the start-up of every command.
fn command() -> clap::Command {
    let deferred: [fn(clap::Command) -> clap::Command; 12] = [
        args::<analyze::Args, 0>,
        args::<scenario_input::ScenarioArgs, 1>,
        args::<convert::Args, 2>,
        negotiate_args,
        tournament_args,
        args::<forecast::Args, 5>,
        args::<serve::Args, 6>,
        args::<verify::Args, 7>,
        args::<replay::Args, 8>,
        args::<keygen::Args, 9>,
        args::<conflict::Args, 10>,
        args::<draft::Args, 11>,
    ];
    let mut cmd = clap::Command::new("pactum")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Model, analyse and simulate multi-party negotiations")
        .subcommand_required(true)
        .arg_required_else_help(true);
    for (&(name, about), args) in SUBCOMMANDS.iter().zip(deferred) {
        let mut sub = clap::Command::new(name).about(about).defer(args);
        if name == "analyze" {
            sub = sub.visible_alias("analyse");
        }
        cmd = cmd.subcommand(sub);
    }
    cmd
}

impl Command {
    /// The subcommand the parsed `matches` name, with its arguments.
    fn from_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, m)) = matches.subcommand() else {
            return Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand));
        };
        Ok(match name {
            "analyze" => Command::Analyze(analyze::Args::from_arg_matches(m)?),
            "validate" => Command::Validate(scenario_input::ScenarioArgs::from_arg_matches(m)?),
            "convert" => Command::Convert(convert::Args::from_arg_matches(m)?),
            "negotiate" => Command::Negotiate(negotiate::Args::from_arg_matches(m)?),
            "tournament" => Command::Tournament(tournament::Args::from_arg_matches(m)?),
            "forecast" => Command::Forecast(forecast::Args::from_arg_matches(m)?),
            "serve" => Command::Serve(serve::Args::from_arg_matches(m)?),
            "verify" => Command::Verify(verify::Args::from_arg_matches(m)?),
            "replay" => Command::Replay(replay::Args::from_arg_matches(m)?),
            "keygen" => Command::Keygen(keygen::Args::from_arg_matches(m)?),
            "conflict" => Command::Conflict(conflict::Args::from_arg_matches(m)?),
            "draft" => Command::Draft(draft::Args::from_arg_matches(m)?),
            other => {
                return Err(clap::Error::raw(
                    clap::error::ErrorKind::InvalidSubcommand,
                    format!("unknown subcommand {other:?}"),
                ));
            }
        })
    }
}

/// Sets what a write to a closed pipe does: end the process (`end`, the
/// default action of SIGPIPE) or fail the write with an error (the Rust
/// runtime's setting, which `println!` turns into a panic).
#[cfg(unix)]
fn closed_pipe_ends_process(end: bool) {
    let action = if end { libc::SIG_DFL } else { libc::SIG_IGN };
    // SAFETY: setting a signal's disposition to a default or ignore action
    // installs no handler; it happens while the process has one thread.
    unsafe {
        libc::signal(libc::SIGPIPE, action);
    }
}

#[cfg(not(unix))]
fn closed_pipe_ends_process(_end: bool) {}

fn main() -> ExitCode {
    closed_pipe_ends_process(true);
    let command = Command::from_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    if matches!(command, Command::Serve(_)) {
        closed_pipe_ends_process(false);
    }
    let result = match command {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_is_consistent() {
        command().debug_assert();
    }

    /// Every subcommand is reachable, with its own help line (not its
    /// argument struct's doc comment) and its deferred arguments built.
    #[test]
    fn each_subcommand_shows_its_help_line_and_arguments() {
        for &(name, about) in SUBCOMMANDS {
            let err = command()
                .try_get_matches_from(["pactum", name, "--help"])
                .unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp);
            let help = err.render().to_string();
            assert!(help.starts_with(about), "{name}: {help}");
            assert!(help.contains("Options:"), "{name}: {help}");
        }
    }

    #[test]
    fn a_parsed_subcommand_becomes_its_variant() {
        let matches = command()
            .try_get_matches_from(["pactum", "analyse", "examples/car-purchase.toml"])
            .unwrap();
        assert!(matches!(
            Command::from_matches(&matches),
            Ok(Command::Analyze(_))
        ));
        let matches = command()
            .try_get_matches_from(["pactum", "keygen", "key.pem"])
            .unwrap();
        assert!(matches!(
            Command::from_matches(&matches),
            Ok(Command::Keygen(_))
        ));
    }
}
