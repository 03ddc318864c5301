//! `pactum serve`: the live negotiation server, with its database, address,
//! logs, signing key, limits and language model from the command line.
//!
//! The language model (for `llm` bots) is set up when `--llm-url`,
//! `--llm-model` or a non-empty `PACTUM_LLM_URL` asks for one; then both an endpoint
//! and a model are needed (the flags win over the environment), and the
//! endpoint and model are announced on stderr at start.
//!
//! Rules: every limit defaults to `pactum_server::ServerLimits::default()`
//! and is checked when parsed (counts of at least 1 where 0 would serve
//! nothing, durations above 0 and at most a day); the log is what
//! `RUST_LOG` asks for (default: info), plus the access log when asked for;
//! the public key of a signing key is announced on stderr at start; the
//! defaults are computed once per process (every command builds these
//! arguments, and the default worker count asks the system for its CPUs).

use std::path::PathBuf;

use anyhow::{Context, Result};
use pactum_server::ServerLimits;

/// `ServerLimits::default()`, computed once: the argument parser of every
/// command reads it for this command's help.
static DEFAULTS: std::sync::LazyLock<ServerLimits> =
    std::sync::LazyLock::new(ServerLimits::default);

#[derive(clap::Args)]
pub struct Args {
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
    #[command(flatten)]
    llm: crate::negotiate::LlmArgs,
}

/// The server's limits (docs/budgets.md); defaults from
/// `pactum_server::ServerLimits::default()`.
#[derive(clap::Args)]
#[command(next_help_heading = "Limits")]
struct ServeLimits {
    /// Connections served at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.max_connections,
          value_parser = at_least_one)]
    max_connections: usize,
    /// Connections accepted beyond --max-connections that answer only
    /// GET /health (anything else gets 503 with Retry-After); beyond those a
    /// connection gets a 503 and is closed.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.overflow_connections)]
    overflow_connections: usize,
    /// Seconds a connection has to send a request's headers (also how long
    /// an idle kept-alive connection stays open, and how long a request's
    /// body may then take).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULTS.header_read_timeout.as_secs_f64(),
          value_parser = positive_seconds)]
    header_timeout: f64,
    /// Event streams open at once, all sessions together (beyond: 503).
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.max_subscribers,
          value_parser = at_least_one)]
    max_streams: usize,
    /// Event streams open at once on one session (beyond: 429).
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.max_subscribers_per_session,
          value_parser = at_least_one)]
    max_streams_per_session: usize,
    /// Sessions one client address may create per minute (beyond: 429); 0
    /// for no limit.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.sessions_per_minute)]
    sessions_per_minute: u32,
    /// Heavy analyses (suggestions, certificates, the mediator's view)
    /// computed at once (default: the number of CPUs).
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.analysis_workers,
          value_parser = at_least_one)]
    analysis_workers: usize,
    /// Seconds a heavy analysis may take, from its request (beyond: 422, or
    /// 503 when no worker was free in time).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULTS.analysis_deadline.as_secs_f64(),
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

/// Starts logging, reads the signing key and serves until stopped.
pub fn run(args: Args) -> Result<()> {
    init_logging(args.access_log)?;
    let key = args
        .signing_key
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
    let model = language_model(&args.llm)?;
    if let Some(model) = &model {
        eprintln!(
            "pactum: llm bots play through the model {} at {} (fallback {})",
            model.config().model(),
            model.config().endpoint(),
            model.fallback()
        );
    }
    pactum_server::serve_blocking_with_model(
        &args.db,
        &args.listen,
        key,
        args.limits.to_limits(),
        model,
    )
}

/// The language model of the `llm` bots, when the flags or the environment
/// ask for one.
fn language_model(llm: &crate::negotiate::LlmArgs) -> Result<Option<pactum_server::LanguageModel>> {
    let asked = llm.llm_url.is_some()
        || llm.llm_model.is_some()
        || std::env::var("PACTUM_LLM_URL").is_ok_and(|url| !url.trim().is_empty());
    if !asked {
        return Ok(None);
    }
    let mut config = pactum_llm::Config::from_env(llm.llm_url.as_deref(), llm.llm_model.as_deref())
        .context("the llm bots' language model")?;
    if let Some(format) = &llm.llm_format {
        config =
            config.with_format(pactum_llm::ResponseFormat::parse(format).context("--llm-format")?);
    }
    let config = config.with_cache(llm.llm_cache.clone());
    let model =
        pactum_server::LanguageModel::new(config, &llm.llm_fallback).context("--llm-fallback")?;
    Ok(Some(model))
}
