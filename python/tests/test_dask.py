"""`kaoping.dask.score` on a `distributed.LocalCluster` of two worker processes (so the rulebook
really travels pickled) gives, value for value and dtype for dtype, what `score_many` gives in one
process; its `meta` is made without scoring; whole-table work is refused."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

import kaoping
import kaoping.dask
from kaoping import _kaoping
from cabdata import cab_arrow, cab_columns, cab_pandas
from conftest import load_vector, native_record, rulebook_of, vector_names

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

N = 4_000
BAD = [6, 1999, 3998]  # rows given no income growth: MissingInput in their slots


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def cab() -> kaoping.Rulebook:
    return rulebook_of(load_vector("cab"))


@pytest.fixture(scope="module")
def frame() -> Any:
    df = cab_pandas(cab_columns(N, 7))
    df.loc[BAD, "income_growth"] = float("nan")
    df.insert(0, "row_id", range(1000, 1000 + N))
    return df


def one_process(rb: kaoping.Rulebook, df: Any, points: bool = True) -> Any:
    # row_id is carried, not scored (the helpers leave kept columns out of the check).
    return rb.score_many(df, parallel=False, unknown="ignore").to_pandas(points=points, ranks=False)


ROW = r"^record row (\d+)\b"


def same(got: Any, want: Any, ddf: Any, keyed: bool = False) -> None:
    """`got` (from Dask) is `want` (one process) value for value and dtype for dtype, except that
    row numbers (in error messages, and the key of a rulebook without a key field) count within
    each partition."""
    lengths = ddf.map_partitions(len).compute().tolist()
    numbers = [str(i + 1) for n in lengths for i in range(n)]
    if not keyed:
        assert got["key"].tolist() == numbers
    failed = got["error"].notna()
    assert got["error"][failed].str.extract(ROW)[0].tolist() == [n for n, f in zip(numbers, failed) if f]
    unnumbered = {"error": lambda d: d["error"].str.replace(ROW, "record row", regex=True)}
    if not keyed:
        unnumbered["key"] = None
    pd.testing.assert_frame_equal(
        got.assign(**unnumbered), want.assign(**unnumbered), check_exact=True, check_index_type=False
    )


@pytest.mark.parametrize("points", [True, False])
def test_dask_scores_like_one_process(client: Any, cab: kaoping.Rulebook, frame: Any, points: bool) -> None:
    ddf = dd.from_pandas(frame, npartitions=8)
    got = kaoping.dask.score(ddf, cab, points=points, unknown="ignore").compute()
    same(got, one_process(cab, frame, points=points), ddf)
    # Each row keeps its slot: the failed rows are the ones made bad, with their error.
    assert got.index[got["error_kind"].notna()].tolist() == BAD
    assert set(got.loc[BAD, "error_kind"]) == {"MissingInput"}
    # The rulebook reached the workers pickled, and each worker compiled it at most once for all
    # its partitions, in both runs (the first rulebook this cluster's workers see).
    compiled = list(client.run(_kaoping._unpickle_compilations).values())
    assert len(compiled) == 2 and all(c <= 1 for c in compiled) and sum(compiled) >= 1, compiled


def test_keys_of_another_column_and_rows_by_index(client: Any, cab: kaoping.Rulebook, frame: Any) -> None:
    ddf = dd.from_pandas(frame.set_index("row_id"), npartitions=4)
    got = kaoping.dask.score(ddf, cab, keep=["region"], points=False).compute()
    want = one_process(cab, frame.set_index("row_id"), points=False)
    assert got.columns.tolist() == ["region"] + want.columns.tolist()
    same(got.drop(columns="region"), want, ddf)
    assert got.index.tolist() == list(range(1000, 1000 + N))
    assert (got["region"] == frame.set_index("row_id")["region"]).all()


def test_ranks_afterwards_as_the_readme_says(client: Any, cab: kaoping.Rulebook, frame: Any) -> None:
    got = kaoping.dask.score(dd.from_pandas(frame, npartitions=4), cab, points=False, unknown="ignore").compute()
    rank = got["total"].rank(method="min", ascending=False).astype("Int64")
    profile_rank = got["total"].astype(object).groupby(got["profile"], observed=True).rank(method="min", ascending=False)
    want = cab.score_many(frame, unknown="ignore").to_pandas(points=False)
    pd.testing.assert_series_equal(rank, want["rank"], check_names=False)
    pd.testing.assert_series_equal(profile_rank.astype("Int64"), want["profile_rank"], check_names=False)
    assert want["rank"].isna().sum() == len(BAD)


def test_pyarrow_dtypes_in(client: Any, cab: kaoping.Rulebook) -> None:
    # Arrow-backed columns, as Dask makes of strings by default and of Parquet with pyarrow dtypes.
    table = cab_arrow(cab_columns(N, 11))
    df = table.to_pandas(types_mapper=pd.ArrowDtype)
    ddf = dd.from_pandas(df, npartitions=3)
    assert all(isinstance(t, pd.ArrowDtype) for t in ddf.dtypes)
    got = kaoping.dask.score(ddf, cab, unknown="ignore").compute()
    same(got, one_process(cab, table), ddf)
    strings = dd.from_pandas(cab_pandas(cab_columns(500, 3)).astype({"region": object}), npartitions=2)
    got = kaoping.dask.score(strings, cab, unknown="ignore").compute()
    same(got, one_process(cab, strings.compute()), strings)


def test_components_travel_to_the_workers(client: Any) -> None:
    v = load_vector("sc.poverty.county-combined")
    rb = rulebook_of(v)
    frame = pd.DataFrame.from_records([native_record(rb, c["record"]) for c in v["cases"]])
    # Its marks are lists in an object column, which Dask would otherwise turn into text.
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(frame, npartitions=2)
    got = kaoping.dask.score(ddf, rb, unknown="ignore").compute()
    assert rb.key_field and got["error"].notna().sum() == 2
    same(got, one_process(rb, frame), ddf, keyed=True)


@pytest.mark.parametrize("name", [n for n in vector_names() if "load_error" not in load_vector(n)])
def test_meta_is_what_a_partition_gives(name: str) -> None:
    v = load_vector(name)
    rb = rulebook_of(v)
    records = [native_record(rb, c["record"]) for c in v["cases"]]
    index = pd.RangeIndex(0)
    for points in (True, False):
        meta = kaoping.dask.result_meta(rb, points=points, index=index)
        for batch in (rb.score_many(records, unknown="ignore"), rb.score_many([])):
            part = batch.to_pandas(points=points, ranks=False)
            assert len(meta) == 0
            pd.testing.assert_frame_equal(meta, part.iloc[:0], check_index_type=False)
            assert meta.dtypes.equals(part.dtypes)


def test_whole_table_work_is_refused(cab: kaoping.Rulebook, frame: Any) -> None:
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ValueError, match="ranks rank the whole table"):
        kaoping.dask.score(ddf, cab, ranks=True)
    relative = rulebook_of(load_vector("relative"))
    assert relative.has_relative_rules and not cab.has_relative_rules
    with pytest.raises(ValueError, match="relative rules"):
        kaoping.dask.score(ddf, relative)
    with pytest.raises(KeyError, match="no column 'county'"):
        kaoping.dask.score(ddf, cab, keep=["county"])
    with pytest.raises(ValueError, match="clash"):
        kaoping.dask.score(ddf.rename(columns={"row_id": "total"}), cab, keep=["total"])


def test_columns_that_are_no_input_are_checked_once_on_the_client(client: Any, cab: kaoping.Rulebook, frame: Any) -> None:
    ddf = dd.from_pandas(frame, npartitions=4)
    with pytest.warns(kaoping.KaopingWarning, match='"row_id"') as w:
        lazy = kaoping.dask.score(ddf, cab, points=False)
    assert len(w) == 1, "one warning for the whole table, not one per partition"
    lazy.compute()  # the partitions say nothing more (warnings are errors in these tests)
    kaoping.dask.score(ddf, cab, keep=["row_id"], points=False)  # a kept column is not checked
    with pytest.raises(kaoping.UnknownNameError, match="row_id"):
        kaoping.dask.score(ddf, cab, unknown="error")


def test_items_recipe_scores_like_one_process(client: Any) -> None:
    """Child tables (spec §18.5): villages and their households, both shuffled by the join key,
    give each village what `score_many(villages, items={"households": …})` gives it."""
    from itemsdata import RULEBOOK, villages_and_households

    rb = kaoping.builtin(RULEBOOK)
    villages, households = villages_and_households(300, 5)
    with pytest.warns(kaoping.KaopingWarning, match="match no parent row"):
        one = rb.score_many(villages, items={"households": households}, parallel=False, unknown="ignore")
    want = one.to_pandas(ranks=False)
    assert one.summary["failed"] == 2 and want["passed"].any() and not want["passed"].all()
    got = kaoping.dask.score(
        dd.from_pandas(villages, npartitions=3),
        rb,
        items={"households": dd.from_pandas(households, npartitions=4)},
        keep=["row_id"],
        unknown="ignore",
        npartitions=4,
    ).compute()
    assert got.index.tolist() != sorted(got.index)  # partitioned by key, not like the input
    got = got.sort_index()
    assert (got["row_id"] == villages["row_id"]).all()
    # Row numbers in messages count within each partition.
    rows_said = {"error": lambda d: d["error"].str.replace(r"rows? [\d, ]+", "row … ", regex=True)}
    pd.testing.assert_frame_equal(
        got.drop(columns="row_id").assign(**rows_said), want.assign(**rows_said), check_exact=True,
        check_index_type=False,
    )
    assert set(got.loc[[6, 7], "error_kind"]) == {"DuplicateKey"}


def test_items_recipe_refuses_what_it_cannot_partition(client: Any) -> None:
    from itemsdata import RULEBOOK, villages_and_households

    rb = kaoping.builtin(RULEBOOK)
    villages, households = villages_and_households(10, 1)
    ddf, hh = dd.from_pandas(villages, npartitions=1), dd.from_pandas(households, npartitions=1)
    with pytest.raises(ValueError, match="one level of child tables"):
        kaoping.dask.score(ddf, rb, items={"households.members": hh}, unknown="ignore")
    with pytest.raises(KeyError, match="no key column"):
        kaoping.dask.score(ddf.drop(columns="村名"), rb, items={"households": hh}, unknown="ignore")
    with pytest.raises(kaoping.InputError, match="holding its parent's key"):
        kaoping.dask.score(ddf, rb, items={"households": hh.drop(columns="所在村")}, unknown="ignore")
