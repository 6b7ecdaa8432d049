//! Tables → records, column by column: Arrow arrays (from pyarrow, polars or pandas through the
//! Arrow PyCapsule interface, without copies) and, for pandas columns Arrow cannot take, Python
//! objects converted once per cell.
//!
//! This layer only turns columns into core `Record`s; every value means what it means in a dict
//! (`values.rs`): Arrow nulls are missing, floats go through their shortest repr (a NaN that is a
//! value, not a null, is the row's `InputType` error), decimal128 is read exactly, strings are
//! cells. The core's columnar executor will later take the Arrow columns directly; this module is
//! what it replaces.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type, Float16Type, Float32Type, Float64Type,
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, OffsetSizeTrait};
use arrow_schema::DataType;
use kaoping::{Item, Record, Rulebook, Value};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::values::{self, Bad, Conv, InputShape, Kind, Shape, apply};

/// One column that fills an input.
pub struct Column {
    /// The input it fills.
    pub input: usize,
    pub data: Data,
}

/// A column's values.
pub enum Data {
    /// Arrow chunks, in row order (their lengths add up to the table's rows).
    Arrow(Vec<ArrayRef>),
    /// Values already converted from Python objects, one per row.
    Values(Vec<Conv<'static>>),
}

/// The columns of a table that fill inputs.
pub struct Columns {
    pub rows: usize,
    pub cols: Vec<Column>,
}

/// Rows converted together: every column fills a block of records while they are in cache.
const BLOCK: usize = 1024;

impl Columns {
    /// Every row's record, converted in blocks of rows (on every core when `parallel`).
    pub fn records(&self, rb: &Rulebook, shape: &Shape, parallel: bool) -> Vec<Record> {
        let mut records = vec![rb.record(); self.rows];
        let fill_block = |(b, block): (usize, &mut [Record])| {
            let start = b * BLOCK;
            for col in &self.cols {
                self.fill_rows(block, start, col, &shape.inputs[col.input]);
            }
        };
        if parallel {
            records.par_chunks_mut(BLOCK).enumerate().for_each(fill_block);
        } else {
            records.chunks_mut(BLOCK).enumerate().for_each(fill_block);
        }
        records
    }

    /// Row `row`'s record alone (to explain one row of a large batch without keeping every record).
    pub fn record(&self, rb: &Rulebook, shape: &Shape, row: usize) -> Record {
        let mut rec = rb.record();
        for col in &self.cols {
            self.fill_rows(std::slice::from_mut(&mut rec), row, col, &shape.inputs[col.input]);
        }
        rec
    }

