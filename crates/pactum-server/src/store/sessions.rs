//! Sessions and seats as stored: the rows written at creation and read
//! back into a [`Session`].
//!
//! A stored session's scenario text parses (it was checked at creation);
//! a seat's token is stored only as its hash.

use pactum_core::Scenario;
use sqlx::{AnyPool, Row};

use super::error::StoreError;
use crate::views::Privacy;

/// A session's scenario text (`scenario_toml`), read as the native format
/// reads a file of that name.
pub(crate) fn parse_scenario(text: &str) -> Result<Scenario, pactum_core::Error> {
    pactum_core::native::from_toml("scenario_toml", text).map(|l| l.scenario)
}

// ---------------------------------------------------------------- auth

#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) scenario: Scenario,
    pub(crate) admin_token_hash: String,
    pub(crate) deadline_rounds: u64,
    /// "alternating_offers" or "single_text".
    pub(crate) protocol: String,
    /// What the mediator's suggestions may rest on (fixed at creation).
    pub(crate) privacy: Privacy,
    /// Every seat: negotiators (in turn order) then view-only parties.
    pub(crate) seats: Vec<SeatRow>,
}

impl Session {
    /// Whether a bot plays negotiator seat `seat`.
    pub(crate) fn is_bot_seat(&self, seat: usize) -> bool {
        self.seats.get(seat).is_some_and(|s| s.strategy.is_some())
    }
}

#[derive(Clone)]
pub(crate) struct SeatRow {
    pub(crate) seat: usize,
    pub(crate) party_name: String,
    pub(crate) token_hash: String,
    pub(crate) role: String,
    /// The strategy of a seat played by a bot.
    pub(crate) strategy: Option<String>,
}

pub(crate) async fn read_session(pool: &AnyPool, id: &str) -> Result<Session, StoreError> {
    let row = sqlx::query(
        "SELECT scenario_toml, admin_token_hash, deadline_rounds, protocol, privacy FROM sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| StoreError::NoSession(id.to_string()))?;
    let text: String = row.get(0);
    let seats = sqlx::query(
        "SELECT seat, party_name, token_hash, role, strategy FROM seats WHERE session_id = $1 ORDER BY seat",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| SeatRow {
        seat: r.get::<i64, _>(0) as usize,
        party_name: r.get(1),
        token_hash: r.get(2),
        role: r.get(3),
        strategy: r.get(4),
    })
    .collect();
    let scenario =
        parse_scenario(&text).map_err(|e| StoreError::corrupt("a stored scenario", e))?;
    Ok(Session {
        id: id.to_string(),
        scenario,
        admin_token_hash: row.get(1),
        deadline_rounds: row.get::<i64, _>(2) as u64,
        protocol: row.get(3),
        privacy: Privacy::parse(&row.get::<String, _>(4))
            .map_err(|e| StoreError::corrupt("a stored privacy level", e))?,
        seats,
    })
}

/// The ids of the sessions with a seat played by `strategy`, oldest first.
pub(crate) async fn sessions_seating(
    pool: &AnyPool,
    strategy: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query(
        "SELECT s.id FROM sessions s WHERE EXISTS \
         (SELECT 1 FROM seats t WHERE t.session_id = s.id AND t.strategy = $1) \
         ORDER BY s.created_at_ms, s.id",
    )
    .bind(strategy)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| r.get(0))
    .collect())
}

/// Inserts a new session's row (in the transaction that also stores its
/// seats and first log entries).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_session(
    tx: &mut sqlx::AnyConnection,
    id: &str,
    scenario_toml: &str,
    protocol: &str,
    deadline_rounds: u64,
    admin_token_hash: &str,
    created_at_ms: i64,
    privacy: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id, scenario_toml, protocol, deadline_rounds, admin_token_hash, created_at_ms, privacy) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(scenario_toml)
    .bind(protocol)
    .bind(deadline_rounds as i64)
    .bind(admin_token_hash)
    .bind(created_at_ms)
    .bind(privacy)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Inserts seat `seat` of a new session (its token only as a hash).
pub(crate) async fn insert_seat(
    tx: &mut sqlx::AnyConnection,
    session_id: &str,
    seat: usize,
    party: &str,
    token_hash: &str,
    role: &str,
    strategy: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO seats (session_id, seat, party_name, token_hash, role, strategy) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(session_id)
    .bind(seat as i64)
    .bind(party)
    .bind(token_hash)
    .bind(role)
    .bind(strategy)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The scenario text the session was created with.
pub(crate) async fn scenario_text(pool: &AnyPool, id: &str) -> Result<String, StoreError> {
    let row = sqlx::query("SELECT scenario_toml FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(row.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unknown session is the store's own answer, and a stored scenario
    /// that does not read back is corrupt, its cause kept.
    #[tokio::test]
    async fn unknown_and_corrupt_sessions_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::store::connect(&dir.path().join("s.db").display().to_string())
            .await
            .unwrap();
        let unknown = read_session(&db.pool, "nope").await;
        assert!(matches!(unknown, Err(StoreError::NoSession(id)) if id == "nope"));
        sqlx::query(
            "INSERT INTO sessions (id, scenario_toml, protocol, deadline_rounds, admin_token_hash, created_at_ms, privacy) VALUES ('s', 'not = [toml', 'p', 1, 'h', 0, 'full')",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        match read_session(&db.pool, "s").await {
            Err(e @ StoreError::Corrupt { .. }) => {
                assert_eq!(e.to_string(), "a stored scenario");
                assert!(std::error::Error::source(&e).is_some());
            }
            other => panic!("expected a corrupt session, got {:?}", other.map(|s| s.id)),
        }
    }
}
