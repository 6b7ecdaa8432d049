//! Quick timing of kaoping on a CAB CSV: `cab-quick DATA.csv [reps] [records|columns|both] [serial]`
//! (`serial`: one thread only, e.g. for counting instructions under callgrind). Each run reports its
//! wall time and, for serial runs, the time this thread spent on a CPU (from
//! `/proc/thread-self/schedstat`), which other tenants' load disturbs far less than wall time.
use std::time::Instant;

use kaoping::BatchOptions;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rb = kaoping_bench::cab_rulebook();
    let path = std::path::Path::new(&args[1]);
    let reps: usize = args.get(2).map_or(3, |r| r.parse().unwrap());
    let which = args.get(3).map_or("both", String::as_str);
    let modes: &[bool] = if args.get(4).is_some_and(|m| m == "serial") { &[false] } else { &[false, true] };
    let report = |what: &str, parallel: bool, b: &kaoping::Batch, secs: f64, cpu: Option<f64>| {
        let cpu = match (parallel, cpu) {
            (false, Some(c)) => format!(" (on cpu {c:.3}s)"),
            _ => String::new(),
        };
        eprintln!(
            "{what} parallel={parallel}: {} rows ({} fast) ok={} in {secs:.3}s{cpu}: {:.2} M/s",
            b.len(),
            b.fast_rows(),
            b.summary().ok,
            b.len() as f64 / secs / 1e6
        );
    };
    if which != "columns" {
        let records = kaoping_bench::load_cab(&rb, path);
        for &parallel in modes {
            for _ in 0..reps {
                let (t, c) = (Instant::now(), on_cpu());
                let b = rb.score_batch(&records, &BatchOptions { parallel, ..Default::default() });
                report(
                    "records",
                    parallel,
                    &b,
                    t.elapsed().as_secs_f64(),
                    on_cpu().zip(c).map(|(a, b)| a - b),
                );
            }
        }
    }
    if which != "records" {
        let cols = kaoping_bench::load_cab_columns(path);
        for &parallel in modes {
            for _ in 0..reps {
                let (t, c) = (Instant::now(), on_cpu());
                let b = rb.score_columns(&cols, &BatchOptions { parallel, ..Default::default() }).unwrap();
                report(
                    "columns",
                    parallel,
                    &b,
                    t.elapsed().as_secs_f64(),
                    on_cpu().zip(c).map(|(a, b)| a - b),
                );
            }
        }
    }
}

/// Seconds this thread has spent on a CPU (Linux; `None` elsewhere).
fn on_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}
