"""The collaborative dashboard, as a host and as a member of another team (anonymised)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from convene.reporting.models import Report

from ..factories import make_metric_with_figures, make_stratified_metric, record_by_group
from .helpers import check_page

pytestmark = pytest.mark.browser

RISING = [50, 52, 49, 51, 53, 50, 55, 58, 61, 64, 66, 68]
FLAT = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52]


@pytest.fixture
def figures(world):
    return make_metric_with_figures(
        world.collaborative,
        {world.team_a: (RISING, 100), world.team_b: (FLAT, 100)},
        first_period_on=date(2025, 11, 1),
        baseline_periods=6,
    )


def test_host_sees_every_team(page, world, login, collaborative_url, figures):
    login(page.context, world.host)
    page.goto(collaborative_url)
    page.get_by_role("navigation", name="Collaborative").get_by_role(
        "link", name="Dashboard"
    ).click()
    expect(page.get_by_role("heading", name="Hypertension control", exact=True)).to_be_visible()
    expect(page.get_by_text("1 of 2 reporting teams shows improvement")).to_be_visible()
    # The team-by-team charts arrive as they scroll into view.
    page.locator(".team-charts").first.evaluate("holder => holder.scrollIntoView()")
    expect(page.locator(".chart-small svg")).to_have_count(2)
    expect(page.get_by_role("link", name="Eastside clinic")).to_be_visible()
    expect(page.get_by_role("link", name="Valley clinic")).to_be_visible()
    expect(page.locator(".chart svg").first).to_be_visible()
    expect(page.get_by_role("heading", name="Reporting")).to_be_visible()
    check_page(page, "collaborative-dashboard-host")


def test_another_team_sees_us_anonymised(page, world, login, collaborative_url, figures):
    login(page.context, world.other_team)
    page.goto(f"{collaborative_url}dashboard/metrics/{figures.pk}/teams/")
    expect(page.get_by_role("heading", name="Hypertension control, team by team")).to_be_visible()
    expect(page.locator(".chart-small svg")).to_have_count(2)
    expect(page.get_by_role("link", name="Valley clinic")).to_be_visible()
    expect(page.get_by_role("heading", name="Team A")).to_be_visible()
    expect(page.get_by_text("Eastside clinic")).to_have_count(0)
    expect(page.get_by_role("heading", name="Reporting")).to_have_count(0)
    check_page(page, "team-charts-other-team")
    page.get_by_role("link", name="Dashboard", exact=True).first.click()
    expect(page.get_by_text("1 of 2 reporting teams shows improvement")).to_be_visible()
    check_page(page, "collaborative-dashboard-other-team")


def test_a_team_sees_the_gap_between_groups(
    data_lead_page, world, login, collaborative_url, team_url, figures
):
    by_age = make_stratified_metric(world.collaborative)
    periods = list(world.collaborative.periods.all())[:12]
    for i, period in enumerate(periods):
        groups = {"Under 45": 40 + i, "45 to 64": 50 + i, "65 and over": 60 + 2 * i}
        record_by_group(world.team_a, by_age, period, {g: (n, 100) for g, n in groups.items()})
    page = data_lead_page
    page.goto(team_url + "dashboard/")
    by_group = page.get_by_role("region", name="Blood-pressure control by group (Age group)")
    expect(by_group.locator(".chart svg")).to_be_visible()
    expect(by_group.locator(".chart")).to_contain_text("65 and over")  # the legend
    expect(by_group).to_contain_text(
        f"In {periods[-1].label} the gap between the highest group (65 and over, 82%) and the "
        "lowest (Under 45, 51%) is 31 percentage points."
    )
    check_page(page, "team-dashboard-by-group")
    # The roll-up by group and the reporting rate over time, on the collaborative dashboard:
    # the roll-up draws the months every team has reported.
    for period in periods:
        record_by_group(
            world.team_b, by_age, period, {"Under 45": (30, 50), "65 and over": (35, 50)}
        )
    for i, period in enumerate(periods):
        Report.objects.create(team=world.team_a, period=period, status="submitted")
        if i % 3:
            Report.objects.create(
                team=world.team_b, period=period, status="submitted", is_late=True
            )
    login(page.context, world.host)
    page.goto(collaborative_url + "dashboard/")
    roll_up = page.get_by_role("region", name="Blood-pressure control by group (Age group)")
    expect(roll_up.locator(".chart svg")).to_be_visible()
    expect(page.locator("#reporting .chart svg")).to_be_visible()
    check_page(page, "collaborative-dashboard-by-group")


def test_months_read_the_same_west_of_greenwich(new_context, world, login, team_url, figures):
    """A period starts at local midnight wherever the chart is drawn, not the evening before."""
    context = new_context(timezone_id="America/Chicago")
    try:
        page = context.new_page()
        login(context, world.data_lead)
        page.goto(team_url + "dashboard/")
        chart = page.locator(".chart").first
        first_point = chart.locator("g.mark-symbol path").first
        expect(first_point).to_be_visible()
        box = first_point.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.locator("#vg-tooltip-element")).to_contain_text("November 2025")
        labels = chart.locator("g.role-axis-label text").all_text_contents()
        assert labels[0] == "Nov 25", labels
        # Every monthly period starts on the 1st as this browser reads the chart's dates.
        days = page.evaluate(
            """() => [...document.querySelectorAll('script[id^="spec-"]')]
                .flatMap(s => [...s.textContent.matchAll(/"x": ?"([^"]+)"/g)])
                .map(m => new Date(m[1]).getDate())"""
        )
        assert days and set(days) == {1}, days
    finally:
        context.close()


def test_the_team_by_team_charts_read_level_and_in_spanish(
    new_context, world, login, collaborative_url, figures
):
    """Small multiples in Spanish: Spanish month names, four at most, none running into the
    next, on one y-scale; and no Vega warning (the context fails on one)."""
    world.host.language = "es"
    world.host.save()
    context = new_context(locale="es-ES")
    try:
        page = context.new_page()
        login(context, world.host)
        page.goto(f"{collaborative_url}dashboard/metrics/{figures.pk}/teams/")
        charts = page.locator(".small-multiple .chart")
        expect(charts.first.locator("svg")).to_be_visible()
        expect(charts.nth(1).locator("svg")).to_be_visible()
        spanish = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov"}
        ticks = []
        for chart in charts.all():
            labels = chart.locator("g.role-axis-label").first.locator("text").all_text_contents()
            assert 2 <= len(labels) <= 4 and {label[:3] for label in labels} <= spanish, labels
            y_axis = chart.locator("g.role-axis-label").nth(1).locator("text")
            ticks.append(y_axis.all_text_contents())
            boxes = [
                box
                for box in (
                    text.bounding_box()
                    for text in chart.locator("g.role-axis-label").first.locator("text").all()
                )
                if box
            ]
            for left, right in zip(boxes, boxes[1:], strict=False):
                assert left["x"] + left["width"] < right["x"], "month labels overlap"
        assert ticks[0] == ticks[1], ticks  # one y-scale
        check_page(page, "dashboard-teams-spanish")
    finally:
        context.close()
