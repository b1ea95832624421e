"""Which reports teams owe and have not submitted: the one computation the reminders, the
to-do list and the "who is slipping" signals share.

A team owes a period by ``measures.owed.owes`` (from the period it joined in; baseline history
is never owed). A report counts as submitted while it is locked; a report a host reopened is
open again and owed again, with fresh grace: it is late only ``grace_days`` after the day it
was reopened (on the collaborative's calendar), so reopening a long-past period does not make
the team late the same day.

Everything is loaded for many teams at once: three queries (schedules, periods, reports)
however many teams and periods there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from convene.collaboratives.models import Team
from convene.measures.models import ReportingPeriod, ReportingSchedule
from convene.measures.owed import OWED, owes
from convene.trials.models import TrialRun
from convene.trials.trial import why_closed

from .models import Report


@dataclass
class Owing:
    """One owed period of one team with no submitted report, seen on ``today`` (the
    collaborative's date)."""

    team: Team
    period: ReportingPeriod
    schedule: ReportingSchedule
    report: Report | None  # the team's draft (or reopened report), if it has one
    today: date

    @property
    def due_on(self) -> date:
        return self.period.due_on

    @property
    def reopened_on(self) -> date | None:
        if self.report is None or self.report.reopened_at is None:
            return None
        return self.team.collaborative.local(self.report.reopened_at).date()

    @property
    def late_after(self) -> date:
        """The last day before the report is late: the due date plus grace, or for a report
        a host reopened, the reopening day plus grace when that is later."""
        late_after = self.period.late_after(self.schedule)
        reopened_on = self.reopened_on
        if reopened_on is not None:
            late_after = max(late_after, reopened_on + timedelta(days=self.schedule.grace_days))
        return late_after

    @property
    def is_due_soon(self) -> bool:
        """Within the host's reminder days before the due date (never for a reopened report:
        the team was told of the reopening)."""
        days = self.schedule.remind_days_before
        if not days or self.reopened_on is not None:
            return False
        return self.due_on - timedelta(days=days) <= self.today <= self.due_on

    @property
    def is_overdue(self) -> bool:
        """Past the due date (perhaps still within the grace days)."""
        return self.today > self.due_on

    @property
    def is_late(self) -> bool:
        """Past the due date and the grace days: the report is missed."""
        return self.today > self.late_after

    @property
    def is_escalated(self) -> bool:
        """Still missing ``escalate_after_days`` after it became late: the coach is told."""
        return self.today > self.late_after + timedelta(days=self.schedule.escalate_after_days)

    @property
    def days_late(self) -> int:
        return max(0, (self.today - self.late_after).days)


def unsubmitted(
    teams: Iterable[Team], now: datetime, *, within_days: int | None = None
) -> list[Owing]:
    """Every owed period of ``teams`` that has begun and has no submitted report, in period
    order; with ``within_days``, only periods due at most that many days ago.

    The teams' collaboratives must be loaded with them (``select_related("collaborative")``
    or ``collaborative.teams``). Three queries, whatever the number of teams and periods.
    """
    teams = [team for team in teams if team.deleted_at is None]
    if not teams:
        return []
    collaboratives = {team.collaborative_id: team.collaborative for team in teams}
    today = {pk: c.local(now).date() for pk, c in collaboratives.items()}
    schedules = {
        s.collaborative_id: s
        for s in ReportingSchedule.objects.filter(collaborative_id__in=collaboratives)
    }
    if not schedules:
        return []
    periods = ReportingPeriod.objects.filter(
        collaborative_id__in=schedules, starts_on__lte=max(today.values())
    )
    if within_days is not None:
        periods = periods.filter(due_on__gte=min(today.values()) - timedelta(days=within_days))
    by_collaborative: dict[int, list[ReportingPeriod]] = {}
    for period in periods.order_by("starts_on"):
        by_collaborative.setdefault(period.collaborative_id, []).append(period)
    reports = {
        (r.team_id, r.period_id): r
        for r in Report.objects.filter(
            team_id__in=[t.pk for t in teams],
            period__in=[p for ps in by_collaborative.values() for p in ps],
        )
    }
    found = []
    for team in teams:
        schedule = schedules.get(team.collaborative_id)
        on = today[team.collaborative_id]
        for period in by_collaborative.get(team.collaborative_id, []):
            if period.starts_on > on or owes(team, period) != OWED:
                continue
            if within_days is not None and period.due_on < on - timedelta(days=within_days):
                continue
            report = reports.get((team.pk, period.pk))
            if report is not None and report.is_locked:
                continue
            assert schedule is not None  # periods come from a schedule
            found.append(Owing(team, period, schedule, report, on))
    return found


def open_for_reporting(owing: list[Owing]) -> list[Owing]:
    """``owing`` without the teams whose routine reporting waits for their trial run (the
    schedule requires one and it is not accepted yet): they cannot submit a report, and their
    trial run is what they are asked for. One query."""
    waiting = {o.team.pk for o in owing if o.schedule.trial_run == REQUIRED}
    if not waiting:
        return owing
    statuses = dict(TrialRun.objects.filter(team_id__in=waiting).values_list("team_id", "status"))
    closed = {pk for pk in waiting if why_closed(REQUIRED, statuses.get(pk))}
    return [o for o in owing if o.team.pk not in closed]


REQUIRED = ReportingSchedule.TrialRule.REQUIRED
