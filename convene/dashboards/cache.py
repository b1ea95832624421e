"""Dashboard bodies, cached per collaborative data version (``convene.lib.dataversion``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from convene.lib.dataversion import page_key, page_timeout

__all__ = ["cached_body", "page_key"]


def cached_body(
    request: Any, key: str | None, template: str, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """A dashboard part from the cache, or rendered now and kept for the next viewer.

    ``context`` is called only on a miss: building it is the expensive part. Without a key
    (the cache cannot say the data version) the part is rendered and not kept.
    """
    body = None if key is None else cache.get(key)
    if body is None:
        body = render_to_string(template, context(), request=request)
        if key is not None:
            cache.set(key, body, page_timeout())
    return mark_safe(body)  # noqa: S308 - our own rendered template
