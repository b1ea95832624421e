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
