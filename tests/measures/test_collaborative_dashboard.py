from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.models import Collaborative
from convene.measures.models import Metric, Report, ReportingSchedule, Value

from ..factories import make_team

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
FLAT = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 51, 50, 52, 49, 51, 50, 52, 51, 50, 49]
RISING = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 55, 58, 61, 64, 66, 68, 69, 70, 71, 70]


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bp(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2025, 1, 1), baseline_periods=12
    ).sync_periods()
    metric = Metric.objects.create(
        collaborative=world.collaborative,
        name="Hypertension control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        kind="proportion",
        denominator="Adults with hypertension",
        direction="up",
        goal=70,
    )
    periods = list(world.collaborative.periods.all())
    for team, figures, size in ((world.team_a, RISING, 100), (world.team_b, FLAT, 120)):
        for period, numerator in zip(periods, figures, strict=False):
            Value.objects.create(
                team=team, metric=metric, period=period, numerator=numerator, denominator=size
            )
    # Team A reported October on time; Team B not at all.
    Report.objects.create(team=world.team_a, period=periods[21]).submit(world.data_lead, None)
    return metric


def _page(client, person, world):
    client.force_login(person)
    return client.get(reverse("measures:dashboard", args=[world.collaborative.pk])).content.decode()


def test_hosts_see_every_team_the_roll_up_and_the_count_of_improving_teams(client, world, bp):
    body = _page(client, world.host, world)
    assert "1 of 2 reporting teams shows improvement" in body
    assert "Hypertension control: all teams" in body
    assert "Eastside clinic" in body and "Valley clinic" in body
    assert "Teams compared" in body  # the funnel plot
    assert 'id="reporting"' in body and "missing" in body


def test_the_roll_up_sums_numerators_and_denominators(world, bp):
    from convene.measures.collaborative_dashboard import _aggregate
    from convene.measures.dashboards import collaborative_series

    periods = list(world.collaborative.periods.all())
    teams = [world.team_a, world.team_b]
    series = collaborative_series(teams, [bp], periods)
    total = _aggregate(bp, [series[t.pk][0] for t in teams])
    assert (total.numerators[12], total.denominators[12]) == (55 + 51, 220)


def test_anonymised_sharing_names_only_my_own_team(client, world, bp):
    body = _page(client, world.other_team, world)
    assert "Valley clinic" in body
    assert "Eastside clinic" not in body
    assert re.search(r'<h4[^>]*id="sm-[^"]*">\s*Team A', body)
    team_a_dashboard = reverse(
        "measures:team-dashboard", args=[world.collaborative.pk, world.team_a.pk]
    )
    assert team_a_dashboard not in body
    assert 'id="reporting"' not in body


def test_aggregate_only_shows_no_other_team(client, world, bp):
    world.collaborative.sharing = Collaborative.Sharing.AGGREGATE
    world.collaborative.save()
    body = _page(client, world.other_team, world)
    assert "Eastside clinic" not in body and not re.search(r">\s*Team A", body)
    assert "Hypertension control: all teams" in body


def test_observers_see_the_roll_up_only(client, world, bp):
    body = _page(client, world.observer, world)
    assert "Hypertension control: all teams" in body
    assert "Eastside clinic" not in body and 'id="sm-' not in body
    assert "Teams compared" not in body
    assert 'id="reporting"' not in body


def test_dashboard_queries_do_not_grow_with_teams(
    client, world, bp, django_capture_on_commit_callbacks
):
    client.force_login(world.host)
    url = reverse("measures:dashboard", args=[world.collaborative.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    periods = list(world.collaborative.periods.all())
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(4):
            team = make_team(world.collaborative, f"Extra clinic {index}")
            for period, numerator in zip(periods, FLAT, strict=False):
                Value.objects.create(
                    team=team, metric=bp, period=period, numerator=numerator, denominator=100
                )
    assert count() == small


def test_no_funnel_when_every_team_has_the_same_denominator(client, world, bp):
    Value.objects.filter(team=world.team_b).update(denominator=100)
    body = _page(client, world.host, world)
    assert "Teams compared" not in body


def test_a_cached_page_is_never_shown_to_someone_who_may_see_less(client, world, bp):
    assert "Eastside clinic" in _page(client, world.host, world)
    other = _page(client, world.other_team, world)
    assert "Eastside clinic" not in other
    assert 'id="reporting"' not in other
