"""Two servers running ``manage.py notify`` at the same moment send every e-mail once.

On PostgreSQL (``DATABASE_URL``) each thread has its own connection and the runs really overlap:
``SKIP LOCKED`` and the conditional claim decide. On SQLite the threads share a file copy of the
test database, whose write lock takes them one claim at a time; the claim still decides.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import time_machine

from convene.notifications.api import notify
from convene.notifications.delivery import send_digests, send_pending
from convene.notifications.models import Channel, Digest, Notification, Preference

from ..concurrency import at_once
from ..factories import make_user

MORNING = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)  # 8:30 in London: digests are due


def test_two_runs_at_once_send_each_email_and_digest_once(threads_db, kind, smtp) -> None:
    people = [make_user(f"Person {n}", time_zone="Europe/London") for n in range(40)]
    for person in people[:10]:
        Preference.objects.create(user=person, kind=kind.name, channel=Channel.DIGEST)
    with time_machine.travel(MORNING, tick=False):
        for person in people:
            notify([person], kind.name, key="news:1", text=f"News for {person.full_name}")
            notify([person], kind.name, key="news:2", text=f"More for {person.full_name}")

        def run() -> tuple[int, int]:
            return send_pending(), send_digests()

        results = at_once(threads_db, run, run)

    assert sum(sent for sent, _digests in results) == 60  # 30 people, two e-mails each
    assert sum(digests for _sent, digests in results) == 10
    received = Counter((m["To"], str(m["Subject"])) for m in smtp.received)
    assert len(smtp.received) == 70
    assert set(received.values()) == {1}  # nobody got anything twice
    assert Notification.objects.exclude(email_state=Notification.EmailState.SENT).count() == 0
    assert Digest.objects.filter(sent_at__isnull=False).count() == 10
    for person in people[:10]:
        digest = next(m for m in smtp.received if m["To"] == person.email)
        assert "2 notifications" in str(digest["Subject"])
