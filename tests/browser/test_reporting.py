"""A data lead enters a month of figures in the grid; each cell saves itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convene.reporting.models import Value

from ..factories import make_bp_metric, record_figures
from .helpers import check_page

pytestmark = pytest.mark.browser


def test_data_lead_enters_figures_cell_by_cell(data_lead_page, team_url, bp_metric, periods):
    page = data_lead_page
    page.goto(team_url)
    page.get_by_role("link", name="Data and monthly reports").click()
    expect(page.get_by_role("heading", name="Data of Eastside clinic")).to_be_visible()
    check_page(page, "team-data")

    numerator = page.get_by_label("BP control, January 2026: numerator")
    denominator = page.get_by_label("BP control, January 2026: denominator")
    numerator.fill("70")
    denominator.fill("64")
    denominator.press("Tab")
    status = page.locator(f"#status-{bp_metric.pk}-{periods[0].pk}")
    expect(status).to_contain_text("cannot be larger than the denominator")
    numerator.fill("40")
    numerator.press("Tab")
    expect(status).to_contain_text("Saved · 62.5%")
    assert Value.objects.get().numerator == 40

    page.reload()
    expect(page.get_by_label("BP control, January 2026: numerator")).to_have_value("40")

    page.get_by_role("row", name="January 2026").get_by_role("link", name="Not started").click()
    expect(page.get_by_role("heading", name="Report for January 2026")).to_be_visible()
    page.get_by_label("Changes tested this period").fill("Repeat high readings after 5 minutes")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_role("status").first).to_contain_text("Report submitted")
    check_page(page, "period-report")
    page.get_by_role("link", name="All periods").click()
    expect(page.get_by_role("row", name="January 2026")).to_contain_text("Submitted")
    expect(page.get_by_label("BP control, January 2026: numerator")).to_have_count(0)


def test_a_new_month_appears_on_the_dashboard_chart(data_lead_page, team_url, world, periods):
    bp = make_bp_metric(world.collaborative, goal=70)
    record_figures(world.team_a, bp, [50, 52, 51], 100)
    page = data_lead_page
    page.goto(team_url + "dashboard/")
    expect(page.get_by_text("Latest: 51%")).to_be_visible()
    expect(page.locator(".chart svg .mark-symbol path")).to_have_count(3)

    page.goto(team_url + "data/")
    page.get_by_label("BP control, April 2026: numerator").fill("58")
    page.get_by_label("BP control, April 2026: denominator").fill("100")
    page.get_by_label("BP control, April 2026: denominator").press("Tab")
    expect(page.locator(f"#status-{bp.pk}-{periods[3].pk}")).to_contain_text("Saved")

    page.goto(team_url + "dashboard/")
    expect(page.get_by_text("Latest: 58%")).to_be_visible()
    expect(page.locator(".chart svg .mark-symbol path")).to_have_count(4)
    check_page(page, "team-dashboard")


def test_a_cell_a_colleague_filled_meanwhile_is_not_overwritten(
    data_lead_page, team_url, bp_metric, periods, world
):
    page = data_lead_page
    page.goto(team_url + "data/")
    numerator = page.get_by_label("BP control, January 2026: numerator")
    expect(numerator).to_have_value("")
    # The team lead saves this cell while the page stays open here, showing it empty.
    Value.objects.create(
        team=world.team_a, metric=bp_metric, period=periods[0], numerator=30, denominator=60
    )
    numerator.fill("40")
    page.get_by_label("BP control, January 2026: denominator").fill("64")
    page.get_by_label("BP control, January 2026: denominator").press("Tab")
    status = page.locator(f"#status-{bp_metric.pk}-{periods[0].pk}")
    expect(status).to_contain_text("Someone else changed this figure")
    expect(status).to_contain_text("Saved: 30 / 60")
    expect(numerator).to_have_value("40")  # what she typed stays in the box
    assert Value.objects.get().numerator == 30
    # Entering hers again now replaces theirs: she has seen them.
    numerator.fill("41")
    numerator.press("Tab")
    expect(status).to_contain_text("Saved · 64.1%")
    assert Value.objects.get().numerator == 41
