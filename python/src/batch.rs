//! `kaoping.Batch`: one slot per input row, in order — results, errors, the summary, and the
//! compact table (one row per record) as Arrow or pandas.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow_array::builder::GenericStringBuilder;
use arrow_array::types::{ArrowDictionaryKeyType, Int8Type, Int16Type, Int32Type};
use arrow_array::{
    ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, GenericStringArray, Int64Array,
    OffsetSizeTrait, PrimitiveArray, RecordBatch, StringArray, StructArray, new_null_array,
};
use arrow_buffer::{
    ArrowNativeType, BooleanBuffer, BooleanBufferBuilder, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer,
};
use arrow_schema::{DataType, Field, Schema};
use kaoping::{Codes, Record, Rulebook};
use pyo3::exceptions::{PyImportError, PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCapsule, PyDict, PyList, PySlice};
use pyo3_arrow::PyTable;
use pyo3_arrow::ffi::{ArrayIterator, to_stream_pycapsule};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::columns::Columns;
use crate::errors;
use crate::frame::{self, Part};
use crate::html;
use crate::reconcile;
use crate::result::ScoreResult;
use crate::values::{Shape, decimal_to_py};

/// The compact table's columns before the indicators' points, after them (`error_kind`,
/// `error`) and the detail columns (`details=True`): an indicator whose id is one of these is
/// written `points.<id>`.
const FIXED_COLUMNS: [&str; 17] = [
    "key",
    "profile",
    "total",
    "max",
    "grade",
    "passed",
    "rank",
    "profile_rank",
    "error_kind",
    "error",
    "base",
    "bonus",
    "penalty",
    "total_before_vetoes",
    "vetoes",
    "grade_from_total",
    "grade_capped_by",
];

/// Where a batch's records came from, kept to explain any row later.
pub enum Source {
    /// Records built from Python mappings.
    Records(Vec<Record>),
    /// Columns turned into records (lists, Python objects…); a row's record is rebuilt when asked
    /// for.
    Columns(Columns),
    /// The core's typed columns, scored by `score_columns`; a row's record is rebuilt from them.
    Typed {
        /// The columns, named by the inputs they fill.
        columns: kaoping::Columns,
        /// For each input, the column that fills it.
        binding: Vec<Option<usize>>,
    },
}

impl Source {
    /// Which path scored the batch, for tests and benchmarks (`Batch._path`).
    fn path(&self) -> &'static str {
        match self {
            Source::Records(_) => "records",
            Source::Columns(_) => "columns as records",
            Source::Typed { .. } => "typed columns",
        }
    }
}

/// A scored batch: every input row has a slot, in input order.
#[pyclass(frozen, module = "kaoping")]
pub struct Batch {
    rb: Rulebook,
    shape: Arc<Shape>,
    batch: kaoping::Batch,
    source: Source,
    index: Option<Py<PyAny>>,
    unknown: Vec<String>,
    errors: PyOnceLock<Py<PyList>>,
    /// Whether the rows' results keep their items' own results (`score_many(keep_items=True)`).
    keep_items: bool,
}

impl Batch {
    pub fn new(
        rb: Rulebook,
        shape: Arc<Shape>,
        batch: kaoping::Batch,
        source: Source,
        index: Option<Py<PyAny>>,
        unknown: Vec<String>,
    ) -> Batch {
        Batch { rb, shape, batch, source, index, unknown, errors: PyOnceLock::new(), keep_items: false }
    }

    /// The batch, its rows' results keeping their items' own results (scored with
    /// `BatchOptions::items`).
    pub fn keeping_items(mut self, keep: bool) -> Batch {
        self.keep_items = keep;
        self
    }

    /// A row's outcome as a `Result`.
    fn result_of(&self, outcome: kaoping::Outcome) -> ScoreResult {
        if self.keep_items {
            ScoreResult::with_items(outcome, self.shape.clone())
        } else {
            ScoreResult::new(outcome)
        }
    }

    fn outcome(&self, i: usize) -> Option<kaoping::Outcome> {
        if !self.batch.row(i).is_ok() {
            return None;
        }
        let rebuilt;
        let record = match &self.source {
            Source::Records(r) => &r[i],
            Source::Columns(c) => {
                rebuilt = c.record(&self.rb, &self.shape, i);
                &rebuilt
            }
            Source::Typed { columns, binding } => {
                rebuilt = self.rb.record_of_row(columns, binding, i);
                &rebuilt
            }
        };
        self.batch.explain(i, record).ok()
    }

    fn check(&self, i: isize) -> PyResult<usize> {
        let n = self.batch.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if (0..n).contains(&j) {
            Ok(j as usize)
        } else {
            Err(PyIndexError::new_err(format!("row {i} is outside the batch ({n} rows)")))
        }
    }

    /// The compact table ([`result_schema`]). Columns are built on every core; profile and grade
    /// are dictionaries (small codes per row, no text).
    fn table(&self, points: bool, ranks: bool, details: bool) -> Result<RecordBatch, String> {
        let specs = specs(&self.rb, points, ranks);
        // Profile, maximum, grade and criteria all read the rows' codes, made once.
        let codes = self.batch.codes();
        let cols = specs
            .par_iter()
            .map(|(_, c)| self.column::<i32>(*c, &codes))
            .collect::<Result<Vec<ArrayRef>, String>>()?;
        // Arrow checks every column against its field: the schema told in advance is the one made.
        let schema = result_schema(&self.rb, points, ranks);
        let table = RecordBatch::try_new(Arc::new(schema), cols).map_err(|e| e.to_string())?;
        if !details {
            return Ok(table);
        }
        // The detail columns go before `error_kind` and `error`.
        let (mut fields, mut cols): (Vec<Field>, Vec<ArrayRef>) = table
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .zip(table.columns().iter().cloned())
            .unzip();
        let at = cols.len() - 2;
        for (k, (name, col)) in self.detail_columns()?.into_iter().enumerate() {
            fields.insert(at + k, Field::new(name, col.data_type().clone(), true));
            cols.insert(at + k, col);
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).map_err(|e| e.to_string())
    }

