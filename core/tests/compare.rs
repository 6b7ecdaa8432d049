//! Comparing two rulebooks over the same units (issue #23), through the public API.

use kaoping::compare::{Cell, CellKind, State};
use kaoping::table;
use kaoping::{CompareOptions, Comparison, Format, Lang, Rulebook};
use rust_decimal::Decimal;

mod common;
use common::sample;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The sample villages under the 3% exit limit and under 2.5%, each reading the table itself.
fn villages() -> Comparison {
    let old = Rulebook::builtin("sc.poverty.village-exit").unwrap();
    let new = old.with_params(&[("exit_limit", "2.5")]).unwrap();
    let bytes = sample("villages.csv");
    let (a, b) = (table::read_csv(&old, &bytes, None).unwrap(), table::read_csv(&new, &bytes, None).unwrap());
    Comparison::rows(&old, &new, &a.records, &b.records, &CompareOptions::default()).unwrap()
}

#[test]
fn the_village_exit_limit_from_3_to_2_5_percent() {
    let c = villages();
    // Counted from the table with integers: the villages meeting every 五有 whose incidence
    // poor / population × 100 is in [2.5, 3), i.e. 5 × population ≤ 200 × poor < 6 × population.
    let text = String::from_utf8(sample("villages.csv")).unwrap();
    let mut want: Vec<String> = Vec::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (Ok(pop), Ok(poor), Ok(income)) =
            (cells[2].parse::<i64>(), cells[3].parse::<i64>(), cells[4].parse::<Decimal>())
        else {
            continue;
        };
        let five = income > Decimal::ZERO && cells[5..9].iter().all(|c| *c == "是");
        if pop >= 1 && five && 5 * pop <= 200 * poor && 200 * poor < 6 * pop {
            want.push(cells[0].to_owned());
        }
    }
    let moved: Vec<String> = c.units.iter().filter(|u| u.state_changed()).map(|u| u.key.clone()).collect();
    assert_eq!(moved, want);
    assert_eq!(moved.len(), 16);
    let t = &c.summary.all.transitions;
    assert_eq!(t.states, vec![State::Passed, State::NotPassed, State::Failed]);
    assert_eq!(t.counts, vec![vec![85, 16, 0], vec![0, 103, 0], vec![0, 0, 3]]);
    assert_eq!(c.summary.all.state_changed, 16);
    // Criteria only: no totals to compare.
    assert_eq!(c.summary.all.compared, 0);
    assert_eq!(c.new.version, "2016.1+variant");
    assert_eq!(c.new.variant_of.as_ref().unwrap().changes, vec!["exit_limit=2.5".to_owned()]);
    // The movers keep both explanations: the 3% verdict and the 2.5% one.
    assert_eq!(c.movers.len(), 10);
    let m = &c.movers[0];
    assert_eq!(c.units[m.unit].key, "示例村006");
    let (old, new) = (m.old.as_ref().unwrap(), m.new.as_ref().unwrap());
    assert_eq!((old.passed, new.passed), (Some(true), Some(false)));
    // The changed parameter, by its label, with its new value.
    assert!(kaoping::explain(new, kaoping::Lang::Zh).contains("贫困村退出贫困发生率标准 = 2.5"));
}

const OLD: &str = r#"[rulebook]
id = "cmp"
title = "比较"
version = "1"
key_field = "unit"
profile_field = "area"
[profiles."东"]
[profiles."西"]
[inputs]
unit = { type = "text" }
area = { type = "text" }
x = { type = "decimal", min = 0 }
bad = { type = "boolean", default = false }
award = { type = "integer", min = 0, default = 0 }
[params]
cut = { value = 60, profiles = { "西" = 50 } }
[[indicator]]
id = "q"
label = "质量"
points = 60
linear = { input = "x", from = [0, 0], to = [100, 60] }
[[indicator]]
id = "r"
label = "达标"
points = 40
check = { when = "x >= cut" }
[[bonus]]
id = "award"
label = "奖励"
points = 5
count = { input = "award", each = 2 }
[[veto]]
id = "bad"
when = "bad"
score = 0
[[grade]]
label = "好"
at_least = 80
[[grade]]
label = "中"
at_least = 50
[[grade]]
label = "差"
"#;

fn units(rb: &Rulebook, rows: &[(&str, &str, &str, bool, i64)]) -> Vec<kaoping::Record> {
    rows.iter()
        .map(|(unit, area, x, bad, award)| {
            let mut r = rb.record();
            r.set("unit", *unit);
            r.set("area", *area);
            if !x.is_empty() {
                r.set("x", dec(x));
            }
            r.set("bad", kaoping::Value::Bool(*bad));
            r.set("award", *award);
            r
        })
        .collect()
}

