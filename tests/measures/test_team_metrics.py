"""Where the collaborative allows it, a team adds metrics of its own beside the shared ones."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from convene.measures.models import Metric, ReportingSchedule
from convene.reporting.models import Value

NOW = datetime(2026, 4, 20, 12, tzinfo=timezone.get_fixed_timezone(0))

FALLS = {
    "name": "Falls on the ward",
    "short_name": "Falls",
    "category": "optional",
    "kind": "count",
    "direction": "down",
    "conceptual_definition": "Patients who fell during their stay",
}


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bp(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1), baseline_periods=2
    ).sync_periods()
    return Metric.objects.create(
        collaborative=world.collaborative,
        name="Hypertension control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        kind="proportion",
        denominator="Adults with hypertension",
        direction="up",
    )


@pytest.fixture
def allowed(world):
    world.collaborative.can_teams_add_metrics = True
    world.collaborative.save()
    return world.collaborative


@pytest.fixture
def falls(world, bp, allowed):
    """Eastside's own metric, with a figure for January."""
    metric = Metric.objects.create(collaborative=world.collaborative, team=world.team_a, **FALLS)
    Value.objects.create(
        team=world.team_a, metric=metric, period=world.collaborative.periods.first(), numerator=4
    )
    return metric


def _url(name, world, team=None, *more):
    return reverse(name, args=[world.collaborative.pk, (team or world.team_a).pk, *more])


def _page(client, person, url):
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_host_allows_team_metrics_in_the_settings(client, world):
    collaborative = world.collaborative
    body = _page(client, world.host, reverse("collaboratives:edit", args=[collaborative.pk]))
    assert "Teams may add their own metrics" in body
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
            "chart_rules": "anhoej",
            "can_teams_add_metrics": "on",
        },
    )
    assert response.status_code == 302
    collaborative.refresh_from_db()
    assert collaborative.can_teams_add_metrics


def test_while_not_allowed_there_is_no_link_and_the_pages_are_refused(client, world, bp):
    body = _page(client, world.data_lead, _url("reporting:team-data", world))
    assert "Add a metric of the team's own" not in body
    assert client.get(_url("measures:new-team-metric", world)).status_code == 403
    assert client.post(_url("measures:new-team-metric", world), FALLS).status_code == 403
    client.force_login(world.host)
    assert client.get(_url("measures:new-team-metric", world)).status_code == 403
    assert not Metric.objects.filter(team__isnull=False).exists()


def test_data_lead_adds_a_metric_seen_on_the_teams_pages_only(client, world, bp, allowed):
    body = _page(client, world.data_lead, _url("reporting:team-data", world))
    assert "Add a metric of the team's own" in body
    form = _page(client, world.data_lead, _url("measures:new-team-metric", world))
    assert "New metric for Eastside clinic" in form
    # Never core, never by strata, and no other team is asked to report it.
    assert 'value="core"' not in form
    assert "stratification" not in form and "every team must report it" not in form

    response = client.post(_url("measures:new-team-metric", world), FALLS)
    assert response.status_code == 302
    assert response["Location"] == _url("reporting:team-data", world)
    falls = Metric.objects.get(short_name="Falls")
    assert (falls.team, falls.category, falls.stratification) == (world.team_a, "optional", None)

    grid = client.get(_url("reporting:team-data", world)).content.decode()
    assert _url("measures:team-metric", world, None, falls.pk) in grid
    assert "team's own" in grid
    assert "Falls, January 2026: value" in grid
    period = world.collaborative.periods.first()
    cell = _url("reporting:save-cell", world, None, falls.pk, period.pk)
    assert client.post(cell, {"numerator": "3"}).status_code == 302
    assert Value.objects.get(metric=falls).numerator == 3
    dashboard = client.get(_url("dashboards:team-dashboard", world)).content.decode()
    assert "Falls on the ward" in dashboard and "Hypertension control" in dashboard
    report = client.get(_url("reporting:period-report", world, None, period.pk)).content.decode()
    assert "Falls" in report and "team's own" in report

    # Not another team's, nor the collaborative's.
    other = _page(client, world.other_team, _url("reporting:team-data", world, world.team_b))
    assert "Falls" not in other and "BP control" in other
    other = client.get(_url("dashboards:team-dashboard", world, world.team_b)).content.decode()
    assert "Falls on the ward" not in other
    for person in (world.data_lead, world.host):
        shared = _page(
            client, person, reverse("dashboards:dashboard", args=[world.collaborative.pk])
        )
        assert "Hypertension control" in shared and "Falls on the ward" not in shared
        listing = _page(client, person, reverse("measures:metrics", args=[world.collaborative.pk]))
        assert "Falls on the ward" not in listing


