"""One rulebook shared by many Python threads: results are the same as scoring alone, and the GIL
is released while the core scores (another Python thread keeps running meanwhile)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

import kaoping


def records(n: int) -> list[dict[str, Any]]:
    return [
        {
            "county": f"县{i}",
            "region": ["秦巴山区", "乌蒙山区", "高原藏区", "凉山彝区", "片区外"][i % 5],
            "population": 100000 + i,
            "poor_population": 1000 + (i * 37) % 5000,
            "income_growth": Decimal(i % 120) / 10,
            "sampled": 320,
            "satisfied": 240 + i % 80,
        }
        for i in range(n)
    ]


def test_threads_share_one_rulebook(county: kaoping.Rulebook) -> None:
    recs = records(400)
    alone = [county.score(r).total for r in recs]
    batch_alone = [r.total for r in county.score_many(recs).results]
    assert alone == batch_alone

    def work(k: int) -> tuple[list[Any], list[Any]]:
        mine = recs[k::8]
        one_by_one = [county.score(r).total for r in mine]
        batch = [r.total for r in county.score_many(mine, parallel=bool(k % 2)).results]
        return one_by_one, batch

    with ThreadPoolExecutor(max_workers=8) as pool:
        outs = list(pool.map(work, range(8)))
    for k, (one_by_one, batch) in enumerate(outs):
        assert one_by_one == alone[k::8] == batch


def test_the_gil_is_released_while_scoring(county: kaoping.Rulebook) -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pylist(records(50_000))
    count = 0
    stop = False

    def spin() -> None:
        nonlocal count
        while not stop:
            count += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.05)
        c0, t0 = count, time.perf_counter()
        time.sleep(0.1)
        rate = (count - c0) / (time.perf_counter() - t0)  # increments per second with the GIL free
        c1, t1 = count, time.perf_counter()
        county.score_many(table, parallel=False)
        took, spun = time.perf_counter() - t1, count - c1
    finally:
        stop = True
        t.join()
    # Holding the GIL, the spinning thread would get at most a switch interval or two.
    held_max = rate * 2 * 0.005 * 2
    assert took > 0.05, "scoring took too little time to tell"
    assert spun > max(held_max, rate * took * 0.2), (spun, rate, took)
