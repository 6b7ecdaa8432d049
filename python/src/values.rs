//! Python values → record values, typed by the rulebook's declared inputs (conversion only: the
//! core validates types, ranges and allowed values when it scores).
//!
//! - `None` (and pandas' `NA`/`NaT`) is missing.
//! - `bool` is checked before `int` (a Python bool is an int): it becomes a boolean value.
//! - `int` → an integer (beyond `i64`: read as a decimal cell, so the core reports the range).
//! - `float` → a decimal through its shortest repr (`0.1` → `0.1`); NaN/±inf are the input's
//!   `InputType` error, kept on the record so the row (not the call) fails.
//! - `decimal.Decimal` → read exactly from its text (never rounded to fit: more than rust_decimal
//!   holds is `InputOutOfRange`).
//! - `str` → a spreadsheet cell (`Record::set_cell`): read by the input's type when scored.
//! - lists (and numpy arrays) → `numbers` marks or `items` (mappings of item fields).
//! - `datetime.date` → ISO text for a `text` input.
//!
//! The same [`Conv`] values come out of the Arrow column readers (`columns.rs`), so a value means
//! the same whether it arrives in a dict, a pandas object column or an Arrow array.

use std::borrow::Cow;
use std::sync::Arc;

use kaoping::num::{TextNumberError, decimal_from_f64, parse_decimal_text};
use kaoping::{ErrorKind, Item, Record, Rulebook, Value};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use rust_decimal::Decimal;

/// An input's declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Decimal,
    Integer,
    Boolean,
    Text,
    Numbers,
    Items,
}

impl Kind {
    fn from_name(ty: &str) -> Kind {
        match ty {
            "decimal" => Kind::Decimal,
            "integer" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "numbers" => Kind::Numbers,
            "items" => Kind::Items,
            _ => Kind::Text,
        }
    }

    /// What a value of this type is, for messages (the core's words).
    pub fn expected(self) -> &'static str {
        match self {
            Kind::Decimal => "a decimal number",
            Kind::Integer => "a whole number",
            Kind::Boolean => "true or false",
            Kind::Text => "text",
            Kind::Numbers => "a list of numbers",
            Kind::Items => "a list of items",
        }
    }

    fn is_number(self) -> bool {
        matches!(self, Kind::Decimal | Kind::Integer)
    }
}

/// One input as the converters need it.
#[derive(Clone, Debug)]
pub struct InputShape {
    pub name: String,
    pub kind: Kind,
    /// Item fields (items inputs): the declared fields, or the inputs of the rulebook that scores
    /// the items (spec §18.2), themselves lists for a level further down.
    pub fields: Arc<Shape>,
    /// Whether the items are scored by a rulebook (their own results can be kept).
    pub scored: bool,
}

/// The inputs of a rulebook, by index.
#[derive(Clone, Debug, Default)]
pub struct Shape {
    pub inputs: Vec<InputShape>,
}

impl Shape {
    pub fn of(rb: &Rulebook) -> Shape {
        Shape {
            inputs: rb
                .inputs()
                .into_iter()
                .map(|i| {
                    let kind = Kind::from_name(&i.ty);
                    let sub = if kind == Kind::Items { rb.item_rulebook(&i.name) } else { None };
                    let fields = match &sub {
                        // Load refuses rulebooks that reach themselves through items: this ends.
                        Some(sub) => Shape::of(sub),
                        None => Shape {
                            inputs: i
                                .fields
                                .iter()
                                .map(|(n, t)| InputShape {
                                    name: n.clone(),
                                    kind: Kind::from_name(t),
                                    fields: Arc::default(),
                                    scored: false,
                                })
                                .collect(),
                        },
                    };
                    InputShape { kind, fields: Arc::new(fields), scored: sub.is_some(), name: i.name }
                })
                .collect(),
        }
    }

    /// The input named `name`.
    pub fn input(&self, name: &str) -> Option<&InputShape> {
        self.inputs.iter().find(|i| i.name == name)
    }
}

/// A value that could not be converted: the input's issue when the record is scored.
#[derive(Clone, Debug, PartialEq)]
pub struct Bad {
    pub kind: ErrorKind,
    pub value: Option<String>,
    pub message: String,
}

