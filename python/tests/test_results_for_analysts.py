"""Results an analyst can trust in pandas: the columns that reconcile a total (details=True),
how numbers are held (numbers="arrow" | "decimal" | "float"), grades as an ordered categorical,
the key taken from a DataFrame's index, a batch as a sequence of results, and the HTML views."""

from __future__ import annotations

import collections.abc
import re
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import kaoping
from conftest import load_vector, native_record

COUNTY = "example.county-assessment"


def county_rows() -> list[dict[str, Any]]:
    """Five counties: a plain one, one with a bonus, one held at 一般 by the grade rule, one vetoed
    (弄虚作假), one that fails (no population)."""
    base = {"region": "片区外", "population": 100000, "poor_population": 1000, "income_growth": 10,
            "sampled": 100, "satisfied": 95, "expert_marks": [10, 10, 10]}
    return [
        {**base, "county": "甲县"},
        {**base, "county": "乙县", "awards": 2, "audit_issues": 1, "income_growth": 5},
        # incidence 3% → 24 of 30, income 2.5% → 5 of 20: reduction 29 < 0.6 × 50, so at most 一般,
        # though the total, 79 + 3 for awards = 82, is 较好.
        {**base, "county": "丙县", "poor_population": 3000, "income_growth": "2.5", "awards": 3},
        {**base, "county": "丁县", "falsified": True},
        {**base, "county": "戊县", "population": None},
    ]


@pytest.fixture(scope="module")
def county() -> kaoping.Rulebook:
    return kaoping.builtin(COUNTY)


@pytest.fixture(scope="module")
def county_batch(county: kaoping.Rulebook) -> kaoping.Batch:
    return county.score_many(county_rows())


# --- the columns that reconcile a total ---------------------------------------------------------


def test_details_reconcile_every_total(county: kaoping.Rulebook, county_batch: kaoping.Batch) -> None:
    df = county_batch.to_pandas(details=True, numbers="decimal")
    leaves = [i.id for i in county.indicators if i.is_leaf]
    contrib = [f"contribution.{leaf}" for leaf in leaves]
    assert [c for c in df.columns if c.startswith("contribution.")] == contrib
    assert list(df.columns[-2:]) == ["error_kind", "error"]
    for i, row in df.iterrows():
        r = county_batch[int(i)]
        if r is None:
            # The failed row has no details.
            assert pd.isna(row["base"]) and all(pd.isna(row[c]) for c in contrib) and pd.isna(row["vetoes"])
            continue
        assert (row["base"], row["bonus"], row["penalty"]) == (r.base, r.bonus, r.penalty)
        assert sum(row[c] for c in contrib) == row["base"]
        assert row["base"] + row["bonus"] - row["penalty"] == row["total_before_vetoes"]
        if r.vetoes:
            assert row["vetoes"] == ";".join(r.vetoes) and row["total"] == Decimal("0.00")
        else:
            assert pd.isna(row["vetoes"]) and row["total"] == row["total_before_vetoes"]
    # 乙县: two awards are a bonus of 2; one audit issue costs 4 of funds' 20.
    yi = df.iloc[1]
    assert (yi["bonus"], yi["contribution.funds"]) == (Decimal("2.00"), Decimal("16.00"))
    # 丁县 is vetoed: the total before the veto is still there, and the veto's id.
    ding = df.iloc[3]
    assert ding["vetoes"] == "falsified" and ding["total_before_vetoes"] == df.iloc[0]["total"]


def test_grade_capped_by_names_the_grade_rule(county_batch: kaoping.Batch) -> None:
    df = county_batch.to_pandas(details=True)
    bing = df.iloc[2]
    assert (bing["total"], bing["grade"], bing["grade_from_total"]) == (Decimal("82.00"), "一般", "较好")
    assert bing["grade_capped_by"] == 'points("reduction") < 0.6 * max_points("reduction")'
    assert pd.isna(df.iloc[0]["grade_capped_by"]) and df.iloc[0]["grade_from_total"] == df.iloc[0]["grade"]


