//! `pactum negotiate`: play one simulated negotiation and report it — the
//! agreement, the round, each party's utility, and how far the result is
//! from the Pareto frontier and the Nash point; `--json` for the full trace,
//! `--plot` for a picture of the offers.
//!
//! With `--phases N` (and `--protocol phased`, formerly `partial`) it plays
//! a phased session instead: N phases of stacked alternating offers,
//! reservation values shifting between them (`--shift`), and with
//! `phased` the issues settled in a phase carried into the next ones (the
//! bookkeeping is the protocol engine's).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use pactum_core::analysis::Package;
use pactum_sim::metrics::Metrics;
use pactum_sim::negotiator::Response;
use pactum_sim::phases::{Phase, PhasedResult, run_phased};
use pactum_sim::session::Deadline;
use pactum_sim::{Config, End, Mediator, NegotiationResult, Prepared, ProtocolKind, negotiate};
use serde::Serialize;

use crate::report::count;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// Stacked alternating offers.
    Sao,
    /// Mediated single negotiating text.
    SingleText,
    /// Stacked alternating offers in phases (--phases); the issues on which
    /// the parties' last offers of a phase coincide are settled and carried
    /// into the later phases.
    #[value(alias = "partial")]
    Phased,
    /// Free-form rounds with partial agreements: each round every party
    /// proposes its package over the open issues and accepts the proposals
    /// it would accept as offers.
    PartialRounds,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MediatorArg {
    /// Proposes random whole packages; any party can veto.
    Veto,
    /// Proposes one-issue changes to the draft.
    HillClimbing,
    /// Starts from the middle value of every issue and proposes every
    /// one-issue change in turn (the live server's mediator).
    DraftAndVote,
}

/// Whether results are discounted (`--discount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiscountArg {
    /// As the scenario says: a party with discount factor d values a result
    /// reached at relative time t at u·d^t (GENIUS's semantics).
    Scenario,
    /// No discounting, whatever the scenario says.
    None,
}

