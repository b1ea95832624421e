from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_host_deletes_a_team_and_restores_it(page, world, login, collaborative_url):
    login(page.context, world.host)
    page.goto(collaborative_url)
    teams = page.get_by_role("table", name="Teams")
    expect(teams.get_by_role("link", name="Valley clinic")).to_be_visible()
    check_page(page, "overview")

    teams.get_by_role("link", name="Valley clinic").click()
    expect(page.get_by_role("heading", name="Valley clinic")).to_be_visible()
    page.get_by_role("button", name="Delete team").click()

    expect(page).to_have_url(collaborative_url)
    expect(page.get_by_role("status")).to_contain_text("Team “Valley clinic” is deleted")
    expect(page.get_by_role("heading", name="1 team")).to_be_visible()
    expect(page.get_by_role("table", name="Teams").get_by_text("Valley clinic")).to_have_count(0)

    nav = page.get_by_role("navigation", name="Collaborative")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Deleted items").click()
    expect(page.get_by_role("heading", name="Deleted items")).to_be_visible()
    deleted_teams = page.locator("section", has=page.get_by_role("heading", name="Teams"))
    entry = deleted_teams.get_by_role("listitem").filter(has_text="Valley clinic")
    expect(entry).to_contain_text("by Host")
    check_page(page, "deleted-items")

    entry.get_by_role("button", name="Restore Valley clinic").click()
    expect(page.get_by_role("status")).to_contain_text("“Valley clinic” is restored.")
    expect(deleted_teams.get_by_role("listitem").filter(has_text="Valley clinic")).to_have_count(0)

    nav.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name="2 teams")).to_be_visible()
    expect(
        page.get_by_role("table", name="Teams").get_by_role("link", name="Valley clinic")
    ).to_be_visible()

    # Both changes are in the audit log, newest first.
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Audit log").click()
    events = page.get_by_role("table", name="Audit events, newest first")
    rows = events.locator("tbody > tr").filter(has_text="Valley clinic")
    expect(rows.nth(0)).to_contain_text("Restored")
    expect(rows.nth(1)).to_contain_text("Deleted")
    expect(rows.nth(0)).to_contain_text("Host")
    check_page(page, "audit-log")
