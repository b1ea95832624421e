"""Action plans: the change ideas a plan may name, overdue steps, and a step becoming a cycle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from convene.collaboratives.models import Team, TeamMembership

from . import diagram
from .models import ActionPlan, ActionStep, DriverNode, PDSACycle


def change_ideas(team: Team) -> QuerySet[DriverNode]:
    """The change ideas a team's plan may name: the collaborative's and the team's own."""
    return diagram.change_ideas(team.collaborative_id, team.pk)


def team_members(team: Team) -> list[Any]:
    """The team's current members, each once, by name: who may be responsible for a step."""
    current = TeamMembership.objects.current().filter(team=team).values("user_id")
    return list(get_user_model().objects.filter(pk__in=current).order_by("full_name", "email"))


def team_plans(team: Team) -> QuerySet[ActionPlan]:
    """The team's live plans, open ones first, newest first."""
    is_open = Case(
        When(status=ActionPlan.Status.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return team.action_plans.annotate(is_done=is_open).order_by("is_done", "-created_at", "-pk")


def overdue_days(step: ActionStep, today: date) -> int:
    """How many days past its due date a step that is not done is (0 when it is not late)."""
    if step.due_on is None or step.status == ActionStep.Status.DONE or step.due_on >= today:
        return 0
    return (today - step.due_on).days


def mark_overdue(steps: Iterable[ActionStep], today: date) -> list[ActionStep]:
    """The steps, each with ``overdue_days`` set for the template."""
    marked = []
    for step in steps:
        step.overdue_days = overdue_days(step, today)  # type: ignore[attr-defined]
        marked.append(step)
    return marked


def touch(plan: ActionPlan) -> None:
    """Record activity on the plan (a step changed): the coach's view orders by it."""
    plan.updated_at = timezone.now()
    ActionPlan.objects.filter(pk=plan.pk).update(updated_at=plan.updated_at)


def responsible(step: ActionStep) -> str:
    """Who does the step, in words ("" when nobody is named)."""
    if step.owner_id:
        return str(step.owner)
    return step.owner_name


def plan_details(step: ActionStep) -> str:
    """The cycle's "who, what, when, where" from the step: who is responsible and by when."""
    lines = []
    if who := responsible(step):
        lines.append(_("Responsible: %(who)s.") % {"who": who})
    if step.due_on:
        when = formats.date_format(step.due_on, "DATE_FORMAT")
        lines.append(_("Due on %(date)s.") % {"date": when})
    return "\n".join(lines)


def step_to_cycle(step: ActionStep, by: Any) -> tuple[PDSACycle, bool]:
    """Turn a step into a PDSA cycle of the plan's team, carrying its fields over; the step is
    then being done. A step that already became a (live) cycle keeps it: returns that cycle and
    False. The step's row is locked, so two requests at once make one cycle."""
    with transaction.atomic():
        step = (
            ActionStep.objects.select_for_update(of=("self",))
            .select_related("plan__team__collaborative", "owner")
            .get(pk=step.pk)
        )
        if step.cycle_id is not None:
            existing = PDSACycle.objects.filter(pk=step.cycle_id).first()
            if existing is not None:
                return existing, False
        plan = step.plan
        cycle = PDSACycle.objects.create(
            collaborative_id=plan.collaborative_id,
            team=plan.team,
            title=step.text,
            idea_id=plan.idea_id,
            objective=plan.changes,
            plan_details=plan_details(step),
            data_plan=plan.measure,
            starts_on=plan.team.collaborative.today(),
            status=PDSACycle.Status.PLANNED,
            created_by=by,
        )
        step.cycle = cycle
        step.status = ActionStep.Status.DOING
        step.version += 1
        step.save(update_fields=["cycle", "status", "version"])
        touch(plan)
    return cycle, True
