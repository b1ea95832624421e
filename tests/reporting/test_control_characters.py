"""Control characters (issue #10, point 2): what a person types or uploads is stored without
them, on SQLite and PostgreSQL; and what was stored with them before still downloads."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from convene.collaboratives.models import Team
from convene.measures.models import Metric
from convene.reporting.models import Feedback, Report, Value
from tests.factories import make_schedule

NOW = datetime(2026, 4, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
TYPED = "EHR\x0b outage\x00 for\x7f two\x1f weeks"  # as pasted from a word processor, and worse
CLEAN = "EHR outage for two weeks"


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def falls(world):
    make_schedule(world.collaborative, date(2026, 1, 1))
    return Metric.objects.create(
        collaborative=world.collaborative,
        name="Low blood pressure events",
        short_name="Hypotension",
        conceptual_definition="Events",
        kind="count",
        direction="down",
    )


def _period(world, month):
    return world.collaborative.periods.get(starts_on=date(2026, month, 1))


def test_a_note_typed_in_the_period_form_is_stored_without_them(client, world, falls):
    client.force_login(world.data_lead)
    url = reverse(
        "reporting:period-report",
        args=[world.collaborative.pk, world.team_a.pk, _period(world, 3).pk],
    )
    response = client.post(
        url,
        {
            f"line-{falls.pk}-0-numerator": "2",
            f"line-{falls.pk}-0-note": TYPED,
            "report-challenges": f"Cuff sizes\x0c\x00 {TYPED}",
            "action": "draft",
        },
    )
    assert response.status_code == 302
    assert Value.objects.get().note == CLEAN
    assert Report.objects.get().challenges == f"Cuff sizes {CLEAN}"


def test_feedback_is_stored_without_them(client, world, falls):
    report = Report.objects.create(team=world.team_a, period=_period(world, 1))
    report.submit(world.data_lead, None)
    client.force_login(world.coach)
    url = reverse(
        "reporting:add-feedback", args=[world.collaborative.pk, world.team_a.pk, report.period_id]
    )
    assert client.post(url, {"text": TYPED}).status_code == 302
    assert Feedback.objects.get().text == CLEAN


def _upload(client, world, name, content):
    url = reverse("reporting:import-figures", args=[world.collaborative.pk, world.team_a.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_an_uploaded_note_is_stored_without_them(client, world, falls):
    client.force_login(world.data_lead)
    text = f"metric,period,numerator,note\nHypotension,2026-01,3,{TYPED}\n"
    assert _upload(client, world, "figures.csv", text.encode()).status_code == 302
    assert Value.objects.get().note == CLEAN
    # An XLSX cannot hold most of them (XML refuses them); DEL it can.
    book = Workbook()
    book.active.append(["metric", "period", "numerator", "note"])
    book.active.append(["Hypotension", "2026-02", 4, "EHR\x7f outage"])
    out = io.BytesIO()
    book.save(out)
    assert _upload(client, world, "figures.xlsx", out.getvalue()).status_code == 302
    assert Value.objects.get(period__starts_on=date(2026, 2, 1)).note == "EHR outage"


STORED = "EHR\x0b outage\x1f\ufffe"  # PostgreSQL cannot hold NUL at all, so it is not here


def test_what_was_stored_with_them_still_downloads(client, world, falls):
    """Stored past the forms (written directly, as before this fix): the exports, the
    team's template and the chart files still answer, without the characters."""
    value = Value.objects.create(
        team=world.team_a, metric=falls, period=_period(world, 1), numerator=3
    )
    Value.objects.filter(pk=value.pk).update(note=STORED, exclusion_reason=STORED)
    Metric.objects.filter(pk=falls.pk).update(name="Low\x0b events", short_name="Hypo\x0btension")
    Team.objects.filter(pk=world.team_a.pk).update(name="Eastside\x0b clinic")

    client.force_login(world.host)
    export = reverse("reporting:export", args=[world.collaborative.pk, "xlsx"])
    response = client.get(export)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][:3] == ("Eastside clinic", "Eastside", "Hypotension")
    assert rows[1][rows[0].index("note")] == "EHR outage"

    response = client.get(reverse("reporting:export", args=[world.collaborative.pk, "csv"]))
    assert response.status_code == 200
    row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (row["team"], row["metric"], row["note"]) == (
        "Eastside clinic",
        "Hypotension",
        "EHR outage",
    )

    client.force_login(world.data_lead)
    team = [world.collaborative.pk, world.team_a.pk]
    response = client.get(reverse("reporting:team-template", args=team))
    assert response.status_code == 200
    figures = list(load_workbook(io.BytesIO(response.content))["Figures"].values)
    assert figures[1][0] == "Hypotension" and figures[1][5] == "EHR outage"

    chart = [*team, falls.pk]
    png = client.get(reverse("dashboards:team-chart-file", args=[*chart, "png"]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("dashboards:team-chart-file", args=[*chart, "svg"]))
    assert svg.status_code == 200 and "Eastside clinic" in svg.content.decode()
    assert "\x0b" not in svg.content.decode()
    data = client.get(reverse("dashboards:team-chart-file", args=[*chart, "csv"]))
    assert data.status_code == 200 and "EHR outage" in data.content.decode()
