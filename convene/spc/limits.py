"""Centre line and control limits of every chart type, vectorised over series.

Each function receives the points of *one part* of S series as S x L arrays and returns the
centre line and the 3-sigma and 2-sigma limits as S x L arrays, before ``multiply``. ``base``
(length L, shared by all series) marks the points used for the centre line and the limits
(baseline and not excluded). Missing values are NaN throughout.

The formulas are those of qicharts2 0.8.1, including its rounded constants (d2 = 1.128,
D4 = 3.267): using more precise constants would move limits by about 1e-4 relative and
disagree with the reference implementation that users compare against.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

D2 = 1.128
D4 = 3.267
# The I' chart screens its moving-range based sigmas with the unrounded D4.
D4_IP = 3.2665
# The MR chart's 2-sigma upper limit factor (D4 with 2 in place of 3).
MR_UCL_95 = 2.178
T_EXPONENT = 3.6
G_MEDIAN_FACTOR = 0.693

CHARTS = ("run", "i", "mr", "t", "xbar", "s", "p", "pp", "c", "u", "up", "g", "ip")
# Charts whose y is a numerator that needs a denominator.
RATIO_CHARTS = ("p", "pp", "u", "up")


@dataclass
class Limits:
    """Centre line and limits for one part (S x L arrays), plus the plotted y."""

    y: FloatArray
    cl: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    lcl_95: FloatArray
    ucl_95: FloatArray


@dataclass
class PartData:
    """Inputs of one part of S series (S x L arrays; ``base`` has length L)."""

    y: FloatArray
    y_sum: FloatArray
    n: FloatArray
    y_sd: FloatArray
    base: BoolArray
    cl_user: FloatArray | None
    dots_only: bool
    screened: bool


def c4(n: FloatArray) -> FloatArray:
    """Exact bias-correction constant c4(n) = sqrt(2/(n-1)) Γ(n/2)/Γ((n-1)/2); NaN for n <= 1."""
    out = np.full(n.shape, np.nan)
    ok = np.isfinite(n) & (n > 1)
    if ok.any():
        # Few distinct subgroup sizes: evaluate lgamma once per size, then scatter.
        sizes, inverse = np.unique(n[ok], return_inverse=True)
        values = np.array(
            [
                math.sqrt(2.0 / (v - 1.0))
                * math.exp(math.lgamma(v / 2.0) - math.lgamma((v - 1.0) / 2.0))
                for v in sizes.tolist()
            ]
        )
        out[ok] = values[inverse]
    return out


def nanmean(a: FloatArray, axis: int = 1) -> FloatArray:
    """Mean ignoring NaN, NaN (without a warning) where a row has no values."""
    valid = ~np.isnan(a)
    cnt = valid.sum(axis=axis)
    # As R does: sum in extended precision, then refine with a pass over the residuals. The
    # result no longer depends on numpy's summation order (one series or ten thousand), so a
    # point that lies exactly on the centre line in R lies on it here too.
    values = np.where(valid, a, 0.0).astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        count = np.maximum(cnt, 1).astype(np.longdouble)
        mean = values.sum(axis=axis) / count
        shape = list(a.shape)
        shape[axis] = 1
        residual = np.where(valid, values - mean.reshape(shape), 0.0).sum(axis=axis)
        mean = (mean + residual / count).astype(np.float64)
        return np.where(cnt > 0, mean, np.nan)


def nansum(a: FloatArray, axis: int = 1) -> FloatArray:
    """Sum ignoring NaN (0 for a row without values, as R's ``sum(na.rm = TRUE)``)."""
    return np.asarray(np.where(np.isnan(a), 0.0, a).sum(axis=axis), dtype=np.float64)


def nanmedian(a: FloatArray, axis: int = 1) -> FloatArray:
    """Median ignoring NaN, NaN (without a warning) where a row has no values."""
    if a.shape[axis] == 0:
        return np.full(a.shape[0], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(a, axis=axis), dtype=np.float64)


def nansd(a: FloatArray, axis: int = 1) -> FloatArray:
    """Sample standard deviation (n - 1); NaN if a row has a NaN or fewer than 2 values."""
    cnt = a.shape[axis]
    if cnt < 2:
        return np.full(a.shape[0], np.nan)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.std(a, axis=axis, ddof=1), dtype=np.float64)


