//! Inputs found by `scripts/fuzz.sh` (cargo-fuzz), each kept as a regression test with the
//! promise its fuzz target checks. The inputs live in `tests/fuzz_regressions/`, named
//! `<target>-<first 8 hex digits of the artifact's name>`. A `load_score` artifact is bytes that
//! only that day's `arbitrary` structures decode, so what is kept is the rulebook it built
//! (printed by running the target on the artifact with `KAOPING_FUZZ_SHOW=1`).

use kaoping::internals::{MAX_TREE_DEPTH, parse_expression as parse};
use kaoping::{ErrorKind, Format, Rulebook, ScoreOptions};

/// The `expression` target's promise: a text either fails to parse, or parses to a tree within
/// `MAX_TREE_DEPTH` that prints as canonical text parsing back to the same print.
fn expression_promise(text: &str) {
    if let Ok(e) = parse(text) {
        assert!(e.depth() <= MAX_TREE_DEPTH, "depth {} beyond the bound", e.depth());
        let printed = e.to_string();
        let again = parse(&printed).unwrap_or_else(|err| panic!("`{printed}` does not parse back: {err}"));
        assert_eq!(again.to_string(), printed, "printing is canonical");
    }
}

/// Found after 27 CPU-seconds: a long chain of `… - b in ["gggy"] - b in ["gggy"] …` parsed as
/// `((… in [..]) - b) in [..]`, which the printer parenthesises once per `in`: more than 64
/// levels, so the print did not parse back. Arithmetic after an `in` list is outside the grammar
/// (§5: `+ -` bind tighter than `in`) and is now a syntax error at the operator.
#[test]
fn expression_d3131596_in_list_followed_by_arithmetic() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_regressions/expression-d3131596.txt"
    ))
    .expect("the artifact");
    expression_promise(&text);
    assert!(parse(&text).is_err(), "`x in [..] - y` is not an expression");
}

