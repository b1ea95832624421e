"""Funnel plots: compare units (teams, clinics) against a pooled centre.

Each unit's proportion (``chart="p"``) or rate (``chart="u"``, events per unit of exposure) is
plotted against its denominator. The centre is pooled over all units (Σy / Σn) and the limits
are functions of the denominator, so they narrow as n grows. Three methods draw them:

``"plain"``
    The P or U chart's limits with a categorical x, as :func:`convene.spc.qic` draws them:
    p: c ± q·√(c(1 − c)/n) within [0, 1]; u: c ± q·√(c/n) floored at 0. They assume every
    unit shares one true value and differs only by chance.

``"laney"``
    Laney's P′ or U′ (Laney 2002). When denominators are large, real differences between
    units that nobody could remove (case mix, coding) dwarf the binomial or Poisson noise, and
    the plain limits flag most units. Laney puts each unit's z = (value − c)/σᵢ on one scale
    and widens the limits by σz, the sample standard deviation of those z (divisor I − 1):
    c ± q·σᵢ·σz. The units have no time order, so no moving ranges; σz is not floored at 1.

``"spiegelhalter"``
    Spiegelhalter's random-effects funnel (Spiegelhalter 2005 §5; Spiegelhalter et al. 2012),
    computed as FunnelPlotR computes it. Values go to a scale on which their variance depends
    only on the denominator: the arcsine of the square root for proportions, and for rates the
    observed/expected ratio on a log scale (``transform="log"``, the NHS SHMI version) or a
    square-root scale (``"sqrt"``, the CQC version; the default, see below). On that scale
    each unit's z-score is shrunk towards the middle, by winsorising (the 10 % and 90 %
    type-7 quantiles replace anything beyond them) or, for SHMI, by truncation (the lowest and
    highest tenths by rank are left out). The overdispersion factor φ is the mean of the
    squared z, and a DerSimonian–Laird moment estimate turns it into τ², the variance of the
    units' true values around the target: with weights wᵢ = 1/sᵢ², τ² = 0 when kφ < k − 1,
    else (kφ − (k − 1)) / (Σw − Σw²/Σw). The limits are target ± q·√(sᵢ² + τ²) on the
    transformed scale, taken back to the scale of the values.

``"auto"`` chooses: the random-effects funnel when τ² > 0 (the data show more spread than
chance gives), the plain funnel otherwise; φ and τ² are reported either way.

The limits come at 95 % and 99.8 % (q = the normal quantiles at 0.975 and 0.999) and at 2σ
and 3σ (q = 2 and 3) for every method. The result names the method and its dispersion (φ and
τ², or σz), lists the units above and below the outer limits, and draws limit curves over
the range of denominators.

Where the engine departs from FunnelPlotR (commit 12ad19a), on purpose: it uses the exact
normal quantiles rather than 1.959964 and 3.090232 (a difference below 1e-8); it clamps an
arcsine angle to [0, π/2] (FunnelPlotR folds it back, giving a lower limit above the centre
for a small unit); it does not round the expected count E to 2 decimals; it leaves a unit
with an infinite z (0 events under SHMI) out of φ even when the truncation would keep it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from ._common import FloatArray, assessment, direction_sign, float_array

__all__ = ["LEVELS", "FunnelResult", "funnel"]

# Each level's multiplier q: two-sided normal quantiles, and the control chart's sigmas.
LEVELS: dict[str, float] = {
    "95": NormalDist().inv_cdf(0.975),
    "998": NormalDist().inv_cdf(0.999),
    "2sigma": 2.0,
    "3sigma": 3.0,
}
METHODS = ("plain", "laney", "spiegelhalter", "auto")
TRANSFORMS = {"p": ("arcsine",), "u": ("sqrt", "log")}
TRIM = 0.1  # winsorise at the 10 % and 90 % quantiles; truncate the lowest and highest tenth


@dataclass(frozen=True)
class FunnelResult:
    """Result of :func:`funnel`: the pooled centre, the method and one dict per unit.

    ``method`` is the method applied (``"plain"``, ``"laney"`` or ``"spiegelhalter"``);
    ``requested`` is what the caller asked for (``"auto"`` too). ``phi`` and ``tau2`` are
    Spiegelhalter's φ and τ² (also given when ``"auto"`` chose the plain funnel), ``k`` the
    number of units that entered φ, ``transform`` the scale they were computed on;
    ``sigma_z`` is Laney's σz. ``levels`` are the inner and outer limits that ``side``,
    ``outside``, ``above`` and ``below`` refer to, keys of :data:`LEVELS`.
    """

    chart: str
    centre: float | None
    multiply: float
    method: str = "plain"
    requested: str = "plain"
    levels: tuple[str, str] = ("2sigma", "3sigma")
    transform: str | None = None
    phi: float | None = None
    tau2: float | None = None
    k: int | None = None
    sigma_z: float | None = None
    units: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tau(self) -> float | None:
        """τ = √τ², the standard deviation of the units' true values on the transformed scale."""
        return None if self.tau2 is None else math.sqrt(self.tau2)

    @property
    def adjusted(self) -> bool:
        """Whether the limits allow for overdispersion (Laney, or a random effect τ² > 0)."""
        if self.method == "laney":
            return True
        return self.method == "spiegelhalter" and bool(self.tau2)

    def limits(
        self, n: float, level: str | float | None = None
    ) -> tuple[float | None, float | None]:
        """Lower and upper limit (already multiplied) for a denominator ``n``.

        ``level`` is a key of :data:`LEVELS` (``"95"``, ``"998"``, ``"2sigma"``, ``"3sigma"``),
        a multiplier q itself, or None for the outer level.
        """
        level = self.levels[1] if level is None else level
        q = LEVELS[level] if isinstance(level, str) else float(level)
        if self.centre is None or not n > 0:
            return None, None
        c = self.centre / self.multiply
        if self.method == "spiegelhalter":
            bounds = self._random_effects(n, c, q)
        else:
            sd = math.sqrt(c * (1 - c) / n) if self.chart == "p" else math.sqrt(c / n)
            if self.method == "laney" and sd > 0:  # at a centre of 0 or 1 no σz can widen
                if self.sigma_z is None:
                    return None, None  # fewer than two units: no spread to measure
                sd *= self.sigma_z
            bounds = (
                max(0.0, c - q * sd),
                min(1.0, c + q * sd) if self.chart == "p" else c + q * sd,
            )
        if bounds is None:
            return None, None
        return bounds[0] * self.multiply, bounds[1] * self.multiply

    def _random_effects(self, n: float, c: float, q: float) -> tuple[float, float] | None:
        tau2 = self.tau2 or 0.0
        if self.transform == "arcsine":
            theta = math.asin(math.sqrt(c))
            d = math.sqrt(1 / (4 * n) + tau2)
            return _sin2(theta - q * d), _sin2(theta + q * d)
        expected = n * c
        if not expected > 0:
            return None  # no event anywhere: nothing to compare a ratio with
        if self.transform == "log":
            d = math.sqrt(1 / expected + tau2)
            return c * math.exp(-q * d), c * math.exp(q * d)
        d = math.sqrt(1 / (4 * expected) + tau2)
        return c * max(0.0, 1 - q * d) ** 2, c * (1 + q * d) ** 2

    def curve(self, points: int = 50) -> list[dict[str, float | None]]:
        """Limit curves at every level over the range of denominators, on a log scale.

        Each row is ``{"n": …, "lcl_95": …, "ucl_95": …, "lcl_998": …, …, "ucl_3sigma": …}``.
        """
        ns = [u["n"] for u in self.units if u["n"]]
        if not ns:
            return []
        lo, hi = math.log(min(ns)), math.log(max(ns))
        out: list[dict[str, float | None]] = []
        for k in range(points):
            n = math.exp(lo + (hi - lo) * k / max(points - 1, 1))
            row: dict[str, float | None] = {"n": n}
            for level in LEVELS:
                row[f"lcl_{level}"], row[f"ucl_{level}"] = self.limits(n, level)
            out.append(row)
        return out

    def outside_at(self, level: str) -> tuple[list[Any], list[Any]]:
        """Labels of the units above and of those below their limits at ``level``."""
        above = [u["label"] for u in self.units if u[f"side_{level}"] > 0]
        below = [u["label"] for u in self.units if u[f"side_{level}"] < 0]
        return above, below

    @property
    def above(self) -> list[Any]:
        """Labels of the units above their outer limit."""
        return self.outside_at(self.levels[1])[0]

    @property
    def below(self) -> list[Any]:
        """Labels of the units below their outer limit."""
        return self.outside_at(self.levels[1])[1]

    @property
    def outside(self) -> list[Any]:
        """Labels of the units outside their outer limits, above or below, in unit order."""
        return [u["label"] for u in self.units if u["outside"]]


