//! The partial-rounds session as one negotiator sees it (in `/me` and in
//! move answers), and the reading of a partial-rounds move request.
//!
//! A view shows packages and who moved, never a utility; a request carries
//! an offer exactly for offers and a proposal exactly for acceptances.

use pactum_core::Scenario;
use pactum_core::analysis::Package;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error::ApiError;
use crate::offers::{pairs_package, parse_partial_offer};
use crate::partial::PartialState;
use crate::protocol::MoveKind;

/// Reads a partial-rounds move: the issues of an offer, checked against
/// the scenario; the fields each kind of move must and must not carry.
pub(crate) fn read_move(
    sc: &Scenario,
    kind: MoveKind,
    offer: Option<&serde_json::Map<String, serde_json::Value>>,
    proposal: Option<u64>,
) -> Result<Option<Vec<(usize, u32)>>, ApiError> {
    if kind == MoveKind::Leave {
        return Err(ApiError::unprocessable(
            "leave is a move of alternating-offers sessions",
        ));
    }
    let pairs = match (kind, offer, proposal) {
        (MoveKind::Offer, Some(o), None) => {
            Some(parse_partial_offer(sc, o).map_err(|e| ApiError::unprocessable(e.to_string()))?)
        }
        (MoveKind::Offer, None, _) => {
            return Err(ApiError::unprocessable(
                "an offer needs an \"offer\" package",
            ));
        }
        (MoveKind::Accept, None, None) => {
            return Err(ApiError::unprocessable(
                "an acceptance names the proposal accepted (\"proposal\")",
            ));
        }
        (MoveKind::Accept, None, Some(_)) => None,
        (_, Some(_), _) => return Err(ApiError::unprocessable("only offers carry a package")),
        (_, None, Some(_)) => {
            return Err(ApiError::unprocessable("only acceptances name a proposal"));
        }
        (_, None, None) => None,
    };

    Ok(pairs)
}

/// The names of the issues not settled yet, in issue order.
pub(crate) fn open_issues(scenario: &Scenario, state: &PartialState) -> Vec<String> {
    scenario
        .issues()
        .iter()
        .zip(&state.settled)
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| i.name.clone())
        .collect()
}

/// One proposal of the current round.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ProposalView {
    /// Its id: the offer's sequence number in the record.
    pub id: u64,
    pub party: String,
    #[schema(value_type = Object)]
    pub offer: Package,
    /// Negotiators who have accepted it (its proposer included).
    pub accepted_by: Vec<String>,
    /// False once settled or overtaken by another settlement.
    pub open: bool,
}

/// A partial-rounds session as one negotiator sees it (in `/me` and in
/// move answers).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PartialView {
    pub round: u64,
    pub deadline_rounds: u64,
    /// The settled issues (the partial agreement so far).
    #[schema(value_type = Object)]
    pub settled: Package,
    /// Issues not settled yet.
    pub open_issues: Vec<String>,
    /// This round's proposals.
    pub proposals: Vec<ProposalView>,
    /// Negotiators who have closed their part of this round.
    pub done: Vec<String>,
    /// Whether the caller has proposed this round.
    pub proposed: bool,
}

pub(crate) fn view(scenario: &Scenario, state: &PartialState, seat: usize) -> PartialView {
    let who = |flags: &[bool]| -> Vec<String> {
        state
            .negotiators
            .iter()
            .zip(flags)
            .filter(|(_, f)| **f)
            .map(|(n, _)| n.clone())
            .collect()
    };
    PartialView {
        round: state.round,
        deadline_rounds: state.deadline_rounds,
        settled: pairs_package(scenario, &state.settled_pairs()),
        open_issues: open_issues(scenario, state),
        proposals: state
            .proposals
            .iter()
            .map(|p| ProposalView {
                id: p.id,
                party: state.negotiators[p.seat].clone(),
                offer: pairs_package(scenario, &p.issues),
                accepted_by: who(&p.accepted),
                open: p.open,
            })
            .collect(),
        done: who(&state.done),
        proposed: state.proposed.get(seat).copied().unwrap_or(false),
    }
}