impl Bad {
    /// A value of the wrong type (`what`: "a dict", "a list"…).
    pub fn wrong_type(name: &str, expected: &str, what: &str, value: Option<String>) -> Bad {
        Bad { kind: ErrorKind::InputType, value, message: format!("{name} must be {expected}, not {what}") }
    }

    /// A number that did not read (NaN, ±inf, beyond the decimal range).
    pub fn number(name: &str, shown: &str, e: TextNumberError) -> Bad {
        let kind = match e {
            TextNumberError::OutOfRange => ErrorKind::InputOutOfRange,
            _ => ErrorKind::InputType,
        };
        Bad { kind, value: Some(shown.to_owned()), message: format!("{name} = {shown}: {e}") }
    }
}

/// One converted value, ready to go into a record slot.
#[derive(Clone, Debug, PartialEq)]
pub enum Conv<'a> {
    Missing,
    Value(Value),
    /// A text cell, read by the input's type when scored (`Record::set_cell`).
    Cell(Cow<'a, str>),
    Bad(Bad),
}

impl Conv<'_> {
    pub fn into_owned(self) -> Conv<'static> {
        match self {
            Conv::Missing => Conv::Missing,
            Conv::Value(v) => Conv::Value(v),
            Conv::Cell(c) => Conv::Cell(Cow::Owned(c.into_owned())),
            Conv::Bad(b) => Conv::Bad(b),
        }
    }
}

/// Put a converted value into input `index` of a record.
pub fn apply(rec: &mut Record, index: usize, conv: Conv<'_>) {
    match conv {
        Conv::Missing => {}
        Conv::Value(v) => rec.set_at(index, v),
        Conv::Cell(text) => rec.set_cell_at(index, &text),
        Conv::Bad(b) => rec.set_unreadable_at(index, b.kind, b.value, b.message),
    }
}

/// A float through its shortest repr; NaN/±inf and values beyond the decimal range are `Bad`.
pub fn from_f64(x: f64, name: &str) -> Conv<'static> {
    match decimal_from_f64(x) {
        Ok(d) => Conv::Value(Value::Decimal(d)),
        Err(e) => Conv::Bad(Bad::number(name, &python_float_repr(x), e)),
    }
}

/// A 32-bit float through its own shortest repr (`0.1f32` is 0.1, not 0.100000001…).
pub fn from_f32(x: f32, name: &str) -> Conv<'static> {
    if !x.is_finite() {
        return Conv::Bad(Bad::number(name, &python_float_repr(f64::from(x)), TextNumberError::NonFinite));
    }
    let text = format!("{x:e}");
    match parse_decimal_text(&text) {
        Ok(d) => Conv::Value(Value::Decimal(d)),
        Err(e) => Conv::Bad(Bad::number(name, &text, e)),
    }
}

/// How Python shows a float (for messages): `nan`, `inf`, `-inf`, else Rust's shortest form.
fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

/// A decimal given as text (Python `Decimal`'s str, an Arrow decimal): exactly, or `Bad`.
pub fn from_decimal_text(text: &str, name: &str) -> Conv<'static> {
    match parse_decimal_text(text) {
        Ok(d) => Conv::Value(Value::Decimal(d)),
        Err(e) => Conv::Bad(Bad::number(name, text, e)),
    }
}

/// A mark of a `numbers` input from a converted element; `here` names it (`marks[3]`).
pub fn mark(conv: Conv<'_>, here: &str) -> Result<Decimal, Bad> {
    match conv {
        Conv::Value(Value::Decimal(d)) => Ok(d),
        Conv::Value(Value::Integer(i)) => Ok(Decimal::from(i)),
        Conv::Cell(text) => match parse_decimal_text(&text) {
            Ok(d) => Ok(d),
            Err(e) => Err(Bad::number(here, text.trim(), e)),
        },
        Conv::Value(v) => Err(Bad::wrong_type(here, "a number", v.type_name(), Some(v.to_string()))),
        Conv::Missing => Err(Bad::wrong_type(here, "a number", "missing", None)),
        Conv::Bad(b) => Err(b),
    }
}

/// How an element of a list input is named in messages: `marks[3]` (1-based).
pub fn element_name(name: &str, k: usize) -> String {
    format!("{name}[{}]", k + 1)
}

