//! Arrow text columns → the core's `Dict` (codes into the distinct values) or `Text`.
//!
//! A DataFrame's text column (regions, categories, grades) has a handful of distinct values over
//! a million rows, so what costs is finding each row's value among them. A text of up to 16
//! bytes (a region's name in Chinese is 9 to 12) is looked up as one 128-bit number read straight
//! from the Arrow buffer — no string hashed, no bytes compared; longer ones by their text.

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, GenericStringArray, OffsetSizeTrait};
use arrow_schema::DataType;
use kaoping::ColumnData;
use rustc_hash::FxHashMap;

/// Distinct values beyond which a text column is kept as text rather than dictionary-encoded.
fn dict_limit(rows: usize) -> usize {
    (rows / 16).max(1024)
}

/// A text column (chunks of Utf8, LargeUtf8 or Utf8View): dictionary-encoded while it has few
/// distinct values (categories, regions, grades: the core reads each distinct value once), else
/// plain text (names, keys). A null's slot is an empty string (or anything): its code is never
/// read.
pub fn strings(chunks: &[ArrayRef], rows: usize) -> ColumnData {
    let mut codes = Codes::new(rows);
    let complete = chunks.iter().all(|c| match c.data_type() {
        DataType::Utf8 => codes.add_offsets(c.as_string::<i32>()),
        DataType::LargeUtf8 => codes.add_offsets(c.as_string::<i64>()),
        _ => texts(c).all(|s| codes.add(s, short_key(s.as_bytes()))),
    });
    if complete && codes.codes.len() == rows {
        return ColumnData::Dict { codes: codes.codes, dict: codes.dict };
    }
    let mut text = Vec::with_capacity(rows);
    for c in chunks {
        text.extend(texts(c).map(str::to_owned));
    }
    ColumnData::Text(text)
}

/// A text chunk's values, nulls' slots included, with the chunk's type looked at once rather
/// than per row.
pub fn texts(c: &ArrayRef) -> Box<dyn Iterator<Item = &str> + '_> {
    match c.data_type() {
        DataType::Utf8 => {
            let a = c.as_string::<i32>();
            Box::new((0..a.len()).map(move |i| a.value(i)))
        }
        DataType::LargeUtf8 => {
            let a = c.as_string::<i64>();
            Box::new((0..a.len()).map(move |i| a.value(i)))
        }
        DataType::Utf8View => {
            let a = c.as_string_view();
            Box::new((0..a.len()).map(move |i| a.value(i)))
        }
        // Not text (the caller sends only text): no values, so the column has too few rows and
        // the table goes to the record path.
        _ => Box::new(std::iter::empty()),
    }
}

/// A text of at most 16 bytes as one number: its bytes zero-padded, with its length (so that
/// "a" and "a\0" differ). Two short texts are equal exactly when their keys are.
type ShortKey = (u128, u8);

fn short_key(bytes: &[u8]) -> Option<ShortKey> {
    let mut buf = [0u8; 16];
    buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
    Some((u128::from_le_bytes(buf), bytes.len() as u8))
}

/// [`short_key`] of `data[from..to]`, read as one 16-byte load where the buffer has 16 bytes
/// from `from` (all but its last few texts), the bytes past `to` masked off.
#[inline]
fn short_key_at(data: &[u8], from: usize, to: usize) -> Option<ShortKey> {
    let len = to.checked_sub(from).filter(|&n| n <= 16)?;
    let Some(word) = data.get(from..from + 16) else { return short_key(data.get(from..to)?) };
    let word = u128::from_le_bytes(word.try_into().ok()?);
    let mask = if len == 16 { u128::MAX } else { (1u128 << (8 * len)) - 1 };
    Some((word & mask, len as u8))
}

/// The codes of a column being encoded, and its distinct values so far.
struct Codes<'a> {
    codes: Vec<u32>,
    dict: Vec<String>,
    short: FxHashMap<ShortKey, u32>,
    long: FxHashMap<&'a str, u32>,
    limit: usize,
}

impl<'a> Codes<'a> {
    fn new(rows: usize) -> Codes<'a> {
        Codes {
            codes: Vec::with_capacity(rows),
            dict: Vec::new(),
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            limit: dict_limit(rows),
        }
    }

    /// Add a row of text `s` (`key`: its short key, if it is short); false once there are too
    /// many distinct values to encode.
    #[inline]
    fn add(&mut self, s: &'a str, key: Option<ShortKey>) -> bool {
        let known = match key {
            Some(k) => self.short.get(&k),
            None => self.long.get(s),
        };
        let id = match known {
            Some(&id) => id,
            None => {
                if self.dict.len() >= self.limit {
                    return false;
                }
                let id = self.dict.len() as u32;
                match key {
                    Some(k) => self.short.insert(k, id),
                    None => self.long.insert(s, id),
                };
                self.dict.push(s.to_owned());
                id
            }
        };
        self.codes.push(id);
        true
    }

    /// Add a string array's rows, reading short texts' keys from its buffers.
    fn add_offsets<O: OffsetSizeTrait>(&mut self, a: &'a GenericStringArray<O>) -> bool {
        let (data, offsets) = (a.value_data(), a.value_offsets());
        for (i, w) in offsets.windows(2).enumerate() {
            let key = short_key_at(data, w[0].as_usize(), w[1].as_usize());
            // Known short texts need no `&str` at all.
            if let Some(&id) = key.and_then(|k| self.short.get(&k)) {
                self.codes.push(id);
            } else if !self.add(a.value(i), key) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{LargeStringArray, StringArray, StringViewArray};
    use std::sync::Arc;

    #[test]
    fn short_keys_tell_texts_apart_at_every_length() {
        let texts = ["", "a", "a\0", "ab", "秦巴山区", "乌蒙山区", "0123456789abcdef", "0123456789abcde"];
        let data: Vec<u8> = texts.concat().into_bytes();
        let mut from = 0;
        for t in texts {
            let to = from + t.len();
            assert_eq!(short_key_at(&data, from, to), short_key(t.as_bytes()), "{t:?}");
            from = to;
        }
        let keys: Vec<_> = texts.iter().map(|t| short_key(t.as_bytes())).collect();
        for (i, a) in keys.iter().enumerate() {
            assert!(keys[i + 1..].iter().all(|b| b != a), "{:?} repeats", texts[i]);
        }
        assert_eq!(short_key(b"0123456789abcdefg"), None);
        assert_eq!(short_key_at(b"0123456789abcdefg", 0, 17), None);
    }

    #[test]
    fn every_text_type_encodes_to_the_same_codes() {
        let long = "一个超过十六个字节的名字";
        let values = ["乙", long, "甲", "", "乙", long, "a\0", "a", "甲"];
        let want = ColumnData::Dict {
            codes: vec![0, 1, 2, 3, 0, 1, 4, 5, 2],
            dict: ["乙", long, "甲", "", "a\0", "a"].map(String::from).to_vec(),
        };
        let arrays: [ArrayRef; 3] = [
            Arc::new(StringArray::from(values.to_vec())),
            Arc::new(LargeStringArray::from(values.to_vec())),
            Arc::new(StringViewArray::from(values.to_vec())),
        ];
        for a in arrays {
            assert_eq!(strings(&[a.slice(0, 4), a.slice(4, 5)], 9), want, "{}", a.data_type());
        }
    }

    #[test]
    fn too_many_distinct_values_stay_text() {
        let values: Vec<String> = (0..2000).map(|i| format!("row {i}")).collect();
        let a: ArrayRef = Arc::new(StringArray::from(values.clone()));
        assert_eq!(strings(&[a], 2000), ColumnData::Text(values));
    }
}
