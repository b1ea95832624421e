"""The dashboards: a team's charts, the collaborative's roll-up, and charts as files."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from convene.collaboratives.access import Access, collaborative_for, team_for
from convene.collaboratives.overview import labelled_teams
from convene.improvement.evaluation import testing_counts
from convene.measures.access import metric_in
from convene.measures.owed import reportable_periods
from convene.reporting.access import report_in
from convene.reporting.progress import collaborative_progress, team_progress

from .cache import cached_body, page_key
from .collaborative import metric_sections, reporting_table, reporting_trend, team_charts
from .files import (
    CHART_FORMATS,
    CONTROL_HEADER,
    ChartFile,
    control_rows,
    dashboard_chart,
    progress_file,
    respond,
)
from .period import period_figures
from .team import chart_for, team_cycle_marks, team_series
from .team import team_charts as charts_of_team


def _dashboard_key(name: str, access: Access, *parts: Any) -> str | None:
    """A cache key for a dashboard part: per data version, language, day and viewer."""
    collaborative = access.collaborative
    # What this person may see decides the page: which teams, under which labels.
    seen = (
        "all"
        if access.sees_all_teams
        else (sorted(access.team_ids), sorted(access.coached_team_ids), sorted(access.grants))
    )
    return page_key(
        name,
        collaborative.pk,
        get_language(),
        collaborative.today(),
        collaborative.sharing,
        collaborative.chart_rules,
        access.can("view_reporting_status"),
        seen,
        *parts,
    )


@login_required
def collaborative_dashboard(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_dashboard")

    def context() -> dict[str, Any]:
        # The stratification names the by-group charts.
        metrics = list(
            collaborative.metrics.filter(team__isnull=True).select_related("stratification")
        )
        periods = list(collaborative.periods.filter(starts_on__lte=collaborative.today()))
        teams = labelled_teams(access)
        with_reporting = access.can("view_reporting_status")
        return {
            "collaborative": collaborative,
            "access": access,
            "sections": metric_sections(access, metrics, periods, teams),
            "reporting": reporting_table(access, periods, teams) if with_reporting else [],
            "reporting_trend": (
                reporting_trend(access, periods, teams) if with_reporting else None
            ),
            "progress": collaborative_progress(collaborative, periods),
            "testing": testing_counts(collaborative, teams),
        }

    key = _dashboard_key("collaborative", access)
    body = cached_body(request, key, "dashboards/_collaborative_dashboard_body.html", context)
    return render(
        request,
        "dashboards/collaborative_dashboard.html",
        {"collaborative": collaborative, "access": access, "body": body},
    )


@login_required
def dashboard_team_charts(
    request: HttpRequest, collaborative_id: int, metric_id: int
) -> HttpResponse:
    """One metric, team by team: loaded into the dashboard as it scrolls into view, or a page.

    The dashboard does not carry every team's chart: with 30 teams and 5 metrics that is
    150 charts the browser would draw before anyone scrolls to them.
    """
    collaborative, access = collaborative_for(request, collaborative_id, "view_dashboard")
    metric = metric_in(collaborative, metric_id)

    def charts() -> dict[str, Any]:
        periods = list(collaborative.periods.filter(starts_on__lte=collaborative.today()))
        return {
            "collaborative": collaborative,
            "metric": metric,
            "charts": team_charts(access, metric, periods),
        }

    key = _dashboard_key("team-charts", access, metric.pk)
    body = cached_body(request, key, "dashboards/_team_charts.html", charts)
    context = {
        "collaborative": collaborative,
        "access": access,
        "metric": metric,
        "body": body,
    }
    if request.headers.get("HX-Request"):
        return render(request, "dashboards/_team_charts_fragment.html", context)
    return render(request, "dashboards/team_charts.html", context)


@login_required
def team_dashboard(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")

    def context() -> dict[str, Any]:
        return {
            "collaborative": team.collaborative,
            "team": team,
            "charts": charts_of_team(team),
            "progress": team_progress(team, reportable_periods(team)),
        }

    key = page_key(
        "team", team.collaborative_id, team.pk, get_language(), team.collaborative.today()
    )
    body = cached_body(request, key, "dashboards/_team_dashboard_body.html", context)
    return render(
        request,
        "dashboards/team_dashboard.html",
        {
            "collaborative": team.collaborative,
            "team": team,
            "access": access,
            "body": body,
        },
    )


@login_required
def period_figures_view(
    request: HttpRequest, collaborative_id: int, team_id: int, period_id: int
) -> HttpResponse:
    """A period's values, changes and charts: loaded into the period's report page, or a page."""
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    period = report_in(team, period_id).period
    context = {
        "collaborative": team.collaborative,
        "team": team,
        "access": access,
        "period": period,
        "figures": period_figures(team, period),
    }
    if request.headers.get("HX-Request"):
        return render(request, "dashboards/_period_figures.html", context)
    return render(request, "dashboards/period_figures.html", context)


@login_required
def team_chart_file(
    request: HttpRequest, collaborative_id: int, team_id: int, metric_id: int, fmt: str
) -> HttpResponse:
    """One chart of the team dashboard as a file: SVG or PNG from the same specification the
    page draws, or its data as CSV."""
    team, _access = team_for(request, collaborative_id, team_id, "view_team_data")
    if fmt not in CHART_FORMATS:
        raise Http404
    metric = metric_in(team, metric_id)
    periods = reportable_periods(team)
    series = team_series(team, [metric], periods)[0]
    title = f"{metric.name} · {team.name}"
    cycles = team_cycle_marks(team, [metric], periods).get((team.pk, metric.pk), [])
    chart = chart_for(series, title=title, rules=team.collaborative.chart_rules, cycles=cycles)
    name = f"{team.name}-{metric.short_name}"
    return respond(
        ChartFile(name, title, chart.sentences, chart.spec, CONTROL_HEADER, control_rows(chart)),
        fmt,
    )


@login_required
def team_progress_file(
    request: HttpRequest, collaborative_id: int, team_id: int, fmt: str
) -> HttpResponse:
    """The team's progress-score chart as a file, as its dashboard draws it."""
    team, _access = team_for(request, collaborative_id, team_id, "view_team_data")
    if fmt not in CHART_FORMATS:
        raise Http404
    found = progress_file(
        team_progress(team, reportable_periods(team)),
        f"{team.name}-{gettext('progress score')}",
    )
    if found is None:
        raise Http404
    return respond(found, fmt)


@login_required
def chart_file(request: HttpRequest, collaborative_id: int, chart: str, fmt: str) -> HttpResponse:
    """One chart of the collaborative dashboard as a file, as this person sees it there: a
    metric's roll-up ("all-teams-<metric>") or funnel ("funnel-<metric>"), the progress score
    ("progress") or the reporting rates ("reporting")."""
    collaborative, access = collaborative_for(request, collaborative_id, "view_dashboard")
    if fmt not in CHART_FORMATS:
        raise Http404
    kind, _dash, number = chart.rpartition("-")
    kind, metric_id = (kind, int(number)) if number.isdigit() and kind else (chart, None)
    metric = metric_in(collaborative, metric_id) if metric_id is not None else None
    periods = list(collaborative.periods.filter(starts_on__lte=collaborative.today()))
    found = dashboard_chart(access, kind, metric, periods)
    if found is None:
        raise Http404
    return respond(found, fmt)
