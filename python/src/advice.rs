//! Advice (整改建议) in Python: `Result.advise(goal=…)` and `Rulebook.advise(record, goal=…)`
//! hand the core's `kaoping::advise::Advice` over as objects whose numbers are `Decimal`s, with a
//! readable `repr`, `to_dict()`, `to_json()` and the text in Chinese or English.

use kaoping::advise::{self, AdviseOptions};
use kaoping::{Lang, Record, Rulebook, ScoreOptions, Value};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors;
use crate::result::py_repr;

/// Advice for one record: blockers first, then the alternatives that reach the goal (each
/// verified by scoring the changed record), or why there are none.
#[pyclass(frozen, module = "kaoping", name = "Advice")]
pub struct Advice {
    inner: advise::Advice,
}

/// One way to the goal.
#[pyclass(frozen, module = "kaoping", name = "Alternative")]
pub struct Alternative {
    inner: advise::Alternative,
}

/// One input changed.
#[pyclass(frozen, module = "kaoping", name = "Change")]
pub struct Change {
    inner: advise::Change,
}

/// A veto, grade rule or criterion in the way of the goal.
#[pyclass(frozen, module = "kaoping", name = "Blocker")]
pub struct Blocker {
    inner: advise::Blocker,
}

fn lang(s: &str) -> PyResult<Lang> {
    crate::lint::lang(s)
}

/// Advise `record` (scored by `opts`) towards `goal` (a grade, "passed", or a total), off the
/// interpreter lock.
pub fn run(
    py: Python<'_>,
    rb: &Rulebook,
    record: &Record,
    goal: &Bound<'_, PyAny>,
    opts: AdviseOptions,
) -> PyResult<Advice> {
    let text: String = match goal.extract::<String>() {
        Ok(s) => s,
        // A total given as a number (85, Decimal("85.5")): its text.
        Err(_) => goal.str()?.to_string(),
    };
    let goal = advise::parse_goal(rb, &text).map_err(|e| PyValueError::new_err(e.to_string()))?;
    match py.detach(|| rb.advise(record, &goal, &opts)) {
        Ok(inner) => Ok(Advice { inner }),
        Err(advise::AdviseError::Record(e)) => Err(errors::record_error(py, &e)),
        Err(e) => Err(PyValueError::new_err(e.to_string())),
    }
}

/// The options from Python's keyword arguments.
pub fn options(score: ScoreOptions, max_inputs: usize, alternatives: usize, budget: usize) -> AdviseOptions {
    AdviseOptions { score, max_inputs: max_inputs.max(1), alternatives: alternatives.max(1), budget }
}

fn value<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Decimal(d) => d.into_pyobject(py)?.into_any(),
        Value::Integer(i) => i.into_pyobject(py)?.into_any(),
        Value::Bool(b) => pyo3::types::PyBool::new(py, *b).to_owned().into_any(),
        other => other.to_string().trim_matches('"').into_pyobject(py)?.into_any(),
    })
}

fn change_dict<'py>(py: Python<'py>, c: &advise::Change) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("input", &c.input)?;
    d.set_item("label", &c.label)?;
    d.set_item("unit", &c.unit)?;
    d.set_item("before", value(py, &c.from)?)?;
    d.set_item("after", value(py, &c.to)?)?;
    d.set_item("delta", c.delta)?;
    Ok(d)
}

fn effect_tuple<'py>(py: Python<'py>, e: &advise::Effect) -> PyResult<Bound<'py, PyAny>> {
    Ok((e.id.as_str(), e.label.as_str(), e.from, e.to, e.delta).into_pyobject(py)?.into_any())
}

fn alternative_dict<'py>(py: Python<'py>, a: &advise::Alternative) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let changes = PyList::empty(py);
    for c in &a.changes {
        changes.append(change_dict(py, c)?)?;
    }
    d.set_item("changes", changes)?;
    let effects = PyList::empty(py);
    for e in &a.effects {
        let x = PyDict::new(py);
        x.set_item(
            "kind",
            match e.kind {
                advise::EffectKind::Indicator => "indicator",
                advise::EffectKind::Bonus => "bonus",
                _ => "penalty",
            },
        )?;
        x.set_item("id", &e.id)?;
        x.set_item("label", &e.label)?;
        x.set_item("before", e.from)?;
        x.set_item("after", e.to)?;
        x.set_item("delta", e.delta)?;
        effects.append(x)?;
    }
    d.set_item("effects", effects)?;
    d.set_item("total", a.total)?;
    d.set_item("grade", &a.grade)?;
    d.set_item("passed", a.passed)?;
    d.set_item("size", a.size)?;
    d.set_item("zh", &a.zh)?;
    d.set_item("en", &a.en)?;
    Ok(d)
}

