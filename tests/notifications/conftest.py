"""Kinds of notification registered for these tests only, and a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from .smtp import SMTPServer


@pytest.fixture
def kind() -> Iterator[Any]:
    """ "Test news": e-mailed at once unless the person chose otherwise; coaches get a digest."""
    from .kinds_for_tests import NEWS, registered

    with registered(NEWS):
        yield NEWS


@pytest.fixture
def other_kind() -> Iterator[Any]:
    """ "Test notes": only under the bell unless the person chose otherwise."""
    from .kinds_for_tests import NOTES, registered

    with registered(NOTES):
        yield NOTES


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    """A real SMTP server on this machine (aiosmtpd), which Django's SMTP backend sends to."""
    server = SMTPServer(_free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        server.stop()
