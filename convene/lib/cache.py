"""Redis as a cache that may fail without failing a request.

Django's ``RedisCache`` raises when Redis cannot be reached or answers too slowly, so a
Redis outage would be a site outage. ``ForgivingRedisCache`` answers a failed read as a miss
and drops a failed write (``set_many`` names the keys it could not write, as Django's API
allows), logs the outage once, and then leaves Redis alone for ``retry_after`` seconds: an
unreachable or stalled Redis costs one timeout per process every few seconds, not one per
cache call. Every cache use goes through it: the dashboards, the data versions
(``lib/dataversion.py``) and whatever else calls ``django.core.cache``.

``OPTIONS``: ``socket_timeout`` (seconds, also the connect timeout; 0.25 unless given),
``retry_after`` (seconds, 5 unless given); the rest go to redis-py's connection pool,
which retries nothing unless told to.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Per server, for the whole process: until when Redis is left alone after a failure. A key
# stays while Redis keeps failing, so an outage is logged once.
_resting_until: dict[str, float] = {}


class ForgivingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {"socket_timeout": 0.25, **params.get("OPTIONS", {})}
        self.retry_after = float(options.pop("retry_after", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._where = ",".join(self._servers)

    def _try(self, fallback: Any, call: Callable[..., Any], *args: Any) -> Any:
        if time.monotonic() < _resting_until.get(self._where, 0):
            return fallback
        try:
            result = call(*args)
        except RedisError as error:
            if self._where not in _resting_until:
                logger.warning("The cache (Redis) failed, carrying on without it: %r", error)
            _resting_until[self._where] = time.monotonic() + self.retry_after
            return fallback
        if _resting_until.pop(self._where, None) is not None:
            logger.warning("The cache (Redis) answers again.")
        return result

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._try(default, super().get, key, default, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._try({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._try(False, super().has_key, key, version)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._try(False, super().add, key, value, timeout, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._try(None, super().set, key, value, timeout, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        """The keys that could not be written: all of them when Redis failed."""
        return self._try(list(data), super().set_many, data, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._try(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._try(False, super().delete, key, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._try(None, super().delete_many, keys, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        """A counter Redis cannot keep reads as new: ``delta``, never an error."""
        return self._try(delta, super().incr, key, delta, version)

    def clear(self) -> Any:
        return self._try(False, super().clear)
