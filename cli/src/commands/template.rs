//! `kaoping template`: an input template for a rulebook, to fill in and score unchanged.
//!
//! One table for the units (one column per scalar input) and one per `items` list (a school's
//! awards, a county's villages and, nested, their households), each with the column that joins
//! it to its parent. Every table has the header (the inputs' labels, as the reader matches them),
//! then a notes row (【说明】: type, unit, bounds, allowed values, default, the description) and an
//! example row (【示例】, from the rulebook's first `[[test]]` case that scores), which every reader
//! of tables skips (`template_rows`).
//!
//! .xlsx: one workbook, a sheet per table (named by the list's label, e.g. `竞赛获奖`; nested
//! lists by their labels joined by `.`), with data validation below the example row: 是/否 for
//! booleans, the allowed `values` as a drop-down, whole or decimal numbers within `min`/`max`.
//! .csv: UTF-8 with a BOM (Excel opens it as UTF-8), one file per table: the units in the file
//! named, each list in `<name>.<list>.csv` beside it (`模板.awards.csv`, `模板.villages.households.csv`,
//! by the lists' names).

use kaoping::internals::syntax::{self, Node, Value};
use kaoping::{InputInfo, Rulebook};
use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, Note, Workbook, Worksheet, XlsxError};

use crate::fail::Fail;
use crate::load::{SET_HELP, load};
use crate::template_rows::{EXAMPLE, NOTES};

/// `kaoping template RULEBOOK --out FILE`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// builtin:<id> or a rulebook file.
    rulebook: String,
    /// The template to write: .xlsx (one sheet per table) or .csv (UTF-8 with BOM; each items
    /// list in <name>.<list>.csv beside it).
    #[arg(long, value_name = "FILE")]
    out: String,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Rows with data validation below the example row (a template is filled by hand).
const LAST_VALIDATED_ROW: u32 = 100_000;

/// One column of a template table.
#[derive(Debug)]
struct Column {
    /// The header: the input's label (or its name).
    header: String,
    /// What to write, in words (the notes row).
    note: String,
    /// What the cells may hold.
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Text(Option<Vec<String>>),
    Boolean,
    Integer(Option<String>, Option<String>),
    Decimal(Option<String>, Option<String>),
    /// Several marks in one cell, or the join column.
    Free,
}

/// One table of a template.
#[derive(Debug)]
struct Table {
    /// The list path by names (`""` for the units, `villages.households`), for CSV file names.
    path: String,
    /// The sheet name (labels).
    sheet: String,
    columns: Vec<Column>,
    /// The example rows (the first cell not yet marked).
    examples: Vec<Vec<String>>,
}

/// Run `kaoping template`.
pub fn run(args: Args) -> Result<u8, Fail> {
    let rb = load(&args.rulebook, &args.set)?;
    let tables = tables(&rb);
    let lower = args.out.to_ascii_lowercase();
    if lower.ends_with(".xlsx") {
        write_xlsx(&tables, &args.out).map_err(|e| write_fail(&args.out, e))?;
        eprintln!(
            "已写出模板 {}（{} 张表） / wrote {} ({} sheet(s))",
            args.out,
            tables.len(),
            args.out,
            tables.len()
        );
    } else if lower.ends_with(".csv") {
        let files = write_csv(&tables, &args.out)?;
        eprintln!("已写出模板 / wrote: {}", files.join(", "));
    } else {
        return Err(Fail::unusable(
            format!("--out 应为 .xlsx 或 .csv 文件，而不是“{}”", args.out),
            format!("--out must be an .xlsx or .csv file, not \"{}\"", args.out),
        ));
    }
    Ok(0)
}

fn write_fail(path: &str, e: impl std::fmt::Display) -> Fail {
    Fail::unusable(format!("无法写出 {path}：{e}"), format!("cannot write {path}: {e}"))
}

/// The rulebook's own text as a tree (descriptions, joins, field labels, test records).
fn document(rb: &Rulebook) -> Option<Node> {
    syntax::parse(rb.text()?, rb.text_format()?).ok()
}

