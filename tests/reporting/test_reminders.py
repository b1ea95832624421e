"""Reminders that escalate: before the due date the data lead, once late the data lead and the
change leader, a week later their coach too; each step once, on the collaborative's calendar,
and nothing for reports submitted, periods before joining or baseline history."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.models import TeamRole
from convene.notifications import kinds
from convene.notifications.models import Notification
from convene.reporting import reminders
from convene.reporting.models import Report
from tests.factories import make_schedule, make_team, make_user


def _at(year, month, day, hour=12, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _scan(moment):
    with time_machine.travel(moment, tick=False):
        return reminders.scan(moment)


def _told(period=None):
    """(recipient, kind, step) of every reminder so far (of ``period``), counted."""
    return Counter(
        (n.recipient, n.kind, n.key.split(":")[3] if n.kind == "report_overdue" else "")
        for n in Notification.objects.all()
        if period is None or n.key.split(":")[2] == str(period.pk)
    )


def _new(before, period=None):
    return _told(period) - before


@pytest.fixture
def may(world):
    """Monthly reports due 10 days after the month, 5 days' grace, reminders 3 days before,
    the coach told 7 days after a report is late. Both teams joined on 1 May (owing May on)
    and were asked for history from January."""
    for team in (world.team_a, world.team_b):
        team.joined_on = date(2026, 5, 1)
        team.history_from = date(2026, 1, 1)
        team.save()
    make_schedule(world.collaborative, date(2026, 1, 1))
    return world.collaborative.periods.get(starts_on=date(2026, 5, 1))


def test_the_scan_is_registered_for_the_periodic_run():
    assert dict(kinds.scans())["report_reminders"] is reminders.scan


def test_each_step_goes_once_to_exactly_the_right_people(world, may):
    # May is due on 10 June: the data leads are reminded from 7 June, not before.
    assert _scan(_at(2026, 6, 6)) == 0
    assert _scan(_at(2026, 6, 7)) == 2
    assert _told() == Counter(
        {
            (world.data_lead, "report_due_soon", ""): 1,
            (world.other_team, "report_due_soon", ""): 1,  # team B's data lead
        }
    )
    due_soon = Notification.objects.get(recipient=world.data_lead)
    assert due_soon.text == "Eastside clinic's report for May 2026 is due on June 10, 2026."
    assert due_soon.link == reverse(
        "reporting:period-report", args=[world.collaborative.pk, world.team_a.pk, may.pk]
    )
    assert due_soon.team == world.team_a
    assert due_soon.email_state == Notification.EmailState.PENDING

    # Twice the same day, and on the following days up to the end of the grace: nothing new.
    before = _told()
    for day in (7, 8, 10, 11, 15):
        assert _scan(_at(2026, 6, day)) == 0
    assert _told() == before

    # Late (after the 15th): the data lead and the change leader.
    assert _scan(_at(2026, 6, 16)) == 3
    assert _new(before) == Counter(
        {
            (world.data_lead, "report_overdue", "late"): 1,
            (world.leader, "report_overdue", "late"): 1,
            (world.other_team, "report_overdue", "late"): 1,
        }
    )
    late = Notification.objects.get(recipient=world.leader)
    assert (
        late.text == "Eastside clinic's report for May 2026 is late: it was due on June 10, 2026."
    )

    before = _told()
    for day in (16, 17, 22):
        assert _scan(_at(2026, 6, day)) == 0
    assert _told() == before

    # A week after it became late: the same people again, and the team's coach.
    assert _scan(_at(2026, 6, 23)) == 5
    assert _new(before) == Counter(
        {
            (world.data_lead, "report_overdue", "escalated"): 1,
            (world.leader, "report_overdue", "escalated"): 1,
            (world.coach, "report_overdue", "escalated"): 1,
            (world.other_team, "report_overdue", "escalated"): 1,
            (world.other_coach, "report_overdue", "escalated"): 1,
        }
    )
    coach = Notification.objects.get(recipient=world.coach)
    assert coach.text == (
        "Eastside clinic's report for May 2026 is still missing, 13 days after it was due on "
        "June 10, 2026."
    )
    assert coach.email_state == Notification.EmailState.PENDING
    before = _told()
    for day in (23, 24, 30):
        assert _scan(_at(2026, 6, day)) == 0
    assert _told() == before
    # Nobody else heard anything: not the host, the sponsor, the members, other teams.
    told = {person for person, _kind, _step in _told()}
    assert told == {world.data_lead, world.leader, world.coach, world.other_team, world.other_coach}


def test_nothing_is_sent_once_the_report_is_submitted(world, may):
    _scan(_at(2026, 6, 7))
    with time_machine.travel(_at(2026, 6, 12), tick=False):
        Report.objects.create(team=world.team_a, period=may).submit(world.data_lead, None)
    before = _told()
    for day in (16, 23, 30):
        _scan(_at(2026, 6, day))
    # Only team B, which has not submitted, hears more.
    assert {person for person, _kind, _step in _new(before)} == {
        world.other_team,
        world.other_coach,
    }


def test_a_draft_is_not_a_submission(world, may):
    Report.objects.create(team=world.team_a, period=may, changes_tested="Half done")
    _scan(_at(2026, 6, 16))
    assert (world.leader, "report_overdue", "late") in _told()


def test_a_reopened_report_is_owed_again_with_fresh_grace(world, may):
    with time_machine.travel(_at(2026, 6, 9), tick=False):
        report = Report.objects.create(team=world.team_a, period=may)
        report.submit(world.data_lead, None)
    _scan(_at(2026, 6, 23))
    assert not [k for k in _told(may) if k[0] == world.data_lead]
    with time_machine.travel(_at(2026, 7, 1), tick=False):
        report.reopen(world.host)
    # Reopened on 1 July: late only after 6 July, and then from the first step again.
    assert _scan(_at(2026, 7, 6)) == 0
    before = _told(may)
    _scan(_at(2026, 7, 7))
    assert _new(before, may) == Counter(
        {
            (world.data_lead, "report_overdue", "late"): 1,
            (world.leader, "report_overdue", "late"): 1,
        }
    )
    # Submitted again: nothing more.
    with time_machine.travel(_at(2026, 7, 8), tick=False):
        report.submit(world.data_lead, None)
    before = _told(may)
    _scan(_at(2026, 7, 20))
    assert not [k for k in _new(before, may) if k[0] in (world.data_lead, world.coach)]


def test_nothing_for_periods_before_joining_or_baseline_history(world, may):
    # January to April are history for both teams (asked, never owed); the months before a
    # late joiner joined are not even asked. None of them is reminded.
    late_joiner = make_team(world.collaborative, "Northside", joined_on=date(2026, 6, 15))
    lead = make_user("Northside Lead")
    late_joiner.add_member(lead, TeamRole.DATA_LEAD)
    for day in ((5, 7), (5, 16), (5, 23), (6, 7), (6, 16), (6, 23)):
        _scan(_at(2026, *day))
    april = world.collaborative.periods.get(starts_on=date(2026, 4, 1))
    assert not Notification.objects.filter(key__contains=f":{april.pk}").exists()
    assert not Notification.objects.filter(recipient=lead).exists()  # May was before it joined
    # June is the late joiner's first period: it is reminded of that one.
    _scan(_at(2026, 7, 7))
    assert Notification.objects.get(recipient=lead).kind == "report_due_soon"


def test_no_reminder_before_the_due_date_when_the_host_sets_zero_days(world, may):
    world.collaborative.schedule.remind_days_before = 0
    world.collaborative.schedule.save()
    for day in (7, 8, 9, 10, 15):
        assert _scan(_at(2026, 6, day)) == 0
    assert _scan(_at(2026, 6, 16)) == 3  # the late step still goes


def test_reminders_follow_the_collaboratives_calendar_around_midnight(world, may):
    # In Auckland (12 hours ahead in June) 7 June begins at noon UTC on 6 June.
    world.collaborative.time_zone = "Pacific/Auckland"
    world.collaborative.save()
    assert _scan(_at(2026, 6, 6, 11, 59)) == 0
    assert _scan(_at(2026, 6, 6, 12, 1)) == 2
    # Late from 16 June in Auckland: 15 June, noon UTC.
    assert _scan(_at(2026, 6, 15, 11, 59)) == 0
    assert _scan(_at(2026, 6, 15, 12, 1)) == 3


def test_reminders_follow_the_calendar_across_a_change_of_clocks(world):
    # New Zealand's clocks go forward on 27 September 2026 (UTC+12 to UTC+13). August's
    # report, due 10 September with 16 days' grace, is late from 27 September and reaches
    # its coach on 28 September, which begins at 11:00 UTC on the 27th, not at noon.
    world.collaborative.time_zone = "Pacific/Auckland"
    world.collaborative.save()
    make_schedule(world.collaborative, date(2026, 8, 1), grace_days=16, escalate_after_days=1)
    before = _told()
    _scan(_at(2026, 9, 26, 12, 30))  # 27 September, 00:30 in Auckland
    assert (world.coach, "report_overdue", "escalated") not in _told()
    assert (world.leader, "report_overdue", "late") in _new(before)
    assert _scan(_at(2026, 9, 27, 10, 59)) == 0  # 23:59 on the 27th, daylight time
    _scan(_at(2026, 9, 27, 11, 1))  # 00:01 on the 28th
    assert (world.coach, "report_overdue", "escalated") in _told()


def test_a_deleted_team_or_collaborative_is_not_reminded(world, may):
    world.team_b.soft_delete(world.host)
    assert _scan(_at(2026, 6, 7)) == 1  # team A's data lead only
    world.collaborative.deleted_at = _at(2026, 6, 8)
    world.collaborative.save()
    assert _scan(_at(2026, 6, 16)) == 0


def test_periods_long_past_are_left_alone(world, may):
    # A first run in December: May, June... were due long ago; only those due within 90 days
    # (September on) are reminded.
    _scan(_at(2026, 12, 20))
    periods = {n.key.split(":")[2] for n in Notification.objects.all()}
    starts = sorted(
        world.collaborative.periods.filter(pk__in=periods).values_list("starts_on", flat=True)
    )
    assert starts[0] == date(2026, 9, 1)


def _teams_with_people(collaborative, count):
    for n in range(count):
        team = make_team(collaborative, f"Team {n}", joined_on=date(2026, 5, 1))
        team.add_member(make_user(), TeamRole.DATA_LEAD)
        team.add_member(make_user(), TeamRole.CHANGE_LEADER)
        team.assign_coach(make_user())


def _queries(moment):
    with CaptureQueriesContext(connection) as queries:
        _scan(moment)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_teams_or_periods(world, may):
    # Late on 1 August: May and June escalated, July due soon.
    moment = _at(2026, 8, 8)
    _scan(moment)
    few = _queries(moment)
    _teams_with_people(world.collaborative, 8)
    sent = _scan(moment)
    assert sent == 8 * (3 + 3 + 1)  # May and June to leads and coach, July to the data lead
    assert _queries(moment) == few


def test_a_team_waiting_for_its_trial_run_is_not_reminded_of_reports_it_cannot_send(world, may):
    from convene.trials.models import TrialRun

    schedule = world.collaborative.schedule
    schedule.trial_run = "required"
    schedule.save()
    TrialRun.objects.create(team=world.team_a, status=TrialRun.Status.ACCEPTED)
    TrialRun.objects.create(team=world.team_b, status=TrialRun.Status.SUBMITTED)
    _scan(_at(2026, 6, 7))
    assert set(_told()) == {(world.data_lead, "report_due_soon", "")}
