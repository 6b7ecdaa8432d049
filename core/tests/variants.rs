//! Variants (`Rulebook::with_params`, `Rulebook::variant`): a rulebook made from another by
//! changes, validated by the normal load path, saying what it is a variant of. Expected scores
//! are worked out by hand from the built-ins' texts.

use kaoping::{Change, ErrorKind, Format, Loader, Provenance, Rulebook, ScoreOptions};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn village(rb: &Rulebook, rural: i64, poor: i64) -> kaoping::Outcome {
    let mut r = rb.record();
    r.set("village", "甲村");
    r.set("rural_population", rural);
    r.set("poor_remaining", poor);
    r.set("collective_income", d("1"));
    for f in ["has_hardened_road", "has_clinic", "has_culture_room", "has_network"] {
        r.set(f, true);
    }
    rb.score(&r, &ScoreOptions::default()).unwrap()
}

#[test]
fn the_exit_limit_at_2_5_percent() {
    let base = Rulebook::builtin("sc.poverty.village-exit").unwrap();
    let v = base.with_params(&[("exit_limit", "2.5")]).unwrap();
    // 2.8% remaining poor: under 3% (exits), not under 2.5%.
    assert_eq!(village(&base, 1000, 28).passed, Some(true));
    assert_eq!(village(&v, 1000, 28).passed, Some(false));
    assert_eq!(village(&v, 1000, 24).passed, Some(true));
    // The variant says what it is, in the rulebook and in every result.
    assert_eq!(v.id(), base.id());
    assert_eq!(v.version(), "2016.1+variant");
    assert_ne!(v.fingerprint(), base.fingerprint());
    let of = v.variant_of().unwrap();
    assert_eq!(of.id, "sc.poverty.village-exit");
    assert_eq!(of.version, "2016.1");
    assert_eq!(of.fingerprint, base.fingerprint());
    assert_eq!(of.changes, ["exit_limit=2.5"]);
    let out = village(&v, 1000, 28);
    assert_eq!(out.rulebook.version, "2016.1+variant");
    assert_eq!(out.rulebook.fingerprint, v.fingerprint());
    assert_eq!(out.rulebook.variant_of.as_ref(), Some(of));
    assert!(out.to_json().contains(r#""variant_of":{"id":"sc.poverty.village-exit""#), "{}", out.to_json());
    assert!(!village(&base, 1000, 28).to_json().contains("variant_of"));
    // A plain value replaces the dated one on every date: 2.5 in 2015 too.
    let text = v.text().unwrap();
    assert!(
        text.contains("exit_limit = { label = \"贫困村退出贫困发生率标准\", unit = \"%\", value = 2.5 }"),
        "{text}"
    );
    assert!(base.variant_of().is_none());
}

#[test]
fn the_text_reloads_as_the_same_rulebook() {
    for id in Rulebook::builtin_ids() {
        let base = Rulebook::builtin(id).unwrap();
        // No change at all: still a variant (version, record, fingerprint), scoring as the base.
        let v = base.with_params(&[]).unwrap();
        let again = Rulebook::from_str(v.text().unwrap(), Format::Toml).unwrap();
        assert_eq!(again.fingerprint(), v.fingerprint(), "{id}");
        assert_eq!(again.variant_of(), v.variant_of(), "{id}");
        assert_eq!(again.version(), v.version());
        // The base's embedded tests are kept and, with no change, still pass.
        let report = v.run_tests();
        assert!(report.run > 0 && report.ok(), "{id}: {:?}", report.failures);
    }
}

#[test]
fn profile_values_and_dated_values() {
    let base = Rulebook::builtin("example.county-assessment").unwrap();
    // 高原藏区 has its own inc_good (3); 秦巴山区 takes the base (2). Incidence 2.8%:
    // 高原藏区 under 3 → 30 points; with inc_good@高原藏区=2.5 → next band (≤ 4) → 24.
    let v = base.with_params(&[("inc_good@高原藏区", "2.5")]).unwrap();
    let score = |rb: &Rulebook, region: &str| {
        let mut r = rb.record();
        r.set("county", "甲县");
        r.set("region", region);
        r.set("population", 100_000);
        r.set("poor_population", 2_800);
        r.set("income_growth", 8);
        r.set("sampled", 100);
        r.set("satisfied", 95);
        let o = rb.score(&r, &ScoreOptions::default()).unwrap();
        o.nodes.iter().find(|n| n.id == "reduction.incidence").unwrap().points.unwrap().to_string()
    };
    assert_eq!(score(&base, "高原藏区"), "30.00");
    assert_eq!(score(&v, "高原藏区"), "24.00");
    assert_eq!(score(&v, "秦巴山区"), "24.00"); // 2.8 > 2: unchanged
    assert_eq!(score(&base, "秦巴山区"), "24.00");
    // A profile that had no value of its own gets one; the short form becomes a table.
    let v = base.with_params(&[("inc_good@秦巴山区", "2.9")]).unwrap();
    assert_eq!(score(&v, "秦巴山区"), "30.00");
    assert!(v.text().unwrap().contains(
        r#"inc_good = { value = 2, profiles = { "高原藏区" = 3, "凉山彝区" = 3, "秦巴山区" = 2.9 } }"#
    ));
    // The load path checks the changed values: 3 would equal inc_mid, bands out of order.
    let e = base.with_params(&[("inc_good@秦巴山区", "3")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BandOrder, "{e}");
    assert!(
        e.problems[0].message.contains("秦巴山区") && e.problems[0].message.contains("`inc_good@秦巴山区=3`")
    );

    // A dated change keeps the dates before it: exit_limit from 2019-01-01 is 2.5, 3 before.
    let v = base.with_params(&[("exit_limit:2019-01-01", "2.5")]).unwrap();
    let text = v.text().unwrap();
    assert!(
        text.contains(r#"exit_limit = { dated = { 2015-01-01 = 4, 2016-08-01 = 3, 2019-01-01 = 2.5 }, profiles = { "片区外" = { dated = { 2015-01-01 = 3, 2016-08-01 = 2 } } } }"#),
        "{text}"
    );
    // In a profile that inherits the base's dates, they are copied first.
    let v = base.with_params(&[("exit_limit@高原藏区:2016-08-01", "2")]).unwrap();
    assert!(v.text().unwrap().contains(r#""高原藏区" = { dated = { 2015-01-01 = 4, 2016-08-01 = 2 } }"#));
    // A base-value change that profiles with their own value do not see is noted.
    let notes = base.variant().set("exit_limit", "2.5").notes();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("片区外"), "{notes:?}");
}

#[test]
fn refused_changes_name_themselves() {
    let base = Rulebook::builtin("example.county-assessment").unwrap();
    type Case<'a> = (&'a [(&'a str, &'a str)], ErrorKind, &'a str);
    let cases: &[Case] = &[
        (&[("exit_limt", "2.5")], ErrorKind::UnknownName, "no parameter `exit_limt`"),
        (&[("inc_good@西藏", "3")], ErrorKind::UnknownProfile, "profile \"西藏\" is not declared"),
        (&[("points.reduction.incomes", "3")], ErrorKind::UnknownName, "no indicator `reduction.incomes`"),
        (&[("inc_good:2019-01-01", "3")], ErrorKind::Schema, "is not dated"),
        (&[("inc_good", "three")], ErrorKind::Schema, "`three` is not a number"),
        (&[("inc_good", "1"), ("inc_good", "2")], ErrorKind::DuplicateId, "changed twice"),
    ];
    for (params, kind, needle) in cases {
        let e = base.with_params(params).unwrap_err();
        let p = &e.problems[0];
        assert_eq!(p.kind, *kind, "{params:?}: {e}");
        assert!(p.message.contains(needle), "{params:?}: {e}");
        let path = p.location.path.as_deref().unwrap();
        assert!(path.starts_with("change `") && path.contains(params[params.len() - 1].0), "{path}");
    }
    // Every problem at once.
    let e = base.with_params(&[("a", "1"), ("b@X", "2"), ("c", "x")]).unwrap_err();
    assert_eq!(e.problems.len(), 3, "{e}");
}

#[test]
fn points_that_no_longer_add_up_are_refused_naming_the_change() {
    let base = Rulebook::builtin("example.county-assessment").unwrap();
    let e = base.with_params(&[("points.reduction.income", "25")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PointsMismatch, "{e}");
    let p = &e.problems[0];
    assert!(p.message.contains("after change `points.reduction.income=25`"), "{e}");
    // At the parent, in the base's text.
    assert!(p.location.path.as_deref().unwrap().contains("\"reduction\""), "{e}");
    assert!(p.location.line.is_some());
    // Consistent changes load: the parent and the other child follow.
    let v =
        base.with_params(&[("points.reduction.income", "25"), ("points.reduction.incidence", "25")]).unwrap();
    let income = v.indicators().into_iter().find(|i| i.id == "reduction.income").unwrap();
    assert_eq!(income.points, d("25.00"));
    // In one profile only.
    let v = base
        .with_params(&[
            ("points.reduction.income@高原藏区", "25"),
            ("points.reduction.incidence@高原藏区", "25"),
        ])
        .unwrap();
    assert!(v.text().unwrap().contains(r#"[profiles]"#));
    assert!(
        v.text()
            .unwrap()
            .contains(r#""高原藏区" = { points = { "reduction.income" = 25, "reduction.incidence" = 25 } }"#)
    );
    let e = base.with_params(&[("points.reduction.income@高原藏区", "25")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PointsMismatch, "{e}");
    assert!(e.to_string().contains("@高原藏区=25"), "{e}");
}

#[test]
fn a_variant_of_a_variant_records_the_first_base_and_every_change() {
    let base = Rulebook::builtin("sc.poverty.village-exit").unwrap();
    let v1 = base.with_params(&[("exit_limit", "2.5")]).unwrap();
    let v2 = v1.with_params(&[("collective_income_min", "1")]).unwrap();
    let of = v2.variant_of().unwrap();
    assert_eq!(of.fingerprint, base.fingerprint());
    assert_eq!(of.changes, ["exit_limit=2.5", "collective_income_min=1"]);
    assert_eq!(v2.version(), "2016.1+variant");
    // The same as making both changes at once.
    let both = base.with_params(&[("exit_limit", "2.5"), ("collective_income_min", "1")]).unwrap();
    assert_eq!(both.fingerprint(), v2.fingerprint());
}

#[test]
fn components_are_kept() {
    // Built-in components.
    let base = Rulebook::builtin("sc.poverty.county-combined").unwrap();
    let v = base
        .variant()
        .change(Change::points("process", d("50")))
        .change(Change::points("process.departments", d("50")))
        .change(Change::points("result", d("50")))
        .change(Change::points("result.acceptance", d("25")))
        .change(Change::points("result.third_party", d("25")))
        .build()
        .unwrap();
    // The second embedded test's county: departments 84.67, acceptance 97, third party 96.
    // 84.67/100 × 50 = 42.335 → 42.34; 97/100 × 25 = 24.25; 96/100 × 25 = 24.00; total 90.59.
    let record = r#"{"county": "甲县", "dept_education": "87.5", "dept_health": 90, "dept_housing": 95,
        "dept_water": 80, "dept_transport": 75, "dept_power": "66.65", "rural_population": 200000,
        "poor_remaining": 1000, "townships": 20, "townships_with_school": 20,
        "townships_with_health_centre": 20, "townships_with_service_centre": 20, "sampled_households": 200,
        "households_meeting": 200, "acceptance_marks": [8, 9, 7, 10, 6], "missed_poor": 0, "wrongly_exited": 0,
        "sampled_exited": 1000, "sampled_wrongly_exited": 0, "sampled_non_registered": 2000, "sampled_missed": 0,
        "surveyed_households": 400, "approving_households": 391}"#;
    let out = v.score_json(record, &ScoreOptions::default()).unwrap();
    let points = |id: &str| out.nodes.iter().find(|n| n.id == id).unwrap().points.unwrap().to_string();
    assert_eq!(points("process.departments"), "42.34");
    assert_eq!(points("result.acceptance"), "24.25");
    assert_eq!(points("result.third_party"), "24.00");
    assert_eq!(out.total.unwrap().to_string(), "90.59");
    assert_eq!(
        base.score_json(record, &ScoreOptions::default()).unwrap().total.unwrap().to_string(),
        "91.77"
    );
    // The base's embedded expectations are kept, and the changed points move them.
    let report = v.run_tests();
    assert!(!report.ok());
    assert_eq!(base.run_tests().failures.len(), 0);
}

#[test]
fn components_given_to_the_loader_are_kept() {
    let comp = Rulebook::from_str(
        "[rulebook]\nid = \"my.part\"\nversion = \"1\"\n[inputs]\nx = { type = \"decimal\" }\n\
         [[indicator]]\nid = \"x\"\nlabel = \"x\"\npoints = 100\nlinear = { input = \"x\", from = [0, 0], to = [100, 100] }\n",
        Format::Toml,
    )
    .unwrap();
    let parent = Loader::new()
        .with(comp)
        .load_str(
            "[rulebook]\nid = \"my.whole\"\nversion = \"7\"\n[params]\nk = 1\n[[indicator]]\nid = \"part\"\nlabel = \"p\"\n\
             points = 10\ncomponent = { rulebook = \"my.part\" }\n",
            Format::Toml,
        )
        .unwrap();
    let v = parent.with_params(&[("k", "2"), ("points.part", "10.0")]).unwrap();
    let mut r = v.record();
    r.set("x", d("45.5"));
    let out = v.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(out.total, Some(d("4.55"))); // 45.5/100 × 10, rounded to 2 places
    assert_eq!(v.text().unwrap().lines().find(|l| l.starts_with("points")), Some("points = 10.0"));
}

#[test]
fn json_rulebooks_give_json_variants() {
    let base = Rulebook::builtin("sc.poverty.village-exit").unwrap();
    let json = kaoping::internals::toml_to_json(base.text().unwrap()).unwrap();
    let from_json = Rulebook::from_str(&json, Format::Json).unwrap();
    assert_eq!(from_json.fingerprint(), base.fingerprint());
    let v = from_json.with_params(&[("exit_limit", "2.5")]).unwrap();
    assert!(v.text().unwrap().starts_with('{'));
    assert_eq!(Rulebook::from_str(v.text().unwrap(), Format::Json).unwrap().fingerprint(), v.fingerprint());
    // The same content as the TOML base's variant.
    assert_eq!(v.fingerprint(), base.with_params(&[("exit_limit", "2.5")]).unwrap().fingerprint());
}

#[test]
fn provenance_is_recorded_and_checked() {
    let base = Rulebook::builtin("example.county-assessment").unwrap();
    let record = Provenance {
        method: "ahp".into(),
        node: Some("reduction".into()),
        written_as: Some("points".into()),
        date: kaoping::Date::new(2026, 12, 1),
        input_fingerprint: Some("ab".repeat(32)),
        settings: [("ri_table".to_owned(), "saaty".to_owned()), ("cr".to_owned(), "0.0158".to_owned())]
            .into_iter()
            .collect(),
    };
    let v = base
        .variant()
        .change(Change::points("reduction.incidence", d("27.50")))
        .change(Change::points("reduction.income", d("22.50")))
        .provenance(record.clone())
        .build()
        .unwrap();
    assert_eq!(v.provenance(), std::slice::from_ref(&record));
    let text = v.text().unwrap();
    assert!(text.contains("provenance = [{ method = \"ahp\", node = \"reduction\", written_as = \"points\", date = 2026-12-01"), "{text}");
    let again = Rulebook::from_str(text, Format::Toml).unwrap();
    assert_eq!(again.provenance(), [record]);
    assert_eq!(again.fingerprint(), v.fingerprint());
    // Malformed records are schema problems with their place.
    for (from, to, needle) in [
        ("written_as = \"points\"", "written_as = \"score\"", "`written_as` is \"points\" or \"weights\""),
        ("method = \"ahp\", ", "", "missing key `method`"),
        ("node = \"reduction\"", "nod = \"reduction\"", "unknown key `nod`"),
        (
            &format!("input_fingerprint = \"{}\"", "ab".repeat(32)),
            "input_fingerprint = \"ab\"",
            "64 lowercase hex",
        ),
    ] {
        let bad = text.replace(from, to);
        assert_ne!(bad, text);
        let e = Rulebook::from_str(&bad, Format::Toml).unwrap_err();
        assert!(
            e.problems.iter().any(|p| p.kind == ErrorKind::Schema && p.message.contains(needle)),
            "{to}: {e}"
        );
    }
    let bad = text.replace(
        "changes = [\"points.reduction.incidence=27.50\"",
        "changes = [\"points.reduction.incidence\"",
    );
    let e = Rulebook::from_str(&bad, Format::Toml).unwrap_err();
    assert!(e.to_string().contains("change `points.reduction.incidence`: no `=`"), "{e}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// A variant scores exactly as the rulebook made by editing the base's text by hand and
    /// loading it, and its own text reloads with its fingerprint.
    #[test]
    fn a_variant_scores_as_the_hand_edited_text(
        target_cents in 100u32..3000,
        growth_cents in 0u32..2500,
        plateau in proptest::bool::ANY,
    ) {
        let base = Rulebook::builtin("example.county-assessment").unwrap();
        let value = Decimal::new(i64::from(target_cents), 2);
        let v = base.with_params(&[("income_target", &value.to_string())]).unwrap();
        let edited = base.text().unwrap().replace(
            "income_target = { value = 10,",
            &format!("income_target = {{ value = {value},"),
        );
        let by_hand = Rulebook::from_str(&edited, Format::Toml).unwrap();
        let mut r = base.record();
        r.set("county", "甲县");
        r.set("region", if plateau { "高原藏区" } else { "秦巴山区" });
        r.set("population", 100_000);
        r.set("poor_population", 2_000);
        r.set("income_growth", Decimal::new(i64::from(growth_cents), 2));
        r.set("sampled", 300);
        r.set("satisfied", 266);
        let a = v.score(&r, &ScoreOptions::default()).unwrap();
        let b = by_hand.score(&r, &ScoreOptions::default()).unwrap();
        proptest::prop_assert_eq!(a.total, b.total);
        proptest::prop_assert_eq!(a.nodes, b.nodes);
        let again = Rulebook::from_str(v.text().unwrap(), Format::Toml).unwrap();
        proptest::prop_assert_eq!(again.fingerprint(), v.fingerprint());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any change text — real names and profiles, misspellings, odd characters, huge or strange
    /// values — gives a variant or a load error, never a panic; a variant that loads reads back
    /// from its text with its fingerprint.
    #[test]
    fn any_changes_give_a_variant_or_a_load_error(
        changes in proptest::collection::vec(
            (
                "(inc_good|inc_mid|exit_limit|poverty_line|points\\.reduction|points\\.reduction\\.income|weight\\.help|points\\.|x|@|:|=|高原)[@:.=a-z0-9\\-高原藏区片区外 ]{0,14}",
                "(-?[0-9]{1,30}(\\.[0-9]{0,30})?|[a-z=@:.]{0,5}|1e999|９９|)",
            ),
            0..5,
        ),
    ) {
        let base = Rulebook::builtin("example.county-assessment").unwrap();
        let pairs: Vec<(&str, &str)> = changes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if let Ok(v) = base.with_params(&pairs) {
            let again = Rulebook::from_str(v.text().unwrap(), Format::Toml).unwrap();
            proptest::prop_assert_eq!(again.fingerprint(), v.fingerprint());
        }
        let texts: Vec<String> = changes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = texts.iter().fold(base.variant(), |v, t| v.change_text(t)).build();
    }
}