#[test]
fn indicators_added_and_removed_vetoes_started_and_stopped_and_failed_rows() {
    let old = Rulebook::from_str(OLD, Format::Toml).unwrap();
    // The new scheme drops `r`, adds `s` (worth the same), raises the cut and lets the veto
    // fire on a low x as well.
    let new_text = OLD
        .replace("id = \"r\"\nlabel = \"达标\"", "id = \"s\"\nlabel = \"新达标\"")
        .replace("cut = { value = 60", "cut = { value = 70")
        .replace("when = \"bad\"", "when = \"bad or x < 10\"");
    let new = Rulebook::from_str(&new_text, Format::Toml).unwrap();
    let records = units(
        &old,
        &[
            ("甲", "东", "65", false, 0), // r 40 → s 0: 99 → 59
            ("乙", "西", "65", false, 3), // cut 50 → 70 in 西 too? no: 西 keeps 50: unchanged 99 + 5 capped
            ("丙", "东", "5", false, 0),  // the veto starts: 3 → 0
            ("丁", "东", "90", true, 0),  // vetoed under both
            ("戊", "东", "", false, 0),   // x missing: fails under both
            ("己", "北", "50", false, 0), // no such profile: fails
        ],
    );
    let c = Comparison::records(&old, &new, &records, &CompareOptions::default());
    assert_eq!(c.summary.added, vec!["s"]);
    assert_eq!(c.summary.removed, vec!["r"]);
    let ids: Vec<&str> = c.indicator_ids();
    assert_eq!(ids, vec!["q", "r", "s"]);
    let u = |k: &str| c.units.iter().find(|u| u.key == k).unwrap();

    let a = u("甲");
    assert_eq!(
        (a.old.total, a.new.total, a.delta),
        (Some(dec("79.00")), Some(dec("39.00")), Some(dec("-40.00")))
    );
    assert_eq!((a.old.grade.as_deref(), a.new.grade.as_deref()), (Some("中"), Some("差")));
    let at = a.attribution.as_ref().unwrap();
    assert_eq!(at.indicators, vec![("r".to_owned(), dec("-40.00"))]);
    assert_eq!(at.sum(), dec("-40.00"));
    assert_eq!(a.points[1], (Some(dec("40.00")), None));
    assert_eq!(a.points[2], (None, Some(dec("0.00"))));

    let b = u("乙");
    assert_eq!(b.delta, Some(dec("0.00")));
    assert_eq!(b.old.total, Some(dec("84.00")));

    let v = u("丙");
    assert_eq!(v.vetoes_started, vec!["bad"]);
    assert_eq!(v.new.state, State::Vetoed);
    let at = v.attribution.as_ref().unwrap();
    assert_eq!((at.vetoes, at.sum()), (dec("-3.00"), v.delta.unwrap()));

    let d = u("丁");
    assert_eq!((d.old.state.clone(), d.new.state.clone()), (State::Vetoed, State::Vetoed));
    assert!(d.vetoes_started.is_empty() && d.vetoes_stopped.is_empty());

    for k in ["戊", "己"] {
        let f = u(k);
        assert_eq!((f.old.state.clone(), f.new.state.clone()), (State::Failed, State::Failed));
        assert!(f.delta.is_none() && f.attribution.is_none());
        assert!(f.old.error.is_some());
    }
    assert_eq!(u("己").old.error_kind, Some(kaoping::ErrorKind::UnknownProfile));

    let s = &c.summary.all;
    assert_eq!((s.units, s.compared, s.up, s.down, s.unchanged), (6, 4, 0, 2, 2));
    assert_eq!((s.failed_old, s.failed_new), (2, 2));
    assert_eq!(
        s.transitions.states,
        vec![
            State::Grade("好".into()),
            State::Grade("中".into()),
            State::Grade("差".into()),
            State::Vetoed,
            State::Failed
        ]
    );
    // 好 stays (乙), 中 → 差 (甲), 差 → vetoed (丙), vetoed stays (丁), failed stays (戊, 己).
    assert_eq!(s.transitions.counts[0][0], 1);
    assert_eq!(s.transitions.counts[1][2], 1);
    assert_eq!(s.transitions.counts[2][3], 1);
    assert_eq!(s.transitions.counts[3][3], 1);
    assert_eq!(s.transitions.counts[4][4], 2);
    assert_eq!(s.transitions.changed(), 2);
    // The change's buckets: 0 on its own; steps of 10 (−40 within 5 steps).
    let buckets: Vec<(&str, usize)> = s.buckets.iter().map(|b| (b.label.as_str(), b.count)).collect();
    assert_eq!(
        buckets,
        vec![("[-40, -30)", 1), ("[-30, -20)", 0), ("[-20, -10)", 0), ("[-10, 0)", 1), ("0", 2)]
    );
    // Per profile: 东 and 西 (北 failed with no profile: counted as none).
    let profiles: Vec<(Option<&str>, usize)> =
        c.summary.profiles.iter().map(|p| (p.profile.as_deref(), p.stats.units)).collect();
    assert_eq!(profiles, vec![(None, 2), (Some("东"), 3), (Some("西"), 1)]);
    // The indicators that moved most units: r (removed) and s (added) moved every unit scored
    // under both (their points appear or disappear); q none.
    let moves: Vec<(&str, usize)> = c.summary.indicators.iter().map(|m| (m.id.as_str(), m.moved)).collect();
    assert_eq!(moves, vec![("r", 4), ("s", 4), ("q", 0)]);
    assert_eq!(c.summary.attribution.sum(), dec("-43.00"));
    // JSON, versioned, decimals as strings.
    let json: serde_json::Value = serde_json::from_str(&c.to_json()).unwrap();
    assert_eq!(json["schema"], "kaoping.compare/1");
    assert_eq!(json["units"][0]["delta"], "-40.00");
    assert_eq!(
        json["summary"]["transitions"]["states"][0],
        serde_json::json!({"state": "grade", "label": "好"})
    );
}

