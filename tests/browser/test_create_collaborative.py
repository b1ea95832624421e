from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convene.collaboratives.models import Collaborative

from .helpers import check_page

pytestmark = pytest.mark.browser

NAME = "Safer Discharge Collaborative"
AIM = "By December 2027, cut 30-day readmissions after discharge by a quarter."


def test_staff_creates_a_collaborative(page, live_server, world, login):
    login(page.context, world.staff)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="New collaborative").click()
    expect(page.get_by_role("heading", name="New collaborative")).to_be_visible()
    check_page(page, "create-collaborative")

    form = page.locator("main form")
    form.get_by_role("textbox", name="Name", exact=True).fill(NAME)
    form.get_by_label("…or a new host organisation").fill("Northern Health Partnership")
    form.get_by_label("Start date", exact=False).fill("2026-03-01")
    form.get_by_label("End date", exact=False).fill("2027-02-28")
    form.get_by_role("textbox", name="Aim statement").fill(AIM)
    # The topic is left out on purpose.
    form.get_by_role("button", name="Create the collaborative").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    topic = form.get_by_role("textbox", name="Topic or focus")
    expect(topic).to_have_attribute("aria-invalid", "true")
    expect(topic).to_have_accessible_description("This field is required.")
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value(NAME)
    expect(form.get_by_label("…or a new host organisation")).to_have_value(
        "Northern Health Partnership"
    )
    expect(form.get_by_role("textbox", name="Aim statement")).to_have_value(AIM)
    expect(form.get_by_label("Start date", exact=False)).to_have_value("2026-03-01")
    check_page(page, "create-collaborative-errors")
    assert not Collaborative.objects.filter(name=NAME).exists()

    topic.fill("Readmissions")
    form.get_by_role("button", name="Create the collaborative").click()

    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    created = Collaborative.objects.get(name=NAME)
    expect(page).to_have_url(f"{live_server.url}/c/{created.pk}/")
    expect(page.get_by_role("status")).to_contain_text("You are its host admin")
    expect(page.get_by_text(AIM)).to_be_visible()
    expect(page.get_by_role("link", name="Northern Health Partnership")).to_be_visible()
    steps = page.locator("section", has=page.get_by_role("heading", name="Next steps"))
    expect(steps.get_by_role("link", name="Invite the planning group")).to_be_visible()
    expect(steps.get_by_role("link", name="Add the teams")).to_be_visible()
    expect(steps).to_contain_text("Write the aim statement")
    expect(steps.get_by_role("link", name="Write the aim statement")).to_have_count(0)
    people = page.locator("section", has=page.get_by_role("heading", name="People"))
    expect(people).to_contain_text("Host admin: 1")
    check_page(page, "overview-new")
