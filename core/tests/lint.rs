//! Lint through the public API (issue #23): each finding on a rulebook made to have it, with its
//! place and its words in both languages; the reachable ranges; the built-in rulebooks, whose
//! every warning is explained in docs/rulebooks.md.

use kaoping::lint::Ranges;
use kaoping::{Format, Lang, Lint, Rulebook};

mod common;
use common::repo;

/// A rulebook with one of (nearly) every problem the lint finds; the comments say which.
const FLAWED: &str = r#"[rulebook]
id = "lint.flawed"
title = "体检"
version = "1"
as_of = 2014-06-30
profile_field = "area"

[profiles."东"]
[profiles."西"]

[inputs]
area  = { type = "text", values = ["东", "西"] }
rate  = { type = "decimal", min = 0, max = 100, label = "达标率" }
n     = { type = "integer", min = 0, max = 10 }
level = { type = "text", values = ["国家级", "省级", "市级"] }
flag  = { type = "boolean", default = false }
spare = { type = "integer" }
note  = { type = "text", required = false }

[params]
good   = { value = 90, profiles = { "西" = 140 } }
limit  = { dated = { 2015-01-01 = 4, 2016-08-01 = 3 } }
unused = { value = 1 }

[derived]
share = "rate / 100"
never_read = "n * 2"

[[indicator]]
id = "a"
label = "档次"
points = 30
bands = { input = "rate", at_least = [[150, 30], ["good", 24], [80, 12]], else = 0 }

[[indicator]]
id = "b"
label = "线性"
points = 20
linear = { input = "rate", from = [100, 0], to = [120, 20] }

[[indicator]]
id = "c"
label = "查表"
points = 10
lookup = { input = "level", table = { "国家级" = 10, "省级" = 6 } }

[[indicator]]
id = "d"
label = "达标"
points = 10
check = { when = "n > 20" }

[[indicator]]
id = "e"
label = "折算"
points = 30
formula = "share * 20"

[[veto]]
id = "never"
when = "n > 10"
score = 0

[[criterion]]
id = "lim"
when = "rate < limit"

[[grade]]
label = "优"
at_least = 95
[[grade]]
label = "良"
at_least = 60
[[grade]]
label = "差"

[[grade_rule]]
when = 'points("a") >= 0'
grade_at_most = "良"
"#;

fn flawed() -> Lint {
    Rulebook::from_str(FLAWED, Format::Toml).unwrap().lint()
}

/// The findings with `code`, as (line, English message).
fn found(lint: &Lint, code: &str) -> Vec<(Option<u32>, String)> {
    lint.findings.iter().filter(|f| f.code == code).map(|f| (f.location.line, f.en.clone())).collect()
}

fn case<'a>(lint: &'a Lint, profile: &str) -> &'a Ranges {
    lint.ranges.iter().find(|r| r.profile.as_deref() == Some(profile)).unwrap()
}

fn range_of(r: &Ranges, id: &str) -> String {
    r.indicators.iter().find(|i| i.id == id).unwrap().range.as_ref().map_or("∅".into(), |s| s.text.clone())
}

