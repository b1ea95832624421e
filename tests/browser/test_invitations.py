from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from .helpers import check_page

pytestmark = pytest.mark.browser

NEW_ADDRESS = "nadia.perez@eastside.example.test"


def _accept_link(live_server):
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    match = re.search(
        r"https?://[^\s\"'<>]+(/accounts/invitations/[^/\s\"'<>]+/)", mail.outbox[0].body
    )
    assert match, mail.outbox[0].body
    # The e-mail carries the configured SITE_URL; the browser talks to the live server.
    return live_server.url + match.group(1)


def test_invited_person_signs_up_and_joins_the_team(
    new_context, page, live_server, world, login, collaborative_url, team_url
):
    login(page.context, world.host)
    page.goto(team_url)
    expect(page.get_by_role("heading", name="Eastside clinic")).to_be_visible()
    check_page(page, "team")

    invite = page.locator("form", has=page.get_by_role("heading", name="Invite a team member"))
    invite.get_by_label("E-mail address").fill(NEW_ADDRESS)
    invite.get_by_label("Team role").select_option(label="Data lead")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {NEW_ADDRESS}")
    link = _accept_link(live_server)
    assert mail.outbox[0].to == [NEW_ADDRESS]

    # The invited person opens the link in their own browser, signed in as nobody.
    guest = new_context()
    try:
        guest.set_default_timeout(10_000)
        invited = guest.new_page()
        invited.goto(link)
        expect(invited.get_by_role("heading", name="Accept the invitation")).to_be_visible()
        expect(invited.get_by_text("Hypertension Collaborative")).to_be_visible()
        expect(invited.locator(".card").get_by_text("Data lead")).to_be_visible()
        check_page(invited, "invitation-sign-up")

        sign_up = invited.locator("main form")
        sign_up.get_by_label("Full name").fill("Nadia Pérez")
        sign_up.get_by_label("Time zone").select_option("America/Chicago")
        sign_up.get_by_label("Language").select_option(label="English")
        sign_up.get_by_label(re.compile(r"^Password\W*$")).fill("a long and unusual passphrase 42")
        sign_up.get_by_label("Password again").fill("a long and unusual passphrase 42")
        sign_up.get_by_role("button", name="Create my account and accept").click()

        expect(invited).to_have_url(collaborative_url)
        expect(invited.get_by_role("heading", name="Hypertension Collaborative")).to_be_visible()
        # Signed in: the navbar offers her profile and signing out.
        expect(invited.get_by_role("link", name=re.compile("Nadia"))).to_be_visible()

        invited.goto(team_url)
        member = invited.get_by_role("listitem").filter(has_text="Nadia Pérez")
        expect(member).to_contain_text("Data lead")

        # The link works once.
        invited.goto(link)
        expect(invited.get_by_role("heading", name="This invitation has been used")).to_be_visible()
        expect(invited.get_by_role("button", name="Ask for a new invitation")).to_be_visible()
        check_page(invited, "invitation-used")
    finally:
        guest.close()
