//! Conflict analysis with the Graph Model for Conflict Resolution (GMCR):
//! decision makers (DMs) control yes/no options; a state is a choice for
//! every option; each DM ranks the feasible states; the analysis finds, for
//! every state and DM, whether the DM would stay there under the Nash, GMR,
//! SMR, SEQ, SIM and SEQ+SIM stability concepts, and the equilibria (states
//! stable for every DM). Beside it: limited-move stability L_h for two DMs
//! looking h moves ahead ([`limited_move_stable`]) and coalitional Nash, GMR
//! and SEQ stability for given coalitions ([`coalition_stability`]).
//!
//! Rules: modules import only downward — `statement` ← `model` ← `states` ←
//! `moves` ← `reach` ← `stability` ← `analysis` ← `paths` (status-quo
//! reachability) ← `why` (the sanctions behind a verdict), with `limited`
//! (on `moves`) and `coalition` (on `reach` and `stability`) beside
//! `analysis`; `error` and `read` sit beside them (`read` builds a
//! [`Conflict`] from a file). The library computes and reports; it never
//! prints.

#![warn(missing_docs)]

pub mod analysis;
pub mod coalition;
pub mod error;
pub mod limited;
pub mod model;
pub mod moves;
pub mod paths;
mod reach;
pub mod read;
pub mod stability;
pub mod statement;
pub mod states;
pub mod why;

pub use analysis::{Analysis, QueryError, analyse, dm_index};
pub use coalition::{Coalition, CoalitionConcept, CoalitionStability, coalition_stability};
pub use error::{CoalitionError, LimitedError, ModelError, ReadError};
pub use limited::limited_move_stable;
pub use model::{Conflict, DecisionMaker, Direction, OptionDef, Preferences};
pub use paths::{Change, EquilibriumPath, Reach, Reached, StatusQuoPaths, Step, status_quo_paths};
pub use stability::{Concept, Sanctions};
pub use statement::{Literal, Statement};
pub use states::StateSpace;
pub use why::{Deterrence, Improvement, Sanction, Why, why};
