"""Advice (整改建议, issue #24): `Result.advise(goal=…)` and `Rulebook.advise(record, goal)`.

Every alternative is checked here by scoring the changed record again; numbers come back as
`Decimal`; refusals raise."""

from decimal import Decimal

import pytest

import kaoping

COUNTY = {
    "county": "示例县",
    "region": "凉山彝区",
    "population": 100000,
    "poor_population": 3000,
    "income_growth": 6,
    "sampled": 320,
    "satisfied": 266,
    "expert_marks": [7, 8, 9, 6, 10],
}


@pytest.fixture(scope="module")
def rb():
    return kaoping.builtin("example.county-assessment")


def changed(record, alternative):
    out = dict(record)
    for c in alternative.changes:
        out[c.input] = c.after
    return out


def test_result_advise_reaches_hao_exactly(rb):
    result = rb.score(COUNTY)
    advice = result.advise(goal="好")
    assert advice.total == Decimal("80.13") and advice.grade == "较好" and not advice.reached
    assert advice.alternatives, advice.text("en")
    # 298 of 320 satisfied (93.125%) reaches 好; 297 does not.
    one = [a for a in advice.alternatives if [c.input for c in a.changes] == ["satisfied"]]
    assert one and one[0].changes[0].after == 298 and one[0].changes[0].delta == Decimal("32")
    assert one[0].total == Decimal("90.13") and isinstance(one[0].total, Decimal)
    assert rb.score({**COUNTY, "satisfied": 297}).grade == "较好"
    for alt in advice.alternatives:
        assert rb.score(changed(COUNTY, alt)).grade == "好", alt.text("en")
    assert "认可户数 由 266 改为 298" in one[0].text("zh")
    assert "+10.00 points on 群众认可度" in one[0].text("en")


def test_to_dict_has_decimals_and_repr_is_readable(rb):
    advice = rb.advise(COUNTY, "好")
    d = advice.to_dict()
    assert d["schema"] == "kaoping.advice/1" and d["goal"] == "好"
    alt = d["alternatives"][0]
    assert isinstance(alt["total"], Decimal) and isinstance(alt["effects"][0]["delta"], Decimal)
    assert repr(advice).startswith("<Advice '示例县' goal='好' alternatives=")
    assert repr(advice.alternatives[0]).startswith("<Alternative ")
    assert "→" in repr(advice.alternatives[0].changes[0])
    assert '"schema":"kaoping.advice/1"' in advice.to_json()


def test_a_veto_is_named_first(rb):
    advice = rb.advise({**COUNTY, "falsified": True}, "较好")
    (b,) = advice.blockers
    assert (b.kind, b.id) == ("veto", "falsified")
    assert [c.after for c in b.cleared_by] == [False]
    assert advice.alternatives[0].changes[0].input == "falsified"
    assert b.text("en").startswith("first clear the veto")


def test_goals_passed_total_and_unreachable(rb):
    passed = rb.advise(COUNTY, "passed")
    assert passed.blockers[0].kind == "criterion"
    assert all(a.passed for a in passed.alternatives)
    total = rb.advise(COUNTY, Decimal("85"))
    assert all(a.total >= Decimal("85") for a in total.alternatives)
    beyond = rb.advise(COUNTY, 101)
    assert beyond.alternatives == []
    reason, zh, en = beyond.unreachable
    assert reason == "beyond_profile" and "100.00" in en and "无法达到" in zh
    assert rb.advise(COUNTY, "一般").reached


def test_refusals(rb):
    with pytest.raises(ValueError, match="好, 较好, 一般, 较差"):
        rb.advise(COUNTY, "优秀")
    with pytest.raises(kaoping.MissingInputError):
        rb.advise({"county": "甲县", "region": "片区外"}, "好")
    batch = rb.score_many([COUNTY])
    with pytest.raises(ValueError, match="Rulebook.score"):
        batch.results[0].advise(goal="好")


def test_not_actionable_inputs_are_never_changed():
    rb = kaoping.builtin("sc.poverty.county-assessment")
    fixed = {i.name for i in rb.inputs if not i.actionable}
    assert "rural_population" in fixed and "funds_allocated" in fixed