def test_criteria_columns_of_a_criteria_only_rulebook() -> None:
    rb = kaoping.builtin("sc.poverty.household-exit")
    ok = {"household": "S01", "members": 4, "income_per_capita": "2952.01", "education_assured": True,
          "insured_members": 4, "housing_safe": True, "water_litres": 40, "water_fetch_minutes": 20,
          "water_assurance": 95, "has_electricity": True, "tv_satellite": True}
    rows = [ok, {**ok, "household": "S02", "housing_safe": False}, {**ok, "household": "S03", "members": 0}]
    df = rb.score_many(rows).to_pandas(details=True)
    criteria = [f"criterion.{id}" for id in ["income", "education", "medical", "housing", "water_quantity",
                                             "water_fetching", "water_assurance", "electricity", "broadcast"]]
    assert [c for c in df.columns if c.startswith("criterion.")] == criteria
    assert str(df["criterion.housing"].dtype) == "boolean"
    # The household whose housing is unsafe, found by its failed criterion (一超六有).
    assert list(df.loc[df["criterion.housing"] == False, "key"]) == ["S02"]  # noqa: E712
    assert df.loc[1, criteria].sum() == len(criteria) - 1 and df.loc[0, criteria].all()
    assert df["criterion.housing"].isna().tolist() == [False, False, True]  # the failed row
    # No total: no base and no contributions.
    assert df["base"].isna().all()


def test_contributions_of_weighted_parts_add_up_to_the_total_exactly() -> None:
    """cd.school.target's `target.*` columns are marks out of 100; their contributions are the
    marks × weight ÷ 100, and add up to the total to the cent (86.2875 → 86.29)."""
    v = load_vector("cd.school.target")
    rb = kaoping.builtin("cd.school.target")
    records = [native_record(rb, c["record"]) for c in v["cases"] if "error" not in c["expect"]]
    df = rb.score_many(records).to_pandas(details=True, numbers="decimal")
    parts = ["party", "teaching", "staff", "safety", "science"]
    contrib = [f"contribution.target.{p}" for p in parts]
    assert [c for c in df.columns if c.startswith("contribution.")] == contrib
    weights = {"party": 15, "teaching": 40, "staff": 15, "safety": 15, "science": 15}
    for _, row in df.iterrows():
        assert sum(row[c] for c in contrib) == row["base"] == row["total_before_vetoes"]
        if pd.isna(row["vetoes"]):
            assert sum(row[c] for c in contrib) == row["total"]
        for p in parts:
            exact = row[f"target.{p}"] * weights[p] / 100
            assert abs(row[f"contribution.target.{p}"] - exact) < Decimal("0.01")
    # The worked case: 80×15 + 90×40 + 70×15 + 100×15 + 85.25×15 = 8628.75 → 86.29; the raw marks
    # add up to 425.25, the contributions to the total.
    worked = df[df["total"] == Decimal("86.29")].iloc[0]
    assert sum(worked[f"target.{p}"] for p in parts) == Decimal("425.25")
    assert [worked[c] for c in contrib] == [Decimal(x) for x in ["12.00", "36.00", "10.50", "15.00", "12.79"]]


def test_details_in_arrow_and_the_default_table_unchanged(county_batch: kaoping.Batch) -> None:
    plain = county_batch.to_arrow()
    detailed = county_batch.to_arrow(details=True)
    assert plain.schema.names == [n for n in detailed.schema.names if n in plain.schema.names]
    assert detailed.schema.field("base").type == pa.decimal128(38, 2)
    assert detailed.schema.field("criterion.incidence").type == pa.bool_()
    assert "base" not in county_batch.to_pandas().columns


# --- numbers ---------------------------------------------------------------------------------------


