//! Criterion benchmarks on CAB (`shared/bench/cab.toml`): records per second scoring typed
//! records, one thread and all cores, with and without explanations.
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
    for (name, parallel, explain) in
        [("one-core", false, false), ("all-cores", true, false), ("one-core-explained", false, true)]
    {
        let opts = BatchOptions { parallel, explain, ..Default::default() };
        g.bench_function(name, |b| b.iter(|| rb.score_batch(&records, &opts)));
    }
    g.finish();
}

criterion_group!(benches, cab);
criterion_main!(benches);
