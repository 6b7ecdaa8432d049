"""The malformed-input catalogue (tests/malformed/catalogue.json, written from the spec) through
the Python module: every hostile rulebook and record gives a KaopingError subclass of the expected
kind naming the expected place — never a crash.

Python has no JSON-text or CSV entry point: records are mappings, so a record case is decoded
with Python's json module (decimals as Decimal) and handed over as a dict. Cases that cannot reach
Python that way carry `python: "skip: …"`; where Python's json reads a text differently (it
accepts NaN), the case carries the expectation that applies in Python.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kaoping

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = json.loads((ROOT / "tests" / "malformed" / "catalogue.json").read_text(encoding="utf-8"))
FIXTURES = {name: kaoping.Rulebook.from_str(text) for name, text in CATALOGUE["fixtures"].items()}
CASES = CATALOGUE["cases"]


def text_of(case: dict[str, Any]) -> str:
    if "text" in case:
        return case["text"]
    return bytes.fromhex(case["hex"]).decode("utf-8")


def python_expect(case: dict[str, Any]) -> dict[str, Any] | None:
    """The expectation in Python, or None when the case does not reach Python."""
    py = case.get("python")
    if isinstance(py, str):
        return None
    return py if isinstance(py, dict) else case["expect"]


def place_ok(p: kaoping.Problem, expect: dict[str, Any]) -> str | None:
    if "line" in expect and p.line != expect["line"]:
        return f"line {p.line}, expected {expect['line']}"
    if "lines" in expect:
        lo, hi = expect["lines"]
        if p.line is None or not lo <= p.line <= hi:
            return f"line {p.line}, expected within {lo}..{hi}"
    if "column" in expect and p.column != expect["column"]:
        return f"column {p.column}, expected {expect['column']}"
    if "path" in expect and expect["path"] not in (p.path or ""):
        return f"path {p.path!r} does not name {expect['path']!r}"
    return None


def check_rulebook(case: dict[str, Any], expect: dict[str, Any]) -> str | None:
    try:
        kaoping.Rulebook.from_str(text_of(case), case["format"])
    except kaoping.RulebookError as e:
        if not e.problems:
            return "a load error without problems"
        why = []
        for p in e.problems:
            if p.kind == expect["kind"]:
                w = place_ok(p, expect)
                if w is None:
                    break
                why.append(w)
        else:
            return f"no {expect['kind']} problem at the place ({why}); got {[(p.kind, p.line, p.path) for p in e.problems]}"
        for also in expect.get("also", []):
            if not any(p.kind == also for p in e.problems):
                return f"{also} not reported too"
        return None
    return "the rulebook loaded"


def check_issues(e: kaoping.KaopingError, expect: dict[str, Any]) -> str | None:
    if type(e).kind != expect["kind"]:
        return f"{type(e).__name__} ({type(e).kind}), expected {expect['kind']}: {e}"
    first = e.issues[0]
    if first.kind != expect["kind"]:
        return f"first issue {first.kind}, expected {expect['kind']}"
    if "field" in expect and first.field != expect["field"]:
        return f"field {first.field}, expected {expect['field']}"
    if "at" in expect and first.at != expect["at"]:
        return f"at {first.at}, expected {expect['at']}"
    if "all" in expect:
        got = [[i.kind, i.field] for i in e.issues]
        if got != expect["all"]:
            return f"issues {got}, expected {expect['all']}"
    return None


def decode(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def check_record(case: dict[str, Any], expect: dict[str, Any]) -> str | None:
    rb = FIXTURES[case["rulebook"]]
    record = decode(text_of(case))
    opts = case.get("options", {})
    try:
        r = rb.score(record, profile=opts.get("profile"), as_of=opts.get("as_of"))
    except kaoping.KaopingError as e:
        return check_issues(e, expect)
    return f"the record scored: {r.total}"


def check_batch(case: dict[str, Any], expect: dict[str, Any]) -> str | None:
    rb = FIXTURES[case["rulebook"]]
    rows = decode(text_of(case))
    for parallel in (False, True):
        b = rb.score_many(rows, parallel=parallel)
        if len(b) != expect["rows"]:
            return f"{len(b)} slots, expected {expect['rows']}"
        for i in range(len(b)):
            want = next((w for w in expect["errors"] if w["row"] == i + 1), None)
            err = b.error(i)
            if want is None and err is not None:
                return f"row {i + 1} failed: {err}"
            if want is not None:
                if err is None:
                    return f"row {i + 1} scored"
                why = check_issues(err, want)
                if why:
                    return f"row {i + 1}: {why}"
                if err.row != i + 1:
                    return f"row {i + 1}: the error names row {err.row}"
        if b.summary["failed"] != len(expect["errors"]):
            return f"summary counts {b.summary['failed']} failed"
    return None


RUNNABLE = [c for c in CASES if python_expect(c) is not None]


@pytest.mark.parametrize("case", RUNNABLE, ids=[c["id"] for c in RUNNABLE])
def test_catalogue_case(case: dict[str, Any]) -> None:
    expect = python_expect(case)
    assert expect is not None
    check = {"rulebook": check_rulebook, "record": check_record, "batch": check_batch}[case["surface"]]
    why = check(case, expect)
    if "finding" in case:
        assert why is not None, f"marked as a finding ({case['finding']}) but now agrees: remove the mark"
    else:
        assert why is None, why


def test_catalogue_size_and_coverage() -> None:
    assert len(CASES) >= 300
    # Every case either runs here or says why it cannot reach Python.
    skipped = [c for c in CASES if python_expect(c) is None]
    assert all(c["python"].startswith("skip: ") for c in skipped)
    assert len(RUNNABLE) >= 300, f"only {len(RUNNABLE)} cases reach Python"
