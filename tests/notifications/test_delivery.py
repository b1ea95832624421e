"""Notification e-mails through a real SMTP server: refused, then accepted, each sent once; what
a person reads (their language, their time zone, the links); what happens when a row or the
queue fails."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import formats, timezone

from convene.notifications.api import notify
from convene.notifications.delivery import MAX_ATTEMPTS, backoff, send_pending
from convene.notifications.models import Notification
from convene.notifications.tokens import read as read_token

from ..factories import make_user
from .smtp import body, html

DUE = date(2026, 3, 3)
NOON = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _due_text() -> str:
    """Evaluated in each recipient's language and time zone."""
    return f"Report due {formats.date_format(DUE, 'DATE_FORMAT')}"


def _header(message, name: str) -> str:
    """A header's value as a mail client reads it (a long one arrives folded onto two lines)."""
    return " ".join(str(message[name]).split())


def _tell(people, kind, key="news:1", link="/c/1/teams/2/"):
    return notify(people, kind.name, key=key, text=_due_text, link=link)


def test_a_refusing_server_leaves_the_emails_pending_and_they_go_once_when_it_accepts(
    world, kind, smtp, settings
):
    reader = world.data_lead
    lucia = make_user("Lucía Pérez", language="es", time_zone="America/Mexico_City")
    smtp.refuse()
    with time_machine.travel(NOON, tick=False) as clock:
        _tell([reader, lucia], kind)
        assert send_pending() == 0

        assert smtp.refused == 2 and smtp.received == []
        for row in Notification.objects.all():
            assert row.email_state == Notification.EmailState.PENDING  # not lost
            assert row.email_attempts == 1
            assert "451" in row.email_error
            assert row.email_next_at == NOON + timedelta(minutes=1)

        smtp.accept()
        assert send_pending() == 0  # the next attempt waits for its time
        clock.shift(timedelta(minutes=1))
        assert send_pending() == 2
        assert send_pending() == 0  # nothing twice

    received = {message["To"]: message for message in smtp.received}
    assert len(smtp.received) == 2 and set(received) == {reader.email, lucia.email}
    english, spanish = received[reader.email], received[lucia.email]
    assert english["Subject"] == "Report due March 3, 2026"
    assert spanish["Subject"] == "Report due 3 de marzo de 2026"
    # When it happened, in each reader's own time zone (15:00 UTC is 9:00 in Mexico City).
    assert "March 2, 2026, 3 p.m." in body(english)
    assert "2 de marzo de 2026 a las 09:00" in body(spanish)
    for message in (english, spanish):
        text = body(message)
        lines = [line.strip() for line in text.splitlines()]
        site = settings.SITE_URL
        assert f"{site}/c/1/teams/2/" in lines  # the link, absolute
        assert any(line.endswith(f"{site}/notifications/") for line in lines)
        assert any(line.endswith(f"{site}/notifications/preferences/") for line in lines)
        unsubscribe = _header(message, "List-Unsubscribe")
        assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
        assert _header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
        assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html(message)
        token = unsubscribe[1:-1].rstrip("/").rsplit("/", 1)[1]
        person = reader if message is english else lucia
        assert read_token(token) == (person.pk, [kind.name])
    for row in Notification.objects.all():
        assert row.email_state == Notification.EmailState.SENT
        assert row.emailed_at is not None and row.email_error == ""


def test_the_link_in_the_email_is_absolute_on_the_site(world, kind, smtp, settings):
    settings.SITE_URL = "https://convene.example.org"
    _tell([world.data_lead], kind, link="/c/7/teams/9/reports/")
    assert send_pending() == 1
    text = body(smtp.received[0])
    assert "https://convene.example.org/c/7/teams/9/reports/" in text
    assert "https://convene.example.org/notifications/preferences/" in text
    assert _header(smtp.received[0], "List-Unsubscribe").startswith(
        "<https://convene.example.org/notifications/unsubscribe/"
    )


def test_a_server_that_never_answers_fails_the_row_after_the_last_attempt_and_says_why(
    world, kind, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "convene", "s3cret-password"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with time_machine.travel(NOON, tick=False) as clock:
        _tell([world.data_lead], kind)
        waits = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert send_pending() == 0
            row = Notification.objects.get()
            assert row.email_attempts == attempt
            if row.email_state == Notification.EmailState.PENDING:
                waits.append(row.email_next_at - timezone.now())
                clock.shift(backoff(attempt))
    row = Notification.objects.get()
    assert row.email_state == Notification.EmailState.FAILED
    assert row.email_next_at is None
    assert "refused" in row.email_error.lower()
    assert "s3cret" not in row.email_error and len(row.email_error) <= 200
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 5, 15, 60)]  # backing off


def test_one_address_the_server_refuses_does_not_keep_the_others_from_going(world, kind, smtp):
    smtp.no_such_mailbox(world.leader.email)
    _tell([world.data_lead, world.leader, world.member], kind)
    assert send_pending() == 2
    assert {m["To"] for m in smtp.received} == {world.data_lead.email, world.member.email}
    refused = Notification.objects.get(recipient=world.leader)
    assert refused.email_state == Notification.EmailState.PENDING
    assert refused.email_attempts == 1 and "550" in refused.email_error


def test_a_queue_that_refuses_the_job_leaves_the_emails_for_the_periodic_run(
    world, kind, settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["elsewhere"]}
    }
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        _tell([world.data_lead], kind)
    assert "Could not queue 1 notification e-mails" in caplog.text
    row = Notification.objects.get()
    assert row.email_state == Notification.EmailState.PENDING


def test_notify_hands_the_emails_to_the_queue_after_the_transaction(
    world, kind, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = _tell([world.data_lead, world.leader], kind)
    assert not DBTaskResult.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    job = DBTaskResult.objects.get()
    assert job.task_path == "convene.notifications.delivery.send_emails"
    assert sorted(job.args_kwargs["args"][0]) == sorted(n.pk for n in made)


@pytest.mark.parametrize("state", ["sent", "failed", "none", "digest"])
def test_only_pending_rows_are_emailed(world, kind, smtp, state):
    _tell([world.data_lead], kind)
    Notification.objects.update(email_state=state)
    assert send_pending() == 0
    assert smtp.received == []


def test_a_closed_account_is_not_emailed_and_its_row_says_why(world, kind, smtp):
    _tell([world.member], kind)
    world.member.is_active = False
    world.member.save()
    assert send_pending() == 0
    assert smtp.received == []
    row = Notification.objects.get()
    assert row.email_state == Notification.EmailState.FAILED and "closed" in row.email_error
