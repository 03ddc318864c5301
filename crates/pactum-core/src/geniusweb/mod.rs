//! GeniusWeb JSON import and export.
//!
//! GeniusWeb, the successor of GENIUS used by the ANAC competitions since
//! 2020, stores a domain as `{"name", "issuesValues"}` JSON and each party's
//! preferences as a `LinearAdditiveUtilitySpace` profile that embeds the
//! domain. This module reads a folder of such files (or a single profile)
//! into the model and writes a scenario back as files GeniusWeb accepts,
//! whose rules are stricter than the model's: value utilities in [0, 1],
//! issue weights summing to exactly 1, numeric issues valued linearly, and a
//! reservation *bid* instead of a reservation value.

mod load;
mod read;
#[cfg(test)]
mod tests;
mod weights;
mod write;

pub use load::{from_texts, load};
pub use write::{save_folder, write_domain, write_profile};
