"""Every e-mail the app sends has a plain-text subject: no HTML escapes in a name."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from convene.collaboratives.models import Invitation
from convene.lib import emails
from convene.notifications import delivery
from convene.trials import events as trial_events
from convene.trials.models import TrialRun

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


def test_a_notification_subject_names_the_team_as_typed(named):
    # Trial runs, like every notice, are e-mailed as notifications (the text is the subject).
    trial = TrialRun.objects.create(team=named.team_a, status=TrialRun.Status.SUBMITTED)
    trial_events.trial_submitted(trial, None)
    delivery.send_pending()
    # To each reviewer (the host and the planning team), one plain line each.
    assert {message.to[0] for message in mail.outbox} == {named.host.email, named.planning.email}
    for message in mail.outbox:
        assert message.subject == f"{NAME} sent its trial run: it awaits your review."


def test_the_password_reset_subject_is_one_plain_line(client, named):
    named.host.set_password("a long passphrase 42")
    named.host.save()
    client.post(reverse("accounts:password-reset"), {"email": named.host.email})
    assert _only_subject() == "Choose a new Convene password"
