//! The files of `kaoping diff --out`: the per-unit table the core lays out
//! (`Comparison::table`) as CSV (UTF-8 with a BOM, for Excel), the whole comparison as JSON
//! (`kaoping.compare/1`, decimals as strings), or an .xlsx workbook with the per-unit table, the
//! transition matrix, the counts per profile, the change's buckets and the indicators that moved.
//! Each data row's line in the data file follows its row number.

use std::path::Path;

use kaoping::compare::{Cell, CellKind, Column, Stats};
use kaoping::{Comparison, Lang};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::csv_text::csv_line;
use crate::fail::Fail;

/// Write `c` to `path`, by its extension; `lines` are the data rows' lines in the data file.
pub fn write(path: &str, c: &Comparison, lines: &[Option<usize>]) -> Result<(), Fail> {
    let ext = Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let columns = with_lines(c.table(), lines);
    match ext.as_str() {
        "csv" => std::fs::write(path, csv(&columns)).map_err(|e| write_fail(path, e)),
        "json" => std::fs::write(path, c.to_json()).map_err(|e| write_fail(path, e)),
        "xlsx" => xlsx(path, c, &columns).map_err(|e| write_fail(path, e)),
        _ => Err(Fail::unusable(
            format!("--out 的文件类型无法识别：{path}（请用 .csv、.json 或 .xlsx）"),
            format!("--out must end in .csv, .json or .xlsx, not {path}"),
        )),
    }
}

fn write_fail(path: &str, e: impl std::fmt::Display) -> Fail {
    Fail::unusable(format!("无法写入 {path}：{e}"), format!("cannot write {path}: {e}"))
}

/// The table with a `line` column after `row`.
fn with_lines(mut columns: Vec<Column>, lines: &[Option<usize>]) -> Vec<Column> {
    let n = columns.first().map_or(0, |c| c.cells.len());
    let cells = (0..n).map(|i| lines.get(i).copied().flatten().map(|l| Cell::Integer(l as u64))).collect();
    columns.insert(1, Column { name: "line".into(), kind: CellKind::Integer, cells });
    columns
}

fn cell_text(c: &Option<Cell>) -> String {
    match c {
        None => String::new(),
        Some(Cell::Integer(n)) => n.to_string(),
        Some(Cell::Decimal(d)) => d.to_string(),
        Some(Cell::Text(t)) => t.clone(),
        Some(Cell::Boolean(b)) => b.to_string(),
    }
}

/// The per-unit table as CSV, with a BOM.
pub fn csv(columns: &[Column]) -> String {
    let mut out = String::from('\u{feff}');
    csv_line(&mut out, columns.iter().map(|c| c.name.as_str()));
    let n = columns.first().map_or(0, |c| c.cells.len());
    for i in 0..n {
        let cells: Vec<String> = columns.iter().map(|c| cell_text(&c.cells[i])).collect();
        csv_line(&mut out, cells.iter().map(String::as_str));
    }
    out
}

/// Decimals as numbers Excel shows with the comparison's places (a published decimal's shortest
/// double reads back as the same text).
fn xlsx(path: &str, c: &Comparison, columns: &[Column]) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let places = if c.scale == 0 { "0".to_owned() } else { format!("0.{}", "0".repeat(c.scale as usize)) };
    let number = Format::new().set_num_format(places);
    let num = |d: Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);

    let units = book.add_worksheet();
    units.set_name("units")?;
    for (j, col) in columns.iter().enumerate() {
        let j = j as u16;
        units.write_string_with_format(0, j, &col.name, &bold)?;
        for (i, cell) in col.cells.iter().enumerate() {
            let row = i as u32 + 1;
            match cell {
                None => {}
                Some(Cell::Integer(n)) => {
                    units.write_number(row, j, *n as f64)?;
                }
                Some(Cell::Decimal(d)) => {
                    units.write_number_with_format(row, j, num(*d), &number)?;
                }
                Some(Cell::Text(t)) => {
                    units.write_string(row, j, t)?;
                }
                Some(Cell::Boolean(b)) => {
                    units.write_boolean(row, j, *b)?;
                }
            }
        }
    }
    units.set_freeze_panes(1, 0)?;

    let t = &c.summary.all.transitions;
    let sheet = book.add_worksheet();
    sheet.set_name("transitions")?;
    sheet.write_string_with_format(0, 0, "旧 old \\ 新 new", &bold)?;
    for (j, s) in t.states.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16 + 1, s.label(), &bold)?;
        sheet.write_string_with_format(j as u32 + 1, 0, s.label(), &bold)?;
        for (k, n) in t.counts[j].iter().enumerate() {
            sheet.write_number(j as u32 + 1, k as u16 + 1, *n as f64)?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("profiles")?;
    let heads = [
        "profile",
        "units",
        "compared",
        "up",
        "down",
        "unchanged",
        "failed_old",
        "failed_new",
        "state_changed",
        "delta_sum",
        "delta_min",
        "delta_max",
    ];
    for (j, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    let stats_row = |sheet: &mut Worksheet, row: u32, name: &str, s: &Stats| -> Result<(), XlsxError> {
        sheet.write_string(row, 0, name)?;
        let counts =
            [s.units, s.compared, s.up, s.down, s.unchanged, s.failed_old, s.failed_new, s.state_changed];
        for (j, n) in counts.iter().enumerate() {
            sheet.write_number(row, j as u16 + 1, *n as f64)?;
        }
        for (j, d) in [Some(s.delta_sum), s.delta_min, s.delta_max].iter().enumerate() {
            if let Some(d) = d {
                sheet.write_number_with_format(row, j as u16 + 9, num(*d), &number)?;
            }
        }
        Ok(())
    };
    stats_row(sheet, 1, "全部 all", &c.summary.all)?;
    for (k, p) in c.summary.profiles.iter().enumerate() {
        stats_row(sheet, k as u32 + 2, p.profile.as_deref().unwrap_or("—"), &p.stats)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("buckets")?;
    sheet.write_string_with_format(0, 0, "delta", &bold)?;
    sheet.write_string_with_format(0, 1, "units", &bold)?;
    for (k, b) in c.summary.all.buckets.iter().enumerate() {
        sheet.write_string(k as u32 + 1, 0, &b.label)?;
        sheet.write_number(k as u32 + 1, 1, b.count as f64)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("indicators")?;
    for (j, h) in ["id", "label", "added", "removed", "moved", "up", "down", "delta_sum"].iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    for (k, m) in c.summary.indicators.iter().enumerate() {
        let row = k as u32 + 1;
        sheet.write_string(row, 0, &m.id)?;
        sheet.write_string(row, 1, &m.label)?;
        sheet.write_boolean(row, 2, m.added)?;
        sheet.write_boolean(row, 3, m.removed)?;
        for (j, n) in [m.moved, m.up, m.down].iter().enumerate() {
            sheet.write_number(row, j as u16 + 4, *n as f64)?;
        }
        sheet.write_number_with_format(row, 7, num(m.delta_sum), &number)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("summary")?;
    for (k, line) in c.text(Lang::Zh).lines().chain([""]).chain(c.text(Lang::En).lines()).enumerate() {
        sheet.write_string(k as u32, 0, line)?;
    }
    book.save(path)
}
