"""Tables scored on the typed columnar path (`Rulebook.score_many` on a DataFrame, an Arrow table or
a polars DataFrame hands the core typed columns, `kaoping::Columns`, without a record per row) give
exactly what the record path gives for the same values: every golden vector and a CAB workload,
through pyarrow, pandas and polars, with NaN, infinities, nulls, bad text and a variety of types."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any, Callable

import pytest

import kaoping
from cabdata import CENTS, cab_arrow, cab_columns, cab_pandas, cab_records
from conftest import load_vector, native_record, rulebook_of, vector_names
from test_vectors import check_batch

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

TYPED = "typed columns"


def rows_of(b: kaoping.Batch) -> list[dict[str, Any]]:
    """Every row of the compact table plus what only `Result`/`KaopingError` say."""
    out = []
    for row, e in zip(b.to_arrow().to_pylist(), b.errors):
        row["error_field"] = e and e.field
        row["error_row"] = e and e.row
        out.append(row)
    return out


def same(typed: kaoping.Batch, records: kaoping.Batch, how: str) -> list[str]:
    """Row-by-row differences between a batch scored on the typed path and on the record path."""
    assert typed._path == TYPED, f"[{how}] scored on the {typed._path} path"
    assert records._path != TYPED
    bad = []
    for i, (t, r) in enumerate(zip(rows_of(typed), rows_of(records))):
        if t != r:
            diff = {k: (t[k], r.get(k)) for k in t if t[k] != r.get(k)}
            bad.append(f"[{how}] row {i + 1}: typed vs records {diff}")
    if typed.summary != records.summary:
        bad.append(f"[{how}] summary: {typed.summary} vs {records.summary}")
    return bad


# --- Building tables from a vector's records ------------------------------------------------------


def plain(v: Any) -> str:
    """A value as a spreadsheet cell would hold it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def natural(ty: str, v: Any) -> bool:
    """Whether a value has the Python type an analyst's column of that input would have."""
    if v is None:
        return True
    if ty == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if ty == "decimal":
        return isinstance(v, Decimal) and v.is_finite()
    if ty == "boolean":
        return isinstance(v, bool)
    return isinstance(v, str)


TEXT_TYPES = [pa.string(), pa.large_string(), pa.string_view(), pa.dictionary(pa.int32(), pa.string())]


def arrow_column(ty: str, values: list[Any], k: int) -> Any:
    """An Arrow column of one input: its natural type when every value has it (decimals as
    decimal128 at the largest scale they use), else text cells. `k` varies integer widths and text
    encodings between columns."""
    if all(v is None for v in values):
        return pa.nulls(len(values))
    if not all(natural(ty, v) for v in values):
        return pa.array([None if v is None else plain(v) for v in values], TEXT_TYPES[k % 4])
    if ty == "integer":
        fits32 = all(v is None or -(2**31) <= v < 2**31 for v in values)
        return pa.array(values, pa.int32() if fits32 and k % 2 else pa.int64())
    if ty == "decimal":
        exps = [-v.as_tuple().exponent for v in values if v is not None]
        scale = max(0, *exps)
        digits = max(len(v.quantize(Decimal(1).scaleb(-scale)).as_tuple().digits) for v in values if v is not None)
        if digits > 38:
            return pa.array([None if v is None else plain(v) for v in values], pa.string())
        return pa.array(values, pa.decimal128(max(digits, scale, 1), scale))
    if ty == "boolean":
        return pa.array(values, pa.bool_())
    return pa.array(values, TEXT_TYPES[k % 4])


def vector_tables(rb: kaoping.Rulebook, records: list[dict[str, Any]]) -> Any:
    """A pyarrow Table of the records, or None when the rulebook takes lists (`numbers`, `items`:
    the record path) or a record has a field that is no input (an error a table cannot make)."""
    inputs = {i.name: i for i in rb.inputs}
    if any(i.type in ("numbers", "items") for i in rb.inputs):
        return None
    if any(k not in inputs for r in records for k in r):
        return None
    names = [n for n in inputs if any(n in r for r in records)]
    cols = {n: arrow_column(inputs[n].type, [r.get(n) for r in records], k) for k, n in enumerate(names)}
    return pa.table(cols) if cols else pa.table({"_": pa.nulls(len(records))})


