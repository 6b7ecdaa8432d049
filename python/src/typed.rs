//! Arrow columns → the core's typed columns (`kaoping::Columns`), scored by
//! `Rulebook::score_columns` without a record per row.
//!
//! int32, int64, float64 and decimal128 columns are not copied: the core reads their Arrow
//! buffers in place, one piece per chunk (`kaoping::Values::shared`), and keeps them alive while
//! the batch that may explain a row lives. The other types are converted in bulk: narrower
//! integers → `Int32`, uint32 → `Int`, decimal32/64 (and decimal256 that fits) → `Fixed`
//! (exact), float32/16 → `Float` (read by their own shortest repr), booleans → `Bool`, text and
//! dictionaries of text → `Dict` (the core decides each distinct value once) or `Text`, dates and
//! other printable types → their Arrow text. Nulls come from the validity bitmap.
//!
//! A value means exactly what it means on the record path (`columns.rs`, `values.rs`): the tests
//! score the same rows both ways. Where this layer cannot say it the same way — lists (`numbers`
//! and `items` inputs), binary and struct columns, integers beyond `i64`, Python objects pyarrow
//! could not take — the table goes to the record path instead ([`typed_columns`] gives `None`).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type, Float16Type,
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType};
use arrow_buffer::{ArrowNativeType, BooleanBuffer, Buffer};
use arrow_schema::DataType;
use kaoping::{Column, ColumnData, Piece, Values};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::columns::{Columns, Data};
use crate::text::{strings, texts};
use crate::values::{Kind, Shape};

/// The core's typed columns for a table's columns (named by the inputs they fill), or `None`
/// when some column needs the record path.
pub fn typed_columns(cols: &Columns, shape: &Shape, parallel: bool) -> Option<kaoping::Columns> {
    let convert = |c: &crate::columns::Column| -> Option<Column> {
        let kind = shape.inputs[c.input].kind;
        match &c.data {
            Data::Arrow(chunks) if !matches!(kind, Kind::Numbers | Kind::Items) => column(chunks, cols.rows),
            _ => None,
        }
    };
    let converted: Vec<Option<Column>> = if parallel {
        cols.cols.par_iter().map(convert).collect()
    } else {
        cols.cols.iter().map(convert).collect()
    };
    let mut table = kaoping::Columns::new(cols.rows);
    for (c, col) in cols.cols.iter().zip(converted) {
        // Named by the input itself, so binding cannot mistake a label for another input's name.
        table.push(shape.inputs[c.input].name.clone(), col?).ok()?;
    }
    Some(table)
}

