//! Who plays each seat of a negotiation played from Python: a built-in
//! strategy by name or a Python negotiator (an instance, or for
//! tournaments a class instantiated for each negotiation), and the
//! scenario as played (discounted or not).
//!
//! A [`Lineup`] is the strategies of a tournament or a league: who plays,
//! under which name, and the builder seating the built-in strategies (the
//! `llm` one through the model `llm=` describes); [`seat_with`] seats one
//! of them.
//!
//! Rules: a name must be a built-in strategy's; an object must have
//! `propose` and `respond`; a class's constructor that raises is a fault in
//! round 0, reported by a negotiator that then moves no more; beside a
//! Python negotiator the negotiations play on the thread holding the GIL,
//! so the model's requests release it.

use std::sync::Arc;

use pactum_sim::negotiator::{self, Builder, Negotiator, SeatInfo};
use pactum_sim::runner::Faults;
use pactum_sim::{Prepared, SimError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use crate::convert::value_error;
use crate::negotiator::{PyNegotiator, Table};

/// Who plays a seat.
pub enum Player {
    /// A built-in strategy, by name.
    Builtin(String),
    /// A Python negotiator (an instance) or a class of them (instantiated
    /// for each negotiation).
    Python {
        /// The object.
        obj: Py<PyAny>,
        /// Its name in results.
        name: String,
    },
}

impl Player {
    /// The name in results.
    pub fn name(&self) -> &str {
        match self {
            Player::Builtin(n) => n,
            Player::Python { name, .. } => name,
        }
    }
}

/// A negotiator's name in results: the `name` attribute when it is a
/// string, else the class's name.
fn python_name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(name) = obj.getattr("name")
        && let Ok(name) = name.extract::<String>()
    {
        return Ok(name);
    }
    let class = match obj.cast::<PyType>() {
        Ok(t) => t.clone(),
        Err(_) => obj.get_type(),
    };
    Ok(class.name()?.to_string())
}

/// A seat's player from a Python argument: a built-in strategy's name, a
/// negotiator, or (`classes`) a negotiator class.
pub fn player(obj: &Bound<'_, PyAny>, classes: bool) -> PyResult<Player> {
    if let Ok(name) = obj.extract::<String>() {
        let name = name.trim().to_string();
        negotiator::check(&name).map_err(|e| value_error(crate::convert::chain(&e)))?;
        return Ok(Player::Builtin(name));
    }
    let is_class = obj.is_instance_of::<PyType>();
    if is_class != classes || !obj.hasattr("propose")? || !obj.hasattr("respond")? {
        let shown = obj
            .repr()
            .map_or_else(|_| "?".to_string(), |r| r.to_string());
        return Err(value_error(if classes {
            format!(
                "{shown} is neither a built-in strategy's name nor a pactum.Negotiator subclass"
            )
        } else {
            format!(
                "{shown} is neither a built-in strategy's name nor a negotiator (an object with propose and respond)"
            )
        }));
    }
    Ok(Player::Python {
        name: python_name(obj)?,
        obj: obj.clone().unbind(),
    })
}

/// Builds the negotiator of a seat: a built-in one, or a Python one (a
/// class is instantiated first; an exception there is a fault in round 0
/// reported by a negotiator that then moves no more).
pub fn build_seat(
    py: Python<'_>,
    player: &Player,
    info: &SeatInfo,
    table: &Arc<Table>,
    faults: &Arc<Faults>,
    created: &mut Vec<Py<PyAny>>,
) -> Result<Box<dyn Negotiator>, SimError> {
    match player {
        Player::Builtin(name) => negotiator::build(name, info),
        Player::Python { obj, name } => {
            let bound = obj.bind(py);
            let made = if bound.is_instance_of::<PyType>() {
                bound.call0().map(Bound::unbind)
            } else {
                Ok(obj.clone_ref(py))
            };
            let seated = match made {
                Ok(o) => {
                    created.push(o.clone_ref(py));
                    PyNegotiator::seat(py, o, name, info, table, faults)
                }
                Err(e) => {
                    let failed = PyNegotiator::seat(py, py.None(), name, info, table, faults);
                    failed.map(|mut n| {
                        n.fail_now(&e, py);
                        n
                    })
                }
            };
            seated
                .map(|n| Box::new(n) as Box<dyn Negotiator>)
                .map_err(|e| SimError::Invalid(e.to_string()))
        }
    }
}

