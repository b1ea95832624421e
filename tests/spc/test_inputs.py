"""Input handling: bad input raises a ValueError naming position and reason; edge cases."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from convene.spc import qic


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"x": [1, 2, 3], "y": [1, 5, 2], "n": [4, 4, 4], "chart": "p"},
            r"y at position 1: numerator 5 is larger than denominator 4",
        ),
        (
            {"x": [1, 2, 3], "y": [1, 5, 2], "n": [4, 4, 4], "chart": "pp"},
            r"position 1: numerator 5 is larger than denominator 4 in a proportion",
        ),
        (
            {"x": [1, 2, 3], "y": [1, -2, 2], "n": [4, 4, 4], "chart": "u"},
            r"y at position 1: negative count -2",
        ),
        ({"x": [1, 2, 3], "y": [1, 2, -1], "chart": "c"}, r"y at position 2: negative count"),
        ({"x": [1, 2, 3], "y": [3, -1, 1], "chart": "g"}, r"y at position 1: negative count"),
        (
            {"x": [1, 2, 3], "y": [1, 2, 2], "n": [4, -4, 4], "chart": "u"},
            r"n at position 1: negative denominator",
        ),
        (
            {"x": [1, 2, 3], "y": [3.0, 0.0, 1.0], "chart": "t"},
            r"y at position 1: time between events must be positive",
        ),
        (
            {"x": [1, 2, 3], "y": [3.0, 2.0, -1.0], "chart": "t"},
            r"y at position 2: time between events must be positive",
        ),
        ({"x": [1, 2, 3], "y": [1, 2], "chart": "i"}, r"x has 3 values, y has 2"),
        (
            {"x": [1, 2, 3], "y": [1, 2, 3], "n": [1, 2], "chart": "p"},
            r"x has 3 values, y has 3 and n has 2",
        ),
        ({"x": [1, 2, 3], "y": [1, "a", 3], "chart": "i"}, r"y at position 1: 'a' is not"),
        ({"x": [1, "b", 3], "y": [1, 2, 3], "chart": "i"}, r"x mixes"),
        ({"x": [1, 2, 3], "y": [1, 2, 3], "chart": "zz"}, r"unknown chart type"),
        ({"x": [1, 2, 3], "y": [1, 2, 3], "chart": "p"}, r"needs denominators"),
        ({"x": [1, 2, 3], "y": [1, 2, 3], "exclude": [3]}, r"exclude: position 3 is outside"),
        ({"x": [1, 2, 3], "y": [1, 2, 3], "multiply": 0}, r"multiply must be a positive"),
        ({"x": [1, 2, 3], "y": [1, 2, 3], "freeze": -1}, r"freeze"),
    ],
)
def test_bad_input_names_position_and_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        qic(**kwargs)  # type: ignore[arg-type]


def test_zero_and_missing_denominators_make_points_missing() -> None:
    res = qic([1, 2, 3, 4, 5], [3, 0, 4, 2, 5], [10, 0, None, 10, 10], chart="p")
    ys = [p["y"] for p in res.points]
    assert ys[1] is None and ys[2] is None
    assert res.points[1]["lcl"] is None and res.points[1]["ucl"] is None
    # The pooled centre uses only the complete, non-zero rows.
    assert math.isclose(res.points[0]["cl"], (3 + 2 + 5) / 30)
    # A positive numerator over a zero denominator is a missing point, not an error,
    # and stays out of the pooled centre.
    res2 = qic([1, 2, 3], [3, 5, 4], [10, 0, 10], chart="u")
    assert res2.points[1]["y"] is None
    assert math.isclose(res2.points[0]["cl"], 7 / 20)


def test_too_few_points_says_so() -> None:
    res = qic([1], [5.0], chart="i")
    assert res.points[0]["cl"] == 5.0
    assert res.points[0]["lcl"] is None and res.points[0]["ucl"] is None
    assert any("limits could not be computed" in w for w in res.warnings)
    empty = qic([1, 2], [None, None], chart="i")
    assert empty.points[0]["cl"] is None
    assert any("no usable points" in w for w in empty.warnings)
    assert not empty.runs_signal


def test_missing_x_rows_are_dropped_and_y_only_call() -> None:
    res = qic([1, None, 3], [1.0, 2.0, 3.0], chart="run")
    assert [p["x"] for p in res.points] == [1, 3]
    res2 = qic([4.0, 5.0, 6.0])
    assert [p["x"] for p in res2.points] == [1, 2, 3]
    assert res2.points[0]["cl"] == 5.0


def test_dates_sorted_and_repeated_x_aggregated() -> None:
    d = dt.date
    x = [d(2024, 2, 1), d(2024, 1, 1), d(2024, 2, 1), d(2024, 1, 1)]
    res = qic(x, [2, 1, 3, 2], [10, 10, 10, 10], chart="p")
    assert [p["x"] for p in res.points] == [d(2024, 1, 1), d(2024, 2, 1)]
    assert [p["y"] for p in res.points] == [3 / 20, 5 / 20]
    assert [p["n"] for p in res.points] == [20, 20]


def test_categorical_x_is_a_funnel_without_runs_signal() -> None:
    res = qic(["B", "A", "C"] * 4, [1, 30, 2] * 4, [40, 40, 40] * 4, chart="p")
    assert [p["x"] for p in res.points] == ["B", "A", "C"]  # order of first appearance
    assert res.dots_only
    assert not any(p["runs_signal"] for p in res.points)


def test_agg_median_sum_sd() -> None:
    x = [1, 1, 1, 2, 2, 2]
    y = [1.0, 2.0, 9.0, 4.0, 4.0, 7.0]
    assert [p["y"] for p in qic(x, y, agg="median").points] == [2.0, 4.0]
    assert [p["y"] for p in qic(x, y, agg="sum").points] == [12.0, 15.0]
    sd = qic(x, y, agg="sd").points[0]["y"]
    assert math.isclose(sd, math.sqrt(((1 - 4) ** 2 + (2 - 4) ** 2 + (9 - 4) ** 2) / 2))


def test_part_labels_and_target_pass_through() -> None:
    labels = ["before"] * 6 + ["after"] * 6
    res = qic(list(range(12)), list(range(12)), part=labels, target=3.5, chart="i")
    assert [p["part"] for p in res.points] == [1] * 6 + [2] * 6
    assert all(p["target"] == 3.5 for p in res.points)


def test_user_centre_line_and_y_neg() -> None:
    res = qic(None, [1.0, 2.0, 3.0, 2.0, 1.0], chart="run", cl=2.5)
    assert all(p["cl"] == 2.5 for p in res.points)
    res2 = qic(None, [0.1, 3.0, 0.2, 2.5, 0.1, 4.0], chart="i", y_neg=False)
    assert res2.points[0]["lcl"] == 0.0