#[test]
fn arithmetic_after_an_in_list_is_a_syntax_error_at_the_operator() {
    for (text, at) in [
        (r#"t in ["a"] - x"#, 11),
        (r#"t in ["a"] + 1"#, 11),
        (r#"t in ["a"] * 2"#, 11),
        (r#"t in ["a"] / 2"#, 11),
        (r#"not t in ["a"] * 2 == 0"#, 15),
        (r#"b and x in [1, 2] - 1"#, 18),
    ] {
        let err = parse(text).expect_err(text);
        assert_eq!(err.start, at, "{text}: {err}");
        assert!(err.to_string().contains("`in`"), "{text}: {err}");
    }
    // What stays valid: arithmetic inside the tested value, a parenthesised test, logic after it.
    for text in [
        r#"x - 1 in [1, 2]"#,
        r#"(t in ["a"]) == b"#,
        r#"t in ["a"] and b"#,
        r#"if t in ["a"] then 1 else 2"#,
        r#"not t in ["a"] or x * 2 > 1"#,
    ] {
        expression_promise(text);
        assert!(parse(text).is_ok(), "{text}");
    }
}

/// The shape of the finding at any length: 100 `in` tests chained through arithmetic.
#[test]
fn long_in_arithmetic_chains_are_refused_not_misprinted() {
    let text = vec![r#"x in ["a"]"#; 100].join(" - ");
    expression_promise(&text);
    assert!(parse(&text).is_err());
}

/// The rulebook a `load_score` finding built, by name in `tests/fuzz_regressions/`.
fn finding(name: &str) -> String {
    let path = format!("{}/tests/fuzz_regressions/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The load error's problems of `kind` whose path names `place`.
fn problems_at(e: &kaoping::LoadError, kind: ErrorKind, place: &str) -> Vec<String> {
    e.problems
        .iter()
        .filter(|p| p.kind == kind && p.location.path.as_deref().is_some_and(|at| at.contains(place)))
        .map(|p| p.to_string())
        .collect()
}

/// Found after about 400 CPU-seconds of `load_score` (once it built component rulebooks): a veto
/// with `score = -115` loaded, and a record it fired on scored a total of -115.000, below the 0
/// that every total is clamped to (§8). A veto's score sets the total (§9), so a negative one
/// can only give a total that cannot be: it is refused at load, naming the veto, as `Schema`.
#[test]
fn load_score_90b78c37_a_negative_veto_score_is_refused_at_load() {
    let e = Rulebook::from_str(&finding("load_score-90b78c37.toml"), Format::Toml)
        .expect_err("a veto that would set a total of -115 must not load");
    let found = problems_at(&e, ErrorKind::Schema, "veto \"cv\"");
    assert_eq!(found.len(), 1, "{e}");
    assert!(found[0].starts_with("28:9 ") && found[0].contains("-115"), "{}", found[0]);
}

/// The same through a parameter: its value in every profile, on every date it changes, is checked;
/// the refusal says which profile and date. A score of 0 (the usual 一票否决) still loads.
#[test]
fn a_veto_score_from_a_parameter_is_checked_in_every_profile_and_on_every_date() {
    let book = |score: &str| {
        format!(
            r#"
[rulebook]
id = "veto-score"
title = "veto score"
version = "1"
as_of = 2020-01-01
profile_field = "area"
[profiles."东"]
[inputs]
area = {{ type = "text", required = false }}
falsified = {{ type = "boolean", default = false }}
[params]
floor_score = {score}
[[indicator]]
id = "x"
label = "x"
points = 10
check = {{ when = "not falsified" }}
[[veto]]
id = "falsified"
label = "弄虚作假"
when = "falsified"
score = "floor_score"
"#
        )
    };
    for (score, words) in [
        ("{ value = -1 }", "-1"),
        (r#"{ value = 0, profiles = { "东" = -2 } }"#, "profile \"东\""),
        ("{ dated = { 2019-01-01 = 0, 2021-01-01 = -3 } }", "from 2021-01-01"),
    ] {
        let e = Rulebook::from_str(&book(score), Format::Toml).expect_err(score);
        let found = problems_at(&e, ErrorKind::Schema, "veto \"falsified\"");
        assert_eq!(found.len(), 1, "{score}: {e}");
        assert!(found[0].contains(words), "{score}: {}", found[0]);
    }
    for score in ["{ value = 0 }", r#"{ value = 0, profiles = { "东" = 1.5 } }"#] {
        let rb = Rulebook::from_str(&book(score), Format::Toml).unwrap_or_else(|e| panic!("{score}: {e}"));
        let mut r = rb.record();
        r.set("falsified", true);
        let out = rb.score(&r, &ScoreOptions::default()).unwrap();
        assert_eq!(out.total.unwrap().to_string(), "0.00");
    }
}

/// Found after about 1,400 CPU-seconds of `load_score`: a grade bound of 26 digits (written as a
/// string) in a rulebook of scale 5 loaded; a batch scored the record (its compact rows publish no
/// bound), but scoring it alone failed with `Overflow` at "grade", since the explanation's gap to
/// the next grade publishes the bound, and 26 digits and 5 places is more than a decimal holds.
/// A rulebook that loads must score (§14): a bound that cannot be published at the rulebook's
/// scale is refused at load, like points that cannot (`Schema`, naming the grade).
#[test]
fn load_score_93df5f39_a_grade_bound_too_large_to_publish_is_refused_at_load() {
    let component = Rulebook::from_str(&finding("load_score-93df5f39.fz.c0.toml"), Format::Toml).unwrap();
    let e = kaoping::Loader::new()
        .with(component)
        .load_str(&finding("load_score-93df5f39.toml"), Format::Toml)
        .expect_err("a bound of 26 digits at 5 places must not load");
    let found = problems_at(&e, ErrorKind::Schema, "grade \"好\"");
    assert_eq!(found.len(), 1, "{e}");
    assert!(
        found[0].contains("66666666666666666666666666") && found[0].contains("5 decimal places"),
        "{}",
        found[0]
    );
}

/// Where the bound fits (the same 26 digits at 0 places, 28 in all) it loads, and a record scores
/// alike alone (explained, with the gap to the bound) and in a batch. A bound from a dated
/// parameter is checked on every date: too large from a date, it is refused naming the date.
#[test]
fn grade_bounds_are_checked_for_publishing_at_the_rulebook_scale() {
    let book = |scale: u32, bound: &str| {
        format!(
            r#"
[rulebook]
id = "bounds"
title = "bounds"
version = "1"
scale = {scale}
as_of = 2022-01-01
[inputs]
x = {{ type = "decimal" }}
[params]
top = {bound}
[[indicator]]
id = "i"
label = "i"
points = 10
formula = "x"
[[grade]]
label = "好"
above = "top"
[[grade]]
label = "一般"
"#
        )
    };
    let big = "\"66666666666666666666666666\"";
    let rb = Rulebook::from_str(&book(0, &format!("{{ value = {big} }}")), Format::Toml).unwrap();
    let mut r = rb.record();
    r.set("x", 4);
    let alone = rb.score(&r, &ScoreOptions::default()).expect("scores alone");
    let next = alone.next_grade.as_ref().expect("a better grade");
    assert_eq!(next.bound.to_string(), "66666666666666666666666666");
    assert_eq!(next.gap.unwrap().to_string(), "66666666666666666666666663");
    let batch = rb.score_batch(std::slice::from_ref(&r), &kaoping::BatchOptions::default());
    assert_eq!(batch.row(0).total(), alone.total);

    let e = Rulebook::from_str(&book(5, &format!("{{ value = {big} }}")), Format::Toml).expect_err("scale 5");
    assert_eq!(problems_at(&e, ErrorKind::Schema, "grade \"好\"").len(), 1, "{e}");
    let dated = format!("{{ dated = {{ 2020-01-01 = 90, 2021-01-01 = {big} }} }}");
    let e = Rulebook::from_str(&book(5, &dated), Format::Toml).expect_err("too large from 2021");
    let found = problems_at(&e, ErrorKind::Schema, "grade \"好\"");
    assert_eq!(found.len(), 1, "{e}");
    assert!(found[0].contains("from 2021-01-01"), "{}", found[0]);
}
