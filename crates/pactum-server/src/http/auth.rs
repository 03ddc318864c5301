//! Who a request comes from, by its bearer token.
//!
//! A token that is not one of the session's (another session's included),
//! a missing or malformed one and an unknown session id all get the same
//! 401, word for word, so nobody can probe which sessions exist; the token
//! itself is never echoed. A view-only token asking to act gets a 403.

use axum::http::{HeaderMap, header};

use crate::http::error::{ApiError, no_access};
use crate::sessions::Seat;
use crate::store::sessions::Session;
use crate::tokens;

/// Who a request comes from, by its bearer token.
pub(crate) enum Caller {
    /// A negotiator: may move and sees its own preferences and utilities.
    Negotiator(Seat),
    /// A mediator or observer of the scenario: view-only.
    Viewer { role: String },
    /// The convener who created the session.
    Admin,
}

pub(crate) fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(no_access)?;
    let value = value.to_str().map_err(|_| no_access())?;
    let token = value.strip_prefix("Bearer ").ok_or_else(no_access)?;
    Ok(token.trim().to_string())
}

/// Identifies the caller. A token that is not one of this session's is a
/// 401 whatever it is (another session's token included), answered as an
/// unknown session is; the token itself is never echoed.
pub(crate) fn authorize(session: &Session, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let hash = tokens::hash(&bearer(headers)?);
    if hash == session.admin_token_hash {
        return Ok(Caller::Admin);
    }
    let row = session
        .seats
        .iter()
        .find(|s| s.token_hash == hash)
        .ok_or_else(no_access)?;
    let party = session
        .scenario
        .party_index(&row.party_name)
        .ok_or_else(|| ApiError::internal("seat without party"))?;
    let seat = Seat {
        seat: row.seat,
        party,
        name: row.party_name.clone(),
    };
    Ok(if row.role == "negotiator" {
        Caller::Negotiator(seat)
    } else {
        Caller::Viewer {
            role: row.role.clone(),
        }
    })
}

/// The seat the request's negotiator token belongs to in this session.
pub(crate) fn authorize_party(session: &Session, headers: &HeaderMap) -> Result<Seat, ApiError> {
    match authorize(session, headers)? {
        Caller::Negotiator(seat) => Ok(seat),
        Caller::Viewer { role, .. } => Err(ApiError::forbidden(format!(
            "this endpoint needs a negotiator's party token; a {role}'s token is view-only"
        ))),
        Caller::Admin => Err(ApiError::forbidden(
            "this endpoint needs a party token, not the admin token",
        )),
    }
}

pub(crate) fn authorize_admin(session: &Session, headers: &HeaderMap) -> Result<(), ApiError> {
    match authorize(session, headers)? {
        Caller::Admin => Ok(()),
        _ => Err(ApiError::forbidden("this endpoint needs the admin token")),
    }
}

// ---------------------------------------------------------------- event log
