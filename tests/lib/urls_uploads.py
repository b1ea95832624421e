"""The site's URLs and one view that serves a stored upload, to see its headers through every
middleware (the project's Content-Security-Policy with ``sandbox`` added)."""

from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.urls import path

from convene.lib.uploads import serve
from convene.urls import urlpatterns

__all__ = ["urlpatterns"]


def download(request: HttpRequest) -> HttpResponse:
    name = request.GET["name"]
    return serve(request, default_storage.open(name), "Résultats juin.pdf", "application/pdf")


urlpatterns = [*urlpatterns, path("test-download/", download)]
