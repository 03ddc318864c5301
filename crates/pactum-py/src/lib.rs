//! Pactum's Python module (`pactum._pactum`, re-exported by the `pactum`
//! package): scenarios, exact analysis, negotiations and tournaments, with
//! negotiators written in Python beside the built-in strategies.
//!
//! Rules kept here: the module computes through the Rust libraries and
//! never prints; every Rust error becomes a Python exception carrying its
//! message (the file, line or field it names): a missing file is a
//! `FileNotFoundError`, anything else wrong with the input a
//! `pactum.PactumError` (a `ValueError`), a bad argument a `ValueError`.
//! Documents that mirror the command line's `--json` output are built from
//! the same serialisations, so they compare equal to it.
//!
//! Modules, each importing only those listed before it: `convert`
//! (values, outcomes and JSON between Rust and Python), `scenario`,
//! `analysis` (with `view`: the HTML table and SVG plot), `negotiator` (a
//! Python negotiator behind the simulator's trait), `llm` (the model the
//! `llm` strategy plays through), `negotiate`,
//! `tournament`.

#![warn(missing_docs)]

use pyo3::prelude::*;

mod analysis;
mod convert;
mod league;
mod llm;
mod negotiate;
mod negotiator;
mod phased;
mod scenario;
mod seat;
mod tournament;
mod view;

pyo3::create_exception!(
    pactum,
    PactumError,
    pyo3::exceptions::PyValueError,
    "A scenario, analysis or simulation that Pactum cannot take: the message names the file, line or field."
);

/// The module `pactum._pactum`.
#[pymodule]
fn _pactum(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PactumError", m.py().get_type::<PactumError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    scenario::register(m)?;
    analysis::register(m)?;
    negotiate::register(m)?;
    tournament::register(m)?;
    league::register(m)?;
    Ok(())
}
