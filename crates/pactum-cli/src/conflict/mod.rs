//! `pactum conflict`: the graph-model analysis of a conflict file — its
//! feasible states as option tables, each DM's preference ranking, the
//! stability of every state for every DM under Nash, GMR, SMR, SEQ, SIM and
//! SEQ+SIM, the equilibria, why a chosen state is or is not stable, what the
//! DMs can reach from the status quo, and a drawing of the graph of states.
//!
//! The command's parts, each importing only those listed after it: `run`
//! reads the input, calls the library and picks the output; `text`, `json`
//! and `plot` present the results; `view` holds what was found and words
//! steps and lists; `args` holds the command line.

mod args;
mod json;
mod plot;
mod run;
mod text;
mod view;

pub use args::Args;
pub use run::run;
