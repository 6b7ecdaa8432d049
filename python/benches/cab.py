#!/usr/bin/env python3
"""CAB (the county assessment benchmark) through the Python module's typed columnar path, on one
core, against the Rust core's `score_columns` on the same values and the pandas float64 baseline.

    RAYON_NUM_THREADS=1 .venv/bin/python python/benches/cab.py DATA.csv [--parquet DATA.parquet]
        [--reps 5] [--bench DIR] [--out DIR] [--no-rust] [--no-baseline]

DATA.csv (and its Parquet copy) come from `shared/bench/gen.py 1000000 42 --parquet DATA.parquet >
DATA.csv` (outside the repository). Build the module first (`maturin develop --release` in
python/). Not part of the test command. Timed, each the median of --reps rounds after a warm-up, the
configurations interleaved round by round so that load from elsewhere falls on all alike:

  DataFrame in              rb.score_many(df) on pd.read_csv's DataFrame (float64 decimals, object
                            text): the table handed to the core as typed columns and scored
  DataFrame in → out        the same, then .to_pandas() (decimal columns exact, grade categorical)
  Arrow in                  rb.score_many(table) on the Parquet copy read by pyarrow (decimal128
                            money, int32, bool, dictionary region)
  Arrow in → out            the same, then .to_arrow()
  … → out, lean             the compact table without the 19 indicators' points columns and
                            without ranks (points=False, ranks=False)
  rust_core score_columns   python/benches/core_cab: the core alone on the same typed columns
                            (decimal128 → fixed-point, float64 → floats), one thread
  pandas_float              shared/bench/pandas_float.py: vectorised float64 (not exact)

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


def rust_core(bench: Path, data: str, reps: int) -> None:
    manifest = ROOT / "python" / "benches" / "core_cab" / "Cargo.toml"
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(manifest)], check=True)
    exe = manifest.parent / "target" / "release" / "kaoping-core-cab"
    out = subprocess.run([str(exe), str(bench / "cab.toml"), data, str(reps)], capture_output=True, text=True,
                         check=True)
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        if rec["phase"] == "score_columns" and rec["mode"] == "1 thread":
            report("rust_core", f"score_columns {rec['values']}", rec["n"], [rec["median_s"]],
                   fast_rows=rec["fast_rows"])


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

    configs: list[tuple[str, Callable[[], Any]]] = [
        ("DataFrame in", lambda: rb.score_many(df, parallel=False)),
        ("DataFrame in → out", lambda: rb.score_many(df, parallel=False).to_pandas()),
        ("Arrow in", lambda: rb.score_many(table, parallel=False)),
        ("Arrow in → out", lambda: rb.score_many(table, parallel=False).to_arrow()),
        ("DataFrame in → out, lean", lambda: rb.score_many(df, parallel=False).to_pandas(points=False, ranks=False)),
        ("Arrow in → out, lean", lambda: rb.score_many(table, parallel=False).to_arrow(points=False, ranks=False)),
    ]
    # The two inputs agree (floats read by their shortest repr are the cents exactly).
    a, b = rb.score_many(df, parallel=False), rb.score_many(table, parallel=False)
    assert a._path == b._path == "typed columns", (a._path, b._path)
    assert a.to_arrow().equals(b.to_arrow()), "the DataFrame and Arrow inputs disagree"
    assert a.summary["failed"] == 0
    del a, b
    times: list[list[float]] = [[] for _ in configs]
    for _, fn in configs:
        fn()  # warm-up
    for r in range(args.reps):
        if r == args.reps // 2 and not args.no_rust:
            rust_core(bench, args.data, 3)
        for i, (_, fn) in enumerate(configs):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    for (what, _), ts in zip(configs, times):
        report("kaoping_py", what, n, ts)
    if not args.no_baseline:
        pandas_float(bench, args.data, args.out, args.reps)

    def med(impl: str, what: str) -> float | None:
        return next((r["median_s"] for r in RESULTS if r["impl"] == impl and r["what"] == what), None)

    print("\n# summary: 1 core, median seconds for", n, "rows (records per second)")
    for r in RESULTS:
        print(f"  {r['impl']:13s} {r['what']:34s} {r['median_s']:8.3f} s {r['records_per_s']:>12,}/s")
    pairs = [(f"{inp}{out}", f"score_columns {values}")
             for inp, values in [("Arrow in", "decimal128"), ("DataFrame in", "float64")]
             for out in ["", " → out", " → out, lean"]]
    for py, core in pairs:
        p, c = med("kaoping_py", py), med("rust_core", core)
        if p and c:
            print(f"  kaoping_py [{py}] / rust_core [{core}]: {p / c:.2f}x the time")
    pf = med("pandas_float", "score (not exact)")
    for py in ["DataFrame in → out", "Arrow in → out"]:
        p = med("kaoping_py", py)
        if p and pf:
            print(f"  kaoping_py [{py}] / pandas_float: {p / pf:.2f}x the time")
    with open(os.path.join(args.out, "cab.json"), "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
