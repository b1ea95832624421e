"""The audit log as its reader sees it, on a laptop and a phone (#13.8)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import check_page

pytestmark = pytest.mark.browser


def test_the_audit_log_reads_as_words(page, world, login, collaborative_url):
    from convene.collaboratives.audit import acting_as
    from convene.collaboratives.models import PeerGroup
    from tests.factories import make_organisation

    collaborative = world.collaborative
    collaborative.charter_purpose = "Learn together.\nMeet monthly.\nShare data."
    collaborative.save()
    with acting_as(world.host):
        collaborative.charter_purpose = "Learn together.\nMeet weekly.\nShare data."
        collaborative.save()
        world.team_a.organisation = make_organisation("Riverside Health")
        world.team_a.save()
        PeerGroup.objects.create(collaborative=collaborative, name="Rural").teams.add(
            world.team_a, world.team_b
        )
    login(page.context, world.host)
    page.goto(f"{collaborative_url}audit/")
    events = page.get_by_role("table", name="Audit events, newest first")
    expect(events).to_contain_text("Riverside Health")
    expect(events).to_contain_text("+Meet weekly.")
    raw = events.locator("details").first
    expect(raw.locator("pre")).to_be_hidden()
    raw.locator("summary").click()
    expect(raw.locator("pre")).to_be_visible()
    check_page(page, "audit-log")
