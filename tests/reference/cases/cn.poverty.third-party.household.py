"""Golden vector of the built-in rulebook cn.poverty.third-party.household (see _builtin.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _builtin import vector  # noqa: E402

VECTOR = vector("cn.poverty.third-party.household")
