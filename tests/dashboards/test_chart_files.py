"""Every chart of the collaborative dashboard downloads as PNG, SVG and CSV, as the team's do;
an SVG names itself (``<title>``, ``<desc>``) for whoever opens it away from the page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.reporting.models import ProgressScore, Report

from ..factories import make_metric_with_figures

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
    Report.objects.create(team=world.team_a, period=periods[21]).submit(world.data_lead, None)
    ProgressScore.objects.create(
        team=world.team_a, period=periods[20], rater="team", score=Decimal("2.5")
    )
    ProgressScore.objects.create(
        team=world.team_a, period=periods[21], rater="coach", score=Decimal("3.0")
    )
    return metric


def _url(world, kind, fmt, metric=None):
    args = [world.collaborative.pk, f"{kind}-{metric.pk}" if metric else kind, fmt]
    return reverse("dashboards:chart-file", args=args)


def _get(client, person, url):
    client.force_login(person)
    return client.get(url)


CHARTS = [("all-teams", True), ("funnel", True), ("progress", False), ("reporting", False)]


def test_the_dashboard_links_every_chart_to_its_files(client, world, bp):
    client.force_login(world.host)
    page = client.get(reverse("dashboards:dashboard", args=[world.collaborative.pk]))
    body = page.content.decode()
    for kind, per_metric in CHARTS:
        for fmt in ("png", "svg", "csv"):
            assert f'href="{_url(world, kind, fmt, bp if per_metric else None)}"' in body


@pytest.mark.parametrize(("kind", "per_metric"), CHARTS)
def test_each_chart_downloads_as_png_svg_and_csv(client, world, bp, kind, per_metric):
    metric = bp if per_metric else None
    png = _get(client, world.host, _url(world, kind, "png", metric))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert "attachment" in png["Content-Disposition"]
    svg = _get(client, world.host, _url(world, kind, "svg", metric)).content.decode()
    assert svg.startswith("<svg")
    title = re.search(r"<svg[^>]*><title>([^<]+)</title><desc>([^<]+)</desc>", svg)
    assert title, svg[:400]
    data = _get(client, world.host, _url(world, kind, "csv", metric))
    assert data["Content-Type"] == "text/csv; charset=utf-8"
    assert data.content.startswith("\ufeff".encode())  # spreadsheets then read it as UTF-8
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert len(rows) > 1


def test_the_svg_says_what_the_roll_up_shows(client, world, bp):
    svg = _get(client, world.host, _url(world, "all-teams", "svg", bp)).content.decode()
    title = re.search(r"<title>([^<]+)</title>", svg)[1]
    desc = re.search(r"<desc>([^<]+)</desc>", svg)[1]
    assert title == f"{bp.name}: all teams"
    assert "special cause" in desc.lower() or "shift" in desc.lower() or "run" in desc.lower()


def test_the_roll_up_csv_has_the_figures_and_the_teams_reported(client, world, bp):
    data = _get(client, world.observer, _url(world, "all-teams", "csv", bp)).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(data)))
    january = next(row for row in rows if row["period"] == "2025-01-01")
    assert (january["numerator"], january["denominator"]) == ("100", "220")
    assert january["teams_reported"] == "2 of 2 teams"


def test_team_names_in_the_funnel_csv_cannot_become_formulas(client, world, bp):
    world.team_a.name = '=HYPERLINK("http://x")'
    world.team_a.save()
    data = _get(client, world.host, _url(world, "funnel", "csv", bp)).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in data
    assert "\n=HYPERLINK" not in data


def test_the_team_chart_svg_has_a_title_and_a_description(client, world, bp):
    url = reverse(
        "dashboards:team-chart-file", args=[world.collaborative.pk, world.team_a.pk, bp.pk, "svg"]
    )
    svg = _get(client, world.data_lead, url).content.decode()
    assert f"<title>{bp.name} · Eastside clinic</title>" in svg
    assert re.search(r"<desc>[^<]+</desc>", svg)


def test_an_unknown_chart_or_format_is_not_found(client, world, bp):
    for url in (
        _url(world, "pie", "png", bp),
        _url(world, "all-teams", "exe", bp),
        _url(world, "progress", "png", bp),  # no metric has a progress chart of its own
        _url(world, "all-teams", "png"),
    ):
        assert _get(client, world.host, url).status_code == 404


def test_observers_download_no_reporting_chart_when_not_shown_one(client, world, bp):
    client.force_login(world.observer)
    page = client.get(reverse("dashboards:dashboard", args=[world.collaborative.pk]))
    shown = _url(world, "reporting", "csv") in page.content.decode()
    status = _get(client, world.observer, _url(world, "reporting", "csv")).status_code
    assert status == (200 if shown else 404)


def test_the_team_dashboard_progress_chart_downloads_too(client, world, bp):
    team_urls = {
        fmt: reverse(
            "dashboards:team-progress-file",
            args=[world.collaborative.pk, world.team_a.pk, fmt],
        )
        for fmt in ("png", "svg", "csv")
    }
    client.force_login(world.data_lead)
    page = client.get(
        reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    ).content.decode()
    for url in team_urls.values():
        assert f'href="{url}"' in page
    svg = client.get(team_urls["svg"]).content.decode()
    assert re.search(r"<svg[^>]*><title>[^<]+</title><desc>[^<]+</desc>", svg)
    rows = list(
        csv.DictReader(io.StringIO(client.get(team_urls["csv"]).content.decode("utf-8-sig")))
    )
    assert [(row["period"], row["team_score"], row["coach_score"]) for row in rows] == [
        ("2026-09-01", "2.5", ""),
        ("2026-10-01", "", "3"),
    ]
    # Another team's people may not have it.
    client.force_login(world.other_team)
    assert client.get(team_urls["png"]).status_code in (403, 404)
