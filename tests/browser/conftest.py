"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from .helpers import assert_no_csp_violations, assert_no_vega_warnings, watch_csp, watch_vega

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Debian's Chromium is not installed at {CHROMIUM}")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop running in the test thread, so the ORM refuses
    every call with SynchronousOnlyOperation unless told otherwise.

    Set here, when the first browser test starts, rather than when this file is imported:
    pytest imports it for the ``-m "not browser"`` run too, and the variable would leak into
    that run's subprocesses (``manage.py check --deploy`` rejects it).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en"}


@pytest.fixture
def context(context: Any) -> Iterator[Any]:
    """pytest-playwright's context, failing the test on any Content-Security-Policy violation
    and on any warning from Vega."""
    violations = watch_csp(context)
    warnings = watch_vega(context)
    yield context
    assert_no_csp_violations(violations)
    assert_no_vega_warnings(warnings)


@pytest.fixture
def new_context(browser: Any, browser_context_args: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    """Another browser (a second person, another time zone), held to the policy like the first."""
    opened: list[tuple[Any, list[str]]] = []

    def new_context(**kwargs: Any) -> Any:
        context = browser.new_context(**{**browser_context_args, **kwargs})
        context.set_default_timeout(10_000)
        opened.append((context, watch_csp(context), watch_vega(context)))
        return context

    yield new_context
    for context, violations, warnings in opened:
        context.close()
        assert_no_csp_violations(violations)
        assert_no_vega_warnings(warnings)


@pytest.fixture
def world(transactional_db: Any, live_server: Any) -> Any:
    """The shared personas, in a database the live server's thread can see."""
    from tests.conftest import build_world

    return build_world()


@pytest.fixture
def collaborative_url(live_server: Any, world: Any) -> str:
    """The shared collaborative's overview on the live server; its other pages are under it."""
    return f"{live_server.url}/c/{world.collaborative.pk}/"


@pytest.fixture
def team_url(collaborative_url: str, world: Any) -> str:
    """Eastside clinic's page (team A, the data lead's team); its tabs are under it."""
    return f"{collaborative_url}teams/{world.team_a.pk}/"


@pytest.fixture
def schedule(world: Any) -> Any:
    """A monthly reporting schedule from January 2026, with its twelve periods."""
    from tests.factories import make_schedule

    return make_schedule(world.collaborative, date(2026, 1, 1))


@pytest.fixture
def periods(schedule: Any) -> list[Any]:
    """The schedule's periods in order: January 2026 first."""
    return list(schedule.collaborative.periods.all())


@pytest.fixture
def bp_metric(world: Any, schedule: Any) -> Any:
    """The blood-pressure-control proportion ("BP control", no goal), on the monthly schedule."""
    from tests.factories import make_bp_metric

    return make_bp_metric(world.collaborative)


@pytest.fixture
def login(live_server: Any) -> Callable[[Any, Any], None]:
    """Sign a person in by handing the browser a session made with Django's test client."""
    from django.conf import settings
    from django.test import Client

    def login(context: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return login


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """pytest-playwright's page, with a shorter wait: every page here is served locally."""
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    page.close()


@pytest.fixture
def data_lead_page(page: Any, world: Any, login: Callable[[Any, Any], None]) -> Any:
    """The page, with Eastside clinic's data lead signed in; sign someone else in with ``login``."""
    login(page.context, world.data_lead)
    return page
