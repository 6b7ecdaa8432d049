//! Tables of text cells — CSV exports, spreadsheet sheets — turned into records (spec §3).
//!
//! Columns match inputs by id or by label (中文列名). Cells are read by the input's type when the
//! record is scored, so a bad cell is an error of its row only. CSV bytes may be UTF-8 (with or
//! without a BOM) or GB18030/GBK, as older systems export; the encoding is detected or given.
//! `numbers` cells hold several marks separated by `;`, `；`, `、`, `|` or spaces; `items` come
//! from a second table joined on the record key ([`attach_items`]).

use std::collections::HashMap;
use std::fmt;

use crate::error::{ErrorKind, Issue, RecordError};
use crate::record::{Item, Record, Value};
use crate::{Rulebook, num};

/// A text encoding of CSV bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 (a leading BOM is skipped).
    Utf8,
    /// GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Encoding, String> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Ok(Encoding::Gb18030),
            other => Err(format!("unknown encoding `{other}`; expected utf-8 or gb18030 (gbk)")),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Gb18030 => "gb18030",
        })
    }
}

/// A table that could not be read at all (as opposed to a bad row, which is that row's error).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TableError {
    /// Syntax (malformed CSV, bad encoding), Schema (unusable header) or Io.
    pub kind: ErrorKind,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl TableError {
    fn new(kind: ErrorKind, line: Option<usize>, message: impl Into<String>) -> TableError {
        TableError { kind, line, message: message.into() }
    }
}

/// Decode CSV bytes: the given encoding, or detected (a UTF-8 BOM or valid UTF-8 → UTF-8, else
/// GB18030). Bytes that are invalid in the chosen encoding are an error naming the line.
pub fn decode(bytes: &[u8], encoding: Option<Encoding>) -> Result<(String, Encoding), TableError> {
    let bytes_no_bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let enc = match encoding {
        Some(e) => e,
        None if bytes_no_bom.is_some() || std::str::from_utf8(bytes).is_ok() => Encoding::Utf8,
        None => Encoding::Gb18030,
    };
    match enc {
        Encoding::Utf8 => {
            let b = bytes_no_bom.unwrap_or(bytes);
            match std::str::from_utf8(b) {
                Ok(s) => Ok((s.to_owned(), enc)),
                Err(e) => {
                    let line = b[..e.valid_up_to()].iter().filter(|&&c| c == b'\n').count() + 1;
                    Err(TableError::new(
                        ErrorKind::Syntax,
                        Some(line),
                        format!(
                            "line {line}: the bytes are not valid UTF-8 (is the file GBK/GB18030? give the encoding)"
                        ),
                    ))
                }
            }
        }
        Encoding::Gb18030 => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                let line = text.split('\n').position(|l| l.contains('\u{FFFD}')).map_or(1, |i| i + 1);
                return Err(TableError::new(
                    ErrorKind::Syntax,
                    Some(line),
                    format!("line {line}: the bytes are not valid GB18030"),
                ));
            }
            Ok((text.into_owned(), enc))
        }
    }
}

/// One data row of a CSV file: its 1-based line and its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvRow {
    /// The line the row starts on.
    pub line: usize,
    /// Cells.
    pub cells: Vec<String>,
}

/// Split CSV text (RFC 4180: `,` separated, `"` quoted with `""` for a quote, CRLF or LF) into a
/// header and rows. Blank lines are skipped. An unterminated quote is an error. (The same scanner
/// reads large files block by block in `csv_stream`.)
pub fn parse_csv(text: &str) -> Result<(Vec<String>, Vec<CsvRow>), TableError> {
    crate::csv_stream::Parser::parse_all(text)
}

/// How a table's columns map onto a rulebook's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    /// For each column: the input index it fills, or `None` (not an input).
    pub inputs: Vec<Option<usize>>,
    /// Columns that are not inputs (ignored, and reported: a misspelt header silently leaves its
    /// input at its default).
    pub unknown: Vec<NotAnInput>,
    /// Inputs that no column fills.
    pub missing: Vec<String>,
}

