"""Golden vector of the built-in rulebook sc.poverty.village-exit.households (see _builtin.py): its
embedded tests, and its sample villages with their households as a table case."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _builtin import rows_by_key, sample_table, vector  # noqa: E402

VECTOR = vector("sc.poverty.village-exit.households")
VECTOR["table_case"] = [sample_table(
    "sample: rollup/villages.csv with rollup/households.csv joined on 所在村",
    "rollup/villages.csv", {"households": "rollup/households.csv"},
    rows=rows_by_key("rollup/villages.csv", {
        # 30 remaining of 1000 (six households of 5, one of them exactly on the 2995 line).
        "边界村1": {"passed": False, "criteria": {"incidence": False}},
        "边界村2": {"passed": True, "criteria": {"incidence": True}},
        "错误村1": {"error": {"kind": "InputOutOfRange", "field": "water_assurance", "item": "households[2] (E001)"}},
    }),
    unmatched={"households": {"count": 1, "first": "示例村Z99"}},
)]
