"""Exceptions: one class per error kind of the core, grouped under RulebookError, InputError and
EvaluationError, each reached with its structured fields."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kaoping

from conftest import load_vector, native_record, rulebook_of

LOAD_KINDS = {
    "Syntax", "Schema", "DuplicateId", "OrphanIndicator", "PointsMismatch", "BandOrder", "MissingElse",
    "DegenerateLinear", "UnknownName", "TypeMismatch", "Cycle", "UnknownProfile", "GradeOrder",
    "UnknownGrade", "TooDeep", "Io",
}
INPUT_KINDS = {"MissingInput", "InputType", "InputOutOfRange", "UnknownProfile", "DuplicateKey"}


def error_classes() -> dict[str, type[kaoping.KaopingError]]:
    return {name: getattr(kaoping, cls) for _, name, cls in kaoping.error_kinds()}


def test_mapping_is_exhaustive() -> None:
    kinds = kaoping.error_kinds()
    assert [code for code, _, _ in kinds] == list(range(1, len(kinds) + 1))
    classes = error_classes()
    assert len(set(classes.values())) == len(kinds), "one class per kind"
    for code, name, cls_name in kinds:
        cls = classes[name]
        assert cls.__name__ == cls_name and cls.__module__ == "kaoping"
        assert (cls.kind, cls.code) == (name, code)
        assert cls_name in kaoping.__all__
        assert issubclass(cls, kaoping.KaopingError)
        assert issubclass(cls, kaoping.RulebookError) == (name in LOAD_KINDS), name
        assert issubclass(cls, kaoping.InputError) == (name in INPUT_KINDS), name
        in_eval = not (name in LOAD_KINDS or name in INPUT_KINDS)
        assert issubclass(cls, kaoping.EvaluationError) == in_eval, name
    # Every exported exception is a kind's class or one of the four bases.
    exported = {
        n for n in kaoping.__all__
        if isinstance(getattr(kaoping, n), type) and issubclass(getattr(kaoping, n), BaseException)
    }
    assert exported == {c for _, _, c in kinds} | {
        "KaopingError", "RulebookError", "InputError", "EvaluationError", "KaopingWarning"
    }
    assert issubclass(kaoping.KaopingWarning, UserWarning) and not issubclass(kaoping.KaopingWarning, kaoping.KaopingError)
    # No class shadows a Python builtin.
    import builtins
    assert not any(hasattr(builtins, c) for _, _, c in kinds)


def test_io_error_is_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError) as info:
        kaoping.Rulebook.from_file(tmp_path / "missing.toml")
    e = info.value
    assert isinstance(e, kaoping.IoError) and e.kind == "Io"
    assert e.problems[0].kind == "Io" and e.problems[0].file == str(tmp_path / "missing.toml")


HEAD = '[rulebook]\nid = "t"\ntitle = "t"\nversion = "1"\n'
LEAF = '[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\ncheck = { when = "x" }\n'

# Load problems the golden vectors don't have, each as a small rulebook.
LOAD_CASES = {
    "Syntax": HEAD + "[inputs\n",
    "Schema": HEAD + "colour = 3\n[inputs]\nx = { type = \"boolean\" }\n" + LEAF,
    "DuplicateId": HEAD + "[inputs]\nx = { type = \"boolean\" }\n" + LEAF + LEAF,
    "TypeMismatch": HEAD + '[inputs]\nx = { type = "text" }\n' + LEAF,
    "UnknownProfile": HEAD + '[inputs]\nx = { type = "boolean" }\n[params]\np = { value = 1, profiles = { "nowhere" = 2 } }\n' + LEAF,
    "TooDeep": HEAD + '[inputs]\nx = { type = "decimal" }\n[derived]\nd = "' + "(" * 300 + "x" + ")" * 300 + '"\n'
    + '[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nlinear = { input = "d", from = [0, 0], to = [1, 10] }\n',
}


@pytest.mark.parametrize("kind", sorted(LOAD_CASES))
def test_load_kinds_from_small_rulebooks(kind: str) -> None:
    with pytest.raises(kaoping.RulebookError) as info:
        kaoping.Rulebook.from_str(LOAD_CASES[kind])
    e = info.value
    assert kind in [p.kind for p in e.problems], e
    first = e.problems[0]
    assert type(e) is error_classes()[first.kind]
    assert e.kind == first.kind
    p = next(p for p in e.problems if p.kind == kind)
    assert p.line is not None or p.path is not None
    assert p.message and str(p) and repr(p).startswith("Problem(")
    assert p.kind in str(e)


@pytest.mark.parametrize(
    "name",
    ["load-band-order", "load-cycle", "load-degenerate-linear", "load-grade-order", "load-missing-else",
     "load-orphan", "load-points-mismatch", "load-unknown-grade", "load-unknown-name"],
)
def test_load_kinds_from_vectors(name: str) -> None:
    v = load_vector(name)
    with pytest.raises(kaoping.RulebookError) as info:
        rulebook_of(v)
    e = info.value
    assert type(e).kind == e.problems[0].kind
    assert v["load_error"] in [p.kind for p in e.problems]


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(kaoping.RulebookSyntaxError) as info:
        kaoping.Rulebook.from_str(HEAD + "[inputs\n")
    p = info.value.problems[0]
    assert (p.line, p.kind) == (5, "Syntax") and p.column is not None
    assert info.value.rulebook is None


def test_every_problem_is_listed() -> None:
    # Two independent problems in one rulebook: both reported, in file order.
    text = HEAD + '[inputs]\nx = { type = "boolean" }\n' + LEAF + LEAF.replace('id = "a"', 'id = "b.c"')
    with pytest.raises(kaoping.RulebookError) as info:
        kaoping.Rulebook.from_str(text)
    kinds = [p.kind for p in info.value.problems]
    assert "OrphanIndicator" in kinds and len(kinds) >= 1


def test_unknown_builtin() -> None:
    with pytest.raises(kaoping.UnknownNameError) as info:
        kaoping.builtin("no.such.rulebook")
    assert "example.county-assessment" in str(info.value)


def find_case(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A golden-vector case (single record) whose expected error is `kind`."""
    from conftest import vector_names

    for name in vector_names():
        v = load_vector(name)
        if v.get("batch") or "load_error" in v:
            continue
        for c in v["cases"]:
            if c["expect"].get("error", {}).get("kind") == kind:
                return v, c
    raise LookupError(kind)


