//! Spec §18: sub-units, roll-ups and periods — aggregates over list inputs, items scored by
//! another rulebook, order, item errors, explanations, and what is refused at load.

use kaoping::{ErrorKind, Format, Item, Loader, Rulebook, ScoreOptions, Value};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const HOUSEHOLD: &str = r#"
[rulebook]
id = "t.household"
version = "1"
key_field = "hh"

[inputs]
hh      = { type = "text" }
members = { type = "integer", min = 1, label = "家庭人口" }
income  = { type = "decimal", required = false }
housing = { type = "boolean", default = true }

[params]
line = 4000

[derived]
per_capita = "income / members"

[[criterion]]
id = "income"
when = "per_capita > line"

[[criterion]]
id = "housing"
when = "housing"
"#;

const VILLAGE: &str = r#"
[rulebook]
id = "t.village"
version = "1"
key_field = "village"
scale = 4

[inputs]
village    = { type = "text" }
population = { type = "integer", min = 1 }
households = { type = "items", rulebook = "t.household", label = "建档立卡贫困户" }

[derived]
remaining_poor = "sum(households, item.members, not item.passed)"
incidence      = "remaining_poor / population * 100"
failed         = "count(households, not item.passed)"
poorest        = "min(households, item.per_capita)"

[[indicator]]
id = "incidence"
label = "incidence"
points = 1000
formula = "incidence"

[[indicator]]
id = "failed"
label = "failed"
points = 1000
formula = "failed"

[[indicator]]
id = "poorest"
label = "poorest"
points = 100000
formula = "poorest"
"#;

fn household() -> Rulebook {
    Rulebook::from_str(HOUSEHOLD, Format::Toml).unwrap()
}

fn village() -> Rulebook {
    Loader::new().with(household()).load_str(VILLAGE, Format::Toml).unwrap()
}

fn hh(id: &str, members: i64, income: Option<&str>) -> Item {
    let mut it = Item::new().with("hh", id).with("members", members);
    if let Some(i) = income {
        it.set("income", d(i));
    }
    it
}

fn points(out: &kaoping::Outcome, id: &str) -> Decimal {
    out.points(id).unwrap()
}

#[test]
fn a_village_rolls_up_its_households() {
    let rb = village();
    let mut r = rb.record();
    r.set("village", "新村");
    r.set("population", 200);
    r.set(
        "households",
        vec![hh("h1", 4, Some("20000")), hh("h2", 3, Some("9000")), hh("h3", 5, Some("30000"))],
    );
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    // h2: 9000 / 3 = 3000 ≤ 4000 fails; 3 remaining poor of 200 = 1.5%.
    assert_eq!(points(&out, "incidence"), d("1.5000"));
    assert_eq!(points(&out, "failed"), d("1.0000"));
    assert_eq!(points(&out, "poorest"), d("3000.0000"));
    // One explanation line per call, with what it selected.
    let line = out.aggregates.iter().find(|a| a.place == "derived \"remaining_poor\"").unwrap();
    assert_eq!((line.selected, line.of, line.value.as_deref()), (1, Some(3), Some("3")));
    assert_eq!(line.list_label.as_deref(), Some("建档立卡贫困户"));
    assert_eq!(line.cond.as_deref(), Some("not item.passed"));
    let text = kaoping::explain(&out, kaoping::Lang::Zh);
    assert!(text.contains("remaining_poor"), "{text}");
}

#[test]
fn the_empty_list_and_the_missing_list() {
    let rb = village();
    let mut r = rb.record();
    r.set("village", "空村");
    r.set("population", 10);
    r.set("households", Vec::<Item>::new());
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    // Empty: sum and count are 0; min has no data (its indicator scores no data, 0).
    assert_eq!(points(&out, "incidence"), d("0"));
    assert_eq!(points(&out, "failed"), d("0"));
    assert_eq!(out.node("poorest").unwrap().status, kaoping::Status::NoData);
    // Missing and required: MissingInput.
    let mut r = rb.record();
    r.set("village", "空村");
    r.set("population", 10);
    let e = rb.score(&r, &ScoreOptions::default()).unwrap_err();
    assert_eq!((e.kind(), e.first().field.as_deref()), (ErrorKind::MissingInput, Some("households")));
}

