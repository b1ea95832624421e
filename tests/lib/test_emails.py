"""Every e-mail the app sends has a plain-text subject: no HTML escapes in a name."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from convene.collaboratives.models import Invitation
from convene.lib import emails
from convene.trials.models import TrialReview, TrialRun

NAME = "St. Brendan's <Clinic> & Co"


@pytest.fixture
def named(world):
    world.collaborative.name = NAME
    world.collaborative.save()
    world.team_a.name = NAME
    world.team_a.save()
    return world


def _only_subject() -> str:
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "&#" not in subject and "&amp;" not in subject and "&lt;" not in subject
    return subject


def test_the_invitation_subject_names_the_collaborative_as_typed(client, named):
    client.force_login(named.host)
    client.post(
        reverse("collaboratives:invite", args=[named.collaborative.pk]),
        {"email": "nurse@example.test", "role": "observer"},
    )
    assert _only_subject() == f"You are invited to {NAME}"


def test_the_request_for_a_new_invitation_names_the_address_as_typed(named):
    invitation, _token = Invitation.issue(
        collaborative=named.collaborative, email="o'brien@example.test", role="observer"
    )
    emails.invitation_requested(None, invitation, ["host@example.test"])
    assert _only_subject() == "o'brien@example.test asks for a new invitation"


def test_the_trial_run_subjects_name_the_team_as_typed(named):
    trial = TrialRun.objects.create(team=named.team_a, status=TrialRun.Status.SUBMITTED)
    emails.trial_submitted(None, trial, ["host@example.test"])
    assert _only_subject() == f"Trial run from {NAME} awaits review"
    mail.outbox.clear()
    for decision, subject in [
        ("accepted", f"Trial run of {NAME} accepted"),
        ("returned", f"Trial run of {NAME} returned with a comment"),
        ("excused", f"{NAME} is excused from the trial run"),
    ]:
        review = TrialReview(trial=trial, decision=decision, reviewed_by=named.host)
        emails.trial_reviewed(RequestFactory().get("/"), trial, review, ["lead@example.test"])
        assert _only_subject() == subject
        mail.outbox.clear()


def test_the_password_reset_subject_is_one_plain_line(client, named):
    named.host.set_password("a long passphrase 42")
    named.host.save()
    client.post(reverse("accounts:password-reset"), {"email": named.host.email})
    assert _only_subject() == "Choose a new Convene password"
