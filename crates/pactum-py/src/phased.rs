//! Phased sessions from Python: `pactum.negotiate(..., protocol="phased",
//! phases=N, shifts=[(phase, party, reservation_value), ...])` (or
//! `protocol="sao"` with `phases` above 1: phases without carrying settled
//! issues), as `pactum negotiate --protocol phased --phases N --shift …`
//! plays them, and their result.
//!
//! Rules: the session is `pactum_sim::phases`'s — each phase a stacked
//! alternating-offers negotiation of `steps` rounds, settled issues carried
//! when the protocol is `phased`; a shift is checked as the command line's
//! `--shift PHASE:PARTY.reservation=X` is (the phase within the session,
//! the party a negotiator, the value a reservation value the scenario
//! allows, one shift per party and phase); negotiators are seated afresh in
//! every phase, a Python negotiator told `on_start` with the phase's outcome
//! space (the open issues only) and `on_end` once, with the session's
//! result; a negotiator's fault ends its phase as an invalid move;
//! `to_dict()` is the document of `pactum negotiate --phases N --json`
//! (`pactum_sim::document::phased`).

use std::sync::{Arc, OnceLock};

use pactum_core::overrides::Override;
use pactum_sim::document::phased::phased_doc;
use pactum_sim::negotiator;
use pactum_sim::phases::{Phase, PhasedResult, run_phased_with};
use pactum_sim::runner::Faults;
use pactum_sim::{Prepared, SimError};
use pyo3::prelude::*;

use crate::convert::{OutcomeDicts, json_loads, outcome_to_py, pactum_error, value_error};
use crate::negotiator::Table;
use crate::seat::{Player, build_seat, tell_end};

/// A phase's new reservation value for a negotiator.
pub type ShiftArg = (usize, String, f64);

/// How a phased session came out.
#[pyclass(module = "pactum", frozen)]
pub struct PhasedResult_ {
    prepared: Prepared,
    strategies: Vec<String>,
    phases: Vec<Phase>,
    carry: bool,
    seed: u64,
    result: PhasedResult,
    text: OnceLock<String>,
}

impl PhasedResult_ {
    /// The document's JSON text (built on first use).
    fn text(&self) -> PyResult<&str> {
        if let Some(t) = self.text.get() {
            return Ok(t);
        }
        let doc = phased_doc(
            &self.prepared,
            &self.strategies,
            &self.phases,
            self.carry,
            self.seed,
            &self.result,
        );
        let text = serde_json::to_string(&doc).map_err(pactum_error)?;
        Ok(self.text.get_or_init(|| text))
    }
}
