"""The core's events, told: an invitation accepted (to whoever sent it) and a new member of a
team (to the team's leads and its coach). The core sends Django signals
(``collaboratives.signals``); it may not import this app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.collaboratives.access import LEAD_ROLES
from convene.collaboratives.models import (
    CoachAssignment,
    Invitation,
    TeamMembership,
    role_label,
)

from . import kinds
from .api import notify
from .models import Channel

INVITATION_ACCEPTED = kinds.Kind(
    "invitation_accepted",
    gettext_lazy("An invitation you sent was accepted"),
    gettext_lazy("When someone you invited accepts and joins."),
    default=Channel.DIGEST,
)
MEMBER_JOINED = kinds.Kind(
    "member_joined",
    gettext_lazy("Someone joined your team"),
    gettext_lazy("To a team's data lead, change leader and coach, when a new member joins."),
    default=Channel.DIGEST,
)


def _name(user: Any) -> str:
    return user.get_full_name() or user.email


def on_invitation_accepted(sender: Any, invitation: Invitation, user: Any, **kwargs: Any) -> None:
    inviter = invitation.invited_by
    if inviter is None or inviter.pk == user.pk:
        return
    collaborative = invitation.collaborative
    team = invitation.team if invitation.team_id else None

    def text() -> str:
        values = {
            "person": _name(user),
            "role": str(role_label(invitation.role)).lower(),
            "collaborative": collaborative.name,
        }
        if team is not None:
            values["team"] = team.name
            return (
                _("%(person)s accepted your invitation to %(team)s (%(collaborative)s) as %(role)s")
                % values
            )
        return _("%(person)s accepted your invitation to %(collaborative)s as %(role)s") % values

    if team is not None:
        link = reverse("collaboratives:team", args=[collaborative.pk, team.pk])
    else:
        link = reverse("collaboratives:people", args=[collaborative.pk])
    notify(
        [inviter],
        INVITATION_ACCEPTED.name,
        key=f"invitation_accepted:{invitation.pk}",
        text=text,
        link=link,
        collaborative=collaborative,
        team=team,
        subject=invitation,
    )


def on_member_joined(sender: Any, membership: TeamMembership, **kwargs: Any) -> None:
    team = membership.team
    collaborative = team.collaborative
    leads = TeamMembership.objects.current().filter(team=team, role__in=LEAD_ROLES)
    coaches = CoachAssignment.objects.current().filter(team=team)
    ids = set(leads.values_list("user_id", flat=True)) | set(
        coaches.values_list("coach_id", flat=True)
    )
    ids.discard(membership.user_id)
    if not ids:
        return
    person = membership.user

    def text() -> str:
        return _("%(person)s joined %(team)s as %(role)s") % {
            "person": _name(person),
            "team": team.name,
            "role": str(role_label(membership.role)).lower(),
        }

    notify(
        get_user_model().objects.filter(pk__in=ids),
        MEMBER_JOINED.name,
        key=f"member_joined:{membership.pk}",
        text=text,
        link=reverse("collaboratives:team", args=[collaborative.pk, team.pk]),
        collaborative=collaborative,
        team=team,
        subject=membership,
    )


def connect() -> None:
    from convene.collaboratives import signals

    kinds.register(INVITATION_ACCEPTED)
    kinds.register(MEMBER_JOINED)
    signals.invitation_accepted.connect(on_invitation_accepted, dispatch_uid="notify-invitation")
    signals.team_member_joined.connect(on_member_joined, dispatch_uid="notify-member-joined")
