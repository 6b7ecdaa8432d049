"""The rest of the surface: results (Decimals, dict, JSON, explanation, HTML), introspection,
embedded tests, loading from files with components."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kaoping


def test_result(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    r = county.score(county_record)
    assert repr(r) == "<kaoping.Result key='示例县' total=Decimal('80.13') grade='较好'>"
    assert (r.total, r.max, r.grade, r.key, r.profile) == (Decimal("80.13"), Decimal("100.00"), "较好", "示例县", "凉山彝区")
    assert all(isinstance(x, Decimal) for x in (r.total, r.max, r.base, r.bonus, r.penalty))
    assert r.points("help.satisfaction") == Decimal("3.13")  # 266/320 → 3.125 → half-up
    with pytest.raises(KeyError):
        r.points("no.such.indicator")
    lost = r.lost()
    assert lost[0] == ("help.satisfaction", "群众认可度", Decimal("11.87"))
    assert [x[2] for x in lost] == sorted((x[2] for x in lost), reverse=True)
    assert r.next_grade == ("好", Decimal("9.87"))
    assert r.rulebook == "example.county-assessment" and r.vetoes == [] and r.passed is False


def test_dict_and_json(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    r = county.score(county_record)
    d = r.to_dict()
    assert d["schema"] == "kaoping.result/2" and d["total"] == Decimal("80.13")
    node = next(n for n in d["nodes"] if n["id"] == "help.satisfaction")
    assert node["points"] == Decimal("3.13") and node["max"] == Decimal("15.00")
    assert d["lost"][0]["lost"] == Decimal("11.87") and d["next_grade"]["gap"] == Decimal("9.87")
    assert str(d["as_of"]) == "2019-12-31"
    j = json.loads(r.to_json())
    assert j["total"] == "80.13" and j["rulebook"]["fingerprint"] == county.fingerprint
    assert json.loads(r.to_json(pretty=True)) == j
    # The dict is the JSON with published values as Decimal.
    assert json.loads(json.dumps(d, default=str)) == j


def test_explain_and_html(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    r = county.score(county_record)
    assert "群众认可度 3.13" in r.explain()
    assert "total 80.13" in r.explain(lang="en")
    with pytest.raises(ValueError):
        r.explain(lang="fr")  # type: ignore[arg-type]
    html = r._repr_html_()
    assert html.startswith("<div") and "群众认可度" in html and "80.13" in html
    hostile = county.score(dict(county_record, county="<script>"))
    assert "<script>" not in hostile._repr_html_()


def test_introspection(county: kaoping.Rulebook) -> None:
    assert repr(county).startswith("<kaoping.Rulebook 'example.county-assessment' version '2019.1'")
    assert county.id == "example.county-assessment" and county.scale == 2 and county.illustrative
    assert county.profiles == ["秦巴山区", "乌蒙山区", "高原藏区", "凉山彝区", "片区外"]
    assert county.grades[0] == "好" and county.key_field == "county" and county.profile_field == "region"
    assert county.max() == Decimal("100.00")
    assert len(county.fingerprint) == 64 and county.text and county.source
    inputs = {i.name: i for i in county.inputs}
    pop = inputs["population"]
    assert (pop.type, pop.label, pop.required, pop.min, pop.max) == ("integer", "户籍人口", True, Decimal(1), None)
    assert inputs["region"].values and "片区外" in inputs["region"].values
    assert inputs["expert_marks"].type == "numbers" and inputs["expert_marks"].max == Decimal(10)
    assert inputs["funds_per_capita"].required is False and "population" in repr(pop)
    inds = {i.id: i for i in county.indicators}
    inc = inds["reduction.incidence"]
    assert (inc.label, inc.parent, inc.depth, inc.rule, inc.is_leaf) == ("贫困发生率", "reduction", 1, "bands", True)
    assert inc.points == Decimal("30.00") and inc.source
    assert inds["reduction"].is_leaf is False and inds["reduction"].rule is None


def test_run_tests() -> None:
    assert kaoping.builtin("example.county-assessment").run_tests() == []
    text = kaoping.builtin("example.county-assessment").text
    assert text is not None
    broken = text.replace('expect = { total = "80.13"', 'expect = { total = "80.14"', 1)
    assert broken != text
    failures = kaoping.Rulebook.from_str(broken).run_tests()
    assert len(failures) == 1
    f = failures[0]
    assert (f.field, f.expected, f.got) == ("total", "80.14", "80.13") and f.test in str(f)


def test_files_and_components(tmp_path: Path) -> None:
    part = tmp_path / "t.part.toml"
    part.write_text(
        '[rulebook]\nid = "t.part"\ntitle = "part"\nversion = "1"\n[inputs]\nx = { type = "decimal" }\n'
        '[[indicator]]\nid = "x"\nlabel = "X"\npoints = 10\nlinear = { input = "x", from = [0, 0], to = [10, 10] }\n',
        encoding="utf-8",
    )
    main = tmp_path / "t.main.toml"
    main.write_text(
        '[rulebook]\nid = "t.main"\ntitle = "main"\nversion = "1"\n[inputs]\nx = { type = "decimal" }\n'
        '[[indicator]]\nid = "p"\nlabel = "P"\npoints = 20\ncomponent = { rulebook = "t.part" }\n',
        encoding="utf-8",
    )
    rb = kaoping.Rulebook.from_file(main)  # the component is found next to it
    assert rb.score({"x": Decimal("2.5")}).total == Decimal("5.00")
    with pytest.raises(kaoping.UnknownNameError):
        kaoping.Rulebook.from_str(main.read_text(encoding="utf-8"))
    assert kaoping.Rulebook.from_str(main.read_text(encoding="utf-8"), search=[tmp_path]).id == "t.main"
    part_rb = kaoping.Rulebook.from_file(str(part))
    rb2 = kaoping.Rulebook.from_str(main.read_text(encoding="utf-8"), components=[part_rb])
    assert rb2.score({"x": 10}).total == Decimal("20.00")
    as_json = json.dumps({"rulebook": {"id": "t.j", "title": "j", "version": "1"}, "inputs": {"x": {"type": "decimal"}},
                          "indicator": [{"id": "x", "label": "X", "points": 10,
                                         "linear": {"input": "x", "from": [0, 0], "to": [10, 10]}}]})
    assert kaoping.Rulebook.from_str(as_json, "json").score({"x": 3}).total == Decimal("3")
    with pytest.raises(ValueError):
        kaoping.Rulebook.from_str(as_json, "yaml")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kaoping.Rulebook.from_str(main.read_text(encoding="utf-8"), components=["t.part"])  # type: ignore[list-item]


def test_cohort_for_one_record() -> None:
    text = (
        '[rulebook]\nid = "t.rel"\ntitle = "rel"\nversion = "1"\n[inputs]\nout = { type = "decimal" }\n'
        '[[indicator]]\nid = "up"\nlabel = "Up"\npoints = 10\nrelative = { input = "out" }\n'
    )
    rb = kaoping.Rulebook.from_str(text)
    with pytest.raises(kaoping.CohortRequiredError):
        rb.score({"out": 5})
    assert rb.score({"out": 5}, cohort={"up": 20}).points("up") == Decimal("2.5")
    assert rb.score({"out": 5}, cohort={("up", None): Decimal("10")}).points("up") == Decimal("5")


def test_batch_results_are_a_lazy_sequence(county: kaoping.Rulebook, county_record: dict[str, Any]) -> None:
    from collections.abc import Sequence

    recs = [county_record, dict(county_record, county="乙县", population=0), dict(county_record, county="丙县")]
    b = county.score_many(recs)
    res = b.results
    assert isinstance(res, Sequence) and len(res) == 3 and repr(res) == "<kaoping.Results of 3 rows>"
    assert res[0] is not None and res[0].total == Decimal("80.13") and res[1] is None
    assert res[-1] is not None and res[-1].key == "丙县"
    assert [r and r.key for r in res] == ["示例县", None, "丙县"]
    assert [r and r.key for r in res[::2]] == ["示例县", "丙县"]
    with pytest.raises(IndexError):
        res[3]
    it = iter(res)
    assert next(it) is not None and next(it) is None and next(it) is not None
    with pytest.raises(StopIteration):
        next(it)
    assert repr(b) == "<kaoping.Batch rows=3 ok=2 failed=1>" and b.unknown_columns == []
