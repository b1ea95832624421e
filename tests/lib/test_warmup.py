"""Workers warm up before their first request, without touching the database."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.lib.warmup import TEMPLATES, warm_up


def test_warm_up_compiles_every_listed_template_without_queries(db):
    with CaptureQueriesContext(connection) as queries:
        compiled = warm_up()
    assert compiled == TEMPLATES  # a renamed template would drop out of this list
    assert len(queries) == 0