def as_pandas(table: Any) -> Any:
    """The DataFrame an analyst would have: nullable integers and booleans, decimals as float64
    where the float's repr is the decimal (else Decimal objects), text as object."""
    out = {}
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        values = col.to_pylist()
        if pa.types.is_integer(t):
            out[name] = pd.array(values, dtype="Int64")
        elif pa.types.is_boolean(t):
            out[name] = pd.array(values, dtype="boolean")
        elif pa.types.is_decimal(t):
            floats = [math.nan if v is None else float(v) for v in values]
            exact = all(v is None or Decimal(repr(f)) == v for v, f in zip(values, floats))
            out[name] = np.array(floats) if exact else pd.Series(values, dtype=object)
        else:
            out[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(out, index=range(table.num_rows))


def scoring_groups(v: dict[str, Any]) -> dict[tuple[Any, Any], list[int]]:
    """The cases of a vector by (profile, as_of): each group is scored as one batch."""
    if v.get("batch"):
        return {(None, None): list(range(len(v["cases"])))}
    groups: dict[tuple[Any, Any], list[int]] = {}
    for i, c in enumerate(v["cases"]):
        groups.setdefault((c.get("profile"), c.get("as_of")), []).append(i)
    return groups


TABLE_VECTORS = [n for n in vector_names() if "load_error" not in load_vector(n)]


@pytest.mark.parametrize("name", TABLE_VECTORS)
def test_golden_vector_as_tables(name: str) -> None:
    v = load_vector(name)
    rb = rulebook_of(v)
    records = [native_record(rb, c["record"]) for c in v["cases"]]
    if vector_tables(rb, records) is None:
        pytest.skip("lists or unknown fields: the record path")
    bad: list[str] = []
    for (profile, as_of), ix in scoring_groups(v).items():
        recs = [records[i] for i in ix]
        opts: dict[str, Any] = {"profile": profile, "as_of": datetime.date.fromisoformat(as_of) if as_of else None}
        table = vector_tables(rb, recs)
        try:
            want = rb.score_many(recs, parallel=False, **opts)
        except kaoping.KaopingError as e:  # an option the rulebook refuses: refused either way
            with pytest.raises(type(e)):
                rb.score_many(table, **opts)
            continue
        bad += same(rb.score_many(table, parallel=False, **opts), want, f"Arrow {profile} {as_of}")
        bad += same(rb.score_many(table, **opts), want, f"Arrow parallel {profile} {as_of}")
        frame = as_pandas(table)
        got = rb.score_many(frame, **opts)
        if got._path == TYPED:  # an object column of mixed values goes cell by cell
            bad += same(got, want, f"DataFrame {profile} {as_of}")
        # Explanations on demand from the typed columns, without scoring the batch again.
        typed = rb.score_many(table, **opts)
        for i in range(len(recs)):
            r, w = typed.result(i), want.result(i)
            if (r and r.to_dict()) != (w and w.to_dict()):
                bad.append(f"row {ix[i] + 1}: explanation differs")
    if v.get("batch"):
        bad += check_batch(v, rb.score_many(vector_tables(rb, records)), "Arrow vs the vector")
    assert not bad, "\n".join(bad)


def test_enough_vectors_go_through_tables() -> None:
    typed = 0
    for name in TABLE_VECTORS:
        v = load_vector(name)
        rb = rulebook_of(v)
        if vector_tables(rb, [native_record(rb, c["record"]) for c in v["cases"]]) is not None:
            typed += 1
    assert typed >= 30, typed


# --- CAB ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cab() -> kaoping.Rulebook:
    return rulebook_of(load_vector("cab"))


N_CAB = 20_000


@pytest.fixture(scope="module")
def cab_data() -> dict[str, Any]:
    return cab_columns(N_CAB, 42)


@pytest.fixture(scope="module")
def cab_want(cab: kaoping.Rulebook, cab_data: dict[str, Any]) -> kaoping.Batch:
    return cab.score_many(cab_records(cab_data))


def test_cab_arrow_decimal128(cab: kaoping.Rulebook, cab_data: dict[str, Any], cab_want: kaoping.Batch) -> None:
    table = cab_arrow(cab_data)
    assert table.schema.field("funds_spent").type == pa.decimal128(18, 2)
    assert table.column("income_growth")[0].as_py() == Decimal(int(cab_data["income_growth"][0])).scaleb(-2)
    assert not same(cab.score_many(table, parallel=False), cab_want, "Arrow")
    assert not same(cab.score_many(table.to_batches()[0]), cab_want, "RecordBatch")


@pytest.mark.parametrize("counts, money", [(pa.int32(), None), (pa.int64(), pa.float64())])
def test_cab_arrow_in_uneven_chunks(
    cab: kaoping.Rulebook, cab_data: dict[str, Any], cab_want: kaoping.Batch, counts: Any, money: Any
) -> None:
    """Chunks of odd lengths, each a slice that starts mid-byte of its buffers and at an offset
    into its numbers, read in place by the core; a chunk boundary inside a run of 4,096 rows
    scored together, which the core reads across the two chunks."""
    table = cab_arrow(cab_data)
    # The counts as int32 (as the Parquet copy from gen.py holds them) or int64; the money as
    # decimal128 or float64.
    def field(f: Any) -> Any:
        if f.type == pa.int64():
            return pa.field(f.name, counts)
        if f.name in CENTS and money is not None:
            return pa.field(f.name, money)
        return f

    table = table.cast(pa.schema([field(f) for f in table.schema]))
    n = table.num_rows
    cuts = [0, 3, 70, 200, 201, 5000, n]
    pieces = [table.slice(a, b - a) for a, b in zip(cuts, cuts[1:])]
    chunked = pa.concat_tables(pieces)
    assert chunked.column("falsified").num_chunks == len(pieces) and chunked.column("falsified").type == pa.bool_()
    assert chunked.column("sampled").type == counts
    assert chunked.column("funds_spent").type == (money or pa.decimal128(18, 2))
    got = cab.score_many(chunked, parallel=False)
    assert got._path == "typed columns"
    assert not same(got, cab_want, "Arrow, uneven chunks")


def test_cab_pandas_floats(cab: kaoping.Rulebook, cab_data: dict[str, Any], cab_want: kaoping.Batch) -> None:
    df = cab_pandas(cab_data)
    assert df["funds_spent"].dtype == np.float64
    assert not same(cab.score_many(df), cab_want, "DataFrame")
    cat = df.assign(region=df["region"].astype("category"))
    assert not same(cab.score_many(cat), cab_want, "DataFrame, categorical region")


def test_cab_polars(cab: kaoping.Rulebook, cab_data: dict[str, Any], cab_want: kaoping.Batch) -> None:
    pl = pytest.importorskip("polars")
    df = pl.from_arrow(cab_arrow(cab_data))
    assert not same(cab.score_many(df), cab_want, "polars")
    floats = pl.from_pandas(cab_pandas(cab_data))
    assert floats["funds_spent"].dtype == pl.Float64
    assert not same(cab.score_many(floats), cab_want, "polars, float64")


def test_cab_reference_totals(cab: kaoping.Rulebook) -> None:
    """The CLI's 50 CAB rows against the independent reference's totals and grades."""
    root = kaoping_root()
    table = pacsv.read_csv(
        root / "cli/tests/data/cab-50.csv",
        convert_options=pacsv.ConvertOptions(column_types={c: pa.decimal128(14, 2) for c in CENTS}),
    )
    ref = pacsv.read_csv(root / "cli/tests/data/cab-50.reference.csv",
                          convert_options=pacsv.ConvertOptions(column_types={"total": pa.string()}))
    out = cab.score_many(table).to_arrow()
    assert [str(t) if t is not None else "" for t in out.column("total").to_pylist()] == [
        t or "" for t in ref.column("total").to_pylist()
    ]
    assert out.column("grade").to_pylist() == ref.column("grade").to_pylist()


def kaoping_root() -> Any:
    from conftest import ROOT

    return ROOT


pacsv = pytest.importorskip("pyarrow.csv")


# --- Cells: NaN, infinities, nulls, bad text, types -----------------------------------------------

SMALL = """
[rulebook]
id = "t.cells"
title = "cells"
version = "1"
scale = 2

[inputs]
n = { type = "integer", min = 0 }
x = { type = "decimal", required = false }
ok = { type = "boolean", default = false }
kind = { type = "text", values = ["a", "b"], default = "a" }

[[indicator]]
id = "n"
label = "n"
points = 50
linear = { input = "n", from = [0, 0], to = [10, 50] }

[[indicator]]
id = "x"
label = "x"
points = 40
linear = { input = "x", from = [0, 0], to = [1, 40] }

[[indicator]]
id = "ok"
label = "ok"
points = 10
check = { when = "ok" }

[[grade]]
label = "好"
at_least = 60
[[grade]]
label = "差"
"""


@pytest.fixture(scope="module")
def small() -> kaoping.Rulebook:
    return kaoping.Rulebook.from_str(SMALL)


def outcomes(b: kaoping.Batch) -> list[tuple[Any, ...]]:
    return [(r["total"], r["grade"], r["error_kind"], e and e.field) for r, e in zip(b.to_arrow().to_pylist(), b.errors)]


def test_float_cells(small: kaoping.Rulebook) -> None:
    x = [0.5, math.nan, math.inf, -math.inf, None, 0.1, 1e300]
    t = pa.table({"n": pa.array([10] * 7, pa.int64()), "x": pa.array(x, pa.float64())})
    b = small.score_many(t)
    assert b._path == TYPED
    got = outcomes(b)
    assert got[0] == (Decimal("70.00"), "好", None, None)
    assert got[1][2:] == ("InputType", "x")  # a NaN value is refused, not taken as missing
    assert got[2][2:] == ("InputType", "x") and got[3][2:] == ("InputType", "x")
    assert got[4][:3] == (Decimal("50.00"), "差", None)  # a null is missing (x is optional)
    assert got[5][0] == Decimal("54.00")  # 0.1 by its repr: 4 points exactly
    assert got[6][2] is not None  # beyond any decimal: that row's error, the others kept
    # The same values one by one.
    for i, v in enumerate(x):
        rec = {"n": 10, "x": v}
        try:
            r = small.score(rec)
        except kaoping.KaopingError as e:
            assert (got[i][2], got[i][3]) == (e.kind, e.field)
        else:
            assert got[i][:2] == (r.total, r.grade)
    # pandas: NaN in a float column is missing (pandas' own marker); inf stays an error.
    df = pd.DataFrame({"n": [10] * 4, "x": [0.5, math.nan, math.inf, None]})
    got = outcomes(small.score_many(df))
    assert got[1][:3] == (Decimal("50.00"), "差", None) and got[3] == got[1]
    assert got[2][2:] == ("InputType", "x")


def test_numpy_columns_mean_what_pyarrow_makes_of_them(small: kaoping.Rulebook) -> None:
    """NumPy floats without NaN and NumPy booleans skip pyarrow's conversion of a DataFrame (their
    buffers go over as they are); every column must score as pyarrow's `from_pandas` conversion
    of the same frame does, whichever way it went."""
    n = np.array([10, 4, 0, 7, 3, 2])
    x = [0.5, 0.1, 0.25, math.inf, 1.0, 0.3]
    ok = np.array([True, False, True, True, False, True])
    frames = {
        "float64, inf": pd.DataFrame({"n": n, "x": np.array(x), "ok": ok}),
        "float32": pd.DataFrame({"n": n, "x": np.array(x, np.float32), "ok": ok}),
        "float64, NaN": pd.DataFrame({"n": n, "x": np.array([*x[:3], math.nan, *x[4:]]), "ok": ok}),
        "booleans as integers": pd.DataFrame({"n": ok, "x": np.array(x)}),
        "integers as booleans": pd.DataFrame({"n": n, "ok": n.astype(np.float64)}),
        "a boolean view of other bytes": pd.DataFrame({"n": n, "ok": np.array([0, 1, 2, 255, 0, 7], np.uint8).view(bool)}),
        "a strided column": pd.DataFrame(np.array([[1.0, 0.5], [2.0, 0.25], [3.0, 0.75]]), columns=["n", "x"]),
    }
    for how, df in frames.items():
        got = small.score_many(df)
        want = small.score_many(pa.Table.from_pandas(df, preserve_index=False))
        assert got._path == want._path == TYPED, how
        assert outcomes(got) == outcomes(want), how
        assert got.to_arrow().equals(want.to_arrow()), how
    # NaN is missing: 35 points for n = 7, none for x, 10 for ok.
    assert outcomes(small.score_many(frames["float64, NaN"]))[3][:3] == (Decimal("45.00"), "差", None)


# `kind` is worth 10 points when it is "b".
KIND_SCORES = SMALL.replace('id = "x"\nlabel = "x"\npoints = 40\nlinear = { input = "x", from = [0, 0], to = [1, 40] }',
                            'id = "b"\nlabel = "b"\npoints = 40\ncheck = { when = \'kind in ["b"]\' }')


@pytest.mark.parametrize("key", [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(),
                                 pa.uint32(), pa.uint64()])
def test_dictionary_chunks_of_every_key_type(key: Any) -> None:
    """Text dictionaries in chunks with dictionaries of their own: one without nulls, one with a
    null key (and a value the input does not allow), one whose dictionary holds a null, one
    without nulls again. The typed path reads the keys as stored; it must score as the records."""
    small = kaoping.Rulebook.from_str(KIND_SCORES)
    kind = pa.chunked_array([
        pa.DictionaryArray.from_arrays(pa.array([0, 1, 1, 0], key), pa.array(["a", "b"])),
        pa.DictionaryArray.from_arrays(pa.array([1, None, 0], key), pa.array(["c", "b"])),
        pa.DictionaryArray.from_arrays(pa.array([2, 0, 1], key), pa.array(["b", None, "a"])),
        pa.DictionaryArray.from_arrays(pa.array([0, 0, 1], key), pa.array(["b", "a"])),
    ])
    t = pa.table({"n": pa.array(range(len(kind)), pa.int64()), "kind": kind})
    got = small.score_many(t, parallel=False)
    assert not same(got, small.score_many(t.to_pylist()), f"dictionary<{key}>")
    assert [r[2] for r in outcomes(got)].count("InputOutOfRange") == 1  # "c"


def test_bad_text_cells_fail_their_rows_only(small: kaoping.Rulebook) -> None:
    t = pa.table({
        "n": pa.array(["10", "x", "", None, "5", "-1", "3.0"], pa.string()),
        "x": pa.array(["0.25", "0.5", "0.5", "0.5", "abc", "0.5", "1"], pa.large_string()),
        "ok": pa.array(["true", "false", "是", "no", "1", "maybe", None], pa.string_view()),
        "kind": pa.array(["a", "b", "a", "a", "b", "a", "c"], pa.string()),
    })
    b = small.score_many(t)
    assert b._path == TYPED
    want = small.score_many(t.to_pylist())
    assert not same(b, want, "text cells")
    kinds = [r[2] for r in outcomes(b)]
    assert kinds[0] is None and kinds[1] is not None and kinds[3] is not None and kinds[4] is not None
    assert b.summary["ok"] + b.summary["failed"] == 7
    assert outcomes(b)[0][:2] == (Decimal("70.00"), "好")  # 50 + 10 + 10


def test_dtype_variety(small: kaoping.Rulebook) -> None:
    n = [10, 4, 0, 7]
    x = ["0.5", "0.25", "0", "1"]
    ok = [True, False, None, True]
    want = outcomes(small.score_many([{"n": a, "x": Decimal(b), "ok": c} for a, b, c in zip(n, x, ok)]))
    ints = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()]
    decimals = [pa.decimal128(5, 2), pa.decimal256(40, 3), pa.float32(), pa.float64(), pa.string(),
                pa.dictionary(pa.int8(), pa.string())]
    for k, it in enumerate(ints):
        for dt in decimals[k % len(decimals):] + decimals[: k % len(decimals)][:1]:
            if pa.types.is_decimal(dt):
                xs = pa.array([Decimal(v) for v in x], dt)
            elif pa.types.is_floating(dt):
                xs = pa.array([float(v) for v in x], dt)
            else:
                xs = pa.array(x, pa.string()).cast(dt)
            t = pa.table({"n": pa.array(n, it), "x": xs, "ok": pa.array(ok, pa.bool_())})
            b = small.score_many(t)
            assert b._path == TYPED, (it, dt)
            assert outcomes(b) == want, (it, dt)
    # Integral floats fill an integer input; a fraction is that row's error.
    t = pa.table({"n": pa.array([10.0, 4.5]), "x": pa.array([Decimal("0.5")] * 2)})
    got = outcomes(small.score_many(t))
    assert got[0][0] == Decimal("70.00") and got[1][2:] == ("InputType", "n")
    # Chunked columns with differing chunk layouts.
    t = pa.Table.from_batches([pa.record_batch({"n": pa.array([10], pa.int64()), "x": pa.array([0.5])}),
                               pa.record_batch({"n": pa.array([4], pa.int64()), "x": pa.array([0.25])})])
    assert [r[0] for r in outcomes(small.score_many(t))] == [Decimal("70.00"), Decimal("30.00")]
    # A whole column of nulls: every row misses it.
    t = pa.table({"n": pa.nulls(2), "x": pa.array([0.5, 0.5])})
    assert [r[2:] for r in outcomes(small.score_many(t))] == [("MissingInput", "n")] * 2


