"""The host export's second sheet: every team's and coach's progress scores."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from convene.measures.models import Metric, ReportingSchedule
from convene.reporting.models import ProgressScore, Value

from ..factories import make_team

NOW = datetime(2026, 4, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def periods(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    return list(world.collaborative.periods.order_by("starts_on"))


def _export(client, world):
    response = client.get(reverse("reporting:export", args=[world.collaborative.pk, "xlsx"]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _score(team, period, rater, score, by, note=""):
    return ProgressScore.objects.create(
        team=team, period=period, rater=rater, score=Decimal(score), note=note, scored_by=by
    )


def test_the_xlsx_export_lists_team_and_coach_scores(client, world, periods):
    february, march = periods[1], periods[2]
    _score(world.team_a, march, "team", "2.5", world.data_lead, note="=HYPERLINK(1)")
    _score(world.team_a, march, "coach", "2.0", world.coach, note="Cycles started late.")
    _score(world.team_a, february, "team", "1.5", world.data_lead)
    _score(world.team_b, march, "team", "3.0", None)
    gone = make_team(world.collaborative, "Closed clinic")
    _score(gone, march, "team", "4.0", world.host)
    gone.soft_delete(world.host)
    _score(make_team(world.other_collaborative, "Shelter 2"), march, "team", "1.0", None)

    client.force_login(world.host)
    book = _export(client, world)
    assert book.sheetnames == [
        "Figures",
        "Reports",
        "Progress scores",
        # The improvement app's, registered with lib.sheet_data (reporting may not import it).
        "PDSA cycles",
        "Action plans",
        "Cycle counts",
    ]
    rows = list(book["Progress scores"].iter_rows(values_only=True))
    scored_at = datetime(2026, 4, 20, 12)  # on the collaborative's clock, UTC here
    assert rows == [
        ("team", "period", "rater", "score", "step_name", "note", "scored_by", "scored_at (UTC)"),
        (
            "Eastside clinic",
            datetime(2026, 2, 1),
            "team",
            1.5,
            "Planning has begun",
            None,
            world.data_lead.email,
            scored_at,
        ),
        (
            "Eastside clinic",
            datetime(2026, 3, 1),
            "coach",
            2,
            "Activity, but no changes",
            "Cycles started late.",
            world.coach.email,
            scored_at,
        ),
        (
            "Eastside clinic",
            datetime(2026, 3, 1),
            "team",
            2.5,
            "Changes tested, no improvement yet",
            "=HYPERLINK(1)",  # as typed, a text cell: see test_exports.py
            world.data_lead.email,
            scored_at,
        ),
        (
            "Valley clinic",
            datetime(2026, 3, 1),
            "team",
            3,
            "Modest improvement",
            None,
            None,
            scored_at,
        ),
    ]


def _export_queries(client, world):
    with CaptureQueriesContext(connection) as queries:
        _export(client, world)
    return len(queries)


def _add_team_with_figures(world, periods, metric, name):
    team = make_team(world.collaborative, name)
    for period in periods[:3]:
        Value.objects.create(team=team, metric=metric, period=period, numerator=4)
        _score(team, period, "team", "2.0", world.data_lead, note="Team view")
        _score(team, period, "coach", "1.5", world.coach, note="Coach view")
    return team


def test_the_export_takes_as_many_queries_for_six_teams_as_for_two(
    client, world, periods, django_assert_max_num_queries
):
    metric = Metric.objects.create(
        collaborative=world.collaborative,
        name="Low blood pressure events",
        short_name="Hypotension",
        conceptual_definition="Events",
        kind="count",
        direction="down",
    )
    for team in (world.team_a, world.team_b):
        for period in periods[:3]:
            Value.objects.create(team=team, metric=metric, period=period, numerator=3)
            _score(team, period, "team", "2.5", world.data_lead)
            _score(team, period, "coach", "2.0", world.coach)
    client.force_login(world.host)
    _export(client, world)  # the first request fills caches a later one reuses
    # Session, user, access (4), figures, reports, scores; the improvement app's sheets:
    # cycles, action plans, cycle counts (cycles and teams).
    with django_assert_max_num_queries(13):
        for_two = _export_queries(client, world)

    for index in range(4):
        _add_team_with_figures(world, periods, metric, f"Clinic {index}")
    with django_assert_max_num_queries(13):
        book = _export(client, world)
    assert book["Figures"].max_row == 1 + 6 * 3
    assert book["Progress scores"].max_row == 1 + 6 * 3 * 2
    assert _export_queries(client, world) == for_two
