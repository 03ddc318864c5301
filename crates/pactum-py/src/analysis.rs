//! `pactum.analyze(scenario) -> Analysis`: the exact analysis of the
//! library, as the document `pactum analyze --json` prints.
//!
//! Rules: `to_dict()` is that document, field for field, built by the
//! library as the command line builds it (`AnalysisDocument`: with GENIUS's
//! frontier compared, when the folder has a `pareto.xml`); every other attribute is read from it, except
//! `frontier_utilities`, a NumPy array (frontier points × negotiators).
//! The analysis runs without the GIL and within the library's budget
//! (docs/budgets.md): work beyond it is a `PactumError`.

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray2};
use pactum_core::analysis::{AnalysisDocument, AnalysisOptions, Method};
use pyo3::prelude::*;

use crate::convert::{json_loads, pactum_error};
use crate::scenario::Scenario;
use crate::view;

/// What `analyze` found: the zone of possible agreement, the Pareto
/// frontier and the fair packages.
#[pyclass(module = "pactum", frozen)]
pub struct Analysis {
    text: String,
    doc: Py<PyAny>,
    negotiators: Vec<String>,
    utilities: Vec<Vec<f64>>,
    solutions: Vec<(&'static str, Vec<f64>)>,
}

#[pymethods]
impl Analysis {
    /// The document of `pactum analyze --json`, as a new dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.text)
    }

    /// The frontier points, each a dict with `outcome` (issue → value),
    /// `utilities` (in negotiator order), `outcome_count` and `tied_outcomes`.
    #[getter]
    fn frontier<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.doc.bind(py).get_item("frontier")
    }

    /// The frontier's utilities: a NumPy array, points × negotiators.
    #[getter]
    fn frontier_utilities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let n = self.negotiators.len();
        let flat: Vec<f64> = self.utilities.iter().flatten().copied().collect();
        let array =
            Array2::from_shape_vec((self.utilities.len(), n), flat).map_err(pactum_error)?;
        Ok(array.into_pyarray(py))
    }

    /// `nash`, `kalai_smorodinsky`, `egalitarian`, `utilitarian`: each a
    /// dict with `outcome` and `utilities` (and `frontier_index`,
    /// `objective`, `ties`), or None without rational outcomes.
    #[getter]
    fn solutions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.doc.bind(py).get_item("solutions")
    }

    /// The zone of possible agreement: `count`, `fraction`, `exact`, `empty`, `notes`.
    #[getter]
    fn zopa<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.doc.bind(py).get_item("zopa")
    }

    /// Names of the negotiators: the order of every `utilities` list.
    #[getter]
    fn negotiators(&self) -> Vec<String> {
        self.negotiators.clone()
    }

    /// Number of complete outcomes.
    #[getter]
    fn outcome_count<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.doc.bind(py).get_item("outcome_count")
    }

    /// A table of the fair packages and a plot of the utility space (Jupyter).
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let doc = self.doc.bind(py);
        let name: String = doc.get_item("scenario")?.extract()?;
        let zopa = doc.get_item("zopa")?;
        let zopa_line = format!(
            "{} of {} outcomes rational ({:.2}%{})",
            zopa.get_item("count")?,
            doc.get_item("outcome_count")?,
            100.0 * zopa.get_item("fraction")?.extract::<f64>()?,
            if zopa.get_item("exact")?.extract::<bool>()? {
                ""
            } else {
                ", estimated"
            }
        );
        let mut rows = Vec::new();
        for (concept, _) in &self.solutions {
            let s = doc.get_item("solutions")?.get_item(*concept)?;
            if s.is_none() {
                continue;
            }
            let outcome = s.get_item("outcome")?;
            let package: Vec<String> = outcome
                .call_method0("items")?
                .try_iter()?
                .map(|kv| {
                    let kv = kv?;
                    Ok(format!("{} = {}", kv.get_item(0)?, kv.get_item(1)?))
                })
                .collect::<PyResult<_>>()?;
            let utilities: Vec<f64> = s.get_item("utilities")?.extract()?;
            rows.push(view::Row {
                concept,
                package: package.join(", "),
                utilities,
            });
        }
        Ok(view::html(&view::Picture {
            name: &name,
            zopa: &zopa_line,
            negotiators: &self.negotiators,
            frontier: &self.utilities,
            solutions: &self.solutions,
            rows: &rows,
        }))
    }

    fn __repr__(&self) -> String {
        format!(
            "Analysis({} frontier points, negotiators {})",
            self.utilities.len(),
            self.negotiators.join(", ")
        )
    }
}

/// Analyses a scenario exactly: the zone of possible agreement, the Pareto
/// frontier and the fair packages (`enumerate`: enumerate every outcome
/// instead of folding issue by issue).
#[pyfunction]
#[pyo3(signature = (scenario, *, enumerate = false))]
fn analyze(py: Python<'_>, scenario: &Bound<'_, Scenario>, enumerate: bool) -> PyResult<Analysis> {
    let s = scenario.get();
    let opts = AnalysisOptions {
        method: if enumerate {
            Method::Enumerate
        } else {
            Method::Auto
        },
        ..Default::default()
    };
    let model = s.model();
    let analysis = py
        .detach(|| pactum_core::analysis::analyze(model, &opts))
        .map_err(|e| {
            crate::PactumError::new_err(format!(
                "cannot analyse {}: {}",
                s.label,
                crate::convert::chain(&e)
            ))
        })?;
    let doc = AnalysisDocument::new(&analysis, s.loaded.reference_frontier.as_ref());
    let text = serde_json::to_string(&doc).map_err(pactum_error)?;
    let doc = json_loads(py, &text)?.unbind();
    let sol = &analysis.solutions;
    let solutions = [
        ("nash", &sol.nash),
        ("kalai_smorodinsky", &sol.kalai_smorodinsky),
        ("egalitarian", &sol.egalitarian),
        ("utilitarian", &sol.utilitarian),
    ]
    .into_iter()
    .filter_map(|(k, s)| s.as_ref().map(|s| (k, s.utilities.clone())))
    .collect();
    Ok(Analysis {
        text,
        doc,
        negotiators: analysis.negotiators.clone(),
        utilities: analysis
            .frontier
            .iter()
            .map(|e| e.utilities.clone())
            .collect(),
        solutions,
    })
}

/// Adds `analyze` and `Analysis` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Analysis>()?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    Ok(())
}
