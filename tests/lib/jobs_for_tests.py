"""A job for the queue's tests: it appends a line to a file and returns the line in capitals.

It lives under tests/ because the worker imports jobs by module path, and the project's own
jobs (notifications, issue #15) are not written yet.
"""

from __future__ import annotations

from django_tasks import task


@task()
def write_line(path: str, text: str) -> str:
    with open(path, "a", encoding="utf-8") as file:
        file.write(text + "\n")
    return text.upper()
