"""The collaborative's navigation: one line on a laptop and on a phone, the current section
marked (and only it), the rarely used pages under one menu a keyboard opens (#13.7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import PHONE, SHOTS, assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


def _nav(page):
    return page.get_by_role("navigation", name="Collaborative")


def _on_one_line(page) -> None:
    """Every item of the navigation sits on the same line."""
    tops = (
        _nav(page)
        .locator(":scope > * > li, :scope > ul > li")
        .evaluate_all("items => items.map(item => Math.round(item.getBoundingClientRect().top))")
    )
    assert tops, "the navigation has no items"
    assert len(set(tops)) == 1, f"the navigation wraps onto {len(set(tops))} lines: {tops}"


def _current(page) -> list[str]:
    return (
        _nav(page)
        .locator("[aria-current=page]")
        .evaluate_all("links => links.map(link => link.textContent.trim())")
    )


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_hosts_navigation_stays_on_one_line_and_marks_the_section(
    page, world, login, collaborative_url, team_url, size
):
    login(page.context, world.host)
    page.set_viewport_size(size)
    page.goto(collaborative_url)
    _on_one_line(page)
    assert _current(page) == ["Overview"]
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"nav-overview-{size['width']}.png"), full_page=True)

    # A team's page belongs to the teams, not to the overview.
    page.goto(team_url)
    _on_one_line(page)
    assert _current(page) == ["Teams"]
    assert_no_sideways_scroll(page)


def test_the_more_menu_opens_from_the_keyboard(page, world, login, collaborative_url):
    login(page.context, world.host)
    page.set_viewport_size(LAPTOP)
    page.goto(collaborative_url)
    more = _nav(page).get_by_role("button", name="More")
    audit = _nav(page).get_by_role("link", name="Audit log")
    expect(audit).to_be_hidden()
    for _press in range(40):
        page.keyboard.press("Tab")
        if more.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the More menu")
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(audit).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "nav-more-open-1366.png"))
    for _press in range(6):
        page.keyboard.press("ArrowDown")
        if audit.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("The arrow keys never reached Audit log")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    # The page is marked in the menu, and the menu's button says the current page is inside.
    assert _current(page) == ["Audit log"]
    expect(_nav(page).get_by_role("button", name="More")).to_have_class(
        "nav-link dropdown-toggle active"
    )
    page.keyboard.press("Escape")


def test_the_invitations_table_fits_at_1366_px(page, world, login, collaborative_url):
    from convene.collaboratives.models import Invitation

    for index in range(3):
        Invitation.issue(
            collaborative=world.collaborative,
            email=f"a.rather.long.address.number.{index}@community-health-partners.example.org",
            role="planning",
            invited_by=world.host,
        )
    login(page.context, world.host)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{collaborative_url}people/")
    table = page.get_by_role("table", name="Invitations")
    expect(table).to_be_visible()
    wrapper_width = table.evaluate("table => table.parentElement.clientWidth")
    table_width = table.evaluate("table => table.scrollWidth")
    assert table_width <= wrapper_width, f"the table is {table_width} px in {wrapper_width} px"
    withdraw = table.get_by_role("button", name="Withdraw").first
    right = withdraw.evaluate("button => button.getBoundingClientRect().right")
    assert right <= page.viewport_size["width"], "the Withdraw button is off the screen"
    page.screenshot(path=str(SHOTS / "people-1366.png"), full_page=True)
