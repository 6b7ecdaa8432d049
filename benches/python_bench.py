#!/usr/bin/env python3
"""CAB (the county assessment benchmark) scored by the Python module, against the Rust core and
the pandas-float and Python-Decimal baselines of shared/bench, on the same data in one run.

    .venv/bin/python benches/python_bench.py DATA.csv [--reps 5] [--out DIR] [--bench DIR]
                                             [--no-rust] [--no-baselines]

DATA.csv comes from `shared/bench/gen.py N SEED` (write it outside the repository). Build the module
first (`maturin develop --release` in python/, or ./scripts/test.sh). Timed phases, each the median
of --reps runs after a warm-up, in records per second:

  kaoping_py DataFrame     rb.score_many(df) on pd.read_csv's DataFrame (float64 decimal columns,
                           read by their shortest repr: exact for these 2-place values)
  kaoping_py Arrow         rb.score_many(table) on a pyarrow Table with decimal128 columns
  … + to_arrow             the same, then the compact result table out (totals, grades, points)
  kaoping_py dicts         rb.score_many(list of dicts of Decimal/int/bool/str), first 100,000 rows
  rust_core [typed|cells]  the core's score_batch on records already built in Rust, of typed values
                           or of CSV text cells (python/benches/core_cab)
  pandas_float             shared/bench/pandas_float.py (vectorised float64; not exact)
  python_decimal           shared/bench/python_decimal.py (a Decimal loop; exact)

each on one thread (parallel=False) and on every core, in interleaved rounds. The module's totals and grades
go to DIR/kaoping_py.* and shared/bench/check.py compares every implementation with the exact
answer. Not part of the test command.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]


def find_bench_dir(given: str | None) -> Path:
    for d in [given, os.environ.get("CAB_BENCH"), ROOT.parent / "shared" / "bench", "/work/shared/bench"]:
        if d and (Path(d) / "cab.toml").exists():
            return Path(d)
    sys.exit("python_bench.py: shared/bench not found (give --bench DIR)")


def timed(fn: Callable[[], Any], reps: int) -> tuple[Any, list[float]]:
    out = fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, times


RESULTS: list[dict[str, Any]] = []


def report(impl: str, mode: str, n: int, times: list[float], **extra: Any) -> None:
    med = statistics.median(times)
    rec = {"impl": impl, "mode": mode, "n": n, "median_s": round(med, 6), "records_per_s": round(n / med),
           "times_s": [round(t, 4) for t in times], **extra}
    RESULTS.append(rec)
    print(json.dumps(rec, ensure_ascii=False), flush=True)


def rust_core(bench: Path, data: str, reps: int) -> None:
    manifest = ROOT / "python" / "benches" / "core_cab" / "Cargo.toml"
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(manifest)], check=True)
    exe = manifest.parent / "target" / "release" / "kaoping-core-cab"
    out = subprocess.run([str(exe), str(bench / "cab.toml"), data, str(reps)], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        if rec["phase"] == "score":
            report("rust_core", rec["mode"], rec["n"], [rec["median_s"]], input=rec["values"], failed=rec["failed"])


def baseline(bench: Path, script: str, data: str, prefix: str, reps: int) -> None:
    out = subprocess.run(
        [sys.executable, str(bench / script), data, prefix, "--reps", str(reps)],
        capture_output=True, text=True, check=True, cwd=bench,
    )
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        if rec.get("phase") == "score":
            report(rec["impl"], "1 thread", rec["n"], rec["times_s"], exact=rec.get("exact"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", default="/tmp/kaoping-python-bench")
    ap.add_argument("--bench")
    ap.add_argument("--no-rust", action="store_true")
    ap.add_argument("--no-baselines", action="store_true")
    args = ap.parse_args()

    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    import kaoping

    bench = find_bench_dir(args.bench)
    sys.path.insert(0, str(bench))
    from cabio import GRADES, write_results  # noqa: E402

    os.makedirs(args.out, exist_ok=True)
    rb = kaoping.Rulebook.from_file(bench / "cab.toml")

    t0 = time.perf_counter()
    df = pd.read_csv(args.data)
    print(f"# pandas.read_csv: {time.perf_counter() - t0:.2f} s", flush=True)
    n = len(df)
    decimal_cols = ["income_growth", "funds_allocated", "funds_spent"]
    table = pacsv.read_csv(
        args.data, convert_options=pacsv.ConvertOptions(column_types={c: pa.decimal128(20, 2) for c in decimal_cols})
    )

    # Rounds of every configuration in turn, so that load from elsewhere on the machine falls on
    # all of them alike; the core's own run goes in the middle.
    configs = []
    for what, data in [("DataFrame", df), ("Arrow", table)]:
        for mode, parallel in [("1 thread", False), ("all cores", True)]:
            configs.append((what, mode, lambda d=data, p=parallel: rb.score_many(d, parallel=p)))
            configs.append((what + " + to_arrow", mode, lambda d=data, p=parallel: rb.score_many(d, parallel=p).to_arrow()))
    times: dict[int, list[float]] = {i: [] for i in range(len(configs))}
    for _, _, fn in configs:
        fn()  # warm-up
    for r in range(args.reps):
        if r == args.reps // 2 and not args.no_rust:
            rust_core(bench, args.data, 1)
        for i, (_, _, fn) in enumerate(configs):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    for i, (what, mode, _) in enumerate(configs):
        report("kaoping_py", mode, n, times[i], input=what)

    # Totals and grades for check.py (from the Arrow input, one thread).
    out = rb.score_many(table, parallel=False).to_arrow()
    def to_cents(totals: Any) -> Any:
        hundred = pa.scalar(Decimal(100), pa.decimal128(3, 0))
        return pc.cast(pc.multiply(pc.cast(totals, pa.decimal128(20, 2)), hundred), pa.int64())

    cents = to_cents(out.column("total"))
    grade_index = {g: i for i, g in enumerate(GRADES)}
    grades = np.array([grade_index[g] for g in out.column("grade").to_pylist()], dtype=np.uint8)
    write_results(os.path.join(args.out, "kaoping_py"), cents.to_numpy(), grades)
    cents_df = to_cents(rb.score_many(df).to_arrow().column("total"))
    assert cents_df.equals(cents), "the DataFrame (float) and Arrow (decimal128) inputs disagree"

    k = min(n, 100_000)
    records = df.head(k).astype(object).to_dict("records")
    for rec in records:
        for c in decimal_cols:
            rec[c] = Decimal(repr(rec[c]))
    _, times = timed(lambda: rb.score_many(records, parallel=False), args.reps)
    report("kaoping_py", "1 thread", k, times, input="list of dicts")

    if not args.no_baselines:
        baseline(bench, "pandas_float.py", args.data, os.path.join(args.out, "pandas_float"), args.reps)
        baseline(bench, "python_decimal.py", args.data, os.path.join(args.out, "python_decimal"), max(1, args.reps // 2))
        subprocess.run([sys.executable, str(bench / "check.py"), args.out], check=False)

    def rate(impl: str, mode: str = "1 thread", input: str | None = None) -> float | None:
        for r in RESULTS:
            if r["impl"] == impl and r["mode"] == mode and r.get("input") == input:
                return r["records_per_s"]
        return None

    print("\n# summary (records per second, median)")
    for r in RESULTS:
        label = r["impl"] + (f" [{r['input']}]" if r.get("input") else "")
        print(f"  {label:44s} {r['mode']:10s} {r['records_per_s']:>12,}")
    for values in ["typed", "cells"]:
        core = rate("rust_core", input=values)
        for inp in ["DataFrame", "Arrow", "DataFrame + to_arrow", "Arrow + to_arrow"]:
            py = rate("kaoping_py", input=inp)
            if core and py:
                print(f"  rust core [{values}] / kaoping_py [{inp}], 1 thread: {core / py:.2f}x")
    pf, pdx = rate("pandas_float"), rate("python_decimal")
    for inp in ["DataFrame", "Arrow"]:
        py = rate("kaoping_py", input=inp)
        if pf and py:
            print(f"  kaoping_py [{inp}] / pandas_float, 1 thread: {py / pf:.2f}x")
        if pdx and py:
            print(f"  kaoping_py [{inp}] / python_decimal, 1 thread: {py / pdx:.2f}x")
    with open(os.path.join(args.out, "python_bench.json"), "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
