"""One call from figures to a judged chart: points with signals, sentences and a verdict.

:func:`assess` reads one series, or many on the same time axis, with one of the three rule
sets a collaborative may choose:

- ``"anhoej"``: the chart's own control limits and Anhøj's runs rules (:func:`qic`);
- ``"ihi"``: a run chart read by the IHI rules (:func:`ihi_rules`): shifts and trends are
  the signals, and too few or too many runs mark the whole chart;
- ``"nhs"``: NHS Making Data Count (:func:`nhs_xmr`) on the plotted values, the limits fixed
  on the baseline when it has at least 12 points.

Every series gets a verdict given the direction of improvement:

- Anhøj: *improving* when, in the current phase, an included point after the baseline lies
  beyond a control limit on the good side (without ``freeze`` every point is baseline, as in
  :func:`qic`), or the longest run is unusually long and on the good side;
- IHI: when a shift or a trend goes the good way;
- NHS: when a point after the baseline is special-cause improvement.

*Deteriorating* is the same on the bad side (a concern, for NHS). A series showing both reads
as improving. With many series and the Anhøj rules, the verdicts come from one vectorised
:func:`qic_many` pass; a series with excluded points, or another rule set, takes the
one-series path, which gives the same verdict by construction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, cast, overload

import numpy as np

from ._common import direction_sign
from .core import QicResult, qic, qic_many
from .explain import Gettext, explain
from .ihi import ihi_rules
from .nhs import MIN_FIX_POINTS, nhs_xmr
from .runs import longest_run_sides

__all__ = ["RULES", "Assessment", "Verdict", "assess"]

Verdict = Literal["improving", "deteriorating", "no signal"]
Values = Sequence[float | None]
FormatX = Callable[[Any], str]

RULES = ("anhoej", "ihi", "nhs")
# Charts qic_many computes for many series at once, as qic does for one.
MANY_CHARTS = frozenset({"run", "i", "t", "p", "pp", "c", "u", "up", "g"})


class Assessment:
    """One series judged by a rule set.

    ``verdict`` is "improving", "deteriorating" or "no signal". ``points`` holds one dict
    per period in time order: ``x``, ``y`` (the plotted value), ``n``, ``cl``, ``lcl``,
    ``ucl``, ``part``, ``baseline``, ``include``, ``signal`` (the point is special by the
    rule set) and ``runs_signal`` (the runs of the chart are unusual). ``sentences`` explains
    the signals in plain words (none without data); ``warnings`` says where the chart could
    not be drawn in full. Points, sentences and warnings are worked out on first use: a batch
    that only counts verdicts does not pay for them.
    """

    def __init__(self, verdict: Verdict, detail: Callable[[], _Detail]) -> None:
        self.verdict: Verdict = verdict
        self._make_detail = detail

    def __repr__(self) -> str:
        return f"Assessment(verdict={self.verdict!r})"

    @property
    def improving(self) -> bool:
        """True when the verdict is "improving"."""
        return self.verdict == "improving"

    @property
    def deteriorating(self) -> bool:
        """True when the verdict is "deteriorating"."""
        return self.verdict == "deteriorating"

    @cached_property
    def _detail(self) -> _Detail:
        return self._make_detail()

    @property
    def points(self) -> list[dict[str, Any]]:
        """One dict per period (see the class docstring)."""
        return self._detail.points

    @property
    def warnings(self) -> tuple[str, ...]:
        """Plain statements where a centre line or limits could not be computed."""
        return self._detail.warnings

    @cached_property
    def sentences(self) -> list[str]:
        """The findings in plain words, through the gettext hook; none without data."""
        return self._detail.explain()


@dataclass(frozen=True)
class _Detail:
    """Everything the one-series path works out, the sentences left for when they are read."""

    points: list[dict[str, Any]]
    warnings: tuple[str, ...]
    verdict: Verdict
    explain: Callable[[], list[str]]


@overload
def assess(
    y: Values,
    n: Values | None = None,
    *,
    chart: str,
    direction: str,
    rules: str = "anhoej",
    x: Sequence[object] | None = None,
    freeze: int | None = None,
    part: Sequence[int] | None = None,
    exclude: Sequence[int] | None = None,
    multiply: float = 1,
    target: float | None = None,
    gettext: Gettext | None = None,
    format_x: FormatX | None = None,
) -> Assessment: ...


@overload
def assess(
    y: Sequence[Values],
    n: Sequence[Values] | None = None,
    *,
    chart: str,
    direction: str,
    rules: str = "anhoej",
    x: Sequence[object] | None = None,
    freeze: int | None = None,
    part: Sequence[int] | None = None,
    exclude: Sequence[Sequence[int]] | None = None,
    multiply: float = 1,
    target: float | None = None,
    gettext: Gettext | None = None,
    format_x: FormatX | None = None,
) -> list[Assessment]: ...


def assess(
    y: Values | Sequence[Values],
    n: Values | Sequence[Values] | None = None,
    *,
    chart: str,
    direction: str,
    rules: str = "anhoej",
    x: Sequence[object] | None = None,
    freeze: int | None = None,
    part: Sequence[int] | None = None,
    exclude: Sequence[int] | Sequence[Sequence[int]] | None = None,
    multiply: float = 1,
    target: float | None = None,
    gettext: Gettext | None = None,
    format_x: FormatX | None = None,
) -> Assessment | list[Assessment]:
    """Chart and judge one series, or many series on the same time axis, by a rule set.

    Args:
        y: One series (values in time order, None or NaN where missing) or many (a sequence
            of such series, all as long as ``x``). Numerators for charts with denominators.
        n: The denominators, shaped like ``y``; None for charts without them.
        chart: The chart type, as for :func:`qic`; the IHI rules always read a run chart.
        direction: "up" if higher is better, "down" if lower is better.
        rules: "anhoej", "ihi" or "nhs" (see the module docstring).
        x: The periods (dates, say), in time order; 1, 2, 3, ... by default.
        freeze: The number of baseline periods, None for none. The centre and limits are
            computed from them (the NHS XmR limits from 12 baseline periods on), and with
            the Anhøj and NHS rules only later points count towards a verdict.
        part: Period counts after which a new phase starts, as ``part`` in :func:`qic`
            (``[6, 12]``: phases from the 7th and the 13th period). Each phase gets its own
            centre and limits (the NHS rules rebase there, the IHI rules read each phase
            with its own median) and the verdict reads the current phase. As in qicharts2,
            ``freeze`` is ignored when there are phases.
        exclude: 0-based positions left out of the limits and the rules; for many series,
            one sequence of positions per series.
        multiply: A factor for the plotted values (100 for percentages); applied only with
            denominators, as in :func:`qic`.
        target: The target the NHS assurance icon compares the limits with.
        gettext: A translation function for the sentences, such as Django's ``gettext``.
        format_x: How a sentence writes a period (a dashboard passes "May 2026").

    Returns:
        An :class:`Assessment` for one series, a list of them (in the order of ``y``) for
        many.

    Raises:
        ValueError: For an unknown rule set, a direction other than up or down, series of
            different lengths, or data the chart cannot take (see :func:`qic`).
    """
    if rules not in RULES:
        raise ValueError(f"unknown rules {rules!r}; expected one of {', '.join(RULES)}")
    sign = direction_sign(direction)
    if sign == 0:
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    options = _Options(
        chart=chart,
        rules=rules,
        direction=direction,
        sign=sign,
        freeze=freeze,
        part=tuple(part or ()),
        multiply=multiply,
        target=target,
        gettext=gettext,
        format_x=format_x,
    )
    if not _is_many(y):
        one_exclude = cast("Sequence[int] | None", exclude)
        return _one(
            _axis(x, len(y)), cast("Values", y), cast("Values | None", n), one_exclude, options
        )
    many_y = cast("Sequence[Values]", y)
    many_n = cast("Sequence[Values] | None", n)
    many_exclude = cast("Sequence[Sequence[int]]", exclude or [()] * len(many_y))
    if many_n is not None and len(many_n) != len(many_y):
        raise ValueError(f"y has {len(many_y)} series but n has {len(many_n)}")
    if len(many_exclude) != len(many_y):
        raise ValueError(
            f"exclude has {len(many_exclude)} entries for {len(many_y)} series; give one each"
        )
    length = len(many_y[0]) if len(many_y) else 0
    if any(len(series) != length for series in many_y):
        raise ValueError("the series must all have the same length (one time axis)")
    return _many(_axis(x, length), many_y, many_n, many_exclude, options)


@dataclass(frozen=True)
class _Options:
    """What every series of one call shares."""

    chart: str
    rules: str
    direction: str
    sign: int  # +1 when higher is better, -1 when lower is better
    freeze: int | None
    part: tuple[int, ...]  # phase starts (period counts); empty for one phase
    multiply: float
    target: float | None
    gettext: Gettext | None
    format_x: FormatX | None


def _is_many(y: object) -> bool:
    if isinstance(y, np.ndarray):
        return y.ndim == 2
    if isinstance(y, str | bytes) or not isinstance(y, Sequence) or not y:
        return False
    first = y[0]
    return isinstance(first, np.ndarray | Sequence) and not isinstance(first, str | bytes)


def _axis(x: Sequence[object] | None, length: int) -> Sequence[object]:
    if x is None:
        return range(1, length + 1)
    if len(x) != length:
        raise ValueError(f"x has {len(x)} values but the series have {length}")
    return x


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float | np.floating) and math.isnan(v))


def _has_data(y: Values) -> bool:
    return not all(_missing(v) for v in y)


def _verdict(good: bool, bad: bool) -> Verdict:
    if good:
        return "improving"
    if bad:
        return "deteriorating"
    return "no signal"


# --------------------------------------------------------------------------------------------
# One series
# --------------------------------------------------------------------------------------------


def _one(
    x: Sequence[object],
    y: Values,
    n: Values | None,
    exclude: Sequence[int] | None,
    options: _Options,
) -> Assessment:
    detail = _judge_one(x, y, n, exclude, options)
    return Assessment(detail.verdict, lambda: detail)


def _judge_one(
    x: Sequence[object],
    y: Values,
    n: Values | None,
    exclude: Sequence[int] | None,
    o: _Options,
) -> _Detail:
    """The one-series path: qic, its points, the rule set's signals, verdict and sentences."""
    result = qic(
        x,
        y,
        n,
        chart="run" if o.rules == "ihi" else o.chart,
        freeze=o.freeze,
        part=list(o.part) or None,
        exclude=exclude or None,
        multiply=o.multiply,
    )
    points = [
        {
            "x": p["x"],
            "y": p["y"],
            "n": p["n"],
            "cl": p["cl"],
            "lcl": p["lcl"],
            "ucl": p["ucl"],
            "part": p["part"],
            "baseline": p["baseline"],
            "include": p["include"],
            "signal": p["sigma_signal"] and p["include"],
            "runs_signal": p["runs_signal"],
        }
        for p in result.points
    ]
    if o.rules == "ihi":
        verdict, sentences = _ihi(points, o)
    elif o.rules == "nhs":
        verdict, sentences = _nhs(points, o)
    else:
        verdict, sentences = _anhoej(result, o)
    if not _has_data(y):
        sentences = _nothing
    return _Detail(points, result.warnings, verdict, sentences)