    /// The columns that reconcile each total (`reconcile.rs`), every row explained.
    fn detail_columns(&self) -> Result<Vec<reconcile::DetailColumn>, String> {
        reconcile::columns(&self.rb, self.batch.len(), &|i| self.outcome(i))
    }

    /// The compact table's columns as the DataFrame holds them (see `frame.rs`), built on every
    /// core.
    fn frame_parts(&self, points: bool, ranks: bool, details: bool) -> Result<Vec<(String, Part)>, String> {
        let codes = self.batch.codes();
        let label = |c: u16, index: fn(u16) -> Option<u16>| {
            (c != Codes::NONE).then(|| index(c)).flatten().map(usize::from)
        };
        let rank_part = |ranks: &[Option<u32>]| Part::integers(ranks.iter().map(|r| r.map(i64::from)));
        specs(&self.rb, points, ranks)
            .into_par_iter()
            .map(|(name, col)| {
                let part = match col {
                    Col::Profile => Part::categorical(
                        codes.profile.iter().map(|&p| label(p, |p| p.checked_sub(1))),
                        self.rb.profiles(),
                    ),
                    // Ordered worst → best (the rulebook lists them best first), so that
                    // `res.grade >= "较好"` compares grades.
                    Col::Grade => {
                        let mut labels = self.rb.grades();
                        let last = labels.len().saturating_sub(1);
                        labels.reverse();
                        Part::categorical(
                            codes.grade.iter().map(|&g| label(g, Some).map(|g| last - g)),
                            labels,
                        )
                        .ordered()
                    }
                    Col::Passed => Part::Boolean {
                        values: codes.passed.iter().map(|&p| u8::from(p == 1)).collect(),
                        mask: codes.passed.iter().map(|&p| u8::from(p == Codes::NO_CRITERIA)).collect(),
                    },
                    Col::Rank => rank_part(self.batch.rank_column()),
                    Col::ProfileRank => rank_part(self.batch.profile_rank_column()),
                    // Text as `large_string`, what pandas' string dtype holds.
                    _ => Part::Arrow(self.column::<i64>(col, &codes)?),
                };
                Ok((name, part))
            })
            .collect::<Result<Vec<_>, String>>()
            .and_then(|mut parts| {
                if details {
                    let at = parts.len() - 2;
                    for (k, (name, col)) in self.detail_columns()?.into_iter().enumerate() {
                        parts.insert(at + k, (name, Part::of_array(col)));
                    }
                }
                Ok(parts)
            })
    }

    /// The key column: each row's own key (its key field's value), else its row number as text.
    fn keys<O: OffsetSizeTrait>(&self) -> Result<GenericStringArray<O>, String> {
        let n = self.batch.len();
        // Without a key field no row has a key of its own: no row's result is looked at.
        let keyed = self.rb.key_field_name().is_some();
        let mut text: Vec<u8> = large_buffer(n * 8);
        let mut offsets: Vec<O> = large_buffer(n + 1);
        offsets.push(O::usize_as(0));
        let mut number = RowNumber::new();
        for i in 0..n {
            number.advance();
            match keyed.then(|| self.batch.row(i).own_key()).flatten() {
                Some(own) => text.extend_from_slice(own.as_bytes()),
                None => number.append_to(&mut text, i + 1),
            }
            let end = O::from_usize(text.len());
            offsets.push(end.ok_or_else(|| format!("the keys exceed {} bytes of text", O::MAX_OFFSET))?);
        }
        // SAFETY: the offsets start at 0 and never fall (the text only grows), the last is the
        // text's length, and every piece between two offsets is a whole `&str` or ASCII digits:
        // what `try_new` would check, which took a fifth of the column's time.
        Ok(unsafe {
            let offsets = OffsetBuffer::new_unchecked(ScalarBuffer::from(offsets));
            GenericStringArray::new_unchecked(offsets, Buffer::from_vec(text), None)
        })
    }

