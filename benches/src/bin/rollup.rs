//! The roll-up benchmark (spec §18): households scored by their rulebook and aggregated into their
//! villages, end to end in the core on one core — CSV text of both tables in, the household table
//! scored as one batch and grouped by village code ([`Rulebook::score_with_items`]), every village
//! scored from its households — exact.
//!
//! ```text
//! cargo run --release -p kaoping-bench --bin rollup -- [HOUSEHOLDS] [VILLAGES] [ROUNDS] [--write DIR]
//! ```
//! Defaults: 1,000,000 households in 5,000 villages, 5 rounds. `--write DIR` also writes the two
//! tables as `households.csv` and `villages.csv` (for `rollup_pandas.py`, which times pandas doing
//! the same aggregation in float64 over the same files).

use std::fmt::Write as _;
use std::time::Instant;

use kaoping::table::{self, ChildTable};
use kaoping::{BatchOptions, Loader, Rulebook};
use kaoping_bench::median;

/// A small deterministic generator (xorshift), so every run scores the same tables.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The two tables as CSV text: villages (code, population) and households (id, village code,
/// members, income with two decimals, housing).
fn tables(households: usize, villages: usize) -> (String, String) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut v = String::from("村代码,户籍人口\n");
    for i in 0..villages {
        let _ = writeln!(v, "{},{}", 510_000 + i, 300 + rng.below(2700));
    }
    let mut h = String::from("户编号,村代码,家庭人口,家庭年纯收入,住房安全\n");
    for i in 0..households {
        let village = 510_000 + rng.below(villages as u64);
        let members = 1 + rng.below(6);
        let income = rng.below(5_000_000) as f64 / 100.0 * members as f64 / 2.0;
        let housing = if rng.below(20) == 0 { "否" } else { "是" };
        let _ = writeln!(h, "{},{village},{members},{income:.2},{housing}", 5_100_000_000u64 + i as u64);
    }
    (v, h)
}

fn rulebooks() -> Rulebook {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rollup");
    let household = Rulebook::from_file(dir.join("household.toml")).expect("household.toml loads");
    Loader::new().with(household).load_file(dir.join("village.toml")).expect("village.toml loads")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write_dir = args.iter().position(|a| a == "--write").and_then(|i| args.get(i + 1)).cloned();
    let nums: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let (households, villages, rounds) = (
        nums.first().copied().unwrap_or(1_000_000),
        nums.get(1).copied().unwrap_or(5_000),
        nums.get(2).copied().unwrap_or(5),
    );
    let rb = rulebooks();
    let (v_csv, h_csv) = tables(households, villages);
    if let Some(dir) = &write_dir {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(format!("{dir}/villages.csv"), &v_csv).unwrap();
        std::fs::write(format!("{dir}/households.csv"), &h_csv).unwrap();
    }
    let opts = BatchOptions { parallel: false, ..BatchOptions::default() };
    let mut phases: [Vec<f64>; 2] = Default::default();
    let mut totals = Vec::new();
    let mut exits = 0;
    for _ in 0..rounds {
        let t0 = Instant::now();
        let mut parent = table::read_csv(&rb, v_csv.as_bytes(), None).unwrap();
        let child = ChildTable::from_csv("households", h_csv.as_bytes(), None).unwrap();
        let t1 = Instant::now();
        let batch = rb.score_with_items(&mut parent.records, vec![child], &opts).unwrap();
        let t2 = Instant::now();
        assert_eq!(batch.summary().failed, 0, "every village scores");
        assert!(batch.summary().unmatched.is_empty());
        exits = batch.summary().passed.unwrap_or(0);
        phases[0].push((t1 - t0).as_secs_f64());
        phases[1].push((t2 - t1).as_secs_f64());
        totals.push((t2 - t0).as_secs_f64());
    }
    let total = median(totals);
    println!("roll-up: {households} households in {villages} villages, one core, median of {rounds} rounds");
    for (name, times) in
        ["read both CSV tables", "join and score (child batch, groups, villages)"].iter().zip(phases)
    {
        println!("  {name:<48} {:>8.3} s", median(times));
    }
    println!("  {:<48} {total:>8.3} s  = {:.0} household rows/s", "end to end", households as f64 / total);
    println!("  villages meeting the exit criterion: {exits}");
}
