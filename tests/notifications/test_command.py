"""``manage.py notify``: every scan, then the e-mails due, then the digests; one broken scan
does not stop the rest."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from convene.notifications import kinds
from convene.notifications.api import notify
from convene.notifications.models import Notification


@pytest.fixture
def scans(world, kind):
    """A scan that breaks and one that tells the data lead, registered for the test."""

    def broken(now):
        raise RuntimeError("the reporting schedule is missing")

    def due_soon(now):
        notify([world.data_lead], kind.name, key=f"due:{now:%Y-%m-%d}", text="Report due soon")

    names = ["test_broken", "test_due_soon"]
    kinds.register_scan(names[0], broken)
    kinds.register_scan(names[1], due_soon)
    yield
    for name in names:
        kinds._SCANS.pop(name, None)  # noqa: SLF001 (the registry has no unregister)


def test_one_broken_scan_is_logged_and_the_others_run_and_their_emails_go(world, scans, caplog):
    out = StringIO()
    with caplog.at_level(logging.ERROR):
        call_command("notify", stdout=out)
    assert "Notification scan 'test_broken' failed" in caplog.text
    assert "the reporting schedule is missing" in caplog.text
    assert [m.subject for m in mail.outbox] == ["Report due soon"]
    assert mail.outbox[0].to == [world.data_lead.email]
    assert Notification.objects.get().email_state == Notification.EmailState.SENT
    summary = out.getvalue().strip()
    assert "1 failed" in summary and "1 e-mail(s) sent" in summary
    assert len(summary.splitlines()) == 1

    out = StringIO()
    call_command("notify", stdout=out)  # the same day again: nothing new
    assert len(mail.outbox) == 1
    assert "0 e-mail(s) sent" in out.getvalue()


def test_quiet_at_verbosity_zero(world, scans):
    out = StringIO()
    call_command("notify", verbosity=0, stdout=out)
    assert out.getvalue() == ""
