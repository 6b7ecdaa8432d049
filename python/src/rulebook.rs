//! `kaoping.Rulebook`: loading (text, file, built-in), introspection, scoring one record and
//! batches, and the rulebook's embedded tests. Immutable and shared: one rulebook scores on many
//! Python threads at once, each releasing the GIL while the core works.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt8Type;
use arrow_array::{ArrayRef, BooleanArray};
use kaoping::{BatchOptions, Cohort, Format, Loader, ScoreOptions};
use pyo3::exceptions::{PyImportError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySlice, PyString, PyTuple};
use pyo3_arrow::PySchema;
use pyo3_arrow::input::{AnyArray, AnyRecordBatch};

use crate::batch::{Batch, Source};
use crate::columns::{Column, Columns, Data};
use crate::errors;
use crate::result::{ScoreResult, py_repr};
use crate::typed;
use crate::values::{self, Conv, Shape};

/// A loaded, validated rulebook (考核方案). Immutable; safe to share between threads.
#[pyclass(frozen, module = "kaoping", name = "Rulebook")]
pub struct PyRulebook {
    pub rb: kaoping::Rulebook,
    pub shape: Arc<Shape>,
}

impl PyRulebook {
    pub fn new(rb: kaoping::Rulebook) -> PyRulebook {
        let shape = Arc::new(Shape::of(&rb));
        PyRulebook { rb, shape }
    }
}

fn loader(
    components: Option<&Bound<'_, PyAny>>,
    search: Option<&Bound<'_, PyAny>>,
    file_lookup: bool,
) -> PyResult<Loader> {
    let mut loader = Loader::new().file_lookup(file_lookup);
    if let Some(cs) = components {
        for c in cs.try_iter()? {
            let c = c?;
            let c = c.cast::<PyRulebook>().map_err(|_| {
                PyTypeError::new_err("components are kaoping.Rulebook objects (load each one first)")
            })?;
            loader = loader.with(c.get().rb.clone());
        }
    }
    if let Some(dirs) = search {
        for d in dirs.try_iter()? {
            loader = loader.search(d?.extract::<PathBuf>()?);
        }
    }
    Ok(loader)
}

fn format_of(format: &str) -> PyResult<Format> {
    match format.trim().to_ascii_lowercase().as_str() {
        "toml" => Ok(Format::Toml),
        "json" => Ok(Format::Json),
        other => Err(PyValueError::new_err(format!("format is \"toml\" or \"json\", not {other:?}"))),
    }
}

/// A profile given for a whole call, checked by the core (`Rulebook::check_profile`): an
/// undeclared one refuses the call with `UnknownProfileError` before any row is read or scored,
/// as the command and the C library refuse it.
pub(crate) fn profile_check(py: Python<'_>, rb: &kaoping::Rulebook, profile: Option<&str>) -> PyResult<()> {
    rb.check_profile(profile).map_err(|e| errors::record_error(py, &e))
}

fn cohort_of(obj: &Bound<'_, PyAny>) -> PyResult<Cohort> {
    let d = obj.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err("cohort maps an indicator id (or (id, profile)) to its best value")
    })?;
    let mut cohort = Cohort::new();
    for (k, v) in d.iter() {
        let best = values::decimal_arg(&v, "a cohort figure")?;
        if let Ok(t) = k.cast::<PyTuple>() {
            let (id, profile): (String, Option<String>) = t.extract()?;
            cohort.set(&id, profile.as_deref(), best);
        } else {
            let id: String = k.extract()?;
            cohort.set(&id, None, best);
        }
    }
    Ok(cohort)
}

#[pymethods]
impl PyRulebook {
    /// Load a rulebook from TOML or JSON text. `components` are rulebooks a `component` rule may
    /// name (built-ins are always available); `search` are folders holding `<id>.toml` components.
    /// `file_lookup=False` opens no file at all (for rulebooks uploaded by users).
    #[staticmethod]
    #[pyo3(signature = (text, format = "toml", *, components = None, search = None, file_lookup = true))]
    fn from_str(
        py: Python<'_>,
        text: &str,
        format: &str,
        components: Option<&Bound<'_, PyAny>>,
        search: Option<&Bound<'_, PyAny>>,
        file_lookup: bool,
    ) -> PyResult<PyRulebook> {
        let format = format_of(format)?;
        let loader = loader(components, search, file_lookup)?;
        let text = text.to_owned();
        py.detach(|| loader.load_str(&text, format))
            .map(PyRulebook::new)
            .map_err(|e| errors::load_error(py, &e))
    }

