"""The collaborative dashboard: every team per metric, the roll-up, a funnel and reporting."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from statistics import median
from typing import Any

from django.utils.translation import gettext, ngettext

from convene.charts.specs import (
    chart_date,
    funnel_chart,
    ranked_chart,
    reporting_chart,
    share_y_scale,
)
from convene.collaboratives.access import Access
from convene.collaboratives.overview import labelled_teams
from convene.improvement.access import visible_cycles
from convene.improvement.annotations import cycle_marks
from convene.measures.models import Metric, ReportingPeriod, ReportingSchedule
from convene.measures.owed import HISTORY, OWED, owing_teams
from convene.reporting.models import Report
from convene.spc import FunnelResult, explain, funnel

from .team import (
    MetricChart,
    Series,
    StrataChart,
    StratumSeries,
    chart_for,
    collaborative_series,
    rollup_phases,
    strata_chart_for,
    teams_reported,
    verdicts,
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
    # The latest period every team that owes it reported, and the latest one if later.
    complete: str = ""
    # A balancing measure is watched for harm: the teams it shows worse.
    worse: int = 0
    worse_named: list[str] = field(default_factory=list)

    @property
    def spec_id(self) -> str:
        return f"agg-{self.metric.pk}"

    @property
    def funnel_id(self) -> str:
        return f"funnel-{self.metric.pk}"

    @property
    def funnel_ranked_id(self) -> str:
        return f"funnel-ranked-{self.metric.pk}"

    @property
    def rollup_file(self) -> str:
        """The roll-up's name among the dashboard's chart files (``dashboards:chart-file``)."""
        return f"all-teams-{self.metric.pk}"

    @property
    def funnel_file(self) -> str:
        return f"funnel-{self.metric.pk}"

    @property
    def has_chart(self) -> bool:
        """Figures to draw: complete periods, or incomplete ones drawn hollow."""
        series = self.aggregate.series
        return series.has_data or any(v is not None for v in series.partial.values())

    @property
    def is_balancing(self) -> bool:
        return self.metric.category == Metric.Category.BALANCING

    @property
    def headline(self) -> str:
        """How many teams improve; for a balancing measure, which teams are worse."""
        counts = {"teams": self.improving, "reporting": self.reporting}
        if not self.is_balancing:
            return (
                ngettext(
                    "%(teams)s of %(reporting)s reporting teams shows improvement",
                    "%(teams)s of %(reporting)s reporting teams show improvement",
                    self.improving,
                )
                % counts
            )
        if not self.worse:
            return (
                ngettext(
                    "No team worse (%(reporting)s reporting team)",
                    "No team worse (%(reporting)s reporting teams)",
                    self.reporting,
                )
                % counts
            )
        counts["teams"] = self.worse
        worse = (
            ngettext(
                "%(teams)s of %(reporting)s reporting teams worse",
                "%(teams)s of %(reporting)s reporting teams worse",
                self.worse,
            )
            % counts
        )
        names = list(self.worse_named)
        unnamed = self.worse - len(names)
        if names and unnamed:
            names.append(ngettext("%(n)s other", "%(n)s others", unnamed) % {"n": unnamed})
        return f"{worse}: {', '.join(names)}" if names else worse


# Kinds whose roll-up adds the teams' figures up (a proportion of all the teams' patients,
# all their events); the others are each team's own summary figure (a median time, a mean
# pressure, days between events), which the roll-up gives as the median of the teams'.
SUMMED = {Metric.Kind.PROPORTION, Metric.Kind.RATE, Metric.Kind.COUNT}


def shown_by_roll_up(metric: Metric) -> str:
    """What a roll-up's values are, in words for its subtitle and axis."""
    if metric.kind in SUMMED:
        return ""
    return gettext("median of the teams' values")


