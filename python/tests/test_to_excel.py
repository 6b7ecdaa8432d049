"""`Batch.to_excel` writes the sheet the command writes (`kaoping score RULEBOOK data.csv --out
x.xlsx`): one writer (the `kaoping-sheet` crate) behind both, compared here cell by cell with
openpyxl on a built-in's sample, with failed rows among them.

The one column that differs by design is 行号 (`line`): the command writes each row's line in
its CSV file; a batch scored from Python has no file, so `to_excel` leaves it empty (序号, the
row's 1-based number, is in both)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import kaoping

openpyxl = pytest.importorskip("openpyxl")
pd = pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "core" / "rulebooks" / "samples"


def kaoping_command() -> Path:
    """The command built by cargo (`cargo build -p kaoping-cli`; `cargo test --workspace` builds
    it too, before the Python checks run); KAOPING_BIN names another."""
    given = os.environ.get("KAOPING_BIN")
    built = [ROOT / "target" / profile / "kaoping" for profile in ("debug", "release")]
    for p in [Path(given)] if given else built:
        if p.is_file():
            return p
    pytest.skip("the kaoping command is not built: run `cargo build -p kaoping-cli` (or set KAOPING_BIN)")


def cells(path: Path) -> tuple[list[str], list[list[Any]], Any]:
    """A workbook's sheet names, the cells of its first sheet (values, each number's format,
    bold and italic), and the first sheet's frozen cell."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rows = [
        [(c.value, c.number_format if isinstance(c.value, (int, float)) else None, c.font.b, c.font.i) for c in row]
        for row in sheet.iter_rows()
    ]
    return book.sheetnames, rows, sheet.freeze_panes


def scored_in_python(builtin: str, sample: str) -> kaoping.Batch:
    # The CSV as text, empty cells missing: as the command reads it.
    df = pd.read_csv(SAMPLES / sample, dtype=str, keep_default_na=False, na_values=[""])
    return kaoping.builtin(builtin).score_many(df, unknown="ignore")


def command_sheet(tmp_path: Path, builtin: str, sample: str, *options: str) -> Path:
    out = tmp_path / "command.xlsx"
    run = subprocess.run(
        [str(kaoping_command()), "score", f"builtin:{builtin}", str(SAMPLES / sample), "--out", str(out), *options],
        capture_output=True,
        text=True,
    )
    # 1: some rows failed (they are in the sheet with their errors).
    assert run.returncode in (0, 1), run.stderr
    return out


@pytest.mark.parametrize(
    ("builtin", "sample", "headers", "ranks"),
    [
        ("sc.poverty.county-assessment", "counties.csv", None, False),
        ("sc.poverty.county-assessment", "counties.csv", "labels", True),
        ("example.county-assessment", "counties.csv", "ids", True),
        ("sc.poverty.village-exit", "villages.csv", "both", False),
    ],
)
def test_to_excel_writes_the_commands_sheet(
    tmp_path: Path, builtin: str, sample: str, headers: str | None, ranks: bool
) -> None:
    options = ([f"--headers={headers}"] if headers else []) + (["--ranks"] if ranks else [])
    theirs = command_sheet(tmp_path, builtin, sample, *options)
    ours = tmp_path / "python.xlsx"
    batch = scored_in_python(builtin, sample)
    kwargs: dict[str, Any] = {"ranks": ranks}
    if headers:
        kwargs["headers"] = headers
    assert batch.to_excel(ours, **kwargs) is None

    names, command_rows, frozen = cells(theirs)
    py_names, python_rows, py_frozen = cells(ours)
    assert py_names == names
    assert py_frozen == frozen
    header_rows = 1 if headers in ("labels", "ids") else 2
    assert len(python_rows) == len(command_rows) == len(batch) + header_rows
    ids = command_rows[header_rows - 1] if headers != "labels" else None
    line = 1  # 行号, the second column (see the module's docstring)
    if ids is not None:
        assert ids[line][0] == "line"
    error = len(command_rows[0]) - 1
    assert any(r[error][0] is not None for r in command_rows[header_rows:]), "failed rows among them"
    for n, (c, p) in enumerate(zip(command_rows, python_rows)):
        if n >= header_rows:
            assert isinstance(c[line][0], int) and p[line][0] is None, n
            c, p = c[:line] + c[line + 1 :], p[:line] + p[line + 1 :]
        assert p == c, f"row {n + 1}"


def test_to_excel_refuses_unknown_headers_and_unwritable_paths(tmp_path: Path) -> None:
    batch = kaoping.builtin("example.county-assessment").score_many([{}])
    with pytest.raises(ValueError, match="headers"):
        batch.to_excel(tmp_path / "x.xlsx", headers="chinese")
    with pytest.raises(OSError, match="cannot write"):
        batch.to_excel(tmp_path / "no such folder" / "x.xlsx")
    # A path-like or a string.
    batch.to_excel(str(tmp_path / "x.xlsx"))
    names, rows, _ = cells(tmp_path / "x.xlsx")
    assert names == ["县级脱贫攻坚成效考核（示例）"]
    assert rows[1][:3] == [("row", None, False, True), ("line", None, False, True), ("key", None, False, True)]
    assert rows[2][0] == (1, "General", False, False)