    /// Load a rulebook from a file (`.json` is JSON, anything else TOML). Components are also
    /// looked for next to it, as `<id>.toml` (an id is a name, never a path; a link leading out of
    /// the folder is refused); `file_lookup=False` reads no other file than `path`.
    #[staticmethod]
    #[pyo3(signature = (path, *, components = None, search = None, file_lookup = true))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        components: Option<&Bound<'_, PyAny>>,
        search: Option<&Bound<'_, PyAny>>,
        file_lookup: bool,
    ) -> PyResult<PyRulebook> {
        let loader = loader(components, search, file_lookup)?;
        py.detach(|| loader.load_file(&path)).map(PyRulebook::new).map_err(|e| errors::load_error(py, &e))
    }

    /// The rulebook's id.
    #[getter]
    fn id(&self) -> &str {
        self.rb.id()
    }

    /// Title.
    #[getter]
    fn title(&self) -> &str {
        self.rb.title()
    }

    /// Version.
    #[getter]
    fn version(&self) -> &str {
        self.rb.version()
    }

    /// SHA-256 of the canonical form (independent of whitespace, comments and key order).
    #[getter]
    fn fingerprint(&self) -> &str {
        self.rb.fingerprint()
    }

    /// Decimal places of published points.
    #[getter]
    fn scale(&self) -> u32 {
        self.rb.scale()
    }

    /// Whether the rulebook says it is an illustrative example (示例方案).
    #[getter]
    fn illustrative(&self) -> bool {
        self.rb.is_illustrative()
    }

    /// The rulebook's description.
    #[getter]
    fn description(&self) -> Option<&str> {
        self.rb.description().0
    }

    /// The document the rulebook implements.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.rb.source()
    }

    /// The text the rulebook was loaded from.
    #[getter]
    fn text(&self) -> Option<&str> {
        self.rb.text()
    }

    /// Declared profiles.
    #[getter]
    fn profiles(&self) -> Vec<String> {
        self.rb.profiles().into_iter().map(str::to_owned).collect()
    }

    /// Grade labels, best first.
    #[getter]
    fn grades(&self) -> Vec<String> {
        self.rb.grades().into_iter().map(str::to_owned).collect()
    }

    /// The input that names records (`key_field`), if any.
    #[getter]
    fn key_field(&self) -> Option<String> {
        self.rb.key_field_name()
    }

    /// The input that names a record's profile (`profile_field`), if any.
    #[getter]
    fn profile_field(&self) -> Option<String> {
        self.rb.profile_field_name()
    }

    /// Indicators in file order.
    #[getter]
    fn indicators(&self) -> Vec<Indicator> {
        self.rb.indicators().into_iter().map(Indicator).collect()
    }

    /// Inputs in declaration order.
    #[getter]
    fn inputs(&self) -> Vec<Input> {
        self.rb.inputs().into_iter().map(Input).collect()
    }

    /// The rulebook that scores each item of list input `name` (`rulebook = "id"`, spec §18.2),
    /// or `None` when `name` is no such list.
    fn item_rulebook(&self, name: &str) -> Option<PyRulebook> {
        self.rb.item_rulebook(name).map(PyRulebook::new)
    }

    /// Maximum total in a profile (`None`: base values); `None` for a criteria-only rulebook.
    #[pyo3(signature = (profile = None))]
    fn max<'py>(&self, py: Python<'py>, profile: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        profile_check(py, &self.rb, profile)?;
        values::opt_decimal(py, self.rb.max(profile))
    }

    /// Score one record (a mapping of input names to values), with its full explanation. A key
    /// that is no input is ignored with a `KaopingWarning` naming what it probably meant
    /// (`unknown="warn"`), refused with `UnknownNameError` (`"error"`), or only listed in the
    /// result's warnings (`"ignore"`).
    ///
    /// A list input whose items another rulebook scores (`households`, spec §18) takes a list of
    /// mappings of that rulebook's inputs (lists inside them too: a village's households). With
    /// `keep_items=True` the items' own results are kept, explained, for
    /// `Result.items("households")`.
    #[pyo3(signature = (record, *, profile = None, as_of = None, cohort = None, unknown = "warn", keep_items = false))]
    #[allow(clippy::too_many_arguments)] // keyword arguments of one Python call
    fn score(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        profile: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        cohort: Option<&Bound<'_, PyAny>>,
        unknown: &str,
        keep_items: bool,
    ) -> PyResult<ScoreResult> {
        let unknown = errors::UnknownArg::parse(unknown)?;
        profile_check(py, &self.rb, profile.as_deref())?;
        let rec = values::record_from_mapping(&self.rb, &self.shape, record)?;
        let opts = ScoreOptions {
            profile,
            as_of: as_of.map(values::date_from_py).transpose()?,
            cohort: cohort.map(cohort_of).transpose()?,
            unknown: unknown.core(),
            items: keep_items,
        };
        if unknown == errors::UnknownArg::Warn && !rec.unknown_fields().is_empty() {
            let all: Vec<kaoping::NotAnInput> =
                rec.unknown_fields().iter().map(|f| self.rb.not_an_input(f)).collect();
            errors::warn(py, &kaoping::NotAnInput::warning_for(&all, true, errors::lang()))?;
        }
        let rb = &self.rb;
        match py.detach(|| rb.score(&rec, &opts)) {
            Ok(outcome) if keep_items => {
                Ok(ScoreResult::with_items(outcome, self.shape.clone()).scored_from(rb, rec, opts))
            }
            Ok(outcome) => Ok(ScoreResult::new(outcome).scored_from(rb, rec, opts)),
            Err(e) => Err(errors::record_error(py, &e)),
        }
    }

    /// Score many records: a list (or iterable) of mappings, a pandas DataFrame, or anything with
    /// the Arrow PyCapsule interface (a pyarrow Table or RecordBatch, a polars DataFrame). Every
    /// row gets a slot, in order; a bad row's slot holds its error. Columns match inputs by name or
    /// by label. The GIL is released while the rows are converted and scored.
    ///
    /// Columns (or keys) that fill no input are ignored with one `KaopingWarning` naming what each
    /// probably meant (`unknown="warn"`); `unknown="error"` refuses a table with such a column
    /// (`UnknownNameError`, nothing scored) and fails each record with such a key; `"ignore"` only
    /// lists them in `Batch.unknown_columns`.
    ///
    /// `items` gives child tables (spec §18.5) for list inputs, by list path:
    /// `items={"households": households_df}`, nested levels as `"villages.households"`. Each is a
    /// DataFrame, an Arrow table, a list of mappings or CSV text; its rows join the parent row
    /// whose key they hold (the column `join` names, else the one named like the parent's
    /// `key_field` or its label). Parent rows sharing a key fail with `DuplicateKeyError`; child
    /// rows matching no parent are counted in `summary["unmatched"]` and warned about.
    ///
    /// `keep_items=True`: each row's `Result` keeps its items' own results (`Result.items`), as
    /// `score(..., keep_items=True)` does.
    #[pyo3(signature = (records, *, profile = None, as_of = None, parallel = true, explain = false, unknown = "warn", items = None, keep_items = false))]
    #[allow(clippy::too_many_arguments)] // keyword arguments of one Python call
    fn score_many(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        profile: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        parallel: bool,
        explain: bool,
        unknown: &str,
        items: Option<&Bound<'_, PyDict>>,
        keep_items: bool,
    ) -> PyResult<Batch> {
        let unknown = errors::UnknownArg::parse(unknown)?;
        profile_check(py, &self.rb, profile.as_deref())?;
        let opts = BatchOptions {
            profile,
            as_of: as_of.map(values::date_from_py).transpose()?,
            explain,
            parallel,
            unknown: unknown.core(),
            items: keep_items,
        };
        let input = gather(&self.rb, &self.shape, records)?;
        if unknown == errors::UnknownArg::Error && !input.unknown.is_empty() {
            return Err(errors::unknown_columns_error(py, &input.unknown));
        }
        if let Some(items) = items {
            return self.score_with_items(py, input, items, &opts, unknown);
        }
        let (rb, shape) = (&self.rb, &self.shape);
        let (batch, source) = py
            .detach(|| -> Result<_, kaoping::ColumnsError> {
                Ok(match input.source {
                    Source::Records(recs) => (rb.score_batch(&recs, &opts), Source::Records(recs)),
                    // A table goes to the core as typed columns, unless a column needs records.
                    Source::Columns(cols) => match typed::typed_columns(&cols, shape, opts.parallel) {
                        Some(columns) => {
                            let binding = rb.bind_columns(&columns)?;
                            (rb.score_columns(&columns, &opts)?, Source::Typed { columns, binding })
                        }
                        None => (
                            rb.score_batch(&cols.records(rb, shape, opts.parallel), &opts),
                            Source::Columns(cols),
                        ),
                    },
                    // `gather` hands over mappings or columns, never the core's columns.
                    Source::Typed { .. } => {
                        return Err(kaoping::ColumnsError { message: "typed columns before scoring".into() });
                    }
                })
            })
            .map_err(|e| errors::internal(e.to_string()))?;
        // A table's columns were matched here; records' keys by the core.
        let not_inputs = if input.unknown.is_empty() { batch.not_inputs().to_vec() } else { input.unknown };
        if unknown == errors::UnknownArg::Warn && !not_inputs.is_empty() {
            let fields = batch_source_is_records(&source);
            errors::warn(py, &kaoping::NotAnInput::warning_for(&not_inputs, fields, errors::lang()))?;
        }
        let names = not_inputs.into_iter().map(|c| c.name).collect();
        Ok(Batch::new(self.rb.clone(), self.shape.clone(), batch, source, input.index, names)
            .keeping_items(keep_items))
    }

    /// The names among `columns` that fill no input of this rulebook, checked as `score_many`
    /// checks a table's header: with `unknown="warn"` one `KaopingWarning` names each and what it
    /// probably meant, `"error"` raises `UnknownNameError`, `"ignore"` says nothing. For callers
    /// that score a table in pieces (Spark, Dask): check the header once, then score the pieces
    /// with `unknown="ignore"`.
    #[pyo3(signature = (columns, *, unknown = "warn"))]
    fn check_columns(&self, py: Python<'_>, columns: Vec<String>, unknown: &str) -> PyResult<Vec<String>> {
        let unknown = errors::UnknownArg::parse(unknown)?;
        let (_, not_inputs) = map_columns(&self.rb, py, &columns)?;
        match unknown {
            errors::UnknownArg::Error if !not_inputs.is_empty() => {
                return Err(errors::unknown_columns_error(py, &not_inputs));
            }
            errors::UnknownArg::Warn if !not_inputs.is_empty() => {
                errors::warn(py, &kaoping::NotAnInput::warning_for(&not_inputs, false, errors::lang()))?;
            }
            _ => {}
        }
        Ok(not_inputs.into_iter().map(|c| c.name).collect())
    }

    /// Whether the rulebook has relative rules (以最高值为满分): a row's points then depend on the
    /// whole batch (its cohort), so a batch cannot be scored in independent pieces.
    #[getter]
    fn has_relative_rules(&self) -> bool {
        self.rb.has_relative_rules()
    }

    /// The `pyarrow.Schema` of the table `score_many(...).to_arrow(points=…, ranks=…)` returns
    /// for any batch this rulebook scores, known before any row is scored (for Spark's
    /// `mapInArrow` and Dask's `meta`). Needs pyarrow.
    #[pyo3(signature = (*, points = true, ranks = true))]
    fn result_schema<'py>(&self, py: Python<'py>, points: bool, ranks: bool) -> PyResult<Bound<'py, PyAny>> {
        py.import("pyarrow").map_err(|_| {
            PyImportError::new_err(
                "Rulebook.result_schema() needs pyarrow, which is not installed: pip install pyarrow",
            )
        })?;
        let schema = crate::batch::result_schema(&self.rb, points, ranks);
        PySchema::new(Arc::new(schema)).into_pyarrow(py)
    }

    /// Pickling (Spark, Dask, multiprocessing): the rulebook travels as its text, format,
    /// fingerprint and components, and each process compiles it once (`_restore_rulebook`).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let restore = py.import("kaoping._kaoping")?.getattr("_restore_rulebook")?;
        let state = crate::pickle::state(py, &self.rb)?;
        Ok((restore, PyTuple::new(py, [state])?))
    }

    /// This rulebook with parameters (and indicator points or weights) changed: a new rulebook,
    /// validated like one loaded from a file, whose version ends in `+variant` and whose
    /// `variant_of` names this one and the changes. Keys: `NAME` (a parameter's base value),
    /// `NAME@PROFILE`, `NAME:YYYY-MM-DD` (a dated parameter from that date on), `points.ID`,
    /// `weight.ID` (each with `@PROFILE` too). Values: Decimal, int, str, or float (by its repr).
    fn with_params(&self, py: Python<'_>, params: &Bound<'_, PyAny>) -> PyResult<PyRulebook> {
        let d = params.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(
                "with_params takes a dict of changes: {\"exit_limit\": \"2.5\", \"inc_good@高原藏区\": 3}",
            )
        })?;
        let mut changes = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key: String = k.extract().map_err(|_| PyTypeError::new_err("with_params keys are str"))?;
            let value = values::decimal_arg(&v, &format!("with_params[{key:?}]"))?;
            changes.push((key, value.to_string()));
        }
        let rb = &self.rb;
        py.detach(|| changes.iter().fold(rb.variant(), |v, (k, x)| v.set(k, x)).build())
            .map(PyRulebook::new)
            .map_err(|e| errors::load_error(py, &e))
    }

    /// This rulebook with changes given as text (`"exit_limit=2.5"`, `"inc_good@高原藏区=3"`), as
    /// `kaoping --set` takes them; see `with_params`.
    fn with_changes(&self, py: Python<'_>, changes: Vec<String>) -> PyResult<PyRulebook> {
        let rb = &self.rb;
        py.detach(|| changes.iter().fold(rb.variant(), |v, c| v.change_text(c)).build())
            .map(PyRulebook::new)
            .map_err(|e| errors::load_error(py, &e))
    }

    /// When this rulebook is a variant: `{"id", "version", "fingerprint", "changes"}` of the
    /// rulebook it was made from and the changes; else `None`.
    #[getter]
    fn variant_of<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(v) = self.rb.variant_of() else { return Ok(None) };
        let d = PyDict::new(py);
        d.set_item("id", &v.id)?;
        d.set_item("version", &v.version)?;
        d.set_item("fingerprint", &v.fingerprint)?;
        d.set_item("changes", PyList::new(py, &v.changes)?)?;
        Ok(Some(d))
    }

    /// How values written into the rulebook were obtained (`[[rulebook.provenance]]`): a list of
    /// `{"method", "node", "written_as", "date", "input_fingerprint", "settings"}`.
    #[getter]
    fn provenance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for p in self.rb.provenance() {
            let d = PyDict::new(py);
            d.set_item("method", &p.method)?;
            d.set_item("node", p.node.as_deref())?;
            d.set_item("written_as", p.written_as.as_deref())?;
            match p.date {
                Some(date) => d.set_item("date", values::date_to_py(py, date)?)?,
                None => d.set_item("date", py.None())?,
            }
            d.set_item("input_fingerprint", p.input_fingerprint.as_deref())?;
            let settings = PyDict::new(py);
            for (k, v) in &p.settings {
                settings.set_item(k, v)?;
            }
            d.set_item("settings", settings)?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// Advice (整改建议) for a record (a mapping of input names to values): the least changes of
    /// its actionable inputs that reach `goal` — a grade ("较好"), "passed", or a total (85) —
    /// each verified by scoring the changed record; blockers (vetoes, grade rules) first.
    #[pyo3(signature = (record, goal, *, profile = None, as_of = None, max_inputs = 3, alternatives = 5, budget = 20000))]
    #[allow(clippy::too_many_arguments)]
    fn advise(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        goal: &Bound<'_, PyAny>,
        profile: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        max_inputs: usize,
        alternatives: usize,
        budget: usize,
    ) -> PyResult<crate::advice::Advice> {
        profile_check(py, &self.rb, profile.as_deref())?;
        let rec = values::record_from_mapping(&self.rb, &self.shape, record)?;
        let score = ScoreOptions {
            profile,
            as_of: as_of.map(values::date_from_py).transpose()?,
            ..ScoreOptions::default()
        };
        let opts = crate::advice::options(score, max_inputs, alternatives, budget);
        crate::advice::run(py, &self.rb, &rec, goal, opts)
    }

    /// What the rulebook can and cannot do, proven from the rulebook alone: the reachable range
    /// of every indicator and of the total per profile and period, and findings (bands never
    /// taken, grades no record reaches, vetoes that never fire, inputs nothing reads, …) with
    /// their places and words in Chinese and English.
    fn lint(&self, py: Python<'_>) -> crate::lint::Lint {
        let rb = &self.rb;
        crate::lint::Lint::new(py.detach(|| rb.lint()))
    }

    /// Run the rulebook's embedded tests (`[[test]]`): every expectation that did not hold.
    fn run_tests(&self, py: Python<'_>) -> Vec<TestFailure> {
        let rb = &self.rb;
        py.detach(|| rb.run_tests()).failures.into_iter().map(TestFailure).collect()
    }

    /// Jupyter's view: title, id and version, the indicator tree with each indicator's points,
    /// vetoes, criteria and grades.
    fn _repr_html_(&self) -> String {
        crate::html::rulebook(&self.rb)
    }

    fn __repr__(&self) -> String {
        format!(
            "<kaoping.Rulebook {} version {}: {}>",
            py_repr(self.rb.id()),
            py_repr(self.rb.version()),
            self.rb.title()
        )
    }
}

