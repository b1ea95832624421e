"""Anonymised and aggregate views carry no other team's free text and no real ids of other teams.

DESIGN.md: under anonymised sharing, teams of the same peer group see each other's names (not
their notes): they were grouped to learn from each other. Every other team is a letter.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.models import Collaborative, PeerGroup
from convene.reporting.models import Value

from ..factories import make_metric_with_figures, make_team

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
FLAT = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 51, 50, 52, 49, 51, 50, 52, 51, 50, 49]
# Ids no page number, count or date could produce by chance.
PEER_ID, STRANGER_ID = 48213, 48291


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def anonymised(world):
    collaborative = world.collaborative
    collaborative.sharing = Collaborative.Sharing.ANONYMISED
    collaborative.save()
    peer = make_team(collaborative, "Lakeview Health Centre", pk=PEER_ID)
    stranger = make_team(collaborative, "Northgate Family Practice", pk=STRANGER_ID)
    group = PeerGroup.objects.create(collaborative=collaborative, name="Rural clinics")
    group.teams.add(world.team_a, peer)
    metric = make_metric_with_figures(
        collaborative,
        {world.team_a: (FLAT, 100), peer: (FLAT, 90), stranger: (FLAT, 140)},
        first_period_on=date(2025, 1, 1),
        baseline_periods=12,
    )
    Value.objects.filter(team=peer).update(note="EHR outage at Lakeview all week")
    Value.objects.filter(team=stranger).update(note="Northgate lost two nurses")
    Value.objects.filter(team=world.team_a).update(note="Our own registry cleaned")
    return metric, peer, stranger


def _pages(world, metric):
    pk = world.collaborative.pk
    return [
        reverse("collaboratives:overview", args=[pk]),
        reverse("collaboratives:groups", args=[pk]),
        reverse("dashboards:dashboard", args=[pk]),
        reverse("dashboards:dashboard-teams", args=[pk, metric.pk]),
    ]


def _fetch(client, url, htmx=False):
    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_team_member_sees_letters_for_other_teams_and_never_their_notes_or_ids(
    client, world, anonymised, htmx
):
    metric, peer, stranger = anonymised
    client.force_login(world.data_lead)
    for url in _pages(world, metric):
        body = _fetch(client, url, htmx)
        for secret in [
            stranger.name,
            "Northgate",
            "Northgate lost two nurses",
            "EHR outage at Lakeview",
            world.team_b.name,
        ]:
            assert secret not in body, (url, secret)
        for team_id in (PEER_ID, STRANGER_ID):
            assert str(team_id) not in body, (url, team_id)
    charts = _fetch(
        client, reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, metric.pk])
    )
    # The viewer's own peer group is the one exception: named, but its notes stay its own.
    assert peer.name in charts
    assert re.search(r">\s*Team [A-Z]\s*<", charts)  # the stranger, as a letter
    assert "Our own registry cleaned" in charts  # the viewer's own team's notes are hers


def test_an_observer_reads_the_aggregate_with_no_team_named_noted_or_numbered(
    client, world, anonymised
):
    metric, peer, stranger = anonymised
    client.force_login(world.observer)
    body = _fetch(client, reverse("dashboards:dashboard", args=[world.collaborative.pk]))
    assert "all teams" in body
    for team in (world.team_a, world.team_b, peer, stranger):
        assert team.name not in body
    for text in ["Northgate lost two nurses", "EHR outage", "Our own registry cleaned"]:
        assert text not in body
    for team_id in (PEER_ID, STRANGER_ID):
        assert str(team_id) not in body


def test_hosts_still_see_every_team_by_name_with_its_notes(client, world, anonymised):
    metric, peer, stranger = anonymised
    client.force_login(world.host)
    charts = _fetch(
        client, reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, metric.pk])
    )
    assert stranger.name in charts and peer.name in charts
    assert "Northgate lost two nurses" in charts
