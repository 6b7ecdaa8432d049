"""Score a Spark DataFrame inside Spark: each partition is scored by the executors, as Arrow.

    import kaoping, kaoping.spark
    rb = kaoping.builtin("sc.poverty.county-assessment")
    df = spark.read.parquet("counties/")              # columns by input name or label
    results = kaoping.spark.score(df, rb, keep=["county_code"])
    results.write.parquet("scores/")

The rows travel to the Python workers and back as Arrow record batches (``mapInArrow``): each
batch Spark hands over (``spark.sql.execution.arrow.maxRecordsPerBatch`` rows, 10,000 by
default) is scored by ``rb.score_many`` and comes back as what ``.to_arrow(points=points,
ranks=False)`` gives, with profile and grade as plain strings (Spark has no dictionary type).
The rulebook travels pickled (its text; each Python worker compiles it once); the output schema
comes from ``rb.result_schema``, so no row is scored to learn it.

Each row is scored on its own, so no exactness is lost across partitions: a row gets what scoring
it alone gives, totals and points as exact ``DecimalType(38, scale)``. Ranks and rulebooks with
relative rules need the whole table and are refused; rank the totals with a window function
(see ``rank_columns``) and score relative rulebooks with ``rb.score_many`` in one process.

Indicator ids contain dots ("reduction.incidence"): in Spark, quote such column names with
backticks (``F.col("`reduction.incidence`")``).

Child tables (spec §18.5: households under villages) come as ``items={"households": hh}``, each a
Spark DataFrame: the parent table and the child tables are grouped by the join key (as the core
compares keys: trimmed, full-width digits as ASCII, ``510001.0`` as ``510001``) and cogrouped
(``groupBy(key).cogroup(...).applyInArrow``), so each parent row meets all its child rows; each
group is scored by ``score_many(parent, items={...})``.

Needs pyspark and pyarrow (kaoping itself needs neither).
"""

from __future__ import annotations

import csv
import io
import warnings
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from kaoping._kaoping import KaopingWarning, Rulebook
from kaoping._partitions import KEY, join_keys, join_of, refuse_whole_table_work

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    import pyspark.sql

__all__ = ["score", "result_schema", "rank_columns"]


def arrow_result_schema(rb: Rulebook, *, points: bool = True) -> "pyarrow.Schema":
    """``rb.result_schema(points=points, ranks=False)`` with each dictionary column (profile,
    grade) as the plain text Spark takes."""
    import pyarrow as pa

    schema = rb.result_schema(points=points, ranks=False)
    for i, field in enumerate(schema):
        if pa.types.is_dictionary(field.type):
            schema = schema.set(i, field.with_type(field.type.value_type))
    return schema


