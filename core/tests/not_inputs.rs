//! Columns and fields that are no input are never silent (the hand-over's "a misspelt column turns
//! a veto off"): every batch lists them with the input each probably meant, and the strict policy
//! refuses them — a table whole, a record by itself.

use kaoping::{BatchOptions, Column, ColumnData, Columns, ErrorKind, Rulebook, ScoreOptions, Unknown};

fn county() -> Rulebook {
    Rulebook::builtin("example.county-assessment").unwrap()
}

/// The spec's county with a misspelt audit column (`audit_isues`) and a decorated header
/// (`是否弄虚作假` for the label `弄虚作假`).
fn table() -> Columns {
    let mut t = Columns::new(1);
    let mut push = |name: &str, data: ColumnData| t.push(name, Column::new(data)).unwrap();
    push("county", ColumnData::Text(vec!["丁镇".into()]));
    push("region", ColumnData::Text(vec!["片区外".into()]));
    push("population", ColumnData::Int(vec![100_000].into()));
    push("poor_population", ColumnData::Int(vec![1_000].into()));
    push("income_growth", ColumnData::Int(vec![12].into()));
    push("sampled", ColumnData::Int(vec![300].into()));
    push("satisfied", ColumnData::Int(vec![290].into()));
    push("audit_isues", ColumnData::Int(vec![5].into()));
    push("是否弄虚作假", ColumnData::Bool(vec![true]));
    push("备注", ColumnData::Text(vec!["".into()]));
    t
}

#[test]
fn a_batch_lists_columns_that_are_no_input_with_what_they_meant() {
    let rb = county();
    let b = rb.score_columns(&table(), &BatchOptions::default()).unwrap();
    let listed: Vec<(&str, Option<&str>)> = b
        .not_inputs()
        .iter()
        .map(|c| (c.name.as_str(), c.suggestion.as_ref().map(|s| s.0.as_str())))
        .collect();
    assert_eq!(
        listed,
        [("audit_isues", Some("audit_issues")), ("是否弄虚作假", Some("falsified")), ("备注", None)]
    );
    let zh = b.not_inputs()[1].column_warning(kaoping::Lang::Zh);
    assert_eq!(zh, "列「是否弄虚作假」不是考核方案的输入，已忽略；是否应为「弄虚作假」（输入 falsified）？");
    let en = b.not_inputs()[0].column_warning(kaoping::Lang::En);
    assert_eq!(
        en,
        "column \"audit_isues\" is not an input of this rulebook (ignored); did you mean \"audit_issues\"?"
    );
}

#[test]
fn strict_refuses_a_table_with_such_a_column() {
    let rb = county();
    let opts = BatchOptions { unknown: Unknown::Error, ..Default::default() };
    let err = rb.score_columns(&table(), &opts).unwrap_err();
    assert!(err.to_string().contains("did you mean \"弄虚作假\" (input falsified)"), "{err}");
}

#[test]
fn records_warn_and_strict_refuses_each_record_with_such_a_field() {
    let rb = county();
    let json = r#"{"county": "丁镇", "region": "片区外", "population": 100000, "poor_population": 1000,
        "income_growth": 12, "sampled": 300, "satisfied": 290, "audit_isues": 5}"#;
    let r = rb.record_from_json(json).unwrap();
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(
        out.warnings,
        ["field `audit_isues` is not an input of this rulebook (ignored); did you mean \"audit_issues\"?"]
    );
    let strict = ScoreOptions { unknown: Unknown::Error, ..Default::default() };
    let err = rb.score(&r, &strict).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownName);
    assert_eq!(err.first().field.as_deref(), Some("audit_isues"));
    let good = rb.record_from_json(&json.replace(", \"audit_isues\": 5", "")).unwrap();
    let opts = BatchOptions { unknown: Unknown::Error, ..Default::default() };
    let b = rb.score_batch(&[r.clone(), good], &opts);
    assert_eq!(b.row(0).error().unwrap().kind(), ErrorKind::UnknownName);
    assert!(b.row(1).is_ok(), "a good row is not refused with the bad one");
    let b = rb.score_batch(&[r], &BatchOptions::default());
    assert_eq!(b.not_inputs()[0].name, "audit_isues");
}
