"""Villages and their registered households (sc.poverty.village-exit.households, spec §18.5), for
the Spark and Dask items recipes: a parent table and a child table joined by village name, with
what a join must get right — keys written differently (spaces, full-width digits), a village named
twice (both rows fail with DuplicateKey), households of no village (unmatched), villages without
households."""

from __future__ import annotations

import random

import pandas as pd

RULEBOOK = "sc.poverty.village-exit.households"


def full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


def villages_and_households(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rnd = random.Random(seed)
    names = [f"村{i:04d}" for i in range(n)]
    villages = pd.DataFrame({
        "row_id": range(n),
        "村名": names,
        "农业户籍人口": [rnd.randint(200, 2000) for _ in range(n)],
        "村集体经济收入": [str(rnd.choice([0, 1, 2.5, 8])) for _ in range(n)],
        "通硬化路": [rnd.random() < 0.9 for _ in range(n)],
        "有卫生室": [rnd.random() < 0.9 for _ in range(n)],
        "有文化室": [True] * n,
        "有通信网络": [True] * n,
    })
    villages.loc[7, "村名"] = names[6]  # 村0006 twice: both rows fail with DuplicateKey
    rows = []
    for v in range(n):
        for h in range(rnd.randint(0, 6)):
            members = rnd.randint(1, 6)
            key = names[v]
            if h == 1 and v % 5 == 0:
                key = f" {full_width(key)} "  # joins all the same
            rows.append({
                "户编号": f"{v:04d}-{h}", "所在村": key, "家庭人口": members,
                "人均纯收入": rnd.choice([2500, 3100, 4200, 6000]), "义务教育有保障": rnd.random() < 0.95,
                "参加基本医疗保险人数": members if rnd.random() < 0.95 else members - 1,
                "住房安全有保障": rnd.random() < 0.9, "人均日供水量": 60, "取水往返时间": 5, "供水保证率": 98,
                "通生活用电": True, "直播卫星": True,
            })
    rows.append({**rows[0], "户编号": "orphan", "所在村": "村9999"})  # matches no village
    return villages, pd.DataFrame(rows)
