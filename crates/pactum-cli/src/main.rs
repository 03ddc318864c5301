//! `pactum`: the command-line front end. Parses arguments, calls the core
//! library, and prints; all negotiation logic lives in `pactum-core`.
//!
//! An error is printed once, as its chain of causes (`error: what: why`),
//! with a non-zero exit. `convert` never replaces a file or writes into a
//! folder holding files without `--force`. The help of `negotiate` and
//! `tournament` lists the strategies from the simulator's registry.

mod forecast;
mod negotiate;
mod replay;
mod report;
mod tournament;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use pactum_core::analysis::{AnalysisOptions, Method, analyze, check_budget};
use pactum_core::{Loaded, Scenario};
use pactum_server::ServerLimits;

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
    Analyze(AnalyzeArgs),
    /// Check a scenario and report problems and warnings.
    Validate(ScenarioArgs),
    /// Convert a scenario to another format.
    Convert(ConvertArgs),
    /// Simulate one negotiation between automated negotiators.
    Negotiate(negotiate::Args),
    /// Run a tournament of strategies over scenarios (or merge its shards).
    Tournament(tournament::Args),
    /// Forecast where a multi-actor negotiation ends up (spatial bargaining models).
    Forecast(forecast::Args),
    /// Run the live negotiation server (HTTP API; OpenAPI at /openapi.json).
    Serve {
        /// SQLite database file (created if missing), a sqlite: URL, or a
        /// postgres:// URL (several servers may share one PostgreSQL database).
        #[arg(long, default_value = "pactum.db")]
        db: String,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Log every request (method, route, status, time taken) to stderr.
        /// `RUST_LOG` sets finer filters (default: info).
        #[arg(long)]
        access_log: bool,
        /// Ed25519 key to sign the head of every record and export served
        /// with: 64 hex digits (`pactum keygen`) or a PKCS#8 PEM file
        /// (`openssl genpkey -algorithm ed25519`). Its public key is served
        /// at /signing-key.
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
        #[command(flatten)]
        limits: ServeLimits,
    },
    /// Verify a session record or export: hash chain, session id, signature,
    /// scenario hash, protocol replay, preference commitments, certificate.
    /// Exits 0 only when every check that could run passed and none asked
    /// for was left unchecked.
    Verify {
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
    },
    /// Re-run a session's record (live or `negotiate --record`) as a
    /// simulation: its moves, in order, through the simulator's runner under
    /// the same rules; reports the result and whether it is the recorded
    /// one (exits non-zero when not).
    Replay(replay::Args),
    /// Create an Ed25519 signing key for `pactum serve --signing-key`.
    Keygen {
        /// Where to write the secret key (64 hex digits, readable by its
        /// owner only); the public key is written to FILE.pub.
        out: PathBuf,
    },
}

/// The server's limits (docs/budgets.md); defaults from
/// `pactum_server::ServerLimits::default()`.
#[derive(clap::Args)]
#[command(next_help_heading = "Limits")]
struct ServeLimits {
    /// Connections served at once.
    #[arg(long, value_name = "N", default_value_t = ServerLimits::default().max_connections,
          value_parser = at_least_one)]
    max_connections: usize,
    /// Connections accepted beyond --max-connections that answer only
    /// GET /health (anything else gets 503 with Retry-After); beyond those a
    /// connection gets a 503 and is closed.
    #[arg(long, value_name = "N", default_value_t = ServerLimits::default().overflow_connections)]
    overflow_connections: usize,
    /// Seconds a connection has to send a request's headers (also how long
    /// an idle kept-alive connection stays open, and how long a request's
    /// body may then take).
    #[arg(long, value_name = "SECONDS", default_value_t = ServerLimits::default().header_read_timeout.as_secs_f64(),
          value_parser = positive_seconds)]
    header_timeout: f64,
    /// Event streams open at once, all sessions together (beyond: 503).
    #[arg(long, value_name = "N", default_value_t = ServerLimits::default().max_subscribers,
          value_parser = at_least_one)]
    max_streams: usize,
    /// Event streams open at once on one session (beyond: 429).
    #[arg(long, value_name = "N", default_value_t = ServerLimits::default().max_subscribers_per_session,
          value_parser = at_least_one)]
    max_streams_per_session: usize,
    /// Sessions one client address may create per minute (beyond: 429); 0
    /// for no limit.
    #[arg(long, value_name = "N", default_value_t = ServerLimits::default().sessions_per_minute)]
    sessions_per_minute: u32,
    /// Heavy analyses (suggestions, certificates, the mediator's view)
    /// computed at once (default: the number of CPUs).
    #[arg(long, value_name = "N", default_value_t = ServerLimits::default().analysis_workers,
          value_parser = at_least_one)]
    analysis_workers: usize,
    /// Seconds a heavy analysis may take, from its request (beyond: 422, or
    /// 503 when no worker was free in time).
    #[arg(long, value_name = "SECONDS", default_value_t = ServerLimits::default().analysis_deadline.as_secs_f64(),
          value_parser = positive_seconds)]
    analysis_timeout: f64,
}

