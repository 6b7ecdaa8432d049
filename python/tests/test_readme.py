"""The README's Python example runs as written."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT


def python_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's Python section has a python code block"
    return match.group(1)


def test_readme_python_example() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(python_example(), "README.md", "exec"), {"__name__": "__readme__"})
    text = out.getvalue()
    assert "80.13" in text and "1 1" in text