/// The strategies of a tournament or a league, and how their built-in
/// ones are seated.
pub struct Lineup {
    /// Who plays, in the order given.
    pub players: Vec<Player>,
    /// Seats the built-in strategies (`llm` through its model).
    pub builder: Builder,
}

impl Lineup {
    /// The lineup of `strategies` (built-in names or negotiator classes);
    /// `llm`: the model the `llm` strategy plays through (see `llm`),
    /// sent `seed`.
    pub fn new(
        strategies: &[Bound<'_, PyAny>],
        llm: Option<&Bound<'_, PyDict>>,
        seed: u64,
    ) -> PyResult<Self> {
        let players = strategies
            .iter()
            .map(|s| player(s, true))
            .collect::<PyResult<Vec<_>>>()?;
        let builtin: Vec<&str> = players
            .iter()
            .filter(|p| matches!(p, Player::Builtin(_)))
            .map(Player::name)
            .collect();
        // Beside Python negotiators the negotiations play on the thread that
        // holds the GIL: the model's requests then release it.
        let holding_gil = builtin.len() != players.len();
        let builder = crate::llm::builder(llm, &builtin, seed, holding_gil)?;
        for name in &builtin {
            builder
                .check(name)
                .map_err(|e| value_error(crate::convert::chain(&e)))?;
        }
        Ok(Lineup { players, builder })
    }

    /// Every player's name in results, in order.
    pub fn names(&self) -> Vec<String> {
        self.players.iter().map(|p| p.name().to_string()).collect()
    }

    /// Whether `name` is a Python negotiator's.
    pub fn is_python(&self, name: &str) -> bool {
        self.players
            .iter()
            .any(|p| matches!(p, Player::Python { .. }) && p.name() == name)
    }

    /// Whether every player is a built-in strategy (then negotiations play
    /// in parallel, without the GIL).
    pub fn all_builtin(&self) -> bool {
        self.players.iter().all(|p| matches!(p, Player::Builtin(_)))
    }

    /// The player named `name`.
    pub fn named(&self, name: &str) -> Option<&Player> {
        self.players.iter().find(|p| p.name() == name)
    }
}

/// Seats `player` in `info`'s seat of `prepared`: a built-in strategy
/// through `builder`, a Python negotiator as [`build_seat`] does.
#[allow(clippy::too_many_arguments)]
pub fn seat_with(
    py: Python<'_>,
    player: &Player,
    builder: &Builder,
    prepared: &Prepared,
    info: &SeatInfo,
    table: &Arc<Table>,
    faults: &Arc<Faults>,
    created: &mut Vec<Py<PyAny>>,
) -> Result<Box<dyn Negotiator>, SimError> {
    match player {
        Player::Builtin(name) => builder.build(name, prepared, info),
        python => build_seat(py, python, info, table, faults, created),
    }
}

/// The prepared scenario with discounting as `discount` asks.
pub fn discounting(p: &Prepared, discount: &str) -> PyResult<Prepared> {
    match discount {
        "scenario" => Ok(p.clone()),
        "none" => Ok(p.clone().without_discount()),
        _ => Err(value_error(format!(
            "discount {discount:?}: expected \"scenario\" or \"none\""
        ))),
    }
}
/// Calls `on_end(result)` on every Python negotiator that has one.
pub fn tell_end(py: Python<'_>, objs: &[Py<PyAny>], result: &Bound<'_, PyAny>) -> PyResult<()> {
    for o in objs {
        let o = o.bind(py);
        if o.hasattr("on_end")? {
            o.call_method1("on_end", (result,))?;
        }
    }
    Ok(())
}