def mean_moving_range(a: FloatArray, screened: bool, factor: float = D4) -> FloatArray:
    """Average moving range of each row; a NaN breaks the two ranges it takes part in.

    With ``screened``, ranges not strictly below ``factor`` times the first average are
    dropped and the average recomputed (Nelson 1982). When every range is 0 this drops them
    all and the result is NaN, exactly as qicharts2 does.
    """
    if a.shape[1] < 2:
        return np.full(a.shape[0], np.nan)
    mr = np.abs(np.diff(a, axis=1))
    amr = nanmean(mr)
    if screened:
        with np.errstate(invalid="ignore"):
            keep = mr < (factor * amr)[:, None]
        amr = nanmean(np.where(keep, mr, np.nan))
    return amr


def _col(v: FloatArray, length: int) -> FloatArray:
    """Broadcast a per-series value (length S) to S x L."""
    return np.repeat(v[:, None], length, axis=1)


def _centre(data: PartData, computed: FloatArray) -> FloatArray:
    """The user's centre line when given (no NaN), otherwise the computed one (S x L)."""
    length = data.y.shape[1]
    if data.cl_user is not None and not np.isnan(data.cl_user).any():
        return np.broadcast_to(data.cl_user[None, :], data.y.shape).astype(np.float64)
    return _col(computed, length)


def _none(y: FloatArray, cl: FloatArray) -> Limits:
    nan = np.full(y.shape, np.nan)
    return Limits(y, cl, nan, nan.copy(), nan.copy(), nan.copy())


def _sym(y: FloatArray, cl: FloatArray, sigma: FloatArray) -> Limits:
    return Limits(y, cl, cl - 3 * sigma, cl + 3 * sigma, cl - 2 * sigma, cl + 2 * sigma)


def _base(a: FloatArray, base: BoolArray) -> FloatArray:
    return a[:, base]


def chart_run(d: PartData) -> Limits:
    cl = _centre(d, nanmedian(_base(d.y, d.base)))
    return _none(d.y, cl)


def _i_sigma(y: FloatArray, base: BoolArray, screened: bool) -> FloatArray:
    # Moving ranges over the base subset in order: excluded points are bridged, NaN breaks.
    return mean_moving_range(y[:, base], screened) / D2


def chart_i(d: PartData) -> Limits:
    cl = _centre(d, nanmean(_base(d.y, d.base)))
    sigma = _i_sigma(d.y, d.base, d.screened)
    return _sym(d.y, cl, _col(sigma, d.y.shape[1]))


def chart_mr(d: PartData) -> Limits:
    length = d.y.shape[1]
    mr = np.full(d.y.shape, np.nan)
    if length > 1:
        mr[:, 1:] = np.abs(np.diff(d.y, axis=1))
    cl = _centre(d, nanmean(_base(mr, d.base)))
    zero = np.zeros(d.y.shape)
    return Limits(mr, cl, zero, D4 * cl, zero.copy(), MR_UCL_95 * cl)


