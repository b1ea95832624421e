"""Checking the numbers a team enters against its metric's definition, one entry at a time.

The same rules serve the grid, the period page, uploads and the trial run; storing what
passed is ``convene.reporting.entry``'s.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import Metric

# A new value this many spreads away from the team's usual range asks for confirmation.
PLAUSIBLE_SPREADS = 4
MIN_HISTORY = 4


@dataclass
class Check:
    """The outcome of checking one entry."""

    numerator: Decimal | None = None
    denominator: Decimal | None = None
    errors: list[str] = field(default_factory=list)
    warning: str = ""
    # Only one of numerator and denominator given: nothing to save yet.
    incomplete: bool = False

    @property
    def is_blank(self) -> bool:
        return self.numerator is None and self.denominator is None


def _number(raw: str | None, label: str, errors: list[str]) -> Decimal | None:
    text = (raw or "").strip().replace(",", ".") if raw is not None else ""
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(_("%(label)s must be a number.") % {"label": label})
        return None
    if not number.is_finite():
        errors.append(_("%(label)s must be a number.") % {"label": label})
        return None
    if number < 0:
        errors.append(_("%(label)s cannot be negative.") % {"label": label})
    if abs(number) >= Decimal("1e10"):
        errors.append(_("%(label)s is too large.") % {"label": label})
    return number


def ratio(metric: Metric, numerator: Decimal | None, denominator: Decimal | None) -> float | None:
    """The plotted figure for display: a percentage, a rate per N, or the value itself."""
    if numerator is None:
        return None
    if metric.has_denominator:
        if not denominator:
            return None
        return float(numerator / denominator) * metric.multiplier
    return float(numerator)


def check_entry(
    metric: Metric,
    numerator_raw: str | None,
    denominator_raw: str | None,
    history: list[float],
) -> Check:
    """Validate one entry against the metric's type and the team's own history."""
    errors: list[str] = []
    label = _("The numerator") if metric.has_denominator else _("The value")
    numerator = _number(numerator_raw, label, errors)
    denominator = (
        _number(denominator_raw, _("The denominator"), errors) if metric.has_denominator else None
    )
    result = Check(numerator, denominator, errors)
    if errors or result.is_blank:
        return result
    if metric.has_denominator and (numerator is None) != (denominator is None):
        result.incomplete = True
        errors.append(_("Enter both the numerator and the denominator, or neither."))
        return result
    counts_only = metric.kind in {
        Metric.Kind.PROPORTION,
        Metric.Kind.RATE,
        Metric.Kind.COUNT,
        Metric.Kind.CASES_BETWEEN,
    }
    for number, name in ((numerator, label), (denominator, _("The denominator"))):
        if counts_only and number is not None and number != number.to_integral_value():
            errors.append(_("%(label)s counts people or events: a whole number.") % {"label": name})
    is_proportion = metric.kind == Metric.Kind.PROPORTION
    if (
        is_proportion
        and numerator is not None
        and denominator is not None
        and numerator > denominator
    ):
        errors.append(_("The numerator cannot be larger than the denominator."))
    if metric.kind == Metric.Kind.TIME_BETWEEN and numerator is not None and numerator <= 0:
        errors.append(_("Days between events must be more than zero."))
    if errors:
        return result
    result.warning = _plausibility(metric, ratio(metric, numerator, denominator), history)
    return result


def _plausibility(metric: Metric, new: float | None, history: list[float]) -> str:
    if new is None or len(history) < MIN_HISTORY:
        return ""
    centre = statistics.median(history)
    spread = statistics.median(abs(h - centre) for h in history) * 1.4826
    if spread == 0:
        spread = max(abs(centre) * 0.1, 1e-9)
    if abs(new - centre) <= PLAUSIBLE_SPREADS * spread:
        return ""
    low, high = min(history), max(history)
    if metric.kind == Metric.Kind.PROPORTION:
        unit = "%"
    else:
        unit = f" {metric.unit}" if metric.unit else ""
    return _(
        "%(new)s is far outside this team's usual range (%(low)s to %(high)s). "
        "Check the figures, then confirm to save."
    ) % {
        "new": f"{new:.4g}{unit}",
        "low": f"{low:.4g}{unit}",
        "high": f"{high:.4g}{unit}",
    }
