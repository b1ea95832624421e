"""A data lead downloads the team's template, fills it in and uploads it."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from convene.reporting.models import Value

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_data_lead_uploads_the_filled_template(data_lead_page, team_url, bp_metric, tmp_path):
    page = data_lead_page
    page.goto(team_url + "data/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a spreadsheet (.xlsx)").click()
    path = tmp_path / "figures.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    sheet = book["Figures"]
    january = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "2026-01")
    january[3].value, january[4].value = 45, 90
    book.save(path)

    page.get_by_role("link", name="Upload a spreadsheet").click()
    check_page(page, "upload")
    page.get_by_label("File (.xlsx or .csv, up to 5 MB)").set_input_files(str(path))
    page.get_by_role("button", name="Check and store the file").click()
    expect(page.get_by_text("File stored. New figures: 1; changed: 0")).to_be_visible()
    expect(page.get_by_label("BP control, January 2026: numerator")).to_have_value("45")
    assert Value.objects.get().denominator == 90


def test_the_template_saved_by_libreoffice_comes_back(data_lead_page, team_url, world):
    """Issue #12: the template as LibreOffice saves it uploads with January submitted; a
    changed January figure is refused, naming the month and who can reopen it."""
    from tests.reporting import roundtrip_world
    from tests.reporting.test_roundtrip import FIXTURES

    roundtrip_world.build(world)
    page = data_lead_page
    page.goto(team_url + "data/upload/")
    check_page(page, "upload")
    field = page.get_by_label("File (.xlsx or .csv, up to 5 MB)")
    field.set_input_files(str(FIXTURES / "template-locked-change.xlsx"))
    page.get_by_role("button", name="Check and store the file").click()
    expect(
        page.get_by_text("January 2026 is submitted and locked, and this row changes its figures")
    ).to_be_visible()
    check_page(page, "upload-locked-change")
    field.set_input_files(str(FIXTURES / "template-resaved.xlsx"))
    page.get_by_role("button", name="Check and store the file").click()
    expect(page.get_by_text("New figures: 0; changed: 0; unchanged: 6.")).to_be_visible()
    assert Value.objects.count() == 6
