"""The hand-written stubs match the native module (mypy's stubtest), and the package is typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kaoping


def test_stubtest() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "kaoping._kaoping"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_py_typed_ships_with_the_package() -> None:
    assert (Path(kaoping.__file__).parent / "py.typed").exists()
