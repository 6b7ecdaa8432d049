//! End-to-end tests of the `kaoping` binary: the sample table of every built-in rulebook in the
//! three forms staff receive (UTF-8 CSV, GB18030 CSV, .xlsx — byte-identical results) against
//! golden files, rows made bad on purpose failing exactly as their 备注 says, totals equal to the
//! library's and to the golden vectors of the independent reference, the benchmark rulebook
//! against the exact reference, and the exit codes and messages for bad arguments, missing files,
//! malformed rulebooks and bad rows.
//!
//! Golden files live in `cli/tests/golden/`. After a deliberate change, regenerate them with
//! `KAOPING_BLESS=1 cargo test -p kaoping-cli --test cli`, read the diff, and commit.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A built-in rulebook, its sample table and the items tables it joins (NAME, FILE).
struct Sample {
    id: &'static str,
    data: &'static str,
    items: &'static [(&'static str, &'static str)],
}

const AWARDS: &[(&str, &str)] = &[("awards", "core/rulebooks/samples/awards.csv")];

/// Every built-in rulebook and its sample table, as `core/tests/builtins.rs` pairs them (the
/// spec's example has its own small table). A new built-in is one line here, then bless.
const SAMPLES: &[Sample] = &[
    Sample {
        id: "example.county-assessment",
        data: "cli/tests/data/example.county-assessment.csv",
        items: &[],
    },
    Sample { id: "cn.poverty.household-exit", data: "core/rulebooks/samples/households.csv", items: &[] },
    Sample { id: "sc.poverty.household-exit", data: "core/rulebooks/samples/households.csv", items: &[] },
    Sample { id: "sc.poverty.village-exit", data: "core/rulebooks/samples/villages.csv", items: &[] },
    Sample { id: "sc.poverty.county-exit", data: "core/rulebooks/samples/counties.csv", items: &[] },
    Sample { id: "sc.poverty.county-assessment", data: "core/rulebooks/samples/counties.csv", items: &[] },
    Sample { id: "sc.poverty.county-combined", data: "core/rulebooks/samples/counties.csv", items: &[] },
    Sample {
        id: "sc.poverty.county-combined.acceptance",
        data: "core/rulebooks/samples/counties.csv",
        items: &[],
    },
    Sample {
        id: "sc.poverty.county-combined.third-party",
        data: "core/rulebooks/samples/counties.csv",
        items: &[],
    },
    Sample {
        id: "sc.poverty.county-combined.departments",
        data: "core/rulebooks/samples/counties.csv",
        items: &[],
    },
    Sample { id: "cd.school.science-education", data: "core/rulebooks/samples/schools.csv", items: AWARDS },
    Sample { id: "cd.school.target", data: "core/rulebooks/samples/schools.csv", items: AWARDS },
    Sample { id: "cn.science-literacy", data: "core/rulebooks/samples/respondents.csv", items: &[] },
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaoping-cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn kaoping(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_kaoping")).args(args).current_dir(root()).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Compare `got` with a golden file (or write it under KAOPING_BLESS=1).
fn golden(name: &str, got: &str) {
    let path = root().join("cli/tests/golden").join(name);
    if std::env::var_os("KAOPING_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("no golden file {}: run KAOPING_BLESS=1 cargo test -p kaoping-cli --test cli, review it, commit it", path.display())
    });
    assert_eq!(got, want, "output differs from {}", path.display());
}

fn read_csv_rows(text: &str) -> Vec<Vec<String>> {
    let (header, rows) = kaoping::table::parse_csv(text.trim_start_matches('\u{feff}')).unwrap();
    std::iter::once(header).chain(rows.into_iter().map(|r| r.cells)).collect()
}

fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let k = rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[k].as_str()).collect()
}