/// What `score_many` was given, ready to score.
struct Gathered {
    source: Source,
    /// A pandas DataFrame's index, for `Batch.to_pandas`.
    index: Option<Py<PyAny>>,
    /// Columns that fill no input, with what each probably meant.
    unknown: Vec<kaoping::NotAnInput>,
}

/// Whether what was scored were records (mappings: their keys are fields) rather than a table.
/// Many records, as `score_many` takes them (a list of mappings, a DataFrame, an Arrow table),
/// read for `rb` as records — for calls that need records rather than typed columns (a
/// comparison joins items tables onto them) — with the columns that fill no input.
pub(crate) fn records_for(
    rb: &PyRulebook,
    data: &Bound<'_, PyAny>,
) -> PyResult<(Vec<kaoping::Record>, Vec<kaoping::NotAnInput>)> {
    let input = gather(&rb.rb, &rb.shape, data)?;
    let records = match input.source {
        Source::Records(recs) => recs,
        Source::Columns(cols) => {
            let (r, shape) = (&rb.rb, &rb.shape);
            data.py().detach(|| cols.records(r, shape, true))
        }
        Source::Typed { .. } => return Err(errors::internal("typed columns before scoring")),
    };
    Ok((records, input.unknown))
}

fn batch_source_is_records(source: &Source) -> bool {
    matches!(source, Source::Records(_))
}