#[test]
fn an_item_without_data_makes_the_aggregate_no_data() {
    let rb = village();
    let mut r = rb.record();
    r.set("village", "新村");
    r.set("population", 200);
    // h2 and h3 have no income: their per_capita is no data, so the poorest is no data (the first
    // item responsible is named); their criterion reads no data and fails (§16), so they count
    // as remaining poor: 3 + 5 of 200 = 4%.
    r.set("households", vec![hh("h1", 4, Some("20000")), hh("h2", 3, None), hh("h3", 5, None)]);
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(out.node("poorest").unwrap().status, kaoping::Status::NoData);
    assert_eq!(points(&out, "incidence"), d("4.0000"));
    let line = out.aggregates.iter().find(|a| a.place == "derived \"poorest\"").unwrap();
    assert_eq!((line.value.as_deref(), line.no_data_item, line.of), (None, Some(2), Some(3)));
}

#[test]
fn item_errors_name_the_list_position_key_and_field() {
    let rb = village();
    let mut r = rb.record();
    r.set("village", "新村");
    r.set("population", 0); // a parent problem comes first
    r.set(
        "households",
        vec![
            hh("h1", 4, Some("20000")),
            Item::new().with("hh", "5100000017").with("income", d("1")),
            hh("h3", 0, Some("1")),
        ],
    );
    let e = rb.score(&r, &ScoreOptions::default()).unwrap_err();
    let all: Vec<(ErrorKind, Option<&str>, Option<&str>)> =
        e.issues.iter().map(|i| (i.kind, i.field.as_deref(), i.item.as_deref())).collect();
    assert_eq!(
        all,
        [
            (ErrorKind::InputOutOfRange, Some("population"), None),
            (ErrorKind::MissingInput, Some("members"), Some("households[2] (5100000017)")),
            (ErrorKind::InputOutOfRange, Some("members"), Some("households[3] (h3)")),
        ]
    );
    let text = e.to_string();
    assert!(text.contains("households[2] (5100000017): MissingInput"), "{text}");
    assert!(text.contains("家庭人口"), "{text}");
}

#[test]
fn an_evaluation_fault_in_an_item_fails_the_parent_and_names_the_item() {
    let sub = Rulebook::from_str(
        r#"
[rulebook]
id = "t.q"
version = "1"
[inputs]
a = { type = "decimal" }
b = { type = "decimal" }
[derived]
r = "a / b"
[[indicator]]
id = "r"
label = "r"
points = 10
formula = "r"
"#,
        Format::Toml,
    )
    .unwrap();
    let top = Loader::new()
        .with(sub)
        .load_str(
            r#"
[rulebook]
id = "t.top"
version = "1"
[inputs]
qs = { type = "items", rulebook = "t.q" }
[derived]
n = "count(qs)"
[[indicator]]
id = "n"
label = "n"
points = 10
formula = "n"
"#,
            Format::Toml,
        )
        .unwrap();
    let mut r = top.record();
    r.set("qs", vec![Item::new().with("a", 1).with("b", 2), Item::new().with("a", 1).with("b", 0)]);
    let e = top.score(&r, &ScoreOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DivisionByZero);
    assert_eq!(e.first().item.as_deref(), Some("qs[2]"));
}

const AGG: &str = r#"
[rulebook]
id = "t.agg"
version = "1"
scale = 4

[inputs]
reports = { type = "items", fields = { period = { type = "text", label = "期次" }, on_time = "boolean", issues = "integer", score = "decimal" }, order_by = "period", default = [] }
marks   = { type = "numbers", required = false }
limit   = { type = "integer", default = 2 }

[derived]
n        = "count(reports)"
late     = "count(reports, not item.on_time)"
issues   = "sum(reports, item.issues)"
mean_s   = "mean(reports, item.score, item.on_time)"
worst    = "max(reports, item.issues)"
best     = "min(reports, item.issues)"
first_p  = "first(reports, item.period)"
last_i   = "last(reports, item.issues)"
over     = "first(reports, item.period, item.issues > limit)"
share_ok = "share(reports, item.on_time)"
m        = "mean(marks)"
top      = "max(marks)"
scalar   = "max(limit, 7)"
answered = "known(m)"

[[indicator]]
id = "n"
label = "n"
points = 1000
formula = "n + late / 10 + issues / 100"

[[indicator]]
id = "mean_s"
label = "mean_s"
points = 1000
formula = "mean_s"

[[indicator]]
id = "ext"
label = "ext"
points = 1000
formula = "worst * 100 + best * 10 + last_i + scalar / 1000"

