"""Lookups of the improvement app's objects, through the collaborative's policy.

Change package and driver diagram: read by participants, written by planners (a team writes
its own additions to the diagram). PDSA cycles and action plans belong to a team: its members,
its coach, hosts, planners and faculty read them (``view_cycles``); a cycle the team shares is
read by every participant the sharing setting lets see other teams (none under aggregate-only).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from convene.collaboratives.access import Access, collaborative_for, one_or_404
from convene.collaboratives.models import Collaborative, Team

from .models import (
    ActionPlan,
    ActionStep,
    ChangeConcept,
    Comment,
    CycleAttachment,
    DriverNode,
    KeyChange,
    PDSACycle,
    TeamDiagram,
)


def concept_for(
    request: HttpRequest, collaborative_id: int, concept_id: int
) -> tuple[ChangeConcept, Access]:
    """A concept of the change package, for a person who may edit the package."""
    collaborative, access = collaborative_for(request, collaborative_id, "edit_change_package")
    concept = one_or_404(ChangeConcept.objects.filter(pk=concept_id, collaborative=collaborative))
    return concept, access


def key_change_for(
    request: HttpRequest, collaborative_id: int, key_change_id: int
) -> tuple[KeyChange, Access]:
    """A key change under a concept that is not deleted, for a person who may edit the package."""
    collaborative, access = collaborative_for(request, collaborative_id, "edit_change_package")
    key_change = one_or_404(
        KeyChange.objects.filter(
            pk=key_change_id,
            concept__collaborative=collaborative,
            concept__deleted_at__isnull=True,
        ).select_related("concept")
    )
    return key_change, access


# --- driver diagram ---------------------------------------------------------------------------


def node_for(
    request: HttpRequest, collaborative_id: int, node_id: int
) -> tuple[DriverNode, Access]:
    """A node of a driver diagram, for a person who may change it: planners change the
    collaborative's nodes, a team (and hosts) its own additions."""
    collaborative, access = collaborative_for(request, collaborative_id, "view_driver_diagram")
    node = one_or_404(
        DriverNode.objects.filter(pk=node_id, collaborative=collaborative).select_related("team")
    )
    if node.team is None:
        allowed = access.can("edit_driver_diagram")
    else:
        allowed = access.can("adapt_team_diagram", node.team)
    if not allowed:
        raise PermissionDenied
    return node, access


# --- PDSA cycles ------------------------------------------------------------------------------


def sees_shared_cycles(access: Access) -> bool:
    """Whether this person reads the cycles other teams chose to share."""
    if not access.can("view_shared_cycles"):
        return False
    if access.sees_all_teams:
        return True
    return access.collaborative.sharing != Collaborative.Sharing.AGGREGATE


def readable_team_ids(access: Access) -> frozenset[int] | None:
    """The teams whose every cycle and action plan this person reads; None for all teams."""
    if access.can("view_cycles"):  # a grant that covers every team (host, planning, faculty)
        return None
    return frozenset(access.team_ids | access.coached_team_ids)


def visible_cycles(access: Access) -> QuerySet[PDSACycle]:
    """The collaborative's live cycles this person may read."""
    cycles = PDSACycle.objects.filter(collaborative=access.collaborative)
    team_ids = readable_team_ids(access)
    if team_ids is None:
        return cycles
    allowed = Q(team_id__in=team_ids)
    if sees_shared_cycles(access):
        allowed |= Q(is_shared=True)
    return cycles.filter(allowed)


def may_read_cycle(access: Access, cycle: PDSACycle) -> bool:
    if access.can("view_cycles", cycle.team):
        return True
    return cycle.is_shared and sees_shared_cycles(access)