fn type_name(obj: &Bound<'_, PyAny>) -> (String, String) {
    let ty = obj.get_type();
    (
        ty.module().map(|m| m.to_string()).unwrap_or_default(),
        ty.name().map(|n| n.to_string()).unwrap_or_default(),
    )
}

fn gather(rb: &kaoping::Rulebook, shape: &Shape, obj: &Bound<'_, PyAny>) -> PyResult<Gathered> {
    let from_rows = |rows: Vec<Bound<'_, PyAny>>| -> PyResult<Gathered> {
        let mut out = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let rec = values::record_from_mapping(rb, shape, row).map_err(|e| {
                // The caller's own exception (raised by a lying object) goes through unchanged;
                // only our TypeError gains the row number, with the original as its cause.
                let py = row.py();
                if !e.is_instance_of::<PyTypeError>(py) {
                    return e;
                }
                let named = PyTypeError::new_err(format!("row {}: {}", i + 1, e.value(py)));
                named.set_cause(py, Some(e));
                named
            })?;
            out.push(rec);
        }
        Ok(Gathered { source: Source::Records(out), index: None, unknown: Vec::new() })
    };
    if let Ok(l) = obj.cast::<PyList>() {
        return from_rows(l.iter().collect());
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return from_rows(t.iter().collect());
    }
    let (module, name) = type_name(obj);
    if module.starts_with("pandas") && name == "DataFrame" {
        return from_pandas(rb, shape, obj);
    }
    if obj.hasattr("__arrow_c_stream__")? || obj.hasattr("__arrow_c_array__")? {
        return from_arrow(rb, obj.py(), obj.extract::<AnyRecordBatch>()?);
    }
    if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "score_many takes many records (a list of dicts, a DataFrame, an Arrow table); use score() for one",
        ));
    }
    match obj.try_iter() {
        Ok(it) => from_rows(it.collect::<PyResult<Vec<_>>>()?),
        Err(_) => Err(PyTypeError::new_err(format!(
            "score_many takes a list of dicts, a pandas DataFrame or an Arrow table, not {module}.{name}"
        ))),
    }
}

