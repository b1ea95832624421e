from __future__ import annotations

from django.urls import reverse

from convene.collaboratives.models import AuditEvent, Team


def test_deleting_and_restoring_a_team_is_audited(client, world):
    client.force_login(world.host)
    client.post(
        reverse("collaboratives:delete-team", args=[world.collaborative.pk, world.team_b.pk])
    )
    overview = client.get(reverse("collaboratives:overview", args=[world.collaborative.pk]))
    team_url = reverse("collaboratives:team", args=[world.collaborative.pk, world.team_b.pk])
    assert "Team “Valley clinic” is deleted" in overview.content.decode()
    assert team_url not in overview.content.decode()
    deleted_page = client.get(reverse("collaboratives:deleted", args=[world.collaborative.pk]))
    assert "Valley clinic" in deleted_page.content.decode()
    client.post(
        reverse(
            "collaboratives:restore-item", args=[world.collaborative.pk, "team", world.team_b.pk]
        )
    )
    assert Team.objects.filter(pk=world.team_b.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="collaboratives.team", object_id=world.team_b.pk)
        .order_by("at", "id")
        .values_list("action", "actor")
    )
    assert actions[-2:] == [("delete", world.host.pk), ("restore", world.host.pk)]


def test_restoring_a_deleted_collaborative(client, world):
    client.force_login(world.host)
    client.post(reverse("collaboratives:delete", args=[world.collaborative.pk]))
    home = client.get(reverse("collaboratives:home")).content.decode()
    assert "Deleted collaboratives" in home
    assert (
        client.get(reverse("collaboratives:overview", args=[world.collaborative.pk])).status_code
        == 404
    )
    client.post(reverse("collaboratives:restore", args=[world.collaborative.pk]))
    assert (
        client.get(reverse("collaboratives:overview", args=[world.collaborative.pk])).status_code
        == 200
    )


def test_audit_log_filters(client, world):
    client.force_login(world.host)
    client.post(
        reverse("collaboratives:delete-team", args=[world.collaborative.pk, world.team_b.pk])
    )
    url = reverse("collaboratives:audit", args=[world.collaborative.pk])
    body = client.get(url, {"action": "delete"}).content.decode()
    assert "Valley clinic" in body
    assert "Eastside clinic" not in body
    body = client.get(url, {"q": "Eastside"}).content.decode()
    assert "Eastside clinic" in body
    body = client.get(url, {"actor": world.host.pk, "object_type": "collaboratives.team"})
    assert "Valley clinic" in body.content.decode()


def test_audit_log_shows_only_this_collaborative(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("collaboratives:audit", args=[world.collaborative.pk])).content
    assert b"Shelter" not in body
    assert b"Eastside clinic" in body


def test_bad_filter_values_are_reported_not_fatal(client, world):
    client.force_login(world.host)
    url = reverse("collaboratives:audit", args=[world.collaborative.pk])
    response = client.get(url, {"since": "not a date", "actor": "abc"})
    assert response.status_code == 200
    assert "Some filters are not valid" in response.content.decode()


def test_peer_group_team_changes_are_audited(client, world, group):
    client.force_login(world.host)
    url = reverse("collaboratives:edit-group", args=[world.collaborative.pk, group.pk])
    data = {"name": "Riverton", "basis": "Region", "teams": [world.team_a.pk], "version": 1}
    client.post(url, data)
    event = AuditEvent.objects.filter(object_type="collaboratives.peergroup").first()
    assert event.before == {"teams": {"removed": [world.team_b.pk]}}
    assert event.actor == world.host


def test_invitations_are_audited_without_their_token(client, world):
    client.force_login(world.host)
    client.post(
        reverse("collaboratives:invite", args=[world.collaborative.pk]),
        {"email": "guest@example.test", "role": "faculty"},
    )
    event = AuditEvent.objects.get(object_type="collaboratives.invitation")
    assert event.after["email"] == "guest@example.test"
    assert "token_hash" not in event.after
    assert event.collaborative == world.collaborative
