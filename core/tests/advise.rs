//! Advice (整改建议, issue #24): the least changes that reach a goal, each verified by scoring.
//!
//! Worked cases on the specification's example and the sample counties, and a property over
//! random rulebooks and records: every alternative reaches its goal when the changed record is
//! scored, changes only actionable inputs, and stays within the declared ranges.

use kaoping::advise::{AdviseOptions, BlockerKind, Goal, UnreachableReason, parse_goal};
use kaoping::{Decimal, Format, Record, Rulebook, ScoreOptions, Value};
use proptest::prelude::*;

fn example() -> (Rulebook, Record) {
    let rb = Rulebook::builtin("example.county-assessment").unwrap();
    let r = rb
        .record_from_json(
            r#"{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
                "income_growth": 6, "sampled": 320, "satisfied": 266, "expert_marks": [7, 8, 9, 6, 10]}"#,
        )
        .unwrap();
    (rb, r)
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The changed record of an alternative.
fn changed(r: &Record, changes: &[kaoping::advise::Change]) -> Record {
    let mut r = r.clone();
    for c in changes {
        assert!(r.set(&c.input, c.to.clone()));
    }
    r
}

#[test]
fn the_example_county_reaches_hao_by_one_exact_change() {
    let (rb, r) = example();
    let a = rb.advise(&r, &Goal::Grade("好".into()), &AdviseOptions::default()).unwrap();
    assert_eq!((a.total, a.grade.as_deref(), a.reached), (Some(d("80.13")), Some("较好"), false));
    assert!(a.blockers.is_empty() && a.unreachable.is_none());
    // 80.13 needs 9.87 more. Income growth: 6 → 8 gives 20 points (+5) — not enough alone;
    // satisfaction: 266/320 → needs 3.13 + 9.87 = 13.00 points: (s − 80)/15 × 15 = 13 → s = 93%,
    // 0.93 × 320 = 297.6 → 298 households (93.125%, 13.125 → 13.13 points, total 90.13).
    let sat =
        a.alternatives.iter().find(|x| x.changes.len() == 1 && x.changes[0].input == "satisfied").unwrap();
    assert_eq!(sat.changes[0].to, Value::Integer(298));
    assert_eq!(sat.changes[0].delta, Some(d("32")));
    assert_eq!((sat.total, sat.grade.as_deref()), (Some(d("90.13")), Some("好")));
    assert!(sat.en.contains("认可户数 (satisfied) from 266 to 298 (+32)"), "{}", sat.en);
    assert!(sat.en.contains("+10.00 points on 群众认可度 (3.13 → 13.13)"), "{}", sat.en);
    assert!(sat.zh.contains("认可户数 由 266 改为 298（+32）"), "{}", sat.zh);
    // 297 is not enough: the threshold is exact.
    let mut less = r.clone();
    less.set("satisfied", 297);
    assert_eq!(rb.score(&less, &ScoreOptions::default()).unwrap().grade.as_deref(), Some("较好"));
    // Every alternative verified, ranked by the number of inputs then size.
    for w in a.alternatives.windows(2) {
        assert!((w[0].changes.len(), w[0].size) <= (w[1].changes.len(), w[1].size));
    }
    for alt in &a.alternatives {
        let o = rb.score(&changed(&r, &alt.changes), &ScoreOptions::default()).unwrap();
        assert_eq!(o.grade.as_deref(), Some("好"), "{}", alt.en);
    }
}