[[indicator]]
id = "share"
label = "share"
points = 1000
formula = "share_ok"

[[indicator]]
id = "m"
label = "m"
points = 1000
formula = "if answered then m + top / 100 else 999"

[[criterion]]
id = "first_is_q1"
when = "first_p == \"2020-Q1\""

[[criterion]]
id = "over_is_q3"
when = "over == \"2020-Q3\""
"#;

fn report(period: &str, on_time: bool, issues: i64, score: &str) -> Item {
    Item::new().with("period", period).with("on_time", on_time).with("issues", issues).with("score", d(score))
}

#[test]
fn every_aggregate_function_in_list_order() {
    let rb = Rulebook::from_str(AGG, Format::Toml).unwrap();
    let mut r = rb.record();
    // Given out of order: order_by sorts them (Q1, Q2, Q3, Q4).
    r.set(
        "reports",
        vec![
            report("2020-Q3", true, 3, "80"),
            report("2020-Q1", true, 1, "90"),
            report("2020-Q4", false, 4, "60"),
            report("2020-Q2", true, 0, "85"),
        ],
    );
    r.set("marks", vec![d("7"), d("8"), d("9")]);
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    // n 4, late 1, issues 8: 4 + 0.1 + 0.08.
    assert_eq!(points(&out, "n"), d("4.1800"));
    // mean of on-time scores: (80 + 90 + 85) / 3 = 85.
    assert_eq!(points(&out, "mean_s"), d("85.0000"));
    // worst 4, best 0, last (Q4) 4, scalar max(2, 7) = 7.
    assert_eq!(points(&out, "ext"), d("404.0070"));
    assert_eq!(points(&out, "share"), d("75.0000"));
    assert_eq!(points(&out, "m"), d("8.0900"));
    assert_eq!(out.passed, Some(true));
    // Without marks: mean(marks) is no data, known() false.
    let mut r2 = rb.record();
    r2.set("reports", Vec::<Item>::new());
    let out = rb.score(&r2, &ScoreOptions::default()).unwrap();
    assert_eq!(points(&out, "m"), d("999.0000"));
    assert_eq!(points(&out, "n"), d("0"));
    assert_eq!(out.node("mean_s").unwrap().status, kaoping::Status::NoData);
    assert_eq!(out.node("share").unwrap().status, kaoping::Status::NoData);
    // The list input defaulted to [] when left out.
    assert_eq!(out.passed, Some(false));
}

#[test]
fn order_by_is_stable_and_puts_items_without_a_value_last() {
    let rb = Rulebook::from_str(
        r#"
[rulebook]
id = "t.order"
version = "1"
[inputs]
xs = { type = "items", fields = { k = "decimal", v = "integer" }, order_by = "k" }
[derived]
f = "first(xs, item.v)"
l = "last(xs, item.v)"
[[indicator]]
id = "fl"
label = "fl"
points = 1000
formula = "f * 10 + l"
"#,
        Format::Toml,
    )
    .unwrap();
    let item = |k: &str, v: i64| Item::new().with("k", d(k)).with("v", v);
    let mut r = rb.record();
    // k 2 (v1), 1 (v2), 1.0 (v3), 10 (v4): sorted 1 (v2), 1.0 (v3), 2 (v1), 10 (v4).
    r.set("xs", vec![item("2", 1), item("1", 2), item("1.0", 3), item("10", 4)]);
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(points(&out, "fl"), d("24"));
}

#[test]
fn items_results_are_kept_when_asked_for() {
    let rb = village();
    let mut r = rb.record();
    r.set("village", "新村");
    r.set("population", 200);
    r.set("households", vec![hh("h1", 4, Some("20000")), hh("h2", 3, Some("9000"))]);
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    assert!(out.items.is_empty());
    let opts = ScoreOptions { items: true, ..ScoreOptions::default() };
    let out = rb.score(&r, &opts).unwrap();
    let items = out.items_of("households").unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((items[1].position, items[1].key.as_deref()), (2, Some("h2")));
    assert_eq!(items[1].result.passed, Some(false));
    assert!(!items[1].result.criteria[0].holds);
}

#[test]
fn the_fingerprint_covers_the_rulebooks_items_reach() {
    let a = village();
    let changed = Rulebook::from_str(&HOUSEHOLD.replace("line = 4000", "line = 4100"), Format::Toml).unwrap();
    let b = Loader::new().with(changed).load_str(VILLAGE, Format::Toml).unwrap();
    assert_ne!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.fingerprint(), village().fingerprint());
}

