//! `pactum.negotiate(scenario, negotiators, protocol, steps, seed)`: one
//! negotiation of built-in strategies and Python negotiators, under any
//! protocol of the engine, and its `Result`.
//!
//! Rules: the protocol and mediator names and the options are the command
//! line's (`sao`, `single-text` with `veto`, `hill-climbing` or
//! `draft-and-vote`, `partial-rounds`); `Result.to_dict()` is the document
//! of `pactum negotiate --json` (built by `pactum_sim::document`, as the
//! command line builds it, on first use only); a negotiation of built-in strategies only
//! runs without the GIL; a Python negotiator's fault ends the negotiation
//! as an invalid move, its reason in the result (see `negotiator`). The
//! `llm` strategy plays through the model `llm=` describes (see `llm`);
//! beside Python negotiators its requests release the GIL.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use pactum_sim::document::{end_doc, negotiation_doc};
use pactum_sim::negotiator;
use pactum_sim::runner::{Faults, negotiate_with};
use pactum_sim::session::Deadline;
use pactum_sim::{Config, Mediator, Prepared, ProtocolKind, WallClock};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::convert::{agreement_to_py, json_loads, pactum_error, to_python, value_error};
use crate::negotiator::Table;
use crate::phased::{self, ShiftArg};
use crate::scenario::Scenario;
use crate::seat::{Player, build_seat, discounting, player, tell_end};

/// The protocol named as the command line names it.
fn protocol_of(protocol: &str, mediator: &str) -> PyResult<ProtocolKind> {
    let m = Mediator::from_name(mediator).ok_or_else(|| {
        let names: Vec<String> = Mediator::ALL
            .iter()
            .map(|m| format!("{:?}", m.name()))
            .collect();
        value_error(format!(
            "mediator {mediator:?}: expected one of {}",
            names.join(", ")
        ))
    })?;
    match protocol {
        "sao" => Ok(ProtocolKind::Sao),
        "single-text" => Ok(ProtocolKind::SingleText(m)),
        "partial-rounds" => Ok(ProtocolKind::PartialRounds),
        _ => Err(value_error(format!(
            "protocol {protocol:?}: expected \"sao\", \"single-text\", \"partial-rounds\" or \"phased\""
        ))),
    }
}

/// How a negotiation came out. The agreement, utilities, rounds and end
/// are read from the simulator's result when asked for; the document of
/// `pactum negotiate --json` (trace, parties, distances) is built once, on
/// the first call that needs it (`trace`, `to_dict()`), so a caller that
/// reads only the agreement and utilities never pays for it.
#[pyclass(module = "pactum", frozen)]
pub struct NegotiationResult {
    /// The scenario played (its metrics measure the distances).
    scenario: Py<Scenario>,
    /// The scenario as played (discounted or not).
    prepared: Prepared,
    /// Each seat's strategy name.
    strategies: Vec<String>,
    /// The protocol, deadline and seed.
    config: Config,
    /// The simulator's result, trace included.
    result: pactum_sim::NegotiationResult,
    /// The document's JSON text, once built.
    text: OnceLock<String>,
    /// The document as Python objects, once built (`trace` reads it).
    doc: PyOnceLock<Py<PyAny>>,
}

impl NegotiationResult {
    /// The document's JSON text (built on first use).
    fn text(&self, py: Python<'_>) -> PyResult<&str> {
        if let Some(t) = self.text.get() {
            return Ok(t);
        }
        let metrics = self.scenario.get().metrics()?;
        let doc = negotiation_doc(
            &self.prepared,
            &self.strategies,
            &self.config,
            &self.result,
            metrics,
        );
        let text = py
            .detach(|| serde_json::to_string(&doc))
            .map_err(pactum_error)?;
        Ok(self.text.get_or_init(|| text))
    }

    /// The document as Python objects, shared by the getters.
    fn doc<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyAny>> {
        let doc = self
            .doc
            .get_or_try_init(py, || json_loads(py, self.text(py)?).map(Bound::unbind))?;
        Ok(doc.bind(py))
    }
}

#[pymethods]
impl NegotiationResult {
    /// The agreed outcome (issue → value), or None.
    #[getter]
    fn agreement<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        agreement_to_py(py, &self.prepared, self.result.agreement)
    }

    /// Every negotiator's utility of the result, in negotiator order.
    #[getter]
    fn utilities(&self) -> Vec<f64> {
        self.result.utilities.clone()
    }

    /// Rounds started (an agreement in the first round gives 1).
    #[getter]
    fn steps(&self) -> usize {
        self.result.steps
    }

    /// How it ended: `kind` ("agreement", "deadline", "ended", "deserted",
    /// "invalid"), with `party` and `reason` where they apply.
    #[getter]
    fn end<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &end_doc(&self.prepared, &self.result.end))
    }

    /// The offers and proposals, each `{"step", "time", "proposer", "offer",
    /// "utilities", "responses"}`.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.doc(py)?.get_item("trace")
    }

    /// The document of `pactum negotiate --json`, as a new dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, self.text(py)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Result(end={}, steps={}, utilities={})",
            self.end(py)?.get_item("kind")?,
            self.result.steps,
            self.utilities().into_pyobject(py)?.repr()?
        ))
    }
}

