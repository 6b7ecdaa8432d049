//! `kaoping.Result`: one scored record, fully explained — Decimals out, the versioned JSON
//! schema, the explanation text in Chinese or English, and an HTML table for Jupyter.

use std::sync::Arc;

use kaoping::{AggregateLine, Lang, Outcome};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value as J;

use crate::values::{Shape, date_to_py, decimal_to_py, opt_decimal};

/// A scored record: total, grade, every indicator's points and how they were reached.
#[pyclass(frozen, module = "kaoping", name = "Result")]
pub struct ScoreResult {
    pub outcome: Outcome,
    /// For an item's own result (`Result.items`): its 1-based position in its list's input.
    position: Option<usize>,
    /// When the items' own results were kept (`score(…, keep_items=True)`): the inputs of the rulebook
    /// that scored this result, to tell a scored list whose items are missing from a name that
    /// is no such list.
    kept: Option<Arc<Shape>>,
    /// What was scored, for `advise`: the rulebook, the record and the options (a result of
    /// `Rulebook.score`; not a batch row's).
    source: Option<Arc<(kaoping::Rulebook, kaoping::Record, kaoping::ScoreOptions)>>,
}

impl ScoreResult {
    pub fn new(outcome: Outcome) -> ScoreResult {
        ScoreResult { outcome, position: None, kept: None, source: None }
    }

    /// The same result, remembering what was scored (so that it can be advised).
    pub fn scored_from(
        mut self,
        rb: &kaoping::Rulebook,
        record: kaoping::Record,
        opts: kaoping::ScoreOptions,
    ) -> ScoreResult {
        self.source = Some(Arc::new((rb.clone(), record, opts)));
        self
    }

    /// A result whose items' own results were kept; `shape` is its rulebook's.
    pub fn with_items(outcome: Outcome, shape: Arc<Shape>) -> ScoreResult {
        ScoreResult { outcome, position: None, kept: Some(shape), source: None }
    }
}

fn lang_of(lang: &str) -> PyResult<Lang> {
    let l = lang.trim().to_ascii_lowercase();
    if l == "zh" || l.starts_with("zh-") || l.starts_with("zh_") {
        Ok(Lang::Zh)
    } else if l == "en" || l.starts_with("en-") || l.starts_with("en_") {
        Ok(Lang::En)
    } else {
        Err(PyValueError::new_err(format!("lang is \"zh\" or \"en\", not {lang:?}")))
    }
}

#[pymethods]
impl ScoreResult {
    /// The record's key (its `key_field` value, or its row number).
    #[getter]
    fn key(&self) -> &str {
        &self.outcome.key
    }

    /// The profile it was scored in.
    #[getter]
    fn profile(&self) -> Option<&str> {
        self.outcome.profile.as_deref()
    }