#[test]
fn three_levels_households_villages_county() {
    let county = Loader::new()
        .with(household())
        .with(village())
        .load_str(
            r#"
[rulebook]
id = "t.county"
version = "1"
scale = 4
[inputs]
villages = { type = "items", rulebook = "t.village" }
[derived]
share_low = "share(villages, item.incidence < 3)"
poor = "sum(villages, item.remaining_poor)"
[[indicator]]
id = "share_low"
label = "share_low"
points = 100
formula = "share_low"
[[indicator]]
id = "poor"
label = "poor"
points = 100
formula = "poor"
"#,
            Format::Toml,
        )
        .unwrap();
    let village_item = |name: &str, pop: i64, hhs: Vec<Item>| {
        Item::new().with("village", name).with("population", pop).with("households", hhs)
    };
    let mut r = county.record();
    r.set(
        "villages",
        vec![
            village_item("甲村", 100, vec![hh("a1", 2, Some("1000")), hh("a2", 2, Some("100000"))]),
            village_item("乙村", 100, vec![hh("b1", 5, Some("100000"))]),
            village_item("丙村", 10, vec![hh("c1", 0, Some("1"))]),
        ],
    );
    let e = county.score(&r, &ScoreOptions::default()).unwrap_err();
    assert_eq!(e.first().item.as_deref(), Some("villages[3] (丙村).households[1] (c1)"));
    assert_eq!(e.first().field.as_deref(), Some("members"));
    r.set(
        "villages",
        vec![
            village_item("甲村", 100, vec![hh("a1", 2, Some("1000")), hh("a2", 2, Some("100000"))]),
            village_item("乙村", 100, vec![hh("b1", 5, Some("100000"))]),
        ],
    );
    let out = county.score(&r, &ScoreOptions::default()).unwrap();
    // 甲村 2 of 100 poor (2%), 乙村 0: both below 3%.
    assert_eq!(points(&out, "share_low"), d("100.0000"));
    assert_eq!(points(&out, "poor"), d("2.0000"));
}

#[test]
fn records_from_json_read_nested_items() {
    let rb = village();
    let r = rb
        .record_from_json(
            r#"{"village": "新村", "population": 100,
                "households": [{"hh": "h1", "members": 2, "income": "1000"},
                               {"hh": "h2", "家庭人口": 3, "income": 100000},
                               {"hh": "h3", "members": "two"}]}"#,
        )
        .unwrap();
    let e = rb.score(&r, &ScoreOptions::default()).unwrap_err();
    assert_eq!((e.kind(), e.first().item.as_deref()), (ErrorKind::InputType, Some("households[3] (h3)")));
    let r = rb
        .record_from_json(
            r#"{"village": "新村", "population": 100,
                "households": [{"hh": "h1", "members": 2, "income": "1000"},
                               {"hh": "h2", "家庭人口": 3, "income": 100000}]}"#,
        )
        .unwrap();
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(points(&out, "incidence"), d("2.0000"));
}

fn load_error(text: &str) -> kaoping::LoadError {
    Loader::new().with(household()).load_str(text, Format::Toml).unwrap_err()
}

fn with_derived(expr: &str) -> String {
    format!(
        r#"
[rulebook]
id = "t.bad"
version = "1"
[inputs]
xs = {{ type = "items", fields = {{ a = "decimal", t = "text", b = "boolean" }} }}
marks = {{ type = "numbers" }}
x = {{ type = "decimal" }}
[derived]
v = '{expr}'
"#
    )
}

