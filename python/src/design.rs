//! The native half of `kaoping.design` (spec §15): the core's AHP, entropy, CV and TOPSIS called
//! on plain Python lists, results handed back as JSON text (floats in their shortest form, which
//! `json.loads` reads back exactly) and, for results that can be written into a rulebook, an
//! opaque handle `kaoping.design` passes to `design_write`. Converting DataFrames and making
//! dataclasses is the Python half's job (`python/kaoping/design.py`); no number is computed here.

use kaoping::design::write::{NodeWeights, WriteError, WriteOptions, WrittenAs};
use kaoping::design::{self, AhpOptions, CohortTable, DesignError, Direction, PairwiseMatrix};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors;
use crate::rulebook::PyRulebook;

/// A design result that can be written into a rulebook (an AHP matrix's or a cohort's weights).
#[pyclass(frozen, module = "kaoping._kaoping", name = "DesignResult")]
pub struct DesignResult {
    inner: Inner,
}

enum Inner {
    Ahp(design::Ahp),
    Cohort(design::CohortWeights),
}

#[pymethods]
impl DesignResult {
    /// The result as JSON text.
    fn to_json(&self) -> String {
        match &self.inner {
            Inner::Ahp(r) => serde_json::to_string(r),
            Inner::Cohort(r) => serde_json::to_string(r),
        }
        .unwrap_or_default()
    }
}

fn value_error(e: DesignError) -> PyErr {
    PyValueError::new_err(e.message)
}

fn options(method: &str, ri: &str, accept_inconsistent: bool) -> PyResult<AhpOptions> {
    Ok(AhpOptions {
        weighting: method.parse().map_err(value_error)?,
        ri: ri.parse().map_err(value_error)?,
        accept_inconsistent,
    })
}

fn directions(given: Vec<String>) -> PyResult<Vec<Direction>> {
    given.iter().map(|d| d.parse::<Direction>().map_err(value_error)).collect()
}

/// AHP weights of one pairwise matrix (cells as text; `None` below the diagonal: the reciprocal).
#[pyfunction]
#[pyo3(signature = (labels, rows, method, ri, accept_inconsistent))]
pub fn design_ahp(
    py: Python<'_>,
    labels: Vec<String>,
    rows: Cells,
    method: &str,
    ri: &str,
    accept_inconsistent: bool,
) -> PyResult<DesignResult> {
    let opts = options(method, ri, accept_inconsistent)?;
    py.detach(|| PairwiseMatrix::from_text(labels, &rows).and_then(|m| design::ahp(&m, &opts)))
        .map(|r| DesignResult { inner: Inner::Ahp(r) })
        .map_err(value_error)
}

/// Text cells of a pairwise matrix, by row (`None`: the reciprocal of its mirror).
type Cells = Vec<Vec<Option<String>>>;
/// One matrix of a hierarchy: its node (`None`: the goal), labels and cells.
type NodeMatrix = (Option<String>, Vec<String>, Cells);
/// Each matrix's result with its node, and the global weights as JSON text.
type HierarchyOut = (Vec<(Option<String>, DesignResult)>, String);

/// AHP over a hierarchy: `(node or None, labels, rows)` per matrix. Returns each matrix's result
/// with its node, and the global weights as JSON text.
#[pyfunction]
#[pyo3(signature = (nodes, method, ri, accept_inconsistent))]
pub fn design_ahp_hierarchy(
    py: Python<'_>,
    nodes: Vec<NodeMatrix>,
    method: &str,
    ri: &str,
    accept_inconsistent: bool,
) -> PyResult<HierarchyOut> {
    let opts = options(method, ri, accept_inconsistent)?;
    let result = py
        .detach(|| {
            let matrices = nodes
                .into_iter()
                .map(|(node, labels, rows)| {
                    PairwiseMatrix::from_text(labels, &rows)
                        .map_err(|e| {
                            let at = node.as_deref().map_or("the goal".to_owned(), |n| format!("node `{n}`"));
                            DesignError { message: format!("{at}: {}", e.message) }
                        })
                        .map(|m| (node, m))
                })
                .collect::<Result<Vec<_>, _>>()?;
            design::ahp_hierarchy(&matrices, &opts)
        })
        .map_err(value_error)?;
    let global = serde_json::to_string(&result.global).unwrap_or_default();
    let local = result.local.into_iter().map(|(n, r)| (n, DesignResult { inner: Inner::Ahp(r) })).collect();
    Ok((local, global))
}

fn cohort(labels: Vec<String>, keys: Vec<String>, rows: Vec<Vec<f64>>) -> Result<CohortTable, DesignError> {
    CohortTable::new(labels, keys, rows)
}

/// Entropy weights of a cohort (rows of floats; directions "benefit"/"cost" per column).
#[pyfunction]
pub fn design_entropy(
    py: Python<'_>,
    labels: Vec<String>,
    keys: Vec<String>,
    rows: Vec<Vec<f64>>,
    directions: Vec<String>,
) -> PyResult<DesignResult> {
    let dirs = self::directions(directions)?;
    py.detach(|| cohort(labels, keys, rows).and_then(|t| design::entropy(&t, &dirs)))
        .map(|r| DesignResult { inner: Inner::Cohort(r) })
        .map_err(value_error)
}

/// Coefficient-of-variation weights of a cohort.
#[pyfunction]
pub fn design_cv(
    py: Python<'_>,
    labels: Vec<String>,
    keys: Vec<String>,
    rows: Vec<Vec<f64>>,
) -> PyResult<DesignResult> {
    py.detach(|| cohort(labels, keys, rows).and_then(|t| design::coefficient_of_variation(&t)))
        .map(|r| DesignResult { inner: Inner::Cohort(r) })
        .map_err(value_error)
}

/// TOPSIS over a cohort, as JSON text.
#[pyfunction]
pub fn design_topsis(
    py: Python<'_>,
    labels: Vec<String>,
    keys: Vec<String>,
    rows: Vec<Vec<f64>>,
    weights: Vec<f64>,
    directions: Vec<String>,
) -> PyResult<String> {
    let dirs = self::directions(directions)?;
    py.detach(|| cohort(labels, keys, rows).and_then(|t| design::topsis(&t, &weights, &dirs)))
        .map(|r| serde_json::to_string(&r).unwrap_or_default())
        .map_err(value_error)
}

/// Write results into a variant of `rulebook`: `(node or None, result)` per part.
#[pyfunction]
#[pyo3(signature = (rulebook, parts, written_as, places, date))]
pub fn design_write(
    py: Python<'_>,
    rulebook: &PyRulebook,
    parts: Vec<(Option<String>, Py<DesignResult>)>,
    written_as: Option<&str>,
    places: Option<u32>,
    date: &Bound<'_, PyAny>,
) -> PyResult<PyRulebook> {
    let written_as = written_as.map(str::parse::<WrittenAs>).transpose().map_err(value_error)?;
    let date = crate::values::date_from_py(date)?;
    let parts: Vec<NodeWeights> = parts
        .iter()
        .map(|(node, r)| match &r.get().inner {
            Inner::Ahp(a) => NodeWeights::from_ahp(node.as_deref(), a),
            Inner::Cohort(c) => NodeWeights::from_cohort(node.as_deref(), c),
        })
        .collect();
    let opts = WriteOptions { written_as, places, date };
    let rb = &rulebook.rb;
    match py.detach(|| design::write::variant(rb, &parts, &opts)) {
        Ok(v) => Ok(PyRulebook::new(v)),
        Err(WriteError::Design(e)) => Err(value_error(e)),
        Err(WriteError::Load(e)) => Err(errors::load_error(py, &e)),
    }
}
