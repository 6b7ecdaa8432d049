"""The roll-up benchmark from Python (spec §18): both tables read with pandas, the villages scored
with their households by `score_many(villages, items={"households": households})`, against pandas
doing the same aggregation in float64 — alternating rounds in one process, same files.

    python python/benches/rollup.py DIR [ROUNDS]

DIR holds `villages.csv` and `households.csv` as `benches/rollup.sh` writes them (the `rollup`
binary's `--write DIR`); the rulebooks are `benches/rollup/*.toml`.
"""

import pathlib
import statistics
import sys
import time

import pandas as pd

import kaoping

ROOT = pathlib.Path(__file__).resolve().parents[2]


def rulebook() -> kaoping.Rulebook:
    household = kaoping.Rulebook.from_file(ROOT / "benches/rollup/household.toml")
    return kaoping.Rulebook.from_file(ROOT / "benches/rollup/village.toml", components=[household])


def with_kaoping(rb: kaoping.Rulebook, folder: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    villages = pd.read_csv(f"{folder}/villages.csv", dtype={"村代码": str})
    hh = pd.read_csv(f"{folder}/households.csv", dtype={"村代码": str, "户编号": str})
    b = rb.score_many(villages, items={"households": hh})
    exits = int(sum(1 for r in b if r is not None and r.passed))
    return time.perf_counter() - t0, exits


def with_pandas(folder: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    villages = pd.read_csv(f"{folder}/villages.csv", dtype={"村代码": str})
    hh = pd.read_csv(f"{folder}/households.csv", dtype={"村代码": str, "户编号": str})
    passed = (hh["家庭年纯收入"] / hh["家庭人口"] > 4000) & (hh["住房安全"] == "是")
    remaining = hh["家庭人口"].where(~passed, 0).groupby(hh["村代码"]).sum()
    v = villages.set_index("村代码")
    v["remaining_poor"] = remaining.reindex(v.index).fillna(0)
    v["incidence"] = v["remaining_poor"] / v["户籍人口"] * 100
    return time.perf_counter() - t0, int((v["incidence"] < 3).sum())


def main() -> None:
    folder = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rb = rulebook()
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(with_kaoping(rb, folder))
        theirs.append(with_pandas(folder))
    assert ours[0][1] == theirs[0][1], (ours[0][1], theirs[0][1])
    rows = sum(1 for _ in open(f"{folder}/households.csv", encoding="utf-8")) - 1
    k = statistics.median(t for t, _ in ours)
    p = statistics.median(t for t, _ in theirs)
    print(f"from Python, pd.read_csv both tables, median of {rounds} alternating rounds")
    print(f"  {'score_many(items=…)':<48} {k:>8.3f} s  = {rows / k:.0f} household rows/s")
    print(f"  {'pandas float64 groupby':<48} {p:>8.3f} s  = {rows / p:.0f} household rows/s")
    print(f"  kaoping / pandas speed: {p / k:.2f}×; villages meeting the exit criterion: {ours[0][1]}")


if __name__ == "__main__":
    main()
