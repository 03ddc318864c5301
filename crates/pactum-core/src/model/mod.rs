//! The negotiation model: parties, issues, preferences.
//!
//! Every file format is parsed into these types and every analysis works on
//! them, so they are the one vocabulary shared by the whole engine. A
//! [`Scenario`] that exists has passed [`Scenario::validate`]: it is built
//! only by [`Scenario::new`] (loaders and deserialisation included), its
//! fields are private and every change is validated; code downstream may
//! rely on its invariants:
//!
//! * issue names are unique and non-empty; every issue has at least one value;
//! * every negotiator has preferences whose per-issue parts match the issues
//!   one to one (same order, same kind);
//! * no issue has more than [`MAX_ISSUE_VALUES`] values (an [`Outcome`]
//!   indexes them with a `u32`);
//! * weights are finite, non-negative and at most [`MAX_MAGNITUDE`]; values,
//!   reservation values and hyper-rectangle utilities are finite and at most
//!   [`MAX_MAGNITUDE`] in magnitude, real-issue bounds and the points where
//!   value functions are defined at most [`MAX_COORDINATE`]: every utility
//!   is a finite number;
//! * red lines name existing issues and values.
//!
//! The parts: `limits` (the bounds above and the check of one number),
//! `issue` (issues, their values and grids), `utility` (utility and value
//! functions), `party` (roles, parties, preferences, red lines) and
//! `scenario` (the whole, with `validate` checking it).

mod issue;
mod limits;
mod party;
mod scenario;
mod utility;
mod validate;

pub use issue::{Issue, IssueKind, Outcome, Value};
pub use limits::{
    DEFAULT_REAL_LEVELS, GRID_TOLERANCE, MAX_COORDINATE, MAX_ISSUE_VALUES, MAX_MAGNITUDE,
    MagnitudeError, check_magnitude,
};
pub use party::{Party, Preferences, RedLine, Role};
pub use scenario::{Scenario, ScenarioParts};
pub use utility::{
    AdditiveUtility, HyperRectangle, HyperRectangleUtility, UtilityFunction, ValueFunction,
};
