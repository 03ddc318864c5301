//! Between Rust and Python: errors, issue values, outcomes and JSON
//! documents.
//!
//! Rules: an outcome from Python is a dict naming every issue once, each
//! with one of the issue's values (an option's text, an integer, a number
//! on a real issue's grid); anything else is refused with a message naming
//! the issue and the value. A JSON document reaches Python through its text
//! and `json.loads`, so its field order and numbers are the text's.

use std::fmt::Display;

use pactum_core::{Issue, IssueKind, Scenario, Value};
use pactum_sim::{OutcomeId, Prepared};
use pyo3::exceptions::{PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::PactumError;

/// An error and its causes, one after another.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// A scenario error as a Python exception (a missing file is a
/// `FileNotFoundError`).
pub fn core_error(e: pactum_core::Error) -> PyErr {
    if let pactum_core::Error::Input(pactum_core::fsutil::InputFileError::Io { error, .. }) = &e
        && error.kind() == std::io::ErrorKind::NotFound
    {
        return PyFileNotFoundError::new_err(chain(&e));
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(c) = cause {
        if c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
        {
            return PyFileNotFoundError::new_err(chain(&e));
        }
        cause = c.source();
    }
    PactumError::new_err(chain(&e))
}

/// Any other library error as a `PactumError`.
pub fn pactum_error(e: impl std::error::Error + 'static) -> PyErr {
    PactumError::new_err(chain(&e))
}

/// A bad argument.
pub fn value_error(message: impl Display) -> PyErr {
    PyValueError::new_err(message.to_string())
}

/// An issue value as a Python object.
pub fn value_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Integer(i) => i.into_pyobject(py)?.into_any(),
        Value::Real(x) => PyFloat::new(py, *x).into_any(),
        Value::Text(s) => PyString::new(py, s).into_any(),
    })
}

/// Every value of an issue, in order.
pub fn issue_values<'py>(py: Python<'py>, issue: &Issue) -> PyResult<Vec<Bound<'py, PyAny>>> {
    (0..issue.cardinality() as u32)
        .map(|k| value_to_py(py, &issue.value(k)))
        .collect()
}

/// The index of a Python value on `issue`, or why it is none of its values.
fn index_of(issue: &Issue, v: &Bound<'_, PyAny>) -> Result<u32, String> {
    let value = if v.is_instance_of::<PyBool>() {
        None
    } else if let Ok(s) = v.cast::<PyString>() {
        Some(Value::Text(
            s.to_str().map_err(|e| e.to_string())?.to_string(),
        ))
    } else if v.is_instance_of::<PyInt>() {
        v.extract::<i64>().ok().map(Value::Integer)
    } else if v.is_instance_of::<PyFloat>() {
        v.extract::<f64>().ok().map(Value::Real)
    } else {
        // NumPy scalars and other numbers.
        match (v.extract::<i64>(), v.extract::<f64>()) {
            (Ok(i), _) => Some(Value::Integer(i)),
            (_, Ok(x)) => Some(Value::Real(x)),
            _ => None,
        }
    };
    let shown = v.repr().map_or_else(|_| "?".to_string(), |r| r.to_string());
    let found = value.as_ref().and_then(|value| {
        issue
            .index_of(value)
            .or_else(|| match (&issue.kind, value) {
                (IssueKind::Real { .. }, Value::Integer(i)) => {
                    issue.index_of(&Value::Real(*i as f64))
                }
                _ => None,
            })
    });
    found.ok_or_else(|| {
        let expected = match &issue.kind {
            IssueKind::Discrete { options } => {
                let mut listed: Vec<&str> = options.iter().take(8).map(String::as_str).collect();
                if options.len() > 8 {
                    listed.push("…");
                }
                format!("one of {}", listed.join(", "))
            }
            IssueKind::Integer { min, max } => format!("an integer from {min} to {max}"),
            IssueKind::Real { min, max, levels } => {
                format!("one of the {levels} grid points from {min} to {max}")
            }
        };
        format!(
            "issue {:?}: {shown} is not a value (expected {expected})",
            issue.name
        )
    })
}

