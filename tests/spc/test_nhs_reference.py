"""The NHS Making Data Count XmR rules against NHSRplotthedots 0.2.2 on every reference case.

The cases and the package's answers are kept in reference/nhs/ (see its README.md): for every
point the limits, the rule that decided it (``special_cause_type``), its point type, its side
of the mean and whether it is beyond a limit or in the outer third; for every case the variation
and assurance icons and the warnings. Limits are compared to 1e-9 × max(1, |expected|), all the
rest exactly, as the README asks.

The engine differs from 0.2.2 on purpose in five places (docs/spc.md, "NHS Making Data
Count"): a missing value does not break a run, trend or two-of-three; the variation icon comes
from the latest value, not the latest row; the short-group warning counts values, not rows;
there is no assurance icon when the limits are undefined; and a trend's last point keeps the
trend's direction when a tie follows it. None of the reference cases has a missing value, a
short group, undefined limits or a tie between two trends, so each case is checked exactly;
`_difference` skips a case with a missing value, should a regenerated set hold one. The tests
at the end show each difference on a reference case changed to provoke it.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pytest

from convene.spc import nhs_xmr
from convene.spc.nhs import NhsResult

REF = Path(__file__).resolve().parent / "reference" / "nhs"

REL = 1e-9

DIRECTIONS = {"increase": "up", "decrease": "down", "neutral": None}

# The package's special_cause_type for (the rule that decided, the point's level).
TYPES = {
    ("outside", "high"): "Above UCL",
    ("outside", "low"): "Below LCL",
    ("trend", "high"): "7 Point Trend (Increasing)",
    ("trend", "low"): "7 Point Trend (Decreasing)",
    ("two_in_three", "high"): "2 in 3 Above CL",
    ("two_in_three", "low"): "2 in 3 Below CL",
    ("run", "high"): "7 Points Above CL",
    ("run", "low"): "7 Points Below CL",
}

# The engine's point type (convene's icon names) in the package's words.
PACKAGE_POINT_TYPE = {
    "common_cause": "common_cause",
    "improvement_high": "special_cause_improvement",
    "improvement_low": "special_cause_improvement",
    "concern_high": "special_cause_concern",
    "concern_low": "special_cause_concern",
    "neutral_high": "special_cause_neutral_high",
    "neutral_low": "special_cause_neutral_low",
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _num(v: str) -> float | None:
    return None if v in ("", "NA") else float(v)


def _bool(v: str) -> bool:
    assert v in ("TRUE", "FALSE"), v
    return v == "TRUE"


def _options(args: str, dates: list[str]) -> dict[str, Any]:
    """The manifest's options as nhs_xmr's keyword arguments (package defaults otherwise)."""
    opts: dict[str, Any] = {"direction": "up"}
    for arg in args.split():
        key, _, value = arg.removeprefix("--").partition("=")
        if key == "direction":
            opts["direction"] = DIRECTIONS[value]
        elif key == "target":
            opts["target"] = float(value)
        elif key == "rebase":
            # A rebase date that is not one of the series' dates is ignored by the package.
            opts["rebase"] = [dates.index(d) for d in value.split(",") if d in dates]
        elif key == "fix":
            opts["fix_after_n_points"] = int(value)
        elif key == "screen":
            opts["screen_outliers"] = value == "TRUE"
        else:
            raise AssertionError(f"unknown option {arg}")
    return opts


CASES = [row["case"] for row in _read(REF / "manifest.csv")]


def _difference(rows: list[dict[str, str]]) -> str | None:
    """Why the engine would knowingly disagree with the package on this case, if it would."""
    if any(_num(r["value"]) is None for r in rows):
        return (
            "a missing value: the engine skips it in the runs, trends and two-of-three and "
            "reads the icons from the latest value; the package lets a gap break every window "
            "and reads the latest row (docs/spc.md)"
        )
    return None


def _run(case: str) -> tuple[NhsResult, list[dict[str, str]], dict[str, str]]:
    args = next(r["args"] for r in _read(REF / "manifest.csv") if r["case"] == case)
    rows = _read(REF / "cases" / f"{case}.csv")
    points = _read(REF / "expected" / f"{case}_points.csv")
    (summary,) = _read(REF / "expected" / f"{case}_summary.csv")
    reason = _difference(rows)
    if reason:
        pytest.skip(reason)
    values: list[float | None] = [_num(r["value"]) for r in rows]
    res = nhs_xmr(values, **_options(args, [r["date"] for r in rows]))
    assert len(res.points) == len(points)
    return res, points, summary


def _close(got: float | None, want: float | None, what: str) -> None:
    if want is None:
        assert got is None, f"{what}: expected NA, got {got}"
        return
    assert got is not None, f"{what}: expected {want}, got NA"
    assert math.isclose(got, want, rel_tol=0, abs_tol=REL * max(1.0, abs(want))), (
        f"{what}: {got} != {want}"
    )


def test_every_case_is_checked() -> None:
    assert len(CASES) == 12
    for case in CASES:
        assert (REF / "cases" / f"{case}.csv").is_file()
        assert (REF / "expected" / f"{case}_points.csv").is_file()
        assert (REF / "expected" / f"{case}_summary.csv").is_file()


@pytest.mark.parametrize("case", CASES)
def test_limits_at_every_point(case: str) -> None:
    res, expected, _ = _run(case)
    for got, want in zip(res.points, expected, strict=True):
        where = f"{case} point {want['position']}"
        assert got["group"] == int(want["rebase_group"]) + 1, where
        _close(got["mean"], _num(want["mean"]), f"{where} mean")
        _close(got["lpl"], _num(want["lpl"]), f"{where} lpl")
        _close(got["upl"], _num(want["upl"]), f"{where} upl")


@pytest.mark.parametrize("case", CASES)
def test_rule_and_point_type_at_every_point(case: str) -> None:
    res, expected, _ = _run(case)
    mismatches = []
    for got, want in zip(res.points, expected, strict=True):
        level = None if got["point_type"] == "common_cause" else got["point_type"].split("_")[1]
        decided = TYPES[(got["rule"], level)] if got["rule"] else "Common Cause"
        seen = {
            "outside_limits": got["outside"],
            "relative_to_mean": got["side"],
            "close_to_limits": got["close"],
            "special_cause_type": decided,
            "special_cause_flag": got["special_cause"],
            "icon_type": got["point_type"],
            "point_type": PACKAGE_POINT_TYPE[got["point_type"]],
        }
        wanted = {
            "outside_limits": _bool(want["outside_limits"]),
            "relative_to_mean": int(want["relative_to_mean"]),
            "close_to_limits": _bool(want["close_to_limits"]),
            "special_cause_type": want["special_cause_type"],
            "special_cause_flag": _bool(want["special_cause_flag"]),
            "icon_type": want["icon_type"],
            "point_type": want["point_type"],
        }
        for key, value in wanted.items():
            if seen[key] != value:
                mismatches.append(f"point {want['position']} {key}: {seen[key]!r} != {value!r}")
    assert not mismatches, f"{case}:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("case", CASES)
def test_icons_and_warnings(case: str) -> None:
    res, expected, summary = _run(case)
    assert res.variation_icon == summary["variation_icon"]
    assert res.assurance_icon == (summary["assurance_type"] or None)
    short = any(_bool(p["short_group_warning"]) for p in expected)
    assert bool(res.warnings) == short == (int(summary["n_warnings"]) > 0)


# ------------------------------------------------------ where the engine differs on purpose
# Each test starts from a reference case, changes it where the package and the engine part
# ways, says what NHSRplotthedots 0.2.2 does instead (its README, "Missing values" and "Icons
# and warnings") and why the engine does not (docs/spc.md).


def _values(case: str) -> list[float | None]:
    return [_num(r["value"]) for r in _read(REF / "cases" / f"{case}.csv")]


def test_a_missing_value_inside_a_run_does_not_break_it() -> None:
    # Points 18-24 (positions 17-23) are the run below the mean; a month missing between
    # points 20 and 21 leaves 7 values below the mean in 8 rows. The package lets the gap
    # break every 7-row window, so it finds no run: a team that missed one report would lose
    # its signal. The engine, like qicharts2's runs analysis, reads the values it has.
    y = _values("run_of_7_below_increase")
    y.insert(20, None)
    res = nhs_xmr(y, direction="up", target=135)
    assert [p["rule"] for p in res.points[17:]] == ["run"] * 3 + [None] + ["run"] * 4
    assert res.points[20]["point_type"] == "common_cause"
    assert res.variation_icon == "concern_low"


def test_a_missing_last_value_keeps_the_latest_icon() -> None:
    # The last point (138) is above the upper limit: a concern when lower is better. With
    # next month not reported yet, the package reads the icon from the empty row (common
    # cause), which would clear the concern until the figure arrives.
    res = nhs_xmr([*_values("outside_limits_decrease"), None], direction="down", target=120)
    assert res.points[-1]["point_type"] == "common_cause"
    assert res.variation_icon == "concern_high"
    assert res.assurance_icon == "inconsistent"


def test_the_short_group_warning_counts_values_not_rows() -> None:
    # rebase_step_up's first group has 14 rows; with 2 of them empty its limits rest on 12
    # values, as unreliable as a group of 12 rows, which the package would warn about.
    y = _values("rebase_step_up")
    y[3] = y[8] = None
    res = nhs_xmr(y, direction="up", rebase=[14], target=118)
    assert res.warnings == ("group 1: 12 points; limits are unreliable with fewer than 13",)


def test_no_assurance_icon_without_limits() -> None:
    # A rebase before the last month leaves that group one value: a mean but no moving range,
    # so no limits. The package still says "inconsistent" (the target will be met and missed
    # at random), a claim about variation nobody has measured yet.
    y = _values("run_of_7_below_increase")
    res = nhs_xmr(y, direction="up", target=135, rebase=[len(y) - 1])
    assert res.points[-1]["upl"] is None and res.points[-1]["mean"] == y[-1]
    assert res.assurance_icon is None


def test_a_trend_point_followed_by_a_tie_keeps_its_direction() -> None:
    # Two rising trends with a tie between them: 6 strict rises, one tie, 6 strict rises. The
    # package reads the last point of the first trend by the step to the next trend point, a
    # tie, and calls it decreasing: one concern in the middle of 14 rising points when higher
    # is better. That point belongs to the first trend only; it keeps that trend's direction.
    first = [116.0, 116.5, 117, 117.5, 118, 118.5, 119]
    second = [119.0, 119.5, 120, 120.5, 121, 121.5, 122]
    res = nhs_xmr([*_values("common_cause_only"), *first, *second], direction="up")
    tail = res.points[-14:]
    assert [p["rule"] for p in tail] == ["trend"] * 14
    assert {p["point_type"] for p in tail} == {"improvement_high"}
