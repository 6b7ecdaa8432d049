//! Data files — .xlsx (calamine), .csv (UTF-8 with or without BOM, or GB18030/GBK) and .json —
//! read into records for a rulebook, a chunk of rows at a time. Columns match inputs by id or
//! by label (中文列名) through `kaoping::table`; CSV is streamed (`kaoping::table::CsvStream`) so a large
//! export is never held in memory when the scoring does not need it.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data as Cell, Reader};
use kaoping::table::CsvStream;
use kaoping::table::{self, ColumnMatch, CsvRow, Encoding};
use kaoping::table::{ColumnReader, TableColumns};
use kaoping::{Record, RecordError, Rulebook};

use crate::fail::Fail;

/// How to read a data file.
#[derive(Clone, Debug, Default)]
pub struct DataOptions {
    /// Sheet of an .xlsx file (else the first).
    pub sheet: Option<String>,
    /// CSV encoding (else detected).
    pub encoding: Option<Encoding>,
    /// The column naming each unit (else the rulebook's key_field, by id or label).
    pub key: Option<String>,
    /// The column naming each row's profile (filled into the rulebook's profile_field).
    pub profile_column: Option<String>,
    /// Which row is the header.
    pub header_row: HeaderRow,
    /// Columns carried through to the result file (`--keep-columns`): `Some(empty)` every column.
    pub keep: Option<Vec<String>>,
}

/// Which row of a table is its header. Exports often put a title ("2019年度…基础数据表"), a date
/// or a note above the header; reading the title as the header would fail every row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HeaderRow {
    /// The first row, among the first [`HEADER_SEARCH`], one of whose cells names an input (by id
    /// or label) or the `--key` / `--profile-column` column.
    #[default]
    Find,
    /// The row on this 1-based line of the file (the spreadsheet's row number): `--header-row N`.
    At(usize),
}

/// Rows searched for the header: enough for a title, a date line and a note or two.
pub const HEADER_SEARCH: usize = 10;

impl HeaderRow {
    /// The index in `rows` (the table's first rows, in order) of the header, or why there is none.
    /// `rows` holds every row up to the one asked for, or up to [`HEADER_SEARCH`] rows.
    fn choose(self, rb: &Rulebook, opts: &DataOptions, path: &str, rows: &[CsvRow]) -> Result<usize, Fail> {
        match self {
            HeaderRow::At(n) => {
                { rows.iter().position(|r| r.line == n && r.cells.iter().any(|c| !c.trim().is_empty())) }
                    .ok_or_else(|| {
                        Fail::unusable(
                            format!("{path}：--header-row {n}：第 {n} 行是空行或不存在"),
                            format!(
                                "{path}: --header-row {n}: row {n} is blank or beyond the end of the table"
                            ),
                        )
                    })
            }
            HeaderRow::Find => rows
                .iter()
                .position(|r| names_columns(rb, opts, &r.cells))
                .ok_or_else(|| no_header(rb, path, rows.len())),
        }
    }

    /// Whether `rows` (the first rows read so far) are enough to choose.
    fn settled(self, rb: &Rulebook, opts: &DataOptions, rows: &[CsvRow]) -> bool {
        match self {
            HeaderRow::At(n) => rows.last().is_some_and(|r| r.line >= n),
            HeaderRow::Find => {
                rows.len() >= HEADER_SEARCH || rows.last().is_some_and(|r| names_columns(rb, opts, &r.cells))
            }
        }
    }
}

/// Whether one of `cells` names an input (by id or label), or is the `--key` or `--profile-column`.
fn names_columns(rb: &Rulebook, opts: &DataOptions, cells: &[String]) -> bool {
    cells.iter().any(|c| {
        let c = c.trim().trim_start_matches('\u{feff}');
        !c.is_empty()
            && (rb.input_by_name_or_label(c).is_some()
                || opts.key.as_deref().map(str::trim) == Some(c)
                || opts.profile_column.as_deref().map(str::trim) == Some(c))
    })
}

