"""Rulebooks travel (pickle, cloudpickle: what Spark, Dask and multiprocessing use) as their text,
format, fingerprint and components, come back the same rulebook (fingerprint checked), and are
compiled once per process however many copies arrive."""

from __future__ import annotations

import json
import pickle
import uuid
from typing import Any

import pytest

import kaoping
from kaoping import _kaoping
from conftest import load_vector, native_record, rulebook_of, vector_names

pa = pytest.importorskip("pyarrow")

SCORED_VECTORS = [n for n in vector_names() if "load_error" not in load_vector(n)]


def same_scores(a: kaoping.Rulebook, b: kaoping.Rulebook, records: list[dict[str, Any]]) -> None:
    """`b` scores `records` exactly as `a` does: every column, every error."""
    want, got = a.score_many(records, unknown="ignore"), b.score_many(records, unknown="ignore")
    assert got.to_arrow().equals(want.to_arrow())
    assert [str(e) for e in got.errors] == [str(e) for e in want.errors]


@pytest.mark.parametrize("name", SCORED_VECTORS)
def test_every_vector_rulebook_round_trips(name: str) -> None:
    v = load_vector(name)
    rb = rulebook_of(v)
    back = pickle.loads(pickle.dumps(rb))
    assert isinstance(back, kaoping.Rulebook)
    assert (back.id, back.fingerprint, back.text) == (rb.id, rb.fingerprint, rb.text)
    same_scores(rb, back, [native_record(rb, c["record"]) for c in v["cases"]])


@pytest.mark.parametrize("id", kaoping.builtins())
def test_every_builtin_round_trips_through_cloudpickle(id: str) -> None:
    cloudpickle = pytest.importorskip("cloudpickle")
    rb = kaoping.builtin(id)
    back = cloudpickle.loads(cloudpickle.dumps(rb))
    assert (back.id, back.fingerprint, back.text) == (rb.id, rb.fingerprint, rb.text)
    assert back.result_schema() == rb.result_schema()


def test_components_travel_with_their_parent() -> None:
    v = load_vector("cd.school.target")
    rb = kaoping.builtin("cd.school.target")
    state = rb.__reduce__()[1][0]
    # Its component, then the rulebook that scores the items of its `terms` list (spec §18.2).
    assert rb.item_rulebook("terms") is not None
    assert [c[4] for c in state[5]] == [
        kaoping.builtin("cd.school.science-education").fingerprint,
        kaoping.builtin("cd.school.science-term").fingerprint,
    ]
    back = pickle.loads(pickle.dumps(rb))
    same_scores(rb, back, [native_record(rb, c["record"]) for c in v["cases"]])


def rulebook(id: str, points: int, component: str | None = None, span: int = 10) -> str:
    """A small rulebook: one indicator, linear on `x` from 0 to `span`, or `component`'s total."""
    head = f'[rulebook]\nid = "{id}"\ntitle = "t {uuid.uuid4()}"\nversion = "1"\n[inputs]\nx = {{ type = "decimal" }}\n'
    rule = (
        f'component = {{ rulebook = "{component}" }}'
        if component
        else f"linear = {{ input = \"x\", from = [0, 0], to = [{span}, {points}] }}"
    )
    return head + f'[[indicator]]\nid = "a"\nlabel = "A"\npoints = {points}\n{rule}\n'


def test_a_process_compiles_each_rulebook_once() -> None:
    rb = kaoping.Rulebook.from_str(rulebook("once", 10))
    data = pickle.dumps(rb)
    before = _kaoping._unpickle_compilations()
    copies = [pickle.loads(data) for _ in range(50)]
    assert _kaoping._unpickle_compilations() == before + 1
    assert {c.fingerprint for c in copies} == {rb.fingerprint}
    assert all(c.score({"x": 5}).total == rb.score({"x": 5}).total for c in copies)


def test_the_same_parent_with_another_component_is_another_rulebook() -> None:
    # Two components with one id, one parent text: the cache must tell the parents apart (the
    # parent's fingerprint covers the rulebooks it reaches, spec §18.6; the cache key names them too).
    parent_text = rulebook("parent", 100, component="part")
    ten = kaoping.Rulebook.from_str(parent_text, components=[kaoping.Rulebook.from_str(rulebook("part", 10, span=10))])
    twenty = kaoping.Rulebook.from_str(parent_text, components=[kaoping.Rulebook.from_str(rulebook("part", 10, span=20))])
    assert ten.fingerprint != twenty.fingerprint
    back_ten, back_twenty = pickle.loads(pickle.dumps(ten)), pickle.loads(pickle.dumps(twenty))
    assert back_ten.score({"x": 5}).total == ten.score({"x": 5}).total
    assert back_twenty.score({"x": 5}).total == twenty.score({"x": 5}).total
    assert back_ten.score({"x": 5}).total != back_twenty.score({"x": 5}).total


def test_a_json_rulebook_stays_json() -> None:
    text = json.dumps(
        {
            "rulebook": {"id": "j", "title": "t", "version": "1"},
            "inputs": {"x": {"type": "decimal"}},
            "indicator": [{"id": "a", "label": "A", "points": 10, "linear": {"input": "x", "from": [0, 0], "to": [1, 10]}}],
        }
    )
    rb = kaoping.Rulebook.from_str(text, "json")
    assert rb.__reduce__()[1][0][3] == "json"
    back = pickle.loads(pickle.dumps(rb))
    assert (back.fingerprint, back.text) == (rb.fingerprint, rb.text)
    assert back.score({"x": "0.5"}).total == rb.score({"x": "0.5"}).total


def test_a_state_that_changed_on_the_way_is_refused() -> None:
    rb = kaoping.Rulebook.from_str(rulebook("tampered", 10))
    restore, (state,) = rb.__reduce__()
    assert restore is _kaoping._restore_rulebook
    changed = state[:2] + (state[2].replace("points = 10", "points = 20").replace("10]", "20]"),) + state[3:]
    with pytest.raises(ValueError, match="fingerprint"):
        restore(changed)
    with pytest.raises(ValueError, match="layout"):
        restore((99,) + state[1:])
    with pytest.raises(ValueError, match="toml or json"):
        restore(state[:3] + ("yaml",) + state[4:])
    with pytest.raises(TypeError, match="pickled state"):
        restore("not a state")
    broken = state[:2] + ("[rulebook]\nid = ",) + state[3:]
    with pytest.raises(kaoping.RulebookError):
        restore(broken)


def test_batches_and_results_travel_as_arrow_not_pickles(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    batch = county.score_many([county_record])
    with pytest.raises(TypeError):
        pickle.dumps(batch)
    table = pickle.loads(pickle.dumps(batch.to_arrow()))
    assert table.equals(batch.to_arrow())
