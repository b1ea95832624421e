"""A team writes an action plan, a late step stands out, a step becomes a PDSA cycle, and the
coach leaves feedback from her coaching view."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from convene.improvement.models import ActionPlan, Comment, PDSACycle

from .helpers import PHONE, assert_no_sideways_scroll, check_page

pytestmark = pytest.mark.browser


def _add_step(page, text, due_on, member=None, someone=None):
    form = page.locator("form", has=page.get_by_role("heading", name="Add a step"))
    form.get_by_label("Step").fill(text)
    if member:
        form.get_by_label("Responsible").select_option(label=member)
    if someone:
        form.get_by_label("Or someone not on the platform").fill(someone)
    form.get_by_label("Due date").fill(due_on.isoformat())
    form.get_by_role("button", name="Add the step").click()


def test_a_plan_with_a_late_step_a_step_to_cycle_and_the_coach_s_feedback(
    data_lead_page, world, login, collaborative_url, team_url
):
    page = data_lead_page
    today = world.collaborative.today()
    page.goto(team_url)
    page.get_by_role("link", name="Action plans").click()
    expect(page.get_by_role("heading", name="Action plans of Eastside clinic")).to_be_visible()
    page.get_by_label("Title").fill("After learning session 2")
    page.get_by_label("The change(s) to test").fill("Repeat every reading above 140/90")
    page.get_by_label("How the test will be measured").fill("Share of high readings repeated")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", name="After learning session 2")).to_be_visible()

    _add_step(page, "Print the protocol", today - timedelta(days=5), member=str(world.member))
    first = page.locator("tbody tr").nth(0)
    expect(first.get_by_text("Overdue by 5 days")).to_be_visible()
    _add_step(page, "Repeat readings for one session", today + timedelta(days=7), someone="Pat")
    second = page.locator("tbody tr").nth(1)
    expect(second.get_by_label("Step 2", exact=True)).to_have_value(
        "Repeat readings for one session"
    )
    expect(page.get_by_text("Overdue by")).to_have_count(1)
    # Changing a field saves the row (htmx): what was typed stays, the row says it is saved.
    second.get_by_label("Status of step 2").select_option(label="Doing")
    expect(second.get_by_text("Saved")).to_be_visible()
    check_page(page, "action-plan")

    second.get_by_role("button", name="Make it a PDSA cycle (step 2)").click()
    expect(page).to_have_url(re.compile(r"/cycles/\d+/edit/$"))
    cycle = PDSACycle.objects.get()
    assert (cycle.title, cycle.objective) == (
        "Repeat readings for one session",
        "Repeat every reading above 140/90",
    )
    page.go_back()
    page.reload()
    expect(page.get_by_role("link", name=re.compile("Its PDSA cycle"))).to_have_count(1)
    page.get_by_role("link", name="Action plans").click()
    check_page(page, "action-plans")

    plan = ActionPlan.objects.get()
    login(page.context, world.coach)
    page.goto(f"{collaborative_url}coaching/")
    item = page.locator(f"#item-plan-{plan.pk}")
    expect(item.get_by_text("Overdue by 5 days")).to_be_visible()
    item.get_by_label("Your feedback on “After learning session 2”").fill(
        "Who prints the protocol now that Dana is away?"
    )
    item.get_by_role("button", name="Post feedback").click()
    expect(item.get_by_text("Who prints the protocol now that Dana is away?")).to_be_visible()
    assert Comment.objects.get().plan == plan
    check_page(page, "coaching")


def test_the_step_grid_fits_a_phone(data_lead_page, world, collaborative_url):
    page = data_lead_page
    plan = ActionPlan.objects.create(
        collaborative=world.collaborative, team=world.team_a, title="After learning session 2"
    )
    plan.steps.create(text="Print the protocol and put it up in every room", owner=world.member)
    plan.steps.create(text="Train the nurses", owner_name="Pat the pharmacist")
    page.set_viewport_size(PHONE)
    page.goto(f"{collaborative_url}action-plans/{plan.pk}/")
    expect(page.get_by_label("Step 1", exact=True)).to_be_visible()
    assert_no_sideways_scroll(page)
