"""Progress scores: the team rates itself each month, its coach rates it too; both are charted."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.measures.models import ReportingSchedule
from convene.reporting.models import ProgressScore, Report

NOW = datetime(2026, 5, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _may_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def periods(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    return list(world.collaborative.periods.all())


def _score_url(world, team, period, rater):
    return reverse(
        "reporting:progress-score", args=[world.collaborative.pk, team.pk, period.pk, rater]
    )


def _period_page(client, world, team, period):
    url = reverse("reporting:period-report", args=[world.collaborative.pk, team.pk, period.pk])
    return client.get(url).content.decode()


def test_the_team_rates_itself_and_the_coach_rates_the_team(client, world, periods):
    march = periods[2]
    client.force_login(world.data_lead)
    page = _period_page(client, world, world.team_a, march)
    assert "Modest improvement" in page  # the scale is listed with its steps
    response = client.post(
        _score_url(world, world.team_a, march, "team"),
        {"team-score": "2.5", "team-note": "First PDSA cycles on repeat readings."},
    )
    assert response.status_code == 302
    client.force_login(world.coach)
    client.post(_score_url(world, world.team_a, march, "coach"), {"coach-score": "2.0"})

    client.force_login(world.data_lead)
    page = _period_page(client, world, world.team_a, march)
    assert "Changes tested, no improvement yet" in page
    assert "Activity, but no changes" in page  # the coach's score, shown to the team
    assert "First PDSA cycles on repeat readings." in page
    team_score = ProgressScore.objects.get(rater="team")
    assert (team_score.score, team_score.scored_by) == (Decimal("2.5"), world.data_lead)


def test_each_rater_may_give_only_their_own_score(client, world, periods):
    march = periods[2]
    client.force_login(world.data_lead)
    coach_url = _score_url(world, world.team_a, march, "coach")
    assert client.post(coach_url, {"coach-score": "5.0"}).status_code == 403
    client.force_login(world.coach)
    team_url = _score_url(world, world.team_a, march, "team")
    assert client.post(team_url, {"team-score": "5.0"}).status_code == 403
    client.force_login(world.other_team)
    assert client.post(team_url, {"team-score": "5.0"}).status_code in (403, 404)
    assert not ProgressScore.objects.exists()
    other = _score_url(world, world.team_a, march, "judge")
    client.force_login(world.host)
    assert client.post(other, {"judge-score": "1.0"}).status_code == 404


def _period_url(world, team, period):
    return reverse("reporting:period-report", args=[world.collaborative.pk, team.pk, period.pk])


def test_a_score_chosen_before_submitting_is_submitted_with_the_report(client, world, periods):
    """The score is part of the report's form: choosing one, then pressing "Submit the report",
    keeps it."""
    march = periods[2]
    client.force_login(world.data_lead)
    page = _period_page(client, world, world.team_a, march)
    form = page[page.index('<form method="post" novalidate>') :]
    form = form[: form.index("</form>")]
    assert 'name="team-score"' in form and "Submit the report" in form  # one form
    response = client.post(
        _period_url(world, world.team_a, march),
        {"team-score": "3.0", "team-note": "Cuff audit under way.", "action": "submit"},
    )
    assert response.status_code == 302
    assert Report.objects.get().is_locked
    score = ProgressScore.objects.get(rater="team")
    assert (score.score, score.note, score.scored_by) == (
        Decimal("3.0"),
        "Cuff audit under way.",
        world.data_lead,
    )
    assert "Modest improvement" in _period_page(client, world, world.team_a, march)


def test_a_half_typed_score_refuses_the_submission_and_keeps_what_was_typed(client, world, periods):
    march = periods[2]
    client.force_login(world.data_lead)
    response = client.post(
        _period_url(world, world.team_a, march),
        {"team-note": "Half typed", "action": "submit", "report-challenges": "Staffing"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a score for your note, or clear the note." in body
    assert "Half typed" in body and "Staffing" in body
    assert not Report.objects.exists() and not ProgressScore.objects.exists()


def test_a_draft_without_a_score_stores_none(client, world, periods):
    client.force_login(world.data_lead)
    url = _period_url(world, world.team_a, periods[2])
    assert client.post(url, {"action": "draft"}).status_code == 302
    assert Report.objects.exists() and not ProgressScore.objects.exists()


def test_a_stale_score_refuses_the_whole_report(client, world, periods):
    march = periods[2]
    client.force_login(world.leader)
    client.post(_score_url(world, world.team_a, march, "team"), {"team-score": "2.0"})
    client.force_login(world.data_lead)
    response = client.post(
        _period_url(world, world.team_a, march),
        {"team-score": "3.5", "team-version": "0", "action": "submit"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "saved the team&#x27;s score meanwhile: 2.0" in body
    assert not Report.objects.filter(status="submitted").exists()
    assert ProgressScore.objects.get().score == Decimal("2.0")
    version = re.search(r'name="team-version" value="(\d+)"', body).group(1)
    again = {"team-score": "3.5", "team-version": version, "action": "submit"}
    assert client.post(_period_url(world, world.team_a, march), again).status_code == 302
    assert ProgressScore.objects.get().score == Decimal("3.5")


def test_a_team_scores_a_submitted_month_and_every_change_keeps_a_revision(client, world, periods):
    march = periods[2]
    Report.objects.create(team=world.team_a, period=march).submit(world.data_lead, None)
    client.force_login(world.data_lead)
    page = _period_page(client, world, world.team_a, march)
    assert 'name="team-score"' in page and "Save the score" in page
    url = _score_url(world, world.team_a, march, "team")
    assert client.post(url, {"team-score": "2.5", "team-note": "First"}).status_code == 302
    client.force_login(world.leader)
    client.post(url, {"team-score": "3.0", "team-version": "1"})
    score = ProgressScore.objects.get(rater="team")
    assert (score.score, score.scored_by, score.version) == (Decimal("3.0"), world.leader, 2)
    [old] = score.revisions.all()
    assert (old.score, old.note, old.scored_by, old.replaced_by) == (
        Decimal("2.5"),
        "First",
        world.data_lead,
        world.leader,
    )
    page = _period_page(client, world, world.team_a, march)
    assert "Earlier scores" in page and "Changes tested, no improvement yet" in page
    # The coach still rates a submitted month beside it.
    client.force_login(world.coach)
    coach_url = _score_url(world, world.team_a, march, "coach")
    assert client.post(coach_url, {"coach-score": "3.0"}).status_code == 302


def test_a_score_must_be_chosen_and_the_note_is_kept(client, world, periods):
    client.force_login(world.data_lead)
    response = client.post(
        _score_url(world, world.team_a, periods[2], "team"), {"team-note": "Kept note"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body and "Kept note" in body
    assert not ProgressScore.objects.exists()


def test_a_stale_score_is_not_saved_over_a_newer_one(client, world, periods):
    march = periods[2]
    url = _score_url(world, world.team_a, march, "team")
    client.force_login(world.data_lead)
    client.post(url, {"team-score": "2.0"})
    # Two people open the page at version 1; the team lead saves first.
    client.force_login(world.leader)
    client.post(url, {"team-score": "2.5", "team-version": "1"})
    client.force_login(world.data_lead)
    response = client.post(url, {"team-score": "1.5", "team-version": "1", "team-note": "Mine"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Someone else saved a score for this period" in body and "Mine" in body
    assert ProgressScore.objects.get().score == Decimal("2.5")
    # Saving again from the refreshed form is a deliberate choice, and works.
    version = re.search(r'name="team-version" value="(\d+)"', body).group(1)
    client.post(url, {"team-score": "1.5", "team-version": version})
    assert ProgressScore.objects.get().score == Decimal("1.5")


def _spec(body: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', body)
    assert match, f"no chart {element_id}"
    return json.loads(match.group(1))


def _rate(team, period, rater, score, by):
    ProgressScore.objects.create(
        team=team, period=period, rater=rater, score=Decimal(score), scored_by=by
    )


def test_the_team_dashboard_charts_both_scores(client, world, periods):
    for period, own, coach in zip(
        periods[:3], ["1.0", "1.5", "2.5"], ["1.0", "1.5", "2.0"], strict=True
    ):
        _rate(world.team_a, period, "team", own, world.data_lead)
        _rate(world.team_a, period, "coach", coach, world.coach)
    client.force_login(world.data_lead)
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    body = client.get(url).content.decode()
    rows = _spec(body, "progress-spec")["data"]["values"]
    assert [(r["x"], r["rater"], r["score"]) for r in rows][-2:] == [
        ("2026-03-01T00:00", "team's own score", 2.5),
        ("2026-03-01T00:00", "coach's score", 2.0),
    ]
    assert "March 2026: team's own score 2.5, coach's score 2.0." in body


def test_the_collaborative_dashboard_rolls_the_scores_up(client, world, periods):
    _rate(world.team_a, periods[0], "team", "1.0", world.data_lead)
    _rate(world.team_b, periods[0], "team", "2.0", world.other_team)
    _rate(world.team_a, periods[1], "team", "3.0", world.data_lead)
    client.force_login(world.host)
    body = client.get(reverse("dashboards:dashboard", args=[world.collaborative.pk])).content
    body = body.decode()
    rows = _spec(body, "progress-spec")["data"]["values"]
    assert [(r["x"], r["score"]) for r in rows] == [
        ("2026-01-01T00:00", 1.5),
        ("2026-02-01T00:00", 3.0),
    ]
    # By each team's latest own score: Eastside at 3.0, Valley at 2.0.
    levels = dict(re.findall(r"<tr><td>(\d\.\d)</td><td>[^<]+</td><td>(\d+)</td></tr>", body))
    assert (levels["2.0"], levels["3.0"], levels["1.0"]) == ("1", "1", "0")
