//! Results and explanations (spec §11, §13): every node's points with its rule in words and the
//! values it read, in Chinese and English; a versioned JSON schema with decimals as strings and
//! the rulebook's fingerprint; lost points and the next grade; components explained inside their
//! parent; embedded tests that report what failed.

use kaoping::{Cohort, ErrorKind, Format, Lang, Rulebook, ScoreOptions};
use rust_decimal::Decimal;

fn example() -> (Rulebook, kaoping::Outcome) {
    let rb = Rulebook::builtin("example.county-assessment").unwrap();
    let out = rb
        .score_json(
            r#"{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
                "income_growth": "6", "sampled": 320, "satisfied": 266, "expert_marks": ["7", "8", "9", "6", "10"]}"#,
            &ScoreOptions::default(),
        )
        .unwrap();
    (rb, out)
}

#[test]
fn chinese_explanation_says_every_rule_in_words() {
    let (_, out) = example();
    let zh = kaoping::explain(&out, Lang::Zh);
    for want in [
        "县级脱贫攻坚成效考核（示例） 2019.1",
        "单位 示例县 · 片区/类别 凉山彝区 · 评分日期 2019-12-31",
        "总分 80.13 / 100.00 · 等次 较好 · 距「好」还差 9.87 分",
        "贫困发生率 30.00 / 30.00：incidence = 3，≤ 3 (inc_good)（第 1 档）→ 30 分",
        "〔依据 参照厅字〔2016〕6号 第五条（一）减贫成效；分值与档次为示例〕",
        "群众认可度 3.13 / 15.00：satisfaction = 83.125，按 (80, 0) 至 (95, 15) 线性计分 → 3.125\n",
        "专家评议 12.00 / 15.00：专家评分 [7, 8, 9, 6, 10]，去掉 6, 10 后平均 8（满分 10）→ 12",
        "✗ 贫困发生率低于退出标准 (incidence < exit_limit)：incidence = 3, exit_limit = 3",
        "专家评议 12.00 / 15.00：专家评分 [7, 8, 9, 6, 10]，去掉 6, 10 后平均 8（满分 10）→ 12 — 读取 专家评分 = [7, 8, 9, 6, 10]",
        // Labels instead of ids where the rulebook gives them, and the values the words name
        // are not read out again.
        "收入增幅 15.00 / 20.00：农村居民人均可支配收入增幅 = 6，按 (0, 0) 至 (8, 20) 线性计分 → 15\n",
        "扶贫资金 20.00 / 20.00：审计发现问题数 = 0，每个扣 4 分：20 − 0 × 4 → 20（不低于 0）\n",
        // What the total is made of.
        "（指标得分 80.13 + 加分 0.00 − 扣分 0.00）",
        "失分（从多到少）：群众认可度 −11.87, 收入增幅 −5.00, 专家评议 −3.00",
    ] {
        assert!(zh.contains(want), "missing `{want}` in:\n{zh}");
    }
}

#[test]
fn english_explanation() {
    let (_, out) = example();
    let en = kaoping::explain(&out, Lang::En);
    for want in [
        "total 80.13 / 100.00 · grade 较好 · 9.87 points short of 好",
        "incidence = 3 ≤ 3 (inc_good) (band 1) → 30 points",
        "satisfaction = 83.125, linear from (80, 0) to (95, 15) → 3.125",
        "points lost (largest first): 群众认可度 −11.87",
    ] {
        assert!(en.contains(want), "missing `{want}` in:\n{en}");
    }
}

#[test]
fn json_is_versioned_traceable_and_exact() {
    let (rb, out) = example();
    let json = out.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], "kaoping.result/2");
    assert_eq!(v["rulebook"]["fingerprint"], rb.fingerprint());
    assert_eq!(v["rulebook"]["id"], "example.county-assessment");
    assert_eq!(v["total"], "80.13", "decimals are strings");
    assert_eq!(v["nodes"][4]["points"], "3.13");
    assert_eq!(v["nodes"][4]["note"]["kind"], "linear");
    assert_eq!(v["lost"][0]["id"], "help.satisfaction");
    assert_eq!(v["next_grade"]["gap"], "9.87");
    assert!(!json.contains("e-"), "no floats anywhere");
    assert_eq!(kaoping::Outcome::from_json(&json).unwrap(), out);
}

#[test]
fn fingerprints_ignore_layout_but_not_meaning() {
    let text = Rulebook::builtin("example.county-assessment").unwrap().text().unwrap().to_owned();
    let a = Rulebook::from_str(&text, Format::Toml).unwrap();
    let reformatted = text.replace(" = ", "=").replace("# ", "# note: ");
    let b = Rulebook::from_str(&reformatted, Format::Toml).unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    let changed = Rulebook::from_str(&text.replace("bonus_cap = 3", "bonus_cap = 2"), Format::Toml).unwrap();
    assert_ne!(a.fingerprint(), changed.fingerprint());
}

