//! A negotiator written in Python, behind the simulator's `Negotiator`
//! trait: `propose(state) -> dict`, `respond(state, offer) -> str`, and
//! optionally `on_start(info)`, `on_end(result)` and
//! `opponent_utility(outcome) -> float` (its model of the opponent, which a
//! league scoring concealment asks once the negotiation is over).
//!
//! Rules kept here:
//! * a negotiator sees only its own preferences (`Info.utility`) and the
//!   offers made, as the built-in strategies do;
//! * an exception (its traceback included), an outcome that is not one of
//!   the scenario's, or an answer other than "accept", "reject", "end" or
//!   "leave" is a fault: reported with the negotiator's name and the
//!   problem, after which the negotiator moves no more (the runner ends
//!   the negotiation as an invalid move); in the single text "accept" is a
//!   yes-vote and "reject" a veto, nothing else;
//! * `opponent_utility` returning None (the base class's answer) means no
//!   model; an exception or an answer that is not a number is the model's
//!   error (`ModelError`, with the traceback), never a panic;
//! * objects stay cheap: a `State` holds numbers and a shared handle on
//!   the offers made; its `offer`, `proposer` and `history` are built in
//!   Python only when read.

use std::sync::{Arc, Mutex};

use numpy::{IntoPyArray, PyArray1};
use pactum_sim::negotiator::{Negotiator, Now, Response, SeatInfo};
use pactum_sim::prefs::PartyPrefs;
use pactum_sim::runner::{Fault, Faults};
use pactum_sim::{ModelError, OutcomeId, Prepared};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::{outcome_of, outcome_to_py, value_error};
use crate::scenario::{Issue, issue_objects};

/// One offer made: round, who (None: the mediator), what.
#[derive(Debug, Clone, Copy)]
struct Entry {
    round: usize,
    proposer: Option<usize>,
    offer: OutcomeId,
}

/// What every Python negotiator of a negotiation shares: the scenario.
pub struct Table {
    /// The prepared scenario.
    pub prepared: Prepared,
    /// Negotiator names, in seat order.
    pub names: Vec<String>,
    /// The deadline in rounds, if any.
    pub deadline: Option<usize>,
    /// The scenario's outcomes as dicts, shared across negotiations.
    pub outcomes: Arc<crate::convert::OutcomeDicts>,
}

/// The offers one negotiator has seen made, in order.
struct Seen {
    table: Arc<Table>,
    offers: Mutex<Vec<Entry>>,
}

impl Seen {
    fn proposer_name(&self, proposer: Option<usize>) -> String {
        proposer.map_or_else(|| "mediator".to_string(), |s| self.table.names[s].clone())
    }
}

/// What a negotiator is shown when it must act.
#[pyclass(module = "pactum", frozen)]
pub struct State {
    /// Relative time in [0, 1] (NegMAS's convention).
    #[pyo3(get)]
    relative_time: f64,
    /// Round, from 0.
    #[pyo3(get)]
    round: usize,
    /// Rounds allowed, or None.
    #[pyo3(get)]
    n_rounds: Option<usize>,
    standing: Option<Entry>,
    seen: Arc<Seen>,
    seen_len: usize,
}

#[pymethods]
impl State {
    /// The standing offer (issue → value), or None.
    #[getter]
    fn offer<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.standing
            .map(|e| outcome_to_py(py, &self.seen.table.prepared, e.offer))
            .transpose()
    }

    /// Who made the standing offer (a negotiator's name or "mediator"), or None.
    #[getter]
    fn proposer(&self) -> Option<String> {
        self.standing.map(|e| self.seen.proposer_name(e.proposer))
    }

    /// The offers made so far, each `{"round", "negotiator", "offer"}`.
    #[getter]
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entries: Vec<Entry> =
            self.seen.offers.lock().unwrap_or_else(|e| e.into_inner())[..self.seen_len].to_vec();
        let list = PyList::empty(py);
        for e in entries {
            let d = PyDict::new(py);
            d.set_item("round", e.round)?;
            d.set_item("negotiator", self.seen.proposer_name(e.proposer))?;
            d.set_item(
                "offer",
                outcome_to_py(py, &self.seen.table.prepared, e.offer)?,
            )?;
            list.append(d)?;
        }
        Ok(list)
    }

    fn __repr__(&self) -> String {
        format!(
            "State(round={}, relative_time={:.4}, n_rounds={:?})",
            self.round, self.relative_time, self.n_rounds
        )
    }
}

/// What a negotiator is told when it takes its seat: its own preferences
/// and the public outcome space, nothing of the others' preferences.
#[pyclass(module = "pactum", frozen)]
pub struct Info {
    /// Its party's name.
    #[pyo3(get)]
    name: String,
    /// Its seat, from 0 (seat 0 proposes first).
    #[pyo3(get)]
    seat: usize,
    /// Number of negotiators.
    #[pyo3(get)]
    n_negotiators: usize,
    /// Rounds allowed, or None.
    #[pyo3(get)]
    deadline: Option<usize>,
    prefs: Arc<PartyPrefs>,
    table: Arc<Table>,
}

