//! The malformed-input catalogue (tests/malformed/catalogue.json, made by make_catalogue.py from
//! the spec): every hostile rulebook, record, batch and CSV table gives a typed error of the
//! expected kind at the expected place — and never a panic.
//!
//! Cases marked `finding` are places where the engine disagrees with the spec as the catalogue
//! reads it: they must still fail with a typed error and no panic, and they must still disagree
//! (so that a fix turns the case red and the mark is removed).

use std::panic::{AssertUnwindSafe, catch_unwind};

use kaoping::table::{Encoding, read_csv};
use kaoping::{BatchOptions, Date, ErrorKind, Format, RecordError, Rulebook, ScoreOptions};
use serde_json::Value;

fn catalogue() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/malformed/catalogue.json");
    let text = std::fs::read_to_string(path).expect("tests/malformed/catalogue.json");
    serde_json::from_str(&text).expect("the catalogue is JSON")
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn bytes_of(case: &Value) -> Vec<u8> {
    match (case.get("text"), case.get("hex")) {
        (Some(Value::String(t)), _) => t.as_bytes().to_vec(),
        (_, Some(Value::String(h))) => hex(h),
        _ => panic!("case {} has no text", case["id"]),
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn u(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

/// A rulebook case: the load fails, and some problem has the kind and names the place.
fn check_rulebook(case: &Value) -> Result<(), String> {
    let expect = &case["expect"];
    let kind = s(expect, "kind").unwrap();
    let text = String::from_utf8(bytes_of(case)).map_err(|_| "rulebook text is not UTF-8".to_owned())?;
    let format = if s(case, "format") == Some("json") { Format::Json } else { Format::Toml };
    let err = match Rulebook::from_str(&text, format) {
        Ok(_) => return Err("the rulebook loaded".into()),
        Err(e) => e,
    };
    if err.problems.is_empty() {
        return Err("a load error without problems".into());
    }
    let place_ok = |p: &kaoping::Problem| -> Result<(), String> {
        let line = p.location.line.map(u64::from);
        if let Some(want) = u(expect, "line")
            && line != Some(want)
        {
            return Err(format!("line {line:?}, expected {want}"));
        }
        if let Some(range) = expect.get("lines").and_then(Value::as_array) {
            let (lo, hi) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
            if !line.is_some_and(|l| (lo..=hi).contains(&l)) {
                return Err(format!("line {line:?}, expected within {lo}..={hi}"));
            }
        }
        if let Some(want) = u(expect, "column")
            && p.location.column.map(u64::from) != Some(want)
        {
            return Err(format!("column {:?}, expected {want}", p.location.column));
        }
        if let Some(want) = s(expect, "path") {
            let path = p.location.path.as_deref().unwrap_or("");
            if !path.contains(want) {
                return Err(format!("path {path:?} does not name {want:?}"));
            }
        }
        Ok(())
    };
    let mut why = Vec::new();
    let mut found = false;
    for p in err.problems.iter().filter(|p| p.kind.name() == kind) {
        match place_ok(p) {
            Ok(()) => {
                found = true;
                break;
            }
            Err(w) => why.push(format!("{p}: {w}")),
        }
    }
    if !found {
        let got: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        return Err(format!("no {kind} problem at the expected place; {why:?}; got {got:#?}"));
    }
    for also in expect.get("also").and_then(Value::as_array).into_iter().flatten() {
        let also = also.as_str().unwrap();
        if !err.problems.iter().any(|p| p.kind.name() == also) {
            return Err(format!("{also} not reported too (all problems, §14): {err}"));
        }
    }
    Ok(())
}

fn options(case: &Value) -> ScoreOptions {
    let o = case.get("options");
    ScoreOptions {
        profile: o.and_then(|o| s(o, "profile")).map(str::to_owned),
        as_of: o.and_then(|o| s(o, "as_of")).map(|d| d.parse::<Date>().expect("a date")),
        cohort: None,
        ..ScoreOptions::default()
    }
}

/// An issue list matches the expected kind and place (first issue), and the full list.
fn check_issues(err: &RecordError, expect: &Value) -> Result<(), String> {
    let first = err.first();
    let kind = s(expect, "kind").unwrap();
    if first.kind.name() != kind {
        return Err(format!("kind {}, expected {kind}: {err}", first.kind));
    }
    if let Some(f) = s(expect, "field")
        && first.field.as_deref() != Some(f)
    {
        return Err(format!("field {:?}, expected {f}: {err}", first.field));
    }
    if let Some(a) = s(expect, "at")
        && first.at.as_deref() != Some(a)
    {
        return Err(format!("at {:?}, expected {a}: {err}", first.at));
    }
    if let Some(all) = expect.get("all").and_then(Value::as_array) {
        let got: Vec<(String, Option<String>)> =
            err.issues.iter().map(|i| (i.kind.name().to_owned(), i.field.clone())).collect();
        let want: Vec<(String, Option<String>)> = all
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().map(str::to_owned)))
            .collect();
        if got != want {
            return Err(format!("issues {got:?}, expected {want:?}"));
        }
    }
    Ok(())
}

fn check_record(rb: &Rulebook, case: &Value) -> Result<(), String> {
    let text = String::from_utf8(bytes_of(case)).map_err(|_| "record text is not UTF-8".to_owned())?;
    let err = match rb.record_from_json(&text) {
        Err(e) => e,
        Ok(rec) => match rb.score(&rec, &options(case)) {
            Ok(out) => return Err(format!("the record scored: total {:?}", out.total)),
            Err(e) => e,
        },
    };
    check_issues(&err, &case["expect"])
}

fn check_rows(batch: &kaoping::Batch, lines: Option<&[usize]>, expect: &Value) -> Result<(), String> {
    let rows = u(expect, "rows").unwrap() as usize;
    if batch.len() != rows {
        return Err(format!("{} slots, expected {rows}", batch.len()));
    }
    let errors = expect["errors"].as_array().unwrap();
    for i in 0..rows {
        let want = errors.iter().find(|e| u(e, "row") == Some(i as u64 + 1));
        let row = batch.row(i);
        match (want, row.error()) {
            (None, None) => {}
            (None, Some(e)) => return Err(format!("row {} failed: {e}", i + 1)),
            (Some(_), None) => return Err(format!("row {} scored", i + 1)),
            (Some(w), Some(e)) => {
                check_issues(e, w).map_err(|m| format!("row {}: {m}", i + 1))?;
                if e.row != Some(i + 1) {
                    return Err(format!("row {}: the error names row {:?}", i + 1, e.row));
                }
                if let (Some(want), Some(lines)) = (u(w, "line"), lines)
                    && lines[i] as u64 != want
                {
                    return Err(format!("row {}: line {}, expected {want}", i + 1, lines[i]));
                }
            }
        }
    }
    if batch.summary().failed != errors.len() {
        return Err(format!("summary counts {} failed, expected {}", batch.summary().failed, errors.len()));
    }
    Ok(())
}

fn check_batch(rb: &Rulebook, case: &Value) -> Result<(), String> {
    let text = String::from_utf8(bytes_of(case)).map_err(|_| "batch text is not UTF-8".to_owned())?;
    let expect = &case["expect"];
    match rb.records_from_json(&text) {
        Err(e) if expect.get("refused").is_some() => {
            if e.issues.is_empty() {
                return Err("refused without an issue".into());
            }
            Ok(())
        }
        Err(e) => Err(format!("the batch text was refused: {e}")),
        Ok(_) if expect.get("refused").is_some() => Err("the batch text was accepted".into()),
        Ok(rows) => {
            let serial = rb.score_rows(&rows, &BatchOptions { parallel: false, ..Default::default() });
            check_rows(&serial, None, expect)?;
            let parallel = rb.score_rows(&rows, &BatchOptions::default());
            check_rows(&parallel, None, expect)
        }
    }
}

fn check_csv(rb: &Rulebook, case: &Value) -> Result<(), String> {
    let bytes = bytes_of(case);
    let enc = s(case, "encoding").map(|e| e.parse::<Encoding>().expect("an encoding"));
    let expect = &case["expect"];
    match read_csv(rb, &bytes, enc) {
        Err(e) => {
            let Some(t) = expect.get("table") else { return Err(format!("the table was refused: {e}")) };
            if e.kind.name() != s(t, "kind").unwrap() {
                return Err(format!("table error kind {}, expected {}", e.kind, t["kind"]));
            }
            if e.line.map(|l| l as u64) != u(t, "line") {
                return Err(format!("table error line {:?}, expected {}", e.line, t["line"]));
            }
            Ok(())
        }
        Ok(_) if expect.get("table").is_some() => Err("the table was read".into()),
        Ok(table) => {
            let lines = table.lines.clone();
            let batch = rb.score_rows(&table.records, &BatchOptions::default());
            check_rows(&batch, Some(&lines), expect)
        }
    }
}

#[test]
fn catalogue_of_malformed_inputs() {
    let cat = catalogue();
    let fixtures: std::collections::HashMap<String, Rulebook> = cat["fixtures"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, text)| {
            let rb = Rulebook::from_str(text.as_str().unwrap(), Format::Toml)
                .unwrap_or_else(|e| panic!("fixture {name} must load: {e}"));
            (name.clone(), rb)
        })
        .collect();
    let cases = cat["cases"].as_array().unwrap();
    assert!(cases.len() >= 300, "at least 300 malformed inputs, not {}", cases.len());
    let (mut passed, mut findings) = (0usize, Vec::new());
    let mut failures = Vec::new();
    // Kinds of §17 that the catalogue reaches, per surface.
    let mut reached: std::collections::BTreeSet<(String, String)> = Default::default();
    for case in cases {
        let id = s(case, "id").unwrap();
        let surface = s(case, "surface").unwrap();
        let run = || -> Result<(), String> {
            match surface {
                "rulebook" => check_rulebook(case),
                other => {
                    let rb = &fixtures[s(case, "rulebook").unwrap()];
                    match other {
                        "record" => check_record(rb, case),
                        "batch" => check_batch(rb, case),
                        "csv" => check_csv(rb, case),
                        _ => panic!("unknown surface {other}"),
                    }
                }
            }
        };
        let outcome = catch_unwind(AssertUnwindSafe(run));
        let finding = s(case, "finding");
        match (outcome, finding) {
            (Err(_), _) => failures.push(format!("{id}: PANIC")),
            (Ok(Ok(())), None) => passed += 1,
            (Ok(Err(why)), None) => failures.push(format!("{id}: {why}")),
            (Ok(Err(_)), Some(f)) => findings.push(format!("{id}: {f}")),
            (Ok(Ok(())), Some(_)) => {
                failures.push(format!("{id}: marked as a finding but now agrees: remove the mark"))
            }
        }
        if let Some(k) = case["expect"].get("kind").and_then(Value::as_str) {
            reached.insert((surface.to_owned(), k.to_owned()));
        }
    }
    // Every §17 kind is reached on some surface (Io has its own tests; DuplicateKey needs child
    // tables, which the golden vectors' table cases pin: rollup-tables, rollup-three-levels).
    for k in ErrorKind::ALL.iter().filter(|k| !matches!(k, ErrorKind::Io | ErrorKind::DuplicateKey)) {
        assert!(reached.iter().any(|(_, r)| r == k.name()), "no case for {k}");
    }
    println!(
        "malformed catalogue (Rust): {} cases, {passed} passed, {} findings",
        cases.len(),
        findings.len()
    );
    for f in &findings {
        println!("  finding {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