def _nothing() -> list[str]:
    return []


def _anhoej(result: QicResult, o: _Options) -> tuple[Verdict, Callable[[], list[str]]]:
    """The chart's own limits and Anhøj's runs rules, judged in the current phase."""
    last = result.parts[-1] if result.parts else None
    run_side = 0
    sides: set[int] = set()
    if last is not None:
        if (
            last["runs_signal"]
            and last["longest_run"] is not None
            and last["longest_run"] > last["longest_run_max"]
        ):
            run_side = last["longest_run_side"] or 0
        for p in result.points:
            if p["part"] != last["part"] or not p["sigma_signal"]:
                continue
            if p["include"] and not p["baseline"]:
                sides.add(1 if p["ucl"] is not None and p["y"] > p["ucl"] else -1)
    verdict = _verdict(
        run_side == o.sign or o.sign in sides, run_side == -o.sign or -o.sign in sides
    )

    def sentences() -> list[str]:
        return explain(result, direction=o.direction, gettext=o.gettext, format_x=o.format_x)

    return verdict, sentences


def _plotted(points: list[dict[str, Any]]) -> list[float | None]:
    # Excluded points take no part in the rules.
    return [p["y"] if p["include"] else None for p in points]


def _ihi(points: list[dict[str, Any]], o: _Options) -> tuple[Verdict, Callable[[], list[str]]]:
    """A run chart read by the IHI rules: shifts and trends are its signals.

    Each phase is read on its own, around its own median; the verdict is the current phase's.
    """
    phases = sorted({p["part"] for p in points})
    outcomes = []
    for phase in phases:
        mine = [p for p in points if p["part"] == phase]
        centre = next((p["cl"] for p in mine if p["cl"] is not None), None)
        outcome = ihi_rules(_plotted(mine), cl=centre, direction=o.direction)
        unusual_runs = outcome.too_few_runs or outcome.too_many_runs
        for i, p in enumerate(mine):
            p["signal"] = bool(outcome.shift_points[i] or outcome.trend_points[i])
            p["runs_signal"] = unusual_runs
        outcomes.append((phase, outcome))
    if not any(p["y"] is not None for p in points):
        return "no signal", _nothing
    labels = {s.assessment for s in outcomes[-1][1].signals}
    verdict = _verdict("improvement" in labels, "deterioration" in labels)

    def sentences() -> list[str]:
        if len(outcomes) == 1:
            return explain(outcomes[0][1], gettext=o.gettext)
        _ = o.gettext or str
        return [
            _("Phase {part}: {finding}").format(part=phase, finding=finding)
            for phase, outcome in outcomes
            for finding in explain(outcome, gettext=o.gettext)
        ]

    return verdict, sentences


