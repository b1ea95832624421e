"""A coach's check-ins with a team: logged from My teams, listed for hosts, edited, deleted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from convene.collaboratives.models import AuditEvent
from convene.notifications.models import CheckIn


def _new(world, team=None):
    team = team or world.team_a
    return reverse("notifications:new-check-in", args=[world.collaborative.pk, team.pk])


def _list(world, team=None):
    team = team or world.team_a
    return reverse("notifications:check-ins", args=[world.collaborative.pk, team.pk])


def _edit(world, check_in, name="edit-check-in"):
    return reverse(
        f"notifications:{name}", args=[world.collaborative.pk, check_in.team_id, check_in.pk]
    )


def _check_in(world, **fields):
    fields.setdefault("held_on", date(2026, 2, 2))
    return CheckIn.objects.create(team=world.team_a, author=world.coach, **fields)


def test_the_date_defaults_to_today_in_the_collaborative_s_time_zone(client, world):
    world.collaborative.time_zone = "Pacific/Auckland"
    world.collaborative.save(update_fields=["time_zone"])
    client.force_login(world.coach)
    # 20:30 in London on 1 March is already 2 March in Auckland.
    with time_machine.travel(datetime(2026, 3, 1, 20, 30, tzinfo=UTC), tick=False):
        page = client.get(_new(world)).content.decode()
    assert 'value="2026-03-02"' in page


def test_a_coach_logs_a_check_in_and_sees_it_on_the_team_s_row(client, world):
    client.force_login(world.coach)
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        response = client.post(
            _new(world),
            {
                "held_on": "2026-03-02",
                "how": "visit",
                "notes": "Registry cleaned; BP cuffs ordered.",
                "follow_up": "Check the March report",
                "follow_up_on": "2026-03-20",
            },
        )
        follow_up = reverse("notifications:follow-up", args=[world.collaborative.pk])
        assert response["Location"] == f"{follow_up}#team-{world.team_a.pk}"
        page = client.get(follow_up).content.decode()
    saved = CheckIn.objects.get()
    assert (saved.team, saved.author, saved.how) == (world.team_a, world.coach, "visit")
    assert "Check-in with Eastside clinic saved." in page
    assert "March 2, 2026, site visit · follow up by March 20, 2026" in page
    event = AuditEvent.objects.get(object_type="notifications.checkin")
    assert (event.actor, event.collaborative) == (world.coach, world.collaborative)


def test_a_host_reads_the_check_ins_of_a_team(client, world):
    _check_in(world, notes="Talked about the registry", follow_up="Send the guide")
    client.force_login(world.host)
    page = client.get(_list(world)).content.decode()
    assert "Talked about the registry" in page and "Send the guide" in page
    assert "Coach" in page  # who logged it


def test_a_follow_up_before_the_check_in_is_refused(client, world):
    client.force_login(world.coach)
    response = client.post(
        _new(world), {"held_on": "2026-03-02", "how": "call", "follow_up_on": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "The follow-up date comes after the check-in." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_stale_edit_is_refused_and_what_was_typed_is_kept(client, world):
    check_in = _check_in(world, notes="First notes")
    client.force_login(world.coach)
    form = {"held_on": "2026-02-02", "how": "call", "version": "1"}
    assert client.post(_edit(world, check_in), form | {"notes": "Host's fix"}).status_code == 302
    response = client.post(_edit(world, check_in), form | {"notes": "The coach's longer notes"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this check-in" in page
    assert "The coach&#x27;s longer notes" in page  # what was typed, in the box
    assert "Host&#x27;s fix" in page  # and what was saved meanwhile
    check_in.refresh_from_db()
    assert (check_in.notes, check_in.version) == ("Host's fix", 2)


def test_a_deleted_check_in_leaves_the_list_and_a_host_can_restore_it(client, world):
    check_in = _check_in(world, notes="To be deleted")
    client.force_login(world.coach)
    assert client.post(_edit(world, check_in, "delete-check-in")).status_code == 302
    assert "To be deleted" not in client.get(_list(world)).content.decode()
    client.force_login(world.host)
    restore = reverse(
        "collaboratives:restore-item", args=[world.collaborative.pk, "check_in", check_in.pk]
    )
    assert client.post(restore).status_code == 302
    assert "To be deleted" in client.get(_list(world)).content.decode()


def test_another_team_s_check_in_is_not_found_under_this_team(client, world):
    theirs = CheckIn.objects.create(team=world.team_b, held_on=date(2026, 2, 2))
    client.force_login(world.host)
    url = reverse(
        "notifications:edit-check-in", args=[world.collaborative.pk, world.team_a.pk, theirs.pk]
    )
    assert client.get(url).status_code == 404
