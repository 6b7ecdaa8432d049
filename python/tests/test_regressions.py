"""Regressions found by trying kaoping as a user would (issue "Panics and rough edges"): each
test is a case that once crashed or surprised."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

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


def test_a_components_veto_is_carried_up() -> None:
    rb = kaoping.builtin("cd.school.target")
    record = {
        "school": "一小", "stage": "小学", "party_score": 100, "teaching_score": 100, "staff_score": 100,
        "safety_score": 100, "students": 1000, "classes": 24, "has_body": True, "in_network": True,
        "has_plan": True, "has_summary": True, "has_incentives": True, "has_archives": True,
        "funds_budgeted": True, "special_funds": 20000, "science_rooms": 3, "open_hours": 4, "counsellors": 2,
        "backbone_teachers": 3, "training_sessions": 3, "science_festival": True, "clubs": 4,
        "participants": 800, "expert_marks": [10, 10, 10],
        "awards": [{"level": "国家级", "prize": "一等奖", "category": "科技创新", "work": "w1"}],
        "falsified_awards": True,
    }
    r = rb.score(record)
    assert r.total == Decimal("85.00") and r.vetoes == []
    assert r.component_vetoes == [("target.science", "cd.school.science-education", "falsified_awards")]
    assert r.to_dict()["component_vetoes"][0]["score"] == Decimal("0.00")
    assert "子方案一票否决" in r.explain() and "获奖或申报材料弄虚作假" in r._repr_html_()


def _book(rid: str, component: str | None = None) -> str:
    rule = f'component = {{ rulebook = "{component}" }}' if component else 'check = { when = "true" }'
    return (
        f'[rulebook]\nid = "{rid}"\ntitle = "SECRET TITLE of {rid}"\nversion = "1"\n'
        f'[[indicator]]\nid = "k"\nlabel = "K"\npoints = 10\n{rule}\n'
    )


def test_rulebook_ids_are_names_not_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "secret.toml").write_text(_book("secret"), encoding="utf-8")
    for rid in ["../secret", str(tmp_path / "secret")]:
        (tmp_path / "a" / "p.toml").write_text(_book("p", rid), encoding="utf-8")
        with pytest.raises(kaoping.SchemaError, match="not a rulebook id") as e:
            kaoping.Rulebook.from_file(tmp_path / "a" / "p.toml")
        assert "SECRET TITLE" not in str(e.value)
    # A link that leads out of the folder is refused, not read.
    (tmp_path / "outside" / "s.toml").write_text(_book("s"), encoding="utf-8")
    os.symlink(tmp_path / "outside" / "s.toml", tmp_path / "a" / "s.toml")
    (tmp_path / "a" / "p.toml").write_text(_book("p", "s"), encoding="utf-8")
    with pytest.raises(kaoping.SchemaError, match="leads outside") as e:
        kaoping.Rulebook.from_file(tmp_path / "a" / "p.toml")
    assert "SECRET TITLE" not in str(e.value)
    # With file lookup off, only the rulebooks passed (and built-ins) are used.
    (tmp_path / "a" / "c.toml").write_text(_book("c"), encoding="utf-8")
    (tmp_path / "a" / "p.toml").write_text(_book("p", "c"), encoding="utf-8")
    kaoping.Rulebook.from_file(tmp_path / "a" / "p.toml")
    with pytest.raises(kaoping.UnknownNameError):
        kaoping.Rulebook.from_file(tmp_path / "a" / "p.toml", file_lookup=False)
    c = kaoping.Rulebook.from_file(tmp_path / "a" / "c.toml")
    kaoping.Rulebook.from_file(tmp_path / "a" / "p.toml", file_lookup=False, components=[c])


def test_a_veto_holding_the_grade_is_named_not_a_gap() -> None:
    rb = kaoping.builtin("sc.poverty.county-assessment")
    r = rb.score({
        "county": "甲县", "region": "秦巴山区", "rural_population": 200000, "poor_remaining": 3000,
        "poor_reduction_plan": 5000, "poor_reduced": 5000, "village_exit_plan": 20, "villages_exited": 20,
        "income_growth": 9, "sampled_exited": 500, "sampled_wrongly_exited": 0, "sampled_non_registered": 1000,
        "sampled_missed": 0, "poor_villages": 40, "villages_with_leader": 40, "villages_with_unit": 40,
        "villages_with_team": 40, "villages_with_secretary": 40, "villages_with_technician": 40,
        "help_surveyed": 400, "help_satisfied": 380, "funds_allocated": 10000, "funds_spent": 9500,
        "fund_performance": "优秀", "falsified": True,
    })
    assert (r.total, r.grade) == (Decimal("0.00"), "较差")
    assert r.next_grade == ("一般", None)
    assert r.next_grade_blocked_by == [("veto", "falsified", "弄虚作假、搞“数字脱贫”")]
    assert "还差" not in r.explain() and "得分再高也达不到「一般」" in r.explain()


COUNTY = {"county": "丁镇", "region": "片区外", "population": 100000, "poor_population": 1000,
          "income_growth": 12, "sampled": 300, "satisfied": 290}


def test_a_misspelt_column_is_a_warning_naming_what_it_meant() -> None:
    import pandas as pd

    rb = kaoping.builtin("example.county-assessment")
    df = pd.DataFrame([{**COUNTY, "是否弄虚作假": True}])
    with pytest.warns(kaoping.KaopingWarning, match=r'did you mean "弄虚作假" \(input falsified\)\?'):
        b = rb.score_many(df)
    assert b.unknown_columns == ["是否弄虚作假"]
    with pytest.raises(kaoping.UnknownNameError, match="是否弄虚作假"):
        rb.score_many(df, unknown="error")
    b = rb.score_many(df, unknown="ignore")  # no warning (pytest turns warnings into errors)
    assert b.unknown_columns == ["是否弄虚作假"]
    with pytest.raises(ValueError, match="unknown="):
        rb.score_many(df, unknown="loud")


def test_a_misspelt_field_is_a_warning_or_refused() -> None:
    rb = kaoping.builtin("example.county-assessment")
    record = {**COUNTY, "audit_isues": 5}
    with pytest.warns(kaoping.KaopingWarning, match='did you mean "audit_issues"'):
        r = rb.score(record)
    assert r.warnings == ['field `audit_isues` is not an input of this rulebook (ignored); did you mean "audit_issues"?']
    with pytest.raises(kaoping.UnknownNameError) as e:
        rb.score(record, unknown="error")
    assert e.value.field == "audit_isues"
    with pytest.warns(kaoping.KaopingWarning, match="audit_isues"):
        b = rb.score_many([record, COUNTY])
    b = rb.score_many([record, COUNTY], unknown="error")
    assert b.result(0) is None and b.result(1) is not None
    assert [None if e is None else e.kind for e in b.errors] == ["UnknownName", None]


def test_lowest_and_error_rows_speak_the_index_of_the_input() -> None:
    import pandas as pd

    rb = kaoping.builtin("example.county-assessment")
    rows = [
        {**COUNTY, "county": "甲县", "satisfied": 290},
        {**COUNTY, "county": "乙县", "satisfied": 240},
        {**COUNTY, "county": "丙县", "satisfied": 250, "population": 0},  # fails: below the minimum
        {**COUNTY, "county": "丁县", "satisfied": 270},
    ]
    df = pd.DataFrame(rows).sort_values("satisfied")  # index 1, 2, 3, 0: positions are not labels
    b = rb.score_many(df)
    res = b.to_pandas()
    assert list(res.index) == [1, 2, 3, 0]
    lowest = b.lowest(2)
    assert lowest == [1, 3]
    assert list(res.loc[lowest, "key"]) == ["乙县", "丁县"]
    assert b.loc[3].key == "丁县" and b.loc[2] is None
    [err] = [e for e in b.errors if e is not None]
    assert (err.row, err.index, err.key) == (2, 2, "丙县")  # the 2nd row counting from 1; label 2
    assert res.loc[err.index, "key"] == "丙县"
    # Labels of any kind, and positions where the input had no index.
    b2 = rb.score_many(df.set_index(pd.Index(["a", "b", "c", "d"])))
    assert b2.lowest(1) == ["a"] and b2.loc["a"].key == "乙县"
    b3 = rb.score_many(rows)
    assert b3.lowest(1) == [1] and b3.to_pandas().loc[1, "key"] == "乙县"
    assert b3.errors[2].index == 2 and b3.errors[2].row == 3
