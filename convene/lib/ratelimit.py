"""A counter per name and time window, kept in the cache."""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(name: str, limit: int, window_seconds: int) -> bool:
    """Count one more event under ``name``; False once ``limit`` are spent in this window.

    A cache fault lets the event through: the limit slows abuse down, it guards nothing else.
    """
    window = int(time.time() // window_seconds)
    key = "rate:" + hashlib.sha256(f"{name}|{window}".encode()).hexdigest()
    try:
        cache.add(key, 0, window_seconds)
        return cache.incr(key) <= limit
    except Exception:
        logger.warning("Rate limit %s not counted: the cache failed", name.split(":")[0])
        return True