fn blocker_dict<'py>(py: Python<'py>, b: &advise::Blocker) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", kind(b.kind))?;
    d.set_item("id", &b.id)?;
    d.set_item("label", &b.label)?;
    d.set_item("when", &b.when)?;
    let by = PyList::empty(py);
    for c in &b.cleared_by {
        by.append(change_dict(py, c)?)?;
    }
    d.set_item("cleared_by", by)?;
    d.set_item("zh", &b.zh)?;
    d.set_item("en", &b.en)?;
    Ok(d)
}

fn kind(k: advise::BlockerKind) -> &'static str {
    match k {
        advise::BlockerKind::Veto => "veto",
        advise::BlockerKind::GradeRule => "grade_rule",
        _ => "criterion",
    }
}

fn reason(r: advise::UnreachableReason) -> &'static str {
    match r {
        advise::UnreachableReason::BeyondProfile => "beyond_profile",
        advise::UnreachableReason::NothingActionable => "nothing_actionable",
        advise::UnreachableReason::Blocked => "blocked",
        _ => "not_found",
    }
}

fn goal_text(g: &advise::Goal) -> String {
    match g {
        advise::Goal::Grade(g) => g.clone(),
        advise::Goal::Passed => "passed".to_owned(),
        advise::Goal::Total(t) => t.to_string(),
    }
}

#[pymethods]
impl Advice {
    /// The record's key.
    #[getter]
    fn key(&self) -> &str {
        &self.inner.key
    }

    /// The goal: a grade's label, "passed", or a total (as text).
    #[getter]
    fn goal(&self) -> String {
        goal_text(&self.inner.goal)
    }

    /// The record's total now.
    #[getter]
    fn total(&self) -> Option<rust_decimal::Decimal> {
        self.inner.total
    }

    /// Its grade now.
    #[getter]
    fn grade(&self) -> Option<&str> {
        self.inner.grade.as_deref()
    }

    /// Whether it meets every criterion now.
    #[getter]
    fn passed(&self) -> Option<bool> {
        self.inner.passed
    }

    /// Whether the goal is reached already.
    #[getter]
    fn reached(&self) -> bool {
        self.inner.reached
    }

    /// The vetoes, grade rules and criteria in the way, each with what clears it.
    #[getter]
    fn blockers(&self) -> Vec<Blocker> {
        self.inner.blockers.iter().map(|b| Blocker { inner: b.clone() }).collect()
    }

    /// The ways to the goal, best first.
    #[getter]
    fn alternatives(&self) -> Vec<Alternative> {
        self.inner.alternatives.iter().map(|a| Alternative { inner: a.clone() }).collect()
    }

    /// Why no way was found: (reason, text in Chinese, text in English), or None.
    #[getter]
    fn unreachable(&self) -> Option<(&'static str, String, String)> {
        self.inner.unreachable.as_ref().map(|u| (reason(u.reason), u.zh.clone(), u.en.clone()))
    }

    /// How many changed records were scored.
    #[getter]
    fn scored(&self) -> usize {
        self.inner.scored
    }

    /// Whether the search stopped at its budget.
    #[getter]
    fn exhausted(&self) -> bool {
        self.inner.exhausted
    }

