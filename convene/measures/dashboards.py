"""Series of figures per team and metric, turned into charts by the engine."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from convene.charts.specs import chart_rows, control_chart
from convene.spc import explain, ihi_rules, nhs_xmr, qic, qic_many
from convene.spc.runs import longest_segment

from .grid import metrics_for, reportable_periods
from .models import Metric, ReportingPeriod, Value

RULES_LABELS = {
    "anhoej": _("Anhøj rules"),
    "ihi": _("IHI run chart rules"),
    "nhs": _("NHS Making Data Count"),
}


@dataclass
class Series:
    """One team's figures for one metric, period by period (None where nothing was reported)."""

    metric: Metric
    periods: list[ReportingPeriod]
    numerators: list[float | None]
    denominators: list[float | None]
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
    return _series_from_values(_figures(values), metrics, periods)


def collaborative_series(
    teams: list[Any], metrics: list[Metric], periods: list[ReportingPeriod]
) -> dict[int, list[Series]]:
    """Every team's series, from one query: {team id: [series per metric]}."""
    by_team: dict[int, list[dict[str, Any]]] = defaultdict(list)
    values = Value.objects.filter(team__in=teams, metric__in=metrics, period__in=periods)
    for value in _figures(values):
        by_team[value["team_id"]].append(value)
    return {team.pk: _series_from_values(by_team[team.pk], metrics, periods) for team in teams}


def _figures(values: QuerySet[Value]) -> QuerySet[Value, dict[str, Any]]:
    """Plain rows with the figures as floats, read as such by the database.

    Not model instances, nor Decimals: a collaborative dashboard reads thousands of figures,
    and the engine computes in floats anyway.
    """
    return values.annotate(
        num=Cast("numerator", FloatField()), den=Cast("denominator", FloatField())
    ).values("team_id", "metric_id", "period_id", "stratum_id", "num", "den", "is_excluded", "note")


def _series_from_values(
    values: Any, metrics: list[Metric], periods: list[ReportingPeriod]
) -> list[Series]:
    index = {period.pk: i for i, period in enumerate(periods)}
    totals: dict[int, list[list[Any]]] = {
        m.pk: [[None, None, False, ""] for _ in periods] for m in metrics
    }
    by_strata: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for value in values:
        if value["period_id"] not in index:
            continue
        if value["stratum_id"] is None:
            slot = totals[value["metric_id"]][index[value["period_id"]]]
            slot[:] = [
                value["num"],
                value["den"],
                value["is_excluded"],
                value["note"],
            ]
        else:
            by_strata[(value["metric_id"], value["period_id"])].append(value)
    for (metric_id, period_id), group in by_strata.items():
        numerators = [v["num"] for v in group if v["num"] is not None]
        denominators = [v["den"] for v in group if v["den"] is not None]
        slot = totals[metric_id][index[period_id]]
        slot[0] = sum(numerators) if numerators else None
        slot[1] = sum(denominators) if denominators else None
        slot[2] = any(v["is_excluded"] for v in group)
        slot[3] = "; ".join(v["note"] for v in group if v["note"])
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
    rules: str = "anhoej",
) -> MetricChart:
    """Run the engine on a series and describe the result for the page and for files.

    A compact chart (a small multiple) has no title of its own: its card names the team.
    """
    metric = series.metric
    baseline = sum(1 for period in series.periods if period.is_baseline)
    ys, ns = _engine_inputs(series)
    result = qic(
        [period.starts_on for period in series.periods],
        ys,
        ns,
        chart="run" if rules == "ihi" else metric.chart,
        freeze=_freeze(series),
        exclude=series.excluded or None,
        multiply=metric.multiplier if ns is not None else 1,
    )
    rows = chart_rows(result, series.notes)
    chart_name = Metric.Chart.RUN.label if rules == "ihi" else metric.get_chart_display()
    if rules == "nhs":
        chart_name = gettext("XmR chart")
    subtitle = f"{chart_name} · {RULES_LABELS.get(rules, RULES_LABELS['anhoej'])}"
    if metric.stratification_id:
        subtitle += " · " + gettext("total of the groups")
    sentences: list[str] = []
    improving = False
    if rules == "ihi":
        sentences, improving = _apply_ihi(rows, metric)
    elif rules == "nhs":
        sentences, improving = _apply_nhs(rows, metric, baseline)
    elif series.has_data:
        sentences = explain(result, direction=metric.direction, gettext=gettext, format_x=_month)
        improving = shows_improvement(result, metric.direction)
    if not series.has_data:
        sentences = []
    goal = float(metric.goal) if metric.goal is not None else None
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
        improving,
        key,
    )


