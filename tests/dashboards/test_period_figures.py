"""A coach reading a period's report sees each metric's value, its change from the period
before and the team's chart, not only the raw numerators and denominators."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ..factories import make_metric_with_figures

NOW = datetime(2026, 5, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _may_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bp(world):
    # January to April out of 500: 48.0%, 50.0%, 51.1%, 53.2%.
    return make_metric_with_figures(
        world.collaborative,
        {world.team_a: ([240, 250, 255.5, 266], 500)},
        first_period_on=date(2026, 1, 1),
        baseline_periods=2,
    )


def _figures(client, world, period, **headers):
    url = reverse(
        "dashboards:period-figures", args=[world.collaborative.pk, world.team_a.pk, period.pk]
    )
    return client.get(url, **headers)


def test_the_report_page_loads_the_values_changes_and_charts(client, world, bp):
    march = world.collaborative.periods.all()[2]
    client.force_login(world.coach)
    url = reverse(
        "reporting:period-report", args=[world.collaborative.pk, world.team_a.pk, march.pk]
    )
    page = client.get(url).content.decode()
    figures_url = reverse(
        "dashboards:period-figures", args=[world.collaborative.pk, world.team_a.pk, march.pk]
    )
    assert f'data-hx-get="{figures_url}"' in page and "js/charts.js" in page


def test_a_coach_reads_the_value_the_change_and_the_teams_chart_up_to_the_period(client, world, bp):
    april = world.collaborative.periods.all()[3]
    client.force_login(world.coach)
    response = _figures(client, world, april, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # a fragment for the report page
    assert "53.2%" in body
    assert "+2.1 points from the period before" in body
    spec_id = f"spec-period-{bp.pk}"
    spec = re.search(rf'<script id="{spec_id}" type="application/json">(.*?)</script>', body)
    assert f'data-chart-spec="{spec_id}"' in body
    # The chart stops at the period read: January to April, not May.
    months = [row["label"] for row in json.loads(spec.group(1))["data"]["values"]]
    assert len(months) == 4


def test_the_change_falls_and_the_first_period_has_none(client, world, bp):
    periods = world.collaborative.periods.all()
    client.force_login(world.data_lead)
    body = _figures(client, world, periods[0]).content.decode()
    assert "48%" in body and "No figure the period before." in body
    assert "<html" in body  # opened on its own, a page
    bp.values.filter(period=periods[1]).update(numerator=200)  # February: 40%
    body = _figures(client, world, periods[2]).content.decode()
    assert "+11.1 points from the period before" in body
    body = _figures(client, world, periods[1]).content.decode()
    assert "−8 points from the period before" in body


def test_a_metric_with_no_figure_yet_gets_no_empty_chart(client, world, bp):
    from ..factories import make_bp_metric

    empty = make_bp_metric(world.collaborative, name="BP measured", short_name="BP measured")
    client.force_login(world.coach)
    body = _figures(client, world, world.collaborative.periods.first()).content.decode()
    # An empty chart would be drawn with no scale (Vega warns) and no words (axe objects).
    assert f'id="spec-period-{bp.pk}"' in body
    assert f'id="spec-period-{empty.pk}"' not in body
    assert "BP measured" in body
