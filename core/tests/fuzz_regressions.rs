//! Inputs found by `scripts/fuzz.sh` (cargo-fuzz), each kept as a regression test with the
//! promise its fuzz target checks. The inputs live in `tests/fuzz_regressions/`, named
//! `<target>-<first 8 hex digits of the artifact's name>`.

use kaoping::expr::{MAX_TREE_DEPTH, parse};

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
        assert_eq!(err.span.start, at, "{text}: {err}");
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
