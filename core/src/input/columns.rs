//! Input data by column — a DataFrame, an Arrow table, a CSV file parsed straight into typed
//! columns — scored without building a record per row (`Rulebook::score_columns`).
//!
//! Columns match inputs by name or label. Values keep their exact meaning: integers, fixed-point
//! decimals (`mantissa / 10^scale`, as Arrow's decimal128 stores them), decimals, booleans, text
//! (read by the input's declared type, like a spreadsheet cell) and dictionary-encoded text
//! (categoricals). Floats are accepted where a caller insists, converted through their shortest
//! round-trip text (0.1 → 0.1); NaN and infinities are errors of their row. A missing value
//! (`nulls[i] == true`) is a missing input.

use std::fmt;

use rust_decimal::Decimal;

use crate::input::{Record, Value};
use std::sync::Arc;

use super::{InputSchema, NotAnInput};
use crate::num;

use super::values::Values;

/// The values of one column. Numbers are [`Values`]: a vector (`vec.into()`) or memory shared
/// with whoever filled it (an Arrow buffer), read in place.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ColumnData {
    /// Whole numbers.
    Int(Values<i64>),
    /// Whole numbers that fit 32 bits (Arrow's int32, int16…, spreadsheets' counts): read as
    /// [`Int`](Self::Int) is, widened a chunk of rows at a time while scoring rather than copied
    /// into a column twice the size first.
    Int32(Values<i32>),
    /// Fixed-point decimals: each value is `mantissa / 10^scale` (Arrow decimal128, cents…).
    Fixed {
        /// The unscaled values.
        mantissa: Values<i128>,
        /// Decimal places.
        scale: u32,
    },
    /// Decimals as they are (exact).
    Decimal(Vec<Decimal>),
    /// Floats, converted by their shortest round-trip text; NaN/inf are row errors.
    Float(Values<f64>),
    /// Booleans as they are (a cell such as 是 or 否 comes as `Text`, read by the input's type).
    Bool(Vec<bool>),
    /// Text: for a text input its value; for other inputs a cell read by the input's type.
    Text(Vec<String>),
    /// Dictionary-encoded text: `dict[codes[i]]` (pandas categoricals, Arrow dictionaries).
    Dict {
        /// Index into `dict` per row.
        codes: Vec<u32>,
        /// The distinct values.
        dict: Vec<String>,
    },
}

impl ColumnData {
    /// Rows in the column.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Int(v) => v.len(),
            ColumnData::Int32(v) => v.len(),
            ColumnData::Fixed { mantissa, .. } => mantissa.len(),
            ColumnData::Decimal(v) => v.len(),
            ColumnData::Float(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Text(v) => v.len(),
            ColumnData::Dict { codes, .. } => codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One column: values and which rows are missing.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The values (those of missing rows are ignored).
    pub data: ColumnData,
    /// `nulls[i]` is true when row i has no value. `None`: no row is missing.
    pub nulls: Option<Vec<bool>>,
}

impl Column {
    /// A column with no missing values.
    pub fn new(data: ColumnData) -> Column {
        Column { data, nulls: None }
    }

    /// A column with missing values where `nulls` is true.
    pub fn with_nulls(data: ColumnData, nulls: Vec<bool>) -> Column {
        Column { data, nulls: Some(nulls) }
    }

    /// Whether row `i` is missing.
    #[inline]
    pub fn is_null(&self, i: usize) -> bool {
        self.nulls.as_ref().is_some_and(|n| n.get(i).copied().unwrap_or(true))
            || matches!(&self.data, ColumnData::Dict { codes, dict } if codes.get(i).is_some_and(|&c| c as usize >= dict.len()))
    }

