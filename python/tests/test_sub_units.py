"""Spec §18 from Python: records whose list inputs hold items scored by another rulebook (a
village's households, a county's villages' households), the items' own results
(`score(..., keep_items=True)`, `Result.items`), aggregate lines in explanations (`Result.aggregates`),
and item paths on errors (`KaopingError.item`, `Issue.item`)."""

from __future__ import annotations

import math
import pickle
from decimal import Decimal
from typing import Any

import pytest

import kaoping

HOUSEHOLD = """
[rulebook]
id = "t.household"
version = "1"
key_field = "hh"

[inputs]
hh      = { type = "text" }
members = { type = "integer", min = 1, label = "家庭人口" }
income  = { type = "decimal", required = false }
housing = { type = "boolean", default = true }

[params]
line = 4000

[derived]
per_capita = "income / members"

[[criterion]]
id = "income"
when = "per_capita > line"

[[criterion]]
id = "housing"
when = "housing"
"""

VILLAGE = """
[rulebook]
id = "t.village"
version = "1"
key_field = "village"
scale = 4

[inputs]
village    = { type = "text" }
population = { type = "integer", min = 1 }
households = { type = "items", rulebook = "t.household", order_by = "hh", label = "建档立卡贫困户" }
reports    = { type = "items", fields = { period = "text", on_time = "boolean" }, required = false }

[derived]
remaining_poor = "sum(households, item.members, not item.passed)"
incidence      = "remaining_poor / population * 100"
poorest        = "min(households, item.per_capita)"

[[indicator]]
id = "incidence"
label = "incidence"
points = 1000
formula = "incidence"

[[indicator]]
id = "poorest"
label = "poorest"
points = 100000
formula = "poorest"
"""

COUNTY = """
[rulebook]
id = "t.county"
version = "1"
scale = 4

[inputs]
villages = { type = "items", rulebook = "t.village" }

[derived]
share_low = "share(villages, item.incidence < 3)"

[[indicator]]
id = "share_low"
label = "share_low"
points = 100
formula = "share_low"
"""


@pytest.fixture(scope="module")
def household() -> kaoping.Rulebook:
    return kaoping.Rulebook.from_str(HOUSEHOLD)


@pytest.fixture(scope="module")
def village(household: kaoping.Rulebook) -> kaoping.Rulebook:
    return kaoping.Rulebook.from_str(VILLAGE, components=[household])


@pytest.fixture(scope="module")
def county(household: kaoping.Rulebook, village: kaoping.Rulebook) -> kaoping.Rulebook:
    return kaoping.Rulebook.from_str(COUNTY, components=[household, village])


def hh(key: str, members: Any, income: Any = None, **more: Any) -> dict[str, Any]:
    return {"hh": key, "members": members, "income": income, **more}


def new_village(name: str = "新村", population: int = 200, households: Any = None) -> dict[str, Any]:
    if households is None:
        # Given out of order: order_by = "hh" reads them h1, h2, h3; positions stay as given.
        households = [hh("h3", 5, Decimal("30000")), hh("h1", 4, Decimal("20000")), hh("h2", 3, Decimal("9000"))]
    return {"village": name, "population": population, "households": households}


# --- Items' own results ---------------------------------------------------------------------------


def test_items_own_results_in_list_order_with_their_positions(village: kaoping.Rulebook) -> None:
    r = village.score(new_village(), keep_items=True)
    # h2: 9000 / 3 = 3000 is not above the line: 3 remaining poor of 200 = 1.5%.
    assert r.points("incidence") == Decimal("1.5000")
    items = sorted(r.items("households"), key=lambda i: i.position or 0)
    assert [(i.key, i.position, i.passed) for i in items] == [("h3", 1, True), ("h1", 2, True), ("h2", 3, False)]
    h2 = items[2]
    assert isinstance(h2, kaoping.Result)
    assert h2.rulebook == "t.household"
    assert {c["id"]: c["holds"] for c in h2.to_dict()["criteria"]} == {"income": False, "housing": True}
    assert "per_capita = 3000, line = 4000" in h2.explain("en")
    assert r.position is None


def test_items_own_results_follow_order_by(village: kaoping.Rulebook) -> None:
    items = village.score(new_village(), keep_items=True).items("households")
    assert [(i.key, i.position) for i in items] == [("h1", 2), ("h2", 3), ("h3", 1)]


def test_items_are_kept_only_when_asked_for(village: kaoping.Rulebook) -> None:
    r = village.score(new_village())
    with pytest.raises(ValueError, match="keep_items=True"):
        r.items("households")
    assert "items" not in r.to_dict()
    b = village.score_many([new_village()], explain=True)
    with pytest.raises(ValueError, match="keep_items=True"):
        b.results[0].items("households")


