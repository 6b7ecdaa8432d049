#!/usr/bin/env python3
"""The analyst's path (issue 29): `rb.score_many(pd.read_csv(...))` on CAB against pandas float64
scoring of the same DataFrame, in one process, in alternating rounds; the hand-off's steps timed on
their own; and the spread over fresh processes.

    RAYON_NUM_THREADS=1 .venv/bin/python python/benches/pandas_path.py DATA.csv [--rows N]
        [--reps 7] [--out DIR] [--bench DIR]
    .venv/bin/python python/benches/pandas_path.py DATA.csv --rows N --fresh 10 --threads 1
        (ten fresh processes, one round each; --threads 2 for two)

DATA.csv from `shared/bench/gen.py 1000000 42` (outside the repository); `--rows N` reads its first
N rows. Build the module first (`maturin develop --release` in python/). Not part of the test
command.

Timed in each round, one after another on the same DataFrame (so that load from elsewhere falls
on all alike), each the median of the rounds:

  pandas float64          shared/bench/pandas_float.py's `score(df)` (not exact)
  kaoping DataFrame in    rb.score_many(df): the columns handed over (float64 read in place and
                          converted a column at a time, region dictionary-encoded once) and scored
  Table.from_pandas       pa.Table.from_pandas(df) alone (the part of the hand-off pyarrow does)
  kaoping Arrow in        rb.score_many(table) on that table (float64 columns)
  kaoping decimal128 in   the same with the three float columns cast to decimal128(18, 2) first
                          (what exact decimals cost without any float conversion)

kaoping's totals and grades (and pandas') are written to DIR and checked against the exact answer
with shared/bench/check.py, which needs DIR/python_decimal.* (or a reference) for the same rows:
give `--exact PREFIX` (PREFIX.totals / PREFIX.grades of the whole file; the first N are taken).
`parallel` follows RAYON_NUM_THREADS: one thread → parallel=False.
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

ROOT = Path(__file__).resolve().parents[2]
GRADES = ["好", "较好", "一般", "较差"]


def bench_dir(given: str | None) -> Path:
    for d in [given, os.environ.get("CAB_BENCH"), "/work/shared/bench", ROOT.parent / "shared" / "bench"]:
        if d and (Path(d) / "cab.toml").exists():
            return Path(d)
    sys.exit("pandas_path.py: shared/bench not found (give --bench DIR)")


def write_answers(prefix: str, batch: Any) -> None:
    """PREFIX.totals (int64 cents) and PREFIX.grades (uint8) as check.py reads them."""
    import numpy as np
    import pyarrow.compute as pc

    t = batch.to_arrow(points=False, ranks=False)
    total = t.column("total")
    assert total.type.scale == 2, total.type  # the rulebook rounds totals to 2 places
    # The decimal's digits without its point: the cents, exactly.
    cents = [int(x.replace(".", "")) for x in pc.cast(total, "string").to_pylist()]
    grade = t.column("grade").to_pylist()
    np.asarray(cents, dtype=np.int64).tofile(prefix + ".totals")
    np.asarray([GRADES.index(g) for g in grade], dtype=np.uint8).tofile(prefix + ".grades")


def one_process(args: argparse.Namespace) -> dict[str, float]:
    """One round in a fresh process (after one warm-up of each): rows/s of pandas and kaoping."""
    import pandas as pd

    import kaoping

    bench = bench_dir(args.bench)
    sys.path.insert(0, str(bench))
    import pandas_float  # type: ignore[import-not-found]

    rb = kaoping.Rulebook.from_file(bench / "cab.toml")
    df = pd.read_csv(args.data, nrows=args.rows)
    parallel = os.environ.get("RAYON_NUM_THREADS") != "1"
    n = len(df)
    out = {}
    for name, fn in [("pandas", lambda: pandas_float.score(df)),
                     ("kaoping", lambda: rb.score_many(df, parallel=parallel))]:
        fn()
        t0 = time.perf_counter()
        fn()
        out[name] = n / (time.perf_counter() - t0)
    return out


def fresh(args: argparse.Namespace) -> int:
    env = {**os.environ, "RAYON_NUM_THREADS": str(args.threads)}
    runs = []
    for _ in range(args.fresh):
        cmd = [sys.executable, __file__, args.data, "--rows", str(args.rows), "--one"]
        if args.bench:
            cmd += ["--bench", args.bench]
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
    print(json.dumps({"fresh_processes": args.fresh, "threads": args.threads, "rows": args.rows, "runs": runs}))
    for name in ["pandas", "kaoping"]:
        rates = [r[name] for r in runs]
        med = statistics.median(rates)
        print(f"{name:8} median {med / 1e6:.2f} M rows/s, range {min(rates) / 1e6:.2f}–{max(rates) / 1e6:.2f} "
              f"({100 * (min(rates) / med - 1):+.0f}% … {100 * (max(rates) / med - 1):+.0f}% of the median)")
    ratios = [r["kaoping"] / r["pandas"] for r in runs]
    print(f"kaoping / pandas per process: median {statistics.median(ratios):.2f}, "
          f"range {min(ratios):.2f}–{max(ratios):.2f}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--out", default="/tmp/kaoping-pandas-path")
    ap.add_argument("--bench")
    ap.add_argument("--exact", help="PREFIX of the exact answers for the whole file (PREFIX.totals/.grades)")
    ap.add_argument("--fresh", type=int, default=0, help="this many fresh processes, one round each")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_process(args)))
        return 0
    if args.fresh:
        return fresh(args)

    import numpy as np
    import pandas as pd
    import pyarrow as pa

    import kaoping

    bench = bench_dir(args.bench)
    sys.path.insert(0, str(bench))
    import pandas_float  # type: ignore[import-not-found]

    rb = kaoping.Rulebook.from_file(bench / "cab.toml")
    df = pd.read_csv(args.data, nrows=args.rows)
    n = len(df)
    parallel = os.environ.get("RAYON_NUM_THREADS") != "1"
    floats = [c for c in df.columns if df[c].dtype == np.float64]
    print(f"# {n} rows, RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS')}, parallel={parallel}, "
          f"float64 columns {floats}, region dtype {df['region'].dtype}", flush=True)

    def arrow_decimal() -> Any:
        t = pa.Table.from_pandas(df, preserve_index=False)
        for c in floats:
            t = t.set_column(t.schema.get_field_index(c), c, t.column(c).cast(pa.decimal128(18, 2)))
        return t

    table = pa.Table.from_pandas(df, preserve_index=False)
    table_dec = arrow_decimal()
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("pandas float64", lambda: pandas_float.score(df)),
        ("kaoping DataFrame in", lambda: rb.score_many(df, parallel=parallel)),
        ("Table.from_pandas", lambda: pa.Table.from_pandas(df, preserve_index=False)),
        ("kaoping Arrow in", lambda: rb.score_many(table, parallel=parallel)),
        ("kaoping decimal128 in", lambda: rb.score_many(table_dec, parallel=parallel)),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in steps}
    for _, fn in steps:
        fn()  # warm-up
    for _ in range(args.reps):
        for name, fn in steps:
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    base = times["pandas float64"]
    print(f"| step | ms (median of {args.reps}) | rows/s | pandas / step, per round |")
    print("| --- | ---: | ---: | ---: |")
    for name, ts in times.items():
        med = statistics.median(ts)
        ratio = statistics.median(b / t for b, t in zip(base, ts))
        print(f"| {name} | {1000 * med:.1f} | {n / med / 1e6:.2f} M | {ratio:.2f}× |")

    os.makedirs(args.out, exist_ok=True)
    batch = rb.score_many(df, parallel=parallel)
    assert batch.summary["failed"] == 0, batch.summary
    assert batch.to_arrow().equals(rb.score_many(table_dec, parallel=parallel).to_arrow()), \
        "float64 and decimal128 inputs disagree"
    write_answers(os.path.join(args.out, "kaoping_dataframe"), batch)
    total, grade = pandas_float.score(df)
    np.asarray(np.round(total * 100), dtype=np.int64).tofile(os.path.join(args.out, "pandas_float.totals"))
    np.asarray(grade, dtype=np.uint8).tofile(os.path.join(args.out, "pandas_float.grades"))
    if args.exact:
        for ext, dt in [("totals", np.int64), ("grades", np.uint8)]:
            np.fromfile(f"{args.exact}.{ext}", dtype=dt)[:n].tofile(os.path.join(args.out, f"python_decimal.{ext}"))
        res = subprocess.run([sys.executable, str(bench / "check.py"), args.out], capture_output=True, text=True)
        print(res.stdout, end="")
        check = json.load(open(os.path.join(args.out, "check.json")))
        bad = {k: v for k, v in check["vs_exact"].items()
               if k.startswith("kaoping") and (v["totals_differ"] or v["grades_differ"])}
        if bad:
            sys.exit(f"kaoping differs from the exact answer: {bad}")
        print("kaoping: 0 totals and 0 grades differ from the exact answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
