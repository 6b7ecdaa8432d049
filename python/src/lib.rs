//! `kaoping._kaoping`: the native module behind `import kaoping`.
//!
//! Conversion and ownership only: Python values and tables become core records, core results
//! become Python objects (`decimal.Decimal` in and out, never float), core errors become
//! exceptions. Every rule of scoring lives in the `kaoping` crate; the GIL is released while it
//! works.

mod batch;
mod columns;
mod errors;
mod result;
mod rulebook;
mod typed;
mod values;

use pyo3::prelude::*;

use crate::rulebook::PyRulebook;

/// A built-in rulebook by id (see `builtins()`).
#[pyfunction]
fn builtin(py: Python<'_>, id: &str) -> PyResult<PyRulebook> {
    kaoping::Rulebook::builtin(id).map(PyRulebook::new).map_err(|e| errors::load_error(py, &e))
}

/// The ids of the built-in rulebooks.
#[pyfunction]
fn builtins() -> Vec<&'static str> {
    kaoping::Rulebook::builtin_ids()
}

/// Every error kind of the core: (code, name, exception class name), in code order.
#[pyfunction]
fn error_kinds() -> Vec<(i32, &'static str, String)> {
    kaoping::ErrorKind::ALL.iter().map(|k| (k.code(), k.name(), errors::class_name(*k))).collect()
}

#[pymodule]
fn _kaoping(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", kaoping::VERSION)?;
    errors::register(m)?;
    m.add_class::<PyRulebook>()?;
    m.add_class::<result::ScoreResult>()?;
    m.add_class::<batch::Batch>()?;
    m.add_class::<batch::Results>()?;
    m.add_class::<rulebook::Indicator>()?;
    m.add_class::<rulebook::Input>()?;
    m.add_class::<rulebook::TestFailure>()?;
    m.add_function(wrap_pyfunction!(builtin, m)?)?;
    m.add_function(wrap_pyfunction!(builtins, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    Ok(())
}
