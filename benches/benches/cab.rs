//! Criterion benchmarks on CAB (`shared/bench/cab.toml`): records per second scoring typed
//! columns (the columnar path, as from a CSV or a DataFrame) and typed records, one thread and all
//! cores, and with explanations.
//!
//! Data: `KAOPING_CAB_CSV` (a CSV from `shared/bench/gen.py N 42`), default `/tmp/cab-100k.csv`.
//! Run: `cargo bench -p kaoping-bench --bench cab`.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kaoping::BatchOptions;

fn data() -> PathBuf {
    std::env::var_os("KAOPING_CAB_CSV").map_or_else(|| PathBuf::from("/tmp/cab-100k.csv"), PathBuf::from)
}

fn cab(c: &mut Criterion) {
    let rb = kaoping_bench::cab_rulebook();
    let records = kaoping_bench::load_cab(&rb, &data());
    let mut g = c.benchmark_group("cab");
    g.throughput(Throughput::Elements(records.len() as u64));
    g.sample_size(10);
    for (name, parallel, explain) in [
        ("records-one-core", false, false),
        ("records-all-cores", true, false),
        ("records-one-core-explained", false, true),
    ] {
        let opts = BatchOptions { parallel, explain, ..Default::default() };
        g.bench_function(name, |b| b.iter(|| rb.score_batch(&records, &opts)));
    }
    let columns = kaoping_bench::load_cab_columns(&data());
    for (name, parallel) in [("columns-one-core", false), ("columns-all-cores", true)] {
        let opts = BatchOptions { parallel, ..Default::default() };
        g.bench_function(name, |b| b.iter(|| rb.score_columns(&columns, &opts)));
    }
    g.finish();
}

criterion_group!(benches, cab);
criterion_main!(benches);
