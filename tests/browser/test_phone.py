from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import PHONE, assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


def test_phone_menu_opens_from_the_keyboard(data_lead_page, collaborative_url):
    page = data_lead_page
    page.set_viewport_size(PHONE)
    page.goto(collaborative_url)
    site_nav = page.get_by_role("navigation", name="Site")
    toggler = site_nav.get_by_role("button", name="Show the menu")
    menu_link = site_nav.get_by_role("link", name="My collaboratives")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(menu_link).to_be_hidden()

    # Skip link, brand, then the toggler: reach it as a keyboard user would.
    for _press in range(5):
        page.keyboard.press("Tab")
        if toggler.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the menu button")
    page.keyboard.press("Enter")

    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu_link).to_be_visible()
    expect(site_nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)
    menu_link.click()
    expect(page.get_by_role("heading", name="My collaboratives")).to_be_visible()
    assert_no_sideways_scroll(page)
