//! Spec §14 and §17: every load problem is reported — all of them together — with its kind and
//! its location (line:column where the format gives them, and the indicator/parameter path).

use kaoping::{ErrorKind, Format, LoadError, Loader, Rulebook};

const HEAD: &str = "[rulebook]\nid = \"t\"\ntitle = \"t\"\nversion = \"1\"\n";

fn load(body: &str) -> Result<Rulebook, LoadError> {
    Rulebook::from_str(&format!("{HEAD}{body}"), Format::Toml)
}

/// The load fails with a problem of `kind` at `line:column` (1-based, in the whole text) whose
/// message contains every word of `words`; the location shows in the problem's text.
#[track_caller]
fn fails_at(body: &str, kind: ErrorKind, line: u32, column: Option<u32>, words: &[&str]) -> LoadError {
    let err = load(body).expect_err("the rulebook must not load");
    // Problems come in the order of their places, so the one meant is found by its words (a
    // consequence, such as a leaf left without a rule, may stand before its cause).
    let p = err
        .problems
        .iter()
        .find(|p| p.kind == kind && words.iter().all(|w| p.to_string().contains(w)))
        .unwrap_or_else(|| panic!("no {kind} problem saying {words:?} in:\n{err}"));
    assert_eq!(p.location.line, Some(line), "line of {p}");
    if let Some(c) = column {
        assert_eq!(p.location.column, Some(c), "column of {p}");
    }
    let shown = p.to_string();
    assert!(shown.contains(&format!("{line}:")), "location shown in `{shown}`");
    for w in words {
        assert!(shown.contains(w), "`{w}` in `{shown}`");
    }
    err
}

const LEAF: &str = "[inputs]\nx = { type = \"decimal\" }\n";

#[test]
fn syntax_empty_and_truncated() {
    let e = Rulebook::from_str("", Format::Toml).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Schema, "an empty TOML file is an empty table: no [rulebook]");
    assert!(e.to_string().contains("[rulebook]"));
    let e = Rulebook::from_str("", Format::Json).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    let e = Rulebook::from_str("{\"rulebook\": {\"id\": \"t\"", Format::Json).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert_eq!(e.problems[0].location.line, Some(1));
    let e = Rulebook::from_str("[rulebook]\nid = \"t\nx = 1\n", Format::Toml).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert_eq!(e.problems[0].location.line, Some(2));
}

#[test]
fn duplicate_keys_in_both_formats() {
    let e = Rulebook::from_str("[rulebook]\nid = \"a\"\nid = \"b\"\n", Format::Toml).unwrap_err();
    assert_eq!((e.kind(), e.problems[0].location.line), (ErrorKind::Syntax, Some(3)));
    let e = Rulebook::from_str("{\"rulebook\": {\"id\": \"a\",\n \"id\": \"b\"}}", Format::Json).unwrap_err();
    assert_eq!((e.kind(), e.problems[0].location.line), (ErrorKind::Syntax, Some(2)));
    assert!(e.to_string().contains("duplicate key \"id\""), "{e}");
}

#[test]
fn schema_unknown_keys_rule_kinds_and_wrong_types() {
    // line 7 is the indicator; `band` is not a rule kind
    let body = format!(
        "{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\nband = {{ input = \"x\", at_most = [[1, 10]], else = 0 }}\n"
    );
    fails_at(&body, ErrorKind::Schema, 11, Some(1), &["unknown key `band`", "did you mean `bands`"]);
    let body = format!("{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = \"ten\"\nformula = \"x\"\n");
    fails_at(&body, ErrorKind::Schema, 10, Some(10), &["indicator \"a\"", "not a number"]);
    fails_at(
        "[inputs]\nx = { type = \"float\" }\n",
        ErrorKind::Schema,
        6,
        None,
        &["unknown input type `float`"],
    );
}

