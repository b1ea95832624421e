"""Charts by group (stratum): one line per group and the gap between groups, in words."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.measures.models import Metric, ReportingSchedule
from convene.reporting.models import Value

from ..factories import make_stratified_metric, record_by_group

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
AUGUST, SEPTEMBER, OCTOBER = 19, 20, 21  # indices of the periods from January 2025
GAP = (
    "In October 2026 the gap between the highest group (65 and over, 72%) and the lowest "
    "(Under 45, 51%) is 21 percentage points."
)


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def periods(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2025, 1, 1), baseline_periods=12
    ).sync_periods()
    return list(world.collaborative.periods.all())


@pytest.fixture
def by_age(world, periods):
    metric = make_stratified_metric(world.collaborative)
    for index, figures in (
        (AUGUST, (45, 55, 70)),
        (SEPTEMBER, (48, 58, 71)),
        (OCTOBER, (51, 60, 72)),
    ):
        record_by_group(world.team_a, metric, periods[index], _per_hundred(figures))
    record_by_group(world.team_b, metric, periods[OCTOBER], _per_fifty((30, 40, 45)))
    return metric


def _per_hundred(numerators):
    groups = ("Under 45", "45 to 64", "65 and over")
    return {group: (n, 100) for group, n in zip(groups, numerators, strict=True)}


def _per_fifty(numerators):
    return {group: (n, 50) for group, (n, _d) in _per_hundred(numerators).items()}


def _team_page(client, world, person=None):
    client.force_login(person or world.data_lead)
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    return client.get(url).content.decode()


def _collaborative_page(client, world, person):
    client.force_login(person)
    return client.get(
        reverse("dashboards:dashboard", args=[world.collaborative.pk])
    ).content.decode()


def _spec(body, spec_id):
    found = re.search(rf'<script id="{spec_id}" type="application/json">(.*?)</script>', body)
    assert found, f"no specification {spec_id}"
    return json.loads(found.group(1))


def _lines(spec):
    """{group: {month: figure}} as the chart draws them."""
    lines: dict[str, dict[str, float]] = {}
    for row in spec["data"]["values"]:
        lines.setdefault(row["group"], {})[row["x"][:7]] = round(row["y"], 1)
    return lines


def test_the_team_dashboard_draws_one_line_per_group(client, world, by_age):
    body = _team_page(client, world)
    assert "Blood-pressure control by group (Age group)" in body
    spec = _spec(body, f"strata-{by_age.pk}")
    assert _lines(spec) == {
        "Under 45": {"2026-08": 45, "2026-09": 48, "2026-10": 51},
        "45 to 64": {"2026-08": 55, "2026-09": 58, "2026-10": 60},
        "65 and over": {"2026-08": 70, "2026-09": 71, "2026-10": 72},
    }
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Under 45", "45 to 64", "65 and over"]
    assert colour["legend"]["orient"] == "bottom"
    # The total chart above still adds the groups up: (51 + 60 + 72) / 300.
    assert "Latest: 61%" in body


def test_the_gap_between_groups_is_said_in_words(client, world, by_age):
    assert GAP in _team_page(client, world)


def test_the_figures_by_group_are_in_a_table(client, world, by_age):
    body = _team_page(client, world)
    table = body[body.index("Figures of Blood-pressure control by group</caption>") :]
    header = table[: table.index("</thead>")]
    assert re.findall(r'<th scope="col">([^<]+)</th>', header) == [
        "Period",
        "Under 45",
        "45 to 64",
        "65 and over",
    ]
    assert re.search(r"October 2026</th><td>51\.0</td><td>60\.0</td><td>72\.0</td></tr>", body), (
        "October's figures, in the order of the groups"
    )


def test_a_metric_without_groups_has_no_group_chart(client, world, periods):
    metric = Metric.objects.create(
        collaborative=world.collaborative,
        name="Hypertension control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        kind="proportion",
        denominator="Adults",
        direction="up",
    )
    Value.objects.create(
        team=world.team_a, metric=metric, period=periods[OCTOBER], numerator=5, denominator=10
    )
    body = _team_page(client, world)
    assert "Latest: 50%" in body
    assert "by group" not in body and 'id="strata-' not in body


def test_excluded_figures_stay_off_the_group_chart(client, world, by_age):
    young = Value.objects.get(
        team=world.team_a, metric=by_age, period__starts_on=date(2026, 10, 1), stratum__position=0
    )
    young.revise(world.host, "", is_excluded=True, exclusion_reason="EHR outage")
    body = _team_page(client, world)
    assert "2026-10" not in _lines(_spec(body, f"strata-{by_age.pk}"))["Under 45"]
    assert (
        "In October 2026 the gap between the highest group (65 and over, 72%) and the lowest "
        "(45 to 64, 60%) is 12 percentage points." in body
    )


def test_the_gap_uses_the_latest_period_where_groups_can_be_compared(client, world, by_age):
    record_by_group(world.team_a, by_age, world.collaborative.periods.last(), {"Under 45": (1, 2)})
    body = _team_page(client, world)
    assert GAP in body


def test_counts_are_compared_in_their_unit(client, world, periods):
    falls = make_stratified_metric(
        world.collaborative,
        groups=("Day shift", "Night shift"),
        name="Falls",
        short_name="Falls",
        kind="count",
        unit="falls",
        denominator="",
        direction="down",
    )
    record_by_group(
        world.team_a, falls, periods[OCTOBER], {"Day shift": (4, None), "Night shift": (9, None)}
    )
    body = _team_page(client, world)
    assert (
        "In October 2026 the gap between the highest group (Night shift, 9 falls) and the "
        "lowest (Day shift, 4 falls) is 5 falls." in body
    )


def test_the_collaborative_roll_up_sums_each_group_across_teams(client, world, by_age):
    body = _collaborative_page(client, world, world.host)
    lines = _lines(_spec(body, f"strata-all-{by_age.pk}"))
    # October: team A per 100 and team B per 50, summed: 81/150, 100/150, 117/150.
    assert {group: line["2026-10"] for group, line in lines.items()} == {
        "Under 45": 54.0,
        "45 to 64": 66.7,
        "65 and over": 78.0,
    }
    # August: team A alone, 1 of the 2 teams that owe it: no group line goes through it.
    assert all("2026-08" not in line for line in lines.values())
    assert (
        "In October 2026 the gap between the highest group (65 and over, 78%) and the lowest "
        "(Under 45, 54%) is 24 percentage points." in body
    )


def test_observers_see_the_group_roll_up_of_continuous_figures_as_medians(client, world, periods):
    waits = make_stratified_metric(
        world.collaborative,
        groups=("Rural", "Urban"),
        name="Days to follow-up",
        short_name="Follow-up",
        kind="continuous",
        unit="days",
        denominator="",
        direction="down",
    )
    record_by_group(
        world.team_a, waits, periods[OCTOBER], {"Rural": (10, None), "Urban": (20, None)}
    )
    record_by_group(
        world.team_b, waits, periods[OCTOBER], {"Rural": (20, None), "Urban": (40, None)}
    )
    body = _collaborative_page(client, world, world.observer)
    assert "Eastside clinic" not in body  # the roll-up names no team
    assert (
        "In October 2026 the gap between the highest group (Urban, 30 days) and the lowest "
        "(Rural, 15 days) is 15 days." in body
    )
