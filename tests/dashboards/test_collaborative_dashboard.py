from __future__ import annotations

import html
import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.models import Collaborative
from convene.reporting.models import Report, Value

from ..factories import (
    make_metric_with_figures,
    make_stratified_metric,
    make_team,
    record_by_group,
)

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
FLAT = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 51, 50, 52, 49, 51, 50, 52, 51, 50, 49]
RISING = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 55, 58, 61, 64, 66, 68, 69, 70, 71, 70]


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bp(world):
    metric = make_metric_with_figures(
        world.collaborative,
        {world.team_a: (RISING, 100), world.team_b: (FLAT, 120)},
        first_period_on=date(2025, 1, 1),
        baseline_periods=12,
    )
    periods = list(world.collaborative.periods.all())
    # Team A reported October on time; Team B not at all.
    Report.objects.create(team=world.team_a, period=periods[21]).submit(world.data_lead, None)
    return metric


def _page(client, person, world):
    client.force_login(person)
    return client.get(
        reverse("dashboards:dashboard", args=[world.collaborative.pk])
    ).content.decode()


def _teams_page(client, person, world, metric, htmx=False):
    client.force_login(person)
    url = reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, metric.pk])
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(url, headers=headers).content.decode()


def test_hosts_see_every_team_the_roll_up_and_the_count_of_improving_teams(client, world, bp):
    body = _page(client, world.host, world)
    assert "1 of 2 reporting teams shows improvement" in body
    assert "Hypertension control: all teams" in body
    assert "Eastside clinic" in body and "Valley clinic" in body
    assert "Teams compared" in body  # the funnel plot
    assert 'id="reporting"' in body and "missing" in body
    teams_url = reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, bp.pk])
    assert f'data-hx-get="{teams_url}"' in body  # team by team, drawn as it scrolls into view
    assert "The charts of 2 teams, team by team" in body


def test_the_team_charts_load_into_the_dashboard_or_stand_as_a_page(client, world, bp):
    fragment = _teams_page(client, world.host, world, bp, htmx=True)
    assert "<html" not in fragment
    assert len(re.findall(r'class="chart chart-small"', fragment)) == 2
    assert re.search(
        r'id="sm-[^"]*">\s*<a [^>]*>Eastside clinic</a>\s*<span[^>]*>improving', fragment
    )
    page = _teams_page(client, world.host, world, bp)
    assert "<html" in page and "Hypertension control, team by team" in page
    assert "Valley clinic" in page


def test_the_roll_up_sums_numerators_and_denominators(world, bp):
    from convene.dashboards.collaborative import _aggregate
    from convene.dashboards.team import collaborative_series

    periods = list(world.collaborative.periods.all())
    teams = [world.team_a, world.team_b]
    series = collaborative_series(teams, [bp], periods)
    total = _aggregate(bp, [series[t.pk][0] for t in teams])
    assert (total.numerators[12], total.denominators[12]) == (55 + 51, 220)


def test_anonymised_sharing_names_only_my_own_team(client, world, bp):
    body = _page(client, world.other_team, world)
    assert "Valley clinic" in body
    assert "Eastside clinic" not in body
    assert 'id="reporting"' not in body
    teams = _teams_page(client, world.other_team, world, bp, htmx=True)
    assert re.search(r'<h4[^>]*id="sm-[^"]*">\s*Team A', teams)
    assert "Valley clinic" in teams and "Eastside clinic" not in teams
    team_a_dashboard = reverse(
        "dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk]
    )
    assert team_a_dashboard not in teams


def test_aggregate_only_shows_no_other_team(client, world, bp):
    world.collaborative.sharing = Collaborative.Sharing.AGGREGATE
    world.collaborative.save()
    body = _page(client, world.other_team, world)
    assert "Eastside clinic" not in body and not re.search(r">\s*Team A", body)
    assert "Hypertension control: all teams" in body
    teams = _teams_page(client, world.other_team, world, bp, htmx=True)
    assert "Valley clinic" in teams
    assert "Eastside clinic" not in teams and "Team A" not in teams


def test_observers_see_the_roll_up_only(client, world, bp):
    body = _page(client, world.observer, world)
    assert "Hypertension control: all teams" in body
    assert "Eastside clinic" not in body and "dashboard-teams" not in body
    assert "Team-by-team charts are not shared with you" in body
    assert "Teams compared" not in body
    assert 'id="reporting"' not in body
    teams = _teams_page(client, world.observer, world, bp)
    assert 'id="sm-' not in teams and "Eastside clinic" not in teams
    assert "No team you may see has reported this metric yet." in teams


def test_dashboard_queries_do_not_grow_with_teams(
    client, world, bp, django_capture_on_commit_callbacks
):
    client.force_login(world.host)
    urls = [
        reverse("dashboards:dashboard", args=[world.collaborative.pk]),
        reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, bp.pk]),
    ]

    periods = list(world.collaborative.periods.all())
    by_age = make_stratified_metric(world.collaborative)
    with django_capture_on_commit_callbacks(execute=True):
        for team in (world.team_a, world.team_b):
            _record_by_age(team, by_age, periods)

    def count() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    small = count()
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(4):
            team = make_team(world.collaborative, f"Extra clinic {index}")
            for period, numerator in zip(periods, FLAT, strict=False):
                Value.objects.create(
                    team=team, metric=bp, period=period, numerator=numerator, denominator=100
                )
            _record_by_age(team, by_age, periods)
    assert count() == small
    assert f'id="strata-all-{by_age.pk}"' in _page(client, world.host, world)