/// The prepared scenario with discounting as `--discount` asks.
pub fn apply_discount(p: Prepared, d: DiscountArg) -> Prepared {
    match d {
        DiscountArg::Scenario => p,
        DiscountArg::None => p.without_discount(),
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// A native .toml/.json file, or a folder of GENIUS XML or GeniusWeb JSON files.
    pub scenario: PathBuf,
    /// Profiles of a GENIUS/GeniusWeb folder to seat (file stems, comma-separated); default: all.
    #[arg(long, value_delimiter = ',')]
    pub profiles: Option<Vec<String>>,
    /// One strategy per negotiator, in scenario order (the first proposes first), e.g. boulware,conceder
    /// (the strategies are listed below).
    #[arg(long, value_delimiter = ',', required = true)]
    pub parties: Vec<String>,
    /// The protocol: who moves when, and what a move may be.
    #[arg(long, value_enum, default_value_t = ProtocolArg::Sao)]
    pub protocol: ProtocolArg,
    /// The single-text mediator.
    #[arg(long, value_enum, default_value_t = MediatorArg::HillClimbing)]
    pub mediator: MediatorArg,
    /// Deadline in rounds (of each phase in a multi-round session).
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
    /// Play a multi-round session of N phases (stacked alternating offers in
    /// each; the session ends at the first agreement). Default 1 with --protocol partial.
    #[arg(long, value_name = "N")]
    pub phases: Option<usize>,
    /// Change a negotiator's reservation value from a phase on, e.g.
    /// "2:Ukraine.reservation=0.45" (repeatable; implies a multi-round session).
    #[arg(long = "shift", value_name = "PHASE:PARTY.reservation=X")]
    pub shifts: Vec<String>,
    /// Wall-clock deadline in seconds (in addition to --steps; makes runs timing-dependent).
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Seed of the random strategies and mediators.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Discounting of results: `scenario` applies each party's discount
    /// factor d (a result at relative time t is worth u·d^t, reported beside
    /// the undiscounted utilities); `none` switches it off.
    #[arg(long, value_enum, default_value_t = DiscountArg::Scenario)]
    pub discount: DiscountArg,
    /// Print the full trace as JSON (per phase, a summary of it in a multi-round session).
    #[arg(long)]
    pub json: bool,
    /// Draw the offers over time and in the utility space to an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Write the negotiation as a session export (hash-chained record with
    /// its scenario), which `pactum verify FILE` checks and `pactum replay
    /// FILE` re-runs; at_ms is 0 throughout, so the same seed writes the
    /// same bytes.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    crate::simrecord::check(&args)?;
    let loaded = pactum_core::io::load(&args.scenario, args.profiles.as_deref())?;
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    let prepared = apply_discount(Prepared::new(loaded.scenario)?, args.discount);
    let strategies: Vec<&str> = args.parties.iter().map(|s| s.trim()).collect();
    for s in &strategies {
        pactum_sim::negotiator::check(s)?;
    }
    if args.steps == 0 {
        bail!("--steps must be at least 1");
    }
    let protocol = match args.protocol {
        ProtocolArg::Sao => ProtocolKind::Sao,
        ProtocolArg::SingleText => ProtocolKind::SingleText(match args.mediator {
            MediatorArg::Veto => Mediator::Veto,
            MediatorArg::HillClimbing => Mediator::HillClimbing,
            MediatorArg::DraftAndVote => Mediator::DraftAndVote,
        }),
        ProtocolArg::PartialRounds => ProtocolKind::PartialRounds,
        ProtocolArg::Phased => return run_session(&args, &prepared, &strategies),
    };
    if args.phases.is_some() || !args.shifts.is_empty() {
        if prepared.discounted() {
            eprintln!(
                "warning: discount factors are not applied to multi-round sessions; their utilities are undiscounted"
            );
        }
        return run_session(&args, &prepared, &strategies);
    }
    let time_limit = match args.time_limit {
        Some(s) if !(s > 0.0 && s.is_finite()) => {
            bail!("--time-limit must be a positive number of seconds")
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let config = Config {
        protocol,
        deadline: Deadline {
            steps: Some(args.steps),
            time_limit,
        },
        seed: args.seed,
        record: true,
    };
    let result = negotiate(&prepared, &strategies, &config)?;
    if let Some(path) = &args.record {
        crate::simrecord::write(path, &args, &prepared, &config, &result)?;
    }
    let metrics = Metrics::new(&prepared);
    if let Some(path) = &args.plot {
        plot(&prepared, &result, &strategies, &metrics, path)
            .with_context(|| format!("cannot write plot {}", path.display()))?;
    }
    if args.json {
        let doc = to_json(&prepared, &strategies, &config, &result, &metrics);
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!(
            "{}",
            text(&prepared, &strategies, &config, &result, &metrics)
        );
    }
    Ok(())
}

fn protocol_name(config: &Config) -> &'static str {
    match config.protocol {
        ProtocolKind::Sao => "sao",
        ProtocolKind::SingleText(Mediator::Veto) => "single-text (veto mediator)",
        ProtocolKind::SingleText(Mediator::HillClimbing) => "single-text (hill-climbing mediator)",
        ProtocolKind::SingleText(Mediator::DraftAndVote) => "single-text (draft-and-vote mediator)",
        ProtocolKind::PartialRounds => "partial-rounds",
    }
}

fn response_name(r: Response) -> &'static str {
    match r {
        Response::Accept => "accept",
        Response::Reject => "reject",
        Response::End => "end",
        Response::Leave => "leave",
    }
}

#[derive(Serialize)]
struct JsonParty<'a> {
    name: &'a str,
    strategy: &'a str,
    reservation_value: Option<f64>,
}

#[derive(Serialize)]
struct JsonResponse<'a> {
    party: &'a str,
    response: &'static str,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    step: usize,
    time: f64,
    /// A party's name, or "mediator".
    proposer: &'a str,
    offer: Package,
    utilities: Vec<f64>,
    responses: Vec<JsonResponse<'a>>,
}

