"""Spreadsheets in and out: templates made by the app, filled in by the test with openpyxl."""

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

from convene.collaboratives.models import AuditEvent
from convene.measures.forms import MetricForm
from convene.measures.models import Metric, ReportingSchedule, Stratification, Stratum
from convene.reporting.models import Report, Value

NOW = datetime(2026, 4, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def metrics(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1), baseline_periods=2
    ).sync_periods()
    ages = Stratification.objects.create(collaborative=world.collaborative, name="Age")
    Stratum.objects.create(stratification=ages, name="18-44", position=0)
    Stratum.objects.create(stratification=ages, name="45-85", position=1)
    bp = Metric.objects.create(
        collaborative=world.collaborative,
        name="Hypertension control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        operational_definition="Latest reading below 140/90",
        kind="proportion",
        denominator="Adults with hypertension",
        direction="up",
        stratification=ages,
    )
    falls = Metric.objects.create(
        collaborative=world.collaborative,
        name="Low blood pressure events",
        short_name="Hypotension",
        conceptual_definition="Events",
        kind="count",
        direction="down",
        position=1,
    )
    return bp, falls


def _url(name, world):
    return reverse(name, args=[world.collaborative.pk, world.team_a.pk])


def _download_template(client, world):
    response = client.get(_url("reporting:team-template", world))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _upload(client, world, name, content):
    return client.post(
        _url("reporting:import-figures", world), {"file": SimpleUploadedFile(name, content)}
    )