def test_values_in_a_uint64_beyond_i64(small: kaoping.Rulebook) -> None:
    t = pa.table({"n": pa.array([10, 2**64 - 1], pa.uint64())})
    got = outcomes(small.score_many(t))
    want = outcomes(small.score_many([{"n": 10}, {"n": 2**64 - 1}]))
    assert got == want and got[1][2] is not None


def test_duplicate_column_names(small: kaoping.Rulebook) -> None:
    t = pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["n", "n"])
    with pytest.raises(kaoping.InputError, match="both fill input `n`"):
        small.score_many(t)
    df = pd.DataFrame([[1, 2]], columns=["n", "n"])
    with pytest.raises(kaoping.InputError, match="both fill input `n`"):
        small.score_many(df)
    # Duplicate names of columns that fill nothing are no one's business.
    t = pa.Table.from_arrays([pa.array([10]), pa.array(["a"]), pa.array(["b"])], names=["n", "note", "note"])
    with pytest.warns(kaoping.KaopingWarning) as w:
        b = small.score_many(t)
    assert len(w) == 1 and str(w[0].message).count('"note"') == 1  # named once
    assert b._path == TYPED and outcomes(b)[0][0] == Decimal("50.00")


def test_empty_frames(small: kaoping.Rulebook) -> None:
    empties = [pa.table({"n": pa.array([], pa.int64())}), pa.record_batch({"n": pa.array([], pa.int64())}),
               pd.DataFrame({"n": pd.Series([], dtype="int64")}), pd.DataFrame()]
    for empty in empties:
        b = small.score_many(empty)
        assert len(b) == 0 and b.summary["rows"] == 0
        out = b.to_arrow()
        assert out.num_rows == 0 and out.schema.field("total").type == pa.decimal128(38, 2)
        assert len(b.to_pandas()) == 0


