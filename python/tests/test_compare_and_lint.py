"""What if the rules change (issue #23): `kaoping.compare` over the sample tables — the units that
move are counted here independently, with integers — and `Rulebook.lint()`: findings with their
places and words, the reachable ranges as Decimals, every built-in without an error."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

import kaoping

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "core" / "rulebooks" / "samples"


def read_rows(name: str) -> list[dict[str, str]]:
    with open(SAMPLES / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def by_name(rb: kaoping.Rulebook, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The sample rows keyed by input name (records are; a table's columns may be labels)."""
    names = {i.label: i.name for i in rb.inputs if i.label}
    return [{names[k]: v for k, v in r.items() if k in names} for r in rows]


def villages_passing(rows: list[dict[str, str]], tenths: int) -> list[str]:
    """Villages meeting every criterion under exit limit tenths/10 %, with integers:
    poor / rural × 100 < limit ⇔ poor × 1000 < tenths × rural."""
    out = []
    for r in rows:
        try:
            rural, poor = int(r["农业户籍人口"]), int(r["剩余贫困人口"])
            income = Decimal(r["村集体经济收入"])
        except (ValueError, ArithmeticError):
            continue
        yes = all(r[c] == "是" for c in ("通硬化路", "有卫生室", "有文化室", "有通信网络"))
        if poor * 1000 < tenths * rural and income > 0 and yes:
            out.append(r["村名"])
    return out


def test_the_village_exit_limit_from_3_to_2_5_percent() -> None:
    rb = kaoping.builtin("sc.poverty.village-exit")
    variant = rb.with_params({"exit_limit": "2.5"})
    rows = read_rows("villages.csv")
    c = kaoping.compare(rb, variant, by_name(rb, rows))
    assert len(c) == len(rows)
    assert c.new["changes"] == ["exit_limit=2.5"] and c.old["changes"] is None
    want = [k for k in villages_passing(rows, 30) if k not in villages_passing(rows, 25)]
    df = c.to_pandas()
    moved = df[(df["old_passed"] == True) & (df["new_passed"] == False)]["key"].tolist()  # noqa: E712
    assert moved == want and len(want) > 0
    assert set(df.loc[df["key"].isin(want), "criteria_changed"]) == {"incidence"}
    t = c.transitions
    assert t["states"] == ["达标 passed", "未达标 not passed", "未能评分 failed"]
    assert t["counts"][0][1] == len(want)
    assert sum(map(sum, t["counts"])) == len(rows)
    s = c.summary
    assert s["state_changed"] == len(want) and s["compared"] == 0
    m = c.movers[0]
    assert m["old"].passed is True and m["new"].passed is False
    assert m["why"] == ["criterion incidence: holds → fails"]
    assert "贫困村退出贫困发生率标准 = 2.5" in m["new"].explain()  # the changed parameter, by its label
    assert "状态转移" in str(c) and "transitions" in c.text("en")
    assert "<table" in c._repr_html_()
    assert json.loads(c.to_json())["schema"] == "kaoping.compare/1"


def test_a_points_change_attributed_exactly_with_decimals_and_arrow() -> None:
    pa = pytest.importorskip("pyarrow")
    rb = kaoping.builtin("sc.poverty.county-assessment")
    variant = rb.with_params({"income_target@高原藏区": 8, "inc_1": "2.5"})
    rows = read_rows("counties.csv")
    c = kaoping.compare(rb, variant, by_name(rb, rows), movers=3)
    table = c.to_arrow()
    assert table.num_rows == len(rows)
    assert table.schema.field("delta").type == pa.decimal128(38, 2)
    assert table.schema.field("delta.reduction.income").type == pa.decimal128(38, 2)
    d = table.to_pylist()
    parts = ["rescale", "bonus", "penalty", "clamp", "rounding", "vetoes"]
    top = [i.id for i in rb.indicators if i.depth == 0]
    for r in d:
        if r["delta"] is None:
            assert r["old_error"] or r["new_error"]
            continue
        # The change splits exactly into the top-level indicators' changes and the other parts.
        total = sum((r[f"delta.{i}"] for i in top), Decimal(0)) + sum(r[f"attribution.{p}"] for p in parts)
        assert total == r["delta"], r["key"]
        assert isinstance(r["delta"], Decimal)
    s = c.summary
    assert isinstance(s["delta_sum"], Decimal)
    assert s["delta_sum"] == sum(r["delta"] for r in d if r["delta"] is not None)
    assert sum(s["attribution"]["indicators"].values()) + sum(s["attribution"][p] for p in parts) == s["delta_sum"]
    assert s["up"] + s["down"] + s["unchanged"] == s["compared"]
    assert sum(b["count"] for b in s["buckets"]) == s["compared"]
    # Only the two changed profiles' units and the thresholds' bands move.
    moved = {p["profile"] for p in s["profiles"] if p["up"] or p["down"]}
    assert "片区外" not in moved and "高原藏区" in moved
    # The biggest movers, biggest change first.
    sizes = [abs(m["delta"]) for m in c.movers]
    assert len(sizes) == 3 and sizes == sorted(sizes, reverse=True)
    assert sizes[0] == max(abs(r["delta"]) for r in d if r["delta"] is not None)


