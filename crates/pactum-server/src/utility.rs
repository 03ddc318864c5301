//! A party's utility of an outcome, from the scenario the server holds:
//! the one computation the views, the certificate and the mediator's space
//! share. Only negotiators have preferences; a caller never asks for a
//! mediator's utility.

use pactum_core::Scenario;

/// Party `party`'s utility of `outcome` (`party` a negotiator's index).
pub(crate) fn own_utility(scenario: &Scenario, party: usize, outcome: &[u32]) -> f64 {
    scenario.parties[party]
        .preferences
        .as_ref()
        .expect("negotiators have preferences")
        .utility
        .utility(&scenario.issues, outcome)
}