fn string_at<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a str> {
    match &node?.get(key)?.value {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// A record value as a cell's text (booleans as 是/否, marks joined by 、).
fn cell(node: &Node) -> Option<String> {
    Some(match &node.value {
        Value::String(s) => s.clone(),
        Value::Integer(n) | Value::Float(n) => n.clone(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Value::Date(d) => d.to_string(),
        Value::Array(marks) => marks.iter().filter_map(cell).collect::<Vec<_>>().join("、"),
        Value::Table(_) | Value::Null => return None,
    })
}

/// The records of the rulebook's `[[test]]` cases that score (no expected error): the examples.
fn example_records(doc: Option<&Node>) -> Vec<&Node> {
    let Some(Value::Array(tests)) = doc.and_then(|d| d.get("test")).map(|t| &t.value) else {
        return Vec::new();
    };
    tests
        .iter()
        .filter(|t| t.get("expect").and_then(|e| e.get("error")).is_none())
        .filter_map(|t| t.get("record"))
        .collect()
}

/// A record that may serve as an example: the parent it belongs to (its position among the
/// parent's candidates) and the parent's key.
struct Candidate<'a> {
    parent: usize,
    parent_key: String,
    record: &'a Node,
}

/// Every table of the template: the units, then each list (depth first).
fn tables(rb: &Rulebook) -> Vec<Table> {
    let doc = document(rb);
    let candidates: Vec<Candidate> = example_records(doc.as_ref())
        .into_iter()
        .enumerate()
        .map(|(parent, record)| Candidate { parent, parent_key: String::new(), record })
        .collect();
    let mut out = Vec::new();
    collect(rb, doc.as_ref(), None, String::new(), sheet_name(rb.title(), "考核数据"), &candidates, &mut out);
    out
}

/// The note of a list's join column.
const JOIN_NOTE: &str = "所属单位的名称（与上一级表的名称列一致）";

/// The table of `rb`'s records (joined to the parent by the `join` column, when a list), then
/// its lists. The example rows are the candidates of the first parent that has any.
fn collect(
    rb: &Rulebook,
    doc: Option<&Node>,
    join: Option<String>,
    path: String,
    sheet: String,
    candidates: &[Candidate],
    out: &mut Vec<Table>,
) {
    let inputs = rb.inputs();
    let declared = doc.and_then(|d| d.get("inputs"));
    let mut columns = Vec::new();
    let mut scalars: Vec<&InputInfo> = inputs.iter().filter(|i| i.ty != "items").collect();
    if let Some(header) = &join {
        columns.push(Column { header: header.clone(), note: JOIN_NOTE.to_owned(), kind: Kind::Free });
        // An input of the items' own rulebook headed like the join column (a village's 所属县)
        // is that column: one column, first, holding the parent's key.
        scalars.retain(|i| i.name != *header && i.label.as_deref() != Some(header.as_str()));
    }
    for i in &scalars {
        columns.push(column(&Field::of(i), declared.and_then(|d| d.get(&i.name))));
    }
    let first_parent = candidates.first().map(|c| c.parent);
    let examples = candidates
        .iter()
        .take_while(|c| Some(c.parent) == first_parent)
        .take(if join.is_some() { usize::MAX } else { 1 })
        .map(|c| {
            let mut row: Vec<String> = join.iter().map(|_| c.parent_key.clone()).collect();
            row.extend(scalars.iter().map(|i| c.record.get(&i.name).and_then(cell).unwrap_or_default()));
            row
        })
        .collect();
    let this_sheet = sheet.clone();
    out.push(Table { path: path.clone(), sheet, columns, examples });
    let key = rb.key_field_name();
    let key_header = key.as_deref().map(|k| {
        inputs.iter().find(|i| i.name == k).and_then(|i| i.label.clone()).unwrap_or_else(|| k.to_owned())
    });
    for list in inputs.iter().filter(|i| i.ty == "items") {
        let spec = declared.and_then(|d| d.get(&list.name));
        let join_header =
            string_at(spec, "join").map(str::to_owned).or_else(|| key_header.clone()).unwrap_or_default();
        let list_path = if path.is_empty() { list.name.clone() } else { format!("{path}.{}", list.name) };
        let label = list.label.clone().unwrap_or_else(|| list.name.clone());
        let list_sheet = if path.is_empty() {
            sheet_name(&label, &list.name)
        } else {
            sheet_name(&format!("{this_sheet}.{label}"), &list_path)
        };
        // Every candidate's items, each with its parent's key in the join column; only parents
        // that have items, so the first of them gives the example rows.
        let items: Vec<Candidate> = candidates
            .iter()
            .enumerate()
            .flat_map(|(k, c)| {
                let parent_key =
                    key.as_deref().and_then(|f| c.record.get(f)).and_then(cell).unwrap_or_default();
                let list_items = match c.record.get(&list.name).map(|n| &n.value) {
                    Some(Value::Array(items)) => items.as_slice(),
                    _ => &[],
                };
                list_items.iter().map(move |record| Candidate {
                    parent: k,
                    parent_key: parent_key.clone(),
                    record,
                })
            })
            .collect();
        match rb.item_rulebook(&list.name) {
            Some(sub) => {
                let sub_doc = document(&sub);
                collect(&sub, sub_doc.as_ref(), Some(join_header), list_path, list_sheet, &items, out);
            }
            None => {
                let fields = spec.and_then(|s| s.get("fields"));
                let mut columns =
                    vec![Column { header: join_header, note: JOIN_NOTE.to_owned(), kind: Kind::Free }];
                for (name, ty) in &list.fields {
                    let label =
                        string_at(fields.and_then(|f| f.get(name)), "label").unwrap_or(name).to_owned();
                    let field = Field { name, ty, label: Some(&label), required: true, ..Field::default() };
                    columns.push(column(&field, None));
                }
                let first_parent = items.first().map(|c| c.parent);
                let examples = items
                    .iter()
                    .take_while(|c| Some(c.parent) == first_parent)
                    .map(|c| {
                        std::iter::once(c.parent_key.clone())
                            .chain(
                                list.fields
                                    .iter()
                                    .map(|(f, _)| c.record.get(f).and_then(cell).unwrap_or_default()),
                            )
                            .collect()
                    })
                    .collect();
                out.push(Table { path: list_path, sheet: list_sheet, columns, examples });
            }
        }
    }
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), else the fallback.
fn sheet_name(wanted: &str, fallback: &str) -> String {
    let ok = |s: &str| {
        !s.is_empty() && s.chars().count() <= 31 && !s.contains(['[', ']', ':', '*', '?', '/', '\\'])
    };
    if ok(wanted) {
        wanted.to_owned()
    } else if ok(fallback) {
        fallback.to_owned()
    } else {
        fallback.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
    }
}

/// What a column is filled with: an input, or a field of an items list.
#[derive(Default)]
struct Field<'a> {
    name: &'a str,
    ty: &'a str,
    label: Option<&'a str>,
    unit: Option<&'a str>,
    required: bool,
    values: Option<&'a [String]>,
    min: Option<&'a str>,
    max: Option<&'a str>,
}

impl Field<'_> {
    fn of(i: &InputInfo) -> Field<'_> {
        Field {
            name: &i.name,
            ty: &i.ty,
            label: i.label.as_deref(),
            unit: i.unit.as_deref(),
            required: i.required,
            values: i.values.as_deref(),
            min: i.min.as_deref(),
            max: i.max.as_deref(),
        }
    }
}

