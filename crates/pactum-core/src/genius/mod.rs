//! GENIUS XML import and export.
//!
//! Most published negotiation scenarios, including the ANAC competition
//! domains, are GENIUS folders: one domain file (root `negotiation_template`)
//! and one profile file per party (root `utility_space`). This module reads
//! such a folder into the model following GENIUS's own evaluation rules, so
//! that every outcome gets the utility GENIUS would give it, and writes a
//! scenario back out as a folder GENIUS can open, reporting whatever GENIUS
//! cannot hold.
//!
//! The GENIUS rules reproduced here:
//!
//! * discrete issues: an item's `evaluation` divided by the largest
//!   evaluation of that issue (all 0 when that maximum is below 0.00001);
//! * integer issues: `clamp01(offset + slope·(x − lowerbound))`, or in the
//!   older spelling `clamp01(parameter1·x + parameter0)`; written item by
//!   item (as NegMAS writes them), the evaluations as written;
//! * real issues: `linear` is `clamp01(parameter1·x + parameter0)`,
//!   `constant` is `parameter0`, `triangular` rises from `parameter0` to a
//!   top of 1 at `parameter2` and falls to 0 at `parameter1`;
//! * weights are used as written, not renormalised;
//! * nonlinear (ANAC 2014) profiles: the sum of the utilities of the
//!   hyper-rectangles containing the outcome (`INCLUDES` boxes count when the
//!   outcome is inside, `EXCLUDES` boxes when it is outside), divided by
//!   `maxutility` and cut at 1 (the model's hyper-rectangle utility does
//!   the same).
//!
//! Layouts GENIUS and NegMAS accept are read too: issues and weights
//! directly under `<utility_space>` (no `<objective>`), issues without
//! `index` (numbered by position in a domain, matched by name in a profile),
//! upper-case `.XML` names. Item costs and unknown elements are reported as
//! ignored. A folder's `pareto.xml` (GENIUS's precomputed frontier, plain
//! text despite its name) is read into [`Loaded::reference_frontier`].

mod domain;
mod evaluators;
mod export;
mod load;
mod nonlinear;
mod plan;
mod profile;
#[cfg(test)]
mod tests;
mod xml;

pub use domain::parse_domain;
pub use export::{save_folder, write_domain, write_profile};
pub(crate) use load::load_listed;
pub use load::{from_texts, load_folder};
pub use profile::parse_profile;
