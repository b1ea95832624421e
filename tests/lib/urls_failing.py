"""The site's URLs and one page that fails, to see how a server error is logged."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from convene.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the page broke")


urlpatterns = [*urlpatterns, path("fails/", fail)]
