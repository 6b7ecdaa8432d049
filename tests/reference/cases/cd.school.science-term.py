"""Golden vector of the built-in rulebook cd.school.science-term (see _builtin.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _builtin import vector  # noqa: E402

VECTOR = vector("cd.school.science-term")