#[test]
fn tables_rows_and_records_compare_alike() {
    let old = Rulebook::builtin("sc.poverty.county-assessment").unwrap();
    let new = old.with_params(&[("inc_1@秦巴山区", "2.5")]).unwrap();
    let bytes = sample("counties.csv");
    let (a, b) = (table::read_csv(&old, &bytes, None).unwrap(), table::read_csv(&new, &bytes, None).unwrap());
    let records: Vec<kaoping::Record> = a.records.iter().filter_map(|r| r.as_ref().ok().cloned()).collect();
    let by_rows = Comparison::rows(&old, &new, &a.records, &b.records, &CompareOptions::default()).unwrap();
    let serial = CompareOptions { parallel: false, ..CompareOptions::default() };
    let by_records = Comparison::records(&old, &new, &records, &serial);
    let kept: Vec<_> =
        by_rows.units.iter().filter(|u| u.old.error_kind != Some(kaoping::ErrorKind::Syntax)).collect();
    assert_eq!(kept.len(), by_records.units.len());
    for (x, y) in kept.iter().zip(&by_records.units) {
        assert_eq!(
            (&x.key, x.delta, &x.old.state, &x.new.state),
            (&y.key, y.delta, &y.old.state, &y.new.state)
        );
    }
    // Only 秦巴山区 moved: a higher first threshold there lifts counties into the top band.
    for p in &by_records.summary.profiles {
        if p.profile.as_deref() != Some("秦巴山区") {
            assert_eq!(p.stats.up + p.stats.down, 0, "{:?}", p.profile);
        } else {
            assert_eq!(p.stats.down, 0);
            assert!(p.stats.up > 0);
        }
    }
    // Lengths that differ are refused, not truncated.
    let err = Comparison::rows(&old, &new, &[], &[Ok(new.record())], &CompareOptions::default()).unwrap_err();
    assert!(err.message.contains("0 rows"), "{err}");
}

#[test]
fn a_relative_rule_compares_over_each_cohort() {
    let text = std::fs::read_to_string(common::repo().join("cli/tests/data/relative.toml")).unwrap();
    let old = Rulebook::from_str(&text, Format::Toml).unwrap();
    let new = Rulebook::from_str(&text.replace("points = 20", "points = 30"), Format::Toml).unwrap();
    let records: Vec<kaoping::Record> = [("a", 10), ("b", 5)]
        .iter()
        .map(|(u, o)| {
            let mut r = old.record();
            r.set("unit", *u);
            r.set("output", *o);
            r
        })
        .collect();
    let c = Comparison::records(&old, &new, &records, &CompareOptions::default());
    // b has half the best output: 10 of 20, then 15 of 30.
    assert_eq!(c.units[1].old.total, Some(dec("10.00")));
    assert_eq!(c.units[1].delta, Some(dec("5.00")));
    assert_eq!(c.movers[0].unit, 0, "the best unit moves most: 20 → 30");
}