#[derive(Serialize)]
struct JsonEnd<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// The document of `--json`; field names are its stable schema.
#[derive(Serialize)]
pub struct JsonNegotiation<'a> {
    scenario: &'a str,
    protocol: &'static str,
    max_steps: Option<usize>,
    seed: u64,
    parties: Vec<JsonParty<'a>>,
    trace: Vec<JsonEvent<'a>>,
    /// Issue → value, or null.
    agreement: Option<Package>,
    /// Every party's utility of the result, in party order.
    utilities: &'a [f64],
    /// Rounds started (an agreement in the first round gives 1).
    steps: usize,
    end: JsonEnd<'a>,
    distance_to_frontier: Option<f64>,
    distance_to_nash: Option<f64>,
    /// With discounting: the relative time the negotiation ended at and
    /// every party's utility discounted to it (absent without discounting).
    #[serde(skip_serializing_if = "Option::is_none")]
    discounted: Option<&'a pactum_sim::runner::Discounted>,
}

/// The JSON document of `--json`.
pub fn to_json<'a>(
    p: &'a Prepared,
    strategies: &[&'a str],
    config: &Config,
    r: &'a NegotiationResult,
    m: &Metrics,
) -> JsonNegotiation<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let trace = r
        .trace
        .events
        .iter()
        .map(|e| JsonEvent {
            step: e.step,
            time: e.time,
            proposer: e.proposer.map_or("mediator", name),
            offer: p.package(e.offer),
            utilities: p.utilities(e.offer),
            responses: e
                .responses
                .iter()
                .map(|(s, resp)| JsonResponse {
                    party: name(*s),
                    response: response_name(*resp),
                })
                .collect(),
        })
        .collect();
    let parties = p
        .prefs
        .iter()
        .zip(strategies)
        .map(|(pr, s)| JsonParty {
            name: &pr.name,
            strategy: s,
            reservation_value: pr.reservation,
        })
        .collect();
    let end = json_end(p, &r.end);
    JsonNegotiation {
        scenario: &p.scenario.name,
        protocol: protocol_name(config),
        max_steps: config.deadline.steps,
        seed: config.seed,
        parties,
        trace,
        agreement: r.agreement.map(|a| p.package(a)),
        utilities: &r.utilities,
        steps: r.steps,
        end,
        distance_to_frontier: m.to_frontier(&r.utilities),
        distance_to_nash: m.to_nash(&r.utilities),
        discounted: r.discounted.as_ref(),
    }
}