def test_lowest_rows_explained_without_rescoring(small: kaoping.Rulebook) -> None:
    t = pa.table({"n": pa.array([10, 2, -1, 7, 0], pa.int64()), "x": pa.array([0.5, 0.1, 0.5, None, 0.0])})
    b = small.score_many(t)
    assert b._path == TYPED
    totals = [r and r.total for r in b.results]
    low = b.lowest(3)
    assert low == sorted((i for i in range(5) if totals[i] is not None), key=lambda i: (totals[i], i))[:3]
    assert low[0] == 4 and b.lowest(100) == [4, 1, 3, 0]  # failed rows are not ranked
    r = b.result(low[0])
    assert r is not None and r.total == Decimal("0.00") and "n" in r.explain("en")


def test_output_columns(small: kaoping.Rulebook) -> None:
    t = pa.table({"n": pa.array([10, -1, 4], pa.int64()), "x": pa.array([0.5, 0.5, None])})
    b = small.score_many(t)
    out = b.to_arrow()
    assert out.schema.field("total").type == pa.decimal128(38, 2)
    assert out.schema.field("max").type == pa.decimal128(38, 2)
    assert out.column("max").to_pylist() == [Decimal("100.00"), None, Decimal("100.00")]
    assert pa.types.is_dictionary(out.schema.field("grade").type)
    assert out.column("grade").to_pylist() == ["好", None, "差"]
    assert out.column("passed").type == pa.bool_()
    assert out.column("x").to_pylist() == [Decimal("20.00"), None, b.result(2).points("x")]  # type: ignore[union-attr]
    assert out.column("error_kind").to_pylist()[1] == "InputOutOfRange"
    lean = b.to_arrow(points=False)
    assert "x" not in lean.column_names and "total" in lean.column_names
    df = b.to_pandas()
    assert df["total"].iloc[0] == Decimal("70.00") and isinstance(df["total"].iloc[0], Decimal)
    assert df["grade"].dtype == "category"
    assert "n" not in b.to_pandas(points=False).columns
    lean = b.to_arrow(points=False, ranks=False)
    assert lean.column_names == ["key", "profile", "total", "max", "grade", "passed", "error_kind", "error"]
    assert out.column("rank").to_pylist() == [1, None, 2]
    pl = pytest.importorskip("polars")
    p = b.to_polars()
    assert isinstance(p, pl.DataFrame) and p["total"].to_list()[0] == Decimal("70.00")
    assert p.columns == out.column_names


