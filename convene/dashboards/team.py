"""Series of figures per team and metric, turned into charts by the engine."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from convene.charts.specs import chart_date, chart_rows, control_chart, strata_chart
from convene.collaboratives.models import Team
from convene.improvement.annotations import cycle_marks
from convene.measures.models import ChartPhase, Metric, ReportingPeriod
from convene.measures.owed import metrics_for, reportable_periods
from convene.measures.templatetags.measures_tags import figure
from convene.reporting.models import Value
from convene.spc import Assessment, assess

RULES_LABELS = {
    "anhoej": _("Anhøj rules"),
    "ihi": _("IHI run chart rules"),
    "nhs": _("NHS Making Data Count"),
}


@dataclass
class Phase:
    """A new phase of a chart: from which period (its place in the series), and why."""

    index: int
    label: str
    reason: str


@dataclass
class Series:
    """One team's figures for one metric, period by period (None where nothing was reported)."""

    metric: Metric
    periods: list[ReportingPeriod]
    numerators: list[float | None]
    denominators: list[float | None]
    excluded: list[int] = field(default_factory=list)
    notes: dict[Any, str] = field(default_factory=dict)
    # The groups' own figures when the metric is reported by strata (the total sums them).
    strata: list[StratumSeries] = field(default_factory=list)
    # New phases of the chart (``ChartPhase``), in time order.
    phases: list[Phase] = field(default_factory=list)
    # A roll-up's: period by period, (teams that reported, teams expected); and the figure
    # of a period not every expected team has reported, drawn hollow and left out of the
    # engine (its numerator is None).
    coverage: list[tuple[int, int]] = field(default_factory=list)
    partial: dict[int, float | None] = field(default_factory=dict)

    def is_complete(self, index: int) -> bool:
        """Whether every team expected for the period reported it (always, for one team)."""
        if not self.coverage:
            return True
        reported, expected = self.coverage[index]
        return expected > 0 and reported == expected

    @property
    def baseline_count(self) -> int:
        return sum(1 for period in self.periods if period.is_baseline)

    @property
    def has_data(self) -> bool:
        return any(n is not None for n in self.numerators)


@dataclass
class StratumSeries:
    """One group's figures for one metric, in the same shape as a total."""

    stratum_id: int
    name: str
    position: int
    series: Series

    @property
    def order(self) -> tuple[int, int]:
        return (self.position, self.stratum_id)


@dataclass
class StrataChart:
    """Every group's line over time and the gap between them in the latest period."""

    metric: Metric
    groups: list[str]
    # Period by period, each group's figure in the order of ``groups`` (periods with any).
    table: list[tuple[ReportingPeriod, list[float | None]]]
    spec: dict[str, Any]
    gap: str
    key: str

    @property
    def spec_id(self) -> str:
        return f"strata-{self.key}"


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
    strata: StrataChart | None = None
    # The PDSA cycles drawn on it (``improvement.annotations.cycle_marks``), in time order.
    cycles: list[dict[str, Any]] = field(default_factory=list)

    @property
    def spec_id(self) -> str:
        return f"spec-{self.key or self.metric.pk}"


def team_series(team: Team, metrics: list[Metric], periods: list[ReportingPeriod]) -> list[Series]:
    """Every metric's series for a team, from one query. Strata are summed into the total."""
    values = Value.objects.filter(team=team, metric__in=metrics, period__in=periods)
    all_series = _series_from_values(_figures(values), metrics, periods)
    _add_phases({team.pk: all_series}, metrics, periods)
    return all_series


def collaborative_series(
    teams: list[Any], metrics: list[Metric], periods: list[ReportingPeriod]
) -> dict[int, list[Series]]:
    """Every team's series, from one query: {team id: [series per metric]}."""
    by_team: dict[int, list[dict[str, Any]]] = defaultdict(list)
    values = Value.objects.filter(team__in=teams, metric__in=metrics, period__in=periods)
    for value in _figures(values):
        by_team[value["team_id"]].append(value)
    series = {team.pk: _series_from_values(by_team[team.pk], metrics, periods) for team in teams}
    _add_phases(series, metrics, periods)
    return series


