"""qic_many is genuinely the same computation as qic, row by row."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convene.spc import qic, qic_many

CHARTS_2D = ("run", "i", "mr", "t", "p", "pp", "c", "u", "up", "g", "ip")


def _same(a: float | None, b: float, what: str) -> None:
    if a is None:
        assert math.isnan(b), f"{what}: qic NA, qic_many {b}"
    else:
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), f"{what}: {a} != {b}"


def _inputs(chart: str, s: int, t: int, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    rng = np.random.default_rng(seed)
    if chart in ("p", "pp"):
        n = rng.integers(0, 60, size=(s, t)).astype(float)
        y = np.floor(rng.uniform(0, 1, size=(s, t)) * (n + 1))
        y = np.minimum(y, n)
    elif chart in ("u", "up", "ip"):
        n = rng.integers(0, 400, size=(s, t)).astype(float)
        y = rng.poisson(np.maximum(n, 1) * 0.05).astype(float)
        if chart == "ip":
            y = np.minimum(y, n)
    else:
        n = None
        if chart == "c":
            y = rng.poisson(3, size=(s, t)).astype(float)
        elif chart == "g":
            y = rng.geometric(0.1, size=(s, t)).astype(float)
        elif chart == "t":
            y = rng.weibull(1.5, size=(s, t)) * 10 + 0.01
        else:
            y = np.round(rng.normal(10, 3, size=(s, t)), 1)
    # Missing values and, for ratio charts, missing denominators.
    y[rng.uniform(size=(s, t)) < 0.08] = np.nan
    if n is not None:
        n[rng.uniform(size=(s, t)) < 0.05] = np.nan
    return y, n


def _compare(chart: str, y: np.ndarray, n: np.ndarray | None, kw: dict[str, Any]) -> None:
    many = qic_many(y, n, chart=chart, **kw)
    t = y.shape[1]
    for s in range(y.shape[0]):
        yy = [None if math.isnan(v) else float(v) for v in (y[s] if y.ndim == 2 else [0] * t)]
        if y.ndim == 3:
            xs = [j + 1 for j in range(t) for _ in range(y.shape[2])]
            ys = [None if math.isnan(v) else float(v) for v in y[s].ravel()]
            one = qic(xs, ys, chart=chart, **kw)
        else:
            nn = None if n is None else [None if math.isnan(v) else float(v) for v in n[s]]
            one = qic(list(range(1, t + 1)), yy, nn, chart=chart, **kw)
        for j, p in enumerate(one.points):
            w = f"{chart} series {s} point {j}"
            _same(p["cl"], many.cl[s, j], f"{w} cl")
            _same(p["lcl"], many.lcl[s, j], f"{w} lcl")
            _same(p["ucl"], many.ucl[s, j], f"{w} ucl")
            _same(p["lcl_95"], many.lcl_95[s, j], f"{w} lcl_95")
            _same(p["ucl_95"], many.ucl_95[s, j], f"{w} ucl_95")
            assert p["sigma_signal"] == bool(many.sigma_signal[s, j]), f"{w} sigma"
            assert p["runs_signal"] == bool(many.runs_signal_points[s, j]), f"{w} runs"
        last = one.parts[-1]
        assert last["runs_signal"] == bool(many.runs_signal[s])
        assert last["n_useful"] == int(many.n_useful[s])
        for key in ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min"):
            got = float(getattr(many, key)[s])
            assert (last[key] is None and math.isnan(got)) or last[key] == got, key
        for k, part in enumerate(one.parts):
            assert part["runs_signal"] == bool(many.part_stats["runs_signal"][s, k])


layout = st.fixed_dictionaries(
    {},
    optional={
        "freeze": st.integers(0, 30),
        "part": st.lists(st.integers(1, 29), max_size=2),
        "exclude": st.lists(st.integers(0, 23), max_size=3, unique=True),
        "y_neg": st.booleans(),
        "screened_mr": st.booleans(),
        "multiply": st.sampled_from([1, 100]),
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chart=st.sampled_from(CHARTS_2D),
    seed=st.integers(0, 10_000),
    periods=st.integers(1, 24),
    kw=layout,
)
def test_qic_many_equals_qic(chart: str, seed: int, periods: int, kw: dict[str, Any]) -> None:
    kw = dict(kw)
    kw["exclude"] = [e for e in kw.get("exclude", []) if e < periods]
    y, n = _inputs(chart, 4, periods, seed)
    _compare(chart, y, n, kw)


@pytest.mark.parametrize("chart", ["xbar", "s"])
@pytest.mark.parametrize("kw", [{}, {"freeze": 8}, {"part": [10]}, {"exclude": [2, 5]}])
def test_qic_many_subgroups(chart: str, kw: dict[str, Any]) -> None:
    rng = np.random.default_rng(7)
    y = rng.normal(10, 2, size=(3, 18, 5))
    y[rng.uniform(size=y.shape) < 0.15] = np.nan  # unequal subgroup sizes
    _compare(chart, y, None, kw)


def test_qic_many_shapes_and_last_part() -> None:
    y, n = _inputs("p", 5, 24, 1)
    res = qic_many(y, n, chart="p", part=[12])
    assert res.cl.shape == res.lcl.shape == res.ucl.shape == res.sigma_signal.shape == (5, 24)
    assert res.runs_signal.shape == res.longest_run.shape == res.n_crossings_min.shape == (5,)
    assert res.part_stats["runs_signal"].shape == (5, 2)
    assert list(res.part) == [1] * 12 + [2] * 12


def test_qic_many_errors() -> None:
    with pytest.raises(ValueError, match="series 1, period 2: numerator 5 is larger"):
        qic_many([[1, 1, 1], [1, 1, 5]], [[3, 3, 3], [3, 3, 3]], chart="p")
    with pytest.raises(ValueError, match="series 0, period 1: negative count"):
        qic_many([[1, -1, 1]], [[3, 3, 3]], chart="u")
    with pytest.raises(ValueError, match="shape"):
        qic_many([[1, 1, 1]], [[3, 3]], chart="p")
    with pytest.raises(ValueError, match="needs denominators"):
        qic_many([[1, 1, 1]], chart="p")
    with pytest.raises(ValueError, match="3-D"):
        qic_many([[1.0, 2.0]], chart="xbar")
    with pytest.raises(ValueError, match="series 0, period 0: time between events"):
        qic_many([[0.0, 2.0]], chart="t")


def test_a_point_exactly_on_the_mean_is_on_the_centre_line_in_both_paths() -> None:
    # Found by the property test: numpy summed this row differently alone and in a batch,
    # so 9.1 was on the centre line for qic and a hair below it for qic_many.
    row = [8.2, 8.2, 9.1, 7.8, 12.3, None, 12.5, 8.1, None, 5.9, 9.6, 9.3]
    one = qic(list(range(1, 13)), row, chart="i")
    assert one.points[0]["cl"] == 9.1
    assert one.parts[-1]["n_useful"] == 9
    rng = np.random.default_rng(1)
    batch = np.round(rng.normal(10, 3, size=(4, 12)), 1)
    batch[2] = [np.nan if v is None else v for v in row]
    many = qic_many(batch, chart="i")
    assert many.cl[2, 0] == 9.1
    assert int(many.n_useful[2]) == 9
