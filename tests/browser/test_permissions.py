from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_other_team_sees_team_a_anonymised_and_is_refused_its_page(
    page, world, login, collaborative_url, team_url
):
    login(page.context, world.other_team)
    page.goto(collaborative_url)
    teams = page.get_by_role("table", name="Teams")
    expect(teams.get_by_role("link", name="Valley clinic")).to_be_visible()
    anonymised = teams.get_by_role("row").filter(
        has=page.get_by_role("cell", name="Team A", exact=True)
    )
    expect(anonymised).to_have_count(1)
    expect(anonymised.get_by_role("link")).to_have_count(0)
    expect(page.get_by_text("Eastside")).to_have_count(0)
    check_page(page, "overview-other-team")

    response = page.goto(team_url)
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("Eastside")).to_have_count(0)
    page.get_by_role("link", name="Go to My collaboratives").click()
    expect(page.get_by_role("heading", name="My collaboratives")).to_be_visible()


def test_observer_has_no_people_page(page, world, login, collaborative_url):
    login(page.context, world.observer)
    page.goto(collaborative_url)
    nav = page.get_by_role("navigation", name="Collaborative")
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(nav.get_by_role("link", name="People")).to_have_count(0)
    expect(page.get_by_role("link", name="See everyone")).to_have_count(0)
    expect(page.get_by_role("link", name="Deleted items")).to_have_count(0)
