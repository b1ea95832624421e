"""Invariants of the engine (hypothesis) and Anhøj's thresholds for every n."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convene.spc import anhoej_thresholds, qic
from convene.spc.runs import longest_run_sides, longest_segment

REF = Path(__file__).resolve().parent / "reference"

values = st.lists(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 2)),
    min_size=2,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(y=values, shift=st.floats(min_value=-1e3, max_value=1e3).map(lambda v: round(v, 2)))
def test_i_chart_shift_equivariance(y: list[float], shift: float) -> None:
    a = qic(None, y, chart="i")
    b = qic(None, [v + shift for v in y], chart="i")
    scale = max(1.0, max(abs(v) for v in y), abs(shift))
    for pa, pb in zip(a.points, b.points, strict=True):
        for key in ("cl", "lcl", "ucl", "lcl_95", "ucl_95"):
            if pa[key] is None:
                # e.g. all values equal: screening drops every zero range (qicharts2 quirk)
                assert pb[key] is None
                continue
            assert pb[key] is not None
            assert math.isclose(pb[key], pa[key] + shift, rel_tol=0, abs_tol=1e-9 * scale)


proportions = st.lists(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(data=proportions, seed=st.randoms(use_true_random=False))
def test_p_chart_centre_independent_of_order(data: list[tuple[int, int]], seed: object) -> None:
    shuffled = list(data)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    a = qic(None, [d[0] for d in data], [d[1] for d in data], chart="p")
    b = qic(None, [d[0] for d in shuffled], [d[1] for d in shuffled], chart="p")
    assert math.isclose(a.points[0]["cl"], b.points[0]["cl"], rel_tol=1e-12)
    expected = sum(d[0] for d in data) / sum(d[1] for d in data)
    assert math.isclose(a.points[0]["cl"], expected, rel_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    y=st.lists(st.integers(0, 5).map(float), min_size=1, max_size=60),
)
def test_runs_statistics_are_consistent(y: list[float]) -> None:
    res = qic(None, y, chart="run")
    part = res.parts[0]
    useful = [v for v in y if v != res.points[0]["cl"]]
    assert part["n_useful"] == len(useful)
    if useful:
        lr_max, nc_min = anhoej_thresholds(len(useful))
        assert part["longest_run_max"] == lr_max
        assert part["n_crossings_min"] == nc_min
        assert 1 <= part["longest_run"] <= len(useful)
        assert 0 <= part["n_crossings"] <= len(useful) - 1
        signal = part["longest_run"] > lr_max or part["n_crossings"] < nc_min
        assert part["runs_signal"] == signal
    else:
        assert part["longest_run"] is None and not part["runs_signal"]


def test_thresholds_match_table_for_every_n() -> None:
    with (REF / "anhoej_thresholds.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1000
    for r in rows:
        n = int(r["n.useful"])
        assert anhoej_thresholds(n) == (
            int(r["longest.run.max"]),
            int(r["n.crossings.min"]),
        ), n


@pytest.mark.parametrize(
    ("n", "lr", "nc"),
    [(10, 6, 2), (12, 7, 3), (20, 7, 6), (24, 8, 8), (30, 8, 10), (36, 8, 13), (60, 9, 23)],
)
def test_readme_threshold_examples(n: int, lr: int, nc: int) -> None:
    assert anhoej_thresholds(n) == (lr, nc)


def test_thresholds_reject_zero() -> None:
    with pytest.raises(ValueError):
        anhoej_thresholds(0)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 12).flatmap(
        lambda length: st.lists(
            st.lists(st.sampled_from([1.0, 2.0, 3.0, math.nan]), min_size=length, max_size=length),
            min_size=1,
            max_size=6,
        )
    ),
    data=st.data(),
)
def test_longest_run_sides_agree_with_longest_segment(rows: list[list[float]], data) -> None:
    # Values on the centre line (2), missing ones and exclusions, runs of equal length.
    y = np.array(rows)
    cl = np.full(y.shape, 2.0)
    include = np.array(data.draw(st.lists(st.booleans(), min_size=y.shape[1], max_size=y.shape[1])))
    sides = longest_run_sides(y, cl, include)
    for row in range(y.shape[0]):
        longest = longest_segment(y[row], cl[row], include)
        assert sides[row] == (0 if longest is None else longest[2])
