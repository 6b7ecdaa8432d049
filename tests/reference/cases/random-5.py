"""Random family 5 (see _families.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _families import vector  # noqa: E402

VECTOR = vector(5)