def _xlsx(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_definitions_sheet_carries_the_whole_definition(client, world, metrics):
    """The sheet lists what the metric form edits and a copy carries: one list of fields."""
    bp, _falls = metrics
    bp.unit, bp.goal, bp.goal_date = "%", 70, date(2026, 12, 31)
    bp.save()
    client.force_login(world.data_lead)
    rows = list(_download_template(client, world)["Definitions"].iter_rows(values_only=True))
    row = next(row for row in rows[1:] if row[0] == "BP control")
    sheet = dict(zip(rows[0], row, strict=True))
    assert sheet["goal_date"].date() == date(2026, 12, 31) and sheet["goal"] == 70
    assert sheet["unit"] == "%" and sheet["chart"] == "p" and sheet["is_required"] is True
    # The same fields the metric form edits and a copy takes to another collaborative.
    assert (
        set(rows[0][:-1])
        == set(bp.definition())
        == set(MetricForm.Meta.fields) - {"stratification"}
    )


def test_template_round_trip(client, world, metrics):
    client.force_login(world.data_lead)
    book = _download_template(client, world)
    assert book.sheetnames == ["Figures", "Definitions"]
    definitions = list(book["Definitions"].iter_rows(values_only=True))
    assert "Latest reading below 140/90" in definitions[1]
    sheet = book["Figures"]
    rows = list(sheet.iter_rows(min_row=2))
    # January to April, with BP control once per age group and Hypotension once.
    assert len(rows) == 4 * 3
    for row in rows:
        metric, period, stratum = row[0].value, row[1].value, row[2].value
        if metric == "BP control":
            row[3].value, row[4].value = (20, 40) if stratum == "18-44" else (60, 80)
        else:
            row[3].value = 2
        if period == "2026-02" and metric == "Hypotension":
            row[5].value = "EHR outage"
    response = _upload(client, world, "figures.xlsx", _xlsx(book))
    assert response.status_code == 302
    assert Value.objects.filter(team=world.team_a).count() == 12
    assert (
        Value.objects.get(metric__short_name="Hypotension", period__starts_on=date(2026, 2, 1)).note
        == "EHR outage"
    )
    # The same file again changes nothing: no new figure, no revision.
    _upload(client, world, "figures.xlsx", _xlsx(book))
    assert Value.objects.filter(team=world.team_a).count() == 12
    assert not Value.objects.filter(revisions__isnull=False).exists()
    # The downloaded template now carries the stored figures.
    again = _download_template(client, world)["Figures"]
    assert list(again.iter_rows(min_row=2, max_row=2, values_only=True))[0][3:5] == (20, 40)


def test_a_file_with_three_bad_rows_stores_nothing_and_lists_each(client, world, metrics):
    client.force_login(world.data_lead)
    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet.append(["metric", "period", "stratum", "numerator", "denominator"])
    sheet.append(["Hypotension", "2026-01", "", 3, None])
    sheet.append(["BP control", "2026-01", "18-44", 50, 40])  # numerator > denominator
    sheet.append(["Hypotension", "2027-01", "", 3, None])  # a future period
    sheet.append(["Falls", "2026-01", "", 1, None])  # unknown metric
    sheet.append(["BP control", "2026-02", "45-85", 30, 60])
    response = _upload(client, world, "bad.xlsx", _xlsx(book))
    body = response.content.decode()
    assert response.status_code == 400
    assert "3 rows need correcting" in body
    assert "cannot be larger than the denominator" in body
    assert "Unknown or future period" in body
    assert "Unknown metric “Falls”" in body
    assert not Value.objects.exists()


def test_csv_upload_with_documented_columns(client, world, metrics):
    client.force_login(world.data_lead)
    text = (
        "metric,period,stratum,numerator,denominator,note,excluded,exclusion_reason\n"
        "BP control,2026-03,18-44,21,40,,,\n"
        "BP control,2026-03,45-85,61,80,,,\n"
        "Hypotension,2026-03,,9,,new staff,yes,Counting changed mid-month\n"
    )
    response = _upload(client, world, "march.csv", text.encode("utf-8-sig"))
    assert response.status_code == 302
    excluded = Value.objects.get(metric__short_name="Hypotension")
    assert (excluded.is_excluded, excluded.exclusion_reason) == (True, "Counting changed mid-month")
    event = AuditEvent.objects.filter(object_type="collaboratives.team").first()
    assert event.after == {"import": {"created": 3, "changed": 0}}


def test_changed_figures_keep_revisions(client, world, metrics):
    client.force_login(world.data_lead)
    _upload(client, world, "a.csv", b"metric,period,numerator\nHypotension,2026-01,3\n")
    _upload(client, world, "b.csv", b"metric,period,numerator\nHypotension,2026-01,4\n")
    value = Value.objects.get()
    assert value.numerator == 4
    assert value.revisions.get().numerator == 3


def test_locked_periods_and_duplicates_are_refused(client, world, metrics):
    period = world.collaborative.periods.get(starts_on=date(2026, 1, 1))
    Report.objects.create(team=world.team_a, period=period).submit(world.data_lead, None)
    client.force_login(world.data_lead)
    text = (
        "metric,period,numerator\n"
        "Hypotension,2026-01,3\n"
        "Hypotension,2026-02,3\n"
        "Hypotension,2026-02,4\n"
    )
    body = _upload(client, world, "x.csv", text.encode()).content.decode()
    assert "is submitted and locked" in body
    assert "The same figure is also on row 3." in body
    assert not Value.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("figures.pdf", b"%PDF-1.4", "Upload an .xlsx or .csv file."),
        ("figures.xlsx", b"not a zip at all", "This is not an Excel (.xlsx) file."),
        (
            "figures.csv",
            "metric,period,numerator\n".encode("utf-16"),
            "Save the CSV file as UTF-8.",
        ),
        ("figures.csv", b"name,value\nx,1\n", "missing: metric, period, numerator"),
    ],
)
def test_unreadable_files_get_a_clear_error(client, world, metrics, name, content, message):
    client.force_login(world.data_lead)
    response = _upload(client, world, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_host_exports_everything_as_csv_and_xlsx(client, world, metrics):
    bp, falls = metrics
    period = world.collaborative.periods.first()
    Value.objects.create(team=world.team_a, metric=falls, period=period, numerator=3, note="=1+1")
    Value.objects.create(team=world.team_b, metric=falls, period=period, numerator=5)
    client.force_login(world.host)
    csv_body = client.get(reverse("reporting:export", args=[world.collaborative.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(csv_body.content.decode("utf-8-sig"))))
    assert [(r["team"], r["numerator"]) for r in rows] == [
        ("Eastside clinic", "3"),
        ("Valley clinic", "5"),
    ]
    assert rows[0]["note"] == "'=1+1"
    xlsx = client.get(reverse("reporting:export", args=[world.collaborative.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3


def test_weekly_periods_are_named_by_their_first_day(client, world):
    world.collaborative.end_on = date(2026, 4, 30)
    world.collaborative.save()
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, frequency="weekly", first_period_on=date(2026, 3, 2)
    ).sync_periods()
    Metric.objects.create(
        collaborative=world.collaborative,
        name="Households housed",
        short_name="Housed",
        conceptual_definition="Move-ins",
        kind="count",
        direction="up",
    )
    client.force_login(world.data_lead)
    text = "metric,period,numerator\nHoused,2026-03-02,4\nHoused,2026-03-09,6\n"
    assert _upload(client, world, "weeks.csv", text.encode()).status_code == 302
    assert sorted(Value.objects.values_list("numerator", flat=True)) == [4, 6]
    sheet = _download_template(client, world)["Figures"]
    assert list(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0][1] == "2026-03-02"


def test_a_month_typed_as_a_date_in_excel_is_understood(client, world, metrics):
    client.force_login(world.data_lead)
    book = Workbook()
    sheet = book.active
    sheet.append(["metric", "period", "numerator"])
    sheet.append(["Hypotension", datetime(2026, 2, 1), 5])
    assert _upload(client, world, "dates.xlsx", _xlsx(book)).status_code == 302
    assert Value.objects.get().period.starts_on == date(2026, 2, 1)


def test_an_unknown_group_is_refused_listing_the_groups(client, world, metrics):
    client.force_login(world.data_lead)
    text = (
        "metric,period,stratum,numerator,denominator\n"
        "BP control,2026-03,18-45,21,40\n"
        "BP control,2026-03,,21,40\n"
        "BP control,2026-03,45\u00a0–\u00a085,61,80\n"  # matches "45-85"
    )
    body = _upload(client, world, "groups.csv", text.encode()).content.decode()
    assert "Unknown group “18-45” of BP control: its groups are 18-44, 45-85." in body
    assert "name one of its groups in “stratum” (18-44, 45-85)." in body
    assert "Nothing was stored: 2 rows need correcting." in body


def test_an_empty_cell_leaves_what_is_stored_and_no_counts_a_figure_in_again(
    client, world, metrics
):
    """The page promises an upload never deletes anything: an empty note or exclusion reason
    keeps the stored one; "no" under excluded is how a file counts a figure in again."""
    client.force_login(world.data_lead)
    header = "metric,period,numerator,note,excluded,exclusion_reason\n"
    _upload(
        client,
        world,
        "a.csv",
        (header + "Hypotension,2026-01,3,EHR outage,yes,Bad week\n").encode(),
    )
    response = _upload(client, world, "b.csv", (header + "Hypotension,2026-01,3,,,\n").encode())
    assert response.status_code == 302
    value = Value.objects.get()
    assert (value.note, value.is_excluded, value.exclusion_reason) == (
        "EHR outage",
        True,
        "Bad week",
    )
    assert not value.revisions.exists()
    _upload(client, world, "c.csv", (header + "Hypotension,2026-01,3,,no,\n").encode())
    value.refresh_from_db()
    assert (value.note, value.is_excluded, value.exclusion_reason) == ("EHR outage", False, "")
    assert value.revisions.get().is_excluded