def _nhs(points: list[dict[str, Any]], o: _Options) -> tuple[Verdict, Callable[[], list[str]]]:
    """Making Data Count XmR limits and rules, fixed on a baseline of 12 points or more."""
    fix = o.freeze if o.freeze is not None and o.freeze >= MIN_FIX_POINTS else None
    outcome = nhs_xmr(
        _plotted(points),
        direction=o.direction,
        target=o.target,
        # Phases rebase the limits; as with qic, they take the place of the baseline.
        fix_after_n_points=None if o.part else fix,
        rebase=o.part or None,
    )
    for p, q in zip(points, outcome.points, strict=True):
        p.update(
            cl=q["mean"],
            lcl=q["lpl"],
            ucl=q["upl"],
            part=q["group"],
            signal=q["special_cause"] and p["include"],
            runs_signal=False,
        )
    if not any(p["y"] is not None for p in points):
        return "no signal", _nothing
    kinds = {
        q["point_type"].split("_")[0]
        for p, q in zip(points, outcome.points, strict=True)
        if not p["baseline"]
    }
    verdict = _verdict("improvement" in kinds, "concern" in kinds)
    return verdict, lambda: explain(outcome, gettext=o.gettext)


# --------------------------------------------------------------------------------------------
# Many series
# --------------------------------------------------------------------------------------------


