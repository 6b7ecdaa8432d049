"""Child tables for ``score_many(..., items=...)`` (spec §18.5): any table as CSV bytes, written by
Arrow's C++ CSV writer so that no Python object is made per cell. The core reads the CSV as it
reads the command's child tables."""

from __future__ import annotations

import io
from typing import Any


def csv_bytes(table: Any) -> bytes:
    """A pandas DataFrame, a pyarrow Table or RecordBatch, anything with the Arrow PyCapsule
    interface (polars), or a list of mappings, as UTF-8 CSV bytes with a header line."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if isinstance(table, (pa.Table, pa.RecordBatch)):
        t = table
    elif hasattr(table, "__arrow_c_stream__"):
        t = pa.table(table)
    elif type(table).__module__.startswith("pandas"):
        t = pa.Table.from_pandas(table, preserve_index=False)
    elif isinstance(table, list):
        t = pa.Table.from_pylist(table)
    else:
        raise TypeError(
            f"an items table must be a DataFrame, an Arrow table, a list of mappings or CSV text, "
            f"not {type(table).__name__}"
        )
    out = io.BytesIO()
    pacsv.write_csv(t, out)
    return out.getvalue()
