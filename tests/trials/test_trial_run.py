"""The trial run: five records a host reviews before routine reporting starts."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.measures.models import Metric, ReportingSchedule
from convene.notifications.models import Notification
from convene.reporting.models import Value
from convene.trials.models import TrialAnswer, TrialRecord, TrialReview, TrialRun
from tests.factories import make_stratified_metric, make_team
from tests.typed import typed_values

NOW = datetime(2026, 3, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _march_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def setup(world):
    """A schedule requiring the trial; a stratified proportion, a rate and a continuous value."""
    schedule = ReportingSchedule.objects.create(
        collaborative=world.collaborative,
        first_period_on=date(2026, 1, 1),
        trial_run=ReportingSchedule.TrialRule.REQUIRED,
    )
    schedule.sync_periods()
    bp = make_stratified_metric(world.collaborative, ("18–44", "45–64", "65+"), position=0)
    visits = Metric.objects.create(
        collaborative=world.collaborative,
        name="Emergency visits",
        short_name="ED visits",
        conceptual_definition="Emergency visits per 100 patient-months",
        kind=Metric.Kind.RATE,
        rate_per=100,
        direction=Metric.Direction.DOWN,
        position=1,
    )
    days = Metric.objects.create(
        collaborative=world.collaborative,
        name="Days to first appointment",
        short_name="Days to appt",
        conceptual_definition="Days from referral to first visit",
        kind=Metric.Kind.CONTINUOUS,
        unit="days",
        direction=Metric.Direction.DOWN,
        position=2,
    )
    world.metrics = (bp, visits, days)
    world.period = world.collaborative.periods.get(starts_on=date(2026, 2, 1))
    return world


def _text(response) -> str:
    """The page as a reader sees it: tags out, spaces collapsed."""
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":")
    return unescape(text)


def _url(world, name="trials:trial", team=None):
    return reverse(name, args=[world.collaborative.pk, (team or world.team_a).pk])


def _records(world, count=5, **overrides):
    """A complete answer sheet: record i is in BP's numerator when i is odd."""
    bp, visits, days = world.metrics
    groups = list(bp.stratification.strata.all())
    data = {"questions": "Is a reading from the nurse's note enough?"}
    for i in range(1, count + 1):
        data[f"record-{i}-reference"] = f"EF-{1000 + i}"
        data[f"record-{i}-m{bp.pk}"] = "num" if i % 2 else "den"
        data[f"record-{i}-m{bp.pk}_group"] = str(groups[i % 3].pk)
        data[f"record-{i}-m{visits.pk}_numerator"] = "1" if i == 2 else "0"
        data[f"record-{i}-m{visits.pk}_denominator"] = "1"
        data[f"record-{i}-m{days.pk}_numerator"] = str(10 * i)
    data.update(overrides)
    return data


def _send(client, world, **overrides):
    trial = TrialRun.objects.filter(team=world.team_a).first()
    data = {**_records(world), "action": "submit", **overrides}
    if trial:
        data["version"] = str(trial.version)
    return client.post(_url(world), data)


def _cell(client, world, numerator="12", denominator="20"):
    bp_free = world.metrics[1]  # the rate: entered in the grid, not by group
    url = reverse(
        "reporting:save-cell",
        args=[world.collaborative.pk, world.team_a.pk, bp_free.pk, world.period.pk],
    )
    return client.post(url, {"numerator": numerator, "denominator": denominator})


