"""A coach answers a submitted monthly report; the team reads the feedback on its report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from convene.reporting.models import Feedback, Report

from ..factories import record_figures
from .helpers import check_page

pytestmark = pytest.mark.browser

FEEDBACK = "Good start with repeat readings. Try the cuff-size audit next month."


@pytest.fixture
def submitted(world, bp_metric, periods):
    """Eastside clinic's January report, submitted by its data lead."""
    record_figures(world.team_a, bp_metric, [40], 64)
    report = Report.objects.create(
        team=world.team_a,
        period=periods[0],
        changes_tested="Repeat high readings after 5 minutes",
        challenges="Two nurses on leave",
    )
    report.submit(world.data_lead, None)
    return report


def test_coach_gives_feedback_the_team_reads(
    page, world, login, collaborative_url, team_url, submitted
):
    login(page.context, world.coach)
    page.goto(collaborative_url)
    page.get_by_role("navigation", name="Collaborative").get_by_role(
        "link", name="Feedback"
    ).click()
    expect(page.get_by_role("heading", name="Reports awaiting feedback")).to_be_visible()
    waiting = page.get_by_role("listitem").filter(has_text="Eastside clinic")
    expect(waiting).to_contain_text("January 2026")
    expect(waiting).to_contain_text("by Data_Lead")
    check_page(page, "feedback-queue")

    # The link's hidden part names the report: "Read and give feedback : Eastside clinic, …".
    page.get_by_role(
        "link", name=re.compile(r"Read and give feedback\W+Eastside clinic, January 2026")
    ).click()
    expect(page.get_by_role("heading", name="Report for January 2026")).to_be_visible()
    expect(page.get_by_text("Repeat high readings after 5 minutes")).to_be_visible()
    expect(page.get_by_text("No feedback yet.")).to_be_visible()
    # The value, not only 40 of 64, and the team's chart, drawn under the page's policy.
    values = page.locator("#period-figures")
    expect(values.locator(".period-value")).to_have_text("62.5%")
    expect(values.locator(".chart svg")).to_be_visible()
    check_page(page, "period-report-coach")
    page.get_by_label("Your feedback to the team").fill(FEEDBACK)
    page.get_by_role("button", name="Send feedback").click()

    expect(page.get_by_role("status").first).to_contain_text("Feedback sent to the team.")
    feedback = page.get_by_role("article").filter(has_text=FEEDBACK)
    expect(feedback).to_contain_text("Coach")
    assert Feedback.objects.get().author == world.coach

    page.get_by_role("navigation", name="Collaborative").get_by_role(
        "link", name="Feedback"
    ).click()
    expect(page.get_by_text("Every submitted report has feedback.")).to_be_visible()
    expect(page.get_by_role("link", name="Read and give feedback")).to_have_count(0)

    page.context.clear_cookies()
    login(page.context, world.data_lead)
    page.goto(team_url + "data/")
    page.get_by_role("row", name="January 2026").get_by_role("link", name="Submitted").click()
    expect(page.get_by_role("heading", name="Feedback from coaches and faculty")).to_be_visible()
    expect(page.get_by_role("article").filter(has_text=FEEDBACK)).to_contain_text("Coach")
    expect(page.get_by_role("button", name="Send feedback")).to_have_count(0)
    check_page(page, "period-report-with-feedback")
