//! What county staff hand the command and what it hands back: tables with title rows above the
//! header (found, or `--header-row N`, or refused naming the expected columns), result files in
//! Chinese, readable explanations and a printable report.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaoping-handover-tests");
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

const EXAMPLE: &str = "builtin:example.county-assessment";
const SAMPLE: &str = "cli/tests/data/example.county-assessment.csv";
/// The title line of a provincial export, above the header.
const TITLE: &str = "2019年度脱贫攻坚成效考核基础数据表";

fn sample() -> String {
    std::fs::read_to_string(root().join(SAMPLE)).unwrap()
}

/// The CSV `rows` as a workbook (numbers as numbers, text as text), sheet 数据.
fn write_xlsx(rows: &[Vec<String>], path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("数据").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let number = !cell.is_empty()
                && cell.chars().all(|ch| ch.is_ascii_digit() || ch == '.' || ch == '-')
                && cell.parse::<f64>().is_ok();
            if number {
                sheet.write_number(r as u32, c as u16, cell.parse::<f64>().unwrap()).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (header, rows) = kaoping::table::parse_csv(text.trim_start_matches('\u{feff}')).unwrap();
    std::iter::once(header).chain(rows.into_iter().map(|r| r.cells)).collect()
}

/// The sample's results without the `line` column (which moves with the rows above the header).
fn without_lines(csv: &str) -> Vec<Vec<String>> {
    let rows = csv_rows(csv);
    let k = rows[0].iter().position(|h| h == "line").unwrap();
    rows.into_iter()
        .map(|mut r| {
            r.remove(k);
            r
        })
        .collect()
}

#[test]
fn a_title_row_above_the_header_is_skipped_in_csv_and_xlsx() {
    let plain = kaoping(&["score", EXAMPLE, SAMPLE]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    let width = csv_rows(&sample())[0].len();
    // A title line and a blank line above the header, as exports have them.
    let titled = format!("{TITLE}{}\n{}\n{}", ",".repeat(width - 1), ",".repeat(width - 1), sample());
    let csv = tmp("titled.csv");
    std::fs::write(&csv, &titled).unwrap();
    let r = kaoping(&["score", EXAMPLE, csv.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(without_lines(&r.stdout), without_lines(&plain.stdout), "the same rows scored");
    // Lines are the file's: the first data row is on line 4.
    assert_eq!(csv_rows(&r.stdout)[1][1], "4");
    assert!(r.stderr.contains("titled.csv:7:"), "failed rows at their line in the file: {}", r.stderr);

    // The same in a workbook: the title in A1 only.
    let mut rows = csv_rows(&sample());
    rows.insert(0, vec![TITLE.to_owned()]);
    rows.insert(1, vec![]);
    let xlsx = tmp("titled.xlsx");
    write_xlsx(&rows, &xlsx);
    let x = kaoping(&["score", EXAMPLE, xlsx.to_str().unwrap()]);
    assert_eq!(x.code, 1, "{}", x.stderr);
    assert_eq!(without_lines(&x.stdout), without_lines(&plain.stdout));
    assert_eq!(csv_rows(&x.stdout)[1][1], "4", "Excel row numbers: title 1, blank 2, header 3");

    // --header-row names the row; explain and diff read the same way.
    let given = kaoping(&["score", EXAMPLE, csv.to_str().unwrap(), "--header-row", "3"]);
    assert_eq!(given.stdout, r.stdout);
    let e = kaoping(&["explain", EXAMPLE, xlsx.to_str().unwrap(), "--row", "示例县"]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let d = kaoping(&["diff", EXAMPLE, csv.to_str().unwrap(), "--set", "exit_limit=2.5"]);
    assert!(d.code == 0 || d.code == 1, "{}", d.stderr);
    assert!(!d.stderr.contains("MissingInput"), "{}", d.stderr);
}

#[test]
fn a_table_without_its_header_exits_2_naming_the_expected_columns() {
    // Twelve note lines: the header is beyond the rows searched.
    let mut text = String::new();
    for k in 1..=12 {
        text.push_str(&format!("说明{k}\n"));
    }
    text.push_str(&sample());
    let csv = tmp("deep.csv");
    std::fs::write(&csv, &text).unwrap();
    let r = kaoping(&["score", EXAMPLE, csv.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no rows scored: {}", r.stdout);
    for expected in ["县名（county，必填）", "户籍人口", "弄虚作假", "--header-row"] {
        assert!(r.stderr.contains(expected), "{expected}: {}", r.stderr);
    }
    assert!(r.stderr.lines().count() <= 2, "one message, not a line per row: {}", r.stderr);
    // The same in English when asked.
    let en = kaoping(&["--lang", "en", "score", EXAMPLE, csv.to_str().unwrap()]);
    assert_eq!(en.code, 2, "{}", en.stderr);
    for expected in ["expected columns", "--header-row", "county"] {
        assert!(en.stderr.contains(expected), "{expected}: {}", en.stderr);
    }
    // Given the header's row, it scores.
    let given = kaoping(&["score", EXAMPLE, csv.to_str().unwrap(), "--header-row", "13"]);
    assert_eq!(given.code, 1, "{}", given.stderr);
    assert_eq!(without_lines(&given.stdout), without_lines(&kaoping(&["score", EXAMPLE, SAMPLE]).stdout));
    // A header row that is blank or past the end is refused.
    for n in ["1000", "0"] {
        let bad = kaoping(&["score", EXAMPLE, csv.to_str().unwrap(), "--header-row", n]);
        assert_eq!(bad.code, 2, "--header-row {n}: {}", bad.stderr);
    }
    // A table of unrelated columns is no header either.
    let other = tmp("other.csv");
    std::fs::write(&other, "甲,乙\n1,2\n").unwrap();
    let r = kaoping(&["score", EXAMPLE, other.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("县名"), "{}", r.stderr);
}

/// Every cell of a workbook's first sheet as text, and the sheet's name.
fn read_xlsx(path: &Path) -> (String, Vec<Vec<String>>) {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let rows = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    calamine::Data::Float(f) => format!("{f}"),
                    calamine::Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    (name, rows)
}

#[test]
fn the_result_workbook_speaks_chinese_and_keeps_the_input_columns() {
    let out = tmp("results.xlsx");
    let r = kaoping(&["score", EXAMPLE, SAMPLE, "--out", out.to_str().unwrap(), "--keep-columns=备注"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let (sheet, rows) = read_xlsx(&out);
    assert_eq!(sheet, "县级脱贫攻坚成效考核（示例）", "the sheet is named after the rulebook");
    // Labels first, ids below them.
    assert_eq!(&rows[0][..7], ["序号", "行号", "县名", "片区", "总分", "满分", "等次"]);
    assert_eq!(&rows[1][..7], ["row", "line", "key", "profile", "total", "max", "grade"]);
    let col = |name: &str| rows[1].iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"));
    assert_eq!(rows[0][col("reduction.incidence")], "贫困发生率");
    assert_eq!(rows[0][col("备注")], "备注", "a kept column keeps its header");
    assert_eq!(rows[2][col("key")], "示例县");
    assert_eq!(rows[2][col("备注")], "规范第13节的第一个测试");
    assert_eq!(rows[2][col("total")], "80.13");
    // --headers ids: the one id row programs read (as .csv has it).
    let ids = kaoping(&["score", EXAMPLE, SAMPLE, "--out", out.to_str().unwrap(), "--headers", "ids"]);
    assert_eq!(ids.code, 1);
    let (_, rows) = read_xlsx(&out);
    assert_eq!(rows[0][4], "total");
    assert_eq!(rows[1][2], "示例县");

    // CSV: ids by default (unchanged for programs), labels on request, every column kept.
    let csv = kaoping(&["score", EXAMPLE, SAMPLE, "--headers", "labels", "--keep-columns"]);
    let first = csv.stdout.lines().next().unwrap();
    assert!(first.starts_with("序号,行号,县名,片区,总分,满分,等次,是否达标,否决项,减贫成效"), "{first}");
    assert!(first.ends_with(",错误类型,错误,县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数,审计发现问题数,表彰奖励次数,弄虚作假,专家评分,备注"), "{first}");
    let plain = kaoping(&["score", EXAMPLE, SAMPLE]);
    assert!(plain.stdout.starts_with("row,line,key,"));
    // A kept column that is not in the table is refused before any row is scored.
    let bad = kaoping(&["score", EXAMPLE, SAMPLE, "--keep-columns=联系人"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("联系人") && bad.stdout.is_empty());
    // JSON results carry kept columns under "columns".
    let json = tmp("kept.json");
    kaoping(&["score", EXAMPLE, SAMPLE, "--out", json.to_str().unwrap(), "--keep-columns=备注"]);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v[0]["columns"]["备注"], "规范第13节的第一个测试");
}

#[test]
fn out_is_checked_before_the_input_is_read() {
    // The data file does not exist: a bad --out is what is reported, before anything is read.
    for (out, says) in [
        ("/nonexistent-dir/results.xlsx", "/nonexistent-dir"),
        ("results.xls", ".xlsx"),
        ("cli/tests", "cli/tests"),
    ] {
        let r = kaoping(&["score", EXAMPLE, "no-such-data.csv", "--out", out]);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert!(r.stderr.contains(says) && !r.stderr.contains("no-such-data"), "{out}: {}", r.stderr);
    }
    let r = kaoping(&["score", EXAMPLE, "no-such-data.csv", "--report", "/nonexistent-dir/r.html"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/nonexistent-dir") && !r.stderr.contains("no-such-data"), "{}", r.stderr);
    // A good --out leaves nothing behind when the data then fails to open.
    let out = tmp("never-written.csv");
    let _ = std::fs::remove_file(&out);
    let r = kaoping(&["score", EXAMPLE, "no-such-data.csv", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(!out.exists(), "the check leaves no file behind");
}

#[test]
fn explanations_read_as_a_person_writes() {
    let counties = "core/rulebooks/samples/counties.csv";
    // A grade capped by a grade rule: its label, the part of the condition that held, by labels.
    let r = kaoping(&["explain", "builtin:sc.poverty.county-assessment", counties, "--row", "示例县049"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "识别退出准确率或帮扶满意度较低：帮扶工作群众满意度 < 90 → 等次不高于「一般」（错退率 = ≈1.711027, 漏评率 = ≈1.126761, 帮扶工作群众满意度 = ≈84.210526）"
        ),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("help_satisfaction < 90"), "no expression with ids: {}", r.stdout);
    // No "≈x [精确值 ≈x]": the exact value is said once.
    assert!(r.stdout.contains("→ ≈1.403509"), "{}", r.stdout);
    assert!(!r.stdout.contains("[精确值 ≈1.403509]"), "{}", r.stdout);
    // The penalty with the total.
    assert!(r.stdout.contains("（指标得分 92.40 + 加分 0.00 − 扣分 0.00）"), "{}", r.stdout);
    let en = kaoping(&[
        "explain",
        "builtin:sc.poverty.county-assessment",
        counties,
        "--row",
        "示例县049",
        "--lang",
        "en",
    ]);
    assert!(en.stdout.contains("audit_issues = 0, 1 point each → 0"), "{}", en.stdout);
    assert!(en.stdout.contains("2 points each"), "{}", en.stdout);
    assert!(en.stdout.contains("(indicators 92.40 + bonus 0.00 − penalty 0.00)"), "{}", en.stdout);
    assert!(en.stdout.contains(": 帮扶工作群众满意度 < 90 → grade at most 一般"), "{}", en.stdout);

    // Booleans as 是/否, and a criterion that is only its input is not said twice.
    let h = kaoping(&[
        "explain",
        "builtin:cn.poverty.household-exit",
        "core/rulebooks/samples/households.csv",
        "--row",
        "2",
    ]);
    assert!(h.stdout.contains("✗ 住房安全有保障：住房安全有保障 = 否"), "{}", h.stdout);
    assert!(!h.stdout.contains("= false") && !h.stdout.contains("= true"), "{}", h.stdout);
}

#[test]
fn the_report_prints_compactly_explains_units_as_tables_and_compares_profiles() {
    let counties = "core/rulebooks/samples/counties.csv";
    let full = tmp("full.html");
    let r = kaoping(&[
        "score",
        "builtin:sc.poverty.county-assessment",
        counties,
        "--report",
        full.to_str().unwrap(),
        "--report-units",
        "50",
        "--exit-zero",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&full).unwrap();
    // --report-units limits the units explained, not the table.
    assert_eq!(html.matches("<tr class=\"unit").count(), 191);
    assert_eq!(html.matches("<article class=\"unit-card\"").count(), 50);
    // Each unit as a table 指标 / 得分 / 满分 / 依据, the full text folded away.
    assert_eq!(
        html.matches("<th>指标</th><th>得分</th><th>满分</th><th>依据</th>").count(),
        50,
        "the first 50 all scored"
    );
    assert!(html.contains("<details class=\"no-print\"><summary>全文说明</summary>"));
    // 示例县049 (row 49): capped by a grade rule, said in its 说明 cell and under its table.
    let row49 = html.split("data-row=\"49\"").nth(1).unwrap();
    let cell = row49.split("</tr>").next().unwrap();
    assert!(
        cell.contains("class=\"note capped\">按总分应为「好」；识别退出准确率或帮扶满意度较低：帮扶工作群众满意度 &lt; 90 → 等次不高于「一般」"),
        "{cell}"
    );
    let card = html.split("id=\"u-49\"").nth(1).unwrap().split("</article>").next().unwrap();
    assert!(card.contains("<li>等次规则：识别退出准确率或帮扶满意度较低"), "{card}");
    // Profiles compared: the mean and grade shares per 片区.
    assert!(html.contains("<section id=\"profiles\"><h2>各片区比较</h2>"));
    assert!(
        html.contains(
            "class=\"profile-stats\" data-profile=\"高原藏区\" data-count=\"28\" data-mean=\"83.68\""
        )
    );
    // A print stylesheet.
    assert!(html.contains("@media print") && html.contains("@page { size: A4 landscape"));

    // Compact: the summary, the profiles and the ranking table; nothing explained in full.
    let compact = tmp("compact.html");
    let r = kaoping(&[
        "score",
        "builtin:sc.poverty.county-assessment",
        counties,
        "--report",
        compact.to_str().unwrap(),
        "--report-compact",
        "--exit-zero",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = std::fs::read_to_string(&compact).unwrap();
    assert_eq!(c.matches("<tr class=\"unit").count(), 191);
    assert!(!c.contains("<article class=\"unit-card\"") && !c.contains("<section id=\"lost"));
    assert!(c.contains("id=\"profiles\""));
    assert!(
        c.len() * 4 < html.len(),
        "compact is a fraction of the full report: {} of {}",
        c.len(),
        html.len()
    );
    // In rank order: the table's totals fall from the first row to the last scored one.
    let totals: Vec<f64> = c
        .split("<td class=\"total\" data-v=\"")
        .skip(1)
        .map(|t| t.split('"').next().unwrap().parse().unwrap())
        .collect();
    let scored: Vec<f64> = totals.iter().copied().filter(|t| *t >= 0.0).collect();
    assert!(scored.windows(2).all(|w| w[0] >= w[1]), "{scored:?}");
    assert_eq!(&totals[scored.len()..], [-1.0, -1.0, -1.0], "unscored units last");
    // --report-compact needs --report.
    assert_eq!(kaoping(&["score", EXAMPLE, SAMPLE, "--report-compact"]).code, 2);
}
