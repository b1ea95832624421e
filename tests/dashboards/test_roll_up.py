"""The collaborative's roll-up a funder can trust: what each team owes, complete periods only,
an aggregation that fits the measure, and balancing measures watched for harm."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.models import Collaborative
from convene.measures.models import Metric
from convene.reporting.models import Report, Value

from ..factories import (
    make_schedule,
    make_stratified_metric,
    make_team,
    record_by_group,
    record_figures,
)

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
FLAT = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 51, 50, 52, 49, 51, 50, 52, 51, 50, 49]
RISING = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 55, 58, 61, 64, 66, 68, 69, 70, 71, 70]
NOVEMBER = 22  # index of November 2026 among the periods from January 2025


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def periods(world):
    make_schedule(world.collaborative, date(2025, 1, 1), baseline_periods=12)
    return list(world.collaborative.periods.all())


def _metric(world, **fields):
    defaults = {
        "name": "Hypertension control",
        "short_name": "BP control",
        "conceptual_definition": "Controlled share",
        "kind": "proportion",
        "denominator": "Adults with hypertension",
        "direction": "up",
    }
    return Metric.objects.create(collaborative=world.collaborative, **{**defaults, **fields})


def _page(client, person, world):
    client.force_login(person)
    url = reverse("dashboards:dashboard", args=[world.collaborative.pk])
    return client.get(url).content.decode()


def _spec(body, spec_id):
    found = re.search(rf'<script id="{spec_id}" type="application/json">(.*?)</script>', body)
    assert found, f"no specification {spec_id}"
    return json.loads(found.group(1))


def _rows(body, metric):
    """{month: row} of the roll-up chart's data."""
    return {row["x"][:7]: row for row in _spec(body, f"agg-{metric.pk}")["data"]["values"]}


def _text(body):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# ------------------------------------------------------------------ 3: complete periods only


@pytest.fixture
def half_reported(world, periods):
    """Three teams report January 2025 to October 2026 at about 50%; in November only
    Eastside clinic has reported, 95%."""
    team_c = make_team(world.collaborative, "Northside clinic")
    metric = _metric(world)
    for team in (world.team_a, world.team_b, team_c):
        record_figures(team, metric, FLAT, 100)
    Value.objects.create(
        team=world.team_a, metric=metric, period=periods[NOVEMBER], numerator=95, denominator=100
    )
    return metric


def test_a_half_reported_month_is_drawn_hollow_and_kept_out_of_limits_and_signals(
    client, world, half_reported
):
    body = _page(client, world.host, world)
    november = _rows(body, half_reported)["2026-11"]
    # Not plotted as the collaborative's November, not a signal: a hollow ring with its count.
    assert november["y"] is None and not november["signal"]
    assert november["partial"] == 95.0
    assert november["teams"] == "1 of 3 teams" and not november["complete"]
    october = _rows(body, half_reported)["2026-10"]
    assert (october["y"], october["teams"], october["complete"]) == (49.0, "3 of 3 teams", True)
    layers = _spec(body, f"agg-{half_reported.pk}")["layer"]
    hollow = [layer for layer in layers if layer["encoding"].get("y", {}).get("field") == "partial"]
    assert hollow and hollow[0]["mark"]["filled"] is False
    text = _text(body)
    assert "Latest complete month: October 2026 (3 of 3 teams)." in text
    assert "November 2026 so far: 1 of 3 teams" in text
    assert "special cause" not in text  # the sentences and the table quote no half month
    assert "(95.0) incomplete: 1 of 3 teams" in text


def test_a_team_that_joined_late_leaves_the_months_before_it_complete(client, world, periods):
    metric = _metric(world)
    late = make_team(world.collaborative, "Northside clinic", joined_on=date(2026, 9, 15))
    for team in (world.team_a, world.team_b):
        record_figures(team, metric, FLAT, 100)
    for period in periods[20:22]:  # September and October 2026
        Value.objects.create(team=late, metric=metric, period=period, numerator=70, denominator=100)
    rows = _rows(_page(client, world.host, world), metric)
    assert (rows["2026-08"]["teams"], rows["2026-08"]["complete"]) == ("2 of 2 teams", True)
    assert rows["2026-10"]["teams"] == "3 of 3 teams"
    assert round(rows["2026-10"]["y"], 1) == 56.0  # (49 + 49 + 70) / 300


def test_the_group_gap_quotes_the_latest_complete_month(client, world, periods):
    by_age = make_stratified_metric(world.collaborative)
    for team in (world.team_a, world.team_b):
        record_by_group(
            team, by_age, periods[21], {"Under 45": (40, 100), "65 and over": (70, 100)}
        )
    # November: Eastside clinic alone, with a wide gap.
    record_by_group(
        world.team_a, by_age, periods[NOVEMBER], {"Under 45": (10, 100), "65 and over": (90, 100)}
    )
    text = _text(_page(client, world.host, world))
    assert (
        "In October 2026 the gap between the highest group (65 and over, 70%) and the lowest "
        "(Under 45, 40%) is 30 percentage points." in text
    )
    assert "In November 2026 the gap" not in text


# ------------------------------------------------------------------ 1: reporting owed


