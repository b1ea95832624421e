"""Plain-language explanations of the signals, for dashboards.

Every sentence is a template passed through ``gettext`` before its placeholders are filled,
so the Django side can pass its own ``gettext`` (the engine never imports Django) and
translators see whole sentences with named placeholders.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from ._common import assessment, direction_sign
from .core import QicResult
from .funnel import FunnelResult
from .ihi import IhiResult
from .nhs import RULES, NhsResult

__all__ = ["explain"]

Gettext = Callable[[str], str]


def _identity(s: str) -> str:
    return s


def explain(
    result: QicResult | IhiResult | NhsResult | FunnelResult,
    *,
    direction: str | None = None,
    gettext: Gettext | None = None,
    format_x: Callable[[Any], str] | None = None,
) -> list[str]:
    """Explain the signals of a chart result in plain English, one string per finding.

    Args:
        result: A result of :func:`qic`, :func:`ihi_rules`, :func:`nhs_xmr` or
            :func:`funnel`.
        direction: "up" if higher is better, "down" if lower is better, None if neutral. It
            turns a signal into an improvement or a deterioration (a concern for NHS
            charts). IHI and NHS results default to the direction they were computed with.
        gettext: A translation function such as Django's ``gettext``; identity by default.
        format_x: How to write an x value in a sentence (a dashboard passes "May 2026");
            ISO dates and plain numbers by default.

    Returns:
        Sentences such as "8 points in a row above the median: a shift. This is an
        improvement." When nothing is found, one sentence saying so.
    """
    _ = gettext or _identity
    if isinstance(result, QicResult):
        return _explain_qic(result, direction_sign(direction), _, format_x or _fmt_x)
    if isinstance(result, IhiResult):
        return _explain_ihi(result, direction_sign(direction or result.direction), _)
    if isinstance(result, NhsResult):
        return _explain_nhs(result, _)
    if isinstance(result, FunnelResult):
        return _explain_funnel(result, direction_sign(direction), _)
    raise TypeError(f"cannot explain a {type(result).__name__}")


def _fmt_x(x: Any) -> str:
    if isinstance(x, _dt.date):
        return x.isoformat()
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _judge(side: int, sign: int, _: Gettext, bad: str = "deterioration") -> str:
    label = assessment(side, sign, "improvement", bad)
    if label == "improvement":
        return " " + _("This is an improvement.")
    if label == "deterioration":
        return " " + _("This is a deterioration.")
    if label == "concern":
        return " " + _("This is a concern.")
    return ""


def _explain_qic(
    res: QicResult, sign: int, _: Gettext, fmt: Callable[[Any], str] = _fmt_x
) -> list[str]:
    out: list[str] = []
    phased = len(res.parts) > 1
    on_median = res.chart in ("run", "g")
    for part in res.parts:
        found: list[str] = []
        if part["cl"] is None:
            found.append(_("Too few points to draw a centre line."))
        elif res.chart != "run" and part["lcl"] is None and part["ucl"] is None:
            found.append(_("Too few points, or no variation, to compute control limits."))
        if part["runs_signal"]:
            if part["longest_run"] is not None and part["longest_run"] > part["longest_run_max"]:
                side = part["longest_run_side"] or 0
                if side > 0:
                    tpl = (
                        _("{count} points in a row above the median: a shift.")
                        if on_median
                        else _("{count} points in a row above the centre line: a shift.")
                    )
                else:
                    tpl = (
                        _("{count} points in a row below the median: a shift.")
                        if on_median
                        else _("{count} points in a row below the centre line: a shift.")
                    )
                found.append(tpl.format(count=part["longest_run"]) + _judge(side, sign, _))
            if part["n_crossings"] is not None and part["n_crossings"] < part["n_crossings_min"]:
                tpl = _(
                    "The line crosses the centre only {crossings} times where at least "
                    "{minimum} crossings were expected: the process has shifted or the "
                    "points cluster."
                )
                found.append(
                    tpl.format(crossings=part["n_crossings"], minimum=part["n_crossings_min"])
                )
        found.extend(_outside_limits(res, part["part"], sign, _, fmt))
        if phased:
            found = [
                _("Phase {part}: {finding}").format(part=part["part"], finding=f) for f in found
            ]
        out.extend(found)
    if not out:
        if res.dots_only:
            out.append(_("No unit is outside the control limits."))
        else:
            out.append(_("No signal: the variation is consistent with common causes only."))
    return out


def _outside_limits(
    res: QicResult, part: int, sign: int, _: Gettext, fmt: Callable[[Any], str]
) -> list[str]:
    """Points outside the limits; consecutive ones on the same side share one sentence."""
    groups: list[tuple[int, list[Any]]] = []
    previous = False
    for p in res.points:
        if p["part"] != part:
            continue
        if not p["sigma_signal"]:
            previous = False
            continue
        side = 1 if p["ucl"] is not None and p["y"] > p["ucl"] else -1
        if previous and groups[-1][0] == side:
            groups[-1][1].append(p["x"])
        else:
            groups.append((side, [p["x"]]))
        previous = True
    out = []
    for side, xs in groups:
        if len(xs) == 1:
            msg = (
                _("{x}: above the upper control limit, special cause variation.")
                if side > 0
                else _("{x}: below the lower control limit, special cause variation.")
            )
            text = msg.format(x=fmt(xs[0]))
        else:
            msg = (
                _(
                    "{first} to {last}: {count} points in a row above the upper control limit, "
                    "special cause variation."
                )
                if side > 0
                else _(
                    "{first} to {last}: {count} points in a row below the lower control "
                    "limit, special cause variation."
                )
            )
            text = msg.format(first=fmt(xs[0]), last=fmt(xs[-1]), count=len(xs))
        out.append(text + _judge(side, sign, _))
    return out


def _explain_ihi(res: IhiResult, sign: int, _: Gettext) -> list[str]:
    out: list[str] = []
    for s in res.signals:
        if s.rule == "shift":
            tpl = (
                _("{count} points in a row above the median: a shift.")
                if s.side > 0
                else _("{count} points in a row below the median: a shift.")
            )
            out.append(tpl.format(count=s.length) + _judge(s.side, sign, _))
        elif s.rule == "trend":
            tpl = (
                _("{count} points in a row going up: a trend.")
                if s.side > 0
                else _("{count} points in a row going down: a trend.")
            )
            out.append(tpl.format(count=s.length) + _judge(s.side, sign, _))
        elif s.rule == "too_few_runs":
            tpl = _(
                "Too few runs: {runs} where at least {lower} were expected for {n} points off "
                "the median, a sign of non-random variation."
            )
            out.append(tpl.format(runs=s.length, lower=res.runs_lower, n=res.n_useful))
        elif s.rule == "too_many_runs":
            tpl = _(
                "Too many runs: {runs} where at most {upper} were expected for {n} points off "
                "the median; the data alternate more than chance would."
            )
            out.append(tpl.format(runs=s.length, upper=res.runs_upper, n=res.n_useful))
    if not out:
        out.append(_("No signal by the IHI run chart rules."))
    return out


_VARIATION = {
    "common_cause": "Common cause variation: no significant change.",
    "improvement_high": "Special cause variation: an improvement, with higher values.",
    "improvement_low": "Special cause variation: an improvement, with lower values.",
    "concern_high": "Special cause variation: a concern, with higher values.",
    "concern_low": "Special cause variation: a concern, with lower values.",
    "neutral_high": "Special cause variation: unusually high values.",
    "neutral_low": "Special cause variation: unusually low values.",
}

_ASSURANCE = {
    "consistent_pass": "The target is consistently met: it lies outside the process limits "
    "on the good side.",
    "consistent_fail": "The target will not be met without changing the process: it lies "
    "outside the process limits.",
    "inconsistent": "The target will be met and missed at random: it lies within the "
    "process limits.",
}


def _explain_nhs(res: NhsResult, _: Gettext) -> list[str]:
    out: list[str] = []
    pts = res.points
    # Each point counts for the rule that decided it (outside, then trend, two of three, run).
    counts = {k: sum(1 for p in pts if p["rule"] == k) for k in RULES}
    if counts["outside"]:
        out.append(_("{count} points outside the process limits.").format(count=counts["outside"]))
    if counts["trend"]:
        out.append(_("A trend: 7 or more points going steadily up or down."))
    if counts["two_in_three"]:
        out.append(_("Two out of three points close to a process limit."))
    if counts["run"]:
        out.append(_("7 or more points in a row on one side of the mean: a shift."))
    if res.variation_icon is not None:
        out.append(_(_VARIATION[res.variation_icon]))
    if res.assurance_icon is not None:
        out.append(_(_ASSURANCE[res.assurance_icon]))
    return out or [_("No data to assess.")]


def _explain_funnel(res: FunnelResult, sign: int, _: Gettext) -> list[str]:
    inner, outer = res.levels
    found: list[str] = []
    for u in res.units:
        side = u[f"side_{outer}"] or u[f"side_{inner}"]
        if not side:
            continue
        level = outer if u[f"side_{outer}"] else inner
        label_judgement = assessment(side, sign, "better", "worse")
        extra = ""
        if label_judgement == "better":
            extra = " " + _("Better than expected.")
        elif label_judgement == "worse":
            extra = " " + _("Worse than expected.")
        found.append(_funnel_limit(level, side > 0, _).format(unit=_fmt_x(u["label"])) + extra)
    if not found:
        found.append(
            _("All units are within the limits: their differences are consistent with chance.")
        )
    return _funnel_method(res, _) + found


def _funnel_limit(level: str, above: bool, _: Gettext) -> str:
    """The sentence for a unit beyond its limit at ``level`` (the outer ones are signals).

    The comments keep xgettext from reading "% li" in "99.8 % limit" as a format.
    """
    sentences = {
        ("3sigma", True): _("{unit} is above the upper 3-sigma limit: special cause variation."),
        ("3sigma", False): _("{unit} is below the lower 3-sigma limit: special cause variation."),
        ("2sigma", True): _("{unit} is above the upper 2-sigma limit: a possible outlier."),
        ("2sigma", False): _("{unit} is below the lower 2-sigma limit: a possible outlier."),
        # xgettext:no-python-format
        ("998", True): _("{unit} is above the upper 99.8 % limit: special cause variation."),
        # xgettext:no-python-format
        ("998", False): _("{unit} is below the lower 99.8 % limit: special cause variation."),
        # xgettext:no-python-format
        ("95", True): _("{unit} is above the upper 95 % limit: a possible outlier."),
        # xgettext:no-python-format
        ("95", False): _("{unit} is below the lower 95 % limit: a possible outlier."),
    }
    return sentences[level, above]


def _funnel_method(res: FunnelResult, _: Gettext) -> list[str]:
    """How the limits allow for overdispersion, with its size; nothing for a plain funnel."""
    if res.method == "laney" and res.sigma_z is not None:
        return [
            _("Laney's funnel: the limits are multiplied by σz = {sigma_z}.").format(
                sigma_z=f"{res.sigma_z:.3g}"
            )
        ]
    if res.phi is None or res.tau2 is None:
        return []
    if res.method == "spiegelhalter" and res.tau2 > 0:
        return [
            _(
                "Random-effects funnel (Spiegelhalter): the limits allow for overdispersion, "
                "φ = {phi}, τ² = {tau2}."
            ).format(phi=f"{res.phi:.3g}", tau2=f"{res.tau2:.3g}")
        ]
    return [
        _("No overdispersion (φ = {phi}): the limits are not widened.").format(phi=f"{res.phi:.3g}")
    ]