def test_the_data_lead_edits_and_deletes_the_metric(client, world, falls):
    client.force_login(world.data_lead)
    detail = _page(client, world.data_lead, _url("measures:team-metric", world, None, falls.pk))
    assert "reported by Eastside clinic only" in detail
    assert _url("measures:edit-team-metric", world, None, falls.pk) in detail
    edit = _url("measures:edit-team-metric", world, None, falls.pk)
    response = client.post(edit, {**FALLS, "name": "Falls with harm", "version": falls.version})
    assert response.status_code == 302
    falls.refresh_from_db()
    assert falls.name == "Falls with harm" and falls.team == world.team_a

    response = client.post(_url("measures:delete-team-metric", world, None, falls.pk))
    assert response.status_code == 302
    grid = client.get(_url("reporting:team-data", world)).content.decode()
    assert "is deleted" in grid and "Falls, January 2026" not in grid
    # Soft-deleted: the host can restore it, figures and all.
    deleted = _page(
        client, world.host, reverse("collaboratives:deleted", args=[falls.collaborative_id])
    )
    assert "Falls with harm" in deleted
    assert Value.objects.filter(metric_id=falls.pk).exists()


def test_a_member_of_another_team_cannot_touch_it(client, world, falls):
    client.force_login(world.other_team)  # data lead of Valley clinic
    assert client.get(_url("measures:edit-team-metric", world, None, falls.pk)).status_code == 403
    assert (
        client.post(_url("measures:delete-team-metric", world, None, falls.pk)).status_code == 403
    )
    assert client.get(_url("measures:team-metric", world, None, falls.pk)).status_code == 403
    # Nor reach it through their own team's pages.
    own = _url("measures:edit-team-metric", world, world.team_b, falls.pk)
    assert client.get(own).status_code == 404
    chart = _url("dashboards:team-chart-file", world, world.team_b, falls.pk, "csv")
    assert client.get(chart).status_code == 404
    falls.refresh_from_db()
    assert not falls.is_deleted


def test_observers_and_other_team_roles_cannot_add_one(client, world, bp, allowed):
    for person in (world.observer, world.member, world.coach):
        client.force_login(person)
        assert client.get(_url("measures:new-team-metric", world)).status_code == 403
        assert client.post(_url("measures:new-team-metric", world), FALLS).status_code == 403
    body = _page(client, world.member, _url("reporting:team-data", world))
    assert "Add a metric of the team's own" not in body
    # The change leader and host admins may.
    for person in (world.leader, world.host):
        assert _page(client, person, _url("measures:new-team-metric", world))
    assert not Metric.objects.filter(team__isnull=False).exists()


def test_short_names_stay_apart_from_the_shared_metrics(client, world, falls):
    client.force_login(world.data_lead)
    response = client.post(
        _url("measures:new-team-metric", world), {**FALLS, "short_name": "bp control"}
    )
    assert "Another metric already has this short name." in response.content.decode()
    response = client.post(_url("measures:new-team-metric", world), {**FALLS, "category": "core"})
    assert response.status_code == 200
    assert Metric.objects.filter(team=world.team_a).count() == 1
    # Another team may use the same short name for a metric of its own…
    client.force_login(world.other_team)
    assert (
        client.post(_url("measures:new-team-metric", world, world.team_b), FALLS).status_code == 302
    )
    # …but the host cannot give a shared metric a short name a team's metric already has.
    client.force_login(world.host)
    response = client.post(
        reverse("measures:new-metric", args=[world.collaborative.pk]),
        {**FALLS, "category": "core", "is_required": "on"},
    )
    assert "already has a metric of its own with this short name." in response.content.decode()


def test_spreadsheets_carry_the_teams_own_metric(client, world, falls):
    client.force_login(world.data_lead)
    book = load_workbook(io.BytesIO(client.get(_url("reporting:team-template", world)).content))
    rows = list(book["Figures"].iter_rows(min_row=2, values_only=True))
    assert ("Falls", "2026-01") in {row[:2] for row in rows}
    definitions = list(book["Definitions"].iter_rows(values_only=True))
    assert definitions[0][-1] == "team_own"
    assert {row[0]: row[-1] for row in definitions[1:]} == {"BP control": None, "Falls": "yes"}

    upload = "metric,period,numerator\nFalls,2026-02,6\n"
    response = client.post(
        _url("reporting:import-figures", world),
        {"file": SimpleUploadedFile("falls.csv", upload.encode())},
    )
    assert response.status_code == 302
    assert Value.objects.get(metric=falls, period__starts_on=date(2026, 2, 1)).numerator == 6
    # Valley clinic's file cannot name Eastside's metric.
    client.force_login(world.other_team)
    response = client.post(
        _url("reporting:import-figures", world, world.team_b),
        {"file": SimpleUploadedFile("falls.csv", upload.encode())},
    )
    assert "Unknown metric “Falls”" in response.content.decode()

    # The host's export has the figures under the team, marked as the team's own.
    client.force_login(world.host)
    export = client.get(reverse("reporting:export", args=[world.collaborative.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert {(r["team"], r["metric"], r["period"], r["team_own"]) for r in rows} == {
        ("Eastside clinic", "Falls", "2026-01", "yes"),
        ("Eastside clinic", "Falls", "2026-02", "yes"),
    }