    /// A decimal128 column from fixed-point units (what the array stores, copied as they are);
    /// `exact(i)` gives row `i`'s value where the units have none (values beyond `i64` units).
    fn decimals(
        &self,
        units: kaoping::Units<'_>,
        exact: &dyn Fn(kaoping::Row<'_>) -> Option<Decimal>,
    ) -> Result<ArrayRef, String> {
        let scale = self.rb.scale();
        let n = units.len();
        // One widening copy per run of fast rows; the rows without units (rare) are settled
        // afterwards, and a validity bitmap is made only when some value is null.
        let mut values: Vec<i128> = large_buffer(n);
        let gaps = units.append_to(&mut values, 0);
        let mut nulls: Option<BooleanBufferBuilder> = None;
        for i in gaps {
            let row = self.batch.row(i);
            let exact = row.is_ok().then(|| exact(row)).flatten().map(|mut d| {
                d.rescale(scale);
                d.mantissa()
            });
            match exact {
                Some(m) => values[i] = m,
                None => nulls.get_or_insert_with(|| all_valid(n)).set_bit(i, false),
            }
        }
        decimal_array(values, nulls.map(|mut b| NullBuffer::new(b.finish())), scale)
    }

    /// One column of the compact table, its text with offsets of type `O` (`i32`: Arrow's
    /// `string`; `i64`: `large_string`). Totals and points come from the batch's fixed-point unit
    /// columns (what a decimal128 array stores), not a `Decimal` per row.
    fn column<O: OffsetSizeTrait>(&self, col: Col, codes: &Codes) -> Result<ArrayRef, String> {
        let n = self.batch.len();
        let rows = || self.batch.rows();
        let strings = |get: &dyn Fn(kaoping::Row<'_>) -> Option<&str>| -> ArrayRef {
            let mut b = GenericStringBuilder::<O>::with_capacity(n, n * 8);
            for row in rows() {
                b.append_option(get(row));
            }
            Arc::new(b.finish())
        };
        let ranks = |ranks: &[Option<u32>]| -> ArrayRef {
            let (values, nulls) = with_nulls(n, ranks.iter().map(|r| r.map(i64::from)));
            Arc::new(Int64Array::new(
                ScalarBuffer::from(values),
                nulls.map(|mut b| NullBuffer::new(b.finish())),
            ))
        };
        Ok(match col {
            Col::Key => Arc::new(self.keys::<O>()?),
            // Profiles as a dictionary of the rulebook's profiles (a categorical in pandas); rows
            // in no profile and failed rows are null.
            Col::Profile => categorical(&codes.profile, |p| p.checked_sub(1), self.rb.profiles())?,
            Col::Total => self.decimals(self.batch.total_units_iter(), &|r| r.total())?,
            // The maximum is the profile's: one value per profile (index 0: no profile), looked up
            // by the row's profile index.
            Col::Max => {
                let scale = self.rb.scale();
                let names = self.rb.profiles();
                let by_profile: Vec<Option<i128>> = std::iter::once(None)
                    .chain(names.into_iter().map(Some))
                    .map(|p| {
                        self.rb.max(p).map(|mut d| {
                            d.rescale(scale);
                            d.mantissa()
                        })
                    })
                    .collect();
                let max = |p: u16| by_profile.get(usize::from(p)).copied().flatten();
                let mut values: Vec<i128> = large_buffer(n);
                values.extend(codes.profile.iter().map(|&p| max(p).unwrap_or(0)));
                decimal_array(values, validity(&codes.profile, |p| max(p).is_some()), scale)?
            }
            // Grades as a dictionary (a categorical in pandas): one small code per row.
            Col::Grade => categorical(&codes.grade, Some, self.rb.grades())?,
            Col::Passed => {
                let passed = &codes.passed;
                let values = BooleanBuffer::collect_bool(n, |i| passed[i] == 1);
                Arc::new(BooleanArray::new(values, validity(passed, |p| p != Codes::NO_CRITERIA)))
            }
            Col::Rank => ranks(self.batch.rank_column()),
            Col::ProfileRank => ranks(self.batch.profile_rank_column()),
            Col::Points(i) => self.decimals(self.batch.points_units_iter(i), &|r| r.points_at(i))?,
            // Without failed rows the error columns are nulls only, made at once.
            Col::ErrorKind | Col::Error if self.batch.summary().failed == 0 => {
                new_null_array(&GenericStringArray::<O>::DATA_TYPE, n)
            }
            Col::ErrorKind => strings(&|r| r.error().map(|e| e.kind().name())),
            Col::Error => {
                let mut b = GenericStringBuilder::<O>::with_capacity(n, 0);
                for row in rows() {
                    b.append_option(row.error().map(|e| e.to_string()));
                }
                Arc::new(b.finish())
            }
        })
    }

    /// The compact table as an object with `__arrow_c_stream__` (for pyarrow and polars).
    fn stream<'py>(
        &self,
        py: Python<'py>,
        points: bool,
        ranks: bool,
        details: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = py.detach(|| self.table(points, ranks, details)).map_err(errors::internal)?;
        let schema = table.schema();
        Ok(Bound::new(py, PyTable::try_new(vec![table], schema)?)?.into_any())
    }
}

/// The compact table's columns, in order: key, profile, total, max, grade, passed, ranks (unless
/// `ranks` is false: they rank the whole batch first), the points of every indicator (unless
/// `points` is false), error kind and error. They depend on the rulebook alone.
fn specs(rb: &Rulebook, points: bool, ranks: bool) -> Vec<(String, Col)> {
    let mut specs: Vec<(String, Col)> = vec![
        ("key".into(), Col::Key),
        ("profile".into(), Col::Profile),
        ("total".into(), Col::Total),
        ("max".into(), Col::Max),
        ("grade".into(), Col::Grade),
        ("passed".into(), Col::Passed),
    ];
    if ranks {
        specs.push(("rank".into(), Col::Rank));
        specs.push(("profile_rank".into(), Col::ProfileRank));
    }
    if points {
        for (i, ind) in rb.indicators().iter().enumerate() {
            let name = if FIXED_COLUMNS.contains(&ind.id.as_str()) {
                format!("points.{}", ind.id)
            } else {
                ind.id.clone()
            };
            specs.push((name, Col::Points(i)));
        }
    }
    specs.push(("error_kind".into(), Col::ErrorKind));
    specs.push(("error".into(), Col::Error));
    specs
}

/// The schema of the compact table `to_arrow` makes of any batch scored by `rb`: every type
/// follows from the rulebook (its scale, how many profiles and grades it has), none from the rows,
/// so Spark and Dask can be told it before any row is scored. `Batch::table` builds its columns
/// under this schema, and Arrow checks each column against its field there.
pub fn result_schema(rb: &Rulebook, points: bool, ranks: bool) -> Schema {
    let decimal = DataType::Decimal128(38, rb.scale() as i8);
    let dictionary =
        |labels: usize| DataType::Dictionary(Box::new(dictionary_key(labels)), Box::new(DataType::Utf8));
    let fields = specs(rb, points, ranks).into_iter().map(|(name, col)| {
        let ty = match col {
            Col::Key | Col::ErrorKind | Col::Error => DataType::Utf8,
            Col::Profile => dictionary(rb.profiles().len()),
            Col::Grade => dictionary(rb.grades().len()),
            Col::Total | Col::Max | Col::Points(_) => decimal.clone(),
            Col::Passed => DataType::Boolean,
            Col::Rank | Col::ProfileRank => DataType::Int64,
        };
        // Only `key` is never null: every row has its own key or its row number.
        Field::new(name, ty, !matches!(col, Col::Key))
    });
    Schema::new(fields.collect::<Vec<_>>())
}

