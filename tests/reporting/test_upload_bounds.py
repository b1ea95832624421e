"""Uploads are bounded in every dimension (issue #10, point 1): hostile files, small on disk,
are refused through the real upload page with a message naming the bound, quickly, and
nothing is stored; a team's real-sized file still imports."""

from __future__ import annotations

import io
import time
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from convene.measures.models import Metric, ReportingPeriod
from convene.reporting.models import Value
from tests import hostile
from tests.factories import make_schedule

NOW = datetime(2026, 4, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
SECONDS = 3  # of processor time, which other work on a shared machine does not inflate;
# each file takes well under 1 s (before the bounds: 21 to 160 s)


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def metric(world):
    make_schedule(world.collaborative, date(2026, 1, 1))
    return Metric.objects.create(
        collaborative=world.collaborative,
        name="Low blood pressure events",
        short_name="Hypotension",
        conceptual_definition="Events",
        kind="count",
        direction="down",
    )


def _upload(client, world, name, content):
    url = reverse("reporting:import-figures", args=[world.collaborative.pk, world.team_a.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _distinct_shared_strings(count):
    return hostile.xlsx(
        [hostile.HEADER], shared=[b"".join(b"<si><t>%d</t></si>" % n for n in range(count))]
    )


def _cells(rows, columns):
    return hostile.xlsx(
        [
            hostile.HEADER,
            *(
                b'<row r="%d">' % r
                + b"".join(b"<c><v>%d</v></c>" % (r * columns + c) for c in range(columns))
                + b"</row>"
                for r in range(2, rows + 2)
            ),
        ]
    )


HOSTILE = [
    # A million empty rows cost their XML elements; rows that hold a value count as rows.
    ("million-rows.xlsx", hostile.million_rows, "This file has more than 1,000,000 XML elements."),
    (
        "rows.xlsx",
        lambda: hostile.normal_rows(20_001),
        "This file has more than 20,000 rows.",
    ),
    ("csv-million-rows.csv", hostile.csv_of_a_million_rows, "This file has more than 20,000 rows."),
    (
        "six-million-strings.xlsx",
        hostile.six_million_shared_strings,
        "This file unpacks to more than 50 MB.",
    ),
    (
        "strings.xlsx",
        lambda: _distinct_shared_strings(100_001),
        "This file has more than 100,000 different texts.",
    ),
    (
        "three-million-cells.xlsx",
        hostile.one_row_of_three_million_cells,
        "A part of this file unpacks to more than 100 times its size.",
    ),
    ("cells.xlsx", lambda: _cells(5_000, 41), "This file has more than 200,000 cells."),
    ("wide.xlsx", lambda: _cells(1, 51), "A row of this file has more than 50 columns."),
    ("bomb.xlsx", hostile.zip_bomb, "This file unpacks to more than 50 MB."),
    ("malformed.xlsx", hostile.malformed, "This Excel file cannot be read."),
    ("laughs.xlsx", hostile.entity_expansion, "This Excel file cannot be read."),
    ("long-field.csv", hostile.csv_with_a_long_field, "This CSV file cannot be read."),
]


@pytest.mark.parametrize(("name", "build", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_quickly_and_nothing_is_stored(
    client, world, metric, name, build, message
):
    content = build()
    assert len(content) < 5 * 1024 * 1024  # small on disk: inside the size bound
    client.force_login(world.data_lead)
    _upload(client, world, "warm-up.csv", b"metric\n")  # the first request loads translations
    started = time.process_time()
    response = _upload(client, world, name, content)
    took = time.process_time() - started
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Value.objects.exists()
    assert took < SECONDS, f"{name} took {took:.1f} s"


def test_a_real_sized_file_of_3000_rows_still_imports(client, world):
    """Three metrics over a thousand weeks: a team's file of 3,000 rows, as Excel saves it."""
    metrics = [
        Metric.objects.create(
            collaborative=world.collaborative,
            name=f"Events {n}",
            short_name=f"Events {n}",
            conceptual_definition="Events",
            kind="count",
            direction="down",
            position=n,
        )
        for n in range(3)
    ]
    mondays = [date(2007, 1, 1) + timedelta(weeks=n) for n in range(1_000)]
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            collaborative=world.collaborative,
            starts_on=monday,
            ends_on=monday + timedelta(days=6),
            due_on=monday + timedelta(days=16),
        )
        for monday in mondays
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet.append(["metric", "period", "stratum", "numerator", "denominator", "note"])
    for monday in mondays:
        for metric in metrics:
            sheet.append([metric.short_name, monday.isoformat(), None, 3, None, "steady week"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(world.data_lead)
    response = _upload(client, world, "figures.xlsx", out.getvalue())
    assert response.status_code == 302
    assert Value.objects.filter(team=world.team_a, note="steady week").count() == 3_000
