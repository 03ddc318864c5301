//! `pactum serve`: a live negotiation server.
//!
//! Negotiators join a session by invitation token, keep their preferences
//! private (the server holds them and shows each party only its own
//! utilities), make moves under a protocol the server enforces, and leave a
//! hash-chained record that can be verified offline. Storage is SQLite (one
//! process) or PostgreSQL (several processes sharing a database); the HTTP API is described by the OpenAPI document at `/openapi.json`.

#![warn(missing_docs)]

mod archive;
mod bots;
mod certificate;
mod certified;
mod connections;
mod event;
mod http;
mod layers;
mod limits;
mod mediation;
mod mediators;
mod offers;
mod partial;
mod preferences;
mod protocol;
mod record;
mod sessions;
mod signing;
mod simulation;
mod single_text;
mod store;
mod tokens;
mod utility;
mod verify;
mod views;
mod words;

use anyhow::Context;

pub use bots::LanguageModel;
pub use certificate::CertificateError;
pub use http::router::{ACCESS_LOG, router, router_with};
pub use limits::{MAX_DEADLINE_ROUNDS, ServerLimits};
pub use mediation::Export;
pub use protocol::MAX_DEADLINE_SECONDS;
pub use record::{Record, RecordEntry, VerifyError, verify_record};
pub use signing::{
    HeadSignature, KeyError, generate as generate_signing_key, read_public_key, read_signing_key,
};
pub use simulation::{
    RecordedRun, SIMULATED_AT_MS, Simulation, SimulationError, export_simulation, script_of,
};
pub use store::{Backend, Db, connect, connect_with, is_postgres};
pub use verify::{Check, Status, VerifyFileError, VerifyOptions, VerifyReport, verify_file};

/// What the integration tests reach beyond the public API: not part of it.
#[doc(hidden)]
pub mod testing {
    pub use crate::offers::package;
    pub use crate::preferences::{PreferencesRequest, commitment};
    pub use crate::protocol::SeatLimits;
    pub use crate::record::{GENESIS_HASH, chain_hash};
    pub use crate::sessions::live::relay::NOTIFY_CHANNEL;
    pub use crate::signing::sign_head;
    pub use crate::views::{Privacy, SuggestionContext, SuggestionError, suggestions};
}

/// Serves the API on `listen` with the database `db` and the default
/// [`ServerLimits`] until the process is asked to stop. See [`serve_with`].
pub async fn serve(
    db: &str,
    listen: &str,
    signing_key: Option<ed25519_dalek::SigningKey>,
) -> anyhow::Result<()> {
    serve_with(db, listen, signing_key, ServerLimits::default()).await
}

/// Serves the API on `listen` with the database `db` within `limits` until
/// the process is asked to stop (Ctrl-C or SIGTERM): then it stops
/// accepting connections, ends the live event streams, lets the requests in
/// progress finish (every move they acknowledge is committed) and closes
/// the database. With a `signing_key` it signs the head of every record and
/// export it serves.
///
/// It binds `listen` before it opens (or creates) the database, so a server
/// that cannot listen leaves no database file behind.
///
/// Every connection must send a request's headers within
/// `limits.header_read_timeout` (an idle kept-alive one is closed after as
/// long). At most `limits.max_connections` are served at once; the next
/// `limits.overflow_connections` answer `GET /health` and 503 with
/// `Retry-After` to anything else; beyond those a connection gets that 503
/// and is closed at once.
pub async fn serve_with(
    db: &str,
    listen: &str,
    signing_key: Option<ed25519_dalek::SigningKey>,
    limits: ServerLimits,
) -> anyhow::Result<()> {
    serve_with_model(db, listen, signing_key, limits, None).await
}

/// [`serve_with`], with the language model `llm` bots play through (see
/// [`Db::with_language_model`]); without one, sessions may seat only the
/// classic strategies.
pub async fn serve_with_model(
    db: &str,
    listen: &str,
    signing_key: Option<ed25519_dalek::SigningKey>,
    limits: ServerLimits,
    language_model: Option<LanguageModel>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let mut db_handle = connect(db).await?;
    if let Some(key) = signing_key {
        db_handle = db_handle.with_signing_key(key);
    }
    if let Some(model) = language_model {
        db_handle = db_handle.with_language_model(model);
    }
    eprintln!("pactum: serving on http://{}", listener.local_addr()?);
    let (pool, closing) = (db_handle.pool.clone(), db_handle.clone());
    let app = router_with(db_handle, limits.clone());
    let stop = async move {
        stop_requested().await;
        tracing::info!("shutting down: finishing the requests in progress");
        closing.close_streams();
    };
    serve_on(listener, app, &limits, stop).await;
    // Connections still out (a background task's) are not waited for long.
    if tokio::time::timeout(std::time::Duration::from_secs(5), pool.close())
        .await
        .is_err()
    {
        tracing::warn!("closing the database timed out");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Serves `app` (a [`router_with`] the same `limits`) on `listener` within
/// the HTTP-layer `limits` (see [`serve_with`]) until `stop` resolves; then
/// stops accepting and returns once the connections have finished their
/// requests in progress. For embedding the server, and for tests.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: &ServerLimits,
    stop: impl Future<Output = ()>,
) {
    connections::accept(listener, app, limits, stop).await
}

/// Resolves when the process gets Ctrl-C (SIGINT) or SIGTERM.
async fn stop_requested() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot watch for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot watch for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// [`serve`] on a fresh multi-threaded runtime, for callers without one.
pub fn serve_blocking(
    db: &str,
    listen: &str,
    signing_key: Option<ed25519_dalek::SigningKey>,
) -> anyhow::Result<()> {
    serve_blocking_with(db, listen, signing_key, ServerLimits::default())
}

/// [`serve_with`] on a fresh multi-threaded runtime, for callers without one.
pub fn serve_blocking_with(
    db: &str,
    listen: &str,
    signing_key: Option<ed25519_dalek::SigningKey>,
    limits: ServerLimits,
) -> anyhow::Result<()> {
    serve_blocking_with_model(db, listen, signing_key, limits, None)
}

/// [`serve_with_model`] on a fresh multi-threaded runtime, for callers
/// without one. A language model's answer still awaited when the server
/// has stopped (an `llm` bot's move, never committed) is not waited for
/// beyond a second.
pub fn serve_blocking_with_model(
    db: &str,
    listen: &str,
    signing_key: Option<ed25519_dalek::SigningKey>,
    limits: ServerLimits,
    language_model: Option<LanguageModel>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(serve_with_model(
        db,
        listen,
        signing_key,
        limits,
        language_model,
    ));
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}

/// Reads an exported record (JSON) and verifies it. See
/// [`verify_record_file_with`].
pub fn verify_record_file(path: &std::path::Path) -> anyhow::Result<Record> {
    verify_record_file_with(path, None)
}

/// Reads a record (`GET /sessions/{id}/record`) or an export
/// (`GET /sessions/{id}/export`, which carries its scenario) and runs every
/// check of [`verify_file`] (with the scenario given, else the export's
/// own); an error names each check that failed or that the scenario given
/// asked for and could not run. [`verify_file`] returns the whole
/// report.
pub fn verify_record_file_with(
    path: &std::path::Path,
    scenario: Option<&std::path::Path>,
) -> anyhow::Result<Record> {
    let options = verify::VerifyOptions {
        scenario: scenario.map(Into::into),
        ..Default::default()
    };
    let (record, report) = verify::verify_file(path, &options)?;
    if !report.verified {
        anyhow::bail!(
            "{}: the record does not verify: {}",
            path.display(),
            report.problems().join("; ")
        );
    }
    Ok(record)
}