/// The column of one input or field: its header, its note in words, what its cells may hold.
fn column(i: &Field, spec: Option<&Node>) -> Column {
    let header = i.label.unwrap_or(i.name).to_owned();
    // The unit first: the header is the label alone (the reader matches it), so the unit is read here.
    let mut note: Vec<String> = i.unit.map(|u| format!("单位：{u}")).into_iter().collect();
    let range = |what: &str| match (i.min, i.max) {
        (Some(a), Some(b)) => format!("{what}，{a} 至 {b}"),
        (Some(a), None) => format!("{what}，不小于 {a}"),
        (None, Some(b)) => format!("{what}，不大于 {b}"),
        (None, None) => what.to_owned(),
    };
    let (min, max) = (i.min.map(str::to_owned), i.max.map(str::to_owned));
    let kind = match i.ty {
        "boolean" => {
            note.push("填“是”或“否”".to_owned());
            Kind::Boolean
        }
        "integer" => {
            note.push(range("整数"));
            Kind::Integer(min, max)
        }
        "decimal" => {
            note.push(range("数值"));
            Kind::Decimal(min, max)
        }
        "numbers" => {
            note.push(range("多个分数，用顿号“、”或分号分隔"));
            Kind::Free
        }
        _ => {
            match i.values {
                Some(v) => note.push(format!("从下拉列表中选：{}", v.join("、"))),
                None => note.push("文字".to_owned()),
            }
            Kind::Text(i.values.map(<[String]>::to_vec))
        }
    };
    match spec.and_then(|s| s.get("default")).and_then(cell) {
        Some(d) if !d.is_empty() => note.push(format!("不填按 {d}")),
        _ if !i.required => note.push("可不填（不填视为无数据）".to_owned()),
        _ => note.push("必填".to_owned()),
    }
    if let Some(d) = string_at(spec, "description") {
        note.push(d.to_owned());
    }
    if i.label.is_some_and(|l| l != i.name) {
        note.push(format!("（字段 {}）", i.name));
    }
    Column { header, note: note.join("；"), kind }
}

