"""A team sends its trial run of five records; the host returns it once, then accepts it."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from convene.measures.models import Metric, ReportingSchedule
from convene.notifications.models import Notification
from convene.trials.models import TrialRun

from ..factories import make_schedule, make_stratified_metric
from .helpers import check_page

pytestmark = pytest.mark.browser


def _fill_records(page, days_of_record_three: str) -> None:
    answers = [
        "In the numerator",
        "In the denominator, not the numerator",
        "Not in the denominator",
    ]
    for n in range(1, 6):
        record = page.get_by_role("group", name=f"Record {n}")
        record.get_by_label("Record reference").fill(f"EF-{200 + n}")
        record.get_by_label("BP by age", exact=True).select_option(label=answers[n % 3])
        record.get_by_label("BP by age: Age group").select_option(label="45 to 64")
        days = days_of_record_three if n == 3 else str(7 * n)
        record.get_by_label("Days to appt", exact=False).fill(days)


def test_team_sends_its_trial_and_the_host_reviews_it(
    data_lead_page, world, login, collaborative_url, team_url
):
    make_schedule(
        world.collaborative, date(2026, 1, 1), trial_run=ReportingSchedule.TrialRule.REQUIRED
    )
    make_stratified_metric(world.collaborative, position=0)
    Metric.objects.create(
        collaborative=world.collaborative,
        name="Days to first appointment",
        short_name="Days to appt",
        conceptual_definition="Days from referral to first visit",
        kind=Metric.Kind.CONTINUOUS,
        unit="days",
        direction=Metric.Direction.DOWN,
        position=1,
    )

    # The data lead finds the grid closed and goes to the trial run from it.
    page = data_lead_page
    page.goto(team_url + "data/")
    expect(page.get_by_text("Routine reporting opens when a host accepts")).to_be_visible()
    page.get_by_role("link", name="Open the trial run").click()
    _fill_records(page, days_of_record_three="-4")
    page.get_by_label("Questions and problems").fill("Referral date is missing for walk-ins.")
    check_page(page, "trial-run-form")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    expect(page.get_by_text("The value cannot be negative.")).to_be_visible()
    page.get_by_role("group", name="Record 3").get_by_label("Days to appt", exact=False).fill("21")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Trial run sent.")).to_be_visible()
    expect(page.get_by_text("Awaiting review").first).to_be_visible()
    told = Notification.objects.filter(kind="trial_submitted", recipient=world.host).get()
    assert told.email_state == Notification.EmailState.PENDING

    # The host finds it from the measures page and returns it with a comment.
    login(page.context, world.host)
    page.goto(collaborative_url + "measures/")
    page.get_by_role("link", name="Trial runs").click()
    check_page(page, "trial-runs")
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_text("Referral date is missing for walk-ins.")).to_be_visible()
    expect(page.get_by_text("answered for 5 records of 5: 7, 14, 21, 28, 35")).to_be_visible()
    check_page(page, "trial-run-review")
    page.get_by_label("Return to the team").check()
    page.get_by_label("Comment to the team").fill("Count walk-ins from the day they book.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()

    # The team reads the comment, sends the trial again, and the host accepts it.
    login(page.context, world.data_lead)
    page.goto(team_url + "trial/")
    expect(page.get_by_text("Count walk-ins from the day they book.")).to_be_visible()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Trial run sent.")).to_be_visible()

    login(page.context, world.host)
    page.goto(team_url + "trial/")
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()
    assert TrialRun.objects.get(team=world.team_a).status == TrialRun.Status.ACCEPTED

    # The team reads the whole conversation, with the records as the host returned them.
    login(page.context, world.data_lead)
    page.goto(team_url + "trial/")
    page.get_by_text("The records as they were reviewed").click()
    expect(page.get_by_role("table", name="The records reviewed on")).to_be_visible()
    check_page(page, "trial-run-accepted")

    # Routine reporting is open: the grid takes figures.
    page.goto(team_url + "data/")
    expect(page.get_by_text("Routine reporting opens")).to_have_count(0)
    expect(page.get_by_label("Days to appt, January 2026: value")).to_be_visible()
