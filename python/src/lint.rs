//! `Rulebook.lint()`'s result: the core's `kaoping::Lint` handed to Python — findings as objects,
//! the reachable ranges as dicts with `Decimal` ends, the text and JSON as the core writes them.

use std::str::FromStr;

use kaoping::lint::Severity;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rust_decimal::Decimal;

use crate::values;

/// What a rulebook can and cannot do, proven from the rulebook alone (`Rulebook.lint()`).
#[pyclass(frozen, module = "kaoping", name = "Lint")]
pub struct Lint {
    inner: kaoping::Lint,
}

impl Lint {
    pub fn new(inner: kaoping::Lint) -> Lint {
        Lint { inner }
    }
}

/// A language argument: "zh" or "en".
pub fn lang(s: &str) -> PyResult<kaoping::Lang> {
    s.parse().map_err(|e: kaoping::ParseLangError| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// A published end as a `Decimal` (`None`: unbounded, or not a terminating decimal — the text
/// says "≈").
fn end(text: &Option<String>) -> Option<Decimal> {
    text.as_deref().and_then(|t| Decimal::from_str(t).ok())
}

fn span<'py>(py: Python<'py>, s: Option<&kaoping::lint::Span>) -> PyResult<Bound<'py, PyAny>> {
    let Some(s) = s else { return Ok(py.None().into_bound(py)) };
    let d = PyDict::new(py);
    d.set_item("min", end(&s.min))?;
    d.set_item("max", end(&s.max))?;
    d.set_item("text", &s.text)?;
    Ok(d.into_any())
}

#[pymethods]
impl Lint {
    /// The rulebook's id.
    #[getter]
    fn rulebook(&self) -> &str {
        &self.inner.rulebook
    }

    /// Its version.
    #[getter]
    fn version(&self) -> &str {
        &self.inner.version
    }

    /// Its fingerprint.
    #[getter]
    fn fingerprint(&self) -> &str {
        &self.inner.fingerprint
    }

    /// Every finding, in the order of their places in the file.
    #[getter]
    fn findings(&self) -> Vec<Finding> {
        self.inner.findings.iter().map(|f| Finding { inner: f.clone() }).collect()
    }

    /// No warning and no error (information only).
    #[getter]
    fn is_clean(&self) -> bool {
        self.inner.is_clean()
    }

    /// The reachable ranges, per profile and period: a list of dicts with `profile`, `from`,
    /// `until` (dates or None), `as_of` (whether the rulebook's date falls in the period),
    /// `total` and each of `indicators` (`id`, `points`, `range`, `may_be_left_out`) as ranges
    /// `{"min", "max", "text"}` (`min`/`max` are `Decimal`, None when unbounded or when the end
    /// does not terminate; `text` always says it), `grades` (those some record can get, None
    /// without grades) and `passed` (the verdicts possible).
    #[getter]
    fn ranges<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for r in &self.inner.ranges {
            let d = PyDict::new(py);
            d.set_item("profile", r.profile.as_deref())?;
            let date = |x: Option<kaoping::Date>| -> PyResult<Bound<'py, PyAny>> {
                match x {
                    Some(x) => values::date_to_py(py, x),
                    None => Ok(py.None().into_bound(py)),
                }
            };
            d.set_item("from", date(r.from)?)?;
            d.set_item("until", date(r.until)?)?;
            d.set_item("as_of", r.as_of)?;
            d.set_item("total", span(py, r.total.as_ref())?)?;
            let inds = PyList::empty(py);
            for i in &r.indicators {
                let x = PyDict::new(py);
                x.set_item("id", &i.id)?;
                x.set_item("points", Decimal::from_str(&i.points).ok())?;
                x.set_item("range", span(py, i.range.as_ref())?)?;
                x.set_item("may_be_left_out", i.may_be_left_out)?;
                inds.append(x)?;
            }
            d.set_item("indicators", inds)?;
            d.set_item("grades", r.grades.clone())?;
            d.set_item("passed", r.passed.clone())?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// The findings and the ranges as text, in Chinese ("zh") or English ("en").
    #[pyo3(signature = (lang = "zh"))]
    fn text(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.text(self::lang(lang)?))
    }

    /// The lint as JSON (schema `kaoping.lint/1`).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __str__(&self) -> String {
        self.inner.text(kaoping::Lang::Zh)
    }

    fn __repr__(&self) -> String {
        let n = |s: Severity| self.inner.findings.iter().filter(|f| f.severity == s).count();
        format!(
            "<kaoping.Lint {} {}: {} error(s), {} warning(s), {} note(s)>",
            self.inner.rulebook,
            self.inner.version,
            n(Severity::Error),
            n(Severity::Warning),
            n(Severity::Info)
        )
    }
}

/// One proven finding: a stable code, a severity, the place and the words.
#[pyclass(frozen, module = "kaoping", name = "Finding")]
pub struct Finding {
    inner: kaoping::Finding,
}

#[pymethods]
impl Finding {
    /// A stable code (`band-shadowed`, `grade-unreachable`, …).
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }

    /// "info", "warning" or "error".
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.name()
    }

    /// The file (None for a rulebook given as text).
    #[getter]
    fn file(&self) -> Option<&str> {
        self.inner.location.file.as_deref()
    }

    /// The 1-based line in the rulebook's text.
    #[getter]
    fn line(&self) -> Option<u32> {
        self.inner.location.line
    }

    /// The 1-based column.
    #[getter]
    fn column(&self) -> Option<u32> {
        self.inner.location.column
    }

    /// The path, as load problems name it (`indicator "a" rule`).
    #[getter]
    fn path(&self) -> Option<&str> {
        self.inner.location.path.as_deref()
    }

    /// The finding in Chinese ("zh") or English ("en").
    #[pyo3(signature = (lang = "zh"))]
    fn message(&self, lang: &str) -> PyResult<&str> {
        Ok(match self::lang(lang)? {
            kaoping::Lang::Zh => &self.inner.zh,
            _ => &self.inner.en,
        })
    }

    fn __str__(&self) -> String {
        self.inner.line(kaoping::Lang::Zh)
    }

    fn __repr__(&self) -> String {
        format!("<kaoping.Finding {}>", self.inner.line(kaoping::Lang::En))
    }
}