/// What to do with a column or field that is not an input of the rulebook.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Unknown {
    /// Ignore it and report it (the batch's `not_inputs`, a result's warnings): the default.
    #[default]
    Warn,
    /// Refuse it: a table with such a column is not scored; a record with such a field fails
    /// (`UnknownName`, naming the field and what it probably meant).
    Error,
}

impl NotAnInput {
    /// The refusal of a record's field under [`Unknown::Error`].
    pub fn field_issue(&self) -> Issue {
        Issue {
            kind: ErrorKind::UnknownName,
            field: Some(self.name.clone()),
            at: None,
            value: None,
            message: self.field_warning(crate::Lang::En).replace("(ignored)", "(refused: strict mode)"),
        }
    }
}

/// A column of a table, or a field of a record, that fills no input — and the input it was
/// probably meant for. Never silent: a misspelt header leaves its input at its default, which can
/// turn a veto off.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NotAnInput {
    /// The column's header or the field's name.
    pub name: String,
    /// The input it resembles (a misspelling of its name or label), if any: (input name, the
    /// name or label the header resembles).
    pub suggestion: Option<(String, String)>,
}

impl NotAnInput {
    /// `name` as `rb` sees it, with a suggestion when an input's name or label is close.
    pub fn of(rb: &Rulebook, name: &str) -> NotAnInput {
        NotAnInput::in_book(rb.compiled(), name)
    }

    /// [`NotAnInput::of`] for a compiled rulebook.
    pub(crate) fn in_book(book: &crate::compile::Compiled, name: &str) -> NotAnInput {
        let inputs = &book.schema.inputs;
        let words = inputs.iter().flat_map(|i| std::iter::once(i.name.as_str()).chain(i.label.as_deref()));
        let suggestion = crate::model::read::closest(name, words).and_then(|w| {
            let input = inputs.iter().find(|i| i.name == w || i.label.as_deref() == Some(w))?;
            Some((input.name.clone(), w.to_owned()))
        });
        NotAnInput { name: name.to_owned(), suggestion }
    }

    /// "did you mean …", or nothing.
    fn hint(&self, lang: crate::Lang) -> String {
        match (&self.suggestion, lang) {
            (None, _) => String::new(),
            (Some((input, w)), crate::Lang::Zh) if input == w => format!("；是否应为「{w}」？"),
            (Some((input, w)), crate::Lang::Zh) => format!("；是否应为「{w}」（输入 {input}）？"),
            (Some((input, w)), crate::Lang::En) if input == w => format!("; did you mean \"{w}\"?"),
            (Some((input, w)), crate::Lang::En) => format!("; did you mean \"{w}\" (input {input})?"),
        }
    }

    /// The warning for a table's column: what was ignored and what was probably meant.
    pub fn column_warning(&self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Zh => format!("列「{}」不是考核方案的输入，已忽略{}", self.name, self.hint(lang)),
            crate::Lang::En => {
                format!(
                    "column \"{}\" is not an input of this rulebook (ignored){}",
                    self.name,
                    self.hint(lang)
                )
            }
        }
    }

    /// One warning for many columns (or fields, `fields = true`): each once, those with a
    /// suggestion first, at most ten named and then how many more.
    pub fn warning_for(all: &[NotAnInput], fields: bool, lang: crate::Lang) -> String {
        const SHOWN: usize = 10;
        let mut seen = std::collections::HashSet::new();
        let mut unique: Vec<&NotAnInput> = all.iter().filter(|c| seen.insert(c.name.as_str())).collect();
        unique.sort_by_key(|c| c.suggestion.is_none()); // stable: order met within each group
        let mut parts: Vec<String> = unique
            .iter()
            .take(SHOWN)
            .map(|c| if fields { c.field_warning(lang) } else { c.column_warning(lang) })
            .collect();
        if unique.len() > SHOWN {
            let more = unique.len() - SHOWN;
            parts.push(match lang {
                crate::Lang::Zh => format!("另有 {more} 个"),
                crate::Lang::En => format!("and {more} more"),
            });
        }
        parts.join(if lang == crate::Lang::Zh { "；" } else { "; " })
    }

    /// The warning for a record's field.
    pub fn field_warning(&self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Zh => format!("字段「{}」不是考核方案的输入，已忽略{}", self.name, self.hint(lang)),
            crate::Lang::En => {
                format!("field `{}` is not an input of this rulebook (ignored){}", self.name, self.hint(lang))
            }
        }
    }
}

