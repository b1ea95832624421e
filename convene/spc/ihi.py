"""The IHI run-chart rules (Perla, Provost & Murray 2011).

- **Shift**: 6 or more consecutive points on the same side of the median. Points on the
  median are skipped: they neither break nor extend the shift.
- **Trend**: 5 or more consecutive points all going up or all going down. Equal neighbours
  count once: they neither make nor break a trend.
- **Too few or too many runs**: the number of runs (crossings + 1) outside the central 95 %
  of its exact distribution under randomness (Swed & Eisenhart 1943), with the useful points
  split as evenly as possible above and below the median (n // 2 and n - n // 2), and 2.5 %
  in each tail. The limits are computed, not copied from a printed table; published tables
  differ at a few sizes.

The astronomical-point rule is a judgement call and is left to people.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ._common import FloatArray, assessment, direction_sign, float_array
from .runs import run_segments

__all__ = ["IhiResult", "IhiSignal", "ihi_rules", "ihi_runs_limits"]

SHIFT_LENGTH = 6
TREND_LENGTH = 5


@lru_cache(maxsize=2048)
def ihi_runs_limits(n_useful: int) -> tuple[int, int]:
    """Fewest and most runs that are still random for ``n_useful`` points off the median.

    Returns ``(lower, upper)``: too few runs is ``runs < lower``, too many is
    ``runs > upper``. ``lower`` is the smallest r with P(R <= r) > 2.5 % and ``upper`` the
    largest r with P(R >= r) > 2.5 %, from the exact run-count distribution computed in
    integers (no floating-point rounding at the tails).
    """
    if n_useful < 1:
        raise ValueError(f"n_useful must be at least 1, got {n_useful}")
    n1 = n_useful // 2
    n2 = n_useful - n1
    if n1 == 0:
        return 1, 1
    counts: dict[int, int] = {}
    for r in range(2, n_useful + 1):
        if r % 2 == 0:
            k = r // 2
            c = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            k = (r - 1) // 2
            c = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(
                n1 - 1, k - 1
            ) * math.comb(n2 - 1, k)
        if c:
            counts[r] = c
    total = math.comb(n_useful, n1)
    # P > 1/40  <=>  40 * count > total, all in integers.
    acc = 0
    lower = min(counts)
    for r in sorted(counts):
        acc += counts[r]
        if 40 * acc > total:
            lower = r
            break
    acc = 0
    upper = max(counts)
    for r in sorted(counts, reverse=True):
        acc += counts[r]
        if 40 * acc > total:
            upper = r
            break
    return lower, upper


@dataclass(frozen=True)
class IhiSignal:
    """One IHI signal: rule name, the positions it spans, its side and its meaning."""

    rule: str  # "shift", "trend", "too_few_runs" or "too_many_runs"
    first: int | None = None
    last: int | None = None
    length: int | None = None
    side: int = 0  # +1 above the median / rising, -1 below / falling, 0 not directional
    assessment: str | None = None  # "improvement", "deterioration" or None


@dataclass(frozen=True)
class IhiResult:
    """Result of :func:`ihi_rules`."""

    median: float | None
    n_useful: int
    n_runs: int | None
    runs_lower: int | None
    runs_upper: int | None
    signals: list[IhiSignal] = field(default_factory=list)
    shift_points: list[bool] = field(default_factory=list)
    trend_points: list[bool] = field(default_factory=list)
    direction: str | None = None

    @property
    def signal(self) -> bool:
        """True if any IHI rule fired."""
        return bool(self.signals)

    @property
    def too_few_runs(self) -> bool:
        """True if there are fewer runs than expected by chance."""
        return any(s.rule == "too_few_runs" for s in self.signals)

    @property
    def too_many_runs(self) -> bool:
        """True if there are more runs than expected by chance."""
        return any(s.rule == "too_many_runs" for s in self.signals)


def ihi_rules(
    y: Sequence[float | None],
    *,
    cl: float | None = None,
    direction: str | None = None,
    shift_length: int = SHIFT_LENGTH,
    trend_length: int = TREND_LENGTH,
) -> IhiResult:
    """Apply the IHI run-chart rules to one series.

    Args:
        y: The values in time order; ``None`` or NaN are missing and skipped.
        cl: The centre line; the median of the non-missing values by default.
        direction: "up" if higher is better, "down" if lower is better, None if neutral;
            it decides whether a shift or trend is an improvement or a deterioration.
        shift_length: Points in a shift (6 in IHI's rules).
        trend_length: Points in a trend (5 in IHI's rules).
    """
    sign = direction_sign(direction)
    v = float_array(y, "y")
    finite = v[~np.isnan(v)]
    centre = float(np.median(finite)) if cl is None and finite.size else cl
    count = len(v)
    shift_pts = [False] * count
    trend_pts = [False] * count
    if centre is None:
        return IhiResult(None, 0, None, None, None, [], shift_pts, trend_pts, direction)
    cl_arr = np.full(count, float(centre))
    include = np.ones(count, dtype=bool)
    segments = run_segments(v, cl_arr, include)
    signals: list[IhiSignal] = []
    useful = (~np.isnan(v)) & (v != centre)
    for first, last, side in segments:
        length = int(useful[first : last + 1].sum())
        if length >= shift_length:
            signals.append(
                IhiSignal(
                    "shift",
                    first,
                    last,
                    length,
                    side,
                    assessment(side, sign, "improvement", "deterioration"),
                )
            )
            for i in range(first, last + 1):
                shift_pts[i] = True
    for first, last, length, side in _trends(v):
        if length >= trend_length:
            signals.append(
                IhiSignal(
                    "trend",
                    first,
                    last,
                    length,
                    side,
                    assessment(side, sign, "improvement", "deterioration"),
                )
            )
            for i in range(first, last + 1):
                trend_pts[i] = True
    n_useful = int(useful.sum())
    n_runs: int | None = len(segments) if n_useful else None
    lower = upper = None
    if n_useful and n_runs is not None:
        lower, upper = ihi_runs_limits(n_useful)
        if n_runs < lower:
            signals.append(IhiSignal("too_few_runs", length=n_runs))
        elif n_runs > upper:
            signals.append(IhiSignal("too_many_runs", length=n_runs))
    return IhiResult(
        median=float(centre),
        n_useful=n_useful,
        n_runs=n_runs,
        runs_lower=lower,
        runs_upper=upper,
        signals=signals,
        shift_points=shift_pts,
        trend_points=trend_pts,
        direction=direction,
    )


def _trends(v: FloatArray) -> list[tuple[int, int, int, int]]:
    """Maximal monotone stretches as (first, last, points counted, +1 up / -1 down).

    Missing values are skipped and repeated values are merged into one point, so ties neither
    make nor break a trend.
    """
    groups: list[tuple[float, int, int]] = []  # value, first position, last position
    for i, val in enumerate(v.tolist()):
        if math.isnan(val):
            continue
        if groups and groups[-1][0] == val:
            groups[-1] = (val, groups[-1][1], i)
        else:
            groups.append((val, i, i))
    out: list[tuple[int, int, int, int]] = []
    start = 0
    while start < len(groups) - 1:
        side = 1 if groups[start + 1][0] > groups[start][0] else -1
        end = start + 1
        while end + 1 < len(groups) and (groups[end + 1][0] - groups[end][0]) * side > 0:
            end += 1
        out.append((groups[start][2], groups[end][1], end - start + 1, side))
        start = end
    return out
