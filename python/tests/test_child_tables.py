"""Child tables (spec §18.5) from Python: every table case of the golden vectors scored with
`score_many(parent, items={path: child})`, the parent and children given as pandas DataFrames read
from the vectors' CSV (every cell as text, as a spreadsheet export reads), and as CSV text; each
row, the summary and the unmatched child rows as the independent reference worked them out."""

from __future__ import annotations

import datetime
import io
import warnings
from typing import Any

import pandas as pd
import pytest

import kaoping

from conftest import load_vector, rulebook_of, vector_names
from test_vectors import compare_result


def table_cases() -> list[tuple[str, int]]:
    out = []
    for name in vector_names():
        for i, _ in enumerate(load_vector(name).get("tables") or []):
            out.append((name, i))
    return out


def frame(csv: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("as_frames", [True, False], ids=["child-dataframes", "child-csv-text"])
@pytest.mark.parametrize("name,index", table_cases())
def test_table_vectors(name: str, index: int, as_frames: bool) -> None:
    v = load_vector(name)
    t: dict[str, Any] = v["tables"][index]
    rb = rulebook_of(v)
    parent = frame(t["parent"])
    children = {p: (frame(c) if as_frames else c) for p, c in t["children"].items()}
    as_of = datetime.date.fromisoformat(t["as_of"]) if t["as_of"] else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = rb.score_many(parent, items=children, profile=t["profile"], as_of=as_of, explain=True)
    expect = t["expect"]
    bad: list[str] = []
    assert len(batch) == len(expect["rows"])
    kinds = {name: cls for _, name, cls in kaoping.error_kinds()}
    for i, e in enumerate(expect["rows"]):
        r, err = batch.result(i), batch.error(i)
        if "error" in e:
            if err is None:
                bad.append(f"row {i + 1}: expected {e['error']['kind']}, scored {r.total if r else None}")
            elif type(err).__name__ != kinds[e["error"]["kind"]]:
                bad.append(f"row {i + 1}: expected {e['error']['kind']}, got {type(err).__name__}: {err}")
            continue
        if r is None:
            bad.append(f"row {i + 1}: unexpected error {err!r}")
            continue
        bad += [f"row {i + 1}: {m}" for m in compare_result(e, r)]
    assert not bad, "\n".join(bad)
    s = batch.summary
    assert {"ok": s["ok"], "failed": s["failed"], "grades": {g: n for g, n in s["grades"].items() if n}} == expect["summary"]
    assert s["unmatched"] == expect.get("unmatched", {})
    said = [str(w.message) for w in caught if "match no parent row" in str(w.message)]
    assert len(said) == len(expect.get("unmatched", {})), said


def test_a_child_table_without_its_join_column_is_refused() -> None:
    v = load_vector("rollup-three-levels")
    rb = rulebook_of(v)
    t = v["tables"][0]
    with pytest.raises(kaoping.InputError, match="holding its parent's key"):
        rb.score_many(frame(t["parent"]), items={"villages": pd.DataFrame({"x": [1]})})
    with pytest.raises(kaoping.InputError, match="not an items input"):
        rb.score_many(frame(t["parent"]), items={"nowhere": t["children"]["villages"]})
