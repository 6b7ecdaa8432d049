"""Score a Dask DataFrame inside Dask: each partition is scored where it lives.

    import dask.dataframe as dd
    import kaoping, kaoping.dask
    rb = kaoping.builtin("sc.poverty.county-assessment")
    ddf = dd.read_parquet("counties/")               # columns by input name or label
    results = kaoping.dask.score(ddf, rb)             # lazy, one result row per input row
    results.to_parquet("scores/")                     # or .compute(), .groupby("grade")...

Every partition becomes what ``rb.score_many(partition).to_pandas(ranks=False)`` gives for it,
with the partition's own index, so the results line up with ``ddf`` row for row and index for
index. The rulebook travels to the workers pickled (its text; each worker process compiles it
once). The result's ``meta`` comes from ``rb.result_schema``: no row is scored to learn it.

Each row is scored on its own, so no exactness is lost across partitions: a row gets what scoring
it alone gives. Two things need the whole table and are refused: ranks (rank the computed totals
afterwards) and rulebooks with relative rules (以最高值为满分, whose points depend on the best
value of the whole cohort); score those with ``rb.score_many`` in one process.

Child tables (spec §18.5: households under villages) come as ``items={"households": hh}``, each a
Dask DataFrame: both the parent table and each child table are shuffled by the join key (as the core
compares keys: trimmed, full-width digits as ASCII, ``510001.0`` as ``510001``) into the same number
of partitions, so that every parent row meets all its child rows in one partition, where
``score_many(part, items={...})`` joins and scores them. The result is then partitioned by key, not
like ``ddf``; each row keeps its index label.

Needs dask[dataframe], pandas and pyarrow (kaoping itself needs none of them).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from kaoping._kaoping import KaopingWarning, Rulebook
from kaoping._partitions import KEY, join_keys, join_of, refuse_whole_table_work

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe
    import pandas

__all__ = ["score", "result_meta"]


def result_meta(
    rb: Rulebook,
    *,
    points: bool = True,
    index: "pandas.Index | None" = None,
) -> "pandas.DataFrame":
    """The empty DataFrame ``rb.score_many(df).to_pandas(points=points, ranks=False)`` returns
    for any partition, column for column and dtype for dtype, made from ``rb.result_schema``
    without scoring: key, profile and grade categoricals of the rulebook's profiles and grades
    (grades ordered, worst → best),
    exact decimal columns (``pd.ArrowDtype(pa.decimal128(38, scale))``), ``passed`` (nullable
    boolean), the indicators' points, error_kind and error. ``index``: the index it carries
    (empty), e.g. the input's ``ddf._meta.index``."""
    import pandas as pd
    import pyarrow as pa

    schema = rb.result_schema(points=points, ranks=False)
    columns: dict[str, Any] = {}
    for field in schema:
        if pa.types.is_dictionary(field.type) and field.name == "grade":
            columns[field.name] = pd.Categorical.from_codes([], list(reversed(rb.grades)), ordered=True)
        elif pa.types.is_dictionary(field.type):
            columns[field.name] = pd.Categorical.from_codes([], rb.profiles)
        elif pa.types.is_boolean(field.type):
            columns[field.name] = pd.array([], dtype="boolean")
        elif pa.types.is_decimal(field.type):
            columns[field.name] = pd.array([], dtype=pd.ArrowDtype(field.type))
        else:
            # Text: as pyarrow hands it to pandas (the pandas version's default string dtype).
            columns[field.name] = pa.array([], pa.large_string()).to_pandas()
    meta = pd.DataFrame(columns)
    if index is not None:
        meta.index = index[:0]
    return meta


def _score_partition(
    part: "pandas.DataFrame",
    rb: Rulebook,
    points: bool,
    profile: str | None,
    as_of: Any,
    keep: Sequence[str],
) -> "pandas.DataFrame":
    # One core per partition: Dask runs partitions side by side already.
    # The header was checked once, before the partitions went out (score): quiet here.
    batch = rb.score_many(part, profile=profile, as_of=as_of, parallel=False, unknown="ignore")
    out = batch.to_pandas(points=points, ranks=False)
    if keep:
        out = part[list(keep)].join(out)
    return out