RECORD_KINDS = ["MissingInput", "InputType", "InputOutOfRange", "UnknownProfile", "NoDatedValue",
                "DivisionByZero", "LookupMiss", "PanelTooSmall", "CohortRequired"]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_record_kinds(kind: str) -> None:
    v, case = find_case(kind)
    rb = rulebook_of(v)
    as_of = datetime.date.fromisoformat(case["as_of"]) if case["as_of"] else None
    want = case["expect"]["error"]
    with pytest.raises(error_classes()[kind]) as info:
        rb.score(native_record(rb, case["record"]), profile=case["profile"], as_of=as_of)
    e = info.value
    assert e.kind == kind and e.issues and e.issues[0].kind == kind
    if kind in INPUT_KINDS:
        assert isinstance(e, kaoping.InputError)
        assert e.field == want.get("field")
        assert e.cause is None
    else:
        assert isinstance(e, kaoping.EvaluationError)
        assert e.indicator == want.get("at") and e.cause == e.issues[0].message
    assert e.row is None  # a single record has no row
    assert repr(e.issues[0]).startswith("Issue(")


def test_overflow() -> None:
    # A veto score from a parameter is not clamped: one beyond the decimal range cannot be published.
    text = HEAD + ('[inputs]\nx = { type = "decimal" }\n[params]\nbig = { value = 1' + '0' * 40 + ' }\n'
                   '[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nlinear = { input = "x", from = [0, 0], to = [1, 10] }\n'
                   '[[veto]]\nid = "v"\nlabel = "V"\nwhen = "x > 5"\nscore = "big"\n')
    rb = kaoping.Rulebook.from_str(text)
    assert rb.score({"x": 1}).total == Decimal("10")
    with pytest.raises(kaoping.DecimalOverflowError) as info:
        rb.score({"x": 6})
    e = info.value
    assert isinstance(e, kaoping.EvaluationError) and e.kind == "Overflow"
    assert e.indicator == "v" and "cannot be represented" in e.cause


def test_input_error_fields_in_a_batch(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    bad = dict(county_record, population=0)
    b = county.score_many([county_record, bad])
    assert b.errors[0] is None
    e = b.errors[1]
    assert isinstance(e, kaoping.InputOutOfRangeError)
    assert (e.field, e.row, e.value, e.key) == ("population", 2, "0", "示例县")
    assert b.error(1).field == "population" and b.error(-1).row == 2 and b.error(0) is None
    with pytest.raises(IndexError):
        b.error(2)


def test_unknown_profile_from_the_call(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    with pytest.raises(kaoping.UnknownProfileError) as info:
        county.score_many([county_record], profile="no such profile")
    assert isinstance(info.value, kaoping.InputError) and info.value.value == "no such profile"
    with pytest.raises(kaoping.UnknownProfileError):
        county.score(county_record, profile="no such profile")
    with pytest.raises(kaoping.UnknownProfileError):
        county.max("no such profile")


def test_an_undeclared_profile_refuses_the_call_before_any_row(
    county: kaoping.Rulebook, county_record: dict[str, Any]
) -> None:
    """The core's one meaning (`Rulebook::check_profile`), as the command and C have it: the call
    is refused before a row is read, naming the profile and the declared ones; a declared profile
    is read as scoring reads it (spaces around it ignored)."""
    read: list[int] = []

    def rows() -> Any:
        read.append(1)
        yield county_record

    for call in (
        lambda: county.score_many(rows(), profile="火星"),
        lambda: county.score_many("not records at all", profile="火星"),  # type: ignore[arg-type]
        lambda: county.score("not a record", profile="火星"),  # type: ignore[arg-type]
    ):
        with pytest.raises(kaoping.UnknownProfileError) as info:
            call()
        e = info.value
        assert (e.value, e.field, e.row) == ("火星", None, None)
        assert "declared: 乌蒙山区, 凉山彝区, 片区外, 秦巴山区, 高原藏区" in str(e)
    assert not read, "no row was read"
    spaced = county.score_many([county_record], profile=" 片区外 ")
    assert spaced.results[0].profile == "片区外"
    assert county.max(" 片区外 ") == county.max("片区外")


def test_exception_docs_are_the_cores() -> None:
    """Each kind's class documents the kind with the core's own sentence (`ErrorKind::doc`), the
    text the C header's `KP_KIND_*` comments repeat."""
    assert kaoping.MissingElseError.__doc__ == "A `bands` rule without `else`."
    assert kaoping.UnknownProfileError.__doc__ == (
        "A profile that is not declared (in a rulebook override, named by a record, or given for a whole call)."
    )
    header = (Path(__file__).resolve().parents[2] / "include" / "kaoping.h").read_text()
    for code, _, cls in kaoping.error_kinds():
        doc = getattr(kaoping, cls).__doc__
        assert doc and f" * {doc}\n */\n#define KP_KIND_" in header, cls
