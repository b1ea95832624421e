"""Logging helpers named in ``settings.LOGGING``."""

from __future__ import annotations

import logging

from .client import client_address


class OneLineRefusals(logging.Filter):
    """Logs a refused request (4xx) as one line: who, what, the status; never a traceback.

    Django logs every PermissionDenied with its traceback, which buries real faults. Server
    errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if status is None or status >= 500 or request is None:
            return True
        user = getattr(request, "user", None)
        who = f"user {user.pk}" if user is not None and user.is_authenticated else "anonymous"
        record.msg = "Refused %s %s %s: %s from %s"
        path = request.path.encode("unicode_escape").decode("ascii")
        record.args = (status, request.method, path, who, client_address(request))
        record.exc_info = None
        record.exc_text = None
        return True
