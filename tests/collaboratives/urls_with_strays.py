"""The project's URLs and four that the permission matrix must notice: one at the root, one in a
namespace the matrix has never heard of, one without a name, and a second route for a name."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def stray(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("stray")


urlpatterns = [
    path("", include("convene.urls")),
    path("stray/", stray, name="stray"),
    path("newapp/", include(([path("thing/<int:thing_id>/", stray, name="thing")], "newapp"))),
    path("nameless/", stray),
    path("home-again/", include(([path("", stray, name="home")], "collaboratives"))),
]