/// No header among the first rows (exit 2): the columns the rulebook expects, instead of every
/// row failing for want of its inputs.
fn no_header(rb: &Rulebook, path: &str, searched: usize) -> Fail {
    let inputs = rb.inputs();
    let expected = |zh: bool| -> String {
        let names: Vec<String> = inputs
            .iter()
            .enumerate()
            .filter(|(k, _)| !rb.input_is_items(*k))
            .map(|(_, i)| {
                let required = if i.required { if zh { "，必填" } else { ", required" } } else { "" };
                match &i.label {
                    Some(l) if zh => format!("{l}（{}{required}）", i.name),
                    Some(l) => format!("{l} ({}{required})", i.name),
                    None if zh => format!("{}{}", i.name, if i.required { "（必填）" } else { "" }),
                    None => format!("{}{}", i.name, if i.required { " (required)" } else { "" }),
                }
            })
            .collect();
        names.join(if zh { "、" } else { ", " })
    };
    Fail::unusable(
        format!(
            "{path}：前 {searched} 行中找不到表头（没有一行含考核方案 {} 的输入列名或标签）；应有的列：{}。\
             表头在更下面时请用 --header-row N 指定",
            rb.id(),
            expected(true)
        ),
        format!(
            "{path}: no header in the first {searched} rows (no row names an input of rulebook {} by id or \
             label); expected columns: {}. If the header is further down, give --header-row N",
            rb.id(),
            expected(false)
        ),
    )
}

/// Rows read so far, as records with where they came from.
#[derive(Debug, Default)]
pub struct Chunk {
    /// Each row's record, or its error (a ragged row, a bad JSON object).
    pub records: Vec<Result<Record, RecordError>>,
    /// Each row's 1-based line in the file (CSV, xlsx), if known.
    pub lines: Vec<Option<usize>>,
    /// Each row's key (the key column's text), if it has one.
    pub keys: Vec<Option<String>>,
    /// Each row's cells of the columns carried through (`--keep-columns`); empty when none are.
    pub kept: Vec<Vec<String>>,
}

/// Rows of a table read into typed columns (no record per row), for streaming.
#[derive(Debug)]
pub struct ColumnChunk {
    /// The rows as columns, where each data row went, and lines.
    pub table: TableColumns,
    /// Each row's key (the key column's text), if it has one.
    pub keys: Vec<Option<String>>,
    /// Each row's cells of the columns carried through; empty when none are.
    pub kept: Vec<Vec<String>>,
}

/// A chunk of rows for streaming: typed columns from a table, records from JSON.
#[derive(Debug)]
pub enum Streamed {
    /// Table rows as typed columns.
    Columns(ColumnChunk),
    /// JSON records.
    Records(Chunk),
}

enum Source {
    Csv(Box<CsvStream<BufReader<File>>>),
    Rows(std::vec::IntoIter<CsvRow>),
    Json(std::vec::IntoIter<Result<Record, RecordError>>),
}

/// An open data file.
pub struct Data {
    source: Source,
    /// Rows read while looking for the header that belong to the data (before `source`'s).
    pending: std::vec::IntoIter<CsvRow>,
    /// The header's 1-based line, for messages.
    pub header_line: usize,
    /// The file as given on the command line.
    pub path: String,
    /// Header as used for matching (after `--profile-column`), for tables.
    pub header: Vec<String>,
    /// How the columns matched the inputs, for tables.
    pub columns: Option<ColumnMatch>,
    /// The CSV encoding.
    pub encoding: Option<Encoding>,
    key_col: Option<usize>,
    key_field: Option<String>,
    /// The columns carried through (`--keep-columns`), by index.
    keep_cols: Vec<usize>,
    /// Reads table rows into typed columns for the rulebook (tables only).
    reader: Option<ColumnReader>,
    size: u64,
    /// Headers of .xlsx columns holding percent-formatted cells (read as the percentage shown).
    pub percent_columns: Vec<String>,
    /// Whether the first rows below the header were read (a template's notes and example rows
    /// are skipped there, `template_rows`).
    past_first_rows: bool,
}

/// The kind of a data file, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// A JSON array of records.
    Json,
}

impl Kind {
    /// From the file name.
    pub fn of(path: &str) -> Result<Kind, Fail> {
        let ext = Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Ok(Kind::Csv),
            "xlsx" | "xlsm" | "xls" | "ods" => Ok(Kind::Xlsx),
            "json" => Ok(Kind::Json),
            _ => Err(Fail::unusable(
                format!("无法识别数据文件 {path} 的类型：请使用 .xlsx、.csv 或 .json"),
                format!("unknown kind of data file {path}: use .xlsx, .csv or .json"),
            )),
        }
    }
}

