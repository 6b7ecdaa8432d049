"""CAB (the county assessment benchmark) data, drawn the way shared/bench/gen.py draws it, for the
tests and the Python benchmarks: the project never reads shared/ at test time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pandas as pd

REGIONS = ["秦巴山区", "乌蒙山区", "高原藏区", "凉山彝区", "片区外"]
BOOLS = ["has_housing", "has_education", "has_medical", "has_water", "has_power", "has_broadcast"]


def cab_columns(n: int, seed: int) -> dict[str, Any]:
    """CAB data the way shared/bench/gen.py draws it (decimals as integer cents)."""
    rng = np.random.default_rng(seed)
    c: dict[str, Any] = {"region": rng.choice(len(REGIONS), size=n, p=[0.22, 0.22, 0.14, 0.12, 0.30])}
    pop = rng.integers(20000, 900000, size=n, endpoint=True)
    c["population"] = pop
    c["poor_population"] = rng.integers(0, pop * 12 // 100, endpoint=True)
    s = rng.integers(200, 1000, size=n, endpoint=True)
    c["sampled"] = s
    c["misexited"] = rng.integers(0, s * 4 // 100, endpoint=True)
    c["missed"] = rng.integers(0, s * 4 // 100, endpoint=True)
    c["satisfied"] = rng.integers((s * 75 + 99) // 100, s, endpoint=True)
    c["income_growth"] = rng.integers(-200, 1800, size=n, endpoint=True)
    alloc = rng.integers(100_000_000, 50_000_000_000, size=n, endpoint=True)
    c["funds_allocated"] = alloc
    c["funds_spent"] = alloc * rng.integers(500_000, 1_050_000, size=n, endpoint=True) // 1_000_000
    c["audit_issues"] = rng.integers(0, 8, size=n, endpoint=True)
    c["awards"] = rng.integers(0, 5, size=n, endpoint=True)
    c["falsified"] = rng.random(n) < 0.01
    for b in BOOLS:
        c[b] = rng.random(n) < 0.97
    return c


CENTS = ["income_growth", "funds_allocated", "funds_spent"]


def cab_records(c: dict[str, Any]) -> list[dict[str, Any]]:
    n = len(c["population"])
    out = []
    for i in range(n):
        r: dict[str, Any] = {}
        for k, col in c.items():
            x = col[i]
            if k == "region":
                r[k] = REGIONS[x]
            elif k in CENTS:
                r[k] = Decimal(int(x)).scaleb(-2)
            else:
                r[k] = x.item()
        out.append(r)
    return out


def cab_arrow(c: dict[str, Any]) -> Any:
    cols = {}
    for k, col in c.items():
        if k == "region":
            cols[k] = pa.DictionaryArray.from_arrays(pa.array(col, pa.int8()), pa.array(REGIONS))
        elif k in CENTS:
            cols[k] = pa.array([Decimal(int(x)).scaleb(-2) for x in col], pa.decimal128(18, 2))
        else:
            cols[k] = pa.array(col)
    return pa.table(cols)


def cab_pandas(c: dict[str, Any]) -> Any:
    """What `pd.read_csv` gives: float64 decimals, object text."""
    cols: dict[str, Any] = {}
    for k, col in c.items():
        if k == "region":
            cols[k] = np.array(REGIONS, dtype=object)[col]
        elif k in CENTS:
            cols[k] = np.array([float(Decimal(int(x)).scaleb(-2)) for x in col])
        else:
            cols[k] = col
    return pd.DataFrame(cols)