#[test]
fn why_a_verdict_changed_the_table_and_the_words() {
    let c = villages();
    // Every village that stopped passing did so on one criterion, the incidence below the limit;
    // villages that failed another criterion anyway may see that one flip too, their state kept.
    let mut flipped = 0;
    for u in c.units.iter().filter(|u| !u.criteria_changed.is_empty()) {
        let why: Vec<(&str, Option<bool>, Option<bool>)> =
            u.criteria_changed.iter().map(|x| (x.id.as_str(), x.old, x.new)).collect();
        assert_eq!(why, vec![("incidence", Some(true), Some(false))], "{}", u.key);
        assert!(u.state_changed() || u.old.passed == Some(false), "{}", u.key);
        flipped += 1;
    }
    assert!(flipped > 16, "villages failing another criterion flip on incidence too: {flipped}");
    assert!(c.units.iter().filter(|u| u.state_changed()).all(|u| !u.criteria_changed.is_empty()));

    // One table row per unit; criteria-only rulebooks have verdict columns, no grade columns.
    let table = c.table();
    let names: Vec<&str> = table.iter().map(|col| col.name.as_str()).collect();
    assert!(names.starts_with(&[
        "row",
        "key",
        "old_total",
        "new_total",
        "delta",
        "old_passed",
        "new_passed"
    ]));
    assert!(!names.contains(&"old_grade") && !names.contains(&"profile"));
    assert!(names.ends_with(&["old_error_kind", "old_error", "new_error_kind", "new_error"]));
    assert!(table.iter().all(|col| col.cells.len() == c.units.len()));
    let col = |name: &str| table.iter().find(|col| col.name == name).unwrap();
    let moved: Vec<usize> =
        c.units.iter().enumerate().filter(|(_, u)| u.state_changed()).map(|(i, _)| i).collect();
    for i in moved {
        assert_eq!(col("criteria_changed").cells[i], Some(Cell::Text("incidence".into())), "row {}", i + 1);
    }
    assert_eq!(col("old_error_kind").kind, CellKind::Text);

    // In words: the matrix and why the biggest movers moved, in either language.
    let zh = c.text(Lang::Zh);
    assert!(zh.contains("（exit_limit=2.5）"), "{zh}");
    assert!(zh.contains("  达标          85      16         0"), "{zh}");
    assert!(zh.contains("第 6 行 示例村006：达标 → 未达标（条件 incidence：成立 → 不成立）"), "{zh}");
    let en = c.text(Lang::En);
    assert!(en.contains("207 units; failed: 3 old, 3 new; state changed: 16"), "{en}");
    assert!(en.contains("row 6 示例村006: passed → not passed (criterion incidence: holds → fails)"), "{en}");
}

#[test]
fn the_table_has_a_change_per_indicator_and_the_attribution_parts() {
    let old = Rulebook::from_str(OLD, Format::Toml).unwrap();
    let new =
        Rulebook::from_str(&OLD.replace("cut = { value = 60", "cut = { value = 70"), Format::Toml).unwrap();
    let records = units(&old, &[("甲", "东", "65", false, 4), ("乙", "东", "", false, 0)]);
    let c = Comparison::records(&old, &new, &records, &CompareOptions::default());
    let table = c.table();
    let col =
        |name: &str| table.iter().find(|col| col.name == name).unwrap_or_else(|| panic!("no column {name}"));
    // 甲 loses r's 40 points (65 < 70); 乙 failed: no changes, its error kept.
    assert_eq!(col("profile").cells[0], Some(Cell::Text("东".into())));
    assert_eq!(col("delta.r").cells[0], Some(Cell::Decimal(dec("-40.00"))));
    assert_eq!(col("delta.q").cells[0], Some(Cell::Decimal(dec("0.00"))));
    assert_eq!(col("delta").cells[0], Some(Cell::Decimal(dec("-40.00"))));
    assert_eq!(col("attribution.bonus").cells[0], Some(Cell::Decimal(dec("0.00"))));
    assert_eq!(col("old_grade").cells[0], Some(Cell::Text("好".into())));
    assert_eq!(col("new_grade").cells[0], Some(Cell::Text("差".into())));
    assert_eq!(col("vetoes_started").cells[0], None);
    assert_eq!(col("delta.r").cells[1], None);
    assert_eq!(col("old_error_kind").cells[1], Some(Cell::Text("MissingInput".into())));
    assert_eq!(col("delta").kind, CellKind::Decimal);
    assert_eq!(col("row").cells[1], Some(Cell::Integer(2)));
    assert_eq!(c.scale, 2);
}
