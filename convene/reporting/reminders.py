"""Reminders that escalate, run by ``manage.py notify`` (registered as the scan
``report_reminders``).

For every owed report not yet submitted (``owing.unsubmitted``), on the collaborative's
calendar at ``now``:

1. due soon: from ``remind_days_before`` days before the due date to the due date itself, the
   team's data lead(s) (none when the host set 0 days);
2. late: once the due date and the grace days have passed, the data lead(s) and the change
   leader(s);
3. still late ``escalate_after_days`` after that: the same people again, and the team's
   assigned coach(es).

Each step goes once per team, period and step (the notification's key; a reopened report
counts its steps afresh from its reopening, with fresh grace). A step passed over is not sent
late: a scan that finds a report already at step 3 sends step 3 only, and nothing is sent once
the report is submitted. Periods due more than ``HORIZON_DAYS`` ago are left alone, so the
first run on an old collaborative (or one that ended long ago) does not flood anyone with
reminders nobody can act on any more; the "who is slipping" page still counts them as missed.

A team whose routine reporting waits for its trial run (required and not yet accepted) is not
reminded of reports it cannot submit: its trial run is what it owes first, and "who is slipping"
shows it.

A scan makes a fixed number of queries whatever the number of teams and periods, plus the
rows of the notifications it makes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from convene.collaboratives.models import CoachAssignment, Team, TeamMembership, TeamRole
from convene.notifications.api import notify
from convene.notifications.models import Notification

from .events import COACH, period_link, period_name
from .owing import Owing, open_for_reporting, unsubmitted

HORIZON_DAYS = 90

DUE_SOON = "due_soon"
LATE = "late"
ESCALATED = "escalated"


@dataclass
class People:
    """Whom to remind, by team: loaded for every team at once."""

    data_leads: dict[int, list[Any]]
    change_leaders: dict[int, list[Any]]
    coaches: dict[int, list[Any]]

    @classmethod
    def of(cls, team_ids: set[int]) -> People:
        data_leads: dict[int, list[Any]] = {}
        change_leaders: dict[int, list[Any]] = {}
        coaches: dict[int, list[Any]] = {}
        memberships = (
            TeamMembership.objects.current()
            .filter(team_id__in=team_ids, role__in=[TeamRole.DATA_LEAD, TeamRole.CHANGE_LEADER])
            .select_related("user")
            .order_by("pk")
        )
        for membership in memberships:
            into = data_leads if membership.role == TeamRole.DATA_LEAD else change_leaders
            into.setdefault(membership.team_id, []).append(membership.user)
        assignments = (
            CoachAssignment.objects.current()
            .filter(team_id__in=team_ids)
            .select_related("coach")
            .order_by("pk")
        )
        for assignment in assignments:
            coaches.setdefault(assignment.team_id, []).append(assignment.coach)
        return cls(data_leads, change_leaders, coaches)

    def leads(self, team_id: int) -> list[Any]:
        return [*self.data_leads.get(team_id, []), *self.change_leaders.get(team_id, [])]


def step_of(owing: Owing) -> str | None:
    """The one step due for this report today, the furthest one reached."""
    if owing.is_escalated:
        return ESCALATED
    if owing.is_late:
        return LATE
    if owing.is_due_soon:
        return DUE_SOON
    return None


def key_of(owing: Owing, step: str) -> str:
    team, period = owing.team.pk, owing.period.pk
    if step == DUE_SOON:
        return f"report_due_soon:{team}:{period}"
    reopened = owing.report.reopened_at if owing.report is not None else None
    opening = f":r{int(reopened.timestamp())}" if reopened is not None else ""
    return f"report_overdue:{team}:{period}:{step}{opening}"


def text_of(owing: Owing, step: str) -> Callable[[], str]:
    """The reminder in words, in the reader's language when called."""

    def text() -> str:
        names = {
            "team": owing.team.name,
            "period": period_name(owing.period),
            "due": date_format(owing.due_on, "DATE_FORMAT"),
        }
        if step == DUE_SOON:
            return _("%(team)s's report for %(period)s is due on %(due)s.") % names
        if step == LATE:
            return _("%(team)s's report for %(period)s is late: it was due on %(due)s.") % names
        names["days"] = (owing.today - owing.due_on).days
        return (
            _(
                "%(team)s's report for %(period)s is still missing, %(days)s days after it "
                "was due on %(due)s."
            )
            % names
        )

    return text


def scan(now: datetime) -> int:
    """Send every reminder step due at ``now``; returns how many notifications were made."""
    teams = Team.objects.filter(collaborative__deleted_at__isnull=True).select_related(
        "collaborative"
    )
    due = [
        (owing, step)
        for owing in open_for_reporting(unsubmitted(teams, now, within_days=HORIZON_DAYS))
        if (step := step_of(owing)) is not None
    ]
    if not due:
        return 0
    people = People.of({owing.team.pk for owing, _step in due})
    told = set(
        Notification.objects.filter(key__in=[key_of(o, s) for o, s in due]).values_list(
            "recipient_id", "key"
        )
    )
    made = 0
    for owing, step in due:
        team = owing.team
        key = key_of(owing, step)
        if step == DUE_SOON:
            groups = [(people.data_leads.get(team.pk, []), None)]
        elif step == LATE:
            groups = [(people.leads(team.pk), None)]
        else:
            groups = [(people.leads(team.pk), None), (people.coaches.get(team.pk, []), COACH)]
        kind = "report_due_soon" if step == DUE_SOON else "report_overdue"
        for recipients, role in groups:
            untold = [person for person in recipients if (person.pk, key) not in told]
            if not untold:
                continue
            made += len(
                notify(
                    untold,
                    kind,
                    key=key,
                    text=text_of(owing, step),
                    link=period_link(team, owing.period),
                    collaborative=team.collaborative,
                    team=team,
                    subject=owing.report or owing.period,
                    role=role,
                )
            )
            told.update((person.pk, key) for person in untold)
    return made
