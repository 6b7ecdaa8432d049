//! The pandas DataFrame `Batch.to_pandas` makes. Each column is built the way pandas holds it,
//! not converted from the Arrow table by pyarrow:
//! - profile and grade are categoricals made from their codes;
//! - `passed` is a `boolean` array made from a value byte and a mask byte per row;
//! - the ranks are `Int64` arrays made the same way.
//!
//! The other columns are decimals and text, which pyarrow converts without a copy
//! (`pd.ArrowDtype`) or nearly so. The frame is the one pyarrow would make of the compact table
//! with the documented types: the tests compare the two dtype for dtype and value for value.
//! Going through pyarrow cost as much as the rest of the output put together: it unpacks `passed`
//! bit by bit, checks every categorical code, and casts the text to `large_string`.

use arrow_array::{Array, ArrayRef, BooleanArray, Decimal128Array, Float64Array, RecordBatch};
use arrow_buffer::{ArrowNativeType, Buffer};
use arrow_schema::{Field, Schema};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict};
use pyo3_arrow::PyTable;
use std::sync::Arc;

/// A column of the DataFrame, ready to hand to pandas.
pub enum Part {
    /// Converted by pyarrow with the other Arrow columns: decimals (`pd.ArrowDtype`, no copy)
    /// and text (`large_string`, which pandas' string dtype holds without a cast).
    Arrow(ArrayRef),
    /// A categorical: one code per row (−1: null) indexing `labels`.
    Categorical {
        /// The codes' bytes, native order.
        codes: Buffer,
        /// Their numpy type: `int8`, `int16` or `int32`.
        dtype: &'static str,
        /// The categories.
        labels: Vec<String>,
        /// Whether their order means something (grades, worst → best).
        ordered: bool,
    },
    /// A nullable `boolean` column: a 0/1 byte per row for the value and one for null.
    Boolean {
        /// 1 where true.
        values: Vec<u8>,
        /// 1 where null.
        mask: Vec<u8>,
    },
    /// A nullable `Int64` column.
    Integer {
        /// The values' bytes, native order (0 where null).
        values: Buffer,
        /// 1 where null.
        mask: Vec<u8>,
    },
}

impl Part {
    /// A categorical of `labels` from each row's label index (`None`: null). The codes are as
    /// narrow as pandas keeps them for that many labels, so pandas takes them without a copy.
    pub fn categorical(indices: impl ExactSizeIterator<Item = Option<usize>>, labels: Vec<&str>) -> Part {
        fn codes<K: ArrowNativeType>(indices: impl Iterator<Item = Option<usize>>, n: usize) -> Buffer {
            let mut out: Vec<K> = Vec::with_capacity(n);
            // −1 for null: pandas' own code for a missing value.
            out.extend(indices.map(|i| i.map_or(K::usize_as(usize::MAX), K::usize_as)));
            Buffer::from_vec(out)
        }
        let n = indices.len();
        let (codes, dtype) = match labels.len() {
            // pandas' thresholds (`coerce_indexer_dtype`): int8 below 127 labels, int16 below 32,767.
            count if count < i8::MAX as usize => (codes::<i8>(indices, n), "int8"),
            count if count < i16::MAX as usize => (codes::<i16>(indices, n), "int16"),
            _ => (codes::<i32>(indices, n), "int32"),
        };
        Part::Categorical {
            codes,
            dtype,
            labels: labels.into_iter().map(str::to_owned).collect(),
            ordered: false,
        }
    }

    /// The categorical, its categories ordered as given.
    pub fn ordered(self) -> Part {
        match self {
            Part::Categorical { codes, dtype, labels, .. } => {
                Part::Categorical { codes, dtype, labels, ordered: true }
            }
            other => other,
        }
    }

    /// An Arrow column as pandas holds it: booleans as a nullable `boolean` column, the rest
    /// converted by pyarrow.
    pub fn of_array(array: ArrayRef) -> Part {
        match array.as_any().downcast_ref::<BooleanArray>() {
            Some(b) => Part::Boolean {
                values: (0..b.len()).map(|i| u8::from(b.is_valid(i) && b.value(i))).collect(),
                mask: (0..b.len()).map(|i| u8::from(b.is_null(i))).collect(),
            },
            None => Part::Arrow(array),
        }
    }

    /// A nullable `Int64` column.
    pub fn integers(values: impl ExactSizeIterator<Item = Option<i64>>) -> Part {
        let mut out: Vec<i64> = Vec::with_capacity(values.len());
        let mut mask: Vec<u8> = Vec::with_capacity(values.len());
        for v in values {
            out.push(v.unwrap_or(0));
            mask.push(u8::from(v.is_none()));
        }
        Part::Integer { values: Buffer::from_vec(out), mask }
    }
}