@pytest.mark.parametrize("explain", [False, True])
def test_a_batch_keeps_the_items_when_asked(village: kaoping.Rulebook, explain: bool) -> None:
    # Explained up front or on demand, from dicts and from a table.
    pa = pytest.importorskip("pyarrow")
    records = [new_village(), new_village("旧村", 10, [hh("o1", 2, 100)])]
    for source in (records, pa.Table.from_pylist(records)):
        b = village.score_many(source, explain=explain, keep_items=True)
        got = [[(h.key, h.position, h.passed) for h in r.items("households")] for r in b.results]
        assert sorted(got[0], key=lambda h: h[1]) == [("h3", 1, True), ("h1", 2, True), ("h2", 3, False)]
        assert got[1] == [("o1", 1, False)]
        assert [h.key for h in b.result(1).items("households")] == ["o1"]


def test_a_name_that_is_no_scored_list(village: kaoping.Rulebook) -> None:
    r = village.score(new_village(), keep_items=True)
    for name in ("reports", "population", "nope"):
        with pytest.raises(KeyError, match="households"):
            r.items(name)


def test_an_empty_list_and_a_list_left_out(household: kaoping.Rulebook) -> None:
    optional = VILLAGE.replace('label = "建档立卡贫困户" }', 'label = "建档立卡贫困户", required = false }')
    rb = kaoping.Rulebook.from_str(optional, components=[household])
    assert rb.score(new_village(households=[]), keep_items=True).items("households") == []
    left_out = {"village": "空村", "population": 10}
    r = rb.score(left_out, keep_items=True)
    assert r.items("households") == []
    assert r.points("incidence") == Decimal("0")  # sum over a missing list has no data: 0 points


def test_three_levels_down(county: kaoping.Rulebook) -> None:
    record = {
        "villages": [
            new_village("甲村", 100, [hh("a1", 2, Decimal("1000")), hh("a2", 2, 100000)]),
            new_village("乙村", 100, [hh("b1", 5, "100000")]),
        ]
    }
    r = county.score(record, keep_items=True)
    assert r.points("share_low") == Decimal("100.0000")
    villages = r.items("villages")
    assert [v.key for v in villages] == ["甲村", "乙村"]
    assert villages[0].points("incidence") == Decimal("2.0000")
    a = villages[0].items("households")
    assert [(h.key, h.passed) for h in a] == [("a1", False), ("a2", True)]
    with pytest.raises(KeyError):
        a[0].items("households")
    # The items' results inside to_dict are typed as the top's are, at every level.
    d = r.to_dict()
    inner = d["items"][0]["items"][0]["result"]
    assert inner["key"] == "甲村" and isinstance(inner["total"], Decimal)
    household = inner["items"][0]["items"][0]["result"]
    assert household["key"] == "a1" and household["passed"] is False


# --- Aggregates in explanations -------------------------------------------------------------------


def test_aggregate_lines(village: kaoping.Rulebook) -> None:
    rec = new_village(households=[hh("h1", 4, 20000), hh("h2", 3, 9000), hh("h3", 5)])
    r = village.score(rec)
    lines = {a.place: a for a in r.aggregates}
    assert set(lines) == {'derived "remaining_poor"', 'derived "poorest"'}
    poor = lines['derived "remaining_poor"']
    assert isinstance(poor, kaoping.AggregateLine)
    # h3 has no income: its criterion fails for lack of data, so 3 + 5 remain poor.
    assert (poor.function, poor.list, poor.list_label) == ("sum", "households", "建档立卡贫困户")
    assert (poor.x, poor.cond, poor.selected, poor.of, poor.value) == ("item.members", "not item.passed", 2, 3, "8")
    assert poor.no_data_item is None
    assert poor.call == "sum(households, item.members, not item.passed)"
    poorest = lines['derived "poorest"']
    # No data: the first item responsible is h3, the third as given.
    assert (poorest.function, poorest.value, poorest.no_data_item, poorest.cond) == ("min", None, 3, None)
    assert "remaining_poor" in repr(poor)
    zh = r.explain("zh")
    assert "remaining_poor = 8：建档立卡贫困户 3 项中 2 项满足 not item.passed，sum(item.members) = 8" in zh
    assert r.to_dict()["aggregates"][0]["place"] == 'derived "remaining_poor"'


def test_a_rulebook_without_aggregates_has_none(household: kaoping.Rulebook) -> None:
    assert household.score(hh("h1", 2, 10000)).aggregates == []


# --- Item paths on errors -------------------------------------------------------------------------


def test_every_item_problem_names_its_item(village: kaoping.Rulebook) -> None:
    rec = new_village(population=0, households=[hh("h1", 4, 20000), {"hh": "5100000017", "income": 1}, hh("h3", 0, 1)])
    with pytest.raises(kaoping.InputError) as info:
        village.score(rec)
    e = info.value
    # The record's own problem first: no item.
    assert (e.kind, e.field, e.item) == ("InputOutOfRange", "population", None)
    got = [(i.kind, i.field, i.item) for i in e.issues]
    assert got == [
        ("InputOutOfRange", "population", None),
        ("MissingInput", "members", "households[2] (5100000017)"),
        ("InputOutOfRange", "members", "households[3] (h3)"),
    ]
    assert "households[2] (5100000017)" in str(e)
    assert 'item="households[3] (h3)"' in repr(e.issues[2])


