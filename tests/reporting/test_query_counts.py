"""The period page and the feedback queue run a fixed number of queries, however much data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.models import TeamRole
from convene.measures.models import Metric, ReportingSchedule
from convene.reporting.models import Feedback, ProgressScore, Report, Value
from convene.trials.models import TrialRun

from ..factories import make_stratified_metric, make_team, make_user

_grown = count()


@pytest.fixture
def periods(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    return list(world.collaborative.periods.all()[:2])


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow_period(world, period, size: int) -> int:
    """Metrics of every shape (stratified, the team's own), a value on every line with its
    history, feedback on the report, and both progress scores."""
    team = world.team_a
    report, _created = Report.objects.get_or_create(team=team, period=period)
    for _ in range(size):
        index = next(_grown)
        plain = Metric.objects.create(
            collaborative=world.collaborative,
            name=f"Count {index}",
            short_name=f"C{index}",
            conceptual_definition="x",
            kind="count",
            direction="down",
        )
        own = Metric.objects.create(
            collaborative=world.collaborative,
            team=team,
            name=f"Own {index}",
            short_name=f"O{index}",
            conceptual_definition="x",
            kind="count",
            direction="down",
        )
        for metric in (plain, own):
            value = Value.objects.create(
                team=team, metric=metric, period=period, numerator=Decimal(index), note="n"
            )
            value.revise(world.data_lead, "re-run", numerator=Decimal(index + 1))
        by_age = make_stratified_metric(world.collaborative, short_name=f"S{index}")
        for stratum in by_age.stratification.strata.all():
            Value.objects.create(
                team=team,
                metric=by_age,
                period=period,
                stratum=stratum,
                numerator=Decimal(1),
                denominator=Decimal(2),
            )
        Feedback.objects.create(report=report, author=make_user(), text=f"Feedback {index}")
    for rater in ProgressScore.Rater.values:
        ProgressScore.objects.update_or_create(
            team=team,
            period=period,
            rater=rater,
            defaults={"score": Decimal("2.5"), "scored_by": make_user()},
        )
    return index


@pytest.mark.parametrize(("persona", "submitted"), [("data_lead", False), ("coach", True)])
def test_the_period_page_does_not_grow_with_its_lines(client, world, periods, persona, submitted):
    """The data lead gets a form per line; the coach reads a submitted report with feedback."""
    period = periods[0]
    url = reverse(
        "reporting:period-report", args=[world.collaborative.pk, world.team_a.pk, period.pk]
    )
    _grow_period(world, period, 1)
    if submitted:
        Report.objects.get(team=world.team_a, period=period).submit(world.data_lead, None)
    client.force_login(world.people[persona])
    small = _count(client, url)
    last = _grow_period(world, period, 4)
    large = _count(client, url)
    assert large == small, f"{small} queries with few lines, {large} with more"
    page = client.get(url).content.decode()
    assert f"S{last}" in page and f"O{last}" in page
    assert (f"Feedback {last}" in page) == submitted


def _grow_queue(world, periods, size: int) -> None:
    """Teams with submitted reports awaiting feedback, and trial runs awaiting review."""
    for _ in range(size):
        index = next(_grown)
        team = make_team(world.collaborative, f"Grown team {index}")
        team.assign_coach(world.coach)
        lead = make_user()
        team.add_member(lead, TeamRole.DATA_LEAD)
        Report.objects.create(team=team, period=periods[0]).submit(lead, None)
        answered = Report.objects.create(team=team, period=periods[1])
        answered.submit(lead, None)
        Feedback.objects.create(report=answered, author=world.faculty, text="Done")
        TrialRun.objects.create(team=team, status=TrialRun.Status.SUBMITTED)


@pytest.mark.parametrize("persona", ["host", "faculty", "coach"])
def test_the_feedback_queue_does_not_grow_with_the_reports(client, world, periods, persona):
    url = reverse("reporting:feedback-queue", args=[world.collaborative.pk])
    client.force_login(world.people[persona])
    _grow_queue(world, periods, 2)
    small = _count(client, url)
    _grow_queue(world, periods, 6)
    large = _count(client, url)
    assert large == small, f"{small} queries with few reports, {large} with more"
    assert client.get(url).content.decode().count("Read and give feedback") == 8