def _many(
    x: Sequence[object],
    ys: Sequence[Values],
    ns: Sequence[Values] | None,
    excludes: Sequence[Sequence[int]],
    o: _Options,
) -> list[Assessment]:
    """Every series judged; those the vectorised pass can take, in one qic_many call."""

    def later(s: int) -> Callable[[], _Detail]:
        return lambda: _judge_one(x, ys[s], None if ns is None else ns[s], excludes[s], o)

    fast = o.rules == "anhoej" and o.chart in MANY_CHARTS and _increasing(x)
    out: list[Assessment | None] = [None] * len(ys)
    together: list[int] = []
    for s, y in enumerate(ys):
        if not _has_data(y):
            out[s] = Assessment("no signal", later(s))
        elif fast and not excludes[s]:
            together.append(s)
        else:
            out[s] = _one(x, y, None if ns is None else ns[s], excludes[s], o)
    if together:
        verdicts = _many_verdicts(together, ys, ns, o)
        for s, verdict in zip(together, verdicts, strict=True):
            out[s] = Assessment(verdict, later(s))
    return [a for a in out if a is not None]


def _increasing(x: Sequence[object]) -> bool:
    """True when the periods are in time order, as qic_many takes them (qic sorts them)."""
    try:
        return all(a < b for a, b in zip(x, x[1:], strict=False))  # type: ignore[operator]
    except TypeError:
        return False


def _array(rows: list[Values]) -> np.ndarray[Any, np.dtype[np.float64]]:
    nan = float("nan")
    return np.array([[nan if v is None else v for v in row] for row in rows], dtype=np.float64)


def _many_verdicts(
    together: list[int], ys: Sequence[Values], ns: Sequence[Values] | None, o: _Options
) -> list[Verdict]:
    """The Anhøj verdict of each series in one vectorised pass, as :func:`_anhoej` says."""
    many = qic_many(
        _array([ys[s] for s in together]),
        None if ns is None else _array([ns[s] for s in together]),
        chart=o.chart,
        freeze=o.freeze,
        part=list(o.part) or None,
        multiply=o.multiply,
    )
    current = many.part == many.part[-1]
    after = many.sigma_signal & (many.include & ~many.baseline & current)[None, :]
    with np.errstate(invalid="ignore"):
        above = np.isfinite(many.ucl) & (many.y > many.ucl)
    side = np.where(above, 1, -1)
    good = (after & (side == o.sign)).any(axis=1)
    bad = (after & (side == -o.sign)).any(axis=1)
    # The side of the longest run matters only where no point has decided for improvement.
    long_run = many.runs_signal & (many.longest_run > many.longest_run_max) & ~good
    run_side = np.zeros(len(together), dtype=np.int64)
    if long_run.any():
        run_side[long_run] = longest_run_sides(
            many.y[long_run][:, current], many.cl[long_run][:, current], many.include[current]
        )
    improving = good | (run_side == o.sign)
    deteriorating = bad | (run_side == -o.sign)
    return [_verdict(g, b) for g, b in zip(improving.tolist(), deteriorating.tolist(), strict=True)]
