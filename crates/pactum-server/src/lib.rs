//! `pactum serve`: a live negotiation server.
//!
//! Negotiators join a session by invitation token, keep their preferences
//! private (the server holds them and shows each party only its own
//! utilities), make moves under a protocol the server enforces, and leave a
//! hash-chained record that can be verified offline. Storage is SQLite for
//! now; the HTTP API is described by the OpenAPI document at `/openapi.json`.

pub mod api;
pub mod error;
pub mod protocol;
pub mod record;
pub mod tokens;
pub mod views;

use std::str::FromStr;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

pub use api::router;
pub use record::{Record, VerifyError, verify_record};

/// Opens (creating if needed) the SQLite database and applies the embedded
/// migrations. `db` is a `sqlite:` URL or a file path; `sqlite::memory:`
/// gives a private in-memory database (one connection).
pub async fn connect(db: &str) -> anyhow::Result<SqlitePool> {
    let memory = db.contains(":memory:");
    let options = if db.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(db).with_context(|| format!("bad database URL {db:?}"))?
    } else {
        SqliteConnectOptions::new().filename(db)
    }
    .create_if_missing(true)
    .foreign_keys(true)
    .busy_timeout(std::time::Duration::from_secs(10));
    let options = if memory {
        options
    } else {
        options.journal_mode(SqliteJournalMode::Wal)
    };
    let pool = SqlitePoolOptions::new()
        .max_connections(if memory { 1 } else { 4 })
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {db:?}"))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("applying database migrations")?;
    Ok(pool)
}

/// Serves the API on `listen` with the database `db` until the process ends.
pub async fn serve(db: &str, listen: &str) -> anyhow::Result<()> {
    let pool = connect(db).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    eprintln!("pactum: serving on http://{}", listener.local_addr()?);
    axum::serve(listener, router(pool)).await?;
    Ok(())
}

/// [`serve`] on a fresh multi-threaded runtime, for callers without one.
pub fn serve_blocking(db: &str, listen: &str) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(db, listen))
}

/// Reads an exported record (JSON) and verifies its hash chain.
pub fn verify_record_file(path: &std::path::Path) -> anyhow::Result<Record> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let record: Record =
        serde_json::from_str(&text).with_context(|| format!("{}: not a record", path.display()))?;
    verify_record(&record)
        .with_context(|| format!("{}: the record does not verify", path.display()))?;
    Ok(record)
}
