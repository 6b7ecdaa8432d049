//! Quick timing of kaoping on a CAB CSV:
//! `cab-quick DATA.csv [reps] [records|columns|both] [serial|pairs|twins|apart|spin|chains|cached|stream]`
//! (`serial`: one thread only, e.g. for counting instructions under callgrind; `pairs`: columns
//! on one core then on all cores, `reps` times, each pair's speed-up printed, since these machines
//! drift too much between minutes for ratios of separate runs; `twins`, `apart`: see [`twins`],
//! [`apart`]; `spin`, `chains`, `cached`, `stream`: `twins` on the controls [`spin`],
//! [`chains`], [`cached`], [`stream`] in place of a scoring). Each run reports its wall time and, for serial runs, the
//! time this thread spent on a CPU (from `/proc/thread-self/schedstat`), which other tenants' load
//! disturbs far less than wall time. On all cores it reports the time every thread spent on a CPU
//! and how many cores that kept busy. `CAB_QUICK_START` delays the scoring to a given instant (see
//! `wait_for_start`).
use std::time::Instant;

use kaoping::BatchOptions;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rb = kaoping_bench::cab_rulebook();
    let path = std::path::Path::new(&args[1]);
    let reps: usize = args.get(2).map_or(3, |r| r.parse().unwrap());
    let which = args.get(3).map_or("both", String::as_str);
    let modes: &[bool] = if args.get(4).is_some_and(|m| m == "serial") { &[false] } else { &[false, true] };
    if let Some(mode) = args.get(4).filter(|m| *m == "twins" || *m == "apart") {
        let cols = kaoping_bench::load_cab_columns(path);
        let score = || drop(rb.score_columns(&cols, &opts(false)).unwrap());
        match mode.as_str() {
            "twins" => twins(reps, score),
            _ => apart(reps, score),
        }
        return;
    }
    let controls: [(&str, fn()); 4] =
        [("spin", spin), ("chains", chains), ("cached", cached), ("stream", stream)];
    if let Some(&(_, control)) = controls.iter().find(|(name, _)| args.get(4).is_some_and(|m| m == name)) {
        twins(reps, control);
        return;
    }
    if args.get(4).is_some_and(|m| m == "pairs") {
        let cols = kaoping_bench::load_cab_columns(path);
        let mut ratios = Vec::new();
        for _ in 0..reps {
            let one = timed("columns", false, || rb.score_columns(&cols, &opts(false)).unwrap());
            let all = timed("columns", true, || rb.score_columns(&cols, &opts(true)).unwrap());
            ratios.push(one / all);
        }
        report_ratios("all cores / one core", ratios);
        return;
    }
    if which != "columns" {
        let records = kaoping_bench::load_cab(&rb, path);
        for &parallel in modes {
            for _ in 0..reps {
                timed("records", parallel, || rb.score_batch(&records, &opts(parallel)));
            }
        }
    }
    if which != "records" {
        let cols = kaoping_bench::load_cab_columns(path);
        wait_for_start();
        for &parallel in modes {
            for _ in 0..reps {
                timed("columns", parallel, || rb.score_columns(&cols, &opts(parallel)).unwrap());
            }
        }
    }
}

/// With `CAB_QUICK_START` set (seconds since the Unix epoch), wait until then once the data is
/// loaded: two processes started together then score at the same time, whichever loaded first
/// (`benches/ceiling.sh`).
fn wait_for_start() {
    let Some(start) = std::env::var("CAB_QUICK_START").ok().and_then(|s| s.parse::<f64>().ok()) else {
        return;
    };
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    if start > now {
        std::thread::sleep(std::time::Duration::from_secs_f64(start - now));
    } else {
        eprintln!("loaded {:.1} s after CAB_QUICK_START: the scorings may not overlap", now - start);
    }
}

/// `twins`: what two threads of one process get when each scores everything on its own core, in
/// lockstep: `score` on one thread alone, then on two at once, `reps` times; prints the median of
/// 2 × alone / (the slower of the two). Against `pairs` (kaoping's own split of one batch) it
/// separates what sharing a process costs from what the split costs.
fn twins(reps: usize, score: impl Fn() + Sync) {
    let turn = std::sync::Barrier::new(2);
    let ratios = std::thread::scope(|s| {
        let other = s.spawn(|| {
            (0..reps)
                .map(|_| {
                    turn.wait(); // the first thread scores alone
                    turn.wait();
                    seconds(&score)
                })
                .collect::<Vec<f64>>()
        });
        let mut ones = Vec::new();
        for _ in 0..reps {
            let alone = seconds(&score);
            turn.wait();
            turn.wait();
            ones.push((alone, seconds(&score)));
        }
        let theirs = other.join().expect("the other thread scores");
        ones.iter()
            .zip(theirs)
            .map(|(&(alone, mine), their)| 2.0 * alone / mine.max(their))
            .collect::<Vec<f64>>()
    });
    report_ratios("two threads / one", ratios);
}

/// `apart`: `twins` without the lockstep, as two processes would run. Three times: `score` `reps`
/// times on one thread alone, then `reps` times on each of two threads at once, each thread at
/// its own pace; prints alone × (1/together₁ + 1/together₂) from the medians, and the median of
/// the three. Against `twins` it shows what running the same phase at the same instant costs.
fn apart(reps: usize, score: impl Fn() + Sync) {
    let median_time = || kaoping_bench::median((0..reps).map(|_| seconds(&score)).collect());
    let ratios = (0..3)
        .map(|_| {
            let alone = median_time();
            let (one, other) = std::thread::scope(|s| {
                let other = s.spawn(median_time);
                (median_time(), other.join().expect("the other thread scores"))
            });
            eprintln!("apart: alone {alone:.3}s, together {one:.3}s and {other:.3}s");
            alone * (1.0 / one + 1.0 / other)
        })
        .collect();
    report_ratios("two threads apart / one", ratios);
}

