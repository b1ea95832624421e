"""A team lead starts a new phase of a chart from the keyboard, and reads a note on the chart."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from convene.measures.models import ChartPhase
from convene.reporting.models import Value

from ..factories import make_metric_with_figures
from .helpers import check_page

pytestmark = pytest.mark.browser

# Six baseline months near 50 %, then a climb that settles near 68 %.
RISING = [50, 52, 49, 51, 53, 50, 55, 58, 61, 64, 66, 68]


@pytest.fixture
def figures(world):
    metric = make_metric_with_figures(
        world.collaborative,
        {world.team_a: (RISING, 100)},
        first_period_on=date(2025, 11, 1),
        baseline_periods=6,
    )
    value = Value.objects.get(metric=metric, period__starts_on=date(2026, 5, 1))
    value.revise(world.host, "", note="Nurse-led titration began")
    return metric


def test_a_lead_starts_a_phase_from_the_keyboard(data_lead_page, team_url, figures):
    page = data_lead_page
    page.goto(team_url + "dashboard/")
    chart = page.get_by_role("region", name="Hypertension control")
    expect(chart.locator(".chart svg")).to_be_visible()
    # The note is a marker on the chart, its text in the tooltip.
    markers = chart.locator(".chart svg .mark-symbol").last.locator("path")
    expect(markers).to_have_count(1)
    markers.first.hover()
    expect(page.locator("#vg-tooltip-element")).to_contain_text("Nurse-led titration began")

    summary = chart.get_by_text("Start a new phase", exact=True)
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(chart.get_by_label("New phase from")).to_be_focused()
    page.keyboard.type("May 2026")
    page.keyboard.press("Tab")
    expect(chart.get_by_label("Reason")).to_be_focused()
    page.keyboard.type("Titration visits for everyone")
    check_page(page, "team-dashboard-phase-form")
    page.keyboard.press("Enter")

    expect(page.get_by_text("A new phase starts in May 2026.")).to_be_visible()
    chart = page.get_by_role("region", name="Hypertension control")
    expect(
        chart.get_by_text(
            "A new phase started in May 2026 (Titration visits for everyone): its centre and "
            "limits come from its own figures."
        )
    ).to_be_visible()
    expect(
        chart.get_by_text("New phase from May 2026: Titration visits for everyone")
    ).to_be_visible()
    expect(chart.get_by_role("button", name="Remove the phase from May 2026")).to_be_visible()
    assert ChartPhase.objects.get().period.starts_on == date(2026, 5, 1)
    check_page(page, "team-dashboard-phase")
    # Without scripts the panel is a page of its own, behind the link under the chart.
    page.goto(f"{team_url}charts/{figures.pk}/phases/")
    expect(
        page.get_by_role("heading", name="Phases of the chart of Hypertension control")
    ).to_be_visible()
    check_page(page, "chart-phases-page")
