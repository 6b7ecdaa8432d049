"""Random roll-up family 6 (see _rollups.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _rollups import vector  # noqa: E402

VECTOR = vector(6)
