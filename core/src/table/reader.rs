//! Rows of text cells (a CSV export, a spreadsheet sheet) turned into typed [`Columns`] for a
//! rulebook, so a large table is scored with [`Rulebook::score_columns`] without a record per row.
//!
//! Each input's column is typed by the input, one chunk of rows at a time: integers → `Int`,
//! decimals → `Fixed` (or `Decimal`), booleans → `Bool`, text → `Dict` (interned per chunk);
//! blank cells are missing values. When some cell of a chunk does not read as its input's type, or
//! reads but lies outside the input's bounds, that column stays `Text` for the chunk: the engine
//! then reads those cells itself and reports the exact error it reports for a record built by
//! [`table::records_from_rows`]. Scoring the columns therefore gives the same rows — totals,
//! grades, points and errors — as scoring the records.
//!
//! [`table::records_from_rows`]: crate::table::records_from_rows

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::Rulebook;
use crate::error::{ErrorKind, Issue, RecordError};
use crate::input::InputType;
use crate::input::{Column, ColumnData, Columns};
use crate::num::{self, Num};
use crate::par::*;
use crate::table::{self, CsvRow, TableError};

/// Rows of a table as typed columns, with where each row went.
#[derive(Clone, Debug)]
pub struct TableColumns {
    /// The rows that have as many cells as the header, one column per input the table fills
    /// (named by the input's id).
    pub columns: Columns,
    /// For each data row: its row in `columns`, or the error that kept it out (a ragged row),
    /// exactly as [`table::records_from_rows`] reports it.
    pub slots: Vec<Result<usize, RecordError>>,
    /// Each data row's 1-based line in the source.
    pub lines: Vec<usize>,
}

/// How one input's cells are stored when they all read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Storage {
    Integer,
    Decimal,
    Boolean,
    /// Text inputs: dictionary-encoded (few distinct values: regions, levels, 是/否 answers).
    Dict,
    /// Kept as written: the key (read as text whatever its type, so "007" stays "007"), lists
    /// (`numbers` marks, which no column type holds) and `items` (an error in a table).
    Text,
}

/// One table column that fills an input.
#[derive(Clone, Debug)]
struct Field {
    /// Position in the header.
    at: usize,
    /// The input's id (the column's name in [`Columns`]).
    name: String,
    storage: Storage,
    min: Option<Num>,
    max: Option<Num>,
}

/// Reads chunks of rows under one header into typed columns for one rulebook.
///
/// ```
/// use kaoping::table::parse_csv;
/// use kaoping::table::ColumnReader;
/// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
/// let (header, rows) = parse_csv("县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数,专家评分\n\
///     甲县,凉山彝区,100000,3000,6,320,266,7;8;9;6;10\n").unwrap();
/// let reader = ColumnReader::new(&rb, &header).unwrap();
/// let t = reader.read(rows);
/// let batch = rb.score_columns(&t.columns, &Default::default()).unwrap();
/// assert_eq!(batch.row(0).total().unwrap().to_string(), "80.13");
/// ```
#[derive(Clone, Debug)]
pub struct ColumnReader {
    width: usize,
    fields: Vec<Field>,
}

impl ColumnReader {
    /// Match `header` to the inputs of `rb` (by id or label, as [`table::map_columns`]); columns
    /// that are no input are skipped.
    pub fn new(rb: &Rulebook, header: &[String]) -> Result<ColumnReader, TableError> {
        let mapping = table::map_columns(rb, header)?;
        let book = rb.compiled();
        let key = book.key_field.map(|k| k as usize);
        let fields = mapping
            .inputs
            .iter()
            .enumerate()
            .filter_map(|(at, ix)| {
                let ix = (*ix)?;
                let input = &book.schema.inputs[ix];
                let storage = match input.ty {
                    _ if Some(ix) == key => Storage::Text,
                    InputType::Integer => Storage::Integer,
                    InputType::Decimal => Storage::Decimal,
                    InputType::Boolean => Storage::Boolean,
                    InputType::Text => Storage::Dict,
                    InputType::Numbers | InputType::Items => Storage::Text,
                };
                Some(Field {
                    at,
                    name: input.name.clone(),
                    storage,
                    min: input.min.clone(),
                    max: input.max.clone(),
                })
            })
            .collect();
        Ok(ColumnReader { width: header.len(), fields })
    }

    /// Turn `rows` into columns. A row whose cell count differs from the header's is left out
    /// with a `Syntax` error naming its line (its 1-based position in `rows` as the error's row).
    pub fn read(&self, rows: Vec<CsvRow>) -> TableColumns {
        self.read_in(rows, true)
    }

