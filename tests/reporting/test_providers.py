"""What reports and trial runs put on a person's to-do list and in the "who is slipping" rows,
as the home page and "My teams" collect them through the registered providers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.access import accesses_in
from convene.collaboratives.models import Collaborative, TeamRole
from convene.collaboratives.providers import signal_providers, to_do_providers
from convene.measures.models import ReportingSchedule
from convene.reporting.models import Feedback, ProgressScore, Report
from convene.trials.models import TrialRun
from tests.factories import make_collaborative, make_schedule, make_team, make_user


def _at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=UTC)


def to_do_of(user):
    collaboratives = list(Collaborative.objects.all())
    accesses = accesses_in(user, collaboratives)
    return [item for _name, provider in to_do_providers() for item in provider(user, accesses)]


def signals_of(world, teams=None, person=None):
    collaborative = world.collaborative
    teams = teams or list(collaborative.teams.all())
    access = accesses_in(person or world.coach, [collaborative])[collaborative.pk]
    cells: dict[int, dict[str, object]] = {team.pk: {} for team in teams}
    for _name, provider in signal_providers():
        for team_id, signals in provider(collaborative, teams, access).items():
            for signal in signals:
                cells[team_id][signal.column] = signal
    return cells


def _period(world, month):
    return world.collaborative.periods.get(starts_on=date(2026, month, 1))


def _period_url(world, team, month):
    args = [world.collaborative.pk, team.pk, _period(world, month).pk]
    return reverse("reporting:period-report", args=args)


def _submit(world, team, month, on, by=None):
    with time_machine.travel(on, tick=False):
        report = Report.objects.create(team=team, period=_period(world, month))
        report.submit(by or world.data_lead, world.collaborative.schedule)
    return report


@pytest.fixture
def may(world):
    """Both teams joined on 1 May (owing May on, history before); May is due on 10 June."""
    for team in (world.team_a, world.team_b):
        team.joined_on = date(2026, 5, 1)
        team.history_from = date(2026, 1, 1)
        team.save()
    make_schedule(world.collaborative, date(2026, 1, 1))
    return _period(world, 5)


def test_the_data_lead_is_asked_for_the_report_from_the_reminder_on(world, may):
    with time_machine.travel(_at(2026, 6, 6), tick=False):
        assert not [i for i in to_do_of(world.data_lead) if i.kind == "submit_report"]
    with time_machine.travel(_at(2026, 6, 8), tick=False):
        (item,) = to_do_of(world.data_lead)
    assert item.text == "Submit Eastside clinic's report for May 2026"
    assert item.link == _period_url(world, world.team_a, 5)
    assert item.due_on == date(2026, 6, 10)
    assert not item.is_overdue
    assert item.collaborative == world.collaborative
    with time_machine.travel(_at(2026, 6, 11), tick=False):
        (item,) = to_do_of(world.data_lead)
    assert item.is_overdue
    # Any member of the team may submit it; nobody outside the team is asked.
    with time_machine.travel(_at(2026, 6, 11), tick=False):
        assert [i.text for i in to_do_of(world.member)] == [item.text]
        for person in (world.host, world.coach, world.other_team, world.outsider):
            assert item.text not in [i.text for i in to_do_of(person)]
    # Submitted, it is done; history periods were never asked.
    _submit(world, world.team_a, 5, _at(2026, 6, 12))
    with time_machine.travel(_at(2026, 6, 12), tick=False):
        assert to_do_of(world.data_lead) == []


def test_the_coach_is_asked_for_feedback_on_her_teams_reports(world, may):
    report = _submit(world, world.team_a, 5, _at(2026, 6, 9))
    _submit(world, world.team_b, 5, _at(2026, 6, 9), by=world.other_team)
    with time_machine.travel(_at(2026, 6, 12), tick=False):
        (item,) = to_do_of(world.coach)
        assert item.text == "Give feedback on Eastside clinic's report for May 2026"
        assert item.link == _period_url(world, world.team_a, 5)
        assert item.kind == "give_feedback"
        Feedback.objects.create(report=report, author=world.coach, text="Well done.")
        assert to_do_of(world.coach) == []
        assert [i.text for i in to_do_of(world.other_coach)] == [
            "Give feedback on Valley clinic's report for May 2026"
        ]


def test_reviewers_are_asked_to_review_sent_trial_runs(world, may):
    TrialRun.objects.create(team=world.team_a, status=TrialRun.Status.SUBMITTED)
    TrialRun.objects.create(team=world.team_b, status=TrialRun.Status.DRAFT)
    with time_machine.travel(_at(2026, 6, 1), tick=False):
        for person in (world.host, world.planning):
            (item,) = to_do_of(person)
            assert item.text == "Review Eastside clinic's trial run"
            assert item.link == reverse(
                "trials:trial", args=[world.collaborative.pk, world.team_a.pk]
            )
        assert to_do_of(world.coach) == []
        assert to_do_of(world.faculty) == []


def _busy_person(count):
    """A data lead of ``count`` teams, each in a collaborative of its own with overdue reports,
    who coaches another team there with reports awaiting feedback and hosts it too."""
    person = make_user("Busy")
    for n in range(count):
        collaborative = make_collaborative(f"Collaborative {n}")
        make_schedule(collaborative, date(2026, 1, 1))
        own = make_team(collaborative, f"Own {n}")
        own.add_member(person, TeamRole.DATA_LEAD)
        coached = make_team(collaborative, f"Coached {n}")
        coached.assign_coach(person)
        collaborative.add_member(person, "host_admin")
        for period in collaborative.periods.filter(starts_on__lt=date(2026, 4, 1)):
            Report.objects.create(team=coached, period=period).submit(person, None)
        TrialRun.objects.create(team=coached, status=TrialRun.Status.SUBMITTED)
    return person


def _counted(function, *args):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args)
    return len(queries), result


def test_the_to_do_list_takes_a_fixed_number_of_queries(db):
    with time_machine.travel(_at(2026, 6, 20), tick=False):
        one = _busy_person(1)
        four = _busy_person(4)
        accesses_one = accesses_in(one, list(Collaborative.objects.all()))
        accesses_four = accesses_in(four, list(Collaborative.objects.all()))
        few, items_one = _counted(_all_to_do, one, accesses_one)
        many, items_four = _counted(_all_to_do, four, accesses_four)
    assert len(items_four) == 4 * len(items_one) > 0
    assert many == few


def _all_to_do(user, accesses):
    return [item for _name, provider in to_do_providers() for item in provider(user, accesses)]


@pytest.fixture
def history(world):
    """Teams joined at the start (January); on 20 June January to May are past their grace.
    Team A sent January on time, February 3 days late, and May on time; March and April are
    missing; the coach answered January only; its score fell from 3.0 in April to 2.5 in May.
    The trial run is required: team A's was accepted, team B never sent one."""
    make_schedule(world.collaborative, date(2026, 1, 1), trial_run="required")
    team = world.team_a
    january = _submit(world, team, 1, _at(2026, 2, 9))
    _submit(world, team, 2, _at(2026, 3, 18))  # due 10 March, late after the 15th
    _submit(world, team, 5, _at(2026, 6, 14))
    Feedback.objects.create(report=january, author=world.coach, text="Good start.")
    for month, score in ((4, "3.0"), (5, "2.5")):
        ProgressScore.objects.create(
            team=team, period=_period(world, month), rater="team", score=Decimal(score)
        )
    TrialRun.objects.create(team=team, status=TrialRun.Status.ACCEPTED)
    return world


