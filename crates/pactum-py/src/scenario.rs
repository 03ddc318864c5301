//! Scenarios in Python: `load`, `loads`, `Scenario.from_dict`, and what a
//! scenario shows (`issues`, `parties`, `negotiators`, `utility`,
//! `outcome_count`, `to_dict`).
//!
//! Rules: a scenario is built only by the library's readers, so it is
//! valid (the model's invariants) and its errors name the file, line or
//! field; `to_dict` is Pactum's native format, which `from_dict` reads
//! back to the same scenario; a scenario is immutable. The simulator's
//! tables (`Prepared`) and the frontier distances (`Metrics`) are built
//! once, when first needed.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use pactum_core::{IssueKind, Loaded};
use pactum_sim::Prepared;
use pactum_sim::metrics::Metrics;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::convert::{
    OutcomeDicts, core_error, issue_values, json_dumps, json_loads, package_of, value_error,
};

/// One issue of a scenario: its name and its values, in order.
#[pyclass(module = "pactum", frozen)]
pub struct Issue {
    issue: pactum_core::Issue,
}

#[pymethods]
impl Issue {
    /// The issue's name.
    #[getter]
    fn name(&self) -> &str {
        &self.issue.name
    }

    /// Its values in order: option texts, integers, or a real issue's grid points.
    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, issue_values(py, &self.issue)?)
    }

    /// "discrete", "integer" or "real".
    #[getter]
    fn kind(&self) -> &'static str {
        match self.issue.kind {
            IssueKind::Discrete { .. } => "discrete",
            IssueKind::Integer { .. } => "integer",
            IssueKind::Real { .. } => "real",
        }
    }

    /// Number of values.
    fn __len__(&self) -> usize {
        self.issue.cardinality() as usize
    }

    fn __repr__(&self) -> String {
        format!(
            "Issue({:?}, {} {} values)",
            self.issue.name,
            self.issue.cardinality(),
            self.kind()
        )
    }
}

/// One party of a scenario.
#[pyclass(module = "pactum", frozen, get_all)]
pub struct Party {
    /// Its name.
    name: String,
    /// "negotiator", "mediator" or "observer".
    role: String,
    /// Its reservation value (utility of no agreement), if it has one.
    reservation_value: Option<f64>,
    /// Its GENIUS discount factor, if it has one.
    discount_factor: Option<f64>,
}

#[pymethods]
impl Party {
    fn __repr__(&self) -> String {
        format!("Party({:?}, role={:?})", self.name, self.role)
    }
}

/// A negotiation scenario: issues, parties and their preferences.
#[pyclass(module = "pactum", frozen)]
pub struct Scenario {
    /// The scenario as read, with the reader's warnings.
    pub loaded: Loaded,
    /// Where it came from (a path, or a label given), naming it in tournaments.
    pub label: String,
    prepared: OnceLock<Result<Prepared, String>>,
    metrics: OnceLock<Metrics>,
    /// Its outcomes as dicts, for the negotiators played on it.
    outcomes: Arc<OutcomeDicts>,
}

impl Scenario {
    /// A scenario read by the library.
    pub fn new(loaded: Loaded, label: String) -> Self {
        Scenario {
            loaded,
            label,
            prepared: OnceLock::new(),
            metrics: OnceLock::new(),
            outcomes: Arc::default(),
        }
    }

    /// The simulator's tables (built once).
    pub fn prepared(&self) -> PyResult<&Prepared> {
        self.prepared
            .get_or_init(|| {
                Prepared::new(self.loaded.scenario.clone()).map_err(|e| crate::convert::chain(&e))
            })
            .as_ref()
            .map_err(|e| crate::PactumError::new_err(e.clone()))
    }

    /// The frontier and Nash point results are measured against (built once).
    pub fn metrics(&self) -> PyResult<&Metrics> {
        let p = self.prepared()?;
        Ok(self.metrics.get_or_init(|| Metrics::new(p)))
    }

    /// Its outcomes as dicts, shared by the negotiations played on it.
    pub fn outcome_dicts(&self) -> Arc<OutcomeDicts> {
        self.outcomes.clone()
    }

    /// The model.
    pub fn model(&self) -> &pactum_core::Scenario {
        &self.loaded.scenario
    }
}

/// Reads a native document (`format` "json" or "toml").
fn read_text(text: &str, format: &str, label: &str) -> PyResult<Loaded> {
    match format {
        "json" => pactum_core::native::from_json(label, text),
        "toml" => pactum_core::native::from_toml(label, text),
        _ => {
            return Err(value_error(format!(
                "format {format:?}: expected \"json\" or \"toml\""
            )));
        }
    }
    .map_err(core_error)
}

#[pymethods]
impl Scenario {
    /// Builds a validated scenario from Pactum's native format as a dict
    /// (what `to_dict` returns); errors name the field.
    #[staticmethod]
    #[pyo3(signature = (d, label = None))]
    fn from_dict(d: &Bound<'_, PyAny>, label: Option<String>) -> PyResult<Self> {
        if !d.is_instance_of::<PyDict>() {
            return Err(value_error(
                "Scenario.from_dict takes a dict (Pactum's native scenario format)",
            ));
        }
        // One value per line, so that a position names the value's key.
        let text = json_dumps(d)?;
        let label = label.unwrap_or_else(|| "<dict>".to_string());
        match pactum_core::native::from_json(&label, &text) {
            Ok(loaded) => Ok(Scenario::new(loaded, label)),
            Err(pactum_core::Error::Format {
                location, message, ..
            }) if location.field.is_none() && location.line.is_some() => {
                let line = location.line.unwrap_or(1);
                let near = text.lines().nth(line - 1).unwrap_or("").trim();
                Err(crate::PactumError::new_err(format!(
                    "{label}: {message} (at {near})"
                )))
            }
            Err(e) => Err(core_error(e)),
        }
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        self.model().name()
    }

