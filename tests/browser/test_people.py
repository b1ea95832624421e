from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import dateformat
from playwright.sync_api import expect

from .helpers import check_page

pytestmark = pytest.mark.browser

FACULTY_ADDRESS = "prof.ito@university.example.test"


def test_host_invites_withdraws_and_removes_a_member(
    page, world, login, collaborative_url, team_url
):
    login(page.context, world.host)
    page.goto(collaborative_url)
    page.get_by_role("navigation", name="Collaborative").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    check_page(page, "people")

    invite = page.locator("form", has=page.get_by_role("heading", name="Invite someone"))
    invite.get_by_role("textbox", name="E-mail address").fill(FACULTY_ADDRESS)
    invite.get_by_role("combobox", name="Role").select_option(label="Faculty")
    invite.get_by_role("textbox", name="Personal message (optional)").fill("Welcome aboard.")
    invite.get_by_role("button", name="Send the invitation").click()

    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {FACULTY_ADDRESS}")
    assert [message.to for message in mail.outbox] == [[FACULTY_ADDRESS]]
    invitations = page.get_by_role("table", name="Invitations")
    row = invitations.get_by_role("row").filter(has_text=FACULTY_ADDRESS)
    expect(row).to_contain_text("Faculty")
    expect(row).to_contain_text("waiting")

    row.get_by_role("button", name=f"Withdraw {FACULTY_ADDRESS}").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation withdrawn.")
    expect(row).to_contain_text("withdrawn")
    expect(row.get_by_role("button", name=f"Withdraw {FACULTY_ADDRESS}")).to_have_count(0)
    expect(row.get_by_role("button", name=f"Send again {FACULTY_ADDRESS}")).to_be_visible()

    # On team A's page, the host removes the clinician champion.
    page.goto(team_url)
    members = page.locator("section", has=page.get_by_role("heading", name="Members"))
    champion = members.get_by_role("listitem").filter(has_text=world.champion.email)
    expect(champion).to_contain_text("Clinician champion")
    champion.get_by_role("button", name="Remove from team").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Champion is no longer Clinician champion on this team"
    )
    expect(members.get_by_role("listitem").filter(has_text=world.champion.email)).to_have_count(0)
    history = page.get_by_role("table", name="Every role held on this team, with dates")
    ended = history.get_by_role("row").filter(
        has=page.get_by_role("cell", name="Champion", exact=True)
    )
    today = dateformat.format(datetime.datetime.now(datetime.UTC), "j M Y")
    expect(ended.get_by_role("cell").nth(3)).to_have_text(today)
    # Those still on the team are "now" in the history.
    still = history.get_by_role("row").filter(
        has=page.get_by_role("cell", name="Leader", exact=True)
    )
    expect(still.get_by_role("cell").nth(3)).to_have_text("now")