#[test]
fn duplicate_ids() {
    let body = format!(
        "{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\nformula = \"x\"\n[[indicator]]\nid = \"a\"\nlabel = \"A2\"\npoints = 10\nformula = \"x\"\n"
    );
    fails_at(&body, ErrorKind::DuplicateId, 13, Some(6), &["declared twice"]);
    // Vetoes, criteria, bonus items and grades: the second declaration, at its id.
    let leaf = "[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\nformula = \"x\"\n";
    for (twice, line, column, words) in [
        ("[[veto]]\nid = \"v\"\nlabel = \"V\"\nwhen = \"x > 1\"\n", 17, 6, ["veto \"v\"", "declared twice"]),
        (
            "[[criterion]]\nid = \"c\"\nlabel = \"C\"\nwhen = \"x > 1\"\n",
            17,
            6,
            ["criterion \"c\"", "declared twice"],
        ),
        (
            "[[bonus]]\nid = \"b\"\nlabel = \"B\"\npoints = 1\nformula = \"x\"\n",
            18,
            6,
            ["bonus item \"b\"", "declared twice"],
        ),
        ("[[grade]]\nlabel = \"好\"\nat_least = 5\n", 16, 9, ["grade \"好\"", "declared twice"]),
    ] {
        let body = format!("{LEAF}{leaf}{twice}{twice}[[grade]]\nlabel = \"差\"\n");
        fails_at(&body, ErrorKind::DuplicateId, line, Some(column), &words);
    }
    fails_at(
        "[inputs]\nx = { type = \"decimal\" }\n[params]\nx = 1\n",
        ErrorKind::DuplicateId,
        8,
        Some(1),
        &["already declared"],
    );
}

#[test]
fn orphan_indicator() {
    let body = format!("{LEAF}[[indicator]]\nid = \"a.b\"\nlabel = \"B\"\npoints = 10\nformula = \"x\"\n");
    fails_at(&body, ErrorKind::OrphanIndicator, 8, Some(6), &["parent \"a\""]);
}

#[test]
fn points_mismatch_base_and_per_profile() {
    let tree = "[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\n[[indicator]]\nid = \"a.b\"\nlabel = \"B\"\npoints = 6\nformula = \"x\"\n[[indicator]]\nid = \"a.c\"\nlabel = \"C\"\npoints = 4\nformula = \"x\"\n";
    let ok = format!("{LEAF}{tree}");
    load(&ok).expect("adds up");
    let bad = format!("{LEAF}{}", tree.replace("points = 4", "points = 5"));
    fails_at(&bad, ErrorKind::PointsMismatch, 7, Some(1), &["add up to 11", "not its 10"]);
    // Only one profile's override breaks the sum.
    let prof = format!("[profiles.\"p\".points]\n\"a.b\" = 7\n{LEAF}{tree}");
    let err = load(&prof).unwrap_err();
    let p = err.problems.iter().find(|p| p.kind == ErrorKind::PointsMismatch).expect("PointsMismatch");
    assert!(p.message.contains("profile \"p\""), "{p}");
    assert_eq!(p.location.path.as_deref(), Some("indicator \"a\""));
    // The declared max must equal the indicators' sum.
    let maxed = format!("{LEAF}{tree}").replace("", "");
    let e = Rulebook::from_str(&format!("{}max = 11\n{maxed}", HEAD), Format::Toml).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PointsMismatch);
    assert_eq!(e.problems[0].location.line, Some(5));
}

#[test]
fn band_order_missing_else_degenerate_linear() {
    let leaf = |rule: &str| format!("{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\n{rule}\n");
    fails_at(
        &leaf("bands = { input = \"x\", at_most = [[3, 10], [2, 5]], else = 0 }"),
        ErrorKind::BandOrder,
        // At the threshold out of order on the `bands =` line (issue 27), not the [[indicator]].
        11,
        Some(45),
        &["strictly increase", "3 then 2"],
    );
    fails_at(
        &leaf("bands = { input = \"x\", above = [[2, 10], [3, 5]], else = 0 }"),
        ErrorKind::BandOrder,
        11,
        Some(43),
        &["strictly decrease"],
    );
    fails_at(
        &leaf("bands = { input = \"x\", at_most = [[3, 10]] }"),
        ErrorKind::MissingElse,
        11,
        Some(9),
        &["need `else`"],
    );
    fails_at(
        &leaf("linear = { input = \"x\", from = [5, 0], to = [5, 10] }"),
        ErrorKind::DegenerateLinear,
        // At the rule (`linear = …`), not the [[indicator]] header.
        11,
        None,
        &["both are 5"],
    );
}