def cycle_for(
    request: HttpRequest, collaborative_id: int, cycle_id: int, action: str = "view"
) -> tuple[PDSACycle, Access]:
    """A cycle of the collaborative. ``action`` is "view" (its team's readers, or anyone who
    sees shared cycles when it is shared), "edit" (``edit_cycles`` on its team) or "comment"
    (a reader who may comment)."""
    collaborative, access = collaborative_for(request, collaborative_id)
    cycle = one_or_404(
        PDSACycle.objects.filter(pk=cycle_id, collaborative=collaborative).select_related(
            "team", "idea", "key_change", "builds_on", "metric", "period"
        )
    )
    cycle.team.collaborative = collaborative
    if not may_read_cycle(access, cycle):
        raise PermissionDenied
    if action == "edit" and not access.can("edit_cycles", cycle.team):
        raise PermissionDenied
    if action == "comment" and not (
        access.can("comment_on_cycles") or access.can("view_cycles", cycle.team)
    ):
        raise PermissionDenied
    return cycle, access


def attachment_for(
    request: HttpRequest, collaborative_id: int, attachment_id: int, action: str = "view"
) -> tuple[CycleAttachment, Access]:
    """A file of a cycle, for whoever may read (or, with "edit", change) the cycle."""
    collaborative, access = collaborative_for(request, collaborative_id)
    attachment = one_or_404(
        CycleAttachment.objects.filter(
            pk=attachment_id,
            cycle__collaborative=collaborative,
            cycle__deleted_at__isnull=True,
        ).select_related("cycle__team")
    )
    cycle = attachment.cycle
    if not may_read_cycle(access, cycle):
        raise PermissionDenied
    if action == "edit" and not access.can("edit_cycles", cycle.team):
        raise PermissionDenied
    return attachment, access


# --- action plans -----------------------------------------------------------------------------


def plan_for(
    request: HttpRequest, collaborative_id: int, plan_id: int, action: str = "view_action_plans"
) -> tuple[ActionPlan, Access]:
    """A team's action plan, if the person may do ``action`` on that team."""
    collaborative, access = collaborative_for(request, collaborative_id)
    plan = one_or_404(
        ActionPlan.objects.filter(pk=plan_id, collaborative=collaborative).select_related("team")
    )
    plan.team.collaborative = collaborative
    if not access.can(action, plan.team):
        raise PermissionDenied
    return plan, access


def step_for(
    request: HttpRequest, collaborative_id: int, step_id: int, action: str = "edit_action_plans"
) -> tuple[ActionStep, Access]:
    """A step of a live action plan, if the person may do ``action`` on the plan's team."""
    collaborative, access = collaborative_for(request, collaborative_id)
    step = one_or_404(
        ActionStep.objects.filter(
            pk=step_id, plan__collaborative=collaborative, plan__deleted_at__isnull=True
        ).select_related("plan__team")
    )
    step.plan.team.collaborative = collaborative
    if not access.can(action, step.plan.team):
        raise PermissionDenied
    return step, access


def visible_plans(access: Access) -> QuerySet[ActionPlan]:
    """The collaborative's live action plans this person may read."""
    plans = ActionPlan.objects.filter(collaborative=access.collaborative)
    team_ids = readable_team_ids(access)
    return plans if team_ids is None else plans.filter(team_id__in=team_ids)


# --- a team's driver diagram --------------------------------------------------------------------


def adopted_diagram(team: Team) -> TeamDiagram | None:
    """The team's adoption of the collaborative's driver diagram, if it has adopted it."""
    return TeamDiagram.objects.filter(team=team).first()


# --- comments on cycles -----------------------------------------------------------------------


def comment_for(
    request: HttpRequest, collaborative_id: int, comment_id: int
) -> tuple[Comment, Access]:
    """A comment on a live cycle, for deleting: its author (while they may still read the
    cycle) or a host."""
    collaborative, access = collaborative_for(request, collaborative_id)
    comment = one_or_404(
        Comment.objects.filter(
            pk=comment_id,
            cycle__collaborative=collaborative,
            cycle__deleted_at__isnull=True,
        ).select_related("cycle__team")
    )
    if not may_read_cycle(access, comment.cycle):
        raise PermissionDenied
    if comment.author_id != request.user.pk and not access.can("restore"):
        raise PermissionDenied
    return comment, access
