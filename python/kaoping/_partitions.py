"""What the per-partition helpers (``kaoping.spark``, ``kaoping.dask``) share."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from kaoping._kaoping import Rulebook, _join_column, _join_key

#: The column both a parent table and its child tables are partitioned by: the join key as the
#: core compares keys (``_join_key``), so that rows that join land in the same partition.
KEY = "__kaoping_key"


def refuse_whole_table_work(rb: Rulebook, ranks: bool, where: str) -> None:
    """Raise ValueError if scoring in independent pieces would not give what one batch gives."""
    if ranks:
        raise ValueError(
            f"{where} scores each partition on its own, and ranks rank the whole table: "
            "leave ranks=False and rank the totals afterwards (equal totals share a rank, "
            "1, 2, 2, 4; failed rows have none): see 'Beyond one machine' in the README"
        )
    if rb.has_relative_rules:
        raise ValueError(
            f"rulebook {rb.id!r} has relative rules (points relative to the best value of the "
            f"whole cohort), which no partition sees alone: {where} does not score it; "
            "score the whole table in one process with rb.score_many(table)"
        )


@dataclass(frozen=True)
class Join:
    """How a parent table and its child tables meet: the parent's key column, and each child
    table's column holding that key, by list path."""

    key: str
    on: Mapping[str, str]


def join_of(rb: Rulebook, parent: Sequence[str], children: Mapping[str, Sequence[str]], where: str) -> Join:
    """The columns a parent table (its column names ``parent``) and its child tables (their
    column names by list path) join on, found as ``score_many(items=…)`` finds them. Only one
    level of child tables: a nested level (``villages.households``) joins to its own parent's key,
    not to the top table's, so it cannot be partitioned by the top key."""
    nested = [p for p in children if "." in p]
    if nested:
        raise ValueError(
            f"{where} partitions the child tables by the parent table's key, and {nested[0]!r} "
            "joins to a child table's rows instead: give one level of child tables (score the "
            "nested level in one process with rb.score_many(parent, items=…))"
        )
    if rb.key_field is None:
        raise ValueError(f"joining child tables needs the parent rows' key, and rulebook {rb.id!r} has no key_field")
    names = {rb.key_field} | {i.label for i in rb.inputs if i.name == rb.key_field and i.label}
    key = next((c for c in parent if str(c).strip() in names), None)
    if key is None:
        raise KeyError(
            f"{where}: the parent table has no key column {' or '.join(sorted(repr(n) for n in names))} "
            "to join the child tables by"
        )
    on = {path: list(cols)[_join_column(rb, path, [str(c) for c in cols])] for path, cols in children.items()}
    return Join(key=key, on=on)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NAType", "NaTType")


def join_keys(values: Iterable[Any]) -> list[str]:
    """Each cell as the core compares join keys ("" where missing: such a row joins nothing)."""
    return ["" if _missing(v) else _join_key(str(v)) for v in values]
