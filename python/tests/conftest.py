"""Shared helpers: the golden vectors and native Python records built from them."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kaoping

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def load_vector(name: str) -> dict[str, Any]:
    with open(VECTORS / f"{name}.json", encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def vector_names() -> list[str]:
    return sorted(p.stem for p in VECTORS.glob("*.json"))


def rulebook_of(v: dict[str, Any]) -> kaoping.Rulebook:
    """The vector's rulebook with its components, which are listed innermost first: each is
    loaded with the ones before it (a component of a component)."""
    components: list[kaoping.Rulebook] = []
    for c in v.get("components") or []:
        components.append(kaoping.Rulebook.from_str(c, components=list(components)))
    return kaoping.Rulebook.from_str(v["rulebook"], components=components)


def rulebook_from_folder(v: dict[str, Any], folder: Path) -> kaoping.Rulebook:
    """The vector's rulebook loaded from a file in `folder`, beside every component written as
    `<id>.toml`: all of them are available together, as a load-error vector whose component names
    the top rulebook needs (a cycle through items, `load-items-cycle-indirect`)."""
    def rulebook_id(text: str) -> str:
        found = re.search(r'^id\s*=\s*"([^"]+)"', text, re.M)  # the [rulebook] table comes first
        assert found, text
        return found.group(1)

    for text in [*(v.get("components") or []), v["rulebook"]]:
        (folder / f"{rulebook_id(text)}.toml").write_text(text, encoding="utf-8")
    return kaoping.Rulebook.from_file(folder / f"{rulebook_id(v['rulebook'])}.toml")


def native(value: Any, ty: str, fields: list[tuple[str, str]] | None = None, sub: kaoping.Rulebook | None = None) -> Any:
    """A JSON value of a vector's record as the native Python value an analyst would pass:
    Decimal for decimals, int, bool, str, lists of Decimal, lists of dicts (an item scored by
    `sub` typed by its inputs, lists inside it too)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value) if ty == "decimal" else value
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        if ty == "decimal":
            try:
                return Decimal(value)
            except ArithmeticError:
                return value  # a cell the core reads (or refuses) itself
        return value
    if isinstance(value, list) and ty == "numbers":
        return [native(x, "decimal") for x in value]
    if isinstance(value, list) and ty == "items":
        if sub is not None:
            return [native_record(sub, item) if isinstance(item, dict) else item for item in value]
        types = dict(fields or [])
        return [{k: native(x, types.get(k, "text")) for k, x in item.items()} if isinstance(item, dict) else item for item in value]
    return value


def native_record(rb: kaoping.Rulebook, record: dict[str, Any]) -> dict[str, Any]:
    inputs = {i.name: i for i in rb.inputs}
    out = {}
    for k, v in record.items():
        i = inputs.get(k)
        sub = rb.item_rulebook(k) if i and i.rulebook else None
        out[k] = native(v, i.type if i else "text", i.fields if i else None, sub)
    return out


@pytest.fixture(scope="session")
def county() -> kaoping.Rulebook:
    return kaoping.builtin("example.county-assessment")


@pytest.fixture
def county_record() -> dict[str, Any]:
    """The worked example of the spec: 266/320 satisfaction is 3.125 points, published 3.13."""
    return {
        "county": "示例县",
        "region": "凉山彝区",
        "population": 100000,
        "poor_population": 3000,
        "income_growth": Decimal("6"),
        "sampled": 320,
        "satisfied": 266,
        "expert_marks": [Decimal(7), Decimal(8), Decimal(9), Decimal(6), Decimal(10)],
    }