impl Data {
    /// Open `path` for `rb`: read the header and match the columns (problems there are exit 2).
    pub fn open(rb: &Rulebook, path: &str, opts: &DataOptions) -> Result<Data, Fail> {
        let kind = Kind::of(path)?;
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mut data = match kind {
            Kind::Csv => {
                let file = File::open(path).map_err(|e| Fail::file(path, "数据文件", "data file", e))?;
                let mut csv = CsvStream::new(BufReader::with_capacity(1 << 16, file), opts.encoding)
                    .map_err(|e| table_fail(path, &e))?;
                // The first rows, until the header is among them (rows before it are dropped).
                let mut first = vec![CsvRow { line: 1, cells: csv.header().to_vec() }];
                while !opts.header_row.settled(rb, opts, &first) {
                    let next = csv.next_rows(1).map_err(|e| table_fail(path, &e))?;
                    if next.is_empty() {
                        break;
                    }
                    if let HeaderRow::At(n) = opts.header_row {
                        first.retain(|r| r.line >= n);
                    }
                    first.extend(next);
                }
                let at = opts.header_row.choose(rb, opts, path, &first)?;
                let pending: Vec<CsvRow> = first.split_off(at + 1);
                let header = first.pop().expect("the header row");
                Data {
                    header_line: header.line,
                    pending: pending.into_iter(),
                    header: header
                        .cells
                        .iter()
                        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
                        .collect(),
                    encoding: Some(csv.encoding()),
                    source: Source::Csv(Box::new(csv)),
                    path: path.to_owned(),
                    columns: None,
                    key_col: None,
                    key_field: None,
                    keep_cols: Vec::new(),
                    reader: None,
                    size,
                    percent_columns: Vec::new(),
                    past_first_rows: false,
                }
            }
            Kind::Xlsx => {
                let Sheet { header, header_line, rows, percent } =
                    read_sheet_with(path, opts.sheet.as_deref(), |rows| {
                        let upto = match opts.header_row {
                            HeaderRow::At(n) => {
                                rows.iter().position(|r| r.line >= n).map_or(rows.len(), |k| k + 1)
                            }
                            HeaderRow::Find => rows.len().min(HEADER_SEARCH),
                        };
                        opts.header_row.choose(rb, opts, path, &rows[..upto])
                    })?;
                let percent_columns = percent.iter().filter_map(|&c| header.get(c).cloned()).collect();
                Data {
                    header_line,
                    pending: Vec::new().into_iter(),
                    percent_columns,
                    header,
                    encoding: None,
                    source: Source::Rows(rows.into_iter()),
                    path: path.to_owned(),
                    columns: None,
                    key_col: None,
                    key_field: None,
                    keep_cols: Vec::new(),
                    reader: None,
                    size,
                    past_first_rows: false,
                }
            }
            Kind::Json => {
                if opts.profile_column.is_some() || opts.key.is_some() || opts.keep.is_some() {
                    return Err(Fail::unusable(
                        "--key、--profile-column 与 --keep-columns 只适用于表格（.xlsx、.csv）",
                        "--key, --profile-column and --keep-columns apply to tables (.xlsx, .csv), not to JSON",
                    ));
                }
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Fail::file(path, "数据文件", "data file", e))?;
                let records = rb.records_from_json(&text).map_err(|e| {
                    Fail::unusable(
                        format!("数据文件 {path} 无法读取：{e}"),
                        format!("the data file {path} cannot be read: {e}"),
                    )
                })?;
                return Ok(Data {
                    source: Source::Json(records.into_iter()),
                    header_line: 0,
                    pending: Vec::new().into_iter(),
                    path: path.to_owned(),
                    header: Vec::new(),
                    columns: None,
                    encoding: None,
                    key_col: None,
                    key_field: rb.key_field_name(),
                    keep_cols: Vec::new(),
                    reader: None,
                    size,
                    percent_columns: Vec::new(),
                    past_first_rows: false,
                });
            }
        };
        data.prepare_columns(rb, opts)?;
        Ok(data)
    }

    /// Apply `--profile-column`, find the key column and match the header to the inputs.
    fn prepare_columns(&mut self, rb: &Rulebook, opts: &DataOptions) -> Result<(), Fail> {
        let path = &self.path;
        let find = |header: &[String], name: &str| header.iter().position(|h| h.trim() == name.trim());
        if let Some(col) = &opts.profile_column {
            let Some(field) = rb.profile_field_name() else {
                return Err(Fail::unusable(
                    format!(
                        "考核方案 {} 没有 profile_field，不能用 --profile-column；请用 --profile 指定片区/类别",
                        rb.id()
                    ),
                    format!(
                        "rulebook {} has no profile_field, so --profile-column cannot apply; use --profile NAME",
                        rb.id()
                    ),
                ));
            };
            let Some(at) = find(&self.header, col) else {
                return Err(missing_column(path, self.header_line, col, &self.header));
            };
            let input = rb.input_index(&field);
            for (i, h) in self.header.iter_mut().enumerate() {
                if i != at && input.is_some() && rb.input_by_name_or_label(h) == input {
                    h.clear(); // the chosen column replaces the usual one
                }
            }
            self.header[at] = field;
        }
        let columns = table::map_columns(rb, &self.header).map_err(|e| table_fail(path, &e))?;
        self.key_col = match &opts.key {
            Some(k) => {
                let by_input = rb
                    .input_by_name_or_label(k)
                    .and_then(|i| columns.inputs.iter().position(|c| *c == Some(i)));
                Some(
                    find(&self.header, k)
                        .or(by_input)
                        .ok_or_else(|| missing_column(path, self.header_line, k, &self.header))?,
                )
            }
            None => rb
                .key_field_name()
                .and_then(|k| rb.input_index(&k))
                .and_then(|i| columns.inputs.iter().position(|c| *c == Some(i))),
        };
        self.keep_cols = match &opts.keep {
            None => Vec::new(),
            Some(names) if names.is_empty() => {
                (0..self.header.len()).filter(|&c| !self.header[c].is_empty()).collect()
            }
            Some(names) => names
                .iter()
                .map(|n| {
                    find(&self.header, n)
                        .ok_or_else(|| missing_column(path, self.header_line, n, &self.header))
                })
                .collect::<Result<_, _>>()?,
        };
        self.columns = Some(columns);
        self.reader = Some(ColumnReader::new(rb, &self.header).map_err(|e| table_fail(path, &e))?);
        Ok(())
    }

    /// The headers of the columns carried through (`--keep-columns`), in order.
    pub fn kept_header(&self) -> Vec<String> {
        self.keep_cols.iter().map(|&c| self.header[c].clone()).collect()
    }

    /// Each row's cells of the columns carried through.
    fn kept(&self, rows: &[CsvRow]) -> Vec<Vec<String>> {
        if self.keep_cols.is_empty() {
            return Vec::new();
        }
        rows.iter()
            .map(|r| self.keep_cols.iter().map(|&c| r.cells.get(c).cloned().unwrap_or_default()).collect())
            .collect()
    }

    /// The 1-based column of an input in the table, for messages.
    pub fn column_of(&self, rb: &Rulebook, input: &str) -> Option<usize> {
        let i = rb.input_index(input)?;
        self.columns.as_ref()?.inputs.iter().position(|c| *c == Some(i)).map(|c| c + 1)
    }

    /// (bytes read, file size), for the progress bar.
    pub fn progress(&self) -> Option<(u64, u64)> {
        match &self.source {
            Source::Csv(csv) => Some((csv.bytes_read(), self.size)),
            _ => None,
        }
    }

    /// Up to `max` further rows of a table; `None` for JSON.
    /// A template's notes and example rows below the header are left out (`template_rows`).
    fn next_rows(&mut self, max: usize) -> Result<Option<Vec<CsvRow>>, Fail> {
        loop {
            let mut rows: Vec<CsvRow> = self.pending.by_ref().take(max).collect();
            let more = max - rows.len();
            match &mut self.source {
                Source::Csv(csv) if more > 0 => {
                    rows.extend(csv.next_rows(more).map_err(|e| table_fail(&self.path, &e))?)
                }
                Source::Rows(it) => rows.extend(it.by_ref().take(more)),
                Source::Json(_) => return Ok(None),
                Source::Csv(_) => {}
            }
            if self.past_first_rows || rows.is_empty() {
                return Ok(Some(rows));
            }
            let all_marked = rows.iter().all(|r| crate::template_rows::is_marked(&r.cells));
            self.past_first_rows = !all_marked;
            let rows = crate::template_rows::skip_leading(rows);
            if !rows.is_empty() {
                return Ok(Some(rows));
            }
        }
    }

    /// Each row's key: the key column's trimmed text, if not blank.
    fn keys(&self, rows: &[CsvRow]) -> Vec<Option<String>> {
        rows.iter()
            .map(|r| {
                self.key_col
                    .and_then(|k| r.cells.get(k))
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
            })
            .collect()
    }

    /// Up to `max` further JSON records.
    fn next_records(&mut self, max: usize) -> Option<Chunk> {
        let Source::Json(it) = &mut self.source else { return None };
        let records: Vec<_> = it.by_ref().take(max).collect();
        if records.is_empty() {
            return None;
        }
        let keys = records
            .iter()
            .map(|r| {
                let r = r.as_ref().ok()?;
                self.key_field.as_deref().and_then(|k| r.get(k)).map(|v| match v {
                    kaoping::Value::Text(t) => t.trim().to_owned(),
                    other => other.to_string(),
                })
            })
            .collect();
        let lines = vec![None; records.len()];
        Some(Chunk { records, lines, keys, kept: Vec::new() })
    }

    /// Up to `max` further rows as records; `None` at the end.
    pub fn next_chunk(&mut self, rb: &Rulebook, max: usize) -> Result<Option<Chunk>, Fail> {
        let Some(rows) = self.next_rows(max)? else { return Ok(self.next_records(max)) };
        if rows.is_empty() {
            return Ok(None);
        }
        let keys = self.keys(&rows);
        let kept = self.kept(&rows);
        let t = table::records_from_rows(rb, &self.header, rows).map_err(|e| table_fail(&self.path, &e))?;
        Ok(Some(Chunk { records: t.records, lines: t.lines.into_iter().map(Some).collect(), keys, kept }))
    }

    /// Up to `max` further rows for streaming: a table's rows as typed columns (lighter and
    /// faster to score than records), JSON as records; `None` at the end.
    pub fn next_streamed(&mut self, max: usize) -> Result<Option<Streamed>, Fail> {
        let Some(rows) = self.next_rows(max)? else {
            return Ok(self.next_records(max).map(Streamed::Records));
        };
        if rows.is_empty() {
            return Ok(None);
        }
        let keys = self.keys(&rows);
        let kept = self.kept(&rows);
        let reader = self.reader.as_ref().expect("a table has a column reader once opened");
        Ok(Some(Streamed::Columns(ColumnChunk { table: reader.read(rows), keys, kept })))
    }

    /// Every remaining row.
    pub fn read_all(
        &mut self,
        rb: &Rulebook,
        mut on_chunk: impl FnMut(usize, Option<(u64, u64)>),
    ) -> Result<Chunk, Fail> {
        let mut all = Chunk::default();
        while let Some(c) = self.next_chunk(rb, 1 << 14)? {
            all.records.extend(c.records);
            all.lines.extend(c.lines);
            all.keys.extend(c.keys);
            all.kept.extend(c.kept);
            on_chunk(all.records.len(), self.progress());
        }
        Ok(all)
    }
}

