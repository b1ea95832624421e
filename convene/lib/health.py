"""Pages for load balancers.

``health`` (liveness) answers without touching the database: the process is up.
``ready`` (readiness) asks the database and the cache. The site serves without its cache
(``lib/cache.py``), so only the database decides: 200 when it answers, 503 when it does not;
a cache that does not answer is reported as ``degraded``.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def ready(request: HttpRequest) -> HttpResponse:
    checks = {"database": _database(), "cache": _cache()}
    return JsonResponse(checks, status=200 if checks["database"] == "ok" else 503)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unavailable"
    return "ok"


def _cache() -> str:
    key, token = f"ready:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 10)
    answered = cache.get(key) == token
    cache.delete(key)
    return "ok" if answered else "degraded"