PROFILED = """
[rulebook]
id = "t.profiled"
title = "profiled"
version = "1"
scale = 2
profile_field = "kind"
key_field = "name"

[profiles."甲"]
[profiles."乙"]
[profiles."乙".points]
x = 40

[inputs]
name = { type = "text", required = false }
kind = { type = "text", required = false }
n = { type = "integer", min = 0 }

[[indicator]]
id = "x"
label = "x"
points = 60
check = { when = "n > 2" }
"""


def many_grades(grades: int) -> kaoping.Rulebook:
    """A rulebook with `grades` grades: g0 (the best) up to g(grades − 2), then "last"; n points for n."""
    bands = "".join(f'[[grade]]\nlabel = "g{k}"\nat_least = {grades - 1 - k}\n' for k in range(grades - 1))
    return kaoping.Rulebook.from_str(f"""
[rulebook]
id = "t.many-grades"
title = "many grades"
version = "1"

[inputs]
n = {{ type = "integer", min = 0 }}

[[indicator]]
id = "n"
label = "n"
points = {grades}
linear = {{ input = "n", from = [0, 0], to = [{grades}, {grades}] }}

{bands}[[grade]]
label = "last"
""")


@pytest.mark.parametrize("grades, key", [(2, pa.int8()), (128, pa.int8()), (129, pa.int16()), (300, pa.int16())])
def test_output_grade_codes_are_the_narrowest_pandas_takes(grades: int, key: pa.DataType) -> None:
    """Dictionary keys are signed and as narrow as pandas' categorical codes: int8 up to 128 labels."""
    rb = many_grades(grades)
    n = [0, 1, grades - 1, grades, -1]
    b = rb.score_many(pa.table({"n": pa.array(n, pa.int64())}))
    out = b.to_arrow(points=False, ranks=False)
    assert out.schema.field("grade").type == pa.dictionary(key, pa.string())
    want = [f"g{max(0, grades - 1 - v)}" if v >= 1 else "last" for v in n[:-1]] + [None]
    assert out.column("grade").to_pylist() == want
    df = b.to_pandas(points=False, ranks=False)
    assert df["grade"].dtype == "category" and len(df["grade"].cat.categories) == grades
    assert list(df["grade"].astype(object).where(df["grade"].notna(), None)) == want


