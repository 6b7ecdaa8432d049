"""Designing weights (spec §15): AHP, the entropy method, the coefficient of variation, TOPSIS.

Analysis tools for the people who write indicator systems, not part of scoring: the numbers are
floats (eigenvectors, logarithms), computed by the core; nothing reaches a rulebook unless it is
written into a variant with :func:`write`, which records how it was obtained and validates the
result like any rulebook.

    import kaoping
    from kaoping import design

    r = design.ahp([[1, 3, 5], [None, 1, 3], [None, None, 1]], labels=["a", "b", "c"])
    r.weights, r.cr, r.ri_table          # {'a': 0.6370.., ...}, 0.033.., 'saaty'

    w = design.entropy(df[["发生率", "收入"]], cost=["发生率"])   # DataFrame, dict of columns, Batch
    w.to_pandas()                        # indicator, direction, e, weight

    v = design.write(kaoping.builtin("example.county-assessment"), r, node="reduction")
    v.variant_of, v.provenance           # what changed, and how it was derived

Matrices: a list of rows, a NumPy array or a pandas DataFrame (labels from its columns). Cells
are numbers (Decimal and int exactly, float by its repr), fractions as text (``"1/3"``) or
``fractions.Fraction``; ``None`` (or NaN in a DataFrame) below the diagonal is the reciprocal of
its mirror. Cohorts: a pandas or polars DataFrame, a mapping of column name to values, or a
``kaoping.Batch`` with ``columns=[indicator ids]`` (those indicators' points; rows that failed
are left out and said so in ``warnings``).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import fractions as _fractions
import json as _json
import math as _math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from kaoping import _kaoping

__all__ = [
    "Ahp",
    "Hierarchy",
    "CohortWeights",
    "Topsis",
    "ahp",
    "ahp_hierarchy",
    "entropy",
    "coefficient_of_variation",
    "topsis",
    "write",
    "METHODS",
    "RI_TABLES",
]

METHODS = ("eigenvector", "geometric-mean", "column-normalisation")
"""AHP weighting methods (the first is the default)."""

RI_TABLES = ("saaty", "saaty-2005", "donegan-dodd")
"""Named tables of random indices (the first is the default)."""


def _pandas() -> Any:
    import pandas

    return pandas


@dataclass(frozen=True)
class Ahp:
    """The weights of one pairwise matrix and its consistency."""

    labels: list[str]
    weights: dict[str, float]
    method: str
    lambda_max: float
    ci: float
    ri: float
    ri_table: str
    cr: float
    consistent: bool
    accepted_inconsistent: bool
    iterations: int
    matrix_fingerprint: str
    _native: Any = field(repr=False, compare=False)

    def to_pandas(self) -> Any:
        """A DataFrame indexed by label with the column ``weight``."""
        pd = _pandas()
        return pd.DataFrame({"weight": list(self.weights.values())}, index=pd.Index(self.labels, name="label"))


@dataclass(frozen=True)
class Hierarchy:
    """AHP over a hierarchy: each matrix's result, and every node's global weight."""

    local: dict[Optional[str], Ahp]
    global_weights: list[dict[str, Any]]

    def to_pandas(self) -> Any:
        """A DataFrame: id, parent, local, global, is_leaf (parents before their children)."""
        return _pandas().DataFrame(self.global_weights, columns=["id", "parent", "local", "global", "is_leaf"])


@dataclass(frozen=True)
class CohortWeights:
    """Entropy or coefficient-of-variation weights of a cohort's indicators."""

    method: str
    labels: list[str]
    directions: dict[str, str]
    weights: dict[str, float]
    measure: dict[str, float]
    units: int
    warnings: list[str]
    cohort_fingerprint: str
    _native: Any = field(repr=False, compare=False)

    def to_pandas(self) -> Any:
        """A DataFrame indexed by indicator: direction, e (entropy) or cv, weight."""
        pd = _pandas()
        name = "e" if self.method == "entropy" else "cv"
        return pd.DataFrame(
            {
                "direction": [self.directions[x] for x in self.labels],
                name: [self.measure[x] for x in self.labels],
                "weight": [self.weights[x] for x in self.labels],
            },
            index=pd.Index(self.labels, name="indicator"),
        )


@dataclass(frozen=True)
class Topsis:
    """TOPSIS closeness and ranks, with the ideal and anti-ideal units."""

    labels: list[str]
    weights: dict[str, float]
    directions: dict[str, str]
    ideal: dict[str, float]
    anti_ideal: dict[str, float]
    rows: list[dict[str, Any]]
    warnings: list[str]
    cohort_fingerprint: str

    def to_pandas(self) -> Any:
        """A DataFrame indexed by unit: d_plus, d_minus, closeness, rank (input order)."""
        pd = _pandas()
        df = pd.DataFrame(self.rows, columns=["key", "d_plus", "d_minus", "closeness", "rank"])
        return df.set_index("key")


_Cell = Union[None, int, float, str, _decimal.Decimal, _fractions.Fraction]


