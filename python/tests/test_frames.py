"""Tables in (pandas, pyarrow, polars), the compact table out: every input row has a slot, values
mean what they mean in a dict, pandas' missing values are missing, decimals stay exact."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

import kaoping

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

CAB = """
[rulebook]
id = "t.table"
title = "table"
version = "1"
scale = 2
key_field = "county"

[inputs]
county = { type = "text", label = "县名" }
population = { type = "integer", min = 1, label = "户籍人口" }
poor = { type = "integer", min = 0 }
growth = { type = "decimal", required = false }
ok = { type = "boolean", default = false }

[derived]
incidence = "poor / population * 100"

[[indicator]]
id = "incidence"
label = "贫困发生率"
points = 60
bands = { input = "incidence", at_most = [[2, 60], [3, 40]], else = 0 }

[[indicator]]
id = "growth"
label = "增幅"
points = 30
linear = { input = "growth", from = [0, 0], to = [10, 30] }

[[indicator]]
id = "ok"
label = "达标"
points = 10
check = { when = "ok" }

[[grade]]
label = "好"
at_least = 80
[[grade]]
label = "差"
"""


@pytest.fixture(scope="module")
def rb() -> kaoping.Rulebook:
    return kaoping.Rulebook.from_str(CAB)


def rows() -> list[dict[str, Any]]:
    return [
        {"county": "甲", "population": 100000, "poor": 2000, "growth": Decimal("8.33"), "ok": True},
        {"county": "乙", "population": 100000, "poor": 2500, "growth": Decimal("0.1"), "ok": False},
        {"county": "丙", "population": 0, "poor": 2500, "growth": Decimal("5"), "ok": True},
        {"county": "丁", "population": 50000, "poor": 0, "growth": None, "ok": True},
    ]


def expected(rb: kaoping.Rulebook) -> list[tuple[Any, ...]]:
    b = rb.score_many(rows())
    return [(r and r.total, r and r.grade, e and e.kind) for r, e in zip(b.results, b.errors)]


def summary(b: kaoping.Batch) -> list[tuple[Any, ...]]:
    return [(r and r.total, r and r.grade, e and e.kind) for r, e in zip(b.results, b.errors)]


def test_list_of_dicts(rb: kaoping.Rulebook) -> None:
    got = expected(rb)
    assert got == [
        (Decimal("94.99"), "好", None),
        (Decimal("40.30"), "差", None),
        (None, None, "InputOutOfRange"),
        (Decimal("70.00"), "差", None),
    ]


def test_pandas_types(rb: kaoping.Rulebook) -> None:
    df = pd.DataFrame(
        {
            "县名": ["甲", "乙", "丙", "丁"],  # matched by label
            "population": pd.array([100000, 100000, 0, 50000], dtype="Int64"),
            "poor": [2000.0, 2500.0, 2500.0, 0.0],  # floats: integral values are fine for integers
            "growth": [8.33, 0.1, 5.0, np.nan],  # NaN in a float column is missing
            "ok": [True, False, True, True],
            "note": ["x", "y", "z", "w"],  # not an input
        },
        index=["a", "b", "c", "d"],
    )
    with pytest.warns(kaoping.KaopingWarning, match='"note"'):
        b = rb.score_many(df)
    assert summary(b) == expected(rb)
    assert b.unknown_columns == ["note"]
    out = b.to_pandas()
    assert list(out.index) == ["a", "b", "c", "d"]  # the input's index
    assert out.loc["a", "total"] == Decimal("94.99") and isinstance(out.loc["a", "total"], Decimal)
    assert out.loc["c", "error_kind"] == "InputOutOfRange" and "population" in out.loc["c", "error"]
    assert list(out.columns[:9]) == ["key", "profile", "total", "max", "grade", "passed", "rank", "profile_rank", "incidence"]
    assert pd.isna(out.loc["c", "total"]) and pd.isna(out.loc["a", "error"])


def test_pandas_decimal_categorical_and_mixed_columns(rb: kaoping.Rulebook) -> None:
    df = pd.DataFrame(
        {
            "county": pd.Categorical(["甲", "乙", "丙", "丁"]),
            "population": [100000, 100000, 0, 50000],
            "poor": [2000, "2500", 2500, 0],  # mixed: Python objects, cell by cell
            "growth": [Decimal("8.33"), Decimal("0.1"), Decimal("5"), None],
            "ok": pd.array([True, False, True, True], dtype="boolean"),
        }
    )
    assert summary(rb.score_many(df)) == expected(rb)


def test_pandas_without_pyarrow_columns(rb: kaoping.Rulebook) -> None:
    # A column pyarrow cannot take goes cell by cell; pandas' own mask says what is missing.
    df = pd.DataFrame({"county": ["甲", "乙", "丙", "丁"], "population": [100000, 100000, 0, 50000],
                       "poor": [2000, 2500, 2500, 0], "growth": [8.33, 0.1, 5, None], "ok": [True, False, True, True]})
    df["growth"] = df["growth"].astype(object)
    df.loc[3, "growth"] = float("nan")
    assert summary(rb.score_many(df)) == expected(rb)


def test_arrow_table_decimal128_and_real_nan(rb: kaoping.Rulebook) -> None:
    t = pa.table(
        {
            "county": ["甲", "乙", "丙", "丁"],
            "population": pa.array([100000, 100000, 0, 50000], pa.int32()),
            "poor": pa.array([2000, 2500, 2500, 0], pa.uint16()),
            "growth": pa.array([Decimal("8.33"), Decimal("0.10"), Decimal("5.00"), None], pa.decimal128(10, 2)),
            "ok": [True, False, True, True],
        }
    )
    assert summary(rb.score_many(t)) == expected(rb)
    assert summary(rb.score_many(t.to_batches()[0])) == expected(rb)  # a RecordBatch too
    # A NaN that is a value (not a null) in an Arrow float column is that row's error.
    t2 = t.set_column(3, "growth", pa.array([8.33, float("nan"), 5.0, None], pa.float64()))
    b = rb.score_many(t2)
    e = b.errors[1]
    assert isinstance(e, kaoping.InputTypeError) and (e.field, e.row) == ("growth", 2)
    assert b.errors[0] is None and b.results[0].total == Decimal("94.99")
    # float32 values by their own repr.
    t3 = t.set_column(3, "growth", pa.array([8.33, 0.1, 5.0, None], pa.float32()))
    assert summary(rb.score_many(t3)) == expected(rb)


def test_arrow_wide_decimals(rb: kaoping.Rulebook) -> None:
    t = pa.table({"county": ["甲"], "population": [100000], "poor": [2000], "ok": [True],
                  "growth": pa.array([Decimal("8.3300000000000000000000000000000")], pa.decimal128(38, 31))})
    assert rb.score_many(t).results[0].total == Decimal("94.99")  # surplus zeros dropped, exactly
    t = t.set_column(4, "growth", pa.array([Decimal("8.3300000000000000000000000000001")], pa.decimal128(38, 31)))
    assert isinstance(rb.score_many(t).errors[0], kaoping.InputOutOfRangeError)


def test_polars(rb: kaoping.Rulebook) -> None:
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"county": ["甲", "乙", "丙", "丁"], "population": [100000, 100000, 0, 50000],
                       "poor": [2000, 2500, 2500, 0], "growth": [8.33, 0.1, 5.0, None], "ok": [True, False, True, True]})
    assert summary(rb.score_many(df)) == expected(rb)
    out = pl.DataFrame(rb.score_many(df))  # the compact table through the PyCapsule interface
    assert out["total"].to_list()[:2] == [Decimal("94.99"), Decimal("40.30")]


def test_two_columns_for_one_input(rb: kaoping.Rulebook) -> None:
    df = pd.DataFrame({"county": ["甲"], "县名": ["甲"], "population": [1], "poor": [0]})
    with pytest.raises(kaoping.InputError, match="both fill input `county`"):
        rb.score_many(df)


def test_lists_in_columns(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    recs = [county_record, dict(county_record, county="乙县", expert_marks=[7, 11]), dict(county_record, county="丙县", expert_marks=None)]
    want = summary(county.score_many(recs))
    assert want[1][2] == "InputOutOfRange"
    assert summary(county.score_many(pd.DataFrame(recs))) == want
    assert summary(county.score_many(pa.Table.from_pylist(recs))) == want


def test_compact_table(rb: kaoping.Rulebook) -> None:
    t = rb.score_many(rows()).to_arrow()
    assert t.schema.field("total").type == pa.decimal128(38, 2)
    assert t.schema.field("incidence").type == pa.decimal128(38, 2)
    assert t.column("key").to_pylist() == ["甲", "乙", "丙", "丁"]
    assert t.column("rank").to_pylist() == [1, 3, None, 2]
    assert t.column("error_kind").to_pylist() == [None, None, "InputOutOfRange", None]
    df = rb.score_many(rows()).to_pandas(dtype_backend="pyarrow")
    assert str(df["total"].dtype).startswith("decimal128(38, 2)")
    with pytest.raises(ValueError):
        rb.score_many(rows()).to_pandas(dtype_backend="numpy")  # type: ignore[arg-type]


def test_results_of_a_table_are_explained_on_demand(rb: kaoping.Rulebook) -> None:
    b = rb.score_many(pa.Table.from_pylist(rows()))
    r = b.result(0)
    assert r is not None and r.total == Decimal("94.99") and "贫困发生率" in r.explain()
    assert b.result(2) is None and len(b) == 4 and len(b.results) == 4
    assert b.summary == {"rows": 4, "ok": 3, "failed": 1, "grades": {"好": 1, "差": 2},
                         "shares": {"好": Decimal("0.3333"), "差": Decimal("0.6667")}, "passed": None,
                         "errors": {"InputOutOfRange": 1}, "unmatched": {}}


def test_100000_rows_with_1_percent_bad(rb: kaoping.Rulebook) -> None:
    n = 100_000
    rng = np.random.default_rng(7)
    population = rng.integers(1000, 1_000_000, n)
    poor = (population * rng.uniform(0, 0.05, n)).astype(np.int64)
    growth = np.round(rng.uniform(-2, 15, n), 2)
    bad = np.zeros(n, dtype=bool)
    bad[rng.choice(n, n // 100, replace=False)] = True
    population = np.where(bad, 0, population)  # below the minimum
    df = pd.DataFrame({"county": [f"县{i}" for i in range(n)], "population": population, "poor": poor,
                       "growth": growth, "ok": rng.random(n) < 0.9})
    b = rb.score_many(df)
    assert len(b) == n and b.summary["rows"] == n
    assert b.summary["failed"] == n // 100 and b.summary["errors"] == {"InputOutOfRange": n // 100}
    out = b.to_pandas(dtype_backend="pyarrow")
    assert len(out) == n
    assert out["error"].notna().to_numpy().tolist() == bad.tolist()
    assert out["total"].isna().to_numpy().tolist() == bad.tolist()
    # Spot-check rows against scoring them one by one from the same values.
    for i in rng.choice(n, 20, replace=False):
        rec = {k: df[k].iloc[i].item() if hasattr(df[k].iloc[i], "item") else df[k].iloc[i] for k in df.columns}
        if bad[i]:
            with pytest.raises(kaoping.InputOutOfRangeError):
                rb.score(rec)
        else:
            assert rb.score(rec).total == out["total"].iloc[i]


def test_importing_needs_neither_pandas_nor_pyarrow() -> None:
    code = """
import sys
sys.modules["pandas"] = None
sys.modules["pyarrow"] = None
sys.modules["polars"] = None
import kaoping
rb = kaoping.builtin("example.county-assessment")
b = rb.score_many([{"county": "x"}])
assert len(b) == 1 and b.errors[0] is not None
try:
    b.to_pandas()
except ImportError as e:
    assert "pandas" in str(e) and "pip install" in str(e), e
else:
    raise SystemExit("to_pandas without pandas did not raise")
try:
    b.to_arrow()
except ImportError as e:
    assert "pyarrow" in str(e), e
else:
    raise SystemExit("to_arrow without pyarrow did not raise")
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