/// Match column names to inputs (by name or label, as the core's CSV reader does). Two columns
/// for one input is an error; columns that fill nothing are reported (pandas' stored index
/// columns are not).
fn map_columns(
    rb: &kaoping::Rulebook,
    py: Python<'_>,
    names: &[String],
) -> PyResult<(Vec<Option<usize>>, Vec<kaoping::NotAnInput>)> {
    let mut taken: Vec<(usize, &str)> = Vec::new();
    let mut unknown = Vec::new();
    let mut map = Vec::with_capacity(names.len());
    for n in names {
        match rb.input_by_name_or_label(n) {
            Some(i) => {
                if let Some((_, first)) = taken.iter().find(|(t, _)| *t == i) {
                    let input = rb.inputs()[i].name.clone();
                    return Err(errors::input_error(
                        py,
                        format!("columns \"{first}\" and \"{n}\" both fill input `{input}`"),
                        Some(&input),
                    ));
                }
                taken.push((i, n));
                map.push(Some(i));
            }
            None => {
                if !n.starts_with("__index_level_") && !n.trim().is_empty() {
                    unknown.push(rb.not_an_input(n));
                }
                map.push(None);
            }
        }
    }
    Ok((map, unknown))
}

fn from_arrow(rb: &kaoping::Rulebook, py: Python<'_>, data: AnyRecordBatch) -> PyResult<Gathered> {
    let reader = data.into_reader()?;
    let schema = reader.schema();
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(format!("reading the Arrow stream: {e}")))?;
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let (map, unknown) = map_columns(rb, py, &names)?;
    let cols = map
        .iter()
        .enumerate()
        .filter_map(|(j, input)| {
            input.map(|input| Column {
                input,
                data: Data::Arrow(batches.iter().map(|b| b.column(j).clone()).collect()),
            })
        })
        .collect();
    let rows = batches.iter().map(|b| b.num_rows()).sum();
    Ok(Gathered { source: Source::Columns(Columns { rows, cols }), index: None, unknown })
}

