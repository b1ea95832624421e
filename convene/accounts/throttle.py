"""Sign-in throttling: django-axes' database handler with a second limit, per address."""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class SignInHandler(AxesDatabaseHandler):
    """Locks an account for one address after AXES_FAILURE_LIMIT failures (axes' own rule,
    keyed by AXES_LOCKOUT_PARAMETERS), and an address for every account once it has failed
    SIGN_IN_FAILURES_PER_ADDRESS times within the cool-off, whichever accounts it tried.

    axes has one limit for all its parameter sets; the second, larger one is counted here.
    A success resets only the account-and-address count, so an attacker who signs in to an
    account of their own keeps the address's failures.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = super().get_failures(request, credentials)
        from_address = (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
                attempt_time__gte=get_cool_off_threshold(request),
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if from_address >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
            return max(failures, get_failure_limit(request, credentials))
        return failures