#[pymethods]
impl Info {
    /// Its own utility of an outcome (a dict issue → value).
    fn utility(&self, outcome: &Bound<'_, PyAny>) -> PyResult<f64> {
        let id = outcome_of(&self.table.prepared, outcome).map_err(value_error)?;
        Ok(self.prefs.utility(id))
    }

    /// Its reservation value, or None.
    #[getter]
    fn reservation_value(&self) -> Option<f64> {
        self.prefs.reservation
    }

    /// The issues (the outcome space).
    #[getter]
    fn issues(&self) -> Vec<Issue> {
        issue_objects(&self.table.prepared.scenario)
    }

    /// Number of complete outcomes.
    #[getter]
    fn outcome_count(&self) -> usize {
        self.table.prepared.space.len()
    }

    /// The negotiators' names, in seat order (public, as at the table).
    #[getter]
    fn negotiators(&self) -> Vec<String> {
        self.table.names.clone()
    }

    /// Its own utility of every outcome, in the order of `outcomes()`, as
    /// a NumPy array (one call instead of one per outcome).
    fn utilities<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        let n = self.table.prepared.space.len();
        let u: Vec<f64> = (0..n)
            .map(|id| self.prefs.utility(id as OutcomeId))
            .collect();
        u.into_pyarray(py)
    }

    /// Every outcome, in enumeration order (last issue fastest).
    fn outcomes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.table.outcomes.copies(py, &self.table.prepared)
    }

    /// Every outcome, best first by its own utility (equal utilities in
    /// enumeration order): what `sorted(info.outcomes(), key=info.utility,
    /// reverse=True)` gives, ranked in Rust.
    fn ranked_outcomes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let n = self.table.prepared.space.len() as OutcomeId;
        let mut ids: Vec<OutcomeId> = (0..n).collect();
        ids.sort_by(|&a, &b| {
            self.prefs
                .utility(b)
                .total_cmp(&self.prefs.utility(a))
                .then(a.cmp(&b))
        });
        self.table.outcomes.copies_in(py, &self.table.prepared, ids)
    }

    fn __repr__(&self) -> String {
        format!("Info(name={:?}, seat={})", self.name, self.seat)
    }
}

/// A Python object playing a seat.
pub struct PyNegotiator {
    obj: Py<PyAny>,
    seat: usize,
    label: String,
    seen: Arc<Seen>,
    faults: Arc<Faults>,
    failed: bool,
}

/// The text of a Python exception, with its traceback.
fn traceback(py: Python<'_>, e: &PyErr) -> String {
    let formatted = py
        .import("traceback")
        .and_then(|t| {
            t.call_method1(
                "format_exception",
                (e.get_type(py), e.value(py), e.traceback(py)),
            )
        })
        .and_then(|lines| lines.extract::<Vec<String>>());
    match formatted {
        Ok(lines) => lines.concat().trim_end().to_string(),
        Err(_) => e.to_string(),
    }
}

/// `repr(obj)`, for messages.
fn shown(obj: &Bound<'_, PyAny>) -> String {
    obj.repr()
        .map_or_else(|_| "?".to_string(), |r| r.to_string())
}

impl PyNegotiator {
    /// Seats `obj`; calls its `on_start(info)` if it has one (an exception
    /// there is a fault in round 0).
    pub fn seat(
        py: Python<'_>,
        obj: Py<PyAny>,
        strategy: &str,
        info: &SeatInfo,
        table: &Arc<Table>,
        faults: &Arc<Faults>,
    ) -> PyResult<Self> {
        let mut n = PyNegotiator {
            seat: info.seat,
            label: format!("{} ({strategy})", table.names[info.seat]),
            seen: Arc::new(Seen {
                table: table.clone(),
                offers: Mutex::new(Vec::new()),
            }),
            faults: faults.clone(),
            failed: false,
            obj,
        };
        let bound = n.obj.bind(py);
        if bound.hasattr("on_start")? {
            let i = Info {
                name: table.names[info.seat].clone(),
                seat: info.seat,
                n_negotiators: info.parties,
                deadline: table.deadline,
                prefs: info.prefs.clone(),
                table: table.clone(),
            };
            if let Err(e) = bound.call_method1("on_start", (i,)) {
                let text = traceback(py, &e);
                n.fail(0, format!("on_start raised an exception:\n{text}"));
            }
        }
        Ok(n)
    }

    /// A negotiator that could not be created: a fault in round 0.
    pub fn fail_now(&mut self, e: &PyErr, py: Python<'_>) {
        let text = traceback(py, e);
        self.fail(0, format!("could not be created:\n{text}"));
    }

    fn fail(&mut self, step: usize, problem: String) {
        self.failed = true;
        self.faults.report(Fault {
            seat: self.seat,
            step,
            reason: format!("{}: {problem}", self.label),
        });
    }