fn missing_column(path: &str, line: usize, name: &str, header: &[String]) -> Fail {
    let shown: Vec<&str> = header.iter().map(String::as_str).filter(|h| !h.is_empty()).collect();
    Fail::unusable(
        format!("{path}:{line}: 表头中没有列“{name}”（现有列：{}）", shown.join("，")),
        format!("{path}:{line}: the header has no column \"{name}\" (columns: {})", shown.join(", ")),
    )
}

/// A table that cannot be read at all (exit 2), with its line.
pub fn table_fail(path: &str, e: &table::TableError) -> Fail {
    let place = match e.line {
        Some(l) => format!("{path}:{l}"),
        None => path.to_owned(),
    };
    Fail::unusable(
        format!("{place}: 数据表无法读取：{}", e.message),
        format!("{place}: the table cannot be read: {}", e.message),
    )
}

/// The text of a spreadsheet cell, as a CSV export would give it. Numbers use their shortest
/// round-trip form (0.1 → "0.1", 120000.0 → "120000"), so nothing a float adds reaches scoring.
pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::String(s) => s.clone(),
        Cell::Float(f) => format!("{f}"),
        Cell::Int(i) => i.to_string(),
        Cell::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// A workbook's sheet as text cells.
pub struct Sheet {
    /// The header (the first non-empty row, or the row chosen).
    pub header: Vec<String>,
    /// The header's row number.
    pub header_line: usize,
    /// Data rows, with their Excel row numbers as lines.
    pub rows: Vec<CsvRow>,
    /// Columns (0-based) where a data cell is formatted as a percentage.
    pub percent: Vec<usize>,
}

