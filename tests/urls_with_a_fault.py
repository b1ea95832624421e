"""The project's URLs and one that fails, to see the server-error page as a person would."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from convene.urls import handler403, handler404, handler500  # noqa: F401 (the error pages)


def fault(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault")


urlpatterns = [
    path("", include("convene.urls")),
    path("fault/", fault),
]
