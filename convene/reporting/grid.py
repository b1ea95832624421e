"""The team's reporting grid: periods down, metrics across, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from convene.collaboratives.models import Team
from convene.measures.entry import ratio
from convene.measures.models import Metric, ReportingPeriod, ReportingSchedule
from convene.measures.owed import HISTORY, OWED, metrics_for, owes, reportable_periods

from .models import Report, Value


@dataclass
class Cell:
    metric: Metric
    period: ReportingPeriod
    value: Value | None
    locked: bool
    # For metrics reported by strata: the sums of the strata, shown read-only.
    strata_numerator: Decimal | None = None
    strata_denominator: Decimal | None = None

    @property
    def key(self) -> str:
        return f"{self.metric.pk}-{self.period.pk}"

    @property
    def shown(self) -> float | None:
        if self.metric.stratification_id:
            return ratio(self.metric, self.strata_numerator, self.strata_denominator)
        if self.value is None:
            return None
        return ratio(self.metric, self.value.numerator, self.value.denominator)


@dataclass
class Row:
    period: ReportingPeriod
    report: Report | None
    cells: list[Cell]

    late_after: Any = None  # the last day a report counts as on time
    owed: str | None = OWED  # ``measures.owed.owes``: owed, history asked, or neither
    today: Any = None  # the collaborative's date

    @property
    def is_history(self) -> bool:
        return self.owed == HISTORY

    @property
    def is_locked(self) -> bool:
        return bool(self.report and self.report.is_locked)

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_locked
            and self.owed == OWED
            and self.late_after is not None
            and self.today > self.late_after
        )


def team_grid(team: Team) -> tuple[list[Metric], list[Row]]:
    metrics = metrics_for(team)
    periods = reportable_periods(team)
    values = {
        (v.metric_id, v.period_id): v
        for v in Value.objects.filter(team=team, stratum__isnull=True, metric__in=metrics)
    }
    strata_sums = {
        (row["metric_id"], row["period_id"]): row
        for row in Value.objects.filter(team=team, stratum__isnull=False, metric__in=metrics)
        .values("metric_id", "period_id")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    }
    reports = {r.period_id: r for r in Report.objects.filter(team=team)}
    schedule = ReportingSchedule.objects.filter(collaborative_id=team.collaborative_id).first()
    today = team.collaborative.today()
    rows = []
    for period in periods:
        report = reports.get(period.pk)
        locked = bool(report and report.is_locked)
        cells = []
        for metric in metrics:
            sums = strata_sums.get((metric.pk, period.pk), {})
            cells.append(
                Cell(
                    metric,
                    period,
                    values.get((metric.pk, period.pk)),
                    locked,
                    sums.get("numerator"),
                    sums.get("denominator"),
                )
            )
        late_after = period.late_after(schedule) if schedule else None
        rows.append(Row(period, report, cells, late_after, owes(team, period), today))
    return metrics, rows


def history_of(team: Team, metric: Metric, excluding_period: Any = None) -> list[float]:
    """The team's earlier figures for ``metric``, for the plausibility check."""
    values = Value.objects.filter(team=team, metric=metric, stratum__isnull=True, is_excluded=False)
    if excluding_period is not None:
        values = values.exclude(period=excluding_period)
    figures = (ratio(metric, v.numerator, v.denominator) for v in values)
    return [f for f in figures if f is not None]
