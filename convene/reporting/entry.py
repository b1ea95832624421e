"""Saving the numbers a team enters, one cell at a time, once ``measures.entry`` checked them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from convene.collaboratives.models import Team
from convene.lib.versioning import version_of
from convene.measures.entry import Check, check_entry
from convene.measures.models import Metric
from convene.trials.trial import reporting_closed

from .grid import history_of
from .models import Report, Value


@dataclass
class CellEntry:
    """What became of a grid cell's entry, for the grid to show."""

    # saved, waiting (for the other figure), error, confirm (an unusual figure) or conflict
    state: str
    message: str
    value: Value | None  # as stored now
    locked: bool  # the period is submitted


def enter_cell(
    report: Report,
    metric: Metric,
    numerator: str | None,
    denominator: str | None,
    *,
    confirmed: bool,
    expected_version: int,
    by: Any,
) -> CellEntry:
    """Check one cell of the team's grid and store it when it passes.

    ``report`` is the team's report of the cell's period (``report.team`` and ``report.period``
    loaded); ``expected_version`` the value's version the figures were typed on (``NEW`` when
    the cell was empty).
    """
    team, period = report.team, report.period
    value = Value.objects.filter(team=team, metric=metric, period=period, stratum=None).first()
    state, message = "saved", ""
    if closed := reporting_closed(team):
        state, message = "error", closed
    elif report.is_locked:
        state, message = "error", _("This period is submitted and locked.")
    else:
        check = check_entry(metric, numerator, denominator, history_of(team, metric, period))
        if check.incomplete:
            state = "waiting"
        elif check.errors:
            state, message = "error", " ".join(check.errors)
        elif check.warning and not confirmed:
            state, message = "confirm", check.warning
        else:
            value, saved = save_entry(
                team=team,
                metric=metric,
                period=period,
                stratum=None,
                check=check,
                by=by,
                expected_version=expected_version,
            )
            if not saved:
                state = "conflict"
                message = _(
                    "Someone else changed this figure. The saved figures are shown; "
                    "enter yours again if they should replace them."
                )
    locked = Report.objects.filter(team=team, period=period, status=Report.Status.SUBMITTED)
    return CellEntry(state, message, value, locked.exists())


def save_entry(
    *,
    team: Team,
    metric: Metric,
    period: Any,
    stratum: Any,
    check: Check,
    by: Any,
    expected_version: int,
    reason: str = "",
) -> tuple[Value | None, bool]:
    """Store a checked entry. Returns the value as stored now and whether it was saved.

    A blank entry clears an existing value (its figures stay in the revisions). A save made
    from a stale copy is refused: ``expected_version`` is not the stored one, or it is ``NEW``
    (the cell was empty when read) and a value exists now.
    """
    with transaction.atomic():
        value = (
            Value.objects.select_for_update()
            .filter(team=team, metric=metric, period=period, stratum=stratum)
            .first()
        )
        if expected_version != version_of(value):
            return value, False
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
        if (value.numerator, value.denominator) == (check.numerator, check.denominator):
            return value, True
        value.revise(by, reason, numerator=check.numerator, denominator=check.denominator)
        return value, True