impl ServeLimits {
    fn to_limits(&self) -> ServerLimits {
        ServerLimits {
            max_connections: self.max_connections,
            overflow_connections: self.overflow_connections,
            header_read_timeout: std::time::Duration::from_secs_f64(self.header_timeout),
            max_subscribers: self.max_streams,
            max_subscribers_per_session: self.max_streams_per_session,
            sessions_per_minute: self.sessions_per_minute,
            analysis_workers: self.analysis_workers,
            analysis_deadline: std::time::Duration::from_secs_f64(self.analysis_timeout),
        }
    }
}

/// A count of at least 1.
fn at_least_one(text: &str) -> std::result::Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text:?}: give a whole number of at least 1")),
    }
}

/// A duration in seconds: finite, above 0 and at most a day.
fn positive_seconds(text: &str) -> std::result::Result<f64, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 {
        Ok(secs)
    } else {
        Err(format!(
            "{text} s: give a number of seconds above 0 and at most 86400"
        ))
    }
}

#[derive(clap::Args)]
struct ScenarioArgs {
    /// A native .toml/.json file, or a folder of GENIUS XML or GeniusWeb JSON files.
    scenario: PathBuf,
    /// Profiles of a GENIUS/GeniusWeb folder to seat (file stems, comma-separated); default: all.
    #[arg(long, value_delimiter = ',')]
    profiles: Option<Vec<String>>,
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Print the analysis as JSON.
    #[arg(long)]
    json: bool,
    /// Draw the utility space of two negotiators to an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// The two negotiators to plot (names, comma-separated); default: the first two.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    plot_parties: Option<Vec<String>>,
    /// What-if override, e.g. "Ukraine.reservation=0.45" or "Russia.weight.territory=0.5" (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
    /// Visit every outcome instead of the additive fold (slow; for checking).
    #[arg(long)]
    enumerate: bool,
    /// Frontier points listed in the text report (0 = all).
    #[arg(long, default_value_t = 20)]
    show: usize,
    /// Print how long loading and the analysis took, to stderr.
    #[arg(long)]
    timings: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Genius,
    Geniusweb,
    Toml,
    Json,
}

#[derive(clap::Args)]
struct ConvertArgs {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Target format.
    #[arg(long)]
    to: Format,
    /// Output: a file for toml/json, a folder for genius/geniusweb.
    out: PathBuf,
    /// Replace an existing output file, or write into a folder that already
    /// holds files (files of the same names are replaced).
    #[arg(long)]
    force: bool,
}

/// The server's log, on stderr: what `RUST_LOG` asks for (default: info),
/// plus the access log when asked for.
fn init_logging(access_log: bool) -> Result<()> {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let mut filter = match std::env::var(EnvFilter::DEFAULT_ENV) {
        Ok(spec) => EnvFilter::try_new(&spec)
            .with_context(|| format!("{}: bad log filter {spec:?}", EnvFilter::DEFAULT_ENV))?,
        Err(_) => EnvFilter::new("info"),
    };
    if access_log {
        filter = filter.add_directive(format!("{}=debug", pactum_server::ACCESS_LOG).parse()?);
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))
}

