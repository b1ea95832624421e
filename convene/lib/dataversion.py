"""A collaborative's data version: what pages computed from its data are cached under.

Each collaborative has a data version in the cache. Any save or delete of a model an app
has asked to :func:`watch` (figures, reports, metrics, teams, the schedule) replaces the
version, so every cached page of that collaborative is stale at once, on every app server
that shares the cache (Redis in production). The apps that write the data watch their own
models; the dashboards read the version. Pages are cached per version, language and what the
viewer may see, for ``DASHBOARD_CACHE_SECONDS`` at most.

The cache may fail (``lib/cache.py``). A read that fails is a miss; a version that cannot be
read gives no key, and the page is computed without the cache. A bump that fails is kept by
this process and written again on its next bump or version read, once the cache answers.
If the process ends first, the old version's pages are still stale for at most
``DASHBOARD_CACHE_SECONDS`` after they were computed, and so after the change.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "data-version:{}"

# Collaboratives whose last bump did not reach the cache, in this process.
_unwritten: set[int] = set()


def page_timeout() -> int:
    """Seconds a cached page is kept: the longest a page can outlive a failed bump."""
    return int(settings.DASHBOARD_CACHE_SECONDS)


def data_version(collaborative_id: int) -> str | None:
    """The collaborative's data version, or None while the cache cannot say."""
    _write_bumps()
    key = VERSION_KEY.format(collaborative_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return None if version is None else str(version)


def bump(collaborative_id: int | None) -> None:
    """Mark every cached dashboard of the collaborative as stale."""
    if collaborative_id is None:
        return
    if _written(collaborative_id):
        _write_bumps()
    else:
        _unwritten.add(collaborative_id)


def _written(collaborative_id: int) -> bool:
    # set_many names the keys it could not write (lib/cache.py: all, when Redis failed).
    return not cache.set_many({VERSION_KEY.format(collaborative_id): uuid.uuid4().hex}, None)


def _write_bumps() -> None:
    """Write again the bumps that failed, while the cache takes them."""
    for collaborative_id in list(_unwritten):
        if not _written(collaborative_id):
            return
        _unwritten.discard(collaborative_id)


def page_key(name: str, collaborative_id: int, *parts: Any) -> str | None:
    """The cache key of a page, or None when the data version is unknown (do not cache)."""
    version = data_version(collaborative_id)
    if version is None:
        return None
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"page:{name}:{collaborative_id}:{version}:{digest}"


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
