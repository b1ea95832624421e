"""Every notification and check-in a view touches comes through here."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from convene.collaboratives.models import Team

from .models import CheckIn, Notification


def notification_for(request: HttpRequest, notification_id: int) -> Notification:
    """One of the signed-in person's own notifications; anyone else's is not found."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient_id=request.user.pk
    ).first()
    if notification is None:
        raise Http404
    return notification


def check_in_in(team: Team, check_in_id: int) -> CheckIn:
    """A check-in with ``team`` (the team comes through ``collaboratives.access.team_for``)."""
    check_in = CheckIn.objects.filter(pk=check_in_id, team=team).first()
    if check_in is None:
        raise Http404
    return check_in