#[test]
fn bands_never_taken_by_range_and_by_shadow_with_their_places() {
    let lint = flawed();
    assert_eq!(
        found(&lint, "band-never-taken"),
        vec![
            (Some(33), "band 1 (≥ 150) is never taken: no value of rate in its range [0, 100] is ≥ 150".to_owned()),
            (
                Some(33),
                "band 2 (≥ 140) is never taken: no value of rate in its range [0, 100] is ≥ 140 (only in profile 西)"
                    .to_owned()
            ),
        ]
    );
    let f = lint.findings.iter().find(|f| f.code == "band-never-taken").unwrap();
    assert_eq!(f.location.path.as_deref(), Some("indicator \"a\" rule"));
    assert!(f.zh.contains("第 1 档") && f.zh.contains("永远取不到"), "{}", f.zh);
    // Shadowed: every value that meets the second band meets the first.
    let shadow = Rulebook::from_str(
        &FLAWED
            .replace(r#"at_least = [[150, 30], ["good", 24], [80, 12]]"#, "at_most = [[100, 30], [120, 24]]"),
        Format::Toml,
    )
    .unwrap()
    .lint();
    assert_eq!(found(&shadow, "band-shadowed").len(), 1, "{:?}", shadow.findings);
    assert!(found(&shadow, "band-shadowed")[0].1.starts_with("band 2 (≤ 120) is never taken: every value"));
}

#[test]
fn indicators_that_cannot_give_their_points() {
    let lint = flawed();
    let never_full = found(&lint, "never-full-points");
    assert!(never_full.contains(&(
        Some(29),
        "indicator a can never give its full 30.00 points: at most 24.00 (only in profile 东)".to_owned()
    )));
    assert!(never_full.contains(&(
        Some(29),
        "indicator a can never give its full 30.00 points: at most 12.00 (only in profile 西)".to_owned()
    )));
    assert!(
        never_full
            .iter()
            .any(|(_, m)| m.starts_with("indicator e can never give its full 30.00 points: at most 20.00"))
    );
    assert_eq!(
        found(&lint, "linear-outside-range"),
        vec![(
            Some(39),
            "the line from 100 to 120 lies outside the range [0, 100] of rate: every record gets 0, never a value on the line"
                .to_owned()
        )]
    );
    assert_eq!(found(&lint, "check-never-holds").len(), 1);
    let miss = found(&lint, "lookup-missing-value");
    assert_eq!(miss.len(), 1);
    assert!(miss[0].1.contains("市级") && miss[0].1.contains("LookupMiss"), "{miss:?}");
    // With an `else` the same gap is information, not a warning.
    let with_else = Rulebook::from_str(
        &FLAWED.replace(
            r#"table = { "国家级" = 10, "省级" = 6 } }"#,
            r#"table = { "国家级" = 10, "省级" = 6 }, else = 2 }"#,
        ),
        Format::Toml,
    )
    .unwrap()
    .lint();
    let f = with_else.findings.iter().find(|f| f.code == "lookup-missing-value").unwrap();
    assert_eq!(f.severity, kaoping::lint::Severity::Info);
}

#[test]
fn grades_vetoes_and_grade_rules_proven_never_or_always() {
    let lint = flawed();
    let grades: Vec<String> = found(&lint, "grade-unreachable").into_iter().map(|(_, m)| m).collect();
    assert_eq!(
        grades,
        vec![
            "no record can get grade 优: the total lies within [6.00, 54.00] (only in profile 东)",
            "no record can get grade 优: the total lies within [6.00, 42.00] (only in profile 西)",
            "no record can get grade 良: the total lies within [6.00, 54.00] (only in profile 东)",
            "no record can get grade 良: the total lies within [6.00, 42.00] (only in profile 西)",
        ]
    );
    assert_eq!(
        found(&lint, "veto-never-fires"),
        vec![(Some(61), "veto never never fires: its condition never holds".into())]
    );
    assert_eq!(found(&lint, "grade-rule-always-fires").len(), 1);
    assert_eq!(case(&lint, "东").grades.as_deref(), Some(&["差".to_owned()][..]));
}

#[test]
fn values_nothing_reads_and_dates_the_parameters_miss() {
    let lint = flawed();
    let unread: Vec<(String, kaoping::lint::Severity)> = lint
        .findings
        .iter()
        .filter(|f| f.code.ends_with("-unread"))
        .map(|f| (f.location.path.clone().unwrap(), f.severity))
        .collect();
    use kaoping::lint::Severity::{Info, Warning};
    assert_eq!(
        unread,
        vec![
            ("input \"flag\"".to_owned(), Info),
            ("input \"spare\"".to_owned(), Warning),
            ("input \"note\"".to_owned(), Info),
            ("param \"unused\"".to_owned(), Warning),
            ("derived \"never_read\"".to_owned(), Info),
        ]
    );
    let dated = lint.findings.iter().find(|f| f.code == "dated-param-misses-as-of").unwrap();
    assert_eq!(dated.severity, kaoping::lint::Severity::Error);
    assert!(
        dated.en.contains("2014-06-30")
            && dated.en.contains("2015-01-01")
            && dated.en.contains("NoDatedValue")
    );
    assert!(!lint.is_clean());
    // Without an as_of, a dated parameter needs a date in every call.
    let undated =
        Rulebook::from_str(&FLAWED.replace("as_of = 2014-06-30\n", ""), Format::Toml).unwrap().lint();
    assert_eq!(found(&undated, "dated-param-without-as-of").len(), 1);
    // Periods before the first date are left out (every record fails then); later ones that give
    // the same ranges are one row.
    let r = case(&lint, "东");
    assert_eq!((r.from.map(|d| d.to_string()), r.until), (Some("2015-01-01".to_owned()), None));
}

#[test]
fn ranges_follow_every_step_to_the_total() {
    let lint = flawed();
    let east = case(&lint, "东");
    assert_eq!(range_of(east, "a"), "[0.00, 24.00]");
    assert_eq!(range_of(east, "b"), "0.00");
    // A lookup miss is a fault, not a value: the record fails, so 市级 adds nothing.
    assert_eq!(range_of(east, "c"), "[6.00, 10.00]");
    assert_eq!(east.total.as_ref().unwrap().text, "[6.00, 54.00]");
    assert_eq!(east.passed, vec![true, false]);
    let text = lint.text(Lang::Zh);
    assert!(text.contains("可达范围 片区/类别 东，2015-01-01 起"), "{text}");
    assert!(lint.text(Lang::En).contains("reachable in profile 西, from 2015-01-01:"));
    // JSON: versioned, decimals as strings, severities by name.
    let json: serde_json::Value = serde_json::from_str(&lint.to_json()).unwrap();
    assert_eq!(json["schema"], "kaoping.lint/1");
    assert_eq!(json["findings"][0]["severity"], "info");
    assert_eq!(json["ranges"][0]["total"]["max"], "54.00");
}

#[test]
fn a_guarded_division_and_a_relative_rule() {
    // `if sampled == 0 then 0 else …` divides by a sampled above 0: satisfaction is [0, +∞), and
    // the linear rule over it reaches its full 15 points.
    let rb = Rulebook::builtin("example.county-assessment").unwrap();
    let lint = rb.lint();
    let r = &lint.ranges[0];
    assert_eq!(range_of(r, "help.satisfaction"), "[0.00, 15.00]");
    assert!(found(&lint, "never-full-points").is_empty());
    // A relative rule depends on the cohort: the lint says it may give anything.
    let text = std::fs::read_to_string(repo().join("cli/tests/data/relative.toml")).unwrap();
    let rel = Rulebook::from_str(&text, Format::Toml).unwrap().lint();
    let f = rel.findings.iter().find(|f| f.code == "cohort-dependent").unwrap();
    assert!(f.en.contains("may give anything") && f.zh.contains("可能"));
    assert_eq!(range_of(&rel.ranges[0], "output"), "[0.00, 20.00]");
}

#[test]
fn a_variant_is_linted_in_its_own_text() {
    let rb = Rulebook::builtin("sc.poverty.village-exit").unwrap();
    let v = rb.with_params(&[("exit_limit", "2.5")]).unwrap();
    let lint = v.lint();
    assert_eq!(lint.version, "2016.1+variant");
    let unread = lint.findings.iter().find(|f| f.code == "input-unread").unwrap();
    let line = unread.location.line.unwrap() as usize;
    assert!(v.text().unwrap().lines().nth(line - 1).unwrap().contains("in_county"));
}

/// A village reading its households (scored by another rulebook) and its quarterly reports
/// through aggregates (spec §18): the lint neither panics nor calls a list nothing reads.
const ROLLUP: &str = r#"
[rulebook]
id = "lint.rollup"
title = "汇总"
version = "1"
key_field = "village"

[inputs]
village    = { type = "text" }
population = { type = "integer", min = 1 }
households = { type = "items", rulebook = "lint.household" }
reports    = { type = "items", fields = { on_time = "boolean", issues = "integer" }, required = false }
marks      = { type = "numbers", min = 0, max = 10 }
unused     = { type = "items", fields = { a = "text" }, required = false }

[derived]
remaining  = "sum(households, item.members, not item.passed)"
incidence  = "remaining / population * 100"
on_time    = "share(reports, item.on_time)"

[[indicator]]
id = "exit"
label = "退出"
points = 40
check = { when = "incidence < 3" }

[[indicator]]
id = "reports"
label = "按时报送"
points = 30
formula = "on_time * 30 / 100"

[[indicator]]
id = "experts"
label = "专家评分"
points = 30
formula = "mean(marks) * 3"

[[criterion]]
id = "counted"
when = "count(households) >= 0"

[[veto]]
id = "impossible"
when = "share(reports, item.on_time) > 100"
score = 0
"#;

const HOUSEHOLD: &str = r#"
[rulebook]
id = "lint.household"
title = "户"
version = "1"
[inputs]
members = { type = "integer", min = 1 }
income  = { type = "decimal", required = false }
[[criterion]]
id = "income"
when = "income / members > 4000"
"#;

#[test]
fn aggregates_are_read_and_bounded_where_their_function_bounds_them() {
    let household = Rulebook::from_str(HOUSEHOLD, Format::Toml).unwrap();
    let rb = kaoping::Loader::new().with(household).load_str(ROLLUP, Format::Toml).unwrap();
    let lint = rb.lint();
    // Lists read only through aggregates are read; the one nothing reads is said.
    let unread: Vec<String> = found(&lint, "input-unread").into_iter().map(|(_, m)| m).collect();
    assert_eq!(unread, vec!["nothing reads input unused".to_owned()]);
    let r = &lint.ranges[0];
    // A share lies in [0, 100], a mean of marks in [0, 10]; a sum over scored items is not
    // bounded, so the check may go either way.
    assert_eq!(range_of(r, "reports"), "[0.00, 30.00]");
    assert_eq!(range_of(r, "experts"), "[0.00, 30.00]");
    assert_eq!(range_of(r, "exit"), "[0.00, 40.00]");
    // Proven from the functions alone: a count is never negative, a share never above 100.
    assert_eq!(found(&lint, "criterion-always-holds").len(), 1);
    assert_eq!(found(&lint, "veto-never-fires").len(), 1);
    assert!(found(&lint, "never-full-points").is_empty());
}

/// The warnings and errors docs/rulebooks.md explains, as (rulebook id, code, path): the rows of
/// its lint table, `| \`id\` | \`code\` | \`path\` | why |`.
fn explained() -> Vec<(String, String, String)> {
    let docs = std::fs::read_to_string(repo().join("docs/rulebooks.md")).unwrap();
    docs.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let tick = |s: &str| s.strip_prefix('`')?.strip_suffix('`').map(str::to_owned);
            Some((tick(cells.get(1)?)?, tick(cells.get(2)?)?, tick(cells.get(3)?)?))
        })
        .filter(|(id, _, _)| Rulebook::builtin_ids().contains(&id.as_str()))
        .collect()
}

#[test]
fn every_builtin_lints_clean_or_its_findings_are_explained() {
    let explained = explained();
    let mut unexplained = Vec::new();
    for id in Rulebook::builtin_ids() {
        let lint = Rulebook::builtin(id).unwrap().lint();
        assert!(!lint.ranges.is_empty(), "{id}: no case analysed");
        for f in lint.findings.iter().filter(|f| f.severity != kaoping::lint::Severity::Info) {
            let key = (id.to_owned(), f.code.clone(), f.location.path.clone().unwrap_or_default());
            if !explained.contains(&key) {
                unexplained.push(format!("{id}: {}", f.line(Lang::En)));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "findings not explained in docs/rulebooks.md:\n{}",
        unexplained.join("\n")
    );
    // And nothing is explained that is not found.
    for (id, code, path) in explained {
        let lint = Rulebook::builtin(&id).unwrap().lint();
        assert!(
            lint.findings.iter().any(|f| f.code == code && f.location.path.as_deref() == Some(path.as_str())),
            "docs/rulebooks.md explains {code} at {path} in {id}, which the lint does not find"
        );
    }
}