/// The built-in strategies, from the simulator's registry, as a help section.
fn strategies_help(intro: &str) -> String {
    let width = pactum_sim::negotiator::STRATEGIES
        .iter()
        .map(|s| s.0.len())
        .max()
        .unwrap_or(0);
    let mut help = format!("Strategies ({intro}):\n");
    for (name, description, _) in pactum_sim::negotiator::STRATEGIES {
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
        Command::Analyze(args) => run_analyze(args),
        Command::Validate(args) => run_validate(args),
        Command::Convert(args) => run_convert(args),
        Command::Negotiate(args) => negotiate::run(args),
        Command::Tournament(args) => tournament::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Serve {
            db,
            listen,
            access_log,
            signing_key,
            limits,
        } => init_logging(access_log).and_then(|()| {
            let key = signing_key
                .as_deref()
                .map(pactum_server::read_signing_key)
                .transpose()?;
            if let Some(key) = &key {
                let public: String = key
                    .verifying_key()
                    .to_bytes()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                eprintln!("pactum: signing records with Ed25519 public key {public}");
            }
            pactum_server::serve_blocking_with(&db, &listen, key, limits.to_limits())
        }),
        Command::Verify {
            record,
            scenario,
            preferences,
            public_key,
            json,
        } => run_verify(
            &record,
            &pactum_server::VerifyOptions {
                scenario,
                preferences,
                public_key,
            },
            json,
        ),
        Command::Keygen { out } => run_keygen(&out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints every check of the record's verification; fails unless verified.
fn run_verify(path: &Path, options: &pactum_server::VerifyOptions, json: bool) -> Result<()> {
    let (_, report) = pactum_server::verify_file(path, options)?;
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
            let asked = if c.requested && c.status == pactum_server::Status::NotChecked {
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
        use pactum_server::Status;
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

/// Writes a fresh signing key to `out` (owner-only) and its public key to
/// `out.pub`; refuses to overwrite either.
fn run_keygen(out: &Path) -> Result<()> {
    let public = PathBuf::from(format!("{}.pub", out.display()));
    for p in [out, public.as_path()] {
        if p.exists() {
            bail!("{}: already exists; not overwriting a key", p.display());
        }
    }
    let key = pactum_server::generate_signing_key();
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    let mut f = file
        .open(out)
        .with_context(|| format!("creating {}", out.display()))?;
    let hex_of = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    std::io::Write::write_all(&mut f, format!("{}\n", hex_of(&key.to_bytes())).as_bytes())
        .with_context(|| format!("writing {}", out.display()))?;
    let public_hex = hex_of(&key.verifying_key().to_bytes());
    std::fs::write(&public, format!("{public_hex}\n"))
        .with_context(|| format!("writing {}", public.display()))?;
    println!("signing key: {} (keep it secret)", out.display());
    println!("public key:  {} ({public_hex})", public.display());
    Ok(())
}

fn load(args: &ScenarioArgs) -> Result<Loaded> {
    let loaded = pactum_core::io::load(&args.scenario, args.profiles.as_deref())?;
    Ok(loaded)
}

fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn run_analyze(args: AnalyzeArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let Loaded {
        mut scenario,
        warnings,
        reference_frontier,
        ..
    } = load(&args.input)?;
    let loaded = started.elapsed();
    print_warnings(&warnings);
    for spec in &args.overrides {
        // The library quotes the override; the flag it came from is ours to name.
        pactum_core::overrides::apply(&mut scenario, spec)
            .map_err(|e| anyhow::anyhow!("--set {e}"))?;
    }
    let reference_frontier = match reference_frontier {
        Some(r) if !args.overrides.is_empty() => {
            eprintln!(
                "warning: {}: GENIUS's frontier not compared: --set changed the scenario it was computed for",
                r.file
            );
            None
        }
        r => r,
    };
    let opts = AnalysisOptions {
        method: if args.enumerate {
            Method::Enumerate
        } else {
            Method::Auto
        },
        ..Default::default()
    };
    let analysis_started = std::time::Instant::now();
    let analysis = match analyze(&scenario, &opts) {
        Ok(a) => a,
        Err(e) => {
            if let Some(r) = &reference_frontier {
                eprintln!(
                    "note: {} lists GENIUS's frontier ({} points), but Pactum's own frontier cannot be computed to compare it",
                    r.file,
                    r.points.len()
                );
            }
            return Err(anyhow::Error::from(e)
                .context(format!("cannot analyse {}", args.input.scenario.display())));
        }
    };
    let comparison = reference_frontier.map(|r| report::compare_reference(&r, &analysis));
    if args.timings {
        eprintln!(
            "timings: load {:.3} ms, analysis {:.3} ms",
            loaded.as_secs_f64() * 1e3,
            analysis_started.elapsed().as_secs_f64() * 1e3
        );
    }
    print_warnings(&analysis.warnings);
    if let Some(path) = &args.plot {
        let pair = plot_pair(&scenario, args.plot_parties.as_deref())?;
        report::plot(&scenario, &analysis, pair, path)
            .with_context(|| format!("cannot write plot {}", path.display()))?;
    }
    if args.json {
        // The analysis's fields in their own order, then GENIUS's frontier
        // when the folder has one.
        #[derive(serde::Serialize)]
        struct WithReference<'a> {
            #[serde(flatten)]
            analysis: &'a pactum_core::analysis::Analysis,
            #[serde(skip_serializing_if = "Option::is_none")]
            reference_frontier: Option<&'a pactum_core::io::FrontierComparison>,
        }
        let doc = WithReference {
            analysis: &analysis,
            reference_frontier: comparison.as_ref(),
        };
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!(
            "{}",
            report::text(&scenario, &analysis, &args.overrides, args.show)
        );
        if let Some(c) = &comparison {
            print!("{}", report::reference_text(c, &analysis.negotiators));
        }
    }
    Ok(())
}

/// Indices (into the negotiator list) of the two parties to plot.
fn plot_pair(scenario: &Scenario, names: Option<&[String]>) -> Result<(usize, usize)> {
    let negotiators = scenario.negotiators();
    let find = |name: &str| -> Result<usize> {
        negotiators
            .iter()
            .position(|&p| scenario.parties()[p].name == name)
            .with_context(|| {
                let names: Vec<&str> = negotiators
                    .iter()
                    .map(|&p| scenario.parties()[p].name.as_str())
                    .collect();
                format!(
                    "--plot-parties: no negotiator named {name:?} (negotiators: {})",
                    names.join(", ")
                )
            })
    };
    match names {
        Some([a, b]) => Ok((find(a)?, find(b)?)),
        Some(_) => bail!("--plot-parties takes exactly two names, e.g. --plot-parties A,B"),
        None if negotiators.len() >= 2 => Ok((0, 1)),
        None => bail!("--plot needs at least two negotiators"),
    }
}

fn run_validate(args: ScenarioArgs) -> Result<()> {
    let Loaded {
        scenario, warnings, ..
    } = load(&args)?;
    print_warnings(&warnings);
    let negotiators = scenario.negotiators().len();
    println!(
        "{}: valid — {}, {} ({}), {}{}",
        args.scenario.display(),
        report::count(scenario.issues().len() as u128, "issue", "issues"),
        report::count(scenario.parties().len() as u128, "party", "parties"),
        report::count(negotiators as u128, "negotiator", "negotiators"),
        report::count(scenario.outcome_count(), "outcome", "outcomes"),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(
                ", {}",
                report::count(warnings.len() as u128, "warning", "warnings")
            )
        }
    );
    if negotiators == 0 {
        eprintln!("warning: no party has role = \"negotiator\"; there is nothing to analyse");
    }
    // Valid as a model, but `analyze` would refuse it: say so, and fail.
    if let Err(e) = check_budget(&scenario, &AnalysisOptions::default())
        && e.is_over_budget()
    {
        bail!(
            "{} is valid as a model but cannot be analysed within the analysis budget: {e}",
            args.scenario.display()
        );
    }
    Ok(())
}

/// Refuses to overwrite what is at `out` unless `--force` is given: an
/// existing file, or a folder that is not empty.
fn check_overwrite(out: &Path, to: Format, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let folder_target = matches!(to, Format::Genius | Format::Geniusweb);
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    if folder_target && meta.is_dir() {
        let mut entries = std::fs::read_dir(out)
            .with_context(|| format!("cannot read the folder {}", out.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is a folder that already holds files; pass --force to write into it \
                 (files of the same names are replaced)",
                out.display()
            );
        }
        return Ok(());
    }
    let what = if meta.is_dir() { "a folder" } else { "a file" };
    bail!(
        "{} already exists ({what}); pass --force to replace it",
        out.display()
    )
}

fn run_convert(args: ConvertArgs) -> Result<()> {
    check_overwrite(&args.out, args.to, args.force)?;
    let loaded = load(&args.input)?;
    print_warnings(&loaded.warnings);
    let out: &Path = &args.out;
    let lost = match args.to {
        Format::Toml => write_file(out, &pactum_core::native::loaded_to_toml(&loaded)?)?,
        Format::Json => write_file(out, &pactum_core::native::loaded_to_json(&loaded)?)?,
        Format::Genius => pactum_core::genius::save_folder(&loaded.scenario, out)?,
        Format::Geniusweb => pactum_core::geniusweb::save_folder(&loaded.scenario, out)?,
    };
    print_warnings(&lost);
    if loaded.forecast.is_some() && matches!(args.to, Format::Genius | Format::Geniusweb) {
        eprintln!(
            "warning: the forecast section of {} is not converted: GENIUS and GeniusWeb \
             files cannot hold it (convert to toml or json to keep it)",
            args.input.scenario.display()
        );
    }
    println!("wrote {}", out.display());
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<Vec<String>> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Vec::new())
}