    /// Where it came from: the path it was loaded from, or the label given.
    #[getter]
    fn label(&self) -> &str {
        &self.label
    }

    /// What the reader had to tell (ignored parts, normalisations).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.loaded.warnings.clone()
    }

    /// The issues, in order.
    #[getter]
    fn issues(&self) -> Vec<Issue> {
        issue_objects(self.model())
    }

    /// The parties, in order.
    #[getter]
    fn parties(&self) -> Vec<Party> {
        self.model()
            .parties()
            .iter()
            .map(|p| Party {
                name: p.name.clone(),
                role: p.role.to_string(),
                reservation_value: p.preferences.as_ref().and_then(|x| x.reservation_value),
                discount_factor: p.preferences.as_ref().and_then(|x| x.discount_factor),
            })
            .collect()
    }

    /// Names of the negotiators, in order (the order of every utility list).
    #[getter]
    fn negotiators(&self) -> Vec<String> {
        self.model().negotiator_names()
    }

    /// Number of complete outcomes.
    #[getter]
    fn outcome_count(&self) -> u128 {
        self.model().outcome_count()
    }

    /// A party's utility of an outcome (a dict issue → value).
    fn utility(&self, party: &str, outcome: &Bound<'_, PyAny>) -> PyResult<f64> {
        let s = self.model();
        let index = s.party_index(party).ok_or_else(|| {
            let names: Vec<&str> = s.parties().iter().map(|p| p.name.as_str()).collect();
            value_error(format!(
                "unknown party {party:?} (parties: {})",
                names.join(", ")
            ))
        })?;
        let prefs = s.parties()[index].preferences.as_ref().ok_or_else(|| {
            value_error(format!(
                "party {party:?} has no preferences (it is not a negotiator)"
            ))
        })?;
        let package = package_of(s, outcome).map_err(value_error)?;
        Ok(prefs.utility.utility(s.issues(), &package))
    }

    /// Pactum's native scenario format as a dict (`Scenario.from_dict` reads it).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = pactum_core::native::loaded_to_json(&self.loaded).map_err(core_error)?;
        json_loads(py, &text)
    }

    /// The native format as TOML text.
    fn to_toml(&self) -> PyResult<String> {
        pactum_core::native::loaded_to_toml(&self.loaded).map_err(core_error)
    }

    /// The native format as JSON text.
    fn to_json(&self) -> PyResult<String> {
        pactum_core::native::loaded_to_json(&self.loaded).map_err(core_error)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let from_dict = py.get_type::<Scenario>().getattr("from_dict")?;
        let args = PyTuple::new(
            py,
            [
                self.to_dict(py)?,
                self.label.clone().into_pyobject(py)?.into_any(),
            ],
        )?;
        PyTuple::new(py, [from_dict, args.into_any()])
    }

    fn __repr__(&self) -> String {
        format!(
            "Scenario({:?}: {} issues, negotiators {})",
            self.model().name(),
            self.model().issues().len(),
            self.model().negotiator_names().join(", ")
        )
    }
}

/// Reads a scenario in any format the command line reads: a native
/// `.toml`/`.json` file, or a folder of GENIUS XML or GeniusWeb JSON files
/// (`profiles`: the profiles to seat, by file stem; default all).
#[pyfunction]
#[pyo3(signature = (path, profiles = None))]
fn load(path: PathBuf, profiles: Option<Vec<String>>) -> PyResult<Scenario> {
    let loaded = pactum_core::io::load(&path, profiles.as_deref()).map_err(core_error)?;
    Ok(Scenario::new(loaded, path.display().to_string()))
}

/// Reads a scenario from native text (`format` "json" or "toml").
#[pyfunction]
#[pyo3(signature = (text, format = "json", label = None))]
fn loads(text: &str, format: &str, label: Option<String>) -> PyResult<Scenario> {
    let label = label.unwrap_or_else(|| format!("<{format} text>"));
    Ok(Scenario::new(read_text(text, format, &label)?, label))
}

/// A scenario's issues as Python objects.
pub fn issue_objects(s: &pactum_core::Scenario) -> Vec<Issue> {
    s.issues()
        .iter()
        .map(|i| Issue { issue: i.clone() })
        .collect()
}

/// A scenario given as a `Scenario` or a path.
pub fn scenario_arg(obj: &Bound<'_, PyAny>) -> PyResult<Py<Scenario>> {
    if let Ok(s) = obj.cast::<Scenario>() {
        return Ok(s.clone().unbind());
    }
    let path: PathBuf = obj
        .extract()
        .map_err(|_| value_error("a scenario is a pactum.Scenario or a path"))?;
    Py::new(obj.py(), load(path, None)?)
}

/// Adds the scenario classes and readers to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Issue>()?;
    m.add_class::<Party>()?;
    m.add_class::<Scenario>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    Ok(())
}
