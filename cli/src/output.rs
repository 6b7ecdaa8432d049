//! Result files: one row per data row, in input order — CSV (UTF-8 with a BOM so Excel shows
//! Chinese; none on stdout), JSON (an array of objects, decimals as strings) or .xlsx
//! (rust_xlsxwriter in constant-memory mode). Each writer takes rows as they come, so scoring
//! can stream.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};

use kaoping::Rulebook;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::json;

use crate::csv_text::{csv_line, push_cell};
use crate::fail::Fail;
use crate::scored::{Scored, issues_text};

/// Which header rows a result file has: the labels staff read (总分, 等次, each indicator's
/// 中文名), the ids programs read (total, grade, reduction.incidence), or both (labels above ids).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Headers {
    /// The default: labels, then ids in a second header row for .xlsx; ids only for .csv and
    /// stdout (a second header row would be a data row to every CSV reader).
    #[default]
    Auto,
    /// One header row of labels.
    Labels,
    /// One header row of ids (the layout programs read).
    Ids,
    /// Labels, then ids in a second header row.
    Both,
}

/// The columns of a result file.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Whether the rulebook has profiles.
    pub profile: bool,
    /// Whether the rulebook has criteria.
    pub passed: bool,
    /// Whether ranks are written.
    pub ranks: bool,
    /// Whether the rulebook has component rules (a `component_vetoes` column follows `vetoes`).
    pub components: bool,
    /// Indicator ids, file order.
    pub indicators: Vec<String>,
    /// Indicator labels, file order.
    pub indicator_labels: Vec<String>,
    /// The key column's label (the key_field input's label), if any.
    pub key_label: Option<String>,
    /// The profile column's label (the profile_field input's label), if any.
    pub profile_label: Option<String>,
    /// Decimal places of points.
    pub scale: u32,
    /// Input columns carried through (`--keep-columns`), after the result's columns: their headers.
    pub kept: Vec<String>,
    /// Which header rows.
    pub headers: Headers,
    /// The rulebook's title (the .xlsx sheet is named after it).
    pub title: String,
}

impl Layout {
    /// The result file's columns for `rb`, with rank columns or not.
    pub fn of(rb: &Rulebook, ranks: bool) -> Layout {
        let label_of = |name: Option<String>| {
            let name = name?;
            rb.inputs().into_iter().find(|i| i.name == name).and_then(|i| i.label)
        };
        let indicators = rb.indicators();
        Layout {
            profile: !rb.profiles().is_empty(),
            passed: !rb.criteria().is_empty(),
            ranks,
            components: rb.has_component_rules(),
            indicator_labels: indicators.iter().map(|i| i.label.clone()).collect(),
            indicators: indicators.into_iter().map(|i| i.id).collect(),
            key_label: label_of(rb.key_field_name()),
            profile_label: label_of(rb.profile_field_name()),
            scale: rb.scale(),
            kept: Vec::new(),
            headers: Headers::Auto,
            title: rb.title().to_owned(),
        }
    }

    /// Header names (ids).
    pub fn header(&self) -> Vec<String> {
        self.columns().into_iter().map(|(id, _)| id).collect()
    }

    /// Header labels, in Chinese, one per column of [`Layout::header`].
    pub fn labels(&self) -> Vec<String> {
        self.columns().into_iter().map(|(_, label)| label).collect()
    }

    /// The header rows to write, by the file's kind (`csv`: one row unless asked for two).
    pub fn header_rows(&self, csv: bool) -> Vec<Vec<String>> {
        match (self.headers, csv) {
            (Headers::Ids, _) | (Headers::Auto, true) => vec![self.header()],
            (Headers::Labels, _) => vec![self.labels()],
            (Headers::Both, _) | (Headers::Auto, false) => vec![self.labels(), self.header()],
        }
    }

    /// Each column as (id, label).
    fn columns(&self) -> Vec<(String, String)> {
        let mut c: Vec<(String, String)> = Vec::new();
        let mut push = |id: &str, label: &str| c.push((id.to_owned(), label.to_owned()));
        push("row", "序号");
        push("line", "行号");
        push("key", self.key_label.as_deref().unwrap_or("单位"));
        if self.profile {
            push("profile", self.profile_label.as_deref().unwrap_or("片区/类别"));
        }
        push("total", "总分");
        push("max", "满分");
        push("grade", "等次");
        if self.passed {
            push("passed", "是否达标");
        }
        if self.ranks {
            push("rank", "排名");
            if self.profile {
                push("profile_rank", "片区内排名");
            }
        }
        push("vetoes", "否决项");
        if self.components {
            push("component_vetoes", "分项否决");
        }
        for (id, label) in self.indicators.iter().zip(&self.indicator_labels) {
            push(id, label);
        }
        push("error_kind", "错误类型");
        push("error", "错误");
        for k in &self.kept {
            push(k, k);
        }
        c
    }