#[test]
fn not_actionable_inputs_never_change() {
    let (rb, r) = example();
    let a = rb.advise(&r, &Goal::Grade("好".into()), &AdviseOptions::default()).unwrap();
    // Lowering poor_population alone cannot help (incidence is in the top band); population is
    // declared actionable in the example, so mark both not actionable in a variant.
    let text = rb.text().unwrap().replace(
        "population      = { type = \"integer\", min = 1, label = \"户籍人口\" }",
        "population      = { type = \"integer\", min = 1, label = \"户籍人口\", actionable = false }",
    );
    let text = text.replace(
        "satisfied       = { type = \"integer\", min = 0, label = \"认可户数\" }",
        "satisfied       = { type = \"integer\", min = 0, label = \"认可户数\", actionable = false }",
    );
    let fixed = Rulebook::from_str(&text, Format::Toml).unwrap();
    assert!(!fixed.inputs().iter().find(|i| i.name == "satisfied").unwrap().actionable);
    let r2 = fixed.record_from_json(&serde_json_record()).unwrap();
    let b = fixed.advise(&r2, &Goal::Grade("好".into()), &AdviseOptions::default()).unwrap();
    assert!(a.alternatives.iter().any(|x| x.changes.iter().any(|c| c.input == "satisfied")));
    for alt in &b.alternatives {
        assert!(alt.changes.iter().all(|c| c.input != "satisfied" && c.input != "population"), "{}", alt.en);
    }
    assert!(!b.alternatives.is_empty());
}

fn serde_json_record() -> String {
    r#"{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
        "income_growth": 6, "sampled": 320, "satisfied": 266, "expert_marks": [7, 8, 9, 6, 10]}"#
        .to_owned()
}

#[test]
fn a_veto_is_named_first_with_what_clears_it() {
    let rb = Rulebook::builtin("example.county-assessment").unwrap();
    let r = rb
        .record_from_json(
            r#"{"county": "丙县", "region": "秦巴山区", "population": 100000, "poor_population": 1000,
                "income_growth": 12, "sampled": 100, "satisfied": 99, "falsified": true, "expert_marks": [9, 9, 9]}"#,
        )
        .unwrap();
    let a = rb.advise(&r, &Goal::Grade("较好".into()), &AdviseOptions::default()).unwrap();
    assert_eq!(a.blockers.len(), 1);
    let b = &a.blockers[0];
    assert_eq!((b.kind, b.id.as_str()), (BlockerKind::Veto, "falsified"));
    assert_eq!(b.cleared_by.len(), 1);
    assert_eq!(b.cleared_by[0].to, Value::Bool(false));
    let best = &a.alternatives[0];
    assert_eq!(best.changes.len(), 1);
    assert_eq!(best.changes[0].input, "falsified");
    assert!(b.zh.starts_with("须先消除一票否决“弄虚作假”"), "{}", b.zh);
}

#[test]
fn goals_parse_and_bad_goals_are_refused() {
    let (rb, r) = example();
    assert_eq!(parse_goal(&rb, "较好").unwrap(), Goal::Grade("较好".into()));
    assert_eq!(parse_goal(&rb, "passed").unwrap(), Goal::Passed);
    assert_eq!(parse_goal(&rb, "达标").unwrap(), Goal::Passed);
    assert_eq!(parse_goal(&rb, "85.5").unwrap(), Goal::Total(d("85.5")));
    let e = parse_goal(&rb, "优秀").unwrap_err();
    assert!(e.to_string().contains("好, 较好, 一般, 较差"), "{e}");
    let e = rb.advise(&r, &Goal::Grade("优秀".into()), &AdviseOptions::default()).unwrap_err();
    assert_eq!(e.kind(), kaoping::ErrorKind::UnknownGrade);
}

