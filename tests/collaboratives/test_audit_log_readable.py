"""The audit log reads as words: field labels, related objects by name, times in the reader's
zone, long texts as a diff, no Python notation; the raw data only behind "details" (#13.8)."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.audit import acting_as, record
from convene.collaboratives.models import PeerGroup

from ..factories import make_organisation


def _log(client, world) -> str:
    client.force_login(world.host)
    return client.get(
        reverse("collaboratives:audit", args=[world.collaborative.pk])
    ).content.decode()


def _outside_details(body: str) -> str:
    return re.sub(r"<details.*?</details>", "", body, flags=re.S)


def test_related_objects_by_name_under_the_fields_label(client, world):
    team = world.team_a
    with acting_as(world.host):
        team.organisation = make_organisation("Riverside Health")
        team.save()
        group = PeerGroup.objects.create(collaborative=world.collaborative, name="Rural")
        group.teams.add(world.team_a, world.team_b)
    shown = _outside_details(_log(client, world))
    assert "organisation_id" not in shown
    assert "Riverside Health" in shown
    assert re.search(r"<th scope=\"row\">Organi[sz]ation</th>", shown)
    assert "added: Eastside clinic, Valley clinic" in shown
    assert "{&#x27;added&#x27;" not in shown
    # The raw data is still there, behind the disclosure.
    assert "organisation_id" in _log(client, world)


def test_times_in_the_readers_zone(client, world):
    world.host.time_zone = "America/Chicago"
    world.host.save()
    moment = datetime.datetime(2026, 3, 4, 15, 30, tzinfo=datetime.UTC)
    with acting_as(world.host):
        world.team_b.deleted_at = moment
        world.team_b.save()
    shown = _outside_details(_log(client, world))
    assert "2026-03-04T15:30" not in shown
    assert "4 Mar 2026 09:30" in shown  # Chicago is six hours behind UTC in early March
    event_at = timezone.localtime(
        world.collaborative.audit_events.first().at, zoneinfo.ZoneInfo("America/Chicago")
    )
    assert event_at.strftime("%H:%M") in shown


def test_long_texts_as_an_escaped_diff(client, world):
    collaborative = world.collaborative
    collaborative.charter_purpose = (
        "Learn together how to control blood pressure.\nMeet monthly.\nShare <b>data</b>."
    )
    collaborative.save()
    with acting_as(world.host):
        collaborative.charter_purpose = (
            "Learn together how to control blood pressure.\nMeet weekly.\nShare <b>data</b>."
        )
        collaborative.save()
    shown = _outside_details(_log(client, world))
    assert '<span class="diff-removed">-Meet monthly.</span>' in shown
    assert '<span class="diff-added">+Meet weekly.</span>' in shown
    assert "<b>data</b>" not in shown
    assert "Purpose" in shown


def test_an_uploads_counts_as_words(client, world):
    with acting_as(world.host):
        # What a spreadsheet upload writes (reporting/transfer.py).
        record(world.team_a, "update", None, {"import": {"created": 0, "changed": 5}})
    shown = _outside_details(_log(client, world))
    assert "Spreadsheet upload" in shown
    assert "changed: 5, created: 0" in shown
    assert "{&#x27;created&#x27;" not in shown
