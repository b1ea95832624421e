"""Sending notification e-mails: at once through the job queue, again by the periodic run
(``manage.py notify``) until the mail server takes them, and once a day as a digest.

A row is sent by whoever claims it first. The claim is a conditional UPDATE (the row is still
pending with the next attempt time that was read) that moves the next attempt a lease ahead:
only one of two processes can win it, on SQLite as on PostgreSQL, and a process that dies after
claiming leaves the row to be sent again when the lease runs out. On PostgreSQL candidates are
also read with ``SELECT ... FOR UPDATE SKIP LOCKED`` so two runs do not even compete for them.
A digest is claimed by taking the day's ``Digest`` row, unique per person and date.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from convene.accounts.models import User
from convene.lib import emails

from . import kinds, tokens
from .models import Digest, Notification

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
# Minutes to wait after the 1st, 2nd, ... failed attempt; after MAX_ATTEMPTS it has failed.
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 480, 720)
MAX_ATTEMPTS = 8
# Small batches: each claimed row must be sent before its lease runs out, even over a slow server.
BATCH = 20
DIGEST_HOUR = time(7, 0)
CLOSED = "The person's account is closed or has no e-mail address."

State = Notification.EmailState


def enqueue_emails(notification_ids: list[int]) -> None:
    """Queue a job that e-mails these notifications (pending ones stay for the periodic run)."""
    try:
        send_emails.enqueue(list(notification_ids))
    except Exception:
        # The rows stay pending: the next ``manage.py notify`` sends them.
        logger.exception("Could not queue %d notification e-mails", len(notification_ids))


@task()
def send_emails(notification_ids: list[int]) -> int:
    """The queue's job: e-mail these notifications now, those still pending and due."""
    return send_pending(ids=notification_ids)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def send_pending(now: datetime | None = None, ids: Iterable[int] | None = None) -> int:
    """E-mail every pending notification whose next attempt is due (only ``ids`` if given);
    returns how many were sent. A failure is recorded on its row, never raised."""
    now = now or timezone.now()
    sent = 0
    mail = get_connection()
    try:
        while claimed := _claim_batch(now, ids):
            for notification in claimed:
                sent += _deliver(notification, now, mail)
    finally:
        _close(mail)
    return sent


def _claim_batch(now: datetime, ids: Iterable[int] | None) -> list[Notification]:
    due = Notification.objects.filter(email_state=State.PENDING, email_next_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    due = due.order_by("email_next_at", "pk")
    claimed: list[int] = []
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        for pk, next_at in due.values_list("pk", "email_next_at")[:BATCH]:
            won = Notification.objects.filter(
                pk=pk, email_state=State.PENDING, email_next_at=next_at
            ).update(email_next_at=now + LEASE)
            if won:
                claimed.append(pk)
    return list(
        Notification.objects.filter(pk__in=claimed).select_related("recipient").order_by("pk")
    )


def _deliver(notification: Notification, now: datetime, mail: Any) -> int:
    user = notification.recipient
    if not user.is_active or not user.email:
        _record(notification, email_state=State.FAILED, email_error=CLOSED)
        return 0
    try:
        with _as_recipient(user):
            emails.notification(
                user.email,
                _context(notification),
                language=user.language,
                unsubscribe_url=_unsubscribe_url(user.pk, [notification.kind]),
                connection=mail,
            )
    except Exception as error:
        logger.warning("E-mail of notification %s failed: %s", notification.pk, _short(error))
        _close(mail)
        attempts = notification.email_attempts + 1
        last = attempts >= MAX_ATTEMPTS
        _record(
            notification,
            email_attempts=attempts,
            email_error=_short(error),
            email_state=State.FAILED if last else State.PENDING,
            email_next_at=None if last else now + backoff(attempts),
        )
        return 0
    _record(
        notification,
        email_state=State.SENT,
        emailed_at=timezone.now(),
        email_next_at=None,
        email_error="",
    )
    return 1


def _record(notification: Notification, **fields: Any) -> None:
    """What became of the attempt, unless the row changed meanwhile (the person chose "only
    here" while it was being sent: it stays unsent)."""
    Notification.objects.filter(pk=notification.pk, email_state=State.PENDING).update(**fields)


def send_digests(now: datetime | None = None) -> int:
    """Send each person their daily digest once their local time has passed 07:00; returns how
    many digests went out. A digest that fails is tried again on the next run."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(email_state=State.DIGEST, created_at__lte=now)
    recipients = {u.pk: u for u in User.objects.filter(pk__in=waiting.values("recipient_id"))}
    done_today = set(
        Digest.objects.filter(
            user_id__in=list(recipients), on_date__gte=(now - timedelta(days=1)).date()
        ).values_list("user_id", "on_date")
    )
    sent = 0
    mail = get_connection()
    try:
        for user in recipients.values():
            local = timezone.localtime(now, user.zone)
            if local.time() < DIGEST_HOUR or (user.pk, local.date()) in done_today:
                continue
            sent += _send_digest(user, local.date(), now, mail)
    finally:
        _close(mail)
    return sent


def _send_digest(user: Any, on_date: Any, now: datetime, mail: Any) -> int:
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, on_date=on_date)
    except IntegrityError:
        return 0  # another run has it
    rows = list(
        Notification.objects.filter(
            recipient=user, email_state=State.DIGEST, created_at__lte=now
        ).order_by("created_at", "pk")
    )
    if not user.is_active or not user.email:
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            email_state=State.FAILED,
            email_error=CLOSED,
        )
    if not rows or not user.is_active or not user.email:
        digest.delete()
        return 0
    kind_names = sorted({n.kind for n in rows})
    try:
        with _as_recipient(user):
            emails.digest(
                user.email,
                {
                    **_links(),
                    "items": [_context(n) for n in rows],
                    "kind_labels": [_label(k) for k in kind_names],
                    "on_date": on_date,
                },
                language=user.language,
                unsubscribe_url=_unsubscribe_url(user.pk, kind_names),
                connection=mail,
            )
    except Exception as error:
        logger.warning("Digest for user %s failed: %s", user.pk, _short(error))
        _close(mail)
        digest.delete()  # the next run tries again
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in rows], email_state=State.DIGEST).update(
        email_state=State.SENT, emailed_at=timezone.now()
    )
    digest.sent_at = timezone.now()
    digest.save(update_fields=["sent_at"])
    return 1


@contextmanager
def _as_recipient(user: Any) -> Iterator[None]:
    """The recipient's language and time zone, for everything the e-mail renders."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(user.zone):
        yield


def _links() -> dict[str, str]:
    return {
        "list_url": settings.SITE_URL + reverse("notifications:list"),
        "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
    }


def _context(notification: Notification) -> dict[str, Any]:
    link = notification.link
    return {
        **_links(),
        "text": notification.text,
        "link": settings.SITE_URL + link if link.startswith("/") else "",
        "created_at": notification.created_at,
        "kind_label": _label(notification.kind),
    }


def _label(kind: str) -> str:
    spec = kinds.get(kind)
    return str(spec.label) if spec is not None else kind


def _unsubscribe_url(user_id: int, kind_names: list[str]) -> str:
    token = tokens.make(user_id, kind_names)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def _short(error: Exception) -> str:
    """What went wrong, without what the server may have echoed back of the message."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:200]


def _close(mail: Any) -> None:
    # Closing a broken connection may fail too; the next send opens a new one.
    with suppress(Exception):
        mail.close()
