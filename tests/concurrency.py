"""Requests at the same instant, each from a thread with a database connection of its own.

SQLite's in-memory test database is shared between connections by locking whole tables, which
answers "table is locked" at once instead of waiting. On SQLite the ``threads_db`` fixture
(tests/conftest.py) moves the test onto a file copy of it, opened with the settings production
uses (WAL, a busy timeout, IMMEDIATE transactions); on PostgreSQL every thread simply opens its
own connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.db import connection, connections


def on_own_connections(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Yield what each thread calls first to open its own connection to the test database as
    it stands now; this thread is moved too, and put back afterwards."""
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    path = str(tmp_path / "threads.sqlite3")
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    original = connections["default"]
    on_file = {**original.settings_dict, "NAME": path}

    def open_own() -> None:
        connections["default"] = type(original)(on_file, "default")

    open_own()  # this thread too, to read what the others wrote
    yield open_own
    connections["default"].close()
    connections["default"] = original


def at_once(open_own: Callable[[], None], *requests: Callable[[], Any]) -> list[Any]:
    """Run each request in a thread of its own (its own connection), all released together;
    their answers in order."""
    start = threading.Barrier(len(requests))

    def run(request: Callable[[], Any]) -> Any:
        open_own()
        try:
            start.wait()
            return request()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(requests)) as pool:
        return [future.result() for future in [pool.submit(run, r) for r in requests]]
