"""The signed token of a one-click unsubscribe link.

It names one person and the kinds that one e-mail was about (one kind for a notification, the
kinds listed for a digest), signed with a salt of its own: it cannot stop another kind or
another person's e-mails, and no other signed value of the site (a session, a reset link) reads
as one. It does not expire: an e-mail read months later must still be able to stop the next.
"""

from __future__ import annotations

from django.core import signing

SALT = "convene.notifications.unsubscribe"


def make(user_id: int, kinds: list[str]) -> str:
    return signing.dumps([user_id, sorted(set(kinds))], salt=SALT, compress=True)


def read(token: str) -> tuple[int, list[str]] | None:
    """(user id, kinds), or None for a token that was not made by :func:`make`."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    match value:
        case [int() as user_id, list() as kinds] if kinds and all(
            isinstance(k, str) for k in kinds
        ):
            return user_id, kinds
    return None