/// Match header names to inputs, by id or by label. Two columns for one input is an error.
pub fn map_columns(rb: &Rulebook, header: &[String]) -> Result<Columns, TableError> {
    let mut inputs = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    let mut taken: HashMap<usize, &str> = HashMap::new();
    for h in header {
        match rb.input_by_name_or_label(h) {
            Some(i) => {
                if let Some(first) = taken.insert(i, h) {
                    return Err(TableError::new(
                        ErrorKind::Schema,
                        Some(1),
                        format!("columns \"{first}\" and \"{h}\" both fill input `{}`", rb.inputs()[i].name),
                    ));
                }
                inputs.push(Some(i));
            }
            None => {
                if !h.trim().is_empty() {
                    unknown.push(NotAnInput::of(rb, h));
                }
                inputs.push(None);
            }
        }
    }
    let missing = rb
        .inputs()
        .into_iter()
        .enumerate()
        .filter(|(i, input)| !taken.contains_key(i) && input.ty != "items")
        .map(|(_, input)| input.name)
        .collect();
    Ok(Columns { inputs, unknown, missing })
}

/// Records read from a table: one slot per data row, in order.
#[derive(Clone, Debug)]
pub struct Table {
    /// Each row's record, or the row's error (e.g. a ragged row).
    pub records: Vec<Result<Record, RecordError>>,
    /// Each row's 1-based line in the source.
    pub lines: Vec<usize>,
    /// How the columns were matched.
    pub columns: Columns,
    /// The encoding the bytes were read in (for CSV).
    pub encoding: Option<Encoding>,
}

/// Build records from rows of text cells under `header` (spreadsheets, CSV).
pub fn records_from_rows(rb: &Rulebook, header: &[String], rows: Vec<CsvRow>) -> Result<Table, TableError> {
    let columns = map_columns(rb, header)?;
    let mut records = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    for (n, row) in rows.into_iter().enumerate() {
        lines.push(row.line);
        if row.cells.len() != header.len() {
            records.push(Err(RecordError {
                row: Some(n + 1),
                key: None,
                issues: vec![Issue {
                    kind: ErrorKind::Syntax,
                    field: None,
                    at: None,
                    value: None,
                    message: format!(
                        "line {}: {} cells, but the header has {}",
                        row.line,
                        row.cells.len(),
                        header.len()
                    ),
                }],
            }));
            continue;
        }
        let mut r = rb.record();
        for (cell, col) in row.cells.iter().zip(&columns.inputs) {
            if let Some(i) = col {
                r.set_cell_at(*i, cell);
            }
        }
        records.push(Ok(r));
    }
    Ok(Table { records, lines, columns, encoding: None })
}

/// Read CSV bytes into records for `rb`.
///
/// ```
/// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
/// let csv = "县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数,专家评分\n\
///            甲县,凉山彝区,100000,3000,6,320,266,7;8;9;6;10\n";
/// let table = kaoping::table::read_csv(&rb, csv.as_bytes(), None).unwrap();
/// let record = table.records[0].as_ref().unwrap();
/// let out = rb.score(record, &Default::default()).unwrap();
/// assert_eq!(out.total.unwrap().to_string(), "80.13");
/// ```
pub fn read_csv(rb: &Rulebook, bytes: &[u8], encoding: Option<Encoding>) -> Result<Table, TableError> {
    let (text, enc) = decode(bytes, encoding)?;
    let (header, rows) = parse_csv(&text)?;
    let mut t = records_from_rows(rb, &header, rows)?;
    t.encoding = Some(enc);
    Ok(t)
}

