"""A collaborative's data version: what pages computed from its data are cached under.

Each collaborative has a data version in the cache. Any save or delete of a model an app
has asked to :func:`watch` (figures, reports, metrics, teams, the schedule) replaces the
version, so every cached page of that collaborative is stale at once, on every app server
that shares the cache (Redis in production). The apps that write the data watch their own
models; the dashboards read the version. Pages are cached per version, language and what the
viewer may see.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "data-version:{}"
PAGE_TIMEOUT = 60 * 60 * 24


def data_version(collaborative_id: int) -> str:
    key = VERSION_KEY.format(collaborative_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return str(version)


def bump(collaborative_id: int | None) -> None:
    """Mark every cached dashboard of the collaborative as stale."""
    if collaborative_id is not None:
        cache.set(VERSION_KEY.format(collaborative_id), uuid.uuid4().hex, None)


def page_key(name: str, collaborative_id: int, *parts: Any) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"page:{name}:{collaborative_id}:{data_version(collaborative_id)}:{digest}"


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    collaborative_id = getattr(instance, "audit_collaborative_id", None)
    # After the commit: bumping earlier would let another request cache the old data under
    # the new version.
    transaction.on_commit(lambda: bump(collaborative_id))


def watch(*models: Any) -> None:
    """Bump the data version of an instance's collaborative (``audit_collaborative_id``)
    whenever one of ``models`` is saved or deleted."""
    for model in models:
        name = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-del-{name}")
