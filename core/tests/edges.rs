//! Edge behaviour decided once, in the core, for every surface (the command, C, Python):
//! - a profile given for a whole call is checked by `Rulebook::check_profile`, which reads the
//!   name exactly as scoring does: what it accepts never fails a row, what it refuses would fail
//!   every row;
//! - rows that failed before scoring keep their place (`score_rows`, `score_table_rows`), and the
//!   other rows score exactly as they score without them;
//! - the summary's mean, lowest and highest total are those of the published totals, the mean
//!   rounded once from the exact quotient.

use kaoping::table::{self, ColumnReader, CsvRow};
use kaoping::{BatchOptions, ErrorKind, Format, Issue, Record, RecordError, Rulebook, ScoreOptions};
use rust_decimal::Decimal;

mod common;

fn county() -> Rulebook {
    Rulebook::builtin("example.county-assessment").unwrap()
}

/// The spec's example record (凉山彝区, 80.13).
fn example(rb: &Rulebook) -> Record {
    rb.record_from_json(
        r#"{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
            "income_growth": 6, "sampled": 320, "satisfied": 266, "expert_marks": [7, 8, 9, 6, 10]}"#,
    )
    .unwrap()
}

#[test]
fn a_calls_profile_is_refused_exactly_when_scoring_would_fail_every_row_on_it() {
    let rb = county();
    let rec = example(&rb);
    let names = ["片区外", " 片区外 ", "凉山彝区", "", "  ", "火星", "片区外x", "PIANQU", "片区"];
    for name in names {
        let checked = rb.check_profile(Some(name));
        let alone = rb.score(&rec, &ScoreOptions { profile: Some(name.into()), ..Default::default() });
        let batch = rb.score_batch(
            &[rec.clone(), rec.clone()],
            &BatchOptions { profile: Some(name.into()), ..Default::default() },
        );
        match checked {
            Ok(()) => {
                assert!(alone.is_ok(), "{name:?}: accepted, yet {alone:?}");
                assert_eq!(batch.summary().failed, 0, "{name:?}");
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::UnknownProfile, "{name:?}");
                // The same error the interpreter gives the record (no row: it is the call's).
                let row = alone.unwrap_err();
                assert_eq!(e.issues, row.issues, "{name:?}");
                assert_eq!((e.row, e.first().field.as_deref()), (None, None), "{name:?}");
                assert_eq!(batch.summary().errors, [(ErrorKind::UnknownProfile, 2)], "{name:?}");
            }
        }
    }
    assert!(rb.check_profile(None).is_ok());
    let e = rb.check_profile(Some("火星")).unwrap_err();
    assert_eq!(e.first().value.as_deref(), Some("火星"));
    assert_eq!(
        e.first().message,
        "profile \"火星\" is not declared; declared: 乌蒙山区, 凉山彝区, 片区外, 秦巴山区, 高原藏区"
    );
    // The call's profile is named as scoring names it wherever a profile is looked up.
    assert_eq!(rb.max(Some(" 片区外 ")), rb.max(Some("片区外")));
    assert_eq!(rb.max(Some("")), rb.max(None));
    assert_eq!(rb.indicator_points(Some(" 凉山彝区")), rb.indicator_points(Some("凉山彝区")));
    assert_eq!(rb.max(Some("火星")), None);
}

#[test]
fn a_rulebook_without_profiles_refuses_any_named_profile() {
    let rb = Rulebook::builtin("cn.science-literacy").unwrap();
    assert!(rb.profiles().is_empty());
    assert!(rb.check_profile(None).is_ok());
    assert!(rb.check_profile(Some("")).is_ok());
    let e = rb.check_profile(Some("城镇")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownProfile);
    assert!(e.first().message.contains("this rulebook has no profiles"), "{e}");
}

/// A rulebook with a relative rule, so that a row that failed early could change the others'
/// points if it joined the cohort.
fn relative() -> Rulebook {
    Rulebook::from_str(
        r#"
[rulebook]
id = "t.relative"
version = "1"
key_field = "unit"

[inputs]
unit = { type = "text" }
output = { type = "decimal", min = 0 }

[[indicator]]
id = "output"
label = "产出"
points = 20
relative = { input = "output", best = "max" }

[[grade]]
label = "前列"
at_least = 15

[[grade]]
label = "其他"
"#,
        Format::Toml,
    )
    .unwrap()
}

fn unit(rb: &Rulebook, name: &str, output: i64) -> Record {
    let mut r = rb.record();
    r.set("unit", name);
    r.set("output", output);
    r
}

fn early(what: &str) -> RecordError {
    RecordError::one(Issue::at(ErrorKind::Syntax, "line", what.into()))
}