    /// Fill `records` (rows `start..start + records.len()`) from one column.
    fn fill_rows(&self, records: &mut [Record], start: usize, col: &Column, input: &InputShape) {
        let end = start + records.len();
        match &col.data {
            Data::Arrow(chunks) => {
                let mut at = 0; // the first row of `chunk`
                for chunk in chunks {
                    let (lo, hi) = (start.max(at), end.min(at + chunk.len()));
                    if lo < hi {
                        let piece = chunk.slice(lo - at, hi - lo);
                        fill(&mut records[lo - start..hi - start], col.input, input, &piece);
                    }
                    at += chunk.len();
                    if at >= end {
                        break;
                    }
                }
            }
            Data::Values(values) => {
                for (rec, v) in records.iter_mut().zip(&values[start.min(values.len())..]) {
                    apply(rec, col.input, v.clone());
                }
            }
        }
    }
}

/// Fill input `index` of `records` (as many as the array has rows) from an Arrow array.
pub fn fill(records: &mut [Record], index: usize, input: &InputShape, array: &ArrayRef) {
    let array = match normalize(array) {
        Ok(a) => a,
        Err(what) => {
            for (i, rec) in records.iter_mut().enumerate() {
                if array.is_valid(i) {
                    let b = Bad::wrong_type(&input.name, input.kind.expected(), &what, None);
                    apply(rec, index, Conv::Bad(b));
                }
            }
            return;
        }
    };
    match array.data_type() {
        dt if is_list(dt) => fill_lists(records, index, input, &array),
        _ => {
            let read = reader(array.as_ref(), input.kind, &input.name);
            for (i, rec) in records.iter_mut().enumerate() {
                apply(rec, index, read(i));
            }
        }
    }
}

/// Arrays whose values the readers take as they are: dictionaries unpacked, list views as lists,
/// dates, times and other printable types as text. `Err` names a type that cannot be read.
fn normalize(array: &ArrayRef) -> Result<ArrayRef, String> {
    use arrow_cast::cast::{can_cast_types, cast};
    let dt = array.data_type();
    let target = match dt {
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(_, _)
        | DataType::Decimal64(_, _)
        | DataType::Decimal128(_, _)
        | DataType::Decimal256(_, _)
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::List(_)
        | DataType::LargeList(_)
        | DataType::FixedSizeList(_, _)
        | DataType::Struct(_) => return Ok(array.clone()),
        DataType::Dictionary(_, value) => value.as_ref().clone(),
        DataType::ListView(f) => DataType::List(f.clone()),
        DataType::LargeListView(f) => DataType::LargeList(f.clone()),
        DataType::RunEndEncoded(_, values) => values.data_type().clone(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            return Err(format!("bytes (an Arrow {dt} column)"));
        }
        _ => DataType::Utf8,
    };
    if !can_cast_types(dt, &target) {
        return Err(format!("an Arrow {dt} column"));
    }
    let out = cast(array, &target).map_err(|e| format!("an Arrow {dt} column ({e})"))?;
    // A dictionary of dictionaries, of dates…: once more.
    if out.data_type() == dt { Ok(out) } else { normalize(&out) }
}

type Reader<'a> = Box<dyn Fn(usize) -> Conv<'a> + 'a>;

/// A reader of a flat array's values (after [`normalize`]).
fn reader<'a>(array: &'a dyn Array, kind: Kind, name: &'a str) -> Reader<'a> {
    macro_rules! prim {
        ($t:ty, $f:expr) => {{
            let a = array.as_primitive::<$t>();
            let f = $f;
            Box::new(move |i| if a.is_null(i) { Conv::Missing } else { f(a.value(i)) })
        }};
    }
    let int = |v: i64| Conv::Value(Value::Integer(v));
    match array.data_type() {
        DataType::Boolean => {
            let a = array.as_boolean();
            Box::new(move |i| if a.is_null(i) { Conv::Missing } else { Conv::Value(Value::Bool(a.value(i))) })
        }
        DataType::Int8 => prim!(Int8Type, move |v: i8| int(v.into())),
        DataType::Int16 => prim!(Int16Type, move |v: i16| int(v.into())),
        DataType::Int32 => prim!(Int32Type, move |v: i32| int(v.into())),
        DataType::Int64 => prim!(Int64Type, int),
        DataType::UInt8 => prim!(UInt8Type, move |v: u8| int(v.into())),
        DataType::UInt16 => prim!(UInt16Type, move |v: u16| int(v.into())),
        DataType::UInt32 => prim!(UInt32Type, move |v: u32| int(v.into())),
        DataType::UInt64 => prim!(UInt64Type, move |v: u64| match i64::try_from(v) {
            Ok(i) => int(i),
            Err(_) => big_integer(v.to_string(), kind, name),
        }),
        DataType::Float16 => prim!(Float16Type, move |v: half_f16::F16| values::from_f32(v.to_f32(), name)),
        DataType::Float32 => prim!(Float32Type, move |v: f32| values::from_f32(v, name)),
        DataType::Float64 => prim!(Float64Type, move |v: f64| values::from_f64(v, name)),
        DataType::Decimal32(_, s) => {
            let s = *s;
            prim!(Decimal32Type, move |v: i32| decimal(i128::from(v), s, name))
        }
        DataType::Decimal64(_, s) => {
            let s = *s;
            prim!(Decimal64Type, move |v: i64| decimal(i128::from(v), s, name))
        }
        DataType::Decimal128(_, s) => {
            let s = *s;
            prim!(Decimal128Type, move |v: i128| decimal(v, s, name))
        }
        DataType::Decimal256(_, s) => {
            let s = *s;
            prim!(Decimal256Type, move |v: arrow_buffer::i256| match v.to_i128() {
                Some(v) => decimal(v, s, name),
                None => values::from_decimal_text(&scaled_text(&v.to_string(), s), name),
            })
        }
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            Box::new(
                move |i| if a.is_null(i) { Conv::Missing } else { Conv::Cell(Cow::Borrowed(a.value(i))) },
            )
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            Box::new(
                move |i| if a.is_null(i) { Conv::Missing } else { Conv::Cell(Cow::Borrowed(a.value(i))) },
            )
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            Box::new(
                move |i| if a.is_null(i) { Conv::Missing } else { Conv::Cell(Cow::Borrowed(a.value(i))) },
            )
        }
        DataType::Null => Box::new(|_| Conv::Missing),
        dt => {
            let what = if matches!(dt, DataType::Struct(_)) {
                "a struct".to_owned()
            } else {
                format!("an Arrow {dt}")
            };
            Box::new(move |i| {
                if array.is_null(i) {
                    Conv::Missing
                } else {
                    Conv::Bad(Bad::wrong_type(name, kind.expected(), &what, None))
                }
            })
        }
    }
}