def test_routine_figures_wait_for_an_accepted_trial(client, setup):
    world = setup
    client.force_login(world.data_lead)
    page = client.get(
        reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])
    )
    text = page.content.decode()
    assert "Routine reporting opens when a host accepts your team&#x27;s trial run" in text
    assert 'name="numerator"' not in text  # the grid is read-only meanwhile

    _cell(client, world)
    assert not Value.objects.exists()

    # Draft, then send; the hosts are told.
    response = client.post(_url(world), {**_records(world, count=2), "action": "save"})
    assert response.status_code == 302
    trial = TrialRun.objects.get(team=world.team_a)
    assert trial.status == TrialRun.Status.DRAFT
    assert TrialRecord.objects.filter(trial=trial).exclude(reference="").count() == 2
    assert not Notification.objects.exists()  # a draft tells nobody
    response = _send(client, world)
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status == TrialRun.Status.SUBMITTED
    assert trial.submitted_by == world.data_lead
    sent = Notification.objects.filter(kind="trial_submitted")
    assert {n.recipient for n in sent} == {world.host, world.planning}
    for notification in sent:
        assert notification.text == "Eastside clinic sent its trial run: it awaits your review."
        assert notification.link == _url(world)
        assert notification.team == world.team_a
        assert notification.email_state == Notification.EmailState.PENDING

    # Sent: the team can no longer change it, and still cannot report.
    assert client.post(_url(world), _records(world)).status_code == 403
    _cell(client, world)
    assert not Value.objects.exists()

    # The host returns it with a comment; the team's leads hear of it.
    client.force_login(world.host)
    review = _url(world, "trials:review-trial")
    response = client.post(review, {"decision": "returned", "version": trial.version})
    assert response.status_code == 400
    assert "Tell the team why." in response.content.decode()
    comment = "Record 3 counts a reading from January: use the latest one in February."
    response = client.post(
        review, {"decision": "returned", "comment": comment, "version": trial.version}
    )
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status == TrialRun.Status.RETURNED
    decided = Notification.objects.filter(kind="trial_reviewed")
    # The leads (the data lead sent it), not the host who decided.
    assert {n.recipient for n in decided} == {world.data_lead, world.leader}
    assert decided[0].text == f"Eastside clinic's trial run was returned with a comment: {comment}"
    assert decided[0].link == _url(world)
    assert decided[0].email_state == Notification.EmailState.PENDING

    # The team reads the comment, corrects record 3 and sends it again.
    client.force_login(world.data_lead)
    assert comment in client.get(_url(world)).content.decode()
    days_of_record_3 = f"record-3-m{world.metrics[2].pk}_numerator"
    assert _send(client, world, **{days_of_record_3: "12"}).status_code == 302
    trial.refresh_from_db()
    assert trial.status == TrialRun.Status.SUBMITTED
    # Sent again: the reviewers hear of it again.
    assert Notification.objects.filter(kind="trial_submitted", recipient=world.host).count() == 2

    client.force_login(world.host)
    client.post(review, {"decision": "accepted", "version": trial.version})
    trial.refresh_from_db()
    assert trial.status == TrialRun.Status.ACCEPTED
    assert [r.decision for r in trial.reviews.all()] == ["accepted", "returned"]

    # Routine reporting is open.
    client.force_login(world.data_lead)
    _cell(client, world)
    assert Value.objects.get(team=world.team_a).numerator == 12
    page = client.get(_url(world)).content.decode()
    assert "Accepted" in page and comment in page  # the whole conversation stays
    # The records the host returned are kept with the return, as they were then.
    returned = trial.reviews.get(decision="returned")
    days = {r["reference"]: r["answers"][2]["text"] for r in returned.records}
    assert days["EF-1003"] == "30"
    assert "The records as they were reviewed" in page
    accepted = trial.reviews.get(decision="accepted")
    assert {r["reference"]: r["answers"][2]["text"] for r in accepted.records}["EF-1003"] == "12"


def test_records_are_stored_as_answered_and_summarised_for_the_host(client, setup):
    world = setup
    bp, visits, days = world.metrics
    client.force_login(world.data_lead)
    _send(client, world, **{f"record-5-m{bp.pk}": "out", f"record-4-m{days.pk}_numerator": ""})
    answers = TrialAnswer.objects.filter(record__trial__team=world.team_a)
    bp_answers = {a.record.position: a for a in answers.filter(metric=bp)}
    assert (bp_answers[1].numerator, bp_answers[1].denominator) == (1, 1)
    assert (bp_answers[2].numerator, bp_answers[2].denominator) == (0, 1)
    assert (bp_answers[5].numerator, bp_answers[5].denominator) == (0, 0)
    assert bp_answers[1].stratum.name == "45–64"
    assert not answers.filter(metric=days, record__position=4).exists()

    client.force_login(world.host)
    page = _text(client.get(_url(world)))
    # Records 1 and 3 meet BP control, 2 and 4 do not, 5 is outside: 2 of 4.
    assert "4 in the denominator, 2 in the numerator: 50%" in page
    assert "Age group recorded for 5" in page
    # One visit over five patient-months, per 100.
    assert "ED visits: answered for 5 records of 5: 20 / 100" in page
    assert "Days to appt: answered for 4 records of 5: 10, 20, 30, 50" in page
    assert "Is a reading from the nurse's note enough?" in page
    assert "Your review" in page