/// Plays one negotiation. `negotiators`: one per negotiator of the
/// scenario, in its order (the first proposes first), each a built-in
/// strategy's name or a `pactum.Negotiator`.
#[pyfunction]
#[pyo3(signature = (scenario, negotiators, protocol = "sao", steps = 100, seed = 0, *, mediator = "hill-climbing", time_limit = None, discount = "scenario", phases = None, shifts = Vec::new(), llm = None))]
#[allow(clippy::too_many_arguments)]
fn negotiate<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, Scenario>,
    negotiators: Vec<Bound<'py, PyAny>>,
    protocol: &str,
    steps: usize,
    seed: u64,
    mediator: &str,
    time_limit: Option<f64>,
    discount: &str,
    phases: Option<usize>,
    shifts: Vec<ShiftArg>,
    llm: Option<Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let s = scenario.get();
    let players = negotiators
        .iter()
        .map(|o| player(o, false))
        .collect::<PyResult<Vec<_>>>()?;
    let names: Vec<&str> = players.iter().map(Player::name).collect();
    let builtin = players.iter().all(|p| matches!(p, Player::Builtin(_)));
    let builder = crate::llm::builder(llm.as_ref(), &names, seed, !builtin)?;
    let talks = players
        .iter()
        .any(|p| matches!(p, Player::Builtin(n) if n == negotiator::LLM));
    let session = protocol == "phased" || phases.is_some() || !shifts.is_empty();
    let kind = if protocol == "phased" {
        ProtocolKind::Sao
    } else {
        protocol_of(protocol, mediator)?
    };
    if session && kind != ProtocolKind::Sao {
        return Err(value_error(format!(
            "phases and shifts need protocol \"phased\" or \"sao\" (a phased session plays alternating offers), not {protocol:?}"
        )));
    }
    if session && time_limit.is_some() {
        return Err(value_error(
            "time_limit is not supported in a phased session",
        ));
    }
    let prepared = discounting(s.prepared()?, discount)?;
    if players.len() != prepared.prefs.len() {
        return Err(value_error(format!(
            "{} negotiators given for {} seats: give one per negotiator ({})",
            players.len(),
            prepared.prefs.len(),
            prepared.names().join(", ")
        )));
    }
    if steps == 0 {
        return Err(value_error("steps must be at least 1"));
    }
    if talks && (session || kind != ProtocolKind::Sao) {
        return Err(value_error(
            "the llm strategy plays single negotiations of protocol \"sao\" only",
        ));
    }
    if session {
        return phased::play(
            py,
            phased::Session {
                prepared,
                players: &players,
                count: phases.unwrap_or(1),
                steps,
                shifts: &shifts,
                carry: protocol == "phased",
                seed,
            },
        );
    }
    let time_limit = match time_limit {
        Some(t) if !(t > 0.0 && t.is_finite()) => {
            return Err(value_error(
                "time_limit must be a positive number of seconds",
            ));
        }
        t => t.map(Duration::from_secs_f64),
    };
    let config = Config {
        protocol: kind,
        deadline: Deadline {
            steps: Some(steps),
            time_limit,
        },
        seed,
        record: true,
    };
    let strategies: Vec<String> = players.iter().map(|p| p.name().to_string()).collect();
    let table = Arc::new(Table {
        prepared: prepared.clone(),
        names: prepared.names(),
        deadline: Some(steps),
        outcomes: s.outcome_dicts(),
    });
    let faults = Arc::new(Faults::default());
    let mut created = Vec::new();
    let result = if builtin {
        py.detach(|| {
            negotiate_with(
                &prepared,
                &config,
                Arc::new(WallClock::start()),
                &mut |info| builder.build(strategies[info.seat].as_str(), &prepared, info),
                &faults,
            )
        })
    } else {
        negotiate_with(
            &prepared,
            &config,
            Arc::new(WallClock::start()),
            &mut |info| match &players[info.seat] {
                Player::Builtin(name) => builder.build(name, &prepared, info),
                p => build_seat(py, p, info, &table, &faults, &mut created),
            },
            &faults,
        )
    }
    .map_err(pactum_error)?;
    let out = Bound::new(
        py,
        NegotiationResult {
            scenario: scenario.clone().unbind(),
            prepared,
            strategies,
            config,
            result,
            text: OnceLock::new(),
            doc: PyOnceLock::new(),
        },
    )?
    .into_any();
    tell_end(py, &created, &out)?;
    Ok(out)
}

/// Adds `negotiate` and its result to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NegotiationResult>()?;
    m.add_class::<phased::PyPhasedResult>()?;
    m.add_class::<crate::negotiator::State>()?;
    m.add_class::<crate::negotiator::Info>()?;
    m.add_function(wrap_pyfunction!(negotiate, m)?)?;
    m.add("STRATEGIES", negotiator::described())?;
    Ok(())
}
