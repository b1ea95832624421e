"""NHS England "Making Data Count" XmR charts: special-cause rules and icons.

Follows NHSRplotthedots 0.2.2 (tests/spc/reference/nhs/). Per rebase group the centre is
the mean and the process limits are mean ± 2.66 × MR̄ (MR̄ screened by default: ranges of
3.267 × MR̄ or more are dropped), using only the first ``fix_after_n_points`` points of the
group when that is set. The rules, in order of precedence:

1. a point outside the process limits;
2. a trend of 7 points: 6 consecutive strict rises or falls (equal values break it);
3. two out of three consecutive points in the outer third (beyond the 2-sigma line, but a
   point beyond a limit is not counted), all three on the same side of the mean;
4. a run of 7 points in a row on one side of the mean (a point on the mean breaks it).

Every point of a trend or run is flagged; for rule 3 the close points of the window are. The
first rule that flags a point decides it (``rule``) and its level: a trend's points are high
when it rises and low when it falls, whatever their side of the mean; the other rules take the
side of the mean. Flagged points are special-cause *improvement* or *concern* given the
direction of improvement, or *neutral* high/low without one.

Deliberately unlike the package (docs/spc.md): a missing value is skipped by the trend, the
two of three and the run rather than breaking them; the variation icon is that of the latest
value, not of the latest row; the short-group warning counts values; there is no assurance
icon when the limits are undefined; and a trend point followed by a tie keeps its trend's
direction.
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
# The special-cause rules in their order of precedence.
RULES = ("outside", "trend", "two_in_three", "run")


@dataclass(frozen=True)
class NhsResult:
    """Result of :func:`nhs_xmr`.

    ``points``: one dict per input value with the limits (``mean``, ``lpl``, ``upl``, the
    outer-third lines ``near_lpl``, ``near_upl``), ``side`` (the sign of y − mean), ``close``
    (in the outer third, not beyond a limit), the flags of each rule (``outside``, ``trend``,
    ``two_in_three``, ``run``), ``rule`` (the one that decided the point, or None), ``level``
    (high, low or None) and ``point_type`` (common_cause, improvement_high/low,
    concern_high/low, neutral_high/low).
    ``variation_icon``: the point type of the latest value. ``assurance_icon``:
    consistent_pass, consistent_fail, inconsistent, or None without a target, a direction
    or limits.
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
            points.append(_point(s + i, g + 1, seg[i], mean, half, targets[s + i], flags, i))
            points[-1]["point_type"] = _point_type(points[-1]["level"], sign)
    last = next((p for p in reversed(points) if p["y"] is not None), None)
    variation = None if last is None else last["point_type"]
    return NhsResult(
        points=points,
        variation_icon=variation,
        assurance_icon=_assurance(last, sign),
        direction=direction,
        warnings=tuple(warnings),
    )


def _point(
    position: int,
    group: int,
    val: float,
    mean: float,
    half: float,
    target: float | None,
    flags: dict[str, NDArray[Any]],
    i: int,
) -> dict[str, Any]:
    """One point's limits and flags, the rule that decided it and its level (high or low)."""
    pt: dict[str, Any] = {
        "position": position,
        "group": group,
        "y": None if np.isnan(val) else float(val),
        "mean": None if np.isnan(mean) else mean,
        "lpl": None if np.isnan(half) else mean - half,
        "upl": None if np.isnan(half) else mean + half,
        "near_lpl": None if np.isnan(half) else mean - 2 / 3 * half,
        "near_upl": None if np.isnan(half) else mean + 2 / 3 * half,
        "target": target,
        "side": None if np.isnan(val) or np.isnan(mean) else int(np.sign(val - mean)),
        **{k: bool(flags[k][i]) for k in ("outside", "close", *RULES)},
    }
    rule = next((k for k in RULES if pt[k]), None)
    pt["rule"] = rule
    pt["special_cause"] = rule is not None
    # The trend decides by its direction; every other rule by the point's side of the mean.
    level = int(flags["trend_dir"][i]) if rule == "trend" else (pt["side"] or 0)
    pt["level"] = None if rule is None else ("high" if level > 0 else "low")
    return pt


def _point_type(level: str | None, sign: int) -> str:
    if level is None:
        return "common_cause"
    if sign == 0:
        return f"neutral_{level}"
    good = "high" if sign > 0 else "low"
    return f"{'improvement' if level == good else 'concern'}_{level}"


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
    """Rule flags for one group; the sequence rules skip missing points (see the module)."""
    count = len(seg)
    pos = np.flatnonzero(~np.isnan(seg))
    vals = seg[pos]
    out = {k: np.zeros(count, dtype=bool) for k in ("outside", "close", *RULES)}
    out["trend_dir"] = np.zeros(count, dtype=np.int64)
    if np.isnan(mean):
        return out
    side = np.sign(vals - mean).astype(np.int64)
    with np.errstate(invalid="ignore"):
        outside = (vals > mean + half) | (vals < mean - half)
        # The outer third: beyond the 2-sigma line but not beyond the limit.
        close = (np.abs(vals - mean) > 2 / 3 * half) & ~outside
    out["outside"][pos] = outside
    out["close"][pos] = close

    # Trend: TREND_POINTS - 1 consecutive strict steps one way (a tie breaks it); each point
    # takes its trend's direction, a point shared by two trends the later one's.
    steps = np.sign(np.diff(vals)).astype(np.int64)
    for i, j in _stretches(steps, TREND_POINTS - 1):
        out["trend"][pos[i : j + 2]] = True
        out["trend_dir"][pos[i : j + 2]] = steps[i]

    # Two of three: a window of 3 with at least 2 close points, all 3 on one side of the mean
    # (a point on the mean stops it; a point beyond a limit counts for the side, not as close).
    # Only the window's close points are flagged.
    for k in range(len(vals) - 2):
        if close[k : k + 3].sum() >= 2 and abs(side[k : k + 3].sum()) == 3:
            out["two_in_three"][pos[k : k + 3][close[k : k + 3]]] = True

    # Run: RUN_POINTS in a row on one side of the mean; a point on the mean breaks it.
    for i, j in _stretches(side, RUN_POINTS):
        out["run"][pos[i : j + 1]] = True
    return out


def _stretches(a: NDArray[np.int64], least: int) -> list[tuple[int, int]]:
    """The maximal stretches [i, j] of one non-zero value in ``a``, at least ``least`` long."""
    found = []
    i = 0
    while i < len(a):
        j = i
        while j + 1 < len(a) and a[j + 1] == a[i]:
            j += 1
        if a[i] != 0 and j - i + 1 >= least:
            found.append((i, j))
        i = j + 1
    return found
