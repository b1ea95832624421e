"""The qic pipeline: input checks, aggregation per subgroup, parts, limits and runs analysis.

``qic`` handles one series with any kind of x (numbers, dates or category labels) and
returns plain dicts for dashboards. ``qic_many`` handles thousands of series at once on a
shared numeric time axis. Both run the same vectorised engine (``_engine``), so they agree
row by row by construction.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import float_array
from .limits import CHARTS, RATIO_CHARTS, PartData, compute_limits, nanmean
from .runs import RunsStats, longest_segment, runs_analysis

__all__ = ["ManyResult", "QicResult", "qic", "qic_many"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Agg = Literal["mean", "median", "sum", "sd"]

# Charts whose numerators (and denominators) are counts and must not be negative.
_COUNT_CHARTS = ("p", "pp", "u", "up", "c", "g")
_PROPORTION_CHARTS = ("p", "pp")
_NO_LIMIT_CHARTS = ("run",)

_POINT_STATS = (
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
)


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QicResult:
    """Result of :func:`qic` for one series.

    ``points`` holds one dict per subgroup in x order, ``parts`` one dict per part (phase).
    Missing numbers are ``None`` so that both lists serialise to JSON unchanged.
    ``warnings`` says in plain words when a part had too few points for a centre line or
    limits, rather than inventing them.
    """

    chart: str
    points: list[dict[str, Any]]
    parts: list[dict[str, Any]]
    dots_only: bool
    multiply: float
    warnings: tuple[str, ...] = ()

    @property
    def runs_signal(self) -> bool:
        """True if any part has a runs signal (Anhøj's rules)."""
        return any(bool(p["runs_signal"]) for p in self.parts)

    @property
    def sigma_signal(self) -> bool:
        """True if any point lies outside its 3-sigma limits."""
        return any(bool(p["sigma_signal"]) for p in self.points)


@dataclass(frozen=True)
class ManyResult:
    """Result of :func:`qic_many`: S series x T periods.

    The 2-D arrays have the shape of the input. The 1-D run statistics describe each series'
    *last* part (the current phase, what a dashboard reports); every part's statistics are in
    ``part_stats`` as S x P arrays (P = number of parts) and per point in ``runs_signal_points``.
    """

    chart: str
    y: FloatArray
    cl: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    lcl_95: FloatArray
    ucl_95: FloatArray
    sigma_signal: BoolArray
    runs_signal_points: BoolArray
    part: NDArray[np.int64]
    baseline: BoolArray
    include: BoolArray
    runs_signal: BoolArray
    n_useful: NDArray[np.int64]
    longest_run: FloatArray
    longest_run_max: FloatArray
    n_crossings: FloatArray
    n_crossings_min: FloatArray
    part_stats: dict[str, NDArray[Any]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Shared vectorised engine
# --------------------------------------------------------------------------------------------


@dataclass
class _EngineOut:
    y: FloatArray
    cl: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    lcl_95: FloatArray
    ucl_95: FloatArray
    sigma_signal: BoolArray
    runs_signal: BoolArray  # per point (S x L)
    point_stats: dict[str, FloatArray]  # per point (S x L)
    part_runs: list[RunsStats]


def _engine(
    chart: str,
    y: FloatArray,
    y_sum: FloatArray,
    n: FloatArray,
    y_sd: FloatArray,
    bounds: list[tuple[int, int]],
    base: BoolArray,
    include: BoolArray,
    *,
    dots_only: bool,
    cl_user: FloatArray | None,
    screened: bool,
    multiply: float,
    y_neg: bool,
) -> _EngineOut:
    shape = y.shape
    out = {k: np.full(shape, np.nan) for k in ("y", "cl", "lcl", "ucl", "lcl_95", "ucl_95")}
    runs_pt = np.zeros(shape, dtype=bool)
    stats_pt = {k: np.full(shape, np.nan) for k in _POINT_STATS}
    part_runs: list[RunsStats] = []
    for start, end in bounds:
        sl = slice(start, end)
        data = PartData(
            y=y[:, sl],
            y_sum=y_sum[:, sl],
            n=n[:, sl],
            y_sd=y_sd[:, sl],
            base=base[sl],
            cl_user=None if cl_user is None else cl_user[sl],
            dots_only=dots_only,
            screened=screened,
        )
        lim = compute_limits(chart, data)
        out["y"][:, sl] = lim.y
        out["cl"][:, sl] = lim.cl
        out["lcl"][:, sl] = lim.lcl
        out["ucl"][:, sl] = lim.ucl
        out["lcl_95"][:, sl] = lim.lcl_95
        out["ucl_95"][:, sl] = lim.ucl_95
        stats = runs_analysis(lim.y, lim.cl, include[sl])
        part_runs.append(stats)
        signal = stats.runs_signal & (chart != "mr") & (not dots_only)
        runs_pt[:, sl] = signal[:, None]
        for k in _POINT_STATS:
            stats_pt[k][:, sl] = np.asarray(getattr(stats, k), dtype=np.float64)[:, None]

    for k in out:
        out[k] = out[k] * multiply
    for k in ("lcl", "ucl", "lcl_95", "ucl_95"):
        out[k] = np.where(np.isfinite(out[k]), out[k], np.nan)
    if not y_neg:
        yv = out["y"]
        has = (~np.isnan(yv)).any(axis=1)
        ymin = np.where(np.isnan(yv), np.inf, yv).min(axis=1)
        nonneg = (has & (ymin >= 0))[:, None]
        for k in ("lcl", "lcl_95"):
            out[k] = np.where(nonneg & (out[k] < 0), 0.0, out[k])
    with np.errstate(invalid="ignore"):
        sigma = (out["y"] > out["ucl"]) | (out["y"] < out["lcl"])
    return _EngineOut(
        y=out["y"],
        cl=out["cl"],
        lcl=out["lcl"],
        ucl=out["ucl"],
        lcl_95=out["lcl_95"],
        ucl_95=out["ucl_95"],
        sigma_signal=sigma,
        runs_signal=runs_pt,
        point_stats=stats_pt,
        part_runs=part_runs,
    )


def _check_chart(chart: str) -> str:
    c = str(chart).lower()
    if c not in CHARTS:
        raise ValueError(f"unknown chart type {chart!r}; expected one of {', '.join(CHARTS)}")
    return c


def _check_multiply(multiply: float) -> float:
    m = float(multiply)
    if not math.isfinite(m) or m <= 0:
        raise ValueError(f"multiply must be a positive number, got {multiply!r}")
    return m


def _layout(
    k: int,
    cuts: list[int],
    freeze: int | None,
    exclude: Sequence[int] | None,
) -> tuple[list[tuple[int, int]], NDArray[np.int64], BoolArray, BoolArray]:
    """Part bounds, part labels (1-based), baseline and include flags for K subgroups."""
    edges = [0, *cuts, k]
    bounds = [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
    part = np.empty(k, dtype=np.int64)
    for j, (s, e) in enumerate(bounds):
        part[s:e] = j + 1
    idx = np.arange(k)
    # qicharts2 ignores freeze when the chart has parts.
    baseline = np.ones(k, dtype=bool) if freeze is None or cuts else idx < freeze
    include = np.ones(k, dtype=bool)
    for e in exclude or ():
        pos = _as_int(e, "exclude")
        if not 0 <= pos < k:
            raise ValueError(
                f"exclude: position {pos} is outside the {k} subgroups (0-based, 0..{k - 1})"
            )
        include[pos] = False
    return bounds, part, baseline, include


def _as_int(v: object, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral | float):
        raise ValueError(f"{name}: {v!r} is not a whole number")
    f = float(v)
    if not f.is_integer():
        raise ValueError(f"{name}: {v!r} is not a whole number")
    return int(f)


def _cuts_from_ints(part: object, k: int) -> list[int]:
    if part is None:
        return []
    values = [part] if isinstance(part, numbers.Number) else list(part)  # type: ignore[call-overload]
    cuts = sorted({_as_int(v, "part") for v in values})
    # Cut points outside the series would make empty parts; qicharts2 ignores them.
    return [c for c in cuts if 0 < c < k]


def _check_freeze(freeze: object) -> int | None:
    if freeze is None:
        return None
    f = _as_int(freeze, "freeze")
    if f < 0:
        raise ValueError(f"freeze: must be 0 or more points, got {f}")
    return f


# --------------------------------------------------------------------------------------------
# qic: one series
# --------------------------------------------------------------------------------------------


def _is_missing(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float | np.floating):
        return bool(np.isnan(v))
    return False


def _x_kind(xs: Sequence[object]) -> str:
    kinds: set[str] = set()
    for i, v in enumerate(xs):
        if _is_missing(v):
            continue
        if isinstance(v, str):
            kinds.add("text")
        elif isinstance(v, _dt.date):
            kinds.add("date")
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            kinds.add("number")
        else:
            raise ValueError(f"x at position {i}: {v!r} is not a number, date or label")
    if len(kinds) > 1:
        raise ValueError(f"x mixes {' and '.join(sorted(kinds))} values; use one kind")
    return kinds.pop() if kinds else "number"


def _as_list(v: object, name: str) -> list[object]:
    if isinstance(v, str | bytes):
        raise ValueError(f"{name} must be a sequence of values, not a single string")
    if isinstance(v, np.ndarray):
        return list(v.tolist())
    try:
        return list(cast("Iterable[object]", v))
    except TypeError:
        raise ValueError(f"{name} must be a sequence of values") from None


def _per_subgroup(
    v: object, k: int, name: str, group_of_first_row: Sequence[int] | None = None
) -> FloatArray | None:
    """A scalar, or one value per subgroup (a sequence of length K), as an array of length K."""
    if v is None:
        return None
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        return np.full(k, float(v))
    vals = float_array(_as_list(v, name), name)
    if len(vals) != k:
        raise ValueError(f"{name} has {len(vals)} values but there are {k} subgroups")
    return vals


def qic(
    x: ArrayLike | Sequence[object] | None,
    y: ArrayLike | Sequence[object] | None = None,
    n: ArrayLike | Sequence[object] | None = None,
    *,
    chart: str = "run",
    freeze: int | None = None,
    part: int | Sequence[int] | Sequence[str] | None = None,
    exclude: Sequence[int] | None = None,
    multiply: float = 1,
    cl: float | Sequence[float] | None = None,
    target: float | Sequence[float] | None = None,
    y_neg: bool = True,
    screened_mr: bool = True,
    agg: Agg = "mean",
) -> QicResult:
    """Compute a control or run chart exactly as qicharts2's ``qic()`` does.

    Args:
        x: Subgroup keys: numbers, ``datetime.date``s, or strings. Strings make a comparison
            (funnel) chart in the order the labels first appear, without a runs signal.
            Rows with the same x form one subgroup. ``None`` numbers the rows 1..N.
        y: Values, or numerators when ``n`` is given. If ``y`` is None, ``x`` is taken as y.
        n: Denominators (or exposure for U charts). Zero or missing makes the point missing.
        chart: One of run, i, mr, t, xbar, s, p, pp, c, u, up, g, ip.
        freeze: Number of baseline subgroups for the centre line and limits (ignored with
            ``part``, as in qicharts2).
        part: Subgroup counts after which a new part (phase) starts, e.g. ``12`` or
            ``[8, 16]``; or one label per input row, a new part starting where it changes.
        exclude: 0-based subgroup positions left out of the centre line, limits and runs
            analysis (they are still returned and still flagged outside the limits).
        multiply: Scale factor for y, centre line and limits (e.g. 100 for per cent).
        cl: A fixed centre line (scalar or one per subgroup) replacing the computed one.
        target: Passed through on the points for rules and displays that need it.
        y_neg: If False and no y is negative, negative lower limits become 0.
        screened_mr: Screen moving ranges above 3.267 x the average (Nelson 1982), as
            qicharts2 does once attached. Affects I, T, P', U' and I' charts.
        agg: How several values of one subgroup are combined without ``n``: mean, median,
            sum or sd (X-bar, S and C charts always use mean, sd and sum).

    Raises:
        ValueError: naming the position and the reason for negative counts, numerators
            above denominators in proportion charts, non-positive values in a T chart,
            values of different lengths, and other malformed input.
    """
    chart = _check_chart(chart)
    mult = _check_multiply(multiply)
    if agg not in ("mean", "median", "sum", "sd"):
        raise ValueError(f"agg must be mean, median, sum or sd, got {agg!r}")
    if y is None:
        if x is None:
            raise ValueError("give at least y (or x as the values)")
        y, x = x, None
    ys = _as_list(y, "y")
    xs = list(range(1, len(ys) + 1)) if x is None else _as_list(x, "x")
    ns = None if n is None else _as_list(n, "n")
    if len(xs) != len(ys) or (ns is not None and len(ns) != len(ys)):
        lens = f"x has {len(xs)} values, y has {len(ys)}"
        if ns is not None:
            lens += f" and n has {len(ns)}"
        raise ValueError(f"{lens}: they must have the same length")
    yv = float_array(ys, "y")
    nv = None if ns is None else float_array(ns, "n")
    if chart in RATIO_CHARTS and nv is None:
        raise ValueError(f"a {chart} chart needs denominators n")
    _validate_rows(chart, yv, nv)

    if nv is not None:
        # Complete cases: a missing denominator or numerator removes both. A zero denominator
        # stays (y = 0/0 is missing, as in qicharts2) but its numerator is kept out of the
        # pooled centre line below.
        drop = np.isnan(yv) | np.isnan(nv)
        yv = np.where(drop, np.nan, yv)
        nv = np.where(drop, np.nan, nv)

    kind = _x_kind(xs)
    keep = [i for i, v in enumerate(xs) if not _is_missing(v)]
    part_labels: list[object] | None = None
    if part is not None and not isinstance(part, numbers.Number):
        plist = _as_list(part, "part")
        if any(isinstance(p, str) for p in plist):
            if len(plist) != len(ys):
                raise ValueError(
                    f"part labels: {len(plist)} given for {len(ys)} rows; give one per row"
                )
            part_labels = plist
    xs_kept = [xs[i] for i in keep]
    keys: list[object] = [float(v) if kind == "number" else v for v in xs_kept]  # type: ignore[arg-type]
    if kind == "text":
        order: dict[object, int] = {}
        for kv in keys:
            order.setdefault(kv, len(order))
        uniq = list(order)
    else:
        uniq = sorted(set(keys))  # type: ignore[type-var]
        order = {kv: j for j, kv in enumerate(uniq)}
    k = len(uniq)
    inv = np.array([order[kv] for kv in keys], dtype=np.int64)
    rows = np.array(keep, dtype=np.int64)
    first_row = np.full(k, -1, dtype=np.int64)
    for r, g in zip(rows[::-1], inv[::-1], strict=True):
        first_row[g] = r
    x_out = [xs[r] for r in first_row]

    agg_ = _aggregate(chart, yv[rows], None if nv is None else nv[rows], inv, k, agg)
    y_plot, y_sum, n_eng, y_len, y_mean, y_sd, n_out = agg_

    dots_only = kind == "text"
    if part_labels is not None:
        labs = [part_labels[r] for r in first_row]
        cuts = [j for j in range(1, k) if labs[j] != labs[j - 1]]
    else:
        cuts = _cuts_from_ints(part, k)
    bounds, part_no, baseline, include = _layout(k, cuts, _check_freeze(freeze), exclude)
    base = baseline & include
    cl_user = _per_subgroup(cl, k, "cl")
    target_v = _per_subgroup(target, k, "target")

    y_sum_eng = y_sum
    if nv is not None and chart != "c":
        y_sum_eng = np.where(n_eng > 0, y_sum, np.nan)
    eng = _engine(
        chart,
        y_plot[None, :],
        y_sum_eng[None, :],
        n_eng[None, :],
        y_sd[None, :],
        bounds,
        base,
        include,
        dots_only=dots_only,
        cl_user=cl_user,
        screened=screened_mr,
        multiply=mult,
        y_neg=y_neg,
    )
    return _build_result(
        chart,
        eng,
        x_out,
        n_out,
        y_sum,
        y_len,
        y_mean,
        y_sd,
        part_no,
        bounds,
        baseline,
        include,
        target_v,
        dots_only,
        mult,
    )


def _validate_rows(chart: str, yv: FloatArray, nv: FloatArray | None) -> None:
    """Reject impossible values, naming the first offending (0-based) position."""

    def first(mask: BoolArray) -> int | None:
        hits = np.flatnonzero(mask)
        return int(hits[0]) if hits.size else None

    with np.errstate(invalid="ignore"):
        if nv is not None:
            i = first(nv < 0)
            if i is not None:
                raise ValueError(f"n at position {i}: negative denominator {nv[i]:g}")
        if chart in _COUNT_CHARTS or (chart == "ip" and nv is not None):
            i = first(yv < 0)
            if i is not None:
                raise ValueError(f"y at position {i}: negative count {yv[i]:g} in a {chart} chart")
        if chart in _PROPORTION_CHARTS and nv is not None:
            i = first((yv > nv) & (nv > 0))
            if i is not None:
                raise ValueError(
                    f"y at position {i}: numerator {yv[i]:g} is larger than denominator "
                    f"{nv[i]:g} in a proportion ({chart}) chart"
                )
        if chart == "t":
            i = first(yv <= 0)
            if i is not None:
                raise ValueError(
                    f"y at position {i}: time between events must be positive, got {yv[i]:g}"
                )


def _aggregate(
    chart: str,
    yv: FloatArray,
    nv: FloatArray | None,
    inv: NDArray[np.int64],
    k: int,
    agg: str,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per-subgroup values: plotted y, y.sum, n for the engine, y.length, y.mean, y.sd, n shown."""
    valid = ~np.isnan(yv)
    rows_per = np.bincount(inv, minlength=k)
    y_len = np.bincount(inv, weights=valid.astype(np.float64), minlength=k)
    sums = np.bincount(inv, weights=np.where(valid, yv, 0.0), minlength=k)
    single = np.full(k, np.nan)
    single[inv] = yv  # only read where a subgroup has exactly one row
    # qicharts2: one observation keeps its NA; several drop NAs (all-NA sums to 0).
    y_sum = np.where(rows_per == 1, single, sums)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_mean = np.where(y_len > 0, sums / np.maximum(y_len, 1), np.nan)
        dev = np.where(valid, yv - y_mean[inv], 0.0)
        ss = np.bincount(inv, weights=dev * dev, minlength=k)
        y_sd = np.where(y_len >= 2, np.sqrt(ss / np.maximum(y_len - 1, 1)), np.nan)
    if nv is not None:
        n_sum = np.bincount(inv, weights=np.where(np.isnan(nv), 0.0, nv), minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            y_plot = y_sum / n_sum
        y_plot = np.where(np.isfinite(y_plot), y_plot, np.nan)
        n_eng = n_sum
        n_out = n_sum
    else:
        if agg == "mean":
            y_plot = y_mean
        elif agg == "sum":
            y_plot = y_sum
        elif agg == "sd":
            y_plot = y_sd
        else:
            y_plot = np.full(k, np.nan)
            for g in range(k):
                vals = yv[(inv == g) & valid]
                if vals.size:
                    y_plot[g] = float(np.median(vals))
        n_eng = y_len.copy() if chart == "ip" else np.full(k, np.nan)
        n_out = n_eng.copy()
    if chart == "xbar":
        y_plot = y_mean
    elif chart == "s":
        y_plot = y_sd
    if chart in ("xbar", "s"):
        n_eng = y_len.copy()
    arrays = (y_plot, y_sum, n_eng, y_len, y_mean, y_sd, n_out)
    f = [np.asarray(a, dtype=np.float64) for a in arrays]
    return f[0], f[1], f[2], f[3], f[4], f[5], f[6]


def _num(v: float) -> float | None:
    f = float(v)
    return None if math.isnan(f) else f


def _int_or_none(v: float) -> int | None:
    f = float(v)
    return None if math.isnan(f) else int(f)


def _nums(a: FloatArray) -> list[float | None]:
    """A float array as a list, None for NaN (as :func:`_num` for each value)."""
    return [None if math.isnan(v) else v for v in a.tolist()]


def _ints(a: FloatArray) -> list[int | None]:
    """A float array of counts as a list of ints, None for NaN."""
    return [None if math.isnan(v) else int(v) for v in a.tolist()]


def _build_result(
    chart: str,
    eng: _EngineOut,
    x_out: list[object],
    n_out: FloatArray,
    y_sum: FloatArray,
    y_len: FloatArray,
    y_mean: FloatArray,
    y_sd: FloatArray,
    part_no: NDArray[np.int64],
    bounds: list[tuple[int, int]],
    baseline: BoolArray,
    include: BoolArray,
    target: FloatArray | None,
    dots_only: bool,
    mult: float,
) -> QicResult:
    # Whole columns as Python lists first: reading numpy scalars one by one is slow.
    y, cl, lcl, ucl = _nums(eng.y[0]), _nums(eng.cl[0]), _nums(eng.lcl[0]), _nums(eng.ucl[0])
    lcl_95, ucl_95 = _nums(eng.lcl_95[0]), _nums(eng.ucl_95[0])
    n, sums, means, sds = _nums(n_out), _nums(y_sum), _nums(y_mean), _nums(y_sd)
    lengths = [int(v) for v in y_len.tolist()]
    targets = [None] * len(x_out) if target is None else _nums(target)
    parts_of, base, incl = part_no.tolist(), baseline.tolist(), include.tolist()
    sigma, runs = eng.sigma_signal[0].tolist(), eng.runs_signal[0].tolist()
    stats = {key: _ints(eng.point_stats[key][0]) for key in _POINT_STATS}
    points: list[dict[str, Any]] = []
    for j in range(len(x_out)):
        pt: dict[str, Any] = {
            "x": x_out[j],
            "y": y[j],
            "n": n[j],
            "y_sum": sums[j],
            "y_length": lengths[j],
            "y_mean": means[j],
            "y_sd": sds[j],
            "part": parts_of[j],
            "baseline": base[j],
            "include": incl[j],
            "cl": cl[j],
            "lcl": lcl[j],
            "ucl": ucl[j],
            "lcl_95": lcl_95[j],
            "ucl_95": ucl_95[j],
            "target": targets[j],
            "sigma_signal": sigma[j],
            "runs_signal": runs[j],
        }
        for key in _POINT_STATS:
            pt[key] = stats[key][j]
        points.append(pt)

    parts: list[dict[str, Any]] = []
    warnings: list[str] = []
    for idx, ((s, e), st) in enumerate(zip(bounds, eng.part_runs, strict=True)):
        label = idx + 1

        def mean_of(a: FloatArray, s: int = s, e: int = e) -> float | None:
            return _num(nanmean(a[:, s:e])[0]) if e > s else None

        longest = longest_segment(eng.y[0, s:e], eng.cl[0, s:e], include[s:e])
        signal = bool(st.runs_signal[0]) and chart != "mr" and not dots_only
        part = {
            "part": label,
            "first": s,
            "last": e - 1,
            "n_obs": int(st.n_obs[0]),
            "n_useful": int(st.n_useful[0]),
            "longest_run": _int_or_none(st.longest_run[0]),
            "longest_run_max": _int_or_none(st.longest_run_max[0]),
            "n_crossings": _int_or_none(st.n_crossings[0]),
            "n_crossings_min": _int_or_none(st.n_crossings_min[0]),
            "runs_signal": signal,
            "longest_run_side": None if longest is None else longest[2],
            "longest_run_first": None if longest is None else s + longest[0],
            "longest_run_last": None if longest is None else s + longest[1],
            "cl": mean_of(eng.cl),
            "lcl": mean_of(eng.lcl),
            "ucl": mean_of(eng.ucl),
            "lcl_95": mean_of(eng.lcl_95),
            "ucl_95": mean_of(eng.ucl_95),
            "sigma_signal": int(eng.sigma_signal[0, s:e].sum()),
        }
        parts.append(part)
        if part["cl"] is None:
            warnings.append(f"part {label}: no usable points, so no centre line")
        elif (
            chart not in _NO_LIMIT_CHARTS
            and np.isnan(eng.lcl[0, s:e]).all()
            and np.isnan(eng.ucl[0, s:e]).all()
        ):
            warnings.append(
                f"part {label}: control limits could not be computed "
                "(too few points, or no variation between them)"
            )
    return QicResult(
        chart=chart,
        points=points,
        parts=parts,
        dots_only=dots_only,
        multiply=mult,
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------------------------
# qic_many: many series on one time axis
# --------------------------------------------------------------------------------------------


def qic_many(
    y: ArrayLike,
    n: ArrayLike | None = None,
    *,
    chart: str = "p",
    freeze: int | None = None,
    part: int | Sequence[int] | None = None,
    exclude: Sequence[int] | None = None,
    multiply: float = 1,
    cl: float | Sequence[float] | None = None,
    target: float | Sequence[float] | None = None,
    y_neg: bool = True,
    screened_mr: bool = True,
) -> ManyResult:
    """Compute one chart for each of S series over T periods in a single vectorised pass.

    Args:
        y: S x T array of values (numerators for p, pp, u, up), NaN = missing. For X-bar and
            S charts an S x T x m array of raw observations (NaN padding).
        n: S x T array of denominators (required for p, pp, u, up); 0 or NaN = missing point.
        chart, freeze, part, exclude, multiply, cl, y_neg, screened_mr: as in :func:`qic`,
            applied to every series alike (periods are the subgroups 0..T-1).
        target: accepted for symmetry with :func:`qic`; not used by the limits.

    Returns:
        A :class:`ManyResult`; row s equals ``qic(range(1, T + 1), y[s], n[s], ...)``.
    """
    del target  # the limits do not depend on it; accepted so callers can pass qic's kwargs
    chart = _check_chart(chart)
    mult = _check_multiply(multiply)
    ya = np.asarray(y, dtype=np.float64)
    if chart in ("xbar", "s"):
        if ya.ndim != 3:
            raise ValueError(
                f"a {chart} chart needs raw observations: y must be series x periods x "
                f"observations (3-D), got {ya.ndim}-D"
            )
        valid = ~np.isnan(ya)
        y_len = valid.sum(axis=2).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            sums = np.where(valid, ya, 0.0).sum(axis=2)
            y_mean = np.where(y_len > 0, sums / np.maximum(y_len, 1), np.nan)
            dev = np.where(valid, ya - y_mean[..., None], 0.0)
            y_sd = np.where(
                y_len >= 2, np.sqrt((dev * dev).sum(axis=2) / np.maximum(y_len - 1, 1)), np.nan
            )
        y_plot = y_mean if chart == "xbar" else y_sd
        y_sum = np.where(y_len > 0, sums, np.nan)
        n_eng = y_len
    else:
        if ya.ndim != 2:
            raise ValueError(f"y must be a 2-D array (series x periods), got {ya.ndim}-D")
        if np.isinf(ya).any():
            s_, t_ = np.argwhere(np.isinf(ya))[0]
            raise ValueError(f"y at series {s_}, period {t_}: infinite values are not allowed")
        y_sd = np.full(ya.shape, np.nan)
        if n is None:
            if chart in RATIO_CHARTS:
                raise ValueError(f"a {chart} chart needs denominators n")
            _validate_many(chart, ya, None)
            y_plot = ya
            y_sum = ya
            n_eng = (
                (~np.isnan(ya)).astype(np.float64) if chart == "ip" else np.full(ya.shape, np.nan)
            )
        else:
            na = np.asarray(n, dtype=np.float64)
            if na.shape != ya.shape:
                raise ValueError(f"y has shape {ya.shape} but n has shape {na.shape}")
            _validate_many(chart, ya, na)
            drop = np.isnan(ya) | np.isnan(na) | (na == 0)
            # As in qic: a C chart counts numerators even where the denominator is 0.
            y_sum = np.where(np.isnan(ya) | np.isnan(na) if chart == "c" else drop, np.nan, ya)
            n_eng = np.where(drop, 0.0, na)
            with np.errstate(invalid="ignore", divide="ignore"):
                y_plot = np.where(drop, np.nan, ya / np.where(drop, 1.0, na))
    s_count, t_count = y_plot.shape
    cuts = _cuts_from_ints(part, t_count)
    bounds, part_no, baseline, include = _layout(t_count, cuts, _check_freeze(freeze), exclude)
    cl_user = _per_subgroup(cl, t_count, "cl")
    eng = _engine(
        chart,
        y_plot,
        y_sum,
        n_eng,
        y_sd,
        bounds,
        baseline & include,
        include,
        dots_only=False,
        cl_user=cl_user,
        screened=screened_mr,
        multiply=mult,
        y_neg=y_neg,
    )
    stats: dict[str, NDArray[Any]] = {}
    for key in ("n_obs", "n_useful", *_POINT_STATS[2:], "runs_signal"):
        stats[key] = np.stack([np.asarray(getattr(r, key)) for r in eng.part_runs], axis=1)
    if chart == "mr":
        stats["runs_signal"] = np.zeros_like(stats["runs_signal"])
    last = eng.part_runs[-1] if eng.part_runs else None
    empty_f = np.full(s_count, np.nan)
    return ManyResult(
        chart=chart,
        y=eng.y,
        cl=eng.cl,
        lcl=eng.lcl,
        ucl=eng.ucl,
        lcl_95=eng.lcl_95,
        ucl_95=eng.ucl_95,
        sigma_signal=eng.sigma_signal,
        runs_signal_points=eng.runs_signal,
        part=part_no,
        baseline=baseline,
        include=include,
        runs_signal=stats["runs_signal"][:, -1]
        if last is not None
        else np.zeros(s_count, dtype=bool),
        n_useful=last.n_useful if last is not None else np.zeros(s_count, dtype=np.int64),
        longest_run=last.longest_run if last is not None else empty_f,
        longest_run_max=last.longest_run_max if last is not None else empty_f,
        n_crossings=last.n_crossings if last is not None else empty_f,
        n_crossings_min=last.n_crossings_min if last is not None else empty_f,
        part_stats=stats,
    )


def _validate_many(chart: str, ya: FloatArray, na: FloatArray | None) -> None:
    """Vectorised input checks naming the first offending series and period."""

    def fail(mask: BoolArray, reason: Callable[[int, int], str]) -> None:
        if mask.any():
            s_, t_ = (int(v) for v in np.argwhere(mask)[0])
            raise ValueError(f"series {s_}, period {t_}: {reason(s_, t_)}")

    with np.errstate(invalid="ignore"):
        if na is not None:
            den = na
            fail(den < 0, lambda s, t: f"negative denominator {den[s, t]:g}")
            if chart in _PROPORTION_CHARTS:
                fail(
                    (ya > den) & (den > 0),
                    lambda s, t: (
                        f"numerator {ya[s, t]:g} is larger than denominator {den[s, t]:g} "
                        f"in a proportion ({chart}) chart"
                    ),
                )
        if chart in _COUNT_CHARTS or (chart == "ip" and na is not None):
            fail(ya < 0, lambda s, t: f"negative count {ya[s, t]:g} in a {chart} chart")
        if chart == "t":
            fail(ya <= 0, lambda s, t: f"time between events must be positive, got {ya[s, t]:g}")
