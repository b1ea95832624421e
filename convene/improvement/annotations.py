"""PDSA cycles as marks on a team's run and control charts: plain rows for ``charts``.

Where a cycle goes (docs/development.md, "Charts"):

- at the period its Study names (``period``) when set, else at the period containing its
  start date; a cycle with neither, or outside the chart's periods, is not drawn;
- on the chart of the metric its Study names (``metric``) when set; else on the charts of
  the metrics its change idea or key change names (``DriverNode.metrics``,
  ``KeyChange.metrics``) when it names some; else on every chart of the team.

One query reads every cycle of the page, two more the metrics their ideas name, however many
cycles, teams and metrics there are.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format

from convene.charts.specs import chart_date
from convene.measures.models import Metric, ReportingPeriod

from .models import DriverNode, KeyChange, PDSACycle

TITLE_LIMIT = 80  # characters of a title in a tooltip; the label on the chart is shorter still

Marks = dict[tuple[int, int], list[dict[str, Any]]]


def _trimmed(text: str, limit: int = TITLE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _dates(starts_on: date | None, ends_on: date | None) -> str:
    shown = [date_format(day, "DATE_FORMAT") for day in (starts_on, ends_on) if day]
    return " – ".join(shown)


def _linked_metrics(
    cycles: list[dict[str, Any]],
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """{idea id: metric ids} and {key change id: metric ids} for these cycles' ideas."""
    ideas = {c["idea_id"] for c in cycles if c["idea_id"]}
    key_changes = {c["key_change_id"] for c in cycles if c["key_change_id"]}
    by_idea: dict[int, set[int]] = defaultdict(set)
    by_key_change: dict[int, set[int]] = defaultdict(set)
    if ideas:
        links = DriverNode.metrics.through.objects.filter(drivernode_id__in=ideas)
        for idea_id, metric_id in links.values_list("drivernode_id", "metric_id"):
            by_idea[idea_id].add(metric_id)
    if key_changes:
        links = KeyChange.metrics.through.objects.filter(keychange_id__in=key_changes)
        for key_change_id, metric_id in links.values_list("keychange_id", "metric_id"):
            by_key_change[key_change_id].add(metric_id)
    return by_idea, by_key_change


class _Axis:
    """The chart's periods: the one a cycle falls in, by its Study's period or its start."""

    def __init__(self, periods: list[ReportingPeriod]) -> None:
        self.periods = periods
        self.starts = [period.starts_on for period in periods]
        self.by_pk = {period.pk: period for period in periods}

    def period_of(self, cycle: dict[str, Any]) -> ReportingPeriod | None:
        if cycle["period_id"]:
            return self.by_pk.get(cycle["period_id"])
        day = cycle["starts_on"]
        if day is None:
            return None
        at = bisect_right(self.starts, day) - 1
        if at < 0 or self.periods[at].ends_on < day:
            return None
        return self.periods[at]


def cycle_marks(
    cycles: QuerySet[PDSACycle], metrics: Iterable[Metric], periods: list[ReportingPeriod]
) -> Marks:
    """The marks of ``cycles`` (already narrowed to what the viewer may see) on each chart:
    ``{(team id, metric id): [{"x", "title", "label", "state", "dates"}]}`` in time order.

    ``label`` is the decision (Adopt, Adapt, Abandon), or the status while none is taken.
    """
    metric_ids = [metric.pk for metric in metrics]
    rows = list(
        cycles.order_by("starts_on", "pk").values(
            "pk",
            "team_id",
            "title",
            "status",
            "decision",
            "starts_on",
            "ends_on",
            "metric_id",
            "period_id",
            "idea_id",
            "key_change_id",
        )
    )
    if not rows or not metric_ids:
        return {}
    by_idea, by_key_change = _linked_metrics(rows)
    axis = _Axis(sorted(periods, key=lambda period: period.starts_on))
    decisions = dict(PDSACycle.Decision.choices)
    statuses = dict(PDSACycle.Status.choices)
    marks: Marks = defaultdict(list)
    for cycle in rows:
        period = axis.period_of(cycle)
        if period is None:
            continue
        if cycle["metric_id"]:
            on = {cycle["metric_id"]}
        else:
            on = by_idea.get(cycle["idea_id"], set()) | by_key_change.get(
                cycle["key_change_id"], set()
            )
        mark = {
            "x": chart_date(period.starts_on),
            "title": _trimmed(cycle["title"]),
            "label": str(decisions.get(cycle["decision"]) or statuses.get(cycle["status"], "")),
            "state": cycle["decision"] or cycle["status"],
            "dates": _dates(cycle["starts_on"], cycle["ends_on"]),
            "period": period.label,
        }
        for metric_id in metric_ids:
            if not on or metric_id in on:
                marks[(cycle["team_id"], metric_id)].append(mark)
    return dict(marks)
