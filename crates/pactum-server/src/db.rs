//! Storage: SQLite (one server process, a file) or PostgreSQL (several
//! server processes sharing one database).
//!
//! Both go through `sqlx::Any`; every query is written once, with `$1`-style
//! placeholders that both drivers accept. Each backend has its own migration
//! folder (`migrations/sqlite`, `migrations/postgres`) with the same schema.

use std::str::FromStr;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which database the server talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated connection pool and its backend.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// Whether `db` names a PostgreSQL database.
pub fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Opens the database and applies the embedded migrations.
///
/// `db` is a `postgres://` URL, a `sqlite:` URL or a file path (created if
/// missing). `sqlite::memory:` gives a private in-memory database (one
/// connection). SQLite files use write-ahead logging.
pub async fn connect(db: &str) -> anyhow::Result<Db> {
    connect_with(db, None).await
}

/// [`connect`] with an explicit pool size (default: 4 for SQLite files, 16
/// for PostgreSQL).
pub async fn connect_with(db: &str, max_connections: Option<u32>) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let (backend, url) = if is_postgres(db) {
        (Backend::Postgres, db.to_string())
    } else if db.starts_with("sqlite:") {
        (Backend::Sqlite, db.to_string())
    } else {
        (Backend::Sqlite, format!("sqlite://{db}?mode=rwc"))
    };
    let memory = url.contains(":memory:");
    let options = AnyConnectOptions::from_str(&url).with_context(|| "bad database URL")?;
    let pool_options = match backend {
        Backend::Postgres => AnyPoolOptions::new().max_connections(max_connections.unwrap_or(16)),
        Backend::Sqlite => AnyPoolOptions::new()
            .max_connections(if memory {
                1
            } else {
                max_connections.unwrap_or(4)
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    if !memory {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        // With WAL, NORMAL survives a crash of the process
                        // (a committed move is in the log file), not a crash
                        // of the machine; FULL would add an fsync per move.
                        conn.execute("PRAGMA synchronous = FULL").await?;
                    }
                    Ok(())
                })
            }),
    };
    let pool = pool_options
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {}", redact(db)))?;
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await,
    }
    .context("applying database migrations")?;
    Ok(Db { pool, backend })
}

/// The database name without any password, for messages.
pub fn redact(db: &str) -> String {
    let Some((scheme, rest)) = db.split_once("://") else {
        return db.to_string();
    };
    match rest.rsplit_once('@') {
        Some((auth, host)) => {
            let user = auth.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => db.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5/db"),
            "postgres://u@h:5/db"
        );
        assert_eq!(super::redact("pactum.db"), "pactum.db");
    }
}
