"""A period's figures as a coach reads a report: each metric's value, its change from the
month before, and the team's chart up to that month."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from convene.collaboratives.models import Team
from convene.measures.models import Metric, ReportingPeriod
from convene.measures.owed import metrics_for
from convene.measures.templatetags.measures_tags import figure

from .team import MetricChart, chart_for, plotted_figure, team_series


@dataclass
class PeriodFigure:
    chart: MetricChart
    value: float | None  # this period's, as plotted (a percentage, a rate, or the figure)
    previous: float | None  # the period before's
    excluded: bool  # this period's figure is left out of the chart's calculations
    drawn: bool = True  # False while the metric has no figure up to this period: no chart

    @property
    def metric(self) -> Metric:
        return self.chart.metric

    @property
    def change(self) -> str:
        """The change from the period before, in words: "+2.1 points", "−3 min", "no change"."""
        if self.value is None or self.previous is None:
            return ""
        return change_text(self.value - self.previous, self.metric)


def change_text(change: float, metric: Metric) -> str:
    change = round(change, 1 if metric.kind == Metric.Kind.PROPORTION else 2)
    if change == 0:
        return gettext("no change")
    sign = "+" if change > 0 else "−"
    size = abs(change)
    if metric.kind == Metric.Kind.PROPORTION:
        shown = number_format(int(size) if size == int(size) else size)
        # ngettext needs a whole number; a fraction takes the plural in English and Spanish.
        count = int(size) if size == int(size) else 2
        return sign + ngettext("%(change)s point", "%(change)s points", count) % {"change": shown}
    return sign + figure(size, metric)


def period_figures(team: Team, period: ReportingPeriod) -> list[PeriodFigure]:
    """Each metric the team reports: its value in ``period``, the change from the period
    before, and its compact chart up to ``period``."""
    periods = list(
        ReportingPeriod.objects.filter(
            collaborative_id=team.collaborative_id, starts_on__lte=period.starts_on
        )
    )
    last = len(periods) - 1
    rules = team.collaborative.chart_rules
    figures = []
    for series in team_series(team, metrics_for(team), periods):
        chart = chart_for(
            series, compact=True, height=110, key=f"period-{series.metric.pk}", rules=rules
        )
        figures.append(
            PeriodFigure(
                chart,
                plotted_figure(series, last),
                plotted_figure(series, last - 1) if last else None,
                last in series.excluded,
                series.has_data,
            )
        )
    return figures
