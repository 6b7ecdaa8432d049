//! Criterion benchmarks of variants and the design tools, each beside the thing it should be
//! compared with, so that the figures read as ratios of one run:
//! - a variant (`with_params`: edit the tree, write its text, read it back, compile) against
//!   loading the same rulebook from its text;
//! - AHP by eigenvector (power iteration) against the geometric mean, on 9×9 and 15×15 matrices;
//! - entropy and TOPSIS on a 10,000-unit × 20-indicator cohort, beside the cohort's fingerprint
//!   (which each of them computes for its provenance).
//!
//! Run: `cargo bench -p kaoping-bench --bench design`.

use criterion::{Criterion, criterion_group, criterion_main};
use kaoping::design::{AhpOptions, CohortTable, Direction, PairwiseMatrix, Weighting, ahp, entropy, topsis};
use kaoping::{Format, Rulebook};

/// A pairwise matrix of order n from consistent weights 1..n, perturbed by a fixed pattern so the
/// iteration has work to do; cells rounded to the nearest Saaty value and mirrored exactly.
fn matrix(n: usize) -> PairwiseMatrix {
    let scale = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
    let cell = |i: usize, j: usize| {
        let ratio = (n - i) as f64 / (n - j) as f64 * if (i + j).is_multiple_of(3) { 1.5 } else { 1.0 };
        let v = scale.iter().copied().min_by(|a, b| (a - ratio).abs().total_cmp(&(b - ratio).abs())).unwrap();
        match j.cmp(&i) {
            std::cmp::Ordering::Equal => Some("1".to_owned()),
            std::cmp::Ordering::Greater => Some(format!("{v}")),
            std::cmp::Ordering::Less => None,
        }
    };
    let rows: Vec<Vec<Option<String>>> = (0..n).map(|i| (0..n).map(|j| cell(i, j)).collect()).collect();
    PairwiseMatrix::from_text((0..n).map(|i| format!("c{i}")).collect(), &rows).unwrap()
}

fn cohort(m: usize, n: usize) -> CohortTable {
    let mut x: u64 = 42;
    let mut next = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64 * 100.0
    };
    let rows = (0..m).map(|_| (0..n).map(|_| next()).collect()).collect();
    CohortTable::new((0..n).map(|j| format!("i{j}")).collect(), Vec::new(), rows).unwrap()
}

fn design(c: &mut Criterion) {
    let base = Rulebook::builtin("sc.poverty.county-assessment").unwrap();
    let text = base.text().unwrap().to_owned();
    let mut g = c.benchmark_group("variant");
    g.bench_function("load-from-text", |b| b.iter(|| Rulebook::from_str(&text, Format::Toml).unwrap()));
    g.bench_function("with-one-param", |b| b.iter(|| base.with_params(&[("income_target", "8.5")]).unwrap()));
    g.finish();

    let mut g = c.benchmark_group("ahp");
    for n in [9, 15] {
        let m = matrix(n);
        for weighting in [Weighting::Eigenvector, Weighting::GeometricMean] {
            let opts = AhpOptions { weighting, accept_inconsistent: true, ..AhpOptions::default() };
            g.bench_function(format!("{n}x{n}-{weighting}"), |b| b.iter(|| ahp(&m, &opts).unwrap()));
        }
    }
    g.finish();

    let t = cohort(10_000, 20);
    let mut g = c.benchmark_group("cohort-10000x20");
    g.sample_size(20);
    g.bench_function("fingerprint", |b| b.iter(|| t.fingerprint()));
    g.bench_function("entropy", |b| b.iter(|| entropy(&t, &[Direction::Benefit; 20]).unwrap()));
    g.bench_function("topsis", |b| b.iter(|| topsis(&t, &[1.0; 20], &[]).unwrap()));
    g.finish();
}

criterion_group!(benches, design);
criterion_main!(benches);
