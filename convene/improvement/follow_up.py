"""Improvement's columns on "My teams" / "Teams" (who is slipping): the team's last PDSA cycle
and its next action step. Registered from ``apps.py``; each answers for all the teams in a
fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from convene.collaboratives.access import Access
from convene.collaboratives.models import Team
from convene.collaboratives.providers import Signal

from .access import readable_team_ids
from .models import ActionPlan, ActionStep, Comment, PDSACycle

# A team with no cycle activity for this long is slipping.
QUIET_CYCLE_DAYS = 60
CYCLE_WEIGHT = 1
OVERDUE_WEIGHT = 2


def _readable(access: Access, teams: list[Team]) -> list[Team]:
    readable = readable_team_ids(access)
    return [team for team in teams if readable is None or team.pk in readable]


def last_cycle(collaborative: Any, teams: list[Team], access: Access) -> dict[int, list[Signal]]:
    """The cycle of each team with the latest activity (saved or commented on): title, state and
    when; slipping when nothing happened on any of its cycles for ``QUIET_CYCLE_DAYS``."""
    teams = _readable(access, teams)
    last_comment = (
        Comment.objects.filter(cycle=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    newest = (
        PDSACycle.objects.filter(team=OuterRef("pk"))
        .annotate(
            activity_at=Greatest("updated_at", Coalesce(Subquery(last_comment[:1]), "updated_at"))
        )
        .order_by("-activity_at", "-pk")
    )
    found = Team.objects.filter(pk__in=[t.pk for t in teams]).annotate(
        cycle_id=Subquery(newest.values("pk")[:1]),
        cycle_activity_at=Subquery(newest.values("activity_at")[:1]),
    )
    latest = {
        team_id: (pk, at)
        for team_id, pk, at in found.values_list("pk", "cycle_id", "cycle_activity_at")
        if pk
    }
    cycles = PDSACycle.objects.in_bulk([pk for pk, _at in latest.values()])
    today = collaborative.today()
    heading = gettext_lazy("Last PDSA cycle")
    signals = {}
    for team in teams:
        cycles_url = reverse("improvement:cycles", args=[collaborative.pk, team.pk])
        if team.pk not in latest:
            quiet = (today - team.joined_on).days if team.joined_on else 0
            reason = _("No PDSA cycle yet") if quiet > QUIET_CYCLE_DAYS else ""
            signals[team.pk] = [
                Signal(
                    "last_cycle",
                    heading,
                    _("None yet"),
                    link=cycles_url,
                    slipping=reason,
                    weight=CYCLE_WEIGHT if reason else 0,
                )
            ]
            continue
        pk, at = latest[team.pk]
        cycle = cycles[pk]
        when = collaborative.local(at).date()
        quiet = (today - when).days
        reason = ""
        if quiet > QUIET_CYCLE_DAYS:
            reason = ngettext(
                "No PDSA cycle activity for %(days)d day",
                "No PDSA cycle activity for %(days)d days",
                quiet,
            ) % {"days": quiet}
        text = _("“%(title)s” · %(state)s · %(date)s") % {
            "title": cycle.title,
            "state": cycle.get_status_display(),
            "date": formats.date_format(when, "DATE_FORMAT"),
        }
        signals[team.pk] = [
            Signal(
                "last_cycle",
                heading,
                text,
                link=reverse("improvement:cycle", args=[collaborative.pk, cycle.pk]),
                slipping=reason,
                weight=CYCLE_WEIGHT if reason else 0,
                sort=when,
            )
        ]
    return signals


def next_step(collaborative: Any, teams: list[Team], access: Access) -> dict[int, list[Signal]]:
    """Each team's next open step of its open action plans (the earliest due first) and its due
    date; slipping when a step is overdue ("1 action step overdue")."""
    teams = _readable(access, teams)
    today = collaborative.today()
    open_steps = ActionStep.objects.filter(
        plan__status=ActionPlan.Status.OPEN, plan__deleted_at__isnull=True
    ).exclude(status=ActionStep.Status.DONE)
    found = Team.objects.filter(pk__in=[t.pk for t in teams]).annotate(
        overdue=Count(
            "action_plans__steps",
            filter=Q(
                action_plans__status=ActionPlan.Status.OPEN,
                action_plans__deleted_at__isnull=True,
                action_plans__steps__deleted_at__isnull=True,
                action_plans__steps__due_on__lt=today,
            )
            & ~Q(action_plans__steps__status=ActionStep.Status.DONE),
        ),
        step_id=Subquery(
            open_steps.filter(plan__team=OuterRef("pk"), due_on__isnull=False)
            .order_by("due_on", "position", "pk")
            .values("pk")[:1]
        ),
        undated_step_id=Subquery(
            open_steps.filter(plan__team=OuterRef("pk"), due_on__isnull=True)
            .order_by("plan__created_at", "position", "pk")
            .values("pk")[:1]
        ),
    )
    rows = {
        pk: (overdue, step or undated)
        for pk, overdue, step, undated in found.values_list(
            "pk", "overdue", "step_id", "undated_step_id"
        )
    }
    steps = ActionStep.objects.select_related("plan").in_bulk(
        [step for _overdue, step in rows.values() if step]
    )
    heading = gettext_lazy("Next action step")
    signals = {}
    for team in teams:
        overdue, step_id = rows.get(team.pk, (0, None))
        step = steps.get(step_id) if step_id else None
        if step is None:
            text = _("No open step")
            link = reverse("improvement:action-plans", args=[collaborative.pk, team.pk])
        else:
            text = step.text
            if step.due_on:
                due = formats.date_format(step.due_on, "DATE_FORMAT")
                text = _("%(step)s · due %(date)s") % {"step": step.text, "date": due}
            link = reverse("improvement:action-plan", args=[collaborative.pk, step.plan_id])
        reason = (
            ngettext("%(count)d action step overdue", "%(count)d action steps overdue", overdue)
            % {"count": overdue}
            if overdue
            else ""
        )
        signals[team.pk] = [
            Signal(
                "next_step",
                heading,
                text,
                link=link,
                slipping=reason,
                weight=OVERDUE_WEIGHT if reason else 0,
                sort=step.due_on if step else None,
            )
        ]
    return signals
