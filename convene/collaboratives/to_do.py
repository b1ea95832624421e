"""A person's to-do list on the home page: what the apps' providers say awaits them, and the
core's own item, invitations to answer. The person's accesses are loaded once for all the
providers, so the list costs a fixed number of queries however many collaboratives there are."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from .access import accesses_in
from .models import Collaborative, Invitation
from .providers import ToDo, to_do_providers


def to_do_for(user: Any, collaboratives: list[Collaborative]) -> list[ToDo]:
    """Everything awaiting ``user`` across ``collaboratives`` (and the invitations to answer):
    the overdue first, then by due date (undated last)."""
    accesses = accesses_in(user, collaboratives)
    items = invitations_to_answer(user)
    for _name, provider in to_do_providers():
        items += provider(user, accesses)
    items.sort(
        key=lambda item: (
            not item.is_overdue,
            item.due_on is None,
            item.due_on or date.max,
            getattr(item.collaborative, "name", ""),
            str(item.text),
        )
    )
    return items


def pending_invitations_of(user: Any) -> Any:
    """The unexpired, unrevoked, unanswered invitations to the person's e-mail address."""
    return (
        Invitation.objects.pending()
        .filter(email__iexact=user.email, collaborative__deleted_at__isnull=True)
        .select_related("collaborative", "team")
    )


def invitations_to_answer(user: Any) -> list[ToDo]:
    items = []
    for invitation in pending_invitations_of(user).order_by("expires_at"):
        collaborative = invitation.collaborative
        if invitation.team_id:
            text = _("Answer the invitation to join %(team)s as %(role)s") % {
                "team": invitation.team.name,
                "role": invitation.role_label.lower(),
            }
        else:
            text = _("Answer the invitation to join as %(role)s") % {
                "role": invitation.role_label.lower()
            }
        items.append(
            ToDo(
                text=text,
                link=reverse("collaboratives:answer-invitation", args=[invitation.pk]),
                collaborative=collaborative,
                due_on=collaborative.local(invitation.expires_at).date(),
                kind="invitation",
            )
        )
    return items