/// One column from its chunks (lengths adding up to `rows`), or `None` for the record path.
fn column(chunks: &[ArrayRef], rows: usize) -> Option<Column> {
    let dt = match chunks.first() {
        Some(a) => a.data_type().clone(),
        None => return Some(Column::with_nulls(ColumnData::Int(vec![0; rows].into()), vec![true; rows])),
    };
    if chunks.iter().any(|c| *c.data_type() != dt) || chunks.iter().map(|c| c.len()).sum::<usize>() != rows {
        return None;
    }
    let nulls = nulls(chunks, rows);
    let data = match &dt {
        DataType::Null => ColumnData::Int(vec![0; rows].into()),
        DataType::Boolean => {
            let mut v = Vec::with_capacity(rows);
            for c in chunks {
                unpack_bits(c.as_boolean().values(), &mut v);
            }
            ColumnData::Bool(v)
        }
        // Read in place; up to 32 bits kept narrow (the core widens a chunk at a time).
        DataType::Int32 => ColumnData::Int32(shared::<Int32Type>(chunks)),
        DataType::Int64 => ColumnData::Int(shared::<Int64Type>(chunks)),
        DataType::Float64 => ColumnData::Float(shared::<Float64Type>(chunks)),
        DataType::Decimal128(_, s) if *s >= 0 => {
            ColumnData::Fixed { mantissa: shared::<Decimal128Type>(chunks), scale: *s as u32 }
        }
        DataType::Int8 => ColumnData::Int32(ints::<Int8Type, i32>(chunks, rows, |x| x.into()).into()),
        DataType::Int16 => ColumnData::Int32(ints::<Int16Type, i32>(chunks, rows, |x| x.into()).into()),
        DataType::UInt8 => ColumnData::Int32(ints::<UInt8Type, i32>(chunks, rows, |x| x.into()).into()),
        DataType::UInt16 => ColumnData::Int32(ints::<UInt16Type, i32>(chunks, rows, |x| x.into()).into()),
        DataType::UInt32 => ColumnData::Int(ints::<UInt32Type, i64>(chunks, rows, |x| x.into()).into()),
        // Beyond i64 the record path reads the value as a cell: leave such columns to it.
        DataType::UInt64 => {
            ColumnData::Int(valid_ints::<UInt64Type, i64>(chunks, rows, |x| i64::try_from(x).ok())?.into())
        }
        DataType::Float32 => ColumnData::Float(floats::<Float32Type>(chunks, rows, f32_value).into()),
        DataType::Float16 => {
            ColumnData::Float(floats::<Float16Type>(chunks, rows, |x| f32_value(x.to_f32())).into())
        }
        DataType::Decimal32(_, s) => fixed(ints::<Decimal32Type, i64>(chunks, rows, |x| x.into()), *s)?,
        DataType::Decimal64(_, s) => fixed(ints::<Decimal64Type, i64>(chunks, rows, |x| x), *s)?,
        DataType::Decimal128(_, s) => fixed(ints::<Decimal128Type, i128>(chunks, rows, |x| x), *s)?,
        DataType::Decimal256(_, s) => {
            fixed(valid_ints::<Decimal256Type, i128>(chunks, rows, |x| x.to_i128())?, *s)?
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => strings(chunks, rows),
        DataType::Dictionary(_, values) if is_text(values) => return dictionary(chunks, rows),
        // Lists, binary, structs, maps: the record path (lists for `numbers`/`items`; the others
        // are the row's type error there, named by field).
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::FixedSizeList(_, _)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::Struct(_)
        | DataType::Map(_, _)
        | DataType::Union(_, _)
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => return None,
        // Dictionaries of numbers, run-end encoded arrays: their values' type. Dates, times,
        // durations: their Arrow text, as a cell (the record path does the same).
        other => {
            let target = match other {
                DataType::Dictionary(_, v) => v.as_ref().clone(),
                DataType::RunEndEncoded(_, v) => v.data_type().clone(),
                _ => DataType::Utf8,
            };
            if !arrow_cast::can_cast_types(other, &target) {
                return None;
            }
            let cast: Vec<ArrayRef> =
                chunks.iter().map(|c| arrow_cast::cast(c, &target)).collect::<Result<_, _>>().ok()?;
            return column(&cast, rows);
        }
    };
    Some(match nulls {
        Some(n) => Column::with_nulls(data, n),
        None => Column::new(data),
    })
}

fn is_text(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Which rows are null, or `None` when none is (the core's typed loops need no mask then).
fn nulls(chunks: &[ArrayRef], rows: usize) -> Option<Vec<bool>> {
    if chunks.iter().all(|c| c.logical_null_count() == 0) {
        return None;
    }
    let mut out = Vec::with_capacity(rows);
    for c in chunks {
        match c.logical_nulls() {
            Some(n) => out.extend(n.iter().map(|valid| !valid)),
            None => out.extend(std::iter::repeat_n(false, c.len())),
        }
    }
    Some(out)
}

/// A bitmap's bits as one `bool` each, appended a 64-bit word at a time (the bit iterator takes
/// a shift and a test per bit).
fn unpack_bits(bits: &BooleanBuffer, out: &mut Vec<bool>) {
    let chunks = bits.bit_chunks();
    for word in chunks.iter() {
        out.extend((0..64).map(|k| (word >> k) & 1 == 1));
    }
    let rest = chunks.remainder_bits();
    out.extend((0..chunks.remainder_len()).map(|k| (rest >> k) & 1 == 1));
}

/// A primitive column's values read where they are: each chunk's buffer (already offset to the
/// chunk's rows) shared as one piece. Null slots hold arbitrary values, which the core never
/// reads as values (a row with a null goes by its null mask).
fn shared<T: ArrowPrimitiveType>(chunks: &[ArrayRef]) -> Values<T::Native> {
    Values::shared(
        chunks.iter().map(|c| Arc::new(c.as_primitive::<T>().values().clone()) as Piece<T::Native>),
    )
}

/// Bytes (NumPy's booleans: zero false, anything else true) packed into a bitmap, eight at a
/// time with word arithmetic (arrow's `collect_bool` calls a closure per bit, and a loop over
/// the bits does not vectorise on baseline x86-64).
pub fn pack_bytes(bytes: &[u8]) -> BooleanBuffer {
    let chunks = bytes.chunks_exact(8);
    let rest = chunks.remainder();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().div_ceil(8));
    out.extend(chunks.map(|c| nonzero_bits(u64::from_le_bytes(c.try_into().unwrap_or_default()))));
    if !rest.is_empty() {
        out.push(rest.iter().enumerate().fold(0u8, |w, (k, &b)| w | (u8::from(b != 0) << k)));
    }
    BooleanBuffer::new(Buffer::from_vec(out), 0, bytes.len())
}

/// Bit k set when byte k of `v` (little-endian) is not zero.
#[inline]
fn nonzero_bits(v: u64) -> u8 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Each byte's high bit: set when the byte is not zero (its low seven bits plus 0x7F carry
    // into it, or it was set already).
    let high = ((v & !HIGH).wrapping_add(!HIGH) | v) & HIGH;
    // One multiply moves byte k's bit (at 8k after the shift) to bit 56 + k, with no two
    // partial products meeting (8k + 7j = 8k' + 7j' has no other solution for j, j' < 8).
    ((high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Every value of integer-like chunks widened by `f` (nulls included: their slots hold arbitrary
/// values, so `f` takes every value of the type). One `extend` per chunk, which vectorises.
fn ints<T: ArrowPrimitiveType, O>(chunks: &[ArrayRef], rows: usize, f: impl Fn(T::Native) -> O) -> Vec<O> {
    let mut v = Vec::with_capacity(rows);
    for c in chunks {
        v.extend(c.as_primitive::<T>().values().iter().map(|&x| f(x)));
    }
    v
}

/// Like [`ints`] for conversions that can fail: only non-null values must convert (a null's slot
/// may hold anything).
fn valid_ints<T: ArrowPrimitiveType, O: Default>(
    chunks: &[ArrayRef],
    rows: usize,
    f: impl Fn(T::Native) -> Option<O>,
) -> Option<Vec<O>> {
    let mut v = Vec::with_capacity(rows);
    for c in chunks {
        let a = c.as_primitive::<T>();
        for (i, &x) in a.values().iter().enumerate() {
            v.push(if a.is_null(i) { O::default() } else { f(x)? });
        }
    }
    Some(v)
}

fn floats<T: ArrowPrimitiveType>(chunks: &[ArrayRef], rows: usize, f: impl Fn(T::Native) -> f64) -> Vec<f64> {
    let mut v = Vec::with_capacity(rows);
    for c in chunks {
        v.extend(c.as_primitive::<T>().values().iter().map(|&x| f(x)));
    }
    v
}

/// A 32-bit float as the 64-bit float of its own shortest repr (`0.1f32` → `0.1`, not
/// 0.100000001…): the core then reads that float's shortest repr, which is the same text (an
/// f32's repr has at most 9 significant digits, and f64 keeps every decimal of up to 15).
fn f32_value(x: f32) -> f64 {
    if !x.is_finite() {
        return f64::from(x);
    }
    format!("{x:e}").parse().unwrap_or(f64::NAN)
}

/// Fixed-point values with an Arrow scale (negative: whole tens, hundreds… made whole numbers).
fn fixed<M: Into<i128>>(mantissa: Vec<M>, scale: i8) -> Option<ColumnData> {
    if scale >= 0 {
        return Some(ColumnData::Fixed {
            mantissa: mantissa.into_iter().map(Into::into).collect(),
            scale: scale as u32,
        });
    }
    let pow = 10i128.checked_pow(u32::from(scale.unsigned_abs()))?;
    let mantissa = mantissa.into_iter().map(|m| m.into().checked_mul(pow)).collect::<Option<Vec<i128>>>()?;
    Some(ColumnData::Fixed { mantissa: mantissa.into(), scale: 0 })
}

/// A dictionary of text (pandas categoricals, pyarrow dictionaries): its codes and values. Chunks
/// with different dictionaries share one; a null value in the dictionary is a null row.
fn dictionary(chunks: &[ArrayRef], rows: usize) -> Option<Column> {
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut dict: Vec<String> = Vec::new();
    let mut codes: Vec<u32> = Vec::with_capacity(rows);
    // The null rows, once there is one (most columns have none).
    let mut nulls: Option<Vec<bool>> = None;
    for c in chunks {
        let d = c.as_any_dictionary_opt()?;
        let values = d.values();
        if !is_text(values.data_type()) {
            return None;
        }
        // Each of this chunk's dictionary entries as an id in the shared dictionary.
        let remap: Vec<Option<u32>> = texts(values)
            .enumerate()
            .map(|(j, t)| {
                (!values.is_null(j)).then(|| {
                    *ids.entry(t.to_owned()).or_insert_with_key(|t| {
                        dict.push(t.clone());
                        dict.len() as u32 - 1
                    })
                })
            })
            .collect();
        let valid = d.logical_nulls();
        let from = codes.len();
        if remap.iter().all(Option::is_some) && valid.is_none() {
            // No null row in this chunk: a code per key, in one loop over the keys as stored. A
            // key past the values (invalid Arrow) gets a code past the dictionary, which the core
            // reads as a missing value.
            let id = |k: usize| remap.get(k).copied().flatten().unwrap_or(u32::MAX);
            let DataType::Dictionary(key, _) = c.data_type() else { return None };
            match key.as_ref() {
                DataType::Int8 => codes.extend(keys::<Int8Type>(c)?.map(id)),
                DataType::Int16 => codes.extend(keys::<Int16Type>(c)?.map(id)),
                DataType::Int32 => codes.extend(keys::<Int32Type>(c)?.map(id)),
                DataType::Int64 => codes.extend(keys::<Int64Type>(c)?.map(id)),
                DataType::UInt8 => codes.extend(keys::<UInt8Type>(c)?.map(id)),
                DataType::UInt16 => codes.extend(keys::<UInt16Type>(c)?.map(id)),
                DataType::UInt32 => codes.extend(keys::<UInt32Type>(c)?.map(id)),
                DataType::UInt64 => codes.extend(keys::<UInt64Type>(c)?.map(id)),
                _ => return None,
            }
            if let Some(n) = &mut nulls {
                n.resize(codes.len(), false);
            }
            continue;
        }
        let nulls = nulls.get_or_insert_with(|| vec![false; from]);
        for (i, k) in d.normalized_keys().into_iter().enumerate() {
            let id = if valid.as_ref().is_some_and(|v| v.is_null(i)) {
                None
            } else {
                remap.get(k).copied().flatten()
            };
            codes.push(id.unwrap_or(0));
            nulls.push(id.is_none());
        }
    }
    let data = ColumnData::Dict { codes, dict };
    Some(match nulls {
        Some(n) if n.contains(&true) => Column::with_nulls(data, n),
        _ => Column::new(data),
    })
}

/// A dictionary chunk's keys as indexes into its values (a negative key as one past them).
fn keys<K: ArrowDictionaryKeyType>(c: &ArrayRef) -> Option<impl Iterator<Item = usize> + '_> {
    Some(c.as_dictionary_opt::<K>()?.keys().values().iter().map(|k| k.as_usize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packing NumPy's bytes and unpacking the bits give the booleans back, at every length
    /// around a 64-bit word and from every offset into the packed bits.
    #[test]
    fn packed_bytes_unpack_to_the_same_booleans() {
        let bytes: Vec<u8> =
            (0..200u32).map(|i| [0, 1, 2, 255, 0, 0x80, 0x7f, 0, 7][((i + i / 9) % 9) as usize]).collect();
        for len in [0, 1, 63, 64, 65, 127, 128, 129, 200] {
            let want: Vec<bool> = bytes[..len].iter().map(|&b| b != 0).collect();
            let packed = pack_bytes(&bytes[..len]);
            assert_eq!(packed.iter().collect::<Vec<bool>>(), want, "{len} bytes");
            for from in [0, 1, 7, 8, 63, 64, 65].into_iter().filter(|&f| f <= len) {
                let mut out = Vec::new();
                unpack_bits(&packed.slice(from, len - from), &mut out);
                assert_eq!(out, want[from..], "{len} bytes from {from}");
            }
        }
    }
}
