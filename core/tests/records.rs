//! Bad input never panics and always names the place (spec §1, §3, §16, §17): wrong types,
//! missing fields (all of a record's problems together, in declaration order), text where a
//! number belongs, NaN, values outside the decimal range; and large values stay exact.

use kaoping::{BatchOptions, ErrorKind, Format, Rulebook, ScoreOptions, Value};
use rust_decimal::Decimal;

fn rulebook() -> Rulebook {
    Rulebook::from_str(
        r#"
[rulebook]
id = "records"
title = "records"
version = "1"
key_field = "name"
profile_field = "area"

[profiles."东"]
[profiles."西"]

[inputs]
name  = { type = "text" }
area  = { type = "text", required = false }
count = { type = "integer", min = 0, max = 1000 }
rate  = { type = "decimal" }
ok    = { type = "boolean" }
note  = { type = "decimal", required = false }

[derived]
per = "rate / count"

[[indicator]]
id = "a"
label = "A"
points = 10
linear = { input = "rate", from = [0, 0], to = [100, 10] }

[[indicator]]
id = "b"
label = "B"
points = 5
check = { when = "ok" }
"#,
        Format::Toml,
    )
    .unwrap()
}

fn kinds(err: &kaoping::RecordError) -> Vec<(ErrorKind, Option<String>)> {
    err.issues.iter().map(|i| (i.kind, i.field.clone())).collect()
}

