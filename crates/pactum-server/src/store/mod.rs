//! Storage: SQLite (one server process, a file) or PostgreSQL (several
//! server processes sharing one database).
//!
//! Both go through `sqlx::Any`; every query is written once, with `$1`-style
//! placeholders that both drivers accept (a few PostgreSQL-only statements
//! of `crate::sessions::live` aside). Each backend has its own migration folder
//! (`migrations/sqlite`, `migrations/postgres`) with the same schema, but for
//! PostgreSQL's `sessions.watched_until`, which tells the server processes
//! sharing the database which sessions have live subscribers, and
//! `sessions.head_seq`/`head_hash`, the log's last entry, moved by every
//! append so that a move locks its session and reads the head at once.
//!
//! SQLite files are checkpointed by a thread of their own rather than by the
//! connection that happens to commit when the write-ahead log passes 1,000
//! pages: a checkpoint copies the log into the database file and syncs it,
//! and done inside a commit it would stall every move queued behind that
//! commit.

pub(crate) mod error;
pub(crate) mod log;
pub(crate) mod preferences;
pub(crate) mod sessions;

use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor, Row};

/// Which database the server talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file (or memory), one server process.
    Sqlite,
    /// PostgreSQL, shared by any number of server processes.
    Postgres,
}

/// A migrated connection pool and its backend.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool (migrated).
    pub pool: AnyPool,
    /// Which database the pool reaches.
    pub backend: Backend,
    /// SQLite files: the background checkpointer runs while a clone of
    /// this lives (the server's state keeps one).
    pub(crate) checkpoints: Option<Arc<()>>,
    /// Set when the server shuts down: live event streams end.
    pub(crate) closing: Arc<tokio::sync::watch::Sender<bool>>,
    /// The key the server signs the heads of the records it serves with
    /// (see `crate::signing`).
    pub(crate) signing_key: Option<Arc<ed25519_dalek::SigningKey>>,
    /// The language model `llm` bots play through, if the server has one
    /// (see `crate::bots::LanguageModel`).
    pub(crate) language_model: Option<Arc<crate::bots::LanguageModel>>,
}

impl Db {
    /// Ends every live event stream of the servers on this handle (their
    /// clients reconnect with `Last-Event-ID`, to another server process or
    /// to this one restarted), so that a graceful shutdown need not wait for
    /// them.
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// The handle with a signing key: the server signs the head of every
    /// record and export it serves with it (see `crate::signing`).
    pub fn with_signing_key(mut self, key: ed25519_dalek::SigningKey) -> Db {
        self.signing_key = Some(Arc::new(key));
        self
    }

    /// The handle with a language model: sessions may seat `llm` bots,
    /// which play through it (without one, an `llm` seat is refused).
    pub fn with_language_model(mut self, model: crate::bots::LanguageModel) -> Db {
        self.language_model = Some(Arc::new(model));
        self
    }
}

/// How often the checkpointer copies the write-ahead log into the database.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(250);
/// Log length (pages of 4 KiB) beyond which the log is made to start over.
const RESTART_AFTER_FRAMES: i64 = 8192;

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
                        // Checkpoints are the checkpointer's (see above).
                        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                        // The log file shrinks back to this once it starts over.
                        conn.execute("PRAGMA journal_size_limit = 67108864").await?;
                    }
                    Ok(())
                })
            }),
    };
    let pool = pool_options
        .connect_with(options.clone())
        .await
        .with_context(|| format!("opening database {}", redact(db)))?;
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await,
    }
    .context("applying database migrations")?;
    let checkpoints = (backend == Backend::Sqlite && !memory)
        .then(|| spawn_checkpointer(options))
        .transpose()?;
    Ok(Db {
        pool,
        backend,
        checkpoints,
        closing: Arc::new(tokio::sync::watch::Sender::new(false)),
        signing_key: None,
        language_model: None,
    })
}

/// Starts the SQLite checkpointer: a thread with a connection of its own
/// that runs a passive checkpoint (which never blocks the writer) every
/// [`CHECKPOINT_INTERVAL`], until the returned token's last clone is dropped.
fn spawn_checkpointer(options: AnyConnectOptions) -> anyhow::Result<Arc<()>> {
    let alive = Arc::new(());
    let watch: Weak<()> = Arc::downgrade(&alive);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the checkpointer")?;
    std::thread::Builder::new()
        .name("pactum-checkpoint".into())
        .spawn(move || {
            runtime.block_on(async move {
                let mut conn: Option<AnyConnection> = None;
                loop {
                    tokio::time::sleep(CHECKPOINT_INTERVAL).await;
                    if watch.strong_count() == 0 {
                        break;
                    }
                    if let Err(e) = checkpoint(&options, &mut conn).await {
                        // Logged, not fatal: the log only grows until the
                        // next checkpoint succeeds.
                        tracing::warn!("checkpoint of the SQLite log failed: {e}");
                        conn = None;
                    }
                }
                if let Some(c) = conn {
                    let _ = c.close().await;
                }
            })
        })
        .context("starting the checkpointer")?;
    Ok(alive)
}

async fn checkpoint(
    options: &AnyConnectOptions,
    conn: &mut Option<AnyConnection>,
) -> Result<(), sqlx::Error> {
    if conn.is_none() {
        let mut c = options.connect().await?;
        c.execute("PRAGMA busy_timeout = 10000").await?;
        *conn = Some(c);
    }
    let Some(c) = conn.as_mut() else {
        return Ok(());
    };
    // (busy, frames in the log, frames copied)
    let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&mut *c)
        .await?;
    let frames: i64 = row.try_get(1)?;
    if frames > RESTART_AFTER_FRAMES {
        // A passive checkpoint never lets the log start over while moves
        // keep coming; this one briefly holds writers back so that it can.
        c.execute("PRAGMA wal_checkpoint(RESTART)").await?;
    }
    Ok(())
}

/// The database name without any password, for messages.
pub(crate) fn redact(db: &str) -> String {
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
    /// What is written lands in the database file without any commit
    /// checkpointing it: the checkpointer thread copies it there.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_checkpointer_copies_the_log_into_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let db = super::connect(&path.display().to_string()).await.unwrap();
        // Let the migrations' pages reach the file first.
        tokio::time::sleep(super::CHECKPOINT_INTERVAL * 3).await;
        let before = std::fs::metadata(&path).unwrap().len();
        let mut tx = db.pool.begin().await.unwrap();
        for i in 0..2000 {
            sqlx::query(
                "INSERT INTO sessions (id, scenario_toml, protocol, deadline_rounds, admin_token_hash, created_at_ms) VALUES ($1, $2, 'p', 1, 'h', 0)",
            )
            .bind(format!("s{i}"))
            .bind("x".repeat(500))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let wal = std::fs::metadata(dir.path().join("c.db-wal"))
            .unwrap()
            .len();
        assert!(wal > 1_000_000, "the rows went to the log ({wal} bytes)");
        let mut grown = false;
        for _ in 0..40 {
            tokio::time::sleep(super::CHECKPOINT_INTERVAL).await;
            if std::fs::metadata(&path).unwrap().len() > before + 1_000_000 {
                grown = true;
                break;
            }
        }
        assert!(grown, "the database file did not grow from {before} bytes");
        drop(db);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5/db"),
            "postgres://u@h:5/db"
        );
        assert_eq!(super::redact("pactum.db"), "pactum.db");
    }
}