def chart_t(d: PartData) -> Limits:
    with np.errstate(invalid="ignore"):
        yt = d.y ** (1 / T_EXPONENT)
        cl_user = None if d.cl_user is None else d.cl_user ** (1 / T_EXPONENT)
    inner = PartData(yt, d.y_sum, d.n, d.y_sd, d.base, cl_user, d.dots_only, d.screened)
    lim = chart_i(inner)
    with np.errstate(invalid="ignore"):
        # A negative limit has no real 3.6th power (NaN); both it and a negative result are 0.
        lcl = lim.lcl**T_EXPONENT
        lcl95 = lim.lcl_95**T_EXPONENT
        lcl = np.where(np.isnan(lcl) | (lcl < 0), 0.0, lcl)
        lcl95 = np.where(np.isnan(lcl95) | (lcl95 < 0), 0.0, lcl95)
        return Limits(
            d.y,
            lim.cl**T_EXPONENT,
            lcl,
            lim.ucl**T_EXPONENT,
            lcl95,
            lim.ucl_95**T_EXPONENT,
        )


def _sbar(d: PartData) -> FloatArray:
    """Pooled subgroup standard deviation of each series for X-bar and S charts."""
    n = d.n
    sd = d.y_sd
    if d.y.shape[1] == 0:
        return np.full(d.y.shape[0], np.nan)
    equal = (n == n[:, :1]).all(axis=1)
    nb = _base(n, d.base)
    sdb = _base(sd, d.base)
    simple = nanmean(sdb)
    valid = ~np.isnan(sdb)
    w = np.where(valid, nb - 1, 0.0)
    num = (w * np.where(valid, sdb, 0.0) ** 2).sum(axis=1)
    den = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.sqrt(num / den)
    return np.where(equal, simple, pooled)