/// The same table as an .xlsx file, the way Excel stores it: numbers as numbers, text as text.
fn csv_to_xlsx(csv: &str, path: &Path) {
    let rows = read_csv_rows(csv);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("数据").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let plain_number = !cell.is_empty()
                && cell.chars().all(|ch| ch.is_ascii_digit() || ch == '.' || ch == '-')
                && cell.parse::<f64>().is_ok();
            if plain_number {
                sheet.write_number(r as u32, c as u16, cell.parse::<f64>().unwrap()).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// `score builtin:<id> DATA [--items NAME=FILE…]`.
fn score_args(s: &Sample, data: &str, items: &[String]) -> Vec<String> {
    let mut args = vec!["score".to_owned(), format!("builtin:{}", s.id), data.to_owned()];
    for spec in items {
        args.extend(["--items".to_owned(), spec.clone()]);
    }
    args
}

fn run_args(args: &[String]) -> Run {
    kaoping(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A table written as GB18030 under tmp (as Excel on Chinese Windows saves CSV).
fn as_gb18030(path: &str, name: &str) -> String {
    let text = read(path);
    let (bytes, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy);
    let out = tmp(name);
    std::fs::write(&out, bytes).unwrap();
    out.display().to_string()
}

/// A table written as an .xlsx workbook under tmp (its sheet is 数据).
fn as_xlsx(path: &str, name: &str) -> String {
    let out = tmp(name);
    csv_to_xlsx(&read(path), &out);
    out.display().to_string()
}

/// The sample (and its items tables) in one form: the data file and the `--items` specs.
fn sample_in(s: &Sample, form: &str) -> (String, Vec<String>) {
    let stem = |p: &str| Path::new(p).file_stem().unwrap().to_str().unwrap().to_owned();
    let convert = |p: &str| match form {
        "utf-8" => p.to_owned(),
        "gb18030" => as_gb18030(p, &format!("{}.{}.gbk.csv", s.id, stem(p))),
        "xlsx" => as_xlsx(p, &format!("{}.{}.xlsx", s.id, stem(p))),
        other => panic!("{other}"),
    };
    let items = s
        .items
        .iter()
        .map(|(name, file)| {
            let f = convert(file);
            if form == "xlsx" { format!("{name}={f}#数据") } else { format!("{name}={f}") }
        })
        .collect();
    (convert(s.data), items)
}

/// The sample of every built-in, as UTF-8 CSV, GB18030 CSV and .xlsx: byte-identical results,
/// equal to the golden file; the same rows on stdout, as JSON and as .xlsx; ranks by total.
#[test]
fn samples_in_every_form_match_their_golden_files() {
    for s in SAMPLES {
        let (data, items) = sample_in(s, "utf-8");
        let out = tmp(&format!("{}.results.csv", s.id));
        let mut args = score_args(s, &data, &items);
        args.extend(["--out".to_owned(), out.display().to_string()]);
        let r = run_args(&args);
        assert!(r.code == 0 || r.code == 1, "{}: {}", s.id, r.stderr);
        let results = std::fs::read_to_string(&out).unwrap();
        assert!(results.starts_with('\u{feff}'), "a .csv file gets a BOM so Excel reads it as UTF-8");
        golden(&format!("{}.csv", s.id), &results);
        golden(&format!("{}.stderr", s.id), &r.stderr.replace(&root().display().to_string(), "<root>"));
        let results = results.trim_start_matches('\u{feff}');

        // The same rows on stdout (no BOM), from GB18030 (detected, and given), .xlsx, and UTF-8
        // with a BOM: byte-identical.
        let stdout = run_args(&score_args(s, &data, &items));
        assert_eq!((stdout.code, stdout.stdout.as_str()), (r.code, results), "{}: stdout", s.id);
        for form in ["gb18030", "xlsx"] {
            let (data, items) = sample_in(s, form);
            let again = run_args(&score_args(s, &data, &items));
            assert_eq!(again.code, r.code, "{} as {form}: {}", s.id, again.stderr);
            assert!(again.stdout == results, "{} as {form} gives different results", s.id);
        }
        let (gbk, gbk_items) = sample_in(s, "gb18030");
        let mut given = score_args(s, &gbk, &gbk_items);
        given.extend(["--encoding".to_owned(), "gbk".to_owned()]);
        assert!(run_args(&given).stdout == results, "{}: --encoding gbk", s.id);
        let bom = tmp(&format!("{}.bom.csv", s.id));
        std::fs::write(&bom, format!("\u{feff}{}", read(s.data))).unwrap();
        assert!(run_args(&score_args(s, bom.to_str().unwrap(), &items)).stdout == results, "{}: BOM", s.id);

        // As JSON: the same rows.
        let json_out = tmp(&format!("{}.results.json", s.id));
        let mut args = score_args(s, &data, &items);
        args.extend(["--out".to_owned(), json_out.display().to_string()]);
        assert_eq!(run_args(&args).code, r.code);
        let json = std::fs::read_to_string(&json_out).unwrap();
        assert_json_rows_equal_csv(&json, results, s.id);
        if s.id == "example.county-assessment" {
            golden(&format!("{}.json", s.id), &json);
        }

        // With ranks (gathered, one thread): the same rows plus competition ranks by total.
        let mut args = score_args(s, &data, &items);
        args.extend(["--ranks", "--jobs", "1"].map(str::to_owned));
        let ranked = run_args(&args);
        assert_ranks_follow_totals(&ranked.stdout, results, s.id);
        if s.id == "example.county-assessment" {
            golden(&format!("{}.ranks.csv", s.id), &ranked.stdout);
        }

        // --out .xlsx holds the same cells (numbers as numbers).
        let xlsx_out = tmp(&format!("{}.results.xlsx", s.id));
        let mut args = score_args(s, &data, &items);
        args.extend(["--out".to_owned(), xlsx_out.display().to_string()]);
        assert_eq!(run_args(&args).code, r.code);
        let (header, rows) = kaoping_xlsx_read(&xlsx_out);
        let want = read_csv_rows(results);
        assert_eq!(header, want[0]);
        assert_eq!(rows.len(), want.len() - 1);
        for (got, want) in rows.iter().zip(&want[1..]) {
            for (g, w) in got.iter().zip(want) {
                let same_number = matches!((g.parse::<f64>(), w.parse::<f64>()), (Ok(a), Ok(b)) if a == b);
                assert!(g == w || same_number, "{}: xlsx cell {g:?} vs csv {w:?}", s.id);
            }
        }
    }
}

/// The JSON results hold the CSV results' rows: keys, totals, grades, every indicator's points,
/// vetoes and error kinds.
fn assert_json_rows_equal_csv(json: &str, csv: &str, id: &str) {
    let rows = read_csv_rows(csv);
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), rows.len() - 1, "{id}");
    let text = |x: &serde_json::Value| match x {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (o, row) in list.iter().zip(&rows[1..]) {
        let cell = |name: &str| row[rows[0].iter().position(|h| h == name).unwrap()].as_str();
        for name in ["row", "line", "key", "total", "max", "grade"] {
            assert_eq!(text(&o[name]), cell(name), "{id}: {name} of row {}", cell("row"));
        }
        assert_eq!(text(&o["error"]["kind"]), cell("error_kind"), "{id}: row {}", cell("row"));
        let vetoes: Vec<String> = o["vetoes"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(vetoes.join(";"), cell("vetoes"));
        for (ind, p) in o["points"].as_object().unwrap() {
            assert_eq!(text(p), cell(ind), "{id}: {ind} of row {}", cell("row"));
        }
    }
}

/// `ranked` is `plain` with rank (and profile_rank) columns: competition ranks by total, best
/// first, equal totals sharing a rank, failed rows unranked.
fn assert_ranks_follow_totals(ranked: &str, plain: &str, id: &str) {
    let (r, p) = (read_csv_rows(ranked), read_csv_rows(plain));
    let rank_cols: Vec<usize> =
        r[0].iter().enumerate().filter(|(_, h)| h.ends_with("rank")).map(|(i, _)| i).collect();
    let strip = |row: &Vec<String>| -> Vec<String> {
        row.iter().enumerate().filter(|(i, _)| !rank_cols.contains(i)).map(|(_, c)| c.clone()).collect()
    };
    assert_eq!(r.iter().map(strip).collect::<Vec<_>>(), p, "{id}: ranks change nothing else");
    let totals: Vec<Option<f64>> = column(&r, "total").iter().map(|t| t.parse().ok()).collect();
    for (i, rank) in column(&r, "rank").iter().enumerate() {
        let want = totals[i].map(|t| 1 + totals.iter().flatten().filter(|&&o| o > t).count());
        assert_eq!(rank.parse::<usize>().ok(), want, "{id}: rank of row {}", i + 1);
    }
}

/// What a sample row's 备注 cell expects from `rulebook` (`期望错误 <id>=<Kind>` or
/// `期望错误 *=<Kind>`), read as `core/tests/builtins.rs` reads it.
fn expected_error(note: &str, rulebook: &str) -> Option<String> {
    note.split('；').find_map(|part| {
        let rest = part.trim().strip_prefix("期望错误")?.trim();
        let (who, kind) = rest.split_once('=')?;
        (who == "*" || who == rulebook).then(|| kind.trim().to_owned())
    })
}

/// The rows made bad on purpose are exactly the failed ones, with the kind their 备注 names,
/// and are named on stderr; every other row has the library's total, grade, criteria and points
/// (the library as `core/tests/builtins.rs` scores the samples).
#[test]
fn builtin_samples_fail_exactly_where_marked_and_score_as_the_library_does() {
    for s in SAMPLES.iter().filter(|s| s.id != "example.county-assessment") {
        let (data, items) = sample_in(s, "utf-8");
        let r = run_args(&score_args(s, &data, &items));
        let rows = read_csv_rows(&r.stdout);
        let text = read(s.data);
        let (header, raw) = kaoping::table::parse_csv(&text).unwrap();
        let note_at = header.iter().position(|h| h == "备注").unwrap();
        let expected: Vec<Option<String>> =
            raw.iter().map(|r| expected_error(&r.cells[note_at], s.id)).collect();
        assert_eq!(rows.len() - 1, raw.len(), "{}", s.id);
        let kinds = column(&rows, "error_kind");
        let mut marked = 0;
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(kinds[i], want.as_deref().unwrap_or(""), "{}: data row {}", s.id, i + 1);
            marked += usize::from(want.is_some());
        }
        assert!(marked >= 1, "{}: no row is bad on purpose", s.id);
        assert_eq!(r.code, 1, "{}: rows failed, so exit 1", s.id);
        let ok = raw.len() - marked;
        assert!(
            r.stderr.contains(&format!("{} 行，评分 {ok} 行，失败 {marked} 行", raw.len())),
            "{}: {}",
            s.id,
            r.stderr
        );

        // The library on the same table.
        let rb = kaoping::Rulebook::builtin(s.id).unwrap();
        let mut t = kaoping::table::read_csv(&rb, text.as_bytes(), None).unwrap();
        let children = s
            .items
            .iter()
            .map(|(name, file)| {
                kaoping::table::ChildTable::from_csv(*name, read(file).as_bytes(), None).unwrap()
            })
            .collect();
        kaoping::table::join_items(&rb, &mut t.records, children).unwrap();
        let records: Vec<_> = t.records.into_iter().map(Result::unwrap).collect();
        let batch = rb.score_batch(&records, &kaoping::BatchOptions::default());
        // The closing summary counts what the library counts: each grade, and criteria met.
        let summary = batch.summary();
        for g in &summary.grades {
            assert!(r.stderr.contains(&format!("{} {}", g.grade, g.count)), "{}: {}", s.id, r.stderr);
        }
        if let Some(n) = summary.passed {
            assert!(r.stderr.contains(&format!("；达标 {n} 行")), "{}: {}", s.id, r.stderr);
        }
        let show = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        let indicators = rb.indicators();
        for (i, row) in batch.rows().enumerate() {
            let at = |name: &str| rows[i + 1][rows[0].iter().position(|h| h == name).unwrap()].as_str();
            let what = format!("{}: data row {} ({})", s.id, i + 1, row.key());
            assert_eq!(at("key"), row.key(), "{what}");
            assert_eq!(
                at("error_kind"),
                row.error().map(|e| e.kind().to_string()).unwrap_or_default(),
                "{what}"
            );
            assert_eq!(at("total"), show(row.total()), "{what}");
            assert_eq!(at("grade"), row.grade().unwrap_or(""), "{what}");
            if rows[0].iter().any(|h| h == "passed") {
                assert_eq!(at("passed"), row.passed().map(|p| p.to_string()).unwrap_or_default(), "{what}");
            }
            for (k, ind) in indicators.iter().enumerate() {
                assert_eq!(at(&ind.id), show(row.points_at(k)), "{what}: {}", ind.id);
            }
        }
    }
}

/// The golden vectors' cases (`tests/vectors/<id>.json`, worked out by the independent exact
/// reference) given to the command as JSON data, grouped by their call's profile and date: every
/// key, total, maximum, grade, criterion, point and veto as the reference says, and the errors
/// of the kind it says.
#[test]
fn golden_vector_cases_score_as_the_reference_says() {
    let mut compared = 0;
    for s in SAMPLES.iter().filter(|s| s.id != "example.county-assessment") {
        let v: serde_json::Value =
            serde_json::from_str(&read(&format!("tests/vectors/{}.json", s.id))).unwrap();
        let cases = v["cases"].as_array().unwrap();
        let mut calls: Vec<(serde_json::Value, serde_json::Value)> = Vec::new();
        for c in cases {
            let call = (c["profile"].clone(), c["as_of"].clone());
            if !calls.contains(&call) {
                calls.push(call);
            }
        }
        for (g, (profile, as_of)) in calls.iter().enumerate() {
            let group: Vec<&serde_json::Value> =
                cases.iter().filter(|c| (&c["profile"], &c["as_of"]) == (profile, as_of)).collect();
            let records: Vec<&serde_json::Value> = group.iter().map(|c| &c["record"]).collect();
            let data = tmp(&format!("{}.vector-{g}.json", s.id));
            std::fs::write(&data, serde_json::to_string(&records).unwrap()).unwrap();
            let out = tmp(&format!("{}.vector-{g}.results.json", s.id));
            let mut args = vec![
                "score".to_owned(),
                format!("builtin:{}", s.id),
                data.display().to_string(),
                "--out".to_owned(),
                out.display().to_string(),
            ];
            if let Some(p) = profile.as_str() {
                args.extend(["--profile".to_owned(), p.to_owned()]);
            }
            if let Some(d) = as_of.as_str() {
                args.extend(["--as-of".to_owned(), d.to_owned()]);
            }
            let r = run_args(&args);
            assert!(r.code == 0 || r.code == 1, "{}: {}", s.id, r.stderr);
            let got: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
            let got = got.as_array().unwrap();
            assert_eq!(got.len(), group.len());
            for (c, o) in group.iter().zip(got) {
                let what = format!("{} · {}", s.id, c["name"].as_str().unwrap_or("?"));
                let e = &c["expect"];
                if let Some(kind) = e["error"]["kind"].as_str() {
                    assert_eq!(o["error"]["kind"].as_str(), Some(kind), "{what}: {o}");
                } else {
                    assert!(o["error"].is_null(), "{what}: {o}");
                    for name in ["key", "total", "max", "grade", "passed"] {
                        if e.get(name).is_some() {
                            assert_eq!(o[name], e[name], "{what}: {name}");
                        }
                    }
                    for (id, p) in e["points"].as_object().into_iter().flatten() {
                        assert_eq!(&o["points"][id], p, "{what}: points of {id}");
                    }
                    if let Some(vetoes) = e.get("vetoes") {
                        assert_eq!(&o["vetoes"], vetoes, "{what}: vetoes");
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 200, "{compared} cases");
}

fn kaoping_xlsx_read(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    // The sheet is named after the rulebook; its first row holds the labels, the second the ids.
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let width = range.width();
    let mut rows = range.rows().map(|r| {
        let mut cells: Vec<String> = r
            .iter()
            .map(|c| match c {
                calamine::Data::Float(f) => format!("{f}"),
                calamine::Data::Empty => String::new(),
                other => other.to_string(),
            })
            .collect();
        cells.resize(width, String::new());
        cells
    });
    let _labels = rows.next().unwrap();
    let header = rows.next().unwrap();
    (header, rows.collect())
}

/// Totals worked out by hand from the example rulebook (its `[[test]]` comments and the sample's
/// notes), independent of the engine.
#[test]
fn example_sample_totals_are_the_hand_worked_ones() {
    let r = kaoping(&[
        "score",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
    ]);
    assert_eq!(r.code, 1, "three rows of the sample are bad: exit 1");
    let rows = read_csv_rows(&r.stdout);
    let keys = column(&rows, "key");
    let totals = column(&rows, "total");
    let grades = column(&rows, "grade");
    let kinds = column(&rows, "error_kind");
    let want = [
        ("示例县", "80.13", "较好", ""),     // spec §13 first test
        ("乙县", "53.13", "较差", ""),       // spec §13 second test
        ("丙县", "0.00", "较差", ""),        // falsified: veto sets 0
        ("丁县", "", "", "MissingInput"),    // no population
        ("戊县", "99.50", "好", ""),         // 30 + 20 + 15 + 13.5 + 20, bonus 1
        ("己县", "51.00", "较差", ""),       // 12 + 10 + 10 + 0 + 16, bonus capped at 3
        ("庚县", "", "", "InputOutOfRange"), // poor_population −5
        ("辛县", "", "", "InputType"),       // population 十万
        ("壬县", "90.00", "好", ""),         // full-width digits; 30 + 20 + 8 + 12 + 20
    ];
    for (i, (key, total, grade, kind)) in want.iter().enumerate() {
        assert_eq!((keys[i], totals[i], grades[i], kinds[i]), (*key, *total, *grade, *kind), "row {}", i + 1);
    }
    // Each bad row is named on stderr with file:line:column of its cell.
    assert!(r.stderr.contains("example.county-assessment.csv:5:3: 第 4 行（丁县）"), "{}", r.stderr);
    assert!(r.stderr.contains("example.county-assessment.csv:8:4: 第 7 行（庚县）"), "{}", r.stderr);
    assert!(r.stderr.contains("9 行，评分 6 行，失败 3 行"), "{}", r.stderr);
}

/// The benchmark rulebook on 50 generated counties gives exactly the totals and grades of the
/// independent exact reference (`shared/bench/reference.py`, Python fractions).
#[test]
fn cab_totals_equal_the_exact_reference() {
    let r = kaoping(&["score", "core/src/syntax/testdata/cab.toml", "cli/tests/data/cab-50.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = read_csv_rows(&r.stdout);
    let reference =
        read_csv_rows(&std::fs::read_to_string(root().join("cli/tests/data/cab-50.reference.csv")).unwrap());
    assert_eq!(got.len(), 51);
    assert_eq!(column(&got, "total"), column(&reference, "total"));
    assert_eq!(column(&got, "grade"), column(&reference, "grade"));
    assert_eq!(column(&got, "key"), column(&reference, "row"), "without key_field a unit is its row number");
    golden("cab-50.csv", &r.stdout);
}

#[test]
fn streaming_and_gathering_give_the_same_rows() {
    let streamed = kaoping(&["score", "core/src/syntax/testdata/cab.toml", "cli/tests/data/cab-50.csv"]);
    let gathered =
        kaoping(&["score", "core/src/syntax/testdata/cab.toml", "cli/tests/data/cab-50.csv", "--ranks"]);
    let (s, g) = (read_csv_rows(&streamed.stdout), read_csv_rows(&gathered.stdout));
    let rank_cols: Vec<usize> =
        g[0].iter().enumerate().filter(|(_, h)| h.ends_with("rank")).map(|(i, _)| i).collect();
    assert_eq!(rank_cols.len(), 2);
    let strip = |row: &Vec<String>| -> Vec<String> {
        row.iter().enumerate().filter(|(i, _)| !rank_cols.contains(i)).map(|(_, c)| c.clone()).collect()
    };
    assert_eq!(s, g.iter().map(strip).collect::<Vec<_>>());
}

/// A relative rule needs the whole cohort even when the file is longer than one streaming chunk.
#[test]
fn relative_rules_see_the_whole_file() {
    let r = kaoping(&["score", "cli/tests/data/relative.toml", "cli/tests/data/relative.csv", "--ranks"]);
    assert_eq!(r.code, 1, "丁 has a negative output");
    let rows = read_csv_rows(&r.stdout);
    // 80/100 × 20 = 16, 100/100 × 20 = 20, 50/100 × 20 = 10; the bad row is not in the cohort.
    assert_eq!(column(&rows, "total"), ["16.00", "20.00", "10.00", ""]);
    assert_eq!(column(&rows, "rank"), ["2", "1", "3", ""]);

    let mut big = String::from("单位,产出\n");
    for i in 1..=40_000 {
        big.push_str(&format!("u{i},{i}\n"));
    }
    let path = tmp("relative-40000.csv");
    std::fs::write(&path, big).unwrap();
    let r = kaoping(&["score", "cli/tests/data/relative.toml", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = read_csv_rows(&r.stdout);
    let totals = column(&rows, "total");
    // The best is the last row's 40000: row 10000 gets 10000/40000 × 20 = 5.
    assert_eq!((totals[9_999], totals[39_999]), ("5.00", "20.00"));
}

#[test]
fn items_tables_join_on_the_key() {
    let r = kaoping(&[
        "score",
        "cli/tests/data/school.toml",
        "cli/tests/data/schools.csv",
        "--items",
        "awards=cli/tests/data/awards.csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = read_csv_rows(&r.stdout);
    // 一中: robot best of 国家级二等奖 20 and 省级一等奖 12 → 20, plus essay 8 → 28; size 10 → 38.
    // 二中: 12 + 6 = 18. 三中: no awards, 0 + 2.
    assert_eq!(column(&rows, "total"), ["38.00", "18.00", "2.00"]);
    assert_eq!(column(&rows, "awards"), ["28.00", "12.00", "0.00"]);
    assert!(r.stderr.contains("明细“awards”有 1 行不对应任何单位（第一个键“四中”）"), "{}", r.stderr);
    // The same from .xlsx files (the items table as a sheet).
    let data = tmp("schools.xlsx");
    csv_to_xlsx(&std::fs::read_to_string(root().join("cli/tests/data/schools.csv")).unwrap(), &data);
    let items = tmp("awards.xlsx");
    csv_to_xlsx(&std::fs::read_to_string(root().join("cli/tests/data/awards.csv")).unwrap(), &items);
    let x = kaoping(&[
        "score",
        "cli/tests/data/school.toml",
        data.to_str().unwrap(),
        "--items",
        &format!("获奖={}#数据", items.display()),
    ]);
    assert_eq!(x.code, 0, "{}", x.stderr);
    assert_eq!(x.stdout, r.stdout);
    // Without the items table the required awards are missing, and stderr says what to give.
    let none = kaoping(&["score", "cli/tests/data/school.toml", "cli/tests/data/schools.csv"]);
    assert_eq!(none.code, 1);
    assert_eq!(column(&read_csv_rows(&none.stdout), "error_kind"), ["MissingInput"; 3]);
    assert!(none.stderr.contains("请用 --items awards=文件"), "{}", none.stderr);
}

#[test]
fn profile_and_key_columns_can_be_named() {
    let text = std::fs::read_to_string(root().join("cli/tests/data/example.county-assessment.csv")).unwrap();
    let renamed = tmp("renamed.csv");
    std::fs::write(&renamed, text.replacen("县名,片区,", "县名,地区,", 1)).unwrap();
    let r = kaoping(&[
        "score",
        "builtin:example.county-assessment",
        renamed.to_str().unwrap(),
        "--profile-column",
        "地区",
        "--key",
        "county",
    ]);
    let rows = read_csv_rows(&r.stdout);
    let base = read_csv_rows(
        &kaoping(&[
            "score",
            "builtin:example.county-assessment",
            "cli/tests/data/example.county-assessment.csv",
        ])
        .stdout,
    );
    assert_eq!(column(&rows, "total"), column(&base, "total"));
    assert_eq!(column(&rows, "key"), column(&base, "key"));
    // One profile for every row instead.
    let all = kaoping(&[
        "score",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
        "--profile",
        "片区外",
    ]);
    assert_eq!(column(&read_csv_rows(&all.stdout), "profile")[0], "片区外");
    let missing = kaoping(&[
        "score",
        "builtin:example.county-assessment",
        renamed.to_str().unwrap(),
        "--key",
        "名字",
        "--lang",
        "en",
    ]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("the header has no column \"名字\""), "{}", missing.stderr);
}

/// The scoring date picks dated parameters: 示例县's incidence 3 is under the exit limit 4 that
/// held from 2015-01-01, not under the 3 in force from 2016-08-01 (the rulebook's as_of is 2019).
#[test]
fn as_of_picks_the_dated_parameters() {
    let data = "cli/tests/data/example.county-assessment.csv";
    let later = read_csv_rows(&kaoping(&["score", "builtin:example.county-assessment", data]).stdout);
    let earlier = read_csv_rows(
        &kaoping(&["score", "builtin:example.county-assessment", data, "--as-of", "2016-01-01"]).stdout,
    );
    assert_eq!(column(&later, "passed")[0], "false");
    assert_eq!(column(&earlier, "passed")[0], "true");
    assert_eq!(column(&earlier, "total"), column(&later, "total"), "exit_limit only feeds the criterion");
    let too_early = kaoping(&["score", "builtin:example.county-assessment", data, "--as-of", "2014-06-01"]);
    assert_eq!(column(&read_csv_rows(&too_early.stdout), "error_kind")[0], "NoDatedValue");
}

#[test]
fn json_data_scores_like_the_table() {
    let json = tmp("records.json");
    std::fs::write(
        &json,
        r#"[{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
             "income_growth": 6, "sampled": 320, "satisfied": 266, "expert_marks": [7, 8, 9, 6, 10]},
            {"county": "丁县", "region": "片区外", "poor_population": 10}]"#,
    )
    .unwrap();
    let r = kaoping(&["score", "builtin:example.county-assessment", json.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let rows = read_csv_rows(&r.stdout);
    assert_eq!(column(&rows, "key"), ["示例县", "丁县"]);
    assert_eq!(column(&rows, "total"), ["80.13", ""]);
}

#[test]
fn explain_a_record_or_a_row() {
    let record = r#"{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
        "income_growth": 6, "sampled": 320, "satisfied": 266, "expert_marks": [7, 8, 9, 6, 10]}"#;
    let a = kaoping(&["explain", "builtin:example.county-assessment", "--record", record]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(a.stdout.contains("群众认可度 3.13"), "{}", a.stdout);
    assert!(a.stdout.contains("总分 80.13 / 100.00"), "{}", a.stdout);
    let b = kaoping(&[
        "explain",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
        "--row",
        "示例县",
    ]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert_eq!(b.stdout, a.stdout);
    let by_number = kaoping(&[
        "explain",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
        "--row",
        "1",
    ]);
    assert_eq!(by_number.stdout, a.stdout);
    let en = kaoping(&["explain", "builtin:example.county-assessment", "--record", record, "--lang", "en"]);
    assert!(en.stdout.contains("total 80.13 / 100.00"), "{}", en.stdout);
    let json = kaoping(&["explain", "builtin:example.county-assessment", "--record", record, "--json"]);
    let o = kaoping::Outcome::from_json(&json.stdout).unwrap();
    assert_eq!(o.total.unwrap().to_string(), "80.13");
    // A relative rule is explained within its cohort.
    let rel =
        kaoping(&["explain", "cli/tests/data/relative.toml", "cli/tests/data/relative.csv", "--row", "甲"]);
    assert_eq!(rel.code, 0, "{}", rel.stderr);
    assert!(rel.stdout.contains("16.00 / 20.00"), "{}", rel.stdout);
    // A unit that cannot be scored: exit 1, with the reason.
    let bad = kaoping(&[
        "explain",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
        "--row",
        "丁县",
    ]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains(
            "example.county-assessment.csv:5: 未能评分：缺少输入［字段 population］：缺少必填输入项"
        ),
        "{}",
        bad.stderr
    );
    let unknown = kaoping(&[
        "explain",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
        "--row",
        "无此县",
    ]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn unusable_arguments_exit_2() {
    let data = "cli/tests/data/example.county-assessment.csv";
    let cases: &[(&[&str], &str)] = &[
        (&["score"], "Usage"),
        (&["frobnicate"], "unrecognized subcommand"),
        (&["score", "builtin:example.county-assessment", data, "--encoding", "latin1"], "unknown encoding"),
        (
            &["score", "builtin:example.county-assessment", data, "--as-of", "2019-13-45"],
            "--as-of must be a date",
        ),
        (
            &["score", "builtin:example.county-assessment", data, "--profile", "火星"],
            "has no profile \"火星\"",
        ),
        (&["score", "builtin:example.county-assessment", data, "--out", "x.pdf"], "--out must end in"),
        (&["score", "builtin:example.county-assessment", "data.parquet"], "unknown kind of data file"),
        (&["score", "builtin:no.such-book", data], "no built-in rulebook `no.such-book`"),
        (
            &["score", "builtin:example.county-assessment", data, "--items", "awards"],
            "--items takes NAME=FILE",
        ),
        (&["score", "builtin:example.county-assessment", data, "--jobs", "0"], "--jobs must be at least 1"),
        (&["explain", "builtin:example.county-assessment"], "give either --record JSON"),
    ];
    for (args, says) in cases {
        let r = kaoping(&[args, &["--lang", "en"][..]].concat());
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        // By default the command speaks Chinese only (clap's own usage errors aside).
        let zh = kaoping(args);
        assert_eq!(zh.code, 2, "{args:?}: {}", zh.stderr);
        if zh.stderr.starts_with("kaoping: ") {
            assert!(zh.stderr.starts_with("kaoping: 错误："), "{args:?}: {}", zh.stderr);
            assert!(!zh.stderr.contains("error: "), "{args:?}: {}", zh.stderr);
        }
    }
    let bad = kaoping(&["builtins", "--lang", "fr"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown language `fr`"), "{}", bad.stderr);
}

#[test]
fn missing_and_unreadable_files_exit_2_naming_the_file() {
    let r = kaoping(&["score", "builtin:example.county-assessment", "no/such/file.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("无法读取数据文件 no/such/file.csv"), "{}", r.stderr);
    let r = kaoping(&["score", "builtin:example.county-assessment", "no/such/file.csv", "--lang", "en"]);
    assert!(r.stderr.contains("cannot read the data file no/such/file.csv"), "{}", r.stderr);
    assert!(!r.stderr.contains("无法读取"), "{}", r.stderr);
    let r = kaoping(&["score", "no/such/rulebook.toml", "cli/tests/data/schools.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no/such/rulebook.toml"), "{}", r.stderr);
    // A CSV with an unclosed quote: the line is named.
    let broken = tmp("broken.csv");
    std::fs::write(&broken, "县名,片区\n甲县,片区外\n\"乙县,片区外\n").unwrap();
    let r = kaoping(&["score", "builtin:example.county-assessment", broken.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("broken.csv:3: ") && r.stderr.contains("a quoted cell is never closed"),
        "{}",
        r.stderr
    );
    // GBK bytes read as UTF-8 by request: the line is named and the encoding suggested.
    let gbk = tmp("forced.csv");
    std::fs::write(&gbk, encoding_rs::GB18030.encode("县名,片区\n甲县,片区外\n").0).unwrap();
    let r = kaoping(&[
        "score",
        "builtin:example.county-assessment",
        gbk.to_str().unwrap(),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("forced.csv:1: ") && r.stderr.contains("not valid UTF-8"), "{}", r.stderr);
}

const MALFORMED: &str = r#"[rulebook]
id = "broken"
title = "有错误的方案"
version = "1"

[inputs]
rate = { type = "decimal" }

[[indicator]]
id = "a"
label = "甲"
points = 10

[[indicator]]
id = "a.x"
label = "子项"
points = 6
bands = { input = "rate", at_most = [[5, 6], [3, 4]], else = 0 }

[[indicator]]
id = "a.y"
label = "子项二"
points = 3
linear = { input = "rat", from = [0, 0], to = [1, 3] }
"#;

#[test]
fn malformed_rulebooks_are_reported_with_line_and_column() {
    let path = tmp("broken.toml");
    std::fs::write(&path, MALFORMED).unwrap();
    let p = path.to_str().unwrap();
    let check = kaoping(&["check", p, "builtin:example.county-assessment"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    let lines: Vec<&str> = check.stdout.lines().filter(|l| l.starts_with(p)).collect();
    assert!(lines.len() >= 3, "every problem: {}", check.stdout);
    for kind in ["PointsMismatch", "BandOrder", "UnknownName"] {
        let line =
            lines.iter().find(|l| l.contains(kind)).unwrap_or_else(|| panic!("{kind}: {}", check.stdout));
        let place = line.strip_prefix(p).unwrap();
        let mut parts = place.trim_start_matches(':').split(':');
        assert!(
            parts.next().unwrap().parse::<u32>().is_ok() && parts.next().unwrap().parse::<u32>().is_ok(),
            "{line}"
        );
    }
    assert!(
        lines.iter().any(|l| l.starts_with(&format!("{p}:24:"))),
        "the unknown name `rat` is on line 24: {}",
        check.stdout
    );
    assert!(check.stdout.contains("builtin:example.county-assessment: ok"), "{}", check.stdout);
    let ok = kaoping(&["check", "builtin:example.county-assessment", "core/src/syntax/testdata/cab.toml"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    // Scoring with it: exit 2 and the same problems on stderr.
    let score = kaoping(&["score", p, "cli/tests/data/schools.csv", "--lang", "en"]);
    assert_eq!(score.code, 2);
    assert!(
        score.stderr.contains("the rulebook did not load") && score.stderr.contains(&format!("{p}:24:")),
        "{}",
        score.stderr
    );
    // A syntax error.
    let bad = tmp("syntax.toml");
    std::fs::write(&bad, "[rulebook]\nid = \"x\nversion = 1\n").unwrap();
    let r = kaoping(&["check", bad.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(&format!("{}:2:", bad.display())) && r.stdout.contains("Syntax"),
        "{}",
        r.stdout
    );
}

#[test]
fn embedded_tests_report_a_summary_line() {
    let r = kaoping(&["test", "builtin:example.county-assessment", "core/src/syntax/testdata/cab.toml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let last = r.stdout.lines().last().unwrap();
    let passed: usize = last.trim_start_matches("通过 ").split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 4, "{last}");
    assert_eq!(last, format!("通过 {passed} 个，失败 0 个"));
    let en = kaoping(&["test", "builtin:example.county-assessment", "--lang", "en"]);
    assert!(en.stdout.ends_with(" passed, 0 failed\n"), "{}", en.stdout);
    // A test whose expectation is wrong fails, with its field.
    let wrong = tmp("wrong-test.toml");
    let text = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(["show", "builtin:example.county-assessment"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap().replacen("total = \"80.13\"", "total = \"80.12\"", 1);
    std::fs::write(&wrong, text).unwrap();
    let r = kaoping(&["test", wrong.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("total：应为 80.12，实为 80.13"), "{}", r.stdout);
    assert!(r.stdout.trim_end().ends_with("，失败 1 个"), "{}", r.stdout);
    let en = kaoping(&["test", wrong.to_str().unwrap(), "--lang", "en"]);
    assert!(en.stdout.contains("total: expected 80.12, got 80.13"), "{}", en.stdout);
    assert!(en.stdout.trim_end().ends_with(" passed, 1 failed"), "{}", en.stdout);
    // A rulebook that does not load says so, and only so: no "0 passed, 0 failed" after it.
    let broken = tmp("broken-test.toml");
    std::fs::write(&broken, "[rulebook]\nid = 5\n").unwrap();
    let r = kaoping(&["test", broken.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("考核方案无法加载"), "{}", r.stderr);
}

#[test]
fn builtins_show_and_schema() {
    let list = kaoping(&["builtins"]);
    assert_eq!(list.code, 0);
    for id in kaoping::Rulebook::builtin_ids() {
        assert!(list.stdout.contains(&format!("builtin:{id}\t")), "{}", list.stdout);
        let rb = kaoping::Rulebook::builtin(id).unwrap();
        assert!(list.stdout.contains(rb.title()));
        // `show` prints the TOML itself: loading it again gives the same rulebook.
        let shown = kaoping(&["show", &format!("builtin:{id}")]);
        let again = kaoping::Rulebook::from_str(&shown.stdout, kaoping::Format::Toml).unwrap();
        assert_eq!(again.fingerprint(), rb.fingerprint());
    }
    assert_eq!(kaoping(&["show", "builtin:nope"]).code, 2);
    let schema = kaoping(&["schema"]);
    let v: serde_json::Value = serde_json::from_str(&schema.stdout).unwrap();
    assert_eq!(v["title"], "kaoping rulebook");
    assert!(v["properties"]["indicator"]["items"]["properties"]["bands"].is_object());
}

#[test]
fn report_is_written_with_every_unit() {
    let report = tmp("example-report.html");
    let r = kaoping(&[
        "score",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    let html = std::fs::read_to_string(&report).unwrap();
    assert_eq!(html.matches("<tr class=\"unit").count(), 9);
    assert_eq!(html.matches("class=\"lost-bar\"").count(), 5);
    assert_eq!(html.matches("class=\"radar-area\"").count(), 6, "a radar per scored unit");
    assert!(html.contains("data-grade=\"较差\" data-count=\"3\""));
    assert!(html.contains("群众认可度") && html.contains("弄虚作假"));
    assert!(!html.contains("http://") && !html.contains("https://"), "self-contained");
}

/// A criteria-only rulebook (an exit decision) has no total or grade: its report counts each
/// criterion met and not met, and names the criteria each unit missed, instead of empty charts.
#[test]
fn report_of_a_criteria_only_rulebook_shows_the_criteria() {
    let report = tmp("household-exit-report.html");
    let r = kaoping(&[
        "score",
        "builtin:cn.poverty.household-exit",
        "core/rulebooks/samples/households.csv",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("总分分布") && !html.contains("各等次单位数") && !html.contains("id=\"sort-total\"")
    );
    // The library scores each household on its own: the same counts, and the same criteria missed.
    let rb = kaoping::Rulebook::builtin("cn.poverty.household-exit").unwrap();
    let t = kaoping::table::read_csv(&rb, read("core/rulebooks/samples/households.csv").as_bytes(), None)
        .unwrap();
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for (i, record) in t.records.iter().enumerate() {
        let Ok(o) = rb.score(record.as_ref().unwrap(), &Default::default()) else { continue };
        for c in &o.criteria {
            match counts.iter_mut().find(|(id, _, _)| *id == c.id) {
                Some(n) => {
                    n.1 += usize::from(c.holds);
                    n.2 += usize::from(!c.holds);
                }
                None => counts.push((c.id.clone(), usize::from(c.holds), usize::from(!c.holds))),
            }
        }
        let unmet: Vec<&str> = o.criteria.iter().filter(|c| !c.holds).map(|c| c.label.as_str()).collect();
        let row =
            html.split(&format!("data-row=\"{}\"", i + 1)).nth(1).unwrap().split("</tr>").next().unwrap();
        assert!(row.contains(&format!("<td class=\"unmet\">{}</td>", unmet.join("、"))), "{row}");
    }
    assert_eq!(html.matches("<tr class=\"criterion-count\"").count(), counts.len());
    for (id, met, unmet) in counts {
        assert!(unmet > 0, "the sample misses every criterion somewhere");
        assert!(
            html.contains(&format!("data-id=\"{id}\" data-met=\"{met}\" data-unmet=\"{unmet}\"")),
            "{id}"
        );
    }
}

/// A component's firing veto shows in the results table (its own column, as indicator/veto) and in
/// the report, next to the part it zeroed: the school's total alone would not say why.
#[test]
fn a_components_veto_shows_in_the_table_and_report() {
    let samples = std::fs::read_to_string(root().join("core/rulebooks/samples/schools.csv")).unwrap();
    let mut lines = samples.lines();
    let header = lines.next().unwrap();
    let col = header.split(',').position(|h| h == "获奖或申报材料弄虚作假").unwrap();
    let row: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .enumerate()
        .map(|(i, c)| if i == col { "是".to_owned() } else { c.to_owned() })
        .collect();
    let data = tmp("falsified.csv");
    std::fs::write(&data, format!("{header}\n{}\n", row.join(","))).unwrap();
    let report = tmp("falsified.html");
    let r = kaoping(&[
        "score",
        "builtin:cd.school.target",
        data.to_str().unwrap(),
        "--items",
        "awards=core/rulebooks/samples/awards.csv",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = read_csv_rows(&r.stdout);
    assert_eq!(column(&rows, "vetoes"), [""]);
    assert_eq!(column(&rows, "component_vetoes"), ["target.science/falsified_awards"]);
    assert_eq!(column(&rows, "target.science"), ["0.00"]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("获奖或申报材料弄虚作假（科技教育）"), "the report names the vetoed part");
}

/// The README's first command succeeds as written (exit 0, results in a file, the closing summary
/// on stderr), while its three bad sample rows are still named on stderr and in the report.
#[test]
fn the_readmes_first_command_succeeds() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let line =
        readme.lines().find(|l| l.starts_with("./scripts/setup.sh && cargo run")).expect("the first command");
    let command = line.split("   #").next().unwrap();
    let args: Vec<String> = command
        .split(" -- ")
        .nth(1)
        .expect("kaoping's arguments")
        .split_whitespace()
        .map(|a| {
            // Write into the test's own folder, not /tmp.
            match a.strip_prefix("/tmp/") {
                Some(name) => tmp(name).to_str().unwrap().to_owned(),
                None => a.to_owned(),
            }
        })
        .collect();
    let r = run_args(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "results go to the file: {}", r.stdout);
    assert!(r.stderr.contains("191 行，评分 188 行，失败 3 行"), "{}", r.stderr);
    assert!(r.stderr.contains("错误县1"), "bad rows named on stderr: {}", r.stderr);
    let out = args.iter().skip_while(|a| *a != "--out").nth(1).unwrap();
    assert!(Path::new(out).exists());
    let report_path = args.iter().skip_while(|a| *a != "--report").nth(1).unwrap();
    let html = std::fs::read_to_string(report_path).unwrap();
    for bad in ["错误县1", "错误县2", "错误县3"] {
        assert!(html.contains(bad), "{bad} in the report");
    }
    // Without --exit-zero the same run still says some rows failed.
    let strict: Vec<String> = args.iter().filter(|a| *a != "--exit-zero").cloned().collect();
    assert_eq!(run_args(&strict).code, 1);
}

/// A misspelt or decorated header never passes silently: stderr names the column and what it
/// probably meant, the report lists it, and --strict refuses the table (exit 2) before scoring.
#[test]
fn misspelt_columns_are_loud_and_strict_refuses_them() {
    let text = std::fs::read_to_string(root().join("cli/tests/data/example.county-assessment.csv")).unwrap();
    let mut lines = text.lines();
    let header = format!("{},是否弄虚作假", lines.next().unwrap());
    let rows: Vec<String> = lines.map(|l| format!("{l},是")).collect();
    let data = tmp("decorated.csv");
    std::fs::write(&data, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let report = tmp("decorated.html");
    let args = [
        "score",
        "builtin:example.county-assessment",
        data.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ];
    let r = kaoping(&args);
    assert!(
        r.stderr.contains(
            "警告：列「是否弄虚作假」不是考核方案的输入，已忽略；是否应为「弄虚作假」（输入 falsified）？"
        ),
        "{}",
        r.stderr
    );
    let en = kaoping(&[&args[..], &["--lang", "en"][..]].concat());
    assert!(en.stderr.contains("did you mean \"弄虚作假\" (input falsified)?"), "{}", en.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("id=\"ignored-columns\"") && html.contains("是否应为「弄虚作假」"));
    let mut strict = args.to_vec();
    strict.push("--strict");
    let s = kaoping(&strict);
    assert_eq!(s.code, 2, "{}", s.stderr);
    assert!(s.stdout.is_empty(), "nothing scored: {}", s.stdout);
    assert!(s.stderr.contains("--strict 拒绝") && s.stderr.contains("是否弄虚作假"), "{}", s.stderr);
}

/// An .xlsx cell shown as 8.90% holds 0.089. For an input measured in % it is read as the
/// percentage shown (exactly), and the run says so; for any other input it is that row's error,
/// saying what it saw — never a number a hundred times off.
#[test]
fn percent_formatted_cells_read_as_the_percentage_shown() {
    let csv = std::fs::read_to_string(root().join("cli/tests/data/example.county-assessment.csv")).unwrap();
    let rows = read_csv_rows(&csv);
    let growth = rows[0].iter().position(|h| h == "income_growth").unwrap();
    let sampled = rows[0].iter().position(|h| h == "抽样户数").unwrap();
    let path = tmp("percent.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.00%");
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().take(3).enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                // 示例县 and 乙县 grew 6%: written as 0.06 shown as 6.00%.
                Ok(x) if r > 0 && c as usize == growth => {
                    sheet.write_number_with_format(r, c, x / 100.0, &percent)
                }
                // 乙县's sample count formatted as a percentage by mistake.
                Ok(x) if r == 2 && c as usize == sampled => sheet.write_number_with_format(r, c, x, &percent),
                Ok(x) if !cell.contains(';') => sheet.write_number(r, c, x),
                _ => sheet.write_string(r, c, cell),
            }
            .unwrap();
        }
    }
    book.save(&path).unwrap();
    let r = kaoping(&["score", "builtin:example.county-assessment", path.to_str().unwrap()]);
    assert_eq!(r.code, 1, "乙县 fails: {}", r.stderr);
    let out = read_csv_rows(&r.stdout);
    // 示例县 as the spec's test says with growth 6: 80.13.
    assert_eq!(column(&out, "total")[0], "80.13");
    assert_eq!(column(&out, "error_kind")[1], "InputType");
    let error = column(&out, "error")[1];
    assert!(error.contains("\"32000%\" is a percentage, but this input is not measured in %"), "{error}");
    assert!(r.stderr.contains("列「income_growth」含百分比格式的单元格"), "{}", r.stderr);
}

/// A call's `--profile` is checked by the core (`Rulebook::check_profile`) before any row is read:
/// an undeclared one refuses the command (exit 2, naming it and the declared ones; no result
/// written, the data not even opened), for `score` and `explain` alike. A declared one with spaces
/// around it is read as scoring reads it.
#[test]
fn an_undeclared_profile_refuses_the_call_before_any_row() {
    let says = "考核方案 example.county-assessment 没有片区/类别“火星”（有：秦巴山区，乌蒙山区，高原藏区，凉山彝区，片区外）";
    let score =
        kaoping(&["score", "builtin:example.county-assessment", "no/such/table.csv", "--profile", "火星"]);
    assert_eq!(score.code, 2, "{}", score.stderr);
    assert!(score.stderr.contains(says), "{}", score.stderr);
    assert!(
        !score.stderr.contains("no/such/table.csv"),
        "refused before the data is opened: {}",
        score.stderr
    );
    assert!(score.stdout.is_empty());
    let explain = kaoping(&[
        "explain",
        "builtin:example.county-assessment",
        "--profile",
        "火星",
        "--record",
        "{\"county\": \"甲县\"}",
    ]);
    assert_eq!(explain.code, 2, "{}", explain.stderr);
    assert!(explain.stderr.contains(says), "{}", explain.stderr);
    let data = "cli/tests/data/example.county-assessment.csv";
    let spaced = kaoping(&["score", "builtin:example.county-assessment", data, "--profile", " 片区外 "]);
    let plain = kaoping(&["score", "builtin:example.county-assessment", data, "--profile", "片区外"]);
    assert_eq!(spaced.code, plain.code, "{}", spaced.stderr);
    assert_eq!(spaced.stdout, plain.stdout);
    assert!(column(&read_csv_rows(&plain.stdout), "profile").contains(&"片区外"));
}

/// A row after a line that could not be read (a ragged line) is explained under its own row
/// number, in `explain --row` and in the report, with the same result as without that line.
#[test]
fn a_row_after_a_ragged_line_keeps_its_number_when_explained() {
    // The benchmark rulebook has no key_field: units are named by their row number.
    let cab = "core/src/syntax/testdata/cab.toml";
    let text = read("cli/tests/data/cab-50.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "凉山彝区,1,2");
    let ragged = tmp("cab-ragged.csv");
    std::fs::write(&ragged, lines.join("\n") + "\n").unwrap();
    let ragged = ragged.to_str().unwrap();
    let json = |args: &[&str]| {
        let r = kaoping(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        kaoping::Outcome::from_json(&r.stdout).unwrap()
    };
    let after = json(&["explain", cab, ragged, "--row", "5", "--json"]);
    let before = json(&["explain", cab, "cli/tests/data/cab-50.csv", "--row", "4", "--json"]);
    assert_eq!(after.key, "5");
    assert_eq!((after.total, after.grade.clone()), (before.total, before.grade.clone()));
    let report = tmp("cab-ragged.html");
    let r = kaoping(&["score", cab, ragged, "--report", report.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    let card = &html[html.find("id=\"u-5\"").unwrap()..];
    let card = &card[..card.find("</article>").unwrap()];
    assert!(card.contains("单位 5 ·"), "{card}");
}

/// The report's summary figures are the core's (`Batch::summary`): units, scored, failed, the
/// grades, and the mean — exactly the mean of the totals in the result file, rounded once
/// half-up (here 81.687… → 81.69) — with the highest and lowest total.
#[test]
fn the_reports_summary_is_the_cores() {
    use rust_decimal::Decimal;
    let report = tmp("summary.html");
    let out = tmp("summary.csv");
    let r = kaoping(&[
        "score",
        "builtin:cd.school.target",
        "core/rulebooks/samples/schools.csv",
        "--items",
        "awards=core/rulebooks/samples/awards.csv",
        "--report",
        report.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = read_csv_rows(&std::fs::read_to_string(&out).unwrap());
    let totals: Vec<Decimal> =
        column(&rows, "total").into_iter().filter(|t| !t.is_empty()).map(|t| t.parse().unwrap()).collect();
    let units: Vec<i128> = totals.iter().map(|t| t.mantissa() * 10i128.pow(2 - t.scale())).collect();
    let (sum, n) = (units.iter().sum::<i128>(), units.len() as i128);
    let mean = sum / n + i128::from(2 * (sum % n) >= n);
    let html = std::fs::read_to_string(&report).unwrap();
    let card = |attrs: &str, label: &str| {
        let at = html.find(&format!("<div class=\"card\" {attrs}><div class=\"v\">")).unwrap();
        let rest = &html[at..];
        let v = &rest[rest.find("\"v\">").unwrap() + 4..rest.find("</div>").unwrap()];
        assert!(rest[..rest.find("</div></div>").unwrap() + 12].contains(label));
        v.to_owned()
    };
    assert_eq!(card("id=\"mean\"", "平均分"), Decimal::from_i128_with_scale(mean, 2).to_string());
    assert_eq!(card("", "最高分"), totals.iter().max().unwrap().to_string());
    assert_eq!(card("id=\"n-units\"", "单位数"), (rows.len() - 1).to_string());
    assert_eq!(
        card("id=\"n-failed\"", "未能评分"),
        column(&rows, "error").iter().filter(|e| !e.is_empty()).count().to_string()
    );
}

/// Spec §18.5 from the command: households → villages → counties in one command, with the golden
/// vector's tables (`--items villages=… --items villages.households=…`), each county's total as
/// the independent reference worked it out, and the unmatched child rows named on stderr.
#[test]
fn three_levels_of_tables_in_one_command() {
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/vectors/rollup-three-levels.json")).unwrap(),
    )
    .unwrap();
    let dir = tmp("three-levels");
    std::fs::create_dir_all(&dir).unwrap();
    let id_of = |text: &str| {
        let line = text.lines().find(|l| l.trim_start().starts_with("id")).unwrap();
        line.split('"').nth(1).unwrap().to_owned()
    };
    for c in v["components"].as_array().unwrap() {
        let text = c.as_str().unwrap();
        std::fs::write(dir.join(format!("{}.toml", id_of(text))), text).unwrap();
    }
    let top = dir.join("top.toml");
    std::fs::write(&top, v["rulebook"].as_str().unwrap()).unwrap();
    let t = &v["tables"][0];
    let parent = dir.join("counties.csv");
    std::fs::write(&parent, t["parent"].as_str().unwrap()).unwrap();
    let mut args: Vec<String> = vec!["score".into(), top.display().to_string(), parent.display().to_string()];
    for (path, csv) in t["children"].as_object().unwrap() {
        let file = dir.join(format!("{path}.csv"));
        std::fs::write(&file, csv.as_str().unwrap()).unwrap();
        args.extend(["--items".into(), format!("{path}={}", file.display())]);
    }
    let r = kaoping(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want: Vec<&str> =
        t["expect"]["rows"].as_array().unwrap().iter().map(|e| e["total"].as_str().unwrap()).collect();
    assert_eq!(column(&read_csv_rows(&r.stdout), "total"), want);
    for (list, u) in t["expect"]["unmatched"].as_object().unwrap() {
        let said = format!(
            "明细“{list}”有 {} 行不对应任何单位（第一个键“{}”）",
            u["count"],
            u["first"].as_str().unwrap()
        );
        assert!(r.stderr.contains(&said), "{said}\n{}", r.stderr);
    }
    // `explain` goes down to the items: each village, and under it each household with the
    // criterion it failed.
    args[0] = "explain".into();
    args.extend(["--row".into(), "甲县".into()]);
    let e = kaoping(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert!(e.stdout.contains("  villages[1] (510001)：总分 75.00，达标\n"), "{}", e.stdout);
    assert!(e.stdout.contains("    households[2] (5100000018)：未达标："), "{}", e.stdout);
    // The report says what matched no unit, and its units explained in full list their items.
    let report = dir.join("report.html");
    args[0] = "score".into();
    args.truncate(args.len() - 2);
    args.extend(["--report".into(), report.display().to_string()]);
    let r = kaoping(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("data-list=\"villages.households\" data-count=\"2\""),
        "no unmatched line in the report"
    );
    assert!(html.contains("households[2] (5100000018)：未达标："), "no household in the report's units");
}

/// The README's three-level command (households → villages → counties, with the third-party
/// survey) runs as written on the bundled samples: every county scored or failed where its 备注
/// says, the deliberately unmatched survey row named.
#[test]
fn the_readmes_three_level_command_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("kaoping score builtin:sc.poverty.county-exit.villages")
        .expect("the command in the README");
    let command: String = readme[start..].lines().take(4).collect::<Vec<_>>().join(" ").replace('\\', " ");
    let command = command.split('#').next().unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let r = kaoping(&args);
    assert_eq!(r.code, 1, "two counties fail on purpose: {}", r.stderr);
    assert!(r.stderr.contains("8 行，评分 6 行，失败 2 行"), "{}", r.stderr);
    assert!(r.stderr.contains("明细“survey”有 1 行不对应任何单位"), "{}", r.stderr);
}

/// A reader that closes the pipe early (`kaoping builtins | head -1`) ends the command quietly,
/// as it ends any Unix tool, instead of a panic on the failed write.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(["show", "builtin:cd.school.science-education"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
}
