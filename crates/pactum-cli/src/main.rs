//! `pactum`: the command-line front end. Parses arguments, calls the core
//! library, and prints; all negotiation logic lives in `pactum-core`.

mod forecast;
mod negotiate;
mod report;
mod tournament;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use pactum_core::analysis::{AnalysisOptions, Method, analyze, check_budget};
use pactum_core::{Loaded, Scenario};

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
    },
    /// Verify the hash chain of a session record exported by the server.
    Verify {
        /// The record, as exported by GET /sessions/{id}/record or
        /// GET /sessions/{id}/export.
        record: PathBuf,
        /// The session's scenario: recompute the agreement certificate from
        /// it (an export carries its own).
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => run_analyze(args),
        Command::Validate(args) => run_validate(args),
        Command::Convert(args) => run_convert(args),
        Command::Negotiate(args) => negotiate::run(args),
        Command::Tournament(args) => tournament::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::Serve {
            db,
            listen,
            access_log,
        } => init_logging(access_log).and_then(|()| pactum_server::serve_blocking(&db, &listen)),
        Command::Verify { record, scenario } => {
            pactum_server::verify_record_file_with(&record, scenario.as_deref()).map(|r| {
                let head = r.events.last().map_or("", |e| e.hash.as_str());
                println!(
                    "{}: {} events, hash chain intact (head {head})",
                    r.session_id,
                    r.events.len()
                );
                if r.events
                    .last()
                    .is_some_and(|e| e.event["type"] == "certificate")
                {
                    println!("agreement certificate verified");
                }
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
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
        ..
    } = load(&args.input)?;
    let loaded = started.elapsed();
    print_warnings(&warnings);
    for spec in &args.overrides {
        pactum_core::overrides::apply(&mut scenario, spec)?;
    }
    let opts = AnalysisOptions {
        method: if args.enumerate {
            Method::Enumerate
        } else {
            Method::Auto
        },
        ..Default::default()
    };
    let analysis_started = std::time::Instant::now();
    let analysis = analyze(&scenario, &opts)
        .with_context(|| format!("cannot analyse {}", args.input.scenario.display()))?;
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
        println!("{}", serde_json::to_string_pretty(&analysis)?);
    } else {
        print!(
            "{}",
            report::text(&scenario, &analysis, &args.overrides, args.show)
        );
    }
    Ok(())
}

/// Indices (into the negotiator list) of the two parties to plot.
fn plot_pair(scenario: &Scenario, names: Option<&[String]>) -> Result<(usize, usize)> {
    let negotiators = scenario.negotiators();
    let find = |name: &str| -> Result<usize> {
        negotiators
            .iter()
            .position(|&p| scenario.parties[p].name == name)
            .with_context(|| {
                let names: Vec<&str> = negotiators
                    .iter()
                    .map(|&p| scenario.parties[p].name.as_str())
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
        "{}: valid — {} issues, {} parties ({} negotiators), {} outcomes{}",
        args.scenario.display(),
        scenario.issues.len(),
        scenario.parties.len(),
        negotiators,
        report::thousands(scenario.outcome_count()),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(", {} warning(s)", warnings.len())
        }
    );
    if negotiators == 0 {
        eprintln!("warning: no party has role = \"negotiator\"; there is nothing to analyse");
    }
    // Valid as a model, but `analyze` would refuse it: say so, and fail.
    if let Err(e) = check_budget(&scenario, &AnalysisOptions::default()) {
        if e.is_over_budget() {
            bail!(
                "{} is valid as a model but cannot be analysed within the analysis budget: {e}",
                args.scenario.display()
            );
        }
    }
    Ok(())
}

fn run_convert(args: ConvertArgs) -> Result<()> {
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