    fn state<'py>(
        &self,
        py: Python<'py>,
        now: &Now,
        standing: Option<Entry>,
    ) -> PyResult<Bound<'py, State>> {
        let seen_len = self
            .seen
            .offers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        Bound::new(
            py,
            State {
                relative_time: now.time,
                round: now.step,
                n_rounds: now.n_steps,
                standing,
                seen: self.seen.clone(),
                seen_len,
            },
        )
    }

    fn record(&self, entry: Entry) {
        self.seen
            .offers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    }

    /// Asks `respond(state, offer)`; the answer as text, or the fault.
    fn ask(&mut self, now: &Now, standing: Entry) -> Option<String> {
        Python::attach(|py| {
            let answer = self.state(py, now, Some(standing)).and_then(|state| {
                let offer = outcome_to_py(py, &self.seen.table.prepared, standing.offer)?;
                self.obj.bind(py).call_method1("respond", (state, offer))
            });
            match answer {
                Ok(a) => match a.extract::<String>() {
                    Ok(text) => Some(text),
                    Err(_) => {
                        self.fail(
                            now.step,
                            format!("respond returned {}, not a string", shown(&a)),
                        );
                        None
                    }
                },
                Err(e) => {
                    let text = traceback(py, &e);
                    self.fail(now.step, format!("respond raised an exception:\n{text}"));
                    None
                }
            }
        })
    }
}

impl Negotiator for PyNegotiator {
    fn respond(&mut self, now: &Now, offer: OutcomeId, proposer: usize) -> Response {
        if self.failed {
            return Response::End;
        }
        let standing = Entry {
            round: now.step,
            proposer: Some(proposer),
            offer,
        };
        match self.ask(now, standing).as_deref() {
            None => Response::End,
            Some("accept") => Response::Accept,
            Some("reject") => Response::Reject,
            Some("reject_without_offer") => Response::RejectWithoutOffer,
            Some("end") => Response::End,
            Some("leave") => Response::Leave,
            Some(other) => {
                self.fail(
                    now.step,
                    format!(
                        "respond returned {other:?}; expected \"accept\", \"reject\", \"reject_without_offer\", \"end\" or \"leave\""
                    ),
                );
                Response::End
            }
        }
    }

    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        if self.failed {
            return None;
        }
        let standing = self
            .seen
            .offers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .last()
            .copied()
            .filter(|e| e.proposer != Some(self.seat));
        let made = Python::attach(|py| {
            let answer = self
                .state(py, now, standing)
                .and_then(|state| self.obj.bind(py).call_method1("propose", (state,)));
            match answer {
                Ok(a) => outcome_of(&self.seen.table.prepared, &a).map_err(|why| {
                    format!(
                        "propose returned {}, which is not an outcome: {why}",
                        shown(&a)
                    )
                }),
                Err(e) => Err(format!(
                    "propose raised an exception:\n{}",
                    traceback(py, &e)
                )),
            }
        });
        match made {
            Ok(offer) => {
                self.record(Entry {
                    round: now.step,
                    proposer: Some(self.seat),
                    offer,
                });
                Some(offer)
            }
            Err(problem) => {
                self.fail(now.step, problem);
                None
            }
        }
    }

    fn on_offer(&mut self, now: &Now, offer: OutcomeId, proposer: usize) {
        self.record(Entry {
            round: now.step,
            proposer: Some(proposer),
            offer,
        });
    }

    fn opponent_utilities(&self, outcomes: &[OutcomeId]) -> Result<Option<Vec<f64>>, ModelError> {
        Python::attach(|py| {
            let obj = self.obj.bind(py);
            let error = |problem: String| ModelError(format!("{}: {problem}", self.label));
            if !obj.hasattr("opponent_utility").unwrap_or(false) {
                return Ok(None);
            }
            let prepared = &self.seen.table.prepared;
            let mut estimates = Vec::with_capacity(outcomes.len());
            for &o in outcomes {
                let answer = outcome_to_py(py, prepared, o)
                    .and_then(|outcome| obj.call_method1("opponent_utility", (outcome,)));
                let answer = answer.map_err(|e| {
                    error(format!(
                        "opponent_utility raised an exception:\n{}",
                        traceback(py, &e)
                    ))
                })?;
                if answer.is_none() {
                    return Ok(None);
                }
                let u = answer.extract::<f64>().map_err(|_| {
                    error(format!(
                        "opponent_utility returned {}, not a number",
                        shown(&answer)
                    ))
                })?;
                estimates.push(u);
            }
            Ok(Some(estimates))
        })
    }

    fn vote(&mut self, now: &Now, _current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        if self.failed {
            return false;
        }
        let entry = Entry {
            round: now.step,
            proposer: None,
            offer: proposal,
        };
        self.record(entry);
        match self.ask(now, entry).as_deref() {
            None => false,
            Some("accept") => true,
            Some("reject") => false,
            Some(other) => {
                self.fail(
                    now.step,
                    format!("respond returned {other:?}; a vote on the single text is \"accept\" or \"reject\""),
                );
                false
            }
        }
    }
}
