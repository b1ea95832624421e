"""Series of figures per team and metric, turned into charts by the engine."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from convene.charts.specs import chart_rows, control_chart
from convene.spc import explain, qic

from .grid import metrics_for, reportable_periods
from .models import Metric, ReportingPeriod, Value

RULES_LABEL = _("Anhøj rules")


@dataclass
class Series:
    """One team's figures for one metric, period by period (None where nothing was reported)."""

    metric: Metric
    periods: list[ReportingPeriod]
    numerators: list[Decimal | None]
    denominators: list[Decimal | None]
    excluded: list[int] = field(default_factory=list)
    notes: dict[Any, str] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return any(n is not None for n in self.numerators)


@dataclass
class MetricChart:
    metric: Metric
    series: Series
    rows: list[dict[str, Any]]
    spec: dict[str, Any]
    sentences: list[str]
    latest: float | None
    goal_met: bool | None
    warnings: list[str]
    subtitle: str = ""
    improving: bool = False
    key: str = ""

    @property
    def spec_id(self) -> str:
        return f"spec-{self.key or self.metric.pk}"


def team_series(team: Any, metrics: list[Metric], periods: list[ReportingPeriod]) -> list[Series]:
    """Every metric's series for a team, from one query. Strata are summed into the total."""
    values = Value.objects.filter(team=team, metric__in=metrics, period__in=periods)
    return _series_from_values(values, metrics, periods)


def collaborative_series(
    teams: list[Any], metrics: list[Metric], periods: list[ReportingPeriod]
) -> dict[int, list[Series]]:
    """Every team's series, from one query: {team id: [series per metric]}."""
    by_team: dict[int, list[Value]] = defaultdict(list)
    for value in Value.objects.filter(team__in=teams, metric__in=metrics, period__in=periods):
        by_team[value.team_id].append(value)
    return {team.pk: _series_from_values(by_team[team.pk], metrics, periods) for team in teams}


def _series_from_values(
    values: Any, metrics: list[Metric], periods: list[ReportingPeriod]
) -> list[Series]:
    index = {period.pk: i for i, period in enumerate(periods)}
    totals: dict[int, list[list[Any]]] = {
        m.pk: [[None, None, False, ""] for _ in periods] for m in metrics
    }
    by_strata: dict[tuple[int, int], list[Value]] = defaultdict(list)
    for value in values:
        if value.period_id not in index:
            continue
        if value.stratum_id is None:
            slot = totals[value.metric_id][index[value.period_id]]
            slot[:] = [value.numerator, value.denominator, value.is_excluded, value.note]
        else:
            by_strata[(value.metric_id, value.period_id)].append(value)
    for (metric_id, period_id), group in by_strata.items():
        numerators = [v.numerator for v in group if v.numerator is not None]
        denominators = [v.denominator for v in group if v.denominator is not None]
        slot = totals[metric_id][index[period_id]]
        slot[0] = sum(numerators) if numerators else None
        slot[1] = sum(denominators) if denominators else None
        slot[2] = any(v.is_excluded for v in group)
        slot[3] = "; ".join(v.note for v in group if v.note)
    result = []
    for metric in metrics:
        slots = totals[metric.pk]
        result.append(
            Series(
                metric,
                periods,
                [s[0] for s in slots],
                [s[1] for s in slots],
                [i for i, s in enumerate(slots) if s[2]],
                {periods[i].starts_on: s[3] for i, s in enumerate(slots) if s[3]},
            )
        )
    return result


def chart_for(
    series: Series,
    title: str | None = None,
    height: int = 220,
    key: str = "",
    compact: bool = False,
) -> MetricChart:
    """Run the engine on a series and describe the result for the page and for files.

    A compact chart (a small multiple) has no title of its own: its card names the team.
    """
    metric = series.metric
    xs = [period.starts_on for period in series.periods]
    freeze = sum(1 for period in series.periods if period.is_baseline) or None
    if freeze is not None and freeze >= len(xs):
        freeze = None
    ys = [float(n) if n is not None else None for n in series.numerators]
    if metric.has_denominator:
        ns = [float(d) if d is not None else None for d in series.denominators]
        result = qic(
            xs,
            ys,
            ns,
            chart=metric.chart,
            freeze=freeze,
            exclude=series.excluded or None,
            multiply=metric.multiplier,
        )
    else:
        result = qic(xs, ys, chart=metric.chart, freeze=freeze, exclude=series.excluded or None)
    rows = chart_rows(result, series.notes)
    goal = float(metric.goal) if metric.goal is not None else None
    chart_name = metric.get_chart_display()
    subtitle = f"{chart_name} · {RULES_LABEL}"
    if metric.stratification_id:
        subtitle += " · " + gettext("total of the groups")
    spec = control_chart(
        rows,
        title="" if compact else (title or metric.name),
        y_title=metric.unit or ("%" if metric.kind == Metric.Kind.PROPORTION else ""),
        goal=goal,
        percent=metric.kind == Metric.Kind.PROPORTION,
        subtitle=subtitle,
        height=height,
    )
    latest = next((row["y"] for row in reversed(rows) if row["y"] is not None), None)
    goal_met = None
    if latest is not None and goal is not None:
        goal_met = latest >= goal if metric.direction == Metric.Direction.UP else latest <= goal
    sentences = (
        explain(result, direction=metric.direction, gettext=gettext, format_x=_month)
        if series.has_data
        else []
    )
    return MetricChart(
        metric,
        series,
        rows,
        spec,
        sentences,
        latest,
        goal_met,
        result.warnings,
        subtitle,
        shows_improvement(result, metric.direction),
        key,
    )


def shows_improvement(result: Any, direction: str) -> bool:
    """Whether the current phase shows a signal on the good side after the baseline."""
    good = 1 if direction == Metric.Direction.UP else -1
    last = result.parts[-1] if result.parts else None
    if (
        last
        and last["runs_signal"]
        and last["longest_run"] is not None
        and last["longest_run"] > last["longest_run_max"]
        and last.get("longest_run_side") == good
    ):
        return True
    for point in result.points:
        if not point["sigma_signal"] or not point["include"] or point["baseline"]:
            continue
        side = 1 if point["ucl"] is not None and point["y"] > point["ucl"] else -1
        if side == good:
            return True
    return False


def _month(x: Any) -> str:
    return date_format(x, "YEAR_MONTH_FORMAT") if hasattr(x, "year") else str(x)


def team_charts(team: Any) -> list[MetricChart]:
    metrics = metrics_for(team)
    periods = reportable_periods(team)
    return [chart_for(series) for series in team_series(team, metrics, periods)]
