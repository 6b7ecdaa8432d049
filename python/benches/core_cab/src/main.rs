//! The Rust core's own speed on the CAB workload, for `benches/python_bench.py` to compare the
//! Python module against: CSV → records (the core's table reader), then `score_batch` timed alone,
//! on one thread and on every core, for records of text cells (as read from CSV) and for records
//! of typed values (integers, decimals, booleans: what the Python module hands the core). Built in
//! the release profile, like the extension module.
//!
//!     cargo run --release --manifest-path python/benches/core_cab/Cargo.toml -- RULEBOOK.toml DATA.csv [REPS]
//!
//! Prints one JSON line per measurement (records per second, median of REPS).

use std::time::Instant;

use kaoping::{BatchOptions, Record, Rulebook, Value, num};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let [rulebook, data, rest @ ..] = args.as_slice() else {
        eprintln!("usage: core_cab RULEBOOK.toml DATA.csv [REPS]");
        std::process::exit(2);
    };
    let reps: usize = rest.first().and_then(|r| r.parse().ok()).unwrap_or(5);
    let rb = Rulebook::from_file(rulebook).unwrap_or_else(|e| panic!("{e}"));
    let bytes = std::fs::read(data).unwrap_or_else(|e| panic!("{data}: {e}"));
    let t0 = Instant::now();
    let table = kaoping::table::read_csv(&rb, &bytes, None).unwrap_or_else(|e| panic!("{e}"));
    let read = t0.elapsed().as_secs_f64();
    let cells: Vec<Record> = table.records.into_iter().map(|r| r.expect("every row reads")).collect();
    let typed: Vec<Record> = cells.iter().map(|r| typed(&rb, r)).collect();
    let n = cells.len();
    println!("{{\"impl\": \"rust_core\", \"phase\": \"read_csv\", \"n\": {n}, \"median_s\": {read:.6}}}");
    for (values, records) in [("cells", &cells), ("typed", &typed)] {
        for (mode, parallel) in [("1 thread", false), ("all cores", true)] {
            let opts = BatchOptions { parallel, ..BatchOptions::default() };
            let mut times = Vec::with_capacity(reps);
            let mut failed = 0;
            rb.score_batch(records, &opts); // warm-up
            for _ in 0..reps {
                let t = Instant::now();
                let batch = rb.score_batch(records, &opts);
                times.push(t.elapsed().as_secs_f64());
                failed = batch.summary().failed;
            }
            times.sort_by(f64::total_cmp);
            let median = times[times.len() / 2];
            println!(
                "{{\"impl\": \"rust_core\", \"phase\": \"score\", \"values\": \"{values}\", \"mode\": \"{mode}\", \
                 \"n\": {n}, \"failed\": {failed}, \"median_s\": {median:.6}, \"records_per_s\": {:.0}}}",
                n as f64 / median
            );
        }
    }
}

/// The record with every cell read by its input's type (as a binding would hand it over).
fn typed(rb: &Rulebook, cells: &Record) -> Record {
    let mut out = rb.record();
    for (i, input) in rb.inputs().iter().enumerate() {
        let Some(Value::Text(t)) = cells.get(&input.name) else { continue };
        let v = match input.ty.as_str() {
            "integer" => Value::Integer(num::parse_integer_text(t).expect("an integer")),
            "decimal" => Value::Decimal(num::parse_decimal_text(t).expect("a decimal")),
            "boolean" => Value::Bool(num::parse_bool_text(t).expect("a boolean")),
            _ => Value::Text(t.clone()),
        };
        out.set_at(i, v);
    }
    out
}
