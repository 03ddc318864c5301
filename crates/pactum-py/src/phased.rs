//! Phased sessions from Python: `pactum.negotiate(..., protocol="phased",
//! phases=N, shifts=[(phase, party, reservation_value), ...])` (or
//! `protocol="sao"` with `phases`: phases that carry nothing over), as
//! `pactum negotiate --protocol phased --phases N --shift …` plays them,
//! and their result.
//!
//! Rules: the session is `pactum_sim::phases`'s — each phase a stacked
//! alternating-offers negotiation of `steps` rounds, settled issues carried
//! when the protocol is `phased`, the phases planned by `plan_phases` (the
//! phase range, one shift per negotiator and phase); a shift's party must
//! be a negotiator and its value a reservation value the scenario allows
//! (checked as the command line's `PARTY.reservation=X`); negotiators are
//! seated afresh in every phase, a Python negotiator told `on_start` with
//! the phase's outcome space (the open issues only) and `on_end` once, with
//! the session's result; a negotiator's fault ends its phase as an invalid
//! move; `to_dict()` is the document of `pactum negotiate --phases N
//! --json` (`pactum_sim::document::phased`), built on first use.

use std::sync::{Arc, OnceLock};

use pactum_core::overrides::Override;
use pactum_sim::document::phased::phased_doc;
use pactum_sim::negotiator;
use pactum_sim::phases::{Phase, PhasedResult, Shift, plan_phases, run_phased_with};
use pactum_sim::runner::Faults;
use pactum_sim::{Prepared, SimError};
use pyo3::prelude::*;

use crate::convert::{OutcomeDicts, agreement_to_py, json_loads, pactum_error, value_error};
use crate::negotiator::Table;
use crate::seat::{Player, build_seat, tell_end};

/// A shift as Python gives it: (phase from 1, party, reservation value).
pub type ShiftArg = (usize, String, f64);

/// How a phased session came out.
#[pyclass(module = "pactum", name = "PhasedResult", frozen)]
pub struct PyPhasedResult {
    prepared: Prepared,
    strategies: Vec<String>,
    phases: Vec<Phase>,
    carry: bool,
    seed: u64,
    result: PhasedResult,
    text: OnceLock<String>,
}

impl PyPhasedResult {
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

#[pymethods]
impl PyPhasedResult {
    /// The agreed outcome (issue → value) of the phase that reached one,
    /// or None.
    #[getter]
    fn agreement<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        agreement_to_py(py, &self.prepared, self.result.agreement)
    }

    /// Every negotiator's utility of the result (with no agreement, its
    /// reservation value of the last phase), in negotiator order.
    #[getter]
    fn utilities(&self) -> Vec<f64> {
        self.result.utilities.clone()
    }

    /// The phase (from 1) that reached the agreement, or None.
    #[getter]
    fn agreement_phase(&self) -> Option<usize> {
        self.result.agreement.map(|_| self.result.phases.len())
    }

    /// The phases played, each as `to_dict()["phases"]` shows it.
    #[getter]
    fn phases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_dict(py)?.get_item("phases")
    }

    /// The document of `pactum negotiate --phases N --json`, as a new dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, self.text()?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "PhasedResult(phases={}, agreement_phase={:?}, utilities={})",
            self.result.phases.len(),
            self.agreement_phase(),
            self.utilities().into_pyobject(py)?.repr()?
        ))
    }
}

/// The phases of the session (shifts checked, see the module doc).
fn plan(p: &Prepared, count: usize, steps: usize, shifts: &[ShiftArg]) -> PyResult<Vec<Phase>> {
    let names = p.names();
    let shifts = shifts
        .iter()
        .map(|(phase, party, value)| {
            let bad =
                |why: String| value_error(format!("shift ({phase}, {party:?}, {value}): {why}"));
            let seat = names.iter().position(|n| n == party).ok_or_else(|| {
                bad(format!(
                    "{party:?} is not a negotiator (negotiators: {})",
                    names.join(", ")
                ))
            })?;
            let parsed = Override::parse(&p.scenario, &format!("{party}.reservation={value}"))
                .map_err(|e| bad(e.reason.to_string()))?;
            if parsed.party() != p.negotiators[seat] {
                return Err(bad(format!("ambiguous party name {party:?}")));
            }
            Ok(Shift {
                phase: *phase,
                seat,
                value: parsed.value(),
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    plan_phases(p, count, steps, &shifts).map_err(|e| value_error(crate::convert::chain(&e)))
}

/// What a phased session is played with.
pub struct Session<'a> {
    /// The scenario as played (discounted or not).
    pub prepared: Prepared,
    /// Who plays each seat.
    pub players: &'a [Player],
    /// Phases allowed.
    pub count: usize,
    /// Rounds per phase.
    pub steps: usize,
    /// The shifts of reservation values.
    pub shifts: &'a [ShiftArg],
    /// Whether settled issues carry over.
    pub carry: bool,
    /// The seed.
    pub seed: u64,
}

/// Plays a phased session; returns its result (a `PhasedResult`).
pub fn play<'py>(py: Python<'py>, s: Session<'_>) -> PyResult<Bound<'py, PyAny>> {
    let phases = plan(&s.prepared, s.count, s.steps, s.shifts)?;
    let strategies: Vec<String> = s.players.iter().map(|p| p.name().to_string()).collect();
    let faults = Arc::new(Faults::default());
    let builtin = s.players.iter().all(|p| matches!(p, Player::Builtin(_)));
    let mut created = Vec::new();
    let result = if builtin {
        py.detach(|| {
            run_phased_with(
                &s.prepared,
                &phases,
                s.carry,
                s.seed,
                &mut |_, info| negotiator::build(strategies[info.seat].as_str(), info),
                &faults,
            )
        })
    } else {
        // Each phase's table: its own outcome space (the open issues).
        let mut table: Option<(usize, Arc<Table>)> = None;
        let mut phase_of = 0usize;
        run_phased_with(
            &s.prepared,
            &phases,
            s.carry,
            s.seed,
            &mut |phase_prepared, info| -> Result<_, SimError> {
                if info.seat == 0 {
                    phase_of += 1;
                }
                let t = match &table {
                    Some((k, t)) if *k == phase_of => t.clone(),
                    _ => {
                        let t = Arc::new(Table {
                            prepared: phase_prepared.clone(),
                            names: phase_prepared.names(),
                            deadline: Some(s.steps),
                            outcomes: Arc::new(OutcomeDicts::default()),
                        });
                        table = Some((phase_of, t.clone()));
                        t
                    }
                };
                build_seat(py, &s.players[info.seat], info, &t, &faults, &mut created)
            },
            &faults,
        )
    }
    .map_err(pactum_error)?;
    let out = Bound::new(
        py,
        PyPhasedResult {
            prepared: s.prepared,
            strategies,
            phases,
            carry: s.carry,
            seed: s.seed,
            result,
            text: OnceLock::new(),
        },
    )?
    .into_any();
    // Each instance once, though it was seated in every phase.
    let mut told: Vec<Py<PyAny>> = Vec::new();
    for o in created {
        if !told.iter().any(|t| t.is(&o)) {
            told.push(o);
        }
    }
    tell_end(py, &told, &out)?;
    Ok(out)
}