/// A pandas DataFrame, column by column: through Arrow where pyarrow takes the column (numeric,
/// nullable, string, categorical, Decimal objects: no per-cell Python work), else the column's
/// Python objects with pandas' own missing-value mask (so NaN in a float column is missing).
fn from_pandas(rb: &kaoping::Rulebook, shape: &Shape, df: &Bound<'_, PyAny>) -> PyResult<Gathered> {
    let py = df.py();
    let pa = py.import("pyarrow").ok();
    // NumPy's dtype class, to tell a NumPy column from an extension one (looked up once).
    let numpy_dtype = py.import("numpy").and_then(|np| np.getattr("dtype")).ok();
    let labels: Vec<Bound<'_, PyAny>> = df.getattr("columns")?.try_iter()?.collect::<PyResult<_>>()?;
    let names: Vec<String> = labels
        .iter()
        .map(|l| {
            Ok(if let Ok(s) = l.cast::<PyString>() {
                s.to_cow()?.into_owned()
            } else {
                l.str()?.to_cow()?.into_owned()
            })
        })
        .collect::<PyResult<_>>()?;
    let (map, unknown) = map_columns(rb, py, &names)?;
    let iloc = df.getattr("iloc")?;
    let rows: usize = df.len()?;
    let mut cols = Vec::new();
    if let Some((input, level)) = key_in_index(rb, &map, df)? {
        // `df.set_index("县名")`: the key is the index (or one of its levels), not a column.
        let series =
            df.getattr("index")?.call_method1("get_level_values", (level,))?.call_method0("to_series")?;
        let chunks = match &pa {
            Some(pa) => pandas_arrow(pa, numpy_dtype.as_ref(), &series)?,
            None => None,
        };
        let data = match chunks {
            Some(chunks) => Data::Arrow(chunks),
            None => {
                let objs = series.call_method0("tolist")?.cast_into::<PyList>()?;
                let mut out = Vec::with_capacity(objs.len());
                for v in objs.iter() {
                    out.push(if v.is_none() {
                        Conv::Missing
                    } else {
                        values::convert(&v, &shape.inputs[input])?
                    });
                }
                Data::Values(out)
            }
        };
        cols.push(Column { input, data });
    }
    for (j, input) in map.iter().enumerate() {
        let Some(input) = *input else { continue };
        let series = iloc.get_item((PySlice::full(py), j))?;
        let arrow = match &pa {
            Some(pa) => pandas_arrow(pa, numpy_dtype.as_ref(), &series)?,
            None => None,
        };
        let data = match arrow {
            Some(chunks) => Data::Arrow(chunks),
            None => {
                let objs = series.call_method0("tolist")?.cast_into::<PyList>()?;
                let missing: Vec<bool> = series.call_method0("isna")?.call_method0("tolist")?.extract()?;
                let mut out = Vec::with_capacity(objs.len());
                for (v, na) in objs.iter().zip(missing) {
                    out.push(if na { Conv::Missing } else { values::convert(&v, &shape.inputs[input])? });
                }
                Data::Values(out)
            }
        };
        cols.push(Column { input, data });
    }
    Ok(Gathered {
        source: Source::Columns(Columns { rows, cols }),
        index: Some(df.getattr("index")?.unbind()),
        unknown,
    })
}