/// An item field from a converted value: `Ok(None)` when missing (the core then reports the
/// missing field).
pub fn item_field(conv: Conv<'_>) -> Result<Option<Value>, Bad> {
    match conv {
        Conv::Missing => Ok(None),
        Conv::Value(v) => Ok(Some(v)),
        Conv::Cell(text) => Ok(Some(Value::Text(text.into_owned()))),
        Conv::Bad(b) => Err(b),
    }
}

// ---------------------------------------------------------------------------------------------
// From Python objects
// ---------------------------------------------------------------------------------------------

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

/// The name of a Python value's type, for messages ("a dict", "a datetime").
fn type_words(obj: &Bound<'_, PyAny>) -> String {
    let name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into());
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {name}")
}

fn shown(obj: &Bound<'_, PyAny>) -> Option<String> {
    let r = obj.repr().ok()?.to_string();
    Some(r.chars().take(60).collect())
}

/// Convert one Python value for an input.
pub fn convert(obj: &Bound<'_, PyAny>, input: &InputShape) -> PyResult<Conv<'static>> {
    let name = input.name.as_str();
    match input.kind {
        Kind::Numbers | Kind::Items => {
            if obj.is_none() || is_pandas_missing(obj) {
                return Ok(Conv::Missing);
            }
            if obj.is_instance_of::<PyString>() {
                return Ok(Conv::Cell(Cow::Owned(obj.cast::<PyString>()?.to_cow()?.into_owned())));
            }
            let Some(list) = as_list(obj)? else {
                return Ok(Conv::Bad(Bad::wrong_type(
                    name,
                    input.kind.expected(),
                    &type_words(obj),
                    shown(obj),
                )));
            };
            if input.kind == Kind::Numbers { numbers(&list, name) } else { items(&list, input) }
        }
        kind => scalar(obj, kind, name),
    }
}

/// A list's elements, for list-like values (list, tuple, numpy array, pandas Series); `None` for
/// anything else.
fn as_list<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyList>>> {
    if let Ok(l) = obj.cast::<PyList>() {
        return Ok(Some(l.clone()));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return Ok(Some(PyList::new(obj.py(), t.iter())?));
    }
    if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyString>() {
        return Ok(None);
    }
    // numpy arrays and pandas Series: their own list of Python scalars.
    if obj.hasattr("tolist")? && obj.hasattr("__len__")? {
        let l = obj.call_method0("tolist")?;
        if let Ok(l) = l.cast_into::<PyList>() {
            return Ok(Some(l));
        }
    }
    Ok(None)
}

fn numbers(list: &Bound<'_, PyList>, name: &str) -> PyResult<Conv<'static>> {
    let mut marks = Vec::with_capacity(list.len());
    for (k, el) in list.iter().enumerate() {
        let here = element_name(name, k);
        match mark(scalar(&el, Kind::Decimal, &here)?, &here) {
            Ok(d) => marks.push(d),
            Err(b) => return Ok(Conv::Bad(b)),
        }
    }
    Ok(Conv::Value(Value::Numbers(marks)))
}

fn items(list: &Bound<'_, PyList>, input: &InputShape) -> PyResult<Conv<'static>> {
    let name = input.name.as_str();
    let mut out = Vec::with_capacity(list.len());
    for (k, el) in list.iter().enumerate() {
        let here = element_name(name, k);
        let Some(get) = mapping_getter(&el)? else {
            // An element that is not a mapping is the list's problem (no item is checked).
            return Ok(Conv::Bad(Bad::wrong_type(
                &here,
                "a mapping of item fields",
                &type_words(&el),
                shown(&el),
            )));
        };
        let mut item = Item::new();
        for field in &input.fields.inputs {
            let Some(v) = get(&field.name)? else { continue };
            let conv = match field.kind {
                // A list inside a scored item (a village's households): converted as a list input.
                Kind::Numbers | Kind::Items => convert(&v, field)?,
                kind => scalar(&v, kind, &format!("{here}.{}", field.name))?,
            };
            put_field(&mut item, &field.name, conv);
        }
        out.push(item);
    }
    Ok(Conv::Value(Value::Items(out)))
}

/// Put a converted value into an item's field. A value that could not be read stays with the
/// item, so that checking the record names the item and the field, with every other problem.
pub fn put_field(item: &mut Item, field: &str, conv: Conv<'_>) {
    match item_field(conv) {
        Ok(Some(value)) => item.set(field, value),
        Ok(None) => {}
        Err(b) => item.set_unreadable(field, b.kind, b.value, b.message),
    }
}

type Getter<'py> = Box<dyn Fn(&str) -> PyResult<Option<Bound<'py, PyAny>>> + 'py>;

/// Field lookup on a mapping (a dict, or anything with `get`), `None` when `obj` is not one.
fn mapping_getter<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Getter<'py>>> {
    if let Ok(d) = obj.cast::<PyDict>() {
        let d = d.clone();
        return Ok(Some(Box::new(move |k: &str| d.get_item(k))));
    }
    if obj.hasattr("keys")? && obj.hasattr("get")? {
        let o = obj.clone();
        return Ok(Some(Box::new(move |k: &str| {
            let v = o.call_method1("get", (k,))?;
            Ok(if v.is_none() { None } else { Some(v) })
        })));
    }
    Ok(None)
}

/// pandas' missing markers (`pd.NA`, `pd.NaT`), recognised by type name so pandas need not be
/// imported.
fn is_pandas_missing(obj: &Bound<'_, PyAny>) -> bool {
    let ty = obj.get_type();
    matches!(ty.name().map(|n| n.to_string()).as_deref(), Ok("NAType" | "NaTType"))
        && ty.module().map(|m| m.to_string().starts_with("pandas")).unwrap_or(false)
}

/// Convert a scalar Python value for an input (or item field) of `kind`.
pub fn scalar(obj: &Bound<'_, PyAny>, kind: Kind, name: &str) -> PyResult<Conv<'static>> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Conv::Missing);
    }
    // bool before int: a Python bool is an int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Conv::Value(Value::Bool(b.is_true())));
    }
    if obj.is_instance_of::<PyInt>() {
        return int(obj, kind, name);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(from_f64(f.value(), name));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Conv::Cell(Cow::Owned(s.to_cow()?.into_owned())));
    }
    if obj.is_instance(decimal_type(py)?.as_any())? {
        return Ok(from_decimal_text(&obj.str()?.to_cow()?, name));
    }
    if obj.is_instance(date_type(py)?.as_any())? {
        let iso = obj.call_method0("isoformat")?.str()?.to_cow()?.into_owned();
        return Ok(if kind == Kind::Text {
            Conv::Cell(Cow::Owned(iso))
        } else {
            Conv::Bad(Bad::wrong_type(name, kind.expected(), &type_words(obj), Some(iso)))
        });
    }
    if is_pandas_missing(obj) {
        return Ok(Conv::Missing);
    }
    if let Some(conv) = numpy_scalar(obj, kind, name)? {
        return Ok(conv);
    }
    Ok(Conv::Bad(Bad::wrong_type(name, kind.expected(), &type_words(obj), shown(obj))))
}

