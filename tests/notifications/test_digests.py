"""The daily digest: one e-mail a day per person, once their own clock has passed 7:00, with
everything waiting for it; tried again on the next run when the mail server refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from convene.notifications.api import notify
from convene.notifications.delivery import send_digests
from convene.notifications.models import Channel, Digest, Notification, Preference

from ..factories import make_user

pytestmark = pytest.mark.django_db


def _digest_reader(kind, name="Dana", time_zone="America/New_York", **fields):
    person = make_user(name, time_zone=time_zone, **fields)
    Preference.objects.create(user=person, kind=kind.name, channel=Channel.DIGEST)
    return person


def _at(moment: datetime, function):
    with time_machine.travel(moment, tick=False):
        return function()


def test_the_digest_goes_once_a_day_after_seven_in_the_morning_local_time_across_dst(kind):
    # 8 March 2026: New York moves its clocks forward at 2:00, so 7:00 that day is 11:00 UTC.
    dana = _digest_reader(kind)
    _at(
        datetime(2026, 3, 8, 1, 0, tzinfo=UTC), lambda: notify([dana], kind.name, key="a", text="A")
    )
    _at(
        datetime(2026, 3, 8, 2, 0, tzinfo=UTC), lambda: notify([dana], kind.name, key="b", text="B")
    )

    assert _at(datetime(2026, 3, 8, 10, 59, tzinfo=UTC), send_digests) == 0  # 6:59 EDT
    assert mail.outbox == []
    assert _at(datetime(2026, 3, 8, 11, 0, tzinfo=UTC), send_digests) == 1  # 7:00 EDT
    assert _at(datetime(2026, 3, 8, 11, 5, tzinfo=UTC), send_digests) == 0  # once a day
    (digest,) = mail.outbox
    assert digest.to == [dana.email]
    assert digest.subject == "Your Convene digest: 2 notifications"
    assert "What happened in Convene up to March 8, 2026:" in digest.body
    assert "- A (March 7, 2026, 8 p.m.)" in digest.body  # 1:00 UTC, the evening before in NY
    assert "- B (March 7, 2026, 9 p.m.)" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Digest.objects.get().on_date.isoformat() == "2026-03-08"
    assert not Notification.objects.exclude(email_state=Notification.EmailState.SENT).exists()

    # Told later that day: it waits for tomorrow's digest, which has only that.
    _at(
        datetime(2026, 3, 8, 15, 0, tzinfo=UTC),
        lambda: notify([dana], kind.name, key="c", text="C"),
    )
    assert _at(datetime(2026, 3, 8, 23, 0, tzinfo=UTC), send_digests) == 0
    assert _at(datetime(2026, 3, 9, 10, 59, tzinfo=UTC), send_digests) == 0
    assert _at(datetime(2026, 3, 9, 11, 1, tzinfo=UTC), send_digests) == 1
    assert mail.outbox[1].subject == "Your Convene digest: 1 notification"
    assert "- C" in mail.outbox[1].body and "- A" not in mail.outbox[1].body


def test_the_digest_follows_the_readers_date_not_the_servers_around_midnight(kind):
    # 18:30 UTC on 8 March is 7:30 on 9 March in Auckland (UTC+13 in summer).
    aroha = _digest_reader(kind, "Aroha", "Pacific/Auckland")
    tom = _digest_reader(kind, "Tom", "Pacific/Honolulu")  # 8:30 on 8 March there
    late = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
    _at(late, lambda: notify([aroha, tom], kind.name, key="x", text="X"))
    assert _at(datetime(2026, 3, 8, 18, 30, tzinfo=UTC), send_digests) == 2
    days = dict(Digest.objects.values_list("user__full_name", "on_date"))
    assert days["Aroha"].isoformat() == "2026-03-09" and days["Tom"].isoformat() == "2026-03-08"
    # An hour later it is still the same day for both: nothing more.
    _at(
        datetime(2026, 3, 8, 19, 0, tzinfo=UTC),
        lambda: notify([aroha, tom], "test_news", key="y", text="Y"),
    )
    assert _at(datetime(2026, 3, 8, 19, 30, tzinfo=UTC), send_digests) == 0
    # The next day's digests, each at 7:00 of its reader: Honolulu's at 17:00 UTC, Auckland's
    # (10 March there) at 18:00 UTC.
    assert _at(datetime(2026, 3, 9, 16, 55, tzinfo=UTC), send_digests) == 0
    assert _at(datetime(2026, 3, 9, 17, 5, tzinfo=UTC), send_digests) == 1
    assert mail.outbox[-1].to == [tom.email]
    assert _at(datetime(2026, 3, 9, 18, 5, tzinfo=UTC), send_digests) == 1
    assert mail.outbox[-1].to == [aroha.email]


def test_a_refused_digest_is_sent_on_a_later_run(kind, smtp):
    dana = _digest_reader(kind, "Dana", "Europe/London")
    morning = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    _at(morning - timedelta(hours=2), lambda: notify([dana], kind.name, key="a", text="A"))
    smtp.refuse()
    assert _at(morning, send_digests) == 0
    assert not Digest.objects.exists()  # let go, for the next run
    assert Notification.objects.get().email_state == Notification.EmailState.DIGEST
    smtp.accept()
    assert _at(morning + timedelta(minutes=5), send_digests) == 1
    assert len(smtp.received) == 1 and smtp.refused == 1


def test_a_digest_in_spanish_reads_spanish_dates(kind):
    lucia = _digest_reader(kind, "Lucía", "Europe/Madrid", language="es")
    _at(
        datetime(2026, 3, 2, 5, 0, tzinfo=UTC),
        lambda: notify([lucia], kind.name, key="a", text="A"),
    )
    assert _at(datetime(2026, 3, 2, 7, 0, tzinfo=UTC), send_digests) == 1  # 8:00 in Madrid
    assert "- A (2 de marzo de 2026 a las 06:00)" in mail.outbox[0].body


def test_a_closed_account_gets_no_digest_and_its_rows_stop_waiting(kind):
    dana = _digest_reader(kind, "Dana", "UTC")
    _at(
        datetime(2026, 3, 2, 5, 0, tzinfo=UTC), lambda: notify([dana], kind.name, key="a", text="A")
    )
    dana.is_active = False
    dana.save()
    assert _at(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), send_digests) == 0
    assert mail.outbox == [] and not Digest.objects.exists()
    row = Notification.objects.get()
    assert row.email_state == Notification.EmailState.FAILED and "closed" in row.email_error