/// The header, notes and example rows of a table as text (the first cells marked).
fn text_rows(t: &Table) -> Vec<Vec<String>> {
    let mut rows = vec![t.columns.iter().map(|c| c.header.clone()).collect::<Vec<_>>()];
    let mut notes: Vec<String> = t.columns.iter().map(|c| c.note.clone()).collect();
    if let Some(first) = notes.first_mut() {
        first.insert_str(0, NOTES);
    }
    rows.push(notes);
    for e in &t.examples {
        let mut e = e.clone();
        e.resize(t.columns.len(), String::new());
        if let Some(first) = e.first_mut() {
            first.insert_str(0, EXAMPLE);
        }
        rows.push(e);
    }
    if t.examples.is_empty() {
        let mut e = vec![String::new(); t.columns.len()];
        if let Some(first) = e.first_mut() {
            first.push_str(EXAMPLE);
        }
        rows.push(e);
    }
    rows
}

/// The CSV files: the units at `out`, each list at `<stem>.<list path>.csv` beside it.
fn write_csv(tables: &[Table], out: &str) -> Result<Vec<String>, Fail> {
    let stem = out.strip_suffix(".csv").or_else(|| out.strip_suffix(".CSV")).unwrap_or(out);
    let mut written = Vec::new();
    for t in tables {
        let path = if t.path.is_empty() { out.to_owned() } else { format!("{stem}.{}.csv", t.path) };
        let mut text = String::from("\u{feff}");
        for row in text_rows(t) {
            crate::csv_text::csv_line(&mut text, row.iter().map(String::as_str));
        }
        std::fs::write(&path, text).map_err(|e| write_fail(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

fn write_xlsx(tables: &[Table], out: &str) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#DDEBF7");
    let notes = Format::new()
        .set_italic()
        .set_font_color("#595959")
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let example = Format::new().set_font_color("#7F7F7F");
    let text = Format::new().set_num_format("@");
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(&t.sheet)?;
        let rows = text_rows(t);
        for (col, c) in t.columns.iter().enumerate() {
            let col = col as u16;
            sheet.set_column_width(col, (c.header.chars().count() as f64 * 2.2).clamp(12.0, 40.0))?;
            if matches!(c.kind, Kind::Text(_) | Kind::Free) {
                // Codes (行政区划代码) stay text rather than becoming numbers.
                sheet.set_column_format(col, &text)?;
            }
        }
        for (r, row) in rows.iter().enumerate() {
            for (col, value) in row.iter().enumerate() {
                let (r, col) = (r as u32, col as u16);
                match r {
                    0 => {
                        sheet.write_string_with_format(r, col, value, &header)?;
                    }
                    1 => {
                        sheet.write_string_with_format(r, col, value, &notes)?;
                    }
                    _ => write_example(sheet, r, col, value, &t.columns[col as usize].kind, &example)?,
                }
            }
        }
        // Each header cell's note repeats its column's notes (shown on hover, wherever one scrolls).
        for (col, c) in t.columns.iter().enumerate() {
            sheet.insert_note(
                0,
                col as u16,
                &Note::new(&c.note).set_author("kaoping").set_width(320).set_height(140),
            )?;
        }
        sheet.set_row_height(1, 60)?;
        let first = rows.len() as u32;
        sheet.set_freeze_panes(1, 0)?;
        for (col, c) in t.columns.iter().enumerate() {
            if let Some(v) = validation(c)? {
                sheet.add_data_validation(first, col as u16, LAST_VALIDATED_ROW, col as u16, &v)?;
            }
        }
    }
    book.save(out)
}

/// An example cell: numbers as numbers (a marked first cell stays text).
fn write_example(
    sheet: &mut Worksheet,
    r: u32,
    col: u16,
    value: &str,
    kind: &Kind,
    format: &Format,
) -> Result<(), XlsxError> {
    let number =
        matches!(kind, Kind::Integer(..) | Kind::Decimal(..)).then(|| value.parse::<f64>().ok()).flatten();
    match number {
        Some(n) => sheet.write_number_with_format(r, col, n, format)?,
        None => sheet.write_string_with_format(r, col, value, format)?,
    };
    Ok(())
}

/// The data validation of a column: 是/否, the allowed values, whole or decimal numbers in range.
fn validation(c: &Column) -> Result<Option<DataValidation>, XlsxError> {
    let v = match &c.kind {
        Kind::Boolean => DataValidation::new().allow_list_strings(&["是", "否"])?,
        Kind::Text(Some(values)) => match DataValidation::new().allow_list_strings(values) {
            Ok(v) => v,
            // Longer lists than Excel's 255 characters: the note lists them.
            Err(_) => return Ok(None),
        },
        Kind::Integer(min, max) => {
            let int = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<i32>().ok());
            DataValidation::new().allow_whole_number(rule(int(min), int(max), i32::MIN, i32::MAX))
        }
        Kind::Decimal(min, max) => {
            let num = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<f64>().ok());
            DataValidation::new().allow_decimal_number(rule(num(min), num(max), f64::MIN, f64::MAX))
        }
        Kind::Text(None) | Kind::Free => return Ok(None),
    };
    let note: String = c.note.chars().take(250).collect();
    let title: String = c.header.chars().take(32).collect();
    Ok(Some(v.set_input_title(title)?.set_input_message(note)?.set_error_title("超出允许的取值")?))
}

