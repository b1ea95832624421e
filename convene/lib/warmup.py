"""Warm a new app-server process before it takes requests.

The first request a fresh process serves pays for compiling templates, building the URL
resolver and loading the translation catalogues: a few hundred milliseconds that a person
would otherwise wait for on the first dashboard after every deploy or worker restart.
gunicorn.conf.py calls this in each worker; nothing here touches the database.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

# The pages people open first and most: compiling one compiles what it extends and includes.
TEMPLATES = [
    "base.html",
    "dashboards/collaborative_dashboard.html",
    "dashboards/_collaborative_dashboard_body.html",
    "dashboards/_team_charts.html",
    "dashboards/team_dashboard.html",
    "dashboards/_team_dashboard_body.html",
    "reporting/team_data.html",
    "collaboratives/overview.html",
    "collaboratives/home.html",
]


def warm_up() -> list[str]:
    """Compile the main templates, build the URL resolver and load every language.

    Returns the templates it compiled (a template that is missing is skipped, not fatal:
    a worker must start even if this list falls behind the code).
    """
    get_resolver().reverse_dict  # noqa: B018 - building the resolver is the point
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Dashboard")
    compiled = []
    for name in TEMPLATES:
        try:
            get_template(name)
        except Exception:  # noqa: BLE001, S112 - skip a renamed template, keep starting up
            continue
        compiled.append(name)
    return compiled
