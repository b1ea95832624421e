from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.measures.models import ReportingSchedule
from convene.reporting.models import Feedback, Report


@pytest.fixture
def reports(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    period = world.collaborative.periods.first()
    a = Report.objects.create(team=world.team_a, period=period, changes_tested="Repeat readings")
    a.submit(world.data_lead, None)
    b = Report.objects.create(team=world.team_b, period=period)
    b.submit(world.other_team, None)
    return a, b


def _queue(client, person, world):
    client.force_login(person)
    return client.get(reverse("reporting:feedback-queue", args=[world.collaborative.pk]))


def test_coach_sees_own_teams_reports_awaiting_feedback_and_answers(client, world, reports):
    a, _b = reports
    body = _queue(client, world.coach, world).content.decode()
    assert "Eastside clinic" in body and "Valley clinic" not in body
    url = reverse(
        "reporting:add-feedback", args=[world.collaborative.pk, world.team_a.pk, a.period_id]
    )
    client.post(url, {"text": "Try the cuff-size audit next."})
    assert Feedback.objects.get().author == world.coach
    assert (
        "Every submitted report has feedback."
        in _queue(client, world.coach, world).content.decode()
    )
    # The team reads it on its report.
    client.force_login(world.data_lead)
    page = client.get(
        reverse(
            "reporting:period-report", args=[world.collaborative.pk, world.team_a.pk, a.period_id]
        )
    ).content.decode()
    assert "Try the cuff-size audit next." in page
    assert "Send feedback" not in page


def test_faculty_see_every_team_in_the_queue(client, world, reports):
    body = _queue(client, world.faculty, world).content.decode()
    assert "Eastside clinic" in body and "Valley clinic" in body


def test_empty_feedback_is_refused(client, world, reports):
    a, _b = reports
    client.force_login(world.faculty)
    url = reverse(
        "reporting:add-feedback", args=[world.collaborative.pk, world.team_a.pk, a.period_id]
    )
    response = client.post(url, {"text": "   "}, follow=True)
    assert "Write the feedback before sending it." in response.content.decode()
    assert not Feedback.objects.exists()


def test_drafts_take_no_feedback(client, world, reports):
    a, _b = reports
    a.reopen(world.host)
    client.force_login(world.faculty)
    url = reverse(
        "reporting:add-feedback", args=[world.collaborative.pk, world.team_a.pk, a.period_id]
    )
    assert client.post(url, {"text": "Hello"}).status_code == 404


def test_the_queue_puts_the_longest_waiting_first_with_its_days_on_the_collaboratives_clock(
    client, world, reports
):
    """Oldest first, so a waiting report does not sink; days counted where the collaborative
    keeps its dates: at 12:00 UTC Auckland is on the next day, one after 09:00 UTC's report."""
    a, b = reports
    world.collaborative.time_zone = "Pacific/Auckland"
    world.collaborative.save()
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    Report.objects.filter(pk=a.pk).update(submitted_at=now - timedelta(hours=3))
    Report.objects.filter(pk=b.pk).update(submitted_at=now - timedelta(days=9))
    with time_machine.travel(now, tick=False):
        body = _queue(client, world.faculty, world).content.decode()
    assert body.index("Valley clinic") < body.index("Eastside clinic")
    assert "waiting 9 days" in body and "waiting 1 day<" in body