    /// The scoring date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.outcome.as_of {
            Some(d) => date_to_py(py, d),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// Published total (`None` for a criteria-only rulebook).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.outcome.total)
    }

    /// Maximum total in the record's profile.
    #[getter]
    fn max<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.outcome.max)
    }

    /// Grade (等次).
    #[getter]
    fn grade(&self) -> Option<&str> {
        self.outcome.grade.as_deref()
    }

    /// Whether every criterion holds (`None` without criteria).
    #[getter]
    fn passed(&self) -> Option<bool> {
        self.outcome.passed
    }

    /// The indicators' points (after rescaling), before bonus and penalty.
    #[getter]
    fn base<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.outcome.base)
    }

    /// Bonus after its cap.
    #[getter]
    fn bonus<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.outcome.bonus)
    }

    /// Penalty after its cap.
    #[getter]
    fn penalty<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.outcome.penalty)
    }

    /// Ids of the vetoes (一票否决) that fired.
    #[getter]
    fn vetoes(&self) -> Vec<String> {
        self.outcome.vetoes.iter().map(|v| v.id.clone()).collect()
    }

    /// Vetoes that fired inside component rulebooks, as `(indicator, rulebook, veto)` ids: that
    /// part scored as its veto says; the result itself is not vetoed by them.
    #[getter]
    fn component_vetoes(&self) -> Vec<(String, String, String)> {
        self.outcome
            .component_vetoes
            .iter()
            .map(|v| (v.indicator.clone(), v.rulebook.clone(), v.id.clone()))
            .collect()
    }

    /// The next better grade and the points still needed, or `None` at the best grade. The gap is
    /// `None` when the grade is held whatever the points (see `next_grade_blocked_by`).
    #[getter]
    fn next_grade<'py>(&self, py: Python<'py>) -> PyResult<Option<(String, Bound<'py, PyAny>)>> {
        self.outcome.next_grade.as_ref().map(|n| Ok((n.grade.clone(), opt_decimal(py, n.gap)?))).transpose()
    }

    /// What holds the grade where it is whatever the points, as `(kind, id, label)`: vetoes
    /// (`"veto"`, their id) that set the total or cap the grade, and grade rules (`"grade_rule"`,
    /// `"#1"`…) that cap it. Empty when points alone decide.
    #[getter]
    fn next_grade_blocked_by(&self) -> Vec<(String, String, String)> {
        self.outcome
            .next_grade
            .iter()
            .flat_map(|n| &n.blocked_by)
            .map(|h| (h.kind.name().to_owned(), h.id.clone(), h.label.clone()))
            .collect()
    }

    /// Warnings (fields that are not inputs…).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        let lang = crate::errors::lang();
        self.outcome.warnings.iter().map(|w| kaoping::message::translate(w, lang).into_owned()).collect()
    }

    /// The id of the rulebook that scored it.
    #[getter]
    fn rulebook(&self) -> &str {
        &self.outcome.rulebook.id
    }

    /// For an item's own result (from `Result.items`): the item's 1-based position in its list
    /// as given (before `order_by`), as error paths name it (`households[17]`); else `None`.
    #[getter]
    fn position(&self) -> Option<usize> {
        self.position
    }

    /// One line per aggregate call of the rulebook (`sum(households, item.members, not
    /// item.passed)`…), wherever it is written: what it read and what it found (spec §18.6).
    #[getter]
    fn aggregates(&self) -> Vec<Aggregate> {
        self.outcome.aggregates.iter().cloned().map(Aggregate).collect()
    }

    /// The items' own results of list input `name` (items scored by another rulebook, spec
    /// §18.2), in list order (after `order_by`), each a `Result` with its `position`: kept only
    /// when the record was scored with `keep_items=True`, else `ValueError`. A list the record left
    /// out gives `[]`; a name that is no list of scored items, `KeyError`.
    fn items(&self, name: &str) -> PyResult<Vec<ScoreResult>> {
        let Some(shape) = &self.kept else {
            return Err(PyValueError::new_err(format!(
                "the items' own results were not kept for {}: score with keep_items=True",
                self.outcome.key
            )));
        };
        let Some(input) = shape.input(name).filter(|i| i.scored) else {
            let scored: Vec<&str> =
                shape.inputs.iter().filter(|i| i.scored).map(|i| i.name.as_str()).collect();
            return Err(PyKeyError::new_err(format!(
                "{name:?} is not a list of items scored by a rulebook in rulebook {} (such lists: {})",
                self.outcome.rulebook.id,
                if scored.is_empty() { "none".to_owned() } else { scored.join(", ") }
            )));
        };
        Ok(self
            .outcome
            .items_of(name)
            .unwrap_or_default()
            .iter()
            .map(|it| ScoreResult {
                outcome: it.result.clone(),
                position: Some(it.position),
                kept: Some(input.fields.clone()),
                source: None,
            })
            .collect())
    }

    /// Published points of an indicator; `None` when it was left out (not applicable). An id
    /// that is not an indicator raises `KeyError`.
    fn points<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.outcome.node(id) {
            Some(n) => opt_decimal(py, n.points),
            None => Err(PyKeyError::new_err(format!(
                "no indicator {id:?} in rulebook {}",
                self.outcome.rulebook.id
            ))),
        }
    }

    /// Points lost per scored leaf, largest first: `[(id, label, lost)]`.
    fn lost<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, String, Bound<'py, PyAny>)>> {
        self.outcome
            .lost
            .iter()
            .map(|l| Ok((l.id.clone(), l.label.clone(), decimal_to_py(py, l.lost)?)))
            .collect()
    }

    /// The result as a dict in the JSON schema "kaoping.result/2", with published values as
    /// `Decimal` and the scoring date as `datetime.date`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = serde_json::to_value(&self.outcome).map_err(|e| crate::errors::internal(e.to_string()))?;
        let out = json_to_py(py, &json)?;
        typed_outcome(out.cast::<PyDict>()?, &self.outcome)?;
        Ok(out)
    }

    /// The result as JSON (schema "kaoping.result/2"; decimals as strings).
    #[pyo3(signature = (*, pretty = false))]
    fn to_json(&self, pretty: bool) -> String {
        if pretty { self.outcome.to_json_pretty() } else { self.outcome.to_json() }
    }

    /// Advice (整改建议): the least changes of the record's actionable inputs that reach `goal` —
    /// a grade ("较好"), "passed", or a total (85) — each verified by scoring the changed record.
    /// Only for a result of `Rulebook.score`.
    #[pyo3(signature = (goal, *, max_inputs = 3, alternatives = 5, budget = 20000))]
    fn advise(
        &self,
        py: Python<'_>,
        goal: &Bound<'_, PyAny>,
        max_inputs: usize,
        alternatives: usize,
        budget: usize,
    ) -> PyResult<crate::advice::Advice> {
        let Some(src) = &self.source else {
            return Err(PyValueError::new_err(
                "advise needs a result of Rulebook.score (a batch row's or an item's result does not keep its record): use Rulebook.advise(record, goal)",
            ));
        };
        let (rb, record, opts) = &**src;
        let opts = crate::advice::options(opts.clone(), max_inputs, alternatives, budget);
        crate::advice::run(py, rb, record, goal, opts)
    }

    /// Every point explained, in Chinese ("zh") or English ("en").
    #[pyo3(signature = (lang = "zh"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(kaoping::explain(&self.outcome, lang_of(lang)?))
    }

    /// Jupyter's view: the headline, base, bonus and penalty where they matter, every
    /// indicator, the bonus and penalty items, each criterion and whether it holds, vetoes.
    fn _repr_html_(&self) -> String {
        crate::html::result(&self.outcome)
    }

    fn __repr__(&self) -> String {
        let o = &self.outcome;
        let total = o.total.map_or("None".to_owned(), |t| format!("Decimal('{t}')"));
        let grade = o.grade.as_deref().map_or("None".to_owned(), py_repr);
        format!("<kaoping.Result key={} total={total} grade={grade}>", py_repr(&o.key))
    }
}

