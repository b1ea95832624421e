"""Every notification and check-in a view touches comes through here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from convene.accounts.models import User
from convene.collaboratives.access import one_or_404
from convene.collaboratives.models import Team

from . import tokens
from .models import CheckIn, Notification


def notifications_of(request: HttpRequest) -> QuerySet[Notification]:
    """The signed-in person's own notifications, newest first."""
    return Notification.objects.filter(recipient_id=request.user.pk)


def notification_for(request: HttpRequest, notification_id: int) -> Notification:
    """One of the signed-in person's own notifications; anyone else's is not found."""
    return one_or_404(notifications_of(request), pk=notification_id)


def check_in_in(team: Team, check_in_id: int) -> CheckIn:
    """A check-in with ``team`` (the team comes through ``collaboratives.access.team_for``)."""
    return one_or_404(CheckIn.objects, pk=check_in_id, team=team)


def unsubscribe_for(token: str) -> tuple[Any, list[str]]:
    """The person and the kinds a one-click unsubscribe token names (no sign-in: the signed
    token is the authority); a tampered or foreign token, or a closed account, is not found."""
    read = tokens.read(token)
    if read is None:
        raise Http404
    user_id, kind_names = read
    user = one_or_404(User.objects, pk=user_id, is_active=True)
    return user, kind_names