fn int(obj: &Bound<'_, PyAny>, kind: Kind, name: &str) -> PyResult<Conv<'static>> {
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(Conv::Value(Value::Integer(i)));
    }
    // Beyond i64: a numeric input reads it as a cell, so the core says what is out of range.
    let text = obj.str()?.to_cow()?.into_owned();
    Ok(if kind.is_number() {
        Conv::Cell(Cow::Owned(text))
    } else {
        let shown: String = text.chars().take(60).collect();
        Conv::Bad(Bad::wrong_type(name, kind.expected(), "an integer", Some(shown)))
    })
}

/// numpy scalars that are not Python numbers (`np.int64`, `np.bool_`, `np.float32`…), read
/// without importing numpy. `np.float64` is a Python float and never gets here.
fn numpy_scalar(obj: &Bound<'_, PyAny>, kind: Kind, name: &str) -> PyResult<Option<Conv<'static>>> {
    let ty = obj.get_type();
    if !ty.module().is_ok_and(|m| m == "numpy") {
        return Ok(None);
    }
    let tname = ty.name()?.to_string();
    if tname == "bool" || tname == "bool_" {
        return Ok(Some(Conv::Value(Value::Bool(obj.is_truthy()?))));
    }
    if tname.starts_with("int") || tname.starts_with("uint") {
        let i = obj.call_method0("__index__")?;
        return int(&i, kind, name).map(Some);
    }
    if tname.starts_with("float") {
        // numpy prints each float type's own shortest repr (float32 0.1 → "0.1").
        let text = obj.str()?.to_cow()?.into_owned();
        return Ok(Some(from_decimal_text(&text, name)));
    }
    Ok(None)
}

/// A record from a mapping of input names to values. Keys that are not inputs are kept as the
/// record's unknown fields (warnings), as the core does for JSON.
pub fn record_from_mapping(rb: &Rulebook, shape: &Shape, obj: &Bound<'_, PyAny>) -> PyResult<Record> {
    let mut rec = rb.record();
    let mut put = |k: &Bound<'_, PyAny>, v: &Bound<'_, PyAny>| -> PyResult<()> {
        let key = k.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!("record keys are input names (str), not {}", type_words(k)))
        })?;
        let key = key.to_cow()?;
        match rb.input_index(&key) {
            Some(i) => apply(&mut rec, i, convert(v, &shape.inputs[i])?),
            None => {
                rec.set(&key, Value::Bool(false));
            }
        }
        Ok(())
    };
    if let Ok(d) = obj.cast::<PyDict>() {
        // A shallow copy: reading a value runs the caller's code (`__str__`, `__float__`), which
        // may change the dict, and iterating a dict that changes size panics in pyo3.
        for (k, v) in d.copy()?.iter() {
            put(&k, &v)?;
        }
    } else if obj.hasattr("keys")? && !obj.is_instance_of::<PyString>() {
        for k in obj.call_method0("keys")?.try_iter()? {
            let k = k?;
            let v = obj.get_item(&k)?;
            put(&k, &v)?;
        }
    } else {
        return Err(PyTypeError::new_err(format!(
            "a record is a mapping of input names to values (a dict), not {}",
            type_words(obj)
        )));
    }
    Ok(rec)
}