/// A control for `twins`: one chain of dependent arithmetic in registers, about as long as one
/// scoring. Each step waits for the last, so the core's units stay mostly idle: two threads of it
/// share nothing, not even a cache line, and lose nothing when their vCPUs share a physical core.
fn spin() {
    let mut x = std::hint::black_box(1u64);
    // Non-linear, so that no compiler shortens the chain.
    for i in 0..60_000_000u64 {
        x = step(x, i);
    }
    std::hint::black_box(x);
}

/// A control for `twins`: four independent chains of [`spin`]'s arithmetic, which keep a core's
/// units busy as a scoring does. Still no memory: where this loses against [`spin`], the two
/// vCPUs (or one of them and another tenant) were sharing a physical core's units.
fn chains() {
    let mut x = std::hint::black_box([1u64, 2, 3, 4]);
    for i in 0..25_000_000u64 {
        x = x.map(|x| step(x, i));
    }
    std::hint::black_box(x);
}

/// A control for `twins`: each thread rewrites its own 256 KiB over and over, in a loop that
/// vectorises (within a core's L2, as a chunk's temporaries are). It shares nothing and allocates
/// nothing; where it loses against [`chains`], the two vCPUs' vector units were busy with each
/// other or another tenant: a dependent chain of the same arithmetic through the same 256 KiB
/// gets 1.98× in the same minutes, this loop 1.37–2.00×. (Each thread fills its buffer in its
/// first call.)
fn cached() {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u64>> = std::cell::RefCell::new((0..32_768u64).collect());
    }
    BUFFER.with_borrow_mut(|b| {
        for pass in 0..6_000u64 {
            for v in std::hint::black_box(&mut *b).iter_mut() {
                *v = (*v ^ pass).wrapping_mul(6_364_136_223_846_793_005) >> 7;
            }
        }
    });
}

/// One step of the controls' arithmetic: a multiply between two shifts and adds.
#[inline(always)]
fn step(x: u64, i: u64) -> u64 {
    (x ^ (x >> 29)).wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i)
}

/// A control for `twins`: each thread reads its own 64 MiB (far beyond the caches) a few times,
/// about as long as one scoring. Against [`spin`] it shows what streaming from memory costs when
/// both vCPUs do it; kaoping reads its input columns so. (Each thread fills its 64 MiB in its
/// first call, which the median of the reps leaves out.)
fn stream() {
    thread_local! {
        static MEMORY: Vec<u64> = (0..8u64 << 20).collect();
    }
    MEMORY.with(|m| {
        let mut s = 0u64;
        for _ in 0..16 {
            for &v in std::hint::black_box(m) {
                s = s.wrapping_add(v ^ (s >> 3));
            }
        }
        std::hint::black_box(s);
    });
}

/// Seconds `f` takes to run once.
fn seconds(f: impl Fn()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Print speed-ups' median and every one of them, sorted (`ceiling.sh` reads the median).
fn report_ratios(what: &str, mut ratios: Vec<f64>) {
    ratios.sort_by(f64::total_cmp);
    let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    eprintln!("{what}: median {:.2} ({})", kaoping_bench::median(ratios), shown.join(" "));
}

fn opts(parallel: bool) -> BatchOptions {
    BatchOptions { parallel, ..Default::default() }
}

/// Score once with `score`, report the rows, wall time, time on a CPU (serial runs) and speed,
/// and return the wall time in seconds.
fn timed(what: &str, parallel: bool, score: impl FnOnce() -> kaoping::Batch) -> f64 {
    let (t, c, f) = (Instant::now(), on_cpu(parallel), faults());
    let b = score();
    let secs = t.elapsed().as_secs_f64();
    let faults =
        faults().zip(f).map_or(String::new(), |(after, before)| format!(" {} page faults,", after - before));
    // On all cores, time on a CPU over wall time says how busy the threads kept the cores
    // (2.0 on two cores: no thread waited for another).
    let cpu = match on_cpu(parallel).zip(c) {
        Some((after, before)) if parallel => {
            format!(" (on cpu {:.3}s, {:.2} cores busy)", after - before, (after - before) / secs)
        }
        Some((after, before)) => format!(" (on cpu {:.3}s)", after - before),
        None => String::new(),
    };
    eprintln!(
        "{what} parallel={parallel}: {} rows ({} fast) ok={} in {secs:.3}s{cpu},{faults} {:.2} M/s",
        b.len(),
        b.fast_rows(),
        b.summary().ok,
        b.len() as f64 / secs / 1e6
    );
    secs
}

/// Seconds this thread (`all`: every thread of the process) has spent on a CPU (Linux; `None`
/// elsewhere).
fn on_cpu(all: bool) -> Option<f64> {
    let seconds = |path: &std::path::Path| -> Option<f64> {
        let s = std::fs::read_to_string(path).ok()?;
        Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
    };
    if !all {
        return seconds("/proc/thread-self/schedstat".as_ref());
    }
    std::fs::read_dir("/proc/self/task").ok()?.map(|t| seconds(&t.ok()?.path().join("schedstat"))).sum()
}

/// Minor page faults of this process so far (Linux; `None` elsewhere): a fresh page touched
/// costs a fault, so this counts memory the allocator got from the kernel (again).
fn faults() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): minflt is
    // the 10th field of the line, the 8th after ")".
    s.rsplit_once(')')?.1.split_whitespace().nth(7)?.parse().ok()
}