/// The text of a percent-formatted cell: the percentage it shows, exactly (0.089 → `8.9%`), so
/// that the core reads it for an input measured in % and refuses it, saying so, for any other.
fn percent_text(cell: &Cell) -> Option<String> {
    let value = match cell {
        Cell::Float(f) => rust_decimal::Decimal::from_str_exact(&format!("{f}")).ok()?,
        Cell::Int(i) => rust_decimal::Decimal::from(*i),
        _ => return None,
    };
    let shown = value.checked_mul(rust_decimal::Decimal::ONE_HUNDRED)?.normalize();
    Some(format!("{shown}%"))
}

/// Open a workbook's sheet: its header (first non-empty row) and data rows, with their Excel
/// row numbers as lines. A number cell formatted as a percentage reads as the percentage shown.
pub fn read_sheet(path: &str, sheet: Option<&str>) -> Result<Sheet, Fail> {
    read_sheet_with(path, sheet, |_| Ok(0))
}

/// As [`read_sheet`], the header being the non-empty row `header` chooses (rows above it are
/// dropped: a title, a note).
pub fn read_sheet_with(
    path: &str,
    sheet: Option<&str>,
    header: impl FnOnce(&[CsvRow]) -> Result<usize, Fail>,
) -> Result<Sheet, Fail> {
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| Fail::file(path, "工作簿", "workbook", e))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            Fail::unusable(
                format!("{path} 中没有工作表“{s}”（现有：{}）", names.join("，")),
                format!("{path} has no sheet \"{s}\" (sheets: {})", names.join(", ")),
            )
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Fail::unusable(format!("{path} 中没有工作表"), format!("{path} has no sheets")))?,
    };
    let range = wb.worksheet_range(&name).map_err(|e| Fail::file(path, "工作表", "sheet", e))?;
    let percent_cells = crate::cell_formats::percent_cells(path, &name).map_err(|e| {
        Fail::unusable(
            format!("{path} 的单元格格式无法读取：{e}"),
            format!("the cell formats of {path} cannot be read: {e}"),
        )
    })?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    // Cells shown as percentages, by (line, column): only those below the header count.
    let mut shown_percent: Vec<(usize, usize)> = Vec::new();
    let rows = range.rows().enumerate().map(|(i, cells)| {
        let line = first_row + i + 1;
        // Cells left of the used range are empty: keep columns aligned with the sheet.
        let mut texts = vec![String::new(); first_col];
        for (k, cell) in cells.iter().enumerate() {
            let col = first_col + k;
            let shown = percent_cells.contains(&(line, col)).then(|| percent_text(cell)).flatten();
            texts.push(match shown {
                Some(t) => {
                    shown_percent.push((line, col));
                    t
                }
                None => cell_text(cell),
            });
        }
        CsvRow { line, cells: texts }
    });
    let mut rows: Vec<CsvRow> = rows.filter(|r| r.cells.iter().any(|c| !c.trim().is_empty())).collect();
    if rows.is_empty() {
        return Err(Fail::unusable(
            format!("{path} 的工作表“{name}”是空的：需要表头行"),
            format!("the sheet \"{name}\" of {path} is empty: expected a header row"),
        ));
    }
    let at = header(&rows)?;
    let data = rows.split_off(at + 1);
    let header = rows.pop().expect("the header row");
    let width = header.cells.len();
    let header_line = header.line;
    let header: Vec<String> = header.cells.into_iter().map(|h| h.trim().to_owned()).collect();
    let data = data
        .into_iter()
        .map(|mut r| {
            r.cells.resize(width, String::new());
            r
        })
        .collect();
    let data = crate::template_rows::skip_leading(data);
    // Percent cells of the data rows, in columns under the header.
    let mut percent: Vec<usize> = Vec::new();
    for &(line, col) in &shown_percent {
        if line > header_line && col < width && !percent.contains(&col) {
            percent.push(col);
        }
    }
    Ok(Sheet { header, header_line, rows: data, percent })
}