def test_bad_answers_are_all_listed_and_nothing_is_stored(client, setup):
    world = setup
    bp, visits, days = world.metrics
    client.force_login(world.data_lead)
    response = _send(
        client,
        world,
        **{
            "record-1-reference": "Maria Lopez",
            "record-2-reference": "EF-1003",  # the same as record 3's
            f"record-4-m{days.pk}_numerator": "-3",
            f"record-5-m{visits.pk}_numerator": "two",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This looks like a person&#x27;s name" in page
    assert page.count("Each record needs its own reference.") == 2
    assert "cannot be negative" in page
    assert "must be a number" in page
    assert "Nothing was saved" in page
    assert 'value="two"' in page  # what was typed is kept to correct
    assert not TrialRun.objects.exists()


def test_a_refused_trial_keeps_every_answer_typed_in_each_record(client, setup):
    world = setup
    bp, visits, days = world.metrics
    client.force_login(world.data_lead)
    typed = _records(
        world,
        **{
            "record-2-note": "Seen twice that month",
            f"record-3-m{visits.pk}_numerator": "-1",  # the one bad answer
        },
    )
    response = client.post(_url(world), {**typed, "action": "submit"})
    assert response.status_code == 400
    assert not TrialRun.objects.exists()
    kept = typed_values(response)
    assert {name: kept.get(name) for name in typed} == typed
    errors = re.findall(r'id="id_(record-\d-m\d+_\w+)_error">([^<]*)<', response.content.decode())
    assert errors == [(f"record-3-m{visits.pk}_numerator", "The numerator cannot be negative. ")]


def test_sending_needs_five_referenced_records_but_a_draft_does_not(client, setup):
    world = setup
    client.force_login(world.data_lead)
    draft = {**_records(world, count=3), "action": "save"}
    assert client.post(_url(world), draft).status_code == 302
    response = _send(client, world, **{"record-4-reference": "", "record-5-reference": ""})
    assert response.status_code == 400
    assert response.content.decode().count("Give every record a reference.") == 2
    trial = TrialRun.objects.get(team=world.team_a)
    assert trial.status == TrialRun.Status.DRAFT
    assert trial.records.exclude(reference="").count() == 3  # the draft is untouched


def test_a_save_from_a_stale_copy_is_refused_and_keeps_the_typing(client, setup):
    world = setup
    client.force_login(world.data_lead)
    client.post(_url(world), {**_records(world, count=1), "action": "save"})
    stale = TrialRun.objects.get(team=world.team_a).version

    client.force_login(world.champion)  # a colleague saves meanwhile
    client.post(
        _url(world),
        {
            **_records(world, count=1),
            "record-1-reference": "EF-9",
            "action": "save",
            "version": stale,
        },
    )
    client.force_login(world.data_lead)
    response = client.post(
        _url(world),
        {
            **_records(world, count=1),
            "record-1-reference": "EF-7",
            "action": "save",
            "version": stale,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this trial run" in page
    assert 'value="EF-7"' in page
    assert TrialRecord.objects.get(position=1).reference == "EF-9"


def test_a_decision_on_a_changed_trial_is_refused(client, setup):
    world = setup
    client.force_login(world.data_lead)
    _send(client, world)
    trial = TrialRun.objects.get(team=world.team_a)
    client.force_login(world.host)
    old = trial.version - 1
    response = client.post(
        _url(world, "trials:review-trial"), {"decision": "accepted", "version": old}
    )
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status == TrialRun.Status.SUBMITTED
    assert not TrialReview.objects.exists()
    follow = client.get(response["Location"]).content.decode()
    assert "changed since you opened it" in follow


def test_a_host_can_excuse_a_team_that_never_started(client, setup):
    world = setup
    client.force_login(world.host)
    page = client.get(_url(world)).content.decode()
    assert "Excuse the team from the trial run" in page
    assert "Return to the team" not in page  # nothing sent yet to judge
    response = client.post(
        _url(world, "trials:review-trial"),
        {"decision": "excused", "comment": "Reports these already to the state.", "version": 1},
    )
    assert response.status_code == 302
    assert TrialRun.objects.get(team=world.team_a).status == TrialRun.Status.EXCUSED
    client.force_login(world.data_lead)
    _cell(client, world)
    assert Value.objects.filter(team=world.team_a).exists()


def test_uploads_and_the_period_page_wait_for_the_trial_too(client, setup):
    world = setup
    client.force_login(world.data_lead)
    content = "period,metric,stratum,numerator,denominator,note\n2026-02,ED visits,,3,150,\n"
    upload = io.BytesIO(content.encode())
    upload.name = "figures.csv"
    url = reverse("reporting:import-figures", args=[world.collaborative.pk, world.team_a.pk])
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "Routine reporting opens" in response.content.decode()
    period_url = reverse(
        "reporting:period-report", args=[world.collaborative.pk, world.team_a.pk, world.period.pk]
    )
    page = client.get(period_url).content.decode()
    assert "Open the trial run" in page
    key = f"{world.metrics[1].pk}-0"
    assert f'name="line-{key}-numerator"' not in page
    response = client.post(
        period_url,
        {f"line-{key}-numerator": "3", f"line-{key}-denominator": "150", "action": "submit"},
    )
    assert response.status_code == 302
    assert not Value.objects.exists()


def test_where_the_trial_is_only_offered_reporting_is_open(client, setup):
    world = setup
    ReportingSchedule.objects.filter(collaborative=world.collaborative).update(
        trial_run=ReportingSchedule.TrialRule.OFFERED
    )
    client.force_login(world.data_lead)
    text = client.get(
        reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])
    ).content.decode()
    assert "you may send a trial run of five records" in text
    _cell(client, world)
    assert Value.objects.filter(team=world.team_a).exists()


def test_where_there_is_no_trial_nobody_can_send_one(client, setup):
    world = setup
    ReportingSchedule.objects.filter(collaborative=world.collaborative).update(
        trial_run=ReportingSchedule.TrialRule.OFF
    )
    client.force_login(world.data_lead)
    page = client.get(_url(world)).content.decode()
    assert "does not ask for a trial run" in page
    assert client.post(_url(world), _records(world)).status_code == 403


def test_the_host_sets_the_rule_in_the_schedule(client, setup):
    world = setup
    client.force_login(world.host)
    url = reverse("measures:schedule", args=[world.collaborative.pk])
    response = client.post(
        url,
        {
            "frequency": "monthly",
            "first_period_on": "2026-01-01",
            "baseline_periods": "3",
            "due_days": "10",
            "grace_days": "5",
            "trial_run": "off",
            "version": ReportingSchedule.objects.get(collaborative=world.collaborative).version,
        },
    )
    assert response.status_code == 302
    schedule = ReportingSchedule.objects.get(collaborative=world.collaborative)
    assert schedule.trial_run == "off"


def test_the_list_shows_every_team_awaiting_first_in_constant_queries(
    client, setup, django_assert_max_num_queries
):
    world = setup
    client.force_login(world.data_lead)
    _send(client, world)
    for index in range(6):
        team = make_team(world.collaborative, f"Clinic {index}")
        TrialRun.objects.create(team=team, status=TrialRun.Status.ACCEPTED)
    client.force_login(world.host)
    url = reverse("trials:trials", args=[world.collaborative.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert "1 trial awaits review" in page
    assert "6 of 8 teams done" in page
    # Awaiting review first, then not started, then done.
    assert page.index("Eastside clinic") < page.index("Valley clinic") < page.index("Clinic 0")
    assert "Review<" in page

    # The coach sees the list and opens the team he coaches, but cannot decide.
    client.force_login(world.coach)
    page = client.get(url).content.decode()
    assert "1 trial awaits review" in page
    assert "Review<" not in page
    trial_page = client.get(_url(world)).content.decode()
    assert "Your review" not in trial_page


def test_the_coach_sees_the_trial_status_not_the_teams_instructions(client, setup):
    world = setup
    client.force_login(world.data_lead)
    _send(client, world)
    client.force_login(world.coach)
    text = _text(
        client.get(reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk]))
    )
    assert "Trial run: Awaiting review" in text
    assert "Routine reporting opens" not in text


def test_the_measures_page_points_reviewers_to_trials_awaiting_them(client, setup):
    """Measures shows the reporting-status roles how many trial runs await review."""
    world = setup
    measures = reverse("measures:metrics", args=[world.collaborative.pk])
    client.force_login(world.host)
    assert "awaits review" not in client.get(measures).content.decode()
    client.force_login(world.data_lead)
    _send(client, world)
    page = client.get(measures).content.decode()
    assert "awaits review" not in page and "Trial runs</a>" not in page
    for person in (world.host, world.coach):
        client.force_login(person)
        page = client.get(measures).content.decode()
        assert "Trial runs</a>" in page and "1 awaits review" in page