#[test]
fn band_order_only_in_one_profile_and_on_one_date() {
    let body = "[profiles.\"p\"]\n[inputs]\nx = { type = \"decimal\" }\n[params]\nt1 = { value = 1, profiles = { \"p\" = 9 } }\nt2 = { dated = { 2015-01-01 = 5, 2016-01-01 = 0 } }\n[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\nbands = { input = \"x\", at_most = [[\"t1\", 10], [\"t2\", 5]], else = 0 }\n";
    let err = load(body).unwrap_err();
    let msgs: Vec<String> =
        err.problems.iter().filter(|p| p.kind == ErrorKind::BandOrder).map(|p| p.message.clone()).collect();
    assert!(msgs.iter().any(|m| m.contains("from 2016-01-01")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("profile \"p\"")), "{msgs:?}");
}

#[test]
fn unknown_names_and_type_mismatches_point_into_the_expression() {
    // Line 8 is `d = "x + y"`: the quote is column 5, so `y` (character 4 of the expression)
    // is column 10.
    let body = "[inputs]\nx = { type = \"decimal\" }\n[derived]\nd = \"x + y\"\n";
    fails_at(body, ErrorKind::UnknownName, 8, Some(10), &["unknown name `y`", "derived \"d\""]);
    let body = "[inputs]\nx = { type = \"decimal\" }\nt = { type = \"text\" }\n[derived]\nd = \"x + t\"\n";
    fails_at(body, ErrorKind::TypeMismatch, 9, None, &["must be a number", "text"]);
    let body = format!(
        "{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\ncheck = {{ when = \"x + 1\" }}\n"
    );
    fails_at(&body, ErrorKind::TypeMismatch, 11, None, &["boolean"]);
    let body = format!(
        "{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\nbands = {{ input = \"x\", at_most = [[\"nope\", 10]], else = 0 }}\n"
    );
    fails_at(&body, ErrorKind::UnknownName, 11, None, &["unknown parameter `nope`"]);
    fails_at(
        "[inputs]\nx = { type = \"decimal\" }\n[rulebook2]\n",
        ErrorKind::Schema,
        7,
        Some(2),
        &["unknown key `rulebook2`"],
    );
}

#[test]
fn cycles_name_every_member() {
    let body =
        "[inputs]\nx = { type = \"decimal\" }\n[derived]\na = \"b + 1\"\nb = \"c + x\"\nc = \"a * 2\"\n";
    let err = fails_at(body, ErrorKind::Cycle, 8, None, &["a → b → c → a"]);
    assert_eq!(
        err.problems.iter().filter(|p| p.kind == ErrorKind::Cycle).count(),
        1,
        "one cycle, reported once"
    );
}

#[test]
fn unknown_profile_grade_order_unknown_grade() {
    fails_at(
        "[params]\np = { value = 1, profiles = { \"nowhere\" = 2 } }\n",
        ErrorKind::UnknownProfile,
        6,
        None,
        &["\"nowhere\""],
    );
    let grades = "[[grade]]\nlabel = \"好\"\nat_least = 80\n[[grade]]\nlabel = \"中\"\nat_least = 90\n[[grade]]\nlabel = \"差\"\n";
    let body =
        format!("{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 100\nformula = \"x\"\n{grades}");
    // At the bound that does not decrease (`at_least = 90`), not the [[grade]] header (issue 27).
    fails_at(&body, ErrorKind::GradeOrder, 17, Some(12), &["strictly decrease"]);
    let body = format!(
        "{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 100\nformula = \"x\"\n[[veto]]\nid = \"v\"\nwhen = \"x < 0\"\ngrade = \"优\"\n[[grade]]\nlabel = \"好\"\n"
    );
    fails_at(&body, ErrorKind::UnknownGrade, 15, Some(9), &["grade \"优\""]);
}

