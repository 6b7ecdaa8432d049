"""`Rulebook.result_schema(points=…, ranks=…)` is, before any row is scored, exactly the schema of
`score_many(...).to_arrow(points=…, ranks=…)`: for every built-in and every golden vector's
rulebook, every option, batches with and without failed rows, and empty batches."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import kaoping
from conftest import load_vector, native_record, rulebook_of, vector_names

pa = pytest.importorskip("pyarrow")

OPTIONS = list(itertools.product([True, False], [True, False]))  # (points, ranks)
SCORED_VECTORS = [n for n in vector_names() if "load_error" not in load_vector(n)]


def check(rb: kaoping.Rulebook, batches: list[kaoping.Batch]) -> None:
    for points, ranks in OPTIONS:
        want = rb.result_schema(points=points, ranks=ranks)
        assert isinstance(want, pa.Schema)
        for b in batches:
            got = b.to_arrow(points=points, ranks=ranks).schema
            assert got.equals(want, check_metadata=True), f"points={points}, ranks={ranks}:\n{got}\nvs\n{want}"
    assert rb.result_schema() == rb.result_schema(points=True, ranks=True)


@pytest.mark.parametrize("id", kaoping.builtins())
def test_every_builtin(id: str) -> None:
    rb = kaoping.builtin(id)
    v = load_vector("spec-example" if id == "example.county-assessment" else id)
    records = [native_record(rb, c["record"]) for c in v["cases"]]
    check(rb, [rb.score_many(records), rb.score_many([]), rb.score_many([{}])])


@pytest.mark.parametrize("name", SCORED_VECTORS)
def test_every_vector_rulebook(name: str) -> None:
    v = load_vector(name)
    rb = rulebook_of(v)
    records: list[dict[str, Any]] = [native_record(rb, c["record"]) for c in v["cases"]]
    ok = [r for r, c in zip(records, v["cases"]) if "error" not in c["expect"]]
    check(rb, [rb.score_many(records, unknown="ignore"), rb.score_many(ok, unknown="ignore"), rb.score_many([])])


def test_the_columns_and_their_types(county: kaoping.Rulebook) -> None:
    s = county.result_schema(points=False, ranks=True)
    assert s.names == ["key", "profile", "total", "max", "grade", "passed", "rank", "profile_rank", "error_kind", "error"]
    assert s.field("total").type == pa.decimal128(38, county.scale)
    assert s.field("grade").type == pa.dictionary(pa.int8(), pa.string())
    assert not s.field("key").nullable
    assert all(f.nullable for f in s if f.name != "key")
    assert [f.name for f in county.result_schema()][8:-2] == [i.id for i in county.indicators]


def many_grades(n: int) -> kaoping.Rulebook:
    """A rulebook with `n` grades (the dictionary's key type widens past 128 labels)."""
    grades = "".join(f'[[grade]]\nlabel = "g{i}"\nat_least = {n - 1 - i}\n' for i in range(n - 1))
    return kaoping.Rulebook.from_str(
        '[rulebook]\nid = "grades"\ntitle = "t"\nversion = "1"\n[inputs]\nx = { type = "integer" }\n'
        '[[indicator]]\nid = "a"\nlabel = "A"\npoints = 1000\nformula = "x"\n'
        + grades
        + '[[grade]]\nlabel = "last"\n'
    )


@pytest.mark.parametrize("n, key", [(128, pa.int8()), (129, pa.int16())])
def test_the_grade_dictionary_widens_with_the_labels(n: int, key: Any) -> None:
    rb = many_grades(n)
    assert len(rb.grades) == n
    assert rb.result_schema().field("grade").type == pa.dictionary(key, pa.string())
    check(rb, [rb.score_many([{"x": 0}, {"x": n}, {"x": "bad"}])])
