//! `kaoping.compare(old, new, data, items=…)`: two rulebooks over the same units, compared by
//! the core (`kaoping::Comparison`). Conversion only: the data are read once per rulebook (each
//! by its own inputs), child tables are joined by the core as `score_many` joins them, and the
//! core's comparison — its per-unit table, summary, transition matrix, movers and words —
//! becomes Python values (`Decimal` for every total, change and part; pyarrow or pandas for the
//! table).

use kaoping::compare::{Cell, CellKind, Stats};
use kaoping::{CompareOptions, Comparison as Core, Lang, Record, RecordError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors;
use crate::lint::lang;
use crate::result::ScoreResult;
use crate::rulebook::{PyRulebook, profile_check, records_for};
use crate::values;

/// Compare two rulebooks over the same units: which units change total, grade or verdict, and
/// why. `data` is what `Rulebook.score_many` takes (a list of mappings, a pandas DataFrame, an
/// Arrow table); each rulebook reads it by its own inputs, and units are matched by row.
/// `items` maps a list path to its child table, as `score_many` takes them (a DataFrame, an
/// Arrow table, a list of mappings, CSV text or bytes), joined by the core for each rulebook
/// that declares the list. `movers`: how many of the biggest movers keep both results. A table's
/// column that neither rulebook reads is named in one `KaopingWarning` (`unknown="warn"`),
/// refused with `UnknownNameError` (`"error"`) or passed over (`"ignore"`).
#[pyfunction]
#[pyo3(signature = (old, new, data, *, items = None, profile = None, as_of = None, movers = 10, parallel = true, unknown = "warn"))]
#[allow(clippy::too_many_arguments)] // keyword arguments of one Python call
pub fn compare(
    py: Python<'_>,
    old: &Bound<'_, PyRulebook>,
    new: &Bound<'_, PyRulebook>,
    data: &Bound<'_, PyAny>,
    items: Option<&Bound<'_, PyAny>>,
    profile: Option<String>,
    as_of: Option<&Bound<'_, PyAny>>,
    movers: usize,
    parallel: bool,
    unknown: &str,
) -> PyResult<Comparison> {
    let unknown_arg = errors::UnknownArg::parse(unknown)?;
    let (old, new) = (old.get(), new.get());
    profile_check(py, &old.rb, profile.as_deref())?;
    profile_check(py, &new.rb, profile.as_deref())?;
    let opts =
        CompareOptions { profile, as_of: as_of.map(values::date_from_py).transpose()?, parallel, movers };
    let (a, unknown_a) = records_for(old, data)?;
    let (b, unknown_b) = records_for(new, data)?;
    // A column that neither rulebook reads is named once, as score_many names it.
    let unknown: Vec<kaoping::NotAnInput> =
        unknown_a.into_iter().filter(|c| unknown_b.iter().any(|d| d.name == c.name)).collect();
    match unknown_arg {
        _ if unknown.is_empty() => {}
        errors::UnknownArg::Error => return Err(errors::unknown_columns_error(py, &unknown)),
        errors::UnknownArg::Warn => {
            errors::warn(py, &kaoping::NotAnInput::warning_for(&unknown, false, errors::lang()))?
        }
        _ => {}
    }
    let mut a: Vec<Result<Record, RecordError>> = a.into_iter().map(Ok).collect();
    let mut b: Vec<Result<Record, RecordError>> = b.into_iter().map(Ok).collect();
    if let Some(items) = items {
        let d = items.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err("items maps a list path to its table: {\"awards\": awards_df}")
        })?;
        let children = crate::child_tables::child_tables(py, d)?;
        for c in &children {
            if !lists(&old.rb, &c.path) && !lists(&new.rb, &c.path) {
                return Err(PyValueError::new_err(format!(
                    "{:?} is not an items input of either rulebook",
                    c.path
                )));
            }
        }
        for (rb, rows) in [(&old.rb, &mut a), (&new.rb, &mut b)] {
            // Each rulebook joins the tables of the lists it declares, as score_many joins them.
            let mine: Vec<kaoping::table::ChildTable> =
                children.iter().filter(|c| lists(rb, &c.path)).cloned().collect();
            if mine.is_empty() {
                continue;
            }
            let unmatched = py
                .detach(|| kaoping::table::join_items(rb, rows, mine))
                .map_err(|e| errors::input_error(py, format!("items tables: {e}"), None))?;
            for u in &unmatched {
                errors::warn(py, &u.to_string())?;
            }
        }
    }
    let (x, y) = (&old.rb, &new.rb);
    let core = py.detach(|| Core::rows(x, y, &a, &b, &opts)).map_err(|e| PyValueError::new_err(e.message))?;
    Ok(Comparison { inner: core })
}

