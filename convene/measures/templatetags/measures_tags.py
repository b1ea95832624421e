from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def plain(number: Any) -> str:
    """A stored figure as a person typed it: 45, not 45.0000."""
    if number is None or number == "":
        return ""
    if isinstance(number, Decimal):
        text = format(number.normalize(), "f")
        return text
    return str(number)


@register.filter
def figure(number: float | None, metric: Any) -> str:
    """The plotted figure with its unit: 71.4% for a proportion, 12.3 per 1000 for a rate."""
    if number is None:
        return ""
    if metric.kind == "proportion":
        return f"{_trimmed(round(number, 1))}%"
    text = _trimmed(round(number, 2))
    if metric.kind == "rate" and metric.rate_per:
        return f"{text} / {metric.rate_per}"
    return f"{text} {metric.unit}".strip()


def _trimmed(number: float) -> str:
    """70 rather than 70.0, in the reader's number format."""
    return number_format(int(number) if number == int(number) else number)
