"""Objects that lie, and repetition: whatever a caller's objects do, kaoping answers with a
KaopingError subclass or lets the caller's own exception through — never a crash, a hang, a
PanicException, or memory that keeps growing."""

from __future__ import annotations

import collections.abc
import gc
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest

import kaoping

BOOK = """
[rulebook]
id = "hostile.python"
title = "hostile"
version = "1"
key_field = "name"

[inputs]
name  = { type = "text" }
rate  = { type = "decimal", min = 0, max = 100 }
count = { type = "integer", min = 0 }
ok    = { type = "boolean", default = true }
marks = { type = "numbers", required = false }

[[indicator]]
id = "rate"
label = "比率"
points = 60
linear = { input = "rate", from = [0, 0], to = [100, 60] }

[[indicator]]
id = "count"
label = "数量"
points = 40
count = { input = "count", each = 10 }

[[grade]]
label = "好"
at_least = 60
[[grade]]
label = "差"
"""

GOOD: dict[str, Any] = {"name": "甲", "rate": Decimal("75"), "count": 2}


@pytest.fixture(scope="module")
def rb() -> kaoping.Rulebook:
    return kaoping.Rulebook.from_str(BOOK)


class Boom(Exception):
    """The caller's own exception, raised from inside a lying object."""


def score_outcome(rb: kaoping.Rulebook, record: Any) -> BaseException | kaoping.Result:
    """Score, returning the exception raised: a KaopingError, or the caller's own (Boom, a
    mapping's KeyError) or Python's TypeError for what is no record at all. Anything else (a
    PanicException, SystemError) propagates and fails the test."""
    try:
        return rb.score(record)
    except (kaoping.KaopingError, Boom, TypeError, KeyError) as e:
        return e


# --- values that lie -----------------------------------------------------------------------------


class FloatRaises:
    def __float__(self) -> float:
        raise Boom("__float__")


class IndexRaises:
    def __index__(self) -> int:
        raise Boom("__index__")


class ReprRaises:
    def __repr__(self) -> str:
        raise Boom("__repr__")

    def __str__(self) -> str:
        raise Boom("__str__")


class DecimalStrRaises(Decimal):
    def __str__(self) -> str:
        raise Boom("Decimal.__str__")


class DecimalLies(Decimal):
    """A Decimal whose text is not a number at all."""

    def __str__(self) -> str:
        return "not a number"


class IntStrRaises(int):
    def __str__(self) -> str:
        raise Boom("int.__str__")


class ToListRaises:
    def __len__(self) -> int:
        return 3

    def tolist(self) -> list[int]:
        raise Boom("tolist")


class LenLies:
    """Claims a billion elements; tolist gives three."""

    def __len__(self) -> int:
        return 10**9

    def tolist(self) -> list[int]:
        return [1, 2, 3]


class StrSubclassLies(str):
    def __str__(self) -> str:
        raise Boom("str.__str__")


@pytest.mark.parametrize(
    "field,value",
    [
        ("rate", FloatRaises()),
        ("rate", IndexRaises()),
        ("rate", ReprRaises()),
        ("count", ReprRaises()),
        ("name", ReprRaises()),
        ("rate", DecimalStrRaises("1")),
        ("rate", DecimalLies("1")),
        ("count", IntStrRaises(5)),
        ("count", IntStrRaises(10**30)),
        ("marks", ToListRaises()),
        ("marks", LenLies()),
        ("marks", [FloatRaises()]),
        ("marks", [ReprRaises()]),
        ("name", StrSubclassLies("甲")),
        ("rate", object()),
        ("rate", float("nan")),
        ("rate", float("-inf")),
        ("rate", complex(1, 1)),
        ("rate", b"12"),
        ("rate", bytearray(b"12")),
        ("rate", memoryview(b"12")),
        ("rate", {1, 2}),
        ("rate", range(3)),
        ("rate", type),
        ("rate", lambda: 1),
        ("marks", iter([1, 2])),
        ("ok", FloatRaises()),
    ],
    ids=lambda v: type(v).__name__,
)
def test_lying_values(rb: kaoping.Rulebook, field: str, value: Any) -> None:
    out = score_outcome(rb, {**GOOD, field: value})
    if isinstance(out, kaoping.Result):
        # Only values kaoping can read exactly may score: a str subclass is text, an int subclass
        # is its integer (its __str__ is never asked), a list-like whose tolist() gives three
        # valid marks is those marks, whatever its __len__ claims.
        assert (field, type(value)) in {("name", StrSubclassLies), ("count", IntStrRaises), ("marks", LenLies)}
        assert not (isinstance(value, int) and value > 2**63), "an integer beyond 64 bits scored"
        return
    if isinstance(out, kaoping.KaopingError):
        assert isinstance(out, kaoping.InputError), out
        assert out.field == field
    else:
        assert isinstance(out, (Boom, TypeError)), out


