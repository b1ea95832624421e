"""``manage.py notify``: the periodic run. Every registered scan (due dates, escalations...),
then the e-mails still pending (retries), then the daily digests that are due.

Run it every few minutes from a timer (docs/operating.md); ``--every 300`` loops by itself, as
``make run`` does. Two servers may run it at once: nothing is sent twice.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from convene.notifications import kinds
from convene.notifications.delivery import send_digests, send_pending

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the notification scans, send pending e-mails (retries) and the daily digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep running, once every SECONDS (without it: run once and stop).",
        )

    def handle(self, *args: Any, every: int | None = None, **options: Any) -> None:
        while True:
            try:
                summary = run_once()
            except Exception:
                if not every:
                    raise
                # A database that is away for a moment must not end the loop.
                logger.exception("The notification run failed; trying again in %s s", every)
            else:
                if options["verbosity"] >= 1:
                    self.stdout.write(summary)
            if not every:
                return
            close_old_connections()
            time.sleep(every)


def run_once() -> str:
    """One run; a one-line summary of what it did."""
    ran = failed = 0
    for name, scan in kinds.scans():
        try:
            scan(timezone.now())
        except Exception:
            # One broken scan must not keep the others, or the e-mails, from running.
            logger.exception("Notification scan %r failed", name)
            failed += 1
        else:
            ran += 1
    sent = send_pending()  # what the scans just made is due too
    digests = send_digests()
    scans = f"{ran} scan(s) run" + (f", {failed} failed" if failed else "")
    return f"{scans}; {sent} e-mail(s) sent; {digests} digest(s) sent."
