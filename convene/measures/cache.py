"""Caching the dashboards: computed once per change of the collaborative's data.

Each collaborative has a data version in the cache. Any save or delete of its figures,
reports, metrics, teams or schedule replaces the version, so every cached dashboard of
that collaborative is stale at once, on every app server that shares the cache (Redis in
production). Pages are cached per version, language and what the viewer may see.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

VERSION_KEY = "measures:data-version:{}"
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
    return f"measures:{name}:{collaborative_id}:{data_version(collaborative_id)}:{digest}"


def cached_body(
    request: Any, key: str, template: str, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """A dashboard part from the cache, or rendered now and kept for the next viewer.

    ``context`` is called only on a miss: building it is the expensive part.
    """
    body = cache.get(key)
    if body is None:
        body = render_to_string(template, context(), request=request)
        cache.set(key, body, PAGE_TIMEOUT)
    return mark_safe(body)  # noqa: S308 - our own rendered template


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    collaborative_id = getattr(instance, "audit_collaborative_id", None)
    # After the commit: bumping earlier would let another request cache the old data under
    # the new version.
    transaction.on_commit(lambda: bump(collaborative_id))


def connect() -> None:
    from convene.collaboratives.models import Collaborative, Team

    from .models import (
        Metric,
        ProgressScore,
        Report,
        ReportingPeriod,
        ReportingSchedule,
        Stratification,
        Stratum,
        Value,
    )

    for model in (
        Collaborative,
        Team,
        Metric,
        ProgressScore,
        Report,
        ReportingPeriod,
        ReportingSchedule,
        Stratification,
        Stratum,
        Value,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"dashboard-cache-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"dashboard-cache-del-{model.__name__}"
        )