    /// The .xlsx sheet's name: the rulebook's title as Excel allows a sheet name — at most 31
    /// characters, none of `[ ] : * ? / \`, no apostrophe at either end, not "History".
    pub fn sheet_name(&self) -> String {
        sheet_name(&self.title)
    }
}

/// `title` as an Excel sheet name (see [`Layout::sheet_name`]); 结果 when nothing is left.
pub fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    // Excel counts UTF-16 code units.
    let mut name = String::new();
    let mut units = 0;
    for c in cleaned.chars() {
        units += c.len_utf16();
        if units > 31 {
            break;
        }
        name.push(c);
    }
    let name = name.trim_end().trim_end_matches('\'').to_owned();
    if name.is_empty() || name.eq_ignore_ascii_case("history") { "结果".to_owned() } else { name }
}

/// One result row.
#[derive(Clone, Debug, Default)]
pub struct ResultRow {
    /// 1-based data row.
    pub row: usize,
    /// Line in the source file.
    pub line: Option<usize>,
    /// Key (or the row number).
    pub key: String,
    /// Profile.
    pub profile: Option<String>,
    /// Total.
    pub total: Option<Decimal>,
    /// Maximum.
    pub max: Option<Decimal>,
    /// Grade.
    pub grade: Option<String>,
    /// Criteria verdict.
    pub passed: Option<bool>,
    /// Rank.
    pub rank: Option<u32>,
    /// Rank within profile.
    pub profile_rank: Option<u32>,
    /// Vetoes that fired.
    pub vetoes: Vec<String>,
    /// Vetoes that fired inside components, as `indicator/veto` (that part vetoed, not the row).
    pub component_vetoes: Vec<String>,
    /// Points per indicator.
    pub points: Vec<Option<Decimal>>,
    /// The error kind of a failed row.
    pub error_kind: Option<String>,
    /// The error message of a failed row.
    pub error: Option<String>,
    /// The error of a failed row in the command's language, for stderr (`error` stays the stable
    /// English text of the result file).
    pub error_said: Option<String>,
    /// The input field of the first issue of a failed row (for the column in messages).
    pub error_field: Option<String>,
    /// The input columns carried through (`--keep-columns`), as read.
    pub kept: Vec<String>,
}

impl ResultRow {
    /// Row `i` of a scored table, with the columns of `layout`.
    pub fn of(scored: &Scored, i: usize, layout: &Layout) -> ResultRow {
        let mut r = ResultRow {
            row: scored.number(i),
            line: scored.line(i),
            key: scored.key(i),
            points: vec![None; layout.indicators.len()],
            kept: scored.kept(i).to_vec(),
            ..ResultRow::default()
        };
        let row = scored.row(i);
        if let Some(e) = row.error() {
            r.error_kind = Some(e.kind().to_string());
            r.error = Some(issues_text(e));
            r.error_said = Some(crate::scored::issues_said(e));
            r.error_field = e.first().field.clone();
            return r;
        }
        r.profile = row.profile().map(str::to_owned);
        r.total = row.total();
        r.max = row.max();
        r.grade = row.grade().map(str::to_owned);
        r.passed = row.passed();
        if layout.ranks {
            r.rank = row.rank();
            r.profile_rank = row.profile_rank();
        }
        r.vetoes = row.vetoes().into_iter().map(str::to_owned).collect();
        r.component_vetoes = row
            .component_vetoes()
            .into_iter()
            .map(|(indicator, _, veto)| format!("{indicator}/{veto}"))
            .collect();
        for (k, p) in r.points.iter_mut().enumerate() {
            *p = row.points_at(k);
        }
        r
    }
}

/// Where results go.
pub trait Sink {
    /// Write one row.
    fn row(&mut self, r: &ResultRow) -> Result<(), Fail>;
    /// Write rows in order (a sink that formats rows on its own may do so on every core).
    fn rows(&mut self, rows: &[ResultRow]) -> Result<(), Fail> {
        rows.iter().try_for_each(|r| self.row(r))
    }
    /// Finish the file.
    fn finish(self: Box<Self>) -> Result<(), Fail>;
}