/// Whether a list path (`households`, `villages.households`) starts at a list input of `rb`.
fn lists(rb: &kaoping::Rulebook, path: &str) -> bool {
    let first = path.split('.').next().unwrap_or(path).trim();
    rb.input_by_name_or_label(first).is_some_and(|k| rb.input_is_items(k))
}

/// Two rulebooks compared over the same units (`kaoping.compare`).
#[pyclass(frozen, module = "kaoping", name = "Comparison")]
pub struct Comparison {
    inner: Core,
}

fn stats<'py>(py: Python<'py>, s: &Stats, d: &Bound<'py, PyDict>) -> PyResult<()> {
    d.set_item("units", s.units)?;
    d.set_item("compared", s.compared)?;
    d.set_item("up", s.up)?;
    d.set_item("down", s.down)?;
    d.set_item("unchanged", s.unchanged)?;
    d.set_item("failed_old", s.failed_old)?;
    d.set_item("failed_new", s.failed_new)?;
    d.set_item("state_changed", s.state_changed)?;
    d.set_item("delta_sum", s.delta_sum)?;
    d.set_item("delta_min", s.delta_min)?;
    d.set_item("delta_max", s.delta_max)?;
    let buckets = PyList::empty(py);
    for b in &s.buckets {
        let x = PyDict::new(py);
        x.set_item("label", &b.label)?;
        x.set_item("lo", b.lo)?;
        x.set_item("hi", b.hi)?;
        x.set_item("count", b.count)?;
        buckets.append(x)?;
    }
    d.set_item("buckets", buckets)?;
    Ok(())
}

fn rulebook_ref<'py>(py: Python<'py>, r: &kaoping::RulebookRef) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &r.id)?;
    d.set_item("title", &r.title)?;
    d.set_item("version", &r.version)?;
    d.set_item("fingerprint", &r.fingerprint)?;
    d.set_item("changes", r.variant_of.as_ref().map(|v| v.changes.clone()))?;
    Ok(d)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[pymethods]
