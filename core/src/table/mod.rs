//! Tables of text cells — CSV exports, spreadsheet sheets — turned into records (spec §3).
//!
//! Columns match inputs by id or by label (中文列名). Cells are read by the input's type when the
//! record is scored, so a bad cell is an error of its row only. CSV bytes may be UTF-8 (with or
//! without a BOM) or GB18030/GBK, as older systems export; the encoding is detected or given.
//! `numbers` cells hold several marks separated by `;`, `；`, `、`, `|` or spaces; `items` come
//! from child tables joined on the record key ([`join_items`], spec §18.5).

use std::fmt;

mod csv;
mod join;
mod reader;

pub use csv::CsvStream;
pub(crate) use csv::Parser;
pub use join::{ChildTable, Unmatched, join_items, join_key};
pub(crate) use join::{RootJoin, join_root};
pub use reader::{ColumnReader, TableColumns, columns_from_rows};

use crate::Rulebook;
use crate::error::{ErrorKind, Issue, RecordError};
use crate::input::Record;
pub use crate::input::{ColumnMatch, DuplicateColumn, NotAnInput, Unknown};

/// Match header names to the inputs of `rb`, by id or by label. Two columns for one input is an
/// error of the table (its first line).
pub fn map_columns(rb: &Rulebook, header: &[String]) -> Result<ColumnMatch, TableError> {
    ColumnMatch::of(&rb.compiled().schema, header)
        .map_err(|e| TableError::new(ErrorKind::Schema, Some(1), e.to_string()))
}

/// A text encoding of CSV bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
/// Shown as `line N: message` when the line is known; an `Io` error keeps the
/// [`std::io::Error`] as its [`source`](std::error::Error::source).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableError {
    /// Syntax (malformed CSV, bad encoding), Schema (unusable header) or Io.
    pub kind: ErrorKind,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    io: Option<crate::error::IoSource>,
}

impl TableError {
    pub(crate) fn new(kind: ErrorKind, line: Option<usize>, message: impl Into<String>) -> TableError {
        TableError { kind, line, message: message.into(), io: None }
    }

    /// The source could not be read.
    pub(crate) fn io(e: std::io::Error) -> TableError {
        let message = format!("cannot read: {e}");
        TableError { kind: ErrorKind::Io, line: None, message, io: crate::error::IoSource::of(e) }
    }

    /// The [`std::io::ErrorKind`] when the table's source could not be read.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        self.io.as_ref().map(|e| e.0.kind())
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            // Most messages that know their line already begin with it.
            Some(line) if !self.message.starts_with("line ") => write!(f, "line {line}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for TableError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        crate::error::IoSource::as_source(&self.io)
    }
}

/// GB18030 bytes as text, or the 0-based line of the first invalid byte sequence.
#[cfg(feature = "gbk")]
pub(crate) fn gb18030(bytes: &[u8]) -> Result<String, usize> {
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    match had_errors {
        false => Ok(text.into_owned()),
        true => Err(text.split('\n').position(|l| l.contains('\u{FFFD}')).unwrap_or(0)),
    }
}

/// Built without the `gbk` feature: GB18030 is refused (the error says why).
#[cfg(not(feature = "gbk"))]
pub(crate) fn gb18030(_: &[u8]) -> Result<String, usize> {
    Err(0)
}

/// The error for GB18030 bytes that do not decode at `line` (1-based).
pub(crate) fn gb18030_error(line: usize) -> TableError {
    let message = if cfg!(feature = "gbk") {
        format!("line {line}: the bytes are not valid GB18030")
    } else {
        "the table is not UTF-8, and this build of kaoping reads GBK/GB18030 only with its `gbk` feature"
            .to_owned()
    };
    TableError::new(ErrorKind::Syntax, cfg!(feature = "gbk").then_some(line), message)
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
        Encoding::Gb18030 => match gb18030(bytes) {
            Ok(text) => Ok((text, enc)),
            Err(at) => Err(gb18030_error(at + 1)),
        },
    }
}

/// One data row of a CSV file: its 1-based line and its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvRow {
    /// The line the row starts on.
    pub line: usize,
    /// The row's cells as text, quotes undone.
    pub cells: Vec<String>,
}

/// Split CSV text (RFC 4180: `,` separated, `"` quoted with `""` for a quote, CRLF or LF) into a
/// header and rows. Blank lines are skipped. An unterminated quote is an error. (The same scanner
/// reads large files block by block in `table::csv`.)
pub fn parse_csv(text: &str) -> Result<(Vec<String>, Vec<CsvRow>), TableError> {
    Parser::parse_all(text)
}

/// Records read from a table: one slot per data row, in order.
#[derive(Clone, Debug)]
pub struct Table {
    /// Each row's record, or the row's error (e.g. a ragged row).
    pub records: Vec<Result<Record, RecordError>>,
    /// Each row's 1-based line in the source.
    pub lines: Vec<usize>,
    /// How the columns were matched.
    pub columns: ColumnMatch,
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
                    item: None,
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

    /// Built without the `gbk` feature, a table that is not UTF-8 is refused, saying why.
    #[cfg(not(feature = "gbk"))]
    #[test]
    fn gbk_needs_its_feature() {
        let gbk = b"\xcf\xd8\xc3\xfb\n\xbc\xd7\xcf\xd8\n"; // 县名 / 甲县 in GB18030
        for enc in [None, Some(Encoding::Gb18030)] {
            let e = decode(gbk, enc).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Syntax);
            assert!(e.message.contains("`gbk` feature"), "{e}");
        }
        assert_eq!(decode("县名\n".as_bytes(), None).unwrap().1, Encoding::Utf8);
    }

    #[cfg(feature = "gbk")]
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
}
