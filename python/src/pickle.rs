//! Rulebooks that travel: what `pickle` (and so Spark, Dask, multiprocessing) sends of a
//! `kaoping.Rulebook` to another process, and how that process gets the rulebook back.
//!
//! A rulebook travels as its state, not as compiled code: the text it was loaded from, that
//! text's format, its fingerprint, and the same state of each of its component rulebooks. The
//! receiving process compiles it once: a per-process cache keyed by the fingerprints (its own and
//! its components', which a parent's fingerprint does not cover) hands every later copy the same
//! compiled rulebook, so a worker that receives the rulebook with each of a thousand tasks
//! compiles it once. After compiling, the fingerprint is checked against the one sent: a rulebook
//! never comes back different from the one that left.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use kaoping::{Format, Loader, Rulebook};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors;
use crate::rulebook::PyRulebook;
use crate::values::Shape;

/// The layout of the state below; a process given another layout says so rather than guessing.
const STATE_VERSION: u32 = 1;

/// A rulebook's state: (layout version, kaoping version, text, format, fingerprint, components'
/// states).
type State = (u32, String, String, String, String, Vec<Py<PyAny>>);

/// A rulebook's state, as pickle stores it (see the module's documentation).
pub fn state<'py>(py: Python<'py>, rb: &Rulebook) -> PyResult<Bound<'py, PyTuple>> {
    let (Some(text), Some(format)) = (rb.text(), rb.text_format()) else {
        return Err(PyTypeError::new_err(format!("rulebook `{}` has no text to pickle", rb.id())));
    };
    // As `Format`'s Display spells it ("toml", "json"), which `Format::from_str` reads back.
    let format = format.to_string();
    let components = linked(rb)
        .into_iter()
        .map(|c| Ok(state(py, &c)?.into_any().unbind()))
        .collect::<PyResult<Vec<_>>>()?;
    (STATE_VERSION, kaoping::VERSION, text, format, rb.fingerprint(), components).into_pyobject(py)
}

/// The rulebooks loading `rb` again needs: those its component rules name, then those that
/// score the items of its list inputs (spec §18.2), each once.
fn linked(rb: &Rulebook) -> Vec<Rulebook> {
    let mut out = rb.components();
    for input in rb.inputs() {
        if let Some(sub) = rb.item_rulebook(&input.name)
            && !out.iter().any(|c| c.id() == sub.id() && c.fingerprint() == sub.fingerprint())
        {
            out.push(sub);
        }
    }
    out
}

/// A rulebook's state, read: its own fields, and its components' states read the same way.
struct Read {
    kaoping_version: String,
    text: String,
    format: Format,
    fingerprint: String,
    components: Vec<Read>,
}

impl Read {
    fn from(obj: &Bound<'_, PyAny>) -> PyResult<Read> {
        let (layout, kaoping_version, text, format, fingerprint, components): State =
            obj.extract().map_err(|_| {
                PyTypeError::new_err("not the pickled state of a kaoping.Rulebook (a tuple of six fields)")
            })?;
        if layout != STATE_VERSION {
            return Err(PyValueError::new_err(format!(
                "this rulebook was pickled by kaoping {kaoping_version} in state layout {layout}; kaoping {} reads layout {STATE_VERSION}",
                kaoping::VERSION
            )));
        }
        let format = match format.as_str() {
            "toml" => Format::Toml,
            "json" => Format::Json,
            other => {
                return Err(PyValueError::new_err(format!(
                    "a pickled rulebook's format is toml or json, not {other:?}"
                )));
            }
        };
        let py = obj.py();
        let components = components.iter().map(|c| Read::from(c.bind(py))).collect::<PyResult<_>>()?;
        Ok(Read { kaoping_version, text, format, fingerprint, components })
    }

    /// The cache key: its fingerprint, then its components' keys. A parent's fingerprint covers
    /// its own text only, and the same parent linked to another component is another rulebook.
    fn key(&self) -> String {
        let mut key = self.fingerprint.clone();
        if !self.components.is_empty() {
            key.push('(');
            for (i, c) in self.components.iter().enumerate() {
                if i > 0 {
                    key.push(',');
                }
                key.push_str(&c.key());
            }
            key.push(')');
        }
        key
    }
}

/// A compiled rulebook with its Python-side shape (what a `PyRulebook` holds).
type Entry = (Rulebook, Arc<Shape>);

/// The compiled rulebooks this process has received, by key. Never emptied: a process receives
/// a handful of rulebooks, each compiled once, and each is as large as its text.
fn cache() -> &'static Mutex<HashMap<String, Entry>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Entry>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// How many rulebooks this process has compiled from pickled states.
static COMPILED: AtomicUsize = AtomicUsize::new(0);

/// The rulebook a state describes: from the cache, or compiled (components first) and checked.
fn rulebook(py: Python<'_>, read: &Read) -> PyResult<Entry> {
    let key = read.key();
    if let Some(hit) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit);
    }
    let mut loader = Loader::new();
    for c in &read.components {
        loader = loader.with(rulebook(py, c)?.0);
    }
    // Compiled outside the lock (and without the GIL): two threads receiving the same new
    // rulebook at once may both compile it; both get the same rulebook.
    let rb =
        py.detach(|| loader.load_str(&read.text, read.format)).map_err(|e| errors::load_error(py, &e))?;
    COMPILED.fetch_add(1, Ordering::Relaxed);
    if rb.fingerprint() != read.fingerprint {
        return Err(PyValueError::new_err(format!(
            "the unpickled rulebook `{}` has fingerprint {}, not {} as when it was pickled (by kaoping {}; this is kaoping {}): its text was changed on the way, or the two versions read it differently",
            rb.id(),
            rb.fingerprint(),
            read.fingerprint,
            read.kaoping_version,
            kaoping::VERSION
        )));
    }
    let entry = (rb.clone(), Arc::new(Shape::of(&rb)));
    if let Ok(mut c) = cache().lock() {
        c.entry(key).or_insert_with(|| entry.clone());
    }
    Ok(entry)
}

/// Rebuild a pickled `Rulebook` from its state (what `Rulebook.__reduce__` names; not for calling
/// directly). Each rulebook is compiled once per process, then served from a cache.
#[pyfunction]
pub fn _restore_rulebook(py: Python<'_>, state: &Bound<'_, PyAny>) -> PyResult<PyRulebook> {
    let (rb, shape) = rulebook(py, &Read::from(state)?)?;
    Ok(PyRulebook { rb, shape })
}

/// How many times this process has compiled a rulebook from a pickled state, components
/// included (for tests: a worker sent the same rulebook with every task compiles it once).
#[pyfunction]
pub fn _unpickle_compilations() -> usize {
    COMPILED.load(Ordering::Relaxed)
}