    /// [`read`](Self::read), its columns typed on every core only when `parallel` (a batch
    /// scored on one thread reads its tables on that thread too: no pool is started for it).
    pub(crate) fn read_in(&self, mut rows: Vec<CsvRow>, parallel: bool) -> TableColumns {
        let mut slots = Vec::with_capacity(rows.len());
        let mut lines = Vec::with_capacity(rows.len());
        let mut good = 0usize;
        for (n, row) in rows.iter().enumerate() {
            lines.push(row.line);
            if row.cells.len() == self.width {
                slots.push(Ok(good));
                good += 1;
            } else {
                slots.push(Err(ragged(n, row, self.width)));
            }
        }
        // One pass over the rows hands each field its cells (a row's cells are together in
        // memory); then the fields are typed on every core, each on its own.
        let mut cells: Vec<Vec<String>> = self.fields.iter().map(|_| Vec::with_capacity(good)).collect();
        for r in rows.iter_mut().filter(|r| r.cells.len() == self.width) {
            for (f, out) in self.fields.iter().zip(&mut cells) {
                out.push(std::mem::take(&mut r.cells[f.at]));
            }
        }
        drop(rows);
        // Cells go back to be freed by this thread, which allocated them (a free from another
        // thread costs the allocator several times more).
        let work: Vec<(&Field, Vec<String>)> = self.fields.iter().zip(cells).collect();
        let type_one = |(f, mut c): (&Field, Vec<String>)| (f.column(&mut c), c);
        let typed: Vec<(Column, Vec<String>)> = match parallel {
            true => work.into_par_iter().map(type_one).collect(),
            false => work.into_iter().map(type_one).collect(),
        };
        let mut columns = Columns::new(good);
        for (f, (column, _cells)) in self.fields.iter().zip(typed) {
            // Names are distinct input ids and lengths are `good`: push cannot fail.
            columns.push(f.name.clone(), column).expect("one column per input, one value per row");
        }
        TableColumns { columns, slots, lines }
    }
}

/// Turn rows under `header` into typed columns for `rb` (see [`ColumnReader`]).
pub fn columns_from_rows(
    rb: &Rulebook,
    header: &[String],
    rows: Vec<CsvRow>,
) -> Result<TableColumns, TableError> {
    Ok(ColumnReader::new(rb, header)?.read(rows))
}

/// The error of a row with the wrong number of cells, worded as `records_from_rows` words it.
fn ragged(n: usize, row: &CsvRow, width: usize) -> RecordError {
    RecordError {
        row: Some(n + 1),
        key: None,
        issues: vec![Issue {
            kind: ErrorKind::Syntax,
            field: None,
            at: None,
            item: None,
            value: None,
            message: format!("line {}: {} cells, but the header has {width}", row.line, row.cells.len()),
        }],
    }
}

impl Field {
    /// Whether a value read from a cell lies within the input's bounds (outside them the
    /// engine's error quotes the cell as written, so such a column stays text).
    fn in_bounds(&self, n: &Num) -> bool {
        self.min.as_ref().is_none_or(|lo| n >= lo) && self.max.as_ref().is_none_or(|hi| n <= hi)
    }

    /// The typed column of `cells` (taken when they stay text).
    fn column(&self, cells: &mut Vec<String>) -> Column {
        let nulls: Vec<bool> = cells.iter().map(|c| crate::input::blank_cell(c)).collect();
        let typed = match self.storage {
            Storage::Integer => self.integers(cells, &nulls),
            Storage::Decimal => self.decimals(cells, &nulls),
            Storage::Boolean => booleans(cells, &nulls),
            Storage::Dict => Some(dictionary(cells.iter().map(String::as_str), &nulls)),
            Storage::Text => None,
        };
        let data = typed.unwrap_or_else(|| text(std::mem::take(cells), &nulls));
        if nulls.contains(&true) { Column::with_nulls(data, nulls) } else { Column::new(data) }
    }

    fn integers(&self, cells: &[String], nulls: &[bool]) -> Option<ColumnData> {
        let bounded = self.min.is_some() || self.max.is_some();
        let mut out = Vec::with_capacity(cells.len());
        for (c, &null) in cells.iter().zip(nulls) {
            if null {
                out.push(0);
                continue;
            }
            let v = num::parse_integer_text(c).ok()?;
            if bounded && !self.in_bounds(&Num::from_i64(v)) {
                return None;
            }
            out.push(v);
        }
        Some(ColumnData::Int(out.into()))
    }

    fn decimals(&self, cells: &[String], nulls: &[bool]) -> Option<ColumnData> {
        let bounded = self.min.is_some() || self.max.is_some();
        let mut values = Vec::with_capacity(cells.len());
        let mut scale = 0u32;
        for (c, &null) in cells.iter().zip(nulls) {
            if null {
                values.push(Decimal::ZERO);
                continue;
            }
            let d = num::parse_decimal_text(c).ok()?;
            if bounded && !self.in_bounds(&Num::from_decimal(d)) {
                return None;
            }
            scale = scale.max(d.scale());
            values.push(d);
        }
        // Fixed point at the widest scale of the chunk (the engine's typed loop reads it as
        // mantissa / 10^scale); values that would not fit stay decimals, which are just as exact.
        const FIXED_MAX_SCALE: u32 = 18;
        if scale <= FIXED_MAX_SCALE {
            let mantissa: Option<Vec<i128>> = values
                .iter()
                .map(|d| d.mantissa().checked_mul(10i128.checked_pow(scale - d.scale())?))
                .collect();
            if let Some(mantissa) = mantissa {
                return Some(ColumnData::Fixed { mantissa: mantissa.into(), scale });
            }
        }
        Some(ColumnData::Decimal(values))
    }
}

