"""`kaoping.spark.score` in PySpark's `local[2]` mode (Python workers in their own processes, so
the rulebook travels pickled) gives, value for value, what `score_many` gives in one process; its
schema is told to Spark before any row is scored; `rank_columns` ranks the whole result as a batch
does; whole-table work is refused. One Spark session for the module (starting one takes seconds)."""

from __future__ import annotations

import os
import re
import sys
from decimal import Decimal
from typing import Any, Iterator

import pytest

import kaoping
import kaoping.spark
from cabdata import cab_arrow, cab_columns
from conftest import load_vector, rulebook_of

pa = pytest.importorskip("pyarrow")
pyspark = pytest.importorskip("pyspark")

# PySpark 4.3 warns that it does not fully support pandas 3 (the project's pandas); kaoping.spark
# hands Spark Arrow only, and these tests check every value that comes back.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

N = 3_000
BAD = [6, 1499, 2998]  # rows given no income growth: MissingInput in their slots


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The Python workers run this interpreter (the one with kaoping installed), and Spark talks
    # only to itself, on the loopback interface.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("kaoping-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # Several Arrow batches per partition, so scoring is tried batch by batch.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def cab() -> kaoping.Rulebook:
    return rulebook_of(load_vector("cab"))


@pytest.fixture(scope="module")
def table() -> Any:
    """CAB rows with an id, exact decimal money, region as plain text (Spark has no dictionaries)."""
    t = cab_arrow(cab_columns(N, 5))
    t = t.set_column(0, "region", t.column("region").cast(pa.string()))
    growth = t.column("income_growth").to_pylist()
    for i in BAD:
        growth[i] = None
    t = t.set_column(t.schema.get_field_index("income_growth"), "income_growth", pa.array(growth, pa.decimal128(18, 2)))
    return t.add_column(0, "row_id", pa.array(range(N), pa.int64()))


def rows(t: Any) -> list[dict[str, Any]]:
    return t.to_pylist()  # type: ignore[no-any-return]


ROW = re.compile(r"^record row \d+\b")


def unnumbered(row: dict[str, Any]) -> dict[str, Any]:
    """A result row without its row numbers (the key of a rulebook without a key field, the row in
    an error message): Spark scores each Arrow batch as a batch of its own, numbered from 1."""
    out = dict(row, key=None)
    if out["error"] is not None:
        out["error"] = ROW.sub("record row", out["error"])
    return out


def test_spark_scores_like_one_process(spark: Any, cab: kaoping.Rulebook, table: Any) -> None:
    df = spark.createDataFrame(table).repartition(4, "row_id")
    assert dict(df.dtypes)["income_growth"] == "decimal(18,2)"
    results = kaoping.spark.score(df, cab, keep=["row_id"])
    assert results.schema.fields[1:] == kaoping.spark.result_schema(cab).fields
    got = sorted(rows(results.toArrow()), key=lambda r: r["row_id"])
    want = rows(cab.score_many(table, parallel=False, unknown="ignore").to_arrow(ranks=False))
    assert len(got) == len(want) == N
    assert [r["row_id"] for r in got] == list(range(N))
    assert [i for i, r in enumerate(got) if r["error_kind"]] == BAD
    assert all(r["error_kind"] == "MissingInput" for r in got if r["error_kind"])
    assert [unnumbered({k: v for k, v in r.items() if k != "row_id"}) for r in got] == [unnumbered(r) for r in want]
    assert isinstance(got[0]["total"], Decimal) and got[0]["total"] == want[0]["total"]
    # Each batch is numbered on its own; no batch exceeds the configured 500 rows.
    assert max(int(r["key"]) for r in got) <= 500


def test_spark_schema_and_ranks(spark: Any, cab: kaoping.Rulebook, table: Any) -> None:
    df = spark.createDataFrame(table.slice(0, 1000)).repartition(3)
    schema = kaoping.spark.result_schema(cab, points=False)
    assert [f.name for f in schema.fields] == [f.name for f in cab.result_schema(points=False, ranks=False)]
    assert str(schema["total"].dataType) == f"DecimalType(38,{cab.scale})"
    assert not schema["key"].nullable
    ranked = kaoping.spark.rank_columns(kaoping.spark.score(df, cab, keep=["row_id"], points=False))
    got = {r["row_id"]: (r["rank"], r["profile_rank"]) for r in ranked.select("row_id", "rank", "profile_rank").collect()}
    want = cab.score_many(table.slice(0, 1000), unknown="ignore").to_arrow(points=False)
    assert got == {i: (r["rank"], r["profile_rank"]) for i, r in enumerate(want.to_pylist())}
    assert any(r["rank"] is None for r in want.to_pylist())  # the failed row is unranked


def test_whole_table_work_is_refused(spark: Any, cab: kaoping.Rulebook, table: Any) -> None:
    df = spark.createDataFrame(table.slice(0, 10))
    with pytest.raises(ValueError, match="ranks rank the whole table"):
        kaoping.spark.score(df, cab, ranks=True)
    with pytest.raises(ValueError, match="relative rules"):
        kaoping.spark.score(df, rulebook_of(load_vector("relative")))
    with pytest.raises(KeyError, match="no column 'county'"):
        kaoping.spark.score(df, cab, keep=["county"])
    with pytest.raises(ValueError, match="clash"):
        kaoping.spark.score(df.withColumnRenamed("row_id", "grade"), cab, keep=["grade"])


def test_items_recipe_scores_like_one_process(spark: Any) -> None:
    """Child tables (spec §18.5): villages cogrouped with their households by join key give each
    village what `score_many(villages, items={"households": …})` gives it."""
    from itemsdata import RULEBOOK, villages_and_households

    rb = kaoping.builtin(RULEBOOK)
    villages, households = villages_and_households(120, 9)
    with pytest.warns(kaoping.KaopingWarning, match="match no parent row"):
        one = rb.score_many(villages, items={"households": households}, parallel=False, unknown="ignore")
    want = rows(one.to_arrow(ranks=False))
    parent = spark.createDataFrame(pa.Table.from_pandas(villages, preserve_index=False)).repartition(3)
    child = spark.createDataFrame(pa.Table.from_pandas(households, preserve_index=False)).repartition(2)
    results = kaoping.spark.score(parent, rb, items={"households": child}, keep=["row_id"], unknown="ignore")
    assert results.schema.fields[1:] == kaoping.spark.result_schema(rb).fields
    got = sorted(rows(results.toArrow()), key=lambda r: r["row_id"])
    assert [r["row_id"] for r in got] == list(range(len(villages)))
    def rows_said(r: dict[str, Any]) -> dict[str, Any]:
        # Row numbers in messages count within each key's group.
        return dict(r, error=r["error"] and re.sub(r"rows? [\d, ]+", "row … ", r["error"]))

    assert [rows_said({k: v for k, v in r.items() if k != "row_id"}) for r in got] == [rows_said(r) for r in want]
    assert [r["error_kind"] for r in got[6:8]] == ["DuplicateKey", "DuplicateKey"]
    assert sum(r["passed"] is True for r in got) > 0 and sum(r["passed"] is False for r in got) > 0
