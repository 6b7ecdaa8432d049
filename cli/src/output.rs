//! Result files: one row per data row, in input order — CSV (UTF-8 with a BOM so Excel shows
//! Chinese; none on stdout), JSON (an array of objects, decimals as strings) or .xlsx
//! (rust_xlsxwriter in constant-memory mode). Each writer takes rows as they come, so scoring
//! can stream.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};

use rust_decimal::Decimal;
use serde_json::json;

use crate::csv_text::{csv_line, push_cell};
use crate::fail::Fail;
use crate::scored::Scored;

pub use kaoping_sheet::{Headers, Layout, ResultRow};

/// Row `i` of a scored table, with the columns of `layout` (where it came from: its number, line,
/// key and kept cells; its error also in the command's language, for stderr).
pub fn result_row(scored: &Scored, i: usize, layout: &Layout) -> ResultRow {
    let row = scored.row(i);
    let mut r = ResultRow::of_row(
        &row,
        layout,
        scored.number(i),
        scored.line(i),
        scored.key(i),
        scored.kept(i).to_vec(),
    );
    r.error_said = row.error().map(crate::scored::issues_said);
    r
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

/// The .xlsx result file: the sheet the Python module writes too (`kaoping_sheet`).
struct XlsxSink(kaoping_sheet::XlsxSheet);

impl XlsxSink {
    fn new(path: &str, layout: Layout) -> Result<XlsxSink, Fail> {
        kaoping_sheet::XlsxSheet::new(path, layout).map(XlsxSink).map_err(sheet_fail)
    }
}

/// A sheet's failure in the command's two languages.
fn sheet_fail(e: kaoping_sheet::SheetError) -> Fail {
    match e {
        kaoping_sheet::SheetError::TooManyRows => Fail::unusable(
            "结果超过 Excel 的 1,048,576 行上限：请输出 .csv",
            "the results exceed Excel's 1,048,576 rows: write .csv instead",
        ),
        kaoping_sheet::SheetError::Write { path, reason } => write_fail(&path, reason),
        e => Fail::unusable(format!("无法写入结果：{e}"), format!("cannot write the results: {e}")),
    }
}

impl Sink for XlsxSink {
    fn row(&mut self, r: &ResultRow) -> Result<(), Fail> {
        self.0.row(r).map_err(sheet_fail)
    }

    fn finish(self: Box<Self>) -> Result<(), Fail> {
        self.0.finish().map_err(sheet_fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
