//! Rows read into typed columns (`kaoping::table::ColumnReader`) score exactly as the same rows read into
//! records (`kaoping::table::records_from_rows`) and scored with `score_batch`: same keys,
//! profiles, totals, grades, criteria, vetoes, every indicator's points and the same errors
//! (kind, field, value and message) — on every built-in sample table and on generated benchmark
//! rows seeded with the cells staff actually send (blanks, 十万, 1,000, full-width digits, 是/否,
//! out-of-range values, unknown regions, ragged rows), whatever the chunking.

use kaoping::table::ColumnReader;
use kaoping::table::{self, CsvRow};
use kaoping::{BatchOptions, ColumnData, Format, RecordError, Rulebook};
use rust_decimal::Decimal;

mod common;
use common::{TABLES, repo, sample};

/// What a scored row says, everything a result file shows and more.
#[derive(Debug, PartialEq)]
struct Scored {
    key: String,
    profile: Option<String>,
    total: Option<Decimal>,
    max: Option<Decimal>,
    grade: Option<String>,
    passed: Option<bool>,
    vetoes: Vec<String>,
    points: Vec<Option<Decimal>>,
}

type RowResult = Result<Scored, RecordError>;

fn row_result(batch: &kaoping::Batch, i: usize, nodes: usize) -> RowResult {
    let row = batch.row(i);
    if let Some(e) = row.error() {
        return Err(e.clone());
    }
    Ok(Scored {
        key: row.key(),
        profile: row.profile().map(str::to_owned),
        total: row.total(),
        max: row.max(),
        grade: row.grade().map(str::to_owned),
        passed: row.passed(),
        vetoes: row.vetoes().into_iter().map(str::to_owned).collect(),
        points: (0..nodes).map(|k| row.points_at(k)).collect(),
    })
}

/// Score `rows` a chunk at a time through records, the way a table was read before columns.
fn by_records(rb: &Rulebook, header: &[String], rows: &[CsvRow], chunk: usize) -> Vec<RowResult> {
    let nodes = rb.indicators().len();
    let mut out = Vec::new();
    for part in rows.chunks(chunk) {
        let t = table::records_from_rows(rb, header, part.to_vec()).unwrap();
        let mut records = Vec::new();
        let slots: Vec<Result<usize, RecordError>> = t
            .records
            .into_iter()
            .map(|r| {
                r.map(|r| {
                    records.push(r);
                    records.len() - 1
                })
            })
            .collect();
        let batch = rb.score_batch(&records, &BatchOptions::default());
        out.extend(slots.into_iter().map(|s| s.and_then(|i| row_result(&batch, i, nodes))));
    }
    out
}

/// Score `rows` a chunk at a time through typed columns. Returns the rows and how many columns
/// of the chunks were typed (not kept as text), so a test can tell the typed path ran.
fn by_columns(rb: &Rulebook, header: &[String], rows: &[CsvRow], chunk: usize) -> (Vec<RowResult>, usize) {
    let nodes = rb.indicators().len();
    let reader = ColumnReader::new(rb, header).unwrap();
    let mut out = Vec::new();
    let mut typed = 0;
    for part in rows.chunks(chunk) {
        let t = reader.read(part.to_vec());
        typed += t.columns.columns().iter().filter(|(_, c)| !matches!(c.data, ColumnData::Text(_))).count();
        let batch = rb.score_columns(&t.columns, &BatchOptions::default()).unwrap();
        out.extend(t.slots.into_iter().map(|s| s.and_then(|i| row_result(&batch, i, nodes))));
    }
    (out, typed)
}

fn assert_same(what: &str, records: &[RowResult], columns: &[RowResult]) {
    assert_eq!(records.len(), columns.len(), "{what}");
    for (i, (r, c)) in records.iter().zip(columns).enumerate() {
        assert_eq!(r, c, "{what}: data row {} differs (left: records, right: columns)", i + 1);
    }
}