/// A sink for `--out PATH` (by extension) or stdout (CSV).
pub fn open(out: Option<&str>, layout: Layout) -> Result<Box<dyn Sink>, Fail> {
    let Some(path) = out else {
        return Ok(Box::new(CsvSink::new(Box::new(std::io::stdout().lock()), layout, false, "<stdout>")?));
    };
    let create = || File::create(path).map_err(|e| write_fail(path, e));
    match out_kind(path)? {
        OutKind::Csv => Ok(Box::new(CsvSink::new(Box::new(BufWriter::new(create()?)), layout, true, path)?)),
        OutKind::Json => Ok(Box::new(JsonSink::new(BufWriter::new(create()?), layout, path)?)),
        OutKind::Xlsx => Ok(Box::new(XlsxSink::new(path, layout)?)),
    }
}

/// The kinds of result file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutKind {
    /// .csv
    Csv,
    /// .json
    Json,
    /// .xlsx
    Xlsx,
}

/// The kind of a result file, from its extension.
pub fn out_kind(path: &str) -> Result<OutKind, Fail> {
    let ext =
        std::path::Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Ok(OutKind::Csv),
        "json" => Ok(OutKind::Json),
        "xlsx" => Ok(OutKind::Xlsx),
        _ => Err(Fail::unusable(
            format!("--out 的文件类型无法识别：{path}（请用 .csv、.json 或 .xlsx）"),
            format!("--out must end in .csv, .json or .xlsx, not {path}"),
        )),
    }
}

/// Check, before any input is read, that a file can be written at `path` (`what` names the
/// option in messages): its directory exists and takes a new file, or the file itself opens for
/// writing. A run of a large table then never ends in "cannot write". Nothing is left behind.
pub fn check_writable(path: &str, what: &str) -> Result<(), Fail> {
    let p = std::path::Path::new(path);
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let fail = |zh: String, en: String| Err(Fail::unusable(zh, en));
    if !dir.is_dir() {
        return fail(
            format!("{what} {path}：目录 {} 不存在", dir.display()),
            format!("{what} {path}: the directory {} does not exist", dir.display()),
        );
    }
    if p.is_dir() {
        return fail(format!("{what} {path} 是一个目录"), format!("{what} {path} is a directory"));
    }
    let opened = if p.exists() {
        std::fs::OpenOptions::new().append(true).open(p).map(|_| ())
    } else {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(p)
            .map(|_| std::fs::remove_file(p).ok())
            .map(|_| ())
    };
    opened.or_else(|e| {
        fail(format!("{what} {path} 无法写入：{e}"), format!("{what} {path} cannot be written: {e}"))
    })
}

fn write_fail(path: &str, e: impl std::fmt::Display) -> Fail {
    Fail::unusable(format!("无法写入 {path}：{e}"), format!("cannot write {path}: {e}"))
}

/// Append a decimal exactly as its `Display` writes it ("93.50", "-0.25", "7"), without the
/// formatting machinery: a large file writes tens of millions of them.
pub fn push_decimal(out: &mut String, d: Decimal) {
    let scale = d.scale() as usize;
    // Digits, least significant first: at most 29 (a 96-bit mantissa), scale ≤ 28.
    let mut digits = [0u8; 32];
    let mut n = 0;
    let m = d.mantissa().unsigned_abs();
    match u64::try_from(m) {
        Ok(mut v) => {
            while v > 0 {
                digits[n] = b'0' + (v % 10) as u8;
                v /= 10;
                n += 1;
            }
        }
        Err(_) => {
            let mut v = m;
            while v > 0 {
                digits[n] = b'0' + (v % 10) as u8;
                v /= 10;
                n += 1;
            }
        }
    }
    // At least one digit before the point.
    while n < scale + 1 {
        digits[n] = b'0';
        n += 1;
    }
    let mut text = [0u8; 40];
    let mut k = 0;
    if d.is_sign_negative() {
        text[0] = b'-';
        k = 1;
    }
    for i in (0..n).rev() {
        text[k] = digits[i];
        k += 1;
        if i == scale && scale > 0 {
            text[k] = b'.';
            k += 1;
        }
    }
    out.push_str(std::str::from_utf8(&text[..k]).expect("ASCII digits"));
}

