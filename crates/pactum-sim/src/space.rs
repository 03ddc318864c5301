//! The outcome space as a simulation sees it: every package numbered (an
//! [`OutcomeId`], see [`pactum_protocol::space`]), and a bound on how many
//! outcomes a simulation enumerates.

use pactum_core::Scenario;

use crate::error::SimError;
pub use pactum_protocol::{OutcomeId, OutcomeSpace};

/// Largest outcome space a simulation enumerates (each party keeps one
/// utility per outcome; NegMAS presorts up to 10⁶ outcomes, 10⁷ at most).
pub const MAX_OUTCOMES: u64 = 10_000_000;

/// The numbered outcome space of a scenario, if it is small enough to
/// simulate.
pub fn of_scenario(scenario: &Scenario) -> Result<OutcomeSpace, SimError> {
    let total = scenario.outcome_count();
    if total > MAX_OUTCOMES as u128 {
        return Err(SimError::TooLarge {
            outcomes: total,
            limit: MAX_OUTCOMES,
        });
    }
    Ok(OutcomeSpace::from_cards(
        scenario
            .issues
            .iter()
            .map(|i| i.cardinality() as u32)
            .collect(),
    ))
}