    /// The advice as text, "zh" (default) or "en".
    #[pyo3(signature = (lang = "zh"))]
    fn text(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.text(self::lang(lang)?))
    }

    /// The advice as JSON (schema kaoping.advice/1).
    #[pyo3(signature = (*, pretty = false))]
    fn to_json(&self, pretty: bool) -> String {
        if pretty { self.inner.to_json_pretty() } else { self.inner.to_json() }
    }

    /// The advice as a dict, numbers as `Decimal`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let a = &self.inner;
        let d = PyDict::new(py);
        d.set_item("schema", advise::SCHEMA)?;
        d.set_item("rulebook", &a.rulebook)?;
        d.set_item("version", &a.version)?;
        d.set_item("key", &a.key)?;
        d.set_item("profile", &a.profile)?;
        d.set_item("goal", goal_text(&a.goal))?;
        d.set_item("total", a.total)?;
        d.set_item("grade", &a.grade)?;
        d.set_item("passed", a.passed)?;
        d.set_item("reached", a.reached)?;
        let blockers = PyList::empty(py);
        for b in &a.blockers {
            blockers.append(blocker_dict(py, b)?)?;
        }
        d.set_item("blockers", blockers)?;
        let alts = PyList::empty(py);
        for x in &a.alternatives {
            alts.append(alternative_dict(py, x)?)?;
        }
        d.set_item("alternatives", alts)?;
        match &a.unreachable {
            Some(u) => {
                let x = PyDict::new(py);
                x.set_item("reason", reason(u.reason))?;
                x.set_item("zh", &u.zh)?;
                x.set_item("en", &u.en)?;
                d.set_item("unreachable", x)?;
            }
            None => d.set_item("unreachable", py.None())?,
        }
        d.set_item("scored", a.scored)?;
        d.set_item("exhausted", a.exhausted)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        let state = if a.reached {
            "reached".to_owned()
        } else if let Some(u) = &a.unreachable {
            format!("unreachable={}", reason(u.reason))
        } else {
            format!("alternatives={}", a.alternatives.len())
        };
        format!("<Advice {} goal={} {state}>", py_repr(&a.key), py_repr(&goal_text(&a.goal)))
    }

    fn __str__(&self) -> String {
        self.inner.text(Lang::Zh)
    }
}

#[pymethods]
impl Alternative {
    /// The inputs changed, in declaration order.
    #[getter]
    fn changes(&self) -> Vec<Change> {
        self.inner.changes.iter().map(|c| Change { inner: c.clone() }).collect()
    }

    /// The indicators whose points change: (id, label, before, after, delta).
    #[getter]
    fn effects<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.inner.effects.iter().map(|e| effect_tuple(py, e)).collect()
    }

    /// The total of the changed record.
    #[getter]
    fn total(&self) -> Option<rust_decimal::Decimal> {
        self.inner.total
    }

    /// Its grade.
    #[getter]
    fn grade(&self) -> Option<&str> {
        self.inner.grade.as_deref()
    }

    /// Whether it meets every criterion.
    #[getter]
    fn passed(&self) -> Option<bool> {
        self.inner.passed
    }

    /// How large the changes are together (for ranking).
    #[getter]
    fn size(&self) -> rust_decimal::Decimal {
        self.inner.size
    }

    /// The alternative in words, "zh" (default) or "en".
    #[pyo3(signature = (lang = "zh"))]
    fn text(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.text(self::lang(lang)?).to_owned())
    }

    /// As a dict, numbers as `Decimal`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        alternative_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!("<Alternative {}>", py_repr(&self.inner.en))
    }
}

#[pymethods]
impl Change {
    /// The input's name.
    #[getter]
    fn input(&self) -> &str {
        &self.inner.input
    }

    /// Its label, if declared.
    #[getter]
    fn label(&self) -> Option<&str> {
        self.inner.label.as_deref()
    }

    /// Its value now (int, Decimal, bool or str).
    #[getter]
    fn before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        value(py, &self.inner.from)
    }

    /// The value that reaches the goal.
    #[getter]
    fn after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        value(py, &self.inner.to)
    }

    /// after − before, for numbers.
    #[getter]
    fn delta(&self) -> Option<rust_decimal::Decimal> {
        self.inner.delta
    }

    /// As a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        change_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let show = |v: &Value| match v {
            Value::Text(t) => py_repr(t),
            other => other.to_string(),
        };
        format!("<Change {}: {} → {}>", self.inner.input, show(&self.inner.from), show(&self.inner.to))
    }
}

#[pymethods]
impl Blocker {
    /// "veto", "grade_rule" or "criterion".
    #[getter]
    fn kind(&self) -> &'static str {
        kind(self.inner.kind)
    }

    /// The veto's or criterion's id, or the grade rule's number ("#1").
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Its label.
    #[getter]
    fn label(&self) -> &str {
        &self.inner.label
    }

    /// Its condition.
    #[getter]
    fn when(&self) -> &str {
        &self.inner.when
    }

    /// The single changes that clear it.
    #[getter]
    fn cleared_by(&self) -> Vec<Change> {
        self.inner.cleared_by.iter().map(|c| Change { inner: c.clone() }).collect()
    }

    /// In words, "zh" (default) or "en".
    #[pyo3(signature = (lang = "zh"))]
    fn text(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.text(self::lang(lang)?).to_owned())
    }

    /// As a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        blocker_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!("<Blocker {} {}>", kind(self.inner.kind), py_repr(&self.inner.label))
    }
}
