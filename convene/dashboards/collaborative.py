"""The collaborative dashboard: every team per metric, the roll-up, a funnel and reporting."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext

from convene.charts.specs import chart_date, funnel_chart, ranked_chart, reporting_chart
from convene.collaboratives.access import Access
from convene.collaboratives.overview import labelled_teams
from convene.measures.models import Metric, ReportingPeriod, ReportingSchedule
from convene.reporting.models import Report
from convene.spc import FunnelResult, explain, funnel

from .team import (
    MetricChart,
    Series,
    StrataChart,
    StratumSeries,
    chart_for,
    collaborative_series,
    improvement_flags,
    rollup_phases,
    strata_chart_for,
)

FUNNEL_PERIODS = 3
# How far back the funnel's window may reach to compare more teams over the same periods: a
# team late by a period or two moves it back; a team silent for longer is left out.
FUNNEL_LOOKBACK = 2 * FUNNEL_PERIODS


@dataclass
class MetricSection:
    metric: Metric
    aggregate: MetricChart
    funnel_spec: dict[str, Any] | None = None
    # The same teams ranked by value with their own limits: the funnel's form for phones.
    funnel_ranked_spec: dict[str, Any] | None = None
    funnel_label: str = ""
    funnel_method: str = ""  # the method and its dispersion, in a sentence
    funnel_findings: list[str] = field(default_factory=list)  # better, then worse, or neither
    funnel_left_out: str = ""
    improving: int = 0
    reporting: int = 0
    # Teams with figures whose own charts the viewer may see (drawn on a page of their own).
    shared: int = 0
    strata: StrataChart | None = None

    @property
    def spec_id(self) -> str:
        return f"agg-{self.metric.pk}"

    @property
    def funnel_id(self) -> str:
        return f"funnel-{self.metric.pk}"

    @property
    def funnel_ranked_id(self) -> str:
        return f"funnel-ranked-{self.metric.pk}"


def _aggregate(metric: Metric, all_series: list[Series]) -> Series:
    """Summed numerators and denominators (the roll-up); the mean for continuous values."""
    periods = all_series[0].periods if all_series else []
    numerators: list[float | None] = []
    denominators: list[float | None] = []
    summed = metric.kind in {Metric.Kind.PROPORTION, Metric.Kind.RATE, Metric.Kind.COUNT}
    for i in range(len(periods)):
        pairs = [
            (s.numerators[i], s.denominators[i])
            for s in all_series
            if s.numerators[i] is not None and i not in s.excluded
        ]
        if metric.has_denominator:
            pairs = [(n, d) for n, d in pairs if d]
        if not pairs:
            numerators.append(None)
            denominators.append(None)
        elif summed:
            numerators.append(sum((n for n, _d in pairs), 0.0))
            denominators.append(
                sum((d for _n, d in pairs), 0.0) if metric.has_denominator else None
            )
        else:
            numerators.append(sum((n for n, _d in pairs), 0.0) / len(pairs))
            denominators.append(None)
    return Series(metric, periods, numerators, denominators)


def _aggregate_strata(metric: Metric, all_series: list[Series]) -> list[StratumSeries]:
    """Each group's roll-up across the teams, made like the total's."""
    by_group: dict[int, list[StratumSeries]] = defaultdict(list)
    for series in all_series:
        for group in series.strata:
            by_group[group.stratum_id].append(group)
    rolled_up = [
        StratumSeries(
            groups[0].stratum_id,
            groups[0].name,
            groups[0].position,
            _aggregate(metric, [group.series for group in groups]),
        )
        for groups in by_group.values()
    ]
    return sorted(rolled_up, key=lambda group: group.order)


def metric_sections(
    access: Access, metrics: list[Metric], periods: list[ReportingPeriod], visible: list[Any]
) -> list[MetricSection]:
    """Per metric: the roll-up chart, how many teams improve, and the funnel plot.

    Every team counts in the roll-up and the improvement count, whatever the viewer may see
    of each team; the funnel compares only the ``visible`` ones (see ``labelled_teams``).
    """
    collaborative = access.collaborative
    teams = list(collaborative.teams.all())
    shown = {team.pk: team for team in visible}
    series_by_team = collaborative_series(teams, metrics, periods)
    phases = rollup_phases(metrics, periods)
    sections = []
    for index, metric in enumerate(metrics):
        all_series = [series_by_team[team.pk][index] for team in teams]
        total = _aggregate(metric, all_series)
        total.phases = phases.get(metric.pk, [])
        aggregate = chart_for(
            total,
            title=gettext("%(metric)s: all teams") % {"metric": metric.name},
            rules=collaborative.chart_rules,
        )
        section = MetricSection(metric, aggregate)
        section.strata = strata_chart_for(
            metric, periods, _aggregate_strata(metric, all_series), f"all-{metric.pk}"
        )
        reporting = [s for s in all_series if s.has_data]
        section.reporting = len(reporting)
        section.improving = sum(improvement_flags(reporting, collaborative.chart_rules))
        section.shared = sum(
            1 for team, s in zip(teams, all_series, strict=True) if s.has_data and team.pk in shown
        )
        _add_funnel(
            section,
            [series_by_team[t.pk][index] for t in teams if t.pk in shown],
            [shown[t.pk] for t in teams if t.pk in shown],
        )
        sections.append(section)
    return sections


def team_charts(
    access: Access, metric: Metric, periods: list[ReportingPeriod]
) -> list[tuple[Any, MetricChart]]:
    """A small chart of every team the viewer may see that reported this metric.

    Named teams first, then the anonymised ones, each group by label.
    """
    teams = labelled_teams(access)
    series_by_team = collaborative_series(teams, [metric], periods)
    charts = []
    for team in teams:
        series = series_by_team[team.pk][0]
        if not team.can_open:
            series.notes = {}  # a team's notes are its own (and its coach's and the host's)
            for phase in series.phases:
                phase.reason = ""  # so are its reasons for a new phase
        if series.has_data:
            chart = chart_for(
                series,
                title=team.label,
                height=120,
                key=f"{metric.pk}-{team.ref}",
                compact=True,
                rules=access.collaborative.chart_rules,
            )
            charts.append((team, chart))
    charts.sort(key=lambda pair: (not pair[0].is_named, pair[0].label.lower()))
    return charts


def _add_funnel(section: MetricSection, series: list[Series], teams: list[Any]) -> None:
    """Compare the visible teams over the same recent periods, every one of them with figures.

    The window is the ``FUNNEL_PERIODS`` periods, among the last ``FUNNEL_LOOKBACK``, in which
    the most teams have figures (the most recent of those): a team that has not reported the
    latest month moves the window back rather than being pooled over fewer months; a team with
    no figures in the window is left out and named. The limits allow for overdispersion when
    the data call for it (``method="auto"``: Spiegelhalter's random-effects funnel).
    """
    metric = section.metric
    if metric.chart not in {"p", "pp", "u", "up"} or len(teams) < 2:
        return
    window, compared = _funnel_window(series)
    if len(compared) < 2:
        return
    ys = [sum(float(series[k].numerators[i] or 0) for i in window) for k in compared]
    ns = [sum(float(series[k].denominators[i] or 0) for i in window) for k in compared]
    if len(set(ns)) < 2:
        return  # equal denominators: a funnel would be a column of dots with flat limits
    result = funnel(
        ys,
        ns,
        chart="p" if metric.kind == Metric.Kind.PROPORTION else "u",
        labels=[str(teams[k].label) for k in compared],
        multiply=metric.multiplier,
        direction=metric.direction,
        method="auto",
    )
    section.funnel_label = _periods_label(series[0].periods, window)
    y_title = "%" if metric.kind == Metric.Kind.PROPORTION else (metric.unit or "")
    inner, outer = (_level_name(level) for level in result.levels)
    better, worse = gettext("Better than the others"), gettext("Worse than the others")
    up = metric.direction != Metric.Direction.DOWN
    names = {
        1: better if up else worse,
        -1: worse if up else better,
        0: gettext("within the limits"),
    }
    method = _method_lines(result)
    section.funnel_spec = funnel_chart(
        result,
        title=gettext("Teams compared, %(range)s") % {"range": section.funnel_label},
        subtitle=[", ".join(method), _limits_line(inner, outer)],
        y_title=y_title,
        x_title=gettext("denominator"),
        side_names=names,
    )
    section.funnel_ranked_spec = ranked_chart(
        result,
        title=[gettext("Teams ranked"), section.funnel_label],
        subtitle=[*method, gettext("Bars: each team's own %(level)s limits") % {"level": outer}],
        x_title=y_title,
        side_names=names,
    )
    section.funnel_method = _method_sentence(result, metric.direction) or ", ".join(method)
    section.funnel_findings = _findings(result, up, outer)
    left_out = [str(team.label) for k, team in enumerate(teams) if k not in compared]
    if left_out:
        section.funnel_left_out = gettext(
            "Left out, no figures for all of %(periods)s: %(teams)s."
        ) % {"periods": section.funnel_label, "teams": ", ".join(left_out)}


def _findings(result: FunnelResult, up: bool, level: str) -> list[str]:
    """The teams beyond the outer limits, better ones first, then worse, by the direction."""
    above, below = (", ".join(map(str, side)) for side in (result.above, result.below))
    best, worst = (above, below) if up else (below, above)
    found = []
    if best:
        found.append(
            gettext("Better than the others (beyond the %(level)s limit): %(teams)s.")
            % {"level": level, "teams": best}
        )
    if worst:
        found.append(
            gettext("Worse than the others (beyond the %(level)s limit): %(teams)s.")
            % {"level": level, "teams": worst}
        )
    return found or [
        gettext(
            "No team is outside the %(level)s limits: the differences between teams are "
            "consistent with chance."
        )
        % {"level": level}
    ]


def _funnel_window(series: list[Series]) -> tuple[list[int], list[int]]:
    """The periods compared (positions, oldest first) and the teams with figures in all of them.

    Most teams first, then the most recent periods. Teams with the same periods of figures are
    counted together, so a large collaborative costs little more than a small one.
    """
    count = len(series[0].periods) if series else 0
    recent = range(max(0, count - FUNNEL_LOOKBACK), count)
    reported = [frozenset(i for i in recent if _has_figures(s, i)) for s in series]
    size = min(FUNNEL_PERIODS, len(frozenset().union(*reported)))
    if not size:
        return [], []
    alike = Counter(reported)
    best: tuple[int, tuple[int, ...]] = (0, ())
    for window in combinations(sorted(frozenset().union(*reported), reverse=True), size):
        teams = sum(n for periods, n in alike.items() if periods.issuperset(window))
        best = max(best, (teams, window))
    window = sorted(best[1])
    compared = [k for k, periods in enumerate(reported) if periods.issuperset(window)]
    return window, compared


def _has_figures(series: Series, i: int) -> bool:
    return (
        series.numerators[i] is not None
        and bool(series.denominators[i])
        and i not in series.excluded
    )


def _periods_label(periods: list[ReportingPeriod], window: list[int]) -> str:
    """The window in words: "August 2026 to October 2026", or each period when it has gaps."""
    if len(window) == 1:
        return periods[window[0]].label
    if all(b - a == 1 for a, b in pairwise(window)):
        return gettext("%(first)s to %(last)s") % {
            "first": periods[window[0]].label,
            "last": periods[window[-1]].label,
        }
    return ", ".join(periods[i].label for i in window)


def _level_name(level: str) -> str:
    return {"95": "95 %", "998": "99.8 %", "2sigma": "2σ", "3sigma": "3σ"}[level]


def _limits_line(inner: str, outer: str) -> str:
    return gettext("Dotted lines: %(inner)s limits; dashed lines: %(outer)s limits") % {
        "inner": inner,
        "outer": outer,
    }


def _method_lines(result: FunnelResult) -> list[str]:
    """The method and its dispersion in two short lines, for the charts' subtitles."""
    if result.method == "laney" and result.sigma_z is not None:
        return [gettext("Laney's limits"), f"σz = {result.sigma_z:.3g}"]
    if result.phi is None or result.tau2 is None:
        return [gettext("Plain limits")]
    if result.method == "spiegelhalter" and result.tau2 > 0:
        return [
            gettext("Random-effects limits (Spiegelhalter)"),
            f"φ = {result.phi:.3g}, τ² = {result.tau2:.3g}",
        ]
    return [gettext("Plain limits: no overdispersion"), f"φ = {result.phi:.3g}"]


def _method_sentence(result: FunnelResult, direction: str) -> str:
    """The engine's sentence naming the method and its dispersion.

    ``explain`` opens with it whenever the result carries φ (the ``"auto"`` method always does
    when there is a centre) or σz; after it come the units' own sentences.
    """
    if result.phi is None and result.sigma_z is None:
        return ""
    return explain(result, direction=direction, gettext=gettext)[0]


@dataclass(frozen=True)
class ReportingState:
    name: str
    css: str
    text: str
    hidden: str = ""  # words for screen readers beside a symbol


def reporting_states() -> dict[str, ReportingState]:
    """The cells' looks, translated once per table rather than once per cell."""
    return {
        "on_time": ReportingState("on_time", "text-success-emphasis", "✓", gettext("on time")),
        "late": ReportingState("late", "text-warning-emphasis", gettext("late")),
        "missing": ReportingState("missing", "text-danger", gettext("missing")),
        "open": ReportingState("open", "text-body-secondary", gettext("open")),
    }


@dataclass
class ReportingRow:
    period: ReportingPeriod
    cells: list[tuple[Any, ReportingState]]
    on_time: int
    late: int

    @property
    def rate(self) -> float | None:
        expected = len(self.cells)
        return (self.on_time + self.late) / expected if expected else None


def reporting_table(
    access: Access, periods: list[ReportingPeriod], teams: list[Any], last: int = 12
) -> list[ReportingRow]:
    """Which teams reported on time, late or not yet, for the most recent periods.

    ``teams`` are the labelled teams the viewer may see (see ``labelled_teams``).
    """
    schedule = _schedule(access.collaborative)
    recent = periods[-last:]
    submitted = Report.objects.filter(
        period__in=recent, team__in=[t.pk for t in teams], status=Report.Status.SUBMITTED
    )
    late_reports = {
        (team_id, period_id): is_late
        for team_id, period_id, is_late in submitted.values_list("team_id", "period_id", "is_late")
    }
    today = access.collaborative.today()
    looks = reporting_states()
    rows = []
    for period in reversed(recent):
        late_after = period.late_after(schedule) if schedule else period.due_on
        cells = []
        on_time = late = 0
        for team in teams:
            is_late = late_reports.get((team.pk, period.pk))
            if is_late is not None:
                state = "late" if is_late else "on_time"
                late += is_late
                on_time += not is_late
            elif today > late_after:
                state = "missing"
            else:
                state = "open"
            cells.append((team, looks[state]))
        rows.append(ReportingRow(period, cells, on_time, late))
    return rows


def _schedule(collaborative: Any) -> ReportingSchedule | None:
    # Read through the relation: Django keeps it, found or not, for the table and the trend.
    try:
        return collaborative.schedule
    except ReportingSchedule.DoesNotExist:
        return None


@dataclass
class ReportingRate:
    period: ReportingPeriod
    on_time: int
    late: int
    expected: int
    is_open: bool  # teams may still report without being late

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def reported_share(self) -> float:
        return 100 * self.reported / self.expected

    @property
    def on_time_share(self) -> float:
        return 100 * self.on_time / self.expected


@dataclass
class ReportingTrend:
    rates: list[ReportingRate]
    spec: dict[str, Any]
    summary: str


def reporting_trend(
    access: Access, periods: list[ReportingPeriod], teams: list[Any]
) -> ReportingTrend | None:
    """The share of the teams that reported, every period so far, counted in one query.

    ``teams`` are the ones the reporting table shows, so that the two agree.
    """
    if not teams or not periods:
        return None
    counts = {
        row["period_id"]: row
        for row in Report.objects.filter(
            period_id__in=[p.pk for p in periods],
            team_id__in=[t.pk for t in teams],
            status=Report.Status.SUBMITTED,
        )
        .values("period_id")
        .annotate(
            on_time=Count("pk", filter=Q(is_late=False)), late=Count("pk", filter=Q(is_late=True))
        )
    }
    schedule = _schedule(access.collaborative)
    today = access.collaborative.today()
    rates = []
    for period in periods:
        row = counts.get(period.pk, {})
        late_after = period.late_after(schedule) if schedule else period.due_on
        rates.append(
            ReportingRate(
                period, row.get("on_time", 0), row.get("late", 0), len(teams), today <= late_after
            )
        )
    return ReportingTrend(rates, _reporting_spec(rates), _reporting_summary(rates))


def _reporting_spec(rates: list[ReportingRate]) -> dict[str, Any]:
    on_time, late = gettext("On time"), gettext("Late")
    rows = []
    for rate in rates:
        period = {
            "start": chart_date(rate.period.starts_on),
            "label": rate.period.label,
            # Up to the period's last day, not past it: a thin gap between bars.
            "end": chart_date(rate.period.ends_on),
            "open": rate.is_open,
        }
        parts = [
            (on_time, 0, rate.on_time_share, rate.on_time),
            (late, rate.on_time_share, rate.reported_share, rate.late),
        ]
        rows += [
            {**period, "group": group, "y0": y0, "y1": y1, "teams": teams}
            for group, y0, y1, teams in parts
        ]
    return reporting_chart(
        rows,
        groups=[on_time, late],
        dates=(chart_date(rates[0].period.starts_on), chart_date(rates[-1].period.ends_on)),
        periods=len(rates),
        y_title=gettext("% of teams"),
    )


def _reporting_summary(rates: list[ReportingRate]) -> str:
    """The latest period whose reports are all due, in words."""
    closed = [rate for rate in rates if not rate.is_open]
    if not closed:
        return ""
    rate = closed[-1]
    return ngettext(
        "In %(period)s, %(reported)s of %(teams)s team reported (%(share)s%%): "
        "%(on_time)s on time, %(late)s late.",
        "In %(period)s, %(reported)s of %(teams)s teams reported (%(share)s%%): "
        "%(on_time)s on time, %(late)s late.",
        rate.expected,
    ) % {
        "period": rate.period.label,
        "reported": rate.reported,
        "teams": rate.expected,
        "share": round(rate.reported_share),
        "on_time": rate.on_time,
        "late": rate.late,
    }
