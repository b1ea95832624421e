"""The funnel plot on the collaborative dashboard: the same months for every team compared,
limits that allow for overdispersion, better and worse teams named apart, and a phone form."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.reporting.models import Value

from ..factories import make_bp_metric, make_schedule, make_team

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
EXTRA_TEAMS = ["Hilltop clinic", "Riverside clinic", "Harbour clinic", "Mill clinic"]
EXTRA_TEAMS += ["Park clinic", "Orchard clinic"]


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def periods(world):
    make_schedule(world.collaborative, date(2026, 1, 1), baseline_periods=6)
    return {period.starts_on.month: period for period in world.collaborative.periods.all()}


def _record(team, metric, periods, months, numerator, denominator):
    for month in months:
        Value.objects.create(
            team=team,
            metric=metric,
            period=periods[month],
            numerator=numerator,
            denominator=denominator,
        )


def _eight_teams(world):
    return [world.team_a, world.team_b] + [make_team(world.collaborative, n) for n in EXTRA_TEAMS]


def _page(client, world):
    client.force_login(world.host)
    url = reverse("dashboards:dashboard", args=[world.collaborative.pk])
    return client.get(url).content.decode()


def _spec(body, name):
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', body, re.S)
    assert found, f"no {name} chart"
    return json.loads(found.group(1))


def _units(body, metric):
    """The funnel's teams as the chart draws them: {label: (numerator total, denominator)}."""
    spec = _spec(body, f"funnel-{metric.pk}")
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    return {unit["label"]: unit for unit in points["data"]["values"]}


def _findings(body):
    """The words of the funnel's card: what is written under the chart."""
    found = re.search(
        r'data-chart-spec="funnel-.*?(?=<div class="team-charts"|</section>)', body, re.S
    )
    assert found, "no funnel"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def test_every_team_is_compared_over_the_same_months_and_a_short_team_is_named(
    client, world, periods
):
    metric = make_bp_metric(world.collaborative)
    hilltop = make_team(world.collaborative, "Hilltop clinic")
    # Eastside has sent November already, Valley not yet; Hilltop joined in September.
    _record(world.team_a, metric, periods, [8, 9, 10, 11], 60, 100)
    _record(world.team_b, metric, periods, [8, 9, 10], 50, 120)
    _record(hilltop, metric, periods, [9, 10], 30, 80)
    body = _page(client, world)
    units = _units(body, metric)
    # August to October for both: not Eastside's three months against Valley's two.
    assert {label: unit["n"] for label, unit in units.items()} == {
        "Eastside clinic": 300,
        "Valley clinic": 360,
    }
    assert "Teams compared, August 2026 to October 2026" in body
    assert (
        "Left out, no figures for all of August 2026 to October 2026: Hilltop clinic."
        in _findings(body)
    )


def test_a_team_silent_for_months_is_left_out_rather_than_taking_the_window_back(
    client, world, periods
):
    metric = make_bp_metric(world.collaborative)
    hilltop = make_team(world.collaborative, "Hilltop clinic")
    _record(world.team_a, metric, periods, range(1, 11), 60, 100)
    _record(world.team_b, metric, periods, range(1, 11), 50, 120)
    _record(hilltop, metric, periods, range(1, 5), 30, 80)  # nothing since April
    body = _page(client, world)
    assert set(_units(body, metric)) == {"Eastside clinic", "Valley clinic"}
    assert (
        "Left out, no figures for all of August 2026 to October 2026: Hilltop clinic."
        in _findings(body)
    )


# Eight teams with thousands of patients a month, whose shares differ by case mix: plain
# binomial limits put six of them outside.
LARGE = [900, 1500, 2400, 3100, 3800, 4500, 5200, 6000]
SHARES = [0.47, 0.55, 0.50, 0.44, 0.53, 0.58, 0.49, 0.52]


def test_an_overdispersed_set_is_compared_with_random_effects_limits(client, world, periods):
    metric = make_bp_metric(world.collaborative)
    for team, size, share in zip(_eight_teams(world), LARGE, SHARES, strict=True):
        _record(team, metric, periods, [8, 9, 10], round(share * size), size)
    body = _page(client, world)
    findings = _findings(body)
    assert "Random-effects funnel (Spiegelhalter): the limits allow for overdispersion" in findings
    assert "φ = 29.8" in findings
    assert "No team is outside the 99.8 % limits" in findings
    assert "Outside the 3-sigma limits" not in body
    spec = _spec(body, f"funnel-{metric.pk}")
    assert spec["title"]["subtitle"][0].startswith("Random-effects limits (Spiegelhalter), φ = ")
    outside = [label for label, unit in _units(body, metric).items() if unit["outside"]]
    assert outside == []


# Eight teams, six alike: Eastside well above them, Orchard well below.
SMALL = [60, 80, 100, 120, 140, 160, 180, 200]
SPREAD = [0.80, 0.50, 0.50, 0.52, 0.50, 0.48, 0.50, 0.30]


@pytest.mark.parametrize(
    ("direction", "better", "worse"),
    [("up", "Eastside clinic", "Orchard clinic"), ("down", "Orchard clinic", "Eastside clinic")],
)
def test_teams_above_and_below_are_named_apart_by_the_direction_of_the_metric(
    client, world, periods, direction, better, worse
):
    metric = make_bp_metric(world.collaborative, direction=direction)
    for team, size, share in zip(_eight_teams(world), SMALL, SPREAD, strict=True):
        _record(team, metric, periods, [8, 9, 10], round(share * size), size)
    findings = _findings(_page(client, world))
    assert f"Better than the others (beyond the 99.8 % limit): {better}." in findings
    assert f"Worse than the others (beyond the 99.8 % limit): {worse}." in findings
    assert "Outside the 3-sigma limits" not in findings


def test_a_phone_gets_the_teams_ranked_with_their_own_limits(client, world, periods):
    metric = make_bp_metric(world.collaborative)
    for team, size, share in zip(_eight_teams(world), SMALL, SPREAD, strict=True):
        _record(team, metric, periods, [8, 9, 10], round(share * size), size)
    body = _page(client, world)
    # The funnel from tablets up, the ranked chart below them: Bootstrap's classes, no style.
    assert re.search(rf'class="chart d-none d-md-block" data-chart-spec="funnel-{metric.pk}"', body)
    assert re.search(rf'class="chart d-md-none" data-chart-spec="funnel-ranked-{metric.pk}"', body)
    ranked = _spec(body, f"funnel-ranked-{metric.pk}")
    rows = {row["label"]: row for row in ranked["data"]["values"]}
    assert len(rows) == 8
    assert all(row["lcl"] < row["ucl"] for row in rows.values())
    assert rows["Eastside clinic"]["value"] == pytest.approx(80)
    assert rows["Eastside clinic"]["finding"] == "Better than the others"
    y = ranked["layer"][-1]["encoding"]["y"]
    assert y["field"] == "label" and y["sort"] == {"field": "value", "order": "descending"}
