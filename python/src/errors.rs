//! Exceptions: `KaopingError`, its three groups (`RulebookError`, `InputError`,
//! `EvaluationError`) and one subclass per core [`ErrorKind`], built from `ErrorKind::ALL` so the
//! mapping cannot miss a kind. Load errors carry their problems, record errors their issues, as
//! structured data ([`Problem`], [`Issue`]).
//!
//! The classes are made at import with `type(name, bases, namespace)` because two kinds belong to
//! two groups (`UnknownProfile` is raised while loading a rulebook and for a record's profile
//! field) and a file that cannot be read is also an `OSError`; `create_exception!` allows one base.

use std::sync::atomic::{AtomicBool, Ordering};

use kaoping::{ErrorKind, Lang, LoadError, RecordError};
use pyo3::exceptions::{PyException, PyOSError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

/// The exception classes, made once per process.
struct Classes {
    base: Py<PyType>,
    warning: Py<PyType>,
    rulebook: Py<PyType>,
    input: Py<PyType>,
    evaluation: Py<PyType>,
    /// One per kind, in `ErrorKind::ALL` order.
    kinds: Vec<(ErrorKind, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

/// Kinds raised for a record's values (the `InputError` group).
fn is_input_kind(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::MissingInput
            | ErrorKind::InputType
            | ErrorKind::InputOutOfRange
            | ErrorKind::UnknownProfile
            | ErrorKind::DuplicateKey
    )
}

/// The Python class name of a kind: the spec's name + `Error`, except where that would shadow a
/// Python builtin (`SyntaxError`, `OverflowError`).
pub fn class_name(kind: ErrorKind) -> String {
    match kind {
        ErrorKind::Syntax => "RulebookSyntaxError".to_owned(),
        ErrorKind::Overflow => "DecimalOverflowError".to_owned(),
        k => format!("{}Error", k.name()),
    }
}

/// Instance attributes every kaoping exception has, with their class-level defaults (so that an
/// attribute of another group reads as `None` rather than raising `AttributeError`).
const NONE_ATTRS: [&str; 11] =
    ["rulebook", "row", "index", "key", "field", "item", "value", "indicator", "cause", "kind", "code"];

fn make_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: Vec<Bound<'py, PyAny>>,
    doc: &str,
    kind: Option<ErrorKind>,
) -> PyResult<Bound<'py, PyType>> {
    let ns = PyDict::new(py);
    ns.set_item("__module__", "kaoping")?;
    ns.set_item("__doc__", doc)?;
    for a in NONE_ATTRS {
        ns.set_item(a, py.None())?;
    }
    ns.set_item("problems", PyTuple::empty(py))?;
    ns.set_item("issues", PyTuple::empty(py))?;
    if let Some(k) = kind {
        ns.set_item("kind", k.name())?;
        ns.set_item("code", k.code())?;
    }
    let ty = py.get_type::<PyType>();
    let cls = ty.call1((name, PyTuple::new(py, bases)?, ns))?;
    Ok(cls.cast_into::<PyType>()?)
}

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let base = make_class(
            py,
            "KaopingError",
            vec![py.get_type::<PyException>().into_any()],
            "Base class of every kaoping error. `kind` is the spec's error kind (e.g. \"MissingInput\"), `code` its stable number.",
            None,
        )?;
        let warning = {
            let ns = PyDict::new(py);
            ns.set_item("__module__", "kaoping")?;
            ns.set_item(
                "__doc__",
                "Something kaoping did not use but will not hide: a column or field that is no input of the rulebook (with what it probably meant). `unknown=\"error\"` refuses instead.",
            )?;
            let bases = PyTuple::new(py, [py.get_type::<pyo3::exceptions::PyUserWarning>()])?;
            py.get_type::<PyType>().call1(("KaopingWarning", bases, ns))?.cast_into::<PyType>()?
        };
        let group = |name: &str, doc: &str| make_class(py, name, vec![base.clone().into_any()], doc, None);
        let rulebook = group(
            "RulebookError",
            "A rulebook did not load. `problems` lists every problem found, each with its line, column and path.",
        )?;
        let input = group(
            "InputError",
            "A record's values are not acceptable. `field`, `item`, `row`, `value` describe the first issue; `issues` lists all.",
        )?;
        let evaluation = group(
            "EvaluationError",
            "A record could not be scored. `indicator` names the place (an indicator, derived value, parameter…), `cause` says why.",
        )?;
        let mut kinds = Vec::with_capacity(ErrorKind::ALL.len());
        for kind in ErrorKind::ALL {
            let mut bases = Vec::new();
            if kind.is_load_kind() {
                bases.push(rulebook.clone().into_any());
            }
            if is_input_kind(kind) {
                bases.push(input.clone().into_any());
            }
            if bases.is_empty() {
                bases.push(evaluation.clone().into_any());
            }
            if kind == ErrorKind::Io {
                bases.push(py.get_type::<PyOSError>().into_any());
            }
            let cls = make_class(py, &class_name(kind), bases, kind.doc(), Some(kind))?;
            kinds.push((kind, cls.unbind()));
        }
        Ok::<_, PyErr>(Classes {
            base: base.unbind(),
            warning: warning.unbind(),
            rulebook: rulebook.unbind(),
            input: input.unbind(),
            evaluation: evaluation.unbind(),
            kinds,
        })
    })
}

