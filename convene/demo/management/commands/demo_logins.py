from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from convene.demo.world import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print where the demo runs and whom to sign in as."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Convene is starting at {url}"))
        self.stdout.write(f"Sign in with any of these; every demo password is: {DEMO_PASSWORD}")
        width = max(len(email) for _what, email in DEMO_LOGINS)
        for what, email in DEMO_LOGINS:
            self.stdout.write(f"  {email.ljust(width)}  {what}")
        self.stdout.write("Invitation and password e-mails are printed in this terminal.")
        self.stdout.write("Stop the server with Ctrl+C.\n")
