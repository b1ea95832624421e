"""Django's admin works under the Content-Security-Policy: its scripts are files, and run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..factories import make_user

pytestmark = pytest.mark.browser


def test_staff_tick_teams_and_rename_one(page, live_server, world, login):
    login(page.context, make_user("Root", is_staff=True, is_superuser=True))
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Teams").click()
    # actions.js counts the rows ticked: the admin's own script ran.
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_have_text(re.compile(r"^(\d+) of \1 selected$"))
    page.get_by_role("link", name="Eastside clinic").click()
    page.get_by_role("textbox", name="Name:").fill("Eastside community clinic")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(
        page.locator("#result_list").get_by_role("link", name="Eastside community clinic")
    ).to_be_visible()