fn rule<T: rust_xlsxwriter::IntoDataValidationValue>(
    min: Option<T>,
    max: Option<T>,
    lowest: T,
    highest: T,
) -> DataValidationRule<T> {
    match (min, max) {
        (Some(a), Some(b)) => DataValidationRule::Between(a, b),
        (Some(a), None) => DataValidationRule::GreaterThanOrEqualTo(a),
        (None, Some(b)) => DataValidationRule::LessThanOrEqualTo(b),
        (None, None) => DataValidationRule::Between(lowest, highest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_excel_accepts() {
        assert_eq!(sheet_name("竞赛获奖", "awards"), "竞赛获奖");
        assert_eq!(sheet_name("a/b", "awards"), "awards");
        assert_eq!(sheet_name(&"长".repeat(40), "awards"), "awards");
    }

    #[test]
    fn every_table_of_a_rulebook_with_items() {
        let rb = Rulebook::builtin("cd.school.science-education").unwrap();
        let t = tables(&rb);
        let paths: Vec<&str> = t.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(paths, ["", "terms", "awards"]);
        // Each list's table starts with the column joining it to the school.
        assert_eq!(t[1].columns[0].header, "学校");
        assert!(t[0].columns.iter().any(|c| c.header == "学段" && matches!(&c.kind, Kind::Text(Some(_)))));
        assert!(!t[0].examples.is_empty() && !t[2].examples.is_empty());
    }
}