def _combined(metric: Metric, pairs: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    """The teams' figures of one period as one: summed, or the median of the values."""
    if not pairs:
        return None, None
    if metric.kind not in SUMMED:
        return median(n for n, _d in pairs), None
    total = sum((n for n, _d in pairs), 0.0)
    return total, (sum((d or 0.0 for _n, d in pairs), 0.0) if metric.has_denominator else None)


def _plotted(metric: Metric, numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or (metric.has_denominator and not denominator):
        return None
    if not metric.has_denominator:
        return numerator
    return numerator / (denominator or 1.0) * metric.multiplier


def _aggregate(
    metric: Metric, all_series: list[Series], expected: list[list[int]] | None = None
) -> Series:
    """The teams' figures period by period as one (see ``SUMMED``), complete periods only.

    ``expected[i]`` lists the series (by position) that owe period ``i`` (every one when
    None). A period is complete when each of them has a figure for the metric; an excluded
    figure counts as reported (the team reported; a person set the figure aside) but is not
    added in. An incomplete period reaches the engine as missing: its figure, from the teams
    that reported, is kept in ``partial`` to be drawn hollow with ``coverage``.
    """
    periods = all_series[0].periods if all_series else []
    numerators: list[float | None] = []
    denominators: list[float | None] = []
    coverage: list[tuple[int, int]] = []
    partial: dict[int, float | None] = {}
    for i in range(len(periods)):
        owing = [all_series[k] for k in expected[i]] if expected is not None else all_series
        reported = [s for s in owing if s.numerators[i] is not None]
        pairs = [(s.numerators[i], s.denominators[i]) for s in reported if i not in s.excluded]
        if metric.has_denominator:
            pairs = [(n, d) for n, d in pairs if d]
        numerator, denominator = _combined(metric, pairs)
        coverage.append((len(reported), len(owing)))
        if owing and len(reported) == len(owing):
            numerators.append(numerator)
            denominators.append(denominator)
        else:
            numerators.append(None)
            denominators.append(None)
            partial[i] = _plotted(metric, numerator, denominator)
    return Series(metric, periods, numerators, denominators, coverage=coverage, partial=partial)


def _aggregate_strata(
    metric: Metric, all_series: list[Series], total: Series
) -> list[StratumSeries]:
    """Each group's roll-up across the teams, made like the total's, for the periods the
    total is complete in (the by-group chart and its gap sentence quote no half month)."""
    by_group: dict[int, list[StratumSeries]] = defaultdict(list)
    for series in all_series:
        for group in series.strata:
            by_group[group.stratum_id].append(group)
    rolled_up = []
    for groups in by_group.values():
        series = _aggregate(metric, [group.series for group in groups])
        for i in range(len(series.periods)):
            if not total.is_complete(i):
                series.numerators[i] = series.denominators[i] = None
        series.coverage, series.partial = [], {}
        rolled_up.append(
            StratumSeries(groups[0].stratum_id, groups[0].name, groups[0].position, series)
        )
    return sorted(rolled_up, key=lambda group: group.order)


def _expected(
    metric: Metric,
    teams: list[Any],
    all_series: list[Series],
    periods: list[ReportingPeriod],
    owing: dict[int, dict[int, str | None]],
) -> list[list[int]]:
    """Per period, the positions of the teams expected to report the metric: those that owe
    the period or were asked for it as history. An optional metric (not every team must
    report it) is expected only of the teams that report it at all."""
    takes_part = [metric.is_required or s.has_data for s in all_series]
    return [
        [k for k, team in enumerate(teams) if takes_part[k] and owing[period.pk][team.pk]]
        for period in periods
    ]


def latest_complete(series: Series) -> str:
    """The headline of a roll-up: its latest complete period, and a later incomplete one."""
    if not series.coverage:
        return ""
    monthly = (
        bool(series.periods) and (series.periods[0].ends_on - series.periods[0].starts_on).days > 7
    )
    complete = [i for i in range(len(series.periods)) if series.is_complete(i)]
    parts = []
    if complete:
        i = complete[-1]
        words = {
            "period": series.periods[i].label,
            "teams": teams_reported(*series.coverage[i]),
        }
        if monthly:
            parts.append(gettext("Latest complete month: %(period)s (%(teams)s).") % words)
        else:
            parts.append(gettext("Latest complete week: %(period)s (%(teams)s).") % words)
    later = [
        i
        for i in range(complete[-1] + 1 if complete else 0, len(series.periods))
        if series.coverage[i][0]
    ]
    if later:
        i = later[-1]
        parts.append(
            gettext("%(period)s so far: %(teams)s, drawn hollow, no limits or signals from it.")
            % {"period": series.periods[i].label, "teams": teams_reported(*series.coverage[i])}
        )
    return " ".join(parts)


def metric_sections(
    access: Access, metrics: list[Metric], periods: list[ReportingPeriod], visible: list[Any]
) -> list[MetricSection]:
    """Per metric: the roll-up chart, how many teams improve (or, for a balancing measure,
    are worse), and the funnel plot.

    Every team counts in the roll-up and the counts, whatever the viewer may see of each
    team; the funnel compares only the ``visible`` ones (see ``labelled_teams``), and only
    they are named.
    """
    collaborative = access.collaborative
    teams = list(collaborative.teams.all())
    shown = {team.pk: team for team in visible}
    series_by_team = collaborative_series(teams, metrics, periods)
    phases = rollup_phases(metrics, periods)
    owing = owing_teams(teams, periods)
    sections = []
    for index, metric in enumerate(metrics):
        all_series = [series_by_team[team.pk][index] for team in teams]
        total = _aggregate(metric, all_series, _expected(metric, teams, all_series, periods, owing))
        total.phases = phases.get(metric.pk, [])
        aggregate = chart_for(
            total,
            title=gettext("%(metric)s: all teams") % {"metric": metric.name},
            rules=collaborative.chart_rules,
            shown=shown_by_roll_up(metric),
        )
        section = MetricSection(metric, aggregate, complete=latest_complete(total))
        section.strata = strata_chart_for(
            metric, periods, _aggregate_strata(metric, all_series, total), f"all-{metric.pk}"
        )
        reporting = [(t, s) for t, s in zip(teams, all_series, strict=True) if s.has_data]
        section.reporting = len(reporting)
        judged = verdicts([s for _t, s in reporting], collaborative.chart_rules)
        section.improving = sum(verdict.improving for verdict in judged)
        worse = [t for (t, _s), v in zip(reporting, judged, strict=True) if v.deteriorating]
        section.worse = len(worse)
        section.worse_named = sorted(
            (shown[t.pk].label for t in worse if t.pk in shown), key=str.lower
        )
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

    Named teams first, then the anonymised ones, each group by label. Each chart marks the
    team's PDSA cycles the viewer may read (``visible_cycles``): all of them for the team
    itself, its coach, hosts, planners and faculty; the ones it shared for other teams where
    the sharing setting shows them other teams (never under aggregate-only).
    """
    teams = labelled_teams(access)
    series_by_team = collaborative_series(teams, [metric], periods)
    marks = cycle_marks(visible_cycles(access).filter(team__in=teams), [metric], periods)
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
                cycles=marks.get((team.pk, metric.pk), []),
            )
            charts.append((team, chart))
    charts.sort(key=lambda pair: (not pair[0].is_named, pair[0].label.lower()))
    # One y-scale for every team: side by side, a higher line is a higher value.
    share_y_scale([chart.spec for _team, chart in charts], metric.kind == Metric.Kind.PROPORTION)
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
        # Baseline history asked of a team that joined later: counted apart, never missing.
        "history": ReportingState(
            "history", "text-success-emphasis fst-italic", gettext("history ✓"), gettext("received")
        ),
        "history_asked": ReportingState(
            "history_asked", "text-body-secondary fst-italic", gettext("history asked")
        ),
        "not_owed": ReportingState(
            "not_owed", "text-body-secondary", "·", gettext("before the team joined")
        ),
    }


@dataclass
class ReportingRow:
    period: ReportingPeriod
    cells: list[tuple[Any, ReportingState]]
    on_time: int
    late: int
    expected: int = 0  # teams that owe the period
    history_asked: int = 0  # teams asked for it as baseline history
    history_received: int = 0

    @property
    def rate(self) -> float | None:
        return (self.on_time + self.late) / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


def _submitted(periods: list[ReportingPeriod], teams: list[Any]) -> dict[tuple[int, int], bool]:
    """{(team id, period id): is late} for the submitted reports, in one query."""
    submitted = Report.objects.filter(
        period__in=[p.pk for p in periods],
        team__in=[t.pk for t in teams],
        status=Report.Status.SUBMITTED,
    )
    return {
        (team_id, period_id): is_late
        for team_id, period_id, is_late in submitted.values_list("team_id", "period_id", "is_late")
    }


def reporting_table(
    access: Access, periods: list[ReportingPeriod], teams: list[Any], last: int = 12
) -> list[ReportingRow]:
    """Which teams reported on time, late or not yet, for the most recent periods.

    ``teams`` are the labelled teams the viewer may see (see ``labelled_teams``). A period
    before a team joined is not missing: it is history asked (counted apart) or not owed.
    """
    schedule = _schedule(access.collaborative)
    recent = periods[-last:]
    late_reports = _submitted(recent, teams)
    owing = owing_teams(teams, recent)
    today = access.collaborative.today()
    looks = reporting_states()
    rows = []
    for period in reversed(recent):
        late_after = period.late_after(schedule) if schedule else period.due_on
        row = ReportingRow(period, [], 0, 0)
        for team in teams:
            is_late = late_reports.get((team.pk, period.pk))
            owed = owing[period.pk][team.pk]
            if owed == HISTORY:
                row.history_asked += 1
                row.history_received += is_late is not None
                state = "history" if is_late is not None else "history_asked"
            elif owed is None:
                state = "not_owed"
            elif is_late is not None:
                state = "late" if is_late else "on_time"
                row.late += is_late
                row.on_time += not is_late
            else:
                state = "missing" if today > late_after else "open"
            row.expected += owed == OWED
            row.cells.append((team, looks[state]))
        rows.append(row)
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
    """The share of the teams that owe each period that reported it, every period so far.

    ``teams`` are the ones the reporting table shows, so that the two agree. Periods that no
    team owes (baseline history before the teams joined) are left out: history is counted
    apart, in the table.
    """
    if not teams or not periods:
        return None
    reports = _submitted(periods, teams)
    owing = owing_teams(teams, periods)
    schedule = _schedule(access.collaborative)
    today = access.collaborative.today()
    rates = []
    for period in periods:
        owed = [team.pk for team in teams if owing[period.pk][team.pk] == OWED]
        if not owed:
            continue
        late = [reports[(pk, period.pk)] for pk in owed if (pk, period.pk) in reports]
        late_after = period.late_after(schedule) if schedule else period.due_on
        rates.append(
            ReportingRate(
                period, late.count(False), late.count(True), len(owed), today <= late_after
            )
        )
    if not rates:
        return None
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