#[test]
fn every_input_problem_of_a_record_together_in_declaration_order() {
    let rb = rulebook();
    let err =
        rb.score_json(r#"{"name": "甲", "count": "many", "ok": 3}"#, &ScoreOptions::default()).unwrap_err();
    assert_eq!(
        kinds(&err),
        [
            (ErrorKind::InputType, Some("count".into())),
            (ErrorKind::MissingInput, Some("rate".into())),
            (ErrorKind::InputType, Some("ok".into())),
        ]
    );
    assert_eq!(err.key.as_deref(), Some("甲"));
    let text = err.to_string();
    assert!(text.contains("count") && text.contains("\"many\"") && text.contains("rate"), "{text}");
}

#[test]
fn nan_infinities_and_out_of_range_numbers() {
    let rb = rulebook();
    for (rate, kind) in [
        (r#""NaN""#, ErrorKind::InputType),
        (r#""-inf""#, ErrorKind::InputType),
        ("1e30", ErrorKind::InputOutOfRange),
        (r#""1e30""#, ErrorKind::InputOutOfRange),
        ("1234567890123456789012345678901234567890", ErrorKind::InputOutOfRange),
        (r#""1,234""#, ErrorKind::InputType),
        ("true", ErrorKind::InputType),
    ] {
        let json = format!(r#"{{"name": "x", "count": 1, "ok": true, "rate": {rate}}}"#);
        let err = rb.score_json(&json, &ScoreOptions::default()).unwrap_err();
        assert_eq!(kinds(&err), [(kind, Some("rate".into()))], "rate = {rate}: {err}");
    }
    // A float from a caller converts by its shortest text; NaN is refused naming the field.
    let mut r = rb.record();
    r.set("name", "x");
    r.set("count", 1);
    r.set("ok", true);
    r.set("rate", kaoping::num::decimal_from_f64(83.125).unwrap());
    assert_eq!(rb.score(&r, &ScoreOptions::default()).unwrap().points("a").unwrap().to_string(), "8.31");
    assert!(kaoping::num::decimal_from_f64(f64::NAN).is_err());
}

#[test]
fn ranges_integrality_and_spreadsheet_cells() {
    let rb = rulebook();
    let score = |count: Value, rate: &str, ok: &str| {
        let mut r = rb.record();
        r.set("name", "x");
        r.set("count", count);
        r.set_cell("rate", rate);
        r.set_cell("ok", ok);
        rb.score(&r, &ScoreOptions::default())
    };
    // Full-width digits and point, 是/否, an integral decimal for an integer.
    let out = score(Value::Decimal(Decimal::new(50, 1)), "１２．５", "是").unwrap();
    assert_eq!(out.points("a").unwrap().to_string(), "1.25");
    assert_eq!(out.points("b").unwrap().to_string(), "5.00");
    assert_eq!(
        score(Value::Text("120.0".into()), "1", "否").unwrap().points("b").unwrap().to_string(),
        "0.00"
    );
    let err = score(Value::Decimal(Decimal::new(55, 1)), "1", "yes").unwrap_err();
    assert_eq!(kinds(&err), [(ErrorKind::InputType, Some("count".into()))]);
    let err = score(Value::Integer(1001), "1", "yes").unwrap_err();
    assert_eq!(kinds(&err), [(ErrorKind::InputOutOfRange, Some("count".into()))]);
    assert!(err.to_string().contains("above the maximum 1000"), "{err}");
    let err = score(Value::Integer(-1), "", "maybe").unwrap_err();
    assert_eq!(
        kinds(&err),
        [
            (ErrorKind::InputOutOfRange, Some("count".into())),
            (ErrorKind::MissingInput, Some("rate".into())),
            (ErrorKind::InputType, Some("ok".into())),
        ]
    );
}

#[test]
fn unknown_profile_is_checked_before_inputs_and_input_errors_before_evaluation() {
    let rb = rulebook();
    let err = rb.score_json(r#"{"name": "x", "area": "北"}"#, &ScoreOptions::default()).unwrap_err();
    assert_eq!(kinds(&err), [(ErrorKind::UnknownProfile, Some("area".into()))]);
    assert!(err.to_string().contains("东") && err.to_string().contains("西"), "{err}");
    // count = 0 would divide by zero in `per`, but the input error (count below min? no: 0 is
    // allowed) — use a bad rate so the input error wins over the division it would cause.
    let err = rb
        .score_json(r#"{"name": "x", "count": 0, "rate": "x", "ok": true}"#, &ScoreOptions::default())
        .unwrap_err();
    assert_eq!(kinds(&err), [(ErrorKind::InputType, Some("rate".into()))]);
    // With good inputs, the derived value's division by zero fails the record, naming it.
    let err = rb
        .score_json(r#"{"name": "x", "count": 0, "rate": 1, "ok": true}"#, &ScoreOptions::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DivisionByZero);
    assert_eq!(err.first().at.as_deref(), Some("per"));
}

#[test]
fn json_records_that_are_not_records() {
    let rb = rulebook();
    let err = rb.record_from_json("[1, 2]").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InputType);
    let err = rb.record_from_json("{\"name\": ").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert!(err.to_string().contains("1:10"), "{err}");
    // null means missing; unknown fields are warnings, not errors.
    let out = rb
        .score_json(
            r#"{"name": "x", "count": 1, "rate": 50, "ok": true, "note": null, "extra": 1}"#,
            &ScoreOptions::default(),
        )
        .unwrap();
    assert_eq!(out.total.unwrap().to_string(), "10.00");
    assert!(out.warnings.iter().any(|w| w.contains("extra")), "{:?}", out.warnings);
    // A batch of JSON rows: a row that is not an object has its own error and hides nothing.
    let rows = rb.records_from_json(r#"[{"name": "a", "count": 1, "rate": 1, "ok": true}, 7, {"name": "c", "count": 1, "rate": 2, "ok": false}]"#).unwrap();
    assert!(rows[0].is_ok() && rows[1].is_err() && rows[2].is_ok());
    assert_eq!(rows[1].as_ref().unwrap_err().row, Some(2));
}

#[test]
fn products_beyond_machine_integers_stay_exact() {
    let rb = Rulebook::from_str(
        r#"
[rulebook]
id = "big"
title = "big"
version = "1"
scale = 4
[inputs]
a = { type = "integer" }
b = { type = "integer" }
c = { type = "decimal" }
[derived]
huge = "a * b * a * b"
back = "huge / (a * b * a) - b"
tiny = "c / a / a / a"
[[indicator]]
id = "exact"
label = "exact"
points = 10
formula = "back + tiny * a * a * a - c + 3.1416"
"#,
        Format::Toml,
    )
    .unwrap();
    let mut r = rb.record();
    r.set("a", i64::MAX);
    r.set("b", i64::MAX - 1);
    r.set("c", Decimal::new(1, 28));
    // huge ≈ 7e75 (far beyond i128), back = 0 exactly, tiny·a³ = c exactly: 3.1416.
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(out.points("exact").unwrap().to_string(), "3.1416");
    let batch = rb.score_batch(&[r], &BatchOptions::default());
    assert_eq!(batch.row(0).points("exact").unwrap().to_string(), "3.1416");
}

/// A list input may default to the empty list (spec §18.3), a `numbers` input to a list of marks:
/// "no patents" is the natural default of a list. What does not fit the type is refused at load in
/// plain words.
#[test]
fn lists_default_to_empty_or_to_marks() {
    let text = r#"
[rulebook]
id = "t.lists"
title = "lists"
version = "1"
[inputs]
patents = { type = "items", fields = { title = "text" }, default = [], label = "学生专利" }
marks = { type = "numbers", min = 0, max = 10, default = [6, "7.5"] }
[[indicator]]
id = "p"
label = "专利"
points = 4
count = { input = "patents", each = 2 }
[[indicator]]
id = "m"
label = "评分"
points = 10
panel = { input = "marks", method = "mean", scale_max = 10 }
"#;
    let rb = Rulebook::from_str(text, kaoping::Format::Toml).unwrap();
    let out = rb.score(&rb.record(), &kaoping::ScoreOptions::default()).unwrap();
    // No patents → 0; marks 6 and 7.5 → mean 6.75 of 10.
    assert_eq!(out.total.unwrap().to_string(), "6.75");
    let batch = rb.score_batch(&[rb.record()], &Default::default());
    assert_eq!(batch.row(0).total().unwrap().to_string(), "6.75");

    for (default, want) in [
        (
            r#"patents = { type = "items", fields = { title = "text" }, default = [{ title = "x" }] }"#,
            "the default of an items input can only be the empty list []",
        ),
        (
            r#"patents = { type = "items", fields = { title = "text" }, default = "none" }"#,
            "the default of an items input can only be the empty list [] (no items), not a string",
        ),
        (r#"patents = { type = "numbers", default = ["a"] }"#, "a number"),
        (r#"patents = { type = "numbers", max = 5, default = [6] }"#, "above the maximum 5"),
        (
            r#"patents = { type = "integer", default = [] }"#,
            "the default of an integer input must be a whole number, not an array",
        ),
    ] {
        let text = format!(
            "[rulebook]\nid = \"t\"\ntitle = \"t\"\nversion = \"1\"\n[inputs]\n{default}\n[[criterion]]\nid = \"c\"\nlabel = \"c\"\nwhen = \"true\"\n"
        );
        let err = Rulebook::from_str(&text, kaoping::Format::Toml).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(want), "{default}: `{want}` not in {msg}");
        assert_eq!(err.problems[0].kind, ErrorKind::Schema, "{msg}");
    }
}

/// A cell written as a percentage (`8.9%`, also full-width `８．９％`) is the percentage shown for
/// an input measured in % (`unit = "%"`); for any other numeric input it is an error that says
/// what it saw — never a share a hundred times off.
#[test]
fn percent_cells_fit_inputs_measured_in_percent() {
    let text = r#"
[rulebook]
id = "t.percent"
title = "percent"
version = "1"
[inputs]
rate = { type = "decimal", unit = "%" }
count = { type = "integer", required = false }
[[indicator]]
id = "r"
label = "R"
points = 100
linear = { input = "rate", from = [0, 0], to = [100, 100] }
"#;
    let rb = Rulebook::from_str(text, kaoping::Format::Toml).unwrap();
    for (cell, want) in [("8.9%", "8.90"), (" 8.90 % ", "8.90"), ("８．９％", "8.90"), ("8.9", "8.90")] {
        let mut r = rb.record();
        r.set_cell("rate", cell);
        let out = rb.score(&r, &kaoping::ScoreOptions::default()).unwrap();
        assert_eq!(out.total.unwrap().to_string(), want, "{cell:?}");
    }
    let mut r = rb.record();
    r.set_cell("rate", "8.9");
    r.set_cell("count", "5%");
    let err = rb.score(&r, &kaoping::ScoreOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InputType);
    assert!(
        err.to_string()
            .contains("\"5%\" is a percentage, but this input is not measured in % (it has no unit)"),
        "{err}"
    );
    let b = rb.score_batch(&[r], &Default::default());
    assert_eq!(b.row(0).error().unwrap().kind(), ErrorKind::InputType, "the batch path agrees");
}