fn utilities_line(names: &[String], u: &[f64]) -> String {
    names
        .iter()
        .zip(u)
        .map(|(n, u)| format!("{n} {u:.4}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plain-text report.
pub fn text(
    p: &Prepared,
    strategies: &[&str],
    config: &Config,
    r: &NegotiationResult,
    m: &Metrics,
) -> String {
    let names = p.names();
    let mut s = String::new();
    let steps = config.deadline.steps.unwrap_or(0);
    let _ = writeln!(
        s,
        "Scenario: {} — {}, {}, seed {}",
        p.scenario.name,
        protocol_name(config),
        count(steps as u128, "round", "rounds"),
        config.seed
    );
    let _ = writeln!(s, "Parties: {}", seated(&names, strategies));
    let agreement = |s: &mut String, a| {
        let _ = writeln!(s, "\nAgreement in round {} of {steps}:", r.steps);
        for (issue, value) in p.package(a) {
            let _ = writeln!(s, "    {issue} = {value}");
        }
    };
    match &r.end {
        End::Agreement { outcome } => agreement(&mut s, *outcome),
        // In the single text the last draft everyone accepted stands.
        End::Deadline => match r.agreement {
            Some(a) => agreement(&mut s, a),
            None => {
                let _ = writeln!(
                    s,
                    "\nNo agreement: the deadline passed after {}.",
                    count(r.steps as u128, "round", "rounds")
                );
            }
        },
        End::Ended { seat } => {
            let _ = writeln!(
                s,
                "\nNo agreement: {} ended the negotiation in round {}.",
                names[*seat], r.steps
            );
        }
        End::Invalid { seat, reason } => {
            let _ = writeln!(
                s,
                "\nNo agreement: {} made an invalid move in round {}: {reason}",
                names[*seat], r.steps
            );
        }
        End::Deserted => {
            let _ = writeln!(
                s,
                "\nNo agreement: too few parties stayed (round {}).",
                r.steps
            );
        }
    }
    let _ = writeln!(
        s,
        "  utilities: {}{}",
        utilities_line(&names, &r.utilities),
        if r.agreement.is_none() {
            " (reservation values; worst utility where there is none)"
        } else {
            ""
        }
    );
    if let Some(d) = &r.discounted {
        let _ = writeln!(
            s,
            "  discounted (time {:.4}): {}",
            d.time,
            utilities_line(&names, &d.utilities)
        );
    }
    match (m.to_frontier(&r.utilities), m.to_nash(&r.utilities)) {
        (Some(f), n) => {
            let _ = writeln!(s, "  distance to the Pareto frontier: {f:.4}");
            match (n, &m.nash) {
                (Some(n), Some(nash)) => {
                    let _ = writeln!(
                        s,
                        "  distance to the Nash point: {n:.4} (Nash: {})",
                        utilities_line(&names, nash)
                    );
                }
                _ => {
                    let _ = writeln!(s, "  distance to the Nash point: none (no Nash point)");
                }
            }
        }
        (None, _) => {
            let why = m
                .note
                .clone()
                .unwrap_or_else(|| "the zone of possible agreement is empty".into());
            let _ = writeln!(
                s,
                "  no distances to the frontier and the Nash point: {why}"
            );
        }
    }
    s
}

// ---------------------------------------------------------------- sessions

/// One `--shift`: from `phase` (1-based) on, negotiator `seat` has
/// reservation value `value`.
#[derive(Debug, Clone, PartialEq)]
struct Shift {
    phase: usize,
    seat: usize,
    value: f64,
}

/// Parses `PHASE:PARTY.reservation=X`; the part after the colon is a
/// `--set` override (`pactum_core::overrides::Override`, which checks it),
/// restricted to reservation values, the only thing a session can change
/// between phases.
fn parse_shift(spec: &str, p: &Prepared, phases: usize) -> Result<Shift> {
    let bad = |msg: String| anyhow::anyhow!("--shift {spec:?}: {msg}");
    let (phase, change) = spec
        .split_once(':')
        .ok_or_else(|| bad("expected PHASE:PARTY.reservation=X".into()))?;
    let phase: usize = phase
        .trim()
        .parse()
        .map_err(|_| bad(format!("phase {:?} is not a number", phase.trim())))?;
    if phase == 0 || phase > phases {
        return Err(bad(format!(
            "phase {phase} is out of range (the session has {phases} phase{}, numbered from 1)",
            if phases == 1 { "" } else { "s" }
        )));
    }
    let (key, _) = change
        .split_once('=')
        .ok_or_else(|| bad("expected PHASE:PARTY.reservation=X".into()))?;
    let party = key.trim().strip_suffix(".reservation").ok_or_else(|| {
        bad(format!(
            "only reservation values can shift between phases: expected PARTY.reservation=X, got {:?}",
            key.trim()
        ))
    })?;
    let names = p.names();
    let seat = names.iter().position(|n| n == party).ok_or_else(|| {
        let what = if p.scenario.party_index(party).is_some() {
            format!("{party:?} is not a negotiator")
        } else {
            format!("unknown party {party:?}")
        };
        bad(format!("{what} (negotiators: {})", names.join(", ")))
    })?;
    let parsed = pactum_core::overrides::Override::parse(&p.scenario, change.trim())
        .map_err(|e| bad(e.reason.to_string()))?;
    if parsed.party() != p.negotiators[seat] {
        return Err(bad(format!("ambiguous party name {:?}", key.trim())));
    }
    let value = parsed.value();
    Ok(Shift { phase, seat, value })
}

/// "Alice (boulware), Bob (conceder)": each party with its strategy.
fn seated(names: &[String], strategies: &[&str]) -> String {
    let seated: Vec<String> = names
        .iter()
        .zip(strategies)
        .map(|(n, st)| format!("{n} ({st})"))
        .collect();
    seated.join(", ")
}

fn run_session(args: &Args, prepared: &Prepared, strategies: &[&str]) -> Result<()> {
    if args.protocol == ProtocolArg::SingleText {
        bail!(
            "--phases and --shift need --protocol sao or phased (a multi-round session plays alternating offers)"
        );
    }
    if args.time_limit.is_some() {
        bail!("--time-limit is not supported in a multi-round session");
    }
    if args.plot.is_some() {
        bail!("--plot is not supported in a multi-round session");
    }
    let count = args.phases.unwrap_or(1);
    if count == 0 {
        bail!("--phases must be at least 1");
    }
    let n = prepared.prefs.len();
    let mut phases = vec![
        Phase {
            steps: args.steps,
            reservations: vec![None; n],
        };
        count
    ];
    let mut shifts = Vec::with_capacity(args.shifts.len());
    for spec in &args.shifts {
        let shift = parse_shift(spec, prepared, count)?;
        let slot = &mut phases[shift.phase - 1].reservations[shift.seat];
        if slot.is_some() {
            bail!(
                "--shift {spec:?}: {}'s reservation value in phase {} is already shifted",
                prepared.prefs[shift.seat].name,
                shift.phase
            );
        }
        *slot = Some(shift.value);
        shifts.push(shift);
    }
    shifts.sort_by_key(|s| (s.phase, s.seat));
    let partial = args.protocol == ProtocolArg::Phased;
    let session = run_phased(prepared, strategies, &phases, partial, args.seed)?;
    let view = shifted(prepared, &session);
    if args.json {
        let doc = session_json(
            prepared, strategies, args, partial, &shifts, &session, &view,
        );
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!(
            "{}",
            session_text(prepared, strategies, args, partial, &session, &view)
        );
    }
    Ok(())
}

/// Per phase: the negotiators whose reservation value changed at its
/// start (what each phase settled and left open is the engine's
/// bookkeeping, in each [`PhaseReport`](pactum_sim::phases::PhaseReport)).
fn shifted(p: &Prepared, s: &PhasedResult) -> Vec<Vec<usize>> {
    let mut previous: Vec<Option<f64>> = p.prefs.iter().map(|pr| pr.reservation).collect();
    s.phases
        .iter()
        .map(|phase| {
            let changed = (0..p.prefs.len())
                .filter(|&k| phase.reservations[k] != previous[k])
                .collect();
            previous = phase.reservations.clone();
            changed
        })
        .collect()
}

/// Issue → value of the settled issues.
fn settled_package(p: &Prepared, settled: &[Option<u32>]) -> Package {
    p.scenario
        .issues
        .iter()
        .zip(settled)
        .filter_map(|(issue, k)| k.map(|k| (issue.name.clone(), issue.value(k))))
        .collect()
}

fn package_line(pkg: &Package) -> String {
    if pkg.is_empty() {
        return "none".into();
    }
    pkg.iter()
        .map(|(i, v)| format!("{i} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn reservation_text(r: Option<f64>) -> String {
    r.map_or_else(|| "none".into(), |r| format!("{r:.4}"))
}

fn end_text(names: &[String], r: &NegotiationResult) -> String {
    match (&r.end, r.agreement) {
        (End::Agreement { .. }, _) | (End::Deadline, Some(_)) => {
            format!("agreement in round {}", r.steps)
        }
        (End::Deadline, None) => {
            format!(
                "no agreement: the deadline passed after {}",
                count(r.steps as u128, "round", "rounds")
            )
        }
        (End::Ended { seat }, _) => format!(
            "no agreement: {} ended the phase in round {}",
            names[*seat], r.steps
        ),
        (End::Invalid { seat, reason }, _) => format!(
            "no agreement: {} made an invalid move in round {}: {reason}",
            names[*seat], r.steps
        ),
        (End::Deserted, _) => format!("no agreement: too few parties stayed (round {})", r.steps),
    }
}

fn session_text(
    p: &Prepared,
    strategies: &[&str],
    args: &Args,
    partial: bool,
    s: &PhasedResult,
    v: &[Vec<usize>],
) -> String {
    let names = p.names();
    let mut out = String::new();
    let phases = args.phases.unwrap_or(1);
    let _ = writeln!(
        out,
        "Scenario: {} — {}, {} of up to {}, seed {}",
        p.scenario.name,
        if partial {
            "alternating offers with partial agreements"
        } else {
            "alternating offers"
        },
        count(phases as u128, "phase", "phases"),
        count(args.steps as u128, "round", "rounds"),
        args.seed
    );
    let _ = writeln!(out, "Parties: {}", seated(&names, strategies));
    let mut previous: Vec<Option<f64>> = p.prefs.iter().map(|pr| pr.reservation).collect();
    for (k, phase) in s.phases.iter().enumerate() {
        let reservations: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(seat, n)| {
                let r = phase.reservations[seat];
                if v[k].contains(&seat) {
                    format!(
                        "{n} {} (shifted from {})",
                        reservation_text(r),
                        reservation_text(previous[seat])
                    )
                } else {
                    format!("{n} {}", reservation_text(r))
                }
            })
            .collect();
        previous = phase.reservations.clone();
        let _ = writeln!(out, "\nPhase {} of {phases}:", k + 1);
        let _ = writeln!(out, "  reservation values: {}", reservations.join(", "));
        if partial && k > 0 {
            let _ = writeln!(
                out,
                "  carried in: {}",
                package_line(&settled_package(p, &phase.issues.carried_in))
            );
        }
        let _ = writeln!(out, "  {}", end_text(&names, &phase.result));
        if partial || phase.result.agreement.is_some() {
            let _ = writeln!(
                out,
                "  settled: {}",
                package_line(&settled_package(p, &phase.issues.settled))
            );
            let open: Vec<&str> = phase
                .issues
                .open
                .iter()
                .map(|&i| p.scenario.issues[i].name.as_str())
                .collect();
            let _ = writeln!(
                out,
                "  open: {}",
                if open.is_empty() {
                    "none".into()
                } else {
                    open.join(", ")
                }
            );
        }
    }
    match s.agreement {
        Some(a) => {
            let last = s.phases.last().expect("at least one phase");
            let _ = writeln!(
                out,
                "\nAgreement in phase {}, round {}:",
                s.phases.len(),
                last.result.steps
            );
            for (issue, value) in p.package(a) {
                let _ = writeln!(out, "    {issue} = {value}");
            }
            let _ = writeln!(out, "  utilities: {}", utilities_line(&names, &s.utilities));
        }
        None => {
            let _ = writeln!(
                out,
                "\nNo agreement after {} phase{}.",
                s.phases.len(),
                if s.phases.len() == 1 { "" } else { "s" }
            );
            let _ = writeln!(
                out,
                "  utilities: {} (reservation values of the last phase; worst utility where there is none)",
                utilities_line(&names, &s.utilities)
            );
        }
    }
    out
}

#[derive(Serialize)]
struct JsonShift<'a> {
    phase: usize,
    party: &'a str,
    reservation_value: f64,
}

#[derive(Serialize)]
struct JsonLastOffer<'a> {
    party: &'a str,
    offer: Package,
    utilities: Vec<f64>,
}

/// A phase's trace in brief (the offers themselves are left out).
#[derive(Serialize)]
struct JsonTraceSummary<'a> {
    /// Offers made in the phase.
    offers: usize,
    /// Each party's last offer of the phase, in party order.
    last_offers: Vec<JsonLastOffer<'a>>,
}

#[derive(Serialize)]
struct JsonPhase<'a> {
    phase: usize,
    max_steps: usize,
    /// In party order; null where a party has none.
    reservation_values: &'a [Option<f64>],
    /// Parties whose reservation value changed at the start of the phase.
    shifted: Vec<&'a str>,
    /// Issue → value settled before the phase.
    carried_in: Package,
    /// Issue → value settled by the phase (all open issues on an agreement).
    settled: Package,
    /// Issues still open after the phase.
    open: Vec<&'a str>,
    agreement: Option<Package>,
    steps: usize,
    end: JsonEnd<'a>,
    trace: JsonTraceSummary<'a>,
}