/// The key type of a dictionary of `labels` labels: the narrowest signed type that indexes them
/// all, as pandas' categorical codes are (int8 up to 128 labels).
fn dictionary_key(labels: usize) -> DataType {
    if labels <= i8::MAX as usize + 1 {
        DataType::Int8
    } else if labels <= i16::MAX as usize + 1 {
        DataType::Int16
    } else {
        DataType::Int32
    }
}

/// A batch's results, one slot per row (`Result`, or `None` where the row failed), each explained
/// when it is read.
#[pyclass(frozen, module = "kaoping")]
pub struct Results {
    batch: Py<Batch>,
}

impl Results {
    fn item(&self, py: Python<'_>, i: usize) -> PyResult<Py<PyAny>> {
        let batch = self.batch.get();
        Ok(match py.detach(|| batch.outcome(i)) {
            Some(o) => Py::new(py, batch.result_of(o))?.into_any(),
            None => py.None(),
        })
    }
}

#[pymethods]
impl Results {
    fn __len__(&self) -> usize {
        self.batch.get().batch.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if let Ok(slice) = index.cast::<PySlice>() {
            let ix = slice.indices(self.__len__() as isize)?;
            let list = PyList::empty(py);
            let mut i = ix.start;
            for _ in 0..ix.slicelength {
                list.append(self.item(py, i as usize)?)?;
                i += ix.step;
            }
            return Ok(list.into_any().unbind());
        }
        let i = self.batch.get().check(index.extract::<isize>()?)?;
        self.item(py, i)
    }

    fn __iter__(&self, py: Python<'_>) -> ResultsIter {
        ResultsIter { results: Results { batch: self.batch.clone_ref(py) }, next: AtomicUsize::new(0) }
    }

    fn __repr__(&self) -> String {
        format!("<kaoping.Results of {} rows>", self.__len__())
    }
}

/// Iterates over a batch's results.
#[pyclass(frozen, module = "kaoping")]
pub struct ResultsIter {
    results: Results,
    next: AtomicUsize,
}

#[pymethods]
impl ResultsIter {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if i >= self.results.__len__() {
            return Ok(None);
        }
        self.results.item(py, i).map(Some)
    }
}