impl Comparison {
    /// The old rulebook: `{"id", "title", "version", "fingerprint", "changes"}` (`changes`:
    /// those that made it a variant, else None).
    #[getter]
    fn old<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        rulebook_ref(py, &self.inner.old)
    }

    /// The new rulebook, as `old`.
    #[getter(new)]
    fn new_rulebook<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        rulebook_ref(py, &self.inner.new)
    }

    /// Units compared.
    fn __len__(&self) -> usize {
        self.inner.units.len()
    }

    /// The cohort in numbers: `units`, `compared` (both have a total), `up`, `down`,
    /// `unchanged`, `failed_old`, `failed_new`, `state_changed`, `delta_sum`, `delta_min`,
    /// `delta_max` (Decimal), `buckets` (the change's distribution), `profiles` (the same per
    /// profile, with `profile`), `indicators` (by the units they moved: `id`, `label`, `added`,
    /// `removed`, `moved`, `up`, `down`, `delta_sum`), `attribution` (summed over the units,
    /// exactly: `indicators` {id: Decimal}, `rescale`, `bonus`, `penalty`, `clamp`, `rounding`,
    /// `vetoes`), `added` and `removed` (indicator ids).
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.inner.summary;
        let d = PyDict::new(py);
        stats(py, &s.all, &d)?;
        let profiles = PyList::empty(py);
        for p in &s.profiles {
            let x = PyDict::new(py);
            x.set_item("profile", p.profile.as_deref())?;
            stats(py, &p.stats, &x)?;
            profiles.append(x)?;
        }
        d.set_item("profiles", profiles)?;
        let inds = PyList::empty(py);
        for m in &s.indicators {
            let x = PyDict::new(py);
            x.set_item("id", &m.id)?;
            x.set_item("label", &m.label)?;
            x.set_item("added", m.added)?;
            x.set_item("removed", m.removed)?;
            x.set_item("moved", m.moved)?;
            x.set_item("up", m.up)?;
            x.set_item("down", m.down)?;
            x.set_item("delta_sum", m.delta_sum)?;
            inds.append(x)?;
        }
        d.set_item("indicators", inds)?;
        let a = &s.attribution;
        let at = PyDict::new(py);
        let by_id = PyDict::new(py);
        for (id, v) in &a.indicators {
            by_id.set_item(id, *v)?;
        }
        at.set_item("indicators", by_id)?;
        for (k, v) in [
            ("rescale", a.rescale),
            ("bonus", a.bonus),
            ("penalty", a.penalty),
            ("clamp", a.clamp),
            ("rounding", a.rounding),
            ("vetoes", a.vetoes),
        ] {
            at.set_item(k, v)?;
        }
        d.set_item("attribution", at)?;
        d.set_item("added", s.added.clone())?;
        d.set_item("removed", s.removed.clone())?;
        Ok(d)
    }

    /// The transition matrix: `{"states": [...], "counts": [[...]]}`, `counts[i][j]` units from
    /// state i under the old rulebook to state j under the new; states are the grades (best
    /// first), or the verdicts, then vetoed and failed.
    #[getter]
    fn transitions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner.summary.all.transitions;
        let d = PyDict::new(py);
        d.set_item("states", t.states.iter().map(|s| s.label()).collect::<Vec<_>>())?;
        d.set_item("counts", t.counts.clone())?;
        Ok(d)
    }

    /// The biggest movers, each `{"row", "key", "delta", "why", "old", "new"}` with both results
    /// (`Result`, or None when that side failed: then `old_error`/`new_error` say why).
    #[getter]
    fn movers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for m in &self.inner.movers {
            let u = &self.inner.units[m.unit];
            let d = PyDict::new(py);
            d.set_item("row", u.row)?;
            d.set_item("key", &u.key)?;
            d.set_item("delta", u.delta)?;
            d.set_item("why", u.why(Lang::En))?;
            for (name, side) in [("old", &m.old), ("new", &m.new)] {
                match side {
                    Ok(o) => {
                        d.set_item(name, Py::new(py, ScoreResult::new(o.clone()))?)?;
                        d.set_item(format!("{name}_error"), py.None())?;
                    }
                    Err(e) => {
                        d.set_item(name, py.None())?;
                        d.set_item(format!("{name}_error"), e)?;
                    }
                }
            }
            out.append(d)?;
        }
        Ok(out)
    }

    /// One row per unit as a `pyarrow.Table`: key, profile, both totals and the change (exact
    /// decimal128), grades, verdicts, states, vetoes started and stopped, each indicator's change
    /// (`delta.<id>`), the attribution's other parts, each side's error.
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pa = py.import("pyarrow")?;
        let scale = self.inner.scale;
        let (mut names, arrays) = (Vec::new(), PyList::empty(py));
        for col in self.inner.table() {
            let ty = match col.kind {
                CellKind::Integer => pa.call_method0("int64")?,
                CellKind::Decimal => pa.call_method1("decimal128", (38, scale))?,
                CellKind::Text => pa.call_method0("string")?,
                CellKind::Boolean => pa.call_method0("bool_")?,
            };
            let values = PyList::empty(py);
            for c in &col.cells {
                match c {
                    None => values.append(py.None())?,
                    Some(Cell::Integer(n)) => values.append(*n)?,
                    Some(Cell::Decimal(x)) => values.append(x.round_dp(scale))?,
                    Some(Cell::Text(t)) => values.append(t)?,
                    Some(Cell::Boolean(b)) => values.append(*b)?,
                }
            }
            let kw = PyDict::new(py);
            kw.set_item("type", ty)?;
            arrays.append(pa.call_method("array", (values,), Some(&kw))?)?;
            names.push(col.name);
        }
        let kw = PyDict::new(py);
        kw.set_item("names", names)?;
        pa.getattr("Table")?.call_method("from_arrays", (arrays,), Some(&kw))
    }

    /// `to_arrow()` as a pandas DataFrame (decimals as `Decimal` objects).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_arrow(py)?.call_method0("to_pandas")
    }

    /// The comparison in words, in Chinese ("zh") or English ("en").
    #[pyo3(signature = (lang = "zh"))]
    fn text(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.text(self::lang(lang)?))
    }

    /// Everything as JSON (schema `kaoping.compare/1`, decimals as strings).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __str__(&self) -> String {
        self.inner.text(Lang::Zh)
    }

    fn __repr__(&self) -> String {
        let s = &self.inner.summary.all;
        format!(
            "<kaoping.Comparison {} {} → {} {}: {} units, {} up, {} down, {} changed state>",
            self.inner.old.id,
            self.inner.old.version,
            self.inner.new.id,
            self.inner.new.version,
            s.units,
            s.up,
            s.down,
            s.state_changed
        )
    }

    /// For Jupyter: the counts, the transition matrix as a heat table, the biggest movers.
    fn _repr_html_(&self) -> String {
        let c = &self.inner;
        let s = &c.summary.all;
        let mut h = format!(
            "<div class=\"kaoping-comparison\"><p><b>{} {}</b> → <b>{} {}</b></p><p>{} units",
            esc(&c.old.id),
            esc(&c.old.version),
            esc(&c.new.id),
            esc(&c.new.version),
            s.units
        );
        if s.compared > 0 {
            h.push_str(&format!(
                "; {} compared: {} up, {} down, {} unchanged; change {} in all",
                s.compared, s.up, s.down, s.unchanged, s.delta_sum
            ));
        }
        h.push_str(&format!(
            "; {} changed state; failed {} old, {} new</p>",
            s.state_changed, s.failed_old, s.failed_new
        ));
        let t = &s.transitions;
        let max = t.counts.iter().flatten().copied().max().unwrap_or(0).max(1);
        h.push_str("<table class=\"transitions\"><tr><th>old \\ new</th>");
        for st in &t.states {
            h.push_str(&format!("<th>{}</th>", esc(&st.label_in(Lang::Zh))));
        }
        h.push_str("</tr>");
        for (i, st) in t.states.iter().enumerate() {
            h.push_str(&format!("<tr><th>{}</th>", esc(&st.label_in(Lang::Zh))));
            for n in &t.counts[i] {
                let alpha = (*n as f64 / max as f64 * 0.8 * 100.0).round() / 100.0;
                h.push_str(&format!(
                    "<td style=\"text-align:right;background:rgba(69,117,180,{alpha})\">{n}</td>"
                ));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
        if !c.movers.is_empty() {
            h.push_str("<p>Biggest movers:</p><ul>");
            for m in &c.movers {
                let u = &c.units[m.unit];
                let delta = u.delta.map(|d| format!(" ({d})")).unwrap_or_default();
                let why = u.why(Lang::Zh).join("；");
                h.push_str(&format!(
                    "<li>row {} {}: {} → {}{delta} {}</li>",
                    u.row,
                    esc(&u.key),
                    esc(&u.old.state.label_in(Lang::Zh)),
                    esc(&u.new.state.label_in(Lang::Zh)),
                    esc(&why)
                ));
            }
            h.push_str("</ul>");
        }
        h.push_str("</div>");
        h
    }
}
