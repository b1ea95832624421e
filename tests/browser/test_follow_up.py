"""A coach finds the team that is slipping at the top of My teams, with the reason, and logs a
check-in by keyboard; a data lead's home page lists what waits for her, and its links work."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from convene.collaboratives import providers
from convene.collaboratives.models import AuditEvent, Invitation, TeamRole
from convene.improvement.models import PDSACycle
from convene.notifications.models import CheckIn

from ..factories import make_collaborative, make_team, make_user
from .helpers import check_page

pytestmark = pytest.mark.browser


def _did_something(world, user, days_ago):
    AuditEvent.objects.create(
        collaborative=world.collaborative,
        actor=user,
        at=timezone.now() - timedelta(days=days_ago),
        action="update",
        object_type="reporting.value",
        object_id="1",
        object_repr="a value",
    )


def _tab_to(page, target, most=4):
    """Press Tab until ``target`` has the focus (a date box takes a Tab or two to leave)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never took the focus")


def _busy_team(world, name):
    """A team of the coach's that is on track: active this week, a cycle under way."""
    team = make_team(world.collaborative, name)
    team.assign_coach(world.coach)
    lead = make_user(f"{name} lead")
    team.add_member(lead, TeamRole.DATA_LEAD)
    _did_something(world, lead, 2)
    PDSACycle.objects.create(
        collaborative=world.collaborative, team=team, title="Text reminders", status="doing"
    )
    return team


def test_a_coach_sees_the_slipping_team_first_and_logs_a_check_in_by_keyboard(
    page, world, login, collaborative_url
):
    _busy_team(world, "Harbour clinic")
    _did_something(world, world.data_lead, 45)  # Eastside clinic: quiet for 45 days
    login(page.context, world.coach)
    page.goto(collaborative_url)
    page.get_by_role("navigation", name="Collaborative").get_by_role(
        "link", name="My teams"
    ).click()
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    first = rows.nth(0)
    expect(first.get_by_role("rowheader")).to_contain_text("Eastside clinic")
    expect(first.get_by_text("Slipping")).to_be_visible()
    expect(
        first.get_by_text("Nobody on the team has done anything here for 45 days")
    ).to_be_visible()
    expect(rows.nth(1).get_by_role("rowheader")).to_contain_text("Harbour clinic")
    expect(rows.nth(1).get_by_text("On track")).to_be_visible()
    check_page(page, "my-teams")

    # By keyboard: the row's link, then the form's fields in order, then the button.
    first.get_by_role("link", name="Log a check-in with Eastside clinic").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log a check-in with Eastside clinic")).to_be_visible()
    today = world.collaborative.today()
    expect(page.get_by_label("Date")).to_have_value(today.isoformat())
    page.get_by_role("combobox", name="How").focus()  # Tab in a date box walks its parts
    page.keyboard.press("ArrowDown")  # from a call to a site visit
    page.keyboard.press("Tab")
    page.keyboard.type("Registry cleaned; the lead is back from leave.")
    page.keyboard.press("Tab")
    page.keyboard.type("Check the next report with the data lead")
    page.keyboard.press("Tab")
    due = today + timedelta(days=14)
    page.keyboard.type(due.strftime("%m%d%Y"))
    _tab_to(page, page.get_by_role("button", name="Save the check-in"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/my-teams/#team-{world.team_a.pk}$"))
    expect(page.get_by_text("Check-in with Eastside clinic saved.")).to_be_visible()
    check_in = CheckIn.objects.get()
    assert (check_in.how, check_in.follow_up_on, check_in.author) == ("visit", due, world.coach)
    row = page.locator(f"#team-{world.team_a.pk}")
    expect(row.get_by_role("cell", name=re.compile("site visit · follow up by"))).to_be_visible()
    row.get_by_role("link", name="All check-ins with Eastside clinic").click()
    expect(page.get_by_text("Registry cleaned; the lead is back from leave.")).to_be_visible()
    check_page(page, "check-ins")


@pytest.fixture
def a_report_to_submit(world):
    """A to-do item as the reporting app gives one (its provider is registered elsewhere)."""

    def provider(user, accesses):
        if user.pk != world.data_lead.pk:
            return []
        return [
            providers.ToDo(
                text="Submit Eastside clinic's November report",
                link=f"/c/{world.collaborative.pk}/teams/{world.team_a.pk}/",
                collaborative=accesses[world.collaborative.pk].collaborative,
                due_on=world.collaborative.today() - timedelta(days=3),
                is_overdue=True,
            )
        ]

    providers.register_to_do("browser.reports", provider)
    yield
    providers._TO_DO.pop("browser.reports")


def test_a_data_lead_s_home_page_lists_what_waits_for_her(
    data_lead_page, world, live_server, a_report_to_submit
):
    page = data_lead_page
    asthma = make_collaborative("Asthma Collaborative")
    Invitation.issue(
        collaborative=asthma, email=world.data_lead.email, role="faculty", invited_by=world.host
    )
    page.goto(live_server.url)
    to_do = page.get_by_role("region", name="To do")
    items = to_do.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Overdue")
    expect(items.nth(0)).to_contain_text("Hypertension Collaborative")
    expect(items.nth(1)).to_contain_text("Asthma Collaborative")
    check_page(page, "home-to-do")

    to_do.get_by_role("link", name="Submit Eastside clinic's November report").click()
    expect(page.get_by_role("heading", name=re.compile("Eastside clinic"))).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Answer the invitation to join as faculty").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Welcome to Asthma Collaborative.")).to_be_visible()
    assert asthma.memberships.current().filter(user=world.data_lead).exists()