def chart_xbar(d: PartData) -> Limits:
    nb = _base(d.n, d.base)
    yb = _base(d.y, d.base)
    valid = ~np.isnan(yb) & (nb > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (np.where(valid, yb * nb, 0.0)).sum(axis=1) / np.where(valid, nb, 0.0).sum(axis=1)
    cl = _centre(d, centre)
    sbar = _col(_sbar(d), d.y.shape[1])
    c4n = c4(d.n)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = c4n * np.sqrt(d.n)
        lim = Limits(
            d.y,
            cl,
            cl - 3 / root * sbar,
            cl + 3 / root * sbar,
            cl - 2 / root * sbar,
            cl + 2 / root * sbar,
        )
    return lim


def chart_s(d: PartData) -> Limits:
    cl = _centre(d, _sbar(d))
    c4n = c4(d.n)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.sqrt(1 - c4n**2) / c4n
        return Limits(
            d.y,
            cl,
            np.maximum(0.0, 1 - 3 * ratio) * cl,
            (1 + 3 * ratio) * cl,
            np.maximum(0.0, 1 - 2 * ratio) * cl,
            (1 + 2 * ratio) * cl,
        )


def _pooled_rate(d: PartData) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return nansum(_base(d.y_sum, d.base)) / nansum(_base(d.n, d.base))


def _laney_factor(d: PartData, cl: FloatArray, sigma: FloatArray) -> FloatArray:
    """Laney's sigma_z: spread of the z-scores of the base points (per series)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = _base((d.y - cl) / sigma, d.base)
    z = np.where(np.isfinite(z), z, np.nan)
    if d.dots_only:
        # Funnel (categorical x): the plain sd of z, NaN if any z is missing.
        return nansd(z)
    return mean_moving_range(z, d.screened) / D2


def _cap_p(lim: Limits) -> Limits:
    def cap(a: FloatArray, lo: bool) -> FloatArray:
        with np.errstate(invalid="ignore"):
            if lo:
                return np.where(np.isfinite(a) & (a < 0), 0.0, a)
            return np.where(np.isfinite(a) & (a > 1), 1.0, a)

    return Limits(
        lim.y,
        lim.cl,
        cap(lim.lcl, True),
        cap(lim.ucl, False),
        cap(lim.lcl_95, True),
        cap(lim.ucl_95, False),
    )


def _floor0(lim: Limits) -> Limits:
    def floor(a: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore"):
            return np.where(np.isfinite(a) & (a < 0), 0.0, a)

    return Limits(lim.y, lim.cl, floor(lim.lcl), lim.ucl, floor(lim.lcl_95), lim.ucl_95)


def _p_sigma(cl: FloatArray, n: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(cl * (1 - cl) / n)


def _u_sigma(cl: FloatArray, n: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(cl / n)


def chart_p(d: PartData) -> Limits:
    cl = _centre(d, _pooled_rate(d))
    return _cap_p(_sym(d.y, cl, _p_sigma(cl, d.n)))


def chart_pp(d: PartData) -> Limits:
    cl = _centre(d, _pooled_rate(d))
    sigma = _p_sigma(cl, d.n)
    sz = _laney_factor(d, cl, sigma)
    return _cap_p(_sym(d.y, cl, sigma * sz[:, None]))


def chart_c(d: PartData) -> Limits:
    y = d.y_sum
    cl = _centre(d, nanmean(_base(y, d.base)))
    with np.errstate(invalid="ignore"):
        sigma = np.sqrt(cl)
    return _floor0(_sym(y, cl, sigma))


def chart_u(d: PartData) -> Limits:
    cl = _centre(d, _pooled_rate(d))
    return _floor0(_sym(d.y, cl, _u_sigma(cl, d.n)))


def chart_up(d: PartData) -> Limits:
    cl = _centre(d, _pooled_rate(d))
    sigma = _u_sigma(cl, d.n)
    sz = _laney_factor(d, cl, sigma)
    return _floor0(_sym(d.y, cl, sigma * sz[:, None]))


def chart_g(d: PartData) -> Limits:
    yb = _base(d.y, d.base)
    length = d.y.shape[1]
    if d.cl_user is not None and not np.isnan(d.cl_user).any():
        m = np.broadcast_to(d.cl_user[None, :], d.y.shape).astype(np.float64)
        # A user CL is a mean; the displayed centre is the matching geometric median.
        cl = G_MEDIAN_FACTOR * m
    else:
        m = _col(nanmean(yb), length)
        cl = _col(nanmedian(yb), length)
    with np.errstate(invalid="ignore"):
        sigma = np.sqrt(m * (m + 1))
        return Limits(
            d.y,
            cl,
            np.maximum(0.0, m - 3 * sigma),
            m + 3 * sigma,
            np.maximum(0.0, m - 2 * sigma),
            m + 2 * sigma,
        )


def chart_ip(d: PartData) -> Limits:
    nb = _base(d.n, d.base)
    yb = _base(d.y, d.base)
    valid = ~np.isnan(yb) & ~np.isnan(nb)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(valid, yb * nb, 0.0).sum(axis=1) / np.where(valid, nb, 0.0).sum(axis=1)
    cl = _centre(d, centre)
    length = d.y.shape[1]
    if length > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            # Over the whole part: this chart ignores freeze and exclude for its sigma.
            s = (
                math.sqrt(math.pi / 2)
                * np.abs(np.diff(d.y, axis=1))
                / np.sqrt(1 / d.n[:, :-1] + 1 / d.n[:, 1:])
            )
        s = np.where(np.isfinite(s), s, np.nan)
        sbar = nanmean(s)
        if d.screened:
            with np.errstate(invalid="ignore"):
                keep = s < (D4_IP * sbar)[:, None]
            sbar = nanmean(np.where(keep, s, np.nan))
    else:
        sbar = np.full(d.y.shape[0], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = sbar[:, None] * np.sqrt(1 / d.n)
    return _sym(d.y, cl, sigma)


CHART_FUNCTIONS = {
    "run": chart_run,
    "i": chart_i,
    "mr": chart_mr,
    "t": chart_t,
    "xbar": chart_xbar,
    "s": chart_s,
    "p": chart_p,
    "pp": chart_pp,
    "c": chart_c,
    "u": chart_u,
    "up": chart_up,
    "g": chart_g,
    "ip": chart_ip,
}


def compute_limits(chart: str, data: PartData) -> Limits:
    """Dispatch to the chart's formula for one part."""
    return CHART_FUNCTIONS[chart](data)
