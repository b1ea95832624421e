"""Dashboard bodies, cached per collaborative data version (``convene.lib.dataversion``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from convene.lib.dataversion import PAGE_TIMEOUT, page_key

__all__ = ["cached_body", "page_key"]


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
