"""The roll-up benchmark's baseline: pandas doing the same aggregation in float64.

Reads the two tables `rollup` wrote (--write DIR), and per village: each household passes when its
income per member exceeds 4000 and its housing is safe; remaining poor = members of households
that do not pass; incidence = remaining poor / population × 100; exit when incidence < 3. Times
read + aggregate (median of rounds), as `rollup` times read + join + score.

    python benches/rollup_pandas.py DIR [ROUNDS]
"""

import statistics
import sys
import time

import pandas as pd


def once(folder: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    villages = pd.read_csv(f"{folder}/villages.csv", dtype={"村代码": str})
    hh = pd.read_csv(f"{folder}/households.csv", dtype={"村代码": str, "户编号": str})
    passed = (hh["家庭年纯收入"] / hh["家庭人口"] > 4000) & (hh["住房安全"] == "是")
    remaining = hh["家庭人口"].where(~passed, 0).groupby(hh["村代码"]).sum()
    v = villages.set_index("村代码")
    v["remaining_poor"] = remaining.reindex(v.index).fillna(0)
    v["incidence"] = v["remaining_poor"] / v["户籍人口"] * 100
    exits = int((v["incidence"] < 3).sum())
    return time.perf_counter() - t0, exits


def main() -> None:
    folder = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    runs = [once(folder) for _ in range(rounds)]
    t = statistics.median(r[0] for r in runs)
    rows = sum(1 for _ in open(f"{folder}/households.csv", encoding="utf-8")) - 1
    print(f"pandas float64: read both CSV tables + groupby, median of {rounds} rounds")
    print(f"  {'end to end':<48} {t:>8.3f} s  = {rows / t:.0f} household rows/s")
    print(f"  villages meeting the exit criterion: {runs[0][1]}")


if __name__ == "__main__":
    main()