def test_the_first_problem_in_an_item(village: kaoping.Rulebook) -> None:
    with pytest.raises(kaoping.MissingInputError) as info:
        village.score(new_village(households=[hh("h1", 4, 1), {"hh": "h2"}]))
    assert (info.value.field, info.value.item) == ("members", "households[2] (h2)")


def test_a_value_python_cannot_read_is_the_items_problem(village: kaoping.Rulebook) -> None:
    # NaN and a dict where numbers belong: each fails its own item, at its field, with the other
    # items' problems; no whole-list error.
    rec = new_village(households=[hh("h1", math.nan, 1), hh("h2", 2, {"a": 1}), hh("h3", 0, 1)])
    with pytest.raises(kaoping.InputError) as info:
        village.score(rec)
    got = [(i.kind, i.field, i.item) for i in info.value.issues]
    assert got == [
        ("InputType", "members", "households[1] (h1)"),
        ("InputType", "income", "households[2] (h2)"),
        ("InputOutOfRange", "members", "households[3] (h3)"),
    ]
    assert "nan" in str(info.value)


def test_an_element_that_is_no_mapping_is_the_lists_problem(village: kaoping.Rulebook) -> None:
    with pytest.raises(kaoping.InputTypeError) as info:
        village.score(new_village(households=[hh("h1", 4, 1), "h2"]))
    assert (info.value.field, info.value.item) == ("households", None)


def test_an_items_evaluation_error_names_the_item(household: kaoping.Rulebook) -> None:
    sub = HOUSEHOLD.replace('members = { type = "integer", min = 1, label = "家庭人口" }', 'members = { type = "integer" }')
    rb = kaoping.Rulebook.from_str(VILLAGE, components=[kaoping.Rulebook.from_str(sub)])
    with pytest.raises(kaoping.DivisionByZeroError) as info:
        rb.score(new_village(households=[hh("h1", 4, 1), hh("h2", 0, 1)]))
    assert (info.value.indicator, info.value.item, info.value.field) == ("per_capita", "households[2] (h2)", None)


def test_nested_item_paths(county: kaoping.Rulebook) -> None:
    record = {"villages": [new_village("甲村", 100, [hh("a1", 2, 1)]), new_village("丙村", 10, [hh("c1", 0, 1)])]}
    with pytest.raises(kaoping.InputOutOfRangeError) as info:
        county.score(record)
    assert (info.value.field, info.value.item) == ("members", "villages[2] (丙村).households[1] (c1)")


def test_a_batch_row_error_carries_the_item(village: kaoping.Rulebook) -> None:
    b = village.score_many([new_village(), new_village(households=[hh("h1", 0, 1)])])
    assert b.errors[0] is None
    e = b.errors[1]
    assert e is not None and (e.item, e.row) == ("households[1] (h1)", 2)
    assert "households[1] (h1)" in b.to_arrow().column("error")[1].as_py()


# --- Lists inside items from tables ---------------------------------------------------------------


def test_nested_lists_from_an_arrow_table(county: kaoping.Rulebook) -> None:
    pa = pytest.importorskip("pyarrow")
    records = [
        {"villages": [new_village("甲村", 100, [hh("a1", 2, Decimal("1000")), hh("a2", 2, Decimal("100000"))])]},
        {"villages": [new_village("乙村", 10, [hh("b1", 0, Decimal("1"))]), new_village("丁村", 10, [])]},
        {"villages": []},
    ]
    want = county.score_many(records)
    got = county.score_many(pa.Table.from_pylist(records))
    assert got.to_arrow().equals(want.to_arrow())
    e = got.errors[1]
    assert e is not None and e.item == "villages[1] (乙村).households[1] (b1)"


# --- Introspection and pickling -------------------------------------------------------------------


def test_the_rulebook_that_scores_the_items(village: kaoping.Rulebook) -> None:
    inputs = {i.name: i for i in village.inputs}
    assert inputs["households"].rulebook == "t.household"
    assert inputs["reports"].rulebook is None and inputs["population"].rulebook is None
    sub = village.item_rulebook("households")
    assert sub is not None and sub.id == "t.household" and sub.key_field == "hh"
    assert village.item_rulebook("reports") is None and village.item_rulebook("nope") is None


def test_pickled_with_the_rulebooks_of_its_items(county: kaoping.Rulebook) -> None:
    # The household and village rulebooks were given to the loader, not found as built-ins or
    # files: they travel with the county's state.
    back = pickle.loads(pickle.dumps(county))
    assert back.fingerprint == county.fingerprint
    record = {"villages": [new_village("甲村", 100, [hh("a1", 2, Decimal("1000"))])]}
    assert back.score(record).total == county.score(record).total
