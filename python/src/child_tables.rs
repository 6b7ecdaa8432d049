//! Child tables (spec §18.5) for `score_many(parent, items={"households": df, …})`: each child
//! table (a pandas DataFrame, a pyarrow Table, anything with the Arrow PyCapsule interface, or
//! CSV text/bytes) becomes the core's `ChildTable`, written as CSV by Arrow's C++ writer (no
//! Python object per cell), and the core joins it to the parent rows by key: the same join, key
//! normalisation, `DuplicateKey` and unmatched-row count as the command and the C library.

use kaoping::table::ChildTable;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

/// The child tables of an `items=` mapping: list path → table.
pub fn child_tables(py: Python<'_>, items: &Bound<'_, PyDict>) -> PyResult<Vec<ChildTable>> {
    let helper = py.import("kaoping._tables")?.getattr("csv_bytes")?;
    let mut out = Vec::with_capacity(items.len());
    for (path, table) in items.iter() {
        let path: String = path.extract().map_err(|_| {
            PyTypeError::new_err("items= maps list paths (str, e.g. \"villages.households\") to tables")
        })?;
        let bytes = if let Ok(s) = table.cast::<PyString>() {
            s.to_cow()?.as_bytes().to_vec()
        } else if let Ok(b) = table.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else {
            helper.call1((table,))?.cast::<PyBytes>()?.as_bytes().to_vec()
        };
        let child = py
            .detach(|| ChildTable::from_csv(path.as_str(), &bytes, None))
            .map_err(|e| crate::errors::input_error(py, format!("items table `{path}`: {e}"), None))?;
        out.push(child);
    }
    Ok(out)
}

/// A join key as the core compares them (spec §18.5: trimmed, full-width forms as ASCII,
/// `510001.0` as `510001`), for partitioning a parent table and its child tables alike
/// (`kaoping.spark`, `kaoping.dask`): rows whose keys join land together.
#[pyfunction]
pub fn _join_key(cell: &str) -> String {
    kaoping::table::join_key(cell)
}

/// Which of `header`'s columns holds the parent's key in the child table for the list path
/// `path` (one level: `"households"`), found as `score_many(items=…)` finds it; the core's error
/// (`InputError`) where no column does or the path is no items input.
#[pyfunction]
pub fn _join_column(
    py: Python<'_>,
    rb: &crate::rulebook::PyRulebook,
    path: &str,
    header: Vec<String>,
) -> PyResult<usize> {
    // The join column is the one a child table of that column alone joins by.
    for (i, h) in header.iter().enumerate() {
        let child = ChildTable::new(path, vec![h.clone()], Vec::new());
        if kaoping::table::join_items(&rb.rb, &mut [], vec![child]).is_ok() {
            return Ok(i);
        }
    }
    let child = ChildTable::new(path, header, Vec::new());
    match kaoping::table::join_items(&rb.rb, &mut [], vec![child]) {
        Err(e) => Err(crate::errors::input_error(py, format!("items table `{path}`: {e}"), None)),
        Ok(_) => Err(crate::errors::internal(format!("no join column found for `{path}`"))),
    }
}