/// Where a DataFrame's key is in its index rather than a column: the key input and the index
/// level whose name is the key field's name or label — when the rulebook has a key field and no
/// column fills it.
fn key_in_index(
    rb: &kaoping::Rulebook,
    map: &[Option<usize>],
    df: &Bound<'_, PyAny>,
) -> PyResult<Option<(usize, usize)>> {
    let Some(key) = rb.key_field_name().and_then(|k| rb.input_index(&k)) else { return Ok(None) };
    if map.contains(&Some(key)) {
        return Ok(None);
    }
    let names = df.getattr("index")?.getattr("names")?;
    for (level, name) in names.try_iter()?.enumerate() {
        let name = name?;
        let Ok(name) = name.extract::<String>() else { continue };
        if rb.input_by_name_or_label(&name) == Some(key) {
            return Ok(Some((key, level)));
        }
    }
    Ok(None)
}

/// A pandas column as Arrow chunks, or `None` when pyarrow cannot take it (Python objects it
/// does not know). pyarrow's `from_pandas` conversion makes NaN a null, which costs a pass over
/// a float column and a bitmap (3 ms per million rows), and packs NumPy's booleans into bits
/// (1 ms) that the core unpacks again. So a NumPy float column without NaN (pandas' own
/// `hasnans`) is handed over as its NumPy buffer, which pyarrow wraps without a copy, and a NumPy
/// boolean column as its bytes, packed here eight at a time; both mean what `from_pandas` gives.
fn pandas_arrow(
    pa: &Bound<'_, PyModule>,
    numpy_dtype: Option<&Bound<'_, PyAny>>,
    series: &Bound<'_, PyAny>,
) -> PyResult<Option<Vec<ArrayRef>>> {
    let py = series.py();
    let chunks = |array: PyResult<Bound<'_, PyAny>>| -> PyResult<Option<Vec<ArrayRef>>> {
        match array.ok().and_then(|a| a.extract::<AnyArray>().ok()) {
            Some(a) => Ok(Some(a.into_chunked_array()?.chunks().to_vec())),
            None => Ok(None),
        }
    };
    let dtype = series.getattr("dtype")?;
    let numpy = match numpy_dtype {
        Some(class) => dtype.is_instance(class)?,
        None => false,
    };
    let kind: String = if numpy { dtype.getattr("kind")?.extract()? } else { String::new() };
    if kind == "f" && !series.getattr("hasnans")?.is_truthy()? {
        return chunks(pa.call_method1("array", (series.call_method0("to_numpy")?,)));
    }
    if kind == "b" {
        let bytes = series.call_method0("to_numpy")?.call_method1("view", ("uint8",))?;
        let packed = chunks(pa.call_method1("array", (bytes,)))?.and_then(|cs| {
            cs.iter()
                .map(|c| {
                    let b = c.as_primitive_opt::<UInt8Type>()?.values();
                    Some(Arc::new(BooleanArray::new(typed::pack_bytes(b), None)) as ArrayRef)
                })
                .collect::<Option<Vec<ArrayRef>>>()
        });
        if packed.is_some() {
            return Ok(packed);
        }
    }
    let kw = PyDict::new(py);
    kw.set_item("from_pandas", true)?;
    chunks(pa.call_method("array", (series,), Some(&kw)))
}

/// One indicator of a rulebook (for building forms and reports).
#[pyclass(frozen, module = "kaoping")]
pub struct Indicator(kaoping::IndicatorInfo);

#[pymethods]
impl Indicator {
    /// Dotted id, e.g. "reduction.incidence".
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }

    /// Label, e.g. "贫困发生率".
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }

    /// 0 for top level.
    #[getter]
    fn depth(&self) -> u32 {
        self.0.depth
    }

    /// The parent's id.
    #[getter]
    fn parent(&self) -> Option<&str> {
        self.0.parent.as_deref()
    }

    /// Maximum points (base profile).
    #[getter]
    fn points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::decimal_to_py(py, self.0.points)
    }

    /// The rule kind of a leaf ("bands", "linear"…).
    #[getter]
    fn rule(&self) -> Option<&str> {
        self.0.rule.as_deref()
    }

    /// The clause it implements.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }

    /// Whether it has no children.
    #[getter]
    fn is_leaf(&self) -> bool {
        self.0.is_leaf
    }

    fn __repr__(&self) -> String {
        format!("Indicator(id={:?}, label={:?}, points={})", self.0.id, self.0.label, self.0.points)
    }
}