/// Everything a row of a batch says, as text, to compare rows of two batches.
fn row_text(b: &kaoping::Batch, i: usize) -> String {
    let r = b.row(i);
    match r.error() {
        Some(e) => format!("error {} row {:?} key {:?}: {}", e.kind(), e.row, e.key, e.first().message),
        None => format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            r.key(),
            r.profile(),
            r.total(),
            r.grade(),
            r.passed(),
            r.rank(),
            r.profile_rank(),
            (0..b.rulebook().indicators().len()).map(|k| r.points_at(k)).collect::<Vec<_>>()
        ),
    }
}

#[test]
fn rows_that_failed_before_scoring_keep_their_place_and_change_no_other_row() {
    let rb = relative();
    let good = [unit(&rb, "甲", 80), unit(&rb, "乙", 100), unit(&rb, "丙", 50)];
    let rows = vec![
        Err(early("first")),
        Ok(good[0].clone()),
        Err(RecordError { row: Some(40), ..early("keeps its own row") }),
        Ok(good[1].clone()),
        Ok(good[2].clone()),
        Err(early("last")),
    ];
    let alone = rb.score_batch(&good, &BatchOptions::default());
    for parallel in [false, true] {
        let opts = BatchOptions { parallel, ..BatchOptions::default() };
        let b = rb.score_rows(&rows, &opts);
        assert_eq!(b.len(), 6);
        for (i, k) in [(1, 0), (3, 1), (4, 2)] {
            assert_eq!(row_text(&b, i), row_text(&alone, k), "row {i}");
        }
        let errors: Vec<(usize, Option<usize>, String)> =
            b.errors().map(|(i, e)| (i, e.row, e.first().message.clone())).collect();
        assert_eq!(
            errors,
            [
                (0, Some(1), "first".into()),
                (2, Some(40), "keeps its own row".into()),
                (5, Some(6), "last".into())
            ]
        );
        assert_eq!(b.row(0).key(), "1", "a failed row without a key is named by its row");
        let s = b.summary();
        assert_eq!((s.rows, s.ok, s.failed), (6, 3, 3));
        assert_eq!(s.errors, [(ErrorKind::Syntax, 3)]);
        assert_eq!(s.grades, alone.summary().grades);
        assert_eq!(s.mean_total, alone.summary().mean_total);
        // A row scored later is explained with the cohort of the batch it was scored in.
        let o = b.explain(3, &good[1]).unwrap();
        assert_eq!(o.total, alone.row(1).total());
    }
}

fn table_rows(rb: &Rulebook, csv: &str) -> (Vec<String>, Vec<CsvRow>) {
    let _ = rb;
    table::parse_csv(csv).unwrap()
}

#[test]
fn a_tables_ragged_lines_keep_their_place_among_its_columns() {
    // Every sample table, with ragged lines cut into it (first, middle, last), scored from typed
    // columns with the rows that failed in place gives what scoring its records gives.
    for (name, ids) in common::TABLES {
        let text = table::decode(&common::sample(name), None).unwrap().0;
        let (header, mut rows) = table::parse_csv(&text).unwrap();
        for at in [0, rows.len() / 2, rows.len()] {
            let mut ragged = rows[0].clone();
            ragged.cells.truncate(2);
            rows.insert(at, ragged);
        }
        for id in *ids {
            let rb = Rulebook::builtin(id).unwrap();
            let records = table::records_from_rows(&rb, &header, rows.clone()).unwrap().records;
            let t = ColumnReader::new(&rb, &header).unwrap().read(rows.clone());
            assert!(t.slots.iter().filter(|s| s.is_err()).count() == 3, "{id}");
            let opts = BatchOptions::default();
            let want = rb.score_rows(&records, &opts);
            let got = rb.score_table_rows(&t.columns, &t.slots, &opts).unwrap();
            assert_eq!(got.len(), want.len(), "{id}");
            for i in 0..want.len() {
                assert_eq!(row_text(&got, i), row_text(&want, i), "{id} row {i}");
            }
            assert_eq!(got.summary(), want.summary(), "{id}");
        }
    }
}

