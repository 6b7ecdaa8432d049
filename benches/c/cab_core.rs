//! The Rust side of the C benchmark (benches/c/run.sh): the same CAB rows, the same three ways,
//! through the core directly. Each record is scored alone with `Rulebook::score` (or
//! `score_json`), its total read as text, as a caller scoring one unit at a time would.
//!
//!     cab-core CAB.toml DATA.csv [REPS]
//!
//! Prints one JSON line per way: {"impl", "n", "median_s", "records_per_s", "checksum"}, where the
//! checksum is the sum of the published totals in cents (the C program must print the same).

use std::time::Instant;

use kaoping_core::{Record, Rulebook, ScoreOptions, Value};
use rust_decimal::Decimal;

/// A cell with its input's name and declared type.
struct Cell {
    name: String,
    ty: String,
}

fn typed(ty: &str, text: &str) -> Value {
    match ty {
        "integer" => Value::Integer(text.parse().expect("integer")),
        "decimal" => Value::Decimal(Decimal::from_str_exact(text).expect("decimal")),
        "boolean" => Value::Bool(text == "true"),
        _ => Value::Text(text.to_owned()),
    }
}

fn cents(total: &str) -> i64 {
    total.replace('.', "").parse().expect("a total with 2 places")
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn report(way: &str, n: usize, times: Vec<f64>, checksum: i64) {
    let m = median(times);
    println!(
        "{{\"impl\": \"rust {way}\", \"n\": {n}, \"median_s\": {m:.6}, \"records_per_s\": {:.0}, \"checksum\": {checksum}}}",
        n as f64 / m
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, book, data, ..] = args.as_slice() else {
        eprintln!("usage: cab-core CAB.toml DATA.csv [REPS]");
        std::process::exit(2);
    };
    let reps: usize = args.get(3).map_or(5, |r| r.parse().expect("REPS"));
    let rb = Rulebook::from_file(book).expect("the rulebook loads");
    let text = std::fs::read_to_string(data).expect("the CSV reads");
    let mut lines = text.lines();
    let types: Vec<String> = rb.inputs().into_iter().map(|i| i.ty).collect();
    let header: Vec<Cell> = lines
        .next()
        .expect("a header")
        .split(',')
        .map(|h| Cell { name: h.to_owned(), ty: types[rb.input_index(h).expect("a CAB column")].clone() })
        .collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let n = rows.len();
    let opts = ScoreOptions::default();
    let score = |r: &Record| -> i64 {
        match rb.score(r, &opts) {
            Ok(o) => o.total.map_or(0, |t| cents(&t.to_string())),
            Err(_) => 0,
        }
    };

    // 1. Typed records built beforehand; the timing covers scoring and reading the total.
    let records: Vec<Record> = rows
        .iter()
        .map(|row| {
            let mut r = rb.record();
            for (cell, text) in header.iter().zip(row) {
                r.set(&cell.name, typed(&cell.ty, text));
            }
            r
        })
        .collect();
    let mut times = Vec::new();
    let mut checksum = 0;
    for _ in 0..reps {
        let t = Instant::now();
        checksum = records.iter().map(score).sum();
        times.push(t.elapsed().as_secs_f64());
    }
    report("typed, score", n, times, checksum);
    drop(records);

    // 2. Building each typed record from its cells too (by input name), then scoring it.
    let mut times = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        checksum = rows
            .iter()
            .map(|row| {
                let mut r = rb.record();
                for (cell, text) in header.iter().zip(row) {
                    r.set(&cell.name, typed(&cell.ty, text));
                }
                score(&r)
            })
            .sum();
        times.push(t.elapsed().as_secs_f64());
    }
    report("typed, build and score", n, times, checksum);

    // 3. JSON records (made beforehand), parsed and scored.
    let jsons: Vec<String> = rows
        .iter()
        .map(|row| {
            let fields: Vec<String> = header
                .iter()
                .zip(row)
                .map(|(cell, text)| match cell.ty.as_str() {
                    "text" => format!("\"{}\": \"{text}\"", cell.name),
                    "decimal" => format!("\"{}\": \"{text}\"", cell.name),
                    _ => format!("\"{}\": {text}", cell.name),
                })
                .collect();
            format!("{{{}}}", fields.join(", "))
        })
        .collect();
    let mut times = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        checksum = jsons
            .iter()
            .map(|j| match rb.score_json(j, &opts) {
                Ok(o) => o.total.map_or(0, |t| cents(&t.to_string())),
                Err(_) => 0,
            })
            .sum();
        times.push(t.elapsed().as_secs_f64());
    }
    report("json", n, times, checksum);
}