def funnel(
    y: Sequence[float | None],
    n: Sequence[float | None],
    *,
    chart: str = "p",
    labels: Sequence[Any] | None = None,
    multiply: float = 1,
    direction: str | None = None,
    method: str = "plain",
    transform: str | None = None,
    levels: tuple[str, str] | None = None,
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
        method: ``"plain"``, ``"laney"``, ``"spiegelhalter"`` or ``"auto"`` (see the module).
        transform: The random-effects scale: ``"arcsine"`` for proportions; ``"sqrt"``
            (default) or ``"log"`` (SHMI) for rates. The square root is the default because
            the log scale flags any unit with 0 events as low, however small its exposure.
        levels: The inner and outer levels that ``side``, ``outside``, ``above`` and
            ``below`` use: by default 2σ and 3σ for ``"plain"`` and ``"laney"``, as control
            charts draw them, and 95 % and 99.8 % for ``"spiegelhalter"`` and ``"auto"``.

    Each unit's dict holds ``label``, ``y``, ``n``, ``value``; ``z`` (on the transformed scale
    for Spiegelhalter), ``z_used`` (the z that entered φ, None when truncated away),
    ``sigma_i`` (the plain chart's σᵢ, on the scale of the values), ``expected`` and ``ratio``
    (rates: n × target and value / target); ``lcl_<level>``, ``ucl_<level>`` and
    ``side_<level>`` (+1 above, −1 below, 0 inside; a value on a limit is inside) for every
    level; ``side`` and ``assessment`` at the inner level, ``outside`` at the outer level.

    Raises:
        ValueError: on an unknown option, different lengths, negative values, or a numerator
            above its denominator for proportions, naming the position.
    """
    if chart not in ("p", "u"):
        raise ValueError(f"chart must be 'p' or 'u', got {chart!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    transform = transform or TRANSFORMS[chart][0]
    if transform not in TRANSFORMS[chart]:
        raise ValueError(f"transform {transform!r} does not fit a {chart} funnel")
    if levels is None:
        levels = ("2sigma", "3sigma") if method in ("plain", "laney") else ("95", "998")
    if len(levels) != 2 or any(level not in LEVELS for level in levels):
        raise ValueError(f"levels must be two of {', '.join(LEVELS)}; got {levels!r}")
    mult = float(multiply)
    if not math.isfinite(mult) or mult <= 0:
        raise ValueError(f"multiply must be a positive number, got {multiply!r}")
    sign = direction_sign(direction)
    yv = float_array(y, "y")
    nv = float_array(n, "n")
    labs = list(range(len(yv))) if labels is None else list(labels)
    _check(yv, nv, labs, chart)
    ok = ~np.isnan(yv) & ~np.isnan(nv) & (nv > 0)
    total_n = float(nv[ok].sum())
    c = float(yv[ok].sum()) / total_n if total_n > 0 else None

    spread: dict[str, Any] = {}
    if method != "plain" and c is not None:
        if method == "laney":
            spread = _laney(yv[ok], nv[ok], c, chart)
        else:
            spread = _random_effects(yv[ok], nv[ok], c, transform)
    applied = method
    if method == "auto":
        applied = "spiegelhalter" if spread.get("tau2") else "plain"
    res = FunnelResult(
        chart=chart,
        centre=None if c is None else c * mult,
        multiply=mult,
        method=applied,
        requested=method,
        levels=(levels[0], levels[1]),
        transform=transform if method in ("spiegelhalter", "auto") else None,
        phi=spread.get("phi"),
        tau2=spread.get("tau2"),
        k=spread.get("k"),
        sigma_z=spread.get("sigma_z"),
    )
    transformed = iter(zip(spread.get("z", ()), spread.get("z_used", ()), strict=True))
    for i, lab in enumerate(labs):
        unit = _unit(res, lab, yv[i], nv[i], bool(ok[i]), sign)
        if ok[i] and applied == "spiegelhalter":
            unit["z"], unit["z_used"] = next(transformed, (None, None))
        res.units.append(unit)
    return res


def _check(yv: FloatArray, nv: FloatArray, labs: list[Any], chart: str) -> None:
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


def _unit(res: FunnelResult, label: Any, y: float, n: float, ok: bool, sign: int) -> dict[str, Any]:
    """One unit's value, plain z and σᵢ, and its limits and sides at every level."""
    c = None if res.centre is None else res.centre / res.multiply
    unit: dict[str, Any] = {
        "label": label,
        "y": None if math.isnan(y) else float(y),
        "n": None if math.isnan(n) else float(n),
        "value": float(y / n) * res.multiply if ok else None,
        "z": None,
        "z_used": None,
        "sigma_i": None,
        "expected": None,
        "ratio": None,
    }
    if ok and c is not None:
        sd = math.sqrt(c * (1 - c) / n) if res.chart == "p" else math.sqrt(c / n)
        unit["sigma_i"] = sd * res.multiply
        unit["z"] = (y / n - c) / sd if sd > 0 else None
        if res.chart == "u":
            unit["expected"] = n * c
            unit["ratio"] = y / n / c if c > 0 else None
    for level in LEVELS:
        lo, hi = res.limits(n, level) if ok else (None, None)
        unit[f"lcl_{level}"], unit[f"ucl_{level}"] = lo, hi
        unit[f"side_{level}"] = _side(unit["value"], lo, hi)
    inner, outer = res.levels
    unit["side"] = unit[f"side_{inner}"]
    unit["outside"] = unit[f"side_{outer}"] != 0
    unit["assessment"] = assessment(unit["side"], sign, "better", "worse")
    return unit


def _laney(y: FloatArray, n: FloatArray, c: float, chart: str) -> dict[str, Any]:
    """Laney's σz: the sample standard deviation of the units' plain z-scores."""
    sd = np.sqrt(c * (1 - c) / n) if chart == "p" else np.sqrt(c / n)
    z = (y / n - c)[sd > 0] / sd[sd > 0]
    return {"sigma_z": float(np.std(z, ddof=1)) if len(z) > 1 else None}


def _transformed_z(y: float, n: float, c: float, transform: str) -> float:
    """A unit's z-score on the random-effects scale, before any trimming."""
    if transform == "arcsine":
        return (math.asin(math.sqrt(y / n)) - math.asin(math.sqrt(c))) * 2 * math.sqrt(n)
    expected = n * c
    if transform == "log":
        return math.sqrt(expected) * math.log(y / expected) if y > 0 else -math.inf
    return (math.sqrt(y / expected) - 1) * 2 * math.sqrt(expected)


def _random_effects(y: FloatArray, n: FloatArray, c: float, transform: str) -> dict[str, Any]:
    """φ, τ², the units' z and the z that entered φ (None where truncated away)."""
    expected = n * c
    if transform != "arcsine" and not c > 0:
        return {}  # no event anywhere: no ratio to compare
    z = np.array([_transformed_z(a, b, c, transform) for a, b in zip(y, n, strict=True)])
    weights = 4 * n if transform == "arcsine" else expected if transform == "log" else 4 * expected
    if transform == "log":
        kept = _truncated(z) & np.isfinite(z)
        used = np.where(kept, z, np.nan)
    else:
        kept = np.ones(len(z), dtype=bool)
        used = np.clip(z, _quantile7(z, TRIM), _quantile7(z, 1 - TRIM))
    phi, tau2 = _dispersion(used[kept], weights[kept])
    z_used = [float(v) if keep else None for v, keep in zip(used, kept, strict=True)]
    return {"phi": phi, "tau2": tau2, "k": int(kept.sum()), "z": z.tolist(), "z_used": z_used}


def _dispersion(z: FloatArray, w: FloatArray) -> tuple[float | None, float]:
    """φ = mean z² and DerSimonian and Laird's τ² from it (0 when kφ < k − 1)."""
    k = len(z)
    if k == 0:
        return None, 0.0
    phi = float(np.mean(z**2))
    if k < 2 or k * phi < k - 1:
        return phi, 0.0
    sw = float(w.sum())
    return phi, max(0.0, (k * phi - (k - 1)) / (sw - float((w**2).sum()) / sw))


def _quantile7(values: FloatArray, p: float) -> float:
    """R's default (type 7) quantile: linear between the order statistics around (I − 1)p."""
    v = np.sort(values)
    h = (len(v) - 1) * p
    lo = math.floor(h)
    if lo + 1 >= len(v) or h == lo:
        return float(v[lo])
    return float((1 - (h - lo)) * v[lo] + (h - lo) * v[lo + 1])


def _truncated(z: FloatArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """SHMI's trim: units whose rank (ties averaged) falls in the lowest or highest tenth go.

    Unit i is in tenth ⌊rankᵢ · 10 / (I + 1)⌋ and kept when that is 1 to 8: with 19 units,
    ranks 1, 18 and 19 go.
    """
    order = np.argsort(z, kind="stable")
    ranks = np.empty(len(z))
    start = 0
    while start < len(z):
        end = start
        while end + 1 < len(z) and z[order[end + 1]] == z[order[start]]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    tenth = np.floor(ranks * round(1 / TRIM) / (len(z) + 1))
    return (tenth > 0) & (tenth < round(1 / TRIM) - 1)


def _sin2(angle: float) -> float:
    """sin² of an arcsine-scale angle clamped to [0, π/2], so a limit never folds back."""
    return math.sin(min(max(angle, 0.0), math.pi / 2)) ** 2


def _side(value: float | None, lo: float | None, hi: float | None) -> int:
    if value is None or lo is None or hi is None:
        return 0
    if value > hi:
        return 1
    if value < lo:
        return -1
    return 0