def test_numbers_arrow_decimal_and_float(county_batch: kaoping.Batch) -> None:
    exact = county_batch.to_pandas(numbers="decimal")
    assert exact["total"].dtype == object
    assert exact["total"].tolist() == [r and r.total for r in county_batch] and exact["total"][4] is None
    arrow = county_batch.to_pandas()
    assert isinstance(arrow["total"].dtype, pd.ArrowDtype) and arrow["total"].dtype == county_batch.to_pandas(
        numbers="arrow")["total"].dtype
    floats = county_batch.to_pandas(numbers="float")
    assert floats["total"].dtype == "float64" and floats["max"].dtype == "float64"
    for e, f in zip(exact["total"], floats["total"]):
        assert (e is None and pd.isna(f)) or f == float(e)
    # Exploration works on floats: describe, nsmallest, mean.
    scored = [t for t in exact["total"] if t is not None]
    d = floats["total"].describe()
    assert d["count"] == len(scored) and d["min"] == float(min(scored)) and d["max"] == float(max(scored))
    assert list(floats.nsmallest(2, "total")["key"]) == [k for _, k in sorted(
        (t, k) for t, k in zip(exact["total"], exact["key"]) if t is not None)][:2]
    assert floats["total"].mean() == pytest.approx(float(sum(scored) / len(scored)))
    # Exact work stays on the arrow columns: sums, order, extremes.
    assert arrow["total"].sum() == sum(scored)
    assert arrow["total"].min() == min(scored) and arrow.sort_values("total")["key"].iloc[0] == "丁县"
    assert arrow["total"].mean() == (sum(scored) / len(scored)).quantize(Decimal("0.01"))


def test_numbers_with_the_pyarrow_backend_and_bad_values(county_batch: kaoping.Batch) -> None:
    f = county_batch.to_pandas(numbers="float", dtype_backend="pyarrow")
    assert f["total"].dtype == pd.ArrowDtype(pa.float64())
    assert f["total"].describe()["count"] == 4
    with pytest.raises(ValueError, match="not Arrow-backed"):
        county_batch.to_pandas(numbers="decimal", dtype_backend="pyarrow")
    with pytest.raises(ValueError, match='numbers is "arrow", "decimal" or "float"'):
        county_batch.to_pandas(numbers="double")  # type: ignore[arg-type]


def test_floats_are_the_nearest_doubles() -> None:
    rb = kaoping.Rulebook.from_str("""
[rulebook]
id = "t.places"
title = "places"
version = "1"
scale = 4
[inputs]
x = { type = "decimal" }
[[indicator]]
id = "a"
label = "A"
points = 1000000000000000
linear = { input = "x", from = [0, 0], to = [1000000000000000, 1000000000000000] }
""")
    xs = ["0.0001", "84.4", "0.1", "1.0005", "123456789012.3456", "999999999999999.9999"]
    df = rb.score_many([{"x": x} for x in xs]).to_pandas(numbers="float")
    assert df["total"].tolist() == [float(x) for x in xs]


# --- grades in order -------------------------------------------------------------------------------


def test_grades_are_ordered_worst_to_best(county: kaoping.Rulebook, county_batch: kaoping.Batch) -> None:
    res = county_batch.to_pandas()
    assert res["grade"].cat.ordered
    assert list(res["grade"].cat.categories) == list(reversed(county.grades))
    good = res[res["grade"] >= "较好"]
    assert set(good["key"]) == {k for k, g in zip(res["key"], res["grade"]) if g in ("好", "较好")}
    assert res["grade"].max() == "好" and res["grade"].min() == "较差"


# --- the key from the index ------------------------------------------------------------------------