/// The CSV text of a sheet (for items tables, which `kaoping::table::ChildTable::from_csv` reads as CSV).
pub fn sheet_as_csv(path: &str, sheet: Option<&str>) -> Result<String, Fail> {
    let Sheet { header, rows, .. } = read_sheet(path, sheet)?;
    let mut out = String::new();
    crate::csv_text::csv_line(&mut out, header.iter().map(String::as_str));
    for r in rows {
        crate::csv_text::csv_line(&mut out, r.cells.iter().map(String::as_str));
    }
    Ok(out)
}

/// Join the `--items LIST=FILE[#SHEET]` child tables onto the rows (spec §18.5: `LIST` is a list
/// input, or a dotted path such as `villages.households` for a list of a list's items), all at
/// once, so that nested levels find their parents. Returns what matched no parent row.
pub fn join_items(
    rb: &Rulebook,
    records: &mut [Result<Record, RecordError>],
    specs: &[String],
    encoding: Option<Encoding>,
) -> Result<Vec<table::Unmatched>, Fail> {
    let children = child_tables(specs, encoding)?;
    table::join_items(rb, records, children).map_err(|e| join_fail(&e))
}

/// Why the child tables could not be joined.
pub fn join_fail(e: &table::TableError) -> Fail {
    Fail::unusable(format!("明细表无法连接：{e}"), format!("the items tables cannot be joined: {e}"))
}

