//! Batches longer than one chunk of the columnar executor (4,096 rows), rows of every profile
//! mixed in each chunk: every row of `score_batch` (records) and `score_columns` (typed columns),
//! serial and parallel, says exactly what scoring that record alone says — total, grade, criteria,
//! vetoes, every indicator's points — and the unit columns agree. Small batches (the property
//! tests, the golden vectors) never cross a chunk boundary; these do, several times.

use kaoping::table::ColumnReader;
use kaoping::table::{self, CsvRow};
use kaoping::{Batch, BatchOptions, Codes, Rulebook, ScoreOptions, Units};
use rust_decimal::Decimal;

mod common;

/// The county sample repeated until the table spans several chunks.
fn counties(times: usize) -> (Vec<String>, Vec<CsvRow>) {
    sample("counties.csv", times)
}

/// A sample table repeated `times` times.
fn sample(name: &str, times: usize) -> (Vec<String>, Vec<CsvRow>) {
    let text = table::decode(&common::sample(name), None).unwrap().0;
    let (header, rows) = table::parse_csv(&text).unwrap();
    let body: Vec<CsvRow> = (0..times).flat_map(|_| rows.iter().cloned()).collect();
    (header, body)
}

/// The unit iterators read row by row (`next`), in runs (`fold`, as `for_each` does) and in bulk
/// (`append_to`) alike, also when a fold or an append takes over part way through.
fn both_ways<'a>(iter: impl Fn() -> Units<'a>, rows: &[Option<i64>], what: &str) {
    const MISSING: i128 = -7;
    for split in [0, 1, 4095, 4096, 4097, rows.len() / 2, rows.len()] {
        let mut it = iter();
        let got: Vec<Option<i64>> = it.by_ref().take(split).collect();
        let got = it.fold(got, |mut v, u| {
            v.push(u);
            v
        });
        assert_eq!(got, rows, "{what}: read by next, then fold from row {split}");

        let mut it = iter();
        let head: Vec<i128> = it.by_ref().take(split).map(|u| u.map_or(MISSING, i128::from)).collect();
        let mut appended = head.clone();
        let gaps = it.append_to(&mut appended, MISSING);
        let want: Vec<i128> = rows.iter().map(|u| u.map_or(MISSING, i128::from)).collect();
        assert_eq!(appended, want, "{what}: read by next, then appended from row {split}");
        let want_gaps: Vec<usize> = (split..rows.len()).filter(|&i| rows[i].is_none()).collect();
        assert_eq!(gaps, want_gaps, "{what}: rows without units from row {split}");
    }
}

