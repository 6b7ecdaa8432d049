//! Every message the core gives on the hostile catalogue (tests/malformed: rulebooks, records,
//! batches and CSV tables) has its Chinese in the message catalogue (`kaoping::message`), and the
//! whole errors render in either language.

use kaoping::message::{has_chinese, translate};
use kaoping::table::{Encoding, read_csv};
use kaoping::{BatchOptions, Date, Format, Lang, RecordError, Rulebook, ScoreOptions};
use serde_json::Value;

fn catalogue() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/malformed/catalogue.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the catalogue")).expect("JSON")
}

fn bytes_of(case: &Value) -> Vec<u8> {
    match (case.get("text"), case.get("hex")) {
        (Some(Value::String(t)), _) => t.as_bytes().to_vec(),
        (_, Some(Value::String(h))) => {
            (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
        }
        _ => Vec::new(),
    }
}

fn record_messages(e: &RecordError, out: &mut Vec<String>) {
    for i in &e.issues {
        out.push(i.message.clone());
    }
}

/// Every message the catalogue's cases give.
fn messages() -> Vec<String> {
    let cat = catalogue();
    let mut out = Vec::new();
    let fixtures: std::collections::HashMap<String, Rulebook> = cat["fixtures"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(n, t)| (n.clone(), Rulebook::from_str(t.as_str().unwrap(), Format::Toml).unwrap()))
        .collect();
    for case in cat["cases"].as_array().unwrap() {
        let surface = case["surface"].as_str().unwrap();
        let bytes = bytes_of(case);
        let text = String::from_utf8_lossy(&bytes);
        if surface == "rulebook" {
            let format = if case.get("format").and_then(Value::as_str) == Some("json") {
                Format::Json
            } else {
                Format::Toml
            };
            if let Err(e) = Rulebook::from_str(&text, format) {
                for p in &e.problems {
                    out.push(p.message.clone());
                }
            }
            continue;
        }
        let rb = &fixtures[case["rulebook"].as_str().unwrap()];
        let o = case.get("options");
        let opts = ScoreOptions {
            profile: o.and_then(|o| o.get("profile")).and_then(Value::as_str).map(str::to_owned),
            as_of: o.and_then(|o| o.get("as_of")).and_then(Value::as_str).map(|d| d.parse::<Date>().unwrap()),
            ..ScoreOptions::default()
        };
        match surface {
            "record" => match rb.record_from_json(&text) {
                Err(e) => record_messages(&e, &mut out),
                Ok(rec) => {
                    if let Err(e) = rb.score(&rec, &opts) {
                        record_messages(&e, &mut out)
                    }
                }
            },
            "batch" => match rb.records_from_json(&text) {
                Err(e) => record_messages(&e, &mut out),
                Ok(rows) => {
                    let b = rb.score_rows(&rows, &BatchOptions::default());
                    for i in 0..b.len() {
                        if let Some(e) = b.row(i).error() {
                            record_messages(e, &mut out);
                        }
                    }
                }
            },
            "csv" => {
                let enc =
                    case.get("encoding").and_then(Value::as_str).map(|e| e.parse::<Encoding>().unwrap());
                match read_csv(rb, &bytes, enc) {
                    Err(e) => out.push(e.message.clone()),
                    Ok(t) => {
                        let b = rb.score_rows(&t.records, &BatchOptions::default());
                        for i in 0..b.len() {
                            if let Some(e) = b.row(i).error() {
                                record_messages(e, &mut out);
                            }
                        }
                    }
                }
            }
            other => panic!("unknown surface {other}"),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every message of the hostile catalogue has its Chinese, and the Chinese is not the English.
#[test]
fn every_message_of_the_hostile_catalogue_has_chinese() {
    let all = messages();
    assert!(all.len() > 200, "{} distinct messages", all.len());
    let missing: Vec<&String> = all.iter().filter(|m| !has_chinese(m)).collect();
    for m in &missing {
        println!("MISSING {m}");
    }
    assert!(missing.is_empty(), "{} of {} messages have no Chinese", missing.len(), all.len());
    for m in &all {
        assert_ne!(translate(m, Lang::Zh), m.as_str(), "{m}");
    }
}

/// Golden examples: a load problem, a record error and a warning, in both languages.
#[test]
fn golden_examples() {
    let cases = [
        ("n (户数) = 101 is above the maximum 100", "n (户数) = 101 超过最大值 100"),
        ("income is required but missing", "缺少必填输入项 income"),
        (
            "unknown name `incme` (did you mean `income`?) (in `incme > 1`)",
            "未知的名称「incme」（是否应为「income」？）（在 `incme > 1` 中）",
        ),
        (
            "at_most thresholds must strictly increase: 9 then 5 in profile \"乙\"",
            "at_most 的阈值必须严格递增：9 之后是 5（片区/类别「乙」）",
        ),
        (
            "field `audit_isues` is not an input of this rulebook (ignored); did you mean \"audit_issues\"?",
            "字段「audit_isues」不是考核方案的输入，已忽略；是否应为「audit_issues」？",
        ),
        ("line 3: 7 cells, but the header has 6", "第 3 行：有 7 个单元格，但表头有 6 个"),
        (
            "field `x` is not an input of this rulebook (refused: strict mode); did you mean \"y\"?",
            "字段「x」不是考核方案的输入，已拒绝（严格模式）；是否应为「y」？",
        ),
    ];
    for (en, zh) in cases {
        assert_eq!(translate(en, Lang::Zh), zh);
        assert_eq!(translate(en, Lang::En), en);
    }
    let e = Rulebook::from_str(
        "[rulebook]\nid = \"x\"\ntitle = \"x\"\nversion = \"1\"\n[[indicator]]\nid = 5\n",
        Format::Toml,
    )
    .unwrap_err();
    assert!(e.to_string_in(Lang::Zh).starts_with("考核方案 x 无法加载（"), "{}", e.to_string_in(Lang::Zh));
    assert!(
        e.to_string_in(Lang::En).starts_with("rulebook x did not load ("),
        "{}",
        e.to_string_in(Lang::En)
    );
}

const HEAD: &str = "[rulebook]\nid = \"t\"\ntitle = \"t\"\nversion = \"1\"\n";

/// The first problem's message of a rulebook that must not load.
#[track_caller]
fn problem_of(body: &str) -> String {
    let e = Rulebook::from_str(&format!("{HEAD}{body}"), Format::Toml).expect_err("must not load");
    e.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("\n")
}

/// Unknown names say which declared name was probably meant, in both languages.
#[test]
fn unknown_names_say_what_was_meant() {
    let inputs = "[inputs]\nincome = { type = \"decimal\" }\n[params]\nlimit = 3\n";
    let leaf =
        |rule: &str| format!("{inputs}[[indicator]]\nid = \"score\"\nlabel = \"a\"\npoints = 10\n{rule}\n");
    let m = problem_of(&leaf("formula = \"incme * 2\""));
    assert!(m.contains("unknown name `incme` (did you mean `income`?)"), "{m}");
    assert!(translate(&m, Lang::Zh).contains("未知的名称「incme」（是否应为「income」？）"), "{m}");
    let m = problem_of(&leaf("linear = { input = \"income\", from = [0, 0], to = [\"limt\", 10] }"));
    assert!(m.contains("unknown parameter `limt` (did you mean `limit`?)"), "{m}");
    let m = problem_of(&format!(
        "{}[[grade]]\nlabel = \"好\"\nat_least = 5\n[[grade]]\nlabel = \"差\"\n[[veto]]\nid = \"v\"\nlabel = \"v\"\nwhen = \"points(\\\"scor\\\") < 1\"\ngrade = \"差\"\n",
        leaf("formula = \"income\"")
    ));
    assert!(m.contains("unknown indicator \"scor\" (did you mean `score`?)"), "{m}");
    let m = problem_of(&format!(
        "{}[[grade]]\nlabel = \"较好\"\nat_least = 5\n[[grade]]\nlabel = \"较差\"\n[[veto]]\nid = \"v\"\nlabel = \"v\"\nwhen = \"income < 0\"\ngrade = \"教差\"\n",
        leaf("formula = \"income\"")
    ));
    assert!(m.contains("grade \"教差\" is not declared in [[grade]] (did you mean `较差`?)"), "{m}");
    let m = problem_of(&leaf("component = { rulebook = \"cd.school.science-educaton\" }"));
    assert!(m.contains("(did you mean `cd.school.science-education`?)"), "{m}");
}

/// One slip in a rulebook reports one problem: not the crate's follow-on syntax errors on the same
/// line, and not every later use of an input whose declaration failed (issue 27).
#[test]
fn one_slip_one_problem() {
    let base = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    let text = base.text().expect("a built-in has its text").to_owned();
    let slips = [
        // An input type misspelt: its uses are not unknown names.
        ("type = \"decimal\"", "type = \"decimel\""),
        // The type key misspelt.
        ("type = \"decimal\"", "tpye = \"decimal\""),
        // A missing closing quote inside an inline table.
        ("type = \"integer\"", "type = \"integer"),
        // A misspelt name in a derived value.
        ("poor_population / population * 100", "poor_population / populaton * 100"),
    ];
    for (from, to) in slips {
        let bad = text.replacen(from, to, 1);
        assert_ne!(bad, text, "{from}");
        let e = Rulebook::from_str(&bad, Format::Toml).expect_err(to);
        assert_eq!(e.problems.len(), 1, "{to}: {e}");
    }
}

/// Band-order and grade-order problems point at the value out of order (line:column), not at the
/// `[[indicator]]` or `[[grade]]` header (issue 27).
#[test]
fn order_problems_point_at_the_value() {
    let body = "[inputs]\nx = { type = \"decimal\" }\n\
                [[indicator]]\nid = \"a\"\nlabel = \"a\"\npoints = 10\n\
                bands = { input = \"x\", at_least = [[9, 10], [5, 6], [7, 3]], else = 0 }\n\
                [[grade]]\nlabel = \"好\"\nat_least = 5\n\
                [[grade]]\nlabel = \"中\"\n\nat_least = 6\n\
                [[grade]]\nlabel = \"差\"\n";
    let text = format!("{HEAD}{body}");
    let e = Rulebook::from_str(&text, Format::Toml).expect_err("out of order");
    let at = |kind: kaoping::ErrorKind| {
        let p = e.problems.iter().find(|p| p.kind == kind).unwrap_or_else(|| panic!("{kind}: {e}"));
        (p.location.line.unwrap(), p.location.column.unwrap())
    };
    // `[7, 3]` on the bands line (line 11): the 7, column 54.
    let bands_line = text.lines().position(|l| l.starts_with("bands =")).unwrap() as u32 + 1;
    let col = text.lines().nth(bands_line as usize - 1).unwrap().find("7, 3").unwrap() as u32 + 1;
    assert_eq!(at(kaoping::ErrorKind::BandOrder), (bands_line, col), "{e}");
    let bound_line = text.lines().position(|l| l == "at_least = 6").unwrap() as u32 + 1;
    assert_eq!(at(kaoping::ErrorKind::GradeOrder), (bound_line, 12), "{e}");
}
