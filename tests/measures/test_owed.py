"""What a team owes: the periods from the one it joined, and baseline history asked apart."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.models import Team
from convene.measures.owed import HISTORY, OWED, owes, owing_teams
from convene.reporting.models import Report

from ..factories import make_collaborative, make_organisation, make_schedule, make_team

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def periods(db):
    """A collaborative from 1 January 2026, its schedule from January 2025 (a year of
    baseline history); every month by its start."""
    collaborative = make_collaborative()
    make_schedule(collaborative, date(2025, 1, 1), baseline_periods=12)
    return {p.starts_on: p for p in collaborative.periods.all()}


def _collaborative(periods):
    return next(iter(periods.values())).collaborative


def test_a_team_that_joins_late_owes_from_the_month_it_joined_and_no_history(periods):
    late = make_team(_collaborative(periods), joined_on=date(2026, 9, 15))
    assert owes(late, periods[date(2026, 9, 1)]) == OWED  # the month it joined in
    assert owes(late, periods[date(2026, 10, 1)]) == OWED
    assert owes(late, periods[date(2026, 8, 1)]) is None  # not missing: not owed
    assert owes(late, periods[date(2025, 3, 1)]) is None


def test_a_host_may_ask_a_late_team_for_baseline_history_counted_apart(periods):
    late = make_team(
        _collaborative(periods), joined_on=date(2026, 9, 15), history_from=date(2026, 3, 1)
    )
    assert owes(late, periods[date(2026, 3, 1)]) == HISTORY
    assert owes(late, periods[date(2026, 8, 1)]) == HISTORY
    assert owes(late, periods[date(2026, 2, 1)]) is None
    assert owes(late, periods[date(2026, 9, 1)]) == OWED


def test_a_founding_team_owes_from_the_start_and_is_asked_for_the_history_before(periods):
    founding = make_team(_collaborative(periods))  # joins at the start, 1 January 2026
    assert owes(founding, periods[date(2026, 1, 1)]) == OWED
    assert owes(founding, periods[date(2025, 12, 1)]) == HISTORY
    assert owes(founding, periods[date(2025, 1, 1)]) == HISTORY


def test_every_team_and_period_at_once_without_a_query(periods, django_assert_num_queries):
    collaborative = _collaborative(periods)
    make_team(collaborative, "Founding")
    make_team(collaborative, "Late", joined_on=date(2026, 9, 15))
    teams = list(collaborative.teams.all())
    listed = list(periods.values())
    with django_assert_num_queries(0):
        owing = owing_teams(teams, listed)
    assert {team.name: owing[periods[date(2026, 8, 1)].pk][team.pk] for team in teams} == {
        "Founding": OWED,
        "Late": None,
    }


def test_a_team_added_before_the_start_joins_at_the_start_and_later_today(db):
    upcoming = make_collaborative(start_on=date(2027, 2, 1), end_on=date(2027, 12, 31))
    team = Team.objects.create(
        collaborative=upcoming, organisation=make_organisation(), name="Early"
    )
    assert team.joined_on == date(2027, 2, 1)
    running = make_collaborative()
    team = Team.objects.create(collaborative=running, organisation=make_organisation(), name="Late")
    assert team.joined_on == date(2026, 11, 20)


def test_the_team_form_offers_the_start_and_refuses_history_after_joining(client, world):
    world.collaborative.start_on = date(2027, 1, 4)
    world.collaborative.end_on = date(2027, 12, 31)
    world.collaborative.save()
    client.force_login(world.host)
    url = reverse("collaboratives:add-team", args=[world.collaborative.pk])
    assert 'value="2027-01-04"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Lakeview team",
            "new_organisation": "Lakeview Health",
            "joined_on": "2027-03-01",
            "history_from": "2027-05-01",
        },
    )
    assert response.status_code == 200
    assert "Baseline history comes before the date the team joined." in response.content.decode()
    response = client.post(
        url,
        {
            "name": "Lakeview team",
            "new_organisation": "Lakeview Health",
            "joined_on": "2027-03-01",
            "history_from": "2026-09-01",
        },
    )
    team = world.collaborative.teams.get(name="Lakeview team")
    assert response.status_code == 302
    assert (team.joined_on, team.history_from) == (date(2027, 3, 1), date(2026, 9, 1))
    page = client.get(reverse("collaboratives:team", args=[world.collaborative.pk, team.pk]))
    assert "baseline history asked from 1 Sep 2026" in page.content.decode()


def test_history_sent_after_its_due_date_is_not_late(periods):
    late = make_team(
        _collaborative(periods), joined_on=date(2026, 9, 15), history_from=date(2026, 3, 1)
    )
    history = Report.objects.create(team=late, period=periods[date(2026, 3, 1)])
    history.submit(None, late.collaborative.schedule)
    owed = Report.objects.create(team=late, period=periods[date(2026, 9, 1)])
    owed.submit(None, late.collaborative.schedule)
    assert (history.is_late, owed.is_late) == (False, True)
