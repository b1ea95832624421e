"""Headers for every answer: what the browser may use, and what it may keep.

The Content-Security-Policy itself comes from django-csp (``CONTENT_SECURITY_POLICY`` in the
settings). Static files never reach these middlewares: WhiteNoise answers them earlier, with
their own long cache life.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# No page of ours uses any of these browser features; a page (or something injected into one)
# that asks for them is refused without a prompt.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Adds the Permissions-Policy to every response, and keeps what a signed-in person sees out of
    every cache: their pages, dashboards and downloads carry team figures, and a shared computer's
    browser, the back button after signing out, or a proxy must not show them to the next person.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