def test_each_team_shows_its_reports_feedback_score_and_trial(history):
    world = history
    with time_machine.travel(_at(2026, 6, 20), tick=False):
        cells = signals_of(world)
    a, b = cells[world.team_a.pk], cells[world.team_b.pk]

    assert a["last_report"].text == "May 2026 · on time"
    assert a["last_report"].link == _period_url(world, world.team_a, 5)
    assert b["last_report"].text == "None yet"

    assert a["missed_reports"].text == "2 reports missed"
    assert a["missed_reports"].slipping == "2 reports missed"
    assert a["missed_reports"].link == _period_url(world, world.team_a, 3)  # the oldest
    assert b["missed_reports"].text == "5 reports missed"
    assert b["missed_reports"].weight > a["missed_reports"].weight > 0

    assert a["awaiting_feedback"].text == "2 reports awaiting feedback"
    assert a["awaiting_feedback"].slipping == ""  # the coach's to do, not the team's
    assert a["awaiting_feedback"].link == _period_url(world, world.team_a, 2)
    assert b["awaiting_feedback"].text == "None"

    assert (
        a["progress_score"].text
        == "2.5 · Changes tested, no improvement yet (May 2026), down from 3.0"
    )
    assert a["progress_score"].slipping == "Progress score fell from 3.0 to 2.5"
    assert b["progress_score"].text == "Not scored yet"

    assert a["trial_run"].text == "Accepted" and not a["trial_run"].slipping
    assert b["trial_run"].text == "Not started"
    assert b["trial_run"].slipping == "Trial run not sent"


