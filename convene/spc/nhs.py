"""NHS England "Making Data Count" XmR charts: special-cause rules and icons.

Follows NHSRplotthedots. Per rebase group the centre is the mean and the process limits are
mean ± 2.66 × MR̄ (MR̄ screened by default: ranges of 3.267 × MR̄ or more are dropped), using
only the first ``fix_after_n_points`` points of the group when that is set. The rules, in
order of precedence:

1. a point outside the process limits;
2. a trend of 7 points: 6 consecutive strict rises or falls (equal values break it);
3. two out of three consecutive points in the outer third (between the 2- and 3-sigma
   lines, beyond 3 sigma not counted) on the same side of the mean;
4. a run of 7 points in a row on one side of the mean (a point on the mean breaks it).

Every point of a trend or run is flagged; for rule 3 the close points of the window are.
Flagged points are special-cause *improvement* or *concern* given the direction of
improvement, or *neutral* high/low without one. High/low is the side of the mean, except for
a point flagged only by a trend, which takes the trend's direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._common import FloatArray, direction_sign, float_array
from .limits import D4, mean_moving_range

__all__ = ["NhsResult", "nhs_xmr"]

LIMIT_FACTOR = 2.66
MIN_FIX_POINTS = 12
WARN_POINTS = 13
TREND_POINTS = 7
RUN_POINTS = 7


@dataclass(frozen=True)
class NhsResult:
    """Result of :func:`nhs_xmr`.

    ``points``: one dict per input value with the limits, the rule flags and ``point_type``
    (common_cause, improvement_high/low, concern_high/low, neutral_high/low).
    ``variation_icon``: the point type of the last point. ``assurance_icon``: consistent_pass,
    consistent_fail, inconsistent, or None without a target or a direction.
    """

    points: list[dict[str, Any]]
    variation_icon: str | None
    assurance_icon: str | None
    direction: str | None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def nhs_xmr(
    y: Sequence[float | None],
    *,
    direction: str | None = None,
    target: float | Sequence[float | None] | None = None,
    fix_after_n_points: int | None = None,
    rebase: Sequence[int] | None = None,
    screen_outliers: bool = True,
) -> NhsResult:
    """Apply the Making Data Count XmR rules to one series.

    Args:
        y: Values in time order; None/NaN are missing (no flag, not used by the rules).
        direction: "up" (increase is better), "down" (decrease is better) or None (neutral).
        target: The target (scalar or one per point); the last point's is used for assurance.
        fix_after_n_points: Compute each group's limits from its first this many points
            (at least 12).
        rebase: Positions (0-based) where a new group with its own limits starts; a count of
            points after which to rebase, like ``part`` in :func:`convene.spc.qic`.
        screen_outliers: Drop moving ranges of 3.267 x MR̄ or more before computing MR̄.
    """
    sign = direction_sign(direction)
    v = float_array(y, "y")
    count = len(v)
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIX_POINTS:
        raise ValueError(
            f"fix_after_n_points must be at least {MIN_FIX_POINTS}, got {fix_after_n_points}"
        )
    targets: list[float | None]
    if target is None or isinstance(target, int | float):
        targets = [None if target is None else float(target)] * count
    else:
        tv = float_array(target, "target")
        if len(tv) != count:
            raise ValueError(f"target has {len(tv)} values but y has {count}")
        targets = [None if np.isnan(t) else float(t) for t in tv]
    cuts = sorted({int(c) for c in rebase or () if 0 < int(c) < count})
    edges = [0, *cuts, count]
    points: list[dict[str, Any]] = []
    warnings: list[str] = []
    for g, (s, e) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        seg = v[s:e]
        basis = seg if fix_after_n_points is None else seg[:fix_after_n_points]
        finite = basis[~np.isnan(basis)]
        if np.count_nonzero(~np.isnan(seg)) < WARN_POINTS:
            warnings.append(
                f"group {g + 1}: {np.count_nonzero(~np.isnan(seg))} points; "
                f"limits are unreliable with fewer than {WARN_POINTS}"
            )
        mean = float(finite.mean()) if finite.size else float("nan")
        mr = float(mean_moving_range(basis[None, :], screen_outliers, D4)[0])
        half = LIMIT_FACTOR * mr
        flags = _flags(seg, mean, half)
        for i in range(e - s):
            val = seg[i]
            upl, lpl = mean + half, mean - half
            pt: dict[str, Any] = {
                "position": s + i,
                "group": g + 1,
                "y": None if np.isnan(val) else float(val),
                "mean": None if np.isnan(mean) else mean,
                "lpl": None if np.isnan(lpl) else lpl,
                "upl": None if np.isnan(upl) else upl,
                "near_lpl": None if np.isnan(half) else mean - 2 / 3 * half,
                "near_upl": None if np.isnan(half) else mean + 2 / 3 * half,
                "target": targets[s + i],
                **{k: bool(flags[k][i]) for k in ("outside", "trend", "two_in_three", "run")},
            }
            special = pt["outside"] or pt["trend"] or pt["two_in_three"] or pt["run"]
            pt["special_cause"] = special
            side = 0
            if special:
                if pt["outside"] or pt["two_in_three"] or pt["run"]:
                    side = 1 if val > mean else -1
                else:
                    side = int(flags["trend_side"][i])
            pt["point_type"] = _point_type(special, side, sign)
            points.append(pt)
    last = next((p for p in reversed(points) if p["y"] is not None), None)
    variation = None if last is None else last["point_type"]
    return NhsResult(
        points=points,
        variation_icon=variation,
        assurance_icon=_assurance(last, sign),
        direction=direction,
        warnings=tuple(warnings),
    )


def _point_type(special: bool, side: int, sign: int) -> str:
    if not special:
        return "common_cause"
    level = "high" if side > 0 else "low"
    if sign == 0:
        return f"neutral_{level}"
    return f"{'improvement' if side == sign else 'concern'}_{level}"


def _assurance(last: dict[str, Any] | None, sign: int) -> str | None:
    if last is None or sign == 0 or last["target"] is None or last["upl"] is None:
        return None
    t = last["target"]
    if t > last["upl"]:
        return "consistent_fail" if sign > 0 else "consistent_pass"
    if t < last["lpl"]:
        return "consistent_pass" if sign > 0 else "consistent_fail"
    return "inconsistent"


def _flags(seg: FloatArray, mean: float, half: float) -> dict[str, NDArray[Any]]:
    """Rule flags for one group; missing points are skipped by the sequence rules."""
    count = len(seg)
    pos = np.flatnonzero(~np.isnan(seg))
    vals = seg[pos]
    out = {k: np.zeros(count, dtype=bool) for k in ("outside", "trend", "two_in_three", "run")}
    out["trend_side"] = np.zeros(count, dtype=np.int64)
    if np.isnan(mean):
        return out
    upl, lpl = mean + half, mean - half
    near = 2 / 3 * half
    with np.errstate(invalid="ignore"):
        outside = (vals > upl) | (vals < lpl)
    out["outside"][pos] = outside

    # Trend: TREND_POINTS - 1 consecutive strict steps in one direction.
    steps = np.sign(np.diff(vals)) if len(vals) > 1 else np.zeros(0)
    i = 0
    while i < len(steps):
        if steps[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[i]:
            j += 1
        if j - i + 1 >= TREND_POINTS - 1:
            out["trend"][pos[i : j + 2]] = True
            out["trend_side"][pos[i : j + 2]] = int(steps[i])
        i = j + 1

    # Two of three in the outer third on the same side (beyond the limits is not "close").
    if not np.isnan(half):
        close_hi = (vals > mean + near) & ~outside
        close_lo = (vals < mean - near) & ~outside
        for close in (close_hi, close_lo):
            for k in range(len(vals) - 2):
                window = close[k : k + 3]
                if window.sum() >= 2:
                    out["two_in_three"][pos[k : k + 3][window]] = True

    # Run on one side of the mean; a point on the mean breaks it.
    side = np.sign(vals - mean)
    i = 0
    while i < len(side):
        if side[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < len(side) and side[j + 1] == side[i]:
            j += 1
        if j - i + 1 >= RUN_POINTS:
            out["run"][pos[i : j + 1]] = True
        i = j + 1
    return out