def test_lying_values_in_a_batch_fail_their_row_or_the_call(rb: kaoping.Rulebook) -> None:
    rows = [GOOD, {**GOOD, "rate": object()}, {**GOOD, "rate": float("nan")}, GOOD]
    b = rb.score_many(rows)
    assert len(b) == 4
    assert b.error(0) is None and b.error(3) is None
    assert isinstance(b.error(1), kaoping.InputTypeError) and b.error(1).row == 2
    assert isinstance(b.error(2), kaoping.InputTypeError) and b.error(2).row == 3
    # The caller's own exception comes through as itself, not wrapped.
    with pytest.raises(Boom):
        rb.score_many([GOOD, {**GOOD, "rate": DecimalStrRaises("1")}])
    with pytest.raises(Boom):
        rb.score_many(r for r in [GOOD, {**GOOD, "rate": DecimalStrRaises("1")}])
    # Our own TypeError names the row and keeps the cause.
    with pytest.raises(TypeError, match="row 2") as info:
        rb.score_many([GOOD, {1: 2, **GOOD}])
    assert isinstance(info.value.__cause__, TypeError)


# --- mappings that lie ---------------------------------------------------------------------------


class KeysRaise(collections.abc.Mapping):  # type: ignore[type-arg]
    def __getitem__(self, k: str) -> Any:
        return GOOD[k]

    def __iter__(self) -> Iterator[str]:
        raise Boom("__iter__")

    def __len__(self) -> int:
        return 3

    def keys(self) -> Any:
        raise Boom("keys")


class GetitemLies(collections.abc.Mapping):  # type: ignore[type-arg]
    """Lists keys it then refuses to give."""

    def __getitem__(self, k: str) -> Any:
        raise KeyError(k)

    def __iter__(self) -> Iterator[str]:
        return iter(GOOD)

    def __len__(self) -> int:
        return len(GOOD)


class EndlessKeys(collections.abc.Mapping):  # type: ignore[type-arg]
    """keys() that never ends would hang any reader; this one ends after 100,000 junk keys."""

    def __getitem__(self, k: str) -> Any:
        return GOOD.get(k, 0)

    def __iter__(self) -> Iterator[str]:
        yield from GOOD
        for i in range(100_000):
            yield f"junk{i}"

    def __len__(self) -> int:
        return 3


@pytest.mark.parametrize(
    "record",
    [
        {1: 2, **GOOD},
        {("name",): "甲", **GOOD},
        {None: 1, **GOOD},
        {b"rate": 1, **GOOD},
        KeysRaise(),
        GetitemLies(),
        "name=甲",
        ["name", "rate"],
        42,
        None,
    ],
    ids=["int-key", "tuple-key", "none-key", "bytes-key", "keys-raise", "getitem-lies", "str", "list", "int", "none"],
)
def test_lying_mappings(rb: kaoping.Rulebook, record: Any) -> None:
    out = score_outcome(rb, record)
    assert isinstance(out, (kaoping.KaopingError, Boom, TypeError, KeyError)), out


def test_many_junk_keys_are_warnings_not_a_hang(rb: kaoping.Rulebook) -> None:
    with pytest.warns(kaoping.KaopingWarning, match=r"and \d+ more") as w:
        r = rb.score(EndlessKeys())
    assert len(str(w[0].message)) < 2000, "ten names, then how many more"
    assert r.total == Decimal("65.00")
    assert len(r.warnings) >= 1


class MutatesRecord(Decimal):
    """A value whose text, when read, empties the dict being read."""

    record: dict[str, Any] = {}

    def __str__(self) -> str:
        MutatesRecord.record.clear()
        return "1"


