"""Funnel plots: compare units (teams, clinics) against a pooled centre.

Each unit's proportion (``chart="p"``) or rate (``chart="u"``) is plotted against its
denominator. The centre is pooled over all units (Σy / Σn) and the 2- and 3-sigma limits are
functions of the denominator, so they narrow as n grows: p: c ± z·√(c(1 − c)/n) within
[0, 1]; u: c ± z·√(c/n) floored at 0. This is the same computation as a P or U chart with a
categorical x in :func:`convene.spc.qic`; this helper adds the limit curves for drawing and
says which units are outside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._common import assessment, direction_sign, float_array

__all__ = ["FunnelResult", "funnel"]


@dataclass(frozen=True)
class FunnelResult:
    """Result of :func:`funnel`: the pooled centre and one dict per unit."""

    chart: str
    centre: float | None
    multiply: float
    units: list[dict[str, Any]] = field(default_factory=list)

    def limits(self, n: float, z: float = 3.0) -> tuple[float | None, float | None]:
        """Lower and upper limit (already multiplied) for a denominator ``n`` at ``z`` sigma."""
        if self.centre is None or not n > 0:
            return None, None
        c = self.centre / self.multiply
        if self.chart == "p":
            sd = math.sqrt(c * (1 - c) / n)
            lo, hi = max(0.0, c - z * sd), min(1.0, c + z * sd)
        else:
            sd = math.sqrt(c / n)
            lo, hi = max(0.0, c - z * sd), c + z * sd
        return lo * self.multiply, hi * self.multiply

    def curve(self, points: int = 50) -> list[dict[str, float | None]]:
        """Limit curves over the range of denominators, spaced evenly on a log scale."""
        ns = [u["n"] for u in self.units if u["n"]]
        if not ns:
            return []
        lo, hi = math.log(min(ns)), math.log(max(ns))
        out: list[dict[str, float | None]] = []
        for k in range(points):
            n = math.exp(lo + (hi - lo) * k / max(points - 1, 1))
            l2, u2 = self.limits(n, 2.0)
            l3, u3 = self.limits(n, 3.0)
            out.append({"n": n, "lcl_95": l2, "ucl_95": u2, "lcl": l3, "ucl": u3})
        return out

    @property
    def outside(self) -> list[Any]:
        """Labels of the units outside their 3-sigma limits."""
        return [u["label"] for u in self.units if u["outside_3sigma"]]


def funnel(
    y: Sequence[float | None],
    n: Sequence[float | None],
    *,
    chart: str = "p",
    labels: Sequence[Any] | None = None,
    multiply: float = 1,
    direction: str | None = None,
) -> FunnelResult:
    """Build a funnel plot of units from numerators ``y`` and denominators ``n``.

    Args:
        y: Numerators per unit (events or cases meeting the measure).
        n: Denominators per unit (cases, or exposure such as patient-days for ``"u"``). A
            zero or missing denominator leaves that unit out of the centre and unplotted.
        chart: ``"p"`` for proportions or ``"u"`` for rates.
        labels: Unit names (default: positions 0..k-1).
        multiply: Scale for values and limits (100 for per cent, 10000 per 10,000 days…).
        direction: "up" if higher is better, "down" if lower is better, None if neutral: it
            decides whether an outlying unit is ``better`` or ``worse`` than expected.

    Raises:
        ValueError: on different lengths, negative values, or a numerator above its
            denominator for proportions, naming the position.
    """
    if chart not in ("p", "u"):
        raise ValueError(f"chart must be 'p' or 'u', got {chart!r}")
    mult = float(multiply)
    if not math.isfinite(mult) or mult <= 0:
        raise ValueError(f"multiply must be a positive number, got {multiply!r}")
    sign = direction_sign(direction)
    yv = float_array(y, "y")
    nv = float_array(n, "n")
    labs = list(range(len(yv))) if labels is None else list(labels)
    if not len(yv) == len(nv) == len(labs):
        raise ValueError(
            f"y has {len(yv)} values, n has {len(nv)} and labels {len(labs)}: "
            "they must have the same length"
        )
    for i in range(len(yv)):
        if yv[i] < 0:
            raise ValueError(f"y at position {i}: negative count {yv[i]:g}")
        if nv[i] < 0:
            raise ValueError(f"n at position {i}: negative denominator {nv[i]:g}")
        if chart == "p" and nv[i] > 0 and yv[i] > nv[i]:
            raise ValueError(
                f"y at position {i}: numerator {yv[i]:g} is larger than denominator {nv[i]:g}"
            )
    ok = ~np.isnan(yv) & ~np.isnan(nv) & (nv > 0)
    total_n = float(nv[ok].sum())
    centre = float(yv[ok].sum()) / total_n * mult if total_n > 0 else None
    res = FunnelResult(chart=chart, centre=centre, multiply=mult)
    for i, lab in enumerate(labs):
        value = float(yv[i] / nv[i]) * mult if ok[i] else None
        l2, u2 = res.limits(float(nv[i]), 2.0) if ok[i] else (None, None)
        l3, u3 = res.limits(float(nv[i]), 3.0) if ok[i] else (None, None)
        side2 = _side(value, l2, u2)
        side3 = _side(value, l3, u3)
        res.units.append(
            {
                "label": lab,
                "y": None if np.isnan(yv[i]) else float(yv[i]),
                "n": None if np.isnan(nv[i]) else float(nv[i]),
                "value": value,
                "lcl_95": l2,
                "ucl_95": u2,
                "lcl": l3,
                "ucl": u3,
                "outside_2sigma": side2 != 0,
                "outside_3sigma": side3 != 0,
                "side": side2,
                "assessment": assessment(side2, sign, "better", "worse"),
            }
        )
    return res


def _side(value: float | None, lo: float | None, hi: float | None) -> int:
    if value is None or lo is None or hi is None:
        return 0
    if value > hi:
        return 1
    if value < lo:
        return -1
    return 0
