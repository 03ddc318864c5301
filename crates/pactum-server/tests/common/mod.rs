//! Test databases: SQLite always; PostgreSQL when `PACTUM_TEST_POSTGRES`
//! holds a server URL (see scripts/start-postgres.sh). Each PostgreSQL test
//! gets a fresh database of its own on that server.

#![allow(dead_code)]

use pactum_server::{Db, connect};
use sqlx::{Connection, Executor};

pub const POSTGRES_VAR: &str = "PACTUM_TEST_POSTGRES";

pub async fn sqlite() -> Db {
    connect("sqlite::memory:").await.unwrap()
}

/// A URL for a fresh, empty database on the PostgreSQL server named by
/// `PACTUM_TEST_POSTGRES`, or `None` (with a note) when it is not set.
pub async fn postgres_url(test: &str) -> Option<String> {
    let Ok(base) = std::env::var(POSTGRES_VAR) else {
        eprintln!("skipped {test} on PostgreSQL: set {POSTGRES_VAR} to a postgres:// URL");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!("pactum_t_{}", hex::encode(rand_bytes()));
    let mut admin = sqlx::AnyConnection::connect(&base)
        .await
        .expect("connecting to PACTUM_TEST_POSTGRES");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let _ = admin.close().await;
    let (path, query) = match base.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (base.as_str(), String::new()),
    };
    let (server, _) = path.rsplit_once('/').expect("URL with a database");
    Some(format!("{server}/{name}{query}"))
}

pub async fn postgres(test: &str) -> Option<Db> {
    let url = postgres_url(test).await?;
    Some(connect(&url).await.unwrap())
}

fn rand_bytes() -> [u8; 8] {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(
        &(nanos, std::process::id(), std::thread::current().id()),
        &mut h,
    );
    std::hash::Hasher::finish(&h).to_le_bytes()
}

/// Runs each named `async fn(Db)` once on SQLite and, when configured, once
/// on PostgreSQL, as tests `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::common::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(db) = $crate::common::postgres(stringify!($name)).await {
                        super::$name(db).await
                    }
                }
            )*
        }
    };
}