def _score_with_items(
    part: "pandas.DataFrame",
    *children: "pandas.DataFrame",
    rb: Rulebook,
    paths: Sequence[str],
    points: bool,
    profile: str | None,
    as_of: Any,
    keep: Sequence[str],
) -> "pandas.DataFrame":
    part = part.drop(columns=[KEY])
    items = {p: c.drop(columns=[KEY]) for p, c in zip(paths, children)}
    with warnings.catch_warnings():
        # Child rows matching no parent row are said per partition: see `score`'s docstring.
        warnings.simplefilter("ignore", KaopingWarning)
        batch = rb.score_many(part, items=items, profile=profile, as_of=as_of, parallel=False, unknown="ignore")
    out = batch.to_pandas(points=points, ranks=False)
    if keep:
        out = part[list(keep)].join(out)
    return out


def _keyed(ddf: "dask.dataframe.DataFrame", column: str, npartitions: int) -> "dask.dataframe.DataFrame":
    """``ddf`` with its join keys in the column ``KEY``, shuffled by them into ``npartitions``."""
    import pandas as pd

    def keys(part: "pandas.DataFrame") -> "pandas.DataFrame":
        return part.assign(**{KEY: pd.Series(join_keys(part[column].tolist()), index=part.index, dtype=object)})

    meta = ddf._meta.assign(**{KEY: pd.Series([], dtype=object)})
    return ddf.map_partitions(keys, meta=meta).shuffle(on=KEY, npartitions=npartitions)


def score(
    ddf: "dask.dataframe.DataFrame",
    rb: Rulebook,
    *,
    points: bool = True,
    profile: str | None = None,
    as_of: Any = None,
    keep: Sequence[str] = (),
    ranks: bool = False,
    unknown: str = "warn",
    items: Mapping[str, "dask.dataframe.DataFrame"] | None = None,
    npartitions: int | None = None,
) -> "dask.dataframe.DataFrame":
    """Score every row of ``ddf`` with ``rb``, partition by partition (``map_partitions``).

    Returns a lazy Dask DataFrame with one row per input row, partitioned and indexed like
    ``ddf``: what ``rb.score_many(partition).to_pandas(points=points, ranks=False)`` gives for
    each partition, after the ``keep`` columns of ``ddf`` (an id column to join on, say). Columns
    are read by input name or label, with any dtype ``score_many`` reads (NumPy, nullable, and the
    pyarrow-backed strings Dask uses by default). ``profile`` and ``as_of`` are as for
    ``score_many``. Without a ``key_field`` in the rulebook the ``key`` column is each row's
    number within its partition: keep an id column or use the index.

    ``ranks=True`` and rulebooks with relative rules are refused (ValueError): both need the
    whole table at once. Columns that are no input (other than ``keep``) are checked once, here,
    as ``score_many`` checks them: ``unknown="warn"`` (one ``KaopingWarning``), ``"error"``
    (``UnknownNameError``, nothing scored) or ``"ignore"``.

    ``items={"households": hh_ddf}``: child tables (one level; spec §18.5), joined as
    ``score_many(items=…)`` joins them: the parent's key column (``key_field``, by name or label)
    and each child table's join column. Both sides are shuffled by the join key into
    ``npartitions`` partitions (default: the parent's), so the result is partitioned by key, each
    row with its input index label. Rows sharing a key fail with ``DuplicateKeyError`` as in one
    process (they meet in one partition). Child rows matching no parent row are not reported
    (each partition sees its own); find them with an anti-join on the key if they matter.
    """
    refuse_whole_table_work(rb, ranks, "kaoping.dask.score")
    keep = list(keep)
    missing = [c for c in keep if c not in ddf.columns]
    if missing:
        raise KeyError(f"keep: no column {missing[0]!r} in the DataFrame")
    rb.check_columns([str(c) for c in ddf.columns if c not in keep], unknown=unknown)
    meta = result_meta(rb, points=points, index=ddf._meta.index)
    clash = [c for c in keep if c in meta.columns]
    if clash:
        raise ValueError(f"keep: column {clash[0]!r} would clash with the result column of that name")
    if keep:
        meta = ddf._meta[keep].join(meta)
    if items:
        import dask.dataframe as dd

        paths = list(items)
        join = join_of(rb, list(ddf.columns), {p: list(items[p].columns) for p in paths}, "kaoping.dask.score")
        n = npartitions or ddf.npartitions
        parent = _keyed(ddf, join.key, n)
        children = [_keyed(items[p], join.on[p], n) for p in paths]
        return dd.map_partitions(
            _score_with_items,
            parent,
            *children,
            rb=rb,
            paths=paths,
            points=points,
            profile=profile,
            as_of=as_of,
            keep=keep,
            meta=meta,
            align_dataframes=False,
        )
    return ddf.map_partitions(
        _score_partition,
        rb,
        points,
        profile,
        as_of,
        keep,
        meta=meta,
    )