@pytest.fixture
def joined_late(world, periods):
    """Northside joined in September 2026, no history asked; Lakeside joined then too and
    was asked for its history from June 2026, and sent July's."""
    late = make_team(world.collaborative, "Northside clinic", joined_on=date(2026, 9, 15))
    asked = make_team(
        world.collaborative,
        "Lakeside clinic",
        joined_on=date(2026, 9, 15),
        history_from=date(2026, 6, 1),
    )
    world.collaborative.sharing = Collaborative.Sharing.NAMED
    world.collaborative.save()
    Report.objects.create(team=asked, period=periods[18]).submit(None, None)  # July 2026
    Report.objects.create(team=world.team_a, period=periods[19]).submit(None, None)  # August
    return late, asked


def _table_row(body, label):
    found = re.search(rf'text-nowrap">{label}</th>(.*?)</tr>', body, re.S)
    assert found, f"no reporting row for {label}"
    return _text(found.group(1))


def test_a_period_before_a_team_joined_is_not_missing_and_history_is_counted_apart(
    client, world, joined_late
):
    body = _page(client, world.host, world)
    # Eastside on time, Valley missing; Lakeside asked (not yet sent), Northside not owed.
    august = _table_row(body, "August 2026")
    assert august.count("missing") == 1
    assert "history asked" in august and "before the team joined" in august
    assert "50%" in august and "history: 0 of 1" in august
    july = _table_row(body, "July 2026")
    assert "history ✓ received" in july and "history: 1 of 1" in july and "0%" in july
    # The rates count the teams that owe a period: 1 of 2 in August, not 1 of 4.
    assert re.search(r"August 2026</th><td>1</td><td>0</td><td>1 of 2 \(50%\)</td>", body)


def test_a_period_before_joining_is_neither_overdue_nor_missing_on_the_team_grid(
    client, world, joined_late
):
    late, asked = joined_late
    _metric(world)
    client.force_login(world.host)
    grid = client.get(reverse("reporting:team-data", args=[world.collaborative.pk, late.pk]))
    august = _text(re.search(r"August 2026.*?</tr>", grid.content.decode(), re.S).group(0))
    assert "overdue" not in august and "before the team joined" in august
    september = _text(re.search(r"September 2026.*?</tr>", grid.content.decode(), re.S).group(0))
    assert "overdue" in september
    grid = client.get(reverse("reporting:team-data", args=[world.collaborative.pk, asked.pk]))
    june = _text(re.search(r"June 2026.*?</tr>", grid.content.decode(), re.S).group(0))
    assert "overdue" not in june and "history asked" in june
    june_page = client.get(
        reverse(
            "reporting:period-report",
            args=[world.collaborative.pk, asked.pk, world.collaborative.periods.all()[17].pk],
        )
    ).content.decode()
    assert "Baseline history" in june_page and "Due " not in june_page


# ------------------------------------------------------------------ 4: a continuous measure


def test_a_continuous_roll_up_is_the_median_of_the_teams_values_and_says_so(client, world, periods):
    waits = _metric(
        world,
        name="Days to follow-up",
        short_name="Follow-up",
        kind="continuous",
        unit="days",
        denominator="",
        direction="down",
    )
    team_c = make_team(world.collaborative, "Northside clinic")
    for team, days in ((world.team_a, 10), (world.team_b, 12), (team_c, 50)):
        Value.objects.create(team=team, metric=waits, period=periods[21], numerator=days)
    body = _page(client, world.host, world)
    assert _rows(body, waits)["2026-10"]["y"] == 12.0  # not the mean, 24
    spec = _spec(body, f"agg-{waits.pk}")
    assert "median of the teams' values" in spec["title"]["subtitle"]
    axis_titles = [
        layer["encoding"]["y"].get("axis", {}).get("title")
        for layer in spec["layer"]
        if "y" in layer.get("encoding", {})
    ]
    assert "median of the teams' values (days)" in axis_titles


# ------------------------------------------------------------------ 5: balancing measures


@pytest.fixture
def falls(world, periods):
    """A balancing measure (lower is better): Eastside's falls climb, Valley's stay flat."""
    metric = _metric(
        world,
        name="Falls after a dose change",
        short_name="Falls",
        category="balancing",
        direction="down",
    )
    record_figures(world.team_a, metric, RISING, 100)
    record_figures(world.team_b, metric, FLAT, 100)
    return metric


def test_a_balancing_measure_headlines_the_teams_it_shows_worse(client, world, falls):
    text = _text(_page(client, world.host, world))
    assert "1 of 2 reporting teams worse: Eastside clinic" in text
    assert "show improvement" not in text and "shows improvement" not in text
    # Anonymised: the other team reads Eastside's letter; an observer reads the count only.
    assert "1 of 2 reporting teams worse: Team A" in _text(_page(client, world.other_team, world))
    observer = _text(_page(client, world.observer, world))
    assert "1 of 2 reporting teams worse" in observer and "Eastside" not in observer


def test_a_balancing_measure_with_no_team_worse_says_so(client, world, falls):
    Value.objects.filter(team=world.team_a, metric=falls).delete()
    record_figures(world.team_a, falls, FLAT, 100)
    assert "No team worse (2 reporting teams)" in _text(_page(client, world.host, world))