def result_schema(rb: Rulebook, *, points: bool = True) -> "pyspark.sql.types.StructType":
    """The Spark schema of what ``score`` returns (without ``keep`` columns): key (not null),
    profile, total and max (``DecimalType(38, scale)``), grade, passed, every indicator's points
    (unless ``points=False``), error_kind and error."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(arrow_result_schema(rb, points=points))


def score(
    df: "pyspark.sql.DataFrame",
    rb: Rulebook,
    *,
    points: bool = True,
    profile: str | None = None,
    as_of: Any = None,
    keep: Sequence[str] = (),
    ranks: bool = False,
    unknown: str = "warn",
    items: Mapping[str, "pyspark.sql.DataFrame"] | None = None,
) -> "pyspark.sql.DataFrame":
    """Score every row of ``df`` with ``rb`` on Spark's executors (``mapInArrow``).

    Returns a Spark DataFrame with one row per input row: the ``keep`` columns of ``df`` (an id to
    join on, say), then what ``rb.score_many(batch).to_arrow(points=points, ranks=False)`` gives,
    profile and grade as strings. Columns are read by input name or label. ``profile`` and
    ``as_of`` are as for ``score_many``. Without a ``key_field`` in the rulebook the ``key`` column
    is each row's number within its Arrow batch: keep an id column.

    ``ranks=True`` and rulebooks with relative rules are refused (ValueError): both need the
    whole table at once (``rank_columns`` ranks the result). Columns that are no input (other
    than ``keep``) are checked once, on the driver, as ``score_many`` checks them:
    ``unknown="warn"`` (one ``KaopingWarning``), ``"error"`` (``UnknownNameError``, nothing
    scored) or ``"ignore"``.

    ``items={"households": hh_df}``: child tables (one level; spec §18.5), joined as
    ``score_many(items=…)`` joins them: the parent's key column (``key_field``, by name or label)
    and each child table's join column. The parent rows and the child rows (every child table's
    rows, as CSV lines) are grouped by the join key and cogrouped, one group per key; the result's
    rows come in key order, not input order. Rows sharing a key fail with ``DuplicateKeyError`` as
    in one process. Child rows matching no parent row are not reported; find them with an
    anti-join on the key if they matter.
    """
    import pyarrow as pa
    from pyspark.sql.types import StructType

    refuse_whole_table_work(rb, ranks, "kaoping.spark.score")
    keep = list(keep)
    missing = [c for c in keep if c not in df.columns]
    if missing:
        raise KeyError(f"keep: no column {missing[0]!r} in the DataFrame")
    rb.check_columns([c for c in df.columns if c not in keep], unknown=unknown)
    arrow_schema = arrow_result_schema(rb, points=points)
    clash = [c for c in keep if c in arrow_schema.names]
    if clash:
        raise ValueError(f"keep: column {clash[0]!r} would clash with the result column of that name")
    schema = StructType([df.schema[c] for c in keep] + result_schema(rb, points=points).fields)
    if items:
        return _score_with_items(df, rb, dict(items), schema, arrow_schema, points, profile, as_of, keep)

    def score_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            # One core per task: Spark runs tasks side by side already.
            # The header was checked once, on the driver (above): quiet here.
            scored = rb.score_many(batch, profile=profile, as_of=as_of, parallel=False, unknown="ignore")
            table = scored.to_arrow(points=points, ranks=False).cast(arrow_schema)
            for name in reversed(keep):
                table = table.add_column(0, batch.schema.field(name), pa.chunked_array([batch.column(name)]))
            yield from table.to_batches()

    return df.mapInArrow(score_batches, schema)


def rank_columns(results: "pyspark.sql.DataFrame") -> "pyspark.sql.DataFrame":
    """``results`` (from ``score``) with kaoping's ``rank`` and ``profile_rank`` columns, ranked
    over the whole DataFrame as ``Batch.to_arrow()`` ranks one batch: by total, highest first,
    equal totals sharing a rank (1, 2, 2, 4: SQL's RANK), failed rows (no total) unranked, and
    rows without a profile without a profile rank. A sort of the whole table (Spark moves every
    row once)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    scored = F.col("total").isNotNull()
    overall = Window.partitionBy(scored).orderBy(F.col("total").desc())
    within = Window.partitionBy(scored, F.col("profile")).orderBy(F.col("total").desc())
    return results.withColumn("rank", F.when(scored, F.rank().over(overall))).withColumn(
        "profile_rank", F.when(scored & F.col("profile").isNotNull(), F.rank().over(within))
    )


def _cell(v: Any) -> str:
    """A cell as CSV text, as Arrow's CSV writer writes it for ``score_many(items=…)``."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _csv_line(cells: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([_cell(c) for c in cells])
    return out.getvalue()


def _score_with_items(
    df: "pyspark.sql.DataFrame",
    rb: Rulebook,
    items: dict[str, "pyspark.sql.DataFrame"],
    schema: Any,
    arrow_schema: "pyarrow.Schema",
    points: bool,
    profile: str | None,
    as_of: Any,
    keep: list[str],
) -> "pyspark.sql.DataFrame":
    """Parent rows cogrouped with their child rows by join key, each group scored with its
    child tables (see ``score``). The child tables travel as one DataFrame of (key, table, CSV
    line): Spark cogroups two DataFrames, and the core reads child tables as CSV anyway."""
    import pyarrow as pa
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    paths = list(items)
    join = join_of(rb, df.columns, {p: items[p].columns for p in paths}, "kaoping.spark.score")
    headers = {p: _csv_line(items[p].columns) for p in paths}

    def keyed(column: str) -> Any:
        def add(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for b in batches:
                keys = pa.array(join_keys(b.column(column).to_pylist()), pa.string())
                yield pa.RecordBatch.from_arrays([*b.columns, keys], names=[*b.schema.names, KEY])

        return add

    parent = df.mapInArrow(keyed(join.key), StructType([*df.schema.fields, StructField(KEY, StringType(), False)]))
    line_schema = StructType(
        [StructField(KEY, StringType(), False), StructField("table", IntegerType(), False),
         StructField("line", StringType(), False)]
    )

    def lines(which: int, column: str) -> Any:
        def to_lines(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for b in batches:
                rows = list(zip(*(c.to_pylist() for c in b.columns)))
                yield pa.RecordBatch.from_arrays(
                    [pa.array(join_keys(b.column(column).to_pylist()), pa.string()),
                     pa.array([which] * b.num_rows, pa.int32()),
                     pa.array([_csv_line(r) for r in rows], pa.string())],
                    names=[KEY, "table", "line"],
                )

        return to_lines

    parts = [items[p].mapInArrow(lines(i, join.on[p]), line_schema) for i, p in enumerate(paths)]
    children = parts[0]
    for part in parts[1:]:
        children = children.unionByName(part)

    def score_group(left: pa.Table, right: pa.Table) -> pa.Table:
        if left.num_rows == 0:
            return _empty(left, keep, arrow_schema)
        parent_rows = left.drop_columns([KEY])
        tables = right.column("table").to_pylist()
        texts = right.column("line").to_pylist()
        child = {p: headers[p] + "".join(t for w, t in zip(tables, texts) if w == i) for i, p in enumerate(paths)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", KaopingWarning)
            scored = rb.score_many(
                parent_rows, items=child, profile=profile, as_of=as_of, parallel=False, unknown="ignore"
            )
        table = scored.to_arrow(points=points, ranks=False).cast(arrow_schema)
        for name in reversed(keep):
            table = table.add_column(0, parent_rows.schema.field(name), parent_rows.column(name))
        return table

    return parent.groupBy(KEY).cogroup(children.groupBy(KEY)).applyInArrow(score_group, schema)


def _empty(left: "pyarrow.Table", keep: Sequence[str], arrow_schema: "pyarrow.Schema") -> "pyarrow.Table":
    """No parent row for this key (its child rows match none): no result row."""
    import pyarrow as pa

    fields = [left.schema.field(c) for c in keep] + list(arrow_schema)
    return pa.schema(fields).empty_table()