def _engine_inputs(series: Series) -> tuple[list[float | None], list[float | None] | None]:
    if not series.metric.has_denominator:
        return series.numerators, None
    return series.numerators, series.denominators


def _freeze(series: Series) -> int | None:
    """Limits are computed from the baseline periods when there are some, and later ones."""
    baseline = sum(1 for period in series.periods if period.is_baseline)
    return baseline if 0 < baseline < len(series.periods) else None


# Charts qic_many computes for many series on one time axis (not X-bar and S).
MANY_CHARTS = {"run", "i", "t", "p", "pp", "c", "u", "up", "g"}


def improvement_flags(all_series: list[Series], rules: str) -> list[bool]:
    """Which series show improvement, as ``chart_for(series).improving`` says, but fast.

    A collaborative dashboard counts improving teams across every team and metric: with the
    default Anhøj rules, the series of a metric go through the engine in one vectorised pass;
    series with excluded points and the other rule sets take the one-chart path.
    """
    flags = [False] * len(all_series)
    if not all_series:
        return flags
    metric = all_series[0].metric
    fast = MANY_CHARTS if rules == "anhoej" else set()
    together = (
        [i for i, s in enumerate(all_series) if s.has_data and not s.excluded]
        if metric.chart in fast
        else []
    )
    for i, series in enumerate(all_series):
        if series.has_data and i not in together:
            flags[i] = chart_for(series, rules=rules).improving
    if not together:
        return flags
    inputs = [_engine_inputs(all_series[i]) for i in together]
    nan = float("nan")
    ys = np.array([[nan if v is None else v for v in y] for y, _n in inputs])
    ns = None
    if metric.has_denominator:
        ns = np.array([[nan if v is None else v for v in n or []] for _y, n in inputs])
    many = qic_many(
        ys,
        ns,
        chart=metric.chart,
        freeze=_freeze(all_series[together[0]]),
        multiply=metric.multiplier if ns is not None else 1,
    )
    good = 1 if metric.direction == Metric.Direction.UP else -1
    with np.errstate(invalid="ignore"):
        above = np.isfinite(many.ucl) & (many.y > many.ucl)
    side = np.where(above, 1, -1)
    sigma = (many.sigma_signal & many.include & ~many.baseline & (side == good)).any(axis=1)
    long_run = many.runs_signal & (many.longest_run > many.longest_run_max)
    for row, i in enumerate(together):
        if sigma[row]:
            flags[i] = True
        elif long_run[row]:
            # The last part is the whole series: dashboards do not split charts into parts.
            longest = longest_segment(many.y[row], many.cl[row], many.include)
            flags[i] = longest is not None and longest[2] == good
    return flags


def _plotted(rows: list[dict[str, Any]]) -> list[float | None]:
    # Excluded points take no part in the rules.
    return [row["y"] if row["include"] else None for row in rows]


def _apply_ihi(rows: list[dict[str, Any]], metric: Metric) -> tuple[list[str], bool]:
    """Judge a run chart by the IHI rules: shifts, trends, too few or too many runs."""
    centre = next((row["cl"] for row in rows if row["cl"] is not None), None)
    outcome = ihi_rules(_plotted(rows), cl=centre, direction=metric.direction)
    unusual_runs = any(s.rule in ("too_few_runs", "too_many_runs") for s in outcome.signals)
    for index, row in enumerate(rows):
        row["signal"] = bool(outcome.shift_points[index] or outcome.trend_points[index])
        row["runs_signal"] = unusual_runs
    improving = any(s.assessment == "improvement" for s in outcome.signals)
    if not any(row["y"] is not None for row in rows):
        return [], False
    return explain(outcome, gettext=gettext), improving


def _apply_nhs(rows: list[dict[str, Any]], metric: Metric, baseline: int) -> tuple[list[str], bool]:
    """Judge an XmR chart the NHS Making Data Count way, limits fixed on the baseline."""
    goal = float(metric.goal) if metric.goal is not None else None
    outcome = nhs_xmr(
        _plotted(rows),
        direction=metric.direction,
        target=goal,
        fix_after_n_points=baseline if baseline >= 12 else None,
    )
    for row, point in zip(rows, outcome.points, strict=True):
        row.update(
            cl=point["mean"],
            lcl=point["lpl"],
            ucl=point["upl"],
            part=point["group"],
            signal=point["special_cause"] and row["include"],
            runs_signal=False,
        )
    improving = any(
        p["point_type"].startswith("improvement")
        for p, row in zip(outcome.points, rows, strict=True)
        if not row["baseline"]
    )
    if not any(row["y"] is not None for row in rows):
        return [], False
    return explain(outcome, gettext=gettext), improving


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
    rules = team.collaborative.chart_rules
    return [chart_for(series, rules=rules) for series in team_series(team, metrics, periods)]
