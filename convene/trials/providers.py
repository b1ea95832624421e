"""What the trial run adds to a person's to-do list and to the "who is slipping" rows.

A trial run is due, where the schedule requires one, by the due date of the team's first owed
period: routine reporting waits for it, so a team that has not sent it by then is slipping.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.collaboratives.models import Collaborative, Team
from convene.collaboratives.providers import Signal, ToDo
from convene.measures.models import ReportingPeriod, ReportingSchedule
from convene.measures.owed import OWED, owes

from .models import TrialRun

SLIPPING_WEIGHT = 5
TRIAL_RUN = gettext_lazy("Trial run")
# Not sent: the team still has to send it (a returned trial goes back to the team).
NOT_SENT = {None, TrialRun.Status.DRAFT, TrialRun.Status.RETURNED}


def _link(team: Team) -> str:
    return reverse("trials:trial", args=[team.collaborative_id, team.pk])


def to_do(user: Any, accesses: dict[int, Any]) -> list[ToDo]:
    """Trial runs awaiting a decision, for the people who may review them. One query."""
    reviewing = {pk: a.collaborative for pk, a in accesses.items() if a.can("review_trial_run")}
    if not reviewing:
        return []
    trials = (
        TrialRun.objects.filter(
            team__collaborative_id__in=reviewing,
            team__deleted_at__isnull=True,
            status=TrialRun.Status.SUBMITTED,
        )
        .select_related("team")
        .order_by("submitted_at", "pk")
    )
    items = []
    for trial in trials:
        team = trial.team
        team.collaborative = reviewing[team.collaborative_id]
        items.append(
            ToDo(
                text=_("Review %(team)s's trial run") % {"team": team.name},
                link=_link(team),
                collaborative=team.collaborative,
                kind="review_trial_run",
            )
        )
    return items


def signals(
    collaborative: Collaborative, teams: list[Team], access: Any
) -> dict[int, list[Signal]]:
    """Per team: its trial run's state in words; slipping where the trial is required and
    not sent after its due date. Three queries, however many teams."""
    schedule = ReportingSchedule.objects.filter(collaborative=collaborative).first()
    rule = schedule.trial_run if schedule else ReportingSchedule.TrialRule.OFFERED
    if rule == ReportingSchedule.TrialRule.OFF:
        return {team.pk: [Signal("trial_run", TRIAL_RUN, _("Not asked"))] for team in teams}
    statuses = dict(TrialRun.objects.filter(team__in=teams).values_list("team_id", "status"))
    periods = list(ReportingPeriod.objects.filter(collaborative=collaborative))
    today = collaborative.local(timezone.now()).date()
    result = {}
    for team in teams:
        team.collaborative = collaborative
        status = statuses.get(team.pk)
        text = str(TrialRun.Status(status).label) if status else _("Not started")
        slipping = ""
        if rule == ReportingSchedule.TrialRule.REQUIRED and status in NOT_SENT:
            due_on = next((p.due_on for p in periods if owes(team, p) == OWED), None)
            if due_on is not None and today > due_on:
                slipping = _("Trial run not sent")
        result[team.pk] = [
            Signal(
                "trial_run",
                TRIAL_RUN,
                text,
                link=_link(team),
                slipping=slipping,
                weight=SLIPPING_WEIGHT if slipping else 0,
                sort=status or "",
            )
        ]
    return result