/// The published values of an outcome's dict as `Decimal`, its date as `datetime.date`, and the
/// same for the items' own results inside it (`"items"`), at every level.
fn typed_outcome(d: &Bound<'_, PyDict>, o: &Outcome) -> PyResult<()> {
    let py = d.py();
    decimals(d, &["total", "max", "base", "bonus", "penalty", "total_before_vetoes"])?;
    for (list, keys) in [
        ("nodes", &["points", "max"][..]),
        ("bonus_items", &["points", "max"]),
        ("penalty_items", &["points", "max"]),
        ("vetoes", &["score"]),
        ("component_vetoes", &["score"]),
        ("lost", &["lost"]),
    ] {
        if let Some(l) = d.get_item(list)? {
            for item in l.cast::<PyList>()?.iter() {
                decimals(item.cast::<PyDict>()?, keys)?;
            }
        }
    }
    if let Some(n) = d.get_item("next_grade")?
        && let Ok(n) = n.cast::<PyDict>()
    {
        decimals(n, &["bound", "gap"])?;
    }
    if let Some(a) = o.as_of {
        d.set_item("as_of", date_to_py(py, a)?)?;
    }
    if let Some(lists) = d.get_item("items")? {
        for (list, kept) in lists.cast::<PyList>()?.iter().zip(&o.items) {
            let items = list.get_item("items")?;
            for (item, it) in items.cast::<PyList>()?.iter().zip(&kept.items) {
                typed_outcome(item.get_item("result")?.cast::<PyDict>()?, &it.result)?;
            }
        }
    }
    Ok(())
}