#[test]
fn a_total_beyond_the_profile_is_proven_unreachable() {
    let (rb, r) = example();
    let a = rb.advise(&r, &Goal::Total(d("101")), &AdviseOptions::default()).unwrap();
    assert!(a.alternatives.is_empty());
    let u = a.unreachable.as_ref().unwrap();
    assert_eq!(u.reason, UnreachableReason::BeyondProfile);
    assert!(u.en.contains("100.00, below the goal 101"), "{}", u.en);
    // A reachable total: exactly at least it.
    let b = rb.advise(&r, &Goal::Total(d("85")), &AdviseOptions::default()).unwrap();
    assert!(b.alternatives.iter().all(|x| x.total.unwrap() >= d("85")));
    assert!(b.to_json().contains(r#""schema":"kaoping.advice/1""#));
}

#[test]
fn passed_needs_the_criterion_cleared() {
    let (rb, r) = example();
    // 凉山彝区: exit_limit 3 (2016-08-01 on); incidence 3% is not below it.
    let a = rb.advise(&r, &Goal::Passed, &AdviseOptions::default()).unwrap();
    assert_eq!(a.blockers[0].kind, BlockerKind::Criterion);
    let best = &a.alternatives[0];
    assert_eq!(best.passed, Some(true));
    // poor_population 3000 → 2999 (2.999% < 3%), or population up to 100001.
    let pp = a.alternatives.iter().find(|x| x.changes[0].input == "poor_population").unwrap();
    assert_eq!(pp.changes[0].to, Value::Integer(2999));
}

#[test]
fn a_reached_goal_needs_nothing() {
    let (rb, r) = example();
    let a = rb.advise(&r, &Goal::Grade("一般".into()), &AdviseOptions::default()).unwrap();
    assert!(a.reached && a.alternatives.is_empty() && a.unreachable.is_none());
    assert_eq!(a.headline(kaoping::Lang::En), None);
}

#[test]
fn a_county_of_the_sample_table() {
    // The worked example of docs/advice.md: 示例县005 of the sample counties.
    let rb = Rulebook::builtin("sc.poverty.county-assessment").unwrap();
    let text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/rulebooks/samples/counties.csv")).unwrap();
    let t = kaoping::table::read_csv(&rb, &text, None).unwrap();
    let keyed = t
        .records
        .iter()
        .flatten()
        .find(|r| r.get("county").is_some_and(|v| v.to_string().contains("示例县005")));
    let r = keyed.unwrap().clone();
    let o = rb.score(&r, &ScoreOptions::default()).unwrap();
    let grades = rb.grades();
    let rank = grades.iter().position(|g| Some(*g) == o.grade.as_deref()).unwrap();
    if rank == 0 {
        return;
    }
    let goal = Goal::Grade(grades[rank - 1].to_owned());
    let a = rb.advise(&r, &goal, &AdviseOptions::default()).unwrap();
    println!("{}", a.text(kaoping::Lang::Zh));
    println!("{}", a.text(kaoping::Lang::En));
    for alt in &a.alternatives {
        let o = rb.score(&changed(&r, &alt.changes), &ScoreOptions::default()).unwrap();
        assert_eq!(o.grade.as_deref(), goal_grade(&goal), "{}", alt.en);
    }
}

fn goal_grade(g: &Goal) -> Option<&str> {
    match g {
        Goal::Grade(g) => Some(g),
        _ => None,
    }
}

// ---- Random rulebooks and records ----

#[derive(Clone, Debug)]
struct Book {
    /// (min, max) of the integer inputs n0..n2.
    ints: Vec<(i64, i64)>,
    /// Which inputs are not actionable (by index over n0, n1, n2, x0).
    fixed: [bool; 4],
    /// A band bound and linear ends.
    band: (i64, i64),
    linear: (i64, i64),
    deduct_each: i64,
    veto: bool,
    grades: (u32, u32),
}

fn book() -> impl Strategy<Value = Book> {
    (
        prop::collection::vec((0i64..20, 20i64..200), 3),
        prop::array::uniform4(prop::bool::weighted(0.3)),
        (1i64..100, 100i64..200),
        (0i64..50, 51i64..150),
        1i64..6,
        any::<bool>(),
        (50u32..90, 10u32..49),
    )
        .prop_map(|(ints, fixed, band, linear, deduct_each, veto, grades)| Book {
            ints,
            fixed,
            band,
            linear,
            deduct_each,
            veto,
            grades,
        })
}

impl Book {
    fn toml(&self) -> String {
        let act = |i: usize| if self.fixed[i] { ", actionable = false" } else { "" };
        let mut s = String::from(
            "[rulebook]\nid = \"prop.advise\"\ntitle = \"t\"\nversion = \"1\"\nscale = 2\n\n[inputs]\n",
        );
        for (i, (lo, hi)) in self.ints.iter().enumerate() {
            s.push_str(&format!("n{i} = {{ type = \"integer\", min = {lo}, max = {hi}{} }}\n", act(i)));
        }
        s.push_str(&format!("x0 = {{ type = \"decimal\", min = -10, max = 250{} }}\n", act(3)));
        s.push_str("flag = { type = \"boolean\", default = false }\n\n");
        let (b0, b1) = self.band;
        let (l0, l1) = self.linear;
        s.push_str(&format!(
            "[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 40\nbands = {{ input = \"n0\", at_least = [[{b1}, 40], [{b0}, 20]], else = 0 }}\n\n\
             [[indicator]]\nid = \"b\"\nlabel = \"B\"\npoints = 40\nlinear = {{ input = \"x0\", from = [{l0}, 0], to = [{l1}, 40] }}\n\n\
             [[indicator]]\nid = \"c\"\nlabel = \"C\"\npoints = 20\ndeduct = {{ input = \"n1\", each = {}, floor = 0 }}\n\n",
            self.deduct_each
        ));
        if self.veto {
            s.push_str("[[veto]]\nid = \"v\"\nlabel = \"V\"\nwhen = \"flag or n2 > 150\"\nscore = 0\n\n");
        }
        s.push_str("[[criterion]]\nid = \"k\"\nlabel = \"K\"\nwhen = \"n2 >= 30\"\n\n");
        let (g0, g1) = self.grades;
        s.push_str(&format!(
            "[[grade]]\nlabel = \"G0\"\nat_least = {g0}\n[[grade]]\nlabel = \"G1\"\nat_least = {g1}\n[[grade]]\nlabel = \"G2\"\n"
        ));
        s
    }
}

fn within(v: i64, (lo, hi): (i64, i64)) -> i64 {
    v.clamp(lo, hi)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_alternative_reaches_its_goal_and_respects_the_inputs(
        b in book(),
        n in prop::array::uniform3(0i64..200),
        x in (-1000i64..25000).prop_map(|k| Decimal::new(k, 2)),
        flag in any::<bool>(),
        goal in 0usize..5,
    ) {
        let rb = Rulebook::from_str(&b.toml(), Format::Toml).unwrap();
        let mut r = rb.record();
        for (i, v) in n.iter().enumerate() {
            r.set(&format!("n{i}"), within(*v, b.ints[i]));
        }
        r.set("x0", x);
        r.set("flag", flag);
        let goal = match goal {
            0 => Goal::Grade("G0".into()),
            1 => Goal::Grade("G1".into()),
            2 => Goal::Passed,
            3 => Goal::Total(Decimal::from(b.grades.0) + Decimal::new(5, 1)),
            _ => Goal::Total(Decimal::from(120)),
        };
        let opts = AdviseOptions { budget: 4000, ..AdviseOptions::default() };
        let a = rb.advise(&r, &goal, &opts).unwrap();
        let inputs = rb.inputs();
        prop_assert!(a.reached || !a.alternatives.is_empty() || a.unreachable.is_some());
        if let Goal::Total(t) = &goal && *t > Decimal::from(100) {
            prop_assert!(a.alternatives.is_empty());
            prop_assert_eq!(a.unreachable.as_ref().map(|u| u.reason), Some(UnreachableReason::BeyondProfile));
        }
        for alt in &a.alternatives {
            let mut changed = r.clone();
            for c in &alt.changes {
                let info = inputs.iter().find(|i| i.name == c.input).unwrap();
                prop_assert!(info.actionable, "{} is not actionable: {}", c.input, alt.en);
                let num = match &c.to {
                    Value::Integer(v) => Some(Decimal::from(*v)),
                    Value::Decimal(v) => Some(*v),
                    _ => None,
                };
                if let Some(v) = num {
                    if let Some(lo) = &info.min { prop_assert!(v >= d(lo), "{} below min: {}", c.input, alt.en); }
                    if let Some(hi) = &info.max { prop_assert!(v <= d(hi), "{} above max: {}", c.input, alt.en); }
                }
                changed.set(&c.input, c.to.clone());
            }
            let o = rb.score(&changed, &ScoreOptions::default()).unwrap();
            let ok = match &goal {
                Goal::Grade(g) => {
                    let gs = rb.grades();
                    let at = |x: &str| gs.iter().position(|y| *y == x).unwrap();
                    o.grade.as_deref().is_some_and(|x| at(x) <= at(g))
                }
                Goal::Passed => o.passed == Some(true),
                Goal::Total(t) => o.total.is_some_and(|x| x >= *t),
            };
            prop_assert!(ok, "does not reach {:?}: {}", goal, alt.en);
            prop_assert_eq!(o.total, alt.total);
        }
    }
}

/// Values at the decimal's limits: advice, never a panic.
#[test]
fn values_at_the_decimal_limits_do_not_panic() {
    let rb = Rulebook::from_str(
        r#"
[rulebook]
id = "edge.advise"
title = "t"
version = "1"
[inputs]
x = { type = "decimal" }
y = { type = "decimal", min = -79228162514264337593543950335, max = 79228162514264337593543950335 }
n = { type = "integer" }
[[indicator]]
id = "a"
label = "A"
points = 50
bands = { input = "x", at_least = [[10, 50]], else = 0 }
[[indicator]]
id = "b"
label = "B"
points = 50
linear = { input = "y", from = [0, 0], to = [1000, 50] }
[[grade]]
label = "G"
at_least = 60
[[grade]]
label = "H"
"#,
        Format::Toml,
    )
    .unwrap();
    for (x, y, n) in [
        (Decimal::MAX, Decimal::MIN, i64::MAX),
        (Decimal::MIN, Decimal::MAX, i64::MIN),
        (Decimal::new(1, 28), Decimal::new(-1, 28), 0),
    ] {
        let mut r = rb.record();
        r.set("x", x);
        r.set("y", y);
        r.set("n", n);
        for goal in [Goal::Grade("G".into()), Goal::Total(d("99.99"))] {
            let a = rb.advise(&r, &goal, &AdviseOptions { budget: 500, ..AdviseOptions::default() });
            if let Ok(a) = a {
                for alt in &a.alternatives {
                    let o = rb.score(&changed(&r, &alt.changes), &ScoreOptions::default()).unwrap();
                    assert_eq!(o.total, alt.total);
                }
            }
        }
    }
}

/// A veto hides every other input's points: the inputs are still combined with its clearing.
#[test]
fn a_veto_and_a_shortfall_are_fixed_together() {
    let rb = Rulebook::builtin("example.county-assessment").unwrap();
    // No expert marks: 68.13 without the veto, so clearing it is not enough for 较好.
    let r = rb
        .record_from_json(
            r#"{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
                "income_growth": 6, "sampled": 320, "satisfied": 266, "falsified": true}"#,
        )
        .unwrap();
    let a = rb.advise(&r, &Goal::Grade("较好".into()), &AdviseOptions::default()).unwrap();
    assert!(!a.alternatives.is_empty(), "{}", a.text(kaoping::Lang::En));
    for alt in &a.alternatives {
        assert!(
            alt.changes.iter().any(|c| c.input == "falsified" && c.to == Value::Bool(false)),
            "{}",
            alt.en
        );
        let o = rb.score(&changed(&r, &alt.changes), &ScoreOptions::default()).unwrap();
        assert!(matches!(o.grade.as_deref(), Some("较好" | "好")), "{}", alt.en);
    }
}
