"""The bell in the header counts what is unread; the list opens from it, marks one read (the
count drops without a reload) and all read; the bell stays on a phone's narrow header."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convene.notifications.api import notify

from ..notifications.kinds_for_tests import NEWS, registered
from .helpers import PHONE, check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def news(world):
    with registered(NEWS):
        for number, text in enumerate(
            ["Your March report is due on 10 March", "Coach replied on February", "Pat joined"]
        ):
            notify([world.data_lead], NEWS.name, key=f"n{number}", text=text, link="/")
        yield NEWS


def test_the_bell_the_list_and_marking_read(data_lead_page, live_server, news):
    page = data_lead_page
    page.goto(f"{live_server.url}/")
    bell = page.get_by_role("link", name="Notifications, 3 unread")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_text("3")  # what the eye sees

    bell.click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_text("3 unread", exact=True)).to_be_visible()
    item = page.locator("li", has_text="Coach replied on February")
    expect(item.get_by_text("Unread")).to_be_visible()
    check_page(page, "notifications-list")

    item.get_by_role("button", name="Mark read: Coach replied on February").click()
    expect(item.get_by_text("Unread")).to_have_count(0)  # swapped in place, no reload
    expect(page.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    expect(page.get_by_text("2 unread", exact=True)).to_be_visible()

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All your notifications are marked as read.")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications, none unread")).to_be_visible()
    expect(page.get_by_text("Unread", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Choose how you hear of each kind").click()
    expect(page.get_by_role("group", name="Test news")).to_be_visible()
    check_page(page, "notification-preferences")


def test_the_bell_stays_in_the_header_on_a_phone(data_lead_page, live_server, news):
    page = data_lead_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    bell = page.get_by_role("link", name="Notifications, 3 unread")
    expect(bell).to_be_visible()  # not folded into the menu
    expect(page.get_by_role("link", name="My collaboratives")).to_be_hidden()
    bell.click()
    page.get_by_role("link", name="Your March report is due on 10 March").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()


def test_the_unsubscribe_link_works_without_signing_in(page, live_server, world, news):
    from convene.notifications.models import Preference
    from convene.notifications.tokens import make

    page.goto(
        f"{live_server.url}/notifications/unsubscribe/{make(world.data_lead.pk, [NEWS.name])}/"
    )
    expect(page.get_by_text("This stops the e-mails about Test news")).to_be_visible()
    check_page(page, "notification-unsubscribe")
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_text("Done: you will get no more e-mails about Test news")).to_be_visible()
    assert Preference.objects.get(user=world.data_lead).channel == "in_app"