/// One aggregate call in a result's explanation (spec §18.6): "remaining_poor = 87：建档立卡贫困户
/// 311 户中 24 户满足 not item.passed，sum(item.members) = 87".
#[pyclass(frozen, module = "kaoping", name = "AggregateLine")]
pub struct Aggregate(AggregateLine);

#[pymethods]
impl Aggregate {
    /// Where it is written: `derived "remaining_poor"`, `indicator "exit.rate"`…
    #[getter]
    fn place(&self) -> &str {
        &self.0.place
    }

    /// The call as written.
    #[getter]
    fn call(&self) -> &str {
        &self.0.call
    }

    /// The function: "count", "sum", "mean", "min", "max", "first", "last" or "share".
    #[getter]
    fn function(&self) -> &str {
        &self.0.function
    }

    /// The list input it reads.
    #[getter]
    fn list(&self) -> &str {
        &self.0.list
    }

    /// The list input's label, if it has one.
    #[getter]
    fn list_label(&self) -> Option<&str> {
        self.0.list_label.as_deref()
    }

    /// The value taken per item, as written (`item.members`), if any.
    #[getter]
    fn x(&self) -> Option<&str> {
        self.0.x.as_deref()
    }

    /// The condition selecting items, as written (`not item.passed`), if any.
    #[getter]
    fn cond(&self) -> Option<&str> {
        self.0.cond.as_deref()
    }

    /// How many items were selected.
    #[getter]
    fn selected(&self) -> u32 {
        self.0.selected
    }

    /// How many items the list has; `None` when the list is missing (or the call was never
    /// evaluated, in a branch not taken).
    #[getter]
    fn of(&self) -> Option<u32> {
        self.0.of
    }

    /// The value as the explanation shows it (exact decimal text, `≈` and 6 places for a
    /// repeating decimal; text or `true`/`false` for `first`/`last` of such fields); `None`: no
    /// data.
    #[getter]
    fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }

    /// The first item (1-based position in the input) whose condition or value had no data.
    #[getter]
    fn no_data_item(&self) -> Option<usize> {
        self.0.no_data_item
    }

    fn __repr__(&self) -> String {
        let a = &self.0;
        format!(
            "<kaoping.AggregateLine {} {} selected={} of={} value={}>",
            a.place,
            py_repr(&a.call),
            a.selected,
            a.of.map_or("None".to_owned(), |n| n.to_string()),
            a.value.as_deref().map_or("None".to_owned(), py_repr)
        )
    }
}

/// A string as Python's `repr` shows it (for `__repr__`s).
pub fn py_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Replace decimal strings under `keys` by `Decimal`s.
fn decimals(d: &Bound<'_, PyDict>, keys: &[&str]) -> PyResult<()> {
    let py = d.py();
    for k in keys {
        if let Some(v) = d.get_item(k)?
            && !v.is_none()
        {
            let text: String = v.extract()?;
            let dec = kaoping::num::parse_decimal_text(&text)
                .map_err(|e| crate::errors::internal(e.to_string()))?;
            d.set_item(k, decimal_to_py(py, dec)?)?;
        }
    }
    Ok(())
}

/// JSON → Python (dict, list, str, int, float, bool, None).
pub fn json_to_py<'py>(py: Python<'py>, v: &J) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        J::Null => py.None().into_bound(py),
        J::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        J::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        J::String(s) => s.into_pyobject(py)?.into_any(),
        J::Array(items) => {
            let l = PyList::empty(py);
            for i in items {
                l.append(json_to_py(py, i)?)?;
            }
            l.into_any()
        }
        J::Object(map) => {
            let d = PyDict::new(py);
            for (k, v) in map {
                d.set_item(k, json_to_py(py, v)?)?;
            }
            d.into_any()
        }
    })
}