// `half::f16` without depending on `half` by name: the type Arrow's Float16 arrays hold.
mod half_f16 {
    pub type F16 = <arrow_array::types::Float16Type as arrow_array::ArrowPrimitiveType>::Native;
}

/// An integer beyond `i64`: a numeric input reads it as a cell (the core reports the range).
fn big_integer(text: String, kind: Kind, name: &str) -> Conv<'static> {
    match kind {
        Kind::Decimal | Kind::Integer => Conv::Cell(Cow::Owned(text)),
        _ => Conv::Bad(Bad::wrong_type(name, kind.expected(), "an integer", Some(text))),
    }
}

/// An Arrow decimal (mantissa, scale) exactly; beyond what rust_decimal holds, the core's own
/// reading of its text decides (it drops surplus trailing zeros, else it is out of range).
fn decimal(v: i128, scale: i8, name: &str) -> Conv<'static> {
    if (0..=28).contains(&scale)
        && let Ok(d) = Decimal::try_from_i128_with_scale(v, scale as u32)
    {
        return Conv::Value(Value::Decimal(d));
    }
    values::from_decimal_text(&scaled_text(&v.to_string(), scale), name)
}

/// "12345" with scale 2 → "123.45e0" style text the core reads: mantissa and exponent.
fn scaled_text(mantissa: &str, scale: i8) -> String {
    format!("{mantissa}e{}", -i32::from(scale))
}

/// Fill a `numbers` or `items` input from a list column (`List`, `LargeList` or
/// `FixedSizeList`, after [`normalize`]).
fn fill_lists(records: &mut [Record], index: usize, input: &InputShape, array: &ArrayRef) {
    if !matches!(input.kind, Kind::Numbers | Kind::Items) {
        let wrong = Conv::Bad(Bad::wrong_type(&input.name, input.kind.expected(), "a list", None));
        for (i, rec) in records.iter_mut().enumerate() {
            if array.is_valid(i) {
                apply(rec, index, wrong.clone());
            }
        }
        return;
    }
    let prepared = ListArray::new(array.clone(), input);
    let read = ListReader::new(&prepared, input);
    for (i, rec) in records.iter_mut().enumerate() {
        if array.is_valid(i) {
            apply(rec, index, read.value(i));
        }
    }
}

/// Where list `i` of a list array (`List`, `LargeList` or `FixedSizeList`) lies in its values:
/// (start, length).
fn list_range(list: &dyn Array, i: usize) -> (usize, usize) {
    fn offsets<O: OffsetSizeTrait>(a: &arrow_array::GenericListArray<O>, i: usize) -> (usize, usize) {
        let o = a.value_offsets();
        let start = o[i].as_usize();
        (start, o[i + 1].as_usize() - start)
    }
    match list.data_type() {
        DataType::List(_) => offsets(list.as_list::<i32>(), i),
        DataType::LargeList(_) => offsets(list.as_list::<i64>(), i),
        DataType::FixedSizeList(_, n) => {
            let a = list.as_fixed_size_list();
            (a.value_offset(i) as usize, *n as usize)
        }
        _ => (0, 0),
    }
}

/// The values array of a list array.
fn list_values(list: &dyn Array) -> Option<&ArrayRef> {
    match list.data_type() {
        DataType::List(_) => Some(list.as_list::<i32>().values()),
        DataType::LargeList(_) => Some(list.as_list::<i64>().values()),
        DataType::FixedSizeList(_, _) => Some(list.as_fixed_size_list().values()),
        _ => None,
    }
}

fn is_list(dt: &DataType) -> bool {
    matches!(dt, DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _))
}

/// A list array made readable once, for a `numbers` or `items` input: its values normalised and,
/// for items, each field's column too — a field that is itself a list (a village's households,
/// spec §18.2) prepared the same way, at every level.
struct ListArray {
    list: ArrayRef,
    values: Elements,
}

/// The elements of a list array.
enum Elements {
    /// Marks: the normalised values.
    Marks(ArrayRef),
    /// Items: the struct array, and per field of the input's shape its column (`None`: absent).
    Items { items: ArrayRef, fields: Vec<Option<FieldArray>> },
    /// Values no element can be read from: what they are.
    Wrong(String),
}

/// One field's column inside a struct of items.
enum FieldArray {
    /// A scalar field (or a list field given as text cells).
    Scalar(ArrayRef),
    /// A list field.
    List(ListArray),
}