    /// Row `i` as a record value (`None`: missing).
    pub fn value(&self, i: usize) -> Option<Value> {
        if self.is_null(i) {
            return None;
        }
        Some(match &self.data {
            ColumnData::Int(v) => Value::Integer(*v.get(i)?),
            ColumnData::Int32(v) => Value::Integer((*v.get(i)?).into()),
            ColumnData::Fixed { mantissa, scale } => {
                let m = *mantissa.get(i)?;
                match Decimal::try_from_i128_with_scale(m, *scale) {
                    Ok(d) => Value::Decimal(d),
                    // Too large for a decimal: the text says so when the row is read.
                    Err(_) => Value::Text(fixed_text(m, *scale)),
                }
            }
            ColumnData::Decimal(v) => Value::Decimal(*v.get(i)?),
            ColumnData::Float(v) => {
                let x = *v.get(i)?;
                match num::decimal_from_f64(x) {
                    Ok(d) => Value::Decimal(d),
                    // "NaN", "inf", or a huge value: reading the text reports the right error.
                    Err(_) => Value::Text(if x.is_nan() { "NaN".into() } else { x.to_string() }),
                }
            }
            ColumnData::Bool(v) => Value::Bool(*v.get(i)?),
            ColumnData::Text(v) => Value::Text(v.get(i)?.clone()),
            ColumnData::Dict { codes, dict } => Value::Text(dict.get(*codes.get(i)? as usize)?.clone()),
        })
    }
}

/// An exact decimal text for a fixed-point value.
pub(crate) fn fixed_text(m: i128, scale: u32) -> String {
    let neg = m < 0;
    let digits = m.unsigned_abs().to_string();
    let s = scale as usize;
    let body = if s == 0 {
        digits
    } else if digits.len() > s {
        format!("{}.{}", &digits[..digits.len() - s], &digits[digits.len() - s..])
    } else {
        format!("0.{}{digits}", "0".repeat(s - digits.len()))
    };
    if neg { format!("-{body}") } else { body }
}

/// A table of named columns of equal length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Columns {
    len: usize,
    columns: Vec<(String, Column)>,
}

