"""A real SMTP server for the e-mail tests: aiosmtpd on a port of this machine, which can be
told to refuse every message for a while (451, "try again later") and then to accept."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self) -> None:
        self.refusing = False
        self.refused = 0
        self.unknown: set[str] = set()  # addresses answered "no such mailbox"
        self.received: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.refusing:
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(message)  # type: ignore[arg-type]
        return "250 OK"


class SMTPServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def refuse(self) -> None:
        self.handler.refusing = True

    def accept(self) -> None:
        self.handler.refusing = False

    def no_such_mailbox(self, address: str) -> None:
        self.handler.unknown.add(address)

    @property
    def refused(self) -> int:
        return self.handler.refused

    @property
    def received(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.received)


def body(message: EmailMessage) -> str:
    """The plain-text part of a received message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content()