/// A scoring date from a `datetime.date` or a `"YYYY-MM-DD"` string.
pub fn date_from_py(obj: &Bound<'_, PyAny>) -> PyResult<kaoping::Date> {
    let text = if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if obj.is_instance(date_type(obj.py())?.as_any())? {
        // A datetime is a date: its date part.
        let y: i32 = obj.getattr("year")?.extract()?;
        let m: u8 = obj.getattr("month")?.extract()?;
        let d: u8 = obj.getattr("day")?.extract()?;
        return kaoping::Date::new(y, m, d)
            .ok_or_else(|| PyValueError::new_err(format!("not a date: {y}-{m}-{d}")));
    } else {
        return Err(PyTypeError::new_err(format!(
            "as_of is a datetime.date or a \"YYYY-MM-DD\" string, not {}",
            type_words(obj)
        )));
    };
    text.trim()
        .parse::<kaoping::Date>()
        .map_err(|_| PyValueError::new_err(format!("as_of = {text:?} is not a date (YYYY-MM-DD)")))
}

/// A `datetime.date` from a core date.
pub fn date_to_py<'py>(py: Python<'py>, d: kaoping::Date) -> PyResult<Bound<'py, PyAny>> {
    date_type(py)?.call1((d.year(), d.month(), d.day()))
}

/// A `decimal.Decimal` from a core decimal (exactly, from its text).
pub fn decimal_to_py<'py>(py: Python<'py>, d: Decimal) -> PyResult<Bound<'py, PyAny>> {
    decimal_type(py)?.call1((d.to_string(),))
}

/// An optional decimal as `Decimal | None`.
pub fn opt_decimal<'py>(py: Python<'py>, d: Option<Decimal>) -> PyResult<Bound<'py, PyAny>> {
    match d {
        Some(d) => decimal_to_py(py, d),
        None => Ok(py.None().into_bound(py)),
    }
}

/// A decimal argument (cohort figures): `Decimal`, `int` or decimal text; floats by their repr.
pub fn decimal_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Decimal> {
    match scalar(obj, Kind::Decimal, what)? {
        Conv::Value(Value::Decimal(d)) => Ok(d),
        Conv::Value(Value::Integer(i)) => Ok(Decimal::from(i)),
        Conv::Cell(t) => {
            parse_decimal_text(&t).map_err(|e| PyValueError::new_err(format!("{what} = {t:?}: {e}")))
        }
        Conv::Bad(b) => Err(PyValueError::new_err(b.message)),
        Conv::Missing | Conv::Value(_) => {
            Err(PyTypeError::new_err(format!("{what} must be a decimal number, not {}", type_words(obj))))
        }
    }
}