/// Append a whole number.
fn push_int(out: &mut String, v: u64) {
    let _ = write!(out, "{v}");
}

struct CsvSink {
    out: Box<dyn Write>,
    layout: Layout,
    buf: String,
    path: String,
}

impl CsvSink {
    fn new(mut out: Box<dyn Write>, layout: Layout, bom: bool, path: &str) -> Result<CsvSink, Fail> {
        let mut buf = String::new();
        if bom {
            buf.push('\u{feff}');
        }
        for row in layout.header_rows(true) {
            csv_line(&mut buf, row.iter().map(String::as_str));
        }
        out.write_all(buf.as_bytes()).map_err(|e| write_fail(path, e))?;
        buf.clear();
        Ok(CsvSink { out, layout, buf, path: path.to_owned() })
    }
}

/// Rows formatted together on one core: enough to make a thread's start worth it, few enough to
/// spread a chunk over the cores.
const FORMAT_BLOCK: usize = 2048;

/// Append row `r` as a CSV line with the cells of `Layout::header`.
fn csv_row(b: &mut String, layout: &Layout, r: &ResultRow) {
    let dec = |b: &mut String, d: &Option<Decimal>| {
        if let Some(d) = d {
            push_decimal(b, *d);
        }
        b.push(',');
    };
    push_int(b, r.row as u64);
    b.push(',');
    if let Some(l) = r.line {
        push_int(b, l as u64);
    }
    b.push(',');
    push_cell(b, &r.key);
    b.push(',');
    if layout.profile {
        push_cell(b, r.profile.as_deref().unwrap_or(""));
        b.push(',');
    }
    dec(b, &r.total);
    dec(b, &r.max);
    push_cell(b, r.grade.as_deref().unwrap_or(""));
    b.push(',');
    if layout.passed {
        b.push_str(match r.passed {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        });
        b.push(',');
    }
    if layout.ranks {
        if let Some(x) = r.rank {
            push_int(b, u64::from(x));
        }
        b.push(',');
        if layout.profile {
            if let Some(x) = r.profile_rank {
                push_int(b, u64::from(x));
            }
            b.push(',');
        }
    }
    push_cell(b, &r.vetoes.join(";"));
    b.push(',');
    if layout.components {
        push_cell(b, &r.component_vetoes.join(";"));
        b.push(',');
    }
    for p in &r.points {
        dec(b, p);
    }
    push_cell(b, r.error_kind.as_deref().unwrap_or(""));
    b.push(',');
    push_cell(b, r.error.as_deref().unwrap_or(""));
    for k in &r.kept {
        b.push(',');
        push_cell(b, k);
    }
    b.push('\n');
}

impl Sink for CsvSink {
    fn row(&mut self, r: &ResultRow) -> Result<(), Fail> {
        csv_row(&mut self.buf, &self.layout, r);
        if self.buf.len() > 1 << 16 {
            self.out.write_all(self.buf.as_bytes()).map_err(|e| write_fail(&self.path, e))?;
            self.buf.clear();
        }
        Ok(())
    }

