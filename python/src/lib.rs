//! `kaoping._kaoping`: the native module behind `import kaoping`.
//!
//! Conversion and ownership only: Python values and tables become core records, core results
//! become Python objects (`decimal.Decimal` in and out, never float), core errors become
//! exceptions. Every rule of scoring lives in the `kaoping` crate; the GIL is released while it
//! works.

mod advice;
mod batch;
mod child_tables;
mod columns;
mod compare;
mod design;
mod errors;
mod frame;
mod html;
mod lint;
mod pickle;
mod reconcile;
mod result;
mod rulebook;
mod text;
mod typed;
mod values;

use pyo3::prelude::*;

/// The module's own memory (input columns, batches, the Arrow buffers it hands to pyarrow, which
/// hand them back to it to free) comes from mimalloc rather than the C library's malloc. Inside
/// a Python process, glibc returned a batch's large buffers to the kernel when they were freed,
/// so every call faulted them in and had them zeroed again: 15,000–40,000 page faults and
/// 100–180 ms of kernel time per million CAB rows, which the core alone does not pay.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_t`, mimalloc.h v3, just before
/// `mi_option_use_numa_nodes`; the sys crate exports no constant for it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// Freed memory goes back to the kernel after 10 s unused (jemalloc's default decay) rather than
/// mimalloc's 1 s, so that scoring batch after batch reuses it; `MIMALLOC_PURGE_DELAY` in the
/// environment still decides where it is set.
fn keep_freed_memory() {
    // SAFETY: sets one numeric option (only where the environment did not), at import, before
    // this module has started any thread.
    unsafe { libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 10_000) }
}

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
    keep_freed_memory();
    m.add("__version__", kaoping::VERSION)?;
    errors::register(m)?;
    m.add_class::<PyRulebook>()?;
    m.add_class::<result::ScoreResult>()?;
    m.add_class::<result::Aggregate>()?;
    m.add_class::<advice::Advice>()?;
    m.add_class::<advice::Alternative>()?;
    m.add_class::<advice::Change>()?;
    m.add_class::<advice::Blocker>()?;
    m.add_class::<batch::Batch>()?;
    m.add_class::<batch::Results>()?;
    m.add_class::<batch::Loc>()?;
    m.add_class::<rulebook::Indicator>()?;
    m.add_class::<rulebook::Input>()?;
    m.add_class::<rulebook::TestFailure>()?;
    m.add_class::<lint::Lint>()?;
    m.add_class::<lint::Finding>()?;
    m.add_class::<compare::Comparison>()?;
    m.add_function(wrap_pyfunction!(compare::compare, m)?)?;
    m.add_function(wrap_pyfunction!(builtin, m)?)?;
    m.add_function(wrap_pyfunction!(builtins, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(pickle::_restore_rulebook, m)?)?;
    m.add_function(wrap_pyfunction!(child_tables::_join_key, m)?)?;
    m.add_function(wrap_pyfunction!(child_tables::_join_column, m)?)?;
    m.add_function(wrap_pyfunction!(pickle::_unpickle_compilations, m)?)?;
    m.add_class::<design::DesignResult>()?;
    m.add_function(wrap_pyfunction!(design::design_ahp, m)?)?;
    m.add_function(wrap_pyfunction!(design::design_ahp_hierarchy, m)?)?;
    m.add_function(wrap_pyfunction!(design::design_entropy, m)?)?;
    m.add_function(wrap_pyfunction!(design::design_cv, m)?)?;
    m.add_function(wrap_pyfunction!(design::design_topsis, m)?)?;
    m.add_function(wrap_pyfunction!(design::design_write, m)?)?;
    Ok(())
}
