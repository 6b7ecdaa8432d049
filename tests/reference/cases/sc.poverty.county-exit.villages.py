"""Golden vector of the built-in rulebook sc.poverty.county-exit.villages (see _builtin.py): its
embedded tests, and the sample chain households → villages → counties with the third-party
sample as a table case."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _builtin import rows_by_key, sample_table, vector  # noqa: E402

VECTOR = vector("sc.poverty.county-exit.villages")
VECTOR["table_case"] = [sample_table(
    "sample: rollup/counties.csv with villages (所属县), villages.households (所在村) and survey (所属县)",
    "rollup/counties.csv",
    {"villages": "rollup/villages.csv", "villages.households": "rollup/households.csv",
     "survey": "rollup/survey.csv"},
    rows=rows_by_key("rollup/counties.csv", {
        # 54 of the 60 households that answered approve: exactly 90%.
        "示例县F": {"criteria": {"approval": True}},
        "示例县G": {"error": {"kind": "DivisionByZero", "at": "incidence"}},
        "示例县H": {"error": {"kind": "InputOutOfRange", "field": "water_assurance",
                              "item": "villages[1] (错误村1).households[2] (E001)"}},
    }),
    unmatched={"villages": {"count": 1, "first": "示例县Z"},
               "villages.households": {"count": 1, "first": "示例村Z99"},
               "survey": {"count": 1, "first": "示例县Z"}},
)]