fn booleans(cells: &[String], nulls: &[bool]) -> Option<ColumnData> {
    let mut out = Vec::with_capacity(cells.len());
    for (c, &null) in cells.iter().zip(nulls) {
        out.push(if null { false } else { num::parse_bool_text(c)? });
    }
    Some(ColumnData::Bool(out))
}

/// Distinct cells once each, in order of first appearance; a row holds the index of its cell.
/// Cells are kept as written (the engine trims them as it trims a record's text).
fn dictionary<'a>(cells: impl Iterator<Item = &'a str>, nulls: &[bool]) -> ColumnData {
    let mut index: HashMap<&'a str, u32> = HashMap::new();
    let mut dict: Vec<String> = Vec::new();
    let codes = cells
        .zip(nulls)
        .map(|(c, &null)| {
            if null {
                return 0;
            }
            *index.entry(c).or_insert_with(|| {
                dict.push(c.to_owned());
                (dict.len() - 1) as u32
            })
        })
        .collect();
    ColumnData::Dict { codes, dict }
}

/// Cells as written (blank ones emptied: they are missing).
fn text(mut cells: Vec<String>, nulls: &[bool]) -> ColumnData {
    for (c, &null) in cells.iter_mut().zip(nulls) {
        if null {
            *c = String::new();
        }
    }
    ColumnData::Text(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<CsvRow> {
        cells
            .iter()
            .enumerate()
            .map(|(i, r)| CsvRow { line: i + 2, cells: r.iter().map(|c| (*c).to_owned()).collect() })
            .collect()
    }

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|h| (*h).to_owned()).collect()
    }

    fn data<'a>(t: &'a TableColumns, name: &str) -> &'a Column {
        &t.columns.columns().iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn columns_take_the_input_types_and_fall_back_to_text_per_chunk() {
        let rb = Rulebook::builtin("example.county-assessment").unwrap();
        let h = header(&["县名", "片区", "户籍人口", "建档立卡贫困人口", "income_growth", "备注"]);
        let reader = ColumnReader::new(&rb, &h).unwrap();
        let t = reader.read(rows(&[
            &["甲县", "凉山彝区", "１００000", "3000", "6.5", "x"],
            &["乙县", "凉山彝区", "120000.0", " ", "7.25", ""],
        ]));
        assert_eq!(t.columns.len(), 2);
        assert_eq!(t.columns.columns().len(), 5, "备注 is no input");
        assert_eq!(data(&t, "county").data, ColumnData::Text(vec!["甲县".into(), "乙县".into()]));
        assert_eq!(
            data(&t, "region").data,
            ColumnData::Dict { codes: vec![0, 0], dict: vec!["凉山彝区".into()] }
        );
        assert_eq!(data(&t, "population").data, ColumnData::Int(vec![100_000, 120_000].into()));
        let poor = data(&t, "poor_population");
        assert_eq!(poor.nulls, Some(vec![false, true]));
        assert_eq!(
            data(&t, "income_growth").data,
            ColumnData::Fixed { mantissa: vec![650, 725].into(), scale: 2 }
        );
        // One cell that does not read, or reads out of bounds, keeps the column as written.
        let t = reader.read(rows(&[
            &["甲县", "凉山彝区", "十万", "-5", "1e400", ""],
            &["乙县", "凉山彝区", "1", "2", "3", ""],
        ]));
        assert_eq!(data(&t, "population").data, ColumnData::Text(vec!["十万".into(), "1".into()]));
        assert_eq!(data(&t, "poor_population").data, ColumnData::Text(vec!["-5".into(), "2".into()]));
        assert!(matches!(data(&t, "income_growth").data, ColumnData::Text(_)));
    }

    #[test]
    fn ragged_rows_are_left_out_with_their_error() {
        let rb = Rulebook::builtin("example.county-assessment").unwrap();
        let h = header(&["县名", "户籍人口"]);
        let t = columns_from_rows(&rb, &h, rows(&[&["甲县", "1"], &["乙县"], &["丙县", "3"]])).unwrap();
        assert_eq!(t.columns.len(), 2);
        assert_eq!(t.slots[0], Ok(0));
        assert_eq!(t.slots[2], Ok(1));
        let e = t.slots[1].as_ref().unwrap_err();
        assert_eq!((e.row, e.kind()), (Some(2), ErrorKind::Syntax));
        assert_eq!(e.issues[0].message, "line 3: 1 cells, but the header has 2");
        assert_eq!(t.lines, [2, 3, 4]);
    }

    #[test]
    fn decimals_too_wide_for_fixed_point_stay_exact() {
        let rb = Rulebook::builtin("example.county-assessment").unwrap();
        let h = header(&["income_growth"]);
        let t = columns_from_rows(&rb, &h, rows(&[&["0.0000000000000000001"], &["12345678901.5"]])).unwrap();
        match &data(&t, "income_growth").data {
            ColumnData::Decimal(v) => assert_eq!(v[1].to_string(), "12345678901.5"),
            other => panic!("{other:?}"),
        }
    }
}