/// An empty vector with room for `n` values. A large one asks for transparent huge pages
/// (Linux): filling fresh memory 4 KiB at a time costs a page fault per page, and a table's columns
/// are hundreds of MiB of fresh memory.
fn large_buffer<T>(n: usize) -> Vec<T> {
    let values: Vec<T> = Vec::with_capacity(n);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = values.as_ptr() as usize;
        let bytes = n * size_of::<T>();
        let (from, to) = (start.next_multiple_of(HUGE), (start + bytes) / HUGE * HUGE);
        if bytes >= 2 * HUGE && to > from {
            // SAFETY: the range lies inside the vector's own allocation; madvise only advises
            // the kernel how to back it (its contents and mapping stay as they are).
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    values
}

/// Row numbers (from 1) as decimal text, counted up one row at a time: a digit or two changes per
/// row, no division. The digits live in a register, first digit in the lowest byte, so that a
/// number is appended as one 16-byte store and the bytes past it cut off again. (Kept in memory
/// and changed a byte at a time, the next wide read of them stalled on those byte writes.)
struct RowNumber {
    digits: u128,
    len: usize,
}

impl RowNumber {
    /// Digits a `u128` holds; a batch cannot have 10^16 rows (it would need more memory than
    /// exists), but such numbers are still written right, one at a time.
    const WIDTH: usize = 16;

    fn new() -> RowNumber {
        RowNumber { digits: u128::from(b'0'), len: 1 }
    }

    /// Count up to the next number (1, 2, …).
    fn advance(&mut self) {
        if self.len > RowNumber::WIDTH {
            return; // beyond the register: `append_to` writes the number itself
        }
        let mut i = self.len;
        while i > 0 {
            i -= 1;
            let shift = 8 * i;
            if (self.digits >> shift) as u8 == b'9' {
                // 9 + 1: write 0 and carry.
                self.digits -= u128::from(b'9' - b'0') << shift;
            } else {
                self.digits += 1 << shift;
                return;
            }
        }
        // Every digit carried (9…9 → 10…0): one digit more, a leading 1.
        if self.len < RowNumber::WIDTH {
            self.digits = (self.digits << 8) | u128::from(b'1');
        }
        self.len += 1;
    }

    /// Append the current number (`number`) to `text`.
    #[inline(always)]
    fn append_to(&self, text: &mut Vec<u8>, number: usize) {
        #[cold]
        fn long(text: &mut Vec<u8>, number: usize) {
            text.extend_from_slice(number.to_string().as_bytes());
        }
        if self.len > RowNumber::WIDTH {
            return long(text, number);
        }
        let end = text.len() + self.len;
        text.extend_from_slice(&self.digits.to_le_bytes());
        text.truncate(end);
    }
}

/// One value per row (0 where none) and a validity bitmap, made only when some value is null.
fn with_nulls<T: Default>(
    n: usize,
    items: impl Iterator<Item = Option<T>>,
) -> (Vec<T>, Option<BooleanBufferBuilder>) {
    let mut values: Vec<T> = large_buffer(n);
    let mut nulls: Option<BooleanBufferBuilder> = None;
    for v in items {
        if v.is_none() {
            nulls.get_or_insert_with(|| all_valid(n)).set_bit(values.len(), false);
        }
        values.push(v.unwrap_or_default());
    }
    (values, nulls)
}

/// A dictionary column of `labels` (a categorical in pandas) from each row's code (`Codes::NONE`:
/// null) mapped by `key` to its label's index (`None`: null). The keys are the narrowest signed
/// type that holds every index, as pandas' categorical codes are (int8 up to 128 labels), so that
/// pandas can take them as they are.
fn categorical(
    codes: &[u16],
    key: impl Fn(u16) -> Option<u16> + Copy,
    labels: Vec<&str>,
) -> Result<ArrayRef, String> {
    fn keyed<K: ArrowDictionaryKeyType>(
        codes: &[u16],
        key: impl Fn(u16) -> Option<u16> + Copy,
        labels: ArrayRef,
    ) -> Result<ArrayRef, String> {
        let key = |c: u16| (c != Codes::NONE).then(|| key(c)).flatten();
        // Every index is below the number of labels, which the key type was chosen to hold.
        let mut keys: Vec<K::Native> = large_buffer(codes.len());
        keys.extend(codes.iter().map(|&c| K::Native::usize_as(usize::from(key(c).unwrap_or(0)))));
        let keys = PrimitiveArray::<K>::new(ScalarBuffer::from(keys), validity(codes, |c| key(c).is_some()));
        let array = DictionaryArray::<K>::try_new(keys, labels).map_err(|e| e.to_string())?;
        Ok(Arc::new(array))
    }
    let key_type = dictionary_key(labels.len());
    let labels: ArrayRef = Arc::new(StringArray::from(labels));
    match key_type {
        DataType::Int8 => keyed::<Int8Type>(codes, key, labels),
        DataType::Int16 => keyed::<Int16Type>(codes, key, labels),
        _ => keyed::<Int32Type>(codes, key, labels),
    }
}

/// The validity of a column made from `codes`, each row valid where `valid(code)`: `None` (no
/// bitmap) when every row is.
fn validity<C: Copy>(codes: &[C], valid: impl Fn(C) -> bool) -> Option<NullBuffer> {
    if codes.iter().all(|&c| valid(c)) {
        return None;
    }
    Some(NullBuffer::new(BooleanBuffer::collect_bool(codes.len(), |i| valid(codes[i]))))
}

/// A validity bitmap of `n` rows, every one valid (to clear the few that are not).
fn all_valid(n: usize) -> BooleanBufferBuilder {
    let mut b = BooleanBufferBuilder::new(n);
    b.append_n(n, true);
    b
}

/// A decimal128(38, scale) array of the values (mantissas), null where `nulls` says so.
fn decimal_array(values: Vec<i128>, nulls: Option<NullBuffer>, scale: u32) -> Result<ArrayRef, String> {
    let array =
        Decimal128Array::new(ScalarBuffer::from(values), nulls).with_precision_and_scale(38, scale as i8);
    array.map(|a| Arc::new(a) as ArrayRef).map_err(|e| e.to_string())
}

/// A column of the compact table.
#[derive(Clone, Copy)]
enum Col {
    Key,
    Profile,
    Total,
    Max,
    Grade,
    Passed,
    Rank,
    ProfileRank,
    Points(usize),
    ErrorKind,
    Error,
}

/// How `to_pandas` holds decimal columns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbers {
    /// `pd.ArrowDtype(decimal128)`: exact, no Python object per cell.
    Arrow,
    /// `Decimal` objects: exact.
    Decimal,
    /// `float64`: for exploration.
    Float,
}

impl Numbers {
    fn parse(s: &str) -> PyResult<Numbers> {
        match s {
            "arrow" => Ok(Numbers::Arrow),
            "decimal" => Ok(Numbers::Decimal),
            "float" => Ok(Numbers::Float),
            other => Err(PyValueError::new_err(format!(
                "numbers is \"arrow\", \"decimal\" or \"float\", not {other:?}"
            ))),
        }
    }
}

fn need<'py>(py: Python<'py>, module: &str, what: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|_| {
        PyImportError::new_err(format!("{what} needs {module}, which is not installed: pip install {module}"))
    })
}

#[pymethods]
impl Batch {
    fn __len__(&self) -> usize {
        self.batch.len()
    }

    /// Every row's `Result`, `None` where the row failed: one slot per input row, explained when
    /// read (a million-row batch does not build a million explanations to give one).
    #[getter]
    fn results(slf: &Bound<'_, Self>) -> Results {
        Results { batch: slf.clone().unbind() }
    }

