from __future__ import annotations

from django.urls import reverse

from convene.collaboratives.models import (
    CollaborativeRole,
    Organisation,
    PeerGroup,
    Team,
    TeamMembership,
    TeamRole,
)

from ..factories import make_team


def test_removing_a_member_keeps_them_in_the_history(client, world):
    client.force_login(world.host)
    membership = world.team_a.memberships.get(user=world.member)
    url = reverse(
        "collaboratives:end-team-membership",
        args=[world.collaborative.pk, world.team_a.pk, membership.pk],
    )
    response = client.post(url, follow=True)
    body = response.content.decode()
    assert "is no longer Team member on this team" in body
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert not world.team_a.memberships.current().filter(user=world.member).exists()
    # A former member no longer sees the team.
    client.force_login(world.member)
    team_url = reverse("collaboratives:team", args=[world.collaborative.pk, world.team_a.pk])
    assert client.get(team_url).status_code == 404


def test_changing_a_team_role_on_the_page(client, world):
    client.force_login(world.host)
    membership = world.team_a.memberships.get(user=world.member)
    url = reverse(
        "collaboratives:change-team-role",
        args=[world.collaborative.pk, world.team_a.pk, membership.pk],
    )
    client.post(url, {"role": TeamRole.DATA_LEAD})
    roles = list(
        TeamMembership.objects.filter(team=world.team_a, user=world.member)
        .order_by("started_at")
        .values_list("role", "ended_at")
    )
    assert roles[0][0] == TeamRole.MEMBER and roles[0][1] is not None
    assert roles[1] == (TeamRole.DATA_LEAD, None)


def test_the_last_host_admin_cannot_be_removed(client, world):
    client.force_login(world.host)
    membership = world.collaborative.memberships.get(user=world.host)
    url = reverse("collaboratives:end-role", args=[world.collaborative.pk, membership.pk])
    response = client.post(url, follow=True)
    assert "at least one host admin" in response.content.decode()
    assert world.collaborative.memberships.current().filter(user=world.host).exists()


def test_adding_a_team_with_a_new_organisation(client, world):
    client.force_login(world.host)
    url = reverse("collaboratives:add-team", args=[world.collaborative.pk])
    response = client.post(
        url,
        {"name": "Lakeview team", "new_organisation": "Lakeview Health", "joined_on": "2026-02-01"},
    )
    team = Team.objects.get(name="Lakeview team")
    assert response["Location"] == reverse(
        "collaboratives:team", args=[world.collaborative.pk, team.pk]
    )
    assert team.organisation == Organisation.objects.get(name="Lakeview Health")


def test_a_team_name_must_be_unique_in_the_collaborative(client, world):
    client.force_login(world.host)
    url = reverse("collaboratives:add-team", args=[world.collaborative.pk])
    response = client.post(
        url,
        {
            "name": "eastside CLINIC",
            "organisation": world.team_a.organisation_id,
            "joined_on": "2026-02-01",
        },
    )
    body = response.content.decode()
    assert "Another team in this collaborative has that name." in body
    assert 'value="eastside CLINIC"' in body


def test_creating_a_collaborative_makes_the_creator_host_admin(client, world):
    world.planning.can_create_collaboratives = True
    world.planning.save()
    client.force_login(world.planning)
    response = client.post(
        reverse("collaboratives:create"),
        {
            "name": "Tobacco Cessation Collaborative",
            "topic": "Screening and cessation support",
            "new_host_organisation": "State Quitline Network",
            "start_on": "2027-01-01",
            "end_on": "2027-12-31",
            "status": "planning",
            "sharing": "named",
            "time_zone": "UTC",
            "aim_statement": "",
        },
    )
    assert response.status_code == 302
    created = world.planning.collaborative_memberships.get(
        collaborative__name="Tobacco Cessation Collaborative"
    )
    assert created.role == CollaborativeRole.HOST_ADMIN
    assert created.collaborative.host_organisation.name == "State Quitline Network"


def test_peer_group_lists_teams_as_the_sharing_setting_allows(client, world, group):
    """Anonymised: the viewer's own peer group is named (DESIGN.md), other teams are letters."""
    assert world.collaborative.sharing == "anonymised"
    other = make_team(world.collaborative, "Northgate practice")
    elsewhere = PeerGroup.objects.create(collaborative=world.collaborative, name="Urban")
    elsewhere.teams.add(other)
    client.force_login(world.data_lead)
    body = client.get(reverse("collaboratives:groups", args=[world.collaborative.pk])).content
    body = body.decode()
    assert "Eastside clinic" in body
    assert "Valley clinic" in body  # Eastside's own peer group
    assert "Northgate" not in body
    assert "Team C" in body
