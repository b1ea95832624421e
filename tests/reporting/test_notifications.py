"""Reporting tells people what happened: the coach hears of a submission, the team's leads of
feedback and of a reopening, never the person who did it, once per event."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from convene.measures.models import Metric, ReportingSchedule
from convene.notifications.models import Notification
from convene.reporting.models import Report

NOW = datetime(2026, 6, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _june_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def metric(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    return Metric.objects.create(
        collaborative=world.collaborative,
        name="Low blood pressure events",
        short_name="Hypotension",
        conceptual_definition="Events",
        kind="count",
        direction="down",
    )


def _may(world):
    return world.collaborative.periods.get(starts_on=date(2026, 5, 1))


def _url(world, name="reporting:period-report"):
    return reverse(name, args=[world.collaborative.pk, world.team_a.pk, _may(world).pk])


def _submit(client, world, metric):
    client.force_login(world.data_lead)
    report = Report.objects.filter(team=world.team_a).first()
    data = {f"line-{metric.pk}-0-numerator": "2", "action": "submit", "reason": "Re-run"}
    if report:
        data["report-version"] = str(report.version)
        data[f"line-{metric.pk}-0-version"] = str(report.team.values.get().version)
    return client.post(_url(world), data)


def _reopen(client, world):
    client.force_login(world.host)
    return client.post(_url(world, "reporting:reopen-report"))


def _told(kind):
    return {n.recipient for n in Notification.objects.filter(kind=kind)}


def test_the_coach_hears_of_a_submission_once_and_again_after_a_reopening(client, world, metric):
    assert _submit(client, world, metric).status_code == 302
    notification = Notification.objects.get(kind="report_submitted")
    assert notification.recipient == world.coach  # team A's coach only, not the data lead
    # May was due on 10 June with five days' grace: on 20 June it came late.
    assert notification.text == "Eastside clinic submitted its report for May 2026, late."
    assert notification.link == _url(world)
    assert notification.team == world.team_a
    # A coach hears of submissions in the daily digest unless she chose otherwise.
    assert notification.email_state == Notification.EmailState.DIGEST

    # A second post of the same submission is refused and tells nobody again.
    assert _submit(client, world, metric).status_code == 403
    assert Notification.objects.filter(kind="report_submitted").count() == 1

    assert _reopen(client, world).status_code == 302
    assert _submit(client, world, metric).status_code == 302
    assert Notification.objects.filter(kind="report_submitted").count() == 2


def test_a_draft_tells_nobody(client, world, metric):
    client.force_login(world.data_lead)
    client.post(_url(world), {f"line-{metric.pk}-0-numerator": "2", "action": "draft"})
    assert not Notification.objects.exists()


def test_feedback_is_told_to_the_leads_and_the_submitter_not_the_coach(client, world, metric):
    _submit(client, world, metric)
    client.force_login(world.coach)
    client.post(_url(world, "reporting:add-feedback"), {"text": "Try the cuff-size audit."})
    assert _told("feedback_given") == {world.data_lead, world.leader}
    notification = Notification.objects.filter(kind="feedback_given").first()
    assert notification.text == "Coach gave feedback on Eastside clinic's report for May 2026."
    assert notification.link == _url(world)
    assert notification.email_state == Notification.EmailState.PENDING


def test_a_member_who_submitted_hears_of_feedback_too(client, world, metric):
    Report.objects.create(team=world.team_a, period=_may(world)).submit(world.member, None)
    client.force_login(world.faculty)
    client.post(_url(world, "reporting:add-feedback"), {"text": "Good month."})
    assert _told("feedback_given") == {world.data_lead, world.leader, world.member}


def test_a_reopening_is_told_to_the_leads_but_not_the_host(client, world, metric):
    _submit(client, world, metric)
    _reopen(client, world)
    assert _told("report_reopened") == {world.data_lead, world.leader}
    notification = Notification.objects.filter(kind="report_reopened").first()
    assert notification.text == (
        "Eastside clinic's report for May 2026 was reopened: it can be changed again."
    )
    assert notification.link == _url(world)


def test_the_text_is_in_each_readers_language(client, world, metric):
    world.leader.language = "es"
    world.leader.save()
    _submit(client, world, metric)
    _reopen(client, world)
    texts = {n.recipient: n.text for n in Notification.objects.filter(kind="report_reopened")}
    assert "May 2026" in texts[world.data_lead]
    assert "mayo" in texts[world.leader].lower(), texts[world.leader]
    assert translation.get_language() in ("en", "en-us")