/// Whether exception messages and warnings speak Chinese (`set_language("zh")`); English by
/// default, as they always have in Python (the `kind` and the classes never change).
static CHINESE: AtomicBool = AtomicBool::new(false);

/// The language of exception messages and warnings.
pub fn lang() -> Lang {
    if CHINESE.load(Ordering::Relaxed) { Lang::Zh } else { Lang::En }
}

/// Set the language of every exception message and warning kaoping gives from now on: "zh"
/// (中文) or "en" (English, the default). Explanations keep their own `lang=` argument.
#[pyfunction]
pub fn set_language(lang: &str) -> PyResult<()> {
    let l: Lang = lang.parse().map_err(|e: kaoping::ParseLangError| {
        pyo3::exceptions::PyValueError::new_err(format!("{e} (set_language takes \"zh\" or \"en\")"))
    })?;
    CHINESE.store(l == Lang::Zh, Ordering::Relaxed);
    Ok(())
}

/// The language of exception messages and warnings: "zh" or "en".
#[pyfunction]
pub fn get_language() -> &'static str {
    if lang() == Lang::Zh { "zh" } else { "en" }
}

/// Add the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let c = classes(py)?;
    m.add("KaopingError", c.base.bind(py))?;
    m.add("KaopingWarning", c.warning.bind(py))?;
    m.add("RulebookError", c.rulebook.bind(py))?;
    m.add("InputError", c.input.bind(py))?;
    m.add("EvaluationError", c.evaluation.bind(py))?;
    for (kind, cls) in &c.kinds {
        m.add(class_name(*kind).as_str(), cls.bind(py))?;
    }
    m.add_class::<Problem>()?;
    m.add_class::<Issue>()?;
    m.add_function(wrap_pyfunction!(set_language, m)?)?;
    m.add_function(wrap_pyfunction!(get_language, m)?)?;
    Ok(())
}

/// Issue a `KaopingWarning` (shown at the caller's line), in the language of `set_language`.
pub fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let cls = classes(py)?.warning.bind(py).clone();
    let message = kaoping::message::translate(message, lang());
    let msg = std::ffi::CString::new(message.replace('\0', " ")).unwrap_or_default();
    PyErr::warn(py, &cls, &msg, 2)
}

/// How `unknown=` is given: "warn" (default), "error" or "ignore".
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum UnknownArg {
    /// Warn (`KaopingWarning`), then score.
    Warn,
    /// Refuse (`UnknownNameError`).
    Error,
    /// Say nothing (still listed in `Batch.unknown_columns` and a result's warnings).
    Ignore,
}

