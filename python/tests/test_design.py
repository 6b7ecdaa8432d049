"""Designing weights (`kaoping.design`, spec §15) against independent computations:

- AHP: numpy's eigenvectors (``numpy.linalg.eig``) on random reciprocal matrices and on Saaty's
  textbook matrix — the principal eigenvector normalised to sum 1 and λmax agree to 1e-9; the
  geometric-mean and column-normalisation methods against their formulas written here in numpy.
- Entropy and CV: a hand-worked example (closed forms in the comments) and the formulas of spec
  §15 written here in numpy, on random cohorts, to 1e-12.
- TOPSIS: the example of the R package MCDA (its documented ideal and anti-ideal, 9 digits), and
  the steps written here in numpy.

Tolerances are stated per test; the results are floats by nature (the module's docstring says
so) — only what is written into a rulebook is decimal, with its sum fixed exactly.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import kaoping
from kaoping import design

SAATY_RI = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]
SCALE = [1, 2, 3, 4, 5, 6, 7, 8, 9]


def numpy_principal(a: np.ndarray) -> tuple[np.ndarray, float]:
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    v = np.abs(vectors[:, k].real)
    return v / v.sum(), float(values[k].real)


def random_matrix(rng: np.random.Generator, n: int) -> list[list[Fraction]]:
    m = [[Fraction(1)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            x = Fraction(int(rng.choice(SCALE)))
            if rng.random() < 0.5:
                x = 1 / x
            m[i][j], m[j][i] = x, 1 / x
    return m


@pytest.mark.parametrize("seed", range(40))
def test_ahp_eigenvector_matches_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 10))
    m = random_matrix(rng, n)
    a = np.array([[float(x) for x in row] for row in m])
    want, lam = numpy_principal(a)
    r = design.ahp(m, labels=[f"c{i}" for i in range(n)], accept_inconsistent=True)
    got = np.array(list(r.weights.values()))
    assert np.max(np.abs(got - want)) < 1e-9
    assert abs(r.lambda_max - lam) < 1e-9
    ci = (lam - n) / (n - 1)
    assert abs(r.ci - ci) < 1e-9
    assert r.ri == SAATY_RI[n - 1] and r.ri_table == "saaty"
    assert abs(r.cr - ci / SAATY_RI[n - 1]) < 1e-9
    assert r.consistent == (r.cr < 0.1)
    assert r.accepted_inconsistent == (not r.consistent)


@pytest.mark.parametrize("seed", range(10))
def test_ahp_other_methods_match_their_formulas(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 8))
    m = random_matrix(rng, n)
    a = np.array([[float(x) for x in row] for row in m])
    g = np.exp(np.log(a).mean(axis=1))
    g /= g.sum()
    c = (a / a.sum(axis=0)).mean(axis=1)
    for method, want in [("geometric-mean", g), ("column-normalisation", c)]:
        r = design.ahp(m, method=method, accept_inconsistent=True)
        got = np.array(list(r.weights.values()))
        assert np.max(np.abs(got - want)) < 1e-12, method
        lam = float(np.mean((a @ got) / got))
        assert abs(r.lambda_max - lam) < 1e-9, method


def test_saatys_matrix_from_a_dataframe_with_empty_lower_triangle() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        [[1, 3, 5], [None, 1, 3], [None, None, 1]], columns=["贫困发生率", "收入增幅", "群众认可度"]
    )
    r = design.ahp(df)
    want, lam = numpy_principal(np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]))
    assert np.allclose(list(r.weights.values()), want, atol=1e-9, rtol=0)
    # Saaty (1980): 0.637, 0.258, 0.105; λmax 3.039, CR 0.033.
    assert [round(w, 3) for w in r.weights.values()] == [0.637, 0.258, 0.105]
    assert round(r.lambda_max, 3) == 3.039 and round(r.cr, 3) == 0.033
    frame = r.to_pandas()
    assert list(frame.index) == ["贫困发生率", "收入增幅", "群众认可度"]
    # Cells as text, Decimal and Fraction are the same matrix (one fingerprint).
    same = design.ahp([["1", Decimal(3), 5], [Fraction(1, 3), 1, "3"], ["0.2", "1/3", 1]], labels=list(df.columns))
    assert same.matrix_fingerprint == r.matrix_fingerprint


def test_ahp_refusals_and_tables() -> None:
    circular = [[1, 9, "1/9"], [None, 1, 9], [None, None, 1]]
    with pytest.raises(ValueError, match=r"CR = \d\.\d{4}.*accept"):
        design.ahp(circular)
    r = design.ahp(circular, accept_inconsistent=True)
    assert not r.consistent and r.accepted_inconsistent
    with pytest.raises(ValueError, match=r"not reciprocal"):
        design.ahp([[1, 3], [0.2, 1]])
    with pytest.raises(ValueError, match=r"the diagonal must be 1"):
        design.ahp([[2, 3], [None, 1]])
    with pytest.raises(ValueError, match=r"not a finite number"):
        design.ahp([[1, float("nan")], [None, 1]])
    with pytest.raises(ValueError, match=r"unknown RI table"):
        design.ahp([[1, 3], [None, 1]], ri="gong")
    with pytest.raises(ValueError, match=r"covers n ≤ 15"):
        design.ahp(np.ones((16, 16)))
    assert design.ahp(np.ones((16, 16)), ri="donegan-dodd").ri == 1.5078
    assert design.ahp([[1, 3, 5], [None, 1, 3], [None, None, 1]], ri="saaty-2005").ri == 0.52


def test_hierarchy_global_weights_are_products() -> None:
    h = design.ahp_hierarchy(
        {
            None: [[1, 3], [None, 1]],
            "reduction": [[1, 1], [None, 1]],
        },
        labels={None: ["reduction", "help"], "reduction": ["incidence", "income"]},
    )
    g = {x["id"]: x["global"] for x in h.global_weights}
    assert g == pytest.approx({"reduction": 0.75, "incidence": 0.375, "income": 0.375, "help": 0.25}, abs=1e-12)
    assert list(h.to_pandas()["id"]) == ["reduction", "incidence", "income", "help"]


def numpy_entropy(x: np.ndarray, cost: list[bool]) -> np.ndarray:
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    norm = np.where(cost, (hi - x) / span, (x - lo) / span)
    d = np.zeros(x.shape[1])
    for j in range(x.shape[1]):
        if hi[j] == lo[j]:
            continue
        p = norm[:, j] / norm[:, j].sum()
        h = -sum(v * math.log(v) for v in p if v > 0)
        d[j] = 1 - h / math.log(x.shape[0])
    return d / d.sum()


def test_entropy_hand_worked() -> None:
    # See the core's test: with L = ln 2 / ln 3, w = (⅔L, 1 − L, 0, ⅔L) / (1 + L/3).
    data = {"A": [1, 2, 3], "B": [5, 7, 7], "C": [4, 4, 4], "D": [10, 20, 30]}
    r = design.entropy(data, cost=["D"])
    L = math.log(2) / math.log(3)
    want = [2 / 3 * L / (1 + L / 3), (1 - L) / (1 + L / 3), 0.0, 2 / 3 * L / (1 + L / 3)]
    assert list(r.weights.values()) == pytest.approx(want, abs=1e-15)
    assert r.directions == {"A": "benefit", "B": "benefit", "C": "benefit", "D": "cost"}
    assert len(r.warnings) == 1 and "`C`" in r.warnings[0]
    with pytest.raises(ValueError, match="at least 2"):
        design.entropy({"a": [1]})
    with pytest.raises(ValueError, match="every indicator is constant"):
        design.entropy({"a": [1, 1], "b": [2, 2]})
    with pytest.raises(ValueError, match="not a column"):
        design.entropy(data, cost=["Z"])


@pytest.mark.parametrize("seed", range(20))
def test_entropy_and_cv_match_numpy(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    m, n = int(rng.integers(2, 30)), int(rng.integers(1, 8))
    x = rng.uniform(1, 100, size=(m, n)).round(2)
    cost = [bool(rng.random() < 0.4) for _ in range(n)]
    labels = [f"i{j}" for j in range(n)]
    data = {labels[j]: x[:, j].tolist() for j in range(n)}
    r = design.entropy(data, cost=[labels[j] for j in range(n) if cost[j]])
    assert np.max(np.abs(np.array(list(r.weights.values())) - numpy_entropy(x, cost))) < 1e-12
    cv = x.std(axis=0) / x.mean(axis=0)
    c = design.coefficient_of_variation(data)
    assert np.max(np.abs(np.array(list(c.weights.values())) - cv / cv.sum())) < 1e-12


def numpy_topsis(x: np.ndarray, w: np.ndarray, cost: list[bool]) -> np.ndarray:
    v = w / w.sum() * x / np.sqrt((x**2).sum(axis=0))
    ideal = np.where(cost, v.min(axis=0), v.max(axis=0))
    anti = np.where(cost, v.max(axis=0), v.min(axis=0))
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=1))
    return dm / (dp + dm)


def test_topsis_mcda_example() -> None:
    pd = pytest.importorskip("pandas")
    cars = pd.DataFrame(
        {
            "Purchase Price": [5490, 6500, 6489],
            "Economy": [51.4, 70.6, 54.3],
            "Aesthetics": [8.5, 7, 7.5],
            "Boot Capacity": [285, 288, 290],
        },
        index=["Corsa", "Clio", "Fiesta"],
    )
    r = design.topsis(cars, [0.35, 0.25, 0.25, 0.15], cost=["Purchase Price"])
    # MCDA::TOPSIS documentation: positive and negative ideal solutions.
    assert list(r.ideal.values()) == pytest.approx([0.179573776, 0.171636015, 0.159499658, 0.087302767], abs=5e-10)
    assert list(r.anti_ideal.values()) == pytest.approx([0.212610118, 0.124958799, 0.131352659, 0.085797547], abs=5e-10)
    want = numpy_topsis(cars.to_numpy(float), np.array([0.35, 0.25, 0.25, 0.15]), [True, False, False, False])
    frame = r.to_pandas()
    assert list(frame.index) == ["Corsa", "Clio", "Fiesta"]
    assert np.max(np.abs(frame["closeness"].to_numpy() - want)) < 1e-12
    order = np.argsort(-want)
    assert [int(k) for k in frame["rank"].to_numpy()[order]] == [1, 2, 3]
    # Weights by name pick the columns.
    named = design.topsis(cars, {"Economy": 1, "Boot Capacity": 1})
    assert named.labels == ["Economy", "Boot Capacity"]


def test_with_params_makes_a_validated_variant() -> None:
    base = kaoping.builtin("sc.poverty.village-exit")
    v = base.with_params({"exit_limit": "2.5"})
    assert v.version == base.version + "+variant"
    assert v.variant_of == {
        "id": base.id,
        "version": base.version,
        "fingerprint": base.fingerprint,
        "changes": ["exit_limit=2.5"],
    }
    village = {
        "village": "甲村", "rural_population": 1000, "poor_remaining": 28, "collective_income": 1,
        "has_hardened_road": True, "has_clinic": True, "has_culture_room": True, "has_network": True,
    }
    assert base.score(village).passed is True
    r = v.score(village)
    assert r.passed is False
    assert r.to_dict()["rulebook"]["variant_of"]["changes"] == ["exit_limit=2.5"]
    # Values: Decimal, int and float (by its repr) give the same variant as text.
    county = kaoping.builtin("example.county-assessment")
    fps = {
        county.with_params({"inc_good@高原藏区": x}).fingerprint
        for x in ["2.5", Decimal("2.5"), 2.5]
    }
    assert len(fps) == 1
    assert county.with_changes(["inc_good@高原藏区=2.5"]).fingerprint in fps
    # Problems are load errors naming the change.
    with pytest.raises(kaoping.UnknownNameError, match="exit_limt") as e:
        base.with_params({"exit_limt": 2})
    assert e.value.problems[0].path == "change `exit_limt=2`"
    with pytest.raises(kaoping.UnknownProfileError):
        county.with_params({"inc_good@西藏": 3})
    with pytest.raises(kaoping.PointsMismatchError, match=r"points.reduction.income=25"):
        county.with_params({"points.reduction.income": 25})
    with pytest.raises(ValueError):
        county.with_params({"inc_good": float("nan")})
    with pytest.raises(TypeError):
        county.with_params({"inc_good": True})
    assert base.variant_of is None and base.provenance == []


def test_design_results_written_into_a_variant() -> None:
    county = kaoping.builtin("example.county-assessment")
    r = design.ahp([[1, 3], [None, 1]], labels=["贫困发生率", "income"])
    v = design.write(county, r, node="reduction", date="2026-12-01")
    points = {i.id: i.points for i in v.indicators}
    assert points["reduction.incidence"] == Decimal("37.50")
    assert points["reduction.income"] == Decimal("12.50")
    (p,) = v.provenance
    assert p["method"] == "ahp" and p["node"] == "reduction" and p["written_as"] == "points"
    assert p["date"] == datetime.date(2026, 12, 1)
    assert p["input_fingerprint"] == r.matrix_fingerprint
    assert p["settings"]["ri_table"] == "saaty"
    # The saved text loads as the same rulebook.
    assert kaoping.Rulebook.from_str(v.text).fingerprint == v.fingerprint
    # Entropy weights of reduction's children; today's date by default.
    w = design.entropy({"incidence": [1, 2, 4], "income": [8, 10, 9]}, cost=["incidence"])
    v2 = design.write(county, w, node="reduction")
    assert sum(i.points for i in v2.indicators if i.parent == "reduction") == Decimal("50.00")
    assert v2.provenance[0]["date"] == datetime.date.today()
    # A result that does not fit is refused, naming the children.
    with pytest.raises(ValueError, match="not a child of indicator `reduction`"):
        design.write(county, design.ahp([[1, 1], [None, 1]], labels=["a", "b"]), node="reduction")
    with pytest.raises(kaoping.PointsMismatchError):
        design.write(county, design.ahp([[1, 1, 1], [None, 1, 1], [None, None, 1]], labels=["reduction", "help", "funds"]))


def test_cohorts_from_polars_and_from_a_batch() -> None:
    pl = pytest.importorskip("polars")
    data = {"A": [1.0, 2.0, 3.0], "B": [5.0, 7.0, 7.0]}
    want = design.entropy(data)
    got = design.entropy(pl.DataFrame(data))
    assert got.weights == want.weights and got.cohort_fingerprint == want.cohort_fingerprint
    # A batch's indicator points: rows that failed are left out, and said so.
    pytest.importorskip("pandas")
    rb = kaoping.builtin("example.county-assessment")
    rows = [
        {"county": k, "region": "片区外", "population": 100000, "poor_population": p, "income_growth": g,
         "sampled": 100, "satisfied": s}
        for k, p, g, s in [("甲", 1000, 8, 90), ("乙", 3000, 5, 95), ("丙", 2500, 9, 85)]
    ] + [{"county": "丁"}]
    batch = rb.score_many(rows)
    w = design.entropy(batch, columns=["reduction.incidence", "reduction.income", "help.satisfaction"])
    assert w.units == 3
    assert w.warnings[0] == "1 rows that failed were left out"
    with pytest.raises(TypeError, match="columns"):
        design.entropy(batch)


def test_a_variant_travels_by_pickle() -> None:
    import pickle

    v = kaoping.builtin("sc.poverty.county-combined").with_params(
        {"points.process": 50, "points.process.departments": 50, "points.result": 50,
         "points.result.acceptance": 25, "points.result.third_party": 25}
    )
    w = pickle.loads(pickle.dumps(v))
    assert (w.fingerprint, w.version, w.variant_of) == (v.fingerprint, v.version, v.variant_of)
    assert w.max() == Decimal("100.00")
