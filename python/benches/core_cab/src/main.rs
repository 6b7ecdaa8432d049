//! The Rust core's own speed on the CAB workload, for `python/benches/cab.py` to compare the
//! Python module against: the CSV parsed into the typed columns the module hands the core, then
//! `score_columns` timed alone, on one thread and on every core. Two sets of columns, one per
//! input the module is measured on:
//!
//! - `decimal128`: a pyarrow Table read from the Parquet copy — integers, fixed-point cents
//!   (`ColumnData::Fixed`, as decimal128(12, 2) stores them), booleans, the region as a
//!   dictionary;
//! - `float64`: a DataFrame from `pd.read_csv` — the same, but the decimal columns as floats
//!   (`ColumnData::Float`, read by their shortest repr) and the region as text, which the module
//!   dictionary-encodes.
//!
//! Also typed records through `score_batch` (the record path, for reference). Built in the release
//! profile, like the extension module.
//!
//!     cargo run --release --manifest-path python/benches/core_cab/Cargo.toml -- RULEBOOK.toml DATA.csv [REPS]
//!
//! Prints one JSON line per measurement (records per second, median of REPS).
//!
//! With `--serve`, it reads the data, prints `ready`, and then for each line read from stdin
//! (`decimal128`, `float64`, or empty for both) scores that set of columns once on one thread,
//! prints one JSON line per set, then its CPU time (`{"cpu_s": …}`), and `done`: a caller can then
//! time the core right beside its own code, so both see the same load.

use std::time::Instant;

use kaoping::{Batch, BatchOptions, Column, ColumnData, Columns, Record, Rulebook, num};

/// The extension module's allocator: the core measured on glibc's malloc would be the slower
/// side of the comparison for a reason of its own (each batch's result columns faulted in again).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let serve = std::env::args().any(|a| a == "--serve");
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let [rulebook, data, rest @ ..] = args.as_slice() else {
        eprintln!("usage: core_cab RULEBOOK.toml DATA.csv [REPS]");
        std::process::exit(2);
    };
    let reps: usize = rest.first().and_then(|r| r.parse().ok()).unwrap_or(5);
    let rb = Rulebook::from_file(rulebook).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(data).unwrap_or_else(|e| panic!("{data}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let n = rows.len();
    let types: Vec<String> = header
        .iter()
        .map(|h| rb.inputs()[rb.input_index(h).expect("a CAB column")].ty.clone())
        .collect();

    let decimal128 = columns(&header, &types, &rows, false);
    let float64 = columns(&header, &types, &rows, true);
    if serve {
        drop(rows);
        let opts = BatchOptions { parallel: false, ..BatchOptions::default() };
        println!("ready");
        for asked in std::io::stdin().lines() {
            let asked = asked.unwrap_or_default();
            for (values, cols) in [("decimal128", &decimal128), ("float64", &float64)] {
                if !asked.trim().is_empty() && asked.trim() != values {
                    continue;
                }
                let (t, cpu) = (Instant::now(), cpu_seconds());
                let b = rb.score_columns(cols, &opts).expect("the columns fit");
                let took = t.elapsed().as_secs_f64();
                line("score_columns", values, "1 thread", n, &b, took);
                println!("{{\"cpu_s\": {:.6}}}", cpu_seconds() - cpu);
            }
            println!("done");
        }
        return;
    }
    let records: Vec<Record> = (0..n).map(|i| decimal128.record(&rb, &binding(&rb, &decimal128), i)).collect();
    drop(rows);

    for (values, cols) in [("decimal128", &decimal128), ("float64", &float64)] {
        for (mode, parallel) in [("1 thread", false), ("all cores", true)] {
            let opts = BatchOptions { parallel, ..BatchOptions::default() };
            let (b, median) = time(reps, || rb.score_columns(cols, &opts).expect("the columns fit"));
            line("score_columns", values, mode, n, &b, median);
        }
    }
    for (mode, parallel) in [("1 thread", false), ("all cores", true)] {
        let opts = BatchOptions { parallel, ..BatchOptions::default() };
        let (b, median) = time(reps.min(3), || rb.score_batch(&records, &opts));
        line("score_batch", "typed records", mode, n, &b, median);
    }
}

fn line(phase: &str, values: &str, mode: &str, n: usize, b: &Batch, median: f64) {
    println!(
        "{{\"impl\": \"rust_core\", \"phase\": \"{phase}\", \"values\": \"{values}\", \"mode\": \"{mode}\", \
         \"n\": {n}, \"failed\": {}, \"fast_rows\": {}, \"median_s\": {median:.6}, \"records_per_s\": {:.0}}}",
        b.summary().failed,
        b.fast_rows(),
        n as f64 / median
    );
}

fn time(reps: usize, mut f: impl FnMut() -> Batch) -> (Batch, f64) {
    let mut last = f(); // warm-up
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        last = f();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (last, times[times.len() / 2])
}

/// This thread's time on a CPU so far, in seconds (`/proc/thread-self/schedstat`, nanoseconds):
/// a measure that time spent descheduled by a busy host does not inflate.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    stat.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()).map_or(f64::NAN, |ns| ns / 1e9)
}

fn binding(rb: &Rulebook, cols: &Columns) -> Vec<Option<usize>> {
    cols.bind(rb).expect("the columns bind")
}

/// The CSV's cells as the typed columns the Python module builds from a decimal128 Arrow table
/// (`floats` false) or from `pd.read_csv`'s DataFrame (`floats` true).
fn columns(header: &[&str], types: &[String], rows: &[Vec<&str>], floats: bool) -> Columns {
    let mut cols = Columns::new(rows.len());
    for (k, name) in header.iter().enumerate() {
        let cells = rows.iter().map(|r| r[k]);
        let data = match types[k].as_str() {
            // pandas reads int64; the Arrow table (Parquet from gen.py) holds int32.
            "integer" if floats => {
                ColumnData::Int(cells.map(|c| num::parse_integer_text(c).expect("an integer")).collect())
            }
            "integer" => ColumnData::Int32(
                cells
                    .map(|c| i32::try_from(num::parse_integer_text(c).expect("an integer")).expect("32 bits"))
                    .collect(),
            ),
            "decimal" if floats => ColumnData::Float(cells.map(|c| c.parse().expect("a float")).collect()),
            "decimal" => ColumnData::Fixed {
                mantissa: cells
                    .map(|c| {
                        let mut d = num::parse_decimal_text(c).expect("a decimal");
                        d.rescale(2);
                        d.mantissa()
                    })
                    .collect(),
                scale: 2,
            },
            "boolean" => ColumnData::Bool(cells.map(|c| num::parse_bool_text(c).expect("a boolean")).collect()),
            _ => {
                let mut dict: Vec<String> = Vec::new();
                let codes = cells
                    .map(|c| match dict.iter().position(|d| d == c) {
                        Some(i) => i as u32,
                        None => {
                            dict.push(c.to_owned());
                            dict.len() as u32 - 1
                        }
                    })
                    .collect();
                ColumnData::Dict { codes, dict }
            }
        };
        cols.push(*name, Column::new(data)).expect("the column fits");
    }
    cols
}
