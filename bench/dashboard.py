"""Benchmark of the dashboards served by gunicorn, against a trivial page.

Builds a throwaway SQLite database with one collaborative of 50 teams x 5 metrics x 36
monthly periods (9,000 values, 1,800 monthly reports), starts gunicorn with two workers on
loopback, signs in as the host admin with a real session, and from a second process loads
``/health/``, one team dashboard, the collaborative dashboard and the team-by-team charts of one
metric (the part the dashboard loads with htmx as it scrolls into view) for a fixed time each
with a few concurrent connections. Run from the repository root:

    .venv/bin/python bench/dashboard.py [--seconds 15] [--concurrency 4] [--profile]

Prints the cold (first after start) latency of the collaborative dashboard and of the
team-by-team charts, then a table of URL,
requests, requests per second, p50 and p95 latency and errors, and ends with the line
``ratio collaborative/trivial = R`` (collaborative req/s divided by trivial req/s). With
``--profile`` it also profiles one warm collaborative dashboard request in-process (cProfile).
Everything lives in a temporary folder that is removed at the end, even on failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

TEAMS = 50
PERIODS = 36
BASELINE_PERIODS = 6
HOST_EMAIL = "host@bench.convene.test"
LEAD_EMAIL = "lead@bench.convene.test"
REQUEST_TIMEOUT = 120.0

# (short name, name, kind, direction, goal, unit, category): five shared metrics.
METRICS = [
    ("BP control", "Blood pressure in control", "proportion", "up", 70, "", "core"),
    ("Repeat BP", "Repeat reading when the first is high", "proportion", "up", 85, "", "core"),
    ("Follow-up", "Days to follow-up visit", "continuous", "down", 14, "days", "core"),
    ("ED visits", "Emergency visits for hypertension", "count", "down", None, "", "optional"),
    ("Hypotension", "Falls or fainting on treatment", "proportion", "down", 2, "", "balancing"),
]


# --- Environment and subprocesses -------------------------------------------------------------


def bench_env(data_dir: Path) -> dict[str, str]:
    """The process environment the app runs with: production-like, on a fresh SQLite file."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "convene.settings",
            "DATA_DIR": str(data_dir),
            "DEBUG": "false",
            "SECRET_KEY": "bench-secret-" + secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in ("DATABASE_URL", "REDIS_URL", "STATIC_ROOT", "MEDIA_ROOT", "TESTING"):
        env.pop(name, None)
    return env


