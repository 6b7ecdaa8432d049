"""Golden vector of the built-in rulebook cn.science-literacy.district (see _builtin.py): its
embedded tests, and the sample districts with their respondents as a table case."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _builtin import rows_by_key, sample_table, vector  # noqa: E402

VECTOR = vector("cn.science-literacy.district")
VECTOR["table_case"] = [sample_table(
    "sample: districts.csv with respondents.csv joined on 区（市）县",
    "districts.csv", {"respondents": "respondents.csv"},
    rows=rows_by_key("districts.csv", {
        "示例区C": {"error": {"kind": "InputOutOfRange", "field": "knowledge"}},
        "示例区D": {"error": {"kind": "MissingInput", "field": "method"}},
        "示例区I": {"error": {"kind": "DivisionByZero", "at": "qualified_share"}},
    }),
    unmatched={},
)]