def test_output_profile_key_and_max() -> None:
    rb = kaoping.Rulebook.from_str(PROFILED)
    assert rb.profiles == ["甲", "乙"] and [rb.max(p) for p in [None, "甲", "乙"]] == [60, 60, 40]
    # No profile, each profile, an unknown profile (fails), a failed row; keys given or not.
    rows = {"name": ["a", None, "c", "d", "e", None, "g"], "kind": ["甲", None, "乙", "丙", "乙", "乙", None],
            "n": [5, 5, 5, 5, -1, 1, 0]}
    records = [{k: v for k, v in zip(rows, r) if v is not None} for r in zip(*rows.values())]
    for b in [rb.score_many(pa.table(rows)), rb.score_many(records)]:
        out = b.to_arrow()
        assert out.schema.field("profile").type == pa.dictionary(pa.int8(), pa.string())
        assert out.column("profile").combine_chunks().dictionary.to_pylist() == ["甲", "乙"]
        assert out.column("profile").to_pylist() == ["甲", None, "乙", None, None, "乙", None]
        assert out.column("key").type == pa.string()
        assert out.column("key").to_pylist() == ["a", "2", "c", "d", "e", "6", "g"]
        assert out.column("max").to_pylist() == [Decimal(60), Decimal(60), Decimal(40), None, None, Decimal(40),
                                                 Decimal(60)]
        assert out.column("error_kind").to_pylist() == [None] * 3 + ["UnknownProfile", "InputOutOfRange"] + [None] * 2
        df = b.to_pandas(points=False, ranks=False)
        assert df["profile"].dtype == "category" and list(df["profile"].cat.categories) == ["甲", "乙"]
        assert list(df["profile"].isna()) == [False, True, False, True, True, False, True]
        assert list(df["max"].isna()) == [False, False, False, True, True, False, False]
    # A batch without failed rows: the error columns are there, all null, still text.
    ok = rb.score_many(pa.table({"kind": ["乙", None], "n": [3, 1]})).to_arrow()
    assert ok.column("error_kind").type == pa.string() and ok.column("error").type == pa.string()
    assert ok.column("error_kind").null_count == 2 and ok.column("error").to_pylist() == [None, None]
    assert ok.column("key").to_pylist() == ["1", "2"] and ok.column("profile").to_pylist() == ["乙", None]
    # Row numbers across digit boundaries (9 → 10, 99 → 100, …), keyed rows in between.
    names = [None if i % 7 else f"k{i}" for i in range(1234)]
    keys = rb.score_many(pa.table({"name": names, "n": [3] * 1234})).to_arrow(points=False).column("key")
    assert keys.to_pylist() == [k or str(i + 1) for i, k in enumerate(names)]


