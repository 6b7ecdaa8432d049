"""Python values in: Decimal, int, bool, str, float (by its repr), None, lists, and what is refused
(NaN, infinities, wrong types), each named by field (and row in a batch)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

import kaoping

EXACT = kaoping.Rulebook.from_str(
    """
[rulebook]
id = "t.exact"
title = "exact"
version = "1"
scale = 2

[inputs]
a = { type = "decimal" }
b = { type = "decimal" }
n = { type = "integer", required = false }
flag = { type = "boolean", required = false }
name = { type = "text", required = false }

[derived]
s = "a + b"

[[indicator]]
id = "a"
label = "A"
points = 10
linear = { input = "a", from = [0, 0], to = [1, 10] }

[[criterion]]
id = "sum"
label = "a + b is 0.3"
when = "s == 0.3"
"""
)


def score(**values: Any) -> kaoping.Result:
    return EXACT.score(values)


def test_floats_are_read_by_their_repr() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; kaoping reads 0.1 and 0.2.
    r = score(a=0.1, b=0.2)
    assert r.passed is True
    assert r.points("a") == Decimal("1.00") and isinstance(r.points("a"), Decimal)
    assert score(a=Decimal("0.1"), b=Decimal("0.2")).passed is True
    assert score(a="0.1", b="0.2").passed is True


def test_decimals_are_exact_and_never_rounded_to_fit() -> None:
    assert score(a=Decimal("1E-1"), b=Decimal("0.20")).passed is True
    too_long = Decimal("0." + "1" * 30)  # more digits than rust_decimal holds: refused, not rounded
    with pytest.raises(kaoping.InputOutOfRangeError) as info:
        score(a=too_long, b=Decimal(0))
    assert info.value.field == "a"


def test_ints_and_bools() -> None:
    assert score(a=0, b=Decimal("0.3")).passed is True
    assert score(a=0, b=Decimal("0.3"), n=5, flag=True).passed is True
    # A bool is not a number (Python's bool is an int: it is checked first).
    with pytest.raises(kaoping.InputTypeError) as info:
        score(a=True, b=0)
    assert info.value.field == "a"
    with pytest.raises(kaoping.InputTypeError) as info:
        score(a=0, b=0, flag=1)
    assert info.value.field == "flag"
    with pytest.raises(kaoping.InputOutOfRangeError) as info:
        score(a=0, b=0, n=10**30)
    assert info.value.field == "n"
    with pytest.raises(kaoping.InputTypeError):
        score(a=0, b=0, n=Decimal("1.5"))
    assert score(a=0, b=Decimal("0.3"), n=Decimal("120000.0")).passed is True
    assert score(a=0, b=Decimal("0.3"), n=120000.0).passed is True


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_nan_and_infinities_are_refused_naming_the_field(bad: Any) -> None:
    with pytest.raises(kaoping.InputTypeError) as info:
        score(a=bad, b=0)
    e = info.value
    assert e.field == "a" and "a" in str(e) and e.value is not None
    assert "finite" in e.issues[0].message


def test_nan_in_a_batch_names_the_row() -> None:
    b = EXACT.score_many([{"a": 0.1, "b": 0.2}, {"a": float("nan"), "b": 0.2}, {"a": 1, "b": 2}])
    assert [e is None for e in b.errors] == [True, False, True]
    e = b.errors[1]
    assert isinstance(e, kaoping.InputTypeError) and (e.field, e.row) == ("a", 2)
    assert "row 2" in str(e)


def test_none_is_missing() -> None:
    with pytest.raises(kaoping.MissingInputError) as info:
        score(a=None, b=0)
    assert info.value.field == "a"
    assert score(a=0, b=Decimal("0.3"), n=None, name=None).passed is True


@pytest.mark.parametrize(
    ("value", "words"),
    [({"x": 1}, "dict"), ([1, 2], "list"), (object(), "object"), (b"1", "bytes"), (datetime.date(2020, 1, 1), "date")],
)
def test_wrong_types_are_the_fields_input_type_error(value: Any, words: str) -> None:
    with pytest.raises(kaoping.InputTypeError) as info:
        score(a=value, b=0)
    assert info.value.field == "a" and words in str(info.value)


def test_all_input_problems_together_in_declaration_order() -> None:
    with pytest.raises(kaoping.InputError) as info:
        EXACT.score({"b": float("nan"), "n": "x", "flag": 3})
    got = [(i.kind, i.field) for i in info.value.issues]
    assert got == [("MissingInput", "a"), ("InputType", "b"), ("InputType", "n"), ("InputType", "flag")]
    assert type(info.value) is kaoping.MissingInputError


def test_strings_are_cells() -> None:
    assert score(a="０．１", b=" 0.2 ", flag="是", n="120000.0").passed is True
    with pytest.raises(kaoping.InputTypeError):
        score(a="1,234", b=0)  # a thousands separator is refused, not guessed
    with pytest.raises(kaoping.MissingInputError):
        score(a="   ", b=0)  # a blank cell is missing


def test_text_inputs_and_dates() -> None:
    r = score(a=0, b=Decimal("0.3"), name=datetime.date(2020, 1, 2))
    assert r.passed is True
    with pytest.raises(kaoping.InputTypeError) as info:
        score(a=0, b=0, name=5)
    assert info.value.field == "name"


def test_unknown_fields_are_warnings() -> None:
    with pytest.warns(kaoping.KaopingWarning, match="colour"):
        r = score(a=0, b=Decimal("0.3"), colour="red")
    assert any("colour" in w for w in r.warnings)


def test_numpy_and_pandas_scalars() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    r = score(a=np.float32(0.1), b=np.float64(0.2), n=np.int64(7), flag=np.bool_(True))
    assert r.passed is True  # float32 0.1 is read as 0.1 (its own repr), not 0.100000001…
    assert score(a=0, b=Decimal("0.3"), n=pd.NA).passed is True
    with pytest.raises(kaoping.InputTypeError):
        score(a=np.float32("nan"), b=0)


def test_records_must_be_mappings() -> None:
    with pytest.raises(TypeError):
        EXACT.score([("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        EXACT.score({1: 2})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="row 2"):
        EXACT.score_many([{"a": 1, "b": 2}, 5])
    with pytest.raises(TypeError):
        EXACT.score_many({"a": 1, "b": 2})


def test_marks_and_items(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    r = county.score(dict(county_record, expert_marks=[7, Decimal("8"), "9", 6.0, 10]))
    assert r.total == Decimal("80.13")
    r = county.score(dict(county_record, expert_marks=(7, 8, 9, 6, 10)))
    assert r.total == Decimal("80.13")
    r = county.score(dict(county_record, expert_marks="7;8；9、6 10"))
    assert r.total == Decimal("80.13")
    with pytest.raises(kaoping.InputTypeError) as info:
        county.score(dict(county_record, expert_marks=[7, "x", 9]))
    assert info.value.field == "expert_marks" and "expert_marks[2]" in str(info.value)
    with pytest.raises(kaoping.InputOutOfRangeError) as info:
        county.score(dict(county_record, expert_marks=[7, 11]))
    assert info.value.field == "expert_marks"
    with pytest.raises(kaoping.InputTypeError):
        county.score(dict(county_record, expert_marks=[7, float("nan")]))
    np = pytest.importorskip("numpy")
    r = county.score(dict(county_record, expert_marks=np.array([7, 8, 9, 6, 10])))
    assert r.total == Decimal("80.13")


def test_as_of(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    assert county.score(county_record).as_of == datetime.date(2019, 12, 31)
    assert county.score(county_record, as_of="2018-06-30").as_of == datetime.date(2018, 6, 30)
    assert county.score(county_record, as_of=datetime.date(2018, 6, 30)).as_of == datetime.date(2018, 6, 30)
    with pytest.raises(ValueError):
        county.score(county_record, as_of="30/06/2018")
    with pytest.raises(TypeError):
        county.score(county_record, as_of=20180630)  # type: ignore[arg-type]
