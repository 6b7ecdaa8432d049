#!/usr/bin/env python3
"""CAB inside Dask and Spark against `score_many` in one process, on this machine.

    .venv/bin/python python/benches/spark_dask.py [--rows 2000000] [--rounds 3]
        [--partitions 4,16,64] [--out /tmp/kaoping-distributed]

Not part of the test command. Needs the module built (`maturin develop --release` in python/) and
python/requirements-spark-dask.txt (scripts/setup.d/45-spark-dask.sh). The CAB rows are drawn
as the tests draw them (python/tests/cabdata.py) and written once to Parquet: decimals as
decimal128(18, 2), region as text.

Each engine reads the Parquet file into memory first (Dask: `persist` on a LocalCluster of two
worker processes, one thread each; Spark: `local[2]`, `cache`), so that what is timed is scoring,
not reading:

  one process, 2 threads   rb.score_many(table).to_arrow(ranks=False) on the whole Arrow table
  one process, 1 thread    the same with parallel=False
  dask P                   kaoping.dask.score(ddf, rb) in P partitions, each partition's result
                           DataFrame made on its worker (then only its length is sent back)
  dask P, no scoring       the same graph with each partition's length alone: Dask's own cost
  spark P                  kaoping.spark.score(df, rb) in P partitions, written to Spark's
                           `noop` sink (every row made, nothing stored)
  spark P, no scoring      the same DataFrame through mapInArrow returning its batches as they
                           are: Spark's own cost of sending the rows to Python and back

The configurations are interleaved round by round (this shared machine's speed drifts), and the
figures are medians over rounds. The overhead per partition is the slope of time against P
(least squares over the partition counts), with the rows fixed. Prints JSON lines, then a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
# PySpark 4.3 warns on every mapInArrow that it does not fully support pandas 3; it is handed Arrow.
warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
sys.path.insert(0, str(ROOT / "python" / "tests"))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import kaoping  # noqa: E402
import kaoping.dask  # noqa: E402
import kaoping.spark  # noqa: E402
from cabdata import cab_arrow, cab_columns  # noqa: E402


def write_parquet(rows: int, path: Path) -> pa.Table:
    t = cab_arrow(cab_columns(rows, 42))
    t = t.set_column(0, "region", t.column("region").cast(pa.string()))
    pq.write_table(t, path, row_group_size=64 * 1024)
    return t


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of seconds against partitions."""
    xs, ys = [p for p, _ in points], [s for _, s in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--partitions", default="4,16,64")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "kaoping-distributed"))
    args = ap.parse_args()
    counts = [int(p) for p in args.partitions.split(",")]
    os.makedirs(args.out, exist_ok=True)
    parquet = Path(args.out) / f"cab-{args.rows}.parquet"
    rb = kaoping.Rulebook.from_str(json.loads((ROOT / "tests/vectors/cab.json").read_text())["rulebook"])

    t0 = time.perf_counter()
    table = write_parquet(args.rows, parquet)
    print(f"# {args.rows} CAB rows drawn and written to {parquet} in {time.perf_counter() - t0:.1f} s", flush=True)

    # --- Dask: two worker processes, one thread each ---
    import dask.dataframe as dd
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = distributed.Client(cluster)
    whole = dd.read_parquet(str(parquet), dtype_backend="pyarrow")
    ddfs = {p: whole.repartition(npartitions=p).persist() for p in counts}
    distributed.wait(list(ddfs.values()))

    # --- Spark: local[2] ---
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sdfs = {p: spark.read.parquet(str(parquet)).repartition(p).cache() for p in counts}
    for s in sdfs.values():
        s.count()

    def as_is(batches: Any) -> Any:
        yield from batches

    runs: dict[str, Callable[[], Any]] = {
        "one process, 2 threads": lambda: rb.score_many(table).to_arrow(ranks=False),
        "one process, 1 thread": lambda: rb.score_many(table, parallel=False).to_arrow(ranks=False),
    }
    for p in counts:
        runs[f"dask {p}"] = lambda p=p: kaoping.dask.score(ddfs[p], rb).map_partitions(len).sum().compute()
        runs[f"dask {p}, no scoring"] = lambda p=p: ddfs[p].map_partitions(len).sum().compute()
        runs[f"spark {p}"] = lambda p=p: kaoping.spark.score(sdfs[p], rb).write.format("noop").mode(
            "overwrite"
        ).save()
        runs[f"spark {p}, no scoring"] = lambda p=p: sdfs[p].mapInArrow(as_is, sdfs[p].schema).write.format(
            "noop"
        ).mode("overwrite").save()

    # A warm-up of each (workers start, rulebooks compile, JIT), then the timed rounds.
    for run in runs.values():
        run()
    assert kaoping.dask.score(ddfs[counts[0]], rb).map_partitions(len).sum().compute() == args.rows
    times: dict[str, list[float]] = {k: [] for k in runs}
    for r in range(args.rounds):
        for name, run in runs.items():
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
        print(f"# round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(json.dumps({"what": k, "rows": args.rows, "median_s": round(med[k], 3),
                          "rows_per_s": round(args.rows / med[k]), "times_s": [round(t, 3) for t in v]}))
    base = med["one process, 2 threads"]
    print(f"\n# {args.rows} CAB rows, medians of {args.rounds} rounds; rows/s and time relative to one process (2 threads)")
    for k in runs:
        print(f"{k:28s} {args.rows / med[k] / 1e6:6.2f} M rows/s   {med[k] / base:5.2f}×")
    for engine in ("dask", "spark"):
        scored = slope([(p, med[f"{engine} {p}"]) for p in counts])
        bare = slope([(p, med[f"{engine} {p}, no scoring"]) for p in counts])
        print(f"# {engine}: {scored * 1e3:.1f} ms per partition scoring, {bare * 1e3:.1f} ms without scoring")
    client.close()
    cluster.close()
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
