//! The result sheet: the columns of a result file ([`Layout`], one [`ResultRow`] per data row,
//! built from a [`kaoping::Batch`] row) and the .xlsx writer ([`XlsxSheet`], rust_xlsxwriter in
//! constant-memory mode). The command (`kaoping score … --out results.xlsx`) and the Python
//! module (`Batch.to_excel`) both write through it, so the two files are the same sheet: labels
//! in header row 1, ids in row 2, header rows frozen.

#![warn(missing_docs)]

use kaoping::{RecordError, Row, Rulebook};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};

/// Why a sheet could not be written.
#[derive(Debug)]
#[non_exhaustive]
pub enum SheetError {
    /// More rows than Excel's 1,048,576.
    TooManyRows,
    /// The file could not be written (its path, and why).
    Write {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

impl std::fmt::Display for SheetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SheetError::TooManyRows => {
                f.write_str("the results exceed Excel's 1,048,576 rows: write .csv instead")
            }
            SheetError::Write { path, reason } => write!(f, "cannot write {path}: {reason}"),
        }
    }
}

impl std::error::Error for SheetError {}

fn write_fail(path: &std::path::Path, e: &rust_xlsxwriter::XlsxError) -> SheetError {
    SheetError::Write { path: path.display().to_string(), reason: e.to_string() }
}

/// Which header rows a result file has: the labels staff read (总分, 等次, each indicator's
/// 中文名), the ids programs read (total, grade, reduction.incidence), or both (labels above ids).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
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
    /// English text of the result file); the command fills it in, the sheet never shows it.
    pub error_said: Option<String>,
    /// The input field of the first issue of a failed row (for the column in messages).
    pub error_field: Option<String>,
    /// The input columns carried through (`--keep-columns`), as read.
    pub kept: Vec<String>,
}

impl ResultRow {
    /// Row `row` of a batch, with the columns of `layout`; `number` is its 1-based data row,
    /// `line` its line in the source file (if it came from one), `key` its key column (else its
    /// number as text), `kept` the input cells carried through.
    pub fn of_row(
        row: &Row<'_>,
        layout: &Layout,
        number: usize,
        line: Option<usize>,
        key: String,
        kept: Vec<String>,
    ) -> ResultRow {
        let mut r = ResultRow {
            row: number,
            line,
            key,
            points: vec![None; layout.indicators.len()],
            kept,
            ..ResultRow::default()
        };
        if let Some(e) = row.error() {
            r.error_kind = Some(e.kind().to_string());
            r.error = Some(issues_text(e));
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

/// A failed row's issues on one line, as the `error` column and the command's messages give them.
pub fn issues_text(e: &RecordError) -> String {
    e.issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// An .xlsx result file being written (constant memory: rows go to disk as they come).
pub struct XlsxSheet {
    book: Workbook,
    layout: Layout,
    next: u32,
    path: std::path::PathBuf,
    number: Format,
}

/// Excel's last row (1,048,576 rows, 0-based index).
const XLSX_MAX_ROW: u32 = 1_048_575;

impl XlsxSheet {
    /// Start the file at `path` (written by [`XlsxSheet::finish`]): the sheet named after the
    /// rulebook's title, the header rows in bold (ids in grey italics under the labels), frozen.
    pub fn new(path: impl AsRef<std::path::Path>, layout: Layout) -> Result<XlsxSheet, SheetError> {
        let path = path.as_ref();
        let mut book = Workbook::new();
        let fail = |e: rust_xlsxwriter::XlsxError| write_fail(path, &e);
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
        Ok(XlsxSheet { book, layout, next, path: path.to_owned(), number })
    }
}

impl XlsxSheet {
    /// Write the next row.
    pub fn row(&mut self, r: &ResultRow) -> Result<(), SheetError> {
        let path = &self.path;
        let fail = |e: rust_xlsxwriter::XlsxError| write_fail(path, &e);
        if self.next > XLSX_MAX_ROW {
            return Err(SheetError::TooManyRows);
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

    /// Write the file.
    pub fn finish(mut self) -> Result<(), SheetError> {
        self.book.save(&self.path).map_err(|e| write_fail(&self.path, &e))
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
}
