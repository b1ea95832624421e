"""What reporting adds to a person's to-do list and to the "who is slipping" rows of teams.

Registered from ``AppConfig.ready`` with ``collaboratives.providers``; each answers for every
team or collaborative at once, in a fixed number of queries. What is owed and not submitted
comes from ``owing.unsubmitted``, as for the reminders.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from convene.collaboratives.models import Collaborative, Team
from convene.collaboratives.providers import Signal, ToDo
from convene.measures.models import ReportingSchedule

from .events import period_link, period_name
from .models import Feedback, ProgressScore, Report
from .owing import Owing, open_for_reporting, unsubmitted

# The order of slipping teams: a missed report weighs most, then a falling score.
MISSED_WEIGHT = 10
FELL_WEIGHT = 3


def to_do(user: Any, accesses: dict[int, Any]) -> list[ToDo]:
    """Reports to submit (due soon or overdue) on the person's own teams where they may enter
    the data, and feedback to give on reports of the teams they coach."""
    own = {
        team_id
        for access in accesses.values()
        for team_id in access.team_ids
        if access.can("enter_team_data", Team(pk=team_id))
    }
    coached = {team_id for access in accesses.values() for team_id in access.coached_team_ids}
    collaboratives = {pk: access.collaborative for pk, access in accesses.items()}
    return [*_reports_to_submit(own, collaboratives), *_feedback_to_give(coached, collaboratives)]


def _reports_to_submit(team_ids: set[int], collaboratives: dict[int, Any]) -> list[ToDo]:
    if not team_ids:
        return []
    teams = list(Team.objects.filter(pk__in=team_ids, collaborative_id__in=collaboratives))
    for team in teams:
        team.collaborative = collaboratives[team.collaborative_id]
    items = []
    for owing in open_for_reporting(unsubmitted(teams, timezone.now())):
        if not (owing.is_due_soon or owing.is_overdue):
            continue
        names = {"team": owing.team.name, "period": period_name(owing.period)}
        items.append(
            ToDo(
                text=_("Submit %(team)s's report for %(period)s") % names,
                link=period_link(owing.team, owing.period),
                collaborative=owing.team.collaborative,
                due_on=owing.due_on,
                is_overdue=owing.is_overdue,
                kind="submit_report",
            )
        )
    return items


def _feedback_to_give(team_ids: set[int], collaboratives: dict[int, Any]) -> list[ToDo]:
    if not team_ids:
        return []
    reports = (
        Report.objects.filter(
            team_id__in=team_ids,
            team__collaborative_id__in=collaboratives,
            team__deleted_at__isnull=True,
            status=Report.Status.SUBMITTED,
        )
        .filter(~Exists(Feedback.objects.filter(report=OuterRef("pk"))))
        .select_related("team", "period")
        .order_by("submitted_at", "pk")
    )
    items = []
    for report in reports:
        team = report.team
        team.collaborative = collaboratives[team.collaborative_id]
        names = {"team": team.name, "period": period_name(report.period)}
        items.append(
            ToDo(
                text=_("Give feedback on %(team)s's report for %(period)s") % names,
                link=period_link(team, report.period),
                collaborative=team.collaborative,
                kind="give_feedback",
            )
        )
    return items


LAST_REPORT = gettext_lazy("Last report")
MISSED = gettext_lazy("Missed reports")
AWAITING_FEEDBACK = gettext_lazy("Awaiting feedback")
PROGRESS = gettext_lazy("Progress score")


def signals(
    collaborative: Collaborative, teams: list[Team], access: Any
) -> dict[int, list[Signal]]:
    """Per team: its last report and how late, the reports it missed, the reports awaiting
    feedback, and its last progress score with the trend. Five queries, however many teams."""
    for team in teams:
        team.collaborative = collaborative
    schedule = ReportingSchedule.objects.filter(collaborative=collaborative).first()
    missed: dict[int, list[Owing]] = {team.pk: [] for team in teams}
    for owing in unsubmitted(teams, timezone.now()):
        if owing.is_late:
            missed[owing.team.pk].append(owing)
    submitted = (
        Report.objects.filter(team__in=teams, status=Report.Status.SUBMITTED)
        .annotate(has_feedback=Exists(Feedback.objects.filter(report=OuterRef("pk"))))
        .select_related("period")
        .order_by("period__starts_on")
    )
    last: dict[int, Report] = {}
    waiting: dict[int, list[Report]] = {team.pk: [] for team in teams}
    for report in submitted:
        last[report.team_id] = report
        if not report.has_feedback:
            waiting[report.team_id].append(report)
    scores = _scores(teams)
    by_team = {team.pk: team for team in teams}
    return {
        pk: [
            _last_report(collaborative, team, last.get(pk), schedule),
            _missed(team, missed[pk]),
            _awaiting_feedback(team, waiting[pk]),
            _progress(team, scores.get(pk, [])),
        ]
        for pk, team in by_team.items()
    }


def _last_report(
    collaborative: Collaborative,
    team: Team,
    report: Report | None,
    schedule: ReportingSchedule | None,
) -> Signal:
    if report is None:
        return Signal("last_report", LAST_REPORT, _("None yet"))
    period = report.period
    late = 0
    if report.is_late and schedule is not None and report.submitted_at is not None:
        on = collaborative.local(report.submitted_at).date()
        late = max(0, (on - period.late_after(schedule)).days)
    if late:
        when = ngettext("%(days)s day late", "%(days)s days late", late) % {"days": late}
    else:
        when = _("on time")
    return Signal(
        "last_report",
        LAST_REPORT,
        f"{period_name(period)} · {when}",
        link=period_link(team, period),
        sort=period.starts_on,
    )


def _missed(team: Team, missed: list[Owing]) -> Signal:
    count = len(missed)
    if not count:
        return Signal("missed_reports", MISSED, _("None"), sort=0)
    words = ngettext("%(count)s report missed", "%(count)s reports missed", count) % {
        "count": count
    }
    return Signal(
        "missed_reports",
        MISSED,
        words,
        link=period_link(team, missed[0].period),  # the oldest
        slipping=words,
        weight=MISSED_WEIGHT * count,
        sort=count,
    )


def _awaiting_feedback(team: Team, reports: list[Report]) -> Signal:
    count = len(reports)
    if not count:
        return Signal("awaiting_feedback", AWAITING_FEEDBACK, _("None"), sort=0)
    words = ngettext(
        "%(count)s report awaiting feedback", "%(count)s reports awaiting feedback", count
    ) % {"count": count}
    oldest = reports[0]
    return Signal(
        "awaiting_feedback",
        AWAITING_FEEDBACK,
        words,
        link=period_link(team, oldest.period),
        sort=count,
    )


def _scores(teams: list[Team]) -> dict[int, list[ProgressScore]]:
    """Each team's score of each scored period, oldest first: the coach's where the coach
    rated the period, else the team's own."""
    chosen: dict[tuple[int, int], ProgressScore] = {}
    for score in ProgressScore.objects.filter(team__in=teams).select_related("period"):
        key = (score.team_id, score.period_id)
        if key not in chosen or score.rater == ProgressScore.Rater.COACH:
            chosen[key] = score
    by_team: dict[int, list[ProgressScore]] = {}
    for score in sorted(chosen.values(), key=lambda s: s.period.starts_on):
        by_team.setdefault(score.team_id, []).append(score)
    return by_team


def _progress(team: Team, scores: list[ProgressScore]) -> Signal:
    if not scores:
        return Signal("progress_score", PROGRESS, _("Not scored yet"))
    last = scores[-1]
    link = period_link(team, last.period)
    names = {"score": last.score, "name": last.name, "period": period_name(last.period)}
    if len(scores) < 2:
        text = _("%(score)s · %(name)s (%(period)s)") % names
        return Signal("progress_score", PROGRESS, text, link=link, sort=last.score)
    before = scores[-2].score
    names["before"] = before
    if last.score > before:
        text = _("%(score)s · %(name)s (%(period)s), up from %(before)s") % names
    elif last.score < before:
        text = _("%(score)s · %(name)s (%(period)s), down from %(before)s") % names
        return Signal(
            "progress_score",
            PROGRESS,
            text,
            link=link,
            slipping=_("Progress score fell from %(before)s to %(score)s") % names,
            weight=FELL_WEIGHT,
            sort=last.score,
        )
    else:
        text = _("%(score)s · %(name)s (%(period)s), unchanged") % names
    return Signal("progress_score", PROGRESS, text, link=link, sort=last.score)
