"""Who is asking: the client's address, as the one trusted proxy (or none) tells it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client behind ``settings.TRUSTED_PROXY_COUNT`` proxies of our own.

    Each proxy appends the address it was reached from to X-Forwarded-For, so the client is the
    entry that many places from the right; anything further left was written by the client and
    proves nothing. Without trusted proxies the header is ignored: anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