#[test]
fn every_builtin_sample_scores_the_same_through_columns() {
    // Without the awards items table (it cannot be a column) both paths score the schools the same
    // way: MissingInput for the awards-based rows, identically.
    for (table_name, ids) in TABLES {
        let text = String::from_utf8(sample(table_name)).unwrap();
        let (header, rows) = table::parse_csv(&text).unwrap();
        for id in *ids {
            let rb = Rulebook::builtin(id).unwrap();
            for chunk in [rows.len(), 64, 7] {
                let records = by_records(&rb, &header, &rows, chunk);
                let (columns, typed) = by_columns(&rb, &header, &rows, chunk);
                assert_same(&format!("{table_name} · {id} · chunks of {chunk}"), &records, &columns);
                assert!(typed > 0, "{table_name} · {id}: no column was typed");
                // Without its awards table every school fails (MissingInput, with every other
                // problem of the row listed too): the errors are what is compared there.
                let failed = records.iter().filter(|r| r.is_err()).count();
                let has_items = rb.inputs().iter().any(|i| i.ty == "items");
                assert!(failed >= 1, "{table_name} · {id}: no row failed");
                assert!(has_items || failed < rows.len() / 10, "{table_name} · {id}: {failed} failed");
            }
        }
    }
}

/// A small deterministic generator (xorshift64*), so the test needs no data file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

const REGIONS: [&str; 5] = ["秦巴山区", "乌蒙山区", "高原藏区", "凉山彝区", "片区外"];

/// Benchmark rows (`shared/bench/gen.py`'s shape); with `odd`, one odd cell in about one row in
/// eight and a ragged row in about 400.
fn cab_rows(n: usize, seed: u64, odd: bool) -> (Vec<String>, Vec<CsvRow>) {
    let header: Vec<String> =
        "region,population,poor_population,sampled,misexited,missed,satisfied,income_growth,\
        funds_allocated,funds_spent,audit_issues,awards,falsified,has_housing,has_education,has_medical,\
        has_water,has_power,has_broadcast"
            .split(',')
            .map(|h| h.trim().to_owned())
            .collect();
    let mut rng = Rng(seed);
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let population = rng.between(50_000, 1_000_000);
        let sampled = rng.between(200, 1000);
        let allocated = rng.between(1_000_000, 400_000_000);
        let mut cells: Vec<String> = vec![
            REGIONS[rng.below(5) as usize].to_owned(),
            population.to_string(),
            (population * rng.between(0, 120) / 1000).to_string(),
            sampled.to_string(),
            rng.between(0, sampled / 50).to_string(),
            rng.between(0, sampled / 40).to_string(),
            rng.between(sampled * 7 / 10, sampled).to_string(),
            format!("{}.{:02}", rng.between(-2, 19), rng.below(100)),
            format!("{}.{:02}", allocated, rng.below(100)),
            format!("{}.{:02}", allocated * rng.between(50, 100) / 100, rng.below(100)),
            rng.between(0, 8).to_string(),
            rng.between(0, 3).to_string(),
            (rng.below(50) == 0).to_string(),
        ];
        for _ in 0..6 {
            cells.push((rng.below(20) != 0).to_string());
        }
        if odd && rng.below(8) == 0 {
            let col = rng.below(cells.len() as u64) as usize;
            cells[col] = odd_cell(&mut rng, col);
        }
        if odd && rng.below(400) == 0 {
            cells.pop(); // a ragged row
        }
        rows.push(CsvRow { line: i + 2, cells });
    }
    (header, rows)
}

/// A cell as staff send it: some read (full-width digits, 是/否, spaces, exponents), some do not.
fn odd_cell(rng: &mut Rng, col: usize) -> String {
    let odd: &[&str] = match col {
        0 => &["火星", " 片区外 ", "", "凉山彝区\u{3000}"],
        12..=18 => &["是", "否", "1", "0", "yes", "maybe", "", "\u{3000}", " TRUE "],
        7..=9 => &[
            "十万",
            "1,000.5",
            "１２．５",
            "-0.00",
            "1e3",
            "",
            "   ",
            "NaN",
            "12.3456789012345678901",
            "0.000000000000000000001",
        ],
        _ => &[
            "十万",
            "1,000",
            "３００",
            "3.5",
            "120000.0",
            "1.2e5",
            "-1",
            "",
            " 7 ",
            "99999999999999999999",
            "0",
        ],
    };
    odd[rng.below(odd.len() as u64) as usize].to_owned()
}