def _cell_text(x: Any, where: str, nan_is_empty: bool) -> Optional[str]:
    if x is None:
        return None
    if isinstance(x, bool):
        raise TypeError(f"{where}: {x!r} is not a number")
    if isinstance(x, float) or type(x).__module__ == "numpy":
        f = float(x)
        if _math.isnan(f) and nan_is_empty:
            return None
        if not _math.isfinite(f):
            raise ValueError(f"{where}: {x!r} is not a finite number")
        return repr(f)
    if isinstance(x, _fractions.Fraction):
        return f"{x.numerator}/{x.denominator}"
    if isinstance(x, (int, _decimal.Decimal, str)):
        return str(x)
    raise TypeError(f"{where}: {type(x).__name__} is not a number")


def _matrix(matrix: Any, labels: Optional[Sequence[str]]) -> tuple[list[str], list[list[Optional[str]]]]:
    """Labels and text cells from rows, a NumPy array or a DataFrame."""
    frame = hasattr(matrix, "columns") and hasattr(matrix, "to_numpy")
    if frame:
        labels = [str(c) for c in matrix.columns] if labels is None else list(labels)
        rows: list[list[Any]] = matrix.astype(object).to_numpy().tolist()
    else:
        rows = [list(r) for r in (matrix.tolist() if hasattr(matrix, "tolist") else matrix)]
        if labels is None:
            labels = [str(i + 1) for i in range(len(rows))]
    labels = [str(x) for x in labels]
    cells = [
        [_cell_text(x, f"cell ({labels[i] if i < len(labels) else i + 1}, "
                       f"{labels[j] if j < len(labels) else j + 1})", frame) for j, x in enumerate(r)]
        for i, r in enumerate(rows)
    ]
    return labels, cells


def _ahp_of(native: Any) -> Ahp:
    d = _json.loads(native.to_json())
    return Ahp(
        labels=d["labels"],
        weights=dict(zip(d["labels"], d["weights"])),
        method=d["weighting"],
        lambda_max=d["lambda_max"],
        ci=d["ci"],
        ri=d["ri"],
        ri_table=d["ri_table"],
        cr=d["cr"],
        consistent=d["consistent"],
        accepted_inconsistent=d["accepted_inconsistent"],
        iterations=d["iterations"],
        matrix_fingerprint=d["matrix_fingerprint"],
        _native=native,
    )


def ahp(
    matrix: Any,
    labels: Optional[Sequence[str]] = None,
    *,
    method: str = "eigenvector",
    ri: str = "saaty",
    accept_inconsistent: bool = False,
) -> Ahp:
    """AHP weights of a reciprocal pairwise matrix, with λmax, CI, RI and CR.

    A matrix whose CR is 0.1 or more raises ``ValueError`` (with the CR) unless
    ``accept_inconsistent=True``, which the result (and any rulebook written from it) records.
    """
    labels_, cells = _matrix(matrix, labels)
    return _ahp_of(_kaoping.design_ahp(labels_, cells, method, ri, accept_inconsistent))


def ahp_hierarchy(
    matrices: Mapping[Optional[str], Any],
    labels: Optional[Mapping[Optional[str], Sequence[str]]] = None,
    *,
    method: str = "eigenvector",
    ri: str = "saaty",
    accept_inconsistent: bool = False,
) -> Hierarchy:
    """AHP over a hierarchy: ``{None: goal_matrix, "node": its children's matrix, …}``. Global
    weights are products of local weights down the tree."""
    nodes = []
    for node, m in matrices.items():
        labs, cells = _matrix(m, None if labels is None else labels.get(node))
        nodes.append((node, labs, cells))
    local, global_json = _kaoping.design_ahp_hierarchy(nodes, method, ri, accept_inconsistent)
    return Hierarchy(local={n: _ahp_of(r) for n, r in local}, global_weights=_json.loads(global_json))


def _number(x: Any, where: str) -> float:
    if x is None or isinstance(x, bool):
        raise ValueError(f"{where}: {x!r} is not a number")
    f = float(x)
    if not _math.isfinite(f):
        raise ValueError(f"{where}: {x!r} is not a finite number")
    return f


def _cohort(data: Any, columns: Optional[Sequence[str]]) -> tuple[list[str], list[str], list[list[float]], list[str]]:
    """Labels, keys, rows of floats and warnings from a Batch, a DataFrame or a mapping."""
    warnings: list[str] = []
    if isinstance(data, _kaoping.Batch):
        if columns is None:
            raise TypeError("with a Batch, name the indicators whose points make the cohort: columns=[…]")
        df = data.to_pandas(ranks=False)
        failed = df["error"].notna()
        if failed.any():
            warnings.append(f"{int(failed.sum())} rows that failed were left out")
        df = df[~failed]
        cols = [str(c) for c in columns]
        keys = [str(k) for k in df["key"]]
        table = {c: list(df[c]) for c in cols}
    elif hasattr(data, "columns") and hasattr(data, "to_dict"):
        cols = [str(c) for c in (columns if columns is not None else data.columns)]
        if hasattr(data, "index") and not hasattr(data, "schema"):
            keys = [str(k) for k in data.index]
            table = {c: list(data[c]) for c in cols}
        else:  # polars
            keys = [str(i + 1) for i in range(data.height)]
            table = {c: data[c].to_list() for c in cols}
    elif isinstance(data, Mapping):
        cols = [str(c) for c in (columns if columns is not None else data.keys())]
        table = {c: list(data[c]) for c in cols}
        n = len(next(iter(table.values()))) if table else 0
        keys = [str(i + 1) for i in range(n)]
    else:
        raise TypeError("a cohort is a pandas or polars DataFrame, a mapping of columns, or a kaoping.Batch")
    rows = [
        [_number(table[c][i], f"unit {keys[i]}, column {c}") for c in cols] for i in range(len(keys))
    ]
    return cols, keys, rows, warnings