def test_value_that_mutates_the_record_while_it_is_read(rb: kaoping.Rulebook) -> None:
    # Python's own dict iteration raises RuntimeError here; kaoping must not crash either.
    record = {"rate": MutatesRecord("1"), "name": "甲", "count": 1}
    MutatesRecord.record = record
    try:
        out: Any = rb.score(record)
    except BaseException as e:  # noqa: BLE001 - the point is which exception it is
        out = e
    assert isinstance(out, (kaoping.Result, kaoping.KaopingError, RuntimeError)), (
        f"{type(out).__module__}.{type(out).__name__}: {out}"
    )


def test_record_emptied_while_read_in_a_batch(rb: kaoping.Rulebook) -> None:
    record = {"rate": MutatesRecord("1"), "name": "甲", "count": 1}
    MutatesRecord.record = record
    b = rb.score_many([GOOD, record, GOOD])
    assert len(b) == 3 and b.error(0) is None and b.error(2) is None


# --- iterables and frames that lie ---------------------------------------------------------------


def raises_midway() -> Iterator[dict[str, Any]]:
    yield GOOD
    yield GOOD
    raise Boom("the generator failed at row 3")


def test_generator_that_raises_midway(rb: kaoping.Rulebook) -> None:
    with pytest.raises(Boom):
        rb.score_many(raises_midway())


def test_generator_of_junk(rb: kaoping.Rulebook) -> None:
    with pytest.raises((TypeError, kaoping.KaopingError)):
        rb.score_many(x for x in [GOOD, 5, GOOD])


def test_not_an_iterable(rb: kaoping.Rulebook) -> None:
    for junk in (5, None, object(), FloatRaises()):
        with pytest.raises((TypeError, kaoping.KaopingError)):
            rb.score_many(junk)


def test_dataframe_with_duplicate_columns(rb: kaoping.Rulebook) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([["甲", 75, 2, 50], ["乙", 80, 3, 60]], columns=["name", "rate", "count", "rate"])
    with pytest.raises((kaoping.KaopingError, ValueError, TypeError)) as info:
        rb.score_many(df)
    assert "rate" in str(info.value)


def test_dataframe_with_lying_cells(rb: kaoping.Rulebook) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"name": ["甲", "乙", "丙"], "rate": [Decimal(75), FloatRaises(), float("nan")], "count": [1, 2, 3]})
    try:
        b = rb.score_many(df)
    except (Boom, TypeError, kaoping.KaopingError):
        return
    assert len(b) == 3
    assert b.error(0) is None
    assert b.error(1) is not None and b.error(2) is not None


def test_arrow_table_with_duplicate_columns(rb: kaoping.Rulebook) -> None:
    pa = pytest.importorskip("pyarrow")
    t = pa.table([pa.array(["甲"]), pa.array([75]), pa.array([2]), pa.array([50])], names=["name", "rate", "count", "rate"])
    with pytest.raises((kaoping.KaopingError, ValueError, TypeError)):
        rb.score_many(t)


# --- threads and repetition ----------------------------------------------------------------------


def test_lying_objects_from_many_threads(rb: kaoping.Rulebook) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        for _ in range(50):
            for v in (FloatRaises(), object(), float("nan"), DecimalStrRaises("1")):
                out = score_outcome(rb, {**GOOD, "rate": v})
                if not isinstance(out, (kaoping.KaopingError, Boom, TypeError)):
                    errors.append(AssertionError(repr(out)))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread hung"
    assert not errors


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
def test_memory_is_flat_over_1000_loads_and_scorings() -> None:
    bad_book = BOOK.replace('points = 40\n', 'points = 41\n')

    def one_round() -> None:
        book = kaoping.Rulebook.from_str(BOOK)
        book.score(GOOD).explain()
        try:
            book.score({**GOOD, "rate": "NaN"})
        except kaoping.InputTypeError:
            pass
        try:
            kaoping.Rulebook.from_str(bad_book)
        except kaoping.PointsMismatchError:
            pass
        b = book.score_many([GOOD, {**GOOD, "count": -1}] * 5)
        _ = [r for r in b.results]
        _ = b.errors
        _ = kaoping.builtin("example.county-assessment")

    for _ in range(100):  # warm-up: caches, allocator pools, lazily built tables
        one_round()
    gc.collect()
    before = rss_bytes()
    for _ in range(1000):
        one_round()
    gc.collect()
    grown = rss_bytes() - before
    assert grown < 10 * 1024 * 1024, f"resident memory grew by {grown / 1e6:.1f} MB over 1,000 rounds"
    print(f"RSS growth over 1,000 load+score rounds after warm-up: {grown / 1e6:.2f} MB")