def _add_phases(
    series_by_team: dict[int, list[Series]], metrics: list[Metric], periods: list[ReportingPeriod]
) -> None:
    """The teams' phases of these metrics, from one query, onto their series.

    A phase at the first period, or at a period the chart does not show, changes nothing.
    """
    index = {period.pk: i for i, period in enumerate(periods)}
    place = {metric.pk: i for i, metric in enumerate(metrics)}
    phases = ChartPhase.objects.filter(
        team__in=list(series_by_team), metric__in=metrics, period__in=periods
    ).values_list("team_id", "metric_id", "period_id", "reason")
    for team_id, metric_id, period_id, reason in phases:
        at = index[period_id]
        if at > 0:
            series = series_by_team[team_id][place[metric_id]]
            series.phases.append(Phase(at, periods[at].label, reason))
    for all_series in series_by_team.values():
        for series in all_series:
            series.phases.sort(key=lambda phase: phase.index)


def _figures(values: QuerySet[Value]) -> QuerySet[Value, dict[str, Any]]:
    """Plain rows with the figures as floats, read as such by the database.

    Not model instances, nor Decimals: a collaborative dashboard reads thousands of figures,
    and the engine computes in floats anyway.
    """
    return values.annotate(
        num=Cast("numerator", FloatField()), den=Cast("denominator", FloatField())
    ).values(
        "team_id",
        "metric_id",
        "period_id",
        "stratum_id",
        # The group's name and place come in the same query, by a join.
        "stratum__name",
        "stratum__position",
        "num",
        "den",
        "is_excluded",
        "exclusion_reason",
        "note",
    )


def rollup_phases(metrics: list[Metric], periods: list[ReportingPeriod]) -> dict[int, list[Phase]]:
    """The phases of the collaborative's roll-up charts, from one query: {metric id: phases}."""
    index = {period.pk: i for i, period in enumerate(periods)}
    found: dict[int, list[Phase]] = defaultdict(list)
    phases = ChartPhase.objects.filter(team__isnull=True, metric__in=metrics, period__in=periods)
    for metric_id, period_id, reason in phases.values_list("metric_id", "period_id", "reason"):
        at = index[period_id]
        if at > 0:
            found[metric_id].append(Phase(at, periods[at].label, reason))
    for listed in found.values():
        listed.sort(key=lambda phase: phase.index)
    return found


def _empty_slots(periods: list[ReportingPeriod]) -> list[list[Any]]:
    return [[None, None, False, ""] for _ in periods]


def _fill(slot: list[Any], value: dict[str, Any]) -> None:
    slot[:] = [value["num"], value["den"], value["is_excluded"], _note(value)]


def _note(value: dict[str, Any]) -> str:
    """What the chart shows on a point: the team's note, and why the figure is excluded."""
    note = value["note"]
    if value["is_excluded"] and value["exclusion_reason"]:
        excluded = gettext("Excluded: %(reason)s") % {"reason": value["exclusion_reason"]}
        note = f"{note} · {excluded}" if note else excluded
    return str(note)


def _series_of(metric: Metric, periods: list[ReportingPeriod], slots: list[list[Any]]) -> Series:
    return Series(
        metric,
        periods,
        [s[0] for s in slots],
        [s[1] for s in slots],
        [i for i, s in enumerate(slots) if s[2]],
        {periods[i].starts_on: s[3] for i, s in enumerate(slots) if s[3]},
    )