/// A column that does not fit its table.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ColumnsError {
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ColumnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Columns {
    /// An empty table of `len` rows.
    pub fn new(len: usize) -> Columns {
        Columns { len, columns: Vec::new() }
    }

    /// A table built column by column, checked once at the end:
    ///
    /// ```
    /// use kaoping::{Columns, Decimal};
    /// let t = Columns::builder(2)
    ///     .column("county", vec!["甲县", "乙县"])
    ///     .column("sampled", vec![300_i64, 320])
    ///     .column("income_growth", vec![Decimal::new(95, 1), Decimal::new(6, 0)])
    ///     .build()?;
    /// assert_eq!((t.len(), t.columns().len()), (2, 3));
    /// assert!(Columns::builder(2).column("a", vec![1_i64]).build().is_err());
    /// # Ok::<(), kaoping::ColumnsError>(())
    /// ```
    pub fn builder(len: usize) -> ColumnsBuilder {
        ColumnsBuilder { table: Columns::new(len), error: None }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Add a column. Its length must be the table's; a name must not repeat.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<(), ColumnsError> {
        let name = name.into();
        if column.data.len() != self.len {
            return Err(ColumnsError {
                message: format!(
                    "column `{name}` has {} rows, the table has {}",
                    column.data.len(),
                    self.len
                ),
            });
        }
        if let Some(n) = &column.nulls
            && n.len() != self.len
        {
            return Err(ColumnsError {
                message: format!(
                    "column `{name}`: its null mask has {} rows, the table has {}",
                    n.len(),
                    self.len
                ),
            });
        }
        if self.columns.iter().any(|(n, _)| *n == name) {
            return Err(ColumnsError { message: format!("column `{name}` appears twice") });
        }
        self.columns.push((name, column));
        Ok(())
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[(String, Column)] {
        &self.columns
    }

    /// For each input of `schema`, the column that fills it (matched by name, then by label).
    /// Two columns filling one input is an error; columns that are no input are ignored.
    pub(crate) fn bind(&self, schema: &InputSchema) -> Result<Vec<Option<usize>>, ColumnsError> {
        let mut map: Vec<Option<usize>> = vec![None; schema.inputs.len()];
        for (ci, (name, _)) in self.columns.iter().enumerate() {
            if let Some(ix) = schema.by_name_or_label(name) {
                if let Some(prev) = map[ix] {
                    return Err(ColumnsError {
                        message: format!(
                            "columns `{}` and `{name}` both fill input `{}`",
                            self.columns[prev].0, schema.inputs[ix].name
                        ),
                    });
                }
                map[ix] = Some(ci);
            }
        }
        Ok(map)
    }

    /// The columns that fill no input of `rb` under `binding` (from [`Columns::bind`]), with the
    /// input each was probably meant for.
    pub(crate) fn not_inputs(&self, schema: &InputSchema, binding: &[Option<usize>]) -> Vec<NotAnInput> {
        let mut used = vec![false; self.columns.len()];
        for ci in binding.iter().flatten() {
            used[*ci] = true;
        }
        self.columns
            .iter()
            .zip(used)
            .filter(|((name, _), used)| !used && !name.trim().is_empty())
            .map(|((name, _), _)| NotAnInput::of(schema, name))
            .collect()
    }

    /// Row `i` as a record of `schema`'s rulebook (for the rows the interpreter scores, and for
    /// explanations).
    pub(crate) fn record(&self, schema: &Arc<InputSchema>, binding: &[Option<usize>], i: usize) -> Record {
        let mut r = Record::new(schema.clone());
        for (ix, col) in binding.iter().enumerate() {
            if let Some(ci) = col
                && let Some(v) = self.columns[*ci].1.value(i)
            {
                match v {
                    Value::Text(t) => r.set_cell_at(ix, &t),
                    other => r.set_at(ix, other),
                }
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_text_is_exact() {
        assert_eq!(fixed_text(12345, 2), "123.45");
        assert_eq!(fixed_text(-5, 3), "-0.005");
        assert_eq!(fixed_text(7, 0), "7");
    }

    #[test]
    fn lengths_must_match() {
        let mut c = Columns::new(2);
        assert!(c.push("a", Column::new(ColumnData::Int(vec![1].into()))).is_err());
        c.push("a", Column::new(ColumnData::Int(vec![1, 2].into()))).unwrap();
        assert!(c.push("a", Column::new(ColumnData::Int(vec![1, 2].into()))).is_err());
    }

    #[test]
    fn narrow_integers_read_as_integers() {
        let c = Column::with_nulls(ColumnData::Int32(vec![i32::MIN, 7].into()), vec![false, true]);
        assert_eq!(c.value(0), Some(Value::Integer(-2_147_483_648)));
        assert_eq!(c.value(1), None);
        assert_eq!(c.data.len(), 2);
    }

    #[test]
    fn floats_by_shortest_repr_and_nan_as_text() {
        let c = Column::new(ColumnData::Float(vec![0.1, f64::NAN].into()));
        assert_eq!(c.value(0), Some(Value::Decimal(Decimal::new(1, 1))));
        assert_eq!(c.value(1), Some(Value::Text("NaN".into())));
    }
}

/// Builds a [`Columns`] (see [`Columns::builder`]); the first column that does not fit is the
/// error of [`build`](ColumnsBuilder::build).
#[derive(Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ColumnsBuilder {
    table: Columns,
    error: Option<ColumnsError>,
}

impl ColumnsBuilder {
    /// Add a column (anything a [`Column`] converts from: a `Vec` of `i64`, `i32`, `Decimal`,
    /// `f64`, `bool`, `String` or `&str`, a [`ColumnData`], a [`Column`] with nulls).
    pub fn column(mut self, name: impl Into<String>, column: impl Into<Column>) -> ColumnsBuilder {
        if self.error.is_none()
            && let Err(e) = self.table.push(name, column.into())
        {
            self.error = Some(e);
        }
        self
    }

    /// The table, or the first column that did not fit.
    pub fn build(self) -> Result<Columns, ColumnsError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.table),
        }
    }
}

impl From<ColumnData> for Column {
    fn from(data: ColumnData) -> Column {
        Column::new(data)
    }
}

macro_rules! column_from_vec {
    ($($t:ty => $make:expr),* $(,)?) => {$(
        impl From<Vec<$t>> for Column {
            fn from(v: Vec<$t>) -> Column {
                let make: fn(Vec<$t>) -> ColumnData = $make;
                Column::new(make(v))
            }
        }
    )*};
}

column_from_vec! {
    i64 => |v| ColumnData::Int(v.into()),
    i32 => |v| ColumnData::Int32(v.into()),
    Decimal => ColumnData::Decimal,
    f64 => |v| ColumnData::Float(v.into()),
    bool => ColumnData::Bool,
    String => ColumnData::Text,
    &str => |v| ColumnData::Text(v.into_iter().map(str::to_owned).collect()),
}
