//! Negotiators' private preferences as stored: each edit's body and salt
//! under the seq of its commitment in the log. They are never part of the
//! record, which holds only the commitments.

use sqlx::{AnyPool, Row};

/// Stores an edit of `party`'s preferences (JSON `body`) with its `salt`,
/// in the transaction that appends its commitment as entry `seq`.
pub(crate) async fn insert(
    tx: &mut sqlx::AnyConnection,
    session_id: &str,
    seq: u64,
    party: &str,
    body: &str,
    salt: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO private_preferences (session_id, seq, party_name, body, salt) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(session_id)
    .bind(seq as i64)
    .bind(party)
    .bind(body)
    .bind(salt)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Every stored edit of the session, in record order: (party, body); read
/// through the pool, or inside a transaction.
pub(crate) async fn latest<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    session_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT party_name, body FROM private_preferences WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Every stored edit of `party`, in record order: (seq, body, salt).
pub(crate) async fn openings(
    pool: &AnyPool,
    session_id: &str,
    party: &str,
) -> Result<Vec<(u64, String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, body, salt FROM private_preferences WHERE session_id = $1 AND party_name = $2 ORDER BY seq",
    )
    .bind(session_id)
    .bind(party)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.get::<i64, _>(0) as u64, r.get(1), r.get(2)))
        .collect())
}