/// The `--items LIST=FILE[#SHEET]` child tables, read.
pub fn child_tables(specs: &[String], encoding: Option<Encoding>) -> Result<Vec<table::ChildTable>, Fail> {
    let mut children = Vec::with_capacity(specs.len());
    for spec in specs {
        let Some((name, file)) = spec.split_once('=') else {
            return Err(Fail::unusable(
                format!("--items 应写成 名称=文件，而不是“{spec}”"),
                format!("--items takes NAME=FILE, not \"{spec}\""),
            ));
        };
        let (path, sheet) = match file.rsplit_once('#') {
            Some((p, s)) if Kind::of(p).ok() == Some(Kind::Xlsx) => (p, Some(s)),
            _ => (file, None),
        };
        let child = match Kind::of(path)? {
            Kind::Xlsx => {
                let text = sheet_as_csv(path, sheet)?;
                table::ChildTable::from_csv(name.trim(), text.as_bytes(), Some(Encoding::Utf8))
            }
            Kind::Csv => {
                let bytes = std::fs::read(path).map_err(|e| Fail::file(path, "明细表", "items table", e))?;
                table::decode(&bytes, encoding).and_then(|(text, _)| table::parse_csv(&text)).map(
                    |(header, rows)| {
                        table::ChildTable::new(name.trim(), header, crate::template_rows::skip_leading(rows))
                    },
                )
            }
            Kind::Json => {
                return Err(Fail::unusable(
                    format!("明细表 {path} 应为 .csv 或 .xlsx"),
                    format!("the items table {path} must be .csv or .xlsx"),
                ));
            }
        };
        children.push(child.map_err(|e| table_fail(path, &e))?);
    }
    Ok(children)
}

/// The warning for child rows that matched no parent row: never dropped silently.
pub fn unmatched_warning(u: &table::Unmatched) -> String {
    let (list, n, first) = (&u.list, u.count, &u.first);
    crate::fail::say(
        format_args!("提示：明细“{list}”有 {n} 行不对应任何单位（第一个键“{first}”）"),
        format_args!("note: {n} row(s) of `{list}` match no unit (first key \"{first}\")"),
    )
}
