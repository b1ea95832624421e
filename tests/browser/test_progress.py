"""The team rates its month on the assessment scale; the coach adds a rating; both are charted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convene.reporting.models import ProgressScore

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_team_and_coach_rate_progress_and_see_it_charted(
    data_lead_page, world, login, team_url, periods
):
    report_url = f"{team_url}reports/{periods[0].pk}/"

    page = data_lead_page
    page.goto(report_url)
    # The team's score is part of the report's form: chosen, then the report submitted.
    own = page.locator("#team-score").get_by_role("group", name="Progress score")
    own.get_by_label("2.0 · Activity, but no changes", exact=False).check()
    page.locator("#team-score").get_by_label("Why this score").fill(
        "Team formed; first tests planned."
    )
    check_page(page, "period-report-draft-with-score")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_role("status").first).to_contain_text("Report submitted")
    expect(
        page.locator("#progress p", has_text="Team formed; first tests planned.")
    ).to_be_visible()
    check_page(page, "period-progress-score")

    login(page.context, world.coach)
    page.goto(report_url)
    page.get_by_role("group", name="Progress score").get_by_label(
        "1.5 · Planning has begun", exact=False
    ).check()
    page.get_by_role("button", name="Save the score").click()
    expect(page.get_by_text("Progress score saved.")).to_be_visible()
    assert sorted(ProgressScore.objects.values_list("rater", "score")) == [
        ("coach", 1.5),
        ("team", 2.0),
    ]

    page.goto(team_url + "dashboard/")
    expect(page.locator("#progress .chart svg")).to_be_visible()
    expect(page.get_by_text("team's own score 2.0, coach's score 1.5")).to_be_visible()