#[test]
fn a_table_without_failed_rows_scores_as_its_columns() {
    let rb = county();
    let (header, rows) = table_rows(
        &rb,
        "县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数,专家评分\n\
         甲县,凉山彝区,100000,3000,6,320,266,7;8;9;6;10\n\
         乙县,片区外,100000,2000,9,300,290,8;8;8\n",
    );
    let t = ColumnReader::new(&rb, &header).unwrap().read(rows);
    let a = rb.score_table_rows(&t.columns, &t.slots, &BatchOptions::default()).unwrap();
    let b = rb.score_columns(&t.columns, &BatchOptions::default()).unwrap();
    assert_eq!(
        (0..2).map(|i| row_text(&a, i)).collect::<Vec<_>>(),
        (0..2).map(|i| row_text(&b, i)).collect::<Vec<_>>()
    );
    // A slot beyond the columns is the caller's mistake, said, not a panic.
    let wrong = vec![Ok(0), Ok(5)];
    let e = rb.score_table_rows(&t.columns, &wrong, &BatchOptions::default()).unwrap_err();
    assert!(e.to_string().contains("beyond the columns"), "{e}");
}

/// A rulebook whose total is its one input, published at two places (half-up from three).
fn echo() -> Rulebook {
    Rulebook::from_str(
        r#"
[rulebook]
id = "t.echo"
version = "1"

[inputs]
x = { type = "decimal", required = false }

[[indicator]]
id = "x"
label = "x"
points = 1000000
formula = "x"
"#,
        Format::Toml,
    )
    .unwrap()
}

/// `n / d` rounded half-up (away from zero) to an integer, exactly.
fn half_up(n: i128, d: i128) -> i128 {
    let (q, r) = (n.abs() / d, n.abs() % d);
    let q = if 2 * r >= d { q + 1 } else { q };
    if n < 0 { -q } else { q }
}

#[test]
fn the_summarys_mean_is_exact_and_its_extremes_are_published_totals() {
    let rb = echo();
    let mut seed = 7u64;
    let mut next = move |m: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    for n in [1usize, 2, 3, 7, 5000, 9001] {
        let mut records = Vec::with_capacity(n);
        for _ in 0..n {
            let mut r = rb.record();
            // Three places, so that publishing rounds; now and then a missing value (the
            // interpreter's row, total 0.00 from no data) or a value out of the fast range.
            match next(50) {
                0 => {}
                1 => _ = r.set("x", Decimal::new(999_999_995, 3)),
                _ => _ = r.set("x", Decimal::new(next(1_000_000) as i64, 3)),
            }
            records.push(r);
        }
        for explain in [false, true] {
            let b = rb.score_batch(&records, &BatchOptions { explain, ..Default::default() });
            let totals: Vec<Decimal> = b.rows().filter_map(|r| r.total()).collect();
            assert_eq!(totals.len(), n);
            let units: Vec<i128> = totals.iter().map(|t| t.mantissa() * 10i128.pow(2 - t.scale())).collect();
            let mean = half_up(units.iter().sum(), n as i128);
            let s = b.summary();
            assert_eq!(
                s.mean_total,
                Some(Decimal::from_i128_with_scale(mean, 2)),
                "{n} rows, explain {explain}"
            );
            assert_eq!(s.lowest_total, totals.iter().min().copied());
            assert_eq!(s.highest_total, totals.iter().max().copied());
        }
    }
}

#[test]
fn a_mean_on_a_midpoint_rounds_half_up() {
    let rb = echo();
    let batch = |xs: &[&str]| {
        let records: Vec<Record> = xs
            .iter()
            .map(|x| {
                let mut r = rb.record();
                r.set("x", x.parse::<Decimal>().unwrap());
                r
            })
            .collect();
        rb.score_batch(&records, &BatchOptions::default()).summary().clone()
    };
    // 0.01 + 0.02 = 0.03 over 2 = 0.015 → 0.02; over 3 rows 0.01, 0.01, 0.02 → 0.01333… → 0.01.
    assert_eq!(batch(&["0.01", "0.02"]).mean_total, Some(Decimal::new(2, 2)));
    assert_eq!(batch(&["0.01", "0.01", "0.02"]).mean_total, Some(Decimal::new(1, 2)));
    let s = batch(&["5", "1.5", "3"]);
    assert_eq!((s.lowest_total, s.highest_total), (Some(Decimal::new(150, 2)), Some(Decimal::new(500, 2))));
    let empty = batch(&[]);
    assert_eq!((empty.mean_total, empty.lowest_total, empty.highest_total), (None, None, None));
}

#[test]
fn a_criteria_only_rulebook_has_no_mean() {
    let rb = Rulebook::builtin("cn.poverty.household-exit").unwrap();
    let text = table::decode(&common::sample("households.csv"), None).unwrap().0;
    let (header, rows) = table::parse_csv(&text).unwrap();
    let records = table::records_from_rows(&rb, &header, rows).unwrap().records;
    let s = rb.score_rows(&records, &BatchOptions::default()).summary().clone();
    assert!(s.ok > 0);
    assert_eq!((s.mean_total, s.lowest_total, s.highest_total), (None, None, None));
}
