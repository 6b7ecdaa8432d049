import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _rounding import vector  # noqa: E402

VECTOR = vector("down")
