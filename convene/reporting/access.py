"""Lookups of reporting objects, inside a team the view has already looked up (and so checked)
through ``convene.collaboratives.access.team_for``: each answers 404 when the object is not
there."""

from __future__ import annotations

from django.http import Http404

from convene.collaboratives.models import Team
from convene.measures.models import ReportingPeriod

from .models import ProgressScore, Report, Value


def report_in(team: Team, period_id: int, submitted: bool = False) -> Report:
    """The team's report of a period of its collaborative: the stored one, or an unsaved draft
    while there is none; with ``submitted``, only a submitted one will do.

    ``report.team`` and ``report.period`` are loaded: views reach a period through here.
    """
    period = ReportingPeriod.objects.filter(
        pk=period_id, collaborative_id=team.collaborative_id
    ).first()
    if period is None:
        raise Http404
    report = Report.objects.filter(team=team, period=period).first()
    if submitted and (report is None or not report.is_locked):
        raise Http404
    if report is None:
        report = Report(team=team, period=period)
    report.team, report.period = team, period
    return report


def value_in(team: Team, value_id: int) -> Value:
    """One of the team's values, with its metric, period, stratum and last editor loaded."""
    value = (
        Value.objects.select_related("metric", "period", "stratum", "updated_by")
        .filter(pk=value_id, team=team)
        .first()
    )
    if value is None:
        raise Http404
    value.team = team
    return value


def progress_score_in(report: Report, rater: str) -> ProgressScore:
    """The score ``rater`` gives the team with its report of a period: the stored one, or a
    new unsaved one."""
    team, period = report.team, report.period
    score = ProgressScore.objects.filter(team=team, period=period, rater=rater).first()
    if score is None:
        score = ProgressScore(team=team, period=period, rater=rater)
    score.team, score.period = team, period
    return score
