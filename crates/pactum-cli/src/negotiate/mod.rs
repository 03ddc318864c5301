//! `pactum negotiate`: play one simulated negotiation and report it — the
//! agreement, the round, each party's utility, and how far the result is
//! from the Pareto frontier and the Nash point; `--json` for the full trace,
//! `--plot` for a picture of the offers.
//!
//! With `--phases N` (and `--protocol phased`, formerly `partial`) it plays
//! a phased session instead: N phases of stacked alternating offers,
//! reservation values shifting between them (`--shift`), and with
//! `phased` the issues settled in a phase carried into the next ones (the
//! bookkeeping is the protocol engine's).
//!
//! The command's parts, each importing only those listed after it:
//! `run` checks the arguments and plays the negotiation or session;
//! `session_text` shows a phased session (its `--json` document is
//! `pactum_sim::document::phased`'s), `shift` parses `--shift`; `text` and `plot` show a single
//! negotiation, whose `--json` document is the simulator's
//! (`pactum_sim::document`); `simrecord` writes it as a session export
//! (`--record`); `args` holds the command line, `llm` the language model
//! flags (shared with `tournament`) and the strategies' builder made from
//! them.

mod args;
mod llm;
mod plot;
mod run;
mod session_text;
mod shift;
mod simrecord;
mod text;

pub use args::{Args, DiscountArg, ProtocolArg, apply_discount};
pub use llm::LlmArgs;
pub use run::run;
