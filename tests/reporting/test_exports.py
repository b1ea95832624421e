"""Every file we write (#12.5, 7, 9): the team's template, the host's export as XLSX and CSV,
and a chart's figures as CSV. Read back with openpyxl and, where it is installed, with
LibreOffice Calc itself (``soffice --headless``); files LibreOffice re-saved are committed in
``fixtures/`` (made by ``fixtures/make_export_fixtures.py``) so CI, which has no LibreOffice,
still reads what it writes."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from convene.lib.sheets import read_sheet
from convene.measures.models import Metric, ReportingSchedule, Stratification, Stratum
from convene.reporting.models import Feedback, ProgressScore, Report, Value

from ..factories import make_user

NOW = datetime(2026, 4, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
CHICAGO_NOW = datetime(2026, 4, 20, 7)  # NOW on the collaborative's clock (CDT)
# Texts a spreadsheet takes for formulas, as people type them into notes and reasons.
RISKY = ["=1+1", "@SUM(1)", "+1", "-1+2"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TAB_NOTE = "\t=2+2"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


def add_metrics(collaborative):
    """Two metrics, one by age group with en dashes in the groups' names, Jan–Dec 2026."""
    ReportingSchedule.objects.create(
        collaborative=collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    ages = Stratification.objects.create(collaborative=collaborative, name="Age")
    Stratum.objects.create(stratification=ages, name="18–44", position=0)
    Stratum.objects.create(stratification=ages, name="45–85", position=1)
    bp = Metric.objects.create(
        collaborative=collaborative,
        name="Hypertension control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        kind="proportion",
        denominator="Adults with hypertension",
        direction="up",
        stratification=ages,
    )
    falls = Metric.objects.create(
        collaborative=collaborative,
        name="Low blood pressure events",
        short_name="Hypotension",
        conceptual_definition="=Events",
        kind="count",
        direction="down",
        position=1,
    )
    return bp, falls


def add_risky_figures(team, bp, falls):
    """Figures whose note or exclusion reason a spreadsheet would run, and one that it
    would garble without a byte order mark."""
    periods = list(team.collaborative.periods.order_by("starts_on"))
    young, old = bp.stratification.strata.order_by("position")
    for period, note in zip(periods, RISKY[:3], strict=False):
        Value.objects.create(team=team, metric=falls, period=period, numerator=3, note=note)
    Value.objects.create(
        team=team,
        metric=bp,
        period=periods[0],
        stratum=young,
        numerator=20,
        denominator=40,
        is_excluded=True,
        exclusion_reason=RISKY[3],
    )
    Value.objects.create(
        team=team,
        metric=bp,
        period=periods[0],
        stratum=old,
        numerator=60,
        denominator=80,
        note="Años 18–44 · ok",
    )


@pytest.fixture
def figures(world):
    world.collaborative.time_zone = "America/Chicago"
    world.collaborative.save()
    bp, falls = add_metrics(world.collaborative)
    add_risky_figures(world.team_a, bp, falls)
    # OWASP's other starts, a tab, and an address that is valid and starts a formula too.
    Value.objects.create(
        team=world.team_b,
        metric=falls,
        period=world.collaborative.periods.order_by("starts_on")[0],
        numerator=1,
        note=TAB_NOTE,
        updated_by=make_user(email="-2+3@example.org"),
    )
    return bp, falls


@pytest.fixture
def reports(world, figures):
    """A report sent late with two comments on it, one sent on time, and a draft."""
    january, february, march = world.collaborative.periods.order_by("starts_on")[:3]
    late = Report.objects.create(
        team=world.team_a,
        period=january,
        status=Report.Status.SUBMITTED,
        submitted_at=datetime(2026, 2, 20, 3, 30, tzinfo=timezone.get_fixed_timezone(0)),
        submitted_by=world.data_lead,
        is_late=True,
        changes_tested="=1+1 reminders",
        improvements="Fewer misses – in the 18–44 group",
    )
    Feedback.objects.create(report=late, author=world.coach, text="@SUM(1) looks odd")
    Feedback.objects.create(report=late, author=world.host, text="Well done.")
    Report.objects.create(
        team=world.team_a,
        period=february,
        status=Report.Status.SUBMITTED,
        submitted_at=NOW,
        submitted_by=world.data_lead,
        challenges="-staff leave",
    )
    Report.objects.create(team=world.team_b, period=march, challenges="Draft only")
    ProgressScore.objects.create(
        team=world.team_a, period=january, rater="coach", score=Decimal("2.5"), note="+1"
    )


def _get(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, response.status_code
    return response.content


def _template(client, world):
    client.force_login(world.data_lead)
    return _get(client, "reporting:team-template", world.collaborative.pk, world.team_a.pk)


def _export(client, world, fmt):
    client.force_login(world.host)
    return _get(client, "reporting:export", world.collaborative.pk, fmt)


def _chart_csv(client, world, metric, team=None):
    client.force_login(world.host)
    args = [world.collaborative.pk, (team or world.team_a).pk, metric.pk, "csv"]
    return _get(client, "dashboards:team-chart-file", *args)


def _formulas(xlsx: bytes) -> list[str]:
    """Every formula in every sheet of the file, as its XML holds them."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        return [
            formula
            for name in book.namelist()
            if name.startswith("xl/worksheets/")
            for formula in re.findall(r"<(?:\w+:)?f[ >].*?</(?:\w+:)?f>", book.read(name).decode())
        ]


def _cells(book, sheet):
    return [cell for row in book[sheet].iter_rows() for cell in row if cell.value is not None]


def _text_cells(xlsx: bytes, sheet: str) -> dict[str, str]:
    """The text cells of a sheet, value to openpyxl's data type, read with formulas kept."""
    book = load_workbook(io.BytesIO(xlsx), data_only=False)
    return {cell.value: cell.data_type for cell in _cells(book, sheet) if cell.data_type != "n"}


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _unguarded(rows: list[dict[str, str]]) -> list[str]:
    return [v for row in rows for v in [*row.keys(), *row.values()] if v.startswith(FORMULA_STARTS)]


# ---------------------------------------------------------------- 5: no formula in any file


def test_no_note_becomes_a_formula_in_the_template_and_it_comes_back_as_typed(
    client, world, figures
):
    template = _template(client, world)
    assert _formulas(template) == []
    cells = _text_cells(template, "Figures")
    assert {text: cells.get(text) for text in RISKY} == dict.fromkeys(RISKY, "s")
    assert _text_cells(template, "Definitions")["=Events"] == "s"
    book = load_workbook(io.BytesIO(template))
    note = next(cell for cell in _cells(book, "Figures") if cell.value == "=1+1")
    assert note.quotePrefix  # shown and edited as text, as if typed after an apostrophe

    # The file sent back unchanged changes nothing: every note comes back as typed.
    before = dict(Value.objects.values_list("pk", "note"))
    url = reverse("reporting:import-figures", args=[world.collaborative.pk, world.team_a.pk])
    response = client.post(url, {"file": SimpleUploadedFile("figures.xlsx", template)})
    assert response.status_code == 302
    assert dict(Value.objects.values_list("pk", "note")) == before
    assert set(Value.objects.values_list("note", flat=True)) >= set(RISKY[:3])
    assert Value.objects.get(is_excluded=True).exclusion_reason == "-1+2"
    assert not Value.objects.filter(revisions__isnull=False).exists()


def test_no_text_becomes_a_formula_in_the_host_export_xlsx(client, world, reports):
    export = _export(client, world, "xlsx")
    assert _formulas(export) == []
    figures = _text_cells(export, "Figures")
    assert {text: figures.get(text) for text in RISKY} == dict.fromkeys(RISKY, "s")
    written = _text_cells(export, "Reports")
    assert written["=1+1 reminders"] == written["-staff leave"] == "s"
    assert _text_cells(export, "Progress scores")["+1"] == "s"


def test_no_cell_of_the_host_export_csv_starts_a_formula(client, world, reports):
    rows = _csv_rows(_export(client, world, "csv"))
    assert _unguarded(rows) == []
    assert [row["note"] for row in rows if row["note"].startswith("'")] == [
        "'=1+1",
        "'@SUM(1)",
        "'+1",
        "'\t=2+2",
    ]
    assert rows[-1]["entered_by"] == "'-2+3@example.org"
    assert [row["exclusion_reason"] for row in rows if row["exclusion_reason"]] == ["'-1+2"]


def test_no_cell_of_a_charts_csv_starts_a_formula(client, world, figures):
    _bp, falls = figures
    rows = _csv_rows(_chart_csv(client, world, falls))
    assert _unguarded(rows) == []
    assert [row["note"] for row in rows if row["note"]] == ["'=1+1", "'@SUM(1)", "'+1"]
    rows = _csv_rows(_chart_csv(client, world, falls, team=world.team_b))
    assert _unguarded(rows) == []
    assert rows[0]["note"] == "'\t=2+2"


# ---------------------------------------------------------------- 7: what the export holds


def test_the_xlsx_export_writes_dates_numbers_widths_and_a_frozen_bold_header(
    client, world, reports
):
    book = load_workbook(io.BytesIO(_export(client, world, "xlsx")))
    assert book.sheetnames == [
        "Figures",
        "Reports",
        "Progress scores",
        # The improvement app's, registered with lib.sheet_data (reporting may not import it).
        "PDSA cycles",
        "Action plans",
        "Cycle counts",
    ]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.column_dimensions["A"].width == 24

    figures = book["Figures"]
    header = [cell.value for cell in figures[1]]
    assert "entered_at (America/Chicago)" in header
    row = dict(zip(header, figures[2], strict=True))
    assert row["period"].value == datetime(2026, 1, 1)
    assert row["period"].number_format == "yyyy-mm"
    assert row["stratum"].value == "18–44"
    assert (row["numerator"].value, row["denominator"].value) == (20, 40)
    assert row["entered_at (America/Chicago)"].value == CHICAGO_NOW  # local, no zone
    assert row["entered_at (America/Chicago)"].is_date
    assert figures["F3"].value == 60 and figures["F3"].data_type == "n"

    reports_sheet = book["Reports"]
    header = [cell.value for cell in reports_sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in reports_sheet.iter_rows(2, values_only=True)]
    assert [(r["team"], r["period"], r["status"], r["on_time"]) for r in rows] == [
        ("Eastside clinic", datetime(2026, 1, 1), "submitted", "no"),
        ("Eastside clinic", datetime(2026, 2, 1), "submitted", "yes"),
        ("Valley clinic", datetime(2026, 3, 1), "draft", None),
    ]
    late = rows[0]
    # 03:30 UTC on 20 February is 21:30 the evening before in Chicago.
    assert late["submitted_at (America/Chicago)"] == datetime(2026, 2, 19, 21, 30)
    assert late["submitted_by"] == world.data_lead.email
    assert late["improvements"] == "Fewer misses – in the 18–44 group"
    assert late["feedback"] == (
        f"{world.coach.email} (2026-04-20): @SUM(1) looks odd\n\n"
        f"{world.host.email} (2026-04-20): Well done."
    )
    assert rows[2]["submitted_at (America/Chicago)"] is None
    assert rows[2]["challenges"] == "Draft only"

    scores = list(book["Progress scores"].iter_rows(values_only=True))
    assert scores[0][-1] == "scored_at (America/Chicago)"
    assert scores[1][1:4] == (datetime(2026, 1, 1), "coach", 2.5)
    assert scores[1][-1] == CHICAGO_NOW


def test_the_csv_export_has_a_byte_order_mark_and_spreadsheet_dates(client, world, figures):
    content = _export(client, world, "csv")
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark
    rows = _csv_rows(content)
    assert list(rows[0])[:3] == ["team", "organisation", "metric"]
    first = rows[0]
    assert (first["period"], first["stratum"], first["numerator"]) == ("2026-01", "18–44", "20")
    assert rows[1]["numerator"] == "60"
    # A date and time every spreadsheet reads as one, on the clock its header names.
    assert first["entered_at (America/Chicago)"] == "2026-04-20 07:00:00"


def test_the_export_page_says_what_each_file_carries(client, world, figures):
    client.force_login(world.host)
    page = client.get(reverse("measures:metrics", args=[world.collaborative.pk])).content.decode()
    assert (
        "figures, reports with their feedback, progress scores, PDSA cycles and action plans"
        in page
    )
    assert "CSV</a> (the figures alone)" in page


# ---------------------------------------------------------------- 9: a new sheet is one function


def test_a_record_joins_the_export_with_one_function(client, world, figures, monkeypatch):
    from convene.reporting import exports

    def cycles_sheet(collaborative):
        columns = [exports.Column("cycle", 20), exports.Column("started_at", 18)]
        rows = [["=cmd|' /C calc'!A0", exports.local(collaborative, NOW)]]
        return exports.Sheet("Cycles", exports.in_zone(columns, collaborative), rows)

    monkeypatch.setattr(exports, "EXPORT_SHEETS", [*exports.EXPORT_SHEETS, cycles_sheet])
    export = _export(client, world, "xlsx")
    book = load_workbook(io.BytesIO(export))
    # After the figures' own sheets, before those other apps register (lib.sheet_data).
    assert book.sheetnames[3] == "Cycles"
    cycles = book["Cycles"]
    assert [c.value for c in cycles[1]] == ["cycle", "started_at (America/Chicago)"]
    assert cycles.freeze_panes == "A2" and cycles.column_dimensions["A"].width == 20
    assert [c.value for c in cycles[2]] == ["=cmd|' /C calc'!A0", CHICAGO_NOW]
    assert cycles["A2"].data_type == "s" and _formulas(export) == []


# ---------------------------------------------------------------- read back by LibreOffice


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """Converts files with LibreOffice Calc, in a profile of this test run's own."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: CI reads the committed fixtures")
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(paths: list[Path], to: str, infilter: str | None = None) -> list[Path]:
        out = Path(tempfile.mkdtemp(prefix="by-libreoffice-", dir=paths[0].parent))
        command = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless"]
        if infilter:
            command.append(f"--infilter={infilter}")
        command += ["--convert-to", to, "--outdir", str(out), *map(str, paths)]
        subprocess.run(command, check=True, capture_output=True, timeout=180)
        return [out / f"{path.stem}.{to}" for path in paths]

    return convert


UTF8_CSV = "CSV:44,34,76,1"  # comma, double quote, UTF-8, from line 1: as the BOM says


def test_libreoffice_reads_our_files_as_written(client, world, reports, soffice, tmp_path):
    falls = Metric.objects.get(short_name="Hypotension")
    (tmp_path / "template.xlsx").write_bytes(_template(client, world))
    (tmp_path / "export.xlsx").write_bytes(_export(client, world, "xlsx"))
    (tmp_path / "export.csv").write_bytes(_export(client, world, "csv"))
    (tmp_path / "chart.csv").write_bytes(_chart_csv(client, world, falls))
    template, export = soffice([tmp_path / "template.xlsx", tmp_path / "export.xlsx"], "xlsx")
    export_csv, chart_csv = soffice(
        [tmp_path / "export.csv", tmp_path / "chart.csv"], "xlsx", UTF8_CSV
    )

    for path in (template, export, export_csv, chart_csv):
        # LibreOffice writes a true or false cell (a metric's is_required) as TRUE() or FALSE().
        formulas = [
            f for f in _formulas(path.read_bytes()) if not f.endswith(("TRUE()</f>", "FALSE()</f>"))
        ]
        assert formulas == [], path.name
    # XLSX: the texts as typed, the periods and times still dates, numbers still numbers.
    texts = _text_cells(template.read_bytes(), "Figures")
    assert {text: texts.get(text) for text in RISKY} == dict.fromkeys(RISKY, "s")
    figures = load_workbook(export)["Figures"]
    assert figures["D2"].value == datetime(2026, 1, 1) and "yyyy" in figures["D2"].number_format
    assert "dd" not in figures["D2"].number_format  # still shown as the month
    assert figures["L2"].value == CHICAGO_NOW and figures["F3"].value == 60
    # Widths kept (a headless LibreOffice keeps no view, so frozen panes are not asked here).
    assert round(figures.column_dimensions["A"].width) == 24
    # CSV: the mark read as UTF-8 and dropped, the guard kept as text, the time a date.
    sheet = load_workbook(export_csv).active
    assert sheet["A1"].value == "team" and sheet["E2"].value == "18–44"
    assert sheet["L1"].value == "entered_at (America/Chicago)" and sheet["L2"].value == CHICAGO_NOW
    assert sheet["F2"].value == 20 and sheet["F3"].value == 60
    notes = [row[0] for row in sheet.iter_rows(min_row=2, min_col=8, max_col=8, values_only=True)]
    assert [n for n in notes if n] == ["Años 18–44 · ok", "'=1+1", "'@SUM(1)", "'+1", "'\t=2+2"]
    chart = load_workbook(chart_csv).active
    assert [c.value for c in chart["K"] if c.value][1:] == ["'=1+1", "'@SUM(1)", "'+1"]


# ---------------------------------------------------------------- files LibreOffice saved


def _upload(client, world, name):
    client.force_login(world.data_lead)
    url = reverse("reporting:import-figures", args=[world.collaborative.pk, world.team_a.pk])
    content = (FIXTURES / name).read_bytes()
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def empty_team(world):
    world.collaborative.time_zone = "America/Chicago"
    world.collaborative.save()
    return add_metrics(world.collaborative)


@pytest.mark.parametrize(
    "name", ["export-template.libreoffice.xlsx", "export-template.libreoffice.csv"]
)
def test_a_template_libreoffice_saved_brings_the_notes_back_as_typed(
    client, world, empty_team, name
):
    assert _upload(client, world, name).status_code == 302
    notes = Value.objects.filter(team=world.team_a).exclude(note="")
    assert sorted(notes.values_list("note", flat=True)) == sorted([*RISKY[:3], "Años 18–44 · ok"])
    excluded = Value.objects.get(is_excluded=True)
    assert (excluded.stratum.name, excluded.exclusion_reason) == ("18–44", "-1+2")
    assert Value.objects.get(note="Años 18–44 · ok").numerator == 60


def test_our_reader_takes_back_an_export_libreoffice_saved():
    content = (FIXTURES / "export-figures.libreoffice.xlsx").read_bytes()
    rows = [cells for _line, cells in read_sheet("export.xlsx", content, sheet="Figures")]
    header = rows[0]
    first = dict(zip(header, rows[1], strict=False))
    assert first["period"] == datetime(2026, 1, 1)
    assert first["entered_at (America/Chicago)"] == CHICAGO_NOW
    assert (first["stratum"], first["numerator"], first["exclusion_reason"]) == (
        "18–44",
        20,
        "-1+2",
    )
    assert [dict(zip(header, r, strict=False)).get("note") for r in rows[3:]] == RISKY[:3]
    reports_rows = list(read_sheet("export.xlsx", content, sheet="Reports"))
    assert reports_rows[1][1][:3] == ["Eastside clinic", datetime(2026, 1, 1), "submitted"]