/// Join an items table (one row per item, e.g. a school's awards) onto records by key: rows whose
/// `key_column` equals a record's key become that record's `input` items. Item fields match
/// columns by name. Records without items get an empty list. Returns the number of item rows
/// whose key matched no record.
pub fn attach_items(
    rb: &Rulebook,
    records: &mut [Result<Record, RecordError>],
    input: &str,
    key_column: &str,
    bytes: &[u8],
    encoding: Option<Encoding>,
) -> Result<usize, TableError> {
    let Some(info) = rb.inputs().into_iter().find(|i| i.name == input && i.ty == "items") else {
        return Err(TableError::new(
            ErrorKind::Schema,
            None,
            format!("`{input}` is not an items input of {}", rb.id()),
        ));
    };
    let (text, _) = decode(bytes, encoding)?;
    let (header, rows) = parse_csv(&text)?;
    let Some(key_ix) = header.iter().position(|h| h == key_column) else {
        return Err(TableError::new(
            ErrorKind::Schema,
            Some(1),
            format!("the items table has no key column \"{key_column}\""),
        ));
    };
    let field_cols: Vec<(usize, String)> = info
        .fields
        .iter()
        .filter_map(|(f, _)| header.iter().position(|h| h == f).map(|i| (i, f.clone())))
        .collect();
    let mut by_key: HashMap<String, Vec<Item>> = HashMap::new();
    for row in rows {
        if row.cells.len() != header.len() {
            return Err(TableError::new(
                ErrorKind::Syntax,
                Some(row.line),
                format!("line {}: {} cells, but the header has {}", row.line, row.cells.len(), header.len()),
            ));
        }
        let mut item = Item::new();
        for (i, f) in &field_cols {
            let cell = row.cells[*i].trim();
            if !cell.is_empty() {
                item.set(f, Value::Text(cell.to_owned()));
            }
        }
        by_key.entry(row.cells[key_ix].trim().to_owned()).or_default().push(item);
    }
    let key_field = rb.key_field_name();
    let mut matched = 0usize;
    let total: usize = by_key.values().map(Vec::len).sum();
    for rec in records.iter_mut().flatten() {
        let key = key_field.as_deref().and_then(|k| rec.get(k)).map(|v| v.key_text());
        let items = key.and_then(|k| by_key.get(&k)).cloned().unwrap_or_default();
        matched += items.len();
        rec.set(input, Value::Items(items));
    }
    Ok(total.saturating_sub(matched))
}

/// Split a `numbers` cell into marks.
pub(crate) fn split_marks(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(|c: char| matches!(c, ';' | '；' | '、' | '|') || c.is_whitespace() || c == '\u{3000}')
        .filter(|s| !s.is_empty())
}

/// Parse a `numbers` cell (used by `Record::set_cell`).
pub(crate) fn parse_marks(name: &str, cell: &str) -> Result<Vec<rust_decimal::Decimal>, Issue> {
    split_marks(cell)
        .map(|m| num::parse_decimal_text(m).map_err(|e| crate::record::number_issue(name, m, &e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_crlf_and_blank_lines() {
        let (h, rows) = parse_csv("a,b\r\n\"x, \"\"y\"\"\",2\r\n\r\n3,\"multi\nline\"\n").unwrap();
        assert_eq!(h, ["a", "b"]);
        assert_eq!(rows[0].cells, ["x, \"y\"", "2"]);
        assert_eq!(rows[1].cells, ["3", "multi\nline"]);
        assert_eq!(rows[1].line, 4);
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        let e = parse_csv("a,b\n1,\"oops\n").unwrap_err();
        assert_eq!((e.kind, e.line), (ErrorKind::Syntax, Some(2)));
    }

    #[test]
    fn encodings() {
        let text = "县名,片区\n甲县,凉山彝区\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(decode(&gbk, None).unwrap(), (text.to_owned(), Encoding::Gb18030));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom, None).unwrap(), (text.to_owned(), Encoding::Utf8));
        let e = decode(&gbk, Some(Encoding::Utf8)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax);
    }

    #[test]
    fn marks_split_on_common_separators() {
        let m: Vec<&str> = split_marks("7;8；9、6 10|5").collect();
        assert_eq!(m, ["7", "8", "9", "6", "10", "5"]);
    }
}