def _series_from_values(
    values: Any, metrics: list[Metric], periods: list[ReportingPeriod]
) -> list[Series]:
    index = {period.pk: i for i, period in enumerate(periods)}
    totals: dict[int, list[list[Any]]] = {m.pk: _empty_slots(periods) for m in metrics}
    by_strata: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    # {metric id: {(stratum id, name, position): slots}}
    groups: dict[int, dict[tuple[int, str, int], list[list[Any]]]] = defaultdict(dict)
    for value in values:
        if value["period_id"] not in index:
            continue
        if value["stratum_id"] is None:
            _fill(totals[value["metric_id"]][index[value["period_id"]]], value)
        else:
            by_strata[(value["metric_id"], value["period_id"])].append(value)
            stratum = (value["stratum_id"], value["stratum__name"], value["stratum__position"])
            slots = groups[value["metric_id"]].setdefault(stratum, _empty_slots(periods))
            _fill(slots[index[value["period_id"]]], value)
    for (metric_id, period_id), group in by_strata.items():
        numerators = [v["num"] for v in group if v["num"] is not None]
        denominators = [v["den"] for v in group if v["den"] is not None]
        slot = totals[metric_id][index[period_id]]
        slot[0] = sum(numerators) if numerators else None
        slot[1] = sum(denominators) if denominators else None
        slot[2] = any(v["is_excluded"] for v in group)
        slot[3] = "; ".join(note for note in map(_note, group) if note)
    result = []
    for metric in metrics:
        series = _series_of(metric, periods, totals[metric.pk])
        series.strata = sorted(
            (
                StratumSeries(stratum_id, name, position, _series_of(metric, periods, slots))
                for (stratum_id, name, position), slots in groups[metric.pk].items()
            ),
            key=lambda group: group.order,
        )
        result.append(series)
    return result


def chart_for(
    series: Series,
    title: str | None = None,
    height: int = 220,
    key: str = "",
    compact: bool = False,
    rules: str = "anhoej",
    shown: str = "",
    cycles: list[dict[str, Any]] | None = None,
) -> MetricChart:
    """Run the engine on a series and describe the result for the page and for files.

    A compact chart (a small multiple) has no title of its own (its card names the team) and
    four month labels at most, which its width holds without their running into each other.
    ``shown`` says what a roll-up's values are ("median of the teams' values"), on the
    subtitle and the axis. A roll-up's incomplete periods (``series.partial``) reach the
    engine as missing and are drawn hollow with how many teams reported. ``cycles`` are the
    PDSA cycles to mark on the chart (``improvement.annotations.cycle_marks``).
    """
    metric = series.metric
    ys, ns = _engine_inputs(series)
    result = assess(ys, ns, exclude=series.excluded or None, **_engine_options(series, rules))
    sentences = [*_phase_sentences(series), *result.sentences]
    rows = chart_rows(result, series.notes)
    for index, (row, period) in enumerate(zip(rows, series.periods, strict=True)):
        row["label"] = period.label
        if series.phases:
            # The engine counts every point of a phased chart as its phase's own baseline;
            # the chart still shades, and the table names, the collaborative's baseline.
            row["baseline"] = period.is_baseline
        if series.coverage:
            reported, expected = series.coverage[index]
            row["teams"] = teams_reported(reported, expected)
            row["complete"] = series.is_complete(index)
            row["partial"] = series.partial.get(index)
    chart_name = Metric.Chart.RUN.label if rules == "ihi" else metric.get_chart_display()
    if rules == "nhs":
        chart_name = gettext("XmR chart")
    subtitle = f"{chart_name} · {RULES_LABELS.get(rules, RULES_LABELS['anhoej'])}"
    if metric.stratification_id:
        subtitle += " · " + gettext("total of the groups")
    if shown:
        subtitle += " · " + shown
    goal = float(metric.goal) if metric.goal is not None else None
    y_title = _y_title(metric)
    spec = control_chart(
        rows,
        title="" if compact else (title or metric.name),
        y_title=f"{shown} ({y_title})" if shown and y_title else (shown or y_title),
        goal=goal,
        percent=metric.kind == Metric.Kind.PROPORTION,
        subtitle=subtitle,
        height=height,
        ticks=4 if compact else 12,
        phases=[
            {"x": rows[phase.index]["x"], "label": phase.label, "reason": phase.reason}
            for phase in series.phases
        ],
        cycles=cycles or [],
        cycle_titles=not compact,
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
        result.improving,
        key,
        cycles=cycles or [],
    )


def _y_title(metric: Metric) -> str:
    return metric.unit or ("%" if metric.kind == Metric.Kind.PROPORTION else "")