#[test]
fn components_are_explained_inside_their_parent() {
    let rb = Rulebook::builtin("sc.poverty.county-combined").unwrap();
    let report = rb.run_tests();
    assert!(report.ok(), "{:?}", report.failures);
    let comp = rb.indicators().into_iter().filter(|i| i.rule.as_deref() == Some("component")).count();
    assert!(comp >= 3, "three component rulebooks");
}

#[test]
fn embedded_test_failures_say_what_and_where() {
    let rb = Rulebook::from_str(
        r#"
[rulebook]
id = "t"
title = "t"
version = "1"
[inputs]
x = { type = "decimal" }
[[indicator]]
id = "a"
label = "A"
points = 10
linear = { input = "x", from = [0, 0], to = [8, 10] }
[[test]]
name = "right"
record = { x = 1 }
expect = { total = "1.25" }
[[test]]
name = "wrong"
record = { x = 1 }
expect = { total = "1.24", points = { a = "1.25" } }
[[test]]
name = "error expected"
record = { }
expect = { error = "MissingInput" }
[[test]]
name = "error not expected"
record = { }
expect = { total = "0" }
"#,
        Format::Toml,
    )
    .unwrap();
    let report = rb.run_tests();
    assert_eq!((report.run, report.passed), (4, 2));
    assert_eq!(report.failures.len(), 2);
    let f = &report.failures[0];
    assert_eq!(
        (f.test.as_str(), f.field.as_str(), f.expected.as_str(), f.got.as_str()),
        ("wrong", "total", "1.24", "1.25")
    );
    assert_eq!(report.failures[1].field, "error");
    assert!(report.failures[1].got.contains("MissingInput"));
}

#[test]
fn relative_rules_alone_need_cohort_figures() {
    let rb = Rulebook::from_str(
        r#"
[rulebook]
id = "rel"
title = "rel"
version = "1"
[inputs]
x = { type = "decimal" }
[[indicator]]
id = "best"
label = "以最高值为满分"
points = 10
relative = { input = "x", best = "max" }
"#,
        Format::Toml,
    )
    .unwrap();
    let mut r = rb.record();
    r.set("x", 3);
    let err = rb.score(&r, &ScoreOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CohortRequired);
    let mut cohort = Cohort::new();
    cohort.set("best", None, Decimal::from(8));
    let out = rb.score(&r, &ScoreOptions { cohort: Some(cohort), ..Default::default() }).unwrap();
    assert_eq!(out.total.unwrap().to_string(), "3.75");
    // In a batch the cohort is the batch.
    let mut r2 = rb.record();
    r2.set("x", 6);
    let batch = rb.score_batch(&[r, r2], &Default::default());
    assert_eq!(batch.row(0).total().unwrap().to_string(), "5.00");
    assert_eq!(batch.row(1).rank(), Some(1));
}

/// A county held at 较差 by the falsification veto (total set to 0) is not told it is 60 points
/// short of 一般: no number of points lifts it. The next grade names what holds it, with no gap.
#[test]
fn a_veto_that_holds_the_grade_is_named_instead_of_a_gap() {
    let rb = Rulebook::builtin("sc.poverty.county-assessment").unwrap();
    let record = r#"{"county": "甲县", "region": "秦巴山区", "rural_population": 200000, "poor_remaining": 3000,
        "poor_reduction_plan": 5000, "poor_reduced": 5000, "village_exit_plan": 20, "villages_exited": 20,
        "income_growth": 9, "sampled_exited": 500, "sampled_wrongly_exited": 0, "sampled_non_registered": 1000,
        "sampled_missed": 0, "poor_villages": 40, "villages_with_leader": 40, "villages_with_unit": 40,
        "villages_with_team": 40, "villages_with_secretary": 40, "villages_with_technician": 40,
        "help_surveyed": 400, "help_satisfied": 380, "funds_allocated": 10000, "funds_spent": 9500,
        "fund_performance": "优秀", "falsified": true}"#;
    let out = rb.score_json(record, &ScoreOptions::default()).unwrap();
    assert_eq!((out.total.unwrap().to_string().as_str(), out.grade.as_deref()), ("0.00", Some("较差")));
    let next = out.next_grade.as_ref().expect("a better grade exists");
    assert_eq!(next.grade, "一般");
    assert_eq!(next.gap, None, "no number of points reaches it");
    let held: Vec<(&kaoping::HoldKind, &str)> =
        next.blocked_by.iter().map(|h| (&h.kind, h.id.as_str())).collect();
    assert_eq!(held, [(&kaoping::HoldKind::Veto, "falsified")]);
    let zh = kaoping::explain(&out, Lang::Zh);
    assert!(zh.contains("受「弄虚作假、搞“数字脱贫”」限制，得分再高也达不到「一般」"), "{zh}");
    assert!(!zh.contains("还差"), "{zh}");
    let en = kaoping::explain(&out, Lang::En);
    assert!(en.contains("一般 is out of reach whatever the points: held by"), "{en}");
    let json: serde_json::Value = serde_json::from_str(&out.to_json()).unwrap();
    assert_eq!(json["next_grade"]["blocked_by"][0]["id"], "falsified");
    assert!(json["next_grade"].get("gap").is_none());
}