/// The document of `--json` for a multi-round session; field names are its
/// stable schema.
#[derive(Serialize)]
struct JsonSession<'a> {
    scenario: &'a str,
    protocol: &'static str,
    partial_agreements: bool,
    /// Phases allowed (`phases` lists those played).
    max_phases: usize,
    max_steps: usize,
    seed: u64,
    parties: Vec<JsonParty<'a>>,
    shifts: Vec<JsonShift<'a>>,
    phases: Vec<JsonPhase<'a>>,
    /// Issue → value, or null.
    agreement: Option<Package>,
    agreement_phase: Option<usize>,
    /// Every party's utility of the result, in party order.
    utilities: &'a [f64],
}

fn json_end<'a>(p: &'a Prepared, end: &'a End) -> JsonEnd<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let (kind, party, reason) = match end {
        End::Agreement { .. } => ("agreement", None, None),
        End::Deadline => ("deadline", None, None),
        End::Ended { seat } => ("ended", Some(name(*seat)), None),
        End::Invalid { seat, reason } => ("invalid", Some(name(*seat)), Some(reason.as_str())),
        End::Deserted => ("deserted", None, None),
    };
    JsonEnd {
        kind,
        party,
        reason,
    }
}

fn session_json<'a>(
    p: &'a Prepared,
    strategies: &[&'a str],
    args: &Args,
    partial: bool,
    shifts: &[Shift],
    s: &'a PhasedResult,
    v: &[Vec<usize>],
) -> JsonSession<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let phases = s
        .phases
        .iter()
        .enumerate()
        .map(|(k, ph)| {
            let r = &ph.result;
            let last_offers = (0..p.prefs.len())
                .filter_map(|seat| {
                    let e = r
                        .trace
                        .events
                        .iter()
                        .rev()
                        .find(|e| e.proposer == Some(seat))?;
                    Some(JsonLastOffer {
                        party: name(seat),
                        offer: p.package(e.offer),
                        utilities: p.utilities(e.offer),
                    })
                })
                .collect();
            JsonPhase {
                phase: k + 1,
                max_steps: args.steps,
                reservation_values: &ph.reservations,
                shifted: v[k].iter().map(|&seat| name(seat)).collect(),
                carried_in: settled_package(p, &ph.issues.carried_in),
                settled: settled_package(p, &ph.issues.settled),
                open: ph
                    .issues
                    .open
                    .iter()
                    .map(|&i| p.scenario.issues[i].name.as_str())
                    .collect(),
                agreement: r.agreement.map(|a| p.package(a)),
                steps: r.steps,
                end: json_end(p, &r.end),
                trace: JsonTraceSummary {
                    offers: r.trace.events.len(),
                    last_offers,
                },
            }
        })
        .collect();
    JsonSession {
        scenario: &p.scenario.name,
        protocol: if partial { "partial" } else { "sao" },
        partial_agreements: partial,
        max_phases: args.phases.unwrap_or(1),
        max_steps: args.steps,
        seed: args.seed,
        parties: p
            .prefs
            .iter()
            .zip(strategies)
            .map(|(pr, st)| JsonParty {
                name: &pr.name,
                strategy: st,
                reservation_value: pr.reservation,
            })
            .collect(),
        shifts: shifts
            .iter()
            .map(|sh| JsonShift {
                phase: sh.phase,
                party: name(sh.seat),
                reservation_value: sh.value,
            })
            .collect(),
        phases,
        agreement: s.agreement.map(|a| p.package(a)),
        agreement_phase: s.agreement.map(|_| s.phases.len()),
        utilities: &s.utilities,
    }
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
];