/// One input of a rulebook.
#[pyclass(frozen, module = "kaoping")]
pub struct Input(kaoping::InputInfo);

fn bound<'py>(py: Python<'py>, text: &Option<String>) -> PyResult<Bound<'py, PyAny>> {
    match text.as_deref().map(kaoping::num::parse_decimal_text) {
        Some(Ok(d)) => values::decimal_to_py(py, d),
        _ => Ok(py.None().into_bound(py)),
    }
}

#[pymethods]
impl Input {
    /// Name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// Type: "decimal", "integer", "boolean", "text", "numbers" or "items".
    #[getter]
    fn r#type(&self) -> &str {
        &self.0.ty
    }

    /// Label (the column header people write, e.g. "户籍人口").
    #[getter]
    fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    /// Whether the unit can change it (`actionable = false` in the rulebook: advice never
    /// suggests changing it).
    #[getter]
    fn actionable(&self) -> bool {
        self.0.actionable
    }

    /// Unit.
    #[getter]
    fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// Whether a record must give it.
    #[getter]
    fn required(&self) -> bool {
        self.0.required
    }

    /// Allowed values (text inputs).
    #[getter]
    fn values(&self) -> Option<Vec<String>> {
        self.0.values.clone()
    }

    /// Lower bound.
    #[getter]
    fn min<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        bound(py, &self.0.min)
    }

    /// Upper bound.
    #[getter]
    fn max<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        bound(py, &self.0.max)
    }

    /// Item fields (name, type) of an items input: its declared fields, or the inputs of the
    /// rulebook that scores its items.
    #[getter]
    fn fields(&self) -> Vec<(String, String)> {
        self.0.fields.clone()
    }

    /// The id of the rulebook that scores each item of an items input (spec §18.2), else `None`
    /// (`Rulebook.item_rulebook(name)` gives the rulebook itself).
    #[getter]
    fn rulebook(&self) -> Option<&str> {
        self.0.rulebook.as_deref()
    }

    fn __repr__(&self) -> String {
        format!("Input(name={:?}, type={:?}, label={:?})", self.0.name, self.0.ty, self.0.label)
    }
}

/// One expectation of a rulebook's embedded test that did not hold.
#[pyclass(frozen, module = "kaoping")]
pub struct TestFailure(kaoping::TestFailure);

#[pymethods]
impl TestFailure {
    /// The test's name.
    #[getter]
    fn test(&self) -> &str {
        &self.0.test
    }

    /// What was compared ("total", "grade", "points.reduction.income"…).
    #[getter]
    fn field(&self) -> &str {
        &self.0.field
    }

    /// What the test expects.
    #[getter]
    fn expected(&self) -> &str {
        &self.0.expected
    }

    /// What scoring gave.
    #[getter]
    fn got(&self) -> &str {
        &self.0.got
    }

    fn __repr__(&self) -> String {
        format!(
            "TestFailure(test={:?}, field={:?}, expected={:?}, got={:?})",
            self.0.test, self.0.field, self.0.expected, self.0.got
        )
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }
}

impl PyRulebook {
    /// `score_many` with child tables: the parent rows as records, the child tables joined to
    /// them by the core, every row scored in place (a row that failed the join keeps its error).
    fn score_with_items(
        &self,
        py: Python<'_>,
        input: Gathered,
        items: &Bound<'_, PyDict>,
        opts: &BatchOptions,
        unknown: errors::UnknownArg,
    ) -> PyResult<Batch> {
        let children = crate::child_tables::child_tables(py, items)?;
        let (rb, shape) = (&self.rb, &self.shape);
        let records = match input.source {
            Source::Records(recs) => recs,
            Source::Columns(cols) => cols.records(rb, shape, opts.parallel),
            Source::Typed { .. } => return Err(errors::internal("typed columns before scoring")),
        };
        // Joined and scored by the core in one call: each child table as one batch where it can.
        let mut rows: Vec<Result<kaoping::Record, kaoping::RecordError>> =
            records.into_iter().map(Ok).collect();
        let batch = py
            .detach(|| rb.score_with_items(&mut rows, children, opts))
            .map_err(|e| errors::input_error(py, format!("items tables: {e}"), None))?;
        let not_inputs = if input.unknown.is_empty() { batch.not_inputs().to_vec() } else { input.unknown };
        if unknown == errors::UnknownArg::Warn && !not_inputs.is_empty() {
            errors::warn(py, &kaoping::NotAnInput::warning_for(&not_inputs, true, errors::lang()))?;
        }
        for u in &batch.summary().unmatched {
            errors::warn(py, &u.to_string())?;
        }
        // A row that failed before scoring keeps a blank record: it is never explained.
        let records = rows.into_iter().map(|r| r.unwrap_or_else(|_| rb.record())).collect();
        let names = not_inputs.into_iter().map(|c| c.name).collect();
        Ok(Batch::new(
            self.rb.clone(),
            self.shape.clone(),
            batch,
            Source::Records(records),
            input.index,
            names,
        )
        .keeping_items(opts.items))
    }
}
