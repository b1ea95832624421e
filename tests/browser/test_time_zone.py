"""The collaborative's time zone in the browser: the host's own by default, changed in the
settings (#11.2)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convene.collaboratives.models import Collaborative

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_a_host_creates_a_collaborative_on_their_own_clock_and_changes_it(
    page, live_server, world, login
):
    world.staff.time_zone = "America/Chicago"
    world.staff.save()
    login(page.context, world.staff)
    page.goto(live_server.url + "/c/new/")
    form = page.locator("main form")
    zone = form.get_by_role("combobox", name="Time zone")
    expect(zone).to_have_value("America/Chicago")
    expect(zone).to_have_accessible_description(
        "Due dates and lateness follow this clock, and exports write their times in it. "
        "Everyone still sees their own times on pages in their own time zone."
    )
    check_page(page, "create-collaborative-time-zone")
    form.get_by_role("textbox", name="Name", exact=True).fill("Sepsis Collaborative")
    form.get_by_role("textbox", name="Topic or focus").fill("Early sepsis care")
    form.get_by_label("…or a new host organisation").fill("Island Health")
    form.get_by_label("Start date", exact=False).fill("2026-03-01")
    form.get_by_label("End date", exact=False).fill("2027-02-28")
    form.get_by_role("button", name="Create the collaborative").click()
    expect(page.get_by_role("heading", name="Sepsis Collaborative")).to_be_visible()
    created = Collaborative.objects.get(name="Sepsis Collaborative")
    assert created.time_zone == "America/Chicago"

    page.goto(f"{live_server.url}/c/{created.pk}/settings/")
    zone = page.locator("main form").get_by_role("combobox", name="Time zone")
    expect(zone).to_have_value("America/Chicago")
    zone.select_option("Pacific/Honolulu")
    check_page(page, "collaborative-settings-time-zone")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved.")
    created.refresh_from_db()
    assert created.time_zone == "Pacific/Honolulu"
