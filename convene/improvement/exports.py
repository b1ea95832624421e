"""The improvement app's sheets of the host's export: PDSA cycles, action plans, cycle counts.

Registered with ``lib.sheet_data.register_export`` from the app's ``ready``: ``reporting`` writes
the export and may not import this app (nor this app ``reporting``). Every text goes through
the writers' formula guard, as every cell of the export does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch

from convene.collaboratives.models import Collaborative
from convene.lib.sheet_data import Column, Sheet

from .evaluation import per_team_month
from .models import ActionPlan, ActionStep, PDSACycle

CYCLE_TEXTS = PDSACycle.TEXT_FIELDS
CYCLES_COLUMNS = [
    Column("team", 24),
    Column("title", 30),
    Column("idea", 30),  # the driver-diagram idea, or the team's own words
    Column("key_change", 30),
    Column("builds_on", 30),
    Column("scale", 20),
    *(Column(name, 40) for name in CYCLE_TEXTS[:-1]),
    Column("metric", 16),
    Column("period", 10),
    Column("decision", 10),
    Column(CYCLE_TEXTS[-1], 40),
    Column("starts_on", 12),
    Column("ends_on", 12),
    Column("status", 10),
    Column("shared", 8),
]


def cycles_sheet(collaborative: Collaborative) -> Sheet:
    """Every live cycle of every live team: the whole worksheet, a row each."""
    return Sheet("PDSA cycles", CYCLES_COLUMNS, cycle_rows(collaborative))


def _idea(cycle: PDSACycle) -> str:
    if cycle.idea is not None:
        return cycle.idea.text
    return cycle.own_idea


def cycle_rows(collaborative: Collaborative) -> Iterator[list[Any]]:
    cycles = (
        PDSACycle.objects.filter(collaborative=collaborative, team__deleted_at__isnull=True)
        .select_related("team", "idea", "key_change", "builds_on", "metric", "period")
        .order_by("team__name", "starts_on", "pk")
    )
    for cycle in cycles.iterator(chunk_size=2000):
        yield [
            cycle.team.name,
            cycle.title,
            _idea(cycle),
            cycle.key_change.name if cycle.key_change else "",
            cycle.builds_on.title if cycle.builds_on and not cycle.builds_on.is_deleted else "",
            cycle.scale,
            *(getattr(cycle, name) for name in CYCLE_TEXTS[:-1]),
            cycle.metric.short_name if cycle.metric else "",
            cycle.period,
            cycle.decision,
            cycle.next_steps,
            cycle.starts_on,
            cycle.ends_on,
            cycle.status,
            "yes" if cycle.is_shared else "",
        ]


PLANS_COLUMNS = [
    Column("team", 24),
    Column("plan", 30),
    Column("changes", 40),
    Column("measure", 40),
    Column("plan_status", 10),
    Column("step", 40),
    Column("responsible", 28),
    Column("due_on", 12),
    Column("step_status", 10),
    Column("became_cycle", 30),
]


def plans_sheet(collaborative: Collaborative) -> Sheet:
    """Every live action plan, a row per step (a plan without steps, one row of its own)."""
    return Sheet("Action plans", PLANS_COLUMNS, plan_rows(collaborative))


def _responsible(step: ActionStep) -> str:
    if step.owner is not None:
        return step.owner.email
    return step.owner_name


def plan_rows(collaborative: Collaborative) -> Iterator[list[Any]]:
    steps = ActionStep.objects.select_related("owner", "cycle").order_by("position", "pk")
    plans = (
        ActionPlan.objects.filter(collaborative=collaborative, team__deleted_at__isnull=True)
        .select_related("team")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("team__name", "created_at", "pk")
    )
    for plan in plans:
        head = [plan.team.name, plan.title, plan.changes, plan.measure, plan.status]
        listed = list(plan.steps.all())
        if not listed:
            yield [*head, "", "", None, "", ""]
        for step in listed:
            cycle = step.cycle if step.cycle and not step.cycle.is_deleted else None
            yield [
                *head,
                step.text,
                _responsible(step),
                step.due_on,
                step.status,
                cycle.title if cycle else "",
            ]


COUNTS_COLUMNS = [
    Column("team", 24),
    Column("month", 10),
    Column("cycles_started", 14),
    Column("completed", 11),
    Column("adopt", 8),
    Column("adapt", 8),
    Column("abandon", 8),
]


def counts_sheet(collaborative: Collaborative) -> Sheet:
    """Per team and month of the collaborative, the cycles started (by their start date),
    those of them completed, and their decisions: the evaluation's counts."""
    return Sheet("Cycle counts", COUNTS_COLUMNS, count_rows(collaborative))


def count_rows(collaborative: Collaborative) -> list[list[Any]]:
    months, by_team = per_team_month(collaborative)
    teams = collaborative.teams.order_by("name", "pk").values_list("pk", "name")
    rows = []
    for team_id, name in teams:
        for month, slot in zip(months, by_team.get(team_id, []), strict=False):
            if slot[0]:
                rows.append([name, month.strftime("%Y-%m"), *slot])
    return rows