def _directions(labels: Sequence[str], cost: Optional[Sequence[str]]) -> list[str]:
    cost = list(cost or [])
    for c in cost:
        if c not in labels:
            raise ValueError(f"cost indicator {c!r} is not a column ({', '.join(labels)})")
    return ["cost" if x in cost else "benefit" for x in labels]


def _cohort_weights(native: Any, extra: list[str]) -> CohortWeights:
    d = _json.loads(native.to_json())
    labels = d["labels"]
    return CohortWeights(
        method=d["method"],
        labels=labels,
        directions=dict(zip(labels, d["directions"])),
        weights=dict(zip(labels, d["weights"])),
        measure=dict(zip(labels, d["measure"])),
        units=d["units"],
        warnings=extra + d["warnings"],
        cohort_fingerprint=d["cohort_fingerprint"],
        _native=native,
    )


def entropy(data: Any, *, columns: Optional[Sequence[str]] = None, cost: Optional[Sequence[str]] = None) -> CohortWeights:
    """Entropy weights (熵权法): min-max normalisation in each indicator's direction (``cost``
    lists the cost indicators), 0·ln 0 = 0; a constant column gets weight 0 and a warning."""
    labels, keys, rows, warnings = _cohort(data, columns)
    native = _kaoping.design_entropy(labels, keys, rows, _directions(labels, cost))
    return _cohort_weights(native, warnings)


def coefficient_of_variation(data: Any, *, columns: Optional[Sequence[str]] = None) -> CohortWeights:
    """Coefficient-of-variation weights (变异系数法): σ/μ of each column (population σ)."""
    labels, keys, rows, warnings = _cohort(data, columns)
    return _cohort_weights(_kaoping.design_cv(labels, keys, rows), warnings)


def topsis(
    data: Any,
    weights: Union[Sequence[float], Mapping[str, float]],
    *,
    columns: Optional[Sequence[str]] = None,
    cost: Optional[Sequence[str]] = None,
) -> Topsis:
    """TOPSIS: vector normalisation, weighted, distances to the ideal and anti-ideal, closeness
    D⁻/(D⁺ + D⁻), competition ranks (equal closeness shares a rank)."""
    if isinstance(weights, Mapping) and columns is None:
        columns = list(weights.keys())
    labels, keys, rows, warnings = _cohort(data, columns)
    if isinstance(weights, Mapping):
        missing = [x for x in labels if x not in weights]
        if missing:
            raise ValueError(f"no weight for {', '.join(missing)}")
        w = [_number(weights[x], f"weight of {x}") for x in labels]
    else:
        w = [_number(x, "a weight") for x in weights]
    directions = _directions(labels, cost)
    d = _json.loads(_kaoping.design_topsis(labels, keys, rows, w, directions))
    return Topsis(
        labels=labels,
        weights=dict(zip(labels, d["weights"])),
        directions=dict(zip(labels, d["directions"])),
        ideal=dict(zip(labels, d["ideal"])),
        anti_ideal=dict(zip(labels, d["anti_ideal"])),
        rows=d["rows"],
        warnings=warnings + d["warnings"],
        cohort_fingerprint=d["cohort_fingerprint"],
    )


def write(
    rulebook: Any,
    result: Union[Ahp, CohortWeights, Hierarchy],
    *,
    node: Optional[str] = None,
    written_as: Optional[str] = None,
    places: Optional[int] = None,
    date: Union[_dt.date, str, None] = None,
) -> Any:
    """A variant of ``rulebook`` with the result written as ``node``'s children's points (or
    weights, under a weighted node), the sums fixed exactly at ``places`` decimals, and a
    provenance record (method, settings, input fingerprint, ``date`` — today by default).

    For a :class:`Hierarchy`, each matrix's node is its own (the goal's is ``node``)."""
    if isinstance(result, Hierarchy):
        parts = [(n if n is not None else node, r._native) for n, r in result.local.items()]
    elif isinstance(result, (Ahp, CohortWeights)):
        parts = [(node, result._native)]
    else:
        raise TypeError("write takes an Ahp, Hierarchy or CohortWeights result")
    return _kaoping.design_write(rulebook, parts, written_as, places, date or _dt.date.today())