def test_a_late_report_says_how_late_and_a_coachs_score_counts_first(history):
    world = history
    ProgressScore.objects.create(
        team=world.team_a, period=_period(world, 5), rater="coach", score=Decimal("3.5")
    )
    Report.objects.filter(team=world.team_a, period=_period(world, 5)).delete()
    with time_machine.travel(_at(2026, 6, 20), tick=False):
        a = signals_of(world)[world.team_a.pk]
    assert a["last_report"].text == "February 2026 · 3 days late"
    assert a["missed_reports"].text == "3 reports missed"
    assert a["progress_score"].text == "3.5 · Improvement (May 2026), up from 3.0"
    assert not a["progress_score"].slipping


def test_a_trial_is_not_slipping_before_the_first_report_is_due(world):
    make_schedule(world.collaborative, date(2026, 1, 1), trial_run="required")
    with time_machine.travel(_at(2026, 2, 10), tick=False):
        assert not signals_of(world)[world.team_b.pk]["trial_run"].slipping
    with time_machine.travel(_at(2026, 2, 11), tick=False):
        assert signals_of(world)[world.team_b.pk]["trial_run"].slipping
    ReportingSchedule.objects.update(trial_run="offered")
    with time_machine.travel(_at(2026, 2, 11), tick=False):
        assert not signals_of(world)[world.team_b.pk]["trial_run"].slipping


def test_the_signals_take_a_fixed_number_of_queries(history):
    world = history
    with time_machine.travel(_at(2026, 6, 20), tick=False):
        few, _cells = _counted(signals_of, world)
        for n in range(8):
            team = make_team(world.collaborative, f"Team {n}")
            _submit(world, team, 1, _at(2026, 2, 20))
            ProgressScore.objects.create(
                team=team, period=_period(world, 1), rater="team", score=Decimal("1.0")
            )
            TrialRun.objects.create(team=team, status=TrialRun.Status.SUBMITTED)
        many, cells = _counted(signals_of, world)
    assert len(cells) == 10
    assert many == few


def test_a_team_waiting_for_its_trial_run_is_not_asked_for_reports(world, may):
    ReportingSchedule.objects.update(trial_run="required")
    with time_machine.travel(_at(2026, 6, 11), tick=False):
        assert to_do_of(world.data_lead) == []
        TrialRun.objects.create(team=world.team_a, status=TrialRun.Status.EXCUSED)
        assert [i.kind for i in to_do_of(world.data_lead)] == ["submit_report"]