    fn rows(&mut self, rows: &[ResultRow]) -> Result<(), Fail> {
        // Blocks of rows formatted on every core, written in order.
        use rayon::prelude::*;
        let layout = &self.layout;
        let texts: Vec<String> = rows
            .par_chunks(FORMAT_BLOCK)
            .map(|block| {
                let mut b = String::with_capacity(block.len() * 160);
                block.iter().for_each(|r| csv_row(&mut b, layout, r));
                b
            })
            .collect();
        self.out.write_all(self.buf.as_bytes()).map_err(|e| write_fail(&self.path, e))?;
        self.buf.clear();
        for t in &texts {
            self.out.write_all(t.as_bytes()).map_err(|e| write_fail(&self.path, e))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), Fail> {
        self.out.write_all(self.buf.as_bytes()).map_err(|e| write_fail(&self.path, e))?;
        self.out.flush().map_err(|e| write_fail(&self.path, e))
    }
}

struct JsonSink {
    out: BufWriter<File>,
    layout: Layout,
    first: bool,
    path: String,
}

impl JsonSink {
    fn new(mut out: BufWriter<File>, layout: Layout, path: &str) -> Result<JsonSink, Fail> {
        out.write_all(b"[").map_err(|e| write_fail(path, e))?;
        Ok(JsonSink { out, layout, first: true, path: path.to_owned() })
    }
}

/// A result row as JSON (decimals as strings, like `kaoping.result/2`).
pub fn row_json(layout: &Layout, r: &ResultRow) -> serde_json::Value {
    let s = |d: &Option<Decimal>| d.map(|d| d.to_string());
    let points: serde_json::Map<String, serde_json::Value> =
        layout.indicators.iter().zip(&r.points).map(|(id, p)| (id.clone(), json!(s(p)))).collect();
    let mut v = json!({
        "row": r.row,
        "line": r.line,
        "key": r.key,
        "total": s(&r.total),
        "max": s(&r.max),
        "grade": r.grade,
        "vetoes": r.vetoes,
        "points": points,
    });
    let m = v.as_object_mut().expect("an object");
    if !layout.kept.is_empty() {
        let kept: serde_json::Map<String, serde_json::Value> =
            layout.kept.iter().zip(&r.kept).map(|(h, c)| (h.clone(), json!(c))).collect();
        m.insert("columns".into(), serde_json::Value::Object(kept));
    }
    if layout.profile {
        m.insert("profile".into(), json!(r.profile));
    }
    if layout.passed {
        m.insert("passed".into(), json!(r.passed));
    }
    if layout.components {
        m.insert("component_vetoes".into(), json!(r.component_vetoes));
    }
    if layout.ranks {
        m.insert("rank".into(), json!(r.rank));
        if layout.profile {
            m.insert("profile_rank".into(), json!(r.profile_rank));
        }
    }
    m.insert(
        "error".into(),
        match (&r.error_kind, &r.error) {
            (Some(k), Some(e)) => json!({ "kind": k, "message": e }),
            _ => serde_json::Value::Null,
        },
    );
    v
}

impl Sink for JsonSink {
    fn row(&mut self, r: &ResultRow) -> Result<(), Fail> {
        let sep: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        self.out.write_all(sep).map_err(|e| write_fail(&self.path, e))?;
        serde_json::to_writer(&mut self.out, &row_json(&self.layout, r))
            .map_err(|e| write_fail(&self.path, e))
    }

