#!/usr/bin/env python3
"""CAB (the county assessment benchmark) through the Python module's typed columnar path, on one
core, against the Rust core's `score_columns` on the same values and the pandas float64 baseline.

    RAYON_NUM_THREADS=1 .venv/bin/python python/benches/cab.py DATA.csv [--parquet DATA.parquet]
        [--reps 5] [--bench DIR] [--out DIR] [--no-rust] [--no-baseline]

DATA.csv (and its Parquet copy) come from `shared/bench/gen.py 1000000 42 --parquet DATA.parquet >
DATA.csv` (outside the repository). Build the module first (`maturin develop --release` in
python/). Not part of the test command. Timed, each once per round after a warm-up, the
configurations interleaved round by round so that load from elsewhere falls on all alike:

  DataFrame in              rb.score_many(df) on pd.read_csv's DataFrame (float64 decimals, object
                            text): the table handed to the core as typed columns and scored
  … → DataFrame out         the same, then .to_pandas() (decimal columns exact, grade categorical)
  … → DataFrame out, lean   the same without the 19 indicators' points columns and without ranks
                            (.to_pandas(points=False, ranks=False))
  Arrow in                  rb.score_many(table) on the Parquet copy read by pyarrow (decimal128
                            money, int32, bool, dictionary region), and the same three outputs
  Arrow in → Arrow out      the same, then .to_arrow()
  rust_core score_columns   python/benches/core_cab (--serve): the core alone on the same typed
                            columns (decimal128 → fixed-point, float64 → floats), one thread, run
                            right before each Python configuration in each round
  pandas_float              shared/bench/pandas_float.py: vectorised float64 (not exact)

The ratio of a Python configuration to the core is the median over rounds of its time over the
core's run right before it (this machine's speed drifts within seconds, so ratios of separate
medians mean little), in wall time and in CPU time (the process's, which time spent descheduled
by a busy host does not inflate; the Python process's includes any other thread it runs).
Everything runs with parallel=False and RAYON_NUM_THREADS=1 (set here when not set). Prints JSON
lines, then a summary with the ratios to the core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # before the module starts its thread pool

ROOT = Path(__file__).resolve().parents[2]
RESULTS: list[dict[str, Any]] = []


def find_bench_dir(given: str | None) -> Path:
    for d in [given, os.environ.get("CAB_BENCH"), "/work/shared/bench", ROOT.parent / "shared" / "bench"]:
        if d and (Path(d) / "cab.toml").exists():
            return Path(d)
    sys.exit("cab.py: shared/bench not found (give --bench DIR)")


def report(impl: str, what: str, n: int, times: list[float], **extra: Any) -> None:
    med = statistics.median(times)
    rec = {"impl": impl, "what": what, "n": n, "median_s": round(med, 4), "records_per_s": round(n / med),
           "times_s": [round(t, 4) for t in times], **extra}
    RESULTS.append(rec)
    print(json.dumps(rec, ensure_ascii=False), flush=True)


class RustCore:
    """python/benches/core_cab in --serve mode: the data read once, then one timed run of the core
    per set of columns each time it is asked."""

    def __init__(self, bench: Path, data: str) -> None:
        manifest = ROOT / "python" / "benches" / "core_cab" / "Cargo.toml"
        subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(manifest)], check=True)
        exe = manifest.parent / "target" / "release" / "kaoping-core-cab"
        # The module's allocator settings (mimalloc keeping freed memory 10 s), so that the core is
        # measured as the module runs it.
        env = {**os.environ, "MIMALLOC_PURGE_DELAY": os.environ.get("MIMALLOC_PURGE_DELAY", "10000")}
        self.proc = subprocess.Popen([str(exe), str(bench / "cab.toml"), data, "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"

    def run(self, values: str) -> tuple[float, float]:
        """One run of the core on one set of columns ("decimal128" or "float64"): its seconds, wall
        and CPU."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(values + "\n")
        self.proc.stdin.flush()
        wall = cpu = None
        while (line := self.proc.stdout.readline().strip()) != "done":
            if not line:
                raise RuntimeError("core_cab stopped")
            rec = json.loads(line)
            wall, cpu = rec.get("median_s", wall), rec.get("cpu_s", cpu)
        assert wall is not None and cpu is not None
        return wall, cpu

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def pandas_float(bench: Path, data: str, out: str, reps: int) -> None:
    res = subprocess.run([sys.executable, str(bench / "pandas_float.py"), data, os.path.join(out, "pandas_float"),
                          "--reps", str(reps)], capture_output=True, text=True, check=True, cwd=bench)
    for line in res.stdout.splitlines():
        rec = json.loads(line)
        if rec.get("phase") == "score":
            report("pandas_float", "score (not exact)", rec["n"], rec["times_s"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("--parquet", help="the Parquet copy from gen.py (default: DATA with .parquet)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--bench")
    ap.add_argument("--out", default="/tmp/kaoping-python-cab")
    ap.add_argument("--no-rust", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()

    import pandas as pd
    import pyarrow.parquet as pq

    import kaoping

    bench = find_bench_dir(args.bench)
    os.makedirs(args.out, exist_ok=True)
    rb = kaoping.Rulebook.from_file(bench / "cab.toml")
    parquet = args.parquet or str(Path(args.data).with_suffix(".parquet"))
    t0 = time.perf_counter()
    df = pd.read_csv(args.data)
    print(f"# pd.read_csv {time.perf_counter() - t0:.2f} s", flush=True)
    t0 = time.perf_counter()
    table = pq.read_table(parquet)
    print(f"# pq.read_table {time.perf_counter() - t0:.2f} s", flush=True)
    n = len(df)
    assert table.num_rows == n

    configs: list[tuple[str, Callable[[], Any]]] = []
    for inp, data in [("DataFrame in", df), ("Arrow in", table)]:
        configs += [
            (inp, lambda d=data: rb.score_many(d, parallel=False)),
            (f"{inp} → DataFrame out", lambda d=data: rb.score_many(d, parallel=False).to_pandas()),
            (f"{inp} → DataFrame out, lean",
             lambda d=data: rb.score_many(d, parallel=False).to_pandas(points=False, ranks=False)),
        ]
    configs.append(("Arrow in → Arrow out", lambda: rb.score_many(table, parallel=False).to_arrow()))
    # The two inputs agree (floats read by their shortest repr are the cents exactly).
    a, b = rb.score_many(df, parallel=False), rb.score_many(table, parallel=False)
    assert a._path == b._path == "typed columns", (a._path, b._path)
    assert a.to_arrow().equals(b.to_arrow()), "the DataFrame and Arrow inputs disagree"
    assert a.summary["failed"] == 0
    del a, b
    core = None if args.no_rust else RustCore(bench, args.data)
    times: list[list[float]] = [[] for _ in configs]
    cpu_times: list[list[float]] = [[] for _ in configs]
    # The core's times on the same columns, taken right before each configuration's.
    core_times: list[list[float]] = [[] for _ in configs]
    core_cpu: list[list[float]] = [[] for _ in configs]
    values_of = ["float64" if what.startswith("DataFrame") else "decimal128" for what, _ in configs]
    for _, fn in configs:
        fn()  # warm-up
    if core:
        core.run("decimal128"), core.run("float64")
    for _ in range(args.reps):
        for i, (_, fn) in enumerate(configs):
            if core:
                wall, cpu = core.run(values_of[i])
                core_times[i].append(wall)
                core_cpu[i].append(cpu)
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times[i].append(time.perf_counter() - t0)
            cpu_times[i].append(time.process_time() - c0)
    if core:
        core.close()
        for values in ["decimal128", "float64"]:
            ts = [t for v, c in zip(values_of, core_times) if v == values for t in c]
            cs = [t for v, c in zip(values_of, core_cpu) if v == values for t in c]
            report("rust_core", f"score_columns {values}", n, ts, cpu_s=round(statistics.median(cs), 4))
    for (what, _), ts, cs in zip(configs, times, cpu_times):
        report("kaoping_py", what, n, ts, cpu_s=round(statistics.median(cs), 4))
    if not args.no_baseline:
        pandas_float(bench, args.data, args.out, args.reps)

    def med(impl: str, what: str) -> float | None:
        return next((r["median_s"] for r in RESULTS if r["impl"] == impl and r["what"] == what), None)

    print("\n# summary: 1 core, median seconds for", n, "rows (records per second)")
    for r in RESULTS:
        print(f"  {r['impl']:13s} {r['what']:34s} {r['median_s']:8.3f} s {r['records_per_s']:>12,}/s")
    if core:
        print("# each configuration over the core on the same columns run right before it, wall and CPU time "
              "(median over rounds; rounds):")
        for i, (what, _) in enumerate(configs):
            wall = [p / c for p, c in zip(times[i], core_times[i])]
            cpu = [p / c for p, c in zip(cpu_times[i], core_cpu[i])]
            shown = ", ".join(f"{r:.2f}" for r in wall)
            print(f"  kaoping_py [{what}] / rust_core [{values_of[i]}]: {statistics.median(wall):.2f}x wall "
                  f"({shown}); {statistics.median(cpu):.2f}x CPU")
            RESULTS.append({"impl": "ratio", "what": what, "core": values_of[i], "wall": statistics.median(wall),
                            "cpu": statistics.median(cpu), "wall_rounds": wall, "cpu_rounds": cpu})
    pf = med("pandas_float", "score (not exact)")
    for py in ["DataFrame in → DataFrame out", "Arrow in → DataFrame out"]:
        p = med("kaoping_py", py)
        if p and pf:
            print(f"  kaoping_py [{py}] / pandas_float: {p / pf:.2f}x the time")
    with open(os.path.join(args.out, "cab.json"), "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
