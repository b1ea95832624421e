"""The main pages not visited by a flow, each checked for accessibility and photographed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_host_pages_are_accessible(page, live_server, world, login, collaborative_url):
    login(page.context, world.host)
    page.goto(collaborative_url + "charter/")
    expect(page.get_by_role("heading", name="Charter", exact=True)).to_be_visible()
    check_page(page, "charter")

    page.get_by_role("link", name="Edit the charter").click()
    expect(page.get_by_role("heading", name="Edit the charter")).to_be_visible()
    form = page.locator("main form")
    form.get_by_role("textbox", name="Purpose").fill(
        "Learn together how to control blood pressure."
    )
    check_page(page, "charter-edit")
    form.get_by_role("button", name="Save the charter").click()
    expect(page.get_by_role("status")).to_contain_text("Charter saved.")
    nav = page.get_by_role("navigation", name="Collaborative")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Charter").click()
    purpose = page.locator("section", has=page.get_by_role("heading", name="Purpose"))
    expect(purpose).to_contain_text("Learn together how to control blood pressure.")

    page.get_by_role("link", name="Host (profile)").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    check_page(page, "profile")

    response = page.goto(f"{live_server.url}/c/{world.other_collaborative.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Re-housing")).to_have_count(0)
    check_page(page, "not-found")
