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

Needs pyspark and pyarrow (kaoping itself needs neither).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

from kaoping._kaoping import Rulebook
from kaoping._partitions import refuse_whole_table_work

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
