"""Saving the numbers a team enters, one cell at a time, once ``measures.entry`` checked them."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from convene.measures.entry import Check
from convene.measures.models import Metric

from .models import Value


def save_entry(
    *,
    team: Any,
    metric: Metric,
    period: Any,
    stratum: Any,
    check: Check,
    by: Any,
    expected_version: int | None,
    reason: str = "",
) -> tuple[Value | None, bool]:
    """Store a checked entry. Returns the value and whether it was saved.

    A blank entry clears an existing value (its figures stay in the revisions). A save made
    from a stale copy (``expected_version`` behind the stored one) is refused.
    """
    with transaction.atomic():
        value = (
            Value.objects.select_for_update()
            .filter(team=team, metric=metric, period=period, stratum=stratum)
            .first()
        )
        if value is None:
            if check.is_blank:
                return None, True
            try:
                with transaction.atomic():
                    value = Value.objects.create(
                        team=team,
                        metric=metric,
                        period=period,
                        stratum=stratum,
                        numerator=check.numerator,
                        denominator=check.denominator,
                        updated_by=by,
                    )
            except IntegrityError:  # a colleague saved the same cell a moment ago
                existing = Value.objects.get(
                    team=team, metric=metric, period=period, stratum=stratum
                )
                return existing, False
            return value, True
        if expected_version is not None and expected_version != value.version:
            return value, False
        if (value.numerator, value.denominator) == (check.numerator, check.denominator):
            return value, True
        value.revise(by, reason, numerator=check.numerator, denominator=check.denominator)
        return value, True
