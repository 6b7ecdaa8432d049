//! Conveniences for Rust applications (issue 31, point 7): integer and float values, records
//! from serde values, records and batches through serde, explanations by method and Display,
//! the checked `try_set`, `Batch::lowest` and the `Columns` builder.

use kaoping::{BatchOptions, Columns, Decimal, Lang, Record, Rulebook, ScoreOptions, Value};

fn county() -> Rulebook {
    Rulebook::builtin("example.county-assessment").unwrap()
}

#[test]
fn unsigned_integers_and_floats_become_values() {
    assert_eq!(Value::from(7_u64), Value::Integer(7));
    assert_eq!(Value::from(7_usize), Value::Integer(7));
    // Beyond i64 the value stays exact, as a decimal.
    assert_eq!(Value::from(u64::MAX), Value::Decimal(Decimal::from(u64::MAX)));
    // Floats by their shortest round-trip text, as columns and Python read them; NaN refused.
    assert_eq!(Value::try_from(0.1_f64).unwrap(), Value::Decimal("0.1".parse().unwrap()));
    assert_eq!(Value::try_from(83.125_f64).unwrap(), Value::Decimal("83.125".parse().unwrap()));
    assert!(Value::try_from(f64::NAN).is_err() && Value::try_from(f64::INFINITY).is_err());
}

fn filled(rb: &Rulebook) -> Record {
    let mut r = rb.record();
    for (k, v) in
        [("population", 100_000_u64), ("poor_population", 3_000), ("sampled", 320), ("satisfied", 266)]
    {
        r.try_set(k, v).unwrap();
    }
    r.try_set("county", "甲县").unwrap();
    r.try_set("片区", "凉山彝区").ok(); // a label, not a name: refused by try_set
    r.try_set("region", "凉山彝区").unwrap();
    r.try_set("income_growth", Value::try_from(6.5).unwrap()).unwrap();
    r.try_set("expert_marks", vec![Decimal::from(7), Decimal::from(8), Decimal::from(9)]).unwrap();
    r
}

#[test]
fn try_set_refuses_a_name_that_is_no_input_with_a_suggestion() {
    let rb = county();
    let mut r = rb.record();
    let e = r.try_set("audit_isues", 5).unwrap_err();
    assert_eq!(e.name, "audit_isues");
    assert_eq!(e.suggestion.as_ref().map(|s| s.0.as_str()), Some("audit_issues"));
    assert!(r.unknown_fields().is_empty(), "a refused name is not set or remembered");
    assert!(r.try_set("audit_issues", 5).is_ok());
}

#[test]
fn records_from_serde_values_and_back() {
    let rb = county();
    let r = filled(&rb);
    // Record → serde → the same record.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["income_growth"], "6.5", "decimals as strings");
    assert_eq!(json["sampled"], 320);
    let back = rb.record_from_value(&json).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), json);
    let opts = ScoreOptions::default();
    assert_eq!(rb.score(&back, &opts).unwrap(), rb.score(&r, &opts).unwrap());
    // Any Serialize.
    #[derive(serde::Serialize)]
    struct Survey<'a> {
        county: &'a str,
        sampled: u32,
        satisfied: u32,
    }
    let s = rb.record_from_serialize(&Survey { county: "乙县", sampled: 10, satisfied: 9 }).unwrap();
    assert_eq!(s.get("satisfied"), Some(&Value::Integer(9)));
    // Something that is no object is a record error, not a panic.
    assert!(rb.record_from_value(&serde_json::json!([1, 2])).is_err());
    assert!(rb.record_from_serialize(&42).is_err());
}

#[test]
fn outcomes_explain_themselves() {
    let rb = county();
    let o = rb.score(&filled(&rb), &ScoreOptions::default()).unwrap();
    assert_eq!(o.explain(Lang::En), kaoping::explain(&o, Lang::En));
    assert_eq!(o.to_string(), kaoping::explain(&o, Lang::Zh));
    assert_eq!(format!("{o:#}"), kaoping::explain(&o, Lang::En));
}

fn table() -> Columns {
    Columns::builder(3)
        .column("county", vec!["甲县", "乙县", "丙县"])
        .column("region", vec!["片区外", "凉山彝区", "片区外"])
        .column("population", vec![100_000_i64, 100_000, 100_000])
        .column("poor_population", vec![2_000_i64, 3_000, 2_500])
        .column("income_growth", vec![9.5_f64, 6.0, 8.0])
        .column("sampled", vec![300_i64, 320, 300])
        .column("satisfied", vec![285_i64, 266, 240])
        .build()
        .unwrap()
}

#[test]
fn the_columns_builder_checks_every_column() {
    assert_eq!(table().len(), 3);
    let e = Columns::builder(3).column("a", vec![1_i64]).column("b", vec![true, false, true]).build();
    assert!(e.unwrap_err().message.contains("column `a` has 1 rows"));
    let twice = Columns::builder(1).column("a", vec![1_i64]).column("a", vec![2_i64]).build();
    assert!(twice.unwrap_err().message.contains("twice"));
}

#[test]
fn lowest_totals_first_and_batches_through_serde() {
    let rb = county();
    let b = rb.score_columns(&table(), &BatchOptions::default()).unwrap();
    let totals: Vec<Decimal> = (0..3).map(|i| b.row(i).total().unwrap()).collect();
    let lowest = b.lowest(2);
    assert_eq!(lowest.len(), 2);
    let mut sorted: Vec<usize> = (0..3).collect();
    sorted.sort_by_key(|&i| (totals[i], i));
    assert_eq!(lowest, sorted[..2]);
    assert_eq!(b.lowest(10).len(), 3);
    assert!(b.lowest(0).is_empty());

    let v = serde_json::to_value(&b).unwrap();
    assert_eq!(v["rulebook"], "example.county-assessment");
    assert_eq!(v["rows"].as_array().unwrap().len(), 3);
    assert_eq!(v["rows"][1]["total"], totals[1].to_string());
    assert_eq!(v["rows"][1]["key"], "乙县");
    assert_eq!(v["rows"][1]["points"]["help.satisfaction"], "3.13");
    assert_eq!(v["summary"]["rows"], 3, "{}", v["summary"]);
}
