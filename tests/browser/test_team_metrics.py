"""A data lead adds a metric of the team's own and reports it in the grid."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convene.measures.models import Metric
from convene.reporting.models import Value

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_data_lead_adds_a_team_metric_and_enters_a_value(
    data_lead_page, team_url, world, bp_metric, periods
):
    world.collaborative.can_teams_add_metrics = True
    world.collaborative.save()
    page = data_lead_page
    page.goto(team_url + "data/")
    page.get_by_role("link", name="Add a metric of the team's own").click()
    expect(page.get_by_role("heading", name="New metric for Eastside clinic")).to_be_visible()
    check_page(page, "team-metric-form")

    page.get_by_role("textbox", name="Name", exact=True).fill("Falls on the ward")
    page.get_by_role("textbox", name="Short name").fill("Falls")
    page.get_by_label("Conceptual definition").fill("Patients who fell during their stay")
    page.get_by_label("Count of events").check()
    page.get_by_label("Lower is better").check()
    expect(page.get_by_label("Category")).to_have_value("optional")
    page.get_by_role("button", name="Add the metric").click()

    expect(page.get_by_role("heading", name="Data of Eastside clinic")).to_be_visible()
    expect(page.get_by_text("Metric “Falls on the ward” added.")).to_be_visible()
    header = page.get_by_role("columnheader", name="Falls")
    expect(header).to_contain_text("team's own")
    check_page(page, "team-data-with-own-metric")

    falls = Metric.objects.get(short_name="Falls")
    value = page.get_by_label("Falls, January 2026: value")
    value.fill("3")
    value.press("Tab")
    expect(page.locator(f"#status-{falls.pk}-{periods[0].pk}")).to_contain_text("Saved")
    assert Value.objects.get(metric=falls, team=world.team_a).numerator == 3

    page.get_by_role("link", name="Falls", exact=True).click()
    expect(page.get_by_role("heading", name="Falls on the ward")).to_contain_text("team's own")
    expect(page.get_by_text("reported by Eastside clinic only")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    check_page(page, "team-metric")

    page.goto(team_url + "dashboard/")
    expect(page.get_by_role("heading", name="Falls on the ward")).to_contain_text("team's own")
    expect(page.get_by_role("heading", name="Hypertension control")).to_be_visible()
    check_page(page, "team-dashboard-with-own-metric")