def _engine_inputs(series: Series) -> tuple[list[float | None], list[float | None] | None]:
    if not series.metric.has_denominator:
        return series.numerators, None
    return series.numerators, series.denominators


def _freeze(series: Series) -> int | None:
    """Limits are computed from the baseline periods when there are some, and later ones."""
    baseline = series.baseline_count
    return baseline if 0 < baseline < len(series.periods) else None


def _parts(series: Series) -> list[int]:
    """Where the chart's phases start (period counts, as the engine's ``part``).

    A frozen baseline that ends before the first new phase stays a phase of its own, with
    the limits it had: the engine, like qicharts2, ignores ``freeze`` once there are phases.
    """
    starts = [phase.index for phase in series.phases]
    if not starts:
        return []
    baseline = _freeze(series)
    if baseline is not None and baseline < starts[0]:
        starts.insert(0, baseline)
    return starts


def _phase_sentences(series: Series) -> list[str]:
    sentences = []
    for phase in series.phases:
        if phase.reason:
            text = gettext(
                "A new phase started in %(period)s (%(reason)s): its centre and limits "
                "come from its own figures."
            )
        else:
            text = gettext(
                "A new phase started in %(period)s: its centre and limits come from its own "
                "figures."
            )
        sentences.append(text % {"period": phase.label, "reason": phase.reason})
    return sentences


def _engine_options(series: Series, rules: str) -> dict[str, Any]:
    """What the engine needs besides the figures; the same for every team of a metric
    without phases of its own."""
    metric = series.metric
    return {
        "x": [period.starts_on for period in series.periods],
        "chart": metric.chart,
        "rules": rules,
        "direction": metric.direction,
        "freeze": _freeze(series),
        "part": _parts(series),
        "multiply": metric.multiplier if metric.has_denominator else 1,
        "target": float(metric.goal) if metric.goal is not None else None,
        "gettext": gettext,
        "format_x": _month,
    }


def improvement_flags(all_series: list[Series], rules: str) -> list[bool]:
    """Which series show improvement, as ``chart_for(series).improving`` says, but fast.

    A collaborative dashboard counts improving teams across every team and metric: the series
    of a metric (on one time axis) go through the engine in one call, which judges them in
    one vectorised pass where it can.
    """
    return [assessment.improving for assessment in verdicts(all_series, rules)]


def verdicts(all_series: list[Series], rules: str) -> list[Assessment]:
    """The engine's verdict on each series (improving, deteriorating or no signal), at once.

    A series with phases of its own is judged alone; the others share one call.
    """
    if not all_series:
        return []
    metric = all_series[0].metric
    together = [series for series in all_series if not series.phases]
    judged: list[Assessment] = (
        assess(
            [series.numerators for series in together],
            [series.denominators for series in together] if metric.has_denominator else None,
            exclude=[series.excluded for series in together],
            **_engine_options(together[0], rules),
        )
        if together
        else []
    )
    shared = iter(judged)
    return [
        assess(
            *_engine_inputs(series),
            exclude=series.excluded or None,
            **_engine_options(series, rules),
        )
        if series.phases
        else next(shared)
        for series in all_series
    ]


def teams_reported(reported: int, expected: int) -> str:
    """How many of the teams expected for a period reported it: "3 of 8 teams"."""
    return ngettext(
        "%(reported)s of %(expected)s team", "%(reported)s of %(expected)s teams", expected
    ) % {"reported": reported, "expected": expected}


def _month(x: Any) -> str:
    return date_format(x, "YEAR_MONTH_FORMAT") if hasattr(x, "year") else str(x)


def plotted_figure(series: Series, index: int) -> float | None:
    """One period's figure as its chart plots it: the percentage or rate, or the figure."""
    numerator = series.numerators[index]
    if numerator is None or not series.metric.has_denominator:
        return numerator
    denominator = series.denominators[index]
    return numerator / denominator * series.metric.multiplier if denominator else None


