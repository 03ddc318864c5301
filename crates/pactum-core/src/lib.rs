//! Pactum's core: the negotiation model, its file formats, and exact analysis
//! (outcome space, zone of possible agreement, Pareto frontier, fair packages).
//!
//! The crate does no I/O beyond reading the scenario files it is asked to
//! parse; printing, plotting and serving live in the binaries.

#![warn(missing_docs)]
#![allow(clippy::needless_range_loop)] // loops over parties index several parallel arrays

pub mod analysis;
mod budget;
pub mod error;
mod folder;
mod forecast_file;
pub mod frontier;
pub mod fsutil;
pub mod genius;
pub mod geniusweb;
pub mod io;
mod loaded;
pub mod model;
pub mod native;
pub mod overrides;
pub mod search;
pub mod solutions;
pub mod source;
#[cfg(test)]
mod test_support;

pub use error::{Error, ModelError, Result};
pub use io::Loaded;
pub use model::*;