#[test]
fn generated_benchmark_rows_score_the_same_through_columns() {
    let cab = std::fs::read_to_string(repo().join("core/src/syntax/testdata/cab.toml")).unwrap();
    let rb = Rulebook::from_str(&cab, Format::Toml).unwrap();
    let (header, rows) = cab_rows(6_000, 0x5EED_CAB0, true);
    for chunk in [rows.len(), 4096, 500, 33] {
        let records = by_records(&rb, &header, &rows, chunk);
        let (columns, typed) = by_columns(&rb, &header, &rows, chunk);
        assert_same(&format!("generated CAB rows · chunks of {chunk}"), &records, &columns);
        assert!(typed > 0);
        let failed = records.iter().filter(|r| r.is_err()).count();
        assert!(failed > 50 && failed < 1_000, "{failed} rows failed");
    }
    // With no odd cell at all, every column of every chunk is typed.
    let clean = cab_rows(2_000, 7, false).1;
    let reader = ColumnReader::new(&rb, &header).unwrap();
    let t = reader.read(clean.clone());
    for (name, c) in t.columns.columns() {
        assert!(!matches!(c.data, ColumnData::Text(_)), "{name} stayed text");
    }
    let batch = rb.score_columns(&t.columns, &BatchOptions::default()).unwrap();
    assert_eq!(batch.fast_rows(), clean.len(), "typed columns take the fast path");
}

/// The committed 50 generated rows (`cli/tests/data/cab-50.csv`) score to the exact reference.
#[test]
fn committed_benchmark_rows_match_the_exact_reference_through_columns() {
    let cab = std::fs::read_to_string(repo().join("core/src/syntax/testdata/cab.toml")).unwrap();
    let rb = Rulebook::from_str(&cab, Format::Toml).unwrap();
    let text = std::fs::read_to_string(repo().join("cli/tests/data/cab-50.csv")).unwrap();
    let reference = std::fs::read_to_string(repo().join("cli/tests/data/cab-50.reference.csv")).unwrap();
    let (header, rows) = table::parse_csv(&text).unwrap();
    let (ref_header, ref_rows) = table::parse_csv(&reference).unwrap();
    let total_at = ref_header.iter().position(|h| h == "total").unwrap();
    let grade_at = ref_header.iter().position(|h| h == "grade").unwrap();
    let t = kaoping::table::columns_from_rows(&rb, &header, rows).unwrap();
    let batch = rb.score_columns(&t.columns, &BatchOptions::default()).unwrap();
    assert_eq!(batch.len(), 50);
    for (row, want) in batch.rows().zip(&ref_rows) {
        assert_eq!(row.total().unwrap().to_string(), want.cells[total_at]);
        assert_eq!(row.grade().unwrap(), want.cells[grade_at]);
    }
}

