"""Two hosts editing one team or one peer group: the second save, made from what she read
before the first one saved, is refused, keeps what she typed and shows what was saved."""

from __future__ import annotations

from django.urls import reverse

from convene.collaboratives.models import PeerGroup, Team
from tests.typed import typed_values

REFUSED = "Someone else saved changes while you were editing."


def _read(client, person, url):
    """``person`` opens the edit page: the form as the page would send it."""
    client.force_login(person)
    return typed_values(client.get(url))


def _save(client, person, url, form, **typed):
    client.force_login(person)
    return client.post(url, {**form, **typed})


def test_a_stale_team_edit_is_refused_and_the_saved_team_shown(client, world):
    url = reverse("collaboratives:edit-team", args=[world.collaborative.pk, world.team_a.pk])
    host_read = _read(client, world.host, url)
    staff_read = _read(client, world.staff, url)
    assert host_read["version"] == "1"

    first = _save(client, world.host, url, host_read, name="Eastside Family Clinic")
    assert first.status_code == 302
    second = _save(client, world.staff, url, staff_read, name="Eastside (renamed)")

    assert second.status_code == 409
    page = second.content.decode()
    assert REFUSED in page
    assert "Saved meanwhile:" in page and "Eastside Family Clinic" in page
    kept = typed_values(second)
    assert kept["name"] == "Eastside (renamed)"
    assert Team.objects.get(pk=world.team_a.pk).name == "Eastside Family Clinic"
    # The refreshed form carries the stored version: saving again is a deliberate choice.
    assert _save(client, world.staff, url, kept).status_code == 302
    assert Team.objects.get(pk=world.team_a.pk).name == "Eastside (renamed)"


def test_a_stale_team_edit_names_no_new_organisation(client, world):
    url = reverse("collaboratives:edit-team", args=[world.collaborative.pk, world.team_a.pk])
    host_read = _read(client, world.host, url)
    staff_read = _read(client, world.staff, url)
    _save(client, world.host, url, host_read, name="Eastside Family Clinic")
    moved = {"organisation": "", "new_organisation": "Eastside Health Trust"}
    assert _save(client, world.staff, url, staff_read, **moved).status_code == 409
    team = Team.objects.select_related("organisation").get(pk=world.team_a.pk)
    assert team.organisation.name == "Eastside"
    assert not team.organisation.__class__.objects.filter(name="Eastside Health Trust").exists()


def test_a_stale_peer_group_edit_is_refused_and_the_saved_group_shown(client, world):
    group = PeerGroup.objects.create(collaborative=world.collaborative, name="North")
    group.teams.set([world.team_a])
    url = reverse("collaboratives:edit-group", args=[world.collaborative.pk, group.pk])
    # typed_values sends a checked box as "on": the teams are set as the page showed them.
    host_read = {**_read(client, world.host, url), "teams": [world.team_a.pk]}
    staff_read = {**_read(client, world.staff, url), "teams": [world.team_a.pk]}

    both = {"teams": [world.team_a.pk, world.team_b.pk]}
    assert _save(client, world.host, url, host_read, **both).status_code == 302
    second = _save(client, world.staff, url, staff_read, name="North region")

    assert second.status_code == 409
    page = second.content.decode()
    assert REFUSED in page
    assert "Saved meanwhile:" in page and "Eastside clinic, Valley clinic" in page
    assert typed_values(second)["name"] == "North region"
    group.refresh_from_db()
    assert group.name == "North"
    assert set(group.teams.all()) == {world.team_a, world.team_b}
