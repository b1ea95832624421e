"""``notify``: the one way any app tells people something."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from . import kinds
from .models import Channel, Notification, Preference

Text = str | Callable[[], str]


def _channels(users: list[Any], kind: kinds.Kind, role: str | None) -> dict[int, str]:
    chosen = dict(
        Preference.objects.filter(user__in=users, kind=kind.name).values_list("user_id", "channel")
    )
    return {user.pk: chosen.get(user.pk, kind.channel_for(role)) for user in users}


def notify(
    recipients: Iterable[Any],
    kind: str,
    *,
    key: str,
    text: Text,
    link: str = "",
    collaborative: Any = None,
    team: Any = None,
    subject: Any = None,
    role: str | None = None,
    actor: Any = None,
) -> list[Notification]:
    """Tell each of ``recipients`` (users) of one event; returns the notifications made.

    ``key`` names the event (``"report_overdue:12:34:step2"``): a person already told of that
    key is not told again, even by a second process at the same moment. ``text`` is a string
    or a callable returning one; a callable is called once per person in the person's language
    and time zone, so "due on 3 March" reads as they would write it. ``role`` is the role the
    person is told in, for the kind's defaults. ``actor``, the person who did what is told of,
    is never told of it. E-mails go after the transaction commits.
    """
    spec = kinds.get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    actor_id = getattr(actor, "pk", None)
    users = [
        u
        for u in {u.pk: u for u in recipients if u is not None}.values()
        if u.is_active and u.pk != actor_id
    ]
    if not users:
        return []
    channels = _channels(users, spec, role)
    subject_type = subject._meta.label_lower if subject is not None else ""
    subject_id = str(subject.pk) if subject is not None else ""
    made: list[Notification] = []
    for user in users:
        with translation.override(user.language or None), timezone.override(user.zone):
            body = text() if callable(text) else str(text)
        channel = channels[user.pk]
        state = {
            Channel.EMAIL: Notification.EmailState.PENDING,
            Channel.DIGEST: Notification.EmailState.DIGEST,
        }.get(channel, Notification.EmailState.NONE)
        notification = Notification(
            recipient=user,
            kind=kind,
            key=key[:200],
            text=body[:500],
            link=link,
            collaborative=collaborative,
            team=team,
            subject_type=subject_type,
            subject_id=subject_id,
            email_state=state,
            email_next_at=timezone.now() if state == Notification.EmailState.PENDING else None,
        )
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # told already: a second run, a second server, a double click
        made.append(notification)
    pending = [n.pk for n in made if n.email_state == Notification.EmailState.PENDING]
    if pending:
        transaction.on_commit(lambda: _enqueue(pending))
    return made


def _enqueue(notification_ids: list[int]) -> None:
    """Hand the e-mails to the job queue; the periodic run re-sends whatever stays pending."""
    from .delivery import enqueue_emails

    enqueue_emails(notification_ids)