def run_step(label: str, args: list[str], env: dict[str, str]) -> str:
    """Run one command in the repository root; fail loudly with its output."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"{label} failed with exit code {done.returncode}")
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
    return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(port: int, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {server.returncode} while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /health/ in time")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully (SIGTERM to its master), then for good if it lingers."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


# --- Signing in -----------------------------------------------------------------------------


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in once through the real form; return the session cookie's value."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    conn.request("GET", "/accounts/sign-in/")
    response = conn.getresponse()
    response.read()
    csrf = _cookies(response).get("csrftoken")
    if response.status != 200 or not csrf:
        raise SystemExit(f"sign-in page: status {response.status}, csrftoken {bool(csrf)}")
    body = urlencode({"username": email, "password": password, "csrfmiddlewaretoken": csrf})
    conn.request(
        "POST",
        "/accounts/sign-in/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{port}/accounts/sign-in/",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    session = _cookies(response).get("sessionid")
    if response.status != 302 or not session:
        raise SystemExit(f"sign-in failed: status {response.status}, session {bool(session)}")
    return session


# --- Load (runs in a second process) ------------------------------------------------------


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, bytes]:
    headers = {"Cookie": cookie} if cookie else {}
    if "/dashboard/metrics/" in path:
        headers["HX-Request"] = "true"  # the team-by-team charts, as htmx loads them
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def _worker(
    port: int, path: str, cookie: str, deadline: float, out: list[tuple[float, float, str]]
) -> None:
    """Request ``path`` until ``deadline``; append (latency, finished at, error or "")."""
    # http.client keeps the connection open when the server allows it, and reconnects when
    # the server closes it (gunicorn's sync workers close after every response).
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            status, body = _get(conn, path, cookie)
            error = "" if status == 200 else f"HTTP {status}: {body[:160]!r}"
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            error = f"{type(exc).__name__}: {exc}"
        end = time.perf_counter()
        out.append((end - start, end, error))
    conn.close()


def load(
    port: int, paths: list[str], session: str, seconds: float, concurrency: int
) -> dict[str, Any]:
    """The cold requests, then each path loaded for ``seconds`` by ``concurrency`` threads.

    Cold: the collaborative dashboard (``paths[2]``) and what it loads next (``paths[3]``),
    each the first request after the server started.
    """
    cookie = f"sessionid={session}"
    results: dict[str, Any] = {"cold": [], "rows": []}
    for path in paths[2:]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        start = time.perf_counter()
        status, _body = _get(conn, path, cookie)
        results["cold"].append((path, time.perf_counter() - start, status))
        conn.close()
    for path in paths:
        # One untimed request per connection first, so that no worker is cold during timing.
        warm: list[tuple[float, float, str]] = []
        warmers = [
            threading.Thread(target=_worker, args=(port, path, cookie, 0.0, warm))
            for _ in range(concurrency)
        ]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join()
        samples: list[tuple[float, float, str]] = []
        begin = time.perf_counter()
        threads = [
            threading.Thread(target=_worker, args=(port, path, cookie, begin + seconds, samples))
            for _ in range(concurrency)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = max((s[1] for s in samples), default=begin) - begin
        results["rows"].append(
            {
                "path": path,
                "elapsed": elapsed,
                "latencies": [s[0] for s in samples],
                "errors": [s[2] for s in samples if s[2]],
                "warm_errors": [s[2] for s in warm if s[2]],
            }
        )
    return results


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


# --- The data (runs in a subprocess with the bench environment) ----------------------------


def seed() -> None:
    """Create the collaborative, its people and figures; print the ids as JSON."""
    import calendar
    from datetime import date, datetime, timedelta
    from decimal import Decimal

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()

    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from convene.accounts.models import User
    from convene.collaboratives.models import (
        Collaborative,
        CollaborativeRole,
        Organisation,
        Team,
        TeamRole,
    )
    from convene.measures.models import Metric, ReportingSchedule
    from convene.reporting.models import Report, Value

    password = os.environ["BENCH_PASSWORD"]
    rng = np.random.default_rng(20240601)
    today = timezone.localdate()
    month = today.year * 12 + today.month - 1 - (PERIODS - 1)
    first = date(month // 12, month % 12 + 1, 1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])

    with transaction.atomic():
        host_org = Organisation.objects.create(
            name="Northwind Quality Institute",
            kind=Organisation.Kind.ASSOCIATION,
            city="Leeds",
        )
        collaborative = Collaborative.objects.create(
            name="Hypertension control collaborative (bench)",
            topic="Blood pressure control in primary care",
            host_organisation=host_org,
            start_on=first + timedelta(days=BASELINE_PERIODS * 31),
            end_on=last,
            status=Collaborative.Status.ACTIVE,
            aim_statement="By the end, 70% of adults with hypertension have it in control.",
        )
        schedule = ReportingSchedule.objects.create(
            collaborative=collaborative, first_period_on=first, baseline_periods=BASELINE_PERIODS
        )
        schedule.sync_periods()
        periods = list(collaborative.periods.filter(starts_on__lte=today))
        assert len(periods) == PERIODS, len(periods)

        metrics = []
        for position, (short, name, kind, direction, goal, unit, category) in enumerate(METRICS):
            metrics.append(
                Metric.objects.create(
                    collaborative=collaborative,
                    name=name,
                    short_name=short,
                    conceptual_definition=f"{name}, among adults with hypertension.",
                    numerator="Patients meeting the definition" if kind == "proportion" else "",
                    denominator="Adults with hypertension seen" if kind == "proportion" else "",
                    kind=kind,
                    direction=direction,
                    goal=goal,
                    unit=unit,
                    category=category,
                    position=position,
                )
            )

        kinds = [Organisation.Kind.CLINIC, Organisation.Kind.HOSPITAL, Organisation.Kind.OTHER]
        teams = []
        for i in range(TEAMS):
            org = Organisation.objects.create(
                name=f"Clinic {i + 1:02d} Health Centre", kind=kinds[i % 3], city=f"Town {i % 17}"
            )
            teams.append(
                Team.objects.create(
                    collaborative=collaborative,
                    organisation=org,
                    name=f"Clinic {i + 1:02d}",
                    joined_on=first,
                )
            )

        host = User.objects.create_user(HOST_EMAIL, password, full_name="Hana Host")
        collaborative.add_member(host, CollaborativeRole.HOST_ADMIN)
        lead = User.objects.create_user(LEAD_EMAIL, password, full_name="Dana Lead")
        teams[0].add_member(lead, TeamRole.DATA_LEAD)

        values: list[Value] = []
        reports: list[Report] = []
        for team in teams:
            size = int(rng.integers(150, 1200))  # patients with hypertension
            improves = rng.random() < 0.75
            change_at = int(rng.integers(BASELINE_PERIODS + 2, 15))
            offset = rng.normal(0, 0.05)
            for position, period in enumerate(periods):
                progress = 0.0
                if improves and position >= change_at:
                    progress = min(1.0, (position - change_at + 1) / 6)
                seen = max(20, int(rng.normal(size, size * 0.08)))
                stamp = timezone.make_aware(
                    datetime.combine(period.ends_on, datetime.min.time())
                ) + timedelta(days=int(rng.integers(3, 12)))
                for metric in metrics:
                    numerator: Decimal
                    denominator: Decimal | None = None
                    if metric.short_name == "BP control":
                        p = 0.52 + offset + 0.16 * progress
                        numerator = Decimal(int(rng.binomial(seen, min(max(p, 0.02), 0.98))))
                        denominator = Decimal(seen)
                    elif metric.short_name == "Repeat BP":
                        n = max(5, seen // 4)
                        p = 0.40 + offset + 0.45 * progress
                        numerator = Decimal(int(rng.binomial(n, min(max(p, 0.02), 0.98))))
                        denominator = Decimal(n)
                    elif metric.short_name == "Follow-up":
                        level = 30 - 14 * progress
                        figure = max(1.0, rng.normal(level, level * 0.15))
                        numerator = Decimal(str(round(figure, 1)))
                    elif metric.short_name == "ED visits":
                        numerator = Decimal(int(rng.poisson(size / 150 * (1 - 0.3 * progress))))
                    else:
                        p = 0.015 + 0.004 * progress
                        numerator = Decimal(int(rng.binomial(seen, p)))
                        denominator = Decimal(seen)
                    values.append(
                        Value(
                            team=team,
                            metric=metric,
                            period=period,
                            numerator=numerator,
                            denominator=denominator,
                            updated_by=lead if team is teams[0] else None,
                            updated_at=stamp,
                        )
                    )
                late_after = period.late_after(schedule)
                draw = rng.random()
                if late_after >= today or draw < 0.03:
                    continue  # not due yet, or never reported
                late = draw < 0.10
                submitted = timezone.make_aware(
                    datetime.combine(
                        late_after + timedelta(days=3) if late else period.due_on,
                        datetime.min.time(),
                    )
                )
                reports.append(
                    Report(
                        team=team,
                        period=period,
                        changes_tested="Repeat the reading after five quiet minutes.",
                        improvements="More repeat readings recorded." if progress else "",
                        challenges="Front desk short-staffed on Mondays." if draw < 0.5 else "",
                        status=Report.Status.SUBMITTED,
                        submitted_at=min(submitted, timezone.now()),
                        is_late=late,
                    )
                )
        Value.objects.bulk_create(values, batch_size=2000)
        Report.objects.bulk_create(reports, batch_size=1000)

    print(
        json.dumps(
            {
                "collaborative": collaborative.pk,
                "team": teams[0].pk,
                "metric": Metric.objects.filter(collaborative=collaborative).order_by("pk")[0].pk,
                "values": Value.objects.filter(team__collaborative=collaborative).count(),
                "reports": len(reports),
                "periods": len(periods),
            }
        )
    )


def profile_request(collaborative_id: int) -> None:
    """Profile one warm collaborative dashboard request in-process and print the top calls."""
    import cProfile
    import pstats

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from convene.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=HOST_EMAIL))
    path = f"/c/{collaborative_id}/dashboard/"
    start = time.perf_counter()
    assert client.get(path).status_code == 200
    print(f"first in-process request: {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    print(
        f"second (warm) request: {(time.perf_counter() - start) * 1000:.0f} ms, "
        f"{len(queries)} queries, {len(response.content) / 1024:.0f} KiB of HTML"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)


# --- The run ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="load time per URL")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent connections")
    parser.add_argument("--profile", action="store_true", help="also profile one request")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-request", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed()
        return
    if args.profile_request:
        profile_request(args.profile_request)
        return

    started = time.perf_counter()
    data_dir = Path(tempfile.mkdtemp(prefix="convene-bench-"))
    env = bench_env(data_dir)
    password = secrets.token_urlsafe(24)
    server: subprocess.Popen[bytes] | None = None
    log = data_dir / "gunicorn.log"
    try:
        print(f"Setting up in {data_dir}", flush=True)
        run_step("collectstatic", [str(PYTHON), "manage.py", "collectstatic", "--no-input"], env)
        run_step("migrate", [str(PYTHON), "manage.py", "migrate", "--no-input"], env)
        out = run_step(
            "seed", [str(PYTHON), __file__, "--seed"], {**env, "BENCH_PASSWORD": password}
        )
        ids = json.loads(out.strip().splitlines()[-1])
        print(
            f"  data: {TEAMS} teams x {len(METRICS)} metrics x {ids['periods']} periods = "
            f"{ids['values']} values, {ids['reports']} submitted reports",
            flush=True,
        )

        port = free_port()
        with log.open("wb") as sink:
            server = subprocess.Popen(
                [
                    str(GUNICORN),
                    "convene.wsgi",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        wait_for_health(port, server)
        session = sign_in(port, HOST_EMAIL, password)
        print(f"  gunicorn on 127.0.0.1:{port} (2 workers); signed in as {HOST_EMAIL}", flush=True)

        cid, tid = ids["collaborative"], ids["team"]
        paths = [
            "/health/",
            f"/c/{cid}/teams/{tid}/dashboard/",
            f"/c/{cid}/dashboard/",
            f"/c/{cid}/dashboard/metrics/{ids['metric']}/teams/",
        ]
        print(
            f"Loading each URL for {args.seconds:g} s with {args.concurrency} connections "
            "(from a second process)...",
            flush=True,
        )
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = pool.submit(
                load, port, paths, session, args.seconds, args.concurrency
            ).result()

        print()
        (_path, cold, cold_status), (_path, cold_teams, teams_status) = results["cold"]
        print(
            f"cold collaborative dashboard (first request after start): {cold * 1000:.0f} ms "
            f"(HTTP {cold_status}; goal < 300 ms)"
        )
        print(
            f"cold team-by-team charts of one metric (loaded as they scroll into view): "
            f"{cold_teams * 1000:.0f} ms (HTTP {teams_status})"
        )
        print()
        header = (
            f"{'URL':<44} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}"
        )
        print(header)
        print("-" * len(header))
        rates = []
        for row in results["rows"]:
            latencies = row["latencies"]
            ok = len(latencies) - len(row["errors"])
            rate = ok / row["elapsed"] if row["elapsed"] > 0 else 0.0
            rates.append(rate)
            print(
                f"{row['path']:<44} {len(latencies):>8} {rate:>8.2f} "
                f"{percentile(latencies, 0.5) * 1000:>8.1f} "
                f"{percentile(latencies, 0.95) * 1000:>8.1f} {len(row['errors']):>6}"
            )
        errors = [e for row in results["rows"] for e in row["errors"] + row["warm_errors"]]
        for path, _seconds, status in results["cold"]:
            if status != 200:
                errors.append(f"cold request of {path}: HTTP {status}")
        for error, count in Counter(errors).most_common(10):
            print(f"  error x{count}: {error}")
        if args.profile:
            print()
            print("Profile of one warm collaborative dashboard request (in-process):")
            print(run_step("profile", [str(PYTHON), __file__, "--profile-request", str(cid)], env))
        print()
        print(f"total time {time.perf_counter() - started:.0f} s")
        ratio = rates[2] / rates[0] if rates[0] else 0.0
        print(f"ratio collaborative/trivial = {ratio:.3f}")
    finally:
        if server is not None:
            stop(server)
            if server.returncode not in (0, None) and log.exists():
                sys.stderr.write(log.read_text(errors="replace")[-3000:])
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