fn check_rows(
    rb: &Rulebook,
    batch: &Batch,
    alone: &[Result<kaoping::Outcome, kaoping::RecordError>],
    what: &str,
) {
    assert_eq!(batch.len(), alone.len(), "{what}");
    let scale = batch.scale();
    let nodes = rb.indicators().len();
    let unit_points: Vec<Vec<Option<i64>>> = (0..nodes).map(|k| batch.points_units(k)).collect();
    let unit_totals = batch.total_units();
    both_ways(|| batch.total_units_iter(), &unit_totals, what);
    for (k, rows) in unit_points.iter().enumerate() {
        both_ways(|| batch.points_units_iter(k), rows, what);
    }
    let none = vec![None; batch.len()];
    assert_eq!(batch.points_units(nodes), none, "{what}: no such indicator");
    both_ways(|| batch.points_units_iter(nodes), &none, &format!("{what}: no such indicator"));
    let codes = batch.codes();
    assert_eq!(
        (codes.profile.len(), codes.grade.len(), codes.passed.len()),
        (alone.len(), alone.len(), alone.len())
    );
    for (i, a) in alone.iter().enumerate() {
        let row = batch.row(i);
        let code = |c: u16| (c != Codes::NONE).then_some(usize::from(c));
        assert_eq!(code(codes.profile[i]), row.profile_index(), "{what} profile code row {i}");
        assert_eq!(code(codes.grade[i]), row.grade_index(), "{what} grade code row {i}");
        let passed = [Some(false), Some(true), None].get(usize::from(codes.passed[i])).copied().flatten();
        assert!(codes.passed[i] <= 2, "{what} criteria code row {i}");
        assert_eq!(passed, row.passed(), "{what} criteria code row {i}");
        match a {
            Err(e) => {
                assert_eq!(row.error().map(|e| e.kind()), Some(e.kind()), "{what} row {i}");
                assert_eq!(row.profile_index(), None, "{what} profile index row {i}");
            }
            Ok(o) => {
                assert!(row.error().is_none(), "{what} row {i}: {:?}", row.error());
                assert_eq!(row.total(), o.total, "{what} total row {i}");
                assert_eq!(
                    unit_totals[i].map(|u| Decimal::new(u, scale)),
                    o.total,
                    "{what} unit total row {i}"
                );
                assert_eq!(row.grade(), o.grade.as_deref(), "{what} grade row {i}");
                assert_eq!(row.passed(), o.passed, "{what} passed row {i}");
                assert_eq!(row.profile(), o.profile.as_deref(), "{what} profile row {i}");
                let named = row.profile_index().map(|p| p.checked_sub(1).map(|p| rb.profiles()[p]));
                assert_eq!(named, Some(o.profile.as_deref()), "{what} profile index row {i}");
                let vetoes: Vec<&str> = o.vetoes.iter().map(|v| v.id.as_str()).collect();
                assert_eq!(row.vetoes(), vetoes, "{what} vetoes row {i}");
                for (k, n) in o.nodes.iter().enumerate() {
                    assert_eq!(row.points_at(k), n.points, "{what} {} row {i}", n.id);
                    assert_eq!(
                        unit_points[k][i].map(|u| Decimal::new(u, scale)),
                        n.points,
                        "{what} unit {} row {i}",
                        n.id
                    );
                }
            }
        }
    }
}

#[test]
fn batches_spanning_many_chunks_equal_each_record_alone() {
    let rb = Rulebook::builtin("sc.poverty.county-assessment").unwrap();
    let (header, rows) = counties(50); // 191 × 50 = 9,550 rows: three chunks, the last partial
    assert!(rows.len() > 2 * 4096);
    let records = table::records_from_rows(&rb, &header, rows.clone()).unwrap().records;
    let records: Vec<_> = records.into_iter().map(Result::unwrap).collect();
    let alone: Vec<_> = records.iter().map(|r| rb.score(r, &ScoreOptions::default())).collect();
    assert!(alone.iter().filter(|a| a.is_ok()).count() > rows.len() / 2, "the sample scores mostly");
    assert!(alone.iter().any(Result::is_err), "the sample has its bad rows");

    let columns = ColumnReader::new(&rb, &header).unwrap().read(rows).columns;
    for parallel in [false, true] {
        let opts = BatchOptions { parallel, ..BatchOptions::default() };
        let b = rb.score_batch(&records, &opts);
        assert!(b.fast_rows() > b.len() / 2, "most rows take the columnar path");
        check_rows(&rb, &b, &alone, &format!("records parallel={parallel}"));
        let c = rb.score_columns(&columns, &opts).unwrap();
        check_rows(&rb, &c, &alone, &format!("columns parallel={parallel}"));
        assert_eq!(b.summary(), c.summary());
    }
}

/// A rulebook of criteria only (no total, so the fast path's total column holds "no value") across
/// chunks: the unit totals are all `None`, read row by row and in runs alike.
#[test]
fn criteria_only_batches_spanning_chunks() {
    let rb = Rulebook::builtin("sc.poverty.household-exit").unwrap();
    let once = sample("households.csv", 1).1.len();
    let (header, rows) = sample("households.csv", 2 * 4096 / once + 1);
    let records = table::records_from_rows(&rb, &header, rows).unwrap().records;
    let records: Vec<_> = records.into_iter().map(Result::unwrap).collect();
    let alone: Vec<_> = records.iter().map(|r| rb.score(r, &ScoreOptions::default())).collect();
    for parallel in [false, true] {
        let b = rb.score_batch(&records, &BatchOptions { parallel, ..BatchOptions::default() });
        assert!(b.fast_rows() > b.len() / 2, "most rows take the columnar path");
        assert!(b.total_units().iter().all(Option::is_none));
        check_rows(&rb, &b, &alone, &format!("criteria only, parallel={parallel}"));
    }
}