#[test]
fn too_deep_expression_is_an_error_not_a_stack_overflow() {
    // Run on a small stack: refusing must not recurse 10,000 deep anywhere.
    let h = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
            let body = format!("[derived]\nd = \"{deep}\"\n");
            let e = load(&body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::TooDeep, "{e}");
            assert_eq!(e.problems[0].location.line, Some(6));
            let neg = format!("[derived]\nd = \"{}1\"\n", "-".repeat(10_000));
            assert_eq!(load(&neg).unwrap_err().kind(), ErrorKind::TooDeep);
            // Deeply nested TOML and JSON documents too.
            let toml = format!("{HEAD}x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
            assert_eq!(Rulebook::from_str(&toml, Format::Toml).unwrap_err().kind(), ErrorKind::TooDeep);
            let json = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
            assert_eq!(Rulebook::from_str(&json, Format::Json).unwrap_err().kind(), ErrorKind::TooDeep);
        })
        .unwrap();
    h.join().expect("no stack overflow");
}

#[test]
fn all_problems_are_reported_together() {
    let body = format!(
        "{LEAF}[derived]\nd = \"x + nope\"\n[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\nbands = {{ input = \"x\", at_most = [[3, 10], [2, 5]] }}\n[[indicator]]\nid = \"b.c\"\nlabel = \"C\"\npoints = 1\nformula = \"x\"\n"
    );
    let err = load(&body).unwrap_err();
    let kinds: Vec<ErrorKind> = err.problems.iter().map(|p| p.kind).collect();
    for k in [ErrorKind::UnknownName, ErrorKind::MissingElse, ErrorKind::OrphanIndicator] {
        assert!(kinds.contains(&k), "{k} among {kinds:?}\n{err}");
    }
    assert!(err.problems.iter().all(|p| p.location.line.is_some()), "{err}");
}

#[test]
fn file_errors_name_the_file_and_components_must_exist() {
    let e = Rulebook::from_file("/nonexistent/scheme.toml").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("/nonexistent/scheme.toml"));
    let dir = std::env::temp_dir().join(format!("kaoping-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, format!("{HEAD}{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\ncomponent = {{ rulebook = \"missing.id\" }}\n")).unwrap();
    let e = Loader::new().load_file(&path).unwrap_err();
    let p = &e.problems[0];
    assert_eq!(p.kind, ErrorKind::UnknownName);
    assert!(p.to_string().starts_with(&format!("{}:11:", path.display())), "{p}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fifteen_significant_digits_in_toml_floats() {
    fails_at(
        "[params]\np = 1.23456789012345678\n",
        ErrorKind::Schema,
        6,
        Some(5),
        &["15 significant digits"],
    );
    load("[params]\np = \"1.23456789012345678\"\n").expect("a string keeps every digit");
}

#[test]
fn points_or_a_max_no_decimal_can_hold_are_refused() {
    // 40 digits of points: nothing can publish them (§1), so every record would fail (§14).
    let body = format!(
        "{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = \"{}\"\nformula = \"x\"\n",
        "1".repeat(40)
    );
    let err = fails_at(&body, ErrorKind::Schema, 7, None, &["indicator \"a\"", "too large to publish"]);
    assert_eq!(err.problems.len(), 1, "{err}");
    // Each indicator can be published at 2 places (5e26), but their sum, the max, cannot (1e27).
    let half = format!("5{}", "0".repeat(26));
    let body = format!(
        "{LEAF}[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = \"{half}\"\nformula = \"x\"\n\
         [[indicator]]\nid = \"b\"\nlabel = \"B\"\npoints = \"{half}\"\nformula = \"x\"\n"
    );
    let err = load(&body).expect_err("the max cannot be published");
    assert!(
        err.problems.iter().any(|p| p.kind == ErrorKind::Schema && p.to_string().contains("max")),
        "{err}"
    );
}
