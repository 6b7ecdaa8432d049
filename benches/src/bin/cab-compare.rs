//! kaoping's side of the CAB comparison: score a CAB CSV and report records per second as JSON
//! lines (the same shape as `shared/bench/cabio.py`'s `report`), and write the totals (int64
//! cents) and grades (u8) that `shared/bench/check.py` compares with the exact answer.
//!
//!     cab-compare DATA.csv OUTPREFIX [--reps R]
//!
//! Phases: columns (typed columns, as a DataFrame/Arrow table holds them) on one core and on all
//! cores, typed records on one core and all cores, and explained scoring on one core (on the
//! first 20,000 rows: an explanation per record is the slow, detailed path).

use std::io::Write;
use std::time::Instant;

use kaoping::BatchOptions;

fn report(phase: &str, n: usize, times: &[f64]) {
    let med = kaoping_bench::median(times.to_vec());
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    let line = format!(
        "{{\"impl\": \"kaoping\", \"n\": {n}, \"phase\": \"{phase}\", \"reps\": {}, \"median_s\": {med:.6}, \"min_s\": {min:.6}, \"max_s\": {max:.6}, \"records_per_s\": {:.1}, \"exact\": true}}",
        times.len(),
        n as f64 / med
    );
    println!("{line}");
    if let Some(path) = std::env::var_os("CAB_RESULTS") {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("results file");
        let _ = writeln!(f, "{line}");
    }
}

fn time(reps: usize, mut f: impl FnMut() -> kaoping::Batch) -> (kaoping::Batch, Vec<f64>) {
    let mut last = f(); // warm-up
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        drop(last); // freeing the previous batch is not part of scoring this one
        let t = Instant::now();
        last = f();
        times.push(t.elapsed().as_secs_f64());
    }
    (last, times)
}

fn write_results(prefix: &str, b: &kaoping::Batch) {
    let grades = b.rulebook().grades();
    let mut totals = Vec::with_capacity(b.len() * 8);
    let mut gs = Vec::with_capacity(b.len());
    for row in b.rows() {
        let t = row.total().expect("every CAB row scores");
        let cents = (t * rust_decimal::Decimal::from(100)).trunc().mantissa() as i64;
        totals.extend_from_slice(&cents.to_le_bytes());
        gs.push(grades.iter().position(|g| Some(*g) == row.grade()).expect("a grade") as u8);
    }
    std::fs::write(format!("{prefix}.totals"), totals).expect("write totals");
    std::fs::write(format!("{prefix}.grades"), gs).expect("write grades");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: cab-compare DATA.csv OUTPREFIX [--reps R]");
        std::process::exit(2);
    }
    let path = std::path::Path::new(&args[1]);
    let prefix = &args[2];
    let reps = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1))
        .map_or(5, |r| r.parse().expect("reps"));
    let rb = kaoping_bench::cab_rulebook();

    let t = Instant::now();
    let columns = kaoping_bench::load_cab_columns(path);
    report("load_columns", columns.len(), &[t.elapsed().as_secs_f64()]);
    let n = columns.len();
    for (phase, parallel) in [("score_columns_1core", false), ("score_columns_allcores", true)] {
        let opts = BatchOptions { parallel, ..Default::default() };
        let (b, times) = time(reps, || rb.score_columns(&columns, &opts).expect("columns bind"));
        assert_eq!(b.fast_rows(), n, "every CAB row on the fast path");
        report(phase, n, &times);
        if !parallel {
            write_results(prefix, &b);
        }
    }
    drop(columns);

    let t = Instant::now();
    let records = kaoping_bench::load_cab(&rb, path);
    report("load_records", records.len(), &[t.elapsed().as_secs_f64()]);
    for (phase, parallel) in [("score_records_1core", false), ("score_records_allcores", true)] {
        let opts = BatchOptions { parallel, ..Default::default() };
        let (b, times) = time(reps.min(3), || rb.score_batch(&records, &opts));
        report(phase, n, &times);
        if !parallel {
            write_results(&format!("{prefix}_records"), &b);
        }
    }
    let few = &records[..records.len().min(20_000)];
    let opts = BatchOptions { parallel: false, explain: true, ..Default::default() };
    let (_, times) = time(1, || rb.score_batch(few, &opts));
    report("score_explained_1core", few.len(), &times);
}
