//! `pactum serve`: a live negotiation server.
//!
//! Negotiators join a session by invitation token, keep their preferences
//! private (the server holds them and shows each party only its own
//! utilities), make moves under a protocol the server enforces, and leave a
//! hash-chained record that can be verified offline. Storage is SQLite (one
//! process) or PostgreSQL (several processes sharing a database); the HTTP API is described by the OpenAPI document at `/openapi.json`.

pub mod api;
pub mod archive;
pub mod bots;
pub mod certificate;
mod connections;
pub mod db;
pub mod error;
pub mod limits;
pub mod live;
pub mod mediation;
pub mod partial;
pub mod preferences;
pub mod protocol;
pub mod record;
pub mod singletext;
pub mod tokens;
pub mod views;

use anyhow::Context;

pub use api::{ACCESS_LOG, router, router_with};
pub use db::{Backend, Db, connect, connect_with};
pub use limits::ServerLimits;
pub use record::{Record, VerifyError, verify_record};

/// Serves the API on `listen` with the database `db` and the default
/// [`ServerLimits`] until the process is asked to stop. See [`serve_with`].
pub async fn serve(db: &str, listen: &str) -> anyhow::Result<()> {
    serve_with(db, listen, ServerLimits::default()).await
}

/// Serves the API on `listen` with the database `db` within `limits` until
/// the process is asked to stop (Ctrl-C or SIGTERM): then it stops
/// accepting connections, ends the live event streams, lets the requests in
/// progress finish (every move they acknowledge is committed) and closes
/// the database.
///
/// Every connection must send a request's headers within
/// `limits.header_read_timeout` (an idle kept-alive one is closed after as
/// long). At most `limits.max_connections` are served at once; the next
/// `limits.overflow_connections` answer `GET /health` and 503 with
/// `Retry-After` to anything else; beyond those a connection gets that 503
/// and is closed at once.
pub async fn serve_with(db: &str, listen: &str, limits: ServerLimits) -> anyhow::Result<()> {
    let db_handle = connect(db).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
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
pub fn serve_blocking(db: &str, listen: &str) -> anyhow::Result<()> {
    serve_blocking_with(db, listen, ServerLimits::default())
}

/// [`serve_with`] on a fresh multi-threaded runtime, for callers without one.
pub fn serve_blocking_with(db: &str, listen: &str, limits: ServerLimits) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve_with(db, listen, limits))
}

/// Reads an exported record (JSON) and verifies its hash chain and, when it
/// has one, its agreement certificate. See [`verify_record_file_with`].
pub fn verify_record_file(path: &std::path::Path) -> anyhow::Result<Record> {
    verify_record_file_with(path, None)
}

/// Reads a record (`GET /sessions/{id}/record`) or an export
/// (`GET /sessions/{id}/export`, which carries its scenario) and verifies
/// its hash chain and its certificate: the certificate must close the record
/// and certify the recorded agreement; given the scenario (a file, or the
/// export's own), it is recomputed and must match.
pub fn verify_record_file_with(
    path: &std::path::Path,
    scenario: Option<&std::path::Path>,
) -> anyhow::Result<Record> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not a record", path.display()))?;
    let (record, embedded): (Record, Option<String>) = if value.get("record").is_some() {
        let export: mediation::Export = serde_json::from_value(value)
            .with_context(|| format!("{}: not a record", path.display()))?;
        (export.record, Some(export.scenario_toml))
    } else {
        let record = serde_json::from_value(value)
            .with_context(|| format!("{}: not a record", path.display()))?;
        (record, None)
    };
    verify_record(&record)
        .with_context(|| format!("{}: the record does not verify", path.display()))?;
    let scenario_text = match scenario {
        Some(p) => {
            Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?)
        }
        None => embedded,
    };
    certificate::check_record(&record, scenario_text.as_deref())
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{}: the certificate does not verify", path.display()))?;
    Ok(record)
}
