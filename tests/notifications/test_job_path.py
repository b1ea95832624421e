"""The e-mail's path for real: ``notify`` in one process queues a job when its transaction
commits, and a separate ``manage.py db_worker`` process sends the e-mail (to a folder, through
Django's file backend), on SQLite and, when ``DATABASE_URL`` points at it, on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from ..lib.test_jobs import _manage, database  # noqa: F401 (a fixture)

NOTIFY = """
from django.db import transaction
from convene.accounts.models import User
from convene.notifications import kinds
from convene.notifications.api import notify
kinds.register(kinds.Kind("test_job", "Test job"))
lead = User(email="lead@example.test", full_name="Lead", language="es")
lead.set_unusable_password()
lead.save()
with transaction.atomic():
    (made,) = notify([lead], "test_job", key="j", text="Informe enviado", link="/notifications/")
    print(made.email_state)
"""
STATES = (
    "from convene.notifications.models import Notification\n"
    "from django_tasks_db.models import DBTaskResult\n"
    "print(*Notification.objects.values_list('email_state', flat=True))\n"
    "print(*DBTaskResult.objects.values_list('status', flat=True))\n"
)


def test_a_worker_process_sends_the_email_that_notify_queued(database, tmp_path: Path) -> None:  # noqa: F811
    outbox = tmp_path / "outbox"
    env = {**database, "EMAIL_URL": f"file://{outbox}", "SITE_URL": "https://convene.example.org"}
    _manage(env, "migrate", "--no-input", "-v", "0")

    assert _manage(env, "shell", "-v", "0", "-c", NOTIFY).split() == ["pending"]
    assert _manage(env, "shell", "-v", "0", "-c", STATES).split() == ["pending", "READY"]
    assert not outbox.exists()  # queued, not sent: nothing sends inside the request

    _manage(env, "db_worker", "--batch", "--no-startup-delay", "-v", "0")

    (message,) = [f.read_text() for f in outbox.iterdir()]
    assert "Subject: Informe enviado" in message
    assert "To: lead@example.test" in message
    unfolded = " ".join(message.split())  # a long header is folded onto two lines
    assert "List-Unsubscribe: <https://convene.example.org/notifications/unsubscribe/" in unfolded
    assert "https://convene.example.org/notifications/" in message
    assert _manage(env, "shell", "-v", "0", "-c", STATES).split() == ["sent", "SUCCESSFUL"]