/// A Python outcome (a dict issue → value) as value indices in issue
/// order, or why it is not one.
pub fn package_of(scenario: &Scenario, obj: &Bound<'_, PyAny>) -> Result<Vec<u32>, String> {
    let dict = obj.cast::<PyDict>().map_err(|_| {
        let ty = obj
            .get_type()
            .name()
            .map_or_else(|_| "?".to_string(), |n| n.to_string());
        format!("an outcome is a dict issue → value, got {ty}")
    })?;
    let issues = scenario.issues();
    let mut package = Vec::with_capacity(issues.len());
    for issue in issues {
        let v = dict
            .get_item(&issue.name)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("the outcome has no value for issue {:?}", issue.name))?;
        package.push(index_of(issue, &v)?);
    }
    if dict.len() != issues.len() {
        for key in dict.keys() {
            let known = key
                .extract::<String>()
                .is_ok_and(|k| scenario.issue_index(&k).is_some());
            if !known {
                let shown = key
                    .repr()
                    .map_or_else(|_| "?".to_string(), |r| r.to_string());
                return Err(format!("the outcome names {shown}, which is not an issue"));
            }
        }
    }
    Ok(package)
}

/// A Python outcome as an outcome id of a prepared scenario, or why it is
/// not one.
pub fn outcome_of(p: &Prepared, obj: &Bound<'_, PyAny>) -> Result<OutcomeId, String> {
    let package = package_of(&p.scenario, obj)?;
    p.space.encode(&package).map_err(|e| e.to_string())
}

/// An outcome id as a dict issue → value.
pub fn outcome_to_py<'py>(
    py: Python<'py>,
    p: &Prepared,
    id: OutcomeId,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    let issues = p.scenario.issues();
    for (i, issue) in issues.iter().enumerate() {
        dict.set_item(
            &issue.name,
            value_to_py(py, &issue.value(p.space.value(id, i)))?,
        )?;
    }
    Ok(dict)
}

/// An agreement as Python gives it: the outcome's dict, or None.
pub fn agreement_to_py<'py>(
    py: Python<'py>,
    p: &Prepared,
    agreement: Option<OutcomeId>,
) -> PyResult<Bound<'py, PyAny>> {
    match agreement {
        Some(a) => Ok(outcome_to_py(py, p, a)?.into_any()),
        None => Ok(py.None().into_bound(py)),
    }
}

/// Every outcome of a scenario as a dict issue → value, built once (on the
/// first `info.outcomes()`) and kept with the scenario; each call hands out
/// copies, so a negotiator may change its dicts without touching another's.
pub struct OutcomeDicts(PyOnceLock<Py<PyList>>);

impl Default for OutcomeDicts {
    fn default() -> Self {
        OutcomeDicts(PyOnceLock::new())
    }
}

impl OutcomeDicts {
    /// Fresh copies of every outcome's dict, in enumeration order.
    pub fn copies<'py>(&self, py: Python<'py>, p: &Prepared) -> PyResult<Bound<'py, PyList>> {
        self.copies_in(py, p, 0..p.space.len() as OutcomeId)
    }

    /// Fresh copies of the dicts of `ids`, in that order.
    pub fn copies_in<'py>(
        &self,
        py: Python<'py>,
        p: &Prepared,
        ids: impl IntoIterator<Item = OutcomeId>,
    ) -> PyResult<Bound<'py, PyList>> {
        let all = self.0.get_or_try_init(py, || {
            let list = PyList::empty(py);
            for id in 0..p.space.len() {
                list.append(outcome_to_py(py, p, id as OutcomeId)?)?;
            }
            Ok::<_, PyErr>(list.unbind())
        })?;
        let all = all.bind(py);
        let out = PyList::empty(py);
        for id in ids {
            out.append(all.get_item(id as usize)?.cast_into::<PyDict>()?.copy()?)?;
        }
        Ok(out)
    }
}

/// A serialisable document as Python objects (through its JSON text).
pub fn to_python<'py>(py: Python<'py>, doc: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(doc).map_err(pactum_error)?;
    json_loads(py, &text)
}

/// `json.loads(text)`.
pub fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// `json.dumps(obj, indent=0)`: one value per line.
pub fn json_dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let kwargs = PyDict::new(obj.py());
    kwargs.set_item("indent", 0)?;
    obj.py()
        .import("json")?
        .call_method("dumps", (obj,), Some(&kwargs))?
        .extract()
}
