"""List pages run a fixed number of queries, however many teams, members or events there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.models import CharterDecision, PeerGroup, TeamRole

from ..factories import make_team, make_user

PAGES = [
    ("collaboratives:home", lambda w: []),
    ("collaboratives:overview", lambda w: [w.collaborative.pk]),
    ("collaboratives:charter", lambda w: [w.collaborative.pk]),
    ("collaboratives:people", lambda w: [w.collaborative.pk]),
    ("collaboratives:team", lambda w: [w.collaborative.pk, w.team_a.pk]),
    ("collaboratives:groups", lambda w: [w.collaborative.pk]),
    ("collaboratives:audit", lambda w: [w.collaborative.pk]),
    ("collaboratives:deleted", lambda w: [w.collaborative.pk]),
    ("collaboratives:organisation", lambda w: [w.team_a.organisation_id]),
]


_grown = iter(range(10_000))


def _grow(world, size: int) -> None:
    """Add teams with members and coaches, people with roles, decisions and groups."""
    coach = make_user("Another coach")
    for _ in range(size):
        index = next(_grown)
        team = make_team(world.collaborative, f"Grown team {index}")
        team.assign_coach(coach)
        for role in (TeamRole.DATA_LEAD, TeamRole.MEMBER):
            team.add_member(make_user(), role)
        world.team_a.add_member(make_user(), TeamRole.MEMBER)
        world.collaborative.add_member(make_user(), "faculty")
        CharterDecision.objects.create(collaborative=world.collaborative, decision=f"D{index}")
        group = PeerGroup.objects.create(collaborative=world.collaborative, name=f"G{index}")
        group.teams.add(team, world.team_a)
        gone = make_team(world.collaborative, f"Deleted team {index}")
        gone.soft_delete(world.host)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "args"), PAGES, ids=[p[0] for p in PAGES])
def test_queries_do_not_grow_with_the_collaborative(client, world, name, args):
    client.force_login(world.host)
    url = reverse(name, args=args(world))
    _grow(world, 2)
    small = _count(client, url)
    _grow(world, 6)
    large = _count(client, url)
    assert large == small, f"{name}: {small} queries with few rows, {large} with more"
    assert small <= 25


def test_team_members_page_counts_for_a_team_member_too(client, world):
    client.force_login(world.data_lead)
    url = reverse("collaboratives:overview", args=[world.collaborative.pk])
    _grow(world, 2)
    small = _count(client, url)
    _grow(world, 5)
    assert _count(client, url) == small


def test_organisation_page_counts_do_not_grow_with_its_collaboratives(client, world):
    """A member sees the organisation's teams in every collaborative, in the same queries."""
    from ..factories import make_collaborative

    organisation = world.team_a.organisation
    client.force_login(world.data_lead)
    url = reverse("collaboratives:organisation", args=[organisation.pk])

    def join_another(name: str) -> None:
        collaborative = make_collaborative(name)
        team = make_team(collaborative, f"{name} team", organisation=organisation)
        team.add_member(world.data_lead, TeamRole.DATA_LEAD)
        make_team(collaborative, f"{name} other", organisation=organisation)  # not theirs

    join_another("Second")
    small = _count(client, url)
    for name in ("Third", "Fourth", "Fifth"):
        join_another(name)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert len(queries) == small
    assert "Fifth team" in page and "Fifth other" not in page