impl ListArray {
    fn new(list: ArrayRef, input: &InputShape) -> ListArray {
        let values = match list_values(list.as_ref()).map(normalize) {
            None => Elements::Wrong(format!("an Arrow {}", list.data_type())),
            Some(Err(what)) => Elements::Wrong(format!("a list of {what}")),
            Some(Ok(values)) => match input.kind {
                Kind::Items => match values.as_struct_opt() {
                    Some(st) => {
                        let fields = input
                            .fields
                            .inputs
                            .iter()
                            .map(|f| {
                                let column = normalize(st.column_by_name(&f.name)?).ok()?;
                                Some(
                                    if matches!(f.kind, Kind::Numbers | Kind::Items)
                                        && is_list(column.data_type())
                                    {
                                        FieldArray::List(ListArray::new(column, f))
                                    } else {
                                        FieldArray::Scalar(column)
                                    },
                                )
                            })
                            .collect();
                        Elements::Items { items: values.clone(), fields }
                    }
                    None => Elements::Wrong(format!("a list of {}", values.data_type())),
                },
                _ => Elements::Marks(values),
            },
        };
        ListArray { list, values }
    }
}

/// Reads the list values of a [`ListArray`], one row at a time.
struct ListReader<'a> {
    list: &'a dyn Array,
    input: &'a InputShape,
    elements: ElementReader<'a>,
}

enum ElementReader<'a> {
    Marks(Reader<'a>),
    Items { items: &'a arrow_array::StructArray, fields: Vec<(&'a str, Option<FieldReader<'a>>)> },
    Wrong(&'a str),
}

enum FieldReader<'a> {
    Scalar(Reader<'a>),
    List(ListReader<'a>),
}

impl<'a> ListReader<'a> {
    fn new(prepared: &'a ListArray, input: &'a InputShape) -> ListReader<'a> {
        let name = input.name.as_str();
        let elements = match &prepared.values {
            Elements::Marks(values) => ElementReader::Marks(reader(values.as_ref(), Kind::Decimal, name)),
            Elements::Items { items, fields } => ElementReader::Items {
                items: items.as_struct(),
                fields: input
                    .fields
                    .inputs
                    .iter()
                    .zip(fields)
                    .map(|(f, column)| {
                        let read = column.as_ref().map(|c| match c {
                            FieldArray::Scalar(a) => FieldReader::Scalar(reader(a.as_ref(), f.kind, name)),
                            FieldArray::List(l) => FieldReader::List(ListReader::new(l, f)),
                        });
                        (f.name.as_str(), read)
                    })
                    .collect(),
            },
            Elements::Wrong(what) => ElementReader::Wrong(what),
        };
        ListReader { list: prepared.list.as_ref(), input, elements }
    }

    /// Row `i`'s list, as the input takes it (`Missing` for a null).
    fn value(&self, i: usize) -> Conv<'static> {
        if self.list.is_null(i) {
            return Conv::Missing;
        }
        let name = self.input.name.as_str();
        let (start, len) = list_range(self.list, i);
        match &self.elements {
            ElementReader::Wrong(what) => {
                Conv::Bad(Bad::wrong_type(name, self.input.kind.expected(), what, None))
            }
            ElementReader::Marks(read) => {
                let mut marks = Vec::with_capacity(len);
                for k in 0..len {
                    let here = values::element_name(name, k);
                    let conv = match read(start + k) {
                        Conv::Bad(b) => Conv::Bad(Bad { message: b.message.replacen(name, &here, 1), ..b }),
                        c => c,
                    };
                    match values::mark(conv, &here) {
                        Ok(d) => marks.push(d),
                        Err(b) => return Conv::Bad(b),
                    }
                }
                Conv::Value(Value::Numbers(marks))
            }
            ElementReader::Items { items: st, fields } => {
                let mut items = Vec::with_capacity(len);
                for k in 0..len {
                    let mut item = Item::new();
                    if st.is_valid(start + k) {
                        for (f, read) in fields {
                            let conv = match read {
                                None => continue,
                                Some(FieldReader::List(l)) => l.value(start + k),
                                Some(FieldReader::Scalar(read)) => match read(start + k) {
                                    Conv::Bad(b) => {
                                        let here = format!("{}.{f}", values::element_name(name, k));
                                        Conv::Bad(Bad { message: b.message.replacen(name, &here, 1), ..b })
                                    }
                                    c => c.into_owned(),
                                },
                            };
                            // A field that does not read stays with its item (spec §18.2: the
                            // error names the item, and every item's problems are reported).
                            values::put_field(&mut item, f, conv);
                        }
                    }
                    items.push(item);
                }
                Conv::Value(Value::Items(items))
            }
        }
    }
}