def pyarrow_frame(b: kaoping.Batch, **kw: bool) -> Any:
    """What `to_pandas` documents, made the slow way: the compact table converted by pyarrow with
    the documented types (decimal128 as `ArrowDtype`, int64 as `Int64`, bool as `boolean`)."""
    dec = pa.decimal128(38, b.to_arrow(points=False, ranks=False).schema.field("total").type.scale)
    types = {dec: pd.ArrowDtype(dec), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    df = b.to_arrow(**kw).to_pandas(types_mapper=types.get)
    # Grades as an ordered categorical, worst → best (the rulebook lists them best first).
    worst_first = list(reversed(df["grade"].cat.categories))
    df["grade"] = df["grade"].cat.reorder_categories(worst_first, ordered=True)
    return df


@pytest.mark.parametrize("points, ranks", [(True, True), (False, False), (True, False), (False, True)])
def test_output_frame_is_what_pyarrow_makes_of_the_table(points: bool, ranks: bool) -> None:
    """`to_pandas` builds its columns itself (categoricals from codes, `boolean` from values and a
    mask) rather than through pyarrow; the frame must be the one pyarrow makes of the same table,
    dtype for dtype and value for value: nulls, failed rows, many grades, keys and row numbers."""
    profiled = kaoping.Rulebook.from_str(PROFILED)
    rows = {"name": ["a", None, "c", "d", "e", None, "g"], "kind": ["甲", None, "乙", "丙", "乙", "乙", None],
            "n": [5, 5, 5, 5, -1, 1, 0]}
    many = many_grades(300)
    small = kaoping.Rulebook.from_str(SMALL)
    numbers = list(range(-3, 1231))  # 1,234 rows: row numbers across 9→10, 99→100, 999→1000
    batches = [
        profiled.score_many(pa.table(rows)),
        profiled.score_many(pa.table({"kind": ["乙", None], "n": [3, 1]})),  # no failed row
        many.score_many(pa.table({"n": pa.array(numbers, pa.int64())})),
        small.score_many(pa.table({"n": pa.array(numbers, pa.int64()), "x": pa.array([0.5] * len(numbers))})),
        small.score_many(pa.table({"n": pa.array([], pa.int64())})),
    ]
    for b in batches:
        got = b.to_pandas(points=points, ranks=ranks)
        pd.testing.assert_frame_equal(got, pyarrow_frame(b, points=points, ranks=ranks), check_exact=True)
    # The columns are the frame's own: writable, and changing one leaves the batch's next frame be.
    df = batches[0].to_pandas(points=points, ranks=ranks)
    before = df.copy()
    df.loc[0, "passed"] = True
    df.loc[0, "profile"] = "乙"
    assert df.loc[0, "passed"] and df.loc[0, "profile"] == "乙"
    pd.testing.assert_frame_equal(batches[0].to_pandas(points=points, ranks=ranks), before)


def test_index_of_a_dataframe_is_kept(small: kaoping.Rulebook) -> None:
    df = pd.DataFrame({"n": [10, 4]}, index=["甲", "乙"])
    out = small.score_many(df).to_pandas()
    assert list(out.index) == ["甲", "乙"] and out.loc["乙", "total"] == Decimal("20.00")


def paths(make: Callable[[], Any], rb: kaoping.Rulebook) -> str:
    return rb.score_many(make())._path


def test_which_path(small: kaoping.Rulebook) -> None:
    assert paths(lambda: [{"n": 1}], small) == "records"
    assert paths(lambda: pa.table({"n": [1]}), small) == TYPED
    assert paths(lambda: pd.DataFrame({"n": [1]}), small) == TYPED
    # A pandas column of mixed objects pyarrow cannot take goes cell by cell.
    assert paths(lambda: pd.DataFrame({"n": [1, "2"]}), small) == "columns as records"


CRITERIA = """
[rulebook]
id = "t.criteria"
title = "criteria"
version = "1"
scale = 2
profile_field = "kind"

[profiles."甲"]
[profiles."乙"]

[inputs]
a = { type = "decimal" }
b = { type = "decimal" }
kind = { type = "text", required = false }

[[indicator]]
id = "a"
label = "A"
points = 10
linear = { input = "a", from = [0, 0], to = [1, 10] }

[[criterion]]
id = "sum"
label = "a + b is 0.3"
when = "a + b == 0.3"

[[grade]]
label = "好"
at_least = 2
[[grade]]
label = "差"
"""


def test_output_table_says_what_each_result_says() -> None:
    """The compact table's profile, total, max, grade and passed are each row's own result's, and
    null in a failed row (here: a missing input, an unknown profile)."""
    rb = kaoping.Rulebook.from_str(CRITERIA)
    t = pa.table({"a": [0.1, 0.5, None, 0.2, 0.25, 0.1], "b": [0.2, 0.1, 0.1, 0.1, 0.05, 0.2],
                  "kind": ["甲", None, "乙", "丙", "乙", "乙"]})
    b = rb.score_many(t)
    assert b._path == TYPED
    out = b.to_arrow(points=False, ranks=False).to_pylist()
    assert [row["passed"] for row in out] == [True, False, None, None, True, True]
    for i, (row, r) in enumerate(zip(out, b.results)):
        if r is None:
            assert (row["profile"], row["total"], row["max"], row["grade"], row["passed"]) == (None,) * 5, i
            assert row["error_kind"] is not None, i
        else:
            assert (row["profile"], row["total"], row["max"], row["grade"], row["passed"]) == (
                r.profile, r.total, rb.max(r.profile), r.grade, r.passed), i
