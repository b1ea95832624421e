"""What reporting tells people: its kinds of notification, and one function per event.

Each event is called where the thing happens, inside its transaction, so a refused or rolled
back save tells nobody. The person who did it is never told. Texts are callables: ``notify``
renders them in each recipient's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.collaboratives.access import LEAD_ROLES
from convene.collaboratives.models import CoachAssignment, CollaborativeRole, Team, TeamMembership
from convene.measures.models import ReportingPeriod
from convene.notifications.api import notify
from convene.notifications.kinds import Kind, register
from convene.notifications.models import Channel

from .models import Feedback, Report

COACH = CollaborativeRole.COACH.value

KINDS = [
    Kind(
        "report_due_soon",
        gettext_lazy("A report is due soon"),
        gettext_lazy("Your team's report is due in a few days and has not been submitted yet."),
    ),
    Kind(
        "report_overdue",
        gettext_lazy("A report is late"),
        gettext_lazy(
            "A team's report is past its due date and its grace days; its coach hears of it "
            "when it stays missing."
        ),
    ),
    Kind(
        "report_submitted",
        gettext_lazy("A team submitted its report"),
        gettext_lazy("A team you coach submitted its report for a period."),
        # Only coaches hear of it, and a coach of eight teams would hear of it eight times a
        # month: a digest unless they choose otherwise (the preferences page shows this default).
        default=Channel.DIGEST,
    ),
    Kind(
        "feedback_given",
        gettext_lazy("Feedback on your team's report"),
        gettext_lazy("A coach or faculty member commented on your team's report."),
    ),
    Kind(
        "report_reopened",
        gettext_lazy("A report was reopened"),
        gettext_lazy("A host opened your team's submitted report again so it can be changed."),
    ),
]


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)


def period_name(period: ReportingPeriod) -> str:
    """The period as the reader writes it ("March 2026"), in the active language: unlike
    ``period.label`` it is not remembered on the object, which serves readers of every
    language in one run."""
    if (period.ends_on - period.starts_on).days > 7:
        return date_format(period.starts_on, "YEAR_MONTH_FORMAT")
    return date_format(period.starts_on, "SHORT_DATE_FORMAT")


def period_link(team: Team, period: ReportingPeriod) -> str:
    return reverse("reporting:period-report", args=[team.collaborative_id, team.pk, period.pk])


def _about(team: Team, period: ReportingPeriod, message: Callable[[], str]) -> dict[str, Any]:
    return {
        "text": message,
        "link": period_link(team, period),
        "collaborative": team.collaborative,
        "team": team,
    }


def coaches_of(team: Team) -> list[Any]:
    assignments = CoachAssignment.objects.current().filter(team=team).select_related("coach")
    return [assignment.coach for assignment in assignments]


def leads_of(team: Team) -> list[Any]:
    """The team's data lead(s) and change leader(s)."""
    memberships = (
        TeamMembership.objects.current()
        .filter(team=team, role__in=LEAD_ROLES)
        .select_related("user")
    )
    return [membership.user for membership in memberships]


def opening(report: Report) -> int:
    """Which opening of the report this is: 0 until a host reopens it, then the moment of the
    last reopening. A submission is one event per opening (a double post is one, a
    resubmission after reopening another)."""
    return int(report.reopened_at.timestamp()) if report.reopened_at else 0


def report_submitted(report: Report, by: Any) -> None:
    """Tell the team's assigned coach(es) that the report is in."""
    team, period = report.team, report.period

    def text() -> str:
        if report.is_late:
            return _("%(team)s submitted its report for %(period)s, late.") % {
                "team": team.name,
                "period": period_name(period),
            }
        return _("%(team)s submitted its report for %(period)s.") % {
            "team": team.name,
            "period": period_name(period),
        }

    notify(
        coaches_of(team),
        "report_submitted",
        actor=by,
        key=f"report_submitted:{report.pk}:{opening(report)}",
        subject=report,
        role=COACH,
        **_about(team, period, text),
    )


def _told_of_report(report: Report) -> list[Any]:
    """The team's leads and whoever submitted the report."""
    return [*leads_of(report.team), report.submitted_by]


def feedback_given(feedback: Feedback, by: Any) -> None:
    """Tell the team's leads and whoever submitted the report that feedback came."""
    report = feedback.report
    team, period = report.team, report.period

    def text() -> str:
        return _("%(person)s gave feedback on %(team)s's report for %(period)s.") % {
            "person": str(by),
            "team": team.name,
            "period": period_name(period),
        }

    notify(
        _told_of_report(report),
        "feedback_given",
        actor=by,
        key=f"feedback_given:{feedback.pk}",
        subject=feedback,
        **_about(team, period, text),
    )


def report_reopened(report: Report, by: Any) -> None:
    """Tell the team's leads and whoever submitted the report that it is open again."""
    team, period = report.team, report.period

    def text() -> str:
        return _("%(team)s's report for %(period)s was reopened: it can be changed again.") % {
            "team": team.name,
            "period": period_name(period),
        }

    notify(
        _told_of_report(report),
        "report_reopened",
        actor=by,
        key=f"report_reopened:{report.pk}:{opening(report)}",
        subject=report,
        **_about(team, period, text),
    )
