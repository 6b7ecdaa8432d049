//! `Debug` of the objects an application logs is short (issue 31, point 8): a record was 3 KB
//! (its rulebook's whole input schema), a rulebook 28 KB, a batch 29 KB.

use kaoping::{BatchOptions, Rulebook};

#[test]
fn debug_output_fits_a_log_line() {
    let rb = Rulebook::builtin("example.county-assessment").unwrap();
    let rb_debug = format!("{rb:?}");
    assert!(rb_debug.len() < 200 && rb_debug.contains("example.county-assessment"), "{rb_debug}");

    let mut r = rb.record();
    r.set("county", "甲县");
    r.set("sampled", 320);
    r.set("expert_marks", vec![kaoping::Decimal::from(7); 1000]);
    r.set("audit_isues", 5);
    let record = format!("{r:?}");
    assert!(record.len() < 400, "{} bytes: {record}", record.len());
    assert!(record.contains(r#""county": "甲县""#) && record.contains(r#""sampled": 320"#), "{record}");
    assert!(record.contains("unknown_fields: 1") && record.contains('…'), "{record}");

    let rows: Vec<_> = (0..2000).map(|_| Ok(r.clone())).collect();
    let b = rb.score_rows(&rows, &BatchOptions::default());
    let batch = format!("{b:?}");
    assert!(batch.len() < 200 && batch.contains("rows: 2000"), "{batch}");
    let row = format!("{:?}", b.row(3));
    assert!(row.len() < 300, "{row}");
}
