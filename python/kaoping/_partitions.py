"""What the per-partition helpers (``kaoping.spark``, ``kaoping.dask``) share."""

from __future__ import annotations

from kaoping._kaoping import Rulebook


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
