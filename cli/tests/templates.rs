//! `kaoping template` round trip, for every built-in rulebook, as .csv and as .xlsx: the template
//! is written, then filled here as staff would fill it (its header, notes and example rows kept;
//! one data row per `[[test]]` case of the rulebook that scores, each unit under a key of its own,
//! its lists' items in the lists' tables under that key), then scored with `kaoping score`
//! unchanged (`--items` for each list): every row scores, no item is left unmatched.
//!
//! The filling does not read the template's notes: it maps each header to an input or field by
//! the rulebook alone (name or label), so a header the reader would not match fails here too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kaoping::internals::syntax::{Node, Value};
use kaoping::{Format, Rulebook};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The command, in English (these tests read its closing line and notes).
fn kaoping(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(["--lang", "en"])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kaoping-templates-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A record value as staff type it (booleans 是/否, marks joined by 、).
fn typed(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.clone(),
        Value::Integer(n) | Value::Float(n) => n.clone(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Value::Date(d) => d.to_string(),
        Value::Array(marks) => marks.iter().map(typed).collect::<Vec<_>>().join("、"),
        Value::Table(_) | Value::Null => String::new(),
    }
}

fn doc(rb: &Rulebook) -> Node {
    kaoping::internals::syntax::parse(rb.text().unwrap(), rb.text_format().unwrap_or(Format::Toml)).unwrap()
}

/// The records of the rulebook's tests that score.
fn test_records(doc: &Node) -> Vec<Node> {
    let Some(Value::Array(tests)) = doc.get("test").map(|t| &t.value) else { return Vec::new() };
    tests
        .iter()
        .filter(|t| t.get("expect").and_then(|e| e.get("error")).is_none())
        .filter_map(|t| t.get("record").cloned())
        .collect()
}

/// One record to write: the key of its parent (for a list's join column) and its own key.
struct Unit {
    parent: String,
    key: String,
    record: Node,
}

/// The data rows of every table (by list path, `""` for the units), given each table's header.
fn fill(
    rb: &Rulebook,
    path: &str,
    units: &[Unit],
    headers: &BTreeMap<String, Vec<String>>,
    out: &mut BTreeMap<String, Vec<Vec<String>>>,
) {
    let header = &headers[path];
    let inputs = rb.inputs();
    let key = rb.key_field_name();
    let rows = out.entry(path.to_owned()).or_default();
    for u in units {
        let row = header
            .iter()
            .enumerate()
            .map(|(c, h)| {
                if c == 0 && !path.is_empty() {
                    return u.parent.clone(); // the join column
                }
                let i = rb
                    .input_by_name_or_label(h)
                    .unwrap_or_else(|| panic!("{}: header {h} is no input", rb.id()));
                let name = &inputs[i].name;
                if key.as_deref() == Some(name.as_str()) {
                    return u.key.clone();
                }
                u.record.get(name).map(typed).unwrap_or_default()
            })
            .collect();
        rows.push(row);
    }
    let declared = doc(rb);
    for list in inputs.iter().filter(|i| i.ty == "items") {
        let list_path = if path.is_empty() { list.name.clone() } else { format!("{path}.{}", list.name) };
        let items: Vec<Unit> = units
            .iter()
            .flat_map(|u| {
                let items = match u.record.get(&list.name).map(|n| &n.value) {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                };
                items.into_iter().enumerate().map(|(j, record)| Unit {
                    parent: u.key.clone(),
                    key: format!("{}-{}", u.key, j + 1),
                    record,
                })
            })
            .collect();
        match rb.item_rulebook(&list.name) {
            Some(sub) => fill(&sub, &list_path, &items, headers, out),
            None => {
                // A `fields` list: headers are field names or their labels.
                let fields =
                    declared.get("inputs").and_then(|i| i.get(&list.name)).and_then(|l| l.get("fields"));
                let field_of = |h: &str| -> String {
                    if list.fields.iter().any(|(n, _)| n == h) {
                        return h.to_owned();
                    }
                    let Some(Value::Table(entries)) = fields.map(|f| &f.value) else { panic!("{h}") };
                    entries
                        .iter()
                        .find(|e| matches!(&e.value.get("label").map(|l| &l.value), Some(Value::String(l)) if l == h))
                        .map(|e| e.key.clone())
                        .unwrap_or_else(|| panic!("{}: header {h} is no field of {}", rb.id(), list.name))
                };
                let header = &headers[&list_path];
                let rows = out.entry(list_path.clone()).or_default();
                for u in &items {
                    let row = header
                        .iter()
                        .enumerate()
                        .map(|(c, h)| {
                            if c == 0 {
                                u.parent.clone()
                            } else {
                                u.record.get(&field_of(h)).map(typed).unwrap_or_default()
                            }
                        })
                        .collect();
                    rows.push(row);
                }
            }
        }
    }
}

/// The list paths of a rulebook, depth first, as the template orders its tables.
fn list_paths(rb: &Rulebook, path: &str, out: &mut Vec<String>) {
    out.push(path.to_owned());
    for list in rb.inputs().iter().filter(|i| i.ty == "items") {
        let p = if path.is_empty() { list.name.clone() } else { format!("{path}.{}", list.name) };
        match rb.item_rulebook(&list.name) {
            Some(sub) => list_paths(&sub, &p, out),
            None => out.push(p),
        }
    }
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> =
        cells
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
    quoted.join(",") + "\n"
}

/// The units: one per test record that scores, under keys of their own (keys must be unique in
/// a table that lists join on).
fn units(rb: &Rulebook) -> Vec<Unit> {
    test_records(&doc(rb))
        .into_iter()
        .enumerate()
        .map(|(i, record)| Unit { parent: String::new(), key: format!("U{}", i + 1), record })
        .collect()
}

fn check_scored(id: &str, r: &Run, n: usize, form: &str) {
    assert!(n > 0, "{id}: the rulebook has test cases to fill the template with");
    assert_eq!(r.code, 0, "{id} ({form}): {}\n{}", r.stderr, r.stdout);
    assert!(r.stderr.contains(&format!("{n} rows, {n} scored, 0 failed")), "{id} ({form}): {}", r.stderr);
    assert!(!r.stderr.contains("match no unit"), "{id} ({form}): {}", r.stderr);
    assert!(
        !r.stderr.contains("not an input") && !r.stderr.contains("ignored"),
        "{id} ({form}): {}",
        r.stderr
    );
}

#[test]
fn every_builtin_round_trips_as_csv() {
    for id in Rulebook::builtin_ids() {
        let rb = Rulebook::builtin(id).unwrap();
        let d = dir(&format!("csv-{id}"));
        let out = d.join("模板.csv");
        let r = kaoping(&["template", &format!("builtin:{id}"), "--out", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        let mut paths = Vec::new();
        list_paths(&rb, "", &mut paths);
        let file = |p: &str| if p.is_empty() { out.clone() } else { d.join(format!("模板.{p}.csv")) };
        let mut headers = BTreeMap::new();
        let mut written = BTreeMap::new();
        for p in &paths {
            let bytes = std::fs::read(file(p)).unwrap_or_else(|e| panic!("{id}: {p}: {e}"));
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{id}: {p}: a UTF-8 BOM");
            let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
            let (header, rows) = kaoping::table::parse_csv(&text).unwrap();
            assert!(rows[0].cells[0].starts_with("【说明】"), "{id}: {p}: the notes row");
            assert!(rows[1].cells[0].starts_with("【示例】"), "{id}: {p}: the example row");
            headers.insert(p.clone(), header);
            written.insert(p.clone(), text);
        }
        let units = units(&rb);
        let mut rows = BTreeMap::new();
        fill(&rb, "", &units, &headers, &mut rows);
        let mut args = vec!["score".to_owned(), format!("builtin:{id}")];
        for p in &paths {
            let mut text = String::from("\u{feff}") + &written[p];
            for row in &rows[p] {
                text.push_str(&csv_line(row));
            }
            let filled =
                d.join(if p.is_empty() { "filled.csv".to_owned() } else { format!("filled.{p}.csv") });
            std::fs::write(&filled, text).unwrap();
            if p.is_empty() {
                args.push(filled.to_str().unwrap().to_owned());
            } else {
                args.push("--items".to_owned());
                args.push(format!("{p}={}", filled.to_str().unwrap()));
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        check_scored(id, &kaoping(&args), units.len(), "csv");
    }
}

#[test]
fn every_builtin_round_trips_as_xlsx() {
    use calamine::Reader;
    for id in Rulebook::builtin_ids() {
        let rb = Rulebook::builtin(id).unwrap();
        let d = dir(&format!("xlsx-{id}"));
        let out = d.join("模板.xlsx");
        let r = kaoping(&["template", &format!("builtin:{id}"), "--out", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        let mut paths = Vec::new();
        list_paths(&rb, "", &mut paths);
        let mut book = calamine::open_workbook_auto(&out).unwrap();
        let sheets = book.sheet_names();
        assert_eq!(sheets.len(), paths.len(), "{id}: a sheet per table: {sheets:?}");
        let mut headers = BTreeMap::new();
        let mut template = BTreeMap::new();
        for (p, s) in paths.iter().zip(&sheets) {
            let range = book.worksheet_range(s).unwrap();
            let cells: Vec<Vec<String>> =
                range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
            assert!(cells[1][0].starts_with("【说明】") && cells[2][0].starts_with("【示例】"), "{id}: {s}");
            headers.insert(p.clone(), cells[0].clone());
            template.insert(p.clone(), cells);
        }
        let units = units(&rb);
        let mut rows = BTreeMap::new();
        fill(&rb, "", &units, &headers, &mut rows);
        // The filled workbook: the template's rows, then the data; numbers as numbers.
        let filled = d.join("filled.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (p, s) in paths.iter().zip(&sheets) {
            let sheet = wb.add_worksheet();
            sheet.set_name(s).unwrap();
            for (r, row) in template[p].iter().chain(&rows[p]).enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match v.parse::<f64>() {
                        Ok(n) if r > 2 && !v.is_empty() => sheet.write_number(r, c, n).unwrap(),
                        _ => sheet.write_string(r, c, v).unwrap(),
                    };
                }
            }
        }
        wb.save(&filled).unwrap();
        let file = filled.to_str().unwrap().to_owned();
        let mut args = vec!["score".to_owned(), format!("builtin:{id}"), file.clone()];
        for (p, s) in paths.iter().zip(&sheets).skip(1) {
            args.push("--items".to_owned());
            args.push(format!("{p}={file}#{s}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        check_scored(id, &kaoping(&args), units.len(), "xlsx");
    }
}

/// The workbook carries the validation the notes describe: 是/否 for booleans, the allowed values
/// as a drop-down, whole numbers from min — read from the sheet's XML.
#[test]
fn the_workbook_validates_what_staff_type() {
    let d = dir("validation");
    let out = d.join("模板.xlsx");
    let r = kaoping(&["template", "builtin:cd.school.science-education", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("<dataValidation type=\"list\""), "{xml}");
    assert!(xml.contains("\"是,否\""), "booleans: 是/否");
    assert!(xml.contains("\"小学,初中,高中\""), "the stage's values");
    assert!(xml.contains("type=\"whole\" operator=\"greaterThanOrEqual\""), "integers from min");
    // Below the header, notes and example rows only.
    assert!(xml.contains("sqref=\"B4:B100001\""), "{xml}");
    // Each header cell carries its notes (a cell note), the unit first.
    assert!(zip.by_name("xl/comments1.xml").is_ok(), "header notes");
    // Neither .xlsx nor .csv: refused, nothing written.
    let r = kaoping(&[
        "template",
        "builtin:cd.school.science-education",
        "--out",
        d.join("t.txt").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!d.join("t.txt").exists());
    // The units' sheet first, then each list's, by the list's label.
    let sheets = calamine::open_workbook_auto(&out)
        .map(|b: calamine::Sheets<_>| calamine::Reader::sheet_names(&b))
        .unwrap();
    assert_eq!(sheets[1..], ["学期过程记录", "竞赛获奖"]);
}

/// The notes and example rows are skipped only where the template puts them (directly below the
/// header): a marked row further down is data and fails as such.
#[test]
fn a_marked_row_below_data_is_data() {
    let d = dir("marked");
    let data = d.join("data.csv");
    let text = std::fs::read_to_string(root().join("cli/tests/data/example.county-assessment.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let first = lines.next().unwrap();
    let shown = format!("{header}\n【说明】县名,…\n{first}\n【示例】{first}\n");
    std::fs::write(&data, shown).unwrap();
    let r = kaoping(&["score", "builtin:example.county-assessment", data.to_str().unwrap()]);
    assert!(r.stderr.contains("2 rows"), "{}", r.stderr);
    assert!(r.stdout.lines().nth(2).unwrap().contains("【示例】"), "{}", r.stdout);
}
