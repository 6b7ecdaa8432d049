"""Exception messages and warnings in Chinese or English (issue 27): `kaoping.set_language`.

English is the default in Python (as it always was: programs and logs may read the messages);
`set_language("zh")` switches every exception message, problem, issue and warning to the core's
Chinese catalogue, the same words the command and C give. The kind and the classes never change.
"""

from collections.abc import Iterator

import pytest

import kaoping

HEAD = '[rulebook]\nid = "t"\ntitle = "t"\nversion = "1"\n'
TYPO = HEAD + '[inputs]\nincome = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nformula = "incme * 2"\n'


@pytest.fixture
def chinese() -> Iterator[None]:
    kaoping.set_language("zh")
    try:
        yield
    finally:
        kaoping.set_language("en")


def test_english_is_the_default() -> None:
    assert kaoping.get_language() == "en"
    with pytest.raises(kaoping.UnknownNameError) as e:
        kaoping.Rulebook.from_str(TYPO)
    assert "unknown name `incme` (did you mean `income`?)" in str(e.value)
    assert e.value.problems[0].message.startswith("unknown name `incme`")


def test_load_errors_in_chinese(chinese: None) -> None:
    assert kaoping.get_language() == "zh"
    with pytest.raises(kaoping.UnknownNameError) as e:
        kaoping.Rulebook.from_str(TYPO)
    assert str(e.value).startswith("考核方案 t 无法加载（1 个问题）：")
    assert "未知名称：未知的名称「incme」（是否应为「income」？）" in str(e.value)
    p = e.value.problems[0]
    assert p.kind == "UnknownName"
    assert p.message.startswith("未知的名称「incme」")
    assert "未知的名称「incme」" in str(p)


def test_record_errors_in_chinese(chinese: None) -> None:
    rb = kaoping.builtin("example.county-assessment")
    with pytest.raises(kaoping.MissingInputError) as e:
        rb.score({"county": "甲县"})
    assert "缺少输入［字段 " in str(e.value) and "缺少必填输入项" in str(e.value)
    assert e.value.issues[0].kind == "MissingInput"
    assert e.value.issues[0].message.startswith("缺少必填输入项")


def test_warnings_in_chinese(chinese: None) -> None:
    rb = kaoping.builtin("example.county-assessment")
    record = {"county": "丁镇", "region": "片区外", "population": 100000, "poor_population": 1000,
              "income_growth": 12, "sampled": 300, "satisfied": 290, "audit_isues": 5}
    with pytest.warns(kaoping.KaopingWarning, match="字段「audit_isues」不是考核方案的输入，已忽略；是否应为「audit_issues」？"):
        r = rb.score(record)
    assert r.warnings == ["字段「audit_isues」不是考核方案的输入，已忽略；是否应为「audit_issues」？"]
    with pytest.raises(kaoping.UnknownNameError, match="已拒绝"):
        rb.score(record, unknown="error")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        kaoping.set_language("fr")
    assert kaoping.get_language() == "en"
