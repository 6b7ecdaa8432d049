"""Regressions found by trying kaoping as a user would (issue "Panics and rough edges"): each
test is a case that once crashed or surprised."""

from __future__ import annotations

from decimal import Decimal

import pytest

import kaoping

COMPONENT = """
[rulebook]
id = "c"
title = "C"
version = "1"
[inputs]
a = { type = "integer", min = 0, required = false }
b = { type = "integer", min = 1, required = false }
[derived]
r = "a / b * 100"
[[indicator]]
id = "x"
label = "X"
points = 10
linear = { input = "r", from = [0, 0], to = [100, 10] }
"""

PARENT = """
[rulebook]
id = "p"
title = "P"
version = "1"
[inputs]
z = { type = "integer", min = 0 }
[[indicator]]
id = "m"
label = "M"
points = 5
linear = { input = "z", from = [0, 0], to = [10, 5] }
[[indicator]]
id = "k"
label = "K"
points = 10
component = { rulebook = "c" }
"""


def test_a_component_reading_no_data_scores() -> None:
    p = kaoping.Rulebook.from_str(PARENT, components=[kaoping.Rulebook.from_str(COMPONENT)])
    assert p.score({"z": 3, "a": 5, "b": 10}).total == Decimal("6.50")
    r = p.score({"z": 3})  # once a PanicException: the component's view indexed past its inputs
    assert r.total == Decimal("1.50") and r.points("k") == Decimal("0.00")
    assert "无数据" in r.explain()
    b = p.score_many([{"z": 3}, {"z": 3, "a": 5, "b": 10}])
    assert [row.total for row in (b.result(0), b.result(1))] == [Decimal("1.50"), Decimal("6.50")]


LISTS = """
[rulebook]
id = "t.lists"
title = "lists"
version = "1"
[inputs]
patents = { type = "items", fields = { title = "text" }, default = [], label = "学生专利" }
marks = { type = "numbers", min = 0, max = 10, default = [6, "7.5"] }
[[indicator]]
id = "p"
label = "专利"
points = 4
count = { input = "patents", each = 2 }
[[indicator]]
id = "m"
label = "评分"
points = 10
panel = { input = "marks", method = "mean", scale_max = 10 }
"""


def test_lists_default_to_empty_or_to_marks() -> None:
    rb = kaoping.Rulebook.from_str(LISTS)
    assert rb.score({}).total == Decimal("6.75")
    assert rb.score({"patents": [{"title": "a"}], "marks": [10]}).total == Decimal("12.00")
    assert rb.score_many([{}]).result(0).total == Decimal("6.75")
    with pytest.raises(kaoping.SchemaError, match=r"can only be the empty list \[\]"):
        kaoping.Rulebook.from_str(LISTS.replace("default = []", 'default = [{ title = "x" }]'))