impl UnknownArg {
    /// Parse the keyword's value.
    pub fn parse(s: &str) -> PyResult<UnknownArg> {
        match s {
            "warn" => Ok(UnknownArg::Warn),
            "error" => Ok(UnknownArg::Error),
            "ignore" => Ok(UnknownArg::Ignore),
            other => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown= takes \"warn\", \"error\" or \"ignore\", not {other:?}"
            ))),
        }
    }

    /// The core's policy.
    pub fn core(self) -> kaoping::Unknown {
        match self {
            UnknownArg::Error => kaoping::Unknown::Error,
            UnknownArg::Warn | UnknownArg::Ignore => kaoping::Unknown::Warn,
        }
    }
}

/// The error for columns refused under `unknown="error"`.
pub fn unknown_columns_error(py: Python<'_>, columns: &[kaoping::NotAnInput]) -> PyErr {
    let all = kaoping::NotAnInput::warning_for(columns, false, lang());
    let message = match lang() {
        Lang::En => format!("refused (unknown=\"error\"): {}", all.replace("(ignored)", "(refused)")),
        _ => format!("已拒绝（unknown=\"error\"）：{}", all.replace("已忽略", "已拒绝")),
    };
    let build = || -> PyResult<PyErr> {
        let cls = class_of(py, ErrorKind::UnknownName)?;
        let e = cls.call1((message.clone(),))?;
        e.setattr("field", columns.first().map(|c| c.name.clone()))?;
        Ok(PyErr::from_value(e))
    };
    build().unwrap_or_else(|e| e)
}

/// The class of a kind.
fn class_of(py: Python<'_>, kind: ErrorKind) -> PyResult<Bound<'_, PyType>> {
    let c = classes(py)?;
    match c.kinds.iter().find(|(k, _)| *k == kind) {
        Some((_, cls)) => Ok(cls.bind(py).clone()),
        None => Ok(c.evaluation.bind(py).clone()),
    }
}

/// The base `InputError` class (for problems of a whole table, such as two columns for one input).
pub fn input_error(py: Python<'_>, message: String, field: Option<&str>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = classes(py)?.input.bind(py).clone();
        let e = cls.call1((message.clone(),))?;
        e.setattr("field", field)?;
        Ok(PyErr::from_value(e))
    };
    build().unwrap_or_else(|e| e)
}

/// One problem found while loading a rulebook.
#[pyclass(frozen, module = "kaoping")]
#[derive(Clone)]
pub struct Problem {
    /// The spec's kind, e.g. "BandOrder".
    #[pyo3(get)]
    kind: String,
    /// What is wrong, in words.
    #[pyo3(get)]
    message: String,
    /// The file, when the rulebook came from one.
    #[pyo3(get)]
    file: Option<String>,
    /// 1-based line.
    #[pyo3(get)]
    line: Option<u32>,
    /// 1-based column, in characters.
    #[pyo3(get)]
    column: Option<u32>,
    /// The place inside the rulebook, e.g. `indicator "reduction.incidence" bands`.
    #[pyo3(get)]
    path: Option<String>,
    shown: String,
}

#[pymethods]
impl Problem {
    fn __repr__(&self) -> String {
        format!(
            "Problem(kind={:?}, line={}, column={}, path={}, message={:?})",
            self.kind,
            opt(self.line),
            opt(self.column),
            self.path.as_ref().map_or("None".to_owned(), |p| format!("{p:?}")),
            self.message
        )
    }

    fn __str__(&self) -> String {
        self.shown.clone()
    }
}

impl From<&kaoping::Problem> for Problem {
    fn from(p: &kaoping::Problem) -> Problem {
        Problem {
            kind: p.kind.name().to_owned(),
            message: p.message_in(lang()).into_owned(),
            file: p.location.file.clone(),
            line: p.location.line,
            column: p.location.column,
            path: p.location.path.clone(),
            shown: p.to_string_in(lang()),
        }
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "None".to_owned(), |x| x.to_string())
}