def test_the_key_is_taken_from_the_index(county: kaoping.Rulebook) -> None:
    df = pd.DataFrame(county_rows()[:4]).rename(columns={"county": "县名"})
    want = [r.total for r in county.score_many(df)]
    for named in (df.set_index("县名"), df.rename(columns={"县名": "county"}).set_index("county")):
        b = county.score_many(named)
        assert b.summary["failed"] == 0
        assert [r.key for r in b] == ["甲县", "乙县", "丙县", "丁县"] and [r.total for r in b] == want
        assert list(b.to_pandas().index) == ["甲县", "乙县", "丙县", "丁县"]
    # One level of a MultiIndex.
    multi = df.assign(year=2019).set_index(["year", "县名"])
    assert [r.key for r in county.score_many(multi)] == ["甲县", "乙县", "丙县", "丁县"]
    # An index named otherwise is not the key, which is then missing from every row.
    other = df.set_index("县名").rename_axis("名称")
    assert county.score_many(other, unknown="ignore").summary["errors"] == {"MissingInput": 4}


def test_a_key_column_wins_over_the_index(county: kaoping.Rulebook) -> None:
    df = pd.DataFrame(county_rows()[:2]).set_index(pd.Index(["x", "y"], name="county"))
    assert [r.key for r in county.score_many(df)] == ["甲县", "乙县"]


# --- a batch is a sequence -------------------------------------------------------------------------


def test_a_batch_is_a_sequence(county_batch: kaoping.Batch) -> None:
    b = county_batch
    assert len(b) == 5 and isinstance(iter(b), collections.abc.Iterator)
    assert b[0] is not None and b[0].key == "甲县" and b[-2] is not None and b[-2].key == "丁县"
    assert b[-1] is None and b[4] is None
    assert [r and r.key for r in b] == ["甲县", "乙县", "丙县", "丁县", None]
    assert [r and r.key for r in b[1:3]] == ["乙县", "丙县"]
    with pytest.raises(IndexError):
        b[5]
    with pytest.raises(IndexError):
        b[-6]
    # Still a table to Arrow's consumers, not a sequence of rows.
    assert pa.table(b).num_rows == 5
    pl = pytest.importorskip("polars")
    assert pl.DataFrame(b).columns[:3] == ["key", "profile", "total"]


# --- HTML -----------------------------------------------------------------------------------------


def test_batch_html(county_batch: kaoping.Batch) -> None:
    h = county_batch._repr_html_()
    assert "5 行 rows" in h and "1 失败 failed" in h
    for grade, count in county_batch.summary["grades"].items():
        assert re.search(rf">{grade}</td><td[^>]*>{count}</td>", h)
    assert h.count('class="kaoping-bar"') == len(county_batch.summary["grades"])
    # The lowest units, lowest first: 丁县 (vetoed to 0) leads.
    lowest = h[h.index("the lowest"):]
    assert lowest.index("丁县") < lowest.index("丙县")


def test_rulebook_html(county: kaoping.Rulebook) -> None:
    h = county._repr_html_()
    assert "县级脱贫攻坚成效考核" in h and "example.county-assessment" in h
    assert re.search(r"贫困发生率</td><td style=\"text-align:right[^\"]*\">30.00</td>", h)
    assert "弄虚作假" in h and "贫困发生率低于退出标准" in h and re.search(r"好 ≥90\b", h)


def test_result_html_shows_criteria_bonus_and_penalty(county_batch: kaoping.Batch) -> None:
    rb = kaoping.builtin("sc.poverty.household-exit")
    r = rb.score({"household": "S02", "members": 4, "income_per_capita": "2952.01", "education_assured": True,
                  "insured_members": 4, "housing_safe": False, "water_litres": 40, "water_fetch_minutes": 20,
                  "water_assurance": 95, "has_electricity": True, "tv_satellite": True})
    h = r._repr_html_()
    assert re.search(r"有安全住房</td><td[^>]*color:#b00[^>]*>✗ 未达标 fails", h)
    assert "有义务教育保障</td><td style=\"text-align:left\">✓ 达标 holds" in h
    yi = county_batch[1]
    assert yi is not None
    h = yi._repr_html_()
    assert "加分 bonus 2.00" in h and "表彰奖励" in h and ">+2.00</td>" in h
    # Numbers right-aligned.
    assert re.search(r"<td style=\"text-align:right[^\"]*\">16.00</td>", h)