#[test]
fn load_errors_of_aggregates() {
    let cases = [
        ("sum(x, item.a)", ErrorKind::TypeMismatch),
        ("sum((xs) + 1, item.a)", ErrorKind::TypeMismatch),
        ("count(xs, item.b, item.b)", ErrorKind::TypeMismatch),
        ("share(xs)", ErrorKind::TypeMismatch),
        ("sum(xs)", ErrorKind::TypeMismatch),
        ("item.a + 1", ErrorKind::UnknownName),
        ("sum(xs, item.nope)", ErrorKind::UnknownName),
        ("sum(xs, count(xs))", ErrorKind::Schema),
        ("count(xs, item.a)", ErrorKind::TypeMismatch),
        ("sum(xs, item.t)", ErrorKind::TypeMismatch),
        ("mean(marks, item.a)", ErrorKind::UnknownName),
        ("sum(xs, item)", ErrorKind::TypeMismatch),
        ("xs + 1", ErrorKind::TypeMismatch),
    ];
    for (expr, kind) in cases {
        let e = load_error(&with_derived(expr));
        assert_eq!(e.kind(), kind, "{expr}: {e}");
        // Placed in the expression: line and column.
        assert!(e.problems[0].location.line.is_some(), "{expr}: {e}");
    }
    // Accepted: first/last of text, count with a boolean condition, min over marks.
    for ok in ["first(xs, item.t)", "count(xs, item.b)", "min(marks)", "known(x)", "min(x, 1)"] {
        Loader::new().load_str(&with_derived(ok), Format::Toml).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
}

#[test]
fn load_errors_of_list_inputs() {
    let base = |inputs: &str| {
        format!("[rulebook]\nid = \"t.bad\"\nversion = \"1\"\n[inputs]\n{inputs}\n[derived]\nv = \"1\"\n")
    };
    let cases = [
        (r#"hs = { type = "items", rulebook = "t.nowhere" }"#, ErrorKind::UnknownName),
        (r#"hs = { type = "items", rulebook = "t.household", fields = { a = "text" } }"#, ErrorKind::Schema),
        (r#"hs = { type = "items", fields = { a = "text" }, min = 1 }"#, ErrorKind::Schema),
        (r#"x = { type = "decimal", join = "村" }"#, ErrorKind::Schema),
        (r#"x = { type = "decimal", order_by = "a" }"#, ErrorKind::Schema),
        (r#"hs = { type = "items", fields = { a = "boolean" }, order_by = "a" }"#, ErrorKind::TypeMismatch),
        (r#"hs = { type = "items", fields = { a = "text" }, order_by = "b" }"#, ErrorKind::UnknownName),
        (r#"item = { type = "decimal" }"#, ErrorKind::Schema),
        (r#"hs = { type = "items", fields = { item = "text" } }"#, ErrorKind::Schema),
    ];
    for (inputs, kind) in cases {
        let e = load_error(&base(inputs));
        assert_eq!(e.kind(), kind, "{inputs}: {e}");
    }
    // A rulebook with relative rules cannot score items; nor one naming a result field.
    let relative = Rulebook::from_str(
        "[rulebook]\nid = \"t.rel\"\nversion = \"1\"\n[inputs]\nx = { type = \"decimal\" }\n\
         [[indicator]]\nid = \"x\"\nlabel = \"x\"\npoints = 10\nrelative = { input = \"x\" }\n",
        Format::Toml,
    )
    .unwrap();
    let e = Loader::new()
        .with(relative)
        .load_str(&base(r#"hs = { type = "items", rulebook = "t.rel" }"#), Format::Toml)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Schema, "{e}");
    let named = Rulebook::from_str(
        "[rulebook]\nid = \"t.named\"\nversion = \"1\"\n[inputs]\ntotal = { type = \"decimal\" }\n",
        Format::Toml,
    )
    .unwrap();
    let e = Loader::new()
        .with(named)
        .load_str(&base(r#"hs = { type = "items", rulebook = "t.named" }"#), Format::Toml)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Schema, "{e}");
    assert!(e.to_string().contains("`total`"), "{e}");
}

#[test]
fn a_rulebook_reaching_itself_through_items_is_a_cycle() {
    let dir = std::env::temp_dir().join(format!("kaoping-items-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = "[rulebook]\nid = \"c.a\"\nversion = \"1\"\n[inputs]\nbs = { type = \"items\", rulebook = \"c.b\" }\n";
    let b = "[rulebook]\nid = \"c.b\"\nversion = \"1\"\n[inputs]\nas = { type = \"items\", rulebook = \"c.a\" }\n";
    std::fs::write(dir.join("c.a.toml"), a).unwrap();
    std::fs::write(dir.join("c.b.toml"), b).unwrap();
    let e = Loader::new().load_file(dir.join("c.a.toml")).unwrap_err();
    assert!(e.problems.iter().any(|p| p.kind == ErrorKind::Cycle), "{e}");
    let own = "[rulebook]\nid = \"c.self\"\nversion = \"1\"\n[inputs]\nxs = { type = \"items\", rulebook = \"c.self\" }\n";
    let e = Loader::new().load_str(own, Format::Toml).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cycle, "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn values_of_items_given_as_text_cells_read_by_type() {
    let rb = village();
    let mut r = rb.record();
    r.set("village", "新村");
    r.set("population", "100");
    r.set(
        "households",
        Value::Items(vec![
            Item::new().with("hh", "h1").with("members", "2").with("income", "1000.0"),
            Item::new().with("hh", "h2").with("家庭人口", "３").with("income", "100000"),
        ]),
    );
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(points(&out, "incidence"), d("2.0000"));
}

#[test]
fn explanations_say_what_each_aggregate_read() {
    let rb = village();
    let mut r = rb.record();
    r.set("village", "新村");
    r.set("population", 200);
    r.set("households", vec![hh("h1", 4, Some("20000")), hh("h2", 3, Some("9000")), hh("h3", 5, None)]);
    let out = rb.score(&r, &ScoreOptions { items: true, ..ScoreOptions::default() }).unwrap();
    let zh = kaoping::explain(&out, kaoping::Lang::Zh);
    assert!(
        zh.contains(
            "remaining_poor = 8：建档立卡贫困户 3 项中 2 项满足 not item.passed，sum(item.members) = 8"
        ),
        "{zh}"
    );
    assert!(zh.contains("poorest 无数据：建档立卡贫困户 共 3 项，第 3 项无数据"), "{zh}");
    assert!(zh.contains("households[2] (h2)"), "{zh}");
    let en = kaoping::explain(&out, kaoping::Lang::En);
    assert!(en.contains("remaining_poor = 8: 2 of 3 建档立卡贫困户 meet not item.passed"), "{en}");
}

/// R36: an integer key written as a decimal cell names the item as the integer.
#[test]
fn an_integer_key_written_as_a_decimal_is_the_integer() {
    let sub = Rulebook::from_str(
        "[rulebook]\nid = \"t.unit\"\nversion = \"1\"\nkey_field = \"code\"\n[inputs]\ncode = { type = \"integer\" }\nx = { type = \"decimal\", max = 10 }\n[[indicator]]\nid = \"x\"\nlabel = \"x\"\npoints = 10\nformula = \"x\"\n",
        Format::Toml,
    )
    .unwrap();
    let top = Loader::new()
        .with(sub)
        .load_str(
            "[rulebook]\nid = \"t.top\"\nversion = \"1\"\n[inputs]\nunits = { type = \"items\", rulebook = \"t.unit\" }\n[[indicator]]\nid = \"n\"\nlabel = \"n\"\npoints = 10\nformula = \"count(units)\"\n",
            Format::Toml,
        )
        .unwrap();
    let err = top
        .score_json(
            r#"{"units": [{"code": "1002.0", "x": 3}, {"code": "1003.0", "x": 11}]}"#,
            &ScoreOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.first().item.as_deref(), Some("units[2] (1003)"), "{err}");
}

/// R38: an empty string in a `fields` item is missing, except for a text field, where it is the
/// empty text (as for a record's own inputs).
#[test]
fn an_empty_string_in_an_item_is_missing_unless_text() {
    let rb = Rulebook::from_str(
        "[rulebook]\nid = \"t.blank\"\nversion = \"1\"\n[inputs]\nrows = { type = \"items\", fields = { name = \"text\", n = \"integer\" } }\n[[indicator]]\nid = \"named\"\nlabel = \"named\"\npoints = 10\nformula = \"count(rows, known(item.name))\"\n[[indicator]]\nid = \"counted\"\nlabel = \"counted\"\npoints = 10\nformula = \"count(rows, known(item.n))\"\n",
        Format::Toml,
    )
    .unwrap();
    let err = rb
        .score_json(r#"{"rows": [{"name": "", "n": ""}, {"name": "a", "n": 1}]}"#, &ScoreOptions::default())
        .unwrap_err();
    let problems: Vec<_> =
        err.issues.iter().map(|i| (i.kind, i.field.as_deref(), i.item.as_deref())).collect();
    assert_eq!(problems, [(ErrorKind::MissingInput, Some("n"), Some("rows[1]"))]);
    let o = rb
        .score_json(r#"{"rows": [{"name": "", "n": 2}, {"name": "a", "n": 1}]}"#, &ScoreOptions::default())
        .unwrap();
    assert_eq!(o.node("named").unwrap().points, Some(d("2.00")));
    assert_eq!(o.node("counted").unwrap().points, Some(d("2.00")));
}
