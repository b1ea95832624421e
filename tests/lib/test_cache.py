"""Redis is a cache, not a single point of failure (lib/cache.py, lib/dataversion.py).

Every test starts a Redis of its own on a free port (never the machine's on 6379), stops,
pauses or restarts it, and watches what a person sees.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from datetime import date, datetime

import pytest
import redis
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from convene.collaboratives.models import Collaborative
from convene.lib import cache as forgiving
from convene.lib import dataversion
from convene.reporting.models import Value

from ..collaboratives.test_charter import _charter_data
from ..factories import make_metric_with_figures
from .test_settings import _manage

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
RISING = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 55, 58, 61, 64, 66, 68, 69, 70, 71, 70]
FLAT = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 51, 50, 52, 49, 51, 50, 52, 51, 50, 49]
RETRY_AFTER = 0.2  # seconds the cache leaves a failed Redis alone, short for the tests


class RedisServer:
    """A redis-server of the test's own, in a folder of its own."""

    def __init__(self, folder):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            # --save '': no snapshots of its own; stop(keep=True) asks for one.
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self, keep: bool = False) -> None:
        """Stop; with ``keep`` the data comes back at the next start, as after an outage."""
        if self.process is None:
            return
        if keep:
            self.client().shutdown(save=True)
        else:
            self.process.terminate()
        self.process.wait(10)
        self.process = None

    def pause(self, for_seconds: float) -> None:
        """Stall: Redis accepts connections and answers nothing, then wakes up by itself."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        wake = threading.Timer(for_seconds, os.kill, (self.process.pid, signal.SIGCONT))
        wake.start()
        self.wake = wake

    def client(self) -> redis.Redis:
        # redis-py retries for seconds unless told not to.
        return redis.Redis(port=self.port, socket_timeout=1, retry=Retry(NoBackoff(), 0))

    def keys(self, pattern: str) -> list[bytes]:
        return self.client().keys(pattern)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: these tests start a Redis of their own")
    server = RedisServer(tmp_path)
    server.start()
    caches = {
        "default": {
            "BACKEND": "convene.lib.cache.ForgivingRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "convene-test",
            "OPTIONS": {"retry_after": RETRY_AFTER},
        }
    }
    with override_settings(CACHES=caches):
        yield server
    if hasattr(server, "wake"):
        server.wake.cancel()
        server.wake.function(*server.wake.args)  # wake it, to stop it
    server.stop()
    forgiving._resting_until.pop(",".join([server.url]), None)


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def bp(world):
    return make_metric_with_figures(
        world.collaborative,
        {world.team_a: (RISING, 100), world.team_b: (FLAT, 120)},
        first_period_on=date(2025, 1, 1),
        baseline_periods=12,
    )


def _team_dashboard(client, world):
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    return client.get(url)


def _save_october(client, world, metric, numerator):
    october = world.collaborative.periods.get(starts_on=date(2026, 10, 1))
    value = Value.objects.get(team=world.team_a, metric=metric, period=october)
    url = reverse(
        "reporting:save-cell",
        args=[world.collaborative.pk, world.team_a.pk, metric.pk, october.pk],
    )
    data = {"numerator": numerator, "denominator": "100", "version": value.version, "confirm": "1"}
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _october(world, metric):
    return Value.objects.get(
        team=world.team_a, metric=metric, period__starts_on=date(2026, 10, 1)
    ).numerator


def test_dashboards_show_their_figures_while_redis_is_down(client, world, bp, redis_server, caplog):
    client.force_login(world.host)
    dashboard = reverse("dashboards:dashboard", args=[world.collaborative.pk])
    team_charts = reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, bp.pk])
    assert client.get(dashboard).status_code == 200  # cached while Redis is up
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="convene.lib.cache"):
        for _ in range(2):
            page = client.get(dashboard)
            assert page.status_code == 200
            assert "1 of 2 reporting teams shows improvement" in page.content.decode()
            charts = client.get(team_charts)
            assert charts.status_code == 200
            assert "Eastside clinic" in charts.content.decode()
            team = _team_dashboard(client, world)
            assert team.status_code == 200 and "Latest: 70%" in team.content.decode()
            time.sleep(RETRY_AFTER)  # the cache tries Redis again, and fails again
    # The outage is logged once, not once per cache call.
    assert [r.getMessage()[:40] for r in caplog.records] == [
        "The cache (Redis) failed, carrying on wi"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_grid_save_and_a_charter_save_answer_and_are_kept_while_redis_is_down(
    client, world, bp, redis_server
):
    redis_server.stop()
    client.force_login(world.data_lead)
    saved = _save_october(client, world, bp, "75")
    assert saved.status_code == 200 and "Saved" in saved.content.decode()
    assert _october(world, bp) == 75

    client.force_login(world.planning)
    url = reverse("collaboratives:edit-charter", args=[world.collaborative.pk])
    response = client.post(url, _charter_data(world.collaborative, aim_change="From 50 to 75"))
    assert response.status_code == 302
    assert Collaborative.objects.get(pk=world.collaborative.pk).aim_change == "From 50 to 75"


@pytest.mark.django_db(transaction=True)
def test_a_stalled_redis_does_not_stall_the_pages(client, world, bp, redis_server):
    client.force_login(world.data_lead)
    assert _team_dashboard(client, world).status_code == 200
    redis_server.pause(for_seconds=3)
    # Each answers in well under a second (250 ms of waiting at most); 2 s leaves room for a
    # busy machine and still fails a request that waits for the stalled Redis (3 s).
    started = time.monotonic()
    team = _team_dashboard(client, world)
    assert time.monotonic() - started < 2
    started = time.monotonic()
    saved = _save_october(client, world, bp, "75")
    assert time.monotonic() - started < 2
    assert "Latest: 70%" in team.content.decode()
    assert "Saved" in saved.content.decode() and _october(world, bp) == 75


@pytest.mark.django_db(transaction=True)
def test_figures_saved_while_redis_was_away_show_when_it_is_back(client, world, bp, redis_server):
    client.force_login(world.data_lead)
    assert "Latest: 70%" in _team_dashboard(client, world).content.decode()
    assert redis_server.keys("*page:team:*")  # the page with 70% is cached
    redis_server.stop(keep=True)
    assert "Saved" in _save_october(client, world, bp, "75").content.decode()
    assert "Latest: 75%" in _team_dashboard(client, world).content.decode()
    redis_server.start()
    assert redis_server.keys("*page:team:*")  # Redis is back with the page with 70%
    time.sleep(RETRY_AFTER)  # and the cache asks it again
    for _ in range(2):  # computed once, then from the cache
        assert "Latest: 75%" in _team_dashboard(client, world).content.decode()


@pytest.mark.django_db(transaction=True)
@override_settings(DASHBOARD_CACHE_SECONDS=3)
def test_a_lost_bump_is_outlived_by_no_page_for_longer_than_the_cache_keeps_one(
    client, world, bp, redis_server
):
    client.force_login(world.data_lead)
    assert "Latest: 70%" in _team_dashboard(client, world).content.decode()
    cached_by = time.monotonic()  # the page is cached before it is answered
    redis_server.stop(keep=True)
    _save_october(client, world, bp, "75")
    dataversion._unwritten.clear()  # as if the worker that saved had restarted meanwhile
    redis_server.start()
    time.sleep(RETRY_AFTER)
    assert "Latest: 70%" in _team_dashboard(client, world).content.decode()  # the old page
    time.sleep(max(0, cached_by + 3.2 - time.monotonic()))
    assert "Latest: 75%" in _team_dashboard(client, world).content.decode()


def test_code_that_counts_or_marks_with_the_cache_carries_on_while_redis_is_down(redis_server):
    """Whatever uses the cache (a rate limit, a once-a-day note) needs no Redis error handling."""
    from django.core.cache import cache

    redis_server.stop()
    assert cache.get("k", "default") == "default" and cache.get_many(["k"]) == {}
    assert cache.get_or_set("k", 5) == 5 and not cache.has_key("k")
    assert cache.add("k", 1) is False  # not stored
    assert cache.set_many({"k": 1}) == ["k"]  # not stored, as Django's API says
    assert (cache.incr("k"), cache.decr("k")) == (1, -1)  # a counter that starts again
    cache.set("k", 1)
    cache.touch("k")
    cache.delete("k")
    cache.delete_many(["k"])
    cache.clear()


def test_readiness_says_the_cache_is_degraded_while_redis_is_down(client, db, redis_server):
    url = reverse("health-ready")
    assert url == "/health/ready/"
    up = client.get(url)
    assert (up.status_code, up.json()) == (200, {"database": "ok", "cache": "ok"})
    redis_server.stop()
    down = client.get(url)
    # The site serves without its cache: still ready, and the load balancer keeps sending.
    assert (down.status_code, down.json()) == (200, {"database": "ok", "cache": "degraded"})
    redis_server.start()
    time.sleep(RETRY_AFTER)
    assert client.get(url).json() == {"database": "ok", "cache": "ok"}
    assert client.get("/health/").content == b"ok"


def test_readiness_fails_when_the_database_does_not_answer(tmp_path):
    asked = (
        "from django.test import Client; "
        "r = Client().get('/health/ready/', HTTP_HOST='localhost'); "
        "print(r.status_code, r.content.decode())"
    )
    nowhere = "postgres://convene@127.0.0.1:1/convene"  # nothing listens on port 1
    result = _manage("shell", "-c", asked, DATABASE_URL=nowhere, DATA_DIR=str(tmp_path))
    assert '503 {"database": "unavailable", "cache": "ok"}' in result.stdout, result.stderr