    /// Every row's error (an `InputError` or `EvaluationError` subclass), `None` where the row
    /// scored. One slot per input row. Each error's `row` is the row's number counting from 1 (as
    /// in messages); its `index` is the label of `to_pandas()`'s index for that row (the input
    /// DataFrame's index label, or the position from 0 where the input had no index), so that
    /// `res.loc[e.index]` is the failed row whatever order the input was in.
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = self.errors.get_or_try_init(py, || {
            let l = PyList::empty(py);
            for row in self.batch.rows() {
                match row.error() {
                    Some(e) => l.append(self.error_value(py, row.index(), e)?)?,
                    None => l.append(py.None())?,
                }
            }
            Ok::<_, PyErr>(l.unbind())
        })?;
        Ok(list.bind(py).clone())
    }

    /// The label of row `i` in `to_pandas()`'s index: the input DataFrame's label, or `i`.
    fn label<'py>(&self, py: Python<'py>, i: isize) -> PyResult<Bound<'py, PyAny>> {
        let i = self.check(i)?;
        self.label_at(py, i)
    }

    /// The rows of these labels of `to_pandas()`'s index (see `label`), as positions from 0.
    fn positions(&self, py: Python<'_>, labels: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
        match &self.index {
            None => labels.try_iter()?.map(|l| self.check(l?.extract::<isize>()?)).collect(),
            Some(index) => {
                let idx = index.bind(py);
                let mut out = Vec::new();
                for l in labels.try_iter()? {
                    let l = l?;
                    let at = idx.call_method1("get_loc", (&l,)).map_err(|_| {
                        pyo3::exceptions::PyKeyError::new_err(format!(
                            "{} is not a label of the input's index",
                            l.repr().map(|r| r.to_string()).unwrap_or_default()
                        ))
                    })?;
                    out.push(at.extract::<usize>().map_err(|_| {
                        PyValueError::new_err(format!(
                            "the label {} is not unique in the input's index",
                            l.repr().map(|r| r.to_string()).unwrap_or_default()
                        ))
                    })?);
                }
                Ok(out)
            }
        }
    }

    /// Row `i`'s `Result`, or `None` if it failed.
    fn result(&self, py: Python<'_>, i: isize) -> PyResult<Option<ScoreResult>> {
        let i = self.check(i)?;
        Ok(py.detach(|| self.outcome(i)).map(|o| self.result_of(o)))
    }

    /// Row `i`'s error (`i` a position from 0), or `None` if it scored.
    fn error<'py>(&self, py: Python<'py>, i: isize) -> PyResult<Bound<'py, PyAny>> {
        let i = self.check(i)?;
        match self.batch.row(i).error() {
            Some(e) => self.error_value(py, i, e),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// What happened across the batch: rows, ok, failed, grade counts and shares, passed, error
    /// counts by kind.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.batch.summary();
        let d = PyDict::new(py);
        d.set_item("rows", s.rows)?;
        d.set_item("ok", s.ok)?;
        d.set_item("failed", s.failed)?;
        let grades = PyDict::new(py);
        let shares = PyDict::new(py);
        for g in &s.grades {
            grades.set_item(&g.grade, g.count)?;
            shares.set_item(&g.grade, decimal_to_py(py, g.share)?)?;
        }
        d.set_item("grades", grades)?;
        d.set_item("shares", shares)?;
        d.set_item("passed", s.passed)?;
        let errs = PyDict::new(py);
        for (k, c) in &s.errors {
            errs.set_item(k.name(), c)?;
        }
        d.set_item("errors", errs)?;
        // Child rows that matched no parent row (spec §18.5), per list path: count and first key.
        let unmatched = PyDict::new(py);
        for u in &s.unmatched {
            let entry = PyDict::new(py);
            entry.set_item("count", u.count)?;
            entry.set_item("first", &u.first)?;
            unmatched.set_item(&u.list, entry)?;
        }
        d.set_item("unmatched", unmatched)?;
        Ok(d)
    }

    /// Columns of the input table (or keys of its records) that fill no input: ignored, and
    /// warned about unless `unknown="ignore"`.
    #[getter]
    fn unknown_columns(&self) -> Vec<String> {
        self.unknown.clone()
    }

    /// The compact table as a `pyarrow.Table`: one row per record with key, profile, total, max,
    /// grade, passed, rank and profile_rank (unless `ranks=False`: they rank the whole batch
    /// first), the points of every indicator (unless `points=False`), error_kind and error.
    /// Profile and grade are dictionary-encoded (the rulebook's profiles and grades; null in no
    /// profile or grade, and where the row failed). Totals, maxima and points are exact decimal128
    /// columns built from the batch's fixed-point values (no `Decimal` per cell).
    /// `details=True` adds, before error_kind, what reconciles each total (every row explained,
    /// so slower): base, bonus, penalty, total_before_vetoes, vetoes (ids, `;`-separated),
    /// grade_from_total, grade_capped_by (the labels of the vetoes or grade rules that set the
    /// grade below the total's), `criterion.<id>` (whether each criterion holds) and
    /// `contribution.<leaf>` (each leaf indicator's share of the base, rounded so that they add up
    /// to it exactly: base + bonus − penalty is the total where no veto set it). Needs pyarrow.
    #[pyo3(signature = (*, points = true, ranks = true, details = false))]
    fn to_arrow<'py>(
        &self,
        py: Python<'py>,
        points: bool,
        ranks: bool,
        details: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pa = need(py, "pyarrow", "Batch.to_arrow()")?;
        pa.call_method1("table", (self.stream(py, points, ranks, details)?,))
    }

    /// Write the results as the .xlsx sheet `kaoping score RULEBOOK data --out results.xlsx`
    /// writes (the same writer, so analysts and staff exchange the same file): the sheet named
    /// after the rulebook's title; labels (总分, 等次, each indicator's 中文名) in header row 1 and
    /// ids in row 2 (`headers="labels"` or `"ids"`: one row), frozen; one row per batch row in
    /// order — 序号 (its 1-based number), 行号 (empty: a batch has no source-file lines), key,
    /// profile, total, max, grade, passed, rank and profile_rank (`ranks=True`, as the command's
    /// `--ranks`), vetoes, each indicator's points, error_kind and error. Numbers are written as
    /// Excel numbers shown to the rulebook's decimal places. Needs nothing but the module.
    #[pyo3(signature = (path, *, headers = "both", ranks = false))]
    fn to_excel(&self, py: Python<'_>, path: std::path::PathBuf, headers: &str, ranks: bool) -> PyResult<()> {
        let headers = match headers {
            "both" => kaoping_sheet::Headers::Both,
            "labels" => kaoping_sheet::Headers::Labels,
            "ids" => kaoping_sheet::Headers::Ids,
            other => {
                return Err(PyValueError::new_err(format!(
                    "headers must be \"both\", \"labels\" or \"ids\", not {other:?}"
                )));
            }
        };
        let mut layout = kaoping_sheet::Layout::of(&self.rb, ranks);
        layout.headers = headers;
        py.detach(|| -> Result<(), kaoping_sheet::SheetError> {
            let mut sheet = kaoping_sheet::XlsxSheet::new(&path, layout.clone())?;
            for (i, row) in self.batch.rows().enumerate() {
                let r = kaoping_sheet::ResultRow::of_row(&row, &layout, i + 1, None, row.key(), Vec::new());
                sheet.row(&r)?;
            }
            sheet.finish()
        })
        .map_err(|e| match e {
            kaoping_sheet::SheetError::TooManyRows => PyValueError::new_err(e.to_string()),
            e => pyo3::exceptions::PyOSError::new_err(e.to_string()),
        })
    }

    /// The compact table as a polars DataFrame (decimal columns exact). Needs polars.
    #[pyo3(signature = (*, points = true, ranks = true, details = false))]
    fn to_polars<'py>(
        &self,
        py: Python<'py>,
        points: bool,
        ranks: bool,
        details: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pl = need(py, "polars", "Batch.to_polars()")?;
        pl.call_method1("DataFrame", (self.stream(py, points, ranks, details)?,))
    }

    /// The compact table as a pandas DataFrame, indexed like the input DataFrame when there was
    /// one. Profile is a categorical of the rulebook's profiles; grade an *ordered* categorical,
    /// worst → best, so `res[res.grade >= "较好"]` selects by grade; ranks nullable `Int64`,
    /// `passed` nullable `boolean`.
    ///
    /// `numbers` says how totals, maxima, points (and the details' decimals) are held:
    /// - `"arrow"` (default): exact decimal columns, `pd.ArrowDtype(pa.decimal128(38, scale))`,
    ///   without a Python object per cell; sums, sorting, min/max and comparisons are exact, but
    ///   pandas (3.1) cannot `describe()` or `nsmallest()` them and rounds `mean()` to the scale.
    /// - `"decimal"`: `Decimal` objects (dtype `object`, `None` where none): exact, for
    ///   publishing and for arithmetic with `Decimal`; slow on large tables.
    /// - `"float"`: `float64` (NaN where none), each the nearest double to the exact value: for
    ///   exploration — `describe()`, `nsmallest()`, `mean()`, plots — never for publication.
    ///
    /// `dtype_backend="pyarrow"`: every column Arrow-backed (grades then a dictionary, not
    /// ordered; `numbers="decimal"` does not apply). `points=False` leaves out the indicators'
    /// points (a column per indicator: most of the table's memory), `ranks=False` the ranks
    /// (computing them ranks the whole batch first); `details=True` adds the columns that
    /// reconcile each total (see `to_arrow`). Needs pandas and pyarrow.
    #[pyo3(signature = (*, numbers = "arrow", dtype_backend = None, points = true, ranks = true, details = false))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        numbers: &str,
        dtype_backend: Option<&str>,
        points: bool,
        ranks: bool,
        details: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let numbers = Numbers::parse(numbers)?;
        let pd = need(py, "pandas", "Batch.to_pandas()")?;
        let pa = need(py, "pyarrow", "Batch.to_pandas()")?;
        let df = match dtype_backend {
            // Each column as pandas holds it (frame.rs); pyarrow converts the decimals and text.
            None => {
                let decimal = pa.call_method1("decimal128", (38, self.rb.scale()))?;
                let types = PyDict::new(py);
                // Without a mapping pyarrow makes `Decimal` objects of decimal128.
                if numbers == Numbers::Arrow {
                    types.set_item(&decimal, pd.call_method1("ArrowDtype", (&decimal,))?)?;
                }
                let parts = py
                    .detach(|| {
                        let parts = self.frame_parts(points, ranks, details)?;
                        Ok::<_, String>(if numbers == Numbers::Float { frame::floats(parts) } else { parts })
                    })
                    .map_err(errors::internal)?;
                frame::frame(py, &pd, &pa, parts, &types.getattr("get")?)?
            }
            Some("pyarrow") => {
                if numbers == Numbers::Decimal {
                    return Err(PyValueError::new_err(
                        "numbers=\"decimal\" makes Decimal objects, which are not Arrow-backed: with \
                         dtype_backend=\"pyarrow\" use numbers=\"arrow\" (exact) or \"float\"",
                    ));
                }
                let table = py.detach(|| self.table(points, ranks, details)).map_err(errors::internal)?;
                let table = if numbers == Numbers::Float { frame::float_table(table)? } else { table };
                let schema = table.schema();
                let table = Bound::new(py, PyTable::try_new(vec![table], schema)?)?;
                let table = pa.call_method1("table", (table,))?;
                let kw = PyDict::new(py);
                kw.set_item("types_mapper", pd.getattr("ArrowDtype")?)?;
                table.call_method("to_pandas", (), Some(&kw))?
            }
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "dtype_backend is None or \"pyarrow\", not {other:?}"
                )));
            }
        };
        if let Some(index) = &self.index {
            df.setattr("index", index.bind(py))?;
        }
        Ok(df)
    }

    /// Row `i`'s `Result` (`None` where it failed), counting from 0, negative from the end; a
    /// slice gives a list. A batch is a sequence of its rows' results: `len(b)`, `b[0]`, `b[-1]`,
    /// `for r in b`. (`b.loc[label]` finds a row by its label in `to_pandas()`'s index.)
    fn __getitem__(slf: &Bound<'_, Self>, index: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Results { batch: slf.clone().unbind() }.__getitem__(slf.py(), index)
    }

    fn __iter__(slf: &Bound<'_, Self>) -> ResultsIter {
        ResultsIter { results: Results { batch: slf.clone().unbind() }, next: AtomicUsize::new(0) }
    }

    /// Jupyter's view: rows scored and failed, a bar per grade, the five lowest units.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let lowest = self
            .lowest_rows(py, 5)
            .into_iter()
            .map(|i| {
                let row = self.batch.row(i);
                Ok(html::Low {
                    label: self.label_at(py, i)?.repr()?.to_string(),
                    key: row.key(),
                    total: row.total(),
                    grade: row.grade().map(str::to_owned),
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(html::batch(&self.rb, self.batch.summary(), &lowest))
    }

    /// The `n` rows with the lowest totals, lowest first (ties in row order; failed rows left
    /// out): the ones to look at first. Given as labels of `to_pandas()`'s index — the input
    /// DataFrame's index labels, or positions from 0 where the input had no index — so
    /// `res.loc[batch.lowest(3)]` is those rows even after `df.sort_values(...)`.
    /// `batch.loc[label]` explains one of them from its own values, without scoring again.
    #[pyo3(signature = (n = 20))]
    fn lowest<'py>(&self, py: Python<'py>, n: usize) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let rows = self.lowest_rows(py, n);
        rows.into_iter().map(|i| self.label_at(py, i)).collect()
    }

    /// `batch.loc[label]`: a row's `Result` (or `None` where it failed) by its label in
    /// `to_pandas()`'s index, as pandas' `.loc` finds it.
    #[getter]
    fn loc(slf: &Bound<'_, Self>) -> Loc {
        Loc { batch: slf.clone().unbind() }
    }

    /// Which path scored the batch: "records" (mappings), "typed columns" (a table's columns
    /// handed to the core as they are) or "columns as records" (a table with lists or Python
    /// objects, turned into records). For tests and benchmarks.
    #[getter]
    fn _path(&self) -> &'static str {
        self.source.path()
    }

    /// The compact table through the Arrow PyCapsule interface (`pyarrow.table(batch)`,
    /// `polars.DataFrame(batch)`).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let table = py.detach(|| self.table(true, true, false)).map_err(errors::internal)?;
        let field = Arc::new(Field::new_struct("", table.schema().fields().clone(), false));
        let array: ArrayRef = Arc::new(StructArray::from(table));
        let reader = Box::new(ArrayIterator::new(vec![Ok(array)], field));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }

    fn __repr__(&self) -> String {
        let s = self.batch.summary();
        format!("<kaoping.Batch rows={} ok={} failed={}>", s.rows, s.ok, s.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::RowNumber;

    #[test]
    fn row_numbers_count_up_across_every_width() {
        let mut number = RowNumber::new();
        let mut text = Vec::new();
        for i in 1..=12_345usize {
            number.advance();
            text.clear();
            number.append_to(&mut text, i);
            assert_eq!(text, i.to_string().as_bytes());
        }
        // The last number the register holds, and the ones past it (written one at a time).
        let max = "9".repeat(RowNumber::WIDTH);
        let mut number =
            RowNumber { digits: u128::from_le_bytes(max.as_bytes().try_into().unwrap()), len: 16 };
        let first: usize = max.parse().unwrap();
        for i in first + 1..first + 4 {
            number.advance();
            text.clear();
            number.append_to(&mut text, i);
            assert_eq!(text, i.to_string().as_bytes());
        }
    }
}

impl Batch {
    /// The positions of the `n` lowest totals, lowest first.
    fn lowest_rows(&self, py: Python<'_>, n: usize) -> Vec<usize> {
        py.detach(|| {
            let units = self.batch.total_units();
            let mut scored: Vec<(Decimal, usize)> = units
                .iter()
                .enumerate()
                .filter_map(|(i, u)| match u {
                    Some(u) => Some((Decimal::new(*u, self.rb.scale()), i)),
                    None => self.batch.row(i).total().map(|t| (t, i)),
                })
                .collect();
            let n = n.min(scored.len());
            if n == 0 {
                return Vec::new();
            }
            scored.select_nth_unstable(n - 1);
            scored.truncate(n);
            scored.sort_unstable();
            scored.into_iter().map(|(_, i)| i).collect()
        })
    }

    /// Row `i`'s label in `to_pandas()`'s index.
    fn label_at<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyAny>> {
        match &self.index {
            Some(index) => index.bind(py).get_item(i),
            None => Ok(i.into_pyobject(py)?.into_any()),
        }
    }

    /// A row's error as a Python exception, with `index` (its label) set.
    fn error_value<'py>(
        &self,
        py: Python<'py>,
        i: usize,
        e: &kaoping::RecordError,
    ) -> PyResult<Bound<'py, PyAny>> {
        let exc = errors::record_error_value(py, e)?;
        exc.setattr("index", self.label_at(py, i)?)?;
        Ok(exc)
    }
}

/// `Batch.loc`: rows by their label in `to_pandas()`'s index.
#[pyclass(frozen, module = "kaoping")]
pub struct Loc {
    batch: Py<Batch>,
}

#[pymethods]
impl Loc {
    fn __getitem__(&self, py: Python<'_>, label: &Bound<'_, PyAny>) -> PyResult<Option<ScoreResult>> {
        let b = self.batch.get();
        let at = b.positions(py, pyo3::types::PyList::new(py, [label])?.as_any())?;
        b.result(py, at[0] as isize)
    }
}