    fn finish(mut self: Box<Self>) -> Result<(), Fail> {
        self.out.write_all(b"\n]\n").map_err(|e| write_fail(&self.path, e))?;
        self.out.flush().map_err(|e| write_fail(&self.path, e))
    }
}

struct XlsxSink {
    book: Workbook,
    layout: Layout,
    next: u32,
    path: String,
    number: Format,
}

/// Excel's last row (1,048,576 rows, 0-based index).
const XLSX_MAX_ROW: u32 = 1_048_575;

impl XlsxSink {
    fn new(path: &str, layout: Layout) -> Result<XlsxSink, Fail> {
        let mut book = Workbook::new();
        let fail = |e: rust_xlsxwriter::XlsxError| write_fail(path, e);
        let header = Format::new().set_bold();
        let number = Format::new().set_num_format(if layout.scale == 0 {
            "0".to_owned()
        } else {
            format!("0.{}", "0".repeat(layout.scale as usize))
        });
        let ids = Format::new().set_italic().set_font_color(rust_xlsxwriter::Color::Gray);
        let sheet = book.add_worksheet_with_constant_memory();
        sheet.set_name(layout.sheet_name()).map_err(fail)?;
        let rows = layout.header_rows(false);
        let two = rows.len() == 2;
        for (r, cells) in rows.iter().enumerate() {
            // With two header rows the second holds the ids, set apart from the labels.
            let format = if two && r == 1 { &ids } else { &header };
            for (i, h) in cells.iter().enumerate() {
                sheet.write_string_with_format(r as u32, i as u16, h, format).map_err(fail)?;
            }
        }
        let next = rows.len() as u32;
        sheet.set_freeze_panes(next, 0).map_err(fail)?;
        Ok(XlsxSink { book, layout, next, path: path.to_owned(), number })
    }
}

impl Sink for XlsxSink {
    fn row(&mut self, r: &ResultRow) -> Result<(), Fail> {
        let path = self.path.clone();
        let fail = |e: rust_xlsxwriter::XlsxError| write_fail(&path, e);
        if self.next > XLSX_MAX_ROW {
            return Err(Fail::unusable(
                "结果超过 Excel 的 1,048,576 行上限：请输出 .csv",
                "the results exceed Excel's 1,048,576 rows: write .csv instead",
            ));
        }
        let row = self.next;
        self.next += 1;
        let sheet = self.book.worksheet_from_index(0).map_err(fail)?;
        let mut col = 0u16;
        let put_num =
            |sheet: &mut rust_xlsxwriter::Worksheet, col: &mut u16, v: Option<f64>, fmt: Option<&Format>| {
                let res = match (v, fmt) {
                    (Some(v), Some(f)) => sheet.write_number_with_format(row, *col, v, f).map(|_| ()),
                    (Some(v), None) => sheet.write_number(row, *col, v).map(|_| ()),
                    (None, _) => Ok(()),
                };
                *col += 1;
                res
            };
        let f64_of = |d: &Option<Decimal>| d.and_then(|d| d.to_string().parse::<f64>().ok());
        let number = self.number.clone();
        put_num(sheet, &mut col, Some(r.row as f64), None).map_err(fail)?;
        put_num(sheet, &mut col, r.line.map(|l| l as f64), None).map_err(fail)?;
        let put_text = |sheet: &mut rust_xlsxwriter::Worksheet, col: &mut u16, t: &str| {
            let res = if t.is_empty() { Ok(()) } else { sheet.write_string(row, *col, t).map(|_| ()) };
            *col += 1;
            res
        };
        put_text(sheet, &mut col, &r.key).map_err(fail)?;
        if self.layout.profile {
            put_text(sheet, &mut col, r.profile.as_deref().unwrap_or("")).map_err(fail)?;
        }
        put_num(sheet, &mut col, f64_of(&r.total), Some(&number)).map_err(fail)?;
        put_num(sheet, &mut col, f64_of(&r.max), Some(&number)).map_err(fail)?;
        put_text(sheet, &mut col, r.grade.as_deref().unwrap_or("")).map_err(fail)?;
        if self.layout.passed {
            if let Some(p) = r.passed {
                sheet.write_boolean(row, col, p).map_err(fail)?;
            }
            col += 1;
        }
        if self.layout.ranks {
            put_num(sheet, &mut col, r.rank.map(f64::from), None).map_err(fail)?;
            if self.layout.profile {
                put_num(sheet, &mut col, r.profile_rank.map(f64::from), None).map_err(fail)?;
            }
        }
        put_text(sheet, &mut col, &r.vetoes.join(";")).map_err(fail)?;
        if self.layout.components {
            put_text(sheet, &mut col, &r.component_vetoes.join(";")).map_err(fail)?;
        }
        for p in &r.points {
            put_num(sheet, &mut col, f64_of(p), Some(&number)).map_err(fail)?;
        }
        put_text(sheet, &mut col, r.error_kind.as_deref().unwrap_or("")).map_err(fail)?;
        put_text(sheet, &mut col, r.error.as_deref().unwrap_or("")).map_err(fail)?;
        for k in &r.kept {
            put_text(sheet, &mut col, k).map_err(fail)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), Fail> {
        let path = self.path.clone();
        self.book.save(&path).map_err(|e| write_fail(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excels_rules() {
        assert_eq!(
            sheet_name("四川省贫困县脱贫攻坚成效考核（示例）"),
            "四川省贫困县脱贫攻坚成效考核（示例）"
        );
        assert_eq!(sheet_name("a/b:c*d?[e]\\f"), "a_b_c_d__e__f");
        let long = "一".repeat(40);
        assert_eq!(sheet_name(&long).chars().count(), 31);
        assert_eq!(sheet_name("'引号'"), "引号");
        assert_eq!(sheet_name("  "), "结果");
        assert_eq!(sheet_name("History"), "结果");
        // A character outside the BMP counts two towards the 31.
        assert_eq!(sheet_name(&"𠀀".repeat(20)).chars().count(), 15);
    }

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        let mut cases = vec![
            Decimal::new(9350, 2),
            Decimal::new(-25, 2),
            Decimal::new(7, 0),
            Decimal::new(5, 3),
            Decimal::new(-5, 3),
            Decimal::new(0, 2),
            Decimal::new(0, 0),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_i128_with_scale(i64::MAX as i128 * 1000 + 7, 4),
            Decimal::from_i128_with_scale(123, 28),
        ];
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        cases.push(negative_zero);
        for k in 0..2000i64 {
            cases.push(Decimal::new(k * 7919 - 5000, (k % 5) as u32));
        }
        for d in cases {
            let mut s = String::new();
            push_decimal(&mut s, d);
            assert_eq!(s, d.to_string(), "{d:?}");
        }
    }
}