/// The DataFrame of `parts`, in their order. `mapper` gives the pandas type of an Arrow column's
/// type (pyarrow's `types_mapper`).
pub fn frame<'py>(
    py: Python<'py>,
    pd: &Bound<'py, PyModule>,
    pa: &Bound<'py, PyModule>,
    parts: Vec<(String, Part)>,
    mapper: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let np = py.import("numpy")?;
    // The Arrow columns, converted by pyarrow at once.
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = parts
        .iter()
        .filter_map(|(name, part)| match part {
            Part::Arrow(a) => Some((Field::new(name, a.data_type().clone(), true), a.clone())),
            _ => None,
        })
        .unzip();
    let schema = Arc::new(Schema::new(fields));
    let table =
        RecordBatch::try_new(schema.clone(), arrays).map_err(|e| crate::errors::internal(e.to_string()))?;
    let table = Bound::new(py, PyTable::try_new(vec![table], schema)?)?;
    let kw = PyDict::new(py);
    kw.set_item("types_mapper", mapper)?;
    let converted = pa.call_method1("table", (table,))?.call_method("to_pandas", (), Some(&kw))?;
    // A numpy array over a fresh bytearray: the frame's own, writable memory.
    let array = |bytes: &[u8], dtype: &str| -> PyResult<Bound<'py, PyAny>> {
        np.call_method1("frombuffer", (PyByteArray::new(py, bytes), dtype))
    };
    let arrays = pd.getattr("arrays")?;
    let columns = PyDict::new(py);
    for (name, part) in &parts {
        let column = match part {
            Part::Arrow(_) => converted.get_item(name)?.getattr("array")?,
            Part::Categorical { codes, dtype, labels, ordered } => {
                let kw = PyDict::new(py);
                kw.set_item("ordered", *ordered)?;
                pd.getattr("Categorical")?.call_method(
                    "from_codes",
                    (array(codes.as_slice(), dtype)?, labels.clone()),
                    Some(&kw),
                )?
            }
            Part::Boolean { values, mask } => {
                arrays.call_method1("BooleanArray", (array(values, "bool")?, array(mask, "bool")?))?
            }
            Part::Integer { values, mask } => arrays
                .call_method1("IntegerArray", (array(values.as_slice(), "int64")?, array(mask, "bool")?))?,
        };
        columns.set_item(name, column)?;
    }
    let kw = PyDict::new(py);
    kw.set_item("copy", false)?;
    pd.getattr("DataFrame")?.call((columns,), Some(&kw))
}

/// Every decimal column of `parts` as `float64` (`numbers="float"`).
pub fn floats(parts: Vec<(String, Part)>) -> Vec<(String, Part)> {
    parts
        .into_iter()
        .map(|(name, part)| match part {
            Part::Arrow(a) => (name, Part::Arrow(to_float(a))),
            other => (name, other),
        })
        .collect()
}

/// The table with every decimal column as `float64`.
pub fn float_table(table: RecordBatch) -> PyResult<RecordBatch> {
    let cols: Vec<ArrayRef> = table.columns().iter().cloned().map(to_float).collect();
    let fields: Vec<Field> = table
        .schema()
        .fields()
        .iter()
        .zip(&cols)
        .map(|(f, c)| Field::new(f.name(), c.data_type().clone(), f.is_nullable()))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
        .map_err(|e| crate::errors::internal(e.to_string()))
}

/// A decimal128 column as `float64`, each value the double nearest to it (null stays null; pandas
/// reads it as NaN); any other column as it is.
fn to_float(array: ArrayRef) -> ArrayRef {
    let Some(d) = array.as_any().downcast_ref::<Decimal128Array>() else { return array };
    let scale = d.scale().max(0) as u32;
    let floats: Float64Array = d.iter().map(|m| m.map(|m| nearest_f64(m, scale))).collect();
    Arc::new(floats)
}

/// The double nearest to `m` × 10^−`scale`. Below 2^53 units and 22 places both the units and
/// the power of ten are exact doubles, and IEEE division rounds the quotient correctly; beyond,
/// the decimal text is parsed (also correctly rounded).
pub fn nearest_f64(m: i128, scale: u32) -> f64 {
    const EXACT: i128 = 1 << 53;
    if m.abs() < EXACT && scale <= 22 {
        return m as f64 / 10f64.powi(scale as i32);
    }
    let text = m.unsigned_abs().to_string();
    let s = scale as usize;
    let digits = if text.len() <= s { format!("{}{text}", "0".repeat(s + 1 - text.len())) } else { text };
    let (int, frac) = digits.split_at(digits.len() - s);
    let value: f64 = format!("{int}.{frac}0").parse().unwrap_or(f64::NAN);
    if m < 0 { -value } else { value }
}