use plotters::prelude::*;

/// Left: each party's offers over time (its own utility, solid; the other
/// party's, dots, when there are two). Right: the offers in the utility
/// space of the first two negotiators, with the frontier, the Nash point and
/// the agreement.
pub fn plot(
    p: &Prepared,
    r: &NegotiationResult,
    strategies: &[&str],
    m: &Metrics,
    path: &std::path::Path,
) -> Result<()> {
    let names = p.names();
    let root = SVGBackend::new(path, (1400, 650)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(700);
    let seats = names.len();
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for pr in &p.prefs {
        lo = lo.min(pr.worst);
        hi = hi.max(pr.best);
    }
    let pad = 0.02 * (hi - lo);

    let mut chart = ChartBuilder::on(&left)
        .caption(
            format!("{} — offers over time", p.scenario.name),
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..1.0, lo - pad..hi + pad)?;
    chart
        .configure_mesh()
        .x_desc("relative time")
        .y_desc("utility")
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    for seat in 0..seats {
        let color = COLORS[seat % COLORS.len()];
        let own: Vec<(f64, f64)> = r
            .trace
            .events
            .iter()
            .filter(|e| e.proposer == Some(seat))
            .map(|e| (e.time, p.prefs[seat].utility(e.offer)))
            .collect();
        chart
            .draw_series(LineSeries::new(own.clone(), color.stroke_width(2)))?
            .label(format!(
                "{} ({}): own utility of its offers",
                names[seat], strategies[seat]
            ))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        if seats == 2 {
            let other = 1 - seat;
            let theirs: Vec<(f64, f64)> = r
                .trace
                .events
                .iter()
                .filter(|e| e.proposer == Some(seat))
                .map(|e| (e.time, p.prefs[other].utility(e.offer)))
                .collect();
            chart
                .draw_series(
                    theirs
                        .iter()
                        .map(|&q| Circle::new(q, 2, color.mix(0.6).filled())),
                )?
                .label(format!(
                    "{}'s offers: utility to {}",
                    names[seat], names[other]
                ))
                .legend(move |(x, y)| Circle::new((x + 10, y), 3, color.mix(0.6).filled()));
        }
    }
    let mediated: Vec<(f64, f64)> = r
        .trace
        .events
        .iter()
        .filter(|e| e.proposer.is_none() && e.responses.iter().all(|x| x.1 == Response::Accept))
        .flat_map(|e| (0..seats).map(move |s| (e.time, s, e.offer)))
        .map(|(t, s, o)| (t, p.prefs[s].utility(o)))
        .collect();
    if !mediated.is_empty() {
        chart
            .draw_series(
                mediated
                    .iter()
                    .map(|&q| Cross::new(q, 4, BLACK.stroke_width(1))),
            )?
            .label("drafts accepted by all (utility to each party)")
            .legend(|(x, y)| Cross::new((x + 10, y), 4, BLACK.stroke_width(1)));
    }
    crate::report::draw_legend(&mut chart)?;

    // Utility space of the first two negotiators.
    let (x0, x1) = (p.prefs[0].worst.min(0.0), p.prefs[0].best.max(1.0));
    let (y0, y1) = (p.prefs[1].worst.min(0.0), p.prefs[1].best.max(1.0));
    let mut chart = ChartBuilder::on(&right)
        .caption("offers in the utility space", ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(x0 - 0.02..x1 + 0.02, y0 - 0.02..y1 + 0.02)?;
    chart
        .configure_mesh()
        .x_desc(format!("utility of {}", names[0]))
        .y_desc(format!("utility of {}", names[1]))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let mut front: Vec<(f64, f64)> = m.frontier.iter().map(|f| (f[0], f[1])).collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    if seats == 2 {
        chart.draw_series(LineSeries::new(front.clone(), BLACK.stroke_width(1)))?;
    }
    chart
        .draw_series(front.iter().map(|&q| Circle::new(q, 3, BLACK.filled())))?
        .label(if seats == 2 {
            "Pareto frontier"
        } else {
            "Pareto frontier (projected)"
        })
        .legend(|(x, y)| Circle::new((x + 10, y), 3, BLACK.filled()));
    for seat in 0..seats {
        let color = COLORS[seat % COLORS.len()];
        let pts: Vec<(f64, f64)> = r
            .trace
            .events
            .iter()
            .filter(|e| e.proposer == Some(seat))
            .map(|e| (p.prefs[0].utility(e.offer), p.prefs[1].utility(e.offer)))
            .collect();
        chart
            .draw_series(
                pts.iter()
                    .map(|&q| Circle::new(q, 4, color.mix(0.7).filled())),
            )?
            .label(format!("offers of {}", names[seat]))
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
    }
    if let Some(n) = &m.nash {
        let q = (n[0], n[1]);
        chart
            .draw_series(std::iter::once(Cross::new(
                q,
                10,
                RGBColor(214, 39, 40).stroke_width(3),
            )))?
            .label("Nash point")
            .legend(|(x, y)| Cross::new((x + 10, y), 6, RGBColor(214, 39, 40).stroke_width(3)));
    }
    if let Some(a) = r.agreement {
        let q = (p.prefs[0].utility(a), p.prefs[1].utility(a));
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                q,
                10,
                RGBColor(255, 127, 14).filled(),
            )))?
            .label(format!("agreement (round {})", r.steps))
            .legend(|(x, y)| TriangleMarker::new((x + 10, y), 6, RGBColor(255, 127, 14).filled()));
    }
    crate::report::draw_legend(&mut chart)?;
    root.present()?;
    Ok(())
}
