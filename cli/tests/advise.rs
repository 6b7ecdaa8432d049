//! End-to-end tests of `kaoping advise` (advice, 整改建议): a county of the sample table, as
//! text in Chinese and English and as JSON (golden files in `cli/tests/golden/advise/`), each
//! alternative checked by scoring the changed row with `kaoping explain --record`; refusals with
//! their exit codes; and the report's "how to reach the next grade" line.
//!
//! After a deliberate change, regenerate the goldens with
//! `KAOPING_BLESS=1 cargo test -p kaoping-cli --test advise`, read the diff, and commit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
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
    let path = root().join("cli/tests/golden/advise").join(name);
    if std::env::var_os("KAOPING_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}: run KAOPING_BLESS=1 cargo test -p kaoping-cli --test advise, review it, commit it",
            path.display()
        )
    });
    assert_eq!(got, want, "output differs from {}", path.display());
}

const RB: &str = "builtin:sc.poverty.county-assessment";
const DATA: &str = "core/rulebooks/samples/counties.csv";

#[test]
fn a_sample_county_in_words_and_as_json() {
    let zh = kaoping(&["advise", RB, DATA, "--row", "示例县005", "--goal", "好"]);
    assert_eq!(zh.code, 0, "{}", zh.stderr);
    golden("county005.zh.txt", &zh.stdout);
    let en = kaoping(&["advise", RB, DATA, "--row", "示例县005", "--goal", "好", "--lang", "en"]);
    assert_eq!(en.code, 0, "{}", en.stderr);
    golden("county005.en.txt", &en.stdout);
    let json = kaoping(&["advise", RB, DATA, "--row", "示例县005", "--goal", "好", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    golden("county005.json", &json.stdout);
}

/// Each alternative of the JSON, applied to the county's row and scored by `kaoping explain`
/// (the row read from the table, changed, given as --record): it reaches 好.
#[test]
fn every_alternative_reaches_the_goal_when_the_changed_row_is_scored() {
    let run = kaoping(&["advise", RB, DATA, "--row", "示例县005", "--goal", "好", "--json"]);
    let advice: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let alternatives = advice["alternatives"].as_array().unwrap();
    assert!(!alternatives.is_empty());
    // The county's row as a record: header → cell, by label.
    let text = std::fs::read_to_string(root().join(DATA)).unwrap();
    let (header, rows) = kaoping::table::parse_csv(text.trim_start_matches('\u{feff}')).unwrap();
    let row = rows.iter().find(|r| r.cells[0] == "示例县005").unwrap();
    let rb = kaoping::Rulebook::builtin("sc.poverty.county-assessment").unwrap();
    for alt in alternatives {
        let mut record = serde_json::Map::new();
        for (h, cell) in header.iter().zip(&row.cells) {
            let Some(i) = rb.input_by_name_or_label(h) else { continue };
            if cell.trim().is_empty() {
                continue;
            }
            record.insert(rb.inputs()[i].name.clone(), serde_json::Value::String(cell.clone()));
        }
        for c in alt["changes"].as_array().unwrap() {
            record.insert(c["input"].as_str().unwrap().to_owned(), c["to"].clone());
        }
        let json = serde_json::Value::Object(record).to_string();
        let scored = kaoping(&["explain", RB, "--record", &json, "--json"]);
        assert_eq!(scored.code, 0, "{}", scored.stderr);
        let o: serde_json::Value = serde_json::from_str(&scored.stdout).unwrap();
        assert_eq!(o["grade"], "好", "{}", alt["en"]);
        assert_eq!(o["total"], alt["total"], "{}", alt["en"]);
    }
}

#[test]
fn refusals_say_why() {
    let bad_goal = kaoping(&["advise", RB, DATA, "--row", "示例县005", "--goal", "优秀"]);
    assert_eq!(bad_goal.code, 2);
    assert!(bad_goal.stderr.contains("好, 较好, 一般, 较差"), "{}", bad_goal.stderr);
    let no_row = kaoping(&["advise", RB, DATA, "--goal", "好"]);
    assert_eq!(no_row.code, 2);
    let unknown = kaoping(&["advise", RB, DATA, "--row", "无此县", "--goal", "好"]);
    assert_eq!(unknown.code, 2);
    // Beyond the profile: advice that says so, exit 0.
    let beyond = kaoping(&["advise", RB, DATA, "--row", "示例县005", "--goal", "101", "--lang", "en"]);
    assert_eq!(beyond.code, 0, "{}", beyond.stderr);
    assert!(
        beyond.stdout.contains("unreachable: the most any record of profile 凉山彝区 can get is 100.00"),
        "{}",
        beyond.stdout
    );
}

#[test]
fn the_report_says_how_to_reach_the_next_grade() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaoping-cli-advise");
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("report.html");
    let run = kaoping(&[
        "score",
        RB,
        DATA,
        "--report",
        report.to_str().unwrap(),
        "--report-units",
        "12",
        "--exit-zero",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    let lines = html.matches("<p class=\"advice\"><b>如何达到下一等级：</b>").count();
    // Of the first 12 counties, those below 好 get a line (those at 好 none).
    let scored = kaoping(&["score", RB, DATA, "--out", dir.join("s.csv").to_str().unwrap(), "--exit-zero"]);
    assert_eq!(scored.code, 0);
    let text = std::fs::read_to_string(dir.join("s.csv")).unwrap();
    let (header, rows) = kaoping::table::parse_csv(text.trim_start_matches('\u{feff}')).unwrap();
    let g = header.iter().position(|h| h == "grade").unwrap();
    let below = rows.iter().take(12).filter(|r| !r.cells[g].is_empty() && r.cells[g] != "好").count();
    assert!(below > 0);
    assert_eq!(lines, below, "one line per unit below 好");
    assert!(html.contains("达到等次“"), "the line names the goal");
}

/// docs/advice.md shows the worked example as the command prints it.
#[test]
fn the_docs_show_the_worked_example_as_printed() {
    let doc = std::fs::read_to_string(root().join("docs/advice.md")).unwrap();
    for lang in ["en", "zh"] {
        let run = kaoping(&["advise", RB, DATA, "--row", "示例县005", "--goal", "好", "--lang", lang]);
        assert!(
            doc.contains(run.stdout.trim_end()),
            "docs/advice.md does not show the {lang} output:\n{}",
            run.stdout
        );
    }
}

/// The AHP example of docs/advice.md: a published matrix (学风建设评价, 表 5-7) whose published
/// weights, λmax, CI and CR the command reproduces to the book's four places.
#[test]
fn the_docs_ahp_example_reproduces_the_published_figures() {
    let run = kaoping(&["weights", "ahp", "cli/tests/data/ahp-xuefeng-a1.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let number = |label: &str| -> f64 {
        let line = run.stdout.lines().find(|l| l.trim_start().starts_with(label)).unwrap();
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    let round4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    assert_eq!(round4(number("A11")), 0.5396);
    assert_eq!(round4(number("A12")), 0.1634);
    assert_eq!(round4(number("A13")), 0.2970);
    for (key, want) in [("λmax = ", "3.0092"), ("CI = ", "0.0046"), ("CR = ", "0.0079")] {
        let at = run.stdout.find(key).unwrap() + key.len();
        let text: String = run.stdout[at..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let x: f64 = text.parse().unwrap();
        assert_eq!(format!("{:.4}", x), want, "{key}");
    }
    let doc = std::fs::read_to_string(root().join("docs/advice.md")).unwrap();
    assert!(doc.contains(run.stdout.trim_end()), "docs/advice.md does not show:\n{}", run.stdout);
}