def plotted_figures(series: Series) -> list[float | None]:
    """What a group's line shows, period by period (``plotted_figure``).

    Excluded figures are left out, as they are from the roll-up.
    """
    return [
        None if i in series.excluded else plotted_figure(series, i)
        for i in range(len(series.numerators))
    ]


def strata_chart_for(
    metric: Metric, periods: list[ReportingPeriod], strata: list[StratumSeries], key: str
) -> StrataChart | None:
    """The groups of a stratified metric side by side; None when there is nothing to draw."""
    if not metric.stratification_id:
        return None
    names = [group.name for group in strata]
    lines = [plotted_figures(group.series) for group in strata]
    table = [
        (period, [line[i] for line in lines])
        for i, period in enumerate(periods)
        if any(line[i] is not None for line in lines)
    ]
    if not table:
        return None
    rows = [
        {"x": chart_date(period.starts_on), "label": period.label, "group": name, "y": value}
        for period, values in table
        for name, value in zip(names, values, strict=True)
        if value is not None
    ]
    spec = strata_chart(
        rows,
        groups=names,
        dates=[chart_date(period.starts_on) for period in periods],
        y_title=_y_title(metric),
        percent=metric.kind == Metric.Kind.PROPORTION,
    )
    return StrataChart(metric, names, table, spec, gap_sentence(metric, names, table), key)


def gap_sentence(
    metric: Metric, names: list[str], table: list[tuple[ReportingPeriod, list[float | None]]]
) -> str:
    """The gap between the highest and the lowest group in the latest period with two or more.

    The figures are rounded as the page shows them first, so that the sentence adds up.
    """
    digits = 1 if metric.kind == Metric.Kind.PROPORTION else 2
    compared = [row for row in table if sum(v is not None for v in row[1]) >= 2]
    if not compared:
        return ""
    period, values = compared[-1]
    reported = [
        (name, round(v, digits)) for name, v in zip(names, values, strict=True) if v is not None
    ]
    highest = max(reported, key=lambda pair: pair[1])
    lowest = min(reported, key=lambda pair: pair[1])
    if highest[1] == lowest[1]:
        return gettext("In %(period)s every group has the same figure: %(figure)s.") % {
            "period": period.label,
            "figure": figure(highest[1], metric),
        }
    gap = round(highest[1] - lowest[1], digits)
    return gettext(
        "In %(period)s the gap between the highest group (%(highest)s, %(high)s) and the "
        "lowest (%(lowest)s, %(low)s) is %(gap)s."
    ) % {
        "period": period.label,
        "highest": highest[0],
        "high": figure(highest[1], metric),
        "lowest": lowest[0],
        "low": figure(lowest[1], metric),
        "gap": _gap_text(gap, metric),
    }


def _gap_text(gap: float, metric: Metric) -> str:
    if metric.kind != Metric.Kind.PROPORTION:
        return figure(gap, metric)
    shown = number_format(int(gap) if gap == int(gap) else gap)
    # ngettext needs a whole number; a fraction takes the plural in English and Spanish.
    count = int(gap) if gap == int(gap) else 2
    return ngettext("%(gap)s percentage point", "%(gap)s percentage points", count) % {"gap": shown}


def team_cycle_marks(
    team: Team, metrics: list[Metric], periods: list[ReportingPeriod]
) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The team's PDSA cycles on its charts: whoever sees its charts (``view_team_data``)
    reads its cycles (``view_cycles`` grants the same people)."""
    return cycle_marks(team.pdsa_cycles.all(), metrics, periods)


def team_charts(team: Team) -> list[MetricChart]:
    metrics = metrics_for(team)
    periods = reportable_periods(team)
    rules = team.collaborative.chart_rules
    marks = team_cycle_marks(team, metrics, periods)
    charts = []
    for series in team_series(team, metrics, periods):
        cycles = marks.get((team.pk, series.metric.pk), [])
        chart = chart_for(series, rules=rules, cycles=cycles)
        chart.strata = strata_chart_for(
            series.metric, periods, series.strata, str(series.metric.pk)
        )
        charts.append(chart)
    return charts