def test_two_rulebooks_with_an_items_table_in_any_form() -> None:
    pd = pytest.importorskip("pandas")
    old, new = kaoping.builtin("cd.school.science-education"), kaoping.builtin("cd.school.target")
    schools = pd.read_csv(SAMPLES / "schools.csv", dtype=str, keep_default_na=False)
    awards_text = (SAMPLES / "awards.csv").read_text(encoding="utf-8-sig")
    awards = pd.read_csv(SAMPLES / "awards.csv", dtype=str, keep_default_na=False)
    # The sample's remarks column is no input: named once, or refused, or passed over.
    with pytest.warns(kaoping.KaopingWarning, match="备注"):
        by_text = kaoping.compare(old, new, schools, items={"awards": awards_text})
    with pytest.raises(kaoping.UnknownNameError, match="备注"):
        kaoping.compare(old, new, schools, items={"awards": awards_text}, unknown="error")
    schools = schools.drop(columns=["备注"])
    by_frame = kaoping.compare(old, new, schools, items={"awards": awards})
    by_rows = kaoping.compare(old, new, schools, items={"awards": awards.to_dict("records")})
    assert by_text.to_json() == by_frame.to_json() == by_rows.to_json()
    s = by_text.summary
    assert "target" in s["added"] and "effect.awards" in s["removed"]
    # With the awards the schools score (rows bad on purpose aside); without, every one fails.
    assert s["failed_old"] < 10
    without = kaoping.compare(old, new, schools)
    assert without.summary["failed_old"] == len(schools)
    with pytest.raises(ValueError, match="not an items input of either rulebook"):
        kaoping.compare(old, new, schools, items={"nope": awards_text})
    with pytest.raises(TypeError, match="items maps"):
        kaoping.compare(old, new, schools, items=[awards_text])  # type: ignore[arg-type]


def test_refused_before_any_row_is_read() -> None:
    rb = kaoping.builtin("sc.poverty.county-assessment")
    with pytest.raises(kaoping.UnknownProfileError):
        kaoping.compare(rb, rb, [{}], profile="nowhere")
    with pytest.raises(TypeError):
        kaoping.compare(rb, rb, {"county": "x"})


def test_lint_finds_with_places_and_words() -> None:
    text = """[rulebook]
id = "flawed"
title = "体检"
version = "1"

[inputs]
rate = { type = "decimal", min = 0, max = 100 }
spare = { type = "integer", required = false }

[[indicator]]
id = "a"
label = "档次"
points = 30
bands = { input = "rate", at_least = [[150, 30], [80, 12]], else = 0 }

[[grade]]
label = "优"
at_least = 20
[[grade]]
label = "差"
"""
    lint = kaoping.Rulebook.from_str(text).lint()
    assert not lint.is_clean
    codes = {f.code: f for f in lint.findings}
    band = codes["band-never-taken"]
    assert (band.severity, band.line, band.column, band.path) == ("warning", 14, 9, 'indicator "a" rule')
    assert "band 1 (≥ 150)" in band.message("en") and "第 1 档" in band.message()
    assert codes["grade-unreachable"].message("en").startswith("no record can get grade 优")
    assert codes["input-unread"].severity == "info"
    r = lint.ranges[0]
    assert r["total"] == {"min": Decimal("0.00"), "max": Decimal("12.00"), "text": "[0.00, 12.00]"}
    assert r["indicators"][0]["points"] == Decimal("30.00") and r["grades"] == ["差"]
    assert "可达范围" in str(lint) and "reachable" in lint.text("en")
    assert json.loads(lint.to_json())["schema"] == "kaoping.lint/1"
    assert "warning(s)" in repr(lint) and "band-never-taken" in repr(band)
    with pytest.raises(ValueError):
        lint.text("fr")  # type: ignore[arg-type]


def test_every_builtin_lints_without_an_error() -> None:
    for id in kaoping.builtins():
        lint = kaoping.builtin(id).lint()
        assert all(f.severity != "error" for f in lint.findings), id
        assert lint.ranges, id
