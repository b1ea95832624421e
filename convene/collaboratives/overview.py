"""What the collaborative overview shows: teams as the sharing setting allows, and next steps."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from .access import Access
from .models import CoachAssignment, Collaborative, CollaborativeRole, Team


def labelled_teams(access: Access) -> list[Team]:
    """The collaborative's teams this person may see, each with ``label`` and ``can_open``.

    Anonymised letters follow the order teams joined, so Team C stays Team C.
    """
    teams = (
        access.collaborative.teams.select_related("organisation")
        .prefetch_related("coach_assignments__coach")
        .order_by("created_at", "pk")
    )
    visible = []
    for index, team in enumerate(teams):
        label = access.team_label(team, index)
        if label is None:
            continue
        team.label = label
        team.is_named = label == team.name
        team.can_open = access.can("view_team", team)
        # What element ids and chart keys name the team by: its id only where the viewer may
        # open it, otherwise its place, so that no other team's real id reaches the page.
        team.ref = str(team.pk) if team.can_open else f"n{index + 1}"
        team.current_coaches = [a.coach for a in team.coach_assignments.all() if a.is_current]
        visible.append(team)
    visible.sort(key=lambda team: (not team.is_named, team.label.lower()))
    return visible


@dataclass
class Step:
    text: str
    url: str
    done: bool


def next_steps(collaborative: Collaborative, access: Access) -> list[Step]:
    """A short checklist of set-up work for the people who can do it."""
    if not access.can("edit_charter"):
        return []
    pk = collaborative.pk
    roles = set(collaborative.memberships.current().values_list("role", flat=True))
    teams = collaborative.teams.all()
    coached = CoachAssignment.objects.current().filter(team=OuterRef("pk"))
    steps = [
        Step(
            _("Write the aim statement"),
            reverse("collaboratives:edit-charter", args=[pk]),
            collaborative.has_aim,
        ),
        Step(
            _("Fill in the charter's purpose and objectives"),
            reverse("collaboratives:edit-charter", args=[pk]),
            collaborative.has_charter,
        ),
    ]
    if access.can("manage_people"):
        steps += [
            Step(
                _("Invite the planning group"),
                reverse("collaboratives:people", args=[pk]),
                CollaborativeRole.PLANNING in roles,
            ),
            Step(
                _("Invite faculty"),
                reverse("collaboratives:people", args=[pk]),
                CollaborativeRole.FACULTY in roles,
            ),
            Step(
                _("Invite coaches"),
                reverse("collaboratives:people", args=[pk]),
                CollaborativeRole.COACH in roles,
            ),
            Step(_("Add the teams"), reverse("collaboratives:add-team", args=[pk]), teams.exists()),
            Step(
                _("Assign a coach to every team"),
                reverse("collaboratives:overview", args=[pk]),
                teams.exists() and not teams.filter(~Exists(coached)).exists(),
            ),
        ]
    return steps
