"""The coach's view: her teams' action plans and PDSA cycles, most recent activity first.

``coaching_items`` feeds ``templates/improvement/_coaching_section.html``; the coaching page
includes it, and so can any page that shows a coach her teams. A fixed number of queries
whatever the number of teams, plans, cycles, steps and comments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.translation import gettext as _

from convene.collaboratives.access import Access
from convene.collaboratives.models import Team

from .access import readable_team_ids
from .authors import label_authors
from .models import ActionPlan, ActionStep, Comment, PDSACycle
from .plans import mark_overdue


@dataclass
class CoachingItem:
    """One plan or cycle as the coach sees it."""

    kind: str  # "plan" or "cycle"
    thing: ActionPlan | PDSACycle
    activity_at: datetime
    activity: str  # what happened last, in words
    url: str
    feedback_url: str
    may_comment: bool
    comments: list[Comment] = field(default_factory=list)
    steps: list[ActionStep] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.thing.pk}"

    @property
    def team(self) -> Team:
        return self.thing.team

    @property
    def idea(self) -> str:
        """The change idea the plan or cycle is about, in words ("" when none is named)."""
        thing = self.thing
        if thing.idea_id:
            return thing.idea.text
        if isinstance(thing, PDSACycle):
            return thing.key_change.name if thing.key_change_id else thing.own_idea
        return ""

    @property
    def overdue_steps(self) -> list[ActionStep]:
        return [step for step in self.steps if step.overdue_days]  # type: ignore[attr-defined]

    @property
    def done_steps(self) -> int:
        return sum(step.status == ActionStep.Status.DONE for step in self.steps)


def coached_teams(access: Access) -> QuerySet[Team]:
    """The teams whose plans and cycles this person coaches: every team for those who read
    every team's (hosts, faculty), the teams she coaches for a coach."""
    teams = Team.objects.filter(collaborative=access.collaborative)
    if readable_team_ids(access) is None:
        return teams
    return teams.filter(pk__in=access.coached_team_ids)


def _with_activity(queryset: QuerySet, team_ids: Any) -> QuerySet:
    live = Q(comments__deleted_at__isnull=True)
    return (
        queryset.filter(team_id__in=team_ids)
        .select_related("team", "idea")
        .annotate(last_comment_at=Max("comments__created_at", filter=live))
        .annotate(activity_at=Greatest("updated_at", Coalesce("last_comment_at", "updated_at")))
        .order_by("-activity_at", "-pk")
    )


def _activity(thing: Any, comments: list[Comment]) -> str:
    last = comments[-1] if comments else None
    if last is not None and last.created_at >= thing.updated_at:
        return _("Feedback from %(who)s") % {"who": last.author or _("someone")}
    if (thing.updated_at - thing.created_at).total_seconds() < 1:
        return _("Started")
    if isinstance(thing, ActionPlan):
        return _("The plan or its steps changed")
    return _("The worksheet changed")


def coaching_items(
    access: Access, teams: Iterable[Team] | QuerySet[Team], limit: int = 50
) -> list[CoachingItem]:
    """The plans and cycles of ``teams`` this person may read, most recent activity first (the
    plan or cycle changed, a step of the plan changed, a comment), at most ``limit``."""
    collaborative = access.collaborative
    readable = readable_team_ids(access)
    team_ids = [team.pk for team in teams]
    if readable is not None:
        team_ids = [pk for pk in team_ids if pk in readable]
    comments = Comment.objects.select_related("author")
    steps = ActionStep.objects.select_related("owner")
    plans = _with_activity(ActionPlan.objects.filter(collaborative=collaborative), team_ids)
    plans = plans.prefetch_related(
        Prefetch("comments", queryset=comments), Prefetch("steps", queryset=steps)
    )
    cycles = _with_activity(PDSACycle.objects.filter(collaborative=collaborative), team_ids)
    cycles = cycles.select_related("key_change").prefetch_related(
        Prefetch("comments", queryset=comments)
    )
    today = collaborative.today()
    items = []
    for plan in plans[:limit]:
        plan.team.collaborative = collaborative
        said = list(plan.comments.all())
        items.append(
            CoachingItem(
                kind="plan",
                thing=plan,
                activity_at=plan.activity_at,
                activity=_activity(plan, said),
                url=reverse("improvement:action-plan", args=[collaborative.pk, plan.pk]),
                feedback_url=reverse("improvement:plan-feedback", args=[collaborative.pk, plan.pk]),
                may_comment=access.can("view_action_plans", plan.team),
                comments=said,
                steps=mark_overdue(plan.steps.all(), today),
            )
        )
    for cycle in cycles[:limit]:
        cycle.team.collaborative = collaborative
        said = list(cycle.comments.all())
        items.append(
            CoachingItem(
                kind="cycle",
                thing=cycle,
                activity_at=cycle.activity_at,
                activity=_activity(cycle, said),
                url=reverse("improvement:cycle", args=[collaborative.pk, cycle.pk]),
                feedback_url=reverse(
                    "improvement:coaching-cycle-feedback", args=[collaborative.pk, cycle.pk]
                ),
                may_comment=access.can("view_cycles", cycle.team),
                comments=said,
            )
        )
    items.sort(key=lambda item: (item.activity_at, item.thing.pk), reverse=True)
    items = items[:limit]
    label_authors(access, [comment for item in items for comment in item.comments])
    return items
