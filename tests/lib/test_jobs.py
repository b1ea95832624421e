"""The job queue for real: a job enqueued by one process waits in the database until a
separate ``manage.py db_worker`` process runs it, on SQLite and (when ``DATABASE_URL`` points
at PostgreSQL) on PostgreSQL. Nothing is mocked: each run has its own data folder or database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
ENQUEUE = (
    "from tests.lib.jobs_for_tests import write_line\n"
    "for text in {texts!r}:\n"
    "    print(write_line.enqueue({path!r}, text).id)\n"
)
STATES = (
    "from django_tasks_db.models import DBTaskResult\n"
    "for row in DBTaskResult.objects.order_by('enqueued_at'):\n"
    "    print(row.status, row.return_value)\n"
)


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _sqlite(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    yield {**env, "DATA_DIR": str(tmp_path / "data")}


def _postgresql(tmp_path: Path) -> Iterator[dict[str, str]]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    import psycopg

    name = f"convene_jobs_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {
            **os.environ,
            "DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")),
        }
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    make = _sqlite if request.param == "sqlite" else _postgresql
    yield from make(tmp_path)


def test_a_worker_process_runs_what_another_process_enqueued(database, tmp_path) -> None:
    env = database
    _manage(env, "migrate", "--no-input", "-v", "0")
    out = tmp_path / "lines.txt"
    texts = ["first job", "second job"]
    ids = _manage(env, "shell", "-v", "0", "-c", ENQUEUE.format(texts=texts, path=str(out))).split()
    assert len(ids) == 2
    assert not out.exists()  # enqueued, not run: nothing runs them inside the request
    assert _manage(env, "shell", "-v", "0", "-c", STATES).split("\n")[:2] == ["READY None"] * 2

    _manage(env, "db_worker", "--batch", "--no-startup-delay", "-v", "0")

    assert out.read_text().splitlines() == texts
    states = _manage(env, "shell", "-v", "0", "-c", STATES).strip().split("\n")
    assert states == ["SUCCESSFUL FIRST JOB", "SUCCESSFUL SECOND JOB"]
