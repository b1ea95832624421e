from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convene.measures.models import Metric
from convene.reporting.models import Value

from ..factories import make_metric_with_figures, make_stratified_metric, record_by_group

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
# Twelve baseline months around 50%, then ten months climbing to 70%.
CONTROLLED = [
    50,
    52,
    49,
    51,
    53,
    50,
    48,
    52,
    51,
    49,
    50,
    52,
    55,
    58,
    61,
    64,
    66,
    68,
    69,
    70,
    71,
    70,
]


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bp(world):
    return make_metric_with_figures(
        world.collaborative,
        {world.team_a: (CONTROLLED, 100)},
        first_period_on=date(2025, 1, 1),
        baseline_periods=12,
    )


def _dashboard(client, world):
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    return client.get(url).content.decode()


def test_the_dashboard_explains_the_signal_in_words(client, world, bp):
    client.force_login(world.data_lead)
    body = _dashboard(client, world)
    assert "Latest: 70%" in body and "goal met" in body
    assert "points in a row above the upper control limit" in body
    assert "This is an improvement." in body
    assert "Anhøj rules" in body
    assert 'id="spec-' in body  # the specification the browser draws


def test_lower_is_better_turns_the_same_signal_into_a_deterioration(client, world, bp):
    bp.direction = "down"
    bp.goal = 40
    bp.save()
    client.force_login(world.data_lead)
    body = _dashboard(client, world)
    assert "This is a deterioration." in body
    assert "not yet" in body


def test_excluded_points_and_notes_reach_the_chart_data(client, world, bp):
    value = Value.objects.get(metric=bp, period__starts_on=date(2025, 6, 1))
    value.revise(world.host, "", is_excluded=True, exclusion_reason="EHR outage", note="outage")
    client.force_login(world.data_lead)
    url = reverse(
        "dashboards:team-chart-file", args=[world.collaborative.pk, world.team_a.pk, bp.pk, "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    june = next(row for row in rows if row["period"] == "2025-06-01")
    assert (june["numerator"], june["denominator"], june["value"]) == ("50", "100", "50")
    # The note says why the figure is excluded too, as the chart's marker does.
    assert june["excluded"] == "yes" and june["note"] == "outage · Excluded: EHR outage"
    assert rows[0]["note"] == ""  # no note stays empty, not a lone apostrophe
    assert rows[0]["baseline"] == "yes" and rows[-1]["baseline"] == ""
    assert any(row["special_cause"] == "yes" for row in rows)


@pytest.mark.parametrize(("fmt", "start"), [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_charts_download_as_images(client, world, bp, fmt, start):
    client.force_login(world.coach)
    url = reverse(
        "dashboards:team-chart-file", args=[world.collaborative.pk, world.team_a.pk, bp.pk, fmt]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(start)
    assert "attachment" in response["Content-Disposition"]


def test_an_unknown_format_is_not_found(client, world, bp):
    client.force_login(world.host)
    url = reverse(
        "dashboards:team-chart-file", args=[world.collaborative.pk, world.team_a.pk, bp.pk, "exe"]
    )
    assert client.get(url).status_code == 404


def test_notes_cannot_become_spreadsheet_formulas(client, world, bp):
    value = Value.objects.filter(metric=bp).first()
    value.revise(world.data_lead, "", note='=HYPERLINK("http://x")')
    client.force_login(world.host)
    url = reverse(
        "dashboards:team-chart-file", args=[world.collaborative.pk, world.team_a.pk, bp.pk, "csv"]
    )
    assert "'=HYPERLINK" in client.get(url).content.decode()


def test_dashboard_queries_do_not_grow_with_metrics_or_periods(
    client, world, bp, django_capture_on_commit_callbacks
):
    client.force_login(world.host)
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    _add_metric_by_age(world, "BP by age", periods=2)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).content.decode()
        return len(queries), body.count('data-chart-spec="strata-')

    small, charts_by_group = count()
    assert charts_by_group == 1
    with django_capture_on_commit_callbacks(execute=True):
        _add_count_metrics(world)
        _add_metric_by_age(world, "Statins by age", periods=20)
    assert count() == (small, 2)


def _add_metric_by_age(world, short_name, periods):
    metric = make_stratified_metric(world.collaborative, name=short_name, short_name=short_name)
    for period in world.collaborative.periods.all()[:periods]:
        record_by_group(world.team_a, metric, period, {"Under 45": (4, 10), "65 and over": (7, 10)})


def _add_count_metrics(world):
    for index in range(3):
        extra = Metric.objects.create(
            collaborative=world.collaborative,
            name=f"Count {index}",
            short_name=f"C{index}",
            conceptual_definition="x",
            kind="count",
            direction="down",
        )
        for period in world.collaborative.periods.all()[:20]:
            Value.objects.create(team=world.team_a, metric=extra, period=period, numerator=3)


def test_ihi_rules_judge_a_run_chart(client, world, bp):
    world.collaborative.chart_rules = "ihi"
    world.collaborative.save()
    client.force_login(world.data_lead)
    body = _dashboard(client, world)
    assert "Run chart · IHI run chart rules" in body
    assert "points in a row above the median: a shift. This is an improvement." in body


def test_nhs_rules_give_variation_and_assurance(client, world, bp):
    world.collaborative.chart_rules = "nhs"
    world.collaborative.save()
    client.force_login(world.data_lead)
    body = _dashboard(client, world)
    assert "XmR chart · NHS Making Data Count" in body
    assert "Special cause variation: an improvement, with higher values." in body


def test_the_host_chooses_the_rules_in_the_settings(client, world):
    client.force_login(world.host)
    collaborative = world.collaborative
    response = client.post(
        reverse("collaboratives:edit", args=[collaborative.pk]),
        {
            "version": collaborative.version,
            "name": collaborative.name,
            "topic": collaborative.topic,
            "host_organisation": collaborative.host_organisation_id,
            "start_on": "2026-01-01",
            "end_on": "2026-12-31",
            "status": "active",
            "sharing": "anonymised",
            "time_zone": "UTC",
            "chart_rules": "nhs",
        },
    )
    assert response.status_code == 302
    collaborative.refresh_from_db()
    assert collaborative.chart_rules == "nhs"


def test_the_dashboard_is_cached_until_a_figure_changes(
    client, world, bp, django_capture_on_commit_callbacks
):
    client.force_login(world.data_lead)
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        body = client.get(url).content.decode()
    assert len(second) < len(first)
    assert "Latest: 70%" in body
    last = Value.objects.filter(metric=bp).order_by("-period__starts_on").first()
    with django_capture_on_commit_callbacks(execute=True):
        last.revise(world.data_lead, "", numerator=75)
    assert "Latest: 75%" in client.get(url).content.decode()