/// An integer column is checked against its input's bounds on the fast path exactly as a record
/// scored alone is: values on each bound, one past it, and the extremes of `i64` (whole-number
/// bounds from a fractional `min` included).
#[test]
fn integer_columns_at_the_edges_of_their_bounds() {
    let book = r#"
[rulebook]
id = "t.bounds"
title = "bounds"
version = "1"
max = 15
scale = 2

[inputs]
n = { type = "integer", min = -5, max = 10 }
m = { type = "integer", min = 0.5 }

[[indicator]]
id = "a"
label = "a"
points = 10
linear = { input = "n", from = [-5, 0], to = [10, 10] }

[[indicator]]
id = "b"
label = "b"
points = 5
deduct = { input = "m", each = 1, floor = 0 }
"#;
    let rb = Rulebook::from_str(book, Format::Toml).unwrap();
    let n = [i64::MIN, -6, -5, 0, 10, 11, i64::MAX, 3, 3, 3];
    let m = [1, 1, 1, 1, 1, 1, 1, 0, 1, i64::MIN];
    let mut c = kaoping::Columns::new(n.len());
    c.push("n", kaoping::Column::new(ColumnData::Int(n.to_vec().into()))).unwrap();
    c.push("m", kaoping::Column::new(ColumnData::Int(m.to_vec().into()))).unwrap();
    let batch = rb.score_columns(&c, &BatchOptions { parallel: false, ..Default::default() }).unwrap();
    for (i, row) in batch.rows().enumerate() {
        let alone = rb.score_json(&format!(r#"{{"n": {}, "m": {}}}"#, n[i], m[i]), &Default::default());
        match alone {
            Ok(o) => assert_eq!(row.total(), o.total, "row {i}: n = {}, m = {}", n[i], m[i]),
            Err(e) => {
                let got = row.error().map(|g| g.kind());
                assert_eq!(got, Some(e.kind()), "row {i}: n = {}, m = {}", n[i], m[i]);
            }
        }
    }
    assert_eq!(batch.summary().ok, 4, "n = -5, 0, 10 and m = 1 inside; the rest outside");
}

/// Fixed-point decimal columns (what CSV and Arrow decimals read into) against bounds with more
/// places than the column, a bound beyond `i64` in the column's units, and mantissas beyond
/// `i64`: each row scores as the same value alone does.
#[test]
fn decimal_columns_at_the_edges_of_their_bounds() {
    let book = |input: &str| {
        format!(
            r#"
[rulebook]
id = "t.decimal_bounds"
title = "decimal bounds"
version = "1"
max = 10
scale = 2

[inputs]
x = {{ type = "decimal", {input} }}

[[indicator]]
id = "a"
label = "a"
points = 10
linear = {{ input = "x", from = [0, 0], to = [100, 10] }}
"#
        )
    };
    let big = i128::from(i64::MAX) + 1;
    let text = |m: i128| format!("{}{}.{:02}", if m < 0 { "-" } else { "" }, m.abs() / 100, m.abs() % 100);
    // Mantissas at scale 2, with the rows expected to score.
    let cases: [(&str, Vec<i128>, Vec<usize>); 2] = [
        // 0.01 (below), 0.02 (the least inside), 99.99 (the most), 100.00 (above); 2^64 + 500
        // reads as 500 when cut to 64 bits.
        (
            "min = 0.015, max = 99.995",
            vec![1, 2, 9999, 10000, -1, big, -big, 500, (1 << 64) + 500],
            vec![1, 2, 7],
        ),
        // A bound of 10^19 units: i64::MAX units lie below it, 2^63·100 units above.
        ("min = 100000000000000000", vec![big - 1, big * 100, 1, -big], vec![1]),
    ];
    for (bounds, x, ok) in cases {
        let rb = Rulebook::from_str(&book(bounds), Format::Toml).unwrap();
        let mut c = kaoping::Columns::new(x.len());
        c.push("x", kaoping::Column::new(ColumnData::Fixed { mantissa: x.clone().into(), scale: 2 }))
            .unwrap();
        let batch = rb.score_columns(&c, &BatchOptions { parallel: false, ..Default::default() }).unwrap();
        for (i, row) in batch.rows().enumerate() {
            let json = format!(r#"{{"x": "{}"}}"#, text(x[i]));
            match rb.score_json(&json, &Default::default()) {
                Ok(o) => assert_eq!(row.total(), o.total, "{bounds}, row {i}: {json}"),
                Err(e) => {
                    assert_eq!(row.error().map(|g| g.kind()), Some(e.kind()), "{bounds}, row {i}: {json}")
                }
            }
        }
        let scored: Vec<usize> =
            batch.rows().enumerate().filter(|(_, r)| r.error().is_none()).map(|(i, _)| i).collect();
        assert_eq!(scored, ok, "{bounds}");
    }
}