def _record_by_age(team, metric, periods):
    for period in periods[:6]:
        record_by_group(team, metric, period, {"Under 45": (4, 10), "65 and over": (7, 10)})


def test_no_funnel_when_every_team_has_the_same_denominator(client, world, bp):
    Value.objects.filter(team=world.team_b).update(denominator=100)
    body = _page(client, world.host, world)
    assert "Teams compared" not in body


def test_a_cached_page_is_never_shown_to_someone_who_may_see_less(client, world, bp):
    assert "Eastside clinic" in _page(client, world.host, world)
    other = _page(client, world.other_team, world)
    assert "Eastside clinic" not in other
    assert 'id="reporting"' not in other
    assert "Eastside clinic" in _teams_page(client, world.host, world, bp)
    assert "Eastside clinic" not in _teams_page(client, world.other_team, world, bp)


def _reporting_spec(body):
    found = re.search(r'<script id="reporting-trend" type="application/json">(.*?)</script>', body)
    assert found, "no reporting chart"
    return json.loads(found.group(1))


def test_the_reporting_rate_is_charted_for_every_period_so_far(client, world, bp):
    september = world.collaborative.periods.get(starts_on=date(2026, 9, 1))
    Report.objects.create(team=world.team_b, period=september).submit(world.data_lead, None)
    Report.objects.filter(team=world.team_b).update(is_late=True)
    november = world.collaborative.periods.get(starts_on=date(2026, 11, 1))
    Report.objects.create(team=world.team_a, period=november).submit(world.data_lead, None)
    body = _page(client, world.host, world)
    rows = _reporting_spec(body)["data"]["values"]
    # Each bar: on time from 0, late stacked on top, in % of the teams.
    bars = {
        (row["start"][:7], row["group"], row["open"]): (row["y0"], row["y1"])
        for row in rows
        if row["teams"]
    }
    assert bars == {
        ("2026-09", "Late", False): (0, 50),
        ("2026-10", "On time", False): (0, 50),
        ("2026-11", "On time", True): (0, 50),  # still open: outlined
    }
    # January 2026 (the teams joined at the start; 2025 is baseline history, counted apart)
    # to November 2026: every period owed, not only the table's last twelve.
    # The bars span them (no domain besides: Vega would warn of conflicting domains).
    values = _reporting_spec(body)["data"]["values"]
    span = [min(row["start"] for row in values), max(row["end"] for row in values)]
    assert span == ["2026-01-01T00:00", "2026-11-30T00:00"]
    assert "In October 2026, 1 of 2 teams reported (50%): 1 on time, 0 late." in body
    assert re.search(r"January 2026</th><td>0</td><td>0</td><td>0 of 2 \(0%\)</td>", body), (
        "the text alternative starts with the first period owed"
    )
    assert "January 2025</th><td>" not in body
    assert 'November 2026 <span class="small">(still open)</span>' in body


def test_the_reporting_rates_of_every_period_come_from_one_query(world, bp):
    from convene.collaboratives.access import access_in
    from convene.collaboratives.overview import labelled_teams
    from convene.dashboards.collaborative import reporting_trend

    collaborative = Collaborative.objects.get(pk=world.collaborative.pk)  # nothing read yet
    access = access_in(world.host, collaborative)
    periods = list(collaborative.periods.filter(starts_on__lte=date(2026, 11, 20)))
    teams = labelled_teams(access)
    with CaptureQueriesContext(connection) as queries:
        trend = reporting_trend(access, periods, teams)
    assert len(trend.rates) == 11  # January to November 2026: 2025 is history, not owed
    assert len(queries) == 2  # the reports, counted per period, and the schedule


def test_the_team_by_team_charts_share_one_y_scale(client, world, bp):
    """Side by side, a higher line is a higher value: every small multiple has the same y-scale,
    from the lowest to the highest value or limit of any team, within 0 to 100 %."""
    body = _teams_page(client, world.host, world, bp)
    specs = [
        json.loads(html.unescape(found))
        for found in re.findall(
            r'<script id="spec-[^"]+" type="application/json">(.*?)</script>', body, re.S
        )
    ]
    assert len(specs) == 2
    domains = [
        layer["encoding"]["y"]["scale"]["domain"]
        for spec in specs
        for layer in spec["layer"]
        if "scale" in layer.get("encoding", {}).get("y", {})
    ]
    assert len(domains) == 2 and domains[0] == domains[1]
    low, high = domains[0]
    assert 0 <= low < 48 and 71 < high <= 100  # FLAT's lowest 48, RISING's highest 71
    assert all("title" not in spec for spec in specs)  # the card names the team, once