/// One problem with a record: a bad input, or a fault while evaluating it.
#[pyclass(frozen, module = "kaoping")]
#[derive(Clone)]
pub struct Issue {
    /// The spec's kind, e.g. "MissingInput".
    #[pyo3(get)]
    kind: String,
    /// The input concerned (input errors).
    #[pyo3(get)]
    field: Option<String>,
    /// The indicator, derived value, parameter, veto or criterion being evaluated (evaluation errors).
    #[pyo3(get)]
    at: Option<String>,
    /// The offending value as text.
    #[pyo3(get)]
    value: Option<String>,
    /// The item of a list input the problem is in (spec §18.2): the list, the item's 1-based
    /// position and its key, `households[17] (5100000017)`; nested levels joined by `.`. `None`
    /// for a problem of the record itself.
    #[pyo3(get)]
    item: Option<String>,
    /// What is wrong, in words.
    #[pyo3(get)]
    message: String,
    shown: String,
}

#[pymethods]
impl Issue {
    fn __repr__(&self) -> String {
        let q = |v: &Option<String>| v.as_ref().map_or("None".to_owned(), |s| format!("{s:?}"));
        format!(
            "Issue(kind={:?}, field={}, item={}, at={}, value={}, message={:?})",
            self.kind,
            q(&self.field),
            q(&self.item),
            q(&self.at),
            q(&self.value),
            self.message
        )
    }

    fn __str__(&self) -> String {
        self.shown.clone()
    }
}

impl From<&kaoping::Issue> for Issue {
    fn from(i: &kaoping::Issue) -> Issue {
        Issue {
            kind: i.kind.name().to_owned(),
            field: i.field.clone(),
            at: i.at.clone(),
            value: i.value.clone(),
            item: i.item.as_deref().map(str::to_owned),
            message: i.message_in(lang()).into_owned(),
            shown: i.to_string_in(lang()),
        }
    }
}

/// The exception instance for a rulebook that did not load: the class of its first problem's kind.
pub fn load_error(py: Python<'_>, e: &LoadError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let exc = class_of(py, e.kind())?.call1((e.to_string_in(lang()),))?;
        let problems = PyList::empty(py);
        for p in &e.problems {
            problems.append(Problem::from(p))?;
        }
        exc.setattr("problems", problems)?;
        exc.setattr("rulebook", e.rulebook.as_deref())?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|err| err)
}

/// The exception instance for a record that could not be scored (not raised: batches keep it in
/// the row's slot).
pub fn record_error_value<'py>(py: Python<'py>, e: &RecordError) -> PyResult<Bound<'py, PyAny>> {
    let first = e.first();
    let exc = class_of(py, e.kind())?.call1((e.to_string_in(lang()),))?;
    let issues = PyList::empty(py);
    for i in &e.issues {
        issues.append(Issue::from(i))?;
    }
    exc.setattr("issues", issues)?;
    exc.setattr("row", e.row)?;
    exc.setattr("key", e.key.as_deref())?;
    exc.setattr("field", first.field.as_deref())?;
    exc.setattr("item", first.item.as_deref())?;
    exc.setattr("value", first.value.as_deref())?;
    exc.setattr("indicator", first.at.as_deref())?;
    if !is_input_kind(first.kind) {
        exc.setattr("cause", first.message_in(lang()).as_ref())?;
    }
    Ok(exc)
}

/// The exception for a record that could not be scored.
pub fn record_error(py: Python<'_>, e: &RecordError) -> PyErr {
    match record_error_value(py, e) {
        Ok(v) => PyErr::from_value(v),
        Err(err) => err,
    }
}

/// A Python exception for something that should not happen (a bug, not bad input).
pub fn internal(message: impl Into<String>) -> PyErr {
    PyRuntimeError::new_err(format!("kaoping internal error: {}", message.into()))
}
