"""Kinds these tests register, so they do not depend on the kinds other apps register."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _

from convene.notifications import kinds
from convene.notifications.kinds import Kind
from convene.notifications.models import Channel

NEWS = Kind(
    "test_news",
    _("Test news"),
    "What these tests announce.",
    default=Channel.EMAIL,
    role_defaults={"coach": Channel.DIGEST},
)
NOTES = Kind("test_notes", _("Test notes"), "Small things.", default=Channel.IN_APP)


@contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """``kind`` registered while the block runs."""
    already = kinds.get(kind.name) is not None
    kinds.register(kind)
    try:
        yield kind
    finally:
        if not already:
            kinds._KINDS.pop(kind.name, None)  # noqa: SLF001 (the registry has no unregister)
