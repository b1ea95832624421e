"""The security headers on every kind of answer: the Content-Security-Policy, the
Permissions-Policy, and no caching of anything a signed-in person is shown.

Every row of the permission matrix is opened by the host (pages, fragments, downloads, the
redirects after a form, and the 403 of what no host may do), with the downloads in each of their
formats, the admin, the error pages and the pages of a person not signed in.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django.urls import reverse

from .collaboratives.test_permission_matrix import CASES, _c, _metric, _t
from .conftest import build_world
from .factories import make_user

# A <script> that is not a file (the JSON that json_script embeds is data, not a script), an
# event-handler attribute, and a style attribute: each is refused by the policy.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_policed(response: Any) -> None:
    """The policy, which lets no script in but our own files, and no browser feature."""
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html)
        assert not INLINE_HANDLER.findall(html)
        assert not INLINE_STYLE.findall(html)


def assert_not_kept(response: Any) -> None:
    """Kept by no cache: not the browser's (back after signing out), nor a proxy's."""
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control


@pytest.mark.parametrize(
    ("name", "method", "args", "data"),
    [case[:4] for case in CASES],
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_every_page_of_a_signed_in_person(client, db, name, method, args, data) -> None:
    world = build_world()
    client.force_login(world.host)
    url = reverse(name, kwargs=args(world) if args else None)
    response = getattr(client, method)(url, data(world) if data else {})
    assert response.status_code in (200, 302, 403), response.status_code
    assert_policed(response)
    assert_not_kept(response)


DOWNLOADS = [
    ("reporting:export", lambda w: {**_c(w), "fmt": "csv"}),
    ("reporting:export", lambda w: {**_c(w), "fmt": "xlsx"}),
    ("reporting:team-template", _t),
    *[
        ("dashboards:team-chart-file", lambda w, f=fmt: {**_t(w), **_metric(w), "fmt": f})
        for fmt in ("csv", "svg", "png")
    ],
]


@pytest.mark.parametrize(("name", "args"), DOWNLOADS, ids=lambda v: v if isinstance(v, str) else "")
def test_every_download(client, db, name, args) -> None:
    world = build_world()
    client.force_login(world.host)
    response = client.get(reverse(name, kwargs=args(world)))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_policed(response)
    assert_not_kept(response)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_the_admin(client, world, model) -> None:
    client.force_login(make_user("Root", is_staff=True, is_superuser=True))
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse("admin:index"), reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    first = model._default_manager.first()
    if first is not None:
        urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url  # the audit log cannot be added to
        assert_policed(response)
        assert_not_kept(response)


def test_the_error_pages(client, world) -> None:
    client.force_login(world.member)
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    refused = client.get(reverse("collaboratives:edit", args=[world.collaborative.pk]))
    assert refused.status_code == 403
    for response in (missing, refused):
        assert_policed(response)
        assert_not_kept(response)


@override_settings(ROOT_URLCONF="tests.urls_with_a_fault")
def test_the_server_error_page(world) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.member)
    response = client.get("/fault/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_policed(response)
    assert_not_kept(response)


def test_the_pages_of_someone_not_signed_in(client, db) -> None:
    for url in (
        reverse("accounts:login"),
        reverse("accounts:password-reset"),
        "/no/such/page/",
        reverse("health"),
    ):
        assert_policed(client.get(url))
    # Sent to sign in, with nothing of the page.
    assert_policed(client.get(reverse("collaboratives:home")))


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_cache_life(world) -> None:
    client = Client()  # a new one, so that WhiteNoise starts with the settings above
    client.force_login(world.member)
    response = client.get("/static/js/charts.js")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
